/* init_args.c - the arguments a script declares, read from its text. */
#include "dfc/init_args.h"

#include "dfc/buf.h"
#include "dfc/fs.h"
#include "dfc/init_plan.h"
#include "dfc/xalloc.h"

#include "init_args_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NAME_MAX_BYTES	  64
#define DEFAULT_MAX_BYTES 256
/* Most items of one argparse call looked at. */
#define CALL_MAX_ITEMS 32

bool ia_ident_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

bool ia_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* A name or label: 1 to 64 bytes of [A-Za-z0-9_-], not all dashes. */
bool ia_name_ok(const char *s, size_t n)
{
	bool word = false;

	if (!n || n > NAME_MAX_BYTES)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!ia_ident_char((unsigned char)s[i]) && s[i] != '-')
			return false;
		word |= s[i] != '-';
	}
	return word;
}

char *ia_name_dup(const char *s, size_t n)
{
	return ia_name_ok(s, n) ? xstrndup(s, n) : NULL;
}

void init_args_release(struct init_args *args)
{
	for (size_t i = 0; i < args->nr; i++) {
		free(args->items[i].option);
		free(args->items[i].label);
		free(args->items[i].def);
	}
	free(args->items);
	*args = (struct init_args)INIT_ARGS_INIT;
}

static bool word_in(const char *w, size_t n, const char *const *set)
{
	for (; *set; set++)
		if (strlen(*set) == n && !strncasecmp(w, *set, n))
			return true;
	return false;
}

static const char *const input_words[] = { "i",	     "in",     "inp", "input",	"inputs",
					   "infile", "inpath", "src", "source", "sources",
					   "read",   "from",   NULL };
static const char *const output_words[] = { "o",       "out",	 "output", "outputs", "outfile",
					    "outpath", "outdir", "dest",   "dst",     "destination",
					    "target",  "write",	 "save",   "to",      "result",
					    "results", NULL };
static const char *const plain_words[] = { "file", "path", "filename", "csv", "tsv", "name", NULL };

/*
 * Call `fn` on each word of `label`: cut at `_`, `-` and where a lower-case
 * letter meets an upper-case one (`inputFile`). Stops when `fn` says so.
 */
static void each_word(const char *label, bool (*fn)(const char *w, size_t n, void *data),
		      void *data)
{
	const char *p = label;

	while (*p) {
		const char *w;

		while (*p == '_' || *p == '-')
			p++;
		w = p;
		while (*p && *p != '_' && *p != '-' &&
		       !(p > w && p[-1] >= 'a' && p[-1] <= 'z' && *p >= 'A' && *p <= 'Z'))
			p++;
		if (p > w && !fn(w, (size_t)(p - w), data))
			return;
	}
}

struct dir_words {
	bool in, out, other;
};

static bool classify_word(const char *w, size_t n, void *data)
{
	struct dir_words *d = data;

	if (word_in(w, n, input_words) || (n > 5 && !strncasecmp(w, "input", 5)))
		d->in = true;
	else if (word_in(w, n, output_words) || (n > 6 && !strncasecmp(w, "output", 6)))
		d->out = true;
	else if (!word_in(w, n, plain_words))
		d->other = true;
	return true;
}

enum init_arg_dir init_args_label_dir(const char *label)
{
	struct dir_words d = { false, false, false };

	if (label)
		each_word(label, classify_word, &d);
	if (d.in == d.out)
		return INIT_ARG_UNKNOWN;
	return d.in ? INIT_ARG_INPUT : INIT_ARG_OUTPUT;
}

bool init_args_generic_output(const char *label)
{
	struct dir_words d = { false, false, false };

	if (!label)
		return true;
	each_word(label, classify_word, &d);
	return d.out && !d.in && !d.other;
}

/*
 * Add an argument, or merge it into the one with the same option or
 * position: the first label and default stay, a known direction wins.
 * Takes `label` and `def`.
 */
