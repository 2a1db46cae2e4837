/* test_accounts.c - the accounts feature against the real server
 * (cc_serve_main in a child on a loopback port, file-mode mail under
 * DIR/mail): register -> confirm (link from the .eml) -> log in -> account
 * changes -> download -> delete; e-mail change re-confirmed from the new
 * address; bad input, CSRF, rate limits, no account enumeration, cookie
 * flags. Every refused request is checked to leave the
 * log as it was. */
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

#include <ctype.h>
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

typedef struct server {
    char *dir;
    pid_t pid;
    uint16_t port;
} server;

static server main_srv;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void start(server *s, const char *extra1, const char *extra2)
{
    s->dir = ct_tempdir("acc");
    if (cc_ledger_create(s->dir, "test.example/log", NULL, 0)) abort();
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
        char *argv[16] = {"serve",       "--data",    s->dir, "--listen",
                          "127.0.0.1:0", "--threads", "2",    "--no-access-log"};
        int n = 8;
        if (extra1) argv[n++] = (char *)extra1;
        if (extra2) argv[n++] = (char *)extra2;
        argv[n] = NULL;
        exit(cc_serve_main(n, argv));
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
    s->port = (uint16_t)atoi(at + strlen("http://127.0.0.1:"));
    s->pid = pid;
}

static void stop(server *s)
{
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        waitpid(s->pid, NULL, 0);
        s->pid = 0;
    }
    if (s->dir) {
        ct_rmtree(s->dir);
        free(s->dir);
        s->dir = NULL;
    }
}

static int setup(void **state)
{
    (void)state;
    start(&main_srv, "--rate-limit", "register=1000/60");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    stop(&main_srv);
    return 0;
}

/* ---- helpers ----------------------------------------------------------------- */

static uint64_t log_size(server *s)
{
    cc_ledger l;
    cc_ledger_options ro = {0, 1};
    uint64_t size = 0;
    MDB_txn *txn;
    if (cc_ledger_open(&l, s->dir, &ro)) abort();
    if (cc_ledger_read_begin(&l, &txn) == 0) {
        cc_log_size(txn, l.log, &size);
        cc_ledger_read_end(&l, txn);
    }
    cc_ledger_close(&l);
    return size;
}

static ct_response post(server *s, const char *path, const char *cookie, const char *body)
{
    int fd = ct_connect(s->port);
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

static ct_response get(server *s, const char *path, const char *cookie)
{
    char extra[600] = "";
    if (cookie) snprintf(extra, sizeof extra, "Cookie: %s\r\n", cookie);
    return ct_request(s->port, "GET", path, extra);
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle)) fail_msg("'%s' not found in:\n%.3000s", needle, hay);
}

/* The value of the hidden csrf input of a page (static buffer). */
static const char *csrf_of(const ct_response *r)
{
    static char tok[64];
    const char *at = strstr(r->body, "name=\"csrf\" value=\"");
    if (!at) fail_msg("no csrf field in:\n%.2000s", r->body);
    at += strlen("name=\"csrf\" value=\"");
    size_t n = strcspn(at, "\"");
    assert_true(n < sizeof tok);
    memcpy(tok, at, n);
    tok[n] = '\0';
    return tok;
}

/* "name=value" of a Set-Cookie for name (static buffer), or NULL. */
static const char *set_cookie(const ct_response *r, const char *name, char *full, size_t cap)
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
            if (full) {
                size_t m = strcspn(p, "\r");
                snprintf(full, cap, "%.*s", (int)m, p);
            }
            return pair;
        }
    }
    return NULL;
}

/* An anonymous form: GET it, keep the csrf cookie and token. */
static void anon_form(server *s, const char *path, char *cookie, size_t cap, char *tok)
{
    ct_response r = get(s, path, NULL);
    assert_int_equal(r.status, 200);
    const char *c = set_cookie(&r, "cc_csrf", NULL, 0);
    assert_non_null(c);
    snprintf(cookie, cap, "%s", c);
    strcpy(tok, csrf_of(&r));
    ct_response_release(&r);
}

