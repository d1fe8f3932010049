/**
 * opt.h - command-line options declared as data.
 *
 * Each command declares one table of `struct opt` (ending with OPT_END()).
 * The same table drives parsing (getopt_long underneath), the `--help`
 * text and the completion scripts, so an option exists in exactly one
 * place. Values are written through the `value` pointer: `bool *` for
 * OPT_BOOL, `const char **` for OPT_STRING (pointing into argv), `int *`
 * for OPT_INT (a positive number), `struct strvec *` for
 * OPT_STRING_LIST (a copy of every value of a repeatable option, in order).
 */
#ifndef DFC_OPT_H
#define DFC_OPT_H

#include "dfc/strvec.h"

#include <stdbool.h>
#include <stdio.h>

enum opt_type {
	OPT_TYPE_END,
	OPT_TYPE_BOOL,
	OPT_TYPE_STRING,
	OPT_TYPE_INT,
	OPT_TYPE_STRING_LIST,
};

struct opt {
	enum opt_type type;
	/** Single-letter form, or 0. */
	int short_name;
	/** Long form without the dashes, or NULL. */
	const char *long_name;
	void *value;
	/** Name of the option's argument in help ("FILE"), or NULL. */
	const char *arg_name;
	const char *help;
};

#define OPT_BOOL(s, l, v, h) { OPT_TYPE_BOOL, (s), (l), (v), NULL, (h) }
#define OPT_STRING(s, l, v, a, h) { OPT_TYPE_STRING, (s), (l), (v), (a), (h) }
#define OPT_INT(s, l, v, a, h) { OPT_TYPE_INT, (s), (l), (v), (a), (h) }
#define OPT_STRING_LIST(s, l, v, a, h) { OPT_TYPE_STRING_LIST, (s), (l), (v), (a), (h) }
#define OPT_END() { OPT_TYPE_END, 0, NULL, NULL, NULL, NULL }

/** Number of entries before OPT_END(). */
int opt_count(const struct opt *opts);

/**
 * Parse `argv[1..argc)` against the options of every table in `tables`
 * (NULL-terminated), in any order with the positional arguments (GNU
 * getopt permutation; "--" ends the options). With `stop_at_first`,
 * parsing stops at the first positional argument (for global options
 * before a command name).
 *
 * Positional arguments are moved to the front: on return argv[0..*npos)
 * hold them. `*help` is set when -h/--help was given. Returns 0 or
 * DFC_EUSAGE with the message set.
 */
int opt_parse(int argc, char **argv, const struct opt *const *tables,
	      bool stop_at_first, int *npos, bool *help);

/** Print the option lines of `opts` for --help. */
void opt_print_help(FILE *out, const struct opt *opts);

#endif
