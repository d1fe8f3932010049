/* catalog_remote.c - one fetch or push to the catalog: transport, credentials, errors. */
#include "catalog_internal.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/refs.h"
#include "dfc/strvec.h"
#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool is_http(const char *url)
{
	return !strncasecmp(url, "http://", 7) || !strncasecmp(url, "https://", 8);
}

/*
 * Turn a libgit2 transport error into ours: the catalog as shown (without
 * credentials), then the transport's cause (catalog_cause.c). The token is
 * never part of the message.
 */
static int transport_error(struct catalog *cat, int err)
{
	const git_error *e = git_error_last();
	const char *msg = e && e->message ? e->message : "unknown error";
	struct catalog_cause cause;
	int code = DFC_ENETWORK, ret;

	if (err == GIT_EAUTH && !is_http(cat->url))
		return dfc_hint(dfc_error(DFC_ESECURITY, "the catalog at %s refused the ssh key",
					  cat->shown_url),
				"load a key into ssh-agent or put it in ~/.ssh/id_ed25519, id_ecdsa "
				"or id_rsa, and its public part in the server's authorized_keys");
	if (err == GIT_EAUTH || strstr(msg, "status code: 401") || strstr(msg, "status code: 403")) {
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
	catalog_cause_of(&cause, err, e ? e->klass : 0, msg,
			 cat->local_path ? cat->local_path : cat->url, cat->token);
	/* An untrusted certificate or host key: not a network failure (SPEC §4). */
	if (cause.kind == CATALOG_CAUSE_CERTIFICATE || cause.kind == CATALOG_CAUSE_HOST_KEY)
		code = DFC_ESECURITY;
	if (cause.kind == CATALOG_CAUSE_HOST_KEY)
		ret = dfc_error(code, "the catalog at %s has an unknown or changed host key",
				cat->shown_url);
	else
		ret = dfc_error(code, "cannot reach the catalog at %s: %s", cat->shown_url,
				cause.text);
	dfc_hint(ret, "%s", catalog_cause_hint(cause.kind));
	catalog_cause_release(&cause);
	git_error_clear();
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
	free_secret(h->line);
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

/*
 * The transport's part of connect, fetch or push options: the headers of
 * `cat` (made into `headers`, which the caller gives back with
 * headers_release()), redirects, ssh keys.
 */
static void transport_options(git_remote_callbacks *callbacks, git_strarray *custom_headers,
			      git_remote_redirect_t *follow_redirects, struct headers *headers,
			      const struct catalog *cat, struct transport_state *state)
{
	headers_init(headers, cat);
	*custom_headers = headers->array;
	*follow_redirects = headers->follow_redirects;
	callbacks->credentials = ssh_credentials;
	callbacks->payload = state;
}

static int open_remote(git_remote **out, struct catalog *cat, git_repository *repo)
{
	const char *url = cat->local_path ? cat->local_path : cat->url;
	git_remote_create_options opts;

	/*
	 * The catalog URL is used as given: url.<base>.insteadOf rewriting is
	 * skipped (libgit2 1.5 also leaks its pcre2 match data there).
	 */
	git_remote_create_options_init(&opts, GIT_REMOTE_CREATE_OPTIONS_VERSION);
	opts.repository = repo;
	opts.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
	if (git_remote_create_with_opts(out, url, &opts) < 0)
		return dfc_git_error(DFC_EUSAGE, "bad catalog URL");
	return 0;
}

/* Connect `remote` to a network catalog in `direction`, listing its refs. */
static int connect_remote(struct catalog *cat, git_remote *remote, git_direction direction)
{
	git_remote_connect_options opts;
	struct transport_state state = { 0, NULL };
	struct headers headers;
	int err;

	git_remote_connect_options_init(&opts, GIT_REMOTE_CONNECT_OPTIONS_VERSION);
	transport_options(&opts.callbacks, &opts.custom_headers, &opts.follow_redirects, &headers,
			  cat, &state);
	err = git_remote_connect_ext(remote, direction, &opts);
	headers_release(&headers);
	return err < 0 ? transport_error(cat, err) : 0;
}

/*
 * Connect to a network catalog for a fetch, listing its refs, and keep the
 * connection in `cat->remote` for the fetch that follows.
 */
static int connect_once(struct catalog *cat)
{
	git_remote *remote = NULL;
	int ret;

	if (cat->remote)
		return 0;
	if ((ret = open_remote(&remote, cat, cat->store->repo)) < 0)
		return ret;
	if ((ret = connect_remote(cat, remote, GIT_DIRECTION_FETCH)) < 0) {
		git_remote_free(remote);
		return ret;
	}
	cat->remote = remote;
	return 0;
}

int catalog_remote_missing(struct catalog *cat, bool *missing)
{
	char *head;

	*missing = false;
	if (!cat->local_path)
		return connect_once(cat);
	head = fs_path_join(cat->local_path, "HEAD");
	*missing = !fs_exists(head);
	free(head);
	if (*missing && !cat->is_default)
		return catalog_local_error(cat);
	return 0;
}

/* The `vN` tags of `id` the catalog advertised in its last connection, sorted. */
static void advertised_tags(git_remote *remote, const char *id, struct strvec *out)
{
	char *prefix = refs_tag_prefix(id);
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
		strvec_push(out, name + len);
	}
	strvec_sort(out);
	free(prefix);
}

int catalog_remote_fetch(struct catalog *cat, char **refspecs, size_t nr)
{
	git_fetch_options opts;
	struct headers headers;
	/* The connection made by catalog_remote_missing(), if any. */
	git_remote *remote = cat->remote;
	git_strarray specs = { refspecs, nr };
	struct transport_state state = { 0, NULL };
	int ret = 0, err;

	if (cat->local_path)
		return catalog_local_fetch(cat, refspecs, nr);
	cat->remote = NULL;
	if (!remote && (ret = open_remote(&remote, cat, cat->store->repo)) < 0)
		goto out;
	git_fetch_options_init(&opts, GIT_FETCH_OPTIONS_VERSION);
	opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	opts.prune = GIT_FETCH_NO_PRUNE;
	opts.update_fetchhead = 0;
	transport_options(&opts.callbacks, &opts.custom_headers, &opts.follow_redirects, &headers,
			  cat, &state);
	err = git_remote_fetch(remote, &specs, &opts, NULL);
	if (err < 0)
		ret = transport_error(cat, err);
	headers_release(&headers);
out:
	git_remote_free(remote);
	return ret;
}

/* The connection and repository of a push: the one kept by the last push, else new ones. */
static int push_connection(git_remote **remote, git_repository **repo, struct catalog *cat)
{
	int ret;

	if (cat->push_remote) {
		*remote = cat->push_remote;
		*repo = cat->push_repo;
		cat->push_remote = NULL;
		cat->push_repo = NULL;
		cat->push_listed = false;
		return 0;
	}
	if (catalog_push_repository(repo, cat->store->repo) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot prepare the push");
	if ((ret = open_remote(remote, cat, *repo)) < 0) {
		git_repository_free(*repo);
		*repo = NULL;
	}
	return ret;
}

/*
 * A push connection to a network catalog whose ref list is current, kept
 * in `cat->push_remote`: the one kept already if no push used it since it
 * listed the refs, else one made (or remade) now.
 */
static int push_connect(struct catalog *cat)
{
	git_remote *remote = NULL;
	git_repository *repo = NULL;
	int ret;

	if (cat->push_remote && cat->push_listed)
		return 0;
	if ((ret = push_connection(&remote, &repo, cat)) < 0)
		return ret;
	if (git_remote_connected(remote))
		git_remote_disconnect(remote);
	if ((ret = connect_remote(cat, remote, GIT_DIRECTION_PUSH)) < 0) {
		git_remote_free(remote);
		git_repository_free(repo);
		return ret;
	}
	cat->push_remote = remote;
	cat->push_repo = repo;
	cat->push_listed = true;
	return 0;
}

int catalog_remote_missing_for_push(struct catalog *cat, bool *missing)
{
	if (cat->local_path)
		return catalog_remote_missing(cat, missing);
	*missing = false;
	return push_connect(cat);
}

int catalog_remote_list_for_push(struct catalog *cat, const char *id, git_oid *tip, bool *found,
				 struct strvec *tags)
{
	const git_remote_head **heads = NULL;
	char *branch = refs_branch(id);
	size_t nr = 0;
	int ret;

	*found = false;
	if ((ret = push_connect(cat)) < 0)
		goto out;
	if (git_remote_ls(&heads, &nr, cat->push_remote) < 0) {
		git_error_clear();
		nr = 0;
	}
	for (size_t i = 0; i < nr && !*found; i++) {
		if (!strcmp(heads[i]->name, branch)) {
			git_oid_cpy(tip, &heads[i]->oid);
			*found = true;
		}
	}
	advertised_tags(cat->push_remote, id, tags);
out:
	free(branch);
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

int catalog_remote_push(struct catalog *cat, const char *id, const struct catalog_push_ref *refs,
			size_t nr, enum catalog_push_then then)
{
	struct transport_state st = { 0, NULL };
	git_reference **locals;
	char **specs;
	git_strarray array = { NULL, nr };
	git_remote *remote = NULL;
	git_repository *push_repo = NULL;
	git_push_options opts;
	struct headers headers;
	int ret = 0, err;

	if (cat->local_path)
		return catalog_local_push(cat, refs, nr);
	locals = xcalloc(nr, sizeof(*locals));
	specs = xcalloc(nr, sizeof(*specs));
	array.strings = specs;
	for (size_t i = 0; i < nr; i++) {
		char *src = refs_share(id, i);

		specs[i] = xasprintf("%s:%s", src, refs[i].dst);
		err = git_reference_create(&locals[i], cat->store->repo, src, refs[i].commit, 1,
					   NULL);
		free(src);
		if (err < 0) {
			ret = dfc_git_error(DFC_EINTERNAL, "cannot prepare the push");
			goto out;
		}
	}
	if ((ret = push_connection(&remote, &push_repo, cat)) < 0)
		goto out;
	git_push_options_init(&opts, GIT_PUSH_OPTIONS_VERSION);
	transport_options(&opts.callbacks, &opts.custom_headers, &opts.follow_redirects, &headers,
			  cat, &st);
	opts.callbacks.push_update_reference = note_status;
	err = git_remote_upload(remote, &array, &opts);
	headers_release(&headers);
	if (err == GIT_ENONFASTFORWARD || (err == 0 && st.rejected)) {
		git_error_clear();
		ret = 1;
	} else if (err < 0) {
		ret = transport_error(cat, err);
	}
	/*
	 * Smart HTTP is stateless: the next push can reuse this connection and
	 * its advertisement (of 6 MB at 60,000 refs), which is current but for
	 * what this push changed. An ssh connection ends with its push.
	 */
	if (ret == 0 && then == CATALOG_PUSH_MORE && is_http(cat->url)) {
		cat->push_remote = remote;
		cat->push_repo = push_repo;
		remote = NULL;
		push_repo = NULL;
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
	if (remote)
		git_remote_disconnect(remote);
	git_remote_free(remote);
	git_repository_free(push_repo);
	free(st.rejected);
	return ret;
}
