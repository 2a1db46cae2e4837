/* test_authz.c - the authorization matrix of the public site against the
 * real server (cc_serve_main in a child on a loopback port): five roles
 * (anonymous, unconfirmed, participant, moderator, admin) times every
 * state-changing route. The routes are not listed by hand: they come from
 * the CC_ROUTES X-macro of router.h (every route that takes POST), so a new
 * route without a row in the expectation table below fails the test.
 *
 * For each (role, route): GET the form when the route has GET (its status
 * is shown; an allowed role must get a form with a CSRF token), POST a
 * minimal valid body without a CSRF token (always 403, log unchanged), then
 * with the role's token, and compare with the explicit expectation:
 *   A  allowed: 303 to the route's success page, the log grew by its count
 *   D  denied:  403, log unchanged
 *   N  no-op:   303, log unchanged (logging out without a session)
 *   L  refused login: 400 "not active yet", log unchanged
 * The unconfirmed role registers through /inscription and never confirms:
 * it cannot log in, so it has no session and its browser only carries the
 * anonymous CSRF cookie; its row must equal the anonymous one (except the
 * login cell, which uses its own credentials).
 *
 * Every cell is run even when an earlier one failed; the matrix is printed
 * and the test fails at the end with the list of mismatches. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "admin_harness.h"
#include "command.h"
#include "router.h"
#include "session.h"

/* ---- roles ------------------------------------------------------------------- */

enum { R_ANON, R_UNCONF, R_PART, R_MOD, R_ADMIN, R_COUNT };
static const char *const role_names[R_COUNT] = {"anonymous", "unconfirmed", "participant",
                                                "moderator", "admin"};

/* ---- the routes, from the route table ------------------------------------------- */

typedef struct route {
    const char *name, *path;
    unsigned methods;
} route;

static const route all_routes[] = {
#define AUTHZ_ROUTE_(id, name, path, methods, html, handler) {name, path, methods},
    CC_ROUTES(AUTHZ_ROUTE_)
#undef AUTHZ_ROUTE_
};
#define N_ROUTES (sizeof all_routes / sizeof *all_routes)

/* ---- expectations: one row per POST route ---------------------------------------- */

typedef struct expect {
    const char *name;  /* metrics name of the route */
    const char *cells; /* one letter per role (A, D, N, L), in role order */
    unsigned grow;     /* log entries an allowed POST appends */
    const char *loc;   /* where an allowed POST redirects (prefix) */
} expect;

/* Accounts: anyone may register, confirm, log in, ask for or use a reset
 * link and confirm an e-mail change (the token is the capability); only a
 * signed-in account may change or delete itself. Participation needs a
 * signed-in confirmed participant (staff are participants too); the contact
 * form is for everyone. Moderation: moderators and admins. Administration:
 * admins. */
static const expect expects[] = {
    {"acc_register", "AAAAA", 0, "/inscription?envoye=1"},
    {"acc_confirm", "AAAAA", 1, "/connexion?confirme=1"},
    {"acc_login", "ALAAA", 0, "/compte"},
    {"acc_logout", "NNAAA", 0, "/?"},
    {"acc_forgot", "AAAAA", 0, "/mot-de-passe-oublie?envoye=1"},
    {"acc_reset", "AAAAA", 0, "/connexion?reinitialise=1"},
    {"acc_account", "DDAAA", 1, "/compte?ok=1"},
    {"acc_email_confirm", "AAAAA", 0, "/connexion?adresse=1"},
    {"acc_delete", "DDAAA", 1, "/compte/supprimer?fait=1"},
    {"act_post", "DDAAA", 1, "/contributions/"},
    {"act_edit", "DDAAA", 1, "/contributions/"},
    {"act_argument", "DDAAA", 1, "/contributions/"},
    {"act_source", "DDAAA", 1, "/contributions/"},
    {"act_comment", "DDAAA", 1, "/contributions/"},
    {"act_vote", "DDAAA", 1, "/contributions/"},
    {"act_flag", "DDAAA", 1, "/contributions/"},
    {"act_contact", "AAAAA", 0, "/contact?envoye=1"},
    {"mod_decide", "DDDAA", 1, "/moderation?ok=1"},
    {"adm_consultation", "DDDDA", 1, "/admin?ok=1"},
    {"adm_theme", "DDDDA", 1, "/admin?ok=1"},
    {"adm_theme_state", "DDDDA", 1, "/admin?ok=1"},
    {"adm_section", "DDDDA", 1, "/admin?ok=1"},
    {"adm_document", "DDDDA", 1, "/admin?ok=1"},
    {"adm_meeting", "DDDDA", 1, "/admin?ok=1"},
    {"adm_meeting_report", "DDDDA", 1, "/admin?ok=1"},
    {"adm_publication", "DDDDA", 1, "/admin?ok=1"},
    {"adm_role", "DDDDA", 1, "/admin?ok=1"},
};
#define N_EXPECTS (sizeof expects / sizeof *expects)

