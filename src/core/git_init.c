/* git_init.c - libgit2, a shared library, started with its CA certificates
 * loaded on first use (git_init.h). */
#define _GNU_SOURCE /* RTLD_NEXT */
#include "dfc/git_init.h"

#include <dlfcn.h>
#include <git2.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* mbedTLS's types, used through pointers only: its headers are not needed. */
struct mbedtls_x509_crt;
struct mbedtls_ssl_context;
struct mbedtls_ssl_config;

/* What a forwarder returns when mbedTLS is not there (never, in practice:
 * only libgit2's mbedTLS backend calls them): MBEDTLS_ERR_X509_FILE_IO_ERROR
 * and MBEDTLS_ERR_SSL_BAD_INPUT_DATA. */
#define X509_FILE_IO_ERROR (-0x2900)
#define SSL_BAD_INPUT_DATA (-0x7100)

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path);
int mbedtls_x509_crt_parse_path(struct mbedtls_x509_crt *chain, const char *path);
int mbedtls_ssl_setup(struct mbedtls_ssl_context *ssl, const struct mbedtls_ssl_config *conf);

/* True inside dfc_git_init()'s git_libgit2_init(). */
static bool deferring;
/* The default certificates asked for then and not loaded yet (owned). */
static char *pending_file, *pending_dir;

static void drop_pending(void)
{
	free(pending_file);
	free(pending_dir);
	pending_file = pending_dir = NULL;
}

/* Note `path` in `*slot` (replacing what was there); true if noted. */
static bool defer(char **slot, const char *path)
{
	char *copy;

	if (!deferring || !path || !(copy = strdup(path)))
		return false;
	drop_pending();
	*slot = copy;
	return true;
}

/* The next definition of `name` after ours: mbedTLS's. */
static void *next_symbol(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path)
{
	int (*real)(struct mbedtls_x509_crt *, const char *);

	if (defer(&pending_file, path))
		return 0; /* an empty chain until the first TLS session */
	/* Locations set on purpose replace the defaults, as in libgit2. */
	drop_pending();
	*(void **)&real = next_symbol("mbedtls_x509_crt_parse_file");
	return real ? real(chain, path) : X509_FILE_IO_ERROR;
}

int mbedtls_x509_crt_parse_path(struct mbedtls_x509_crt *chain, const char *path)
{
	int (*real)(struct mbedtls_x509_crt *, const char *);

	if (defer(&pending_dir, path))
		return 0;
	drop_pending();
	*(void **)&real = next_symbol("mbedtls_x509_crt_parse_path");
	return real ? real(chain, path) : X509_FILE_IO_ERROR;
}

int mbedtls_ssl_setup(struct mbedtls_ssl_context *ssl, const struct mbedtls_ssl_config *conf)
{
	int (*real)(struct mbedtls_ssl_context *, const struct mbedtls_ssl_config *);
	char *file = pending_file, *dir = pending_dir;

	/*
	 * The first TLS stream: load the defaults into libgit2's
	 * configuration (`conf`) before the session is tied to it. A failure
	 * leaves the chain empty, so verification fails, as it did when the
	 * load failed at start-up.
	 */
	if (file || dir) {
		pending_file = pending_dir = NULL;
		if (git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, dir) < 0)
			git_error_clear();
		free(file);
		free(dir);
	}
	*(void **)&real = next_symbol("mbedtls_ssl_setup");
	return real ? real(ssl, conf) : SSL_BAD_INPUT_DATA;
}

int dfc_git_init(void)
{
	int ret;

	deferring = true;
	ret = git_libgit2_init();
	deferring = false;
	return ret;
}

int dfc_git_shutdown(void)
{
	int ret = git_libgit2_shutdown();

	if (ret == 0)
		drop_pending();
	return ret;
}

