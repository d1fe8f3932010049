/* test_generate.c - the generated script: order, quoting, refusals, scale. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_json.h"

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

static void add_script(struct script_files *files, const char *node_id, const char *name,
		       const char *content, size_t len)
{
	struct script_file *f;

	XGROW(files->items, files->alloc, files->nr + 1);
	f = &files->items[files->nr++];
	f->node_id = xstrdup(node_id);
	f->name = xstrdup(name);
	buf_init(&f->content);
	buf_add(&f->content, content, len);
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
	json_t *root =
		test_json("{\"name\": \"n\", \"nodes\": ["
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
	struct script_files files = SCRIPT_FILES_INIT;
	struct buf a = BUF_INIT, b = BUF_INIT;

	(void)state;
	add_script(&files, "clean", "clean.py", "print(1)\n", 9);
	assert_int_equal(generate(&a, root, &files), 0);
	assert_int_equal(generate(&b, root, &files), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	assert_int_equal(strncmp(a.data, "#!/usr/bin/env bash\n", 20), 0);
	where(&a,
	      "# file test.json.\n# Regenerate it with: data-factory-cli generate -f test.json\n");
	where(&a, "\tdfc_step 'clean' '");
	where(&a, "\tdfc_reads 'raw'\n\tdfc_writes 'out'\n");
	where(&a, "\tdfc_command 'python3' '.dfc/scripts/clean/clean.py' '--input' 'data/raw.csv'"
		  " '--output' 'data/out.csv' '--rows' '1000' '0.5' 'true'\n");
	where(&a, "dfc_main() {");
	assert_string_equal(a.data + a.len - 14, "dfc_main \"$@\"\n");
	buf_release(&a);
	buf_release(&b);
	script_files_release(&files);
	json_decref(root);
}

/* The Slurm target: job-name prefix, every-job options, resources in a fixed order. */
static void test_slurm_target(void **state)
{
	json_t *root = test_json("{\"name\": \"daily sales/\u00e9\", \"nodes\": ["
				 "{\"id\": \"a\", \"type\": \"script\", \"path\": \"a.sh\","
				 " \"resources\": {\"gpus\": 1, \"partition\": \"gpu\","
				 " \"time\": \"1-00:00\", \"mem\": \"8G\", \"cpus\": 4}},"
				 "{\"id\": \"b\", \"type\": \"script\", \"path\": \"b.sh\","
				 " \"resources\": {\"gpus\": 0}}],"
				 "\"edges\": [{\"from\": \"a\", \"to\": \"b\"}]}");
	const char *every[] = {"--account=lab", "--qos=low"};
	struct script_files files = SCRIPT_FILES_INIT;
	struct generate_input in = {.pipeline = root,
				    .scripts = &files,
				    .origin = "o",
				    .regenerate = "r",
				    .target = GENERATE_SLURM,
				    .sbatch_args = every,
				    .nr_sbatch_args = 2};
	struct buf out = BUF_INIT;
	enum generate_target target;
	const char *step_b;

	(void)state;
	add_script(&files, "a", "a.sh", "true\n", 5);
	add_script(&files, "b", "b.sh", "true\n", 5);
	assert_int_equal(generate_script(&out, &in), 0);
	where(&out, "\tdfc_slurm 'dfc-daily_sales___' '--account=lab' '--qos=low'\n");
	assert_true(where(&out, "\tdfc_step 'a'") <
		    where(&out, "\tdfc_resources '--cpus-per-task=4' '--mem=8G' '--time=1-00:00'"
				" '--partition=gpu' '--gpus=1'\n"));
	/* gpus 0 asks for nothing: no option at all in step b's block. */
	step_b = strstr(buf_cstr(&out), "\tdfc_step 'b'");
	assert_non_null(step_b);
	assert_null(strstr(step_b, "\tdfc_resources"));
	where(&out, "dfc_submit() {");
	assert_null(strstr(buf_cstr(&out), "dfc_run_parallel"));

	/* The bash target ignores resources and has no Slurm part. */
	in.target = GENERATE_BASH;
	buf_reset(&out);
	assert_int_equal(generate_script(&out, &in), 0);
	assert_null(strstr(buf_cstr(&out), "\tdfc_resources"));
	assert_null(strstr(buf_cstr(&out), "\tdfc_slurm"));
	assert_null(strstr(buf_cstr(&out), "sbatch"));
	where(&out, "dfc_run_parallel() {");

	assert_int_equal(generate_target_parse(&target, NULL), 0);
	assert_int_equal(target, GENERATE_BASH);
	assert_int_equal(generate_target_parse(&target, "slurm"), 0);
	assert_int_equal(target, GENERATE_SLURM);
	assert_int_equal(generate_target_parse(&target, "pbs"), DFC_EUSAGE);
	dfc_error_clear();
	buf_release(&out);
	script_files_release(&files);
	json_decref(root);
}

