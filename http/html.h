/* html.h - an HTML writer that escapes every dynamic string by construction.
 *
 * There are two ways bytes get into a page:
 *   - markup, only through cc_html_lit(h, "<p class=\"x\">"): a macro that
 *     accepts nothing but a string literal (it pastes "" around its argument,
 *     so a variable does not compile);
 *   - everything else (titles, user text, catalogue strings, numbers, URLs)
 *     through functions that escape: cc_html_text, cc_html_attr, ...
 * A call site therefore cannot forget to escape, and a reviewer looking for
 * injection only has to read the literals.
 *
 * Escaping, for text and attribute values alike: & < > " ' become entities;
 * invalid UTF-8 (overlong forms, surrogates, beyond U+10FFFF, truncated
 * sequences) becomes U+FFFD; control characters other than tab and newline
 * (C0, DEL, C1) become U+FFFD too, so they are visible rather than silently
 * dropped. Carriage returns are dropped (text is stored with LF line ends).
 *
 * Memory: the page is a cc_out in the request's pool (out.h). */
#ifndef CONCERTO_HTTP_HTML_H
#define CONCERTO_HTTP_HTML_H

#include "out.h"

#include <stddef.h>
#include <stdint.h>

typedef struct cc_html {
    cc_out out;
} cc_html;

void cc_html_init(cc_html *h, h2o_mem_pool_t *pool);

/* Markup: string literals only (see above). */
#define cc_html_lit(h, literal) cc_html__raw((h), "" literal "", sizeof(literal) - 1)
void cc_html__raw(cc_html *h, const char *s, size_t n);

/* Escaped text. */
void cc_html_text(cc_html *h, const char *s, size_t n);
void cc_html_textz(cc_html *h, const char *s);
/* printf, then escape the whole result (arguments and format alike). */
void cc_html_textf(cc_html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cc_html_u64(cc_html *h, uint64_t v);

/* Text as paragraphs: blank lines separate <p> elements, single newlines
 * become <br>. Empty text writes nothing. */
void cc_html_paragraphs(cc_html *h, const char *s, size_t n);

/* An attribute: writes ` name="escaped value"`. The name must be a literal. */
#define cc_html_attr(h, name, value, len) cc_html__attr((h), "" name "", (value), (len))
#define cc_html_attrz(h, name, value) cc_html__attrz((h), "" name "", (value))
#define cc_html_attr_u64(h, name, value) cc_html__attr_u64((h), "" name "", (value))
void cc_html__attr(cc_html *h, const char *name, const char *value, size_t len);
void cc_html__attrz(cc_html *h, const char *name, const char *value);
void cc_html__attr_u64(cc_html *h, const char *name, uint64_t value);

/* An href: accepted only when the URL is a local absolute path ("/x", not
 * "//host"), a query ("?lang=en"), a fragment ("#main"), or an http(s) URL;
 * anything else (javascript:, data:, ...) is written as "#" instead.
 * Returns 0 when the URL was accepted, -1 when it was replaced. */
#define cc_html_href(h, url, len) cc_html__href((h), (url), (len))
int cc_html__href(cc_html *h, const char *url, size_t len);

/* The escaping primitive, exposed for tests and for the other writers of
 * the module (it appends to any cc_out). */
void cc_html_escape(cc_out *o, const char *s, size_t n);

#endif
