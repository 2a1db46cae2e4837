/* actions.c - participation on the public site: post and edit a
 * contribution, argue for or against, add a source, comment, vote (cast,
 * change, withdraw), up-vote arguments, flag with a charter reason; and the
 * contact form.
 *
 * Every action is a plain POST form (no JavaScript) to a route of its own,
 * "/<verb>/<target id>". A GET of the same route shows the form alone, and
 * the public pages embed the same forms (actions_forms.h). A POST goes the
 * way of accounts.c: parse the body strictly (form.h), refuse anyone who is
 * not a signed-in confirmed participant (403), check the CSRF token (403),
 * take a rate-limit token keyed by the pseudonym (posting, flagging: 429),
 * check the fields (400), and only then hand one command to the writer
 * (write.h). The writer judges the domain rules (decide.c) in a nested
 * transaction: a rejected command writes nothing, and its reason comes back
 * as a project error code that we map to a message and a status (409 for a
 * closed theme, a moderated target or a double vote; 403 for the wrong
 * author; 404 for an unknown target). Bad input therefore always shows the
 * form again, with what was typed and the message tied to its field, and
 * the log keeps its size. A success answers 303 to the page that shows the
 * write, once the live view has reached it (read-your-writes).
 *
 * The contact form is not an event: a message to the team is private. It
 * is written as one file, mode 0600, under DIR/contact/ (on the libuv
 * threadpool: it is fsynced), then queued for mail to the team address
 * (`concerto serve --contact-to`, by default the sender address), and rate
 * limited per client address.
 *
 * Each request's state (act) lives in the request's pool, kept alive by h2o
 * until the response is sent. */
#include "actions_forms.h"
#include "error.h"
#include "form.h"
#include "layout.h"
#include "mail.h"
#include "pages_common.h"
#include "ratelimit.h"
#include "response.h"
#include "session.h"
#include "text.h"
#include "write.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NO_MSG CC_MSG_COUNT_
#define CONTACT_SUBJECT_MAX 200
#define CONTACT_MESSAGE_MAX 5000
#define CONTACT_DEFAULT_TO "noreply@localhost.localdomain"
#define CTX_MAX 160

typedef enum act_kind {
    A_POST,
    A_EDIT,
    A_ARG,
    A_SOURCE,
    A_COMMENT,
    A_VOTE,
    A_FLAG,
    A_CONTACT
} act_kind;

typedef struct act {
    cc_request *r;
    act_kind kind;
    cc_viewer viewer;
    cc_form form;
    uint64_t id;     /* the target */
    cc_live_item it; /* the target, from the live view */
    uint64_t page;   /* the page that shows the target */
    int page_section;
    h2o_iovec_t ctx; /* the target's title (or the start of its text) */
    /* the error to show: a field name ("" for the whole form) and message */
    const char *err_field;
    cc_msg err;
    int has_err;
    /* fields, as typed (to show the form again) */
    h2o_iovec_t title, text, url, email, subject;
    int side, value, reason;
    /* contact */
    char email_norm[CC_EMAIL_MAX + 1];
    int work_rc;
} act;

static const h2o_iovec_t empty = {"", 0};

static int participant(const act *a)
{
    return a->viewer.signed_in && a->viewer.registered && !a->viewer.erased;
}

static act *act_init(cc_request *r, act_kind kind, int keep)
{
    act *a = h2o_mem_alloc_pool(&r->req->pool, sizeof *a);
    memset(a, 0, sizeof *a);
    a->r = keep ? cc_request_keep(r) : r;
    a->kind = kind;
    a->err = NO_MSG;
    a->title = a->text = a->url = a->email = a->subject = a->ctx = empty;
    cc_viewer_load(a->r, &a->viewer);
    return a;
}

static void set_err(act *a, const char *field, cc_msg m)
{
    if (a->has_err) return; /* the first error is the one shown */
    a->has_err = 1;
    a->err_field = field;
    a->err = m;
}

/* ---- error codes -> messages and statuses -------------------------------- */

static cc_msg rc_msg(act_kind k, int rc)
{
    switch (rc) {
    case CC_EEMPTY:
        return CC_MSG_ACT_E_EMPTY;
    case CC_ETOOLONG:
    case CC_ETOOBIG:
        return CC_MSG_ACT_E_TOOLONG;
    case CC_EUTF8:
        return CC_MSG_ACT_E_UTF8;
    case CC_ECONTROL:
        return CC_MSG_ACT_E_CONTROL;
    case CC_EURL:
        return CC_MSG_ACT_E_URL;
    case CC_EEMAIL:
        return CC_MSG_ACT_E_EMAIL;
    case CC_EENUM:
        return CC_MSG_ACT_E_CHOICE;
    case CC_EMALFORMED:
    case CC_EEXTRA:
    case CC_ETYPE:
    case CC_EMISSING:
        return CC_MSG_ACT_E_MALFORMED;
    case CC_EFORBIDDEN:
        return CC_MSG_ACT_E_FORBIDDEN;
    case CC_ENOTREGISTERED:
        return CC_MSG_ACT_E_NOTREGISTERED;
    case CC_EERASED:
        return CC_MSG_ACT_E_ERASED;
    case CC_ENOITEM:
    case CC_ENOTFOUND:
        return CC_MSG_ACT_E_NOITEM;
    case CC_EKIND:
        return CC_MSG_ACT_E_KIND;
    case CC_ECLOSED:
        return CC_MSG_ACT_E_CLOSED;
    case CC_ENOPOSTING:
        return CC_MSG_ACT_E_NOPOSTING;
    case CC_EMODERATED:
        return CC_MSG_ACT_E_MODERATED;
    case CC_EREMOVED:
        return CC_MSG_ACT_E_REMOVED;
    case CC_EALREADY:
        return k == A_VOTE   ? CC_MSG_ACT_E_ALREADY_VOTED
               : k == A_FLAG ? CC_MSG_ACT_E_ALREADY_FLAGGED
                             : CC_MSG_ACT_E_ALREADY;
    case CC_ENOVOTE:
        return CC_MSG_ACT_E_NOVOTE;
    case CC_ENOTAUTHOR:
        return CC_MSG_ACT_E_NOTAUTHOR;
    case CC_ESHUTDOWN:
        return CC_MSG_ACT_E_SHUTDOWN;
    default:
        return CC_MSG_ACT_E_INTERNAL;
    }
}

