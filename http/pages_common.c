/* pages_common.c - helpers shared by the public pages (see pages_common.h).
 *
 * Input parsing here is the first line against hostile URLs: ids are
 * decimal without sign or leading zero and bounded, query values are
 * percent-decoded with every escape checked, and nothing reads past the
 * lengths h2o gives. */
#include "pages_common.h"

#include "markdown.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pg_parse_u64(const char *s, size_t n, uint64_t *out)
{
    if (n == 0 || n > 18) return -1;
    if (n > 1 && s[0] == '0') return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return 0;
}

int pg_path_id(cc_request *r, size_t prefix_len, uint64_t *id, h2o_iovec_t *rest)
{
    const char *s = r->path.base + prefix_len;
    size_t n = r->path.len - prefix_len;
    const char *slash = memchr(s, '/', n);
    size_t idn = slash ? (size_t)(slash - s) : n;
    if (pg_parse_u64(s, idn, id) || *id == 0) return -1;
    *rest = h2o_iovec_init(s + idn, n - idn);
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int pg_query(cc_request *r, const char *name, h2o_iovec_t *out)
{
    const char *s = r->query.base;
    size_t n = r->query.len, name_len = strlen(name);
    while (s && n) {
        const char *amp = memchr(s, '&', n);
        size_t part = amp ? (size_t)(amp - s) : n;
        const char *eq = memchr(s, '=', part);
        size_t key_len = eq ? (size_t)(eq - s) : part;
        if (key_len == name_len && !memcmp(s, name, name_len)) {
            const char *v = eq ? eq + 1 : s + part;
            size_t vn = eq ? part - key_len - 1 : 0;
            char *d = h2o_mem_alloc_pool(&r->req->pool, vn + 1);
            size_t dn = 0;
            for (size_t i = 0; i < vn; i++) {
                char c = v[i];
                if (c == '+') {
                    c = ' ';
                } else if (c == '%') {
                    if (i + 2 >= vn) return -1;
                    int hi = hexval(v[i + 1]), lo = hexval(v[i + 2]);
                    if (hi < 0 || lo < 0) return -1;
                    c = (char)(hi * 16 + lo);
                    i += 2;
                }
                if (c == '\0') return -1;
                d[dn++] = c;
            }
            d[dn] = '\0';
            *out = h2o_iovec_init(d, dn);
            return 1;
        }
        if (!amp) break;
        n -= part + 1;
        s = amp + 1;
    }
    return 0;
}

int pg_query_page(cc_request *r, uint64_t *page)
{
    h2o_iovec_t v;
    int rc = pg_query(r, "page", &v);
    *page = 1;
    if (rc == 0) return 0;
    if (rc < 0 || pg_parse_u64(v.base, v.len, page) || *page == 0 || *page > 1000000000) return -1;
    return 0;
}

void pg_begin(cc_html *h, cc_request *r, const char *title)
{
    /* The frame, with the site's navigation, is the layout's. */
    cc_layout_begin(h, r, title);
}

void pg_error(cc_request *r, int status, cc_msg text)
{
    cc_msg title = status == 400                    ? CC_MSG_PG_BAD_REQUEST_TITLE
                   : status == 503                  ? CC_MSG_PG_UNAVAILABLE_TITLE
                   : text == CC_MSG_PG_REMOVED_TEXT ? CC_MSG_PG_REMOVED_TITLE
                                                    : CC_MSG_ERROR_NOT_FOUND_TITLE;
    cc_html h;
    cc_html_init(&h, &r->req->pool);
    pg_begin(&h, r, cc_tr(r->lang, title));
    cc_layout_error_finish(&h, r, status, title, text, 1);
}

const cc_live *pg_live(cc_request *r)
{
    return r->site->views ? cc_views_state(r->site->views, &cc_projection_live) : NULL;
}

int pg_views_begin(cc_request *r, MDB_txn **txn)
{
    if (!r->site->views || !pg_live(r) || cc_views_read_begin(r->site->views, txn)) {
        pg_error(r, 503, CC_MSG_PG_UNAVAILABLE_TEXT);
        return -1;
    }
    return 0;
}

static int zero32(const uint8_t c[32])
{
    for (int i = 0; i < 32; i++)
        if (c[i]) return 0;
    return 1;
}

void pg_read_body(MDB_txn *ltxn, cc_site *s, h2o_mem_pool_t *pool, const uint8_t c[32],
                  cc_event_type t, pg_text *out)
{
    memset(out, 0, sizeof *out);
    const uint8_t *nonce;
    cc_slice raw;
    cc_body b;
    if (zero32(c) || cc_bodies_get(ltxn, s->ledger->bodies, c, &nonce, &raw) ||
        cc_body_decode(t, raw.ptr, raw.len, &b)) {
        out->missing = 1;
        return;
    }
    for (int i = 0; i < CC_B_COUNT_; i++)
        if (b.f[i].ptr) out->f[i] = h2o_strdup(pool, (const char *)b.f[i].ptr, b.f[i].len);
}

void pg_live_person(MDB_txn *vtxn, const cc_live *lv, const cc_pseudonym *ps, pg_person *p)
{
    memset(p, 0, sizeof *p);
    p->p = *ps;
    cc_live_participant lp;
    if (cc_live_participant_get(vtxn, lv, ps, &lp) == 0) {
        p->known = 1;
        p->erased = lp.erased;
        p->status = lp.status;
        memcpy(p->org, lp.org, sizeof p->org);
    } else {
        p->erased = 1;
    }
}

void pg_read_person(MDB_txn *ltxn, cc_site *s, pg_person *p)
{
    if (p->erased) return;
    cc_account *acc = malloc(sizeof *acc);
    if (!acc) abort();
    if (cc_vault_account_get(ltxn, &s->ledger->vault, &p->p, acc) == 0)
        snprintf(p->username, sizeof p->username, "%s", acc->username);
    else
        p->erased = 1;
    free(acc);
}

void pg_status_text(cc_html *h, cc_lang lang, uint8_t status)
{
    static const cc_msg m[] = {CC_MSG_PG_STATUS_0, CC_MSG_PG_STATUS_1, CC_MSG_PG_STATUS_2,
                               CC_MSG_PG_STATUS_3, CC_MSG_PG_STATUS_4, CC_MSG_PG_STATUS_5};
    cc_html_textz(h, cc_tr(lang, m[status < 6 ? status : 0]));
}

void pg_person_html(cc_html *h, cc_lang lang, const pg_person *p)
{
    cc_html_lit(h, "<span class=\"author\">");
    if (p->erased || !p->username[0]) {
        cc_html_textz(h, cc_tr(lang, CC_MSG_PG_ANONYMOUS));
    } else {
        char url[64];
        snprintf(url, sizeof url, "/participants/%s", p->p.s);
        cc_html_lit(h, "<a");
        cc_html_href(h, url, strlen(url));
        cc_html_lit(h, ">");
        cc_html_textz(h, p->username);
        cc_html_lit(h, "</a>");
    }
    cc_html_lit(h, " (");
    pg_status_text(h, lang, p->status);
    if (p->status != CC_STATUS_CITIZEN && p->org[0] && !p->erased) {
        cc_html_lit(h, ", ");
        cc_html_textz(h, p->org);
    }
    cc_html_lit(h, ")</span>");
}

void pg_time(cc_html *h, cc_lang lang, uint64_t ms)
{
    char iso[16], human[64];
    cc_i18n_date_iso(ms, iso, sizeof iso);
    cc_i18n_date(lang, ms, human, sizeof human);
    cc_html_lit(h, "<time");
    cc_html_attrz(h, "datetime", iso);
    cc_html_lit(h, ">");
    cc_html_textz(h, human);
    cc_html_lit(h, "</time>");
}

void pg_h1(cc_html *h, const char *s, size_t n)
{
    cc_html_lit(h, "<h1>");
    cc_html_text(h, s, n);
    cc_html_lit(h, "</h1>\n");
}

void pg_p_msg(cc_html *h, cc_lang lang, cc_msg m)
{
    cc_html_lit(h, "<p>");
    cc_html_textz(h, cc_tr(lang, m));
    cc_html_lit(h, "</p>\n");
}

void pg_pagination(cc_html *h, cc_lang lang, const char *base, uint64_t page, uint64_t pages)
{
    if (pages <= 1) return;
    char url[1024];
    cc_html_lit(h, "<nav class=\"pagination\"");
    cc_html_attrz(h, "aria-label", cc_tr(lang, CC_MSG_PG_PAGINATION));
    cc_html_lit(h, "><ul>\n");
    if (page > 1) {
        snprintf(url, sizeof url, "%spage=%llu", base, (unsigned long long)(page - 1));
        cc_html_lit(h, "<li><a rel=\"prev\"");
        cc_html_href(h, url, strlen(url));
        cc_html_lit(h, ">");
        cc_html_textz(h, cc_tr(lang, CC_MSG_PG_PREV));
        cc_html_lit(h, "</a></li>\n");
    }
    cc_html_lit(h, "<li aria-current=\"page\">");
    cc_html_textf(h, cc_tr(lang, CC_MSG_PG_PAGE_OF), (unsigned long long)page,
                  (unsigned long long)pages);
    cc_html_lit(h, "</li>\n");
    if (page < pages) {
        snprintf(url, sizeof url, "%spage=%llu", base, (unsigned long long)(page + 1));
        cc_html_lit(h, "<li><a rel=\"next\"");
        cc_html_href(h, url, strlen(url));
        cc_html_lit(h, ">");
        cc_html_textz(h, cc_tr(lang, CC_MSG_PG_NEXT));
        cc_html_lit(h, "</a></li>\n");
    }
    cc_html_lit(h, "</ul></nav>\n");
}

void pg_markdown(cc_html *h, cc_lang lang, h2o_iovec_t text, int heading_base)
{
    if (!text.base) {
        cc_html_lit(h, "<p class=\"removed\">");
        cc_html_textz(h, cc_tr(lang, CC_MSG_CONTENT_REMOVED));
        cc_html_lit(h, "</p>\n");
        return;
    }
    cc_html_lit(h, "<div class=\"md\">\n");
    cc_markdown_render(h, text.base, text.len, heading_base);
    cc_html_lit(h, "</div>\n");
}
