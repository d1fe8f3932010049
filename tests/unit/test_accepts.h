/*
 * test_accepts.h - a yes-or-no function (is this id safe, is this URL ssh)
 * checked against a list of inputs. Header-only; include it after
 * <cmocka.h>.
 */
#ifndef DFC_TEST_ACCEPTS_H
#define DFC_TEST_ACCEPTS_H

#include <stdbool.h>
#include <stddef.h>

#define TEST_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* `accepts` answers `want` for each of the `n` strings of `inputs`; fails naming one not. */
static inline void expect_answers(bool (*accepts)(const char *), const char *const *inputs,
				  size_t n, bool want)
{
	for (size_t i = 0; i < n; i++)
		if (accepts(inputs[i]) != want)
			fail_msg("'%s' was %s", inputs[i], want ? "refused" : "accepted");
}

#endif
