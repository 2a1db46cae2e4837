/* checkpoint.c - signed checkpoints: C2SP tlog-checkpoint bodies inside C2SP
 * signed notes, signed with Ed25519.
 *
 * What it does. The log publishes its state as a checkpoint, three lines
 * (origin, tree size, base64 root hash) signed as a "signed note":
 *
 *     example.com/log\n
 *     8\n
 *     XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n
 *     \n
 *     \u2014 example.com/log <base64(key id || Ed25519 signature)>\n
 *
 * Keys are written in the text formats of Go's golang.org/x/mod/sumdb/note
 * ("PRIVATE+KEY+name+id+key" and "name+id+key"), so existing witnesses,
 * monitors and the Go tooling can check our checkpoints and read our keys.
 *
 * Why this way. Everything here crosses a trust boundary: notes come from the
 * network, key files from disk. So the parsers are strict and accept exactly
 * one spelling of each thing: standard padded base64 with zero trailing bits,
 * lowercase 8-digit hex key ids, a tree size in canonical decimal ("0" or no
 * leading zero, no sign, at most 2^64 - 1), a root of exactly 32 bytes, key
 * names of printable ASCII without '+' (our own, narrower than the spec's
 * "no Unicode space, no plus", because names end up in file names, URLs and
 * logs). Two texts that mean the same checkpoint must be byte-identical, or
 * witnesses comparing notes would see a fork where there is none.
 *
 * Verification follows signed-note: signature lines from unknown keys (other
 * name or other id) are ignored, which is what lets witnesses add their
 * cosignatures; a line from the expected key (same name and id) must verify.
 * We go one step further than Go's note.Open, which checks only the first of
 * several lines from one key: every such line must verify, since a note that
 * carries a bad signature from our key was tampered with. A note that is not
 * well-formed (bad UTF-8, control characters, no blank line, a line that is
 * not a signature, bad base64, more than 100 signatures) is CC_ECHECKPOINT
 * even if a valid signature is also present.
 *
 * The checkpoint origin is returned, not compared: the caller knows which log
 * it expects and must compare it (by convention it equals the key name).
 *
 * Every public function that uses libsodium's Ed25519 or RNG calls
 * sodium_init() first (it is idempotent and thread-safe), so callers need not.
 * Secret material on the stack is wiped with sodium_memzero() before return. */
#include "checkpoint.h"

#include "bytes.h"
#include "error.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Signature type byte of Ed25519 in signed-note and in Go's key encodings. */
#define ALG_ED25519 0x01
#define KEY_ID_SIZE 4
#define ED_SIG_SIZE crypto_sign_BYTES
#define ED_PK_SIZE crypto_sign_PUBLICKEYBYTES
#define ED_SEED_SIZE crypto_sign_SEEDBYTES
#define NOTE_SIG_SIZE (KEY_ID_SIZE + ED_SIG_SIZE)
/* Go's note.Open refuses more than 100 signature lines; so do we. */
#define MAX_SIGNATURES 100
/* Largest decoded signature we accept on a line from another key. The spec
 * warns post-quantum signatures approach 5 kB. */
#define MAX_FOREIGN_SIG 8192
/* A key file is one line of about 330 bytes; anything much larger is not a
 * key file. */
#define KEY_FILE_MAX 1024

static const char em_dash_space[] = "\xE2\x80\x94 ";
#define EM_DASH_SPACE_LEN 4
static const char private_prefix[] = "PRIVATE+KEY+";
#define PRIVATE_PREFIX_LEN 12

static int sodium_ready(void)
{
    return sodium_init() < 0 ? CC_EIO : 0;
}

/* ---- text checks ---------------------------------------------------------- */

/* Decode one UTF-8 sequence at s[*i]; rejects overlong forms, surrogates and
 * code points above U+10FFFF. Returns 0 and advances *i, or -1. */
