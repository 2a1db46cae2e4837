/* test_server.c - the real server, started by cc_serve_main (what `concerto
 * serve` runs) in a child process on a free loopback port, against a ledger
 * holding the demo consultation, driven over raw HTTP/1.1.
 *
 * The parent opens the same ledger read-only to compare what the server
 * says with what is stored: the checkpoint byte for byte, tiles and entry
 * bundles against cc_tile_read. The last test stops the server with SIGTERM
 * while one request is half sent and one keep-alive connection is idle, and
 * checks that the first is answered, the second closed, new connections
 * refused, and the process exits 0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "demo.h"
#include "error.h"
#include "event.h"
#include "http_client.h"
#include "ledger.h"
#include "log.h"
#include "response.h"
#include "router.h"
#include "serve.h"
#include "support.h"
#include "tiles.h"
#include "writer.h"

#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TITLE_ESCAPED "Concertation nationale sur le numérique à l&#39;école"

static struct {
    char *dir;
    char *access_log;
    pid_t pid;
    uint16_t port;
    cc_ledger l;
    int ledger_open;
    uint64_t size;
} srv;

static void must(int rc, const char *what)
{
    if (rc) {
        fprintf(stderr, "fixture: %s: %s\n", what, cc_strerror(rc));
        abort();
    }
}

/* A ledger with the demo consultation, as `concerto init --demo` makes it. */
static void make_demo(const char *dir)
{
    cc_ledger l;
    cc_writer *w;
    must(cc_ledger_create(dir, "test.example/log", NULL, 0), "create");
    must(cc_ledger_open(&l, dir, NULL), "open");
    must(cc_writer_start(&l, NULL, &w), "writer");
    cc_pseudonym admin;
    must(cc_tool_register(w, "admin", "admin@example.org", "admin-password-for-tests",
                          CC_STATUS_PUBLIC_BODY, "Ministère de l'Éducation nationale", &admin),
         "admin");
    cc_command cmd;
    cc_command_event(&cmd, CC_EV_ROLE_GRANTED, &admin);
    cmd.event.p = admin;
    cmd.event.role = CC_ROLE_ADMIN;
    cc_event_set(&cmd.event, CC_F_P);
    cc_event_set(&cmd.event, CC_F_ROLE);
    must(cc_writer_exec(w, &cmd), "admin role");
    must(cc_demo_load(w, &admin, 0), "demo");

    /* More than 256 entries, so that full tiles and a level-1 tile exist:
     * contributions in the demo's first section that takes them. */
    MDB_txn *txn;
    cc_log_iter it;
    uint64_t seq, section = 0;
    cc_slice entry;
    cc_event ev;
    must(cc_ledger_read_begin(&l, &txn), "read");
    must(cc_log_iter_open(txn, l.log, 0, &it), "iter");
    while (!section && cc_log_iter_next(&it, &seq, &entry) == 0)
        if (cc_event_decode(entry.ptr, entry.len, &ev) == 0 && ev.type == CC_EV_SECTION_CREATED &&
            ev.posting)
            section = seq;
    cc_log_iter_close(&it);
    cc_ledger_read_end(&l, txn);
    assert(section);
    for (int i = 0; i < 260; i++) {
        char title[64];
        snprintf(title, sizeof title, "Proposition de test n°%d", i + 1);
        cc_command_event(&cmd, CC_EV_CONTRIBUTION_POSTED, &admin);
        cmd.event.section = section;
        cc_event_set(&cmd.event, CC_F_SECTION);
        cc_command_body(&cmd, CC_B_TITLE, title);
        cc_command_body(&cmd, CC_B_TEXT, "Texte de la proposition.");
        must(cc_writer_exec(w, &cmd), "contribution");
    }
    cc_writer_stop(w);
    cc_ledger_close(&l);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Fork a child running cc_serve_main; returns its pid and the port it
 * printed on stdout. */
static pid_t start_server(const char *dir, const char *log_path, uint16_t *port)
{
    int p[2];
    if (pipe(p)) abort();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) abort();
    if (pid == 0) {
        /* never outlive the test, even if it crashes */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() == 1) _exit(1);
        dup2(p[1], STDOUT_FILENO);
        close(p[0]);
        close(p[1]);
        char *argv[] = {"serve",     "--data", (char *)dir,    "--listen",       "127.0.0.1:0",
                        "--threads", "2",      "--access-log", (char *)log_path, NULL};
        /* exit, not _exit: the sanitizers check for leaks at exit, and the
         * graceful-stop test wants status 0 from a clean server. */
        exit(cc_serve_main(9, argv));
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

static int setup(void **state)
{
    (void)state;
    srv.dir = ct_tempdir("http");
    make_demo(srv.dir);
    if (asprintf(&srv.access_log, "%s/access.log", srv.dir) < 0) abort();
    srv.pid = start_server(srv.dir, srv.access_log, &srv.port);
    cc_ledger_options ro = {0, 1};
    must(cc_ledger_open(&srv.l, srv.dir, &ro), "open read-only");
    srv.ledger_open = 1;
    MDB_txn *txn;
    must(cc_ledger_read_begin(&srv.l, &txn), "read");
    must(cc_log_size(txn, srv.l.log, &srv.size), "size");
    cc_ledger_read_end(&srv.l, txn);
    /* The views catch up in the background: wait for the home page to show
     * the consultation. */
    double deadline = now_s() + 30;
    for (;;) {
        ct_response r = ct_request(srv.port, "GET", "/", NULL);
        int ready = r.status == 200 && strstr(r.body, TITLE_ESCAPED);
        ct_response_release(&r);
        if (ready) break;
        if (now_s() > deadline) {
            fprintf(stderr, "the home page never showed the consultation\n");
            return -1;
        }
        usleep(50000);
    }
    return 0;
}

static pid_t extra_pid; /* a second server, stopped by teardown if a test fails */

static int teardown(void **state)
{
    (void)state;
    if (extra_pid > 0) {
        kill(extra_pid, SIGTERM);
        waitpid(extra_pid, NULL, 0);
    }
    if (srv.pid > 0) {
        kill(srv.pid, SIGTERM);
        waitpid(srv.pid, NULL, 0);
    }
    if (srv.ledger_open) cc_ledger_close(&srv.l);
    ct_rmtree(srv.dir);
    free(srv.dir);
    free(srv.access_log);
    return 0;
}

static ct_response get(const char *path, const char *extra)
{
    return ct_request(srv.port, "GET", path, extra);
}

static void assert_header(const ct_response *r, const char *name, const char *want)
{
    const char *v = ct_header(r, name);
    if (!v) fail_msg("missing header %s in:\n%s", name, r->head);
    assert_string_equal(v, want);
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle)) fail_msg("'%s' not found in:\n%.2000s", needle, hay);
}

