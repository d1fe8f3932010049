/* commit_pipelines.c - the pipeline files a commit, merge or rewrite changed. */
#define _GNU_SOURCE
#include "dfc/commit_pipelines.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/xalloc.h"

#include <fnmatch.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* What the tree walk needs and gathers. */
struct scan {
	git_repository *repo;
	const char *pattern;
	/* Changed paths (a set: path -> true). */
	json_t *changed;
	struct commit_pipelines *out;
	int error;
};

void commit_pipelines_release(struct commit_pipelines *cp)
{
	free(cp->workdir);
	free(cp->subject);
	strvec_release(&cp->record);
	strvec_release(&cp->differs);
	memset(cp, 0, sizeof(*cp));
}

static int git_failure(const char *what)
{
	return dfc_git_error(DFC_EINTERNAL, what);
}

/* Add to `changed` every path a diff of `old_tree` (or nothing) and `new_tree` touches. */
static int add_changes(git_repository *repo, json_t *changed, git_tree *old_tree,
		       git_tree *new_tree)
{
	git_diff *diff = NULL;
	git_diff_options opts;

	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	if (git_diff_tree_to_tree(&diff, repo, old_tree, new_tree, &opts) < 0)
		return git_failure("cannot compare the commits");
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		json_object_set_new(changed, d->old_file.path, json_true());
		json_object_set_new(changed, d->new_file.path, json_true());
	}
	git_diff_free(diff);
	return 0;
}

/* The changes of `commit` against its first parent (all of it for a root commit). */
static int add_commit_changes(git_repository *repo, json_t *changed, git_commit *commit)
{
	git_commit *parent = NULL;
	git_tree *tree = NULL, *parent_tree = NULL;
	int ret = 0;

	if (git_commit_tree(&tree, commit) < 0 ||
	    (git_commit_parentcount(commit) &&
	     (git_commit_parent(&parent, commit, 0) < 0 ||
	      git_commit_tree(&parent_tree, parent) < 0))) {
		ret = git_failure("cannot read a commit");
		goto out;
	}
	ret = add_changes(repo, changed, parent_tree, tree);
out:
	git_tree_free(parent_tree);
	git_tree_free(tree);
	git_commit_free(parent);
	return ret;
}

/* The commit a revision names, into `*out`. */
static int lookup_commit(git_commit **out, git_repository *repo, const char *rev)
{
	git_object *obj = NULL;
	int ret = 0;

	if (git_revparse_single(&obj, repo, rev) < 0 ||
	    git_object_peel((git_object **)out, obj, GIT_OBJECT_COMMIT) < 0) {
		git_error_clear();
		ret = dfc_hint(dfc_error(DFC_ENOTFOUND, "no commit '%s' in the repository", rev),
			       "name a commit git knows ('git rev-parse --verify %s' says "
			       "whether it does)", rev);
	}
	git_object_free(obj);
	return ret;
}

static int collect_changes(struct scan *s, git_commit *head, const struct commit_range *range)
{
	git_commit *commit = NULL;
	git_tree *old_tree = NULL, *new_tree = NULL;
	int ret = 0;

	if (range->since) {
		if ((ret = lookup_commit(&commit, s->repo, range->since)) < 0)
			goto out;
		if (git_commit_tree(&old_tree, commit) < 0 || git_commit_tree(&new_tree, head) < 0) {
			ret = git_failure("cannot read a commit");
			goto out;
		}
		ret = add_changes(s->repo, s->changed, old_tree, new_tree);
	} else if (range->commits && range->commits->nr) {
		for (size_t i = 0; i < range->commits->nr && ret == 0; i++) {
			git_commit_free(commit);
			commit = NULL;
			if ((ret = lookup_commit(&commit, s->repo, range->commits->items[i])) == 0)
				ret = add_commit_changes(s->repo, s->changed, commit);
		}
	} else {
		ret = add_commit_changes(s->repo, s->changed, head);
	}
out:
	git_tree_free(old_tree);
	git_tree_free(new_tree);
	git_commit_free(commit);
	return ret;
}

/* Whether the work tree and the index hold what HEAD holds for `path`. */
static bool as_committed(git_repository *repo, const char *path)
{
	unsigned int flags = 0;

	if (git_status_file(&flags, repo, path) < 0) {
		git_error_clear();
		return false;
	}
	return (flags & ~(unsigned int)GIT_STATUS_IGNORED) == GIT_STATUS_CURRENT;
}

/*
 * The local scripts of `root` as work-tree paths (new array of strings):
 * relative ones from the folder `dir` of the pipeline file, absolute ones
 * inside the work tree; others are left out.
 */
static json_t *script_paths(const json_t *root, const char *dir, const char *workdir)
{
	json_t *paths = json_array();
	size_t i, wlen = strlen(workdir);
	json_t *node;

	json_array_foreach(json_object_get(root, "nodes"), i, node) {
		const char *type = json_string_value(json_object_get(node, "type"));
		const char *path = json_string_value(json_object_get(node, "path"));
		char *rel;

		if (!type || strcmp(type, "script") || !path)
			continue;
		if (path[0] == '/')
			rel = strncmp(path, workdir, wlen) ? NULL : fs_join_lexical("", path + wlen);
		else
			rel = fs_join_lexical(dir, path);
		if (rel)
			json_array_append_new(paths, json_string(rel));
		free(rel);
	}
	return paths;
}

