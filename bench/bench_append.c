/* bench_append.c - durable append throughput of the ledger, against raw LMDB
 * and SQLite measured in the same run.
 *
 * What it measures. For each producer count (1, 8 and 64 by default), a
 * fresh ledger is created in a temporary directory and populated, untimed,
 * with an administrator, an open theme, a section that accepts
 * contributions, a few thousand registered participants (fake password
 * hash, as the tests do: argon2id is the site's cost, not the ledger's) and
 * enough contributions for every vote of the run to be legal. Then the
 * producers start together and each submits its share of the commands
 * through cc_writer_submit(), keeping at most --window commands in flight.
 * The mix is what a consultation's write path sees: mostly vote.cast (on
 * distinct (participant, contribution) pairs, so none is refused or turned
 * into vote.changed), some contribution.posted with a ~300-byte text and some
 * argument.posted. A command's latency runs from just before submit to its
 * completion callback, which the writer calls only after the batch holding
 * it is durable: it is the acknowledgement latency a site would see.
 *
 * Why the two baselines. The ledger does more than append a record: it
 * checks the domain rules, stores the body, extends the Merkle tree, folds
 * the event into the write-side state, signs a checkpoint per batch, and runs
 * each command in a nested transaction. The raw LMDB baseline appends records
 * of the same average size (MDB_APPEND, MDB_INTEGERKEY, durable commits) in
 * batches of the size the writer actually achieved with the same producer
 * count, from one thread: the floor the ledger is built on, at equal fsync
 * count. SQLite (WAL, synchronous=FULL, one prepared INSERT, same records and
 * batches) is what one would otherwise reach for. Both run right after the
 * concerto run they are compared with, on the same disk.
 *
 * Output: one JSON object per measurement on stdout, a human table and the
 * targets on stderr. Nothing here fails on a missed target: benchmarks are
 * not tests. */
#include "error.h"
#include "ledger.h"
#include "writer.h"

#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <lmdb.h>
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 16
#define N_TEXTS 16

/* The mix, in percent of commands; the rest are votes. */
#define MIX_CONTRIBUTIONS 10
#define MIX_ARGUMENTS 5

/* Targets (printed, never enforced). */
#define TARGET_EVENTS_PER_S 200000.0
#define TARGET_PRODUCERS 8
#define TARGET_RATIO 0.5

typedef struct options {
    uint64_t events;       /* commands per concerto run (one event each) */
    unsigned window;       /* commands in flight per producer */
    unsigned participants; /* registered before the run */
    unsigned producers[MAX_RUNS];
    unsigned nproducers;
    int keep; /* leave the concerto ledgers behind for inspection */
} options;

/* ---- small utilities ---------------------------------------------------- */

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bench_append: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

static void must(int rc, const char *what)
{
    if (rc) die("%s: %s", what, cc_strerror(rc));
}

