/* snapshot.c - open-data snapshots and the auditor's replay.
 *
 * Export. A snapshot is built from a fresh views env caught up to exactly
 * the requested size (so `--at` works for any past size), one read
 * transaction of the ledger (so the bodies joined into the tables and the
 * ones written to bodies.jsonl are the same set, even if a removal commits
 * meanwhile) and one read transaction of the views. Every file is a function
 * of those and of the signing key: rows come out in key order, numbers and
 * times have one spelling, nothing records when or where the export ran, and
 * Ed25519 signatures are deterministic. Files go to a temporary sibling of
 * the target, renamed into place at the end.
 *
 * Verification does not trust anything in the snapshot but the checkpoint's
 * signature. It rebuilds the Merkle tree from the entry bundles alone and
 * compares the root with the signed one, then replays the entries into a
 * throwaway ledger (append to its log and tree, fold into its write-side
 * state: no decider, no writer), imports the bodies after checking each one
 * against the commitment its entry carries, runs the very projections the
 * site runs, and writes the tables again with the very code that exported
 * them. Comparing bytes is then enough to prove every cell; when bytes
 * differ, both sides are parsed (strictly) to name the first difference by
 * file, row and column. The same replay re-checks the metadata files and
 * finally the MANIFEST.
 *
 * Bodies purged after the snapshot's size. A snapshot at size N taken after
 * an item posted before N was removed (say at R >= N) cannot carry its text,
 * yet at N the item was not removed. Rather than accept a missing body on
 * the exporter's word, withheld.jsonl carries the proof: the removal entry
 * R, a checkpoint signed at R + 1, the inclusion proof of R in it and the
 * consistency proof from N to R + 1. Checkpoints are deterministic too, so
 * this does not break byte-identical re-exports.
 *
 * Readers are strict: a path that is not a tile of the signed size, a
 * bundle with a bad framing, CSV with a stray quote or a bare LF, JSON that
 * does not parse or has duplicate keys, hex in upper case or of the wrong
 * length: each is an error naming the file and line. */
#include "snapshot.h"

#include "bytes.h"
#include "error.h"
#include "ledger.h"
#include "opendata.h"
#include "stats.h"
#include "text.h"
#include "tiles.h"
#include "trash.h"
#include "views.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define STORED_TILE_LEVELS 8
#define MAX_TABLES 32
#define BODIES_FILE "bodies.jsonl"
#define WITHHELD_FILE "withheld.jsonl"

/* ---- small utilities ------------------------------------------------------ */

typedef struct sbuf {
    char *p;
    size_t len, cap;
    int oom;
} sbuf;

static void sb_add(sbuf *b, const void *s, size_t n)
{
    if (b->oom) return;
    if (b->cap - b->len < n + 1) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->len < n + 1)
            cap *= 2;
        char *np = realloc(b->p, cap);
        if (!np) {
            b->oom = 1;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    if (n) memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_adds(sbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void sb_addf(sbuf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof tmp) {
        sb_add(b, tmp, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb_add(b, big, (size_t)n);
    free(big);
}

static void sb_release(sbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

__attribute__((format(printf, 4, 5))) static int failf(char *msg, size_t cap, int rc,
                                                       const char *fmt, ...)
{
    if (msg && cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, cap, fmt, ap);
        va_end(ap);
    }
    return rc;
}

static char *path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", a, b);
    return p;
}

/* Create the directories of root/rel up to its last '/'. */
static int make_parents(const char *root, const char *rel)
{
    char *p = path_join(root, rel);
    if (!p) return CC_ENOMEM;
    int rc = 0;
    for (char *s = p + strlen(root) + 1; *s && !rc; s++) {
        if (*s != '/') continue;
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) rc = -errno;
        *s = '/';
    }
    free(p);
    return rc;
}

/* Open root/rel for writing, creating its directories only when the first
 * attempt says they are missing (most files go into existing ones). */
static int create_file(const char *root, const char *rel)
{
    char *p = path_join(root, rel);
    if (!p) return CC_ENOMEM;
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int rc = fd >= 0 ? 0 : -errno;
    if (rc == -ENOENT && !(rc = make_parents(root, rel))) {
        fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        rc = fd >= 0 ? 0 : -errno;
    }
    free(p);
    return rc ? rc : fd;
}

static int write_file(const char *root, const char *rel, const void *data, size_t len)
{
    int fd = create_file(root, rel), rc = 0;
    if (fd < 0) return fd;
    const uint8_t *d = data;
    while (len > 0) {
        ssize_t n = write(fd, d, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            rc = -errno;
            break;
        }
        d += n;
        len -= (size_t)n;
    }
    if (close(fd) != 0 && !rc) rc = -errno;
    return rc;
}

static FILE *open_out(const char *root, const char *rel, int *rc)
{
    int fd = create_file(root, rel);
    if (fd < 0) {
        *rc = fd;
        return NULL;
    }
    FILE *f = fdopen(fd, "wb");
    *rc = f ? 0 : -errno;
    if (!f) close(fd);
    return f;
}

static int close_out(FILE *f)
{
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) return CC_EIO;
    return 0;
}

/* A file mapped read-only; ptr is NULL for an empty file. */
typedef struct mapped {
    uint8_t *ptr;
    size_t len;
} mapped;

/* -ENOENT when absent, CC_EINVAL when not a regular file. */
static int map_file(const char *root, const char *rel, mapped *m)
{
    m->ptr = NULL;
    m->len = 0;
    char *p = path_join(root, rel);
    if (!p) return CC_ENOMEM;
    int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    free(p);
    if (fd < 0) return errno == ELOOP ? CC_EINVAL : -errno;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return CC_EINVAL;
    }
    if (st.st_size > 0) {
        void *addr = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (addr == MAP_FAILED) {
            int e = -errno;
            close(fd);
            return e;
        }
        m->ptr = addr;
        m->len = (size_t)st.st_size;
    }
    close(fd);
    return 0;
}

static void unmap_file(mapped *m)
{
    if (m->ptr) munmap(m->ptr, m->len);
    m->ptr = NULL;
    m->len = 0;
}

static int file_exists(const char *root, const char *rel)
{
    char *p = path_join(root, rel);
    if (!p) return 0;
    struct stat st;
    int ok = lstat(p, &st) == 0;
    free(p);
    return ok;
}

static int rm_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return errno == ENOENT ? 0 : -errno;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (!d) return -errno;
        struct dirent *de;
        while ((de = readdir(d))) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
            char *c = path_join(path, de->d_name);
            if (c) rm_tree(c);
            free(c);
        }
        closedir(d);
        return rmdir(path) == 0 ? 0 : -errno;
    }
    return unlink(path) == 0 ? 0 : -errno;
}

static char *make_workdir(const char *tag)
{
    const char *base = getenv("TMPDIR");
    if (!base || !*base) base = "/tmp";
    size_t n = strlen(base) + strlen(tag) + 32;
    char *p = malloc(n);
    if (!p) return NULL;
    snprintf(p, n, "%s/concerto-%s-XXXXXX", base, tag);
    if (!mkdtemp(p)) {
        free(p);
        return NULL;
    }
    return p;
}

/* Sorted list of the regular files under root/rel (paths relative to root). */
typedef struct pathlist {
    char **v;
    size_t n, cap;
} pathlist;

static void paths_release(pathlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static int paths_add(pathlist *l, const char *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        char **nv = realloc(l->v, cap * sizeof *nv);
        if (!nv) return CC_ENOMEM;
        l->v = nv;
        l->cap = cap;
    }
    if (!(l->v[l->n] = strdup(s))) return CC_ENOMEM;
    l->n++;
    return 0;
}

static int walk(const char *root, const char *rel, pathlist *out, char *msg, size_t cap)
{
    char *full = rel[0] ? path_join(root, rel) : strdup(root);
    if (!full) return CC_ENOMEM;
    DIR *d = opendir(full);
    free(full);
    if (!d) return failf(msg, cap, -errno, "%s: %s", rel[0] ? rel : ".", strerror(errno));
    int rc = 0;
    struct dirent *de;
    while (!rc && (de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        char *r = rel[0] ? path_join(rel, de->d_name) : strdup(de->d_name);
        char *f = r ? path_join(root, r) : NULL;
        struct stat st;
        if (!r || !f) {
            rc = CC_ENOMEM;
        } else if (lstat(f, &st) != 0) {
            rc = failf(msg, cap, -errno, "%s: %s", r, strerror(errno));
        } else if (S_ISDIR(st.st_mode)) {
            rc = walk(root, r, out, msg, cap);
        } else if (S_ISREG(st.st_mode)) {
            rc = paths_add(out, r);
        } else {
            rc = failf(msg, cap, CC_EINVAL, "%s: not a regular file or directory", r);
        }
        free(r);
        free(f);
    }
    closedir(d);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_files(const char *root, const char *rel, pathlist *out, char *msg, size_t cap)
{
    int rc = walk(root, rel, out, msg, cap);
    if (!rc && out->n > 1) qsort(out->v, out->n, sizeof *out->v, cmp_str);
    return rc;
}

/* Strict lowercase hex of exactly n bytes. */
static int hex_decode(const char *s, size_t len, uint8_t *out, size_t n)
{
    if (len != 2 * n) return CC_EINVAL;
    for (size_t i = 0; i < n; i++) {
        int v = 0;
        for (int j = 0; j < 2; j++) {
            char c = s[2 * i + (size_t)j];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0) return CC_EINVAL;
            v = v * 16 + d;
        }
        out[i] = (uint8_t)v;
    }
    return 0;
}

/* ---- CSV and JSON writers -------------------------------------------------- */

/* RFC 4180: a field is quoted when it holds a comma, a quote, CR or LF, and
 * quotes inside are doubled. Nothing else is quoted, so the spelling of a
 * row is a function of its values. */
static void csv_field(sbuf *b, const char *s, size_t n)
{
    int quote = 0;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote) {
        sb_add(b, s, n);
        return;
    }
    sb_add(b, "\"", 1);
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') {
            sb_add(b, s + start, i + 1 - start);
            sb_add(b, "\"", 1);
            start = i + 1;
        }
    }
    sb_add(b, s + start, n - start);
    sb_add(b, "\"", 1);
}

/* JSON string: '"' and '\\' escaped, control characters as \b \f \n \r \t or
 * \u00XX (lowercase hex), everything else (UTF-8 included) as is. */
static void json_str(sbuf *b, const char *s, size_t n)
{
    sb_add(b, "\"", 1);
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char u[8];
        switch (c) {
        case '"':
            esc = "\\\"";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\b':
            esc = "\\b";
            break;
        case '\f':
            esc = "\\f";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        default:
            if (c < 0x20) {
                snprintf(u, sizeof u, "\\u%04x", c);
                esc = u;
            }
        }
        if (!esc) continue;
        sb_add(b, s + start, i - start);
        sb_adds(b, esc);
        start = i + 1;
    }
    sb_add(b, s + start, n - start);
    sb_add(b, "\"", 1);
}

/* ---- the export context ------------------------------------------------- */

typedef struct missing_body {
    uint64_t seq, owner;
    uint8_t commitment[32];
} missing_body;

typedef struct snap {
    cc_ledger *l;
    MDB_txn *ltxn; /* ledger read transaction */
    cc_views *v;
    MDB_txn *vtxn; /* views read transaction */
    const cc_opendata *od;
    const cc_trash *tv;
    const cc_stats *sv;
    uint64_t size;
    uint64_t last_ts; /* time of the last entry (0 for an empty log) */
    const char *origin;
    const cc_verifier *verifier;
    const char *out; /* directory written */
    uint64_t rows[MAX_TABLES];
    uint64_t bodies, documents;
    missing_body *missing; /* bodies of unremoved items absent from the ledger */
    size_t nmissing, capmissing;
    char *msg;
    size_t cap;
} snap;

/* ---- tables ------------------------------------------------------------- */

typedef struct table_out {
    snap *s;
    const cc_od_table *t;
    FILE *csv, *jsonl;
    uint64_t rows;
    sbuf line;
} table_out;

/* Fill vals[] for the body columns of row from the ledger's bodies. */
static int join_bodies(snap *s, const cc_od_table *t, const cc_od_row *row, cc_slice *vals)
{
    for (unsigned j = 0; j < t->ncolumns; j++) {
        const cc_od_column *col = &t->columns[j];
        vals[j].ptr = NULL;
        vals[j].len = 0;
        if (col->body < 0) continue;
        unsigned cc = (unsigned)col->commitment;
        if (row->len[cc] == 0) continue;
        uint8_t c[32];
        if (hex_decode(row->cell[cc], row->len[cc], c, 32))
            return failf(s->msg, s->cap, CC_ECORRUPT, "%s: bad commitment in the views", t->name);
        const uint8_t *nonce;
        cc_slice raw;
        int rc = cc_bodies_get(s->ltxn, s->l->bodies, c, &nonce, &raw);
        if (rc == CC_ENOTFOUND) continue; /* removed: the tombstone stays, the text goes */
        if (rc) return failf(s->msg, s->cap, rc, "bodies: %s", cc_strerror(rc));
        cc_event_type type = col->body_type;
        if (type == CC_EV_NONE && t->body_type) type = t->body_type(row, cc);
        cc_body b;
        if (type == CC_EV_NONE || (rc = cc_body_decode(type, raw.ptr, raw.len, &b)))
            return failf(s->msg, s->cap, rc ? rc : CC_ECORRUPT, "body %s: %s", row->cell[cc],
                         cc_strerror(rc ? rc : CC_ECORRUPT));
        vals[j] = b.f[col->body];
    }
    return 0;
}

static int emit_row(const cc_od_row *row, void *arg)
{
    table_out *o = arg;
    const cc_od_table *t = o->t;
    cc_slice vals[CC_OD_MAX_COLUMNS];
    int rc = join_bodies(o->s, t, row, vals);
    if (rc) return rc;
    sbuf *b = &o->line;
    b->len = 0;
    for (unsigned j = 0; j < t->ncolumns; j++) {
        if (j) sb_add(b, ",", 1);
        if (t->columns[j].body >= 0)
            csv_field(b, vals[j].ptr ? (const char *)vals[j].ptr : "", vals[j].len);
        else
            csv_field(b, row->cell[j], row->len[j]);
    }
    sb_add(b, "\r\n", 2);
    if (b->oom) return CC_ENOMEM;
    if (fwrite(b->p, 1, b->len, o->csv) != b->len) return CC_EIO;
    b->len = 0;
    sb_add(b, "{", 1);
    for (unsigned j = 0; j < t->ncolumns; j++) {
        const cc_od_column *col = &t->columns[j];
        const char *v = col->body < 0 ? row->cell[j] : vals[j].ptr ? (const char *)vals[j].ptr : "";
        size_t n = col->body >= 0 ? vals[j].len : row->len[j];
        if (j) sb_add(b, ",", 1);
        json_str(b, col->name, strlen(col->name));
        sb_add(b, ":", 1);
        if (n == 0)
            sb_adds(b, "null");
        else if (col->type == CC_OD_INTEGER || col->type == CC_OD_BOOLEAN)
            sb_add(b, v, n);
        else
            json_str(b, v, n);
    }
    sb_add(b, "}\n", 2);
    if (b->oom) return CC_ENOMEM;
    if (fwrite(b->p, 1, b->len, o->jsonl) != b->len) return CC_EIO;
    o->rows++;
    return 0;
}