/* Decide for the file `path` whose blob is `id`: record it, note it, or leave it. */
static int consider(struct scan *s, const char *path, const git_oid *id)
{
	git_blob *blob = NULL;
	json_t *root = NULL, *scripts = NULL, *script;
	char *dir = NULL;
	const char *data;
	size_t len, i;
	bool changed = json_object_get(s->changed, path) != NULL, committed;

	if (git_blob_lookup(&blob, s->repo, id) < 0)
		return git_failure("cannot read a file of HEAD");
	data = git_blob_rawcontent(blob);
	len = (size_t)git_blob_rawsize(blob);
	/* The hooks' cheap test first: most JSON files are no pipelines. */
	if (!memmem(data, len, "\"nodes\"", 7) || !memmem(data, len, "\"edges\"", 7))
		goto out;
	root = json_loadb(data, len, 0, NULL);
	if (!json_is_array(json_object_get(root, "nodes")) ||
	    !json_is_array(json_object_get(root, "edges")))
		goto out;
	dir = fs_dirname(path);
	scripts = script_paths(root, strcmp(dir, ".") ? dir : "", s->out->workdir);
	json_array_foreach(scripts, i, script)
		changed |= json_object_get(s->changed, json_string_value(script)) != NULL;
	if (!changed)
		goto out;
	committed = as_committed(s->repo, path);
	json_array_foreach(scripts, i, script)
		committed &= as_committed(s->repo, json_string_value(script));
	strvec_push(committed ? &s->out->record : &s->out->differs, path);
out:
	free(dir);
	json_decref(scripts);
	json_decref(root);
	git_blob_free(blob);
	return 0;
}

static int walk_entry(const char *root, const git_tree_entry *entry, void *payload)
{
	struct scan *s = payload;
	char *path;

	if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB ||
	    git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK)
		return 0;
	path = xasprintf("%s%s", root, git_tree_entry_name(entry));
	if (fnmatch(s->pattern, path, 0) == 0)
		s->error = consider(s, path, git_tree_entry_id(entry));
	free(path);
	return s->error < 0 ? -1 : 0;
}

/* datafactory.pattern, else *.json (new string). */
static char *pipeline_pattern(git_repository *repo)
{
	git_config *cfg = NULL;
	git_buf value = GIT_BUF_INIT;
	char *pattern;

	if (git_repository_config_snapshot(&cfg, repo) == 0 &&
	    git_config_get_string_buf(&value, cfg, "datafactory.pattern") == 0 && value.size)
		pattern = xstrdup(value.ptr);
	else
		pattern = xstrdup("*.json");
	git_error_clear();
	git_buf_dispose(&value);
	git_config_free(cfg);
	return pattern;
}

int commit_pipelines_find(struct commit_pipelines *out, const char *dir,
			  const struct commit_range *range)
{
	struct scan s = { NULL, NULL, json_object(), out, 0 };
	git_commit *head = NULL;
	git_tree *tree = NULL;
	char *pattern = NULL;
	const char *summary;
	int ret = 0;

	if (git_repository_open_ext(&s.repo, dir, 0, NULL) < 0) {
		git_error_clear();
		ret = dfc_hint(dfc_error(DFC_ENOTFOUND, "'%s' is not in a git repository", dir),
			       "run it in a git work tree, or name one with --repo DIR");
		goto out;
	}
	if (git_repository_is_bare(s.repo)) {
		ret = dfc_error(DFC_ENOTFOUND, "the repository has no work tree");
		goto out;
	}
	if (git_repository_head_unborn(s.repo) == 1) {
		ret = dfc_hint(dfc_error(DFC_ENOTFOUND, "the repository has no commit yet"),
			       "the hooks record pipelines once a commit changes them");
		goto out;
	}
	if ((ret = lookup_commit(&head, s.repo, "HEAD")) < 0)
		goto out;
	out->workdir = xstrdup(git_repository_workdir(s.repo));
	git_oid_tostr(out->head, sizeof(out->head), git_commit_id(head));
	summary = git_commit_summary(head);
	out->subject = xstrdup(summary ? summary : "");
	if ((ret = collect_changes(&s, head, range)) < 0)
		goto out;
	if (!json_object_size(s.changed))
		goto out;
	pattern = pipeline_pattern(s.repo);
	s.pattern = pattern;
	if (git_commit_tree(&tree, head) < 0) {
		ret = git_failure("cannot read HEAD's tree");
		goto out;
	}
	if (git_tree_walk(tree, GIT_TREEWALK_PRE, walk_entry, &s) < 0)
		ret = s.error < 0 ? s.error : git_failure("cannot list HEAD's files");
out:
	free(pattern);
	git_tree_free(tree);
	git_commit_free(head);
	json_decref(s.changed);
	git_repository_free(s.repo);
	return ret;
}
