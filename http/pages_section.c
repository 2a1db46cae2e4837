/* pages_section.c - /sections/<id>: the contributions of a section, sorted
 * (?sort=recentes | votes | controverses | aleatoire&seed=N), paginated
 * (?page=N) and searchable (?q=words).
 *
 * The random order is a permutation fixed by a seed carried in the URL, so
 * that paging through it is stable; the "random" link gets a fresh seed.
 * Search is a case-insensitive substring match (ASCII and Latin-1 letters
 * folded) over titles and texts of the SEARCH_SCAN most recent
 * contributions of the section: bounded work per request, said on the page.
 * The views give the ids and commitments first; the bodies are read after,
 * in a ledger transaction. */
#include "actions_forms.h"
#include "pages_common.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define SEARCH_SCAN 500
#define SEARCH_MAX 100

typedef struct row {
    cc_live_item it;
    pg_text text;
    pg_person author;
} row;

/* Lowercase ASCII and the Latin-1 supplement's capitals (U+00C0..U+00DE
 * except U+00D7) in place; other bytes unchanged. */
static void fold(char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z')
            s[i] = (char)(c + 32);
        else if (c == 0xC3 && i + 1 < n) {
            unsigned char d = (unsigned char)s[i + 1];
            if (d >= 0x80 && d <= 0x9E && d != 0x97) s[i + 1] = (char)(d + 32);
            i++;
        }
    }
}

static int contains(h2o_mem_pool_t *pool, h2o_iovec_t hay, const char *needle, size_t nn)
{
    if (!hay.base || hay.len < nn) return 0;
    char *c = h2o_mem_alloc_pool(pool, hay.len);
    memcpy(c, hay.base, hay.len);
    fold(c, hay.len);
    return memmem(c, hay.len, needle, nn) != NULL;
}

static const char *sort_name(cc_sort s)
{
    switch (s) {
    case CC_SORT_VOTES:
        return "votes";
    case CC_SORT_CONTROVERSIAL:
        return "controverses";
    case CC_SORT_RANDOM:
        return "aleatoire";
    default:
        return "recentes";
    }
}

static void sort_link(cc_html *h, cc_lang lang, uint64_t id, cc_sort s, cc_sort current, cc_msg m)
{
    char url[128];
    if (s == CC_SORT_RANDOM) {
        uint32_t seed = randombytes_uniform(999999999) + 1;
        snprintf(url, sizeof url, "/sections/%llu?sort=aleatoire&seed=%u", (unsigned long long)id,
                 (unsigned)seed);
    } else {
        snprintf(url, sizeof url, "/sections/%llu?sort=%s", (unsigned long long)id, sort_name(s));
    }
    cc_html_lit(h, "<li><a");
    cc_html_href(h, url, strlen(url));
    if (s == current) cc_html_lit(h, " aria-current=\"true\"");
    cc_html_lit(h, ">");
    cc_html_textz(h, cc_tr(lang, m));
    cc_html_lit(h, "</a></li>\n");
}

