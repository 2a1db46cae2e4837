/* decide.c - the domain rules of the consultation.
 *
 * The rules, in the order they are checked:
 *   1. the actor is a registered participant whose account was not erased;
 *   2. the actor's role allows the action (admins set up the consultation
 *      and publish; moderators and admins moderate; participants post);
 *   3. the target exists and is of the right kind;
 *   4. the target is live (not trashed or removed) for any interaction, and
 *      its theme is open for posting, arguing, commenting and voting;
 *   5. uniqueness: one vote per participant per target (a new value
 *      replaces the old one: vote.cast becomes vote.changed), one open flag
 *      per participant per target.
 * The command's shape (required fields, vocabularies) is checked before the
 * rules (execute_event); text limits are checked by the body schema after
 * them, when the body is stored. */
#include "decide.h"

#include "error.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static int require_participant(cc_ledger *l, MDB_txn *txn, const cc_pseudonym *p,
                               cc_participant *out)
{
    int rc = cc_state_participant(txn, &l->state, p, out);
    if (rc == CC_ENOTFOUND) return CC_ENOTREGISTERED;
    if (rc) return rc;
    if (out->erased) return CC_EERASED;
    return 0;
}

static int require_item(cc_ledger *l, MDB_txn *txn, uint64_t id, cc_item *out)
{
    int rc = cc_state_item(txn, &l->state, id, out);
    return rc == CC_ENOTFOUND ? CC_ENOITEM : rc;
}

static int require_kind(cc_ledger *l, MDB_txn *txn, uint64_t id, cc_item_kind kind, cc_item *out)
{
    int rc = require_item(l, txn, id, out);
    if (rc) return rc;
    return out->kind == kind ? 0 : CC_EKIND;
}

static int require_open_theme(cc_ledger *l, MDB_txn *txn, uint64_t theme)
{
    cc_item t;
    int rc = require_kind(l, txn, theme, CC_ITEM_THEME, &t);
    if (rc) return rc;
    return t.state == CC_THEME_OPEN ? 0 : CC_ECLOSED;
}

/* A target a participant may interact with: live, and so is its parent
 * contribution (no arguing under a trashed contribution), in an open theme. */
static int require_interactive(cc_ledger *l, MDB_txn *txn, const cc_item *it)
{
    if (it->state == CC_REMOVED) return CC_EMODERATED;
    if (it->state != CC_LIVE) return CC_EMODERATED;
    if (it->kind == CC_ITEM_ARGUMENT || it->kind == CC_ITEM_SOURCE || it->kind == CC_ITEM_COMMENT) {
        cc_item parent;
        int rc = require_item(l, txn, it->parent, &parent);
        if (rc) return rc;
        if (parent.kind != CC_ITEM_SECTION && parent.state != CC_LIVE) return CC_EMODERATED;
    }
    return require_open_theme(l, txn, it->theme);
}

/* The consultation must never be left without an administrator. */
static int last_admin_guard(cc_ledger *l, MDB_txn *txn)
{
    uint64_t admins;
    int rc = cc_state_counter(txn, &l->state, "admins", &admins);
    if (rc) return rc;
    return admins <= 1 ? CC_EFORBIDDEN : 0;
}

static int is_moderatable(const cc_item *it)
{
    return it->kind == CC_ITEM_CONTRIBUTION || it->kind == CC_ITEM_ARGUMENT ||
           it->kind == CC_ITEM_SOURCE || it->kind == CC_ITEM_COMMENT;
}

