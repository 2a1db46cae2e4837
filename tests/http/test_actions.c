/* test_actions.c - participation (post, edit, argue, source, comment, vote,
 * up-vote, flag) and the contact form against the real server
 * (cc_serve_main in a child on a loopback port). The ledger is the
 * ct_world fixture plus participants with real argon2id hashes, a closed
 * theme and a trashed contribution; sessions come from logging in through
 * /connexion. Every write is checked end to end (POST with CSRF -> 303 ->
 * the page it leads to shows the write, the log grew by exactly the
 * expected events) and every refusal to leave the log as it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"
#include "http_client.h"
#include "ledger.h"
#include "log.h"
#include "serve.h"
#include "support.h"
#include "vault.h"
#include "writer.h"

#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct {
    ct_world w;
    pid_t pid;
    uint16_t port;
    uint64_t closed_contrib, trashed;
    char paul[128], marie[128], spammer[128]; /* session cookie pairs */
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

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* An account with a real password hash, so that it can log in. */
static void account(const char *user)
{
    cc_command cmd;
    char email[128];
    snprintf(email, sizeof email, "%s@example.org", user);
    cc_command_init(&cmd, CC_CMD_ACCOUNT_CREATE);
    snprintf(cmd.account.username, sizeof cmd.account.username, "%s", user);
    snprintf(cmd.account.email, sizeof cmd.account.email, "%s", email);
    must(cc_password_hash("motdepasse-solide", 17, cmd.account.pwhash), "hash");
    cmd.account.status = CC_STATUS_CITIZEN;
    exec(&cmd, "account create");
    char token[CC_TOKEN_TEXT_LEN + 1];
    memcpy(token, cmd.result.token, sizeof token);
    cc_command_init(&cmd, CC_CMD_ACCOUNT_CONFIRM);
    cmd.token = token;
    cmd.token_len = strlen(token);
    exec(&cmd, "account confirm");
}

static void build_world(void)
{
    ct_world *w = &t.w;
    cc_command cmd;
    ct_world_open(w);
    account("paul");
    account("marie");
    account("spammer");
    /* a second theme, opened, with a contribution, then closed */
    cc_command_event(&cmd, CC_EV_THEME_CREATED, &w->admin);
    cmd.event.order = 2;
    cmd.event.opens = 1000;
    cmd.event.closes = 2000;
    cc_event_set(&cmd.event, CC_F_ORDER);
    cc_event_set(&cmd.event, CC_F_OPENS);
    cc_event_set(&cmd.event, CC_F_CLOSES);
    cc_command_body(&cmd, CC_B_TITLE, "Thème clos");
    uint64_t theme2 = exec(&cmd, "theme 2");
    cc_command_event(&cmd, CC_EV_SECTION_CREATED, &w->admin);
    cmd.event.theme = theme2;
    cmd.event.kind = CC_KIND_PROPOSALS;
    cmd.event.posting = 1;
    cmd.event.order = 1;
    cc_event_set(&cmd.event, CC_F_THEME);
    cc_event_set(&cmd.event, CC_F_KIND);
    cc_event_set(&cmd.event, CC_F_POSTING);
    cc_event_set(&cmd.event, CC_F_ORDER);
    cc_command_body(&cmd, CC_B_TITLE, "Propositions closes");
    uint64_t sec2 = exec(&cmd, "section 2");
    cc_command_event(&cmd, CC_EV_THEME_OPENED, &w->admin);
    cmd.event.theme = theme2;
    cc_event_set(&cmd.event, CC_F_THEME);
    exec(&cmd, "open 2");
    ct_post(&cmd, &w->alice, sec2, "Dans un thème clos", "Texte.");
    t.closed_contrib = exec(&cmd, "post closed");
    cc_command_event(&cmd, CC_EV_THEME_CLOSED, &w->admin);
    cmd.event.theme = theme2;
    cc_event_set(&cmd.event, CC_F_THEME);
    exec(&cmd, "close 2");
    /* a trashed contribution */
    ct_post(&cmd, &w->bob, w->section, "Hors sujet", "Texte mis à la corbeille.");
    t.trashed = exec(&cmd, "post trashed");
    ct_target(&cmd, CC_EV_ITEM_TRASHED, &w->mod, t.trashed);
    cmd.event.reason = CC_TRASH_OFF_TOPIC;
    cc_event_set(&cmd.event, CC_F_TRASH_REASON);
    cc_command_body(&cmd, CC_B_TEXT, "Sans rapport.");
    exec(&cmd, "trash");
    ct_world_stop(w);
}

