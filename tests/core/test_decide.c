/* The domain rules: each rule shows its rejection, and that nothing was
 * appended to the log when it rejects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "demo.h"
#include "error.h"
#include "support.h"

#include <stdlib.h>
#include <string.h>

static int setup(void **state)
{
    ct_world *w = calloc(1, sizeof *w);
    ct_world_open(w);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    ct_world_close(*state);
    free(*state);
    return 0;
}

/* Run cmd, expect rc, and that the log did not grow when rc != 0. */
static void expect(ct_world *w, cc_command *cmd, int rc)
{
    uint64_t before = ct_log_size(w);
    int got = ct_exec(w, cmd);
    if (got != rc) fail_msg("expected %s, got %s", cc_err_name(rc), cc_err_name(got));
    if (rc) {
        assert_int_equal(ct_log_size(w), before);
        assert_int_equal(cmd->result.count, 0);
    } else {
        assert_true(ct_log_size(w) > before);
    }
}

static void theme_cmd(cc_command *cmd, cc_event_type t, const cc_pseudonym *by, uint64_t theme)
{
    cc_command_event(cmd, t, by);
    cmd->event.theme = theme;
    cc_event_set(&cmd->event, CC_F_THEME);
}

static void vote_cmd(cc_command *cmd, const cc_pseudonym *by, uint64_t item, cc_vote_value v)
{
    ct_target(cmd, CC_EV_VOTE_CAST, by, item);
    cmd->event.value = (uint8_t)v;
    cc_event_set(&cmd->event, CC_F_VALUE);
}

static void argue_cmd(cc_command *cmd, const cc_pseudonym *by, uint64_t item, const char *text)
{
    ct_target(cmd, CC_EV_ARGUMENT_POSTED, by, item);
    cmd->event.side = CC_SIDE_FOR;
    cc_event_set(&cmd->event, CC_F_SIDE);
    cc_command_body(cmd, CC_B_TEXT, text);
}

static void moderate_cmd(cc_command *cmd, cc_event_type t, const cc_pseudonym *by, uint64_t item)
{
    ct_target(cmd, t, by, item);
    if (t == CC_EV_ITEM_TRASHED) {
        cmd->event.reason = CC_TRASH_INSULTING;
        cc_event_set(&cmd->event, CC_F_TRASH_REASON);
    }
    if (t == CC_EV_ITEM_REMOVED) {
        cmd->event.ground = CC_GROUND_RACIAL_HATRED;
        cc_event_set(&cmd->event, CC_F_GROUND);
    }
    cc_command_body(cmd, CC_B_TEXT, "Décision de modération motivée.");
}

