/* pages_trash.c - /corbeille, the public bin (?theme=ID, ?page=N).
 *
 * Trashed items are shown in full (title and text from their current body),
 * with the charter reason and the date of the decision; removed items only
 * as tombstones: the LCEN ground, the date and the commitment in hex, never
 * a word of their text (their body is gone from the ledger anyway, but the
 * page does not even try to read it). */
#include "pages_common.h"
#include "text.h"
#include "trash.h"

#include <stdio.h>
#include <string.h>

#define MAX_THEMES 32

void pg_reason_text(cc_html *h, cc_lang lang, int removed, uint8_t reason)
{
    static const cc_msg reasons[] = {CC_MSG_PG_REASON_1, CC_MSG_PG_REASON_2, CC_MSG_PG_REASON_3,
                                     CC_MSG_PG_REASON_4, CC_MSG_PG_REASON_5};
    static const cc_msg grounds[] = {CC_MSG_PG_GROUND_1, CC_MSG_PG_GROUND_2, CC_MSG_PG_GROUND_3,
                                     CC_MSG_PG_GROUND_4, CC_MSG_PG_GROUND_5, CC_MSG_PG_GROUND_6,
                                     CC_MSG_PG_GROUND_7, CC_MSG_PG_GROUND_8};
    if (removed && reason >= 1 && reason <= 8)
        cc_html_textz(h, cc_tr(lang, grounds[reason - 1]));
    else if (!removed && reason >= 1 && reason <= 5)
        cc_html_textz(h, cc_tr(lang, reasons[reason - 1]));
    else
        cc_html_u64(h, reason);
}

void pg_kind_text(cc_html *h, cc_lang lang, uint8_t kind)
{
    static const cc_msg kinds[] = {CC_MSG_PG_KIND_3, CC_MSG_PG_KIND_4, CC_MSG_PG_KIND_5,
                                   CC_MSG_PG_KIND_6, CC_MSG_PG_KIND_7, CC_MSG_PG_KIND_8};
    cc_html_textz(h, cc_tr(lang, kind >= 3 && kind <= 8 ? kinds[kind - 3] : CC_MSG_PG_KIND_OTHER));
}

typedef struct trash_data {
    uint32_t n;
    cc_trash_entry e[PG_PAGE_SIZE];
    pg_text text[PG_PAGE_SIZE], note[PG_PAGE_SIZE];
    uint32_t nthemes;
    uint64_t theme_ids[MAX_THEMES];
    uint8_t theme_c[MAX_THEMES][32];
    pg_text theme_text[MAX_THEMES];
} trash_data;