static void test_order_ties_in_file_order(void **state)
{
	/* C -> A: B and C are ready first; A (earlier in the file) beats D. */
	json_t *root =
		test_json("{\"nodes\": ["
			  "{\"id\": \"A\", \"type\": \"script\", \"path\": \"a.sh\"},"
			  "{\"id\": \"B\", \"type\": \"script\", \"path\": \"b.sh\"},"
			  "{\"id\": \"C\", \"type\": \"script\", \"path\": \"c.sh\"},"
			  "{\"id\": \"D\", \"type\": \"script\", \"path\": \"d.sh\"}],"
			  "\"edges\": [{\"from\": \"C\", \"to\": \"A\", \"arguments\": [\"x\"]}]}");
	struct script_files files = SCRIPT_FILES_INIT;
	struct buf out = BUF_INIT;

	(void)state;
	add_script(&files, "A", "a.sh", "a", 1);
	add_script(&files, "B", "b.sh", "b", 1);
	add_script(&files, "C", "c.sh", "c", 1);
	add_script(&files, "D", "d.sh", "d", 1);
	assert_int_equal(generate(&out, root, &files), 0);
	assert_true(where(&out, "dfc_step 'B'") < where(&out, "dfc_step 'C'"));
	assert_true(where(&out, "dfc_step 'C'") < where(&out, "dfc_step 'A'"));
	assert_true(where(&out, "dfc_step 'A'") < where(&out, "dfc_step 'D'"));
	/* Between two scripts the arguments go to `to`; A follows C. */
	where(&out, "\tdfc_step 'A'");
	where(&out, "\tdfc_after 'C'\n\tdfc_command 'bash' '.dfc/scripts/A/a.sh' 'x'\n");
	where(&out, "\tdfc_command 'bash' '.dfc/scripts/C/c.sh'\n");
	where(&out, "# Step 1 of 4: B (b.sh, run with bash)");
	buf_release(&out);
	script_files_release(&files);
	json_decref(root);
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

static void test_quoting(void **state)
{
	json_t *root =
		test_json("{\"nodes\": [{\"id\": \"s\", \"type\": \"script\", \"path\": \"r.sh\"},"
			  "{\"id\": \"o\", \"type\": \"dataset\", \"path\": \"o.bin\"}],"
			  "\"edges\": [{\"from\": \"s\", \"to\": \"o\", \"arguments\": []}]}");
	json_t *args =
		json_object_get(json_array_get(json_object_get(root, "edges"), 0), "arguments");
	struct script_files files = SCRIPT_FILES_INIT;
	struct buf out = BUF_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++)
		json_array_append_new(args, json_string(hostile[i]));
	add_script(&files, "s", "r.sh", "x\n", 2);
	assert_int_equal(generate(&out, root, &files), 0);
	where(&out, " 'it'\\''s' '\"double\"' '$(touch /tmp/dfc-unit-x)' '`id`' 'a; b'"
		    " 'line\nbreak' '-rf' '' ' sp  ace ' '\xc3\xbcnic\xc3\xb8"
		    "de'"
		    " 'cr'$'\\015''lf'$'\\033''[0m' ''\\''' '\\'\n");
	buf_release(&out);
	script_files_release(&files);
	json_decref(root);
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
	json_t *root =
		test_json("{\"nodes\": [{\"id\": \"rec\", \"type\": \"script\","
			  " \"path\": \"rec.sh\"},"
			  "{\"id\": \"o\", \"type\": \"dataset\", \"path\": \"out/args.bin\"}],"
			  "\"edges\": [{\"from\": \"rec\", \"to\": \"o\","
			  " \"arguments\": [{\"ref\": \"o\"}]}]}");
	json_t *args =
		json_object_get(json_array_get(json_object_get(root, "edges"), 0), "arguments");
	struct script_files files = SCRIPT_FILES_INIT;
	struct buf out = BUF_INIT, expected = BUF_INIT, got = BUF_INIT;
	char *dir = temp_dir_new("generate");
	char *script = NULL, *result = NULL;
	FILE *f;

	(void)state;
	assert_non_null(dir);
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		json_array_append_new(args, json_string(hostile[i]));
		buf_add(&expected, hostile[i], strlen(hostile[i]) + 1);
	}
	json_array_append_new(args, json_integer(-42));
	buf_add(&expected, "-42", 4);
	add_script(&files, "rec", "rec.sh", recorder, sizeof(recorder) - 1);
	assert_int_equal(generate(&out, root, &files), 0);
	script = xasprintf("%s/gen.sh", dir);
	result = xasprintf("%s/out/args.bin", dir);
	f = fopen(script, "w");
	assert_non_null(f);
	fwrite(out.data, 1, out.len, f);
	fclose(f);
	assert_int_equal(run_bash(script, dir), 0);
	f = fopen(result, "rb");
	assert_non_null(f);
	for (int c; (c = fgetc(f)) != EOF;)
		buf_addch(&got, (char)c);
	fclose(f);
	assert_int_equal(got.len, expected.len);
	assert_memory_equal(got.data, expected.data, got.len);
	assert_int_equal(access("/tmp/dfc-unit-x", F_OK), -1);
	assert_int_equal(remove_tree(dir), 0);
	free(dir);
	free(script);
	free(result);
	buf_release(&got);
	buf_release(&expected);
	buf_release(&out);
	script_files_release(&files);
	json_decref(root);
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
	add_script(&files, "s", "r.sh", "x\n", 2);
	ret = generate(&out, root, &files);
	if (ret < 0)
		assert_int_equal(out.len, 0);
	dfc_error_clear();
	buf_release(&out);
	script_files_release(&files);
	json_decref(root);
	return ret;
}

