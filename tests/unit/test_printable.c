/* test_printable.c - text made safe for terminals, in lines and in JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dfc/printable.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/*
 * A text, a size (printable_quote()'s most characters kept, or
 * printable_lines()'s length of the text), and what is written.
 */
struct escape_case {
	const char *in;
	size_t size;
	const char *want;
};

/* `write` writes each of the `nr` cases as it wants. */
static void check_each(void (*write)(struct buf *, const char *, size_t),
		       const struct escape_case *cases, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		struct buf b = BUF_INIT;

		write(&b, cases[i].in, cases[i].size);
		assert_string_equal(buf_cstr(&b), cases[i].want);
		buf_release(&b);
	}
}

static const struct escape_case quotes[] = {
	/* C0 controls, ESC and BEL */
	{ "plain-id_1.x", 80, "plain-id_1.x" },
	/* an OSC that would set the window title, then clear the screen */
	{ "\x1b]0;owned\x07\x1b[2J", SIZE_MAX, "\\x1b]0;owned\\x07\\x1b[2J" },
	{ "a\nb\tc\rd", SIZE_MAX, "a\\x0ab\\x09c\\x0dd" },
	{ "\x01\x1f", SIZE_MAX, "\\x01\\x1f" },
	/* DEL and C1 */
	{ "del\x7f", 80, "del\\x7f" },
	/* U+009B is a terminal's CSI in some modes; U+0080 and U+009F bound C1 */
	{ "c1\xc2\x9b" "31m", 80, "c1\\xc2\\x9b31m" },
	{ "\xc2\x80\xc2\x9f", 80, "\\xc2\\x80\\xc2\\x9f" },
	/* U+00A0 (no-break space) is the first character after C1: kept */
	{ "\xc2\xa0", 80, "\xc2\xa0" },
	/* invalid UTF-8 */
	{ "bad\xff\xc3(", 80, "bad\\xff\\xc3(" },
	/* a lone 0x9b byte is an 8-bit CSI, not UTF-8 */
	{ "x\x9b" "2J", 80, "x\\x9b2J" },
	/* an overlong encoding and a surrogate are not UTF-8 */
	{ "\xc0\xaf\xed\xa0\x80", 80, "\\xc0\\xaf\\xed\\xa0\\x80" },
	/* a sequence cut short at the end */
	{ "ab\xe6\x97", 80, "ab\\xe6\\x97" },
	/* multibyte UTF-8 is kept */
	{ "caf\xc3\xa9", 80, "caf\xc3\xa9" },
	{ "\xe6\x97\xa5\xe6\x9c\xac", 80, "\xe6\x97\xa5\xe6\x9c\xac" },
	{ "\xf0\x9f\x98\x80 ok", 80, "\xf0\x9f\x98\x80 ok" },
	/* long strings are cut, never in the middle of a character */
	{ "abcdefghij", 4, "abcd..." },
	{ "abcd", 4, "abcd" },
	{ "ab\xc3\xa9zz", 3, "ab..." },
	{ "", 4, "" },
};

static void test_quote(void **state)
{
	(void)state;
	check_each(printable_quote, quotes, sizeof(quotes) / sizeof(quotes[0]));
}

static void test_quote_is_idempotent(void **state)
{
	struct buf once = BUF_INIT, twice = BUF_INIT;

	(void)state;
	printable_quote(&once, "a\x1b[31m\xc2\x9b\x7f\xff\\x1b", SIZE_MAX);
	printable_quote(&twice, buf_cstr(&once), SIZE_MAX);
	assert_string_equal(buf_cstr(&once), "a\\x1b[31m\\xc2\\x9b\\x7f\\xff\\x1b");
	assert_string_equal(buf_cstr(&twice), buf_cstr(&once));
	buf_release(&once);
	buf_release(&twice);
}

/* A string literal and its length, NULs inside included. */
#define TEXT(s) s, sizeof(s) - 1

/* The length is given: a NUL inside is escaped too. */
static const struct escape_case lines[] = {
	{ TEXT("one\ntwo\x1b[31m\n"), "one\ntwo\\x1b[31m\n" },
	{ TEXT("tab\there\r\n"), "tab\\x09here\\x0d\n" },
	{ TEXT("a\0b"), "a\\x00b" },
	{ TEXT("\xc2\x9b\xe6\x97\xa5\xff"), "\\xc2\\x9b\xe6\x97\xa5\\xff" },
};

static void test_lines_keep_line_breaks_only(void **state)
{
	(void)state;
	check_each(printable_lines, lines, sizeof(lines) / sizeof(lines[0]));
}

/* JSON text, and how printable_json() leaves it: DEL and C1 controls written \uXXXX. */
static const struct {
	const char *in, *want;
} json_texts[] = {
	{ "{\"a\":\"plain\"}", "{\"a\":\"plain\"}" },
	{ "[\"\x7f\",\"x\xc2\x9b" "y\"]", "[\"\\u007f\",\"x\\u009by\"]" },
	{ "\"\xc2\x80\xc2\x9f\xc2\xa0\xc3\xa9\"", "\"\\u0080\\u009f\xc2\xa0\xc3\xa9\"" },
	{ "\"\xf0\x9f\x98\x80\"", "\"\xf0\x9f\x98\x80\"" },
};

static void test_json_escapes_del_and_c1(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(json_texts) / sizeof(json_texts[0]); i++) {
		struct buf b = BUF_INIT;

		buf_adds(&b, json_texts[i].in);
		printable_json(&b);
		assert_string_equal(buf_cstr(&b), json_texts[i].want);
		assert_int_equal(b.len, strlen(json_texts[i].want));
		buf_release(&b);
	}
}

static void test_json_reads_back_the_same(void **state)
{
	const char *value = "\x1b]0;t\x07 \x7f \xc2\x9b \xc3\xa9";
	json_t *in = json_string(value), *out;
	struct buf b = BUF_INIT;
	char *text = json_dumps(in, JSON_ENCODE_ANY);

	(void)state;
	buf_adds(&b, text);
	printable_json(&b);
	for (size_t i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.data[i];

		assert_true(c >= 0x20 && c != 0x7f);
		assert_false(c == 0xc2 && (unsigned char)b.data[i + 1] < 0xa0);
	}
	out = json_loads(buf_cstr(&b), JSON_DECODE_ANY, NULL);
	assert_non_null(out);
	assert_string_equal(json_string_value(out), value);
	json_decref(in);
	json_decref(out);
	free(text);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_quote_is_idempotent),
		cmocka_unit_test(test_lines_keep_line_breaks_only),
		cmocka_unit_test(test_json_escapes_del_and_c1),
		cmocka_unit_test(test_json_reads_back_the_same),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