/* ---- pages ---------------------------------------------------------------- */

static void healthz(void **state)
{
    (void)state;
    ct_response r = get("/healthz", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "ok\n");
    assert_header(&r, "content-type", "text/plain; charset=utf-8");
    assert_header(&r, "cache-control", "no-store");
    ct_response_release(&r);
}

static void home_page(void **state)
{
    (void)state;
    ct_response r = get("/", NULL);
    assert_int_equal(r.status, 200);
    assert_header(&r, "content-type", "text/html; charset=utf-8");
    assert_header(&r, "content-security-policy", CC_CSP);
    assert_header(&r, "x-content-type-options", "nosniff");
    assert_header(&r, "vary", "Accept-Language, Cookie");
    assert_non_null(ct_header(&r, "etag"));
    assert_true(strncmp(r.body, "<!DOCTYPE html>\n<html lang=\"fr\">", 32) == 0);
    /* the title, from the ledger's body, escaped by the writer */
    assert_contains(r.body, "<h1>" TITLE_ESCAPED "</h1>");
    assert_contains(r.body, "<title>" TITLE_ESCAPED " \xE2\x80\x94 Concerto</title>");
    assert_contains(r.body, "Les thèmes");
    assert_contains(r.body, "Le numérique et les compétences de demain");
    assert_contains(r.body, "Ouvert aux contributions");
    assert_contains(r.body, "<time datetime=\"");
    assert_contains(r.body, "href=\"#main\"");
    /* five themes, each an article in the list */
    int articles = 0;
    for (const char *p = r.body; (p = strstr(p, "<li><article")); p++)
        articles++;
    assert_int_equal(articles, 5);
    /* no inline script or style anywhere */
    assert_null(strstr(r.body, "<script"));
    assert_null(strstr(r.body, "style="));
    assert_null(strstr(r.body, "<style"));
    ct_response_release(&r);
}

static void home_in_english(void **state)
{
    (void)state;
    ct_response r = get("/?lang=en", NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "<html lang=\"en\">");
    assert_contains(r.body, "Themes");
    assert_contains(r.body, "Open for contributions");
    assert_contains(r.body, "hreflang=\"fr\"");
    assert_header(&r, "set-cookie", "lang=en; Path=/; Max-Age=31536000; SameSite=Lax");
    assert_header(&r, "cache-control", "private, no-cache");
    ct_response_release(&r);

    r = get("/", "Cookie: lang=en\r\n");
    assert_contains(r.body, "<html lang=\"en\">");
    assert_null(ct_header(&r, "set-cookie"));
    ct_response_release(&r);

    r = get("/", "Accept-Language: en-GB,en;q=0.9,fr;q=0.5\r\n");
    assert_contains(r.body, "<html lang=\"en\">");
    ct_response_release(&r);

    r = get("/", "Accept-Language: de\r\n");
    assert_contains(r.body, "<html lang=\"fr\">");
    ct_response_release(&r);
}

