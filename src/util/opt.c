/* opt.c - option tables parsed with getopt_long. */
#define _GNU_SOURCE
#include "dfc/opt.h"

#include "dfc/buf.h"
#include "dfc/error.h"
#include "dfc/xalloc.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* getopt_long's `val` for long-only options: 256 + position in the table. */
#define LONG_ONLY_BASE 256
#define HELP_VAL 'h'

int opt_count(const struct opt *opts)
{
	int n = 0;

	while (opts[n].type != OPT_TYPE_END)
		n++;
	return n;
}

/* The option as typed: --long when it has a long name, else -c. */
static int parse_positive(int *out, const char *text, const struct opt *o)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < 1 || v > INT_MAX) {
		if (o->long_name)
			return dfc_error(DFC_EUSAGE,
					 "option '--%s' expects a positive number, not '%s'",
					 o->long_name, text);
		return dfc_error(DFC_EUSAGE, "option '-%c' expects a positive number, not '%s'",
				 o->short_name, text);
	}
	*out = (int)v;
	return 0;
}

static int store_value(const struct opt *o, const char *arg)
{
	switch (o->type) {
	case OPT_TYPE_BOOL:
		*(bool *)o->value = true;
		return 0;
	case OPT_TYPE_STRING:
		*(const char **)o->value = arg;
		return 0;
	case OPT_TYPE_INT:
		return parse_positive(o->value, arg, o);
	case OPT_TYPE_STRING_LIST:
		strvec_push(o->value, arg);
		return 0;
	case OPT_TYPE_END:
		break;
	}
	return dfc_error(DFC_EINTERNAL, "bad option table");
}

int opt_parse(int argc, char **argv, const struct opt *const *tables,
	      bool stop_at_first, int *npos, bool *help)
{
	const struct opt **flat = NULL;
	struct option *longs = NULL;
	struct buf shorts = BUF_INIT;
	size_t nflat = 0, alloc_flat = 0, nlong = 0;
	int ret = 0, c;

	*help = false;
	buf_adds(&shorts, stop_at_first ? "+:h" : ":h");
	for (const struct opt *const *t = tables; *t; t++) {
		for (const struct opt *o = *t; o->type != OPT_TYPE_END; o++) {
			XGROW(flat, alloc_flat, nflat + 1);
			flat[nflat++] = o;
		}
	}
	longs = xcalloc(nflat + 2, sizeof(*longs));
	for (size_t i = 0; i < nflat; i++) {
		const struct opt *o = flat[i];
		int has_arg = o->type == OPT_TYPE_BOOL ? no_argument
						       : required_argument;

		if (o->short_name) {
			buf_addch(&shorts, (char)o->short_name);
			if (has_arg)
				buf_addch(&shorts, ':');
		}
		if (o->long_name) {
			longs[nlong].name = o->long_name;
			longs[nlong].has_arg = has_arg;
			longs[nlong].val = o->short_name ? o->short_name
							 : LONG_ONLY_BASE + (int)i;
			nlong++;
		}
	}
	longs[nlong].name = "help";
	longs[nlong].val = HELP_VAL;

	optind = 0; /* 0 makes glibc reinitialise, so opt_parse can run twice */
	opterr = 0;
	while ((c = getopt_long(argc, argv, buf_cstr(&shorts), longs, NULL)) != -1) {
		const struct opt *o = NULL;

		if (c == HELP_VAL) {
			*help = true;
			continue;
		}
		if (c == '?' || c == ':') {
			const char *bad = argv[optind - 1];

			if (optopt && optopt < LONG_ONLY_BASE && bad[1] != '-')
				ret = dfc_error(DFC_EUSAGE,
						c == ':' ? "option '-%c' needs a value"
							 : "unknown option '-%c'",
						optopt);
			else
				ret = dfc_error(DFC_EUSAGE,
						c == ':' ? "option '%s' needs a value"
							 : "unknown option '%s'",
						bad);
			goto out;
		}
		if (c >= LONG_ONLY_BASE) {
			o = flat[c - LONG_ONLY_BASE];
		} else {
			for (size_t i = 0; i < nflat && !o; i++)
				if (flat[i]->short_name == c)
					o = flat[i];
		}
		if (!o) {
			ret = dfc_error(DFC_EINTERNAL, "option table mismatch");
			goto out;
		}
		/*
		 * `-i=ID` as `--id=ID`, `-i ID` and `-iID` are: what `--id=`
		 * users type for the short form, and what completion offers.
		 */
		if (optarg && c < LONG_ONLY_BASE && optarg[0] == '=' &&
		    optarg == argv[optind - 1] + 2)
			optarg++;
		if ((ret = store_value(o, optarg)) < 0)
			goto out;
	}
	/* getopt_long moved the positional arguments to argv[optind..]. */
	*npos = argc - optind;
	memmove(argv, argv + optind, (size_t)*npos * sizeof(*argv));
out:
	buf_release(&shorts);
	free(longs);
	free(flat);
	return ret;
}

void opt_print_help(FILE *out, const struct opt *opts)
{
	for (const struct opt *o = opts; o->type != OPT_TYPE_END; o++) {
		struct buf left = BUF_INIT;

		if (o->short_name && o->long_name)
			buf_addf(&left, "-%c, --%s", o->short_name, o->long_name);
		else if (o->short_name)
			buf_addf(&left, "-%c", o->short_name);
		else
			buf_addf(&left, "    --%s", o->long_name);
		if (o->arg_name)
			buf_addf(&left, " %s", o->arg_name);
		fprintf(out, "  %-26s %s\n", buf_cstr(&left), o->help);
		buf_release(&left);
	}
	fprintf(out, "  %-26s %s\n", "-h, --help", "show this help");
}
