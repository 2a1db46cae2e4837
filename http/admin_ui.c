/* admin_ui.c - the shared machinery of the moderation and administration
 * pages (see admin_ui.h).
 *
 * Every POST of those pages goes the same way as the account forms
 * (accounts.c): parse the body strictly, check the CSRF token, check every
 * field, and only then submit one command to the writer. Any problem shows
 * the page again with the message next to the form and writes nothing;
 * the writer's own refusals (a decision on an item already handled, a role
 * already held) are mapped to a message and 409. A success answers 303
 * once the views show the write (write.h), so the page it leads to shows
 * the decision.
 *
 * The upload parser is strict on purpose: the body comes from outside, so
 * every boundary, header and length is checked, and anything unexpected
 * (a part without a name, a header line without a colon, a second file,
 * text after the closing boundary other than a line end) fails the whole
 * request. File bytes are kept exactly as received. */
#include "admin_ui.h"

#include "error.h"
#include "layout.h"
#include "response.h"
#include "write.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

adm *adm_new(cc_request *r, adm_render render)
{
    adm *a = h2o_mem_alloc_pool(&r->req->pool, sizeof *a);
    memset(a, 0, sizeof *a);
    a->r = cc_request_keep(r);
    a->err = ADM_NO_MSG;
    a->render = render;
    cc_viewer_load(a->r, &a->viewer);
    return a;
}

static void send_html(cc_request *r, int status, cc_html *h)
{
    cc_response how = {status, "text/html; charset=utf-8", CC_CACHE_NO_STORE, CC_RESP_VARY_LANG};
    cc_http_respond(r, &how, &h->out);
}

int adm_gate(adm *a, uint8_t roles)
{
    if (a->viewer.signed_in && (a->viewer.roles & roles)) return 0;
    if (!a->viewer.signed_in && (a->r->method & (CC_METHOD_GET | CC_METHOD_HEAD))) {
        cc_redirect(a->r, "/connexion");
        return -1;
    }
    cc_html h;
    cc_lang lang = a->r->lang;
    cc_html_init(&h, &a->r->req->pool);
    cc_layout_begin(&h, a->r, cc_tr(lang, CC_MSG_MOD_FORBIDDEN_TITLE));
    cc_html_lit(&h, "<h1>");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_MOD_FORBIDDEN_TITLE));
    cc_html_lit(&h, "</h1>\n");
    adm_para(&h, lang, CC_MSG_MOD_FORBIDDEN_TEXT);
    cc_layout_end(&h, a->r);
    send_html(a->r, 403, &h);
    return -1;
}

void adm_set_err(adm *a, const char *field, cc_msg m)
{
    if (a->has_err) return; /* the first error is the one shown */
    a->has_err = 1;
    a->err_field = field;
    a->err = m;
}

cc_msg adm_field_msg(int rc)
{
    switch (rc) {
    case CC_EEMPTY:
        return CC_MSG_ACC_ERR_REQUIRED;
    case CC_ETOOLONG:
    case CC_ETOOBIG:
        return CC_MSG_ACC_ERR_TOO_LONG;
    case CC_ECONTROL:
        return CC_MSG_ACC_ERR_CONTROL;
    case CC_EUTF8:
        return CC_MSG_ACC_ERR_UTF8;
    default:
        return CC_MSG_ACC_ERR_MALFORMED;
    }
}

void adm_para(cc_html *h, cc_lang lang, cc_msg m)
{
    cc_html_lit(h, "<p>");
    cc_html_textz(h, cc_tr(lang, m));
    cc_html_lit(h, "</p>\n");
}

void adm_h2(cc_html *h, cc_lang lang, cc_msg m)
{
    cc_html_lit(h, "<h2>");
    cc_html_textz(h, cc_tr(lang, m));
    cc_html_lit(h, "</h2>\n");
}

