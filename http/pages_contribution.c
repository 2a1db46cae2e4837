/* pages_contribution.c - /contributions/<id> and /contributions/<id>/versions.
 *
 * The page: title and text (Markdown), author ("anonyme" after erasure),
 * vote counters, arguments for and against side by side (most up-voted
 * first), sources (links marked nofollow ugc noopener), comments, and the
 * public moderation history (every decision, dismissals included). A
 * trashed contribution says so and points to the bin (where its text is);
 * a removed one answers 404 with a notice and shows nothing of it. Items of
 * other kinds answer 404: an argument id is not a contribution. */
#include "actions_forms.h"
#include "pages_common.h"

#include <stdio.h>
#include <string.h>

#define MAX_LIST 50
#define MAX_DECISIONS 50
#define MAX_VERSIONS 100

typedef struct entry {
    cc_live_item it;
    pg_text text;
    pg_person author;
} entry;

typedef struct contrib_data {
    entry c;
    uint32_t nlist[4]; /* for, against, sources, comments */
    entry list[4][MAX_LIST];
    uint32_t ndec;
    cc_live_decision dec[MAX_DECISIONS];
    pg_text dec_note[MAX_DECISIONS];
    uint32_t nver;
    cc_live_version ver[MAX_VERSIONS];
    pg_text ver_text[MAX_VERSIONS];
} contrib_data;

static void load_list(MDB_txn *txn, const cc_live *lv, contrib_data *d, int slot, uint8_t kind,
                      uint8_t side, cc_sort sort)
{
    uint64_t ids[MAX_LIST], total;
    uint32_t n = 0;
    cc_page pg = {0, MAX_LIST};
    if (cc_live_list(txn, lv, d->c.it.id, kind, side, sort, 0, 0, pg, ids, &n, &total)) return;
    for (uint32_t i = 0; i < n; i++) {
        entry *e = &d->list[slot][d->nlist[slot]];
        if (cc_live_item_get(txn, lv, ids[i], &e->it)) continue;
        pg_live_person(txn, lv, &e->it.author, &e->author);
        d->nlist[slot]++;
    }
}

static void list_html(cc_html *h, cc_lang lang, const contrib_data *d, int slot, cc_msg none)
{
    if (!d->nlist[slot]) {
        pg_p_msg(h, lang, none);
        return;
    }
    cc_html_lit(h, "<ul class=\"items\">\n");
    for (uint32_t i = 0; i < d->nlist[slot]; i++) {
        const entry *e = &d->list[slot][i];
        cc_html_lit(h, "<li>");
        if (slot == 2) { /* source: a titled link */
            h2o_iovec_t u = e->text.f[CC_B_URL], t = e->text.f[CC_B_TITLE];
            if (u.base && t.base) {
                cc_html_lit(h, "<a");
                cc_html_href(h, u.base, u.len);
                cc_html_lit(h, " rel=\"nofollow ugc noopener\">");
                cc_html_text(h, t.base, t.len);
                cc_html_lit(h, "</a>");
            } else {
                cc_html_textz(h, cc_tr(lang, CC_MSG_CONTENT_REMOVED));
            }
        }
        pg_markdown(h, lang, e->text.f[CC_B_TEXT], 4);
        cc_html_lit(h, "<p class=\"meta\">");
        cc_html_textz(h, cc_tr(lang, CC_MSG_PG_BY));
        pg_person_html(h, lang, &e->author);
        cc_html_lit(h, ", ");
        pg_time(h, lang, e->it.created_ms);
        if (slot < 2) {
            cc_html_lit(h, " \xC2\xB7 ");
            cc_html_textf(h, cc_tr(lang, CC_MSG_PG_UPVOTES), (unsigned)e->it.up);
        }
        /* Any item can be flagged, and a source commented: the action
         * pages show the form, or the way to log in. */
        char href[48];
        if (slot == 2) {
            snprintf(href, sizeof href, "/commenter/%llu", (unsigned long long)e->it.id);
            cc_html_lit(h, " \xC2\xB7 <a");
            cc_html_href(h, href, strlen(href));
            cc_html_lit(h, ">");
            cc_html_textz(h, cc_tr(lang, CC_MSG_PG_COMMENT_LINK));
            cc_html_lit(h, "</a>");
        }
        snprintf(href, sizeof href, "/signaler/%llu", (unsigned long long)e->it.id);
        cc_html_lit(h, " \xC2\xB7 <a");
        cc_html_href(h, href, strlen(href));
        cc_html_lit(h, " rel=\"nofollow\">");
        cc_html_textz(h, cc_tr(lang, CC_MSG_PG_FLAG_LINK));
        cc_html_lit(h, "</a></p></li>\n");
    }
    cc_html_lit(h, "</ul>\n");
}