static void only_admins_set_up(void **state)
{
    ct_world *w = *state;
    cc_command cmd;
    theme_cmd(&cmd, CC_EV_THEME_CLOSED, &w->alice, w->theme);
    expect(w, &cmd, CC_EFORBIDDEN);
    theme_cmd(&cmd, CC_EV_THEME_CLOSED, &w->mod, w->theme);
    expect(w, &cmd, CC_EFORBIDDEN);
    cc_command_event(&cmd, CC_EV_THEME_CREATED, &w->bob);
    cmd.event.order = 2;
    cc_event_set(&cmd.event, CC_F_ORDER);
    cc_event_set(&cmd.event, CC_F_OPENS);
    cc_event_set(&cmd.event, CC_F_CLOSES);
    cc_command_body(&cmd, CC_B_TITLE, "Thème pirate");
    expect(w, &cmd, CC_EFORBIDDEN);
    cc_command_event(&cmd, CC_EV_SYNTHESIS_PUBLISHED, &w->alice);
    cmd.event.theme = w->theme;
    cc_event_set(&cmd.event, CC_F_THEME);
    cc_event_set(&cmd.event, CC_F_LOG_SIZE);
    cc_command_body(&cmd, CC_B_TEXT, "Synthèse");
    expect(w, &cmd, CC_EFORBIDDEN);
    /* Participants cannot grant themselves roles, even the first admin's way. */
    cc_command_event(&cmd, CC_EV_ROLE_GRANTED, &w->bob);
    cmd.event.p = w->bob;
    cmd.event.role = CC_ROLE_ADMIN;
    cc_event_set(&cmd.event, CC_F_P);
    cc_event_set(&cmd.event, CC_F_ROLE);
    expect(w, &cmd, CC_EFORBIDDEN);
    cmd.event.by = w->mod;
    cmd.event.p = w->bob;
    cmd.event.role = CC_ROLE_MODERATOR;
    expect(w, &cmd, CC_EFORBIDDEN);
    /* The admin may; the synthesis must rest on an existing log prefix. */
    cc_command_event(&cmd, CC_EV_SYNTHESIS_PUBLISHED, &w->admin);
    cmd.event.theme = w->theme;
    cmd.event.log_size = ct_log_size(w) + 5;
    cc_event_set(&cmd.event, CC_F_THEME);
    cc_event_set(&cmd.event, CC_F_LOG_SIZE);
    cc_command_body(&cmd, CC_B_TEXT, "Synthèse");
    expect(w, &cmd, CC_EINVAL);
    cmd.event.log_size = ct_log_size(w);
    expect(w, &cmd, 0);
    /* Closing twice. */
    theme_cmd(&cmd, CC_EV_THEME_CLOSED, &w->admin, w->theme);
    expect(w, &cmd, 0);
    theme_cmd(&cmd, CC_EV_THEME_CLOSED, &w->admin, w->theme);
    expect(w, &cmd, CC_EALREADY);
    /* A theme id that is a section. */
    theme_cmd(&cmd, CC_EV_THEME_OPENED, &w->admin, w->section);
    expect(w, &cmd, CC_EKIND);
    theme_cmd(&cmd, CC_EV_THEME_OPENED, &w->admin, 999999);
    expect(w, &cmd, CC_ENOITEM);
}

static void last_admin_stays(void **state)
{
    ct_world *w = *state;
    cc_command cmd;
    cc_command_event(&cmd, CC_EV_ROLE_REVOKED, &w->admin);
    cmd.event.p = w->admin;
    cmd.event.role = CC_ROLE_ADMIN;
    cc_event_set(&cmd.event, CC_F_P);
    cc_event_set(&cmd.event, CC_F_ROLE);
    expect(w, &cmd, CC_EFORBIDDEN);
    cc_command_init(&cmd, CC_CMD_ACCOUNT_ERASE);
    cmd.actor = w->admin;
    cmd.subject = w->admin;
    expect(w, &cmd, CC_EFORBIDDEN);
    /* With a second admin, the first may step down. */
    cc_command_event(&cmd, CC_EV_ROLE_GRANTED, &w->admin);
    cmd.event.p = w->bob;
    cmd.event.role = CC_ROLE_ADMIN;
    cc_event_set(&cmd.event, CC_F_P);
    cc_event_set(&cmd.event, CC_F_ROLE);
    expect(w, &cmd, 0);
    expect(w, &cmd, CC_EALREADY);
    cc_command_event(&cmd, CC_EV_ROLE_REVOKED, &w->bob);
    cmd.event.p = w->admin;
    cmd.event.role = CC_ROLE_ADMIN;
    cc_event_set(&cmd.event, CC_F_P);
    cc_event_set(&cmd.event, CC_F_ROLE);
    expect(w, &cmd, 0);
    theme_cmd(&cmd, CC_EV_THEME_CLOSED, &w->admin, w->theme);
    expect(w, &cmd, CC_EFORBIDDEN);
}

