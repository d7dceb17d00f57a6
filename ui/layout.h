/*
 * Tiled layouts.
 *
 * A layout is a tree written as a string: a pane name, or a split
 * "h(A:w,B:w)" (side by side) / "v(A:w,B:w)" (stacked) whose children are
 * layouts with relative weights (default 1) or, written "A=n", a fixed size
 * of n rows or columns; weighted children share what the fixed ones leave.  The named layouts are a data
 * table in layout.c.  When the screen is too small for a split, the child
 * holding the least important panes is dropped and the others share the
 * space: at 80x24 the screen degrades to fewer panes instead of drawing
 * garbage, and the number hidden is reported.
 */
#ifndef TD_LAYOUT_H
#define TD_LAYOUT_H

#include <stddef.h>

#define TD_LAYOUT_MAX 8   /* most panes one layout may place */

typedef struct td_rect {
	int y, x, h, w;
} td_rect;

/* What the layout needs to know about a pane. */
typedef struct td_layout_pane {
	const char *name;
	int min_w, min_h;  /* including the border */
	int priority;      /* lower = more important, dropped last */
} td_layout_pane;

typedef struct td_placement {
	size_t pane;       /* index into the pane array given */
	td_rect r;
} td_placement;

typedef struct td_layout_def {
	const char *name;
	const char *spec;
	const char *help;
} td_layout_def;

/* The named layouts. */
const td_layout_def *td_layout_find(const char *name);
const td_layout_def *td_layout_at(size_t i);
size_t td_layout_count(void);

/*
 * Place the panes of `spec` in `area`.  Returns the number placed (written to
 * out) and in *hidden how many were dropped for lack of room; -1 with err for
 * a malformed spec or an unknown pane name.
 */
int td_layout_compute(const char *spec, td_rect area, const td_layout_pane *panes, size_t npanes,
		      td_placement *out, int *hidden, char *err, size_t errlen);

#endif
