/* test_catalog_cause.c - the one-line cause of a catalog failure, and of a local path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "temp_dir.h"
#include "test_libgit2.h"
#include "test_accepts.h"

#include "core/catalog_internal.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* One libgit2 failure and the cause it must read as. */
struct cause_case {
	int err, klass;
	const char *message, *url;
	enum catalog_cause_kind kind;
	const char *text;
};

static const struct cause_case cases[] = {
	{ -1, GIT_ERROR_NET,
	  "failed to resolve address for nosuch.invalid: Name or service not known",
	  "https://nosuch.invalid/team/catalog.git", CATALOG_CAUSE_RESOLVE,
	  "cannot resolve host 'nosuch.invalid'" },
	{ -1, GIT_ERROR_NET,
	  "failed to resolve address for nosuch.invalid: Name or service not known",
	  "git@nosuch.invalid:team/catalog.git", CATALOG_CAUSE_RESOLVE,
	  "cannot resolve host 'nosuch.invalid'" },
	{ -1, GIT_ERROR_NET, "failed to resolve address for h.invalid: Name or service not known",
	  "ssh://ada:pw@h.invalid:2222/srv/c.git", CATALOG_CAUSE_RESOLVE,
	  "cannot resolve host 'h.invalid'" },
	{ -1, GIT_ERROR_OS, "failed to connect to 127.0.0.1: Connection refused",
	  "http://127.0.0.1:8080/c.git", CATALOG_CAUSE_CONNECT,
	  "connection refused by 127.0.0.1 port 8080" },
	{ -1, GIT_ERROR_OS, "failed to connect to example.org: Connection refused",
	  "https://example.org/c.git", CATALOG_CAUSE_CONNECT,
	  "connection refused by example.org port 443" },
	{ -1, GIT_ERROR_OS, "failed to connect to example.org: Connection refused",
	  "git@example.org:c.git", CATALOG_CAUSE_CONNECT,
	  "connection refused by example.org port 22" },
	{ -1, GIT_ERROR_OS, "failed to connect to ::1: Connection refused",
	  "http://[::1]:8080/c.git", CATALOG_CAUSE_CONNECT, "connection refused by ::1 port 8080" },
	{ -1, GIT_ERROR_OS, "failed to connect to 10.0.0.1: Network is unreachable",
	  "ssh://10.0.0.1/c.git", CATALOG_CAUSE_CONNECT,
	  "cannot connect to 10.0.0.1 port 22: network is unreachable" },
	{ GIT_EINVALIDSPEC, GIT_ERROR_NET,
	  "unknown scheme for URL 'ftp://ada:pw@example.org/c.git'",
	  "ftp://ada:pw@example.org/c.git", CATALOG_CAUSE_SCHEME, "unsupported URL scheme 'ftp'" },
	{ -1, GIT_ERROR_NET, "malformed URL 'http://a\x1b[31m/c.git'", "http://a\x1b[31m/c.git",
	  CATALOG_CAUSE_SCHEME, "malformed URL" },
	{ -1, GIT_ERROR_REPOSITORY, "could not find repository from '/srv/notes'", "/srv/notes",
	  CATALOG_CAUSE_NOT_REPO, "not a git repository" },
	{ -1, GIT_ERROR_HTTP, "unexpected http status code: 404", "http://example.org/none.git",
	  CATALOG_CAUSE_NOT_REPO, "not a git repository (HTTP 404)" },
	{ -1, GIT_ERROR_HTTP, "unexpected http status code: 502", "http://example.org/c.git",
	  CATALOG_CAUSE_OTHER, "the server answered HTTP 502" },
	{ GIT_ECERTIFICATE, GIT_ERROR_SSL,
	  "the SSL certificate is invalid: 0x08 - The certificate is not correctly signed by the "
	  "trusted CA\n",
	  "https://localhost:8443/c.git", CATALOG_CAUSE_CERTIFICATE,
	  "certificate problem: the certificate is not correctly signed by the trusted CA" },
	{ GIT_ECERTIFICATE, GIT_ERROR_SSL, "the SSL certificate is invalid",
	  "https://localhost:8443/c.git", CATALOG_CAUSE_CERTIFICATE,
	  "certificate problem: the server's certificate is not trusted" },
	{ -1, GIT_ERROR_SSL, "hostname does not match certificate", "https://127.0.0.1/c.git",
	  CATALOG_CAUSE_CERTIFICATE, "certificate problem: hostname does not match certificate" },
	/* https:// to a server that speaks plain http: no certificate to judge. */
	{ -1, GIT_ERROR_SSL, "SSL - An invalid SSL record was received", "https://127.0.0.1/c.git",
	  CATALOG_CAUSE_TLS, "TLS failed: SSL - An invalid SSL record was received" },
	{ GIT_ECERTIFICATE, GIT_ERROR_SSH, "unknown host key", "ssh://example.org/c.git",
	  CATALOG_CAUSE_HOST_KEY, "unknown or changed host key" },
	{ -1, GIT_ERROR_NET, "early EOF from http://ada:pw@example.org/c.git",
	  "http://ada:pw@example.org/c.git", CATALOG_CAUSE_OTHER,
	  "early EOF from http://example.org/c.git" },
	{ -1, GIT_ERROR_SSH, "", "ssh://example.org/c.git", CATALOG_CAUSE_OTHER, "unknown error" },
};