static void etags_and_304(void **state)
{
    (void)state;
    const char *paths[] = {"/", "/checkpoint", "/static/concerto.css", "/tile/entries/000.p/1"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        ct_response r = get(paths[i], NULL);
        assert_int_equal(r.status, 200);
        const char *e = ct_header(&r, "etag");
        assert_non_null(e);
        char etag[64], extra[160];
        snprintf(etag, sizeof etag, "%s", e);
        assert_int_equal(strlen(etag), 18); /* "16 hex digits" */
        /* the same body gives the same ETag */
        ct_response again = get(paths[i], NULL);
        assert_string_equal(ct_header(&again, "etag"), etag);
        ct_response_release(&again);

        snprintf(extra, sizeof extra, "If-None-Match: %s\r\n", etag);
        ct_response nm = get(paths[i], extra);
        assert_int_equal(nm.status, 304);
        assert_int_equal(nm.body_len, 0);
        assert_string_equal(ct_header(&nm, "etag"), etag);
        ct_response_release(&nm);

        snprintf(extra, sizeof extra, "If-None-Match: \"nope\", W/%s\r\n", etag);
        nm = get(paths[i], extra);
        assert_int_equal(nm.status, 304);
        ct_response_release(&nm);

        nm = get(paths[i], "If-None-Match: \"0000000000000000\"\r\n");
        assert_int_equal(nm.status, 200);
        assert_int_equal(nm.body_len, r.body_len);
        ct_response_release(&nm);
        ct_response_release(&r);
    }
}

static void head_requests(void **state)
{
    (void)state;
    ct_response g = get("/", NULL);
    ct_response h = ct_request(srv.port, "HEAD", "/", NULL);
    assert_int_equal(h.status, 200);
    assert_int_equal(h.body_len, 0);
    char len[32];
    snprintf(len, sizeof len, "%zu", g.body_len);
    assert_header(&h, "content-length", len);
    assert_string_equal(ct_header(&h, "etag"), ct_header(&g, "etag") ? ct_header(&g, "etag") : "");
    ct_response_release(&g);
    ct_response_release(&h);
}

static void stylesheet(void **state)
{
    (void)state;
    ct_response home = get("/", NULL);
    const char *href = strstr(home.body, "href=\"/static/concerto.css?v=");
    assert_non_null(href);
    char path[128];
    const char *start = href + strlen("href=\"");
    size_t n = (size_t)(strchr(start, '"') - start);
    memcpy(path, start, n);
    path[n] = '\0';
    ct_response_release(&home);

    ct_response r = get(path, NULL);
    assert_int_equal(r.status, 200);
    assert_header(&r, "content-type", "text/css; charset=utf-8");
    assert_header(&r, "cache-control", CC_CACHE_IMMUTABLE);
    assert_contains(r.body, ".skip:focus");
    ct_response_release(&r);

    r = get("/static/concerto.css?v=old", NULL);
    assert_int_equal(r.status, 200);
    assert_header(&r, "cache-control", "public, max-age=300");
    ct_response_release(&r);

    r = get("/static/other.css", NULL);
    assert_int_equal(r.status, 404);
    ct_response_release(&r);
}

/* ---- log endpoints -------------------------------------------------------- */

static void checkpoint_is_the_stored_one(void **state)
{
    (void)state;
    MDB_txn *txn;
    cc_slice note;
    must(cc_ledger_read_begin(&srv.l, &txn), "read");
    must(cc_ledger_checkpoint(&srv.l, txn, &note), "checkpoint");
    char *stored = malloc(note.len + 1);
    memcpy(stored, note.ptr, note.len);
    size_t stored_len = note.len;
    cc_ledger_read_end(&srv.l, txn);

    ct_response r = get("/checkpoint", NULL);
    assert_int_equal(r.status, 200);
    assert_header(&r, "content-type", "text/plain; charset=utf-8");
    assert_header(&r, "cache-control", "no-cache");
    assert_int_equal(r.body_len, stored_len);
    assert_memory_equal(r.body, stored, stored_len);
    /* and it verifies with the log's key, at the log's size */
    uint64_t size;
    cc_hash root;
    assert_int_equal(cc_checkpoint_open(&srv.l.verifier, r.body, r.body_len, NULL, &size, &root),
                     0);
    assert_true(size == srv.size);
    free(stored);
    ct_response_release(&r);
}

