/* init_wizard.c - the questions init asks on a terminal, one at a time. */
#include "cmd/init_wizard.h"

#include "cmd/cmd.h"

#include "dfc/buf.h"
#include "dfc/error.h"
#include "dfc/graph.h"
#include "dfc/printable.h"
#include "dfc/xalloc.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

char *init_printable(const char *s)
{
	struct buf b = BUF_INIT;
	char *text;

	printable_quote(&b, s, SIZE_MAX);
	text = buf_detach(&b, NULL);
	return text ? text : xstrdup("");
}

struct asker {
	FILE *in;
	FILE *out;
	char *line;
	size_t cap;
};

/*
 * Print `question [def]: ` and read one line. `*answer` is the line without
 * surrounding blanks, or `def` when that is empty; borrowed until the next
 * ask(). DFC_EUSAGE at the end of the input.
 */
static int ask(struct asker *a, const char *question, const char *def, const char **answer)
{
	struct buf prompt = BUF_INIT;
	ssize_t n;
	char *s, *e;

	/* The default may hold a folder's name, the question a file's. */
	printable_quote(&prompt, question, SIZE_MAX);
	buf_adds(&prompt, " [");
	printable_quote(&prompt, def, SIZE_MAX);
	buf_adds(&prompt, "]: ");
	fputs(buf_cstr(&prompt), a->out);
	buf_release(&prompt);
	fflush(a->out);
	n = getline(&a->line, &a->cap, a->in);
	if (n < 0) {
		fputc('\n', a->out);
		return dfc_error(DFC_EUSAGE, "no answer (end of input): nothing written");
	}
	s = a->line;
	while (*s && isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	*answer = *s ? s : def;
	return 0;
}

/* Dataset number k (from 1) in node order, or -1. */
static long dataset_by_number(const struct init_plan *plan, unsigned long k)
{
	for (size_t i = 0; i < plan->nr_nodes; i++)
		if (plan->nodes[i].kind == INIT_DATASET && --k == 0)
			return (long)i;
	return -1;
}

static size_t number_of(const struct init_plan *plan, size_t node)
{
	size_t k = 0;

	for (size_t i = 0; i <= node; i++)
		k += plan->nodes[i].kind == INIT_DATASET;
	return k;
}

/* A number from the list or a dataset's id; -1 when it is neither. */
static long resolve(const struct init_plan *plan, const char *token)
{
	long found;

	if (strspn(token, "0123456789") == strlen(token)) {
		unsigned long k = strlen(token) < 10 ? strtoul(token, NULL, 10) : 0;

		return k ? dataset_by_number(plan, k) : -1;
	}
	found = init_plan_find(plan, token);
	if (found >= 0 && plan->nodes[found].kind != INIT_DATASET)
		return -1;
	return found;
}

/* The guessed datasets of `script` (reads or writes) as "1,3", or "-". */
static char *default_answer(const struct init_plan *guess, size_t script, bool write)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < guess->nr_links; i++) {
		const struct init_link *l = &guess->links[i];

		if (l->script == script && l->write == write)
			buf_addf(&b, "%s%zu", b.len ? "," : "", number_of(guess, l->dataset));
	}
	if (!b.len)
		buf_addch(&b, '-');
	return buf_detach(&b, NULL);
}

/* How the wizard writes an argument: the option, `position N`, or `-`. */
static char *argument_text(const char *option, unsigned position)
{
	if (option && *option)
		return xstrdup(option);
	return position ? xasprintf("position %u", position) : xstrdup("-");
}

/* The guess's argument for the link, as text, or NULL. */
static char *guessed_argument(const struct init_plan *guess, size_t dataset, size_t script,
			      bool write)
{
	for (size_t i = 0; i < guess->nr_links; i++) {
		const struct init_link *l = &guess->links[i];

		if (l->dataset == dataset && l->script == script && l->write == write)
			return argument_text(l->argument, l->position);
	}
	return NULL;
}

static bool taken_text(char *const *texts, size_t n, const char *text)
{
	for (size_t i = 0; i < n; i++)
		if (texts[i] && !strcmp(texts[i], text))
			return true;
	return false;
}

/*
 * Defaults for the arguments of links [first, nr_links) of `script`: the
 * guess's where it has the link, else the script's own next declared
 * argument of that direction not offered yet, else --input / --output for
 * a script that declares nothing, else `-`.
 */
static char **default_arguments(const struct init_plan *plan, const struct init_plan *guess,
				size_t script, bool write, size_t first)
{
	const struct init_args *args = &guess->nodes[script].args;
	size_t n = plan->nr_links - first, next = 0;
	char **defs = xcalloc(n + 1, sizeof(*defs));

	for (size_t i = 0; i < n; i++)
		defs[i] = guessed_argument(guess, plan->links[first + i].dataset, script, write);
	for (size_t i = 0; i < n; i++) {
		while (!defs[i] && next < args->nr) {
			const struct init_arg *a = &args->items[next++];
			char *text = argument_text(a->option, a->position);

			if (!a->not_file && (a->dir == INIT_ARG_OUTPUT) == write &&
			    !taken_text(defs, n, text))
				defs[i] = text;
			else
				free(text);
		}
		if (!defs[i])
			defs[i] = xstrdup(args->nr ? "-"
					  : write  ? INIT_OUTPUT_ARGUMENT
						   : INIT_INPUT_ARGUMENT);
	}
	return defs;
}

