/* test_tiles.c - C2SP tlog-tiles: paths, widths, hash tiles against the
 * stored tree, entry bundles round trip, malformed bundles.
 *
 * The widths follow the worked example of the spec (a tree of 70,000 leaves
 * has 273 full level-0 tiles and a partial one of width 112, one full level-1
 * tile and a partial one of width 17, and a partial level-2 tile of width 1);
 * the path spellings follow the spec's example ("x001/x234/067") and Go's
 * golang.org/x/mod/sumdb/tlog, which writes the same canonical form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "error.h"
#include "ledger.h"
#include "support.h"
#include "tiles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- paths ------------------------------------------------------------------ */

static const struct {
    cc_tile_ref ref;
    const char *path;
} good_paths[] = {
    {{0, 0, 0, 256}, "tile/0/000"},
    {{0, 0, 1, 256}, "tile/0/001"},
    {{0, 0, 999, 256}, "tile/0/999"},
    {{0, 0, 1000, 256}, "tile/0/x001/000"},
    {{0, 0, 1234067, 256}, "tile/0/x001/x234/067"},
    {{0, 1, 0, 17}, "tile/1/000.p/17"},
    {{0, 7, 5, 255}, "tile/7/005.p/255"},
    {{0, 10, 42, 1}, "tile/10/042.p/1"},
    {{0, 63, UINT64_MAX, 1}, "tile/63/x018/x446/x744/x073/x709/x551/615.p/1"},
    {{1, 0, 0, 256}, "tile/entries/000"},
    {{1, 0, 3, 112}, "tile/entries/003.p/112"},
    {{1, 0, 1000000, 256}, "tile/entries/x001/x000/000"},
};

static void paths_round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof good_paths / sizeof good_paths[0]; i++) {
        char buf[CC_TILE_PATH_MAX];
        assert_int_equal(cc_tile_path_format(&good_paths[i].ref, buf, sizeof buf), 0);
        assert_string_equal(buf, good_paths[i].path);
        cc_tile_ref t;
        assert_int_equal(cc_tile_path_parse(buf, strlen(buf), &t), 0);
        assert_int_equal(t.entries, good_paths[i].ref.entries);
        assert_int_equal(t.level, good_paths[i].ref.level);
        assert_true(t.index == good_paths[i].ref.index);
        assert_int_equal(t.width, good_paths[i].ref.width);
    }
}

static const char *const bad_paths[] = {
    "",
    "tile",
    "tile/",
    "tile/0",
    "tile/0/",
    "/tile/0/000",
    "tiles/0/000",
    "tile/00/000", /* leading zero in the level */
    "tile/01/000",
    "tile/64/000", /* level beyond 63 */
    "tile/-1/000",
    "tile/a/000",
    "tile/0/0", /* groups are three digits */
    "tile/0/00",
    "tile/0/0000",
    "tile/0/x000/001", /* no leading zero group */
    "tile/0/x001",     /* x group without a last group */
    "tile/0/x001/",
    "tile/0/x001/23",
    "tile/0/001/002", /* inner group without x */
    "tile/0/x1000/000",
    "tile/0/X001/000",
    "tile/0/x018/x446/x744/x073/x709/x551/616", /* 2^64 */
    "tile/0/x999/x999/x999/x999/x999/x999/999",
    "tile/0/000.p/0", /* widths are 1..255 */
    "tile/0/000.p/256",
    "tile/0/000.p/017",
    "tile/0/000.p/",
    "tile/0/000.p",
    "tile/0/000.q/5",
    "tile/0/000.p/5x",
    "tile/0/000.p/5/",
    "tile/0/000/",
    "tile/0/000 ",
    "tile/entries/",
    "tile/entries/00",
    "tile/entries/x000/001",
    "tile/entries/000.p/256",
    "tile/entries0/000",
    "tile/0/abc",
};