static int admin_only(cc_event_type t)
{
    switch (t) {
    case CC_EV_CONSULTATION_CONFIGURED:
    case CC_EV_THEME_CREATED:
    case CC_EV_THEME_UPDATED:
    case CC_EV_THEME_OPENED:
    case CC_EV_THEME_CLOSED:
    case CC_EV_SECTION_CREATED:
    case CC_EV_SECTION_UPDATED:
    case CC_EV_ROLE_GRANTED:
    case CC_EV_ROLE_REVOKED:
    case CC_EV_DOCUMENT_PUBLISHED:
    case CC_EV_MEETING_SCHEDULED:
    case CC_EV_MEETING_REPORTED:
    case CC_EV_SYNTHESIS_PUBLISHED:
    case CC_EV_RECOMMENDATIONS_PUBLISHED:
    case CC_EV_REPORT_PUBLISHED:
        return 1;
    default:
        return 0;
    }
}

static int moderator_only(cc_event_type t)
{
    return t == CC_EV_FLAG_DISMISSED || t == CC_EV_ITEM_TRASHED || t == CC_EV_ITEM_REMOVED ||
           t == CC_EV_ITEM_RESTORED;
}

static int decide_vote(cc_ledger *l, MDB_txn *txn, cc_event *e)
{
    cc_item it;
    int rc = require_item(l, txn, e->item, &it);
    if (rc) return rc;
    if (it.kind != CC_ITEM_CONTRIBUTION && it.kind != CC_ITEM_ARGUMENT) return CC_EKIND;
    if ((rc = require_interactive(l, txn, &it))) return rc;
    uint8_t current;
    if ((rc = cc_state_vote(txn, &l->state, e->item, &e->by, &current))) return rc;
    if (e->type == CC_EV_VOTE_WITHDRAWN) return current ? 0 : CC_ENOVOTE;
    /* Contributions take agree/mitigated/disagree; arguments an up-vote. */
    int up = e->value == CC_VOTE_UP;
    if (up != (it.kind == CC_ITEM_ARGUMENT)) return CC_EENUM;
    if (current == e->value) return CC_EALREADY;
    if (e->type == CC_EV_VOTE_CHANGED && !current) return CC_ENOVOTE;
    if (current) e->type = CC_EV_VOTE_CHANGED;
    return 0;
}

static int decide_moderation(cc_ledger *l, MDB_txn *txn, const cc_event *e)
{
    cc_item it;
    int rc = require_item(l, txn, e->item, &it);
    if (rc) return rc;
    if (!is_moderatable(&it)) return CC_EKIND;
    switch (e->type) {
    case CC_EV_FLAG_DISMISSED:
        rc = cc_state_open_flags(txn, &l->state, e->item);
        return rc < 0 ? rc : rc == 0 ? CC_ENOFLAG : 0;
    case CC_EV_ITEM_TRASHED:
        return it.state == CC_LIVE ? 0 : it.state == CC_REMOVED ? CC_EREMOVED : CC_EALREADY;
    case CC_EV_ITEM_REMOVED:
        return it.state == CC_REMOVED ? CC_EREMOVED : 0;
    case CC_EV_ITEM_RESTORED:
        return it.state == CC_TRASHED ? 0 : it.state == CC_REMOVED ? CC_EREMOVED : CC_ENOTMODERATED;
    default:
        return CC_EINVAL;
    }
}

