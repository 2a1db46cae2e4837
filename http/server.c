/* server.c - event loops, listeners, the access log and graceful stop.
 *
 * Threads. Each of the N loop threads owns a uv_loop_t, an h2o_context_t
 * and a listening socket. All sockets are bound to the same address with
 * SO_REUSEPORT, so the kernel spreads new connections across the loops and
 * a connection then lives on one loop for its whole life: no locks on the
 * request path, no cross-thread hand-off. The sockets are created, bound
 * and put in the listening state by the starting thread before any loop
 * runs, so that the address (with the real port when 0 was asked) is known
 * and reachable as soon as cc_server_start returns. One h2o_globalconf_t
 * (one host, one path "/", one handler that calls the router, one logger)
 * is shared read-only by every context, as h2o intends.
 *
 * HTTP/1.1 only: no TLS context and h2c upgrade disabled, so h2o never
 * enters its HTTP/2 code (2.2.5 has unpatched HTTP/2 CVEs; TLS and HTTP/2
 * belong to the reverse proxy in front).
 *
 * Limits. Request heads are capped by h2o itself (H2O_MAX_REQLEN, 8 KiB:
 * 400 beyond), bodies by max_request_entity_size (413 as soon as a
 * Content-Length says so, or when a chunked body crosses it), the time to
 * receive a request and the keep-alive idle time by req_timeout.
 *
 * Graceful stop. cc_server_stop wakes every loop (uv_async). A loop then
 * closes its listener (no new connections), marks its h2o context as
 * shutting down (every request parsed from now on is answered with
 * "Connection: close"), and
 * polls its connections every 20 ms: a connection waiting for a request
 * (idle keep-alive, nothing received yet) has its read side shut down,
 * which h2o sees as end-of-stream and closes cleanly; a connection with a
 * request in flight is left alone until its response has been written.
 * When no connection is left, the loop disposes of its h2o context and
 * uv_run returns. h2o 2.2.5's HTTP/1 code has no shutdown hook of its own
 * (its request_shutdown callback is NULL), which is why the idle ones are
 * found through its foreach_request callback. After shutdown_timeout_ms
 * the remaining connections are cut (both directions shut down), so a
 * stuck client cannot hold the process forever.
 *
 * Access log and metrics are one h2o logger, called by h2o when a request
 * is disposed of (after its response was written): one line per request in
 * Combined Log Format plus the duration, bytes outside printable ASCII
 * escaped as \xHH so a hostile path or User-Agent cannot forge lines. The
 * logger is registered on the fallback path too, so answers h2o makes by
 * itself before routing (413) are logged and counted as well. */
#include "server.h"

#include "error.h"
#include "metrics.h"
#include "out.h"

#include <h2o/http1.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define DEFAULT_MAX_BODY ((size_t)1 << 20)
#define DEFAULT_TIMEOUT_MS 10000
#define DRAIN_INTERVAL_MS 20

typedef struct loop_thread {
    cc_server *server;
    unsigned index;
    int fd; /* listening socket, until the loop owns it */
    uv_thread_t thread;
    int thread_started;
    uv_sem_t ready;
    int start_rc;

    uv_loop_t loop;
    h2o_context_t ctx;
    h2o_accept_ctx_t accept_ctx;
    uv_tcp_t listener;
    uv_async_t stop;
    uv_timer_t drain;
    uint64_t stop_at;
    int context_disposed;
} loop_thread;

struct cc_server {
    cc_site *site;
    h2o_globalconf_t config;
    unsigned nthreads;
    loop_thread *threads;
    int log_fd;
    uint64_t shutdown_timeout_ms;
    char address[INET6_ADDRSTRLEN + 16];
};

typedef struct site_handler {
    h2o_handler_t super;
    cc_server *server;
} site_handler;

typedef struct site_logger {
    h2o_logger_t super;
    cc_server *server;
} site_logger;

unsigned cc_server_default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) n = 1;
    if (n > CC_SERVER_MAX_THREADS) n = CC_SERVER_MAX_THREADS;
    return (unsigned)n;
}

const char *cc_server_address(const cc_server *s)
{
    return s->address;
}

unsigned cc_server_threads(const cc_server *s)
{
    return s->nthreads;
}

/* ---- requests ------------------------------------------------------------ */

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
    site_handler *h = (site_handler *)self;
    cc_http_dispatch(h->server->site, req);
    return 0;
}

