/* runs.c - find and read run record files; record a run as a commit on its pipeline's run ref. */
#include "dfc/runs.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/identity.h"
#include "dfc/ids.h"
#include "dfc/printable.h"
#include "dfc/refs.h"
#include "dfc/trailers.h"
#include "dfc/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Foreign writers (plain git) could still move the ref under us. */
#define MAX_CAS_ATTEMPTS 20
#define QUOTE_MAX	 120

static char *quoted(const char *s)
{
	struct buf b = BUF_INIT;

	printable_quote(&b, s, QUOTE_MAX);
	return buf_detach(&b, NULL);
}

static bool is_json_name(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && name[0] != '.' && !strcmp(name + n - 5, ".json");
}

int runs_find_files(const char *workdir, time_t since, struct strvec *out)
{
	char *dir = fs_path_join(workdir, ".dfc/runs");
	struct dirent *e;
	DIR *d = opendir(dir);
	int ret = 0;

	if (!d) {
		char *q = quoted(dir);

		ret = errno == ENOENT
			      ? dfc_error(DFC_ENOTFOUND, "no run records in '%s'", q)
			      : dfc_error(DFC_EUSAGE, "cannot read '%s': %s", q, strerror(errno));
		if (ret == DFC_ENOTFOUND)
			dfc_hint(ret, "a generated script writes them in .dfc/runs/ of the "
				      "folder it runs in");
		free(q);
		free(dir);
		return ret;
	}
	while ((e = readdir(d))) {
		char *path;
		struct stat st;

		if (!is_json_name(e->d_name))
			continue;
		path = fs_path_join(dir, e->d_name);
		if (since && lstat(path, &st) == 0 && st.st_mtime < since) {
			free(path);
			continue;
		}
		strvec_push(out, path);
		free(path);
	}
	closedir(d);
	free(dir);
	strvec_sort(out);
	return ret;
}

int runs_read_file(struct run_record *rec, struct buf *data, const char *path)
{
	const char *base = fs_basename(path);
	size_t n = strlen(base);
	char id[RUN_ID_SIZE];
	struct stat st;
	char *q;
	int ret;

	*rec = (struct run_record)RUN_RECORD_INIT;
	if (n <= 5 || n - 5 >= RUN_ID_SIZE || strcmp(base + n - 5, ".json") ||
	    (memcpy(id, base, n - 5), id[n - 5] = '\0', !run_id_is_valid(id))) {
		q = quoted(path);
		ret = dfc_hint(dfc_error(DFC_EINVALID, "'%s' is not named after a run id", q),
			       "a run record is .dfc/runs/<run id>.json, as a generated "
			       "script writes it (docs/run-record.md)");
		free(q);
		return ret;
	}
	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
		q = quoted(path);
		if (errno == ENOENT)
			ret = dfc_error(DFC_ENOTFOUND, "no run record '%s'", q);
		else
			ret = dfc_hint(dfc_error(DFC_ESECURITY, "'%s' is not a regular file", q),
				       "a run record is a file a generated script wrote; links "
				       "are not followed");
		free(q);
		return ret;
	}
	if ((ret = fs_read_file(data, path, RUN_RECORD_MAX_BYTES)) < 0)
		return ret;
	return run_record_parse(rec, path, data->data ? data->data : "", data->len, id);
}

/* The walk that finds the local version with the run's content. */
struct link {
	struct store *store;
	const char *id;
	const char *fingerprint;
	int version;
	char commit[GIT_OID_HEXSZ + 1];
};

static int same_content(struct link *l, const struct version_info *info, bool *same)
{
	char fp[FINGERPRINT_SIZE];
	int ret;

	*same = false;
	if (info->fingerprint) {
		*same = !strcmp(info->fingerprint, l->fingerprint);
		return 0;
	}
	if ((ret = store_fingerprint(l->store, l->id, info->version, fp)) < 0)
		return ret;
	*same = !strcmp(fp, l->fingerprint);
	return 0;
}