static int cmp_trash(const void *a, const void *b)
{
    const cc_trash_entry *x = a, *y = b;
    return x->decision_seq < y->decision_seq ? -1 : x->decision_seq > y->decision_seq;
}

static const char *item_kind_name(uint8_t kind)
{
    static const char *const names[] = {"",       "theme",   "section",  "contribution", "argument",
                                        "source", "comment", "document", "meeting"};
    return kind < sizeof names / sizeof names[0] ? names[kind] : "";
}

static int trash_rows(table_out *o)
{
    snap *s = o->s;
    size_t n = 0, cap = 0;
    cc_trash_entry *all = NULL;
    int rc = 0;
    for (;;) {
        if (cap - n < 64) {
            size_t ncap = cap ? cap * 2 : 128;
            cc_trash_entry *na = realloc(all, ncap * sizeof *na);
            if (!na) {
                rc = CC_ENOMEM;
                break;
            }
            all = na;
            cap = ncap;
        }
        uint32_t got = 0;
        if ((rc = cc_trash_list(s->vtxn, s->tv, 0, n, 64, all + n, &got, NULL))) break;
        n += got;
        if (got < 64) break;
    }
    if (!rc && n > 1) qsort(all, n, sizeof *all, cmp_trash);
    cc_od_row row;
    for (size_t i = 0; i < n && !rc; i++) {
        const cc_trash_entry *e = &all[i];
        cc_od_row_init(&row, o->t);
        unsigned c = 0;
        cc_od_cell_u64(&row, c++, e->item);
        const char *kind = item_kind_name(e->kind);
        cc_od_cell_set(&row, c++, kind, strlen(kind));
        cc_od_cell_u64(&row, c++, e->theme);
        cc_od_cell_u64(&row, c++, e->parent);
        cc_od_cell_set(&row, c++, e->author.s, strnlen(e->author.s, CC_PSEUDONYM_LEN));
        cc_od_cell_time(&row, c++, e->posted_ms);
        const char *state = e->removed ? "removed" : "trashed";
        cc_od_cell_set(&row, c++, state, strlen(state));
        const char *reason =
            cc_field_enum_name(e->removed ? CC_F_GROUND : CC_F_TRASH_REASON, e->reason);
        if (!reason) reason = "";
        cc_od_cell_set(&row, c++, reason, strlen(reason));
        cc_od_cell_u64(&row, c++, e->decision_seq);
        cc_od_cell_set(&row, c++, e->moderator.s, strnlen(e->moderator.s, CC_PSEUDONYM_LEN));
        cc_od_cell_time(&row, c++, e->decision_ms);
        cc_od_cell_hex(&row, c++, e->commitment, 32);
        if (e->has_note) cc_od_cell_hex(&row, c, e->note, 32);
        c++;
        rc = emit_row(&row, o);
    }
    free(all);
    return rc;
}

/* Scopes of the statistics: the consultation, then every theme and section
 * in id order. */
typedef struct scope {
    uint64_t id, theme;
    uint8_t kind; /* 0 consultation, 1 theme, 2 section */
} scope;

typedef struct scopes {
    scope *v;
    size_t n, cap;
    int section;
} scopes;

static int collect_scope(const cc_od_row *row, void *arg)
{
    scopes *sc = arg;
    if (sc->n == sc->cap) {
        size_t cap = sc->cap ? sc->cap * 2 : 64;
        scope *nv = realloc(sc->v, cap * sizeof *nv);
        if (!nv) return CC_ENOMEM;
        sc->v = nv;
        sc->cap = cap;
    }
    scope *s = &sc->v[sc->n++];
    s->id = strtoull(row->cell[0], NULL, 10);
    s->theme = sc->section ? strtoull(row->cell[1], NULL, 10) : s->id;
    s->kind = sc->section ? 2 : 1;
    return 0;
}

