/* test_pages.c - the public read-only pages, against the real server
 * (cc_serve_main in a child on a loopback port) and a ledger holding the
 * test world (tests/support.h), the demo consultation and what the pages
 * must show: an edit with Markdown and raw HTML, many contributions
 * (pagination, sorting), votes, an argument, a trashed and a removed
 * contribution, a synthesis, recommendations and a report, a document with
 * its file, a meeting with a report, a closed theme and an erased account. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "demo.h"
#include "error.h"
#include "http_client.h"
#include "serve.h"
#include "support.h"

#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct {
    ct_world w;
    pid_t pid;
    uint16_t port;
    uint64_t edited, trashed, removed, popular, meeting, argument;
    char doc_hex[65];
    cc_pseudonym carol;
} t;

static void must(int rc, const char *what)
{
    if (rc) {
        fprintf(stderr, "fixture: %s: %s\n", what, cc_strerror(rc));
        abort();
    }
}

static uint64_t exec(cc_command *cmd, const char *what)
{
    must(ct_exec(&t.w, cmd), what);
    return cmd->result.seq;
}

static void build_world(void)
{
    ct_world *w = &t.w;
    cc_command cmd;
    ct_world_open(w);
    must(cc_demo_load(w->w, &w->admin, 0), "demo");
    t.carol = ct_register(w, "carol", "carol@example.org");

    /* an edit whose text has Markdown, raw HTML and a javascript: link */
    ct_target(&cmd, CC_EV_CONTRIBUTION_EDITED, &w->alice, w->contribution);
    cc_command_body(&cmd, CC_B_TITLE, "Former au code <b>vite</b>");
    cc_command_body(&cmd, CC_B_TEXT,
                    "Une heure **par semaine**.\n\n<script>alert(1)</script>\n\n"
                    "[piège](javascript:alert(2)) et [site](https://example.org/x)");
    exec(&cmd, "edit");
    t.edited = w->contribution;
    /* 25 more contributions by carol: two pages */
    for (int i = 0; i < 25; i++) {
        char title[64];
        snprintf(title, sizeof title, "Proposition numéro %02d", i + 1);
        ct_post(&cmd, &t.carol, w->section, title, "Texte ordinaire.");
        uint64_t id = exec(&cmd, "post");
        if (i == 3) t.popular = id;
    }
    ct_target(&cmd, CC_EV_VOTE_CAST, &w->alice, t.popular);
    cmd.event.value = CC_VOTE_AGREE;
    cc_event_set(&cmd.event, CC_F_VALUE);
    exec(&cmd, "vote");
    ct_target(&cmd, CC_EV_VOTE_CAST, &w->bob, t.popular);
    cmd.event.value = CC_VOTE_AGREE;
    cc_event_set(&cmd.event, CC_F_VALUE);
    exec(&cmd, "vote 2");
    cc_command_event(&cmd, CC_EV_ARGUMENT_POSTED, &w->bob);
    cmd.event.item = t.edited;
    cmd.event.side = CC_SIDE_AGAINST;
    cc_event_set(&cmd.event, CC_F_ITEM);
    cc_event_set(&cmd.event, CC_F_SIDE);
    cc_command_body(&cmd, CC_B_TEXT, "Argument contre de Bob.");
    t.argument = exec(&cmd, "argument");

    ct_post(&cmd, &w->bob, w->section, "Hors sujet total", "Texte mis à la corbeille.");
    t.trashed = exec(&cmd, "post trashed");
    ct_target(&cmd, CC_EV_ITEM_TRASHED, &w->mod, t.trashed);
    cmd.event.reason = CC_TRASH_OFF_TOPIC;
    cc_event_set(&cmd.event, CC_F_TRASH_REASON);
    cc_command_body(&cmd, CC_B_TEXT, "Sans rapport avec la partie.");
    exec(&cmd, "trash");
    ct_post(&cmd, &w->bob, w->section, "Titre illicite secret", "Texte illicite secret.");
    t.removed = exec(&cmd, "post removed");
    ct_target(&cmd, CC_EV_ITEM_REMOVED, &w->mod, t.removed);
    cmd.event.ground = CC_GROUND_RACIAL_HATRED;
    cc_event_set(&cmd.event, CC_F_GROUND);
    cc_command_body(&cmd, CC_B_TEXT, "Retrait LCEN.");
    exec(&cmd, "remove");

    static const char file[] = "%PDF-1.4 not really a pdf";
    cc_command_event(&cmd, CC_EV_DOCUMENT_PUBLISHED, &w->admin);
    cmd.event.mime = CC_MIME_PDF;
    cc_event_set(&cmd.event, CC_F_MIME);
    cmd.file.ptr = (const uint8_t *)file;
    cmd.file.len = sizeof file - 1;
    cc_command_body(&cmd, CC_B_TITLE, "Contribution de l'association");
    cc_command_body(&cmd, CC_B_NAME, "contribution.pdf");
    cc_command_body(&cmd, CC_B_FROM, "Association Exemple");
    exec(&cmd, "document");
    uint8_t hash[32];
    crypto_hash_sha256(hash, (const uint8_t *)file, sizeof file - 1);
    for (int i = 0; i < 32; i++)
        sprintf(t.doc_hex + 2 * i, "%02x", hash[i]);

    cc_command_event(&cmd, CC_EV_MEETING_SCHEDULED, &w->admin);
    cmd.event.at = 1700000000000ull;
    cc_event_set(&cmd.event, CC_F_AT);
    cc_command_body(&cmd, CC_B_TITLE, "Journée de test à Lille");
    cc_command_body(&cmd, CC_B_PLACE, "Lille");
    t.meeting = exec(&cmd, "meeting");
    ct_target(&cmd, CC_EV_MEETING_REPORTED, &w->admin, t.meeting);
    cc_command_body(&cmd, CC_B_TEXT, "Compte rendu : *trente* participants.");
    exec(&cmd, "meeting report");

    cc_command_event(&cmd, CC_EV_THEME_CLOSED, &w->admin);
    cmd.event.theme = w->theme;
    cc_event_set(&cmd.event, CC_F_THEME);
    exec(&cmd, "close");
    cc_event_type pubs[3] = {CC_EV_SYNTHESIS_PUBLISHED, CC_EV_RECOMMENDATIONS_PUBLISHED,
                             CC_EV_REPORT_PUBLISHED};
    const char *texts[3] = {"## Ce qui ressort\n\nUne synthèse **claire**.",
                            "Nos recommandations : *former*.", "Le rapport final <i>x</i>."};
    for (int i = 0; i < 3; i++) {
        cc_command_event(&cmd, pubs[i], &w->admin);
        if (i < 2) {
            cmd.event.theme = w->theme;
            cc_event_set(&cmd.event, CC_F_THEME);
        }
        cmd.event.log_size = ct_log_size(w);
        cc_event_set(&cmd.event, CC_F_LOG_SIZE);
        cc_command_body(&cmd, CC_B_TEXT, texts[i]);
        exec(&cmd, "publication");
    }
    /* bob erases his account: his items stay, as "anonyme" */
    cc_command_init(&cmd, CC_CMD_ACCOUNT_ERASE);
    cmd.subject = w->bob;
    cmd.actor = w->bob;
    exec(&cmd, "erase");
    ct_world_stop(w);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static pid_t start_server(const char *dir, uint16_t *port)
{
    int p[2];
    if (pipe(p)) abort();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) abort();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() == 1) _exit(1);
        dup2(p[1], STDOUT_FILENO);
        close(p[0]);
        close(p[1]);
        char *argv[] = {"serve",       "--data",    (char *)dir, "--listen",
                        "127.0.0.1:0", "--threads", "2",         NULL};
        exit(cc_serve_main(7, argv));
    }
    close(p[1]);
    char line[512];
    size_t n = 0;
    double deadline = now_s() + 60;
    while (n < sizeof line - 1 && !memchr(line, '\n', n)) {
        struct pollfd pf = {p[0], POLLIN, 0};
        if (now_s() > deadline || poll(&pf, 1, 1000) < 0) break;
        ssize_t r = read(p[0], line + n, sizeof line - 1 - n);
        if (r <= 0) break;
        n += (size_t)r;
    }
    line[n] = '\0';
    close(p[0]);
    const char *at = strstr(line, "http://127.0.0.1:");
    if (!at) {
        fprintf(stderr, "server did not start: '%s'\n", line);
        abort();
    }
    *port = (uint16_t)atoi(at + strlen("http://127.0.0.1:"));
    return pid;
}

