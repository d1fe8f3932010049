/* strvec.c - a growable list of owned strings. */
#include "dfc/strvec.h"

#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>

void strvec_push(struct strvec *v, const char *s)
{
	/* One more slot: the list stays NULL-terminated. */
	XGROW(v->items, v->alloc, v->nr + 2);
	v->items[v->nr++] = xstrdup(s);
	v->items[v->nr] = NULL;
}

int strvec_compare(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void strvec_sort(struct strvec *v)
{
	if (v->nr)
		qsort(v->items, v->nr, sizeof(*v->items), strvec_compare);
}

bool strvec_has(const struct strvec *v, const char *s)
{
	return v->nr && bsearch(&s, v->items, v->nr, sizeof(*v->items), strvec_compare);
}

void strvec_release(struct strvec *v)
{
	for (size_t i = 0; i < v->nr; i++)
		free(v->items[i]);
	free(v->items);
	v->items = NULL;
	v->nr = v->alloc = 0;
}

void strvec_sort_unique(struct strvec *v)
{
	size_t kept = 0;

	strvec_sort(v);
	for (size_t i = 0; i < v->nr; i++) {
		if (kept && !strcmp(v->items[kept - 1], v->items[i]))
			free(v->items[i]);
		else
			v->items[kept++] = v->items[i];
	}
	v->nr = kept;
	if (v->items)
		v->items[kept] = NULL;
}