static void test_causes_of_transport_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct cause_case *c = &cases[i];
		struct catalog_cause cause;

		catalog_cause_of(&cause, c->err, c->klass, c->message, c->url, NULL);
		if (strcmp(cause.text, c->text) || cause.kind != c->kind)
			fail_msg("case %zu: got '%s' (%d), want '%s' (%d)", i, cause.text,
				 (int)cause.kind, c->text, (int)c->kind);
		assert_non_null(catalog_cause_hint(cause.kind));
		catalog_cause_release(&cause);
	}
}

static void test_no_secret_in_a_cause(void **state)
{
	static const char *const messages[] = {
		"unknown scheme for URL 'ftp://ada:s3cret@example.org/c.git'",
		"remote said: ada:s3cret was refused; token tok-123",
		"cannot fetch ada:s3cret@example.org with tok-123",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(messages) / sizeof(messages[0]); i++) {
		struct catalog_cause cause;

		catalog_cause_of(&cause, -1, GIT_ERROR_NET, messages[i],
				 "ftp://ada:s3cret@example.org/c.git", "tok-123");
		assert_null(strstr(cause.text, "s3cret"));
		assert_null(strstr(cause.text, "tok-123"));
		catalog_cause_release(&cause);
	}
}

static void test_ssh_urls(void **state)
{
	static const char *const ssh[] = {
		"ssh://example.org/c.git",    "SSH://example.org/c.git", "git+ssh://example.org/c.git",
		"git@example.org:team/c.git", "example.org:c.git",
	};
	static const char *const other[] = {
		"https://example.org/c.git", "ftp://example.org/c.git", "/srv/git/c.git", "./a:b/c.git",
	};

	(void)state;
	expect_answers(catalog_url_is_ssh, ssh, TEST_COUNT(ssh), true);
	expect_answers(catalog_url_is_ssh, other, TEST_COUNT(other), false);
}

/* A folder `name` under the test's folder, made; the caller frees the path. */
static char *make_dir(const char *name)
{
	char *path = fs_path_join(temp_dir, name);

	assert_int_equal(fs_mkdir_p(path), 0);
	return path;
}

static void init_repo(const char *path, bool bare)
{
	git_repository *repo = NULL;

	assert_int_equal(git_repository_init(&repo, path, bare), 0);
	git_repository_free(repo);
}