static int rc_status(int rc)
{
    switch (rc) {
    case CC_EEMPTY:
    case CC_ETOOLONG:
    case CC_ETOOBIG:
    case CC_EUTF8:
    case CC_ECONTROL:
    case CC_EURL:
    case CC_EEMAIL:
    case CC_EENUM:
    case CC_EMALFORMED:
    case CC_EEXTRA:
    case CC_ETYPE:
    case CC_EMISSING:
        return 400;
    case CC_EFORBIDDEN:
    case CC_ENOTREGISTERED:
    case CC_EERASED:
    case CC_ENOTAUTHOR:
        return 403;
    case CC_ENOITEM:
    case CC_ENOTFOUND:
    case CC_EKIND:
        return 404;
    case CC_ECLOSED:
    case CC_ENOPOSTING:
    case CC_EMODERATED:
    case CC_EREMOVED:
    case CC_EALREADY:
    case CC_ENOVOTE:
        return 409;
    case CC_ESHUTDOWN:
        return 503;
    default:
        return 500;
    }
}

/* ---- form pieces -------------------------------------------------------------- */

/* Ids are "f-<form>-<field>": several forms share the contribution page. */
static void ids(char *out, size_t cap, const char *pre, const char *form, const char *name)
{
    snprintf(out, cap, "%s-%s-%s", pre, form, name);
}

static int is_err(const act *a, const char *name)
{
    return a->has_err && a->err_field && !strcmp(a->err_field, name);
}

static void label_hint_err(cc_html *h, const act *a, const char *form, const char *name,
                           cc_msg label, cc_msg hint, char *desc, size_t cap)
{
    cc_lang lang = a->r->lang;
    char id[96], hid[96], eid[96];
    ids(id, sizeof id, "f", form, name);
    ids(hid, sizeof hid, "h", form, name);
    ids(eid, sizeof eid, "e", form, name);
    desc[0] = '\0';
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
        snprintf(desc, cap, "%s", hid);
    }
    if (is_err(a, name)) {
        cc_html_lit(h, "<span class=\"error\"");
        cc_html_attrz(h, "id", eid);
        cc_html_lit(h, ">");
        cc_html_textz(h, cc_tr(lang, a->err));
        cc_html_lit(h, "</span>\n");
        size_t n = strlen(desc);
        snprintf(desc + n, cap - n, "%s%s", n ? " " : "", eid);
    }
}

static void input(cc_html *h, const act *a, const char *form, const char *name, cc_msg label,
                  const char *type, h2o_iovec_t value, cc_msg hint)
{
    char id[96], desc[200];
    label_hint_err(h, a, form, name, label, hint, desc, sizeof desc);
    ids(id, sizeof id, "f", form, name);
    cc_html_lit(h, "<input");
    cc_html_attrz(h, "type", type);
    cc_html_attrz(h, "id", id);
    cc_html_attrz(h, "name", name);
    if (value.len) cc_html_attr(h, "value", value.base, value.len);
    if (*desc) cc_html_attrz(h, "aria-describedby", desc);
    if (is_err(a, name)) cc_html_lit(h, " aria-invalid=\"true\"");
    cc_html_lit(h, "></p>\n");
}

static void textarea(cc_html *h, const act *a, const char *form, const char *name, cc_msg label,
                     h2o_iovec_t value, cc_msg hint, int rows)
{
    char id[96], desc[200];
    label_hint_err(h, a, form, name, label, hint, desc, sizeof desc);
    ids(id, sizeof id, "f", form, name);
    cc_html_lit(h, "<textarea");
    cc_html_attrz(h, "id", id);
    cc_html_attrz(h, "name", name);
    cc_html_attr_u64(h, "rows", (uint64_t)rows);
    if (*desc) cc_html_attrz(h, "aria-describedby", desc);
    if (is_err(a, name)) cc_html_lit(h, " aria-invalid=\"true\"");
    cc_html_lit(h, ">");
    cc_html_text(h, value.base, value.len);
    cc_html_lit(h, "</textarea></p>\n");
}

/* Radio buttons name=values[i] labelled labels[i]; checked is 1-based. */
static void radios(cc_html *h, const act *a, const char *form, const char *name, cc_msg legend,
                   const char *const *values, const cc_msg *labels, int n, int checked)
{
    cc_lang lang = a->r->lang;
    char fid[96], eid[96];
    ids(fid, sizeof fid, "f", form, name);
    ids(eid, sizeof eid, "e", form, name);
    int err = is_err(a, name);
    cc_html_lit(h, "<fieldset");
    cc_html_attrz(h, "id", fid);
    if (err) cc_html_attrz(h, "aria-describedby", eid);
    cc_html_lit(h, "><legend>");
    cc_html_textz(h, cc_tr(lang, legend));
    cc_html_lit(h, "</legend>\n");
    if (err) {
        cc_html_lit(h, "<span class=\"error\"");
        cc_html_attrz(h, "id", eid);
        cc_html_lit(h, ">");
        cc_html_textz(h, cc_tr(lang, a->err));
        cc_html_lit(h, "</span>\n");
    }
    for (int i = 0; i < n; i++) {
        char id[128];
        snprintf(id, sizeof id, "%s-%s", fid, values[i]);
        cc_html_lit(h, "<span class=\"choice\"><input type=\"radio\"");
        cc_html_attrz(h, "name", name);
        cc_html_attrz(h, "id", id);
        cc_html_attrz(h, "value", values[i]);
        if (checked == i + 1) cc_html_lit(h, " checked");
        cc_html_lit(h, "> <label");
        cc_html_attrz(h, "for", id);
        cc_html_lit(h, ">");
        cc_html_textz(h, cc_tr(lang, labels[i]));
        cc_html_lit(h, "</label></span>\n");
    }
    cc_html_lit(h, "</fieldset>\n");
}

static void form_open(cc_html *h, act *a, const char *verb, uint64_t id, const char *cls)
{
    char action[96];
    snprintf(action, sizeof action, "/%s/%llu", verb, (unsigned long long)id);
    cc_html_lit(h, "<form method=\"post\" novalidate");
    cc_html_attrz(h, "action", action);
    if (cls) cc_html_attrz(h, "class", cls);
    cc_html_lit(h, ">\n");
    cc_csrf_field(h, a->r, &a->viewer);
}

static void button(cc_html *h, cc_lang lang, const char *name, const char *value, cc_msg label)
{
    cc_html_lit(h, "<button type=\"submit\"");
    if (name) {
        cc_html_attrz(h, "name", name);
        cc_html_attrz(h, "value", value);
    }
    cc_html_lit(h, ">");
    cc_html_textz(h, cc_tr(lang, label));
    cc_html_lit(h, "</button>");
}

static void form_close(cc_html *h, cc_lang lang, cc_msg label)
{
    cc_html_lit(h, "<p>");
    button(h, lang, NULL, NULL, label);
    cc_html_lit(h, "</p>\n</form>\n");
}

