/*
 * The order journal's file.
 *
 * DESIGN
 *
 * Opening reads the file front to back through one 64 KiB buffer and hands
 * each record out as soon as its checksum, fields and sequence number hold,
 * so memory does not grow with the file.  Reading stops at the first bad
 * line, and what follows decides what it was:
 *
 *   - A crash can only leave the record whose append had not returned, so a
 *     torn record is the last thing in the file and is no longer than one
 *     record.  When the bytes from the bad line to the end fit in one record
 *     and no complete record (a line whose checksum holds) starts anywhere
 *     inside them, they are that torn record: the file is cut back to the
 *     good record before it and synced.
 *   - Anything else (more bytes than one record, a complete record after the
 *     bad line, or a record whose checksum holds but whose fields or sequence
 *     number do not) is damage no crash explains: nothing after it is read and
 *     the handle refuses appends.
 *
 * Looking for a complete record at every byte of the tail, not only after
 * line ends, is what keeps a record whose LF was damaged from taking the
 * good record after it down with it as "torn".
 *
 * A new file is written whole under a temporary name and linked into place,
 * so the journal either does not exist or has its full header; link, unlike
 * rename, fails rather than replacing a journal another process created
 * meanwhile.  Appends go through O_APPEND on a file held under flock.
 */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "../core/config.h"
#include "../core/fsutil.h"
#include "../core/text.h"

#define TD_JNL_MAGIC "tapedeck-journal "
#define TD_JNL_MAGIC_LEN 17
#define TD_JNL_VERSION_AT 17      /* the version digit follows the magic */
#define TD_JNL_HEADER_CRC_AT 28   /* the header's CRC covers the bytes before it */
#define TD_JNL_HEADER_LEN 37      /* "tapedeck-journal 1 " tag ' ' crc LF */
#define TD_JNL_BODY_AT 9          /* a record's bytes after "crc\t", which its CRC covers */
#define TD_JNL_NUM_MAX 20         /* digits of a uint64, or sign and digits of an int64 */
/* crc TAB seq TAB kind TAB ts TAB payload LF */
#define TD_JNL_LINE_MAX (TD_JNL_BODY_AT + TD_JNL_NUM_MAX + 3 + TD_JNL_NUM_MAX + 1 + \
			 TD_JOURNAL_PAYLOAD_MAX + 1)
#define TD_JNL_LINE_MIN (TD_JNL_BODY_AT + 7)  /* "1\tA\t0\t\n" */
#define TD_JNL_READ_BUF (64 * 1024)
#define TD_JNL_PATH_MAX 4096
#define TD_JNL_NAME_MAX 512       /* the path as messages show it */
#define TD_JNL_WHY_MAX 256

struct td_journal {
	int fd;
	uint32_t tag;            /* from the header, for ids */
	uint64_t last_seq;
	uint64_t size;           /* where the next record starts */
	bool nosync;
	bool refusing;
	char name[TD_JNL_NAME_MAX];
	char refusal[TD_JOURNAL_MSG_MAX];
};

/* Streaming state of one open; freed before the open returns. */
typedef struct td_jnl_reader {
	int fd;
	size_t len, pos;         /* buf[pos..len) is read but not yet consumed */
	bool eof;
	uint8_t buf[TD_JNL_READ_BUF];
	char payload[TD_JOURNAL_PAYLOAD_MAX + 1];
} td_jnl_reader;

/* A line as the reader found it. */
typedef struct td_jnl_line {
	const uint8_t *p;
	size_t len;              /* bytes, the LF included when there is one */
	bool lf;
	bool at_eof;             /* no LF because the file ends */
} td_jnl_line;

__attribute__((format(printf, 3, 4)))
static void fmt(char *buf, size_t n, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	vsnprintf(buf, n, f, ap);
	va_end(ap);
}

static uint32_t td_crc(const uint8_t *p, size_t n)
{
	return (uint32_t)crc32(crc32(0L, Z_NULL, 0), p, (uInt)n);
}

/* Write v as 8 lowercase hex digits at p (no NUL). */
static void put_hex8(uint8_t *p, uint32_t v)
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 7; i >= 0; i--, v >>= 4)
		p[i] = (uint8_t)digits[v & 0xF];
}

