/* catalog.c - fetch from and append to the shared catalog with libgit2. */
#include "dfc/catalog.h"

#include "dfc/canonical.h"
#include "dfc/catalog_form.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/identity.h"
#include "dfc/trailers.h"
#include "dfc/xalloc.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* Rounds lost to other writers before share gives up (exit 8). */
#define MAX_SHARE_ATTEMPTS 8
/* Local ref a new catalog commit is pushed from. */
#define PUSH_SOURCE_PREFIX "refs/dfc/share/"
#define REMOTE_NAME "catalog"
/* This home's locks for catalog work, one per pipeline, in repo.git. */
#define HOME_LOCK_DIR "dfc-locks/catalog"

static bool is_http(const char *url)
{
	return !strncasecmp(url, "http://", 7) || !strncasecmp(url, "https://", 8);
}

/* The path of a catalog on this machine, or NULL for a network URL. */
static char *local_path_of(const char *url)
{
	const char *colon = strchr(url, ':');
	const char *slash = strchr(url, '/');
	char *path = NULL;

	if (!strncmp(url, "file://", 7))
		return xstrdup(url + 7);
	if (strstr(url, "://"))
		return NULL;
	/* scp-like ssh: host:path, the colon before any slash */
	if (colon && (!slash || colon < slash))
		return NULL;
	if (fs_absolute(&path, url) < 0) {
		dfc_error_clear();
		return xstrdup(url);
	}
	return path;
}

int catalog_open(struct catalog *cat, struct store *store, const struct config *cfg)
{
	const char *url = cfg->catalog_url, *token = cfg->token;

	memset(cat, 0, sizeof(*cat));
	cat->store = store;
	if (url && *url) {
		cat->url = xstrdup(url);
	} else {
		cat->url = fs_path_join(store->home, "catalog.git");
		cat->is_default = true;
	}
	cat->local_path = local_path_of(cat->url);
	cat->shown_url = cat->local_path ? xstrdup(cat->local_path) : url_redact(cat->url);
	cat->token = token && *token ? xstrdup(token) : NULL;
	cat->max_dataset_bytes = cfg->max_dataset_bytes;
	cat->cache_dir = fs_path_join(store->home, "cache");
	cat->download.cache_dir = cat->cache_dir;
	return 0;
}

void catalog_release(struct catalog *cat)
{
	free(cat->url);
	free(cat->shown_url);
	if (cat->token)
		memset(cat->token, 0, strlen(cat->token));
	free(cat->token);
	free(cat->local_path);
	free(cat->cache_dir);
	memset(cat, 0, sizeof(*cat));
}

/*
 * Turn a libgit2 transport error into ours. The token is never part of a
 * libgit2 message; the URL is shown without credentials.
 */
static int transport_error(struct catalog *cat, int err)
{
	const git_error *e = git_error_last();
	const char *msg = e && e->message ? e->message : "unknown error";
	int klass = e ? e->klass : 0;
	int ret;

	/* libgit2 checks ssh host keys against ~/.ssh/known_hosts itself. */
	if (err == GIT_ECERTIFICATE)
		return dfc_hint(dfc_error(DFC_ESECURITY,
					  "the catalog at %s has an unknown or changed host key",
					  cat->shown_url),
				"check the key with its owner, then add it to ~/.ssh/known_hosts "
				"(for example by connecting once with ssh)");
	if (err == GIT_EAUTH && !is_http(cat->url))
		return dfc_hint(dfc_error(DFC_ESECURITY, "the catalog at %s refused the ssh key",
					  cat->shown_url),
				"load a key into ssh-agent or put it in ~/.ssh/id_ed25519, id_ecdsa "
				"or id_rsa, and its public part in the server's authorized_keys");
	if (err == GIT_EAUTH || strstr(msg, "401") || strstr(msg, "403")) {
		if (!cat->token)
			return dfc_hint(dfc_error(DFC_ESECURITY,
						  "the catalog at %s needs a token", cat->shown_url),
					"pass --token, set DATA_FACTORY_TOKEN, or put \"token\" in the config file");
		return dfc_hint(dfc_error(DFC_ESECURITY, "the catalog at %s refused the token",
					  cat->shown_url),
				"check the token (--token, DATA_FACTORY_TOKEN or the config's token)");
	}
	if (cat->token && is_http(cat->url) && strstr(msg, "redirect"))
		return dfc_hint(dfc_error(DFC_ENETWORK, "the catalog at %s redirects elsewhere",
					  cat->shown_url),
				"with a token no redirect is followed, so that the token goes to "
				"the URL given only: use the URL the catalog moved to");
	if (klass == GIT_ERROR_NET || klass == GIT_ERROR_HTTP || klass == GIT_ERROR_SSL ||
	    klass == GIT_ERROR_SSH || klass == GIT_ERROR_OS || err == GIT_ENOTFOUND) {
		ret = dfc_error(DFC_ENETWORK, "cannot reach the catalog at %s", cat->shown_url);
		return dfc_hint(ret, "check the URL and the network; 'data-factory-cli list' "
				     "shows the last known state offline");
	}
	ret = dfc_error(DFC_ENETWORK, "catalog %s: %s", cat->shown_url, msg);
	if (strstr(msg, cat->url) && strcmp(cat->url, cat->shown_url))
		ret = dfc_error(DFC_ENETWORK, "catalog %s: transport error", cat->shown_url);
	return ret;
}