static void must_mdb(int rc, const char *what)
{
    if (rc) die("%s: %s", what, mdb_strerror(rc));
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static char *make_tempdir(const char *tag)
{
    const char *base = getenv("TMPDIR");
    if (!base || !*base) base = "/tmp";
    size_t n = strlen(base) + strlen(tag) + 40;
    char *path = malloc(n);
    if (!path) die("out of memory");
    snprintf(path, n, "%s/concerto-bench-%s-XXXXXX", base, tag);
    if (!mkdtemp(path)) die("mkdtemp %s: %s", path, strerror(errno));
    return path;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void remove_tree(char *path)
{
    nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(path);
}

/* ---- texts -------------------------------------------------------------- */

static char titles[N_TEXTS][96];
static char texts[N_TEXTS][400];     /* contributions: ~300 bytes */
static char arguments[N_TEXTS][200]; /* arguments: ~150 bytes */

static void make_texts(void)
{
    static const char *const subjects[] = {"le numérique à l'école", "la formation continue",
                                           "les tiers-lieux",        "l'inclusion numérique",
                                           "les données publiques",  "l'apprentissage",
                                           "les compétences vertes", "la médiation"};
    for (int i = 0; i < N_TEXTS; i++) {
        const char *s = subjects[i % 8];
        snprintf(titles[i], sizeof titles[i], "Proposition %d sur %s", i + 1, s);
        snprintf(texts[i], sizeof texts[i],
                 "Nous proposons que %s fasse l'objet d'un plan pluriannuel, construit avec les "
                 "collectivités et les associations du territoire. Chaque bassin d'emploi "
                 "désignerait un référent, et un bilan public serait présenté chaque année "
                 "devant le conseil (variante %d).",
                 s, i + 1);
        snprintf(arguments[i], sizeof arguments[i],
                 "Sur %s, l'expérience de notre commune montre que cela fonctionne quand les "
                 "moyens suivent (retour %d).",
                 s, i + 1);
    }
}

/* ---- a populated ledger ------------------------------------------------- */

typedef struct world {
    char *dir;
    cc_ledger l;
    cc_writer *w;
    cc_pseudonym admin;
    uint64_t theme, section;
    cc_pseudonym *people;
    unsigned npeople;
    uint64_t *contributions;
    unsigned ncontributions;
} world;

typedef struct pending {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    size_t left;
} pending;

static void pending_done(cc_command *cmd, void *arg)
{
    (void)cmd;
    pending *p = arg;
    pthread_mutex_lock(&p->lock);
    if (--p->left == 0) pthread_cond_signal(&p->cond);
    pthread_mutex_unlock(&p->lock);
}

/* Submit n commands at once (the writer batches them) and wait for all. */
static void exec_all(world *wd, cc_command *cmds, size_t n, const char *what)
{
    pending p = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, n};
    for (size_t i = 0; i < n; i++)
        must(cc_writer_submit(wd->w, &cmds[i], pending_done, &p), what);
    pthread_mutex_lock(&p.lock);
    while (p.left)
        pthread_cond_wait(&p.cond, &p.lock);
    pthread_mutex_unlock(&p.lock);
    for (size_t i = 0; i < n; i++)
        must(cmds[i].result.rc, what);
}

static void exec_one(world *wd, cc_command *cmd, const char *what)
{
    exec_all(wd, cmd, 1, what);
}

static void account_create(cc_command *cmd, const char *name)
{
    cc_command_init(cmd, CC_CMD_ACCOUNT_CREATE);
    snprintf(cmd->account.username, sizeof cmd->account.username, "%s", name);
    snprintf(cmd->account.email, sizeof cmd->account.email, "%s@bench.example.org", name);
    snprintf(cmd->account.pwhash, sizeof cmd->account.pwhash, "$argon2id$fake-hash-for-bench");
    cmd->account.status = CC_STATUS_CITIZEN;
}

/* Create then confirm n accounts, two batched rounds. */
static void register_all(world *wd, cc_pseudonym *out, unsigned n, const char *prefix)
{
    cc_command *cmds = calloc(n, sizeof *cmds);
    char(*tokens)[CC_TOKEN_TEXT_LEN + 1] = calloc(n, sizeof *tokens);
    if (!cmds || !tokens) die("out of memory");
    for (unsigned i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "%s%05u", prefix, i);
        account_create(&cmds[i], name);
    }
    exec_all(wd, cmds, n, "account create");
    for (unsigned i = 0; i < n; i++)
        memcpy(tokens[i], cmds[i].result.token, sizeof tokens[i]);
    for (unsigned i = 0; i < n; i++) {
        cc_command_init(&cmds[i], CC_CMD_ACCOUNT_CONFIRM);
        cmds[i].token = tokens[i];
        cmds[i].token_len = strlen(tokens[i]);
    }
    exec_all(wd, cmds, n, "account confirm");
    for (unsigned i = 0; i < n; i++)
        out[i] = cmds[i].result.pseudonym;
    free(tokens);
    free(cmds);
}

static void post(cc_command *cmd, const cc_pseudonym *by, uint64_t section, unsigned variant)
{
    cc_command_event(cmd, CC_EV_CONTRIBUTION_POSTED, by);
    cmd->event.section = section;
    cc_event_set(&cmd->event, CC_F_SECTION);
    cc_command_body(cmd, CC_B_TITLE, titles[variant % N_TEXTS]);
    cc_command_body(cmd, CC_B_TEXT, texts[variant % N_TEXTS]);
}

