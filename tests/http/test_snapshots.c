/* test_snapshots.c - the open-data snapshots the server publishes, against
 * the real server (cc_serve_main in a child on a loopback port, with
 * --snapshot-interval 1) and a ledger holding the test world, the demo
 * consultation and a theme closed before the server starts.
 *
 * Checked: latest appears complete (MANIFEST, a checkpoint that verifies,
 * and the whole snapshot passes cc_snapshot_verify); the closed theme gets
 * theme-<id>-<closed_at_size>; files are served with their types and
 * caching (immutable for themes, short with an ETag and 304 for latest);
 * hostile paths get 400 or 404 and never a byte from outside the snapshot;
 * the open-data page links the snapshots; and latest follows new writes
 * (made by another process while the server runs), the superseded
 * snapshots being deleted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "checkpoint.h"
#include "demo.h"
#include "error.h"
#include "http_client.h"
#include "serve.h"
#include "snapshot.h"
#include "snapshots.h"
#include "support.h"

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
    uint64_t closed_size; /* closed_at_size of the closed theme */
    uint64_t start_size;  /* log size when the server started */
    cc_verifier v;
    char snapdir[1024];
} t;

static void must(int rc, const char *what)
{
    if (rc) {
        fprintf(stderr, "fixture: %s: %s\n", what, cc_strerror(rc));
        abort();
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void build_world(void)
{
    ct_world *w = &t.w;
    cc_command cmd;
    ct_world_open(w);
    must(cc_demo_load(w->w, &w->admin, 0), "demo");
    cc_command_event(&cmd, CC_EV_THEME_CLOSED, &w->admin);
    cmd.event.theme = w->theme;
    cc_event_set(&cmd.event, CC_F_THEME);
    must(ct_exec(w, &cmd), "close");
    t.closed_size = ct_log_size(w);
    ct_register(w, "carol", "carol@example.org"); /* the log goes on after the close */
    t.start_size = ct_log_size(w);
    ct_world_stop(w);

    char path[1024], text[600];
    snprintf(path, sizeof path, "%s/keys/log.pub", w->dir);
    FILE *f = fopen(path, "r");
    assert(f);
    size_t n = fread(text, 1, sizeof text, f);
    fclose(f);
    while (n && (text[n - 1] == '\n' || text[n - 1] == '\r'))
        n--;
    must(cc_verifier_parse(text, n, &t.v), "verifier");
    snprintf(t.snapdir, sizeof t.snapdir, "%s/snapshots", w->dir);
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
        char *argv[] = {"serve",     "--data", (char *)dir,           "--listen", "127.0.0.1:0",
                        "--threads", "2",      "--snapshot-interval", "1",        NULL};
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

/* Size of the checkpoint served at path (verified), 0 when not there. */
static uint64_t checkpoint_size(const char *path)
{
    ct_response r = get("%s", path);
    uint64_t size = 0;
    if (r.status == 200) {
        char origin[CC_NOTE_NAME_MAX + 1];
        cc_hash root;
        int rc = cc_checkpoint_open(&t.v, r.body, r.body_len, origin, &size, &root);
        if (rc) {
            fprintf(stderr, "%s: %s\n%s", path, cc_strerror(rc), r.body);
            fail();
        }
    }
    ct_response_release(&r);
    return size;
}

/* Wait until the checkpoint at path states size `want`. */
static void wait_size(const char *path, uint64_t want)
{
    double deadline = now_s() + 120;
    uint64_t got = 0;
    while ((got = checkpoint_size(path)) != want) {
        if (now_s() > deadline) {
            fprintf(stderr, "%s: size %llu, wanted %llu\n", path, (unsigned long long)got,
                    (unsigned long long)want);
            fail();
        }
        usleep(100000);
    }
}

static int setup(void **state)
{
    (void)state;
    build_world();
    t.pid = start_server(t.w.dir, &t.port);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (t.pid > 0) {
        kill(t.pid, SIGTERM);
        int st;
        waitpid(t.pid, &st, 0);
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    /* nothing half-done left behind */
    char path[1100];
    snprintf(path, sizeof path, "%s/.work", t.snapdir);
    struct stat sb;
    assert_int_not_equal(stat(path, &sb), 0);
    ct_world_close(&t.w);
    return 0;
}

static void test_latest_complete(void **state)
{
    (void)state;
    wait_size("/donnees-ouvertes/derniere/checkpoint", t.start_size);
    char path[1200];
    snprintf(path, sizeof path, "%s/latest/MANIFEST", t.snapdir);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    uint64_t size = 0;
    assert_int_equal(cc_snapshots_latest(t.snapdir, &size), 0);
    assert_int_equal(size, t.start_size);
    /* the auditor's full replay accepts it */
    snprintf(path, sizeof path, "%s/latest", t.snapdir);
    char msg[CC_SNAPSHOT_MSG_MAX];
    cc_snapshot_info info;
    int rc = cc_snapshot_verify(path, &t.v, &info, msg, sizeof msg);
    if (rc) fprintf(stderr, "verify: %s\n", msg);
    assert_int_equal(rc, 0);
    assert_int_equal(info.size, t.start_size);
}

static void test_theme_snapshot(void **state)
{
    (void)state;
    char url[256];
    snprintf(url, sizeof url, "/donnees-ouvertes/theme-%llu-%llu/checkpoint",
             (unsigned long long)t.w.theme, (unsigned long long)t.closed_size);
    wait_size(url, t.closed_size);
    char path[1200];
    snprintf(path, sizeof path, "%s/theme-%llu-%llu/MANIFEST", t.snapdir,
             (unsigned long long)t.w.theme, (unsigned long long)t.closed_size);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    cc_snapshot_ref refs[8];
    size_t n = 0;
    assert_int_equal(cc_snapshots_themes(t.snapdir, refs, 8, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(refs[0].theme, t.w.theme);
    assert_int_equal(refs[0].size, t.closed_size);
    ct_response r = get("%s", url);
    assert_int_equal(r.status, 200);
    assert_string_equal(ct_header(&r, "cache-control"), "public, max-age=31536000, immutable");
    ct_response_release(&r);
}

static void expect_file(const char *snap, const char *file, const char *type, const char *cache)
{
    ct_response r = get("/donnees-ouvertes/%s/%s", snap, file);
    if (r.status != 200) fprintf(stderr, "%s/%s: %d %s\n", snap, file, r.status, r.body);
    assert_int_equal(r.status, 200);
    assert_string_equal(ct_header(&r, "content-type"), type);
    assert_string_equal(ct_header(&r, "cache-control"), cache);
    assert_non_null(ct_header(&r, "etag"));
    assert_string_equal(ct_header(&r, "x-content-type-options"), "nosniff");
    assert_true(r.body_len > 0);
    ct_response_release(&r);
}

static void test_types_and_caching(void **state)
{
    (void)state;
    wait_size("/donnees-ouvertes/derniere/checkpoint", t.start_size);
    char theme[64], tile[64];
    snprintf(theme, sizeof theme, "theme-%llu-%llu", (unsigned long long)t.w.theme,
             (unsigned long long)t.closed_size);
    if (t.start_size >= 256)
        snprintf(tile, sizeof tile, "tile/entries/000");
    else
        snprintf(tile, sizeof tile, "tile/entries/000.p/%llu", (unsigned long long)t.start_size);
    const char *latest = "public, max-age=60", *forever = "public, max-age=31536000, immutable";
    const char *snaps[2] = {"derniere", theme}, *caches[2] = {latest, forever};
    for (int i = 0; i < 2; i++) {
        expect_file(snaps[i], "data/votes.csv", "text/csv; charset=utf-8", caches[i]);
        expect_file(snaps[i], "data/votes.jsonl", "application/jsonl; charset=utf-8", caches[i]);
        expect_file(snaps[i], "datapackage.json", "application/json", caches[i]);
        expect_file(snaps[i], "README.md", "text/markdown; charset=utf-8", caches[i]);
        expect_file(snaps[i], "LICENSE", "text/plain; charset=utf-8", caches[i]);
        expect_file(snaps[i], "MANIFEST", "text/plain; charset=utf-8", caches[i]);
        expect_file(snaps[i], "checkpoint", "text/plain; charset=utf-8", caches[i]);
        expect_file(snaps[i], "bodies.jsonl", "application/jsonl; charset=utf-8", caches[i]);
    }
    expect_file("derniere", tile, "application/octet-stream", latest);
    /* the served bytes are the file's */
    ct_response r = get("/donnees-ouvertes/derniere/MANIFEST");
    char path[1200];
    snprintf(path, sizeof path, "%s/latest/MANIFEST", t.snapdir);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(r.body_len + 1);
    size_t n = fread(buf, 1, r.body_len + 1, f);
    fclose(f);
    assert_int_equal(n, r.body_len);
    assert_memory_equal(buf, r.body, n);
    free(buf);
    /* revalidation */
    char extra[256];
    snprintf(extra, sizeof extra, "If-None-Match: %s\r\n", ct_header(&r, "etag"));
    ct_response_release(&r);
    r = ct_request(t.port, "GET", "/donnees-ouvertes/derniere/MANIFEST", extra);
    assert_int_equal(r.status, 304);
    ct_response_release(&r);
    r = ct_request(t.port, "HEAD", "/donnees-ouvertes/derniere/LICENSE", NULL);
    assert_int_equal(r.status, 200);
    ct_response_release(&r);
}

static void test_bad_paths(void **state)
{
    (void)state;
    wait_size("/donnees-ouvertes/derniere/checkpoint", t.start_size);
    static const struct {
        const char *path;
        int status;
    } cases[] = {
        {"/donnees-ouvertes/derniere/../../keys/log.key", 400},
        {"/donnees-ouvertes/derniere/data/../../../keys/log.key", 400},
        {"/donnees-ouvertes/../keys/log.key", 400},
        {"/donnees-ouvertes/derniere/%2e%2e/%2e%2e/keys/log.key", 400},
        {"/donnees-ouvertes/derniere/data%2fvotes.csv", 400},
        {"/donnees-ouvertes/derniere/..%2f..%2fkeys%2flog.key", 400},
        {"/donnees-ouvertes//etc/passwd", 400},
        {"/donnees-ouvertes/derniere//etc/passwd", 400},
        {"/donnees-ouvertes/derniere/./MANIFEST", 400},
        {"/donnees-ouvertes/derniere/data\\votes.csv", 400},
        {"/donnees-ouvertes/derniere/", 404},
        {"/donnees-ouvertes/derniere", 404},
        {"/donnees-ouvertes/derniere/.work", 404},
        {"/donnees-ouvertes/derniere/unknown.txt", 404},
        {"/donnees-ouvertes/derniere/data/nope.csv", 404},
        {"/donnees-ouvertes/derniere/data/votes.txt", 404},
        {"/donnees-ouvertes/derniere/tile/entries/999", 404},
        {"/donnees-ouvertes/derniere/tile/entries/0", 404},
        {"/donnees-ouvertes/latest/MANIFEST", 404},
        {"/donnees-ouvertes/at-1/MANIFEST", 404},
        {"/donnees-ouvertes/theme-999-1/MANIFEST", 404},
        {"/donnees-ouvertes/theme-01-1/MANIFEST", 404},
        {"/donnees-ouvertes/theme-1/MANIFEST", 404},
        {"/donnees-ouvertes/keys/log.key", 404},
        {"/donnees-ouvertes/derniere/ledger/data.mdb", 404},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ct_response r = get("%s", cases[i].path);
        if (r.status != cases[i].status)
            fprintf(stderr, "%s: %d, wanted %d\n", cases[i].path, r.status, cases[i].status);
        assert_int_equal(r.status, cases[i].status);
        assert_null(strstr(r.body, "PRIVATE+KEY"));
        ct_response_release(&r);
    }
    /* a link planted inside a snapshot is not followed */
    char link[1200];
    snprintf(link, sizeof link, "%s/latest/withheld.jsonl", t.snapdir);
    char target[1200];
    snprintf(target, sizeof target, "%s/keys/log.key", t.w.dir);
    char saved[1300];
    snprintf(saved, sizeof saved, "%s.saved", link);
    assert_int_equal(rename(link, saved), 0);
    assert_int_equal(symlink(target, link), 0);
    ct_response r = get("/donnees-ouvertes/derniere/withheld.jsonl");
    assert_int_equal(r.status, 404);
    ct_response_release(&r);
    unlink(link);
    assert_int_equal(rename(saved, link), 0);
}

static void test_page(void **state)
{
    (void)state;
    wait_size("/donnees-ouvertes/derniere/checkpoint", t.start_size);
    ct_response r = get("/donnees-ouvertes");
    assert_int_equal(r.status, 200);
    char want[256];
    snprintf(want, sizeof want, "les %llu premières entrées", (unsigned long long)t.start_size);
    assert_non_null(strstr(r.body, want));
    assert_non_null(strstr(r.body, "href=\"/donnees-ouvertes/derniere/datapackage.json\""));
    assert_non_null(strstr(r.body, "href=\"/donnees-ouvertes/derniere/MANIFEST\""));
    assert_non_null(strstr(r.body, "href=\"/donnees-ouvertes/derniere/checkpoint\""));
    assert_non_null(strstr(r.body, "href=\"/donnees-ouvertes/derniere/README.md\""));
    assert_non_null(strstr(r.body, "href=\"/donnees-ouvertes/derniere/data/votes.csv\""));
    snprintf(want, sizeof want, "href=\"/donnees-ouvertes/theme-%llu-%llu/data/votes.jsonl\"",
             (unsigned long long)t.w.theme, (unsigned long long)t.closed_size);
    assert_non_null(strstr(r.body, want));
    assert_non_null(strstr(r.body, "concerto verify --snapshot SNAPDIR --key"));
    ct_response_release(&r);
}

static void test_refresh(void **state)
{
    (void)state;
    wait_size("/donnees-ouvertes/derniere/checkpoint", t.start_size);
    /* another process writes while the server runs */
    ct_world_restart(&t.w);
    ct_register(&t.w, "dave", "dave@example.org");
    uint64_t mid = ct_log_size(&t.w);
    ct_world_stop(&t.w);
    wait_size("/donnees-ouvertes/derniere/checkpoint", mid);
    ct_world_restart(&t.w);
    ct_register(&t.w, "erin", "erin@example.org");
    uint64_t end = ct_log_size(&t.w);
    ct_world_stop(&t.w);
    assert_true(end > mid && mid > t.start_size);
    wait_size("/donnees-ouvertes/derniere/checkpoint", end);
    /* the one before is kept for requests in flight; older ones are gone */
    char path[1200];
    struct stat sb;
    snprintf(path, sizeof path, "%s/at-%llu/MANIFEST", t.snapdir, (unsigned long long)end);
    assert_int_equal(stat(path, &sb), 0);
    snprintf(path, sizeof path, "%s/at-%llu", t.snapdir, (unsigned long long)t.start_size);
    assert_int_not_equal(stat(path, &sb), 0);
    char target[64];
    snprintf(path, sizeof path, "%s/latest", t.snapdir);
    ssize_t n = readlink(path, target, sizeof target - 1);
    assert_true(n > 0);
    target[n] = '\0';
    char want[64];
    snprintf(want, sizeof want, "at-%llu", (unsigned long long)end);
    assert_string_equal(target, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_latest_complete),
        cmocka_unit_test(test_theme_snapshot),
        cmocka_unit_test(test_types_and_caching),
        cmocka_unit_test(test_bad_paths),
        cmocka_unit_test(test_page),
        cmocka_unit_test(test_refresh),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
