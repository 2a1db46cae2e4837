#include "http_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int ct_connect(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
        close(fd);
        return -1;
    }
    return fd;
}

int ct_send(int fd, const char *s, size_t len)
{
    while (len) {
        ssize_t n = send(fd, s, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        s += n;
        len -= (size_t)n;
    }
    return 0;
}

int ct_sends(int fd, const char *s)
{
    return ct_send(fd, s, strlen(s));
}

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

static int fill(int fd, buf *b)
{
    if (b->cap - b->len < 4096) {
        b->cap = b->cap * 2 + 8192;
        b->p = realloc(b->p, b->cap);
        if (!b->p) abort();
    }
    ssize_t n;
    do
        n = recv(fd, b->p + b->len, b->cap - b->len - 1, 0);
    while (n < 0 && errno == EINTR);
    if (n <= 0) return -1;
    b->len += (size_t)n;
    b->p[b->len] = '\0';
    return 0;
}

/* Bytes read past the end of one response stay in a per-fd carry buffer,
 * so that pipelined responses can be read one after the other. */
#define MAX_FD 1024
static buf carry[MAX_FD];

static const char *find_header(const char *head, const char *name, size_t *len)
{
    size_t n = strlen(name);
    const char *line = strstr(head, "\r\n");
    while (line && line[2] != '\r' && line[2] != '\0') {
        line += 2;
        const char *end = strstr(line, "\r\n");
        if (!end) break;
        if ((size_t)(end - line) > n && line[n] == ':' && !strncasecmp(line, name, n)) {
            const char *v = line + n + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            *len = (size_t)(end - v);
            return v;
        }
        line = end;
    }
    return NULL;
}

const char *ct_header(const ct_response *r, const char *name)
{
    static char value[4096];
    size_t len;
    const char *v = find_header(r->head, name, &len);
    if (!v) return NULL;
    if (len >= sizeof value) len = sizeof value - 1;
    memcpy(value, v, len);
    value[len] = '\0';
    return value;
}

int ct_read_response(int fd, int head_request, ct_response *out)
{
    memset(out, 0, sizeof *out);
    buf b = {0};
    if (fd >= 0 && fd < MAX_FD && carry[fd].len) {
        b = carry[fd];
        memset(&carry[fd], 0, sizeof carry[fd]);
    }
    char *end = NULL;
    while (!b.p || !(end = strstr(b.p, "\r\n\r\n"))) {
        if (fill(fd, &b)) {
            free(b.p);
            return -1;
        }
    }
    size_t head_len = (size_t)(end - b.p) + 4;
    out->head = malloc(head_len + 1);
    memcpy(out->head, b.p, head_len);
    out->head[head_len] = '\0';
    if (sscanf(out->head, "HTTP/1.%*d %d", &out->status) != 1) out->status = -1;
    size_t clen_len;
    const char *clen = find_header(out->head, "content-length", &clen_len);
    size_t want = 0;
    int until_close = 0;
    if (head_request || out->status == 304 || out->status == 204) {
        want = 0;
    } else if (clen) {
        want = strtoull(clen, NULL, 10);
    } else {
        until_close = 1;
    }
    if (until_close) {
        while (fill(fd, &b) == 0) {
        }
        want = b.len - head_len;
    } else {
        while (b.len - head_len < want) {
            if (fill(fd, &b)) {
                free(b.p);
                free(out->head);
                out->head = NULL;
                return -1;
            }
        }
    }
    out->body = malloc(want + 1);
    memcpy(out->body, b.p + head_len, want);
    out->body[want] = '\0';
    out->body_len = want;
    size_t rest = b.len - head_len - want;
    if (rest && fd >= 0 && fd < MAX_FD) {
        carry[fd].p = malloc(rest + 8192);
        memcpy(carry[fd].p, b.p + head_len + want, rest);
        carry[fd].len = rest;
        carry[fd].cap = rest + 8192;
        carry[fd].p[rest] = '\0';
    }
    free(b.p);
    return 0;
}

void ct_response_release(ct_response *r)
{
    free(r->head);
    free(r->body);
    memset(r, 0, sizeof *r);
}

ct_response ct_request(uint16_t port, const char *method, const char *path, const char *extra)
{
    ct_response r;
    int fd = ct_connect(port);
    if (fd < 0) {
        fprintf(stderr, "ct_request: cannot connect to port %u\n", port);
        abort();
    }
    char *req = NULL;
    if (asprintf(&req, "%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n%s\r\n", method,
                 path, extra ? extra : "") < 0)
        abort();
    if (ct_sends(fd, req) || ct_read_response(fd, !strcmp(method, "HEAD"), &r)) {
        fprintf(stderr, "ct_request: %s %s: no response\n", method, path);
        abort();
    }
    free(req);
    if (fd < MAX_FD) {
        free(carry[fd].p);
        memset(&carry[fd], 0, sizeof carry[fd]);
    }
    close(fd);
    return r;
}

int ct_wait_closed(int fd, int timeout_ms)
{
    struct timeval start, now;
    gettimeofday(&start, NULL);
    for (;;) {
        gettimeofday(&now, NULL);
        long elapsed = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_usec - start.tv_usec) / 1000;
        if (elapsed >= timeout_ms) return 0;
        struct pollfd p = {fd, POLLIN, 0};
        int n = poll(&p, 1, (int)(timeout_ms - elapsed));
        if (n <= 0) continue;
        char tmp[4096];
        ssize_t r = recv(fd, tmp, sizeof tmp, 0);
        if (r == 0) return 1;
        if (r < 0 && errno != EINTR && errno != EAGAIN) return 1; /* reset counts as closed */
    }
}
