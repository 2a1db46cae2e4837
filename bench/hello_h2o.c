/* hello_h2o.c - the baseline of the HTTP benchmark: a bare h2o handler that
 * answers every request with "hello\n".
 *
 * Why this shape. The benchmark compares concerto's pages with what the same
 * libraries can do when the application does nothing, so everything but the
 * application is copied from http/server.c: libh2o 2.2.5 on libuv, one
 * uv_loop_t + h2o_context_t per thread, one listening socket per thread
 * bound to the same address with SO_REUSEPORT (created and listening before
 * any loop runs), TCP_NODELAY on accepted connections, the same
 * h2o_globalconf_t settings (HTTP/1.1 only, h2c upgrade off, the same body
 * limit and request timeout), one host with one handler on "/". What it
 * leaves out is exactly concerto's share: routing, the viewer and session,
 * ledger and views reads, HTML/JSON rendering, ETag, security headers and
 * the logger that feeds the access log and metrics.
 *
 * It runs until killed (SIGINT/SIGTERM end the process; a benchmark baseline
 * needs no graceful stop).
 *
 * usage: hello_h2o [--listen HOST:PORT] [--threads N]   (defaults
 * 127.0.0.1:8081, one thread per CPU). Prints "listening on ADDR" once every
 * loop accepts. */
#include <h2o.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_THREADS 64

typedef struct loop_thread {
    int fd;
    uv_thread_t thread;
    uv_sem_t *ready;
    uv_loop_t loop;
    h2o_context_t ctx;
    h2o_accept_ctx_t accept_ctx;
    uv_tcp_t listener;
} loop_thread;

static h2o_globalconf_t config;

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
    (void)self;
    static h2o_generator_t generator = {NULL, NULL};
    req->res.status = 200;
    req->res.reason = "OK";
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL,
                   H2O_STRLIT("text/plain; charset=utf-8"));
    h2o_start_response(req, &generator);
    h2o_iovec_t body = h2o_iovec_init(H2O_STRLIT("hello\n"));
    h2o_send(req, &body, 1, 1);
    return 0;
}

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
    uv_tcp_nodelay(conn, 1);
    h2o_socket_t *sock = h2o_uv_socket_create((uv_stream_t *)conn, free_handle);
    h2o_accept(&t->accept_ctx, sock);
}

static void loop_main(void *arg)
{
    loop_thread *t = arg;
    if (uv_loop_init(&t->loop)) abort();
    h2o_context_init(&t->ctx, &t->loop, &config);
    t->accept_ctx.ctx = &t->ctx;
    t->accept_ctx.hosts = config.hosts;
    uv_tcp_init(&t->loop, &t->listener);
    t->listener.data = t;
    if (uv_tcp_open(&t->listener, t->fd) ||
        uv_listen((uv_stream_t *)&t->listener, SOMAXCONN, on_accept)) {
        fprintf(stderr, "hello_h2o: cannot listen\n");
        exit(1);
    }
    uv_sem_post(t->ready);
    uv_run(&t->loop, UV_RUN_DEFAULT);
}

static int listen_socket(const struct sockaddr *sa, socklen_t len)
{
    int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) || bind(fd, sa, len) ||
        listen(fd, SOMAXCONN)) {
        int rc = -errno;
        close(fd);
        return rc;
    }
    return fd;
}

int main(int argc, char **argv)
{
    const char *listen_at = "127.0.0.1:8081";
    long nthreads = sysconf(_SC_NPROCESSORS_ONLN);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--listen") && i + 1 < argc) {
            listen_at = argv[++i];
        } else if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
            nthreads = strtol(argv[++i], NULL, 10);
        } else {
            fprintf(stderr, "usage: hello_h2o [--listen HOST:PORT] [--threads N]\n");
            return 2;
        }
    }
    if (nthreads < 1) nthreads = 1;
    if (nthreads > MAX_THREADS) nthreads = MAX_THREADS;

    char host[256];
    const char *colon = strrchr(listen_at, ':');
    if (!colon || (size_t)(colon - listen_at) >= sizeof host) {
        fprintf(stderr, "hello_h2o: --listen wants HOST:PORT\n");
        return 2;
    }
    memcpy(host, listen_at, (size_t)(colon - listen_at));
    host[colon - listen_at] = '\0';
    struct addrinfo hints, *ai = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    if (getaddrinfo(host, colon + 1, &hints, &ai) || !ai) {
        fprintf(stderr, "hello_h2o: bad address %s\n", listen_at);
        return 2;
    }

    /* The same settings as http/server.c's configure(). */
    h2o_config_init(&config);
    config.server_name = h2o_iovec_init(H2O_STRLIT("hello_h2o"));
    config.max_request_entity_size = (size_t)1 << 20;
    config.http1.req_timeout = 10000;
    config.http1.upgrade_to_http2 = 0;
    h2o_hostconf_t *hostconf =
        h2o_config_register_host(&config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    h2o_pathconf_t *path = h2o_config_register_path(hostconf, "/", 0);
    h2o_handler_t *handler = h2o_create_handler(path, sizeof *handler);
    handler->on_req = on_req;

    static loop_thread threads[MAX_THREADS];
    uv_sem_t ready;
    uv_sem_init(&ready, 0);
    for (long i = 0; i < nthreads; i++) {
        int fd = listen_socket(ai->ai_addr, ai->ai_addrlen);
        if (fd < 0) {
            fprintf(stderr, "hello_h2o: %s: %s\n", listen_at, strerror(-fd));
            return 1;
        }
        threads[i].fd = fd;
        threads[i].ready = &ready;
    }
    freeaddrinfo(ai);
    for (long i = 0; i < nthreads; i++) {
        if (uv_thread_create(&threads[i].thread, loop_main, &threads[i])) {
            fprintf(stderr, "hello_h2o: cannot start a thread\n");
            return 1;
        }
        uv_sem_wait(&ready);
    }
    printf("listening on %s (%ld threads)\n", listen_at, nthreads);
    fflush(stdout);
    for (long i = 0; i < nthreads; i++)
        uv_thread_join(&threads[i].thread);
    return 0;
}