static void expect_tile(const char *path, uint64_t at_size, cc_tile_ref t, const char *cache)
{
    MDB_txn *txn;
    uint8_t *want;
    size_t want_len;
    must(cc_ledger_read_begin(&srv.l, &txn), "read");
    must(cc_tile_read(&srv.l, txn, at_size, &t, &want, &want_len), path);
    cc_ledger_read_end(&srv.l, txn);
    ct_response r = get(path, NULL);
    if (r.status != 200) fail_msg("%s: status %d: %s", path, r.status, r.body);
    assert_header(&r, "content-type", "application/octet-stream");
    assert_header(&r, "cache-control", cache);
    assert_int_equal(r.body_len, want_len);
    assert_memory_equal(r.body, want, want_len);
    free(want);
    ct_response_release(&r);
}

static void tiles_match_the_ledger(void **state)
{
    (void)state;
    uint64_t s = srv.size;
    assert_true(s > 256); /* full tiles and a level-1 tile exist */
    char path[128];
    cc_tile_ref t = {0, 0, 0, 0};
    unsigned w0 = (unsigned)(s % 256);
    if (w0) {
        /* the right edge at the current size */
        snprintf(path, sizeof path, "/tile/0/%03llu.p/%u", (unsigned long long)(s / 256), w0);
        t = (cc_tile_ref){0, 0, s / 256, w0};
        expect_tile(path, s, t, "public, max-age=60");
        snprintf(path, sizeof path, "/tile/entries/%03llu.p/%u", (unsigned long long)(s / 256), w0);
        t.entries = 1;
        expect_tile(path, s, t, "public, max-age=60");
    }
    if (s >= 256) {
        t = (cc_tile_ref){0, 0, 0, 256};
        expect_tile("/tile/0/000", s, t, CC_CACHE_IMMUTABLE);
        t.entries = 1;
        expect_tile("/tile/entries/000", s, t, CC_CACHE_IMMUTABLE);
        t = (cc_tile_ref){0, 1, 0, (unsigned)(s / 256 % 256)};
        if (t.width) {
            snprintf(path, sizeof path, "/tile/1/000.p/%u", t.width);
            expect_tile(path, s, t, "public, max-age=60");
        }
    }
    /* Partial tiles of earlier sizes (a checkpoint was signed at each) are
     * the edges of those smaller trees. */
    t = (cc_tile_ref){0, 0, 0, 1};
    expect_tile("/tile/0/000.p/1", 1, t, "public, max-age=60");
    t = (cc_tile_ref){1, 0, 0, 7};
    expect_tile("/tile/entries/000.p/7", 7, t, "public, max-age=60");

    /* The bundle's entries hash to the level-0 tile's leaves. */
    ct_response e = get("/tile/entries/000.p/7", NULL);
    ct_response h = get("/tile/0/000.p/7", NULL);
    assert_int_equal(h.body_len, 7 * 32);
    size_t off = 0;
    for (int i = 0; i < 7; i++) {
        size_t n = ((size_t)(uint8_t)e.body[off] << 8) | (uint8_t)e.body[off + 1];
        cc_hash leaf;
        cc_merkle_leaf_hash((const uint8_t *)e.body + off + 2, n, &leaf);
        assert_memory_equal(leaf.b, h.body + i * 32, 32);
        off += 2 + n;
    }
    assert_int_equal(off, e.body_len);
    ct_response_release(&e);
    ct_response_release(&h);
}

static uint64_t stored_size_and_checkpoint(char *note_out, size_t cap)
{
    MDB_txn *txn;
    uint64_t size;
    cc_slice note;
    must(cc_ledger_read_begin(&srv.l, &txn), "read");
    must(cc_log_size(txn, srv.l.log, &size), "size");
    must(cc_ledger_checkpoint(&srv.l, txn, &note), "checkpoint");
    snprintf(note_out, cap, "%.*s", (int)note.len, (const char *)note.ptr);
    cc_ledger_read_end(&srv.l, txn);
    return size;
}

