/* git_init_static.c - libgit2, linked from its archive, started without
 * what only a TLS or ssh catalog needs (git_init.h). */
#include "dfc/git_init.h"

#include <git2.h>
#include <stdbool.h>

/*
 * libgit2 linked from its archive, with the linker sending four of its
 * calls here (-Wl,--wrap=..., CMakeLists.txt): git_libgit2_init() starts
 * no TLS and no ssh; the first TLS stream starts mbedTLS (entropy, random
 * generator, CA certificates), and libssh2 starts itself with its first
 * session (_libssh2_init_if_needed), as it does when nobody called
 * libssh2_init(). libssh2_exit() after no start does nothing.
 */
struct git_stream;

int __real_git_mbedtls_stream_global_init(void);
int __real_git_mbedtls_stream_new(struct git_stream **out, const char *host, const char *port);
int __real_git_mbedtls_stream_wrap(struct git_stream **out, struct git_stream *in,
				   const char *host);
int __real_git_mbedtls__set_cert_location(const char *file, const char *path);
int __wrap_git_mbedtls_stream_global_init(void);
int __wrap_git_mbedtls_stream_new(struct git_stream **out, const char *host, const char *port);
int __wrap_git_mbedtls_stream_wrap(struct git_stream **out, struct git_stream *in,
				   const char *host);
int __wrap_git_mbedtls__set_cert_location(const char *file, const char *path);
int __wrap_libssh2_init(int flags);

/* Whether mbedTLS was started since libgit2's runtime last was. */
static bool tls_started;

/* libgit2's runtime starting (again, after a shutdown freed mbedTLS). */
int __wrap_git_mbedtls_stream_global_init(void)
{
	tls_started = false;
	return 0;
}

static int start_tls(void)
{
	if (!tls_started && __real_git_mbedtls_stream_global_init() < 0)
		return -1; /* libgit2's error is set */
	tls_started = true;
	return 0;
}

int __wrap_git_mbedtls_stream_new(struct git_stream **out, const char *host, const char *port)
{
	return start_tls() < 0 ? -1 : __real_git_mbedtls_stream_new(out, host, port);
}

int __wrap_git_mbedtls_stream_wrap(struct git_stream **out, struct git_stream *in,
				   const char *host)
{
	return start_tls() < 0 ? -1 : __real_git_mbedtls_stream_wrap(out, in, host);
}

int __wrap_git_mbedtls__set_cert_location(const char *file, const char *path)
{
	return start_tls() < 0 ? -1 : __real_git_mbedtls__set_cert_location(file, path);
}

int __wrap_libssh2_init(int flags)
{
	(void)flags;
	return 0;
}

int dfc_git_init(void)
{
	return git_libgit2_init();
}

int dfc_git_shutdown(void)
{
	return git_libgit2_shutdown();
}
