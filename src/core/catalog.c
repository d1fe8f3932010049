/* catalog.c - where the shared catalog is: its URL, token and local path. */
#include "dfc/catalog.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* The path of a catalog on this machine, or NULL for a network URL. */
static char *local_path_of(const char *url)
{
	const char *colon = strchr(url, ':');
	const char *slash = strchr(url, '/');
	char *path = NULL;

	if (!strncmp(url, "file://", 7))
		return xstrdup(url + 7);
	if (strstr(url, "://"))
		return NULL;
	/* scp-like ssh: host:path, the colon before any slash */
	if (colon && (!slash || colon < slash))
		return NULL;
	if (fs_absolute(&path, url) < 0) {
		dfc_error_clear();
		return xstrdup(url);
	}
	return path;
}

int catalog_open(struct catalog *cat, struct store *store, const struct config *cfg)
{
	const char *url = cfg->catalog_url, *token = cfg->token;

	memset(cat, 0, sizeof(*cat));
	cat->store = store;
	if (url && *url) {
		cat->url = xstrdup(url);
	} else {
		cat->url = fs_path_join(store->home, "catalog.git");
		cat->is_default = true;
	}
	cat->local_path = local_path_of(cat->url);
	cat->shown_url = cat->local_path ? xstrdup(cat->local_path) : url_redact(cat->url);
	cat->token = token && *token ? xstrdup(token) : NULL;
	cat->max_dataset_bytes = cfg->max_dataset_bytes;
	cat->cache_dir = fs_path_join(store->home, "cache");
	cat->download.cache_dir = cat->cache_dir;
	return 0;
}

void catalog_release(struct catalog *cat)
{
	free(cat->url);
	free(cat->shown_url);
	free_secret(cat->token);
	free(cat->local_path);
	free(cat->cache_dir);
	git_remote_free(cat->remote);
	git_repository_free(cat->local_repo);
	if (cat->push_remote)
		git_remote_disconnect(cat->push_remote);
	git_remote_free(cat->push_remote);
	git_repository_free(cat->push_repo);
	memset(cat, 0, sizeof(*cat));
}
