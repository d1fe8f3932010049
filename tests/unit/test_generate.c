/* test_generate.c - the generated script: order, quoting, refusals, scale. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_json.h"
#include "test_libgit2.h"
#include "test_scripts.h"

#include "dfc/error.h"
#include "dfc/generate.h"
#include "dfc/xalloc.h"
#include "temp_dir.h"

#include <git2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* What each test generates from: a pipeline, its scripts, and the script made. */
struct fixture {
	json_t *root;
	struct script_files files;
	struct buf out;
};

static int setup(void **state)
{
	*state = xcalloc(1, sizeof(struct fixture));
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	json_decref(f->root);
	script_files_release(&f->files);
	buf_release(&f->out);
	free(f);
	return 0;
}

/* The input of a test that generates `f->root` with `f->files`. */
static struct generate_input input_of(struct fixture *f)
{
	struct generate_input in = {
		.pipeline = f->root, .scripts = &f->files, .origin = "o", .regenerate = "r"
	};

	return in;
}

/* Generate `root` with `files`; returns the code, the script in `out`. */
static int generate(struct buf *out, const json_t *root, const struct script_files *files)
{
	struct generate_input in = {.pipeline = root,
				    .scripts = files,
				    .origin = "file test.json",
				    .regenerate = "data-factory-cli generate -f test.json"};

	buf_reset(out);
	return generate_script(out, &in);
}

/* Position of `needle` in the script, failing the test when absent. */
static size_t where(const struct buf *out, const char *needle)
{
	const char *hit = strstr(buf_cstr(out), needle);

	if (!hit)
		fail_msg("'%s' is not in the script", needle);
	return (size_t)(hit - out->data);
}

static void test_deterministic(void **state)
{
	struct fixture *f = *state;
	struct buf *a = &f->out, b = BUF_INIT;

	f->root = test_json("{\"name\": \"n\", \"nodes\": ["
			    "{\"id\": \"raw\", \"type\": \"dataset\","
			    " \"path\": \"data/raw.csv\"},"
			    "{\"id\": \"clean\", \"type\": \"script\","
			    " \"path\": \"s/clean.py\"},"
			    "{\"id\": \"out\", \"type\": \"dataset\","
			    " \"path\": \"data/out.csv\"}],"
			    "\"edges\": [{\"from\": \"raw\", \"to\": \"clean\", \"arguments\":"
			    " [\"--input\", {\"ref\": \"raw\"}]},"
			    " {\"from\": \"clean\", \"to\": \"out\", \"arguments\":"
			    " [\"--output\", {\"ref\": \"out\"}, \"--rows\", 1000, 0.5, true]}]}");
	add_script(&f->files, "clean", "clean.py", "print(1)\n");
	assert_int_equal(generate(a, f->root, &f->files), 0);
	assert_int_equal(generate(&b, f->root, &f->files), 0);
	assert_int_equal(a->len, b.len);
	assert_memory_equal(a->data, b.data, a->len);
	assert_int_equal(strncmp(a->data, "#!/usr/bin/env bash\n", 20), 0);
	where(a,
	      "# file test.json.\n# Regenerate it with: data-factory-cli generate -f test.json\n");
	where(a, "\tdfc_step 'clean' '");
	where(a, "\tdfc_reads 'raw'\n\tdfc_writes 'out'\n");
	where(a, "\tdfc_command 'python3' '.dfc/scripts/clean/clean.py' '--input' 'data/raw.csv'"
		 " '--output' 'data/out.csv' '--rows' '1000' '0.5' 'true'\n");
	where(a, "dfc_main() {");
	assert_string_equal(a->data + a->len - 14, "dfc_main \"$@\"\n");
	buf_release(&b);
}

