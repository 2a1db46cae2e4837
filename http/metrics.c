/* metrics.c - request counters, latency histograms, ledger and projection
 * gauges; /healthz and /metrics.
 *
 * Counters are sharded by event loop (see metrics.h): the hot path, run
 * once per request by the loop that answered it, touches only that loop's
 * shard. Status codes are counted exactly (one slot per code 100..599), so
 * the exposition can say "404", not "4xx"; it prints only the non-zero
 * pairs, which keeps a scrape short.
 *
 * Gauges are read at scrape time from their owners: the log size from a
 * ledger read transaction, the projections' position from the views, the
 * batch statistics from the writer. The one thing nobody else keeps is the
 * distribution of batch sizes, so this file is also a commit listener of the
 * writer: each commit reports the new log size, and the difference with the
 * previous one is the number of events the batch appended. */
#include "metrics.h"

#include "error.h"
#include "log.h"
#include "response.h"
#include "site.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define STATUS_MIN 100
#define STATUS_SLOTS 500

/* Upper bounds of the latency buckets, in microseconds (+Inf is implicit). */
static const uint64_t latency_bounds[] = {500,     1000,    2500,    5000,    10000,
                                          25000,   50000,   100000,  250000,  500000,
                                          1000000, 2500000, 5000000, 10000000};
#define NLAT (sizeof latency_bounds / sizeof latency_bounds[0])
static const char *const latency_labels[NLAT] = {"0.0005", "0.001", "0.0025", "0.005", "0.01",
                                                 "0.025",  "0.05",  "0.1",    "0.25",  "0.5",
                                                 "1",      "2.5",   "5",      "10"};

/* Upper bounds of the batch-size buckets, in events. */
static const uint64_t batch_bounds[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096};
#define NBATCH (sizeof batch_bounds / sizeof batch_bounds[0])

typedef struct shard {
    _Atomic uint64_t status[CC_ROUTE_COUNT_][STATUS_SLOTS];
    _Atomic uint64_t latency[CC_ROUTE_COUNT_][NLAT + 1]; /* per bucket, not cumulative */
    _Atomic uint64_t latency_sum_us[CC_ROUTE_COUNT_];
} __attribute__((aligned(64))) shard;

struct cc_metrics {
    unsigned nshards;
    shard *shards;
    /* written by the writer thread only */
    _Atomic uint64_t last_log_size;
    _Atomic uint64_t batch[NBATCH + 1];
    _Atomic uint64_t batch_sum;
};

int cc_metrics_create(unsigned shards, cc_metrics **out)
{
    if (shards == 0) return CC_EINVAL;
    cc_metrics *m = calloc(1, sizeof *m);
    if (!m) return CC_ENOMEM;
    m->shards = aligned_alloc(64, sizeof(shard) * shards);
    if (!m->shards) {
        free(m);
        return CC_ENOMEM;
    }
    memset(m->shards, 0, sizeof(shard) * shards);
    m->nshards = shards;
    *out = m;
    return 0;
}

void cc_metrics_free(cc_metrics *m)
{
    if (!m) return;
    free(m->shards);
    free(m);
}

/* Increment a counter that has a single writer: no read-modify-write
 * instruction is needed, only untorn loads and stores for the readers. */
static void bump(_Atomic uint64_t *c, uint64_t by)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + by,
                          memory_order_relaxed);
}

static uint64_t get(_Atomic uint64_t *c)
{
    return atomic_load_explicit(c, memory_order_relaxed);
}

void cc_metrics_observe(cc_metrics *m, unsigned shard_index, cc_route_id route, int status,
                        uint64_t micros)
{
    if (!m || shard_index >= m->nshards || (unsigned)route >= CC_ROUTE_COUNT_) return;
    shard *s = &m->shards[shard_index];
    if (status >= STATUS_MIN && status < STATUS_MIN + STATUS_SLOTS)
        bump(&s->status[route][status - STATUS_MIN], 1);
    size_t b = 0;
    while (b < NLAT && micros > latency_bounds[b])
        b++;
    bump(&s->latency[route][b], 1);
    bump(&s->latency_sum_us[route], micros);
}

