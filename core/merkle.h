/* merkle.h - RFC 6962 Merkle tree over the log, with stored hashes.
 *
 * Leaf hash  = SHA-256(0x00 || entry bytes)
 * Node hash  = SHA-256(0x01 || left || right)
 * The tree over n entries is the RFC 6962 (RFC 9162 section 2.1) tree MTH(D[n]).
 *
 * Storage: every hash of a complete (perfect) subtree is stored once, when its
 * last leaf is appended, in an LMDB DBI ("tree") of the ledger env. Hash
 * (L, N) covers leaves [N * 2^L, (N+1) * 2^L), as in C2SP tlog-tiles; its
 * key is 9 bytes: the last leaf it covers, (N+1) * 2^L - 1 (u64 big-endian),
 * then L (u8), so that appends only ever add keys at the end. The value is
 * the 32-byte hash. Level 0 holds leaf hashes. Roots of any
 * size <= the current one, and any proof, are computed from stored hashes
 * alone (O(log n) reads), never from entries.
 *
 * All functions returning int return 0 or a negative error code (error.h). */
#ifndef CONCERTO_MERKLE_H
#define CONCERTO_MERKLE_H

#include <lmdb.h>
#include <stddef.h>
#include <stdint.h>

#define CC_HASH_SIZE 32
/* Proofs for trees of up to 2^64 leaves have at most 64 hashes (consistency
 * proofs at most 2 * 64); callers pass arrays of this capacity. */
#define CC_MERKLE_MAX_PROOF 128

typedef struct cc_hash {
    uint8_t b[CC_HASH_SIZE];
} cc_hash;

/* The hash of the empty tree: SHA-256 of the empty string. */
void cc_merkle_empty_root(cc_hash *out);
void cc_merkle_leaf_hash(const uint8_t *entry, size_t len, cc_hash *out);
void cc_merkle_node_hash(const cc_hash *left, const cc_hash *right, cc_hash *out);

/* Open (creating if needed) the "tree" DBI inside a write transaction, or open
 * it in a read transaction when it already exists (CC_ENOTFOUND in a read
 * transaction before anything was ever appended). */
int cc_merkle_dbi_open(MDB_txn *txn, MDB_dbi *dbi);

/* Append the leaf hash of entry `index`; index must equal the current number
 * of leaves (the caller, the log, knows it). Stores the leaf hash and the hash
 * of every subtree this leaf completes. Returns CC_EINVAL if a hash at that
 * position already exists, or if leaf index - 1 does not (a gap). On any
 * error the caller must abort the write transaction. */
int cc_merkle_append(MDB_txn *txn, MDB_dbi dbi, uint64_t index, const cc_hash *leaf);

/* Read a stored hash (level, index). CC_ENOTFOUND if it is not stored. */
int cc_merkle_get(MDB_txn *txn, MDB_dbi dbi, unsigned level, uint64_t index, cc_hash *out);

/* Root of the tree made of the first `size` leaves (size may be 0). The
 * caller guarantees size <= number of leaves appended; otherwise CC_ENOTFOUND. */
int cc_merkle_root(MDB_txn *txn, MDB_dbi dbi, uint64_t size, cc_hash *out);

/* RFC 9162 2.1.3 inclusion proof of leaf `index` in the tree of `size`
 * leaves. Writes *count hashes (at most CC_MERKLE_MAX_PROOF) into proof.
 * CC_EINVAL if index >= size, CC_ENOTFOUND if fewer than size leaves exist. */
int cc_merkle_inclusion_proof(MDB_txn *txn, MDB_dbi dbi, uint64_t index, uint64_t size,
                              cc_hash *proof, size_t *count);

/* RFC 9162 2.1.4 consistency proof between sizes old_size <= new_size.
 * Empty when old_size is 0 or equal to new_size. CC_EINVAL if
 * old_size > new_size, CC_ENOTFOUND if fewer than new_size leaves exist. */
int cc_merkle_consistency_proof(MDB_txn *txn, MDB_dbi dbi, uint64_t old_size, uint64_t new_size,
                                cc_hash *proof, size_t *count);

/* RFC 9162 2.1.3.2: 0 when the proof shows leaf at index is in the tree
 * with this root, CC_EPROOF otherwise. */
int cc_merkle_verify_inclusion(const cc_hash *leaf, uint64_t index, uint64_t size,
                               const cc_hash *proof, size_t count, const cc_hash *root);

/* RFC 9162 2.1.4.2: 0 when the proof shows the old tree is a prefix of the
 * new one, CC_EPROOF otherwise. old_size == new_size: valid iff the proof is
 * empty and the roots are equal. old_size == 0 (outside RFC 9162): valid iff
 * the proof is empty and old_root is the empty-tree hash. */
int cc_merkle_verify_consistency(uint64_t old_size, uint64_t new_size, const cc_hash *old_root,
                                 const cc_hash *new_root, const cc_hash *proof, size_t count);

/* A streaming tree builder that needs no storage: push leaf hashes in order,
 * ask for the root at any time. Holds O(log n) hashes (the "compact range").
 * Used by verifiers that rebuild the tree from entries alone. */
typedef struct cc_merkle_builder {
    uint64_t size;
    cc_hash stack[64]; /* stack[i] is the root of a perfect subtree; sizes decrease */
    unsigned depth;
} cc_merkle_builder;

void cc_merkle_builder_init(cc_merkle_builder *b);
void cc_merkle_builder_push(cc_merkle_builder *b, const cc_hash *leaf);
void cc_merkle_builder_root(const cc_merkle_builder *b, cc_hash *out);

#endif