struct headers {
	char *line;
	char *items[1];
	git_strarray array;
	/*
	 * libgit2 sends custom headers to wherever a redirect points, so with
	 * a token none is followed: the token goes to the URL given, only.
	 */
	git_remote_redirect_t follow_redirects;
};

/* The Authorization header, over http(s) only (SPEC §5). */
static void headers_init(struct headers *h, const struct catalog *cat)
{
	memset(h, 0, sizeof(*h));
	h->follow_redirects = GIT_REMOTE_REDIRECT_INITIAL;
	if (!cat->token || !is_http(cat->url))
		return;
	h->follow_redirects = GIT_REMOTE_REDIRECT_NONE;
	h->line = xasprintf("Authorization: Bearer %s", cat->token);
	h->items[0] = h->line;
	h->array.strings = h->items;
	h->array.count = 1;
}

static void headers_release(struct headers *h)
{
	if (h->line) {
		memset(h->line, 0, strlen(h->line));
		free(h->line);
	}
}

/* What the transport callbacks learn during one fetch or push. */
struct transport_state {
	/* How many ssh credentials were offered. */
	int ssh_attempt;
	/* The catalog's reason for refusing a ref update (owned), or NULL. */
	char *rejected;
};

/*
 * ssh catalogs authenticate like git: the ssh agent first, then the usual
 * key files. Each is offered once; libgit2 calls again after a refusal.
 */
static int ssh_credentials(git_credential **out, const char *url, const char *user,
			   unsigned int allowed, void *payload)
{
	static const char *const keys[] = { "id_ed25519", "id_ecdsa", "id_rsa" };
	int *attempt = &((struct transport_state *)payload)->ssh_attempt;
	const char *home = getenv("HOME");

	(void)url;
	if (!(allowed & GIT_CREDENTIAL_SSH_KEY) || !user)
		return GIT_PASSTHROUGH;
	if ((*attempt)++ == 0 && getenv("SSH_AUTH_SOCK"))
		return git_credential_ssh_key_from_agent(out, user);
	for (size_t i = 0; home && i < sizeof(keys) / sizeof(keys[0]); i++) {
		char *private = xasprintf("%s/.ssh/%s", home, keys[i]);
		char *public = xasprintf("%s.pub", private);
		int ret = GIT_PASSTHROUGH;

		if ((*attempt) - 1 <= (int)i && fs_exists(private)) {
			(*attempt)++;
			ret = git_credential_ssh_key_new(out, user, fs_exists(public) ? public : NULL,
							 private, NULL);
		}
		free(private);
		free(public);
		if (ret != GIT_PASSTHROUGH)
			return ret;
	}
	return GIT_EAUTH;
}

static int open_remote(git_remote **out, struct catalog *cat)
{
	const char *url = cat->local_path ? cat->local_path : cat->url;
	git_remote_create_options opts;

	/*
	 * The catalog URL is used as given: url.<base>.insteadOf rewriting is
	 * skipped (libgit2 1.5 also leaks its pcre2 match data there).
	 */
	git_remote_create_options_init(&opts, GIT_REMOTE_CREATE_OPTIONS_VERSION);
	opts.repository = cat->store->repo;
	opts.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
	if (git_remote_create_with_opts(out, url, &opts) < 0)
		return dfc_git_error(DFC_EUSAGE, "bad catalog URL");
	return 0;
}

/* A catalog on this machine that does not exist: empty (default) or gone. */
static int missing_local(struct catalog *cat, bool *missing)
{
	char *head;

	*missing = false;
	if (!cat->local_path)
		return 0;
	head = fs_path_join(cat->local_path, "HEAD");
	*missing = !fs_exists(head);
	free(head);
	if (*missing && !cat->is_default)
		return dfc_hint(dfc_error(DFC_ENETWORK, "cannot reach the catalog at %s: no git "
							"repository there",
					  cat->shown_url),
				"create it with 'git init --bare %s', or fix --catalog / "
				"DATA_FACTORY_CATALOG / catalog.url",
				cat->shown_url);
	return 0;
}

/*
 * The tracking refs cache one catalog: when the catalog changes, the old
 * ones are dropped. The URL (without credentials) is kept as
 * remote.catalog.url, so `git fetch catalog` works in repo.git too.
 */
/* True when repo.git's config names `cat` as its catalog already. */
static bool remembered(struct catalog *cat, git_config *cfg)
{
	git_buf known = GIT_BUF_INIT;
	bool same = git_config_get_string_buf(&known, cfg, "remote." REMOTE_NAME ".url") == 0 &&
		    !strcmp(known.ptr, cat->shown_url);

	git_buf_dispose(&known);
	git_error_clear();
	return same;
}

