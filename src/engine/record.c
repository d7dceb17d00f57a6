/* tapedeck record: source -> tape, no thread and no pacing needed. */
#include "record.h"

#include <stdio.h>

#include "engine/source.h"
#include "feed/replay.h"

#define TD_RECORD_REGISTRY_CAP 8192

/* Copy events until a limit or the end; returns 0 or -1 with err. */
static int pump(td_source *src, td_tape_writer *w, uint64_t max_events, td_ns duration, uint64_t *written,
		char *err, size_t errlen)
{
	td_event ev;
	td_ns first = 0;
	int rc;
	while ((max_events == 0 || *written < max_events) && (rc = src->ops->next(src->impl, &ev)) > 0) {
		if (*written == 0)
			first = ev.exch_ns;
		if (duration > 0 && ev.exch_ns - first >= duration)
			return 0;
		if (td_tape_write(w, &ev, err, errlen) < 0)
			return -1;
		(*written)++;
	}
	if (max_events && *written >= max_events)
		return 0;
	if (rc < 0) {
		const char *why = src->ops->error ? src->ops->error(src->impl) : NULL;
		snprintf(err, errlen, "source failed after %llu events: %s", (unsigned long long)*written,
			 why ? why : "unknown error");
		return -1;
	}
	return 0;
}

/* What a replay skipped, for the note. */
static void describe_skipped(const td_source *src, char *note, size_t notelen)
{
	note[0] = '\0';
	if (src->ops != &td_replay_feed_ops)
		return;
	uint64_t bad = td_replay_bad_count(src->impl);
	if (bad)
		snprintf(note, notelen, "%llu bad line%s skipped; first: %s", (unsigned long long)bad, bad > 1 ? "s" : "",
			 td_replay_first_error(src->impl));
}

int td_record(const td_config *cfg, const char *path, uint64_t max_events, td_ns duration, uint64_t *written,
	      char *note, size_t notelen, char *err, size_t errlen)
{
	*written = 0;
	note[0] = '\0';
	td_registry *reg = td_registry_new(TD_RECORD_REGISTRY_CAP);
	if (!reg) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	td_source src;
	if (td_source_open(cfg, reg, &src, err, errlen) < 0) {
		td_registry_free(reg);
		return -1;
	}
	int rc = -1;
	td_tape_writer *w = td_tape_create(path, reg, err, errlen);
	if (w) {
		rc = pump(&src, w, max_events, duration, written, err, errlen);
		char cerr[256];
		if (td_tape_close(w, cerr, sizeof(cerr)) < 0 && rc == 0) {
			snprintf(err, errlen, "%s", cerr);
			rc = -1;
		}
	}
	describe_skipped(&src, note, notelen);
	td_source_close(&src);
	td_registry_free(reg);
	return rc;
}
