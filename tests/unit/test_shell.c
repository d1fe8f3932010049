/* test_shell.c - quoting text as one bash word, checked against bash itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dfc/shell.h"
#include "dfc/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* What bash makes of `word`: printf '%s' WORD, read back through a pipe. */
static char *bash_reads(const char *word, size_t *len)
{
	char *script = xasprintf("printf '%%s' %s", word);
	char *argv[] = { "bash", "--norc", "-c", script, NULL };
	struct buf got = BUF_INIT;
	int fds[2], status;
	char chunk[256];
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execvp("bash", argv);
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], chunk, sizeof(chunk))) > 0)
		buf_add(&got, chunk, (size_t)n);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	free(script);
	*len = got.len;
	return got.data ? buf_detach(&got, NULL) : xstrdup("");
}

/* bash reads the word `word` as exactly `want`. */
static void expect_read_back(const struct buf *word, const char *want)
{
	size_t len;
	char *back = bash_reads(buf_cstr(word), &len);

	assert_int_equal(len, strlen(want));
	assert_memory_equal(back, want, len);
	free(back);
}

static const char *const hostile[] = {
	"plain", "", "a b", "it's", "'", "\"q\"", "$(touch pwned)", "`id`", "a\\b",
	"line\nbreak", "tab\there", "bell\a", "esc\033[31m", "del\177", "*", "~", "!x",
	"--output=x.log", "=x", "é ✓", "; rm -rf /", "%j %%",
};

static void test_quote_round_trips_through_bash(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		struct buf quoted = BUF_INIT, word = BUF_INIT;

		shell_quote(&quoted, hostile[i], strlen(hostile[i]));
		expect_read_back(&quoted, hostile[i]);
		shell_word(&word, hostile[i]);
		expect_read_back(&word, hostile[i]);

		/* Printable: no control character reaches the output. */
		for (size_t k = 0; k < quoted.len; k++)
			assert_true((unsigned char)quoted.data[k] >= 0x20 || quoted.data[k] == '\n' ||
				    quoted.data[k] == '\t');
		buf_release(&quoted);
		buf_release(&word);
	}
}

static void test_word_leaves_plain_words_alone(void **state)
{
	/* A text, and the word shell_word() writes for it. */
	static const struct {
		const char *text, *word;
	} words[] = {
		{ "sub/pipeline.json", "sub/pipeline.json" },
		{ "--account=lab", "--account=lab" },
		{ "my pipeline.json", "'my pipeline.json'" },
		{ "", "''" },
	};
	struct buf out = BUF_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		buf_reset(&out);
		shell_word(&out, words[i].text);
		assert_string_equal(buf_cstr(&out), words[i].word);
	}
	buf_reset(&out);
	shell_quote(&out, "a\033b", 3);
	assert_string_equal(buf_cstr(&out), "'a'$'\\033''b'");
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quote_round_trips_through_bash),
		cmocka_unit_test(test_word_leaves_plain_words_alone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
