/* vault.c - personal data: accounts, their indexes, sessions and tokens.
 *
 * The vault is six LMDB DBIs living in the ledger env. An account row is
 * keyed by the 16 bytes of its pseudonym; two index DBIs map the normalised
 * e-mail and the lowercased username back to that pseudonym, so that both
 * uniqueness checks and logins are a single B-tree look-up. Sessions and
 * one-time tokens are keyed by the SHA-256 of a 32-byte random secret that
 * only the user holds: the database alone never lets anyone log in, and a
 * token that does not decode to exactly 32 bytes is refused before any read.
 *
 * Every session or token is also listed under its owner in "vault_owned", a
 * DUPSORT DBI whose values are a kind byte ('s' or 't') followed by the
 * SHA-256 key. Because duplicates are sorted, all sessions of an account
 * are contiguous, which is what lets "log out everywhere" and account erasure
 * find every secret without scanning the whole sessions DBI. The kind byte
 * is a detail of this file; the header only promises "the SHA-256 of each".
 *
 * Records use a small binary encoding of our own rather than msgpack: the
 * vault is never exported or replayed, so it needs no schema, only to be
 * read back safely. Each record starts with a version byte, integers are
 * big-endian, strings are a 16-bit big-endian length followed by bytes (no
 * NUL inside). Decoders check every length against what remains, reject
 * trailing bytes, and re-run the same validation as the write path (a stored
 * username must still be a valid username, a stored e-mail must already be
 * normalised...), so a garbled row comes back as CC_ECORRUPT rather than as
 * a half-filled struct.
 *
 * Write functions validate everything before their first write. When they
 * fail with a concerto code the transaction is untouched; an LMDB error in
 * the middle of a write leaves the transaction poisoned anyway (LMDB's own
 * rule), and the caller must abort it.
 *
 * Expiry: a session or token is valid while now_ms < expires_ms. Expired
 * rows are refused but not deleted on read (reads may run in read-only
 * transactions); cc_vault_purge_expired() removes them. */
#include "vault.h"

#include "bytes.h"
#include "error.h"
#include "text.h"

#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdbool.h>
#include <string.h>

#define RECORD_VERSION 1
#define SECRET_LEN 32
#define KEY_LEN crypto_hash_sha256_BYTES
#define OWNED_LEN (1 + KEY_LEN)
#define OWNED_SESSION 's'
#define OWNED_TOKEN 't'

/* Bounds of the encodings; buffers below are sized from them. */
#define ACCOUNT_RECORD_MAX                                                                         \
    (3 + 8 + 2 + CC_USERNAME_MAX + 2 + CC_EMAIL_MAX + 2 + CC_PWHASH_MAX + 2 + CC_ORG_MAX)
#define SESSION_RECORD_LEN (1 + CC_PSEUDONYM_LEN + 8)
#define TOKEN_RECORD_MAX (2 + CC_PSEUDONYM_LEN + 8 + 2 + CC_EMAIL_MAX)

_Static_assert(crypto_pwhash_STRBYTES <= CC_PWHASH_MAX, "CC_PWHASH_MAX too small");
_Static_assert(KEY_LEN == 32, "SHA-256 is 32 bytes");
_Static_assert(sodium_base64_ENCODED_LEN(SECRET_LEN, sodium_base64_VARIANT_URLSAFE_NO_PADDING) ==
                   CC_TOKEN_TEXT_LEN + 1,
               "token text length");

/* ---- Small helpers ---------------------------------------------------- */

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static uint64_t expiry(uint64_t now_ms, uint64_t ttl_ms)
{
    /* Saturate rather than wrap: a huge ttl means "never", not "long ago". */
    return ttl_ms > UINT64_MAX - now_ms ? UINT64_MAX : now_ms + ttl_ms;
}

static int pseudonym_check(const cc_pseudonym *p)
{
    if (!p) return CC_EINVAL;
    size_t n = strnlen(p->s, sizeof p->s);
    return cc_pseudonym_valid(p->s, n) ? 0 : CC_EINVAL;
}

static MDB_val pseudonym_val(const cc_pseudonym *p)
{
    return (MDB_val){.mv_size = CC_PSEUDONYM_LEN, .mv_data = (void *)p->s};
}

/* The declared status and the organisation go together: a citizen speaks
 * for no organisation, everybody else must name theirs. */
static int status_org_check(cc_status status, const char *org, size_t len)
{
    if (status <= CC_STATUS_NONE || status >= CC_STATUS_COUNT_) return CC_EINVAL;
    if (len > 0 && !org) return CC_EINVAL;
    if (status == CC_STATUS_CITIZEN) return len == 0 ? 0 : CC_EINVAL;
    if (len == 0) return CC_EEMPTY;
    if (len > CC_ORG_MAX) return CC_ETOOLONG;
    return cc_text_check(org, len, 1, CC_ORG_MAX, CC_TEXT_SINGLE_LINE);
}

/* A password hash is produced by crypto_pwhash_str, which writes printable
 * ASCII; anything else is a caller bug or a garbled row. */
static int pwhash_check(const char *h)
{
    if (!h) return CC_EINVAL;
    size_t n = strnlen(h, CC_PWHASH_MAX);
    if (n == 0 || n == CC_PWHASH_MAX) return CC_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (h[i] < 0x21 || h[i] > 0x7E) return CC_EINVAL;
    return 0;
}

/* ---- Public checks ---------------------------------------------------- */