static void heading(cc_html *h, cc_lang lang, cc_msg m)
{
    cc_html_lit(h, "<h3>");
    cc_html_textz(h, cc_tr(lang, m));
    cc_html_lit(h, "</h3>\n");
}

static void login_link(cc_html *h, cc_lang lang)
{
    cc_html_lit(h, "<p class=\"login-to-take-part\"><a href=\"/connexion\">");
    cc_html_textz(h, cc_tr(lang, CC_MSG_ACT_LOGIN_TO_TAKE_PART));
    cc_html_lit(h, "</a></p>\n");
}

static const char *const side_values[] = {"pour", "contre"};
static const cc_msg side_labels[] = {CC_MSG_ACT_SIDE_FOR, CC_MSG_ACT_SIDE_AGAINST};
static const char *const vote_values[] = {"accord", "mitige", "desaccord"};
static const cc_msg vote_labels[] = {CC_MSG_ACT_VOTE_AGREE, CC_MSG_ACT_VOTE_MITIGATED,
                                     CC_MSG_ACT_VOTE_DISAGREE};
static const char *const reason_values[] = {"injurieux", "errone",   "hors_sujet",
                                            "spam",      "illicite", "autre"};
static const cc_msg reason_labels[] = {CC_MSG_ACT_FLAG_R1, CC_MSG_ACT_FLAG_R2, CC_MSG_ACT_FLAG_R3,
                                       CC_MSG_ACT_FLAG_R4, CC_MSG_ACT_FLAG_R5, CC_MSG_ACT_FLAG_R6};

static int pick(const char *const *values, int n, h2o_iovec_t v)
{
    for (int i = 0; i < n; i++)
        if (h2o_memis(v.base, v.len, values[i], strlen(values[i]))) return i + 1;
    return 0;
}

/* ---- the forms -------------------------------------------------------------- */

static void form_post(cc_html *h, act *a, uint64_t section)
{
    cc_lang lang = a->r->lang;
    form_open(h, a, "contribuer", section, "act-post");
    input(h, a, "post", "titre", CC_MSG_ACT_FIELD_TITLE, "text", a->title, NO_MSG);
    textarea(h, a, "post", "texte", CC_MSG_ACT_FIELD_TEXT, a->text, CC_MSG_ACT_MARKDOWN_HINT, 10);
    form_close(h, lang, CC_MSG_ACT_POST_SUBMIT);
}

static void form_edit(cc_html *h, act *a, uint64_t id)
{
    cc_lang lang = a->r->lang;
    form_open(h, a, "modifier", id, "act-edit");
    input(h, a, "edit", "titre", CC_MSG_ACT_FIELD_TITLE, "text", a->title, NO_MSG);
    textarea(h, a, "edit", "texte", CC_MSG_ACT_FIELD_TEXT, a->text, CC_MSG_ACT_MARKDOWN_HINT, 12);
    cc_html_lit(h, "<p class=\"hint\">");
    cc_html_textz(h, cc_tr(lang, CC_MSG_ACT_EDIT_HINT));
    cc_html_lit(h, "</p>\n");
    form_close(h, lang, CC_MSG_ACT_EDIT_SUBMIT);
}

static void form_arg(cc_html *h, act *a, uint64_t id)
{
    form_open(h, a, "argumenter", id, "act-argument");
    radios(h, a, "arg", "position", CC_MSG_ACT_SIDE, side_values, side_labels, 2, a->side);
    textarea(h, a, "arg", "texte", CC_MSG_ACT_FIELD_TEXT, a->text, CC_MSG_ACT_MARKDOWN_HINT, 5);
    form_close(h, a->r->lang, CC_MSG_ACT_ARG_SUBMIT);
}

static void form_source(cc_html *h, act *a, uint64_t id)
{
    form_open(h, a, "ajouter-source", id, "act-source");
    input(h, a, "src", "titre", CC_MSG_ACT_FIELD_TITLE, "text", a->title, NO_MSG);
    input(h, a, "src", "url", CC_MSG_ACT_FIELD_URL, "url", a->url, CC_MSG_ACT_URL_HINT);
    textarea(h, a, "src", "texte", CC_MSG_ACT_FIELD_DESCRIPTION, a->text, NO_MSG, 3);
    form_close(h, a->r->lang, CC_MSG_ACT_SOURCE_SUBMIT);
}

static void form_comment(cc_html *h, act *a, uint64_t id)
{
    form_open(h, a, "commenter", id, "act-comment");
    textarea(h, a, "com", "texte", CC_MSG_ACT_FIELD_COMMENT, a->text, CC_MSG_ACT_MARKDOWN_HINT, 4);
    form_close(h, a->r->lang, CC_MSG_ACT_COMMENT_SUBMIT);
}

/* The vote on a contribution: the current vote, a form to cast or change
 * it, and one to withdraw it. */
static void form_vote(cc_html *h, act *a, uint64_t id, uint8_t current)
{
    cc_lang lang = a->r->lang;
    cc_html_lit(h, "<p class=\"my-vote\">");
    if (current >= CC_VOTE_AGREE && current <= CC_VOTE_DISAGREE) {
        cc_html_textz(h, cc_tr(lang, CC_MSG_ACT_VOTE_CURRENT));
        cc_html_lit(h, "<strong>");
        cc_html_textz(h, cc_tr(lang, vote_labels[current - 1]));
        cc_html_lit(h, "</strong>");
    } else {
        cc_html_textz(h, cc_tr(lang, CC_MSG_ACT_VOTE_NONE));
    }
    cc_html_lit(h, "</p>\n");
    form_open(h, a, "voter", id, "act-vote");
    radios(h, a, "vote", "valeur", CC_MSG_ACT_VOTE_TITLE, vote_values, vote_labels, 3,
           a->value ? a->value : current);
    form_close(h, lang, current ? CC_MSG_ACT_VOTE_CHANGE : CC_MSG_ACT_VOTE_SUBMIT);
    if (current) {
        form_open(h, a, "voter", id, "act-withdraw");
        cc_html_lit(h, "<p>");
        button(h, lang, "valeur", "retirer", CC_MSG_ACT_VOTE_WITHDRAW);
        cc_html_lit(h, "</p>\n</form>\n");
    }
}

/* The up-vote of an argument: one button, support or withdraw. */
static void form_upvote(cc_html *h, act *a, uint64_t id, uint8_t current)
{
    cc_lang lang = a->r->lang;
    form_open(h, a, "voter", id, "act-upvote");
    cc_html_lit(h, "<p>");
    if (current == CC_VOTE_UP) {
        cc_html_textz(h, cc_tr(lang, CC_MSG_ACT_UPVOTED));
        cc_html_lit(h, " ");
        button(h, lang, "valeur", "retirer", CC_MSG_ACT_UPVOTE_WITHDRAW);
    } else {
        button(h, lang, "valeur", "soutien", CC_MSG_ACT_UPVOTE);
    }
    cc_html_lit(h, "</p>\n</form>\n");
}

