/* The public bin: what an entry keeps (moderator, note, reason, time, the
 * item's current commitment, author, posting time, kind, parent, theme),
 * newest-first paging and the theme filter, tombstones after a removal
 * (of a trashed item or directly), restores leaving the bin, corrupted
 * records reported, and rebuilds byte-identical to incremental builds.
 * Everything goes through the real writer and a real views env. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"
#include "support.h"
#include "trash.h"
#include "views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------- */

static char *views_dir(ct_world *w, const char *name)
{
    char *p = malloc(strlen(w->dir) + strlen(name) + 2);
    assert_non_null(p);
    sprintf(p, "%s/%s", w->dir, name);
    return p;
}

static void event_at(ct_world *w, uint64_t seq, cc_event *e)
{
    MDB_txn *txn;
    cc_slice entry;
    assert_int_equal(cc_ledger_read_begin(&w->l, &txn), 0);
    assert_int_equal(cc_log_get(txn, w->l.log, seq, &entry), 0);
    assert_int_equal(cc_event_decode(entry.ptr, entry.len, e), 0);
    cc_ledger_read_end(&w->l, txn);
}

static uint64_t run(ct_world *w, cc_command *cmd)
{
    int rc = ct_exec(w, cmd);
    if (rc) fail_msg("command rejected: %s", cc_strerror(rc));
    return cmd->result.seq;
}

static uint64_t post(ct_world *w, const cc_pseudonym *by, uint64_t section)
{
    cc_command cmd;
    ct_post(&cmd, by, section, "Une proposition", "Le texte de la proposition.");
    return run(w, &cmd);
}

static uint64_t reply(ct_world *w, cc_event_type type, const cc_pseudonym *by, uint64_t item)
{
    cc_command cmd;
    ct_target(&cmd, type, by, item);
    if (type == CC_EV_ARGUMENT_POSTED) {
        cmd.event.side = CC_SIDE_FOR;
        cc_event_set(&cmd.event, CC_F_SIDE);
    }
    if (type == CC_EV_SOURCE_POSTED) {
        cc_command_body(&cmd, CC_B_TITLE, "Une étude");
        cc_command_body(&cmd, CC_B_URL, "https://example.org/etude");
    } else if (type == CC_EV_CONTRIBUTION_EDITED) {
        cc_command_body(&cmd, CC_B_TITLE, "Une proposition, corrigée");
        cc_command_body(&cmd, CC_B_TEXT, "Le texte corrigé.");
    } else {
        cc_command_body(&cmd, CC_B_TEXT, "Une réponse.");
    }
    return run(w, &cmd);
}

/* A moderation decision by the fixture's moderator; why is the trash reason
 * or the legal ground; note may be NULL. Returns the result code. */
static int moderate(ct_world *w, cc_event_type type, uint64_t item, uint8_t why, const char *note,
                    uint64_t *seq)
{
    cc_command cmd;
    ct_target(&cmd, type, &w->mod, item);
    if (type == CC_EV_ITEM_TRASHED) {
        cmd.event.reason = why;
        cc_event_set(&cmd.event, CC_F_TRASH_REASON);
    } else if (type == CC_EV_ITEM_REMOVED) {
        cmd.event.ground = why;
        cc_event_set(&cmd.event, CC_F_GROUND);
    }
    if (note) cc_command_body(&cmd, CC_B_TEXT, note);
    int rc = ct_exec(w, &cmd);
    if (seq) *seq = cmd.result.seq;
    return rc;
}

static uint64_t decide(ct_world *w, cc_event_type type, uint64_t item, uint8_t why,
                       const char *note)
{
    uint64_t seq;
    int rc = moderate(w, type, item, why, note, &seq);
    if (rc) fail_msg("moderation rejected: %s", cc_strerror(rc));
    return seq;
}