static int utf8_next(const uint8_t *s, size_t len, size_t *i, uint32_t *cp)
{
    uint8_t c = s[*i];
    uint32_t v;
    size_t n;
    uint32_t min;
    if (c < 0x80) {
        *cp = c;
        (*i)++;
        return 0;
    } else if ((c & 0xE0) == 0xC0) {
        v = c & 0x1F;
        n = 1;
        min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        v = c & 0x0F;
        n = 2;
        min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        v = c & 0x07;
        n = 3;
        min = 0x10000;
    } else {
        return -1;
    }
    if (len - *i <= n) return -1;
    for (size_t k = 1; k <= n; k++) {
        uint8_t d = s[*i + k];
        if ((d & 0xC0) != 0x80) return -1;
        v = (v << 6) | (d & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return -1;
    *cp = v;
    *i += n + 1;
    return 0;
}

/* signed-note: valid UTF-8, no ASCII control character but newline. */
static int text_check(const char *s, size_t len)
{
    const uint8_t *u = (const uint8_t *)s;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        if (utf8_next(u, len, &i, &cp) != 0) return CC_EUTF8;
        if (cp < 0x20 && cp != '\n') return CC_ECONTROL;
    }
    return 0;
}

/* Unicode White_Space (what Go's unicode.IsSpace reports), less the ASCII
 * controls that text_check has already excluded. */
static int is_unicode_space(uint32_t cp)
{
    return cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000;
}

/* The spec's rule for a key name on a signature line, which may come from a
 * key that is not ours: non-empty, no Unicode space, no '+'. The note has
 * already passed text_check, so the bytes are valid UTF-8. */
static int sig_name_ok(const char *s, size_t len)
{
    if (len == 0) return 0;
    const uint8_t *u = (const uint8_t *)s;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        if (utf8_next(u, len, &i, &cp) != 0) return 0;
        if (cp == '+' || is_unicode_space(cp)) return 0;
    }
    return 1;
}

/* Our own, narrower rule for the names we create and load (see top). */
static int name_ok(const char *s, size_t len)
{
    if (len == 0 || len > CC_NOTE_NAME_MAX) return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x21 || c > 0x7E || c == '+') return 0;
    }
    return 1;
}

int cc_note_name_valid(const char *name)
{
    if (!name) return CC_EINVAL;
    size_t len = strnlen(name, CC_NOTE_NAME_MAX + 1);
    return name_ok(name, len) ? 0 : CC_EINVAL;
}

/* ---- encodings ------------------------------------------------------------ */

/* Strict standard base64 of exactly `want` bytes (want == 0: any length up
 * to cap, length returned in *got). libsodium rejects characters outside the
 * alphabet, wrong padding, non-zero trailing bits and trailing garbage. */
static int b64_decode(const char *s, size_t len, uint8_t *out, size_t cap, size_t *got)
{
    size_t n = 0;
    if (len == 0) return -1;
    if (sodium_base642bin(out, cap, s, len, NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
        return -1;
    *got = n;
    return 0;
}

static int b64_decode_exact(const char *s, size_t len, uint8_t *out, size_t want)
{
    size_t got;
    if (b64_decode(s, len, out, want, &got) != 0 || got != want) return -1;
    return 0;
}

/* Eight lowercase hex digits, the only spelling Go's GenerateKey writes. */
static int parse_key_id(const char *s, size_t len, uint32_t *out)
{
    if (len != 8) return -1;
    uint32_t v = 0;
    for (size_t i = 0; i < 8; i++) {
        char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else
            return -1;
        v = (v << 4) | d;
    }
    *out = v;
    return 0;
}

/* key id = SHA-256(name || 0x0A || 0x01 || public key)[:4], big-endian. */
static uint32_t key_id(const char *name, size_t name_len, const uint8_t pk[ED_PK_SIZE])
{
    static const uint8_t sep[2] = {'\n', ALG_ED25519};
    uint8_t digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const uint8_t *)name, name_len);
    crypto_hash_sha256_update(&st, sep, sizeof sep);
    crypto_hash_sha256_update(&st, pk, ED_PK_SIZE);
    crypto_hash_sha256_final(&st, digest);
    return cc_get_be32(digest);
}

/* Split "<name>+<8 hex>+<base64>" (Go's chop at the first two '+'; the
 * base64 may itself contain '+'). */
static int split_key(const char *s, size_t len, const char **name, size_t *name_len, uint32_t *id,
                     const char **b64, size_t *b64_len)
{
    const char *plus = memchr(s, '+', len);
    if (!plus) return -1;
    *name = s;
    *name_len = (size_t)(plus - s);
    const char *hex = plus + 1;
    size_t rest = len - *name_len - 1;
    if (rest < 9 || hex[8] != '+') return -1;
    if (parse_key_id(hex, 8, id) != 0) return -1;
    *b64 = hex + 9;
    *b64_len = rest - 9;
    return 0;
}

