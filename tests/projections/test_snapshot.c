/* test_snapshot.c - open-data snapshots and the auditor's replay.
 *
 * One consultation with every kind of fact a snapshot carries (edits, votes
 * cast, changed and withdrawn, arguments, sources, comments on sources,
 * flags dismissed and upheld, an item trashed then restored, one trashed for
 * good, one removed as illegal after an edit, an erased account, a document,
 * a meeting with its report, a synthesis, a closed theme) is exported;
 * exports are compared byte for byte; the auditor's replay must accept it,
 * and must reject each tampering with a message naming the file, row and
 * column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "error.h"
#include "snapshot.h"
#include "support.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the consultation ---------------------------------------------------------- */

typedef struct fx {
    ct_world w;
    cc_pseudonym carol;
    uint64_t edited, removed, restored, trashed, argument, source, document, meeting;
    uint64_t size_before_removal, size;
    char *snap, *snap2, *early, *pre, *work;
    cc_verifier v;
} fx;

static void must(ct_world *w, cc_command *cmd)
{
    int rc = ct_exec(w, cmd);
    if (rc) fail_msg("command %d failed: %s", cmd->event.type, cc_strerror(rc));
}

static void vote(ct_world *w, const cc_pseudonym *by, uint64_t item, cc_vote_value v)
{
    cc_command cmd;
    ct_target(&cmd, CC_EV_VOTE_CAST, by, item);
    cmd.event.value = (uint8_t)v;
    cc_event_set(&cmd.event, CC_F_VALUE);
    must(w, &cmd);
}

static uint64_t post(ct_world *w, const cc_pseudonym *by, const char *title, const char *text)
{
    cc_command cmd;
    ct_post(&cmd, by, w->section, title, text);
    must(w, &cmd);
    return cmd.result.seq;
}

static void moderate(ct_world *w, cc_event_type type, uint64_t item, uint8_t reason,
                     const char *note)
{
    cc_command cmd;
    ct_target(&cmd, type, &w->mod, item);
    if (type == CC_EV_ITEM_TRASHED) {
        cmd.event.reason = reason;
        cc_event_set(&cmd.event, CC_F_TRASH_REASON);
    } else if (type == CC_EV_ITEM_REMOVED) {
        cmd.event.ground = reason;
        cc_event_set(&cmd.event, CC_F_GROUND);
    }
    if (note) cc_command_body(&cmd, CC_B_TEXT, note);
    cmd.has_body = note != NULL;
    must(w, &cmd);
}

static void flag(ct_world *w, const cc_pseudonym *by, uint64_t item, const char *details)
{
    cc_command cmd;
    ct_target(&cmd, CC_EV_FLAG_RAISED, by, item);
    cmd.event.reason = CC_FLAG_OFF_TOPIC;
    cc_event_set(&cmd.event, CC_F_FLAG_REASON);
    if (details) cc_command_body(&cmd, CC_B_TEXT, details);
    cmd.has_body = details != NULL;
    must(w, &cmd);
}

static uint64_t log_size_stopped(fx *f)
{
    return ct_log_size(&f->w);
}

