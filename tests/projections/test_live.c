/* The live view: counters, orderings and pagination, arguments by side,
 * versions, own votes, history, moderation (bin, queue, decisions),
 * erasure, themes and sections, documents, meetings and published texts,
 * corrupted records, and a rebuild byte-identical to the incremental build.
 *
 * Each test runs real commands through the writer (ct_world), catches the
 * views up and reads what the site would read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "demo.h"
#include "error.h"
#include "live.h"
#include "support.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

typedef struct fx {
    ct_world w;
    char *dir;
    cc_views *v;
    const cc_live *lv;
    MDB_txn *txn; /* read transaction on the views, renewed by sync() */
    cc_pseudonym carol;
} fx;

static char *path_in(const ct_world *w, const char *name)
{
    char *p = malloc(strlen(w->dir) + strlen(name) + 2);
    assert_non_null(p);
    sprintf(p, "%s/%s", w->dir, name);
    return p;
}

static void end_read(fx *f)
{
    if (f->txn) cc_views_read_end(f->v, f->txn);
    f->txn = NULL;
}

/* Catch the views up with the log and open a fresh read transaction. */
static void sync_view(fx *f)
{
    end_read(f);
    assert_int_equal(cc_views_catch_up(f->v, UINT64_MAX, NULL), 0);
    assert_int_equal(cc_views_read_begin(f->v, &f->txn), 0);
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    ct_world_open(&f->w);
    f->carol = ct_register(&f->w, "carol", "carol@example.org");
    f->dir = path_in(&f->w, "views");
    assert_int_equal(cc_views_open(&f->v, f->dir, &f->w.l, NULL), 0);
    f->lv = cc_views_state(f->v, &cc_projection_live);
    assert_non_null(f->lv);
    sync_view(f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    end_read(f);
    if (f->v) cc_views_close(f->v);
    free(f->dir);
    ct_world_close(&f->w);
    free(f);
    return 0;
}

/* ---- commands ----------------------------------------------------------- */

static uint64_t run(fx *f, cc_command *cmd)
{
    int rc = ct_exec(&f->w, cmd);
    if (rc) fail_msg("command %s: %s", cc_event_type_name(cmd->event.type), cc_strerror(rc));
    return cmd->result.seq;
}

static uint64_t post(fx *f, const cc_pseudonym *by, uint64_t section)
{
    cc_command cmd;
    ct_post(&cmd, by, section, "Une proposition", "Son texte.");
    return run(f, &cmd);
}

static uint64_t on_item(fx *f, cc_event_type type, const cc_pseudonym *by, uint64_t item,
                        uint8_t side)
{
    cc_command cmd;
    ct_target(&cmd, type, by, item);
    switch (type) {
    case CC_EV_ARGUMENT_POSTED:
        cmd.event.side = side;
        cc_event_set(&cmd.event, CC_F_SIDE);
        cc_command_body(&cmd, CC_B_TEXT, "Un argument.");
        break;
    case CC_EV_SOURCE_POSTED:
        cc_command_body(&cmd, CC_B_TITLE, "Une source");
        cc_command_body(&cmd, CC_B_URL, "https://example.org/etude");
        break;
    case CC_EV_COMMENT_POSTED:
        cc_command_body(&cmd, CC_B_TEXT, "Un commentaire.");
        break;
    case CC_EV_CONTRIBUTION_EDITED:
        cc_command_body(&cmd, CC_B_TITLE, side == 1 ? "Titre revu" : "Titre revu encore");
        cc_command_body(&cmd, CC_B_TEXT, "Texte revu.");
        break;
    default:
        break;
    }
    return run(f, &cmd);
}

static uint64_t argue(fx *f, const cc_pseudonym *by, uint64_t item, cc_side side)
{
    return on_item(f, CC_EV_ARGUMENT_POSTED, by, item, (uint8_t)side);
}

static uint64_t vote(fx *f, const cc_pseudonym *by, uint64_t item, cc_vote_value value)
{
    cc_command cmd;
    ct_target(&cmd, CC_EV_VOTE_CAST, by, item);
    cmd.event.value = (uint8_t)value;
    cc_event_set(&cmd.event, CC_F_VALUE);
    return run(f, &cmd);
}

static uint64_t withdraw(fx *f, const cc_pseudonym *by, uint64_t item)
{
    return on_item(f, CC_EV_VOTE_WITHDRAWN, by, item, 0);
}

static uint64_t flag(fx *f, const cc_pseudonym *by, uint64_t item, cc_flag_reason reason,
                     int details)
{
    cc_command cmd;
    ct_target(&cmd, CC_EV_FLAG_RAISED, by, item);
    cmd.event.reason = (uint8_t)reason;
    cc_event_set(&cmd.event, CC_F_FLAG_REASON);
    if (details) cc_command_body(&cmd, CC_B_TEXT, "Ce contenu enfreint la charte.");
    return run(f, &cmd);
}

/* A moderator's decision; reason is the trash reason or removal ground. */
static uint64_t moderate(fx *f, cc_event_type type, uint64_t item, uint8_t reason, int note)
{
    cc_command cmd;
    ct_target(&cmd, type, &f->w.mod, item);
    if (type == CC_EV_ITEM_TRASHED) {
        cmd.event.reason = reason;
        cc_event_set(&cmd.event, CC_F_TRASH_REASON);
    } else if (type == CC_EV_ITEM_REMOVED) {
        cmd.event.ground = reason;
        cc_event_set(&cmd.event, CC_F_GROUND);
    }
    if (note) cc_command_body(&cmd, CC_B_TEXT, "Décision conforme à la charte.");
    return run(f, &cmd);
}

static uint64_t theme_event(fx *f, cc_event_type type, uint64_t theme)
{
    cc_command cmd;
    cc_command_event(&cmd, type, &f->w.admin);
    cmd.event.theme = theme;
    cc_event_set(&cmd.event, CC_F_THEME);
    return run(f, &cmd);
}

static uint64_t theme_create(fx *f, cc_event_type type, uint64_t theme, uint64_t order)
{
    cc_command cmd;
    cc_command_event(&cmd, type, &f->w.admin);
    if (type == CC_EV_THEME_UPDATED) {
        cmd.event.theme = theme;
        cc_event_set(&cmd.event, CC_F_THEME);
    }
    cmd.event.order = order;
    cmd.event.opens = 100 * order;
    cmd.event.closes = 100 * order + 50;
    cc_event_set(&cmd.event, CC_F_ORDER);
    cc_event_set(&cmd.event, CC_F_OPENS);
    cc_event_set(&cmd.event, CC_F_CLOSES);
    cc_command_body(&cmd, CC_B_TITLE, type == CC_EV_THEME_UPDATED ? "Thème revu" : "Thème");
    return run(f, &cmd);
}

static uint64_t section_event(fx *f, cc_event_type type, uint64_t target, cc_section_kind kind,
                              int posting, uint64_t order)
{
    cc_command cmd;
    cc_command_event(&cmd, type, &f->w.admin);
    if (type == CC_EV_SECTION_CREATED) {
        cmd.event.theme = target;
        cc_event_set(&cmd.event, CC_F_THEME);
    } else {
        cmd.event.section = target;
        cc_event_set(&cmd.event, CC_F_SECTION);
    }
    cmd.event.kind = (uint8_t)kind;
    cmd.event.posting = posting;
    cmd.event.order = order;
    cc_event_set(&cmd.event, CC_F_KIND);
    cc_event_set(&cmd.event, CC_F_POSTING);
    cc_event_set(&cmd.event, CC_F_ORDER);
    cc_command_body(&cmd, CC_B_TITLE, "Partie");
    return run(f, &cmd);
}

static uint64_t publish(fx *f, cc_event_type type, uint64_t theme, uint64_t log_size,
                        const char *text)
{
    cc_command cmd;
    cc_command_event(&cmd, type, &f->w.admin);
    if (type == CC_EV_SYNTHESIS_PUBLISHED || type == CC_EV_RECOMMENDATIONS_PUBLISHED) {
        cmd.event.theme = theme;
        cc_event_set(&cmd.event, CC_F_THEME);
    }
    if (type != CC_EV_CONSULTATION_CONFIGURED) {
        cmd.event.log_size = log_size;
        cc_event_set(&cmd.event, CC_F_LOG_SIZE);
    } else {
        cc_command_body(&cmd, CC_B_TITLE, "Concertation");
    }
    cc_command_body(&cmd, CC_B_TEXT, text);
    return run(f, &cmd);
}

static uint64_t document(fx *f, uint64_t theme, cc_mime mime, const char *file)
{
    cc_command cmd;
    cc_command_event(&cmd, CC_EV_DOCUMENT_PUBLISHED, &f->w.admin);
    if (theme) {
        cmd.event.theme = theme;
        cc_event_set(&cmd.event, CC_F_THEME);
    }
    cmd.event.mime = (uint8_t)mime;
    cc_event_set(&cmd.event, CC_F_MIME);
    cc_command_body(&cmd, CC_B_TITLE, "Dossier");
    cc_command_body(&cmd, CC_B_NAME, "dossier.pdf");
    cmd.file = (cc_slice){(const uint8_t *)file, strlen(file)};
    return run(f, &cmd);
}

static uint64_t meeting(fx *f, uint64_t theme, uint64_t at)
{
    cc_command cmd;
    cc_command_event(&cmd, CC_EV_MEETING_SCHEDULED, &f->w.admin);
    if (theme) {
        cmd.event.theme = theme;
        cc_event_set(&cmd.event, CC_F_THEME);
    }
    cmd.event.at = at;
    cc_event_set(&cmd.event, CC_F_AT);
    cc_command_body(&cmd, CC_B_TITLE, "Journée contributive");
    cc_command_body(&cmd, CC_B_PLACE, "Lyon");
    return run(f, &cmd);
}

static void erase(fx *f, const cc_pseudonym *actor, const cc_pseudonym *subject)
{
    cc_command cmd;
    cc_command_init(&cmd, CC_CMD_ACCOUNT_ERASE);
    cmd.actor = *actor;
    cmd.subject = *subject;
    assert_int_equal(ct_exec(&f->w, &cmd), 0);
}

/* ---- reads -------------------------------------------------------------- */

static cc_live_item item(fx *f, uint64_t id)
{
    cc_live_item it;
    int rc = cc_live_item_get(f->txn, f->lv, id, &it);
    if (rc) fail_msg("item %llu: %s", (unsigned long long)id, cc_strerror(rc));
    assert_int_equal(it.id, id);
    return it;
}

static cc_live_participant participant(fx *f, const cc_pseudonym *p)
{
    cc_live_participant out;
    assert_int_equal(cc_live_participant_get(f->txn, f->lv, p, &out), 0);
    assert_string_equal(out.pseudonym.s, p->s);
    return out;
}

static uint8_t vote_of(fx *f, uint64_t target, const cc_pseudonym *p)
{
    uint8_t value = 0xEE;
    assert_int_equal(cc_live_vote_of(f->txn, f->lv, target, p, &value), 0);
    return value;
}

typedef struct listing {
    uint64_t ids[CC_PAGE_MAX];
    uint32_t count;
    uint64_t total;
} listing;

static listing list_page(fx *f, uint64_t parent, cc_item_kind kind, uint8_t side, cc_sort sort,
                         uint64_t seed, int moderated, uint64_t offset, uint32_t limit)
{
    listing l;
    memset(&l, 0, sizeof l);
    cc_page page = {offset, limit};
    int rc = cc_live_list(f->txn, f->lv, parent, (uint8_t)kind, side, sort, seed, moderated, page,
                          l.ids, &l.count, &l.total);
    if (rc) fail_msg("list: %s", cc_strerror(rc));
    return l;
}

static listing list_all(fx *f, uint64_t parent, cc_item_kind kind, uint8_t side, cc_sort sort,
                        int moderated)
{
    return list_page(f, parent, kind, side, sort, 0, moderated, 0, CC_PAGE_MAX);
}

/* The listing holds exactly these ids, in this order. */
static void expect_ids(const listing *l, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    char got[512] = "", want[512] = "";
    int same = (uint32_t)n == l->count;
    for (int i = 0; i < n; i++) {
        uint64_t id = va_arg(ap, uint64_t);
        if (i < (int)l->count && l->ids[i] != id) same = 0;
        snprintf(want + strlen(want), sizeof want - strlen(want), " %llu", (unsigned long long)id);
    }
    va_end(ap);
    for (uint32_t i = 0; i < l->count; i++)
        snprintf(got + strlen(got), sizeof got - strlen(got), " %llu",
                 (unsigned long long)l->ids[i]);
    if (!same) fail_msg("ids:%s, expected:%s", got, want);
}

static int is_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i]) return 0;
    return 1;
}

