/* pages_publications.c - what the ministry publishes: /rapport (the final
 * report and each theme's recommendations), /documents and
 * /documents/<sha256 hex> (documents from organisations, published as
 * received), /rencontres and /rencontres/<id> (journées contributives with
 * their reports).
 *
 * Files are served by content hash, so their URL never changes meaning:
 * immutable caching. Only a hash some published, non-removed document
 * carries is served, with that document's MIME type; everything but plain
 * text is an attachment (the browser must not render a PDF or an office
 * file in the site's origin). */
#include "pages_common.h"
#include "response.h"
#include "text.h"

#include <stdio.h>
#include <string.h>

#define MAX_ITEMS 100

static const char *mime_type(uint8_t m)
{
    switch (m) {
    case CC_MIME_PDF:
        return "application/pdf";
    case CC_MIME_TEXT:
        return "text/plain; charset=utf-8";
    case CC_MIME_MARKDOWN:
        return "text/markdown; charset=utf-8";
    case CC_MIME_ODT:
        return "application/vnd.oasis.opendocument.text";
    case CC_MIME_DOCX:
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    default:
        return "application/octet-stream";
    }
}

static const char *mime_short(uint8_t m)
{
    static const char *const n[] = {"?", "PDF", "texte", "Markdown", "ODT", "DOCX"};
    return m <= 5 ? n[m] : "?";
}

typedef struct list_data {
    uint32_t n;
    cc_live_item it[MAX_ITEMS];
    pg_text text[MAX_ITEMS];
    pg_text report[MAX_ITEMS];
    int have_report;
    cc_live_text rep;
    pg_text rep_text;
} list_data;

static int load_items(cc_request *r, list_data *d, uint8_t kind, cc_sort sort, int with_report)
{
    MDB_txn *txn;
    if (pg_views_begin(r, &txn)) return -1;
    const cc_live *lv = pg_live(r);
    uint64_t ids[MAX_ITEMS], total;
    uint32_t n = 0;
    cc_page pg = {0, MAX_ITEMS};
    if (kind) cc_live_list(txn, lv, 0, kind, 0, sort, 0, 0, pg, ids, &n, &total);
    for (uint32_t i = 0; i < n; i++)
        if (cc_live_item_get(txn, lv, ids[i], &d->it[d->n]) == 0) d->n++;
    if (with_report) d->have_report = cc_live_report(txn, lv, &d->rep) == 0;
    cc_views_read_end(r->site->views, txn);
    MDB_txn *ltxn;
    if (cc_ledger_read_begin(r->site->ledger, &ltxn) == 0) {
        for (uint32_t i = 0; i < d->n; i++)
            pg_read_body(ltxn, r->site, &r->req->pool, d->it[i].commitment,
                         cc_item_body_type(d->it[i].kind), &d->text[i]);
        if (d->have_report)
            pg_read_body(ltxn, r->site, &r->req->pool, d->rep.commitment, CC_EV_REPORT_PUBLISHED,
                         &d->rep_text);
        cc_ledger_read_end(r->site->ledger, ltxn);
    }
    return 0;
}

static void link_item(cc_html *h, const char *fmt, uint64_t id, h2o_iovec_t title, cc_lang lang)
{
    char url[64];
    snprintf(url, sizeof url, fmt, (unsigned long long)id);
    cc_html_lit(h, "<a");
    cc_html_href(h, url, strlen(url));
    cc_html_lit(h, ">");
    if (title.base)
        cc_html_text(h, title.base, title.len);
    else
        cc_html_textz(h, cc_tr(lang, CC_MSG_CONTENT_REMOVED));
    cc_html_lit(h, "</a>");
}

