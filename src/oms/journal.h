/*
 * The order journal: an append-only file of records, synced before anything
 * it records takes effect.
 *
 * DESIGN
 *
 * The journal knows nothing of orders.  A record is a kind (one ASCII
 * letter), a sequence number, a timestamp and a short text payload; the order
 * manager turns intents and state changes into records and rebuilds orders,
 * positions and P&L from them when the journal is opened.  Sequence numbers
 * run 1, 2, 3, ... over the life of the file, across restarts, with no gap.
 *
 * The file is UTF-8 text, one record per line, so `less` can read it:
 *   tapedeck-journal 1 <tag> <header crc>
 *   <crc> TAB <seq> TAB <kind> TAB <ts> TAB <payload> LF
 * where each crc is a CRC-32 (zlib) written as 8 lowercase hex digits; a
 * record's covers everything after its first TAB up to and including the
 * LF.  doc/formats.md, "Order journal", gives it byte by byte.
 *
 * An append is one write(2) of the whole line followed by fdatasync; only
 * when both have returned is the record acknowledged.  A crash can therefore
 * leave at most one incomplete record, at the very end: opening drops it
 * (reporting where) and truncates the file back to the last good record.
 * Damage anywhere else cannot come from a crash, so opening stops at it and
 * the journal refuses every append: trading on top of a history that cannot
 * be read back would make the recovered state a guess.
 *
 * The handle holds an fd, counters and the reason it refuses, if it does;
 * records are handed to a callback while the file is read and not kept.
 * The file is locked (flock) while open, so two processes never append to
 * the same journal.  Not thread-safe: one thread owns a handle.
 */
#ifndef TD_JOURNAL_H
#define TD_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/time.h"

#define TD_JOURNAL_PAYLOAD_MAX 1024  /* bytes of a payload, without a NUL */
#define TD_JOURNAL_ID_MAX 32         /* bytes of an id from td_journal_next_id, with its NUL */
#define TD_JOURNAL_MSG_MAX 1024      /* bytes of td_journal_info.msg, with its NUL */

typedef struct td_journal td_journal;

/* How the file ended when it was opened. */
typedef enum td_journal_tail {
	TD_JOURNAL_CLEAN,    /* every byte after the header is a good record */
	TD_JOURNAL_TORN,     /* an incomplete last record was dropped and cut off the file */
	TD_JOURNAL_DAMAGED,  /* damage before the end: the journal refuses appends */
} td_journal_tail;

/* What opening found. */
typedef struct td_journal_info {
	uint64_t records;      /* records handed to the callback */
	uint64_t last_seq;     /* sequence number of the last of them; 0 when none */
	td_journal_tail tail;
	bool created;          /* the file did not exist and has been created */
	uint64_t offset;       /* TORN, DAMAGED: file offset where the bad record starts */
	uint64_t dropped;      /* TORN: bytes cut off the end of the file */
	char msg[TD_JOURNAL_MSG_MAX];  /* TORN, DAMAGED: "PATH:OFFSET: what"; "" when CLEAN */
} td_journal_info;

/* One record as the callback sees it. */
typedef struct td_journal_rec {
	uint64_t seq;
	td_ns ts;
	char kind;
	const char *payload;   /* NUL-terminated, len bytes; valid during the call only */
	size_t len;
	uint64_t offset;       /* where the record starts in the file, for the caller's messages */
} td_journal_rec;

/*
 * Receives each good record, in order.  Returns 0, or -1 with why when the
 * caller cannot apply it; opening then stops there as for damage
 * (TD_JOURNAL_DAMAGED, "PATH:OFFSET: record N refused: why").
 */
typedef int td_journal_fn(const td_journal_rec *rec, void *user, char *why, size_t whylen);

/*
 * Open the journal at path, creating it when missing (missing parent
 * directories with mode 0700, the file with 0600 and its header, made
 * durable before this returns).  fn (may be NULL) gets every good record in
 * order; *info says what was found, as described with its fields.  The
 * handle is ready for appends, or refusing them when info->tail is
 * TD_JOURNAL_DAMAGED.
 *
 * Returns NULL with err set when the file cannot be created, opened, locked
 * (another tapedeck has it open), read or truncated, is not a regular file,
 * is not a journal, has a damaged header or an unknown version.  fn may have
 * been called before such a failure; the caller discards what it built.
 */
td_journal *td_journal_open(const char *path, td_journal_fn *fn, void *user,
			    td_journal_info *info, char *err, size_t errlen);

/* Close the file and free j (NULL is fine).  Every appended record is already on disk. */
void td_journal_close(td_journal *j);

/*
 * Append one record and sync it: kind is an ASCII letter (A-Z, a-z); payload
 * is at most TD_JOURNAL_PAYLOAD_MAX bytes of valid UTF-8 with no control
 * character other than TAB (no C0 but TAB, no DEL, no C1).  Returns 0 once the
 * record is on disk, with its sequence number in *seq (may be NULL).
 *
 * Returns -1 with err set:
 *   - for a bad kind or payload: nothing was written and the journal stays
 *     usable;
 *   - when the write or the sync fails: the record may or may not be on disk,
 *     so the journal refuses every later append with that message;
 *   - when the journal already refuses appends.
 * On -1 the caller must not act on what the record described.
 */
int td_journal_append(td_journal *j, char kind, td_ns ts, const char *payload, uint64_t *seq,
		      char *err, size_t errlen);

/*
 * The client order id of the record the next append will write:
 * "TD" + the journal's tag (8 lowercase hex digits, random, fixed when the
 * file was created) + "-" + that record's sequence number, e.g.
 * "TD3f9a01c2-57", at most 31 bytes.  Unique across restarts as long as each
 * id is carried by the record appended right after it is taken.  Returns 0,
 * or -1 when n < TD_JOURNAL_ID_MAX.
 */
int td_journal_next_id(const td_journal *j, char *buf, size_t n);

/* Sequence number of the last record in the file; 0 when it has none. */
uint64_t td_journal_last_seq(const td_journal *j);

/* Why the journal refuses appends, or NULL when it does not. */
const char *td_journal_refusal(const td_journal *j);

/* $XDG_STATE_HOME/tapedeck/orders.journal, or ~/.local/state/tapedeck/orders.journal; 0 or -1. */
int td_journal_default_path(char *buf, size_t n);

/*
 * Benchmarks and tests only: skip fdatasync on the appends of j, so the cost
 * of the sync can be measured apart.  Never for a journal that records orders.
 */
void td_journal_bench_nosync(td_journal *j);

#endif
