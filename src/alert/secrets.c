/*
 * Secrets: env: and file: references, the credentials file and redaction.
 *
 * These run on the engine thread while the notifier is being made (reading
 * the environment and one small file), never per alert.  Buffers that held
 * a line of the credentials file are wiped before they are freed.
 */
#include "secrets.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/text.h"

#define TD_SECRET_MASK "***"

td_secret_kind td_secret_kind_of(const char *ref)
{
	if (strncmp(ref, "env:", 4) == 0)
		return TD_SECRET_ENV;
	if (strncmp(ref, "file:", 5) == 0)
		return TD_SECRET_FILE;
	return TD_SECRET_LITERAL;
}

/* Whether s is a C identifier, as environment variable names are. */
static bool td_secret_is_ident(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

/* Whether s is a credentials key: letters, digits, '.', '-', '_'. */
static bool td_secret_is_key(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return false;
	return true;
}

int td_secret_ref_check(const char *ref, char *err, size_t errlen)
{
	char clean[80];

	switch (td_secret_kind_of(ref)) {
	case TD_SECRET_ENV:
		if (td_secret_is_ident(ref + 4))
			return 0;
		td_text_sanitize(clean, sizeof clean, ref + 4);
		return td_errf(err, errlen, "'env:%s': not a variable name (letters, digits, '_')", clean);
	case TD_SECRET_FILE:
		if (td_secret_is_key(ref + 5))
			return 0;
		td_text_sanitize(clean, sizeof clean, ref + 5);
		return td_errf(err, errlen, "'file:%s': not a key (letters, digits, '.', '-', '_')", clean);
	case TD_SECRET_LITERAL:
		break;
	}
	return 0;
}

int td_secret_default_path(char *buf, size_t n)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	int w;

	if (xdg && *xdg == '/')
		w = snprintf(buf, n, "%s/tapedeck/credentials", xdg);
	else if (home && *home)
		w = snprintf(buf, n, "%s/.config/tapedeck/credentials", home);
	else
		return -1;
	return w > 0 && (size_t)w < n ? 0 : -1;
}

/* Refuse a file that is not a regular file of ours with no group or other permissions. */
static int td_secret_check_mode(int fd, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return td_errf(err, errlen, "credentials file '%s': %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return td_errf(err, errlen, "credentials file '%s' is not a regular file", path);
	if (st.st_uid != geteuid())
		return td_errf(err, errlen, "credentials file '%s' belongs to uid %u, not to you (uid %u)",
			       path, (unsigned)st.st_uid, (unsigned)geteuid());
	if (st.st_mode & 077)
		return td_errf(err, errlen,
			       "credentials file '%s' has mode %04o: group or others may use it; "
			       "run 'chmod 600 %s'", path, (unsigned)(st.st_mode & 07777), path);
	return 0;
}

/*
 * Find key in the lines of f: 1 with the value in out, 0 when absent, -1
 * with err on a malformed line or a value too long.  Every line is read, so
 * a malformed line is reported wherever it is.
 */
static int td_secret_scan(FILE *f, const char *path, const char *key, char *out, size_t n,
			  char *err, size_t errlen)
{
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, rc = 0;

	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		td_chomp(line);
		char *s = td_trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			rc = td_errf(err, errlen, "credentials file '%s' line %d: expected 'key = value'",
				     path, lineno);
			break;
		}
		*eq = '\0';
		if (rc == 1 || strcmp(td_trim(s), key) != 0)
			continue;
		const char *v = td_trim(eq + 1);
		if (strlen(v) >= n) {
			rc = td_errf(err, errlen, "credentials file '%s' line %d: the value of '%s' is too "
				     "long (at most %zu bytes)", path, lineno, key, n - 1);
			break;
		}
		td_strlcpy(out, v, n);
		rc = 1;
	}
	if (line)
		td_secret_wipe(line, cap);
	free(line);
	return rc;
}

