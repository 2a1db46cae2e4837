/* snapshots.c - the background exporter of open-data snapshots and the
 * download routes /donnees-ouvertes/derniere/<file> and
 * /donnees-ouvertes/theme-<id>-<size>/<file>. See snapshots.h for the
 * layout and the reasons behind the child process and the symlink. */

#include "snapshots.h"

#include "error.h"
#include "live.h"
#include "log.h"
#include "response.h"
#include "site.h"
#include "snapshot.h"
#include "text.h"
#include "tiles.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How often the exporter looks at the log and the themes without being
 * woken (writes by another process, views catching up with a close). */
#define POLL_MS 2000
/* After a failed theme export, wait this long before trying again. */
#define RETRY_S 60
/* Latest: browsers and proxies may reuse a file this long, then revalidate. */
#define LATEST_CACHE "public, max-age=60"
/* Snapshot files served from memory up to this size. */
#define FILE_MAX ((size_t)1 << 30)

struct cc_snapshots {
    cc_ledger *ledger;
    cc_views *views;
    unsigned interval_s;
    char *dir;  /* DIR/snapshots */
    char *work; /* DIR/snapshots/.work */
    pthread_t thread;
    int started;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    int stop;        /* under mu */
    int woken;       /* under mu: a commit happened */
    pid_t child;     /* under mu: the export running, or 0 */
    uint64_t latest; /* size of latest (thread only) */
    int has_latest;
    double last_latest; /* monotonic time of the last refresh attempt */
    double theme_retry; /* no theme export before this time */
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", a, b);
    return p;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)ftw;
    if (flag == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

static void rm_tree(const char *path)
{
    nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* "theme-<id>-<size>" */
static int parse_theme_name(const char *s, size_t n, uint64_t *theme, uint64_t *size)
{
    if (n < 9 || memcmp(s, "theme-", 6)) return -1;
    s += 6, n -= 6;
    const char *dash = memchr(s, '-', n);
    if (!dash) return -1;
    size_t a = (size_t)(dash - s);
    return cc_dec_parse(s, a, theme) || cc_dec_parse(dash + 1, n - a - 1, size) ? -1 : 0;
}

/* "at-<size>" */
static int parse_at_name(const char *s, uint64_t *size)
{
    return strncmp(s, "at-", 3) ? -1 : cc_dec_parse(s + 3, strlen(s + 3), size);
}

int cc_snapshots_latest(const char *dir, uint64_t *size)
{
    char *link = join(dir, "latest");
    if (!link) return CC_ENOMEM;
    char target[64];
    ssize_t n = readlink(link, target, sizeof target - 1);
    free(link);
    if (n <= 0) return CC_ENOTFOUND;
    target[n] = '\0';
    return parse_at_name(target, size) ? CC_ENOTFOUND : 0;
}

static int ref_cmp(const void *a, const void *b)
{
    const cc_snapshot_ref *x = a, *y = b;
    if (x->theme != y->theme) return x->theme < y->theme ? -1 : 1;
    return x->size < y->size ? -1 : x->size > y->size;
}

int cc_snapshots_themes(const char *dir, cc_snapshot_ref *out, size_t cap, size_t *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) return errno == ENOENT ? 0 : CC_EIO;
    struct dirent *e;
    while ((e = readdir(d)) && *n < cap) {
        cc_snapshot_ref r = {0, 0, 0};
        if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN) continue;
        if (parse_theme_name(e->d_name, strlen(e->d_name), &r.theme, &r.size)) continue;
        out[(*n)++] = r;
    }
    closedir(d);
    qsort(out, *n, sizeof *out, ref_cmp);
    return 0;
}

/* ---- paths --------------------------------------------------------------- */

static int has_suffix(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n > k && memcmp(s + n - k, suffix, k) == 0;
}

static int is_name(const char *s, size_t n, const char *name)
{
    return strlen(name) == n && memcmp(s, name, n) == 0;
}

/* Whether file (validated characters) is a name a snapshot can hold
 * (docs/FORMAT.md §6.1). */