int cc_email_normalize(const char *in, size_t len, char *out, size_t cap)
{
    if (!out || cap < CC_EMAIL_MAX + 1) return CC_EINVAL;
    if (!in) return len == 0 ? CC_EEMAIL : CC_EINVAL;
    size_t b = 0, e = len;
    while (b < e && is_space((unsigned char)in[b]))
        b++;
    while (e > b && is_space((unsigned char)in[e - 1]))
        e--;
    size_t n = e - b;
    if (n == 0 || n > CC_EMAIL_MAX) return CC_EEMAIL;

    size_t at = n; /* position of the single '@' */
    for (size_t i = 0; i < n; i++) {
        char c = in[b + i];
        /* Printable ASCII without space: internationalised addresses are
         * not accepted, which also keeps the case folding unambiguous. */
        if (c < 0x21 || c > 0x7E) return CC_EEMAIL;
        if (c == '@') {
            if (at != n) return CC_EEMAIL;
            at = i;
        }
    }
    if (at == n || at == 0 || at == n - 1) return CC_EEMAIL;

    /* The domain needs a dot between two non-empty labels: "a@b." or
     * "a@.b" or "a@b..c" cannot receive mail. */
    const char *dom = in + b + at + 1;
    size_t dlen = n - at - 1;
    if (dom[0] == '.' || dom[dlen - 1] == '.' || !memchr(dom, '.', dlen)) return CC_EEMAIL;
    for (size_t i = 1; i < dlen; i++)
        if (dom[i] == '.' && dom[i - 1] == '.') return CC_EEMAIL;

    for (size_t i = 0; i < n; i++)
        out[i] = ascii_lower(in[b + i]);
    out[n] = '\0';
    return 0;
}