/* The Slurm target: job-name prefix, every-job options, resources in a fixed order. */
static void test_slurm_target(void **state)
{
	struct fixture *f = *state;
	const char *every[] = {"--account=lab", "--qos=low"};
	struct generate_input in;
	enum generate_target target;
	const char *step_b;

	f->root = test_json("{\"name\": \"daily sales/\u00e9\", \"nodes\": ["
			    "{\"id\": \"a\", \"type\": \"script\", \"path\": \"a.sh\","
			    " \"resources\": {\"gpus\": 1, \"partition\": \"gpu\","
			    " \"time\": \"1-00:00\", \"mem\": \"8G\", \"cpus\": 4}},"
			    "{\"id\": \"b\", \"type\": \"script\", \"path\": \"b.sh\","
			    " \"resources\": {\"gpus\": 0}}],"
			    "\"edges\": [{\"from\": \"a\", \"to\": \"b\"}]}");
	in = input_of(f);
	in.target = GENERATE_SLURM;
	in.sbatch_args = every;
	in.nr_sbatch_args = 2;
	add_script(&f->files, "a", "a.sh", "true\n");
	add_script(&f->files, "b", "b.sh", "true\n");
	assert_int_equal(generate_script(&f->out, &in), 0);
	where(&f->out, "\tdfc_slurm 'dfc-daily_sales___' '--account=lab' '--qos=low'\n");
	assert_true(where(&f->out, "\tdfc_step 'a'") <
		    where(&f->out, "\tdfc_resources '--cpus-per-task=4' '--mem=8G' '--time=1-00:00'"
				   " '--partition=gpu' '--gpus=1'\n"));
	/* gpus 0 asks for nothing: no option at all in step b's block. */
	step_b = strstr(buf_cstr(&f->out), "\tdfc_step 'b'");
	assert_non_null(step_b);
	assert_null(strstr(step_b, "\tdfc_resources"));
	where(&f->out, "dfc_submit() {");
	assert_null(strstr(buf_cstr(&f->out), "dfc_run_parallel"));

	/* The bash target ignores resources and has no Slurm part. */
	in.target = GENERATE_BASH;
	buf_reset(&f->out);
	assert_int_equal(generate_script(&f->out, &in), 0);
	assert_null(strstr(buf_cstr(&f->out), "\tdfc_resources"));
	assert_null(strstr(buf_cstr(&f->out), "\tdfc_slurm"));
	assert_null(strstr(buf_cstr(&f->out), "sbatch"));
	where(&f->out, "dfc_run_parallel() {");

	assert_int_equal(generate_target_parse(&target, NULL), 0);
	assert_int_equal(target, GENERATE_BASH);
	assert_int_equal(generate_target_parse(&target, "slurm"), 0);
	assert_int_equal(target, GENERATE_SLURM);
	assert_int_equal(generate_target_parse(&target, "pbs"), DFC_EUSAGE);
	dfc_error_clear();
}

static void test_order_ties_in_file_order(void **state)
{
	struct fixture *f = *state;

	/* C -> A: B and C are ready first; A (earlier in the file) beats D. */
	f->root = test_json("{\"nodes\": ["
			    "{\"id\": \"A\", \"type\": \"script\", \"path\": \"a.sh\"},"
			    "{\"id\": \"B\", \"type\": \"script\", \"path\": \"b.sh\"},"
			    "{\"id\": \"C\", \"type\": \"script\", \"path\": \"c.sh\"},"
			    "{\"id\": \"D\", \"type\": \"script\", \"path\": \"d.sh\"}],"
			    "\"edges\": [{\"from\": \"C\", \"to\": \"A\","
			    " \"arguments\": [\"x\"]}]}");
	add_script(&f->files, "A", "a.sh", "a");
	add_script(&f->files, "B", "b.sh", "b");
	add_script(&f->files, "C", "c.sh", "c");
	add_script(&f->files, "D", "d.sh", "d");
	assert_int_equal(generate(&f->out, f->root, &f->files), 0);
	assert_true(where(&f->out, "dfc_step 'B'") < where(&f->out, "dfc_step 'C'"));
	assert_true(where(&f->out, "dfc_step 'C'") < where(&f->out, "dfc_step 'A'"));
	assert_true(where(&f->out, "dfc_step 'A'") < where(&f->out, "dfc_step 'D'"));
	/* Between two scripts the arguments go to `to`; A follows C. */
	where(&f->out, "\tdfc_step 'A'");
	where(&f->out, "\tdfc_after 'C'\n\tdfc_command 'bash' '.dfc/scripts/A/a.sh' 'x'\n");
	where(&f->out, "\tdfc_command 'bash' '.dfc/scripts/C/c.sh'\n");
	where(&f->out, "# Step 1 of 4: B (b.sh, run with bash)");
}

static const char *const hostile[] = {
	"it's",
	"\"double\"",
	"$(touch /tmp/dfc-unit-x)",
	"`id`",
	"a; b",
	"line\nbreak",
	"-rf",
	"",
	" sp  ace ",
	"\xc3\xbcnic\303\270de", /* octal: a hex escape would swallow "de" */
	"cr\rlf\x1b[0m",
	"'",
	"\\",
};

/* The arguments array of the first edge of `root` (borrowed). */
static json_t *first_edge_arguments(json_t *root)
{
	return json_object_get(json_array_get(json_object_get(root, "edges"), 0), "arguments");
}