static int snapshot_file_name(const char *f, size_t n)
{
    static const char *const top[] = {"checkpoint",    "MANIFEST",         "LICENSE",
                                      "README.md",     "datapackage.json", "bodies.jsonl",
                                      "withheld.jsonl"};
    for (size_t i = 0; i < sizeof top / sizeof top[0]; i++)
        if (is_name(f, n, top[i])) return 1;
    if (n > 5 && memcmp(f, "data/", 5) == 0) {
        const char *t = f + 5;
        size_t k = n - 5, base;
        if (has_suffix(t, k, ".csv"))
            base = k - 4;
        else if (has_suffix(t, k, ".jsonl"))
            base = k - 6;
        else
            return 0;
        if (!base) return 0;
        for (size_t i = 0; i < base; i++)
            if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= '0' && t[i] <= '9') || t[i] == '_'))
                return 0;
        return 1;
    }
    if (n == 10 + 64 && memcmp(f, "documents/", 10) == 0) {
        for (size_t i = 10; i < n; i++)
            if (!((f[i] >= '0' && f[i] <= '9') || (f[i] >= 'a' && f[i] <= 'f'))) return 0;
        return 1;
    }
    if (n > 5 && memcmp(f, "tile/", 5) == 0) {
        cc_tile_ref t;
        return cc_tile_path_parse(f, n, &t) == 0;
    }
    return 0;
}

int cc_snapshots_parse_path(const char *p, size_t n, cc_snapshot_ref *ref, const char **file,
                            size_t *file_len)
{
    memset(ref, 0, sizeof *ref);
    /* characters and segments first: nothing ambiguous goes further */
    if (n == 0 || p[0] == '/') return 400;
    size_t seg = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || p[i] == '/') {
            size_t len = i - seg;
            if (len == 0 && i < n) return 400; /* "//" */
            if (len == 1 && p[seg] == '.') return 400;
            if (len == 2 && p[seg] == '.' && p[seg + 1] == '.') return 400;
            seg = i + 1;
            continue;
        }
        char c = p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 400; /* '%', '\\', NUL, spaces... */
    }
    const char *slash = memchr(p, '/', n);
    if (!slash) return 404;
    size_t nl = (size_t)(slash - p);
    if (is_name(p, nl, "derniere"))
        ref->latest = 1;
    else if (parse_theme_name(p, nl, &ref->theme, &ref->size))
        return 404;
    *file = slash + 1;
    *file_len = n - nl - 1;
    if (*file_len == 0 || (*file)[0] == '.') return 404;
    return snapshot_file_name(*file, *file_len) ? 0 : 404;
}

const char *cc_snapshots_content_type(const char *f, size_t n)
{
    if (n > 5 && memcmp(f, "tile/", 5) == 0) return "application/octet-stream";
    if (n > 10 && memcmp(f, "documents/", 10) == 0) return "application/octet-stream";
    if (has_suffix(f, n, ".csv")) return "text/csv; charset=utf-8";
    if (has_suffix(f, n, ".jsonl")) return "application/jsonl; charset=utf-8";
    if (has_suffix(f, n, ".json")) return "application/json";
    if (has_suffix(f, n, ".md")) return "text/markdown; charset=utf-8";
    return "text/plain; charset=utf-8"; /* checkpoint, MANIFEST, LICENSE */
}

/* ---- the download route -------------------------------------------------- */

static void free_holder(void *p)
{
    free(*(void **)p);
}