static size_t strip_newline(const char *text, size_t len)
{
    return (len > 0 && text[len - 1] == '\n') ? len - 1 : len;
}

/* ---- keys ----------------------------------------------------------------- */

int cc_signer_generate(const char *name, char *private_text, size_t private_cap,
                       char *verifier_text, size_t verifier_cap)
{
    if (!name || !private_text || !verifier_text) return CC_EINVAL;
    if (cc_note_name_valid(name) != 0) return CC_EINVAL;
    int rc = sodium_ready();
    if (rc != 0) return rc;

    size_t name_len = strlen(name);
    uint8_t keydata[1 + ED_SEED_SIZE]; /* 0x01 || seed, as Go encodes it */
    uint8_t pk[ED_PK_SIZE], sk[crypto_sign_SECRETKEYBYTES];
    char b64[sodium_base64_ENCODED_LEN(1 + ED_SEED_SIZE, sodium_base64_VARIANT_ORIGINAL)];

    keydata[0] = ALG_ED25519;
    randombytes_buf(keydata + 1, ED_SEED_SIZE);
    crypto_sign_seed_keypair(pk, sk, keydata + 1);
    uint32_t id = key_id(name, name_len, pk);

    sodium_bin2base64(b64, sizeof b64, keydata, sizeof keydata, sodium_base64_VARIANT_ORIGINAL);
    int n =
        snprintf(private_text, private_cap, "%s%s+%08" PRIx32 "+%s", private_prefix, name, id, b64);
    if (n < 0 || (size_t)n >= private_cap) rc = CC_EINVAL;

    if (rc == 0) {
        cc_verifier v;
        memcpy(v.name, name, name_len + 1);
        v.key_id = id;
        memcpy(v.public_key, pk, ED_PK_SIZE);
        rc = cc_verifier_format(&v, verifier_text, verifier_cap);
    }
    if (rc != 0) {
        sodium_memzero(private_text, private_cap);
        if (verifier_cap > 0) verifier_text[0] = '\0';
    }
    sodium_memzero(keydata, sizeof keydata);
    sodium_memzero(sk, sizeof sk);
    sodium_memzero(b64, sizeof b64);
    return rc;
}

int cc_signer_parse(const char *text, size_t len, cc_signer *out)
{
    if (!text || !out) return CC_EINVAL;
    int rc = sodium_ready();
    if (rc != 0) return rc;
    memset(out, 0, sizeof *out);
    len = strip_newline(text, len);
    if (len < PRIVATE_PREFIX_LEN || memcmp(text, private_prefix, PRIVATE_PREFIX_LEN) != 0)
        return CC_EKEY;

    const char *name, *b64;
    size_t name_len, b64_len;
    uint32_t id;
    if (split_key(text + PRIVATE_PREFIX_LEN, len - PRIVATE_PREFIX_LEN, &name, &name_len, &id, &b64,
                  &b64_len) != 0)
        return CC_EKEY;
    if (!name_ok(name, name_len)) return CC_EKEY;

    uint8_t keydata[1 + ED_SEED_SIZE];
    uint8_t pk[ED_PK_SIZE];
    rc = CC_EKEY;
    if (b64_decode_exact(b64, b64_len, keydata, sizeof keydata) == 0 && keydata[0] == ALG_ED25519) {
        crypto_sign_seed_keypair(pk, out->secret, keydata + 1);
        /* The id names the public key; checking it catches a key file whose
         * name or id was edited, or a seed that was corrupted. */
        if (key_id(name, name_len, pk) == id) {
            memcpy(out->name, name, name_len);
            out->name[name_len] = '\0';
            out->key_id = id;
            rc = 0;
        }
    }
    sodium_memzero(keydata, sizeof keydata);
    if (rc != 0) sodium_memzero(out, sizeof *out);
    return rc;
}

