/* moderation.c - the moderators' pages: the queue of flagged items and the
 * four decisions (dismiss the flags, trash for a charter reason, remove as
 * illegal under LCEN art. 6, restore from the bin).
 *
 * GET /moderation lists the items with open flags, oldest flag first
 * (cc_live_flag_queue), each with its text, its author's pseudonym and
 * every flag raised on it (reason, time, the flagger's details), and the
 * forms of the decisions; a form to restore a trashed item by its number
 * closes the page. POST /moderation/decision takes one decision: it is
 * one event (flag.dismissed, item.trashed, item.removed, item.restored)
 * with the public note as its body, so every decision is public by
 * construction: the bin shows trashed and removed items (removed ones as
 * tombstones: the writer deletes the body in the same transaction), the
 * item's history (cc_live_decisions) shows dismissals and restorations.
 *
 * The author is told by e-mail: once the decision is durable and visible,
 * their address is read from the vault (never from the log, which holds
 * none) and a message with the decision, the reason and the note goes to
 * the site's mail queue. An author who erased their account gets nothing.
 *
 * Only moderators and administrators get past the gate (admin_ui.c). */
#include "admin_ui.h"
#include "error.h"
#include "layout.h"
#include "live.h"
#include "mail.h"
#include "pages_common.h"
#include "write.h"

#include <stdio.h>
#include <string.h>

#define QUEUE_PAGE 50
#define FLAGS_SHOWN 50
#define NOTE_MAX 2000

typedef struct queued {
    cc_live_item it;
    cc_live_flag flags[FLAGS_SHOWN];
    uint32_t nflags;
    pg_text text;
    h2o_iovec_t details[FLAGS_SHOWN];
} queued;

/* Where the public sees an item (its contribution's page). */
static void item_url(const cc_live_item *it, char *out, size_t cap)
{
    if (it->kind == CC_ITEM_CONTRIBUTION)
        snprintf(out, cap, "/contributions/%llu", (unsigned long long)it->id);
    else if (it->kind == CC_ITEM_ARGUMENT || it->kind == CC_ITEM_SOURCE ||
             it->kind == CC_ITEM_COMMENT)
        snprintf(out, cap, "/contributions/%llu", (unsigned long long)it->parent);
    else
        snprintf(out, cap, "/corbeille");
}

static void decision_form(cc_html *h, adm *a, uint64_t item, const char *action, cc_msg title)
{
    char id[24];
    snprintf(id, sizeof id, "%llu", (unsigned long long)item);
    cc_html_lit(h, "<details class=\"decision\"><summary>");
    cc_html_textz(h, cc_tr(a->r->lang, title));
    cc_html_lit(h, "</summary>\n");
    adm_form_open(h, a, "/moderation/decision", 0);
    adm_hidden(h, "element", id);
    adm_hidden(h, "decision", action);
    if (!strcmp(action, "trash"))
        adm_select(h, a, "motif", CC_MSG_MOD_REASON, CC_MSG_MOD_CHOOSE, CC_MSG_MOD_REASON_1, 5);
    if (!strcmp(action, "remove"))
        adm_select(h, a, "fondement", CC_MSG_MOD_GROUND, CC_MSG_MOD_CHOOSE, CC_MSG_MOD_GROUND_1, 8);
    adm_textarea(h, a, "note", CC_MSG_MOD_NOTE, CC_MSG_MOD_NOTE_HINT);
    adm_submit(h, a, title);
    cc_html_lit(h, "</details>\n");
}