int cc_decide(cc_ledger *l, MDB_txn *txn, const cc_exec_ctx *ctx, cc_event *e)
{
    cc_participant actor;
    int rc;
    if (e->type == CC_EV_PARTICIPANT_REGISTERED) return CC_EFORBIDDEN; /* only by confirmation */
    if ((rc = require_participant(l, txn, &e->by, &actor))) return rc;
    if (e->type == CC_EV_ROLE_GRANTED && e->role == CC_ROLE_ADMIN && !strcmp(e->p.s, e->by.s)) {
        /* Bootstrap: the first administrator (created by `concerto init`)
         * grants itself the role. Possible only while there is no admin,
         * which the last-admin guard keeps true only before the first. */
        uint64_t admins;
        if ((rc = cc_state_counter(txn, &l->state, "admins", &admins))) return rc;
        if (admins == 0) return 0;
    }
    if (admin_only(e->type) && !(actor.roles & CC_ROLE_ADMIN)) return CC_EFORBIDDEN;
    if (moderator_only(e->type) && !(actor.roles & (CC_ROLE_MODERATOR | CC_ROLE_ADMIN)))
        return CC_EFORBIDDEN;

    cc_item it;
    switch (e->type) {
    case CC_EV_CONSULTATION_CONFIGURED:
        return 0;
    case CC_EV_THEME_CREATED:
        return e->opens <= e->closes ? 0 : CC_EINVAL;
    case CC_EV_THEME_UPDATED:
        if ((rc = require_kind(l, txn, e->theme, CC_ITEM_THEME, &it))) return rc;
        return e->opens <= e->closes ? 0 : CC_EINVAL;
    case CC_EV_THEME_OPENED:
        if ((rc = require_kind(l, txn, e->theme, CC_ITEM_THEME, &it))) return rc;
        return it.state == CC_THEME_OPEN ? CC_EALREADY : 0;
    case CC_EV_THEME_CLOSED:
        if ((rc = require_kind(l, txn, e->theme, CC_ITEM_THEME, &it))) return rc;
        return it.state == CC_THEME_OPEN     ? 0
               : it.state == CC_THEME_CLOSED ? CC_EALREADY
                                             : CC_ECLOSED;
    case CC_EV_SECTION_CREATED:
        return require_kind(l, txn, e->theme, CC_ITEM_THEME, &it);
    case CC_EV_SECTION_UPDATED:
        return require_kind(l, txn, e->section, CC_ITEM_SECTION, &it);
    case CC_EV_PARTICIPANT_STATUS_CHANGED:
        return 0;
    case CC_EV_PARTICIPANT_ERASED: {
        cc_participant subject;
        if (strcmp(e->p.s, e->by.s) != 0 && !(actor.roles & CC_ROLE_ADMIN)) return CC_EFORBIDDEN;
        if ((rc = require_participant(l, txn, &e->p, &subject))) return rc;
        return subject.roles & CC_ROLE_ADMIN ? last_admin_guard(l, txn) : 0;
    }
    case CC_EV_ROLE_GRANTED:
    case CC_EV_ROLE_REVOKED: {
        cc_participant subject;
        if (!(actor.roles & CC_ROLE_ADMIN)) return CC_EFORBIDDEN;
        if ((rc = require_participant(l, txn, &e->p, &subject))) return rc;
        uint8_t bit = e->role == CC_ROLE_ADMIN ? CC_ROLE_ADMIN : CC_ROLE_MODERATOR;
        int held = (subject.roles & bit) != 0;
        if (e->type == CC_EV_ROLE_GRANTED) return held ? CC_EALREADY : 0;
        if (!held) return CC_EALREADY;
        return e->role == CC_ROLE_ADMIN ? last_admin_guard(l, txn) : 0;
    }
    case CC_EV_CONTRIBUTION_POSTED:
        if ((rc = require_kind(l, txn, e->section, CC_ITEM_SECTION, &it))) return rc;
        if (!it.posting) return CC_ENOPOSTING;
        return require_open_theme(l, txn, it.theme);
    case CC_EV_CONTRIBUTION_EDITED:
        if ((rc = require_kind(l, txn, e->item, CC_ITEM_CONTRIBUTION, &it))) return rc;
        if (strcmp(it.author.s, e->by.s) != 0) return CC_ENOTAUTHOR;
        return require_interactive(l, txn, &it);
    case CC_EV_ARGUMENT_POSTED:
    case CC_EV_SOURCE_POSTED:
        if ((rc = require_kind(l, txn, e->item, CC_ITEM_CONTRIBUTION, &it))) return rc;
        return require_interactive(l, txn, &it);
    case CC_EV_COMMENT_POSTED:
        if ((rc = require_item(l, txn, e->item, &it))) return rc;
        if (it.kind != CC_ITEM_CONTRIBUTION && it.kind != CC_ITEM_SOURCE) return CC_EKIND;
        return require_interactive(l, txn, &it);
    case CC_EV_VOTE_CAST:
    case CC_EV_VOTE_CHANGED:
    case CC_EV_VOTE_WITHDRAWN:
        return decide_vote(l, txn, e);
    case CC_EV_FLAG_RAISED:
        if ((rc = require_item(l, txn, e->item, &it))) return rc;
        if (!is_moderatable(&it)) return CC_EKIND;
        if (it.state != CC_LIVE) return CC_EMODERATED;
        rc = cc_state_has_flag(txn, &l->state, e->item, &e->by);
        return rc < 0 ? rc : rc ? CC_EALREADY : 0;
    case CC_EV_FLAG_DISMISSED:
    case CC_EV_ITEM_TRASHED:
    case CC_EV_ITEM_REMOVED:
    case CC_EV_ITEM_RESTORED:
        return decide_moderation(l, txn, e);
    case CC_EV_DOCUMENT_PUBLISHED:
    case CC_EV_MEETING_SCHEDULED:
        if (cc_event_is_set(e, CC_F_THEME))
            return require_kind(l, txn, e->theme, CC_ITEM_THEME, &it);
        return 0;
    case CC_EV_MEETING_REPORTED:
        return require_kind(l, txn, e->item, CC_ITEM_MEETING, &it);
    case CC_EV_SYNTHESIS_PUBLISHED:
    case CC_EV_RECOMMENDATIONS_PUBLISHED:
        if ((rc = require_kind(l, txn, e->theme, CC_ITEM_THEME, &it))) return rc;
        /* The numbers are based on a log prefix that exists. */
        return e->log_size <= ctx->log_size ? 0 : CC_EINVAL;
    case CC_EV_REPORT_PUBLISHED:
        return e->log_size <= ctx->log_size ? 0 : CC_EINVAL;
    default:
        return CC_EUNKNOWNTYPE;
    }
}

