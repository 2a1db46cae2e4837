/* test_api.c - the JSON API (http/api.c) on the real server.
 *
 * The fixture is the test world of tests/support.h with the demo
 * consultation loaded on top, plus what the demo lacks: an edit, a vote
 * change, an argument whose text needs escaping, a trashed and a removed
 * contribution, a participant who posts and then erases their account, and
 * a synthesis. The server (cc_serve_main, as `concerto serve` runs it) is
 * started in a child on a loopback port and every answer is parsed with
 * jansson: values are checked, not just status codes. */
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

#include <jansson.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ESCAPED_TEXT "Il faut des \"guillemets\", une \\ barre,\nune ligne et des accents : é à ü"

static struct {
    ct_world w;
    pid_t pid;
    uint16_t port;
    uint64_t size;
    uint64_t edited, trashed, removed, erased_post, argument, synthesis;
    cc_pseudonym carol;
} fx;

static void must(int rc, const char *what)
{
    if (rc) {
        fprintf(stderr, "fixture: %s: %s\n", what, cc_strerror(rc));
        abort();
    }
}

static uint64_t run(cc_command *cmd, const char *what)
{
    must(ct_exec(&fx.w, cmd), what);
    return cmd->result.seq;
}

static void make_world(void)
{
    ct_world *w = &fx.w;
    ct_world_open(w);
    must(cc_demo_load(w->w, &w->admin, 0), "demo");
    cc_command cmd;
    /* an edit */
    ct_target(&cmd, CC_EV_CONTRIBUTION_EDITED, &w->alice, w->contribution);
    cc_command_body(&cmd, CC_B_TITLE, "Former au code, version 2");
    cc_command_body(&cmd, CC_B_TEXT, "Deux heures par semaine.");
    fx.edited = run(&cmd, "edit");
    /* a vote, then its change */
    ct_target(&cmd, CC_EV_VOTE_CAST, &w->bob, w->contribution);
    cmd.event.value = CC_VOTE_AGREE;
    cc_event_set(&cmd.event, CC_F_VALUE);
    run(&cmd, "vote");
    ct_target(&cmd, CC_EV_VOTE_CHANGED, &w->bob, w->contribution);
    cmd.event.value = CC_VOTE_DISAGREE;
    cc_event_set(&cmd.event, CC_F_VALUE);
    run(&cmd, "vote change");
    /* an argument that needs escaping */
    ct_target(&cmd, CC_EV_ARGUMENT_POSTED, &w->bob, w->contribution);
    cmd.event.side = CC_SIDE_FOR;
    cc_event_set(&cmd.event, CC_F_SIDE);
    cc_command_body(&cmd, CC_B_TEXT, ESCAPED_TEXT);
    fx.argument = run(&cmd, "argument");
    /* a trashed and a removed contribution */
    ct_post(&cmd, &w->bob, w->section, "Achetez maintenant", "Publicité.");
    fx.trashed = run(&cmd, "post to trash");
    ct_target(&cmd, CC_EV_ITEM_TRASHED, &w->mod, fx.trashed);
    cmd.event.reason = CC_TRASH_SPAM;
    cc_event_set(&cmd.event, CC_F_TRASH_REASON);
    cc_command_body(&cmd, CC_B_TEXT, "Publicité (charte).");
    run(&cmd, "trash");
    ct_post(&cmd, &w->bob, w->section, "Texte illicite", "Contenu illicite à retirer.");
    fx.removed = run(&cmd, "post to remove");
    ct_target(&cmd, CC_EV_ITEM_REMOVED, &w->mod, fx.removed);
    cmd.event.ground = CC_GROUND_RACIAL_HATRED;
    cc_event_set(&cmd.event, CC_F_GROUND);
    run(&cmd, "remove");
    /* a participant who posts, then erases their account */
    fx.carol = ct_register(w, "carol", "carol@example.org");
    ct_post(&cmd, &fx.carol, w->section, "Une idée de Carol", "Des ateliers le samedi.");
    fx.erased_post = run(&cmd, "carol posts");
    cc_command_init(&cmd, CC_CMD_ACCOUNT_ERASE);
    cmd.actor = fx.carol;
    cmd.subject = fx.carol;
    must(ct_exec(w, &cmd), "erase");
    /* a synthesis */
    uint64_t n = ct_log_size(w);
    cc_command_event(&cmd, CC_EV_SYNTHESIS_PUBLISHED, &w->admin);
    cmd.event.theme = w->theme;
    cmd.event.log_size = n;
    cc_event_set(&cmd.event, CC_F_THEME);
    cc_event_set(&cmd.event, CC_F_LOG_SIZE);
    cc_command_body(&cmd, CC_B_TITLE, "Synthèse du thème");
    cc_command_body(&cmd, CC_B_TEXT, "Ce que les participants ont dit.");
    fx.synthesis = run(&cmd, "synthesis");
    fx.size = ct_log_size(w);
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
        char *argv[] = {"serve",     "--data", (char *)dir,    "--listen",  "127.0.0.1:0",
                        "--threads", "2",      "--access-log", "/dev/null", NULL};
        exit(cc_serve_main(9, argv));
    }
    close(p[1]);
    char line[512];
    size_t n = 0;
    while (n < sizeof line - 1) {
        ssize_t r = read(p[0], line + n, 1);
        if (r <= 0 || line[n] == '\n') break;
        n++;
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

/* GET path; the body parsed (NULL when it is not JSON); status in *status. */
static json_t *get(const char *path, int *status)
{
    ct_response r = ct_request(fx.port, "GET", path, NULL);
    *status = r.status;
    json_error_t e;
    json_t *j = r.body_len ? json_loadb(r.body, r.body_len, 0, &e) : NULL;
    if (r.status != 304) {
        const char *ct = ct_header(&r, "content-type");
        if (!ct || strcmp(ct, "application/json; charset=utf-8")) {
            fprintf(stderr, "%s: content-type %s\n", path, ct ? ct : "(none)");
            fail();
        }
        if (!j) fprintf(stderr, "%s: not JSON: %s\n%s\n", path, e.text, r.body);
    }
    ct_response_release(&r);
    return j;
}

static json_t *get_ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static json_t *get_ok(const char *fmt, ...)
{
    char path[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    int status;
    json_t *j = get(path, &status);
    if (status != 200) fprintf(stderr, "%s: status %d\n", path, status);
    assert_int_equal(status, 200);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "log_size")), fx.size);
    return j;
}

