/* bench_http.c - the seeding half of the HTTP benchmark (bench_http.sh).
 *
 * What it does. bench_http.sh creates a demo ledger with `concerto init
 * --demo`; this program then makes it big enough for the pages and lists to
 * be realistic, and gives the vote case its voters: it registers and
 * confirms --participants accounts (bench0001, bench0002, ... all with the
 * password --password), posts --contributions contributions spread
 * round-robin over every section of the demo that accepts contributions,
 * and casts --votes-per votes on each of them, by distinct participants.
 * Everything goes through the writer (cc_writer_submit), exactly as the
 * site's own commands do, so the ledger is one the site could have written.
 *
 * Why not through the site. The site has no HTTP route to post a
 * contribution yet (the actions feature is being written), and registering
 * hundreds of accounts through /inscription would cost one argon2id hash
 * each, with the rate limits to lift: here the password is hashed once and
 * the same hash is stored for every account (a salted argon2id string
 * verifies for any account that holds it).
 *
 * Speed. Commands are submitted asynchronously, a window of them at a time,
 * so the writer batches them and the seeding of a few thousand items takes
 * seconds rather than one fsync per command.
 *
 * Output on stdout, one line per fact, for the script to read:
 *   section ID            (each section that accepts contributions)
 *   contribution ID       (each contribution posted here)
 *   participant USERNAME  (each account registered here)
 * With --reserve N, the first N accounts (bench0001..) neither post nor
 * vote during seeding: the vote case logs them in and votes as them.
 * and a summary on stderr. Run it while no server holds the ledger. */
#include "demo.h"
#include "error.h"
#include "ledger.h"
#include "log.h"
#include "writer.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SECTIONS 256
#define WINDOW 512

static const char *const texts[] = {
    "Former les enseignants au numérique dès la formation initiale, puis tout au long de la "
    "carrière, avec du temps dédié dans le service : sans cela les équipements restent dans "
    "les placards et les usages dépendent de la bonne volonté de chacun.",
    "Les familles sans connexion ni ordinateur sont les premières pénalisées quand les devoirs "
    "passent en ligne. Il faut prévoir des prêts de matériel et des salles ouvertes le soir.",
    "Apprendre à coder n'est pas l'essentiel : apprendre à chercher, trier et vérifier "
    "l'information l'est davantage. L'éducation aux médias devrait commencer dès le primaire.",
    "Les **ressources libres** produites par les enseignants gagneraient à être mutualisées "
    "sur une plateforme publique, avec une licence claire et un moteur de recherche correct.",
};

static void die(const char *what, int rc)
{
    fprintf(stderr, "bench_http: %s: %s\n", what, cc_strerror(rc));
    exit(1);
}

/* ---- a window of asynchronous commands ---------------------------------- */

typedef struct window {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned pending;
    int first_error;
    cc_command cmds[WINDOW];
    char titles[WINDOW][96]; /* cc_command_body borrows: one buffer per slot */
    unsigned used;
} window;

static void on_done(cc_command *cmd, void *arg)
{
    window *win = arg;
    pthread_mutex_lock(&win->mu);
    if (cmd->result.rc && !win->first_error) win->first_error = cmd->result.rc;
    win->pending--;
    pthread_cond_signal(&win->cv);
    pthread_mutex_unlock(&win->mu);
}

/* Wait for every submitted command; fail on the first error. */
static void window_flush(window *win, const char *what)
{
    pthread_mutex_lock(&win->mu);
    while (win->pending)
        pthread_cond_wait(&win->cv, &win->mu);
    int rc = win->first_error;
    pthread_mutex_unlock(&win->mu);
    if (rc) die(what, rc);
}

static cc_command *window_next(window *win, const char *what)
{
    if (win->used == WINDOW) {
        window_flush(win, what);
        win->used = 0;
    }
    return &win->cmds[win->used++];
}

static void window_submit(window *win, cc_writer *w, cc_command *cmd, const char *what)
{
    pthread_mutex_lock(&win->mu);
    win->pending++;
    pthread_mutex_unlock(&win->mu);
    int rc = cc_writer_submit(w, cmd, on_done, win);
    if (rc) die(what, rc);
}