void adm_begin(cc_html *h, adm *a, cc_msg title, cc_msg done_msg)
{
    cc_request *r = a->r;
    cc_html_init(h, &r->req->pool);
    cc_layout_begin(h, r, cc_tr(r->lang, title));
    cc_html_lit(h, "<h1>");
    cc_html_textz(h, cc_tr(r->lang, title));
    cc_html_lit(h, "</h1>\n");
    cc_form q;
    const h2o_iovec_t *ok;
    if (!a->has_err && r->query.len &&
        cc_form_parse(&r->req->pool, r->query.base, r->query.len, NULL, &q) == 0 &&
        (ok = cc_form_get(&q, "ok")) && ok->len == 1 && ok->base[0] == '1') {
        cc_html_lit(h, "<p class=\"notice\" role=\"status\">");
        cc_html_textz(h, cc_tr(r->lang, done_msg));
        cc_html_lit(h, "</p>\n");
    }
    if (a->has_err) {
        cc_html_lit(h, "<div class=\"errors\" role=\"alert\" id=\"errors\"><p>");
        cc_html_textz(h, cc_tr(r->lang, CC_MSG_ACC_ERRORS_INTRO));
        cc_html_lit(h, "</p><p>");
        if (a->err_field && a->err_field[0]) {
            cc_html_textf(h, "%.60s : ", a->err_field);
        }
        cc_html_textz(h, cc_tr(r->lang, a->err));
        cc_html_lit(h, "</p></div>\n");
    }
}

void adm_end(cc_html *h, adm *a, int status)
{
    cc_layout_end(h, a->r);
    send_html(a->r, status, h);
}

void adm_form_open(cc_html *h, adm *a, const char *action, int multipart)
{
    cc_html_lit(h, "<form class=\"adm\" method=\"post\" novalidate");
    if (multipart) cc_html_lit(h, " enctype=\"multipart/form-data\"");
    cc_html_attrz(h, "action", action);
    cc_html_lit(h, ">\n");
    cc_csrf_field(h, a->r, &a->viewer);
}

void adm_submit(cc_html *h, adm *a, cc_msg label)
{
    cc_html_lit(h, "<p><button type=\"submit\">");
    cc_html_textz(h, cc_tr(a->r->lang, label));
    cc_html_lit(h, "</button></p>\n</form>\n");
}

/* Ids must be unique on a page that has several forms: the action's path
 * makes them so. */
static void field_id(char *out, size_t cap, const char *prefix, const char *name)
{
    static unsigned counter; /* loop threads only render: a race only changes an id */
    snprintf(out, cap, "%s-%s-%u", prefix, name, ++counter % 100000);
}

static void label_for(cc_html *h, adm *a, const char *id, cc_msg label)
{
    cc_html_lit(h, "<label");
    cc_html_attrz(h, "for", id);
    cc_html_lit(h, ">");
    cc_html_textz(h, cc_tr(a->r->lang, label));
    cc_html_lit(h, "</label>\n");
}

static void hint_html(cc_html *h, adm *a, cc_msg hint)
{
    if (hint == ADM_NO_MSG) return;
    cc_html_lit(h, "<span class=\"hint\">");
    cc_html_textz(h, cc_tr(a->r->lang, hint));
    cc_html_lit(h, "</span>\n");
}

void adm_input(cc_html *h, adm *a, const char *name, cc_msg label, const char *type,
               const char *value, cc_msg hint)
{
    char id[96];
    field_id(id, sizeof id, "f", name);
    cc_html_lit(h, "<p class=\"field\">");
    label_for(h, a, id, label);
    hint_html(h, a, hint);
    cc_html_lit(h, "<input");
    cc_html_attrz(h, "type", type);
    cc_html_attrz(h, "id", id);
    cc_html_attrz(h, "name", name);
    if (value && *value) cc_html_attrz(h, "value", value);
    cc_html_lit(h, "></p>\n");
}

void adm_textarea(cc_html *h, adm *a, const char *name, cc_msg label, cc_msg hint)
{
    char id[96];
    field_id(id, sizeof id, "f", name);
    cc_html_lit(h, "<p class=\"field\">");
    label_for(h, a, id, label);
    hint_html(h, a, hint);
    cc_html_lit(h, "<textarea rows=\"6\"");
    cc_html_attrz(h, "id", id);
    cc_html_attrz(h, "name", name);
    cc_html_lit(h, "></textarea></p>\n");
}