static void form_flag(cc_html *h, act *a, uint64_t id, int flagged)
{
    cc_lang lang = a->r->lang;
    if (flagged) {
        cc_html_lit(h, "<p class=\"flagged\">");
        cc_html_textz(h, cc_tr(lang, CC_MSG_ACT_FLAGGED));
        cc_html_lit(h, "</p>\n");
        return;
    }
    form_open(h, a, "signaler", id, "act-flag");
    radios(h, a, "flag", "raison", CC_MSG_ACT_FLAG_REASON, reason_values, reason_labels, 6,
           a->reason);
    textarea(h, a, "flag", "details", CC_MSG_ACT_FLAG_DETAILS, a->text, NO_MSG, 3);
    form_close(h, lang, CC_MSG_ACT_FLAG_SUBMIT);
}

/* ---- the stand-alone page of an action ---------------------------------------- */

static cc_msg title_of(act_kind k)
{
    static const cc_msg t[] = {CC_MSG_ACT_POST_TITLE,    CC_MSG_ACT_EDIT_TITLE,
                               CC_MSG_ACT_ARG_TITLE,     CC_MSG_ACT_SOURCE_TITLE,
                               CC_MSG_ACT_COMMENT_TITLE, CC_MSG_ACT_VOTE_TITLE,
                               CC_MSG_ACT_FLAG_TITLE,    CC_MSG_ACT_CONTACT_TITLE};
    return t[k];
}

static void page_url(const act *a, char *out, size_t cap)
{
    snprintf(out, cap, "/%s/%llu", a->page_section ? "sections" : "contributions",
             (unsigned long long)a->page);
}

/* Own vote on the target and whether the viewer flagged it. */
static void own_state(act *a, uint8_t *vote, int *flagged)
{
    *vote = 0;
    *flagged = 0;
    if (!participant(a)) return;
    cc_site *s = a->r->site;
    MDB_txn *txn;
    if (pg_live(a->r) && cc_views_read_begin(s->views, &txn) == 0) {
        cc_live_vote_of(txn, pg_live(a->r), a->id, &a->viewer.pseudonym, vote);
        cc_views_read_end(s->views, txn);
    }
    if (cc_ledger_read_begin(s->ledger, &txn) == 0) {
        *flagged = cc_state_has_flag(txn, &s->ledger->state, a->id, &a->viewer.pseudonym) > 0;
        cc_ledger_read_end(s->ledger, txn);
    }
}

static void show(act *a, int status)
{
    cc_request *r = a->r;
    cc_lang lang = r->lang;
    cc_html h;
    cc_html_init(&h, &r->req->pool);
    const char *title = cc_tr(lang, title_of(a->kind));
    cc_layout_begin(&h, r, title);
    cc_html_lit(&h, "<h1>");
    cc_html_textz(&h, title);
    cc_html_lit(&h, "</h1>\n");
    if (a->kind != A_CONTACT) {
        char url[96];
        page_url(a, url, sizeof url);
        cc_html_lit(&h, "<p class=\"context\">");
        cc_html_textz(&h, cc_tr(lang, CC_MSG_ACT_ON_ITEM));
        cc_html_lit(&h, "<a");
        cc_html_href(&h, url, strlen(url));
        cc_html_lit(&h, ">");
        if (a->ctx.len)
            cc_html_text(&h, a->ctx.base, a->ctx.len);
        else
            cc_html_textz(&h, cc_tr(lang, CC_MSG_CONTENT_REMOVED));
        cc_html_lit(&h, "</a></p>\n");
    }
    if (a->has_err) {
        cc_html_lit(&h, "<div class=\"errors\" role=\"alert\" id=\"errors\"><p>");
        cc_html_textz(&h, cc_tr(lang, CC_MSG_ACT_ERRORS_INTRO));
        cc_html_lit(&h, "</p><p>");
        cc_html_textz(&h, cc_tr(lang, a->err));
        cc_html_lit(&h, "</p></div>\n");
    }
    if (a->kind == A_CONTACT) {
        cc_html_lit(&h, "<p>");
        cc_html_textz(&h, cc_tr(lang, CC_MSG_ACT_CONTACT_INTRO));
        cc_html_lit(&h, "</p>\n<form method=\"post\" action=\"/contact\" novalidate "
                        "class=\"act-contact\">\n");
        cc_csrf_field(&h, r, &a->viewer);
        input(&h, a, "contact", "courriel", CC_MSG_ACT_CONTACT_EMAIL, "email", a->email, NO_MSG);
        input(&h, a, "contact", "objet", CC_MSG_ACT_CONTACT_SUBJECT, "text", a->subject, NO_MSG);
        textarea(&h, a, "contact", "message", CC_MSG_ACT_CONTACT_MESSAGE, a->text, NO_MSG, 8);
        form_close(&h, lang, CC_MSG_ACT_CONTACT_SUBMIT);
    } else if (!participant(a)) {
        login_link(&h, lang);
    } else if (!(a->kind == A_EDIT && strcmp(a->it.author.s, a->viewer.pseudonym.s))) {
        uint8_t vote;
        int flagged;
        own_state(a, &vote, &flagged);
        switch (a->kind) {
        case A_POST:
            form_post(&h, a, a->id);
            break;
        case A_EDIT:
            form_edit(&h, a, a->id);
            break;
        case A_ARG:
            form_arg(&h, a, a->id);
            break;
        case A_SOURCE:
            form_source(&h, a, a->id);
            break;
        case A_COMMENT:
            form_comment(&h, a, a->id);
            break;
        case A_VOTE:
            if (a->it.kind == CC_ITEM_ARGUMENT)
                form_upvote(&h, a, a->id, vote);
            else
                form_vote(&h, a, a->id, vote);
            break;
        case A_FLAG:
            form_flag(&h, a, a->id, flagged);
            break;
        case A_CONTACT:
            break;
        }
    }
    cc_layout_end(&h, r);
    /* Pages with forms carry tokens: never stored by any cache. */
    cc_response how = {status, "text/html; charset=utf-8", CC_CACHE_NO_STORE, CC_RESP_VARY_LANG};
    cc_http_respond(r, &how, &h.out);
}

/* ---- request steps ------------------------------------------------------------- */

