/* i18n.c - message catalogue and language negotiation.
 *
 * The catalogue is one X-macro table (i18n.h), so a string cannot exist in
 * one language and be missing in the other: adding a key means writing both.
 *
 * Negotiation reads three hostile inputs (query string, Cookie,
 * Accept-Language). The parsers are small hand-written scanners over
 * (pointer, length) that never read past the length and never allocate;
 * anything they do not understand is skipped, never an error: a broken
 * header should still get a page, in French. */
#include "i18n.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char *const catalogue[CC_LANG_COUNT_][CC_MSG_COUNT_] = {
    [CC_LANG_FR] =
        {
#define CC_MSG_FR_(key, fr, en) [CC_MSG_##key] = fr,
            CC_MESSAGES(CC_MSG_FR_)
#undef CC_MSG_FR_
        },
    [CC_LANG_EN] =
        {
#define CC_MSG_EN_(key, fr, en) [CC_MSG_##key] = en,
            CC_MESSAGES(CC_MSG_EN_)
#undef CC_MSG_EN_
        },
};

const char *cc_tr(cc_lang lang, cc_msg m)
{
    if ((unsigned)lang >= CC_LANG_COUNT_) lang = CC_LANG_FR;
    if ((unsigned)m >= CC_MSG_COUNT_) return "";
    return catalogue[lang][m];
}

const char *cc_lang_code(cc_lang lang)
{
    return lang == CC_LANG_EN ? "en" : "fr";
}