/* ---- tests -------------------------------------------------------------- */

static void counters_follow_votes(void **state)
{
    fx *f = *state;
    ct_world *w = &f->w;
    uint64_t c = w->contribution;
    cc_live_item it = item(f, c);
    assert_int_equal(it.kind, CC_ITEM_CONTRIBUTION);
    assert_int_equal(it.parent, w->section);
    assert_int_equal(it.section, w->section);
    assert_int_equal(it.theme, w->theme);
    assert_string_equal(it.author.s, w->alice.s);
    assert_int_equal(it.versions, 1);
    assert_int_equal(it.agree + it.mitigated + it.disagree, 0);

    vote(f, &w->bob, c, CC_VOTE_AGREE);
    sync_view(f);
    it = item(f, c);
    assert_int_equal(it.agree, 1);
    assert_int_equal(it.disagree, 0);
    assert_int_equal(vote_of(f, c, &w->bob), CC_VOTE_AGREE);
    assert_int_equal(vote_of(f, c, &w->alice), 0);
    assert_int_equal(participant(f, &w->bob).votes, 1);

    /* A second vote.cast becomes vote.changed: the old value moves. */
    vote(f, &w->bob, c, CC_VOTE_DISAGREE);
    vote(f, &f->carol, c, CC_VOTE_MITIGATED);
    sync_view(f);
    it = item(f, c);
    assert_int_equal(it.agree, 0);
    assert_int_equal(it.mitigated, 1);
    assert_int_equal(it.disagree, 1);
    assert_int_equal(vote_of(f, c, &w->bob), CC_VOTE_DISAGREE);
    assert_int_equal(participant(f, &w->bob).votes, 1);

    withdraw(f, &w->bob, c);
    sync_view(f);
    it = item(f, c);
    assert_int_equal(it.agree + it.disagree, 0);
    assert_int_equal(it.mitigated, 1);
    assert_int_equal(vote_of(f, c, &w->bob), 0);
    assert_int_equal(vote_of(f, c, &f->carol), CC_VOTE_MITIGATED);
    assert_int_equal(participant(f, &w->bob).votes, 0);
    assert_int_equal(participant(f, &f->carol).votes, 1);

    /* The votes order follows: d overtakes c once it has more votes. */
    uint64_t d = post(f, &w->bob, w->section);
    sync_view(f);
    listing l = list_all(f, w->section, CC_ITEM_CONTRIBUTION, 0, CC_SORT_VOTES, 0);
    expect_ids(&l, 2, c, d);
    vote(f, &w->alice, d, CC_VOTE_DISAGREE);
    vote(f, &w->admin, d, CC_VOTE_AGREE);
    sync_view(f);
    l = list_all(f, w->section, CC_ITEM_CONTRIBUTION, 0, CC_SORT_VOTES, 0);
    expect_ids(&l, 2, d, c);
    withdraw(f, &w->alice, d);
    withdraw(f, &w->admin, d);
    sync_view(f);
    l = list_all(f, w->section, CC_ITEM_CONTRIBUTION, 0, CC_SORT_VOTES, 0);
    expect_ids(&l, 2, c, d);
    assert_int_equal(cc_live_item_get(f->txn, f->lv, 999999, &it), CC_ENOTFOUND);
}