static int cmp_scope(const void *a, const void *b)
{
    const scope *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int list_scopes(snap *s, scopes *sc)
{
    memset(sc, 0, sizeof *sc);
    scope all = {0, 0, 0};
    sc->v = malloc(sizeof *sc->v * 64);
    if (!sc->v) return CC_ENOMEM;
    sc->cap = 64;
    sc->v[sc->n++] = all;
    int rc = cc_opendata_rows(s->vtxn, s->od, cc_opendata_table("themes"), collect_scope, sc);
    sc->section = 1;
    if (!rc)
        rc = cc_opendata_rows(s->vtxn, s->od, cc_opendata_table("sections"), collect_scope, sc);
    if (!rc && sc->n > 2) qsort(sc->v + 1, sc->n - 1, sizeof *sc->v, cmp_scope);
    return rc;
}

static void counter_cells(cc_od_row *row, unsigned c, const cc_stats_counts *k)
{
    uint64_t v[] = {k->contributions,  k->edits,    k->arguments_for, k->arguments_against,
                    k->sources,        k->comments, k->votes_agree,   k->votes_mitigated,
                    k->votes_disagree, k->votes_up, k->participants};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        cc_od_cell_u64(row, c++, v[i]);
    for (int st = CC_STATUS_CITIZEN; st < CC_STATUS_COUNT_; st++)
        cc_od_cell_u64(row, c++, k->participants_by_status[st]);
    cc_od_cell_u64(row, c++, k->flags);
    cc_od_cell_u64(row, c++, k->trashed);
    cc_od_cell_u64(row, c++, k->removed);
    cc_od_cell_u64(row, c++, k->restored);
}

static int stats_rows(table_out *o)
{
    snap *s = o->s;
    scopes sc;
    int rc = list_scopes(s, &sc);
    cc_od_row row;
    for (size_t i = 0; i < sc.n && !rc; i++) {
        const scope *p = &sc.v[i];
        if (o->t->source == CC_OD_STATS) {
            cc_stats_counts k;
            if ((rc = cc_stats_get(s->vtxn, s->sv, p->id, &k))) break;
            cc_od_row_init(&row, o->t);
            cc_od_cell_u64(&row, 0, p->id);
            const char *kind = p->kind == 0 ? "consultation" : p->kind == 1 ? "theme" : "section";
            cc_od_cell_set(&row, 1, kind, strlen(kind));
            if (p->kind) cc_od_cell_u64(&row, 2, p->theme);
            counter_cells(&row, 3, &k);
            rc = emit_row(&row, o);
        } else if (o->t->source == CC_OD_STATS_FROZEN) {
            if (p->kind != 1) continue;
            cc_stats_counts k;
            uint64_t at = 0;
            rc = cc_stats_frozen(s->vtxn, s->sv, p->id, &k, &at);
            if (rc == CC_ENOTFOUND) {
                rc = 0;
                continue;
            }
            if (rc) break;
            cc_od_row_init(&row, o->t);
            cc_od_cell_u64(&row, 0, p->id);
            cc_od_cell_u64(&row, 1, at);
            counter_cells(&row, 2, &k);
            rc = emit_row(&row, o);
        } else {
            cc_stats_day days[64];
            for (uint64_t off = 0; !rc;) {
                uint32_t got = 0;
                if ((rc = cc_stats_days(s->vtxn, s->sv, p->id, off, 64, days, &got, NULL))) break;
                for (uint32_t d = 0; d < got && !rc; d++) {
                    cc_od_row_init(&row, o->t);
                    cc_od_cell_u64(&row, 0, p->id);
                    cc_od_cell_date(&row, 1, (uint64_t)days[d].day * 86400000u);
                    cc_od_cell_u64(&row, 2, days[d].contributions);
                    cc_od_cell_u64(&row, 3, days[d].arguments);
                    cc_od_cell_u64(&row, 4, days[d].sources);
                    cc_od_cell_u64(&row, 5, days[d].comments);
                    cc_od_cell_u64(&row, 6, days[d].votes);
                    cc_od_cell_u64(&row, 7, days[d].participants_new);
                    rc = emit_row(&row, o);
                }
                off += got;
                if (got < 64) break;
            }
        }
    }
    free(sc.v);
    return rc;
}

static int write_table(snap *s, size_t index, const cc_od_table *t)
{
    table_out o = {.s = s, .t = t};
    char rel[128];
    int rc;
    snprintf(rel, sizeof rel, "data/%s.csv", t->name);
    if (!(o.csv = open_out(s->out, rel, &rc)))
        return failf(s->msg, s->cap, rc, "%s: %s", rel, cc_strerror(rc));
    snprintf(rel, sizeof rel, "data/%s.jsonl", t->name);
    if (!(o.jsonl = open_out(s->out, rel, &rc))) {
        fclose(o.csv);
        return failf(s->msg, s->cap, rc, "%s: %s", rel, cc_strerror(rc));
    }
    for (unsigned j = 0; j < t->ncolumns; j++) {
        if (j) sb_add(&o.line, ",", 1);
        csv_field(&o.line, t->columns[j].name, strlen(t->columns[j].name));
    }
    sb_add(&o.line, "\r\n", 2);
    rc = o.line.oom ? CC_ENOMEM : 0;
    if (!rc && fwrite(o.line.p, 1, o.line.len, o.csv) != o.line.len) rc = CC_EIO;
    if (!rc) {
        switch (t->source) {
        case CC_OD_STORED:
            rc = cc_opendata_rows(s->vtxn, s->od, t, emit_row, &o);
            break;
        case CC_OD_TRASH:
            rc = trash_rows(&o);
            break;
        default:
            rc = stats_rows(&o);
            break;
        }
    }
    int rc2 = close_out(o.csv), rc3 = close_out(o.jsonl);
    if (!rc) rc = rc2 ? rc2 : rc3;
    sb_release(&o.line);
    if (rc && s->msg && !s->msg[0])
        failf(s->msg, s->cap, rc, "data/%s: %s", t->name, cc_strerror(rc));
    s->rows[index] = o.rows;
    return rc;
}

static int write_tables(snap *s)
{
    size_t n;
    const cc_od_table *t = cc_opendata_tables(&n);
    for (size_t i = 0; i < n; i++) {
        int rc = write_table(s, i, &t[i]);
        if (rc) return rc;
    }
    return 0;
}

/* ---- bodies, withheld bodies, documents ----------------------------------- */

static int add_missing(snap *s, uint64_t seq, uint64_t owner, const uint8_t c[32])
{
    if (s->nmissing == s->capmissing) {
        size_t cap = s->capmissing ? s->capmissing * 2 : 16;
        missing_body *nv = realloc(s->missing, cap * sizeof *nv);
        if (!nv) return CC_ENOMEM;
        s->missing = nv;
        s->capmissing = cap;
    }
    missing_body *m = &s->missing[s->nmissing++];
    m->seq = seq;
    m->owner = owner;
    memcpy(m->commitment, c, 32);
    return 0;
}

/* One line of bodies.jsonl: {"seq":N,"commitment":hex,"nonce":hex,fields...}
 * with the fields in the order of CC_BODY_FIELDS. */
static void body_line(sbuf *b, uint64_t seq, const uint8_t c[32], const uint8_t *nonce,
                      const cc_body *body)
{
    char hex[65];
    sb_addf(b, "{\"seq\":%llu,\"commitment\":\"", (unsigned long long)seq);
    cc_hex(c, 32, hex);
    sb_adds(b, hex);
    sb_adds(b, "\",\"nonce\":\"");
    cc_hex(nonce, CC_NONCE_SIZE, hex);
    sb_adds(b, hex);
    sb_adds(b, "\"");
    for (int f = 0; f < CC_B_COUNT_; f++) {
        if (!body->f[f].ptr) continue;
        sb_add(b, ",", 1);
        const char *key = cc_body_field_key((cc_body_field)f);
        json_str(b, key, strlen(key));
        sb_add(b, ":", 1);
        json_str(b, (const char *)body->f[f].ptr, body->f[f].len);
    }
    sb_adds(b, "}\n");
}

/* bodies.jsonl, and the list of bodies missing for items not removed at
 * the snapshot's size (purged by a later removal, or lost). */
static int write_bodies(snap *s)
{
    int rc;
    FILE *f = open_out(s->out, BODIES_FILE, &rc);
    if (!f) return failf(s->msg, s->cap, rc, BODIES_FILE ": %s", cc_strerror(rc));
    cc_log_iter it;
    sbuf line = {0};
    if ((rc = cc_log_iter_open(s->ltxn, s->l->log, 0, &it))) {
        fclose(f);
        return failf(s->msg, s->cap, rc, "log: %s", cc_strerror(rc));
    }
    uint64_t seq;
    cc_slice entry;
    while (it.next < s->size && (rc = cc_log_iter_next(&it, &seq, &entry)) == 0) {
        cc_event e;
        if ((rc = cc_event_decode(entry.ptr, entry.len, &e))) {
            failf(s->msg, s->cap, rc, "entry %llu: %s", (unsigned long long)seq, cc_strerror(rc));
            break;
        }
        if (!cc_event_is_set(&e, CC_F_COMMITMENT)) continue;
        const uint8_t *nonce;
        cc_slice raw;
        rc = cc_bodies_get(s->ltxn, s->l->bodies, e.commitment, &nonce, &raw);
        if (rc == CC_ENOTFOUND) {
            uint64_t owner = cc_state_body_owner(seq, &e);
            uint8_t state = 0;
            if (owner && cc_opendata_item_state(s->vtxn, s->od, owner, &state) == 0 &&
                state == CC_REMOVED) {
                rc = 0;
                continue;
            }
            if ((rc = add_missing(s, seq, owner, e.commitment))) break;
            continue;
        }
        if (rc) break;
        cc_body body;
        if ((rc = cc_body_decode(e.type, raw.ptr, raw.len, &body))) {
            failf(s->msg, s->cap, rc, "entry %llu: body: %s", (unsigned long long)seq,
                  cc_strerror(rc));
            break;
        }
        line.len = 0;
        body_line(&line, seq, e.commitment, nonce, &body);
        if (line.oom) {
            rc = CC_ENOMEM;
            break;
        }
        if (fwrite(line.p, 1, line.len, f) != line.len) {
            rc = CC_EIO;
            break;
        }
        s->bodies++;
    }
    cc_log_iter_close(&it);
    if (rc == CC_ENOTFOUND) rc = 0;
    sb_release(&line);
    int rc2 = close_out(f);
    if (!rc) rc = rc2;
    if (rc && s->msg && !s->msg[0]) failf(s->msg, s->cap, rc, BODIES_FILE ": %s", cc_strerror(rc));
    return rc;
}

static void hash_list(sbuf *b, const cc_hash *h, size_t n)
{
    sb_add(b, "[", 1);
    for (size_t i = 0; i < n; i++) {
        char hex[65];
        cc_hex(h[i].b, CC_HASH_SIZE, hex);
        sb_addf(b, "%s\"%s\"", i ? "," : "", hex);
    }
    sb_add(b, "]", 1);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* withheld.jsonl: for each body missing at the snapshot's size, the later
 * removal that purged it, with the proofs that it is in the log. */
static int write_withheld(snap *s)
{
    int rc = 0;
    size_t n = s->nmissing;
    uint64_t *owners = n ? calloc(n, sizeof *owners) : NULL;
    uint64_t *removal = n ? calloc(n, sizeof *removal) : NULL;
    sbuf out = {0};
    if (n && (!owners || !removal)) rc = CC_ENOMEM;
    for (size_t i = 0; i < n && !rc; i++)
        owners[i] = s->missing[i].owner;
    if (n && !rc) {
        qsort(owners, n, sizeof *owners, cmp_u64);
        for (size_t i = 0; i < n; i++)
            removal[i] = UINT64_MAX;
        /* One pass over the entries after the snapshot finds every removal. */
        cc_log_iter it;
        uint64_t seq;
        cc_slice entry;
        if (!(rc = cc_log_iter_open(s->ltxn, s->l->log, s->size, &it))) {
            while ((rc = cc_log_iter_next(&it, &seq, &entry)) == 0) {
                cc_event e;
                if ((rc = cc_event_decode(entry.ptr, entry.len, &e))) break;
                if (e.type != CC_EV_ITEM_REMOVED) continue;
                uint64_t *hit = bsearch(&e.item, owners, n, sizeof *owners, cmp_u64);
                if (hit && removal[hit - owners] == UINT64_MAX) {
                    /* every copy of this owner in the sorted array */
                    size_t at = (size_t)(hit - owners), lo = at, hi = at;
                    while (lo > 0 && owners[lo - 1] == e.item)
                        lo--;
                    while (hi + 1 < n && owners[hi + 1] == e.item)
                        hi++;
                    for (size_t k = lo; k <= hi; k++)
                        removal[k] = seq;
                }
            }
            cc_log_iter_close(&it);
            if (rc == CC_ENOTFOUND) rc = 0;
        }
    }
    for (size_t i = 0; i < n && !rc; i++) {
        const missing_body *m = &s->missing[i];
        uint64_t *hit = m->owner ? bsearch(&m->owner, owners, n, sizeof *owners, cmp_u64) : NULL;
        uint64_t r = hit ? removal[hit - owners] : UINT64_MAX;
        if (r == UINT64_MAX) {
            rc = failf(s->msg, s->cap, CC_ENOBODY, "entry %llu: %s", (unsigned long long)m->seq,
                       cc_strerror(CC_ENOBODY));
            break;
        }
        cc_slice entry;
        cc_hash root, old_root, incl[CC_MERKLE_MAX_PROOF], cons[CC_MERKLE_MAX_PROOF];
        size_t nincl = 0, ncons = 0;
        char note[CC_CHECKPOINT_MAX];
        size_t note_len;
        if ((rc = cc_log_get(s->ltxn, s->l->log, r, &entry)) ||
            (rc = cc_merkle_root(s->ltxn, s->l->tree, r + 1, &root)) ||
            (rc = cc_merkle_root(s->ltxn, s->l->tree, s->size, &old_root)) ||
            (rc = cc_checkpoint_sign(&s->l->signer, s->l->origin, r + 1, &root, note, sizeof note,
                                     &note_len)) ||
            (rc = cc_merkle_inclusion_proof(s->ltxn, s->l->tree, r, r + 1, incl, &nincl)) ||
            (rc = cc_merkle_consistency_proof(s->ltxn, s->l->tree, s->size, r + 1, cons, &ncons))) {
            failf(s->msg, s->cap, rc, "withheld body of entry %llu: %s", (unsigned long long)m->seq,
                  cc_strerror(rc));
            break;
        }
        char hex[65];
        cc_hex(m->commitment, 32, hex);
        sb_addf(
            &out, "{\"seq\":%llu,\"commitment\":\"%s\",\"item\":%llu,\"removal\":%llu,\"entry\":\"",
            (unsigned long long)m->seq, hex, (unsigned long long)m->owner, (unsigned long long)r);
        char b64[2 * CC_EVENT_MAX];
        sodium_bin2base64(b64, sizeof b64, entry.ptr, entry.len, sodium_base64_VARIANT_ORIGINAL);
        sb_adds(&out, b64);
        sb_adds(&out, "\",\"checkpoint\":");
        json_str(&out, note, note_len);
        sb_adds(&out, ",\"inclusion\":");
        hash_list(&out, incl, nincl);
        sb_adds(&out, ",\"consistency\":");
        hash_list(&out, cons, ncons);
        sb_adds(&out, "}\n");
    }
    if (!rc && out.oom) rc = CC_ENOMEM;
    if (!rc && (rc = write_file(s->out, WITHHELD_FILE, out.p ? out.p : "", out.len)))
        failf(s->msg, s->cap, rc, WITHHELD_FILE ": %s", cc_strerror(rc));
    sb_release(&out);
    free(owners);
    free(removal);
    return rc;
}

/* The documents' files, named documents/<sha256>, sorted and unique (a
 * file published twice is stored once). */
static int collect_document(const cc_od_row *row, void *arg)
{
    pathlist *l = arg;
    unsigned c_file = 6;
    return paths_add(l, row->cell[c_file]);
}

static int collect_documents(snap *s, pathlist *out)
{
    int rc =
        cc_opendata_rows(s->vtxn, s->od, cc_opendata_table("documents"), collect_document, out);
    if (rc) return rc;
    if (out->n > 1) qsort(out->v, out->n, sizeof *out->v, cmp_str);
    size_t k = 0;
    for (size_t i = 0; i < out->n; i++) {
        if (k && !strcmp(out->v[k - 1], out->v[i])) {
            free(out->v[i]);
            continue;
        }
        out->v[k++] = out->v[i];
    }
    out->n = k;
    s->documents = k;
    return 0;
}

static int write_documents(snap *s)
{
    pathlist docs = {0};
    int rc = collect_documents(s, &docs);
    for (size_t i = 0; i < docs.n && !rc; i++) {
        uint8_t hash[32];
        const char *hex = docs.v[i] + strlen("documents/");
        cc_slice file;
        if (hex_decode(hex, strlen(hex), hash, 32)) {
            rc = failf(s->msg, s->cap, CC_ECORRUPT, "%s: bad hash in the views", docs.v[i]);
            break;
        }
        if ((rc = cc_ledger_file_get(s->l, s->ltxn, hash, &file)) ||
            (rc = write_file(s->out, docs.v[i], file.ptr, file.len)))
            failf(s->msg, s->cap, rc, "%s: %s", docs.v[i], cc_strerror(rc));
    }
    paths_release(&docs);
    return rc;
}

/* ---- the log: tiles and the checkpoint ------------------------------------ */

static int write_tiles(snap *s)
{
    for (int entries = 1; entries >= 0; entries--) {
        for (unsigned level = 0; level < (entries ? 1u : STORED_TILE_LEVELS); level++) {
            uint64_t count = cc_tile_count(s->size, level);
            for (uint64_t n = 0; n < count; n++) {
                cc_tile_ref t = {entries, level, n, cc_tile_width(s->size, level, n)};
                char path[CC_TILE_PATH_MAX];
                uint8_t *buf;
                size_t len;
                int rc = cc_tile_path_format(&t, path, sizeof path);
                if (!rc) rc = cc_tile_read(s->l, s->ltxn, s->size, &t, &buf, &len);
                if (rc) return failf(s->msg, s->cap, rc, "tile: %s", cc_strerror(rc));
                rc = write_file(s->out, path, buf, len);
                free(buf);
                if (rc) return failf(s->msg, s->cap, rc, "%s: %s", path, cc_strerror(rc));
            }
        }
    }
    return 0;
}

static int write_checkpoint(snap *s)
{
    cc_hash root;
    char note[CC_CHECKPOINT_MAX];
    size_t len;
    int rc = cc_merkle_root(s->ltxn, s->l->tree, s->size, &root);
    if (!rc)
        rc = cc_checkpoint_sign(&s->l->signer, s->l->origin, s->size, &root, note, sizeof note,
                                &len);
    if (!rc) rc = write_file(s->out, "checkpoint", note, len);
    return rc ? failf(s->msg, s->cap, rc, "checkpoint: %s", cc_strerror(rc)) : 0;
}

/* ---- metadata: README.md, LICENSE, datapackage.json ----------------------- */

#define LICENCE_URL "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
#define LICENCE_PDF                                                                                \
    "https://www.etalab.gouv.fr/wp-content/uploads/2017/04/ETALAB-Licence-Ouverte-v2.0.pdf"

/* A Markdown table cell: '|' escaped, newlines flattened. */
static void md_cell(sbuf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            sb_adds(b, "\\|");
        else if (*s == '\n')
            sb_add(b, " ", 1);
        else
            sb_add(b, s, 1);
    }
}

typedef struct lang {
    int fr;
    const char *title, *other, *intro, *anonymised, *files_h, *file, *content, *rows, *tables_h,
        *order, *key, *column, *type, *description, *verify_h, *formats, *bodies, *withheld,
        *documents, *checkpoint, *bundles, *tiles, *datapackage, *manifest, *readme, *licence,
        *verify1, *verify2, *verify3, *verify4, *spreadsheets;
} lang;

static const lang lang_fr = {
    1,
    "Données ouvertes de la concertation",
    "*English version below.*",
    "Cet instantané contient la totalité des échanges publics de la concertation tels que "
    "son journal public `%s` les enregistre, des événements 0 à %llu (taille du journal : "
    "%llu ; dernier événement : %s). Il est publié sous la Licence Ouverte / Open Licence "
    "version 2.0 (fichier `LICENSE`).",
    "Les données sont anonymisées : un participant n'y apparaît que par un pseudonyme "
    "aléatoire, le statut qu'il a déclaré (et le nom de son organisation s'il en représente "
    "une) et le jour de son inscription ; ni nom d'utilisateur, ni adresse électronique, ni "
    "aucune autre donnée personnelle. Un compte supprimé garde son pseudonyme (affiché "
    "« anonyme » sur le site) et ses contributions. Les contenus retirés pour illégalité "
    "(article 6 de la LCEN) n'ont plus de texte : seule leur trace demeure (motif, date, "
    "engagement). Les contenus mis à la corbeille pour non-respect de la charte restent "
    "publics (table `trash`).",
    "## Fichiers",
    "fichier",
    "contenu",
    "lignes",
    "## Tables",
    "Ordre des lignes",
    "Clé",
    "colonne",
    "type",
    "description",
    "## Vérifier cet instantané",
    "Les fichiers CSV suivent la RFC 4180 : UTF-8 sans BOM, séparateur virgule, fin de ligne "
    "CRLF, ligne d'en-tête, guillemets seulement autour des valeurs qui contiennent une "
    "virgule, un guillemet ou un saut de ligne. Chaque ligne d'un fichier JSON Lines est un "
    "objet portant les mêmes colonnes dans le même ordre (null pour une cellule vide, nombres "
    "et booléens sans guillemets). Les dates sont en UTC, au format ISO 8601.",
    "les textes (titres, contributions, notes) avec leur nonce : de quoi recalculer chaque "
    "engagement",
    "les textes effacés après cette taille du journal, avec la preuve de leur retrait",
    "les documents publiés tels que reçus (nommés par leur SHA-256)",
    "le point de contrôle signé (C2SP tlog-checkpoint, signature Ed25519)",
    "le journal lui-même, en paquets d'entrées C2SP tlog-tiles",
    "les tuiles de hachage de l'arbre de Merkle (C2SP tlog-tiles)",
    "la description Frictionless de chaque fichier et de chaque colonne",
    "SHA-256 et nombre de lignes de chaque autre fichier",
    "ce fichier",
    "la licence",
    "Procurez-vous la clé publique du journal auprès de l'organisateur de la concertation, "
    "par un autre canal que cet instantané. La clé qui a signé celui-ci est :",
    "`concerto verify --snapshot DOSSIER --key CLÉ` vérifie tout : la signature du point de "
    "contrôle, l'arbre de Merkle reconstruit à partir des entrées, chaque texte contre son "
    "engagement, et recalcule chaque table et chaque statistique en rejouant le journal. Il "
    "nomme la première différence trouvée (fichier, ligne, colonne, attendu, trouvé).",
    "Pour écrire votre propre vérificateur, dans le langage de votre choix : le document "
    "`docs/FORMAT.md` des sources de concerto décrit chaque octet (encodage des entrées, "
    "hachage, point de contrôle, tuiles, tables).",
    "Intégrité des fichiers seuls : `awk '{print $1 \"  \" $3}' MANIFEST | sha256sum -c -`",
    "Attention : les textes sont publiés tels quels. Dans un tableur, un texte commençant par "
    "`=`, `+`, `-` ou `@` peut être pris pour une formule : importez les colonnes comme du "
    "texte.",
};

static const lang lang_en = {
    0,
    "Open data of the consultation",
    "",
    "This snapshot holds every public exchange of the consultation as its public log `%s` "
    "records them, events 0 to %llu (log size: %llu; last event: %s). It is published under "
    "the Licence Ouverte / Open Licence version 2.0 (file `LICENSE`).",
    "The data is anonymised: a participant appears only as a random pseudonym, with the "
    "status they declared (and the name of their organisation if they represent one) and the "
    "day they registered; no username, no e-mail address, no other personal data. A deleted "
    "account keeps its pseudonym (shown as \"anonyme\" on the site) and its contributions. "
    "Content removed as illegal (article 6 of the French LCEN) has no text any more: only its "
    "tombstone stays (ground, time, commitment). Content moved to the bin for breaching the "
    "charter stays public (table `trash`).",
    "## Files",
    "file",
    "content",
    "rows",
    "## Tables",
    "Row order",
    "Key",
    "column",
    "type",
    "description",
    "## Verifying this snapshot",
    "CSV files follow RFC 4180: UTF-8 without a BOM, comma separator, CRLF line ends, a "
    "header row, quotes only around values holding a comma, a quote or a line break. Each "
    "line of a JSON Lines file is an object with the same columns in the same order (null for "
    "an empty cell, numbers and booleans unquoted). Times are UTC, ISO 8601.",
    "the texts (titles, contributions, notes) with their nonce: enough to recompute every "
    "commitment",
    "texts erased after this log size, with the proof of their removal",
    "the documents published, as received (named by their SHA-256)",
    "the signed checkpoint (C2SP tlog-checkpoint, Ed25519 signature)",
    "the log itself, as C2SP tlog-tiles entry bundles",
    "the hash tiles of the Merkle tree (C2SP tlog-tiles)",
    "the Frictionless description of every file and column",
    "SHA-256 and row count of every other file",
    "this file",
    "the licence",
    "Get the log's public key from the organiser of the consultation, through another "
    "channel than this snapshot. The key that signed this one is:",
    "`concerto verify --snapshot DIR --key KEY` checks everything: the checkpoint's "
    "signature, the Merkle tree rebuilt from the entries, every text against its commitment, "
    "and recomputes every table and statistic by replaying the log. It names the first "
    "difference found (file, row, column, expected, found).",
    "To write your own verifier, in any language: `docs/FORMAT.md` in concerto's sources "
    "specifies every byte (entry encoding, hashing, checkpoint, tiles, tables).",
    "Integrity of the files alone: `awk '{print $1 \"  \" $3}' MANIFEST | sha256sum -c -`",
    "Beware: texts are published as written. In a spreadsheet, a text starting with `=`, `+`, "
    "`-` or `@` may be taken for a formula: import the columns as text.",
};

static void readme_lang(sbuf *b, const snap *s, const lang *L, const char *when, const char *key)
{
    size_t nt;
    const cc_od_table *t = cc_opendata_tables(&nt);
    sb_addf(b, "# %s `%s`\n\n", L->title, s->origin);
    if (L->other[0]) sb_addf(b, "%s\n\n", L->other);
    sb_addf(b, L->intro, s->origin, (unsigned long long)(s->size ? s->size - 1 : 0),
            (unsigned long long)s->size, when);
    sb_addf(b, "\n\n%s\n\n", L->anonymised);
    sb_addf(b, "%s\n\n| %s | %s | %s |\n|---|---|---:|\n", L->files_h, L->file, L->content,
            L->rows);
    for (size_t i = 0; i < nt; i++) {
        sb_addf(b, "| `data/%s.csv`, `data/%s.jsonl` | ", t[i].name, t[i].name);
        md_cell(b, L->fr ? t[i].fr : t[i].en);
        sb_addf(b, " | %llu |\n", (unsigned long long)s->rows[i]);
    }
    sb_addf(b, "| `%s` | %s | %llu |\n", BODIES_FILE, L->bodies, (unsigned long long)s->bodies);
    sb_addf(b, "| `%s` | %s | %llu |\n", WITHHELD_FILE, L->withheld,
            (unsigned long long)s->nmissing);
    sb_addf(b, "| `documents/` | %s | %llu |\n", L->documents, (unsigned long long)s->documents);
    sb_addf(b, "| `checkpoint` | %s | |\n", L->checkpoint);
    sb_addf(b, "| `tile/entries/…` | %s | %llu |\n", L->bundles, (unsigned long long)s->size);
    sb_addf(b, "| `tile/<L>/…` | %s | |\n", L->tiles);
    sb_addf(b, "| `datapackage.json` | %s | |\n", L->datapackage);
    sb_addf(b, "| `MANIFEST` | %s | |\n", L->manifest);
    sb_addf(b, "| `README.md` | %s | |\n", L->readme);
    sb_addf(b, "| `LICENSE` | %s | |\n\n", L->licence);
    sb_addf(b, "%s\n\n%s\n\n", L->formats, L->spreadsheets);
    sb_addf(b, "%s\n\n", L->tables_h);
    for (size_t i = 0; i < nt; i++) {
        sb_addf(b, "### `%s` — %s\n\n%s : %s. %s : ", t[i].name, L->fr ? t[i].fr : t[i].en,
                L->order, L->fr ? t[i].order_fr : t[i].order_en, L->key);
        for (unsigned k = 0; k < t[i].nkey; k++)
            sb_addf(b, "%s`%s`", k ? ", " : "", t[i].columns[k].name);
        sb_addf(b, ".\n\n| %s | %s | %s |\n|---|---|---|\n", L->column, L->type, L->description);
        for (unsigned j = 0; j < t[i].ncolumns; j++) {
            const cc_od_column *c = &t[i].columns[j];
            sb_addf(b, "| `%s` | %s | ", c->name, cc_od_type_name(c->type));
            md_cell(b, L->fr ? c->fr : c->en);
            sb_adds(b, " |\n");
        }
        sb_add(b, "\n", 1);
    }
    sb_addf(b, "%s\n\n1. %s\n\n       %s\n\n2. %s\n3. %s\n4. %s\n", L->verify_h, L->verify1, key,
            L->verify2, L->verify3, L->verify4);
}

static int write_readme(snap *s)
{
    char when[48], key[512];
    cc_od_format_time(s->last_ts, when, sizeof when);
    if (s->size == 0) snprintf(when, sizeof when, "-");
    if (cc_verifier_format(s->verifier, key, sizeof key)) snprintf(key, sizeof key, "?");
    sbuf b = {0};
    readme_lang(&b, s, &lang_fr, when, key);
    sb_adds(&b, "\n---\n\n");
    readme_lang(&b, s, &lang_en, when, key);
    int rc = b.oom ? CC_ENOMEM : write_file(s->out, "README.md", b.p, b.len);
    sb_release(&b);
    return rc ? failf(s->msg, s->cap, rc, "README.md: %s", cc_strerror(rc)) : 0;
}

static int write_licence(snap *s)
{
    char day[32];
    cc_od_format_date(s->last_ts, day, sizeof day);
    if (s->size == 0) snprintf(day, sizeof day, "-");
    sbuf b = {0};
    sb_addf(&b,
            "Licence Ouverte / Open Licence version 2.0 (Etalab) — SPDX: etalab-2.0\n"
            "\n"
            "Les données de cet instantané du journal public « %s » (taille %llu,\n"
            "dernière mise à jour le %s) sont mises à disposition par l'organisateur de\n"
            "la concertation (le « Concédant ») sous la Licence Ouverte / Open Licence\n"
            "version 2.0. Le texte de la licence fait foi ; il est publié par Etalab :\n"
            "\n"
            "    " LICENCE_URL "\n"
            "    " LICENCE_PDF "\n"
            "\n"
            "En résumé, vous êtes libre de reproduire, copier, adapter, modifier,\n"
            "extraire, transformer, communiquer, diffuser, redistribuer, publier et\n"
            "exploiter ces données, y compris à titre commercial, sous réserve d'en\n"
            "mentionner la paternité : sa source (au moins le nom du Concédant) et la\n"
            "date de sa dernière mise à jour. Par exemple :\n"
            "\n"
            "    Source : concertation « %s », données ouvertes du %s.\n"
            "\n"
            "The data of this snapshot of the public log \"%s\" (size %llu, last\n"
            "updated on %s) is made available by the organiser of the consultation (the\n"
            "\"Licensor\") under the Licence Ouverte / Open Licence version 2.0. The\n"
            "licence text published by Etalab (URLs above) is authoritative. In short,\n"
            "you may reuse the data freely, commercially too, provided you credit its\n"
            "source (at least the Licensor's name) and the date of its last update.\n",
            s->origin, (unsigned long long)s->size, day, s->origin, day, s->origin,
            (unsigned long long)s->size, day);
    int rc = b.oom ? CC_ENOMEM : write_file(s->out, "LICENSE", b.p, b.len);
    sb_release(&b);
    return rc ? failf(s->msg, s->cap, rc, "LICENSE: %s", cc_strerror(rc)) : 0;
}

static json_t *jstr(const char *s)
{
    return json_string(s);
}

static json_t *schema_of(const cc_od_table *t)
{
    json_t *fields = json_array();
    for (unsigned j = 0; j < t->ncolumns; j++) {
        const cc_od_column *c = &t->columns[j];
        json_t *f = json_object();
        json_object_set_new(f, "name", jstr(c->name));
        json_object_set_new(f, "type", jstr(cc_od_type_name(c->type)));
        json_object_set_new(f, "description", jstr(c->fr));
        json_object_set_new(f, "description_en", jstr(c->en));
        json_array_append_new(fields, f);
    }
    json_t *key = json_array();
    for (unsigned k = 0; k < t->nkey; k++)
        json_array_append_new(key, jstr(t->columns[k].name));
    json_t *schema = json_object();
    json_object_set_new(schema, "fields", fields);
    json_object_set_new(schema, "primaryKey", key);
    json_object_set_new(schema, "missingValues", json_pack("[s]", ""));
    return schema;
}

static json_t *file_resource(const char *name, const char *path, const char *format,
                             const char *mediatype, const char *fr, const char *en)
{
    json_t *r = json_object();
    json_object_set_new(r, "name", jstr(name));
    json_object_set_new(r, "path", jstr(path));
    json_object_set_new(r, "format", jstr(format));
    json_object_set_new(r, "mediatype", jstr(mediatype));
    json_object_set_new(r, "description", jstr(fr));
    json_object_set_new(r, "description_en", jstr(en));
    return r;
}

static json_t *simple_schema(const char *const *names, const char *const *types, size_t n)
{
    json_t *fields = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(fields, json_pack("{s:s,s:s}", "name", names[i], "type", types[i]));
    return json_pack("{s:o}", "fields", fields);
}

static int write_datapackage(snap *s)
{
    size_t nt;
    const cc_od_table *t = cc_opendata_tables(&nt);
    char name[CC_NOTE_NAME_MAX + 64], key[512];
    int o = snprintf(name, sizeof name, "concerto-");
    for (const char *p = s->origin; *p && o < (int)sizeof name - 24; p++) {
        char c = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
        int ok =
            (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        name[o++] = ok ? c : '-';
    }
    snprintf(name + o, sizeof name - (size_t)o, "-%llu", (unsigned long long)s->size);
    if (cc_verifier_format(s->verifier, key, sizeof key)) key[0] = '\0';

    json_t *root = json_object();
    json_object_set_new(root, "profile", jstr("tabular-data-package"));
    json_object_set_new(root, "name", jstr(name));
    char title[CC_NOTE_NAME_MAX + 128];
    snprintf(title, sizeof title, "Concertation %s : données ouvertes (journal de taille %llu)",
             s->origin, (unsigned long long)s->size);
    json_object_set_new(root, "title", jstr(title));
    snprintf(title, sizeof title, "Consultation %s: open data (log size %llu)", s->origin,
             (unsigned long long)s->size);
    json_object_set_new(root, "title_en", jstr(title));
    json_object_set_new(root, "licenses",
                        json_pack("[{s:s,s:s,s:s}]", "name", "etalab-2.0", "title",
                                  "Licence Ouverte / Open Licence 2.0", "path", LICENCE_URL));
    json_object_set_new(root, "concerto",
                        json_pack("{s:i,s:s,s:I,s:s,s:s}", "snapshot_format", CC_SNAPSHOT_FORMAT,
                                  "origin", s->origin, "log_size", (json_int_t)s->size,
                                  "verifier_key", key, "format", "docs/FORMAT.md"));
    json_t *res = json_array();
    for (size_t i = 0; i < nt; i++) {
        for (int jsonl = 0; jsonl < 2; jsonl++) {
            char rname[96], path[128];
            snprintf(rname, sizeof rname, "%s%s", t[i].name, jsonl ? "-jsonl" : "");
            snprintf(path, sizeof path, "data/%s.%s", t[i].name, jsonl ? "jsonl" : "csv");
            json_t *r = json_object();
            json_object_set_new(r, "name", jstr(rname));
            json_object_set_new(r, "path", jstr(path));
            json_object_set_new(r, "profile", jstr("tabular-data-resource"));
            json_object_set_new(r, "title", jstr(t[i].fr));
            json_object_set_new(r, "title_en", jstr(t[i].en));
            json_object_set_new(r, "format", jstr(jsonl ? "jsonl" : "csv"));
            json_object_set_new(r, "mediatype", jstr(jsonl ? "application/x-ndjson" : "text/csv"));
            json_object_set_new(r, "encoding", jstr("utf-8"));
            if (!jsonl)
                json_object_set_new(r, "dialect",
                                    json_pack("{s:s,s:s,s:s,s:b,s:b}", "delimiter", ",",
                                              "lineTerminator", "\r\n", "quoteChar", "\"",
                                              "doubleQuote", 1, "header", 1));
            json_object_set_new(r, "schema", schema_of(&t[i]));
            json_array_append_new(res, r);
        }
    }
    static const char *const body_names[] = {"seq", "commitment", "nonce", "title", "text",
                                             "url", "name",       "from",  "place"};
    static const char *const body_types[] = {"integer", "string", "string", "string", "string",
                                             "string",  "string", "string", "string"};
    json_t *r = file_resource("bodies", BODIES_FILE, "jsonl", "application/x-ndjson",
                              lang_fr.bodies, lang_en.bodies);
    json_object_set_new(r, "schema", simple_schema(body_names, body_types, 9));
    json_array_append_new(res, r);
    static const char *const w_names[] = {"seq",   "commitment", "item",      "removal",
                                          "entry", "checkpoint", "inclusion", "consistency"};
    static const char *const w_types[] = {"integer", "string", "integer", "integer",
                                          "string",  "string", "array",   "array"};
    r = file_resource("withheld", WITHHELD_FILE, "jsonl", "application/x-ndjson", lang_fr.withheld,
                      lang_en.withheld);
    json_object_set_new(r, "schema", simple_schema(w_names, w_types, 8));
    json_array_append_new(res, r);
    json_array_append_new(res, file_resource("checkpoint", "checkpoint", "txt", "text/plain",
                                             lang_fr.checkpoint, lang_en.checkpoint));
    for (int entries = 1; entries >= 0; entries--) {
        for (unsigned level = 0; level < (entries ? 1u : STORED_TILE_LEVELS); level++) {
            uint64_t count = cc_tile_count(s->size, level);
            if (!count) continue;
            json_t *paths = json_array();
            for (uint64_t n = 0; n < count; n++) {
                cc_tile_ref tr = {entries, level, n, cc_tile_width(s->size, level, n)};
                char path[CC_TILE_PATH_MAX];
                cc_tile_path_format(&tr, path, sizeof path);
                json_array_append_new(paths, jstr(path));
            }
            char rname[32];
            if (entries)
                snprintf(rname, sizeof rname, "entry-bundles");
            else
                snprintf(rname, sizeof rname, "hash-tiles-%u", level);
            r = file_resource(rname, "", entries ? "tlog-tiles-entry-bundle" : "tlog-tiles-tile",
                              "application/octet-stream", entries ? lang_fr.bundles : lang_fr.tiles,
                              entries ? lang_en.bundles : lang_en.tiles);
            json_object_set_new(r, "path", paths);
            json_array_append_new(res, r);
        }
    }
    if (s->documents) {
        json_t *paths = json_array();
        pathlist docs = {0};
        if (collect_documents(s, &docs) == 0) {
            for (size_t i = 0; i < docs.n; i++)
                json_array_append_new(paths, jstr(docs.v[i]));
        }
        paths_release(&docs);
        r = file_resource("documents", "", "binary", "application/octet-stream", lang_fr.documents,
                          lang_en.documents);
        json_object_set_new(r, "path", paths);
        json_array_append_new(res, r);
    }
    json_array_append_new(res, file_resource("readme", "README.md", "md", "text/markdown",
                                             lang_fr.readme, lang_en.readme));
    json_array_append_new(res, file_resource("license", "LICENSE", "txt", "text/plain",
                                             lang_fr.licence, lang_en.licence));
    json_array_append_new(res, file_resource("manifest", "MANIFEST", "txt", "text/plain",
                                             lang_fr.manifest, lang_en.manifest));
    json_object_set_new(root, "resources", res);
    char *text = json_dumps(root, JSON_INDENT(2));
    json_decref(root);
    int rc = CC_ENOMEM;
    if (text) {
        size_t n = strlen(text);
        text[n] = '\0';
        sbuf b = {0};
        sb_add(&b, text, n);
        sb_add(&b, "\n", 1);
        rc = b.oom ? CC_ENOMEM : write_file(s->out, "datapackage.json", b.p, b.len);
        sb_release(&b);
        free(text);
    }
    return rc ? failf(s->msg, s->cap, rc, "datapackage.json: %s", cc_strerror(rc)) : 0;
}

/* ---- strict readers ---------------------------------------------------------- */

/* One CSV record: fields as (offset, length) into text, unescaped. */
typedef struct csv_rec {
    sbuf text;
    size_t *off, *len;
    size_t n, cap;
    size_t start, end; /* raw bytes of the record in the file */
} csv_rec;

static void csv_rec_release(csv_rec *r)
{
    sb_release(&r->text);
    free(r->off);
    free(r->len);
    memset(r, 0, sizeof *r);
}

static int csv_push(csv_rec *r, size_t off)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 32;
        size_t *no = realloc(r->off, cap * sizeof *no);
        if (!no) return CC_ENOMEM;
        r->off = no;
        size_t *nl = realloc(r->len, cap * sizeof *nl);
        if (!nl) return CC_ENOMEM;
        r->len = nl;
        r->cap = cap;
    }
    r->off[r->n] = off;
    r->len[r->n] = r->text.len - off;
    r->n++;
    return 0;
}

