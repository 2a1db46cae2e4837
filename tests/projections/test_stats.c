/* The quantitative synthesis: exact counters for every scope after a
 * scripted consultation (posts, arguments on both sides, sources,
 * comments, edits, votes cast / changed / withdrawn, flags, trash, removal,
 * restore, a status change, a second theme), participants by the status of
 * their first action, per-day rows (also across days, by applying events
 * directly), the frozen copy at a theme's close, counters recomputed at an
 * intermediate log size, corrupted records, and rebuilds byte-identical to
 * incremental builds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"
#include "stats.h"
#include "support.h"
#include "views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS 86400000ull

/* ---- helpers ------------------------------------------------------------- */

static char *views_dir(ct_world *w, const char *name)
{
    char *p = malloc(strlen(w->dir) + strlen(name) + 2);
    assert_non_null(p);
    sprintf(p, "%s/%s", w->dir, name);
    return p;
}

static uint64_t event_ts(ct_world *w, uint64_t seq)
{
    MDB_txn *txn;
    cc_slice entry;
    cc_event e;
    assert_int_equal(cc_ledger_read_begin(&w->l, &txn), 0);
    assert_int_equal(cc_log_get(txn, w->l.log, seq, &entry), 0);
    assert_int_equal(cc_event_decode(entry.ptr, entry.len, &e), 0);
    cc_ledger_read_end(&w->l, txn);
    return e.ts;
}

static uint64_t run(ct_world *w, cc_command *cmd)
{
    int rc = ct_exec(w, cmd);
    if (rc) fail_msg("command rejected: %s", cc_strerror(rc));
    return cmd->result.seq;
}

static cc_pseudonym register_as(ct_world *w, const char *name, cc_status status, const char *org)
{
    cc_command cmd;
    cc_command_init(&cmd, CC_CMD_ACCOUNT_CREATE);
    snprintf(cmd.account.username, sizeof cmd.account.username, "%s", name);
    snprintf(cmd.account.email, sizeof cmd.account.email, "%s@example.org", name);
    snprintf(cmd.account.pwhash, sizeof cmd.account.pwhash, "$argon2id$fake-hash-for-tests");
    cmd.account.status = status;
    snprintf(cmd.account.org, sizeof cmd.account.org, "%s", org ? org : "");
    run(w, &cmd);
    char token[CC_TOKEN_TEXT_LEN + 1];
    memcpy(token, cmd.result.token, sizeof token);
    cc_command_init(&cmd, CC_CMD_ACCOUNT_CONFIRM);
    cmd.token = token;
    cmd.token_len = strlen(token);
    run(w, &cmd);
    return cmd.result.pseudonym;
}

static void change_status(ct_world *w, const cc_pseudonym *who, cc_status status, const char *org)
{
    cc_command cmd;
    cc_command_init(&cmd, CC_CMD_ACCOUNT_UPDATE);
    cmd.subject = *who;
    cmd.update_status = 1;
    cmd.account.status = status;
    snprintf(cmd.account.org, sizeof cmd.account.org, "%s", org);
    run(w, &cmd);
    assert_int_equal(cmd.result.count, 1); /* participant.status_changed */
}

static uint64_t post(ct_world *w, const cc_pseudonym *by, uint64_t section)
{
    cc_command cmd;
    ct_post(&cmd, by, section, "Une proposition", "Le texte de la proposition.");
    return run(w, &cmd);
}

static uint64_t argue(ct_world *w, const cc_pseudonym *by, uint64_t item, cc_side side)
{
    cc_command cmd;
    ct_target(&cmd, CC_EV_ARGUMENT_POSTED, by, item);
    cmd.event.side = side;
    cc_event_set(&cmd.event, CC_F_SIDE);
    cc_command_body(&cmd, CC_B_TEXT, "Un argument.");
    return run(w, &cmd);
}

static uint64_t source(ct_world *w, const cc_pseudonym *by, uint64_t item)
{
    cc_command cmd;
    ct_target(&cmd, CC_EV_SOURCE_POSTED, by, item);
    cc_command_body(&cmd, CC_B_TITLE, "Une étude");
    cc_command_body(&cmd, CC_B_URL, "https://example.org/etude");
    return run(w, &cmd);
}

static uint64_t comment(ct_world *w, const cc_pseudonym *by, uint64_t item)
{
    cc_command cmd;
    ct_target(&cmd, CC_EV_COMMENT_POSTED, by, item);
    cc_command_body(&cmd, CC_B_TEXT, "Un commentaire.");
    return run(w, &cmd);
}

static void edit(ct_world *w, const cc_pseudonym *by, uint64_t item)
{
    cc_command cmd;
    ct_target(&cmd, CC_EV_CONTRIBUTION_EDITED, by, item);
    cc_command_body(&cmd, CC_B_TITLE, "Une proposition, corrigée");
    cc_command_body(&cmd, CC_B_TEXT, "Le texte corrigé.");
    run(w, &cmd);
}

/* vote.cast; the writer turns it into vote.changed when a vote stands. */
static void vote(ct_world *w, const cc_pseudonym *by, uint64_t item, cc_vote_value value,
                 cc_event_type expect)
{
    cc_command cmd;
    ct_target(&cmd, CC_EV_VOTE_CAST, by, item);
    cmd.event.value = value;
    cc_event_set(&cmd.event, CC_F_VALUE);
    uint64_t seq = run(w, &cmd);
    MDB_txn *txn;
    cc_slice entry;
    cc_event e;
    assert_int_equal(cc_ledger_read_begin(&w->l, &txn), 0);
    assert_int_equal(cc_log_get(txn, w->l.log, seq, &entry), 0);
    assert_int_equal(cc_event_decode(entry.ptr, entry.len, &e), 0);
    cc_ledger_read_end(&w->l, txn);
    assert_int_equal(e.type, expect);
}

