/* The default key table and lookups over it. */
#include "keymap.h"

#include <curses.h>
#include <string.h>

static const td_binding bindings[] = {
	{ "global", "q", TD_CMD_QUIT },
	{ "global", "?", TD_CMD_HELP },
	{ "global", "F1", TD_CMD_HELP },
	{ "global", ":", TD_CMD_PROMPT },
	{ "global", "C-l", TD_CMD_REDRAW },
	{ "global", "Tab", TD_CMD_FOCUS_NEXT },
	{ "global", "S-Tab", TD_CMD_FOCUS_PREV },
	{ "global", "z", TD_CMD_ZOOM },
	{ "global", "L", TD_CMD_LAYOUT_NEXT },
	{ "global", "+", TD_CMD_SPEED_UP },
	{ "global", "-", TD_CMD_SPEED_DOWN },
	{ "global", "k", TD_CMD_UP },
	{ "global", "Up", TD_CMD_UP },
	{ "global", "j", TD_CMD_DOWN },
	{ "global", "Down", TD_CMD_DOWN },
	{ "global", "PgUp", TD_CMD_PAGE_UP },
	{ "global", "C-b", TD_CMD_PAGE_UP },
	{ "global", "PgDn", TD_CMD_PAGE_DOWN },
	{ "global", "C-f", TD_CMD_PAGE_DOWN },
	{ "global", "g", TD_CMD_HOME },
	{ "global", "Home", TD_CMD_HOME },
	{ "global", "G", TD_CMD_END },
	{ "global", "End", TD_CMD_END },
	{ "global", "B", TD_CMD_TICKET_BUY },
	{ "global", "S", TD_CMD_TICKET_SELL },
	{ "global", "K", TD_CMD_KILL },
	{ "global", "X", TD_CMD_CANCEL_ALL },
	{ "global", "F", TD_CMD_FLATTEN },
	{ "watchlist", "Enter", TD_CMD_SELECT },
	{ "watchlist", "Space", TD_CMD_SELECT },
	{ "tape", "a", TD_CMD_TAPE_ALL },
	{ "alerts", "a", TD_CMD_ACK },
	{ "alerts", "A", TD_CMD_ACK_ALL },
	{ "alerts", "f", TD_CMD_ALERT_FILTER },
	{ "alerts", "Enter", TD_CMD_SELECT },
	{ "ladder", "c", TD_CMD_CENTRE },
	{ "ladder", "b", TD_CMD_LADDER_VIEW },
	{ "ladder", "[", TD_CMD_OLDER },
	{ "ladder", "]", TD_CMD_NEWER },
	{ "fpchart", "c", TD_CMD_CENTRE },
	{ "fpchart", "[", TD_CMD_OLDER },
	{ "fpchart", "]", TD_CMD_NEWER },
	{ "tpo", "c", TD_CMD_CENTRE },
	{ "tpo", "[", TD_CMD_OLDER },
	{ "tpo", "]", TD_CMD_NEWER },
	{ "tpo", "m", TD_CMD_MERGE_DAYS },
	{ "chart", "[", TD_CMD_OLDER },
	{ "chart", "]", TD_CMD_NEWER },
	{ "chart", "t", TD_CMD_TF_NEXT },
	{ "chart", "T", TD_CMD_TF_PREV },
	{ "chart", "e", TD_CMD_TOGGLE_EMA },
	{ "chart", "w", TD_CMD_TOGGLE_VWAP },
	{ "chart", "o", TD_CMD_TOGGLE_BB },
	{ "chart", "v", TD_CMD_TOGGLE_LEVELS },
	{ "chain", "h", TD_CMD_CALLS },
	{ "chain", "Left", TD_CMD_CALLS },
	{ "chain", "l", TD_CMD_PUTS },
	{ "chain", "Right", TD_CMD_PUTS },
	{ "chain", "]", TD_CMD_EXPIRY_NEXT },
	{ "chain", "[", TD_CMD_EXPIRY_PREV },
	{ "chain", "c", TD_CMD_CENTRE },
	{ "chain", "u", TD_CMD_CHAIN_NEXT },
	{ "exposure", "d", TD_CMD_TOGGLE_DEX },
	{ "scan", "Enter", TD_CMD_SELECT },
	{ "exposure", "u", TD_CMD_CHAIN_NEXT },
	{ "ticket", "S-Tab", TD_CMD_UP },
	{ "ticket", "Tab", TD_CMD_DOWN },
	{ "help", "Esc", TD_CMD_HELP },
	{ "help", "q", TD_CMD_HELP },
};

