/* admin.c - the administrators' pages: one page (GET /admin) with a form
 * per task, and one POST route per task, each appending one event:
 *
 *   /admin/consultation          consultation.configured (title, text)
 *   /admin/theme                 theme.created, or theme.updated with a number
 *   /admin/theme/etat            theme.opened / theme.closed
 *   /admin/section               section.created, or section.updated with a number
 *   /admin/document              document.published (multipart upload)
 *   /admin/rencontre             meeting.scheduled
 *   /admin/rencontre/compte-rendu meeting.reported
 *   /admin/publication           synthesis / recommendations (per theme), report
 *   /admin/role                  role.granted / role.revoked
 *
 * The writer decides (core/decide.c): the pages check the shape of every
 * field first (numbers, dates, choices, lengths), so that bad input is
 * refused with a message next to the form and nothing written; what only
 * the write-side state can tell (a theme that does not exist, a role
 * already held, the last administrator) comes back as the writer's
 * refusal and is shown the same way (409 for a state conflict).
 *
 * Publications carry the log size their numbers are based on: the views'
 * position when the form is sent, i.e. the prefix of the log the
 * statistics pages showed (cc_views_position).
 *
 * Documents: the file is kept exactly as received (the writer stores it by
 * its SHA-256 and /documents/<hash> serves it); its type must be one of
 * the list of core/event.h and its first bytes must match that type. */
#include "admin_ui.h"
#include "error.h"
#include "layout.h"
#include "live.h"
#include "pages_common.h"
#include "write.h"

#include <stdio.h>
#include <string.h>

#define TITLE_MAX 200
#define LINE_MAX_ 300

static void role_buttons(cc_html *h, adm *a)
{
    cc_html_lit(h, "<p><button type=\"submit\" name=\"action\" value=\"grant\">");
    cc_html_textz(h, cc_tr(a->r->lang, CC_MSG_ADM_GRANT));
    cc_html_lit(h, "</button> <button type=\"submit\" name=\"action\" value=\"revoke\">");
    cc_html_textz(h, cc_tr(a->r->lang, CC_MSG_ADM_REVOKE));
    cc_html_lit(h, "</button></p>\n</form>\n");
}