static void world_open(world *wd, unsigned npeople, unsigned ncontributions)
{
    memset(wd, 0, sizeof *wd);
    wd->dir = make_tempdir("append");
    must(cc_ledger_create(wd->dir, "bench.example/log", NULL, 0), "ledger create");
    must(cc_ledger_open(&wd->l, wd->dir, NULL), "ledger open");
    must(cc_writer_start(&wd->l, NULL, &wd->w), "writer start");

    cc_command cmd;
    register_all(wd, &wd->admin, 1, "admin");
    cc_command_event(&cmd, CC_EV_ROLE_GRANTED, &wd->admin);
    cmd.event.p = wd->admin;
    cmd.event.role = CC_ROLE_ADMIN;
    cc_event_set(&cmd.event, CC_F_P);
    cc_event_set(&cmd.event, CC_F_ROLE);
    exec_one(wd, &cmd, "admin role");

    cc_command_event(&cmd, CC_EV_THEME_CREATED, &wd->admin);
    cmd.event.order = 1;
    cmd.event.opens = 1000;
    cmd.event.closes = 2000;
    cc_event_set(&cmd.event, CC_F_ORDER);
    cc_event_set(&cmd.event, CC_F_OPENS);
    cc_event_set(&cmd.event, CC_F_CLOSES);
    cc_command_body(&cmd, CC_B_TITLE, "Le numérique et les compétences de demain");
    exec_one(wd, &cmd, "theme");
    wd->theme = cmd.result.seq;

    cc_command_event(&cmd, CC_EV_SECTION_CREATED, &wd->admin);
    cmd.event.theme = wd->theme;
    cmd.event.kind = CC_KIND_PROPOSALS;
    cmd.event.posting = 1;
    cmd.event.order = 1;
    cc_event_set(&cmd.event, CC_F_THEME);
    cc_event_set(&cmd.event, CC_F_KIND);
    cc_event_set(&cmd.event, CC_F_POSTING);
    cc_event_set(&cmd.event, CC_F_ORDER);
    cc_command_body(&cmd, CC_B_TITLE, "Propositions");
    exec_one(wd, &cmd, "section");
    wd->section = cmd.result.seq;

    cc_command_event(&cmd, CC_EV_THEME_OPENED, &wd->admin);
    cmd.event.theme = wd->theme;
    cc_event_set(&cmd.event, CC_F_THEME);
    exec_one(wd, &cmd, "open theme");

    wd->npeople = npeople;
    wd->people = calloc(npeople, sizeof *wd->people);
    wd->ncontributions = ncontributions;
    wd->contributions = calloc(ncontributions, sizeof *wd->contributions);
    cc_command *cmds = calloc(ncontributions, sizeof *cmds);
    if (!wd->people || !wd->contributions || !cmds) die("out of memory");
    register_all(wd, wd->people, npeople, "p");
    for (unsigned i = 0; i < ncontributions; i++)
        post(&cmds[i], &wd->people[i % npeople], wd->section, i);
    exec_all(wd, cmds, ncontributions, "contribution");
    for (unsigned i = 0; i < ncontributions; i++)
        wd->contributions[i] = cmds[i].result.seq;
    free(cmds);
}

static void world_close(world *wd, int keep)
{
    cc_writer_stop(wd->w);
    cc_ledger_close(&wd->l);
    if (keep) {
        fprintf(stderr, "# kept %s\n", wd->dir);
        free(wd->dir);
    } else {
        remove_tree(wd->dir);
    }
    free(wd->people);
    free(wd->contributions);
}

static uint64_t log_size(world *wd)
{
    MDB_txn *txn;
    uint64_t size;
    must(cc_ledger_read_begin(&wd->l, &txn), "read");
    must(cc_log_size(txn, wd->l.log, &size), "log size");
    cc_ledger_read_end(&wd->l, txn);
    return size;
}

/* Bytes of the env in use (last page + 1), for the growth per event. */
static uint64_t env_bytes(world *wd)
{
    MDB_envinfo info;
    MDB_stat st;
    mdb_env_info(wd->l.env, &info);
    mdb_env_stat(wd->l.env, &st);
    return ((uint64_t)info.me_last_pgno + 1) * st.ms_psize;
}

/* CPU time of the whole process (every thread), user + system. */
static uint64_t cpu_ns(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) * 1000000000u +
           ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) * 1000u;
}

/* Bytes this process has passed to write(2) and friends so far (LMDB
 * writes dirty pages with pwrite/writev, SQLite its WAL frames): the write
 * amplification of a scheme, as seen by the kernel. 0 if unavailable. */
static uint64_t written_bytes(void)
{
    FILE *f = fopen("/proc/self/io", "r");
    char line[128];
    unsigned long long v = 0;
    if (!f) return 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "wchar: %llu", &v) == 1) break;
    fclose(f);
    return v;
}

/* Average stored record (16-byte header + entry) of entries [from, to). */
static double average_record(world *wd, uint64_t from, uint64_t to)
{
    MDB_txn *txn;
    cc_log_iter it;
    uint64_t seq, bytes = 0, n = 0;
    cc_slice entry;
    must(cc_ledger_read_begin(&wd->l, &txn), "read");
    must(cc_log_iter_open(txn, wd->l.log, from, &it), "log iter");
    while (n < to - from && cc_log_iter_next(&it, &seq, &entry) == 0) {
        bytes += CC_RECORD_HEADER + entry.len;
        n++;
    }
    cc_log_iter_close(&it);
    cc_ledger_read_end(&wd->l, txn);
    if (n != to - from) die("log scan: %" PRIu64 " of %" PRIu64 " entries", n, to - from);
    return n ? (double)bytes / (double)n : 0;
}

/* ---- producers ---------------------------------------------------------- */

typedef struct producer producer;

typedef struct slot {
    cc_command cmd;
    producer *owner;
    uint64_t t_submit;
    uint32_t seq; /* the command's number within its producer */
    struct slot *next_free;
} slot;