static void test_refuses_escaping_paths(void **state)
{
	(void)state;
	assert_int_equal(generate_with_output_path("../x"), DFC_ESECURITY);
	assert_int_equal(generate_with_output_path("/etc/passwd"), DFC_ESECURITY);
	assert_int_equal(generate_with_output_path("a/../../b"), DFC_ESECURITY);
	assert_int_equal(generate_with_output_path("a/.."), DFC_ESECURITY);
	assert_int_equal(generate_with_output_path("./.dfc/stamps/s"), DFC_ESECURITY);
	assert_int_equal(generate_with_output_path("a/..b/c..d"), 0);
	assert_int_equal(generate_with_output_path("./data/x.csv"), 0);
}

static void test_refuses_bad_ids_and_missing_content(void **state)
{
	json_t *root =
		test_json("{\"nodes\": [{\"id\": \"../up\", \"type\": \"script\","
			  " \"path\": \"r.sh\"}], \"edges\": []}");
	json_t *ok = test_json("{\"nodes\": [{\"id\": \"s\", \"type\": \"script\","
			       " \"path\": \"r.sh\"}], \"edges\": []}");
	struct script_files files = SCRIPT_FILES_INIT;
	struct buf out = BUF_INIT;

	(void)state;
	add_script(&files, "../up", "r.sh", "x", 1);
	assert_int_equal(generate(&out, root, &files), DFC_ESECURITY);
	assert_int_equal(generate(&out, ok, NULL), DFC_EDEPEND);
	dfc_error_clear();
	buf_release(&out);
	script_files_release(&files);
	json_decref(root);
	json_decref(ok);
}

