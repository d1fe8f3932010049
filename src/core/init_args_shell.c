/* init_args_shell.c - the arguments a shell script declares (init_args.h). */
#include "dfc/init_args.h"

#include "dfc/init_plan.h"
#include "dfc/xalloc.h"

#include "init_args_internal.h"

#include <stdlib.h>
#include <string.h>

struct arm {
	/* The pattern's alternatives, `|`-separated. */
	struct span pattern;
	struct span body;
	char *label;
	bool value;
};

#define MAX_ARMS 64

/* The label of an arm: the first `NAME=` whose value holds a `$`. */
static char *arm_label(struct span body)
{
	for (const char *p = body.p; p < body.end; p++) {
		const char *w = p, *v;

		if (!ia_ident_char((unsigned char)*p) ||
		    (p > body.p && ia_ident_char((unsigned char)p[-1])))
			continue;
		while (p < body.end && ia_ident_char((unsigned char)*p))
			p++;
		if (p >= body.end || *p != '=')
			continue;
		for (v = p + 1; v < body.end && *v != '\n' && *v != ';' && !ia_is_blank(*v); v++)
			if (*v == '$')
				return ia_name_dup(w, (size_t)(p - w));
	}
	return NULL;
}

/* The `case` arms of a shell script: lines `  -i|--input)` or `i)`. */
static size_t shell_arms(const char *text, size_t len, struct arm *arms)
{
	const char *end = text + len;
	size_t n = 0;

	for (const char *line = text; line < end && n < MAX_ARMS;) {
		const char *eol = memchr(line, '\n', (size_t)(end - line)), *p = line, *pat;

		eol = eol ? eol : end;
		while (p < eol && ia_is_blank(*p))
			p++;
		if (p < eol && *p == '(')
			p++;
		pat = p;
		while (p < eol && (ia_ident_char((unsigned char)*p) || strchr("-|=*", *p)))
			p++;
		if (p > pat && p < eol && *p == ')' && *pat != '*') {
			const char *b = p + 1,
				   *stop = end - b > INIT_ARGS_MAX_CALL ? b + INIT_ARGS_MAX_CALL
									: end,
				   *q;
			struct arm *arm = &arms[n];

			for (q = b; q + 1 < stop && !(q[0] == ';' && q[1] == ';'); q++)
				;
			arm->pattern = (struct span){ pat, p };
			arm->body = (struct span){ b, q };
			arm->value =
				ia_span_has(arm->body, "$2") || ia_span_has(arm->body, "${2") ||
				ia_span_has(arm->body, "shift 2") ||
				ia_span_has(arm->body, "OPTARG") || ia_span_has(arm->body, "#*=") ||
				ia_span_has(arm->pattern, "=*");
			arm->label = arm_label(arm->body);
			n++;
		}
		line = eol + 1;
	}
	return n;
}

/*
 * The option of a dash arm: its first `--long` alternative, else its first.
 * `*joined` when it is only written `--dest=*`: an edge passes the option
 * and the path as two words, never as one.
 */
static char *arm_option(struct span pattern, bool *joined)
{
	struct span best = { NULL, NULL };
	bool best_joined = false;

	for (const char *p = pattern.p; p < pattern.end;) {
		const char *a = p;
		struct span alt;
		bool eq;

		while (p < pattern.end && *p != '|')
			p++;
		alt = (struct span){ a, p };
		eq = alt.end - alt.p >= 2 && !memcmp(alt.end - 2, "=*", 2);
		if (eq)
			alt.end -= 2;
		if (alt.p < alt.end && *alt.p == '-' &&
		    ia_name_ok(alt.p, (size_t)(alt.end - alt.p)) &&
		    (!best.p || (best_joined && !eq) ||
		     (alt.end - alt.p > 2 && alt.p[1] == '-' && best.p[1] != '-' &&
		      (eq == best_joined)))) {
			best = alt;
			best_joined = eq;
		}
		if (p < pattern.end)
			p++;
	}
	*joined = best_joined;
	return best.p ? xstrndup(best.p, (size_t)(best.end - best.p)) : NULL;
}

static bool in_arm(const struct arm *arms, size_t n, const char *at)
{
	for (size_t i = 0; i < n; i++)
		if (at >= arms[i].body.p && at < arms[i].body.end)
			return true;
	return false;
}

