/**
 * init_scan.h - find the candidate scripts and datasets of a folder for
 * `init` (SPEC §9).
 *
 * The scan walks a folder depth-first, in name order, without following
 * links to folders and without entering `.git`, `node_modules`,
 * `__pycache__`, `venv` or any hidden folder (`.dfc` run folders, `.venv`,
 * ...). It looks at INIT_SCAN_MAX_FILES files at most and says when it
 * stopped early. A file is a script or a dataset by its extension
 * (init_scan_classify()); hidden files, a few well-known non-data files
 * (`requirements.txt`, `package.json`, ...), names that are not UTF-8
 * (a pipeline file cannot hold them), the pipeline file being
 * written and other pipeline files (JSON whose top level has `nodes` and
 * `edges`) are left out. The result is sorted by path (byte order), and
 * every item has a node id derived from its file name, unique in the scan.
 */
#ifndef DFC_INIT_SCAN_H
#define DFC_INIT_SCAN_H

#include <stdbool.h>
#include <stddef.h>

/** Most files the scan looks at before it stops. */
#define INIT_SCAN_MAX_FILES 5000

/** Deepest folder nesting the scan enters. */
#define INIT_SCAN_MAX_DEPTH 32

enum init_kind { INIT_NONE, INIT_SCRIPT, INIT_DATASET };

struct init_item {
	enum init_kind kind;
	/** Path relative to the scanned folder, `/`-separated. Owned. */
	char *path;
	/** Node id (SPEC §2 rules), unique in the scan. Owned. */
	char *id;
};

struct init_scan {
	struct init_item *items;
	size_t nr;
	size_t alloc;
	/** Files looked at (at most the limit given). */
	size_t files_seen;
	/** True when the limit was reached and files were left unseen. */
	bool truncated;
};

#define INIT_SCAN_INIT                                                                             \
	{                                                                                          \
		NULL, 0, 0, 0, false                                                               \
	}

/**
 * Scan `dir` (which must be a folder: DFC_ENOTFOUND otherwise) looking at
 * `max_files` files at most (0: INIT_SCAN_MAX_FILES). `skip` (or NULL) is
 * a file left out wherever it is, compared by device and inode: the
 * pipeline file being written. Returns 0 or a negative code with the
 * error set; release `out` either way.
 */
int init_scan_dir(struct init_scan *out, const char *dir, const char *skip, size_t max_files);

void init_scan_release(struct init_scan *scan);

/** Number of items of `kind` in `scan`. */
size_t init_scan_count(const struct init_scan *scan, enum init_kind kind);

/**
 * What a file name is by its extension: INIT_SCRIPT for the interpreters
 * of SPEC §2 (`.py .sh .R .js .pl .rb`), INIT_DATASET for data
 * (`.csv .tsv .json .jsonl .ndjson .parquet .xlsx .xls .txt .feather
 * .arrow .avro .orc .xml .yaml .yml .db .sqlite .dat .gz .zip ...`),
 * INIT_NONE for anything else.
 */
enum init_kind init_scan_classify(const char *name);

/**
 * A node id made from the file name `name` (a path's last component is
 * used): the name without its last extension, each run of characters
 * outside `[A-Za-z0-9_.-]` written `_`, a leading `.` or `-` written `_`,
 * cut to 120 bytes; "node" when nothing is left. Newly allocated.
 */
char *init_id_from_name(const char *name);

/**
 * `base` when `taken(base, data)` is false, else the first of `base_2`,
 * `base_3`, ... that is free. Newly allocated.
 */
char *init_id_unique(const char *base, bool (*taken)(const char *id, void *data), void *data);

/**
 * True when the file's text (`len` bytes, NUL-terminated) is a pipeline
 * file: JSON whose top level is an object with `nodes` and `edges`.
 */
bool init_is_pipeline_text(const char *text, size_t len);

#endif
