/*
 * A fired alert: what the rules produce, the UI shows and the sinks send.
 *
 * The record is fixed-size and holds no pointers, so it can be copied into
 * the notifier's queue slots and across threads as plain bytes.  Rule names,
 * symbols and messages come partly from outside (feed fields, config), so
 * every text field is cleaned with td_text_sanitize when the record is made:
 * nothing downstream (terminal, notification, webhook, log) ever sees a
 * control character or invalid UTF-8.  Fields too long for their array are
 * cut at a character boundary.
 */
#ifndef TD_ALERT_MESSAGE_H
#define TD_ALERT_MESSAGE_H

#include <stddef.h>

#include "core/time.h"

#define TD_ALERT_RULE_MAX 64    /* bytes with the NUL */
#define TD_ALERT_SYMBOL_MAX 48  /* an OCC option symbol (21) with room to spare */
#define TD_ALERT_TEXT_MAX 400

typedef enum td_alert_level {
	TD_ALERT_INFO = 0,
	TD_ALERT_WARNING,
	TD_ALERT_CRITICAL,
	TD_ALERT_LEVEL_COUNT
} td_alert_level;

typedef struct td_alert_msg {
	td_ns time;                       /* when the rule fired, UTC */
	td_alert_level level;
	char rule[TD_ALERT_RULE_MAX];     /* the rule's name */
	char symbol[TD_ALERT_SYMBOL_MAX]; /* the instrument, or "" */
	char text[TD_ALERT_TEXT_MAX];     /* the message */
} td_alert_msg;

/* "INFO", "WARNING", "CRITICAL"; "?" for a value out of range. */
const char *td_alert_level_name(td_alert_level level);

/* Parse a level name, any case ("warning", "Critical"); 0, or -1 when unknown. */
int td_alert_level_parse(const char *s, td_alert_level *out);

/*
 * Fill *m from outside text: rule, symbol and text are sanitized (NULL is
 * taken as "").  A level out of range becomes TD_ALERT_CRITICAL, so a
 * corrupted level never hides an alert.
 */
void td_alert_msg_make(td_alert_msg *m, td_ns time, td_alert_level level, const char *rule,
		       const char *symbol, const char *text);

/* Write the message's time as "YYYY-MM-DDTHH:MM:SSZ" (UTC, whole seconds); buf needs 21 bytes. */
void td_alert_msg_time(const td_alert_msg *m, char *buf, size_t n);

#endif