/* Cut s to at most max bytes, on a character boundary. */
static h2o_iovec_t excerpt(h2o_iovec_t s, size_t max)
{
    if (s.len <= max) return s;
    size_t n = max;
    while (n > 0 && ((unsigned char)s.base[n] & 0xC0) == 0x80)
        n--;
    return h2o_iovec_init(s.base, n);
}

/* The target "/<verb>/<id>": one of the kinds in the mask (bits 1 << kind),
 * not removed. -1 when answered already (404, 503). */
static int load_target(act *a, size_t prefix, unsigned kinds)
{
    cc_request *r = a->r;
    h2o_iovec_t rest;
    if (pg_path_id(r, prefix, &a->id, &rest) || rest.len) {
        pg_error(r, 404, CC_MSG_PG_BAD_ID);
        return -1;
    }
    MDB_txn *txn;
    if (pg_views_begin(r, &txn)) return -1;
    const cc_live *lv = pg_live(r);
    int ok = cc_live_item_get(txn, lv, a->id, &a->it) == 0 && (kinds & (1u << a->it.kind)) &&
             a->it.state != CC_REMOVED;
    if (ok) {
        a->page = a->it.kind == CC_ITEM_SECTION || a->it.kind == CC_ITEM_CONTRIBUTION
                      ? a->id
                      : a->it.parent;
        a->page_section = a->it.kind == CC_ITEM_SECTION;
        cc_live_item parent;
        if (a->it.kind == CC_ITEM_COMMENT &&
            cc_live_item_get(txn, lv, a->it.parent, &parent) == 0 && parent.kind == CC_ITEM_SOURCE)
            a->page = parent.parent;
    }
    cc_views_read_end(r->site->views, txn);
    if (!ok) {
        pg_error(r, 404, CC_MSG_PG_NOT_FOUND_ITEM);
        return -1;
    }
    MDB_txn *ltxn;
    if (cc_ledger_read_begin(r->site->ledger, &ltxn) == 0) {
        pg_text t;
        memset(&t, 0, sizeof t);
        pg_read_body(ltxn, r->site, &r->req->pool, a->it.commitment, cc_item_body_type(a->it.kind),
                     &t);
        cc_ledger_read_end(r->site->ledger, ltxn);
        h2o_iovec_t c = t.f[CC_B_TITLE].base ? t.f[CC_B_TITLE] : t.f[CC_B_TEXT];
        if (c.base) a->ctx = excerpt(c, CTX_MAX);
        if (a->kind == A_EDIT && r->method != CC_METHOD_POST) {
            if (t.f[CC_B_TITLE].base) a->title = t.f[CC_B_TITLE];
            if (t.f[CC_B_TEXT].base) a->text = t.f[CC_B_TEXT];
        }
    }
    return 0;
}

static cc_msg form_rc_msg(int rc)
{
    return rc == CC_EEMPTY || rc == CC_ETOOLONG || rc == CC_ETOOBIG || rc == CC_EUTF8 ||
                   rc == CC_ECONTROL
               ? rc_msg(A_POST, rc)
               : CC_MSG_ACT_E_MALFORMED;
}

/* Parse, who, CSRF, rate limit. 0: go on; 400/403: show the form again with
 * the error set; -1: answered already (429). */
static int post_begin(act *a, int rate_kind)
{
    int rc = cc_form_parse_body(a->r->req, NULL, &a->form);
    if (rc) {
        set_err(a, "", form_rc_msg(rc));
        if (a->form.error_field && *a->form.error_field) a->err_field = a->form.error_field;
        memset(&a->form, 0, sizeof a->form);
        return 400;
    }
    if (a->kind != A_CONTACT && !participant(a)) {
        set_err(a, "", CC_MSG_ACT_E_SIGN_IN);
        return 403;
    }
    if (cc_csrf_check(a->r, &a->viewer, &a->form)) {
        set_err(a, "", CC_MSG_ACT_E_CSRF);
        return 403;
    }
    if (rate_kind >= 0) {
        const char *key = NULL;
        size_t len = 0;
        if (a->kind != A_CONTACT) {
            key = a->viewer.pseudonym.s;
            len = strlen(key);
        }
        if (!cc_rate_check(a->r, (cc_rate_kind)rate_kind, key, len)) return -1;
    }
    return 0;
}

static size_t body_max(cc_event_type t, cc_body_field f)
{
    size_t max = 0;
    cc_body_has_field(t, f, &max);
    return max;
}

static void line(act *a, const char *name, int required, size_t max, h2o_iovec_t *out)
{
    int rc = cc_form_line(&a->form, name, required, max, 1, out);
    if (rc) set_err(a, name, rc_msg(a->kind, rc));
}

static void text(act *a, const char *name, int required, size_t max, h2o_iovec_t *out)
{
    int rc = cc_form_text(&a->form, name, required, max, out);
    if (rc == 0 && required) {
        /* white space alone is no text */
        size_t i = 0;
        while (i < out->len &&
               (out->base[i] == ' ' || out->base[i] == '\n' || out->base[i] == '\t'))
            i++;
        if (i == out->len) rc = CC_EEMPTY;
    }
    if (rc) set_err(a, name, rc_msg(a->kind, rc));
}

static void choice(act *a, const char *name, const char *const *values, int n, int *out)
{
    h2o_iovec_t v;
    int rc = cc_form_line(&a->form, name, 1, 32, 1, &v);
    if (rc == 0 && !(*out = pick(values, n, v))) rc = CC_EENUM;
    if (rc) set_err(a, name, rc == CC_EEMPTY ? CC_MSG_ACT_E_CHOICE : rc_msg(a->kind, rc));
}

static const char *anchor_of(act_kind k)
{
    switch (k) {
    case A_ARG:
        return "#arguments";
    case A_SOURCE:
        return "#sources";
    case A_COMMENT:
        return "#comments";
    case A_VOTE:
    case A_FLAG:
        return "#participer";
    default:
        return "";
    }
}

static const char *form_field_of(act_kind k, int body_field)
{
    switch (body_field) {
    case CC_B_TITLE:
        return "titre";
    case CC_B_URL:
        return "url";
    case CC_B_TEXT:
        return k == A_FLAG ? "details" : "texte";
    default:
        return "";
    }
}

static void write_done(cc_request *r, cc_command *cmd, void *arg)
{
    act *a = arg;
    int rc = cmd->result.rc;
    if (rc) {
        set_err(a, form_field_of(a->kind, cmd->result.body_field), rc_msg(a->kind, rc));
        show(a, rc_status(rc));
        return;
    }
    char loc[160];
    if (a->kind == A_POST)
        snprintf(loc, sizeof loc, "/contributions/%llu?lang=%s",
                 (unsigned long long)cmd->result.seq, cc_lang_code(r->lang));
    else
        snprintf(loc, sizeof loc, "/%s/%llu?lang=%s%s",
                 a->page_section ? "sections" : "contributions", (unsigned long long)a->page,
                 cc_lang_code(r->lang), anchor_of(a->kind));
    cc_redirect(r, loc);
}