static json_int_t num(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    if (!json_is_integer(v)) {
        fprintf(stderr, "no integer \"%s\"\n", k);
        fail();
    }
    return json_integer_value(v);
}

static const char *str(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    if (!json_is_string(v)) {
        fprintf(stderr, "no string \"%s\"\n", k);
        fail();
    }
    return json_string_value(v);
}

static json_t *find_id(json_t *items, const char *key, json_int_t id)
{
    size_t i;
    json_t *it;
    json_array_foreach(items, i,
                       it) if (json_integer_value(json_object_get(it, key)) == id) return it;
    return NULL;
}

static int setup(void **state)
{
    (void)state;
    make_world();
    fx.pid = start_server(fx.w.dir, &fx.port);
    double deadline = now_s() + 60;
    for (;;) {
        ct_response r = ct_request(fx.port, "GET", "/api/v1/stats", NULL);
        json_t *j = r.status == 200 ? json_loadb(r.body, r.body_len, 0, NULL) : NULL;
        int ready = j && (uint64_t)json_integer_value(json_object_get(j, "log_size")) == fx.size;
        json_decref(j);
        ct_response_release(&r);
        if (ready) return 0;
        if (now_s() > deadline) {
            fprintf(stderr, "the views never caught up\n");
            return -1;
        }
        usleep(50000);
    }
}