static int remember_catalog(struct catalog *cat)
{
	git_repository *repo = cat->store->repo;
	git_reference_iterator *it = NULL;
	git_config *cfg = NULL;
	git_reference *ref = NULL;
	char *config_lock = NULL;
	int ret = 0, fd = -1;

	if (git_repository_config(&cfg, repo) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read repo.git's config");
	if (remembered(cat, cfg))
		goto out;
	/*
	 * repo.git's config is written only under the home's lock (here and
	 * when the store is created), so a config.lock found under it was
	 * left by a killed process, and would refuse every later change.
	 */
	if ((ret = fs_lock_dir(&fd, cat->store->home)) < 0)
		goto out;
	config_lock = xasprintf("%sconfig.lock", git_repository_path(repo));
	unlink(config_lock);
	if (remembered(cat, cfg))
		goto out;
	if (git_reference_iterator_glob_new(&it, repo, CATALOG_TRACKING_PREFIX "*") == 0) {
		while (git_reference_next(&ref, it) == 0) {
			git_reference_delete(ref);
			git_reference_free(ref);
		}
	}
	if (git_config_set_string(cfg, "remote." REMOTE_NAME ".url", cat->shown_url) < 0 ||
	    git_config_set_string(cfg, "remote." REMOTE_NAME ".fetch",
				  "+refs/heads/pipelines/*:" CATALOG_TRACKING_PREFIX "*") < 0)
		ret = dfc_git_error(DFC_EINTERNAL, "cannot write repo.git's config");
out:
	fs_unlock(fd);
	free(config_lock);
	git_reference_iterator_free(it);
	git_config_free(cfg);
	return ret;
}

/* Remove every `*.lock` file in `dir`, a folder of refs. */
static void remove_lock_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char *path;

		if (len <= 5 || strcmp(de->d_name + len - 5, ".lock"))
			continue;
		path = fs_path_join(dir, de->d_name);
		unlink(path);
		free(path);
	}
	closedir(d);
}

/*
 * Hold this home's lock for catalog work on pipeline `id`. It serialises
 * the shares and fetches of `id` that write its tracking ref and push
 * sources in repo.git; the kernel drops it when its process dies. Under
 * it, a libgit2 `.lock` file of those refs was left by a killed process
 * and would make every later share fail: it is removed.
 */
static int lock_home(struct catalog *cat, const char *id, int *fd)
{
	const char *git_dir = git_repository_path(cat->store->repo);
	char *dir = xasprintf("%s" HOME_LOCK_DIR, git_dir);
	char *lock = xasprintf("%s/%s.lock", dir, id);
	char *tracking = xasprintf("%s" CATALOG_TRACKING_PREFIX "%s.lock", git_dir, id);
	char *sources = xasprintf("%s" PUSH_SOURCE_PREFIX "%s", git_dir, id);
	int ret = fs_mkdir_p(dir);

	if (ret == 0)
		ret = fs_lock(fd, lock);
	if (ret == 0) {
		unlink(tracking);
		remove_lock_files(sources);
	}
	free(sources);
	free(tracking);
	free(lock);
	free(dir);
	return ret;
}

/*
 * The same for the refs of `id` in a catalog on this machine, once its
 * writers' flock is held: a killed push can leave the branch's or a tag's
 * `.lock` file there, which would refuse every later push.
 */