static void orderings_and_pages(void **state)
{
    fx *f = *state;
    ct_world *w = &f->w;
    uint64_t c0 = w->contribution;
    uint64_t x = post(f, &w->alice, w->section), y = post(f, &w->bob, w->section),
             z = post(f, &w->alice, w->section), ww = post(f, &w->bob, w->section),
             v = post(f, &w->alice, w->section);
    /* x: 1 agree 1 disagree; y: 3 agree 1 disagree; z: 2/2; ww: 3/0; v: one
     * mitigated; c0: none. */
    vote(f, &w->admin, x, CC_VOTE_AGREE);
    vote(f, &w->mod, x, CC_VOTE_DISAGREE);
    vote(f, &w->admin, y, CC_VOTE_AGREE);
    vote(f, &w->mod, y, CC_VOTE_AGREE);
    vote(f, &w->alice, y, CC_VOTE_AGREE);
    vote(f, &w->bob, y, CC_VOTE_DISAGREE);
    vote(f, &w->admin, z, CC_VOTE_AGREE);
    vote(f, &w->mod, z, CC_VOTE_AGREE);
    vote(f, &w->alice, z, CC_VOTE_DISAGREE);
    vote(f, &w->bob, z, CC_VOTE_DISAGREE);
    vote(f, &w->admin, ww, CC_VOTE_AGREE);
    vote(f, &w->mod, ww, CC_VOTE_AGREE);
    vote(f, &w->alice, ww, CC_VOTE_AGREE);
    vote(f, &w->bob, v, CC_VOTE_MITIGATED);
    sync_view(f);

    listing l = list_all(f, w->section, CC_ITEM_CONTRIBUTION, 0, CC_SORT_RECENT, 0);
    assert_int_equal(l.total, 6);
    expect_ids(&l, 6, v, ww, z, y, x, c0);
    l = list_all(f, w->section, CC_ITEM_CONTRIBUTION, 0, CC_SORT_OLDEST, 0);
    expect_ids(&l, 6, c0, x, y, z, ww, v);
    /* Votes: y 4, z 4 (tie: older first), ww 3, x 2, v 1, c0 0. */
    l = list_all(f, w->section, CC_ITEM_CONTRIBUTION, 0, CC_SORT_VOTES, 0);
    expect_ids(&l, 6, y, z, ww, x, v, c0);
    /* Controversial, by hand: z = 4 * 65536 = 262144 (as balanced as x but
     * with more votes: it comes first although it is newer), x = 2 * 65536
     * = 131072, y = 4 * (65536 / 3) = 87380, then c0, ww, v all 0 (ww took
     * one side only, v's vote is mitigated) by id. */
    l = list_all(f, w->section, CC_ITEM_CONTRIBUTION, 0, CC_SORT_CONTROVERSIAL, 0);
    expect_ids(&l, 6, z, x, y, c0, ww, v);

    /* Pages. */
    l = list_page(f, w->section, CC_ITEM_CONTRIBUTION, 0, CC_SORT_RECENT, 0, 0, 2, 2);
    assert_int_equal(l.total, 6);
    expect_ids(&l, 2, z, y);
    l = list_page(f, w->section, CC_ITEM_CONTRIBUTION, 0, CC_SORT_CONTROVERSIAL, 0, 0, 4, 10);
    expect_ids(&l, 2, ww, v);
    l = list_page(f, w->section, CC_ITEM_CONTRIBUTION, 0, CC_SORT_OLDEST, 0, 0, 6, 10);
    assert_int_equal(l.count, 0);
    assert_int_equal(l.total, 6);
    l = list_page(f, w->section, CC_ITEM_CONTRIBUTION, 0, CC_SORT_VOTES, 0, 0, 1, 0);
    assert_int_equal(l.count, 0);
    assert_int_equal(l.total, 6);
    l = list_all(f, w->closed_section, CC_ITEM_CONTRIBUTION, 0, CC_SORT_RECENT, 0);
    assert_int_equal(l.count, 0);
    assert_int_equal(l.total, 0);

    /* Random: sorted by XXH3(id big-endian, seed), then id; stable for a
     * seed, another for another seed, and pages cut the same permutation. */
    listing r1 = list_page(f, w->section, CC_ITEM_CONTRIBUTION, 0, CC_SORT_RANDOM, 7, 0, 0, 50);
    listing r1b = list_page(f, w->section, CC_ITEM_CONTRIBUTION, 0, CC_SORT_RANDOM, 7, 0, 0, 50);
    listing r2 = list_page(f, w->section, CC_ITEM_CONTRIBUTION, 0, CC_SORT_RANDOM, 8, 0, 0, 50);
    assert_int_equal(r1.count, 6);
    assert_int_equal(r1.total, 6);
    assert_memory_equal(r1.ids, r1b.ids, sizeof r1.ids);
    assert_memory_not_equal(r1.ids, r2.ids, 6 * sizeof(uint64_t));
    uint64_t prev_hash = 0;
    uint64_t sum = 0;
    for (uint32_t i = 0; i < r1.count; i++) {
        uint8_t be[8];
        for (int b = 0; b < 8; b++)
            be[b] = (uint8_t)(r1.ids[i] >> (56 - 8 * b));
        uint64_t h = XXH3_64bits_withSeed(be, 8, 7);
        assert_true(i == 0 || h >= prev_hash);
        prev_hash = h;
        sum += r1.ids[i];
    }
    assert_int_equal(sum, c0 + x + y + z + ww + v); /* a permutation of the list */
    listing r3 = list_page(f, w->section, CC_ITEM_CONTRIBUTION, 0, CC_SORT_RANDOM, 7, 0, 2, 3);
    assert_int_equal(r3.count, 3);
    assert_memory_equal(r3.ids, r1.ids + 2, 3 * sizeof(uint64_t));

    /* Requests that make no sense. */
    uint64_t ids[4], total;
    uint32_t count;
    cc_page page = {0, 4};
    assert_int_equal(cc_live_list(f->txn, f->lv, w->section, CC_ITEM_CONTRIBUTION, CC_SIDE_FOR,
                                  CC_SORT_RECENT, 0, 0, page, ids, &count, &total),
                     CC_EINVAL);
    assert_int_equal(cc_live_list(f->txn, f->lv, w->section, CC_ITEM_CONTRIBUTION, 0, CC_SORT_ORDER,
                                  0, 0, page, ids, &count, &total),
                     CC_EINVAL);
    assert_int_equal(cc_live_list(f->txn, f->lv, w->section, 42, 0, CC_SORT_RECENT, 0, 0, page, ids,
                                  &count, &total),
                     CC_EINVAL);
    assert_int_equal(cc_live_list(f->txn, f->lv, x, CC_ITEM_SOURCE, 0, CC_SORT_VOTES, 0, 0, page,
                                  ids, &count, &total),
                     CC_EINVAL);
    assert_int_equal(cc_live_list(f->txn, f->lv, 0, CC_ITEM_THEME, 0, (cc_sort)0, 0, 0, page, ids,
                                  &count, &total),
                     CC_EINVAL);
}