/* Parse the record at *pos (RFC 4180, CRLF line ends, UTF-8). CC_EMALFORMED
 * with *why set when the bytes are not a well-formed record. */
static int csv_next(const uint8_t *buf, size_t len, size_t *pos, csv_rec *r, const char **why)
{
    size_t i = *pos;
    r->n = 0;
    r->text.len = 0;
    sb_add(&r->text, "", 0); /* never NULL, even for a record of empty fields */
    r->start = i;
    for (;;) {
        size_t off = r->text.len;
        if (i < len && buf[i] == '"') {
            i++;
            for (;;) {
                const uint8_t *q = i < len ? memchr(buf + i, '"', len - i) : NULL;
                if (!q) {
                    *why = "unterminated quoted field";
                    return CC_EMALFORMED;
                }
                size_t at = (size_t)(q - buf);
                sb_add(&r->text, buf + i, at - i);
                if (at + 1 < len && buf[at + 1] == '"') {
                    sb_add(&r->text, "\"", 1);
                    i = at + 2;
                    continue;
                }
                i = at + 1;
                break;
            }
            if (i < len && buf[i] == ',') {
                if (csv_push(r, off)) return CC_ENOMEM;
                i++;
                continue;
            }
            if (i + 1 < len && buf[i] == '\r' && buf[i + 1] == '\n') {
                if (csv_push(r, off)) return CC_ENOMEM;
                i += 2;
                break;
            }
            *why = i >= len ? "missing CRLF at the end of the file"
                            : "unexpected character after a closing quote";
            return CC_EMALFORMED;
        }
        size_t j = i;
        while (j < len && buf[j] != ',' && buf[j] != '\r' && buf[j] != '\n' && buf[j] != '"')
            j++;
        sb_add(&r->text, buf + i, j - i);
        i = j;
        if (i >= len) {
            *why = "missing CRLF at the end of the file";
            return CC_EMALFORMED;
        }
        if (buf[i] == '"') {
            *why = "quote inside an unquoted field";
            return CC_EMALFORMED;
        }
        if (buf[i] == '\n') {
            *why = "bare LF (records end with CRLF)";
            return CC_EMALFORMED;
        }
        if (buf[i] == '\r') {
            if (i + 1 < len && buf[i + 1] == '\n') {
                if (csv_push(r, off)) return CC_ENOMEM;
                i += 2;
                break;
            }
            *why = "bare CR (records end with CRLF)";
            return CC_EMALFORMED;
        }
        if (csv_push(r, off)) return CC_ENOMEM;
        i++; /* ',' */
    }
    if (r->text.oom) return CC_ENOMEM;
    for (size_t f = 0; f < r->n; f++) {
        if (cc_utf8_check(r->text.p + r->off[f], r->len[f])) {
            *why = "invalid UTF-8";
            return CC_EMALFORMED;
        }
    }
    r->end = i;
    *pos = i;
    return 0;
}

