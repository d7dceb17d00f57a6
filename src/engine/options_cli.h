/*
 * tapedeck options: the option models of src/options over a CSV of
 * contracts, one output row per input row, for scripts and tests.
 *
 *   tapedeck options price|iv|greeks --in FILE.csv [--format csv|json]
 *                    [--now ISO-8601]
 *
 * The input columns, the output columns, the number format and the exit
 * statuses are defined in doc/options.md, "Headless: tapedeck options".
 * Results go to stdout; errors go to stderr as "FILE:LINE: column 'C': what"
 * (bad rows) or "tapedeck: options: what" (everything else).
 *
 * `options chain` and `options scan` are handed to td_options_chain_main
 * (options_chain_cli.h).
 */
#ifndef TD_OPTIONS_CLI_H
#define TD_OPTIONS_CLI_H

/*
 * Run one options subcommand.  argv[0] is "options", argv[1] the subcommand
 * (or --help; chain and scan go to td_options_chain_main), then its
 * options (getopt_long, which this resets).  Sets LC_NUMERIC to "C".
 * Returns the exit status: 0 every row computed, 1 an unreadable file, a
 * header without a required column, or any bad row (the other rows are
 * still written), 2 bad usage.
 */
int td_options_main(int argc, char **argv);

#endif
