/* checkpoint.h - signed checkpoints: C2SP tlog-checkpoint bodies signed as
 * C2SP signed-notes with Ed25519.
 *
 * A checkpoint note is:
 *     <origin>\n<size in decimal>\n<base64 root hash>\n\n
 *     \u2014 <key name> <base64(key id (4 bytes) || Ed25519 signature (64 bytes))>\n
 * The key id is the first 4 bytes of SHA-256(key name || 0x0A || 0x01 || public key).
 * The verifier key (what is published) is "<name>+<8 hex digits key id>+<base64(0x01 || pubkey)>".
 * The private key file holds "PRIVATE+KEY+<name>+<8 hex id>+<base64(0x01 || 32-byte seed)>\n",
 * the format of Go's golang.org/x/mod/sumdb/note, so existing tools can read it.
 * By convention the key name equals the checkpoint origin. */
#ifndef CONCERTO_CHECKPOINT_H
#define CONCERTO_CHECKPOINT_H

#include "merkle.h"

#include <stddef.h>
#include <stdint.h>

#define CC_NOTE_NAME_MAX 256
/* Upper bound of a checkpoint note we produce (origin <= 256 bytes). */
#define CC_CHECKPOINT_MAX 1024

typedef struct cc_signer {
    char name[CC_NOTE_NAME_MAX + 1];
    uint32_t key_id;
    uint8_t secret[64]; /* libsodium Ed25519 secret key (seed || public key) */
} cc_signer;

typedef struct cc_verifier {
    char name[CC_NOTE_NAME_MAX + 1];
    uint32_t key_id;
    uint8_t public_key[32];
} cc_verifier;

/* A key name is non-empty, at most CC_NOTE_NAME_MAX bytes, printable ASCII
 * without spaces and without '+'. Returns 0 when valid, CC_EINVAL otherwise
 * (not a boolean). All functions below that use libsodium call sodium_init()
 * themselves. */
int cc_note_name_valid(const char *name);

/* Generate a fresh key pair. Writes NUL-terminated texts into the buffers
 * (each needs 512 bytes): the private key line (without a newline;
 * cc_signer_save adds it) and the verifier key. CC_EINVAL for an invalid name
 * or a buffer too small. */
int cc_signer_generate(const char *name, char *private_text, size_t private_cap,
                       char *verifier_text, size_t verifier_cap);

/* Parse a private key text (one trailing newline allowed). CC_EKEY when it is
 * malformed or its key id does not match the key. */
int cc_signer_parse(const char *text, size_t len, cc_signer *out);
/* Read and parse a key file. Returns CC_EKEY if the file is readable by group
 * or others (mode must be 0600 or stricter), -errno if it cannot be read. */
int cc_signer_load(const char *path, cc_signer *out);
/* Write a private key file with mode 0600 (O_EXCL: never overwrites; -EEXIST),
 * then fsync it and its directory. CC_EKEY if the text is not a private key. */
int cc_signer_save(const char *path, const char *private_text);

void cc_signer_verifier(const cc_signer *s, cc_verifier *out);
/* Format a verifier key as text into buf (NUL-terminated). */
int cc_verifier_format(const cc_verifier *v, char *buf, size_t cap);
int cc_verifier_parse(const char *text, size_t len, cc_verifier *out);

/* Sign a note body (must be non-empty, end with '\n', valid UTF-8 without
 * other control characters). Writes body + "\n" + signature line into out;
 * *out_len is its length (also NUL-terminated when cap allows). CC_EINVAL for
 * an empty body, a missing final newline or a small cap; CC_EUTF8 and
 * CC_ECONTROL for bad text. */
int cc_note_sign(const cc_signer *s, const char *body, size_t body_len, char *out, size_t cap,
                 size_t *out_len);

/* Verify a signed note: finds the signature line whose key name and id match
 * the verifier and checks it (every such line must verify). Other signature
 * lines are ignored. On success
 * *body_len is the length of the body (the text before the blank line, with
 * its final newline). CC_ESIGNATURE when no matching valid signature exists,
 * CC_ECHECKPOINT when the note is malformed. */
int cc_note_verify(const cc_verifier *v, const char *note, size_t len, size_t *body_len);

/* Format the checkpoint body "<origin>\n<size>\n<base64 root>\n". */
int cc_checkpoint_body(const char *origin, uint64_t size, const cc_hash *root, char *out,
                       size_t cap, size_t *out_len);
/* Sign a checkpoint: body + signature, into out (CC_CHECKPOINT_MAX bytes). */
int cc_checkpoint_sign(const cc_signer *s, const char *origin, uint64_t size, const cc_hash *root,
                       char *out, size_t cap, size_t *out_len);
/* Verify a signed checkpoint note and parse its body. origin_out needs
 * CC_NOTE_NAME_MAX + 1 bytes (may be NULL). Extension lines after the root
 * are allowed and ignored. The origin is not compared with anything: the
 * caller checks it is the log it expects. CC_ECHECKPOINT for a malformed body
 * (non-canonical size, root not 32 bytes, empty or too long origin). */
int cc_checkpoint_open(const cc_verifier *v, const char *note, size_t len, char *origin_out,
                       uint64_t *size, cc_hash *root);

#endif