/* Decode quoted-printable in place. */
static void qp_decode(char *s)
{
    char *o = s;
    for (char *p = s; *p;) {
        if (p[0] == '=' && p[1] == '\r' && p[2] == '\n') {
            p += 3;
        } else if (p[0] == '=' && p[1] == '\n') {
            p += 2;
        } else if (p[0] == '=' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
            /* headers hold "charset=UTF-8": only real escapes are decoded */
            char hx[3] = {p[1], p[2], 0};
            *o++ = (char)strtoul(hx, NULL, 16);
            p += 3;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
}

static int count_mails(server *s)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/mail", s->dir);
    DIR *d = opendir(path);
    if (!d) return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.' && strstr(e->d_name, ".eml")) n++; /* not a .tmp being written */
    closedir(d);
    return n;
}

/* Wait for a mail to `to` containing needle, decode it, return it (caller
 * frees); the file is removed so the next wait sees only new mail. */
static char *wait_mail(server *s, const char *to, const char *needle)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/mail", s->dir);
    double deadline = now_s() + 10;
    while (now_s() < deadline) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (e->d_name[0] == '.' || !strstr(e->d_name, ".eml")) continue; /* not .tmp */
            char file[2048];
            snprintf(file, sizeof file, "%s/%s", path, e->d_name);
            FILE *f = fopen(file, "rb");
            if (!f) continue;
            char *buf = calloc(1, 65536);
            size_t n = fread(buf, 1, 65535, f);
            fclose(f);
            buf[n] = '\0';
            qp_decode(buf);
            if (strstr(buf, to) && strstr(buf, needle)) {
                unlink(file);
                closedir(d);
                return buf;
            }
            free(buf);
        }
        if (d) closedir(d);
        usleep(20000);
    }
    fail_msg("no mail to %s with '%s'", to, needle);
    return NULL;
}