static void decisions_html(cc_html *h, cc_lang lang, const contrib_data *d)
{
    cc_html_lit(h, "<section aria-labelledby=\"moderation\"><h2 id=\"moderation\">");
    cc_html_textz(h, cc_tr(lang, CC_MSG_PG_MODERATION));
    cc_html_lit(h, "</h2>\n");
    if (!d->ndec) {
        pg_p_msg(h, lang, CC_MSG_PG_NO_MODERATION);
    } else {
        cc_html_lit(h, "<ol class=\"decisions\">\n");
        for (uint32_t i = 0; i < d->ndec; i++) {
            const cc_live_decision *x = &d->dec[i];
            cc_msg m = x->type == CC_EV_ITEM_TRASHED    ? CC_MSG_PG_DEC_TRASHED
                       : x->type == CC_EV_ITEM_REMOVED  ? CC_MSG_PG_DEC_REMOVED
                       : x->type == CC_EV_ITEM_RESTORED ? CC_MSG_PG_DEC_RESTORED
                                                        : CC_MSG_PG_DEC_DISMISSED;
            cc_html_lit(h, "<li>");
            pg_time(h, lang, x->ts);
            cc_html_lit(h, " \xE2\x80\x94 ");
            cc_html_textz(h, cc_tr(lang, m));
            if (x->reason && (x->type == CC_EV_ITEM_TRASHED || x->type == CC_EV_ITEM_REMOVED)) {
                cc_html_lit(h, " (");
                pg_reason_text(h, lang, x->type == CC_EV_ITEM_REMOVED, x->reason);
                cc_html_lit(h, ")");
            }
            if (d->dec_note[i].f[CC_B_TEXT].base) {
                cc_html_lit(h, "<br>");
                cc_html_textz(h, cc_tr(lang, CC_MSG_PG_TRASH_NOTE));
                cc_html_text(h, d->dec_note[i].f[CC_B_TEXT].base, d->dec_note[i].f[CC_B_TEXT].len);
            }
            cc_html_lit(h, "</li>\n");
        }
        cc_html_lit(h, "</ol>\n");
    }
    cc_html_lit(h, "</section>\n");
}

