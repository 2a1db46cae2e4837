/* test_vault.c - the vault: accounts, indexes, sessions, one-time tokens.
 *
 * Each test gets a fresh LMDB env in a temporary directory and one write
 * transaction (aborted at teardown unless the test committed it). Row counts
 * are taken from mdb_stat, so "nothing was written" is checked on every DBI
 * rather than inferred from a return code. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "error.h"
#include "support.h"
#include "types.h"
#include "vault.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define assert_rc(expr, want)                                                                      \
    do {                                                                                           \
        int rc_ = (expr);                                                                          \
        int want_ = (want);                                                                        \
        if (rc_ != want_)                                                                          \
            fail_msg("%s: got %s (%d), want %s (%d)", #expr, cc_err_name(rc_), rc_,                \
                     cc_err_name(want_), want_);                                                   \
    } while (0)

#define VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define NOW 1700000000000ull
#define DAY 86400000ull
#define FAKE_HASH "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA"

enum { DBI_ACCOUNTS, DBI_EMAILS, DBI_USERNAMES, DBI_SESSIONS, DBI_TOKENS, DBI_OWNED, DBI_N };

typedef struct fixture {
    char *dir;
    MDB_env *env;
    cc_vault v;
    MDB_txn *txn; /* the test's write transaction */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->dir = ct_tempdir("vault");
    assert_int_equal(mdb_env_create(&f->env), 0);
    assert_int_equal(mdb_env_set_maxdbs(f->env, 16), 0);
    assert_int_equal(mdb_env_set_mapsize(f->env, 64u << 20), 0);
    assert_int_equal(mdb_env_open(f->env, f->dir, MDB_NOSYNC, 0600), 0);
    MDB_txn *txn;
    assert_int_equal(mdb_txn_begin(f->env, NULL, 0, &txn), 0);
    assert_rc(cc_vault_dbi_open(txn, &f->v), 0);
    assert_int_equal(mdb_txn_commit(txn), 0);
    assert_int_equal(mdb_txn_begin(f->env, NULL, 0, &f->txn), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (f->txn) mdb_txn_abort(f->txn);
    mdb_env_close(f->env);
    ct_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static void commit_and_renew(fixture *f)
{
    assert_int_equal(mdb_txn_commit(f->txn), 0);
    assert_int_equal(mdb_txn_begin(f->env, NULL, 0, &f->txn), 0);
}

static MDB_dbi dbi_at(const cc_vault *v, int i)
{
    const MDB_dbi all[DBI_N] = {v->accounts, v->emails, v->usernames,
                                v->sessions, v->tokens, v->owned};
    return all[i];
}

static void counts(fixture *f, size_t out[DBI_N])
{
    for (int i = 0; i < DBI_N; i++) {
        MDB_stat st;
        assert_int_equal(mdb_stat(f->txn, dbi_at(&f->v, i), &st), 0);
        out[i] = st.ms_entries;
    }
}

static void assert_counts(fixture *f, size_t acc, size_t em, size_t un, size_t se, size_t to,
                          size_t ow)
{
    size_t c[DBI_N];
    counts(f, c);
    const size_t want[DBI_N] = {acc, em, un, se, to, ow};
    for (int i = 0; i < DBI_N; i++)
        if (c[i] != want[i]) fail_msg("dbi %d holds %zu rows, want %zu", i, c[i], want[i]);
}

/* Number of secrets listed under p in vault_owned. */
static size_t owned_count(fixture *f, const cc_pseudonym *p)
{
    MDB_cursor *c;
    assert_int_equal(mdb_cursor_open(f->txn, f->v.owned, &c), 0);
    MDB_val k = {.mv_size = CC_PSEUDONYM_LEN, .mv_data = (void *)p->s}, d;
    size_t n = 0;
    int rc = mdb_cursor_get(c, &k, &d, MDB_SET_KEY);
    if (rc == 0) {
        size_t m;
        assert_int_equal(mdb_cursor_count(c, &m), 0);
        n = m;
    } else {
        assert_int_equal(rc, MDB_NOTFOUND);
    }
    mdb_cursor_close(c);
    return n;
}

static bool contains(const MDB_val *v, const void *needle, size_t n)
{
    return v->mv_size >= n && memmem(v->mv_data, v->mv_size, needle, n) != NULL;
}

/* True when any key or value of any vault DBI contains needle[0..n). */
static bool vault_holds(fixture *f, const void *needle, size_t n)
{
    bool found = false;
    for (int i = 0; i < DBI_N && !found; i++) {
        MDB_cursor *c;
        assert_int_equal(mdb_cursor_open(f->txn, dbi_at(&f->v, i), &c), 0);
        MDB_val k, d;
        int rc = mdb_cursor_get(c, &k, &d, MDB_FIRST);
        while (rc == 0 && !found) {
            found = contains(&k, needle, n) || contains(&d, needle, n);
            rc = mdb_cursor_get(c, &k, &d, MDB_NEXT);
        }
        if (!found) assert_int_equal(rc, MDB_NOTFOUND);
        mdb_cursor_close(c);
    }
    return found;
}

static bool vault_mentions(fixture *f, const char *needle)
{
    return vault_holds(f, needle, strlen(needle));
}

static void new_account(cc_account *a, const char *username, const char *email)
{
    memset(a, 0, sizeof *a);
    snprintf(a->username, sizeof a->username, "%s", username);
    snprintf(a->email, sizeof a->email, "%s", email);
    snprintf(a->pwhash, sizeof a->pwhash, "%s", FAKE_HASH);
    a->status = CC_STATUS_CITIZEN;
}

static cc_pseudonym create(fixture *f, const char *username, const char *email, char *token)
{
    cc_account a;
    char tmp[CC_TOKEN_TEXT_LEN + 1];
    new_account(&a, username, email);
    assert_rc(cc_vault_account_create(f->txn, &f->v, &a, NOW, DAY, token ? token : tmp), 0);
    return a.pseudonym;
}

static bool same_pseudonym(const cc_pseudonym *a, const cc_pseudonym *b)
{
    return strcmp(a->s, b->s) == 0;
}

static void assert_token_shape(const char *t)
{
    assert_int_equal(strlen(t), CC_TOKEN_TEXT_LEN);
    for (size_t i = 0; i < CC_TOKEN_TEXT_LEN; i++) {
        char c = t[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_';
        if (!ok) fail_msg("token %s has %c", t, c);
    }
}

/* The storage key of a token text, computed independently of vault.c. */
static void token_key(const char *t, uint8_t key[32])
{
    uint8_t raw[32];
    size_t n = 0;
    assert_int_equal(sodium_base642bin(raw, sizeof raw, t, strlen(t), NULL, &n, NULL, VARIANT), 0);
    assert_int_equal(n, 32);
    crypto_hash_sha256(key, raw, sizeof raw);
}

static void put_raw(fixture *f, MDB_dbi dbi, const void *key, size_t klen, const void *val,
                    size_t vlen)
{
    MDB_val k = {.mv_size = klen, .mv_data = (void *)key};
    MDB_val d = {.mv_size = vlen, .mv_data = (void *)val};
    assert_int_equal(mdb_put(f->txn, dbi, &k, &d, 0), 0);
}

/* ---- Create and read -------------------------------------------------- */

static void test_create_get_roundtrip(void **state)
{
    fixture *f = *state;
    unsigned flags = 0;
    assert_int_equal(mdb_dbi_flags(f->txn, f->v.owned, &flags), 0);
    assert_true(flags & MDB_DUPSORT);

    cc_account a;
    char token[CC_TOKEN_TEXT_LEN + 1];
    new_account(&a, "Alice_B.", "  Alice@Example.ORG \n");
    a.status = CC_STATUS_ASSOCIATION;
    snprintf(a.org, sizeof a.org, "%s", "Les Amis du Vélo");
    a.confirmed = true; /* ignored: a new account is never confirmed */
    a.created_ms = 5;   /* ignored: set from now_ms */
    assert_rc(cc_vault_account_create(f->txn, &f->v, &a, NOW, DAY, token), 0);
    assert_true(cc_pseudonym_valid(a.pseudonym.s, strlen(a.pseudonym.s)));
    assert_false(a.confirmed);
    assert_int_equal(a.created_ms, NOW);
    assert_string_equal(a.email, "alice@example.org");
    assert_token_shape(token);
    assert_counts(f, 1, 1, 1, 0, 1, 1);
    commit_and_renew(f);

    /* Read back in a read-only transaction: reads must not need a writer. */
    MDB_txn *rd;
    assert_int_equal(mdb_txn_begin(f->env, NULL, MDB_RDONLY, &rd), 0);
    cc_account b;
    assert_rc(cc_vault_account_get(rd, &f->v, &a.pseudonym, &b), 0);
    assert_string_equal(b.pseudonym.s, a.pseudonym.s);
    assert_string_equal(b.username, "Alice_B.");
    assert_string_equal(b.email, "alice@example.org");
    assert_string_equal(b.pwhash, FAKE_HASH);
    assert_int_equal(b.status, CC_STATUS_ASSOCIATION);
    assert_string_equal(b.org, "Les Amis du Vélo");
    assert_false(b.confirmed);
    assert_int_equal(b.created_ms, NOW);

    cc_pseudonym p;
    assert_rc(cc_vault_account_find(rd, &f->v, "ALICE_b.", 8, &p), 0);
    assert_true(same_pseudonym(&p, &a.pseudonym));
    const char *login = " ALICE@example.org";
    assert_rc(cc_vault_account_find(rd, &f->v, login, strlen(login), &p), 0);
    assert_true(same_pseudonym(&p, &a.pseudonym));
    assert_rc(cc_vault_account_find(rd, &f->v, "bob", 3, &p), CC_ENOTFOUND);
    assert_rc(cc_vault_account_find(rd, &f->v, "bob@example.org", 15, &p), CC_ENOTFOUND);
    assert_rc(cc_vault_account_find(rd, &f->v, "a b", 3, &p), CC_ENOTFOUND);
    assert_rc(cc_vault_account_find(rd, &f->v, "@@", 2, &p), CC_ENOTFOUND);
    assert_rc(cc_vault_account_find(rd, &f->v, "", 0, &p), CC_ENOTFOUND);

    cc_pseudonym unknown = {"aaaaaaaaaaaaaaaa"}, bad = {"AAAAAAAAAAAAAAAA"};
    assert_rc(cc_vault_account_get(rd, &f->v, &unknown, &b), CC_ENOTFOUND);
    assert_rc(cc_vault_account_get(rd, &f->v, &bad, &b), CC_EINVAL);
    mdb_txn_abort(rd);
}

static void test_create_rejects_duplicates(void **state)
{
    fixture *f = *state;
    cc_pseudonym alice = create(f, "alice", "alice@example.org", NULL);
    assert_counts(f, 1, 1, 1, 0, 1, 1);

    const struct {
        const char *username, *email;
    } dups[] = {
        {"bob", "alice@example.org"},
        {"bob", "  ALICE@Example.Org\t"},
        {"Alice", "bob@example.org"},
        {"ALICE", "bob@example.org"},
    };
    for (size_t i = 0; i < sizeof dups / sizeof dups[0]; i++) {
        cc_account a;
        char token[CC_TOKEN_TEXT_LEN + 1] = "untouched";
        new_account(&a, dups[i].username, dups[i].email);
        cc_account before = a;
        assert_rc(cc_vault_account_create(f->txn, &f->v, &a, NOW, DAY, token), CC_EEXISTS);
        assert_memory_equal(&a, &before, sizeof a);
        assert_string_equal(token, "untouched");
        assert_counts(f, 1, 1, 1, 0, 1, 1);
    }

    /* Invalid input is refused before anything is written. */
    cc_account a;
    char token[CC_TOKEN_TEXT_LEN + 1];
    new_account(&a, "b", "bob@example.org");
    assert_rc(cc_vault_account_create(f->txn, &f->v, &a, NOW, DAY, token), CC_EUSERNAME);
    new_account(&a, "bob", "bob@example");
    assert_rc(cc_vault_account_create(f->txn, &f->v, &a, NOW, DAY, token), CC_EEMAIL);
    new_account(&a, "bob", "bob@example.org");
    a.pwhash[0] = '\0';
    assert_rc(cc_vault_account_create(f->txn, &f->v, &a, NOW, DAY, token), CC_EINVAL);
    new_account(&a, "bob", "bob@example.org");
    snprintf(a.org, sizeof a.org, "ACME");
    assert_rc(cc_vault_account_create(f->txn, &f->v, &a, NOW, DAY, token), CC_EINVAL);
    new_account(&a, "bob", "bob@example.org");
    a.status = CC_STATUS_COMPANY;
    assert_rc(cc_vault_account_create(f->txn, &f->v, &a, NOW, DAY, token), CC_EEMPTY);
    new_account(&a, "bob", "bob@example.org");
    a.status = CC_STATUS_NONE;
    assert_rc(cc_vault_account_create(f->txn, &f->v, &a, NOW, DAY, token), CC_EINVAL);
    new_account(&a, "bob", "bob@example.org");
    memset(a.email, 'x', sizeof a.email); /* not NUL-terminated */
    assert_rc(cc_vault_account_create(f->txn, &f->v, &a, NOW, DAY, token), CC_EEMAIL);
    assert_counts(f, 1, 1, 1, 0, 1, 1);

    /* A different person still gets in, with a different pseudonym. */
    cc_pseudonym bob = create(f, "bob", "bob@example.org", NULL);
    assert_false(same_pseudonym(&alice, &bob));
    assert_counts(f, 2, 2, 2, 0, 2, 2);
}

/* ---- Pure checks ------------------------------------------------------ */

static void test_email_normalize(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out; /* out NULL: CC_EEMAIL */
    } cases[] = {
        {"alice@example.org", "alice@example.org"},
        {"Alice@Example.ORG", "alice@example.org"},
        {"  alice@example.org  ", "alice@example.org"},
        {"\t\r\nBOB.Smith+tag@Mail.Example.co.uk \v\f", "bob.smith+tag@mail.example.co.uk"},
        {"a@b.c", "a@b.c"},
        {"o'brien!#$%&*=?^`{|}~@x-y.example", "o'brien!#$%&*=?^`{|}~@x-y.example"},
        {"", NULL},
        {"   ", NULL},
        {"alice", NULL},
        {"alice@", NULL},
        {"@example.org", NULL},
        {"alice@example", NULL},
        {"alice@@example.org", NULL},
        {"alice@bob@example.org", NULL},
        {"alice @example.org", NULL},
        {"alice@exa mple.org", NULL},
        {"alice@.example.org", NULL},
        {"alice@example.org.", NULL},
        {"alice@example..org", NULL},
        {"alice\x01@example.org", NULL},
        {"alice@example.org\x7f", NULL},
        {"al\xc3\xa9@example.org", NULL},
        {"alice@ex\xc3\xa4mple.org", NULL},
    };
    char out[CC_EMAIL_MAX + 1];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = cc_email_normalize(cases[i].in, strlen(cases[i].in), out, sizeof out);
        if (cases[i].out) {
            if (rc != 0) fail_msg("\"%s\": %s", cases[i].in, cc_err_name(rc));
            assert_string_equal(out, cases[i].out);
        } else if (rc != CC_EEMAIL) {
            fail_msg("\"%s\" accepted as \"%s\"", cases[i].in, rc == 0 ? out : cc_err_name(rc));
        }
    }

    /* An embedded NUL is a control character, not the end of the string. */
    assert_rc(cc_email_normalize("a@b.c\0d", 7, out, sizeof out), CC_EEMAIL);

    /* Length: CC_EMAIL_MAX bytes after trimming, no more. */
    char in[CC_EMAIL_MAX + 8];
    memset(in, 'a', sizeof in);
    memcpy(in + CC_EMAIL_MAX - 6, "@b.org", 6);
    assert_rc(cc_email_normalize(in, CC_EMAIL_MAX, out, sizeof out), 0);
    assert_int_equal(strlen(out), CC_EMAIL_MAX);
    in[0] = ' ';
    in[CC_EMAIL_MAX] = ' '; /* CC_EMAIL_MAX + 1 bytes, one of them trimmed */
    assert_rc(cc_email_normalize(in, CC_EMAIL_MAX + 1, out, sizeof out), 0);
    memset(in, 'a', sizeof in);
    memcpy(in + CC_EMAIL_MAX + 1 - 6, "@b.org", 6);
    assert_rc(cc_email_normalize(in, CC_EMAIL_MAX + 1, out, sizeof out), CC_EEMAIL);

    /* The output buffer must be the documented size. */
    char small[16];
    assert_rc(cc_email_normalize("a@b.c", 5, small, sizeof small), CC_EINVAL);
    assert_rc(cc_email_normalize(NULL, 0, out, sizeof out), CC_EEMAIL);
}