static int link_each(const struct version_info *info, void *payload)
{
	struct link *l = payload;
	bool same;
	int ret = same_content(l, info, &same);

	if (ret < 0)
		return ret;
	if (!same)
		return 0;
	l->version = info->version;
	memcpy(l->commit, info->commit, sizeof(l->commit));
	return 1;
}

/* The local version that ran `rec` (see runs_record()), into `l`. */
static int link_version(struct link *l, const struct run_record *rec)
{
	struct version_info info = { 0 };
	bool same = false;
	int ret;

	if (!rec->fingerprint[0] || !store_has_pipeline(l->store, rec->pipeline_id))
		return 0;
	if (rec->version) {
		ret = store_read_version(l->store, l->id, rec->version, false, &info);
		if (ret == 0 && (ret = same_content(l, &info, &same)) == 0 && same) {
			l->version = info.version;
			memcpy(l->commit, info.commit, sizeof(l->commit));
		}
		version_info_release(&info);
		if (ret == DFC_ENOTFOUND) {
			dfc_error_clear();
			ret = 0;
		}
		if (ret < 0 || same)
			return ret;
	}
	ret = store_for_each_version(l->store, l->id, link_each, l);
	return ret < 0 ? ret : 0;
}

int runs_link_by_fingerprint(struct store *store, const char *id, const char *fingerprint,
			     int *version, char commit[GIT_OID_HEXSZ + 1])
{
	struct link l = { store, id, fingerprint, 0, "" };
	int ret = 0;

	if (fingerprint[0] && store_has_pipeline(store, id))
		ret = store_for_each_version(store, id, link_each, &l);
	*version = l.version;
	memcpy(commit, l.commit, sizeof(l.commit));
	return ret < 0 ? ret : 0;
}

static char *build_message(const struct run_record *rec, const struct link *l)
{
	struct buf msg = BUF_INIT;

	buf_addf(&msg, "run %s\n\n" TRAILER_RUN ": %s\n", rec->id, rec->id);
	if (l->version)
		buf_addf(&msg, TRAILER_VERSION ": %s\n", l->commit);
	buf_addf(&msg, TRAILER_RUN_STATUS ": %s\n", rec->status);
	return buf_detach(&msg, NULL);
}

/* What one attempt at recording needs. */
struct attempt {
	struct store *store;
	const char *ref;
	const char *entry;
	git_oid blob;
	const char *message;
	/* The record's bytes. */
	const char *data;
	size_t len;
};

/*
 * Whether the recorded `entry` is the run recorded before it ended: its
 * bytes a strict beginning of the record's (appended to since).
 */
static bool grows(const struct attempt *a, const git_tree_entry *entry)
{
	git_blob *blob = NULL;
	size_t n;
	bool ret;

	if (git_blob_lookup(&blob, a->store->repo, git_tree_entry_id(entry)) < 0) {
		git_error_clear();
		return false;
	}
	n = (size_t)git_blob_rawsize(blob);
	ret = n < a->len && !memcmp(git_blob_rawcontent(blob), a->data, n);
	git_blob_free(blob);
	return ret;
}

/*
 * One attempt at moving the ref to a commit that adds the run, or the
 * lines appended to it since it was recorded: 0 (done or already there:
 * `res` says which), 1 when the ref moved under us, or a negative code.
 */
