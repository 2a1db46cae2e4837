/* The projection framework: catch-up, waiting for a position, the worker
 * woken by commits, rebuilds byte-identical to incremental builds, views
 * consistent with their checkpoints after a crash, and the rebuild of the
 * write-side state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "demo.h"
#include "error.h"
#include "support.h"
#include "views.h"

#include <errno.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *views_dir(ct_world *w, const char *name)
{
    char *p = malloc(strlen(w->dir) + strlen(name) + 2);
    sprintf(p, "%s/%s", w->dir, name);
    return p;
}

static void catch_up_and_wait(void **state)
{
    (void)state;
    ct_world w;
    ct_world_open(&w);
    char *dir = views_dir(&w, "views");
    cc_views *v;
    assert_int_equal(cc_views_open(&v, dir, &w.l, NULL), 0);
    assert_int_equal(cc_views_position(v), 0);
    uint64_t applied, size = ct_log_size(&w);
    assert_int_equal(cc_views_catch_up(v, 5, &applied), 0);
    assert_int_equal(applied, 5);
    assert_int_equal(cc_views_position(v), 5);
    assert_int_equal(cc_views_catch_up(v, UINT64_MAX, &applied), 0);
    assert_int_equal(applied, size - 5);
    assert_int_equal(cc_views_position(v), size);
    assert_int_equal(cc_views_wait(v, size, 0), 0);
    assert_int_equal(cc_views_wait(v, size + 1, 50), -ETIMEDOUT);
    cc_views_close(v);
    /* Reopening keeps the checkpoint. */
    assert_int_equal(cc_views_open(&v, dir, &w.l, NULL), 0);
    assert_int_equal(cc_views_position(v), size);
    cc_views_close(v);
    free(dir);
    ct_world_close(&w);
}

static void worker_follows_commits(void **state)
{
    (void)state;
    ct_world w;
    ct_world_open(&w);
    char *dir = views_dir(&w, "views");
    cc_views *v;
    cc_views_options opt = {.chunk_events = 3};
    assert_int_equal(cc_views_open(&v, dir, &w.l, &opt), 0);
    assert_int_equal(cc_writer_listen(w.w, cc_views_notify, v), 0);
    assert_int_equal(cc_views_start(v), 0);
    for (int i = 0; i < 20; i++) {
        cc_command cmd;
        ct_post(&cmd, &w.bob, w.section, "Titre", "Texte");
        assert_int_equal(ct_exec(&w, &cmd), 0);
        /* Read-your-writes: the view reaches the write's position. */
        assert_int_equal(cc_views_wait(v, cmd.result.seq + 1, 5000), 0);
    }
    assert_int_equal(cc_views_position(v), ct_log_size(&w));
    /* The server's order: the writer (it notifies the views), then the
     * views worker (it reads the ledger), then the ledger. */
    cc_writer_stop(w.w);
    w.w = NULL;
    cc_views_close(v);
    ct_world_stop(&w);
    free(dir);
    ct_world_close(&w);
}

static void rebuild_is_byte_identical(void **state)
{
    (void)state;
    ct_world w;
    ct_world_open(&w);
    char *dir = views_dir(&w, "views"), *dir2 = views_dir(&w, "views-rebuilt");
    cc_views *v, *v2;
    cc_views_options opt = {.chunk_events = 7};
    assert_int_equal(cc_views_open(&v, dir, &w.l, &opt), 0);
    assert_int_equal(cc_writer_listen(w.w, cc_views_notify, v), 0);
    assert_int_equal(cc_views_start(v), 0);
    assert_int_equal(cc_demo_load(w.w, &w.admin, 0), 0);
    uint64_t size = ct_log_size(&w);
    assert_int_equal(cc_views_wait(v, size, 10000), 0);
    cc_views_stop(v);
    ct_world_stop(&w);
    ct_world_restart(&w); /* the views keep pointing at w.l, reopened in place */
    assert_int_equal(cc_views_open(&v2, dir2, &w.l, NULL), 0);
    assert_int_equal(cc_views_catch_up(v2, UINT64_MAX, NULL), 0);
    uint8_t d1[32], d2[32];
    assert_int_equal(cc_views_digest(v, d1), 0);
    assert_int_equal(cc_views_digest(v2, d2), 0);
    assert_memory_equal(d1, d2, 32);
    /* Clearing and rebuilding in place gives the same bytes again. */
    assert_int_equal(cc_views_clear(v), 0);
    assert_int_equal(cc_views_position(v), 0);
    assert_int_equal(cc_views_catch_up(v, UINT64_MAX, NULL), 0);
    assert_int_equal(cc_views_digest(v, d1), 0);
    assert_memory_equal(d1, d2, 32);
    /* And a prefix differs from the whole. */
    cc_views *v3;
    char *dir3 = views_dir(&w, "views-prefix");
    assert_int_equal(cc_views_open(&v3, dir3, &w.l, NULL), 0);
    assert_int_equal(cc_views_catch_up(v3, size - 1, NULL), 0);
    assert_int_equal(cc_views_digest(v3, d1), 0);
    assert_memory_not_equal(d1, d2, 32);
    cc_views_close(v3);
    cc_views_close(v2);
    cc_views_close(v);
    free(dir);
    free(dir2);
    free(dir3);
    ct_world_close(&w);
}

