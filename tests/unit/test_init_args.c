/* test_init_args.c - the arguments a script declares, read from its text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dfc/buf.h"
#include "dfc/init_args.h"
#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>

/*
 * The arguments of `text` as a script at `path`, one per line:
 * `--left left in req`, `#1 src in`, with `def=...`, `file`, `nofile`.
 */
static char *parsed(const char *path, const char *text, size_t len)
{
	static const char *const dirs[] = { "?", "in", "out" };
	struct init_args args = INIT_ARGS_INIT;
	struct buf b = BUF_INIT;
	char *s;

	init_args_parse(&args, path, text, len);
	for (size_t i = 0; i < args.nr; i++) {
		const struct init_arg *a = &args.items[i];

		if (a->option)
			buf_adds(&b, a->option);
		else
			buf_addf(&b, "#%u", a->position);
		buf_addf(&b, " %s %s", a->label ? a->label : "-", dirs[a->dir]);
		if (a->required)
			buf_adds(&b, " req");
		if (a->def)
			buf_addf(&b, " def=%s", a->def);
		if (a->file)
			buf_adds(&b, " file");
		if (a->not_file)
			buf_adds(&b, " nofile");
		buf_addch(&b, '\n');
	}
	init_args_release(&args);
	s = buf_detach(&b, NULL);
	return s ? s : xstrdup("");
}

#define assert_args(path, text, expected)                                                          \
	do {                                                                                       \
		char *got_ = parsed(path, text, strlen(text));                                     \
		assert_string_equal(got_, expected);                                               \
		free(got_);                                                                        \
	} while (0)

static void test_argparse_options(void **state)
{
	(void)state;
	assert_args("clean.py",
		    "import argparse\n"
		    "p = argparse.ArgumentParser()\n"
		    "p.add_argument(\"--input\", required=True)\n"
		    "p.add_argument('-l', '--left', required=True, help='left table')\n"
		    "p.add_argument(\"--out-file\", type=argparse.FileType('w'))\n"
		    "p.add_argument(\"--src\", type=argparse.FileType(\"r\"))\n"
		    "p.add_argument(\"--rows\", type=int, default=10)\n"
		    "p.add_argument(\"--verbose\", action=\"store_true\")\n"
		    "p.add_argument(\"--mode\", choices=[\"a\", \"b\"])\n"
		    "p.add_argument(\"--lookup\", default=\"data/lookup.csv\")\n"
		    "p.add_argument(\"--summary\", help=\"where to write the summary\")\n"
		    "p.add_argument(\"-x\", dest=\"source\", type=str)\n"
		    "p.add_argument(\n    \"--model\",\n    type=pathlib.Path,\n)\n"
		    "# p.add_argument(\"--old\")\n",
		    "--input input in req\n"
		    "--left left ? req\n"
		    "--out-file out_file out file\n"
		    "--src src in file\n"
		    "--rows rows ? nofile\n"
		    "--verbose verbose ? nofile\n"
		    "--mode mode ? nofile\n"
		    "--lookup lookup ? def=data/lookup.csv\n"
		    "--summary summary out\n"
		    "-x source in\n"
		    "--model model ?\n");
}

/* An option whose name says nothing is told by what the script does with it. */
static void test_argparse_usage(void **state)
{
	(void)state;
	assert_args("join.py",
		    "p.add_argument('--left')\n"
		    "p.add_argument('--right')\n"
		    "p.add_argument('--summary')\n"
		    "p.add_argument('--tag')\n"
		    "args = p.parse_args()\n"
		    "a = pd.read_csv(args.left)\n"
		    "with open(args.right) as f:\n"
		    "    pass\n"
		    "df.to_csv(args.summary)\n"
		    "print(args.tag, x.left_over)\n"
		    "p.add_argument('table')\np.add_argument('copy')\n"
		    "with open(a.table) as f, open(str(a.copy), 'w') as g:\n",
		    "--left left ? file\n--right right ? file\n--summary summary out\n"
		    "--tag tag ?\n#1 table ? file\n#2 copy out\n");
}

static void test_argparse_positions_after_options(void **state)
{
	(void)state;
	assert_args("copy.py",
		    "parser.add_argument('src')\n"
		    "parser.add_argument('--rows', type=int)\n"
		    "parser.add_argument('dst')\n"
		    "parser.add_argument('count', type=int)\n",
		    "--rows rows ? nofile\n"
		    "#1 src in\n"
		    "#2 dst out\n"
		    "#3 count ? nofile\n");
	/* A name with a space, or a positional with option strings, is no argument. */
	assert_args("odd.py",
		    "p.add_argument('--a b')\np.add_argument('x', '--y')\n"
		    "p.add_argument(*names)\nmy_add_argument('--z')\n"
		    "p.add_argument('--a', 'b')\np.add_argument(x, 'name')\n",
		    "");
}