static void render_queue(adm *a, int status)
{
    cc_request *r = a->r;
    cc_lang lang = r->lang;
    queued *q = NULL;
    uint32_t n = 0;
    MDB_txn *txn;
    if (pg_views_begin(r, &txn)) return;
    const cc_live *lv = pg_live(r);
    uint64_t ids[QUEUE_PAGE], total = 0;
    if (cc_live_flag_queue(txn, lv, (cc_page){0, QUEUE_PAGE}, ids, &n, &total)) n = 0;
    q = h2o_mem_alloc_pool(&r->req->pool, sizeof *q * (n ? n : 1));
    uint32_t kept = 0;
    for (uint32_t i = 0; i < n; i++) {
        queued *e = &q[kept];
        memset(e, 0, sizeof *e);
        if (cc_live_item_get(txn, lv, ids[i], &e->it)) continue;
        uint64_t ft;
        if (cc_live_flags(txn, lv, ids[i], (cc_page){0, FLAGS_SHOWN}, e->flags, &e->nflags, &ft))
            e->nflags = 0;
        kept++;
    }
    cc_views_read_end(r->site->views, txn);
    /* texts from the ledger, in a transaction of its own */
    if (kept && cc_ledger_read_begin(r->site->ledger, &txn) == 0) {
        for (uint32_t i = 0; i < kept; i++) {
            pg_read_body(txn, r->site, &r->req->pool, q[i].it.commitment,
                         cc_item_body_type(q[i].it.kind), &q[i].text);
            for (uint32_t k = 0; k < q[i].nflags; k++) {
                q[i].details[k] = h2o_iovec_init(NULL, 0);
                if (!q[i].flags[k].has_details) continue;
                pg_text t;
                pg_read_body(txn, r->site, &r->req->pool, q[i].flags[k].commitment,
                             CC_EV_FLAG_RAISED, &t);
                q[i].details[k] = t.f[CC_B_TEXT];
            }
        }
        cc_ledger_read_end(r->site->ledger, txn);
    }

    cc_html h;
    adm_begin(&h, a, CC_MSG_MOD_TITLE, CC_MSG_MOD_DONE);
    adm_para(&h, lang, CC_MSG_MOD_INTRO);
    if (!kept) adm_para(&h, lang, CC_MSG_MOD_EMPTY);
    for (uint32_t i = 0; i < kept; i++) {
        queued *e = &q[i];
        char url[64];
        item_url(&e->it, url, sizeof url);
        cc_html_lit(&h, "<section class=\"mod-item\">\n<h2><a");
        cc_html_href(&h, url, strlen(url));
        cc_html_lit(&h, ">");
        cc_html_textf(&h, cc_tr(lang, CC_MSG_MOD_ITEM), (unsigned long long)e->it.id);
        cc_html_lit(&h, "</a> <span class=\"kind\">(");
        pg_kind_text(&h, lang, e->it.kind);
        cc_html_lit(&h, ")</span></h2>\n<p class=\"meta\">");
        cc_html_textz(&h, cc_tr(lang, CC_MSG_PG_BY));
        cc_html_textz(&h, e->it.author.s);
        cc_html_lit(&h, "</p>\n<blockquote class=\"flagged\">");
        if (e->text.f[CC_B_TITLE].base) {
            cc_html_lit(&h, "<p><strong>");
            cc_html_text(&h, e->text.f[CC_B_TITLE].base, e->text.f[CC_B_TITLE].len);
            cc_html_lit(&h, "</strong></p>\n");
        }
        if (e->text.f[CC_B_URL].base) {
            cc_html_lit(&h, "<p>");
            cc_html_text(&h, e->text.f[CC_B_URL].base, e->text.f[CC_B_URL].len);
            cc_html_lit(&h, "</p>\n");
        }
        if (e->text.missing)
            cc_html_textz(&h, cc_tr(lang, CC_MSG_CONTENT_REMOVED));
        else if (e->text.f[CC_B_TEXT].base)
            cc_html_paragraphs(&h, e->text.f[CC_B_TEXT].base, e->text.f[CC_B_TEXT].len);
        cc_html_lit(&h, "</blockquote>\n<h3>");
        cc_html_textz(&h, cc_tr(lang, CC_MSG_MOD_FLAGS));
        cc_html_textf(&h, " (%u)", (unsigned)e->nflags);
        cc_html_lit(&h, "</h3>\n<ul class=\"flags\">\n");
        for (uint32_t k = 0; k < e->nflags; k++) {
            const cc_live_flag *f = &e->flags[k];
            cc_html_lit(&h, "<li>");
            pg_time(&h, lang, f->ts);
            cc_html_lit(&h, " — <strong>");
            if (f->reason >= 1 && f->reason <= 6)
                cc_html_textz(&h, cc_tr(lang, (cc_msg)(CC_MSG_MOD_FLAG_REASON_1 + f->reason - 1)));
            cc_html_lit(&h, "</strong> (");
            cc_html_textz(&h, cc_tr(lang, f->open ? CC_MSG_MOD_FLAG_OPEN : CC_MSG_MOD_FLAG_CLOSED));
            cc_html_lit(&h, ")");
            if (e->details[k].base) {
                cc_html_lit(&h, " : <q>");
                cc_html_text(&h, e->details[k].base, e->details[k].len);
                cc_html_lit(&h, "</q>");
            }
            cc_html_lit(&h, "</li>\n");
        }
        cc_html_lit(&h, "</ul>\n");
        decision_form(&h, a, e->it.id, "dismiss", CC_MSG_MOD_DISMISS);
        decision_form(&h, a, e->it.id, "trash", CC_MSG_MOD_TRASH);
        decision_form(&h, a, e->it.id, "remove", CC_MSG_MOD_REMOVE);
        cc_html_lit(&h, "</section>\n");
    }
    adm_h2(&h, lang, CC_MSG_MOD_RESTORE);
    adm_form_open(&h, a, "/moderation/decision", 0);
    adm_hidden(&h, "decision", "restore");
    adm_input(&h, a, "element", CC_MSG_MOD_ITEM_ID, "text", NULL, ADM_NO_MSG);
    adm_textarea(&h, a, "note", CC_MSG_MOD_NOTE, CC_MSG_MOD_NOTE_HINT);
    adm_submit(&h, a, CC_MSG_MOD_RESTORE_SUBMIT);
    adm_end(&h, a, status);
}

