/* pages_info.c - /donnees-ouvertes (open data and how to verify), /charte
 * (the moderation charter) and /faq (the seed FAQ, embedded at build time
 * from docs/faq.txt as the generated header faq_text.h).
 *
 * The FAQ is plain text: a block of one line ending with '?' is a question
 * (a heading), a block whose lines all start with "  N. " is a numbered
 * list, anything else a paragraph. It exists in French only and says so in
 * English. */
#include "pages_common.h"
#include "response.h"
#include "snapshots.h"

#include "faq_text.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void trim(const char **s, size_t *n)
{
    while (*n && ((*s)[0] == ' ' || (*s)[0] == '\t' || (*s)[0] == '\r'))
        (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
        (*n)--;
}

/* "N. text" -> text; NULL when the line is not a list item. */
static const char *list_item(const char *s, size_t n, size_t *rest)
{
    size_t i = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == 0 || i + 1 >= n || s[i] != '.' || s[i + 1] != ' ') return NULL;
    *rest = n - i - 2;
    return s + i + 2;
}

static void faq_block(cc_html *h, const char *s, size_t n, unsigned *q)
{
    /* lines of the block */
    const char *lines[64];
    size_t lens[64], nl = 0;
    while (n && nl < 64) {
        const char *nlp = memchr(s, '\n', n);
        size_t ln = nlp ? (size_t)(nlp - s) : n;
        const char *l = s;
        size_t ll = ln;
        trim(&l, &ll);
        if (ll) {
            lines[nl] = l;
            lens[nl++] = ll;
        }
        if (!nlp) break;
        n -= ln + 1;
        s = nlp + 1;
    }
    if (!nl) return;
    if (nl == 1 && lines[0][lens[0] - 1] == '?') {
        char id[16];
        snprintf(id, sizeof id, "q%u", ++*q);
        cc_html_lit(h, "<h2");
        cc_html_attrz(h, "id", id);
        cc_html_lit(h, ">");
        cc_html_text(h, lines[0], lens[0]);
        cc_html_lit(h, "</h2>\n");
        return;
    }
    size_t rest;
    int all_items = 1;
    for (size_t i = 0; i < nl; i++)
        if (!list_item(lines[i], lens[i], &rest)) all_items = 0;
    if (all_items) {
        cc_html_lit(h, "<ol>\n");
        for (size_t i = 0; i < nl; i++) {
            const char *t = list_item(lines[i], lens[i], &rest);
            cc_html_lit(h, "<li>");
            cc_html_text(h, t, rest);
            cc_html_lit(h, "</li>\n");
        }
        cc_html_lit(h, "</ol>\n");
        return;
    }
    cc_html_lit(h, "<p>");
    for (size_t i = 0; i < nl; i++) {
        if (i) cc_html_lit(h, "<br>\n");
        cc_html_text(h, lines[i], lens[i]);
    }
    cc_html_lit(h, "</p>\n");
}

void cc_page_faq(cc_request *r)
{
    cc_lang lang = r->lang;
    cc_html h;
    cc_html_init(&h, &r->req->pool);
    const char *title = cc_tr(lang, CC_MSG_PG_FAQ_TITLE);
    pg_begin(&h, r, title);
    pg_h1(&h, title, strlen(title));
    if (lang != CC_LANG_FR) pg_p_msg(&h, lang, CC_MSG_PG_FAQ_LANG_NOTE);
    cc_html_lit(&h, "<div class=\"faq\" lang=\"fr\">\n");
    const char *s = (const char *)cc_faq_text;
    size_t n = sizeof cc_faq_text;
    unsigned q = 0;
    /* blocks are separated by blank lines (possibly holding spaces) */
    const char *start = s;
    while (n) {
        const char *nl = memchr(s, '\n', n);
        size_t ln = nl ? (size_t)(nl - s) : n;
        const char *l = s;
        size_t ll = ln;
        trim(&l, &ll);
        if (!ll) {
            faq_block(&h, start, (size_t)(s - start), &q);
            start = nl ? nl + 1 : s + n;
        }
        if (!nl) {
            s += n;
            n = 0;
            break;
        }
        n -= ln + 1;
        s = nl + 1;
    }
    faq_block(&h, start, (size_t)(s - start), &q);
    cc_html_lit(&h, "</div>\n");
    cc_layout_end(&h, r);
    cc_layout_send(r, 200, &h);
}

