/*
 * Desktop notifications end to end, on a private session bus: the test
 * starts its own dbus-daemon (listening on a unix socket in a temporary
 * directory, nothing else), runs a notification server in a thread of its
 * own (GDBus, owning org.freedesktop.Notifications) that records every
 * Notify call, points DBUS_SESSION_BUS_ADDRESS at the daemon and checks
 * what the notifier sent: app name, summary, body, urgency.  Also: no bus,
 * and a bus with no server, are reported once and leave alerts to the
 * fallback; a server that does not answer fills the alert queue, and posts
 * beyond it are refused at once and counted.
 *
 * Kept out of the ThreadSanitizer run: glib is not built with TSan, and its
 * own threads would be reported.  It runs plain and under ASan+UBSan.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <gio/gio.h>

#include "alert/notifier.h"

#define DEADLINE_S 20
#define NOTES_MAX 64

/* ---- a private dbus-daemon ---- */

typedef struct bus {
	char dir[128];    /* its socket and config live here */
	char addr[512];   /* what it printed, "unix:path=..." */
	pid_t pid;
} bus;

static char tmpdir[] = "/tmp/td-dbus-XXXXXX";
static bus main_bus = { .pid = -1 };  /* for the whole group; addr "" when unavailable */
static bus other_bus = { .pid = -1 }; /* one test's own, which it kills */
static char bus_addr[512];            /* where the listener connects */

/* Write the bus config: a session bus on a socket in b->dir, no activatable services. */
static int write_bus_config(const bus *b, char *path, size_t n)
{
	snprintf(path, n, "%s/bus.conf", b->dir);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
		" \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
		"<busconfig>\n  <type>session</type>\n  <listen>unix:dir=%s</listen>\n"
		"  <auth>EXTERNAL</auth>\n  <policy context=\"default\">\n"
		"    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n    <allow eavesdrop=\"true\"/>\n"
		"    <allow own=\"*\"/>\n  </policy>\n</busconfig>\n", b->dir);
	return fclose(f);
}

/* Run dbus-daemon in the child, its address to fd and its complaints to a file. */
static void bus_exec(const bus *b, const char *conf, int fd)
{
	char log[300], cfg[300], fdarg[32];
	snprintf(log, sizeof log, "%s/bus.log", b->dir);
	int lfd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (lfd >= 0) {
		dup2(lfd, 1);  /* not into the TAP stream, and not holding it open */
		dup2(lfd, 2);
	}
	snprintf(cfg, sizeof cfg, "--config-file=%s", conf);
	snprintf(fdarg, sizeof fdarg, "--print-address=%d", fd);
	execl("/usr/bin/dbus-daemon", "dbus-daemon", cfg, "--nofork", "--nopidfile", fdarg, (char *)NULL);
	_exit(127);
}

/* Start dbus-daemon in dir and read the address it prints; 0, or -1 when it is not there. */
static int bus_start(bus *b, const char *dir)
{
	char conf[256];
	int pfd[2];

	memset(b, 0, sizeof(*b));
	b->pid = -1;
	snprintf(b->dir, sizeof b->dir, "%s", dir);
	if (access("/usr/bin/dbus-daemon", X_OK) != 0 || write_bus_config(b, conf, sizeof conf) != 0 ||
	    pipe(pfd) != 0)
		return -1;
	b->pid = fork();
	if (b->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);  /* never outlive a test that crashed */
		close(pfd[0]);
		bus_exec(b, conf, pfd[1]);
	}
	close(pfd[1]);
	size_t got = 0;
	ssize_t k;
	while (got < sizeof b->addr - 1 && (k = read(pfd[0], b->addr + got, sizeof b->addr - 1 - got)) > 0) {
		got += (size_t)k;
		if (memchr(b->addr, '\n', got))
			break;
	}
	close(pfd[0]);
	b->addr[got] = '\0';
	b->addr[strcspn(b->addr, "\n")] = '\0';
	return b->pid > 0 && strncmp(b->addr, "unix:", 5) == 0 ? 0 : -1;
}