struct producer {
    world *wd;
    unsigned id, nproducers;
    uint32_t count;    /* commands to submit */
    uint64_t *latency; /* ns, per command */
    slot *slots;       /* the window */
    pthread_barrier_t *start;
    uint64_t rng, votes;

    pthread_mutex_t lock;
    pthread_cond_t cond;
    slot *free;
    unsigned inflight;
    int waiting;
    uint64_t rejected;
    int first_error;
};

/* Runs on the writer thread, after the commit: keep it short. */
static void on_ack(cc_command *cmd, void *arg)
{
    slot *s = arg;
    producer *p = s->owner;
    p->latency[s->seq] = now_ns() - s->t_submit;
    pthread_mutex_lock(&p->lock);
    if (cmd->result.rc) {
        p->rejected++;
        if (!p->first_error) p->first_error = cmd->result.rc;
    }
    s->next_free = p->free;
    p->free = s;
    p->inflight--;
    if (p->waiting) pthread_cond_signal(&p->cond);
    pthread_mutex_unlock(&p->lock);
}

/* Build the next command of the mix. Vote k of producer `id` has the global
 * number g = k * nproducers + id, and g maps to the pair (participant g % P,
 * contribution (g / P + g % P) % C): a bijection while g < P * C, which the
 * setup guarantees, so no two votes share a pair and none is refused. */
static void next_command(producer *p, cc_command *cmd)
{
    world *wd = p->wd;
    uint64_t r = xorshift(&p->rng);
    unsigned pct = (unsigned)(r % 100);
    const cc_pseudonym *by = &wd->people[(r >> 8) % wd->npeople];
    if (pct < MIX_CONTRIBUTIONS) {
        post(cmd, by, wd->section, (unsigned)(r >> 32));
    } else if (pct < MIX_CONTRIBUTIONS + MIX_ARGUMENTS) {
        cc_command_event(cmd, CC_EV_ARGUMENT_POSTED, by);
        cmd->event.item = wd->contributions[(r >> 24) % wd->ncontributions];
        cmd->event.side = (r >> 40) & 1 ? CC_SIDE_FOR : CC_SIDE_AGAINST;
        cc_event_set(&cmd->event, CC_F_ITEM);
        cc_event_set(&cmd->event, CC_F_SIDE);
        cc_command_body(cmd, CC_B_TEXT, arguments[(r >> 44) % N_TEXTS]);
    } else {
        uint64_t g = p->votes++ * p->nproducers + p->id;
        uint64_t who = g % wd->npeople, what = (g / wd->npeople + who) % wd->ncontributions;
        cc_command_event(cmd, CC_EV_VOTE_CAST, &wd->people[who]);
        cmd->event.item = wd->contributions[what];
        cmd->event.value = (uint8_t)(CC_VOTE_AGREE + (r >> 48) % 3);
        cc_event_set(&cmd->event, CC_F_ITEM);
        cc_event_set(&cmd->event, CC_F_VALUE);
    }
}