/* A second open theme with one section that accepts contributions. */
static void second_theme(ct_world *w, uint64_t *theme, uint64_t *section)
{
    cc_command cmd;
    cc_command_event(&cmd, CC_EV_THEME_CREATED, &w->admin);
    cmd.event.order = 2;
    cmd.event.opens = 1000;
    cmd.event.closes = 2000;
    cc_event_set(&cmd.event, CC_F_ORDER);
    cc_event_set(&cmd.event, CC_F_OPENS);
    cc_event_set(&cmd.event, CC_F_CLOSES);
    cc_command_body(&cmd, CC_B_TITLE, "Le numérique et la réduction des inégalités");
    *theme = run(w, &cmd);
    cc_command_event(&cmd, CC_EV_SECTION_CREATED, &w->admin);
    cmd.event.theme = *theme;
    cmd.event.kind = CC_KIND_DIAGNOSTIC;
    cmd.event.posting = 1;
    cmd.event.order = 1;
    cc_event_set(&cmd.event, CC_F_THEME);
    cc_event_set(&cmd.event, CC_F_KIND);
    cc_event_set(&cmd.event, CC_F_POSTING);
    cc_event_set(&cmd.event, CC_F_ORDER);
    cc_command_body(&cmd, CC_B_TITLE, "Diagnostic");
    *section = run(w, &cmd);
    cc_command_event(&cmd, CC_EV_THEME_OPENED, &w->admin);
    cmd.event.theme = *theme;
    cc_event_set(&cmd.event, CC_F_THEME);
    run(w, &cmd);
}

static cc_views *open_views(ct_world *w, const char *dir)
{
    cc_views *v;
    assert_int_equal(cc_views_open(&v, dir, &w->l, NULL), 0);
    assert_int_equal(cc_views_catch_up(v, UINT64_MAX, NULL), 0);
    assert_int_equal(cc_views_position(v), ct_log_size(w));
    return v;
}

static const cc_trash *trash_of(cc_views *v)
{
    const cc_trash *tv = cc_views_state(v, &cc_projection_trash);
    assert_non_null(tv);
    return tv;
}

static int get(cc_views *v, uint64_t item, cc_trash_entry *out)
{
    MDB_txn *txn;
    assert_int_equal(cc_views_read_begin(v, &txn), 0);
    int rc = cc_trash_get(txn, trash_of(v), item, out);
    cc_views_read_end(v, txn);
    return rc;
}

#define PAGE 16

typedef struct page {
    cc_trash_entry e[PAGE];
    uint32_t count;
    uint64_t total;
} page;

static int list(cc_views *v, uint64_t theme, uint64_t offset, uint32_t limit, page *p)
{
    assert_true(limit <= PAGE);
    MDB_txn *txn;
    memset(p, 0, sizeof *p);
    assert_int_equal(cc_views_read_begin(v, &txn), 0);
    int rc = cc_trash_list(txn, trash_of(v), theme, offset, limit, p->e, &p->count, &p->total);
    cc_views_read_end(v, txn);
    return rc;
}

/* The item ids of a page, in order, must be exactly want[0..n). */
static void assert_items(const page *p, const uint64_t *want, uint32_t n)
{
    assert_int_equal(p->count, n);
    for (uint32_t i = 0; i < n; i++)
        if (p->e[i].item != want[i])
            fail_msg("position %u: item %llu, expected %llu", i, (unsigned long long)p->e[i].item,
                     (unsigned long long)want[i]);
}

/* ---- tests --------------------------------------------------------------- */

