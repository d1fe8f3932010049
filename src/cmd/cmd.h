/*
 * cmd.h - what a command is, and the set-up main.c does for it.
 *
 * To add a command:
 *   1. Write src/cmd/cmd_<name>.c: its option table (opt.h), its usage
 *      lines, a static run() function, and `const struct command
 *      cmd_<name>` describing it. run() gets only the positional
 *      arguments; options are already in the table's variables.
 *   2. Declare it below and add its row to `commands[]` in main.c.
 *   3. Add tests/e2e/<name>.bats (the shared --help test picks it up).
 *   4. Document it in README.md and docs/ (man page, completions).
 * Commands print results to stdout only; errors are returned as codes
 * (error.h) and printed by main.c. Text from files, catalogs and commits
 * never reaches a terminal raw (SPEC §8): it goes out through
 * cmd_print_line(), a table (table.h) or printable.h, and JSON through
 * cmd_print_json() or printable_json().
 */
#ifndef DFC_CMD_H
#define DFC_CMD_H

#include "dfc/catalog.h"
#include "dfc/config.h"
#include "dfc/opt.h"
#include "dfc/pipeline.h"
#include "dfc/problems.h"
#include "dfc/scripts.h"
#include "dfc/store.h"

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

/* The program's name, as messages and hints spell it. */
#define PROG "data-factory-cli"

enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

/* Set-up a command needs before run() is called. */
enum cmd_needs {
	NEEDS_NOTHING = 0,
	/** DATA_FACTORY_HOME resolved into ctx->home (nothing created). */
	NEEDS_HOME = 1 << 0,
	/**
	 * libgit2 initialised (dfc_git_init(): its CA certificates are left
	 * to the first TLS session). Only commands that use it ask: loading
	 * its libraries and starting it is most of a command's start-up
	 * (docs/BENCHMARKS.md).
	 */
	NEEDS_GIT = 1 << 1,
	/**
	 * The local store: home and libgit2; the command opens the store with
	 * cmd_open_store() once its input is checked, so that refused input
	 * leaves no trace on disk.
	 */
	NEEDS_STORE = NEEDS_HOME | NEEDS_GIT,
};

/** Global options and what main.c set up. */
struct cmd_ctx {
	const char *home_option;
	const char *catalog_option;
	bool verbose;
	bool quiet;
	const char *color_option;
	enum color_mode color;
	/** DATA_FACTORY_HOME as resolved (owned). */
	char *home;
	/** Open after cmd_open_store(). */
	struct store store;
	/** Read by cmd_open_catalog(). */
	struct config config;
	bool config_loaded;
	/** The pipeline id cmd_resolve_id() found (owned). */
	char *resolved_id;
};

/**
 * Read the settings of ctx->home (config.h) once, with the environment and
 * --catalog laid over the file, noting on stderr a config.ini that
 * config.json shadows. cmd_open_store() calls it; calling it again returns
 * at once.
 */
int cmd_load_config(struct cmd_ctx *ctx);

/**
 * Open the local store in ctx->home (see store_open()); `create` for
 * commands that record. Calling it again returns at once.
 */
int cmd_open_store(struct cmd_ctx *ctx, bool create);

/**
 * Open the store (creating it: the catalog's state is kept there), read
 * the configuration, and resolve the catalog with --catalog and
 * `token_flag` (--token) over the environment and the file (catalog.h).
 * Downloads show a progress bar when stderr is a terminal.
 */
int cmd_open_catalog(struct cmd_ctx *ctx, struct catalog *cat, const char *token_flag);

struct command {
	const char *name;
	const char *summary;
	/** Usage lines, NULL-terminated: "create FILE [-m MSG]". */
	const char *const *usage;
	/** Option table, NULL when none (besides global ones and --help). */
	const struct opt *options;
	unsigned needs;
	/** Allowed number of positional arguments (max -1: any). */
	int min_args;
	int max_args;
	/**
	 * Returns 0, a negative code (error.h; main.c prints its message), or
	 * a positive number that main.c uses as the exit status as it is,
	 * printing nothing (`diff --exit-code` returns 1 for "differences").
	 */
	int (*run)(struct cmd_ctx *ctx, int argc, char **argv);
};

