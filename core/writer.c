/* writer.c - group commit.
 *
 * Why one thread: LMDB allows one write transaction at a time and ties it to
 * the thread that began it. Funnelling every write through one thread turns
 * that limit into an advantage: commands that arrive while a commit is being
 * synced wait in the queue and are committed together by the next one, so
 * the cost of fsync is shared by the whole batch. Under load, batches grow
 * and throughput rises; when idle, a lone command is committed at once.
 *
 * A rejected command rolls back alone; the others of its batch commit. Event
 * commands get this for free: they check everything (shape, rules, body,
 * encoding) before their first write, so a rejection leaves nothing to undo.
 * Account commands may be refused after writing (a vault conflict after the
 * event was appended), so each runs in a nested transaction. We measured a
 * nested transaction per event command at about 2 us of the writer's time
 * (LMDB copies every page the parent had already dirtied), a tenth of the
 * whole cost of an event: too much for the common case.
 *
 * Completions run on this thread after mdb_txn_commit() returned, i.e. after
 * LMDB's fdatasync of data and meta pages: acknowledged means durable. */
#include "writer.h"

#include "decide.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

#define MAX_LISTENERS 8
#define READER_CHECK_EVERY 1024

int cc_ledger__store_checkpoint(cc_ledger *l, MDB_txn *txn, uint64_t size);

struct cc_writer {
    cc_ledger *ledger;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    cc_command *head, *tail;
    int stopping;
    unsigned max_batch;
    uint64_t log_size, last_ts;
    struct {
        cc_commit_listener fn;
        void *arg;
    } listeners[MAX_LISTENERS];
    unsigned nlisteners;
    cc_writer_stats stats;
};

static void complete(cc_command *batch, int rc_all)
{
    while (batch) {
        cc_command *next = batch->next_; /* done() may free the command */
        if (rc_all) {
            batch->result.rc = rc_all;
            batch->result.count = 0;
        }
        if (batch->done_) batch->done_(batch, batch->done_arg_);
        batch = next;
    }
}

/* Run the batch in one transaction. Returns 0 when committed, MDB_MAP_FULL
 * when the batch must be run again on a bigger map, another error when the
 * whole batch failed. */
static int run_batch(cc_writer *w, cc_command *batch, uint64_t *new_size)
{
    cc_ledger *l = w->ledger;
    MDB_txn *txn;
    int rc = mdb_txn_begin(l->env, NULL, 0, &txn);
    if (rc) return rc;
    cc_exec_ctx ctx = {.log_size = w->log_size, .last_ts = w->last_ts, .now_ms = cc_now_ms()};
    for (cc_command *c = batch; c; c = c->next_) {
        cc_exec_ctx saved = ctx;
        int crc;
        ctx.wrote = 0;
        if (c->kind == CC_CMD_EVENT) {
            /* Rejections happen before any write (decide.h): no nesting. */
            crc = cc_execute(l, txn, &ctx, c);
            if (crc && ctx.wrote) {
                /* A storage error half-way: the transaction is unusable. */
                rc = crc == MDB_MAP_FULL ? MDB_MAP_FULL : crc;
                goto abort;
            }
        } else {
            MDB_txn *child;
            if ((rc = mdb_txn_begin(l->env, txn, 0, &child))) goto abort;
            crc = cc_execute(l, child, &ctx, c);
            if (crc == 0)
                crc = mdb_txn_commit(child);
            else
                mdb_txn_abort(child);
            if (crc == MDB_MAP_FULL) {
                rc = MDB_MAP_FULL;
                goto abort;
            }
        }
        if (crc) {
            ctx = saved; /* the rejected command's events are gone */
            c->result.rc = cc_from_mdb(crc);
            c->result.count = 0;
        } else {
            c->result.rc = 0;
        }
    }
    if (ctx.log_size > w->log_size && (rc = cc_ledger__store_checkpoint(l, txn, ctx.log_size))) {
        goto abort;
    }
    if ((rc = mdb_txn_commit(txn))) return rc;
    w->last_ts = ctx.last_ts;
    *new_size = ctx.log_size;
    return 0;
abort:
    mdb_txn_abort(txn);
    return rc;
}

