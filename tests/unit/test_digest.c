/* test_digest.c - SHA-256 of buffers and files against known vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "temp_dir.h"

#include "dfc/digest.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* FIPS 180-2 vectors. */
#define SHA_EMPTY     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SHA_ABC	      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_MILLION_A "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"

static void test_buffer_vectors(void **state)
{
	char hex[SHA256_HEX_SIZE];

	(void)state;
	sha256_buffer(hex, "", 0);
	assert_string_equal(hex, SHA_EMPTY);
	sha256_buffer(hex, "abc", 3);
	assert_string_equal(hex, SHA_ABC);
	/* only `len` bytes count */
	sha256_buffer(hex, "abcdef", 3);
	assert_string_equal(hex, SHA_ABC);
}

static void test_file_vectors(void **state)
{
	char *small = fs_path_join(temp_dir, "abc");
	char *empty = fs_path_join(temp_dir, "empty");
	char *big = fs_path_join(temp_dir, "million");
	char *data = xmalloc(1000000);
	char hex[SHA256_HEX_SIZE];
	unsigned long long size = 42;

	(void)state;
	assert_int_equal(fs_write_atomic(small, "abc", 3, 0644), 0);
	assert_int_equal(sha256_file(hex, &size, small), 0);
	assert_string_equal(hex, SHA_ABC);
	assert_int_equal(size, 3);

	assert_int_equal(fs_write_atomic(empty, "", 0, 0644), 0);
	assert_int_equal(sha256_file(hex, &size, empty), 0);
	assert_string_equal(hex, SHA_EMPTY);
	assert_int_equal(size, 0);

	/* many read chunks */
	memset(data, 'a', 1000000);
	assert_int_equal(fs_write_atomic(big, data, 1000000, 0644), 0);
	assert_int_equal(sha256_file(hex, &size, big), 0);
	assert_string_equal(hex, SHA_MILLION_A);
	assert_int_equal(size, 1000000);
	sha256_buffer(hex, data, 1000000);
	assert_string_equal(hex, SHA_MILLION_A);

	free(data);
	free(small);
	free(empty);
	free(big);
}

/* sha256_file() as a user who may not read `path` (root reads anything). */
static int hash_as_nobody(const char *path)
{
	char hex[SHA256_HEX_SIZE];
	unsigned long long size;
	int status;
	pid_t pid;

	if (geteuid() != 0)
		return sha256_file(hex, &size, path);
	assert_int_equal(chmod(temp_dir, 0755), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(100);
		_exit(-sha256_file(hex, &size, path));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return -WEXITSTATUS(status);
}

static void test_file_errors(void **state)
{
	char *missing = fs_path_join(temp_dir, "missing");
	char *locked = fs_path_join(temp_dir, "locked");
	char hex[SHA256_HEX_SIZE];
	unsigned long long size = 0;

	(void)state;
	dfc_error_clear();
	assert_int_equal(sha256_file(hex, &size, missing), DFC_ENOTFOUND);
	assert_non_null(strstr(dfc_error_message(), missing));
	assert_int_equal(sha256_file(hex, &size, temp_dir), DFC_EUSAGE);
	assert_non_null(strstr(dfc_error_message(), "folder"));
	assert_int_equal(fs_write_atomic(locked, "x", 1, 0000), 0);
	assert_int_equal(hash_as_nobody(locked), DFC_EUSAGE);
	free(missing);
	free(locked);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buffer_vectors),
		cmocka_unit_test(test_file_vectors),
		cmocka_unit_test(test_file_errors),
	};

	return cmocka_run_group_tests(tests, temp_dir_make, temp_dir_remove);
}