static int csv_rec_equal(const csv_rec *a, const csv_rec *b)
{
    if (a->n != b->n) return 0;
    for (size_t i = 0; i < a->n; i++) {
        if (a->len[i] != b->len[i] ||
            (a->len[i] && memcmp(a->text.p + a->off[i], b->text.p + b->off[i], a->len[i]) != 0))
            return 0;
    }
    return 1;
}

/* A value for a message: quoted, control characters escaped, at most 80
 * bytes (cut on a character boundary). */
static void quote_value(sbuf *b, const char *s, size_t n)
{
    size_t max = n > 80 ? 80 : n;
    while (max < n && max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    sb_add(b, "\"", 1);
    for (size_t i = 0; i < max; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            sb_addf(b, "\\%c", c);
        else if (c == '\n')
            sb_adds(b, "\\n");
        else if (c == '\r')
            sb_adds(b, "\\r");
        else if (c == '\t')
            sb_adds(b, "\\t");
        else if (c < 0x20 || c == 0x7f)
            sb_addf(b, "\\x%02x", c);
        else
            sb_add(b, s + i, 1);
    }
    sb_add(b, "\"", 1);
    if (max < n) sb_adds(b, "...");
}

static int fail_sb(char *msg, size_t cap, int rc, sbuf *b)
{
    failf(msg, cap, rc, "%s", b->p ? b->p : "out of memory");
    sb_release(b);
    return rc;
}

/* "key=value, key=value" of the key columns of a CSV record. */
static void csv_key(sbuf *b, const cc_od_table *t, const csv_rec *r)
{
    for (unsigned k = 0; k < t->nkey && k < r->n; k++) {
        sb_addf(b, "%s%s=", k ? ", " : "", t->columns[k].name);
        quote_value(b, r->text.p + r->off[k], r->len[k]);
    }
}

/* Compare a CSV file with the one recomputed (exp). */
static int compare_csv(const char *rel, const cc_od_table *t, const mapped *exp, const mapped *got,
                       char *msg, size_t cap)
{
    if (exp->len == got->len && (exp->len == 0 || !memcmp(exp->ptr, got->ptr, exp->len))) return 0;
    csv_rec e = {0}, f = {0}, e2 = {0}, f2 = {0};
    size_t ep = 0, fp = 0;
    uint64_t row = 0;
    int rc = 0;
    sbuf m = {0};
    const char *why = NULL;
    for (;; row++) {
        int he = ep < exp->len, hf = fp < got->len;
        if (!he && !hf) {
            sb_addf(&m, "%s: differs from the recomputed file", rel);
            rc = CC_ECORRUPT;
            break;
        }
        if (he && (rc = csv_next(exp->ptr, exp->len, &ep, &e, &why))) {
            sb_addf(&m, "%s: recomputed file is malformed: %s", rel, why);
            break;
        }
        if (hf && (rc = csv_next(got->ptr, got->len, &fp, &f, &why))) {
            sb_addf(&m, "%s: row %llu: malformed CSV: %s", rel, (unsigned long long)row, why);
            break;
        }
        if (!he) {
            sb_addf(&m, "%s: row %llu: extra row (found ", rel, (unsigned long long)row);
            csv_key(&m, t, &f);
            sb_adds(&m, ")");
            rc = CC_ECORRUPT;
            break;
        }
        if (!hf) {
            sb_addf(&m, "%s: row %llu: missing row (expected ", rel, (unsigned long long)row);
            csv_key(&m, t, &e);
            sb_adds(&m, ")");
            rc = CC_ECORRUPT;
            break;
        }
        int same_bytes = e.end - e.start == f.end - f.start &&
                         !memcmp(exp->ptr + e.start, got->ptr + f.start, e.end - e.start);
        if (same_bytes) continue;
        rc = CC_ECORRUPT;
        if (csv_rec_equal(&e, &f)) {
            sb_addf(&m, "%s: row %llu: same values but not in canonical CSV form", rel,
                    (unsigned long long)row);
            break;
        }
        if (row > 0) {
            /* One row missing or one row extra shows as the next row
             * matching. */
            size_t ep2 = ep, fp2 = fp;
            const char *why2;
            int he2 = ep2 < exp->len && !csv_next(exp->ptr, exp->len, &ep2, &e2, &why2);
            int hf2 = fp2 < got->len && !csv_next(got->ptr, got->len, &fp2, &f2, &why2);
            if (he2 && csv_rec_equal(&e2, &f)) {
                sb_addf(&m, "%s: row %llu: missing row (expected ", rel, (unsigned long long)row);
                csv_key(&m, t, &e);
                sb_adds(&m, ")");
                break;
            }
            if (hf2 && csv_rec_equal(&f2, &e)) {
                sb_addf(&m, "%s: row %llu: extra row (found ", rel, (unsigned long long)row);
                csv_key(&m, t, &f);
                sb_adds(&m, ")");
                break;
            }
        }
        if (e.n != f.n) {
            sb_addf(&m, "%s: row %llu: expected %zu columns, found %zu", rel,
                    (unsigned long long)row, e.n, f.n);
            break;
        }
        for (size_t j = 0; j < e.n; j++) {
            if (e.len[j] == f.len[j] &&
                (!e.len[j] || !memcmp(e.text.p + e.off[j], f.text.p + f.off[j], e.len[j])))
                continue;
            if (row == 0)
                sb_addf(&m, "%s: row 0 (header), column %zu: expected ", rel, j + 1);
            else
                sb_addf(&m, "%s: row %llu, column %s: expected ", rel, (unsigned long long)row,
                        j < t->ncolumns ? t->columns[j].name : "?");
            quote_value(&m, e.text.p + e.off[j], e.len[j]);
            sb_adds(&m, ", found ");
            quote_value(&m, f.text.p + f.off[j], f.len[j]);
            break;
        }
        break;
    }
    csv_rec_release(&e);
    csv_rec_release(&f);
    csv_rec_release(&e2);
    csv_rec_release(&f2);
    return fail_sb(msg, cap, rc ? rc : CC_ECORRUPT, &m);
}

/* The line at *pos (without its '\n'); 0 at the end, -1 when the last line
 * has no '\n'. */
static int next_line(const mapped *m, size_t *pos, const char **line, size_t *len)
{
    if (*pos >= m->len) return 0;
    const uint8_t *nl = memchr(m->ptr + *pos, '\n', m->len - *pos);
    if (!nl) return -1;
    *line = (const char *)m->ptr + *pos;
    *len = (size_t)(nl - (m->ptr + *pos));
    *pos = (size_t)(nl - m->ptr) + 1;
    return 1;
}

/* A JSON value for a message: strings quoted once, other values as JSON. */
static void json_value_dump_target(json_t *v, sbuf *b)
{
    if (json_is_string(v)) {
        quote_value(b, json_string_value(v), json_string_length(v));
        return;
    }
    char *s = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
    if (s) {
        sb_adds(b, s);
        free(s);
    } else {
        sb_adds(b, "(absent)");
    }
}

/* "key=value" of the key columns of a JSON row. */
static void json_key(sbuf *b, const cc_od_table *t, json_t *o)
{
    for (unsigned k = 0; k < t->nkey; k++) {
        sb_addf(b, "%s%s=", k ? ", " : "", t->columns[k].name);
        json_value_dump_target(json_is_object(o) ? json_object_get(o, t->columns[k].name) : NULL,
                               b);
    }
}

/* Compare a JSON Lines table with the one recomputed. */
static int compare_jsonl(const char *rel, const cc_od_table *t, const mapped *exp,
                         const mapped *got, char *msg, size_t cap)
{
    if (exp->len == got->len && (exp->len == 0 || !memcmp(exp->ptr, got->ptr, exp->len))) return 0;
    size_t ep = 0, fp = 0;
    sbuf m = {0};
    json_t *ej = NULL, *fj = NULL;
    for (uint64_t row = 1;; row++) {
        const char *el = NULL, *fl = NULL;
        size_t elen = 0, flen = 0;
        int he = next_line(exp, &ep, &el, &elen);
        int hf = next_line(got, &fp, &fl, &flen);
        if (hf < 0) {
            sb_addf(&m, "%s: row %llu: missing newline at the end of the file", rel,
                    (unsigned long long)row);
            break;
        }
        if (he <= 0 && !hf) {
            sb_addf(&m, "%s: differs from the recomputed file", rel);
            break;
        }
        json_error_t err;
        if (hf) fj = json_loadb(fl, flen, JSON_REJECT_DUPLICATES, &err);
        if (hf && !fj) {
            sb_addf(&m, "%s: row %llu: malformed JSON: %s", rel, (unsigned long long)row, err.text);
            break;
        }
        if (he > 0) ej = json_loadb(el, elen, JSON_REJECT_DUPLICATES, &err);
        if (he <= 0) {
            sb_addf(&m, "%s: row %llu: extra row (found ", rel, (unsigned long long)row);
            json_key(&m, t, fj);
            sb_adds(&m, ")");
            break;
        }
        if (!hf) {
            sb_addf(&m, "%s: row %llu: missing row (expected ", rel, (unsigned long long)row);
            json_key(&m, t, ej);
            sb_adds(&m, ")");
            break;
        }
        if (elen == flen && !memcmp(el, fl, elen)) {
            json_decref(ej);
            json_decref(fj);
            ej = fj = NULL;
            continue;
        }
        if (!json_is_object(fj)) {
            sb_addf(&m, "%s: row %llu: not a JSON object", rel, (unsigned long long)row);
            break;
        }
        if (json_equal(ej, fj)) {
            sb_addf(&m, "%s: row %llu: same values but not in canonical form", rel,
                    (unsigned long long)row);
            break;
        }
        size_t ep2 = ep, fp2 = fp;
        const char *el2, *fl2;
        size_t elen2, flen2;
        if (next_line(exp, &ep2, &el2, &elen2) > 0 && elen2 == flen && !memcmp(el2, fl, flen)) {
            sb_addf(&m, "%s: row %llu: missing row (expected ", rel, (unsigned long long)row);
            json_key(&m, t, ej);
            sb_adds(&m, ")");
            break;
        }
        if (next_line(got, &fp2, &fl2, &flen2) > 0 && flen2 == elen && !memcmp(fl2, el, elen)) {
            sb_addf(&m, "%s: row %llu: extra row (found ", rel, (unsigned long long)row);
            json_key(&m, t, fj);
            sb_adds(&m, ")");
            break;
        }
        int reported = 0;
        for (unsigned j = 0; j < t->ncolumns && !reported; j++) {
            json_t *ev = json_object_get(ej, t->columns[j].name);
            json_t *fv = json_object_get(fj, t->columns[j].name);
            if (fv && json_equal(ev, fv)) continue;
            sb_addf(&m, "%s: row %llu, column %s: expected ", rel, (unsigned long long)row,
                    t->columns[j].name);
            json_value_dump_target(ev, &m);
            sb_adds(&m, ", found ");
            json_value_dump_target(fv, &m);
            reported = 1;
        }
        if (!reported) {
            const char *key;
            json_t *val;
            json_object_foreach(fj, key, val)
            {
                if (!json_object_get(ej, key)) {
                    sb_addf(&m, "%s: row %llu: unexpected column ", rel, (unsigned long long)row);
                    quote_value(&m, key, strlen(key));
                    reported = 1;
                    break;
                }
            }
        }
        if (!reported) sb_addf(&m, "%s: row %llu: differs", rel, (unsigned long long)row);
        break;
    }
    json_decref(ej);
    json_decref(fj);
    return fail_sb(msg, cap, CC_ECORRUPT, &m);
}

/* Compare any text file line by line. */
static int compare_lines(const char *rel, const mapped *exp, const mapped *got, char *msg,
                         size_t cap)
{
    if (exp->len == got->len && (exp->len == 0 || !memcmp(exp->ptr, got->ptr, exp->len))) return 0;
    size_t ep = 0, fp = 0;
    sbuf m = {0};
    for (uint64_t line = 1;; line++) {
        const char *el = NULL, *fl = NULL;
        size_t elen = 0, flen = 0;
        int he = next_line(exp, &ep, &el, &elen);
        int hf = next_line(got, &fp, &fl, &flen);
        if (hf < 0) {
            sb_addf(&m, "%s: line %llu: missing newline at the end of the file", rel,
                    (unsigned long long)line);
            break;
        }
        if (he > 0 && hf > 0 && elen == flen && !memcmp(el, fl, elen)) continue;
        if (he <= 0 && !hf) {
            sb_addf(&m, "%s: differs from the recomputed file", rel);
            break;
        }
        sb_addf(&m, "%s: line %llu: ", rel, (unsigned long long)line);
        if (he <= 0) {
            sb_adds(&m, "extra line (found ");
            quote_value(&m, fl, flen);
            sb_adds(&m, ")");
        } else if (!hf) {
            sb_adds(&m, "missing line (expected ");
            quote_value(&m, el, elen);
            sb_adds(&m, ")");
        } else {
            sb_adds(&m, "expected ");
            quote_value(&m, el, elen);
            sb_adds(&m, ", found ");
            quote_value(&m, fl, flen);
        }
        break;
    }
    return fail_sb(msg, cap, CC_ECORRUPT, &m);
}

/* ---- MANIFEST ---------------------------------------------------------------- */

/* Rows of a file for the MANIFEST: CSV records after the header, JSON
 * Lines, bundle entries, tile hashes; "-" for other files. */
static int count_rows(const char *rel, const mapped *m, char *out, size_t outcap, char *msg,
                      size_t cap)
{
    size_t n = strlen(rel);
    cc_tile_ref t;
    if (n > 4 && !strcmp(rel + n - 4, ".csv")) {
        csv_rec r = {0};
        size_t pos = 0;
        uint64_t rows = 0;
        const char *why = NULL;
        int rc = 0;
        while (pos < m->len && !(rc = csv_next(m->ptr, m->len, &pos, &r, &why)))
            rows++;
        csv_rec_release(&r);
        if (rc)
            return failf(msg, cap, rc, "%s: row %llu: malformed CSV: %s", rel,
                         (unsigned long long)(rows ? rows - 1 : 0), why ? why : cc_strerror(rc));
        snprintf(out, outcap, "%llu", (unsigned long long)(rows ? rows - 1 : 0));
    } else if (n > 6 && !strcmp(rel + n - 6, ".jsonl")) {
        uint64_t lines = 0;
        for (size_t i = 0; i < m->len; i++)
            lines += m->ptr[i] == '\n';
        if (m->len && m->ptr[m->len - 1] != '\n')
            return failf(msg, cap, CC_EMALFORMED, "%s: missing newline at the end of the file",
                         rel);
        snprintf(out, outcap, "%llu", (unsigned long long)lines);
    } else if (!cc_tile_path_parse(rel, n, &t)) {
        if (t.entries) {
            int rc = cc_bundle_parse(m->ptr, m->len, NULL, NULL);
            if (rc) return failf(msg, cap, rc, "%s: malformed entry bundle", rel);
            unsigned count = 0;
            for (size_t off = 0; off < m->len; count++)
                off += 2 + (size_t)cc_get_be16(m->ptr + off);
            snprintf(out, outcap, "%u", count);
        } else {
            snprintf(out, outcap, "%zu", m->len / CC_HASH_SIZE);
        }
    } else {
        snprintf(out, outcap, "-");
    }
    return 0;
}

/* "<sha256 hex> <rows> <path>\n" for every file under root but MANIFEST,
 * sorted by path (bytewise). */
static int manifest_build(const char *root, sbuf *out, uint64_t *files, char *msg, size_t cap)
{
    pathlist l = {0};
    int rc = list_files(root, "", &l, msg, cap);
    for (size_t i = 0; i < l.n && !rc; i++) {
        if (!strcmp(l.v[i], "MANIFEST")) continue;
        mapped m;
        if ((rc = map_file(root, l.v[i], &m))) {
            failf(msg, cap, rc, "%s: %s", l.v[i], cc_strerror(rc));
            break;
        }
        uint8_t h[32];
        char hex[65], rows[32];
        crypto_hash_sha256(h, m.ptr ? m.ptr : (const uint8_t *)"", m.len);
        cc_hex(h, 32, hex);
        rc = count_rows(l.v[i], &m, rows, sizeof rows, msg, cap);
        unmap_file(&m);
        if (rc) break;
        sb_addf(out, "%s %s %s\n", hex, rows, l.v[i]);
        if (files) (*files)++;
    }
    paths_release(&l);
    if (!rc && out->oom) rc = CC_ENOMEM;
    return rc;
}

static int write_manifest(snap *s, uint64_t *files)
{
    sbuf b = {0};
    int rc = manifest_build(s->out, &b, files, s->msg, s->cap);
    if (!rc && (rc = write_file(s->out, "MANIFEST", b.p ? b.p : "", b.len)))
        failf(s->msg, s->cap, rc, "MANIFEST: %s", cc_strerror(rc));
    if (!rc && files) (*files)++;
    sb_release(&b);
    return rc;
}

/* ---- export ------------------------------------------------------------------ */

/* Everything but the checkpoint, the tiles, withheld.jsonl, the documents
 * and the MANIFEST: what verification recomputes from a replay. */
static int write_replayable(snap *s)
{
    int rc;
    if ((rc = write_tables(s)) || (rc = write_bodies(s))) return rc;
    pathlist docs = {0};
    rc = collect_documents(s, &docs); /* counts them for the README */
    paths_release(&docs);
    if (rc) return failf(s->msg, s->cap, rc, "documents: %s", cc_strerror(rc));
    if ((rc = write_datapackage(s)) || (rc = write_readme(s)) || (rc = write_licence(s))) return rc;
    return 0;
}

static int last_ts_at(cc_ledger *l, MDB_txn *txn, uint64_t size, uint64_t *ts)
{
    *ts = 0;
    if (size == 0) return 0;
    cc_slice entry;
    cc_event e;
    int rc = cc_log_get(txn, l->log, size - 1, &entry);
    if (!rc) rc = cc_event_decode(entry.ptr, entry.len, &e);
    if (!rc) *ts = e.ts;
    return rc;
}

/* Open the views of the projections at exactly `size` in work/views. */
static int views_at(cc_ledger *l, const char *work, uint64_t size, cc_views **out, char *msg,
                    size_t cap)
{
    char *dir = path_join(work, "views");
    if (!dir) return CC_ENOMEM;
    /* The snapshot reads the trash, stats and opendata views, never the
     * live one (a quarter of the replay's cost). */
    static const cc_projection *const needed[] = {&cc_projection_trash, &cc_projection_stats,
                                                  &cc_projection_opendata, NULL};
    cc_views_options opt = {.only = needed};
    int rc = cc_views_open(out, dir, l, &opt);
    free(dir);
    if (rc) return failf(msg, cap, rc, "views: %s", cc_strerror(rc));
    if ((rc = cc_views_catch_up(*out, size, NULL)))
        return failf(msg, cap, rc, "replay: %s", cc_strerror(rc));
    if (cc_views_position(*out) != size)
        return failf(msg, cap, CC_ECORRUPT, "replay: the views stopped at %llu of %llu entries",
                     (unsigned long long)cc_views_position(*out), (unsigned long long)size);
    return 0;
}

static int snap_begin(snap *s, cc_ledger *l, cc_views *v)
{
    int rc = cc_ledger_read_begin(l, &s->ltxn);
    if (rc) return rc;
    if ((rc = cc_views_read_begin(v, &s->vtxn))) {
        cc_ledger_read_end(l, s->ltxn);
        s->ltxn = NULL;
        return rc;
    }
    s->l = l;
    s->v = v;
    s->od = cc_views_state(v, &cc_projection_opendata);
    s->tv = cc_views_state(v, &cc_projection_trash);
    s->sv = cc_views_state(v, &cc_projection_stats);
    return last_ts_at(l, s->ltxn, s->size, &s->last_ts);
}

static void snap_end(snap *s)
{
    if (s->vtxn) cc_views_read_end(s->v, s->vtxn);
    if (s->ltxn) cc_ledger_read_end(s->l, s->ltxn);
    s->vtxn = s->ltxn = NULL;
    free(s->missing);
    s->missing = NULL;
    s->nmissing = s->capmissing = 0;
}

int cc_snapshot_export(const char *data_dir, const char *out_dir, uint64_t at,
                       cc_snapshot_info *info, char *msg, size_t cap)
{
    if (msg && cap) msg[0] = '\0';
    if (sodium_init() < 0) return failf(msg, cap, CC_ENOMEM, "libsodium failed to initialise");
    struct stat st;
    if (lstat(out_dir, &st) == 0) return failf(msg, cap, -EEXIST, "%s: already exists", out_dir);
    size_t plen = strlen(out_dir) + 32;
    char *partial = malloc(plen);
    char *work = make_workdir("export");
    if (!partial || !work) {
        free(partial);
        if (work) rm_tree(work);
        free(work);
        return failf(msg, cap, CC_ENOMEM, "out of memory or no temporary directory");
    }
    snprintf(partial, plen, "%s.partial-XXXXXX", out_dir);
    if (!mkdtemp(partial)) {
        int e = -errno;
        rm_tree(work);
        free(work);
        free(partial);
        return failf(msg, cap, e, "%s: %s", out_dir, strerror(-e));
    }
    chmod(partial, 0755);

    cc_ledger l;
    cc_views *v = NULL;
    snap s = {.out = partial, .msg = msg, .cap = cap};
    uint64_t files = 0, size = 0;
    int rc = cc_ledger_open(&l, data_dir, NULL);
    if (rc) {
        failf(msg, cap, rc, "%s: %s", data_dir, cc_strerror(rc));
        goto out;
    }
    MDB_txn *txn;
    if (!(rc = cc_ledger_read_begin(&l, &txn))) {
        rc = cc_log_size(txn, l.log, &size);
        cc_ledger_read_end(&l, txn);
    }
    if (rc) {
        failf(msg, cap, rc, "log: %s", cc_strerror(rc));
        goto out_ledger;
    }
    if (at != UINT64_MAX) {
        if (at > size) {
            rc = failf(msg, cap, CC_EINVAL, "--at %llu is beyond the end of the log (%llu entries)",
                       (unsigned long long)at, (unsigned long long)size);
            goto out_ledger;
        }
        size = at;
    }
    s.size = size;
    s.origin = l.origin;
    s.verifier = &l.verifier;
    if ((rc = views_at(&l, work, size, &v, msg, cap))) goto out_views;
    if ((rc = snap_begin(&s, &l, v))) {
        failf(msg, cap, rc, "read: %s", cc_strerror(rc));
        goto out_snap;
    }
    if ((rc = write_checkpoint(&s)) || (rc = write_tiles(&s)) || (rc = write_replayable(&s)) ||
        (rc = write_withheld(&s)) || (rc = write_documents(&s)) ||
        (rc = write_manifest(&s, &files)))
        goto out_snap;
    if (info) {
        size_t nt;
        cc_opendata_tables(&nt);
        memset(info, 0, sizeof *info);
        info->size = size;
        info->files = files;
        for (size_t i = 0; i < nt; i++)
            info->rows += s.rows[i];
        info->bodies = s.bodies;
        info->withheld = s.nmissing;
    }
out_snap:
    snap_end(&s);
out_views:
    cc_views_close(v);
out_ledger:
    cc_ledger_close(&l);
out:
    if (!rc && rename(partial, out_dir) != 0)
        rc = failf(msg, cap, -errno, "%s: %s", out_dir, strerror(errno));
    if (rc) rm_tree(partial);
    rm_tree(work);
    free(work);
    free(partial);
    return rc;
}

/* ---- verification ---------------------------------------------------------- */

typedef struct vrun {
    const char *dir;
    const cc_verifier *v;
    char origin[CC_NOTE_NAME_MAX + 1];
    uint64_t size;
    cc_hash root;
    cc_ledger tmp;
    char *msg;
    size_t cap;
} vrun;

static int check_checkpoint(vrun *r)
{
    mapped m;
    int rc = map_file(r->dir, "checkpoint", &m);
    if (rc == -ENOENT) return failf(r->msg, r->cap, CC_ECHECKPOINT, "checkpoint: missing");
    if (rc) return failf(r->msg, r->cap, rc, "checkpoint: %s", cc_strerror(rc));
    if (m.len > 4 * CC_CHECKPOINT_MAX)
        rc = CC_ECHECKPOINT;
    else
        rc = cc_checkpoint_open(r->v, m.ptr ? (const char *)m.ptr : "", m.len, r->origin, &r->size,
                                &r->root);
    unmap_file(&m);
    return rc ? failf(r->msg, r->cap, rc, "checkpoint: %s", cc_strerror(rc)) : 0;
}

static int map_required(vrun *r, const char *rel, mapped *m)
{
    int rc = map_file(r->dir, rel, m);
    if (rc == -ENOENT) return failf(r->msg, r->cap, CC_ENOTFOUND, "%s: missing", rel);
    if (rc) return failf(r->msg, r->cap, rc, "%s: %s", rel, cc_strerror(rc));
    return 0;
}

/* The snapshot must be of the format this code writes: its tables are
 * recomputed by this code's projections. */
static int check_format(vrun *r)
{
    mapped m;
    int rc = map_required(r, "datapackage.json", &m);
    if (rc) return rc;
    json_error_t err;
    json_t *root =
        json_loadb(m.ptr ? (const char *)m.ptr : "", m.len, JSON_REJECT_DUPLICATES, &err);
    unmap_file(&m);
    if (!root)
        return failf(r->msg, r->cap, CC_EMALFORMED, "datapackage.json: line %d: malformed JSON: %s",
                     err.line, err.text);
    json_t *f = json_object_get(json_object_get(root, "concerto"), "snapshot_format");
    json_int_t v = json_is_integer(f) ? json_integer_value(f) : -1;
    json_decref(root);
    if (v != CC_SNAPSHOT_FORMAT)
        return failf(r->msg, r->cap, CC_EFORMAT,
                     "datapackage.json: snapshot format %lld, this verifier reads format %d",
                     (long long)v, CC_SNAPSHOT_FORMAT);
    return 0;
}

static int tile_expected(uint64_t size, const cc_tile_ref *t)
{
    if (t->entries) return cc_tile_width(size, 0, t->index) == t->width;
    return t->level < STORED_TILE_LEVELS && cc_tile_width(size, t->level, t->index) == t->width;
}

/* Every file under tile/ must be a tile or bundle of the signed size. */
static int check_tile_paths(vrun *r)
{
    if (!file_exists(r->dir, "tile")) return 0;
    pathlist l = {0};
    int rc = list_files(r->dir, "tile", &l, r->msg, r->cap);
    for (size_t i = 0; i < l.n && !rc; i++) {
        cc_tile_ref t;
        if (cc_tile_path_parse(l.v[i], strlen(l.v[i]), &t))
            rc = failf(r->msg, r->cap, CC_EINVAL, "%s: not a tile path", l.v[i]);
        else if (!tile_expected(r->size, &t))
            rc = failf(r->msg, r->cap, CC_EINVAL, "%s: not a tile of a log of size %llu", l.v[i],
                       (unsigned long long)r->size);
    }
    paths_release(&l);
    return rc;
}

typedef struct bundle_walk {
    const uint8_t *ptr[CC_TILE_WIDTH];
    size_t len[CC_TILE_WIDTH];
    unsigned n;
} bundle_walk;

static int bundle_entry(const uint8_t *entry, size_t len, void *arg)
{
    bundle_walk *w = arg;
    if (w->n >= CC_TILE_WIDTH) return CC_EMALFORMED;
    w->ptr[w->n] = entry;
    w->len[w->n] = len;
    w->n++;
    return 0;
}

static void tile_path(int entries, unsigned level, uint64_t index, uint64_t size, char *buf,
                      size_t cap)
{
    cc_tile_ref t = {entries, level, index, cc_tile_width(size, level, index)};
    if (cc_tile_path_format(&t, buf, cap)) snprintf(buf, cap, "tile/?");
}

/* Append the entries of bundle n to the throwaway ledger in one
 * transaction. MDB_MAP_FULL is returned without a message (the caller grows
 * the map and tries again). */
static int replay_bundle(vrun *r, uint64_t n, const bundle_walk *w, const mapped *tm,
                         const char *bpath, cc_merkle_builder *b, uint64_t *bad_leaf,
                         uint64_t *last_ts)
{
    MDB_txn *txn;
    int rc = cc_from_mdb(mdb_txn_begin(r->tmp.env, NULL, 0, &txn));
    if (rc) return failf(r->msg, r->cap, rc, "replay: %s", cc_strerror(rc));
    for (unsigned i = 0; i < w->n && !rc; i++) {
        uint64_t seq = n * CC_TILE_WIDTH + i;
        cc_event e;
        if ((rc = cc_event_decode(w->ptr[i], w->len[i], &e))) {
            cc_field f = cc_event_decode_error_field();
            failf(r->msg, r->cap, rc, "%s: entry %llu: %s%s%s%s", bpath, (unsigned long long)seq,
                  cc_strerror(rc), f < CC_F_COUNT_ ? " (field " : "",
                  f < CC_F_COUNT_ ? cc_field_key(f) : "", f < CC_F_COUNT_ ? ")" : "");
            break;
        }
        if (e.ts < *last_ts) {
            rc = failf(r->msg, r->cap, CC_ECORRUPT, "%s: entry %llu: timestamp goes backwards",
                       bpath, (unsigned long long)seq);
            break;
        }
        *last_ts = e.ts;
        cc_hash leaf;
        cc_merkle_leaf_hash(w->ptr[i], w->len[i], &leaf);
        cc_merkle_builder_push(b, &leaf);
        if (*bad_leaf == UINT64_MAX &&
            memcmp(leaf.b, tm->ptr + (size_t)i * CC_HASH_SIZE, CC_HASH_SIZE) != 0)
            *bad_leaf = seq;
        if ((rc = cc_log_append(txn, r->tmp.log, seq, w->ptr[i], w->len[i])) ||
            (rc = cc_merkle_append(txn, r->tmp.tree, seq, &leaf))) {
            if (rc != MDB_MAP_FULL)
                failf(r->msg, r->cap, rc, "replay: entry %llu: %s", (unsigned long long)seq,
                      cc_strerror(rc));
            break;
        }
        if ((rc = cc_state_apply(txn, &r->tmp.state, seq, &e))) {
            if (rc != MDB_MAP_FULL)
                failf(r->msg, r->cap, rc, "%s: entry %llu: does not apply to the log before it: %s",
                      bpath, (unsigned long long)seq, cc_strerror(rc));
            break;
        }
    }
    if (rc) {
        mdb_txn_abort(txn);
        return rc;
    }
    rc = cc_from_mdb(mdb_txn_commit(txn));
    if (rc && rc != MDB_MAP_FULL) failf(r->msg, r->cap, rc, "replay: %s", cc_strerror(rc));
    return rc;
}

/* Replay the entry bundles into the throwaway ledger: strict decoding,
 * timestamps, the Merkle tree rebuilt from the entries alone, the level-0
 * tiles, the write-side state. */
static int import_entries(vrun *r)
{
    cc_merkle_builder b;
    cc_merkle_builder_init(&b);
    uint64_t bad_leaf = UINT64_MAX, last_ts = 0;
    uint64_t nb = cc_tile_count(r->size, 0);
    int rc = 0;
    bundle_walk *w = malloc(sizeof *w);
    if (!w) return CC_ENOMEM;
    for (uint64_t n = 0; n < nb && !rc; n++) {
        unsigned width = cc_tile_width(r->size, 0, n);
        char bpath[CC_TILE_PATH_MAX], tpath[CC_TILE_PATH_MAX];
        tile_path(1, 0, n, r->size, bpath, sizeof bpath);
        tile_path(0, 0, n, r->size, tpath, sizeof tpath);
        mapped bm, tm = {0};
        if ((rc = map_required(r, bpath, &bm))) break;
        w->n = 0;
        if ((rc = cc_bundle_parse(bm.ptr, bm.len, bundle_entry, w)))
            failf(r->msg, r->cap, rc, "%s: malformed entry bundle", bpath);
        else if (w->n != width)
            rc = failf(r->msg, r->cap, CC_EMALFORMED, "%s: holds %u entries, expected %u", bpath,
                       w->n, width);
        else if (!(rc = map_required(r, tpath, &tm)) && tm.len != (size_t)width * CC_HASH_SIZE)
            rc = failf(r->msg, r->cap, CC_EMALFORMED, "%s: %zu bytes, expected %u", tpath, tm.len,
                       width * CC_HASH_SIZE);
        /* One transaction per bundle. If the map fills up, grow it and
         * replay the bundle again from the state before it. */
        cc_merkle_builder b0 = b;
        uint64_t bad0 = bad_leaf, ts0 = last_ts;
        while (!rc) {
            rc = replay_bundle(r, n, w, &tm, bpath, &b, &bad_leaf, &last_ts);
            if (rc != MDB_MAP_FULL) break;
            b = b0;
            bad_leaf = bad0;
            last_ts = ts0;
            if ((rc = cc_ledger__grow(&r->tmp)))
                failf(r->msg, r->cap, rc, "replay: %s", cc_strerror(rc));
        }
        unmap_file(&bm);
        unmap_file(&tm);
    }
    free(w);
    if (rc) return rc;
    cc_hash root;
    cc_merkle_builder_root(&b, &root);
    char tpath[CC_TILE_PATH_MAX];
    if (bad_leaf != UINT64_MAX)
        tile_path(0, 0, bad_leaf / CC_TILE_WIDTH, r->size, tpath, sizeof tpath);
    if (memcmp(root.b, r->root.b, CC_HASH_SIZE) != 0) {
        if (bad_leaf != UINT64_MAX)
            return failf(r->msg, r->cap, CC_EROOT,
                         "tile/entries: the Merkle root of the entries differs from the signed "
                         "checkpoint's (entry %llu does not match its hash in %s)",
                         (unsigned long long)bad_leaf, tpath);
        return failf(r->msg, r->cap, CC_EROOT,
                     "tile/entries: the Merkle root of the entries differs from the signed "
                     "checkpoint's");
    }
    if (bad_leaf != UINT64_MAX)
        return failf(r->msg, r->cap, CC_EROOT,
                     "%s: hash %llu differs from the leaf hash of entry %llu", tpath,
                     (unsigned long long)(bad_leaf % CC_TILE_WIDTH), (unsigned long long)bad_leaf);
    return 0;
}

/* Every hash tile against the tree the replay built from the entries. */
static int check_hash_tiles(vrun *r)
{
    MDB_txn *txn;
    int rc = cc_ledger_read_begin(&r->tmp, &txn);
    if (rc) return failf(r->msg, r->cap, rc, "replay: %s", cc_strerror(rc));
    for (unsigned level = 0; level < STORED_TILE_LEVELS && !rc; level++) {
        uint64_t count = cc_tile_count(r->size, level);
        for (uint64_t n = 0; n < count && !rc; n++) {
            cc_tile_ref t = {0, level, n, cc_tile_width(r->size, level, n)};
            char path[CC_TILE_PATH_MAX];
            cc_tile_path_format(&t, path, sizeof path);
            uint8_t *buf;
            size_t len;
            mapped m;
            if ((rc = cc_tile_read(&r->tmp, txn, r->size, &t, &buf, &len))) {
                failf(r->msg, r->cap, rc, "%s: %s", path, cc_strerror(rc));
                break;
            }
            if (!(rc = map_required(r, path, &m))) {
                if (m.len != len) {
                    rc = failf(r->msg, r->cap, CC_EMALFORMED, "%s: %zu bytes, expected %zu", path,
                               m.len, len);
                } else if (memcmp(m.ptr, buf, len) != 0) {
                    size_t k = 0;
                    while (!memcmp(m.ptr + k * CC_HASH_SIZE, buf + k * CC_HASH_SIZE, CC_HASH_SIZE))
                        k++;
                    rc =
                        failf(r->msg, r->cap, CC_EROOT,
                              "%s: hash %zu differs from the tree built from the entries", path, k);
                }
                unmap_file(&m);
            }
            free(buf);
        }
    }
    cc_ledger_read_end(&r->tmp, txn);
    return rc;
}

static int body_field_of(const char *key)
{
    for (int f = 0; f < CC_B_COUNT_; f++)
        if (!strcmp(cc_body_field_key((cc_body_field)f), key)) return f;
    return -1;
}

static int hex_field(json_t *o, const char *key, uint8_t *out, size_t n)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v)) return CC_EMISSING;
    return hex_decode(json_string_value(v), json_string_length(v), out, n);
}

