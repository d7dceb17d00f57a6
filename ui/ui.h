/*
 * The workstation's front end: panes in a tiled layout, the status bar, the
 * `?` overlay and the `:` command line.  It implements td_frontend_ops so the
 * engine's loop can drive it.
 */
#ifndef TD_UI_H
#define TD_UI_H

#include <stddef.h>

#include "engine/engine.h"
#include "theme.h"

typedef struct td_ui td_ui;

/*
 * A front end over an engine (borrowed) on the already opened terminal, with
 * a theme (owned from now on).  NULL with err on failure.
 */
td_ui *td_ui_new(td_engine *e, td_theme *theme, char *err, size_t errlen);
void td_ui_free(td_ui *u);

/* The operations the engine loop calls, with a td_ui as the front end. */
extern const td_frontend_ops td_ui_frontend_ops;

/* Run one command by name with an optional argument, as typed at ':'.  0 or -1 (message shown). */
int td_ui_run_command(td_ui *u, const char *line);

/* Show a message on the status bar (error: in the error role, and logged). */
void td_ui_note(td_ui *u, bool error, const char *text);

/* Draw a whole frame now (the benchmark uses this directly). */
void td_ui_render(td_ui *u);

#endif
