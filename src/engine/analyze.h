/*
 * tapedeck analyze: the headless analytics, for scripts and tests.
 *
 *   tapedeck analyze bars|footprint|profile|premarket|levels --in FILE
 *                    [--symbol S] [--tf 5m] [--format csv|json] [...]
 *   tapedeck analyze indicators --in BARS.csv --ind SPEC [--format csv|json]
 *
 * FILE is a tape or a trades CSV (doc/formats.md); BARS.csv has a header
 * time,open,high,low,close[,volume].  Every subcommand, option, output
 * column and exit status is defined in doc/analyze.md.
 *
 * Results go to stdout; errors and warnings go to stderr as
 * "tapedeck: analyze: where: what", each reported once.
 */
#ifndef TD_ANALYZE_H
#define TD_ANALYZE_H

/*
 * Run one analyze subcommand.  argv[0] is "analyze", argv[1] the
 * subcommand, then its options (getopt_long, which this resets).  Sets
 * LC_NUMERIC to "C" so numbers always print with a decimal point.
 * Returns the exit status: 0 done, 1 bad input or data (the output may still
 * have been written, see doc/analyze.md), 2 bad usage.
 */
int td_analyze_main(int argc, char **argv);

#endif