static uint64_t micros_between(const struct timeval *a, const struct timeval *b)
{
    int64_t us = ((int64_t)b->tv_sec - a->tv_sec) * 1000000 + ((int64_t)b->tv_usec - a->tv_usec);
    return us > 0 ? (uint64_t)us : 0;
}

/* Append s escaped for a log line: printable ASCII except '"' and '\\'
 * verbatim, everything else as \xHH. */
static void log_escape(cc_out *o, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') continue;
        cc_out_append(o, s + start, i - start);
        char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
        cc_out_append(o, e, 4);
        start = i + 1;
    }
    cc_out_append(o, s + start, n - start);
}

static void log_header(cc_out *o, h2o_req_t *req, const h2o_token_t *token)
{
    ssize_t at = h2o_find_header(&req->headers, token, -1);
    if (at == -1) {
        cc_out_append(o, "-", 1);
        return;
    }
    const h2o_iovec_t *v = &req->headers.entries[at].value;
    log_escape(o, v->base, v->len > 512 ? 512 : v->len);
}

static void write_access_line(int fd, h2o_req_t *req, uint64_t micros)
{
    cc_out o;
    cc_out_init(&o, &req->pool);
    char host[NI_MAXHOST] = "-";
    struct sockaddr_storage ss;
    socklen_t sl = req->conn->callbacks->get_peername(req->conn, (struct sockaddr *)&ss);
    if (sl) {
        size_t hl = h2o_socket_getnumerichost((struct sockaddr *)&ss, sl, host);
        if (hl == SIZE_MAX) hl = 0;
        host[hl < sizeof host ? hl : sizeof host - 1] = '\0';
        if (!hl) strcpy(host, "-");
    }
    h2o_timestamp_t ts;
    h2o_get_timestamp(req->conn->ctx, &req->pool, &ts);
    cc_out_printf(&o, "%s - - [%s] \"", host, ts.str->log);
    log_escape(&o, req->input.method.base, req->input.method.len);
    cc_out_append(&o, " ", 1);
    log_escape(&o, req->input.path.base, req->input.path.len > 2048 ? 2048 : req->input.path.len);
    cc_out_printf(&o, " HTTP/%d.%d\" %d %zu \"", req->version >> 8, req->version & 0xff,
                  req->res.status, req->bytes_sent);
    log_header(&o, req, H2O_TOKEN_REFERER);
    cc_out_append(&o, "\" \"", 3);
    log_header(&o, req, H2O_TOKEN_USER_AGENT);
    cc_out_printf(&o, "\" %llu.%06llu\n", (unsigned long long)(micros / 1000000),
                  (unsigned long long)(micros % 1000000));
    h2o_iovec_t line = cc_out_flatten(&o);
    /* One write per line: with O_APPEND (or a pipe, for lines under
     * PIPE_BUF) lines from different loops do not interleave. */
    ssize_t w = write(fd, line.base, line.len);
    (void)w; /* a lost log line must not take the request down with it */
}

static void log_access(h2o_logger_t *self, h2o_req_t *req)
{
    cc_server *s = ((site_logger *)self)->server;
    loop_thread *t = H2O_STRUCT_FROM_MEMBER(loop_thread, ctx, req->conn->ctx);
    /* h2o's timestamps are cached per loop iteration (a fast request
     * would measure 0): take the end from the clock. The logger runs right
     * after the response's last write completed. */
    struct timeval end;
    gettimeofday(&end, NULL);
    uint64_t micros = req->timestamps.request_begin_at.tv_sec
                          ? micros_between(&req->timestamps.request_begin_at, &end)
                          : 0;
    if (req->res.status && s->site->metrics) {
        const char *q =
            req->input.path.len ? memchr(req->input.path.base, '?', req->input.path.len) : NULL;
        size_t plen = q ? (size_t)(q - req->input.path.base) : req->input.path.len;
        cc_route_id route = cc_route_match(req->input.path.base, plen, NULL);
        cc_metrics_observe(s->site->metrics, t->index, route, req->res.status, micros);
    }
    if (s->log_fd >= 0) write_access_line(s->log_fd, req, micros);
}

/* ---- connections --------------------------------------------------------- */

static void free_handle(uv_handle_t *h)
{
    free(h);
}