/* ---- main ----------------------------------------------------------------- */

static unsigned long arg_num(const char *s, const char *name)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || s[0] == '-' || !*s) {
        fprintf(stderr, "bench_http: %s wants a number\n", name);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {{"data", required_argument, 0, 'd'},
                                             {"participants", required_argument, 0, 'p'},
                                             {"contributions", required_argument, 0, 'c'},
                                             {"votes-per", required_argument, 0, 'v'},
                                             {"password", required_argument, 0, 'w'},
                                             {"reserve", required_argument, 0, 'r'},
                                             {0, 0, 0, 0}};
    const char *dir = NULL, *password = "bench-password-1";
    unsigned long participants = 200, contributions = 3000, votes_per = 3, reserve = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': dir = optarg; break;
        case 'p': participants = arg_num(optarg, "--participants"); break;
        case 'c': contributions = arg_num(optarg, "--contributions"); break;
        case 'v': votes_per = arg_num(optarg, "--votes-per"); break;
        case 'w': password = optarg; break;
        case 'r': reserve = arg_num(optarg, "--reserve"); break;
        default: goto usage;
        }
    }
    if (!dir || optind != argc || participants > 99999 || reserve + 2 > participants) goto usage;
    /* The first `reserve` participants neither post nor vote here: they are
     * the vote case's voters, so its first vote on any contribution is a
     * vote.cast and never lands on their own contribution. */
    unsigned long actors = participants - reserve;
    if (votes_per >= actors) votes_per = actors - 1; /* never the author */

    cc_ledger l;
    cc_writer *w = NULL;
    int rc;
    if ((rc = cc_ledger_open(&l, dir, NULL))) die("open", rc);

    /* The sections that accept contributions. */
    uint64_t sections[MAX_SECTIONS];
    unsigned nsections = 0;
    {
        MDB_txn *txn;
        cc_log_iter it;
        uint64_t seq;
        cc_slice entry;
        if ((rc = cc_ledger_read_begin(&l, &txn))) die("read", rc);
        if ((rc = cc_log_iter_open(txn, l.log, 0, &it))) die("log", rc);
        while ((rc = cc_log_iter_next(&it, &seq, &entry)) == 0) {
            cc_event e;
            if ((rc = cc_event_decode(entry.ptr, entry.len, &e))) die("decode", rc);
            if (e.type == CC_EV_SECTION_CREATED && e.posting && nsections < MAX_SECTIONS)
                sections[nsections++] = seq;
        }
        if (rc != CC_ENOTFOUND) die("log", rc);
        cc_log_iter_close(&it);
        cc_ledger_read_end(&l, txn);
    }
    if (!nsections) {
        fprintf(stderr, "bench_http: no section accepts contributions (was it init --demo?)\n");
        return 1;
    }
    if ((rc = cc_writer_start(&l, NULL, &w))) die("writer", rc);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    window *win = calloc(1, sizeof *win);
    if (!win) die("memory", CC_ENOMEM);
    pthread_mutex_init(&win->mu, NULL);
    pthread_cond_init(&win->cv, NULL);

    char pwhash[CC_PWHASH_MAX];
    if ((rc = cc_password_hash(password, strlen(password), pwhash))) die("password", rc);

    /* Accounts: create all, then confirm all with their tokens. */
    char(*tokens)[CC_TOKEN_TEXT_LEN + 1] = calloc(participants, sizeof *tokens);
    cc_pseudonym *who = calloc(participants, sizeof *who);
    if (!tokens || !who) die("memory", CC_ENOMEM);
    for (unsigned long done = 0; done < participants;) {
        unsigned long n = participants - done < WINDOW ? participants - done : WINDOW;
        win->used = 0;
        for (unsigned long i = 0; i < n; i++) {
            cc_command *cmd = window_next(win, "account");
            cc_command_init(cmd, CC_CMD_ACCOUNT_CREATE);
            snprintf(cmd->account.username, sizeof cmd->account.username, "bench%04lu",
                     done + i + 1);
            snprintf(cmd->account.email, sizeof cmd->account.email, "bench%04lu@example.org",
                     done + i + 1);
            memcpy(cmd->account.pwhash, pwhash, sizeof pwhash);
            cmd->account.status = CC_STATUS_CITIZEN;
            window_submit(win, w, cmd, "account");
        }
        window_flush(win, "account");
        for (unsigned long i = 0; i < n; i++)
            memcpy(tokens[done + i], win->cmds[i].result.token, sizeof tokens[0]);
        win->used = 0;
        for (unsigned long i = 0; i < n; i++) {
            cc_command *cmd = window_next(win, "confirm");
            cc_command_init(cmd, CC_CMD_ACCOUNT_CONFIRM);
            cmd->token = tokens[done + i];
            cmd->token_len = strlen(tokens[done + i]);
            window_submit(win, w, cmd, "confirm");
        }
        window_flush(win, "confirm");
        for (unsigned long i = 0; i < n; i++)
            who[done + i] = win->cmds[i].result.pseudonym;
        done += n;
    }

    /* Contributions, then their votes. */
    uint64_t *ids = calloc(contributions ? contributions : 1, sizeof *ids);
    if (!ids) die("memory", CC_ENOMEM);
    for (unsigned long done = 0; done < contributions;) {
        unsigned long n = contributions - done < WINDOW ? contributions - done : WINDOW;
        win->used = 0;
        for (unsigned long i = 0; i < n; i++) {
            unsigned long k = done + i;
            cc_command *cmd = window_next(win, "contribution");
            cc_command_event(cmd, CC_EV_CONTRIBUTION_POSTED, &who[reserve + k % actors]);
            cmd->event.section = sections[k % nsections];
            cc_event_set(&cmd->event, CC_F_SECTION);
            char *title = win->titles[cmd - win->cmds];
            snprintf(title, sizeof win->titles[0], "Proposition n° %lu pour l'école numérique",
                     k + 1);
            cc_command_body(cmd, CC_B_TITLE, title);
            cc_command_body(cmd, CC_B_TEXT, texts[k % (sizeof texts / sizeof texts[0])]);
            window_submit(win, w, cmd, "contribution");
        }
        window_flush(win, "contribution");
        for (unsigned long i = 0; i < n; i++)
            ids[done + i] = win->cmds[i].result.seq;
        done += n;
    }
    unsigned long nvotes = contributions * votes_per;
    win->used = 0;
    for (unsigned long k = 0; k < nvotes; k++) {
        unsigned long item = k / votes_per, v = k % votes_per;
        cc_command *cmd = window_next(win, "vote");
        /* distinct voters per item, never its author (reserve + item % actors) */
        cc_command_event(cmd, CC_EV_VOTE_CAST, &who[reserve + (item + 1 + v) % actors]);
        cmd->event.item = ids[item];
        cmd->event.value = (uint8_t)(CC_VOTE_AGREE + (item + v) % 3);
        cc_event_set(&cmd->event, CC_F_ITEM);
        cc_event_set(&cmd->event, CC_F_VALUE);
        window_submit(win, w, cmd, "vote");
    }
    window_flush(win, "vote");
    cc_writer_stop(w);
    cc_ledger_close(&l);
    clock_gettime(CLOCK_MONOTONIC, &t1);

    for (unsigned i = 0; i < nsections; i++)
        printf("section %" PRIu64 "\n", sections[i]);
    for (unsigned long i = 0; i < contributions; i++)
        printf("contribution %" PRIu64 "\n", ids[i]);
    for (unsigned long i = 0; i < participants; i++)
        printf("participant bench%04lu\n", i + 1);
    fprintf(stderr,
            "bench_http: %lu participants, %lu contributions over %u sections, %lu votes in "
            "%.1f s\n",
            participants, contributions, nsections, nvotes,
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    free(ids);
    free(who);
    free(tokens);
    pthread_cond_destroy(&win->cv);
    pthread_mutex_destroy(&win->mu);
    free(win);
    return 0;

usage:
    fprintf(stderr, "usage: bench_http --data DIR [--participants N] [--contributions N]\n"
                    "                  [--votes-per N] [--password PW] [--reserve N]\n");
    return 2;
}