static void only_moderators_moderate(void **state)
{
    ct_world *w = *state;
    cc_command cmd;
    cc_event_type types[] = {CC_EV_ITEM_TRASHED, CC_EV_ITEM_REMOVED};
    for (int i = 0; i < 2; i++) {
        moderate_cmd(&cmd, types[i], &w->bob, w->contribution);
        expect(w, &cmd, CC_EFORBIDDEN);
    }
    moderate_cmd(&cmd, CC_EV_ITEM_RESTORED, &w->alice, w->contribution);
    expect(w, &cmd, CC_EFORBIDDEN);
    moderate_cmd(&cmd, CC_EV_FLAG_DISMISSED, &w->alice, w->contribution);
    expect(w, &cmd, CC_EFORBIDDEN);
    /* Moderators: nothing to dismiss, nothing to restore. */
    moderate_cmd(&cmd, CC_EV_FLAG_DISMISSED, &w->mod, w->contribution);
    expect(w, &cmd, CC_ENOFLAG);
    moderate_cmd(&cmd, CC_EV_ITEM_RESTORED, &w->mod, w->contribution);
    expect(w, &cmd, CC_ENOTMODERATED);
    moderate_cmd(&cmd, CC_EV_ITEM_TRASHED, &w->mod, w->section);
    expect(w, &cmd, CC_EKIND);
    moderate_cmd(&cmd, CC_EV_ITEM_TRASHED, &w->mod, w->contribution);
    expect(w, &cmd, 0);
    expect(w, &cmd, CC_EALREADY);
    moderate_cmd(&cmd, CC_EV_ITEM_RESTORED, &w->admin, w->contribution);
    expect(w, &cmd, 0);
}

static void participants_must_be_registered(void **state)
{
    ct_world *w = *state;
    cc_command cmd;
    cc_pseudonym stranger = {"zzzzzzzzzzzzzzzz"};
    ct_post(&cmd, &stranger, w->section, "Titre", "Texte");
    expect(w, &cmd, CC_ENOTREGISTERED);
    /* Registration only happens by e-mail confirmation. */
    cc_command_event(&cmd, CC_EV_PARTICIPANT_REGISTERED, &stranger);
    cmd.event.status = CC_STATUS_CITIZEN;
    cc_event_set(&cmd.event, CC_F_STATUS);
    expect(w, &cmd, CC_EFORBIDDEN);
    /* An unconfirmed account is no participant. */
    cc_command_init(&cmd, CC_CMD_ACCOUNT_CREATE);
    strcpy(cmd.account.username, "pending");
    strcpy(cmd.account.email, "pending@example.org");
    strcpy(cmd.account.pwhash, "$argon2id$fake");
    cmd.account.status = CC_STATUS_CITIZEN;
    uint64_t before = ct_log_size(w);
    assert_int_equal(ct_exec(w, &cmd), 0);
    assert_int_equal(ct_log_size(w), before); /* nothing public yet */
    cc_pseudonym pending = cmd.result.pseudonym;
    ct_post(&cmd, &pending, w->section, "Titre", "Texte");
    expect(w, &cmd, CC_ENOTREGISTERED);
}

static void erased_participants_cannot_act(void **state)
{
    ct_world *w = *state;
    cc_command cmd;
    /* Only the account commands, which also clear the vault, erase. */
    cc_command_event(&cmd, CC_EV_PARTICIPANT_ERASED, &w->alice);
    cmd.event.p = w->alice;
    cc_event_set(&cmd.event, CC_F_P);
    expect(w, &cmd, CC_EFORBIDDEN);
    cc_command_event(&cmd, CC_EV_PARTICIPANT_STATUS_CHANGED, &w->alice);
    cmd.event.status = CC_STATUS_CITIZEN;
    cc_event_set(&cmd.event, CC_F_STATUS);
    expect(w, &cmd, CC_EFORBIDDEN);
    cc_command_init(&cmd, CC_CMD_ACCOUNT_ERASE);
    cmd.actor = w->bob;
    cmd.subject = w->alice; /* not yours */
    expect(w, &cmd, CC_EFORBIDDEN);
    cmd.actor = w->alice;
    expect(w, &cmd, 0);
    ct_post(&cmd, &w->alice, w->section, "Titre", "Texte");
    expect(w, &cmd, CC_EERASED);
    vote_cmd(&cmd, &w->alice, w->contribution, CC_VOTE_AGREE);
    expect(w, &cmd, CC_EERASED);
    /* Her contribution stays and can still be voted on. */
    vote_cmd(&cmd, &w->bob, w->contribution, CC_VOTE_AGREE);
    expect(w, &cmd, 0);
}

