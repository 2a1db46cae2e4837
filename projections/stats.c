/* stats.c - the quantitative synthesis, folded from the log.
 *
 * The FAQ promises that the synthesis will be "complétée par une approche
 * quantitative, récapitulant les informations statistiques de participation"
 * and that anyone can check it. So every number here is a fold of the log
 * with the definitions written in stats.h, and nothing else: an auditor who
 * replays the same prefix gets the same bytes, and the frozen copy taken
 * when a theme closes names the exact prefix (its log size) it was taken at.
 *
 * Every event that counts is attributed to three scopes: the consultation
 * (0), its theme and its section. Theme and section ids are sequence numbers
 * of events that come after at least one registration, so 0 never names one.
 * Events name only their direct parent (a comment names its source, a vote
 * its argument), so stats_owners remembers, for every section and every item
 * that counts, its theme and section, plus what a later event needs to undo
 * it: kind and side (which counter a removal decrements), moderation state
 * (a removal is subtracted once), and the day it was posted (which day
 * row a removal decrements). vote.changed carries only the new value and
 * vote.withdrawn none, so stats_votes keeps each standing vote's value and
 * the day it was cast.
 *
 * "Participants by the status declared at their first action in the scope":
 * stats_status follows participant.registered / status_changed, and
 * stats_members records, the first time a participant acts in a scope, the
 * status they had then. A participant who changes status later keeps the
 * old one in the scopes they had already joined and brings the new one to
 * the scopes they join afterwards, which is what a synthesis written at the
 * close should say about who took part.
 *
 * Counters are kept in memory as an array indexed by the F_* constants
 * below, which is also the order of the stored record, so the disk format is
 * written down once. A counter that would go below zero means the view and
 * the log disagree: the fold stops with CC_ECORRUPT instead of wrapping.
 * Records carry a version byte and are decoded with exact length checks; a
 * views env is rebuildable, so a bad record is reported, not guessed at. */
#include "stats.h"

#include "bytes.h"
#include "error.h"

#include <string.h>

#define RECORD_VERSION 1
#define DAY_MS 86400000ull

enum counter {
    F_CONTRIBUTIONS,
    F_EDITS,
    F_ARGUMENTS_FOR,
    F_ARGUMENTS_AGAINST,
    F_SOURCES,
    F_COMMENTS,
    F_VOTES_AGREE, /* then mitigated, disagree, up: the order of cc_vote_value */
    F_VOTES_MITIGATED,
    F_VOTES_DISAGREE,
    F_VOTES_UP,
    F_PARTICIPANTS,
    F_BY_STATUS, /* CC_STATUS_COUNT_ slots */
    F_FLAGS = F_BY_STATUS + CC_STATUS_COUNT_,
    F_TRASHED,
    F_REMOVED,
    F_RESTORED,
    F_COUNT
};

_Static_assert(F_COUNT == 21, "the stored counts record (version 1) has 21 counters: a change "
                              "needs a new record version and a new projection version");
_Static_assert(F_VOTES_UP - F_VOTES_AGREE == CC_VOTE_UP - CC_VOTE_AGREE,
               "vote counters follow cc_vote_value");

enum day_counter {
    D_CONTRIBUTIONS,
    D_ARGUMENTS,
    D_SOURCES,
    D_COMMENTS,
    D_VOTES,
    D_PARTICIPANTS_NEW,
    D_COUNT
};

#define COUNTS_SIZE (1 + 8 * F_COUNT)
#define FROZEN_SIZE (1 + 8 + 8 * F_COUNT)
#define DAY_SIZE (1 + 8 * D_COUNT)
#define OWNER_SIZE 24
#define VOTE_SIZE 6
#define PAIR_KEY (8 + CC_PSEUDONYM_LEN)

static void pair_key(uint8_t key[PAIR_KEY], uint64_t id, const cc_pseudonym *p)
{
    cc_put_be64(key, id);
    memcpy(key + 8, p->s, CC_PSEUDONYM_LEN);
}