static void test_username_check(void **state)
{
    (void)state;
    static const char *good[] = {"abc", "Alice", "a_b",
                                 "a-b", "a.b",   "0day",
                                 "x__", "Z9.-_", "abcdefghijklmnopqrstuvwxyz012345"};
    static const char *bad[] = {"",
                                "ab",
                                "_abc",
                                "-abc",
                                ".abc",
                                "a b",
                                "ali@ce",
                                "al/ice",
                                "alic\xc3\xa9",
                                "abc\n",
                                "a\tb",
                                "abc!",
                                "abcdefghijklmnopqrstuvwxyz0123456"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (cc_username_check(good[i], strlen(good[i])) != 0) fail_msg("\"%s\" refused", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (cc_username_check(bad[i], strlen(bad[i])) != CC_EUSERNAME)
            fail_msg("\"%s\" accepted", bad[i]);
    assert_rc(cc_username_check("abc\0", 4), CC_EUSERNAME);
    assert_rc(cc_username_check(NULL, 0), CC_EUSERNAME);
}

static void test_password(void **state)
{
    (void)state;
    char hash[CC_PWHASH_MAX];
    const char *pw = "correct horse battery staple";
    assert_rc(cc_password_hash(pw, strlen(pw), hash), 0);
    assert_true(strncmp(hash, "$argon2id$", 10) == 0);
    assert_rc(cc_password_verify(hash, pw, strlen(pw)), 0);
    assert_rc(cc_password_verify(hash, "correct horse battery stapler", 29), CC_ECREDENTIALS);
    assert_rc(cc_password_verify(hash, pw, strlen(pw) - 1), CC_ECREDENTIALS);
    assert_rc(cc_password_verify(hash, "short", 5), CC_ECREDENTIALS);

    /* Salted: the same password never hashes to the same string. */
    char again[CC_PWHASH_MAX];
    assert_rc(cc_password_hash(pw, strlen(pw), again), 0);
    assert_string_not_equal(hash, again);
    assert_rc(cc_password_verify(again, pw, strlen(pw)), 0);

    /* Limits. */
    char big[CC_PASSWORD_MAX + 1];
    memset(big, 'p', sizeof big);
    assert_rc(cc_password_hash("123456789", 9, hash), CC_EPASSWORD);
    assert_rc(cc_password_hash("", 0, hash), CC_EPASSWORD);
    assert_rc(cc_password_hash(big, CC_PASSWORD_MAX + 1, hash), CC_EPASSWORD);
    assert_rc(cc_password_hash("1234567890", CC_PASSWORD_MIN, hash), 0);
    assert_rc(cc_password_verify(hash, "1234567890", CC_PASSWORD_MIN), 0);
    assert_rc(cc_password_verify(hash, big, CC_PASSWORD_MAX + 1), CC_ECREDENTIALS);

    /* Garbage instead of a hash is a failed login, never a crash. */
    assert_rc(cc_password_verify("not a hash", pw, strlen(pw)), CC_ECREDENTIALS);
    assert_rc(cc_password_verify("", pw, strlen(pw)), CC_ECREDENTIALS);
    char unterminated[CC_PWHASH_MAX];
    memset(unterminated, '$', sizeof unterminated);
    assert_rc(cc_password_verify(unterminated, pw, strlen(pw)), CC_ECREDENTIALS);
}

/* ---- One-time tokens -------------------------------------------------- */

static void test_confirm_token(void **state)
{
    fixture *f = *state;
    char token[CC_TOKEN_TEXT_LEN + 1];
    cc_pseudonym p = create(f, "alice", "alice@example.org", token);
    cc_token_info info;

    /* Wrong purpose: refused and nothing deleted. */
    assert_rc(
        cc_vault_token_consume(f->txn, &f->v, CC_TOKEN_RESET, token, strlen(token), NOW, &info),
        CC_ETOKEN);
    assert_rc(cc_vault_token_consume(f->txn, &f->v, CC_TOKEN_EMAIL_CHANGE, token, strlen(token),
                                     NOW, &info),
              CC_ETOKEN);
    assert_counts(f, 1, 1, 1, 0, 1, 1);

    assert_rc(cc_vault_token_consume(f->txn, &f->v, CC_TOKEN_CONFIRM, token, strlen(token), NOW + 1,
                                     &info),
              0);
    assert_int_equal(info.purpose, CC_TOKEN_CONFIRM);
    assert_true(same_pseudonym(&info.pseudonym, &p));
    assert_int_equal(info.expires_ms, NOW + DAY);
    assert_string_equal(info.data, "");
    assert_counts(f, 1, 1, 1, 0, 0, 0);

    /* Once only. */
    assert_rc(cc_vault_token_consume(f->txn, &f->v, CC_TOKEN_CONFIRM, token, strlen(token), NOW + 1,
                                     &info),
              CC_ETOKEN);
}

static void test_token_expiry(void **state)
{
    fixture *f = *state;
    char token[CC_TOKEN_TEXT_LEN + 1];
    create(f, "alice", "alice@example.org", token);
    /* Valid while now < expires: at the expiry instant it is gone. */
    assert_rc(cc_vault_token_consume(f->txn, &f->v, CC_TOKEN_CONFIRM, token, strlen(token),
                                     NOW + DAY, NULL),
              CC_ETOKEN);
    assert_rc(cc_vault_token_consume(f->txn, &f->v, CC_TOKEN_CONFIRM, token, strlen(token),
                                     UINT64_MAX, NULL),
              CC_ETOKEN);
    assert_counts(f, 1, 1, 1, 0, 1, 1);
    assert_rc(cc_vault_token_consume(f->txn, &f->v, CC_TOKEN_CONFIRM, token, strlen(token),
                                     NOW + DAY - 1, NULL),
              0);

    /* A ttl that would overflow saturates instead of wrapping into the past. */
    cc_pseudonym p = create(f, "bob", "bob@example.org", NULL);
    assert_rc(
        cc_vault_token_create(f->txn, &f->v, CC_TOKEN_RESET, &p, NULL, NOW, UINT64_MAX, token), 0);
    cc_token_info info;
    assert_rc(cc_vault_token_consume(f->txn, &f->v, CC_TOKEN_RESET, token, strlen(token),
                                     UINT64_MAX - 1, &info),
              0);
    assert_int_equal(info.expires_ms, UINT64_MAX);
}

/* A token text whose last character differs only in the 2 padding bits
 * decodes to the same bytes in lenient decoders. */
static void flip_padding_bit(char *t)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const char *pos = strchr(alphabet, t[CC_TOKEN_TEXT_LEN - 1]);
    assert_non_null(pos);
    t[CC_TOKEN_TEXT_LEN - 1] = alphabet[(pos - alphabet) ^ 1];
}

static void test_token_malformed(void **state)
{
    fixture *f = *state;
    char token[CC_TOKEN_TEXT_LEN + 1];
    create(f, "alice", "alice@example.org", token);

    char variants[10][CC_TOKEN_TEXT_LEN + 2] = {{0}};
    size_t lens[10];
    int n = 0;
    for (int i = 0; i < 10; i++)
        snprintf(variants[i], sizeof variants[i], "%s", token);
    lens[n++] = 0;                     /* empty */
    lens[n++] = CC_TOKEN_TEXT_LEN - 1; /* truncated */
    variants[n][CC_TOKEN_TEXT_LEN] = 'A';
    lens[n++] = CC_TOKEN_TEXT_LEN + 1; /* one too many */
    variants[n][5] = '+';              /* standard alphabet, not url-safe */
    lens[n++] = CC_TOKEN_TEXT_LEN;
    variants[n][5] = '/';
    lens[n++] = CC_TOKEN_TEXT_LEN;
    variants[n][CC_TOKEN_TEXT_LEN - 1] = '='; /* padding */
    lens[n++] = CC_TOKEN_TEXT_LEN;
    variants[n][20] = ' ';
    lens[n++] = CC_TOKEN_TEXT_LEN;
    variants[n][20] = '\0';
    lens[n++] = CC_TOKEN_TEXT_LEN;
    flip_padding_bit(variants[n]); /* non-canonical spelling */
    lens[n++] = CC_TOKEN_TEXT_LEN;

    /* A vault whose DBI handles are invalid: any database access would fail
     * with an LMDB error, so CC_ETOKEN proves the text was refused first. */
    cc_vault bogus = {999, 999, 999, 999, 999, 999};
    cc_pseudonym p;
    for (int i = 0; i < n; i++) {
        assert_rc(cc_vault_token_consume(f->txn, &f->v, CC_TOKEN_CONFIRM, variants[i], lens[i], NOW,
                                         NULL),
                  CC_ETOKEN);
        assert_rc(cc_vault_token_consume(f->txn, &bogus, CC_TOKEN_CONFIRM, variants[i], lens[i],
                                         NOW, NULL),
                  CC_ETOKEN);
        assert_rc(cc_vault_session_get(f->txn, &bogus, variants[i], lens[i], NOW, &p),
                  CC_ENOSESSION);
        assert_rc(cc_vault_session_delete(f->txn, &bogus, variants[i], lens[i]), CC_ENOSESSION);
    }
    assert_rc(cc_vault_token_consume(f->txn, &f->v, CC_TOKEN_CONFIRM, NULL, 0, NOW, NULL),
              CC_ETOKEN);
    /* ...whereas a well-formed token does reach the database. */
    assert_true(cc_vault_token_consume(f->txn, &bogus, CC_TOKEN_CONFIRM, token, strlen(token), NOW,
                                       NULL) != CC_ETOKEN);

    /* Well-formed but unknown. */
    char unknown[CC_TOKEN_TEXT_LEN + 1];
    snprintf(unknown, sizeof unknown, "%s", token);
    unknown[0] = unknown[0] == 'A' ? 'B' : 'A';
    assert_rc(cc_vault_token_consume(f->txn, &f->v, CC_TOKEN_CONFIRM, unknown, strlen(unknown), NOW,
                                     NULL),
              CC_ETOKEN);

    assert_counts(f, 1, 1, 1, 0, 1, 1);
    assert_rc(
        cc_vault_token_consume(f->txn, &f->v, CC_TOKEN_CONFIRM, token, strlen(token), NOW, NULL),
        0);
}

static void test_token_create(void **state)
{
    fixture *f = *state;
    cc_pseudonym p = create(f, "alice", "alice@example.org", NULL);
    char t1[CC_TOKEN_TEXT_LEN + 1], t2[CC_TOKEN_TEXT_LEN + 1];
    cc_token_info info;

    /* An e-mail change carries the new address, stored normalised. */
    assert_rc(cc_vault_token_create(f->txn, &f->v, CC_TOKEN_EMAIL_CHANGE, &p, " New@Example.ORG",
                                    NOW, DAY, t1),
              0);
    assert_rc(cc_vault_token_create(f->txn, &f->v, CC_TOKEN_RESET, &p, NULL, NOW, DAY, t2), 0);
    assert_token_shape(t1);
    assert_string_not_equal(t1, t2);
    assert_int_equal(owned_count(f, &p), 3);
    assert_rc(
        cc_vault_token_consume(f->txn, &f->v, CC_TOKEN_EMAIL_CHANGE, t1, strlen(t1), NOW, &info),
        0);
    assert_string_equal(info.data, "new@example.org");
    assert_int_equal(info.purpose, CC_TOKEN_EMAIL_CHANGE);
    assert_rc(cc_vault_token_consume(f->txn, &f->v, CC_TOKEN_RESET, t2, strlen(t2), NOW, &info), 0);
    assert_int_equal(owned_count(f, &p), 1);

    /* Refusals write nothing. */
    assert_rc(cc_vault_token_create(f->txn, &f->v, CC_TOKEN_EMAIL_CHANGE, &p, "nope", NOW, DAY, t1),
              CC_EEMAIL);
    char big[CC_EMAIL_MAX + 2];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_rc(cc_vault_token_create(f->txn, &f->v, CC_TOKEN_RESET, &p, big, NOW, DAY, t1),
              CC_ETOOLONG);
    assert_rc(cc_vault_token_create(f->txn, &f->v, (cc_token_purpose)0, &p, NULL, NOW, DAY, t1),
              CC_EINVAL);
    assert_rc(cc_vault_token_create(f->txn, &f->v, (cc_token_purpose)4, &p, NULL, NOW, DAY, t1),
              CC_EINVAL);
    cc_pseudonym nobody = {"aaaaaaaaaaaaaaaa"}, bad = {"not a pseudonym"};
    assert_rc(cc_vault_token_create(f->txn, &f->v, CC_TOKEN_RESET, &nobody, NULL, NOW, DAY, t1),
              CC_ENOTFOUND);
    assert_rc(cc_vault_token_create(f->txn, &f->v, CC_TOKEN_RESET, &bad, NULL, NOW, DAY, t1),
              CC_EINVAL);
    assert_counts(f, 1, 1, 1, 0, 1, 1);
}

/* ---- Sessions --------------------------------------------------------- */

static void test_sessions(void **state)
{
    fixture *f = *state;
    cc_pseudonym alice = create(f, "alice", "alice@example.org", NULL);
    char s1[CC_TOKEN_TEXT_LEN + 1], s2[CC_TOKEN_TEXT_LEN + 1];
    cc_pseudonym p;

    assert_rc(cc_vault_session_create(f->txn, &f->v, &alice, NOW, 1000, s1), 0);
    assert_rc(cc_vault_session_create(f->txn, &f->v, &alice, NOW, DAY, s2), 0);
    assert_token_shape(s1);
    assert_string_not_equal(s1, s2);
    assert_counts(f, 1, 1, 1, 2, 1, 3);

    assert_rc(cc_vault_session_get(f->txn, &f->v, s1, strlen(s1), NOW + 999, &p), 0);
    assert_true(same_pseudonym(&p, &alice));
    assert_rc(cc_vault_session_get(f->txn, &f->v, s1, strlen(s1), NOW + 1000, &p), CC_ENOSESSION);
    assert_rc(cc_vault_session_get(f->txn, &f->v, s2, strlen(s2), NOW + 1000, &p), 0);

    /* Only the hash is stored: the token text is in no key or value. */
    uint8_t key[32];
    token_key(s2, key);
    assert_false(vault_mentions(f, s2));
    MDB_val k = {.mv_size = 32, .mv_data = key}, d;
    assert_int_equal(mdb_get(f->txn, f->v.sessions, &k, &d), 0);

    /* A session token is not a one-time token, and vice versa. */
    assert_rc(cc_vault_token_consume(f->txn, &f->v, CC_TOKEN_CONFIRM, s2, strlen(s2), NOW, NULL),
              CC_ETOKEN);

    assert_rc(cc_vault_session_delete(f->txn, &f->v, s2, strlen(s2)), 0);
    assert_rc(cc_vault_session_get(f->txn, &f->v, s2, strlen(s2), NOW, &p), CC_ENOSESSION);
    assert_rc(cc_vault_session_delete(f->txn, &f->v, s2, strlen(s2)), CC_ENOSESSION);
    /* An expired session can still be logged out of. */
    assert_rc(cc_vault_session_delete(f->txn, &f->v, s1, strlen(s1)), 0);
    assert_counts(f, 1, 1, 1, 0, 1, 1);

    cc_pseudonym nobody = {"aaaaaaaaaaaaaaaa"};
    assert_rc(cc_vault_session_create(f->txn, &f->v, &nobody, NOW, DAY, s1), CC_ENOTFOUND);
    assert_counts(f, 1, 1, 1, 0, 1, 1);
}

static void test_sessions_delete_all(void **state)
{
    fixture *f = *state;
    char confirm[CC_TOKEN_TEXT_LEN + 1], reset[CC_TOKEN_TEXT_LEN + 1];
    char s[5][CC_TOKEN_TEXT_LEN + 1], bs[CC_TOKEN_TEXT_LEN + 1];
    cc_pseudonym alice = create(f, "alice", "alice@example.org", confirm);
    cc_pseudonym bob = create(f, "bob", "bob@example.org", NULL);
    assert_rc(cc_vault_token_create(f->txn, &f->v, CC_TOKEN_RESET, &alice, NULL, NOW, DAY, reset),
              0);
    for (int i = 0; i < 5; i++)
        assert_rc(cc_vault_session_create(f->txn, &f->v, &alice, NOW, DAY, s[i]), 0);
    assert_rc(cc_vault_session_create(f->txn, &f->v, &bob, NOW, DAY, bs), 0);
    assert_int_equal(owned_count(f, &alice), 7);
    commit_and_renew(f);

    assert_rc(cc_vault_sessions_delete_all(f->txn, &f->v, &alice), 0);
    cc_pseudonym p;
    for (int i = 0; i < 5; i++)
        assert_rc(cc_vault_session_get(f->txn, &f->v, s[i], strlen(s[i]), NOW, &p), CC_ENOSESSION);
    assert_rc(cc_vault_session_get(f->txn, &f->v, bs, strlen(bs), NOW, &p), 0);
    assert_true(same_pseudonym(&p, &bob));
    assert_int_equal(owned_count(f, &alice), 2);
    assert_counts(f, 2, 2, 2, 1, 3, 4);

    /* Tokens survive "log out everywhere". */
    assert_rc(
        cc_vault_token_consume(f->txn, &f->v, CC_TOKEN_RESET, reset, strlen(reset), NOW, NULL), 0);
    assert_rc(cc_vault_token_consume(f->txn, &f->v, CC_TOKEN_CONFIRM, confirm, strlen(confirm), NOW,
                                     NULL),
              0);
    assert_int_equal(owned_count(f, &alice), 0);

    /* Idempotent, and fine for an account without sessions. */
    assert_rc(cc_vault_sessions_delete_all(f->txn, &f->v, &alice), 0);
    cc_pseudonym bad = {"x"};
    assert_rc(cc_vault_sessions_delete_all(f->txn, &f->v, &bad), CC_EINVAL);
}

/* ---- Account changes -------------------------------------------------- */

static void test_set_username(void **state)
{
    fixture *f = *state;
    cc_pseudonym alice = create(f, "alice", "liddell@example.org", NULL);
    cc_pseudonym bob = create(f, "bob", "bob@example.org", NULL);
    cc_pseudonym p;
    cc_account a;

    assert_rc(cc_vault_account_set_username(f->txn, &f->v, &alice, "BOB", 3), CC_EEXISTS);
    assert_rc(cc_vault_account_set_username(f->txn, &f->v, &alice, "a", 1), CC_EUSERNAME);
    assert_rc(cc_vault_account_get(f->txn, &f->v, &alice, &a), 0);
    assert_string_equal(a.username, "alice");

    /* Same name, new case: allowed, display form changes, index row kept. */
    assert_rc(cc_vault_account_set_username(f->txn, &f->v, &alice, "ALICE", 5), 0);
    assert_rc(cc_vault_account_get(f->txn, &f->v, &alice, &a), 0);
    assert_string_equal(a.username, "ALICE");
    assert_rc(cc_vault_account_find(f->txn, &f->v, "alice", 5, &p), 0);
    assert_true(same_pseudonym(&p, &alice));
    assert_rc(cc_vault_account_set_username(f->txn, &f->v, &alice, "ALICE", 5), 0);
    assert_counts(f, 2, 2, 2, 0, 2, 2);

    /* A real change moves the index row. */
    assert_rc(cc_vault_account_set_username(f->txn, &f->v, &alice, "Carol", 5), 0);
    assert_rc(cc_vault_account_find(f->txn, &f->v, "alice", 5, &p), CC_ENOTFOUND);
    assert_rc(cc_vault_account_find(f->txn, &f->v, "carol", 5, &p), 0);
    assert_true(same_pseudonym(&p, &alice));
    assert_rc(cc_vault_account_get(f->txn, &f->v, &alice, &a), 0);
    assert_string_equal(a.username, "Carol");
    assert_counts(f, 2, 2, 2, 0, 2, 2);
    assert_false(vault_mentions(f, "alice"));

    /* The old name is free again; the new one is taken. */
    create(f, "Alice", "other@example.org", NULL);
    assert_rc(cc_vault_account_set_username(f->txn, &f->v, &bob, "cAROL", 5), CC_EEXISTS);
    assert_rc(cc_vault_account_find(f->txn, &f->v, "bob", 3, &p), 0);
    assert_true(same_pseudonym(&p, &bob));

    cc_pseudonym nobody = {"aaaaaaaaaaaaaaaa"};
    assert_rc(cc_vault_account_set_username(f->txn, &f->v, &nobody, "dave", 4), CC_ENOTFOUND);
    assert_counts(f, 3, 3, 3, 0, 3, 3);
}

static void test_set_email(void **state)
{
    fixture *f = *state;
    cc_pseudonym alice = create(f, "alice", "alice@example.org", NULL);
    cc_pseudonym bob = create(f, "bob", "bob@example.org", NULL);
    cc_pseudonym p;
    cc_account a;

    const char *taken = " BOB@example.ORG ";
    assert_rc(cc_vault_account_set_email(f->txn, &f->v, &alice, taken, strlen(taken)), CC_EEXISTS);
    assert_rc(cc_vault_account_set_email(f->txn, &f->v, &alice, "alice", 5), CC_EEMAIL);
    const char *same = "Alice@Example.org";
    assert_rc(cc_vault_account_set_email(f->txn, &f->v, &alice, same, strlen(same)), 0);
    assert_rc(cc_vault_account_get(f->txn, &f->v, &alice, &a), 0);
    assert_string_equal(a.email, "alice@example.org");
    assert_counts(f, 2, 2, 2, 0, 2, 2);

    const char *fresh = "Alice.New@Example.org";
    assert_rc(cc_vault_account_set_email(f->txn, &f->v, &alice, fresh, strlen(fresh)), 0);
    assert_rc(cc_vault_account_get(f->txn, &f->v, &alice, &a), 0);
    assert_string_equal(a.email, "alice.new@example.org");
    assert_rc(cc_vault_account_find(f->txn, &f->v, "alice@example.org", 17, &p), CC_ENOTFOUND);
    assert_rc(cc_vault_account_find(f->txn, &f->v, "alice.new@example.org", 21, &p), 0);
    assert_true(same_pseudonym(&p, &alice));
    assert_counts(f, 2, 2, 2, 0, 2, 2);
    assert_false(vault_mentions(f, "alice@example.org"));

    /* The old address is free for someone else. */
    create(f, "carol", "alice@example.org", NULL);
    assert_rc(cc_vault_account_set_email(f->txn, &f->v, &bob, fresh, strlen(fresh)), CC_EEXISTS);
    assert_rc(cc_vault_account_get(f->txn, &f->v, &bob, &a), 0);
    assert_string_equal(a.email, "bob@example.org");
}

static void test_set_status_password_confirmed(void **state)
{
    fixture *f = *state;
    cc_pseudonym alice = create(f, "alice", "alice@example.org", NULL);
    cc_account a;

    assert_rc(cc_vault_account_set_confirmed(f->txn, &f->v, &alice), 0);
    assert_rc(cc_vault_account_get(f->txn, &f->v, &alice, &a), 0);
    assert_true(a.confirmed);

    assert_rc(cc_vault_account_set_password(f->txn, &f->v, &alice, "$argon2id$new"), 0);
    assert_rc(cc_vault_account_set_password(f->txn, &f->v, &alice, ""), CC_EINVAL);
    assert_rc(cc_vault_account_set_password(f->txn, &f->v, &alice, "has space"), CC_EINVAL);
    assert_rc(cc_vault_account_set_password(f->txn, &f->v, &alice, NULL), CC_EINVAL);
    assert_rc(cc_vault_account_get(f->txn, &f->v, &alice, &a), 0);
    assert_string_equal(a.pwhash, "$argon2id$new");

    const char *org = "Association V\xc3\xa9lo \xf0\x9f\x9a\xb2";
    assert_rc(
        cc_vault_account_set_status(f->txn, &f->v, &alice, CC_STATUS_ASSOCIATION, org, strlen(org)),
        0);
    assert_rc(cc_vault_account_get(f->txn, &f->v, &alice, &a), 0);
    assert_int_equal(a.status, CC_STATUS_ASSOCIATION);
    assert_string_equal(a.org, org);

    char org_max[CC_ORG_MAX + 1];
    memset(org_max, 'o', sizeof org_max);
    static const struct {
        cc_status status;
        const char *org;
        size_t len; /* 0: strlen */
        int want;
    } cases[] = {
        {CC_STATUS_NONE, "", 0, CC_EINVAL},
        {CC_STATUS_COUNT_, "x", 0, CC_EINVAL},
        {(cc_status)-1, "x", 0, CC_EINVAL},
        {CC_STATUS_CITIZEN, "ACME", 0, CC_EINVAL},
        {CC_STATUS_COMPANY, "", 0, CC_EEMPTY},
        {CC_STATUS_COMPANY, "a\nb", 0, CC_ECONTROL},
        {CC_STATUS_COMPANY, "a\tb", 0, CC_ECONTROL},
        {CC_STATUS_COMPANY, "a\x7f", 0, CC_ECONTROL},
        {CC_STATUS_COMPANY, "a\xc2\x85", 0, CC_ECONTROL}, /* C1 NEL */
        {CC_STATUS_COMPANY, "a\0b", 3, CC_ECONTROL},
        {CC_STATUS_COMPANY, "\xc0\x80", 0, CC_EUTF8},         /* overlong NUL */
        {CC_STATUS_COMPANY, "\xe0\x80\xaf", 0, CC_EUTF8},     /* overlong '/' */
        {CC_STATUS_COMPANY, "\xed\xa0\x80", 0, CC_EUTF8},     /* surrogate */
        {CC_STATUS_COMPANY, "\xf4\x90\x80\x80", 0, CC_EUTF8}, /* > U+10FFFF */
        {CC_STATUS_COMPANY, "\xf8\x88\x80\x80\x80", 0, CC_EUTF8},
        {CC_STATUS_COMPANY, "caf\xc3", 0, CC_EUTF8}, /* truncated */
        {CC_STATUS_COMPANY, "\x80", 0, CC_EUTF8},    /* lone continuation */
        {CC_STATUS_COMPANY, "\xe2\x82x", 0, CC_EUTF8},
        {CC_STATUS_PUBLIC_BODY, "\xf4\x8f\xbf\xbf", 0, 0}, /* U+10FFFF */
        {CC_STATUS_REPRESENTATIVE, "D\xc3\xa9put\xc3\xa9", 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].org);
        int rc =
            cc_vault_account_set_status(f->txn, &f->v, &alice, cases[i].status, cases[i].org, len);
        if (rc != cases[i].want)
            fail_msg("case %zu: got %s, want %s", i, cc_err_name(rc), cc_err_name(cases[i].want));
    }
    assert_rc(cc_vault_account_set_status(f->txn, &f->v, &alice, CC_STATUS_COMPANY, org_max,
                                          CC_ORG_MAX + 1),
              CC_ETOOLONG);
    assert_rc(
        cc_vault_account_set_status(f->txn, &f->v, &alice, CC_STATUS_COMPANY, org_max, CC_ORG_MAX),
        0);
    assert_rc(cc_vault_account_get(f->txn, &f->v, &alice, &a), 0);
    assert_int_equal(strlen(a.org), CC_ORG_MAX);
    assert_rc(cc_vault_account_set_status(f->txn, &f->v, &alice, CC_STATUS_CITIZEN, NULL, 0), 0);
    assert_rc(cc_vault_account_get(f->txn, &f->v, &alice, &a), 0);
    assert_int_equal(a.status, CC_STATUS_CITIZEN);
    assert_string_equal(a.org, "");
    /* Everything else survived the rewrites. */
    assert_true(a.confirmed);
    assert_string_equal(a.pwhash, "$argon2id$new");
    assert_string_equal(a.username, "alice");

    cc_pseudonym nobody = {"aaaaaaaaaaaaaaaa"};
    assert_rc(cc_vault_account_set_confirmed(f->txn, &f->v, &nobody), CC_ENOTFOUND);
    assert_rc(cc_vault_account_set_password(f->txn, &f->v, &nobody, "$x"), CC_ENOTFOUND);
    assert_counts(f, 1, 1, 1, 0, 1, 1);
}