static void body_set(cc_command *cmd, cc_body_field f, h2o_iovec_t v)
{
    cmd->body.f[f].ptr = (const uint8_t *)v.base;
    cmd->body.f[f].len = v.len;
}

static void submit(act *a, cc_command *cmd)
{
    int rc = cc_write_submit(a->r, cmd, write_done, a);
    if (rc) {
        set_err(a, "", rc_msg(a->kind, rc == CC_ESHUTDOWN ? rc : CC_EINVAL));
        show(a, rc == CC_ESHUTDOWN ? 503 : 500);
    }
}

/* The common start of a participation route: target, then GET shows the
 * form, POST checks. Returns the act to go on with, or NULL when answered. */
static act *start(cc_request *r, act_kind kind, size_t prefix, unsigned kinds, int rate_kind)
{
    act *a = act_init(r, kind, 1);
    if (load_target(a, prefix, kinds)) return NULL;
    if (r->method != CC_METHOD_POST) {
        if (kind == A_EDIT && participant(a) && strcmp(a->it.author.s, a->viewer.pseudonym.s)) {
            set_err(a, "", CC_MSG_ACT_E_NOTAUTHOR);
            show(a, 403);
            return NULL;
        }
        show(a, 200);
        return NULL;
    }
    int st = post_begin(a, rate_kind);
    if (st < 0) return NULL;
    if (st) {
        show(a, st);
        return NULL;
    }
    return a;
}

#define K(kind) (1u << (kind))

/* ---- the routes ---------------------------------------------------------------- */

void cc_act_post(cc_request *r)
{
    act *a = start(r, A_POST, sizeof "/contribuer/" - 1, K(CC_ITEM_SECTION), CC_RATE_POST);
    if (!a) return;
    line(a, "titre", 1, body_max(CC_EV_CONTRIBUTION_POSTED, CC_B_TITLE), &a->title);
    text(a, "texte", 1, body_max(CC_EV_CONTRIBUTION_POSTED, CC_B_TEXT), &a->text);
    if (a->has_err) {
        show(a, 400);
        return;
    }
    cc_command *cmd = cc_write_command(a->r, CC_CMD_EVENT);
    cc_command_event(cmd, CC_EV_CONTRIBUTION_POSTED, &a->viewer.pseudonym);
    cmd->event.section = a->id;
    cc_event_set(&cmd->event, CC_F_SECTION);
    body_set(cmd, CC_B_TITLE, a->title);
    body_set(cmd, CC_B_TEXT, a->text);
    submit(a, cmd);
}

void cc_act_edit(cc_request *r)
{
    act *a = start(r, A_EDIT, sizeof "/modifier/" - 1, K(CC_ITEM_CONTRIBUTION), CC_RATE_POST);
    if (!a) return;
    line(a, "titre", 1, body_max(CC_EV_CONTRIBUTION_EDITED, CC_B_TITLE), &a->title);
    text(a, "texte", 1, body_max(CC_EV_CONTRIBUTION_EDITED, CC_B_TEXT), &a->text);
    if (a->has_err) {
        show(a, 400);
        return;
    }
    cc_command *cmd = cc_write_command(a->r, CC_CMD_EVENT);
    cc_command_event(cmd, CC_EV_CONTRIBUTION_EDITED, &a->viewer.pseudonym);
    cmd->event.item = a->id;
    cc_event_set(&cmd->event, CC_F_ITEM);
    body_set(cmd, CC_B_TITLE, a->title);
    body_set(cmd, CC_B_TEXT, a->text);
    submit(a, cmd);
}

void cc_act_argument(cc_request *r)
{
    act *a = start(r, A_ARG, sizeof "/argumenter/" - 1, K(CC_ITEM_CONTRIBUTION), CC_RATE_POST);
    if (!a) return;
    choice(a, "position", side_values, 2, &a->side);
    text(a, "texte", 1, body_max(CC_EV_ARGUMENT_POSTED, CC_B_TEXT), &a->text);
    if (a->has_err) {
        show(a, 400);
        return;
    }
    cc_command *cmd = cc_write_command(a->r, CC_CMD_EVENT);
    cc_command_event(cmd, CC_EV_ARGUMENT_POSTED, &a->viewer.pseudonym);
    cmd->event.item = a->id;
    cmd->event.side = (uint8_t)(a->side == 1 ? CC_SIDE_FOR : CC_SIDE_AGAINST);
    cc_event_set(&cmd->event, CC_F_ITEM);
    cc_event_set(&cmd->event, CC_F_SIDE);
    body_set(cmd, CC_B_TEXT, a->text);
    submit(a, cmd);
}

void cc_act_source(cc_request *r)
{
    act *a =
        start(r, A_SOURCE, sizeof "/ajouter-source/" - 1, K(CC_ITEM_CONTRIBUTION), CC_RATE_POST);
    if (!a) return;
    line(a, "titre", 1, body_max(CC_EV_SOURCE_POSTED, CC_B_TITLE), &a->title);
    size_t umax = body_max(CC_EV_SOURCE_POSTED, CC_B_URL);
    line(a, "url", 1, umax, &a->url);
    if (!is_err(a, "url") && cc_url_check(a->url.base, a->url.len, umax))
        set_err(a, "url", CC_MSG_ACT_E_URL);
    text(a, "texte", 0, body_max(CC_EV_SOURCE_POSTED, CC_B_TEXT), &a->text);
    if (a->has_err) {
        show(a, 400);
        return;
    }
    cc_command *cmd = cc_write_command(a->r, CC_CMD_EVENT);
    cc_command_event(cmd, CC_EV_SOURCE_POSTED, &a->viewer.pseudonym);
    cmd->event.item = a->id;
    cc_event_set(&cmd->event, CC_F_ITEM);
    body_set(cmd, CC_B_TITLE, a->title);
    body_set(cmd, CC_B_URL, a->url);
    if (a->text.len) body_set(cmd, CC_B_TEXT, a->text);
    submit(a, cmd);
}

void cc_act_comment(cc_request *r)
{
    act *a = start(r, A_COMMENT, sizeof "/commenter/" - 1,
                   K(CC_ITEM_CONTRIBUTION) | K(CC_ITEM_SOURCE), CC_RATE_POST);
    if (!a) return;
    text(a, "texte", 1, body_max(CC_EV_COMMENT_POSTED, CC_B_TEXT), &a->text);
    if (a->has_err) {
        show(a, 400);
        return;
    }
    cc_command *cmd = cc_write_command(a->r, CC_CMD_EVENT);
    cc_command_event(cmd, CC_EV_COMMENT_POSTED, &a->viewer.pseudonym);
    cmd->event.item = a->id;
    cc_event_set(&cmd->event, CC_F_ITEM);
    body_set(cmd, CC_B_TEXT, a->text);
    submit(a, cmd);
}

