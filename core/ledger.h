/* ledger.h - the ledger env: log, Merkle hashes, bodies, files, write-side
 * state and vault, opened together because they are written together.
 *
 * Data directory layout:
 *     DIR/ledger/        the LMDB env (data.mdb, lock.mdb)
 *     DIR/keys/log.key   the log's Ed25519 signing key, mode 0600
 *     DIR/keys/log.pub   its verifier key (public)
 * The key lives outside the env so that a copy of the database (a backup, a
 * replica) never carries it.
 *
 * Threads: any thread may read through cc_ledger_read_begin/_end; only the
 * writer thread (writer.h) writes. Reads take a shared lock that the writer
 * takes exclusively only to grow the map (LMDB requires that no transaction be
 * active in the process while the map size changes). */
#ifndef CONCERTO_LEDGER_H
#define CONCERTO_LEDGER_H

#include "body.h"
#include "checkpoint.h"
#include "log.h"
#include "merkle.h"
#include "state.h"
#include "vault.h"

#include <lmdb.h>
#include <pthread.h>
#include <stdbool.h>

#define CC_LEDGER_FORMAT 1
#define CC_DEFAULT_ORIGIN "localhost/concerto"
#define CC_DEFAULT_MAP_SIZE ((size_t)1 << 30)

typedef struct cc_ledger {
    MDB_env *env;
    char *dir;
    MDB_dbi log, tree, bodies, files, meta;
    cc_state state;
    cc_vault vault;
    cc_signer signer;
    cc_verifier verifier;
    char origin[CC_NOTE_NAME_MAX + 1];
    size_t map_size;
    pthread_rwlock_t resize_lock;
    unsigned map_grows; /* how many times the map grew (for tests and metrics) */
} cc_ledger;

typedef struct cc_ledger_options {
    size_t map_size; /* initial map size; 0 for CC_DEFAULT_MAP_SIZE */
    int read_only;   /* open for reading only (verify, log) */
} cc_ledger_options;

/* Create DIR/ledger, DIR/keys and the signing key for origin (the key name).
 * Fails with CC_EEXISTS when DIR already holds a ledger. verifier_out (512
 * bytes, may be NULL) receives the verifier key text. */
int cc_ledger_create(const char *dir, const char *origin, char *verifier_out, size_t cap);

/* Open an existing ledger (loads the signing key unless read_only). */
int cc_ledger_open(cc_ledger *l, const char *dir, const cc_ledger_options *opt);
void cc_ledger_close(cc_ledger *l);

int cc_ledger_read_begin(cc_ledger *l, MDB_txn **txn);
void cc_ledger_read_end(cc_ledger *l, MDB_txn *txn);

/* The latest signed checkpoint stored with the log (valid until end of txn).
 * CC_ENOTFOUND for an empty log. */
int cc_ledger_checkpoint(cc_ledger *l, MDB_txn *txn, cc_slice *note);

/* Files (documents published as received), keyed by their SHA-256. */
int cc_ledger_file_get(cc_ledger *l, MDB_txn *txn, const uint8_t hash[32], cc_slice *out);

/* Full check of the ledger: every record's checksum and canonical decoding,
 * the stored Merkle hashes against the entries, the stored checkpoint's
 * signature (by v, or the ledger's own verifier when v is NULL) and root,
 * every body against its commitment, and that only removed items lack a
 * body. Returns 0 when all hold; otherwise the first failure's code with a
 * message naming it in msg. */
int cc_ledger_verify(cc_ledger *l, const cc_verifier *v, char *msg, size_t cap);

/* Rebuild the write-side state (state_* DBIs) from the log in one
 * transaction, so readers see the old or the new state, never a mix. The
 * writer must not run in this process. *events receives the count. */
int cc_ledger_rebuild_state(cc_ledger *l, uint64_t *events);

/* Internal: write helpers used by the writer. */
int cc_ledger__grow(cc_ledger *l);

#endif
