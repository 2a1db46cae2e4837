/* text.h - checks applied to every piece of text that enters the ledger.
 *
 * Text comes from browsers, forms and files, so it is hostile: every check
 * here is total (any byte sequence is either accepted or rejected with a
 * precise code) and runs in one pass without allocating. */
#ifndef CONCERTO_TEXT_H
#define CONCERTO_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* 0 when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates, nothing
 * above U+10FFFF), CC_EUTF8 otherwise. */
int cc_utf8_check(const char *s, size_t len);

enum cc_text_flags {
    CC_TEXT_SINGLE_LINE = 0, /* no control characters at all */
    CC_TEXT_MULTILINE = 1,   /* '\n' and '\t' allowed */
};

/* A user text: valid UTF-8, between min and max bytes, without control
 * characters (C0, DEL, C1) except those the flags allow. Returns CC_EEMPTY,
 * CC_ETOOLONG, CC_EUTF8 or CC_ECONTROL. */
int cc_text_check(const char *s, size_t len, size_t min, size_t max, int flags);

/* An absolute http(s) URL with a host, printable ASCII only (IRIs must be
 * percent-encoded), at most max bytes. CC_EURL otherwise. */
int cc_url_check(const char *s, size_t len, size_t max);

/* Lowercase hex of n bytes into out (2n + 1 bytes, NUL-terminated). */
void cc_hex(const uint8_t *in, size_t n, char *out);

/* A canonical decimal u64 in exactly s[0..len): "0", or a non-zero digit
 * then digits; no sign, no space, no overflow. Every number has one
 * spelling, so ids in URLs and API parameters and sizes in checkpoints
 * cannot alias. 0 and *out set, or CC_EINVAL (*out untouched). */
int cc_dec_parse(const char *s, size_t len, uint64_t *out);

#endif