/* The token after needle ("jeton=") in a mail. */
static void token_after(const char *mail, const char *needle, char *out)
{
    const char *at = strstr(mail, needle);
    assert_non_null(at);
    at += strlen(needle);
    size_t n = strspn(at, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
    assert_int_equal(n, 43);
    memcpy(out, at, n);
    out[n] = '\0';
}

static void do_register(server *s, const char *user, const char *email, const char *extra)
{
    char cookie[128], tok[64], body[1024];
    anon_form(s, "/inscription", cookie, sizeof cookie, tok);
    snprintf(body, sizeof body,
             "csrf=%s&identifiant=%s&courriel=%s&mot_de_passe=motdepasse-solide&statut=1&"
             "organisation=&charte=1%s",
             tok, user, email, extra ? extra : "");
    ct_response r = post(s, "/inscription", cookie, body);
    assert_int_equal(r.status, 303);
    assert_string_equal(ct_header(&r, "location"), "/inscription?envoye=1&lang=fr");
    ct_response_release(&r);
}

/* Confirm with the link of the mail; returns nothing, asserts. */
static void confirm_from_mail(server *s, const char *email)
{
    char *m = wait_mail(s, email, "/confirmer?jeton=");
    char token[64], path[128], cookie[128], body[256];
    token_after(m, "/confirmer?jeton=", token);
    char base[64];
    snprintf(base, sizeof base, "http://127.0.0.1:%u/confirmer", s->port);
    assert_contains(m, base);
    free(m);
    snprintf(path, sizeof path, "/confirmer?jeton=%s", token);
    ct_response r = get(s, path, NULL);
    assert_int_equal(r.status, 200);
    snprintf(cookie, sizeof cookie, "%s", set_cookie(&r, "cc_csrf", NULL, 0));
    snprintf(body, sizeof body, "csrf=%s&jeton=%s", csrf_of(&r), token);
    ct_response_release(&r);
    uint64_t before = log_size(s);
    r = post(s, "/confirmer", cookie, body);
    assert_int_equal(r.status, 303);
    ct_response_release(&r);
    assert_int_equal(log_size(s), before + 1); /* participant.registered */
    /* the token is single-use */
    r = post(s, "/confirmer", cookie, body);
    assert_int_equal(r.status, 400);
    assert_contains(r.body, "Ce lien n&#39;est pas valable");
    ct_response_release(&r);
}

/* Log in; writes the session cookie pair into session. */
static int login(server *s, const char *id, const char *pw, char *session, size_t cap,
                 ct_response *keep)
{
    char cookie[128], tok[64], body[512];
    anon_form(s, "/connexion", cookie, sizeof cookie, tok);
    snprintf(body, sizeof body, "csrf=%s&identifiant=%s&mot_de_passe=%s", tok, id, pw);
    ct_response r = post(s, "/connexion", cookie, body);
    int status = r.status;
    if (status == 303) {
        const char *c = set_cookie(&r, "cc_session", NULL, 0);
        assert_non_null(c);
        snprintf(session, cap, "%s", c);
    }
    if (keep)
        *keep = r;
    else
        ct_response_release(&r);
    return status;
}

static const char *account_csrf(server *s, const char *session)
{
    ct_response r = get(s, "/compte", session);
    assert_int_equal(r.status, 200);
    static char tok[64];
    strcpy(tok, csrf_of(&r));
    ct_response_release(&r);
    return tok;
}

/* ---- tests -------------------------------------------------------------------- */

static void journey(void **state)
{
    (void)state;
    server *s = &main_srv;
    uint64_t size0 = log_size(s);
    do_register(s, "alice", "alice%40example.org", NULL);
    assert_int_equal(log_size(s), size0); /* not public before confirmation */
    /* not confirmed yet: login refused, with a clear message */
    char session[128];
    ct_response r;
    assert_int_equal(login(s, "alice", "motdepasse-solide", session, sizeof session, &r), 400);
    assert_contains(r.body, "pas encore activé");
    ct_response_release(&r);
    confirm_from_mail(s, "alice@example.org");

    /* wrong password, then the right one (by e-mail) */
    assert_int_equal(login(s, "alice", "mauvais-mot-de-passe", session, sizeof session, &r), 400);
    assert_contains(r.body, "Identifiant ou mot de passe incorrect.");
    ct_response_release(&r);
    assert_int_equal(
        login(s, "ALICE%40example.org", "motdepasse-solide", session, sizeof session, &r), 303);
    char full[512];
    set_cookie(&r, "cc_session", full, sizeof full);
    assert_contains(full, "HttpOnly");
    assert_contains(full, "SameSite=Lax");
    assert_contains(full, "Path=/");
    assert_null(strstr(full, "Secure"));
    assert_string_equal(ct_header(&r, "location"), "/compte?lang=fr");
    ct_response_release(&r);

    r = get(s, "/compte", session);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "alice@example.org");
    assert_contains(r.body, "value=\"alice\"");
    ct_response_release(&r);

    /* change username and status (read-your-writes: the next page shows it) */
    char body[512];
    snprintf(body, sizeof body, "csrf=%s&action=identifiant&identifiant=alice2",
             account_csrf(s, session));
    r = post(s, "/compte", session, body);
    assert_int_equal(r.status, 303);
    ct_response_release(&r);
    uint64_t before = log_size(s);
    snprintf(body, sizeof body,
             "csrf=%s&action=statut&statut=2&organisation=Association+des+parents",
             account_csrf(s, session));
    r = post(s, "/compte", session, body);
    assert_int_equal(r.status, 303);
    assert_string_equal(ct_header(&r, "location"), "/compte?ok=1&lang=fr");
    ct_response_release(&r);
    assert_int_equal(log_size(s), before + 1); /* participant.status_changed */
    r = get(s, "/compte?ok=1", session);
    assert_contains(r.body, "value=\"alice2\"");
    assert_contains(r.body, "Association des parents");
    assert_contains(r.body, "Modification enregistrée.");
    ct_response_release(&r);

    /* download my data */
    r = get(s, "/compte/donnees", session);
    assert_int_equal(r.status, 200);
    assert_contains(ct_header(&r, "content-type"), "application/json");
    assert_contains(ct_header(&r, "content-disposition"), "attachment");
    assert_contains(r.body, "\"email\": \"alice@example.org\"");
    assert_contains(r.body, "\"username\": \"alice2\"");
    assert_contains(r.body, "\"participant\": {\"status\": 2");
    ct_response_release(&r);

    /* password change ends the session; the new password works */
    snprintf(body, sizeof body,
             "csrf=%s&action=mot-de-passe&actuel=motdepasse-solide&mot_de_passe=nouveau-secret-1",
             account_csrf(s, session));
    r = post(s, "/compte", session, body);
    assert_int_equal(r.status, 303);
    ct_response_release(&r);
    r = get(s, "/compte", session);
    assert_int_equal(r.status, 303); /* old session gone */
    ct_response_release(&r);
    assert_int_equal(login(s, "alice2", "nouveau-secret-1", session, sizeof session, NULL), 303);

    /* password reset by e-mail */
    char cookie[128], tok[64];
    anon_form(s, "/mot-de-passe-oublie", cookie, sizeof cookie, tok);
    snprintf(body, sizeof body, "csrf=%s&courriel=alice%%40example.org", tok);
    r = post(s, "/mot-de-passe-oublie", cookie, body);
    assert_int_equal(r.status, 303);
    ct_response_release(&r);
    char *m = wait_mail(s, "alice@example.org", "/reinitialiser?jeton=");
    char token[64];
    token_after(m, "/reinitialiser?jeton=", token);
    free(m);
    char path[128];
    snprintf(path, sizeof path, "/reinitialiser?jeton=%s", token);
    anon_form(s, path, cookie, sizeof cookie, tok);
    snprintf(body, sizeof body, "csrf=%s&jeton=%s&mot_de_passe=troisieme-secret", tok, token);
    r = post(s, "/reinitialiser", cookie, body);
    assert_int_equal(r.status, 303);
    ct_response_release(&r);
    assert_int_equal(login(s, "alice2", "nouveau-secret-1", session, sizeof session, NULL), 400);
    assert_int_equal(login(s, "alice2", "troisieme-secret", session, sizeof session, NULL), 303);

    /* logout needs CSRF; then the session is gone */
    r = post(s, "/deconnexion", session, "csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    assert_int_equal(r.status, 403);
    ct_response_release(&r);
    snprintf(body, sizeof body, "csrf=%s", account_csrf(s, session));
    r = post(s, "/deconnexion", session, body);
    assert_int_equal(r.status, 303);
    set_cookie(&r, "cc_session", full, sizeof full);
    assert_contains(full, "Max-Age=0");
    ct_response_release(&r);
    r = get(s, "/compte", session);
    assert_int_equal(r.status, 303);
    ct_response_release(&r);

    /* delete: confirmation step, then erased; the login no longer works */
    assert_int_equal(login(s, "alice2", "troisieme-secret", session, sizeof session, NULL), 303);
    r = get(s, "/compte/supprimer", session);
    assert_int_equal(r.status, 200);
    snprintf(body, sizeof body, "csrf=%s", csrf_of(&r));
    ct_response_release(&r);
    before = log_size(s);
    r = post(s, "/compte/supprimer", session, body); /* box not ticked */
    assert_int_equal(r.status, 400);
    assert_contains(r.body, "Cochez la case pour confirmer.");
    ct_response_release(&r);
    assert_int_equal(log_size(s), before);
    strcat(body, "&confirmer=1");
    r = post(s, "/compte/supprimer", session, body);
    assert_int_equal(r.status, 303);
    ct_response_release(&r);
    assert_int_equal(log_size(s), before + 1); /* participant.erased */
    r = get(s, "/compte", session);
    assert_int_equal(r.status, 303);
    ct_response_release(&r);
    assert_int_equal(login(s, "alice2", "troisieme-secret", session, sizeof session, NULL), 400);
}

/* Ask for a change of address from the account page. */
static ct_response email_request(server *s, const char *session, const char *to, const char *pw)
{
    char body[512];
    snprintf(body, sizeof body, "csrf=%s&action=courriel&nouveau_courriel=%s&actuel_courriel=%s",
             account_csrf(s, session), to, pw);
    return post(s, "/compte", session, body);
}

/* Open the link of an e-mail change (signed in with session, or not) and
 * press its button; returns the answer to the POST. */
static ct_response email_confirm(server *s, const char *session, const char *token)
{
    char path[128], cookie[256], body[256];
    snprintf(path, sizeof path, "/confirmer-adresse?jeton=%s", token);
    ct_response r = get(s, path, session);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "action=\"/confirmer-adresse\"");
    assert_contains(r.body, "Confirmer la nouvelle adresse");
    const char *c = set_cookie(&r, "cc_csrf", NULL, 0);
    snprintf(cookie, sizeof cookie, "%s%s%s", session ? session : "", session && c ? "; " : "",
             c ? c : "");
    snprintf(body, sizeof body, "csrf=%s&jeton=%s", csrf_of(&r), token);
    ct_response_release(&r);
    return post(s, "/confirmer-adresse", cookie, body);
}

