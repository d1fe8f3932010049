/* refs.c - the names of the branches, tags, tracking, base and run refs of pipelines. */
#include "dfc/refs.h"

#include "dfc/digest.h"
#include "dfc/xalloc.h"

#include <string.h>

char *refs_branch(const char *id)
{
	return xasprintf(REFS_BRANCH_PREFIX "%s", id);
}

char *refs_tag(const char *id, int version)
{
	return xasprintf(REFS_TAG_PREFIX "%s/v%d", id, version);
}

char *refs_tag_prefix(const char *id)
{
	return xasprintf(REFS_TAG_PREFIX "%s/", id);
}

char *refs_tracking(const char *id)
{
	return xasprintf(REFS_TRACKING_PREFIX "%s", id);
}

char *refs_share(const char *id, size_t n)
{
	return xasprintf(REFS_SHARE_PREFIX "%s/%zu", id, n);
}

char *refs_runs(const char *id)
{
	return xasprintf(REFS_RUNS_PREFIX "%s", id);
}

char *refs_runs_tracking(const char *id)
{
	return xasprintf(REFS_RUNS_TRACKING_PREFIX "%s", id);
}

char *refs_runs_fetch_refspec(const char *id)
{
	if (!id)
		return xstrdup("+" REFS_RUNS_PREFIX "*:" REFS_RUNS_TRACKING_PREFIX "*");
	return xasprintf("+" REFS_RUNS_PREFIX "%s:" REFS_RUNS_TRACKING_PREFIX "%s", id, id);
}

char *refs_catalog_base(const char *key, const char *id)
{
	char hash[SHA256_HEX_SIZE];

	/* A URL holds characters no ref may: a hash of it names it. */
	sha256_buffer(hash, key, strlen(key));
	return xasprintf(REFS_BASE_PREFIX "%.16s/%s", hash, id);
}

char *refs_fetch_refspec(const char *id)
{
	if (!id)
		return xstrdup("+" REFS_BRANCH_PREFIX "*:" REFS_TRACKING_PREFIX "*");
	return xasprintf("+" REFS_BRANCH_PREFIX "%s:" REFS_TRACKING_PREFIX "%s", id, id);
}

const char *refs_skip_prefix(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(name, prefix, n) ? NULL : name + n;
}