static void posting_needs_open_theme_and_section(void **state)
{
    ct_world *w = *state;
    cc_command cmd;
    ct_post(&cmd, &w->bob, w->closed_section, "Titre", "Texte");
    expect(w, &cmd, CC_ENOPOSTING);
    ct_post(&cmd, &w->bob, w->theme, "Titre", "Texte");
    expect(w, &cmd, CC_EKIND);
    ct_post(&cmd, &w->bob, 424242, "Titre", "Texte");
    expect(w, &cmd, CC_ENOITEM);
    theme_cmd(&cmd, CC_EV_THEME_CLOSED, &w->admin, w->theme);
    expect(w, &cmd, 0);
    ct_post(&cmd, &w->bob, w->section, "Titre", "Texte");
    expect(w, &cmd, CC_ECLOSED);
    argue_cmd(&cmd, &w->bob, w->contribution, "Pour");
    expect(w, &cmd, CC_ECLOSED);
    vote_cmd(&cmd, &w->bob, w->contribution, CC_VOTE_AGREE);
    expect(w, &cmd, CC_ECLOSED);
    ct_target(&cmd, CC_EV_COMMENT_POSTED, &w->bob, w->contribution);
    cc_command_body(&cmd, CC_B_TEXT, "Commentaire");
    expect(w, &cmd, CC_ECLOSED);
    /* Moderation goes on after the close. */
    moderate_cmd(&cmd, CC_EV_ITEM_TRASHED, &w->mod, w->contribution);
    expect(w, &cmd, 0);
}

static void no_interaction_with_moderated_items(void **state)
{
    ct_world *w = *state;
    cc_command cmd;
    argue_cmd(&cmd, &w->bob, w->contribution, "Un argument");
    expect(w, &cmd, 0);
    uint64_t argument = cmd.result.seq;
    moderate_cmd(&cmd, CC_EV_ITEM_TRASHED, &w->mod, w->contribution);
    expect(w, &cmd, 0);
    argue_cmd(&cmd, &w->bob, w->contribution, "Encore");
    expect(w, &cmd, CC_EMODERATED);
    vote_cmd(&cmd, &w->bob, w->contribution, CC_VOTE_AGREE);
    expect(w, &cmd, CC_EMODERATED);
    /* Nor under it: the argument of a trashed contribution. */
    vote_cmd(&cmd, &w->alice, argument, CC_VOTE_UP);
    expect(w, &cmd, CC_EMODERATED);
    ct_target(&cmd, CC_EV_FLAG_RAISED, &w->bob, w->contribution);
    cmd.event.reason = CC_FLAG_SPAM;
    cc_event_set(&cmd.event, CC_F_FLAG_REASON);
    expect(w, &cmd, CC_EMODERATED);
    ct_target(&cmd, CC_EV_CONTRIBUTION_EDITED, &w->alice, w->contribution);
    cc_command_body(&cmd, CC_B_TITLE, "Nouveau titre");
    cc_command_body(&cmd, CC_B_TEXT, "Nouveau texte");
    expect(w, &cmd, CC_EMODERATED);
    moderate_cmd(&cmd, CC_EV_ITEM_REMOVED, &w->mod, w->contribution);
    expect(w, &cmd, 0);
    expect(w, &cmd, CC_EREMOVED);
    moderate_cmd(&cmd, CC_EV_ITEM_RESTORED, &w->mod, w->contribution);
    expect(w, &cmd, CC_EREMOVED);
    vote_cmd(&cmd, &w->bob, w->contribution, CC_VOTE_AGREE);
    expect(w, &cmd, CC_EMODERATED);
}