static int teardown(void **state)
{
    (void)state;
    if (fx.pid > 0) {
        kill(fx.pid, SIGTERM);
        int st;
        waitpid(fx.pid, &st, 0);
    }
    ct_world_close(&fx.w);
    return 0;
}

/* ---- tests -------------------------------------------------------------- */

static void consultation(void **state)
{
    (void)state;
    json_t *j = get_ok("/api/v1/consultation");
    assert_string_equal(str(j, "title"), "Concertation nationale sur le numérique à l'école");
    assert_true(strlen(str(j, "text")) > 10);
    assert_int_equal(strlen(str(j, "commitment")), 64);
    json_t *themes = json_object_get(j, "themes");
    assert_int_equal(json_array_size(themes), 6); /* the world's and the demo's five */
    json_t *t = find_id(themes, "id", (json_int_t)fx.w.theme);
    assert_non_null(t);
    assert_string_equal(str(t, "title"), "Le numérique et les compétences de demain");
    assert_string_equal(str(t, "state"), "open");
    json_decref(j);
}

static void themes_pagination(void **state)
{
    (void)state;
    json_t *j = get_ok("/api/v1/themes?limit=4");
    assert_int_equal(num(j, "total"), 6);
    assert_int_equal(num(j, "offset"), 0);
    assert_int_equal(num(j, "limit"), 4);
    assert_int_equal(json_array_size(json_object_get(j, "items")), 4);
    assert_string_equal(str(j, "next"), "/api/v1/themes?offset=4&limit=4");
    json_t *j2 = get_ok("%s", str(j, "next"));
    assert_int_equal(json_array_size(json_object_get(j2, "items")), 2);
    assert_true(json_is_null(json_object_get(j2, "next")));
    /* no overlap between the pages */
    json_t *it;
    size_t i;
    json_array_foreach(json_object_get(j2, "items"), i, it)
        assert_null(find_id(json_object_get(j, "items"), "id", num(it, "id")));
    json_decref(j);
    json_decref(j2);
    j = get_ok("/api/v1/themes?offset=100");
    assert_int_equal(json_array_size(json_object_get(j, "items")), 0);
    assert_int_equal(num(j, "total"), 6);
    assert_true(json_is_null(json_object_get(j, "next")));
    json_decref(j);
    j = get_ok("/api/v1/themes");
    assert_int_equal(num(j, "limit"), 20);
    json_decref(j);
}

static void theme_and_stats(void **state)
{
    (void)state;
    json_t *j = get_ok("/api/v1/themes/%llu", (unsigned long long)fx.w.theme);
    assert_int_equal(num(j, "id"), fx.w.theme);
    assert_string_equal(str(j, "state"), "open");
    assert_string_equal(str(j, "opens_at"), "1970-01-01T00:00:01.000Z");
    assert_int_equal(num(j, "contributions"), 2); /* live ones: edited + carol's */
    json_t *sections = json_object_get(j, "sections");
    assert_int_equal(json_array_size(sections), 2);
    json_t *s = find_id(sections, "id", (json_int_t)fx.w.section);
    assert_string_equal(str(s, "kind"), "proposals");
    assert_true(json_is_true(json_object_get(s, "posting")));
    assert_string_equal(str(s, "title"), "Propositions");
    json_decref(j);

    j = get_ok("/api/v1/themes/%llu/stats", (unsigned long long)fx.w.theme);
    json_t *c = json_object_get(j, "counters");
    assert_int_equal(num(c, "contributions"), 3); /* removed one subtracted */
    assert_int_equal(num(c, "edits"), 1);
    assert_int_equal(num(c, "votes_disagree"), 1);
    assert_int_equal(num(c, "trashed"), 1);
    assert_int_equal(num(c, "removed"), 1);
    assert_int_equal(num(c, "participants_citizen"), num(c, "participants"));
    assert_true(json_is_null(json_object_get(j, "at_close")));
    json_t *days = json_object_get(j, "days");
    assert_true(num(days, "total") >= 1);
    assert_int_equal(json_array_size(json_object_get(days, "items")), num(days, "total"));
    json_decref(j);

    j = get_ok("/api/v1/stats");
    assert_int_equal(num(j, "scope"), 0);
    assert_string_equal(str(j, "scope_kind"), "consultation");
    assert_true(num(json_object_get(j, "counters"), "contributions") >= 6);
    json_decref(j);
}