static ct_response get(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static ct_response get(const char *fmt, ...)
{
    char path[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    return ct_request(t.port, "GET", path, NULL);
}

static void expect(const ct_response *r, int code, const char *needle)
{
    int ok = r->status == code && (!needle || strstr(r->body, needle));
    if (!ok)
        fprintf(stderr, "status %d, wanted %d and '%s'; body: %.3000s\n", r->status, code,
                needle ? needle : "", r->body);
    assert_true(ok);
}
#define EXPECT(resp, code, needle) expect(&(resp), (code), (needle))

static int setup(void **state)
{
    (void)state;
    build_world();
    t.pid = start_server(t.w.dir, &t.port);
    /* wait for the views to reach the end of the log: the report exists */
    double deadline = now_s() + 60;
    for (;;) {
        ct_response r = get("/rapport");
        int ready = r.status == 200 && strstr(r.body, "Le rapport final");
        ct_response_release(&r);
        if (ready) break;
        if (now_s() > deadline) return -1;
        usleep(50000);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (t.pid > 0) {
        kill(t.pid, SIGTERM);
        int st;
        waitpid(t.pid, &st, 0);
    }
    ct_world_close(&t.w);
    return 0;
}

static void test_theme_tabs(void **state)
{
    (void)state;
    ct_response r = get("/themes/%llu", (unsigned long long)t.w.theme);
    EXPECT(r, 200, "Le numérique et les compétences de demain");
    assert_non_null(strstr(r.body, "aria-current=\"page\">Consultation"));
    assert_non_null(strstr(r.body, "href=\"/sections/"));
    assert_non_null(strstr(r.body, "Clos"));
    ct_response_release(&r);
    r = get("/themes/%llu/synthese", (unsigned long long)t.w.theme);
    EXPECT(r, 200, "<h4>Ce qui ressort</h4>");
    assert_non_null(strstr(r.body, "<strong>claire</strong>"));
    assert_non_null(strstr(r.body, "Chiffres arrêtés à la clôture"));
    assert_non_null(strstr(r.body, "<svg"));
    assert_non_null(strstr(r.body, "<title id=\"chart-votes-title\">Votes par valeur</title>"));
    assert_non_null(strstr(r.body, "<title id=\"chart-status-title\">"));
    assert_non_null(strstr(r.body, "<caption>Votes par valeur</caption>"));
    assert_non_null(strstr(r.body, "chart-days"));
    ct_response_release(&r);
    r = get("/themes/%llu/recommandations?lang=en", (unsigned long long)t.w.theme);
    EXPECT(r, 200, "<em>former</em>");
    assert_non_null(strstr(r.body, "<html lang=\"en\""));
    assert_non_null(strstr(r.body, "Recommendations"));
    ct_response_release(&r);
}

static void test_section(void **state)
{
    (void)state;
    unsigned long long s = (unsigned long long)t.w.section;
    ct_response r = get("/sections/%llu", s);
    EXPECT(r, 200, "Proposition numéro 25");
    assert_non_null(strstr(r.body, "rel=\"next\""));
    assert_null(strstr(r.body, "rel=\"prev\""));
    assert_null(strstr(r.body, "illicite secret"));
    assert_null(strstr(r.body, "Hors sujet total"));
    /* newest first */
    assert_true(strstr(r.body, "numéro 25") < strstr(r.body, "numéro 24"));
    ct_response_release(&r);
    r = get("/sections/%llu?page=2", s);
    EXPECT(r, 200, "rel=\"prev\"");
    assert_non_null(strstr(r.body, "Former au code"));
    ct_response_release(&r);
    r = get("/sections/%llu?sort=votes", s);
    EXPECT(r, 200, "Proposition numéro 04");
    { /* the most voted comes first */
        const char *first = strstr(strstr(r.body, "<ol class=\"contributions\""), "<h3>");
        assert_non_null(first);
        assert_true(strstr(first, "numéro 04") < strstr(first, "</h3>"));
    }
    ct_response_release(&r);
    r = get("/sections/%llu?sort=aleatoire&seed=42", s);
    EXPECT(r, 200, "sort=aleatoire&amp;seed=42&amp;page=2");
    ct_response r2 = get("/sections/%llu?sort=aleatoire&seed=42", s);
    assert_string_equal(strstr(r.body, "<ol class=\"contributions\""),
                        strstr(r2.body, "<ol class=\"contributions\""));
    ct_response_release(&r2);
    ct_response_release(&r);
    r = get("/sections/%llu?sort=controverses", s);
    EXPECT(r, 200, "Proposition");
    ct_response_release(&r);
    r = get("/sections/%llu?q=NUM%%C3%%89RO+07", s);
    EXPECT(r, 200, "Proposition numéro 07");
    assert_null(strstr(r.body, "numéro 08"));
    assert_non_null(strstr(r.body, "1 résultat(s)"));
    ct_response_release(&r);
}

static void test_contribution(void **state)
{
    (void)state;
    ct_response r = get("/contributions/%llu", (unsigned long long)t.edited);
    EXPECT(r, 200, "<h1>Former au code &lt;b&gt;vite&lt;/b&gt;</h1>");
    assert_non_null(strstr(r.body, "<strong>par semaine</strong>"));
    assert_null(strstr(r.body, "<script"));
    assert_null(strstr(r.body, "javascript:"));
    assert_non_null(strstr(r.body, "href=\"https://example.org/x\" rel=\"nofollow ugc noopener\""));
    assert_non_null(strstr(r.body, ">alice</a>"));
    assert_non_null(strstr(r.body, "Argument contre de Bob."));
    assert_non_null(strstr(r.body, "anonyme"));
    assert_non_null(strstr(r.body, "/versions\">Voir les 2 versions"));
    ct_response_release(&r);
    r = get("/contributions/%llu/versions", (unsigned long long)t.edited);
    EXPECT(r, 200, "Une heure par semaine.");
    assert_non_null(strstr(r.body, "Version 2"));
    ct_response_release(&r);
    r = get("/contributions/%llu", (unsigned long long)t.trashed);
    EXPECT(r, 200, "corbeille publique");
    assert_non_null(strstr(r.body, "Mise à la corbeille"));
    ct_response_release(&r);
    r = get("/contributions/%llu", (unsigned long long)t.removed);
    EXPECT(r, 404, "retiré");
    assert_null(strstr(r.body, "illicite secret"));
    ct_response_release(&r);
}

static void test_trash(void **state)
{
    (void)state;
    ct_response r = get("/corbeille");
    EXPECT(r, 200, "Hors sujet total");
    assert_non_null(strstr(r.body, "Texte mis à la corbeille."));
    assert_non_null(strstr(r.body, "hors-sujet"));
    assert_non_null(strstr(r.body, "incitation à la haine raciale"));
    assert_non_null(strstr(r.body, "<code class=\"hash\">"));
    assert_null(strstr(r.body, "illicite secret"));
    assert_non_null(strstr(r.body, "Achetez nos tablettes")); /* the demo's spam */
    ct_response_release(&r);
    r = get("/corbeille?theme=%llu", (unsigned long long)t.w.theme);
    EXPECT(r, 200, "Hors sujet total");
    assert_null(strstr(r.body, "Achetez nos tablettes"));
    ct_response_release(&r);
}

static void test_publications(void **state)
{
    (void)state;
    ct_response r = get("/rapport");
    EXPECT(r, 200, "Le rapport final x.");
    assert_null(strstr(r.body, "<i>"));
    ct_response_release(&r);
    r = get("/documents");
    EXPECT(r, 200, "Contribution de l&#39;association");
    assert_non_null(strstr(r.body, t.doc_hex));
    ct_response_release(&r);
    r = get("/documents/%s", t.doc_hex);
    EXPECT(r, 200, "%PDF-1.4");
    assert_string_equal(ct_header(&r, "content-type"), "application/pdf");
    assert_non_null(strstr(ct_header(&r, "content-disposition"), "attachment"));
    assert_non_null(strstr(ct_header(&r, "cache-control"), "immutable"));
    ct_response_release(&r);
    r = get("/rencontres");
    EXPECT(r, 200, "Journée de test à Lille");
    ct_response_release(&r);
    r = get("/rencontres/%llu", (unsigned long long)t.meeting);
    EXPECT(r, 200, "<em>trente</em>");
    ct_response_release(&r);
}

static void test_static_pages(void **state)
{
    (void)state;
    ct_response r = get("/donnees-ouvertes");
    EXPECT(r, 200, "test.example/log+");
    assert_non_null(strstr(r.body, "href=\"/checkpoint\""));
    assert_non_null(strstr(r.body, "concerto export"));
    ct_response_release(&r);
    r = get("/charte");
    EXPECT(r, 200, "LCEN");
    assert_non_null(strstr(r.body, "doublon"));
    ct_response_release(&r);
    r = get("/faq");
    EXPECT(r, 200, "Mon avis risque-t-il d’être censuré ?</h2>");
    assert_non_null(strstr(r.body, "<ol>"));
    ct_response_release(&r);
    r = get("/charte?lang=en");
    EXPECT(r, 200, "Moderation charter");
    ct_response_release(&r);
}

static void test_participants(void **state)
{
    (void)state;
    ct_response r = get("/participants/%s", t.w.alice.s);
    EXPECT(r, 200, "Participant : alice");
    assert_non_null(strstr(r.body, "Former au code"));
    ct_response_release(&r);
    r = get("/participants/%s", t.w.bob.s);
    EXPECT(r, 200, "Participant : anonyme");
    assert_null(strstr(r.body, "bob"));
    ct_response_release(&r);
}

static void test_bad_input(void **state)
{
    (void)state;
    unsigned long long s = (unsigned long long)t.w.section;
    struct {
        int status;
        char path[200];
    } cases[] = {
        {404, "/themes/abc"},
        {404, "/themes/0"},
        {404, "/themes/999999999"},
        {404, "/themes/-1"},
        {404, "/themes/99999999999999999999999"},
        {404, "/themes/1/nope"},
        {404, "/sections/x1"},
        {404, "/contributions/007"},
        {404, "/rencontres/abc"},
        {404, "/documents/zz"},
        {404, "/documents/0000000000000000000000000000000000000000000000000000000000000000"},
        {404, "/participants/nobody"},
        {404, "/participants/aaaaaaaaaaaaaaaa"},
        {400, "/corbeille?theme=abc"},
        {400, "/corbeille?page=0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ct_response r = get("%s", cases[i].path);
        if (r.status != cases[i].status) fprintf(stderr, "%s -> %d\n", cases[i].path, r.status);
        assert_int_equal(r.status, cases[i].status);
        assert_non_null(strstr(r.body, "<h1>"));
        ct_response_release(&r);
    }
    /* ids of the wrong kind */
    ct_response r = get("/themes/%llu", s);
    EXPECT(r, 404, "Ce contenu n&#39;existe pas.");
    ct_response_release(&r);
    r = get("/contributions/%llu?lang=en", (unsigned long long)t.argument);
    EXPECT(r, 404, "This content does not exist.");
    ct_response_release(&r);
    r = get("/sections/%llu", (unsigned long long)t.edited);
    EXPECT(r, 404, NULL);
    ct_response_release(&r);
    const char *bad[] = {"sort=nope", "page=0", "page=abc",
                         "page=-1",   "seed=1", "sort=aleatoire&seed=x",
                         "q=%%zz",    "q=%%00"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char q[64];
        snprintf(q, sizeof q, bad[i], 0);
        r = get("/sections/%llu?%s", s, q);
        if (r.status != 400) fprintf(stderr, "%s -> %d\n", q, r.status);
        assert_int_equal(r.status, 400);
        ct_response_release(&r);
    }
    r = get("/sections/%llu?page=99", s);
    EXPECT(r, 404, NULL);
    ct_response_release(&r);
    char longq[300];
    memset(longq, 'a', 200);
    longq[200] = '\0';
    r = get("/sections/%llu?q=%s", s, longq);
    EXPECT(r, 400, "trop longue");
    ct_response_release(&r);
    r = get("/sections/%llu?q=%s&lang=en", s, longq);
    EXPECT(r, 400, "too long");
    ct_response_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_theme_tabs),   cmocka_unit_test(test_section),
        cmocka_unit_test(test_contribution), cmocka_unit_test(test_trash),
        cmocka_unit_test(test_publications), cmocka_unit_test(test_static_pages),
        cmocka_unit_test(test_participants), cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
