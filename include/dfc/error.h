/**
 * error.h - error codes, their exit statuses, and the last error's details.
 *
 * Core code never prints and never exits. A function that fails returns a
 * negative `enum dfc_code` and leaves a message (and optionally hints) in a
 * per-process slot:
 *
 *     if (!found)
 *             return dfc_error(DFC_ENOTFOUND, "no pipeline '%s'", id);
 *
 * Only main.c turns the code into an exit status (SPEC §4) and prints
 * `data-factory-cli: error: <message>` followed by `hint: <hint>` lines.
 */
#ifndef DFC_ERROR_H
#define DFC_ERROR_H

#include <stdarg.h>

/*
 * X(name, value, exit status, what it means). One list keeps each code, its
 * exit status and its description together.
 */
#define DFC_CODES(X)                                                         \
	X(DFC_OK, 0, 0, "success")                                           \
	X(DFC_EINTERNAL, -1, 1, "unexpected internal error")                 \
	X(DFC_EUSAGE, -2, 2, "usage or configuration error")                 \
	X(DFC_EINVALID, -3, 3, "the pipeline is invalid")                    \
	X(DFC_EEXEC, -4, 4, "a pipeline node failed")                        \
	X(DFC_EDEPEND, -5, 5, "a script file, interpreter or tool is missing") \
	X(DFC_ESECURITY, -6, 6, "unsafe id or path, or token refused")       \
	X(DFC_ENOTFOUND, -7, 7, "no such pipeline, version, script or dataset") \
	X(DFC_ECONFLICT, -8, 8, "conflict with recorded or concurrent changes") \
	X(DFC_ENETWORK, -9, 9, "network error")

enum dfc_code {
#define DFC_CODE_ENUM(name, value, status, text) name = value,
	DFC_CODES(DFC_CODE_ENUM)
#undef DFC_CODE_ENUM
};

/** Most hint lines kept for one error; later ones are dropped. */
#define DFC_MAX_HINTS 12

/**
 * Record `fmt` as the current error message and return `code`, so callers
 * write `return dfc_error(...)`. Replaces any previous message and hints.
 */
int dfc_error(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** Like dfc_error() with a va_list. */
int dfc_verror(int code, const char *fmt, va_list ap);

/**
 * Add a hint line to the current error (printed as `hint: ...`).
 * Returns `code` so it can end a `return` chain:
 *     return dfc_hint(dfc_error(...), "run 'create' first");
 */
int dfc_hint(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * Prefix the current message with `fmt: ` (context from an outer layer),
 * keeping its hints. Returns `code`.
 */
int dfc_error_wrap(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** The current message, "" when none. Borrowed; valid until the next set. */
const char *dfc_error_message(void);

/** Number of hints and hint `i` (borrowed). */
int dfc_error_hint_count(void);
const char *dfc_error_hint(int i);

/** Forget the current message and hints. */
void dfc_error_clear(void);

/** Exit status (SPEC §4) for a code; 1 for anything unknown. */
int dfc_exit_status(int code);

/** Short description of a code. Static string. */
const char *dfc_code_text(int code);

/**
 * Record the last libgit2 error as the current message, prefixed with
 * `what`, and return `code`.
 */
int dfc_git_error(int code, const char *what);

#endif
