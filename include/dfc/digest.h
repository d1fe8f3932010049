/**
 * digest.h - SHA-256 of buffers and files (OpenSSL libcrypto), as
 * lowercase hex.
 */
#ifndef DFC_DIGEST_H
#define DFC_DIGEST_H

#include <stddef.h>

#define SHA256_HEX_SIZE 65

/** SHA-256 of `len` bytes of `data` into `out` (64 hex digits + NUL). */
void sha256_buffer(char out[SHA256_HEX_SIZE], const void *data, size_t len);

/**
 * SHA-256 and size of the file at `path`, read in chunks. Returns 0,
 * DFC_ENOTFOUND when it does not exist, or DFC_EUSAGE when unreadable.
 */
int sha256_file(char out[SHA256_HEX_SIZE], unsigned long long *size,
		const char *path);

#endif
