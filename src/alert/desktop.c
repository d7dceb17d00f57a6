/*
 * The desktop sink.
 *
 * Two glib details shape this file.  The session bus connection glib hands
 * out is a process-wide singleton that raises SIGTERM when the bus goes
 * away ("exit-on-close"); a trading terminal must not quit because a
 * notification daemon did, so the sink takes its own reference first and
 * turns that off before libnotify gets the same connection.  And libnotify's
 * proxy delivers D-Bus signals (NotificationClosed) to the main context that
 * was the thread's default when it was made; the worker has no main loop,
 * so the sink gives its thread a private context and drains it after each
 * call, instead of letting signals pile up in the global default context.
 */
#include "desktop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gio/gio.h>
#include <libnotify/notify.h>

#include "core/text.h"

#define TD_NOTIFY_NAME "org.freedesktop.Notifications"
#define TD_DBUS_CALL_MS 5000  /* bus questions; a healthy bus answers in microseconds */

struct td_desktop {
	GMainContext *ctx;     /* this thread's default while the sink lives */
	GDBusConnection *bus;  /* our reference on the session bus, or NULL when closed */
	bool markup;           /* the server reads markup in bodies */
};

int td_desktop_bus_known(char *why, size_t n)
{
	const char *addr = getenv("DBUS_SESSION_BUS_ADDRESS");
	const char *run = getenv("XDG_RUNTIME_DIR");
	char path[4096];
	struct stat st;

	if (addr && *addr)
		return 0;
	if (run && *run && snprintf(path, sizeof path, "%s/bus", run) < (int)sizeof path &&
	    stat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		return 0;
	return td_errf(why, n, "no session bus (DBUS_SESSION_BUS_ADDRESS is not set)");
}

td_desktop *td_desktop_new(void)
{
	td_desktop *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->ctx = g_main_context_new();
	g_main_context_push_thread_default(d->ctx);
	return d;
}

void td_desktop_free(td_desktop *d)
{
	if (!d)
		return;
	td_desktop_close(d);
	g_main_context_pop_thread_default(d->ctx);
	g_main_context_unref(d->ctx);
	free(d);
}

/* Dispatch whatever D-Bus delivered to the sink's context. */
static void td_desktop_pump(td_desktop *d)
{
	while (g_main_context_iteration(d->ctx, FALSE))
		;
}

/* Copy a GError's message, sanitized, after a prefix, and free the error. */
static int td_desktop_gerr(char *why, size_t n, const char *prefix, GError *e)
{
	char msg[256];
	td_text_sanitize(msg, sizeof msg, e ? e->message : "unknown error");
	g_clear_error(&e);
	return td_errf(why, n, "%s: %s", prefix, msg);
}

/* Ask the bus a question whose answer is one value of type `type`; NULL with why. */
static GVariant *td_desktop_ask(td_desktop *d, const char *method, GVariant *args,
				const char *type, char *why, size_t n)
{
	GError *e = NULL;
	GVariant *r = g_dbus_connection_call_sync(d->bus, "org.freedesktop.DBus",
						  "/org/freedesktop/DBus", "org.freedesktop.DBus",
						  method, args, G_VARIANT_TYPE(type),
						  G_DBUS_CALL_FLAGS_NONE, TD_DBUS_CALL_MS, NULL, &e);
	if (!r)
		td_desktop_gerr(why, n, "the session bus did not answer", e);
	return r;
}

/* Whether something owns the notification name, or the bus can start it. */
static int td_desktop_find_server(td_desktop *d, char *why, size_t n)
{
	gboolean owned = FALSE, activatable = FALSE;
	GVariant *r = td_desktop_ask(d, "NameHasOwner", g_variant_new("(s)", TD_NOTIFY_NAME), "(b)",
				     why, n);
	if (!r)
		return -1;
	g_variant_get(r, "(b)", &owned);
	g_variant_unref(r);
	if (owned)
		return 0;
	r = td_desktop_ask(d, "ListActivatableNames", NULL, "(as)", why, n);
	if (!r)
		return -1;
	GVariantIter *it;
	const char *name;
	g_variant_get(r, "(as)", &it);
	while (!activatable && g_variant_iter_loop(it, "&s", &name))
		activatable = strcmp(name, TD_NOTIFY_NAME) == 0;
	g_variant_iter_free(it);
	g_variant_unref(r);
	if (activatable)
		return 0;
	return td_errf(why, n, "no notification service on the session bus (nothing owns %s)",
		       TD_NOTIFY_NAME);
}

/* Ask the server for its name and whether it reads body markup. */
static void td_desktop_server_info(td_desktop *d, char *info, size_t n)
{
	char *name = NULL, *vendor = NULL, *version = NULL, *spec = NULL;
	char clean[64];
	GList *caps = notify_get_server_caps();

	d->markup = false;
	for (GList *c = caps; c; c = c->next)
		d->markup = d->markup || strcmp(c->data, "body-markup") == 0;
	g_list_free_full(caps, g_free);
	if (notify_get_server_info(&name, &vendor, &version, &spec))
		td_text_sanitize(clean, sizeof clean, name ? name : "?");
	else
		td_strlcpy(clean, "?", sizeof clean);
	snprintf(info, n, "desktop notifications through '%s' (%s on the session bus)", clean,
		 TD_NOTIFY_NAME);
	g_free(name);
	g_free(vendor);
	g_free(version);
	g_free(spec);
}

int td_desktop_open(td_desktop *d, char *info, size_t n)
{
	GError *e = NULL;

	if (d->bus)
		return 0;
	if (td_desktop_bus_known(info, n) != 0)
		return -1;
	d->bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &e);
	if (!d->bus)
		return td_desktop_gerr(info, n, "cannot reach the session bus", e);
	g_dbus_connection_set_exit_on_close(d->bus, FALSE);
	if (td_desktop_find_server(d, info, n) != 0) {
		td_desktop_close(d);
		return -1;
	}
	if (!notify_init("tapedeck")) {
		td_desktop_close(d);
		return td_errf(info, n, "libnotify could not start");
	}
	td_desktop_server_info(d, info, n);
	td_desktop_pump(d);
	return 0;
}