static void email_change(void **state)
{
    (void)state;
    server *s = &main_srv;
    do_register(s, "erin", "erin%40example.org", NULL);
    confirm_from_mail(s, "erin@example.org");
    char session[128];
    assert_int_equal(login(s, "erin", "motdepasse-solide", session, sizeof session, NULL), 303);
    uint64_t size0 = log_size(s);

    ct_response r = get(s, "/compte", session);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "Changer d&#39;adresse électronique");
    assert_contains(r.body, "name=\"nouveau_courriel\"");
    ct_response_release(&r);
    r = get(s, "/compte?lang=en", session);
    assert_contains(r.body, "Change e-mail address");
    ct_response_release(&r);

    /* wrong password, bad or unchanged address: 400, no mail, no token */
    int mails = count_mails(s);
    r = email_request(s, session, "erin.new%40example.net", "mauvais-mot-de-passe");
    assert_int_equal(r.status, 400);
    assert_contains(r.body, "Mot de passe actuel incorrect.");
    assert_contains(r.body, "value=\"erin.new@example.net\""); /* the form again, as typed */
    assert_contains(r.body, "value=\"erin\"");                 /* and the rest of the page */
    ct_response_release(&r);
    r = email_request(s, session, "pas-une-adresse", "motdepasse-solide");
    assert_int_equal(r.status, 400);
    assert_contains(r.body, "Adresse électronique invalide.");
    ct_response_release(&r);
    r = email_request(s, session, "ERIN%40example.org", "motdepasse-solide");
    assert_int_equal(r.status, 400);
    assert_contains(r.body, "C&#39;est déjà l&#39;adresse de votre compte.");
    ct_response_release(&r);
    r = email_request(s, session, "erin.new%40example.net", "");
    assert_int_equal(r.status, 400);
    assert_contains(r.body, "Ce champ est obligatoire.");
    ct_response_release(&r);
    usleep(100000);
    assert_int_equal(count_mails(s), mails);

    /* the request: a link to the new address, a notice to the old one;
     * nothing changes yet */
    r = email_request(s, session, "Erin.New%40Example.NET", "motdepasse-solide");
    assert_int_equal(r.status, 303);
    assert_string_equal(ct_header(&r, "location"), "/compte?lien=1&lang=fr");
    ct_response_release(&r);
    char *m = wait_mail(s, "erin.new@example.net", "/confirmer-adresse?jeton=");
    char token[64], base[80];
    snprintf(base, sizeof base, "http://127.0.0.1:%u/confirmer-adresse?jeton=", s->port);
    assert_contains(m, base);
    token_after(m, "/confirmer-adresse?jeton=", token);
    free(m);
    m = wait_mail(s, "erin@example.org", "Un changement de l'adresse");
    assert_null(strstr(m, "jeton"));
    assert_null(strstr(m, "erin.new")); /* the new address is not told */
    free(m);
    r = get(s, "/compte?lien=1", session);
    assert_contains(r.body, "un lien de confirmation vient d");
    assert_contains(r.body, "erin@example.org");
    ct_response_release(&r);

    /* opening the link changes nothing; its button does */
    r = get(s, "/compte", session);
    assert_contains(r.body, "Adresse électronique : erin@example.org");
    ct_response_release(&r);
    r = email_confirm(s, session, token);
    assert_int_equal(r.status, 303);
    assert_string_equal(ct_header(&r, "location"), "/compte?adresse=1&lang=fr");
    ct_response_release(&r);
    r = get(s, "/compte?adresse=1", session);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "Adresse électronique : erin.new@example.net");
    assert_contains(r.body, "Votre adresse électronique est changée.");
    assert_null(strstr(r.body, "erin@example.org"));
    ct_response_release(&r);

    /* the link is single-use; a made-up one is refused alike */
    r = email_confirm(s, session, token);
    assert_int_equal(r.status, 400);
    assert_contains(r.body, "Ce lien n&#39;est pas valable ou a expiré.");
    ct_response_release(&r);
    r = email_confirm(s, NULL, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    assert_int_equal(r.status, 400);
    assert_contains(r.body, "Ce lien n&#39;est pas valable ou a expiré.");
    ct_response_release(&r);
    r = post(s, "/confirmer-adresse", session, "csrf=x&jeton=AAAA");
    assert_int_equal(r.status, 403);
    ct_response_release(&r);

    /* private data: the log did not grow */
    assert_int_equal(log_size(s), size0);

    /* the new address logs in, the old one no longer */
    char other[128];
    assert_int_equal(
        login(s, "erin.new%40example.net", "motdepasse-solide", other, sizeof other, NULL), 303);
    assert_int_equal(login(s, "erin%40example.org", "motdepasse-solide", other, sizeof other, NULL),
                     400);

    /* an address taken between the request and the confirmation */
    r = email_request(s, session, "fiona%40example.org", "motdepasse-solide");
    assert_int_equal(r.status, 303);
    ct_response_release(&r);
    m = wait_mail(s, "fiona@example.org", "/confirmer-adresse?jeton=");
    token_after(m, "/confirmer-adresse?jeton=", token);
    free(m);
    free(wait_mail(s, "erin.new@example.net", "Un changement de l'adresse"));
    do_register(s, "fiona", "fiona%40example.org", NULL);
    confirm_from_mail(s, "fiona@example.org");
    uint64_t before = log_size(s);
    r = email_confirm(s, NULL, token);
    assert_int_equal(r.status, 409);
    assert_contains(r.body, "entre-temps devenue celle d&#39;un autre compte");
    ct_response_release(&r);
    assert_int_equal(log_size(s), before);
    r = get(s, "/compte", session);
    assert_contains(r.body, "Adresse électronique : erin.new@example.net");
    ct_response_release(&r);

    /* an address already taken: the same answer, and a mail to its owner
     * instead of a link */
    r = email_request(s, session, "fiona%40example.org", "motdepasse-solide");
    assert_int_equal(r.status, 303);
    assert_string_equal(ct_header(&r, "location"), "/compte?lien=1&lang=fr");
    ct_response_release(&r);
    m = wait_mail(s, "fiona@example.org", "est déjà celle d'un compte");
    assert_null(strstr(m, "jeton"));
    assert_null(strstr(m, "erin"));
    free(m);
    free(wait_mail(s, "erin.new@example.net", "Un changement de l'adresse"));
    assert_int_equal(log_size(s), before);
}

