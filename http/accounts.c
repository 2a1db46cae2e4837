/* accounts.c - registration, e-mail confirmation, login and logout,
 * password reset, the account page (rectification, e-mail change), "download
 * my data" and "delete my account".
 *
 * Every POST goes the same way: parse the body strictly (form.h), check
 * the CSRF token (session.h), take a rate-limit token (ratelimit.h), check
 * the fields, and only then do anything: bad input shows the form again
 * (400, or 403 for CSRF) with the message next to its field and changes
 * nothing. Slow work (argon2id) runs on the libuv threadpool and writes go
 * through write.h, so no loop ever blocks; a successful write answers 303
 * once the views show it.
 *
 * No account enumeration: registration, login and reset answer the same
 * whatever exists. Registration always hashes the password, submits the
 * creation and redirects to the same "check your mail" page; a taken
 * e-mail gets a "you already have an account" message instead of a
 * confirmation, a taken username (with a free e-mail) a "choose another
 * username" message. Login verifies against a dummy hash when no account
 * matches, so the time taken says nothing either. Reset redirects to the
 * same page whether a message was sent or not.
 *
 * An e-mail change takes the current password (checked off-loop) and
 * changes nothing yet: it mails a one-time link (CC_TOKEN_EMAIL_CHANGE,
 * the new address as its data) to the new address and a notice to the old
 * one. The link opens /confirmer-adresse, whose button (a POST with CSRF,
 * so mail scanners that open links consume nothing) applies the change.
 * An address that already belongs to another account gets an "already an
 * account" mail instead of a link, and the requester the same "sent"
 * notice either way; one taken between the request and the confirmation
 * is refused there, telling only whoever holds the link, i.e. that
 * mailbox. The change is private: it appends nothing to the log.
 *
 * Each request's state (acc) lives in the request's pool: it survives the
 * hops between loop, threadpool and writer because h2o keeps the request
 * until it is answered. */
#include "error.h"
#include "form.h"
#include "layout.h"
#include "live.h"
#include "mail.h"
#include "ratelimit.h"
#include "response.h"
#include "session.h"
#include "site.h"
#include "write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct acc {
    cc_request *r;
    cc_viewer viewer;
    cc_form form;
    /* the error to show: a field name ("" for the whole form) and message */
    const char *err_field;
    cc_msg err;
    int has_err;
    cc_msg notice; /* a success message at the top (0: none) */
    int has_notice;
    /* fields, as typed (for showing the form again) */
    h2o_iovec_t username, email, org, login, token, password, current, new_email;
    int status, charter;
    const char *action; /* account page: the form posted ("identifiant"...) */
    /* work */
    char email_norm[CC_EMAIL_MAX + 1];
    char pwhash[CC_PWHASH_MAX];
    int work_rc;
    cc_account found;
    int have_found;
    cc_command *cmd;
} acc;

#define NO_MSG CC_MSG_COUNT_

static acc *acc_new(cc_request *r)
{
    acc *a = h2o_mem_alloc_pool(&r->req->pool, sizeof *a);
    memset(a, 0, sizeof *a);
    a->r = cc_request_keep(r);
    a->err = NO_MSG;
    a->username = a->email = a->org = a->login = a->token = a->new_email = h2o_iovec_init("", 0);
    cc_viewer_load(a->r, &a->viewer);
    return a;
}

static void set_err(acc *a, const char *field, cc_msg m)
{
    if (a->has_err) return; /* the first error is the one shown */
    a->has_err = 1;
    a->err_field = field;
    a->err = m;
}

static cc_msg field_msg(int rc)
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

/* ---- pages ---------------------------------------------------------------- */

static void send_page(cc_request *r, int status, cc_html *h)
{
    /* Pages with forms carry tokens: never stored by any cache. */
    cc_response how = {status, "text/html; charset=utf-8", CC_CACHE_NO_STORE, CC_RESP_VARY_LANG};
    cc_http_respond(r, &how, &h->out);
}

static void begin(cc_html *h, acc *a, cc_msg title)
{
    cc_request *r = a->r;
    cc_html_init(h, &r->req->pool);
    cc_layout_begin(h, r, cc_tr(r->lang, title));
    cc_html_lit(h, "<h1>");
    cc_html_textz(h, cc_tr(r->lang, title));
    cc_html_lit(h, "</h1>\n");
    if (a->has_notice) {
        cc_html_lit(h, "<p class=\"notice\" role=\"status\">");
        cc_html_textz(h, cc_tr(r->lang, a->notice));
        cc_html_lit(h, "</p>\n");
    }
    if (a->has_err) {
        cc_html_lit(h, "<div class=\"errors\" role=\"alert\" id=\"errors\"><p>");
        cc_html_textz(h, cc_tr(r->lang, CC_MSG_ACC_ERRORS_INTRO));
        cc_html_lit(h, "</p><p>");
        if (a->err_field && a->err_field[0]) {
            cc_html_lit(h, "<a");
            char href[80];
            snprintf(href, sizeof href, "#f-%.60s", a->err_field);
            cc_html_href(h, href, strlen(href));
            cc_html_lit(h, ">");
            cc_html_textz(h, cc_tr(r->lang, a->err));
            cc_html_lit(h, "</a>");
        } else {
            cc_html_textz(h, cc_tr(r->lang, a->err));
        }
        cc_html_lit(h, "</p></div>\n");
    }
}

static void end(cc_html *h, acc *a, int status)
{
    cc_layout_end(h, a->r);
    send_page(a->r, status, h);
}

static void form_open(cc_html *h, acc *a, const char *action)
{
    cc_html_lit(h, "<form method=\"post\" novalidate");
    cc_html_attrz(h, "action", action);
    cc_html_lit(h, ">\n");
    cc_csrf_field(h, a->r, &a->viewer);
}

static void submit(cc_html *h, acc *a, cc_msg label)
{
    cc_html_lit(h, "<p><button type=\"submit\">");
    cc_html_textz(h, cc_tr(a->r->lang, label));
    cc_html_lit(h, "</button></p>\n</form>\n");
}

static int is_err(acc *a, const char *name)
{
    return a->has_err && a->err_field && !strcmp(a->err_field, name);
}

/* A labelled input; its error (if it is the field at fault) is tied to it
 * with aria-describedby, as is its hint. */