static void *producer_main(void *arg)
{
    producer *p = arg;
    pthread_barrier_wait(p->start);
    for (uint32_t k = 0; k < p->count; k++) {
        pthread_mutex_lock(&p->lock);
        while (!p->free) {
            p->waiting = 1;
            pthread_cond_wait(&p->cond, &p->lock);
        }
        p->waiting = 0;
        slot *s = p->free;
        p->free = s->next_free;
        p->inflight++;
        pthread_mutex_unlock(&p->lock);
        next_command(p, &s->cmd);
        s->seq = k;
        s->t_submit = now_ns();
        must(cc_writer_submit(p->wd->w, &s->cmd, on_ack, s), "submit");
    }
    pthread_mutex_lock(&p->lock);
    while (p->inflight) {
        p->waiting = 1;
        pthread_cond_wait(&p->cond, &p->lock);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* ---- measurements ------------------------------------------------------- */

typedef struct result {
    unsigned producers;
    uint64_t events, rejected, batches;
    double seconds, events_per_s, p50_ms, p99_ms, max_ms, avg_batch;
    double record_bytes, db_bytes_per_event, written_per_event, cpu_us_per_event;
    unsigned batch; /* baselines: records per commit */
    double lmdb_events_per_s, lmdb_seconds, lmdb_written_per_event;
    double sqlite_events_per_s, sqlite_seconds, sqlite_written_per_event;
} result;

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted array. */
static double percentile_ms(const uint64_t *v, size_t n, double q)
{
    size_t rank = (size_t)ceil(q * (double)n);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return (double)v[rank - 1] / 1e6;
}

static void run_concerto(const options *o, unsigned nproducers, result *res)
{
    /* Enough contributions for every vote to fall on a distinct pair. */
    uint64_t need = (o->events + nproducers) / o->participants + 1;
    unsigned ncontributions = need < 64 ? 64 : (unsigned)need;
    fprintf(stderr, "# concerto, %u producer%s: setting up %u participants and %u contributions\n",
            nproducers, nproducers > 1 ? "s" : "", o->participants, ncontributions);
    world wd;
    world_open(&wd, o->participants, ncontributions);

    producer *ps = calloc(nproducers, sizeof *ps);
    pthread_t *threads = calloc(nproducers, sizeof *threads);
    uint64_t *latency = calloc(o->events, sizeof *latency);
    if (!ps || !threads || !latency) die("out of memory");
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, nproducers + 1);
    uint64_t offset = 0;
    for (unsigned i = 0; i < nproducers; i++) {
        producer *p = &ps[i];
        p->wd = &wd;
        p->id = i;
        p->nproducers = nproducers;
        p->count = (uint32_t)(o->events / nproducers + (i < o->events % nproducers));
        p->latency = latency + offset;
        offset += p->count;
        p->start = &start;
        p->rng = 0x9e3779b97f4a7c15ull * (i + 1);
        p->slots = calloc(o->window, sizeof *p->slots);
        if (!p->slots) die("out of memory");
        for (unsigned j = 0; j < o->window; j++) {
            p->slots[j].owner = p;
            p->slots[j].next_free = p->free;
            p->free = &p->slots[j];
        }
        pthread_mutex_init(&p->lock, NULL);
        pthread_cond_init(&p->cond, NULL);
        if (pthread_create(&threads[i], NULL, producer_main, p)) die("pthread_create");
    }

    uint64_t size0 = log_size(&wd), bytes0 = env_bytes(&wd);
    cc_writer_stats s0, s1;
    cc_writer_get_stats(wd.w, &s0);
    fprintf(stderr, "# concerto, %u producer%s: %" PRIu64 " commands, window %u\n", nproducers,
            nproducers > 1 ? "s" : "", o->events, o->window);
    uint64_t w0 = written_bytes(), c0 = cpu_ns();
    pthread_barrier_wait(&start);
    uint64_t t0 = now_ns();
    for (unsigned i = 0; i < nproducers; i++)
        pthread_join(threads[i], NULL);
    uint64_t t1 = now_ns();
    uint64_t w1 = written_bytes(), c1 = cpu_ns();
    cc_writer_get_stats(wd.w, &s1);
    uint64_t size1 = log_size(&wd), bytes1 = env_bytes(&wd);

    memset(res, 0, sizeof *res);
    res->producers = nproducers;
    for (unsigned i = 0; i < nproducers; i++) {
        res->rejected += ps[i].rejected;
        if (ps[i].first_error)
            fprintf(stderr, "# warning: producer %u: %" PRIu64 " rejected, first: %s\n", i,
                    ps[i].rejected, cc_strerror(ps[i].first_error));
    }
    res->events = s1.events - s0.events;
    if (res->events != size1 - size0)
        die("writer counted %" PRIu64 " events, log grew by %" PRIu64, res->events, size1 - size0);
    res->batches = s1.batches - s0.batches;
    res->seconds = (double)(t1 - t0) / 1e9;
    res->events_per_s = (double)res->events / res->seconds;
    res->avg_batch = res->batches ? (double)(s1.commands - s0.commands) / (double)res->batches : 0;
    qsort(latency, o->events, sizeof *latency, cmp_u64);
    res->p50_ms = percentile_ms(latency, o->events, 0.50);
    res->p99_ms = percentile_ms(latency, o->events, 0.99);
    res->max_ms = (double)latency[o->events - 1] / 1e6;
    res->record_bytes = average_record(&wd, size0, size1);
    res->db_bytes_per_event = res->events ? (double)(bytes1 - bytes0) / (double)res->events : 0;
    res->written_per_event = res->events ? (double)(w1 - w0) / (double)res->events : 0;
    res->cpu_us_per_event = res->events ? (double)(c1 - c0) / 1e3 / (double)res->events : 0;

    for (unsigned i = 0; i < nproducers; i++) {
        pthread_mutex_destroy(&ps[i].lock);
        pthread_cond_destroy(&ps[i].cond);
        free(ps[i].slots);
    }
    pthread_barrier_destroy(&start);
    free(latency);
    free(threads);
    free(ps);
    world_close(&wd, o->keep);
}

/* Raw LMDB: n records of `size` bytes appended to an MDB_INTEGERKEY DBI with
 * MDB_APPEND, committed durably (default sync) every `batch` records. */
static double run_lmdb(uint64_t n, size_t size, unsigned batch, double *seconds, double *written)
{
    char *dir = make_tempdir("lmdb");
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    must_mdb(mdb_env_create(&env), "mdb_env_create");
    must_mdb(mdb_env_set_mapsize(env, (size_t)1 << 32), "mdb_env_set_mapsize");
    must_mdb(mdb_env_set_maxdbs(env, 4), "mdb_env_set_maxdbs");
    must_mdb(mdb_env_open(env, dir, 0, 0600), "mdb_env_open");
    must_mdb(mdb_txn_begin(env, NULL, 0, &txn), "mdb_txn_begin");
    must_mdb(mdb_dbi_open(txn, "log", MDB_CREATE | MDB_INTEGERKEY, &dbi), "mdb_dbi_open");
    must_mdb(mdb_txn_commit(txn), "mdb_txn_commit");
    uint8_t *record = malloc(size < 8 ? 8 : size);
    if (!record) die("out of memory");
    randombytes_buf(record, size);

    uint64_t w0 = written_bytes(), t0 = now_ns();
    for (uint64_t seq = 0; seq < n;) {
        must_mdb(mdb_txn_begin(env, NULL, 0, &txn), "mdb_txn_begin");
        for (unsigned b = 0; b < batch && seq < n; b++, seq++) {
            memcpy(record, &seq, sizeof seq); /* records differ, as entries do */
            MDB_val k = {sizeof seq, &seq}, v = {size, record};
            must_mdb(mdb_put(txn, dbi, &k, &v, MDB_APPEND), "mdb_put");
        }
        must_mdb(mdb_txn_commit(txn), "mdb_txn_commit");
    }
    uint64_t t1 = now_ns();
    *written = (double)(written_bytes() - w0) / (double)n;

    free(record);
    mdb_env_close(env);
    remove_tree(dir);
    *seconds = (double)(t1 - t0) / 1e9;
    return (double)n / *seconds;
}

static void must_sqlite(sqlite3 *db, int rc, const char *what)
{
    if (rc != SQLITE_OK && rc != SQLITE_DONE) die("%s: %s", what, sqlite3_errmsg(db));
}

/* SQLite: WAL, synchronous=FULL, the same records in the same batches. */
static double run_sqlite(uint64_t n, size_t size, unsigned batch, double *seconds, double *written)
{
    char *dir = make_tempdir("sqlite");
    size_t plen = strlen(dir) + 16;
    char *path = malloc(plen);
    uint8_t *record = malloc(size < 8 ? 8 : size);
    if (!path || !record) die("out of memory");
    snprintf(path, plen, "%s/log.db", dir);
    randombytes_buf(record, size);
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK) die("sqlite3_open %s", path);
    must_sqlite(db,
                sqlite3_exec(db,
                             "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                             "CREATE TABLE log(seq INTEGER PRIMARY KEY, data BLOB NOT NULL);",
                             NULL, NULL, NULL),
                "sqlite setup");
    sqlite3_stmt *ins, *begin, *commit;
    must_sqlite(db,
                sqlite3_prepare_v2(db, "INSERT INTO log(seq, data) VALUES(?, ?)", -1, &ins, NULL),
                "prepare insert");
    must_sqlite(db, sqlite3_prepare_v2(db, "BEGIN", -1, &begin, NULL), "prepare begin");
    must_sqlite(db, sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL), "prepare commit");

    uint64_t w0 = written_bytes(), t0 = now_ns();
    for (uint64_t seq = 0; seq < n;) {
        must_sqlite(db, sqlite3_step(begin), "begin");
        sqlite3_reset(begin);
        for (unsigned b = 0; b < batch && seq < n; b++, seq++) {
            memcpy(record, &seq, sizeof seq);
            sqlite3_bind_int64(ins, 1, (sqlite3_int64)seq);
            sqlite3_bind_blob(ins, 2, record, (int)size, SQLITE_STATIC);
            must_sqlite(db, sqlite3_step(ins), "insert");
            sqlite3_reset(ins);
        }
        must_sqlite(db, sqlite3_step(commit), "commit");
        sqlite3_reset(commit);
    }
    uint64_t t1 = now_ns();
    *written = (double)(written_bytes() - w0) / (double)n;

    sqlite3_finalize(ins);
    sqlite3_finalize(begin);
    sqlite3_finalize(commit);
    sqlite3_close(db);
    free(record);
    free(path);
    remove_tree(dir);
    *seconds = (double)(t1 - t0) / 1e9;
    return (double)n / *seconds;
}