static void trashed_entry_keeps_everything(void **state)
{
    (void)state;
    ct_world w;
    ct_world_open(&w);
    uint64_t c = w.contribution;
    uint64_t arg = reply(&w, CC_EV_ARGUMENT_POSTED, &w.bob, c);
    uint64_t src = reply(&w, CC_EV_SOURCE_POSTED, &w.bob, c);
    uint64_t com = reply(&w, CC_EV_COMMENT_POSTED, &w.alice, src);
    uint64_t edit = reply(&w, CC_EV_CONTRIBUTION_EDITED, &w.alice, c);
    uint64_t d1 = decide(&w, CC_EV_ITEM_TRASHED, c, CC_TRASH_OFF_TOPIC, "Hors sujet.");
    uint64_t d2 = decide(&w, CC_EV_ITEM_TRASHED, com, CC_TRASH_INSULTING, NULL);

    char *dir = views_dir(&w, "views");
    cc_views *v = open_views(&w, dir);
    cc_event posted_ev, edit_ev, d1_ev, d2_ev, com_ev;
    event_at(&w, c, &posted_ev);
    event_at(&w, edit, &edit_ev);
    event_at(&w, d1, &d1_ev);
    event_at(&w, d2, &d2_ev);
    event_at(&w, com, &com_ev);

    cc_trash_entry e;
    assert_int_equal(get(v, c, &e), 0);
    assert_int_equal(e.item, c);
    assert_int_equal(e.kind, CC_ITEM_CONTRIBUTION);
    assert_int_equal(e.removed, 0);
    assert_int_equal(e.reason, CC_TRASH_OFF_TOPIC);
    assert_int_equal(e.decision_seq, d1);
    assert_int_equal(e.decision_ms, d1_ev.ts);
    assert_string_equal(e.moderator.s, w.mod.s);
    assert_string_equal(e.author.s, w.alice.s);
    assert_int_equal(e.theme, w.theme);
    assert_int_equal(e.parent, w.section);
    assert_int_equal(e.posted_ms, posted_ev.ts);
    /* The edit replaced the body: the bin shows the current version. */
    assert_memory_equal(e.commitment, edit_ev.commitment, 32);
    assert_memory_not_equal(e.commitment, posted_ev.commitment, 32);
    assert_int_equal(e.has_note, 1);
    assert_memory_equal(e.note, d1_ev.commitment, 32);

    /* A comment under a source: parent is the source, theme found through
     * source and contribution; no note given. */
    assert_int_equal(get(v, com, &e), 0);
    assert_int_equal(e.kind, CC_ITEM_COMMENT);
    assert_int_equal(e.parent, src);
    assert_int_equal(e.theme, w.theme);
    assert_int_equal(e.reason, CC_TRASH_INSULTING);
    assert_string_equal(e.author.s, w.alice.s);
    assert_int_equal(e.posted_ms, com_ev.ts);
    assert_memory_equal(e.commitment, com_ev.commitment, 32);
    assert_int_equal(e.has_note, 0);
    static const uint8_t zero[32];
    assert_memory_equal(e.note, zero, 32);
    assert_int_equal(e.decision_ms, d2_ev.ts);

    /* What was not moderated is not in the bin. */
    assert_int_equal(get(v, arg, &e), CC_ENOTFOUND);
    assert_int_equal(get(v, src, &e), CC_ENOTFOUND);
    assert_int_equal(get(v, w.section, &e), CC_ENOTFOUND);

    page p;
    assert_int_equal(list(v, 0, 0, PAGE, &p), 0);
    assert_int_equal(p.total, 2);
    assert_items(&p, (uint64_t[]){com, c}, 2);
    /* Entries read through the list equal those read one by one. */
    assert_int_equal(get(v, c, &e), 0);
    assert_memory_equal(&p.e[1], &e, sizeof e);
    assert_int_equal(list(v, w.theme, 0, PAGE, &p), 0);
    assert_int_equal(p.total, 2);
    /* A section is not a theme: nothing is listed under it. */
    assert_int_equal(list(v, w.section, 0, PAGE, &p), 0);
    assert_int_equal(p.total, 0);
    assert_int_equal(p.count, 0);

    cc_views_close(v);
    free(dir);
    ct_world_close(&w);
}

