/**
 * catalog_read.h - the catalog's versions as last fetched (catalog_fetch.h),
 * read from the tracking refs of repo.git without contacting the catalog.
 */
#ifndef DFC_CATALOG_READ_H
#define DFC_CATALOG_READ_H

#include "dfc/buf.h"
#include "dfc/fingerprint.h"
#include "dfc/store.h"

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

/**
 * Last known catalog version of `id` (0 when the catalog has none), from the
 * tracking refs, without contacting the catalog.
 */
int catalog_latest_version(struct store *store, const char *id, int *version);

/** One catalog version, as last fetched. */
struct catalog_version {
	int version;
	/** Local-Version trailer, 0 when shared from a file. */
	int local_version;
	char commit[GIT_OID_HEXSZ + 1];
	long long time;
	int offset;
	char *author;
	/** pipeline.json in catalog form. */
	struct buf pipeline_json;
	/** Its Content-Fingerprint trailer, else computed from pipeline_json. */
	char fingerprint[FINGERPRINT_SIZE];
};

void catalog_version_release(struct catalog_version *v);

/**
 * Call `fn` for each last-known catalog version of `id`, newest first,
 * until it returns non-zero (returned). No version: returns 0 at once.
 */
int catalog_for_each_version(struct store *store, const char *id,
			     int (*fn)(const struct catalog_version *v, void *payload),
			     void *payload);

/** Read catalog version `version` (0: latest) of `id`: DFC_ENOTFOUND if none. */
int catalog_read_version(struct store *store, const char *id, int version,
			 struct catalog_version *out);

/** A script or dataset file of a catalog version. */
struct catalog_file {
	/** Its file name (owned); NULL for a dataset's descriptor. */
	char *name;
	/** Its content: the file's, or the descriptor's JSON text. */
	struct buf content;
};

#define CATALOG_FILE_INIT { NULL, BUF_INIT }

void catalog_file_release(struct catalog_file *file);

/**
 * Read script `script_id` of `v`, a catalog version of `id` that
 * catalog_read_version() gave: the file `name` under
 * `scripts/<script_id>/`, or with `name` NULL the one stored there.
 * DFC_ENOTFOUND when there is none; on failure `out` holds nothing.
 */
int catalog_read_script(struct catalog_file *out, struct store *store, const char *id,
			const struct catalog_version *v, const char *script_id, const char *name);

/**
 * Read dataset `dataset_id` of `v` (see catalog_read_script()): 1 with the
 * text of its descriptor (`datasets/<dataset_id>.json`: url, path, sha256,
 * size) and no name, when the catalog describes it rather than stores it;
 * else 0 with the stored file, `datasets/<dataset_id>/<name>` found as
 * catalog_read_script() finds a script's.
 */
int catalog_read_dataset(struct catalog_file *out, struct store *store, const char *id,
			 const struct catalog_version *v, const char *dataset_id, const char *name);

/** One script or dataset node of a catalog version. */
struct catalog_entry {
	/** Its script_id or dataset_id (owned). */
	char *id;
	/** The file name of its path, else of its URL, else its id (owned). */
	char *name;
	/** A dataset described by its URL: no content of it is in the catalog. */
	bool by_url;
};

struct catalog_entries {
	struct catalog_entry *items;
	size_t nr;
	size_t alloc;
};

#define CATALOG_ENTRIES_INIT { NULL, 0, 0 }

void catalog_entries_release(struct catalog_entries *list);

/**
 * Append the script nodes (`scripts`) or the dataset nodes of `v`'s
 * pipeline that carry a script_id / dataset_id to `out`, in node order.
 */
void catalog_version_entries(struct catalog_entries *out, const struct catalog_version *v,
			     bool scripts);

/**
 * The size in bytes of the object `entry` names in repo.git: the script,
 * the stored dataset or the descriptor of a dataset described by its path.
 * -1 for a dataset described by its URL, or when repo.git lacks it.
 */
long long catalog_entry_size(struct store *store, const struct catalog_entry *entry);

#endif
