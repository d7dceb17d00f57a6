/*
 * Fired alerts: levels and the sanitizing constructor.
 */
#include "message.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/text.h"

static const char *const td_alert_level_names[TD_ALERT_LEVEL_COUNT] = {
	"INFO", "WARNING", "CRITICAL",
};

const char *td_alert_level_name(td_alert_level level)
{
	if ((unsigned)level >= TD_ALERT_LEVEL_COUNT)
		return "?";
	return td_alert_level_names[level];
}

int td_alert_level_parse(const char *s, td_alert_level *out)
{
	for (int i = 0; i < TD_ALERT_LEVEL_COUNT; i++) {
		if (strcasecmp(s, td_alert_level_names[i]) == 0) {
			*out = (td_alert_level)i;
			return 0;
		}
	}
	return -1;
}

void td_alert_msg_make(td_alert_msg *m, td_ns time, td_alert_level level, const char *rule,
		       const char *symbol, const char *text)
{
	memset(m, 0, sizeof(*m));
	m->time = time;
	m->level = (unsigned)level < TD_ALERT_LEVEL_COUNT ? level : TD_ALERT_CRITICAL;
	td_text_sanitize(m->rule, sizeof m->rule, rule ? rule : "");
	td_text_sanitize(m->symbol, sizeof m->symbol, symbol ? symbol : "");
	td_text_sanitize(m->text, sizeof m->text, text ? text : "");
}

/* Whole seconds, rounded towards the past so a time before 1970 stays right. */
void td_alert_msg_time(const td_alert_msg *m, char *buf, size_t n)
{
	int64_t s = m->time / TD_NS_PER_SEC - (m->time % TD_NS_PER_SEC < 0);
	int64_t days = s / 86400 - (s % 86400 < 0);
	int64_t tod = s - days * 86400;
	int y, mo, d;

	td_civil_from_days(days, &y, &mo, &d);
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, (int)(tod / 3600),
		 (int)(tod / 60 % 60), (int)(tod % 60));
}