static void list_is_newest_first_paged_and_by_theme(void **state)
{
    (void)state;
    ct_world w;
    ct_world_open(&w);
    uint64_t t2, s2;
    second_theme(&w, &t2, &s2);
    uint64_t c1 = post(&w, &w.bob, w.section), c2 = post(&w, &w.bob, w.section),
             c3 = post(&w, &w.alice, w.section);
    uint64_t d1 = post(&w, &w.bob, s2);
    uint64_t src = reply(&w, CC_EV_SOURCE_POSTED, &w.alice, d1);
    uint64_t cm = reply(&w, CC_EV_COMMENT_POSTED, &w.bob, src);
    decide(&w, CC_EV_ITEM_TRASHED, c2, CC_TRASH_SPAM, NULL);
    decide(&w, CC_EV_ITEM_TRASHED, d1, CC_TRASH_FALSE, "Chiffres inventés.");
    decide(&w, CC_EV_ITEM_TRASHED, c1, CC_TRASH_DUPLICATE, NULL);
    decide(&w, CC_EV_ITEM_TRASHED, cm, CC_TRASH_INSULTING, NULL);
    decide(&w, CC_EV_ITEM_TRASHED, c3, CC_TRASH_OFF_TOPIC, NULL);

    char *dir = views_dir(&w, "views");
    cc_views *v = open_views(&w, dir);
    page p;
    assert_int_equal(list(v, 0, 0, PAGE, &p), 0);
    assert_int_equal(p.total, 5);
    assert_items(&p, (uint64_t[]){c3, cm, c1, d1, c2}, 5);
    for (uint32_t i = 1; i < p.count; i++)
        assert_true(p.e[i - 1].decision_seq > p.e[i].decision_seq);

    /* Pages of two. */
    assert_int_equal(list(v, 0, 0, 2, &p), 0);
    assert_int_equal(p.total, 5);
    assert_items(&p, (uint64_t[]){c3, cm}, 2);
    assert_int_equal(list(v, 0, 2, 2, &p), 0);
    assert_items(&p, (uint64_t[]){c1, d1}, 2);
    assert_int_equal(list(v, 0, 4, 2, &p), 0);
    assert_items(&p, (uint64_t[]){c2}, 1);
    assert_int_equal(p.total, 5);
    assert_int_equal(list(v, 0, 5, 2, &p), 0);
    assert_int_equal(p.count, 0);
    assert_int_equal(p.total, 5);
    assert_int_equal(list(v, 0, 0, 0, &p), 0);
    assert_int_equal(p.count, 0);
    assert_int_equal(p.total, 5);

    /* By theme; paging inside a theme stops at the theme's end. */
    assert_int_equal(list(v, w.theme, 0, PAGE, &p), 0);
    assert_int_equal(p.total, 3);
    assert_items(&p, (uint64_t[]){c3, c1, c2}, 3);
    assert_int_equal(list(v, w.theme, 1, PAGE, &p), 0);
    assert_items(&p, (uint64_t[]){c1, c2}, 2);
    assert_int_equal(list(v, t2, 0, PAGE, &p), 0);
    assert_int_equal(p.total, 2);
    assert_items(&p, (uint64_t[]){cm, d1}, 2);
    assert_int_equal(p.e[0].parent, src);
    assert_int_equal(p.e[0].theme, t2);
    assert_int_equal(p.e[1].parent, s2);
    assert_int_equal(p.e[1].reason, CC_TRASH_FALSE);
    assert_int_equal(p.e[1].has_note, 1);
    assert_int_equal(list(v, t2, 1, 1, &p), 0);
    assert_items(&p, (uint64_t[]){d1}, 1);
    assert_int_equal(list(v, t2, 2, 1, &p), 0);
    assert_int_equal(p.count, 0);

    /* The fixture's contribution was never trashed. */
    cc_trash_entry e;
    assert_int_equal(get(v, w.contribution, &e), CC_ENOTFOUND);

    cc_views_close(v);
    free(dir);
    ct_world_close(&w);
}

