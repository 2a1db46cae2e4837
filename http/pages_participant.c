/* pages_participant.c - /participants/<pseudonym>: a participant's public
 * profile: username (or "anonyme" once erased), declared status and, for
 * organisations, their name; their public contributions (posts of
 * contributions, newest first, from the live history; votes and flags are
 * not listed, trashed and removed items are left out). */
#include "pages_common.h"

#include <stdio.h>
#include <string.h>

#define SCAN 200

void cc_page_participant(cc_request *r)
{
    const char *s = r->path.base + sizeof "/participants/" - 1;
    size_t n = r->path.len - (sizeof "/participants/" - 1);
    uint64_t page;
    if (!cc_pseudonym_valid(s, n)) {
        pg_error(r, 404, CC_MSG_PG_BAD_ID);
        return;
    }
    if (pg_query_page(r, &page)) {
        pg_error(r, 400, CC_MSG_PG_BAD_PARAM);
        return;
    }
    cc_pseudonym ps;
    memcpy(ps.s, s, CC_PSEUDONYM_LEN);
    ps.s[CC_PSEUDONYM_LEN] = '\0';
    h2o_mem_pool_t *pool = &r->req->pool;
    pg_person who;
    MDB_txn *txn;
    if (pg_views_begin(r, &txn)) return;
    const cc_live *lv = pg_live(r);
    pg_live_person(txn, lv, &ps, &who);
    if (!who.known) {
        cc_views_read_end(r->site->views, txn);
        pg_error(r, 404, CC_MSG_PG_NOT_FOUND_ITEM);
        return;
    }
    /* the live history mixes posts, edits, votes, flags: scan a bounded
     * window and keep the live contributions */
    cc_live_activity *acts = h2o_mem_alloc_pool(pool, sizeof *acts * SCAN);
    cc_live_item *items = h2o_mem_alloc_pool(pool, sizeof *items * SCAN);
    uint32_t count = 0, nitems = 0;
    uint64_t total = 0;
    cc_page pg = {0, SCAN};
    cc_live_history_entries(txn, lv, &ps, pg, acts, &count, &total);
    for (uint32_t i = 0; i < count; i++)
        if (acts[i].type == CC_EV_CONTRIBUTION_POSTED &&
            cc_live_item_get(txn, lv, acts[i].item, &items[nitems]) == 0 &&
            items[nitems].state == CC_LIVE)
            nitems++;
    cc_views_read_end(r->site->views, txn);
    uint64_t pages = nitems ? (nitems + PG_PAGE_SIZE - 1) / PG_PAGE_SIZE : 1;
    if (page > pages) {
        pg_error(r, 404, CC_MSG_ERROR_NOT_FOUND_TEXT);
        return;
    }
    uint64_t first = (page - 1) * PG_PAGE_SIZE;
    uint64_t last = first + PG_PAGE_SIZE < nitems ? first + PG_PAGE_SIZE : nitems;
    pg_text *texts = h2o_mem_alloc_pool(pool, sizeof *texts * (last - first + 1));
    MDB_txn *ltxn;
    if (cc_ledger_read_begin(r->site->ledger, &ltxn) == 0) {
        pg_read_person(ltxn, r->site, &who);
        for (uint64_t i = first; i < last; i++)
            pg_read_body(ltxn, r->site, pool, items[i].commitment, CC_EV_CONTRIBUTION_POSTED,
                         &texts[i - first]);
        cc_ledger_read_end(r->site->ledger, ltxn);
    } else {
        who.erased = 1;
        for (uint64_t i = first; i < last; i++)
            memset(&texts[i - first], 0, sizeof *texts);
    }

    cc_lang lang = r->lang;
    cc_html h;
    cc_html_init(&h, pool);
    const char *name =
        who.erased || !who.username[0] ? cc_tr(lang, CC_MSG_PG_ANONYMOUS) : who.username;
    char title[256];
    snprintf(title, sizeof title, cc_tr(lang, CC_MSG_PG_PARTICIPANT_TITLE), name);
    pg_begin(&h, r, title);
    pg_h1(&h, title, strlen(title));
    cc_html_lit(&h, "<dl class=\"profile\"><dt>");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_PARTICIPANT_STATUS));
    cc_html_lit(&h, "</dt><dd>");
    pg_status_text(&h, lang, who.status);
    cc_html_lit(&h, "</dd>");
    if (!who.erased && who.status != CC_STATUS_CITIZEN && who.org[0]) {
        cc_html_lit(&h, "<dt>");
        cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_PARTICIPANT_ORG));
        cc_html_lit(&h, "</dt><dd>");
        cc_html_textz(&h, who.org);
        cc_html_lit(&h, "</dd>");
    }
    cc_html_lit(&h, "</dl>\n<h2 id=\"contribs\">");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_PARTICIPANT_CONTRIBS));
    cc_html_lit(&h, "</h2>\n");
    if (first >= last) {
        pg_p_msg(&h, lang, CC_MSG_PG_PARTICIPANT_NONE);
    } else {
        cc_html_lit(&h, "<ul aria-labelledby=\"contribs\">\n");
        for (uint64_t i = first; i < last; i++) {
            char url[64];
            snprintf(url, sizeof url, "/contributions/%llu", (unsigned long long)items[i].id);
            cc_html_lit(&h, "<li><a");
            cc_html_href(&h, url, strlen(url));
            cc_html_lit(&h, ">");
            h2o_iovec_t t = texts[i - first].f[CC_B_TITLE];
            if (t.base)
                cc_html_text(&h, t.base, t.len);
            else
                cc_html_textz(&h, cc_tr(lang, CC_MSG_CONTENT_REMOVED));
            cc_html_lit(&h, "</a> \xE2\x80\x94 ");
            pg_time(&h, lang, items[i].created_ms);
            cc_html_lit(&h, "</li>\n");
        }
        cc_html_lit(&h, "</ul>\n");
    }
    char base[64];
    snprintf(base, sizeof base, "/participants/%s?", ps.s);
    pg_pagination(&h, lang, base, page, pages);
    cc_layout_end(&h, r);
    cc_layout_send(r, 200, &h);
}
