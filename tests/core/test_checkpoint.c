/* test_checkpoint.c - keys, signed notes and checkpoints against published
 * vectors, and the strictness of every parser.
 *
 * Published vectors (not computed by us):
 *   - golang.org/x/mod sumdb/note (note.go package doc and note_test.go):
 *     the PeterNeumann signer and verifier keys, its signed note (Ed25519 is
 *     deterministic, so signing the text must reproduce it byte for byte),
 *     the EnochRoot verifier and second signature, the key manglings of
 *     TestNewVerifier / TestNewSigner and the malformed notes of TestOpen;
 *   - the C2SP signed-note example key example.com/foo+530d903a and its note
 *     (quoted from the spec by several implementations' test suites; it is
 *     self-authenticating: the signature only verifies if it is genuine);
 *   - the body of the C2SP tlog-checkpoint example;
 *   - two checkpoints signed by sum.golang.org (as quoted in public test
 *     suites) with the Go checksum database's published verifier key from
 *     cmd/go/internal/modfetch/key.go: a real-world checkpoint, again
 *     self-authenticating. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "checkpoint.h"
#include "error.h"
#include "support.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- vectors -------------------------------------------------------------- */

#define GO_SKEY "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
#define GO_VKEY "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
#define GO_TEXT                                                                                    \
    "If you think cryptography is the answer to your problem,\n"                                   \
    "then you don't know what your problem is.\n"
#define PETER_SIG                                                                                  \
    "\xE2\x80\x94 PeterNeumann "                                                                   \
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=" \
    "\n"
#define GO_NOTE GO_TEXT "\n" PETER_SIG
#define ENOCH_VKEY "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
#define ENOCH_SIG                                                                                  \
    "\xE2\x80\x94 EnochRoot "                                                                      \
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=" \
    "\n"

#define SPEC_VKEY "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
#define SPEC_NOTE                                                                                  \
    "This is an example message.\n\n"                                                              \
    "\xE2\x80\x94 example.com/foo "                                                                \
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=" \
    "\n"

#define TLOG_BODY                                                                                  \
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
#define TLOG_NOTE                                                                                  \
    TLOG_BODY "\n\xE2\x80\x94 example.com/behind-the-sofa "                                        \
              "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/"                          \
              "Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"

#define SUMDB_VKEY "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"
#define SUMDB_NOTE_1                                                                               \
    "go.sum database tree\n31700353\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n\n"             \
    "\xE2\x80\x94 sum.golang.org "                                                                 \
    "Az3grnmrIUEDFqHzAElIQCPNoRFRAAdFo47fooyWKMHb89k11GJh5zHIfNCOBmwn/C3YI8oW9/C8DJ87F61QqspBYwM=" \
    "\n"
#define SUMDB_NOTE_2                                                                               \
    "go.sum database tree\n65209736\n5+uGFjx6xBZG8ip1+wi77v+grwbhhukIrxEUS8PXvRo=\n\n"             \
    "\xE2\x80\x94 sum.golang.org "                                                                 \
    "Az3grnbssgK7ubgFX36gVETtNv0U23qxyAhAMai2QUfeGa3nB/akvkMdlUErfcZz7l/R3cVtYspg3dxXABkGZZKdsQ8=" \
    "\n"

/* The size-8 root of the RFC 6962 reference tree (see test_merkle.c). */
#define ROOT8_HEX "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
#define ROOT8_B64 "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg="

/* ---- helpers -------------------------------------------------------------- */

static cc_hash H(const char *hex)
{
    cc_hash h;
    assert_int_equal(strlen(hex), 64);
    for (size_t i = 0; i < 32; i++) {
        unsigned v;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        h.b[i] = (uint8_t)v;
    }
    return h;
}

static int verify_str(const cc_verifier *v, const char *note)
{
    size_t body_len = 0;
    return cc_note_verify(v, note, strlen(note), &body_len);
}

static cc_verifier vkey(const char *text)
{
    cc_verifier v;
    assert_int_equal(cc_verifier_parse(text, strlen(text), &v), 0);
    return v;
}

static cc_signer peter_signer(void)
{
    cc_signer s;
    assert_int_equal(cc_signer_parse(GO_SKEY, strlen(GO_SKEY), &s), 0);
    return s;
}

/* A signer for the strictness tests. */
static void test_key(cc_signer *s, cc_verifier *v)
{
    char priv[512], pub[512];
    assert_int_equal(cc_signer_generate("example.com/log", priv, sizeof priv, pub, sizeof pub), 0);
    assert_int_equal(cc_signer_parse(priv, strlen(priv), s), 0);
    assert_int_equal(cc_verifier_parse(pub, strlen(pub), v), 0);
}

/* ---- names and keys ------------------------------------------------------- */