static int u64_field(json_t *o, const char *key, uint64_t *out)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0) return CC_EMISSING;
    *out = (uint64_t)json_integer_value(v);
    return 0;
}

/* Check one line of bodies.jsonl against the entry it names and store the
 * body in the throwaway ledger. */
static int import_body(vrun *r, MDB_txn *txn, json_t *o, uint64_t line, uint64_t *prev)
{
    uint64_t seq;
    uint8_t c[32], nonce[CC_NONCE_SIZE];
    if (!json_is_object(o))
        return failf(r->msg, r->cap, CC_EMALFORMED, BODIES_FILE ": line %llu: not a JSON object",
                     (unsigned long long)line);
    if (u64_field(o, "seq", &seq))
        return failf(r->msg, r->cap, CC_EMALFORMED, BODIES_FILE ": line %llu: bad or missing seq",
                     (unsigned long long)line);
    if (hex_field(o, "commitment", c, 32) || hex_field(o, "nonce", nonce, CC_NONCE_SIZE))
        return failf(r->msg, r->cap, CC_EMALFORMED,
                     BODIES_FILE ": line %llu: commitment and nonce must be lowercase hex of 32 "
                                 "and 16 bytes",
                     (unsigned long long)line);
    if (seq >= r->size || (*prev != UINT64_MAX && seq <= *prev))
        return failf(r->msg, r->cap, CC_EMALFORMED,
                     BODIES_FILE ": line %llu: seq %llu out of order or beyond the log",
                     (unsigned long long)line, (unsigned long long)seq);
    *prev = seq;
    cc_slice entry;
    cc_event e;
    int rc = cc_log_get(txn, r->tmp.log, seq, &entry);
    if (!rc) rc = cc_event_decode(entry.ptr, entry.len, &e);
    if (rc)
        return failf(r->msg, r->cap, rc, "replay: entry %llu: %s", (unsigned long long)seq,
                     cc_strerror(rc));
    if (!cc_event_is_set(&e, CC_F_COMMITMENT) || memcmp(e.commitment, c, 32) != 0)
        return failf(r->msg, r->cap, CC_EBODY,
                     BODIES_FILE ": line %llu: commitment differs from the one entry %llu carries",
                     (unsigned long long)line, (unsigned long long)seq);
    uint64_t owner = cc_state_body_owner(seq, &e);
    cc_item it;
    if (owner && cc_state_item(txn, &r->tmp.state, owner, &it) == 0 && it.state == CC_REMOVED)
        return failf(r->msg, r->cap, CC_EBODY,
                     BODIES_FILE ": line %llu: entry %llu belongs to item %llu, which was removed: "
                                 "its text must not be published",
                     (unsigned long long)line, (unsigned long long)seq, (unsigned long long)owner);
    cc_body body;
    memset(&body, 0, sizeof body);
    const char *key;
    json_t *val;
    json_object_foreach(o, key, val)
    {
        if (!strcmp(key, "seq") || !strcmp(key, "commitment") || !strcmp(key, "nonce")) continue;
        int f = body_field_of(key);
        if (f < 0 || !json_is_string(val))
            return failf(r->msg, r->cap, CC_EMALFORMED,
                         BODIES_FILE ": line %llu: unexpected key \"%.40s\"",
                         (unsigned long long)line, key);
        body.f[f].ptr = (const uint8_t *)json_string_value(val);
        body.f[f].len = json_string_length(val);
    }
    uint8_t *enc;
    size_t len;
    cc_body_field bad = CC_B_COUNT_;
    if ((rc = cc_body_validate(e.type, &body, &bad)) ||
        (rc = cc_body_encode(e.type, &body, &enc, &len)))
        return failf(r->msg, r->cap, rc, BODIES_FILE ": line %llu: field %s: %s",
                     (unsigned long long)line, bad < CC_B_COUNT_ ? cc_body_field_key(bad) : "?",
                     cc_strerror(rc));
    uint8_t check[32];
    cc_body_commit(nonce, enc, len, check);
    if (sodium_memcmp(check, c, 32) != 0) {
        free(enc);
        return failf(r->msg, r->cap, CC_EBODY,
                     BODIES_FILE ": line %llu: body does not match its commitment (entry %llu)",
                     (unsigned long long)line, (unsigned long long)seq);
    }
    rc = cc_bodies_put(txn, r->tmp.bodies, c, nonce, enc, len);
    free(enc);
    if (rc == CC_EALREADY)
        return failf(r->msg, r->cap, rc, BODIES_FILE ": line %llu: duplicate body",
                     (unsigned long long)line);
    if (rc == MDB_MAP_FULL) return rc;
    return rc ? failf(r->msg, r->cap, rc, "replay: %s", cc_strerror(rc)) : 0;
}

