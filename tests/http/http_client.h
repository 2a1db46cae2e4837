/* http_client.h - a deliberately small blocking HTTP/1.1 client for the
 * integration tests: raw requests in, parsed responses out. Raw requests
 * let the tests send what no polite client would (huge Content-Length,
 * half a request, hostile headers) and see exactly what comes back. */
#ifndef CONCERTO_TEST_HTTP_CLIENT_H
#define CONCERTO_TEST_HTTP_CLIENT_H

#include <stddef.h>
#include <stdint.h>

typedef struct ct_response {
    int status;
    char *head; /* status line and headers, NUL-terminated */
    char *body; /* NUL-terminated (the terminator is not counted) */
    size_t body_len;
} ct_response;

/* Connect to 127.0.0.1:port (5 s receive timeout). Returns the fd or -1. */
int ct_connect(uint16_t port);
/* Write all of s; 0 or -1. */
int ct_send(int fd, const char *s, size_t len);
int ct_sends(int fd, const char *s);
/* Read one response. For HEAD requests and 304s no body is read.
 * Returns 0, or -1 on a closed/broken connection before a full response. */
int ct_read_response(int fd, int head_request, ct_response *out);
void ct_response_release(ct_response *r);

/* The value of header name (case-insensitive), NUL-terminated copy in a
 * static buffer per call (overwritten by the next call), or NULL. */
const char *ct_header(const ct_response *r, const char *name);

/* One request on a fresh connection ("Connection: close"); extra is more
 * header lines, each ending with "\r\n" (may be NULL). Aborts on failure. */
ct_response ct_request(uint16_t port, const char *method, const char *path, const char *extra);

/* 1 when the connection was closed by the peer (read returns 0) within
 * timeout_ms, 0 otherwise. Data read meanwhile is discarded. */
int ct_wait_closed(int fd, int timeout_ms);

#endif
