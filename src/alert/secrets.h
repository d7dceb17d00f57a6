/*
 * Secrets for the alert sinks: webhook URLs (which carry their key) and bot
 * tokens.
 *
 * A secret is written in config as one of
 *   env:NAME   the value of environment variable NAME
 *   file:KEY   the value of KEY in the credentials file
 *   anything else, taken literally (fine for a local test URL; a real key
 *              in tapedeck.conf is readable by whoever reads the config)
 * The credentials file is $XDG_CONFIG_HOME/tapedeck/credentials, else
 * ~/.config/tapedeck/credentials: "key = value" lines, '#' comments, blank
 * lines; the first line with a key wins.  It must be a regular file of the
 * user's own with no permission for group or others (0600 or 0400); any
 * other file is refused with its path, its mode and the chmod that fixes it.
 *
 * No message made here ever contains a secret's value: errors name the
 * variable, the key, the file and the line number, never what is in them.
 */
#ifndef TD_ALERT_SECRETS_H
#define TD_ALERT_SECRETS_H

#include <stddef.h>

typedef enum td_secret_kind {
	TD_SECRET_LITERAL = 0,
	TD_SECRET_ENV,   /* env:NAME */
	TD_SECRET_FILE   /* file:KEY */
} td_secret_kind;

/* Which of the three forms ref has. */
td_secret_kind td_secret_kind_of(const char *ref);

/*
 * Check the name in an env: or file: reference (env: a C identifier; file:
 * letters, digits, '.', '-', '_').  0, or -1 with err.  Literals pass.
 */
int td_secret_ref_check(const char *ref, char *err, size_t errlen);

/* The default credentials file path; 0, or -1 when neither XDG_CONFIG_HOME nor HOME is set. */
int td_secret_default_path(char *buf, size_t n);

/*
 * The value of KEY in the credentials file at path, into out (size n).
 * 0, or -1 with err when the file is missing, unsafe, malformed or lacks the key.
 */
int td_secret_file_get(const char *path, const char *key, char *out, size_t n, char *err,
		       size_t errlen);

/*
 * Resolve ref (any of the three forms) into out (size n).  cred_path is the
 * credentials file, or NULL or "" for the default.  0, or -1 with err.
 */
int td_secret_resolve(const char *ref, const char *cred_path, char *out, size_t n, char *err,
		      size_t errlen);

/*
 * Replace, in place, every occurrence in text of each needle with "***",
 * longest needle first (so a whole URL goes before its host).  Needles
 * shorter than 3 bytes or NULL are skipped: the text never grows.
 */
void td_secret_redact(char *text, const char *const *needles, size_t count);

/* Zero n bytes at p in a way the compiler may not optimise out. */
void td_secret_wipe(void *p, size_t n);

#endif
