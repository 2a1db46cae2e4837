/* test_moderation.c - the moderation pages against the real server: the
 * queue shows flagged items with every flag; dismiss, trash, restore and
 * remove end to end (303, the public bin or the item's history shows the
 * decision, the author gets an .eml with the reason and note, removal
 * purges the text); anonymous visitors and participants are refused on
 * every route; bad input is refused with the log unchanged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "admin_harness.h"
#include "command.h"

static h_server srv;
static uint64_t c_dismiss, c_trash, c_remove;
static char mod_session[128], alice_session[128];

static uint64_t post_flagged(ct_world *w, const char *title, const char *text, const char *details)
{
    cc_command cmd;
    ct_post(&cmd, &w->alice, w->section, title, text);
    h_exec(w, &cmd, "post");
    uint64_t id = cmd.result.seq;
    ct_target(&cmd, CC_EV_FLAG_RAISED, &w->bob, id);
    cmd.event.reason = CC_FLAG_INSULTING;
    cc_event_set(&cmd.event, CC_F_FLAG_REASON);
    cc_command_body(&cmd, CC_B_TEXT, details);
    cmd.has_body = 1;
    h_exec(w, &cmd, "flag");
    ct_target(&cmd, CC_EV_FLAG_RAISED, &w->admin, id);
    cmd.event.reason = CC_FLAG_OFF_TOPIC;
    cc_event_set(&cmd.event, CC_F_FLAG_REASON);
    h_exec(w, &cmd, "flag 2");
    return id;
}

static int setup(void **state)
{
    (void)state;
    signal(SIGPIPE, SIG_IGN);
    ct_world *w = &srv.w;
    ct_world_open(w);
    h_set_password(w, &w->mod);
    h_set_password(w, &w->alice);
    c_dismiss = post_flagged(w, "Titre-rejet", "texte-rejet", "details-flag-rejet");
    c_trash = post_flagged(w, "Titre-corbeille", "texte-corbeille", "details-flag-corbeille");
    c_remove = post_flagged(w, "Titre-illicite", "texte-illicite-xyz", "details-flag-illicite");
    ct_world_stop(w);
    h_start(&srv);
    h_login(&srv, "modo-fixture", mod_session, sizeof mod_session);
    h_login(&srv, "alice", alice_session, sizeof alice_session);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    h_stop(&srv);
    return 0;
}

static void decide(uint64_t item, const char *extra, int want, const char *want_in_body)
{
    char body[1024];
    snprintf(body, sizeof body, "csrf=%s&element=%llu&%s",
             h_page_csrf(&srv, "/moderation", mod_session), (unsigned long long)item, extra);
    uint64_t before = h_log_size(&srv);
    ct_response r = h_post(&srv, "/moderation/decision", mod_session, body);
    if (r.status != want) fail_msg("%s: %d\n%.3000s", extra, r.status, r.body);
    if (want == 303) {
        h_contains(ct_header(&r, "location"), "/moderation?ok=1");
        assert_int_equal(h_log_size(&srv), before + 1);
    } else {
        assert_int_equal(h_log_size(&srv), before);
        if (want_in_body) h_contains(r.body, want_in_body);
    }
    ct_response_release(&r);
}

static void test_queue(void **state)
{
    (void)state;
    ct_response r = h_get(&srv, "/moderation", mod_session);
    assert_int_equal(r.status, 200);
    char id[64];
    snprintf(id, sizeof id, "Contenu n°%llu", (unsigned long long)c_dismiss);
    h_contains(r.body, id);
    h_contains(r.body, "Titre-rejet");
    h_contains(r.body, "texte-illicite-xyz");
    h_contains(r.body, "details-flag-rejet");
    h_contains(r.body, "injurieux");
    h_contains(r.body, "hors-sujet");
    h_contains(r.body, "action=\"/moderation/decision\"");
    h_lacks(r.body, "<script");
    ct_response_release(&r);
}

static void test_dismiss(void **state)
{
    (void)state;
    decide(c_dismiss, "decision=dismiss&note=note-rejet-publique", 303, NULL);
    /* the item's public history shows it */
    char path[128];
    snprintf(path, sizeof path, "/api/v1/contributions/%llu/decisions",
             (unsigned long long)c_dismiss);
    ct_response r = h_get(&srv, path, NULL);
    assert_int_equal(r.status, 200);
    h_contains(r.body, "dismissed");
    ct_response_release(&r);
    /* out of the queue */
    r = h_get(&srv, "/moderation", mod_session);
    h_lacks(r.body, "Titre-rejet");
    ct_response_release(&r);
    free(h_wait_mail(&srv, "alice@example.org", "note-rejet-publique"));
    /* a second dismissal: no open flag left */
    decide(c_dismiss, "decision=dismiss", 409, "dans un état qui permet");
}