static void remove_stale_catalog_locks(const struct catalog *cat, const char *id)
{
	char *branch = xasprintf("%s/refs/heads/pipelines/%s.lock", cat->local_path, id);
	char *tags = xasprintf("%s/refs/tags/pipelines/%s", cat->local_path, id);

	unlink(branch);
	remove_lock_files(tags);
	free(tags);
	free(branch);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The `vN` tags of `id` the catalog advertised in its last connection, sorted. */
static void advertised_tags(git_remote *remote, const char *id, struct id_list *out)
{
	char *prefix = xasprintf("refs/tags/pipelines/%s/", id);
	const git_remote_head **heads = NULL;
	size_t nr = 0, len = strlen(prefix);

	if (git_remote_ls(&heads, &nr, remote) < 0) {
		git_error_clear();
		nr = 0;
	}
	for (size_t i = 0; i < nr; i++) {
		const char *name = heads[i]->name;

		if (strncmp(name, prefix, len) || strchr(name + len, '^'))
			continue;
		XGROW(out->ids, out->alloc, out->nr + 1);
		out->ids[out->nr++] = xstrdup(name + len);
	}
	if (out->nr)
		qsort(out->ids, out->nr, sizeof(*out->ids), compare_names);
	free(prefix);
}

/*
 * Fetch `id` (all pipelines when NULL) into the tracking refs. With
 * `tags`, also list the catalog's tags of `id` (appended).
 */
static int fetch_tracking(struct catalog *cat, const char *id, struct id_list *tags)
{
	git_fetch_options opts;
	struct headers headers;
	git_remote *remote = NULL;
	char *spec = NULL;
	git_strarray specs;
	bool missing;
	struct transport_state state = { 0, NULL };
	int ret, err;

	if ((ret = missing_local(cat, &missing)) < 0 || missing)
		return ret;
	if ((ret = remember_catalog(cat)) < 0 || (ret = open_remote(&remote, cat)) < 0)
		return ret;
	headers_init(&headers, cat);
	git_fetch_options_init(&opts, GIT_FETCH_OPTIONS_VERSION);
	opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	opts.prune = GIT_FETCH_NO_PRUNE;
	opts.update_fetchhead = 0;
	opts.custom_headers = headers.array;
	opts.follow_redirects = headers.follow_redirects;
	opts.callbacks.credentials = ssh_credentials;
	opts.callbacks.payload = &state;
	spec = id ? xasprintf("+refs/heads/pipelines/%s:" CATALOG_TRACKING_PREFIX "%s", id, id)
		  : xstrdup("+refs/heads/pipelines/*:" CATALOG_TRACKING_PREFIX "*");
	specs.strings = &spec;
	specs.count = 1;
	err = git_remote_fetch(remote, &specs, &opts, NULL);
	if (err < 0)
		ret = transport_error(cat, err);
	else if (tags && id)
		advertised_tags(remote, id, tags);
	headers_release(&headers);
	free(spec);
	git_remote_free(remote);
	return ret;
}

int catalog_fetch(struct catalog *cat, const char *id)
{
	int fd = -1, ret;

	if (id && (ret = lock_home(cat, id, &fd)) < 0)
		return ret;
	ret = fetch_tracking(cat, id, NULL);
	fs_unlock(fd);
	return ret;
}

static char *tracking_ref(const char *id)
{
	return xasprintf(CATALOG_TRACKING_PREFIX "%s", id);
}

/* The tracking tip of `id`: 0, 1 when the catalog has no such pipeline. */
static int tracking_tip(git_commit **out, struct store *store, const char *id)
{
	char *ref = tracking_ref(id);
	git_oid oid;
	int err = git_reference_name_to_id(&oid, store->repo, ref);

	free(ref);
	*out = NULL;
	if (err == GIT_ENOTFOUND) {
		git_error_clear();
		return 1;
	}
	if (err < 0 || git_commit_lookup(out, store->repo, &oid) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read the catalog's last known state");
	return 0;
}

int catalog_latest_version(struct store *store, const char *id, int *version)
{
	git_commit *tip = NULL;
	int ret = tracking_tip(&tip, store, id);

	*version = 0;
	if (ret == 0)
		ret = commit_pipeline_version(tip, version);
	git_commit_free(tip);
	return ret < 0 ? ret : 0;
}

void catalog_version_release(struct catalog_version *v)
{
	free(v->author);
	buf_release(&v->pipeline_json);
	memset(v, 0, sizeof(*v));
}

static int fill_version(struct catalog_version *out, struct store *store,
			const git_commit *commit)
{
	const git_signature *author = git_commit_author(commit);
	git_tree_entry *entry = NULL;
	git_tree *tree = NULL;
	git_blob *blob = NULL;
	json_t *root;
	int ret;

	memset(out, 0, sizeof(*out));
	if ((ret = commit_pipeline_version(commit, &out->version)) < 0)
		return ret;
	out->local_version = commit_trailer_number(commit, TRAILER_LOCAL_VERSION);
	git_oid_tostr(out->commit, sizeof(out->commit), git_commit_id(commit));
	out->time = (long long)author->when.time;
	out->offset = author->when.offset;
	out->author = xstrdup(author->name);
	if (git_commit_tree(&tree, commit) < 0 ||
	    git_tree_entry_bypath(&entry, tree, "pipeline.json") < 0 ||
	    git_blob_lookup(&blob, store->repo, git_tree_entry_id(entry)) < 0) {
		ret = dfc_git_error(DFC_EINTERNAL, "cannot read a catalog version");
		goto out;
	}
	buf_add(&out->pipeline_json, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	/* Recorded when shared; computed for versions shared without it. */
	if (!commit_fingerprint(commit, out->fingerprint)) {
		root = json_loadb(out->pipeline_json.data, out->pipeline_json.len, 0, NULL);
		content_fingerprint(out->fingerprint, root, NULL);
		json_decref(root);
	}
out:
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	return ret;
}

struct version_walk {
	struct store *store;
	int (*fn)(const struct catalog_version *v, void *payload);
	void *payload;
};

static int call_with_version(git_commit *commit, int version, void *payload)
{
	struct version_walk *w = payload;
	struct catalog_version v;
	int ret;

	(void)version;
	if ((ret = fill_version(&v, w->store, commit)) < 0)
		return ret;
	ret = w->fn(&v, w->payload);
	catalog_version_release(&v);
	return ret;
}

int catalog_for_each_version(struct store *store, const char *id,
			     int (*fn)(const struct catalog_version *v, void *payload),
			     void *payload)
{
	struct version_walk w = { store, fn, payload };
	git_commit *tip = NULL;
	int ret = tracking_tip(&tip, store, id);

	if (ret)
		return ret < 0 ? ret : 0;
	ret = history_walk(tip, call_with_version, &w);
	git_commit_free(tip);
	return ret;
}

struct version_pick {
	int want;
	struct catalog_version *out;
	bool found;
};

static int pick_version(const struct catalog_version *v, void *payload)
{
	struct version_pick *p = payload;

	if (p->want && v->version != p->want)
		return v->version < p->want;
	*p->out = *v;
	buf_init(&p->out->pipeline_json);
	buf_add(&p->out->pipeline_json, v->pipeline_json.data, v->pipeline_json.len);
	p->out->author = xstrdup(v->author);
	p->found = true;
	return 1;
}

int catalog_read_version(struct store *store, const char *id, int version,
			 struct catalog_version *out)
{
	struct version_pick pick = { version, out, false };
	int ret;

	memset(out, 0, sizeof(*out));
	ret = catalog_for_each_version(store, id, pick_version, &pick);
	if (ret < 0)
		return ret;
	if (!pick.found && version)
		return dfc_hint(dfc_error(DFC_ENOTFOUND, "the catalog has no version %d of '%s'",
					  version, id),
				"see its versions with 'data-factory-cli log -i %s'", id);
	if (!pick.found)
		return dfc_hint(dfc_error(DFC_ENOTFOUND, "the catalog has no pipeline '%s'", id),
				"share it first with 'data-factory-cli share -i %s'", id);
	return 0;
}

struct commit_pick {
	int want;
	git_commit *found;
};

static int pick_commit(git_commit *commit, int version, void *payload)
{
	struct commit_pick *p = payload;

	if (p->want && version != p->want)
		return version < p->want;
	if (git_commit_dup(&p->found, commit) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read a catalog version");
	return 1;
}

int catalog_read_file(struct store *store, const char *id, int version, const char *path,
		      struct buf *out)
{
	struct commit_pick pick = { version, NULL };
	git_tree_entry *entry = NULL;
	git_commit *tip = NULL;
	git_tree *tree = NULL;
	git_blob *blob = NULL;
	int ret = tracking_tip(&tip, store, id);

	if (ret == 0 && (ret = history_walk(tip, pick_commit, &pick)) > 0)
		ret = 0;
	if (ret < 0)
		goto out;
	if (!pick.found) {
		ret = dfc_error(DFC_ENOTFOUND, "the catalog has no version %d of '%s'", version, id);
		goto out;
	}
	if (git_commit_tree(&tree, pick.found) < 0 ||
	    git_tree_entry_bypath(&entry, tree, path) < 0 ||
	    git_blob_lookup(&blob, store->repo, git_tree_entry_id(entry)) < 0) {
		git_error_clear();
		ret = dfc_error(DFC_ENOTFOUND, "catalog version of '%s' has no '%s'", id, path);
		goto out;
	}
	buf_add(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
out:
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(pick.found);
	git_commit_free(tip);
	return ret;
}

/* Append file `name` at the root of `commit`'s tree to `out`; 1 when absent. */
static int commit_file(struct buf *out, struct store *store, const git_commit *commit,
		       const char *name)
{
	const git_tree_entry *entry;
	git_tree *tree = NULL;
	git_blob *blob = NULL;
	int ret = 0;

	if (git_commit_tree(&tree, commit) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read a version");
	entry = git_tree_entry_byname(tree, name);
	if (!entry)
		ret = 1;
	else if (git_blob_lookup(&blob, store->repo, git_tree_entry_id(entry)) < 0)
		ret = dfc_git_error(DFC_EINTERNAL, "cannot read a version");
	else
		buf_add(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	git_blob_free(blob);
	git_tree_free(tree);
	return ret;
}

/* Append the pipeline.json of a version's `commit` to `out`. */
static int commit_pipeline_json(struct buf *out, struct store *store, const git_commit *commit)
{
	int ret = commit_file(out, store, commit, "pipeline.json");

	if (ret == 1)
		ret = dfc_hint(dfc_error(DFC_EINTERNAL, "commit %.12s has no pipeline.json",
					 git_oid_tostr_s(git_commit_id(commit))),
			       "run 'data-factory-cli fsck'");
	return ret;
}

int catalog_content_fingerprint(char out[41], struct store *store, const git_commit *commit,
				bool local)
{
	struct buf pipeline = BUF_INIT, manifest = BUF_INIT;
	int ret = commit_pipeline_json(&pipeline, store, commit);

	if (ret == 0 && local)
		ret = commit_file(&manifest, store, commit, "scripts.json");
	if (ret >= 0) {
		content_fingerprint_text(out, &pipeline, local ? &manifest : NULL);
		ret = 0;
	}
	buf_release(&pipeline);
	buf_release(&manifest);
	return ret;
}

/*
 * The fingerprint of a local (`local`) or catalog version's commit: its
 * Content-Fingerprint trailer, else computed from its content.
 */
static int commit_content_fingerprint(char out[FINGERPRINT_SIZE], struct store *store,
				      const git_commit *commit, bool local)
{
	if (commit_fingerprint(commit, out))
		return 0;
	return catalog_content_fingerprint(out, store, commit, local);
}

int catalog_sides_open(struct catalog_sides *out, struct store *store, const git_oid *local,
		       const git_oid *catalog)
{
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (local && (git_commit_lookup(&out->local, store->repo, local) < 0 ||
		      (ret = commit_pipeline_version(out->local, &out->local_version)) < 0)) {
		if (!ret)
			ret = dfc_git_error(DFC_EINTERNAL, "cannot read the store");
		goto out;
	}
	if (catalog && (git_commit_lookup(&out->catalog, store->repo, catalog) < 0 ||
			(ret = commit_pipeline_version(out->catalog, &out->catalog_version)) < 0)) {
		if (!ret)
			ret = dfc_git_error(DFC_EINTERNAL,
					    "cannot read the catalog's last known state");
		goto out;
	}
out:
	if (ret < 0)
		catalog_sides_release(out);
	return ret;
}

void catalog_sides_release(struct catalog_sides *sides)
{
	git_commit_free(sides->local);
	git_commit_free(sides->catalog);
	memset(sides, 0, sizeof(*sides));
}

int catalog_sides_pipeline_json(struct store *store, const struct catalog_sides *sides,
				struct buf *out)
{
	const git_commit *commit = sides->local ? sides->local : sides->catalog;

	if (!commit)
		return dfc_error(DFC_ENOTFOUND, "no version to read");
	return commit_pipeline_json(out, store, commit);
}

struct fingerprint_search {
	struct store *store;
	const char *want;
	/* Local versions (fingerprints with their scripts.json) or catalog ones. */
	bool local;
	/* The tip itself was compared already. */
	bool skip_first;
	bool found;
};

static int match_fingerprint(git_commit *commit, int version, void *payload)
{
	struct fingerprint_search *s = payload;
	char have[FINGERPRINT_SIZE];
	int ret;

	(void)version;
	if (s->skip_first) {
		s->skip_first = false;
		return 0;
	}
	if ((ret = commit_content_fingerprint(have, s->store, commit, s->local)) < 0)
		return ret;
	s->found = !strcmp(have, s->want);
	return s->found;
}

int catalog_sides_compare(struct store *store, const struct catalog_sides *sides,
			  const char **state)
{
	char local[FINGERPRINT_SIZE], tip[FINGERPRINT_SIZE];
	struct fingerprint_search search = { store, tip, true, true, false };
	int ret;

	if (!sides->catalog || !sides->local) {
		*state = sides->local ? "local-only" : "catalog-only";
		return sides->local || sides->catalog ? 0 : DFC_ENOTFOUND;
	}
	if ((ret = commit_content_fingerprint(local, store, sides->local, true)) < 0 ||
	    (ret = commit_content_fingerprint(tip, store, sides->catalog, false)) < 0)
		return ret;
	if (!strcmp(local, tip)) {
		*state = "shared";
		return 0;
	}
	/* The tips differ: is one side's latest an older version of the other? */
	if ((ret = history_walk(sides->local, match_fingerprint, &search)) < 0)
		return ret;
	if (search.found) {
		*state = "ahead";
		return 0;
	}
	search = (struct fingerprint_search){ store, local, false, true, false };
	if ((ret = history_walk(sides->catalog, match_fingerprint, &search)) < 0)
		return ret;
	*state = search.found ? "behind" : "diverged";
	return 0;
}

int catalog_compare(struct store *store, const char *id, const char **state)
{
	struct catalog_sides sides;
	char *branch = xasprintf("refs/heads/pipelines/%s", id);
	char *tracking = tracking_ref(id);
	git_oid local, catalog;
	bool has_local, has_catalog;
	int ret;

	has_local = git_reference_name_to_id(&local, store->repo, branch) == 0;
	has_catalog = git_reference_name_to_id(&catalog, store->repo, tracking) == 0;
	git_error_clear();
	free(branch);
	free(tracking);
	if (!has_local && !has_catalog)
		return dfc_hint(dfc_error(DFC_ENOTFOUND, "the catalog has no pipeline '%s'", id),
				"share it first with 'data-factory-cli share -i %s'", id);
	if ((ret = catalog_sides_open(&sides, store, has_local ? &local : NULL,
				      has_catalog ? &catalog : NULL)) < 0)
		return ret;
	ret = catalog_sides_compare(store, &sides, state);
	catalog_sides_release(&sides);
	return ret;
}

/* The default catalog is created on first share, like a bare `git init`. */
static int create_default(struct catalog *cat)
{
	git_repository_init_options init;
	git_repository *repo = NULL;
	int fd = -1, ret;

	if ((ret = fs_lock_dir(&fd, cat->store->home)) < 0)
		return ret;
	git_repository_init_options_init(&init, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	init.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
	if (git_repository_init_ext(&repo, cat->local_path, &init) < 0)
		ret = dfc_git_error(DFC_EUSAGE, "cannot create the default catalog");
	git_repository_free(repo);
	fs_unlock(fd);
	return ret;
}

static int note_status(const char *refname, const char *status, void *data)
{
	struct transport_state *st = data;

	(void)refname;
	if (status && !st->rejected)
		st->rejected = xstrdup(status);
	return 0;
}

/* One ref update of a push: `commit` to `dst` in the catalog. */
struct push_ref {
	const git_oid *commit;
	const char *dst;
};

/*
 * Push `refs` to the catalog in one push, without force. Returns 0, 1 when
 * the catalog refused an update (someone else moved the branch first), or
 * a negative code. Each commit is pushed from a temporary local ref.
 */
static int push_refs(struct catalog *cat, const char *id, const struct push_ref *refs,
		     size_t nr)
{
	struct transport_state st = { 0, NULL };
	git_reference **locals = xcalloc(nr, sizeof(*locals));
	char **specs = xcalloc(nr, sizeof(*specs));
	git_strarray array = { specs, nr };
	git_remote *remote = NULL;
	git_push_options opts;
	struct headers headers;
	int ret = 0, err;

	for (size_t i = 0; i < nr; i++) {
		char *src = xasprintf(PUSH_SOURCE_PREFIX "%s/%zu", id, i);

		specs[i] = xasprintf("%s:%s", src, refs[i].dst);
		err = git_reference_create(&locals[i], cat->store->repo, src, refs[i].commit, 1,
					   NULL);
		free(src);
		if (err < 0) {
			ret = dfc_git_error(DFC_EINTERNAL, "cannot prepare the push");
			goto out;
		}
	}
	if ((ret = open_remote(&remote, cat)) < 0)
		goto out;
	headers_init(&headers, cat);
	git_push_options_init(&opts, GIT_PUSH_OPTIONS_VERSION);
	opts.custom_headers = headers.array;
	opts.follow_redirects = headers.follow_redirects;
	opts.callbacks.push_update_reference = note_status;
	opts.callbacks.credentials = ssh_credentials;
	opts.callbacks.payload = &st;
	err = git_remote_push(remote, &array, &opts);
	headers_release(&headers);
	if (err == GIT_ENONFASTFORWARD || (err == 0 && st.rejected)) {
		git_error_clear();
		ret = 1;
	} else if (err < 0) {
		ret = transport_error(cat, err);
	}
out:
	for (size_t i = 0; i < nr; i++) {
		if (locals[i])
			git_reference_delete(locals[i]);
		git_reference_free(locals[i]);
		free(specs[i]);
	}
	free(locals);
	free(specs);
	git_remote_free(remote);
	free(st.rejected);
	return ret;
}

/* The catalog version a share builds once and commits in each round. */
struct built_version {
	git_oid tree;
	/* Its content fingerprint, recorded as a trailer. */
	char fingerprint[FINGERPRINT_SIZE];
	bool done;
};

static char *share_message(const struct share_request *req, int version,
			   const char *fingerprint)
{
	struct buf msg = BUF_INIT;

	if (req->message && *req->message) {
		size_t len;

		buf_adds(&msg, req->message);
		len = msg.len;
		while (len && (msg.data[len - 1] == '\n' || msg.data[len - 1] == ' '))
			len--;
		buf_truncate(&msg, len);
	} else {
		buf_addf(&msg, "share %s as version %d", req->id, version);
	}
	buf_addf(&msg, "\n\n" TRAILER_ID ": %s\n" TRAILER_VERSION ": %d\n", req->id, version);
	if (req->local_version)
		buf_addf(&msg, TRAILER_LOCAL_VERSION ": %d\n", req->local_version);
	buf_addf(&msg, TRAILER_FINGERPRINT ": %s\n", fingerprint);
	return buf_detach(&msg, NULL);
}

static int make_commit(git_oid *out, struct catalog *cat, const struct share_request *req,
		       const struct built_version *built, git_commit *parent, int version)
{
	git_signature *author = NULL, *committer = NULL;
	const git_commit *parents[1] = { parent };
	char *message = share_message(req, version, built->fingerprint);
	git_tree *tree = NULL;
	int ret;

	if ((ret = identity_signatures(&author, &committer, cat->store->repo,
				       cat->store->user_name, cat->store->user_email)) < 0)
		goto out;
	if (git_tree_lookup(&tree, cat->store->repo, &built->tree) < 0 ||
	    git_commit_create(out, cat->store->repo, NULL, author, committer, NULL, message,
			      tree, parent ? 1 : 0, parents) < 0)
		ret = dfc_git_error(DFC_EINTERNAL, "cannot build the catalog version");
out:
	git_tree_free(tree);
	git_signature_free(author);
	git_signature_free(committer);
	free(message);
	return ret;
}

static int set_tracking(struct catalog *cat, const char *id, const git_oid *commit)
{
	char *ref_name = tracking_ref(id);
	git_reference *ref = NULL;
	int ret = 0;

	if (git_reference_create(&ref, cat->store->repo, ref_name, commit, 1, NULL) < 0)
		ret = dfc_git_error(DFC_EINTERNAL, "cannot record the catalog's state");
	git_reference_free(ref);
	free(ref_name);
	return ret;
}

/* Build the catalog form against the catalog's latest tree. */
static int build_tree(struct built_version *out, struct catalog *cat,
		      const struct share_request *req, git_commit *tip)
{
	struct form_input in = { 0 };
	git_tree *previous = NULL;
	json_t *form = NULL;
	int ret;

	if (tip && git_commit_tree(&previous, tip) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read the catalog's last version");
	in.pipeline = req->pipeline;
	in.base_dir = req->base_dir;
	in.scripts = req->scripts;
	in.max_dataset_bytes = cat->max_dataset_bytes;
	in.download = &cat->download;
	in.previous = previous;
	ret = catalog_form_build(&out->tree, &form, cat->store->repo, &in);
	if (ret == 0) {
		content_fingerprint(out->fingerprint, form, NULL);
		out->done = true;
	}
	json_decref(form);
	git_tree_free(previous);
	return ret;
}

/* Tag pushes still to do: the catalog's versions without their tag. */
struct tag_pushes {
	const struct id_list *have;
	git_oid *commits;
	char **names;
	size_t nr;
	size_t alloc;
	size_t alloc_names;
	const char *id;
};

static void add_tag_push(struct tag_pushes *t, const git_oid *commit, int version)
{
	XGROW(t->commits, t->alloc, t->nr + 1);
	XGROW(t->names, t->alloc_names, t->nr + 1);
	git_oid_cpy(&t->commits[t->nr], commit);
	t->names[t->nr++] = xasprintf("refs/tags/pipelines/%s/v%d", t->id, version);
}

static int note_untagged(git_commit *commit, int version, void *payload)
{
	struct tag_pushes *t = payload;
	char word[16];

	snprintf(word, sizeof(word), "v%d", version);
	if (!id_list_has(t->have, word))
		add_tag_push(t, git_commit_id(commit), version);
	return 0;
}

/*
 * Push the tag of the new version `version` (`commit`, NULL when nothing
 * was appended) and of every version down from `tip` the catalog has no
 * tag for: a share killed between its branch and its tags left them
 * missing. Nothing is pushed when nothing is missing.
 */
static int push_tags(struct catalog *cat, const char *id, git_commit *tip,
		     const struct id_list *have, const git_oid *commit, int version)
{
	struct tag_pushes t = { have, NULL, NULL, 0, 0, 0, id };
	struct push_ref *refs = NULL;
	int ret = 0;

	if (commit)
		add_tag_push(&t, commit, version);
	if (tip && (ret = history_walk(tip, note_untagged, &t)) < 0)
		goto out;
	if (!t.nr)
		goto out;
	refs = xcalloc(t.nr, sizeof(*refs));
	for (size_t i = 0; i < t.nr; i++) {
		refs[i].commit = &t.commits[i];
		refs[i].dst = t.names[i];
	}
	ret = push_refs(cat, id, refs, t.nr);
	if (ret == 1 && commit)
		ret = dfc_error(DFC_ECONFLICT,
				"version %d of '%s' was appended, but the catalog refused its tag",
				version, id);
	else if (ret == 1)
		ret = dfc_error(DFC_ECONFLICT, "the catalog refused the missing tags of '%s'", id);
out:
	for (size_t i = 0; i < t.nr; i++)
		free(t.names[i]);
	free(t.names);
	free(t.commits);
	free(refs);
	return ret;
}

/* One round: fetch, compare, commit on the tip, push. 1: lost the race. */
static int share_round(struct catalog *cat, const struct share_request *req,
		       struct share_result *res, struct built_version *built)
{
	struct id_list tags = ID_LIST_INIT;
	git_commit *tip = NULL;
	git_tree *tip_tree = NULL;
	char *branch = xasprintf("refs/heads/pipelines/%s", req->id);
	git_oid commit;
	int ret, latest = 0;

	if ((ret = fetch_tracking(cat, req->id, &tags)) < 0)
		goto out;
	ret = tracking_tip(&tip, cat->store, req->id);
	if (ret < 0)
		goto out;
	if (tip && ((ret = commit_pipeline_version(tip, &latest)) < 0 ||
		    (ret = git_commit_tree(&tip_tree, tip)) < 0)) {
		if (ret != DFC_EINTERNAL)
			ret = dfc_git_error(DFC_EINTERNAL, "cannot read the catalog's last version");
		goto out;
	}
	if (!built->done && (ret = build_tree(built, cat, req, tip)) < 0)
		goto out;
	if (tip_tree && git_oid_equal(git_tree_id(tip_tree), &built->tree)) {
		res->version = latest;
		res->appended = false;
		ret = push_tags(cat, req->id, tip, &tags, NULL, 0);
		goto out;
	}
	if ((ret = make_commit(&commit, cat, req, built, tip, latest + 1)) < 0)
		goto out;
	{
		struct push_ref branch_ref = { &commit, branch };

		if ((ret = push_refs(cat, req->id, &branch_ref, 1)) != 0)
			goto out;
	}
	/* The branch holds the version now; its tag follows, with any missing. */
	if ((ret = push_tags(cat, req->id, tip, &tags, &commit, latest + 1)) < 0)
		goto out;
	if ((ret = set_tracking(cat, req->id, &commit)) < 0)
		goto out;
	res->version = latest + 1;
	res->appended = true;
out:
	id_list_release(&tags);
	git_tree_free(tip_tree);
	git_commit_free(tip);
	free(branch);
	return ret;
}

int catalog_share(struct catalog *cat, const struct share_request *req,
		  struct share_result *res)
{
	struct built_version built = { .done = false };
	char *lock = NULL;
	bool missing;
	int fd = -1, home_fd = -1, ret;

	memset(res, 0, sizeof(*res));
	if ((ret = missing_local(cat, &missing)) < 0)
		return ret;
	if (missing && (ret = create_default(cat)) < 0)
		return ret;
	if ((ret = lock_home(cat, req->id, &home_fd)) < 0)
		goto out;
	if (cat->local_path) {
		/* libgit2 writes a local catalog directly: serialise its writers. */
		char *dir = fs_path_join(cat->local_path, "dfc-locks");

		lock = xasprintf("%s/%s.lock", dir, req->id);
		ret = fs_mkdir_p(dir);
		free(dir);
		if (ret < 0 || (ret = fs_lock(&fd, lock)) < 0)
			goto out;
		remove_stale_catalog_locks(cat, req->id);
	}
	for (int attempt = 0; attempt < MAX_SHARE_ATTEMPTS; attempt++) {
		ret = share_round(cat, req, res, &built);
		if (ret != 1)
			goto out;
	}
	ret = dfc_hint(dfc_error(DFC_ECONFLICT, "other writers kept sharing '%s' first", req->id),
		       "try again");
out:
	fs_unlock(fd);
	fs_unlock(home_fd);
	free(lock);
	return ret;
}