static void paths_rejected(void **state)
{
    (void)state;
    cc_tile_ref t;
    for (size_t i = 0; i < sizeof bad_paths / sizeof bad_paths[0]; i++) {
        if (cc_tile_path_parse(bad_paths[i], strlen(bad_paths[i]), &t) != CC_EINVAL)
            fail_msg("accepted \"%s\"", bad_paths[i]);
    }
    /* A NUL inside the given length is not the end of the path. */
    assert_int_equal(cc_tile_path_parse("tile/0/000\0", 11, &t), CC_EINVAL);
    assert_int_equal(cc_tile_path_parse(NULL, 0, &t), CC_EINVAL);

    char buf[CC_TILE_PATH_MAX];
    cc_tile_ref bad[] = {
        {0, 0, 0, 0},
        {0, 0, 0, 257},
        {0, 64, 0, 256},
        {1, 1, 0, 256},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(cc_tile_path_format(&bad[i], buf, sizeof buf), CC_EINVAL);
    cc_tile_ref ok = {0, 0, 1234067, 256};
    assert_int_equal(cc_tile_path_format(&ok, buf, 10), CC_EINVAL); /* too small */
}

static void widths(void **state)
{
    (void)state;
    /* The spec's example: 70,000 leaves. */
    assert_true(cc_tile_count(70000, 0) == 274);
    assert_int_equal(cc_tile_width(70000, 0, 0), 256);
    assert_int_equal(cc_tile_width(70000, 0, 272), 256);
    assert_int_equal(cc_tile_width(70000, 0, 273), 112);
    assert_int_equal(cc_tile_width(70000, 0, 274), 0);
    assert_true(cc_tile_count(70000, 1) == 2);
    assert_int_equal(cc_tile_width(70000, 1, 0), 256);
    assert_int_equal(cc_tile_width(70000, 1, 1), 17);
    assert_true(cc_tile_count(70000, 2) == 1);
    assert_int_equal(cc_tile_width(70000, 2, 0), 1);
    assert_true(cc_tile_count(70000, 3) == 0);
    /* "A tree of size 256 will be represented by a full level 0 tile and a
     * partial level 1 tile of width 1." */
    assert_true(cc_tile_count(256, 0) == 1);
    assert_int_equal(cc_tile_width(256, 0, 0), 256);
    assert_int_equal(cc_tile_width(256, 1, 0), 1);
    assert_true(cc_tile_count(0, 0) == 0);
    assert_int_equal(cc_tile_width(0, 0, 0), 0);
    assert_int_equal(cc_tile_width(1, 0, 0), 1);
    /* Sizes near the top of u64 neither overflow nor invent tiles. */
    assert_true(cc_tile_count(UINT64_MAX, 7) == 1);
    assert_int_equal(cc_tile_width(UINT64_MAX, 7, 0), 255);
    assert_int_equal(cc_tile_width(UINT64_MAX, 8, 0), 0);
    assert_true(cc_tile_count(UINT64_MAX, 63) == 0);
}

/* ---- a ledger with synthetic entries --------------------------------------- */

typedef struct fx {
    char *dir;
    cc_ledger l;
    uint64_t size;
} fx;

/* Entry i: a few bytes that depend on i, of varying length. */
static size_t make_entry(uint64_t i, uint8_t *buf)
{
    size_t n = 1 + (size_t)(i * 7 % 40);
    for (size_t k = 0; k < n; k++)
        buf[k] = (uint8_t)(i * 31 + k);
    return n;
}

static void append_entry(fx *f, MDB_txn *txn, const uint8_t *e, size_t n)
{
    assert_int_equal(cc_log_append(txn, f->l.log, f->size, e, n), 0);
    cc_hash leaf;
    cc_merkle_leaf_hash(e, n, &leaf);
    assert_int_equal(cc_merkle_append(txn, f->l.tree, f->size, &leaf), 0);
    f->size++;
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    f->dir = ct_tempdir("tiles");
    if (cc_ledger_create(f->dir, "tiles.example/log", NULL, 0) ||
        cc_ledger_open(&f->l, f->dir, NULL))
        return -1;
    MDB_txn *txn;
    if (mdb_txn_begin(f->l.env, NULL, 0, &txn)) return -1;
    uint8_t e[64];
    for (uint64_t i = 0; i < 600; i++)
        append_entry(f, txn, e, make_entry(i, e));
    if (mdb_txn_commit(txn)) return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    cc_ledger_close(&f->l);
    ct_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static void hash_tiles_match_stored_hashes(void **state)
{
    fx *f = *state;
    MDB_txn *txn;
    assert_int_equal(cc_ledger_read_begin(&f->l, &txn), 0);
    const uint64_t sizes[] = {0, 1, 2, 255, 256, 257, 511, 512, 513, 600};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        uint64_t size = sizes[s];
        for (unsigned level = 0; level < 3; level++) {
            uint64_t count = cc_tile_count(size, level);
            for (uint64_t n = 0; n < count; n++) {
                cc_tile_ref t = {0, level, n, cc_tile_width(size, level, n)};
                uint8_t *buf;
                size_t len;
                assert_int_equal(cc_tile_read(&f->l, txn, size, &t, &buf, &len), 0);
                assert_int_equal(len, (size_t)t.width * CC_HASH_SIZE);
                for (unsigned i = 0; i < t.width; i++) {
                    cc_hash h;
                    assert_int_equal(cc_merkle_get(txn, f->l.tree, 8 * level, n * 256 + i, &h), 0);
                    assert_memory_equal(buf + (size_t)i * CC_HASH_SIZE, h.b, CC_HASH_SIZE);
                }
                free(buf);
                /* The same index with another width does not exist at this size. */
                cc_tile_ref other = t;
                other.width = t.width == 256 ? 255 : t.width + 1;
                assert_int_equal(cc_tile_read(&f->l, txn, size, &other, &buf, &len), CC_ENOTFOUND);
            }
            cc_tile_ref beyond = {0, level, count, 256};
            uint8_t *buf;
            size_t len;
            assert_int_equal(cc_tile_read(&f->l, txn, size, &beyond, &buf, &len), CC_ENOTFOUND);
        }
    }
    /* A level-1 hash is the Merkle root of the full level-0 tile it covers. */
    cc_tile_ref t0 = {0, 0, 1, 256}, t1 = {0, 1, 0, 2};
    uint8_t *b0, *b1;
    size_t l0, l1;
    assert_int_equal(cc_tile_read(&f->l, txn, 600, &t0, &b0, &l0), 0);
    assert_int_equal(cc_tile_read(&f->l, txn, 600, &t1, &b1, &l1), 0);
    cc_merkle_builder b;
    cc_merkle_builder_init(&b);
    for (int i = 0; i < 256; i++)
        cc_merkle_builder_push(&b, (const cc_hash *)(b0 + i * CC_HASH_SIZE));
    cc_hash root;
    cc_merkle_builder_root(&b, &root);
    assert_memory_equal(root.b, b1 + CC_HASH_SIZE, CC_HASH_SIZE);
    free(b0);
    free(b1);
    /* Levels that cannot exist, and sizes beyond the log. */
    uint8_t *buf;
    size_t len;
    cc_tile_ref high = {0, 8, 0, 1};
    assert_int_equal(cc_tile_read(&f->l, txn, 600, &high, &buf, &len), CC_ENOTFOUND);
    cc_tile_ref edge = {0, 0, 2, 89};
    assert_int_equal(cc_tile_read(&f->l, txn, 601, &edge, &buf, &len), CC_ENOTFOUND);
    cc_ledger_read_end(&f->l, txn);
}

typedef struct collect {
    const uint8_t *ptr[300];
    size_t len[300];
    unsigned n;
    int stop_at;
} collect;

static int collect_entry(const uint8_t *entry, size_t len, void *arg)
{
    collect *c = arg;
    if (c->stop_at >= 0 && (int)c->n == c->stop_at) return -12345;
    c->ptr[c->n] = entry;
    c->len[c->n] = len;
    c->n++;
    return 0;
}

static void bundles_round_trip(void **state)
{
    fx *f = *state;
    MDB_txn *txn;
    assert_int_equal(cc_ledger_read_begin(&f->l, &txn), 0);
    const uint64_t sizes[] = {1, 255, 256, 257, 600};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        for (uint64_t n = 0; n < cc_tile_count(sizes[s], 0); n++) {
            cc_tile_ref t = {1, 0, n, cc_tile_width(sizes[s], 0, n)};
            uint8_t *buf;
            size_t len;
            assert_int_equal(cc_tile_read(&f->l, txn, sizes[s], &t, &buf, &len), 0);
            collect c = {.stop_at = -1};
            assert_int_equal(cc_bundle_parse(buf, len, collect_entry, &c), 0);
            assert_int_equal(c.n, t.width);
            for (unsigned i = 0; i < c.n; i++) {
                uint8_t e[64];
                size_t el = make_entry(n * 256 + i, e);
                assert_int_equal(c.len[i], el);
                assert_memory_equal(c.ptr[i], e, el);
            }
            free(buf);
        }
    }
    cc_tile_ref wrong = {1, 0, 2, 256};
    uint8_t *buf;
    size_t len;
    assert_int_equal(cc_tile_read(&f->l, txn, 600, &wrong, &buf, &len), CC_ENOTFOUND);
    cc_ledger_read_end(&f->l, txn);
}

