/* text.c - UTF-8, control-character and URL checks.
 *
 * The UTF-8 decoder follows the table of well-formed byte sequences in the
 * Unicode standard (chapter 3, table 3-7): it rejects overlong forms,
 * surrogates (ED A0..BF) and code points above U+10FFFF (F4 90.. and F5..FF),
 * so that every accepted text has exactly one meaning. */
#include "text.h"

#include "error.h"

#include <string.h>

/* Decode one code point at s[*i]; returns it or -1 when malformed. */
static long utf8_next(const unsigned char *s, size_t len, size_t *i)
{
    unsigned char c = s[*i];
    if (c < 0x80) {
        (*i)++;
        return c;
    }
    size_t need;
    long cp;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        cp = c & 0x0F;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        cp = c & 0x07;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else {
        return -1;
    }
    if (len - *i - 1 < need) return -1;
    for (size_t k = 1; k <= need; k++) {
        unsigned char b = s[*i + k];
        if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return -1;
        cp = (cp << 6) | (b & 0x3F);
    }
    *i += need + 1;
    return cp;
}

int cc_utf8_check(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        if (utf8_next(u, len, &i) < 0) return CC_EUTF8;
    }
    return 0;
}

int cc_text_check(const char *s, size_t len, size_t min, size_t max, int flags)
{
    if (len == 0 && min > 0) return CC_EEMPTY;
    if (len < min) return CC_EEMPTY;
    if (len > max) return CC_ETOOLONG;
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    int only_space = 1;
    while (i < len) {
        long cp = utf8_next(u, len, &i);
        if (cp < 0) return CC_EUTF8;
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
            if ((flags & CC_TEXT_MULTILINE) && (cp == '\n' || cp == '\t')) continue;
            return CC_ECONTROL;
        }
        if (cp != ' ') only_space = 0;
    }
    /* A required text made only of blanks is empty to a reader. */
    if (min > 0 && only_space) return CC_EEMPTY;
    return 0;
}

int cc_url_check(const char *s, size_t len, size_t max)
{
    if (len == 0 || len > max) return CC_EURL;
    size_t scheme;
    if (len > 8 && strncmp(s, "https://", 8) == 0)
        scheme = 8;
    else if (len > 7 && strncmp(s, "http://", 7) == 0)
        scheme = 7;
    else
        return CC_EURL;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' ||
            c == '`' || c == '{' || c == '|' || c == '}')
            return CC_EURL;
    }
    /* The host runs to the first '/', '?' or '#'; it must not be empty and
     * must not carry credentials. */
    size_t h = scheme;
    while (h < len && s[h] != '/' && s[h] != '?' && s[h] != '#') {
        if (s[h] == '@') return CC_EURL;
        h++;
    }
    if (h == scheme) return CC_EURL;
    if (s[scheme] == '.' || s[scheme] == ':' || s[scheme] == '-') return CC_EURL;
    return 0;
}

void cc_hex(const uint8_t *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

int cc_dec_parse(const char *s, size_t len, uint64_t *out)
{
    if (len == 0 || len > 20 || (len > 1 && s[0] == '0')) return CC_EINVAL;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return CC_EINVAL;
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10) return CC_EINVAL;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}