/* ---- Erasure ---------------------------------------------------------- */

static void test_erase(void **state)
{
    fixture *f = *state;
    char confirm[CC_TOKEN_TEXT_LEN + 1], tok[CC_TOKEN_TEXT_LEN + 1];
    char s1[CC_TOKEN_TEXT_LEN + 1], s2[CC_TOKEN_TEXT_LEN + 1], bs[CC_TOKEN_TEXT_LEN + 1];
    cc_pseudonym alice = create(f, "Alice.Liddell", "alice@wonder.example", confirm);
    cc_pseudonym bob = create(f, "bob", "bob@example.org", NULL);
    assert_rc(cc_vault_session_create(f->txn, &f->v, &alice, NOW, DAY, s1), 0);
    assert_rc(cc_vault_session_create(f->txn, &f->v, &alice, NOW, 1, s2), 0);
    assert_rc(cc_vault_token_create(f->txn, &f->v, CC_TOKEN_RESET, &alice, NULL, NOW, DAY, tok), 0);
    assert_rc(cc_vault_token_create(f->txn, &f->v, CC_TOKEN_EMAIL_CHANGE, &alice,
                                    "alice.new@wonder.example", NOW, DAY, tok),
              0);
    assert_rc(cc_vault_session_create(f->txn, &f->v, &bob, NOW, DAY, bs), 0);
    assert_rc(
        cc_vault_account_set_status(f->txn, &f->v, &alice, CC_STATUS_COMPANY, "Wonderland", 10), 0);
    commit_and_renew(f);

    uint8_t skey[32], tkey[32];
    token_key(s1, skey);
    token_key(tok, tkey);
    assert_true(vault_holds(f, skey, sizeof skey));
    assert_true(vault_holds(f, tkey, sizeof tkey));
    const char *needles[] = {alice.s,         "alice@wonder.example", "alice.new@wonder.example",
                             "Alice.Liddell", "alice.liddell",        "Wonderland"};
    /* The scan must be able to see them before, or it proves nothing. */
    for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++)
        if (!vault_mentions(f, needles[i])) fail_msg("\"%s\" not found before erase", needles[i]);
    assert_counts(f, 2, 2, 2, 3, 4, 7);

    assert_rc(cc_vault_account_erase(f->txn, &f->v, &alice), 0);
    commit_and_renew(f);

    for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++)
        if (vault_mentions(f, needles[i])) fail_msg("\"%s\" survived erase", needles[i]);
    assert_false(vault_holds(f, skey, sizeof skey));
    assert_false(vault_holds(f, tkey, sizeof tkey));
    assert_counts(f, 1, 1, 1, 1, 1, 2);

    cc_pseudonym p;
    cc_account a;
    assert_rc(cc_vault_session_get(f->txn, &f->v, s1, strlen(s1), NOW, &p), CC_ENOSESSION);
    assert_rc(
        cc_vault_token_consume(f->txn, &f->v, CC_TOKEN_EMAIL_CHANGE, tok, strlen(tok), NOW, NULL),
        CC_ETOKEN);
    assert_rc(cc_vault_account_get(f->txn, &f->v, &alice, &a), CC_ENOTFOUND);
    assert_rc(cc_vault_account_find(f->txn, &f->v, "alice.liddell", 13, &p), CC_ENOTFOUND);
    assert_rc(cc_vault_account_erase(f->txn, &f->v, &alice), CC_ENOTFOUND);

    /* Bob is untouched. */
    assert_rc(cc_vault_session_get(f->txn, &f->v, bs, strlen(bs), NOW, &p), 0);
    assert_true(same_pseudonym(&p, &bob));
    assert_rc(cc_vault_account_get(f->txn, &f->v, &bob, &a), 0);

    /* The address and the name can be registered again. */
    create(f, "alice.liddell", "Alice@Wonder.example", NULL);
}

