/* snapshot.h - open-data snapshots and the auditor's replay of them.
 *
 * A snapshot of the log at size N is a directory that anyone can download,
 * read with a spreadsheet, and re-check without trusting us:
 *
 *     checkpoint              the signed checkpoint at N (C2SP tlog-checkpoint)
 *     tile/entries/...        the log itself as C2SP tlog-tiles entry bundles
 *     tile/<L>/...            the Merkle tree's hash tiles (all levels)
 *     bodies.jsonl            the texts: {seq, commitment, nonce, fields} for
 *                             every body still stored among entries < N
 *     withheld.jsonl          bodies purged after N (illegal content removed
 *                             later): the removal entry with its proofs
 *     data/<table>.csv        every table, RFC 4180 CSV with a header row
 *     data/<table>.jsonl      the same rows as JSON Lines
 *     documents/<sha256>      the documents published, as received
 *     datapackage.json        Frictionless Data Package describing every file
 *     README.md               every column explained, in French and English
 *     LICENSE                 Licence Ouverte / Open Licence 2.0
 *     MANIFEST                SHA-256 and row count of every other file
 *
 * docs/FORMAT.md specifies every byte. Everything is a function of the log
 * prefix, the bodies and documents still stored, and the signing key: two
 * exports at the same size are byte-identical (unless a body was purged in
 * between, which is the point of purging).
 *
 * Verification replays the snapshot's entries into a throwaway ledger, runs
 * the same projections on it, writes the tables again with the same code and
 * compares every file byte for byte, naming the first difference. */
#ifndef CONCERTO_SNAPSHOT_H
#define CONCERTO_SNAPSHOT_H

#include "checkpoint.h"

#include <stddef.h>
#include <stdint.h>

/* Version of the snapshot layout and of the tables' definitions, written in
 * datapackage.json ("concerto": {"snapshot_format": N}). A snapshot is
 * verified by replaying it through the projections of the verifying code,
 * so a change to any table, column or statistic definition must bump it. */
#define CC_SNAPSHOT_FORMAT 1

/* Size of a message naming a failure; longer ones are truncated. */
#define CC_SNAPSHOT_MSG_MAX 1024

typedef struct cc_snapshot_info {
    uint64_t size;     /* log size of the snapshot */
    uint64_t files;    /* files written or checked, MANIFEST included */
    uint64_t rows;     /* data rows (CSV rows of every table) */
    uint64_t bodies;   /* bodies published */
    uint64_t withheld; /* bodies purged after the snapshot's size */
} cc_snapshot_info;

/* Write the snapshot of the ledger in data_dir at log size `at` (UINT64_MAX:
 * the current size) into out_dir, which must not exist: the files are
 * written into a temporary sibling directory renamed to out_dir at the end,
 * so out_dir never holds a partial snapshot. Needs the signing key
 * (data_dir/keys/log.key). Temporary views are built under $TMPDIR and
 * removed. Returns 0, or an error code with msg naming what failed
 * (CC_EINVAL when `at` is beyond the end of the log, -EEXIST when out_dir
 * exists). info (may be NULL) is filled on success. */
int cc_snapshot_export(const char *data_dir, const char *out_dir, uint64_t at,
                       cc_snapshot_info *info, char *msg, size_t cap);

/* Check the snapshot in dir against the verifier key v: the checkpoint's
 * signature, the entry bundles (exactly [0, size), strictly decoded, their
 * Merkle root against the checkpoint's), every hash tile, every body against
 * its commitment and that only removed items lack one (or, for items removed
 * after the snapshot, the proofs in withheld.jsonl), the documents against
 * their hashes, then every table recomputed by replaying the entries through
 * the projections, the metadata files, the MANIFEST, and that no other file
 * is present. Returns 0 when everything matches; otherwise an error code
 * and msg naming the first difference: file, then row and column with the
 * expected and found values where that applies, e.g.
 *     data/votes.csv: row 3, column value: expected "agree", found "disagree"
 * Working files go under $TMPDIR and are removed. */
int cc_snapshot_verify(const char *dir, const cc_verifier *v, cc_snapshot_info *info, char *msg,
                       size_t cap);

#endif