int td_secret_file_get(const char *path, const char *key, char *out, size_t n, char *err,
		       size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return td_errf(err, errlen, "credentials file '%s': %s", path, strerror(errno));
	if (td_secret_check_mode(fd, path, err, errlen) != 0) {
		close(fd);
		return -1;
	}
	FILE *f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return td_errf(err, errlen, "credentials file '%s': %s", path, strerror(errno));
	}
	/* stdio's buffer held the file's bytes: keep it on our stack to wipe it */
	char buf[BUFSIZ];
	setvbuf(f, buf, _IOFBF, sizeof buf);
	int rc = td_secret_scan(f, path, key, out, n, err, errlen);
	fclose(f);
	td_secret_wipe(buf, sizeof buf);
	if (rc == 0)
		return td_errf(err, errlen, "credentials file '%s' has no key '%s'", path, key);
	if (rc < 0)
		td_secret_wipe(out, n);
	return rc < 0 ? -1 : 0;
}

/* Copy the environment variable named by ref into out. */
static int td_secret_env(const char *name, char *out, size_t n, char *err, size_t errlen)
{
	const char *v = getenv(name);
	if (!v)
		return td_errf(err, errlen, "environment variable '%s' is not set", name);
	if (*v == '\0')
		return td_errf(err, errlen, "environment variable '%s' is empty", name);
	if (strlen(v) >= n)
		return td_errf(err, errlen, "environment variable '%s' is too long (at most %zu bytes)",
			       name, n - 1);
	td_strlcpy(out, v, n);
	return 0;
}

int td_secret_resolve(const char *ref, const char *cred_path, char *out, size_t n, char *err,
		      size_t errlen)
{
	char path[4096];

	if (td_secret_ref_check(ref, err, errlen) != 0)
		return -1;
	switch (td_secret_kind_of(ref)) {
	case TD_SECRET_ENV:
		return td_secret_env(ref + 4, out, n, err, errlen);
	case TD_SECRET_FILE:
		if (!cred_path || !*cred_path) {
			if (td_secret_default_path(path, sizeof path) != 0)
				return td_errf(err, errlen, "no credentials file: neither "
					       "XDG_CONFIG_HOME nor HOME is set");
			cred_path = path;
		}
		return td_secret_file_get(cred_path, ref + 5, out, n, err, errlen);
	case TD_SECRET_LITERAL:
		break;
	}
	if (strlen(ref) >= n)
		return td_errf(err, errlen, "the value is too long (at most %zu bytes)", n - 1);
	td_strlcpy(out, ref, n);
	return 0;
}

/* Replace each occurrence of needle (length len >= 3) in text, any case. */
static void td_secret_mask_one(char *text, const char *needle, size_t len)
{
	size_t mask = sizeof TD_SECRET_MASK - 1;
	size_t left = strlen(text);  /* bytes from p to the NUL */
	char *p = text;

	while (left >= len) {
		if (strncasecmp(p, needle, len) != 0) {
			p++;
			left--;
			continue;
		}
		memcpy(p, TD_SECRET_MASK, mask);
		memmove(p + mask, p + len, left - len + 1);
		p += mask;
		left -= len;
	}
}

void td_secret_redact(char *text, const char *const *needles, size_t count)
{
	bool done[32] = { false };

	if (count > sizeof done / sizeof done[0])
		count = sizeof done / sizeof done[0];
	for (;;) {
		size_t best = count, best_len = 0;
		for (size_t i = 0; i < count; i++) {
			size_t len = needles[i] ? strlen(needles[i]) : 0;
			if (!done[i] && len >= sizeof TD_SECRET_MASK - 1 && len > best_len) {
				best = i;
				best_len = len;
			}
		}
		if (best == count)
			return;
		done[best] = true;
		td_secret_mask_one(text, needles[best], best_len);
	}
}

void td_secret_wipe(void *p, size_t n)
{
	explicit_bzero(p, n);
}