static void test_work_tree_of(void **state)
{
	char *proj = make_dir("wt/proj"), *bare = make_dir("wt/bare.git");
	char *plain = make_dir("wt/plain"), *sub, *top;

	(void)state;
	init_repo(proj, false);
	init_repo(bare, true);
	top = catalog_work_tree_of(proj);
	assert_string_equal(top, proj);
	free(top);
	/* A path inside, made or not yet. */
	sub = fs_path_join(proj, "a/b/catalog.git");
	top = catalog_work_tree_of(sub);
	assert_string_equal(top, proj);
	free(top);
	free(sub);
	assert_null(catalog_work_tree_of(bare));
	sub = fs_path_join(bare, "refs");
	assert_null(catalog_work_tree_of(sub));
	free(sub);
	assert_null(catalog_work_tree_of(plain));
	free(plain);
	free(bare);
	free(proj);
}

/* catalog_local_error() of `path`: its message and hints, joined by '\n', new. */
static char *local_error(const char *path)
{
	struct catalog cat = CATALOG_INIT;
	char *text;

	cat.local_path = (char *)path;
	cat.shown_url = (char *)path;
	assert_int_equal(catalog_local_error(&cat), DFC_ENETWORK);
	text = xstrdup(dfc_error_message());
	for (int i = 0; i < dfc_error_hint_count(); i++) {
		char *more = xasprintf("%s\n%s", text, dfc_error_hint(i));

		free(text);
		text = more;
	}
	dfc_error_clear();
	return text;
}

static void assert_contains(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("'%s' lacks '%s'", text, part);
}

static void test_local_paths_that_are_no_repository(void **state)
{
	char *proj = make_dir("local/proj"), *empty = make_dir("local/empty");
	char *notes = make_dir("local/notes"), *missing = fs_path_join(temp_dir, "local/team.git");
	char *file = fs_path_join(notes, "readme.txt"), *inside = fs_path_join(proj, "cat.git");
	char *text, *want;

	(void)state;
	init_repo(proj, false);
	assert_int_equal(fs_write_atomic(file, "hi\n", 3, 0644), 0);

	text = local_error(missing);
	want = xasprintf("%s: no such folder\ncreate it with 'git init --bare %s'", missing,
			 missing);
	assert_contains(text, want);
	free(want);
	free(text);

	text = local_error(empty);
	assert_contains(text, "not a git repository (an empty folder)");
	want = xasprintf("'git init --bare %s'", empty);
	assert_contains(text, want);
	free(want);
	free(text);

	text = local_error(notes);
	assert_contains(text, ": not a git repository\n");
	want = xasprintf("git init --bare %s'", notes);
	assert_null(strstr(text, want));
	free(want);
	free(text);

	text = local_error(file);
	assert_contains(text, ": not a git repository\n");
	free(text);

	/* A work tree and a path inside one: no repository to be made there. */
	text = local_error(proj);
	assert_contains(text, ": it is a git work tree, not a bare repository");
	want = xasprintf("'git init --bare %s-catalog.git' and pass --catalog %s-catalog.git", proj,
			 proj);
	assert_contains(text, want);
	free(want);
	assert_contains(text, "config set catalog.url URL");
	free(text);

	text = local_error(inside);
	want = xasprintf(": it is inside the git work tree %s, not a bare repository", proj);
	assert_contains(text, want);
	free(want);
	want = xasprintf("git init --bare %s/", proj);
	assert_null(strstr(text, want));
	free(want);
	free(text);

	free(inside);
	free(file);
	free(missing);
	free(notes);
	free(empty);
	free(proj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_causes_of_transport_errors),
		cmocka_unit_test(test_no_secret_in_a_cause),
		cmocka_unit_test(test_ssh_urls),
		cmocka_unit_test(test_work_tree_of),
		cmocka_unit_test(test_local_paths_that_are_no_repository),
	};

	return cmocka_run_group_tests(tests, libgit2_start_in_temp_dir, libgit2_stop_in_temp_dir);
}