/* ---- Corruption ------------------------------------------------------- */

/* A deterministic generator, so that a failure can be replayed. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int get_after_put(fixture *f, const cc_pseudonym *p, const uint8_t *rec, size_t len,
                         cc_account *a)
{
    put_raw(f, f->v.accounts, p->s, CC_PSEUDONYM_LEN, rec, len);
    return cc_vault_account_get(f->txn, &f->v, p, a);
}

static void test_corrupt_account(void **state)
{
    fixture *f = *state;
    cc_pseudonym p = create(f, "alice", "alice@example.org", NULL);
    assert_rc(cc_vault_account_set_status(f->txn, &f->v, &p, CC_STATUS_COMPANY, "ACME", 4), 0);
    MDB_val k = {.mv_size = CC_PSEUDONYM_LEN, .mv_data = p.s}, d;
    assert_int_equal(mdb_get(f->txn, f->v.accounts, &k, &d), 0);
    uint8_t good[1024], rec[1100];
    size_t n = d.mv_size;
    assert_true(n < sizeof good);
    memcpy(good, d.mv_data, n);
    cc_account a;

    /* Every truncation, and one byte too many. */
    for (size_t len = 0; len < n; len++)
        assert_rc(get_after_put(f, &p, good, len, &a), CC_ECORRUPT);
    memcpy(rec, good, n);
    rec[n] = 0;
    assert_rc(get_after_put(f, &p, rec, n + 1, &a), CC_ECORRUPT);

    /* Plain garbage, of several lengths. */
    assert_rc(get_after_put(f, &p, (const uint8_t *)"garbage!", 8, &a), CC_ECORRUPT);
    memset(rec, 0xff, sizeof rec);
    assert_rc(get_after_put(f, &p, rec, sizeof rec, &a), CC_ECORRUPT);
    memset(rec, 0, sizeof rec);
    assert_rc(get_after_put(f, &p, rec, 64, &a), CC_ECORRUPT);

    /* Targeted field damage. Layout: version, status, flags, u64 created,
     * then u16-prefixed username, e-mail, pwhash, org. */
    const size_t user_len_at = 11, user_at = 13;
    struct {
        size_t at;
        uint8_t byte;
    } pokes[] = {
        {0, 0},                     /* version */
        {0, 2},                     /* future version */
        {1, CC_STATUS_NONE},        /* status */
        {1, CC_STATUS_COUNT_},      /* status out of range */
        {1, CC_STATUS_CITIZEN},     /* citizen with an org */
        {2, 0x02},                  /* unknown flag */
        {user_len_at, 1},           /* username length way past the end */
        {user_len_at + 1, 4},       /* username length off by a few */
        {user_len_at + 1, 2},       /* username too short, rest misaligned */
        {user_at, 0},               /* NUL inside a string */
        {n - 2, 0},                 /* NUL inside the org: "AC\0E" must not read as "AC" */
        {user_at, '_'},             /* invalid username */
        {user_at + 5 + 2 + 6, 'A'}, /* e-mail not normalised: "alice@Axample.org" */
    };
    for (size_t i = 0; i < sizeof pokes / sizeof pokes[0]; i++) {
        memcpy(rec, good, n);
        rec[pokes[i].at] = pokes[i].byte;
        int rc = get_after_put(f, &p, rec, n, &a);
        if (rc != CC_ECORRUPT) fail_msg("poke %zu: got %s", i, cc_err_name(rc));
        /* A refused record does not leak half-decoded fields. */
        assert_string_equal(a.username, "");
    }

    /* Random damage: never a crash or an out-of-bounds read (ASan watches),
     * and whatever is accepted is a well-formed account. */
    for (int i = 0; i < 3000; i++) {
        memcpy(rec, good, n);
        size_t len = n;
        int edits = 1 + (int)(rng() % 4);
        for (int e = 0; e < edits; e++) {
            switch (rng() % 3) {
            case 0:
                rec[rng() % len] = (uint8_t)rng();
                break;
            case 1:
                len = 1 + rng() % len;
                break;
            default:
                if (len < sizeof rec) rec[len++] = (uint8_t)rng();
                break;
            }
        }
        int rc = get_after_put(f, &p, rec, len, &a);
        if (rc == 0) {
            assert_int_equal(cc_username_check(a.username, strlen(a.username)), 0);
            assert_true(strlen(a.pwhash) < CC_PWHASH_MAX);
            assert_true(a.status > CC_STATUS_NONE && a.status < CC_STATUS_COUNT_);
        } else if (rc != CC_ECORRUPT) {
            fail_msg("iteration %d: %s", i, cc_err_name(rc));
        }
    }

    /* Writers refuse to build on a garbled record. */
    assert_rc(get_after_put(f, &p, (const uint8_t *)"\x01garbage", 8, &a), CC_ECORRUPT);
    assert_rc(cc_vault_account_set_confirmed(f->txn, &f->v, &p), CC_ECORRUPT);
    assert_rc(cc_vault_account_set_username(f->txn, &f->v, &p, "carol", 5), CC_ECORRUPT);
    assert_rc(cc_vault_account_erase(f->txn, &f->v, &p), CC_ECORRUPT);

    /* And the genuine record still decodes. */
    assert_rc(get_after_put(f, &p, good, n, &a), 0);
    assert_string_equal(a.org, "ACME");
}