/* ---- output ------------------------------------------------------------- */

static void print_json(const options *o, const result *r)
{
    printf("{\"bench\":\"append\",\"system\":\"concerto\",\"producers\":%u,\"window\":%u,"
           "\"events\":%" PRIu64 ",\"rejected\":%" PRIu64 ",\"seconds\":%.3f,"
           "\"events_per_s\":%.0f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,"
           "\"batches\":%" PRIu64 ",\"avg_batch\":%.1f,\"record_bytes\":%.1f,"
           "\"db_bytes_per_event\":%.1f,\"written_bytes_per_event\":%.1f,"
           "\"cpu_us_per_event\":%.2f}\n",
           r->producers, o->window, r->events, r->rejected, r->seconds, r->events_per_s, r->p50_ms,
           r->p99_ms, r->max_ms, r->batches, r->avg_batch, r->record_bytes, r->db_bytes_per_event,
           r->written_per_event, r->cpu_us_per_event);
    printf("{\"bench\":\"append\",\"system\":\"lmdb_raw\",\"producers\":%u,\"events\":%" PRIu64
           ",\"seconds\":%.3f,\"events_per_s\":%.0f,\"batch\":%u,\"record_bytes\":%.0f,"
           "\"written_bytes_per_event\":%.1f,\"concerto_ratio\":%.3f}\n",
           r->producers, r->events, r->lmdb_seconds, r->lmdb_events_per_s, r->batch,
           round(r->record_bytes), r->lmdb_written_per_event,
           r->events_per_s / r->lmdb_events_per_s);
    printf("{\"bench\":\"append\",\"system\":\"sqlite_wal_full\",\"producers\":%u,"
           "\"events\":%" PRIu64 ",\"seconds\":%.3f,\"events_per_s\":%.0f,\"batch\":%u,"
           "\"record_bytes\":%.0f,\"written_bytes_per_event\":%.1f,\"concerto_ratio\":%.3f}\n",
           r->producers, r->events, r->sqlite_seconds, r->sqlite_events_per_s, r->batch,
           round(r->record_bytes), r->sqlite_written_per_event,
           r->events_per_s / r->sqlite_events_per_s);
    fflush(stdout);
}