/* Days since the epoch. The writer's timestamps are far below the limit; a
 * log claiming a time after the year 11 million is clamped rather than
 * stopping every view. */
static uint32_t day_of(uint64_t ts)
{
    uint64_t d = ts / DAY_MS;
    return d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
}

/* Add delta to *v, refusing to go below zero. */
static int add_checked(uint64_t *v, int64_t delta)
{
    if (delta < 0 && *v < (uint64_t)-delta) return CC_ECORRUPT;
    *v += (uint64_t)delta;
    return 0;
}

/* ---- counters ------------------------------------------------------------ */

static void array_encode(uint8_t *p, const uint64_t *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cc_put_be64(p + 8 * i, a[i]);
}

static void array_decode(const uint8_t *p, uint64_t *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        a[i] = cc_get_be64(p + 8 * i);
}

static int counts_load(MDB_txn *txn, const cc_stats *sv, uint64_t scope, uint64_t a[F_COUNT])
{
    uint8_t key[8];
    cc_put_be64(key, scope);
    MDB_val k = {8, key}, v;
    int rc = mdb_get(txn, sv->counts, &k, &v);
    if (rc == MDB_NOTFOUND) {
        memset(a, 0, sizeof(uint64_t) * F_COUNT);
        return 0;
    }
    if (rc) return cc_from_mdb(rc);
    const uint8_t *r = v.mv_data;
    if (v.mv_size != COUNTS_SIZE || r[0] != RECORD_VERSION) return CC_ECORRUPT;
    array_decode(r + 1, a, F_COUNT);
    return 0;
}

static int counts_store(MDB_txn *txn, const cc_stats *sv, uint64_t scope, const uint64_t a[F_COUNT])
{
    uint8_t key[8], r[COUNTS_SIZE];
    cc_put_be64(key, scope);
    r[0] = RECORD_VERSION;
    array_encode(r + 1, a, F_COUNT);
    MDB_val k = {8, key}, v = {sizeof r, r};
    return cc_from_mdb(mdb_put(txn, sv->counts, &k, &v, 0));
}

static void counts_to_struct(const uint64_t a[F_COUNT], cc_stats_counts *c)
{
    c->contributions = a[F_CONTRIBUTIONS];
    c->edits = a[F_EDITS];
    c->arguments_for = a[F_ARGUMENTS_FOR];
    c->arguments_against = a[F_ARGUMENTS_AGAINST];
    c->sources = a[F_SOURCES];
    c->comments = a[F_COMMENTS];
    c->votes_agree = a[F_VOTES_AGREE];
    c->votes_mitigated = a[F_VOTES_MITIGATED];
    c->votes_disagree = a[F_VOTES_DISAGREE];
    c->votes_up = a[F_VOTES_UP];
    c->participants = a[F_PARTICIPANTS];
    for (int s = 0; s < CC_STATUS_COUNT_; s++)
        c->participants_by_status[s] = a[F_BY_STATUS + s];
    c->flags = a[F_FLAGS];
    c->trashed = a[F_TRASHED];
    c->removed = a[F_REMOVED];
    c->restored = a[F_RESTORED];
}

/* The scopes an item counts in: the consultation, its theme, its section. */
typedef struct scopes {
    uint64_t id[3];
    int n;
} scopes;

static scopes scopes_of(uint64_t theme, uint64_t section)
{
    scopes s = {{0}, 1};
    if (theme) s.id[s.n++] = theme;
    if (section && section != theme) s.id[s.n++] = section;
    return s;
}

static int bump(MDB_txn *txn, const cc_stats *sv, const scopes *sc, int field, int64_t delta)
{
    uint64_t a[F_COUNT];
    int rc;
    for (int i = 0; i < sc->n; i++) {
        if ((rc = counts_load(txn, sv, sc->id[i], a)) || (rc = add_checked(&a[field], delta)) ||
            (rc = counts_store(txn, sv, sc->id[i], a)))
            return rc;
    }
    return 0;
}

/* ---- days ---------------------------------------------------------------- */

