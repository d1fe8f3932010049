/**
 * table.h - rows of text printed as an aligned table (for a person at a
 * terminal) or as tab-separated lines (for a script).
 */
#ifndef DFC_TABLE_H
#define DFC_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct table {
	size_t columns;
	/** Cells row by row, `columns` per row (owned). */
	char **cells;
	size_t nr;
	size_t alloc;
};

/** Start a table whose first row is the header `names` (`columns` of them). */
void table_init(struct table *t, size_t columns, const char *const *names);
void table_release(struct table *t);

/**
 * Add a row of `columns` cells (copied; NULL prints as "-"). Each cell is
 * kept as printable_quote() writes it: control characters (tabs and line
 * breaks too) and bytes that are not UTF-8 as `\xNN`, so that no cell can
 * drive a terminal or break the table's lines and columns.
 */
void table_add(struct table *t, const char *const *cells);

/**
 * Print the table. `aligned`: a header and columns padded to their widest
 * cell (counted in UTF-8 characters); otherwise one tab-separated line per
 * row and no header.
 */
void table_print(const struct table *t, FILE *out, bool aligned);

#endif