typedef struct bad_case {
    const char *body; /* after "csrf=TOKEN&" */
    const char *message;
} bad_case;

static void bad_input(void **state)
{
    (void)state;
    server *s = &main_srv;
    static const bad_case cases[] = {
        {"identifiant=&courriel=b%40example.org&mot_de_passe=motdepasse-solide&statut=1&charte=1",
         "Ce champ est obligatoire."},
        {"identifiant=bob&courriel=b%40example.org&mot_de_passe=court&statut=1&charte=1",
         "Le mot de passe doit faire de 10"},
        {"identifiant=bob&courriel=pas-une-adresse&mot_de_passe=motdepasse-solide&statut=1&"
         "charte=1",
         "Adresse électronique invalide."},
        {"identifiant=b%FFb&courriel=b%40example.org&mot_de_passe=motdepasse-solide&statut=1&"
         "charte=1",
         "encodage invalide"},
        {"identifiant=b%01b&courriel=b%40example.org&mot_de_passe=motdepasse-solide&statut=1&"
         "charte=1",
         "caractères non autorisés"},
        {"identifiant=bob&courriel=b%40example.org&mot_de_passe=motdepasse-solide&statut=1",
         "Vous devez accepter la charte."},
        {"identifiant=bob&courriel=b%40example.org&mot_de_passe=motdepasse-solide&statut=3&"
         "charte=1",
         "Indiquez le nom de l&#39;organisation."},
        {"identifiant=bob&courriel=b%40example.org&mot_de_passe=motdepasse-solide&statut=9&"
         "charte=1",
         "Choisissez un statut."},
        {"identifiant=bob&identifiant=bob2&courriel=b%40example.org", "mal formé"},
        {"identifiant=b%zzb", "mal formé"},
        {"identifiant=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa&courriel=b%40example.org&"
         "mot_de_passe=motdepasse-solide&statut=1&charte=1",
         "Ce champ est trop long."},
        {"identifiant=b+b&courriel=b%40example.org&mot_de_passe=motdepasse-solide&statut=1&"
         "charte=1",
         "Identifiant invalide"},
    };
    uint64_t before = log_size(s);
    int mails = count_mails(s);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char cookie[128], tok[64], body[1024];
        anon_form(s, "/inscription", cookie, sizeof cookie, tok);
        snprintf(body, sizeof body, "csrf=%s&%s", tok, cases[i].body);
        ct_response r = post(s, "/inscription", cookie, body);
        if (r.status != 400) fail_msg("case %zu: status %d", i, r.status);
        assert_contains(r.body, cases[i].message);
        assert_contains(r.body, "role=\"alert\"");
        ct_response_release(&r);
    }
    /* English */
    char cookie[128], tok[64], body[512];
    anon_form(s, "/inscription?lang=en", cookie, sizeof cookie, tok);
    snprintf(body, sizeof body, "csrf=%s&identifiant=bob", tok);
    ct_response r = post(s, "/inscription?lang=en", cookie, body);
    assert_int_equal(r.status, 400);
    assert_contains(r.body, "The form has an error:");
    assert_contains(r.body, "aria-invalid=\"true\"");
    ct_response_release(&r);
    /* an empty body has no CSRF token */
    r = post(s, "/connexion", cookie, "");
    assert_int_equal(r.status, 403);
    ct_response_release(&r);
    /* bad token */
    anon_form(s, "/confirmer?jeton=x", cookie, sizeof cookie, tok);
    snprintf(body, sizeof body, "csrf=%s&jeton=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", tok);
    r = post(s, "/confirmer", cookie, body);
    assert_int_equal(r.status, 400);
    assert_contains(r.body, "Ce lien n&#39;est pas valable ou a expiré.");
    ct_response_release(&r);
    assert_int_equal(log_size(s), before);
    usleep(100000);
    assert_int_equal(count_mails(s), mails);
}

