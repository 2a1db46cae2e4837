/* gen_consultation.c - a synthetic consultation at Grand-Débat scale, for the
 * replay benchmark (bench_replay.c) and for anyone who wants a big ledger.
 *
 * What it writes. A fresh ledger in --data DIR holding, by default, 500,000
 * registered participants (an administrator and 20 moderators among them),
 * four open themes of four sections each, 2,000,000 contributions, 400,000
 * arguments, 300,000 comments, 10,000,000 votes (85 % on contributions:
 * agree, mitigated or disagree; 15 % up-votes on arguments), 50,000 flags and
 * 20,000 moderation acts (flags dismissed, items trashed, restored and a few
 * removed, which purges their texts). --scale F multiplies every default;
 * an explicit count overrides it.
 *
 * Realistic skew. Participants and contributions are ranked by age and
 * drawn by a power law of their rank: an actor is the participant at rank
 * floor(n * u^2) among the n registered so far (u uniform in [0,1)), so the
 * top 1 % of participants act 10 % of the time and the most active one casts
 * thousands of votes; a target is the contribution at rank floor(n * u^3)
 * among the n posted so far, so 0.01^(1/3) = 21.5 % of these draws fall on
 * the oldest 1 %, and the most popular contribution gets tens of thousands
 * of votes at scale 1. A quarter of the targets are instead drawn among the
 * most recent contributions, as the front page shows them, so the top 1 %
 * get about a sixth of the votes, arguments and comments. Themes and
 * sections have unequal weights. The kinds of event are interleaved in the
 * proportions of what remains to be written, after a launch wave that
 * registers a tenth of the participants; timestamps run over the sixty days
 * of the Grand Débat (2019-01-15 to 2019-03-15), so the per-day statistics
 * have real days to count.
 *
 * Legal commands only. Every command goes through cc_execute(), the
 * writer's own path (decider, bodies, log, Merkle tree, state fold, vault),
 * so the log is exactly one the site could have written. The generator keeps
 * enough of its own bookkeeping to ask only legal things: one vote per
 * participant per target (a hash set of the pairs; a repeat would become
 * vote.changed), no interaction with a trashed or removed item or under a
 * trashed contribution, moderation acts on items that are flagged (dismiss,
 * trash, remove) or trashed (restore). The decider has the last word: a
 * command it refuses (a participant flagging the same item twice) writes
 * nothing and is replaced by another; their number is reported.
 *
 * Why not the writer. The durable writer commits (and fsyncs) every batch it
 * forms; a bulk load does not need that. Here one thread opens a write
 * transaction, runs --batch commands through cc_execute() as the writer
 * would, stores the signed checkpoint (cc_ledger__store_checkpoint, the
 * writer's own helper) and commits, with MDB_NOSYNC and one sync at the end.
 * The resulting ledger is the same as the writer's, byte for byte in
 * structure (the nonces, pseudonyms and tokens are random in both, so two
 * runs with one seed write the same consultation, not the same bytes).
 *
 * Output: one JSON object on stdout (counts, seconds, events/s, bytes), a
 * summary and progress on stderr. */
#include "decide.h"
#include "error.h"
#include "ledger.h"

#include <errno.h>
#include <inttypes.h>
#include <lmdb.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>

/* Declared in core/writer.c, not in a header: the writer's checkpoint step. */
int cc_ledger__store_checkpoint(cc_ledger *l, MDB_txn *txn, uint64_t size);

#define NTHEMES 4
#define SECTIONS_PER_THEME 4 /* one presentation, three that accept posts */
#define DEFAULT_MODERATORS 20
#define DEFAULT_BATCH 20000
#define POOL_BYTES (1u << 20)
#define TITLE_POOL_BYTES (1u << 16)
#define RECENT_WINDOW 2000     /* "most recent" contributions for recency draws */
#define FLAG_QUEUE_WINDOW 4000 /* moderators work on the latest flags */
#define MAX_TRIES 64

/* 2019-01-15T00:00:00Z and sixty days. */
#define T0_MS 1547510400000ull
#define SPAN_MS (60ull * 24 * 3600 * 1000)

enum kind { K_REGISTER, K_CONTRIBUTION, K_VOTE, K_ARGUMENT, K_COMMENT, K_FLAG, K_MODERATION, K_N };
static const char *const kind_names[K_N] = {
    "participants", "contributions", "votes", "arguments", "comments", "flags", "moderation"};
static const uint64_t defaults[K_N] = {500000, 2000000, 10000000, 400000, 300000, 50000, 20000};

/* An item the generator may target. */
typedef struct item {
    uint64_t seq;    /* its id in the log */
    uint32_t parent; /* arguments, comments: index of their contribution */
    uint8_t state;   /* cc_item_state, as the generator asked it */
    uint8_t flagged; /* has open flags */
} item;

typedef struct item_list {
    item *v;
    uint32_t n, cap;
} item_list;

typedef struct ref {
    uint8_t kind; /* 0 contribution, 1 argument, 2 comment */
    uint32_t idx;
} ref;

