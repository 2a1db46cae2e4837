/* body.c - body schemas, canonical encoding, commitments and storage.
 *
 * Limits are in bytes of UTF-8. Titles, names and places are single lines;
 * only "text" may contain newlines and tabs (the site turns CRLF into LF
 * before it gets here). Like events, bodies are canonical: fields in the
 * order of CC_BODY_FIELDS, checked by re-encoding on decode, so that the bytes
 * a commitment covers are a function of the content alone. */
#include "body.h"

#include "error.h"
#include "msgpack_guard.h"
#include "text.h"

#include <msgpack.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

typedef struct body_field_spec {
    uint8_t presence; /* 0 absent, 1 required, 2 optional */
    uint32_t max;
} body_field_spec;

typedef struct body_spec {
    body_field_spec f[CC_B_COUNT_];
} body_spec;

#define TITLE_MAX 200
#define LINE_MAX_ 300
#define URL_MAX 2048
#define REQ(n)                                                                                     \
    {                                                                                              \
        1, n                                                                                       \
    }
#define OPT(n)                                                                                     \
    {                                                                                              \
        2, n                                                                                       \
    }

static const body_spec specs[CC_EV_COUNT_] = {
    [CC_EV_CONSULTATION_CONFIGURED] = {{[CC_B_TITLE] = REQ(TITLE_MAX), [CC_B_TEXT] = REQ(100000)}},
    [CC_EV_THEME_CREATED] = {{[CC_B_TITLE] = REQ(TITLE_MAX), [CC_B_TEXT] = OPT(50000)}},
    [CC_EV_THEME_UPDATED] = {{[CC_B_TITLE] = REQ(TITLE_MAX), [CC_B_TEXT] = OPT(50000)}},
    [CC_EV_SECTION_CREATED] = {{[CC_B_TITLE] = REQ(TITLE_MAX), [CC_B_TEXT] = OPT(50000)}},
    [CC_EV_SECTION_UPDATED] = {{[CC_B_TITLE] = REQ(TITLE_MAX), [CC_B_TEXT] = OPT(50000)}},
    [CC_EV_CONTRIBUTION_POSTED] = {{[CC_B_TITLE] = REQ(TITLE_MAX), [CC_B_TEXT] = REQ(20000)}},
    [CC_EV_CONTRIBUTION_EDITED] = {{[CC_B_TITLE] = REQ(TITLE_MAX), [CC_B_TEXT] = REQ(20000)}},
    [CC_EV_ARGUMENT_POSTED] = {{[CC_B_TEXT] = REQ(3000)}},
    [CC_EV_SOURCE_POSTED] =
        {{[CC_B_TITLE] = REQ(TITLE_MAX), [CC_B_URL] = REQ(URL_MAX), [CC_B_TEXT] = OPT(3000)}},
    [CC_EV_COMMENT_POSTED] = {{[CC_B_TEXT] = REQ(5000)}},
    [CC_EV_FLAG_RAISED] = {{[CC_B_TEXT] = REQ(1000)}},
    [CC_EV_FLAG_DISMISSED] = {{[CC_B_TEXT] = REQ(2000)}},
    [CC_EV_ITEM_TRASHED] = {{[CC_B_TEXT] = REQ(2000)}},
    [CC_EV_ITEM_REMOVED] = {{[CC_B_TEXT] = REQ(2000)}},
    [CC_EV_ITEM_RESTORED] = {{[CC_B_TEXT] = REQ(2000)}},
    [CC_EV_DOCUMENT_PUBLISHED] = {{[CC_B_TITLE] = REQ(TITLE_MAX),
                                   [CC_B_TEXT] = OPT(5000),
                                   [CC_B_NAME] = REQ(255),
                                   [CC_B_FROM] = OPT(LINE_MAX_)}},
    [CC_EV_MEETING_SCHEDULED] =
        {{[CC_B_TITLE] = REQ(TITLE_MAX), [CC_B_TEXT] = OPT(20000), [CC_B_PLACE] = REQ(LINE_MAX_)}},
    [CC_EV_MEETING_REPORTED] = {{[CC_B_TEXT] = REQ(100000)}},
    [CC_EV_SYNTHESIS_PUBLISHED] = {{[CC_B_TITLE] = OPT(TITLE_MAX), [CC_B_TEXT] = REQ(200000)}},
    [CC_EV_RECOMMENDATIONS_PUBLISHED] =
        {{[CC_B_TITLE] = OPT(TITLE_MAX), [CC_B_TEXT] = REQ(200000)}},
    [CC_EV_REPORT_PUBLISHED] = {{[CC_B_TITLE] = OPT(TITLE_MAX), [CC_B_TEXT] = REQ(200000)}},
};