void cc_page_report(cc_request *r)
{
    list_data *d = h2o_mem_alloc_pool(&r->req->pool, sizeof *d);
    memset(d, 0, sizeof *d);
    if (load_items(r, d, CC_ITEM_THEME, CC_SORT_ORDER, 1)) return;
    cc_lang lang = r->lang;
    cc_html h;
    cc_html_init(&h, &r->req->pool);
    const char *title = cc_tr(lang, CC_MSG_PG_REPORT_TITLE);
    pg_begin(&h, r, title);
    pg_h1(&h, title, strlen(title));
    cc_html_lit(&h, "<section aria-labelledby=\"final\"><h2 id=\"final\">");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_REPORT_FINAL));
    cc_html_lit(&h, "</h2>\n");
    if (!d->have_report) {
        pg_p_msg(&h, lang, CC_MSG_PG_NO_REPORT);
    } else {
        if (d->rep_text.f[CC_B_TITLE].base) {
            cc_html_lit(&h, "<h3>");
            cc_html_text(&h, d->rep_text.f[CC_B_TITLE].base, d->rep_text.f[CC_B_TITLE].len);
            cc_html_lit(&h, "</h3>\n");
        }
        cc_html_lit(&h, "<p class=\"meta\">");
        cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_PUBLISHED_ON));
        pg_time(&h, lang, d->rep.ts);
        cc_html_lit(&h, ". ");
        cc_html_textf(&h, cc_tr(lang, CC_MSG_PG_BASED_ON), (unsigned long long)d->rep.log_size);
        cc_html_lit(&h, "</p>\n");
        pg_markdown(&h, lang, d->rep_text.f[CC_B_TEXT], 4);
    }
    cc_html_lit(&h, "</section>\n<section aria-labelledby=\"by-theme\"><h2 id=\"by-theme\">");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_REPORT_THEMES));
    cc_html_lit(&h, "</h2>\n<ul>\n");
    for (uint32_t i = 0; i < d->n; i++) {
        cc_html_lit(&h, "<li>");
        link_item(&h, "/themes/%llu/recommandations", d->it[i].id, d->text[i].f[CC_B_TITLE], lang);
        cc_html_lit(&h, "</li>\n");
    }
    cc_html_lit(&h, "</ul>\n</section>\n");
    cc_layout_end(&h, r);
    cc_layout_send(r, 200, &h);
}

void cc_page_documents(cc_request *r)
{
    list_data *d = h2o_mem_alloc_pool(&r->req->pool, sizeof *d);
    memset(d, 0, sizeof *d);
    if (load_items(r, d, CC_ITEM_DOCUMENT, CC_SORT_RECENT, 0)) return;
    cc_lang lang = r->lang;
    cc_html h;
    cc_html_init(&h, &r->req->pool);
    const char *title = cc_tr(lang, CC_MSG_PG_DOCS_TITLE);
    pg_begin(&h, r, title);
    pg_h1(&h, title, strlen(title));
    pg_p_msg(&h, lang, CC_MSG_PG_DOCS_INTRO);
    if (!d->n)
        pg_p_msg(&h, lang, CC_MSG_PG_NO_DOCS);
    else {
        cc_html_lit(&h, "<ul class=\"documents\">\n");
        for (uint32_t i = 0; i < d->n; i++) {
            const cc_live_item *it = &d->it[i];
            const pg_text *t = &d->text[i];
            if (it->state == CC_REMOVED) continue;
            cc_html_lit(&h, "<li><article><h2>");
            if (t->f[CC_B_TITLE].base)
                cc_html_text(&h, t->f[CC_B_TITLE].base, t->f[CC_B_TITLE].len);
            else
                cc_html_textz(&h, cc_tr(lang, CC_MSG_CONTENT_REMOVED));
            cc_html_lit(&h, "</h2>\n<p class=\"meta\">");
            if (t->f[CC_B_FROM].base) {
                cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_DOC_FROM));
                cc_html_text(&h, t->f[CC_B_FROM].base, t->f[CC_B_FROM].len);
                cc_html_lit(&h, " \xC2\xB7 ");
            }
            pg_time(&h, lang, it->created_ms);
            cc_html_lit(&h, "</p>\n");
            if (t->f[CC_B_TEXT].base) pg_markdown(&h, lang, t->f[CC_B_TEXT], 3);
            char hex[65], url[80];
            cc_hex(it->file_hash, 32, hex);
            snprintf(url, sizeof url, "/documents/%s", hex);
            cc_html_lit(&h, "<p><a");
            cc_html_href(&h, url, strlen(url));
            cc_html_lit(&h, ">");
            cc_html_textf(&h, cc_tr(lang, CC_MSG_PG_DOC_DOWNLOAD),
                          t->f[CC_B_NAME].base ? t->f[CC_B_NAME].base : "?", mime_short(it->mime),
                          (unsigned long long)it->file_size);
            cc_html_lit(&h, "</a><br><code class=\"hash\">sha256:");
            cc_html_textz(&h, hex);
            cc_html_lit(&h, "</code></p>\n</article></li>\n");
        }
        cc_html_lit(&h, "</ul>\n");
    }
    cc_layout_end(&h, r);
    cc_layout_send(r, 200, &h);
}