int cc_username_check(const char *in, size_t len)
{
    if (!in || len < CC_USERNAME_MIN || len > CC_USERNAME_MAX) return CC_EUSERNAME;
    for (size_t i = 0; i < len; i++) {
        char c = in[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (alnum) continue;
        if (i > 0 && (c == '_' || c == '-' || c == '.')) continue;
        return CC_EUSERNAME;
    }
    return 0;
}

/* ---- Passwords -------------------------------------------------------- */

int cc_password_hash(const char *pw, size_t len, char out[CC_PWHASH_MAX])
{
    if (!out || (!pw && len > 0)) return CC_EINVAL;
    if (len < CC_PASSWORD_MIN || len > CC_PASSWORD_MAX) return CC_EPASSWORD;
    /* Producers may hash before the writer has opened the vault. */
    if (sodium_init() < 0) return CC_EIO;
    if (crypto_pwhash_str(out, pw, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return CC_ENOMEM; /* the only documented failure */
    return 0;
}

int cc_password_verify(const char *hash, const char *pw, size_t len)
{
    if (!hash || (!pw && len > 0)) return CC_EINVAL;
    /* libsodium reads the hash as a C string: make sure it is one. */
    if (strnlen(hash, CC_PWHASH_MAX) == CC_PWHASH_MAX) return CC_ECREDENTIALS;
    /* No stored hash was made from a password outside the limits, and
     * hashing a megabyte-long "password" is a cheap way to burn CPU. */
    if (len < CC_PASSWORD_MIN || len > CC_PASSWORD_MAX) return CC_ECREDENTIALS;
    if (sodium_init() < 0) return CC_EIO;
    errno = 0;
    if (crypto_pwhash_str_verify(hash, pw, len) != 0)
        return errno == ENOMEM ? CC_ENOMEM : CC_ECREDENTIALS;
    return 0;
}

/* ---- Record encoding -------------------------------------------------- */

typedef struct writer {
    uint8_t *buf;
    size_t cap;
    size_t len;
    bool overflow;
} writer;

static void wr_bytes(writer *w, const void *p, size_t n)
{
    if (w->overflow || n > w->cap - w->len) {
        w->overflow = true;
        return;
    }
    if (n) memcpy(w->buf + w->len, p, n);
    w->len += n;
}

static void wr_u8(writer *w, uint8_t x)
{
    wr_bytes(w, &x, 1);
}

static void wr_u64(writer *w, uint64_t x)
{
    uint8_t b[8];
    cc_put_be64(b, x);
    wr_bytes(w, b, 8);
}

static void wr_str(writer *w, const char *s)
{
    size_t n = strlen(s);
    if (n > UINT16_MAX) {
        w->overflow = true;
        return;
    }
    uint8_t h[2];
    cc_put_be16(h, (uint16_t)n);
    wr_bytes(w, h, 2);
    wr_bytes(w, s, n);
}

typedef struct reader {
    const uint8_t *buf;
    size_t len;
    size_t off;
    bool bad;
} reader;

static const uint8_t *rd_bytes(reader *r, size_t n)
{
    if (r->bad || n > r->len - r->off) {
        r->bad = true;
        return NULL;
    }
    const uint8_t *p = r->buf + r->off;
    r->off += n;
    return p;
}

static uint8_t rd_u8(reader *r)
{
    const uint8_t *p = rd_bytes(r, 1);
    return p ? p[0] : 0;
}

static uint64_t rd_u64(reader *r)
{
    const uint8_t *p = rd_bytes(r, 8);
    return p ? cc_get_be64(p) : 0;
}

/* Copy a length-prefixed string into dst[cap], NUL-terminated. A string
 * that does not fit or holds a NUL would come back silently different, so
 * both mark the record bad. */
static void rd_str(reader *r, char *dst, size_t cap)
{
    dst[0] = '\0';
    const uint8_t *h = rd_bytes(r, 2);
    if (!h) return;
    size_t n = cc_get_be16(h);
    const uint8_t *p = rd_bytes(r, n);
    if (!p) return;
    if (n >= cap || memchr(p, '\0', n)) {
        r->bad = true;
        return;
    }
    memcpy(dst, p, n);
    dst[n] = '\0';
}

static void rd_pseudonym(reader *r, cc_pseudonym *out)
{
    const uint8_t *p = rd_bytes(r, CC_PSEUDONYM_LEN);
    out->s[0] = '\0';
    if (!p) return;
    if (!cc_pseudonym_valid((const char *)p, CC_PSEUDONYM_LEN)) {
        r->bad = true;
        return;
    }
    memcpy(out->s, p, CC_PSEUDONYM_LEN);
    out->s[CC_PSEUDONYM_LEN] = '\0';
}

static bool rd_done(const reader *r)
{
    return !r->bad && r->off == r->len;
}

/* Account record, version 1:
 *   u8 version, u8 status, u8 flags (bit 0: confirmed), u64 created_ms,
 *   str username, str email, str pwhash, str org.
 * The pseudonym is the key and is not repeated. */
#define ACCOUNT_CONFIRMED 0x01u

/* Every field of an account as stored; shared by the write path (after the
 * e-mail was normalised) and the decoder. */
static int account_check(const cc_account *a)
{
    size_t ulen = strnlen(a->username, sizeof a->username);
    if (ulen == sizeof a->username) return CC_EUSERNAME;
    int rc = cc_username_check(a->username, ulen);
    if (rc) return rc;

    size_t elen = strnlen(a->email, sizeof a->email);
    char norm[CC_EMAIL_MAX + 1];
    if (elen == sizeof a->email) return CC_EEMAIL;
    rc = cc_email_normalize(a->email, elen, norm, sizeof norm);
    if (rc) return rc;
    if (strcmp(norm, a->email) != 0) return CC_EEMAIL;

    rc = pwhash_check(a->pwhash);
    if (rc) return rc;

    size_t olen = strnlen(a->org, sizeof a->org);
    if (olen == sizeof a->org) return CC_ETOOLONG;
    return status_org_check(a->status, a->org, olen);
}

static int account_encode(const cc_account *a, uint8_t *buf, size_t cap, size_t *len)
{
    writer w = {.buf = buf, .cap = cap};
    wr_u8(&w, RECORD_VERSION);
    wr_u8(&w, (uint8_t)a->status);
    wr_u8(&w, a->confirmed ? ACCOUNT_CONFIRMED : 0);
    wr_u64(&w, a->created_ms);
    wr_str(&w, a->username);
    wr_str(&w, a->email);
    wr_str(&w, a->pwhash);
    wr_str(&w, a->org);
    if (w.overflow) return CC_EINVAL; /* unreachable after account_check */
    *len = w.len;
    return 0;
}

static int account_decode(const MDB_val *val, const cc_pseudonym *p, cc_account *out)
{
    memset(out, 0, sizeof *out);
    reader r = {.buf = val->mv_data, .len = val->mv_size};
    if (rd_u8(&r) != RECORD_VERSION) return CC_ECORRUPT;
    uint8_t status = rd_u8(&r);
    uint8_t flags = rd_u8(&r);
    out->created_ms = rd_u64(&r);
    rd_str(&r, out->username, sizeof out->username);
    rd_str(&r, out->email, sizeof out->email);
    rd_str(&r, out->pwhash, sizeof out->pwhash);
    rd_str(&r, out->org, sizeof out->org);
    if (!rd_done(&r) || (flags & ~ACCOUNT_CONFIRMED)) goto corrupt;
    out->status = (cc_status)status;
    out->confirmed = flags & ACCOUNT_CONFIRMED;
    if (account_check(out) != 0) goto corrupt;
    out->pseudonym = *p;
    return 0;
corrupt:
    /* Do not hand back a half-decoded account. */
    memset(out, 0, sizeof *out);
    return CC_ECORRUPT;
}

/* Session record, version 1: u8 version, pseudonym[16], u64 expires_ms. */
static size_t session_encode(const cc_pseudonym *p, uint64_t expires_ms,
                             uint8_t buf[SESSION_RECORD_LEN])
{
    writer w = {.buf = buf, .cap = SESSION_RECORD_LEN};
    wr_u8(&w, RECORD_VERSION);
    wr_bytes(&w, p->s, CC_PSEUDONYM_LEN);
    wr_u64(&w, expires_ms);
    return w.len;
}

static int session_decode(const MDB_val *val, cc_pseudonym *p, uint64_t *expires_ms)
{
    reader r = {.buf = val->mv_data, .len = val->mv_size};
    if (rd_u8(&r) != RECORD_VERSION) return CC_ECORRUPT;
    rd_pseudonym(&r, p);
    *expires_ms = rd_u64(&r);
    return rd_done(&r) ? 0 : CC_ECORRUPT;
}

/* Token record, version 1: u8 version, u8 purpose, pseudonym[16],
 * u64 expires_ms, str data. */
static bool purpose_valid(int purpose)
{
    return purpose >= CC_TOKEN_CONFIRM && purpose <= CC_TOKEN_EMAIL_CHANGE;
}

static int token_encode(const cc_token_info *t, uint8_t *buf, size_t cap, size_t *len)
{
    writer w = {.buf = buf, .cap = cap};
    wr_u8(&w, RECORD_VERSION);
    wr_u8(&w, (uint8_t)t->purpose);
    wr_bytes(&w, t->pseudonym.s, CC_PSEUDONYM_LEN);
    wr_u64(&w, t->expires_ms);
    wr_str(&w, t->data);
    if (w.overflow) return CC_EINVAL;
    *len = w.len;
    return 0;
}

static int token_decode(const MDB_val *val, cc_token_info *out)
{
    memset(out, 0, sizeof *out);
    reader r = {.buf = val->mv_data, .len = val->mv_size};
    if (rd_u8(&r) != RECORD_VERSION) return CC_ECORRUPT;
    uint8_t purpose = rd_u8(&r);
    rd_pseudonym(&r, &out->pseudonym);
    out->expires_ms = rd_u64(&r);
    rd_str(&r, out->data, sizeof out->data);
    if (!rd_done(&r) || !purpose_valid(purpose)) {
        memset(out, 0, sizeof *out);
        return CC_ECORRUPT;
    }
    out->purpose = (cc_token_purpose)purpose;
    return 0;
}

/* ---- DBI access ------------------------------------------------------- */

int cc_vault_dbi_open(MDB_txn *txn, cc_vault *v)
{
    if (!txn || !v) return CC_EINVAL;
    if (sodium_init() < 0) return CC_EIO;
    cc_vault tmp;
    const struct {
        const char *name;
        unsigned flags;
        MDB_dbi *out;
    } dbis[] = {
        {"vault_accounts", 0, &tmp.accounts},   {"vault_emails", 0, &tmp.emails},
        {"vault_usernames", 0, &tmp.usernames}, {"vault_sessions", 0, &tmp.sessions},
        {"vault_tokens", 0, &tmp.tokens},       {"vault_owned", MDB_DUPSORT, &tmp.owned},
    };
    for (size_t i = 0; i < sizeof dbis / sizeof dbis[0]; i++) {
        int rc = mdb_dbi_open(txn, dbis[i].name, MDB_CREATE | dbis[i].flags, dbis[i].out);
        if (rc) return cc_from_mdb(rc);
    }
    *v = tmp;
    return 0;
}

/* Look up an index row (e-mail or username) and return its pseudonym. */
static int index_get(MDB_txn *txn, MDB_dbi dbi, const char *key, size_t len, cc_pseudonym *out)
{
    MDB_val k = {.mv_size = len, .mv_data = (void *)key}, d;
    int rc = mdb_get(txn, dbi, &k, &d);
    if (rc == MDB_NOTFOUND) return CC_ENOTFOUND;
    if (rc) return cc_from_mdb(rc);
    if (d.mv_size != CC_PSEUDONYM_LEN || !cc_pseudonym_valid(d.mv_data, d.mv_size))
        return CC_ECORRUPT;
    memcpy(out->s, d.mv_data, CC_PSEUDONYM_LEN);
    out->s[CC_PSEUDONYM_LEN] = '\0';
    return 0;
}

/* 0 when key is free or already belongs to p, CC_EEXISTS when it belongs to
 * someone else. */
static int index_available(MDB_txn *txn, MDB_dbi dbi, const char *key, size_t len,
                           const cc_pseudonym *p)
{
    cc_pseudonym owner;
    int rc = index_get(txn, dbi, key, len, &owner);
    if (rc == CC_ENOTFOUND) return 0;
    if (rc) return rc;
    return (p && memcmp(owner.s, p->s, CC_PSEUDONYM_LEN) == 0) ? 0 : CC_EEXISTS;
}

static int index_put(MDB_txn *txn, MDB_dbi dbi, const char *key, size_t len, const cc_pseudonym *p)
{
    MDB_val k = {.mv_size = len, .mv_data = (void *)key}, d = pseudonym_val(p);
    int rc = mdb_put(txn, dbi, &k, &d, MDB_NOOVERWRITE);
    if (rc == MDB_KEYEXIST) return CC_EEXISTS;
    return cc_from_mdb(rc);
}

/* Delete an index row only if it points at p: a row owned by somebody else
 * is theirs to keep, whatever inconsistency led us here. */
static int index_remove(MDB_txn *txn, MDB_dbi dbi, const char *key, size_t len,
                        const cc_pseudonym *p)
{
    cc_pseudonym owner;
    int rc = index_get(txn, dbi, key, len, &owner);
    if (rc == CC_ENOTFOUND) return 0;
    if (rc && rc != CC_ECORRUPT) return rc;
    if (rc == 0 && memcmp(owner.s, p->s, CC_PSEUDONYM_LEN) != 0) return 0;
    /* A garbled row under our own key is deleted too: it can only be ours. */
    MDB_val k = {.mv_size = len, .mv_data = (void *)key};
    rc = mdb_del(txn, dbi, &k, NULL);
    return rc == MDB_NOTFOUND ? 0 : cc_from_mdb(rc);
}

static void username_key(const char *u, size_t len, char *out)
{
    for (size_t i = 0; i < len; i++)
        out[i] = ascii_lower(u[i]);
    out[len] = '\0';
}

static int account_load(MDB_txn *txn, const cc_vault *v, const cc_pseudonym *p, cc_account *out)
{
    int rc = pseudonym_check(p);
    if (rc) return rc;
    MDB_val k = pseudonym_val(p), d;
    rc = mdb_get(txn, v->accounts, &k, &d);
    if (rc == MDB_NOTFOUND) return CC_ENOTFOUND;
    if (rc) return cc_from_mdb(rc);
    return account_decode(&d, p, out);
}

static int account_store(MDB_txn *txn, const cc_vault *v, const cc_account *a, unsigned flags)
{
    uint8_t buf[ACCOUNT_RECORD_MAX];
    size_t len;
    int rc = account_encode(a, buf, sizeof buf, &len);
    if (rc) return rc;
    MDB_val k = pseudonym_val(&a->pseudonym), d = {.mv_size = len, .mv_data = buf};
    rc = mdb_put(txn, v->accounts, &k, &d, flags);
    if (rc == MDB_KEYEXIST) return CC_EEXISTS;
    return cc_from_mdb(rc);
}

/* ---- Secrets (sessions and tokens) ------------------------------------ */

/* Turn a token text into its storage key. Anything but the 43 characters
 * that encode exactly 32 bytes is refused, without touching the database;
 * libsodium also refuses non-zero padding bits, so every secret has exactly
 * one accepted spelling. */
static int secret_key(const char *text, size_t len, uint8_t key[KEY_LEN])
{
    if (!text || len != CC_TOKEN_TEXT_LEN) return -1;
    uint8_t raw[SECRET_LEN];
    size_t n = 0;
    if (sodium_base642bin(raw, sizeof raw, text, len, NULL, &n, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        n != SECRET_LEN) {
        sodium_memzero(raw, sizeof raw);
        return -1;
    }
    crypto_hash_sha256(key, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
    return 0;
}

static void owned_value(char kind, const uint8_t key[KEY_LEN], uint8_t out[OWNED_LEN])
{
    out[0] = (uint8_t)kind;
    memcpy(out + 1, key, KEY_LEN);
}

/* Remove one entry from the owner's list; a missing entry is fine (the
 * list is a means to find secrets, not their source of truth). */
static int owned_remove(MDB_txn *txn, const cc_vault *v, const cc_pseudonym *p, char kind,
                        const uint8_t key[KEY_LEN])
{
    uint8_t ov[OWNED_LEN];
    owned_value(kind, key, ov);
    MDB_val k = pseudonym_val(p), d = {.mv_size = OWNED_LEN, .mv_data = ov};
    int rc = mdb_del(txn, v->owned, &k, &d);
    return rc == MDB_NOTFOUND ? 0 : cc_from_mdb(rc);
}

/* Store rec under SHA-256 of a fresh secret in dbi, list it under p, and
 * write the secret's text to token_out only once everything is stored. */
static int secret_create(MDB_txn *txn, const cc_vault *v, MDB_dbi dbi, char kind,
                         const cc_pseudonym *p, const uint8_t *rec, size_t rec_len, char *token_out)
{
    uint8_t raw[SECRET_LEN], key[KEY_LEN], ov[OWNED_LEN];
    randombytes_buf(raw, sizeof raw);
    crypto_hash_sha256(key, raw, sizeof raw);
    MDB_val k = {.mv_size = KEY_LEN, .mv_data = key};
    MDB_val d = {.mv_size = rec_len, .mv_data = (void *)rec};
    /* NOOVERWRITE: a collision of 256-bit random values means a broken
     * CSPRNG, and must not silently hand one user's session to another. */
    int rc = mdb_put(txn, dbi, &k, &d, MDB_NOOVERWRITE);
    if (!rc) {
        owned_value(kind, key, ov);
        MDB_val ok = pseudonym_val(p), od = {.mv_size = OWNED_LEN, .mv_data = ov};
        rc = mdb_put(txn, v->owned, &ok, &od, MDB_NODUPDATA);
    }
    if (!rc)
        sodium_bin2base64(token_out, CC_TOKEN_TEXT_LEN + 1, raw, sizeof raw,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    return cc_from_mdb(rc);
}

static int token_create(MDB_txn *txn, const cc_vault *v, const cc_token_info *t, char *token_out)
{
    uint8_t rec[TOKEN_RECORD_MAX];
    size_t len;
    int rc = token_encode(t, rec, sizeof rec, &len);
    if (rc) return rc;
    return secret_create(txn, v, v->tokens, OWNED_TOKEN, &t->pseudonym, rec, len, token_out);
}

/* Delete the owner's listed secrets of one kind (0: all kinds) together with
 * the rows they point to. Each round re-seeks from the start of the
 * owner's list and deletes at the cursor, which avoids relying on LMDB's
 * cursor position after a delete inside a duplicate set. */
static int owned_drain(MDB_txn *txn, const cc_vault *v, const cc_pseudonym *p, char kind)
{
    MDB_cursor *c;
    int rc = mdb_cursor_open(txn, v->owned, &c);
    if (rc) return cc_from_mdb(rc);
    for (;;) {
        uint8_t seek = (uint8_t)kind;
        MDB_val k = pseudonym_val(p), d = {.mv_size = 1, .mv_data = &seek};
        rc = mdb_cursor_get(c, &k, &d, kind ? MDB_GET_BOTH_RANGE : MDB_SET_KEY);
        if (rc == MDB_NOTFOUND) {
            rc = 0;
            break;
        }
        if (rc) break;
        if (d.mv_size != OWNED_LEN) {
            rc = CC_ECORRUPT;
            break;
        }
        uint8_t ov[OWNED_LEN];
        memcpy(ov, d.mv_data, OWNED_LEN);
        if (kind && ov[0] != (uint8_t)kind) break; /* past the last one of this kind */
        MDB_dbi target;
        if (ov[0] == OWNED_SESSION) {
            target = v->sessions;
        } else if (ov[0] == OWNED_TOKEN) {
            target = v->tokens;
        } else {
            rc = CC_ECORRUPT;
            break;
        }
        rc = mdb_cursor_del(c, 0);
        if (rc) break;
        MDB_val sk = {.mv_size = KEY_LEN, .mv_data = ov + 1};
        rc = mdb_del(txn, target, &sk, NULL);
        if (rc == MDB_NOTFOUND) rc = 0;
        if (rc) break;
    }
    mdb_cursor_close(c);
    return cc_from_mdb(rc);
}

static int account_exists(MDB_txn *txn, const cc_vault *v, const cc_pseudonym *p)
{
    MDB_val k = pseudonym_val(p), d;
    int rc = mdb_get(txn, v->accounts, &k, &d);
    if (rc == MDB_NOTFOUND) return CC_ENOTFOUND;
    return cc_from_mdb(rc);
}

/* ---- Accounts --------------------------------------------------------- */

int cc_vault_account_create(MDB_txn *txn, const cc_vault *v, cc_account *account, uint64_t now_ms,
                            uint64_t ttl_ms, char *token_out)
{
    if (!txn || !v || !account || !token_out) return CC_EINVAL;
    /* Work on a copy so that the caller's struct changes only on success. */
    cc_account a = *account;
    size_t elen = strnlen(a.email, sizeof a.email);
    if (elen == sizeof a.email) return CC_EEMAIL;
    int rc = cc_email_normalize(account->email, elen, a.email, sizeof a.email);
    if (rc) return rc;
    a.confirmed = false;
    a.created_ms = now_ms;
    rc = account_check(&a);
    if (rc) return rc;

    size_t ulen = strlen(a.username);
    char ukey[CC_USERNAME_MAX + 1];
    username_key(a.username, ulen, ukey);
    rc = index_available(txn, v->emails, a.email, strlen(a.email), NULL);
    if (rc) return rc;
    rc = index_available(txn, v->usernames, ukey, ulen, NULL);
    if (rc) return rc;

    /* 80 random bits collide with an existing pseudonym essentially never;
     * still, NOOVERWRITE and a few retries make "never" certain. */
    for (int tries = 0;; tries++) {
        cc_pseudonym_random(&a.pseudonym);
        rc = account_store(txn, v, &a, MDB_NOOVERWRITE);
        if (rc != CC_EEXISTS || tries == 7) break;
    }
    if (rc) return rc;
    rc = index_put(txn, v->emails, a.email, strlen(a.email), &a.pseudonym);
    if (rc) return rc;
    rc = index_put(txn, v->usernames, ukey, ulen, &a.pseudonym);
    if (rc) return rc;

    cc_token_info t = {.purpose = CC_TOKEN_CONFIRM,
                       .pseudonym = a.pseudonym,
                       .expires_ms = expiry(now_ms, ttl_ms)};
    rc = token_create(txn, v, &t, token_out);
    if (rc) return rc;
    *account = a;
    return 0;
}

int cc_vault_account_get(MDB_txn *txn, const cc_vault *v, const cc_pseudonym *p, cc_account *out)
{
    if (!txn || !v || !out) return CC_EINVAL;
    return account_load(txn, v, p, out);
}

int cc_vault_account_find(MDB_txn *txn, const cc_vault *v, const char *login, size_t len,
                          cc_pseudonym *out)
{
    if (!txn || !v || !out || (!login && len > 0)) return CC_EINVAL;
    /* Usernames cannot contain '@', so the login's shape says which index
     * to ask. Anything that is neither shape simply is not found. */
    if (len > 0 && memchr(login, '@', len)) {
        char email[CC_EMAIL_MAX + 1];
        if (cc_email_normalize(login, len, email, sizeof email) != 0) return CC_ENOTFOUND;
        return index_get(txn, v->emails, email, strlen(email), out);
    }
    if (cc_username_check(login, len) != 0) return CC_ENOTFOUND;
    char ukey[CC_USERNAME_MAX + 1];
    username_key(login, len, ukey);
    return index_get(txn, v->usernames, ukey, len, out);
}

int cc_vault_account_set_confirmed(MDB_txn *txn, const cc_vault *v, const cc_pseudonym *p)
{
    if (!txn || !v) return CC_EINVAL;
    cc_account a;
    int rc = account_load(txn, v, p, &a);
    if (rc) return rc;
    a.confirmed = true;
    return account_store(txn, v, &a, 0);
}

int cc_vault_account_set_username(MDB_txn *txn, const cc_vault *v, const cc_pseudonym *p,
                                  const char *username, size_t len)
{
    if (!txn || !v) return CC_EINVAL;
    int rc = cc_username_check(username, len);
    if (rc) return rc;
    cc_account a;
    rc = account_load(txn, v, p, &a);
    if (rc) return rc;
    char newkey[CC_USERNAME_MAX + 1], oldkey[CC_USERNAME_MAX + 1];
    size_t oldlen = strlen(a.username);
    username_key(username, len, newkey);
    username_key(a.username, oldlen, oldkey);
    rc = index_available(txn, v->usernames, newkey, len, p);
    if (rc) return rc;
    /* A change of case only keeps the index row and updates the display
     * form. */
    if (strcmp(newkey, oldkey) != 0) {
        rc = index_remove(txn, v->usernames, oldkey, oldlen, p);
        if (rc) return rc;
        rc = index_put(txn, v->usernames, newkey, len, p);
        if (rc) return rc;
    }
    memcpy(a.username, username, len);
    a.username[len] = '\0';
    return account_store(txn, v, &a, 0);
}

int cc_vault_account_set_email(MDB_txn *txn, const cc_vault *v, const cc_pseudonym *p,
                               const char *email, size_t len)
{
    if (!txn || !v) return CC_EINVAL;
    char norm[CC_EMAIL_MAX + 1];
    int rc = cc_email_normalize(email, len, norm, sizeof norm);
    if (rc) return rc;
    cc_account a;
    rc = account_load(txn, v, p, &a);
    if (rc) return rc;
    size_t nlen = strlen(norm);
    rc = index_available(txn, v->emails, norm, nlen, p);
    if (rc) return rc;
    if (strcmp(norm, a.email) == 0) return 0;
    rc = index_remove(txn, v->emails, a.email, strlen(a.email), p);
    if (rc) return rc;
    rc = index_put(txn, v->emails, norm, nlen, p);
    if (rc) return rc;
    memcpy(a.email, norm, nlen + 1);
    return account_store(txn, v, &a, 0);
}

int cc_vault_account_set_password(MDB_txn *txn, const cc_vault *v, const cc_pseudonym *p,
                                  const char *pwhash)
{
    if (!txn || !v) return CC_EINVAL;
    int rc = pwhash_check(pwhash);
    if (rc) return rc;
    cc_account a;
    rc = account_load(txn, v, p, &a);
    if (rc) return rc;
    memcpy(a.pwhash, pwhash, strlen(pwhash) + 1);
    return account_store(txn, v, &a, 0);
}

int cc_vault_account_set_status(MDB_txn *txn, const cc_vault *v, const cc_pseudonym *p,
                                cc_status status, const char *org, size_t org_len)
{
    if (!txn || !v) return CC_EINVAL;
    int rc = status_org_check(status, org, org_len);
    if (rc) return rc;
    cc_account a;
    rc = account_load(txn, v, p, &a);
    if (rc) return rc;
    a.status = status;
    if (org_len) memcpy(a.org, org, org_len);
    a.org[org_len] = '\0';
    return account_store(txn, v, &a, 0);
}

int cc_vault_account_erase(MDB_txn *txn, const cc_vault *v, const cc_pseudonym *p)
{
    if (!txn || !v) return CC_EINVAL;
    /* The record tells which index rows to delete, so a garbled record
     * stops erasure with CC_ECORRUPT rather than leaving index rows behind
     * that would still name the person. */
    cc_account a;
    int rc = account_load(txn, v, p, &a);
    if (rc) return rc;
    char ukey[CC_USERNAME_MAX + 1];
    size_t ulen = strlen(a.username);
    username_key(a.username, ulen, ukey);
    rc = index_remove(txn, v->emails, a.email, strlen(a.email), p);
    if (!rc) rc = index_remove(txn, v->usernames, ukey, ulen, p);
    if (!rc) rc = owned_drain(txn, v, p, 0);
    if (rc) goto out;
    MDB_val k = pseudonym_val(p);
    rc = cc_from_mdb(mdb_del(txn, v->accounts, &k, NULL));
out:
    sodium_memzero(&a, sizeof a);
    return rc;
}

/* ---- One-time tokens -------------------------------------------------- */

int cc_vault_token_create(MDB_txn *txn, const cc_vault *v, cc_token_purpose purpose,
                          const cc_pseudonym *p, const char *data, uint64_t now_ms, uint64_t ttl_ms,
                          char *token_out)
{
    if (!txn || !v || !token_out || !purpose_valid((int)purpose)) return CC_EINVAL;
    int rc = pseudonym_check(p);
    if (rc) return rc;
    cc_token_info t = {.purpose = purpose, .pseudonym = *p, .expires_ms = expiry(now_ms, ttl_ms)};
    if (!data) data = "";
    size_t dlen = strnlen(data, CC_EMAIL_MAX + 1);
    if (purpose == CC_TOKEN_EMAIL_CHANGE) {
        /* Store the address as it will be indexed, so that consuming the
         * token hands back exactly what set_email will use. */
        rc = cc_email_normalize(data, dlen, t.data, sizeof t.data);
        if (rc) return rc;
    } else {
        if (dlen > CC_EMAIL_MAX) return CC_ETOOLONG;
        memcpy(t.data, data, dlen + 1);
    }
    /* A token for nobody could never be drained by erasure. */
    rc = account_exists(txn, v, p);
    if (rc) return rc;
    return token_create(txn, v, &t, token_out);
}

int cc_vault_token_consume(MDB_txn *txn, const cc_vault *v, cc_token_purpose purpose,
                           const char *token, size_t len, uint64_t now_ms, cc_token_info *out)
{
    if (!txn || !v) return CC_EINVAL;
    uint8_t key[KEY_LEN];
    if (secret_key(token, len, key) != 0) return CC_ETOKEN;
    MDB_val k = {.mv_size = KEY_LEN, .mv_data = key}, d;
    int rc = mdb_get(txn, v->tokens, &k, &d);
    if (rc == MDB_NOTFOUND) return CC_ETOKEN;
    if (rc) return cc_from_mdb(rc);
    cc_token_info t;
    rc = token_decode(&d, &t);
    if (rc) return rc;
    /* Refuse before deleting: a token presented at the wrong form (a reset
     * link pasted into the confirm page) stays usable where it belongs. */
    if (t.purpose != purpose || now_ms >= t.expires_ms) return CC_ETOKEN;
    rc = mdb_del(txn, v->tokens, &k, NULL);
    if (rc) return cc_from_mdb(rc);
    rc = owned_remove(txn, v, &t.pseudonym, OWNED_TOKEN, key);
    if (rc) return rc;
    if (out) *out = t;
    return 0;
}

/* ---- Sessions --------------------------------------------------------- */

int cc_vault_session_create(MDB_txn *txn, const cc_vault *v, const cc_pseudonym *p, uint64_t now_ms,
                            uint64_t ttl_ms, char *token_out)
{
    if (!txn || !v || !token_out) return CC_EINVAL;
    int rc = pseudonym_check(p);
    if (rc) return rc;
    rc = account_exists(txn, v, p);
    if (rc) return rc;
    uint8_t rec[SESSION_RECORD_LEN];
    size_t len = session_encode(p, expiry(now_ms, ttl_ms), rec);
    return secret_create(txn, v, v->sessions, OWNED_SESSION, p, rec, len, token_out);
}

int cc_vault_session_get(MDB_txn *txn, const cc_vault *v, const char *token, size_t len,
                         uint64_t now_ms, cc_pseudonym *out)
{
    if (!txn || !v || !out) return CC_EINVAL;
    uint8_t key[KEY_LEN];
    if (secret_key(token, len, key) != 0) return CC_ENOSESSION;
    MDB_val k = {.mv_size = KEY_LEN, .mv_data = key}, d;
    int rc = mdb_get(txn, v->sessions, &k, &d);
    if (rc == MDB_NOTFOUND) return CC_ENOSESSION;
    if (rc) return cc_from_mdb(rc);
    cc_pseudonym p;
    uint64_t expires_ms;
    rc = session_decode(&d, &p, &expires_ms);
    if (rc) return rc;
    if (now_ms >= expires_ms) return CC_ENOSESSION;
    *out = p;
    return 0;
}

/* Logging out with an unknown or malformed cookie is CC_ENOSESSION, which
 * callers may well ignore; an expired session is deleted like a live one. */
int cc_vault_session_delete(MDB_txn *txn, const cc_vault *v, const char *token, size_t len)
{
    if (!txn || !v) return CC_EINVAL;
    uint8_t key[KEY_LEN];
    if (secret_key(token, len, key) != 0) return CC_ENOSESSION;
    MDB_val k = {.mv_size = KEY_LEN, .mv_data = key}, d;
    int rc = mdb_get(txn, v->sessions, &k, &d);
    if (rc == MDB_NOTFOUND) return CC_ENOSESSION;
    if (rc) return cc_from_mdb(rc);
    cc_pseudonym p;
    uint64_t expires_ms;
    rc = session_decode(&d, &p, &expires_ms);
    if (rc) return rc;
    rc = mdb_del(txn, v->sessions, &k, NULL);
    if (rc) return cc_from_mdb(rc);
    return owned_remove(txn, v, &p, OWNED_SESSION, key);
}

int cc_vault_sessions_delete_all(MDB_txn *txn, const cc_vault *v, const cc_pseudonym *p)
{
    if (!txn || !v) return CC_EINVAL;
    int rc = pseudonym_check(p);
    if (rc) return rc;
    return owned_drain(txn, v, p, OWNED_SESSION);
}

/* Scan one secrets DBI and delete the expired rows with their owned
 * entries. mdb_cursor_del leaves the cursor on the following row, which the
 * next MDB_NEXT returns (LMDB's documented-by-use idiom for plain DBIs). A
 * garbled row stops the purge with CC_ECORRUPT: maintenance must not hide
 * corruption by quietly deleting it. */
static int purge_dbi(MDB_txn *txn, const cc_vault *v, MDB_dbi dbi, char kind, uint64_t now_ms,
                     int *count)
{
    MDB_cursor *c;
    int rc = mdb_cursor_open(txn, dbi, &c);
    if (rc) return cc_from_mdb(rc);
    MDB_val k, d;
    rc = mdb_cursor_get(c, &k, &d, MDB_FIRST);
    while (rc == 0) {
        cc_pseudonym p;
        uint64_t expires_ms;
        if (kind == OWNED_SESSION) {
            rc = session_decode(&d, &p, &expires_ms);
        } else {
            cc_token_info t;
            rc = token_decode(&d, &t);
            p = t.pseudonym;
            expires_ms = t.expires_ms;
        }
        if (rc) break;
        if (k.mv_size != KEY_LEN) {
            rc = CC_ECORRUPT;
            break;
        }
        if (now_ms >= expires_ms) {
            uint8_t key[KEY_LEN];
            memcpy(key, k.mv_data, KEY_LEN);
            rc = mdb_cursor_del(c, 0);
            if (!rc) rc = owned_remove(txn, v, &p, kind, key);
            if (rc) break;
            if (*count < INT_MAX) (*count)++;
        }
        rc = mdb_cursor_get(c, &k, &d, MDB_NEXT);
    }
    mdb_cursor_close(c);
    return rc == MDB_NOTFOUND ? 0 : cc_from_mdb(rc);
}

int cc_vault_purge_expired(MDB_txn *txn, const cc_vault *v, uint64_t now_ms)
{
    if (!txn || !v) return CC_EINVAL;
    int count = 0;
    int rc = purge_dbi(txn, v, v->sessions, OWNED_SESSION, now_ms, &count);
    if (!rc) rc = purge_dbi(txn, v, v->tokens, OWNED_TOKEN, now_ms, &count);
    return rc ? rc : count;
}
