/* markdown.h - participants' Markdown, rendered through the HTML writer.
 *
 * cmark parses (CommonMark, raw HTML never passed through); the HTML is not
 * cmark's renderer output but written node by node with html.h, so every
 * tag comes from a literal of markdown.c and every text and attribute is
 * escaped by the writer. Links keep only local paths and http(s) URLs
 * (cc_html_href) and carry rel="nofollow ugc noopener"; images become their
 * alternative text (the CSP would block remote images anyway); raw HTML,
 * inline or block, is dropped. Headings are shifted so that a participant's
 * "# Title" does not compete with the page's own headings. */
#ifndef CONCERTO_HTTP_MARKDOWN_H
#define CONCERTO_HTTP_MARKDOWN_H

#include "html.h"

/* Render text[0..n) into h. heading_base is the level of a Markdown level-1
 * heading (2..6; deeper levels are capped at 6). Returns 0, or -1 when cmark
 * could not parse (out of memory): then the text is written as escaped
 * paragraphs instead. */
int cc_markdown_render(cc_html *h, const char *text, size_t n, int heading_base);

#endif