static void test_name_rules(void **state)
{
    (void)state;
    char long_name[CC_NOTE_NAME_MAX + 2];
    memset(long_name, 'a', sizeof long_name);
    long_name[CC_NOTE_NAME_MAX] = '\0';
    assert_int_equal(cc_note_name_valid(long_name), 0);
    long_name[CC_NOTE_NAME_MAX] = 'a';
    long_name[CC_NOTE_NAME_MAX + 1] = '\0';
    assert_int_equal(cc_note_name_valid(long_name), CC_EINVAL);

    assert_int_equal(cc_note_name_valid("example.com/log"), 0);
    assert_int_equal(cc_note_name_valid("PeterNeumann"), 0);
    assert_int_equal(cc_note_name_valid(""), CC_EINVAL);
    assert_int_equal(cc_note_name_valid("a+b"), CC_EINVAL);
    assert_int_equal(cc_note_name_valid("a b"), CC_EINVAL);
    assert_int_equal(cc_note_name_valid("a\tb"), CC_EINVAL);
    assert_int_equal(cc_note_name_valid("a\nb"), CC_EINVAL);
    assert_int_equal(cc_note_name_valid("a\x7f"), CC_EINVAL);
    assert_int_equal(cc_note_name_valid("caf\xC3\xA9"), CC_EINVAL);
    assert_int_equal(cc_note_name_valid(NULL), CC_EINVAL);
}

static void test_go_vector_keys(void **state)
{
    (void)state;
    cc_signer s = peter_signer();
    assert_string_equal(s.name, "PeterNeumann");
    assert_int_equal(s.key_id, 0xc74f20a3);

    /* The verifier derived from the private key is Go's published one. */
    cc_verifier v;
    char buf[512];
    cc_signer_verifier(&s, &v);
    assert_int_equal(cc_verifier_format(&v, buf, sizeof buf), 0);
    assert_string_equal(buf, GO_VKEY);

    cc_verifier parsed = vkey(GO_VKEY);
    assert_string_equal(parsed.name, "PeterNeumann");
    assert_int_equal(parsed.key_id, 0xc74f20a3);
    assert_memory_equal(parsed.public_key, v.public_key, 32);

    /* A trailing newline, as in a key file, is accepted; nothing else is. */
    assert_int_equal(cc_signer_parse(GO_SKEY "\n", strlen(GO_SKEY) + 1, &s), 0);
    assert_int_equal(cc_verifier_parse(GO_VKEY "\n", strlen(GO_VKEY) + 1, &parsed), 0);
    assert_int_equal(cc_signer_parse(GO_SKEY "\n\n", strlen(GO_SKEY) + 2, &s), CC_EKEY);
    assert_int_equal(cc_signer_parse(GO_SKEY " ", strlen(GO_SKEY) + 1, &s), CC_EKEY);
    assert_int_equal(cc_verifier_parse(GO_VKEY "\r\n", strlen(GO_VKEY) + 2, &parsed), CC_EKEY);

    /* The other published keys: the key id is derived as in Go. */
    cc_verifier e = vkey(ENOCH_VKEY);
    assert_int_equal(e.key_id, 0xaf0cfe78);
    cc_verifier f = vkey(SPEC_VKEY);
    assert_int_equal(f.key_id, 0x530d903a);
    assert_string_equal(f.name, "example.com/foo");
    /* The Go checksum database's key, whose base64 contains '+'. */
    cc_verifier g = vkey(SUMDB_VKEY);
    assert_int_equal(g.key_id, 0x033de0ae);
    assert_string_equal(g.name, "sum.golang.org");
    assert_int_equal(cc_verifier_format(&g, buf, sizeof buf), 0);
    assert_string_equal(buf, SUMDB_VKEY);
}

/* Go's TestNewVerifier and TestNewSigner: every proper substring and every
 * single-byte increment of a valid key must be refused. */
