/* pages_theme.c - /themes/<id> with its three tabs (the seed FAQ's
 * "onglets"): Consultation (/themes/<id>: its sections with their counts),
 * Synthèse (/themes/<id>/synthese: the published synthesis and the
 * statistics, with charts) and Recommandations (/themes/<id>/recommandations).
 *
 * Statistics of a closed theme are the copy frozen at its close, with the
 * log size they were computed at; an open theme shows the current counters
 * with the views' position (read before the transaction: a lower bound of
 * what the snapshot includes, never an overstatement). */
#include "charts.h"
#include "pages_common.h"
#include "stats.h"

#include <stdio.h>
#include <string.h>

#define MAX_SECTIONS 32
#define MAX_DAYS 120

enum { TAB_CONSULTATION, TAB_SYNTHESIS, TAB_RECOMMENDATIONS };

typedef struct theme_data {
    cc_live_item theme;
    uint32_t nsections;
    cc_live_item sections[MAX_SECTIONS];
    pg_text section_text[MAX_SECTIONS];
    pg_text text;
    int have_pub;
    cc_live_text pub;
    pg_text pub_text;
    int frozen;
    uint64_t log_size;
    cc_stats_counts counts;
    uint32_t ndays;
    cc_stats_day days[MAX_DAYS];
} theme_data;

static void tab_link(cc_html *h, cc_lang lang, uint64_t id, const char *suffix, cc_msg m,
                     int current)
{
    char url[64];
    snprintf(url, sizeof url, "/themes/%llu%s", (unsigned long long)id, suffix);
    cc_html_lit(h, "<li><a");
    cc_html_href(h, url, strlen(url));
    if (current) cc_html_lit(h, " aria-current=\"page\"");
    cc_html_lit(h, ">");
    cc_html_textz(h, cc_tr(lang, m));
    cc_html_lit(h, "</a></li>\n");
}

static void counter_row(cc_html *h, cc_lang lang, cc_msg m, uint64_t v)
{
    cc_html_lit(h, "<tr><th scope=\"row\">");
    cc_html_textz(h, cc_tr(lang, m));
    cc_html_lit(h, "</th><td>");
    cc_html_u64(h, v);
    cc_html_lit(h, "</td></tr>\n");
}

