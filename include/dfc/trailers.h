/**
 * trailers.h - the git trailers that describe a version (SPEC §3, §5).
 */
#ifndef DFC_TRAILERS_H
#define DFC_TRAILERS_H

#include "dfc/buf.h"
#include "dfc/fingerprint.h"

#include <git2.h>
#include <stdbool.h>

#define TRAILER_ID "Pipeline-Id"
#define TRAILER_VERSION "Pipeline-Version"
#define TRAILER_SOURCE_FILE "Source-File"
#define TRAILER_SOURCE_COMMIT "Source-Commit"
#define TRAILER_LOCAL_VERSION "Local-Version"
/* The content fingerprint (catalog_form.h) of a version, recorded with it. */
#define TRAILER_FINGERPRINT "Content-Fingerprint"
/*
 * A run's commit on refs/dfc/runs/<id> (runs.h): the run id, how it ended,
 * and under TRAILER_VERSION the commit id of the local version it ran.
 */
#define TRAILER_RUN "Run"
#define TRAILER_RUN_STATUS "Run-Status"

/** Value of trailer `key` in `message`, newly allocated, or NULL. */
char *trailer_value(const char *message, const char *key);

/*
 * Append a user's `message` to `msg` without its trailing newlines and
 * spaces (the trailers follow it); false, appending nothing, when it is
 * NULL or empty.
 */
bool trailers_add_message(struct buf *msg, const char *message);

/**
 * The Pipeline-Version of `commit` into `*version`; DFC_EINTERNAL (with a
 * hint to run fsck) when it has none or it is not a positive number.
 */
int commit_pipeline_version(const git_commit *commit, int *version);

/** Trailer `key` of `commit` as a positive number, or 0. */
int commit_trailer_number(const git_commit *commit, const char *key);

/**
 * The Content-Fingerprint trailer of `commit` into `out` (40 lowercase hex
 * digits and a NUL): true, or false when the commit has none (recorded
 * before the trailer existed) or one that is not 40 lowercase hex digits.
 */
bool commit_fingerprint(const git_commit *commit, char out[FINGERPRINT_SIZE]);

/**
 * Call `fn` on `tip` (borrowed) and then down its first parents, with each
 * commit's Pipeline-Version, until `fn` returns non-zero (returned) or the
 * root commit is done (0). A commit without a version is DFC_EINTERNAL.
 */
int history_walk(git_commit *tip, int (*fn)(git_commit *commit, int version, void *payload),
		 void *payload);

#endif