static void input(cc_html *h, acc *a, const char *name, cc_msg label, const char *type,
                  h2o_iovec_t value, const char *autocomplete, cc_msg hint)
{
    cc_lang lang = a->r->lang;
    char id[80], hid[80], eid[80], desc[170] = "";
    snprintf(id, sizeof id, "f-%s", name);
    snprintf(hid, sizeof hid, "h-%s", name);
    snprintf(eid, sizeof eid, "e-%s", name);
    int err = is_err(a, name);
    if (hint != NO_MSG) snprintf(desc, sizeof desc, "%s", hid);
    if (err)
        snprintf(desc + strlen(desc), sizeof desc - strlen(desc), "%s%s", *desc ? " " : "", eid);
    cc_html_lit(h, "<p class=\"field\"><label");
    cc_html_attrz(h, "for", id);
    cc_html_lit(h, ">");
    cc_html_textz(h, cc_tr(lang, label));
    cc_html_lit(h, "</label>\n");
    if (hint != NO_MSG) {
        cc_html_lit(h, "<span class=\"hint\"");
        cc_html_attrz(h, "id", hid);
        cc_html_lit(h, ">");
        cc_html_textz(h, cc_tr(lang, hint));
        cc_html_lit(h, "</span>\n");
    }
    if (err) {
        cc_html_lit(h, "<span class=\"error\"");
        cc_html_attrz(h, "id", eid);
        cc_html_lit(h, ">");
        cc_html_textz(h, cc_tr(lang, a->err));
        cc_html_lit(h, "</span>\n");
    }
    cc_html_lit(h, "<input");
    cc_html_attrz(h, "type", type);
    cc_html_attrz(h, "id", id);
    cc_html_attrz(h, "name", name);
    if (value.len) cc_html_attr(h, "value", value.base, value.len);
    if (autocomplete) cc_html_attrz(h, "autocomplete", autocomplete);
    if (*desc) cc_html_attrz(h, "aria-describedby", desc);
    if (err) cc_html_lit(h, " aria-invalid=\"true\"");
    cc_html_lit(h, "></p>\n");
}

static void hidden(cc_html *h, const char *name, h2o_iovec_t value)
{
    cc_html_lit(h, "<input type=\"hidden\"");
    cc_html_attrz(h, "name", name);
    cc_html_attr(h, "value", value.base, value.len);
    cc_html_lit(h, ">\n");
}

static void checkbox(cc_html *h, acc *a, const char *name, cc_msg label, int checked)
{
    char id[80], eid[80];
    snprintf(id, sizeof id, "f-%s", name);
    snprintf(eid, sizeof eid, "e-%s", name);
    int err = is_err(a, name);
    cc_html_lit(h, "<p class=\"field\">");
    if (err) {
        cc_html_lit(h, "<span class=\"error\"");
        cc_html_attrz(h, "id", eid);
        cc_html_lit(h, ">");
        cc_html_textz(h, cc_tr(a->r->lang, a->err));
        cc_html_lit(h, "</span>\n");
    }
    cc_html_lit(h, "<input type=\"checkbox\" value=\"1\"");
    cc_html_attrz(h, "id", id);
    cc_html_attrz(h, "name", name);
    if (checked) cc_html_lit(h, " checked");
    if (err) {
        cc_html_attrz(h, "aria-describedby", eid);
        cc_html_lit(h, " aria-invalid=\"true\"");
    }
    cc_html_lit(h, "> <label");
    cc_html_attrz(h, "for", id);
    cc_html_lit(h, ">");
    cc_html_textz(h, cc_tr(a->r->lang, label));
    cc_html_lit(h, "</label></p>\n");
}

static void status_fields(cc_html *h, acc *a)
{
    cc_lang lang = a->r->lang;
    int err = is_err(a, "statut");
    cc_html_lit(h, "<fieldset id=\"f-statut\"");
    if (err) cc_html_lit(h, " aria-describedby=\"e-statut\"");
    cc_html_lit(h, "><legend>");
    cc_html_textz(h, cc_tr(lang, CC_MSG_ACC_STATUS));
    cc_html_lit(h, "</legend>\n");
    if (err) {
        cc_html_lit(h, "<span class=\"error\" id=\"e-statut\">");
        cc_html_textz(h, cc_tr(lang, a->err));
        cc_html_lit(h, "</span>\n");
    }
    for (int s = CC_STATUS_CITIZEN; s < CC_STATUS_COUNT_; s++) {
        char id[16], v[4];
        snprintf(id, sizeof id, "statut-%d", s);
        snprintf(v, sizeof v, "%d", s);
        cc_html_lit(h, "<p><input type=\"radio\" name=\"statut\"");
        cc_html_attrz(h, "id", id);
        cc_html_attrz(h, "value", v);
        if (a->status == s) cc_html_lit(h, " checked");
        cc_html_lit(h, "> <label");
        cc_html_attrz(h, "for", id);
        cc_html_lit(h, ">");
        cc_html_textz(h, cc_tr(lang, (cc_msg)(CC_MSG_ACC_STATUS_1 + (s - 1))));
        cc_html_lit(h, "</label></p>\n");
    }
    cc_html_lit(h, "</fieldset>\n");
    input(h, a, "organisation", CC_MSG_ACC_ORG, "text", a->org, "organization",
          CC_MSG_ACC_ORG_HINT);
}

static void link_p(cc_html *h, cc_lang lang, const char *href, cc_msg m)
{
    cc_html_lit(h, "<p><a");
    cc_html_href(h, href, strlen(href));
    cc_html_lit(h, ">");
    cc_html_textz(h, cc_tr(lang, m));
    cc_html_lit(h, "</a></p>\n");
}

static void para(cc_html *h, cc_lang lang, cc_msg m)
{
    cc_html_lit(h, "<p>");
    cc_html_textz(h, cc_tr(lang, m));
    cc_html_lit(h, "</p>\n");
}

/* ---- common steps ------------------------------------------------------- */

/* Query parameter name (strictly parsed), or "" */
static h2o_iovec_t query_param(cc_request *r, const char *name)
{
    cc_form q;
    h2o_iovec_t v = h2o_iovec_init("", 0);
    if (r->query.len && cc_form_parse(&r->req->pool, r->query.base, r->query.len, NULL, &q) == 0)
        cc_form_line(&q, name, 0, 256, 0, &v);
    return v;
}

/* Parse, CSRF, rate limit. 0: go on; 400/403: show the form again with
 * the error set; -1: answered already (429). */
static int post_begin(acc *a, cc_rate_kind kind)
{
    int rc = cc_form_parse_body(a->r->req, NULL, &a->form);
    if (rc) {
        set_err(a, "", field_msg(rc));
        if (a->form.error_field && *a->form.error_field) a->err_field = a->form.error_field;
        memset(&a->form, 0, sizeof a->form);
        return 400;
    }
    if (cc_csrf_check(a->r, &a->viewer, &a->form)) {
        set_err(a, "", CC_MSG_ACC_ERR_CSRF);
        return 403;
    }
    if ((int)kind >= 0 && !cc_rate_check(a->r, kind, NULL, 0)) return -1;
    return 0;
}

/* A single-line field into *out; sets the error on failure. */
static int line(acc *a, const char *name, int required, size_t max, h2o_iovec_t *out)
{
    int rc = cc_form_line(&a->form, name, required, max, 1, out);
    if (rc) set_err(a, name, field_msg(rc));
    return rc;
}

