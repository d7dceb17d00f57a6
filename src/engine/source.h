/*
 * Choosing and opening the event source named by the configuration
 * ("sim" or "replay:PATH").
 */
#ifndef TD_SOURCE_H
#define TD_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/instrument.h"
#include "core/session.h"
#include "feed/feed.h"

typedef struct td_source {
	const td_feed_ops *ops;
	void *impl;                /* owned until handed to td_feed_new */
	const td_session *session; /* calendar for the clock and phases */
	uint32_t watch[16];        /* main instruments, watchlist order */
	size_t nwatch;
} td_source;

/*
 * Open the source cfg names, registering its instruments in reg.  Returns 0,
 * or -1 with err saying what was wrong.
 */
int td_source_open(const td_config *cfg, td_registry *reg, td_source *out, char *err, size_t errlen);

/* Free a source that was not handed to a feed. */
void td_source_close(td_source *s);

#endif