static void start_server(void)
{
    int p[2];
    if (pipe(p)) abort();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) abort();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        dup2(p[1], STDOUT_FILENO);
        close(p[0]);
        close(p[1]);
        char *argv[] = {"serve",
                        "--data",
                        t.w.dir,
                        "--listen",
                        "127.0.0.1:0",
                        "--threads",
                        "2",
                        "--no-access-log",
                        "--rate-limit",
                        "login=1000/60",
                        "--contact-to",
                        "equipe@example.org",
                        NULL};
        exit(cc_serve_main(12, argv));
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
    if (!at) abort();
    t.port = (uint16_t)atoi(at + strlen("http://127.0.0.1:"));
    t.pid = pid;
}

/* ---- HTTP helpers ------------------------------------------------------------ */

static uint64_t log_size(void)
{
    cc_ledger l;
    cc_ledger_options ro = {0, 1};
    uint64_t size = 0;
    MDB_txn *txn;
    if (cc_ledger_open(&l, t.w.dir, &ro)) abort();
    if (cc_ledger_read_begin(&l, &txn) == 0) {
        cc_log_size(txn, l.log, &size);
        cc_ledger_read_end(&l, txn);
    }
    cc_ledger_close(&l);
    return size;
}

static ct_response post(const char *path, const char *cookie, const char *body)
{
    int fd = ct_connect(t.port);
    if (fd < 0) abort();
    char *req = NULL;
    if (asprintf(&req,
                 "POST %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                 "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n"
                 "%s%s%s\r\n%s",
                 path, strlen(body), cookie ? "Cookie: " : "", cookie ? cookie : "",
                 cookie ? "\r\n" : "", body) < 0)
        abort();
    ct_response r;
    if (ct_sends(fd, req) || ct_read_response(fd, 0, &r)) abort();
    free(req);
    close(fd);
    return r;
}

static ct_response get(const char *path, const char *cookie)
{
    char extra[600] = "";
    if (cookie) snprintf(extra, sizeof extra, "Cookie: %s\r\n", cookie);
    return ct_request(t.port, "GET", path, extra);
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle)) fail_msg("'%s' not found in:\n%.4000s", needle, hay);
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static const char *csrf_of(const ct_response *r)
{
    static char tok[64];
    const char *at = strstr(r->body, "name=\"csrf\" value=\"");
    if (!at) fail_msg("no csrf field in:\n%.3000s", r->body);
    at += strlen("name=\"csrf\" value=\"");
    size_t n = strcspn(at, "\"");
    assert_true(n < sizeof tok);
    memcpy(tok, at, n);
    tok[n] = '\0';
    return tok;
}

static const char *set_cookie(const ct_response *r, const char *name)
{
    static char pair[128];
    const char *p = r->head;
    size_t nl = strlen(name);
    while ((p = strcasestr(p, "\r\nset-cookie: "))) {
        p += strlen("\r\nset-cookie: ");
        if (!strncmp(p, name, nl) && p[nl] == '=') {
            size_t n = strcspn(p, ";\r");
            assert_true(n < sizeof pair);
            memcpy(pair, p, n);
            pair[n] = '\0';
            return pair;
        }
    }
    return NULL;
}

static void login(const char *user, char *session)
{
    ct_response r = get("/connexion", NULL);
    assert_int_equal(r.status, 200);
    char cookie[128], body[512];
    snprintf(cookie, sizeof cookie, "%s", set_cookie(&r, "cc_csrf"));
    snprintf(body, sizeof body, "csrf=%s&identifiant=%s&mot_de_passe=motdepasse-solide",
             csrf_of(&r), user);
    ct_response_release(&r);
    r = post("/connexion", cookie, body);
    assert_int_equal(r.status, 303);
    snprintf(session, 128, "%s", set_cookie(&r, "cc_session"));
    ct_response_release(&r);
}