/* ---- execution ---------------------------------------------------------- */

/* Append an encoded event, hash it into the tree and fold it into the
 * state: the one place an event enters the ledger. */
static int append_entry(cc_ledger *l, MDB_txn *txn, cc_exec_ctx *ctx, cc_command *cmd,
                        const cc_event *e, const uint8_t *entry, size_t len)
{
    uint64_t seq = ctx->log_size;
    int rc;
    if ((rc = cc_log_append(txn, l->log, seq, entry, len))) return rc;
    cc_hash leaf;
    cc_merkle_leaf_hash(entry, len, &leaf);
    if ((rc = cc_merkle_append(txn, l->tree, seq, &leaf))) return rc;
    if ((rc = cc_state_apply(txn, &l->state, seq, e))) return rc;
    if (cmd->result.count == 0) cmd->result.seq = seq;
    cmd->result.count++;
    ctx->log_size = seq + 1;
    ctx->last_ts = e->ts;
    return 0;
}

/* Encode and append an event built by the writer itself (account events). */
static int append_event(cc_ledger *l, MDB_txn *txn, cc_exec_ctx *ctx, cc_command *cmd, cc_event *e)
{
    e->ts = ctx->now_ms > ctx->last_ts ? ctx->now_ms : ctx->last_ts;
    uint8_t entry[CC_EVENT_MAX];
    size_t len;
    int rc = cc_event_encode(e, entry, sizeof entry, &len);
    if (rc) {
        cmd->result.field = cc_event_decode_error_field();
        return rc;
    }
    return append_entry(l, txn, ctx, cmd, e, entry, len);
}

/* Validate and encode the body, compute its commitment into e: everything
 * that can reject the command, and no write. *body stays NULL when the event
 * carries no body. */
