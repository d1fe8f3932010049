/**
 * run_record.h - a run record (`.dfc/runs/<run id>.json`, docs/run-record.md)
 * read and checked (SPEC §14).
 *
 * A record is JSON Lines: a `run` line first, a `step` line per step that
 * ran or failed, `skipped` lines, and an `end` line when the run ended. A
 * last line without its newline is ignored (a run killed mid-write); a
 * record without an `end` line is a run that did not end ("unfinished").
 * In the record of a Slurm run (`script.target` "slurm"), whose jobs
 * append from several nodes, a line that is not JSON is skipped as
 * garbled; anywhere else it refuses the record.
 * Records come from work folders anyone can write: everything the tool
 * uses from one is checked here, and every message names the file quoted
 * so that it is safe on a terminal.
 */
#ifndef DFC_RUN_RECORD_H
#define DFC_RUN_RECORD_H

#include "dfc/fingerprint.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/** The record format this tool reads (the `format` of the `run` line). */
#define RUN_RECORD_FORMAT 1

/** Room for a run id: `YYYYMMDDTHHMMSSZ-<pid>-<4 hex>` and a NUL. */
#define RUN_ID_SIZE 48

/** Longest line read (a step with many inputs stays far below it). */
#define RUN_RECORD_MAX_LINE ((size_t)8 << 20)

/** Largest record file read. */
#define RUN_RECORD_MAX_BYTES ((size_t)64 << 20)

/** A run record as parsed. The json_t members are owned. */
struct run_record {
	/** The `run` line. */
	json_t *run;
	/** The `step` lines, in order. */
	json_t *steps;
	/** The ids of every `skipped` line's steps, in order (strings). */
	json_t *skipped;
	/** The `end` line, or NULL for a run that did not end. */
	json_t *end;
	/** The run id (borrowed from `run`). */
	const char *id;
	/** `pipeline.id`, or NULL when null (a file without an id). */
	const char *pipeline_id;
	/** `pipeline.version`, 0 when null. */
	int version;
	/** `pipeline.fingerprint` (40 hex digits), or "" when there is none. */
	char fingerprint[FINGERPRINT_SIZE];
	/** `start` of the run line, or NULL. */
	const char *start;
	/** "done", "failed", "interrupted", or "unfinished" without an end. */
	const char *status;
	/** Lines of a Slurm run skipped as garbled (not JSON). */
	unsigned garbled;
};

#define RUN_RECORD_INIT { NULL, NULL, NULL, NULL, NULL, NULL, 0, "", NULL, NULL, 0 }

/**
 * True when `id` is a run id: `^[0-9]{8}T[0-9]{6}Z-[0-9]+-[0-9a-f]{4}$`,
 * shorter than RUN_ID_SIZE. Such an id is safe as a file and tree entry
 * name.
 */
bool run_id_is_valid(const char *id);

/**
 * Parse the `len` bytes of `data`, a record read from `name` (named in
 * messages). With `expected_id`, the run id must equal it (a record's file
 * name is its run id). Returns 0, or with `rec` released:
 * DFC_EINVALID for what is not a record (bad JSON, a line that is not an
 * object, no `run` line first, a second `run` or `end` line, a wrong
 * field type, a line or file too long, a newer format) and DFC_ESECURITY
 * for an id that is unsafe (run, pipeline or step id).
 */
int run_record_parse(struct run_record *rec, const char *name, const char *data, size_t len,
		     const char *expected_id);

void run_record_release(struct run_record *rec);

/**
 * The record as one new JSON object: {"run": {...}, "steps": [...],
 * "skipped": [...], "end": {...} or null}.
 */
json_t *run_record_json(const struct run_record *rec);

/**
 * An ISO 8601 UTC time as the record writes it
 * (`2026-12-06T11:20:00.123456Z`) as seconds since the epoch; false when
 * it cannot be read.
 */
bool run_record_time(const char *iso, double *out);

/**
 * Seconds between two ISO 8601 UTC times as the record writes them
 * (`2026-12-06T11:20:00.123456Z`); false when either cannot be read.
 */
bool run_record_seconds(const char *start, const char *end, double *out);

#endif