/* The CSRF token of the session's forms (from a page it can see). */
static const char *token(const char *session)
{
    char path[64];
    snprintf(path, sizeof path, "/contributions/%llu", (unsigned long long)t.w.contribution);
    ct_response r = get(path, session);
    assert_int_equal(r.status, 200);
    static char tok[64];
    strcpy(tok, csrf_of(&r));
    ct_response_release(&r);
    return tok;
}

/* POST body (with "csrf=<token>&" in front) as session; expects status and,
 * for errors, the message in the page; checks the log grew by `grow`.
 * Returns the Location of a 303 (static buffer) or "". */
static const char *act(const char *path, const char *session, const char *fields, int status,
                       const char *message, uint64_t grow)
{
    static char loc[256];
    char *body = NULL;
    if (asprintf(&body, "csrf=%s&%s", session ? token(session) : "x", fields) < 0) abort();
    uint64_t before = log_size();
    ct_response r = post(path, session, body);
    free(body);
    if (r.status != status)
        fail_msg("%s: status %d, expected %d:\n%.3000s", path, r.status, status, r.body);
    if (message) assert_contains(r.body, message);
    loc[0] = '\0';
    if (status == 303) snprintf(loc, sizeof loc, "%s", ct_header(&r, "location"));
    ct_response_release(&r);
    assert_int_equal(log_size(), before + grow);
    return loc;
}

static ct_response follow(const char *loc, const char *session)
{
    ct_response r = get(loc, session);
    assert_int_equal(r.status, 200);
    return r;
}

static int setup(void **state)
{
    (void)state;
    build_world();
    start_server();
    login("paul", t.paul);
    login("marie", t.marie);
    login("spammer", t.spammer);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (t.pid > 0) {
        kill(t.pid, SIGTERM);
        waitpid(t.pid, NULL, 0);
    }
    ct_world_close(&t.w);
    return 0;
}

/* ---- tests --------------------------------------------------------------------- */

static void forms_shown(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "/contributions/%llu", (unsigned long long)t.w.contribution);
    ct_response r = get(path, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "Connectez-vous pour participer");
    assert_null(strstr(r.body, "action=\"/voter/"));
    ct_response_release(&r);
    r = get(path, t.paul);
    assert_contains(r.body, "action=\"/voter/");
    assert_contains(r.body, "action=\"/argumenter/");
    assert_contains(r.body, "action=\"/ajouter-source/");
    assert_contains(r.body, "action=\"/commenter/");
    assert_contains(r.body, "action=\"/signaler/");
    assert_contains(r.body, "value=\"hors_sujet\"");
    assert_true(count(r.body, "name=\"csrf\"") >= 5); /* every form has its token */
    assert_contains(r.body, "Vous n&#39;avez pas encore voté.");
    assert_null(strstr(r.body, "/modifier/")); /* not the author */
    ct_response_release(&r);
    snprintf(path, sizeof path, "/sections/%llu", (unsigned long long)t.w.section);
    r = get(path, t.paul);
    assert_contains(r.body, "action=\"/contribuer/");
    ct_response_release(&r);
    r = get(path, NULL);
    assert_contains(r.body, "Connectez-vous pour participer");
    ct_response_release(&r);
}