static int day_bump_one(MDB_txn *txn, const cc_stats *sv, uint64_t scope, uint32_t day, int field,
                        int64_t delta)
{
    uint8_t key[12], r[DAY_SIZE];
    uint64_t a[D_COUNT] = {0};
    cc_put_be64(key, scope);
    cc_put_be32(key + 8, day);
    MDB_val k = {sizeof key, key}, v;
    int rc = mdb_get(txn, sv->days, &k, &v);
    if (rc == 0) {
        const uint8_t *p = v.mv_data;
        if (v.mv_size != DAY_SIZE || p[0] != RECORD_VERSION) return CC_ECORRUPT;
        array_decode(p + 1, a, D_COUNT);
    } else if (rc != MDB_NOTFOUND) {
        return cc_from_mdb(rc);
    }
    if ((rc = add_checked(&a[field], delta))) return rc;
    int empty = 1;
    for (int i = 0; i < D_COUNT; i++)
        empty &= a[i] == 0;
    /* A day whose activity was all withdrawn or removed leaves no row, as if
     * it had never had any: the sum of the rows stays the scope's total. */
    if (empty) {
        rc = mdb_del(txn, sv->days, &k, NULL);
        return rc == MDB_NOTFOUND ? 0 : cc_from_mdb(rc);
    }
    r[0] = RECORD_VERSION;
    array_encode(r + 1, a, D_COUNT);
    v = (MDB_val){sizeof r, r};
    return cc_from_mdb(mdb_put(txn, sv->days, &k, &v, 0));
}

static int day_bump(MDB_txn *txn, const cc_stats *sv, const scopes *sc, uint32_t day, int field,
                    int64_t delta)
{
    int rc;
    for (int i = 0; i < sc->n; i++)
        if ((rc = day_bump_one(txn, sv, sc->id[i], day, field, delta))) return rc;
    return 0;
}

/* ---- participants -------------------------------------------------------- */

static int status_put(MDB_txn *txn, const cc_stats *sv, const cc_pseudonym *p, uint8_t status)
{
    if (status >= CC_STATUS_COUNT_) return CC_ECORRUPT;
    MDB_val k = {CC_PSEUDONYM_LEN, (void *)p->s}, v = {1, &status};
    return cc_from_mdb(mdb_put(txn, sv->status, &k, &v, 0));
}

static int status_get(MDB_txn *txn, const cc_stats *sv, const cc_pseudonym *p, uint8_t *status)
{
    MDB_val k = {CC_PSEUDONYM_LEN, (void *)p->s}, v;
    int rc = mdb_get(txn, sv->status, &k, &v);
    if (rc == MDB_NOTFOUND) return CC_ECORRUPT; /* acting without having registered */
    if (rc) return cc_from_mdb(rc);
    if (v.mv_size != 1 || *(const uint8_t *)v.mv_data >= CC_STATUS_COUNT_) return CC_ECORRUPT;
    *status = *(const uint8_t *)v.mv_data;
    return 0;
}

/* who acts in the scopes on day: count them where it is their first time. */
static int join(MDB_txn *txn, const cc_stats *sv, const scopes *sc, const cc_pseudonym *who,
                uint32_t day)
{
    uint8_t status, key[PAIR_KEY];
    int rc = status_get(txn, sv, who, &status);
    if (rc) return rc;
    for (int i = 0; i < sc->n; i++) {
        pair_key(key, sc->id[i], who);
        MDB_val k = {sizeof key, key}, v = {1, &status};
        rc = mdb_put(txn, sv->members, &k, &v, MDB_NOOVERWRITE);
        if (rc == MDB_KEYEXIST) continue; /* already counted, with their status then */
        if (rc) return cc_from_mdb(rc);
        scopes one = {{sc->id[i]}, 1};
        if ((rc = bump(txn, sv, &one, F_PARTICIPANTS, 1)) ||
            (rc = bump(txn, sv, &one, F_BY_STATUS + status, 1)) ||
            (rc = day_bump(txn, sv, &one, day, D_PARTICIPANTS_NEW, 1)))
            return rc;
    }
    return 0;
}