void cc_page_trash(cc_request *r)
{
    uint64_t theme = 0, page;
    h2o_iovec_t v;
    int rc = pg_query(r, "theme", &v);
    if (rc < 0 || (rc > 0 && v.len && (pg_parse_u64(v.base, v.len, &theme)))) {
        pg_error(r, 400, CC_MSG_PG_BAD_PARAM);
        return;
    }
    if (pg_query_page(r, &page)) {
        pg_error(r, 400, CC_MSG_PG_BAD_PARAM);
        return;
    }
    h2o_mem_pool_t *pool = &r->req->pool;
    trash_data *d = h2o_mem_alloc_pool(pool, sizeof *d);
    memset(d, 0, sizeof *d);
    MDB_txn *txn;
    if (pg_views_begin(r, &txn)) return;
    const cc_live *lv = pg_live(r);
    const cc_trash *tv = cc_views_state(r->site->views, &cc_projection_trash);
    cc_live_item it;
    if (theme && (cc_live_item_get(txn, lv, theme, &it) || it.kind != CC_ITEM_THEME)) {
        cc_views_read_end(r->site->views, txn);
        pg_error(r, 404, CC_MSG_PG_NOT_FOUND_ITEM);
        return;
    }
    uint64_t total = 0;
    if (tv)
        cc_trash_list(txn, tv, theme, (page - 1) * PG_PAGE_SIZE, PG_PAGE_SIZE, d->e, &d->n, &total);
    uint32_t nt = 0;
    cc_page pg = {0, MAX_THEMES};
    uint64_t ttotal;
    cc_live_list(txn, lv, 0, CC_ITEM_THEME, 0, CC_SORT_ORDER, 0, 0, pg, d->theme_ids, &nt, &ttotal);
    for (uint32_t i = 0; i < nt; i++)
        if (cc_live_item_get(txn, lv, d->theme_ids[i], &it) == 0) {
            d->theme_ids[d->nthemes] = it.id;
            memcpy(d->theme_c[d->nthemes++], it.commitment, 32);
        }
    cc_views_read_end(r->site->views, txn);
    uint64_t pages = total ? (total + PG_PAGE_SIZE - 1) / PG_PAGE_SIZE : 1;
    if (page > pages) {
        pg_error(r, 404, CC_MSG_ERROR_NOT_FOUND_TEXT);
        return;
    }

    MDB_txn *ltxn;
    if (cc_ledger_read_begin(r->site->ledger, &ltxn) == 0) {
        for (uint32_t i = 0; i < d->n; i++) {
            if (!d->e[i].removed)
                pg_read_body(ltxn, r->site, pool, d->e[i].commitment,
                             cc_item_body_type(d->e[i].kind), &d->text[i]);
            if (d->e[i].has_note)
                pg_read_body(ltxn, r->site, pool, d->e[i].note,
                             d->e[i].removed ? CC_EV_ITEM_REMOVED : CC_EV_ITEM_TRASHED,
                             &d->note[i]);
        }
        for (uint32_t i = 0; i < d->nthemes; i++)
            pg_read_body(ltxn, r->site, pool, d->theme_c[i], CC_EV_THEME_CREATED,
                         &d->theme_text[i]);
        cc_ledger_read_end(r->site->ledger, ltxn);
    }

    cc_lang lang = r->lang;
    cc_html h;
    cc_html_init(&h, pool);
    const char *title = cc_tr(lang, CC_MSG_PG_TRASH_TITLE);
    pg_begin(&h, r, title);
    pg_h1(&h, title, strlen(title));
    pg_p_msg(&h, lang, CC_MSG_PG_TRASH_INTRO);
    cc_html_lit(&h, "<form method=\"get\" action=\"/corbeille\" class=\"filter\"><label "
                    "for=\"theme\">");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_TRASH_FILTER));
    cc_html_lit(&h, "</label> <select id=\"theme\" name=\"theme\"><option value=\"\">");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_TRASH_ALL));
    cc_html_lit(&h, "</option>\n");
    for (uint32_t i = 0; i < d->nthemes; i++) {
        cc_html_lit(&h, "<option");
        cc_html_attr_u64(&h, "value", d->theme_ids[i]);
        if (d->theme_ids[i] == theme) cc_html_lit(&h, " selected");
        cc_html_lit(&h, ">");
        h2o_iovec_t t = d->theme_text[i].f[CC_B_TITLE];
        if (t.base)
            cc_html_text(&h, t.base, t.len);
        else
            cc_html_u64(&h, d->theme_ids[i]);
        cc_html_lit(&h, "</option>\n");
    }
    cc_html_lit(&h, "</select> <button type=\"submit\">");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_TRASH_APPLY));
    cc_html_lit(&h, "</button></form>\n");
    if (!d->n) {
        pg_p_msg(&h, lang, CC_MSG_PG_TRASH_EMPTY);
    } else {
        cc_html_lit(&h, "<ol class=\"trash\">\n");
        for (uint32_t i = 0; i < d->n; i++) {
            const cc_trash_entry *e = &d->e[i];
            cc_html_lit(&h, "<li><article");
            if (e->removed) cc_html_lit(&h, " class=\"tombstone\"");
            cc_html_lit(&h, "><h2>");
            /* A trashed contribution keeps its page (with a notice); a
             * removed item has none. */
            int linked = !e->removed && e->kind == CC_ITEM_CONTRIBUTION;
            if (linked) {
                char href[48];
                snprintf(href, sizeof href, "/contributions/%llu", (unsigned long long)e->item);
                cc_html_lit(&h, "<a");
                cc_html_href(&h, href, strlen(href));
                cc_html_lit(&h, ">");
            }
            pg_kind_text(&h, lang, e->kind);
            cc_html_lit(&h, " ");
            cc_html_u64(&h, e->item);
            if (!e->removed && d->text[i].f[CC_B_TITLE].base) {
                cc_html_lit(&h, " \xE2\x80\x94 ");
                cc_html_text(&h, d->text[i].f[CC_B_TITLE].base, d->text[i].f[CC_B_TITLE].len);
            }
            if (linked) cc_html_lit(&h, "</a>");
            cc_html_lit(&h, "</h2>\n<p class=\"meta\">");
            cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_TRASH_REASON));
            pg_reason_text(&h, lang, e->removed, e->reason);
            cc_html_lit(&h, ". ");
            cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_TRASH_ON));
            pg_time(&h, lang, e->decision_ms);
            cc_html_lit(&h, ".</p>\n");
            if (e->removed) {
                char hex[65];
                cc_hex(e->commitment, 32, hex);
                pg_p_msg(&h, lang, CC_MSG_PG_TOMBSTONE);
                cc_html_lit(&h, "<p>");
                cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_COMMITMENT));
                cc_html_lit(&h, "<code class=\"hash\">");
                cc_html_textz(&h, hex);
                cc_html_lit(&h, "</code></p>\n");
            } else {
                if (d->text[i].f[CC_B_URL].base) {
                    cc_html_lit(&h, "<p><a");
                    cc_html_href(&h, d->text[i].f[CC_B_URL].base, d->text[i].f[CC_B_URL].len);
                    cc_html_lit(&h, " rel=\"nofollow ugc noopener\">");
                    cc_html_text(&h, d->text[i].f[CC_B_URL].base, d->text[i].f[CC_B_URL].len);
                    cc_html_lit(&h, "</a></p>\n");
                }
                pg_markdown(&h, lang, d->text[i].f[CC_B_TEXT], 3);
            }
            if (d->note[i].f[CC_B_TEXT].base) {
                cc_html_lit(&h, "<p class=\"note\">");
                cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_TRASH_NOTE));
                cc_html_text(&h, d->note[i].f[CC_B_TEXT].base, d->note[i].f[CC_B_TEXT].len);
                cc_html_lit(&h, "</p>\n");
            }
            cc_html_lit(&h, "</article></li>\n");
        }
        cc_html_lit(&h, "</ol>\n");
    }
    char base[64];
    if (theme)
        snprintf(base, sizeof base, "/corbeille?theme=%llu&", (unsigned long long)theme);
    else
        snprintf(base, sizeof base, "/corbeille?");
    pg_pagination(&h, lang, base, page, pages);
    cc_layout_end(&h, r);
    cc_layout_send(r, 200, &h);
}