static const char *const body_keys[CC_B_COUNT_] = {
#define CC_BODY_KEY_(name, key) [CC_B_##name] = key,
    CC_BODY_FIELDS(CC_BODY_KEY_)
#undef CC_BODY_KEY_
};

const char *cc_body_field_key(cc_body_field f)
{
    return f < CC_B_COUNT_ ? body_keys[f] : NULL;
}

int cc_body_has_field(cc_event_type t, cc_body_field f, size_t *max)
{
    if (t <= CC_EV_NONE || t >= CC_EV_COUNT_ || f >= CC_B_COUNT_) return 0;
    if (max) *max = specs[t].f[f].max;
    return specs[t].f[f].presence;
}

int cc_body_expected(cc_event_type t)
{
    return cc_event_has_field(t, CC_F_COMMITMENT);
}

int cc_body_validate(cc_event_type t, const cc_body *b, cc_body_field *field)
{
    if (!cc_body_expected(t)) return CC_EINVAL;
    for (int i = 0; i < CC_B_COUNT_; i++) {
        if (field) *field = (cc_body_field)i;
        const body_field_spec *s = &specs[t].f[i];
        const cc_slice *v = &b->f[i];
        if (!v->ptr) {
            if (s->presence == 1) return CC_EMISSING;
            continue;
        }
        if (s->presence == 0) return CC_EEXTRA;
        int flags = i == CC_B_TEXT ? CC_TEXT_MULTILINE : CC_TEXT_SINGLE_LINE;
        int rc = cc_text_check((const char *)v->ptr, v->len, 1, s->max, flags);
        if (rc) return rc;
        if (i == CC_B_URL && (rc = cc_url_check((const char *)v->ptr, v->len, s->max))) return rc;
    }
    return 0;
}

typedef struct grow_buffer {
    uint8_t *buf;
    size_t cap, len;
    int failed;
} grow_buffer;

static int grow_write(void *data, const char *buf, size_t len)
{
    grow_buffer *g = data;
    if (g->failed) return -1;
    if (g->cap - g->len < len) {
        size_t cap = g->cap ? g->cap : 256;
        while (cap - g->len < len)
            cap *= 2;
        uint8_t *nb = realloc(g->buf, cap);
        if (!nb) {
            g->failed = 1;
            return -1;
        }
        g->buf = nb;
        g->cap = cap;
    }
    memcpy(g->buf + g->len, buf, len);
    g->len += len;
    return 0;
}

int cc_body_encode(cc_event_type t, const cc_body *b, uint8_t **out, size_t *len)
{
    int rc = cc_body_validate(t, b, NULL);
    if (rc) return rc;
    grow_buffer g = {0};
    msgpack_packer pk;
    msgpack_packer_init(&pk, &g, grow_write);
    unsigned n = 0;
    for (int i = 0; i < CC_B_COUNT_; i++)
        n += b->f[i].ptr != NULL;
    msgpack_pack_map(&pk, n);
    for (int i = 0; i < CC_B_COUNT_; i++) {
        if (!b->f[i].ptr) continue;
        msgpack_pack_str(&pk, strlen(body_keys[i]));
        msgpack_pack_str_body(&pk, body_keys[i], strlen(body_keys[i]));
        msgpack_pack_str(&pk, b->f[i].len);
        msgpack_pack_str_body(&pk, b->f[i].ptr, b->f[i].len);
    }
    if (g.failed) {
        free(g.buf);
        return CC_ENOMEM;
    }
    if (g.len > CC_BODY_MAX) {
        free(g.buf);
        return CC_ETOOBIG;
    }
    *out = g.buf;
    *len = g.len;
    return 0;
}

