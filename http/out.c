/* out.c - a rope of pool-allocated chunks.
 *
 * Pages are built by many small appends (an element, an escaped title, a
 * number). Growing one contiguous buffer would mean reallocating, which the
 * pool cannot do without leaking the old block until the end of the request;
 * a rope of fixed chunks wastes at most one partly filled chunk and hands h2o
 * the slices directly (h2o_send takes a vector). Large appends get a chunk of
 * their own size, so nothing is ever split needlessly. */
#include "out.h"

#include <stdio.h>
#include <string.h>

/* XXH3_state_t on the stack needs the static-linking declarations. */
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

/* h2o's pool serves allocations up to about a quarter of its 4 KiB chunks
 * from the chunk itself and the rest with malloc (freed at clear): 4000
 * bytes per chunk keeps us on the fast path for nearly every page part. */
#define CHUNK 4000

void cc_out_init(cc_out *o, h2o_mem_pool_t *pool)
{
    memset(o, 0, sizeof *o);
    o->pool = pool;
}

static void push_chunk(cc_out *o, char *base, size_t len, size_t cap)
{
    h2o_vector_reserve(o->pool, &o->chunks, o->chunks.size + 1);
    o->chunks.entries[o->chunks.size++] = h2o_iovec_init(base, len);
    o->cur = cap ? base : NULL;
    o->cap = cap;
}

void cc_out_append(cc_out *o, const void *p, size_t n)
{
    if (!n) return;
    const char *src = p;
    if (o->cur) {
        h2o_iovec_t *last = &o->chunks.entries[o->chunks.size - 1];
        size_t room = o->cap - last->len;
        size_t k = n < room ? n : room;
        memcpy(last->base + last->len, src, k);
        last->len += k;
        o->total += k;
        src += k;
        n -= k;
        if (!n) return;
    }
    size_t cap = n > CHUNK ? n : CHUNK;
    char *chunk = h2o_mem_alloc_pool(o->pool, cap);
    memcpy(chunk, src, n);
    push_chunk(o, chunk, n, cap);
    o->total += n;
}

void cc_out_puts(cc_out *o, const char *s)
{
    cc_out_append(o, s, strlen(s));
}

void cc_out_vprintf(cc_out *o, const char *fmt, va_list ap)
{
    char small[256];
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0) {
        va_end(again);
        return;
    }
    if ((size_t)n < sizeof small) {
        cc_out_append(o, small, (size_t)n);
    } else {
        char *big = h2o_mem_alloc_pool(o->pool, (size_t)n + 1);
        vsnprintf(big, (size_t)n + 1, fmt, again);
        cc_out_append(o, big, (size_t)n);
    }
    va_end(again);
}

void cc_out_printf(cc_out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cc_out_vprintf(o, fmt, ap);
    va_end(ap);
}

void cc_out_ref(cc_out *o, const void *p, size_t n)
{
    if (!n) return;
    push_chunk(o, (char *)p, n, 0);
    o->total += n;
}

h2o_iovec_t *cc_out_iovecs(cc_out *o, size_t *n)
{
    *n = o->chunks.size;
    return o->chunks.entries;
}

h2o_iovec_t cc_out_flatten(cc_out *o)
{
    char *buf = h2o_mem_alloc_pool(o->pool, o->total + 1);
    size_t at = 0;
    for (size_t i = 0; i < o->chunks.size; i++) {
        memcpy(buf + at, o->chunks.entries[i].base, o->chunks.entries[i].len);
        at += o->chunks.entries[i].len;
    }
    buf[at] = '\0';
    return h2o_iovec_init(buf, at);
}

uint64_t cc_out_hash(const cc_out *o)
{
    XXH3_state_t st;
    XXH3_INITSTATE(&st);
    XXH3_64bits_reset(&st);
    for (size_t i = 0; i < o->chunks.size; i++)
        XXH3_64bits_update(&st, o->chunks.entries[i].base, o->chunks.entries[i].len);
    return XXH3_64bits_digest(&st);
}