static void build(fx *f)
{
    ct_world *w = &f->w;
    cc_command cmd;
    ct_world_open(w);
    f->carol = ct_register(w, "carol-secret-name", "carol.secret@example.org");

    /* Edits: the contribution has two versions. */
    ct_target(&cmd, CC_EV_CONTRIBUTION_EDITED, &w->alice, w->contribution);
    cc_command_body(&cmd, CC_B_TITLE, "Former au code, dès le collège");
    cc_command_body(&cmd, CC_B_TEXT,
                    "Une heure par semaine, avec des projets \"concrets\",\n"
                    "et des virgules, pour le CSV.");
    must(w, &cmd);
    f->edited = w->contribution;

    /* Arguments, a source, comments on the contribution and on the source. */
    ct_target(&cmd, CC_EV_ARGUMENT_POSTED, &w->bob, w->contribution);
    cmd.event.side = CC_SIDE_FOR;
    cc_event_set(&cmd.event, CC_F_SIDE);
    cc_command_body(&cmd, CC_B_TEXT, "Tous les élèves y gagnent.");
    must(w, &cmd);
    f->argument = cmd.result.seq;
    ct_target(&cmd, CC_EV_ARGUMENT_POSTED, &f->carol, w->contribution);
    cmd.event.side = CC_SIDE_AGAINST;
    cc_event_set(&cmd.event, CC_F_SIDE);
    cc_command_body(&cmd, CC_B_TEXT, "Il faut d'abord former les enseignants.");
    must(w, &cmd);
    ct_target(&cmd, CC_EV_SOURCE_POSTED, &w->bob, w->contribution);
    cc_command_body(&cmd, CC_B_TITLE, "Rapport sur l'informatique à l'école");
    cc_command_body(&cmd, CC_B_URL, "https://www.example.org/rapport");
    must(w, &cmd);
    f->source = cmd.result.seq;
    ct_target(&cmd, CC_EV_COMMENT_POSTED, &w->alice, f->source);
    cc_command_body(&cmd, CC_B_TEXT, "Source utile, merci.");
    must(w, &cmd);
    ct_target(&cmd, CC_EV_COMMENT_POSTED, &w->bob, w->contribution);
    cc_command_body(&cmd, CC_B_TEXT, "D'accord avec l'idée.");
    must(w, &cmd);

    /* Votes: cast, changed (cast again with another value), withdrawn. */
    vote(w, &w->bob, w->contribution, CC_VOTE_AGREE);
    vote(w, &f->carol, w->contribution, CC_VOTE_MITIGATED);
    vote(w, &w->mod, w->contribution, CC_VOTE_AGREE);
    vote(w, &w->bob, w->contribution, CC_VOTE_DISAGREE);
    vote(w, &w->alice, f->argument, CC_VOTE_UP);
    ct_target(&cmd, CC_EV_VOTE_WITHDRAWN, &w->mod, w->contribution);
    must(w, &cmd);

    /* A flag dismissed; an item trashed then restored; one trashed for good. */
    flag(w, &w->bob, w->contribution, "Hors sujet ?");
    moderate(w, CC_EV_FLAG_DISMISSED, w->contribution, 0, "Dans le sujet.");
    f->restored = post(w, &w->bob, "Un avis vif", "Un avis un peu vif mais dans la charte.");
    moderate(w, CC_EV_ITEM_TRASHED, f->restored, CC_TRASH_INSULTING, NULL);
    moderate(w, CC_EV_ITEM_RESTORED, f->restored, 0, "Rétabli après examen.");
    f->trashed = post(w, &f->carol, "Publicité", "Achetez nos tablettes.");
    flag(w, &w->alice, f->trashed, NULL);
    moderate(w, CC_EV_ITEM_TRASHED, f->trashed, CC_TRASH_SPAM, "Publicité (charte).");

    /* Illegal content, edited once, removed later. */
    f->removed = post(w, &w->bob, "Propos illicites", "Texte illicite, version 1.");
    ct_target(&cmd, CC_EV_CONTRIBUTION_EDITED, &w->bob, f->removed);
    cc_command_body(&cmd, CC_B_TITLE, "Propos illicites");
    cc_command_body(&cmd, CC_B_TEXT, "Texte illicite, version 2.");
    must(w, &cmd);
    vote(w, &w->alice, f->removed, CC_VOTE_DISAGREE);
    f->size_before_removal = ct_log_size(w);
    /* A snapshot taken before the removal still has the text. */
    char msg[CC_SNAPSHOT_MSG_MAX];
    ct_world_stop(w);
    if (cc_snapshot_export(w->dir, f->pre, UINT64_MAX, NULL, msg, sizeof msg))
        fail_msg("export: %s", msg);
    ct_world_restart(w);
    flag(w, &w->alice, f->removed, "Contenu illicite.");
    moderate(w, CC_EV_ITEM_REMOVED, f->removed, CC_GROUND_RACIAL_HATRED, NULL);

    /* A document, a meeting and its report. */
    static const char file[] = "Contribution de l'association, transmise au ministère.\n";
    cc_command_event(&cmd, CC_EV_DOCUMENT_PUBLISHED, &w->admin);
    cmd.event.theme = w->theme;
    cmd.event.mime = CC_MIME_TEXT;
    cc_event_set(&cmd.event, CC_F_THEME);
    cc_event_set(&cmd.event, CC_F_MIME);
    cmd.file = (cc_slice){(const uint8_t *)file, sizeof file - 1};
    cc_command_body(&cmd, CC_B_TITLE, "Contribution d'une association");
    cc_command_body(&cmd, CC_B_NAME, "contribution.txt");
    cc_command_body(&cmd, CC_B_FROM, "Association (démo)");
    must(w, &cmd);
    f->document = cmd.result.seq;
    cc_command_event(&cmd, CC_EV_MEETING_SCHEDULED, &w->admin);
    cmd.event.at = 1700000000000ull;
    cc_event_set(&cmd.event, CC_F_AT);
    cc_command_body(&cmd, CC_B_TITLE, "Journée contributive");
    cc_command_body(&cmd, CC_B_PLACE, "Lyon");
    must(w, &cmd);
    f->meeting = cmd.result.seq;
    ct_target(&cmd, CC_EV_MEETING_REPORTED, &w->admin, f->meeting);
    cc_command_body(&cmd, CC_B_TEXT, "Compte rendu : trois ateliers.");
    must(w, &cmd);

    /* The account of carol is deleted; her items and votes stay. */
    cc_command_init(&cmd, CC_CMD_ACCOUNT_ERASE);
    cmd.actor = f->carol;
    cmd.subject = f->carol;
    must(w, &cmd);

    /* The synthesis, then the theme closes (statistics frozen). */
    cc_command_event(&cmd, CC_EV_SYNTHESIS_PUBLISHED, &w->admin);
    cmd.event.theme = w->theme;
    cmd.event.log_size = ct_log_size(w);
    cc_event_set(&cmd.event, CC_F_THEME);
    cc_event_set(&cmd.event, CC_F_LOG_SIZE);
    cc_command_body(&cmd, CC_B_TEXT, "# Synthèse\n\nLes contributions convergent.");
    must(w, &cmd);
    cc_command_event(&cmd, CC_EV_THEME_CLOSED, &w->admin);
    cmd.event.theme = w->theme;
    cc_event_set(&cmd.event, CC_F_THEME);
    must(w, &cmd);

    f->size = log_size_stopped(f);
    f->v = w->l.verifier;
    ct_world_stop(w); /* the export opens the ledger itself */
}