/* ---- owners -------------------------------------------------------------- */

typedef struct owner {
    uint64_t theme, section;
    uint8_t kind, side, state;
    uint32_t day; /* posted */
} owner;

static int owner_put(MDB_txn *txn, const cc_stats *sv, uint64_t id, const owner *o)
{
    uint8_t key[8], r[OWNER_SIZE];
    cc_put_be64(key, id);
    r[0] = RECORD_VERSION;
    cc_put_be64(r + 1, o->theme);
    cc_put_be64(r + 9, o->section);
    r[17] = o->kind;
    r[18] = o->side;
    r[19] = o->state;
    cc_put_be32(r + 20, o->day);
    MDB_val k = {8, key}, v = {sizeof r, r};
    return cc_from_mdb(mdb_put(txn, sv->owners, &k, &v, 0));
}

#define KIND_BIT(k) (1u << (k))
#define MODERATABLE                                                                                \
    (KIND_BIT(CC_ITEM_CONTRIBUTION) | KIND_BIT(CC_ITEM_ARGUMENT) | KIND_BIT(CC_ITEM_SOURCE) |      \
     KIND_BIT(CC_ITEM_COMMENT))

/* The owner record of an item the log refers to, which must exist and be
 * of one of kinds: anything else means the log or this view is wrong. */
static int owner_need(MDB_txn *txn, const cc_stats *sv, uint64_t id, unsigned kinds, owner *o)
{
    uint8_t key[8];
    cc_put_be64(key, id);
    MDB_val k = {8, key}, v;
    int rc = mdb_get(txn, sv->owners, &k, &v);
    if (rc == MDB_NOTFOUND) return CC_ECORRUPT;
    if (rc) return cc_from_mdb(rc);
    const uint8_t *r = v.mv_data;
    if (v.mv_size != OWNER_SIZE || r[0] != RECORD_VERSION) return CC_ECORRUPT;
    o->theme = cc_get_be64(r + 1);
    o->section = cc_get_be64(r + 9);
    o->kind = r[17];
    o->side = r[18];
    o->state = r[19];
    o->day = cc_get_be32(r + 20);
    if (o->kind >= 32 || !((kinds >> o->kind) & 1)) return CC_ECORRUPT;
    return 0;
}

/* The counters an item of this kind adds to. */
static int content_counters(const owner *o, int *field, int *day_field)
{
    switch (o->kind) {
    case CC_ITEM_CONTRIBUTION:
        *field = F_CONTRIBUTIONS;
        *day_field = D_CONTRIBUTIONS;
        return 0;
    case CC_ITEM_ARGUMENT:
        if (o->side != CC_SIDE_FOR && o->side != CC_SIDE_AGAINST) return CC_ECORRUPT;
        *field = o->side == CC_SIDE_FOR ? F_ARGUMENTS_FOR : F_ARGUMENTS_AGAINST;
        *day_field = D_ARGUMENTS;
        return 0;
    case CC_ITEM_SOURCE:
        *field = F_SOURCES;
        *day_field = D_SOURCES;
        return 0;
    case CC_ITEM_COMMENT:
        *field = F_COMMENTS;
        *day_field = D_COMMENTS;
        return 0;
    default:
        return CC_ECORRUPT;
    }
}

/* ---- events -------------------------------------------------------------- */

/* A contribution, argument, source or comment was posted as item seq. */
static int posted(MDB_txn *txn, const cc_stats *sv, const cc_apply *a, const owner *o)
{
    int field, day_field, rc;
    if ((rc = content_counters(o, &field, &day_field))) return rc;
    scopes sc = scopes_of(o->theme, o->section);
    if ((rc = join(txn, sv, &sc, &a->event->by, o->day)) || (rc = bump(txn, sv, &sc, field, 1)) ||
        (rc = day_bump(txn, sv, &sc, o->day, day_field, 1)))
        return rc;
    return owner_put(txn, sv, a->seq, o);
}

