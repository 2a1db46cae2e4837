/* tiles.h - the log as C2SP tlog-tiles: hash tiles and entry bundles.
 *
 * Tiles have height 8: a full tile holds 256 hashes; tile (L, N) holds the
 * hashes at tree level 8*L with indices N*256 .. N*256+W-1 (our "tree" DBI
 * stores exactly those, see merkle.h). An entry bundle N holds entries
 * N*256 .. N*256+W-1, each as a big-endian uint16 length then the entry
 * bytes. A partial tile or bundle (W < 256) exists only for the right edge
 * of the tree at a given size. Paths follow the spec: "tile/<L>/<N>[.p/<W>]"
 * and "tile/entries/<N>[.p/<W>]", N written in groups of three digits with
 * "x" prefixes on all but the last ("x001/x234/067").
 *
 * All functions returning int return 0 or a negative error code (error.h). */
#ifndef CONCERTO_TILES_H
#define CONCERTO_TILES_H

#include "ledger.h"

#include <stddef.h>
#include <stdint.h>

#define CC_TILE_HEIGHT 8
#define CC_TILE_WIDTH 256
/* Highest level a path may name (the spec's syntax). With u64 sizes only
 * levels 0..7 can ever hold a hash: level 8 would cover 2^64 leaves each. */
#define CC_TILE_MAX_LEVEL 63
/* Longest canonical path: "tile/entries/" + 7 groups + ".p/255". */
#define CC_TILE_PATH_MAX 64

typedef struct cc_tile_ref {
    int entries;    /* 1 for an entry bundle, 0 for a hash tile */
    unsigned level; /* hash tiles: L (0..CC_TILE_MAX_LEVEL); 0 for bundles */
    uint64_t index; /* N */
    unsigned width; /* 1..256; 256 for a full tile */
} cc_tile_ref;

/* Parse a path relative to the log prefix ("tile/0/x001/234.p/17").
 * Strict: canonical digits only, no leading zeros beyond the 3-digit groups
 * (and no leading "x000" group), no index beyond 2^64 - 1, ".p/W" only with
 * 1 <= W <= 255, nothing before or after. CC_EINVAL otherwise. */
int cc_tile_path_parse(const char *path, size_t len, cc_tile_ref *out);
/* Format the canonical path of t (NUL-terminated; CC_TILE_PATH_MAX bytes
 * always suffice). CC_EINVAL for an invalid ref or a small buffer. */
int cc_tile_path_format(const cc_tile_ref *t, char *buf, size_t cap);

/* Width of tile (level, index) in the tree of log_size leaves: 256 for a
 * full tile, 1..255 for the partial tile at the right edge, 0 when the tile
 * does not exist at that size. Entry bundles use level 0. */
unsigned cc_tile_width(uint64_t log_size, unsigned level, uint64_t index);
/* Number of tiles (full ones plus the partial one, if any) at level. */
uint64_t cc_tile_count(uint64_t log_size, unsigned level);

/* Read tile t of the tree of size log_size into a malloc'd buffer the caller
 * frees. Returns CC_ENOTFOUND when the tile does not exist at that size
 * (beyond the edge, or a partial width that does not match the edge), or
 * when log_size exceeds the log; CC_ETOOBIG for an entry too long for a
 * bundle's uint16 length (ours never are: CC_EVENT_MAX). */
int cc_tile_read(cc_ledger *l, MDB_txn *txn, uint64_t log_size, const cc_tile_ref *t, uint8_t **out,
                 size_t *len);

/* Parse an entry bundle: calls fn for each entry (slices into buf), in
 * order; a non-zero return from fn stops the walk and is returned. The
 * whole bundle is checked before fn is first called: CC_EMALFORMED on an
 * empty, truncated or over-long bundle (more than 256 entries), and fn is
 * then never called. */
int cc_bundle_parse(const uint8_t *buf, size_t len,
                    int (*fn)(const uint8_t *entry, size_t len, void *arg), void *arg);

#endif