int cc_signer_load(const char *path, cc_signer *out)
{
    if (!path || !out) return CC_EINVAL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    /* A private key that others can read is already compromised, and
     * refusing it (as ssh does) makes the mistake visible at start-up. */
    if (!S_ISREG(st.st_mode) || (st.st_mode & 077) != 0) {
        close(fd);
        return CC_EKEY;
    }

    char buf[KEY_FILE_MAX + 1];
    size_t len = 0;
    int rc = 0;
    for (;;) {
        ssize_t n = read(fd, buf + len, sizeof buf - len);
        if (n < 0) {
            if (errno == EINTR) continue;
            rc = -errno;
            break;
        }
        if (n == 0) break;
        len += (size_t)n;
        if (len == sizeof buf) {
            rc = CC_EKEY; /* too large to be a key file */
            break;
        }
    }
    close(fd);
    if (rc == 0) rc = cc_signer_parse(buf, len, out);
    sodium_memzero(buf, sizeof buf);
    return rc;
}

static int write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -errno;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* fsync the directory holding path, so that the new name survives a crash
 * and not only the file's contents. */
static int sync_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];
    if (!slash) {
        strcpy(dir, ".");
    } else if (slash == path) {
        strcpy(dir, "/");
    } else {
        size_t n = (size_t)(slash - path);
        if (n >= sizeof dir) return CC_EINVAL;
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -errno;
    int rc = 0;
    /* Some file systems cannot sync directories; that is not our failure. */
    if (fsync(fd) != 0 && errno != EINVAL) rc = -errno;
    close(fd);
    return rc;
}

int cc_signer_save(const char *path, const char *private_text)
{
    if (!path || !private_text) return CC_EINVAL;
    size_t len = strlen(private_text);
    /* Never write something that cc_signer_load would then refuse. */
    cc_signer check;
    int rc = cc_signer_parse(private_text, len, &check);
    sodium_memzero(&check, sizeof check);
    if (rc != 0) return rc;

    /* O_EXCL: a key is never silently replaced. 0600 from the start, so
     * there is no window in which the file is readable by others. */
    int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) return -errno;
    rc = write_all(fd, private_text, len);
    if (rc == 0 && (len == 0 || private_text[len - 1] != '\n')) rc = write_all(fd, "\n", 1);
    if (rc == 0 && fsync(fd) != 0) rc = -errno;
    if (close(fd) != 0 && rc == 0) rc = -errno;
    if (rc != 0) {
        unlink(path);
        return rc;
    }
    return sync_parent(path);
}

void cc_signer_verifier(const cc_signer *s, cc_verifier *out)
{
    memset(out, 0, sizeof *out);
    memcpy(out->name, s->name, sizeof out->name);
    out->key_id = s->key_id;
    /* libsodium's secret key is seed || public key. */
    memcpy(out->public_key, s->secret + ED_SEED_SIZE, ED_PK_SIZE);
}

int cc_verifier_format(const cc_verifier *v, char *buf, size_t cap)
{
    if (!v || !buf) return CC_EINVAL;
    if (cc_note_name_valid(v->name) != 0) return CC_EINVAL;
    uint8_t keydata[1 + ED_PK_SIZE];
    char b64[sodium_base64_ENCODED_LEN(1 + ED_PK_SIZE, sodium_base64_VARIANT_ORIGINAL)];
    keydata[0] = ALG_ED25519;
    memcpy(keydata + 1, v->public_key, ED_PK_SIZE);
    sodium_bin2base64(b64, sizeof b64, keydata, sizeof keydata, sodium_base64_VARIANT_ORIGINAL);
    int n = snprintf(buf, cap, "%s+%08" PRIx32 "+%s", v->name, v->key_id, b64);
    if (n < 0 || (size_t)n >= cap) {
        if (cap > 0) buf[0] = '\0';
        return CC_EINVAL;
    }
    return 0;
}

int cc_verifier_parse(const char *text, size_t len, cc_verifier *out)
{
    if (!text || !out) return CC_EINVAL;
    len = strip_newline(text, len);
    const char *name, *b64;
    size_t name_len, b64_len;
    uint32_t id;
    if (split_key(text, len, &name, &name_len, &id, &b64, &b64_len) != 0) return CC_EKEY;
    if (!name_ok(name, name_len)) return CC_EKEY;
    uint8_t keydata[1 + ED_PK_SIZE];
    if (b64_decode_exact(b64, b64_len, keydata, sizeof keydata) != 0) return CC_EKEY;
    if (keydata[0] != ALG_ED25519) return CC_EKEY;
    if (key_id(name, name_len, keydata + 1) != id) return CC_EKEY;
    memset(out, 0, sizeof *out);
    memcpy(out->name, name, name_len);
    out->key_id = id;
    memcpy(out->public_key, keydata + 1, ED_PK_SIZE);
    return 0;
}

