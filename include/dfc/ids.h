/**
 * ids.h - pipeline and node identifiers (SPEC §2, §3).
 */
#ifndef DFC_IDS_H
#define DFC_IDS_H

#include <stdbool.h>

/** Longest pipeline id, and the buffer size for one with its NUL. */
#define PIPELINE_ID_MAX 64
#define UUID_STR_SIZE 37

/**
 * True when `id` may name a pipeline: `[A-Za-z0-9][A-Za-z0-9._-]{0,63}`,
 * no "..", not ending in ".lock". Such an id is safe as a file name and
 * inside a git ref name.
 */
bool pipeline_id_is_safe(const char *id);

/**
 * Return 0 when `id` is safe, else DFC_ESECURITY with a message naming the
 * id (escaped) and a hint with the rule.
 */
int pipeline_id_check(const char *id);

/** True when `id` is a valid node id: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`. */
bool node_id_is_valid(const char *id);

/**
 * True when `name` (a script's or dataset's file name) can be stored as a
 * git tree entry: not empty, `.` or `..`, no `/`, and not a name that
 * means `.git` on some file system: `.git` or `git~1` in any case, with
 * spaces and dots after it or an NTFS stream (`.git::$INDEX_ALLOCATION`).
 * libgit2 refuses those; checking first means an error before anything is
 * written.
 */
bool tree_entry_name_is_safe(const char *name);

/**
 * Write a new lowercase UUID version 7 (RFC 9562: 48-bit Unix time in
 * milliseconds, then random bits) into `out`. Returns 0, or
 * DFC_EINTERNAL when no random bytes can be had.
 */
int uuid7_generate(char out[UUID_STR_SIZE]);

#endif