/* ---- minimal valid bodies, per route ("{arg}": per role, see arg_for) ------------ */

typedef struct body_tpl {
    const char *name;
    const char *fields; /* urlencoded, without the csrf field */
} body_tpl;

static const body_tpl bodies[] = {
    {"acc_register", "identifiant=new-{arg}&courriel=new-{arg}%40example.org"
                     "&mot_de_passe=" H_PASSWORD "&statut=1&organisation=&charte=1"},
    {"acc_confirm", "jeton={arg}"},
    {"acc_login", "identifiant={arg}&mot_de_passe=" H_PASSWORD},
    {"acc_logout", ""},
    {"acc_forgot", "courriel=bob%40example.org"},
    {"acc_reset", "jeton={arg}&mot_de_passe=nouveau-mot-de-passe-2"},
    {"acc_account", "action=statut&statut=2&organisation=Association+{arg}"},
    {"acc_email_confirm", "jeton={arg}"},
    {"acc_delete", "confirmer=1"},
    {"act_post", "titre=Proposition+{arg}&texte=Un+texte."},
    {"act_edit", "titre=Titre+modifi%C3%A9&texte=Version+deux."},
    {"act_argument", "position=pour&texte=Un+argument."},
    {"act_source", "titre=Rapport&url=https%3A%2F%2Fexample.org%2Frapport&texte="},
    {"act_comment", "texte=Un+commentaire."},
    {"act_vote", "valeur=accord"},
    {"act_flag", "raison=hors_sujet&details="},
    {"act_contact", "courriel=lea%40example.org&objet=Question&message=Bonjour."},
    {"mod_decide", "element={arg}&decision=dismiss&note="},
    {"adm_consultation", "titre=Consultation&texte=Bienvenue."},
    {"adm_theme", "titre=Nouveau+th%C3%A8me&texte=&ordre=3&ouverture=2025-01-01"
                  "&cloture=2025-02-01"},
    {"adm_theme_state", "theme={arg}&etat=open"},
    {"adm_section", "theme={arg}&titre=Rubrique&type=3&publication=1&ordre=4"},
    {"adm_document", NULL}, /* multipart, see post_body */
    {"adm_meeting", "titre=Journ%C3%A9e&lieu=Lyon&date=2025-05-01T14%3A30"},
    {"adm_meeting_report", "rencontre={arg}&texte=Compte+rendu."},
    {"adm_publication", "publication=3&titre=Rapport&texte=Rapport+final."},
    {"adm_role", "qui=bob&role=1&action=grant"},
};
#define N_BODIES (sizeof bodies / sizeof *bodies)

/* ---- fixture ------------------------------------------------------------------------ */