static void render_admin(adm *a, int status)
{
    cc_html h;
    cc_lang lang = a->r->lang;
    adm_begin(&h, a, CC_MSG_ADM_TITLE, CC_MSG_ADM_DONE);

    adm_h2(&h, lang, CC_MSG_ADM_CONSULTATION);
    adm_form_open(&h, a, "/admin/consultation", 0);
    adm_input(&h, a, "titre", CC_MSG_ADM_F_TITLE, "text", NULL, ADM_NO_MSG);
    adm_textarea(&h, a, "texte", CC_MSG_ADM_F_TEXT, ADM_NO_MSG);
    adm_submit(&h, a, CC_MSG_ADM_SUBMIT);

    adm_h2(&h, lang, CC_MSG_ADM_THEME);
    adm_form_open(&h, a, "/admin/theme", 0);
    adm_input(&h, a, "theme", CC_MSG_ADM_THEME_ID, "text", NULL, ADM_NO_MSG);
    adm_input(&h, a, "titre", CC_MSG_ADM_F_TITLE, "text", NULL, ADM_NO_MSG);
    adm_textarea(&h, a, "texte", CC_MSG_ADM_F_TEXT, ADM_NO_MSG);
    adm_input(&h, a, "ordre", CC_MSG_ADM_F_ORDER, "text", "1", ADM_NO_MSG);
    adm_input(&h, a, "ouverture", CC_MSG_ADM_F_OPENS, "date", NULL, ADM_NO_MSG);
    adm_input(&h, a, "cloture", CC_MSG_ADM_F_CLOSES, "date", NULL, ADM_NO_MSG);
    adm_submit(&h, a, CC_MSG_ADM_SUBMIT);

    adm_h2(&h, lang, CC_MSG_ADM_THEME_STATE);
    adm_form_open(&h, a, "/admin/theme/etat", 0);
    adm_input(&h, a, "theme", CC_MSG_ADM_F_THEME, "text", NULL, ADM_NO_MSG);
    cc_html_lit(&h, "<p><button type=\"submit\" name=\"etat\" value=\"open\">");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_ADM_OPEN));
    cc_html_lit(&h, "</button> <button type=\"submit\" name=\"etat\" value=\"close\">");
    cc_html_textz(&h, cc_tr(lang, CC_MSG_ADM_CLOSE));
    cc_html_lit(&h, "</button></p>\n</form>\n");

    adm_h2(&h, lang, CC_MSG_ADM_SECTION);
    adm_form_open(&h, a, "/admin/section", 0);
    adm_input(&h, a, "rubrique", CC_MSG_ADM_SECTION_ID, "text", NULL, ADM_NO_MSG);
    adm_input(&h, a, "theme", CC_MSG_ADM_F_THEME, "text", NULL, ADM_NO_MSG);
    adm_input(&h, a, "titre", CC_MSG_ADM_F_TITLE, "text", NULL, ADM_NO_MSG);
    adm_textarea(&h, a, "texte", CC_MSG_ADM_F_TEXT, ADM_NO_MSG);
    adm_select(&h, a, "type", CC_MSG_ADM_F_KIND, CC_MSG_MOD_CHOOSE, CC_MSG_ADM_KIND_1, 4);
    adm_checkbox(&h, a, "publication", CC_MSG_ADM_F_POSTING);
    adm_input(&h, a, "ordre", CC_MSG_ADM_F_ORDER, "text", "1", ADM_NO_MSG);
    adm_submit(&h, a, CC_MSG_ADM_SUBMIT);

    adm_h2(&h, lang, CC_MSG_ADM_DOCUMENT);
    adm_form_open(&h, a, "/admin/document", 1);
    adm_input(&h, a, "titre", CC_MSG_ADM_F_TITLE, "text", NULL, ADM_NO_MSG);
    adm_textarea(&h, a, "texte", CC_MSG_ADM_F_TEXT, ADM_NO_MSG);
    adm_input(&h, a, "provenance", CC_MSG_ADM_F_FROM, "text", NULL, ADM_NO_MSG);
    adm_input(&h, a, "theme", CC_MSG_ADM_F_THEME_OPT, "text", NULL, ADM_NO_MSG);
    adm_input(&h, a, "fichier", CC_MSG_ADM_F_FILE, "file", NULL, ADM_NO_MSG);
    adm_submit(&h, a, CC_MSG_ADM_PUBLISH);

    adm_h2(&h, lang, CC_MSG_ADM_MEETING);
    adm_form_open(&h, a, "/admin/rencontre", 0);
    adm_input(&h, a, "titre", CC_MSG_ADM_F_TITLE, "text", NULL, ADM_NO_MSG);
    adm_input(&h, a, "lieu", CC_MSG_ADM_F_PLACE, "text", NULL, ADM_NO_MSG);
    adm_input(&h, a, "date", CC_MSG_ADM_F_AT, "datetime-local", NULL, ADM_NO_MSG);
    adm_input(&h, a, "theme", CC_MSG_ADM_F_THEME_OPT, "text", NULL, ADM_NO_MSG);
    adm_textarea(&h, a, "texte", CC_MSG_ADM_F_TEXT, ADM_NO_MSG);
    adm_submit(&h, a, CC_MSG_ADM_SUBMIT);

    adm_h2(&h, lang, CC_MSG_ADM_MEETING_REPORT);
    adm_form_open(&h, a, "/admin/rencontre/compte-rendu", 0);
    adm_input(&h, a, "rencontre", CC_MSG_ADM_F_MEETING, "text", NULL, ADM_NO_MSG);
    adm_textarea(&h, a, "texte", CC_MSG_ADM_F_TEXT, ADM_NO_MSG);
    adm_submit(&h, a, CC_MSG_ADM_PUBLISH);

    adm_h2(&h, lang, CC_MSG_ADM_PUBLICATION);
    adm_form_open(&h, a, "/admin/publication", 0);
    adm_select(&h, a, "publication", CC_MSG_ADM_F_PUB_KIND, CC_MSG_MOD_CHOOSE,
               CC_MSG_ADM_PUB_SYNTHESIS, 3);
    adm_input(&h, a, "theme", CC_MSG_ADM_F_THEME_OPT, "text", NULL, ADM_NO_MSG);
    adm_input(&h, a, "titre", CC_MSG_ADM_F_TITLE, "text", NULL, ADM_NO_MSG);
    adm_textarea(&h, a, "texte", CC_MSG_ADM_F_TEXT, ADM_NO_MSG);
    adm_submit(&h, a, CC_MSG_ADM_PUBLISH);

    adm_h2(&h, lang, CC_MSG_ADM_ROLE);
    adm_form_open(&h, a, "/admin/role", 0);
    adm_input(&h, a, "qui", CC_MSG_ADM_F_WHO, "text", NULL, ADM_NO_MSG);
    adm_select(&h, a, "role", CC_MSG_ADM_F_ROLE, CC_MSG_MOD_CHOOSE, CC_MSG_ADM_ROLE_MODERATOR, 2);
    role_buttons(&h, a);
    adm_end(&h, a, status);
}

