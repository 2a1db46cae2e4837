/* charts.c - horizontal bar charts in SVG, with a table fallback.
 *
 * Geometry is computed in integers: a fixed view box (width W, one row of
 * ROW_H per bar), labels left of the bars, values right of them. The SVG
 * scales with its container (viewBox, no fixed size). The <title> and
 * <desc> give the picture its accessible name and description; the table
 * after it carries the data for everyone. */
#include "charts.h"

#include <stdio.h>
#include <string.h>

#define W 640
#define LABEL_W 220
#define VALUE_W 70
#define ROW_H 28
#define BAR_H 18

static void attr_id(cc_html *h, const char *id, const char *suffix)
{
    char buf[96];
    snprintf(buf, sizeof buf, "%s-%s", id, suffix);
    cc_html_attrz(h, "id", buf);
}

void cc_chart_bars(cc_html *h, const cc_chart *c)
{
    uint64_t max = 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->values[i] > max) max = c->values[i];
    uint64_t height = (uint64_t)(c->n ? c->n : 1) * ROW_H + 8;
    char ids[200];
    snprintf(ids, sizeof ids, "%s-title %s-desc", c->id, c->id);
    char viewbox[64];
    snprintf(viewbox, sizeof viewbox, "0 0 %d %llu", W, (unsigned long long)height);

    cc_html_lit(h, "<figure class=\"chart\"");
    attr_id(h, c->id, "figure");
    cc_html_lit(h, ">\n<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" class=\"bars\"");
    cc_html_attrz(h, "viewBox", viewbox);
    cc_html_attrz(h, "aria-labelledby", ids);
    cc_html_lit(h, ">\n<title");
    attr_id(h, c->id, "title");
    cc_html_lit(h, ">");
    cc_html_textz(h, c->title);
    cc_html_lit(h, "</title>\n<desc");
    attr_id(h, c->id, "desc");
    cc_html_lit(h, ">");
    cc_html_textz(h, c->desc);
    cc_html_lit(h, "</desc>\n");
    for (size_t i = 0; i < c->n; i++) {
        uint64_t y = (uint64_t)i * ROW_H + 4;
        uint64_t span = W - LABEL_W - VALUE_W;
        uint64_t w = max ? c->values[i] * span / max : 0;
        if (c->values[i] && w == 0) w = 1;
        cc_html_lit(h, "<g class=\"bar\"><text class=\"label\" x=\"0\"");
        cc_html_attr_u64(h, "y", y + BAR_H - 4);
        cc_html_lit(h, ">");
        cc_html_textz(h, c->labels[i]);
        cc_html_lit(h, "</text><rect");
        cc_html_attr_u64(h, "x", LABEL_W);
        cc_html_attr_u64(h, "y", y);
        cc_html_attr_u64(h, "width", w);
        cc_html_attr_u64(h, "height", BAR_H);
        cc_html_lit(h, "></rect><text class=\"value\"");
        cc_html_attr_u64(h, "x", LABEL_W + w + 6);
        cc_html_attr_u64(h, "y", y + BAR_H - 4);
        cc_html_lit(h, ">");
        cc_html_u64(h, c->values[i]);
        cc_html_lit(h, "</text></g>\n");
    }
    cc_html_lit(h, "</svg>\n<table class=\"chart-data\">\n<caption>");
    cc_html_textz(h, c->title);
    cc_html_lit(h, "</caption>\n<thead><tr><th scope=\"col\">");
    cc_html_textz(h, c->label_head);
    cc_html_lit(h, "</th><th scope=\"col\">");
    cc_html_textz(h, c->value_head);
    cc_html_lit(h, "</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < c->n; i++) {
        cc_html_lit(h, "<tr><th scope=\"row\">");
        cc_html_textz(h, c->labels[i]);
        cc_html_lit(h, "</th><td>");
        cc_html_u64(h, c->values[i]);
        cc_html_lit(h, "</td></tr>\n");
    }
    cc_html_lit(h, "</tbody>\n</table>\n</figure>\n");
}
