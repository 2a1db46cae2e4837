#include "support.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *ct_tempdir(const char *tag)
{
    const char *base = getenv("TMPDIR");
    if (!base || !*base) base = "/tmp";
    size_t n = strlen(base) + strlen(tag) + 32;
    char *path = malloc(n);
    if (!path) abort();
    snprintf(path, n, "%s/concerto-%s-XXXXXX", base, tag);
    if (!mkdtemp(path)) {
        perror("mkdtemp");
        abort();
    }
    return path;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void ct_rmtree(const char *path)
{
    nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#include "error.h"

#include <assert.h>

static void must(int rc, const char *what)
{
    if (rc) {
        fprintf(stderr, "fixture: %s: %s\n", what, cc_strerror(rc));
        abort();
    }
}

int ct_exec(ct_world *world, cc_command *cmd)
{
    return cc_writer_exec(world->w, cmd);
}

cc_pseudonym ct_register(ct_world *world, const char *username, const char *email)
{
    cc_command cmd;
    cc_command_init(&cmd, CC_CMD_ACCOUNT_CREATE);
    snprintf(cmd.account.username, sizeof cmd.account.username, "%s", username);
    snprintf(cmd.account.email, sizeof cmd.account.email, "%s", email);
    snprintf(cmd.account.pwhash, sizeof cmd.account.pwhash, "$argon2id$fake-hash-for-tests");
    cmd.account.status = CC_STATUS_CITIZEN;
    must(ct_exec(world, &cmd), "account create");
    char token[CC_TOKEN_TEXT_LEN + 1];
    memcpy(token, cmd.result.token, sizeof token);
    cc_command_init(&cmd, CC_CMD_ACCOUNT_CONFIRM);
    cmd.token = token;
    cmd.token_len = strlen(token);
    must(ct_exec(world, &cmd), "account confirm");
    return cmd.result.pseudonym;
}

uint64_t ct_log_size(ct_world *world)
{
    MDB_txn *txn;
    uint64_t size = 0;
    must(cc_ledger_read_begin(&world->l, &txn), "read");
    must(cc_log_size(txn, world->l.log, &size), "size");
    cc_ledger_read_end(&world->l, txn);
    return size;
}

void ct_post(cc_command *cmd, const cc_pseudonym *by, uint64_t section, const char *title,
             const char *text)
{
    cc_command_event(cmd, CC_EV_CONTRIBUTION_POSTED, by);
    cmd->event.section = section;
    cc_event_set(&cmd->event, CC_F_SECTION);
    cc_command_body(cmd, CC_B_TITLE, title);
    cc_command_body(cmd, CC_B_TEXT, text);
}

void ct_target(cc_command *cmd, cc_event_type type, const cc_pseudonym *by, uint64_t item)
{
    cc_command_event(cmd, type, by);
    cmd->event.item = item;
    cc_event_set(&cmd->event, CC_F_ITEM);
}

static uint64_t section(ct_world *world, int posting)
{
    cc_command cmd;
    cc_command_event(&cmd, CC_EV_SECTION_CREATED, &world->admin);
    cmd.event.theme = world->theme;
    cmd.event.kind = posting ? CC_KIND_PROPOSALS : CC_KIND_PRESENTATION;
    cmd.event.posting = posting;
    cmd.event.order = 1;
    cc_event_set(&cmd.event, CC_F_THEME);
    cc_event_set(&cmd.event, CC_F_KIND);
    cc_event_set(&cmd.event, CC_F_POSTING);
    cc_event_set(&cmd.event, CC_F_ORDER);
    cc_command_body(&cmd, CC_B_TITLE, posting ? "Propositions" : "Présentation");
    must(ct_exec(world, &cmd), "section");
    return cmd.result.seq;
}

void ct_world_restart(ct_world *world)
{
    must(cc_ledger_open(&world->l, world->dir, NULL), "open");
    must(cc_writer_start(&world->l, NULL, &world->w), "writer");
}

void ct_world_stop(ct_world *world)
{
    if (world->w) cc_writer_stop(world->w);
    world->w = NULL;
    cc_ledger_close(&world->l);
}

void ct_world_open(ct_world *world)
{
    memset(world, 0, sizeof *world);
    world->dir = ct_tempdir("world");
    must(cc_ledger_create(world->dir, "test.example/log", NULL, 0), "create");
    ct_world_restart(world);
    world->admin = ct_register(world, "admin", "admin@example.org");
    cc_command cmd;
    cc_command_event(&cmd, CC_EV_ROLE_GRANTED, &world->admin);
    cmd.event.p = world->admin;
    cmd.event.role = CC_ROLE_ADMIN;
    cc_event_set(&cmd.event, CC_F_P);
    cc_event_set(&cmd.event, CC_F_ROLE);
    must(ct_exec(world, &cmd), "admin role");
    world->mod = ct_register(world, "modo-fixture", "modo-fixture@example.org");
    cc_command_event(&cmd, CC_EV_ROLE_GRANTED, &world->admin);
    cmd.event.p = world->mod;
    cmd.event.role = CC_ROLE_MODERATOR;
    cc_event_set(&cmd.event, CC_F_P);
    cc_event_set(&cmd.event, CC_F_ROLE);
    must(ct_exec(world, &cmd), "moderator role");
    world->alice = ct_register(world, "alice", "alice@example.org");
    world->bob = ct_register(world, "bob", "bob@example.org");

    cc_command_event(&cmd, CC_EV_THEME_CREATED, &world->admin);
    cmd.event.order = 1;
    cmd.event.opens = 1000;
    cmd.event.closes = 2000;
    cc_event_set(&cmd.event, CC_F_ORDER);
    cc_event_set(&cmd.event, CC_F_OPENS);
    cc_event_set(&cmd.event, CC_F_CLOSES);
    cc_command_body(&cmd, CC_B_TITLE, "Le numérique et les compétences de demain");
    must(ct_exec(world, &cmd), "theme");
    world->theme = cmd.result.seq;
    world->section = section(world, 1);
    world->closed_section = section(world, 0);
    cc_command_event(&cmd, CC_EV_THEME_OPENED, &world->admin);
    cmd.event.theme = world->theme;
    cc_event_set(&cmd.event, CC_F_THEME);
    must(ct_exec(world, &cmd), "open theme");
    ct_post(&cmd, &world->alice, world->section, "Former au code", "Une heure par semaine.");
    must(ct_exec(world, &cmd), "contribution");
    world->contribution = cmd.result.seq;
}

void ct_world_close(ct_world *world)
{
    if (world->w) ct_world_stop(world);
    ct_rmtree(world->dir);
    free(world->dir);
    world->dir = NULL;
}
