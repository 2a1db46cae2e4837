/* tiles.c - C2SP tlog-tiles paths, hash tiles and entry bundles.
 *
 * What it does. The Merkle tree's stored hashes (merkle.c) are already laid
 * out as tlog-tiles numbers them: hash (level, index) covers leaves
 * [index * 2^level, (index + 1) * 2^level). A tile (L, N) is therefore just
 * the run of stored hashes at tree level 8L from index 256N, and an entry
 * bundle the run of log entries from 256N, each behind a big-endian uint16
 * length. Nothing is precomputed or cached here: a tile is a range read.
 *
 * Why strict paths. Tiles are served and stored as files named by their
 * path, and snapshots carry them. A path that is not canonical ("0001",
 * "x000/001", "7.p/0") would name the same tile twice or a tile that cannot
 * exist, so the parser accepts exactly the spelling the formatter writes
 * (Go's golang.org/x/mod/sumdb/tlog spells them the same way) and rejects
 * everything else, including indices that overflow 64 bits.
 *
 * Widths. At size s the tiles of level L are floor(s / 256^(L+1)) full ones
 * followed, when floor(s / 256^L) mod 256 is not zero, by one partial tile
 * of that width. No other partial width of that index exists at that size:
 * a client must never be handed a partial tile that the checkpoint it
 * verified does not imply. */
#include "tiles.h"

#include "bytes.h"
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Levels whose tiles can hold hashes with u64 sizes: tree level 8L < 64. */
#define STORED_LEVELS 8

/* ---- paths ---------------------------------------------------------------- */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Parse a decimal number without leading zeros ("0" allowed) from
 * s[*pos..end) up to a non-digit; at most max. */
static int parse_small(const char *s, size_t end, size_t *pos, unsigned max, unsigned *out)
{
    size_t i = *pos;
    unsigned v = 0;
    if (i >= end || !is_digit(s[i])) return CC_EINVAL;
    if (s[i] == '0' && i + 1 < end && is_digit(s[i + 1])) return CC_EINVAL;
    while (i < end && is_digit(s[i])) {
        v = v * 10 + (unsigned)(s[i] - '0');
        if (v > max) return CC_EINVAL;
        i++;
    }
    *pos = i;
    *out = v;
    return 0;
}

int cc_tile_path_parse(const char *path, size_t len, cc_tile_ref *out)
{
    cc_tile_ref t = {0};
    size_t i = 0;
    if (!path || !out) return CC_EINVAL;
    if (len < 5 || memcmp(path, "tile/", 5) != 0) return CC_EINVAL;
    i = 5;
    if (len - i >= 8 && memcmp(path + i, "entries/", 8) == 0) {
        t.entries = 1;
        i += 8;
    } else {
        if (parse_small(path, len, &i, CC_TILE_MAX_LEVEL, &t.level)) return CC_EINVAL;
        if (i >= len || path[i] != '/') return CC_EINVAL;
        i++;
    }
    /* N: ("x" ddd "/")* ddd, no leading x000 group. */
    uint64_t n = 0;
    int groups = 0;
    for (;;) {
        int prefixed = i < len && path[i] == 'x';
        if (prefixed) i++;
        if (len - i < 3 || !is_digit(path[i]) || !is_digit(path[i + 1]) || !is_digit(path[i + 2]))
            return CC_EINVAL;
        unsigned g = (unsigned)(path[i] - '0') * 100 + (unsigned)(path[i + 1] - '0') * 10 +
                     (unsigned)(path[i + 2] - '0');
        i += 3;
        if (groups == 0 && prefixed && g == 0) return CC_EINVAL;
        if (n > (UINT64_MAX - g) / 1000) return CC_EINVAL;
        n = n * 1000 + g;
        groups++;
        if (prefixed) {
            if (i >= len || path[i] != '/') return CC_EINVAL;
            i++;
            continue;
        }
        break;
    }
    t.index = n;
    t.width = CC_TILE_WIDTH;
    if (i < len) {
        if (len - i < 3 || memcmp(path + i, ".p/", 3) != 0) return CC_EINVAL;
        i += 3;
        unsigned w;
        if (parse_small(path, len, &i, CC_TILE_WIDTH - 1, &w) || w == 0) return CC_EINVAL;
        t.width = w;
    }
    if (i != len) return CC_EINVAL;
    *out = t;
    return 0;
}

