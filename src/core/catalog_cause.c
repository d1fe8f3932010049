/* catalog_cause.c - why a catalog cannot be used: a transport error or a local path. */
#include "catalog_internal.h"

#include "dfc/buf.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/shell.h"
#include "dfc/xalloc.h"

#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* Whether `url` starts with `prefix`, ignoring case. */
static bool starts_with(const char *url, const char *prefix)
{
	return !strncasecmp(url, prefix, strlen(prefix));
}

/* The length of the scheme of `url` ("https" of "https://..."), 0 when it has none. */
static size_t scheme_length(const char *url)
{
	size_t n = strcspn(url, ":/?#@");

	return n && !strncmp(url + n, "://", 3) ? n : 0;
}

bool catalog_url_is_ssh(const char *url)
{
	const char *colon = strchr(url, ':'), *slash = strchr(url, '/');

	if (scheme_length(url))
		return starts_with(url, "ssh://") || starts_with(url, "ssh+git://") ||
		       starts_with(url, "git+ssh://");
	/* scp-like: [user@]host:path, the colon before any slash */
	return colon && colon != url && (!slash || colon < slash);
}

/* The default port of a URL's transport, or NULL when it has none. */
static const char *default_port(const char *url)
{
	if (catalog_url_is_ssh(url))
		return "22";
	if (starts_with(url, "http://"))
		return "80";
	if (starts_with(url, "https://"))
		return "443";
	if (starts_with(url, "git://"))
		return "9418";
	return NULL;
}

/*
 * The host and port of a network URL, `scheme://[userinfo@]host[:port]/...`
 * or scp-like `[user@]host:path`, as new strings; false for anything else.
 */
