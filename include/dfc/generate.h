/**
 * generate.h - one self-contained bash script that runs a pipeline
 * (SPEC §6), on this machine or as one Slurm job per step (SPEC §13).
 *
 * The script needs bash (4.3 or newer), coreutils and the scripts'
 * interpreters (curl only when a dataset has a URL). It embeds every
 * script (checked against its git blob id when run) and every dataset
 * stored in the catalog; runs the steps in dependency order, in parallel
 * with --jobs N, skipping steps that are up to date; and never lets the
 * shell evaluate an argument. The same input gives byte-identical output.
 */
#ifndef DFC_GENERATE_H
#define DFC_GENERATE_H

#include "dfc/buf.h"
#include "dfc/scripts.h"

#include <jansson.h>

/** Content of a dataset stored in the catalog, embedded in the script. */
struct embedded_dataset {
	/** Dataset node id (borrowed). */
	const char *node_id;
	/** File name to give it in the run folder (borrowed). */
	const char *name;
	const char *data;
	size_t len;
};

/** Where the script runs the steps. */
enum generate_target {
	/** On the machine that runs the script (the default). */
	GENERATE_BASH,
	/**
	 * On a Slurm cluster: the script submits one job per step with sbatch,
	 * each depending (afterok) on the jobs of the steps before it, and
	 * maps each node's "resources" to sbatch options.
	 */
	GENERATE_SLURM,
};

/**
 * Parse a --target value ("bash", "slurm"; NULL is bash) into `*out`.
 * Returns 0, or DFC_EUSAGE (with a hint) for anything else.
 */
int generate_target_parse(enum generate_target *out, const char *name);

struct generate_input {
	/** The pipeline (borrowed): local or catalog form, validated. */
	const json_t *pipeline;
	/** Content of every script node, by node id. */
	const struct script_files *scripts;
	/** Datasets to embed (catalog copies), may be NULL / 0. */
	const struct embedded_dataset *datasets;
	size_t nr_datasets;
	/**
	 * Where it came from, for the header: e.g. "pipeline 0190... version 3
	 * (local)", "pipeline 0190... version 2 (catalog)", "file pipeline.json".
	 */
	const char *origin;
	/** The command that regenerates it, for the header. */
	const char *regenerate;
	/** The version it was read from (local or catalog); 0 for a file. */
	int version;
	/**
	 * That version's content fingerprint (fingerprint.h), as its trailer
	 * records it, or NULL: computed from the pipeline and its scripts
	 * (which costs a canonical form of the whole pipeline).
	 */
	const char *fingerprint;
	enum generate_target target;
	/** Slurm: options for every job (borrowed; each starts with '-'). */
	const char *const *sbatch_args;
	size_t nr_sbatch_args;
};

/**
 * Append the script to `out`. Refuses with DFC_ESECURITY a node id or a
 * dataset path that could escape the run folder (absolute paths and `..`
 * components for outputs are refused; see docs/DECISIONS.md), and with
 * DFC_EDEPEND a script node without content.
 */
int generate_script(struct buf *out, const struct generate_input *in);

#endif