static void simple(ct_world *w, cc_event_type type, const cc_pseudonym *by, uint64_t item)
{
    cc_command cmd;
    ct_target(&cmd, type, by, item);
    if (type == CC_EV_FLAG_RAISED) {
        cmd.event.reason = CC_FLAG_INSULTING;
        cc_event_set(&cmd.event, CC_F_FLAG_REASON);
        cc_command_body(&cmd, CC_B_TEXT, "Propos injurieux.");
    } else if (type == CC_EV_ITEM_TRASHED) {
        cmd.event.reason = CC_TRASH_INSULTING;
        cc_event_set(&cmd.event, CC_F_TRASH_REASON);
    } else if (type == CC_EV_ITEM_REMOVED) {
        cmd.event.ground = CC_GROUND_RACIAL_HATRED;
        cc_event_set(&cmd.event, CC_F_GROUND);
    }
    run(w, &cmd);
}

static uint64_t theme_event(ct_world *w, cc_event_type type, uint64_t theme)
{
    cc_command cmd;
    cc_command_event(&cmd, type, &w->admin);
    cmd.event.theme = theme;
    cc_event_set(&cmd.event, CC_F_THEME);
    return run(w, &cmd);
}

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
    theme_event(w, CC_EV_THEME_OPENED, *theme);
}

static const cc_stats *stats_of(cc_views *v)
{
    const cc_stats *sv = cc_views_state(v, &cc_projection_stats);
    assert_non_null(sv);
    return sv;
}

static int counts(cc_views *v, uint64_t scope, cc_stats_counts *out)
{
    MDB_txn *txn;
    memset(out, 0xAA, sizeof *out); /* a field left unwritten shows */
    assert_int_equal(cc_views_read_begin(v, &txn), 0);
    int rc = cc_stats_get(txn, stats_of(v), scope, out);
    cc_views_read_end(v, txn);
    return rc;
}

static cc_stats_counts counts_of(cc_views *v, uint64_t scope)
{
    cc_stats_counts c;
    assert_int_equal(counts(v, scope, &c), 0);
    return c;
}

static int frozen(cc_views *v, uint64_t theme, cc_stats_counts *out, uint64_t *size)
{
    MDB_txn *txn;
    assert_int_equal(cc_views_read_begin(v, &txn), 0);
    int rc = cc_stats_frozen(txn, stats_of(v), theme, out, size);
    cc_views_read_end(v, txn);
    return rc;
}

#define MAX_DAYS 8

typedef struct days {
    cc_stats_day d[MAX_DAYS];
    uint32_t count;
    uint64_t total;
} days;

static int days_of(cc_views *v, uint64_t scope, uint64_t offset, uint32_t limit, days *out)
{
    MDB_txn *txn;
    memset(out, 0, sizeof *out);
    assert_int_equal(cc_views_read_begin(v, &txn), 0);
    int rc =
        cc_stats_days(txn, stats_of(v), scope, offset, limit, out->d, &out->count, &out->total);
    cc_views_read_end(v, txn);
    return rc;
}

/* Expected counters, written out in full so that every field is checked. */
typedef struct expect {
    uint64_t contributions, edits, arg_for, arg_against, sources, comments;
    uint64_t agree, mitigated, disagree, up;
    uint64_t participants, citizen, association, company;
    uint64_t flags, trashed, removed, restored;
} expect;

