/* The group-commit writer: many producers, acknowledgements with gapless
 * sequence numbers, a rejected command rolled back alone inside its batch,
 * commit listeners, the account commands, and no personal data in the log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "demo.h"
#include "error.h"
#include "support.h"

#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { PRODUCERS = 8, PER_PRODUCER = 300 };

typedef struct producer {
    ct_world *w;
    int index;
    cc_command cmds[PER_PRODUCER];
    char titles[PER_PRODUCER][40];
    int acked;
} producer;

static void on_done(cc_command *cmd, void *arg)
{
    (void)cmd;
    producer *p = arg;
    __atomic_add_fetch(&p->acked, 1, __ATOMIC_RELEASE);
}

static void *produce(void *arg)
{
    producer *p = arg;
    for (int i = 0; i < PER_PRODUCER; i++) {
        snprintf(p->titles[i], sizeof p->titles[i], "p%d-%d", p->index, i);
        ct_post(&p->cmds[i], i % 2 ? &p->w->alice : &p->w->bob, p->w->section, p->titles[i],
                "Texte");
        if (cc_writer_submit(p->w->w, &p->cmds[i], on_done, p)) abort();
    }
    while (__atomic_load_n(&p->acked, __ATOMIC_ACQUIRE) < PER_PRODUCER)
        usleep(500);
    return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void many_producers_get_gapless_sequence_numbers(void **state)
{
    (void)state;
    ct_world w;
    ct_world_open(&w);
    uint64_t start = ct_log_size(&w);
    static producer ps[PRODUCERS];
    pthread_t threads[PRODUCERS];
    for (int i = 0; i < PRODUCERS; i++) {
        memset(&ps[i], 0, sizeof ps[i]);
        ps[i].w = &w;
        ps[i].index = i;
        pthread_create(&threads[i], NULL, produce, &ps[i]);
    }
    for (int i = 0; i < PRODUCERS; i++)
        pthread_join(threads[i], NULL);
    static uint64_t seqs[PRODUCERS * PER_PRODUCER];
    int n = 0;
    for (int i = 0; i < PRODUCERS; i++) {
        for (int j = 0; j < PER_PRODUCER; j++) {
            assert_int_equal(ps[i].cmds[j].result.rc, 0);
            assert_int_equal(ps[i].cmds[j].result.count, 1);
            /* Acknowledged only once durable: the log size reported covers it. */
            assert_true(ps[i].cmds[j].result.log_size > ps[i].cmds[j].result.seq);
            seqs[n++] = ps[i].cmds[j].result.seq;
        }
    }
    qsort(seqs, (size_t)n, sizeof seqs[0], cmp_u64);
    for (int i = 0; i < n; i++)
        assert_int_equal(seqs[i], start + (uint64_t)i);
    assert_int_equal(ct_log_size(&w), start + (uint64_t)n);
    /* Each producer's commands were appended in submission order. */
    for (int i = 0; i < PRODUCERS; i++)
        for (int j = 1; j < PER_PRODUCER; j++)
            assert_true(ps[i].cmds[j].result.seq > ps[i].cmds[j - 1].result.seq);
    cc_writer_stats stats;
    cc_writer_get_stats(w.w, &stats);
    assert_true(stats.batches < stats.commands); /* group commit happened */
    char msg[256];
    int rc = cc_ledger_verify(&w.l, NULL, msg, sizeof msg);
    if (rc) fail_msg("verify: %s", msg);
    ct_world_close(&w);
}

/* Hold the writer inside a completion so the next commands queue up and are
 * taken as one batch. */
typedef struct gate {
    sem_t entered, release;
} gate;

static void hold(cc_command *cmd, void *arg)
{
    (void)cmd;
    gate *g = arg;
    sem_post(&g->entered);
    sem_wait(&g->release);
}

typedef struct counter {
    int n;
} counter;

static void count(cc_command *cmd, void *arg)
{
    (void)cmd;
    __atomic_add_fetch(&((counter *)arg)->n, 1, __ATOMIC_RELEASE);
}

