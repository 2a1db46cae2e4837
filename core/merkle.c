/* merkle.c - the RFC 6962 / RFC 9162 Merkle tree of the log, kept in LMDB.
 *
 * What it does. Every entry of the log is a leaf of one Merkle tree. The
 * tree is never materialised as nodes with pointers: we store, once and for
 * ever, the hash of every *perfect* subtree, i.e. every aligned run of 2^L
 * leaves [N * 2^L, (N+1) * 2^L): hash (L, N) in the C2SP tlog-tiles
 * numbering, so the same hashes are served as tiles without recomputation.
 * It is stored under the 9-byte key (last leaf covered, big-endian; L), an
 * order in which appends only ever add at the end (see encode_key). Appending leaf i writes its
 * leaf hash at (0, i) and then, for every low 1-bit of i, the parent that leaf just completed: leaf
 * 7 (binary 111) completes (1,3), (2,1) and (3,0). The sibling needed for each parent is always
 * already stored, so an append is one read and one write per completed level, O(log n) in the worst
 * case and two writes on average.
 *
 * Why this way. A tree of arbitrary size n is not perfect, but [0, n)
 * decomposes uniquely into perfect aligned subtrees, one per 1-bit of n,
 * largest first (n = 6 is [0,4) + [4,6)). RFC 9162's MTH splits at the
 * largest power of two smaller than the size, which is exactly that
 * decomposition, folded right to left. So the root of *any* past size, and
 * any subtree hash that the proof algorithms ask for, is a handful of point
 * reads and never touches the entries themselves: history stays cheap to
 * prove however long the log grows, and nothing is ever rewritten, which
 * suits an append-only log and LMDB's copy-on-write pages.
 *
 * The proof generators are the recursive definitions of RFC 9162 2.1.3.1
 * (PATH) and 2.1.4.1 (SUBPROOF) unrolled into loops; each descent step emits
 * one hash and the list is reversed at the end, because the RFC lists the
 * hashes bottom-up while the loop walks top-down. The verifiers are the
 * iterative algorithms of 2.1.3.2 and 2.1.4.2 transcribed step by step (the
 * step numbers are in the comments) so that they can be checked against the
 * text; they read no storage and are what an outside auditor runs.
 *
 * Edge cases, decided once here:
 *   - the empty tree's root is SHA-256 of the empty string (RFC 9162);
 *   - an inclusion proof needs index < size, else CC_EINVAL when generating
 *     and CC_EPROOF when verifying (a verifier only answers yes or no);
 *   - a consistency proof from old_size == new_size is empty and verifies iff
 *     the two roots are equal;
 *   - a consistency proof from old_size == 0 is empty. RFC 9162 leaves this
 *     case undefined; we verify it only when the proof is empty *and* the old
 *     root is the empty-tree hash, because a tree of size 0 has exactly one
 *     possible root. (Go's transparency-dev/merkle ignores the old root here;
 *     we are deliberately stricter.)
 *
 * libsodium's SHA-256 is portable code without CPU dispatch, so hashing is
 * correct even before sodium_init(); the program still calls sodium_init()
 * at start-up for the rest of libsodium.
 *
 * Transactions: on any error from cc_merkle_append the caller must abort the
 * write transaction, as for any failed LMDB write (a parent may be missing
 * while its leaf is already written). */
#include "merkle.h"

#include "error.h"

#include <errno.h>
#include <sodium.h>
#include <string.h>

/* Levels 0..63: a perfect subtree of 2^64 leaves cannot exist when sizes are
 * u64, so 63 is the highest level that can ever be stored. */
#define MAX_LEVEL 63
#define KEY_SIZE 9
/* Inclusion proofs have at most 64 hashes; consistency proofs at most 65
 * (64 levels plus the optional MTH(D[m]) of SUBPROOF's "false" case). */
#define MAX_PATH 66

static const uint8_t leaf_prefix = 0x00;
static const uint8_t node_prefix = 0x01;

void cc_merkle_empty_root(cc_hash *out)
{
    crypto_hash_sha256(out->b, NULL, 0);
}