/* vote.cast / vote.changed (value != 0) or vote.withdrawn (value == 0). */
static int vote(MDB_txn *txn, const cc_stats *sv, const cc_apply *a, uint8_t value)
{
    const cc_event *e = a->event;
    owner o;
    int rc = owner_need(txn, sv, e->item,
                        KIND_BIT(CC_ITEM_CONTRIBUTION) | KIND_BIT(CC_ITEM_ARGUMENT), &o);
    if (rc) return rc;
    if (value && (value == CC_VOTE_UP) != (o.kind == CC_ITEM_ARGUMENT)) return CC_ECORRUPT;
    scopes sc = scopes_of(o.theme, o.section);
    uint8_t key[PAIR_KEY], rec[VOTE_SIZE];
    pair_key(key, e->item, &e->by);
    MDB_val k = {sizeof key, key}, v;
    uint8_t old = 0;
    uint32_t day = day_of(e->ts);
    rc = mdb_get(txn, sv->votes, &k, &v);
    if (rc == 0) {
        const uint8_t *r = v.mv_data;
        if (v.mv_size != VOTE_SIZE || r[0] != RECORD_VERSION || r[1] < CC_VOTE_AGREE ||
            r[1] > CC_VOTE_UP)
            return CC_ECORRUPT;
        old = r[1];
        day = cc_get_be32(r + 2); /* a standing vote keeps the day it was cast */
    } else if (rc != MDB_NOTFOUND) {
        return cc_from_mdb(rc);
    }
    /* The decider turns a second vote.cast into vote.changed, and only
     * changes or withdraws a standing vote: anything else is a log this
     * view cannot have followed. */
    if (e->type == CC_EV_VOTE_CAST ? old != 0 : old == 0) return CC_ECORRUPT;
    if (old && (rc = bump(txn, sv, &sc, F_VOTES_AGREE + old - CC_VOTE_AGREE, -1))) return rc;
    if (!value) {
        if ((rc = day_bump(txn, sv, &sc, day, D_VOTES, -1))) return rc;
        return cc_from_mdb(mdb_del(txn, sv->votes, &k, NULL));
    }
    if ((rc = join(txn, sv, &sc, &e->by, day_of(e->ts))) ||
        (rc = bump(txn, sv, &sc, F_VOTES_AGREE + value - CC_VOTE_AGREE, 1)))
        return rc;
    if (!old && (rc = day_bump(txn, sv, &sc, day, D_VOTES, 1))) return rc;
    rec[0] = RECORD_VERSION;
    rec[1] = value;
    cc_put_be32(rec + 2, day);
    v = (MDB_val){sizeof rec, rec};
    return cc_from_mdb(mdb_put(txn, sv->votes, &k, &v, 0));
}

/* item.trashed / removed / restored: a decision counted where the item is;
 * a removal also takes the item out of the content counters, once. */
static int moderate(MDB_txn *txn, const cc_stats *sv, const cc_apply *a, int field)
{
    owner o;
    int rc = owner_need(txn, sv, a->event->item, MODERATABLE, &o);
    if (rc) return rc;
    scopes sc = scopes_of(o.theme, o.section);
    if ((rc = bump(txn, sv, &sc, field, 1))) return rc;
    if (o.state == CC_REMOVED) return 0; /* removal is final: nothing else moves */
    if (field == F_REMOVED) {
        int content, day_field;
        if ((rc = content_counters(&o, &content, &day_field)) ||
            (rc = bump(txn, sv, &sc, content, -1)) ||
            (rc = day_bump(txn, sv, &sc, o.day, day_field, -1)))
            return rc;
    }
    o.state = field == F_TRASHED ? CC_TRASHED : field == F_REMOVED ? CC_REMOVED : CC_LIVE;
    return owner_put(txn, sv, a->event->item, &o);
}

/* theme.closed: keep a copy of the theme's counters with the log size they
 * describe (this event included). */