typedef struct gen {
    /* parameters */
    uint64_t want[K_N], seed, batch;
    unsigned moderators;
    int quiet;

    /* the ledger and the open transaction */
    cc_ledger l;
    MDB_txn *txn;
    cc_exec_ctx ctx;
    uint64_t in_txn, commits;

    /* progress */
    uint64_t done[K_N], planned, emitted, refused, setup_events;
    uint64_t rng;

    /* the consultation */
    cc_pseudonym admin, *mods;
    uint64_t themes[NTHEMES], sections[NTHEMES][SECTIONS_PER_THEME];
    cc_pseudonym *people; /* ordinary participants, in order of registration */
    uint32_t npeople;
    uint64_t people_cap;
    item_list items[3]; /* contributions, arguments, comments */
    ref *flag_queue;
    uint64_t nflag_queue, flag_queue_cap;
    uint32_t *trashed;
    uint64_t ntrashed, trashed_cap;

    /* vote pairs already cast */
    uint64_t *pairs, pairs_mask, npairs;

    /* texts */
    char *pool, *title_pool;
} gen;

/* ---- small utilities ---------------------------------------------------- */

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "gen_consultation: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

static void must(int rc, const char *what)
{
    if (rc) die("%s: %s", what, cc_strerror(rc));
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) die("out of memory");
    return p;
}

static void grow_array(void **p, uint64_t *cap, uint64_t need, size_t size)
{
    if (need <= *cap) return;
    uint64_t c = *cap ? *cap : 1024;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * size);
    if (!q) die("out of memory");
    *p = q;
    *cap = c;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t rnd(gen *g)
{
    return splitmix(&g->rng);
}

static double u01(gen *g)
{
    return (double)(rnd(g) >> 11) * 0x1.0p-53;
}

static uint64_t below(gen *g, uint64_t n)
{
    return n ? rnd(g) % n : 0;
}

/* Rank floor(n * u^k): k = 1 uniform, larger k favours low ranks. */
static uint64_t skewed(gen *g, uint64_t n, double k)
{
    uint64_t i = (uint64_t)((double)n * pow(u01(g), k));
    return i < n ? i : n - 1;
}

/* Pick an index by weight (weights sum to 100). */
static unsigned weighted(gen *g, const unsigned *w, unsigned n)
{
    unsigned r = (unsigned)below(g, 100), acc = 0;
    for (unsigned i = 0; i < n; i++) {
        acc += w[i];
        if (r < acc) return i;
    }
    return n - 1;
}

/* ---- texts -------------------------------------------------------------- */

static const char *const words[] = {
    "le",
    "la",
    "les",
    "des",
    "une",
    "un",
    "et",
    "ou",
    "mais",
    "donc",
    "pour",
    "avec",
    "sans",
    "dans",
    "sur",
    "par",
    "que",
    "qui",
    "nous",
    "vous",
    "il",
    "faut",
    "devrait",
    "pourrait",
    "proposons",
    "demandons",
    "souhaitons",
    "impôt",
    "fiscalité",
    "taxe",
    "carburant",
    "transition",
    "écologique",
    "énergie",
    "logement",
    "transport",
    "démocratie",
    "citoyenneté",
    "référendum",
    "élus",
    "assemblée",
    "sénat",
    "collectivité",
    "commune",
    "département",
    "région",
    "État",
    "services",
    "publics",
    "hôpital",
    "école",
    "retraite",
    "pouvoir",
    "d'achat",
    "salaire",
    "minimum",
    "justice",
    "sociale",
    "territoire",
    "rural",
    "mobilité",
    "vélo",
    "train",
    "autoroute",
    "péage",
    "isolation",
    "chauffage",
    "rénovation",
    "thermique",
    "agriculture",
    "biologique",
    "circuits",
    "courts",
    "déchets",
    "recyclage",
    "plastique",
    "eau",
    "air",
    "pollution",
    "santé",
    "médecins",
    "déserts",
    "médicaux",
    "numérique",
    "internet",
    "accès",
    "formation",
    "emploi",
    "chômage",
    "entreprises",
    "petites",
    "moyennes",
    "artisans",
    "commerçants",
    "indépendants",
    "solidarité",
    "handicap",
    "vieillissement",
    "dépendance",
    "famille",
    "jeunes",
    "étudiants",
    "égalité",
    "femmes",
    "hommes",
    "laïcité",
    "immigration",
    "intégration",
    "Europe",
    "budget",
    "dépense",
    "dette",
    "déficit",
    "transparence",
    "contrôle",
    "évaluation",
    "simplification",
    "administration",
    "fonctionnaires",
    "proximité",
    "mairie",
    "préfecture",
    "guichet",
    "dématérialisé",
    "papier",
    "délais",
    "plus",
    "moins",
    "mieux",
    "vraiment",
    "chaque",
    "année",
    "tous",
    "toutes",
    "ensemble",
    "local",
    "national",
    "public",
    "privé",
    "coût",
    "prix",
    "juste",
    "équitable",
    "durable",
    "concrètement",
    "notamment",
    "aujourd'hui",
    "demain",
    "avenir",
    "confiance",
};
#define NWORDS (sizeof words / sizeof words[0])

/* A pool of French-looking prose (UTF-8, sentences, paragraphs); bodies are
 * slices of it cut at character boundaries. */
static char *make_pool(gen *g, size_t size, int paragraphs)
{
    char *p = xcalloc(size + 64, 1);
    size_t n = 0;
    int start = 1;
    while (n < size) {
        const char *w = words[below(g, NWORDS)];
        size_t wl = strlen(w);
        if (n + wl + 4 >= size) break;
        if (start && w[0] >= 'a' && w[0] <= 'z') {
            p[n++] = (char)(w[0] - 'a' + 'A');
            memcpy(p + n, w + 1, wl - 1);
            n += wl - 1;
        } else {
            memcpy(p + n, w, wl);
            n += wl;
        }
        start = 0;
        uint64_t r = below(g, 100);
        if (r < 8) {
            p[n++] = '.';
            start = 1;
            if (paragraphs && r < 1) {
                p[n++] = '\n';
                p[n++] = '\n';
                continue;
            }
        } else if (r < 14) {
            p[n++] = ',';
        }
        p[n++] = ' ';
    }
    while (n < size)
        p[n++] = ' ';
    p[size] = '\0';
    return p;
}