void cc_adm_home(cc_request *r)
{
    adm *a = adm_new(r, render_admin);
    if (adm_gate(a, CC_ROLE_ADMIN)) return;
    render_admin(a, 200);
}

/* ---- POST steps ------------------------------------------------------------ */

static int refusal(adm *a, int rc)
{
    switch (rc) {
    case CC_EFORBIDDEN:
        adm_set_err(a, "", CC_MSG_MOD_FORBIDDEN_TEXT);
        return 403;
    case CC_ENOITEM:
    case CC_EKIND:
    case CC_ENOTFOUND:
        adm_set_err(a, "", CC_MSG_ADM_ERR_TARGET);
        return 400;
    case CC_EALREADY:
    case CC_ECLOSED:
        adm_set_err(a, "", CC_MSG_ADM_ERR_STATE);
        return 409;
    case CC_EINVAL:
        adm_set_err(a, "", CC_MSG_ADM_ERR_DATES);
        return 400;
    default:
        adm_set_err(a, "", adm_field_msg(rc));
        return 400;
    }
}

static int role_refusal(adm *a, int rc)
{
    if (rc == CC_EALREADY || rc == CC_EFORBIDDEN) {
        adm_set_err(a, "qui", CC_MSG_ADM_ERR_LAST_ADMIN);
        return 409;
    }
    if (rc == CC_ENOTREGISTERED || rc == CC_EERASED || rc == CC_ENOTFOUND) {
        adm_set_err(a, "qui", CC_MSG_ADM_ERR_WHO);
        return 400;
    }
    return refusal(a, rc);
}

/* Gate, parse, CSRF. Returns NULL when it answered. */
static adm *post_start(cc_request *r, int multipart)
{
    adm *a = adm_new(r, render_admin);
    if (adm_gate(a, CC_ROLE_ADMIN)) return NULL;
    int status = adm_post_begin(a, multipart);
    if (status) {
        render_admin(a, status);
        return NULL;
    }
    a->refusal = refusal;
    a->done_location = "/admin?ok=1";
    return a;
}

static cc_command *event_cmd(adm *a, cc_event_type t)
{
    cc_command *cmd = cc_write_command(a->r, CC_CMD_EVENT);
    cc_command_event(cmd, t, &a->viewer.pseudonym);
    return cmd;
}

static void body_opt(cc_command *cmd, cc_body_field f, h2o_iovec_t v)
{
    if (v.len) cc_command_body(cmd, f, v.base);
}