static void rejected_command_rolls_back_alone(void **state)
{
    (void)state;
    ct_world w;
    ct_world_open(&w);
    gate g;
    sem_init(&g.entered, 0, 0);
    sem_init(&g.release, 0, 0);
    cc_command first, a, bad, c;
    ct_post(&first, &w.alice, w.section, "Premier", "Texte");
    assert_int_equal(cc_writer_submit(w.w, &first, hold, &g), 0);
    sem_wait(&g.entered);
    cc_writer_stats before;
    cc_writer_get_stats(w.w, &before);
    counter done = {0};
    ct_post(&a, &w.alice, w.section, "A", "Texte");
    /* Valid up to its last step: the body is fine, the vote value is not. */
    ct_target(&bad, CC_EV_VOTE_CAST, &w.bob, w.contribution);
    bad.event.value = CC_VOTE_UP;
    cc_event_set(&bad.event, CC_F_VALUE);
    ct_post(&c, &w.bob, w.section, "C", "Texte");
    assert_int_equal(cc_writer_submit(w.w, &a, count, &done), 0);
    assert_int_equal(cc_writer_submit(w.w, &bad, count, &done), 0);
    assert_int_equal(cc_writer_submit(w.w, &c, count, &done), 0);
    sem_post(&g.release);
    while (__atomic_load_n(&done.n, __ATOMIC_ACQUIRE) < 3)
        usleep(500);
    cc_writer_stats after;
    cc_writer_get_stats(w.w, &after);
    assert_int_equal(after.batches - before.batches, 1); /* a, bad and c: one batch */
    assert_int_equal(a.result.rc, 0);
    assert_int_equal(bad.result.rc, CC_EENUM);
    assert_int_equal(bad.result.count, 0);
    assert_int_equal(c.result.rc, 0);
    assert_int_equal(c.result.seq, a.result.seq + 1);
    assert_int_equal(ct_log_size(&w), c.result.seq + 1);
    sem_destroy(&g.entered);
    sem_destroy(&g.release);
    ct_world_close(&w);
}

static void listener(uint64_t size, void *arg)
{
    __atomic_store_n((uint64_t *)arg, size, __ATOMIC_RELEASE);
}

static void listeners_hear_commits(void **state)
{
    (void)state;
    ct_world w;
    ct_world_open(&w);
    uint64_t heard = 0;
    assert_int_equal(cc_writer_listen(w.w, listener, &heard), 0);
    cc_command cmd;
    ct_post(&cmd, &w.bob, w.section, "Titre", "Texte");
    assert_int_equal(ct_exec(&w, &cmd), 0);
    assert_int_equal(__atomic_load_n(&heard, __ATOMIC_ACQUIRE), cmd.result.seq + 1);
    /* A rejected command commits nothing new: no new notification value. */
    ct_post(&cmd, &w.bob, w.closed_section, "Titre", "Texte");
    assert_int_equal(ct_exec(&w, &cmd), CC_ENOPOSTING);
    assert_int_equal(__atomic_load_n(&heard, __ATOMIC_ACQUIRE), ct_log_size(&w));
    ct_world_close(&w);
}

static int read_event(ct_world *w, uint64_t seq, cc_event *e)
{
    MDB_txn *txn;
    cc_slice entry;
    int rc = cc_ledger_read_begin(&w->l, &txn);
    if (!rc) rc = cc_log_get(txn, w->l.log, seq, &entry);
    if (!rc) rc = cc_event_decode(entry.ptr, entry.len, e);
    cc_ledger_read_end(&w->l, txn);
    return rc;
}