static void test_quoting(void **state)
{
	struct fixture *f = *state;
	json_t *args;

	f->root = test_json("{\"nodes\": [{\"id\": \"s\", \"type\": \"script\","
			    " \"path\": \"r.sh\"},"
			    "{\"id\": \"o\", \"type\": \"dataset\", \"path\": \"o.bin\"}],"
			    "\"edges\": [{\"from\": \"s\", \"to\": \"o\", \"arguments\": []}]}");
	args = first_edge_arguments(f->root);
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++)
		json_array_append_new(args, json_string(hostile[i]));
	add_script(&f->files, "s", "r.sh", "x\n");
	assert_int_equal(generate(&f->out, f->root, &f->files), 0);
	where(&f->out, " 'it'\\''s' '\"double\"' '$(touch /tmp/dfc-unit-x)' '`id`' 'a; b'"
		       " 'line\nbreak' '-rf' '' ' sp  ace ' '\xc3\xbcnic\xc3\xb8"
		       "de'"
		       " 'cr'$'\\015''lf'$'\\033''[0m' ''\\''' '\\'\n");
}

/* Run the script with bash in `dir`; its exit status. */
static int run_bash(const char *script, const char *dir)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		execlp("bash", "bash", script, "--workdir", dir, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_quoting_round_trip(void **state)
{
	static const char recorder[] = "out=$1\nshift\nprintf '%s\\0' \"$@\" > \"$out\"";
	struct fixture *f = *state;
	struct buf expected = BUF_INIT, got = BUF_INIT;
	char *dir = temp_dir_new("generate");
	char *script = NULL, *result = NULL;
	json_t *args;
	FILE *file;

	f->root = test_json("{\"nodes\": [{\"id\": \"rec\", \"type\": \"script\","
			    " \"path\": \"rec.sh\"},"
			    "{\"id\": \"o\", \"type\": \"dataset\", \"path\": \"out/args.bin\"}],"
			    "\"edges\": [{\"from\": \"rec\", \"to\": \"o\","
			    " \"arguments\": [{\"ref\": \"o\"}]}]}");
	args = first_edge_arguments(f->root);
	assert_non_null(dir);
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		json_array_append_new(args, json_string(hostile[i]));
		buf_add(&expected, hostile[i], strlen(hostile[i]) + 1);
	}
	json_array_append_new(args, json_integer(-42));
	buf_add(&expected, "-42", 4);
	add_script(&f->files, "rec", "rec.sh", recorder);
	assert_int_equal(generate(&f->out, f->root, &f->files), 0);
	script = xasprintf("%s/gen.sh", dir);
	result = xasprintf("%s/out/args.bin", dir);
	file = fopen(script, "w");
	assert_non_null(file);
	fwrite(f->out.data, 1, f->out.len, file);
	fclose(file);
	assert_int_equal(run_bash(script, dir), 0);
	file = fopen(result, "rb");
	assert_non_null(file);
	for (int c; (c = fgetc(file)) != EOF;)
		buf_addch(&got, (char)c);
	fclose(file);
	assert_int_equal(got.len, expected.len);
	assert_memory_equal(got.data, expected.data, got.len);
	assert_int_equal(access("/tmp/dfc-unit-x", F_OK), -1);
	assert_int_equal(remove_tree(dir), 0);
	free(dir);
	free(script);
	free(result);
	buf_release(&got);
	buf_release(&expected);
}

static int generate_with_output_path(const char *path)
{
	json_t *root =
		test_json("{\"nodes\": [{\"id\": \"s\", \"type\": \"script\", \"path\": \"r.sh\"},"
			  "{\"id\": \"o\", \"type\": \"dataset\", \"path\": \"x\"}],"
			  "\"edges\": [{\"from\": \"s\", \"to\": \"o\"}]}");
	struct script_files files = SCRIPT_FILES_INIT;
	struct buf out = BUF_INIT;
	int ret;

	json_object_set_new(json_array_get(json_object_get(root, "nodes"), 1), "path",
			    json_string(path));
	add_script(&files, "s", "r.sh", "x\n");
	ret = generate(&out, root, &files);
	if (ret < 0)
		assert_int_equal(out.len, 0);
	dfc_error_clear();
	buf_release(&out);
	script_files_release(&files);
	json_decref(root);
	return ret;
}

/* A dataset's path, and what generating a script that writes it returns. */
static const struct {
	const char *path;
	int code;
} output_paths[] = {
	{ "../x", DFC_ESECURITY },
	{ "/etc/passwd", DFC_ESECURITY },
	{ "a/../../b", DFC_ESECURITY },
	{ "a/..", DFC_ESECURITY },
	{ "./.dfc/stamps/s", DFC_ESECURITY },
	{ "a/..b/c..d", 0 },
	{ "./data/x.csv", 0 },
};

static void test_refuses_escaping_paths(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(output_paths) / sizeof(output_paths[0]); i++) {
		int code = generate_with_output_path(output_paths[i].path);

		if (code != output_paths[i].code)
			fail_msg("'%s': %d, not %d", output_paths[i].path, code,
				 output_paths[i].code);
	}
}

