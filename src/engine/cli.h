/* What the headless subcommands (analyze, options, report) share. */
#ifndef TD_CLI_H
#define TD_CLI_H

/*
 * "tapedeck: CMD: message" and a hint to try --help, on stderr; returns 2,
 * the exit status of a usage error, so a parser can end with return td_cli_usage_error(...).
 */
int td_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
