/*
 * fuzz_init_args.c - init_args_parse() on any script text.
 *
 * The first input byte chooses the language (its value modulo 6: `.py`,
 * `.sh`, `.R`, `.js`, `.rb`, `.pl`), the rest is the script. Whatever the
 * text:
 * - at most INIT_ARGS_MAX arguments, each an option or a position, never
 *   both: options first, then positions 1 to INIT_ARGS_MAX_POSITION,
 *   rising, each once;
 * - options start with `-`; options and labels are 1 to 64 bytes of
 *   `[A-Za-z0-9_-]`, so they can go on a command line and into an id;
 * - a default is printable text of 256 bytes at most;
 * - the same text gives the same arguments again.
 */
#include "fuzz.h"

#include "dfc/init_args.h"

#include <string.h>

static int name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return 0;
	return 1;
}

static int same(const struct init_arg *a, const struct init_arg *b)
{
#define SAME_STR(x, y) (!(x) == !(y) && (!(x) || !strcmp((x), (y))))
	return SAME_STR(a->option, b->option) && SAME_STR(a->label, b->label) &&
	       SAME_STR(a->def, b->def) && a->position == b->position && a->dir == b->dir &&
	       a->required == b->required && a->file == b->file && a->not_file == b->not_file;
#undef SAME_STR
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = {"s.py", "s.sh", "s.R", "s.js", "s.rb", "s.pl"};
	struct init_args args = INIT_ARGS_INIT, again = INIT_ARGS_INIT;
	const char *path, *text;
	unsigned last = 0;
	int options = 1;

	if (!size)
		return 0;
	path = paths[data[0] % 6];
	text = (const char *)data + 1;
	init_args_parse(&args, path, text, size - 1);
	FUZZ_CHECK(args.nr <= INIT_ARGS_MAX);
	for (size_t i = 0; i < args.nr; i++) {
		const struct init_arg *a = &args.items[i];

		FUZZ_CHECK(!a->option != !a->position);
		if (a->option) {
			FUZZ_CHECK(options);
			FUZZ_CHECK(a->option[0] == '-' && name_ok(a->option));
		} else {
			options = 0;
			FUZZ_CHECK(a->position > last && a->position <= INIT_ARGS_MAX_POSITION);
			last = a->position;
		}
		FUZZ_CHECK(!a->label || name_ok(a->label));
		if (a->def) {
			FUZZ_CHECK(strlen(a->def) <= 256);
			for (const char *c = a->def; *c; c++)
				FUZZ_CHECK((unsigned char)*c >= 0x20 && *c != 0x7f);
		}
	}
	init_args_parse(&again, path, text, size - 1);
	FUZZ_CHECK(again.nr == args.nr);
	for (size_t i = 0; i < args.nr; i++)
		FUZZ_CHECK(same(&args.items[i], &again.items[i]));
	init_args_release(&args);
	init_args_release(&again);
	return 0;
}