static int prepare_body(cc_command *cmd, cc_event *e, uint8_t **body, size_t *len,
                        uint8_t nonce[CC_NONCE_SIZE])
{
    *body = NULL;
    int expected = cc_body_expected(e->type);
    if (!expected) return 0;
    if (expected == 2 && !cmd->has_body) return 0;
    cc_body_field bf = CC_B_COUNT_;
    int rc = cc_body_validate(e->type, &cmd->body, &bf);
    if (rc) {
        cmd->result.body_field = (int)bf;
        return rc;
    }
    if ((rc = cc_body_encode(e->type, &cmd->body, body, len))) return rc;
    randombytes_buf(nonce, CC_NONCE_SIZE);
    cc_body_commit(nonce, *body, *len, e->commitment);
    cc_event_set(e, CC_F_COMMITMENT);
    return 0;
}

static int purge_one(const uint8_t c[32], void *arg)
{
    MDB_txn *txn = ((void **)arg)[0];
    cc_ledger *l = ((void **)arg)[1];
    int rc = cc_bodies_del(txn, l->bodies, c);
    return rc == CC_ENOTFOUND ? 0 : rc;
}

static int prepare_file(cc_command *cmd, cc_event *e)
{
    if (!cmd->file.ptr || cmd->file.len == 0) return CC_EEMPTY;
    crypto_hash_sha256(e->file_hash, cmd->file.ptr, cmd->file.len);
    e->file_size = cmd->file.len;
    cc_event_set(e, CC_F_FILE_HASH);
    cc_event_set(e, CC_F_FILE_SIZE);
    return 0;
}

static int store_file(cc_ledger *l, MDB_txn *txn, cc_command *cmd, const cc_event *e)
{
    MDB_val k = {32, (void *)e->file_hash}, v = {cmd->file.len, (void *)cmd->file.ptr};
    int rc = mdb_put(txn, l->files, &k, &v, MDB_NOOVERWRITE);
    return rc == MDB_KEYEXIST ? 0 : cc_from_mdb(rc); /* the same file twice is stored once */
}

/* An event command in two phases. Everything that can reject the command
 * (shape, rules, body, encoding) runs before the first write, so a rejected
 * command leaves nothing behind and needs no nested transaction; once
 * ctx->wrote is set, any error is a storage error that fails the batch. */
static int execute_event(cc_ledger *l, MDB_txn *txn, cc_exec_ctx *ctx, cc_command *cmd)
{
    /* Work on a copy: if the batch is run again (map grown), the decision
     * must start from what the producer asked, not from our rewrite. */
    cc_event copy = cmd->event, *e = &copy;
    int rc;
    /* Producers never choose these. */
    uint64_t writer_fields = (uint64_t)1 << CC_F_COMMITMENT;
    if (e->type == CC_EV_DOCUMENT_PUBLISHED)
        writer_fields |= ((uint64_t)1 << CC_F_FILE_HASH) | ((uint64_t)1 << CC_F_FILE_SIZE);
    e->present &= ~writer_fields;
    /* Participants exist, change status and leave only through the account
     * commands, which keep the vault and the log in step. */
    if (e->type == CC_EV_PARTICIPANT_REGISTERED || e->type == CC_EV_PARTICIPANT_STATUS_CHANGED ||
        e->type == CC_EV_PARTICIPANT_ERASED)
        return CC_EFORBIDDEN;
    /* The shape first (required fields, vocabularies), then the rules: a
     * command missing a field is told so, not judged on a zero id. The
     * fields the writer fills are counted as present for this check. */
    cc_event shape = *e;
    const cc_field filled[] = {CC_F_COMMITMENT, CC_F_FILE_HASH, CC_F_FILE_SIZE};
    for (size_t i = 0; i < sizeof filled / sizeof filled[0]; i++)
        if (cc_event_has_field(e->type, filled[i]) == 1) cc_event_set(&shape, filled[i]);
    if ((rc = cc_event_validate(&shape))) {
        cmd->result.field = cc_event_decode_error_field();
        return rc;
    }
    if ((rc = cc_decide(l, txn, ctx, e))) return rc;
    if (e->type == CC_EV_DOCUMENT_PUBLISHED && (rc = prepare_file(cmd, e))) return rc;
    uint8_t *body, nonce[CC_NONCE_SIZE];
    size_t body_len = 0;
    if ((rc = prepare_body(cmd, e, &body, &body_len, nonce))) return rc;
    e->ts = ctx->now_ms > ctx->last_ts ? ctx->now_ms : ctx->last_ts;
    uint8_t entry[CC_EVENT_MAX];
    size_t len;
    if ((rc = cc_event_encode(e, entry, sizeof entry, &len))) {
        cmd->result.field = cc_event_decode_error_field();
        free(body);
        return rc;
    }

    ctx->wrote = 1;
    if (e->type == CC_EV_DOCUMENT_PUBLISHED) rc = store_file(l, txn, cmd, e);
    if (!rc && body) rc = cc_bodies_put(txn, l->bodies, e->commitment, nonce, body, body_len);
    free(body);
    if (!rc) rc = append_entry(l, txn, ctx, cmd, e, entry, len);
    if (!rc && e->type == CC_EV_ITEM_REMOVED) {
        /* Illegal content: the text of every version goes, the log stays. */
        void *arg[2] = {txn, l};
        rc = cc_state_versions(txn, &l->state, e->item, purge_one, arg);
    }
    return rc;
}