static void arguments_sources_comments(void **state)
{
    fx *f = *state;
    ct_world *w = &f->w;
    uint64_t c = w->contribution;
    uint64_t f1 = argue(f, &w->bob, c, CC_SIDE_FOR), f2 = argue(f, &w->alice, c, CC_SIDE_FOR),
             a1 = argue(f, &w->bob, c, CC_SIDE_AGAINST), a2 = argue(f, &w->mod, c, CC_SIDE_AGAINST);
    vote(f, &w->admin, f2, CC_VOTE_UP);
    vote(f, &w->mod, f2, CC_VOTE_UP);
    vote(f, &w->admin, f1, CC_VOTE_UP);
    vote(f, &w->bob, a2, CC_VOTE_UP);
    uint64_t s = on_item(f, CC_EV_SOURCE_POSTED, &w->alice, c, 0);
    uint64_t k1 = on_item(f, CC_EV_COMMENT_POSTED, &w->bob, c, 0);
    uint64_t k2 = on_item(f, CC_EV_COMMENT_POSTED, &w->mod, s, 0);
    sync_view(f);

    cc_live_item it = item(f, c);
    assert_int_equal(it.arguments_for, 2);
    assert_int_equal(it.arguments_against, 2);
    assert_int_equal(it.sources, 1);
    assert_int_equal(it.comments, 1);
    assert_int_equal(item(f, f2).up, 2);
    assert_int_equal(item(f, f2).side, CC_SIDE_FOR);
    assert_int_equal(item(f, a1).side, CC_SIDE_AGAINST);
    assert_int_equal(item(f, a1).up, 0);
    assert_int_equal(vote_of(f, f2, &w->mod), CC_VOTE_UP);

    listing l = list_all(f, c, CC_ITEM_ARGUMENT, CC_SIDE_FOR, CC_SORT_VOTES, 0);
    expect_ids(&l, 2, f2, f1);
    l = list_all(f, c, CC_ITEM_ARGUMENT, CC_SIDE_AGAINST, CC_SORT_VOTES, 0);
    expect_ids(&l, 2, a2, a1);
    /* Both sides merged: f2 2, then f1 and a2 with 1 each (older first). */
    l = list_all(f, c, CC_ITEM_ARGUMENT, 0, CC_SORT_VOTES, 0);
    assert_int_equal(l.total, 4);
    expect_ids(&l, 4, f2, f1, a2, a1);
    l = list_all(f, c, CC_ITEM_ARGUMENT, 0, CC_SORT_OLDEST, 0);
    expect_ids(&l, 4, f1, f2, a1, a2);
    l = list_all(f, c, CC_ITEM_ARGUMENT, 0, CC_SORT_RECENT, 0);
    expect_ids(&l, 4, a2, a1, f2, f1);
    l = list_page(f, c, CC_ITEM_ARGUMENT, 0, CC_SORT_VOTES, 0, 0, 1, 2);
    expect_ids(&l, 2, f1, a2);

    l = list_all(f, c, CC_ITEM_SOURCE, 0, CC_SORT_RECENT, 0);
    expect_ids(&l, 1, s);
    l = list_all(f, c, CC_ITEM_COMMENT, 0, CC_SORT_RECENT, 0);
    expect_ids(&l, 1, k1);
    l = list_all(f, s, CC_ITEM_COMMENT, 0, CC_SORT_OLDEST, 0);
    expect_ids(&l, 1, k2);
    cc_live_item comment = item(f, k2);
    assert_int_equal(comment.parent, s);
    assert_int_equal(comment.section, w->section);
    assert_int_equal(comment.theme, w->theme);
    assert_int_equal(item(f, s).comments, 1);

    cc_live_participant bob = participant(f, &w->bob), alice = participant(f, &w->alice);
    assert_int_equal(bob.arguments, 2);
    assert_int_equal(bob.comments, 1);
    assert_int_equal(alice.arguments, 1);
    assert_int_equal(alice.sources, 1);
    assert_int_equal(alice.contributions, 1);

    /* A trashed argument leaves its side, the counter and its author's;
     * with include_moderated the four ranges merge back in order. */
    moderate(f, CC_EV_ITEM_TRASHED, a1, CC_TRASH_OFF_TOPIC, 1);
    sync_view(f);
    assert_int_equal(item(f, c).arguments_against, 1);
    assert_int_equal(participant(f, &w->bob).arguments, 1);
    l = list_all(f, c, CC_ITEM_ARGUMENT, CC_SIDE_AGAINST, CC_SORT_VOTES, 0);
    expect_ids(&l, 1, a2);
    l = list_all(f, c, CC_ITEM_ARGUMENT, 0, CC_SORT_VOTES, 1);
    assert_int_equal(l.total, 4);
    expect_ids(&l, 4, f2, f1, a2, a1);
    l = list_all(f, c, CC_ITEM_ARGUMENT, 0, CC_SORT_RECENT, 1);
    expect_ids(&l, 4, a2, a1, f2, f1);

    uint64_t ids[2], total;
    uint32_t count;
    cc_page page = {0, 2};
    assert_int_equal(cc_live_list(f->txn, f->lv, c, CC_ITEM_ARGUMENT, 0, CC_SORT_CONTROVERSIAL, 0,
                                  0, page, ids, &count, &total),
                     CC_EINVAL);
}

static void versions_after_edits(void **state)
{
    fx *f = *state;
    ct_world *w = &f->w;
    uint64_t c = w->contribution;
    uint64_t e1 = on_item(f, CC_EV_CONTRIBUTION_EDITED, &w->alice, c, 1);
    uint64_t e2 = on_item(f, CC_EV_CONTRIBUTION_EDITED, &w->alice, c, 2);
    sync_view(f);
    cc_live_item it = item(f, c);
    assert_int_equal(it.versions, 3);

    cc_live_version vs[4];
    uint32_t count;
    uint64_t total;
    cc_page page = {0, 4};
    assert_int_equal(cc_live_versions(f->txn, f->lv, c, page, vs, &count, &total), 0);
    assert_int_equal(count, 3);
    assert_int_equal(total, 3);
    assert_int_equal(vs[0].seq, c);
    assert_int_equal(vs[1].seq, e1);
    assert_int_equal(vs[2].seq, e2);
    assert_true(vs[0].ts <= vs[1].ts && vs[1].ts <= vs[2].ts);
    assert_int_equal(it.created_ms, vs[0].ts);
    assert_int_equal(it.updated_ms, vs[2].ts);
    /* The item's commitment is the current version's. */
    assert_memory_equal(it.commitment, vs[2].commitment, 32);
    assert_memory_not_equal(vs[0].commitment, vs[2].commitment, 32);
    assert_memory_not_equal(vs[1].commitment, vs[2].commitment, 32);

    page = (cc_page){1, 1};
    assert_int_equal(cc_live_versions(f->txn, f->lv, c, page, vs, &count, &total), 0);
    assert_int_equal(count, 1);
    assert_int_equal(vs[0].seq, e1);
    assert_int_equal(cc_live_versions(f->txn, f->lv, 987654, page, vs, &count, &total),
                     CC_ENOTFOUND);
}