static char *join(const char *a, const char *b)
{
    char *p = malloc(strlen(a) + strlen(b) + 2);
    sprintf(p, "%s/%s", a, b);
    return p;
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    f->work = ct_tempdir("snapshot");
    f->snap = join(f->work, "snap");
    f->snap2 = join(f->work, "snap2");
    f->early = join(f->work, "early");
    f->pre = join(f->work, "pre");
    build(f);
    char msg[CC_SNAPSHOT_MSG_MAX];
    cc_snapshot_info info;
    int rc = cc_snapshot_export(f->w.dir, f->snap, UINT64_MAX, &info, msg, sizeof msg);
    if (rc) {
        fprintf(stderr, "export: %s\n", msg);
        return -1;
    }
    if (info.size != f->size) return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    ct_world_close(&f->w);
    ct_rmtree(f->work);
    free(f->work);
    free(f->snap);
    free(f->snap2);
    free(f->early);
    free(f->pre);
    free(f);
    return 0;
}

/* ---- file helpers ------------------------------------------------------------- */

static char *slurp(const char *dir, const char *rel, size_t *len)
{
    char *p = join(dir, rel);
    FILE *fp = fopen(p, "rb");
    if (!fp) fail_msg("cannot read %s", p);
    free(p);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (fread(buf, 1, (size_t)n, fp) != (size_t)n) fail_msg("short read");
    fclose(fp);
    buf[n] = '\0';
    if (len) *len = (size_t)n;
    return buf;
}

static void spit(const char *dir, const char *rel, const void *buf, size_t len)
{
    char *p = join(dir, rel);
    FILE *fp = fopen(p, "wb");
    if (!fp) fail_msg("cannot write %s", p);
    free(p);
    fwrite(buf, 1, len, fp);
    fclose(fp);
}

/* Replace the first occurrence of from (which must exist) by to. */
static void replace_once(const char *dir, const char *rel, const char *from, const char *to)
{
    size_t len;
    char *buf = slurp(dir, rel, &len);
    char *at = memmem(buf, len, from, strlen(from));
    if (!at) fail_msg("\"%s\" not in %s", from, rel);
    size_t pre = (size_t)(at - buf), fl = strlen(from), tl = strlen(to);
    char *out = malloc(len - fl + tl);
    memcpy(out, buf, pre);
    memcpy(out + pre, to, tl);
    memcpy(out + pre + tl, at + fl, len - pre - fl);
    spit(dir, rel, out, len - fl + tl);
    free(out);
    free(buf);
}

/* Byte range [start, end) of line n (1-based) of a file's buffer. */
static void line_range(const char *buf, size_t len, int n, size_t *start, size_t *end)
{
    size_t s = 0;
    for (int i = 1; i < n; i++) {
        const char *nl = memchr(buf + s, '\n', len - s);
        if (!nl) fail_msg("no line %d", n);
        s = (size_t)(nl - buf) + 1;
    }
    const char *nl = memchr(buf + s, '\n', len - s);
    *start = s;
    *end = nl ? (size_t)(nl - buf) + 1 : len;
}

static void copy_tree(const char *from, const char *to)
{
    char cmd[4096];
    ct_rmtree(to);
    snprintf(cmd, sizeof cmd, "cp -a '%s' '%s'", from, to);
    if (system(cmd) != 0) fail_msg("%s failed", cmd);
}

static int verify(fx *f, const char *dir, char *msg, size_t cap)
{
    cc_snapshot_info info;
    return cc_snapshot_verify(dir, &f->v, &info, msg, cap);
}

static void expect_ok(fx *f, const char *dir)
{
    char msg[CC_SNAPSHOT_MSG_MAX];
    int rc = verify(f, dir, msg, sizeof msg);
    if (rc) fail_msg("verify failed: %s", msg);
}

static void expect_failure(fx *f, const char *dir, const char *want)
{
    char msg[CC_SNAPSHOT_MSG_MAX];
    int rc = verify(f, dir, msg, sizeof msg);
    if (rc == 0) fail_msg("tampering not caught (wanted \"%s\")", want);
    if (!strstr(msg, want)) fail_msg("message \"%s\" does not contain \"%s\"", msg, want);
}

/* Every file of a and b, compared byte for byte. */
static void same_tree(const char *a, const char *b, const char *rel, int *files)
{
    char *pa = rel[0] ? join(a, rel) : strdup(a);
    DIR *d = opendir(pa);
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        char *r = rel[0] ? join(rel, de->d_name) : strdup(de->d_name);
        char *full = join(a, r);
        struct stat st;
        assert_int_equal(lstat(full, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            same_tree(a, b, r, files);
        } else {
            size_t la, lb;
            char *x = slurp(a, r, &la), *y = slurp(b, r, &lb);
            if (la != lb || memcmp(x, y, la)) fail_msg("%s differs", r);
            free(x);
            free(y);
            (*files)++;
        }
        free(full);
        free(r);
    }
    closedir(d);
    free(pa);
}

/* ---- tests ------------------------------------------------------------------------ */

static void exports_are_byte_identical(void **state)
{
    fx *f = *state;
    char msg[CC_SNAPSHOT_MSG_MAX];
    cc_snapshot_info info;
    assert_int_equal(cc_snapshot_export(f->w.dir, f->snap2, UINT64_MAX, &info, msg, sizeof msg), 0);
    int files_a = 0, files_b = 0;
    same_tree(f->snap, f->snap2, "", &files_a);
    same_tree(f->snap2, f->snap, "", &files_b);
    assert_int_equal(files_a, files_b);
    assert_int_equal((uint64_t)files_a, info.files);
    /* Never over an existing directory. */
    assert_int_equal(cc_snapshot_export(f->w.dir, f->snap2, UINT64_MAX, &info, msg, sizeof msg),
                     -EEXIST);
    assert_non_null(strstr(msg, "already exists"));
    /* Not beyond the end of the log. */
    char *beyond = join(f->work, "beyond");
    assert_int_equal(cc_snapshot_export(f->w.dir, beyond, f->size + 1, &info, msg, sizeof msg),
                     CC_EINVAL);
    assert_non_null(strstr(msg, "beyond the end of the log"));
    struct stat st;
    assert_int_not_equal(stat(beyond, &st), 0); /* nothing left behind */
    free(beyond);
}