static void bus_stop(bus *b)
{
	if (b->pid > 0) {
		kill(b->pid, SIGTERM);
		waitpid(b->pid, NULL, 0);
	}
	b->pid = -1;
}

static int group_setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	if (bus_start(&main_bus, tmpdir) != 0)
		main_bus.addr[0] = '\0';  /* the bus tests skip */
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[128];

	(void)state;
	bus_stop(&other_bus);
	bus_stop(&main_bus);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- a notification server in a thread ---- */

typedef struct note {
	char app[64], summary[256], body[512];
	int urgency;  /* the "urgency" hint, -1 when absent */
} note;

typedef struct listener {
	pthread_t thread;
	GMainContext *ctx;
	GMainLoop *loop;
	bool markup;  /* advertise body-markup */
	bool stall;   /* keep Notify calls unanswered until listener_release */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* under mu */
	bool ready, failed;
	note got[NOTES_MAX];
	int ngot;
	GDBusMethodInvocation *held[NOTES_MAX];
	int nheld;
	uint32_t next_id;
} listener;

static const char server_xml[] =
	"<node><interface name='org.freedesktop.Notifications'>"
	"<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
	"<arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>"
	"<arg type='as' direction='in'/><arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
	"<arg type='u' direction='out'/></method>"
	"<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
	"<method name='GetServerInformation'><arg type='s' direction='out'/><arg type='s' direction='out'/>"
	"<arg type='s' direction='out'/><arg type='s' direction='out'/></method>"
	"<method name='CloseNotification'><arg type='u' direction='in'/></method>"
	"<signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
	"</interface></node>";

/* Record a Notify call; answer it now, or hold it when stalling. */
static void on_notify(listener *l, GVariant *params, GDBusMethodInvocation *inv)
{
	const char *app, *icon, *summary, *body;
	guint32 replaces;
	gint32 timeout;
	GVariant *actions, *hints;
	note n = { .urgency = -1 };

	g_variant_get(params, "(&su&s&s&s@as@a{sv}i)", &app, &replaces, &icon, &summary, &body,
		      &actions, &hints, &timeout);
	g_strlcpy(n.app, app, sizeof n.app);
	g_strlcpy(n.summary, summary, sizeof n.summary);
	g_strlcpy(n.body, body, sizeof n.body);
	guchar urgency;
	if (g_variant_lookup(hints, "urgency", "y", &urgency))
		n.urgency = urgency;
	g_variant_unref(actions);
	g_variant_unref(hints);
	pthread_mutex_lock(&l->mu);
	uint32_t id = ++l->next_id;
	if (l->ngot < NOTES_MAX)
		l->got[l->ngot++] = n;
	bool hold = l->stall && l->nheld < NOTES_MAX;
	if (hold)
		l->held[l->nheld++] = inv;
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
	if (!hold)
		g_dbus_method_invocation_return_value(inv, g_variant_new("(u)", id));
}

static void on_call(GDBusConnection *c, const char *sender, const char *path, const char *iface,
		    const char *method, GVariant *params, GDBusMethodInvocation *inv, gpointer user)
{
	listener *l = user;
	(void)c, (void)sender, (void)path, (void)iface;
	if (strcmp(method, "Notify") == 0) {
		on_notify(l, params, inv);
	} else if (strcmp(method, "GetCapabilities") == 0) {
		const char *caps[] = { "body", "body-markup", NULL };
		if (!l->markup)
			caps[1] = NULL;
		g_dbus_method_invocation_return_value(inv, g_variant_new("(^as)", caps));
	} else if (strcmp(method, "GetServerInformation") == 0) {
		g_dbus_method_invocation_return_value(inv, g_variant_new("(ssss)", "td-test-server",
									 "tapedeck tests", "1.0", "1.2"));
	} else {
		g_dbus_method_invocation_return_value(inv, NULL);
	}
}

static const GDBusInterfaceVTable server_vtable = { .method_call = on_call };

/* Answer every held Notify (runs in the listener's context). */
static gboolean release_held(gpointer user)
{
	listener *l = user;
	pthread_mutex_lock(&l->mu);
	l->stall = false;
	for (int i = 0; i < l->nheld; i++)
		g_dbus_method_invocation_return_value(l->held[i], g_variant_new("(u)", (guint32)(1000 + i)));
	l->nheld = 0;
	pthread_mutex_unlock(&l->mu);
	return G_SOURCE_REMOVE;
}

