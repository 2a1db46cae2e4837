/* log.c - records of the event log.
 *
 * Appends use MDB_APPEND with MDB_RESERVE: LMDB places the record at the end
 * of the last leaf page without a search, and we write the header and entry
 * straight into the map (one copy, no intermediate buffer). Reads return
 * pointers into the map (zero-copy) after checking the checksum, so corrupted
 * pages are reported where they are read instead of propagating. */
#include "log.h"

#include "bytes.h"
#include "error.h"

#include <string.h>
#include <xxhash.h>

int cc_log_dbi_open(MDB_txn *txn, MDB_dbi *dbi)
{
    return cc_from_mdb(mdb_dbi_open(txn, "log", MDB_CREATE | MDB_INTEGERKEY, dbi));
}

int cc_log_size(MDB_txn *txn, MDB_dbi dbi, uint64_t *size)
{
    MDB_cursor *c;
    int rc = mdb_cursor_open(txn, dbi, &c);
    if (rc) return cc_from_mdb(rc);
    MDB_val k, v;
    rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
    mdb_cursor_close(c);
    if (rc == MDB_NOTFOUND) {
        *size = 0;
        return 0;
    }
    if (rc) return cc_from_mdb(rc);
    if (k.mv_size != sizeof(uint64_t)) return CC_ECORRUPT;
    uint64_t last;
    memcpy(&last, k.mv_data, sizeof last);
    *size = last + 1;
    return 0;
}

int cc_log_append(MDB_txn *txn, MDB_dbi dbi, uint64_t seq, const uint8_t *entry, size_t len)
{
    /* MDB_APPEND only demands increasing keys; gaplessness is ours to check.
     * The last page is hot in the cursor, so this costs little. */
    uint64_t size;
    int rc = cc_log_size(txn, dbi, &size);
    if (rc) return rc;
    if (seq != size) return CC_EINVAL;
    MDB_val k = {sizeof seq, &seq}, v = {CC_RECORD_HEADER + len, NULL};
    rc = mdb_put(txn, dbi, &k, &v, MDB_APPEND | MDB_RESERVE);
    if (rc == MDB_KEYEXIST) return CC_EINVAL;
    if (rc) return cc_from_mdb(rc);
    uint8_t *r = v.mv_data;
    memset(r, 0, 8);
    r[0] = CC_RECORD_VERSION;
    cc_put_le64(r + 8, XXH3_64bits(entry, len));
    memcpy(r + CC_RECORD_HEADER, entry, len);
    return 0;
}

int cc_record_open(const void *record, size_t len, cc_slice *entry)
{
    const uint8_t *r = record;
    if (len < CC_RECORD_HEADER) return CC_ECORRUPT;
    if (r[0] != CC_RECORD_VERSION) return CC_EFORMAT;
    for (int i = 1; i < 8; i++)
        if (r[i]) return CC_EFORMAT;
    entry->ptr = r + CC_RECORD_HEADER;
    entry->len = len - CC_RECORD_HEADER;
    if (XXH3_64bits(entry->ptr, entry->len) != cc_get_le64(r + 8)) return CC_ECHECKSUM;
    return 0;
}

int cc_log_get(MDB_txn *txn, MDB_dbi dbi, uint64_t seq, cc_slice *entry)
{
    MDB_val k = {sizeof seq, &seq}, v;
    int rc = mdb_get(txn, dbi, &k, &v);
    if (rc == MDB_NOTFOUND) return CC_ENOTFOUND;
    if (rc) return cc_from_mdb(rc);
    return cc_record_open(v.mv_data, v.mv_size, entry);
}

int cc_log_iter_open(MDB_txn *txn, MDB_dbi dbi, uint64_t from, cc_log_iter *it)
{
    it->next = from;
    it->started = 0;
    return cc_from_mdb(mdb_cursor_open(txn, dbi, &it->cursor));
}

int cc_log_iter_next(cc_log_iter *it, uint64_t *seq, cc_slice *entry)
{
    MDB_val k = {sizeof it->next, &it->next}, v;
    int rc = mdb_cursor_get(it->cursor, &k, &v, it->started ? MDB_NEXT : MDB_SET_RANGE);
    it->started = 1;
    if (rc == MDB_NOTFOUND) return CC_ENOTFOUND;
    if (rc) return cc_from_mdb(rc);
    uint64_t got;
    if (k.mv_size != sizeof got) return CC_ECORRUPT;
    memcpy(&got, k.mv_data, sizeof got);
    if (got != it->next) return CC_ECORRUPT; /* a gap */
    it->next = got + 1;
    *seq = got;
    return cc_record_open(v.mv_data, v.mv_size, entry);
}

void cc_log_iter_close(cc_log_iter *it)
{
    if (it->cursor) mdb_cursor_close(it->cursor);
    it->cursor = NULL;
}
