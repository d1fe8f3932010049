/**
 * init_args.h - the arguments a script says it takes, for `init`'s guess
 * (SPEC §9): read from the script's text, never run.
 *
 * By the script's extension:
 * - `.py`: argparse `add_argument("-i", "--input", ...)` (options) and
 *   `add_argument("src")` (positions, in declaration order), with their
 *   `type=` (`argparse.FileType('w')` writes; `int`, `float`, ... are not
 *   files), `action=` (flags are not files), `choices=` (not a file),
 *   `required=True`, `default="..."`, `dest=` and `help=`; and
 *   `sys.argv[N]` (position N);
 * - `.sh` `.bash`: `getopts "i:o:"` letters that take a value, `case` arms
 *   for options (`-l|--left)`) whose body takes a value (`$2`, `shift 2`,
 *   `$OPTARG`; an arm only written `--left=*)` is kept as not a file: an
 *   edge cannot pass `--left=PATH` as one word), and `$N` / `${N}` / `${N:-x}`
 *   (position N) outside single quotes, comments, `case "$1" in` lines and
 *   option arms;
 * - `.R`: `commandArgs(...)[N]` and `x[N]` / `x[[N]]` for `x <- commandArgs(...)`;
 * - `.js`: `process.argv[N]` (position N-1); `.rb`: `ARGV[N]`; `.pl`:
 *   `$ARGV[N]` (position N+1).
 *
 * A value's label is the option's long name, `dest=`, the positional
 * name, or the variable it is assigned to (`src = sys.argv[1]`,
 * `in="$1"`, `i) in=$OPTARG ;;`). Its direction comes from the label's
 * words (`in`, `input`, `src`, `source`, `read`, ... vs `out`, `output`,
 * `dest`, `dst`, `target`, `write`, `save`, ...), else from a FileType
 * mode, else from `help=` text, else from the line writing to it
 * (init_mention_writes()). A Python option whose name says nothing is
 * told by the call it gives `.left` (`args.left`) to: one that writes
 * (`to_csv(`, `save(`, `open(..., "w")`) makes it an output, one that
 * opens, reads or loads makes it a file (an input).
 *
 * The parse is bounded: scripts are at most INIT_MAX_SCRIPT_BYTES, a call
 * is read for INIT_ARGS_MAX_CALL bytes at most, names and labels are
 * `[A-Za-z0-9_-]`, 64 bytes at most, defaults are printable and 256 bytes
 * at most, and INIT_ARGS_MAX arguments at most are kept.
 */
#ifndef DFC_INIT_ARGS_H
#define DFC_INIT_ARGS_H

#include <stdbool.h>
#include <stddef.h>

/** Most arguments kept per script; more are not looked at. */
#define INIT_ARGS_MAX 64
/** Highest position kept. */
#define INIT_ARGS_MAX_POSITION 32
/** Longest argparse call read. */
#define INIT_ARGS_MAX_CALL 4096

enum init_arg_dir { INIT_ARG_UNKNOWN, INIT_ARG_INPUT, INIT_ARG_OUTPUT };

struct init_arg {
	/** The option as typed (`--left`, `-i`); NULL for a position. Owned. */
	char *option;
	/** 1, 2, ... for a position; 0 for an option. */
	unsigned position;
	/** A word naming the value (`left`, `src`, `in`), or NULL. Owned. */
	char *label;
	/** A default naming a file (`default="data/raw.csv"`), or NULL. Owned. */
	char *def;
	enum init_arg_dir dir;
	/**
	 * argparse `required=True`; a shell `--long)` arm that takes a value
	 * (a script parses by hand only the options it needs).
	 */
	bool required;
	/** Said to be a file (FileType). */
	bool file;
	/** Said not to be a file: a flag, a number, a choice. */
	bool not_file;
};

struct init_args {
	struct init_arg *items;
	size_t nr;
	size_t alloc;
};

#define INIT_ARGS_INIT                                                                             \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/**
 * The arguments the script at `path` (its extension picks the language)
 * declares in `text` (`len` bytes), options in declaration order then
 * positions by number, added to `out`.
 */
void init_args_parse(struct init_args *out, const char *path, const char *text, size_t len);

void init_args_release(struct init_args *args);

/** The direction the words of `label` say (`in_file` input, `dst` output). */
enum init_arg_dir init_args_label_dir(const char *label);

/** Whether `label` names an output and nothing else (`out`, `output_file`). */
bool init_args_generic_output(const char *label);

#endif