static void on_accept(uv_stream_t *listener, int status)
{
    loop_thread *t = listener->data;
    if (status != 0) return;
    uv_tcp_t *conn = h2o_mem_alloc(sizeof *conn);
    uv_tcp_init(listener->loop, conn);
    if (uv_accept(listener, (uv_stream_t *)conn) != 0) {
        uv_close((uv_handle_t *)conn, free_handle);
        return;
    }
    uv_tcp_nodelay(conn, 1); /* responses are written whole: do not wait to coalesce */
    h2o_socket_t *sock = h2o_uv_socket_create((uv_stream_t *)conn, free_handle);
    h2o_accept(&t->accept_ctx, sock);
}

/* ---- graceful stop ------------------------------------------------------- */

typedef struct drain_scan {
    unsigned conns;
    int force;
} drain_scan;

static int drain_one(h2o_req_t *req, void *arg)
{
    drain_scan *scan = arg;
    scan->conns++;
    h2o_socket_t *sock = req->conn->callbacks->get_socket(req->conn);
    if (!sock) return 0;
    int fd = h2o_socket_get_fd(sock);
    if (fd < 0) return 0;
    if (scan->force) {
        shutdown(fd, SHUT_RDWR);
    } else if (req->timestamps.request_begin_at.tv_sec == 0 && h2o_socket_is_reading(sock)) {
        /* Waiting for a request that has not started: end-of-stream makes
         * h2o close the connection; nothing is lost. */
        shutdown(fd, SHUT_RD);
    }
    return 0;
}

static void on_closed(uv_handle_t *h)
{
    (void)h;
}

static void on_drain(uv_timer_t *timer)
{
    loop_thread *t = timer->data;
    drain_scan scan = {0, 0};
    scan.force = uv_now(&t->loop) - t->stop_at >= t->server->shutdown_timeout_ms;
    H2O_HTTP1_CALLBACKS.foreach_request(&t->ctx, drain_one, &scan);
    if (scan.conns) return;
    uv_timer_stop(&t->drain);
    uv_close((uv_handle_t *)&t->drain, on_closed);
    uv_close((uv_handle_t *)&t->stop, on_closed);
    /* h2o's own timers and queue are still open: leave uv_run, and let
     * loop_main dispose of the context outside of any callback (2.2.5's
     * h2o_context_dispose runs the loop itself, and uv_run must not be
     * entered twice). */
    uv_stop(&t->loop);
}

static void on_stop(uv_async_t *async)
{
    loop_thread *t = async->data;
    if (t->stop_at) return; /* already stopping */
    t->stop_at = uv_now(&t->loop);
    if (!t->stop_at) t->stop_at = 1;
    uv_close((uv_handle_t *)&t->listener, on_closed);
    /* What h2o_context_request_shutdown would do for HTTP/1 (its HTTP/1
     * hook is NULL): requests parsed from now on get "Connection: close".
     * The call itself would also run the HTTP/2 hook, which arms a GOAWAY
     * timer even with no HTTP/2 connection and leaves it linked at
     * h2o_context_dispose (an assertion in 2.2.5). */
    t->ctx.shutdown_requested = 1;
    uv_timer_start(&t->drain, on_drain, 0, DRAIN_INTERVAL_MS);
}

/* ---- loop threads -------------------------------------------------------- */

static void close_any(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h)) uv_close(h, NULL);
}

