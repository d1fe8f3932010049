/* fuzz.h - what every libFuzzer target of tests/fuzz shares. */
#ifndef DFC_FUZZ_H
#define DFC_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/** The entry point libFuzzer calls with each input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A property that must hold. A failure aborts, which libFuzzer reports as
 * a crash and saves the input as crash-<sha1>. Unlike assert() it is kept
 * in Release builds.
 */
#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/*
 * True when `s` can be printed on a terminal as it is: no C0 control
 * character (a line break included), no DEL and no C1 control (U+0080 to
 * U+009F, UTF-8 c2 80 to c2 9f). What printable_quote() guarantees.
 */
static inline int fuzz_is_terminal_safe(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++)
		if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0))
			return 0;
	return 1;
}

#endif