void cc_merkle_leaf_hash(const uint8_t *entry, size_t len, cc_hash *out)
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, &leaf_prefix, 1);
    if (len > 0) crypto_hash_sha256_update(&st, entry, len);
    crypto_hash_sha256_final(&st, out->b);
}

void cc_merkle_node_hash(const cc_hash *left, const cc_hash *right, cc_hash *out)
{
    /* Copy through a buffer so that out may alias left or right. */
    uint8_t buf[1 + 2 * CC_HASH_SIZE];
    buf[0] = node_prefix;
    memcpy(buf + 1, left->b, CC_HASH_SIZE);
    memcpy(buf + 1 + CC_HASH_SIZE, right->b, CC_HASH_SIZE);
    crypto_hash_sha256(out->b, buf, sizeof buf);
}

static int hash_equal(const cc_hash *a, const cc_hash *b)
{
    return memcmp(a->b, b->b, CC_HASH_SIZE) == 0;
}

/* Largest power of two strictly smaller than n (n >= 2): RFC 9162's k. */
static uint64_t split_point(uint64_t n)
{
    uint64_t k = (uint64_t)1 << (63 - __builtin_clzll(n - 1));
    return k;
}

/* Key of hash (level, index): the last leaf it covers (u64 big-endian),
 * then the level. Appending leaf i writes (i, 0), (i, 1), ... (i, k): keys
 * only ever grow, so every put is an MDB_APPEND onto the last page, pages
 * fill completely, and an append never dirties a page in the middle of the
 * tree (keying by (level, index) would touch one page per level). */
static void encode_key(unsigned level, uint64_t index, uint8_t key[KEY_SIZE])
{
    uint64_t last = ((index + 1) << level) - 1; /* wraps correctly to 2^64 - 1 */
    for (int i = 0; i < 8; i++)
        key[i] = (uint8_t)(last >> (56 - 8 * i));
    key[8] = (uint8_t)level;
}

int cc_merkle_dbi_open(MDB_txn *txn, MDB_dbi *dbi)
{
    if (!txn || !dbi) return CC_EINVAL;
    int rc = mdb_dbi_open(txn, "tree", 0, dbi);
    if (rc == MDB_NOTFOUND) {
        /* Not created yet. A write transaction creates it; LMDB refuses
         * MDB_CREATE in a read transaction with EACCES, which here simply
         * means nothing has been appended yet. */
        rc = mdb_dbi_open(txn, "tree", MDB_CREATE, dbi);
        if (rc == EACCES) return CC_ENOTFOUND;
    }
    return cc_from_mdb(rc);
}

int cc_merkle_get(MDB_txn *txn, MDB_dbi dbi, unsigned level, uint64_t index, cc_hash *out)
{
    if (!txn || !out || level > MAX_LEVEL) return CC_EINVAL;
    /* (level, index) must describe leaves below 2^64, or the key would name
     * a subtree that no u64-sized tree can contain. */
    if (level > 0 && (index >> (64 - level)) != 0) return CC_EINVAL;
    uint8_t kb[KEY_SIZE];
    encode_key(level, index, kb);
    MDB_val key = {KEY_SIZE, kb};
    MDB_val val;
    int rc = mdb_get(txn, dbi, &key, &val);
    if (rc == MDB_NOTFOUND) return CC_ENOTFOUND;
    if (rc != 0) return cc_from_mdb(rc);
    if (val.mv_size != CC_HASH_SIZE) return CC_ECORRUPT;
    memcpy(out->b, val.mv_data, CC_HASH_SIZE);
    return 0;
}

static int put_new(MDB_txn *txn, MDB_dbi dbi, unsigned level, uint64_t index, const cc_hash *h)
{
    uint8_t kb[KEY_SIZE];
    encode_key(level, index, kb);
    MDB_val key = {KEY_SIZE, kb};
    MDB_val val = {CC_HASH_SIZE, (void *)h->b};
    /* MDB_APPEND also refuses (MDB_KEYEXIST) any key not beyond the last. */
    return mdb_put(txn, dbi, &key, &val, MDB_APPEND);
}