void ia_add_arg(struct init_args *out, const struct init_arg *a)
{
	struct init_arg *old = NULL;

	for (size_t i = 0; i < out->nr && !old; i++) {
		struct init_arg *x = &out->items[i];

		if (a->option ? x->option && !strcmp(x->option, a->option)
			      : !x->option && x->position == a->position)
			old = x;
	}
	if (!old && out->nr >= INIT_ARGS_MAX) {
		free(a->option);
		free(a->label);
		free(a->def);
		return;
	}
	if (!old) {
		XGROW(out->items, out->alloc, out->nr + 1);
		out->items[out->nr++] = *a;
		return;
	}
	free(a->option);
	if (!old->label)
		old->label = a->label;
	else
		free(a->label);
	if (!old->def)
		old->def = a->def;
	else
		free(a->def);
	if (old->dir == INIT_ARG_UNKNOWN)
		old->dir = a->dir;
	old->required |= a->required;
	old->file |= a->file;
	old->not_file |= a->not_file;
}

/* ---- Python ---- */

/*
 * A string literal at `p` (prefixes r, b, u, f; single, double or triple
 * quotes): the position after it, its text in `val` (when not NULL, cut
 * at DEFAULT_MAX_BYTES + 1 bytes), or NULL when `p` starts none.
 */
static const char *py_string(const char *p, const char *end, struct buf *val)
{
	const char *q = p;
	char quote;
	bool triple;

	while (q < end && q - p < 2 && strchr("rRbBuUfF", *q) && *q)
		q++;
	if (q >= end || (*q != '"' && *q != '\''))
		return NULL;
	quote = *q;
	triple = end - q >= 3 && q[1] == quote && q[2] == quote;
	q += triple ? 3 : 1;
	while (q < end) {
		if (*q == '\\' && q + 1 < end) {
			q++;
		} else if (*q == quote &&
			   (!triple || (end - q >= 3 && q[1] == quote && q[2] == quote))) {
			return q + (triple ? 3 : 1);
		} else if (*q == '\n' && !triple) {
			return q;
		}
		if (val && val->len <= DEFAULT_MAX_BYTES)
			buf_addch(val, *q);
		q++;
	}
	return end;
}

/* Split the call whose `(` is just before `p` into top-level items. */
static size_t call_items(const char *p, const char *end, struct span *items)
{
	const char *start = p, *stop = end - p > INIT_ARGS_MAX_CALL ? p + INIT_ARGS_MAX_CALL : end;
	size_t n = 0;
	int depth = 0;

	while (p < stop) {
		const char *s = (*p == '"' || *p == '\'') ? py_string(p, stop, NULL) : NULL;

		if (s) {
			p = s;
			continue;
		}
		if (*p == '(' || *p == '[' || *p == '{') {
			depth++;
		} else if ((*p == ')' || *p == ']' || *p == '}') && depth > 0) {
			depth--;
		} else if (*p == ')' || (*p == ',' && !depth)) {
			if (n < CALL_MAX_ITEMS)
				items[n++] = (struct span){ start, p };
			if (*p == ')')
				return n;
			start = p + 1;
		}
		p++;
	}
	/* Never closed: what was read is all there is. */
	return 0;
}

static struct span trim(struct span s)
{
	while (s.p < s.end && (ia_is_blank(*s.p) || *s.p == '\n' || *s.p == '\r'))
		s.p++;
	while (s.end > s.p && (ia_is_blank(s.end[-1]) || s.end[-1] == '\n' || s.end[-1] == '\r'))
		s.end--;
	return s;
}

static bool span_is(struct span s, const char *word)
{
	return (size_t)(s.end - s.p) == strlen(word) && !memcmp(s.p, word, strlen(word));
}

bool ia_span_has(struct span s, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = s.p; p + n <= s.end; p++)
		if (!strncasecmp(p, word, n))
			return true;
	return false;
}

/* The string literal that is all of `s`, in `val`; false when it is not one. */
static bool literal(struct span s, struct buf *val)
{
	const char *after;

	buf_reset(val);
	after = py_string(s.p, s.end, val);
	return after == s.end && val->len <= DEFAULT_MAX_BYTES;
}

static bool printable_text(const struct buf *b)
{
	for (size_t i = 0; i < b->len; i++)
		if ((unsigned char)b->data[i] < 0x20 || b->data[i] == 0x7f)
			return false;
	return b->len > 0;
}