/*
 * An answer to "argument for X": `-` or `none` (no argument), a position
 * (`2`, `position 2`), or an option as typed. -1 when a position is not
 * a number from 1 to INIT_ARGS_MAX_POSITION.
 */
static int parse_argument(const char *answer, const char **option, unsigned *position)
{
	static const char *const words[] = { "positional", "position", "pos", NULL };
	const char *p = answer;

	*option = "";
	*position = 0;
	if (!strcmp(answer, "-") || !strcasecmp(answer, "none"))
		return 0;
	for (size_t i = 0; words[i]; i++) {
		size_t n = strlen(words[i]);

		if (!strncasecmp(answer, words[i], n) &&
		    (!answer[n] || isspace((unsigned char)answer[n]))) {
			p = answer + n;
			while (isspace((unsigned char)*p))
				p++;
			if (!*p)
				return -1;
			break;
		}
	}
	if (*p >= '0' && *p <= '9') {
		unsigned long k = strspn(p, "0123456789") == strlen(p) && strlen(p) < 4
					  ? strtoul(p, NULL, 10)
					  : 0;

		if (!k || k > INIT_ARGS_MAX_POSITION)
			return -1;
		*position = (unsigned)k;
		return 0;
	}
	if (p != answer)
		return -1;
	*option = answer;
	return 0;
}

static void drop_links_from(struct init_plan *plan, size_t keep)
{
	while (plan->nr_links > keep)
		free(plan->links[--plan->nr_links].argument);
}

static bool looks_like_path(const char *token)
{
	return strchr(token, '/') || strchr(token, '.');
}

/*
 * Turn an answer into links of `script` (reads, or writes with new paths
 * allowed). Returns 0, or 1 after saying what is wrong (nothing added).
 */
static int apply_answer(struct asker *a, struct init_plan *plan, size_t script, bool write,
			const char *answer)
{
	char *copy = xstrdup(answer), *save = NULL, *token;
	struct buf new_paths = BUF_INIT;
	size_t keep = plan->nr_links;
	int bad = 0;

	if (!strcmp(answer, "-") || !strcasecmp(answer, "none"))
		goto out;
	for (token = strtok_r(copy, ", \t", &save); token && !bad;
	     token = strtok_r(NULL, ", \t", &save)) {
		long d = resolve(plan, token);

		if (d < 0 && write && looks_like_path(token)) {
			if (!init_path_usable(token)) {
				cmd_print_line(
					a->out,
					"  '%s' cannot be a dataset's path: give one relative "
					"to the pipeline file's folder, without '..'",
					token);
				bad = 1;
				break;
			}
			d = init_plan_find_path(plan, token);
			if (d < 0) {
				/* Created once the rest of the answer is known to be good. */
				buf_addf(&new_paths, "%s%c", token, '\0');
				continue;
			}
		}
		if (d < 0) {
			cmd_print_line(
				a->out,
				"  no dataset '%s': give numbers from the list or ids%s, or - "
				"for none",
				token, write ? " or new paths" : "");
			bad = 1;
		} else if (!init_plan_has_link(plan, (size_t)d, script, write) &&
			   init_plan_link(plan, (size_t)d, script, write, "") < 0) {
			cmd_print_line(a->out, "  %s", dfc_error_message());
			dfc_error_clear();
			bad = 1;
		}
	}
	if (bad) {
		drop_links_from(plan, keep);
		goto out;
	}
	for (size_t off = 0; off < new_paths.len; off += strlen(new_paths.data + off) + 1) {
		const char *path = new_paths.data + off;
		long d = init_plan_find_path(plan, path);

		if (d < 0) {
			d = (long)init_plan_add_dataset(plan, path, true);
			cmd_print_line(a->out, "  new dataset %zu: %s %s",
				       number_of(plan, (size_t)d), plan->nodes[d].id, path);
		}
		if (!init_plan_has_link(plan, (size_t)d, script, write) &&
		    init_plan_link(plan, (size_t)d, script, write, "") < 0)
			dfc_error_clear();
	}
out:
	buf_release(&new_paths);
	free(copy);
	return bad;
}