void cc_page_snapshot_file(cc_request *r)
{
    static const char prefix[] = "/donnees-ouvertes/";
    const size_t pl = sizeof prefix - 1;
    cc_snapshots *s = r->site->snapshots;
    cc_snapshot_ref ref;
    const char *file = NULL;
    size_t flen = 0;
    int st = r->path.len >= pl
                 ? cc_snapshots_parse_path(r->path.base + pl, r->path.len - pl, &ref, &file, &flen)
                 : 404;
    if (st == 400) {
        cc_http_text(r, 400,
                     "bad snapshot path: expected /donnees-ouvertes/derniere/<file> or "
                     "/donnees-ouvertes/theme-<id>-<size>/<file>, <file> one of the snapshot's "
                     "files (see its MANIFEST), without '.', '..' or escapes");
        return;
    }
    if (st || !s) {
        cc_http_text(r, 404, "no such snapshot file");
        return;
    }
    char name[64];
    if (ref.latest)
        snprintf(name, sizeof name, "latest");
    else
        snprintf(name, sizeof name, "theme-%llu-%llu", (unsigned long long)ref.theme,
                 (unsigned long long)ref.size);
    size_t plen = strlen(s->dir) + strlen(name) + flen + 3;
    char *path = h2o_mem_alloc_pool(&r->req->pool, plen);
    snprintf(path, plen, "%s/%s/%.*s", s->dir, name, (int)flen, file);
    /* the last component must be a regular file, not a link; the others
     * were checked to be plain names (no "..") */
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
        if (fd >= 0) close(fd);
        cc_http_text(r, 404, "no such snapshot file");
        return;
    }
    if ((uint64_t)sb.st_size > FILE_MAX) {
        close(fd);
        cc_http_text(r, 500, "snapshot file too large to serve");
        return;
    }
    size_t size = (size_t)sb.st_size, got = 0;
    uint8_t *buf = malloc(size ? size : 1);
    while (buf && got < size) {
        ssize_t k = read(fd, buf + got, size - got);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        got += (size_t)k;
    }
    close(fd);
    if (!buf || got != size) {
        free(buf);
        cc_http_text(r, 500, "cannot read the snapshot file");
        return;
    }
    void **holder = h2o_mem_alloc_shared(&r->req->pool, sizeof *holder, free_holder);
    *holder = buf;
    cc_out o;
    cc_out_init(&o, &r->req->pool);
    cc_out_ref(&o, buf, size);
    cc_response how = {200, cc_snapshots_content_type(file, flen),
                       ref.latest ? LATEST_CACHE : CC_CACHE_IMMUTABLE, CC_RESP_ETAG};
    cc_http_respond(r, &how, &o);
}

/* ---- the exporter -------------------------------------------------------- */

/* Remove what an interrupted export leaves: *.partial-* and .work. */
static void sweep_partials(cc_snapshots *s)
{
    rm_tree(s->work);
    DIR *d = opendir(s->dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strstr(e->d_name, ".partial-") && strncmp(e->d_name, ".latest.tmp", 11)) continue;
        char *p = join(s->dir, e->d_name);
        if (p) rm_tree(p);
        free(p);
    }
    closedir(d);
}

/* Delete every at-<size> but keep and keep2 (the current latest and the
 * one it superseded, which requests may still be reading). */
static void prune_latest(cc_snapshots *s, uint64_t keep, uint64_t keep2)
{
    DIR *d = opendir(s->dir);
    if (!d) return;
    struct dirent *e;
    uint64_t size;
    while ((e = readdir(d))) {
        if (parse_at_name(e->d_name, &size) || size == keep || size == keep2) continue;
        char *p = join(s->dir, e->d_name);
        if (p) rm_tree(p);
        free(p);
    }
    closedir(d);
}

/* In the child: only async-signal-safe-ish work until the export, which
 * runs single-threaded in a fresh LMDB environment of its own. */