/* What the `help=` text says the value is for. */
static enum init_arg_dir help_dir(struct span help)
{
	bool out = ia_span_has(help, "write") || ia_span_has(help, "output") ||
		   ia_span_has(help, "save") || ia_span_has(help, "destination");
	bool in = ia_span_has(help, "read") || ia_span_has(help, "input") ||
		  ia_span_has(help, "source");

	if (in == out)
		return INIT_ARG_UNKNOWN;
	return in ? INIT_ARG_INPUT : INIT_ARG_OUTPUT;
}

static void keyword(struct init_arg *a, struct span key, struct span v, struct buf *val,
		    enum init_arg_dir *by_help)
{
	if (span_is(key, "dest") && literal(v, val) && !a->label)
		a->label = ia_name_dup(val->data, val->len);
	else if (span_is(key, "required"))
		a->required = span_is(v, "True");
	else if (span_is(key, "default") && literal(v, val)) {
		if (printable_text(val) && !a->def)
			a->def = xstrndup(val->data, val->len);
	} else if (span_is(key, "default") && v.p < v.end &&
		   (strchr("0123456789-", *v.p) || span_is(v, "True") || span_is(v, "False")))
		a->not_file = true;
	else if (span_is(key, "type") && ia_span_has(v, "FileType")) {
		const char *q = v.p;

		a->file = true;
		a->dir = INIT_ARG_INPUT;
		/* The mode is the first string inside: 'w', 'a', 'x' write. */
		while (q < v.end && *q != '"' && *q != '\'')
			q++;
		buf_reset(val);
		if (q < v.end && py_string(q, v.end, val) && strpbrk(buf_cstr(val), "wax"))
			a->dir = INIT_ARG_OUTPUT;
	} else if (span_is(key, "type")) {
		/* str and Path-like types may be files; int, float, ... are not. */
		if (!span_is(v, "str") && !(v.end - v.p >= 4 && !memcmp(v.end - 4, "Path", 4)))
			a->not_file = true;
	} else if (span_is(key, "action") && literal(v, val)) {
		const char *s = buf_cstr(val);

		if (strcmp(s, "store") && strcmp(s, "append") && strcmp(s, "extend"))
			a->not_file = true;
	} else if (span_is(key, "choices") || (span_is(key, "nargs") && span_is(v, "0")))
		a->not_file = true;
	else if (span_is(key, "help"))
		*by_help = help_dir(v);
}

/* One `add_argument(` call, its items after `p`. */
static void py_add_argument(struct init_args *out, const char *p, const char *end,
			    unsigned *positions)
{
	struct span items[CALL_MAX_ITEMS];
	size_t n = call_items(p, end, items);
	struct init_arg a = { 0 };
	enum init_arg_dir by_help = INIT_ARG_UNKNOWN;
	struct buf val = BUF_INIT;
	char *first = NULL, *lng = NULL;
	bool positional = false, bad = false;

	for (size_t i = 0; i < n; i++) {
		struct span it = trim(items[i]), key = it;
		const char *eq;

		if (literal(it, &val)) {
			const char *s = buf_cstr(&val);

			/* One name (a position) or option strings only, all `-`. */
			if (!first && s[0] != '-')
				positional = true;
			if (!ia_name_ok(s, val.len) || (first && (positional || s[0] != '-'))) {
				bad = true;
				continue;
			}
			if (!first)
				first = xstrdup(s);
			if (!lng && !strncmp(s, "--", 2))
				lng = xstrdup(s);
			continue;
		}
		for (eq = it.p; eq < it.end && ia_ident_char((unsigned char)*eq); eq++)
			;
		key.end = eq;
		while (eq < it.end && ia_is_blank(*eq))
			eq++;
		/* A name that is no literal (`add_argument(flag, ...)`) is unknown. */
		if (key.end == key.p || eq >= it.end || *eq != '=' ||
		    (eq + 1 < it.end && eq[1] == '=')) {
			bad |= it.p < it.end;
			continue;
		}
		keyword(&a, key, trim((struct span){ eq + 1, it.end }), &val, &by_help);
	}
	if (!first || bad) {
		free(first);
		free(lng);
		free(a.label);
		free(a.def);
		buf_release(&val);
		return;
	}
	if (positional) {
		a.position = ++*positions;
		if (!a.label)
			a.label = xstrdup(first);
		free(first);
		first = NULL;
	} else {
		a.option = lng ? xstrdup(lng) : xstrdup(first);
		if (!a.label) {
			const char *s = a.option + strspn(a.option, "-");
			char *l = xstrdup(s);

			for (char *c = l; *c; c++)
				if (*c == '-')
					*c = '_';
			a.label = l;
		}
		free(first);
	}
	free(lng);
	if (a.dir == INIT_ARG_UNKNOWN)
		a.dir = init_args_label_dir(a.label);
	if (a.dir == INIT_ARG_UNKNOWN)
		a.dir = by_help;
	if (a.position > INIT_ARGS_MAX_POSITION) {
		free(a.label);
		free(a.def);
	} else {
		ia_add_arg(out, &a);
	}
	buf_release(&val);
}