static int freeze(MDB_txn *txn, const cc_stats *sv, uint64_t theme, uint64_t log_size)
{
    uint64_t a[F_COUNT];
    int rc = counts_load(txn, sv, theme, a);
    if (rc) return rc;
    uint8_t key[8], r[FROZEN_SIZE];
    cc_put_be64(key, theme);
    r[0] = RECORD_VERSION;
    cc_put_be64(r + 1, log_size);
    array_encode(r + 9, a, F_COUNT);
    MDB_val k = {8, key}, v = {sizeof r, r};
    return cc_from_mdb(mdb_put(txn, sv->frozen, &k, &v, 0));
}

static int stats_open(MDB_txn *txn, void *state)
{
    cc_stats *sv = state;
    int rc;
    if ((rc = mdb_dbi_open(txn, "stats_counts", MDB_CREATE, &sv->counts)) ||
        (rc = mdb_dbi_open(txn, "stats_frozen", MDB_CREATE, &sv->frozen)) ||
        (rc = mdb_dbi_open(txn, "stats_days", MDB_CREATE, &sv->days)) ||
        (rc = mdb_dbi_open(txn, "stats_members", MDB_CREATE, &sv->members)) ||
        (rc = mdb_dbi_open(txn, "stats_status", MDB_CREATE, &sv->status)) ||
        (rc = mdb_dbi_open(txn, "stats_owners", MDB_CREATE, &sv->owners)) ||
        (rc = mdb_dbi_open(txn, "stats_votes", MDB_CREATE, &sv->votes)))
        return cc_from_mdb(rc);
    return 0;
}

static int stats_apply(void *state, const cc_apply *a)
{
    const cc_stats *sv = state;
    const cc_event *e = a->event;
    MDB_txn *txn = a->txn;
    owner parent, o = {.day = day_of(e->ts)};
    int rc;
    switch (e->type) {
    case CC_EV_PARTICIPANT_REGISTERED:
    case CC_EV_PARTICIPANT_STATUS_CHANGED:
        return status_put(txn, sv, &e->by, e->status);
    case CC_EV_SECTION_CREATED:
        o.theme = e->theme;
        o.section = a->seq;
        o.kind = CC_ITEM_SECTION;
        return owner_put(txn, sv, a->seq, &o);
    case CC_EV_CONTRIBUTION_POSTED:
        if ((rc = owner_need(txn, sv, e->section, KIND_BIT(CC_ITEM_SECTION), &parent))) return rc;
        o.theme = parent.theme;
        o.section = e->section;
        o.kind = CC_ITEM_CONTRIBUTION;
        return posted(txn, sv, a, &o);
    case CC_EV_ARGUMENT_POSTED:
    case CC_EV_SOURCE_POSTED:
    case CC_EV_COMMENT_POSTED: {
        unsigned kinds = KIND_BIT(CC_ITEM_CONTRIBUTION);
        if (e->type == CC_EV_COMMENT_POSTED) kinds |= KIND_BIT(CC_ITEM_SOURCE);
        if ((rc = owner_need(txn, sv, e->item, kinds, &parent))) return rc;
        o.theme = parent.theme;
        o.section = parent.section;
        o.kind = e->type == CC_EV_ARGUMENT_POSTED ? CC_ITEM_ARGUMENT
                 : e->type == CC_EV_SOURCE_POSTED ? CC_ITEM_SOURCE
                                                  : CC_ITEM_COMMENT;
        if (e->type == CC_EV_ARGUMENT_POSTED) o.side = e->side;
        return posted(txn, sv, a, &o);
    }
    case CC_EV_CONTRIBUTION_EDITED: {
        if ((rc = owner_need(txn, sv, e->item, KIND_BIT(CC_ITEM_CONTRIBUTION), &o))) return rc;
        scopes sc = scopes_of(o.theme, o.section);
        return bump(txn, sv, &sc, F_EDITS, 1);
    }
    case CC_EV_VOTE_CAST:
    case CC_EV_VOTE_CHANGED:
        if (e->value < CC_VOTE_AGREE || e->value > CC_VOTE_UP) return CC_ECORRUPT;
        return vote(txn, sv, a, e->value);
    case CC_EV_VOTE_WITHDRAWN:
        return vote(txn, sv, a, 0);
    case CC_EV_FLAG_RAISED: {
        if ((rc = owner_need(txn, sv, e->item, MODERATABLE, &o))) return rc;
        scopes sc = scopes_of(o.theme, o.section);
        return bump(txn, sv, &sc, F_FLAGS, 1);
    }
    case CC_EV_ITEM_TRASHED:
        return moderate(txn, sv, a, F_TRASHED);
    case CC_EV_ITEM_REMOVED:
        return moderate(txn, sv, a, F_REMOVED);
    case CC_EV_ITEM_RESTORED:
        return moderate(txn, sv, a, F_RESTORED);
    case CC_EV_THEME_CLOSED:
        return freeze(txn, sv, e->theme, a->seq + 1);
    default:
        return 0; /* nothing counted */
    }
}