static void removal_leaves_a_tombstone(void **state)
{
    (void)state;
    ct_world w;
    ct_world_open(&w);
    uint64_t c1 = post(&w, &w.bob, w.section), c2 = post(&w, &w.bob, w.section);
    uint64_t arg = reply(&w, CC_EV_ARGUMENT_POSTED, &w.alice, c2);
    uint64_t t = decide(&w, CC_EV_ITEM_TRASHED, c1, CC_TRASH_SPAM, "Publicité.");

    char *dir = views_dir(&w, "views");
    cc_views *v = open_views(&w, dir);
    cc_trash_entry e;
    assert_int_equal(get(v, c1, &e), 0);
    assert_int_equal(e.removed, 0);
    assert_int_equal(e.decision_seq, t);

    uint64_t r1 =
        decide(&w, CC_EV_ITEM_REMOVED, c1, CC_GROUND_RACIAL_HATRED, "Signalé au parquet.");
    uint64_t r2 = decide(&w, CC_EV_ITEM_REMOVED, c2, CC_GROUND_HUMAN_DIGNITY, NULL);
    assert_int_equal(cc_views_catch_up(v, UINT64_MAX, NULL), 0);
    cc_event posted_ev, r1_ev, r2_ev;
    event_at(&w, c1, &posted_ev);
    event_at(&w, r1, &r1_ev);
    event_at(&w, r2, &r2_ev);

    /* The trashed entry became a tombstone: the removal is its decision. */
    assert_int_equal(get(v, c1, &e), 0);
    assert_int_equal(e.removed, 1);
    assert_int_equal(e.reason, CC_GROUND_RACIAL_HATRED);
    assert_int_equal(e.decision_seq, r1);
    assert_int_equal(e.decision_ms, r1_ev.ts);
    assert_string_equal(e.moderator.s, w.mod.s);
    assert_int_equal(e.has_note, 1);
    assert_memory_equal(e.note, r1_ev.commitment, 32);
    assert_memory_equal(e.commitment, posted_ev.commitment, 32);
    assert_int_equal(e.kind, CC_ITEM_CONTRIBUTION);
    assert_int_equal(e.theme, w.theme);

    /* A live item removed directly. */
    assert_int_equal(get(v, c2, &e), 0);
    assert_int_equal(e.removed, 1);
    assert_int_equal(e.reason, CC_GROUND_HUMAN_DIGNITY);
    assert_int_equal(e.decision_seq, r2);
    assert_int_equal(e.has_note, 0);
    /* Its argument stays out of the bin. */
    assert_int_equal(get(v, arg, &e), CC_ENOTFOUND);

    /* One entry per item, newest decision first, under 0 and the theme. */
    page p;
    assert_int_equal(list(v, 0, 0, PAGE, &p), 0);
    assert_int_equal(p.total, 2);
    assert_items(&p, (uint64_t[]){c2, c1}, 2);
    assert_int_equal(list(v, w.theme, 0, PAGE, &p), 0);
    assert_int_equal(p.total, 2);
    assert_items(&p, (uint64_t[]){c2, c1}, 2);

    /* Removal is final: a restore is refused and the tombstone stays. */
    assert_int_equal(moderate(&w, CC_EV_ITEM_RESTORED, c1, 0, NULL, NULL), CC_EREMOVED);
    assert_int_equal(cc_views_catch_up(v, UINT64_MAX, NULL), 0);
    assert_int_equal(get(v, c1, &e), 0);
    assert_int_equal(e.removed, 1);
    assert_int_equal(e.decision_seq, r1);

    cc_views_close(v);
    free(dir);
    ct_world_close(&w);
}