static void post_edit_argue(void **state)
{
    (void)state;
    char path[64], fields[512];
    snprintf(path, sizeof path, "/contribuer/%llu", (unsigned long long)t.w.section);
    const char *loc =
        act(path, t.paul, "titre=Apprendre+%C3%A0+coder&texte=Du+**Markdown**.", 303, NULL, 1);
    assert_true(strncmp(loc, "/contributions/", 15) == 0);
    uint64_t id = strtoull(loc + 15, NULL, 10);
    assert_true(id > 0);
    ct_response r = follow(loc, t.paul);
    assert_contains(r.body, "Apprendre à coder");
    assert_contains(r.body, "<strong>Markdown</strong>");
    assert_contains(r.body, "Modifier ma contribution"); /* the author's edit link */
    ct_response_release(&r);

    /* edit: versions kept */
    snprintf(path, sizeof path, "/modifier/%llu", (unsigned long long)id);
    r = get(path, t.paul);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "value=\"Apprendre à coder\"");
    ct_response_release(&r);
    loc = act(path, t.paul, "titre=Apprendre+%C3%A0+programmer&texte=Version+deux.", 303, NULL, 1);
    r = follow(loc, t.paul);
    assert_contains(r.body, "Apprendre à programmer");
    assert_contains(r.body, "Voir les 2 versions");
    ct_response_release(&r);
    char vpath[96];
    snprintf(vpath, sizeof vpath, "/contributions/%llu/versions", (unsigned long long)id);
    r = follow(vpath, NULL);
    assert_contains(r.body, "Apprendre à coder");
    assert_contains(r.body, "Apprendre à programmer");
    ct_response_release(&r);
    /* wrong author */
    r = get(path, t.marie);
    assert_int_equal(r.status, 403);
    ct_response_release(&r);
    act(path, t.marie, "titre=Vol&texte=Pas+%C3%A0+moi.", 403, "Seul l&#39;auteur", 0);

    /* argument, source, comment */
    snprintf(path, sizeof path, "/argumenter/%llu", (unsigned long long)id);
    loc = act(path, t.marie, "position=contre&texte=Argument+de+Marie+contre.", 303, NULL, 1);
    assert_contains(loc, "#arguments");
    r = follow(loc, t.marie);
    assert_contains(r.body, "Argument de Marie contre.");
    assert_contains(r.body, "Contre (1)");
    ct_response_release(&r);
    snprintf(path, sizeof path, "/ajouter-source/%llu", (unsigned long long)id);
    loc =
        act(path, t.marie,
            "titre=Rapport+officiel&url=https%3A%2F%2Fexample.org%2Frapport&texte=", 303, NULL, 1);
    r = follow(loc, t.marie);
    assert_contains(r.body, "href=\"https://example.org/rapport\"");
    assert_contains(r.body, "Rapport officiel");
    ct_response_release(&r);
    snprintf(path, sizeof path, "/commenter/%llu", (unsigned long long)id);
    loc = act(path, t.marie, "texte=Un+commentaire+utile.", 303, NULL, 1);
    r = follow(loc, t.marie);
    assert_contains(r.body, "Un commentaire utile.");
    ct_response_release(&r);

    /* votes: cast, double, change, withdraw, withdraw again */
    snprintf(path, sizeof path, "/voter/%llu", (unsigned long long)id);
    loc = act(path, t.marie, "valeur=accord", 303, NULL, 1);
    r = follow(loc, t.marie);
    assert_contains(r.body, "<dd class=\"agree\">1</dd>");
    assert_contains(r.body, "Votre vote actuel : <strong>D&#39;accord</strong>");
    assert_contains(r.body, "value=\"accord\" checked");
    assert_contains(r.body, "Retirer mon vote");
    ct_response_release(&r);
    act(path, t.marie, "valeur=accord", 409, "Vous avez déjà exprimé ce vote.", 0);
    loc = act(path, t.marie, "valeur=mitige", 303, NULL, 1);
    r = follow(loc, t.marie);
    assert_contains(r.body, "<dd class=\"agree\">0</dd>");
    assert_contains(r.body, "<dd class=\"mitigated\">1</dd>");
    assert_contains(r.body, "Votre vote actuel : <strong>Mitigé</strong>");
    ct_response_release(&r);
    loc = act(path, t.marie, "valeur=retirer", 303, NULL, 1);
    r = follow(loc, t.marie);
    assert_contains(r.body, "<dd class=\"mitigated\">0</dd>");
    assert_contains(r.body, "Vous n&#39;avez pas encore voté.");
    ct_response_release(&r);
    act(path, t.marie, "valeur=retirer", 409, "pas de vote à changer ou retirer", 0);
    act(path, t.marie, "valeur=soutien", 400, "Choisissez une des options", 0);

    /* up-vote the argument, withdraw */
    snprintf(fields, sizeof fields, "/contributions/%llu", (unsigned long long)id);
    r = follow(fields, t.paul);
    const char *at = strstr(r.body, "Soutenir des arguments");
    assert_non_null(at);
    at = strstr(at, "action=\"/voter/");
    assert_non_null(at);
    uint64_t arg = strtoull(at + strlen("action=\"/voter/"), NULL, 10);
    ct_response_release(&r);
    snprintf(path, sizeof path, "/voter/%llu", (unsigned long long)arg);
    act(path, t.paul, "valeur=accord", 400, "Choisissez une des options", 0);
    loc = act(path, t.paul, "valeur=soutien", 303, NULL, 1);
    r = follow(loc, t.paul);
    assert_contains(r.body, "1 vote(s) favorable(s)");
    assert_contains(r.body, "Vous soutenez cet argument.");
    ct_response_release(&r);
    loc = act(path, t.paul, "valeur=retirer", 303, NULL, 1);
    r = follow(loc, t.paul);
    assert_contains(r.body, "0 vote(s) favorable(s)");
    ct_response_release(&r);

    /* flag with a reason and details; twice is refused */
    snprintf(path, sizeof path, "/signaler/%llu", (unsigned long long)id);
    loc = act(path, t.marie, "raison=hors_sujet&details=Rien+%C3%A0+voir.", 303, NULL, 1);
    r = follow(loc, t.marie);
    assert_contains(r.body, "Vous avez signalé ce contenu");
    ct_response_release(&r);
    act(path, t.marie, "raison=spam&details=", 409, "déjà signalé", 0);
    /* flag an argument, without details */
    snprintf(path, sizeof path, "/signaler/%llu", (unsigned long long)arg);
    act(path, t.paul, "raison=injurieux&details=", 303, NULL, 1);
    act(path, t.paul, "raison=autre&details=", 400, "Précisez le motif", 0);
}