/* A slice of about len bytes of pool, starting and ending on a character
 * boundary and not on a blank, so every body passes cc_text_check. */
static cc_slice text_slice(gen *g, const char *pool, size_t pool_size, size_t len)
{
    if (len < 8) len = 8;
    if (len > pool_size / 2) len = pool_size / 2;
    size_t a = below(g, pool_size - len - 64), b;
    while (((unsigned char)pool[a] & 0xC0) == 0x80 || pool[a] == ' ' || pool[a] == '\n')
        a++;
    b = a + len;
    while (((unsigned char)pool[b] & 0xC0) == 0x80 || pool[b - 1] == ' ' || pool[b - 1] == '\n')
        b++;
    return (cc_slice){(const uint8_t *)pool + a, b - a};
}

static void set_text(gen *g, cc_command *cmd, cc_body_field f, size_t len)
{
    int title = f == CC_B_TITLE;
    cmd->body.f[f] = title ? text_slice(g, g->title_pool, TITLE_POOL_BYTES, len)
                           : text_slice(g, g->pool, POOL_BYTES, len);
    cmd->has_body = 1;
}

/* Lengths skewed towards short texts with a long tail: min + span * u^3
 * (mean min + span / 4). */
static size_t text_len(gen *g, size_t min, size_t span)
{
    return min + (size_t)((double)span * pow(u01(g), 3.0));
}

/* ---- the transaction ---------------------------------------------------- */

static void txn_begin(gen *g)
{
    int rc = mdb_txn_begin(g->l.env, NULL, 0, &g->txn);
    if (rc) die("mdb_txn_begin: %s", mdb_strerror(rc));
    g->in_txn = 0;
}

static void txn_commit(gen *g)
{
    if (g->ctx.log_size)
        must(cc_ledger__store_checkpoint(&g->l, g->txn, g->ctx.log_size), "checkpoint");
    int rc = mdb_txn_commit(g->txn);
    if (rc) die("mdb_txn_commit: %s", mdb_strerror(rc));
    g->txn = NULL;
    g->commits++;
}

static void progress(gen *g, uint64_t t0)
{
    if (g->quiet) return;
    double s = (double)(now_ns() - t0) / 1e9;
    fprintf(stderr, "# gen: %" PRIu64 " / %" PRIu64 " events (%.0f%%), %.0f s, %.0f events/s\n",
            g->ctx.log_size, g->planned, 100.0 * (double)g->ctx.log_size / (double)g->planned, s,
            (double)g->ctx.log_size / s);
}

/* Run one command. 0 when it was accepted, else the decider's reason (the
 * transaction is untouched: decide.h). A storage error is fatal. */
static int exec(gen *g, cc_command *cmd)
{
    /* Simulated clock: the events spread evenly over the sixty days. */
    g->ctx.now_ms = T0_MS + (uint64_t)((double)SPAN_MS * (double)g->emitted / (double)g->planned);
    g->ctx.wrote = 0;
    uint64_t before = g->ctx.log_size;
    int rc = cc_execute(&g->l, g->txn, &g->ctx, cmd);
    if (rc && (g->ctx.wrote || cmd->kind != CC_CMD_EVENT))
        die("command failed after writing: %s", cc_strerror(rc));
    if (rc) {
        g->refused++;
        return rc;
    }
    g->emitted += g->ctx.log_size - before;
    if (++g->in_txn >= g->batch) {
        txn_commit(g);
        txn_begin(g);
    }
    return 0;
}

static void exec_ok(gen *g, cc_command *cmd, const char *what)
{
    int rc = exec(g, cmd);
    if (rc) die("%s: %s", what, cc_strerror(rc));
}

/* ---- setup -------------------------------------------------------------- */

static const char *const statuses_org[] = {
    "Association des usagers du rail",
    "Collectif citoyen du bassin minier",
    "Chambre des métiers",
    "Union locale des commerçants",
    "Commune de Saint-Martin",
    "Fédération des parents d'élèves",
};

/* Register (create + confirm) participant number i; returns its pseudonym. */
static cc_pseudonym register_one(gen *g, const char *prefix, uint64_t i)
{
    cc_command cmd;
    cc_command_init(&cmd, CC_CMD_ACCOUNT_CREATE);
    snprintf(cmd.account.username, sizeof cmd.account.username, "%s%07" PRIu64, prefix, i);
    snprintf(cmd.account.email, sizeof cmd.account.email, "%s%" PRIu64 "@bench.example.org", prefix,
             i);
    snprintf(cmd.account.pwhash, sizeof cmd.account.pwhash, "$argon2id$fake-hash-for-bench");
    /* Most participants are citizens; a few declare an organisation. */
    uint64_t r = below(g, 1000);
    cmd.account.status = r < 960   ? CC_STATUS_CITIZEN
                         : r < 980 ? CC_STATUS_ASSOCIATION
                         : r < 990 ? CC_STATUS_COMPANY
                         : r < 995 ? CC_STATUS_PUBLIC_BODY
                                   : CC_STATUS_REPRESENTATIVE;
    if (cmd.account.status != CC_STATUS_CITIZEN)
        snprintf(cmd.account.org, sizeof cmd.account.org, "%s",
                 statuses_org[below(g, sizeof statuses_org / sizeof statuses_org[0])]);
    exec_ok(g, &cmd, "account create");
    char token[CC_TOKEN_TEXT_LEN + 1];
    memcpy(token, cmd.result.token, sizeof token);
    cc_command_init(&cmd, CC_CMD_ACCOUNT_CONFIRM);
    cmd.token = token;
    cmd.token_len = strlen(token);
    exec_ok(g, &cmd, "account confirm");
    g->done[K_REGISTER]++;
    return cmd.result.pseudonym;
}

