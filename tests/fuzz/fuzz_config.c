/*
 * libFuzzer harness for the INI parsers a user's files reach: the
 * configuration and theme files.  Each input is written to a memfd and loaded
 * both ways; a parser may reject it, never crash or read out of bounds.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/config.h"
#include "theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz", 0);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	char path[64], err[512];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	td_config cfg;
	td_config_defaults(&cfg);
	td_config_load(&cfg, path, err, sizeof(err));
	td_theme *t = td_theme_load(path, err, sizeof(err));
	td_theme_free(t);
	close(fd);
	return 0;
}