void cc_metrics_set_log_size(cc_metrics *m, uint64_t size)
{
    atomic_store_explicit(&m->last_log_size, size, memory_order_relaxed);
}

void cc_metrics_on_commit(uint64_t log_size, void *arg)
{
    cc_metrics *m = arg;
    uint64_t last = get(&m->last_log_size);
    if (log_size <= last) return;
    uint64_t n = log_size - last;
    atomic_store_explicit(&m->last_log_size, log_size, memory_order_relaxed);
    size_t b = 0;
    while (b < NBATCH && n > batch_bounds[b])
        b++;
    bump(&m->batch[b], 1);
    bump(&m->batch_sum, n);
}

static void seconds(cc_out *o, uint64_t micros)
{
    cc_out_printf(o, "%llu.%06llu", (unsigned long long)(micros / 1000000),
                  (unsigned long long)(micros % 1000000));
}

static void render_http(cc_metrics *m, cc_out *o)
{
    cc_out_puts(o, "# HELP concerto_http_requests_total HTTP responses sent, by route and "
                   "status code.\n"
                   "# TYPE concerto_http_requests_total counter\n");
    for (unsigned r = 0; r < CC_ROUTE_COUNT_; r++) {
        for (unsigned st = 0; st < STATUS_SLOTS; st++) {
            uint64_t n = 0;
            for (unsigned i = 0; i < m->nshards; i++)
                n += get(&m->shards[i].status[r][st]);
            if (n)
                cc_out_printf(o, "concerto_http_requests_total{route=\"%s\",status=\"%u\"} %llu\n",
                              cc_route_name((cc_route_id)r), st + STATUS_MIN,
                              (unsigned long long)n);
        }
    }
    cc_out_puts(o, "# HELP concerto_http_request_duration_seconds Time from the first byte of "
                   "a request to the end of its response.\n"
                   "# TYPE concerto_http_request_duration_seconds histogram\n");
    for (unsigned r = 0; r < CC_ROUTE_COUNT_; r++) {
        uint64_t buckets[NLAT + 1] = {0}, sum = 0, count = 0;
        for (unsigned i = 0; i < m->nshards; i++) {
            for (size_t b = 0; b <= NLAT; b++)
                buckets[b] += get(&m->shards[i].latency[r][b]);
            sum += get(&m->shards[i].latency_sum_us[r]);
        }
        for (size_t b = 0; b <= NLAT; b++)
            count += buckets[b];
        if (!count) continue;
        const char *name = cc_route_name((cc_route_id)r);
        uint64_t cum = 0;
        for (size_t b = 0; b < NLAT; b++) {
            cum += buckets[b];
            cc_out_printf(
                o, "concerto_http_request_duration_seconds_bucket{route=\"%s\",le=\"%s\"} %llu\n",
                name, latency_labels[b], (unsigned long long)cum);
        }
        cc_out_printf(o,
                      "concerto_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} "
                      "%llu\n",
                      name, (unsigned long long)count);
        cc_out_printf(o, "concerto_http_request_duration_seconds_sum{route=\"%s\"} ", name);
        seconds(o, sum);
        cc_out_printf(o, "\nconcerto_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
                      name, (unsigned long long)count);
    }
    cc_out_printf(o,
                  "# HELP concerto_http_threads Event loops serving HTTP.\n"
                  "# TYPE concerto_http_threads gauge\n"
                  "concerto_http_threads %u\n",
                  m->nshards);
}

static void gauge(cc_out *o, const char *name, const char *help, uint64_t v)
{
    cc_out_printf(o, "# HELP %s %s\n# TYPE %s gauge\n%s %llu\n", name, help, name, name,
                  (unsigned long long)v);
}

static void counter(cc_out *o, const char *name, const char *help, uint64_t v)
{
    cc_out_printf(o, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help, name, name,
                  (unsigned long long)v);
}