static void grant(gen *g, const cc_pseudonym *who, cc_role role)
{
    cc_command cmd;
    cc_command_event(&cmd, CC_EV_ROLE_GRANTED, &g->admin);
    cmd.event.p = *who;
    cmd.event.role = (uint8_t)role;
    cc_event_set(&cmd.event, CC_F_P);
    cc_event_set(&cmd.event, CC_F_ROLE);
    exec_ok(g, &cmd, "role grant");
}

static void setup(gen *g)
{
    static const char *const theme_titles[NTHEMES] = {
        "La transition écologique", "La fiscalité et les dépenses publiques",
        "La démocratie et la citoyenneté", "L'organisation de l'État et des services publics"};
    static const char *const section_titles[SECTIONS_PER_THEME] = {
        "Présentation", "Diagnostic", "Propositions", "Autres contributions"};
    static const cc_section_kind section_kinds[SECTIONS_PER_THEME] = {
        CC_KIND_PRESENTATION, CC_KIND_DIAGNOSTIC, CC_KIND_PROPOSALS, CC_KIND_OTHER};
    cc_command cmd;

    g->admin = register_one(g, "admin", 0);
    grant(g, &g->admin, CC_ROLE_ADMIN);
    for (unsigned i = 0; i < g->moderators; i++) {
        g->mods[i] = register_one(g, "modo", i);
        grant(g, &g->mods[i], CC_ROLE_MODERATOR);
    }
    for (unsigned t = 0; t < NTHEMES; t++) {
        cc_command_event(&cmd, CC_EV_THEME_CREATED, &g->admin);
        cmd.event.order = t + 1;
        cmd.event.opens = T0_MS;
        cmd.event.closes = T0_MS + SPAN_MS;
        cc_event_set(&cmd.event, CC_F_ORDER);
        cc_event_set(&cmd.event, CC_F_OPENS);
        cc_event_set(&cmd.event, CC_F_CLOSES);
        cc_command_body(&cmd, CC_B_TITLE, theme_titles[t]);
        set_text(g, &cmd, CC_B_TEXT, 1500);
        exec_ok(g, &cmd, "theme");
        g->themes[t] = cmd.result.seq;
        for (unsigned s = 0; s < SECTIONS_PER_THEME; s++) {
            cc_command_event(&cmd, CC_EV_SECTION_CREATED, &g->admin);
            cmd.event.theme = g->themes[t];
            cmd.event.kind = (uint8_t)section_kinds[s];
            cmd.event.posting = s > 0;
            cmd.event.order = s + 1;
            cc_event_set(&cmd.event, CC_F_THEME);
            cc_event_set(&cmd.event, CC_F_KIND);
            cc_event_set(&cmd.event, CC_F_POSTING);
            cc_event_set(&cmd.event, CC_F_ORDER);
            cc_command_body(&cmd, CC_B_TITLE, section_titles[s]);
            exec_ok(g, &cmd, "section");
            g->sections[t][s] = cmd.result.seq;
        }
        cc_command_event(&cmd, CC_EV_THEME_OPENED, &g->admin);
        cmd.event.theme = g->themes[t];
        cc_event_set(&cmd.event, CC_F_THEME);
        exec_ok(g, &cmd, "theme open");
    }
}

/* ---- one event of each kind --------------------------------------------- */

static void register_participant(gen *g)
{
    grow_array((void **)&g->people, &g->people_cap, (uint64_t)g->npeople + 1, sizeof *g->people);
    g->people[g->npeople] = register_one(g, "p", g->npeople);
    g->npeople++;
}

static const cc_pseudonym *actor(gen *g)
{
    return &g->people[skewed(g, g->npeople, 2.0)];
}

/* A contribution index by popularity: three in four by a power law of age
 * (the oldest are the most seen), one in four among the most recent. */
static uint32_t popular(gen *g)
{
    uint32_t n = g->items[0].n;
    if (below(g, 4) == 0) {
        uint32_t w = n < RECENT_WINDOW ? n : RECENT_WINDOW;
        return n - 1 - (uint32_t)below(g, w);
    }
    return (uint32_t)skewed(g, n, 3.0);
}

static void push_item(gen *g, int kind, uint64_t seq, uint32_t parent)
{
    item_list *l = &g->items[kind];
    if (l->n == l->cap) {
        uint64_t cap = l->cap;
        grow_array((void **)&l->v, &cap, (uint64_t)l->n + 1, sizeof *l->v);
        l->cap = (uint32_t)cap;
    }
    l->v[l->n++] = (item){.seq = seq, .parent = parent, .state = CC_LIVE};
}