static struct {
    h_server srv;
    char pwhash[CC_PWHASH_MAX];
    uint64_t target;             /* bob's contribution: argue, source, comment, vote, flag */
    uint64_t own[R_COUNT];       /* a contribution each role may edit (its own) */
    uint64_t flagged[R_COUNT];   /* an item with an open flag, one per role */
    uint64_t meeting, new_theme; /* for the meeting report and the theme state */
    char confirm_tok[R_COUNT][CC_TOKEN_TEXT_LEN + 1];
    char reset_tok[R_COUNT][CC_TOKEN_TEXT_LEN + 1];
    char email_tok[R_COUNT][CC_TOKEN_TEXT_LEN + 1];
    /* what each role's browser sends: a session cookie, or the anonymous
     * CSRF cookie; "" when none */
    char cookie[R_COUNT][160];
} t;

static const char *const usernames[R_COUNT] = {"alice", "pending", "alice", "modo-fixture",
                                               "admin"};
/* accounts deleted by the /compte/supprimer cell (the role's own kind) */
static const char *const victims[R_COUNT] = {NULL, NULL, "del-part", "del-mod", "del-admin"};

static void set_pw(ct_world *w, const cc_pseudonym *p)
{
    cc_command cmd;
    cc_command_init(&cmd, CC_CMD_ACCOUNT_UPDATE);
    cmd.subject = *p;
    cmd.update_password = 1;
    memcpy(cmd.account.pwhash, t.pwhash, sizeof t.pwhash);
    h_exec(w, &cmd, "password");
}

static cc_pseudonym account(ct_world *w, const char *user, uint8_t role)
{
    char email[96];
    snprintf(email, sizeof email, "%s@example.org", user);
    cc_pseudonym p = ct_register(w, user, email);
    set_pw(w, &p);
    if (role) {
        cc_command cmd;
        cc_command_event(&cmd, CC_EV_ROLE_GRANTED, &w->admin);
        cmd.event.p = p;
        cmd.event.role = role;
        cc_event_set(&cmd.event, CC_F_P);
        cc_event_set(&cmd.event, CC_F_ROLE);
        h_exec(w, &cmd, "role");
    }
    return p;
}

static void token(ct_world *w, const cc_pseudonym *p, cc_token_purpose purpose,
                  const char *new_email, char *out)
{
    cc_command cmd;
    cc_command_init(&cmd, CC_CMD_TOKEN_CREATE);
    cmd.purpose = purpose;
    cmd.subject = *p;
    if (new_email) snprintf(cmd.account.email, sizeof cmd.account.email, "%s", new_email);
    h_exec(w, &cmd, "token");
    memcpy(out, cmd.result.token, CC_TOKEN_TEXT_LEN + 1);
}

static uint64_t post_by(ct_world *w, const cc_pseudonym *by, const char *title)
{
    cc_command cmd;
    ct_post(&cmd, by, w->section, title, "Texte de la contribution.");
    h_exec(w, &cmd, "post");
    return cmd.result.seq;
}

