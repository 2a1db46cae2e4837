/* html.c - escaping HTML writer.
 *
 * The writer's whole job is to make the safe thing the only thing: markup
 * comes from literals (the cc_html_lit macro), everything else is escaped
 * here, in one function, cc_html_escape. It escapes for the most demanding
 * context we ever write into (a double- or single-quoted attribute value),
 * so one routine serves text nodes and attributes alike; we never write
 * unquoted attributes, <script> or <style> contents, or URLs in event
 * handlers, which are the contexts where entity escaping is not enough.
 *
 * It also validates UTF-8 as it goes: the page is served as UTF-8, and a
 * byte sequence a browser would decode differently from what we checked is
 * how escaping gets bypassed. Bad sequences become U+FFFD, one per maximal
 * invalid subpart, as the WHATWG decoder would do. */
#include "html.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

void cc_html_init(cc_html *h, h2o_mem_pool_t *pool)
{
    cc_out_init(&h->out, pool);
}

void cc_html__raw(cc_html *h, const char *s, size_t n)
{
    cc_out_append(&h->out, s, n);
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when the bytes at s
 * do not start one; *bad receives how many bytes the invalid subpart spans
 * (at least 1) in that case. */
static size_t utf8_seq(const unsigned char *s, size_t n, size_t *bad)
{
    unsigned char c = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0; /* no overlong forms */
        else if (c == 0xED)
            hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90; /* no overlong forms */
        else if (c == 0xF4)
            hi = 0x8F; /* nothing beyond U+10FFFF */
    } else {
        *bad = 1;
        return 0;
    }
    size_t i = 1;
    for (; i < len && i < n; i++) {
        unsigned char b = s[i];
        if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) break;
    }
    if (i == len) return len;
    *bad = i;
    return 0;
}

void cc_html_escape(cc_out *o, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t start = 0, i = 0;
    while (i < n) {
        unsigned char c = s[i];
        const char *rep = NULL;
        size_t skip = 1;
        if (c < 0x80) {
            switch (c) {
            case '&':
                rep = "&amp;";
                break;
            case '<':
                rep = "&lt;";
                break;
            case '>':
                rep = "&gt;";
                break;
            case '"':
                rep = "&quot;";
                break;
            case '\'':
                rep = "&#39;";
                break;
            case '\t':
            case '\n':
                break;
            case '\r':
                rep = "";
                break;
            default:
                if (c < 0x20 || c == 0x7F) rep = replacement;
            }
        } else {
            size_t bad = 0, len = utf8_seq(s + i, n - i, &bad);
            if (len == 0) {
                rep = replacement;
                skip = bad;
            } else if (len == 2 && c == 0xC2 && s[i + 1] < 0xA0) {
                rep = replacement; /* C1 control characters U+0080..U+009F */
                skip = 2;
            } else {
                skip = len;
            }
        }
        if (rep) {
            cc_out_append(o, s + start, i - start);
            cc_out_append(o, rep, strlen(rep));
            start = i + skip;
        }
        i += skip;
    }
    cc_out_append(o, s + start, n - start);
}

void cc_html_text(cc_html *h, const char *s, size_t n)
{
    cc_html_escape(&h->out, s, n);
}

void cc_html_textz(cc_html *h, const char *s)
{
    if (s) cc_html_escape(&h->out, s, strlen(s));
}

void cc_html_textf(cc_html *h, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        cc_html_escape(&h->out, small, (size_t)n);
        return;
    }
    char *big = h2o_mem_alloc_pool(h->out.pool, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    cc_html_escape(&h->out, big, (size_t)n);
}

void cc_html_u64(cc_html *h, uint64_t v)
{
    cc_out_printf(&h->out, "%llu", (unsigned long long)v);
}

void cc_html_paragraphs(cc_html *h, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        /* skip blank lines between paragraphs */
        while (i < n && (s[i] == '\n' || s[i] == '\r'))
            i++;
        if (i >= n) break;
        size_t end = i;
        /* a paragraph ends at a blank line ("\n\n", CRs ignored) */
        for (;;) {
            const char *nl = memchr(s + end, '\n', n - end);
            if (!nl) {
                end = n;
                break;
            }
            size_t j = (size_t)(nl - s) + 1;
            while (j < n && s[j] == '\r')
                j++;
            if (j >= n || s[j] == '\n') {
                end = (size_t)(nl - s);
                break;
            }
            end = j;
        }
        cc_html_lit(h, "<p>");
        size_t line = i;
        while (line < end) {
            const char *nl = memchr(s + line, '\n', end - line);
            size_t stop = nl ? (size_t)(nl - s) : end;
            if (line != i) cc_html_lit(h, "<br>");
            cc_html_escape(&h->out, s + line, stop - line);
            line = stop + 1;
        }
        cc_html_lit(h, "</p>\n");
        i = end;
    }
}

void cc_html__attr(cc_html *h, const char *name, const char *value, size_t len)
{
    cc_out_append(&h->out, " ", 1);
    cc_out_puts(&h->out, name);
    cc_out_append(&h->out, "=\"", 2);
    cc_html_escape(&h->out, value, len);
    cc_out_append(&h->out, "\"", 1);
}

void cc_html__attrz(cc_html *h, const char *name, const char *value)
{
    cc_html__attr(h, name, value ? value : "", value ? strlen(value) : 0);
}

void cc_html__attr_u64(cc_html *h, const char *name, uint64_t value)
{
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%llu", (unsigned long long)value);
    cc_html__attr(h, name, buf, (size_t)n);
}

static int href_ok(const char *u, size_t n)
{
    if (n == 0) return 0;
    if (u[0] == '/') return n == 1 || u[1] != '/'; /* "//host" is another site */
    if (u[0] == '?' || u[0] == '#') return 1;
    if (n > 7 && !strncasecmp(u, "http://", 7)) return 1;
    if (n > 8 && !strncasecmp(u, "https://", 8)) return 1;
    return 0;
}

int cc_html__href(cc_html *h, const char *url, size_t len)
{
    /* Browsers strip tabs and newlines inside URLs ("java\tscript:"), so a
     * URL carrying any control character is refused outright. */
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)url[i] < 0x20 || url[i] == 0x7F) len = 0;
    int ok = href_ok(url, len);
    if (ok)
        cc_html__attr(h, "href", url, len);
    else
        cc_html__attr(h, "href", "#", 1);
    return ok ? 0 : -1;
}