int cc_lang_parse(const char *s, size_t n)
{
    if (n != 2) return -1;
    if (!strncasecmp(s, "fr", 2)) return CC_LANG_FR;
    if (!strncasecmp(s, "en", 2)) return CC_LANG_EN;
    return -1;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

static void trim(const char **s, size_t *n)
{
    while (*n && is_space(**s))
        (*s)++, (*n)--;
    while (*n && is_space((*s)[*n - 1]))
        (*n)--;
}

/* Find the value of name in a list of name=value pairs separated by sep
 * ('&' for a query, ';' for a Cookie header). The first occurrence wins. */
static int find_pair(const char *s, size_t n, char sep, const char *name, const char **value,
                     size_t *value_len)
{
    size_t name_len = strlen(name);
    while (n) {
        const char *end = memchr(s, sep, n);
        size_t part = end ? (size_t)(end - s) : n;
        const char *p = s;
        size_t pn = part;
        trim(&p, &pn);
        const char *eq = memchr(p, '=', pn);
        if (eq && (size_t)(eq - p) == name_len && !memcmp(p, name, name_len)) {
            const char *v = eq + 1;
            size_t vn = pn - name_len - 1;
            trim(&v, &vn);
            *value = v;
            *value_len = vn;
            return 1;
        }
        if (!end) break;
        s = end + 1;
        n -= part + 1;
    }
    return 0;
}

/* q-value of an Accept-Language parameter list (";q=0.8"), in thousandths;
 * 1000 when absent, -1 when malformed (the range is then ignored). */
static int parse_q(const char *s, size_t n)
{
    int q = 1000;
    while (n) {
        const char *end = memchr(s, ';', n);
        size_t part = end ? (size_t)(end - s) : n;
        const char *p = s;
        size_t pn = part;
        trim(&p, &pn);
        if (pn >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
            p += 2;
            pn -= 2;
            /* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) */
            if (pn == 0 || (p[0] != '0' && p[0] != '1')) return -1;
            int whole = p[0] - '0';
            int frac = 0, digits = 0;
            if (pn > 1) {
                if (p[1] != '.' || pn > 5) return -1;
                for (size_t i = 2; i < pn; i++) {
                    if (p[i] < '0' || p[i] > '9') return -1;
                    frac = frac * 10 + (p[i] - '0');
                    digits++;
                }
            }
            while (digits < 3)
                frac *= 10, digits++;
            q = whole * 1000 + frac;
            if (q > 1000) return -1;
        }
        if (!end) break;
        s = end + 1;
        n -= part + 1;
    }
    return q;
}

/* Best supported language in an Accept-Language value: highest q, earliest
 * on ties; "*" stands for the default. -1 when nothing acceptable. */
static int parse_accept_language(const char *s, size_t n)
{
    int best = -1, best_q = 0;
    while (n) {
        const char *end = memchr(s, ',', n);
        size_t part = end ? (size_t)(end - s) : n;
        const char *p = s;
        size_t pn = part;
        trim(&p, &pn);
        const char *semi = memchr(p, ';', pn);
        size_t range_len = semi ? (size_t)(semi - p) : pn;
        const char *range = p;
        trim(&range, &range_len);
        int q = semi ? parse_q(semi + 1, pn - (size_t)(semi - p) - 1) : 1000;
        /* primary subtag: up to '-' */
        const char *dash = memchr(range, '-', range_len);
        size_t primary = dash ? (size_t)(dash - range) : range_len;
        int lang = -1;
        if (range_len == 1 && range[0] == '*')
            lang = CC_LANG_FR;
        else
            lang = cc_lang_parse(range, primary);
        if (lang >= 0 && q > best_q) {
            best = lang;
            best_q = q;
        }
        if (!end) break;
        s = end + 1;
        n -= part + 1;
    }
    return best;
}

cc_lang cc_lang_negotiate(const char *query, size_t query_len, const char *cookie,
                          size_t cookie_len, const char *accept, size_t accept_len,
                          cc_lang_source *source)
{
    const char *v;
    size_t vn;
    int lang;
    cc_lang_source src = CC_LANG_FROM_DEFAULT;
    cc_lang result = CC_LANG_FR;
    if (query && find_pair(query, query_len, '&', "lang", &v, &vn) &&
        (lang = cc_lang_parse(v, vn)) >= 0) {
        result = (cc_lang)lang;
        src = CC_LANG_FROM_QUERY;
    } else if (cookie && find_pair(cookie, cookie_len, ';', "lang", &v, &vn) &&
               (lang = cc_lang_parse(v, vn)) >= 0) {
        result = (cc_lang)lang;
        src = CC_LANG_FROM_COOKIE;
    } else if (accept && (lang = parse_accept_language(accept, accept_len)) >= 0) {
        result = (cc_lang)lang;
        src = CC_LANG_FROM_HEADER;
    }
    if (source) *source = src;
    return result;
}

static int utc_date(uint64_t ms, struct tm *tm)
{
    time_t t = (time_t)(ms / 1000);
    return gmtime_r(&t, tm) ? 0 : -1;
}

size_t cc_i18n_date(cc_lang lang, uint64_t ms, char *buf, size_t cap)
{
    struct tm tm;
    int n;
    if (cap == 0) return 0;
    if (utc_date(ms, &tm)) {
        buf[0] = '\0';
        return 0;
    }
    const char *month = cc_tr(lang, (cc_msg)(CC_MSG_MONTH_1 + tm.tm_mon));
    if (lang == CC_LANG_EN)
        n = snprintf(buf, cap, "%s %d, %d", month, tm.tm_mday, tm.tm_year + 1900);
    else if (tm.tm_mday == 1)
        n = snprintf(buf, cap, "1er %s %d", month, tm.tm_year + 1900);
    else
        n = snprintf(buf, cap, "%d %s %d", tm.tm_mday, month, tm.tm_year + 1900);
    if (n < 0) return 0;
    return (size_t)n < cap ? (size_t)n : cap - 1;
}

size_t cc_i18n_date_iso(uint64_t ms, char *buf, size_t cap)
{
    struct tm tm;
    if (cap == 0) return 0;
    if (utc_date(ms, &tm)) {
        buf[0] = '\0';
        return 0;
    }
    size_t n = strftime(buf, cap, "%Y-%m-%d", &tm);
    if (n == 0) buf[0] = '\0';
    return n;
}