static void loop_main(void *arg)
{
    loop_thread *t = arg;
    int rc = uv_loop_init(&t->loop);
    if (rc) {
        t->start_rc = rc;
        uv_sem_post(&t->ready);
        return;
    }
    h2o_context_init(&t->ctx, &t->loop, &t->server->config);
    t->accept_ctx.ctx = &t->ctx;
    t->accept_ctx.hosts = t->server->config.hosts;
    uv_tcp_init(&t->loop, &t->listener);
    t->listener.data = t;
    uv_async_init(&t->loop, &t->stop, on_stop);
    t->stop.data = t;
    uv_timer_init(&t->loop, &t->drain);
    t->drain.data = t;
    if (!(rc = uv_tcp_open(&t->listener, t->fd))) {
        t->fd = -1; /* the loop owns it now */
        rc = uv_listen((uv_stream_t *)&t->listener, SOMAXCONN, on_accept);
    }
    t->start_rc = rc;
    if (rc) {
        /* Undo everything on this loop; the starter sees start_rc. */
        uv_close((uv_handle_t *)&t->listener, NULL);
        uv_close((uv_handle_t *)&t->stop, NULL);
        uv_close((uv_handle_t *)&t->drain, NULL);
        h2o_context_dispose(&t->ctx);
        t->context_disposed = 1;
    }
    uv_sem_post(&t->ready); /* t->stop is usable from here on */
    uv_run(&t->loop, UV_RUN_DEFAULT);
    if (!t->context_disposed) {
        h2o_context_dispose(&t->ctx);
        t->context_disposed = 1;
    }
    /* Anything still open now is a handle nobody will close: close it, so
     * that the loop can be released, then let every close finish. */
    uv_walk(&t->loop, close_any, NULL);
    uv_run(&t->loop, UV_RUN_DEFAULT);
    uv_loop_close(&t->loop);
    /* h2o keeps freed socket buffers in a per-thread cache for reuse; give
     * them back as the thread ends. (Its memory-pool chunk cache is private
     * to libh2o and cannot be emptied: a few KiB per thread, at exit.) */
    h2o_mem_recycle_t *cache = &h2o_socket_buffer_prototype.allocator;
    while (cache->cnt)
        free(h2o_mem_alloc_recycle(cache, 1));
}

/* ---- setup --------------------------------------------------------------- */

int cc_server_parse_listen(const char *s, char *host, size_t cap, uint16_t *port)
{
    if (!s || !*s) return CC_EINVAL;
    const char *colon, *h = s;
    size_t hl;
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':') return CC_EINVAL;
        h = s + 1;
        hl = (size_t)(close - h);
        colon = close + 1;
    } else {
        colon = strrchr(s, ':');
        if (!colon) return CC_EINVAL;
        hl = (size_t)(colon - s);
        if (memchr(s, ':', hl)) return CC_EINVAL; /* bare IPv6 needs brackets */
    }
    if (hl == 0 || hl >= cap) return CC_EINVAL;
    const char *p = colon + 1;
    if (!*p || strlen(p) > 5) return CC_EINVAL;
    unsigned long v = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9') return CC_EINVAL;
        v = v * 10 + (unsigned long)(*p - '0');
    }
    if (v > 65535) return CC_EINVAL;
    memcpy(host, h, hl);
    host[hl] = '\0';
    *port = (uint16_t)v;
    return 0;
}

static int listen_socket(const struct sockaddr *sa, socklen_t len)
{
    int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int one = 1, rc = 0;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) || bind(fd, sa, len) ||
        listen(fd, SOMAXCONN))
        rc = -errno;
    if (rc) {
        close(fd);
        return rc;
    }
    return fd;
}

/* SO_REUSEPORT lets any process of the same user join our port and take a
 * share of its connections, a second `concerto serve` included. Before
 * binding with it, check that nobody listens there: a socket without
 * SO_REUSEPORT cannot bind next to one that has it. */
static int port_free(const struct sockaddr *sa, socklen_t len)
{
    int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int one = 1, rc = 0;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) || bind(fd, sa, len))
        rc = -errno;
    close(fd);
    return rc;
}

static void format_address(cc_server *s, const struct sockaddr *sa)
{
    char host[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
        port = ntohs(in6->sin6_port);
        snprintf(s->address, sizeof s->address, "[%s]:%u", host, port);
    } else {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
        port = ntohs(in->sin_port);
        snprintf(s->address, sizeof s->address, "%s:%u", host, port);
    }
}

static void server_free(cc_server *s)
{
    for (unsigned i = 0; i < s->nthreads; i++) {
        if (s->threads[i].fd >= 0) close(s->threads[i].fd);
    }
    free(s->threads);
    h2o_config_dispose(&s->config);
    free(s);
}

static void stop_threads(cc_server *s)
{
    /* Wake every loop first, then wait: the loops drain in parallel, and
     * none keeps accepting while another finishes its requests. */
    for (unsigned i = 0; i < s->nthreads; i++) {
        loop_thread *t = &s->threads[i];
        if (t->thread_started && !t->start_rc) uv_async_send(&t->stop);
    }
    for (unsigned i = 0; i < s->nthreads; i++) {
        loop_thread *t = &s->threads[i];
        if (!t->thread_started) continue;
        uv_thread_join(&t->thread);
        uv_sem_destroy(&t->ready);
        t->thread_started = 0;
    }
}