int cc_merkle_append(MDB_txn *txn, MDB_dbi dbi, uint64_t index, const cc_hash *leaf)
{
    if (!txn || !leaf || index == UINT64_MAX) return CC_EINVAL;
    cc_hash h;
    /* The log passes the index it believes is next. Catch a log that is out
     * of step with the tree before anything is written: the previous leaf
     * must exist (no gap), and MDB_NOOVERWRITE refuses a rewrite. */
    int rc = 0;
    if (index > 0) {
        rc = cc_merkle_get(txn, dbi, 0, index - 1, &h);
        if (rc == CC_ENOTFOUND) return CC_EINVAL;
        if (rc != 0) return rc;
    }

    rc = put_new(txn, dbi, 0, index, leaf);
    if (rc == MDB_KEYEXIST) return CC_EINVAL;
    if (rc != 0) return cc_from_mdb(rc);

    /* While the node just written is a right child (odd index), it completes
     * its parent: combine with the stored left sibling and go up. */
    h = *leaf;
    unsigned level = 0;
    uint64_t i = index;
    while (i & 1) {
        cc_hash left;
        rc = cc_merkle_get(txn, dbi, level, i - 1, &left);
        /* The previous leaf exists, so every left sibling must too. */
        if (rc == CC_ENOTFOUND) return CC_ECORRUPT;
        if (rc != 0) return rc;
        cc_merkle_node_hash(&left, &h, &h);
        level++;
        i >>= 1;
        rc = put_new(txn, dbi, level, i, &h);
        if (rc == MDB_KEYEXIST) return CC_ECORRUPT;
        if (rc != 0) return cc_from_mdb(rc);
    }
    return 0;
}

/* MTH(D[a:b]) from stored hashes, 0 <= a < b. An aligned perfect range is
 * one read. Otherwise split where RFC 9162 splits, at the largest power of
 * two below the length. The proof algorithms only ask for ranges whose start
 * is aligned to that power, so the left half is always a single read and
 * the recursion only follows the right edge: O(log n) reads in all. */
static int subtree_hash(MDB_txn *txn, MDB_dbi dbi, uint64_t a, uint64_t b, cc_hash *out)
{
    uint64_t n = b - a;
    if ((n & (n - 1)) == 0) {
        unsigned level = (unsigned)__builtin_ctzll(n);
        if ((a & (n - 1)) == 0) return cc_merkle_get(txn, dbi, level, a >> level, out);
    }
    uint64_t k = split_point(n);
    cc_hash left, right;
    int rc = subtree_hash(txn, dbi, a, a + k, &left);
    if (rc != 0) return rc;
    rc = subtree_hash(txn, dbi, a + k, b, &right);
    if (rc != 0) return rc;
    cc_merkle_node_hash(&left, &right, out);
    return 0;
}

int cc_merkle_root(MDB_txn *txn, MDB_dbi dbi, uint64_t size, cc_hash *out)
{
    if (!txn || !out) return CC_EINVAL;
    if (size == 0) {
        cc_merkle_empty_root(out);
        return 0;
    }
    /* One perfect subtree per 1-bit of size, largest (leftmost) first. The
     * last one ends at leaf size - 1, so it is missing exactly when fewer
     * than size leaves were appended: that read is the bounds check. */
    cc_hash parts[64];
    unsigned count = 0;
    uint64_t start = 0;
    for (int level = MAX_LEVEL; level >= 0; level--) {
        uint64_t width = (uint64_t)1 << level;
        if (!(size & width)) continue;
        int rc = cc_merkle_get(txn, dbi, (unsigned)level, start >> level, &parts[count]);
        if (rc != 0) return rc;
        count++;
        start += width;
    }
    cc_hash r = parts[count - 1];
    for (unsigned i = count - 1; i-- > 0;)
        cc_merkle_node_hash(&parts[i], &r, &r);
    *out = r;
    return 0;
}

/* Proofs about a tree of `size` leaves must fail when the store holds fewer.
 * Not every proof reads the last leaf (the inclusion proof of the last leaf
 * never does), so check it explicitly. */
static int require_size(MDB_txn *txn, MDB_dbi dbi, uint64_t size)
{
    cc_hash h;
    return cc_merkle_get(txn, dbi, 0, size - 1, &h);
}