static void test_key_manglings(void **state)
{
    (void)state;
    const char *keys[2] = {GO_VKEY, GO_SKEY};
    for (int k = 0; k < 2; k++) {
        char b[128];
        size_t n = strlen(keys[k]);
        memcpy(b, keys[k], n + 1);
        for (size_t i = 0; i <= n; i++) {
            for (size_t j = i + 1; j <= n; j++) {
                if (i == 0 && j == n) continue;
                cc_verifier v;
                cc_signer s;
                int rc = k == 0 ? cc_verifier_parse(b + i, j - i, &v)
                                : cc_signer_parse(b + i, j - i, &s);
                if (rc != CC_EKEY) fail_msg("accepted %.*s", (int)(j - i), b + i);
            }
        }
        for (size_t i = 0; i < n; i++) {
            cc_verifier v;
            cc_signer s;
            b[i]++;
            int rc = k == 0 ? cc_verifier_parse(b, n, &v) : cc_signer_parse(b, n, &s);
            if (rc != CC_EKEY) fail_msg("accepted %s", b);
            b[i]--;
        }
    }
    cc_verifier v;
    /* Go's two extra bad keys: wrong key length and unknown algorithm, each
     * with a key id adjusted to match. */
    const char *bad[] = {
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        /* Ours: only lowercase hex, no name with '+' or space, no NUL. */
        "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW=",
        "PeterNeumann+c74f20a3+",
        "PeterNeumann+c74f20a3",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(cc_verifier_parse(bad[i], strlen(bad[i]), &v), CC_EKEY);
    assert_int_equal(cc_verifier_parse(GO_VKEY "\0", strlen(GO_VKEY) + 1, &v), CC_EKEY);
    /* A verifier key is not a private key and vice versa. */
    cc_signer s;
    assert_int_equal(cc_signer_parse(GO_VKEY, strlen(GO_VKEY), &s), CC_EKEY);
    assert_int_equal(cc_verifier_parse(GO_SKEY, strlen(GO_SKEY), &v), CC_EKEY);
}

static void test_generate_roundtrip(void **state)
{
    (void)state;
    char priv[512], pub[512], buf[512];
    assert_int_equal(cc_signer_generate("example.com/log", priv, sizeof priv, pub, sizeof pub), 0);
    assert_true(strncmp(priv, "PRIVATE+KEY+example.com/log+", 28) == 0);
    assert_true(strncmp(pub, "example.com/log+", 16) == 0);

    cc_signer s;
    cc_verifier v, derived;
    assert_int_equal(cc_signer_parse(priv, strlen(priv), &s), 0);
    assert_int_equal(cc_verifier_parse(pub, strlen(pub), &v), 0);
    cc_signer_verifier(&s, &derived);
    assert_string_equal(derived.name, v.name);
    assert_int_equal(derived.key_id, v.key_id);
    assert_int_equal(s.key_id, v.key_id);
    assert_memory_equal(derived.public_key, v.public_key, 32);
    assert_int_equal(cc_verifier_format(&v, buf, sizeof buf), 0);
    assert_string_equal(buf, pub);

    /* Two generated keys differ. */
    char priv2[512], pub2[512];
    assert_int_equal(cc_signer_generate("example.com/log", priv2, sizeof priv2, pub2, sizeof pub2),
                     0);
    assert_string_not_equal(priv, priv2);

    /* Sign then verify, and a checkpoint round trip. */
    char note[CC_CHECKPOINT_MAX];
    size_t len, body_len;
    assert_int_equal(cc_note_sign(&s, "hello\n", 6, note, sizeof note, &len), 0);
    assert_int_equal(cc_note_verify(&v, note, len, &body_len), 0);
    assert_int_equal(body_len, 6);

    cc_hash root = H(ROOT8_HEX), got;
    char origin[CC_NOTE_NAME_MAX + 1];
    uint64_t size;
    assert_int_equal(cc_checkpoint_sign(&s, "example.com/log", 8, &root, note, sizeof note, &len),
                     0);
    assert_int_equal(cc_checkpoint_open(&v, note, len, origin, &size, &got), 0);
    assert_string_equal(origin, "example.com/log");
    assert_int_equal(size, 8);
    assert_memory_equal(got.b, root.b, 32);
    /* origin_out may be NULL. */
    assert_int_equal(cc_checkpoint_open(&v, note, len, NULL, &size, &got), 0);
    /* Another key does not verify it. */
    cc_verifier other;
    assert_int_equal(cc_verifier_parse(pub2, strlen(pub2), &other), 0);
    assert_int_equal(cc_checkpoint_open(&other, note, len, origin, &size, &got), CC_ESIGNATURE);

    /* Bad names and small buffers (which leave empty strings behind). */
    size_t pub_len = strlen(pub);
    assert_int_equal(cc_signer_generate("a b", priv, sizeof priv, pub, sizeof pub), CC_EINVAL);
    assert_int_equal(cc_signer_generate("a+b", priv, sizeof priv, pub, sizeof pub), CC_EINVAL);
    assert_int_equal(cc_signer_generate("", priv, sizeof priv, pub, sizeof pub), CC_EINVAL);
    assert_int_equal(cc_signer_generate("example.com/log", priv, 40, pub, sizeof pub), CC_EINVAL);
    assert_int_equal(cc_signer_generate("example.com/log", priv, sizeof priv, pub, 40), CC_EINVAL);
    assert_int_equal(pub[0], '\0');
    assert_int_equal(cc_verifier_format(&v, buf, pub_len), CC_EINVAL);
    assert_int_equal(cc_verifier_format(&v, buf, pub_len + 1), 0);
    assert_int_equal(strlen(buf), pub_len);
}

/* ---- notes ---------------------------------------------------------------- */

static void test_go_vector_sign_and_open(void **state)
{
    (void)state;
    cc_signer s = peter_signer();
    char out[1024];
    size_t len;
    /* Ed25519 is deterministic: the output is Go's, byte for byte. */
    assert_int_equal(cc_note_sign(&s, GO_TEXT, strlen(GO_TEXT), out, sizeof out, &len), 0);
    assert_int_equal(len, strlen(GO_NOTE));
    assert_string_equal(out, GO_NOTE);

    cc_verifier peter = vkey(GO_VKEY), enoch = vkey(ENOCH_VKEY), foo = vkey(SPEC_VKEY);
    size_t body_len = 0;
    assert_int_equal(cc_note_verify(&peter, GO_NOTE, strlen(GO_NOTE), &body_len), 0);
    assert_int_equal(body_len, strlen(GO_TEXT));

    /* Two signatures: each verifier finds its own and ignores the other. */
    const char *two = GO_TEXT "\n" PETER_SIG ENOCH_SIG;
    assert_int_equal(verify_str(&peter, two), 0);
    assert_int_equal(verify_str(&enoch, two), 0);
    assert_int_equal(verify_str(&foo, two), CC_ESIGNATURE);
    /* Repeated identical signatures are fine. */
    assert_int_equal(verify_str(&peter, GO_TEXT "\n" PETER_SIG PETER_SIG ENOCH_SIG ENOCH_SIG), 0);

    /* The signed-note spec example. */
    assert_int_equal(cc_note_verify(&foo, SPEC_NOTE, strlen(SPEC_NOTE), &body_len), 0);
    assert_int_equal(body_len, strlen("This is an example message.\n"));
    assert_int_equal(verify_str(&peter, SPEC_NOTE), CC_ESIGNATURE);
}

static void test_sign_output_buffer(void **state)
{
    (void)state;
    cc_signer s = peter_signer();
    size_t need = strlen(GO_NOTE), len = 0;
    char out[1024];
    /* Exactly the note's size: no room for the NUL, still fine. */
    memset(out, 'x', sizeof out);
    assert_int_equal(cc_note_sign(&s, GO_TEXT, strlen(GO_TEXT), out, need, &len), 0);
    assert_int_equal(len, need);
    assert_memory_equal(out, GO_NOTE, need);
    assert_int_equal(out[need], 'x');
    assert_int_equal(cc_note_sign(&s, GO_TEXT, strlen(GO_TEXT), out, need - 1, &len), CC_EINVAL);
    /* The body may already sit at the start of out. */
    memcpy(out, GO_TEXT, strlen(GO_TEXT));
    assert_int_equal(cc_note_sign(&s, out, strlen(GO_TEXT), out, sizeof out, &len), 0);
    assert_string_equal(out, GO_NOTE);

    /* Bodies that are not note texts. */
    assert_int_equal(cc_note_sign(&s, "", 0, out, sizeof out, &len), CC_EINVAL);
    assert_int_equal(cc_note_sign(&s, "abc", 3, out, sizeof out, &len), CC_EINVAL);
    assert_int_equal(cc_note_sign(&s, "a\rb\n", 4, out, sizeof out, &len), CC_ECONTROL);
    assert_int_equal(cc_note_sign(&s, "a\0b\n", 4, out, sizeof out, &len), CC_ECONTROL);
    assert_int_equal(cc_note_sign(&s, "\xff\n", 2, out, sizeof out, &len), CC_EUTF8);
    assert_int_equal(cc_note_sign(&s, "\xC0\xAF\n", 3, out, sizeof out, &len), CC_EUTF8);
    assert_int_equal(cc_note_sign(&s, "\xED\xA0\x80\n", 4, out, sizeof out, &len), CC_EUTF8);
    /* Valid UTF-8 and blank lines inside the text are allowed: the text ends
     * at the last blank line. */
    const char *body = "caf\xC3\xA9 \xE2\x80\x94 ok\n\nsecond paragraph\n";
    assert_int_equal(cc_note_sign(&s, body, strlen(body), out, sizeof out, &len), 0);
    cc_verifier v = vkey(GO_VKEY);
    size_t body_len;
    assert_int_equal(cc_note_verify(&v, out, len, &body_len), 0);
    assert_int_equal(body_len, strlen(body));
}

static void test_verify_rejects_tampering(void **state)
{
    (void)state;
    cc_verifier peter = vkey(GO_VKEY);
    char buf[2048];

    /* Tampered text. */
    snprintf(buf, sizeof buf, "%s", GO_NOTE);
    buf[3] ^= 0x20;
    assert_int_equal(verify_str(&peter, buf), CC_ESIGNATURE);
    /* A character dropped from or added to the text. */
    assert_int_equal(verify_str(&peter, "If you think cryptography is the answer to your problem,\n"
                                        "then you don't know what your problem is!\n\n" PETER_SIG),
                     CC_ESIGNATURE);

    /* Tampered signature: one base64 character changed after the key id
     * (offset 17 is the start of the base64; 40 is inside the signature). */
    snprintf(buf, sizeof buf, "%s", GO_NOTE);
    char *sig = strstr(buf, "x08go/");
    assert_non_null(sig);
    sig[40] = sig[40] == 'A' ? 'B' : 'A';
    assert_int_equal(verify_str(&peter, buf), CC_ESIGNATURE);

    /* Go's TestOpen: "ABCD" inserted into the signature (still base64, now
     * 71 bytes, key id intact). */
    const char *ps = PETER_SIG;
    snprintf(buf, sizeof buf, "%s\n%.60sABCD%s", GO_TEXT, ps, ps + 60);
    assert_int_equal(verify_str(&peter, buf), CC_ESIGNATURE);

    /* Wrong key name (Go's misnamedSig) and wrong key id ("x08g" -> "xxxx"). */
    assert_int_equal(verify_str(&peter, GO_TEXT
                                "\n\xE2\x80\x94 CarmenSandiego "
                                "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZ"
                                "SNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"),
                     CC_ESIGNATURE);
    assert_int_equal(verify_str(&peter, GO_TEXT
                                "\n\xE2\x80\x94 PeterNeumann "
                                "xxxxo/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZ"
                                "SNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"),
                     CC_ESIGNATURE);

    /* An extra blank line makes it part of the signed text. */
    assert_int_equal(verify_str(&peter, GO_TEXT "\n\n\n" PETER_SIG), CC_ESIGNATURE);

    /* Right name and id but another public key. */
    cc_verifier impostor = peter;
    impostor.public_key[0] ^= 1;
    assert_int_equal(verify_str(&impostor, GO_NOTE), CC_ESIGNATURE);

    /* A second line from the same key with a bad signature: rejected even
     * though the first one verifies (stricter than Go, see checkpoint.c). */
    snprintf(buf, sizeof buf, "%s", GO_NOTE);
    sig = strstr(buf, "x08go/");
    sig[40] = sig[40] == 'A' ? 'B' : 'A';
    char both[4096];
    snprintf(both, sizeof both, "%s%s", GO_NOTE, buf + strlen(GO_TEXT) + 1);
    assert_int_equal(verify_str(&peter, both), CC_ESIGNATURE);
}

static void test_verify_rejects_malformed(void **state)
{
    (void)state;
    cc_verifier peter = vkey(GO_VKEY);
    char buf[40000];
    const char *bad[] = {
        /* Go's TestOpen badMsgs. */
        GO_TEXT,
        GO_TEXT "\n",
        GO_TEXT "\n" PETER_SIG "Unexpected line.\n",
        "\x01" GO_TEXT "\n" PETER_SIG,
        "\xff" GO_TEXT "\n" PETER_SIG,
        GO_TEXT "\n\xE2\x80\x94 Bad Name "
                "x08go/ZJkuBS9UG/"
                "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
        /* No blank line between text and signature. */
        GO_TEXT PETER_SIG,
        /* Bad base64: bad character, missing padding, non-zero trailing
         * bits, empty. */
        GO_TEXT "\n\xE2\x80\x94 PeterNeumann !!!!\n",
        GO_TEXT "\n\xE2\x80\x94 PeterNeumann "
                "x08go/ZJkuBS9UG/"
                "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n",
        GO_TEXT "\n\xE2\x80\x94 PeterNeumann "
                "x08go/ZJkuBS9UG/"
                "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAN=\n",
        GO_TEXT "\n\xE2\x80\x94 PeterNeumann \n",
        /* Too short to hold a key id and a signature. */
        GO_TEXT "\n\xE2\x80\x94 PeterNeumann AAAAAA==\n",
        /* Not an em dash; no space after it; name with '+' or a Unicode
         * space (U+00A0). */
        GO_TEXT "\n- PeterNeumann "
                "x08go/ZJkuBS9UG/"
                "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
        GO_TEXT "\n\xE2\x80\x94PeterNeumann "
                "x08go/ZJkuBS9UG/"
                "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
        GO_TEXT "\n\xE2\x80\x94 Peter+Neumann "
                "x08go/ZJkuBS9UG/"
                "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
        GO_TEXT "\n\xE2\x80\x94 Peter\xC2\xA0Neumann "
                "x08go/ZJkuBS9UG/"
                "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
        /* Control characters and bad UTF-8 anywhere, also in signatures. */
        "If you think\r\n" GO_TEXT "\n" PETER_SIG,
        GO_TEXT "\n" PETER_SIG "\xE2\x80\x94 x \xC0\xAF\n",
        "",
        "\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = verify_str(&peter, bad[i]);
        if (rc != CC_ECHECKPOINT) fail_msg("bad[%zu]: got %s", i, cc_err_name(rc));
    }
    /* Missing final newline (Go: peterSig[:len-1]). */
    assert_int_equal(cc_note_verify(&peter, GO_NOTE, strlen(GO_NOTE) - 1, &(size_t){0}),
                     CC_ECHECKPOINT);
    /* A NUL byte inside. */
    snprintf(buf, sizeof buf, "%s", GO_NOTE);
    buf[5] = '\0';
    assert_int_equal(cc_note_verify(&peter, buf, strlen(GO_NOTE), &(size_t){0}), CC_ECHECKPOINT);

    /* 100 signatures are accepted, 101 are not (Go's limit). */
    size_t n = (size_t)snprintf(buf, sizeof buf, "%s\n", GO_TEXT);
    for (int i = 0; i < 100; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s", PETER_SIG);
    assert_int_equal(cc_note_verify(&peter, buf, n, &(size_t){0}), 0);
    n += (size_t)snprintf(buf + n, sizeof buf - n, "%s", PETER_SIG);
    assert_int_equal(cc_note_verify(&peter, buf, n, &(size_t){0}), CC_ECHECKPOINT);

    /* A well-formed published note from a key we do not have: no signature
     * verifies, but it is not malformed. */
    assert_int_equal(verify_str(&peter, TLOG_NOTE), CC_ESIGNATURE);
}

/* ---- checkpoints ---------------------------------------------------------- */

static void test_checkpoint_body_format(void **state)
{
    (void)state;
    char out[CC_CHECKPOINT_MAX];
    size_t len;
    cc_hash root = H(ROOT8_HEX);
    assert_int_equal(cc_checkpoint_body("example.com/log", 8, &root, out, sizeof out, &len), 0);
    assert_string_equal(out, "example.com/log\n8\n" ROOT8_B64 "\n");
    assert_int_equal(len, strlen(out));

    /* The empty tree: size 0, root SHA-256(""). */
    cc_hash empty = H("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_int_equal(cc_checkpoint_body("example.com/log", 0, &empty, out, sizeof out, &len), 0);
    assert_string_equal(out, "example.com/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n");
    assert_int_equal(cc_checkpoint_body("l", UINT64_MAX, &empty, out, sizeof out, &len), 0);
    assert_string_equal(out,
                        "l\n18446744073709551615\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n");

    /* The tlog-checkpoint spec example body. */
    cc_hash sofa = H("0ac5186a91863e8e1d90c808014aa89bf5da8e3ee1d9f07630f0378f68f1ab62");
    assert_int_equal(
        cc_checkpoint_body("example.com/behind-the-sofa", 20852163, &sofa, out, sizeof out, &len),
        0);
    assert_string_equal(out, TLOG_BODY);

    /* Bad origins and a small buffer. */
    assert_int_equal(cc_checkpoint_body("a b", 1, &root, out, sizeof out, &len), CC_EINVAL);
    assert_int_equal(cc_checkpoint_body("", 1, &root, out, sizeof out, &len), CC_EINVAL);
    assert_int_equal(cc_checkpoint_body("a\nb", 1, &root, out, sizeof out, &len), CC_EINVAL);
    assert_int_equal(cc_checkpoint_body("example.com/log", 8, &root, out, 20, &len), CC_EINVAL);
}

static void test_checkpoint_real_world(void **state)
{
    (void)state;
    /* Checkpoints of the Go checksum database, signed by its key. Their
     * origin has spaces and differs from the key name: both allowed. */
    cc_verifier sumdb = vkey(SUMDB_VKEY);
    char origin[CC_NOTE_NAME_MAX + 1];
    uint64_t size;
    cc_hash root, want;

    assert_int_equal(
        cc_checkpoint_open(&sumdb, SUMDB_NOTE_1, strlen(SUMDB_NOTE_1), origin, &size, &root), 0);
    assert_string_equal(origin, "go.sum database tree");
    assert_int_equal(size, 31700353);
    want = H("a88352d464458561f076451ea8b1283f8c843244c1073c41906c0642556555cb");
    assert_memory_equal(root.b, want.b, 32);

    assert_int_equal(
        cc_checkpoint_open(&sumdb, SUMDB_NOTE_2, strlen(SUMDB_NOTE_2), origin, &size, &root), 0);
    assert_int_equal(size, 65209736);
    want = H("e7eb86163c7ac41646f22a75fb08bbeeffa0af06e186e908af11144bc3d7bd1a");
    assert_memory_equal(root.b, want.b, 32);

    /* One digit of the size changed: the signature no longer holds. */
    char buf[512];
    snprintf(buf, sizeof buf, "%s", SUMDB_NOTE_2);
    char *p = strstr(buf, "65209736");
    p[7] = '7';
    assert_int_equal(cc_checkpoint_open(&sumdb, buf, strlen(buf), origin, &size, &root),
                     CC_ESIGNATURE);
}

/* Sign an arbitrary body with s, then open it as a checkpoint. */
static int open_body(const cc_signer *s, const cc_verifier *v, const char *body, uint64_t *size,
                     cc_hash *root)
{
    char note[2048], origin[CC_NOTE_NAME_MAX + 1];
    size_t len;
    assert_int_equal(cc_note_sign(s, body, strlen(body), note, sizeof note, &len), 0);
    return cc_checkpoint_open(v, note, len, origin, size, root);
}

static void test_checkpoint_open_strict(void **state)
{
    (void)state;
    cc_signer s;
    cc_verifier v;
    test_key(&s, &v);
    uint64_t size = 12345;
    cc_hash root, want = H(ROOT8_HEX);

    struct {
        const char *body;
        int rc;
        uint64_t size;
    } cases[] = {
        {"example.com/log\n8\n" ROOT8_B64 "\n", 0, 8},
        {"example.com/log\n0\n" ROOT8_B64 "\n", 0, 0},
        {"example.com/log\n18446744073709551615\n" ROOT8_B64 "\n", 0, UINT64_MAX},
        /* Extension lines are allowed and ignored. */
        {"example.com/log\n8\n" ROOT8_B64 "\nextension one\n\xE2\x80\x94 two\n", 0, 8},
        /* Sizes that are not canonical decimal. */
        {"example.com/log\n08\n" ROOT8_B64 "\n", CC_ECHECKPOINT, 0},
        {"example.com/log\n00\n" ROOT8_B64 "\n", CC_ECHECKPOINT, 0},
        {"example.com/log\n-1\n" ROOT8_B64 "\n", CC_ECHECKPOINT, 0},
        {"example.com/log\n+1\n" ROOT8_B64 "\n", CC_ECHECKPOINT, 0},
        {"example.com/log\n 1\n" ROOT8_B64 "\n", CC_ECHECKPOINT, 0},
        {"example.com/log\n1 \n" ROOT8_B64 "\n", CC_ECHECKPOINT, 0},
        {"example.com/log\n0x10\n" ROOT8_B64 "\n", CC_ECHECKPOINT, 0},
        {"example.com/log\n\n" ROOT8_B64 "\n", CC_ECHECKPOINT, 0},
        {"example.com/log\n18446744073709551616\n" ROOT8_B64 "\n", CC_ECHECKPOINT, 0},
        {"example.com/log\n99999999999999999999\n" ROOT8_B64 "\n", CC_ECHECKPOINT, 0},
        {"example.com/log\n184467440737095516150\n" ROOT8_B64 "\n", CC_ECHECKPOINT, 0},
        /* Roots that are not exactly 32 bytes of canonical base64. */
        {"example.com/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQw==\n", CC_ECHECKPOINT, 0},
        {"example.com/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyga\n", CC_ECHECKPOINT, 0},
        {"example.com/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg\n", CC_ECHECKPOINT, 0},
        {"example.com/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyh=\n", CC_ECHECKPOINT, 0},
        {"example.com/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz-Nw7_RgQyg=\n", CC_ECHECKPOINT, 0},
        {"example.com/log\n8\n" ROOT8_B64 " \n", CC_ECHECKPOINT, 0},
        {"example.com/log\n8\n\n", CC_ECHECKPOINT, 0},
        /* Missing lines, empty origin, empty extension line. */
        {"example.com/log\n8\n", CC_ECHECKPOINT, 0},
        {"example.com/log\n", CC_ECHECKPOINT, 0},
        {"\n8\n" ROOT8_B64 "\n", CC_ECHECKPOINT, 0},
        {"example.com/log\n8\n" ROOT8_B64 "\n\nextension\n", CC_ECHECKPOINT, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = open_body(&s, &v, cases[i].body, &size, &root);
        if (rc != cases[i].rc)
            fail_msg("case %zu: got %s, want %s", i, cc_err_name(rc), cc_err_name(cases[i].rc));
        if (rc == 0) {
            assert_int_equal(size, cases[i].size);
            assert_memory_equal(root.b, want.b, 32);
        }
    }

    /* Origins up to CC_NOTE_NAME_MAX bytes fit origin_out; longer ones are
     * refused rather than truncated. */
    char body[1024], origin[CC_NOTE_NAME_MAX + 1];
    memset(body, 'o', CC_NOTE_NAME_MAX);
    snprintf(body + CC_NOTE_NAME_MAX, sizeof body - CC_NOTE_NAME_MAX, "\n1\n%s\n", ROOT8_B64);
    char note[2048];
    size_t len;
    assert_int_equal(cc_note_sign(&s, body, strlen(body), note, sizeof note, &len), 0);
    assert_int_equal(cc_checkpoint_open(&v, note, len, origin, &size, &root), 0);
    assert_int_equal(strlen(origin), CC_NOTE_NAME_MAX);
    memset(body, 'o', CC_NOTE_NAME_MAX + 1);
    snprintf(body + CC_NOTE_NAME_MAX + 1, sizeof body - CC_NOTE_NAME_MAX - 1, "\n1\n%s\n",
             ROOT8_B64);
    assert_int_equal(open_body(&s, &v, body, &size, &root), CC_ECHECKPOINT);

    /* Outputs are untouched on failure. */
    size = 777;
    memset(&root, 0xAB, sizeof root);
    assert_int_equal(open_body(&s, &v, "example.com/log\n08\n" ROOT8_B64 "\n", &size, &root),
                     CC_ECHECKPOINT);
    assert_int_equal(size, 777);
    assert_int_equal(root.b[0], 0xAB);
}

/* ---- key files ------------------------------------------------------------ */

static int dir_setup(void **state)
{
    *state = ct_tempdir("checkpoint");
    return 0;
}

/* Runs even when an assertion failed, so no key file is left behind. */
static int dir_teardown(void **state)
{
    ct_rmtree(*state);
    free(*state);
    return 0;
}

static void test_key_file(void **state)
{
    const char *dir = *state;
    char path[1024], path2[1024], priv[512], pub[512];
    snprintf(path, sizeof path, "%s/log.key", dir);
    snprintf(path2, sizeof path2, "%s/bad.key", dir);
    assert_int_equal(cc_signer_generate("example.com/log", priv, sizeof priv, pub, sizeof pub), 0);

    assert_int_equal(cc_signer_save(path, priv), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* The file is the key line and a newline, Go's format. */
    char content[1024];
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    size_t n = fread(content, 1, sizeof content - 1, fp);
    fclose(fp);
    content[n] = '\0';
    assert_int_equal(n, strlen(priv) + 1);
    assert_memory_equal(content, priv, strlen(priv));
    assert_int_equal(content[n - 1], '\n');

    cc_signer loaded, parsed;
    assert_int_equal(cc_signer_load(path, &loaded), 0);
    assert_int_equal(cc_signer_parse(priv, strlen(priv), &parsed), 0);
    assert_memory_equal(&loaded, &parsed, sizeof loaded);

    /* Never overwritten. */
    assert_int_equal(cc_signer_save(path, priv), -EEXIST);

    /* Group or other access: refused, whoever we are (also as root). */
    assert_int_equal(chmod(path, 0644), 0);
    assert_int_equal(cc_signer_load(path, &loaded), CC_EKEY);
    assert_int_equal(chmod(path, 0640), 0);
    assert_int_equal(cc_signer_load(path, &loaded), CC_EKEY);
    assert_int_equal(chmod(path, 0604), 0);
    assert_int_equal(cc_signer_load(path, &loaded), CC_EKEY);
    assert_int_equal(chmod(path, 0400), 0);
    assert_int_equal(cc_signer_load(path, &loaded), 0);

    /* Missing file, a directory, a file that is not a key. */
    snprintf(path2, sizeof path2, "%s/missing.key", dir);
    assert_int_equal(cc_signer_load(path2, &loaded), -ENOENT);
    assert_int_equal(chmod(dir, 0700), 0);
    assert_int_equal(cc_signer_load(dir, &loaded), CC_EKEY);
    snprintf(path2, sizeof path2, "%s/garbage.key", dir);
    int fd = open(path2, O_CREAT | O_EXCL | O_WRONLY, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, GO_VKEY "\n", strlen(GO_VKEY) + 1), (ssize_t)strlen(GO_VKEY) + 1);
    close(fd);
    assert_int_equal(cc_signer_load(path2, &loaded), CC_EKEY);

    /* Saving something that is not a private key writes nothing. */
    snprintf(path2, sizeof path2, "%s/refused.key", dir);
    assert_int_equal(cc_signer_save(path2, GO_VKEY), CC_EKEY);
    assert_int_equal(access(path2, F_OK), -1);
    /* A text that already ends in a newline gets no second one. */
    snprintf(path2, sizeof path2, "%s/go.key", dir);
    assert_int_equal(cc_signer_save(path2, GO_SKEY "\n"), 0);
    assert_int_equal(stat(path2, &st), 0);
    assert_int_equal(st.st_size, (off_t)strlen(GO_SKEY) + 1);
    assert_int_equal(cc_signer_load(path2, &loaded), 0);
    assert_int_equal(loaded.key_id, 0xc74f20a3);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_rules),
        cmocka_unit_test(test_go_vector_keys),
        cmocka_unit_test(test_key_manglings),
        cmocka_unit_test(test_generate_roundtrip),
        cmocka_unit_test(test_go_vector_sign_and_open),
        cmocka_unit_test(test_sign_output_buffer),
        cmocka_unit_test(test_verify_rejects_tampering),
        cmocka_unit_test(test_verify_rejects_malformed),
        cmocka_unit_test(test_checkpoint_body_format),
        cmocka_unit_test(test_checkpoint_real_world),
        cmocka_unit_test(test_checkpoint_open_strict),
        cmocka_unit_test_setup_teardown(test_key_file, dir_setup, dir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