static void render_stats(cc_html *h, cc_lang lang, h2o_mem_pool_t *pool, const theme_data *d)
{
    const cc_stats_counts *c = &d->counts;
    cc_html_lit(h, "<section aria-labelledby=\"stats\"><h2 id=\"stats\">");
    cc_html_textz(h, cc_tr(lang, CC_MSG_PG_STATS));
    cc_html_lit(h, "</h2>\n<p class=\"basis\">");
    cc_html_textf(h, cc_tr(lang, d->frozen ? CC_MSG_PG_STATS_FROZEN : CC_MSG_PG_STATS_LIVE),
                  (unsigned long long)d->log_size);
    cc_html_lit(h, "</p>\n<table class=\"counters\">\n<caption>");
    cc_html_textz(h, cc_tr(lang, CC_MSG_PG_COUNTERS));
    cc_html_lit(h, "</caption>\n<thead><tr><th scope=\"col\">");
    cc_html_textz(h, cc_tr(lang, CC_MSG_PG_COL_WHAT));
    cc_html_lit(h, "</th><th scope=\"col\">");
    cc_html_textz(h, cc_tr(lang, CC_MSG_PG_COL_COUNT));
    cc_html_lit(h, "</th></tr></thead>\n<tbody>\n");
    counter_row(h, lang, CC_MSG_PG_C_CONTRIBUTIONS, c->contributions);
    counter_row(h, lang, CC_MSG_PG_C_EDITS, c->edits);
    counter_row(h, lang, CC_MSG_PG_C_ARGS_FOR, c->arguments_for);
    counter_row(h, lang, CC_MSG_PG_C_ARGS_AGAINST, c->arguments_against);
    counter_row(h, lang, CC_MSG_PG_C_SOURCES, c->sources);
    counter_row(h, lang, CC_MSG_PG_C_COMMENTS, c->comments);
    counter_row(h, lang, CC_MSG_PG_C_PARTICIPANTS, c->participants);
    counter_row(h, lang, CC_MSG_PG_C_FLAGS, c->flags);
    counter_row(h, lang, CC_MSG_PG_C_TRASHED, c->trashed);
    counter_row(h, lang, CC_MSG_PG_C_REMOVED, c->removed);
    cc_html_lit(h, "</tbody>\n</table>\n");

    const char *vlabels[3] = {cc_tr(lang, CC_MSG_PG_VOTE_AGREE),
                              cc_tr(lang, CC_MSG_PG_VOTE_MITIGATED),
                              cc_tr(lang, CC_MSG_PG_VOTE_DISAGREE)};
    uint64_t vvalues[3] = {c->votes_agree, c->votes_mitigated, c->votes_disagree};
    cc_chart votes = {"chart-votes",
                      cc_tr(lang, CC_MSG_PG_CHART_VOTES),
                      cc_tr(lang, CC_MSG_PG_CHART_VOTES_DESC),
                      cc_tr(lang, CC_MSG_PG_COL_VALUE),
                      cc_tr(lang, CC_MSG_PG_COL_COUNT),
                      vlabels,
                      vvalues,
                      3};
    cc_chart_bars(h, &votes);

    static const cc_msg sm[] = {CC_MSG_PG_STATUS_1, CC_MSG_PG_STATUS_2, CC_MSG_PG_STATUS_3,
                                CC_MSG_PG_STATUS_4, CC_MSG_PG_STATUS_5};
    const char *slabels[5];
    uint64_t svalues[5];
    for (int i = 0; i < 5; i++) {
        slabels[i] = cc_tr(lang, sm[i]);
        svalues[i] = c->participants_by_status[i + 1];
    }
    cc_chart status = {"chart-status",
                       cc_tr(lang, CC_MSG_PG_CHART_STATUS),
                       cc_tr(lang, CC_MSG_PG_CHART_STATUS_DESC),
                       cc_tr(lang, CC_MSG_PG_COL_STATUS),
                       cc_tr(lang, CC_MSG_PG_COL_COUNT),
                       slabels,
                       svalues,
                       5};
    cc_chart_bars(h, &status);

    if (d->ndays) {
        const char **dl = h2o_mem_alloc_pool(pool, sizeof *dl * d->ndays);
        uint64_t *dv = h2o_mem_alloc_pool(pool, sizeof *dv * d->ndays);
        for (uint32_t i = 0; i < d->ndays; i++) {
            char *buf = h2o_mem_alloc_pool(pool, 16);
            cc_i18n_date_iso((uint64_t)d->days[i].day * 86400000ull, buf, 16);
            dl[i] = buf;
            const cc_stats_day *x = &d->days[i];
            dv[i] = x->contributions + x->arguments + x->sources + x->comments + x->votes;
        }
        cc_chart days = {"chart-days",
                         cc_tr(lang, CC_MSG_PG_CHART_DAYS),
                         cc_tr(lang, CC_MSG_PG_CHART_DAYS_DESC),
                         cc_tr(lang, CC_MSG_PG_COL_DAY),
                         cc_tr(lang, CC_MSG_PG_COL_COUNT),
                         dl,
                         dv,
                         d->ndays};
        cc_chart_bars(h, &days);
    }
    cc_html_lit(h, "</section>\n");
}

static void render_publication(cc_html *h, cc_lang lang, const theme_data *d, cc_msg none)
{
    if (!d->have_pub) {
        pg_p_msg(h, lang, none);
        return;
    }
    cc_html_lit(h, "<article class=\"publication\">\n");
    if (d->pub_text.f[CC_B_TITLE].base) {
        cc_html_lit(h, "<h2>");
        cc_html_text(h, d->pub_text.f[CC_B_TITLE].base, d->pub_text.f[CC_B_TITLE].len);
        cc_html_lit(h, "</h2>\n");
    }
    cc_html_lit(h, "<p class=\"meta\">");
    cc_html_textz(h, cc_tr(lang, CC_MSG_PG_PUBLISHED_ON));
    pg_time(h, lang, d->pub.ts);
    cc_html_lit(h, ". ");
    cc_html_textf(h, cc_tr(lang, CC_MSG_PG_BASED_ON), (unsigned long long)d->pub.log_size);
    cc_html_lit(h, "</p>\n");
    pg_markdown(h, lang, d->pub_text.f[CC_B_TEXT], 3);
    cc_html_lit(h, "</article>\n");
}