void cc_page_charter(cc_request *r)
{
    cc_lang lang = r->lang;
    cc_html h;
    cc_html_init(&h, &r->req->pool);
    const char *title = cc_tr(lang, CC_MSG_PG_CHARTER_TITLE);
    pg_begin(&h, r, title);
    pg_h1(&h, title, strlen(title));
    pg_p_msg(&h, lang, CC_MSG_PG_CHARTER_INTRO);
    cc_html_lit(&h, "<h2>");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_CHARTER_TRASH));
    cc_html_lit(&h, "</h2>\n");
    pg_p_msg(&h, lang, CC_MSG_PG_CHARTER_TRASH_TEXT);
    cc_html_lit(&h, "<ul class=\"reasons\">\n");
    for (uint8_t i = 1; i <= 5; i++) {
        cc_html_lit(&h, "<li>");
        pg_reason_text(&h, lang, 0, i);
        cc_html_lit(&h, "</li>\n");
    }
    cc_html_lit(&h, "</ul>\n<h2>");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_CHARTER_REMOVAL));
    cc_html_lit(&h, "</h2>\n");
    pg_p_msg(&h, lang, CC_MSG_PG_CHARTER_REMOVAL_TEXT);
    cc_html_lit(&h, "<ul class=\"grounds\">\n");
    for (uint8_t i = 1; i <= 8; i++) {
        cc_html_lit(&h, "<li>");
        pg_reason_text(&h, lang, 1, i);
        cc_html_lit(&h, "</li>\n");
    }
    cc_html_lit(&h, "</ul>\n<h2>");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_CHARTER_BIN));
    cc_html_lit(&h, "</h2>\n<p>");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_CHARTER_BIN_TEXT));
    cc_html_lit(&h, " <a href=\"/corbeille\">");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_TRASH_TITLE));
    cc_html_lit(&h, "</a></p>\n");
    cc_layout_end(&h, r);
    cc_layout_send(r, 200, &h);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Links to the files of the snapshot served under base
 * ("/donnees-ouvertes/derniere/"), stored in dir (DIR/snapshots/<name>). */
static void snapshot_links(cc_html *h, cc_lang lang, const char *base, const char *dir)
{
    static const char *const files[] = {"datapackage.json", "README.md", "MANIFEST",
                                        "checkpoint",       "LICENSE",   "bodies.jsonl"};
    cc_html_lit(h, "<p>");
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (i) cc_html_lit(h, " · ");
        cc_html_lit(h, "<a href=\"");
        cc_html_textz(h, base);
        cc_html_textz(h, files[i]);
        cc_html_lit(h, "\">");
        cc_html_textz(h, files[i]);
        cc_html_lit(h, "</a>");
    }
    cc_html_lit(h, "</p>\n");
    /* the tables: whatever data/ holds, sorted */
    size_t dl = strlen(dir) + sizeof "/data";
    char *data = malloc(dl);
    DIR *d = NULL;
    if (data) {
        snprintf(data, dl, "%s/data", dir);
        d = opendir(data);
    }
    free(data);
    if (!d) return;
    char *names[256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < sizeof names / sizeof names[0]) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len > 100) continue;
        if ((len > 4 && !strcmp(e->d_name + len - 4, ".csv")) ||
            (len > 6 && !strcmp(e->d_name + len - 6, ".jsonl"))) {
            if (!(names[n] = strdup(e->d_name))) break;
            n++;
        }
    }
    closedir(d);
    qsort(names, n, sizeof names[0], name_cmp);
    if (n) {
        cc_html_lit(h, "<p>");
        cc_html_textz(h, cc_tr(lang, CC_MSG_PG_OD_DATA_FILES));
        for (size_t i = 0; i < n; i++) {
            if (i) cc_html_lit(h, " · ");
            cc_html_lit(h, "<a href=\"");
            cc_html_textz(h, base);
            cc_html_lit(h, "data/");
            cc_html_textz(h, names[i]);
            cc_html_lit(h, "\">");
            cc_html_textz(h, names[i]);
            cc_html_lit(h, "</a>");
        }
        cc_html_lit(h, "</p>\n");
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
}

/* The snapshots the server publishes (snapshots.h): latest, then one per
 * theme close. */