static void bad_input(void **state)
{
    (void)state;
    char path[64], post_path[64], *big;
    uint64_t c = t.w.contribution;
    snprintf(post_path, sizeof post_path, "/contribuer/%llu", (unsigned long long)t.w.section);
    act(post_path, t.paul, "titre=&texte=Texte", 400, "Ce champ est obligatoire.", 0);
    act(post_path, t.paul, "titre=Titre&texte=+%0A+", 400, "Ce champ est obligatoire.", 0);
    act(post_path, t.paul, "texte=Texte", 400, "Ce champ est obligatoire.", 0);
    big = malloc(30000);
    memset(big, 'a', 29999);
    big[29999] = '\0';
    char *f = NULL;
    if (asprintf(&f, "titre=Titre&texte=%s", big) < 0) abort();
    act(post_path, t.paul, f, 400, "Ce champ est trop long.", 0);
    free(f);
    big[300] = '\0';
    if (asprintf(&f, "titre=%s&texte=x", big) < 0) abort();
    act(post_path, t.paul, f, 400, "Ce champ est trop long.", 0);
    free(f);
    free(big);
    act(post_path, t.paul, "titre=Titre&texte=%C3%28", 400, "UTF-8", 0);
    act(post_path, t.paul, "titre=Ti%01tre&texte=x", 400, "caractères de contrôle", 0);
    act(post_path, t.paul, "titre=Ti%0Atre&texte=x", 400, "caractères de contrôle", 0);
    act(post_path, t.paul, "titre=x&titre=y&texte=x", 400, "mal formé", 0);
    /* the form comes back with what was typed */
    act(post_path, t.paul, "titre=Mon+titre+gard%C3%A9&texte=", 400, "value=\"Mon titre gardé\"",
        0);
    /* section that takes no contributions, unknown and wrong-kind ids */
    snprintf(path, sizeof path, "/contribuer/%llu", (unsigned long long)t.w.closed_section);
    act(path, t.paul, "titre=T&texte=x", 409, "n&#39;accepte pas de contributions", 0);
    act("/contribuer/999999", t.paul, "titre=T&texte=x", 404, NULL, 0);
    act("/contribuer/abc", t.paul, "titre=T&texte=x", 404, NULL, 0);
    snprintf(path, sizeof path, "/contribuer/%llu", (unsigned long long)c);
    act(path, t.paul, "titre=T&texte=x", 404, NULL, 0);
    act("/voter/999999", t.paul, "valeur=accord", 404, NULL, 0);
    /* source URL */
    snprintf(path, sizeof path, "/ajouter-source/%llu", (unsigned long long)c);
    act(path, t.paul, "titre=S&url=javascript%3Aalert(1)", 400, "Adresse invalide", 0);
    act(path, t.paul, "titre=S&url=example.org", 400, "Adresse invalide", 0);
    act(path, t.paul, "titre=S&url=", 400, "Ce champ est obligatoire.", 0);
    /* argument side, vote value, flag reason */
    snprintf(path, sizeof path, "/argumenter/%llu", (unsigned long long)c);
    act(path, t.paul, "position=peut-etre&texte=x", 400, "Choisissez une des options", 0);
    snprintf(path, sizeof path, "/voter/%llu", (unsigned long long)c);
    act(path, t.paul, "valeur=", 400, "Choisissez une des options", 0);
    act(path, t.paul, "valeur=bof", 400, "Choisissez une des options", 0);
    snprintf(path, sizeof path, "/signaler/%llu", (unsigned long long)c);
    act(path, t.paul, "raison=pas-beau", 400, "Choisissez une des options", 0);
    /* closed theme: 409 */
    snprintf(path, sizeof path, "/voter/%llu", (unsigned long long)t.closed_contrib);
    act(path, t.paul, "valeur=accord", 409, "Ce thème est clos", 0);
    snprintf(path, sizeof path, "/argumenter/%llu", (unsigned long long)t.closed_contrib);
    act(path, t.paul, "position=pour&texte=x", 409, "Ce thème est clos", 0);
    /* trashed target: 409 */
    snprintf(path, sizeof path, "/commenter/%llu", (unsigned long long)t.trashed);
    act(path, t.paul, "texte=x", 409, "a été modéré", 0);
    snprintf(path, sizeof path, "/voter/%llu", (unsigned long long)t.trashed);
    act(path, t.paul, "valeur=accord", 409, "a été modéré", 0);
    /* CSRF: missing, wrong */
    snprintf(path, sizeof path, "/commenter/%llu", (unsigned long long)c);
    uint64_t before = log_size();
    ct_response r = post(path, t.paul, "texte=sans+jeton");
    assert_int_equal(r.status, 403);
    assert_contains(r.body, "Le formulaire a expiré");
    ct_response_release(&r);
    r = post(path, t.paul, "csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&texte=faux+jeton");
    assert_int_equal(r.status, 403);
    ct_response_release(&r);
    /* another session's token */
    char *body = NULL;
    if (asprintf(&body, "csrf=%s&texte=jeton+de+marie", token(t.marie)) < 0) abort();
    r = post(path, t.paul, body);
    free(body);
    assert_int_equal(r.status, 403);
    ct_response_release(&r);
    /* anonymous */
    r = post(path, NULL, "csrf=x&texte=anonyme");
    assert_int_equal(r.status, 403);
    assert_contains(r.body, "Connectez-vous avec un compte activé");
    assert_contains(r.body, "href=\"/connexion\"");
    ct_response_release(&r);
    assert_int_equal(log_size(), before);
    /* English */
    snprintf(path, sizeof path, "/voter/%llu?lang=en", (unsigned long long)t.closed_contrib);
    act(path, t.paul, "valeur=accord", 409, "This theme is closed", 0);
}

