/* log.h - the append-only event log (DBI "log" of the ledger env).
 *
 * Key: the sequence number, a native-endian u64 (MDB_INTEGERKEY), gapless
 * from 0. Value: a record
 *     byte 0      format version (CC_RECORD_VERSION)
 *     bytes 1..7  zero
 *     bytes 8..15 XXH3-64 of the entry, little-endian
 *     bytes 16..  the entry: the event's canonical msgpack bytes
 * The checksum catches storage corruption early; it carries no security
 * weight (the Merkle tree does). Records are never updated or deleted. */
#ifndef CONCERTO_LOG_H
#define CONCERTO_LOG_H

#include "types.h"

#include <lmdb.h>
#include <stdint.h>

#define CC_RECORD_VERSION 1
#define CC_RECORD_HEADER 16

int cc_log_dbi_open(MDB_txn *txn, MDB_dbi *dbi);
/* Number of entries (the next sequence number). */
int cc_log_size(MDB_txn *txn, MDB_dbi dbi, uint64_t *size);
/* Append entry as number seq, which must equal the current size (else
 * CC_EINVAL): the log has no gaps and no rewrites. */
int cc_log_append(MDB_txn *txn, MDB_dbi dbi, uint64_t seq, const uint8_t *entry, size_t len);
/* Zero-copy read of entry seq, its checksum verified. The slice is valid
 * until the end of txn. CC_ENOTFOUND, CC_ECHECKSUM, CC_EFORMAT. */
int cc_log_get(MDB_txn *txn, MDB_dbi dbi, uint64_t seq, cc_slice *entry);

/* Range iteration in sequence order. */
typedef struct cc_log_iter {
    MDB_cursor *cursor;
    uint64_t next;
    int started;
} cc_log_iter;

int cc_log_iter_open(MDB_txn *txn, MDB_dbi dbi, uint64_t from, cc_log_iter *it);
/* 0 and the next entry (checksum verified, slice valid until end of txn),
 * CC_ENOTFOUND past the end, CC_ECORRUPT if a sequence number is missing. */
int cc_log_iter_next(cc_log_iter *it, uint64_t *seq, cc_slice *entry);
void cc_log_iter_close(cc_log_iter *it);

/* Check a raw record value and return its entry. */
int cc_record_open(const void *record, size_t len, cc_slice *entry);

#endif
