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

/* Length of the valid UTF-8 sequence at `s` (of `n` bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void problems_quote(struct buf *out, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;

	while (i < n) {
		size_t len = utf8_len(p + i, n - i);

		if (i + (len ? len : 1) > max) {
			buf_adds(out, "...");
			return;
		}
		/* C0, DEL and C1 controls can drive a terminal: show them. */
		if (!len || p[i] < 0x20 || p[i] == 0x7f || (p[i] == 0xc2 && p[i + 1] < 0xa0)) {
			size_t k = len ? len : 1;

			for (size_t j = 0; j < k; j++)
				buf_addf(out, "\\x%02x", p[i + j]);
			i += k;
			continue;
		}
		buf_add(out, p + i, len);
		i += len;
	}
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