static void check(const cc_stats_counts *c, const expect *x, const char *what)
{
    const struct {
        const char *name;
        uint64_t got, want;
    } f[] = {
        {"contributions", c->contributions, x->contributions},
        {"edits", c->edits, x->edits},
        {"arguments_for", c->arguments_for, x->arg_for},
        {"arguments_against", c->arguments_against, x->arg_against},
        {"sources", c->sources, x->sources},
        {"comments", c->comments, x->comments},
        {"votes_agree", c->votes_agree, x->agree},
        {"votes_mitigated", c->votes_mitigated, x->mitigated},
        {"votes_disagree", c->votes_disagree, x->disagree},
        {"votes_up", c->votes_up, x->up},
        {"participants", c->participants, x->participants},
        {"status none", c->participants_by_status[CC_STATUS_NONE], 0},
        {"citizen", c->participants_by_status[CC_STATUS_CITIZEN], x->citizen},
        {"association", c->participants_by_status[CC_STATUS_ASSOCIATION], x->association},
        {"company", c->participants_by_status[CC_STATUS_COMPANY], x->company},
        {"public_body", c->participants_by_status[CC_STATUS_PUBLIC_BODY], 0},
        {"representative", c->participants_by_status[CC_STATUS_REPRESENTATIVE], 0},
        {"flags", c->flags, x->flags},
        {"trashed", c->trashed, x->trashed},
        {"removed", c->removed, x->removed},
        {"restored", c->restored, x->restored},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (f[i].got != f[i].want)
            fail_msg("%s: %s is %llu, expected %llu", what, f[i].name, (unsigned long long)f[i].got,
                     (unsigned long long)f[i].want);
}

/* ---- the scripted consultation ------------------------------------------- */

typedef struct scene {
    ct_world w;
    char *dir;
    cc_views *v;
    cc_pseudonym carol, dave;
    uint64_t c1, c2, c3, a1, a2, a3, src, cm1, cm2, t2, s2;
    uint64_t mid_size;          /* log size after the votes, before anything else */
    cc_stats_counts mid[3];     /* scopes 0, theme, section at mid_size */
    days mid_days;              /* days of scope 0 at mid_size */
    uint64_t first_ts, last_ts; /* of the whole script */
} scene;

static void catch_up(scene *s)
{
    assert_int_equal(cc_views_catch_up(s->v, UINT64_MAX, NULL), 0);
    assert_int_equal(cc_views_position(s->v), ct_log_size(&s->w));
}

/* Everything in the first theme happens in its posting section, so the
 * theme and that section have the same counters; the other section none. */
static void play(scene *s)
{
    ct_world *w = &s->w;
    ct_world_open(w);
    s->dir = views_dir(w, "views");
    cc_views_options opt = {.chunk_events = 5};
    assert_int_equal(cc_views_open(&s->v, s->dir, &w->l, &opt), 0);
    s->first_ts = event_ts(w, 0);

    s->carol = register_as(w, "carol", CC_STATUS_ASSOCIATION, "Parents d'élèves du Rhône");
    s->dave = register_as(w, "dave", CC_STATUS_COMPANY, "EduTech SAS");
    s->c1 = w->contribution; /* alice's */
    s->c2 = post(w, &w->bob, w->section);
    s->a1 = argue(w, &w->bob, s->c1, CC_SIDE_FOR);
    s->a2 = argue(w, &s->carol, s->c1, CC_SIDE_AGAINST);
    s->a3 = argue(w, &w->alice, s->c2, CC_SIDE_FOR);
    s->src = source(w, &s->carol, s->c1);
    s->cm1 = comment(w, &w->bob, s->src);
    s->cm2 = comment(w, &w->alice, s->c2);
    catch_up(s); /* the views follow along, in chunks */
    edit(w, &w->alice, s->c1);
    vote(w, &w->bob, s->c1, CC_VOTE_AGREE, CC_EV_VOTE_CAST);
    vote(w, &s->carol, s->c1, CC_VOTE_DISAGREE, CC_EV_VOTE_CAST);
    vote(w, &w->alice, s->c2, CC_VOTE_MITIGATED, CC_EV_VOTE_CAST);
    vote(w, &s->carol, s->c2, CC_VOTE_AGREE, CC_EV_VOTE_CAST);
    vote(w, &s->dave, s->c1, CC_VOTE_AGREE, CC_EV_VOTE_CAST);
    vote(w, &w->alice, s->a1, CC_VOTE_UP, CC_EV_VOTE_CAST);
    vote(w, &s->carol, s->a1, CC_VOTE_UP, CC_EV_VOTE_CAST);

    catch_up(s);
    s->mid_size = ct_log_size(w);
    s->mid[0] = counts_of(s->v, 0);
    s->mid[1] = counts_of(s->v, w->theme);
    s->mid[2] = counts_of(s->v, w->section);
    assert_int_equal(days_of(s->v, 0, 0, MAX_DAYS, &s->mid_days), 0);

    vote(w, &w->bob, s->c1, CC_VOTE_MITIGATED, CC_EV_VOTE_CHANGED);
    simple(w, CC_EV_VOTE_WITHDRAWN, &s->carol, s->c1);
    simple(w, CC_EV_VOTE_WITHDRAWN, &s->carol, s->a1);
    simple(w, CC_EV_FLAG_RAISED, &s->carol, s->cm2);
    simple(w, CC_EV_FLAG_RAISED, &s->dave, s->a2);
    simple(w, CC_EV_ITEM_TRASHED, &w->mod, s->a3);
    simple(w, CC_EV_ITEM_RESTORED, &w->mod, s->a3);
    simple(w, CC_EV_ITEM_TRASHED, &w->mod, s->cm2);
    simple(w, CC_EV_ITEM_REMOVED, &w->mod, s->cm2);
    simple(w, CC_EV_ITEM_REMOVED, &w->mod, s->a2);
    /* bob declares he now speaks for an association: his past stays
     * counted as a citizen's, the second theme sees an association. */
    change_status(w, &w->bob, CC_STATUS_ASSOCIATION, "Collectif numérique");
    second_theme(w, &s->t2, &s->s2);
    s->c3 = post(w, &w->bob, s->s2);
    vote(w, &s->carol, s->c3, CC_VOTE_AGREE, CC_EV_VOTE_CAST);
    catch_up(s);
    s->last_ts = event_ts(w, ct_log_size(w) - 1);
}

static void scene_close(scene *s)
{
    cc_views_close(s->v);
    free(s->dir);
    ct_world_close(&s->w);
}

/* The first theme (and its posting section) once the script has run. */
static const expect theme1 = {
    .contributions = 2,
    .edits = 1,
    .arg_for = 2,     /* a1, a3 (trashed then restored: counted throughout) */
    .arg_against = 0, /* a2 removed */
    .sources = 1,
    .comments = 1,  /* cm2 trashed then removed */
    .agree = 2,     /* dave on c1, carol on c2 */
    .mitigated = 2, /* bob on c1 (changed from agree), alice on c2 */
    .disagree = 0,  /* carol's, withdrawn */
    .up = 1,        /* alice on a1; carol withdrew */
    .participants = 4,
    .citizen = 2, /* alice, bob (a citizen when he first acted here) */
    .association = 1,
    .company = 1,
    .flags = 2,
    .trashed = 2,
    .removed = 2,
    .restored = 1,
};

/* ---- tests --------------------------------------------------------------- */

static void counters_per_scope(void **state)
{
    (void)state;
    scene s;
    play(&s);
    cc_stats_counts c;

    c = counts_of(s.v, s.w.theme);
    check(&c, &theme1, "theme");
    c = counts_of(s.v, s.w.section);
    check(&c, &theme1, "section");

    /* Nothing was posted in the presentation section. */
    c = counts_of(s.v, s.w.closed_section);
    check(&c, &(expect){0}, "closed section");

    expect t2 = {.contributions = 1, .agree = 1, .participants = 2, .association = 2};
    c = counts_of(s.v, s.t2);
    check(&c, &t2, "second theme");
    c = counts_of(s.v, s.s2);
    check(&c, &t2, "second section");

    /* The consultation: both themes, each participant once, with the
     * status of their first action anywhere. */
    expect all = theme1;
    all.contributions = 3;
    all.agree = 3;
    c = counts_of(s.v, 0);
    check(&c, &all, "consultation");

    /* An id that is not a scope has nothing counted. */
    c = counts_of(s.v, s.c1);
    check(&c, &(expect){0}, "contribution id");
    scene_close(&s);
}

static void days_add_up_to_the_counters(void **state)
{
    (void)state;
    scene s;
    play(&s);
    uint32_t first = (uint32_t)(s.first_ts / DAY_MS), last = (uint32_t)(s.last_ts / DAY_MS);
    const uint64_t scope[] = {0, s.w.theme, s.w.section, s.t2, s.s2};
    for (size_t i = 0; i < sizeof scope / sizeof scope[0]; i++) {
        days d;
        assert_int_equal(days_of(s.v, scope[i], 0, MAX_DAYS, &d), 0);
        assert_true(d.count >= 1);
        assert_int_equal(d.total, d.count);
        cc_stats_day sum = {0};
        for (uint32_t j = 0; j < d.count; j++) {
            assert_in_range(d.d[j].day, first, last);
            if (j) assert_true(d.d[j].day > d.d[j - 1].day);
            sum.contributions += d.d[j].contributions;
            sum.arguments += d.d[j].arguments;
            sum.sources += d.d[j].sources;
            sum.comments += d.d[j].comments;
            sum.votes += d.d[j].votes;
            sum.participants_new += d.d[j].participants_new;
        }
        cc_stats_counts c = counts_of(s.v, scope[i]);
        assert_int_equal(sum.contributions, c.contributions);
        assert_int_equal(sum.arguments, c.arguments_for + c.arguments_against);
        assert_int_equal(sum.sources, c.sources);
        assert_int_equal(sum.comments, c.comments);
        assert_int_equal(sum.votes,
                         c.votes_agree + c.votes_mitigated + c.votes_disagree + c.votes_up);
        assert_int_equal(sum.participants_new, c.participants);
        if (i == 0) {
            /* Standing votes: bob and dave on c1, alice and carol on c2,
             * alice on a1, carol on c3. */
            assert_int_equal(sum.votes, 6);
            assert_int_equal(sum.contributions, 3);
            assert_int_equal(sum.participants_new, 4);
        }
    }
    /* The closed section has no day at all. */
    days d;
    assert_int_equal(days_of(s.v, s.w.closed_section, 0, MAX_DAYS, &d), 0);
    assert_int_equal(d.total, 0);
    assert_int_equal(d.count, 0);
    scene_close(&s);
}

static void frozen_at_close(void **state)
{
    (void)state;
    scene s;
    play(&s);
    cc_stats_counts c, f;
    uint64_t size = 0;
    assert_int_equal(frozen(s.v, s.w.theme, &f, &size), CC_ENOTFOUND);

    uint64_t close = theme_event(&s.w, CC_EV_THEME_CLOSED, s.w.theme);
    catch_up(&s);
    assert_int_equal(frozen(s.v, s.w.theme, &f, &size), 0);
    assert_int_equal(size, close + 1);
    assert_int_equal(size, ct_log_size(&s.w));
    check(&f, &theme1, "frozen");
    assert_int_equal(frozen(s.v, s.t2, &f, &size), CC_ENOTFOUND);
    assert_int_equal(frozen(s.v, 0, &f, &size), CC_ENOTFOUND);

    /* Moderation goes on after the close: the live counters move, the
     * frozen copy does not. A removal leaves the votes it received. */
    simple(&s.w, CC_EV_ITEM_REMOVED, &s.w.mod, s.a1);
    catch_up(&s);
    c = counts_of(s.v, s.w.theme);
    expect after = theme1;
    after.arg_for = 1;
    after.removed = 3;
    check(&c, &after, "theme after close");
    assert_int_equal(c.votes_up, 1);
    assert_int_equal(frozen(s.v, s.w.theme, &f, &size), 0);
    assert_int_equal(size, close + 1);
    check(&f, &theme1, "frozen after removal");

    /* Reopened and closed again: the copy is the last close's. */
    theme_event(&s.w, CC_EV_THEME_OPENED, s.w.theme);
    post(&s.w, &s.dave, s.w.section);
    uint64_t close2 = theme_event(&s.w, CC_EV_THEME_CLOSED, s.w.theme);
    catch_up(&s);
    assert_int_equal(frozen(s.v, s.w.theme, &f, &size), 0);
    assert_int_equal(size, close2 + 1);
    after.contributions = 3;
    check(&f, &after, "frozen at second close");
    scene_close(&s);
}

static void intermediate_size_is_reproducible(void **state)
{
    (void)state;
    scene s;
    play(&s);
    /* What the counters were after the votes, before any change,
     * withdrawal or moderation. */
    expect mid = {
        .contributions = 2,
        .edits = 1,
        .arg_for = 2,
        .arg_against = 1,
        .sources = 1,
        .comments = 2,
        .agree = 3,
        .mitigated = 1,
        .disagree = 1,
        .up = 2,
        .participants = 4,
        .citizen = 2,
        .association = 1,
        .company = 1,
    };
    check(&s.mid[0], &mid, "consultation at mid size");
    check(&s.mid[1], &mid, "theme at mid size");
    check(&s.mid[2], &mid, "section at mid size");

    /* A views env built only up to that size says the same, field for
     * field, although the log has grown since. */
    char *dir = views_dir(&s.w, "views-at");
    cc_views *at;
    assert_int_equal(cc_views_open(&at, dir, &s.w.l, NULL), 0);
    assert_int_equal(cc_views_catch_up(at, s.mid_size, NULL), 0);
    assert_int_equal(cc_views_position(at), s.mid_size);
    assert_true(ct_log_size(&s.w) > s.mid_size);
    cc_stats_counts c = counts_of(at, 0);
    assert_memory_equal(&c, &s.mid[0], sizeof c);
    c = counts_of(at, s.w.theme);
    assert_memory_equal(&c, &s.mid[1], sizeof c);
    c = counts_of(at, s.w.section);
    assert_memory_equal(&c, &s.mid[2], sizeof c);
    days d;
    assert_int_equal(days_of(at, 0, 0, MAX_DAYS, &d), 0);
    assert_memory_equal(&d, &s.mid_days, sizeof d);
    /* And the second theme did not exist yet. */
    c = counts_of(at, s.t2);
    check(&c, &(expect){0}, "second theme at mid size");
    /* Moving on to the end gives the full view's counters. */
    assert_int_equal(cc_views_catch_up(at, UINT64_MAX, NULL), 0);
    c = counts_of(at, 0);
    cc_stats_counts full = counts_of(s.v, 0);
    assert_memory_equal(&c, &full, sizeof c);
    cc_views_close(at);
    free(dir);
    scene_close(&s);
}

/* ---- the fold applied directly, with chosen timestamps -------------------- */

typedef struct fold {
    char *dir;
    MDB_env *env;
    MDB_txn *txn;
    cc_stats sv;
    uint64_t seq;
} fold;

static void fold_open(fold *f)
{
    memset(f, 0, sizeof *f);
    f->dir = ct_tempdir("stats-fold");
    assert_int_equal(mdb_env_create(&f->env), 0);
    assert_int_equal(mdb_env_set_maxdbs(f->env, 16), 0);
    assert_int_equal(mdb_env_open(f->env, f->dir, MDB_NOTLS | MDB_NOSYNC, 0600), 0);
    assert_int_equal(mdb_txn_begin(f->env, NULL, 0, &f->txn), 0);
    assert_int_equal(cc_projection_stats.open(f->txn, &f->sv), 0);
}

static void fold_close(fold *f)
{
    if (f->txn) mdb_txn_abort(f->txn);
    mdb_env_close(f->env);
    ct_rmtree(f->dir);
    free(f->dir);
}

static cc_pseudonym who(char c)
{
    cc_pseudonym p;
    memset(p.s, c, CC_PSEUDONYM_LEN);
    p.s[CC_PSEUDONYM_LEN] = '\0';
    return p;
}

/* Apply one event made of (type, by, ts) and an optional field setter;
 * returns the result code and the event's sequence number in *seq. */
static int apply(fold *f, cc_event *e, uint64_t *seq)
{
    cc_apply a = {f->txn, f->seq, e};
    if (seq) *seq = f->seq;
    f->seq++;
    return cc_projection_stats.apply(&f->sv, &a);
}

static cc_event ev(cc_event_type type, char by, uint64_t ts)
{
    cc_event e;
    cc_event_init(&e, type);
    e.by = who(by);
    e.ts = ts;
    return e;
}

static void days_across_midnight(void **state)
{
    (void)state;
    fold f;
    fold_open(&f);
    const uint64_t d100 = 100 * DAY_MS;
    uint64_t theme, section, c1, c2, seq;
    cc_event e = ev(CC_EV_PARTICIPANT_REGISTERED, 'a', d100);
    e.status = CC_STATUS_CITIZEN;
    assert_int_equal(apply(&f, &e, NULL), 0);
    e = ev(CC_EV_PARTICIPANT_REGISTERED, 'b', d100);
    e.status = CC_STATUS_COMPANY;
    assert_int_equal(apply(&f, &e, NULL), 0);
    e = ev(CC_EV_THEME_CREATED, 'a', d100);
    assert_int_equal(apply(&f, &e, &theme), 0);
    e = ev(CC_EV_SECTION_CREATED, 'a', d100);
    e.theme = theme;
    assert_int_equal(apply(&f, &e, &section), 0);
    e = ev(CC_EV_CONTRIBUTION_POSTED, 'a', d100 + 3600000);
    e.section = section;
    assert_int_equal(apply(&f, &e, &c1), 0);
    /* The last millisecond of day 100. */
    e = ev(CC_EV_VOTE_CAST, 'b', 101 * DAY_MS - 1);
    e.item = c1;
    e.value = CC_VOTE_AGREE;
    assert_int_equal(apply(&f, &e, NULL), 0);
    /* Day 101 starts. */
    e = ev(CC_EV_CONTRIBUTION_POSTED, 'b', 101 * DAY_MS);
    e.section = section;
    assert_int_equal(apply(&f, &e, &c2), 0);
    e = ev(CC_EV_ARGUMENT_POSTED, 'a', 101 * DAY_MS + 5);
    e.item = c2;
    e.side = CC_SIDE_AGAINST;
    assert_int_equal(apply(&f, &e, NULL), 0);
    e = ev(CC_EV_VOTE_CAST, 'a', 102 * DAY_MS);
    e.item = c2;
    e.value = CC_VOTE_DISAGREE;
    assert_int_equal(apply(&f, &e, NULL), 0);
    /* A change keeps the day the vote was cast. */
    e = ev(CC_EV_VOTE_CHANGED, 'b', 102 * DAY_MS + 1);
    e.item = c1;
    e.value = CC_VOTE_MITIGATED;
    assert_int_equal(apply(&f, &e, NULL), 0);
    /* Withdrawn on day 103: day 102 loses its only vote, and its row. */
    e = ev(CC_EV_VOTE_WITHDRAWN, 'a', 103 * DAY_MS);
    e.item = c2;
    assert_int_equal(apply(&f, &e, NULL), 0);
    /* Removed on day 103: day 101 loses its contribution. */
    e = ev(CC_EV_ITEM_REMOVED, 'a', 103 * DAY_MS + 1);
    e.item = c2;
    e.ground = CC_GROUND_HUMAN_DIGNITY;
    assert_int_equal(apply(&f, &e, NULL), 0);
    e = ev(CC_EV_THEME_CLOSED, 'a', 104 * DAY_MS);
    e.theme = theme;
    assert_int_equal(apply(&f, &e, &seq), 0);

    const uint64_t scope[] = {0, theme, section};
    for (int i = 0; i < 3; i++) {
        cc_stats_day d[4];
        uint32_t count;
        uint64_t total;
        assert_int_equal(cc_stats_days(f.txn, &f.sv, scope[i], 0, 4, d, &count, &total), 0);
        assert_int_equal(count, 2);
        assert_int_equal(total, 2);
        assert_int_equal(d[0].day, 100);
        assert_int_equal(d[0].contributions, 1);
        assert_int_equal(d[0].arguments, 0);
        assert_int_equal(d[0].votes, 1);
        assert_int_equal(d[0].participants_new, 2);
        assert_int_equal(d[1].day, 101);
        assert_int_equal(d[1].contributions, 0);
        assert_int_equal(d[1].arguments, 1);
        assert_int_equal(d[1].votes, 0);
        assert_int_equal(d[1].participants_new, 0);
        /* Paging. */
        assert_int_equal(cc_stats_days(f.txn, &f.sv, scope[i], 1, 1, d, &count, &total), 0);
        assert_int_equal(count, 1);
        assert_int_equal(total, 2);
        assert_int_equal(d[0].day, 101);
        assert_int_equal(cc_stats_days(f.txn, &f.sv, scope[i], 2, 1, d, &count, NULL), 0);
        assert_int_equal(count, 0);

        cc_stats_counts c;
        assert_int_equal(cc_stats_get(f.txn, &f.sv, scope[i], &c), 0);
        expect x = {.contributions = 1,
                    .arg_against = 1,
                    .mitigated = 1,
                    .participants = 2,
                    .citizen = 1,
                    .company = 1,
                    .removed = 1};
        check(&c, &x, "fold");
    }
    cc_stats_counts c;
    uint64_t size;
    assert_int_equal(cc_stats_frozen(f.txn, &f.sv, theme, &c, &size), 0);
    assert_int_equal(size, seq + 1);
    assert_int_equal(c.arguments_against, 1);
    fold_close(&f);
}

/* Events the log could not contain stop the fold instead of wrapping a
 * counter or inventing an owner. */
static void inconsistent_events_are_refused(void **state)
{
    (void)state;
    fold f;
    fold_open(&f);
    uint64_t theme, section, c1;
    cc_event e = ev(CC_EV_PARTICIPANT_REGISTERED, 'a', 1);
    e.status = CC_STATUS_CITIZEN;
    assert_int_equal(apply(&f, &e, NULL), 0);
    e = ev(CC_EV_THEME_CREATED, 'a', 1);
    assert_int_equal(apply(&f, &e, &theme), 0);
    e = ev(CC_EV_SECTION_CREATED, 'a', 1);
    e.theme = theme;
    assert_int_equal(apply(&f, &e, &section), 0);
    e = ev(CC_EV_CONTRIBUTION_POSTED, 'a', 2);
    e.section = section;
    assert_int_equal(apply(&f, &e, &c1), 0);

    e = ev(CC_EV_VOTE_WITHDRAWN, 'a', 3); /* never cast */
    e.item = c1;
    assert_int_equal(apply(&f, &e, NULL), CC_ECORRUPT);
    e = ev(CC_EV_VOTE_CHANGED, 'a', 3); /* never cast either */
    e.item = c1;
    e.value = CC_VOTE_AGREE;
    assert_int_equal(apply(&f, &e, NULL), CC_ECORRUPT);
    e = ev(CC_EV_VOTE_CAST, 'a', 3); /* up-vote on a contribution */
    e.item = c1;
    e.value = CC_VOTE_UP;
    assert_int_equal(apply(&f, &e, NULL), CC_ECORRUPT);
    e = ev(CC_EV_ARGUMENT_POSTED, 'a', 3); /* under an unknown item */
    e.item = 999;
    e.side = CC_SIDE_FOR;
    assert_int_equal(apply(&f, &e, NULL), CC_ECORRUPT);
    e = ev(CC_EV_CONTRIBUTION_POSTED, 'a', 3); /* in something not a section */
    e.section = c1;
    assert_int_equal(apply(&f, &e, NULL), CC_ECORRUPT);
    e = ev(CC_EV_CONTRIBUTION_POSTED, 'z', 3); /* by someone never registered */
    e.section = section;
    assert_int_equal(apply(&f, &e, NULL), CC_ECORRUPT);
    e = ev(CC_EV_ITEM_TRASHED, 'a', 3); /* a section is not moderated */
    e.item = section;
    assert_int_equal(apply(&f, &e, NULL), CC_ECORRUPT);

    /* A standing vote the counters never saw (a damaged view): withdrawing
     * it would take a counter below zero. */
    uint8_t key[8 + CC_PSEUDONYM_LEN], rec[6] = {1, CC_VOTE_AGREE, 0, 0, 0, 0};
    cc_pseudonym a = who('a');
    for (int i = 7, n = (int)c1; i >= 0; i--, n >>= 8)
        key[i] = (uint8_t)n;
    memcpy(key + 8, a.s, CC_PSEUDONYM_LEN);
    MDB_val k = {sizeof key, key}, v = {sizeof rec, rec};
    assert_int_equal(mdb_put(f.txn, f.sv.votes, &k, &v, 0), 0);
    e = ev(CC_EV_VOTE_WITHDRAWN, 'a', 3);
    e.item = c1;
    assert_int_equal(apply(&f, &e, NULL), CC_ECORRUPT);
    assert_int_equal(mdb_del(f.txn, f.sv.votes, &k, NULL), 0);

    /* None of the refused events left a trace in what was counted. */
    cc_stats_counts c;
    assert_int_equal(cc_stats_get(f.txn, &f.sv, 0, &c), 0);
    check(&c, &(expect){.contributions = 1, .participants = 1, .citizen = 1}, "after refusals");

    /* Removal is final even if a log said otherwise: a second removal or a
     * restore is counted as a decision but takes nothing out or back. */
    uint64_t c2;
    e = ev(CC_EV_CONTRIBUTION_POSTED, 'a', 4);
    e.section = section;
    assert_int_equal(apply(&f, &e, &c2), 0);
    e = ev(CC_EV_ITEM_REMOVED, 'a', 5);
    e.item = c2;
    e.ground = CC_GROUND_HUMAN_DIGNITY;
    assert_int_equal(apply(&f, &e, NULL), 0);
    assert_int_equal(apply(&f, &e, NULL), 0);
    e = ev(CC_EV_ITEM_RESTORED, 'a', 6);
    e.item = c2;
    assert_int_equal(apply(&f, &e, NULL), 0);
    e = ev(CC_EV_ITEM_REMOVED, 'a', 7);
    e.item = c2;
    e.ground = CC_GROUND_HUMAN_DIGNITY;
    assert_int_equal(apply(&f, &e, NULL), 0);
    assert_int_equal(cc_stats_get(f.txn, &f.sv, section, &c), 0);
    check(
        &c,
        &(expect){.contributions = 1, .participants = 1, .citizen = 1, .removed = 3, .restored = 1},
        "after repeated removals");
    fold_close(&f);
}

/* ---- storage ------------------------------------------------------------- */

/* Overwrite the value of the first key of a DBI of the (closed) views env. */
static void poke_first(const char *dir, const char *dbi_name, const void *bytes, size_t len)
{
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    MDB_cursor *c;
    MDB_val k, v;
    assert_int_equal(mdb_env_create(&env), 0);
    assert_int_equal(mdb_env_set_maxdbs(env, 64), 0);
    assert_int_equal(mdb_env_set_mapsize(env, (size_t)1 << 30), 0);
    assert_int_equal(mdb_env_open(env, dir, MDB_NOTLS, 0600), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, dbi_name, 0, &dbi), 0);
    assert_int_equal(mdb_cursor_open(txn, dbi, &c), 0);
    assert_int_equal(mdb_cursor_get(c, &k, &v, MDB_FIRST), 0);
    uint8_t key[64];
    assert_true(k.mv_size <= sizeof key);
    memcpy(key, k.mv_data, k.mv_size);
    k.mv_data = key;
    mdb_cursor_close(c);
    v = (MDB_val){len, (void *)bytes};
    assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
    assert_int_equal(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
}

static void corrupt_records_are_reported(void **state)
{
    (void)state;
    scene s;
    play(&s);
    theme_event(&s.w, CC_EV_THEME_CLOSED, s.w.theme);
    catch_up(&s);
    cc_views_close(s.v);
    uint8_t junk[200];
    memset(junk, 0, sizeof junk);
    junk[0] = 1; /* the right version byte: only the length is wrong */
    cc_stats_counts c;
    uint64_t size;
    days d;

    poke_first(s.dir, "stats_counts", junk, 168); /* scope 0, one byte short */
    assert_int_equal(cc_views_open(&s.v, s.dir, &s.w.l, NULL), 0);
    assert_int_equal(counts(s.v, 0, &c), CC_ECORRUPT);
    assert_int_equal(counts(s.v, s.w.theme, &c), 0); /* the others are fine */
    /* The fold refuses to build on it. */
    post(&s.w, &s.w.alice, s.s2);
    assert_int_equal(cc_views_catch_up(s.v, UINT64_MAX, NULL), CC_ECORRUPT);
    cc_views_close(s.v);

    junk[0] = 9; /* right length, unknown version */
    poke_first(s.dir, "stats_frozen", junk, 177);
    poke_first(s.dir, "stats_days", junk, 49);
    assert_int_equal(cc_views_open(&s.v, s.dir, &s.w.l, NULL), 0);
    assert_int_equal(frozen(s.v, s.w.theme, &c, &size), CC_ECORRUPT);
    assert_int_equal(days_of(s.v, 0, 0, MAX_DAYS, &d), CC_ECORRUPT);
    cc_views_close(s.v);

    /* Rebuilding from the log repairs everything. */
    assert_int_equal(cc_views_open(&s.v, s.dir, &s.w.l, NULL), 0);
    assert_int_equal(cc_views_clear(s.v), 0);
    catch_up(&s);
    assert_int_equal(counts(s.v, 0, &c), 0);
    assert_int_equal(c.contributions, 4);
    assert_int_equal(frozen(s.v, s.w.theme, &c, &size), 0);
    check(&c, &theme1, "frozen after rebuild");
    scene_close(&s);
}

static void rebuild_matches_incremental(void **state)
{
    (void)state;
    ct_world w;
    ct_world_open(&w);
    char *dir = views_dir(&w, "views"), *dir2 = views_dir(&w, "views-rebuilt");
    cc_views *v, *v2;
    cc_views_options opt = {.chunk_events = 3};
    assert_int_equal(cc_views_open(&v, dir, &w.l, &opt), 0);
    assert_int_equal(cc_writer_listen(w.w, cc_views_notify, v), 0);
    assert_int_equal(cc_views_start(v), 0);
    /* The worker follows the writer while the consultation runs. */
    cc_pseudonym carol = register_as(&w, "carol", CC_STATUS_ASSOCIATION, "Parents d'élèves");
    uint64_t c2 = post(&w, &w.bob, w.section);
    uint64_t a = argue(&w, &carol, w.contribution, CC_SIDE_AGAINST);
    vote(&w, &carol, w.contribution, CC_VOTE_AGREE, CC_EV_VOTE_CAST);
    vote(&w, &carol, w.contribution, CC_VOTE_DISAGREE, CC_EV_VOTE_CHANGED);
    vote(&w, &w.bob, a, CC_VOTE_UP, CC_EV_VOTE_CAST);
    simple(&w, CC_EV_VOTE_WITHDRAWN, &w.bob, a);
    simple(&w, CC_EV_FLAG_RAISED, &carol, c2);
    simple(&w, CC_EV_ITEM_TRASHED, &w.mod, c2);
    simple(&w, CC_EV_ITEM_REMOVED, &w.mod, c2);
    change_status(&w, &w.alice, CC_STATUS_PUBLIC_BODY, "Rectorat de Lyon");
    comment(&w, &w.alice, w.contribution);
    theme_event(&w, CC_EV_THEME_CLOSED, w.theme);
    uint64_t size = ct_log_size(&w);
    assert_int_equal(cc_views_wait(v, size, 10000), 0);
    cc_views_stop(v);

    assert_int_equal(cc_views_open(&v2, dir2, &w.l, NULL), 0);
    assert_int_equal(cc_views_catch_up(v2, UINT64_MAX, NULL), 0);
    uint8_t d1[32], d2[32];
    assert_int_equal(cc_views_digest(v, d1), 0);
    assert_int_equal(cc_views_digest(v2, d2), 0);
    assert_memory_equal(d1, d2, 32);
    cc_stats_counts c = counts_of(v2, 0);
    expect x = {.contributions = 1,
                .arg_against = 1,
                .comments = 1,
                .disagree = 1,
                .participants = 3,
                .citizen = 2,
                .association = 1,
                .flags = 1,
                .trashed = 1,
                .removed = 1};
    check(&c, &x, "rebuilt");
    cc_stats_counts f;
    uint64_t at;
    assert_int_equal(frozen(v2, w.theme, &f, &at), 0);
    assert_int_equal(at, size);
    assert_memory_equal(&f, &c, sizeof c); /* one theme, one section: same numbers */

    cc_writer_stop(w.w); /* writer, then views, then the ledger they read */
    w.w = NULL;
    cc_views_close(v2);
    cc_views_close(v);
    ct_world_stop(&w);
    free(dir);
    free(dir2);
    ct_world_close(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counters_per_scope),
        cmocka_unit_test(days_add_up_to_the_counters),
        cmocka_unit_test(frozen_at_close),
        cmocka_unit_test(intermediate_size_is_reproducible),
        cmocka_unit_test(days_across_midnight),
        cmocka_unit_test(inconsistent_events_are_refused),
        cmocka_unit_test(corrupt_records_are_reported),
        cmocka_unit_test(rebuild_matches_incremental),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
