/* test_merkle.c - the Merkle tree against published vectors and against a
 * naive reference.
 *
 * Published vectors (not computed by us): the 8-leaf reference tree of
 * Certificate Transparency, with its roots for sizes 1..8, inclusion paths
 * and consistency proofs, as in google/certificate-transparency
 * cpp/merkletree/merkle_tree_test.cc (kInputs, kSHA256Roots, kSHA256Paths,
 * kSHA256Proofs) and transparency-dev/merkle proof/verify_test.go (which adds
 * the 6 -> 7 consistency proof); the hasher vectors of transparency-dev/merkle
 * rfc6962/rfc6962_test.go. Those test files index leaves from 1; here indices
 * are 0-based as in the API. The corruption probes copy the ones those suites
 * run against the same vectors.
 *
 * The property test then checks every inclusion and consistency proof of a
 * random 300-leaf tree, and compares stored-hash roots, the streaming builder
 * and a direct recursive MTH; for small trees it also compares the proofs
 * with direct recursive transcriptions of RFC 9162 PATH and SUBPROOF. The
 * seed is printed; set CONCERTO_SEED to replay a failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "error.h"
#include "merkle.h"
#include "support.h"

#include <lmdb.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- helpers -------------------------------------------------------------- */

struct fx {
    char *dir;
    MDB_env *env;
    MDB_dbi dbi;
};

static void env_open(struct fx *f)
{
    assert_int_equal(mdb_env_create(&f->env), 0);
    assert_int_equal(mdb_env_set_maxdbs(f->env, 4), 0);
    assert_int_equal(mdb_env_set_mapsize(f->env, (size_t)64 << 20), 0);
    assert_int_equal(mdb_env_open(f->env, f->dir, MDB_NOSYNC, 0600), 0);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    if (!f) return -1;
    f->dir = ct_tempdir("merkle");
    env_open(f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    mdb_env_close(f->env);
    ct_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static MDB_txn *begin(struct fx *f, unsigned flags)
{
    MDB_txn *txn;
    assert_int_equal(mdb_txn_begin(f->env, NULL, flags, &txn), 0);
    assert_int_equal(cc_merkle_dbi_open(txn, &f->dbi), 0);
    return txn;
}

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = strlen(s);
    assert_true(n % 2 == 0 && n / 2 <= cap);
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
    return n / 2;
}

static cc_hash H(const char *hex)
{
    cc_hash h;
    assert_int_equal(unhex(hex, h.b, sizeof h.b), CC_HASH_SIZE);
    return h;
}

static void assert_hash(const cc_hash *got, const cc_hash *want)
{
    assert_memory_equal(got->b, want->b, CC_HASH_SIZE);
}

/* ---- published vectors ---------------------------------------------------- */

#define EMPTY_ROOT "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/* Any 32 bytes that are no root of anything here (transparency-dev's
 * sha256SomeHash). */
#define SOME_HASH "abacaba000000000000000000000000000000000000000000060061e00123456"

static const char *const vec_leaves[8] = {
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
};

static const char *const vec_roots[8] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

struct inclusion_vec {
    uint64_t index, size;
    size_t count;
    const char *proof[3];
};