static void history_of_a_participant(void **state)
{
    fx *f = *state;
    ct_world *w = &f->w;
    uint64_t c = w->contribution;
    uint64_t p = post(f, &w->bob, w->section);
    uint64_t a = argue(f, &w->bob, c, CC_SIDE_AGAINST);
    uint64_t v1 = vote(f, &w->bob, c, CC_VOTE_AGREE);
    uint64_t v2 = vote(f, &w->bob, c, CC_VOTE_DISAGREE);
    uint64_t fl = flag(f, &w->bob, c, CC_FLAG_FALSE, 0);
    uint64_t v3 = withdraw(f, &w->bob, c);
    vote(f, &w->alice, p, CC_VOTE_AGREE); /* alice's, not bob's */
    sync_view(f);

    cc_live_activity h[8];
    uint32_t count;
    uint64_t total;
    cc_page page = {0, 8};
    assert_int_equal(cc_live_history_entries(f->txn, f->lv, &w->bob, page, h, &count, &total), 0);
    assert_int_equal(total, 6);
    assert_int_equal(count, 6);
    const struct {
        uint64_t seq, item;
        cc_event_type type;
    } want[6] = {
        {v3, c, CC_EV_VOTE_WITHDRAWN}, {fl, c, CC_EV_FLAG_RAISED},
        {v2, c, CC_EV_VOTE_CHANGED},   {v1, c, CC_EV_VOTE_CAST},
        {a, a, CC_EV_ARGUMENT_POSTED}, {p, p, CC_EV_CONTRIBUTION_POSTED},
    };
    for (int i = 0; i < 6; i++) {
        assert_int_equal(h[i].seq, want[i].seq);
        assert_int_equal(h[i].item, want[i].item);
        assert_int_equal(h[i].type, want[i].type);
    }
    uint64_t seqs[2];
    page = (cc_page){1, 2};
    assert_int_equal(cc_live_history(f->txn, f->lv, &w->bob, page, seqs, &count, &total), 0);
    assert_int_equal(count, 2);
    assert_int_equal(seqs[0], fl);
    assert_int_equal(seqs[1], v2);

    cc_live_participant bob = participant(f, &w->bob);
    assert_int_equal(bob.history, 6);
    assert_int_equal(bob.contributions, 1);
    assert_int_equal(bob.arguments, 1);
    assert_int_equal(bob.votes, 0);
    assert_int_equal(bob.status, CC_STATUS_CITIZEN);
    assert_true(bob.registered_ms > 0);

    cc_pseudonym nobody;
    memcpy(nobody.s, "aaaaaaaaaaaaaaaa", CC_PSEUDONYM_LEN + 1);
    assert_int_equal(cc_live_history(f->txn, f->lv, &nobody, page, seqs, &count, &total),
                     CC_ENOTFOUND);
}

static void moderation_bin_queue_decisions(void **state)
{
    fx *f = *state;
    ct_world *w = &f->w;
    uint64_t c0 = w->contribution;
    uint64_t b = post(f, &w->bob, w->section);
    vote(f, &w->alice, b, CC_VOTE_AGREE);
    uint64_t fa = flag(f, &w->alice, b, CC_FLAG_SPAM, 1);
    uint64_t fc = flag(f, &f->carol, b, CC_FLAG_OFF_TOPIC, 0);
    flag(f, &w->alice, c0, CC_FLAG_FALSE, 0);
    sync_view(f);

    assert_int_equal(item(f, w->section).contributions, 2);
    assert_int_equal(item(f, w->theme).contributions, 2);
    assert_int_equal(participant(f, &w->bob).contributions, 1);

    uint64_t queue[4], total;
    uint32_t count;
    cc_page page = {0, 4};
    assert_int_equal(cc_live_flag_queue(f->txn, f->lv, page, queue, &count, &total), 0);
    assert_int_equal(total, 2);
    assert_int_equal(count, 2);
    assert_int_equal(queue[0], b); /* its first flag is the older one */
    assert_int_equal(queue[1], c0);
    cc_live_flag flags[4];
    assert_int_equal(cc_live_flags(f->txn, f->lv, b, page, flags, &count, &total), 0);
    assert_int_equal(count, 2);
    assert_int_equal(total, 2);
    assert_int_equal(flags[0].seq, fa);
    assert_string_equal(flags[0].by.s, w->alice.s);
    assert_int_equal(flags[0].reason, CC_FLAG_SPAM);
    assert_int_equal(flags[0].has_details, 1);
    assert_false(is_zero(flags[0].commitment, 32));
    assert_int_equal(flags[0].open, 1);
    assert_int_equal(flags[1].seq, fc);
    assert_string_equal(flags[1].by.s, f->carol.s);
    assert_int_equal(flags[1].reason, CC_FLAG_OFF_TOPIC);
    assert_int_equal(flags[1].has_details, 0);
    assert_true(is_zero(flags[1].commitment, 32));
    assert_int_equal(item(f, b).flags_open, 2);

    /* Trash: out of the default lists and the counters, out of the queue. */
    uint64_t t = moderate(f, CC_EV_ITEM_TRASHED, b, CC_TRASH_SPAM, 1);
    sync_view(f);
    cc_live_item it = item(f, b);
    assert_int_equal(it.state, CC_TRASHED);
    assert_true(it.moderated_ms > 0);
    assert_int_equal(it.flags_open, 0);
    assert_int_equal(it.flags_total, 2);
    assert_int_equal(it.agree, 1); /* its own counters stay */
    listing l = list_all(f, w->section, CC_ITEM_CONTRIBUTION, 0, CC_SORT_OLDEST, 0);
    assert_int_equal(l.total, 1);
    expect_ids(&l, 1, c0);
    l = list_all(f, w->section, CC_ITEM_CONTRIBUTION, 0, CC_SORT_VOTES, 0);
    expect_ids(&l, 1, c0);
    l = list_all(f, w->section, CC_ITEM_CONTRIBUTION, 0, CC_SORT_RECENT, 1);
    assert_int_equal(l.total, 2);
    expect_ids(&l, 2, b, c0);
    l = list_page(f, w->section, CC_ITEM_CONTRIBUTION, 0, CC_SORT_RANDOM, 3, 1, 0, 10);
    assert_int_equal(l.count, 2);
    assert_int_equal(item(f, w->section).contributions, 1);
    assert_int_equal(item(f, w->theme).contributions, 1);
    assert_int_equal(participant(f, &w->bob).contributions, 0);
    assert_int_equal(cc_live_flag_queue(f->txn, f->lv, page, queue, &count, &total), 0);
    assert_int_equal(total, 1);
    assert_int_equal(count, 1);
    assert_int_equal(queue[0], c0);
    assert_int_equal(cc_live_flags(f->txn, f->lv, b, page, flags, &count, &total), 0);
    assert_int_equal(flags[0].open + flags[1].open, 0);

    cc_live_decision d[4];
    assert_int_equal(cc_live_decisions(f->txn, f->lv, b, page, d, &count, &total), 0);
    assert_int_equal(count, 1);
    assert_int_equal(total, 1);
    assert_int_equal(d[0].seq, t);
    assert_int_equal(d[0].type, CC_EV_ITEM_TRASHED);
    assert_string_equal(d[0].by.s, w->mod.s);
    assert_int_equal(d[0].reason, CC_TRASH_SPAM);
    assert_int_equal(d[0].has_note, 1);
    assert_false(is_zero(d[0].note, 32));
    assert_int_equal(d[0].ts, it.moderated_ms);

    /* Restore: back in the list and the counters. */
    moderate(f, CC_EV_ITEM_RESTORED, b, 0, 1);
    sync_view(f);
    assert_int_equal(item(f, b).state, CC_LIVE);
    l = list_all(f, w->section, CC_ITEM_CONTRIBUTION, 0, CC_SORT_OLDEST, 0);
    expect_ids(&l, 2, c0, b);
    l = list_all(f, w->section, CC_ITEM_CONTRIBUTION, 0, CC_SORT_VOTES, 0);
    expect_ids(&l, 2, b, c0);
    assert_int_equal(item(f, w->section).contributions, 2);
    assert_int_equal(item(f, w->theme).contributions, 2);
    assert_int_equal(participant(f, &w->bob).contributions, 1);

    /* Dismissal: the queue empties, the item stays, the decision is public
     * with its note. */
    uint64_t dis = moderate(f, CC_EV_FLAG_DISMISSED, c0, 0, 1);
    sync_view(f);
    assert_int_equal(cc_live_flag_queue(f->txn, f->lv, page, queue, &count, &total), 0);
    assert_int_equal(total, 0);
    assert_int_equal(count, 0);
    it = item(f, c0);
    assert_int_equal(it.state, CC_LIVE);
    assert_int_equal(it.flags_open, 0);
    assert_int_equal(it.flags_total, 1);
    assert_int_equal(cc_live_decisions(f->txn, f->lv, c0, page, d, &count, &total), 0);
    assert_int_equal(count, 1);
    assert_int_equal(d[0].seq, dis);
    assert_int_equal(d[0].type, CC_EV_FLAG_DISMISSED);
    assert_int_equal(d[0].has_note, 1);
    assert_int_equal(d[0].reason, 0);

    /* Removal of a flagged item: tombstone, out of lists and queue. */
    flag(f, &f->carol, b, CC_FLAG_ILLEGAL, 1);
    sync_view(f);
    assert_int_equal(cc_live_flag_queue(f->txn, f->lv, page, queue, &count, &total), 0);
    assert_int_equal(count, 1);
    assert_int_equal(queue[0], b);
    uint64_t rm = moderate(f, CC_EV_ITEM_REMOVED, b, CC_GROUND_RACIAL_HATRED, 0);
    sync_view(f);
    assert_int_equal(item(f, b).state, CC_REMOVED);
    assert_int_equal(item(f, b).flags_total, 3);
    assert_int_equal(cc_live_flag_queue(f->txn, f->lv, page, queue, &count, &total), 0);
    assert_int_equal(total, 0);
    l = list_all(f, w->section, CC_ITEM_CONTRIBUTION, 0, CC_SORT_RECENT, 0);
    expect_ids(&l, 1, c0);
    l = list_all(f, w->section, CC_ITEM_CONTRIBUTION, 0, CC_SORT_CONTROVERSIAL, 1);
    assert_int_equal(l.total, 2);
    assert_int_equal(item(f, w->section).contributions, 1);
    assert_int_equal(cc_live_decisions(f->txn, f->lv, b, page, d, &count, &total), 0);
    assert_int_equal(count, 3);
    assert_int_equal(total, 3);
    assert_int_equal(d[0].type, CC_EV_ITEM_TRASHED);
    assert_int_equal(d[1].type, CC_EV_ITEM_RESTORED);
    assert_int_equal(d[2].type, CC_EV_ITEM_REMOVED);
    assert_int_equal(d[2].seq, rm);
    assert_int_equal(d[2].reason, CC_GROUND_RACIAL_HATRED);
    assert_int_equal(d[2].has_note, 0);
    assert_true(is_zero(d[2].note, 32));
    page = (cc_page){2, 5};
    assert_int_equal(cc_live_decisions(f->txn, f->lv, b, page, d, &count, &total), 0);
    assert_int_equal(count, 1);
    assert_int_equal(d[0].seq, rm);
}

