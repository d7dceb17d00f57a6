/* Headless recording: the configured source's events written to a tape. */
#ifndef TD_RECORD_H
#define TD_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/time.h"

/*
 * Pull events from cfg's source as fast as it gives them (no pacing) and
 * write them to a tape at `path`, stopping after max_events (0 = no limit)
 * or once the source clock has advanced by `duration` ns (0 = no limit), or
 * at the end of the source.  Returns 0 with *written set, or -1 with err.
 * Either way `note` says how many bad input lines a replay skipped, and the
 * first of them ("" when none).
 */
int td_record(const td_config *cfg, const char *path, uint64_t max_events, td_ns duration, uint64_t *written,
	      char *note, size_t notelen, char *err, size_t errlen);

#endif