void cc_adm_consultation(cc_request *r)
{
    adm *a = post_start(r, 0);
    if (!a) return;
    h2o_iovec_t title, text;
    if (adm_line(a, "titre", 1, TITLE_MAX, &title) || adm_text(a, "texte", 1, 100000, &text)) {
        render_admin(a, 400);
        return;
    }
    cc_command *cmd = event_cmd(a, CC_EV_CONSULTATION_CONFIGURED);
    cc_command_body(cmd, CC_B_TITLE, title.base);
    cc_command_body(cmd, CC_B_TEXT, text.base);
    adm_write(a, cmd);
}

void cc_adm_theme(cc_request *r)
{
    adm *a = post_start(r, 0);
    if (!a) return;
    uint64_t id, order, opens, closes;
    h2o_iovec_t title, text;
    if (adm_u64(a, "theme", 0, &id) || adm_line(a, "titre", 1, TITLE_MAX, &title) ||
        adm_text(a, "texte", 0, 50000, &text) || adm_u64(a, "ordre", 1, &order) ||
        adm_date(a, "ouverture", 0, &opens) || adm_date(a, "cloture", 0, &closes)) {
        render_admin(a, 400);
        return;
    }
    if (closes < opens) {
        adm_set_err(a, "cloture", CC_MSG_ADM_ERR_DATES);
        render_admin(a, 400);
        return;
    }
    cc_command *cmd = event_cmd(a, id ? CC_EV_THEME_UPDATED : CC_EV_THEME_CREATED);
    if (id) {
        cmd->event.theme = id;
        cc_event_set(&cmd->event, CC_F_THEME);
    }
    cmd->event.order = order;
    cmd->event.opens = opens;
    cmd->event.closes = closes;
    cc_event_set(&cmd->event, CC_F_ORDER);
    cc_event_set(&cmd->event, CC_F_OPENS);
    cc_event_set(&cmd->event, CC_F_CLOSES);
    cc_command_body(cmd, CC_B_TITLE, title.base);
    body_opt(cmd, CC_B_TEXT, text);
    adm_write(a, cmd);
}

void cc_adm_theme_state(cc_request *r)
{
    adm *a = post_start(r, 0);
    if (!a) return;
    uint64_t id;
    h2o_iovec_t st;
    if (adm_u64(a, "theme", 1, &id) || adm_line(a, "etat", 1, 8, &st)) {
        render_admin(a, 400);
        return;
    }
    cc_event_type t = h2o_memis(st.base, st.len, H2O_STRLIT("open"))    ? CC_EV_THEME_OPENED
                      : h2o_memis(st.base, st.len, H2O_STRLIT("close")) ? CC_EV_THEME_CLOSED
                                                                        : CC_EV_NONE;
    if (t == CC_EV_NONE) {
        adm_set_err(a, "etat", CC_MSG_ADM_ERR_CHOICE);
        render_admin(a, 400);
        return;
    }
    cc_command *cmd = event_cmd(a, t);
    cmd->event.theme = id;
    cc_event_set(&cmd->event, CC_F_THEME);
    adm_write(a, cmd);
}

void cc_adm_section(cc_request *r)
{
    adm *a = post_start(r, 0);
    if (!a) return;
    uint64_t id, theme, order;
    unsigned kind;
    h2o_iovec_t title, text, posting;
    if (adm_u64(a, "rubrique", 0, &id) || adm_u64(a, "theme", 0, &theme) ||
        adm_line(a, "titre", 1, TITLE_MAX, &title) || adm_text(a, "texte", 0, 50000, &text) ||
        adm_choice(a, "type", 4, CC_MSG_ADM_ERR_CHOICE, &kind) || adm_u64(a, "ordre", 1, &order) ||
        adm_line(a, "publication", 0, 1, &posting)) {
        render_admin(a, 400);
        return;
    }
    if (!id && !theme) {
        adm_set_err(a, "theme", CC_MSG_ACC_ERR_REQUIRED);
        render_admin(a, 400);
        return;
    }
    cc_command *cmd = event_cmd(a, id ? CC_EV_SECTION_UPDATED : CC_EV_SECTION_CREATED);
    if (id) {
        cmd->event.section = id;
        cc_event_set(&cmd->event, CC_F_SECTION);
    } else {
        cmd->event.theme = theme;
        cc_event_set(&cmd->event, CC_F_THEME);
    }
    cmd->event.kind = (uint8_t)kind;
    cmd->event.posting = posting.len == 1 && posting.base[0] == '1';
    cmd->event.order = order;
    cc_event_set(&cmd->event, CC_F_KIND);
    cc_event_set(&cmd->event, CC_F_POSTING);
    cc_event_set(&cmd->event, CC_F_ORDER);
    cc_command_body(cmd, CC_B_TITLE, title.base);
    body_opt(cmd, CC_B_TEXT, text);
    adm_write(a, cmd);
}

