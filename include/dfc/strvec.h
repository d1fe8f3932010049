/**
 * strvec.h - a growable list of strings the list owns.
 *
 * `struct strvec` is never NULL inside: STRVEC_INIT (or zero) is an empty
 * list. Once anything was pushed, `items[nr]` is NULL, so `items` can be
 * passed as an argv. strvec_push() copies its argument; strvec_release()
 * frees every item.
 */
#ifndef DFC_STRVEC_H
#define DFC_STRVEC_H

#include <stdbool.h>
#include <stddef.h>

struct strvec {
	char **items;
	size_t nr;
	size_t alloc;
};

#define STRVEC_INIT { NULL, 0, 0 }

/** Append a copy of `s`. */
void strvec_push(struct strvec *v, const char *s);

/** Sort the items by strcmp(). */
void strvec_sort(struct strvec *v);

/** Sort the strings (strcmp order) and keep one of each. */
void strvec_sort_unique(struct strvec *v);

/** True when `v`, sorted by strvec_sort(), holds `s`. */
bool strvec_has(const struct strvec *v, const char *s);

/**
 * The qsort() and bsearch() comparator of an array of strings (`char *` or
 * `const char *`) by strcmp(): what strvec_sort() uses.
 */
int strvec_compare(const void *a, const void *b);

/** Free every item and the list; `v` is empty again. */
void strvec_release(struct strvec *v);

#endif