void adm_select(cc_html *h, adm *a, const char *name, cc_msg label, cc_msg choose, cc_msg first,
                unsigned count)
{
    char id[96];
    field_id(id, sizeof id, "f", name);
    cc_html_lit(h, "<p class=\"field\">");
    label_for(h, a, id, label);
    cc_html_lit(h, "<select");
    cc_html_attrz(h, "id", id);
    cc_html_attrz(h, "name", name);
    cc_html_lit(h, ">\n");
    if (choose != ADM_NO_MSG) {
        cc_html_lit(h, "<option value=\"\">");
        cc_html_textz(h, cc_tr(a->r->lang, choose));
        cc_html_lit(h, "</option>\n");
    }
    for (unsigned i = 1; i <= count; i++) {
        cc_html_lit(h, "<option");
        cc_html_attr_u64(h, "value", i);
        cc_html_lit(h, ">");
        cc_html_textz(h, cc_tr(a->r->lang, (cc_msg)(first + i - 1)));
        cc_html_lit(h, "</option>\n");
    }
    cc_html_lit(h, "</select></p>\n");
}

void adm_hidden(cc_html *h, const char *name, const char *value)
{
    cc_html_lit(h, "<input type=\"hidden\"");
    cc_html_attrz(h, "name", name);
    cc_html_attrz(h, "value", value);
    cc_html_lit(h, ">\n");
}

void adm_checkbox(cc_html *h, adm *a, const char *name, cc_msg label)
{
    char id[96];
    field_id(id, sizeof id, "f", name);
    cc_html_lit(h, "<p class=\"field\"><input type=\"checkbox\" value=\"1\"");
    cc_html_attrz(h, "id", id);
    cc_html_attrz(h, "name", name);
    cc_html_lit(h, "> ");
    label_for(h, a, id, label);
    cc_html_lit(h, "</p>\n");
}

/* ---- reading fields ------------------------------------------------------ */

int adm_post_begin(adm *a, int multipart)
{
    int rc;
    h2o_req_t *req = a->r->req;
    if (multipart) {
        ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_CONTENT_TYPE, -1);
        if (i < 0) {
            rc = CC_ETYPE;
        } else {
            h2o_iovec_t ct = req->headers.entries[i].value;
            rc =
                adm_multipart_parse(&req->pool, ct.base, ct.len, req->entity.base,
                                    req->entity.base ? req->entity.len : 0, ADM_DOCUMENT_MAX,
                                    &a->form, &a->file, &a->file_name, &a->file_type, &a->has_file);
        }
        if (rc) {
            memset(&a->form, 0, sizeof a->form);
            adm_set_err(a, "fichier",
                        rc == CC_ETOOBIG ? CC_MSG_ADM_ERR_TOO_BIG : CC_MSG_ADM_ERR_MULTIPART);
            return rc == CC_ETOOBIG ? 413 : 400;
        }
    } else if ((rc = cc_form_parse_body(req, NULL, &a->form))) {
        adm_set_err(a, a->form.error_field ? a->form.error_field : "", adm_field_msg(rc));
        memset(&a->form, 0, sizeof a->form);
        return 400;
    }
    if (cc_csrf_check(a->r, &a->viewer, &a->form)) {
        adm_set_err(a, "", CC_MSG_ACC_ERR_CSRF);
        return 403;
    }
    return 0;
}

int adm_line(adm *a, const char *name, int required, size_t max, h2o_iovec_t *out)
{
    int rc = cc_form_line(&a->form, name, required, max, 1, out);
    if (rc) adm_set_err(a, name, adm_field_msg(rc));
    return rc;
}

int adm_text(adm *a, const char *name, int required, size_t max, h2o_iovec_t *out)
{
    int rc = cc_form_text(&a->form, name, required, max, out);
    if (rc) adm_set_err(a, name, adm_field_msg(rc));
    return rc;
}

static int parse_dec(const char *s, size_t n, uint64_t max, uint64_t *out)
{
    if (n == 0 || n > 16 || (n > 1 && s[0] == '0')) return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > max) return -1;
    *out = v;
    return 0;
}

int adm_u64(adm *a, const char *name, int required, uint64_t *out)
{
    h2o_iovec_t v;
    *out = 0;
    if (adm_line(a, name, required, 20, &v)) return -1;
    if (!v.len) return 0;
    if (parse_dec(v.base, v.len, (uint64_t)1 << 53, out) || *out == 0) {
        adm_set_err(a, name, CC_MSG_ADM_ERR_NUMBER);
        return -1;
    }
    return 0;
}