const cc_projection cc_projection_stats = {
    .name = "stats",
    .version = 1,
    .state_size = sizeof(cc_stats),
    .open = stats_open,
    .apply = stats_apply,
};

/* ---- reads --------------------------------------------------------------- */

int cc_stats_get(MDB_txn *txn, const cc_stats *sv, uint64_t scope, cc_stats_counts *out)
{
    uint64_t a[F_COUNT];
    int rc = counts_load(txn, sv, scope, a);
    if (rc) return rc;
    counts_to_struct(a, out);
    return 0;
}

int cc_stats_frozen(MDB_txn *txn, const cc_stats *sv, uint64_t theme, cc_stats_counts *out,
                    uint64_t *log_size)
{
    uint8_t key[8];
    cc_put_be64(key, theme);
    MDB_val k = {8, key}, v;
    int rc = mdb_get(txn, sv->frozen, &k, &v);
    if (rc == MDB_NOTFOUND) return CC_ENOTFOUND;
    if (rc) return cc_from_mdb(rc);
    const uint8_t *r = v.mv_data;
    if (v.mv_size != FROZEN_SIZE || r[0] != RECORD_VERSION) return CC_ECORRUPT;
    uint64_t a[F_COUNT];
    array_decode(r + 9, a, F_COUNT);
    counts_to_struct(a, out);
    if (log_size) *log_size = cc_get_be64(r + 1);
    return 0;
}

int cc_stats_days(MDB_txn *txn, const cc_stats *sv, uint64_t scope, uint64_t offset, uint32_t limit,
                  cc_stats_day *out, uint32_t *count, uint64_t *total)
{
    uint8_t start[12] = {0};
    cc_put_be64(start, scope);
    MDB_cursor *c;
    int rc = cc_from_mdb(mdb_cursor_open(txn, sv->days, &c));
    if (rc) return rc;
    *count = 0;
    uint64_t n = 0;
    MDB_val k = {sizeof start, start}, v;
    /* One walk over the scope's days both pages and counts them: a
     * consultation lasts weeks, so a scope has at most a few hundred days. */
    rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    while (rc == 0) {
        if (k.mv_size != sizeof start) {
            rc = CC_ECORRUPT;
            break;
        }
        if (memcmp(k.mv_data, start, 8) != 0) break;
        if (n >= offset && *count < limit) {
            const uint8_t *p = v.mv_data;
            if (v.mv_size != DAY_SIZE || p[0] != RECORD_VERSION) {
                rc = CC_ECORRUPT;
                break;
            }
            uint64_t a[D_COUNT];
            array_decode(p + 1, a, D_COUNT);
            cc_stats_day *d = &out[(*count)++];
            d->day = cc_get_be32((const uint8_t *)k.mv_data + 8);
            d->contributions = a[D_CONTRIBUTIONS];
            d->arguments = a[D_ARGUMENTS];
            d->sources = a[D_SOURCES];
            d->comments = a[D_COMMENTS];
            d->votes = a[D_VOTES];
            d->participants_new = a[D_PARTICIPANTS_NEW];
        }
        n++;
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
    }
    mdb_cursor_close(c);
    if (rc == MDB_NOTFOUND) rc = 0;
    if (rc) return cc_from_mdb(rc);
    if (total) *total = n;
    return 0;
}