static int contribution(gen *g)
{
    static const unsigned theme_w[NTHEMES] = {35, 25, 20, 20};
    static const unsigned section_w[SECTIONS_PER_THEME - 1] = {25, 55, 20};
    if (!g->npeople) return -1;
    unsigned t = weighted(g, theme_w, NTHEMES), s = 1 + weighted(g, section_w, 3);
    cc_command cmd;
    cc_command_event(&cmd, CC_EV_CONTRIBUTION_POSTED, actor(g));
    cmd.event.section = g->sections[t][s];
    cc_event_set(&cmd.event, CC_F_SECTION);
    set_text(g, &cmd, CC_B_TITLE, text_len(g, 15, 120));
    set_text(g, &cmd, CC_B_TEXT, text_len(g, 40, 1600));
    exec_ok(g, &cmd, "contribution");
    push_item(g, 0, cmd.result.seq, 0);
    return 0;
}

/* A live contribution by popularity, or -1. */
static int64_t live_contribution(gen *g)
{
    if (!g->items[0].n) return -1;
    for (int i = 0; i < MAX_TRIES; i++) {
        uint32_t c = popular(g);
        if (g->items[0].v[c].state == CC_LIVE) return c;
    }
    return -1;
}

/* A live argument under a live contribution, or -1. Arguments are drawn by
 * the popularity of their contribution's position among arguments: the
 * same power law, over the arguments' order. */
static int64_t live_argument(gen *g)
{
    item_list *a = &g->items[1];
    if (!a->n) return -1;
    for (int i = 0; i < MAX_TRIES; i++) {
        uint32_t k = below(g, 4) == 0 ? a->n - 1 - (uint32_t)below(g, a->n < 500 ? a->n : 500)
                                      : (uint32_t)skewed(g, a->n, 3.0);
        if (a->v[k].state == CC_LIVE && g->items[0].v[a->v[k].parent].state == CC_LIVE) return k;
    }
    return -1;
}

static int child(gen *g, int kind)
{
    int64_t c = live_contribution(g);
    if (c < 0 || !g->npeople) return -1;
    cc_command cmd;
    cc_command_event(&cmd, kind == 1 ? CC_EV_ARGUMENT_POSTED : CC_EV_COMMENT_POSTED, actor(g));
    cmd.event.item = g->items[0].v[c].seq;
    cc_event_set(&cmd.event, CC_F_ITEM);
    if (kind == 1) {
        cmd.event.side = below(g, 100) < 60 ? CC_SIDE_FOR : CC_SIDE_AGAINST;
        cc_event_set(&cmd.event, CC_F_SIDE);
        set_text(g, &cmd, CC_B_TEXT, text_len(g, 30, 800));
    } else {
        set_text(g, &cmd, CC_B_TEXT, text_len(g, 20, 600));
    }
    exec_ok(g, &cmd, kind == 1 ? "argument" : "comment");
    push_item(g, kind, cmd.result.seq, (uint32_t)c);
    return 0;
}

static uint64_t pair_hash(uint64_t key)
{
    uint64_t s = key;
    return splitmix(&s);
}

/* Insert the pair; 0 when new, 1 when already there. */
static int pair_add(gen *g, uint64_t key)
{
    uint64_t i = pair_hash(key) & g->pairs_mask;
    while (g->pairs[i]) {
        if (g->pairs[i] == key) return 1;
        i = (i + 1) & g->pairs_mask;
    }
    g->pairs[i] = key;
    g->npairs++;
    return 0;
}

static int vote(gen *g)
{
    if (!g->npeople) return -1;
    int on_argument = g->items[1].n && below(g, 100) < 15;
    for (int i = 0; i < MAX_TRIES; i++) {
        int64_t t = on_argument ? live_argument(g) : live_contribution(g);
        if (t < 0) {
            if (!on_argument) return -1;
            on_argument = 0;
            continue;
        }
        /* Later tries widen the voter draw, so a pair is found even when
         * the most active voters have seen every popular target. */
        uint64_t who = i < MAX_TRIES / 2 ? skewed(g, g->npeople, 2.0) : below(g, g->npeople);
        uint64_t key = ((who + 1) << 32) | ((uint64_t)on_argument << 31) | (uint64_t)t;
        if (pair_add(g, key)) continue;
        cc_command cmd;
        cc_command_event(&cmd, CC_EV_VOTE_CAST, &g->people[who]);
        cmd.event.item = g->items[on_argument].v[t].seq;
        if (on_argument) {
            cmd.event.value = CC_VOTE_UP;
        } else {
            uint64_t r = below(g, 100);
            cmd.event.value = r < 55   ? CC_VOTE_AGREE
                              : r < 70 ? CC_VOTE_MITIGATED
                                       : CC_VOTE_DISAGREE;
        }
        cc_event_set(&cmd.event, CC_F_ITEM);
        cc_event_set(&cmd.event, CC_F_VALUE);
        exec_ok(g, &cmd, "vote");
        return 0;
    }
    return -1;
}

static item *ref_item(gen *g, ref r)
{
    return &g->items[r.kind].v[r.idx];
}

/* Interactive: live, and for arguments and comments, under a live
 * contribution. */
static int interactive(gen *g, ref r)
{
    item *it = ref_item(g, r);
    if (it->state != CC_LIVE) return 0;
    return r.kind == 0 || g->items[0].v[it->parent].state == CC_LIVE;
}

