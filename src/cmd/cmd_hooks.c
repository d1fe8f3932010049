/* cmd_hooks.c - install or remove the git hooks in a user's repository. */
#include "cmd/cmd.h"

#include "dfc/commit_pipelines.h"
#include "dfc/error.h"
#include "dfc/hooks.h"
#include "dfc/printable.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *repo_dir;
static const char *since;
static bool rewritten;

static const struct opt options[] = {
	OPT_STRING(0, "repo", &repo_dir, "DIR",
		   "the git repository (default: the one holding the current folder)"),
	OPT_STRING(0, "since", &since, "REV",
		   "record: the pipelines changed between REV and HEAD (post-merge)"),
	OPT_BOOL(0, "rewritten", &rewritten,
		 "record: the commits named by 'OLD NEW' lines on stdin (post-rewrite)"),
	OPT_END(),
};

static const char *const usage[] = { "hooks install [--repo DIR]",
				     "hooks uninstall [--repo DIR]",
				     "hooks record [--since REV | --rewritten] [--repo DIR]", NULL };

/* The new commit of each "OLD NEW [EXTRA]" line git gives post-rewrite. */
static int read_rewritten(struct strvec *commits)
{
	char line[512];

	while (fgets(line, sizeof(line), stdin)) {
		char *sp = strchr(line, ' ');
		size_t len;

		if (line[0] == '\n')
			continue;
		len = sp ? strspn(sp + 1, "0123456789abcdef") : 0;
		if (len != 40 && len != 64)
			return dfc_hint(dfc_error(DFC_EUSAGE, "hooks record --rewritten: "
							      "bad line on stdin"),
					"give 'OLD NEW' commit ids, one pair a line, as git "
					"gives the post-rewrite hook");
		sp[1 + len] = '\0';
		strvec_push(commits, sp + 1);
	}
	return 0;
}

/* The file's path as the user knows it, safe on a terminal. */
static char *shown_path(const char *path)
{
	struct buf b = BUF_INIT;

	printable_quote(&b, path, SIZE_MAX);
	return buf_detach(&b, NULL);
}

/*
 * Record every pipeline file the commit (merge, rewrite) changed, as the
 * hooks do: one line per version recorded; a file that cannot be recorded
 * is reported and the others still are.
 */
static int record(struct cmd_ctx *ctx, const char *dir)
{
	struct commit_pipelines cp = COMMIT_PIPELINES_INIT;
	struct strvec commits = STRVEC_INIT;
	const struct commit_range range = { since, &commits };
	struct update_options o = { NULL, false, NULL, true, true };
	int ret, failed = 0;

	if (since && rewritten)
		return dfc_hint(dfc_error(DFC_EUSAGE, "hooks record: --since and --rewritten "
						      "do not go together"),
				"give one of them, or neither for HEAD alone");
	if ((rewritten && (ret = read_rewritten(&commits)) < 0) ||
	    (ret = commit_pipelines_find(&cp, dir, &range)) < 0)
		goto out;
	o.message = cp.subject;
	o.source_commit = cp.head;
	/* As git runs hooks: from the top of the work tree, paths relative to it. */
	if (chdir(cp.workdir) < 0) {
		ret = dfc_error(DFC_EINTERNAL, "cannot enter the work tree '%s': %s", cp.workdir,
				strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < cp.differs.nr; i++) {
		char *shown = shown_path(cp.differs.items[i]);

		cmd_note(ctx, "%s: not recorded, the work tree differs from the commit", shown);
		free(shown);
	}
	for (size_t i = 0; i < cp.record.nr; i++) {
		const char *path = cp.record.items[i];
		char *shown = shown_path(path);
		struct record_result res;
		int r = cmd_update_file(ctx, path, &o, &res);

		if (r < 0) {
			cmd_print_error(r);
			if (!ret)
				ret = r;
			failed++;
		} else if (res.recorded && !ctx->quiet) {
			printf("data-factory-cli: recorded %s as version %d\n", shown, res.version);
		}
		fflush(stdout);
		free(shown);
	}
	if (ret < 0)
		dfc_error(ret, "%d of %zu pipeline files not recorded", failed, cp.record.nr);
out:
	strvec_release(&commits);
	commit_pipelines_release(&cp);
	return ret;
}

static int run(struct cmd_ctx *ctx, int argc, char **argv)
{
	char tool[PATH_MAX];
	char *hooks_dir = NULL;
	const char *dir = repo_dir ? repo_dir : ".";
	ssize_t len;
	int ret;

	(void)argc;
	if (!strcmp(argv[0], "install")) {
		len = readlink("/proc/self/exe", tool, sizeof(tool) - 1);
		if (len < 0) {
			ret = dfc_error(DFC_EINTERNAL, "cannot find this program's path");
			goto out;
		}
		tool[len] = '\0';
		if ((ret = hooks_install(&hooks_dir, dir, tool)) == 0)
			cmd_note(ctx, "installed pre-commit, post-commit, post-merge and post-rewrite "
				 "in %s", hooks_dir);
	} else if (!strcmp(argv[0], "record")) {
		ret = record(ctx, dir);
	} else if (!strcmp(argv[0], "uninstall")) {
		if ((ret = hooks_uninstall(&hooks_dir, dir)) == 0)
			cmd_note(ctx, "removed the hooks from %s", hooks_dir);
	} else {
		ret = dfc_hint(dfc_error(DFC_EUSAGE, "unknown hooks action '%s'", argv[0]),
			       "use 'hooks install', 'hooks uninstall' or 'hooks record'");
	}
out:
	free(hooks_dir);
	return ret;
}

const struct command cmd_hooks = {
	.name = "hooks",
	.summary = "install or remove the git hooks in a repository",
	.usage = usage,
	.options = options,
	.needs = NEEDS_STORE,
	.min_args = 1,
	.max_args = 1,
	.run = run,
};