void cc_mod_queue(cc_request *r)
{
    adm *a = adm_new(r, render_queue);
    if (adm_gate(a, CC_ROLE_MODERATOR | CC_ROLE_ADMIN)) return;
    render_queue(a, 200);
}

/* ---- decisions ------------------------------------------------------------ */

typedef struct decision {
    cc_event_type type;
    uint8_t reason; /* trash reason or ground */
    cc_live_item item;
    h2o_iovec_t note;
} decision;

static int refusal(adm *a, int rc)
{
    switch (rc) {
    case CC_EFORBIDDEN:
        adm_set_err(a, "", CC_MSG_MOD_FORBIDDEN_TEXT);
        return 403;
    case CC_ENOITEM:
    case CC_EKIND:
    case CC_ENOTFOUND:
        adm_set_err(a, "element", CC_MSG_MOD_ERR_ITEM);
        return 400;
    case CC_EALREADY:
    case CC_EREMOVED:
    case CC_ENOTMODERATED:
    case CC_ENOFLAG:
    case CC_EMODERATED:
        adm_set_err(a, "element", CC_MSG_MOD_ERR_STATE);
        return 409;
    default:
        adm_set_err(a, "note", adm_field_msg(rc));
        return 400;
    }
}

static void mail_author(adm *a, cc_command *cmd)
{
    (void)cmd;
    decision *d = a->ctx;
    cc_site *s = a->r->site;
    if (!s->mail) return;
    cc_account acc;
    MDB_txn *txn;
    int found = 0;
    if (cc_ledger_read_begin(s->ledger, &txn) == 0) {
        found = cc_vault_account_get(txn, &s->ledger->vault, &d->item.author, &acc) == 0;
        cc_ledger_read_end(s->ledger, txn);
    }
    if (!found || !acc.email[0]) return;
    cc_lang lang = a->r->lang;
    cc_msg what = d->type == CC_EV_FLAG_DISMISSED ? CC_MSG_MOD_MAIL_DISMISSED
                  : d->type == CC_EV_ITEM_TRASHED ? CC_MSG_MOD_MAIL_TRASHED
                  : d->type == CC_EV_ITEM_REMOVED ? CC_MSG_MOD_MAIL_REMOVED
                                                  : CC_MSG_MOD_MAIL_RESTORED;
    const char *reason = cc_tr(lang, CC_MSG_MOD_NONE);
    if (d->type == CC_EV_ITEM_TRASHED)
        reason = cc_tr(lang, (cc_msg)(CC_MSG_MOD_REASON_1 + d->reason - 1));
    else if (d->type == CC_EV_ITEM_REMOVED)
        reason = cc_tr(lang, (cc_msg)(CC_MSG_MOD_GROUND_1 + d->reason - 1));
    char path[64], link[512];
    if (d->type == CC_EV_ITEM_TRASHED || d->type == CC_EV_ITEM_REMOVED)
        snprintf(path, sizeof path, "/corbeille");
    else
        item_url(&d->item, path, sizeof path);
    snprintf(link, sizeof link, "%s%s", s->public_url ? s->public_url : "", path);
    size_t cap = d->note.len + 4096;
    char *body = h2o_mem_alloc_pool(&a->r->req->pool, cap);
    snprintf(body, cap, cc_tr(lang, CC_MSG_MOD_MAIL_BODY), (unsigned long long)d->item.id,
             cc_tr(lang, what), reason, d->note.len ? d->note.base : cc_tr(lang, CC_MSG_MOD_NONE),
             link);
    cc_mail_queue_push(s->mail, acc.email, cc_tr(lang, CC_MSG_MOD_MAIL_SUBJECT), body);
}