static void snapshot_verifies(void **state)
{
    fx *f = *state;
    char msg[CC_SNAPSHOT_MSG_MAX];
    cc_snapshot_info info;
    assert_int_equal(cc_snapshot_verify(f->snap, &f->v, &info, msg, sizeof msg), 0);
    assert_true(info.size == f->size);
    assert_true(info.rows > 40);
    assert_true(info.bodies > 20);
    assert_true(info.withheld == 0);
    /* The signed checkpoint is at the snapshot's size. */
    char *cp = slurp(f->snap, "checkpoint", NULL);
    char want[64];
    snprintf(want, sizeof want, "test.example/log\n%llu\n", (unsigned long long)f->size);
    assert_true(!strncmp(cp, want, strlen(want)));
    free(cp);
    /* Another key is not the log's. */
    char priv[512], pub[512];
    cc_verifier other;
    assert_int_equal(cc_signer_generate("test.example/log", priv, sizeof priv, pub, sizeof pub), 0);
    assert_int_equal(cc_verifier_parse(pub, strlen(pub), &other), 0);
    assert_int_not_equal(cc_snapshot_verify(f->snap, &other, &info, msg, sizeof msg), 0);
    assert_non_null(strstr(msg, "checkpoint: signature verification failed"));
}

static void earlier_size_differs_and_verifies(void **state)
{
    fx *f = *state;
    char msg[CC_SNAPSHOT_MSG_MAX];
    cc_snapshot_info info;
    int rc = cc_snapshot_export(f->w.dir, f->early, f->size_before_removal, &info, msg, sizeof msg);
    if (rc) fail_msg("export --at: %s", msg);
    assert_true(info.size == f->size_before_removal);
    /* Both versions of the item removed later are withheld, with proofs. */
    assert_true(info.withheld == 2);
    size_t la, lb;
    char *a = slurp(f->snap, "data/contributions.csv", &la);
    char *b = slurp(f->early, "data/contributions.csv", &lb);
    assert_true(la != lb || memcmp(a, b, la) != 0);
    free(a);
    free(b);
    char *cp = slurp(f->early, "checkpoint", NULL);
    char want[64];
    snprintf(want, sizeof want, "test.example/log\n%llu\n",
             (unsigned long long)f->size_before_removal);
    assert_true(!strncmp(cp, want, strlen(want)));
    free(cp);
    if ((rc = cc_snapshot_verify(f->early, &f->v, &info, msg, sizeof msg)))
        fail_msg("verify --at: %s", msg);
    assert_true(info.withheld == 2);

    /* A withheld body without its proof is a missing body. */
    char *dir = join(f->work, "t-early");
    copy_tree(f->early, dir);
    spit(dir, "withheld.jsonl", "", 0);
    expect_failure(f, dir, "bodies.jsonl: no body for entry");
    /* A forged proof. */
    copy_tree(f->early, dir);
    size_t len;
    char *w = slurp(dir, "withheld.jsonl", &len);
    char *incl = strstr(w, "\"inclusion\":[\"");
    assert_non_null(incl);
    incl += strlen("\"inclusion\":[\"");
    *incl = *incl == '0' ? '1' : '0';
    spit(dir, "withheld.jsonl", w, len);
    free(w);
    expect_failure(f, dir, "withheld.jsonl: line 1: inclusion proof");
    ct_rmtree(dir);
    free(dir);
}

static void removed_item_has_no_body(void **state)
{
    fx *f = *state;
    char id[32], line[256];
    snprintf(id, sizeof id, "\"seq\":%llu,", (unsigned long long)f->removed);
    char *bodies = slurp(f->snap, "bodies.jsonl", NULL);
    assert_null(strstr(bodies, id));
    assert_null(strstr(bodies, "illicite, version"));
    free(bodies);
    /* The tombstone stays: the row, its state, the ground, no text. */
    char *csv = slurp(f->snap, "data/contributions.csv", NULL);
    snprintf(line, sizeof line, "\r\n%llu,", (unsigned long long)f->removed);
    char *row = strstr(csv, line);
    assert_non_null(row);
    char *end = strstr(row + 2, "\r\n");
    *end = '\0';
    assert_non_null(strstr(row, ",removed,"));
    assert_true(end[-1] == ',' && end[-2] == ','); /* title and text empty */
    free(csv);
    char *trash = slurp(f->snap, "data/trash.csv", NULL);
    assert_non_null(strstr(trash, ",removed,racial_hatred,"));
    assert_null(strstr(trash, "illicite, version"));
    free(trash);
    /* Publishing the removed text again is caught: take the line from the
     * snapshot taken before the removal. */
    size_t el, fl;
    char *early = slurp(f->pre, "bodies.jsonl", &el);
    char *found = strstr(early, id);
    assert_non_null(found);
    while (found > early && found[-1] != '\n')
        found--;
    char *nl = strchr(found, '\n');
    char *full = slurp(f->snap, "bodies.jsonl", &fl);
    /* Insert it where it belongs, in seq order. */
    char key[32];
    size_t at = fl;
    for (uint64_t s = f->removed + 1; s < f->size && at == fl; s++) {
        snprintf(key, sizeof key, "{\"seq\":%llu,", (unsigned long long)s);
        char *p = strstr(full, key);
        if (p) at = (size_t)(p - full);
    }
    size_t ins = (size_t)(nl + 1 - found);
    char *out = malloc(fl + ins);
    memcpy(out, full, at);
    memcpy(out + at, found, ins);
    memcpy(out + at + ins, full + at, fl - at);
    char *dir = join(f->work, "t-removed");
    copy_tree(f->snap, dir);
    spit(dir, "bodies.jsonl", out, fl + ins);
    snprintf(line, sizeof line, "belongs to item %llu, which was removed",
             (unsigned long long)f->removed);
    expect_failure(f, dir, line);
    ct_rmtree(dir);
    free(dir);
    free(out);
    free(full);
    free(early);
}