bool ia_comment_before(const char *text, const char *at, char mark)
{
	for (const char *p = at; p > text && p[-1] != '\n' && at - p < INIT_ARGS_MAX_CALL; p--)
		if (p[-1] == mark)
			return true;
	return false;
}

/*
 * The call `.left` is an argument of, on its line: `callee` the name
 * before its `(` (`pd.read_csv`), `rest` from `.left` to its `)`. False
 * when it is in no call.
 */
static bool enclosing_call(const char *text, const char *end, const char *at, struct span *callee,
			   struct span *rest)
{
	const char *p = at;
	int depth = 0;

	/* Within INIT_ARGS_MAX_CALL bytes each way: a long line costs no more. */
	for (; p > text && p[-1] != '\n' && at - p < INIT_ARGS_MAX_CALL; p--) {
		if (p[-1] == ')')
			depth++;
		else if (p[-1] == '(' && depth-- == 0)
			break;
	}
	if (p == text || p[-1] != '(')
		return false;
	callee->end = p - 1;
	for (callee->p = callee->end;
	     callee->p > text && callee->end - callee->p < NAME_MAX_BYTES &&
	     (ia_ident_char((unsigned char)callee->p[-1]) || callee->p[-1] == '.');
	     callee->p--)
		;
	depth = 0;
	for (p = at; p < end && *p != '\n' && p - at < INIT_ARGS_MAX_CALL; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')' && depth-- == 0)
			break;
	}
	*rest = (struct span){ at, p };
	return true;
}

/*
 * What the script does with `args.left` (any `.left`) when the option's
 * name says nothing: given to a call that writes (`to_csv(`, `save(`,
 * `open(..., "w")`), an output; to one that opens, reads or loads, a file
 * (an input).
 */
static void usage_hints(struct init_args *out, size_t first, const char *text, size_t len)
{
	static const char *const writes[] = { "write",	    "save",    "dump",	   "to_csv",
					      "to_parquet", "to_json", "to_excel", NULL };
	static const char *const modes[] = {
		"\"w\"", "'w'", "\"wb\"", "'wb'", "\"a\"", "'a'", NULL
	};
	const char *end = text + len;
	unsigned seen[INIT_ARGS_MAX] = { 0 };

	for (const char *p = memchr(text, '.', len); p; p = memchr(p, '.', (size_t)(end - p))) {
		const char *w = ++p;
		struct span callee, rest;

		if (w - 1 == text || !ia_ident_char((unsigned char)w[-2]))
			continue;
		while (p < end && ia_ident_char((unsigned char)*p))
			p++;
		for (size_t i = first; i < out->nr && p > w; i++) {
			struct init_arg *a = &out->items[i];
			bool written = false;

			if (a->dir != INIT_ARG_UNKNOWN || a->not_file || !a->label ||
			    strlen(a->label) != (size_t)(p - w) ||
			    memcmp(a->label, w, (size_t)(p - w)) || i - first >= INIT_ARGS_MAX ||
			    ++seen[i - first] > 16)
				continue;
			/* Through wrappers: open(str(args.x), "w"). */
			for (int level = 0;
			     level < 3 && !written && !a->file &&
			     enclosing_call(text, end, level ? callee.p : w, &callee, &rest);
			     level++) {
				for (size_t k = 0; writes[k]; k++)
					written |= ia_span_has(callee, writes[k]);
				for (size_t k = 0; modes[k]; k++)
					written |= ia_span_has(rest, modes[k]);
				a->file = !written && (ia_span_has(callee, "open") ||
						       ia_span_has(callee, "read") ||
						       ia_span_has(callee, "load"));
			}
			if (written)
				a->dir = INIT_ARG_OUTPUT;
		}
	}
}

