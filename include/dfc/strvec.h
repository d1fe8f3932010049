/**
 * strvec.h - a growable list of strings the list owns.
 *
 * `struct strvec` is never NULL inside: STRVEC_INIT is an empty list.
 * strvec_push() copies its argument; strvec_release() frees every item.
 */
#ifndef DFC_STRVEC_H
#define DFC_STRVEC_H

#include <stddef.h>

struct strvec {
	char **items;
	size_t nr;
	size_t alloc;
};

#define STRVEC_INIT { NULL, 0, 0 }

/** Append a copy of `s`. */
void strvec_push(struct strvec *v, const char *s);

/** Append a string built from `fmt` and its arguments. */
void strvec_pushf(struct strvec *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Free every item and the list; `v` is empty again. */
void strvec_release(struct strvec *v);

#endif
