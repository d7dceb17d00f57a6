/*
 * tapedeck options chain|scan: the chain statistics and the option-selling
 * scanner over a recorded tape or a CSV of option quotes, for scripts and
 * tests.
 *
 *   tapedeck options chain --in TAPE|CHAIN.csv [--format text|csv|json] [...]
 *   tapedeck options scan  --in TAPE|CHAIN.csv [--format text|csv|json] [...]
 *
 * The input columns, the options, the output and the exit statuses are
 * defined in doc/options.md, "Headless: tapedeck options chain and scan".
 * Results go to stdout; errors go to stderr as "FILE:LINE: column 'C': what"
 * (bad rows) or "tapedeck: options: what" (everything else).
 */
#ifndef TD_OPTIONS_CHAIN_CLI_H
#define TD_OPTIONS_CHAIN_CLI_H

/*
 * Run `options chain` or `options scan`: argv[0] is "options", argv[1]
 * "chain" or "scan", then its options (getopt_long, which this resets).
 * Sets LC_NUMERIC to "C".  Returns the exit status: 0 done, 1 an unreadable
 * or damaged input, no chain to show, or any bad row (the other rows are
 * still computed and written), 2 bad usage.
 */
int td_options_chain_main(int argc, char **argv);

#endif