static int password_field(acc *a, const char *name, h2o_iovec_t *out)
{
    int rc = cc_form_line(&a->form, name, 1, CC_PASSWORD_MAX, 0, out);
    if (rc == 0 && out->len < CC_PASSWORD_MIN) rc = CC_EPASSWORD;
    if (rc) set_err(a, name, rc == CC_ECONTROL ? CC_MSG_ACC_ERR_CONTROL : CC_MSG_ACC_ERR_PASSWORD);
    return rc;
}

static void internal_error(acc *a)
{
    cc_http_error_page(a->r, 500);
}

static void mail(acc *a, const char *to, cc_msg subject, cc_msg body, const char *path,
                 const char *token)
{
    cc_site *s = a->r->site;
    if (!s->mail) return;
    char link[1024], text[4096];
    snprintf(link, sizeof link, "%s%s%s", s->public_url ? s->public_url : "", path,
             token ? token : "");
    snprintf(text, sizeof text, cc_tr(a->r->lang, body), link);
    cc_mail_queue_push(s->mail, to, cc_tr(a->r->lang, subject), text);
}

static void redirect_lang(acc *a, const char *path)
{
    char loc[256];
    snprintf(loc, sizeof loc, "%s%slang=%s", path, strchr(path, '?') ? "&" : "?",
             cc_lang_code(a->r->lang));
    cc_redirect(a->r, loc);
}

/* ---- registration -------------------------------------------------------- */

static void show_register(acc *a, int status)
{
    cc_html h;
    cc_lang lang = a->r->lang;
    begin(&h, a, CC_MSG_ACC_REGISTER_TITLE);
    if (status == 200 && query_param(a->r, "envoye").len) {
        cc_html_lit(&h, "<p class=\"notice\" role=\"status\">");
        cc_html_textz(&h, cc_tr(lang, CC_MSG_ACC_REGISTER_SENT));
        cc_html_lit(&h, "</p>\n");
        end(&h, a, 200);
        return;
    }
    para(&h, lang, CC_MSG_ACC_REGISTER_INTRO);
    form_open(&h, a, "/inscription");
    input(&h, a, "identifiant", CC_MSG_ACC_USERNAME, "text", a->username, "username",
          CC_MSG_ACC_USERNAME_HINT);
    input(&h, a, "courriel", CC_MSG_ACC_EMAIL, "email", a->email, "email", NO_MSG);
    input(&h, a, "mot_de_passe", CC_MSG_ACC_PASSWORD, "password", h2o_iovec_init("", 0),
          "new-password", CC_MSG_ACC_PASSWORD_HINT);
    status_fields(&h, a);
    checkbox(&h, a, "charte", CC_MSG_ACC_CHARTER, a->charter);
    submit(&h, a, CC_MSG_ACC_REGISTER_SUBMIT);
    link_p(&h, lang, "/connexion", CC_MSG_ACC_LOGIN_TITLE);
    end(&h, a, status);
}

/* Status and organisation from the form into a (shared by registration
 * and the account page). */
static void read_status(acc *a)
{
    h2o_iovec_t st;
    if (line(a, "statut", 1, 2, &st)) return;
    a->status = (st.len == 1 && st.base[0] >= '1' && st.base[0] <= '5') ? st.base[0] - '0' : 0;
    if (!a->status) set_err(a, "statut", CC_MSG_ACC_ERR_STATUS);
    if (line(a, "organisation", 0, CC_ORG_MAX, &a->org)) return;
    if (a->status && a->status != CC_STATUS_CITIZEN && !a->org.len)
        set_err(a, "organisation", CC_MSG_ACC_ERR_ORG);
}

static void hash_work(void *arg)
{
    acc *a = arg;
    a->work_rc = cc_password_hash(a->password.base, a->password.len, a->pwhash);
}

static void register_done(cc_request *r, cc_command *cmd, void *arg)
{
    acc *a = arg;
    (void)r;
    int rc = cmd->result.rc;
    if (rc == 0) {
        mail(a, a->email_norm, CC_MSG_ACC_MAIL_CONFIRM_SUBJECT, CC_MSG_ACC_MAIL_CONFIRM_BODY,
             "/confirmer?jeton=", cmd->result.token);
    } else if (rc == CC_EEXISTS) {
        /* Which one is taken? Tell the owner of the address, nobody else. */
        cc_ledger *l = a->r->site->ledger;
        MDB_txn *txn;
        cc_pseudonym p;
        int by_email = 0;
        if (cc_ledger_read_begin(l, &txn) == 0) {
            by_email = cc_vault_account_find(txn, &l->vault, a->email_norm, strlen(a->email_norm),
                                             &p) == 0;
            cc_ledger_read_end(l, txn);
        }
        if (by_email)
            mail(a, a->email_norm, CC_MSG_ACC_MAIL_EXISTS_SUBJECT, CC_MSG_ACC_MAIL_EXISTS_BODY,
                 "/connexion", NULL);
        else
            mail(a, a->email_norm, CC_MSG_ACC_MAIL_TAKEN_SUBJECT, CC_MSG_ACC_MAIL_TAKEN_BODY,
                 "/inscription", NULL);
    } else {
        internal_error(a);
        return;
    }
    redirect_lang(a, "/inscription?envoye=1");
}

static void register_hashed(cc_request *r, void *arg)
{
    acc *a = arg;
    if (a->work_rc) {
        internal_error(a);
        return;
    }
    cc_command *cmd = cc_write_command(r, CC_CMD_ACCOUNT_CREATE);
    cc_account *ac = &cmd->account;
    memcpy(ac->username, a->username.base, a->username.len);
    memcpy(ac->email, a->email_norm, strlen(a->email_norm) + 1);
    memcpy(ac->pwhash, a->pwhash, sizeof ac->pwhash);
    ac->status = (cc_status)a->status;
    if (a->status != CC_STATUS_CITIZEN) memcpy(ac->org, a->org.base, a->org.len);
    if (cc_write_submit(r, cmd, register_done, a)) internal_error(a);
}

void cc_acc_register(cc_request *r)
{
    acc *a = acc_new(r);
    if (r->method != CC_METHOD_POST) {
        show_register(a, 200);
        return;
    }
    int st = post_begin(a, CC_RATE_REGISTER);
    if (st < 0) return;
    if (st) {
        show_register(a, st);
        return;
    }
    if (!line(a, "identifiant", 1, CC_USERNAME_MAX, &a->username) &&
        cc_username_check(a->username.base, a->username.len))
        set_err(a, "identifiant", CC_MSG_ACC_ERR_USERNAME);
    if (!line(a, "courriel", 1, CC_EMAIL_MAX, &a->email) &&
        (cc_email_normalize(a->email.base, a->email.len, a->email_norm, sizeof a->email_norm) ||
         cc_mail_address_check(a->email_norm)))
        set_err(a, "courriel", CC_MSG_ACC_ERR_EMAIL);
    password_field(a, "mot_de_passe", &a->password);
    read_status(a);
    h2o_iovec_t ch;
    if (!line(a, "charte", 0, 8, &ch)) a->charter = ch.len == 1 && ch.base[0] == '1';
    if (!a->charter) set_err(a, "charte", CC_MSG_ACC_ERR_CHARTER);
    if (a->has_err) {
        show_register(a, 400);
        return;
    }
    if (cc_work_submit(a->r, hash_work, register_hashed, a)) internal_error(a);
}

