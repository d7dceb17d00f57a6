/*
 * Keys are data: one table maps (context, key) to a command.  A pane's
 * context is its name; a key not bound there falls back to "global".  The
 * `?` overlay and the man page's KEYS section are generated from the table.
 */
#ifndef TD_KEYMAP_H
#define TD_KEYMAP_H

#include <stddef.h>
#include <stdio.h>

#include "commands.h"

typedef struct td_binding {
	const char *context;  /* "global" or a pane name */
	const char *key;      /* key name, as td_key_parse reads it */
	td_cmd cmd;
} td_binding;

/* Key code (curses) for a name: "q", "?", "Tab", "S-Tab", "Enter", "Esc",
 * "Up", "Down", "PgUp", "PgDn", "Home", "End", "F1", "C-l", "Space";
 * -1 if the name is unknown. */
int td_key_parse(const char *name);

/* The contexts ("global" first), in the order help lists them; returns how many. */
size_t td_keymap_contexts(const char *const **out);

/* The bindings, in table order. */
size_t td_keymap_count(void);
const td_binding *td_keymap_at(size_t i);

/* The command `key` runs in `context`, falling back to global; TD_CMD_NONE if unbound. */
td_cmd td_keymap_lookup(const char *context, int key);

/* The key names bound to cmd in context, joined with ", " into buf; returns how many. */
size_t td_keymap_keys_for(const char *context, td_cmd cmd, char *buf, size_t n);

/* Write the KEYS section of the man page (roff) generated from the table. */
void td_keymap_write_man(FILE *out);

/* Terminals send Enter as \n, \r or KEY_ENTER: the one code the tables use ('\n'). */
int td_keymap_normalise(int key);

#endif
