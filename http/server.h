/* server.h - the HTTP server: one libuv loop and one h2o context per
 * thread, each with its own listening socket on the same address
 * (SO_REUSEPORT: the kernel spreads connections across them), HTTP/1.1
 * only, graceful stop.
 *
 * The server serves a cc_site (site.h) it does not own: whoever starts it
 * opens the ledger, writer and views first and closes them after
 * cc_server_stop returns (serve.c does this for `concerto serve`). */
#ifndef CONCERTO_HTTP_SERVER_H
#define CONCERTO_HTTP_SERVER_H

#include "site.h"

#include <stddef.h>
#include <stdint.h>

#define CC_SERVER_DEFAULT_LISTEN "127.0.0.1:8080"

typedef struct cc_server_options {
    const char *listen;           /* "ADDR:PORT" ("[::1]:8080" for IPv6); NULL: the default.
                                     Port 0 picks a free port (see cc_server_address) */
    unsigned threads;             /* event loops; 0: one per online CPU */
    int access_log_fd;            /* one line per request; -1: none */
    size_t max_request_body;      /* bytes; larger bodies get 413. 0: 1 MiB */
    uint64_t request_timeout_ms;  /* to receive a request, and keep-alive idle time; 0: 10 s */
    uint64_t shutdown_timeout_ms; /* graceful stop: how long in-flight requests get before
                                     their connections are cut; 0: 10 s */
} cc_server_options;

typedef struct cc_server cc_server;

/* One loop per online CPU (at least 1, at most CC_SERVER_MAX_THREADS). */
#define CC_SERVER_MAX_THREADS 256
unsigned cc_server_default_threads(void);

/* Bind, listen and start the loops. Returns 0, or a negative error (libuv
 * style -errno for socket errors, CC_EINVAL for a bad address); on error
 * nothing is left running. site->metrics, when set, must have at least
 * opt->threads shards. */
int cc_server_start(cc_site *site, const cc_server_options *opt, cc_server **out);

/* The bound address as "host:port" (IPv6 as "[host]:port"), with the real
 * port when 0 was asked. Valid until cc_server_stop. */
const char *cc_server_address(const cc_server *s);
unsigned cc_server_threads(const cc_server *s);

/* Graceful stop, from any thread but a loop's: stop accepting, let every
 * request in flight finish (its response is sent in full, with
 * "Connection: close"), close idle keep-alive connections, then end the
 * loops and free the server. Requests still running after
 * shutdown_timeout_ms have their connections cut. */
void cc_server_stop(cc_server *s);

/* Parse "host:port" / "[v6]:port" into host (NUL-terminated, cap bytes) and
 * port. 0 or CC_EINVAL. */
int cc_server_parse_listen(const char *s, char *host, size_t cap, uint16_t *port);

#endif
