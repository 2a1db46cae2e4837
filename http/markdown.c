/* markdown.c - Markdown to HTML by walking cmark's tree.
 *
 * cmark's own HTML renderer is safe by default in 0.30 (raw HTML replaced
 * by a comment, javascript:/vbscript:/file:/data: links emptied), but its
 * output is a string of markup we would have to trust as a whole. Walking
 * the tree instead keeps the project's rule: markup only from literals
 * (html.h). Every node type cmark can produce has a case; an unknown type
 * (a newer cmark) renders its children only, which loses formatting, never
 * safety. Raw HTML nodes are skipped entirely (CMARK_OPT_SAFE is passed as
 * well, for the record: it changes nothing in the tree). */
#include "markdown.h"

#include <cmark.h>
#include <string.h>

static void heading_tag(cc_html *h, int level, int close)
{
    switch (level) {
    case 2:
        if (close)
            cc_html_lit(h, "</h2>\n");
        else
            cc_html_lit(h, "<h2>");
        break;
    case 3:
        if (close)
            cc_html_lit(h, "</h3>\n");
        else
            cc_html_lit(h, "<h3>");
        break;
    case 4:
        if (close)
            cc_html_lit(h, "</h4>\n");
        else
            cc_html_lit(h, "<h4>");
        break;
    case 5:
        if (close)
            cc_html_lit(h, "</h5>\n");
        else
            cc_html_lit(h, "<h5>");
        break;
    default:
        if (close)
            cc_html_lit(h, "</h6>\n");
        else
            cc_html_lit(h, "<h6>");
        break;
    }
}

/* Paragraphs directly inside items of a tight list are written without <p>. */
static int in_tight_list(cmark_node *node)
{
    cmark_node *parent = cmark_node_parent(node);
    if (!parent || cmark_node_get_type(parent) != CMARK_NODE_ITEM) return 0;
    cmark_node *list = cmark_node_parent(parent);
    return list && cmark_node_get_list_tight(list);
}

static void literal_text(cc_html *h, cmark_node *node)
{
    const char *s = cmark_node_get_literal(node);
    if (s) cc_html_textz(h, s);
}

static void render_tree(cc_html *h, cmark_node *root, int base)
{
    cmark_iter *it = cmark_iter_new(root);
    if (!it) return;
    int in_image = 0; /* depth of images: their children are alt text */
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        int enter = ev == CMARK_EVENT_ENTER;
        switch (cmark_node_get_type(node)) {
        case CMARK_NODE_DOCUMENT:
            break;
        case CMARK_NODE_BLOCK_QUOTE:
            if (enter)
                cc_html_lit(h, "<blockquote>\n");
            else
                cc_html_lit(h, "</blockquote>\n");
            break;
        case CMARK_NODE_LIST:
            if (cmark_node_get_list_type(node) == CMARK_ORDERED_LIST) {
                if (enter) {
                    int start = cmark_node_get_list_start(node);
                    cc_html_lit(h, "<ol");
                    if (start != 1) cc_html_attr_u64(h, "start", start < 0 ? 0 : (uint64_t)start);
                    cc_html_lit(h, ">\n");
                } else {
                    cc_html_lit(h, "</ol>\n");
                }
            } else if (enter) {
                cc_html_lit(h, "<ul>\n");
            } else {
                cc_html_lit(h, "</ul>\n");
            }
            break;
        case CMARK_NODE_ITEM:
            if (enter)
                cc_html_lit(h, "<li>");
            else
                cc_html_lit(h, "</li>\n");
            break;
        case CMARK_NODE_CODE_BLOCK:
            cc_html_lit(h, "<pre><code>");
            literal_text(h, node);
            cc_html_lit(h, "</code></pre>\n");
            break;
        case CMARK_NODE_HTML_BLOCK:
        case CMARK_NODE_HTML_INLINE:
        case CMARK_NODE_CUSTOM_BLOCK:
        case CMARK_NODE_CUSTOM_INLINE:
            break; /* raw HTML and custom nodes: dropped */
        case CMARK_NODE_PARAGRAPH:
            if (in_tight_list(node)) break;
            if (enter)
                cc_html_lit(h, "<p>");
            else
                cc_html_lit(h, "</p>\n");
            break;
        case CMARK_NODE_HEADING: {
            int level = base + cmark_node_get_heading_level(node) - 1;
            heading_tag(h, level > 6 ? 6 : level, !enter);
            break;
        }
        case CMARK_NODE_THEMATIC_BREAK:
            cc_html_lit(h, "<hr>\n");
            break;
        case CMARK_NODE_TEXT:
            literal_text(h, node);
            break;
        case CMARK_NODE_SOFTBREAK:
            cc_html_lit(h, "\n");
            break;
        case CMARK_NODE_LINEBREAK:
            if (!in_image) cc_html_lit(h, "<br>\n");
            break;
        case CMARK_NODE_CODE:
            if (in_image) {
                literal_text(h, node);
                break;
            }
            cc_html_lit(h, "<code>");
            literal_text(h, node);
            cc_html_lit(h, "</code>");
            break;
        case CMARK_NODE_EMPH:
            if (in_image) break;
            if (enter)
                cc_html_lit(h, "<em>");
            else
                cc_html_lit(h, "</em>");
            break;
        case CMARK_NODE_STRONG:
            if (in_image) break;
            if (enter)
                cc_html_lit(h, "<strong>");
            else
                cc_html_lit(h, "</strong>");
            break;
        case CMARK_NODE_LINK:
            if (in_image) break;
            if (enter) {
                const char *url = cmark_node_get_url(node);
                cc_html_lit(h, "<a");
                cc_html_href(h, url ? url : "", url ? strlen(url) : 0);
                const char *title = cmark_node_get_title(node);
                if (title && *title) cc_html_attrz(h, "title", title);
                cc_html_lit(h, " rel=\"nofollow ugc noopener\">");
            } else {
                cc_html_lit(h, "</a>");
            }
            break;
        case CMARK_NODE_IMAGE:
            /* the alternative text only, as plain text */
            if (enter)
                in_image++;
            else
                in_image--;
            break;
        default:
            break;
        }
    }
    cmark_iter_free(it);
}

int cc_markdown_render(cc_html *h, const char *text, size_t n, int heading_base)
{
    if (heading_base < 2) heading_base = 2;
    if (heading_base > 6) heading_base = 6;
    cmark_node *doc = cmark_parse_document(text, n, CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8);
    if (!doc) {
        cc_html_paragraphs(h, text, n);
        return -1;
    }
    render_tree(h, doc, heading_base);
    cmark_node_free(doc);
    return 0;
}
