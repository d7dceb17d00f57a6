/*
 * A small HTTP/1.1 server for tests: one thread on 127.0.0.1, on a port the
 * OS chooses, that records every request (method, path, headers, body) and
 * answers from a script.  Header-only (static inline functions) because each unit
 * test is one program.
 *
 *   td_httpd h;
 *   const td_httpd_reply script[] = { { 500 }, { 429, "Retry-After: 7\r\n" }, { 200 } };
 *   td_httpd_start(&h, script, 3);         // later requests get 200
 *   ... post to http://127.0.0.1:<h.port>/path ...
 *   td_httpd_wait(&h, 3);                  // until 3 requests were read
 *   td_httpd_request r; td_httpd_get(&h, 0, &r);
 *   td_httpd_stop(&h);
 *
 * A reply with `hold` is not sent until td_httpd_release, or never when the
 * client hangs up first (a client timeout): the request is recorded either
 * way, with `answered` telling which.  Bodies need a Content-Length (what
 * libcurl sends for a POST of a known size); every connection is closed
 * after its response, so each request is one connection.
 */
#ifndef TD_TEST_HTTPD_H
#define TD_TEST_HTTPD_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TD_HTTPD_REQUESTS 64
#define TD_HTTPD_SCRIPT 16
#define TD_HTTPD_HEAD 8192
#define TD_HTTPD_BODY 16384
#define TD_HTTPD_IO_MS 5000  /* a client silent for this long is dropped */

typedef struct td_httpd_reply {
	int status;           /* HTTP status to answer */
	const char *headers;  /* extra header lines, each ending "\r\n"; NULL for none */
	bool hold;            /* wait for td_httpd_release (or the client hanging up) */
} td_httpd_reply;

typedef struct td_httpd_request {
	char method[16];
	char path[1024];              /* the request target, query included */
	char head[TD_HTTPD_HEAD];     /* the header lines as received */
	char body[TD_HTTPD_BODY + 1]; /* NUL-terminated */
	size_t body_len;
	bool answered;                /* false: the client hung up before the reply */
} td_httpd_request;

typedef struct td_httpd {
	int port;
	int fd;                       /* listening socket */
	int ctl[2];                   /* pipe: a byte wakes the thread (stop, release) */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* under mu */
	td_httpd_reply script[TD_HTTPD_SCRIPT];
	size_t nscript;
	td_httpd_request *req;        /* TD_HTTPD_REQUESTS of them */
	size_t nreq;
	bool stop, released;
} td_httpd;

/* Whether the thread was asked to stop; drains the control pipe. */
static inline bool td_httpd_stopping(td_httpd *h, bool *released)
{
	char buf[16];
	while (read(h->ctl[0], buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&h->mu);
	bool stop = h->stop;
	if (released)
		*released = h->released;
	pthread_mutex_unlock(&h->mu);
	return stop;
}

/* Wait until fd is readable: 1; 0 on stop or after TD_HTTPD_IO_MS. */
static inline int td_httpd_readable(td_httpd *h, int fd)
{
	for (;;) {
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = h->ctl[0], .events = POLLIN } };
		int rc = poll(p, 2, TD_HTTPD_IO_MS);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0)
			return 0;
		if (p[1].revents && td_httpd_stopping(h, NULL))
			return 0;
		if (p[0].revents)
			return 1;
	}
}

/* The value of header `name` in head (case-insensitive name), into out; false when absent. */
static inline bool td_httpd_header(const char *head, const char *name, char *out, size_t n)
{
	size_t len = strlen(name);
	for (const char *line = head; line && *line; line = strstr(line, "\r\n"), line = line ? line + 2 : NULL) {
		if (strncasecmp(line, name, len) != 0 || line[len] != ':')
			continue;
		const char *v = line + len + 1;
		while (*v == ' ')
			v++;
		size_t k = strcspn(v, "\r\n");
		if (k >= n)
			k = n - 1;
		memcpy(out, v, k);
		out[k] = '\0';
		return true;
	}
	return false;
}

/* Read one request from c into r; 0, or -1 if malformed, too big or cut short. */
static inline int td_httpd_read(td_httpd *h, int c, td_httpd_request *r)
{
	char buf[TD_HTTPD_HEAD + TD_HTTPD_BODY];
	size_t got = 0;
	char *end = NULL;

	while (!end) {
		if (got == TD_HTTPD_HEAD || !td_httpd_readable(h, c))
			return -1;
		ssize_t k = read(c, buf + got, TD_HTTPD_HEAD - got);
		if (k <= 0)
			return -1;
		got += (size_t)k;
		buf[got] = '\0';
		end = strstr(buf, "\r\n\r\n");
	}
	char *eol = strstr(buf, "\r\n");
	*eol = '\0';
	if (sscanf(buf, "%15s %1023s HTTP/1.1", r->method, r->path) != 2)
		return -1;
	end[2] = '\0';
	snprintf(r->head, sizeof r->head, "%s", eol + 2);
	char cl[32] = "0";
	td_httpd_header(r->head, "Content-Length", cl, sizeof cl);
	size_t want = strtoul(cl, NULL, 10);
	if (want > TD_HTTPD_BODY)
		return -1;
	size_t have = got - (size_t)(end + 4 - buf);
	memcpy(r->body, end + 4, have < want ? have : want);
	while (have < want) {
		if (!td_httpd_readable(h, c))
			return -1;
		ssize_t k = read(c, r->body + have, want - have);
		if (k <= 0)
			return -1;
		have += (size_t)k;
	}
	r->body[want] = '\0';
	r->body_len = want;
	return 0;
}