static void no_personal_data(void **state)
{
    fx *f = *state;
    char *p = slurp(f->snap, "data/participants.csv", NULL);
    assert_true(!strncmp(p, "pseudonym,status,organisation,registered_on,erased\r\n", 52));
    /* carol was erased: still there, with erased=true. */
    char row[64];
    snprintf(row, sizeof row, "\r\n%s,citizen,,", f->carol.s);
    char *r = strstr(p, row);
    assert_non_null(r);
    assert_true(!strncmp(strstr(r + 2, ","), ",citizen,,", 10));
    char *eol = strstr(r + 2, "\r\n");
    assert_true(!strncmp(eol - 5, ",true", 5));
    free(p);
    char *j = slurp(f->snap, "data/participants.jsonl", NULL);
    assert_non_null(strstr(j, "\"pseudonym\":"));
    assert_null(strstr(j, "username"));
    assert_null(strstr(j, "mail"));
    free(j);
    /* No username, no e-mail address, anywhere in the snapshot. */
    const char *secrets[] = {"carol-secret-name", "modo-fixture", "@example.org", "$argon2id"};
    size_t n;
    char *manifest = slurp(f->snap, "MANIFEST", &n);
    for (char *line = manifest; line && *line;) {
        char *nl = strchr(line, '\n');
        *nl = '\0';
        const char *path = strrchr(line, ' ') + 1;
        size_t len;
        char *content = slurp(f->snap, path, &len);
        for (size_t s = 0; s < sizeof secrets / sizeof secrets[0]; s++)
            if (memmem(content, len, secrets[s], strlen(secrets[s])))
                fail_msg("%s holds \"%s\"", path, secrets[s]);
        free(content);
        line = nl + 1;
    }
    free(manifest);
}

static void tables_hold_the_facts(void **state)
{
    fx *f = *state;
    /* Votes: the current vote of each participant; withdrawn ones gone. */
    char *votes = slurp(f->snap, "data/votes.csv", NULL);
    char want[128];
    snprintf(want, sizeof want, "\r\n%llu,%s,disagree,", (unsigned long long)f->edited, f->w.bob.s);
    assert_non_null(strstr(votes, want));
    snprintf(want, sizeof want, "\r\n%llu,%s,", (unsigned long long)f->edited, f->w.mod.s);
    assert_null(strstr(votes, want));
    snprintf(want, sizeof want, "\r\n%llu,%s,up,", (unsigned long long)f->argument, f->w.alice.s);
    assert_non_null(strstr(votes, want));
    free(votes);
    /* Two versions, the text with quotes, commas and a newline quoted. */
    char *v = slurp(f->snap, "data/contribution_versions.csv", NULL);
    assert_non_null(strstr(v, "\"Une heure par semaine, avec des projets \"\"concrets\"\",\n"
                              "et des virgules, pour le CSV.\"\r\n"));
    free(v);
    char *c = slurp(f->snap, "data/contributions.jsonl", NULL);
    assert_non_null(strstr(c, "\"versions\":2,"));
    assert_non_null(strstr(c, "\"edited_at\":null,"));
    assert_non_null(strstr(c, "projets \\\"concrets\\\",\\net des virgules"));
    free(c);
    /* Restored items leave the bin; the trashed one is in it with its note. */
    char *t = slurp(f->snap, "data/trash.csv", NULL);
    snprintf(want, sizeof want, "\r\n%llu,contribution,", (unsigned long long)f->restored);
    assert_null(strstr(t, want));
    snprintf(want, sizeof want, "\r\n%llu,contribution,", (unsigned long long)f->trashed);
    assert_non_null(strstr(t, want));
    assert_non_null(strstr(t, "Publicité (charte).\r\n"));
    free(t);
    char *fl = slurp(f->snap, "data/flags.csv", NULL);
    assert_non_null(strstr(fl, ",dismissed,"));
    assert_non_null(strstr(fl, ",trashed,"));
    assert_non_null(strstr(fl, ",removed,"));
    free(fl);
    char *d = slurp(f->snap, "data/documents.csv", NULL);
    assert_non_null(strstr(d, ",text/plain,documents/"));
    free(d);
    char *m = slurp(f->snap, "data/meetings.csv", NULL);
    assert_non_null(strstr(m, "Compte rendu : trois ateliers."));
    free(m);
    char *s = slurp(f->snap, "data/statistics.csv", NULL);
    assert_non_null(strstr(s, "\r\n0,consultation,,"));
    free(s);
    char *fz = slurp(f->snap, "data/statistics_at_close.csv", NULL);
    snprintf(want, sizeof want, "\r\n%llu,%llu,", (unsigned long long)f->w.theme,
             (unsigned long long)f->size);
    assert_non_null(strstr(fz, want));
    free(fz);
    char *dp = slurp(f->snap, "datapackage.json", NULL);
    assert_non_null(strstr(dp, "\"profile\": \"tabular-data-package\""));
    assert_non_null(strstr(dp, "\"path\": \"data/votes.csv\""));
    assert_non_null(strstr(dp, "\"name\": \"voted_at\""));
    free(dp);
    char *rd = slurp(f->snap, "README.md", NULL);
    assert_non_null(strstr(rd, "## Vérifier cet instantané"));
    assert_non_null(strstr(rd, "## Verifying this snapshot"));
    assert_non_null(strstr(rd, "| `voted_at` | datetime |"));
    free(rd);
    char *lic = slurp(f->snap, "LICENSE", NULL);
    assert_non_null(strstr(lic, "Licence Ouverte / Open Licence version 2.0"));
    free(lic);
}

