/* init_args_internal.h - what the readers of init_args.c share. */
#ifndef DFC_INIT_ARGS_INTERNAL_H
#define DFC_INIT_ARGS_INTERNAL_H

#include "dfc/init_args.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Most places each reader looks at (calls, `$N`, `argv[N]`, uses of an
 * option), so that a hostile script of INIT_MAX_SCRIPT_BYTES costs no
 * more than a few of its lines (each looked at within INIT_ARGS_MAX_CALL
 * bytes).
 */
#define INIT_ARGS_MAX_SEEN 256

/** A piece of a script's text: [p, end). */
struct span {
	const char *p;
	const char *end;
};

/** `[A-Za-z0-9_]`. */
bool ia_ident_char(unsigned char c);

/** A space or a tab. */
bool ia_is_blank(char c);

/** A name or label: 1 to 64 bytes of `[A-Za-z0-9_-]`, not all dashes. */
bool ia_name_ok(const char *s, size_t n);

/** A copy of the name at `s` (`n` bytes) when ia_name_ok(), else NULL. */
char *ia_name_dup(const char *s, size_t n);

/**
 * Add an argument, or merge it into the one with the same option or
 * position (the first label and default stay, a known direction wins).
 * Takes its strings.
 */
void ia_add_arg(struct init_args *out, const struct init_arg *a);

/** Whether `word` occurs in `s`, in any case. */
bool ia_span_has(struct span s, const char *word);

/** Whether `mark` (a comment's start) comes before `at` on its line. */
bool ia_comment_before(const char *text, const char *at, char mark);

/**
 * The variable the value at `at` is assigned to (`x = `, `x <- `,
 * `my $x = `, through wrappers such as `Path(`), or NULL; `*number` when a
 * wrapper makes it a number (`int(sys.argv[2])`).
 */
char *ia_assigned_label(const char *text, const char *at, bool *number);

/**
 * init_mention_writes() of [at, at + n) within INIT_ARGS_MAX_CALL bytes
 * each side, so that a long line costs no more than a short one.
 */
bool ia_writes(const char *text, size_t len, const char *at, size_t n);

/** The shell reader: getopts, option `case` arms, `$N`. */
void init_args_parse_shell(struct init_args *out, const char *text, size_t len);

#endif
