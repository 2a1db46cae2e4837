/* home.c - the home page: the consultation's title and introduction, and
 * its themes with their state and dates.
 *
 * Data comes from two places, read one after the other, never nested: the
 * live view (ids, states, dates, counters, commitments) in a views read
 * transaction, then the texts from the ledger's bodies by commitment in a
 * ledger read transaction. Holding both at once would tie the two envs'
 * resize locks together (a views worker reads the ledger while it writes the
 * views), which is a lock-order cycle waiting to happen. A body removed in
 * between is shown as removed, as it would be a moment later anyway.
 *
 * When the live view has nothing yet (a fresh data directory, a view still
 * catching up, or no views at all), the page says so plainly instead of
 * failing: the site is usable from its first second. */
#include "body.h"
#include "error.h"
#include "layout.h"
#include "live.h"
#include "pages_common.h"
#include "site.h"

#include <stdio.h>
#include <string.h>

#define MAX_THEMES 32

typedef struct text_pair {
    h2o_iovec_t title, text;
    int removed;
} text_pair;

typedef struct home_data {
    int have_consultation;
    uint8_t consultation_c[32];
    text_pair consultation;
    uint32_t nthemes;
    cc_live_item themes[MAX_THEMES];
    text_pair theme_text[MAX_THEMES];
} home_data;

static void read_views(cc_site *s, home_data *d)
{
    MDB_txn *txn;
    if (!s->views || cc_views_read_begin(s->views, &txn)) return;
    const cc_live *lv = cc_views_state(s->views, &cc_projection_live);
    cc_live_text ct;
    if (lv && cc_live_consultation(txn, lv, &ct) == 0) {
        d->have_consultation = 1;
        memcpy(d->consultation_c, ct.commitment, 32);
    }
    uint64_t ids[MAX_THEMES], total = 0;
    uint32_t count = 0;
    cc_page page = {0, MAX_THEMES};
    if (lv && cc_live_list(txn, lv, 0, CC_ITEM_THEME, 0, CC_SORT_ORDER, 0, 0, page, ids, &count,
                           &total) == 0) {
        for (uint32_t i = 0; i < count && i < MAX_THEMES; i++)
            if (cc_live_item_get(txn, lv, ids[i], &d->themes[d->nthemes]) == 0) d->nthemes++;
    }
    cc_views_read_end(s->views, txn);
}

/* Decode the body under c (of an event of type t) and copy its title and
 * text into the pool. */
static void read_body(MDB_txn *txn, cc_ledger *l, h2o_mem_pool_t *pool, const uint8_t c[32],
                      cc_event_type t, text_pair *out)
{
    const uint8_t *nonce;
    cc_slice raw;
    cc_body b;
    if (cc_bodies_get(txn, l->bodies, c, &nonce, &raw) || cc_body_decode(t, raw.ptr, raw.len, &b)) {
        out->removed = 1;
        return;
    }
    if (b.f[CC_B_TITLE].ptr)
        out->title = h2o_strdup(pool, (const char *)b.f[CC_B_TITLE].ptr, b.f[CC_B_TITLE].len);
    if (b.f[CC_B_TEXT].ptr)
        out->text = h2o_strdup(pool, (const char *)b.f[CC_B_TEXT].ptr, b.f[CC_B_TEXT].len);
}

static void read_texts(cc_site *s, h2o_mem_pool_t *pool, home_data *d)
{
    MDB_txn *txn;
    if (!d->have_consultation && !d->nthemes) return;
    if (cc_ledger_read_begin(s->ledger, &txn)) {
        d->have_consultation = 0;
        d->nthemes = 0;
        return;
    }
    if (d->have_consultation)
        read_body(txn, s->ledger, pool, d->consultation_c, CC_EV_CONSULTATION_CONFIGURED,
                  &d->consultation);
    /* theme.created and theme.updated share one body schema */
    for (uint32_t i = 0; i < d->nthemes; i++)
        read_body(txn, s->ledger, pool, d->themes[i].commitment, CC_EV_THEME_CREATED,
                  &d->theme_text[i]);
    cc_ledger_read_end(s->ledger, txn);
}

/* Write a catalogue string whose "%s" conversions stand for dates, each
 * becoming a <time> element (the rest of the string is escaped text). */
static void text_with_dates(cc_html *h, cc_lang lang, const char *fmt, const uint64_t *ms, size_t n)
{
    size_t used = 0;
    const char *p = fmt;
    for (;;) {
        const char *conv = strstr(p, "%s");
        if (!conv || used == n) {
            cc_html_textz(h, p);
            return;
        }
        cc_html_text(h, p, (size_t)(conv - p));
        pg_time(h, lang, ms[used++]);
        p = conv + 2;
    }
}

