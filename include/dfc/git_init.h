/**
 * git_init.h - libgit2 started without its start-up's largest cost: the
 * CA certificates, loaded when the first TLS session needs them.
 *
 * Debian's libgit2 1.5 is built with mbedTLS, whose initialisation, inside
 * git_libgit2_init(), parses the whole CA bundle (base64, then DER: ~140
 * certificates, three quarters of a local command's instructions) whether
 * or not the process will ever speak TLS, and libgit2 has no option that
 * turns it off. Only HTTPS catalogs need the certificates. So, during
 * git_libgit2_init(), the two mbedTLS functions that parse certificates
 * are answered here (ELF interposition: the executable's definition wins
 * over the shared library's) by noting the file or folder asked for and
 * parsing nothing; the first mbedtls_ssl_setup(), which libgit2 calls when
 * it opens a TLS stream, loads them through
 * GIT_OPT_SET_SSL_CERT_LOCATIONS, libgit2's own way to set them, before any
 * handshake. A TLS session therefore verifies against exactly the
 * certificates it did before. With a libgit2 built on OpenSSL (which loads
 * them lazily itself), or linked statically, none of this is called.
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