static void erased_participant(void **state)
{
    fx *f = *state;
    ct_world *w = &f->w;
    cc_command cmd;
    cc_command_init(&cmd, CC_CMD_ACCOUNT_UPDATE);
    cmd.subject = w->bob;
    cmd.update_status = 1;
    cmd.account.status = CC_STATUS_ASSOCIATION;
    snprintf(cmd.account.org, sizeof cmd.account.org, "Les Amis de l'École");
    assert_int_equal(ct_exec(w, &cmd), 0);
    uint64_t b = post(f, &w->bob, w->section);
    vote(f, &w->bob, w->contribution, CC_VOTE_AGREE);
    sync_view(f);
    cc_live_participant p = participant(f, &w->bob);
    assert_int_equal(p.status, CC_STATUS_ASSOCIATION);
    assert_string_equal(p.org, "Les Amis de l'École");
    assert_int_equal(p.erased, 0);
    assert_int_equal(participant(f, &w->mod).roles, CC_ROLE_MODERATOR);
    assert_int_equal(participant(f, &w->admin).roles, CC_ROLE_ADMIN);

    erase(f, &w->bob, &w->bob);
    erase(f, &w->admin, &w->mod);
    sync_view(f);
    p = participant(f, &w->bob);
    assert_int_equal(p.erased, 1);
    assert_string_equal(p.org, "");
    assert_int_equal(p.status, CC_STATUS_ASSOCIATION);
    assert_int_equal(p.contributions, 1);
    assert_int_equal(p.votes, 1);
    cc_live_participant m = participant(f, &w->mod);
    assert_int_equal(m.erased, 1);
    assert_int_equal(m.roles, 0);
    /* Their contribution and their vote stay. */
    assert_string_equal(item(f, b).author.s, w->bob.s);
    listing l = list_all(f, w->section, CC_ITEM_CONTRIBUTION, 0, CC_SORT_OLDEST, 0);
    expect_ids(&l, 2, w->contribution, b);
    assert_int_equal(item(f, w->contribution).agree, 1);
    assert_int_equal(vote_of(f, w->contribution, &w->bob), CC_VOTE_AGREE);
}

static void themes_and_sections(void **state)
{
    fx *f = *state;
    ct_world *w = &f->w;
    uint64_t t0 = w->theme;
    uint64_t t3 = theme_create(f, CC_EV_THEME_CREATED, 0, 3);
    uint64_t t1 = theme_create(f, CC_EV_THEME_CREATED, 0, 1);
    uint64_t t2 = theme_create(f, CC_EV_THEME_CREATED, 0, 2);
    sync_view(f);
    /* By order, then id, whatever sort is asked. */
    listing l = list_all(f, 0, CC_ITEM_THEME, 0, CC_SORT_RECENT, 0);
    assert_int_equal(l.total, 4);
    expect_ids(&l, 4, t0, t1, t2, t3);
    cc_live_item it = item(f, t0);
    assert_int_equal(it.kind, CC_ITEM_THEME);
    assert_int_equal(it.state, CC_THEME_OPEN);
    assert_int_equal(it.opens_ms, 1000);
    assert_int_equal(it.closes_ms, 2000);
    assert_true(it.opened_ms >= it.created_ms);
    assert_int_equal(it.contributions, 1);
    it = item(f, t3);
    assert_int_equal(it.state, CC_THEME_DRAFT);
    assert_int_equal(it.order, 3);
    assert_int_equal(it.opens_ms, 300);
    assert_int_equal(it.closes_ms, 350);
    assert_int_equal(it.opened_ms, 0);
    uint8_t before[32];
    memcpy(before, it.commitment, 32);

    theme_create(f, CC_EV_THEME_UPDATED, t3, 0);
    sync_view(f);
    l = list_all(f, 0, CC_ITEM_THEME, 0, CC_SORT_OLDEST, 0);
    expect_ids(&l, 4, t3, t0, t1, t2);
    it = item(f, t3);
    assert_int_equal(it.order, 0);
    assert_int_equal(it.closes_ms, 50);
    assert_memory_not_equal(it.commitment, before, 32);

    theme_event(f, CC_EV_THEME_OPENED, t2);
    uint64_t closed = theme_event(f, CC_EV_THEME_CLOSED, t2);
    sync_view(f);
    it = item(f, t2);
    assert_int_equal(it.state, CC_THEME_CLOSED);
    assert_true(it.opened_ms > 0 && it.closed_ms >= it.opened_ms);
    assert_int_equal(it.closed_at_size, closed + 1);
    theme_event(f, CC_EV_THEME_OPENED, t2);
    sync_view(f);
    it = item(f, t2);
    assert_int_equal(it.state, CC_THEME_OPEN);
    assert_int_equal(it.closed_ms, 0);
    assert_int_equal(it.closed_at_size, 0);

    /* Sections of a theme, by order then id. */
    l = list_all(f, t0, CC_ITEM_SECTION, 0, CC_SORT_VOTES, 0);
    expect_ids(&l, 2, w->section, w->closed_section);
    uint64_t s0 = section_event(f, CC_EV_SECTION_CREATED, t0, CC_KIND_DIAGNOSTIC, 1, 0);
    sync_view(f);
    l = list_all(f, t0, CC_ITEM_SECTION, 0, CC_SORT_OLDEST, 0);
    expect_ids(&l, 3, s0, w->section, w->closed_section);
    it = item(f, s0);
    assert_int_equal(it.parent, t0);
    assert_int_equal(it.theme, t0);
    assert_int_equal(it.section_kind, CC_KIND_DIAGNOSTIC);
    assert_int_equal(it.posting, 1);
    assert_int_equal(item(f, w->section).contributions, 1);
    assert_int_equal(item(f, w->closed_section).posting, 0);

    section_event(f, CC_EV_SECTION_UPDATED, w->section, CC_KIND_OTHER, 0, 9);
    sync_view(f);
    l = list_all(f, t0, CC_ITEM_SECTION, 0, CC_SORT_OLDEST, 0);
    expect_ids(&l, 3, s0, w->closed_section, w->section);
    it = item(f, w->section);
    assert_int_equal(it.section_kind, CC_KIND_OTHER);
    assert_int_equal(it.posting, 0);
    assert_int_equal(it.order, 9);
    assert_int_equal(it.contributions, 1);
    l = list_all(f, t3, CC_ITEM_SECTION, 0, CC_SORT_OLDEST, 0);
    assert_int_equal(l.total, 0);
}