/* Kill a process that writes and projects; the views must match a rebuild
 * of the log up to their checkpoint. */
static void views_survive_kill(void **state)
{
    (void)state;
    ct_world w;
    ct_world_open(&w);
    ct_world_stop(&w);
    char *dir = views_dir(&w, "views"), *ref = views_dir(&w, "views-ref");
    int rounds = 8;
    for (int round = 0; round < rounds; round++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            ct_world_restart(&w);
            cc_views *v;
            cc_views_options opt = {.chunk_events = 5};
            if (cc_views_open(&v, dir, &w.l, &opt) || cc_writer_listen(w.w, cc_views_notify, v) ||
                cc_views_start(v))
                _exit(2);
            for (;;) {
                cc_command cmd;
                ct_post(&cmd, &w.bob, w.section, "Titre", "Texte");
                if (ct_exec(&w, &cmd)) _exit(3);
            }
        }
        usleep((useconds_t)(50000 + (rand() % 150000)));
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        assert_true(WIFSIGNALED(status));

        ct_world_restart(&w);
        cc_views *v, *r;
        assert_int_equal(cc_views_open(&v, dir, &w.l, NULL), 0);
        uint64_t pos = cc_views_position(v);
        ct_rmtree(ref);
        assert_int_equal(cc_views_open(&r, ref, &w.l, NULL), 0);
        assert_int_equal(cc_views_catch_up(r, pos, NULL), 0);
        uint8_t d1[32], d2[32];
        assert_int_equal(cc_views_digest(v, d1), 0);
        assert_int_equal(cc_views_digest(r, d2), 0);
        if (memcmp(d1, d2, 32) != 0)
            fail_msg("round %d: views differ from a rebuild at %llu", round,
                     (unsigned long long)pos);
        cc_views_close(r);
        cc_views_close(v);
        ct_world_stop(&w);
    }
    free(dir);
    free(ref);
    ct_world_close(&w);
}

static void digest_state(cc_ledger *l, uint8_t out[32])
{
    MDB_txn *txn;
    assert_int_equal(cc_ledger_read_begin(l, &txn), 0);
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    MDB_dbi dbis[] = {l->state.participants, l->state.items,    l->state.votes,
                      l->state.flags,        l->state.versions, l->state.counters};
    size_t entries = 0;
    for (size_t i = 0; i < sizeof dbis / sizeof dbis[0]; i++) {
        MDB_cursor *c;
        MDB_val k, v;
        assert_int_equal(mdb_cursor_open(txn, dbis[i], &c), 0);
        crypto_hash_sha256_update(&st, (const uint8_t *)"|", 1);
        while (mdb_cursor_get(c, &k, &v, MDB_NEXT) == 0) {
            crypto_hash_sha256_update(&st, k.mv_data, k.mv_size);
            crypto_hash_sha256_update(&st, (const uint8_t *)":", 1);
            crypto_hash_sha256_update(&st, v.mv_data, v.mv_size);
            entries++;
        }
        mdb_cursor_close(c);
    }
    cc_ledger_read_end(l, txn);
    crypto_hash_sha256_final(&st, out);
    assert_true(entries > 50);
}

static void state_rebuild_is_byte_identical(void **state)
{
    (void)state;
    ct_world w;
    ct_world_open(&w);
    assert_int_equal(cc_demo_load(w.w, &w.admin, 0), 0);
    ct_world_stop(&w);
    ct_world_restart(&w);
    cc_writer_stop(w.w);
    w.w = NULL;
    uint8_t before[32], after[32];
    digest_state(&w.l, before);
    uint64_t events;
    assert_int_equal(cc_ledger_rebuild_state(&w.l, &events), 0);
    assert_int_equal(events, ct_log_size(&w));
    digest_state(&w.l, after);
    assert_memory_equal(before, after, 32);
    cc_ledger_close(&w.l);
    ct_rmtree(w.dir);
    free(w.dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(catch_up_and_wait),
        cmocka_unit_test(worker_follows_commits),
        cmocka_unit_test(rebuild_is_byte_identical),
        cmocka_unit_test(views_survive_kill),
        cmocka_unit_test(state_rebuild_is_byte_identical),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