int adm_choice(adm *a, const char *name, unsigned count, cc_msg err, unsigned *out)
{
    h2o_iovec_t v;
    uint64_t n;
    *out = 0;
    if (cc_form_line(&a->form, name, 1, 4, 1, &v) || parse_dec(v.base, v.len, count, &n) ||
        n == 0) {
        adm_set_err(a, name, err);
        return -1;
    }
    *out = (unsigned)n;
    return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char *s, size_t n, unsigned *out)
{
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return 0;
}

int adm_date(adm *a, const char *name, int with_time, uint64_t *ms)
{
    h2o_iovec_t v;
    if (adm_line(a, name, 1, 20, &v)) return -1;
    const char *s = v.base;
    unsigned y, mo, d, hh = 0, mm = 0;
    int ok = (v.len == 10 || (with_time && v.len == 16)) && s[4] == '-' && s[7] == '-' &&
             !digits(s, 4, &y) && !digits(s + 5, 2, &mo) && !digits(s + 8, 2, &d);
    if (ok && v.len == 16)
        ok = (s[10] == 'T' || s[10] == ' ') && s[13] == ':' && !digits(s + 11, 2, &hh) &&
             !digits(s + 14, 2, &mm) && hh < 24 && mm < 60;
    static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (ok) ok = y >= 1970 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 && d <= mdays[mo - 1];
    if (ok && mo == 2 && d == 29) ok = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (!ok) {
        adm_set_err(a, name, with_time ? CC_MSG_ADM_ERR_DATETIME : CC_MSG_ADM_ERR_DATE);
        return -1;
    }
    int64_t days = days_from_civil(y, mo, d);
    *ms = ((uint64_t)days * 86400 + hh * 3600u + mm * 60u) * 1000;
    return 0;
}

/* ---- writing --------------------------------------------------------------- */

static void write_done(cc_request *r, cc_command *cmd, void *arg)
{
    adm *a = arg;
    (void)r;
    int rc = cmd->result.rc;
    if (rc == 0) {
        if (a->after) a->after(a, cmd);
        cc_redirect(a->r, a->done_location);
        return;
    }
    if (rc == CC_ESHUTDOWN || rc == CC_EIO || rc == CC_ENOMEM) {
        cc_http_error_page(a->r, 503);
        return;
    }
    int status = a->refusal ? a->refusal(a, rc) : 409;
    if (!a->has_err) adm_set_err(a, "", CC_MSG_ACC_ERR_INTERNAL);
    a->render(a, status);
}

void adm_write(adm *a, cc_command *cmd)
{
    if (cc_write_submit(a->r, cmd, write_done, a)) cc_http_error_page(a->r, 503);
}

/* ---- multipart/form-data ------------------------------------------------- */

#define MP_MAX_PARTS 32
#define MP_MAX_HEADER 1024

static const char *find(const char *hay, size_t n, const char *needle, size_t m)
{
    if (m == 0 || n < m) return NULL;
    return memmem(hay, n, needle, m);
}

/* The value of parameter name in a header's parameters ("; name=value" or
 * "; name=\"value\""), into *out. 0 found, -1 absent or malformed. */
static int header_param(const char *s, size_t n, const char *name, h2o_iovec_t *out)
{
    size_t nl = strlen(name);
    size_t i = 0;
    while (i < n) {
        /* each parameter follows a ';' */
        const char *semi = memchr(s + i, ';', n - i);
        if (!semi) return -1;
        i = (size_t)(semi - s) + 1;
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (n - i > nl && !strncasecmp(s + i, name, nl) && s[i + nl] == '=') {
            i += nl + 1;
            if (i < n && s[i] == '"') {
                const char *q = memchr(s + i + 1, '"', n - i - 1);
                if (!q) return -1;
                *out = h2o_iovec_init(s + i + 1, (size_t)(q - (s + i + 1)));
                if (memchr(out->base, '\\', out->len)) return -1; /* no escapes: refuse */
            } else {
                size_t j = i;
                while (j < n && s[j] != ';' && s[j] != ' ' && s[j] != '\t')
                    j++;
                *out = h2o_iovec_init(s + i, j - i);
            }
            return 0;
        }
    }
    return -1;
}

static int fold_text(h2o_mem_pool_t *pool, const char *s, size_t n, h2o_iovec_t *out)
{
    char *o = h2o_mem_alloc_pool(pool, n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r') {
            o[k++] = '\n';
            if (i + 1 < n && s[i + 1] == '\n') i++;
        } else {
            o[k++] = s[i];
        }
    }
    o[k] = '\0';
    int rc = cc_form_check_text(o, k, 1);
    if (rc) return rc;
    *out = h2o_iovec_init(o, k);
    return 0;
}