/* Where the import of bodies.jsonl stands. */
typedef struct body_cursor {
    size_t pos;
    uint64_t line, prev;
} body_cursor;

#define BODIES_PER_TXN 4096

/* Import up to BODIES_PER_TXN lines from c in one transaction (so that
 * memory stays bounded whatever the size of the file). 1 when the file is
 * done, 0 when lines remain, MDB_MAP_FULL (c untouched) when the map must
 * grow, another error with a message. */
static int import_bodies_chunk(vrun *r, const mapped *m, body_cursor *c)
{
    body_cursor at = *c;
    MDB_txn *txn;
    int rc = cc_from_mdb(mdb_txn_begin(r->tmp.env, NULL, 0, &txn));
    if (rc) return failf(r->msg, r->cap, rc, "replay: %s", cc_strerror(rc));
    int done = 0;
    for (unsigned n = 0; n < BODIES_PER_TXN && !rc; n++, at.line++) {
        const char *l;
        size_t len;
        int got = next_line(m, &at.pos, &l, &len);
        if (got == 0) {
            done = 1;
            break;
        }
        if (got < 0) {
            rc = failf(r->msg, r->cap, CC_EMALFORMED,
                       BODIES_FILE ": line %llu: missing newline at the end of the file",
                       (unsigned long long)at.line);
            break;
        }
        json_error_t err;
        json_t *o = json_loadb(l, len, JSON_REJECT_DUPLICATES, &err);
        if (!o) {
            rc = failf(r->msg, r->cap, CC_EMALFORMED, BODIES_FILE ": line %llu: malformed JSON: %s",
                       (unsigned long long)at.line, err.text);
            break;
        }
        rc = import_body(r, txn, o, at.line, &at.prev);
        json_decref(o);
    }
    if (rc) {
        mdb_txn_abort(txn);
        return rc;
    }
    if ((rc = cc_from_mdb(mdb_txn_commit(txn)))) {
        if (rc == MDB_MAP_FULL) return rc;
        return failf(r->msg, r->cap, rc, "replay: %s", cc_strerror(rc));
    }
    *c = at;
    return done;
}