static void restore_leaves_the_bin(void **state)
{
    (void)state;
    ct_world w;
    ct_world_open(&w);
    uint64_t c1 = post(&w, &w.bob, w.section), c2 = post(&w, &w.alice, w.section);
    decide(&w, CC_EV_ITEM_TRASHED, c1, CC_TRASH_SPAM, "Publicité.");
    uint64_t t2 = decide(&w, CC_EV_ITEM_TRASHED, c2, CC_TRASH_FALSE, "Citation inventée.");
    decide(&w, CC_EV_ITEM_RESTORED, c1, 0, "Signalement infondé après relecture.");

    char *dir = views_dir(&w, "views");
    cc_views *v = open_views(&w, dir);
    cc_event t2_ev;
    event_at(&w, t2, &t2_ev);
    cc_trash_entry e;
    assert_int_equal(get(v, c1, &e), CC_ENOTFOUND);
    page p;
    assert_int_equal(list(v, 0, 0, PAGE, &p), 0);
    assert_int_equal(p.total, 1);
    assert_items(&p, (uint64_t[]){c2}, 1);
    assert_int_equal(list(v, w.theme, 0, PAGE, &p), 0);
    assert_int_equal(p.total, 1);
    /* The other entry keeps its reason and note. */
    assert_int_equal(get(v, c2, &e), 0);
    assert_int_equal(e.reason, CC_TRASH_FALSE);
    assert_int_equal(e.has_note, 1);
    assert_memory_equal(e.note, t2_ev.commitment, 32);
    assert_int_equal(e.decision_seq, t2);

    /* Trashed again: a new entry, for the new decision, on top. */
    uint64_t again = decide(&w, CC_EV_ITEM_TRASHED, c1, CC_TRASH_DUPLICATE, NULL);
    assert_int_equal(cc_views_catch_up(v, UINT64_MAX, NULL), 0);
    assert_int_equal(get(v, c1, &e), 0);
    assert_int_equal(e.decision_seq, again);
    assert_int_equal(e.reason, CC_TRASH_DUPLICATE);
    assert_int_equal(e.has_note, 0);
    assert_int_equal(list(v, 0, 0, PAGE, &p), 0);
    assert_items(&p, (uint64_t[]){c1, c2}, 2);

    /* Restoring everything empties the bin. */
    decide(&w, CC_EV_ITEM_RESTORED, c1, 0, NULL);
    decide(&w, CC_EV_ITEM_RESTORED, c2, 0, NULL);
    assert_int_equal(cc_views_catch_up(v, UINT64_MAX, NULL), 0);
    assert_int_equal(list(v, 0, 0, PAGE, &p), 0);
    assert_int_equal(p.total, 0);
    assert_int_equal(p.count, 0);
    assert_int_equal(list(v, w.theme, 0, PAGE, &p), 0);
    assert_int_equal(p.total, 0);
    assert_int_equal(get(v, c2, &e), CC_ENOTFOUND);
    /* Restoring what is not in the bin is refused upstream. */
    assert_int_equal(moderate(&w, CC_EV_ITEM_RESTORED, c2, 0, NULL, NULL), CC_ENOTMODERATED);

    cc_views_close(v);
    free(dir);
    ct_world_close(&w);
}

/* Overwrite the value of a key (the first one when key is NULL) of a DBI
 * of the (closed) views env at dir with bytes[0..len). */
static void poke(const char *dir, const char *dbi_name, const void *key, size_t key_len,
                 const void *bytes, size_t len)
{
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    MDB_val k = {key_len, (void *)key}, v;
    uint8_t first[64];
    assert_int_equal(mdb_env_create(&env), 0);
    assert_int_equal(mdb_env_set_maxdbs(env, 64), 0);
    assert_int_equal(mdb_env_set_mapsize(env, (size_t)1 << 30), 0);
    assert_int_equal(mdb_env_open(env, dir, MDB_NOTLS, 0600), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, dbi_name, 0, &dbi), 0);
    if (!key) {
        MDB_cursor *c;
        assert_int_equal(mdb_cursor_open(txn, dbi, &c), 0);
        assert_int_equal(mdb_cursor_get(c, &k, &v, MDB_FIRST), 0);
        assert_true(k.mv_size <= sizeof first);
        memcpy(first, k.mv_data, k.mv_size);
        k.mv_data = first;
        mdb_cursor_close(c);
    }
    assert_int_equal(mdb_get(txn, dbi, &k, &v), 0); /* overwrite, never add */
    v = (MDB_val){len, (void *)bytes};
    assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
    assert_int_equal(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
}