static int flag(gen *g)
{
    static const unsigned reason_w[6] = {35, 10, 25, 20, 3, 7};
    if (!g->npeople || !g->items[0].n) return -1;
    for (int i = 0; i < MAX_TRIES; i++) {
        ref r;
        uint64_t k = below(g, 100);
        if (k < 20 && g->items[1].n) {
            int64_t a = live_argument(g);
            if (a < 0) continue;
            r = (ref){1, (uint32_t)a};
        } else if (k < 30 && g->items[2].n) {
            r = (ref){2, (uint32_t)skewed(g, g->items[2].n, 1.5)};
        } else {
            int64_t c = live_contribution(g);
            if (c < 0) continue;
            r = (ref){0, (uint32_t)c};
        }
        if (!interactive(g, r)) continue;
        cc_command cmd;
        cc_command_event(&cmd, CC_EV_FLAG_RAISED, actor(g));
        cmd.event.item = ref_item(g, r)->seq;
        cmd.event.reason = (uint8_t)(1 + weighted(g, reason_w, 6));
        cc_event_set(&cmd.event, CC_F_ITEM);
        cc_event_set(&cmd.event, CC_F_FLAG_REASON);
        if (below(g, 100) < 30) set_text(g, &cmd, CC_B_TEXT, text_len(g, 20, 300));
        if (exec(g, &cmd)) continue; /* already flagged by this participant */
        ref_item(g, r)->flagged = 1;
        grow_array((void **)&g->flag_queue, &g->flag_queue_cap, g->nflag_queue + 1,
                   sizeof *g->flag_queue);
        g->flag_queue[g->nflag_queue++] = r;
        return 0;
    }
    return -1;
}

static void moderation_note(gen *g, cc_command *cmd)
{
    if (below(g, 2)) set_text(g, cmd, CC_B_TEXT, text_len(g, 30, 300));
}

static int moderation(gen *g)
{
    if (!g->moderators || !g->items[0].n) return -1;
    const cc_pseudonym *mod = &g->mods[below(g, g->moderators)];
    cc_command cmd;
    uint64_t r = below(g, 100);

    /* Restore a trashed item (an appeal that succeeded). */
    if (r < 7 && g->ntrashed) {
        uint64_t k = g->ntrashed - 1 - below(g, g->ntrashed < 200 ? g->ntrashed : 200);
        ref x = {0, g->trashed[k]};
        if (ref_item(g, x)->state == CC_TRASHED) {
            cc_command_event(&cmd, CC_EV_ITEM_RESTORED, mod);
            cmd.event.item = ref_item(g, x)->seq;
            cc_event_set(&cmd.event, CC_F_ITEM);
            moderation_note(g, &cmd);
            exec_ok(g, &cmd, "restore");
            ref_item(g, x)->state = CC_LIVE;
            return 0;
        }
    }

    /* Work on the flag queue: dismiss, trash, or (rarely) remove. */
    for (int i = 0; i < MAX_TRIES && g->nflag_queue; i++) {
        uint64_t w = g->nflag_queue < FLAG_QUEUE_WINDOW ? g->nflag_queue : FLAG_QUEUE_WINDOW;
        ref x = g->flag_queue[g->nflag_queue - 1 - below(g, w)];
        item *it = ref_item(g, x);
        if (!it->flagged || it->state != CC_LIVE) continue;
        if (r < 45) {
            cc_command_event(&cmd, CC_EV_FLAG_DISMISSED, mod);
            cmd.event.item = it->seq;
            cc_event_set(&cmd.event, CC_F_ITEM);
            moderation_note(g, &cmd);
            exec_ok(g, &cmd, "dismiss");
        } else if (r < 97) {
            static const unsigned reason_w[5] = {35, 10, 30, 20, 5};
            cc_command_event(&cmd, CC_EV_ITEM_TRASHED, mod);
            cmd.event.item = it->seq;
            cmd.event.reason = (uint8_t)(1 + weighted(g, reason_w, 5));
            cc_event_set(&cmd.event, CC_F_ITEM);
            cc_event_set(&cmd.event, CC_F_TRASH_REASON);
            moderation_note(g, &cmd);
            exec_ok(g, &cmd, "trash");
            it->state = CC_TRASHED;
            if (x.kind == 0) {
                grow_array((void **)&g->trashed, &g->trashed_cap, g->ntrashed + 1,
                           sizeof *g->trashed);
                g->trashed[g->ntrashed++] = x.idx;
            }
        } else {
            cc_command_event(&cmd, CC_EV_ITEM_REMOVED, mod);
            cmd.event.item = it->seq;
            cmd.event.ground = (uint8_t)(CC_GROUND_RACIAL_HATRED + below(g, 3));
            cc_event_set(&cmd.event, CC_F_ITEM);
            cc_event_set(&cmd.event, CC_F_GROUND);
            moderation_note(g, &cmd);
            exec_ok(g, &cmd, "remove");
            it->state = CC_REMOVED;
        }
        it->flagged = 0;
        return 0;
    }

    /* Nothing flagged to work on: spam found by the moderators themselves. */
    int64_t c = live_contribution(g);
    if (c < 0) return -1;
    cc_command_event(&cmd, CC_EV_ITEM_TRASHED, mod);
    cmd.event.item = g->items[0].v[c].seq;
    cmd.event.reason = CC_TRASH_SPAM;
    cc_event_set(&cmd.event, CC_F_ITEM);
    cc_event_set(&cmd.event, CC_F_TRASH_REASON);
    moderation_note(g, &cmd);
    exec_ok(g, &cmd, "trash");
    g->items[0].v[c].state = CC_TRASHED;
    g->items[0].v[c].flagged = 0;
    grow_array((void **)&g->trashed, &g->trashed_cap, g->ntrashed + 1, sizeof *g->trashed);
    g->trashed[g->ntrashed++] = (uint32_t)c;
    return 0;
}