static void bundles_of_big_entries(void **state)
{
    (void)state;
    fx f = {0};
    f.dir = ct_tempdir("tiles-big");
    assert_int_equal(cc_ledger_create(f.dir, "tiles.example/log", NULL, 0), 0);
    assert_int_equal(cc_ledger_open(&f.l, f.dir, NULL), 0);
    MDB_txn *txn;
    assert_int_equal(mdb_txn_begin(f.l.env, NULL, 0, &txn), 0);
    size_t big = 3000, huge = 70000;
    uint8_t *e = calloc(1, huge);
    memset(e, 'a', huge);
    append_entry(&f, txn, e, 0);   /* an empty entry is framed too */
    append_entry(&f, txn, e, big); /* larger than any event: the buffer grows */
    append_entry(&f, txn, e, 65535);
    append_entry(&f, txn, e, huge); /* cannot be framed in a uint16 */
    assert_int_equal(mdb_txn_commit(txn), 0);
    assert_int_equal(cc_ledger_read_begin(&f.l, &txn), 0);
    cc_tile_ref t = {1, 0, 0, 3};
    uint8_t *buf;
    size_t len;
    assert_int_equal(cc_tile_read(&f.l, txn, 3, &t, &buf, &len), 0);
    assert_int_equal(len, 2 + 0 + 2 + big + 2 + 65535);
    collect c = {.stop_at = -1};
    assert_int_equal(cc_bundle_parse(buf, len, collect_entry, &c), 0);
    assert_int_equal(c.n, 3);
    assert_int_equal(c.len[0], 0);
    assert_int_equal(c.len[1], big);
    assert_int_equal(c.len[2], 65535);
    free(buf);
    t.width = 4;
    assert_int_equal(cc_tile_read(&f.l, txn, 4, &t, &buf, &len), CC_ETOOBIG);
    cc_ledger_read_end(&f.l, txn);
    free(e);
    cc_ledger_close(&f.l);
    ct_rmtree(f.dir);
    free(f.dir);
}