int cc_tile_path_format(const cc_tile_ref *t, char *buf, size_t cap)
{
    if (!t || !buf || t->width < 1 || t->width > CC_TILE_WIDTH ||
        (!t->entries && t->level > CC_TILE_MAX_LEVEL) || (t->entries && t->level != 0))
        return CC_EINVAL;
    /* Groups of three digits, most significant first. */
    unsigned groups[7];
    int n = 0;
    uint64_t v = t->index;
    do {
        groups[n++] = (unsigned)(v % 1000);
        v /= 1000;
    } while (v > 0);
    char tmp[CC_TILE_PATH_MAX];
    int o = t->entries ? snprintf(tmp, sizeof tmp, "tile/entries/")
                       : snprintf(tmp, sizeof tmp, "tile/%u/", t->level);
    for (int g = n - 1; g >= 0; g--)
        o += snprintf(tmp + o, sizeof tmp - (size_t)o, "%s%03u%s", g > 0 ? "x" : "", groups[g],
                      g > 0 ? "/" : "");
    if (t->width < CC_TILE_WIDTH) o += snprintf(tmp + o, sizeof tmp - (size_t)o, ".p/%u", t->width);
    if ((size_t)o >= cap) return CC_EINVAL;
    memcpy(buf, tmp, (size_t)o + 1);
    return 0;
}

/* ---- widths --------------------------------------------------------------- */

uint64_t cc_tile_count(uint64_t log_size, unsigned level)
{
    if (level >= STORED_LEVELS) return 0;
    uint64_t covered = log_size >> (CC_TILE_HEIGHT * level); /* hashes at tree level 8L */
    return covered / CC_TILE_WIDTH + (covered % CC_TILE_WIDTH != 0);
}

unsigned cc_tile_width(uint64_t log_size, unsigned level, uint64_t index)
{
    if (level >= STORED_LEVELS) return 0;
    uint64_t covered = log_size >> (CC_TILE_HEIGHT * level);
    uint64_t full = covered / CC_TILE_WIDTH;
    if (index < full) return CC_TILE_WIDTH;
    if (index == full) return (unsigned)(covered % CC_TILE_WIDTH);
    return 0;
}

/* ---- reading -------------------------------------------------------------- */

int cc_tile_read(cc_ledger *l, MDB_txn *txn, uint64_t log_size, const cc_tile_ref *t, uint8_t **out,
                 size_t *len)
{
    if (!l || !txn || !t || !out || !len) return CC_EINVAL;
    if (t->entries && t->level != 0) return CC_EINVAL;
    unsigned width = cc_tile_width(log_size, t->level, t->index);
    if (width == 0 || width != t->width) return CC_ENOTFOUND;
    uint64_t first = t->index * CC_TILE_WIDTH; /* cannot overflow: the tile exists */
    uint8_t *buf = NULL;
    size_t n = 0;
    int rc = 0;
    if (!t->entries) {
        n = (size_t)width * CC_HASH_SIZE;
        if (!(buf = malloc(n))) return CC_ENOMEM;
        for (unsigned i = 0; i < width && !rc; i++) {
            cc_hash h;
            rc = cc_merkle_get(txn, l->tree, CC_TILE_HEIGHT * t->level, first + i, &h);
            if (!rc) memcpy(buf + (size_t)i * CC_HASH_SIZE, h.b, CC_HASH_SIZE);
        }
    } else {
        /* Entries are at most CC_EVENT_MAX bytes; size the buffer for the
         * worst case of this format anyway and check every length. */
        size_t cap = (size_t)width * (2 + CC_EVENT_MAX);
        if (!(buf = malloc(cap))) return CC_ENOMEM;
        for (unsigned i = 0; i < width && !rc; i++) {
            cc_slice e;
            if ((rc = cc_log_get(txn, l->log, first + i, &e))) break;
            if (e.len > 0xFFFF) {
                rc = CC_ETOOBIG;
                break;
            }
            if (cap - n < 2 + e.len) {
                size_t ncap = cap * 2 + e.len;
                uint8_t *nb = realloc(buf, ncap);
                if (!nb) {
                    rc = CC_ENOMEM;
                    break;
                }
                buf = nb;
                cap = ncap;
            }
            cc_put_be16(buf + n, (uint16_t)e.len);
            memcpy(buf + n + 2, e.ptr, e.len);
            n += 2 + e.len;
        }
    }
    if (rc) {
        free(buf);
        return rc;
    }
    *out = buf;
    *len = n;
    return 0;
}

int cc_bundle_parse(const uint8_t *buf, size_t len,
                    int (*fn)(const uint8_t *entry, size_t len, void *arg), void *arg)
{
    if (!buf || len == 0) return CC_EMALFORMED;
    /* First pass: the framing alone, so that fn never sees a prefix of a
     * bundle that turns out to be malformed. */
    size_t off = 0;
    unsigned count = 0;
    while (off < len) {
        if (len - off < 2) return CC_EMALFORMED;
        size_t n = cc_get_be16(buf + off);
        if (len - off - 2 < n) return CC_EMALFORMED;
        off += 2 + n;
        if (++count > CC_TILE_WIDTH) return CC_EMALFORMED;
    }
    for (off = 0; off < len;) {
        size_t n = cc_get_be16(buf + off);
        if (fn) {
            int rc = fn(buf + off + 2, n, arg);
            if (rc) return rc;
        }
        off += 2 + n;
    }
    return 0;
}