static void build_world(void)
{
    ct_world *w = &t.srv.w;
    cc_command cmd;
    ct_world_open(w);
    if (cc_password_hash(H_PASSWORD, strlen(H_PASSWORD), t.pwhash)) abort();
    set_pw(w, &w->admin);
    set_pw(w, &w->mod);
    set_pw(w, &w->alice);
    account(w, "del-part", 0);
    account(w, "del-mod", CC_ROLE_MODERATOR);
    account(w, "del-admin", CC_ROLE_ADMIN);

    t.target = post_by(w, &w->bob, "Contribution de Bob");
    t.own[R_ANON] = t.own[R_UNCONF] = t.own[R_PART] = w->contribution; /* alice's */
    t.own[R_MOD] = post_by(w, &w->mod, "Contribution du modérateur");
    t.own[R_ADMIN] = post_by(w, &w->admin, "Contribution de l'admin");
    for (int r = 0; r < R_COUNT; r++) {
        t.flagged[r] = post_by(w, &w->alice, "Contribution signalée");
        ct_target(&cmd, CC_EV_FLAG_RAISED, &w->bob, t.flagged[r]);
        cmd.event.reason = CC_FLAG_INSULTING;
        cc_event_set(&cmd.event, CC_F_FLAG_REASON);
        cc_command_body(&cmd, CC_B_TEXT, "Propos injurieux.");
        cmd.has_body = 1;
        h_exec(w, &cmd, "flag");
    }

    /* one-time tokens: account confirmation, reset, e-mail change */
    for (int r = 0; r < R_COUNT; r++) {
        char user[32], email[64];
        snprintf(user, sizeof user, "conf-%d", r);
        snprintf(email, sizeof email, "conf-%d@example.org", r);
        cc_command_init(&cmd, CC_CMD_ACCOUNT_CREATE);
        snprintf(cmd.account.username, sizeof cmd.account.username, "%s", user);
        snprintf(cmd.account.email, sizeof cmd.account.email, "%s", email);
        memcpy(cmd.account.pwhash, t.pwhash, sizeof t.pwhash);
        cmd.account.status = CC_STATUS_CITIZEN;
        h_exec(w, &cmd, "unconfirmed account");
        memcpy(t.confirm_tok[r], cmd.result.token, CC_TOKEN_TEXT_LEN + 1);

        snprintf(user, sizeof user, "reset-%d", r);
        snprintf(email, sizeof email, "reset-%d@example.org", r);
        cc_pseudonym p = ct_register(w, user, email);
        token(w, &p, CC_TOKEN_RESET, NULL, t.reset_tok[r]);

        snprintf(user, sizeof user, "mail-%d", r);
        snprintf(email, sizeof email, "mail-%d@example.org", r);
        p = ct_register(w, user, email);
        snprintf(email, sizeof email, "mail-%d-new@example.org", r);
        token(w, &p, CC_TOKEN_EMAIL_CHANGE, email, t.email_tok[r]);
    }

    /* a meeting (for its report) and a theme not opened yet (for its state) */
    cc_command_event(&cmd, CC_EV_MEETING_SCHEDULED, &w->admin);
    cmd.event.at = 1700000000000ull;
    cc_event_set(&cmd.event, CC_F_AT);
    cc_command_body(&cmd, CC_B_TITLE, "Journée de Lyon");
    cc_command_body(&cmd, CC_B_PLACE, "Lyon");
    h_exec(w, &cmd, "meeting");
    t.meeting = cmd.result.seq;
    cc_command_event(&cmd, CC_EV_THEME_CREATED, &w->admin);
    cmd.event.order = 2;
    cmd.event.opens = 1000;
    cmd.event.closes = 2000;
    cc_event_set(&cmd.event, CC_F_ORDER);
    cc_event_set(&cmd.event, CC_F_OPENS);
    cc_event_set(&cmd.event, CC_F_CLOSES);
    cc_command_body(&cmd, CC_B_TITLE, "Thème à ouvrir");
    h_exec(w, &cmd, "theme");
    t.new_theme = cmd.result.seq;
    ct_world_stop(w);
}

/* h_start with the rate limits raised: the matrix sends more registrations,
 * resets and contact messages from one address than the defaults allow. */
static void start_server(h_server *s)
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
                        s->w.dir,
                        "--listen",
                        "127.0.0.1:0",
                        "--threads",
                        "2",
                        "--no-access-log",
                        "--rate-limit",
                        "login=1000/60",
                        "--rate-limit",
                        "register=1000/60",
                        "--rate-limit",
                        "reset=1000/60",
                        "--rate-limit",
                        "contact=1000/60",
                        NULL};
        exit(cc_serve_main((int)(sizeof argv / sizeof *argv) - 1, argv));
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

/* A browser without a session: the anonymous CSRF cookie a form sets. */
static void anon_cookie(const char *page, char *out, size_t cap)
{
    ct_response r = h_get(&t.srv, page, NULL);
    assert_int_equal(r.status, 200);
    const char *c = h_set_cookie(&r, CC_CSRF_COOKIE);
    assert_non_null(c);
    snprintf(out, cap, "%s", c);
    ct_response_release(&r);
}

/* The unconfirmed role: register through /inscription, never confirm; its
 * login is refused and it never gets a session. */