void cc_page_document_file(cc_request *r)
{
    const char *s = r->path.base + sizeof "/documents/" - 1;
    size_t n = r->path.len - (sizeof "/documents/" - 1);
    uint8_t hash[32];
    if (n != 64) {
        pg_error(r, 404, CC_MSG_PG_BAD_ID);
        return;
    }
    for (size_t i = 0; i < 32; i++) {
        int hi = -1, lo = -1;
        char a = s[2 * i], b = s[2 * i + 1];
        hi = a >= '0' && a <= '9' ? a - '0' : a >= 'a' && a <= 'f' ? a - 'a' + 10 : -1;
        lo = b >= '0' && b <= '9' ? b - '0' : b >= 'a' && b <= 'f' ? b - 'a' + 10 : -1;
        if (hi < 0 || lo < 0) {
            pg_error(r, 404, CC_MSG_PG_BAD_ID);
            return;
        }
        hash[i] = (uint8_t)(hi * 16 + lo);
    }
    /* Which published document carries this hash (and its MIME type). */
    MDB_txn *txn;
    if (pg_views_begin(r, &txn)) return;
    const cc_live *lv = pg_live(r);
    int found = 0;
    uint8_t mime = 0;
    uint64_t ids[CC_PAGE_MAX], total = 0;
    for (uint64_t off = 0; !found && off < 10000; off += CC_PAGE_MAX) {
        uint32_t cnt = 0;
        cc_page pg = {off, CC_PAGE_MAX};
        if (cc_live_list(txn, lv, 0, CC_ITEM_DOCUMENT, 0, CC_SORT_OLDEST, 0, 1, pg, ids, &cnt,
                         &total) ||
            !cnt)
            break;
        for (uint32_t i = 0; i < cnt && !found; i++) {
            cc_live_item it;
            if (cc_live_item_get(txn, lv, ids[i], &it) == 0 && it.state != CC_REMOVED &&
                !memcmp(it.file_hash, hash, 32)) {
                found = 1;
                mime = it.mime;
            }
        }
    }
    cc_views_read_end(r->site->views, txn);
    if (!found) {
        pg_error(r, 404, CC_MSG_PG_NOT_FOUND_ITEM);
        return;
    }
    MDB_txn *ltxn;
    cc_slice file;
    if (cc_ledger_read_begin(r->site->ledger, &ltxn)) {
        pg_error(r, 503, CC_MSG_PG_UNAVAILABLE_TEXT);
        return;
    }
    if (cc_ledger_file_get(r->site->ledger, ltxn, hash, &file)) {
        cc_ledger_read_end(r->site->ledger, ltxn);
        pg_error(r, 404, CC_MSG_PG_NOT_FOUND_ITEM);
        return;
    }
    cc_out o;
    cc_out_init(&o, &r->req->pool);
    cc_out_append(&o, file.ptr, file.len);
    cc_ledger_read_end(r->site->ledger, ltxn);
    if (mime != CC_MIME_TEXT && mime != CC_MIME_MARKDOWN) {
        static const char *const ext[] = {"bin", "pdf", "txt", "md", "odt", "docx"};
        char *cd = h2o_mem_alloc_pool(&r->req->pool, 64);
        int len = snprintf(cd, 64, "attachment; filename=\"document-%.12s.%s\"", s,
                           ext[mime <= 5 ? mime : 0]);
        h2o_add_header(&r->req->pool, &r->req->res.headers, H2O_TOKEN_CONTENT_DISPOSITION, NULL, cd,
                       (size_t)len);
    }
    cc_response how = {200, mime_type(mime), CC_CACHE_IMMUTABLE, CC_RESP_ETAG};
    cc_http_respond(r, &how, &o);
}

