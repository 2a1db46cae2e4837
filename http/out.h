/* out.h - response bodies built in the request's memory pool.
 *
 * A cc_out is a rope of chunks allocated from an h2o memory pool (the
 * request's, per the project's rule of one pool per request, cleared once at
 * the end). Appending never reallocates or moves what was written: a full
 * chunk is kept and a new one started, and the whole body goes to h2o as a
 * vector of slices (cc_out_iovecs) without being copied into one block.
 *
 * Memory: everything lives until the pool is cleared. Allocation failure
 * aborts the process, as h2o's pool allocator does everywhere else.
 *
 * This is the byte layer: HTML is written through html.h, which escapes;
 * cc_out itself is for bodies whose bytes are not markup (plain text, metrics,
 * tiles). */
#ifndef CONCERTO_HTTP_OUT_H
#define CONCERTO_HTTP_OUT_H

#include <h2o.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cc_out {
    h2o_mem_pool_t *pool;
    H2O_VECTOR(h2o_iovec_t) chunks; /* finished chunks, then the current one */
    char *cur;    /* current chunk (last of chunks), NULL before the first write */
    size_t cap;   /* its capacity */
    size_t total; /* bytes written */
} cc_out;

void cc_out_init(cc_out *o, h2o_mem_pool_t *pool);
void cc_out_append(cc_out *o, const void *p, size_t n);
void cc_out_puts(cc_out *o, const char *s);
void cc_out_printf(cc_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cc_out_vprintf(cc_out *o, const char *fmt, va_list ap);
/* Append n bytes that the caller keeps valid until the pool is cleared,
 * without copying them (tiles, static assets). */
void cc_out_ref(cc_out *o, const void *p, size_t n);

static inline size_t cc_out_len(const cc_out *o)
{
    return o->total;
}
/* The body as slices (valid until the pool is cleared); *n receives their
 * number. Writing after this call is allowed and invalidates nothing. */
h2o_iovec_t *cc_out_iovecs(cc_out *o, size_t *n);
/* The body copied into one contiguous block of the pool (for tests and
 * small bodies). NUL-terminated; the terminator is not counted. */
h2o_iovec_t cc_out_flatten(cc_out *o);
/* XXH3-64 of the body (for ETags: no security weight). */
uint64_t cc_out_hash(const cc_out *o);

#endif