static bool host_and_port(const char *url, char **host, char **port)
{
	size_t scheme = scheme_length(url), len;
	const char *auth, *end, *at, *p, *colon = NULL;

	*host = *port = NULL;
	if (!scheme && !catalog_url_is_ssh(url))
		return false;
	auth = scheme ? url + scheme + 3 : url;
	end = auth + (scheme ? strcspn(auth, "/?#") : strcspn(auth, ":"));
	/* The last '@' ends the user info: a password may hold another. */
	at = NULL;
	for (p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	if (at)
		auth = at + 1;
	if (*auth == '[') {
		const char *close = memchr(auth, ']', (size_t)(end - auth));

		if (!close)
			return false;
		*host = xstrndup(auth + 1, (size_t)(close - auth - 1));
		colon = close + 1 < end && close[1] == ':' ? close + 1 : NULL;
	} else {
		if (scheme)
			colon = memchr(auth, ':', (size_t)(end - auth));
		len = (size_t)((colon ? colon : end) - auth);
		*host = xstrndup(auth, len);
	}
	if (colon && colon + 1 < end)
		*port = xstrndup(colon + 1, (size_t)(end - colon - 1));
	else if (default_port(url))
		*port = xstrdup(default_port(url));
	if (!**host) {
		free(*host);
		free(*port);
		*host = *port = NULL;
		return false;
	}
	return true;
}

/* Replace every `what` in `text` by `with`. */
static void replace_all(struct buf *text, const char *what, const char *with)
{
	struct buf out = BUF_INIT;
	const char *p = buf_cstr(text), *hit;
	size_t len = strlen(what);

	if (!len || !strstr(buf_cstr(text), what))
		return;
	while ((hit = strstr(p, what))) {
		buf_add(&out, p, (size_t)(hit - p));
		buf_adds(&out, with);
		p = hit + len;
	}
	buf_adds(&out, p);
	buf_release(text);
	*text = out;
}

/*
 * `message` without the secrets of `url` (its user info) and without
 * `token`: libgit2 repeats the URL it was given in some messages.
 */
static char *scrub(const char *message, const char *url, const char *token)
{
	struct buf text = BUF_INIT;
	char *shown = url_redact(url);
	size_t scheme = scheme_length(url);

	buf_adds(&text, message);
	replace_all(&text, url, shown);
	if (scheme) {
		const char *auth = url + scheme + 3, *end = auth + strcspn(auth, "/?#");
		const char *at = NULL;

		for (const char *p = auth; p < end; p++)
			if (*p == '@')
				at = p;
		if (at) {
			char *info = xstrndup(auth, (size_t)(at + 1 - auth));

			replace_all(&text, info, "");
			info[at - auth] = '\0';
			replace_all(&text, info, "...");
			free(info);
		}
	}
	if (token && *token)
		replace_all(&text, token, "...");
	free(shown);
	return buf_detach(&text, NULL);
}

/* The text after `prefix` in `message` up to ": " or its end, new; NULL when absent. */
static char *after(const char *message, const char *prefix)
{
	const char *p = strstr(message, prefix);

	if (!p)
		return NULL;
	p += strlen(prefix);
	return xstrndup(p, strcspn(p, ":"));
}

/* The reason that ends a "failed to connect to HOST: REASON" message, lower-cased, new. */
static char *connect_reason(const char *message)
{
	const char *p = strstr(message, "failed to connect to ");
	char *reason;

	p = p ? strstr(p, ": ") : NULL;
	reason = xstrdup(p ? p + 2 : "failed");
	if (*reason)
		*reason = (char)tolower((unsigned char)*reason);
	return reason;
}

/* What a TLS library said about a certificate, without libgit2's preamble. */
static char *certificate_detail(const char *message)
{
	const char *p = message, *dash;
	char *detail;

	if (starts_with(p, "the SSL certificate is invalid"))
		p += strlen("the SSL certificate is invalid");
	/* mbedTLS: ": 0x08 - The certificate is not correctly signed..." */
	if ((dash = strstr(p, " - ")) && strstr(p, "0x") && strstr(p, "0x") < dash)
		p = dash + 3;
	while (*p == ':' || *p == ' ')
		p++;
	if (!*p)
		return xstrdup("the server's certificate is not trusted");
	detail = xstrdup(p);
	if (isupper((unsigned char)detail[0]) && !isupper((unsigned char)detail[1]))
		detail[0] = (char)tolower((unsigned char)detail[0]);
	/* mbedTLS ends each verification problem with a newline. */
	for (char *q = detail; *q; q++)
		if (*q == '\n' || *q == '\r')
			*q = q[1] ? ';' : '\0';
	return detail;
}

void catalog_cause_of(struct catalog_cause *out, int err, int klass, const char *message,
		      const char *url, const char *token)
{
	char *host = NULL, *port = NULL, *text = NULL;
	bool network = host_and_port(url, &host, &port);

	memset(out, 0, sizeof(*out));
	if (!message)
		message = "";
	if ((err == GIT_ECERTIFICATE || klass == GIT_ERROR_SSL) && catalog_url_is_ssh(url)) {
		out->kind = CATALOG_CAUSE_HOST_KEY;
		text = xstrdup("unknown or changed host key");
	} else if (err == GIT_ECERTIFICATE || strstr(message, "certificate")) {
		char *detail = certificate_detail(message);

		out->kind = CATALOG_CAUSE_CERTIFICATE;
		text = xasprintf("certificate problem: %s", detail);
		free(detail);
	} else if (klass == GIT_ERROR_SSL) {
		/* No certificate to judge: the server did not speak TLS. */
		out->kind = CATALOG_CAUSE_TLS;
		text = xasprintf("TLS failed: %s", message);
	} else if (strstr(message, "failed to resolve address for ")) {
		out->kind = CATALOG_CAUSE_RESOLVE;
		if (!network)
			host = after(message, "failed to resolve address for ");
		text = xasprintf("cannot resolve host '%s'", host ? host : "?");
	} else if (strstr(message, "failed to connect to ")) {
		char *reason = connect_reason(message);
		char *where = network && port ? xasprintf("%s port %s", host, port)
					      : after(message, "failed to connect to ");

		out->kind = CATALOG_CAUSE_CONNECT;
		if (!strcmp(reason, "connection refused"))
			text = xasprintf("connection refused by %s", where);
		else
			text = xasprintf("cannot connect to %s: %s", where, reason);
		free(where);
		free(reason);
	} else if (strstr(message, "unknown scheme for URL") ||
		   strstr(message, "unsupported URL protocol")) {
		size_t n = scheme_length(url);

		out->kind = CATALOG_CAUSE_SCHEME;
		text = n ? xasprintf("unsupported URL scheme '%.*s'", (int)n, url)
			 : xstrdup("unsupported URL");
	} else if (strstr(message, "malformed URL")) {
		out->kind = CATALOG_CAUSE_SCHEME;
		text = xstrdup("malformed URL");
	} else if (klass == GIT_ERROR_REPOSITORY || strstr(message, "could not find repository")) {
		out->kind = CATALOG_CAUSE_NOT_REPO;
		text = xstrdup("not a git repository");
	} else if (strstr(message, "unexpected http status code: ")) {
		const char *code = strstr(message, "unexpected http status code: ") +
				   strlen("unexpected http status code: ");
		int status = atoi(code);

		out->kind = status == 404 ? CATALOG_CAUSE_NOT_REPO : CATALOG_CAUSE_OTHER;
		text = status == 404 ? xstrdup("not a git repository (HTTP 404)")
				     : xasprintf("the server answered HTTP %d", status);
	} else {
		out->kind = CATALOG_CAUSE_OTHER;
		text = xstrdup(*message ? message : "unknown error");
	}
	out->text = scrub(text, url, token);
	free(text);
	free(host);
	free(port);
}

void catalog_cause_release(struct catalog_cause *cause)
{
	free(cause->text);
	cause->text = NULL;
}

const char *catalog_cause_hint(enum catalog_cause_kind kind)
{
	switch (kind) {
	case CATALOG_CAUSE_RESOLVE:
		return "check the host name in the catalog URL (--catalog, DATA_FACTORY_CATALOG or "
		       "catalog.url) and the network; 'data-factory-cli list' shows the last known "
		       "state offline";
	case CATALOG_CAUSE_CONNECT:
		return "check that the catalog's server runs and listens on that port; "
		       "'data-factory-cli list' shows the last known state offline";
	case CATALOG_CAUSE_SCHEME:
		return "a catalog is a path, a file://, http://, https:// or ssh:// URL, or "
		       "[user@]host:path for ssh";
	case CATALOG_CAUSE_NOT_REPO:
		return "check the repository's path in the catalog URL (--catalog, "
		       "DATA_FACTORY_CATALOG or catalog.url)";
	case CATALOG_CAUSE_CERTIFICATE:
		return "the server's certificate must name its host and be signed by a CA this "
		       "machine trusts: ask the catalog's administrator, or add that CA to "
		       "/usr/local/share/ca-certificates and run update-ca-certificates";
	case CATALOG_CAUSE_TLS:
		return "check that the server speaks https on that port (an http:// server "
		       "answers https:// like this)";
	case CATALOG_CAUSE_HOST_KEY:
		return "check the key with its owner, then add it to ~/.ssh/known_hosts "
		       "(for example by connecting once with ssh)";
	case CATALOG_CAUSE_OTHER:
		break;
	}
	return "check the URL and the network; 'data-factory-cli list' shows the last known "
	       "state offline";
}

/*
 * The top of the git work tree that holds `path` (or would, for a path
 * that does not exist yet), new; NULL when there is none. A bare
 * repository is no work tree.
 */
char *catalog_work_tree_of(const char *path)
{
	char *dir = xstrdup(path), *top = NULL;
	git_repository *repo = NULL;

	while (!fs_exists(dir) && strcmp(dir, "/") && strcmp(dir, ".")) {
		char *parent = fs_dirname(dir);

		free(dir);
		dir = parent;
	}
	if (git_repository_open_ext(&repo, dir, 0, NULL) == 0 && !git_repository_is_bare(repo) &&
	    git_repository_workdir(repo)) {
		size_t len;

		top = xstrdup(git_repository_workdir(repo));
		len = strlen(top);
		if (len > 1 && top[len - 1] == '/')
			top[len - 1] = '\0';
	}
	git_error_clear();
	git_repository_free(repo);
	free(dir);
	return top;
}

/* `git init --bare PATH` as a command line to copy, new. */
static char *init_command(const char *path)
{
	struct buf cmd = BUF_INIT;

	buf_adds(&cmd, "git init --bare ");
	shell_word(&cmd, path);
	return buf_detach(&cmd, NULL);
}

/* A local catalog inside the work tree `top`: said so, with a place outside to make one. */
static int inside_work_tree(const struct catalog *cat, const char *top)
{
	char *parent = fs_dirname(top), *base = strrchr(top, '/');
	char *sibling = xasprintf("%s/%s-catalog.git", strcmp(parent, "/") ? parent : "",
				  base ? base + 1 : top);
	char *outer = catalog_work_tree_of(parent);
	int ret;

	if (!strcmp(cat->local_path, top))
		ret = dfc_error(DFC_ENETWORK,
				"cannot reach the catalog at %s: it is a git work tree, not a bare "
				"repository",
				cat->shown_url);
	else
		ret = dfc_error(
			DFC_ENETWORK,
			"cannot reach the catalog at %s: it is inside the git work tree %s, "
			"not a bare repository",
			cat->shown_url, top);
	if (!outer && !fs_exists(sibling)) {
		char *cmd = init_command(sibling);
		struct buf word = BUF_INIT;

		shell_word(&word, sibling);
		dfc_hint(ret,
			 "a catalog is a bare repository outside any work tree: create one with "
			 "'%s' and pass --catalog %s",
			 cmd, buf_cstr(&word));
		buf_release(&word);
		free(cmd);
	} else {
		dfc_hint(ret, "a catalog is a bare repository outside any work tree: create one "
			      "with 'git init --bare DIR' in a folder outside it, and pass "
			      "--catalog DIR");
	}
	dfc_hint(ret, "or use a shared catalog: 'data-factory-cli config set catalog.url URL'");
	free(outer);
	free(sibling);
	free(parent);
	return ret;
}

/* Whether `path` is a folder with nothing in it. */
static bool empty_folder(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	bool empty = d != NULL;

	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = false;
	if (d)
		closedir(d);
	return empty;
}

int catalog_local_error(const struct catalog *cat)
{
	const char *path = cat->local_path;
	char *top = catalog_work_tree_of(path), *cmd = NULL;
	struct stat st;
	int ret;

	if (top) {
		ret = inside_work_tree(cat, top);
		free(top);
		return ret;
	}
	cmd = init_command(path);
	if (stat(path, &st) < 0) {
		ret = dfc_hint(dfc_error(DFC_ENETWORK,
					 "cannot reach the catalog at %s: no such folder",
					 cat->shown_url),
			       "create it with '%s', or fix --catalog / DATA_FACTORY_CATALOG / "
			       "catalog.url",
			       cmd);
	} else if (empty_folder(path)) {
		ret = dfc_hint(dfc_error(DFC_ENETWORK,
					 "cannot reach the catalog at %s: not a git repository (an "
					 "empty folder)",
					 cat->shown_url),
			       "create it with '%s', or fix --catalog / DATA_FACTORY_CATALOG / "
			       "catalog.url",
			       cmd);
	} else {
		ret = dfc_hint(dfc_error(DFC_ENETWORK,
					 "cannot reach the catalog at %s: not a git repository",
					 cat->shown_url),
			       "point --catalog, DATA_FACTORY_CATALOG or catalog.url at a bare "
			       "repository; 'git init --bare DIR' makes one in a new folder DIR");
	}
	free(cmd);
	return ret;
}
