/* log_endpoints.c - the log as C2SP tlog-tiles: /checkpoint, /tile/<L>/<N>
 * and /tile/entries/<N>, with optional .p/<W> for partial tiles.
 *
 * These endpoints are how auditors and read replicas follow the log, so they
 * follow the spec to the letter:
 *   - paths are parsed strictly by core/tiles.c (canonical digits only); a
 *     path that is not canonical gets 400 with a message saying what the
 *     canonical form is, never a "helpful" guess;
 *   - a tile that the current tree does not contain (beyond its right edge)
 *     gets 404;
 *   - full tiles never change: Cache-Control immutable, cacheable for a year
 *     by any CDN. Partial tiles are served for every width the tree has
 *     passed through (the spec requires the log to serve the partial tile of
 *     every size it published a checkpoint for, and we sign one per batch);
 *     they get a short lifetime because clients only ask for them until the
 *     full tile exists.
 *   - /checkpoint is text/plain; charset=utf-8, revalidated on every use
 *     (no-cache with an ETag), so a client never acts on a stale tree head.
 *
 * A partial tile of width W at (L, N) is exactly the right edge of the tree
 * of size (N*256 + W) * 256^L, and hashes and entries are never rewritten,
 * so it is read as the edge of that smaller tree. Everything is read in one
 * ledger read transaction: the size, the hashes and the entries agree. */
#include "error.h"
#include "log.h"
#include "response.h"
#include "site.h"
#include "tiles.h"

#include <stdlib.h>
#include <string.h>

#define TILE_PARTIAL_CACHE "public, max-age=60"

static const char bad_path_message[] =
    "bad tile path: expected /tile/<L>/<N>[.p/<W>] or /tile/entries/<N>[.p/<W>] "
    "(C2SP tlog-tiles): L from 0 to 63 and W from 1 to 255 in decimal without leading "
    "zeros, N in zero-padded groups of three digits, each but the last prefixed with "
    "'x' (x001/x234/067)";

void cc_log_checkpoint(cc_request *r)
{
    cc_ledger *l = r->site->ledger;
    MDB_txn *txn;
    int rc = cc_ledger_read_begin(l, &txn);
    if (rc) {
        cc_http_text(r, 503, "unavailable: ledger: %s", cc_strerror(rc));
        return;
    }
    cc_slice note;
    cc_out o;
    cc_out_init(&o, &r->req->pool);
    rc = cc_ledger_checkpoint(l, txn, &note);
    if (!rc) cc_out_append(&o, note.ptr, note.len); /* copied before the txn ends */
    cc_ledger_read_end(l, txn);
    if (rc == CC_ENOTFOUND) {
        cc_http_text(r, 404, "no checkpoint yet: the log is empty");
        return;
    }
    if (rc) {
        cc_http_text(r, 500, "cannot read the checkpoint: %s", cc_strerror(rc));
        return;
    }
    cc_response how = {200, "text/plain; charset=utf-8", CC_CACHE_REVALIDATE, CC_RESP_ETAG};
    cc_http_respond(r, &how, &o);
}

static void free_holder(void *p)
{
    free(*(void **)p);
}

/* Tree size at which tile t is the right edge (partial) or first complete
 * (full), or 0 when t lies beyond a tree of size `size`. */
static uint64_t tile_size(const cc_tile_ref *t, uint64_t size)
{
    unsigned shift = t->entries ? 0 : CC_TILE_HEIGHT * t->level;
    if (shift >= 64) return 0;
    uint64_t count = size >> shift; /* complete hashes (or entries) at this level */
    uint64_t w = t->width;
    if (w == 0 || w > CC_TILE_WIDTH || w > count) return 0;
    /* index * 256 + w <= count, without overflow */
    if (t->index > (count - w) / CC_TILE_WIDTH) return 0;
    return (t->index * CC_TILE_WIDTH + w) << shift;
}

void cc_log_tile(cc_request *r)
{
    /* the spec's paths are relative to the log's prefix: drop the '/' */
    cc_tile_ref t;
    if (cc_tile_path_parse(r->path.base + 1, r->path.len - 1, &t)) {
        cc_http_text(r, 400, "%s", bad_path_message);
        return;
    }
    cc_ledger *l = r->site->ledger;
    MDB_txn *txn;
    int rc = cc_ledger_read_begin(l, &txn);
    if (rc) {
        cc_http_text(r, 503, "unavailable: ledger: %s", cc_strerror(rc));
        return;
    }
    uint64_t size = 0, at = 0;
    uint8_t *buf = NULL;
    size_t len = 0;
    rc = cc_log_size(txn, l->log, &size);
    if (!rc) {
        at = tile_size(&t, size);
        if (!at)
            rc = CC_ENOTFOUND;
        else
            rc = cc_tile_read(l, txn, t.width == CC_TILE_WIDTH ? size : at, &t, &buf, &len);
    }
    cc_ledger_read_end(l, txn);
    if (rc == CC_ENOTFOUND) {
        cc_http_text(r, 404,
                     "tile not found: the log has %llu entries and this tile lies beyond it",
                     (unsigned long long)size);
        return;
    }
    if (rc) {
        cc_http_text(r, 500, "cannot read the tile: %s", cc_strerror(rc));
        return;
    }
    /* the buffer lives until the request's pool is cleared */
    void **holder = h2o_mem_alloc_shared(&r->req->pool, sizeof *holder, free_holder);
    *holder = buf;
    cc_out o;
    cc_out_init(&o, &r->req->pool);
    cc_out_ref(&o, buf, len);
    cc_response how = {200, "application/octet-stream",
                       t.width == CC_TILE_WIDTH ? CC_CACHE_IMMUTABLE : TILE_PARTIAL_CACHE,
                       CC_RESP_ETAG};
    cc_http_respond(r, &how, &o);
}
