/* fsck_refs.c - check the branches, version tags and tracking refs of repo.git. */
#include "fsck_internal.h"

#include "dfc/catalog.h"
#include "dfc/catalog_compare.h"
#include "dfc/error.h"
#include "dfc/ids.h"
#include "dfc/refs.h"
#include "dfc/trailers.h"
#include "dfc/xalloc.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int compare_branches(const void *a, const void *b)
{
	return strcmp(((const struct pipeline_branch *)a)->id,
		      ((const struct pipeline_branch *)b)->id);
}

struct pipeline_branch *fsck_find_branch(struct check *c, const char *id)
{
	struct pipeline_branch key = { 0 };

	key.id = (char *)id;
	return c->nr ? bsearch(&key, c->branches, c->nr, sizeof(*c->branches), compare_branches)
		     : NULL;
}

static int compare_versions(const void *a, const void *b)
{
	const struct version_commit *x = a, *y = b;

	return (x->version > y->version) - (x->version < y->version);
}

static struct version_commit *find_version(struct pipeline_branch *p, int version)
{
	struct version_commit key = { 0 };

	key.version = version;
	return p->nr ? bsearch(&key, p->versions, p->nr, sizeof(*p->versions), compare_versions)
		     : NULL;
}

/* Sort the refs of repo.git into branches, tags and tracking refs. */
static int collect_refs(struct check *c)
{
	struct strvec branch_refs = STRVEC_INIT;
	git_reference_iterator *it = NULL;
	const char *name;
	int err;

	if (git_reference_iterator_new(&it, c->store->repo) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot list repo.git's refs");
	while ((err = git_reference_next_name(&name, it)) == 0) {
		if (refs_skip_prefix(name, REFS_BRANCH_PREFIX))
			strvec_push(&branch_refs, name);
		else if (refs_skip_prefix(name, REFS_TAG_PREFIX))
			strvec_push(&c->tags, name);
		else if (refs_skip_prefix(name, REFS_REMOTE_PREFIX))
			strvec_push(&c->remotes, name);
		else if (refs_skip_prefix(name, REFS_RUNS_PREFIX))
			strvec_push(&c->run_refs, name);
	}
	git_reference_iterator_free(it);
	if (err != GIT_ITEROVER) {
		strvec_release(&branch_refs);
		return dfc_git_error(DFC_EINTERNAL, "cannot list repo.git's refs");
	}
	git_error_clear();
	strvec_sort(&branch_refs);
	strvec_sort(&c->tags);
	strvec_sort(&c->remotes);
	strvec_sort(&c->run_refs);
	for (size_t i = 0; i < branch_refs.nr; i++) {
		const char *id = refs_skip_prefix(branch_refs.items[i], REFS_BRANCH_PREFIX);

		if (strchr(id, '/') || !pipeline_id_is_safe(id)) {
			fsck_add_finding(
				c->out, FSCK_BAD_REF, NULL, 0, false, branch_refs.items[i],
				"%s is not the branch of a pipeline: '%s' is not a pipeline id",
				branch_refs.items[i], id);
			continue;
		}
		XGROW(c->branches, c->alloc, c->nr + 1);
		memset(&c->branches[c->nr], 0, sizeof(*c->branches));
		c->branches[c->nr++].id = xstrdup(id);
	}
	strvec_release(&branch_refs);
	return 0;
}

/* What a ref points at. */
enum target {
	TARGET_COMMIT,
	/* The ref itself cannot be read. */
	TARGET_UNREADABLE,
	TARGET_MISSING,
	/* An object that is not a commit (or whose header cannot be read). */
	TARGET_OTHER,
};

static enum target ref_target(struct check *c, const char *name, git_oid *oid, git_object_t *type)
{
	size_t len;

	*type = GIT_OBJECT_INVALID;
	if (git_reference_name_to_id(oid, c->store->repo, name) < 0)
		return TARGET_UNREADABLE;
	if (!git_odb_exists(c->odb, oid))
		return TARGET_MISSING;
	if (git_odb_read_header(&len, type, c->odb, oid) < 0) {
		git_error_clear();
		*type = GIT_OBJECT_INVALID;
		return TARGET_OTHER;
	}
	return *type == GIT_OBJECT_COMMIT ? TARGET_COMMIT : TARGET_OTHER;
}

/* The walk down one branch's first parents. */
struct walk {
	struct check *c;
	struct pipeline_branch *p;
	/* The version the next commit should carry. */
	int expected;
	git_oid last;
	bool any;
	bool ok;
};

static void bad_version(struct walk *w, int version, const char *commit, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void bad_version(struct walk *w, int version, const char *commit, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	fsck_add_finding(w->c->out, FSCK_BAD_VERSION, w->p->id, version, false, commit, "%s",
			 buf_cstr(&msg));
	buf_release(&msg);
	w->ok = false;
}

/* pipeline.json of a version: there, a JSON object, with the pipeline's id. */
static void check_pipeline_json(struct walk *w, git_commit *commit, int version,
				struct version_commit *vc, const char *hex)
{
	const git_tree_entry *e;
	git_tree *tree = NULL;
	git_blob *blob = NULL;
	json_t *root = NULL;
	const char *id;

	if (fsck_object_is_bad(w->c, git_commit_tree_id(commit)) ||
	    git_commit_tree(&tree, commit) < 0)
		goto out; /* reported as a missing or damaged object */
	e = git_tree_entry_byname(tree, "pipeline.json");
	if (!e || git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
		bad_version(w, version, hex, "version %d (commit %s) has no pipeline.json", version,
			    hex);
		goto out;
	}
	if (fsck_object_is_bad(w->c, git_tree_entry_id(e)) ||
	    git_blob_lookup(&blob, w->c->store->repo, git_tree_entry_id(e)) < 0)
		goto out;
	if (vc) {
		git_oid_cpy(&vc->json, git_tree_entry_id(e));
		vc->has_json = true;
	}
	root = json_loadb(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
			  JSON_REJECT_DUPLICATES, NULL);
	id = json_string_value(json_object_get(root, "id"));
	if (!json_is_object(root))
		bad_version(w, version, hex, "pipeline.json of version %d is not a JSON object",
			    version);
	else if (!id || strcmp(id, w->p->id))
		bad_version(w, version, hex,
			    "pipeline.json of version %d does not have the pipeline's id", version);
out:
	git_error_clear();
	json_decref(root);
	git_blob_free(blob);
	git_tree_free(tree);
}

/*
 * A Content-Fingerprint trailer that does not match the version's content
 * (list, log and status trust the trailer). Nothing can repair it: commits
 * never change. A version whose content cannot be read was reported with
 * the objects.
 */
static void check_fingerprint(struct check *c, const git_commit *commit, const char *pipeline,
			      const char *scope, int version, bool local)
{
	char recorded[FINGERPRINT_SIZE], content[FINGERPRINT_SIZE], hex[GIT_OID_HEXSZ + 1];

	if (!commit_fingerprint(commit, recorded) ||
	    fsck_object_is_bad(c, git_commit_tree_id(commit)))
		return;
	if (catalog_content_fingerprint(content, c->store, commit, local) < 0) {
		dfc_error_clear();
		git_error_clear();
		return;
	}
	if (!strcmp(recorded, content))
		return;
	git_oid_tostr(hex, sizeof(hex), git_commit_id(commit));
	fsck_add_finding(c->out, FSCK_BAD_VERSION, pipeline, local ? version : 0, false, hex,
			 "%s %d (commit %s) has " TRAILER_FINGERPRINT
			 " %s, but its content's is %s",
			 scope, version, hex, recorded, content);
}

/* True when the walk met `version` already (a walk counts down: below all, it is new). */
static bool walked_before(const struct pipeline_branch *p, int version)
{
	if (!p->nr || version < p->lowest)
		return false;
	for (size_t i = 0; i < p->nr; i++)
		if (p->versions[i].version == version)
			return true;
	return false;
}

static int walk_one(git_commit *commit, int version, void *payload)
{
	struct walk *w = payload;
	struct pipeline_branch *p = w->p;
	struct version_commit *vc = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	char *id;

	git_oid_tostr(hex, sizeof(hex), git_commit_id(commit));
	git_oid_cpy(&w->last, git_commit_id(commit));
	if (!w->any) {
		p->walked = true;
		p->latest = w->expected = version;
	}
	w->any = true;
	if (version != w->expected)
		bad_version(w, version, hex,
			    "commit %s carries version %d where version %d was expected "
			    "(the first parents count down to 1)",
			    hex, version, w->expected);
	w->expected = version - 1;
	if (version <= p->latest && !walked_before(p, version)) {
		XGROW(p->versions, p->alloc, p->nr + 1);
		vc = &p->versions[p->nr++];
		memset(vc, 0, sizeof(*vc));
		vc->version = version;
		git_oid_cpy(&vc->commit, git_commit_id(commit));
		if (p->nr == 1 || version < p->lowest)
			p->lowest = version;
		w->c->versions++;
	}
	id = trailer_value(git_commit_message(commit), TRAILER_ID);
	if (!id)
		bad_version(w, version, hex, "commit %s (version %d) has no " TRAILER_ID " trailer",
			    hex, version);
	else if (strcmp(id, p->id))
		bad_version(w, version, hex,
			    "commit %s (version %d) has " TRAILER_ID " '%s', not the branch's id",
			    hex, version, pipeline_id_is_safe(id) ? id : "?");
	free(id);
	check_pipeline_json(w, commit, version, vc, hex);
	check_fingerprint(w->c, commit, p->id, "version", version, true);
	return 0;
}

/* One pipeline branch: its objects, then its versions. */
static void check_branch(struct check *c, struct pipeline_branch *p)
{
	struct walk w = { c, p, 0, { { 0 } }, false, true };
	char *name = refs_branch(p->id);
	char hex[GIT_OID_HEXSZ + 1];
	git_commit *tip = NULL;
	git_object_t type;
	git_oid oid;
	int ret;

	switch (ref_target(c, name, &oid, &type)) {
	case TARGET_UNREADABLE:
		fsck_add_finding(c->out, FSCK_BAD_REF, p->id, 0, false, name,
				 "%s cannot be read: %s", name, fsck_git_message());
		goto out;
	case TARGET_MISSING:
		fsck_add_finding(c->out, FSCK_BAD_REF, p->id, 0, false, name,
				 "%s points at %s, which is missing", name, git_oid_tostr_s(&oid));
		goto out;
	case TARGET_OTHER:
		fsck_add_finding(c->out, FSCK_BAD_REF, p->id, 0, false, name,
				 "%s points at %s, which is not a commit", name,
				 git_oid_tostr_s(&oid));
		goto out;
	case TARGET_COMMIT:
		break;
	}
	{
		char *what = xasprintf("the tip of %s", name);

		fsck_check_objects(c, &oid, p->id, "version", what);
		free(what);
	}
	if (fsck_object_is_bad(c, &oid) || git_commit_lookup(&tip, c->store->repo, &oid) < 0)
		goto out;
	ret = history_walk(tip, walk_one, &w);
	if (ret < 0) {
		const git_oid *parent = NULL;
		git_commit *last = NULL;

		/* A missing or damaged parent was reported with the objects. */
		if (w.any && git_commit_lookup(&last, c->store->repo, &w.last) == 0 &&
		    git_commit_parentcount(last))
			parent = git_commit_parent_id(last, 0);
		if (!parent || !fsck_object_is_bad(c, parent)) {
			git_oid_tostr(hex, sizeof(hex), parent ? parent : &oid);
			bad_version(&w, 0, hex, "%s", dfc_error_message());
		}
		w.ok = false;
		git_commit_free(last);
	} else if (w.expected != 0) {
		git_oid_tostr(hex, sizeof(hex), &w.last);
		bad_version(&w, w.expected + 1, hex,
			    "the first commit of %s (%s) carries version %d, not 1", name, hex,
			    w.expected + 1);
	}
	dfc_error_clear();
	if (p->nr > 1)
		qsort(p->versions, p->nr, sizeof(*p->versions), compare_versions);
	p->consistent = w.ok && p->walked && p->nr == (size_t)p->latest;
out:
	git_error_clear();
	git_commit_free(tip);
	free(name);
}

/* `v<N>` with N a positive number written as git tags are: 0, or -1. */
static int parse_version_word(const char *s)
{
	long v;
	char *end;

	if (s[0] != 'v' || s[1] < '1' || s[1] > '9')
		return -1;
	errno = 0;
	v = strtol(s + 1, &end, 10);
	if (*end || errno || v > 1000000000)
		return -1;
	return (int)v;
}

/* True when `oid` is a commit on `p`'s branch. */
static bool on_branch(const struct pipeline_branch *p, const git_oid *oid)
{
	for (size_t i = 0; i < p->nr; i++)
		if (git_oid_equal(&p->versions[i].commit, oid))
			return true;
	return false;
}

static void check_tag(struct check *c, const char *name)
{
	const char *rest = refs_skip_prefix(name, REFS_TAG_PREFIX);
	const char *slash = strrchr(rest, '/');
	char *id = slash ? xstrndup(rest, (size_t)(slash - rest)) : NULL;
	int version = slash ? parse_version_word(slash + 1) : -1;
	struct pipeline_branch *p = id && pipeline_id_is_safe(id) ? fsck_find_branch(c, id) : NULL;
	struct version_commit *vc;
	char want[GIT_OID_HEXSZ + 1], hex[GIT_OID_HEXSZ + 1];
	git_object_t type;
	git_oid oid;
	enum target target = ref_target(c, name, &oid, &type);
	const char *pipeline = p ? p->id : NULL;

	git_oid_tostr(hex, sizeof(hex), &oid);
	if (target == TARGET_UNREADABLE) {
		fsck_add_finding(c->out, FSCK_BAD_REF, pipeline, 0, false, name,
				 "%s cannot be read", name);
		goto out;
	}
	if (target == TARGET_COMMIT) {
		char *what = xasprintf("the commit of %s", name);

		fsck_check_objects(c, &oid, pipeline, "version", what);
		free(what);
	}
	if (version < 0) {
		fsck_add_finding(c->out, FSCK_STRAY_TAG, pipeline, 0, false, name,
				 "%s is not a version tag (pipelines/<id>/v<N>)", name);
		goto out;
	}
	if (!p) {
		fsck_add_finding(c->out, FSCK_STRAY_TAG, NULL, version, false, name,
				 "%s is the tag of a pipeline that has no branch", name);
		goto out;
	}
	if (!p->walked)
		goto out; /* the branch is broken: reported with it */
	if (version > p->latest) {
		fsck_add_finding(c->out, FSCK_STRAY_TAG, p->id, version, false, name,
				 "%s is beyond the branch's latest version, %d", name, p->latest);
		goto out;
	}
	vc = find_version(p, version);
	if (!vc)
		goto out;
	vc->tagged = true;
	if (target == TARGET_COMMIT && git_oid_equal(&oid, &vc->commit))
		goto out;
	git_oid_tostr(want, sizeof(want), &vc->commit);
	/* Moving the tag must lose nothing: only a commit of the branch, or nothing at all. */
	if (target == TARGET_MISSING)
		fsck_add_finding(c->out, FSCK_WRONG_TAG, p->id, version, p->consistent, name,
				 "%s points at %s, which is missing, not at version %d's commit %s",
				 name, hex, version, want);
	else if (target == TARGET_COMMIT && on_branch(p, &oid))
		fsck_add_finding(
			c->out, FSCK_WRONG_TAG, p->id, version, p->consistent, name,
			"%s points at %s, another commit of the branch, not at version %d's "
			"commit %s",
			name, hex, version, want);
	else
		fsck_add_finding(
			c->out, FSCK_WRONG_TAG, p->id, version, false, name,
			"%s points at %s (a %s outside the branch), not at version %d's commit "
			"%s: move it by hand if the branch is right",
			name, hex, target == TARGET_COMMIT ? "commit" : "non-commit", version,
			want);
out:
	git_error_clear();
	free(id);
}

static void check_missing_tags(struct check *c, struct pipeline_branch *p)
{
	for (size_t i = 0; i < p->nr; i++) {
		char *name;

		if (p->versions[i].tagged)
			continue;
		name = refs_tag(p->id, p->versions[i].version);
		fsck_add_finding(c->out, FSCK_MISSING_TAG, p->id, p->versions[i].version,
				 p->consistent, name, "%s is missing", name);
		free(name);
	}
}

struct catalog_walk {
	struct check *c;
	const char *pipeline;
};

static int check_catalog_version(git_commit *commit, int version, void *payload)
{
	struct catalog_walk *w = payload;

	check_fingerprint(w->c, commit, w->pipeline, "catalog version", version, false);
	return 0;
}

/* The fingerprints of the catalog's versions, as last fetched. */
static void check_catalog_fingerprints(struct check *c, const git_oid *tip_oid,
				       const char *pipeline)
{
	struct catalog_walk w = { c, pipeline };
	git_commit *tip = NULL;

	/* A broken history was reported with the objects; it ends the walk. */
	if (!fsck_object_is_bad(c, tip_oid) &&
	    git_commit_lookup(&tip, c->store->repo, tip_oid) == 0)
		history_walk(tip, check_catalog_version, &w);
	dfc_error_clear();
	git_error_clear();
	git_commit_free(tip);
}

static void check_tracking_ref(struct check *c, const char *name)
{
	/* The catalog's runs (share --runs): their objects; fsck_runs.c reads the records. */
	const char *runs = refs_skip_prefix(name, REFS_RUNS_TRACKING_PREFIX);
	const char *pipeline = runs ? runs : refs_skip_prefix(name, REFS_TRACKING_PREFIX);
	git_object_t type;
	git_oid oid;
	char *what;

	switch (ref_target(c, name, &oid, &type)) {
	case TARGET_UNREADABLE:
		fsck_add_finding(c->out, FSCK_BAD_REF, pipeline, 0, false, name,
				 "%s cannot be read", name);
		break;
	case TARGET_MISSING:
		/* A cache of the catalog: dropping it loses nothing. */
		fsck_add_finding(c->out, FSCK_BAD_REF, pipeline, 0, true, name,
				 "%s points at %s, which is missing", name, git_oid_tostr_s(&oid));
		break;
	case TARGET_OTHER:
		fsck_add_finding(c->out, FSCK_BAD_REF, pipeline, 0, false, name,
				 "%s points at %s, which is not a commit", name,
				 git_oid_tostr_s(&oid));
		break;
	case TARGET_COMMIT:
		what = xasprintf("the tip of %s", name);
		fsck_check_objects(c, &oid, pipeline, runs ? "catalog runs" : "catalog version",
				   what);
		free(what);
		if (!runs)
			check_catalog_fingerprints(c, &oid, pipeline);
		break;
	}
	git_error_clear();
}

int fsck_check_refs(struct check *c)
{
	int ret;

	if ((ret = collect_refs(c)) < 0)
		return ret;
	if (c->nr > 1)
		qsort(c->branches, c->nr, sizeof(*c->branches), compare_branches);
	for (size_t i = 0; i < c->nr; i++)
		check_branch(c, &c->branches[i]);
	for (size_t i = 0; i < c->tags.nr; i++)
		check_tag(c, c->tags.items[i]);
	for (size_t i = 0; i < c->nr; i++)
		check_missing_tags(c, &c->branches[i]);
	for (size_t i = 0; i < c->remotes.nr; i++)
		check_tracking_ref(c, c->remotes.items[i]);
	return 0;
}