static void contributions_and_sorts(void **state)
{
    (void)state;
    unsigned long long sec = fx.w.section;
    json_t *j = get_ok("/api/v1/sections/%llu/contributions", sec);
    json_t *items = json_object_get(j, "items");
    assert_int_equal(num(j, "total"), 2); /* trashed and removed are in the bin */
    assert_int_equal(num(json_array_get(items, 0), "id"), fx.erased_post); /* recent first */
    json_decref(j);
    j = get_ok("/api/v1/sections/%llu/contributions?sort=oldest&limit=1", sec);
    assert_int_equal(num(json_array_get(json_object_get(j, "items"), 0), "id"), fx.w.contribution);
    char next[128];
    snprintf(next, sizeof next, "/api/v1/sections/%llu/contributions?sort=oldest&offset=1&limit=1",
             sec);
    assert_string_equal(str(j, "next"), next);
    json_decref(j);
    j = get_ok("/api/v1/sections/%llu/contributions?sort=votes", sec);
    assert_int_equal(num(json_array_get(json_object_get(j, "items"), 0), "id"), fx.w.contribution);
    json_decref(j);
    j = get_ok("/api/v1/sections/%llu/contributions?sort=controversial", sec);
    assert_int_equal(num(j, "total"), 2);
    json_decref(j);
    json_t *r1 = get_ok("/api/v1/sections/%llu/contributions?sort=random&seed=7", sec);
    json_t *r2 = get_ok("/api/v1/sections/%llu/contributions?sort=random&seed=7", sec);
    assert_true(json_equal(json_object_get(r1, "items"), json_object_get(r2, "items")));
    assert_int_equal(json_array_size(json_object_get(r1, "items")), 2);
    json_decref(r1);
    json_decref(r2);
}

static void contribution_detail(void **state)
{
    (void)state;
    unsigned long long id = fx.w.contribution;
    json_t *j = get_ok("/api/v1/contributions/%llu", id);
    assert_string_equal(str(j, "title"), "Former au code, version 2");
    assert_string_equal(str(j, "text"), "Deux heures par semaine.");
    assert_string_equal(str(j, "state"), "published");
    assert_int_equal(num(j, "versions"), 2);
    assert_int_equal(num(j, "votes_agree"), 0);
    assert_int_equal(num(j, "votes_disagree"), 1);
    assert_int_equal(num(j, "arguments_for"), 1);
    assert_true(json_is_string(json_object_get(j, "edited_at")));
    json_t *author = json_object_get(j, "author");
    assert_string_equal(str(author, "pseudonym"), fx.w.alice.s);
    assert_string_equal(str(author, "username"), "alice");
    assert_string_equal(str(author, "status"), "citizen");
    assert_true(json_is_null(json_object_get(author, "organisation")));
    assert_true(json_is_false(json_object_get(author, "erased")));
    json_decref(j);

    j = get_ok("/api/v1/contributions/%llu/versions", id);
    json_t *items = json_object_get(j, "items");
    assert_int_equal(num(j, "total"), 2);
    assert_int_equal(num(json_array_get(items, 0), "version"), 1);
    assert_string_equal(str(json_array_get(items, 0), "text"), "Une heure par semaine.");
    assert_int_equal(num(json_array_get(items, 1), "id"), fx.edited);
    json_decref(j);

    j = get_ok("/api/v1/contributions/%llu/arguments?side=for&sort=votes", id);
    json_t *arg = find_id(json_object_get(j, "items"), "id", (json_int_t)fx.argument);
    assert_non_null(arg);
    assert_string_equal(str(arg, "text"), ESCAPED_TEXT);
    assert_string_equal(str(arg, "side"), "for");
    json_decref(j);
    j = get_ok("/api/v1/contributions/%llu/arguments?side=against", id);
    assert_int_equal(num(j, "total"), 0);
    json_decref(j);
    j = get_ok("/api/v1/contributions/%llu/sources", id);
    assert_int_equal(num(j, "total"), 0);
    json_decref(j);
    j = get_ok("/api/v1/contributions/%llu/comments?sort=oldest", id);
    assert_int_equal(num(j, "total"), 0);
    json_decref(j);
}