/* ---- confirmation --------------------------------------------------------- */

static void show_token_form(acc *a, int status, cc_msg title, cc_msg text, const char *action,
                            cc_msg button, int with_password)
{
    cc_html h;
    begin(&h, a, title);
    para(&h, a->r->lang, text);
    form_open(&h, a, action);
    hidden(&h, "jeton", a->token);
    if (with_password)
        input(&h, a, "mot_de_passe", CC_MSG_ACC_NEW_PASSWORD, "password", h2o_iovec_init("", 0),
              "new-password", CC_MSG_ACC_PASSWORD_HINT);
    submit(&h, a, button);
    end(&h, a, status);
}

static void show_bad_token(acc *a)
{
    cc_html h;
    set_err(a, "", CC_MSG_ACC_BAD_TOKEN);
    begin(&h, a, CC_MSG_ACC_CONFIRM_TITLE);
    link_p(&h, a->r->lang, "/connexion", CC_MSG_ACC_LOGIN_TITLE);
    end(&h, a, 400);
}

static void confirm_done(cc_request *r, cc_command *cmd, void *arg)
{
    acc *a = arg;
    (void)r;
    if (cmd->result.rc == CC_ETOKEN || cmd->result.rc == CC_EALREADY ||
        cmd->result.rc == CC_ENOTFOUND) {
        show_bad_token(a);
        return;
    }
    if (cmd->result.rc) {
        internal_error(a);
        return;
    }
    redirect_lang(a, "/connexion?confirme=1");
}

static int token_field(acc *a)
{
    int rc = cc_form_line(&a->form, "jeton", 1, CC_TOKEN_TEXT_LEN, 0, &a->token);
    if (rc) set_err(a, "", CC_MSG_ACC_BAD_TOKEN);
    return rc;
}

void cc_acc_confirm(cc_request *r)
{
    acc *a = acc_new(r);
    if (r->method != CC_METHOD_POST) {
        a->token = query_param(r, "jeton");
        show_token_form(a, 200, CC_MSG_ACC_CONFIRM_TITLE, CC_MSG_ACC_CONFIRM_TEXT, "/confirmer",
                        CC_MSG_ACC_CONFIRM_SUBMIT, 0);
        return;
    }
    int st = post_begin(a, (cc_rate_kind)-1);
    if (!st && token_field(a)) st = 400;
    if (st < 0) return;
    if (st) {
        show_token_form(a, st, CC_MSG_ACC_CONFIRM_TITLE, CC_MSG_ACC_CONFIRM_TEXT, "/confirmer",
                        CC_MSG_ACC_CONFIRM_SUBMIT, 0);
        return;
    }
    cc_command *cmd = cc_write_command(a->r, CC_CMD_ACCOUNT_CONFIRM);
    cmd->token = a->token.base;
    cmd->token_len = a->token.len;
    if (cc_write_submit(a->r, cmd, confirm_done, a)) internal_error(a);
}

/* ---- login and logout ------------------------------------------------------ */

static void show_login(acc *a, int status)
{
    cc_html h;
    cc_lang lang = a->r->lang;
    if (status == 200) {
        if (query_param(a->r, "confirme").len) a->notice = CC_MSG_ACC_CONFIRMED, a->has_notice = 1;
        if (query_param(a->r, "reinitialise").len)
            a->notice = CC_MSG_ACC_RESET_DONE, a->has_notice = 1;
        if (query_param(a->r, "motdepasse").len)
            a->notice = CC_MSG_ACC_PASSWORD_CHANGED, a->has_notice = 1;
        if (query_param(a->r, "adresse").len)
            a->notice = CC_MSG_ACC_EMAIL_CHANGED, a->has_notice = 1;
    }
    begin(&h, a, CC_MSG_ACC_LOGIN_TITLE);
    form_open(&h, a, "/connexion");
    input(&h, a, "identifiant", CC_MSG_ACC_LOGIN_ID, "text", a->login, "username", NO_MSG);
    input(&h, a, "mot_de_passe", CC_MSG_ACC_PASSWORD, "password", h2o_iovec_init("", 0),
          "current-password", NO_MSG);
    submit(&h, a, CC_MSG_ACC_LOGIN_SUBMIT);
    link_p(&h, lang, "/mot-de-passe-oublie", CC_MSG_ACC_FORGOT_LINK);
    link_p(&h, lang, "/inscription", CC_MSG_ACC_REGISTER_LINK);
    end(&h, a, status);
}

static const char *dummy_hash;
static uv_once_t dummy_once = UV_ONCE_INIT;
static char dummy_buf[CC_PWHASH_MAX];

static void dummy_init(void)
{
    if (cc_password_hash("not-a-password-of-anyone", 24, dummy_buf) == 0) dummy_hash = dummy_buf;
}

static void verify_work(void *arg)
{
    acc *a = arg;
    uv_once(&dummy_once, dummy_init);
    const char *hash = a->have_found ? a->found.pwhash : dummy_hash;
    a->work_rc =
        hash ? cc_password_verify(hash, a->password.base, a->password.len) : CC_ECREDENTIALS;
    if (!a->have_found) a->work_rc = CC_ECREDENTIALS;
}

static void login_done(cc_request *r, cc_command *cmd, void *arg)
{
    acc *a = arg;
    if (cmd->result.rc) {
        internal_error(a);
        return;
    }
    cc_session_cookie_set(r, cmd->result.token);
    redirect_lang(a, "/compte");
}

static void login_verified(cc_request *r, void *arg)
{
    acc *a = arg;
    if (a->work_rc) {
        set_err(a, "", CC_MSG_ACC_LOGIN_FAILED);
        show_login(a, 400);
        return;
    }
    if (!a->found.confirmed) {
        set_err(a, "", CC_MSG_ACC_LOGIN_UNCONFIRMED);
        show_login(a, 400);
        return;
    }
    cc_command *cmd = cc_write_command(r, CC_CMD_SESSION_CREATE);
    cmd->subject = a->found.pseudonym;
    if (cc_write_submit(r, cmd, login_done, a)) internal_error(a);
}

/* Look the account up by username or e-mail (a short read, on the loop). */
static void find_account(acc *a, const char *login, size_t len)
{
    cc_ledger *l = a->r->site->ledger;
    MDB_txn *txn;
    cc_pseudonym p;
    if (cc_ledger_read_begin(l, &txn)) return;
    if (cc_vault_account_find(txn, &l->vault, login, len, &p) == 0 &&
        cc_vault_account_get(txn, &l->vault, &p, &a->found) == 0)
        a->have_found = 1;
    cc_ledger_read_end(l, txn);
}