static void published_snapshots(cc_html *h, cc_request *r)
{
    cc_lang lang = r->lang;
    const char *sdir = r->site->snapshots ? cc_snapshots_dir(r->site->snapshots) : NULL;
    cc_html_lit(h, "<h2>");
    cc_html_textz(h, cc_tr(lang, CC_MSG_PG_OD_PUBLISHED));
    cc_html_lit(h, "</h2>\n");
    pg_p_msg(h, lang, CC_MSG_PG_OD_PUBLISHED_TEXT);
    uint64_t size = 0;
    char path[4096];
    if (sdir && cc_snapshots_latest(sdir, &size) == 0) {
        cc_html_lit(h, "<h3>");
        cc_html_textf(h, cc_tr(lang, CC_MSG_PG_OD_LATEST), (unsigned long long)size);
        cc_html_lit(h, "</h3>\n");
        snprintf(path, sizeof path, "%s/latest/checkpoint", sdir);
        FILE *f = fopen(path, "r");
        if (f) {
            char note[1024];
            size_t n = fread(note, 1, sizeof note, f);
            fclose(f);
            cc_html_lit(h, "<pre class=\"checkpoint\">");
            cc_html_text(h, note, n);
            cc_html_lit(h, "</pre>\n");
        }
        snprintf(path, sizeof path, "%s/latest", sdir);
        snapshot_links(h, lang, "/donnees-ouvertes/derniere/", path);
    } else {
        pg_p_msg(h, lang, CC_MSG_PG_OD_NO_LATEST);
    }
    cc_snapshot_ref themes[256];
    size_t nt = 0;
    if (sdir) cc_snapshots_themes(sdir, themes, sizeof themes / sizeof themes[0], &nt);
    if (!nt) pg_p_msg(h, lang, CC_MSG_PG_OD_NO_THEME_SNAPSHOT);
    for (size_t i = 0; i < nt; i++) {
        char base[96];
        snprintf(base, sizeof base, "/donnees-ouvertes/theme-%llu-%llu/",
                 (unsigned long long)themes[i].theme, (unsigned long long)themes[i].size);
        cc_html_lit(h, "<h3>");
        cc_html_textf(h, cc_tr(lang, CC_MSG_PG_OD_THEME_SNAPSHOT),
                      (unsigned long long)themes[i].theme, (unsigned long long)themes[i].size);
        cc_html_lit(h, "</h3>\n");
        snprintf(path, sizeof path, "%s/theme-%llu-%llu", sdir, (unsigned long long)themes[i].theme,
                 (unsigned long long)themes[i].size);
        snapshot_links(h, lang, base, path);
    }
}

void cc_page_opendata(cc_request *r)
{
    cc_lang lang = r->lang;
    h2o_mem_pool_t *pool = &r->req->pool;
    h2o_iovec_t note = {NULL, 0};
    MDB_txn *ltxn;
    if (cc_ledger_read_begin(r->site->ledger, &ltxn) == 0) {
        cc_slice s;
        if (cc_ledger_checkpoint(r->site->ledger, ltxn, &s) == 0)
            note = h2o_strdup(pool, (const char *)s.ptr, s.len);
        cc_ledger_read_end(r->site->ledger, ltxn);
    }
    char key[512] = "";
    cc_verifier_format(&r->site->ledger->verifier, key, sizeof key);

    cc_html h;
    cc_html_init(&h, pool);
    const char *title = cc_tr(lang, CC_MSG_PG_OPENDATA_TITLE);
    pg_begin(&h, r, title);
    pg_h1(&h, title, strlen(title));
    pg_p_msg(&h, lang, CC_MSG_PG_OPENDATA_INTRO);
    cc_html_lit(&h, "<h2>");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_OD_DOWNLOADS));
    cc_html_lit(&h, "</h2>\n");
    pg_p_msg(&h, lang, CC_MSG_PG_OD_SNAPSHOTS);
    cc_html_lit(&h, "<ul>\n<li><a href=\"/checkpoint\">");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_OD_CHECKPOINT_LINK));
    cc_html_lit(&h, "</a></li>\n<li><a href=\"/tile/0/000\">");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_OD_TILES_LINK));
    cc_html_lit(&h, "</a></li>\n</ul>\n");
    published_snapshots(&h, r);
    cc_html_lit(&h, "<h2>");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_OD_CURRENT));
    cc_html_lit(&h, "</h2>\n");
    if (note.base) {
        cc_html_lit(&h, "<pre class=\"checkpoint\">");
        cc_html_text(&h, note.base, note.len);
        cc_html_lit(&h, "</pre>\n");
    } else {
        pg_p_msg(&h, lang, CC_MSG_PG_OD_NO_CHECKPOINT);
    }
    cc_html_lit(&h, "<h2>");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_OD_KEY));
    cc_html_lit(&h, "</h2>\n<pre class=\"key\">");
    cc_html_textz(&h, key);
    cc_html_lit(&h, "</pre>\n<h2>");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_OD_HOW));
    cc_html_lit(&h, "</h2>\n");
    pg_p_msg(&h, lang, CC_MSG_PG_OD_HOW_TEXT);
    cc_html_lit(&h, "<pre><code>concerto verify --data DIR --key '");
    cc_html_textz(&h, key);
    cc_html_lit(&h, "'\nconcerto export --data DIR --out SNAPDIR\nconcerto verify --snapshot "
                    "SNAPDIR --key '");
    cc_html_textz(&h, key);
    cc_html_lit(&h, "'\n\n# "
                    "/donnees-ouvertes/derniere/MANIFEST, theme-ID-SIZE/MANIFEST: "
                    "every file of a snapshot, to download into SNAPDIR\nconcerto verify "
                    "--snapshot SNAPDIR --key '");
    cc_html_textz(&h, key);
    cc_html_lit(&h, "'</code></pre>\n");
    cc_layout_end(&h, r);
    cc_layout_send(r, 200, &h);
}