int adm_multipart_parse(h2o_mem_pool_t *pool, const char *ctype, size_t ctype_len, const char *body,
                        size_t len, size_t max_file, cc_form *out, h2o_iovec_t *file,
                        h2o_iovec_t *file_name, h2o_iovec_t *file_type, int *has_file)
{
    static const char mp[] = "multipart/form-data";
    memset(out, 0, sizeof *out);
    out->error_field = "";
    *has_file = 0;
    *file = *file_name = *file_type = h2o_iovec_init("", 0);
    if (ctype_len < sizeof mp - 1 || strncasecmp(ctype, mp, sizeof mp - 1) ||
        (ctype_len > sizeof mp - 1 && ctype[sizeof mp - 1] != ';' && ctype[sizeof mp - 1] != ' '))
        return CC_ETYPE;
    h2o_iovec_t b;
    if (header_param(ctype, ctype_len, "boundary", &b) || b.len == 0 || b.len > 70) return CC_ETYPE;
    /* delimiter = CRLF "--" boundary; the body starts with "--" boundary */
    char *delim = h2o_mem_alloc_pool(pool, b.len + 4);
    memcpy(delim, "\r\n--", 4);
    memcpy(delim + 4, b.base, b.len);
    size_t dl = b.len + 4;
    if (len < dl - 2 || memcmp(body, delim + 2, dl - 2)) return CC_EMALFORMED;
    out->fields = h2o_mem_alloc_pool(pool, sizeof(cc_form_field) * MP_MAX_PARTS);
    size_t pos = dl - 2;
    for (;;) {
        /* after a delimiter: "--" (the end) or CRLF (a part) */
        if (len - pos >= 2 && body[pos] == '-' && body[pos + 1] == '-') {
            pos += 2;
            if (len - pos == 0 || (len - pos == 2 && body[pos] == '\r' && body[pos + 1] == '\n'))
                return 0;
            return CC_EMALFORMED;
        }
        if (len - pos < 2 || body[pos] != '\r' || body[pos + 1] != '\n') return CC_EMALFORMED;
        pos += 2;
        /* headers, up to an empty line */
        const char *hend =
            find(body + pos, len - pos < MP_MAX_HEADER ? len - pos : MP_MAX_HEADER, "\r\n\r\n", 4);
        if (!hend) return CC_EMALFORMED;
        h2o_iovec_t name = {NULL, 0}, filename = {NULL, 0}, ptype = {NULL, 0};
        int is_file = 0, has_disp = 0;
        const char *h = body + pos;
        while (h < hend + 2) {
            const char *eol = find(h, (size_t)(hend + 2 - h), "\r\n", 2);
            if (!eol) return CC_EMALFORMED;
            const char *colon = memchr(h, ':', (size_t)(eol - h));
            if (!colon) return CC_EMALFORMED;
            for (const char *c = h; c < eol; c++)
                if ((unsigned char)*c < 0x20 && *c != '\t') return CC_EMALFORMED;
            size_t hn = (size_t)(colon - h);
            const char *v = colon + 1;
            while (v < eol && (*v == ' ' || *v == '\t'))
                v++;
            size_t vn = (size_t)(eol - v);
            if (hn == 19 && !strncasecmp(h, "Content-Disposition", 19)) {
                if (has_disp || vn < 9 || strncasecmp(v, "form-data", 9)) return CC_EMALFORMED;
                has_disp = 1;
                if (header_param(v, vn, "name", &name) || name.len == 0 ||
                    name.len > CC_FORM_MAX_NAME)
                    return CC_EMALFORMED;
                if (header_param(v, vn, "filename", &filename) == 0) is_file = 1;
            } else if (hn == 12 && !strncasecmp(h, "Content-Type", 12)) {
                ptype = h2o_iovec_init(v, vn);
            }
            h = eol + 2;
        }
        if (!has_disp) return CC_EMALFORMED;
        pos = (size_t)(hend - body) + 4;
        const char *next = find(body + pos, len - pos, delim, dl);
        if (!next) return CC_EMALFORMED;
        size_t vlen = (size_t)(next - (body + pos));
        if (is_file) {
            if (*has_file) return CC_EEXTRA;
            if (vlen > max_file) return CC_ETOOBIG;
            *has_file = 1;
            *file = h2o_iovec_init(body + pos, vlen);
            *file_name = h2o_strdup(pool, filename.base, filename.len);
            *file_type =
                ptype.base ? h2o_strdup(pool, ptype.base, ptype.len) : h2o_iovec_init("", 0);
            if (cc_form_check_text(file_name->base, file_name->len, 0)) return CC_EMALFORMED;
        } else {
            if (out->count >= MP_MAX_PARTS) return CC_ETOOBIG;
            if (vlen > CC_FORM_MAX_VALUE) return CC_ETOOLONG;
            for (size_t i = 0; i < out->count; i++)
                if (out->fields[i].name.len == name.len &&
                    !memcmp(out->fields[i].name.base, name.base, name.len))
                    return CC_EEXTRA;
            cc_form_field *f = &out->fields[out->count];
            f->name = h2o_strdup(pool, name.base, name.len);
            if (cc_form_check_text(f->name.base, f->name.len, 0)) return CC_EMALFORMED;
            int rc = fold_text(pool, body + pos, vlen, &f->value);
            if (rc) {
                out->error_field = f->name.base;
                return rc;
            }
            out->count++;
        }
        pos = (size_t)(next - body) + dl;
    }
}