static void test_sys_argv(void **state)
{
	(void)state;
	assert_args("s.py",
		    "import sys\n"
		    "inp = sys.argv[1]\n"
		    "with open(sys.argv[2], \"w\") as f:\n"
		    "    n = int(sys.argv[3])\n"
		    "print(sys.argv[0], sys.argv[1:])\n"
		    "# sys.argv[4]\n",
		    "#1 inp in\n#2 - out\n#3 n ? nofile\n");
	assert_args("p.py", "from pathlib import Path\nsrc = Path(sys.argv[1])\n", "#1 src in\n");
}

static void test_shell_getopts(void **state)
{
	(void)state;
	assert_args("run.sh",
		    "#!/bin/bash\n"
		    "while getopts \"i:o:v\" opt; do\n"
		    "  case $opt in\n"
		    "    i) in_file=$OPTARG ;;\n"
		    "    o) out_file=\"$OPTARG\" ;;\n"
		    "    v) verbose=1 ;;\n"
		    "  esac\n"
		    "done\n"
		    "shift $((OPTIND - 1))\n"
		    "cat \"$1\" >> \"$out_file\"\n",
		    "-i in_file in\n-o out_file out\n#1 - ?\n");
	/* Two arms for one letter: the first one's variable names it. */
	assert_args("twice.sh",
		    "getopts 'i:' o\ncase $o in\n i) src=$OPTARG ;;\n i) x=$OPTARG ;;\nesac\n",
		    "-i src in\n");
	/* Without arms, the letter is the label. */
	assert_args("g.sh", "getopts ':i:x:' o\n", "-i i in\n-x x ?\n");
}

static void test_shell_case_arms(void **state)
{
	(void)state;
	assert_args("join.sh",
		    "while [ $# -gt 0 ]; do\n"
		    "  case \"$1\" in\n"
		    "    -l|--left) left=\"$2\"; shift 2 ;;\n"
		    "    --right=*) right=\"${1#*=}\"; shift ;;\n"
		    "    -o) out=\"$2\"; shift 2 ;;\n"
		    "    -v|--verbose) verbose=1; shift ;;\n"
		    "    *) break ;;\n"
		    "  esac\n"
		    "done\n"
		    "join \"$left\" \"$right\" > \"$out\"\n",
		    "--left left ? req\n--right right ? req nofile\n-o out out\n");
	/* `-d|--dest=*)`: the plain form is the one an edge can use. */
	assert_args("d.sh", "case $1 in\n  --dest=*|-d) out=\"$2\" ;;\nesac\n", "-d out out\n");
}

static void test_shell_positions(void **state)
{
	(void)state;
	assert_args("p.sh",
		    "src=\"$1\"\n"
		    "sort \"${1}\" | uniq > \"$2\"\n"
		    "echo '$3 is not one' # nor $4\n"
		    "awk '{print $5}' \"$src\"\n"
		    "echo \"\\$6 escaped, ${7:-default}\"\n"
		    "echo $0 $# $@\n",
		    "#1 src in\n#2 - out\n#7 - ?\n");
}

static void test_other_languages(void **state)
{
	(void)state;
	assert_args("a.R",
		    "args <- commandArgs(trailingOnly = TRUE)\n"
		    "input <- args[1]\n"
		    "write.csv(df, args[2])\n"
		    "n <- as.numeric(args[[3]])\n",
		    "#1 input in\n#2 - out\n#3 n ? nofile\n");
	assert_args("b.R", "src <- commandArgs(TRUE)[1]\n", "#1 src in\n");
	assert_args("c.js", "const src = process.argv[2];\nconst dst = process.argv[3];\n",
		    "#1 src in\n#2 dst out\n");
	assert_args("d.rb", "out = ARGV[0]\n", "#1 out out\n");
	assert_args("e.pl", "my $in = $ARGV[0];\nmy $n = $ARGV[1];\n", "#1 in in\n#2 n ?\n");
	/* Other languages, and no extension, declare nothing this reader knows. */
	assert_args("f.txt", "add_argument('--x')\n", "");
	assert_args("noext", "add_argument('--x')\n", "");
}