static void one_vote_per_participant(void **state)
{
    ct_world *w = *state;
    cc_command cmd;
    vote_cmd(&cmd, &w->bob, w->contribution, CC_VOTE_AGREE);
    expect(w, &cmd, 0);
    expect(w, &cmd, CC_EALREADY);
    /* A new value replaces the old one: the log says vote.changed. */
    vote_cmd(&cmd, &w->bob, w->contribution, CC_VOTE_DISAGREE);
    expect(w, &cmd, 0);
    MDB_txn *txn;
    cc_slice entry;
    cc_event e;
    assert_int_equal(cc_ledger_read_begin(&w->l, &txn), 0);
    assert_int_equal(cc_log_get(txn, w->l.log, cmd.result.seq, &entry), 0);
    assert_int_equal(cc_event_decode(entry.ptr, entry.len, &e), 0);
    assert_int_equal(e.type, CC_EV_VOTE_CHANGED);
    assert_int_equal(e.value, CC_VOTE_DISAGREE);
    uint8_t v;
    assert_int_equal(cc_state_vote(txn, &w->l.state, w->contribution, &w->bob, &v), 0);
    assert_int_equal(v, CC_VOTE_DISAGREE);
    cc_ledger_read_end(&w->l, txn);
    ct_target(&cmd, CC_EV_VOTE_WITHDRAWN, &w->bob, w->contribution);
    expect(w, &cmd, 0);
    expect(w, &cmd, CC_ENOVOTE);
    ct_target(&cmd, CC_EV_VOTE_CHANGED, &w->bob, w->contribution);
    cmd.event.value = CC_VOTE_AGREE;
    cc_event_set(&cmd.event, CC_F_VALUE);
    expect(w, &cmd, CC_ENOVOTE);
    /* Values belong to kinds: no up-vote on a contribution... */
    vote_cmd(&cmd, &w->bob, w->contribution, CC_VOTE_UP);
    expect(w, &cmd, CC_EENUM);
    /* ...and only up-votes on arguments. */
    argue_cmd(&cmd, &w->alice, w->contribution, "Argument");
    expect(w, &cmd, 0);
    uint64_t argument = cmd.result.seq;
    vote_cmd(&cmd, &w->bob, argument, CC_VOTE_AGREE);
    expect(w, &cmd, CC_EENUM);
    vote_cmd(&cmd, &w->bob, argument, CC_VOTE_UP);
    expect(w, &cmd, 0);
    vote_cmd(&cmd, &w->bob, w->section, CC_VOTE_AGREE);
    expect(w, &cmd, CC_EKIND);
}

static void one_open_flag_per_participant(void **state)
{
    ct_world *w = *state;
    cc_command cmd;
    ct_target(&cmd, CC_EV_FLAG_RAISED, &w->bob, w->contribution);
    cmd.event.reason = CC_FLAG_OFF_TOPIC;
    cc_event_set(&cmd.event, CC_F_FLAG_REASON);
    expect(w, &cmd, 0);
    expect(w, &cmd, CC_EALREADY);
    ct_target(&cmd, CC_EV_FLAG_RAISED, &w->admin, w->contribution);
    cmd.event.reason = CC_FLAG_ILLEGAL;
    cc_event_set(&cmd.event, CC_F_FLAG_REASON);
    cc_command_body(&cmd, CC_B_TEXT, "Propos haineux.");
    expect(w, &cmd, 0);
    moderate_cmd(&cmd, CC_EV_FLAG_DISMISSED, &w->mod, w->contribution);
    expect(w, &cmd, 0);
    expect(w, &cmd, CC_ENOFLAG);
    /* After a dismissal the same participant may flag again. */
    ct_target(&cmd, CC_EV_FLAG_RAISED, &w->bob, w->contribution);
    cmd.event.reason = CC_FLAG_OFF_TOPIC;
    cc_event_set(&cmd.event, CC_F_FLAG_REASON);
    expect(w, &cmd, 0);
    ct_target(&cmd, CC_EV_FLAG_RAISED, &w->bob, w->theme);
    cmd.event.reason = CC_FLAG_OFF_TOPIC;
    cc_event_set(&cmd.event, CC_F_FLAG_REASON);
    expect(w, &cmd, CC_EKIND);
}