void cc_act_vote(cc_request *r)
{
    act *a =
        start(r, A_VOTE, sizeof "/voter/" - 1, K(CC_ITEM_CONTRIBUTION) | K(CC_ITEM_ARGUMENT), -1);
    if (!a) return;
    static const char *const values[] = {"accord", "mitige", "desaccord", "soutien", "retirer"};
    int v = 0;
    choice(a, "valeur", values, 5, &v);
    int up = a->it.kind == CC_ITEM_ARGUMENT;
    if (!a->has_err && v != 5 && (v == CC_VOTE_UP) != up) set_err(a, "valeur", CC_MSG_ACT_E_CHOICE);
    if (a->has_err) {
        show(a, 400);
        return;
    }
    if (v <= 3) a->value = v;
    cc_command *cmd = cc_write_command(a->r, CC_CMD_EVENT);
    cc_command_event(cmd, v == 5 ? CC_EV_VOTE_WITHDRAWN : CC_EV_VOTE_CAST, &a->viewer.pseudonym);
    cmd->event.item = a->id;
    cc_event_set(&cmd->event, CC_F_ITEM);
    if (v != 5) {
        cmd->event.value = (uint8_t)v; /* accord..soutien are CC_VOTE_AGREE..CC_VOTE_UP */
        cc_event_set(&cmd->event, CC_F_VALUE);
    }
    submit(a, cmd);
}

void cc_act_flag(cc_request *r)
{
    act *a = start(r, A_FLAG, sizeof "/signaler/" - 1,
                   K(CC_ITEM_CONTRIBUTION) | K(CC_ITEM_ARGUMENT) | K(CC_ITEM_SOURCE) |
                       K(CC_ITEM_COMMENT),
                   CC_RATE_FLAG);
    if (!a) return;
    choice(a, "raison", reason_values, 6, &a->reason);
    text(a, "details", 0, body_max(CC_EV_FLAG_RAISED, CC_B_TEXT), &a->text);
    int blank = 1;
    for (size_t i = 0; i < a->text.len; i++)
        if (a->text.base[i] != ' ' && a->text.base[i] != '\n' && a->text.base[i] != '\t') blank = 0;
    if (a->reason == CC_FLAG_OTHER && blank) set_err(a, "details", CC_MSG_ACT_E_DETAILS);
    if (a->has_err) {
        show(a, 400);
        return;
    }
    cc_command *cmd = cc_write_command(a->r, CC_CMD_EVENT);
    cc_command_event(cmd, CC_EV_FLAG_RAISED, &a->viewer.pseudonym);
    cmd->event.item = a->id;
    cmd->event.reason = (uint8_t)a->reason; /* the order of cc_flag_reason */
    cc_event_set(&cmd->event, CC_F_ITEM);
    cc_event_set(&cmd->event, CC_F_FLAG_REASON);
    if (!blank) {
        cmd->has_body = 1;
        body_set(cmd, CC_B_TEXT, a->text);
    }
    submit(a, cmd);
}

/* ---- contact ---------------------------------------------------------------------- */

/* On the threadpool: DIR/contact/<ms>-<random>.txt, 0600, fsynced. */
static void contact_work(void *arg)
{
    act *a = arg;
    const char *dir = a->r->site->ledger->dir;
    char path[4096], rnd[17];
    uint8_t b[8];
    randombytes_buf(b, sizeof b);
    for (int i = 0; i < 8; i++)
        snprintf(rnd + 2 * i, 3, "%02x", b[i]);
    snprintf(path, sizeof path, "%s/contact", dir);
    if (mkdir(path, 0700) && errno != EEXIST) {
        a->work_rc = -errno;
        return;
    }
    snprintf(path, sizeof path, "%s/contact/%llu-%s.txt", dir, (unsigned long long)cc_now_ms(),
             rnd);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        a->work_rc = -errno;
        return;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        a->work_rc = -errno;
        close(fd);
        return;
    }
    fprintf(f, "From: %s\nSubject: %.*s\nLanguage: %s\n\n%.*s\n", a->email_norm,
            (int)a->subject.len, a->subject.base, cc_lang_code(a->r->lang), (int)a->text.len,
            a->text.base);
    int rc = fflush(f) || fsync(fd) ? -errno : 0;
    if (fclose(f) && !rc) rc = -errno;
    a->work_rc = rc;
}

static void contact_done(cc_request *r, void *arg)
{
    act *a = arg;
    if (a->work_rc) {
        set_err(a, "", CC_MSG_ACT_E_INTERNAL);
        show(a, 500);
        return;
    }
    if (r->site->mail) {
        const char *to = r->site->contact_to;
        if (!to || cc_mail_address_check(to)) to = CONTACT_DEFAULT_TO;
        char subject[CONTACT_SUBJECT_MAX + 32];
        snprintf(subject, sizeof subject, cc_tr(CC_LANG_FR, CC_MSG_ACT_CONTACT_MAIL_SUBJECT),
                 a->subject.base);
        size_t cap = a->text.len + CC_EMAIL_MAX + 128;
        char *body = h2o_mem_alloc_pool(&r->req->pool, cap);
        snprintf(body, cap, "From: %s\nLanguage: %s\n\n%s\n", a->email_norm, cc_lang_code(r->lang),
                 a->text.base);
        cc_mail_queue_push(r->site->mail, to, subject, body);
    }
    char loc[64];
    snprintf(loc, sizeof loc, "/contact?envoye=1&lang=%s", cc_lang_code(r->lang));
    cc_redirect(r, loc);
}