static int emit(gen *g, int kind)
{
    switch (kind) {
    case K_REGISTER:
        register_participant(g);
        return 0;
    case K_CONTRIBUTION:
        return contribution(g);
    case K_VOTE:
        return vote(g);
    case K_ARGUMENT:
        return child(g, 1);
    case K_COMMENT:
        return child(g, 2);
    case K_FLAG:
        return flag(g);
    case K_MODERATION:
        return moderation(g);
    default:
        return -1;
    }
}

/* ---- main --------------------------------------------------------------- */

static void usage(void)
{
    fprintf(stderr, "usage: gen_consultation --data DIR [--scale F] [--participants N]\n"
                    "         [--contributions N] [--votes N] [--arguments N] [--comments N]\n"
                    "         [--flags N] [--moderation N] [--moderators N] [--seed S]\n"
                    "         [--batch N] [--quiet]\n"
                    "  --data DIR        new data directory (must not hold a ledger)\n"
                    "  --scale F         multiply every default count by F (default 1)\n"
                    "  --participants N  registered participants, staff included (default 500000)\n"
                    "  --contributions N (default 2000000)   --votes N (default 10000000)\n"
                    "  --arguments N     (default 400000)    --comments N (default 300000)\n"
                    "  --flags N         (default 50000)     --moderation N (default 20000)\n"
                    "  --moderators N    moderators among the participants (default 20)\n"
                    "  --seed S          seed of the choices (default 1)\n"
                    "  --batch N         commands per write transaction (default 20000)\n"
                    "One JSON object on stdout; progress on stderr.\n");
}

static uint64_t parse_u64(const char *s, const char *flag)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s ? s : "", &end, 10);
    if (!s || errno || end == s || *end || *s == '-') die("%s wants a number", flag);
    return v;
}

static double parse_double(const char *s, const char *flag)
{
    char *end;
    errno = 0;
    double v = strtod(s ? s : "", &end);
    if (!s || errno || end == s || *end || !(v > 0) || v > 100)
        die("%s wants a number in (0, 100]", flag);
    return v;
}

static uint64_t dir_bytes(const char *dir)
{
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/ledger/data.mdb", dir);
    return stat(path, &st) == 0 ? (uint64_t)st.st_blocks * 512 : 0;
}

