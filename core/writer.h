/* writer.h - the group-commit writer: the only thread that writes the ledger.
 *
 * Producers (HTTP loops, the CLI, benchmarks) submit commands from any
 * thread. The writer drains the queue into a batch, runs each command in its
 * own nested transaction (a rejected command rolls back alone, the others
 * stay), signs a checkpoint for the new log size, commits the batch with one
 * durable sync, and only then completes every command of the batch. No
 * completion ever precedes the fsync of what it acknowledges.
 *
 * If the map fills up mid-batch, the batch is aborted, the map doubled, and
 * the same batch run again: nothing is half-written and nothing is lost. */
#ifndef CONCERTO_WRITER_H
#define CONCERTO_WRITER_H

#include "command.h"
#include "ledger.h"

typedef struct cc_writer cc_writer;

/* Called on the writer thread after each durable commit that grew the log,
 * before the batch's completions run. Must be quick (e.g. uv_async_send). */
typedef void (*cc_commit_listener)(uint64_t log_size, void *arg);

typedef struct cc_writer_options {
    unsigned max_batch; /* commands per transaction; 0 for 4096 */
} cc_writer_options;

typedef struct cc_writer_stats {
    uint64_t batches, commands, events, rejected, map_grows;
} cc_writer_stats;

int cc_writer_start(cc_ledger *l, const cc_writer_options *opt, cc_writer **out);
/* Finish every queued command, then stop the thread and free the writer.
 * Commands submitted after stop began complete with CC_ESHUTDOWN. */
void cc_writer_stop(cc_writer *w);

/* Queue cmd. done(cmd, arg) runs on the writer thread after the batch is
 * durable (or the command rejected); it must be quick and must not submit
 * synchronously. If submit returns an error, done is never called. */
int cc_writer_submit(cc_writer *w, cc_command *cmd, cc_command_done done, void *arg);

/* Submit and wait for completion; returns cmd->result.rc. */
int cc_writer_exec(cc_writer *w, cc_command *cmd);

/* Register a listener (before submitting anything). At most 8. */
int cc_writer_listen(cc_writer *w, cc_commit_listener fn, void *arg);

void cc_writer_get_stats(cc_writer *w, cc_writer_stats *out);

#endif