/* Ask which datasets `script` reads (or writes), then each one's argument. */
static int ask_links(struct asker *a, struct init_plan *plan, const struct init_plan *guess,
		     size_t script, bool write)
{
	const struct init_node *s = &plan->nodes[script];
	char *def = default_answer(guess, script, write);
	char *path = init_printable(s->path);
	char *question = write ? xasprintf("%s writes which datasets?", s->id)
			       : xasprintf("%s (%s) reads which datasets?", s->id, path);
	const char *answer;
	size_t first = plan->nr_links;
	char **defs = NULL;
	int ret;

	do {
		if ((ret = ask(a, question, def, &answer)) < 0)
			goto out;
	} while (apply_answer(a, plan, script, write, answer));
	defs = default_arguments(plan, guess, script, write, first);
	for (size_t i = first; i < plan->nr_links; i++) {
		struct init_link *l = &plan->links[i];
		char *q = xasprintf("  argument for %s", plan->nodes[l->dataset].id);
		const char *option;
		unsigned position;

		while ((ret = ask(a, q, defs[i - first], &answer)) == 0 &&
		       parse_argument(answer, &option, &position) < 0)
			cmd_print_line(a->out,
				       "  a position is a number from 1 to %d: 'position 1' or '1'",
				       INIT_ARGS_MAX_POSITION);
		free(q);
		if (ret < 0)
			goto out;
		free(l->argument);
		l->argument = xstrdup(option);
		l->position = position;
	}
out:
	for (size_t i = 0; defs && defs[i]; i++)
		free(defs[i]);
	free(defs);
	free(question);
	free(path);
	free(def);
	return ret;
}

static void print_lists(FILE *out, const struct init_plan *plan)
{
	int width = 0, nwidth = 1;
	size_t datasets = 0;

	for (size_t i = 0; i < plan->nr_nodes; i++) {
		int n = (int)strlen(plan->nodes[i].id);

		width = n > width ? n : width;
		datasets += plan->nodes[i].kind == INIT_DATASET;
	}
	for (size_t d = datasets; d >= 10; d /= 10)
		nwidth++;
	fprintf(out, "Give datasets by number or id, comma-separated (- for none); a script may\n"
		     "also write to a new path. An argument is an option (--input), a position\n"
		     "(position 1, or 1) or - for none. Enter takes the [default].\n\ndatasets:\n");
	for (size_t i = 0, k = 0; i < plan->nr_nodes; i++) {
		char *path = init_printable(plan->nodes[i].path);

		if (plan->nodes[i].kind == INIT_DATASET)
			fprintf(out, "  %*zu  %-*s  %s%s\n", nwidth, ++k, width, plan->nodes[i].id,
				path, plan->nodes[i].is_new ? "  (new)" : "");
		free(path);
	}
	fprintf(out, "scripts:\n");
	for (size_t i = 0; i < plan->nr_nodes; i++) {
		char *path = init_printable(plan->nodes[i].path);

		if (plan->nodes[i].kind == INIT_SCRIPT)
			fprintf(out, "  %*s  %-*s  %s\n", nwidth, "", width, plan->nodes[i].id,
				path);
		free(path);
	}
}

int init_wizard(struct init_plan *chosen, const struct init_plan *guess, const char *file, FILE *in,
		FILE *out)
{
	struct asker a = { in, out, NULL, 0 };
	struct buf dag = BUF_INIT;
	const char *answer;
	char *question = NULL;
	json_t *root = NULL;
	int ret;

	init_plan_copy_nodes(chosen, guess);
	print_lists(out, chosen);
	for (size_t s = 0; s < guess->nr_nodes; s++) {
		if (chosen->nodes[s].kind != INIT_SCRIPT)
			continue;
		fputc('\n', out);
		if ((ret = ask_links(&a, chosen, guess, s, false)) < 0 ||
		    (ret = ask_links(&a, chosen, guess, s, true)) < 0)
			goto out;
	}
	fputc('\n', out);
	for (;;) {
		json_t *s;

		if ((ret = ask(&a, "pipeline name?", guess->name ? guess->name : "pipeline",
			       &answer)) < 0)
			goto out;
		s = json_string(answer);
		json_decref(s);
		if (s)
			break;
		fprintf(out, "  the name must be UTF-8 text\n");
	}
	free(chosen->name);
	chosen->name = xstrdup(answer);

	root = init_plan_json(chosen);
	if ((ret = graph_render(&dag, root, GRAPH_ASCII)) < 0)
		goto out;
	fprintf(out, "\nthe pipeline:\n%s\n", buf_cstr(&dag));
	question = xasprintf("Write %s?", file);
	for (;;) {
		if ((ret = ask(&a, question, "Y/n", &answer)) < 0)
			goto out;
		if (!strcmp(answer, "Y/n") || !strcasecmp(answer, "y") ||
		    !strcasecmp(answer, "yes")) {
			ret = 0;
			break;
		}
		if (!strcasecmp(answer, "n") || !strcasecmp(answer, "no")) {
			ret = 1;
			break;
		}
		fprintf(out, "  answer y or n\n");
	}
out:
	free(question);
	json_decref(root);
	buf_release(&dag);
	free(a.line);
	return ret;
}
