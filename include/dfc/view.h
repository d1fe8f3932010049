/**
 * view.h - the plain-file view of the store (SPEC §3): `<id>_N.json` and
 * `<id>_state.json` in DATA_FACTORY_HOME/pipelines, each written
 * atomically (fs_write_rebuildable). This module knows the file layout only;
 * store.c decides what to write.
 */
#ifndef DFC_VIEW_H
#define DFC_VIEW_H

#include "dfc/buf.h"

#include <stdbool.h>
#include <stddef.h>

/** Path of `<id>_<version>.json` in `dir`, newly allocated. */
char *view_version_path(const char *dir, const char *id, int version);

/** Path of `<id>_state.json` in `dir`, newly allocated. */
char *view_state_path(const char *dir, const char *id);

/** Write version `version`'s file. */
int view_write_version(const char *dir, const char *id, int version,
		       const char *data, size_t len);

/**
 * Write the state file: `{"latest_version": N, "versions": {"1":
 * "<id>_1.json", ...}}` for versions 1 to `latest`.
 */
int view_write_state(const char *dir, const char *id, int latest);

/**
 * Read the state file's `latest_version` into `*latest`; 0 when the file is
 * missing, unreadable or does not have exactly the expected content for
 * that number (a stale or damaged view).
 */
void view_read_state(const char *dir, const char *id, int *latest);

/** True when the files of versions 1 to `latest` of `id` all exist. */
bool view_has_versions(const char *dir, const char *id, int latest);

#endif