#define NBIND (sizeof(bindings) / sizeof(bindings[0]))

/* Contexts in the order help and the man page list them. */
static const char *const contexts[] = { "global", "watchlist", "ladder", "fpchart", "tpo", "chart", "tape", "chain", "exposure",
				      "scan", "alerts", "ticket", "help" };

static const struct {
	const char *name;
	int code;
} named_keys[] = {
	{ "Tab", '\t' },      { "S-Tab", KEY_BTAB },  { "Enter", '\n' },
	{ "Esc", 27 },        { "Up", KEY_UP },       { "Down", KEY_DOWN },
	{ "Left", KEY_LEFT }, { "Right", KEY_RIGHT }, { "PgUp", KEY_PPAGE },
	{ "PgDn", KEY_NPAGE }, { "Home", KEY_HOME },  { "End", KEY_END },
	{ "F1", KEY_F(1) },   { "Space", ' ' },
};

int td_key_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(named_keys) / sizeof(named_keys[0]); i++)
		if (strcmp(named_keys[i].name, name) == 0)
			return named_keys[i].code;
	if (name[0] == 'C' && name[1] == '-' && name[2] >= 'a' && name[2] <= 'z' && !name[3])
		return name[2] - 'a' + 1;
	if (name[0] > ' ' && name[0] < 127 && !name[1])
		return (unsigned char)name[0];
	return -1;
}

size_t td_keymap_contexts(const char *const **out)
{
	*out = contexts;
	return sizeof(contexts) / sizeof(contexts[0]);
}

size_t td_keymap_count(void)
{
	return NBIND;
}

const td_binding *td_keymap_at(size_t i)
{
	return i < NBIND ? &bindings[i] : NULL;
}

int td_keymap_normalise(int key)
{
	return key == '\r' || key == KEY_ENTER ? '\n' : key;
}

/* The command bound to key in exactly this context, or TD_CMD_NONE. */
static td_cmd lookup_in(const char *context, int key)
{
	for (size_t i = 0; i < NBIND; i++)
		if (strcmp(bindings[i].context, context) == 0 && td_key_parse(bindings[i].key) == key)
			return bindings[i].cmd;
	return TD_CMD_NONE;
}

td_cmd td_keymap_lookup(const char *context, int key)
{
	key = td_keymap_normalise(key);
	td_cmd c = context ? lookup_in(context, key) : TD_CMD_NONE;
	return c != TD_CMD_NONE ? c : lookup_in("global", key);
}

size_t td_keymap_keys_for(const char *context, td_cmd cmd, char *buf, size_t n)
{
	size_t count = 0, used = 0;
	if (n)
		buf[0] = '\0';
	for (size_t i = 0; i < NBIND; i++) {
		if (bindings[i].cmd != cmd || strcmp(bindings[i].context, context) != 0)
			continue;
		int w = snprintf(buf + used, n > used ? n - used : 0, "%s%s", count ? ", " : "", bindings[i].key);
		if (w > 0 && used + (size_t)w < n)
			used += (size_t)w;
		count++;
	}
	return count;
}

/* Escape a key name for roff (backslash and leading dot or quote). */
static void roff_key(FILE *out, const char *k)
{
	if (k[0] == '.' || k[0] == '\'')
		fputs("\\&", out);
	for (; *k; k++)
		fputs(*k == '\\' ? "\\e" : (char[]){ *k, 0 }, out);
}

void td_keymap_write_man(FILE *out)
{
	for (size_t c = 0; c < sizeof(contexts) / sizeof(contexts[0]); c++) {
		fprintf(out, ".SS %s\n", strcmp(contexts[c], "global") == 0 ? "Everywhere" : contexts[c]);
		for (int cmd = TD_CMD_NONE + 1; cmd < TD_CMD_COUNT; cmd++) {
			char keys[128];
			if (!td_keymap_keys_for(contexts[c], (td_cmd)cmd, keys, sizeof(keys)))
				continue;
			const td_cmd_info *ci = td_cmd_info_get((td_cmd)cmd);
			fputs(".TP\n.B ", out);
			roff_key(out, keys);
			fprintf(out, "\n%s (\\fB:%s\\fR)\n", ci->help, ci->name);
		}
	}
}
