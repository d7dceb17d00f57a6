/*
 * Replay of recorded tapes and of trade CSV files, and the tape writer.
 *
 * Tape format (doc/formats.md is the reference): a header with a magic, a
 * version and the instrument table, then blocks of events each with a
 * CRC-32.  A damaged tape yields every event before the damage and then an
 * error "FILE:OFFSET: what is wrong".
 *
 * CSV: "ts,symbol,price,size,side" with ts ISO-8601 or epoch ns and side
 * B/S/buy/sell/N (empty = unknown aggressor).  The whole file is read at open
 * (so symbols can be registered before the feed thread starts); bad lines are
 * reported "FILE:LINE: what is wrong", counted and skipped.
 */
#ifndef TD_REPLAY_H
#define TD_REPLAY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../core/instrument.h"
#include "feed.h"

typedef struct td_replay td_replay;

/*
 * Open a tape or a CSV file (chosen by content, not by name) and register its
 * instruments in reg.  Returns NULL with err set when nothing can be read at
 * all; a file with some bad parts opens and reports them through
 * td_replay_bad_count, td_replay_first_error and the feed's error text.
 */
td_replay *td_replay_open(const char *path, td_registry *reg, char *err, size_t errlen);
void td_replay_free(td_replay *r);

/* The next event (the td_feed_ops.next contract). */
int td_replay_next(td_replay *r, td_event *ev);

/* Lines or blocks skipped as bad so far, and the first such message (or NULL). */
uint64_t td_replay_bad_count(const td_replay *r);
const char *td_replay_first_error(const td_replay *r);

extern const td_feed_ops td_replay_feed_ops;

typedef struct td_tape_writer td_tape_writer;

/* Create a tape at path holding reg's instruments; NULL with err on failure. */
td_tape_writer *td_tape_create(const char *path, const td_registry *reg, char *err, size_t errlen);

/* Append one event; 0 or -1 with err (disk full, ...). */
int td_tape_write(td_tape_writer *w, const td_event *ev, char *err, size_t errlen);

/* Flush the last block, fsync and close; 0 or -1 with err.  Frees w either way. */
int td_tape_close(td_tape_writer *w, char *err, size_t errlen);

#endif
