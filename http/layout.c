/* layout.c - page frame and HTML error pages.
 *
 * The frame is written with the HTML writer like everything else, so even
 * the page title (often a participant's or an administrator's text) is
 * escaped by construction. No inline style or script: the stylesheet is
 * the only resource, and the Content-Security-Policy forbids the rest. */
#include "layout.h"

#include "response.h"
#include "site.h"

#include <string.h>

void cc_layout_begin(cc_html *h, cc_request *r, const char *title)
{
    cc_lang lang = r->lang;
    cc_html_lit(h, "<!DOCTYPE html>\n<html");
    cc_html_attrz(h, "lang", cc_lang_code(lang));
    cc_html_lit(h, ">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<title>");
    cc_html_textz(h, title);
    cc_html_lit(h, " \xE2\x80\x94 "); /* em dash */
    cc_html_textz(h, cc_tr(lang, CC_MSG_SITE_NAME));
    cc_html_lit(h, "</title>\n<link rel=\"stylesheet\"");
    cc_html_href(h, cc_static_css_url(), strlen(cc_static_css_url()));
    cc_html_lit(h, ">\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">");
    cc_html_textz(h, cc_tr(lang, CC_MSG_SKIP_TO_CONTENT));
    cc_html_lit(h, "</a>\n<header class=\"site\">\n<p class=\"brand\"><a href=\"/\">");
    cc_html_textz(h, cc_tr(lang, CC_MSG_SITE_NAME));
    cc_html_lit(h, "</a> <span>");
    cc_html_textz(h, cc_tr(lang, CC_MSG_SITE_TAGLINE));
    cc_html_lit(h, "</span></p>\n<nav");
    cc_html_attrz(h, "aria-label", cc_tr(lang, CC_MSG_LANG_NAV_LABEL));
    cc_html_lit(h, "><a");
    /* The link to the other language is in that language. */
    cc_lang other = lang == CC_LANG_FR ? CC_LANG_EN : CC_LANG_FR;
    if (other == CC_LANG_EN)
        cc_html_lit(h, " href=\"?lang=en\" hreflang=\"en\" lang=\"en\">");
    else
        cc_html_lit(h, " href=\"?lang=fr\" hreflang=\"fr\" lang=\"fr\">");
    cc_html_textz(h, cc_tr(lang, CC_MSG_OTHER_LANG_NAME));
    cc_html_lit(h, "</a></nav>\n");
    /* Every page reaches every part of the site and the account pages
     * (the same links for everyone: the frame does not look up the viewer). */
    static const struct {
        const char *href;
        cc_msg label;
    } nav[] =
        {
            {"/", CC_MSG_PG_NAV_HOME},
            {"/rapport", CC_MSG_PG_NAV_REPORT},
            {"/documents", CC_MSG_PG_NAV_DOCUMENTS},
            {"/rencontres", CC_MSG_PG_NAV_MEETINGS},
            {"/corbeille", CC_MSG_PG_NAV_TRASH},
            {"/donnees-ouvertes", CC_MSG_PG_NAV_OPENDATA},
            {"/charte", CC_MSG_PG_NAV_CHARTER},
            {"/faq", CC_MSG_PG_NAV_FAQ},
            {"/contact", CC_MSG_NAV_CONTACT},
        },
      account[] = {
          {"/connexion", CC_MSG_NAV_LOGIN},
          {"/inscription", CC_MSG_NAV_REGISTER},
          {"/compte", CC_MSG_NAV_ACCOUNT},
      };
    cc_html_lit(h, "<nav class=\"pages\"");
    cc_html_attrz(h, "aria-label", cc_tr(lang, CC_MSG_PG_NAV_LABEL));
    cc_html_lit(h, "><ul>\n");
    for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++) {
        cc_html_lit(h, "<li><a");
        cc_html_href(h, nav[i].href, strlen(nav[i].href));
        cc_html_lit(h, ">");
        cc_html_textz(h, cc_tr(lang, nav[i].label));
        cc_html_lit(h, "</a></li>\n");
    }
    cc_html_lit(h, "</ul></nav>\n<nav class=\"account\"");
    cc_html_attrz(h, "aria-label", cc_tr(lang, CC_MSG_NAV_ACCOUNT_LABEL));
    cc_html_lit(h, "><ul>\n");
    for (size_t i = 0; i < sizeof account / sizeof account[0]; i++) {
        cc_html_lit(h, "<li><a");
        cc_html_href(h, account[i].href, strlen(account[i].href));
        cc_html_lit(h, ">");
        cc_html_textz(h, cc_tr(lang, account[i].label));
        cc_html_lit(h, "</a></li>\n");
    }
    cc_html_lit(h, "</ul></nav>\n</header>\n<main id=\"main\">\n");
}

void cc_layout_end(cc_html *h, cc_request *r)
{
    cc_html_lit(h, "</main>\n<footer class=\"site\"");
    cc_html_attrz(h, "aria-label", cc_tr(r->lang, CC_MSG_FOOTER_LABEL));
    cc_html_lit(h, ">\n<p><a href=\"/checkpoint\">");
    cc_html_textz(h, cc_tr(r->lang, CC_MSG_FOOTER_LOG));
    cc_html_lit(h, "</a></p>\n</footer>\n</body>\n</html>\n");
}

void cc_layout_send(cc_request *r, int status, cc_html *h)
{
    cc_response how = {status, "text/html; charset=utf-8", CC_CACHE_REVALIDATE,
                       CC_RESP_ETAG | CC_RESP_VARY_LANG};
    cc_http_respond(r, &how, &h->out);
}

void cc_http_error_page(cc_request *r, int status)
{
    cc_msg title = CC_MSG_ERROR_INTERNAL_TITLE, text = CC_MSG_ERROR_INTERNAL_TEXT;
    if (status == 404) {
        title = CC_MSG_ERROR_NOT_FOUND_TITLE;
        text = CC_MSG_ERROR_NOT_FOUND_TEXT;
    } else if (status == 405) {
        title = CC_MSG_ERROR_METHOD_TITLE;
        text = CC_MSG_ERROR_METHOD_TEXT;
    }
    cc_html h;
    cc_html_init(&h, &r->req->pool);
    cc_layout_begin(&h, r, cc_tr(r->lang, title));
    cc_layout_error_finish(&h, r, status, title, text, 0);
}

void cc_layout_error_finish(cc_html *h, cc_request *r, int status, cc_msg title, cc_msg text,
                            int error_class)
{
    cc_html_lit(h, "<h1>");
    cc_html_textz(h, cc_tr(r->lang, title));
    if (error_class)
        cc_html_lit(h, "</h1>\n<p class=\"error\">");
    else
        cc_html_lit(h, "</h1>\n<p>");
    cc_html_textz(h, cc_tr(r->lang, text));
    cc_html_lit(h, "</p>\n<p><a href=\"/\">");
    cc_html_textz(h, cc_tr(r->lang, CC_MSG_ERROR_BACK_HOME));
    cc_html_lit(h, "</a></p>\n");
    cc_layout_end(h, r);
    /* An error describes this moment, not the resource: never cached. */
    cc_response how = {status, "text/html; charset=utf-8", CC_CACHE_NO_STORE, CC_RESP_VARY_LANG};
    cc_http_respond(r, &how, &h->out);
}