/* Connect, export the server, take the name; false on any failure. */
static bool listener_setup(listener *l, GDBusConnection **conn, GDBusNodeInfo **node, guint *reg)
{
	GError *e = NULL;
	*conn = g_dbus_connection_new_for_address_sync(bus_addr, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
						       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
						       NULL, NULL, &e);
	if (!*conn) {
		g_clear_error(&e);
		return false;
	}
	*node = g_dbus_node_info_new_for_xml(server_xml, NULL);
	*reg = g_dbus_connection_register_object(*conn, "/org/freedesktop/Notifications",
						 (*node)->interfaces[0], &server_vtable, l, NULL, NULL);
	GVariant *r = g_dbus_connection_call_sync(*conn, "org.freedesktop.DBus", "/org/freedesktop/DBus",
						  "org.freedesktop.DBus", "RequestName",
						  g_variant_new("(su)", "org.freedesktop.Notifications", 4u),
						  G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
	guint32 reply = 0;
	if (r) {
		g_variant_get(r, "(u)", &reply);
		g_variant_unref(r);
	}
	return *reg != 0 && reply == 1;  /* 1: DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER */
}

static void *listener_main(void *arg)
{
	listener *l = arg;
	GDBusConnection *conn = NULL;
	GDBusNodeInfo *node = NULL;
	guint reg = 0;

	g_main_context_push_thread_default(l->ctx);
	bool ok = listener_setup(l, &conn, &node, &reg);
	pthread_mutex_lock(&l->mu);
	l->ready = true;
	l->failed = !ok;
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
	if (ok)
		g_main_loop_run(l->loop);
	release_held(l);
	if (reg)
		g_dbus_connection_unregister_object(conn, reg);
	if (conn) {
		g_dbus_connection_close_sync(conn, NULL, NULL);
		g_object_unref(conn);
	}
	if (node)
		g_dbus_node_info_unref(node);
	while (g_main_context_iteration(l->ctx, FALSE))
		;
	g_main_context_pop_thread_default(l->ctx);
	return NULL;
}

static void listener_start(listener *l, bool markup, bool stall)
{
	memset(l, 0, sizeof(*l));
	l->markup = markup;
	l->stall = stall;
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->cv, NULL);
	l->ctx = g_main_context_new();
	l->loop = g_main_loop_new(l->ctx, FALSE);
	assert_int_equal(pthread_create(&l->thread, NULL, listener_main, l), 0);
	pthread_mutex_lock(&l->mu);
	while (!l->ready)
		pthread_cond_wait(&l->cv, &l->mu);
	bool failed = l->failed;
	pthread_mutex_unlock(&l->mu);
	assert_false(failed);
}

/* Wait until the server got n notifications; returns how many it has. */
static int listener_wait(listener *l, int n)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += DEADLINE_S;
	pthread_mutex_lock(&l->mu);
	while (l->ngot < n && pthread_cond_timedwait(&l->cv, &l->mu, &until) == 0)
		;
	int got = l->ngot;
	pthread_mutex_unlock(&l->mu);
	return got;
}

static void listener_release(listener *l)
{
	g_main_context_invoke(l->ctx, release_held, l);
}

static void listener_stop(listener *l)
{
	g_main_loop_quit(l->loop);
	pthread_join(l->thread, NULL);
	g_main_loop_unref(l->loop);
	g_main_context_unref(l->ctx);
	pthread_cond_destroy(&l->cv);
	pthread_mutex_destroy(&l->mu);
}

/* ---- the notifier ---- */

typedef struct events {
	int on, off;
	char off_text[TD_NOTIFIER_EVENT_MAX], on_text[TD_NOTIFIER_EVENT_MAX];
	char log[8192];
} events;

