/* decide.h - the domain rules, and the execution of one command.
 *
 * cc_decide() judges an event command against the write-side state, reading
 * only: who may do what, on which items, in which theme state. It returns 0
 * or the rule the command breaks. cc_execute() runs a whole command inside
 * the writer's (nested) transaction: decide, store the body, append the
 * event(s), extend the Merkle tree, fold into the state, and touch the vault
 * for account commands. */
#ifndef CONCERTO_DECIDE_H
#define CONCERTO_DECIDE_H

#include "command.h"
#include "ledger.h"

/* Per-batch cursor of the writer: the next sequence number and the last
 * timestamp handed out (timestamps never go backwards). */
typedef struct cc_exec_ctx {
    uint64_t log_size;
    uint64_t last_ts;
    uint64_t now_ms; /* wall clock at batch start */
    int wrote;       /* set by cc_execute once it has written anything */
} cc_exec_ctx;

/* Judge e (type, by and fields set by the producer). May turn vote.cast into
 * vote.changed when a vote exists. */
int cc_decide(cc_ledger *l, MDB_txn *txn, const cc_exec_ctx *ctx, cc_event *e);

/* Execute cmd in txn. Event commands check everything before their first
 * write: an error with ctx->wrote still 0 left txn untouched. Account
 * commands may fail after writing: run them in a nested transaction. */
int cc_execute(cc_ledger *l, MDB_txn *txn, cc_exec_ctx *ctx, cc_command *cmd);

#endif