static void register_pending(void)
{
    char *cookie = t.cookie[R_UNCONF];
    anon_cookie("/inscription", cookie, sizeof t.cookie[R_UNCONF]);
    ct_response r = h_get(&t.srv, "/inscription", cookie);
    char body[512];
    snprintf(body, sizeof body,
             "csrf=%s&identifiant=pending&courriel=pending%%40example.org&mot_de_passe=%s"
             "&statut=1&organisation=&charte=1",
             h_csrf_of(&r), H_PASSWORD);
    ct_response_release(&r);
    uint64_t before = h_log_size(&t.srv);
    r = h_post(&t.srv, "/inscription", cookie, body);
    if (r.status != 303) fail_msg("registration: %d\n%.2000s", r.status, r.body);
    h_contains(ct_header(&r, "location"), "/inscription?envoye=1");
    ct_response_release(&r);
    assert_int_equal(h_log_size(&t.srv), before); /* not a participant yet */
    free(h_wait_mail(&t.srv, "pending@example.org", "/confirmer?jeton="));
    /* login refused: not active */
    r = h_get(&t.srv, "/connexion", cookie);
    snprintf(body, sizeof body, "csrf=%s&identifiant=pending&mot_de_passe=%s", h_csrf_of(&r),
             H_PASSWORD);
    ct_response_release(&r);
    r = h_post(&t.srv, "/connexion", cookie, body);
    assert_int_equal(r.status, 400);
    h_contains(r.body, "pas encore activé");
    assert_null(h_set_cookie(&r, CC_SESSION_COOKIE));
    ct_response_release(&r);
}

static int setup(void **state)
{
    (void)state;
    signal(SIGPIPE, SIG_IGN);
    build_world();
    start_server(&t.srv);
    anon_cookie("/connexion", t.cookie[R_ANON], sizeof t.cookie[R_ANON]);
    register_pending();
    for (int r = R_PART; r < R_COUNT; r++)
        h_login(&t.srv, usernames[r], t.cookie[r], sizeof t.cookie[r]);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    h_stop(&t.srv);
    return 0;
}

/* ---- one cell -------------------------------------------------------------------- */

static const expect *expect_of(const char *name)
{
    for (size_t i = 0; i < N_EXPECTS; i++)
        if (!strcmp(expects[i].name, name)) return &expects[i];
    return NULL;
}

static const body_tpl *body_of(const char *name)
{
    for (size_t i = 0; i < N_BODIES; i++)
        if (!strcmp(bodies[i].name, name)) return &bodies[i];
    return NULL;
}

/* The id a prefix route takes, for this role; 0 when the route is unknown. */
static uint64_t id_for(const char *name, int role)
{
    if (!strcmp(name, "act_post")) return t.srv.w.section;
    if (!strcmp(name, "act_edit")) return t.own[role];
    if (!strcmp(name, "act_argument") || !strcmp(name, "act_source") ||
        !strcmp(name, "act_comment") || !strcmp(name, "act_vote") || !strcmp(name, "act_flag"))
        return t.target;
    return 0;
}

/* The per-role value of "{arg}" in the body of a route. */
static void arg_for(const char *name, int role, char *out, size_t cap)
{
    if (!strcmp(name, "acc_confirm"))
        snprintf(out, cap, "%s", t.confirm_tok[role]);
    else if (!strcmp(name, "acc_reset"))
        snprintf(out, cap, "%s", t.reset_tok[role]);
    else if (!strcmp(name, "acc_email_confirm"))
        snprintf(out, cap, "%s", t.email_tok[role]);
    else if (!strcmp(name, "acc_login"))
        snprintf(out, cap, "%s", usernames[role]);
    else if (!strcmp(name, "mod_decide"))
        snprintf(out, cap, "%llu", (unsigned long long)t.flagged[role]);
    else if (!strcmp(name, "adm_theme_state"))
        snprintf(out, cap, "%llu", (unsigned long long)t.new_theme);
    else if (!strcmp(name, "adm_section"))
        snprintf(out, cap, "%llu", (unsigned long long)t.srv.w.theme);
    else if (!strcmp(name, "adm_meeting_report"))
        snprintf(out, cap, "%llu", (unsigned long long)t.meeting);
    else
        snprintf(out, cap, "r%d", role);
}