static void bad_tile_paths(void **state)
{
    (void)state;
    char before[CC_CHECKPOINT_MAX + 1], after[CC_CHECKPOINT_MAX + 1];
    uint64_t size_before = stored_size_and_checkpoint(before, sizeof before);
    static const char *const malformed[] = {
        "/tile/0/1234",                                   /* not in groups of three */
        "/tile/x/000",                                    /* level not a number */
        "/tile/entries/000.p/0",                          /* width 0 */
        "/tile/entries/000.p/256",                        /* width beyond a partial tile */
        "/tile/0/000.p/05",                               /* leading zero in the width */
        "/tile/00/000",                                   /* leading zero in the level */
        "/tile/64/000",                                   /* level beyond 63 */
        "/tile/0/0000",                                   /* four digits */
        "/tile/0/x000/000",                               /* non-canonical leading group */
        "/tile/0/x999/x999/x999/x999/x999/x999/x999/999", /* beyond 2^64 - 1 */
        "/tile/0/x018/x446/x744/x073/x709/x551/616",      /* 2^64 exactly */
        "/tile/0/000.p/",                                 /* width missing */
        "/tile/0/000.p/1/",                               /* trailing slash */
        "/tile/0/000/",
        "/tile/0/-01",
        "/tile/entries/x001",          /* x-prefixed last group */
        "/tile/0/./000",               /* no normalisation */
        "/tile/0/%30%30%30",           /* no percent-decoding */
        "/tile/entries/000.p/1?x=1&y", /* (the query is ignored: this one is valid) */
    };
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        ct_response r = get(malformed[i], NULL);
        if (i == sizeof malformed / sizeof malformed[0] - 1) {
            assert_int_equal(r.status, 200);
        } else {
            if (r.status != 400) fail_msg("%s: status %d, want 400", malformed[i], r.status);
            assert_header(&r, "content-type", "text/plain; charset=utf-8");
            assert_contains(r.body, "bad tile path: expected /tile/<L>/<N>[.p/<W>]");
        }
        ct_response_release(&r);
    }
    /* Well-formed, but not in the tree at its current size. */
    static const char *const beyond[] = {
        "/tile/0/005.p/1",
        "/tile/8/000.p/1",
        "/tile/63/000",
        "/tile/entries/x001/000",
        "/tile/1/000.p/255",
        "/tile/0/x018/x446/x744/x073/x709/x551/615", /* 2^64 - 1: parses, lies beyond */
    };
    for (size_t i = 0; i < sizeof beyond / sizeof beyond[0]; i++) {
        ct_response r = get(beyond[i], NULL);
        if (r.status != 404) fail_msg("%s: status %d, want 404", beyond[i], r.status);
        assert_contains(r.body, "tile not found: the log has");
        ct_response_release(&r);
    }
    /* just past the right edge: one entry too wide, or not full yet */
    char path[64];
    uint64_t n = srv.size / 256, w = srv.size % 256;
    assert_true(srv.size > 256 && w != 0 && w != 255);
    snprintf(path, sizeof path, "/tile/entries/%03llu.p/%llu", (unsigned long long)n,
             (unsigned long long)w + 1);
    ct_response r = get(path, NULL);
    assert_int_equal(r.status, 404);
    ct_response_release(&r);
    snprintf(path, sizeof path, "/tile/0/%03llu", (unsigned long long)n);
    r = get(path, NULL);
    assert_int_equal(r.status, 404);
    ct_response_release(&r);
    r = get("/tile/1/000", NULL); /* level 1 holds one hash: not a full tile */
    assert_int_equal(r.status, 404);
    ct_response_release(&r);
    /* nothing changed */
    assert_true(stored_size_and_checkpoint(after, sizeof after) == size_before);
    assert_string_equal(before, after);
}

/* ---- errors and limits ---------------------------------------------------- */

static void not_found_and_bad_method(void **state)
{
    (void)state;
    ct_response r = get("/no/such/page", NULL);
    assert_int_equal(r.status, 404);
    assert_header(&r, "content-type", "text/html; charset=utf-8");
    assert_contains(r.body, "<html lang=\"fr\">");
    assert_contains(r.body, "Page introuvable");
    assert_header(&r, "content-security-policy", CC_CSP);
    ct_response_release(&r);

    r = get("/no/such/page", "Accept-Language: en\r\n");
    assert_contains(r.body, "Page not found");
    ct_response_release(&r);

    r = ct_request(srv.port, "POST", "/healthz", "Content-Length: 0\r\n");
    assert_int_equal(r.status, 405);
    assert_header(&r, "allow", "GET, HEAD");
    assert_contains(r.body, "method not allowed");
    ct_response_release(&r);

    r = ct_request(srv.port, "DELETE", "/", NULL);
    assert_int_equal(r.status, 405);
    assert_header(&r, "allow", "GET, HEAD");
    assert_contains(r.body, "Méthode non autorisée");
    ct_response_release(&r);
}