bool td_desktop_is_open(const td_desktop *d)
{
	return d->bus != NULL;
}

/* libnotify's urgency for an alert level. */
static NotifyUrgency td_desktop_urgency(td_alert_level level)
{
	switch (level) {
	case TD_ALERT_INFO:
		return NOTIFY_URGENCY_LOW;
	case TD_ALERT_WARNING:
		return NOTIFY_URGENCY_NORMAL;
	default:
		return NOTIFY_URGENCY_CRITICAL;
	}
}

int td_desktop_show(td_desktop *d, const td_alert_msg *m, char *why, size_t n)
{
	char summary[TD_ALERT_RULE_MAX + TD_ALERT_SYMBOL_MAX + 16];
	GError *e = NULL;

	if (!d->bus)
		return td_errf(why, n, "desktop notifications are not open");
	snprintf(summary, sizeof summary, "tapedeck: %s%s%s", m->rule, m->symbol[0] ? " " : "",
		 m->symbol);
	char *body = d->markup ? g_markup_escape_text(m->text, -1) : g_strdup(m->text);
	NotifyNotification *nn = notify_notification_new(summary, body, NULL);
	g_free(body);
	notify_notification_set_urgency(nn, td_desktop_urgency(m->level));
	gboolean ok = notify_notification_show(nn, &e);
	g_object_unref(nn);
	td_desktop_pump(d);
	if (ok)
		return 0;
	td_desktop_close(d);
	return td_desktop_gerr(why, n, "the notification service failed", e);
}

void td_desktop_close(td_desktop *d)
{
	if (notify_is_initted())
		notify_uninit();
	if (d->bus)
		g_object_unref(d->bus);
	d->bus = NULL;
	td_desktop_pump(d);
}