void cc_acc_login(cc_request *r)
{
    acc *a = acc_new(r);
    if (r->method != CC_METHOD_POST) {
        show_login(a, 200);
        return;
    }
    int st = post_begin(a, CC_RATE_LOGIN);
    if (st < 0) return;
    if (!st) {
        line(a, "identifiant", 1, CC_EMAIL_MAX, &a->login);
        if (cc_form_line(&a->form, "mot_de_passe", 1, CC_PASSWORD_MAX, 0, &a->password))
            set_err(a, "mot_de_passe", CC_MSG_ACC_ERR_REQUIRED);
        if (a->has_err) st = 400;
    }
    if (st) {
        show_login(a, st);
        return;
    }
    char key[CC_EMAIL_MAX + 1];
    size_t kl = a->login.len;
    for (size_t i = 0; i < kl; i++) {
        char c = a->login.base[i];
        key[i] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
    }
    if (!cc_rate_check(a->r, CC_RATE_LOGIN_NAME, key, kl)) return;
    find_account(a, a->login.base, a->login.len);
    if (cc_work_submit(a->r, verify_work, login_verified, a)) internal_error(a);
}

static void logout_done(cc_request *r, cc_command *cmd, void *arg)
{
    acc *a = arg;
    (void)cmd;
    cc_session_cookie_clear(r);
    redirect_lang(a, "/");
}

void cc_acc_logout(cc_request *r)
{
    acc *a = acc_new(r);
    int st = post_begin(a, (cc_rate_kind)-1);
    if (st) {
        cc_http_error_page(a->r, st == 403 ? 403 : 400);
        return;
    }
    if (!a->viewer.signed_in) {
        redirect_lang(a, "/");
        return;
    }
    cc_command *cmd = cc_write_command(a->r, CC_CMD_SESSION_DELETE);
    cmd->token = a->viewer.session;
    cmd->token_len = CC_TOKEN_TEXT_LEN;
    if (cc_write_submit(a->r, cmd, logout_done, a)) internal_error(a);
}

/* ---- password reset -------------------------------------------------------- */

static void show_forgot(acc *a, int status)
{
    cc_html h;
    if (status == 200 && query_param(a->r, "envoye").len)
        a->notice = CC_MSG_ACC_FORGOT_SENT, a->has_notice = 1;
    begin(&h, a, CC_MSG_ACC_FORGOT_TITLE);
    form_open(&h, a, "/mot-de-passe-oublie");
    input(&h, a, "courriel", CC_MSG_ACC_EMAIL, "email", a->email, "email", NO_MSG);
    submit(&h, a, CC_MSG_ACC_FORGOT_SUBMIT);
    end(&h, a, status);
}

static void forgot_done(cc_request *r, cc_command *cmd, void *arg)
{
    acc *a = arg;
    (void)r;
    if (cmd->result.rc == 0)
        mail(a, a->found.email, CC_MSG_ACC_MAIL_RESET_SUBJECT, CC_MSG_ACC_MAIL_RESET_BODY,
             "/reinitialiser?jeton=", cmd->result.token);
    redirect_lang(a, "/mot-de-passe-oublie?envoye=1");
}

void cc_acc_forgot(cc_request *r)
{
    acc *a = acc_new(r);
    if (r->method != CC_METHOD_POST) {
        show_forgot(a, 200);
        return;
    }
    int st = post_begin(a, CC_RATE_RESET);
    if (st < 0) return;
    if (!st && !line(a, "courriel", 1, CC_EMAIL_MAX, &a->email) &&
        cc_email_normalize(a->email.base, a->email.len, a->email_norm, sizeof a->email_norm))
        set_err(a, "courriel", CC_MSG_ACC_ERR_EMAIL);
    if (!st && a->has_err) st = 400;
    if (st) {
        show_forgot(a, st);
        return;
    }
    find_account(a, a->email_norm, strlen(a->email_norm));
    if (!a->have_found || !a->found.confirmed) {
        redirect_lang(a, "/mot-de-passe-oublie?envoye=1");
        return;
    }
    cc_command *cmd = cc_write_command(a->r, CC_CMD_TOKEN_CREATE);
    cmd->purpose = CC_TOKEN_RESET;
    cmd->subject = a->found.pseudonym;
    if (cc_write_submit(a->r, cmd, forgot_done, a)) internal_error(a);
}

static void reset_done(cc_request *r, cc_command *cmd, void *arg)
{
    acc *a = arg;
    (void)r;
    if (cmd->result.rc == CC_ETOKEN) {
        show_bad_token(a);
        return;
    }
    if (cmd->result.rc) {
        internal_error(a);
        return;
    }
    redirect_lang(a, "/connexion?reinitialise=1");
}

static void reset_hashed(cc_request *r, void *arg)
{
    acc *a = arg;
    if (a->work_rc) {
        internal_error(a);
        return;
    }
    cc_command *cmd = cc_write_command(r, CC_CMD_PASSWORD_RESET);
    cmd->token = a->token.base;
    cmd->token_len = a->token.len;
    memcpy(cmd->account.pwhash, a->pwhash, sizeof a->pwhash);
    if (cc_write_submit(r, cmd, reset_done, a)) internal_error(a);
}

void cc_acc_reset(cc_request *r)
{
    acc *a = acc_new(r);
    if (r->method != CC_METHOD_POST) {
        a->token = query_param(r, "jeton");
        show_token_form(a, 200, CC_MSG_ACC_RESET_TITLE, CC_MSG_ACC_PASSWORD_HINT, "/reinitialiser",
                        CC_MSG_ACC_RESET_SUBMIT, 1);
        return;
    }
    int st = post_begin(a, CC_RATE_RESET);
    if (st < 0) return;
    if (!st) {
        token_field(a);
        password_field(a, "mot_de_passe", &a->password);
        if (a->has_err) st = 400;
    }
    if (st) {
        show_token_form(a, st, CC_MSG_ACC_RESET_TITLE, CC_MSG_ACC_PASSWORD_HINT, "/reinitialiser",
                        CC_MSG_ACC_RESET_SUBMIT, 1);
        return;
    }
    if (cc_work_submit(a->r, hash_work, reset_hashed, a)) internal_error(a);
}

/* ---- the account page ------------------------------------------------------ */

