/*
 * Desktop notifications through libnotify (org.freedesktop.Notifications
 * on the D-Bus session bus).  Worker thread only: D-Bus calls block.
 *
 * Availability is decided honestly before anything is shown: a session bus
 * must be known without D-Bus autolaunch (DBUS_SESSION_BUS_ADDRESS, or the
 * per-user bus socket $XDG_RUNTIME_DIR/bus), it must answer, and some
 * program must own org.freedesktop.Notifications or the bus must be able
 * to start one.  Over SSH none of this holds and td_desktop_open says which
 * step failed.  libnotify keeps process-wide state, so there is at most one
 * open td_desktop per process (the notifier's).
 *
 * A notification: app name "tapedeck", summary "tapedeck: RULE SYMBOL",
 * body the message (escaped when the server reads markup in bodies),
 * urgency low, normal or critical for INFO, WARNING and CRITICAL.
 */
#ifndef TD_ALERT_DESKTOP_H
#define TD_ALERT_DESKTOP_H

#include <stdbool.h>
#include <stddef.h>

#include "message.h"

typedef struct td_desktop td_desktop;

/*
 * Whether a session bus address is known without autolaunch (reads the
 * environment, which nothing may change meanwhile).  0, or -1 with the
 * reason in why ("no session bus (DBUS_SESSION_BUS_ADDRESS is not set)").
 */
int td_desktop_bus_known(char *why, size_t n);

/* A closed desktop sink for the calling thread; NULL when out of memory. */
td_desktop *td_desktop_new(void);

/* Close it (see td_desktop_close) and free it, on the thread that made it. */
void td_desktop_free(td_desktop *d);

/*
 * Connect and check that notifications can be shown.  0 with a note naming
 * the server in info; -1 with the reason in info.  Opening an open sink
 * just returns 0.
 */
int td_desktop_open(td_desktop *d, char *info, size_t n);

bool td_desktop_is_open(const td_desktop *d);

/*
 * Show m.  0; or -1 with the reason in why, and the sink is closed (a
 * server that vanished is looked for again by the next td_desktop_open).
 * Blocks for the D-Bus round trip (at most the D-Bus timeout, 25 s, when
 * the server hangs).
 */
int td_desktop_show(td_desktop *d, const td_alert_msg *m, char *why, size_t n);

/* Let libnotify go (notify_uninit) and drop the session bus. */
void td_desktop_close(td_desktop *d);

#endif
