/**
 * lineage.h - where a file came from (SPEC §14): the recorded run and step
 * that wrote exactly its content (by sha256), what that step read, and so
 * on down to the source datasets; and whether each is still what the
 * pipeline's latest version would make.
 *
 * The trace reads recorded runs only (runs.h): the newest run that wrote a
 * content is the one named. Files are nodes of a graph, not of a tree: a
 * content two steps read is traced once.
 */
#ifndef DFC_LINEAGE_H
#define DFC_LINEAGE_H

#include "dfc/digest.h"
#include "dfc/runs.h"
#include "dfc/store.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/** One content in the trace. */
struct lineage_file {
	/** Its path as the record names it (for the first: as given). Owned. */
	char *path;
	char sha256[SHA256_HEX_SIZE];
	/** Its size in bytes, -1 when not known. */
	long long size;
	/** The run whose step wrote it, NULL for a source (borrowed from the run list). */
	const struct run_entry *run;
	/** That step's line of the record (borrowed), NULL for a source. */
	const json_t *step;
	/** What the step read: positions in the lineage's files. Owned. */
	size_t *inputs;
	size_t nr_inputs;
	/** Filled by lineage_check(): still what the latest version makes. */
	bool current;
	/** Why not (owned), NULL when current or for a source. */
	char *changed;
};

struct lineage {
	struct lineage_file *files;
	size_t nr;
	size_t alloc;
};

#define LINEAGE_INIT { NULL, 0, 0 }

void lineage_release(struct lineage *l);

/**
 * Trace the content `sha256` (of size `size`, -1 unknown) of `path`
 * through the recorded runs `runs` (newest first): files[0] is that
 * content, written by files[0].run (NULL when no recorded run wrote it,
 * and then nothing else is traced). Each step's inputs are traced the same
 * way, by their recorded sha256.
 */
void lineage_trace(struct lineage *out, const struct run_list *runs, const char *path,
		   const char sha256[SHA256_HEX_SIZE], long long size);

/**
 * Whether each traced content is still what the latest version of its
 * pipeline would make: the step is in it with the same script, command
 * and arguments as the version that ran, and what it read is current too
 * (a source: the file in the run's work folder, when this machine has it,
 * still has the content the run read). Sets `current` and `changed`.
 */
void lineage_check(struct lineage *l, struct store *store);

#endif
