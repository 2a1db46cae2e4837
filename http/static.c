/* static.c - the stylesheet, compiled into the binary and served from
 * memory.
 *
 * One small file needs no file system layout, no path handling (so no path
 * traversal to get wrong) and no I/O. Pages link it as
 * /static/concerto.css?v=<hash of its bytes>: a request carrying the current
 * version is cached forever (immutable), any other (an old page, a bare URL)
 * is revalidated, so a new build can never be hidden behind a stale cache.
 *
 * The design is plain and legible first: system fonts, large line height,
 * strong contrast (WCAG AA at least), visible focus, a skip link that
 * appears on focus, and nothing that depends on JavaScript. */
#include "response.h"
#include "site.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <xxhash.h>

static const char css[] =
    ":root{--ink:#1b1b1b;--paper:#fff;--accent:#000091;--muted:#4d4d4d;--line:#ddd;"
    "--open:#18753c;--closed:#6a6a6a;--draft:#716043}\n"
    "*{box-sizing:border-box}\n"
    "html{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,"
    "sans-serif;font-size:100%;line-height:1.5;color:var(--ink);background:var(--paper)}\n"
    "body{margin:0}\n"
    "a{color:var(--accent)}\n"
    "a:focus,a:focus-visible{outline:3px solid var(--accent);outline-offset:2px}\n"
    ".skip{position:absolute;left:-9999px;top:0}\n"
    ".skip:focus{left:1rem;top:1rem;background:var(--paper);padding:.5rem 1rem;z-index:10}\n"
    "header.site,footer.site{padding:1rem max(1rem,calc((100% - 48rem)/2));"
    "border-bottom:1px solid var(--line)}\n"
    "header.site{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;"
    "gap:1rem}\n"
    "header.site .brand{margin:0;font-weight:700}\n"
    "header.site .brand a{text-decoration:none;font-size:1.25rem}\n"
    "header.site .brand span{font-weight:400;color:var(--muted);margin-left:.5rem}\n"
    "footer.site{border-top:1px solid var(--line);border-bottom:0;margin-top:3rem;"
    "color:var(--muted)}\n"
    "main{padding:1rem max(1rem,calc((100% - 48rem)/2))}\n"
    "h1{font-size:2rem;line-height:1.25;margin:1rem 0}\n"
    "h2{font-size:1.5rem;margin:2rem 0 1rem}\n"
    "h3{font-size:1.25rem;margin:0 0 .5rem}\n"
    ".intro p{max-width:42rem}\n"
    "ol.themes{list-style:none;padding:0;margin:0;display:grid;gap:1rem}\n"
    "ol.themes>li{border:1px solid var(--line);border-left:4px solid var(--accent);"
    "padding:1rem}\n"
    ".state{display:inline-block;font-weight:700;margin:0 0 .5rem}\n"
    ".state-open{color:var(--open)}\n"
    ".state-closed{color:var(--closed)}\n"
    ".state-draft{color:var(--draft)}\n"
    ".dates,.counts{margin:.25rem 0;color:var(--muted)}\n"
    ".notice{border-left:4px solid var(--draft);padding:.5rem 1rem;background:#f6f6f6}\n"
    "@media (prefers-reduced-motion:reduce){*{transition:none!important;"
    "animation:none!important}}\n"
    /* public pages (pages_*.c, charts.c) */
    "nav.pages ul,nav.tabs ul,nav.sort ul,nav.pagination ul{list-style:none;padding:0;"
    "display:flex;flex-wrap:wrap;gap:.75rem}\n"
    "nav.tabs [aria-current],nav.sort [aria-current]{font-weight:700}\n"
    ".sides{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem}\n"
    "figure.chart svg{width:100%;height:auto;max-width:40rem}\n"
    "figure.chart rect{fill:var(--accent)}\n"
    "figure.chart text{font-size:14px;fill:currentColor}\n"
    "table{border-collapse:collapse}th,td{padding:.25rem .5rem;text-align:left}\n"
    ".tombstone{border-left:4px solid var(--closed);padding-left:1rem}\n"
    "code.hash{word-break:break-all}\n"
    /* participation forms (actions.c) */
    ".take-part{border-top:1px solid var(--line);margin-top:1.5rem;padding-top:.5rem}\n"
    ".take-part form,form.act-contact{max-width:40rem}\n"
    ".take-part textarea,.take-part input[type=text],.take-part input[type=url],"
    "form.act-contact textarea,form.act-contact input{width:100%}\n"
    ".take-part fieldset .choice{margin-right:1rem;white-space:nowrap}\n"
    "ul.upvotes form{display:inline}\n"
    ".my-vote,.flagged{font-weight:600}\n";

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char css_url[64];
static char css_version[17];

static void init_version(void)
{
    snprintf(css_version, sizeof css_version, "%016llx",
             (unsigned long long)XXH3_64bits(css, sizeof css - 1));
    snprintf(css_url, sizeof css_url, "/static/concerto.css?v=%s", css_version);
}

const char *cc_static_css_url(void)
{
    pthread_once(&once, init_version);
    return css_url;
}

void cc_page_static(cc_request *r)
{
    pthread_once(&once, init_version);
    if (!h2o_memis(r->path.base, r->path.len, H2O_STRLIT("/static/concerto.css"))) {
        cc_http_error_page(r, 404);
        return;
    }
    /* immutable only when the query names this exact version */
    int current = r->query.len == 2 + sizeof css_version - 1 && !memcmp(r->query.base, "v=", 2) &&
                  !memcmp(r->query.base + 2, css_version, sizeof css_version - 1);
    cc_out o;
    cc_out_init(&o, &r->req->pool);
    cc_out_ref(&o, css, sizeof css - 1);
    cc_response how = {200, "text/css; charset=utf-8",
                       current ? CC_CACHE_IMMUTABLE : "public, max-age=300", CC_RESP_ETAG};
    cc_http_respond(r, &how, &o);
}