void cc_page_section(cc_request *r)
{
    uint64_t id, page, seed = 0;
    h2o_iovec_t rest, v;
    if (pg_path_id(r, sizeof "/sections/" - 1, &id, &rest) || rest.len) {
        pg_error(r, 404, CC_MSG_PG_BAD_ID);
        return;
    }
    cc_sort sort = CC_SORT_RECENT;
    int rc = pg_query(r, "sort", &v);
    if (rc < 0) goto bad;
    if (rc > 0) {
        if (h2o_memis(v.base, v.len, H2O_STRLIT("recentes")))
            sort = CC_SORT_RECENT;
        else if (h2o_memis(v.base, v.len, H2O_STRLIT("votes")))
            sort = CC_SORT_VOTES;
        else if (h2o_memis(v.base, v.len, H2O_STRLIT("controverses")))
            sort = CC_SORT_CONTROVERSIAL;
        else if (h2o_memis(v.base, v.len, H2O_STRLIT("aleatoire")))
            sort = CC_SORT_RANDOM;
        else
            goto bad;
    }
    rc = pg_query(r, "seed", &v);
    if (rc < 0 || (rc > 0 && (sort != CC_SORT_RANDOM || pg_parse_u64(v.base, v.len, &seed))))
        goto bad;
    if (sort == CC_SORT_RANDOM && rc == 0) seed = randombytes_uniform(999999999) + 1;
    if (pg_query_page(r, &page)) goto bad;
    h2o_iovec_t q = {NULL, 0};
    rc = pg_query(r, "q", &q);
    if (rc < 0) goto bad;
    if (q.len > SEARCH_MAX) {
        pg_error(r, 400, CC_MSG_PG_BAD_SEARCH);
        return;
    }
    while (q.len && q.base[0] == ' ')
        q.base++, q.len--;
    while (q.len && q.base[q.len - 1] == ' ')
        q.len--;
    int searching = q.len > 0;

    h2o_mem_pool_t *pool = &r->req->pool;
    cc_live_item sec;
    MDB_txn *txn;
    if (pg_views_begin(r, &txn)) return;
    const cc_live *lv = pg_live(r);
    if (cc_live_item_get(txn, lv, id, &sec) || sec.kind != CC_ITEM_SECTION) {
        cc_views_read_end(r->site->views, txn);
        pg_error(r, 404, CC_MSG_PG_NOT_FOUND_ITEM);
        return;
    }
    uint32_t n = 0;
    uint64_t total = 0;
    uint32_t cap = searching ? SEARCH_SCAN : PG_PAGE_SIZE;
    uint64_t *ids = h2o_mem_alloc_pool(pool, sizeof *ids * cap);
    row *rows = h2o_mem_alloc_pool(pool, sizeof *rows * cap);
    memset(rows, 0, sizeof *rows * cap);
    cc_page pg = {searching ? 0 : (page - 1) * PG_PAGE_SIZE, cap};
    cc_live_list(txn, lv, id, CC_ITEM_CONTRIBUTION, 0, searching ? CC_SORT_RECENT : sort, seed, 0,
                 pg, ids, &n, &total);
    uint32_t nrows = 0;
    for (uint32_t i = 0; i < n; i++)
        if (cc_live_item_get(txn, lv, ids[i], &rows[nrows].it) == 0) {
            pg_live_person(txn, lv, &rows[nrows].it.author, &rows[nrows].author);
            nrows++;
        }
    cc_views_read_end(r->site->views, txn);

    pg_text stext;
    MDB_txn *ltxn;
    memset(&stext, 0, sizeof stext);
    if (cc_ledger_read_begin(r->site->ledger, &ltxn) == 0) {
        pg_read_body(ltxn, r->site, pool, sec.commitment, CC_EV_SECTION_CREATED, &stext);
        for (uint32_t i = 0; i < nrows; i++) {
            pg_read_body(ltxn, r->site, pool, rows[i].it.commitment, CC_EV_CONTRIBUTION_POSTED,
                         &rows[i].text);
            pg_read_person(ltxn, r->site, &rows[i].author);
        }
        cc_ledger_read_end(r->site->ledger, ltxn);
    }
    uint64_t shown_from = 0, matches = total;
    if (searching) {
        char *needle = h2o_mem_alloc_pool(pool, q.len);
        memcpy(needle, q.base, q.len);
        fold(needle, q.len);
        uint32_t m = 0;
        for (uint32_t i = 0; i < nrows; i++)
            if (contains(pool, rows[i].text.f[CC_B_TITLE], needle, q.len) ||
                contains(pool, rows[i].text.f[CC_B_TEXT], needle, q.len))
                rows[m++] = rows[i];
        matches = m;
        shown_from = (page - 1) * PG_PAGE_SIZE;
        nrows = m;
    }
    uint64_t pages = matches ? (matches + PG_PAGE_SIZE - 1) / PG_PAGE_SIZE : 1;
    if (page > pages) {
        pg_error(r, 404, CC_MSG_ERROR_NOT_FOUND_TEXT);
        return;
    }

    cc_lang lang = r->lang;
    cc_html h;
    cc_html_init(&h, pool);
    h2o_iovec_t title = stext.f[CC_B_TITLE];
    const char *tz = title.base ? title.base : cc_tr(lang, CC_MSG_CONTENT_REMOVED);
    pg_begin(&h, r, tz);
    char url[512];
    snprintf(url, sizeof url, "/themes/%llu", (unsigned long long)sec.theme);
    cc_html_lit(&h, "<nav class=\"breadcrumb\"");
    cc_html_attrz(&h, "aria-label", cc_tr(lang, CC_MSG_PG_BREADCRUMB));
    cc_html_lit(&h, "><a");
    cc_html_href(&h, url, strlen(url));
    cc_html_lit(&h, ">");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_TAB_CONSULTATION));
    cc_html_lit(&h, "</a></nav>\n");
    pg_h1(&h, tz, strlen(tz));
    if (stext.f[CC_B_TEXT].base) pg_markdown(&h, lang, stext.f[CC_B_TEXT], 2);
    if (!sec.posting) pg_p_msg(&h, lang, CC_MSG_PG_SECTION_CLOSED);
    /* [forms] the "post a contribution" form goes here (actions feature) */
    cc_actions_section_forms(&h, r, id);

    cc_html_lit(&h, "<nav class=\"sort\"");
    cc_html_attrz(&h, "aria-label", cc_tr(lang, CC_MSG_PG_SORT_LABEL));
    cc_html_lit(&h, "><ul>\n");
    sort_link(&h, lang, id, CC_SORT_RECENT, searching ? 0 : sort, CC_MSG_PG_SORT_RECENT);
    sort_link(&h, lang, id, CC_SORT_VOTES, searching ? 0 : sort, CC_MSG_PG_SORT_VOTES);
    sort_link(&h, lang, id, CC_SORT_CONTROVERSIAL, searching ? 0 : sort,
              CC_MSG_PG_SORT_CONTROVERSIAL);
    sort_link(&h, lang, id, CC_SORT_RANDOM, searching ? 0 : sort, CC_MSG_PG_SORT_RANDOM);
    cc_html_lit(&h, "</ul></nav>\n<form class=\"search\" method=\"get\" role=\"search\"");
    snprintf(url, sizeof url, "/sections/%llu", (unsigned long long)id);
    cc_html_attrz(&h, "action", url);
    cc_html_lit(&h, "><label for=\"q\">");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_SEARCH_LABEL));
    cc_html_lit(&h, "</label> <input type=\"search\" id=\"q\" name=\"q\" maxlength=\"100\"");
    if (searching) cc_html_attr(&h, "value", q.base, q.len);
    cc_html_lit(&h, "> <button type=\"submit\">");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_SEARCH_BUTTON));
    cc_html_lit(&h, "</button></form>\n<h2 id=\"contributions\">");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_CONTRIBUTIONS));
    cc_html_lit(&h, "</h2>\n");
    if (searching) {
        char *qz = h2o_mem_alloc_pool(pool, q.len + 1);
        memcpy(qz, q.base, q.len);
        qz[q.len] = '\0';
        cc_html_lit(&h, "<p class=\"results\" role=\"status\">");
        cc_html_textf(&h, cc_tr(lang, CC_MSG_PG_SEARCH_RESULTS), (unsigned long long)matches, qz);
        if (total > SEARCH_SCAN) {
            cc_html_lit(&h, " ");
            cc_html_textf(&h, cc_tr(lang, CC_MSG_PG_SEARCH_BOUNDED), (unsigned)SEARCH_SCAN);
        }
        cc_html_lit(&h, "</p>\n");
    }
    uint64_t first = searching ? shown_from : 0;
    uint64_t last =
        searching ? (shown_from + PG_PAGE_SIZE < nrows ? shown_from + PG_PAGE_SIZE : nrows) : nrows;
    if (first >= last) {
        pg_p_msg(&h, lang, CC_MSG_PG_NO_CONTRIBUTIONS);
    } else {
        cc_html_lit(&h, "<ol class=\"contributions\" aria-labelledby=\"contributions\">\n");
        for (uint64_t i = first; i < last; i++) {
            const row *x = &rows[i];
            snprintf(url, sizeof url, "/contributions/%llu", (unsigned long long)x->it.id);
            cc_html_lit(&h, "<li><article><h3><a");
            cc_html_href(&h, url, strlen(url));
            cc_html_lit(&h, ">");
            h2o_iovec_t t = x->text.f[CC_B_TITLE];
            if (t.base)
                cc_html_text(&h, t.base, t.len);
            else
                cc_html_textz(&h, cc_tr(lang, CC_MSG_CONTENT_REMOVED));
            cc_html_lit(&h, "</a></h3>\n<p class=\"meta\">");
            cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_BY));
            pg_person_html(&h, lang, &x->author);
            cc_html_lit(&h, ", ");
            cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_POSTED_ON));
            pg_time(&h, lang, x->it.created_ms);
            cc_html_lit(&h, "</p>\n<p class=\"counts\">");
            cc_html_textf(&h, cc_tr(lang, CC_MSG_PG_VOTES_LINE), (unsigned)x->it.agree,
                          (unsigned)x->it.mitigated, (unsigned)x->it.disagree);
            cc_html_lit(&h, " \xC2\xB7 ");
            cc_html_textf(&h, cc_tr(lang, CC_MSG_PG_ARGS_LINE), (unsigned)x->it.arguments_for,
                          (unsigned)x->it.arguments_against);
            cc_html_lit(&h, "</p></article></li>\n");
        }
        cc_html_lit(&h, "</ol>\n");
    }
    /* the base of the pagination links keeps the sort, seed and search */
    int off = snprintf(url, sizeof url, "/sections/%llu?", (unsigned long long)id);
    if (searching) {
        static const char hex[] = "0123456789ABCDEF";
        off += snprintf(url + off, sizeof url - (size_t)off, "q=");
        for (size_t i = 0; i < q.len && off < (int)sizeof url - 4; i++) {
            unsigned char c = (unsigned char)q.base[i];
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
                url[off++] = (char)c;
            else {
                url[off++] = '%';
                url[off++] = hex[c >> 4];
                url[off++] = hex[c & 15];
            }
        }
        url[off++] = '&';
        url[off] = '\0';
    } else if (sort == CC_SORT_RANDOM) {
        snprintf(url + off, sizeof url - (size_t)off, "sort=aleatoire&seed=%llu&",
                 (unsigned long long)seed);
    } else if (sort != CC_SORT_RECENT) {
        snprintf(url + off, sizeof url - (size_t)off, "sort=%s&", sort_name(sort));
    }
    pg_pagination(&h, lang, url, page, pages);
    cc_layout_end(&h, r);
    cc_layout_send(r, 200, &h);
    return;
bad:
    pg_error(r, 400, CC_MSG_PG_BAD_PARAM);
}
