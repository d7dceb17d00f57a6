/* Headless subcommands: see cli.h. */
#include "engine/cli.h"

#include <stdarg.h>
#include <stdio.h>

int td_cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "tapedeck: %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n(try 'tapedeck %s --help')\n", cmd);
	va_end(ap);
	return 2;
}
