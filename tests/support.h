/* support.h - helpers shared by the test executables. */
#ifndef CONCERTO_TEST_SUPPORT_H
#define CONCERTO_TEST_SUPPORT_H

#include <stddef.h>

/* Create a fresh empty directory under $TMPDIR (or /tmp) and return its path
 * (static buffer per call site is not needed: caller frees). */
char *ct_tempdir(const char *tag);
/* rm -rf path. */
void ct_rmtree(const char *path);

#endif

#include "ledger.h"
#include "writer.h"

/* A ledger with a writer, an admin, a moderator, two participants, an open
 * theme with a section that accepts contributions and one that does not,
 * and a first contribution by alice. Accounts use a fake password hash so
 * tests do not spend their time in argon2id. */
typedef struct ct_world {
    char *dir;
    cc_ledger l;
    cc_writer *w;
    cc_pseudonym admin, mod, alice, bob;
    uint64_t theme, section, closed_section, contribution;
} ct_world;

void ct_world_open(ct_world *world);
/* Stop the writer and close the ledger, keep the directory. */
void ct_world_stop(ct_world *world);
/* Reopen ledger and writer on the same directory. */
void ct_world_restart(ct_world *world);
void ct_world_close(ct_world *world);

/* Register (create + confirm) an account; aborts the test on failure. */
cc_pseudonym ct_register(ct_world *world, const char *username, const char *email);
/* Current number of log entries. */
uint64_t ct_log_size(ct_world *world);
/* Run a command; returns its result code. */
int ct_exec(ct_world *world, cc_command *cmd);

/* Shorthands building CC_CMD_EVENT commands. */
void ct_post(cc_command *cmd, const cc_pseudonym *by, uint64_t section, const char *title,
             const char *text);
void ct_target(cc_command *cmd, cc_event_type type, const cc_pseudonym *by, uint64_t item);