static void reverse_into(const cc_hash *path, size_t n, cc_hash *proof)
{
    for (size_t i = 0; i < n; i++)
        proof[i] = path[n - 1 - i];
}

int cc_merkle_inclusion_proof(MDB_txn *txn, MDB_dbi dbi, uint64_t index, uint64_t size,
                              cc_hash *proof, size_t *count)
{
    if (!txn || !proof || !count) return CC_EINVAL;
    if (index >= size) return CC_EINVAL;
    int rc = require_size(txn, dbi, size);
    if (rc != 0) return rc;

    /* PATH(m, D[a:b]) for n = b - a > 1, k = split_point(n):
     *   m in the left half:  PATH(m, D[a:a+k]) : MTH(D[a+k:b])
     *   m in the right half: PATH(m, D[a+k:b]) : MTH(D[a:a+k])
     * Walking down emits the outermost (last) hash first. */
    cc_hash path[MAX_PATH];
    size_t n = 0;
    uint64_t a = 0, b = size;
    while (b - a > 1) {
        uint64_t k = split_point(b - a);
        if (index < a + k) {
            rc = subtree_hash(txn, dbi, a + k, b, &path[n]);
            b = a + k;
        } else {
            rc = subtree_hash(txn, dbi, a, a + k, &path[n]);
            a = a + k;
        }
        if (rc != 0) return rc;
        n++;
    }
    reverse_into(path, n, proof);
    *count = n;
    return 0;
}

int cc_merkle_consistency_proof(MDB_txn *txn, MDB_dbi dbi, uint64_t old_size, uint64_t new_size,
                                cc_hash *proof, size_t *count)
{
    if (!txn || !proof || !count) return CC_EINVAL;
    if (old_size > new_size) return CC_EINVAL;
    if (new_size > 0) {
        int rc = require_size(txn, dbi, new_size);
        if (rc != 0) return rc;
    }
    if (old_size == 0 || old_size == new_size) {
        *count = 0;
        return 0;
    }

    /* SUBPROOF(m, D[a:b], flag) with m = old_size (absolute), k as above:
     *   m == b:  {} if flag, else {MTH(D[a:b])}
     *   m <= a+k: SUBPROOF(m, D[a:a+k], flag) : MTH(D[a+k:b])
     *   m >  a+k: SUBPROOF(m, D[a+k:b], false) : MTH(D[a:a+k])
     * flag stays true only while the old tree's root is itself a node of
     * the new tree (then the verifier already knows it). */
    cc_hash path[MAX_PATH];
    size_t n = 0;
    uint64_t a = 0, b = new_size;
    int flag = 1;
    int rc;
    while (old_size != b) {
        uint64_t k = split_point(b - a);
        if (old_size <= a + k) {
            rc = subtree_hash(txn, dbi, a + k, b, &path[n]);
            b = a + k;
        } else {
            rc = subtree_hash(txn, dbi, a, a + k, &path[n]);
            a = a + k;
            flag = 0;
        }
        if (rc != 0) return rc;
        n++;
    }
    if (!flag) {
        rc = subtree_hash(txn, dbi, a, b, &path[n]);
        if (rc != 0) return rc;
        n++;
    }
    reverse_into(path, n, proof);
    *count = n;
    return 0;
}