void cc_page_contribution(cc_request *r)
{
    uint64_t id;
    h2o_iovec_t rest;
    if (pg_path_id(r, sizeof "/contributions/" - 1, &id, &rest)) {
        pg_error(r, 404, CC_MSG_PG_BAD_ID);
        return;
    }
    int versions = 0;
    if (h2o_memis(rest.base, rest.len, H2O_STRLIT("/versions")))
        versions = 1;
    else if (rest.len) {
        pg_error(r, 404, CC_MSG_ERROR_NOT_FOUND_TEXT);
        return;
    }
    h2o_mem_pool_t *pool = &r->req->pool;
    contrib_data *d = h2o_mem_alloc_pool(pool, sizeof *d);
    memset(d, 0, sizeof *d);
    MDB_txn *txn;
    if (pg_views_begin(r, &txn)) return;
    const cc_live *lv = pg_live(r);
    if (cc_live_item_get(txn, lv, id, &d->c.it) || d->c.it.kind != CC_ITEM_CONTRIBUTION) {
        cc_views_read_end(r->site->views, txn);
        pg_error(r, 404, CC_MSG_PG_NOT_FOUND_ITEM);
        return;
    }
    if (d->c.it.state == CC_REMOVED) {
        cc_views_read_end(r->site->views, txn);
        pg_error(r, 404, CC_MSG_PG_REMOVED_TEXT);
        return;
    }
    pg_live_person(txn, lv, &d->c.it.author, &d->c.author);
    if (versions) {
        uint64_t total;
        cc_page pg = {0, MAX_VERSIONS};
        cc_live_versions(txn, lv, id, pg, d->ver, &d->nver, &total);
    } else if (d->c.it.state == CC_LIVE) {
        load_list(txn, lv, d, 0, CC_ITEM_ARGUMENT, CC_SIDE_FOR, CC_SORT_VOTES);
        load_list(txn, lv, d, 1, CC_ITEM_ARGUMENT, CC_SIDE_AGAINST, CC_SORT_VOTES);
        load_list(txn, lv, d, 2, CC_ITEM_SOURCE, 0, CC_SORT_OLDEST);
        load_list(txn, lv, d, 3, CC_ITEM_COMMENT, 0, CC_SORT_OLDEST);
    }
    uint64_t total;
    cc_page pg = {0, MAX_DECISIONS};
    if (!versions) cc_live_decisions(txn, lv, id, pg, d->dec, &d->ndec, &total);
    cc_views_read_end(r->site->views, txn);

    MDB_txn *ltxn;
    if (cc_ledger_read_begin(r->site->ledger, &ltxn) == 0) {
        pg_read_body(ltxn, r->site, pool, d->c.it.commitment, CC_EV_CONTRIBUTION_POSTED,
                     &d->c.text);
        pg_read_person(ltxn, r->site, &d->c.author);
        for (int s = 0; s < 4; s++)
            for (uint32_t i = 0; i < d->nlist[s]; i++) {
                entry *e = &d->list[s][i];
                pg_read_body(ltxn, r->site, pool, e->it.commitment, cc_item_body_type(e->it.kind),
                             &e->text);
                pg_read_person(ltxn, r->site, &e->author);
            }
        for (uint32_t i = 0; i < d->ndec; i++)
            if (d->dec[i].has_note)
                pg_read_body(ltxn, r->site, pool, d->dec[i].note, d->dec[i].type, &d->dec_note[i]);
        for (uint32_t i = 0; i < d->nver; i++)
            pg_read_body(ltxn, r->site, pool, d->ver[i].commitment, CC_EV_CONTRIBUTION_POSTED,
                         &d->ver_text[i]);
        cc_ledger_read_end(r->site->ledger, ltxn);
    } else {
        d->c.text.missing = 1;
    }

    cc_lang lang = r->lang;
    cc_html h;
    cc_html_init(&h, pool);
    h2o_iovec_t title = d->c.text.f[CC_B_TITLE];
    const char *tz = title.base ? title.base : cc_tr(lang, CC_MSG_CONTENT_REMOVED);
    pg_begin(&h, r, tz);
    char url[96];
    snprintf(url, sizeof url, "/sections/%llu", (unsigned long long)d->c.it.section);
    cc_html_lit(&h, "<nav class=\"breadcrumb\"");
    cc_html_attrz(&h, "aria-label", cc_tr(lang, CC_MSG_PG_BREADCRUMB));
    cc_html_lit(&h, "><a");
    cc_html_href(&h, url, strlen(url));
    cc_html_lit(&h, ">");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_CONTRIBUTIONS));
    cc_html_lit(&h, "</a></nav>\n<article class=\"contribution\">\n");
    pg_h1(&h, tz, strlen(tz));
    cc_html_lit(&h, "<p class=\"meta\">");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_BY));
    pg_person_html(&h, lang, &d->c.author);
    cc_html_lit(&h, ", ");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_POSTED_ON));
    pg_time(&h, lang, d->c.it.created_ms);
    cc_html_lit(&h, "</p>\n");

    if (versions) {
        cc_html_lit(&h, "<h2>");
        cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_VERSIONS));
        cc_html_lit(&h, "</h2>\n<ol class=\"versions\">\n");
        for (uint32_t i = 0; i < d->nver; i++) {
            cc_html_lit(&h, "<li><h3>");
            cc_html_textf(&h, cc_tr(lang, CC_MSG_PG_VERSION_N), (unsigned)(i + 1));
            cc_html_lit(&h, " \xE2\x80\x94 ");
            pg_time(&h, lang, d->ver[i].ts);
            cc_html_lit(&h, "</h3>\n");
            if (d->ver_text[i].f[CC_B_TITLE].base) {
                cc_html_lit(&h, "<p class=\"vtitle\"><strong>");
                cc_html_text(&h, d->ver_text[i].f[CC_B_TITLE].base,
                             d->ver_text[i].f[CC_B_TITLE].len);
                cc_html_lit(&h, "</strong></p>\n");
            }
            pg_markdown(&h, lang, d->ver_text[i].f[CC_B_TEXT], 4);
            cc_html_lit(&h, "</li>\n");
        }
        cc_html_lit(&h, "</ol>\n<p><a");
        snprintf(url, sizeof url, "/contributions/%llu", (unsigned long long)id);
        cc_html_href(&h, url, strlen(url));
        cc_html_lit(&h, ">");
        cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_BACK_TO_CONTRIBUTION));
        cc_html_lit(&h, "</a></p>\n</article>\n");
        cc_layout_end(&h, r);
        cc_layout_send(r, 200, &h);
        return;
    }

    if (d->c.it.state == CC_TRASHED) {
        cc_html_lit(&h, "<p class=\"notice\">");
        cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_TRASHED_NOTICE));
        cc_html_lit(&h, " <a href=\"/corbeille\">");
        cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_TRASH_TITLE));
        cc_html_lit(&h, "</a></p>\n");
    } else {
        pg_markdown(&h, lang, d->c.text.f[CC_B_TEXT], 2);
    }
    if (d->c.it.versions > 1) {
        snprintf(url, sizeof url, "/contributions/%llu/versions", (unsigned long long)id);
        cc_html_lit(&h, "<p><a");
        cc_html_href(&h, url, strlen(url));
        cc_html_lit(&h, ">");
        cc_html_textf(&h, cc_tr(lang, CC_MSG_PG_VERSIONS_LINK), (unsigned)d->c.it.versions);
        cc_html_lit(&h, "</a></p>\n");
    }
    cc_html_lit(&h, "<section aria-labelledby=\"votes\"><h2 id=\"votes\">");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_VOTES));
    cc_html_lit(&h, "</h2>\n<dl class=\"votes\"><dt>");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_VOTE_AGREE));
    cc_html_lit(&h, "</dt><dd class=\"agree\">");
    cc_html_u64(&h, d->c.it.agree);
    cc_html_lit(&h, "</dd><dt>");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_VOTE_MITIGATED));
    cc_html_lit(&h, "</dt><dd class=\"mitigated\">");
    cc_html_u64(&h, d->c.it.mitigated);
    cc_html_lit(&h, "</dd><dt>");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_VOTE_DISAGREE));
    cc_html_lit(&h, "</dt><dd class=\"disagree\">");
    cc_html_u64(&h, d->c.it.disagree);
    cc_html_lit(&h, "</dd></dl>\n");
    { /* [forms] vote and flag forms go here (actions feature) */
        uint32_t nargs = d->nlist[0] + d->nlist[1];
        cc_actions_arg *args = h2o_mem_alloc_pool(pool, sizeof *args * (nargs + 1));
        for (uint32_t sd = 0, k = 0; sd < 2; sd++)
            for (uint32_t i = 0; i < d->nlist[sd]; i++, k++) {
                args[k].id = d->list[sd][i].it.id;
                args[k].text = d->list[sd][i].text.f[CC_B_TEXT];
            }
        cc_actions_contribution_forms(&h, r, id, args, nargs);
    }
    cc_html_lit(&h, "</section>\n");
    if (d->c.it.state == CC_LIVE) {
        cc_html_lit(&h, "<section aria-labelledby=\"arguments\"><h2 id=\"arguments\">");
        cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_ARGUMENTS));
        cc_html_lit(&h, "</h2>\n<div class=\"sides\">\n<section class=\"side-for\" "
                        "aria-labelledby=\"args-for\"><h3 id=\"args-for\">");
        cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_ARGS_FOR));
        cc_html_lit(&h, " (");
        cc_html_u64(&h, d->c.it.arguments_for);
        cc_html_lit(&h, ")</h3>\n");
        list_html(&h, lang, d, 0, CC_MSG_PG_NO_ARGUMENTS);
        cc_html_lit(&h, "</section>\n<section class=\"side-against\" "
                        "aria-labelledby=\"args-against\"><h3 id=\"args-against\">");
        cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_ARGS_AGAINST));
        cc_html_lit(&h, " (");
        cc_html_u64(&h, d->c.it.arguments_against);
        cc_html_lit(&h, ")</h3>\n");
        list_html(&h, lang, d, 1, CC_MSG_PG_NO_ARGUMENTS);
        cc_html_lit(&h, "</section>\n</div>\n</section>\n"
                        "<section aria-labelledby=\"sources\"><h2 id=\"sources\">");
        cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_SOURCES));
        cc_html_lit(&h, "</h2>\n");
        list_html(&h, lang, d, 2, CC_MSG_PG_NO_SOURCES);
        cc_html_lit(&h, "</section>\n<section aria-labelledby=\"comments\"><h2 id=\"comments\">");
        cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_COMMENTS));
        cc_html_lit(&h, "</h2>\n");
        list_html(&h, lang, d, 3, CC_MSG_PG_NO_COMMENTS);
        cc_html_lit(&h, "</section>\n");
    }
    decisions_html(&h, lang, d);
    cc_html_lit(&h, "</article>\n");
    cc_layout_end(&h, r);
    cc_layout_send(r, 200, &h);
}
