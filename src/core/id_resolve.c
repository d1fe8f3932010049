/* id_resolve.c - -i ID as a full id, a unique prefix or a unique pipeline name. */
#include "dfc/id_resolve.h"

#include "dfc/buf.h"
#include "dfc/error.h"
#include "dfc/ids.h"
#include "dfc/printable.h"
#include "dfc/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Longest name shown in the list of candidates. */
#define NAME_SHOWN_MAX 60

/* The pipelines of `all` that `given` names, into `hits` (room for all). */
static size_t find_matches(const struct name_list *all, const char *given, size_t *hits,
			   size_t *short_prefixes)
{
	size_t len = strlen(given), nr = 0;

	*short_prefixes = 0;
	for (size_t i = 0; i < all->nr; i++) {
		const struct pipeline_name *p = &all->items[i];
		bool prefix = len && !strncmp(p->id, given, len);
		bool named = len && p->name && !strcmp(p->name, given);

		if (named || (prefix && len >= ID_PREFIX_MIN))
			hits[nr++] = i;
		else if (prefix)
			(*short_prefixes)++;
	}
	return nr;
}

static int ambiguous(const char *given, const struct name_list *all, const size_t *hits,
		     size_t nr)
{
	struct buf quoted = BUF_INIT;
	int ret;

	printable_quote(&quoted, given, NAME_SHOWN_MAX);
	ret = dfc_error(DFC_EUSAGE, "'%s' matches %zu pipelines", buf_cstr(&quoted), nr);
	for (size_t k = 0; k < nr && k < ID_CANDIDATES_SHOWN; k++) {
		const struct pipeline_name *p = &all->items[hits[k]];

		buf_reset(&quoted);
		printable_quote(&quoted, p->name ? p->name : "(no name)", NAME_SHOWN_MAX);
		dfc_hint(ret, "%s  %s", p->id, buf_cstr(&quoted));
	}
	if (nr > ID_CANDIDATES_SHOWN)
		dfc_hint(ret, "and %zu more", nr - ID_CANDIDATES_SHOWN);
	dfc_hint(ret, "give the whole id, or enough of its first characters to be unique");
	buf_release(&quoted);
	return ret;
}

int pipeline_id_resolve(struct store *store, const char *given, char **out)
{
	struct name_list all = NAME_LIST_INIT;
	size_t *hits = NULL, nr, short_prefixes;
	int ret;

	*out = NULL;
	if (pipeline_id_is_safe(given) && store_has_pipeline(store, given)) {
		*out = xstrdup(given);
		return 0;
	}
	if ((ret = store_list_names(store, &all)) < 0)
		goto out;
	hits = xcalloc(all.nr + 1, sizeof(*hits));
	nr = find_matches(&all, given, hits, &short_prefixes);
	if (nr == 1)
		*out = xstrdup(all.items[hits[0]].id);
	else if (nr > 1)
		ret = ambiguous(given, &all, hits, nr);
	else if ((ret = pipeline_id_check(given)) < 0)
		; /* unsafe, and no name: refused as before */
	else if (short_prefixes)
		ret = dfc_hint(dfc_error(DFC_ENOTFOUND, "no pipeline '%s' in the local store", given),
			       "%zu id%s begin%s with '%s': give at least %d characters of one",
			       short_prefixes, short_prefixes == 1 ? "" : "s",
			       short_prefixes == 1 ? "s" : "", given, ID_PREFIX_MIN);
	else
		*out = xstrdup(given);
out:
	free(hits);
	name_list_release(&all);
	return ret;
}

int pipeline_id_words(struct store *store, struct strvec *out)
{
	struct name_list all = NAME_LIST_INIT;
	size_t *hits = NULL, short_prefixes;
	int ret;

	if ((ret = store_list_names(store, &all)) < 0)
		goto out;
	hits = xcalloc(all.nr + 1, sizeof(*hits));
	for (size_t i = 0; i < all.nr; i++)
		strvec_push(out, all.items[i].id);
	for (size_t i = 0; i < all.nr; i++) {
		const char *name = all.items[i].name;

		/* Only a name that -i takes for this pipeline, and no id of another. */
		if (!name || (pipeline_id_is_safe(name) && store_has_pipeline(store, name)) || !printable_as_is(name) ||
		    find_matches(&all, name, hits, &short_prefixes) != 1 || hits[0] != i)
			continue;
		strvec_push(out, name);
	}
out:
	free(hits);
	name_list_release(&all);
	return ret;
}