static void only_authors_edit(void **state)
{
    ct_world *w = *state;
    cc_command cmd;
    ct_target(&cmd, CC_EV_CONTRIBUTION_EDITED, &w->bob, w->contribution);
    cc_command_body(&cmd, CC_B_TITLE, "Détourné");
    cc_command_body(&cmd, CC_B_TEXT, "Texte");
    expect(w, &cmd, CC_ENOTAUTHOR);
    cmd.event.by = w->alice;
    expect(w, &cmd, 0);
}

static void text_limits(void **state)
{
    ct_world *w = *state;
    cc_command cmd;
    static char long_text[20002];
    memset(long_text, 'a', sizeof long_text - 1);
    ct_post(&cmd, &w->bob, w->section, "Titre", long_text);
    expect(w, &cmd, CC_ETOOLONG);
    assert_int_equal(cmd.result.body_field, CC_B_TEXT);
    ct_post(&cmd, &w->bob, w->section, "Titre \xc3\x28", "Texte");
    expect(w, &cmd, CC_EUTF8);
    assert_int_equal(cmd.result.body_field, CC_B_TITLE);
    ct_post(&cmd, &w->bob, w->section, "Titre\nsur deux lignes", "Texte");
    expect(w, &cmd, CC_ECONTROL);
    ct_post(&cmd, &w->bob, w->section, "", "Texte");
    expect(w, &cmd, CC_EEMPTY);
    ct_post(&cmd, &w->bob, w->section, "Titre", "Texte\x1b[31m");
    expect(w, &cmd, CC_ECONTROL);
    ct_target(&cmd, CC_EV_SOURCE_POSTED, &w->bob, w->contribution);
    cc_command_body(&cmd, CC_B_TITLE, "Source");
    cc_command_body(&cmd, CC_B_URL, "javascript:alert(1)");
    expect(w, &cmd, CC_EURL);
    assert_int_equal(cmd.result.body_field, CC_B_URL);
    /* A status change to an organisation needs its name. */
    cc_command_init(&cmd, CC_CMD_ACCOUNT_UPDATE);
    cmd.subject = w->bob;
    cmd.update_status = 1;
    cmd.account.status = CC_STATUS_COMPANY;
    expect(w, &cmd, CC_EEMPTY);
    /* A command missing a required field is told so before any rule. */
    ct_target(&cmd, CC_EV_VOTE_CAST, &w->bob, w->contribution);
    expect(w, &cmd, CC_EMISSING);
    assert_int_equal(cmd.result.field, CC_F_VALUE);
    cc_command_event(&cmd, CC_EV_CONTRIBUTION_POSTED, &w->bob);
    cc_command_body(&cmd, CC_B_TITLE, "Titre");
    cc_command_body(&cmd, CC_B_TEXT, "Texte");
    expect(w, &cmd, CC_EMISSING);
    assert_int_equal(cmd.result.field, CC_F_SECTION);
}