static void expand(const char *tpl, const char *arg, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = tpl; *p && n + 1 < cap;) {
        if (!strncmp(p, "{arg}", 5)) {
            n += (size_t)snprintf(out + n, cap - n, "%s", arg);
            p += 5;
        } else {
            out[n++] = *p++;
        }
    }
    out[n < cap ? n : cap - 1] = '\0';
}

/* POST fields (plus the csrf field when csrf is not NULL) to path. */
static ct_response post_body(const char *name, const char *path, const char *cookie,
                             const char *csrf, const char *fields)
{
    if (strcmp(name, "adm_document")) {
        char body[1024];
        snprintf(body, sizeof body, "%s%s%s%s", csrf ? "csrf=" : "", csrf ? csrf : "",
                 csrf && *fields ? "&" : "", fields);
        return h_post(&t.srv, path, cookie[0] ? cookie : NULL, body);
    }
    static const char pdf[] = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    const char *b = "----authzBoundary7";
    char body[2048];
    int n = 0;
    if (csrf)
        n += snprintf(body + n, sizeof body - (size_t)n,
                      "--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n", b,
                      csrf);
    n += snprintf(body + n, sizeof body - (size_t)n,
                  "--%s\r\nContent-Disposition: form-data; name=\"titre\"\r\n\r\nAvis\r\n"
                  "--%s\r\nContent-Disposition: form-data; name=\"fichier\"; "
                  "filename=\"avis.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%s\r\n--%s--\r\n",
                  b, b, pdf, b);
    char ctype[96];
    snprintf(ctype, sizeof ctype, "multipart/form-data; boundary=%s", b);
    return h_post_raw(&t.srv, path, cookie[0] ? cookie : NULL, ctype, body, (size_t)n);
}

/* The role's CSRF token from a page of its own (static buffer), "" when
 * that page has no form; *form (may be NULL): the page has a form that
 * posts to path itself. */
static const char *token_from(const char *path, const char *cookie, int *status, int *form)
{
    static char tok[64];
    tok[0] = '\0';
    ct_response r = h_get(&t.srv, path, cookie[0] ? cookie : NULL);
    if (status) *status = r.status;
    if (form) {
        char action[300];
        snprintf(action, sizeof action, "action=\"%s\"", path);
        *form = r.status == 200 && strstr(r.body, action) != NULL;
    }
    const char *at = r.status == 200 ? strstr(r.body, "name=\"csrf\" value=\"") : NULL;
    if (at) {
        at += strlen("name=\"csrf\" value=\"");
        size_t n = strcspn(at, "\"");
        if (n < sizeof tok) {
            memcpy(tok, at, n);
            tok[n] = '\0';
        }
    }
    ct_response_release(&r);
    return tok;
}

typedef struct cell {
    int get_status;            /* 0: the route has no GET */
    int status, nocsrf_status; /* POST with and without the token */
    long long grow, nocsrf_grow;
    int ok; /* everything as expected */
} cell;

static cell matrix[N_ROUTES][R_COUNT];
static char problems[16384];
static size_t problems_len;

static void problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void problem(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (problems_len < sizeof problems)
        problems_len +=
            (size_t)vsnprintf(problems + problems_len, sizeof problems - problems_len, fmt, ap);
    va_end(ap);
    if (problems_len > sizeof problems) problems_len = sizeof problems;
}