static void render_ledger(cc_metrics *m, cc_site *site, cc_out *o)
{
    uint64_t size = 0;
    int have_size = 0;
    if (site->ledger) {
        MDB_txn *txn;
        if (cc_ledger_read_begin(site->ledger, &txn) == 0) {
            have_size = cc_log_size(txn, site->ledger->log, &size) == 0;
            cc_ledger_read_end(site->ledger, txn);
        }
        MDB_envinfo info;
        MDB_stat st;
        if (have_size) gauge(o, "concerto_ledger_entries", "Entries in the log.", size);
        if (mdb_env_info(site->ledger->env, &info) == 0 &&
            mdb_env_stat(site->ledger->env, &st) == 0) {
            gauge(o, "concerto_ledger_bytes", "Bytes of the ledger's data file in use.",
                  ((uint64_t)info.me_last_pgno + 1) * st.ms_psize);
            gauge(o, "concerto_ledger_map_bytes", "Size of the ledger's memory map.",
                  (uint64_t)info.me_mapsize);
        }
    }
    if (site->views) {
        uint64_t pos = cc_views_position(site->views);
        gauge(o, "concerto_views_applied_entries", "Log entries every projection has applied.",
              pos);
        if (have_size)
            gauge(o, "concerto_projection_lag_entries",
                  "Log entries not yet applied by every projection.", size > pos ? size - pos : 0);
    }
    if (site->writer) {
        cc_writer_stats ws;
        cc_writer_get_stats(site->writer, &ws);
        counter(o, "concerto_writer_batches_total", "Transactions committed by the writer.",
                ws.batches);
        counter(o, "concerto_writer_commands_total", "Commands executed by the writer.",
                ws.commands);
        counter(o, "concerto_writer_events_total", "Events appended by the writer.", ws.events);
        counter(o, "concerto_writer_rejected_total", "Commands the domain rules rejected.",
                ws.rejected);
        counter(o, "concerto_writer_map_grows_total", "Times the ledger's map was grown.",
                ws.map_grows);
    }
    cc_out_puts(o, "# HELP concerto_writer_batch_events Events appended per committed batch "
                   "(since this server started).\n"
                   "# TYPE concerto_writer_batch_events histogram\n");
    uint64_t cum = 0;
    for (size_t b = 0; b < NBATCH; b++) {
        cum += get(&m->batch[b]);
        cc_out_printf(o, "concerto_writer_batch_events_bucket{le=\"%llu\"} %llu\n",
                      (unsigned long long)batch_bounds[b], (unsigned long long)cum);
    }
    cum += get(&m->batch[NBATCH]);
    cc_out_printf(o,
                  "concerto_writer_batch_events_bucket{le=\"+Inf\"} %llu\n"
                  "concerto_writer_batch_events_sum %llu\n"
                  "concerto_writer_batch_events_count %llu\n",
                  (unsigned long long)cum, (unsigned long long)get(&m->batch_sum),
                  (unsigned long long)cum);
}

void cc_metrics_render(cc_metrics *m, cc_site *site, cc_out *o)
{
    render_http(m, o);
    render_ledger(m, site, o);
}

void cc_ops_metrics(cc_request *r)
{
    if (!r->site->metrics) {
        cc_http_text(r, 404, "metrics are not enabled");
        return;
    }
    cc_out o;
    cc_out_init(&o, &r->req->pool);
    cc_metrics_render(r->site->metrics, r->site, &o);
    cc_response how = {200, "text/plain; version=0.0.4; charset=utf-8", CC_CACHE_NO_STORE, 0};
    cc_http_respond(r, &how, &o);
}

void cc_ops_healthz(cc_request *r)
{
    /* Healthy means: the ledger answers a read. The views may lag (that is
     * what the lag metric is for) without making the site unhealthy. */
    MDB_txn *txn;
    uint64_t size = 0;
    int rc = cc_ledger_read_begin(r->site->ledger, &txn);
    if (!rc) {
        rc = cc_log_size(txn, r->site->ledger->log, &size);
        cc_ledger_read_end(r->site->ledger, txn);
    }
    if (rc) {
        cc_http_text(r, 503, "unavailable: ledger: %s", cc_strerror(rc));
        return;
    }
    cc_http_text(r, 200, "ok");
}