static void malformed_bundles(void **state)
{
    (void)state;
    collect c = {.stop_at = -1};
    uint8_t buf[2 * 258 + 8];
    memset(buf, 0, sizeof buf);
    assert_int_equal(cc_bundle_parse(buf, 0, collect_entry, &c), CC_EMALFORMED); /* empty */
    assert_int_equal(cc_bundle_parse(NULL, 4, collect_entry, &c), CC_EMALFORMED);
    assert_int_equal(cc_bundle_parse(buf, 1, collect_entry, &c), CC_EMALFORMED); /* half a length */
    const uint8_t truncated[] = {0, 5, 'a', 'b', 'c'};
    assert_int_equal(cc_bundle_parse(truncated, sizeof truncated, collect_entry, &c),
                     CC_EMALFORMED);
    const uint8_t trailing[] = {0, 1, 'a', 0};
    assert_int_equal(cc_bundle_parse(trailing, sizeof trailing, collect_entry, &c), CC_EMALFORMED);
    assert_int_equal(c.n, 0); /* fn is never called on a malformed bundle */
    /* 256 empty entries are a full bundle; 257 are too many. */
    assert_int_equal(cc_bundle_parse(buf, 2 * 256, collect_entry, &c), 0);
    assert_int_equal(c.n, 256);
    c.n = 0;
    assert_int_equal(cc_bundle_parse(buf, 2 * 257, collect_entry, &c), CC_EMALFORMED);
    assert_int_equal(c.n, 0);
    /* The callback's error stops the walk and is returned. */
    const uint8_t three[] = {0, 1, 'a', 0, 1, 'b', 0, 1, 'c'};
    collect stop = {.stop_at = 1};
    assert_int_equal(cc_bundle_parse(three, sizeof three, collect_entry, &stop), -12345);
    assert_int_equal(stop.n, 1);
    /* A NULL callback only checks the framing. */
    assert_int_equal(cc_bundle_parse(three, sizeof three, NULL, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(paths_round_trip),
        cmocka_unit_test(paths_rejected),
        cmocka_unit_test(widths),
        cmocka_unit_test_setup_teardown(hash_tiles_match_stored_hashes, setup, teardown),
        cmocka_unit_test_setup_teardown(bundles_round_trip, setup, teardown),
        cmocka_unit_test(bundles_of_big_entries),
        cmocka_unit_test(malformed_bundles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