static void show_account(acc *a, int status)
{
    cc_html h;
    cc_lang lang = a->r->lang;
    const cc_account *ac = &a->viewer.account;
    if (status == 200 && query_param(a->r, "ok").len)
        a->notice = CC_MSG_ACC_SAVED, a->has_notice = 1;
    if (status == 200 && query_param(a->r, "lien").len)
        a->notice = CC_MSG_ACC_EMAIL_CHANGE_SENT, a->has_notice = 1;
    if (status == 200 && query_param(a->r, "adresse").len)
        a->notice = CC_MSG_ACC_EMAIL_CHANGED, a->has_notice = 1;
    /* Fields show the account, except those of the form shown again. */
    const char *shown = a->has_err && a->action ? a->action : "";
    if (strcmp(shown, "identifiant"))
        a->username = h2o_iovec_init(ac->username, strlen(ac->username));
    if (strcmp(shown, "statut")) {
        a->status = ac->status;
        a->org = h2o_iovec_init(ac->org, strlen(ac->org));
    }
    begin(&h, a, CC_MSG_ACC_ACCOUNT_TITLE);
    cc_html_lit(&h, "<p>");
    cc_html_textf(&h, cc_tr(lang, CC_MSG_ACC_PSEUDONYM), a->viewer.pseudonym.s);
    cc_html_lit(&h, "</p>\n<p>");
    cc_html_textf(&h, cc_tr(lang, CC_MSG_ACC_EMAIL_IS), ac->email);
    cc_html_lit(&h, "</p>\n<h2>");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_ACC_CHANGE_USERNAME));
    cc_html_lit(&h, "</h2>\n");
    form_open(&h, a, "/compte");
    hidden(&h, "action", h2o_iovec_init(H2O_STRLIT("identifiant")));
    input(&h, a, "identifiant", CC_MSG_ACC_USERNAME, "text", a->username, "username",
          CC_MSG_ACC_USERNAME_HINT);
    submit(&h, a, CC_MSG_ACC_SAVE);
    cc_html_lit(&h, "<h2>");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_ACC_CHANGE_STATUS));
    cc_html_lit(&h, "</h2>\n");
    form_open(&h, a, "/compte");
    hidden(&h, "action", h2o_iovec_init(H2O_STRLIT("statut")));
    status_fields(&h, a);
    submit(&h, a, CC_MSG_ACC_SAVE);
    cc_html_lit(&h, "<h2>");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_ACC_CHANGE_EMAIL));
    cc_html_lit(&h, "</h2>\n");
    form_open(&h, a, "/compte");
    hidden(&h, "action", h2o_iovec_init(H2O_STRLIT("courriel")));
    input(&h, a, "nouveau_courriel", CC_MSG_ACC_NEW_EMAIL, "email", a->new_email, "email",
          CC_MSG_ACC_NEW_EMAIL_HINT);
    input(&h, a, "actuel_courriel", CC_MSG_ACC_CURRENT_PASSWORD, "password", h2o_iovec_init("", 0),
          "current-password", NO_MSG);
    submit(&h, a, CC_MSG_ACC_CHANGE_EMAIL_SUBMIT);
    cc_html_lit(&h, "<h2>");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_ACC_CHANGE_PASSWORD));
    cc_html_lit(&h, "</h2>\n");
    form_open(&h, a, "/compte");
    hidden(&h, "action", h2o_iovec_init(H2O_STRLIT("mot-de-passe")));
    input(&h, a, "actuel", CC_MSG_ACC_CURRENT_PASSWORD, "password", h2o_iovec_init("", 0),
          "current-password", NO_MSG);
    input(&h, a, "mot_de_passe", CC_MSG_ACC_NEW_PASSWORD, "password", h2o_iovec_init("", 0),
          "new-password", CC_MSG_ACC_PASSWORD_HINT);
    submit(&h, a, CC_MSG_ACC_SAVE);
    cc_html_lit(&h, "<h2>");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_ACC_YOUR_DATA));
    cc_html_lit(&h, "</h2>\n");
    link_p(&h, lang, "/compte/donnees", CC_MSG_ACC_DOWNLOAD);
    link_p(&h, lang, "/compte/supprimer", CC_MSG_ACC_DELETE_LINK);
    form_open(&h, a, "/deconnexion");
    submit(&h, a, CC_MSG_ACC_LOGOUT);
    end(&h, a, status);
}

static void update_done(cc_request *r, cc_command *cmd, void *arg)
{
    acc *a = arg;
    int rc = cmd->result.rc;
    if (rc == CC_EEXISTS) {
        set_err(a, "identifiant", CC_MSG_ACC_ERR_USERNAME_TAKEN);
        show_account(a, 400);
        return;
    }
    if (rc) {
        internal_error(a);
        return;
    }
    if (cmd->update_password) {
        /* every session ended with the change, this one too */
        cc_session_cookie_clear(r);
        redirect_lang(a, "/connexion?motdepasse=1");
        return;
    }
    redirect_lang(a, "/compte?ok=1");
}

static void password_work(void *arg)
{
    acc *a = arg;
    a->work_rc = cc_password_verify(a->viewer.account.pwhash, a->current.base, a->current.len);
    if (!a->work_rc) a->work_rc = cc_password_hash(a->password.base, a->password.len, a->pwhash);
}

static void password_checked(cc_request *r, void *arg)
{
    acc *a = arg;
    if (a->work_rc == CC_ECREDENTIALS) {
        set_err(a, "actuel", CC_MSG_ACC_ERR_CURRENT_PASSWORD);
        show_account(a, 400);
        return;
    }
    if (a->work_rc) {
        internal_error(a);
        return;
    }
    a->cmd->update_password = 1;
    memcpy(a->cmd->account.pwhash, a->pwhash, sizeof a->pwhash);
    if (cc_write_submit(r, a->cmd, update_done, a)) internal_error(a);
}

/* ---- e-mail change ---------------------------------------------------------- */

static void email_request_done(cc_request *r, cc_command *cmd, void *arg)
{
    acc *a = arg;
    (void)r;
    if (cmd->result.rc) {
        internal_error(a);
        return;
    }
    mail(a, a->email_norm, CC_MSG_ACC_MAIL_EMAIL_CHANGE_SUBJECT, CC_MSG_ACC_MAIL_EMAIL_CHANGE_BODY,
         "/confirmer-adresse?jeton=", cmd->result.token);
    mail(a, a->viewer.account.email, CC_MSG_ACC_MAIL_EMAIL_NOTICE_SUBJECT,
         CC_MSG_ACC_MAIL_EMAIL_NOTICE_BODY, "/mot-de-passe-oublie", NULL);
    redirect_lang(a, "/compte?lien=1");
}

static void email_work(void *arg)
{
    acc *a = arg;
    a->work_rc = cc_password_verify(a->viewer.account.pwhash, a->current.base, a->current.len);
}

