/* The log: gapless appends, checksums verified on read, zero-copy range
 * reads, and a map that grows without losing a batch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"
#include "log.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct raw_env {
    char *dir;
    MDB_env *env;
    MDB_dbi log;
} raw_env;

static void raw_open(raw_env *r)
{
    r->dir = ct_tempdir("log");
    assert_int_equal(mdb_env_create(&r->env), 0);
    mdb_env_set_maxdbs(r->env, 4);
    assert_int_equal(mdb_env_open(r->env, r->dir, 0, 0600), 0);
    MDB_txn *txn;
    assert_int_equal(mdb_txn_begin(r->env, NULL, 0, &txn), 0);
    assert_int_equal(cc_log_dbi_open(txn, &r->log), 0);
    assert_int_equal(mdb_txn_commit(txn), 0);
}

static void raw_close(raw_env *r)
{
    mdb_env_close(r->env);
    ct_rmtree(r->dir);
    free(r->dir);
}

static void append_read_iterate(void **state)
{
    (void)state;
    raw_env r;
    raw_open(&r);
    MDB_txn *txn;
    assert_int_equal(mdb_txn_begin(r.env, NULL, 0, &txn), 0);
    uint64_t size;
    assert_int_equal(cc_log_size(txn, r.log, &size), 0);
    assert_int_equal(size, 0);
    for (uint64_t i = 0; i < 1000; i++) {
        char entry[32];
        int n = snprintf(entry, sizeof entry, "entry-%llu", (unsigned long long)i);
        assert_int_equal(cc_log_append(txn, r.log, i, (uint8_t *)entry, (size_t)n), 0);
    }
    /* Gapless: neither skipping ahead nor rewriting is possible. */
    assert_int_equal(cc_log_append(txn, r.log, 1001, (const uint8_t *)"x", 1), CC_EINVAL);
    assert_int_equal(cc_log_append(txn, r.log, 5, (const uint8_t *)"x", 1), CC_EINVAL);
    assert_int_equal(mdb_txn_commit(txn), 0);

    assert_int_equal(mdb_txn_begin(r.env, NULL, MDB_RDONLY, &txn), 0);
    assert_int_equal(cc_log_size(txn, r.log, &size), 0);
    assert_int_equal(size, 1000);
    cc_slice e;
    assert_int_equal(cc_log_get(txn, r.log, 42, &e), 0);
    assert_int_equal(e.len, 8);
    assert_memory_equal(e.ptr, "entry-42", 8);
    /* Zero-copy: the slice points at the record LMDB returns, past its header. */
    uint64_t key = 42;
    MDB_val k = {8, &key}, v;
    assert_int_equal(mdb_get(txn, r.log, &k, &v), 0);
    assert_ptr_equal(e.ptr, (const uint8_t *)v.mv_data + CC_RECORD_HEADER);
    assert_int_equal(cc_log_get(txn, r.log, 1000, &e), CC_ENOTFOUND);
    cc_log_iter it;
    assert_int_equal(cc_log_iter_open(txn, r.log, 990, &it), 0);
    uint64_t seq, expected = 990;
    while (cc_log_iter_next(&it, &seq, &e) == 0) {
        char want[32];
        int n = snprintf(want, sizeof want, "entry-%llu", (unsigned long long)expected);
        assert_int_equal(seq, expected);
        assert_int_equal(e.len, (size_t)n);
        assert_memory_equal(e.ptr, want, (size_t)n);
        expected++;
    }
    assert_int_equal(expected, 1000);
    cc_log_iter_close(&it);
    mdb_txn_abort(txn);
    raw_close(&r);
}

static void checksum_and_format_are_checked(void **state)
{
    (void)state;
    raw_env r;
    raw_open(&r);
    MDB_txn *txn;
    assert_int_equal(mdb_txn_begin(r.env, NULL, 0, &txn), 0);
    assert_int_equal(cc_log_append(txn, r.log, 0, (const uint8_t *)"hello", 5), 0);
    assert_int_equal(cc_log_append(txn, r.log, 1, (const uint8_t *)"world", 5), 0);
    assert_int_equal(cc_log_append(txn, r.log, 2, (const uint8_t *)"again", 5), 0);
    /* Corrupt stored records behind the API's back, as a bad disk would. */
    uint64_t key = 1;
    MDB_val k = {8, &key}, v;
    assert_int_equal(mdb_get(txn, r.log, &k, &v), 0);
    uint8_t copy[64];
    memcpy(copy, v.mv_data, v.mv_size);
    copy[CC_RECORD_HEADER + 2] ^= 0x01;
    MDB_val nv = {v.mv_size, copy};
    assert_int_equal(mdb_put(txn, r.log, &k, &nv, 0), 0);
    key = 2;
    assert_int_equal(mdb_get(txn, r.log, &k, &v), 0);
    memcpy(copy, v.mv_data, v.mv_size);
    copy[0] = 9;
    nv.mv_size = v.mv_size;
    assert_int_equal(mdb_put(txn, r.log, &k, &nv, 0), 0);
    cc_slice e;
    assert_int_equal(cc_log_get(txn, r.log, 0, &e), 0);
    assert_int_equal(cc_log_get(txn, r.log, 1, &e), CC_ECHECKSUM);
    assert_int_equal(cc_log_get(txn, r.log, 2, &e), CC_EFORMAT);
    /* Truncated record. */
    assert_int_equal(cc_record_open(copy, 3, &e), CC_ECORRUPT);
    mdb_txn_abort(txn);
    raw_close(&r);
}

