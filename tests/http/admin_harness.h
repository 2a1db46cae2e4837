/* admin_harness.h - what test_moderation.c and test_admin.c share: a
 * fixture ledger (ct_world) whose admin, moderator and participant get real
 * argon2id passwords, the real server in a child on a loopback port, log in
 * through /connexion, form posts with cookies, the log size and the mail
 * directory. Static functions: each test includes it once. */
#ifndef CONCERTO_TEST_ADMIN_HARNESS_H
#define CONCERTO_TEST_ADMIN_HARNESS_H

#include "http_client.h"
#include "ledger.h"
#include "log.h"
#include "serve.h"
#include "support.h"
#include "vault.h"

#include <ctype.h>
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define H_PASSWORD "motdepasse-solide-1"

typedef struct h_server {
    ct_world w;
    pid_t pid;
    uint16_t port;
} h_server;

static __attribute__((unused)) double h_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static __attribute__((unused)) void h_exec(ct_world *w, cc_command *cmd, const char *what)
{
    int rc = ct_exec(w, cmd);
    if (rc) {
        fprintf(stderr, "fixture %s failed: %d\n", what, rc);
        abort();
    }
}

static __attribute__((unused)) void h_set_password(ct_world *w, const cc_pseudonym *p)
{
    cc_command cmd;
    cc_command_init(&cmd, CC_CMD_ACCOUNT_UPDATE);
    cmd.subject = *p;
    cmd.update_password = 1;
    if (cc_password_hash(H_PASSWORD, strlen(H_PASSWORD), cmd.account.pwhash)) abort();
    h_exec(w, &cmd, "password");
}

/* After the fixture is built (writer stopped): run the server on it. */
static __attribute__((unused)) void h_start(h_server *s)
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
        char *argv[] = {"serve",        "--data",        s->w.dir, "--listen",
                        "127.0.0.1:0",  "--threads",     "2",      "--no-access-log",
                        "--rate-limit", "login=1000/60", NULL};
        exit(cc_serve_main(10, argv));
    }
    close(p[1]);
    char line[512];
    size_t n = 0;
    double deadline = h_now() + 60;
    while (n < sizeof line - 1 && !memchr(line, '\n', n)) {
        struct pollfd pf = {p[0], POLLIN, 0};
        if (h_now() > deadline || poll(&pf, 1, 1000) < 0) break;
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
    s->port = (uint16_t)atoi(at + strlen("http://127.0.0.1:"));
    s->pid = pid;
}

static __attribute__((unused)) void h_stop(h_server *s)
{
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        waitpid(s->pid, NULL, 0);
        s->pid = 0;
    }
    ct_world_close(&s->w);
}

static uint64_t h_log_size(h_server *s)
{
    cc_ledger l;
    cc_ledger_options ro = {0, 1};
    uint64_t size = 0;
    MDB_txn *txn;
    if (cc_ledger_open(&l, s->w.dir, &ro)) abort();
    if (cc_ledger_read_begin(&l, &txn) == 0) {
        cc_log_size(txn, l.log, &size);
        cc_ledger_read_end(&l, txn);
    }
    cc_ledger_close(&l);
    return size;
}

static __attribute__((unused)) ct_response h_post_raw(h_server *s, const char *path,
                                                      const char *cookie, const char *ctype,
                                                      const char *body, size_t len)
{
    int fd = ct_connect(s->port);
    if (fd < 0) abort();
    char head[2048];
    snprintf(head, sizeof head,
             "POST %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
             "Content-Type: %s\r\nContent-Length: %zu\r\n%s%s%s\r\n",
             path, ctype, len, cookie ? "Cookie: " : "", cookie ? cookie : "",
             cookie ? "\r\n" : "");
    ct_response r;
    if (ct_sends(fd, head)) abort();
    (void)ct_send(fd, body, len); /* the server may answer (413) before reading it all */
    if (ct_read_response(fd, 0, &r)) abort();
    close(fd);
    return r;
}

static __attribute__((unused)) ct_response h_post(h_server *s, const char *path, const char *cookie,
                                                  const char *body)
{
    return h_post_raw(s, path, cookie, "application/x-www-form-urlencoded", body, strlen(body));
}

static __attribute__((unused)) ct_response h_get(h_server *s, const char *path, const char *cookie)
{
    char extra[600] = "";
    if (cookie) snprintf(extra, sizeof extra, "Cookie: %s\r\n", cookie);
    return ct_request(s->port, "GET", path, extra);
}

static __attribute__((unused)) void h_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle)) fail_msg("'%s' not found in:\n%.3000s", needle, hay);
}

static __attribute__((unused)) void h_lacks(const char *hay, const char *needle)
{
    if (strstr(hay, needle)) fail_msg("'%s' unexpectedly found in:\n%.3000s", needle, hay);
}

static __attribute__((unused)) const char *h_csrf_of(const ct_response *r)
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

static __attribute__((unused)) const char *h_set_cookie(const ct_response *r, const char *name)
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

/* Log in as user: the session cookie pair into session. */
static __attribute__((unused)) void h_login(h_server *s, const char *user, char *session,
                                            size_t cap)
{
    ct_response r = h_get(s, "/connexion", NULL);
    assert_int_equal(r.status, 200);
    char cookie[128], body[512];
    snprintf(cookie, sizeof cookie, "%s", h_set_cookie(&r, "cc_csrf"));
    snprintf(body, sizeof body, "csrf=%s&identifiant=%s&mot_de_passe=%s", h_csrf_of(&r), user,
             H_PASSWORD);
    ct_response_release(&r);
    r = h_post(s, "/connexion", cookie, body);
    if (r.status != 303) fail_msg("login %s: %d\n%.2000s", user, r.status, r.body);
    snprintf(session, cap, "%s", h_set_cookie(&r, "cc_session"));
    ct_response_release(&r);
}

/* The CSRF token of a signed-in page (static buffer). */
static __attribute__((unused)) const char *h_page_csrf(h_server *s, const char *path,
                                                       const char *session)
{
    ct_response r = h_get(s, path, session);
    assert_int_equal(r.status, 200);
    static char tok[64];
    snprintf(tok, sizeof tok, "%s", h_csrf_of(&r));
    ct_response_release(&r);
    return tok;
}

static __attribute__((unused)) void qp_decode(char *s)
{
    char *o = s;
    for (char *p = s; *p;) {
        if (p[0] == '=' && p[1] == '\r' && p[2] == '\n') {
            p += 3;
        } else if (p[0] == '=' && p[1] == '\n') {
            p += 2;
        } else if (p[0] == '=' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
            char hx[3] = {p[1], p[2], 0};
            *o++ = (char)strtoul(hx, NULL, 16);
            p += 3;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
}

/* Wait for a mail to `to` containing needle; the file is removed. */
static __attribute__((unused)) char *h_wait_mail(h_server *s, const char *to, const char *needle)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/mail", s->w.dir);
    double deadline = h_now() + 10;
    while (h_now() < deadline) {
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

#endif