static void configure(cc_server *s, const cc_server_options *opt)
{
    h2o_config_init(&s->config);
    s->config.server_name = h2o_iovec_init(H2O_STRLIT("concerto"));
    s->config.max_request_entity_size =
        opt->max_request_body ? opt->max_request_body : DEFAULT_MAX_BODY;
    s->config.http1.req_timeout =
        opt->request_timeout_ms ? opt->request_timeout_ms : DEFAULT_TIMEOUT_MS;
    s->config.http1.upgrade_to_http2 = 0;
    h2o_hostconf_t *host =
        h2o_config_register_host(&s->config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    h2o_pathconf_t *path = h2o_config_register_path(host, "/", 0);
    site_handler *handler = (site_handler *)h2o_create_handler(path, sizeof *handler);
    handler->super.on_req = on_req;
    handler->server = s;
    h2o_pathconf_t *paths[2] = {path, &host->fallback_path};
    for (int i = 0; i < 2; i++) {
        site_logger *logger = (site_logger *)h2o_create_logger(paths[i], sizeof *logger);
        logger->super.log_access = log_access;
        logger->server = s;
    }
}

int cc_server_start(cc_site *site, const cc_server_options *opt, cc_server **out)
{
    static const cc_server_options defaults = {NULL, 0, -1, 0, 0, 0};
    if (!opt) opt = &defaults;
    char host[256];
    uint16_t port;
    int rc = cc_server_parse_listen(opt->listen ? opt->listen : CC_SERVER_DEFAULT_LISTEN, host,
                                    sizeof host, &port);
    if (rc) return rc;
    unsigned n = opt->threads ? opt->threads : cc_server_default_threads();
    if (n > CC_SERVER_MAX_THREADS) return CC_EINVAL;

    struct addrinfo hints, *ai = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    char portstr[8];
    snprintf(portstr, sizeof portstr, "%u", port);
    if (getaddrinfo(host, portstr, &hints, &ai) || !ai) return CC_EINVAL;

    cc_server *s = calloc(1, sizeof *s);
    if (!s || !(s->threads = calloc(n, sizeof *s->threads))) {
        free(s);
        freeaddrinfo(ai);
        return CC_ENOMEM;
    }
    s->site = site;
    s->nthreads = n;
    s->log_fd = opt->access_log_fd;
    s->shutdown_timeout_ms =
        opt->shutdown_timeout_ms ? opt->shutdown_timeout_ms : DEFAULT_TIMEOUT_MS;
    for (unsigned i = 0; i < n; i++)
        s->threads[i].fd = -1;
    configure(s, opt);

    /* The first socket fixes the address (and the port, when 0 was asked);
     * the others join it. */
    struct sockaddr_storage bound;
    socklen_t bound_len = sizeof bound;
    rc = port ? port_free(ai->ai_addr, ai->ai_addrlen) : 0;
    if (rc == 0) rc = listen_socket(ai->ai_addr, ai->ai_addrlen);
    freeaddrinfo(ai);
    if (rc < 0) goto fail;
    s->threads[0].fd = rc;
    if (getsockname(rc, (struct sockaddr *)&bound, &bound_len)) {
        rc = -errno;
        goto fail;
    }
    format_address(s, (struct sockaddr *)&bound);
    for (unsigned i = 1; i < n; i++) {
        if ((rc = listen_socket((struct sockaddr *)&bound, bound_len)) < 0) goto fail;
        s->threads[i].fd = rc;
    }

    for (unsigned i = 0; i < n; i++) {
        loop_thread *t = &s->threads[i];
        t->server = s;
        t->index = i;
        if ((rc = uv_sem_init(&t->ready, 0))) goto fail;
        if ((rc = uv_thread_create(&t->thread, loop_main, t))) {
            uv_sem_destroy(&t->ready);
            goto fail;
        }
        t->thread_started = 1;
        uv_sem_wait(&t->ready);
        if ((rc = t->start_rc)) goto fail;
    }
    *out = s;
    return 0;

fail:
    stop_threads(s);
    server_free(s);
    return rc;
}

void cc_server_stop(cc_server *s)
{
    if (!s) return;
    stop_threads(s);
    server_free(s);
}