/* Read 8 lowercase hex digits; uppercase is refused so that a value has one spelling. */
static bool get_hex8(const uint8_t *p, uint32_t *v)
{
	uint32_t x = 0;
	for (int i = 0; i < 8; i++) {
		int d = p[i] >= '0' && p[i] <= '9' ? p[i] - '0'
			: p[i] >= 'a' && p[i] <= 'f' ? p[i] - 'a' + 10 : -1;
		if (d < 0)
			return false;
		x = x << 4 | (uint32_t)d;
	}
	*v = x;
	return true;
}

/* Canonical unsigned decimal: digits only, no leading zero; 0 or -1. */
static int parse_u64(const uint8_t *s, size_t n, uint64_t *v)
{
	if (n == 0 || n > TD_JNL_NUM_MAX || (s[0] == '0' && n > 1))
		return -1;
	uint64_t x = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		unsigned d = (unsigned)(s[i] - '0');
		if (x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

/* Canonical signed decimal: an optional '-' (never "-0") and the digits; 0 or -1. */
static int parse_i64(const uint8_t *s, size_t n, int64_t *v)
{
	size_t neg = n > 0 && s[0] == '-';
	uint64_t m;
	if (parse_u64(s + neg, n - neg, &m) < 0)
		return -1;
	if (neg ? m == 0 || m > (uint64_t)INT64_MAX + 1 : m > (uint64_t)INT64_MAX)
		return -1;
	*v = neg ? -(int64_t)(m - 1) - 1 : (int64_t)m;
	return 0;
}

static bool kind_ok(char k)
{
	return (k >= 'A' && k <= 'Z') || (k >= 'a' && k <= 'z');
}

/*
 * Bytes of the allowed character at p (before end): 1 for TAB and printable
 * ASCII, 2 to 4 for a valid UTF-8 sequence other than a C1 control; 0 when
 * the bytes at p are not allowed.  Validity follows table 3-7 of the Unicode
 * Standard, which rules out overlong forms, surrogates and code points past
 * U+10FFFF.
 */
static size_t char_len(const uint8_t *p, const uint8_t *end)
{
	uint8_t c = p[0];
	if (c == '\t' || (c >= 0x20 && c < 0x7F))
		return 1;
	size_t len;
	uint8_t lo = 0x80, hi = 0xBF;  /* the range of the second byte */
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4;
	else
		return 0;
	if (c == 0xC2)
		lo = 0xA0;  /* C2 80..C2 9F are the C1 controls */
	else if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if ((size_t)(end - p) < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return len;
}

/* Whether n bytes at p may be a payload: 0, or -1 with why naming the first bad byte. */
static int payload_check(const uint8_t *p, size_t n, char *why, size_t whylen)
{
	if (n > TD_JOURNAL_PAYLOAD_MAX)
		return fmt(why, whylen, "payload of %zu bytes, more than %d", n,
			   TD_JOURNAL_PAYLOAD_MAX), -1;
	for (size_t i = 0; i < n;) {
		size_t len = char_len(p + i, p + n);
		if (len) {
			i += len;
			continue;
		}
		if (p[i] < 0x20 || p[i] == 0x7F)
			fmt(why, whylen, "control character 0x%02x at payload byte %zu", p[i], i);
		else if (p[i] == 0xC2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F)
			fmt(why, whylen, "C1 control character U+%04X at payload byte %zu", p[i + 1],
			    i);
		else
			fmt(why, whylen, "invalid UTF-8 at payload byte %zu", i);
		return -1;
	}
	return 0;
}

/* Write the line of a record into line (TD_JNL_LINE_MAX + 1 bytes); its length. */
static size_t format_record(uint8_t *line, uint64_t seq, char kind, td_ns ts, const char *payload,
			    size_t len)
{
	int head = snprintf((char *)line + TD_JNL_BODY_AT, TD_JNL_LINE_MAX + 1 - TD_JNL_BODY_AT,
			    "%" PRIu64 "\t%c\t%" PRId64 "\t", seq, kind, ts);
	size_t n = TD_JNL_BODY_AT + (size_t)head;
	memcpy(line + n, payload, len);
	n += len;
	line[n++] = '\n';
	put_hex8(line, td_crc(line + TD_JNL_BODY_AT, n - TD_JNL_BODY_AT));
	line[8] = '\t';
	return n;
}

/* The header of a new journal with tag. */
static void format_header(uint8_t h[TD_JNL_HEADER_LEN], uint32_t tag)
{
	memcpy(h, TD_JNL_MAGIC "1 ", TD_JNL_MAGIC_LEN + 2);
	put_hex8(h + TD_JNL_MAGIC_LEN + 2, tag);
	h[TD_JNL_HEADER_CRC_AT - 1] = ' ';
	put_hex8(h + TD_JNL_HEADER_CRC_AT, td_crc(h, TD_JNL_HEADER_CRC_AT));
	h[TD_JNL_HEADER_LEN - 1] = '\n';
}

/* A tag unlikely to be another journal's; the clock stands in while the kernel has no entropy. */
static uint32_t new_tag(void)
{
	uint32_t tag;
	if (getrandom(&tag, sizeof tag, GRND_NONBLOCK) == (ssize_t)sizeof tag)
		return tag;
	uint64_t x = (uint64_t)td_now() ^ (uint64_t)getpid() << 32;
	x = (x ^ x >> 30) * 0xbf58476d1ce4e5b9ULL;  /* splitmix64's finaliser spreads the bits */
	x = (x ^ x >> 27) * 0x94d049bb133111ebULL;
	return (uint32_t)(x ^ x >> 31);
}

/* ---- creating ---- */

/* Write all n bytes at p; 0, or -1 with errno. */
static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Write a synced header into a new file named after template tmp; 0, or -1 with errno. */
static int write_new(char *tmp)
{
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -1;
	uint8_t h[TD_JNL_HEADER_LEN];
	format_header(h, new_tag());
	int rc = fchmod(fd, 0600) == 0 && write_all(fd, h, sizeof h) == 0 && fsync(fd) == 0 ? 0
		 : -1;
	int e = errno;
	close(fd);
	if (rc != 0)
		unlink(tmp);
	errno = e;
	return rc;
}

/*
 * Create the journal at path; 0, or -1 with err.  *created stays false when
 * another process created it first; the lock then decides which of us goes on.
 */
static int create_file(const td_journal *j, const char *path, bool *created, char *err,
		       size_t errlen)
{
	char tmp[TD_JNL_PATH_MAX];
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= sizeof tmp)
		return td_errf(err, errlen, "%s: path too long", j->name);
	if (td_fs_make_parents(path) != 0)
		return td_errf(err, errlen, "%s: cannot create its directory: %s", j->name,
			       strerror(errno));
	if (write_new(tmp) != 0)
		return td_errf(err, errlen, "%s: cannot create: %s", j->name, strerror(errno));
	int rc = link(tmp, path);
	int e = errno;
	unlink(tmp);
	if (rc != 0 && e == EEXIST)
		return 0;
	if (rc != 0)
		return td_errf(err, errlen, "%s: cannot create: %s", j->name, strerror(e));
	*created = true;
	if (td_fs_sync_parent(path) != 0)
		return td_errf(err, errlen, "%s: created, but syncing its directory failed: %s",
			       j->name, strerror(errno));
	return 0;
}

/* ---- opening ---- */

/* Open (creating when missing) and lock path into j->fd; 0, or -1 with err. */
static int open_file(td_journal *j, const char *path, bool *created, char *err, size_t errlen)
{
	/* O_NONBLOCK so that a FIFO put in the file's place cannot hang the open */
	int flags = O_RDWR | O_APPEND | O_CLOEXEC | O_NONBLOCK;
	j->fd = open(path, flags);
	if (j->fd < 0 && errno == ENOENT) {
		if (create_file(j, path, created, err, errlen) != 0)
			return -1;
		j->fd = open(path, flags);
	}
	if (j->fd < 0)
		return td_errf(err, errlen, "%s: cannot open: %s", j->name, strerror(errno));
	if (flock(j->fd, LOCK_EX | LOCK_NB) != 0)
		return td_errf(err, errlen, "%s: %s", j->name, errno == EWOULDBLOCK
			       ? "in use by another tapedeck (the file is locked)" : strerror(errno));
	struct stat st;
	if (fstat(j->fd, &st) != 0)
		return td_errf(err, errlen, "%s: %s", j->name, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return td_errf(err, errlen, "%s: not a regular file", j->name);
	if (fcntl(j->fd, F_SETFL, O_APPEND) != 0)
		return td_errf(err, errlen, "%s: %s", j->name, strerror(errno));
	j->size = (uint64_t)st.st_size;
	return 0;
}

/* Check the header and take the tag from it; 0, or -1 with err. */
static int read_header(td_journal *j, char *err, size_t errlen)
{
	uint8_t h[TD_JNL_HEADER_LEN + 16];
	ssize_t got;
	do
		got = pread(j->fd, h, sizeof h, 0);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return td_errf(err, errlen, "%s: read error: %s", j->name, strerror(errno));
	size_t n = (size_t)got;
	if (n < TD_JNL_MAGIC_LEN || memcmp(h, TD_JNL_MAGIC, TD_JNL_MAGIC_LEN) != 0)
		return td_errf(err, errlen, "%s:0: not a tapedeck journal (it should start with "
			       "'" TD_JNL_MAGIC "1')", j->name);
	size_t v = TD_JNL_VERSION_AT;
	while (v < n && h[v] != ' ' && h[v] != '\n' && v < TD_JNL_VERSION_AT + 8)
		v++;
	if (v != TD_JNL_VERSION_AT + 1 || h[TD_JNL_VERSION_AT] != '1') {
		char raw[9] = "", q[9];
		memcpy(raw, h + TD_JNL_VERSION_AT, v - TD_JNL_VERSION_AT);
		td_text_sanitize(q, sizeof q, raw);
		return td_errf(err, errlen, "%s:%d: unsupported journal version '%s' (this build "
			       "reads version 1)", j->name, TD_JNL_VERSION_AT, q);
	}
	uint32_t stored;
	if (n < TD_JNL_HEADER_LEN || h[TD_JNL_VERSION_AT + 1] != ' '
	    || !get_hex8(h + TD_JNL_VERSION_AT + 2, &j->tag) || h[TD_JNL_HEADER_CRC_AT - 1] != ' '
	    || !get_hex8(h + TD_JNL_HEADER_CRC_AT, &stored) || h[TD_JNL_HEADER_LEN - 1] != '\n')
		return td_errf(err, errlen, "%s:0: malformed journal header", j->name);
	uint32_t calc = td_crc(h, TD_JNL_HEADER_CRC_AT);
	if (stored != calc)
		return td_errf(err, errlen, "%s:%d: header checksum mismatch (stored 0x%08" PRIx32
			       ", computed 0x%08" PRIx32 ")", j->name, TD_JNL_HEADER_CRC_AT, stored,
			       calc);
	return 0;
}

/* Have at least one line's worth of unread bytes in r->buf unless the file ends first; 0 or -1. */
static int reader_fill(td_jnl_reader *r)
{
	if (r->len - r->pos >= TD_JNL_LINE_MAX || r->eof)
		return 0;
	memmove(r->buf, r->buf + r->pos, r->len - r->pos);
	r->len -= r->pos;
	r->pos = 0;
	while (r->len < sizeof r->buf && !r->eof) {
		ssize_t n = read(r->fd, r->buf + r->len, sizeof r->buf - r->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		r->eof = n == 0;
		r->len += (size_t)n;
	}
	return 0;
}

/* The next line, at most TD_JNL_LINE_MAX bytes (len 0 at the end); 0, or -1 with errno. */
static int reader_line(td_jnl_reader *r, td_jnl_line *l)
{
	if (reader_fill(r) != 0)
		return -1;
	size_t avail = r->len - r->pos;
	size_t look = avail < TD_JNL_LINE_MAX ? avail : TD_JNL_LINE_MAX;
	const uint8_t *nl = memchr(r->buf + r->pos, '\n', look);
	l->p = r->buf + r->pos;
	l->lf = nl != NULL;
	l->len = nl ? (size_t)(nl - l->p) + 1 : look;
	l->at_eof = !nl && r->eof && look == avail;
	r->pos += l->len;
	return 0;
}

/* Whether the n bytes at p start with a line whose checksum holds: 0, or -1 with why. */
static int line_sound(const uint8_t *p, size_t n, char *why, size_t whylen)
{
	uint32_t stored;
	if (n < TD_JNL_LINE_MIN)
		return fmt(why, whylen, "too short for a record (%zu bytes)", n), -1;
	if (!get_hex8(p, &stored) || p[8] != '\t')
		return fmt(why, whylen, "no checksum at the start of the line"), -1;
	uint32_t calc = td_crc(p + TD_JNL_BODY_AT, n - TD_JNL_BODY_AT);
	if (stored != calc)
		return fmt(why, whylen, "checksum mismatch (stored 0x%08" PRIx32 ", computed 0x%08"
			   PRIx32 ")", stored, calc), -1;
	return 0;
}

/* Whether l is a whole line whose checksum holds: 0, or -1 with why. */
static int line_frame(const td_jnl_line *l, char *why, size_t whylen)
{
	if (!l->lf && l->at_eof)
		return fmt(why, whylen, "the file ends mid-record (%zu bytes without an end of line)",
			   l->len), -1;
	if (!l->lf)
		return fmt(why, whylen, "no end of line within %d bytes", TD_JNL_LINE_MAX), -1;
	return line_sound(l->p, l->len, why, whylen);
}

/* Fields of a line whose checksum holds into *rec, payload into r->payload; 0, or -1 with why. */
static int line_fields(td_jnl_reader *r, const td_jnl_line *l, td_journal_rec *rec, char *why,
		       size_t whylen)
{
	const uint8_t *p = l->p + TD_JNL_BODY_AT, *end = l->p + l->len - 1;
	const uint8_t *tab = memchr(p, '\t', (size_t)(end - p));
	if (!tab || parse_u64(p, (size_t)(tab - p), &rec->seq) != 0 || rec->seq == 0)
		return fmt(why, whylen, "bad sequence number"), -1;
	p = tab + 1;
	if (end - p < 2 || !kind_ok((char)p[0]) || p[1] != '\t')
		return fmt(why, whylen, "bad record kind"), -1;
	rec->kind = (char)p[0];
	p += 2;
	tab = memchr(p, '\t', (size_t)(end - p));
	if (!tab || parse_i64(p, (size_t)(tab - p), &rec->ts) != 0)
		return fmt(why, whylen, "bad timestamp"), -1;
	p = tab + 1;
	rec->len = (size_t)(end - p);
	if (payload_check(p, rec->len, why, whylen) != 0)
		return -1;
	memcpy(r->payload, p, rec->len);
	r->payload[rec->len] = '\0';
	rec->payload = r->payload;
	return 0;
}

/* Stop at the bad record at off: the journal refuses appends from now on. */
__attribute__((format(printf, 4, 5)))
static void damaged(td_journal *j, td_journal_info *info, uint64_t off, const char *f, ...)
{
	char what[TD_JNL_WHY_MAX * 2];
	va_list ap;
	va_start(ap, f);
	vsnprintf(what, sizeof what, f, ap);
	va_end(ap);
	info->tail = TD_JOURNAL_DAMAGED;
	info->offset = off;
	fmt(info->msg, sizeof info->msg, "%s:%" PRIu64 ": %s; nothing after it was read, and the "
	    "journal refuses appends", j->name, off, what);
	td_strlcpy(j->refusal, info->msg, sizeof j->refusal);
	j->refusing = true;
}

/*
 * Where a complete record starts inside the n bytes at p, after the first
 * byte (which starts the bad line itself); 0 when none does.
 */
static size_t find_record(const uint8_t *p, size_t n)
{
	char why[TD_JNL_WHY_MAX];
	for (size_t at = 1; at < n; at++) {
		const uint8_t *nl = memchr(p + at, '\n', n - at);
		if (!nl)
			return 0;  /* no line end left, so no complete line either */
		if (line_sound(p + at, (size_t)(nl - p) + 1 - at, why, sizeof why) == 0)
			return at;
	}
	return 0;
}

/* Read the size - off bytes from off into buf (TD_JNL_LINE_MAX bytes); 0, or -1 with errno. */
static int read_tail(int fd, uint64_t off, size_t n, uint8_t *buf)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, buf + got, n - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0 ? (errno = EIO, -1) : -1;
		got += (size_t)r;
	}
	return 0;
}

/*
 * The line at off is bad (why): cut it off as a torn last record when
 * nothing else can be behind it, else stop there as damage.  0, or -1 with
 * err when the file cannot be read or cut.
 */
static int bad_line(td_journal *j, td_jnl_reader *r, td_journal_info *info, uint64_t off,
		    const char *why, char *err, size_t errlen)
{
	struct stat st;
	if (fstat(j->fd, &st) != 0)
		return td_errf(err, errlen, "%s: %s", j->name, strerror(errno));
	uint64_t tail = (uint64_t)st.st_size - off;
	if (tail > TD_JNL_LINE_MAX)
		return damaged(j, info, off, "%s, with %" PRIu64 " more bytes after it than one "
			       "record can hold", why, tail - TD_JNL_LINE_MAX), 0;
	/* the reader's buffer is done with: the tail goes there */
	if (read_tail(j->fd, off, (size_t)tail, r->buf) != 0)
		return td_errf(err, errlen, "%s: read error: %s", j->name, strerror(errno));
	size_t at = find_record(r->buf, (size_t)tail);
	if (at)
		return damaged(j, info, off, "%s, and a complete record follows at %" PRIu64, why,
			       off + at), 0;
	if (ftruncate(j->fd, (off_t)off) != 0 || fsync(j->fd) != 0)
		return td_errf(err, errlen, "%s:%" PRIu64 ": cannot cut off the torn last record: "
			       "%s", j->name, off, strerror(errno));
	j->size = off;
	info->tail = TD_JOURNAL_TORN;
	info->offset = off;
	info->dropped = tail;
	fmt(info->msg, sizeof info->msg, "%s:%" PRIu64 ": torn last record dropped: %s; its %"
	    PRIu64 " bytes were never acknowledged", j->name, off, why, tail);
	return 0;
}

/* Hand every good record to fn and settle the tail; 0, or -1 with err. */
static int read_records(td_journal *j, td_jnl_reader *r, td_journal_fn *fn, void *user,
			td_journal_info *info, char *err, size_t errlen)
{
	uint64_t off = TD_JNL_HEADER_LEN;
	char why[TD_JNL_WHY_MAX];
	if (lseek(j->fd, (off_t)off, SEEK_SET) < 0)
		return td_errf(err, errlen, "%s: %s", j->name, strerror(errno));
	for (;;) {
		td_jnl_line l;
		td_journal_rec rec = { .offset = off };
		if (reader_line(r, &l) != 0)
			return td_errf(err, errlen, "%s: read error: %s", j->name, strerror(errno));
		if (l.len == 0)
			break;
		if (line_frame(&l, why, sizeof why) != 0)
			return bad_line(j, r, info, off, why, err, errlen);
		if (line_fields(r, &l, &rec, why, sizeof why) != 0)
			return damaged(j, info, off, "%s", why), 0;
		if (rec.seq != j->last_seq + 1)
			return damaged(j, info, off, "sequence number %" PRIu64 " where %" PRIu64
				       " was expected", rec.seq, j->last_seq + 1), 0;
		td_strlcpy(why, "no reason given", sizeof why);
		if (fn && fn(&rec, user, why, sizeof why) != 0)
			return damaged(j, info, off, "record %" PRIu64 " refused: %s", rec.seq, why), 0;
		j->last_seq = rec.seq;
		info->last_seq = rec.seq;
		info->records++;
		off += l.len;
	}
	j->size = off;
	return 0;
}

td_journal *td_journal_open(const char *path, td_journal_fn *fn, void *user,
			    td_journal_info *info, char *err, size_t errlen)
{
	memset(info, 0, sizeof *info);
	td_journal *j = calloc(1, sizeof *j);
	td_jnl_reader *r = j ? malloc(sizeof *r) : NULL;
	if (!r) {
		free(j);
		td_errf(err, errlen, "out of memory");
		return NULL;
	}
	td_text_sanitize(j->name, sizeof j->name, path);
	int rc = open_file(j, path, &info->created, err, errlen);
	if (rc == 0)
		rc = read_header(j, err, errlen);
	if (rc == 0) {
		*r = (td_jnl_reader){ .fd = j->fd };
		rc = read_records(j, r, fn, user, info, err, errlen);
	}
	free(r);
	if (rc != 0) {
		td_journal_close(j);
		return NULL;
	}
	return j;
}

void td_journal_close(td_journal *j)
{
	if (!j)
		return;
	if (j->fd >= 0)
		close(j->fd);  /* releases the lock */
	free(j);
}

/* ---- appending ---- */

/* Refuse every append from now on for the reason given; -1 with it in err. */
__attribute__((format(printf, 4, 5)))
static int refuse(td_journal *j, char *err, size_t errlen, const char *f, ...)
{
	char what[TD_JNL_WHY_MAX];
	va_list ap;
	va_start(ap, f);
	vsnprintf(what, sizeof what, f, ap);
	va_end(ap);
	fmt(j->refusal, sizeof j->refusal, "%s:%" PRIu64 ": %s; the journal refuses appends",
	    j->name, j->size, what);
	j->refusing = true;
	return td_errf(err, errlen, "%s", j->refusal);
}

int td_journal_append(td_journal *j, char kind, td_ns ts, const char *payload, uint64_t *seq,
		      char *err, size_t errlen)
{
	char why[TD_JNL_WHY_MAX];
	if (j->refusing)
		return td_errf(err, errlen, "%s", j->refusal);
	if (!kind_ok(kind))
		return td_errf(err, errlen, "%s: record kind 0x%02x is not an ASCII letter", j->name,
			       (unsigned char)kind);
	size_t len = strnlen(payload, TD_JOURNAL_PAYLOAD_MAX + 1);
	if (payload_check((const uint8_t *)payload, len, why, sizeof why) != 0)
		return td_errf(err, errlen, "%s: bad payload: %s", j->name, why);
	if (j->last_seq == UINT64_MAX)
		return td_errf(err, errlen, "%s: sequence numbers exhausted", j->name);
	uint8_t line[TD_JNL_LINE_MAX + 1];
	size_t n = format_record(line, j->last_seq + 1, kind, ts, payload, len);
	/* a failed or short write may have left part of the record: later ones must not follow it */
	if (write_all(j->fd, line, n) != 0)
		return refuse(j, err, errlen, "cannot write record %" PRIu64 ": %s",
			      j->last_seq + 1, strerror(errno));
	/* after a failed sync the page cache's state is unknown, so it is never retried */
	if (!j->nosync && fdatasync(j->fd) != 0)
		return refuse(j, err, errlen, "cannot sync record %" PRIu64 ", which may or may not "
			      "be on disk: %s", j->last_seq + 1, strerror(errno));
	j->last_seq++;
	j->size += n;
	if (seq)
		*seq = j->last_seq;
	return 0;
}

int td_journal_next_id(const td_journal *j, char *buf, size_t n)
{
	if (n < TD_JOURNAL_ID_MAX)
		return -1;
	snprintf(buf, n, "TD%08" PRIx32 "-%" PRIu64, j->tag, j->last_seq + 1);
	return 0;
}

uint64_t td_journal_last_seq(const td_journal *j)
{
	return j->last_seq;
}

const char *td_journal_refusal(const td_journal *j)
{
	return j->refusing ? j->refusal : NULL;
}

int td_journal_default_path(char *buf, size_t n)
{
	char dir[TD_JNL_PATH_MAX];
	if (td_config_state_dir(dir, sizeof dir) != 0)
		return -1;
	int w = snprintf(buf, n, "%s/orders.journal", dir);
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

void td_journal_bench_nosync(td_journal *j)
{
	j->nosync = true;
}