static void test_refuses_bad_ids_and_missing_content(void **state)
{
	struct fixture *f = *state;
	json_t *ok = test_json("{\"nodes\": [{\"id\": \"s\", \"type\": \"script\","
			       " \"path\": \"r.sh\"}], \"edges\": []}");

	f->root = test_json("{\"nodes\": [{\"id\": \"../up\", \"type\": \"script\","
			    " \"path\": \"r.sh\"}], \"edges\": []}");
	add_script(&f->files, "../up", "r.sh", "x");
	assert_int_equal(generate(&f->out, f->root, &f->files), DFC_ESECURITY);
	assert_int_equal(generate(&f->out, ok, NULL), DFC_EDEPEND);
	dfc_error_clear();
	json_decref(ok);
}

static void test_embedding(void **state)
{
	struct fixture *f = *state;
	struct embedded_dataset data = {"d", "d.csv", "a\0b", 3};
	struct generate_input in;
	char *id;
	git_oid oid;

	f->root = test_json("{\"nodes\": ["
			    "{\"id\": \"t\", \"type\": \"script\", \"path\": \"t.sh\"},"
			    "{\"id\": \"u\", \"type\": \"script\", \"path\": \"u.sh\"},"
			    "{\"id\": \"bin\", \"type\": \"script\", \"path\": \"tool\"},"
			    "{\"id\": \"d\", \"type\": \"dataset\", \"path\": \"d.csv\"}],"
			    "\"edges\": [{\"from\": \"d\", \"to\": \"t\"}]}");
	in = input_of(f);
	in.datasets = &data;
	in.nr_datasets = 1;
	add_script(&f->files, "t", "t.sh", "no newline");
	add_script(&f->files, "u", "u.sh", "no newline");
	add_script_bytes(&f->files, "bin", "tool",
			 "\x7f"
			 "ELF\0\1",
			 6);
	assert_int_equal(generate_script(&f->out, &in), 0);
	git_odb_hash(&oid, "no newline", 10, GIT_OBJECT_BLOB);
	id = xasprintf("dfc_file_%s() {\n\tcat <<'DFC_%s_EOF'\nno newline\nDFC_%s_EOF\n}\n",
		       git_oid_tostr_s(&oid), git_oid_tostr_s(&oid), git_oid_tostr_s(&oid));
	where(&f->out, id);
	/* The same content is embedded once for both nodes. */
	assert_int_equal(strstr(strstr(f->out.data, id) + 1, id), NULL);
	where(&f->out, "\tdfc_step 't' '");
	where(&f->out, " 10 '.dfc/scripts/t/t.sh' 'bash'\n");
	/* Binary content is base64; a file without extension is executed. */
	where(&f->out, "\tbase64 -d <<'DFC_");
	where(&f->out, "f0VMRgAB\n");
	where(&f->out, "\tdfc_command '.dfc/scripts/bin/tool'\n");
	where(&f->out, "YQBi\n");
	where(&f->out, "\tdfc_dataset 'd' 'd.csv' --embedded '");
	free(id);
}

/* 20,000 scripts and 20,000 datasets in a chain: linear work, one buffer. */
static void test_large_pipeline(void **state)
{
	struct fixture *f = *state;
	json_t *nodes = json_array(), *edges = json_array();
	const size_t n = 40000;
	size_t steps = 0;
	char id[32], prev[32];

	for (size_t i = 0; i < n; i++) {
		bool script = i % 2 == 0;

		snprintf(id, sizeof(id), "%s%zu", script ? "s" : "d", i);
		if (script)
			json_array_append_new(nodes, json_pack("{s:s, s:s, s:s}", "id", id, "type",
							       "script", "path", "step.sh"));
		else
			json_array_append_new(nodes, json_pack("{s:s, s:s, s:s+}", "id", id, "type",
							       "dataset", "path", "data/", id));
		if (i)
			json_array_append_new(edges, json_pack("{s:s, s:s, s:[s, {s:s}]}", "from",
							       prev, "to", id, "arguments", "--io",
							       "ref", script ? prev : id));
		if (script)
			add_script(&f->files, id, "step.sh", "echo step\n");
		memcpy(prev, id, sizeof(id));
	}
	f->root = json_pack("{s:o,s:o}", "nodes", nodes, "edges", edges);
	assert_int_equal(generate(&f->out, f->root, &f->files), 0);
	/* Line by line: strstr() from each hit would rescan the rest under ASan. */
	for (const char *p = f->out.data; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		steps += !strncmp(p, "\tdfc_step ", 10);
	assert_int_equal(steps, n / 2);
	where(&f->out, "# Step 20000 of 20000: s39998");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_deterministic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slurm_target, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order_ties_in_file_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quoting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quoting_round_trip, setup, teardown),
		cmocka_unit_test(test_refuses_escaping_paths),
		cmocka_unit_test_setup_teardown(test_refuses_bad_ids_and_missing_content, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_embedding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_pipeline, setup, teardown),
	};

	return cmocka_run_group_tests(tests, libgit2_start, libgit2_stop);
}