static const struct inclusion_vec vec_inclusion[] = {
    {0, 1, 0, {NULL}},
    {0,
     8,
     3,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {5,
     8,
     3,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 3, 1, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {1,
     5,
     3,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

struct consistency_vec {
    uint64_t old_size, new_size;
    size_t count;
    const char *proof[3];
};

static const struct consistency_vec vec_consistency[] = {
    {1, 1, 0, {NULL}},
    {1,
     8,
     3,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6,
     8,
     3,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2,
     5,
     2,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    {6,
     7,
     3,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static cc_hash vec_leaf_hash(size_t i)
{
    uint8_t buf[16];
    size_t n = unhex(vec_leaves[i], buf, sizeof buf);
    cc_hash h;
    cc_merkle_leaf_hash(buf, n, &h);
    return h;
}

/* Append the eight reference leaves, one write transaction each. */
static void append_vectors(struct fx *f)
{
    for (size_t i = 0; i < 8; i++) {
        MDB_txn *txn = begin(f, 0);
        cc_hash h = vec_leaf_hash(i);
        assert_int_equal(cc_merkle_append(txn, f->dbi, i, &h), 0);
        assert_int_equal(mdb_txn_commit(txn), 0);
    }
}

/* ---- tests: hashing and roots --------------------------------------------- */

static void test_hasher_vectors(void **state)
{
    (void)state;
    cc_hash h, want;

    /* rfc6962_test.go "RFC6962 Empty": echo -n | sha256sum */
    cc_merkle_empty_root(&h);
    want = H(EMPTY_ROOT);
    assert_hash(&h, &want);

    /* "RFC6962 Empty Leaf": the empty leaf differs from the empty tree. */
    cc_merkle_leaf_hash((const uint8_t *)"", 0, &h);
    want = H("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    assert_hash(&h, &want);

    /* "RFC6962 Leaf": echo -n 004C313233343536 | xxd -r -p | sha256sum */
    cc_merkle_leaf_hash((const uint8_t *)"L123456", 7, &h);
    want = H("395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56");
    assert_hash(&h, &want);

    /* Node hash = SHA-256(0x01 || l || r), also when out aliases an input,
     * and order matters. */
    cc_hash l = vec_leaf_hash(0), r = vec_leaf_hash(1), n1, n2;
    uint8_t buf[65];
    buf[0] = 1;
    memcpy(buf + 1, l.b, 32);
    memcpy(buf + 33, r.b, 32);
    crypto_hash_sha256(want.b, buf, sizeof buf);
    cc_merkle_node_hash(&l, &r, &n1);
    assert_hash(&n1, &want);
    /* The root of the first two reference leaves is this node. */
    cc_hash root2 = H(vec_roots[1]);
    assert_hash(&n1, &root2);
    n2 = l;
    cc_merkle_node_hash(&n2, &r, &n2);
    assert_hash(&n2, &want);
    cc_merkle_node_hash(&r, &l, &n2);
    assert_memory_not_equal(n2.b, want.b, 32);
}

static void test_roots_match_vectors(void **state)
{
    struct fx *f = *state;
    cc_merkle_builder b;
    cc_merkle_builder_init(&b);
    cc_hash h, want, empty = H(EMPTY_ROOT);

    /* Empty tree, before and after the DBI exists. */
    cc_merkle_builder_root(&b, &h);
    assert_hash(&h, &empty);
    MDB_txn *txn = begin(f, 0);
    assert_int_equal(cc_merkle_root(txn, f->dbi, 0, &h), 0);
    assert_hash(&h, &empty);
    assert_int_equal(cc_merkle_root(txn, f->dbi, 1, &h), CC_ENOTFOUND);
    assert_int_equal(mdb_txn_commit(txn), 0);

    for (size_t i = 0; i < 8; i++) {
        txn = begin(f, 0);
        cc_hash leaf = vec_leaf_hash(i);
        assert_int_equal(cc_merkle_append(txn, f->dbi, i, &leaf), 0);
        assert_int_equal(mdb_txn_commit(txn), 0);
        cc_merkle_builder_push(&b, &leaf);
        assert_int_equal(b.size, i + 1);

        txn = begin(f, MDB_RDONLY);
        /* Every past size, from stored hashes only. */
        assert_int_equal(cc_merkle_root(txn, f->dbi, 0, &h), 0);
        assert_hash(&h, &empty);
        for (size_t j = 0; j <= i; j++) {
            want = H(vec_roots[j]);
            assert_int_equal(cc_merkle_root(txn, f->dbi, j + 1, &h), 0);
            assert_hash(&h, &want);
        }
        /* Sizes not appended yet are not there. */
        assert_int_equal(cc_merkle_root(txn, f->dbi, i + 2, &h), CC_ENOTFOUND);
        assert_int_equal(cc_merkle_root(txn, f->dbi, UINT64_MAX, &h), CC_ENOTFOUND);
        mdb_txn_abort(txn);

        want = H(vec_roots[i]);
        cc_merkle_builder_root(&b, &h);
        assert_hash(&h, &want);
    }

    /* The stored layout is the tlog-tiles one: (3,0) is the size-8 root,
     * (2,1) covers leaves 4..7, (0,i) is leaf hash i. */
    txn = begin(f, MDB_RDONLY);
    want = H(vec_roots[7]);
    assert_int_equal(cc_merkle_get(txn, f->dbi, 3, 0, &h), 0);
    assert_hash(&h, &want);
    want = H(vec_roots[3]);
    assert_int_equal(cc_merkle_get(txn, f->dbi, 2, 0, &h), 0);
    assert_hash(&h, &want);
    want = vec_leaf_hash(5);
    assert_int_equal(cc_merkle_get(txn, f->dbi, 0, 5, &h), 0);
    assert_hash(&h, &want);
    assert_int_equal(cc_merkle_get(txn, f->dbi, 3, 1, &h), CC_ENOTFOUND);
    assert_int_equal(cc_merkle_get(txn, f->dbi, 4, 0, &h), CC_ENOTFOUND);
    assert_int_equal(cc_merkle_get(txn, f->dbi, 64, 0, &h), CC_EINVAL);
    assert_int_equal(cc_merkle_get(txn, f->dbi, 63, 2, &h), CC_EINVAL);
    mdb_txn_abort(txn);
}

static void test_roots_survive_reopen(void **state)
{
    struct fx *f = *state;
    append_vectors(f);
    mdb_env_close(f->env);
    env_open(f);
    MDB_txn *txn = begin(f, MDB_RDONLY);
    for (size_t j = 0; j < 8; j++) {
        cc_hash h, want = H(vec_roots[j]);
        assert_int_equal(cc_merkle_root(txn, f->dbi, j + 1, &h), 0);
        assert_hash(&h, &want);
    }
    mdb_txn_abort(txn);
}

/* ---- tests: proofs against vectors ---------------------------------------- */

static int vi(const cc_hash *leaf, uint64_t index, uint64_t size, const cc_hash *proof,
              size_t count, const cc_hash *root)
{
    return cc_merkle_verify_inclusion(leaf, index, size, proof, count, root);
}

/* The probes of CT's VerifierCheck / transparency-dev's corruptInclusionProof.
 * All must fail with CC_EPROOF. */
static void inclusion_probes(const cc_hash *leaf, uint64_t index, uint64_t size,
                             const cc_hash *proof, size_t count, const cc_hash *root)
{
    cc_hash wrong_leaf, zero, empty = H(EMPTY_ROOT), some = H(SOME_HASH);
    cc_merkle_leaf_hash((const uint8_t *)"WrongLeaf", 9, &wrong_leaf);
    memset(&zero, 0, sizeof zero);
    cc_hash p[CC_MERKLE_MAX_PROOF];

    assert_int_equal(vi(leaf, index, size, proof, count, root), 0);
    /* Wrong leaf index. */
    assert_int_equal(vi(leaf, index - 1, size, proof, count, root), CC_EPROOF);
    assert_int_equal(vi(leaf, index + 1, size, proof, count, root), CC_EPROOF);
    assert_int_equal(vi(leaf, index ^ 2, size, proof, count, root), CC_EPROOF);
    /* Wrong tree size. */
    assert_int_equal(vi(leaf, index, size * 2, proof, count, root), CC_EPROOF);
    assert_int_equal(vi(leaf, index, size / 2, proof, count, root), CC_EPROOF);
    /* Wrong leaf or root. */
    assert_int_equal(vi(&wrong_leaf, index, size, proof, count, root), CC_EPROOF);
    assert_int_equal(vi(leaf, index, size, proof, count, &empty), CC_EPROOF);
    assert_int_equal(vi(leaf, index, size, proof, count, &some), CC_EPROOF);
    /* Garbage at the end. */
    memcpy(p, proof, count * sizeof *p);
    p[count] = zero;
    assert_int_equal(vi(leaf, index, size, p, count + 1, root), CC_EPROOF);
    p[count] = *root;
    assert_int_equal(vi(leaf, index, size, p, count + 1, root), CC_EPROOF);
    /* Garbage at the front. */
    memcpy(p + 1, proof, count * sizeof *p);
    p[0] = zero;
    assert_int_equal(vi(leaf, index, size, p, count + 1, root), CC_EPROOF);
    p[0] = *root;
    assert_int_equal(vi(leaf, index, size, p, count + 1, root), CC_EPROOF);
    /* One bit flipped in each element. */
    for (size_t i = 0; i < count; i++) {
        memcpy(p, proof, count * sizeof *p);
        p[i].b[0] ^= 8;
        assert_int_equal(vi(leaf, index, size, p, count, root), CC_EPROOF);
    }
    /* Removed last element; inserted element. */
    if (count > 0) assert_int_equal(vi(leaf, index, size, proof, count - 1, root), CC_EPROOF);
    if (count > 1) {
        p[0] = proof[0];
        p[1] = some;
        memcpy(p + 2, proof + 1, (count - 1) * sizeof *p);
        assert_int_equal(vi(leaf, index, size, p, count + 1, root), CC_EPROOF);
    }
}

static void test_inclusion_vectors(void **state)
{
    struct fx *f = *state;
    append_vectors(f);
    MDB_txn *txn = begin(f, MDB_RDONLY);
    for (size_t v = 0; v < N_ELEMS(vec_inclusion); v++) {
        const struct inclusion_vec *t = &vec_inclusion[v];
        cc_hash proof[CC_MERKLE_MAX_PROOF], want[3];
        size_t count = 99;
        assert_int_equal(cc_merkle_inclusion_proof(txn, f->dbi, t->index, t->size, proof, &count),
                         0);
        assert_int_equal(count, t->count);
        for (size_t i = 0; i < t->count; i++) {
            want[i] = H(t->proof[i]);
            assert_hash(&proof[i], &want[i]);
        }
        cc_hash leaf = vec_leaf_hash(t->index), root = H(vec_roots[t->size - 1]);
        /* The published proof, not only ours, verifies and resists probes. */
        inclusion_probes(&leaf, t->index, t->size, want, t->count, &root);
    }
    mdb_txn_abort(txn);
}

static int vc(uint64_t m, uint64_t n, const cc_hash *r1, const cc_hash *r2, const cc_hash *proof,
              size_t count)
{
    return cc_merkle_verify_consistency(m, n, r1, r2, proof, count);
}

/* The probes of CT's VerifierConsistencyCheck / transparency-dev's
 * corruptConsistencyProof, for non-empty proofs. */
static void consistency_probes(uint64_t m, uint64_t n, const cc_hash *r1, const cc_hash *r2,
                               const cc_hash *proof, size_t count)
{
    assert_int_equal(vc(m, n, r1, r2, proof, count), 0);
    if (count == 0) return;
    cc_hash wrong, zero, p[CC_MERKLE_MAX_PROOF];
    cc_merkle_leaf_hash((const uint8_t *)"WrongRoot", 9, &wrong);
    memset(&zero, 0, sizeof zero);

    /* Wrong sizes. */
    assert_int_equal(vc(m - 1, n, r1, r2, proof, count), CC_EPROOF);
    assert_int_equal(vc(m + 1, n, r1, r2, proof, count), CC_EPROOF);
    assert_int_equal(vc(m ^ 2, n, r1, r2, proof, count), CC_EPROOF);
    assert_int_equal(vc(m, n * 2, r1, r2, proof, count), CC_EPROOF);
    assert_int_equal(vc(m, n / 2, r1, r2, proof, count), CC_EPROOF);
    /* Wrong roots. */
    assert_int_equal(vc(m, n, &wrong, r2, proof, count), CC_EPROOF);
    assert_int_equal(vc(m, n, r1, &wrong, proof, count), CC_EPROOF);
    assert_int_equal(vc(m, n, r2, r1, proof, count), CC_EPROOF);
    /* Empty proof. */
    assert_int_equal(vc(m, n, r1, r2, proof, 0), CC_EPROOF);
    /* Garbage at the end. */
    memcpy(p, proof, count * sizeof *p);
    p[count] = zero;
    assert_int_equal(vc(m, n, r1, r2, p, count + 1), CC_EPROOF);
    p[count] = *r1;
    assert_int_equal(vc(m, n, r1, r2, p, count + 1), CC_EPROOF);
    p[count] = *r2;
    assert_int_equal(vc(m, n, r1, r2, p, count + 1), CC_EPROOF);
    /* Garbage at the front. */
    memcpy(p + 1, proof, count * sizeof *p);
    p[0] = zero;
    assert_int_equal(vc(m, n, r1, r2, p, count + 1), CC_EPROOF);
    p[0] = *r1;
    assert_int_equal(vc(m, n, r1, r2, p, count + 1), CC_EPROOF);
    p[0] = *r2;
    assert_int_equal(vc(m, n, r1, r2, p, count + 1), CC_EPROOF);
    p[0] = proof[0];
    assert_int_equal(vc(m, n, r1, r2, p, count + 1), CC_EPROOF);
    /* Truncated. */
    assert_int_equal(vc(m, n, r1, r2, proof, count - 1), CC_EPROOF);
    /* One bit flipped in each element. */
    for (size_t i = 0; i < count; i++) {
        memcpy(p, proof, count * sizeof *p);
        p[i].b[0] ^= 16;
        assert_int_equal(vc(m, n, r1, r2, p, count), CC_EPROOF);
    }
}

static void test_consistency_vectors(void **state)
{
    struct fx *f = *state;
    append_vectors(f);
    MDB_txn *txn = begin(f, MDB_RDONLY);
    for (size_t v = 0; v < N_ELEMS(vec_consistency); v++) {
        const struct consistency_vec *t = &vec_consistency[v];
        cc_hash proof[CC_MERKLE_MAX_PROOF], want[3];
        size_t count = 99;
        assert_int_equal(
            cc_merkle_consistency_proof(txn, f->dbi, t->old_size, t->new_size, proof, &count), 0);
        assert_int_equal(count, t->count);
        for (size_t i = 0; i < t->count; i++) {
            want[i] = H(t->proof[i]);
            assert_hash(&proof[i], &want[i]);
        }
        cc_hash r1 = H(vec_roots[t->old_size - 1]), r2 = H(vec_roots[t->new_size - 1]);
        consistency_probes(t->old_size, t->new_size, &r1, &r2, want, t->count);
    }
    mdb_txn_abort(txn);
}

/* ---- tests: edge cases and errors ----------------------------------------- */

static void test_verify_edge_cases(void **state)
{
    (void)state;
    cc_hash some = H(SOME_HASH), empty = H(EMPTY_ROOT), leaf, other;
    cc_merkle_leaf_hash((const uint8_t *)"data", 4, &leaf);
    other = some;

    /* Inclusion: index >= size (including the empty tree) never verifies. */
    const uint64_t probes[][2] = {{0, 0}, {0, 1}, {1, 0}, {2, 1}};
    for (size_t i = 0; i < N_ELEMS(probes); i++) {
        uint64_t idx = probes[i][0], size = probes[i][1];
        assert_int_equal(vi(&some, idx, size, NULL, 0, &empty), CC_EPROOF);
    }
    /* A one-leaf tree: the root is the leaf hash and the proof is empty. */
    assert_int_equal(vi(&leaf, 0, 1, NULL, 0, &leaf), 0);
    assert_int_equal(vi(&leaf, 0, 1, NULL, 0, &other), CC_EPROOF);
    assert_int_equal(vi(&other, 0, 1, NULL, 0, &leaf), CC_EPROOF);
    /* A proof longer than the tree is deep fails (RFC 9162 step 4a). */
    cc_hash longp[CC_MERKLE_MAX_PROOF + 1];
    memset(longp, 0, sizeof longp);
    assert_int_equal(vi(&leaf, 0, 1, longp, CC_MERKLE_MAX_PROOF + 1, &leaf), CC_EPROOF);

    /* Consistency, as in transparency-dev's TestVerifyConsistency, except
     * that a size-0 old tree must have the empty root (documented choice). */
    cc_hash r1 = H(vec_roots[0]), r2 = H(vec_roots[1]);
    assert_int_equal(vc(0, 0, &empty, &empty, NULL, 0), 0);
    assert_int_equal(vc(0, 5, &empty, &r2, NULL, 0), 0);
    assert_int_equal(vc(1, 1, &r2, &r2, NULL, 0), 0);
    assert_int_equal(vc(0, 0, &r1, &r2, NULL, 0), CC_EPROOF);
    assert_int_equal(vc(0, 0, &r1, &r1, NULL, 0), CC_EPROOF);
    assert_int_equal(vc(0, 1, &r1, &r2, NULL, 0), CC_EPROOF);
    assert_int_equal(vc(1, 1, &r1, &r2, NULL, 0), CC_EPROOF);
    /* Time travel to the past. */
    assert_int_equal(vc(1, 0, &r1, &r2, NULL, 0), CC_EPROOF);
    assert_int_equal(vc(2, 1, &r1, &r2, NULL, 0), CC_EPROOF);
    /* Empty proof between different sizes. */
    assert_int_equal(vc(1, 2, &r1, &r2, NULL, 0), CC_EPROOF);
    /* Roots match but the proof is not empty. */
    assert_int_equal(vc(0, 0, &empty, &empty, &empty, 1), CC_EPROOF);
    assert_int_equal(vc(0, 1, &empty, &empty, &empty, 1), CC_EPROOF);
    assert_int_equal(vc(1, 1, &empty, &empty, &empty, 1), CC_EPROOF);
    /* The real proof for 1 -> 2 is leaf 1. */
    cc_hash l1 = vec_leaf_hash(1);
    assert_int_equal(vc(1, 2, &r1, &r2, &l1, 1), 0);
}

static void test_proof_generation_errors(void **state)
{
    struct fx *f = *state;
    append_vectors(f);
    MDB_txn *txn = begin(f, MDB_RDONLY);
    cc_hash proof[CC_MERKLE_MAX_PROOF];
    size_t count;
    /* index >= size. */
    assert_int_equal(cc_merkle_inclusion_proof(txn, f->dbi, 0, 0, proof, &count), CC_EINVAL);
    assert_int_equal(cc_merkle_inclusion_proof(txn, f->dbi, 3, 3, proof, &count), CC_EINVAL);
    assert_int_equal(cc_merkle_inclusion_proof(txn, f->dbi, 8, 7, proof, &count), CC_EINVAL);
    /* Sizes beyond what was appended, even where the path would not need
     * the missing leaf (the last leaf's path never reads the leaf). */
    assert_int_equal(cc_merkle_inclusion_proof(txn, f->dbi, 8, 9, proof, &count), CC_ENOTFOUND);
    assert_int_equal(cc_merkle_inclusion_proof(txn, f->dbi, 0, 9, proof, &count), CC_ENOTFOUND);
    /* old > new. */
    assert_int_equal(cc_merkle_consistency_proof(txn, f->dbi, 5, 4, proof, &count), CC_EINVAL);
    assert_int_equal(cc_merkle_consistency_proof(txn, f->dbi, 8, 9, proof, &count), CC_ENOTFOUND);
    assert_int_equal(cc_merkle_consistency_proof(txn, f->dbi, 9, 9, proof, &count), CC_ENOTFOUND);
    /* old == 0 and old == new: empty proofs. */
    count = 7;
    assert_int_equal(cc_merkle_consistency_proof(txn, f->dbi, 0, 8, proof, &count), 0);
    assert_int_equal(count, 0);
    count = 7;
    assert_int_equal(cc_merkle_consistency_proof(txn, f->dbi, 0, 0, proof, &count), 0);
    assert_int_equal(count, 0);
    count = 7;
    assert_int_equal(cc_merkle_consistency_proof(txn, f->dbi, 5, 5, proof, &count), 0);
    assert_int_equal(count, 0);
    /* The proof for the last leaf of a size-5 tree. */
    assert_int_equal(cc_merkle_inclusion_proof(txn, f->dbi, 4, 5, proof, &count), 0);
    cc_hash root4 = H(vec_roots[3]);
    assert_int_equal(count, 1);
    assert_hash(&proof[0], &root4);
    mdb_txn_abort(txn);
}

static void test_append_rejects_wrong_index(void **state)
{
    struct fx *f = *state;
    cc_hash leaf = vec_leaf_hash(0), h;

    /* First leaf must be index 0. */
    MDB_txn *txn = begin(f, 0);
    assert_int_equal(cc_merkle_append(txn, f->dbi, 1, &leaf), CC_EINVAL);
    assert_int_equal(cc_merkle_append(txn, f->dbi, UINT64_MAX, &leaf), CC_EINVAL);
    mdb_txn_abort(txn);

    append_vectors(f);

    txn = begin(f, 0);
    /* A gap (index 9 while 8 is next), a rewrite of an existing leaf, and a
     * rewrite of leaf 7 whose parents exist too. */
    assert_int_equal(cc_merkle_append(txn, f->dbi, 9, &leaf), CC_EINVAL);
    assert_int_equal(cc_merkle_append(txn, f->dbi, 3, &leaf), CC_EINVAL);
    assert_int_equal(cc_merkle_append(txn, f->dbi, 7, &leaf), CC_EINVAL);
    assert_int_equal(cc_merkle_append(txn, f->dbi, 0, &leaf), CC_EINVAL);
    /* Nothing changed. */
    cc_hash want = H(vec_roots[7]);
    assert_int_equal(cc_merkle_root(txn, f->dbi, 8, &h), 0);
    assert_hash(&h, &want);
    assert_int_equal(cc_merkle_root(txn, f->dbi, 9, &h), CC_ENOTFOUND);
    /* The right index still works. */
    assert_int_equal(cc_merkle_append(txn, f->dbi, 8, &leaf), 0);
    assert_int_equal(cc_merkle_root(txn, f->dbi, 9, &h), 0);
    mdb_txn_abort(txn);
}

static void test_dbi_open_read_only(void **state)
{
    struct fx *f = *state;
    MDB_txn *txn;
    MDB_dbi dbi;
    /* Nothing appended yet: a read transaction cannot create the DBI. */
    assert_int_equal(mdb_txn_begin(f->env, NULL, MDB_RDONLY, &txn), 0);
    assert_int_equal(cc_merkle_dbi_open(txn, &dbi), CC_ENOTFOUND);
    mdb_txn_abort(txn);
    append_vectors(f);
    assert_int_equal(mdb_txn_begin(f->env, NULL, MDB_RDONLY, &txn), 0);
    assert_int_equal(cc_merkle_dbi_open(txn, &dbi), 0);
    mdb_txn_abort(txn);
}

/* ---- property test -------------------------------------------------------- */

#define PROP_LEAVES 300
/* Proofs are compared element by element with the recursive reference up to
 * this size (the reference is quadratic per proof); beyond it they are only
 * verified. */
#define PROP_REF_MAX 64

static uint64_t rng_state;

static uint64_t rng(void)
{
    /* xorshift64*: enough to pick sizes, bytes and tamper positions. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

static uint64_t ref_split(uint64_t n)
{
    uint64_t k = 1;
    while (k * 2 < n)
        k *= 2;
    return k;
}

/* RFC 9162 2.1.1 MTH(D[n]) over leaf hashes, directly by the definition. */
static cc_hash ref_mth(const cc_hash *leaves, uint64_t n)
{
    cc_hash h;
    if (n == 0) {
        cc_merkle_empty_root(&h);
        return h;
    }
    if (n == 1) return leaves[0];
    uint64_t k = ref_split(n);
    cc_hash l = ref_mth(leaves, k), r = ref_mth(leaves + k, n - k);
    cc_merkle_node_hash(&l, &r, &h);
    return h;
}

/* RFC 9162 2.1.3.1 PATH(m, D[n]). */
static void ref_path(const cc_hash *leaves, uint64_t m, uint64_t n, cc_hash *out, size_t *count)
{
    if (n == 1) return;
    uint64_t k = ref_split(n);
    if (m < k) {
        ref_path(leaves, m, k, out, count);
        out[(*count)++] = ref_mth(leaves + k, n - k);
    } else {
        ref_path(leaves + k, m - k, n - k, out, count);
        out[(*count)++] = ref_mth(leaves, k);
    }
}

/* RFC 9162 2.1.4.1 SUBPROOF(m, D[n], b). */
static void ref_subproof(const cc_hash *leaves, uint64_t m, uint64_t n, int b, cc_hash *out,
                         size_t *count)
{
    if (m == n) {
        if (!b) out[(*count)++] = ref_mth(leaves, m);
        return;
    }
    uint64_t k = ref_split(n);
    if (m <= k) {
        ref_subproof(leaves, m, k, b, out, count);
        out[(*count)++] = ref_mth(leaves + k, n - k);
    } else {
        ref_subproof(leaves + k, m - k, n - k, 0, out, count);
        out[(*count)++] = ref_mth(leaves, k);
    }
}

static void test_random_property(void **state)
{
    struct fx *f = *state;
    const char *env = getenv("CONCERTO_SEED");
    uint64_t seed =
        env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    if (seed == 0) seed = 1;
    rng_state = seed;
    print_message("test_random_property: CONCERTO_SEED=%llu\n", (unsigned long long)seed);

    static cc_hash leaves[PROP_LEAVES];
    cc_hash roots[PROP_LEAVES + 1];
    cc_merkle_builder b;
    cc_merkle_builder_init(&b);
    cc_merkle_builder_root(&b, &roots[0]);

    MDB_txn *txn = begin(f, 0);
    for (uint64_t i = 0; i < PROP_LEAVES; i++) {
        /* Leaves start with their index so that no two are equal (equal
         * leaves would make the "another leaf" checks below meaningless). */
        uint8_t entry[64];
        size_t len = 2 + (size_t)(rng() % (sizeof entry - 2));
        entry[0] = (uint8_t)(i >> 8);
        entry[1] = (uint8_t)i;
        for (size_t j = 2; j < len; j++)
            entry[j] = (uint8_t)rng();
        cc_merkle_leaf_hash(entry, len, &leaves[i]);
        assert_int_equal(cc_merkle_append(txn, f->dbi, i, &leaves[i]), 0);
        cc_merkle_builder_push(&b, &leaves[i]);
        cc_merkle_builder_root(&b, &roots[i + 1]);
    }
    assert_int_equal(mdb_txn_commit(txn), 0);

    txn = begin(f, MDB_RDONLY);
    /* Roots: stored hashes == builder == definition, for every size. */
    for (uint64_t n = 0; n <= PROP_LEAVES; n++) {
        cc_hash stored, ref = ref_mth(leaves, n);
        assert_int_equal(cc_merkle_root(txn, f->dbi, n, &stored), 0);
        assert_hash(&stored, &roots[n]);
        assert_hash(&stored, &ref);
    }

    cc_hash proof[CC_MERKLE_MAX_PROOF], ref[CC_MERKLE_MAX_PROOF];
    size_t count, ref_count;
    unsigned long checked = 0;
    /* Every inclusion proof. */
    for (uint64_t n = 1; n <= PROP_LEAVES; n++) {
        for (uint64_t m = 0; m < n; m++) {
            assert_int_equal(cc_merkle_inclusion_proof(txn, f->dbi, m, n, proof, &count), 0);
            assert_int_equal(vi(&leaves[m], m, n, proof, count, &roots[n]), 0);
            if (n <= PROP_REF_MAX) {
                ref_count = 0;
                ref_path(leaves, m, n, ref, &ref_count);
                assert_int_equal(count, ref_count);
                assert_memory_equal(proof, ref, count * sizeof *proof);
            }
            /* Another leaf, index or size must not pass. */
            uint64_t other = (m + 1 + rng() % (n > 1 ? n - 1 : 1)) % n;
            if (other != m) {
                assert_int_equal(vi(&leaves[other], m, n, proof, count, &roots[n]), CC_EPROOF);
                assert_int_equal(vi(&leaves[m], other, n, proof, count, &roots[n]), CC_EPROOF);
            }
            if (count > 0) {
                size_t i = (size_t)(rng() % count);
                proof[i].b[rng() % CC_HASH_SIZE] ^= (uint8_t)(1u << (rng() % 8));
                assert_int_equal(vi(&leaves[m], m, n, proof, count, &roots[n]), CC_EPROOF);
            }
            checked++;
        }
    }
    /* Every consistency proof, including m == 0 and m == n. */
    for (uint64_t n = 0; n <= PROP_LEAVES; n++) {
        for (uint64_t m = 0; m <= n; m++) {
            assert_int_equal(cc_merkle_consistency_proof(txn, f->dbi, m, n, proof, &count), 0);
            assert_int_equal(vc(m, n, &roots[m], &roots[n], proof, count), 0);
            if (m == 0 || m == n) assert_int_equal(count, 0);
            if (n <= PROP_REF_MAX && m > 0 && m < n) {
                ref_count = 0;
                ref_subproof(leaves, m, n, 1, ref, &ref_count);
                assert_int_equal(count, ref_count);
                assert_memory_equal(proof, ref, count * sizeof *proof);
            }
            if (m > 0 && m < n) {
                /* A different old root (a different history) must fail. */
                assert_int_equal(vc(m, n, &roots[m - 1], &roots[n], proof, count), CC_EPROOF);
                assert_int_equal(vc(m, n, &roots[m], &roots[n - 1], proof, count), CC_EPROOF);
                size_t i = (size_t)(rng() % count);
                proof[i].b[rng() % CC_HASH_SIZE] ^= (uint8_t)(1u << (rng() % 8));
                assert_int_equal(vc(m, n, &roots[m], &roots[n], proof, count), CC_EPROOF);
            }
            checked++;
        }
    }
    mdb_txn_abort(txn);
    print_message("test_random_property: %lu proofs checked\n", checked);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hasher_vectors),
        cmocka_unit_test_setup_teardown(test_roots_match_vectors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roots_survive_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inclusion_vectors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_consistency_vectors, setup, teardown),
        cmocka_unit_test(test_verify_edge_cases),
        cmocka_unit_test_setup_teardown(test_proof_generation_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_append_rejects_wrong_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dbi_open_read_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_property, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