void cc_page_theme(cc_request *r)
{
    uint64_t id;
    h2o_iovec_t rest;
    if (pg_path_id(r, sizeof "/themes/" - 1, &id, &rest)) {
        pg_error(r, 404, CC_MSG_PG_BAD_ID);
        return;
    }
    int tab;
    if (rest.len == 0)
        tab = TAB_CONSULTATION;
    else if (h2o_memis(rest.base, rest.len, H2O_STRLIT("/synthese")))
        tab = TAB_SYNTHESIS;
    else if (h2o_memis(rest.base, rest.len, H2O_STRLIT("/recommandations")))
        tab = TAB_RECOMMENDATIONS;
    else {
        pg_error(r, 404, CC_MSG_ERROR_NOT_FOUND_TEXT);
        return;
    }
    h2o_mem_pool_t *pool = &r->req->pool;
    theme_data *d = h2o_mem_alloc_pool(pool, sizeof *d);
    memset(d, 0, sizeof *d);
    uint64_t position = r->site->views ? cc_views_position(r->site->views) : 0;
    MDB_txn *txn;
    if (pg_views_begin(r, &txn)) return;
    const cc_live *lv = pg_live(r);
    if (cc_live_item_get(txn, lv, id, &d->theme) || d->theme.kind != CC_ITEM_THEME) {
        cc_views_read_end(r->site->views, txn);
        pg_error(r, 404, CC_MSG_PG_NOT_FOUND_ITEM);
        return;
    }
    if (tab == TAB_CONSULTATION) {
        uint64_t ids[MAX_SECTIONS], total;
        uint32_t count = 0;
        cc_page pg = {0, MAX_SECTIONS};
        if (cc_live_list(txn, lv, id, CC_ITEM_SECTION, 0, CC_SORT_ORDER, 0, 0, pg, ids, &count,
                         &total) == 0)
            for (uint32_t i = 0; i < count; i++)
                if (cc_live_item_get(txn, lv, ids[i], &d->sections[d->nsections]) == 0)
                    d->nsections++;
    } else {
        cc_event_type kind =
            tab == TAB_SYNTHESIS ? CC_EV_SYNTHESIS_PUBLISHED : CC_EV_RECOMMENDATIONS_PUBLISHED;
        d->have_pub = cc_live_publication(txn, lv, id, kind, &d->pub) == 0;
        if (tab == TAB_SYNTHESIS) {
            const cc_stats *sv = cc_views_state(r->site->views, &cc_projection_stats);
            if (sv) {
                if (d->theme.state == CC_THEME_CLOSED &&
                    cc_stats_frozen(txn, sv, id, &d->counts, &d->log_size) == 0) {
                    d->frozen = 1;
                } else {
                    cc_stats_get(txn, sv, id, &d->counts);
                    d->log_size = position;
                }
                uint64_t tdays = 0;
                cc_stats_days(txn, sv, id, 0, MAX_DAYS, d->days, &d->ndays, &tdays);
                if (tdays > MAX_DAYS) /* the latest days */
                    cc_stats_days(txn, sv, id, tdays - MAX_DAYS, MAX_DAYS, d->days, &d->ndays,
                                  NULL);
            }
        }
    }
    cc_views_read_end(r->site->views, txn);

    MDB_txn *ltxn;
    if (cc_ledger_read_begin(r->site->ledger, &ltxn) == 0) {
        pg_read_body(ltxn, r->site, pool, d->theme.commitment, CC_EV_THEME_CREATED, &d->text);
        for (uint32_t i = 0; i < d->nsections; i++)
            pg_read_body(ltxn, r->site, pool, d->sections[i].commitment, CC_EV_SECTION_CREATED,
                         &d->section_text[i]);
        if (d->have_pub)
            pg_read_body(ltxn, r->site, pool, d->pub.commitment,
                         tab == TAB_SYNTHESIS ? CC_EV_SYNTHESIS_PUBLISHED
                                              : CC_EV_RECOMMENDATIONS_PUBLISHED,
                         &d->pub_text);
        cc_ledger_read_end(r->site->ledger, ltxn);
    } else {
        d->text.missing = 1;
    }

    cc_lang lang = r->lang;
    cc_html h;
    cc_html_init(&h, pool);
    h2o_iovec_t title = d->text.f[CC_B_TITLE];
    const char *tz = title.base ? title.base : cc_tr(lang, CC_MSG_CONTENT_REMOVED);
    pg_begin(&h, r, tz);
    pg_h1(&h, tz, strlen(tz));
    cc_msg st = d->theme.state == CC_THEME_OPEN     ? CC_MSG_THEME_STATE_OPEN
                : d->theme.state == CC_THEME_CLOSED ? CC_MSG_THEME_STATE_CLOSED
                                                    : CC_MSG_THEME_STATE_DRAFT;
    cc_html_lit(&h, "<p class=\"state\">");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_THEME_STATE_LABEL));
    cc_html_textz(&h, cc_tr(lang, st));
    cc_html_lit(&h, "</p>\n<nav class=\"tabs\"");
    cc_html_attrz(&h, "aria-label", cc_tr(lang, CC_MSG_PG_TABS));
    cc_html_lit(&h, "><ul>\n");
    tab_link(&h, lang, id, "", CC_MSG_PG_TAB_CONSULTATION, tab == TAB_CONSULTATION);
    tab_link(&h, lang, id, "/synthese", CC_MSG_PG_TAB_SYNTHESIS, tab == TAB_SYNTHESIS);
    tab_link(&h, lang, id, "/recommandations", CC_MSG_PG_TAB_RECOMMENDATIONS,
             tab == TAB_RECOMMENDATIONS);
    cc_html_lit(&h, "</ul></nav>\n");

    if (tab == TAB_CONSULTATION) {
        if (d->text.f[CC_B_TEXT].base) pg_markdown(&h, lang, d->text.f[CC_B_TEXT], 3);
        cc_html_lit(&h, "<h2 id=\"sections\">");
        cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_SECTIONS));
        cc_html_lit(&h, "</h2>\n");
        if (!d->nsections)
            pg_p_msg(&h, lang, CC_MSG_PG_NO_SECTIONS);
        else {
            cc_html_lit(&h, "<ol class=\"sections\" aria-labelledby=\"sections\">\n");
            for (uint32_t i = 0; i < d->nsections; i++) {
                const cc_live_item *s = &d->sections[i];
                char url[64];
                snprintf(url, sizeof url, "/sections/%llu", (unsigned long long)s->id);
                cc_html_lit(&h, "<li><h3><a");
                cc_html_href(&h, url, strlen(url));
                cc_html_lit(&h, ">");
                h2o_iovec_t t = d->section_text[i].f[CC_B_TITLE];
                if (t.base)
                    cc_html_text(&h, t.base, t.len);
                else
                    cc_html_textz(&h, cc_tr(lang, CC_MSG_CONTENT_REMOVED));
                cc_html_lit(&h, "</a></h3>\n<p class=\"counts\">");
                cc_html_textf(&h, cc_tr(lang, CC_MSG_PG_CONTRIBUTIONS_N),
                              (unsigned)s->contributions);
                cc_html_lit(&h, "</p></li>\n");
            }
            cc_html_lit(&h, "</ol>\n");
        }
    } else if (tab == TAB_SYNTHESIS) {
        render_publication(&h, lang, d, CC_MSG_PG_NO_SYNTHESIS);
        render_stats(&h, lang, pool, d);
    } else {
        render_publication(&h, lang, d, CC_MSG_PG_NO_RECOMMENDATIONS);
    }
    cc_layout_end(&h, r);
    cc_layout_send(r, 200, &h);
}