static void email_checked(cc_request *r, void *arg)
{
    acc *a = arg;
    if (a->work_rc == CC_ECREDENTIALS) {
        set_err(a, "actuel_courriel", CC_MSG_ACC_ERR_CURRENT_PASSWORD);
        show_account(a, 400);
        return;
    }
    if (a->work_rc) {
        internal_error(a);
        return;
    }
    /* Someone else's address: tell its owner, not the requester (who sees
     * the same notice as for a free address). */
    find_account(a, a->email_norm, strlen(a->email_norm));
    if (a->have_found && strcmp(a->found.pseudonym.s, a->viewer.pseudonym.s) != 0) {
        mail(a, a->email_norm, CC_MSG_ACC_MAIL_EMAIL_EXISTS_SUBJECT,
             CC_MSG_ACC_MAIL_EMAIL_EXISTS_BODY, "/connexion", NULL);
        mail(a, a->viewer.account.email, CC_MSG_ACC_MAIL_EMAIL_NOTICE_SUBJECT,
             CC_MSG_ACC_MAIL_EMAIL_NOTICE_BODY, "/mot-de-passe-oublie", NULL);
        redirect_lang(a, "/compte?lien=1");
        return;
    }
    cc_command *cmd = cc_write_command(r, CC_CMD_TOKEN_CREATE);
    cmd->purpose = CC_TOKEN_EMAIL_CHANGE;
    cmd->subject = a->viewer.pseudonym;
    cmd->ttl_ms = CC_RESET_TTL_MS; /* the "2 hours" of the mail and the page */
    memcpy(cmd->account.email, a->email_norm, strlen(a->email_norm) + 1);
    if (cc_write_submit(r, cmd, email_request_done, a)) internal_error(a);
}

/* The "courriel" action of the account page. */
static void email_request(acc *a)
{
    if (!line(a, "nouveau_courriel", 1, CC_EMAIL_MAX, &a->new_email)) {
        if (cc_email_normalize(a->new_email.base, a->new_email.len, a->email_norm,
                               sizeof a->email_norm) ||
            cc_mail_address_check(a->email_norm))
            set_err(a, "nouveau_courriel", CC_MSG_ACC_ERR_EMAIL);
        else if (!strcmp(a->email_norm, a->viewer.account.email))
            set_err(a, "nouveau_courriel", CC_MSG_ACC_ERR_EMAIL_SAME);
    }
    if (cc_form_line(&a->form, "actuel_courriel", 1, CC_PASSWORD_MAX, 0, &a->current))
        set_err(a, "actuel_courriel", CC_MSG_ACC_ERR_REQUIRED);
    if (a->has_err) {
        show_account(a, 400);
        return;
    }
    /* Each request costs a password check and sends two mails: limited
     * like resets, per account. */
    const char *who = a->viewer.pseudonym.s;
    if (!cc_rate_check(a->r, CC_RATE_RESET, who, strlen(who))) return;
    if (cc_work_submit(a->r, email_work, email_checked, a)) internal_error(a);
}

static void email_confirm_done(cc_request *r, cc_command *cmd, void *arg)
{
    acc *a = arg;
    (void)r;
    int rc = cmd->result.rc;
    if (rc == CC_ETOKEN || rc == CC_ENOTFOUND) {
        show_bad_token(a);
        return;
    }
    if (rc == CC_EEXISTS) {
        /* Only the holder of the link, who reads that mailbox, gets here. */
        cc_html h;
        set_err(a, "", CC_MSG_ACC_ERR_EMAIL_TAKEN);
        begin(&h, a, CC_MSG_ACC_EMAIL_CONFIRM_TITLE);
        link_p(&h, a->r->lang, "/compte", CC_MSG_ACC_ACCOUNT_TITLE);
        end(&h, a, 409);
        return;
    }
    if (rc) {
        internal_error(a);
        return;
    }
    if (a->viewer.signed_in && !strcmp(a->viewer.pseudonym.s, cmd->result.pseudonym.s))
        redirect_lang(a, "/compte?adresse=1");
    else
        redirect_lang(a, "/connexion?adresse=1");
}

/* /confirmer-adresse: the link of the mail shows a button; the button
 * applies the change. Signing in is not required (the link may be opened
 * on another device): the token alone says whose address changes. */
void cc_acc_email_confirm(cc_request *r)
{
    acc *a = acc_new(r);
    if (r->method != CC_METHOD_POST) {
        a->token = query_param(r, "jeton");
        show_token_form(a, 200, CC_MSG_ACC_EMAIL_CONFIRM_TITLE, CC_MSG_ACC_EMAIL_CONFIRM_TEXT,
                        "/confirmer-adresse", CC_MSG_ACC_EMAIL_CONFIRM_SUBMIT, 0);
        return;
    }
    int st = post_begin(a, (cc_rate_kind)-1);
    if (!st && token_field(a)) st = 400;
    if (st < 0) return;
    if (st) {
        show_token_form(a, st, CC_MSG_ACC_EMAIL_CONFIRM_TITLE, CC_MSG_ACC_EMAIL_CONFIRM_TEXT,
                        "/confirmer-adresse", CC_MSG_ACC_EMAIL_CONFIRM_SUBMIT, 0);
        return;
    }
    cc_command *cmd = cc_write_command(a->r, CC_CMD_EMAIL_CONFIRM);
    cmd->token = a->token.base;
    cmd->token_len = a->token.len;
    if (cc_write_submit(a->r, cmd, email_confirm_done, a)) internal_error(a);
}

/* Pages of one's account: a visitor who is not signed in is sent to the
 * login page, but a POST is refused (403) like every state-changing request
 * without a session, never redirected. */
static int require_signed_in(acc *a)
{
    if (a->viewer.signed_in) return 1;
    if (a->r->method == CC_METHOD_POST)
        cc_http_error_page(a->r, 403);
    else
        redirect_lang(a, "/connexion");
    return 0;
}

void cc_acc_account(cc_request *r)
{
    acc *a = acc_new(r);
    if (!require_signed_in(a)) return;
    if (r->method != CC_METHOD_POST) {
        show_account(a, 200);
        return;
    }
    int st = post_begin(a, (cc_rate_kind)-1);
    h2o_iovec_t action = h2o_iovec_init("", 0);
    if (!st && line(a, "action", 1, 32, &action)) st = 400;
    if (st) {
        if (st > 0) show_account(a, st);
        return;
    }
    cc_command *cmd = a->cmd = cc_write_command(a->r, CC_CMD_ACCOUNT_UPDATE);
    cmd->subject = a->viewer.pseudonym;
    if (h2o_memis(action.base, action.len, H2O_STRLIT("identifiant"))) {
        a->action = "identifiant";
        if (!line(a, "identifiant", 1, CC_USERNAME_MAX, &a->username) &&
            cc_username_check(a->username.base, a->username.len))
            set_err(a, "identifiant", CC_MSG_ACC_ERR_USERNAME);
        if (a->has_err) {
            show_account(a, 400);
            return;
        }
        cmd->update_username = 1;
        memcpy(cmd->account.username, a->username.base, a->username.len);
    } else if (h2o_memis(action.base, action.len, H2O_STRLIT("statut"))) {
        a->action = "statut";
        read_status(a);
        if (a->has_err) {
            show_account(a, 400);
            return;
        }
        cmd->update_status = 1;
        cmd->account.status = (cc_status)a->status;
        if (a->status != CC_STATUS_CITIZEN) memcpy(cmd->account.org, a->org.base, a->org.len);
    } else if (h2o_memis(action.base, action.len, H2O_STRLIT("mot-de-passe"))) {
        if (cc_form_line(&a->form, "actuel", 1, CC_PASSWORD_MAX, 0, &a->current))
            set_err(a, "actuel", CC_MSG_ACC_ERR_REQUIRED);
        password_field(a, "mot_de_passe", &a->password);
        if (a->has_err) {
            show_account(a, 400);
            return;
        }
        if (cc_work_submit(a->r, password_work, password_checked, a)) internal_error(a);
        return;
    } else if (h2o_memis(action.base, action.len, H2O_STRLIT("courriel"))) {
        email_request(a);
        return;
    } else {
        set_err(a, "", CC_MSG_ACC_ERR_MALFORMED);
        show_account(a, 400);
        return;
    }
    if (cc_write_submit(a->r, cmd, update_done, a)) internal_error(a);
}