static void drain(td_notifier *n, events *ev)
{
	td_notifier_event e;
	while (td_notifier_poll(n, &e)) {
		if (e.kind == TD_NOTE_DESKTOP_ON) {
			ev->on++;
			g_strlcpy(ev->on_text, e.text, sizeof ev->on_text);
		} else if (e.kind == TD_NOTE_DESKTOP_OFF) {
			ev->off++;
			g_strlcpy(ev->off_text, e.text, sizeof ev->off_text);
		}
		g_strlcat(ev->log, e.text, sizeof ev->log);
		g_strlcat(ev->log, "\n", sizeof ev->log);
	}
}

static td_notifier *start_with(size_t queue, int recheck_s)
{
	td_notifier_params p;
	char err[256];

	td_notifier_defaults(&p);
	p.queue = queue;
	p.desktop_recheck_s = recheck_s;
	td_notifier *n = td_notifier_new(&p, err, sizeof err);
	if (!n)
		fail_msg("td_notifier_new: %s", err);
	return n;
}

static td_notifier *start(size_t queue)
{
	return start_with(queue, 300);
}

/* Poll events until the desktop state is known (on or off). */
static void wait_state(td_notifier *n, events *ev)
{
	time_t end = time(NULL) + DEADLINE_S;
	while (ev->on + ev->off == 0 && time(NULL) <= end) {
		drain(n, ev);
		usleep(2000);
	}
	assert_int_equal(ev->on + ev->off, 1);
}

/* Wait until `sent + fallback` reaches want. */
static td_notifier_stats wait_handled(td_notifier *n, events *ev, uint64_t want)
{
	time_t end = time(NULL) + DEADLINE_S;
	for (;;) {
		drain(n, ev);
		td_notifier_stats s = td_notifier_get_stats(n);
		if (s.sent + s.fallback >= want)
			return s;
		if (time(NULL) > end)
			fail_msg("sent %llu, fallback %llu, want %llu", (unsigned long long)s.sent,
				 (unsigned long long)s.fallback, (unsigned long long)want);
		usleep(2000);
	}
}

static void post(td_notifier *n, td_alert_level lv, const char *rule, const char *sym, const char *text)
{
	td_alert_msg m;
	td_alert_msg_make(&m, 0, lv, rule, sym, text);
	assert_true(td_notifier_post(n, &m, TD_SINK_DESKTOP));
}

/* Point the notifier (and the listener) at bus b. */
static void use_bus(const bus *b)
{
	snprintf(bus_addr, sizeof bus_addr, "%s", b->addr);
	setenv("DBUS_SESSION_BUS_ADDRESS", b->addr, 1);
	unsetenv("XDG_RUNTIME_DIR");
}

/* App name, summary, body and urgency of each level, as the server received them. */
static void test_notifications_received(void **state)
{
	static listener l;
	events ev = { 0 };

	(void)state;
	if (!main_bus.addr[0])
		skip();
	use_bus(&main_bus);
	listener_start(&l, false, false);
	td_notifier *n = start(16);
	wait_state(n, &ev);
	assert_int_equal(ev.on, 1);
	assert_string_equal(ev.on_text, "desktop notifications through 'td-test-server' "
			    "(org.freedesktop.Notifications on the session bus)");
	post(n, TD_ALERT_INFO, "vwap_cross", "SPY", "SPY crossed VWAP 512.30");
	post(n, TD_ALERT_WARNING, "iv_rank", "", "IV rank 91 <b>&</b>");
	post(n, TD_ALERT_CRITICAL, "loss\x1b[31m", "ES\x07", "daily loss\nlimit hit");
	td_notifier_stats s = wait_handled(n, &ev, 3);
	assert_int_equal(s.sent, 3);
	assert_int_equal(s.fallback, 0);
	assert_int_equal(listener_wait(&l, 3), 3);
	static const note want[] = {
		{ "tapedeck", "tapedeck: vwap_cross SPY", "SPY crossed VWAP 512.30", 0 },
		{ "tapedeck", "tapedeck: iv_rank", "IV rank 91 <b>&</b>", 1 },  /* no body-markup: as is */
		{ "tapedeck", "tapedeck: loss[31m ES", "daily losslimit hit", 2 },
	};
	for (int i = 0; i < 3; i++) {
		assert_string_equal(l.got[i].app, want[i].app);
		assert_string_equal(l.got[i].summary, want[i].summary);
		assert_string_equal(l.got[i].body, want[i].body);
		assert_int_equal(l.got[i].urgency, want[i].urgency);
	}
	td_notifier_free(n);
	listener_stop(&l);
}

