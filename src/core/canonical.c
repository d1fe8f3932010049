/* canonical.c - write a pipeline in its canonical JSON form. */
#include "dfc/canonical.h"

#include "dfc/xalloc.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One open array or object on the emitter's own stack. */
struct frame {
	json_t *value;
	/* Next member of an object, or next index of an array. */
	void *iter;
	size_t index;
	size_t written;
	/* The top-level object: "id" first, then the rest without it. */
	bool top;
	bool id_done;
};

static void add_indent(struct buf *out, size_t depth)
{
	static const char spaces[] = "                                ";
	size_t n = depth * 2;

	while (n) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		buf_add(out, spaces, k);
		n -= k;
	}
}

/* The letter of a control character's short escape ("\\n"), or 0. */
static const char short_escapes[0x20] = {
	['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n', ['\f'] = 'f', ['\r'] = 'r',
};

static void add_string(struct buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;

	buf_grow(out, len + 2);
	buf_addch(out, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		char esc[6] = {'\\', 'u', '0', '0'};

		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		buf_add(out, s + run, i - run);
		run = i + 1;
		if (ch >= 0x20 || short_escapes[ch]) {
			esc[1] = ch >= 0x20 ? (char)ch : short_escapes[ch];
			buf_add(out, esc, 2);
		} else {
			esc[4] = hex[ch >> 4];
			esc[5] = hex[ch & 15];
			buf_add(out, esc, 6);
		}
	}
	buf_add(out, s + run, len - run);
	buf_addch(out, '"');
}

/*
 * The shortest decimal digits that read back as `v` (as Python's repr()
 * finds them), written in fixed notation when the exponent is within
 * [-4, 16) and in exponent notation otherwise, always with a '.' or an
 * 'e' so the text reads back as a real and not as an integer.
 */
static void add_real(struct buf *out, double v)
{
	char tmp[40], digits[20];
	size_t nd = 0;
	const char *p;
	int prec, exp10;

	if (v == 0 || !isfinite(v)) {
		/* jansson holds no NaN or infinity; be safe all the same. */
		buf_adds(out, signbit(v) ? "-0.0" : "0.0");
		return;
	}
	for (prec = 1; prec < 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, v);
	/* Pick the digits and exponent out of "-d.ddde+XX", whatever the
	 * locale's decimal point is. */
	p = tmp;
	if (*p == '-') {
		buf_addch(out, '-');
		p++;
	}
	for (; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9')
			digits[nd++] = *p;
	exp10 = atoi(p + 1);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;

	if (exp10 < -4 || exp10 >= 16) {
		buf_addch(out, digits[0]);
		if (nd > 1) {
			buf_addch(out, '.');
			buf_add(out, digits + 1, nd - 1);
		}
		buf_addf(out, "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
	} else if (exp10 < 0) {
		buf_adds(out, "0.");
		for (int i = -1; i > exp10; i--)
			buf_addch(out, '0');
		buf_add(out, digits, nd);
	} else {
		size_t whole = (size_t)exp10 + 1;

		for (size_t i = 0; i < whole; i++)
			buf_addch(out, i < nd ? digits[i] : '0');
		buf_addch(out, '.');
		if (nd > whole)
			buf_add(out, digits + whole, nd - whole);
		else
			buf_addch(out, '0');
	}
}

/* Write a scalar, or an empty container; return true when it was one. */
static bool add_leaf(struct buf *out, json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		if (json_object_size(v))
			return false;
		buf_add(out, "{}", 2);
		return true;
	case JSON_ARRAY:
		if (json_array_size(v))
			return false;
		buf_add(out, "[]", 2);
		return true;
	case JSON_STRING:
		add_string(out, json_string_value(v), json_string_length(v));
		return true;
	case JSON_INTEGER:
		buf_addf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return true;
	case JSON_REAL:
		add_real(out, json_real_value(v));
		return true;
	case JSON_TRUE:
		buf_add(out, "true", 4);
		return true;
	case JSON_FALSE:
		buf_add(out, "false", 5);
		return true;
	case JSON_NULL:
		buf_add(out, "null", 4);
		return true;
	}
	return true;
}

/*
 * The next member of the object in `f`: its key in `*key`/`*key_len` and
 * its value, or NULL when there are no more.
 */
static json_t *next_member(struct frame *f, const char **key, size_t *key_len)
{
	if (f->top && !f->id_done) {
		json_t *id = json_object_get(f->value, "id");

		f->id_done = true;
		if (id) {
			*key = "id";
			*key_len = 2;
			return id;
		}
	}
	for (; f->iter; f->iter = json_object_iter_next(f->value, f->iter)) {
		json_t *v = json_object_iter_value(f->iter);

		*key = json_object_iter_key(f->iter);
		*key_len = json_object_iter_key_len(f->iter);
		if (f->top && *key_len == 2 && !memcmp(*key, "id", 2))
			continue;
		f->iter = json_object_iter_next(f->value, f->iter);
		return v;
	}
	return NULL;
}

/* Open the non-empty container `v` as a new frame. */
static void push(struct frame **stack, size_t *nr, size_t *alloc, json_t *v, struct buf *out,
		 bool top)
{
	struct frame *f;

	XGROW(*stack, *alloc, *nr + 1);
	f = &(*stack)[(*nr)++];
	memset(f, 0, sizeof(*f));
	f->value = v;
	f->top = top;
	if (json_is_object(v)) {
		f->iter = json_object_iter(v);
		buf_addch(out, '{');
	} else {
		buf_addch(out, '[');
	}
}

void canonical_dump(struct buf *out, const json_t *root)
{
	/* jansson's getters take non-const pointers; nothing is changed. */
	json_t *value = (json_t *)root;
	struct frame *stack = NULL;
	size_t nr = 0, alloc = 0;

	if (!add_leaf(out, value))
		push(&stack, &nr, &alloc, value, out, json_is_object(value));
	while (nr) {
		struct frame *f = &stack[nr - 1];
		const char *key = NULL;
		size_t key_len = 0;
		json_t *child;

		if (json_is_object(f->value))
			child = next_member(f, &key, &key_len);
		else
			child = json_array_get(f->value, f->index++);
		if (!child) {
			bool object = json_is_object(f->value);

			nr--;
			buf_addch(out, '\n');
			add_indent(out, nr);
			buf_addch(out, object ? '}' : ']');
			continue;
		}
		if (f->written++)
			buf_addch(out, ',');
		buf_addch(out, '\n');
		add_indent(out, nr);
		if (key) {
			add_string(out, key, key_len);
			buf_add(out, ": ", 2);
		}
		if (!add_leaf(out, child))
			push(&stack, &nr, &alloc, child, out, false);
	}
	buf_addch(out, '\n');
	free(stack);
}
