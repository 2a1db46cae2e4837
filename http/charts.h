/* charts.h - server-drawn SVG bar charts, accessible without the picture.
 *
 * A chart is a <figure>: an inline <svg role="img"> labelled by its <title>
 * and described by its <desc>, then the same numbers as a <table> with a
 * caption and header cells (what screen readers, text browsers and people
 * who want the exact numbers read). No script, no style attribute (the CSP
 * forbids inline styles): presentation comes from classes in the
 * stylesheet. All markup is from literals; labels and numbers go through the
 * HTML writer. */
#ifndef CONCERTO_HTTP_CHARTS_H
#define CONCERTO_HTTP_CHARTS_H

#include "html.h"

#include <stddef.h>
#include <stdint.h>

typedef struct cc_chart {
    const char *id;         /* unique in the page: ASCII letters, digits, '-' */
    const char *title;      /* the chart's title (also the table's caption) */
    const char *desc;       /* one sentence on what is counted */
    const char *label_head; /* header of the label column */
    const char *value_head; /* header of the value column */
    const char *const *labels;
    const uint64_t *values;
    size_t n;
} cc_chart;

/* Horizontal bars, one per label, longest = the largest value. */
void cc_chart_bars(cc_html *h, const cc_chart *c);

#endif
