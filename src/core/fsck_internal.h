/*
 * fsck_internal.h - what the files of fsck share: the state of one check
 * and the helpers each part of it calls. Not an API: callers use dfc/fsck.h.
 *
 * fsck.c runs a check (fsck_check_refs(), then fsck_check_view()) and the
 * repair; fsck_objects.c reads the objects reachable from a ref;
 * fsck_refs.c checks branches, tags and tracking refs; fsck_runs.c the
 * recorded runs; fsck_view.c the
 * files in pipelines/; fsck_repair.c repairs from repo.git.
 */
#ifndef DFC_FSCK_INTERNAL_H
#define DFC_FSCK_INTERNAL_H

#include "dfc/fsck.h"
#include "dfc/store.h"
#include "dfc/strvec.h"

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

/* The folder of pipelines/ that stray files are moved to. */
#define FSCK_LOST_FOUND "lost-found"
/* Longest name from disk shown in a message. */
#define FSCK_QUOTE_MAX 80

/* A set of object ids (open addressing; the ids are already random). */
struct oid_set {
	git_oid *slots;
	bool *used;
	size_t cap;
	size_t nr;
};

/* One version found on a branch. */
struct version_commit {
	int version;
	git_oid commit;
	/* The blob of its pipeline.json, when it has a readable one. */
	git_oid json;
	bool has_json;
	bool tagged;
};

/* One pipeline branch and the versions found on it. */
struct pipeline_branch {
	char *id;
	/* The branch was walked: `latest` and `versions` mean something. */
	bool walked;
	/* The tip's version. */
	int latest;
	/* The versions found, sorted by number once the walk is done. */
	struct version_commit *versions;
	size_t nr;
	size_t alloc;
	int lowest;
	/* Versions 1..latest, each once, all valid: tags and view can be rebuilt. */
	bool consistent;
};

/* The state of one check: what it finds goes to `out`. */
struct check {
	struct store *store;
	git_odb *odb;
	struct fsck_list *out;
	struct pipeline_branch *branches;
	size_t nr;
	size_t alloc;
	struct strvec tags;
	struct strvec remotes;
	/* The refs under refs/dfc/runs/, and the runs their tips hold. */
	struct strvec run_refs;
	int runs;
	/* Objects checked, and those missing or unreadable. */
	struct oid_set seen;
	struct oid_set bad;
	int versions;
};

/* fsck.c */

/* Append a finding to `list`; the strings are copied. */
void fsck_add_finding(struct fsck_list *list, enum fsck_kind kind, const char *pipeline,
		      int version, bool repairable, const char *subject, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* The last libgit2 error's message. */
const char *fsck_git_message(void);

/* fsck_objects.c */

/*
 * Read every object reachable from commit `start` that was not checked
 * yet; report each missing or unreadable one. Versions in messages are
 * `scope` ("version", "catalog version") numbers.
 */
void fsck_check_objects(struct check *c, const git_oid *start, const char *pipeline,
			const char *scope, const char *start_what);

/* True when `oid` was found missing or unreadable by fsck_check_objects(). */
bool fsck_object_is_bad(const struct check *c, const git_oid *oid);

void fsck_oid_set_release(struct oid_set *s);

/* fsck_refs.c */

/*
 * Sort the refs of repo.git into pipelines, tags and tracking refs and
 * check each: the branches' versions, the tags against them, the missing
 * tags, the tracking refs.
 */
int fsck_check_refs(struct check *c);

/* The pipeline (branch) `id` found by fsck_check_refs(), or NULL. */
struct pipeline_branch *fsck_find_branch(struct check *c, const char *id);

/* fsck_runs.c */

/*
 * Each run ref: every commit adds one valid run of its pipeline, or more of
 * one recorded before it ended (runs.h).
 */
void fsck_check_runs(struct check *c);

/* fsck_view.c */

/* The view files of every pipeline, then the files no version explains. */
int fsck_check_view(struct check *c);

/* fsck_repair.c */

/* Repair what `found` says can be; note each change in `repaired`. */
void fsck_repair(struct store *store, const struct fsck_list *found, struct fsck_list *repaired);

/* Drop from `repaired` what the second check still finds wrong. */
void fsck_keep_real_repairs(struct fsck_list *repaired, const struct fsck_list *left);

#endif
