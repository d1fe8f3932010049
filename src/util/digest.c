/* digest.c - SHA-256 of buffers and files through OpenSSL's EVP interface. */
#include "dfc/digest.h"

#include "dfc/error.h"
#include "dfc/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK_SIZE 65536

static void to_hex(char out[SHA256_HEX_SIZE], const unsigned char *md)
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 32; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 0xf];
	}
	out[64] = '\0';
}

/* EVP only fails when out of memory; like xalloc(), give up then. */
static void digest_failed(void)
{
	fprintf(stderr, "data-factory-cli: fatal: SHA-256 failed (out of memory)\n");
	abort();
}

void sha256_buffer(char out[SHA256_HEX_SIZE], const void *data, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];

	if (!EVP_Digest(data, len, md, NULL, EVP_sha256(), NULL))
		digest_failed();
	to_hex(out, md);
}

int sha256_file(char out[SHA256_HEX_SIZE], unsigned long long *size, const char *path)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned long long total = 0;
	EVP_MD_CTX *ctx = NULL;
	unsigned char *chunk = NULL;
	struct stat st;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return dfc_error(DFC_ENOTFOUND, "no such file '%s'", path);
		return dfc_error(DFC_EUSAGE, "cannot open '%s': %s", path, strerror(errno));
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		ret = dfc_error(DFC_EUSAGE, "'%s' is a folder", path);
		goto out;
	}
	ctx = EVP_MD_CTX_new();
	chunk = xmalloc(CHUNK_SIZE);
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		digest_failed();
	for (;;) {
		ssize_t n = read(fd, chunk, CHUNK_SIZE);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = dfc_error(DFC_EUSAGE, "cannot read '%s': %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (!EVP_DigestUpdate(ctx, chunk, (size_t)n))
			digest_failed();
		total += (unsigned long long)n;
	}
	if (!EVP_DigestFinal_ex(ctx, md, NULL))
		digest_failed();
	to_hex(out, md);
	if (size)
		*size = total;
out:
	EVP_MD_CTX_free(ctx);
	free(chunk);
	close(fd);
	return ret;
}