static void run_cell(size_t ri, int role)
{
    const route *rt = &all_routes[ri];
    const expect *ex = expect_of(rt->name);
    const body_tpl *bt = body_of(rt->name);
    cell *c = &matrix[ri][role];
    c->ok = 1;
    char want = ex->cells[role];

    char path[256];
    size_t plen = strlen(rt->path);
    if (rt->path[plen - 1] == '/') {
        uint64_t id = id_for(rt->name, role);
        if (!id) fail_msg("prefix route %s (%s) has no id: add it to id_for", rt->name, rt->path);
        snprintf(path, sizeof path, "%s%llu", rt->path, (unsigned long long)id);
    } else {
        snprintf(path, sizeof path, "%s", rt->path);
    }

    /* The browser of this cell: the role's, except where the POST ends the
     * session (logout: a fresh one of the same account) or the account
     * (delete: another account of the same role). */
    char cookie[160];
    snprintf(cookie, sizeof cookie, "%s", t.cookie[role]);
    if (role >= R_PART && !strcmp(rt->name, "acc_logout"))
        h_login(&t.srv, usernames[role], cookie, sizeof cookie);
    if (role >= R_PART && !strcmp(rt->name, "acc_delete"))
        h_login(&t.srv, victims[role], cookie, sizeof cookie);

    /* The form, when the route has one; else (or when it shows none) a
     * token from a page the role can see: the session's for signed-in
     * roles, the anonymous cookie's otherwise. */
    char tok[64] = "";
    if (rt->methods & CC_METHOD_GET) {
        int form = 0;
        snprintf(tok, sizeof tok, "%s", token_from(path, cookie, &c->get_status, &form));
        if (want == 'A' && (c->get_status != 200 || !tok[0] || !form)) {
            c->ok = 0;
            problem("  %s %s as %s: GET %d%s, expected 200 with its form and a CSRF token\n",
                    rt->name, path, role_names[role], c->get_status,
                    !form    ? " without the form"
                    : tok[0] ? ""
                             : " without a CSRF token");
        }
        if (want == 'D' && form) {
            c->ok = 0;
            problem("  %s %s as %s: GET %d shows the form to a role that may not post it\n",
                    rt->name, path, role_names[role], c->get_status);
        }
    }
    if (!tok[0])
        snprintf(tok, sizeof tok, "%s",
                 token_from(role >= R_PART ? "/compte" : "/connexion", cookie, NULL, NULL));
    if (!tok[0]) fail_msg("no CSRF token for %s", role_names[role]);

    char arg[128], fields[1024];
    arg_for(rt->name, role, arg, sizeof arg);
    expand(bt->fields ? bt->fields : "", arg, fields, sizeof fields);

    /* Without the token: always 403, nothing written. */
    uint64_t before = h_log_size(&t.srv);
    ct_response r = post_body(rt->name, path, cookie, NULL, fields);
    c->nocsrf_status = r.status;
    c->nocsrf_grow = (long long)(h_log_size(&t.srv) - before);
    if (r.status != 403 || c->nocsrf_grow != 0) {
        c->ok = 0;
        const char *loc = ct_header(&r, "location");
        problem("  %s %s as %s WITHOUT csrf: got %d%s%s, log %+lld; expected 403, log +0\n",
                rt->name, path, role_names[role], r.status, loc ? " -> " : "", loc ? loc : "",
                c->nocsrf_grow);
    }
    ct_response_release(&r);

    /* With the role's token. */
    before = h_log_size(&t.srv);
    r = post_body(rt->name, path, cookie, tok, fields);
    c->status = r.status;
    c->grow = (long long)(h_log_size(&t.srv) - before);
    const char *loc = ct_header(&r, "location");
    char got_loc[256];
    snprintf(got_loc, sizeof got_loc, "%s", loc ? loc : "");
    int good;
    const char *expected;
    switch (want) {
    case 'A':
        good = r.status == 303 && c->grow == (long long)ex->grow &&
               !strncmp(got_loc, ex->loc, strlen(ex->loc));
        expected = "303 to the success page, log grows";
        break;
    case 'N':
        good = r.status == 303 && c->grow == 0 && !strncmp(got_loc, "/?", 2);
        expected = "303 to /, log +0 (no-op)";
        break;
    case 'L':
        good = r.status == 400 && c->grow == 0 && strstr(r.body, "pas encore activé") &&
               !h_set_cookie(&r, CC_SESSION_COOKIE);
        expected = "400 'not active yet', no session, log +0";
        break;
    default:
        good = r.status == 403 && c->grow == 0;
        expected = "403, log +0";
        break;
    }
    if (!good) {
        c->ok = 0;
        problem("  %s %s as %s: got %d%s%s, log %+lld; expected %s", rt->name, path,
                role_names[role], r.status, got_loc[0] ? " -> " : "", got_loc, c->grow, expected);
        if (want == 'A') problem(" (+%u, to %s)", ex->grow, ex->loc);
        problem("\n");
        if (r.status >= 400 && r.status != 403)
            fprintf(stderr, "%s as %s: body:\n%.1500s\n", rt->name, role_names[role], r.body);
    }
    /* whatever the status, a refusal must not write */
    if (want != 'A' && c->grow != 0)
        problem("  !! %s as %s WROTE %+lld log entries although refused\n", rt->name,
                role_names[role], c->grow);
    ct_response_release(&r);
}