/* A server that reads markup gets the body escaped, so outside text cannot format it. */
static void test_markup_escaped(void **state)
{
	static listener l;
	events ev = { 0 };

	(void)state;
	if (!main_bus.addr[0])
		skip();
	use_bus(&main_bus);
	listener_start(&l, true, false);
	td_notifier *n = start(16);
	post(n, TD_ALERT_WARNING, "news", "AAPL", "<a href='x'>R&D</a>");
	wait_handled(n, &ev, 1);
	assert_int_equal(listener_wait(&l, 1), 1);
	assert_string_equal(l.got[0].body, "&lt;a href=&apos;x&apos;&gt;R&amp;D&lt;/a&gt;");
	assert_string_equal(l.got[0].summary, "tapedeck: news AAPL");
	td_notifier_free(n);
	listener_stop(&l);
}

/* A bus with nobody owning the name: unavailable, said once, alerts left to the fallback. */
static void test_bus_without_server(void **state)
{
	events ev = { 0 };

	(void)state;
	if (!main_bus.addr[0])
		skip();
	use_bus(&main_bus);
	td_notifier *n = start(64);
	for (int i = 0; i < 30; i++)
		post(n, TD_ALERT_INFO, "r", "SPY", "x");
	td_notifier_stats s = wait_handled(n, &ev, 30);
	assert_int_equal(s.fallback, 30);
	assert_int_equal(s.sent, 0);
	drain(n, &ev);
	assert_int_equal(ev.off, 1);
	assert_int_equal(ev.on, 0);
	assert_string_equal(ev.off_text, "desktop notifications unavailable: no notification service on "
			    "the session bus (nothing owns org.freedesktop.Notifications); alerts go to "
			    "the bell and the pane");
	td_notifier_free(n);
}

/* No session bus at all (plain SSH): unavailable, the reason said exactly once. */
static void test_no_bus(void **state)
{
	events ev = { 0 };

	(void)state;
	unsetenv("DBUS_SESSION_BUS_ADDRESS");
	unsetenv("XDG_RUNTIME_DIR");
	td_notifier *n = start(64);
	for (int i = 0; i < 50; i++)
		post(n, i % 2 ? TD_ALERT_CRITICAL : TD_ALERT_INFO, "r", "SPY", "x");
	td_notifier_stats s = wait_handled(n, &ev, 50);
	assert_int_equal(s.fallback, 50);
	assert_int_equal(s.sent, 0);
	assert_int_equal(s.failed, 0);
	drain(n, &ev);
	assert_int_equal(ev.off, 1);
	assert_int_equal(ev.on, 0);
	assert_string_equal(ev.off_text, "desktop notifications unavailable: no session bus "
			    "(DBUS_SESSION_BUS_ADDRESS is not set); alerts go to the bell and the pane");
	assert_string_equal(ev.log, "desktop notifications unavailable: no session bus "
			    "(DBUS_SESSION_BUS_ADDRESS is not set); alerts go to the bell and the pane\n");
	td_notifier_free(n);
}