int main(int argc, char **argv)
{
    gen *g = xcalloc(1, sizeof *g);
    const char *dir = NULL;
    double scale = 1.0;
    int64_t explicit_[K_N];
    for (int k = 0; k < K_N; k++)
        explicit_[k] = -1;
    g->seed = 1;
    g->batch = DEFAULT_BATCH;
    g->moderators = DEFAULT_MODERATORS;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int k, matched = 0;
        for (k = 0; k < K_N; k++) {
            char flag[32];
            snprintf(flag, sizeof flag, "--%s", kind_names[k]);
            if (!strcmp(a, flag)) {
                explicit_[k] = (int64_t)parse_u64(v, a);
                matched = 1;
                i++;
                break;
            }
        }
        if (matched) continue;
        if (!strcmp(a, "--data") && v) {
            dir = v;
            i++;
        } else if (!strcmp(a, "--scale")) {
            scale = parse_double(v, a);
            i++;
        } else if (!strcmp(a, "--seed")) {
            g->seed = parse_u64(v, a);
            i++;
        } else if (!strcmp(a, "--batch")) {
            g->batch = parse_u64(v, a);
            if (!g->batch) die("--batch wants a positive number");
            i++;
        } else if (!strcmp(a, "--moderators")) {
            g->moderators = (unsigned)parse_u64(v, a);
            i++;
        } else if (!strcmp(a, "--quiet")) {
            g->quiet = 1;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage();
            return 0;
        } else {
            usage();
            return 2;
        }
    }
    if (!dir) {
        usage();
        return 2;
    }
    for (int k = 0; k < K_N; k++)
        g->want[k] = explicit_[k] >= 0 ? (uint64_t)explicit_[k]
                                       : (uint64_t)llround((double)defaults[k] * scale);
    /* Staff are participants too; there must be someone left to take part. */
    if (g->want[K_REGISTER] < (uint64_t)g->moderators + 2)
        die("--participants must exceed the %u moderators and the administrator", g->moderators);
    if (g->want[K_REGISTER] > UINT32_MAX - 1 || g->want[K_CONTRIBUTION] > INT32_MAX ||
        g->want[K_ARGUMENT] > INT32_MAX || g->want[K_COMMENT] > INT32_MAX)
        die("counts too large");
    uint64_t ordinary = g->want[K_REGISTER] - 1 - g->moderators;
    if (g->want[K_VOTE] &&
        (!g->want[K_CONTRIBUTION] ||
         (double)g->want[K_VOTE] > 0.2 * (double)ordinary * (double)g->want[K_CONTRIBUTION]))
        die("too many votes for so few participants and contributions");

    g->planned = 1 + g->moderators + NTHEMES * (2 + SECTIONS_PER_THEME);
    for (int k = 0; k < K_N; k++)
        g->planned += g->want[k];
    g->rng = g->seed * 0x9e3779b97f4a7c15ull + 1;

    /* Room on disk: about 1.2 KB per event and 1 KB per body, plus slack. */
    uint64_t bodies = g->want[K_CONTRIBUTION] + g->want[K_ARGUMENT] + g->want[K_COMMENT];
    uint64_t need = g->planned * 1200 + bodies * 1000 + ((uint64_t)64 << 20);
    struct statvfs vfs;
    char parent[4096];
    snprintf(parent, sizeof parent, "%s", dir);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent)
        *slash = '\0';
    else if (!slash)
        snprintf(parent, sizeof parent, ".");
    if (statvfs(parent, &vfs) == 0 && (uint64_t)vfs.f_bavail * vfs.f_frsize < need)
        die("about %" PRIu64 " MB needed in %s, %" PRIu64 " MB free", need >> 20, parent,
            ((uint64_t)vfs.f_bavail * vfs.f_frsize) >> 20);

    uint64_t cap = 1024;
    while (cap < 2 * g->want[K_VOTE])
        cap *= 2;
    g->pairs = xcalloc(cap, sizeof *g->pairs);
    g->pairs_mask = cap - 1;
    g->mods = xcalloc(g->moderators ? g->moderators : 1, sizeof *g->mods);
    g->pool = make_pool(g, POOL_BYTES, 1);
    g->title_pool = make_pool(g, TITLE_POOL_BYTES, 0);

    must(cc_ledger_create(dir, "bench.example/consultation", NULL, 0), "ledger create");
    /* A map big enough for the whole load: a full map mid-transaction would
     * lose the batch, which the generator cannot replay. The file grows only
     * as pages are written. */
    cc_ledger_options opt = {.map_size = (size_t)need * 2 + ((size_t)1 << 30)};
    must(cc_ledger_open(&g->l, dir, &opt), "ledger open");
    int rc = mdb_env_set_flags(g->l.env, MDB_NOSYNC, 1);
    if (rc) die("mdb_env_set_flags: %s", mdb_strerror(rc));

    if (!g->quiet)
        fprintf(stderr,
                "# gen: %" PRIu64 " events planned: %" PRIu64 " participants, %" PRIu64
                " contributions, %" PRIu64 " votes, %" PRIu64 " arguments, %" PRIu64
                " comments, %" PRIu64 " flags, %" PRIu64 " moderation acts\n",
                g->planned, g->want[K_REGISTER], g->want[K_CONTRIBUTION], g->want[K_VOTE],
                g->want[K_ARGUMENT], g->want[K_COMMENT], g->want[K_FLAG], g->want[K_MODERATION]);
    uint64_t t0 = now_ns(), next_report = g->planned / 10;
    txn_begin(g);
    setup(g);
    /* Staff count among the participants. */
    uint64_t left[K_N], total = 0;
    for (int k = 0; k < K_N; k++)
        left[k] = g->want[k];
    left[K_REGISTER] -= 1 + g->moderators;
    /* Launch wave: a tenth of the participants register first. */
    uint64_t wave = left[K_REGISTER] / 10 + 1;
    for (uint64_t i = 0; i < wave && left[K_REGISTER]; i++, left[K_REGISTER]--)
        register_participant(g);
    for (int k = 0; k < K_N; k++)
        total += left[k];
    /* Then every kind, in the proportions of what remains. A kind that is
     * not possible yet (a vote before any contribution) gives way to a
     * registration or a contribution, which makes it possible. */
    uint64_t stuck = 0;
    while (total) {
        uint64_t r = below(g, total), acc = 0;
        int k = 0;
        for (; k < K_N; k++) {
            acc += left[k];
            if (r < acc) break;
        }
        if (emit(g, k) != 0) {
            if (left[K_REGISTER])
                k = K_REGISTER;
            else if (left[K_CONTRIBUTION])
                k = K_CONTRIBUTION;
            else if (++stuck > 1000000)
                die("cannot place the remaining %s", kind_names[k]);
            else
                continue;
            if (emit(g, k) != 0) die("cannot place a %s", kind_names[k]);
        }
        if (k != K_REGISTER) g->done[k]++;
        left[k]--;
        total--;
        if (g->ctx.log_size >= next_report) {
            progress(g, t0);
            next_report += g->planned / 10;
        }
    }
    txn_commit(g);
    rc = mdb_env_sync(g->l.env, 1);
    if (rc) die("mdb_env_sync: %s", mdb_strerror(rc));
    uint64_t t1 = now_ns();
    double seconds = (double)(t1 - t0) / 1e9;
    uint64_t events = g->ctx.log_size;
    cc_ledger_close(&g->l);
    uint64_t bytes = dir_bytes(dir);

    printf("{\"bench\":\"gen_consultation\",\"seed\":%" PRIu64 ",\"scale\":%g,\"events\":%" PRIu64,
           g->seed, scale, events);
    for (int k = 0; k < K_N; k++)
        printf(",\"%s\":%" PRIu64, kind_names[k], g->done[k]);
    printf(",\"refused\":%" PRIu64 ",\"seconds\":%.3f,\"events_per_s\":%.0f,\"db_bytes\":%" PRIu64
           ",\"db_bytes_per_event\":%.1f}\n",
           g->refused, seconds, (double)events / seconds, bytes,
           events ? (double)bytes / (double)events : 0.0);
    fflush(stdout);
    if (!g->quiet)
        fprintf(stderr,
                "# gen: %" PRIu64 " events in %.1f s (%.0f events/s), %" PRIu64 " commits, %" PRIu64
                " refused and replaced, ledger %.1f MB (%.0f B/event)\n",
                events, seconds, (double)events / seconds, g->commits, g->refused,
                (double)bytes / 1e6, events ? (double)bytes / (double)events : 0.0);
    if (g->done[K_REGISTER] != g->want[K_REGISTER] || events != g->planned)
        die("wrote %" PRIu64 " events, planned %" PRIu64, events, g->planned);
    return 0;
}
