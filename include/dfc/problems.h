/**
 * problems.h - a list of every problem found in a pipeline file.
 *
 * Validation does not stop at the first problem (SPEC §2): each one is
 * appended here with where it is — a JSON pointer such as `/edges/3/to`
 * for a structural problem, or a line and column for a syntax error.
 * `struct problems` owns its items and their strings.
 */
#ifndef DFC_PROBLEMS_H
#define DFC_PROBLEMS_H

#include "dfc/buf.h"

#include <stddef.h>

struct problem {
	/** DFC_EINVALID, or DFC_ESECURITY for an unsafe pipeline id. */
	int code;
	/**
	 * JSON pointer ("" for the whole document), or NULL for syntax. It
	 * holds the file's keys as they are: quote it to print it
	 * (printable_quote()).
	 */
	char *pointer;
	/** 1-based line and column of a syntax error; 0 when unknown. */
	int line;
	int column;
	char *message;
};

struct problems {
	struct problem *items;
	size_t nr;
	size_t alloc;
};

#define PROBLEMS_INIT { NULL, 0, 0 }

void problems_init(struct problems *list);
void problems_release(struct problems *list);

/** Append a structural problem at `pointer` (copied). */
void problems_add(struct problems *list, int code, const char *pointer,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/** Append a syntax problem at `line`:`column`. */
void problems_add_syntax(struct problems *list, int line, int column,
			 const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/**
 * The code a command should fail with: DFC_ESECURITY when any problem is a
 * security problem, DFC_EINVALID when there are others, 0 when none.
 */
int problems_code(const struct problems *list);

#endif