static void account_lifecycle(void **state)
{
    (void)state;
    ct_world w;
    ct_world_open(&w);
    uint64_t size = ct_log_size(&w);
    cc_command cmd;
    cc_command_init(&cmd, CC_CMD_ACCOUNT_CREATE);
    strcpy(cmd.account.username, "Asso-Numerique");
    strcpy(cmd.account.email, "bureau@asso.example.org");
    strcpy(cmd.account.pwhash, "$argon2id$fake");
    cmd.account.status = CC_STATUS_ASSOCIATION;
    strcpy(cmd.account.org, "Association du numérique éducatif");
    assert_int_equal(ct_exec(&w, &cmd), 0);
    cc_pseudonym p = cmd.result.pseudonym;
    char token[CC_TOKEN_TEXT_LEN + 1];
    strcpy(token, cmd.result.token);
    /* Nothing public before confirmation. */
    assert_int_equal(ct_log_size(&w), size);
    /* The same username in another case is taken. */
    strcpy(cmd.account.username, "asso-numerique");
    strcpy(cmd.account.email, "autre@asso.example.org");
    assert_int_equal(ct_exec(&w, &cmd), CC_EEXISTS);
    /* Not confirmed: no session. */
    cc_command_init(&cmd, CC_CMD_SESSION_CREATE);
    cmd.subject = p;
    assert_int_equal(ct_exec(&w, &cmd), CC_EUNCONFIRMED);

    cc_command_init(&cmd, CC_CMD_ACCOUNT_CONFIRM);
    cmd.token = token;
    cmd.token_len = strlen(token);
    assert_int_equal(ct_exec(&w, &cmd), 0);
    assert_string_equal(cmd.result.pseudonym.s, p.s);
    cc_event e;
    assert_int_equal(read_event(&w, cmd.result.seq, &e), 0);
    assert_int_equal(e.type, CC_EV_PARTICIPANT_REGISTERED);
    assert_string_equal(e.by.s, p.s);
    assert_int_equal(e.status, CC_STATUS_ASSOCIATION);
    assert_string_equal(e.org, "Association du numérique éducatif");
    assert_int_equal(ct_exec(&w, &cmd), CC_ETOKEN); /* once only */

    cc_command_init(&cmd, CC_CMD_SESSION_CREATE);
    cmd.subject = p;
    assert_int_equal(ct_exec(&w, &cmd), 0);
    char session[CC_TOKEN_TEXT_LEN + 1];
    strcpy(session, cmd.result.token);

    /* Status change: public, so an event. */
    cc_command_init(&cmd, CC_CMD_ACCOUNT_UPDATE);
    cmd.subject = p;
    cmd.update_status = 1;
    cmd.account.status = CC_STATUS_CITIZEN;
    assert_int_equal(ct_exec(&w, &cmd), 0);
    assert_int_equal(cmd.result.count, 1);
    assert_int_equal(read_event(&w, cmd.result.seq, &e), 0);
    assert_int_equal(e.type, CC_EV_PARTICIPANT_STATUS_CHANGED);
    assert_false(cc_event_is_set(&e, CC_F_ORG));

    /* E-mail change: a token for the new address, then its confirmation. */
    uint64_t before_email = ct_log_size(&w);
    cc_command_init(&cmd, CC_CMD_TOKEN_CREATE);
    cmd.subject = p;
    cmd.purpose = CC_TOKEN_EMAIL_CHANGE;
    strcpy(cmd.account.email, "nouvelle@asso.example.org");
    assert_int_equal(ct_exec(&w, &cmd), 0);
    char change[CC_TOKEN_TEXT_LEN + 1];
    strcpy(change, cmd.result.token);
    cc_command_init(&cmd, CC_CMD_EMAIL_CONFIRM);
    cmd.token = change;
    cmd.token_len = strlen(change);
    assert_int_equal(ct_exec(&w, &cmd), 0);
    assert_int_equal(ct_exec(&w, &cmd), CC_ETOKEN);  /* once only */
    assert_int_equal(ct_log_size(&w), before_email); /* private: no event */
    {
        MDB_txn *rtxn;
        cc_account acc;
        cc_pseudonym found;
        assert_int_equal(cc_ledger_read_begin(&w.l, &rtxn), 0);
        assert_int_equal(cc_vault_account_get(rtxn, &w.l.vault, &p, &acc), 0);
        assert_string_equal(acc.email, "nouvelle@asso.example.org");
        assert_int_equal(
            cc_vault_account_find(rtxn, &w.l.vault, "bureau@asso.example.org", 23, &found),
            CC_ENOTFOUND);
        cc_ledger_read_end(&w.l, rtxn);
    }

    /* Erasure: event, vault row and sessions gone. */
    cc_command_init(&cmd, CC_CMD_ACCOUNT_ERASE);
    cmd.subject = p;
    cmd.actor = p;
    assert_int_equal(ct_exec(&w, &cmd), 0);
    assert_int_equal(read_event(&w, cmd.result.seq, &e), 0);
    assert_int_equal(e.type, CC_EV_PARTICIPANT_ERASED);
    assert_string_equal(e.p.s, p.s);
    MDB_txn *txn;
    cc_account a;
    cc_pseudonym who;
    assert_int_equal(cc_ledger_read_begin(&w.l, &txn), 0);
    assert_int_equal(cc_vault_account_get(txn, &w.l.vault, &p, &a), CC_ENOTFOUND);
    assert_int_equal(
        cc_vault_session_get(txn, &w.l.vault, session, strlen(session), cc_now_ms(), &who),
        CC_ENOSESSION);
    cc_ledger_read_end(&w.l, txn);
    ct_world_close(&w);
}