static void moderation(void **state)
{
    (void)state;
    json_t *j = get_ok("/api/v1/contributions/%llu", (unsigned long long)fx.removed);
    assert_string_equal(str(j, "state"), "removed");
    assert_true(json_is_true(json_object_get(j, "removed")));
    assert_int_equal(strlen(str(j, "commitment")), 64);
    assert_null(json_object_get(j, "title"));
    assert_null(json_object_get(j, "text"));
    json_decref(j);
    j = get_ok("/api/v1/contributions/%llu/versions", (unsigned long long)fx.removed);
    json_t *v = json_array_get(json_object_get(j, "items"), 0);
    assert_true(json_is_true(json_object_get(v, "removed")));
    assert_null(json_object_get(v, "text"));
    json_decref(j);

    j = get_ok("/api/v1/contributions/%llu/decisions", (unsigned long long)fx.trashed);
    assert_int_equal(num(j, "total"), 1);
    json_t *d = json_array_get(json_object_get(j, "items"), 0);
    assert_string_equal(str(d, "decision"), "trashed");
    assert_string_equal(str(d, "reason"), "spam");
    assert_string_equal(str(d, "moderator"), fx.w.mod.s);
    assert_string_equal(str(d, "note"), "Publicité (charte).");
    json_decref(j);

    j = get_ok("/api/v1/trash?theme=%llu", (unsigned long long)fx.w.theme);
    assert_int_equal(num(j, "total"), 2);
    json_t *items = json_object_get(j, "items");
    json_t *rm = find_id(items, "item", (json_int_t)fx.removed);
    json_t *tr = find_id(items, "item", (json_int_t)fx.trashed);
    assert_string_equal(str(rm, "state"), "removed");
    assert_string_equal(str(rm, "reason"), "racial_hatred");
    assert_true(json_is_true(json_object_get(rm, "removed")));
    assert_null(json_object_get(rm, "text"));
    assert_null(json_object_get(rm, "title"));
    assert_string_equal(str(tr, "title"), "Achetez maintenant");
    assert_string_equal(str(json_object_get(tr, "author"), "username"), "bob");
    assert_string_equal(str(tr, "note"), "Publicité (charte).");
    json_decref(j);
    j = get_ok("/api/v1/trash");
    assert_int_equal(num(j, "total"), 3); /* and the demo's trashed contribution */
    json_decref(j);
}

static void participants(void **state)
{
    (void)state;
    json_t *j = get_ok("/api/v1/contributions/%llu", (unsigned long long)fx.erased_post);
    json_t *author = json_object_get(j, "author");
    assert_string_equal(str(author, "pseudonym"), fx.carol.s);
    assert_true(json_is_true(json_object_get(author, "erased")));
    assert_true(json_is_null(json_object_get(author, "username")));
    assert_string_equal(str(j, "text"), "Des ateliers le samedi.");
    json_decref(j);

    j = get_ok("/api/v1/participants/%s", fx.carol.s);
    assert_true(json_is_true(json_object_get(j, "erased")));
    assert_true(json_is_null(json_object_get(j, "username")));
    assert_int_equal(num(j, "contributions"), 1);
    json_decref(j);

    j = get_ok("/api/v1/participants/%s", fx.w.alice.s);
    assert_string_equal(str(j, "username"), "alice");
    assert_true(num(j, "history") >= 2);
    json_decref(j);
    j = get_ok("/api/v1/participants/%s/history?limit=1", fx.w.alice.s);
    json_t *h = json_array_get(json_object_get(j, "items"), 0);
    assert_string_equal(str(h, "type"), "contribution.edited"); /* newest first */
    assert_int_equal(num(h, "item"), fx.w.contribution);
    assert_true(json_is_string(json_object_get(j, "next")));
    json_decref(j);
}