static void corrupt_records_are_reported(void **state)
{
    (void)state;
    ct_world w;
    ct_world_open(&w);
    uint64_t c1 = post(&w, &w.bob, w.section);
    decide(&w, CC_EV_ITEM_TRASHED, c1, CC_TRASH_SPAM, NULL);
    char *dir = views_dir(&w, "views");
    cc_views *v = open_views(&w, dir);
    cc_trash_entry e;
    assert_int_equal(get(v, c1, &e), 0);
    cc_views_close(v);

    /* A count that disagrees with the entries: dropping one is refused. */
    uint8_t zero[8] = {0}, theme_key[8];
    for (int i = 7, n = (int)w.theme; i >= 0; i--, n >>= 8)
        theme_key[i] = (uint8_t)n;
    poke(dir, "trash_totals", theme_key, 8, zero, sizeof zero);
    assert_int_equal(cc_views_open(&v, dir, &w.l, NULL), 0);
    decide(&w, CC_EV_ITEM_RESTORED, c1, 0, NULL);
    assert_int_equal(cc_views_catch_up(v, UINT64_MAX, NULL), CC_ECORRUPT);
    assert_int_equal(get(v, c1, &e), 0); /* the failed chunk left nothing behind */
    cc_views_close(v);

    /* A truncated entry. */
    uint8_t junk[149];
    memset(junk, 0, sizeof junk);
    poke(dir, "trash_entries", NULL, 0, junk, 10);
    assert_int_equal(cc_views_open(&v, dir, &w.l, NULL), 0);
    page p;
    assert_int_equal(get(v, c1, &e), CC_ECORRUPT);
    assert_int_equal(list(v, 0, 0, PAGE, &p), CC_ECORRUPT);
    cc_views_close(v);

    /* Right length, unknown record version. */
    junk[0] = 2;
    poke(dir, "trash_entries", NULL, 0, junk, sizeof junk);
    assert_int_equal(cc_views_open(&v, dir, &w.l, NULL), 0);
    assert_int_equal(list(v, 0, 0, PAGE, &p), CC_ECORRUPT);
    cc_views_close(v);

    /* A damaged index, then a damaged item record met by a later event:
     * the fold stops rather than build on it. */
    poke(dir, "trash_by_item", NULL, 0, junk, 3);
    assert_int_equal(cc_views_open(&v, dir, &w.l, NULL), 0);
    assert_int_equal(get(v, c1, &e), CC_ECORRUPT);
    cc_views_close(v);
    poke(dir, "trash_items", NULL, 0, junk, 5); /* the first item is the section */
    assert_int_equal(cc_views_open(&v, dir, &w.l, NULL), 0);
    post(&w, &w.alice, w.section);
    uint64_t before = cc_views_position(v);
    assert_int_equal(cc_views_catch_up(v, UINT64_MAX, NULL), CC_ECORRUPT);
    assert_int_equal(cc_views_position(v), before); /* nothing half-applied */
    cc_views_close(v);

    free(dir);
    ct_world_close(&w);
}

/* Posts in two themes, an edit, trash, removal of a trashed item, a direct
 * removal, a restore and a re-trash. */