extern const struct command cmd_init;
extern const struct command cmd_create;
extern const struct command cmd_update;
extern const struct command cmd_validate;
extern const struct command cmd_show;
extern const struct command cmd_graph;
extern const struct command cmd_log;
extern const struct command cmd_status;
extern const struct command cmd_share;
extern const struct command cmd_sync;
extern const struct command cmd_list;
extern const struct command cmd_generate;
extern const struct command cmd_run;
extern const struct command cmd_diff;
extern const struct command cmd_hooks;
extern const struct command cmd_textconv;
extern const struct command cmd_merge_file;
extern const struct command cmd_config;
extern const struct command cmd_fsck;
extern const struct command cmd_runs;
extern const struct command cmd_report;
extern const struct command cmd_lineage;

/** The global options, accepted before or after any command. */
extern const struct opt global_options[];

/**
 * Print `fmt` formatted to `out` as one line safe for a terminal (SPEC §8):
 * every control character in the result (a line break or tab too) and
 * byte that is not UTF-8 as `\xNN` (printable.h), then a line break. For
 * human-readable lines that hold names, paths, ids or messages from files,
 * catalogs or commits; what was quoted already stays as it is.
 */
void cmd_print_line(FILE *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * Print every problem of `list` for the file `path` to stderr, one line
 * each (cmd_print_line()): `data-factory-cli: error: PATH:LINE:COL: msg`
 * for syntax and `data-factory-cli: error: PATH: /pointer: msg` for
 * structure. Returns problems_code(list).
 */
int cmd_report_problems(const char *path, const struct problems *list);

struct merge_result;
/*
 * Print each conflict of a merge of `path` on stderr: its JSON pointer and
 * the values of ours, theirs and the base, as compact ASCII JSON.
 */
void cmd_report_merge_conflicts(const char *path, const struct merge_result *res);

/**
 * Print the current error for `code` as `data-factory-cli: error: ...`
 * and its hints, one line each (cmd_print_line()), then forget it.
 */
void cmd_print_error(int code);

/**
 * Print a note to stderr unless --quiet: `data-factory-cli: <text>`, one
 * line (cmd_print_line()).
 */
void cmd_note(const struct cmd_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * Check a pipeline id taken whole (from a file): it is given and safe;
 * returns 0, DFC_EUSAGE or DFC_ESECURITY. -i goes through cmd_resolve_id().
 */
int cmd_check_id_option(const char *id);

/**
 * Resolve -i (`*id`) among the pipelines of the local store, opening the
 * store (cmd_open_store(), not created): a full id, a unique prefix of at
 * least ID_PREFIX_MIN characters or a unique pipeline name
 * (id_resolve.h). `*id` then points at the id, owned by `ctx`. Usage error
 * without -i; DFC_EUSAGE listing the candidates when it is ambiguous; an
 * unsafe id that names nothing is DFC_ESECURITY, as cmd_check_id_option()
 * says; a safe one is left for store_open_pipeline() to find missing.
 */
int cmd_resolve_id(struct cmd_ctx *ctx, const char **id);

/**
 * Write a JSON value (stolen) to stdout in canonical form, with DEL and C1
 * controls in its strings written `\u007f`, `\u0080`..`\u009f`
 * (printable_json()).
 */
void cmd_print_json(json_t *value);

/**
 * Write `out` to the file `path`, replaced atomically (fs_write_atomic(),
 * `mode` for a new file), or to standard output when `path` is NULL or "-".
 */
int cmd_write_output(const char *path, const struct buf *out, int mode);

/** Room for a time as cmd_format_time() writes it. */
#define CMD_TIME_SIZE 64

/** `time` with `offset` (minutes) as ISO 8601: 2026-11-23T14:05:09+01:00. */
void cmd_format_time(char out[CMD_TIME_SIZE], long long time, int offset);

/**
 * A recorded version's details as a new JSON object (version, commit,
 * date, author, message, source_file, source_commit).
 */
json_t *cmd_version_json(const char *pipeline_id, const struct version_info *info);

/** A pipeline file as the recording commands need it. */
struct working_file {
	struct pipeline pipeline;
	/** Absolute path with links resolved (the Source-File). */
	char *path;
	/** Canonical form, with `id` when one was set. */
	struct buf canonical;
	struct script_files scripts;
};

#define WORKING_FILE_INIT { PIPELINE_INIT, NULL, BUF_INIT, SCRIPT_FILES_INIT }

/**
 * Load and validate `path`, printing every problem (cmd_report_problems).
 * With `scripts`, also read its script files. The canonical form is left
 * empty: call working_file_canonical() once the id is final.
 */
int working_file_load(struct working_file *wf, const char *path, bool scripts);

/**
 * The check every recording makes under the pipeline's lock (store.h,
 * `check_latest`; `req->check_payload` is the working_file): refuse with
 * DFC_ECONFLICT when the latest version was recorded from another file
 * that still exists and carries the same id (copies.h), naming both files
 * with the hint `create --new-id FILE`. For `create` of an existing
 * pipeline last recorded from another file, the refusal names that file
 * and hints at both `update` and `create --new-id`.
 */
int working_file_check_latest(const struct record_request *req, const char *recorded_from);

/** Fill wf->canonical from the (possibly updated) document. */
void working_file_canonical(struct working_file *wf);

/**
 * Fill `req` to record `wf` as pipeline `id` with `message` (NULL for the
 * default); computes the canonical form first. `req` borrows from `wf`,
 * which is also its check_latest payload: working_file_check_latest().
 */
void working_file_request(struct working_file *wf, struct record_request *req,
			  const char *id, const char *message);

/**
 * The blob id of each script file read with `wf` (working_file_load() with
 * `scripts`), by node id, as a local version's scripts.json has them: a new
 * reference.
 */
json_t *working_file_script_ids(const struct working_file *wf);

/** The content fingerprint (catalog_form.h) of `wf`, canonical form first. */
void working_file_fingerprint(struct working_file *wf, char out[FINGERPRINT_SIZE]);

/**
 * The newest local version of `id`, from `latest` down to `oldest`, with
 * the same content as `wf` (the same content fingerprint: the same pipeline
 * and scripts, whatever `script_id` / `dataset_id` it carries, as a file
 * brought back by `sync` does), into `*out`; 0 when none. Returns 0 or an
 * error code.
 */
int working_file_find_version(struct cmd_ctx *ctx, struct working_file *wf, const char *id,
			      int latest, int oldest, int *out);

void working_file_release(struct working_file *wf);

/**
 * For FILE where a command takes -i: load `path` into `wf`
 * (working_file_load(), without scripts) and point `*id` at the id it
 * carries (borrowed from `wf`), checked as cmd_check_id_option() does and
 * never taken for a prefix or a name. DFC_ENOTFOUND when it has none.
 */
int cmd_id_from_file(struct working_file *wf, const char *path, const char **id);

/** How cmd_update_file() records a file. */
struct update_options {
	/** The version's message, or NULL for the default. */
	const char *message;
	/** Record even when nothing changed. */
	bool allow_empty;
	/** The user's commit the file comes from (Source-Commit), or NULL. */
	const char *source_commit;
	/** A file without an id gets a note, not an error. */
	bool skip_without_id;
	/** No note when the file equals its latest version. */
	bool quiet_unchanged;
};

/**
 * Record the next version of the pipeline file `path`, as `update` does
 * (notes and errors as it gives them). `res->recorded` says whether a
 * version was recorded, `res->version` which. Returns 0 or an error code.
 */
int cmd_update_file(struct cmd_ctx *ctx, const char *path, const struct update_options *o,
		    struct record_result *res);

/**
 * Record the runs of the work folder `dir` (the JSON files of .dfc/runs/,
 * those modified at `since` or later; 0: all), one note per run. Without
 * `warn` (runs import), a record that cannot be recorded is printed as an
 * error and the others are still recorded; the first failure's exit status
 * is returned (0 when every run is recorded). With `warn` (after run),
 * each failure is one warning line and 0 is returned: recording never
 * changes how a run went.
 */
int cmd_runs_import(struct cmd_ctx *ctx, const char *dir, time_t since, bool warn);

#endif
