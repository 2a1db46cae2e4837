/* metrics.h - counters for /metrics (Prometheus text format 0.0.4), and the
 * operational endpoints /healthz and /metrics.
 *
 * Each event loop owns a shard of counters and is its only writer, so
 * counting a request is a few relaxed stores with no lock and no shared
 * cache line; a scrape sums the shards (relaxed loads: a scrape racing a
 * request may see it or not, never a torn value).
 *
 * Exposed:
 *   concerto_http_requests_total{route,status}           counter
 *   concerto_http_request_duration_seconds{route}        histogram
 *   concerto_ledger_entries, concerto_ledger_bytes,
 *   concerto_ledger_map_bytes                            gauges
 *   concerto_views_applied_entries,
 *   concerto_projection_lag_entries                      gauges
 *   concerto_writer_{batches,commands,events,rejected}_total,
 *   concerto_writer_map_grows_total                      counters
 *   concerto_writer_batch_events                         histogram (events per commit)
 *   concerto_http_threads                                gauge */
#ifndef CONCERTO_HTTP_METRICS_H
#define CONCERTO_HTTP_METRICS_H

#include "out.h"
#include "router.h"

#include <stdint.h>

typedef struct cc_metrics cc_metrics;
typedef struct cc_site cc_site;

/* One shard per event loop. */
int cc_metrics_create(unsigned shards, cc_metrics **out);
void cc_metrics_free(cc_metrics *m);

/* Count one answered request: only the thread that owns shard may call. */
void cc_metrics_observe(cc_metrics *m, unsigned shard, cc_route_id route, int status,
                        uint64_t micros);

/* The writer's commit listener (writer.h): records the number of events of
 * each batch. Set the starting log size first, then register it. */
void cc_metrics_set_log_size(cc_metrics *m, uint64_t size);
void cc_metrics_on_commit(uint64_t log_size, void *metrics);

/* Write the exposition of every metric. site gives the ledger, views and
 * writer to read gauges from (members may be NULL). */
void cc_metrics_render(cc_metrics *m, cc_site *site, cc_out *o);

#endif
