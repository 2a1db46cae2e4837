/* Crash safety: a child process appends under load and reports every
 * acknowledged sequence number through a pipe; the parent kills it with
 * SIGKILL at a random moment. After each kill the parent reopens the ledger
 * and checks that every acknowledged event is present with its body, that
 * checksums, tree, checkpoint and bodies verify, and that appending resumes.
 *
 * CONCERTO_CRASH_ROUNDS overrides the number of rounds (default 50). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"
#include "support.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { THREADS = 4 };

typedef struct child_ctx {
    ct_world *w;
    int fd;
    int thread;
    int round;
} child_ctx;

/* Each thread posts contributions titled "r<round>-t<thread>-<n>" one at a
 * time and writes "<seq> <title>\n" after each acknowledgement. */
static void *child_thread(void *arg)
{
    child_ctx *c = arg;
    for (unsigned n = 0;; n++) {
        char title[64], line[128];
        snprintf(title, sizeof title, "r%d-t%d-%u", c->round, c->thread, n);
        cc_command cmd;
        ct_post(&cmd, &c->w->alice, c->w->section, title, "Texte sous charge.");
        if (cc_writer_exec(c->w->w, &cmd) != 0) _exit(3);
        int len =
            snprintf(line, sizeof line, "%llu %s\n", (unsigned long long)cmd.result.seq, title);
        /* One write() of < PIPE_BUF bytes is atomic: lines never interleave. */
        if (write(c->fd, line, (size_t)len) != len) _exit(4);
    }
    return NULL;
}

static void run_child(ct_world *w, int fd, int round)
{
    ct_world_restart(w);
    child_ctx ctx[THREADS];
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        ctx[i] = (child_ctx){w, fd, i, round};
        pthread_create(&t[i], NULL, child_thread, &ctx[i]);
    }
    for (;;)
        pause();
}

typedef struct ack {
    uint64_t seq;
    char title[64];
} ack;

static size_t read_acks(int fd, ack *acks, size_t cap)
{
    static char buf[1 << 20];
    size_t len = 0;
    ssize_t n;
    while (len < sizeof buf && (n = read(fd, buf + len, sizeof buf - len)) > 0)
        len += (size_t)n;
    size_t count = 0, start = 0;
    for (size_t i = 0; i < len && count < cap; i++) {
        if (buf[i] != '\n') continue;
        buf[i] = '\0';
        unsigned long long seq;
        char title[64];
        if (sscanf(buf + start, "%llu %63s", &seq, title) == 2) {
            acks[count].seq = seq;
            snprintf(acks[count].title, sizeof acks[count].title, "%s", title);
            count++;
        }
        start = i + 1;
    }
    return count;
}

static void check_ack(ct_world *w, MDB_txn *txn, const ack *a)
{
    cc_slice entry, body;
    cc_event e;
    cc_body b;
    const uint8_t *nonce;
    int rc = cc_log_get(txn, w->l.log, a->seq, &entry);
    if (rc)
        fail_msg("acknowledged entry %llu lost: %s", (unsigned long long)a->seq, cc_strerror(rc));
    assert_int_equal(cc_event_decode(entry.ptr, entry.len, &e), 0);
    assert_int_equal(e.type, CC_EV_CONTRIBUTION_POSTED);
    assert_int_equal(cc_bodies_get(txn, w->l.bodies, e.commitment, &nonce, &body), 0);
    assert_int_equal(cc_body_decode(e.type, body.ptr, body.len, &b), 0);
    assert_int_equal(b.f[CC_B_TITLE].len, strlen(a->title));
    assert_memory_equal(b.f[CC_B_TITLE].ptr, a->title, strlen(a->title));
}

static void kill_mid_write(void **state)
{
    (void)state;
    int rounds = 50;
    const char *env = getenv("CONCERTO_CRASH_ROUNDS");
    if (env && atoi(env) > 0) rounds = atoi(env);
    ct_world w;
    ct_world_open(&w);
    ct_world_stop(&w); /* no env open across fork() */
    srand((unsigned)time(NULL));
    static ack acks[200000];
    size_t total_acks = 0;
    for (int round = 0; round < rounds; round++) {
        int fds[2];
        assert_int_equal(pipe(fds), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            run_child(&w, fds[1], round);
            _exit(0);
        }
        close(fds[1]);
        /* Let it start and write for 30..230 ms, then kill it dead. */
        usleep((useconds_t)(30000 + rand() % 200000));
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        size_t n = read_acks(fds[0], acks, sizeof acks / sizeof *acks);
        close(fds[0]);
        total_acks += n;

        ct_world_restart(&w);
        MDB_txn *txn;
        assert_int_equal(cc_ledger_read_begin(&w.l, &txn), 0);
        for (size_t i = 0; i < n; i++)
            check_ack(&w, txn, &acks[i]);
        cc_ledger_read_end(&w.l, txn);
        char msg[256];
        int rc = cc_ledger_verify(&w.l, NULL, msg, sizeof msg);
        if (rc) fail_msg("round %d: verify: %s", round, msg);
        /* Appending resumes right after the last durable entry. */
        uint64_t size = ct_log_size(&w);
        cc_command cmd;
        ct_post(&cmd, &w.bob, w.section, "Après la reprise", "Texte");
        assert_int_equal(ct_exec(&w, &cmd), 0);
        assert_int_equal(cmd.result.seq, size);
        ct_world_stop(&w);
    }
    printf("crash test: %d rounds, %zu acknowledged events checked\n", rounds, total_acks);
    assert_true(total_acks > (size_t)rounds); /* the child really was writing */
    ct_world_close(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(kill_mid_write)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
