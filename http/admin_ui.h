/* admin_ui.h - what the moderation and administration pages share (the
 * "admin_" internals of moderation.c and admin.c): the role gate, the state
 * of one form request in the request's pool, form widgets with the error
 * next to its field, the write step (submit, map the writer's refusal to a
 * message and a status, or redirect with 303), dates, and a strict
 * multipart/form-data parser for the document upload.
 *
 * Everything here runs on the request's loop thread; everything allocated
 * lives in the request's pool (h2o keeps it until the response is sent). */
#ifndef CONCERTO_HTTP_ADMIN_UI_H
#define CONCERTO_HTTP_ADMIN_UI_H

#include "command.h"
#include "form.h"
#include "html.h"
#include "i18n.h"
#include "session.h"
#include "site.h"

#include <stdint.h>

#define ADM_NO_MSG CC_MSG_COUNT_
/* The largest document accepted by /admin/document (the server's body
 * limit may be lower: then the upload gets 413 before it is parsed). */
#define ADM_DOCUMENT_MAX ((size_t)10 * 1024 * 1024)

typedef struct adm adm;
/* Show the page again (after an error: a->err is set) with status. */
typedef void (*adm_render)(adm *a, int status);
/* Map a writer refusal to a field and a message; returns the status. */
typedef int (*adm_refusal)(adm *a, int rc);
/* Runs after a successful write, before the redirect (e.g. the mail). */
typedef void (*adm_after)(adm *a, cc_command *cmd);

struct adm {
    cc_request *r; /* kept (write.h) */
    cc_viewer viewer;
    cc_form form;
    const char *err_field; /* "" for the whole form */
    cc_msg err;
    int has_err;
    adm_render render;
    adm_refusal refusal;
    adm_after after;
    const char *done_location; /* where a success redirects */
    void *ctx;                 /* the page's own state */
    /* multipart uploads */
    h2o_iovec_t file, file_name, file_type;
    int has_file;
};

/* A new request state (viewer loaded). */
adm *adm_new(cc_request *r, adm_render render);
/* Role gate: 0 when the viewer holds one of roles; otherwise answers
 * (anonymous GET: 303 to /connexion; anonymous POST, or signed in without
 * the role: 403 page) and returns -1. */
int adm_gate(adm *a, uint8_t roles);

void adm_set_err(adm *a, const char *field, cc_msg m);
cc_msg adm_field_msg(int rc);

/* Page frame: title h1, the notice (?ok=1: done_msg) and the error box. */
void adm_begin(cc_html *h, adm *a, cc_msg title, cc_msg done_msg);
void adm_end(cc_html *h, adm *a, int status);
void adm_h2(cc_html *h, cc_lang lang, cc_msg m);
void adm_form_open(cc_html *h, adm *a, const char *action, int multipart);
void adm_submit(cc_html *h, adm *a, cc_msg label);
void adm_input(cc_html *h, adm *a, const char *name, cc_msg label, const char *type,
               const char *value, cc_msg hint);
void adm_textarea(cc_html *h, adm *a, const char *name, cc_msg label, cc_msg hint);
/* A <select>: options value "1".."count" labelled first..first+count-1,
 * preceded by an empty "choose" option when choose != ADM_NO_MSG. */
void adm_select(cc_html *h, adm *a, const char *name, cc_msg label, cc_msg choose, cc_msg first,
                unsigned count);
void adm_hidden(cc_html *h, const char *name, const char *value);
void adm_checkbox(cc_html *h, adm *a, const char *name, cc_msg label);
void adm_para(cc_html *h, cc_lang lang, cc_msg m);

/* Parse the body (urlencoded, or multipart when multipart is set) and check
 * the CSRF token. 0, or the status to answer (400, 403, 413) with the error
 * set. */
int adm_post_begin(adm *a, int multipart);
/* Fields; each sets the error on failure and returns nonzero. */
int adm_line(adm *a, const char *name, int required, size_t max, h2o_iovec_t *out);
int adm_text(adm *a, const char *name, int required, size_t max, h2o_iovec_t *out);
/* A decimal number 1..2^53 (required) or absent (*out = 0) when optional. */
int adm_u64(adm *a, const char *name, int required, uint64_t *out);
/* A choice 1..count from a select. */
int adm_choice(adm *a, const char *name, unsigned count, cc_msg err, unsigned *out);
/* "YYYY-MM-DD" (UTC midnight) or, with time set, "YYYY-MM-DDTHH:MM". */
int adm_date(adm *a, const char *name, int with_time, uint64_t *ms);

/* Submit cmd; on success run a->after, then 303 to a->done_location; on
 * refusal show the page again with a->refusal's message. */
void adm_write(adm *a, cc_command *cmd);

/* Strict multipart/form-data: text parts become form fields (UTF-8, no
 * control characters but tab and LF, CR LF folded), at most one file part
 * (its bytes as received, at most max_file). 0, CC_ETYPE (not multipart or
 * no boundary), CC_EMALFORMED, CC_ETOOBIG (file over max_file, too many
 * parts), CC_EEXTRA (a name twice), CC_EUTF8, CC_ECONTROL. Exposed for the
 * tests. */
int adm_multipart_parse(h2o_mem_pool_t *pool, const char *ctype, size_t ctype_len, const char *body,
                        size_t len, size_t max_file, cc_form *out, h2o_iovec_t *file,
                        h2o_iovec_t *file_name, h2o_iovec_t *file_type, int *has_file);

/* The MIME type (cc_mime) of a file whose declared type (or, for
 * application/octet-stream, file name extension) is in the allowed list
 * and whose bytes match it; 0 otherwise. */
unsigned adm_sniff_mime(h2o_iovec_t declared, h2o_iovec_t name, const uint8_t *b, size_t n);

#endif