/* ---- no personal data in the log ----------------------------------------- */

static int contains(const MDB_val *v, const char *needle)
{
    return memmem(v->mv_data, v->mv_size, needle, strlen(needle)) != NULL;
}

static void no_personal_data_outside_the_vault(void **state)
{
    (void)state;
    ct_world w;
    ct_world_open(&w);
    assert_int_equal(cc_demo_load(w.w, &w.admin, 0), 0);
    const char *needles[] = {/* the demo's and the fixture's accounts */
                             "camille@example.org",
                             "contact@parents.example.org",
                             "affaires@edutech.example.com",
                             "numerique@mairie.example.fr",
                             "lucas@example.net",
                             "moderation@example.org",
                             "admin@example.org",
                             "alice@example.org",
                             "bob@example.org",
                             "parents-eleves",
                             "edutech",
                             "mairie-exemple",
                             "camille",
                             "lucas",
                             "modo-fixture",
                             "alice",
                             "$argon2id"};
    MDB_txn *txn;
    assert_int_equal(cc_ledger_read_begin(&w.l, &txn), 0);
    /* Walk every named DBI of the env. */
    MDB_dbi main_db;
    assert_int_equal(mdb_dbi_open(txn, NULL, 0, &main_db), 0);
    MDB_cursor *names;
    assert_int_equal(mdb_cursor_open(txn, main_db, &names), 0);
    MDB_val name, unused;
    int dbs = 0, entries = 0;
    while (mdb_cursor_get(names, &name, &unused, MDB_NEXT) == 0) {
        char dbname[64];
        snprintf(dbname, sizeof dbname, "%.*s", (int)name.mv_size, (const char *)name.mv_data);
        if (strncmp(dbname, "vault_", 6) == 0) continue; /* the only place for it */
        MDB_dbi db;
        assert_int_equal(mdb_dbi_open(txn, dbname, 0, &db), 0);
        MDB_cursor *c;
        assert_int_equal(mdb_cursor_open(txn, db, &c), 0);
        MDB_val k, v;
        while (mdb_cursor_get(c, &k, &v, MDB_NEXT) == 0) {
            for (size_t i = 0; i < sizeof needles / sizeof *needles; i++) {
                if (contains(&k, needles[i]) || contains(&v, needles[i]))
                    fail_msg("'%s' found in DBI %s", needles[i], dbname);
            }
            entries++;
        }
        mdb_cursor_close(c);
        dbs++;
    }
    mdb_cursor_close(names);
    cc_ledger_read_end(&w.l, txn);
    assert_true(dbs >= 8);
    assert_true(entries > 200); /* a populated ledger was really scanned */
    ct_world_close(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(many_producers_get_gapless_sequence_numbers),
        cmocka_unit_test(rejected_command_rolls_back_alone),
        cmocka_unit_test(listeners_hear_commits),
        cmocka_unit_test(account_lifecycle),
        cmocka_unit_test(no_personal_data_outside_the_vault),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