static void csrf(void **state)
{
    (void)state;
    server *s = &main_srv;
    uint64_t before = log_size(s);
    char cookie[128], tok[64];
    anon_form(s, "/inscription", cookie, sizeof cookie, tok);
    const char *fields = "identifiant=carol&courriel=c%40example.org&mot_de_passe=motdepasse-"
                         "solide&statut=1&charte=1";
    char body[512];
    /* missing */
    ct_response r = post(s, "/inscription", cookie, fields);
    assert_int_equal(r.status, 403);
    assert_contains(r.body, "Le formulaire a expiré");
    ct_response_release(&r);
    /* wrong */
    snprintf(body, sizeof body, "csrf=%s&%s", "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
             fields);
    r = post(s, "/inscription", cookie, body);
    assert_int_equal(r.status, 403);
    ct_response_release(&r);
    /* right token, no cookie */
    snprintf(body, sizeof body, "csrf=%s&%s", tok, fields);
    r = post(s, "/inscription", NULL, body);
    assert_int_equal(r.status, 403);
    ct_response_release(&r);
    /* malformed cookies are ignored safely */
    r = post(s, "/inscription", "cc_csrf=%%%; cc_session=zz;;=; cc_session", body);
    assert_int_equal(r.status, 403);
    ct_response_release(&r);
    r = get(s, "/compte", "cc_session=not-a-token; cc_csrf");
    assert_int_equal(r.status, 303);
    ct_response_release(&r);
    assert_int_equal(log_size(s), before);
}