/* ---- download my data ------------------------------------------------------ */

static void json_str(cc_out *o, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    cc_out_append(o, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            char e[2] = {'\\', (char)*p};
            cc_out_append(o, e, 2);
        } else if (*p < 0x20 || *p == 0x7F) {
            char e[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
            cc_out_append(o, e, 6);
        } else {
            cc_out_append(o, p, 1);
        }
    }
    cc_out_append(o, "\"", 1);
}

void cc_acc_export(cc_request *r)
{
    acc *a = acc_new(r);
    if (!a->viewer.signed_in) {
        redirect_lang(a, "/connexion");
        return;
    }
    const cc_account *ac = &a->viewer.account;
    cc_out o;
    cc_out_init(&o, &a->r->req->pool);
    cc_out_puts(&o, "{\n  \"account\": {\n    \"pseudonym\": ");
    json_str(&o, ac->pseudonym.s);
    cc_out_puts(&o, ",\n    \"username\": ");
    json_str(&o, ac->username);
    cc_out_puts(&o, ",\n    \"email\": ");
    json_str(&o, ac->email);
    cc_out_printf(&o, ",\n    \"status\": %d,\n    \"organisation\": ", (int)ac->status);
    json_str(&o, ac->org);
    cc_out_printf(&o, ",\n    \"confirmed\": %s,\n    \"created_ms\": %llu\n  }",
                  ac->confirmed ? "true" : "false", (unsigned long long)ac->created_ms);
    cc_views *views = a->r->site->views;
    MDB_txn *txn;
    const cc_live *lv = views ? cc_views_state(views, &cc_projection_live) : NULL;
    if (lv && cc_views_read_begin(views, &txn) == 0) {
        cc_live_participant lp;
        if (cc_live_participant_get(txn, lv, &ac->pseudonym, &lp) == 0) {
            cc_out_printf(&o,
                          ",\n  \"participant\": {\"status\": %u, \"registered_ms\": %llu, "
                          "\"contributions\": %u, \"arguments\": %u, \"sources\": %u, "
                          "\"comments\": %u, \"votes\": %u}",
                          lp.status, (unsigned long long)lp.registered_ms, lp.contributions,
                          lp.arguments, lp.sources, lp.comments, lp.votes);
        }
        cc_out_puts(&o, ",\n  \"public_actions\": [");
        cc_live_activity acts[CC_PAGE_MAX];
        uint64_t off = 0, total = 0;
        int first = 1;
        for (;;) {
            uint32_t count = 0;
            cc_page page = {off, CC_PAGE_MAX};
            if (cc_live_history_entries(txn, lv, &ac->pseudonym, page, acts, &count, &total) ||
                !count)
                break;
            for (uint32_t i = 0; i < count; i++) {
                cc_out_printf(&o, "%s\n    {\"seq\": %llu, \"type\": %u, \"item\": %llu}",
                              first ? "" : ",", (unsigned long long)acts[i].seq, acts[i].type,
                              (unsigned long long)acts[i].item);
                first = 0;
            }
            off += count;
            if (off >= total) break;
        }
        cc_out_puts(&o, first ? "]" : "\n  ]");
        cc_views_read_end(views, txn);
    }
    cc_out_puts(&o, "\n}\n");
    h2o_req_t *req = a->r->req;
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_DISPOSITION, NULL,
                   H2O_STRLIT("attachment; filename=\"concerto-mes-donnees.json\""));
    cc_response how = {200, "application/json; charset=utf-8", CC_CACHE_NO_STORE, 0};
    cc_http_respond(a->r, &how, &o);
}

/* ---- delete my account ----------------------------------------------------- */

static void show_delete(acc *a, int status)
{
    cc_html h;
    cc_lang lang = a->r->lang;
    begin(&h, a, CC_MSG_ACC_DELETE_TITLE);
    para(&h, lang, CC_MSG_ACC_DELETE_TEXT);
    form_open(&h, a, "/compte/supprimer");
    checkbox(&h, a, "confirmer", CC_MSG_ACC_DELETE_CONFIRM, 0);
    submit(&h, a, CC_MSG_ACC_DELETE_SUBMIT);
    end(&h, a, status);
}

static void delete_done(cc_request *r, cc_command *cmd, void *arg)
{
    acc *a = arg;
    if (cmd->result.rc) {
        internal_error(a);
        return;
    }
    cc_session_cookie_clear(r);
    redirect_lang(a, "/compte/supprimer?fait=1");
}

void cc_acc_delete(cc_request *r)
{
    acc *a = acc_new(r);
    if (!a->viewer.signed_in) {
        if (r->method != CC_METHOD_POST && query_param(r, "fait").len) {
            cc_html h;
            a->notice = CC_MSG_ACC_DELETED;
            a->has_notice = 1;
            begin(&h, a, CC_MSG_ACC_DELETE_TITLE);
            end(&h, a, 200);
            return;
        }
        require_signed_in(a);
        return;
    }
    if (r->method != CC_METHOD_POST) {
        show_delete(a, 200);
        return;
    }
    int st = post_begin(a, (cc_rate_kind)-1);
    h2o_iovec_t c = h2o_iovec_init("", 0);
    if (!st && (line(a, "confirmer", 0, 8, &c) || !h2o_memis(c.base, c.len, H2O_STRLIT("1")))) {
        set_err(a, "confirmer", CC_MSG_ACC_ERR_DELETE_CONFIRM);
        st = 400;
    }
    if (st) {
        if (st > 0) show_delete(a, st);
        return;
    }
    cc_command *cmd = cc_write_command(a->r, CC_CMD_ACCOUNT_ERASE);
    cmd->subject = a->viewer.pseudonym;
    cmd->actor = a->viewer.pseudonym;
    if (cc_write_submit(a->r, cmd, delete_done, a)) internal_error(a);
}