static void request_size_limits(void **state)
{
    (void)state;
    /* A body over the limit is refused from its Content-Length alone,
     * before any of it is sent. */
    ct_response r = ct_request(srv.port, "POST", "/", "Content-Length: 2000000\r\n");
    assert_int_equal(r.status, 413);
    ct_response_release(&r);

    /* A chunked body crossing the limit. */
    int fd = ct_connect(srv.port);
    assert_true(fd >= 0);
    ct_sends(fd, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    static char chunk[65536 + 16];
    int n = snprintf(chunk, 16, "10000\r\n");
    memset(chunk + n, 'a', 65536);
    memcpy(chunk + n + 65536, "\r\n", 2);
    int status = 0;
    /* 17 chunks of 64 KiB cross the 1 MiB limit; sending no more than that
     * lets the server read everything before it closes (no reset). */
    for (int i = 0; i < 17; i++) {
        if (ct_send(fd, chunk, (size_t)n + 65536 + 2)) break; /* the server may close first */
    }
    ct_response big;
    if (ct_read_response(fd, 0, &big) == 0) {
        status = big.status;
        ct_response_release(&big);
    }
    close(fd);
    assert_int_equal(status, 413);

    /* A request target or headers beyond the site's limits. */
    char *big_path = malloc(CC_MAX_TARGET + 100);
    strcpy(big_path, "/tile/");
    memset(big_path + 6, 'a', CC_MAX_TARGET);
    big_path[CC_MAX_TARGET + 6] = '\0';
    r = get(big_path, NULL);
    assert_int_equal(r.status, 414);
    ct_response_release(&r);
    free(big_path);
    char *big_header = malloc(CC_MAX_HEADER_BYTES + 100);
    strcpy(big_header, "X-Padding: ");
    memset(big_header + 11, 'p', CC_MAX_HEADER_BYTES);
    strcpy(big_header + 11 + CC_MAX_HEADER_BYTES, "\r\n");
    r = get("/", big_header);
    assert_int_equal(r.status, 431);
    ct_response_release(&r);
    free(big_header);

    /* A request head beyond h2o's own limit (8 KiB + 4 KiB per possible
     * header), never finished: h2o answers 400 once it has read that much
     * (sending no more than that lets it close without a reset). */
    size_t max = 8192 + 4096 * 100;
    fd = ct_connect(srv.port);
    assert_true(fd >= 0);
    char *huge = malloc(max);
    strcpy(huge, "GET / HTTP/1.1\r\nHost: x\r\nX-Padding: ");
    size_t hl = strlen(huge);
    memset(huge + hl, 'p', max - hl);
    ct_send(fd, huge, max);
    free(huge);
    assert_int_equal(ct_read_response(fd, 0, &r), 0);
    assert_int_equal(r.status, 400);
    ct_response_release(&r);
    close(fd);
}

static void keep_alive_and_pipelining(void **state)
{
    (void)state;
    int fd = ct_connect(srv.port);
    assert_true(fd >= 0);
    ct_response r;
    for (int i = 0; i < 3; i++) {
        ct_sends(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        assert_int_equal(ct_read_response(fd, 0, &r), 0);
        assert_int_equal(r.status, 200);
        assert_header(&r, "connection", "keep-alive");
        ct_response_release(&r);
    }
    /* three requests in one write */
    ct_sends(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                 "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n"
                 "GET /checkpoint HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_int_equal(ct_read_response(fd, 0, &r), 0);
    assert_string_equal(r.body, "ok\n");
    ct_response_release(&r);
    assert_int_equal(ct_read_response(fd, 1, &r), 0);
    assert_int_equal(r.status, 200);
    ct_response_release(&r);
    assert_int_equal(ct_read_response(fd, 0, &r), 0);
    assert_contains(r.body, "test.example/log\n");
    assert_header(&r, "connection", "close");
    ct_response_release(&r);
    assert_true(ct_wait_closed(fd, 2000));
    close(fd);
}

/* ---- metrics and access log ----------------------------------------------- */

static uint64_t metric(const char *body, const char *series)
{
    size_t n = strlen(series);
    for (const char *p = body; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (!strncmp(p, series, n) && p[n] == ' ') return strtoull(p + n + 1, NULL, 10);
    }
    return 0;
}

static void metrics(void **state)
{
    (void)state;
    ct_response r = get("/metrics", NULL);
    assert_int_equal(r.status, 200);
    assert_header(&r, "content-type", "text/plain; version=0.0.4; charset=utf-8");
    static const char *const names[] = {
        "# TYPE concerto_http_requests_total counter",
        "# TYPE concerto_http_request_duration_seconds histogram",
        "concerto_http_request_duration_seconds_bucket{route=\"home\",le=\"0.0005\"}",
        "concerto_http_request_duration_seconds_bucket{route=\"home\",le=\"+Inf\"}",
        "concerto_http_request_duration_seconds_sum{route=\"home\"}",
        "concerto_http_requests_total{route=\"home\",status=\"200\"}",
        "concerto_http_requests_total{route=\"tile\",status=\"400\"}",
        "concerto_http_requests_total{route=\"none\",status=\"404\"}",
        "concerto_http_requests_total{route=\"home\",status=\"413\"}",
        "concerto_http_requests_total{route=\"home\",status=\"431\"}",
        "concerto_http_requests_total{route=\"tile\",status=\"414\"}",
        "concerto_http_threads 2",
        "# TYPE concerto_ledger_entries gauge",
        "concerto_ledger_bytes ",
        "concerto_projection_lag_entries 0",
        "concerto_views_applied_entries ",
        "concerto_writer_batches_total ",
        "# TYPE concerto_writer_batch_events histogram",
        "concerto_writer_batch_events_bucket{le=\"+Inf\"}",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        assert_contains(r.body, names[i]);
    assert_true(metric(r.body, "concerto_ledger_entries") == srv.size);
    uint64_t before =
        metric(r.body, "concerto_http_requests_total{route=\"healthz\",status=\"200\"}");
    uint64_t count_before =
        metric(r.body, "concerto_http_request_duration_seconds_count{route=\"healthz\"}");
    ct_response_release(&r);

    for (int i = 0; i < 3; i++) {
        ct_response h = get("/healthz", NULL);
        ct_response_release(&h);
    }
    /* Requests are counted when h2o disposes of them, just after their
     * response is written: give the loops a moment. */
    uint64_t after = 0, count_after = 0;
    double deadline = now_s() + 5;
    do {
        r = get("/metrics", NULL);
        after = metric(r.body, "concerto_http_requests_total{route=\"healthz\",status=\"200\"}");
        count_after =
            metric(r.body, "concerto_http_request_duration_seconds_count{route=\"healthz\"}");
        ct_response_release(&r);
    } while (after < before + 3 && now_s() < deadline && !usleep(10000));
    assert_true(after == before + 3);
    assert_true(count_after == count_before + 3);
}

static void access_log(void **state)
{
    (void)state;
    ct_response r = get("/healthz?from=access-log-test", "User-Agent: evil\" 200 \"x\\y\r\n");
    ct_response_release(&r);
    char *text = NULL;
    double deadline = now_s() + 5;
    for (;;) {
        FILE *f = fopen(srv.access_log, "r");
        assert_non_null(f);
        size_t cap = 1 << 20, n;
        free(text);
        text = calloc(1, cap + 1);
        n = fread(text, 1, cap, f);
        text[n] = '\0';
        fclose(f);
        if (strstr(text, "from=access-log-test") || now_s() > deadline) break;
        usleep(10000);
    }
    assert_contains(text, "127.0.0.1 - - [");
    assert_contains(text, "\"GET /healthz?from=access-log-test HTTP/1.1\" 200 3 \"-\" "
                          "\"evil\\x22 200 \\x22x\\x5cy\" ");
    assert_contains(text, "\"POST / HTTP/1.1\" 413 ");
    /* one line per request, each complete */
    for (char *line = text; *line;) {
        char *nl = strchr(line, '\n');
        assert_non_null(nl);
        assert_true(strstr(line, " HTTP/1.1\" ") < nl);
        line = nl + 1;
    }
    free(text);
}

/* ---- the command ---------------------------------------------------------- */

static int serve(int argc, const char **argv)
{
    /* Keep the test's output readable: the command's messages go away. */
    fflush(NULL);
    int out = dup(STDOUT_FILENO), err = dup(STDERR_FILENO);
    FILE *null = fopen("/dev/null", "w");
    dup2(fileno(null), STDOUT_FILENO);
    dup2(fileno(null), STDERR_FILENO);
    int rc = cc_serve_main(argc, (char **)argv);
    fflush(NULL);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    close(out);
    close(err);
    fclose(null);
    return rc;
}

static void command_line(void **state)
{
    (void)state;
    const char *help[] = {"serve", "--help"};
    assert_int_equal(serve(2, help), 0);
    const char *no_data[] = {"serve", "--listen", "127.0.0.1:0"};
    assert_int_equal(serve(3, no_data), 2);
    const char *bad_listen[] = {"serve", "--data", "x", "--listen", "localhost"};
    assert_int_equal(serve(5, bad_listen), 2);
    const char *bad_listen6[] = {"serve", "--data", "x", "--listen", "::1:80"};
    assert_int_equal(serve(5, bad_listen6), 2);
    const char *bad_port[] = {"serve", "--data", "x", "--listen", "127.0.0.1:65536"};
    assert_int_equal(serve(5, bad_port), 2);
    const char *bad_threads[] = {"serve", "--data", "x", "--threads", "0"};
    assert_int_equal(serve(5, bad_threads), 2);
    const char *extra[] = {"serve", "--data", "x", "extra"};
    assert_int_equal(serve(4, extra), 2);
    const char *bad_smtp[] = {"serve", "--data", "x", "--smtp-url", "http://mail"};
    assert_int_equal(serve(5, bad_smtp), 2);
    const char *missing[] = {"serve", "--data", "/nonexistent/concerto"};
    assert_int_equal(serve(3, missing), 1);

    /* A port another server listens on is refused, even though the server
     * itself binds with SO_REUSEPORT. */
    char *dir = ct_tempdir("http-busy");
    must(cc_ledger_create(dir, "test.example/log", NULL, 0), "create");
    char listen[32];
    snprintf(listen, sizeof listen, "127.0.0.1:%u", srv.port);
    const char *busy[] = {"serve", "--data", dir, "--listen", listen, "--no-access-log"};
    assert_int_equal(serve(6, busy), 1);
    ct_rmtree(dir);
    free(dir);
}

/* A fresh data directory: no consultation, no themes, no checkpoint. The
 * site must still answer, and say plainly that there is nothing yet. */
static void empty_ledger_fallback(void **state)
{
    (void)state;
    char *dir = ct_tempdir("http-empty");
    must(cc_ledger_create(dir, "test.example/empty", NULL, 0), "create");
    uint16_t port;
    pid_t pid = start_server(dir, "/dev/null", &port);
    extra_pid = pid;

    ct_response r = ct_request(port, "GET", "/", NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "<html lang=\"fr\">");
    assert_contains(r.body, "<h1>Consultation publique</h1>");
    assert_contains(r.body, "<p class=\"notice\">La consultation n&#39;est pas encore publiée");
    assert_contains(r.body, "Aucun thème n&#39;est encore publié.");
    ct_response_release(&r);
    r = ct_request(port, "GET", "/checkpoint", NULL);
    assert_int_equal(r.status, 200); /* the empty tree has a signed head too */
    assert_true(strncmp(r.body, "test.example/empty\n0\n", 21) == 0);
    ct_response_release(&r);
    r = ct_request(port, "GET", "/tile/entries/000.p/1", NULL);
    assert_int_equal(r.status, 404);
    ct_response_release(&r);
    r = ct_request(port, "GET", "/healthz", NULL);
    assert_int_equal(r.status, 200);
    ct_response_release(&r);
    r = ct_request(port, "GET", "/metrics", NULL);
    assert_contains(r.body, "concerto_ledger_entries 0\n");
    ct_response_release(&r);

    int status = 0;
    assert_int_equal(kill(pid, SIGTERM), 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    extra_pid = 0;
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    ct_rmtree(dir);
    free(dir);
}

/* ---- graceful stop (last: it stops the server) ---------------------------- */

static void graceful_shutdown(void **state)
{
    (void)state;
    /* an idle keep-alive connection */
    int idle = ct_connect(srv.port);
    assert_true(idle >= 0);
    ct_sends(idle, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    ct_response r;
    assert_int_equal(ct_read_response(idle, 0, &r), 0);
    ct_response_release(&r);
    /* a request in flight: its head half sent */
    int busy = ct_connect(srv.port);
    assert_true(busy >= 0);
    ct_sends(busy, "GET /checkpoint HTTP/1.1\r\nHost: x\r\n");
    usleep(100000); /* let the server read it */

    assert_int_equal(kill(srv.pid, SIGTERM), 0);

    /* the idle connection is closed promptly */
    assert_true(ct_wait_closed(idle, 3000));
    close(idle);
    /* new connections are refused once the listeners are closed */
    double deadline = now_s() + 3;
    int refused = 0;
    while (!refused && now_s() < deadline) {
        int fd = ct_connect(srv.port);
        if (fd < 0)
            refused = 1;
        else {
            close(fd);
            usleep(20000);
        }
    }
    assert_true(refused);
    /* the request in flight is answered in full, then the connection closes */
    ct_sends(busy, "\r\n");
    assert_int_equal(ct_read_response(busy, 0, &r), 0);
    assert_int_equal(r.status, 200);
    assert_header(&r, "connection", "close");
    assert_contains(r.body, "test.example/log\n");
    ct_response_release(&r);
    close(busy);

    int status = 0;
    deadline = now_s() + 10;
    pid_t done = 0;
    while ((done = waitpid(srv.pid, &status, WNOHANG)) == 0 && now_s() < deadline)
        usleep(20000);
    assert_int_equal(done, srv.pid);
    srv.pid = 0;
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(healthz),
        cmocka_unit_test(home_page),
        cmocka_unit_test(home_in_english),
        cmocka_unit_test(etags_and_304),
        cmocka_unit_test(head_requests),
        cmocka_unit_test(stylesheet),
        cmocka_unit_test(checkpoint_is_the_stored_one),
        cmocka_unit_test(tiles_match_the_ledger),
        cmocka_unit_test(bad_tile_paths),
        cmocka_unit_test(not_found_and_bad_method),
        cmocka_unit_test(request_size_limits),
        cmocka_unit_test(keep_alive_and_pipelining),
        cmocka_unit_test(metrics),
        cmocka_unit_test(access_log),
        cmocka_unit_test(command_line),
        cmocka_unit_test(empty_ledger_fallback),
        cmocka_unit_test(graceful_shutdown),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
