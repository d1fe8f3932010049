/**
 * copies.h - a copy of a pipeline file carries the original's id (SPEC §8).
 *
 * Each version records the file it was recorded from (its Source-File
 * trailer). Recording a file whose pipeline's latest version came from
 * another file is fine when that file moved away or no longer carries the
 * id; while it is still there with the same id, the two files are two
 * pipelines sharing one id, and the copy must get an id of its own
 * (`create --new-id`).
 */
#ifndef DFC_COPIES_H
#define DFC_COPIES_H

#include <stdbool.h>

/**
 * True when `recorded_from` (the Source-File of the latest version of
 * pipeline `id`; NULL when it has none) is another file than `source_file`
 * (the file being recorded: absolute, links resolved), and still exists and
 * carries the top-level "id" `id`. Another file means another path once
 * links are resolved, and not the same file under a second name (a hard
 * link). A file that is gone, unreadable, not a JSON object, or holds
 * another id or none is not the original of a copy. Reads that file, writes
 * nothing, and leaves no error set.
 */
bool pipeline_file_is_copy(const char *source_file, const char *recorded_from, const char *id);

#endif