static void no_enumeration(void **state)
{
    (void)state;
    server *s = &main_srv;
    do_register(s, "dave", "dave%40example.org", NULL);
    confirm_from_mail(s, "dave@example.org");
    /* the same e-mail again: same answer, an "already" mail */
    do_register(s, "dave-bis", "dave%40example.org", NULL);
    free(wait_mail(s, "dave@example.org", "avez déjà un"));
    /* the same username with another e-mail: same answer */
    do_register(s, "dave", "autre%40example.org", NULL);
    free(wait_mail(s, "autre@example.org", "déjà pris"));

    /* login: unknown account and wrong password answer the same body */
    char session[128];
    ct_response a, b;
    assert_int_equal(login(s, "dave", "mauvais-mot-de-passe", session, sizeof session, &a), 400);
    assert_int_equal(login(s, "personne", "mauvais-mot-de-passe", session, sizeof session, &b),
                     400);
    /* bodies differ only by the CSRF token and the typed login */
    char *pa = strstr(a.body, "<div class=\"errors\""),
         *pb = strstr(b.body, "<div class=\"errors\"");
    assert_non_null(pa);
    assert_non_null(pb);
    assert_memory_equal(pa, pb, strcspn(pa, "\n"));
    ct_response_release(&a);
    ct_response_release(&b);

    /* reset: same redirect for known and unknown addresses */
    char cookie[128], tok[64], body[256];
    const char *emails[2] = {"dave%40example.org", "inconnu%40example.org"};
    for (int i = 0; i < 2; i++) {
        anon_form(s, "/mot-de-passe-oublie", cookie, sizeof cookie, tok);
        snprintf(body, sizeof body, "csrf=%s&courriel=%s", tok, emails[i]);
        ct_response r = post(s, "/mot-de-passe-oublie", cookie, body);
        assert_int_equal(r.status, 303);
        assert_string_equal(ct_header(&r, "location"), "/mot-de-passe-oublie?envoye=1&lang=fr");
        assert_int_equal(r.body_len, 0);
        ct_response_release(&r);
    }
    free(wait_mail(s, "dave@example.org", "/reinitialiser?jeton="));
}