static void test_corrupt_secrets_and_indexes(void **state)
{
    fixture *f = *state;
    char confirm[CC_TOKEN_TEXT_LEN + 1], s1[CC_TOKEN_TEXT_LEN + 1];
    cc_pseudonym alice = create(f, "alice", "alice@example.org", confirm);
    assert_rc(cc_vault_session_create(f->txn, &f->v, &alice, NOW, DAY, s1), 0);
    uint8_t skey[32], tkey[32];
    token_key(s1, skey);
    token_key(confirm, tkey);
    cc_pseudonym p;

    /* Session: truncated, oversized, bad version, bad pseudonym. */
    MDB_val k = {.mv_size = 32, .mv_data = skey}, d;
    assert_int_equal(mdb_get(f->txn, f->v.sessions, &k, &d), 0);
    uint8_t good[64], rec[64];
    size_t n = d.mv_size;
    assert_true(n + 1 < sizeof good);
    memcpy(good, d.mv_data, n);
    for (size_t len = 0; len <= n + 1; len++) {
        if (len == n) continue;
        memset(rec, 0, sizeof rec);
        memcpy(rec, good, len < n ? len : n);
        put_raw(f, f->v.sessions, skey, 32, rec, len);
        assert_rc(cc_vault_session_get(f->txn, &f->v, s1, strlen(s1), NOW, &p), CC_ECORRUPT);
    }
    memcpy(rec, good, n);
    rec[0] = 9;
    put_raw(f, f->v.sessions, skey, 32, rec, n);
    assert_rc(cc_vault_session_get(f->txn, &f->v, s1, strlen(s1), NOW, &p), CC_ECORRUPT);
    memcpy(rec, good, n);
    rec[1] = 'A'; /* not base32 lowercase */
    put_raw(f, f->v.sessions, skey, 32, rec, n);
    assert_rc(cc_vault_session_get(f->txn, &f->v, s1, strlen(s1), NOW, &p), CC_ECORRUPT);
    assert_rc(cc_vault_purge_expired(f->txn, &f->v, NOW), CC_ECORRUPT);
    put_raw(f, f->v.sessions, skey, 32, good, n);
    assert_rc(cc_vault_session_get(f->txn, &f->v, s1, strlen(s1), NOW, &p), 0);

    /* Token: garbled rows are refused and not consumed. */
    k.mv_data = tkey;
    assert_int_equal(mdb_get(f->txn, f->v.tokens, &k, &d), 0);
    n = d.mv_size;
    assert_true(n < sizeof good);
    memcpy(good, d.mv_data, n);
    /* Layout: version, purpose, pseudonym[16], u64 expiry, u16 data length. */
    const struct {
        size_t at;
        uint8_t byte;
    } pokes[] = {{0, 0}, {0, 2}, {1, 0}, {1, 4}, {2, '1'}, {26, 1}, {27, 1}};
    for (size_t i = 0; i < sizeof pokes / sizeof pokes[0] + n; i++) {
        memcpy(rec, good, n);
        size_t len = n;
        if (i < sizeof pokes / sizeof pokes[0])
            rec[pokes[i].at] = pokes[i].byte;
        else
            len = i - sizeof pokes / sizeof pokes[0]; /* every truncation */
        put_raw(f, f->v.tokens, tkey, 32, rec, len);
        assert_rc(cc_vault_token_consume(f->txn, &f->v, CC_TOKEN_CONFIRM, confirm, strlen(confirm),
                                         NOW, NULL),
                  CC_ECORRUPT);
        assert_counts(f, 1, 1, 1, 1, 1, 2);
    }
    put_raw(f, f->v.tokens, tkey, 32, good, n);

    /* Index rows must hold exactly one pseudonym. */
    put_raw(f, f->v.usernames, "zed", 3, "short", 5);
    assert_rc(cc_vault_account_find(f->txn, &f->v, "Zed", 3, &p), CC_ECORRUPT);
    put_raw(f, f->v.emails, "z@e.org", 7, "AAAAAAAAAAAAAAAA", 16);
    assert_rc(cc_vault_account_find(f->txn, &f->v, "z@e.org", 7, &p), CC_ECORRUPT);

    /* Owned entries of the wrong size are refused, not misread. */
    put_raw(f, f->v.owned, alice.s, CC_PSEUDONYM_LEN, "s", 1);
    assert_rc(cc_vault_sessions_delete_all(f->txn, &f->v, &alice), CC_ECORRUPT);
}