static void rate_limits(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "/contribuer/%llu", (unsigned long long)t.w.section);
    int limited = 0;
    for (int i = 0; i < 40 && !limited; i++) {
        char *body = NULL;
        if (asprintf(&body, "csrf=%s&titre=&texte=", token(t.spammer)) < 0) abort();
        ct_response r = post(path, t.spammer, body);
        free(body);
        if (r.status == 429) {
            limited = 1;
            assert_non_null(ct_header(&r, "retry-after"));
        } else {
            assert_int_equal(r.status, 400);
        }
        ct_response_release(&r);
    }
    assert_true(limited);
    limited = 0;
    snprintf(path, sizeof path, "/signaler/%llu", (unsigned long long)t.w.contribution);
    uint64_t before = log_size();
    for (int i = 0; i < 40 && !limited; i++) {
        char *body = NULL;
        if (asprintf(&body, "csrf=%s&raison=non", token(t.spammer)) < 0) abort();
        ct_response r = post(path, t.spammer, body);
        free(body);
        if (r.status == 429) limited = 1;
        ct_response_release(&r);
    }
    assert_true(limited);
    assert_int_equal(log_size(), before);
}

static void contact(void **state)
{
    (void)state;
    ct_response r = get("/contact", NULL);
    assert_int_equal(r.status, 200);
    char cookie[128], body[1024];
    snprintf(cookie, sizeof cookie, "%s", set_cookie(&r, "cc_csrf"));
    char tok[64];
    snprintf(tok, sizeof tok, "%s", csrf_of(&r));
    ct_response_release(&r);
    uint64_t before = log_size();
    /* bad input */
    snprintf(body, sizeof body, "csrf=%s&courriel=pas-une-adresse&objet=Q&message=M", tok);
    r = post("/contact", cookie, body);
    assert_int_equal(r.status, 400);
    assert_contains(r.body, "Adresse électronique invalide.");
    ct_response_release(&r);
    snprintf(body, sizeof body, "courriel=a%%40example.org&objet=Q&message=M");
    r = post("/contact", cookie, body);
    assert_int_equal(r.status, 403);
    ct_response_release(&r);
    /* good */
    snprintf(body, sizeof body,
             "csrf=%s&courriel=Lea%%40Example.org&objet=Question+sur+la+synth%%C3%%A8se&"
             "message=Bonjour%%2C%%0Aune+question+priv%%C3%%A9e.",
             tok);
    r = post("/contact", cookie, body);
    assert_int_equal(r.status, 303);
    assert_string_equal(ct_header(&r, "location"), "/contact?envoye=1&lang=fr");
    ct_response_release(&r);
    r = get("/contact?envoye=1", cookie);
    assert_contains(r.body, "Votre message a été transmis");
    ct_response_release(&r);
    assert_int_equal(log_size(), before); /* not in the log */
    /* stored 0600 under DIR/contact */
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/contact", t.w.dir);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char file[2048], buf[4096];
        snprintf(file, sizeof file, "%s/%s", dir, e->d_name);
        struct stat st;
        assert_int_equal(stat(file, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        FILE *fp = fopen(file, "rb");
        size_t n = fread(buf, 1, sizeof buf - 1, fp);
        fclose(fp);
        buf[n] = '\0';
        assert_contains(buf, "lea@example.org");
        assert_contains(buf, "une question privée.");
        files++;
    }
    closedir(d);
    assert_int_equal(files, 1);
    /* mailed to the team */
    snprintf(dir, sizeof dir, "%s/mail", t.w.dir);
    int mailed = 0;
    double deadline = now_s() + 10;
    while (!mailed && now_s() < deadline) {
        d = opendir(dir);
        while (d && (e = readdir(d))) {
            if (e->d_name[0] == '.' || !strstr(e->d_name, ".eml")) continue; /* not .tmp */
            char file[2048], buf[65536];
            snprintf(file, sizeof file, "%s/%s", dir, e->d_name);
            FILE *fp = fopen(file, "rb");
            size_t n = fp ? fread(buf, 1, sizeof buf - 1, fp) : 0;
            if (fp) fclose(fp);
            buf[n] = '\0';
            if (strstr(buf, "equipe@example.org") && strstr(buf, "lea@example.org")) mailed = 1;
        }
        if (d) closedir(d);
        if (!mailed) usleep(20000);
    }
    assert_true(mailed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(forms_shown), cmocka_unit_test(post_edit_argue),
        cmocka_unit_test(bad_input),   cmocka_unit_test(contact),
        cmocka_unit_test(rate_limits),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