static void documents_meetings_texts(void **state)
{
    fx *f = *state;
    ct_world *w = &f->w;
    cc_live_text text;
    assert_int_equal(cc_live_consultation(f->txn, f->lv, &text), CC_ENOTFOUND);
    assert_int_equal(cc_live_report(f->txn, f->lv, &text), CC_ENOTFOUND);
    assert_int_equal(cc_live_publication(f->txn, f->lv, w->theme, CC_EV_SYNTHESIS_PUBLISHED, &text),
                     CC_ENOTFOUND);

    uint64_t conf1 = publish(f, CC_EV_CONSULTATION_CONFIGURED, 0, 0, "Première version.");
    uint64_t conf2 = publish(f, CC_EV_CONSULTATION_CONFIGURED, 0, 0, "Seconde version.");
    const char *file = "%PDF-1.4 un dossier de presse";
    uint64_t d1 = document(f, 0, CC_MIME_PDF, file);
    uint64_t d2 = document(f, w->theme, CC_MIME_MARKDOWN, "# Dossier du thème");
    uint64_t m1 = meeting(f, w->theme, 5000);
    uint64_t m2 = meeting(f, 0, 3000);
    cc_command cmd;
    ct_target(&cmd, CC_EV_MEETING_REPORTED, &w->admin, m1);
    cc_command_body(&cmd, CC_B_TEXT, "Compte rendu de la journée.");
    run(f, &cmd);
    uint64_t size = ct_log_size(w);
    uint64_t syn1 = publish(f, CC_EV_SYNTHESIS_PUBLISHED, w->theme, size, "Synthèse 1.");
    uint64_t syn2 = publish(f, CC_EV_SYNTHESIS_PUBLISHED, w->theme, size + 1, "Synthèse 2.");
    uint64_t rec = publish(f, CC_EV_RECOMMENDATIONS_PUBLISHED, w->theme, size, "Recommandations.");
    uint64_t rep = publish(f, CC_EV_REPORT_PUBLISHED, 0, size + 3, "Rapport final.");
    sync_view(f);

    assert_int_equal(cc_live_consultation(f->txn, f->lv, &text), 0);
    assert_int_equal(text.seq, conf2);
    assert_int_equal(text.log_size, 0);
    assert_true(text.ts > 0);
    assert_false(is_zero(text.commitment, 32));
    (void)conf1;

    listing l = list_all(f, 0, CC_ITEM_DOCUMENT, 0, CC_SORT_OLDEST, 0);
    expect_ids(&l, 2, d1, d2);
    l = list_all(f, 0, CC_ITEM_DOCUMENT, 0, CC_SORT_RECENT, 0);
    expect_ids(&l, 2, d2, d1);
    l = list_all(f, w->theme, CC_ITEM_DOCUMENT, 0, CC_SORT_RECENT, 0);
    expect_ids(&l, 1, d2);
    cc_live_item it = item(f, d1);
    assert_int_equal(it.kind, CC_ITEM_DOCUMENT);
    assert_int_equal(it.mime, CC_MIME_PDF);
    assert_int_equal(it.file_size, strlen(file));
    uint8_t hash[32];
    crypto_hash_sha256(hash, (const uint8_t *)file, strlen(file));
    assert_memory_equal(it.file_hash, hash, 32);
    assert_int_equal(it.theme, 0);
    assert_int_equal(item(f, d2).theme, w->theme);
    assert_int_equal(item(f, d2).mime, CC_MIME_MARKDOWN);

    /* Meetings by date with CC_SORT_ORDER, by creation otherwise. */
    l = list_all(f, 0, CC_ITEM_MEETING, 0, CC_SORT_ORDER, 0);
    expect_ids(&l, 2, m2, m1);
    l = list_all(f, 0, CC_ITEM_MEETING, 0, CC_SORT_OLDEST, 0);
    expect_ids(&l, 2, m1, m2);
    l = list_all(f, w->theme, CC_ITEM_MEETING, 0, CC_SORT_ORDER, 0);
    expect_ids(&l, 1, m1);
    it = item(f, m1);
    assert_int_equal(it.at_ms, 5000);
    assert_int_equal(it.has_report, 1);
    assert_false(is_zero(it.report_commitment, 32));
    assert_memory_not_equal(it.report_commitment, it.commitment, 32);
    it = item(f, m2);
    assert_int_equal(it.has_report, 0);
    assert_true(is_zero(it.report_commitment, 32));

    assert_int_equal(cc_live_publication(f->txn, f->lv, w->theme, CC_EV_SYNTHESIS_PUBLISHED, &text),
                     0);
    assert_int_equal(text.seq, syn2);
    assert_int_equal(text.log_size, size + 1);
    cc_live_text all[4];
    uint32_t count;
    uint64_t total;
    cc_page page = {0, 4};
    assert_int_equal(cc_live_publications(f->txn, f->lv, w->theme, CC_EV_SYNTHESIS_PUBLISHED, page,
                                          all, &count, &total),
                     0);
    assert_int_equal(count, 2);
    assert_int_equal(total, 2);
    assert_int_equal(all[0].seq, syn1);
    assert_int_equal(all[1].seq, syn2);
    assert_memory_not_equal(all[0].commitment, all[1].commitment, 32);
    assert_int_equal(
        cc_live_publication(f->txn, f->lv, w->theme, CC_EV_RECOMMENDATIONS_PUBLISHED, &text), 0);
    assert_int_equal(text.seq, rec);
    assert_int_equal(text.log_size, size);
    assert_int_equal(cc_live_publication(f->txn, f->lv, w->theme, CC_EV_REPORT_PUBLISHED, &text),
                     CC_EINVAL);
    assert_int_equal(cc_live_report(f->txn, f->lv, &text), 0);
    assert_int_equal(text.seq, rep);
    assert_int_equal(text.log_size, size + 3);
}