/* ---- Purge ------------------------------------------------------------ */

static void test_purge_expired(void **state)
{
    fixture *f = *state;
    char confirm[CC_TOKEN_TEXT_LEN + 1], t[CC_TOKEN_TEXT_LEN + 1];
    char s_short[6][CC_TOKEN_TEXT_LEN + 1], s_long[CC_TOKEN_TEXT_LEN + 1];
    cc_pseudonym alice = create(f, "alice", "alice@example.org", confirm); /* expires NOW+DAY */
    cc_pseudonym bob = create(f, "bob", "bob@example.org", NULL);
    for (int i = 0; i < 6; i++)
        assert_rc(
            cc_vault_session_create(f->txn, &f->v, i % 2 ? &alice : &bob, NOW, 1000, s_short[i]),
            0);
    assert_rc(cc_vault_session_create(f->txn, &f->v, &alice, NOW, 10 * DAY, s_long), 0);
    assert_rc(cc_vault_token_create(f->txn, &f->v, CC_TOKEN_RESET, &alice, NULL, NOW, 1000, t), 0);
    assert_rc(cc_vault_token_create(f->txn, &f->v, CC_TOKEN_RESET, &bob, NULL, NOW, 2 * DAY, t), 0);
    assert_counts(f, 2, 2, 2, 7, 4, 11);

    assert_rc(cc_vault_purge_expired(f->txn, &f->v, NOW), 0);
    assert_rc(cc_vault_purge_expired(f->txn, &f->v, NOW + 999), 0);
    /* The 6 short sessions and alice's short reset token. */
    assert_rc(cc_vault_purge_expired(f->txn, &f->v, NOW + 1000), 7);
    assert_counts(f, 2, 2, 2, 1, 3, 4);
    assert_int_equal(owned_count(f, &alice), 2);
    assert_int_equal(owned_count(f, &bob), 2);
    assert_rc(cc_vault_purge_expired(f->txn, &f->v, NOW + 1000), 0);

    /* Both confirmation tokens expire at NOW + DAY. */
    assert_rc(cc_vault_purge_expired(f->txn, &f->v, NOW + DAY), 2);
    cc_pseudonym p;
    assert_rc(cc_vault_session_get(f->txn, &f->v, s_long, strlen(s_long), NOW + DAY, &p), 0);
    assert_rc(cc_vault_token_consume(f->txn, &f->v, CC_TOKEN_RESET, t, strlen(t), NOW + DAY, NULL),
              0);
    assert_rc(cc_vault_purge_expired(f->txn, &f->v, UINT64_MAX), 1);
    assert_counts(f, 2, 2, 2, 0, 0, 0);
    assert_rc(cc_vault_purge_expired(f->txn, &f->v, UINT64_MAX), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_create_get_roundtrip),
        T(test_create_rejects_duplicates),
        cmocka_unit_test(test_email_normalize),
        cmocka_unit_test(test_username_check),
        cmocka_unit_test(test_password),
        T(test_confirm_token),
        T(test_token_expiry),
        T(test_token_malformed),
        T(test_token_create),
        T(test_sessions),
        T(test_sessions_delete_all),
        T(test_set_username),
        T(test_set_email),
        T(test_set_status_password_confirmed),
        T(test_erase),
        T(test_corrupt_account),
        T(test_corrupt_secrets_and_indexes),
        T(test_purge_expired),
#undef T
    };
    if (sodium_init() < 0) return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
