/* test_progress.c - the download progress bar the commands draw on stderr. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cmd/progress.h"

#include "dfc/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOTAL ((1ULL << 20) + 123)

/* Feed `bar` the reports of one download of TOTAL bytes in `steps` pieces. */
static char *draw(unsigned long long total, int steps, size_t *len)
{
	struct progress_bar bar;
	char *text = NULL;
	FILE *out = open_memstream(&text, len);

	assert_non_null(out);
	progress_bar_init(&bar, out);
	for (int i = 1; i <= steps; i++) {
		struct download_progress p = { TOTAL * (unsigned long long)i / (unsigned long long)steps,
					       total, false };

		/* libcurl looks more often than bytes come: the same numbers again */
		progress_bar_update(&p, &bar);
		progress_bar_update(&p, &bar);
	}
	{
		struct download_progress end = { 0, 0, true };

		progress_bar_update(&end, &bar);
	}
	fclose(out);
	return text;
}

/* `text` (of `len` bytes) is one line, redrawn with '\r' and ended once. */
static void assert_one_line(const char *text, size_t len)
{
	assert_true(len > 0);
	assert_ptr_equal(strchr(text, '\n'), text + len - 1);
}

static void test_bar_reaches_the_end_on_one_line(void **state)
{
	size_t len;
	char *text = draw(TOTAL, 50, &len);

	(void)state;
	assert_one_line(text, len);
	assert_int_equal(strlen(text), len);
	assert_non_null(strchr(text, '\r'));
	assert_non_null(strstr(text, "100% [##############################]"));
	assert_non_null(strstr(text, "MiB"));
	free(text);
}

static void test_unknown_size_shows_bytes_alone(void **state)
{
	size_t len;
	char *text = draw(0, 3, &len);

	(void)state;
	assert_one_line(text, len);
	assert_null(strchr(text, '%'));
	/* drawn once: the next reports came within a tenth of a second */
	assert_non_null(strstr(text, "\r  341.4 KiB"));
	free(text);
}

static void test_nothing_reported_draws_nothing(void **state)
{
	size_t len;
	char *text = draw(TOTAL, 0, &len);

	(void)state;
	assert_int_equal(len, 0);
	free(text);
}

/* Off a terminal (stderr is a file here) no bar is attached. */
static void test_not_attached_off_a_terminal(void **state)
{
	struct download_options opts = { 0 };

	(void)state;
	progress_attach(&opts, false);
	assert_null(opts.progress);
	progress_attach(&opts, true);
	assert_null(opts.progress);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bar_reaches_the_end_on_one_line),
		cmocka_unit_test(test_unknown_size_shows_bytes_alone),
		cmocka_unit_test(test_nothing_reported_draws_nothing),
		cmocka_unit_test(test_not_attached_off_a_terminal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