/* ---- tampering ------------------------------------------------------------------------ */

typedef struct tamper_case {
    const char *name;
    void (*apply)(fx *f, const char *dir);
    const char *want;
    const char *want2; /* a second part of the message, when the row number varies */
} tamper_case;

static const char *bundle_path(fx *f)
{
    static char p[64];
    snprintf(p, sizeof p, "tile/entries/000.p/%llu", (unsigned long long)f->size);
    return p;
}

static void t_entry_byte(fx *f, const char *dir)
{
    /* Change one character of the pseudonym in entry 5 ("by") to another
     * base32 character: the entry still decodes, but no longer hashes to
     * the signed tree. */
    size_t len;
    char *b = slurp(dir, bundle_path(f), &len);
    size_t off = 0;
    for (int i = 0; i < 5; i++)
        off += 2 + (((size_t)(uint8_t)b[off] << 8) | (uint8_t)b[off + 1]);
    char *by = memmem(b + off, len - off,
                      "\xa2"
                      "by\xb0",
                      4);
    assert_non_null(by);
    by[4] = by[4] == 'a' ? 'b' : 'a';
    spit(dir, bundle_path(f), b, len);
    free(b);
}

static void t_entry_malformed(fx *f, const char *dir)
{
    size_t len;
    char *b = slurp(dir, bundle_path(f), &len);
    b[2] = (char)0xc1; /* never used in msgpack */
    spit(dir, bundle_path(f), b, len);
    free(b);
}

static void t_bundle_truncated(fx *f, const char *dir)
{
    size_t len;
    char *b = slurp(dir, bundle_path(f), &len);
    spit(dir, bundle_path(f), b, len - 1);
    free(b);
}

static void t_bundle_missing(fx *f, const char *dir)
{
    char *p = join(dir, bundle_path(f));
    remove(p);
    free(p);
}

static void t_tile_hash(fx *f, const char *dir)
{
    char p[64];
    snprintf(p, sizeof p, "tile/0/000.p/%llu", (unsigned long long)f->size);
    size_t len;
    char *b = slurp(dir, p, &len);
    b[32 * 3] ^= 1;
    spit(dir, p, b, len);
    free(b);
}

static void t_extra_tile(fx *f, const char *dir)
{
    (void)f;
    char *p = join(dir, "tile/entries/001");
    FILE *fp = fopen(p, "w");
    fclose(fp);
    free(p);
}

static void t_csv_cell(fx *f, const char *dir)
{
    (void)f;
    replace_once(dir, "data/contributions.csv", "Former au code, dès le collège",
                 "Former au code, dès la maternelle");
}

static void t_csv_missing_row(fx *f, const char *dir)
{
    (void)f;
    size_t len, s, e;
    char *b = slurp(dir, "data/votes.csv", &len);
    line_range(b, len, 3, &s, &e); /* the second data row */
    memmove(b + s, b + e, len - e);
    spit(dir, "data/votes.csv", b, len - (e - s));
    free(b);
}

static void t_csv_extra_row(fx *f, const char *dir)
{
    (void)f;
    size_t len, s, e;
    char *b = slurp(dir, "data/votes.csv", &len);
    line_range(b, len, 2, &s, &e);
    char *out = malloc(len + (e - s));
    memcpy(out, b, e);
    memcpy(out + e, b + s, e - s);
    memcpy(out + e + (e - s), b + e, len - e);
    spit(dir, "data/votes.csv", out, len + (e - s));
    free(out);
    free(b);
}

static void t_csv_bare_lf(fx *f, const char *dir)
{
    (void)f;
    size_t len, s, e;
    char *b = slurp(dir, "data/participants.csv", &len);
    line_range(b, len, 2, &s, &e);
    memmove(b + e - 2, b + e - 1, len - (e - 1)); /* CRLF -> LF */
    spit(dir, "data/participants.csv", b, len - 1);
    free(b);
}

static void t_jsonl_cell(fx *f, const char *dir)
{
    (void)f;
    replace_once(dir, "data/votes.jsonl", "\"value\":\"disagree\"", "\"value\":\"agree\"");
}

static void t_jsonl_malformed(fx *f, const char *dir)
{
    (void)f;
    replace_once(dir, "data/themes.jsonl", "{\"id\":", "{\"id\"");
}