static void child_export(cc_snapshots *s, const char *out, uint64_t at, int fd)
{
    if (fd != 3) {
        dup2(fd, 3);
        fd = 3;
    }
    /* the listeners, the ledger's and views' descriptors: not ours. The
     * child holds no LMDB lock yet, so closing them releases nothing. */
    close_range(4, ~0U, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_UNBLOCK, &all, NULL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    setenv("TMPDIR", s->work, 1);
    char msg[CC_SNAPSHOT_MSG_MAX];
    int rc = cc_snapshot_export(s->ledger->dir, out, at, NULL, msg, sizeof msg);
    if (rc) {
        if (!msg[0]) snprintf(msg, sizeof msg, "%s", cc_strerror(rc));
        ssize_t w = write(fd, msg, strlen(msg));
        (void)w;
    }
    _exit(rc ? 1 : 0);
}

/* Export the log at `at` into DIR/snapshots/name (0 when it exists). */
static int export_at(cc_snapshots *s, const char *name, uint64_t at)
{
    char *out = join(s->dir, name);
    if (!out) return CC_ENOMEM;
    struct stat st;
    if (lstat(out, &st) == 0) {
        free(out);
        return 0;
    }
    if (mkdir(s->work, 0700) && errno != EEXIST) {
        int e = errno;
        fprintf(stderr, "concerto serve: snapshots: %s: %s\n", s->work, strerror(e));
        free(out);
        return CC_EIO;
    }
    int p[2];
    if (pipe2(p, O_CLOEXEC)) {
        free(out);
        return CC_EIO;
    }
    pthread_mutex_lock(&s->mu);
    int stopped = s->stop;
    pid_t pid = stopped ? -1 : fork();
    if (pid == 0) {
        close(p[0]);
        child_export(s, out, at, p[1]);
    }
    if (pid > 0) s->child = pid;
    pthread_mutex_unlock(&s->mu);
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        free(out);
        return stopped ? CC_ESHUTDOWN : CC_EIO;
    }
    char msg[CC_SNAPSHOT_MSG_MAX];
    size_t n = 0;
    for (;;) {
        ssize_t k = read(p[0], msg + n, sizeof msg - 1 - n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        n += (size_t)k;
        if (n == sizeof msg - 1) break;
    }
    msg[n] = '\0';
    close(p[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    pthread_mutex_lock(&s->mu);
    s->child = 0;
    int stopping = s->stop;
    pthread_mutex_unlock(&s->mu);
    int rc = 0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        sweep_partials(s);
        if (!stopping)
            fprintf(stderr, "concerto serve: snapshot %s of %llu entries failed: %s\n", name,
                    (unsigned long long)at,
                    n                     ? msg
                    : WIFSIGNALED(status) ? strsignal(WTERMSIG(status))
                                          : "export failed");
        rc = stopping ? CC_ESHUTDOWN : CC_EIO;
    }
    rm_tree(s->work);
    free(out);
    return rc;
}

static uint64_t current_size(cc_snapshots *s)
{
    MDB_txn *txn;
    uint64_t size = 0;
    if (cc_ledger_read_begin(s->ledger, &txn) == 0) {
        if (cc_log_size(txn, s->ledger->log, &size)) size = 0;
        cc_ledger_read_end(s->ledger, txn);
    }
    return size;
}

/* Point latest at at-<size>: a new symlink renamed over the old one. */
static int swap_latest(cc_snapshots *s, uint64_t size)
{
    char target[32];
    snprintf(target, sizeof target, "at-%llu", (unsigned long long)size);
    char *tmp = join(s->dir, ".latest.tmp");
    char *link = join(s->dir, "latest");
    int rc = CC_ENOMEM;
    if (tmp && link) {
        unlink(tmp);
        rc = symlink(target, tmp) || rename(tmp, link) ? CC_EIO : 0;
        if (rc) unlink(tmp);
        int dfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
    }
    free(tmp);
    free(link);
    return rc;
}

static void refresh_latest(cc_snapshots *s, uint64_t size)
{
    char name[32];
    snprintf(name, sizeof name, "at-%llu", (unsigned long long)size);
    s->last_latest = now_s();
    if (export_at(s, name, size)) return;
    if (swap_latest(s, size)) {
        fprintf(stderr, "concerto serve: snapshots: cannot point latest at %s\n", name);
        return;
    }
    uint64_t previous = s->has_latest ? s->latest : size;
    s->latest = size;
    s->has_latest = 1;
    prune_latest(s, size, previous);
}

/* One theme closed and without its snapshot: export it. 1 when one was
 * exported (or attempted), 0 when none is due. */
static int theme_closes(cc_snapshots *s)
{
    if (!s->views || now_s() < s->theme_retry) return 0;
    const cc_live *lv = cc_views_state(s->views, &cc_projection_live);
    if (!lv) return 0;
    MDB_txn *txn;
    if (cc_views_read_begin(s->views, &txn)) return 0;
    uint64_t due_theme = 0, due_size = 0, offset = 0, total = 0;
    int due = 0;
    do {
        uint64_t ids[CC_PAGE_MAX];
        uint32_t count = 0;
        cc_page page = {offset, CC_PAGE_MAX};
        if (cc_live_list(txn, lv, 0, CC_ITEM_THEME, 0, CC_SORT_ORDER, 0, 1, page, ids, &count,
                         &total) ||
            count == 0)
            break;
        for (uint32_t i = 0; i < count && !due; i++) {
            cc_live_item it;
            if (cc_live_item_get(txn, lv, ids[i], &it) || it.closed_at_size == 0) continue;
            char name[64];
            snprintf(name, sizeof name, "theme-%llu-%llu", (unsigned long long)it.id,
                     (unsigned long long)it.closed_at_size);
            char *p = join(s->dir, name);
            struct stat st;
            if (p && lstat(p, &st) != 0) {
                due = 1;
                due_theme = it.id;
                due_size = it.closed_at_size;
            }
            free(p);
        }
        offset += count;
    } while (!due && offset < total);
    cc_views_read_end(s->views, txn);
    if (!due) return 0;
    char name[64];
    snprintf(name, sizeof name, "theme-%llu-%llu", (unsigned long long)due_theme,
             (unsigned long long)due_size);
    if (export_at(s, name, due_size)) s->theme_retry = now_s() + RETRY_S;
    return 1;
}

static void *run(void *arg)
{
    cc_snapshots *s = arg;
    pthread_mutex_lock(&s->mu);
    while (!s->stop) {
        s->woken = 0;
        pthread_mutex_unlock(&s->mu);
        int busy = theme_closes(s);
        double wait = POLL_MS / 1000.0;
        if (!busy && s->interval_s) {
            uint64_t size = current_size(s);
            if (size && (!s->has_latest || size != s->latest)) {
                double due = s->last_latest ? s->last_latest + s->interval_s : 0;
                double now = now_s();
                if (now >= due) {
                    refresh_latest(s, size);
                    busy = 1;
                } else if (due - now < wait) {
                    wait = due - now;
                }
            }
        }
        pthread_mutex_lock(&s->mu);
        if (busy || s->stop || s->woken) continue;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        long long ns = (long long)ts.tv_nsec + (long long)(wait * 1e9);
        ts.tv_sec += (time_t)(ns / 1000000000);
        ts.tv_nsec = (long)(ns % 1000000000);
        pthread_cond_timedwait(&s->cond, &s->mu, &ts);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

int cc_snapshots_open(cc_ledger *l, cc_views *v, unsigned interval_s, cc_snapshots **out)
{
    *out = NULL;
    cc_snapshots *s = calloc(1, sizeof *s);
    if (!s) return CC_ENOMEM;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cond, NULL);
    s->ledger = l;
    s->views = v;
    s->interval_s = interval_s;
    s->dir = join(l->dir, "snapshots");
    s->work = s->dir ? join(s->dir, ".work") : NULL;
    if (!s->dir || !s->work) {
        cc_snapshots_free(s);
        return CC_ENOMEM;
    }
    if (mkdir(s->dir, 0755) && errno != EEXIST) {
        fprintf(stderr, "concerto serve: %s: %s\n", s->dir, strerror(errno));
        cc_snapshots_free(s);
        return CC_EIO;
    }
    sweep_partials(s);
    uint64_t size;
    if (cc_snapshots_latest(s->dir, &size) == 0) {
        char *p = join(s->dir, "latest/MANIFEST");
        struct stat st;
        if (p && stat(p, &st) == 0) {
            s->latest = size;
            s->has_latest = 1;
        }
        free(p);
    }
    prune_latest(s, s->has_latest ? s->latest : UINT64_MAX, UINT64_MAX);
    *out = s;
    return 0;
}

int cc_snapshots_start(cc_snapshots *s)
{
    int rc = pthread_create(&s->thread, NULL, run, s);
    if (rc) return CC_ENOMEM;
    s->started = 1;
    return 0;
}

void cc_snapshots_notify(uint64_t log_size, void *snapshots)
{
    (void)log_size;
    cc_snapshots *s = snapshots;
    pthread_mutex_lock(&s->mu);
    s->woken = 1;
    pthread_cond_signal(&s->cond);
    pthread_mutex_unlock(&s->mu);
}

void cc_snapshots_free(cc_snapshots *s)
{
    if (!s) return;
    if (s->started) {
        pthread_mutex_lock(&s->mu);
        s->stop = 1;
        if (s->child > 0) kill(s->child, SIGKILL);
        pthread_cond_signal(&s->cond);
        pthread_mutex_unlock(&s->mu);
        pthread_join(s->thread, NULL);
    }
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cond);
    free(s->dir);
    free(s->work);
    free(s);
}

const char *cc_snapshots_dir(const cc_snapshots *s)
{
    return s->dir;
}