static void theme_state(cc_html *h, cc_lang lang, uint8_t state)
{
    cc_msg m = CC_MSG_THEME_STATE_DRAFT;
    if (state == CC_THEME_OPEN) {
        cc_html_lit(h, "<p class=\"state state-open\">");
        m = CC_MSG_THEME_STATE_OPEN;
    } else if (state == CC_THEME_CLOSED) {
        cc_html_lit(h, "<p class=\"state state-closed\">");
        m = CC_MSG_THEME_STATE_CLOSED;
    } else {
        cc_html_lit(h, "<p class=\"state state-draft\">");
    }
    cc_html_textz(h, cc_tr(lang, CC_MSG_THEME_STATE_LABEL));
    cc_html_textz(h, cc_tr(lang, m));
    cc_html_lit(h, "</p>\n");
}

static void render(cc_html *h, cc_request *r, const home_data *d)
{
    cc_lang lang = r->lang;
    const char *title = cc_tr(lang, CC_MSG_HOME_FALLBACK_TITLE);
    if (d->have_consultation && d->consultation.title.base) title = d->consultation.title.base;
    cc_layout_begin(h, r, title);
    cc_html_lit(h, "<h1>");
    cc_html_textz(h, title);
    cc_html_lit(h, "</h1>\n");
    if (d->have_consultation && d->consultation.text.base) {
        cc_html_lit(h, "<div class=\"intro\">\n");
        cc_html_paragraphs(h, d->consultation.text.base, d->consultation.text.len);
        cc_html_lit(h, "</div>\n");
    } else if (!d->have_consultation) {
        cc_html_lit(h, "<p class=\"notice\">");
        cc_html_textz(h, cc_tr(lang, CC_MSG_HOME_FALLBACK_TEXT));
        cc_html_lit(h, "</p>\n");
    }

    cc_html_lit(h, "<h2 id=\"themes\">");
    cc_html_textz(h, cc_tr(lang, CC_MSG_THEMES_HEADING));
    cc_html_lit(h, "</h2>\n");
    if (!d->nthemes) {
        cc_html_lit(h, "<p>");
        cc_html_textz(h, cc_tr(lang, CC_MSG_NO_THEMES));
        cc_html_lit(h, "</p>\n");
    } else {
        cc_html_lit(h, "<ol class=\"themes\" aria-labelledby=\"themes\">\n");
        for (uint32_t i = 0; i < d->nthemes; i++) {
            const cc_live_item *it = &d->themes[i];
            const text_pair *tx = &d->theme_text[i];
            char id[32];
            snprintf(id, sizeof id, "theme-%llu", (unsigned long long)it->id);
            cc_html_lit(h, "<li><article");
            cc_html_attrz(h, "aria-labelledby", id);
            char href[48];
            snprintf(href, sizeof href, "/themes/%llu", (unsigned long long)it->id);
            cc_html_lit(h, "><h3");
            cc_html_attrz(h, "id", id);
            cc_html_lit(h, "><a");
            cc_html_href(h, href, strlen(href));
            cc_html_lit(h, ">");
            if (tx->title.base)
                cc_html_text(h, tx->title.base, tx->title.len);
            else
                cc_html_textz(h, cc_tr(lang, CC_MSG_CONTENT_REMOVED));
            cc_html_lit(h, "</a></h3>\n");
            theme_state(h, lang, it->state);
            if (it->opens_ms && it->closes_ms) {
                uint64_t dates[2] = {it->opens_ms, it->closes_ms};
                cc_html_lit(h, "<p class=\"dates\">");
                text_with_dates(h, lang, cc_tr(lang, CC_MSG_THEME_DATES), dates, 2);
                cc_html_lit(h, "</p>\n");
            }
            cc_html_lit(h, "<p class=\"counts\">");
            cc_html_textf(h, cc_tr(lang, CC_MSG_THEME_CONTRIBUTIONS), (unsigned)it->contributions);
            cc_html_lit(h, "</p>\n</article></li>\n");
        }
        cc_html_lit(h, "</ol>\n");
    }
    cc_layout_end(h, r);
}

void cc_page_home(cc_request *r)
{
    h2o_mem_pool_t *pool = &r->req->pool;
    home_data *d = h2o_mem_alloc_pool(pool, sizeof *d);
    memset(d, 0, sizeof *d);
    read_views(r->site, d);
    read_texts(r->site, pool, d);
    cc_html h;
    cc_html_init(&h, pool);
    render(&h, r, d);
    cc_layout_send(r, 200, &h);
}