static int account_event(cc_ledger *l, MDB_txn *txn, cc_exec_ctx *ctx, cc_command *cmd,
                         cc_event_type type, const cc_pseudonym *p, const cc_account *a)
{
    cc_event e;
    cc_event_init(&e, type);
    e.by = *p;
    e.status = (uint8_t)a->status;
    size_t org_len = strlen(a->org);
    if (org_len) {
        if (org_len > CC_ORG_MAX) return CC_ETOOLONG;
        memcpy(e.org, a->org, org_len + 1);
        e.org_len = (uint16_t)org_len;
        cc_event_set(&e, CC_F_ORG);
    }
    cc_event_set(&e, CC_F_STATUS);
    return append_event(l, txn, ctx, cmd, &e);
}

static int execute_account(cc_ledger *l, MDB_txn *txn, cc_exec_ctx *ctx, cc_command *cmd)
{
    const cc_vault *v = &l->vault;
    cc_result *r = &cmd->result;
    cc_token_info info;
    cc_account a;
    int rc;
    switch (cmd->kind) {
    case CC_CMD_ACCOUNT_CREATE:
        rc = cc_vault_account_create(txn, v, &cmd->account, ctx->now_ms,
                                     cmd->ttl_ms ? cmd->ttl_ms : CC_CONFIRM_TTL_MS, r->token);
        if (!rc) r->pseudonym = cmd->account.pseudonym;
        return rc;
    case CC_CMD_ACCOUNT_CONFIRM:
        if ((rc = cc_vault_token_consume(txn, v, CC_TOKEN_CONFIRM, cmd->token, cmd->token_len,
                                         ctx->now_ms, &info)))
            return rc;
        if ((rc = cc_vault_account_get(txn, v, &info.pseudonym, &a))) return rc;
        if (a.confirmed) return CC_EALREADY;
        if ((rc = cc_vault_account_set_confirmed(txn, v, &info.pseudonym))) return rc;
        r->pseudonym = info.pseudonym;
        return account_event(l, txn, ctx, cmd, CC_EV_PARTICIPANT_REGISTERED, &info.pseudonym, &a);
    case CC_CMD_ACCOUNT_UPDATE: {
        const cc_pseudonym *p = &cmd->subject;
        if ((rc = cc_vault_account_get(txn, v, p, &a))) return rc;
        const cc_account *n = &cmd->account;
        if (cmd->update_username &&
            (rc = cc_vault_account_set_username(txn, v, p, n->username, strlen(n->username))))
            return rc;
        if (cmd->update_email &&
            (rc = cc_vault_account_set_email(txn, v, p, n->email, strlen(n->email))))
            return rc;
        if (cmd->update_password) {
            if ((rc = cc_vault_account_set_password(txn, v, p, n->pwhash))) return rc;
            if ((rc = cc_vault_sessions_delete_all(txn, v, p))) return rc;
        }
        if (cmd->update_status && (n->status != a.status || strcmp(n->org, a.org) != 0)) {
            if ((rc = cc_vault_account_set_status(txn, v, p, n->status, n->org, strlen(n->org))))
                return rc;
            /* Only a confirmed participant exists publicly. */
            if (a.confirmed)
                return account_event(l, txn, ctx, cmd, CC_EV_PARTICIPANT_STATUS_CHANGED, p, n);
        }
        return 0;
    }
    case CC_CMD_ACCOUNT_ERASE: {
        cc_event e;
        cc_event_init(&e, CC_EV_PARTICIPANT_ERASED);
        e.by = cmd->actor;
        e.p = cmd->subject;
        cc_event_set(&e, CC_F_P);
        if ((rc = cc_vault_account_get(txn, v, &cmd->subject, &a))) return rc;
        if (a.confirmed) {
            if ((rc = cc_decide(l, txn, ctx, &e))) return rc;
            if ((rc = append_event(l, txn, ctx, cmd, &e))) return rc;
        } else if (strcmp(cmd->actor.s, cmd->subject.s) != 0) {
            return CC_EFORBIDDEN;
        }
        return cc_vault_account_erase(txn, v, &cmd->subject);
    }
    case CC_CMD_SESSION_CREATE:
        if ((rc = cc_vault_account_get(txn, v, &cmd->subject, &a))) return rc;
        if (!a.confirmed) return CC_EUNCONFIRMED;
        r->pseudonym = cmd->subject;
        return cc_vault_session_create(txn, v, &cmd->subject, ctx->now_ms,
                                       cmd->ttl_ms ? cmd->ttl_ms : CC_SESSION_TTL_MS, r->token);
    case CC_CMD_SESSION_DELETE:
        return cc_vault_session_delete(txn, v, cmd->token, cmd->token_len);
    case CC_CMD_TOKEN_CREATE:
        r->pseudonym = cmd->subject;
        return cc_vault_token_create(txn, v, cmd->purpose, &cmd->subject, cmd->account.email,
                                     ctx->now_ms, cmd->ttl_ms ? cmd->ttl_ms : CC_RESET_TTL_MS,
                                     r->token);
    case CC_CMD_PASSWORD_RESET:
        if ((rc = cc_vault_token_consume(txn, v, CC_TOKEN_RESET, cmd->token, cmd->token_len,
                                         ctx->now_ms, &info)))
            return rc;
        r->pseudonym = info.pseudonym;
        if ((rc = cc_vault_account_set_password(txn, v, &info.pseudonym, cmd->account.pwhash)))
            return rc;
        return cc_vault_sessions_delete_all(txn, v, &info.pseudonym);
    case CC_CMD_EMAIL_CONFIRM:
        if ((rc = cc_vault_token_consume(txn, v, CC_TOKEN_EMAIL_CHANGE, cmd->token, cmd->token_len,
                                         ctx->now_ms, &info)))
            return rc;
        r->pseudonym = info.pseudonym;
        return cc_vault_account_set_email(txn, v, &info.pseudonym, info.data, strlen(info.data));
    default:
        return CC_EINVAL;
    }
}

int cc_execute(cc_ledger *l, MDB_txn *txn, cc_exec_ctx *ctx, cc_command *cmd)
{
    cmd->result.count = 0;
    cmd->result.field = CC_F_COUNT_;
    cmd->result.body_field = -1;
    if (cmd->kind == CC_CMD_EVENT) return execute_event(l, txn, ctx, cmd);
    return execute_account(l, txn, ctx, cmd);
}