/* For a held reply: true once released, false when the client hung up or stop was asked. */
static inline bool td_httpd_hold(td_httpd *h, int c)
{
	bool released = false;
	for (;;) {
		if (td_httpd_stopping(h, &released))
			return false;
		if (released)
			return true;
		struct pollfd p[2] = { { .fd = c, .events = POLLIN }, { .fd = h->ctl[0], .events = POLLIN } };
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return false;
		if (p[0].revents) {
			char b;
			if (read(c, &b, 1) <= 0)
				return false;  /* the client gave up */
		}
	}
}

static inline const char *td_httpd_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 204: return "No Content";
	case 404: return "Not Found";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Status";
	}
}

/* Serve one connection: read, record, answer as scripted. */
static inline void td_httpd_serve(td_httpd *h, int c)
{
	td_httpd_request *r = calloc(1, sizeof(*r));
	if (!r || td_httpd_read(h, c, r) != 0) {
		free(r);
		return;
	}
	pthread_mutex_lock(&h->mu);
	size_t i = h->nreq;
	td_httpd_reply rep = i < h->nscript ? h->script[i] : (td_httpd_reply){ .status = 200 };
	pthread_mutex_unlock(&h->mu);
	r->answered = !rep.hold || td_httpd_hold(h, c);
	if (r->answered) {
		char out[1024];
		int n = snprintf(out, sizeof out, "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\n"
				 "Content-Length: 2\r\nConnection: close\r\n%s\r\nok", rep.status,
				 td_httpd_reason(rep.status), rep.headers ? rep.headers : "");
		ssize_t w = write(c, out, (size_t)n);
		(void)w;
	}
	pthread_mutex_lock(&h->mu);
	if (h->nreq < TD_HTTPD_REQUESTS)
		h->req[h->nreq++] = *r;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
	free(r);
}

static inline void *td_httpd_main(void *arg)
{
	td_httpd *h = arg;
	/* the flag is read before each sleep: a poke drained while serving is not lost */
	while (!td_httpd_stopping(h, NULL)) {
		struct pollfd p[2] = { { .fd = h->fd, .events = POLLIN }, { .fd = h->ctl[0], .events = POLLIN } };
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (!p[0].revents)
			continue;
		int c = accept(h->fd, NULL, NULL);
		if (c < 0)
			continue;
		td_httpd_serve(h, c);
		close(c);
	}
	return NULL;
}

/* Listen on 127.0.0.1:0 and start the thread; 0 or -1. */
static inline int td_httpd_start(td_httpd *h, const td_httpd_reply *script, size_t n)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof a;

	memset(h, 0, sizeof(*h));
	if (n > TD_HTTPD_SCRIPT)
		return -1;
	if (n)
		memcpy(h->script, script, n * sizeof *script);
	h->nscript = n;
	h->req = calloc(TD_HTTPD_REQUESTS, sizeof(*h->req));
	h->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (!h->req || h->fd < 0 || bind(h->fd, (struct sockaddr *)&a, sizeof a) != 0 ||
	    listen(h->fd, 16) != 0 || getsockname(h->fd, (struct sockaddr *)&a, &alen) != 0 ||
	    pipe2(h->ctl, O_CLOEXEC | O_NONBLOCK) != 0)
		return -1;
	h->port = ntohs(a.sin_port);
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cv, NULL);
	return pthread_create(&h->thread, NULL, td_httpd_main, h) == 0 ? 0 : -1;
}

/* Wake the thread to look at its flags. */
static inline void td_httpd_poke(td_httpd *h)
{
	ssize_t w = write(h->ctl[1], "x", 1);
	(void)w;
}

/* Send every held reply now, and any later held one at once. */
static inline void td_httpd_release(td_httpd *h)
{
	pthread_mutex_lock(&h->mu);
	h->released = true;
	pthread_mutex_unlock(&h->mu);
	td_httpd_poke(h);
}

/* Wait until at least n requests were served (10 s at most); returns how many there are. */
static inline size_t td_httpd_wait(td_httpd *h, size_t n)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&h->mu);
	while (h->nreq < n && pthread_cond_timedwait(&h->cv, &h->mu, &until) == 0)
		;
	size_t got = h->nreq;
	pthread_mutex_unlock(&h->mu);
	return got;
}

/* Requests served so far. */
static inline size_t td_httpd_count(td_httpd *h)
{
	pthread_mutex_lock(&h->mu);
	size_t got = h->nreq;
	pthread_mutex_unlock(&h->mu);
	return got;
}

/* Copy request i (in the order they were served) into *r. */
static inline void td_httpd_get(td_httpd *h, size_t i, td_httpd_request *r)
{
	pthread_mutex_lock(&h->mu);
	*r = h->req[i];
	pthread_mutex_unlock(&h->mu);
}

static inline void td_httpd_stop(td_httpd *h)
{
	pthread_mutex_lock(&h->mu);
	h->stop = true;
	pthread_mutex_unlock(&h->mu);
	td_httpd_poke(h);
	pthread_join(h->thread, NULL);
	close(h->fd);
	close(h->ctl[0]);
	close(h->ctl[1]);
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mu);
	free(h->req);
}

#endif
