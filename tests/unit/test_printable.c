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

static void check_quote(const char *in, size_t max, const char *want)
{
	struct buf b = BUF_INIT;

	printable_quote(&b, in, max);
	assert_string_equal(buf_cstr(&b), want);
	buf_release(&b);
}

static void check_lines(const char *in, size_t len, const char *want)
{
	struct buf b = BUF_INIT;

	printable_lines(&b, in, len);
	assert_string_equal(buf_cstr(&b), want);
	buf_release(&b);
}

/* A string literal and its length, NULs inside included. */
#define CHECK_LINES(in, want) check_lines(in, sizeof(in) - 1, want)

static void check_json(const char *in, const char *want)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, in);
	printable_json(&b);
	assert_string_equal(buf_cstr(&b), want);
	assert_int_equal(b.len, strlen(want));
	buf_release(&b);
}

static void test_quote_escapes_c0_esc_bel(void **state)
{
	(void)state;
	check_quote("plain-id_1.x", 80, "plain-id_1.x");
	/* an OSC that would set the window title, then clear the screen */
	check_quote("\x1b]0;owned\x07\x1b[2J", SIZE_MAX, "\\x1b]0;owned\\x07\\x1b[2J");
	check_quote("a\nb\tc\rd", SIZE_MAX, "a\\x0ab\\x09c\\x0dd");
	check_quote("\x01\x1f", SIZE_MAX, "\\x01\\x1f");
}

static void test_quote_escapes_del_and_c1(void **state)
{
	(void)state;
	check_quote("del\x7f", 80, "del\\x7f");
	/* U+009B is a terminal's CSI in some modes; U+0080 and U+009F bound C1 */
	check_quote("c1\xc2\x9b" "31m", 80, "c1\\xc2\\x9b31m");
	check_quote("\xc2\x80\xc2\x9f", 80, "\\xc2\\x80\\xc2\\x9f");
	/* U+00A0 (no-break space) is the first character after C1: kept */
	check_quote("\xc2\xa0", 80, "\xc2\xa0");
}

static void test_quote_escapes_invalid_utf8(void **state)
{
	(void)state;
	check_quote("bad\xff\xc3(", 80, "bad\\xff\\xc3(");
	/* a lone 0x9b byte is an 8-bit CSI, not UTF-8 */
	check_quote("x\x9b" "2J", 80, "x\\x9b2J");
	/* an overlong encoding and a surrogate are not UTF-8 */
	check_quote("\xc0\xaf\xed\xa0\x80", 80, "\\xc0\\xaf\\xed\\xa0\\x80");
	/* a sequence cut short at the end */
	check_quote("ab\xe6\x97", 80, "ab\\xe6\\x97");
}

static void test_quote_keeps_multibyte_utf8(void **state)
{
	(void)state;
	check_quote("caf\xc3\xa9", 80, "caf\xc3\xa9");
	check_quote("\xe6\x97\xa5\xe6\x9c\xac", 80, "\xe6\x97\xa5\xe6\x9c\xac");
	check_quote("\xf0\x9f\x98\x80 ok", 80, "\xf0\x9f\x98\x80 ok");
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

static void test_quote_cuts_long_strings(void **state)
{
	(void)state;
	check_quote("abcdefghij", 4, "abcd...");
	check_quote("abcd", 4, "abcd");
	/* never in the middle of a character */
	check_quote("ab\xc3\xa9zz", 3, "ab...");
	check_quote("", 4, "");
}

static void test_lines_keep_line_breaks_only(void **state)
{
	(void)state;
	CHECK_LINES("one\ntwo\x1b[31m\n", "one\ntwo\\x1b[31m\n");
	CHECK_LINES("tab\there\r\n", "tab\\x09here\\x0d\n");
	/* the length is given: a NUL inside is escaped too */
	CHECK_LINES("a\0b", "a\\x00b");
	CHECK_LINES("\xc2\x9b\xe6\x97\xa5\xff", "\\xc2\\x9b\xe6\x97\xa5\\xff");
}

static void test_json_escapes_del_and_c1(void **state)
{
	(void)state;
	check_json("{\"a\":\"plain\"}", "{\"a\":\"plain\"}");
	check_json("[\"\x7f\",\"x\xc2\x9b" "y\"]", "[\"\\u007f\",\"x\\u009by\"]");
	check_json("\"\xc2\x80\xc2\x9f\xc2\xa0\xc3\xa9\"", "\"\\u0080\\u009f\xc2\xa0\xc3\xa9\"");
	check_json("\"\xf0\x9f\x98\x80\"", "\"\xf0\x9f\x98\x80\"");
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
		cmocka_unit_test(test_quote_escapes_c0_esc_bel),
		cmocka_unit_test(test_quote_escapes_del_and_c1),
		cmocka_unit_test(test_quote_escapes_invalid_utf8),
		cmocka_unit_test(test_quote_keeps_multibyte_utf8),
		cmocka_unit_test(test_quote_is_idempotent),
		cmocka_unit_test(test_quote_cuts_long_strings),
		cmocka_unit_test(test_lines_keep_line_breaks_only),
		cmocka_unit_test(test_json_escapes_del_and_c1),
		cmocka_unit_test(test_json_reads_back_the_same),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