static void test_trash_restore(void **state)
{
    (void)state;
    decide(c_trash, "decision=trash&motif=3&note=note-corbeille-publique", 303, NULL);
    ct_response r = h_get(&srv, "/corbeille", NULL);
    assert_int_equal(r.status, 200);
    h_contains(r.body, "Titre-corbeille");
    ct_response_release(&r);
    char *m = h_wait_mail(&srv, "alice@example.org", "note-corbeille-publique");
    h_contains(m, "hors-sujet");
    free(m);
    /* trashing twice is a conflict */
    decide(c_trash, "decision=trash&motif=3", 409, NULL);
    decide(c_trash, "decision=restore&note=note-retablie", 303, NULL);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/contributions/%llu/decisions",
             (unsigned long long)c_trash);
    r = h_get(&srv, path, NULL);
    h_contains(r.body, "trashed");
    h_contains(r.body, "restored");
    ct_response_release(&r);
    free(h_wait_mail(&srv, "alice@example.org", "note-retablie"));
    /* restoring a live item is a conflict */
    decide(c_trash, "decision=restore", 409, NULL);
}

static void test_remove(void **state)
{
    (void)state;
    decide(c_remove, "decision=remove&fondement=2&note=note-retrait-lcen", 303, NULL);
    char path[128];
    snprintf(path, sizeof path, "/contributions/%llu", (unsigned long long)c_remove);
    ct_response r = h_get(&srv, path, NULL);
    h_lacks(r.body, "texte-illicite-xyz");
    ct_response_release(&r);
    r = h_get(&srv, "/corbeille", NULL);
    assert_int_equal(r.status, 200);
    h_lacks(r.body, "texte-illicite-xyz");
    h_lacks(r.body, "Titre-illicite");
    ct_response_release(&r);
    snprintf(path, sizeof path, "/api/v1/contributions/%llu/decisions",
             (unsigned long long)c_remove);
    r = h_get(&srv, path, NULL);
    h_contains(r.body, "removed");
    ct_response_release(&r);
    char *m = h_wait_mail(&srv, "alice@example.org", "note-retrait-lcen");
    h_contains(m, "haine raciale");
    free(m);
    decide(c_remove, "decision=restore", 409, NULL);
}

static void test_bad_input(void **state)
{
    (void)state;
    decide(c_trash, "decision=trash", 400, "Choisissez un motif");
    decide(c_trash, "decision=trash&motif=9", 400, "Choisissez un motif");
    decide(c_trash, "decision=remove&fondement=0", 400, "fondement");
    decide(c_trash, "decision=explode", 400, "Décision inconnue");
    decide(999999, "decision=trash&motif=1", 400, "ne peut pas être modéré");
    decide(c_trash, "decision=trash&motif=1&note=%01", 400, NULL);
    /* no element */
    uint64_t before = h_log_size(&srv);
    char body[256];
    snprintf(body, sizeof body, "csrf=%s&decision=dismiss",
             h_page_csrf(&srv, "/moderation", mod_session));
    ct_response r = h_post(&srv, "/moderation/decision", mod_session, body);
    assert_int_equal(r.status, 400);
    ct_response_release(&r);
    /* wrong CSRF */
    snprintf(body, sizeof body,
             "csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&element=%llu&"
             "decision=trash&motif=1",
             (unsigned long long)c_trash);
    r = h_post(&srv, "/moderation/decision", mod_session, body);
    assert_int_equal(r.status, 403);
    h_contains(r.body, "Le formulaire a expiré");
    ct_response_release(&r);
    assert_int_equal(h_log_size(&srv), before);
}

static void test_authorization(void **state)
{
    (void)state;
    uint64_t before = h_log_size(&srv);
    ct_response r = h_get(&srv, "/moderation", NULL);
    assert_int_equal(r.status, 303);
    h_contains(ct_header(&r, "location"), "/connexion");
    ct_response_release(&r);
    char body[256];
    snprintf(body, sizeof body, "element=%llu&decision=trash&motif=1", (unsigned long long)c_trash);
    r = h_post(&srv, "/moderation/decision", NULL, body);
    assert_int_equal(r.status, 403);
    ct_response_release(&r);
    r = h_get(&srv, "/moderation", alice_session);
    assert_int_equal(r.status, 403);
    h_contains(r.body, "Accès refusé");
    ct_response_release(&r);
    /* a participant with her own valid token */
    snprintf(body, sizeof body, "csrf=%s&element=%llu&decision=trash&motif=1",
             h_page_csrf(&srv, "/compte", alice_session), (unsigned long long)c_trash);
    r = h_post(&srv, "/moderation/decision", alice_session, body);
    assert_int_equal(r.status, 403);
    ct_response_release(&r);
    assert_int_equal(h_log_size(&srv), before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_queue),   cmocka_unit_test(test_authorization),
        cmocka_unit_test(test_dismiss), cmocka_unit_test(test_trash_restore),
        cmocka_unit_test(test_remove),  cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