void cc_mod_decide(cc_request *r)
{
    adm *a = adm_new(r, render_queue);
    if (adm_gate(a, CC_ROLE_MODERATOR | CC_ROLE_ADMIN)) return;
    int status = adm_post_begin(a, 0);
    if (status) {
        render_queue(a, status);
        return;
    }
    decision *d = h2o_mem_alloc_pool(&r->req->pool, sizeof *d);
    memset(d, 0, sizeof *d);
    a->ctx = d;
    uint64_t item;
    h2o_iovec_t action;
    if (adm_u64(a, "element", 1, &item) || adm_line(a, "decision", 1, 16, &action)) {
        render_queue(a, 400);
        return;
    }
    unsigned choice = 0;
    if (h2o_memis(action.base, action.len, H2O_STRLIT("dismiss"))) {
        d->type = CC_EV_FLAG_DISMISSED;
    } else if (h2o_memis(action.base, action.len, H2O_STRLIT("trash"))) {
        d->type = CC_EV_ITEM_TRASHED;
        if (adm_choice(a, "motif", 5, CC_MSG_MOD_ERR_REASON, &choice)) {
            render_queue(a, 400);
            return;
        }
    } else if (h2o_memis(action.base, action.len, H2O_STRLIT("remove"))) {
        d->type = CC_EV_ITEM_REMOVED;
        if (adm_choice(a, "fondement", 8, CC_MSG_MOD_ERR_GROUND, &choice)) {
            render_queue(a, 400);
            return;
        }
    } else if (h2o_memis(action.base, action.len, H2O_STRLIT("restore"))) {
        d->type = CC_EV_ITEM_RESTORED;
    } else {
        adm_set_err(a, "decision", CC_MSG_MOD_ERR_ACTION);
        render_queue(a, 400);
        return;
    }
    d->reason = (uint8_t)choice;
    if (adm_text(a, "note", 0, NOTE_MAX, &d->note)) {
        render_queue(a, 400);
        return;
    }
    /* The item as the views know it: its author (for the mail) and kind. */
    MDB_txn *txn;
    if (pg_views_begin(r, &txn)) return;
    int rc = cc_live_item_get(txn, pg_live(r), item, &d->item);
    cc_views_read_end(r->site->views, txn);
    if (rc) {
        adm_set_err(a, "element", CC_MSG_MOD_ERR_ITEM);
        render_queue(a, 400);
        return;
    }
    cc_command *cmd = cc_write_command(a->r, CC_CMD_EVENT);
    cc_command_event(cmd, d->type, &a->viewer.pseudonym);
    cmd->event.item = item;
    cc_event_set(&cmd->event, CC_F_ITEM);
    if (d->type == CC_EV_ITEM_TRASHED) {
        cmd->event.reason = d->reason;
        cc_event_set(&cmd->event, CC_F_TRASH_REASON);
    } else if (d->type == CC_EV_ITEM_REMOVED) {
        cmd->event.ground = d->reason;
        cc_event_set(&cmd->event, CC_F_GROUND);
    }
    if (d->note.len) {
        cc_command_body(cmd, CC_B_TEXT, d->note.base);
        cmd->has_body = 1;
    }
    a->refusal = refusal;
    a->after = mail_author;
    a->done_location = "/moderation?ok=1";
    adm_write(a, cmd);
}