static void publications_documents_meetings(void **state)
{
    (void)state;
    json_t *j = get_ok("/api/v1/publications");
    json_t *p = find_id(json_object_get(j, "items"), "id", (json_int_t)fx.synthesis);
    assert_non_null(p);
    assert_string_equal(str(p, "type"), "synthesis");
    assert_int_equal(num(p, "theme"), fx.w.theme);
    assert_int_equal(num(p, "log_size"), fx.synthesis);
    assert_string_equal(str(p, "title"), "Synthèse du thème");
    assert_string_equal(str(p, "text"), "Ce que les participants ont dit.");
    json_decref(j);
    j = get_ok("/api/v1/publications?type=recommendations&theme=%llu",
               (unsigned long long)fx.w.theme);
    assert_int_equal(num(j, "total"), 0);
    json_decref(j);
    j = get_ok("/api/v1/documents");
    assert_true(json_is_array(json_object_get(j, "items")));
    assert_int_equal(json_array_size(json_object_get(j, "items")), num(j, "total"));
    json_decref(j);
    j = get_ok("/api/v1/meetings?sort=date");
    assert_true(json_is_array(json_object_get(j, "items")));
    json_decref(j);
}

static void etag_and_304(void **state)
{
    (void)state;
    ct_response r = ct_request(fx.port, "GET", "/api/v1/themes", NULL);
    assert_int_equal(r.status, 200);
    char etag[128];
    snprintf(etag, sizeof etag, "%s", ct_header(&r, "etag"));
    ct_response_release(&r);
    assert_true(etag[0] == '"');
    char extra[200];
    snprintf(extra, sizeof extra, "If-None-Match: %s\r\n", etag);
    r = ct_request(fx.port, "GET", "/api/v1/themes", extra);
    assert_int_equal(r.status, 304);
    ct_response_release(&r);
    r = ct_request(fx.port, "GET", "/api/v1/themes?limit=1", extra);
    assert_int_equal(r.status, 200);
    ct_response_release(&r);
    r = ct_request(fx.port, "HEAD", "/api/v1/themes", NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body_len, 0);
    ct_response_release(&r);
}