static void test_embedding(void **state)
{
	json_t *root = test_json("{\"nodes\": ["
				 "{\"id\": \"t\", \"type\": \"script\", \"path\": \"t.sh\"},"
				 "{\"id\": \"u\", \"type\": \"script\", \"path\": \"u.sh\"},"
				 "{\"id\": \"bin\", \"type\": \"script\", \"path\": \"tool\"},"
				 "{\"id\": \"d\", \"type\": \"dataset\", \"path\": \"d.csv\"}],"
				 "\"edges\": [{\"from\": \"d\", \"to\": \"t\"}]}");
	struct script_files files = SCRIPT_FILES_INIT;
	struct embedded_dataset data = {"d", "d.csv", "a\0b", 3};
	struct generate_input in = {.pipeline = root,
				    .scripts = &files,
				    .datasets = &data,
				    .nr_datasets = 1,
				    .origin = "o",
				    .regenerate = "r"};
	struct buf out = BUF_INIT;
	char *id;
	git_oid oid;

	(void)state;
	add_script(&files, "t", "t.sh", "no newline", 10);
	add_script(&files, "u", "u.sh", "no newline", 10);
	add_script(&files, "bin", "tool",
		   "\x7f"
		   "ELF\0\1",
		   6);
	assert_int_equal(generate_script(&out, &in), 0);
	git_odb_hash(&oid, "no newline", 10, GIT_OBJECT_BLOB);
	id = xasprintf("dfc_file_%s() {\n\tcat <<'DFC_%s_EOF'\nno newline\nDFC_%s_EOF\n}\n",
		       git_oid_tostr_s(&oid), git_oid_tostr_s(&oid), git_oid_tostr_s(&oid));
	where(&out, id);
	/* The same content is embedded once for both nodes. */
	assert_int_equal(strstr(strstr(out.data, id) + 1, id), NULL);
	where(&out, "\tdfc_step 't' '");
	where(&out, " 10 '.dfc/scripts/t/t.sh' 'bash'\n");
	/* Binary content is base64; a file without extension is executed. */
	where(&out, "\tbase64 -d <<'DFC_");
	where(&out, "f0VMRgAB\n");
	where(&out, "\tdfc_command '.dfc/scripts/bin/tool'\n");
	where(&out, "YQBi\n");
	where(&out, "\tdfc_dataset 'd' 'd.csv' --embedded '");
	free(id);
	buf_release(&out);
	script_files_release(&files);
	json_decref(root);
}

/* 20,000 scripts and 20,000 datasets in a chain: linear work, one buffer. */
static void test_large_pipeline(void **state)
{
	json_t *root = json_object();
	json_t *nodes = json_array(), *edges = json_array();
	struct script_files files = SCRIPT_FILES_INIT;
	struct buf out = BUF_INIT;
	const size_t n = 40000;
	size_t steps = 0;
	char id[32], prev[32];

	(void)state;
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
			add_script(&files, id, "step.sh", "echo step\n", 10);
		memcpy(prev, id, sizeof(id));
	}
	json_object_set_new(root, "nodes", nodes);
	json_object_set_new(root, "edges", edges);
	assert_int_equal(generate(&out, root, &files), 0);
	/* Line by line: strstr() from each hit would rescan the rest under ASan. */
	for (const char *p = out.data; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		steps += !strncmp(p, "\tdfc_step ", 10);
	assert_int_equal(steps, n / 2);
	where(&out, "# Step 20000 of 20000: s39998");
	buf_release(&out);
	script_files_release(&files);
	json_decref(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_slurm_target),
		cmocka_unit_test(test_order_ties_in_file_order),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_quoting_round_trip),
		cmocka_unit_test(test_refuses_escaping_paths),
		cmocka_unit_test(test_refuses_bad_ids_and_missing_content),
		cmocka_unit_test(test_embedding),
		cmocka_unit_test(test_large_pipeline),
	};
	int ret;

	git_libgit2_init();
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	git_libgit2_shutdown();
	return ret;
}