static void process(cc_writer *w, cc_command *batch, unsigned n)
{
    uint64_t size = w->log_size;
    int rc;
    while ((rc = run_batch(w, batch, &size)) == MDB_MAP_FULL) {
        /* Nothing of the batch was written: grow and run it again. */
        if ((rc = cc_ledger__grow(w->ledger))) break;
        w->stats.map_grows++;
    }
    uint32_t events = 0, rejected = 0;
    for (cc_command *c = batch; c; c = c->next_) {
        c->result.log_size = size;
        events += c->result.count;
        rejected += c->result.rc != 0;
    }
    pthread_mutex_lock(&w->lock);
    w->stats.batches++;
    w->stats.commands += n;
    w->stats.events += rc ? 0 : events;
    w->stats.rejected += rc ? n : rejected;
    pthread_mutex_unlock(&w->lock);
    int grew = !rc && size > w->log_size;
    if (!rc) w->log_size = size;
    /* Wake the listeners (projections) first: by the time a producer hears
     * back, its projection is already catching up. */
    if (grew) {
        for (unsigned i = 0; i < w->nlisteners; i++)
            w->listeners[i].fn(size, w->listeners[i].arg);
    }
    complete(batch, rc ? cc_from_mdb(rc) : 0);
    if (w->stats.batches % READER_CHECK_EVERY == 0) {
        int dead;
        mdb_reader_check(w->ledger->env, &dead);
    }
}

static void *writer_main(void *arg)
{
    cc_writer *w = arg;
    for (;;) {
        pthread_mutex_lock(&w->lock);
        while (!w->head && !w->stopping)
            pthread_cond_wait(&w->wake, &w->lock);
        if (!w->head) {
            pthread_mutex_unlock(&w->lock);
            break;
        }
        cc_command *batch = w->head, *last = batch;
        unsigned n = 1;
        while (last->next_ && n < w->max_batch) {
            last = last->next_;
            n++;
        }
        w->head = last->next_;
        if (!w->head) w->tail = NULL;
        last->next_ = NULL;
        pthread_mutex_unlock(&w->lock);
        process(w, batch, n);
    }
    return NULL;
}

int cc_writer_start(cc_ledger *l, const cc_writer_options *opt, cc_writer **out)
{
    cc_writer *w = calloc(1, sizeof *w);
    if (!w) return CC_ENOMEM;
    w->ledger = l;
    w->max_batch = opt && opt->max_batch ? opt->max_batch : 4096;
    MDB_txn *txn;
    int rc = cc_ledger_read_begin(l, &txn);
    if (rc) {
        free(w);
        return rc;
    }
    rc = cc_log_size(txn, l->log, &w->log_size);
    if (!rc && w->log_size > 0) {
        cc_slice entry;
        cc_event e;
        if (!(rc = cc_log_get(txn, l->log, w->log_size - 1, &entry)) &&
            !(rc = cc_event_decode(entry.ptr, entry.len, &e)))
            w->last_ts = e.ts;
    }
    cc_ledger_read_end(l, txn);
    if (rc) {
        free(w);
        return rc;
    }
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        pthread_mutex_destroy(&w->lock);
        pthread_cond_destroy(&w->wake);
        free(w);
        return CC_ENOMEM;
    }
    *out = w;
    return 0;
}

void cc_writer_stop(cc_writer *w)
{
    if (!w) return;
    pthread_mutex_lock(&w->lock);
    w->stopping = 1;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->wake);
    free(w);
}

int cc_writer_submit(cc_writer *w, cc_command *cmd, cc_command_done done, void *arg)
{
    cmd->done_ = done;
    cmd->done_arg_ = arg;
    cmd->next_ = NULL;
    pthread_mutex_lock(&w->lock);
    if (w->stopping) {
        pthread_mutex_unlock(&w->lock);
        return CC_ESHUTDOWN;
    }
    if (w->tail)
        w->tail->next_ = cmd;
    else
        w->head = cmd;
    w->tail = cmd;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    return 0;
}

typedef struct waiter {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int done;
} waiter;

static void wake_waiter(cc_command *cmd, void *arg)
{
    (void)cmd;
    waiter *wt = arg;
    pthread_mutex_lock(&wt->lock);
    wt->done = 1;
    pthread_cond_signal(&wt->cond);
    pthread_mutex_unlock(&wt->lock);
}

int cc_writer_exec(cc_writer *w, cc_command *cmd)
{
    waiter wt = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
    int rc = cc_writer_submit(w, cmd, wake_waiter, &wt);
    if (rc) {
        cmd->result.rc = rc;
        return rc;
    }
    pthread_mutex_lock(&wt.lock);
    while (!wt.done)
        pthread_cond_wait(&wt.cond, &wt.lock);
    pthread_mutex_unlock(&wt.lock);
    pthread_mutex_destroy(&wt.lock);
    pthread_cond_destroy(&wt.cond);
    return cmd->result.rc;
}

int cc_writer_listen(cc_writer *w, cc_commit_listener fn, void *arg)
{
    if (w->nlisteners >= MAX_LISTENERS) return CC_EINVAL;
    w->listeners[w->nlisteners].fn = fn;
    w->listeners[w->nlisteners].arg = arg;
    w->nlisteners++;
    return 0;
}

void cc_writer_get_stats(cc_writer *w, cc_writer_stats *out)
{
    pthread_mutex_lock(&w->lock);
    *out = w->stats;
    pthread_mutex_unlock(&w->lock);
}