static void script(ct_world *w, cc_views *follow)
{
    uint64_t t2, s2;
    second_theme(w, &t2, &s2);
    uint64_t items[8];
    for (int i = 0; i < 8; i++) {
        items[i] = post(w, i % 2 ? &w->bob : &w->alice, i % 3 ? w->section : s2);
        if (follow) assert_int_equal(cc_views_catch_up(follow, UINT64_MAX, NULL), 0);
    }
    uint64_t arg = reply(w, CC_EV_ARGUMENT_POSTED, &w->bob, items[0]);
    reply(w, CC_EV_CONTRIBUTION_EDITED, &w->alice, items[2]);
    decide(w, CC_EV_ITEM_TRASHED, items[2], CC_TRASH_OFF_TOPIC, "Hors sujet.");
    decide(w, CC_EV_ITEM_TRASHED, items[3], CC_TRASH_SPAM, NULL);
    if (follow) assert_int_equal(cc_views_catch_up(follow, UINT64_MAX, NULL), 0);
    decide(w, CC_EV_ITEM_REMOVED, items[3], CC_GROUND_CHILD_ABUSE, NULL);
    decide(w, CC_EV_ITEM_REMOVED, arg, CC_GROUND_INCITEMENT_TO_VIOLENCE, "Retiré.");
    decide(w, CC_EV_ITEM_TRASHED, items[5], CC_TRASH_FALSE, NULL);
    decide(w, CC_EV_ITEM_RESTORED, items[2], 0, NULL);
    if (follow) assert_int_equal(cc_views_catch_up(follow, UINT64_MAX, NULL), 0);
    decide(w, CC_EV_ITEM_TRASHED, items[2], CC_TRASH_DUPLICATE, NULL);
}

static void rebuild_matches_incremental(void **state)
{
    (void)state;
    ct_world w;
    ct_world_open(&w);
    char *dir = views_dir(&w, "views"), *dir2 = views_dir(&w, "views-rebuilt");
    cc_views *v, *v2;
    cc_views_options opt = {.chunk_events = 2};
    assert_int_equal(cc_views_open(&v, dir, &w.l, &opt), 0);
    assert_int_equal(cc_views_catch_up(v, UINT64_MAX, NULL), 0);
    script(&w, v);
    assert_int_equal(cc_views_catch_up(v, UINT64_MAX, NULL), 0);
    v2 = open_views(&w, dir2);

    uint8_t d1[32], d2[32];
    assert_int_equal(cc_views_digest(v, d1), 0);
    assert_int_equal(cc_views_digest(v2, d2), 0);
    assert_memory_equal(d1, d2, 32);
    page p1, p2;
    assert_int_equal(list(v, 0, 0, PAGE, &p1), 0);
    assert_int_equal(list(v2, 0, 0, PAGE, &p2), 0);
    assert_int_equal(p1.total, 4);
    assert_memory_equal(&p1, &p2, sizeof p1);
    assert_int_equal(p1.e[0].reason, CC_TRASH_DUPLICATE);
    assert_int_equal(p1.e[1].removed, 0); /* items[5] */
    assert_int_equal(p1.e[2].removed, 1); /* arg */
    assert_int_equal(p1.e[3].removed, 1); /* items[3] */

    /* Cleared and rebuilt in place: the same bytes again. */
    assert_int_equal(cc_views_clear(v), 0);
    assert_int_equal(list(v, 0, 0, PAGE, &p1), 0);
    assert_int_equal(p1.total, 0);
    assert_int_equal(cc_views_catch_up(v, UINT64_MAX, NULL), 0);
    assert_int_equal(cc_views_digest(v, d1), 0);
    assert_memory_equal(d1, d2, 32);

    cc_views_close(v2);
    cc_views_close(v);
    free(dir);
    free(dir2);
    ct_world_close(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(trashed_entry_keeps_everything),
        cmocka_unit_test(list_is_newest_first_paged_and_by_theme),
        cmocka_unit_test(removal_leaves_a_tombstone),
        cmocka_unit_test(restore_leaves_the_bin),
        cmocka_unit_test(corrupt_records_are_reported),
        cmocka_unit_test(rebuild_matches_incremental),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
