/* layout.h - the frame every HTML page shares: doctype, <head>, skip link,
 * header with the language switch, <main>, footer.
 *
 * Accessibility: lang on <html> (and on the link to the other language),
 * a skip link to #main as the first focusable element, landmarks (header,
 * nav with a label, main, footer), one <h1> per page written by the page
 * itself right after cc_layout_begin. */
#ifndef CONCERTO_HTTP_LAYOUT_H
#define CONCERTO_HTTP_LAYOUT_H

#include "html.h"
#include "router.h"

/* Start a page whose <title> is title (plain text, escaped) followed by the
 * site's name. Leaves the writer inside <main>. */
void cc_layout_begin(cc_html *h, cc_request *r, const char *title);
/* Close <main>, write the footer, close the document. */
void cc_layout_end(cc_html *h, cc_request *r);
/* Send a finished page: text/html, ETag, revalidated on each use. */
void cc_layout_send(cc_request *r, int status, cc_html *h);
/* Finish an error page already begun (by cc_layout_begin or a frame built on
 * it): title as <h1>, the message (class="error" when error_class), a link
 * home, the footer; then send it with status and no-store. Shared by
 * cc_http_error_page and the public pages' pg_error. */
void cc_layout_error_finish(cc_html *h, cc_request *r, int status, cc_msg title, cc_msg text,
                            int error_class);

#endif