/* `getopts "i:o:v" opt`: `-i` and `-o` take a value. */
static void shell_getopts(struct init_args *out, const char *text, size_t len,
			  const struct arm *arms, size_t nr_arms)
{
	static const char word[] = "getopts";
	const char *end = text + len;
	int seen = 0;

	/* A script has one getopts loop, or a few. */
	for (const char *p = text; (size_t)(end - p) > sizeof(word) && seen < 16; p++) {
		const char *q;

		if (memcmp(p, word, sizeof(word) - 1) || !ia_is_blank(p[sizeof(word) - 1]) ||
		    (p > text && ia_ident_char((unsigned char)p[-1])) ||
		    ia_comment_before(text, p, '#'))
			continue;
		seen++;
		q = p + sizeof(word);
		while (q < end && ia_is_blank(*q))
			q++;
		if (q < end && (*q == '"' || *q == '\''))
			q++;
		if (q < end && *q == ':')
			q++;
		for (; q + 1 < end && ia_ident_char((unsigned char)*q); q++) {
			struct init_arg a = { 0 };

			if (q[1] != ':')
				continue;
			a.option = xasprintf("-%c", *q);
			for (size_t i = 0; i < nr_arms; i++)
				if (arms[i].pattern.end - arms[i].pattern.p == 1 &&
				    *arms[i].pattern.p == *q && arms[i].label && !a.label)
					a.label = xstrdup(arms[i].label);
			if (!a.label)
				a.label = xstrndup(q, 1);
			a.dir = init_args_label_dir(a.label);
			if (a.dir == INIT_ARG_UNKNOWN)
				a.dir = init_args_label_dir(a.option + 1);
			ia_add_arg(out, &a);
			q++;
		}
	}
}

/* `$N`, `${N}`, `${N:-x}` outside single quotes and comments: its N, or 0. */
static unsigned dollar_position(const char *p, const char *end)
{
	const char *q;
	unsigned k = 0;

	if (end - p < 2 || *p != '$')
		return 0;
	if (p[1] >= '1' && p[1] <= '9')
		return (unsigned)(p[1] - '0');
	if (p[1] != '{')
		return 0;
	/* `${` one or two digits, then `}` or an expansion's operator. */
	for (q = p + 2; q < end && q - p < 4 && *q >= '0' && *q <= '9'; q++)
		k = k * 10 + (unsigned)(*q - '0');
	if (q == p + 2 || q >= end || p[2] == '0' || !strchr("}:-#%/", *q) || !*q)
		return 0;
	return k;
}

/* Whether the line before `at` holds `case` or `while` (option loops). */
static bool option_loop_line(const char *text, const char *at)
{
	const char *line = at;

	while (line > text && line[-1] != '\n' && at - line < INIT_ARGS_MAX_CALL)
		line--;
	for (const char *p = line; p + 4 <= at; p++)
		if ((!memcmp(p, "case", 4) || (p + 5 <= at && !memcmp(p, "while", 5))) &&
		    (p == line || !ia_ident_char((unsigned char)p[-1])))
			return true;
	return false;
}

static void shell_positions(struct init_args *out, const char *text, size_t len,
			    const struct arm *arms, size_t nr_arms)
{
	const char *end = text + len;
	char quote = 0;
	size_t seen = 0;

	for (const char *p = text; p < end && seen < INIT_ARGS_MAX_SEEN; p++) {
		unsigned k;
		struct init_arg a = { 0 };
		bool number;

		if (quote == '\'') {
			if (*p == '\'')
				quote = 0;
			continue;
		}
		if (*p == '\\') {
			p++;
			continue;
		}
		if (!quote && *p == '#' && (p == text || strchr(" \t\n;", p[-1]))) {
			while (p + 1 < end && p[1] != '\n')
				p++;
			continue;
		}
		if (*p == '"' || (!quote && *p == '\'')) {
			quote = quote == *p ? 0 : (quote ? quote : *p);
			continue;
		}
		if (!(k = dollar_position(p, end)) || seen++ > INIT_ARGS_MAX_SEEN ||
		    k > INIT_ARGS_MAX_POSITION || in_arm(arms, nr_arms, p) ||
		    option_loop_line(text, p))
			continue;
		a.position = k;
		a.label = ia_assigned_label(text, p, &number);
		a.dir = init_args_label_dir(a.label);
		if (a.dir == INIT_ARG_UNKNOWN && ia_writes(text, len, p, p[1] == '{' ? 4 : 2))
			a.dir = INIT_ARG_OUTPUT;
		ia_add_arg(out, &a);
	}
}

void init_args_parse_shell(struct init_args *out, const char *text, size_t len)
{
	struct arm arms[MAX_ARMS];
	size_t n = shell_arms(text, len, arms);

	shell_getopts(out, text, len, arms, n);
	for (size_t i = 0; i < n; i++) {
		struct init_arg a = { 0 };
		bool joined;

		if (*arms[i].pattern.p != '-' || !arms[i].value ||
		    !(a.option = arm_option(arms[i].pattern, &joined)))
			continue;
		a.not_file = joined;
		a.label = arms[i].label ? xstrdup(arms[i].label)
					: xstrdup(a.option + strspn(a.option, "-"));
		a.dir = init_args_label_dir(a.option + strspn(a.option, "-"));
		if (a.dir == INIT_ARG_UNKNOWN)
			a.dir = init_args_label_dir(a.label);
		/* A shell script parses by hand only what it uses: --left is needed. */
		a.required = a.option[1] == '-';
		ia_add_arg(out, &a);
	}
	shell_positions(out, text, len, arms, n);
	for (size_t i = 0; i < n; i++)
		free(arms[i].label);
}