static void print_table(const options *o, const result *rs, unsigned n)
{
    struct utsname u;
    uname(&u);
    fprintf(stderr,
            "\nappend benchmark: %" PRIu64 " commands per run, window %u per producer, %u "
            "participants,\nmix %d%% vote.cast / %d%% contribution.posted / %d%% argument.posted; "
            "%s %s, %ld cpus\nbaselines: one thread, records of the same average size, "
            "committed in batches of the size concerto reached\n\n",
            o->events, o->window, o->participants, 100 - MIX_CONTRIBUTIONS - MIX_ARGUMENTS,
            MIX_CONTRIBUTIONS, MIX_ARGUMENTS, u.sysname, u.release, sysconf(_SC_NPROCESSORS_ONLN));
    fprintf(stderr, "%9s  %-16s %10s %7s %8s %8s %8s %7s %6s %8s %8s %7s\n", "producers", "system",
            "events/s", "vs raw", "p50 ms", "p99 ms", "max ms", "batch", "rec B", "db B/ev",
            "wr B/ev", "cpu us");
    for (unsigned i = 0; i < n; i++) {
        const result *r = &rs[i];
        fprintf(stderr,
                "%9u  %-16s %10.0f %6.2fx %8.2f %8.2f %8.2f %7.1f %6.1f %8.1f %8.1f %7.2f\n",
                r->producers, "concerto", r->events_per_s, r->events_per_s / r->lmdb_events_per_s,
                r->p50_ms, r->p99_ms, r->max_ms, r->avg_batch, r->record_bytes,
                r->db_bytes_per_event, r->written_per_event, r->cpu_us_per_event);
        fprintf(stderr, "%9s  %-16s %10.0f %6.2fx %8s %8s %8s %7u %6.0f %8s %8.1f\n", "",
                "lmdb_raw", r->lmdb_events_per_s, 1.0, "", "", "", r->batch, round(r->record_bytes),
                "", r->lmdb_written_per_event);
        fprintf(stderr, "%9s  %-16s %10.0f %6.2fx %8s %8s %8s %7u %6.0f %8s %8.1f\n", "",
                "sqlite_wal_full", r->sqlite_events_per_s,
                r->sqlite_events_per_s / r->lmdb_events_per_s, "", "", "", r->batch,
                round(r->record_bytes), "", r->sqlite_written_per_event);
    }
    fprintf(stderr,
            "\n(vs raw: events/s over raw LMDB's at the same batch size; db B/ev: growth of "
            "the env per event;\n wr B/ev: bytes handed to write(2) per event; cpu us: CPU time of "
            "the process, all threads, per event)\n");
    fprintf(stderr, "\ntargets (reported, not enforced):\n");
    const result *t = NULL;
    for (unsigned i = 0; i < n; i++)
        if (rs[i].producers == TARGET_PRODUCERS) t = &rs[i];
    if (t)
        fprintf(stderr, "  >= %.0f durable events/s with %d producers: %s (%.0f)\n",
                TARGET_EVENTS_PER_S, TARGET_PRODUCERS,
                t->events_per_s >= TARGET_EVENTS_PER_S ? "met" : "MISSED", t->events_per_s);
    else
        fprintf(stderr, "  >= %.0f durable events/s with %d producers: not measured\n",
                TARGET_EVENTS_PER_S, TARGET_PRODUCERS);
    for (unsigned i = 0; i < n; i++) {
        double ratio = rs[i].events_per_s / rs[i].lmdb_events_per_s;
        fprintf(stderr, "  >= %.1fx raw LMDB at equal batching, %u producer%s: %s (%.2fx)\n",
                TARGET_RATIO, rs[i].producers, rs[i].producers > 1 ? "s" : "",
                ratio >= TARGET_RATIO ? "met" : "MISSED", ratio);
    }
}