static void test_hostile(void **state)
{
	static const char *const cut[] = {
		"p.add_argument(\"--x\"",
		"p.add_argument(",
		"p.add_argument(\"--x",
		"p.add_argument('''--x",
		"p.add_argument(\"--x\", default=\"",
		"sys.argv[",
		"sys.argv[1",
		"x = sys.argv[1000]",
		"$",
		"${",
		"${1",
		"${22",
		"x=${12}",
		"getopts",
		"getopts \"",
		"case x in\n  -a)",
		"commandArgs(",
		"commandArgs(TRUE)[",
	};
	struct buf b = BUF_INIT;
	char *text;

	(void)state;
	for (size_t i = 0; i < sizeof(cut) / sizeof(*cut); i++) {
		static const char *const paths[] = { "a.py", "a.sh", "a.R", "a.js", "a.pl" };

		for (size_t p = 0; p < sizeof(paths) / sizeof(*paths); p++) {
			char *got = parsed(paths[p], cut[i], strlen(cut[i]));

			assert_true(strlen(got) < 100);
			free(got);
		}
	}
	/* Bytes after a NUL are read, not cut: the length is what counts. */
	assert_args("n.py", "x\0p.add_argument('--a')", "");
	{
		char *got = parsed("n.py", "x\0p.add_argument('--a')", 24);

		assert_string_equal(got, "--a a ?\n");
		free(got);
	}
	/* At most INIT_ARGS_MAX arguments are kept. */
	for (int i = 0; i < 200; i++)
		buf_addf(&b, "p.add_argument('--a%d')\n", i);
	text = parsed("many.py", b.data, b.len);
	{
		size_t lines = 0;

		for (const char *c = text; *c; c++)
			lines += *c == '\n';
		assert_int_equal(lines, INIT_ARGS_MAX);
	}
	free(text);
	/* A long call is read to its limit and no further. */
	buf_reset(&b);
	buf_adds(&b, "p.add_argument('--a', help='");
	for (int i = 0; i < INIT_ARGS_MAX_CALL; i++)
		buf_addch(&b, 'x');
	buf_adds(&b, "')\n");
	text = parsed("long.py", b.data, b.len);
	assert_string_equal(text, "");
	free(text);
	/* Pseudo-random bytes of every language end, whatever they hold. */
	for (unsigned seed = 1; seed < 300; seed++) {
		static const char alphabet[] = "adgrtu_-=()[]{}'\"$#:|;\n 0123456789*sysargv";
		static const char *const paths[] = { "r.py", "r.sh", "r.R", "r.js", "r.rb" };
		unsigned x = seed;

		buf_reset(&b);
		buf_adds(&b, seed % 2 ? "p.add_argument(" : "getopts ");
		for (int i = 0; i < 400; i++) {
			x = x * 1103515245u + 12345u;
			buf_addch(&b, alphabet[(x >> 16) % (sizeof(alphabet) - 1)]);
		}
		text = parsed(paths[seed % 5], b.data, b.len);
		free(text);
	}
	buf_release(&b);
}

/*
 * One long line of many uses costs what a few lines do: each reader looks
 * at INIT_ARGS_MAX_SEEN places, each within a window (a quadratic reader
 * would take minutes here, and ctest stops it).
 */
static void test_long_lines(void **state)
{
	static const char *const cases[][2] = {
		{ "a.py", "sys.argv[1]" },
		{ "b.py", "f(args.x," },
		{ "c.sh", "\"$1\" " },
		{ "d.sh", "case \"$1\" in " },
		{ "e.R", "commandArgs(TRUE)[1]" },
		{ "f.py", "p.add_argument('--x')" },
	};
	struct buf b = BUF_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *got;

		buf_reset(&b);
		buf_adds(&b, "p.add_argument('--x')\n");
		while (b.len < ((size_t)1 << 18))
			buf_adds(&b, cases[i][1]);
		got = parsed(cases[i][0], b.data, b.len);
		assert_true(strlen(got) < 100);
		free(got);
	}
	buf_release(&b);
}

static void test_label_words(void **state)
{
	(void)state;
	assert_int_equal(init_args_label_dir("input_file"), INIT_ARG_INPUT);
	assert_int_equal(init_args_label_dir("inputFile"), INIT_ARG_INPUT);
	assert_int_equal(init_args_label_dir("in"), INIT_ARG_INPUT);
	assert_int_equal(init_args_label_dir("dst"), INIT_ARG_OUTPUT);
	assert_int_equal(init_args_label_dir("outputs"), INIT_ARG_OUTPUT);
	assert_int_equal(init_args_label_dir("save_to"), INIT_ARG_OUTPUT);
	assert_int_equal(init_args_label_dir("index"), INIT_ARG_UNKNOWN);
	assert_int_equal(init_args_label_dir("in_out"), INIT_ARG_UNKNOWN);
	assert_int_equal(init_args_label_dir(NULL), INIT_ARG_UNKNOWN);
	assert_true(init_args_generic_output("output"));
	assert_true(init_args_generic_output("out_file"));
	assert_true(init_args_generic_output(NULL));
	assert_false(init_args_generic_output("model"));
	assert_false(init_args_generic_output("model_out"));
	assert_false(init_args_generic_output("input"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_argparse_options),
		cmocka_unit_test(test_argparse_usage),
		cmocka_unit_test(test_argparse_positions_after_options),
		cmocka_unit_test(test_sys_argv),
		cmocka_unit_test(test_shell_getopts),
		cmocka_unit_test(test_shell_case_arms),
		cmocka_unit_test(test_shell_positions),
		cmocka_unit_test(test_other_languages),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_label_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
