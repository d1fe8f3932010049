/* table.c - aligned or tab-separated tables. */
#include "dfc/table.h"

#include "dfc/printable.h"
#include "dfc/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void table_init(struct table *t, size_t columns, const char *const *names)
{
	memset(t, 0, sizeof(*t));
	t->columns = columns;
	table_add(t, names);
}

void table_release(struct table *t)
{
	for (size_t i = 0; i < t->nr; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

void table_add(struct table *t, const char *const *cells)
{
	XGROW(t->cells, t->alloc, t->nr + t->columns);
	for (size_t i = 0; i < t->columns; i++) {
		struct buf cell = BUF_INIT;

		/* Cells hold names from files and catalogs: one safe line each. */
		printable_quote(&cell, cells[i] ? cells[i] : "-", SIZE_MAX);
		t->cells[t->nr++] = buf_detach(&cell, NULL);
	}
}

/* Width on screen: UTF-8 continuation bytes take no column. */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

void table_print(const struct table *t, FILE *out, bool aligned)
{
	size_t rows = t->columns ? t->nr / t->columns : 0;
	size_t *widths = xcalloc(t->columns, sizeof(*widths));

	for (size_t r = 0; r < rows; r++)
		for (size_t c = 0; c < t->columns; c++) {
			size_t w = width(t->cells[r * t->columns + c]);

			if (w > widths[c])
				widths[c] = w;
		}
	for (size_t r = aligned ? 0 : 1; r < rows; r++) {
		for (size_t c = 0; c < t->columns; c++) {
			const char *cell = t->cells[r * t->columns + c];
			bool last = c + 1 == t->columns;

			fputs(cell, out);
			if (!aligned && !last)
				fputc('\t', out);
			else if (aligned && !last)
				fprintf(out, "%*s", (int)(widths[c] - width(cell) + 2), "");
		}
		fputc('\n', out);
	}
	free(widths);
}