static void parse_argparse(struct init_args *out, const char *text, size_t len)
{
	static const char call[] = "add_argument(";
	const char *end = text + len;
	unsigned positions = 0;
	size_t first = out->nr, seen = 0;

	for (const char *p = text;
	     (size_t)(end - p) >= sizeof(call) - 1 && seen < INIT_ARGS_MAX_SEEN; p++) {
		if (memcmp(p, call, sizeof(call) - 1) ||
		    (p > text && ia_ident_char((unsigned char)p[-1])) ||
		    ia_comment_before(text, p, '#'))
			continue;
		seen++;
		p += sizeof(call) - 1;
		py_add_argument(out, p, end, &positions);
		p--;
	}
	usage_hints(out, first, text, len);
}

/* ---- Positions by index: sys.argv[N], ARGV[N], args[N] ---- */

bool ia_writes(const char *text, size_t len, const char *at, size_t n)
{
	const char *from = at - text > INIT_ARGS_MAX_CALL ? at - INIT_ARGS_MAX_CALL : text;
	const char *to = (size_t)(text + len - (at + n)) > INIT_ARGS_MAX_CALL
				 ? at + n + INIT_ARGS_MAX_CALL
				 : text + len;

	return init_mention_writes(from, (size_t)(to - from), at, n);
}

/* `int(`, `float(`, ...: what makes a number of its argument. */
static bool is_number_wrapper(const char *w, size_t n)
{
	static const char *const words[] = { "int",	 "float",      "as.numeric", "as.integer",
					     "parseInt", "parseFloat", "Number",     NULL };

	return word_in(w, n, words);
}

/*
 * The variable the value at `at` is assigned to (`x = `, `x <- `,
 * `my $x = `, through wrappers such as `Path(`), or NULL; `*number` when a
 * wrapper makes it a number (`int(sys.argv[2])`).
 */
char *ia_assigned_label(const char *text, const char *at, bool *number)
{
	const char *p = at, *w;

	*number = false;
	/* Within INIT_ARGS_MAX_CALL bytes before `at`. */
	if (at - text > INIT_ARGS_MAX_CALL)
		text = at - INIT_ARGS_MAX_CALL;
	for (;;) {
		while (p > text && (ia_is_blank(p[-1]) || p[-1] == '"'))
			p--;
		if (p == text || p[-1] != '(')
			break;
		p--;
		while (p > text && ia_is_blank(p[-1]))
			p--;
		w = p;
		while (p > text && (ia_ident_char((unsigned char)p[-1]) || p[-1] == '.'))
			p--;
		if (p == w)
			break;
		if (is_number_wrapper(p, (size_t)(w - p)))
			*number = true;
	}
	if (p >= text + 2 && p[-1] == '-' && p[-2] == '<')
		p -= 2;
	else if (p > text && p[-1] == '=' && !(p >= text + 2 && strchr("=!<>", p[-2])))
		p--;
	else
		return NULL;
	while (p > text && ia_is_blank(p[-1]))
		p--;
	w = p;
	while (p > text && ia_ident_char((unsigned char)p[-1]))
		p--;
	return ia_name_dup(p, (size_t)(w - p));
}

/*
 * Every `NAME[N]` (and `NAME[[N]]`) of `text`, NAME not inside a longer
 * name, as position N + offset.
 */
