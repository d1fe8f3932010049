/* cmd_create.c - record version 1 of a pipeline and give the file its id. */
#include "cmd/cmd.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/ids.h"
#include "dfc/insert_id.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *message;
static bool new_id;

static const struct opt options[] = {
	OPT_STRING('m', "message", &message, "MSG", "use MSG as the version's message"),
	OPT_BOOL(0, "new-id", &new_id,
		 "give FILE a new id in place of the one it has (a copy of another pipeline file)"),
	OPT_END(),
};

static const char *const usage[] = {
	"create FILE [-m MSG]",
	"create --new-id FILE [-m MSG]",
	NULL
};

/* Refuse before recording anything when the id could not be written back. */
static int check_writable(const char *path, const char *given)
{
	char *dir = fs_dirname(path);
	int ok = access(path, W_OK) == 0 && access(dir, W_OK) == 0;
	int err = errno;
	int ret = 0;

	if (!ok) {
		ret = dfc_error(DFC_EUSAGE, "cannot write the id into '%s': %s", given,
				strerror(err));
		/* The id goes in through a new file renamed over the old one. */
		dfc_hint(ret, "make '%s' and its folder '%s' writable, then run the command again",
			 path, dir);
	}
	free(dir);
	return ret;
}

/*
 * Give the document of `wf` the new id `id`, and put into `out` the file's
 * bytes with it: inserted, or in place of the id it had.
 */
static int set_new_id(struct working_file *wf, const char *id, bool had_id, struct buf *out)
{
	json_object_set_new(wf->pipeline.root, "id", json_string(id));
	if (had_id)
		return replace_id(out, wf->pipeline.source, wf->pipeline.source_len, id);
	return insert_id(out, wf->pipeline.source, wf->pipeline.source_len, id);
}

static int run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct working_file wf = WORKING_FILE_INIT;
	struct record_result res;
	struct record_request req = { 0 };
	struct buf with_id = BUF_INIT;
	char generated[UUID_STR_SIZE];
	const char *id;
	bool adopted, had_id;
	int ret;

	(void)argc;
	if ((ret = working_file_load(&wf, argv[0], true)) < 0)
		goto out;
	id = pipeline_id(&wf.pipeline);
	had_id = id != NULL;
	adopted = had_id && !new_id;
	/* The new bytes are ready before anything is recorded. */
	if (!adopted) {
		if ((ret = check_writable(wf.path, argv[0])) < 0 ||
		    (ret = uuid7_generate(generated)) < 0 ||
		    (ret = set_new_id(&wf, generated, had_id, &with_id)) < 0)
			goto out;
		id = generated;
	}
	working_file_request(&wf, &req, id, message);
	req.create = true;
	if ((ret = cmd_open_store(ctx, true)) < 0 ||
	    (ret = store_record(&ctx->store, &req, &res)) < 0)
		goto out;
	if (!adopted && (ret = fs_write_atomic(wf.path, with_id.data, with_id.len, -1)) < 0) {
		if (had_id)
			dfc_hint(ret, "version 1 is recorded as '%s'; set \"id\" to \"%s\" in '%s' "
				 "by hand", id, id, argv[0]);
		else
			dfc_hint(ret, "version 1 is recorded as '%s'; add \"id\": \"%s\" to '%s' "
				 "by hand", id, id, argv[0]);
		goto out;
	}
	printf("%s\n", id);
	if (ctx->verbose)
		cmd_note(ctx, "recorded version 1 of %s (commit %.12s)", id, res.commit);
out:
	buf_release(&with_id);
	working_file_release(&wf);
	return ret;
}

const struct command cmd_create = {
	.name = "create",
	.summary = "record version 1 of a pipeline file and write its id into it",
	.usage = usage,
	.options = options,
	.needs = NEEDS_STORE,
	.min_args = 1,
	.max_args = 1,
	.run = run,
};