/* ---- notes ---------------------------------------------------------------- */

int cc_note_sign(const cc_signer *s, const char *body, size_t body_len, char *out, size_t cap,
                 size_t *out_len)
{
    if (!s || !body || !out || !out_len) return CC_EINVAL;
    if (cc_note_name_valid(s->name) != 0) return CC_EINVAL;
    if (body_len == 0 || body[body_len - 1] != '\n') return CC_EINVAL;
    int rc = text_check(body, body_len);
    if (rc != 0) return rc;
    rc = sodium_ready();
    if (rc != 0) return rc;

    size_t name_len = strlen(s->name);
    char b64[sodium_base64_ENCODED_LEN(NOTE_SIG_SIZE, sodium_base64_VARIANT_ORIGINAL)];
    size_t b64_len = sizeof b64 - 1;
    size_t total = body_len + 1 + EM_DASH_SPACE_LEN + name_len + 1 + b64_len + 1;
    if (total > cap) return CC_EINVAL;

    uint8_t sig[NOTE_SIG_SIZE];
    cc_put_be32(sig, s->key_id);
    crypto_sign_detached(sig + KEY_ID_SIZE, NULL, (const uint8_t *)body, body_len, s->secret);
    sodium_bin2base64(b64, sizeof b64, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);

    /* memmove: the caller may sign a body already sitting at the start of
     * out. */
    char *p = out;
    memmove(p, body, body_len);
    p += body_len;
    *p++ = '\n';
    memcpy(p, em_dash_space, EM_DASH_SPACE_LEN);
    p += EM_DASH_SPACE_LEN;
    memcpy(p, s->name, name_len);
    p += name_len;
    *p++ = ' ';
    memcpy(p, b64, b64_len);
    p += b64_len;
    *p++ = '\n';
    if (total < cap) *p = '\0';
    *out_len = total;
    return 0;
}

int cc_note_verify(const cc_verifier *v, const char *note, size_t len, size_t *body_len)
{
    if (!v || !note || !body_len) return CC_EINVAL;
    int rc = sodium_ready();
    if (rc != 0) return rc;
    if (text_check(note, len) != 0) return CC_ECHECKPOINT;
    if (len < 2 || note[len - 1] != '\n') return CC_ECHECKPOINT;

    /* The text ends at the last blank line; signature lines are never blank,
     * so the last "\n\n" is the separator. */
    size_t split = SIZE_MAX;
    for (size_t i = len - 1; i-- > 0;) {
        if (note[i] == '\n' && note[i + 1] == '\n') {
            split = i;
            break;
        }
    }
    if (split == SIZE_MAX || split + 2 >= len) return CC_ECHECKPOINT;
    size_t text_len = split + 1;
    size_t v_name_len = strnlen(v->name, sizeof v->name);

    int matched = 0, bad = 0, count = 0;
    size_t pos = split + 2;
    while (pos < len) {
        const char *line = note + pos;
        const char *nl = memchr(line, '\n', len - pos); /* found: note ends with '\n' */
        size_t line_len = (size_t)(nl - line);
        pos += line_len + 1;

        if (++count > MAX_SIGNATURES) return CC_ECHECKPOINT;
        if (line_len < EM_DASH_SPACE_LEN || memcmp(line, em_dash_space, EM_DASH_SPACE_LEN) != 0)
            return CC_ECHECKPOINT;
        const char *name = line + EM_DASH_SPACE_LEN;
        size_t rest = line_len - EM_DASH_SPACE_LEN;
        const char *sp = memchr(name, ' ', rest);
        if (!sp) return CC_ECHECKPOINT;
        size_t name_len = (size_t)(sp - name);
        const char *b64 = sp + 1;
        size_t b64_len = rest - name_len - 1;
        if (!sig_name_ok(name, name_len)) return CC_ECHECKPOINT;

        uint8_t sig[KEY_ID_SIZE + MAX_FOREIGN_SIG];
        size_t sig_len;
        if (b64_decode(b64, b64_len, sig, sizeof sig, &sig_len) != 0) return CC_ECHECKPOINT;
        if (sig_len < KEY_ID_SIZE + 1) return CC_ECHECKPOINT;

        if (name_len != v_name_len || memcmp(name, v->name, name_len) != 0) continue;
        if (cc_get_be32(sig) != v->key_id) continue;
        matched = 1;
        if (sig_len != NOTE_SIG_SIZE ||
            crypto_sign_verify_detached(sig + KEY_ID_SIZE, (const uint8_t *)note, text_len,
                                        v->public_key) != 0)
            bad = 1;
    }
    if (!matched || bad) return CC_ESIGNATURE;
    *body_len = text_len;
    return 0;
}