/* A stuck worker: posts beyond the queue return false at once and are counted, said once. */
static void test_queue_full_while_stuck(void **state)
{
	static listener l;
	events ev = { 0 };
	td_alert_msg m;

	(void)state;
	if (!main_bus.addr[0])
		skip();
	use_bus(&main_bus);
	listener_start(&l, false, true);
	td_notifier *n = start(4);
	post(n, TD_ALERT_INFO, "first", "", "x");
	assert_int_equal(listener_wait(&l, 1), 1);  /* the worker now waits for the answer */
	td_alert_msg_make(&m, 0, TD_ALERT_INFO, "more", "", "x");
	int accepted = 0;
	for (int i = 0; i < 10; i++)
		accepted += td_notifier_post(n, &m, TD_SINK_DESKTOP);
	assert_int_equal(accepted, 4);
	td_notifier_stats s = td_notifier_get_stats(n);
	assert_int_equal(s.posted, 5);
	assert_int_equal(s.dropped, 6);
	drain(n, &ev);
	assert_non_null(strstr(ev.log, "alert queue full (4 alerts): dropping alerts until the sink "
			       "worker catches up\n"));
	listener_release(&l);
	s = wait_handled(n, &ev, 5);
	assert_int_equal(s.sent, 5);
	assert_true(td_notifier_post(n, &m, TD_SINK_DESKTOP));
	drain(n, &ev);
	assert_non_null(strstr(ev.log, "alert queue has room again; 6 alerts were dropped\n"));
	assert_int_equal(listener_wait(&l, 6), 6);
	td_notifier_free(n);
	listener_stop(&l);
	int said = 0;
	for (const char *p = strstr(ev.log, "alert queue full"); p; p = strstr(p + 1, "alert queue full"))
		said++;
	assert_int_equal(said, 1);
}

/* A server that appears later is found by the next look (recheck 0: at every alert), and said once. */
static void test_server_appears(void **state)
{
	static listener l;
	events ev = { 0 };

	(void)state;
	if (!main_bus.addr[0])
		skip();
	use_bus(&main_bus);
	td_notifier *n = start_with(16, 0);
	post(n, TD_ALERT_INFO, "early", "", "x");
	post(n, TD_ALERT_INFO, "early", "", "x");
	td_notifier_stats s = wait_handled(n, &ev, 2);
	assert_int_equal(s.fallback, 2);
	listener_start(&l, false, false);
	post(n, TD_ALERT_WARNING, "late", "QQQ", "found");
	post(n, TD_ALERT_WARNING, "later", "QQQ", "again");
	s = wait_handled(n, &ev, 4);
	assert_int_equal(s.sent, 2);
	assert_int_equal(s.fallback, 2);
	drain(n, &ev);
	assert_int_equal(ev.off, 1);
	assert_int_equal(ev.on, 1);
	assert_int_equal(listener_wait(&l, 2), 2);
	assert_string_equal(l.got[0].summary, "tapedeck: late QQQ");
	assert_string_equal(l.got[1].summary, "tapedeck: later QQQ");
	td_notifier_free(n);
	listener_stop(&l);
}

/* The bus going away neither kills the process (glib's exit-on-close) nor loses the alert. */
static void test_bus_goes_away(void **state)
{
	static listener l;
	bus *b = &other_bus;
	char dir[160];
	events ev = { 0 };

	(void)state;
	if (!main_bus.addr[0])
		skip();
	snprintf(dir, sizeof dir, "%s/second", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(bus_start(b, dir), 0);
	use_bus(b);
	listener_start(&l, false, false);
	td_notifier *n = start(16);
	post(n, TD_ALERT_INFO, "before", "", "x");
	td_notifier_stats s = wait_handled(n, &ev, 1);
	assert_int_equal(s.sent, 1);
	assert_int_equal(ev.on, 1);
	/* the connection glib shares in the process (the notifier holds it) must not raise SIGTERM on close */
	GDBusConnection *shared = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, NULL);
	assert_non_null(shared);
	assert_false(g_dbus_connection_get_exit_on_close(shared));
	g_object_unref(shared);
	listener_stop(&l);
	bus_stop(b);
	post(n, TD_ALERT_INFO, "after", "", "x");
	s = wait_handled(n, &ev, 2);
	assert_int_equal(s.sent, 1);
	assert_int_equal(s.fallback, 1);
	drain(n, &ev);
	assert_int_equal(ev.off, 1);
	assert_non_null(strstr(ev.off_text, "desktop notifications unavailable: the notification service failed: "));
	td_notifier_free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_bus),
		cmocka_unit_test(test_bus_without_server),
		cmocka_unit_test(test_server_appears),
		cmocka_unit_test(test_notifications_received),
		cmocka_unit_test(test_markup_escaped),
		cmocka_unit_test(test_queue_full_while_stuck),
		cmocka_unit_test(test_bus_goes_away),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