static void t_body_text(fx *f, const char *dir)
{
    (void)f;
    replace_once(dir, "bodies.jsonl", "Tous les élèves y gagnent.", "Tous les élèves y perdent.");
}

static void t_body_hex(fx *f, const char *dir)
{
    (void)f;
    size_t len;
    char *b = slurp(dir, "bodies.jsonl", &len);
    char *n = strstr(b, "\"nonce\":\"");
    n[9] = n[9] >= 'a' ? (char)(n[9] - 'a' + 'A') : 'G';
    spit(dir, "bodies.jsonl", b, len);
    free(b);
}

static void t_body_json(fx *f, const char *dir)
{
    (void)f;
    replace_once(dir, "bodies.jsonl", "\"nonce\":", "\"nonce\"::");
}

static void t_body_missing(fx *f, const char *dir)
{
    (void)f;
    size_t len, s, e;
    char *b = slurp(dir, "bodies.jsonl", &len);
    line_range(b, len, 1, &s, &e);
    spit(dir, "bodies.jsonl", b + e, len - e);
    free(b);
}

static void t_signature(fx *f, const char *dir)
{
    (void)f;
    size_t len;
    char *b = slurp(dir, "checkpoint", &len);
    char *sig = strstr(b, "\n\xe2\x80\x94 ");
    assert_non_null(sig);
    sig = strchr(sig + 5, ' ') + 1 + 30; /* inside the signature's base64 */
    *sig = *sig == 'A' ? 'B' : 'A';
    spit(dir, "checkpoint", b, len);
    free(b);
}

static void t_checkpoint_size(fx *f, const char *dir)
{
    char from[32], to[32];
    snprintf(from, sizeof from, "\n%llu\n", (unsigned long long)f->size);
    snprintf(to, sizeof to, "\n%llu\n", (unsigned long long)f->size - 1);
    replace_once(dir, "checkpoint", from, to);
}

static void t_manifest(fx *f, const char *dir)
{
    (void)f;
    replace_once(dir, "MANIFEST", " data/votes.csv\n", " data/votes.csv\n0 - extra\n");
}

static void t_extra_file(fx *f, const char *dir)
{
    (void)f;
    spit(dir, "notes.txt", "x\n", 2);
}

static void t_readme(fx *f, const char *dir)
{
    (void)f;
    replace_once(dir, "README.md", "Participants", "Participantes");
}

static void t_document(fx *f, const char *dir)
{
    (void)f;
    char *p = join(dir, "documents");
    DIR *d = opendir(p);
    struct dirent *de;
    char name[300] = "";
    while ((de = readdir(d)))
        if (de->d_name[0] != '.') snprintf(name, sizeof name, "documents/%s", de->d_name);
    closedir(d);
    free(p);
    replace_once(dir, name, "association", "Association");
}

static void t_format(fx *f, const char *dir)
{
    (void)f;
    replace_once(dir, "datapackage.json", "\"snapshot_format\": 1,", "\"snapshot_format\": 2,");
}

static const tamper_case cases[] = {
    {"entry byte", t_entry_byte,
     "tile/entries: the Merkle root of the entries differs from the "
     "signed checkpoint's (entry 5 does not match its hash in tile/0/"},
    {"entry malformed", t_entry_malformed, ": entry 0: malformed msgpack"},
    {"bundle truncated", t_bundle_truncated, ": malformed entry bundle"},
    {"bundle missing", t_bundle_missing, ": missing"},
    {"tile hash", t_tile_hash, ": hash 3 differs from the leaf hash of entry 3"},
    {"extra tile", t_extra_tile, "tile/entries/001: not a tile of a log of size"},
    {"csv cell", t_csv_cell,
     "data/contributions.csv: row 1, column title: expected \"Former au code, dès le collège\", "
     "found \"Former au code, dès la maternelle\""},
    {"csv missing row", t_csv_missing_row, "data/votes.csv: row 2: missing row (expected target="},
    {"csv extra row", t_csv_extra_row, "data/votes.csv: row 2: extra row (found target="},
    {"csv bare LF", t_csv_bare_lf, "data/participants.csv: row 1: malformed CSV: bare LF"},
    {"jsonl cell", t_jsonl_cell, "data/votes.jsonl: row ",
     ", column value: expected \"disagree\", found \"agree\""},
    {"jsonl malformed", t_jsonl_malformed, "data/themes.jsonl: row 1: malformed JSON"},
    {"body text", t_body_text, ": body does not match its commitment (entry "},
    {"body hex", t_body_hex, "bodies.jsonl: line 1: commitment and nonce must be lowercase hex"},
    {"body json", t_body_json, "bodies.jsonl: line 1: malformed JSON"},
    {"body missing", t_body_missing, "bodies.jsonl: no body for entry"},
    {"signature", t_signature, "checkpoint: signature verification failed"},
    {"checkpoint size", t_checkpoint_size, "checkpoint: signature verification failed"},
    {"manifest", t_manifest, "MANIFEST: line "},
    {"extra file", t_extra_file, "notes.txt: unexpected file"},
    {"readme", t_readme, "README.md: line "},
    {"format", t_format, "datapackage.json: snapshot format 2, this verifier reads format 1"},
    {"document", t_document, ": SHA-256 differs from the one document"},
};