static void rate_limit_and_secure(void **state)
{
    (void)state;
    server s2 = {0};
    start(&s2, "--rate-limit", "login=3/60");
    char session[128];
    for (int i = 0; i < 3; i++)
        assert_int_equal(
            login(&s2, "x-user", "mauvais-mot-de-passe", session, sizeof session, NULL), 400);
    ct_response r;
    assert_int_equal(login(&s2, "x-user", "mauvais-mot-de-passe", session, sizeof session, &r),
                     429);
    const char *ra = ct_header(&r, "retry-after");
    assert_non_null(ra);
    assert_true(atoi(ra) >= 1 && atoi(ra) <= 60);
    assert_contains(r.body, "Trop de tentatives");
    ct_response_release(&r);
    stop(&s2);

    /* --secure-cookies: the CSRF cookie (and session cookie) get Secure */
    server s3 = {0};
    start(&s3, "--secure-cookies", NULL);
    r = get(&s3, "/connexion", NULL);
    char full[512];
    assert_non_null(set_cookie(&r, "cc_csrf", full, sizeof full));
    assert_contains(full, "; Secure");
    assert_contains(full, "HttpOnly");
    ct_response_release(&r);
    stop(&s3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(journey),        cmocka_unit_test(email_change),
        cmocka_unit_test(bad_input),      cmocka_unit_test(csrf),
        cmocka_unit_test(no_enumeration), cmocka_unit_test(rate_limit_and_secure),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