static void removal_purges_bodies_and_log_still_verifies(void **state)
{
    ct_world *w = *state;
    cc_command cmd;
    ct_target(&cmd, CC_EV_CONTRIBUTION_EDITED, &w->alice, w->contribution);
    cc_command_body(&cmd, CC_B_TITLE, "Version 2");
    cc_command_body(&cmd, CC_B_TEXT, "Texte illicite, version 2");
    expect(w, &cmd, 0);
    uint64_t edit = cmd.result.seq;
    moderate_cmd(&cmd, CC_EV_ITEM_REMOVED, &w->mod, w->contribution);
    expect(w, &cmd, 0);
    MDB_txn *txn;
    assert_int_equal(cc_ledger_read_begin(&w->l, &txn), 0);
    uint64_t seqs[2] = {w->contribution, edit};
    for (int i = 0; i < 2; i++) {
        cc_slice entry, body;
        cc_event e;
        const uint8_t *nonce;
        assert_int_equal(cc_log_get(txn, w->l.log, seqs[i], &entry), 0);
        assert_int_equal(cc_event_decode(entry.ptr, entry.len, &e), 0);
        assert_int_equal(cc_bodies_get(txn, w->l.bodies, e.commitment, &nonce, &body),
                         CC_ENOTFOUND);
    }
    cc_ledger_read_end(&w->l, txn);
    char msg[256];
    int rc = cc_ledger_verify(&w->l, NULL, msg, sizeof msg);
    if (rc) fail_msg("verify: %s", msg);
}

/* Every item's id is the sequence number of the event that created it, and
 * cc_item_body_type names that event's type from the item's kind. */
static void items_are_created_by_their_body_type(void **state)
{
    ct_world *w = *state;
    assert_int_equal(cc_demo_load(w->w, &w->admin, 0), 0);
    MDB_txn *txn;
    assert_int_equal(cc_ledger_read_begin(&w->l, &txn), 0);
    MDB_cursor *c;
    assert_int_equal(mdb_cursor_open(txn, w->l.state.items, &c), 0);
    MDB_val k, v;
    int items = 0, kinds_seen = 0;
    unsigned seen = 0;
    while (mdb_cursor_get(c, &k, &v, MDB_NEXT) == 0) {
        assert_int_equal(k.mv_size, 8);
        uint64_t id = 0;
        for (int i = 0; i < 8; i++)
            id = (id << 8) | ((const uint8_t *)k.mv_data)[i];
        cc_item it;
        assert_int_equal(cc_state_item(txn, &w->l.state, id, &it), 0);
        cc_slice entry;
        cc_event e;
        assert_int_equal(cc_log_get(txn, w->l.log, id, &entry), 0);
        assert_int_equal(cc_event_decode(entry.ptr, entry.len, &e), 0);
        assert_int_equal(e.type, cc_item_body_type(it.kind));
        if (!(seen & (1u << it.kind))) kinds_seen++;
        seen |= 1u << it.kind;
        items++;
    }
    mdb_cursor_close(c);
    cc_ledger_read_end(&w->l, txn);
    assert_true(items > 30);
    assert_true(kinds_seen >= 7); /* all but documents appear in the demo */
    assert_int_equal(cc_item_body_type(0), CC_EV_NONE);
    assert_int_equal(cc_item_body_type(200), CC_EV_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(only_admins_set_up, setup, teardown),
        cmocka_unit_test_setup_teardown(last_admin_stays, setup, teardown),
        cmocka_unit_test_setup_teardown(only_moderators_moderate, setup, teardown),
        cmocka_unit_test_setup_teardown(participants_must_be_registered, setup, teardown),
        cmocka_unit_test_setup_teardown(erased_participants_cannot_act, setup, teardown),
        cmocka_unit_test_setup_teardown(posting_needs_open_theme_and_section, setup, teardown),
        cmocka_unit_test_setup_teardown(no_interaction_with_moderated_items, setup, teardown),
        cmocka_unit_test_setup_teardown(one_vote_per_participant, setup, teardown),
        cmocka_unit_test_setup_teardown(one_open_flag_per_participant, setup, teardown),
        cmocka_unit_test_setup_teardown(only_authors_edit, setup, teardown),
        cmocka_unit_test_setup_teardown(text_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(removal_purges_bodies_and_log_still_verifies, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(items_are_created_by_their_body_type, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