static void every_tampering_is_caught(void **state)
{
    fx *f = *state;
    char *dir = join(f->work, "tampered");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        copy_tree(f->snap, dir);
        expect_ok(f, dir);
        cases[i].apply(f, dir);
        char msg[CC_SNAPSHOT_MSG_MAX];
        int rc = verify(f, dir, msg, sizeof msg);
        if (rc == 0) fail_msg("%s: not caught", cases[i].name);
        if (!strstr(msg, cases[i].want) || (cases[i].want2 && !strstr(msg, cases[i].want2)))
            fail_msg("%s: message \"%s\" does not contain \"%s\"", cases[i].name, msg,
                     cases[i].want);
    }
    ct_rmtree(dir);
    free(dir);
}

static void submitted(cc_command *cmd, void *arg)
{
    (void)cmd;
    (void)arg;
}

/* A log of several bundles: full bundles and tiles, the partial ones at the
 * edge, a level-1 tile; tampering in the second bundle is named there. */
static void several_bundles(void **state)
{
    fx *f = *state;
    ct_world w;
    ct_world_open(&w);
    enum { N = 560 };
    cc_command *cmds = calloc(N, sizeof *cmds);
    for (int i = 0; i < N; i++) {
        ct_target(&cmds[i], CC_EV_COMMENT_POSTED, i % 2 ? &w.bob : &w.alice, w.contribution);
        cc_command_body(&cmds[i], CC_B_TEXT, i % 3 ? "Bien vu." : "Je ne suis pas d'accord.");
        assert_int_equal(cc_writer_submit(w.w, &cmds[i], submitted, NULL), 0);
    }
    /* Long texts, so that the replay's ledger has to grow its map. */
    char *text = malloc(190001);
    for (int i = 0; i < 190000; i++)
        text[i] = (char)('a' + i % 26);
    text[190000] = '\0';
    cc_command syn[8];
    for (int i = 0; i < 8; i++) {
        cc_command_event(&syn[i], CC_EV_SYNTHESIS_PUBLISHED, &w.admin);
        syn[i].event.theme = w.theme;
        syn[i].event.log_size = 10;
        cc_event_set(&syn[i].event, CC_F_THEME);
        cc_event_set(&syn[i].event, CC_F_LOG_SIZE);
        cc_command_body(&syn[i], CC_B_TEXT, text);
        assert_int_equal(cc_writer_submit(w.w, &syn[i], submitted, NULL), 0);
    }
    ct_world_stop(&w); /* finishes every queued command */
    for (int i = 0; i < 8; i++)
        assert_int_equal(syn[i].result.rc, 0);
    free(text);
    for (int i = 0; i < N; i++)
        assert_int_equal(cmds[i].result.rc, 0);
    free(cmds);
    char *dir = join(f->work, "big"), *t = join(f->work, "big-t");
    char msg[CC_SNAPSHOT_MSG_MAX];
    cc_snapshot_info info;
    if (cc_snapshot_export(w.dir, dir, UINT64_MAX, &info, msg, sizeof msg))
        fail_msg("export: %s", msg);
    uint64_t size = info.size;
    assert_true(size > 512);
    char path[64];
    const char *want[] = {"tile/entries/000", "tile/entries/001", "tile/0/000", "tile/0/001"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char *p = join(dir, want[i]);
        assert_int_equal(access(p, F_OK), 0);
        free(p);
    }
    snprintf(path, sizeof path, "tile/entries/002.p/%llu", (unsigned long long)(size - 512));
    char *p = join(dir, path);
    assert_int_equal(access(p, F_OK), 0);
    free(p);
    p = join(dir, "tile/1/000.p/2");
    assert_int_equal(access(p, F_OK), 0);
    free(p);
    cc_verifier v = w.l.verifier;
    assert_int_equal(cc_snapshot_verify(dir, &v, &info, msg, sizeof msg), 0);
    /* The same at a size that ends exactly on a bundle. */
    char *at512 = join(f->work, "big-512");
    if (cc_snapshot_export(w.dir, at512, 512, &info, msg, sizeof msg)) fail_msg("export: %s", msg);
    p = join(at512, "tile/entries/001");
    assert_int_equal(access(p, F_OK), 0);
    free(p);
    p = join(at512, "tile/1/000.p/2");
    assert_int_equal(access(p, F_OK), 0);
    free(p);
    if (cc_snapshot_verify(at512, &v, &info, msg, sizeof msg)) fail_msg("verify: %s", msg);
    /* A byte of an entry in the second bundle. */
    copy_tree(dir, t);
    size_t len;
    char *b = slurp(t, "tile/entries/001", &len);
    char *by = memmem(b, len,
                      "\xa2"
                      "by\xb0",
                      4);
    assert_non_null(by);
    by[4] = by[4] == 'a' ? 'b' : 'a';
    spit(t, "tile/entries/001", b, len);
    free(b);
    assert_int_not_equal(cc_snapshot_verify(t, &v, &info, msg, sizeof msg), 0);
    assert_non_null(strstr(msg, "does not match its hash in tile/0/001"));
    ct_rmtree(t);
    ct_rmtree(dir);
    ct_rmtree(at512);
    free(t);
    free(dir);
    free(at512);
    ct_world_close(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exports_are_byte_identical),
        cmocka_unit_test(snapshot_verifies),
        cmocka_unit_test(earlier_size_differs_and_verifies),
        cmocka_unit_test(removed_item_has_no_body),
        cmocka_unit_test(no_personal_data),
        cmocka_unit_test(tables_hold_the_facts),
        cmocka_unit_test(every_tampering_is_caught),
        cmocka_unit_test(several_bundles),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