void cc_act_contact(cc_request *r)
{
    act *a = act_init(r, A_CONTACT, 1);
    if (r->method != CC_METHOD_POST) {
        cc_form q;
        h2o_iovec_t sent = empty;
        if (r->query.len &&
            cc_form_parse(&r->req->pool, r->query.base, r->query.len, NULL, &q) == 0)
            cc_form_line(&q, "envoye", 0, 8, 0, &sent);
        if (sent.len) {
            cc_html h;
            cc_html_init(&h, &r->req->pool);
            const char *title = cc_tr(r->lang, CC_MSG_ACT_CONTACT_TITLE);
            cc_layout_begin(&h, a->r, title);
            cc_html_lit(&h, "<h1>");
            cc_html_textz(&h, title);
            cc_html_lit(&h, "</h1>\n<p class=\"notice\" role=\"status\">");
            cc_html_textz(&h, cc_tr(r->lang, CC_MSG_ACT_CONTACT_SENT));
            cc_html_lit(&h, "</p>\n");
            cc_layout_end(&h, a->r);
            cc_response how = {200, "text/html; charset=utf-8", CC_CACHE_NO_STORE,
                               CC_RESP_VARY_LANG};
            cc_http_respond(a->r, &how, &h.out);
            return;
        }
        show(a, 200);
        return;
    }
    int st = post_begin(a, CC_RATE_CONTACT);
    if (st < 0) return;
    if (st) {
        show(a, st);
        return;
    }
    line(a, "courriel", 1, CC_EMAIL_MAX, &a->email);
    if (!is_err(a, "courriel") &&
        (cc_email_normalize(a->email.base, a->email.len, a->email_norm, sizeof a->email_norm) ||
         cc_mail_address_check(a->email_norm)))
        set_err(a, "courriel", CC_MSG_ACT_E_EMAIL);
    line(a, "objet", 1, CONTACT_SUBJECT_MAX, &a->subject);
    text(a, "message", 1, CONTACT_MESSAGE_MAX, &a->text);
    if (a->has_err) {
        show(a, 400);
        return;
    }
    if (cc_work_submit(a->r, contact_work, contact_done, a)) {
        set_err(a, "", CC_MSG_ACT_E_INTERNAL);
        show(a, 500);
    }
}

/* ---- forms embedded in the public pages (actions_forms.h) --------------------- */

void cc_actions_section_forms(cc_html *h, cc_request *r, uint64_t section)
{
    act *a = act_init(r, A_POST, 0);
    cc_site *s = r->site;
    cc_live_item sec, theme;
    int open = 0;
    MDB_txn *txn;
    const cc_live *lv = pg_live(r);
    if (!lv || cc_views_read_begin(s->views, &txn)) return;
    if (cc_live_item_get(txn, lv, section, &sec) == 0 && sec.posting &&
        cc_live_item_get(txn, lv, sec.theme, &theme) == 0)
        open = theme.state == CC_THEME_OPEN;
    cc_views_read_end(s->views, txn);
    if (!open) return;
    cc_html_lit(h, "<section class=\"take-part\" id=\"participer\" aria-labelledby=\"take-part\">"
                   "<h2 id=\"take-part\">");
    cc_html_textz(h, cc_tr(r->lang, CC_MSG_ACT_POST_TITLE));
    cc_html_lit(h, "</h2>\n");
    if (participant(a))
        form_post(h, a, section);
    else
        login_link(h, r->lang);
    cc_html_lit(h, "</section>\n");
}

void cc_actions_contribution_forms(cc_html *h, cc_request *r, uint64_t id,
                                   const cc_actions_arg *args, uint32_t n)
{
    act *a = act_init(r, A_VOTE, 0);
    cc_site *s = r->site;
    cc_lang lang = r->lang;
    cc_live_item it, theme;
    int open = 0;
    uint8_t vote = 0;
    uint8_t *upv = h2o_mem_alloc_pool(&r->req->pool, n + 1);
    memset(upv, 0, n + 1);
    MDB_txn *txn;
    const cc_live *lv = pg_live(r);
    if (!lv || cc_views_read_begin(s->views, &txn)) return;
    if (cc_live_item_get(txn, lv, id, &it) == 0 && it.state == CC_LIVE &&
        cc_live_item_get(txn, lv, it.theme, &theme) == 0)
        open = theme.state == CC_THEME_OPEN;
    if (open && participant(a)) {
        cc_live_vote_of(txn, lv, id, &a->viewer.pseudonym, &vote);
        for (uint32_t i = 0; i < n; i++)
            cc_live_vote_of(txn, lv, args[i].id, &a->viewer.pseudonym, &upv[i]);
    }
    cc_views_read_end(s->views, txn);
    if (!open) return;
    cc_html_lit(h, "<div class=\"take-part\" id=\"participer\">\n");
    if (!participant(a)) {
        login_link(h, lang);
        cc_html_lit(h, "</div>\n");
        return;
    }
    int flagged = 0;
    if (cc_ledger_read_begin(s->ledger, &txn) == 0) {
        flagged = cc_state_has_flag(txn, &s->ledger->state, id, &a->viewer.pseudonym) > 0;
        cc_ledger_read_end(s->ledger, txn);
    }
    char url[64];
    heading(h, lang, CC_MSG_ACT_VOTE_TITLE);
    form_vote(h, a, id, vote);
    if (!strcmp(it.author.s, a->viewer.pseudonym.s)) {
        snprintf(url, sizeof url, "/modifier/%llu", (unsigned long long)id);
        cc_html_lit(h, "<p class=\"edit\"><a");
        cc_html_href(h, url, strlen(url));
        cc_html_lit(h, ">");
        cc_html_textz(h, cc_tr(lang, CC_MSG_ACT_EDIT_LINK));
        cc_html_lit(h, "</a></p>\n");
    }
    if (n) {
        heading(h, lang, CC_MSG_ACT_UPVOTE_HEADING);
        cc_html_lit(h, "<ul class=\"upvotes\">\n");
        for (uint32_t i = 0; i < n; i++) {
            cc_html_lit(h, "<li><q>");
            if (args[i].text.base)
                cc_html_text(h, args[i].text.base, excerpt(args[i].text, CTX_MAX).len);
            else
                cc_html_textz(h, cc_tr(lang, CC_MSG_CONTENT_REMOVED));
            cc_html_lit(h, "</q>\n");
            form_upvote(h, a, args[i].id, upv[i]);
            snprintf(url, sizeof url, "/signaler/%llu", (unsigned long long)args[i].id);
            cc_html_lit(h, "<a class=\"flag-link\"");
            cc_html_href(h, url, strlen(url));
            cc_html_lit(h, ">");
            cc_html_textz(h, cc_tr(lang, CC_MSG_ACT_FLAG_LINK));
            cc_html_lit(h, "</a></li>\n");
        }
        cc_html_lit(h, "</ul>\n");
    }
    heading(h, lang, CC_MSG_ACT_ARG_TITLE);
    form_arg(h, a, id);
    heading(h, lang, CC_MSG_ACT_SOURCE_TITLE);
    form_source(h, a, id);
    heading(h, lang, CC_MSG_ACT_COMMENT_TITLE);
    form_comment(h, a, id);
    heading(h, lang, CC_MSG_ACT_FLAG_TITLE);
    form_flag(h, a, id, flagged);
    cc_html_lit(h, "</div>\n");
}
