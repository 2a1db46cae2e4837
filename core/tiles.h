/* tiles.h - the log as C2SP tlog-tiles: hash tiles and entry bundles.
 *
 * Tiles have height 8: a full tile holds 256 hashes; tile (L, N) holds the
 * hashes at tree level 8*L with indices N*256 .. N*256+W-1 (our "tree" DBI
 * stores exactly those, see merkle.h). An entry bundle N holds entries
 * N*256 .. N*256+W-1, each as a big-endian uint16 length then the entry
 * bytes. A partial tile or bundle (W < 256) exists only for the right edge
 * of the tree at a given size. Paths follow the spec: "tile/<L>/<N>[.p/<W>]"
 * and "tile/entries/<N>[.p/<W>]", N written in groups of three digits with
 * "x" prefixes on all but the last ("x001/x234/067"). */
#ifndef CONCERTO_TILES_H
#define CONCERTO_TILES_H

#include "ledger.h"

#include <stddef.h>
#include <stdint.h>

#define CC_TILE_HEIGHT 8
#define CC_TILE_WIDTH 256

typedef struct cc_tile_ref {
    int entries;    /* 1 for an entry bundle, 0 for a hash tile */
    unsigned level; /* hash tiles: L (0..63/8) */
    uint64_t index; /* N */
    unsigned width; /* 1..256; 256 for a full tile */
} cc_tile_ref;

/* Parse a path relative to the log prefix ("tile/0/x001/234.p/17").
 * Strict: canonical digits only, no leading zeros beyond the 3-digit groups,
 * ".p/W" only with 1 <= W <= 255. CC_EINVAL otherwise. */
int cc_tile_path_parse(const char *path, size_t len, cc_tile_ref *out);
/* Format the canonical path of t (NUL-terminated). */
int cc_tile_path_format(const cc_tile_ref *t, char *buf, size_t cap);

/* Read tile t of the tree of size log_size into a malloc'd buffer. Returns
 * CC_ENOTFOUND when the tile does not exist at that size (beyond the edge,
 * or a partial width that does not match the edge). */
int cc_tile_read(cc_ledger *l, MDB_txn *txn, uint64_t log_size, const cc_tile_ref *t,
                 uint8_t **out, size_t *len);

/* Parse an entry bundle: calls fn for each entry (slices into buf).
 * CC_EMALFORMED on a truncated or over-long bundle (more than 256 entries). */
int cc_bundle_parse(const uint8_t *buf, size_t len,
                    int (*fn)(const uint8_t *entry, size_t len, void *arg), void *arg);

#endif