int cc_body_decode(cc_event_type t, const uint8_t *buf, size_t len, cc_body *out)
{
    if (!cc_body_expected(t)) return CC_EINVAL;
    if (len > CC_BODY_MAX) return CC_ETOOBIG;
    memset(out, 0, sizeof *out);
    if (cc_msgpack_guard(buf, len)) return CC_EMALFORMED;
    msgpack_zone zone;
    if (!msgpack_zone_init(&zone, 1024)) return CC_ENOMEM;
    msgpack_object root;
    size_t off = 0;
    int rc = 0;
    msgpack_unpack_return ur = msgpack_unpack((const char *)buf, len, &off, &zone, &root);
    if (ur != MSGPACK_UNPACK_SUCCESS || off != len || root.type != MSGPACK_OBJECT_MAP) {
        rc = CC_EMALFORMED;
        goto done;
    }
    for (uint32_t i = 0; i < root.via.map.size && !rc; i++) {
        const msgpack_object *k = &root.via.map.ptr[i].key, *v = &root.via.map.ptr[i].val;
        if (k->type != MSGPACK_OBJECT_STR || v->type != MSGPACK_OBJECT_STR) {
            rc = CC_ETYPE;
            break;
        }
        int found = -1;
        for (int f = 0; f < CC_B_COUNT_; f++) {
            if (strlen(body_keys[f]) == k->via.str.size &&
                memcmp(body_keys[f], k->via.str.ptr, k->via.str.size) == 0)
                found = f;
        }
        if (found < 0 || out->f[found].ptr) {
            rc = CC_EEXTRA;
            break;
        }
        /* Point into buf, not into the zone: the zone dies below. msgpack-c
         * str objects already point into the input buffer. */
        out->f[found].ptr = (const uint8_t *)v->via.str.ptr;
        out->f[found].len = v->via.str.size;
    }
done:
    msgpack_zone_destroy(&zone);
    if (rc) return rc;
    uint8_t *again;
    size_t again_len;
    if ((rc = cc_body_encode(t, out, &again, &again_len))) return rc;
    if (again_len != len || memcmp(again, buf, len) != 0) rc = CC_ENONCANONICAL;
    free(again);
    return rc;
}

void cc_body_commit(const uint8_t nonce[CC_NONCE_SIZE], const uint8_t *body, size_t len,
                    uint8_t out[32])
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, nonce, CC_NONCE_SIZE);
    crypto_hash_sha256_update(&st, body, len);
    crypto_hash_sha256_final(&st, out);
}

int cc_bodies_dbi_open(MDB_txn *txn, MDB_dbi *dbi)
{
    /* MDB_CREATE only matters the first time; in a read transaction it is
     * harmless once the DBI exists. */
    return cc_from_mdb(mdb_dbi_open(txn, "bodies", MDB_CREATE, dbi));
}

int cc_bodies_put(MDB_txn *txn, MDB_dbi dbi, const uint8_t c[32],
                  const uint8_t nonce[CC_NONCE_SIZE], const uint8_t *body, size_t len)
{
    MDB_val k = {32, (void *)c}, v = {CC_NONCE_SIZE + len, NULL};
    int rc = mdb_put(txn, dbi, &k, &v, MDB_NOOVERWRITE | MDB_RESERVE);
    if (rc == MDB_KEYEXIST) return CC_EALREADY;
    if (rc) return cc_from_mdb(rc);
    memcpy(v.mv_data, nonce, CC_NONCE_SIZE);
    memcpy((uint8_t *)v.mv_data + CC_NONCE_SIZE, body, len);
    return 0;
}

int cc_bodies_get(MDB_txn *txn, MDB_dbi dbi, const uint8_t c[32], const uint8_t **nonce,
                  cc_slice *body)
{
    MDB_val k = {32, (void *)c}, v;
    int rc = mdb_get(txn, dbi, &k, &v);
    if (rc == MDB_NOTFOUND) return CC_ENOTFOUND;
    if (rc) return cc_from_mdb(rc);
    if (v.mv_size < CC_NONCE_SIZE) return CC_ECORRUPT;
    *nonce = v.mv_data;
    body->ptr = (const uint8_t *)v.mv_data + CC_NONCE_SIZE;
    body->len = v.mv_size - CC_NONCE_SIZE;
    return 0;
}

int cc_bodies_del(MDB_txn *txn, MDB_dbi dbi, const uint8_t c[32])
{
    MDB_val k = {32, (void *)c};
    int rc = mdb_del(txn, dbi, &k, NULL);
    if (rc == MDB_NOTFOUND) return CC_ENOTFOUND;
    return cc_from_mdb(rc);
}