static void bad_requests(void **state)
{
    (void)state;
    char removed[64], theme[64], section[64], carol[64];
    snprintf(removed, sizeof removed, "/api/v1/contributions/%llu/sources?sort=votes",
             (unsigned long long)fx.w.contribution);
    snprintf(theme, sizeof theme, "/api/v1/contributions/%llu", (unsigned long long)fx.w.theme);
    char sort[64];
    snprintf(section, sizeof section, "/api/v1/sections/%llu/contributions?seed=1",
             (unsigned long long)fx.w.section);
    snprintf(sort, sizeof sort, "/api/v1/sections/%llu/contributions?sort=hot",
             (unsigned long long)fx.w.section);
    snprintf(carol, sizeof carol, "/api/v1/participants/%s/nope", fx.carol.s);
    static const struct {
        const char *path;
        int status;
        const char *code;
    } cases[] = {
        {"/api/v1/themes?limit=0", 400, "bad_parameter"},
        {"/api/v1/themes?limit=201", 400, "bad_parameter"},
        {"/api/v1/themes?limit=abc", 400, "bad_parameter"},
        {"/api/v1/themes?offset=-1", 400, "bad_parameter"},
        {"/api/v1/themes?offset=99999999999999999999999", 400, "bad_parameter"},
        {"/api/v1/themes?offset=", 400, "bad_parameter"},
        {"/api/v1/themes?foo=1", 400, "unknown_parameter"},
        {"/api/v1/themes?%C3%A9%22=1", 400, "unknown_parameter"},
        {"/api/v1/themes?%FF=1", 400, "unknown_parameter"},
        {"/api/v1/consultation?limit=1", 400, "unknown_parameter"},
        {"/api/v1/themes?limit=1&limit=2", 400, "duplicate_parameter"},
        {"/api/v1/themes?offset=%zz", 400, "malformed_query"},
        {"/api/v1/themes?offset=%4", 400, "malformed_query"},
        {"/api/v1/contributions/abc", 400, "bad_id"},
        {"/api/v1/contributions/007", 400, "bad_id"},
        {"/api/v1/contributions/-1", 400, "bad_id"},
        {"/api/v1/contributions/99999999", 404, "not_found"},
        {"/api/v1/contributions/18446744073709551615", 404, "not_found"},
        {"/api/v1/themes/99999/stats", 404, "not_found"},
        {"/api/v1/themes/1/nope", 404, "not_found"},
        {"/api/v1/participants/short", 400, "bad_id"},
        {"/api/v1/participants/AAAAAAAAAAAAAAAA", 400, "bad_id"},
        {"/api/v1/participants/aaaaaaaaaaaaaaaa", 404, "not_found"},
        {"/api/v1/nope", 404, "not_found"},
        {"/api/v1/themes/", 404, "not_found"},
        {"/api/v1/contributions//versions", 404, "not_found"},
        {"/api/v2/themes", 404, "not_found"},
        {"/api/v1/trash?theme=abc", 400, "bad_parameter"},
        {"/api/v1/trash?theme=999999", 404, "not_found"},
        {"/api/v1/publications?type=poem", 400, "bad_parameter"},
        {"/api/v1/meetings?sort=votes", 400, "bad_parameter"},
    };
    const struct {
        const char *path;
        int status;
        const char *code;
    } dyn[] = {
        {removed, 400, "bad_parameter"}, {theme, 404, "not_found"},
        {section, 400, "bad_parameter"}, {carol, 404, "not_found"},
        {sort, 400, "bad_parameter"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0] + sizeof dyn / sizeof dyn[0]; i++) {
        size_t n = sizeof cases / sizeof cases[0];
        const char *path = i < n ? cases[i].path : dyn[i - n].path;
        int want = i < n ? cases[i].status : dyn[i - n].status;
        const char *code = i < n ? cases[i].code : dyn[i - n].code;
        int status;
        json_t *j = get(path, &status);
        if (status != want || !j) fprintf(stderr, "%s: status %d, want %d\n", path, status, want);
        assert_int_equal(status, want);
        assert_non_null(j);
        json_t *e = json_object_get(j, "error");
        if (strcmp(str(e, "code"), code)) fprintf(stderr, "%s: code %s\n", path, str(e, "code"));
        assert_string_equal(str(e, "code"), code);
        assert_true(strlen(str(e, "message")) > 5);
        json_decref(j);
    }
    ct_response r = ct_request(fx.port, "POST", "/api/v1/themes", "Content-Length: 0\r\n");
    assert_int_equal(r.status, 405);
    ct_response_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(consultation),        cmocka_unit_test(themes_pagination),
        cmocka_unit_test(theme_and_stats),     cmocka_unit_test(contributions_and_sorts),
        cmocka_unit_test(contribution_detail), cmocka_unit_test(moderation),
        cmocka_unit_test(participants),        cmocka_unit_test(publications_documents_meetings),
        cmocka_unit_test(etag_and_304),        cmocka_unit_test(bad_requests),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