/* Rewrite one record of live_items behind the projection's back. */
static void tamper(fx *f, uint64_t id, int truncate)
{
    end_read(f);
    cc_views_close(f->v);
    f->v = NULL;
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    assert_int_equal(mdb_env_create(&env), 0);
    assert_int_equal(mdb_env_set_maxdbs(env, 64), 0);
    assert_int_equal(mdb_env_set_mapsize(env, CC_DEFAULT_MAP_SIZE), 0);
    assert_int_equal(mdb_env_open(env, f->dir, MDB_NOTLS, 0600), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, "live_items", 0, &dbi), 0);
    uint8_t key[8], rec[512];
    for (int i = 0; i < 8; i++)
        key[i] = (uint8_t)(id >> (56 - 8 * i));
    MDB_val k = {8, key}, v;
    assert_int_equal(mdb_get(txn, dbi, &k, &v), 0);
    assert_true(v.mv_size > 1 && v.mv_size <= sizeof rec);
    memcpy(rec, v.mv_data, v.mv_size);
    if (truncate)
        v.mv_size--;
    else
        rec[0] ^= 0x40; /* an unknown record version */
    v.mv_data = rec;
    assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
    assert_int_equal(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
    assert_int_equal(cc_views_open(&f->v, f->dir, &f->w.l, NULL), 0);
    f->lv = cc_views_state(f->v, &cc_projection_live);
    assert_int_equal(cc_views_read_begin(f->v, &f->txn), 0);
}

static void corrupt_records_are_detected(void **state)
{
    fx *f = *state;
    ct_world *w = &f->w;
    cc_live_item it;
    tamper(f, w->contribution, 1);
    assert_int_equal(cc_live_item_get(f->txn, f->lv, w->contribution, &it), CC_ECORRUPT);
    assert_int_equal(cc_live_item_get(f->txn, f->lv, w->section, &it), 0);
    cc_live_version vs[2];
    uint32_t count;
    uint64_t total;
    cc_page page = {0, 2};
    assert_int_equal(cc_live_versions(f->txn, f->lv, w->contribution, page, vs, &count, &total),
                     CC_ECORRUPT);

    /* Folding an event into a corrupted record fails rather than guess. */
    vote(f, &w->bob, w->contribution, CC_VOTE_AGREE);
    end_read(f);
    assert_int_equal(cc_views_catch_up(f->v, UINT64_MAX, NULL), CC_ECORRUPT);

    /* A rebuild repairs it. */
    assert_int_equal(cc_views_clear(f->v), 0);
    sync_view(f);
    it = item(f, w->contribution);
    assert_int_equal(it.agree, 1);

    tamper(f, w->theme, 0);
    assert_int_equal(cc_live_item_get(f->txn, f->lv, w->theme, &it), CC_ECORRUPT);
    assert_int_equal(cc_live_item_get(f->txn, f->lv, w->contribution, &it), 0);
}

/* The incremental build (caught up after every few commands) and a rebuild
 * from scratch of the same log are the same bytes. */
static void rebuild_matches_incremental(void **state)
{
    fx *f = *state;
    ct_world *w = &f->w;
    assert_int_equal(cc_demo_load(w->w, &w->admin, 0), 0);
    sync_view(f);
    listing l = list_all(f, 0, CC_ITEM_THEME, 0, CC_SORT_ORDER, 0);
    assert_int_equal(l.total, 6);
    l = list_all(f, 0, CC_ITEM_MEETING, 0, CC_SORT_ORDER, 0);
    assert_int_equal(l.total, 1);
    uint64_t c = w->contribution;
    uint64_t b = post(f, &w->bob, w->section);
    sync_view(f);
    uint64_t a = argue(f, &f->carol, c, CC_SIDE_FOR);
    vote(f, &w->bob, c, CC_VOTE_AGREE);
    vote(f, &w->bob, c, CC_VOTE_DISAGREE);
    vote(f, &w->alice, a, CC_VOTE_UP);
    sync_view(f);
    withdraw(f, &w->alice, a);
    on_item(f, CC_EV_CONTRIBUTION_EDITED, &w->alice, c, 1);
    uint64_t s = on_item(f, CC_EV_SOURCE_POSTED, &w->bob, c, 0);
    on_item(f, CC_EV_COMMENT_POSTED, &f->carol, s, 0);
    sync_view(f);
    flag(f, &w->alice, b, CC_FLAG_SPAM, 1);
    flag(f, &f->carol, a, CC_FLAG_OTHER, 0);
    moderate(f, CC_EV_FLAG_DISMISSED, a, 0, 1);
    moderate(f, CC_EV_ITEM_TRASHED, b, CC_TRASH_SPAM, 1);
    sync_view(f);
    moderate(f, CC_EV_ITEM_RESTORED, b, 0, 1);
    moderate(f, CC_EV_ITEM_REMOVED, s, CC_GROUND_HUMAN_DIGNITY, 1);
    erase(f, &f->carol, &f->carol);
    uint64_t m = meeting(f, w->theme, 4242);
    cc_command cmd;
    ct_target(&cmd, CC_EV_MEETING_REPORTED, &w->admin, m);
    cc_command_body(&cmd, CC_B_TEXT, "Compte rendu.");
    run(f, &cmd);
    sync_view(f);
    document(f, w->theme, CC_MIME_TEXT, "notes");
    theme_create(f, CC_EV_THEME_UPDATED, w->theme, 7);
    section_event(f, CC_EV_SECTION_UPDATED, w->closed_section, CC_KIND_OTHER, 1, 2);
    theme_event(f, CC_EV_THEME_CLOSED, w->theme);
    uint64_t size = ct_log_size(w);
    publish(f, CC_EV_SYNTHESIS_PUBLISHED, w->theme, size, "Synthèse.");
    publish(f, CC_EV_RECOMMENDATIONS_PUBLISHED, w->theme, size, "Recommandations.");
    publish(f, CC_EV_REPORT_PUBLISHED, 0, size, "Rapport.");
    sync_view(f);
    end_read(f);

    char *dir2 = path_in(w, "views-rebuilt");
    cc_views *v2;
    assert_int_equal(cc_views_open(&v2, dir2, &w->l, NULL), 0);
    assert_int_equal(cc_views_catch_up(v2, UINT64_MAX, NULL), 0);
    assert_int_equal(cc_views_position(v2), cc_views_position(f->v));
    uint8_t d1[32], d2[32];
    assert_int_equal(cc_views_digest(f->v, d1), 0);
    assert_int_equal(cc_views_digest(v2, d2), 0);
    assert_memory_equal(d1, d2, 32);

    /* And the live view in it is not empty: the same answers from both. */
    const cc_live *lv2 = cc_views_state(v2, &cc_projection_live);
    MDB_txn *t2;
    assert_int_equal(cc_views_read_begin(v2, &t2), 0);
    cc_live_item it;
    assert_int_equal(cc_live_item_get(t2, lv2, c, &it), 0);
    assert_int_equal(it.disagree, 1);
    assert_int_equal(it.versions, 2);
    assert_int_equal(it.sources, 0);
    assert_int_equal(cc_live_item_get(t2, lv2, w->theme, &it), 0);
    assert_int_equal(it.state, CC_THEME_CLOSED);
    cc_views_read_end(v2, t2);
    cc_views_close(v2);
    free(dir2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(counters_follow_votes, setup, teardown),
        cmocka_unit_test_setup_teardown(orderings_and_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(arguments_sources_comments, setup, teardown),
        cmocka_unit_test_setup_teardown(versions_after_edits, setup, teardown),
        cmocka_unit_test_setup_teardown(history_of_a_participant, setup, teardown),
        cmocka_unit_test_setup_teardown(moderation_bin_queue_decisions, setup, teardown),
        cmocka_unit_test_setup_teardown(erased_participant, setup, teardown),
        cmocka_unit_test_setup_teardown(themes_and_sections, setup, teardown),
        cmocka_unit_test_setup_teardown(documents_meetings_texts, setup, teardown),
        cmocka_unit_test_setup_teardown(corrupt_records_are_detected, setup, teardown),
        cmocka_unit_test_setup_teardown(rebuild_matches_incremental, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
