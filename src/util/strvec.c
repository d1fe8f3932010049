/* strvec.c - a growable list of owned strings. */
#include "dfc/strvec.h"

#include "dfc/buf.h"
#include "dfc/xalloc.h"

#include <stdarg.h>
#include <stdlib.h>

void strvec_push(struct strvec *v, const char *s)
{
	XGROW(v->items, v->alloc, v->nr + 1);
	v->items[v->nr++] = xstrdup(s);
}

void strvec_pushf(struct strvec *v, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	XGROW(v->items, v->alloc, v->nr + 1);
	v->items[v->nr++] = buf_detach(&b, NULL);
}

void strvec_release(struct strvec *v)
{
	for (size_t i = 0; i < v->nr; i++)
		free(v->items[i]);
	free(v->items);
	v->items = NULL;
	v->nr = v->alloc = 0;
}
