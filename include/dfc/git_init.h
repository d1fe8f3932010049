/**
 * git_init.h - libgit2 started without what only a TLS or ssh catalog
 * needs, so that a local command starts in a couple of milliseconds.
 *
 * Debian's libgit2 1.5 is built with mbedTLS and libssh2, and
 * git_libgit2_init() starts both whether or not the process will ever
 * speak TLS or ssh: mbedTLS seeds its entropy (HAVEGE) and parses the whole
 * CA bundle (~140 certificates), libssh2 starts OpenSSL's engines. libgit2
 * has no option to skip either. How they are put off depends on how
 * libgit2 is linked (CMakeLists.txt, DFC_STATIC_DEPS):
 *
 * - statically (git_init_static.c, the default): the linker sends
 *   libgit2's calls that start mbedTLS and libssh2 to the tool
 *   (-Wl,--wrap); mbedTLS is started by the first TLS stream, libssh2 by
 *   its first session, as libssh2 does itself when nobody started it.
 * - as a shared library (git_init.c): during git_libgit2_init() the two
 *   mbedTLS functions that parse certificates are answered by the tool (ELF
 *   interposition: the executable's definition wins) by noting the file or
 *   folder asked for; the first mbedtls_ssl_setup(), which libgit2 calls
 *   when it opens a TLS stream, loads them through
 *   GIT_OPT_SET_SSL_CERT_LOCATIONS before any handshake.
 *
 * Either way a TLS session verifies against exactly the certificates it
 * did before.
 */
#ifndef DFC_GIT_INIT_H
#define DFC_GIT_INIT_H

/**
 * git_libgit2_init() with the default CA certificates left to the first
 * TLS session. Returns what git_libgit2_init() returns (negative on error,
 * with libgit2's error set). Balanced by dfc_git_shutdown().
 */
int dfc_git_init(void);

/**
 * git_libgit2_shutdown(), forgetting the certificates still to load once
 * libgit2 is shut down. Returns what git_libgit2_shutdown() returns.
 */
int dfc_git_shutdown(void);

#endif