/* ---- main --------------------------------------------------------------- */

static void usage(void)
{
    fprintf(stderr,
            "usage: bench_append [--events N] [--window N] [--producers 1,8,64]\n"
            "                    [--participants N] [--quick] [--keep]\n"
            "  --events N        commands (= events) per concerto run (default 1000000)\n"
            "  --window N        commands in flight per producer (default 256)\n"
            "  --producers LIST  producer counts, comma-separated (default 1,8,64)\n"
            "  --participants N  participants registered before each run (default 2000)\n"
            "  --quick           smoke run: 20000 events, 500 participants\n"
            "  --keep            keep the concerto ledgers (for mdb_stat, concerto verify)\n"
            "JSON lines on stdout, table on stderr; temporary files under $TMPDIR or /tmp.\n");
}

static unsigned long parse_number(const char *s, const char *flag)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s ? s : "", &end, 10);
    if (!s || errno || end == s || *end || v == 0) die("%s wants a positive number", flag);
    return v;
}

static void parse_producers(options *o, const char *s)
{
    o->nproducers = 0;
    char *copy = strdup(s), *save = NULL;
    if (!copy) die("out of memory");
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (o->nproducers == MAX_RUNS) die("at most %d producer counts", MAX_RUNS);
        unsigned long v = parse_number(tok, "--producers");
        if (v > 1024) die("--producers: at most 1024 producers");
        o->producers[o->nproducers++] = (unsigned)v;
    }
    free(copy);
    if (!o->nproducers) die("--producers wants a list such as 1,8,64");
}

int main(int argc, char **argv)
{
    options o = {.events = 1000000, .window = 256, .participants = 2000};
    int quick = 0, events_set = 0, participants_set = 0;
    parse_producers(&o, "1,8,64");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--events")) {
            o.events = parse_number(v, a);
            events_set = 1;
            i++;
        } else if (!strcmp(a, "--window")) {
            o.window = (unsigned)parse_number(v, a);
            i++;
        } else if (!strcmp(a, "--producers")) {
            if (!v) die("--producers wants a list such as 1,8,64");
            parse_producers(&o, v);
            i++;
        } else if (!strcmp(a, "--participants")) {
            o.participants = (unsigned)parse_number(v, a);
            participants_set = 1;
            i++;
        } else if (!strcmp(a, "--keep")) {
            o.keep = 1;
        } else if (!strcmp(a, "--quick")) {
            quick = 1;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage();
            return 0;
        } else {
            usage();
            return 2;
        }
    }
    if (quick) {
        if (!events_set) o.events = 20000;
        if (!participants_set) o.participants = 500;
    }
    if (o.events > UINT32_MAX) die("--events: at most %" PRIu32, UINT32_MAX);
    if (o.participants > 99999) die("--participants: at most 99999");
    if (sodium_init() < 0) die("sodium_init failed");
    make_texts();

    result rs[MAX_RUNS];
    for (unsigned i = 0; i < o.nproducers; i++) {
        result *r = &rs[i];
        if (o.producers[i] > o.events) die("more producers than events");
        run_concerto(&o, o.producers[i], r);
        r->batch = (unsigned)llround(r->avg_batch);
        if (r->batch < 1) r->batch = 1;
        size_t size = (size_t)llround(r->record_bytes);
        fprintf(stderr, "# lmdb_raw: %" PRIu64 " records of %zu bytes, %u per commit\n", r->events,
                size, r->batch);
        r->lmdb_events_per_s =
            run_lmdb(r->events, size, r->batch, &r->lmdb_seconds, &r->lmdb_written_per_event);
        fprintf(stderr, "# sqlite_wal_full: %" PRIu64 " records of %zu bytes, %u per commit\n",
                r->events, size, r->batch);
        r->sqlite_events_per_s =
            run_sqlite(r->events, size, r->batch, &r->sqlite_seconds, &r->sqlite_written_per_event);
        print_json(&o, r);
    }
    print_table(&o, rs, o.nproducers);
    return 0;
}
