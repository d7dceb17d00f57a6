/*
 * tapedeck report: the deals (round trips) and the positions the order
 * journal holds, for scripts and spreadsheets.
 *
 *   tapedeck report deals|positions [--journal FILE] [--market us|in]
 *                   [--config FILE] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
 *                   [--format text|csv|json]
 *
 * A report never trades and never writes the journal: it replays a private
 * copy of it.  The columns, the date filter and the exit statuses are in
 * doc/orders.md, "Reports".  Results go to stdout; errors and notes (a torn
 * last record, orders for instruments the market does not list) go to
 * stderr as "tapedeck: report: what".
 */
#ifndef TD_REPORT_CLI_H
#define TD_REPORT_CLI_H

/*
 * Run one report.  argv[0] is "report", argv[1] the subcommand (or --help),
 * then its options (getopt_long, which this resets).  Sets LC_NUMERIC to
 * "C".  Returns the exit status: 0 reported (a torn last record included),
 * 1 the journal or the market cannot be read or the journal is damaged,
 * 2 bad usage.
 */
int td_report_main(int argc, char **argv);

#endif