void cc_page_meetings(cc_request *r)
{
    list_data *d = h2o_mem_alloc_pool(&r->req->pool, sizeof *d);
    memset(d, 0, sizeof *d);
    if (load_items(r, d, CC_ITEM_MEETING, CC_SORT_ORDER, 0)) return;
    cc_lang lang = r->lang;
    cc_html h;
    cc_html_init(&h, &r->req->pool);
    const char *title = cc_tr(lang, CC_MSG_PG_MEETINGS_TITLE);
    pg_begin(&h, r, title);
    pg_h1(&h, title, strlen(title));
    if (!d->n)
        pg_p_msg(&h, lang, CC_MSG_PG_NO_MEETINGS);
    else {
        cc_html_lit(&h, "<ul class=\"meetings\">\n");
        for (uint32_t i = 0; i < d->n; i++) {
            if (d->it[i].state == CC_REMOVED) continue;
            cc_html_lit(&h, "<li>");
            link_item(&h, "/rencontres/%llu", d->it[i].id, d->text[i].f[CC_B_TITLE], lang);
            cc_html_lit(&h, " \xE2\x80\x94 ");
            pg_time(&h, lang, d->it[i].at_ms);
            if (d->text[i].f[CC_B_PLACE].base) {
                cc_html_lit(&h, ", ");
                cc_html_text(&h, d->text[i].f[CC_B_PLACE].base, d->text[i].f[CC_B_PLACE].len);
            }
            cc_html_lit(&h, "</li>\n");
        }
        cc_html_lit(&h, "</ul>\n");
    }
    cc_layout_end(&h, r);
    cc_layout_send(r, 200, &h);
}

void cc_page_meeting(cc_request *r)
{
    uint64_t id;
    h2o_iovec_t rest;
    if (pg_path_id(r, sizeof "/rencontres/" - 1, &id, &rest) || rest.len) {
        pg_error(r, 404, CC_MSG_PG_BAD_ID);
        return;
    }
    cc_live_item it;
    MDB_txn *txn;
    if (pg_views_begin(r, &txn)) return;
    int rc = cc_live_item_get(txn, pg_live(r), id, &it);
    cc_views_read_end(r->site->views, txn);
    if (rc || it.kind != CC_ITEM_MEETING || it.state == CC_REMOVED) {
        pg_error(r, 404, CC_MSG_PG_NOT_FOUND_ITEM);
        return;
    }
    pg_text text, report;
    memset(&report, 0, sizeof report);
    memset(&text, 0, sizeof text);
    MDB_txn *ltxn;
    if (cc_ledger_read_begin(r->site->ledger, &ltxn) == 0) {
        pg_read_body(ltxn, r->site, &r->req->pool, it.commitment, CC_EV_MEETING_SCHEDULED, &text);
        if (it.has_report)
            pg_read_body(ltxn, r->site, &r->req->pool, it.report_commitment, CC_EV_MEETING_REPORTED,
                         &report);
        cc_ledger_read_end(r->site->ledger, ltxn);
    }
    cc_lang lang = r->lang;
    cc_html h;
    cc_html_init(&h, &r->req->pool);
    const char *tz =
        text.f[CC_B_TITLE].base ? text.f[CC_B_TITLE].base : cc_tr(lang, CC_MSG_CONTENT_REMOVED);
    pg_begin(&h, r, tz);
    pg_h1(&h, tz, strlen(tz));
    cc_html_lit(&h, "<p class=\"meta\">");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_MEETING_DATE));
    pg_time(&h, lang, it.at_ms);
    if (text.f[CC_B_PLACE].base) {
        cc_html_lit(&h, "<br>");
        cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_MEETING_PLACE));
        cc_html_text(&h, text.f[CC_B_PLACE].base, text.f[CC_B_PLACE].len);
    }
    cc_html_lit(&h, "</p>\n");
    if (text.f[CC_B_TEXT].base) pg_markdown(&h, lang, text.f[CC_B_TEXT], 2);
    cc_html_lit(&h, "<section aria-labelledby=\"report\"><h2 id=\"report\">");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_MEETING_REPORT));
    cc_html_lit(&h, "</h2>\n");
    if (it.has_report)
        pg_markdown(&h, lang, report.f[CC_B_TEXT], 3);
    else
        pg_p_msg(&h, lang, CC_MSG_PG_NO_MEETING_REPORT);
    cc_html_lit(&h, "</section>\n");
    cc_layout_end(&h, r);
    cc_layout_send(r, 200, &h);
}