/* ---- MIME sniffing ---------------------------------------------------------- */

static int utf8_text(const uint8_t *b, size_t n)
{
    size_t i = 0;
    if (n >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf) i = 3; /* BOM */
    while (i < n) {
        uint8_t c = b[i];
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7f)
                return 0;
            i++;
            continue;
        }
        size_t k;
        uint32_t cp;
        if (c >= 0xc2 && c <= 0xdf) {
            k = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            k = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            k = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (n - i <= k) return 0;
        for (size_t j = 1; j <= k; j++) {
            if ((b[i + j] & 0xc0) != 0x80) return 0;
            cp = (cp << 6) | (b[i + j] & 0x3f);
        }
        if ((k == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
            (k == 3 && (cp < 0x10000 || cp > 0x10ffff)))
            return 0;
        i += k + 1;
    }
    return 1;
}

static int ends_with(h2o_iovec_t s, const char *suffix)
{
    size_t n = strlen(suffix);
    return s.len >= n && !strncasecmp(s.base + s.len - n, suffix, n);
}

unsigned adm_sniff_mime(h2o_iovec_t declared, h2o_iovec_t name, const uint8_t *b, size_t n)
{
    /* the media type without its parameters */
    size_t dl = 0;
    while (dl < declared.len && declared.base[dl] != ';' && declared.base[dl] != ' ')
        dl++;
    unsigned mime = dl ? cc_field_enum_value(CC_F_MIME, declared.base, dl) : 0;
    if (!mime &&
        (dl == 0 || (dl == 24 && !strncasecmp(declared.base, "application/octet-stream", 24)))) {
        mime = ends_with(name, ".pdf")    ? CC_MIME_PDF
               : ends_with(name, ".txt")  ? CC_MIME_TEXT
               : ends_with(name, ".md")   ? CC_MIME_MARKDOWN
               : ends_with(name, ".odt")  ? CC_MIME_ODT
               : ends_with(name, ".docx") ? CC_MIME_DOCX
                                          : 0;
    }
    static const char odt[] = "mimetypeapplication/vnd.oasis.opendocument.text";
    switch (mime) {
    case CC_MIME_PDF:
        return n >= 5 && !memcmp(b, "%PDF-", 5) ? mime : 0;
    case CC_MIME_TEXT:
    case CC_MIME_MARKDOWN:
        return n > 0 && utf8_text(b, n) ? mime : 0;
    case CC_MIME_ODT:
        /* ODF: a zip whose first entry is "mimetype", stored, holding the type */
        return n >= 30 + sizeof odt - 1 && !memcmp(b, "PK\3\4", 4) &&
                       !memcmp(b + 30, odt, sizeof odt - 1)
                   ? mime
                   : 0;
    case CC_MIME_DOCX:
        return n >= 30 && !memcmp(b, "PK\3\4", 4) && memmem(b, n, "[Content_Types].xml", 19) &&
                       memmem(b, n, "word/", 5)
                   ? mime
                   : 0;
    default:
        return 0;
    }
}