/* Import every body, a chunk per transaction, growing the map if needed. */
static int import_bodies(vrun *r)
{
    mapped m;
    int rc = map_required(r, BODIES_FILE, &m);
    if (rc) return rc;
    body_cursor c = {0, 1, UINT64_MAX};
    while (rc == 0 || rc == MDB_MAP_FULL) {
        rc = import_bodies_chunk(r, &m, &c);
        if (rc == MDB_MAP_FULL && (rc = cc_ledger__grow(&r->tmp)) == 0) rc = MDB_MAP_FULL;
        if (rc == MDB_MAP_FULL) continue;
        if (rc < 0 && r->msg && !r->msg[0])
            failf(r->msg, r->cap, rc, "replay: %s", cc_strerror(rc));
    }
    unmap_file(&m);
    return rc == 1 ? 0 : rc;
}

static int hash_array(json_t *a, cc_hash *out, size_t *n)
{
    if (!json_is_array(a) || json_array_size(a) > CC_MERKLE_MAX_PROOF) return CC_EMALFORMED;
    *n = json_array_size(a);
    for (size_t i = 0; i < *n; i++) {
        json_t *h = json_array_get(a, i);
        if (!json_is_string(h) ||
            hex_decode(json_string_value(h), json_string_length(h), out[i].b, CC_HASH_SIZE))
            return CC_EMALFORMED;
    }
    return 0;
}

/* One line of withheld.jsonl: the later removal of the item whose body is
 * missing, proven to be in the log that extends this snapshot. */
static int check_withheld_line(vrun *r, json_t *o, uint64_t line, const missing_body *m)
{
    const char *f = WITHHELD_FILE;
    unsigned long long ln = (unsigned long long)line;
    static const char *const keys[] = {"seq",   "commitment", "item",      "removal",
                                       "entry", "checkpoint", "inclusion", "consistency"};
    if (!json_is_object(o) || json_object_size(o) != sizeof keys / sizeof keys[0])
        return failf(r->msg, r->cap, CC_EMALFORMED, "%s: line %llu: not a withheld-body record", f,
                     ln);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!json_object_get(o, keys[i]))
            return failf(r->msg, r->cap, CC_EMALFORMED, "%s: line %llu: missing key %s", f, ln,
                         keys[i]);
    uint64_t seq, item, removal;
    uint8_t c[32];
    if (u64_field(o, "seq", &seq) || u64_field(o, "item", &item) ||
        u64_field(o, "removal", &removal) || hex_field(o, "commitment", c, 32))
        return failf(r->msg, r->cap, CC_EMALFORMED,
                     "%s: line %llu: bad seq, item, removal or "
                     "commitment",
                     f, ln);
    if (!m || seq != m->seq)
        return failf(r->msg, r->cap, CC_EBODY,
                     "%s: line %llu: entry %llu is not an entry whose body is missing", f, ln,
                     (unsigned long long)seq);
    if (item != m->owner || memcmp(c, m->commitment, 32) != 0)
        return failf(r->msg, r->cap, CC_EBODY,
                     "%s: line %llu: item or commitment differs from entry %llu's", f, ln,
                     (unsigned long long)seq);
    if (removal < r->size)
        return failf(r->msg, r->cap, CC_EBODY,
                     "%s: line %llu: removal %llu is not after the "
                     "snapshot",
                     f, ln, (unsigned long long)removal);
    json_t *ev = json_object_get(o, "entry"), *cv = json_object_get(o, "checkpoint");
    uint8_t entry[CC_EVENT_MAX];
    size_t elen = 0;
    const char *end = NULL;
    if (!json_is_string(ev) || !json_is_string(cv) ||
        sodium_base642bin(entry, sizeof entry, json_string_value(ev), json_string_length(ev), NULL,
                          &elen, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != json_string_value(ev) + json_string_length(ev))
        return failf(r->msg, r->cap, CC_EMALFORMED, "%s: line %llu: bad entry or checkpoint", f,
                     ln);
    cc_event e;
    if (cc_event_decode(entry, elen, &e) || e.type != CC_EV_ITEM_REMOVED || e.item != item)
        return failf(r->msg, r->cap, CC_EBODY,
                     "%s: line %llu: entry is not the removal of item "
                     "%llu",
                     f, ln, (unsigned long long)item);
    char origin[CC_NOTE_NAME_MAX + 1];
    uint64_t cp_size;
    cc_hash cp_root, incl[CC_MERKLE_MAX_PROOF], cons[CC_MERKLE_MAX_PROOF], leaf;
    size_t nincl, ncons;
    int rc = cc_checkpoint_open(r->v, json_string_value(cv), json_string_length(cv), origin,
                                &cp_size, &cp_root);
    if (rc)
        return failf(r->msg, r->cap, rc, "%s: line %llu: checkpoint: %s", f, ln, cc_strerror(rc));
    if (strcmp(origin, r->origin) != 0 || cp_size != removal + 1)
        return failf(r->msg, r->cap, CC_ECHECKPOINT,
                     "%s: line %llu: checkpoint is not of this log at size %llu", f, ln,
                     (unsigned long long)(removal + 1));
    if (hash_array(json_object_get(o, "inclusion"), incl, &nincl) ||
        hash_array(json_object_get(o, "consistency"), cons, &ncons))
        return failf(r->msg, r->cap, CC_EMALFORMED, "%s: line %llu: bad proof", f, ln);
    cc_merkle_leaf_hash(entry, elen, &leaf);
    if (cc_merkle_verify_inclusion(&leaf, removal, removal + 1, incl, nincl, &cp_root))
        return failf(r->msg, r->cap, CC_EPROOF, "%s: line %llu: inclusion proof: %s", f, ln,
                     cc_strerror(CC_EPROOF));
    if (cc_merkle_verify_consistency(r->size, removal + 1, &r->root, &cp_root, cons, ncons))
        return failf(r->msg, r->cap, CC_EPROOF, "%s: line %llu: consistency proof: %s", f, ln,
                     cc_strerror(CC_EPROOF));
    return 0;
}

static int check_withheld(vrun *r, const snap *re)
{
    mapped m;
    int rc = map_required(r, WITHHELD_FILE, &m);
    if (rc) return rc;
    size_t pos = 0, k = 0;
    for (uint64_t line = 1; !rc; line++) {
        const char *l;
        size_t len;
        int got = next_line(&m, &pos, &l, &len);
        if (got == 0) break;
        if (got < 0) {
            rc = failf(r->msg, r->cap, CC_EMALFORMED,
                       WITHHELD_FILE ": line %llu: missing newline at the end of the file",
                       (unsigned long long)line);
            break;
        }
        json_error_t err;
        json_t *o = json_loadb(l, len, JSON_REJECT_DUPLICATES, &err);
        if (!o) {
            rc = failf(r->msg, r->cap, CC_EMALFORMED,
                       WITHHELD_FILE ": line %llu: malformed JSON: %s", (unsigned long long)line,
                       err.text);
            break;
        }
        rc = check_withheld_line(r, o, line, k < re->nmissing ? &re->missing[k] : NULL);
        json_decref(o);
        k++;
    }
    unmap_file(&m);
    if (!rc && k < re->nmissing)
        rc = failf(r->msg, r->cap, CC_ENOBODY,
                   BODIES_FILE ": no body for entry %llu, whose item was not removed at size %llu",
                   (unsigned long long)re->missing[k].seq, (unsigned long long)r->size);
    return rc;
}

typedef struct doc_check {
    vrun *r;
} doc_check;

static int check_document(const cc_od_row *row, void *arg)
{
    vrun *r = ((doc_check *)arg)->r;
    const char *path = row->cell[6], *sha = row->cell[3];
    uint64_t size = strtoull(row->cell[4], NULL, 10);
    mapped m;
    int rc = map_required(r, path, &m);
    if (rc) return rc;
    uint8_t h[32];
    char hex[65];
    crypto_hash_sha256(h, m.ptr ? m.ptr : (const uint8_t *)"", m.len);
    cc_hex(h, 32, hex);
    size_t len = m.len;
    unmap_file(&m);
    if (strcmp(hex, sha) != 0)
        return failf(r->msg, r->cap, CC_ECORRUPT,
                     "%s: SHA-256 differs from the one document %s carries", path, row->cell[0]);
    if (len != size)
        return failf(r->msg, r->cap, CC_ECORRUPT, "%s: %zu bytes, document %s says %llu", path, len,
                     row->cell[0], (unsigned long long)size);
    return 0;
}

static int compare_file(vrun *r, const char *work_out, const char *rel, const cc_od_table *t,
                        int jsonl)
{
    mapped exp, got;
    int rc = map_file(work_out, rel, &exp);
    if (rc) return failf(r->msg, r->cap, rc, "replay: %s: %s", rel, cc_strerror(rc));
    if ((rc = map_required(r, rel, &got))) {
        unmap_file(&exp);
        return rc;
    }
    if (!t)
        rc = compare_lines(rel, &exp, &got, r->msg, r->cap);
    else if (jsonl)
        rc = compare_jsonl(rel, t, &exp, &got, r->msg, r->cap);
    else
        rc = compare_csv(rel, t, &exp, &got, r->msg, r->cap);
    unmap_file(&exp);
    unmap_file(&got);
    return rc;
}

/* Every file must be one the snapshot format names. */
static int check_file_set(vrun *r, const pathlist *docs)
{
    static const char *const fixed[] = {"checkpoint",       "MANIFEST",  "README.md",  "LICENSE",
                                        "datapackage.json", BODIES_FILE, WITHHELD_FILE};
    pathlist l = {0};
    int rc = list_files(r->dir, "", &l, r->msg, r->cap);
    for (size_t i = 0; i < l.n && !rc; i++) {
        const char *p = l.v[i];
        int ok = 0;
        for (size_t k = 0; k < sizeof fixed / sizeof fixed[0] && !ok; k++)
            ok = !strcmp(p, fixed[k]);
        cc_tile_ref t;
        if (!ok && !cc_tile_path_parse(p, strlen(p), &t)) ok = tile_expected(r->size, &t);
        if (!ok && !strncmp(p, "data/", 5)) {
            char name[128];
            const char *dot = strrchr(p, '.');
            size_t n = dot ? (size_t)(dot - p - 5) : 0;
            if (dot && n < sizeof name && (!strcmp(dot, ".csv") || !strcmp(dot, ".jsonl"))) {
                memcpy(name, p + 5, n);
                name[n] = '\0';
                ok = cc_opendata_table(name) != NULL;
            }
        }
        if (!ok && docs && bsearch(&p, docs->v, docs->n, sizeof *docs->v, cmp_str)) ok = 1;
        if (!ok) rc = failf(r->msg, r->cap, CC_EINVAL, "%s: unexpected file", p);
    }
    paths_release(&l);
    return rc;
}

int cc_snapshot_verify(const char *dir, const cc_verifier *v, cc_snapshot_info *info, char *msg,
                       size_t cap)
{
    if (msg && cap) msg[0] = '\0';
    if (sodium_init() < 0) return failf(msg, cap, CC_ENOMEM, "libsodium failed to initialise");
    vrun r = {.dir = dir, .v = v, .msg = msg, .cap = cap};
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return failf(msg, cap, -ENOENT, "%s: not a directory", dir);
    int rc;
    if ((rc = check_checkpoint(&r)) || (rc = check_format(&r)) || (rc = check_tile_paths(&r)))
        return rc;

    char *work = make_workdir("verify");
    char *ldir = work ? path_join(work, "ledger") : NULL;
    char *out = work ? path_join(work, "out") : NULL;
    if (!work || !ldir || !out) {
        rc = failf(msg, cap, CC_ENOMEM, "out of memory or no temporary directory");
        goto out;
    }
    /* The throwaway ledger: its own key, the snapshot's origin. Its map
     * starts small and doubles whenever a bundle or the bodies do not fit
     * (the tests' large snapshot goes through both paths). */
    uint64_t guess = r.size < ((uint64_t)1 << 24) ? r.size : ((uint64_t)1 << 24);
    cc_ledger_options opt = {.map_size = ((size_t)1 << 18) + (size_t)guess * 64};
    if ((rc = cc_ledger_create(ldir, r.origin, NULL, 0)) ||
        (rc = cc_ledger_open(&r.tmp, ldir, &opt))) {
        failf(msg, cap, rc, "replay: %s", cc_strerror(rc));
        goto out;
    }
    mdb_env_set_flags(r.tmp.env, MDB_NOSYNC, 1); /* nothing here needs to survive a crash */
    cc_views *views = NULL;
    snap re = {
        .out = out, .size = r.size, .origin = r.origin, .verifier = v, .msg = msg, .cap = cap};
    pathlist docs = {0};
    if ((rc = import_entries(&r)) || (rc = check_hash_tiles(&r)) || (rc = import_bodies(&r)))
        goto out_ledger;
    if ((rc = views_at(&r.tmp, work, r.size, &views, msg, cap))) goto out_views;
    if (mkdir(out, 0700) != 0) {
        rc = failf(msg, cap, -errno, "replay: %s", strerror(errno));
        goto out_views;
    }
    if ((rc = snap_begin(&re, &r.tmp, views))) {
        failf(msg, cap, rc, "replay: %s", cc_strerror(rc));
        goto out_snap;
    }
    if ((rc = write_tables(&re)) || (rc = write_bodies(&re)) || (rc = check_withheld(&r, &re)))
        goto out_snap;
    size_t nt;
    const cc_od_table *t = cc_opendata_tables(&nt);
    for (size_t i = 0; i < nt && !rc; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, "data/%s.csv", t[i].name);
        if ((rc = compare_file(&r, out, rel, &t[i], 0))) break;
        snprintf(rel, sizeof rel, "data/%s.jsonl", t[i].name);
        rc = compare_file(&r, out, rel, &t[i], 1);
    }
    if (rc || (rc = compare_file(&r, out, BODIES_FILE, NULL, 0))) goto out_snap;
    doc_check dc = {&r};
    if ((rc = cc_opendata_rows(re.vtxn, re.od, cc_opendata_table("documents"), check_document,
                               &dc)) ||
        (rc = collect_documents(&re, &docs)))
        goto out_snap;
    if ((rc = write_datapackage(&re)) || (rc = write_readme(&re)) || (rc = write_licence(&re)) ||
        (rc = compare_file(&r, out, "datapackage.json", NULL, 0)) ||
        (rc = compare_file(&r, out, "README.md", NULL, 0)) ||
        (rc = compare_file(&r, out, "LICENSE", NULL, 0)) || (rc = check_file_set(&r, &docs)))
        goto out_snap;
    {
        sbuf b = {0};
        uint64_t files = 0;
        mapped got;
        if (!(rc = manifest_build(dir, &b, &files, msg, cap)) &&
            !(rc = map_required(&r, "MANIFEST", &got))) {
            mapped exp = {(uint8_t *)b.p, b.len};
            rc = compare_lines("MANIFEST", &exp, &got, msg, cap);
            unmap_file(&got);
        }
        sb_release(&b);
        if (!rc && info) {
            memset(info, 0, sizeof *info);
            info->size = r.size;
            info->files = files + 1;
            for (size_t i = 0; i < nt; i++)
                info->rows += re.rows[i];
            info->bodies = re.bodies;
            info->withheld = re.nmissing;
        }
    }
out_snap:
    snap_end(&re);
out_views:
    cc_views_close(views);
out_ledger:
    paths_release(&docs);
    cc_ledger_close(&r.tmp);
out:
    if (work) rm_tree(work);
    free(work);
    free(ldir);
    free(out);
    return rc;
}