/* ---- checkpoints ---------------------------------------------------------- */

int cc_checkpoint_body(const char *origin, uint64_t size, const cc_hash *root, char *out,
                       size_t cap, size_t *out_len)
{
    if (!origin || !root || !out || !out_len) return CC_EINVAL;
    if (cc_note_name_valid(origin) != 0) return CC_EINVAL;
    char b64[sodium_base64_ENCODED_LEN(CC_HASH_SIZE, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(b64, sizeof b64, root->b, CC_HASH_SIZE, sodium_base64_VARIANT_ORIGINAL);
    int n = snprintf(out, cap, "%s\n%" PRIu64 "\n%s\n", origin, size, b64);
    if (n < 0 || (size_t)n >= cap) {
        if (cap > 0) out[0] = '\0';
        return CC_EINVAL;
    }
    *out_len = (size_t)n;
    return 0;
}

int cc_checkpoint_sign(const cc_signer *s, const char *origin, uint64_t size, const cc_hash *root,
                       char *out, size_t cap, size_t *out_len)
{
    if (!s || !out || !out_len) return CC_EINVAL;
    char body[CC_CHECKPOINT_MAX];
    size_t body_len;
    int rc = cc_checkpoint_body(origin, size, root, body, sizeof body, &body_len);
    if (rc != 0) return rc;
    return cc_note_sign(s, body, body_len, out, cap, out_len);
}

/* Next line of body[*pos, len) without its newline; the body ends with '\n'
 * (cc_note_verify guarantees it). Returns -1 at the end. */
static int next_line(const char *body, size_t len, size_t *pos, const char **line, size_t *line_len)
{
    if (*pos >= len) return -1;
    const char *start = body + *pos;
    const char *nl = memchr(start, '\n', len - *pos);
    if (!nl) return -1;
    *line = start;
    *line_len = (size_t)(nl - start);
    *pos += *line_len + 1;
    return 0;
}

int cc_checkpoint_open(const cc_verifier *v, const char *note, size_t len, char *origin_out,
                       uint64_t *size, cc_hash *root)
{
    if (!v || !note || !size || !root) return CC_EINVAL;
    size_t body_len;
    int rc = cc_note_verify(v, note, len, &body_len);
    if (rc != 0) return rc;

    size_t pos = 0;
    const char *line;
    size_t line_len;
    /* Origin: non-empty. Anything else about it is the caller's policy (the
     * spec forbids assuming a format), but it must fit origin_out. */
    if (next_line(note, body_len, &pos, &line, &line_len) != 0) return CC_ECHECKPOINT;
    if (line_len == 0 || line_len > CC_NOTE_NAME_MAX) return CC_ECHECKPOINT;
    const char *origin = line;
    size_t origin_len = line_len;

    uint64_t n;
    if (next_line(note, body_len, &pos, &line, &line_len) != 0) return CC_ECHECKPOINT;
    if (cc_dec_parse(line, line_len, &n) != 0) return CC_ECHECKPOINT;

    cc_hash h;
    if (next_line(note, body_len, &pos, &line, &line_len) != 0) return CC_ECHECKPOINT;
    if (b64_decode_exact(line, line_len, h.b, CC_HASH_SIZE) != 0) return CC_ECHECKPOINT;

    /* Extension lines: opaque, but the spec says they MUST be non-empty. */
    while (next_line(note, body_len, &pos, &line, &line_len) == 0) {
        if (line_len == 0) return CC_ECHECKPOINT;
    }

    if (origin_out) {
        memcpy(origin_out, origin, origin_len);
        origin_out[origin_len] = '\0';
    }
    *size = n;
    *root = h;
    return 0;
}
