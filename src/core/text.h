/*
 * Text from outside (symbols, feed messages, file contents) before it reaches
 * the terminal or the log.
 */
#ifndef TD_TEXT_H
#define TD_TEXT_H

#include <stddef.h>

/*
 * Copy src into dst (size n, always NUL-terminated), dropping C0 and C1
 * control characters and DEL, and replacing bytes that are not valid UTF-8
 * with '?'.  Returns the length written.
 */
size_t td_text_sanitize(char *dst, size_t n, const char *src);

/* Copy at most n-1 bytes and terminate; returns strlen(src) like strlcpy. */
size_t td_strlcpy(char *dst, const char *src, size_t n);

#endif