static void parse_indexed(struct init_args *out, const char *text, size_t len, const char *from,
			  const char *name, int offset, char comment)
{
	const char *end = text + len;
	size_t n = strlen(name), seen = 0;

	for (const char *p = from; p + n < end && seen < INIT_ARGS_MAX_SEEN; p++) {
		const char *q = p + n, *digits, *start = p;
		unsigned long k = 0;
		bool number;
		struct init_arg a = { 0 };

		if (memcmp(p, name, n) || (p > text && ia_ident_char((unsigned char)p[-1])))
			continue;
		if (*q != '[')
			continue;
		q++;
		if (q < end && *q == '[')
			q++;
		digits = q;
		while (q < end && *q >= '0' && *q <= '9' && q - digits < 3)
			k = k * 10 + (unsigned long)(*q++ - '0');
		if (q == digits || q >= end || *q != ']' || ia_comment_before(text, p, comment))
			continue;
		if ((long)k + offset < 1 || (long)k + offset > INIT_ARGS_MAX_POSITION)
			continue;
		seen++;
		a.position = (unsigned)((long)k + offset);
		/* `sys.argv`, `process.argv`, `$ARGV`: the whole value. */
		while (start > text && p - start < NAME_MAX_BYTES &&
		       (ia_ident_char((unsigned char)start[-1]) || start[-1] == '.' ||
			start[-1] == '$'))
			start--;
		a.label = ia_assigned_label(text, start, &number);
		a.not_file = number;
		a.dir = init_args_label_dir(a.label);
		if (a.dir == INIT_ARG_UNKNOWN && ia_writes(text, len, p, (size_t)(q + 1 - p)))
			a.dir = INIT_ARG_OUTPUT;
		ia_add_arg(out, &a);
	}
}

/* R: `commandArgs(...)[N]`, and `x[N]` for `x <- commandArgs(...)`. */
static void parse_r(struct init_args *out, const char *text, size_t len)
{
	static const char call[] = "commandArgs(";
	const char *end = text + len;
	int seen = 0;

	/* Each one reads the whole text again: a script has one or two. */
	for (const char *p = text; (size_t)(end - p) >= sizeof(call) - 1 && seen < 4; p++) {
		struct span items[CALL_MAX_ITEMS];
		bool number;
		char *var;
		size_t n;

		if (memcmp(p, call, sizeof(call) - 1) ||
		    (p > text && ia_ident_char((unsigned char)p[-1])) ||
		    ia_comment_before(text, p, '#'))
			continue;
		seen++;
		n = call_items(p + sizeof(call) - 1, end, items);
		if (n && items[n - 1].end + 1 < end && items[n - 1].end[1] == '[') {
			/* Index the call itself, as NAME[N] with NAME the call. */
			size_t m = (size_t)(items[n - 1].end + 1 - p);
			char *name = xstrndup(p, m);

			parse_indexed(out, text, len, p, name, 0, '#');
			free(name);
		}
		var = ia_assigned_label(text, p, &number);
		if (var)
			parse_indexed(out, text, len, text, var, 0, '#');
		free(var);
	}
}

/* Options first (in declaration order), then positions by number. */
static int by_kind_then_position(const void *a, const void *b)
{
	const struct init_arg *x = a, *y = b;

	if (!x->option != !y->option)
		return x->option ? -1 : 1;
	return (x->position > y->position) - (x->position < y->position);
}

void init_args_parse(struct init_args *out, const char *path, const char *text, size_t len)
{
	const char *name = fs_basename(path), *ext = strrchr(name, '.');
	size_t first = out->nr;

	if (!ext || len > INIT_MAX_SCRIPT_BYTES)
		return;
	if (!strcmp(ext, ".py")) {
		parse_argparse(out, text, len);
		parse_indexed(out, text, len, text, "argv", 0, '#');
	} else if (!strcmp(ext, ".sh") || !strcmp(ext, ".bash")) {
		init_args_parse_shell(out, text, len);
	} else if (!strcasecmp(ext, ".r")) {
		parse_r(out, text, len);
	} else if (!strcmp(ext, ".js")) {
		parse_indexed(out, text, len, text, "argv", -1, '/');
	} else if (!strcmp(ext, ".rb") || !strcmp(ext, ".pl")) {
		parse_indexed(out, text, len, text, "ARGV", 1, '#');
	}
	/* A stable order: options keep theirs (qsort is not stable, so by index). */
	if (out->nr - first > 1) {
		size_t options = 0;

		for (size_t i = first; i < out->nr; i++)
			if (out->items[i].option) {
				struct init_arg t = out->items[i];

				memmove(&out->items[first + options + 1],
					&out->items[first + options],
					(i - first - options) * sizeof(t));
				out->items[first + options++] = t;
			}
		qsort(&out->items[first + options], out->nr - first - options, sizeof(*out->items),
		      by_kind_then_position);
	}
}