static void iteration_detects_gaps(void **state)
{
    (void)state;
    raw_env r;
    raw_open(&r);
    MDB_txn *txn;
    assert_int_equal(mdb_txn_begin(r.env, NULL, 0, &txn), 0);
    for (uint64_t i = 0; i < 3; i++)
        assert_int_equal(cc_log_append(txn, r.log, i, (const uint8_t *)"e", 1), 0);
    uint64_t key = 1;
    MDB_val k = {8, &key};
    assert_int_equal(mdb_del(txn, r.log, &k, NULL), 0);
    cc_log_iter it;
    uint64_t seq;
    cc_slice e;
    assert_int_equal(cc_log_iter_open(txn, r.log, 0, &it), 0);
    assert_int_equal(cc_log_iter_next(&it, &seq, &e), 0);
    assert_int_equal(cc_log_iter_next(&it, &seq, &e), CC_ECORRUPT);
    cc_log_iter_close(&it);
    mdb_txn_abort(txn);
    raw_close(&r);
}

/* A ledger whose map starts tiny: the writer must grow it mid-batch and
 * lose nothing. */
typedef struct grow_ctx {
    int done, failed;
} grow_ctx;

static void count_done(cc_command *cmd, void *arg)
{
    grow_ctx *g = arg;
    if (cmd->result.rc) g->failed++;
    __atomic_add_fetch(&g->done, 1, __ATOMIC_RELEASE);
}

static void map_grows_without_losing_the_batch(void **state)
{
    (void)state;
    ct_world w;
    ct_world_open(&w);
    ct_world_stop(&w);
    /* Reopen with a small map: LMDB keeps the larger of the file's size and
     * the requested one, so request little and fill it. */
    cc_ledger_options opt = {.map_size = 1 << 20};
    assert_int_equal(cc_ledger_open(&w.l, w.dir, &opt), 0);
    size_t initial = w.l.map_size;
    assert_int_equal(cc_writer_start(&w.l, NULL, &w.w), 0);
    enum { N = 3000 };
    static cc_command cmds[N];
    static char titles[N][32];
    grow_ctx g = {0};
    for (int i = 0; i < N; i++) {
        snprintf(titles[i], sizeof titles[i], "Contribution %d", i);
        ct_post(&cmds[i], &w.alice, w.section, titles[i],
                "Un texte assez long pour remplir la carte mémoire rapidement, répété. "
                "Un texte assez long pour remplir la carte mémoire rapidement, répété.");
        assert_int_equal(cc_writer_submit(w.w, &cmds[i], count_done, &g), 0);
    }
    while (__atomic_load_n(&g.done, __ATOMIC_ACQUIRE) < N)
        usleep(1000);
    cc_writer_stats stats;
    cc_writer_get_stats(w.w, &stats);
    assert_true(stats.map_grows > 0);
    assert_true(w.l.map_size > initial);
    assert_int_equal(g.failed, 0);
    ct_world_stop(&w);
    ct_world_restart(&w);
    /* Every acknowledged contribution is there with its text. */
    MDB_txn *txn;
    assert_int_equal(cc_ledger_read_begin(&w.l, &txn), 0);
    for (int i = 0; i < N; i += 97) {
        cc_slice entry, body;
        cc_event e;
        cc_body b;
        const uint8_t *nonce;
        assert_int_equal(cc_log_get(txn, w.l.log, cmds[i].result.seq, &entry), 0);
        assert_int_equal(cc_event_decode(entry.ptr, entry.len, &e), 0);
        assert_int_equal(e.type, CC_EV_CONTRIBUTION_POSTED);
        assert_int_equal(cc_bodies_get(txn, w.l.bodies, e.commitment, &nonce, &body), 0);
        assert_int_equal(cc_body_decode(e.type, body.ptr, body.len, &b), 0);
        assert_int_equal(b.f[CC_B_TITLE].len, strlen(titles[i]));
        assert_memory_equal(b.f[CC_B_TITLE].ptr, titles[i], strlen(titles[i]));
    }
    cc_ledger_read_end(&w.l, txn);
    char msg[256];
    int rc = cc_ledger_verify(&w.l, NULL, msg, sizeof msg);
    if (rc) fail_msg("verify: %s", msg);
    ct_world_close(&w);
}

/* A reader process killed inside a read transaction leaves its slot in the
 * lock file (LMDB resets the table only when the first process opens the
 * env). Opening the ledger while others have it open must clear it. */
static void stale_readers_are_cleared(void **state)
{
    (void)state;
    ct_world w;
    ct_world_open(&w); /* this process keeps the env open throughout */
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t reader = fork();
    assert_true(reader >= 0);
    if (reader == 0) {
        cc_ledger l;
        cc_ledger_options opt = {.read_only = 1};
        MDB_txn *txn;
        if (cc_ledger_open(&l, w.dir, &opt) || cc_ledger_read_begin(&l, &txn)) _exit(1);
        if (write(fds[1], "r", 1) != 1) _exit(1);
        for (;;)
            pause();
    }
    char c;
    assert_int_equal(read(fds[0], &c, 1), 1);
    kill(reader, SIGKILL);
    waitpid(reader, NULL, 0);
    close(fds[0]);
    close(fds[1]);
    /* Another process opens the ledger: that is what clears the slot. */
    pid_t opener = fork();
    assert_true(opener >= 0);
    if (opener == 0) {
        cc_ledger l;
        cc_ledger_options opt = {.read_only = 1};
        _exit(cc_ledger_open(&l, w.dir, &opt) ? 1 : 0);
    }
    int status;
    waitpid(opener, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    int dead = -1;
    assert_int_equal(mdb_reader_check(w.l.env, &dead), 0);
    assert_int_equal(dead, 0);
    ct_world_close(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(append_read_iterate),
        cmocka_unit_test(checksum_and_format_are_checked),
        cmocka_unit_test(iteration_detects_gaps),
        cmocka_unit_test(map_grows_without_losing_the_batch),
        cmocka_unit_test(stale_readers_are_cleared),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