void cc_adm_document(cc_request *r)
{
    adm *a = post_start(r, 1);
    if (!a) return;
    uint64_t theme;
    h2o_iovec_t title, text, from;
    if (adm_line(a, "titre", 1, TITLE_MAX, &title) || adm_text(a, "texte", 0, 5000, &text) ||
        adm_line(a, "provenance", 0, LINE_MAX_, &from) || adm_u64(a, "theme", 0, &theme)) {
        render_admin(a, 400);
        return;
    }
    if (!a->has_file || a->file.len == 0 || a->file_name.len == 0) {
        adm_set_err(a, "fichier", CC_MSG_ADM_ERR_FILE);
        render_admin(a, 400);
        return;
    }
    if (a->file_name.len > 255) {
        adm_set_err(a, "fichier", CC_MSG_ACC_ERR_TOO_LONG);
        render_admin(a, 400);
        return;
    }
    unsigned mime =
        adm_sniff_mime(a->file_type, a->file_name, (const uint8_t *)a->file.base, a->file.len);
    if (!mime) {
        adm_set_err(a, "fichier", CC_MSG_ADM_ERR_MIME);
        render_admin(a, 415);
        return;
    }
    cc_command *cmd = event_cmd(a, CC_EV_DOCUMENT_PUBLISHED);
    if (theme) {
        cmd->event.theme = theme;
        cc_event_set(&cmd->event, CC_F_THEME);
    }
    cmd->event.mime = (uint8_t)mime;
    cc_event_set(&cmd->event, CC_F_MIME);
    cmd->file = (cc_slice){(const uint8_t *)a->file.base, a->file.len};
    cc_command_body(cmd, CC_B_TITLE, title.base);
    cc_command_body(cmd, CC_B_NAME, a->file_name.base);
    body_opt(cmd, CC_B_TEXT, text);
    body_opt(cmd, CC_B_FROM, from);
    adm_write(a, cmd);
}

void cc_adm_meeting(cc_request *r)
{
    adm *a = post_start(r, 0);
    if (!a) return;
    uint64_t theme, at;
    h2o_iovec_t title, place, text;
    if (adm_line(a, "titre", 1, TITLE_MAX, &title) || adm_line(a, "lieu", 1, LINE_MAX_, &place) ||
        adm_date(a, "date", 1, &at) || adm_u64(a, "theme", 0, &theme) ||
        adm_text(a, "texte", 0, 20000, &text)) {
        render_admin(a, 400);
        return;
    }
    cc_command *cmd = event_cmd(a, CC_EV_MEETING_SCHEDULED);
    if (theme) {
        cmd->event.theme = theme;
        cc_event_set(&cmd->event, CC_F_THEME);
    }
    cmd->event.at = at;
    cc_event_set(&cmd->event, CC_F_AT);
    cc_command_body(cmd, CC_B_TITLE, title.base);
    cc_command_body(cmd, CC_B_PLACE, place.base);
    body_opt(cmd, CC_B_TEXT, text);
    adm_write(a, cmd);
}

