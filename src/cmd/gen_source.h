/*
 * gen_source.h - what `generate` and `run` turn into a script: a pipeline
 * file (-f), a recorded local version (-i ID -v N) or a catalog version as
 * last fetched (-i ID -v N --from-catalog), loaded into a generate_input.
 */
#ifndef DFC_CMD_GEN_SOURCE_H
#define DFC_CMD_GEN_SOURCE_H

#include "cmd/cmd.h"

#include "dfc/catalog_read.h"
#include "dfc/generate.h"

struct gen_source {
	struct working_file wf;
	struct version_info info;
	struct catalog_version cv;
	/** Script contents of -i and --from-catalog. */
	struct script_files scripts;
	/** The pipeline of -i and --from-catalog (owned reference). */
	json_t *root;
	/** Stored catalog datasets to embed, and their contents. */
	struct embedded_dataset *datasets;
	struct buf *contents;
	char **names;
	size_t nr_datasets;
	char *origin;
	char *regenerate;
	/** With -f: the folder of the pipeline file (absolute). */
	char *file_dir;
	/** Filled by gen_source_load(); borrows from the fields above. */
	struct generate_input input;
};

#define GEN_SOURCE_INIT                                                                            \
	{                                                                                          \
		.wf = WORKING_FILE_INIT, .scripts = SCRIPT_FILES_INIT                              \
	}

/** Which pipeline the options name (exactly one of file and id). */
struct gen_request {
	const char *file;
	const char *id;
	int version;
	bool from_catalog;
};

/**
 * Check the options of `req` (usage errors for -f with -i, -v or
 * --from-catalog with -f, ...) and load what they name into `src`,
 * opening the store only for -i. Returns 0 or a negative code.
 */
int gen_source_load(struct cmd_ctx *ctx, struct gen_source *src, const struct gen_request *req);

void gen_source_release(struct gen_source *src);

#endif
