/*
 * libFuzzer harness for tapes and trade CSV (see README.md).
 *
 * Each input is replayed as it is, so the content decides tape or CSV.  An
 * input that starts with the tape magic is replayed a second time with its
 * header and block checksums recomputed, so mutations reach the decoding of
 * instruments and events behind the CRC-32 checks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "feed/replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Recompute the header CRC and the CRC of every block that fits (doc/formats.md). */
static void repair_checksums(uint8_t *p, size_t n)
{
	if (n < 36)
		return;
	uint32_t hlen = le32(p + 12);
	if (hlen < 36 || hlen > n)
		return;
	put_le32(p + hlen - 4, (uint32_t)crc32(0, p, hlen - 4));
	size_t off = hlen;
	while (n - off >= 16 && memcmp(p + off, "TDBK", 4) == 0) {
		uint32_t len = le32(p + off + 8);
		if (len > n - off - 16)
			return;
		uLong crc = crc32(crc32(0, p + off + 4, 8), p + off + 16, len);
		put_le32(p + off + 12, (uint32_t)crc);
		off += 16 + (size_t)len;
	}
}

/* Replay n bytes from an in-memory file until the stream ends. */
static void replay_bytes(const uint8_t *data, size_t n)
{
	int fd = memfd_create("fuzz_replay", 0);
	if (fd < 0 || write(fd, data, n) != (ssize_t)n)
		abort();
	char path[64], err[256];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	td_registry *reg = td_registry_new(16);
	td_replay *r = td_replay_open(path, reg, err, sizeof err);
	if (r) {
		td_event ev;
		while (td_replay_next(r, &ev) == 1)
			if (ev.instr != TD_NO_ID && !td_registry_get(reg, ev.instr))
				abort();  /* every event must name a registered instrument */
		(void)td_replay_first_error(r);
		td_replay_free(r);
	}
	td_registry_free(reg);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	replay_bytes(data, size);
	if (size >= 8 && memcmp(data, "TDTAPE\0\0", 8) == 0) {
		uint8_t *copy = malloc(size);
		if (!copy)
			return 0;
		memcpy(copy, data, size);
		repair_checksums(copy, size);
		replay_bytes(copy, size);
		free(copy);
	}
	return 0;
}
