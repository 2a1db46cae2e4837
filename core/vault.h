/* vault.h - personal data, kept out of the log.
 *
 * The vault is a set of DBIs in the ledger env, so that a registration writes
 * the vault row and its event in one transaction. It is mutable, never
 * exported, never replayed: it holds exactly what the log must not (e-mail,
 * username, password hash, sessions, one-time tokens) keyed by the public
 * pseudonym. Deleting an account deletes every vault row of it.
 *
 * Secrets handed to users (session tokens, one-time tokens) are 32 random
 * bytes encoded as unpadded base64url (43 characters); only their SHA-256 is
 * stored, so a copy of the database does not let anyone log in.
 *
 * Every write function takes a write transaction of the ledger env (the
 * writer thread's); read functions take any transaction. Strings returned in
 * structs are copies owned by the struct. */
#ifndef CONCERTO_VAULT_H
#define CONCERTO_VAULT_H

#include "types.h"

#include <lmdb.h>
#include <stdbool.h>
#include <stdint.h>

#define CC_TOKEN_TEXT_LEN 43
#define CC_PWHASH_MAX 128 /* >= crypto_pwhash_STRBYTES */

typedef struct cc_vault {
    MDB_dbi accounts;  /* pseudonym -> account record */
    MDB_dbi emails;    /* normalised e-mail -> pseudonym */
    MDB_dbi usernames; /* lowercased username -> pseudonym */
    MDB_dbi sessions;  /* SHA-256(session token) -> {pseudonym, expiry} */
    MDB_dbi tokens;    /* SHA-256(one-time token) -> {purpose, pseudonym, expiry, data} */
    MDB_dbi owned;     /* pseudonym -> SHA-256 of each session/token (dupsort), to end them all */
} cc_vault;

typedef struct cc_account {
    cc_pseudonym pseudonym;
    char username[CC_USERNAME_MAX * 4 + 1]; /* as typed (display form) */
    char email[CC_EMAIL_MAX + 1];           /* normalised */
    char pwhash[CC_PWHASH_MAX];             /* argon2id string (crypto_pwhash_str) */
    cc_status status;
    char org[CC_ORG_MAX + 1]; /* empty for citizens */
    bool confirmed;
    uint64_t created_ms;
} cc_account;

typedef enum cc_token_purpose {
    CC_TOKEN_CONFIRM = 1,      /* confirm the e-mail of a new account */
    CC_TOKEN_RESET = 2,        /* password reset */
    CC_TOKEN_EMAIL_CHANGE = 3, /* confirm a new e-mail address (data = new e-mail) */
} cc_token_purpose;

typedef struct cc_token_info {
    cc_token_purpose purpose;
    cc_pseudonym pseudonym;
    uint64_t expires_ms;
    char data[CC_EMAIL_MAX + 1];
} cc_token_info;

/* Open (create) the vault DBIs. */
int cc_vault_dbi_open(MDB_txn *txn, cc_vault *v);

/* Normalise an e-mail address: trim surrounding white space, lowercase, check
 * the shape local@domain (one '@', non-empty parts, domain with a dot, no
 * spaces or control characters, printable ASCII, <= CC_EMAIL_MAX).
 * CC_EEMAIL otherwise. out needs CC_EMAIL_MAX + 1 bytes. */
int cc_email_normalize(const char *in, size_t len, char *out, size_t cap);
/* A username: CC_USERNAME_MIN..MAX characters of ASCII letters, digits, '_',
 * '-', '.'; must start with a letter or digit. CC_EUSERNAME otherwise. */
int cc_username_check(const char *in, size_t len);

/* argon2id (libsodium crypto_pwhash_str, interactive limits). Slow on
 * purpose: call it on the producer's thread, never on the writer's. */
int cc_password_hash(const char *pw, size_t len, char out[CC_PWHASH_MAX]);
/* 0 when pw matches hash, CC_ECREDENTIALS otherwise. */
int cc_password_verify(const char *hash, const char *pw, size_t len);

/* Create an unconfirmed account with a fresh random pseudonym. account->
 * pseudonym, confirmed and created_ms are set by this call. Fails with
 * CC_EEXISTS if the e-mail or the username (case-insensitively) is taken.
 * Also creates the confirmation token, written NUL-terminated to token_out
 * (CC_TOKEN_TEXT_LEN + 1 bytes), valid ttl_ms. */
int cc_vault_account_create(MDB_txn *txn, const cc_vault *v, cc_account *account, uint64_t now_ms,
                            uint64_t ttl_ms, char *token_out);
int cc_vault_account_get(MDB_txn *txn, const cc_vault *v, const cc_pseudonym *p, cc_account *out);
/* Find an account by username (case-insensitive) or e-mail (normalised). */
int cc_vault_account_find(MDB_txn *txn, const cc_vault *v, const char *login, size_t len,
                          cc_pseudonym *out);
int cc_vault_account_set_confirmed(MDB_txn *txn, const cc_vault *v, const cc_pseudonym *p);
int cc_vault_account_set_username(MDB_txn *txn, const cc_vault *v, const cc_pseudonym *p,
                                  const char *username, size_t len);
int cc_vault_account_set_email(MDB_txn *txn, const cc_vault *v, const cc_pseudonym *p,
                               const char *email, size_t len);
int cc_vault_account_set_password(MDB_txn *txn, const cc_vault *v, const cc_pseudonym *p,
                                  const char *pwhash);
int cc_vault_account_set_status(MDB_txn *txn, const cc_vault *v, const cc_pseudonym *p,
                                cc_status status, const char *org, size_t org_len);
/* Delete the account and every session, token and index row of it. */
int cc_vault_account_erase(MDB_txn *txn, const cc_vault *v, const cc_pseudonym *p);

/* One-time tokens. */
int cc_vault_token_create(MDB_txn *txn, const cc_vault *v, cc_token_purpose purpose,
                          const cc_pseudonym *p, const char *data, uint64_t now_ms, uint64_t ttl_ms,
                          char *token_out);
/* Check and delete a token of the given purpose. CC_ETOKEN when unknown,
 * expired, malformed or of another purpose (then nothing is deleted). */
int cc_vault_token_consume(MDB_txn *txn, const cc_vault *v, cc_token_purpose purpose,
                           const char *token, size_t len, uint64_t now_ms, cc_token_info *out);

/* Sessions. */
int cc_vault_session_create(MDB_txn *txn, const cc_vault *v, const cc_pseudonym *p, uint64_t now_ms,
                            uint64_t ttl_ms, char *token_out);
/* CC_ENOSESSION when unknown, expired or malformed. */
int cc_vault_session_get(MDB_txn *txn, const cc_vault *v, const char *token, size_t len,
                         uint64_t now_ms, cc_pseudonym *out);
int cc_vault_session_delete(MDB_txn *txn, const cc_vault *v, const char *token, size_t len);
/* End every session of an account (password change, deletion). */
int cc_vault_sessions_delete_all(MDB_txn *txn, const cc_vault *v, const cc_pseudonym *p);
/* Delete expired sessions and tokens; returns how many were deleted or <0. */
int cc_vault_purge_expired(MDB_txn *txn, const cc_vault *v, uint64_t now_ms);

#endif
