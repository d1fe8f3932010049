/**
 * xalloc.h - allocation that never returns NULL.
 *
 * A command-line tool has nothing sensible to do when memory runs out
 * half-way through a command, so these print one line and abort, like git's
 * xmalloc(). Nothing on disk is left half-written: every file is written
 * through a temporary and renamed (fs.h), every ref under a lock.
 */
#ifndef DFC_XALLOC_H
#define DFC_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** Grow `*array` (of `*alloc` items of `size`) to hold at least `need`. */
void xgrow(void **array, size_t *alloc, size_t need, size_t size);

#define XGROW(array, alloc, need) \
	xgrow((void **)&(array), &(alloc), (need), sizeof(*(array)))

/**
 * Overwrite the string `s` (may be NULL) with zeros, then free it: a token,
 * or a line that holds one, does not stay behind in freed memory.
 */
void free_secret(char *s);

#endif
