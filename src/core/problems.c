/* problems.c - the list of problems found in a pipeline file. */
#include "dfc/problems.h"

#include "dfc/error.h"
#include "dfc/xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void problems_init(struct problems *list)
{
	list->items = NULL;
	list->nr = 0;
	list->alloc = 0;
}

void problems_release(struct problems *list)
{
	for (size_t i = 0; i < list->nr; i++) {
		free(list->items[i].pointer);
		free(list->items[i].message);
	}
	free(list->items);
	problems_init(list);
}

static struct problem *problems_append(struct problems *list, int code, const char *fmt, va_list ap)
{
	struct buf msg = BUF_INIT;
	struct problem *p;

	XGROW(list->items, list->alloc, list->nr + 1);
	p = &list->items[list->nr++];
	memset(p, 0, sizeof(*p));
	p->code = code;
	buf_vaddf(&msg, fmt, ap);
	p->message = buf_detach(&msg, NULL);
	return p;
}

void problems_add(struct problems *list, int code, const char *pointer, const char *fmt, ...)
{
	struct problem *p;
	va_list ap;

	va_start(ap, fmt);
	p = problems_append(list, code, fmt, ap);
	va_end(ap);
	p->pointer = xstrdup(pointer ? pointer : "");
}

void problems_add_syntax(struct problems *list, int line, int column, const char *fmt, ...)
{
	struct problem *p;
	va_list ap;

	va_start(ap, fmt);
	p = problems_append(list, DFC_EINVALID, fmt, ap);
	va_end(ap);
	p->line = line;
	p->column = column;
}

int problems_code(const struct problems *list)
{
	int code = 0;

	for (size_t i = 0; i < list->nr; i++) {
		if (list->items[i].code == DFC_ESECURITY)
			return DFC_ESECURITY;
		code = DFC_EINVALID;
	}
	return code;
}