static void print_matrix(void)
{
    printf("\nAuthorization matrix: each cell is [GET status] POST status+log growth / POST "
           "without CSRF status;\nexpected letter first (A allowed, D denied 403, N no-op, L "
           "login refused), '!' marks a mismatch.\n\n");
    printf("%-20s %-30s", "route", "path");
    for (int r = 0; r < R_COUNT; r++)
        printf(" %-20s", role_names[r]);
    printf("\n");
    for (size_t i = 0; i < N_ROUTES; i++) {
        if (!(all_routes[i].methods & CC_METHOD_POST)) continue;
        const expect *ex = expect_of(all_routes[i].name);
        printf("%-20s %-30s", all_routes[i].name, all_routes[i].path);
        for (int r = 0; r < R_COUNT; r++) {
            const cell *c = &matrix[i][r];
            char get[8] = "", s[40];
            if (c->get_status) snprintf(get, sizeof get, "g%d ", c->get_status);
            snprintf(s, sizeof s, "%c %s%d%+lld/%d%s", ex->cells[r], get, c->status, c->grow,
                     c->nocsrf_status, c->ok ? "" : " !");
            printf(" %-20s", s);
        }
        printf("\n");
    }
    printf("\n");
    fflush(stdout);
}

/* Every POST route has an expectation row and a body; no row is stale. */
static void test_table_complete(void **state)
{
    (void)state;
    size_t posts = 0;
    for (size_t i = 0; i < N_ROUTES; i++) {
        if (!(all_routes[i].methods & CC_METHOD_POST)) continue;
        posts++;
        const expect *ex = expect_of(all_routes[i].name);
        if (!ex)
            fail_msg("POST route %s (%s) has no row in the authorization matrix",
                     all_routes[i].name, all_routes[i].path);
        assert_int_equal(strlen(ex->cells), R_COUNT);
        if (!body_of(all_routes[i].name))
            fail_msg("POST route %s (%s) has no body", all_routes[i].name, all_routes[i].path);
    }
    assert_int_equal(posts, N_EXPECTS);
    assert_int_equal(posts, N_BODIES);
    /* the unconfirmed role must behave as the anonymous one, bar its login */
    for (size_t i = 0; i < N_EXPECTS; i++)
        if (strcmp(expects[i].name, "acc_login"))
            assert_int_equal(expects[i].cells[R_ANON], expects[i].cells[R_UNCONF]);
}

static void test_matrix(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ROUTES; i++) {
        if (!(all_routes[i].methods & CC_METHOD_POST)) continue;
        for (int r = 0; r < R_COUNT; r++)
            run_cell(i, r);
    }
    print_matrix();
    /* the staff sessions survived the matrix (logout and delete used others) */
    for (int r = R_PART; r < R_COUNT; r++) {
        ct_response resp = h_get(&t.srv, "/compte", t.cookie[r]);
        assert_int_equal(resp.status, 200);
        ct_response_release(&resp);
    }
    if (problems_len) {
        printf("Mismatches:\n%s\n", problems);
        fflush(stdout);
        fail_msg("the authorization matrix has mismatches (listed above)");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_complete),
        cmocka_unit_test(test_matrix),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