void cc_adm_meeting_report(cc_request *r)
{
    adm *a = post_start(r, 0);
    if (!a) return;
    uint64_t meeting;
    h2o_iovec_t text;
    if (adm_u64(a, "rencontre", 1, &meeting) || adm_text(a, "texte", 1, 100000, &text)) {
        render_admin(a, 400);
        return;
    }
    cc_command *cmd = event_cmd(a, CC_EV_MEETING_REPORTED);
    cmd->event.item = meeting;
    cc_event_set(&cmd->event, CC_F_ITEM);
    cc_command_body(cmd, CC_B_TEXT, text.base);
    adm_write(a, cmd);
}

void cc_adm_publication(cc_request *r)
{
    adm *a = post_start(r, 0);
    if (!a) return;
    unsigned kind;
    uint64_t theme;
    h2o_iovec_t title, text;
    if (adm_choice(a, "publication", 3, CC_MSG_ADM_ERR_CHOICE, &kind) ||
        adm_u64(a, "theme", kind != 3, &theme) || adm_line(a, "titre", 0, TITLE_MAX, &title) ||
        adm_text(a, "texte", 1, 200000, &text)) {
        render_admin(a, 400);
        return;
    }
    static const cc_event_type types[] = {CC_EV_NONE, CC_EV_SYNTHESIS_PUBLISHED,
                                          CC_EV_RECOMMENDATIONS_PUBLISHED, CC_EV_REPORT_PUBLISHED};
    cc_command *cmd = event_cmd(a, types[kind]);
    if (kind != 3) {
        cmd->event.theme = theme;
        cc_event_set(&cmd->event, CC_F_THEME);
    }
    /* The numbers published are those of the log prefix the views show. */
    cmd->event.log_size = r->site->views ? cc_views_position(r->site->views) : 0;
    cc_event_set(&cmd->event, CC_F_LOG_SIZE);
    body_opt(cmd, CC_B_TITLE, title);
    cc_command_body(cmd, CC_B_TEXT, text.base);
    adm_write(a, cmd);
}

void cc_adm_role(cc_request *r)
{
    adm *a = post_start(r, 0);
    if (!a) return;
    h2o_iovec_t who, action;
    unsigned role;
    if (adm_line(a, "qui", 1, CC_EMAIL_MAX, &who) ||
        adm_choice(a, "role", 2, CC_MSG_ADM_ERR_CHOICE, &role) ||
        adm_line(a, "action", 1, 8, &action)) {
        render_admin(a, 400);
        return;
    }
    cc_event_type t = h2o_memis(action.base, action.len, H2O_STRLIT("grant")) ? CC_EV_ROLE_GRANTED
                      : h2o_memis(action.base, action.len, H2O_STRLIT("revoke"))
                          ? CC_EV_ROLE_REVOKED
                          : CC_EV_NONE;
    if (t == CC_EV_NONE) {
        adm_set_err(a, "action", CC_MSG_ADM_ERR_CHOICE);
        render_admin(a, 400);
        return;
    }
    /* A username or e-mail (the vault), else a pseudonym as published. */
    cc_pseudonym p;
    int found = 0;
    MDB_txn *txn;
    if (cc_ledger_read_begin(r->site->ledger, &txn) == 0) {
        found = cc_vault_account_find(txn, &r->site->ledger->vault, who.base, who.len, &p) == 0;
        cc_ledger_read_end(r->site->ledger, txn);
    }
    if (!found && cc_pseudonym_valid(who.base, who.len)) {
        memcpy(p.s, who.base, CC_PSEUDONYM_LEN);
        p.s[CC_PSEUDONYM_LEN] = '\0';
        found = 1;
    }
    if (!found) {
        adm_set_err(a, "qui", CC_MSG_ADM_ERR_WHO);
        render_admin(a, 400);
        return;
    }
    cc_command *cmd = event_cmd(a, t);
    cmd->event.p = p;
    cmd->event.role = role == 2 ? CC_ROLE_ADMIN : CC_ROLE_MODERATOR;
    cc_event_set(&cmd->event, CC_F_P);
    cc_event_set(&cmd->event, CC_F_ROLE);
    a->refusal = role_refusal;
    adm_write(a, cmd);
}
