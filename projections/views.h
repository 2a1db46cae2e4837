/* views.h - the projection framework: read models built from the log.
 *
 * Views live in their own LMDB env (DIR/views), separate from the ledger:
 * deleting it loses nothing, `concerto replay` rebuilds it. Each projection
 * is a pure fold of the log: apply(seq, event) reads and writes only its own
 * DBIs, never the clock, the vault or the bodies, so the same log prefix
 * always gives the same bytes (what lets an auditor's replay reproduce every
 * published number).
 *
 * Each projection stores its checkpoint (the number of log entries it has
 * applied) in the same transaction as its data: exactly-once and crash-safe.
 * A worker thread (a libuv loop) catches up in bounded chunks, woken by the
 * writer after each commit (cc_views_notify is a cc_commit_listener).
 *
 * Threads: any thread may read (cc_views_read_begin/_end) and wait
 * (cc_views_wait); only the worker, or a caller of cc_views_catch_up when no
 * worker runs, writes. */
#ifndef CONCERTO_VIEWS_H
#define CONCERTO_VIEWS_H

#include "event.h"
#include "ledger.h"

#include <lmdb.h>
#include <stdint.h>

/* What a projection's apply gets. */
typedef struct cc_apply {
    MDB_txn *txn; /* write transaction of the views env */
    uint64_t seq; /* the event's sequence number (= id of what it creates) */
    const cc_event *event;
} cc_apply;

typedef struct cc_projection {
    const char *name;  /* also the prefix of its DBI names */
    unsigned version;  /* bump when the stored format changes: forces a rebuild */
    size_t state_size; /* bytes of per-env state (its DBI handles) */
    /* Open (create) the projection's DBIs, storing handles in state. */
    int (*open)(MDB_txn *txn, void *state);
    int (*apply)(void *state, const cc_apply *a);
} cc_projection;

/* The projections of the platform, in the order they are applied. */
extern const cc_projection cc_projection_live;
extern const cc_projection cc_projection_trash;
extern const cc_projection cc_projection_stats;
extern const cc_projection cc_projection_opendata;

typedef struct cc_views cc_views;

typedef struct cc_views_options {
    size_t map_size;       /* 0: 1 GiB, grows when full */
    uint64_t chunk_events; /* events per views transaction; 0: 10,000 */
    int durable;           /* fsync each chunk (default off: views are rebuildable) */
    /* Build only these projections (NULL-terminated); NULL: all of them.
     * Export and snapshot verification do not need the live view. */
    const cc_projection *const *only;
} cc_views_options;

/* Open (creating) the views env at dir and its projections. A projection
 * whose stored version differs from its code's is cleared (and so rebuilt on
 * the next catch-up). The ledger must stay open while the views are. */
int cc_views_open(cc_views **out, const char *dir, cc_ledger *ledger, const cc_views_options *opt);
void cc_views_close(cc_views *v);

/* Apply log entries up to `until` (UINT64_MAX: the current end), in chunks.
 * *applied (may be NULL) receives the number of events applied. */
int cc_views_catch_up(cc_views *v, uint64_t until, uint64_t *applied);

/* Empty every projection (checkpoints back to 0). */
int cc_views_clear(cc_views *v);

/* Start/stop the worker thread; notify wakes it (arg is the cc_views). */
int cc_views_start(cc_views *v);
void cc_views_stop(cc_views *v);
void cc_views_notify(uint64_t log_size, void *views);

/* Number of log entries every projection has applied. */
uint64_t cc_views_position(cc_views *v);
/* Block until every projection has applied entries [0, size), or timeout
 * (ms; < 0 waits forever). 0, or -ETIMEDOUT. */
int cc_views_wait(cc_views *v, uint64_t size, int timeout_ms);

int cc_views_read_begin(cc_views *v, MDB_txn **txn);
void cc_views_read_end(cc_views *v, MDB_txn *txn);

/* The state (DBI handles) of a projection, for its read functions. */
const void *cc_views_state(cc_views *v, const cc_projection *p);

/* SHA-256 over every DBI (name, keys, values, in LMDB order) of the views
 * env: equal digests mean byte-identical views. */
int cc_views_digest(cc_views *v, uint8_t out[32]);

#endif
