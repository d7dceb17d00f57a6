/* The command table behind TD_COMMANDS. */
#include "commands.h"

#include <string.h>

#include "core/text.h"

static const td_cmd_info cmds[] = {
#define TD_CMD_ROW(e, name, arg, group, help) { TD_CMD_##e, name, arg, group, help },
	TD_COMMANDS(TD_CMD_ROW)
#undef TD_CMD_ROW
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

const td_cmd_info *td_cmd_info_get(td_cmd c)
{
	if (c <= TD_CMD_NONE || c >= TD_CMD_COUNT)
		return NULL;
	return &cmds[c - 1];
}

td_cmd td_cmd_find(const char *name)
{
	for (size_t i = 0; i < NCMDS; i++)
		if (strcmp(cmds[i].name, name) == 0)
			return cmds[i].cmd;
	return TD_CMD_NONE;
}

size_t td_cmd_complete(const char *prefix, const td_cmd_info **first, char *common, size_t n)
{
	size_t len = strlen(prefix), count = 0;
	const td_cmd_info *f = NULL;
	size_t shared = 0;
	for (size_t i = 0; i < NCMDS; i++) {
		if (strncmp(cmds[i].name, prefix, len) != 0)
			continue;
		if (!f) {
			f = &cmds[i];
			shared = strlen(f->name);
		} else {
			size_t k = 0;
			while (k < shared && f->name[k] == cmds[i].name[k])
				k++;
			shared = k;
		}
		count++;
	}
	if (first)
		*first = f;
	if (common && n > 0) {
		if (!f) {
			td_strlcpy(common, prefix, n);
		} else {
			size_t m = shared < n - 1 ? shared : n - 1;
			memcpy(common, f->name, m);
			common[m] = '\0';
		}
	}
	return count;
}