static int try_record(const struct attempt *a, struct run_recorded *res, git_oid *out)
{
	const git_tree_entry *had;
	git_signature *author = NULL, *committer = NULL;
	git_commit *parent = NULL;
	git_tree *tree = NULL, *new_tree = NULL;
	git_treebuilder *tb = NULL;
	git_reference *ref = NULL;
	git_oid tip, tree_oid;
	int ret = 0, err;

	res->recorded = res->grown = false;
	err = git_reference_name_to_id(&tip, a->store->repo, a->ref);
	if (err == 0) {
		if (git_commit_lookup(&parent, a->store->repo, &tip) < 0 ||
		    git_commit_tree(&tree, parent) < 0)
			goto git_fail;
		if ((had = git_tree_entry_byname(tree, a->entry)) && !grows(a, had)) {
			git_oid_cpy(out, &tip);
			goto out;
		}
		res->grown = had != NULL;
	} else if (err != GIT_ENOTFOUND) {
		goto git_fail;
	}
	git_error_clear();
	if ((ret = identity_signatures(&author, &committer, a->store->repo, a->store->user_name,
				       a->store->user_email)) < 0)
		goto out;
	if (git_treebuilder_new(&tb, a->store->repo, tree) < 0 ||
	    git_treebuilder_insert(NULL, tb, a->entry, &a->blob, GIT_FILEMODE_BLOB) < 0 ||
	    git_treebuilder_write(&tree_oid, tb) < 0 ||
	    git_tree_lookup(&new_tree, a->store->repo, &tree_oid) < 0 ||
	    git_commit_create(out, a->store->repo, NULL, author, committer, NULL, a->message,
			      new_tree, parent ? 1 : 0, (const git_commit **)&parent) < 0)
		goto git_fail;
	store_remove_stale_ref_lock(a->store, a->ref);
	if (parent)
		err = git_reference_create_matching(&ref, a->store->repo, a->ref, out, 1, &tip,
						    NULL);
	else
		err = git_reference_create(&ref, a->store->repo, a->ref, out, 0, NULL);
	if (err == GIT_EMODIFIED || err == GIT_EEXISTS || err == GIT_ELOCKED) {
		git_error_clear();
		ret = 1;
	} else if (err < 0) {
		goto git_fail;
	} else {
		res->recorded = true;
	}
	goto out;
git_fail:
	ret = dfc_git_error(DFC_EINTERNAL, "cannot record the run");
out:
	git_reference_free(ref);
	git_treebuilder_free(tb);
	git_tree_free(new_tree);
	git_tree_free(tree);
	git_commit_free(parent);
	git_signature_free(author);
	git_signature_free(committer);
	return ret;
}

int runs_check_recordable(const struct run_record *rec, const char *name)
{
	char *q;
	int ret;

	if (rec->pipeline_id)
		return pipeline_id_check(rec->pipeline_id);
	q = quoted(name);
	ret = dfc_hint(dfc_error(DFC_ENOTFOUND,
				 "'%s' is a run of a pipeline without an id: it cannot be recorded",
				 q),
		       "record the pipeline first ('data-factory-cli create FILE'), then run the "
		       "script generated from it");
	free(q);
	return ret;
}

int runs_record(struct store *store, const struct run_record *rec, const char *data, size_t len,
		const char *name, struct run_recorded *out)
{
	struct link l = { store, rec->pipeline_id, rec->fingerprint, 0, "" };
	struct attempt a = { store, NULL, NULL, { { 0 } }, NULL, data, len };
	char *ref = NULL, *entry = NULL, *message = NULL;
	git_oid commit;
	int fd = -1, ret;

	memset(out, 0, sizeof(*out));
	if ((ret = runs_check_recordable(rec, name)) < 0)
		return ret;
	ref = refs_runs(rec->pipeline_id);
	entry = xasprintf("%s.json", rec->id);
	if ((ret = link_version(&l, rec)) < 0)
		goto out;
	message = build_message(rec, &l);
	a.ref = ref;
	a.entry = entry;
	a.message = message;
	if (git_blob_create_from_buffer(&a.blob, store->repo, data, len) < 0) {
		ret = dfc_git_error(DFC_EINTERNAL, "cannot record the run");
		goto out;
	}
	if ((ret = store_lock_pipeline(store, rec->pipeline_id, &fd)) < 0)
		goto out;
	for (int attempt = 0;; attempt++) {
		if ((ret = try_record(&a, out, &commit)) <= 0)
			break;
		if (attempt + 1 >= MAX_CAS_ATTEMPTS) {
			ret = dfc_hint(dfc_error(DFC_ECONFLICT,
						 "another writer kept moving the runs of '%s'",
						 rec->pipeline_id),
				       "try again");
			goto out;
		}
	}
	if (ret < 0)
		goto out;
	out->version = l.version;
	git_oid_tostr(out->commit, sizeof(out->commit), &commit);
out:
	store_unlock_pipeline(fd);
	free(ref);
	free(entry);
	free(message);
	return ret;
}
