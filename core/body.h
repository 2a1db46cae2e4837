/* body.h - the text of items, kept beside the log and committed to by it.
 *
 * An event never carries text. It carries a commitment
 *     c = SHA-256(nonce || body)
 * where nonce is 16 random bytes and body is a canonical msgpack map of
 * string fields ("title", "text", "url", ...) whose schema depends on the
 * event type. Bodies are stored in the ledger env, DBI "bodies", keyed by c,
 * value nonce || body. Removing illegal content deletes that row: the log is
 * untouched and still verifies, and without the nonce the commitment cannot
 * be brute-forced back into the text. */
#ifndef CONCERTO_BODY_H
#define CONCERTO_BODY_H

#include "event.h"

#include <lmdb.h>

#define CC_NONCE_SIZE 16
/* Largest body: a synthesis or a final report. */
#define CC_BODY_MAX (256 * 1024)

#define CC_BODY_FIELDS(X)                                                                          \
    X(TITLE, "title")                                                                              \
    X(TEXT, "text")                                                                                \
    X(URL, "url")                                                                                  \
    X(NAME, "name")                                                                                \
    X(FROM, "from")                                                                                \
    X(PLACE, "place")

typedef enum cc_body_field {
#define CC_BODY_ENUM_(name, key) CC_B_##name,
    CC_BODY_FIELDS(CC_BODY_ENUM_)
#undef CC_BODY_ENUM_
        CC_B_COUNT_
} cc_body_field;

/* Fields of a body; ptr == NULL means absent. Slices are borrowed. */
typedef struct cc_body {
    cc_slice f[CC_B_COUNT_];
} cc_body;

const char *cc_body_field_key(cc_body_field f);
/* Whether events of type t carry a body with field f: 0 no, 1 required,
 * 2 optional; *max receives the field's byte limit. */
int cc_body_has_field(cc_event_type t, cc_body_field f, size_t *max);
/* Whether events of type t carry a commitment at all (maybe optional). */
int cc_body_expected(cc_event_type t);

/* Check b against the schema of type t: required fields present, no others,
 * UTF-8, lengths, control characters (only "text" may span lines), URLs.
 * On error *field (when not NULL) names the offending field. */
int cc_body_validate(cc_event_type t, const cc_body *b, cc_body_field *field);
/* Canonical encoding into a malloc'd buffer the caller frees. Validates first. */
int cc_body_encode(cc_event_type t, const cc_body *b, uint8_t **out, size_t *len);
/* Strict decoding; slices in out point into buf. */
int cc_body_decode(cc_event_type t, const uint8_t *buf, size_t len, cc_body *out);

void cc_body_commit(const uint8_t nonce[CC_NONCE_SIZE], const uint8_t *body, size_t len,
                    uint8_t out[32]);

int cc_bodies_dbi_open(MDB_txn *txn, MDB_dbi *dbi);
/* Store nonce || body under c (MDB_NOOVERWRITE: CC_EALREADY if present). */
int cc_bodies_put(MDB_txn *txn, MDB_dbi dbi, const uint8_t c[32],
                  const uint8_t nonce[CC_NONCE_SIZE], const uint8_t *body, size_t len);
/* Zero-copy read: nonce and body point into the map, valid until the end of
 * txn. CC_ENOTFOUND when absent (removed). */
int cc_bodies_get(MDB_txn *txn, MDB_dbi dbi, const uint8_t c[32], const uint8_t **nonce,
                  cc_slice *body);
int cc_bodies_del(MDB_txn *txn, MDB_dbi dbi, const uint8_t c[32]);

#endif