int cc_merkle_verify_inclusion(const cc_hash *leaf, uint64_t index, uint64_t size,
                               const cc_hash *proof, size_t count, const cc_hash *root)
{
    if (!leaf || !root || (count > 0 && !proof)) return CC_EPROOF;
    /* 1. */
    if (index >= size) return CC_EPROOF;
    /* 2., 3. */
    uint64_t fn = index, sn = size - 1;
    cc_hash r = *leaf;
    /* 4. */
    for (size_t i = 0; i < count; i++) {
        /* 4a. */
        if (sn == 0) return CC_EPROOF;
        /* 4b. */
        if ((fn & 1) || fn == sn) {
            cc_merkle_node_hash(&proof[i], &r, &r);
            if (!(fn & 1)) {
                while (!(fn & 1) && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            cc_merkle_node_hash(&r, &proof[i], &r);
        }
        /* 4c. */
        fn >>= 1;
        sn >>= 1;
    }
    /* 5. */
    if (sn != 0 || !hash_equal(&r, root)) return CC_EPROOF;
    return 0;
}

/* Element j of the consistency path, first_hash prepended or not (step 2). */
static const cc_hash *path_at(int prepend, const cc_hash *old_root, const cc_hash *proof, size_t j)
{
    if (!prepend) return &proof[j];
    return j == 0 ? old_root : &proof[j - 1];
}

int cc_merkle_verify_consistency(uint64_t old_size, uint64_t new_size, const cc_hash *old_root,
                                 const cc_hash *new_root, const cc_hash *proof, size_t count)
{
    if (!old_root || !new_root || (count > 0 && !proof)) return CC_EPROOF;
    if (old_size > new_size) return CC_EPROOF;
    if (old_size == 0) {
        /* Outside RFC 9162 (which needs 0 < first); see the top comment. */
        cc_hash empty;
        cc_merkle_empty_root(&empty);
        if (count != 0 || !hash_equal(old_root, &empty)) return CC_EPROOF;
        if (new_size == 0 && !hash_equal(new_root, &empty)) return CC_EPROOF;
        return 0;
    }
    if (old_size == new_size) {
        if (count != 0 || !hash_equal(old_root, new_root)) return CC_EPROOF;
        return 0;
    }
    /* 1. */
    if (count == 0) return CC_EPROOF;
    /* 2. Prepending first_hash when old_size is a power of two is done by
     * reading the path through an index shifted by one, not by copying. */
    int prepend = (old_size & (old_size - 1)) == 0;
    size_t total = count + (prepend ? 1 : 0);
#define PATH_AT(j) path_at(prepend, old_root, proof, (j))
    /* 3. */
    uint64_t fn = old_size - 1, sn = new_size - 1;
    /* 4. */
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    /* 5. */
    cc_hash fr = *PATH_AT(0), sr = *PATH_AT(0);
    /* 6. */
    for (size_t j = 1; j < total; j++) {
        const cc_hash *c = PATH_AT(j);
        /* 6a. */
        if (sn == 0) return CC_EPROOF;
        /* 6b. */
        if ((fn & 1) || fn == sn) {
            cc_merkle_node_hash(c, &fr, &fr);
            cc_merkle_node_hash(c, &sr, &sr);
            if (!(fn & 1)) {
                while (!(fn & 1) && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            cc_merkle_node_hash(&sr, c, &sr);
        }
        /* 6c. */
        fn >>= 1;
        sn >>= 1;
    }
#undef PATH_AT
    /* 7. */
    if (sn != 0 || !hash_equal(&fr, old_root) || !hash_equal(&sr, new_root)) return CC_EPROOF;
    return 0;
}

void cc_merkle_builder_init(cc_merkle_builder *b)
{
    memset(b, 0, sizeof *b);
}

void cc_merkle_builder_push(cc_merkle_builder *b, const cc_hash *leaf)
{
    /* A tree of 2^64 - 1 leaves is the most a u64 size can describe; one more
     * would overflow both size and stack. Unreachable in practice. */
    if (b->size == UINT64_MAX) return;
    /* The stack holds one perfect subtree per 1-bit of size. Adding a leaf is
     * binary increment: each trailing 1-bit is a carry that merges the top
     * of the stack with the new subtree. */
    cc_hash h = *leaf;
    uint64_t s = b->size;
    while (s & 1) {
        cc_merkle_node_hash(&b->stack[--b->depth], &h, &h);
        s >>= 1;
    }
    b->stack[b->depth++] = h;
    b->size++;
}

void cc_merkle_builder_root(const cc_merkle_builder *b, cc_hash *out)
{
    if (b->depth == 0) {
        cc_merkle_empty_root(out);
        return;
    }
    cc_hash r = b->stack[b->depth - 1];
    for (unsigned i = b->depth - 1; i-- > 0;)
        cc_merkle_node_hash(&b->stack[i], &r, &r);
    *out = r;
}
