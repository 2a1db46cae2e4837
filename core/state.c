/* state.c - folding events into the write-side state.
 *
 * Records are small fixed-layout byte strings with a version byte, written
 * and read by the two functions below each; a record of the wrong size is
 * CC_ECORRUPT rather than trusted. The decider reads this state inside the
 * writer's transaction, so it always sees the effects of earlier commands of
 * the same batch. */
#include "state.h"

#include "bytes.h"
#include "error.h"

#include <string.h>

#define PARTICIPANT_RECORD 12
#define ITEM_RECORD (6 + 16 + CC_PSEUDONYM_LEN)
#define RECORD_VERSION 1

cc_event_type cc_item_body_type(uint8_t kind)
{
    switch (kind) {
    case CC_ITEM_THEME:
        return CC_EV_THEME_CREATED;
    case CC_ITEM_SECTION:
        return CC_EV_SECTION_CREATED;
    case CC_ITEM_CONTRIBUTION:
        return CC_EV_CONTRIBUTION_POSTED;
    case CC_ITEM_ARGUMENT:
        return CC_EV_ARGUMENT_POSTED;
    case CC_ITEM_SOURCE:
        return CC_EV_SOURCE_POSTED;
    case CC_ITEM_COMMENT:
        return CC_EV_COMMENT_POSTED;
    case CC_ITEM_DOCUMENT:
        return CC_EV_DOCUMENT_PUBLISHED;
    case CC_ITEM_MEETING:
        return CC_EV_MEETING_SCHEDULED;
    default:
        return CC_EV_NONE;
    }
}

int cc_state_dbi_open(MDB_txn *txn, cc_state *s)
{
    int rc;
    if ((rc = mdb_dbi_open(txn, "state_participants", MDB_CREATE, &s->participants)) ||
        (rc = mdb_dbi_open(txn, "state_items", MDB_CREATE, &s->items)) ||
        (rc = mdb_dbi_open(txn, "state_votes", MDB_CREATE, &s->votes)) ||
        (rc = mdb_dbi_open(txn, "state_flags", MDB_CREATE, &s->flags)) ||
        (rc = mdb_dbi_open(txn, "state_versions", MDB_CREATE, &s->versions)) ||
        (rc = mdb_dbi_open(txn, "state_counters", MDB_CREATE, &s->counters)))
        return cc_from_mdb(rc);
    return 0;
}

/* ---- records ------------------------------------------------------------ */

static int participant_get(MDB_txn *txn, const cc_state *s, const cc_pseudonym *p,
                           cc_participant *out)
{
    MDB_val k = {CC_PSEUDONYM_LEN, (void *)p->s}, v;
    int rc = mdb_get(txn, s->participants, &k, &v);
    if (rc == MDB_NOTFOUND) return CC_ENOTFOUND;
    if (rc) return cc_from_mdb(rc);
    const uint8_t *r = v.mv_data;
    if (v.mv_size != PARTICIPANT_RECORD || r[0] != RECORD_VERSION) return CC_ECORRUPT;
    out->status = r[1];
    out->roles = r[2];
    out->erased = r[3];
    out->registered = cc_get_be64(r + 4);
    return 0;
}

static int participant_put(MDB_txn *txn, const cc_state *s, const cc_pseudonym *p,
                           const cc_participant *in)
{
    uint8_t r[PARTICIPANT_RECORD] = {RECORD_VERSION, in->status, in->roles, in->erased};
    cc_put_be64(r + 4, in->registered);
    MDB_val k = {CC_PSEUDONYM_LEN, (void *)p->s}, v = {sizeof r, r};
    return cc_from_mdb(mdb_put(txn, s->participants, &k, &v, 0));
}

static int item_put(MDB_txn *txn, const cc_state *s, uint64_t id, const cc_item *in)
{
    uint8_t key[8], r[ITEM_RECORD];
    cc_put_be64(key, id);
    r[0] = RECORD_VERSION;
    r[1] = in->kind;
    r[2] = in->state;
    r[3] = in->side;
    r[4] = in->posting;
    r[5] = 0;
    cc_put_be64(r + 6, in->parent);
    cc_put_be64(r + 14, in->theme);
    memcpy(r + 22, in->author.s, CC_PSEUDONYM_LEN);
    MDB_val k = {8, key}, v = {sizeof r, r};
    return cc_from_mdb(mdb_put(txn, s->items, &k, &v, 0));
}

int cc_state_participant(MDB_txn *txn, const cc_state *s, const cc_pseudonym *p,
                         cc_participant *out)
{
    return participant_get(txn, s, p, out);
}

int cc_state_item(MDB_txn *txn, const cc_state *s, uint64_t id, cc_item *out)
{
    uint8_t key[8];
    cc_put_be64(key, id);
    MDB_val k = {8, key}, v;
    int rc = mdb_get(txn, s->items, &k, &v);
    if (rc == MDB_NOTFOUND) return CC_ENOTFOUND;
    if (rc) return cc_from_mdb(rc);
    const uint8_t *r = v.mv_data;
    if (v.mv_size != ITEM_RECORD || r[0] != RECORD_VERSION) return CC_ECORRUPT;
    out->kind = r[1];
    out->state = r[2];
    out->side = r[3];
    out->posting = r[4];
    out->parent = cc_get_be64(r + 6);
    out->theme = cc_get_be64(r + 14);
    memcpy(out->author.s, r + 22, CC_PSEUDONYM_LEN);
    out->author.s[CC_PSEUDONYM_LEN] = '\0';
    return 0;
}

static void pair_key(uint8_t key[8 + CC_PSEUDONYM_LEN], uint64_t target, const cc_pseudonym *p)
{
    cc_put_be64(key, target);
    memcpy(key + 8, p->s, CC_PSEUDONYM_LEN);
}

int cc_state_vote(MDB_txn *txn, const cc_state *s, uint64_t target, const cc_pseudonym *p,
                  uint8_t *value)
{
    uint8_t key[8 + CC_PSEUDONYM_LEN];
    pair_key(key, target, p);
    MDB_val k = {sizeof key, key}, v;
    int rc = mdb_get(txn, s->votes, &k, &v);
    if (rc == MDB_NOTFOUND) {
        *value = 0;
        return 0;
    }
    if (rc) return cc_from_mdb(rc);
    if (v.mv_size != 1) return CC_ECORRUPT;
    *value = *(const uint8_t *)v.mv_data;
    return 0;
}

int cc_state_has_flag(MDB_txn *txn, const cc_state *s, uint64_t target, const cc_pseudonym *p)
{
    uint8_t key[8 + CC_PSEUDONYM_LEN];
    pair_key(key, target, p);
    MDB_val k = {sizeof key, key}, v;
    int rc = mdb_get(txn, s->flags, &k, &v);
    if (rc == MDB_NOTFOUND) return 0;
    if (rc) return cc_from_mdb(rc);
    return 1;
}

/* Visit every key of db starting with the 8-byte prefix of target. */
static int prefix_scan(MDB_txn *txn, MDB_dbi db, uint64_t target, int del,
                       int (*fn)(const MDB_val *k, const MDB_val *v, void *arg), void *arg)
{
    uint8_t prefix[8];
    cc_put_be64(prefix, target);
    MDB_cursor *c;
    int rc = mdb_cursor_open(txn, db, &c);
    if (rc) return cc_from_mdb(rc);
    MDB_val k = {8, prefix}, v;
    int count = 0;
    rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    while (rc == 0 && k.mv_size >= 8 && memcmp(k.mv_data, prefix, 8) == 0) {
        if (fn && (rc = fn(&k, &v, arg))) break;
        count++;
        if (del) {
            /* Seek again rather than trust the cursor's position after a
             * delete, which LMDB leaves undefined at the end of a page. */
            if ((rc = mdb_cursor_del(c, 0))) break;
            k = (MDB_val){8, prefix};
            rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
        } else {
            rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
        }
    }
    mdb_cursor_close(c);
    if (rc && rc != MDB_NOTFOUND) return cc_from_mdb(rc);
    return count;
}

int cc_state_open_flags(MDB_txn *txn, const cc_state *s, uint64_t target)
{
    return prefix_scan(txn, s->flags, target, 0, NULL, NULL);
}

int cc_state_counter(MDB_txn *txn, const cc_state *s, const char *name, uint64_t *value)
{
    MDB_val k = {strlen(name), (void *)name}, v;
    int rc = mdb_get(txn, s->counters, &k, &v);
    if (rc == MDB_NOTFOUND) {
        *value = 0;
        return 0;
    }
    if (rc) return cc_from_mdb(rc);
    if (v.mv_size != 8) return CC_ECORRUPT;
    *value = cc_get_be64(v.mv_data);
    return 0;
}

static int counter_add(MDB_txn *txn, const cc_state *s, const char *name, int64_t delta)
{
    uint64_t value;
    int rc = cc_state_counter(txn, s, name, &value);
    if (rc) return rc;
    uint8_t buf[8];
    cc_put_be64(buf, value + (uint64_t)delta);
    MDB_val k = {strlen(name), (void *)name}, v = {8, buf};
    return cc_from_mdb(mdb_put(txn, s->counters, &k, &v, 0));
}

typedef struct versions_visit {
    int (*fn)(const uint8_t c[32], void *arg);
    void *arg;
} versions_visit;

static int visit_version(const MDB_val *k, const MDB_val *v, void *arg)
{
    (void)k;
    versions_visit *vv = arg;
    if (v->mv_size != 32) return CC_ECORRUPT;
    return vv->fn(v->mv_data, vv->arg);
}

int cc_state_versions(MDB_txn *txn, const cc_state *s, uint64_t item,
                      int (*fn)(const uint8_t c[32], void *arg), void *arg)
{
    versions_visit vv = {fn, arg};
    int rc = prefix_scan(txn, s->versions, item, 0, visit_version, &vv);
    return rc < 0 ? rc : 0;
}

uint64_t cc_state_body_owner(uint64_t seq, const cc_event *e)
{
    switch (e->type) {
    case CC_EV_CONTRIBUTION_POSTED:
    case CC_EV_ARGUMENT_POSTED:
    case CC_EV_SOURCE_POSTED:
    case CC_EV_COMMENT_POSTED:
        return seq;
    case CC_EV_CONTRIBUTION_EDITED:
        return e->item;
    default:
        return 0;
    }
}

/* ---- apply -------------------------------------------------------------- */

static int add_item(MDB_txn *txn, const cc_state *s, uint64_t seq, cc_item_kind kind,
                    uint64_t parent, uint64_t theme, const cc_event *e)
{
    cc_item it = {.kind = (uint8_t)kind, .parent = parent, .theme = theme, .author = e->by};
    if (e->type == CC_EV_ARGUMENT_POSTED) it.side = e->side;
    if (e->type == CC_EV_SECTION_CREATED) it.posting = e->posting;
    return item_put(txn, s, seq, &it);
}

static int add_version(MDB_txn *txn, const cc_state *s, uint64_t item, uint64_t seq,
                       const uint8_t c[32])
{
    uint8_t key[16];
    cc_put_be64(key, item);
    cc_put_be64(key + 8, seq);
    MDB_val k = {16, key}, v = {32, (void *)c};
    return cc_from_mdb(mdb_put(txn, s->versions, &k, &v, 0));
}

static int set_item_state(MDB_txn *txn, const cc_state *s, uint64_t id, uint8_t state)
{
    cc_item it;
    int rc = cc_state_item(txn, s, id, &it);
    if (rc) return rc;
    it.state = state;
    return item_put(txn, s, id, &it);
}

static int close_flags(MDB_txn *txn, const cc_state *s, uint64_t target)
{
    int rc = prefix_scan(txn, s->flags, target, 1, NULL, NULL);
    return rc < 0 ? rc : 0;
}

static int set_roles(MDB_txn *txn, const cc_state *s, const cc_event *e, int grant)
{
    cc_participant p;
    int rc = participant_get(txn, s, &e->p, &p);
    if (rc) return rc;
    uint8_t bit = e->role == 1 ? CC_ROLE_MODERATOR : CC_ROLE_ADMIN;
    uint8_t before = p.roles;
    p.roles = grant ? (uint8_t)(p.roles | bit) : (uint8_t)(p.roles & ~bit);
    if ((rc = participant_put(txn, s, &e->p, &p))) return rc;
    if (bit == CC_ROLE_ADMIN && before != p.roles)
        return counter_add(txn, s, "admins", grant ? 1 : -1);
    return 0;
}

int cc_state_apply(MDB_txn *txn, const cc_state *s, uint64_t seq, const cc_event *e)
{
    int rc = 0;
    cc_item target;
    switch (e->type) {
    case CC_EV_PARTICIPANT_REGISTERED: {
        cc_participant p = {.status = e->status, .registered = seq};
        return participant_put(txn, s, &e->by, &p);
    }
    case CC_EV_PARTICIPANT_STATUS_CHANGED: {
        cc_participant p;
        if ((rc = participant_get(txn, s, &e->by, &p))) return rc;
        p.status = e->status;
        return participant_put(txn, s, &e->by, &p);
    }
    case CC_EV_PARTICIPANT_ERASED: {
        cc_participant p;
        if ((rc = participant_get(txn, s, &e->p, &p))) return rc;
        if (p.roles & CC_ROLE_ADMIN && (rc = counter_add(txn, s, "admins", -1))) return rc;
        p.erased = 1;
        p.roles = 0;
        return participant_put(txn, s, &e->p, &p);
    }
    case CC_EV_ROLE_GRANTED:
        return set_roles(txn, s, e, 1);
    case CC_EV_ROLE_REVOKED:
        return set_roles(txn, s, e, 0);
    case CC_EV_THEME_CREATED:
        return add_item(txn, s, seq, CC_ITEM_THEME, 0, seq, e);
    case CC_EV_THEME_OPENED:
        return set_item_state(txn, s, e->theme, CC_THEME_OPEN);
    case CC_EV_THEME_CLOSED:
        return set_item_state(txn, s, e->theme, CC_THEME_CLOSED);
    case CC_EV_SECTION_CREATED:
        return add_item(txn, s, seq, CC_ITEM_SECTION, e->theme, e->theme, e);
    case CC_EV_SECTION_UPDATED:
        if ((rc = cc_state_item(txn, s, e->section, &target))) return rc;
        target.posting = e->posting;
        return item_put(txn, s, e->section, &target);
    case CC_EV_CONTRIBUTION_POSTED:
        if ((rc = cc_state_item(txn, s, e->section, &target))) return rc;
        if ((rc = add_item(txn, s, seq, CC_ITEM_CONTRIBUTION, e->section, target.theme, e)))
            return rc;
        return add_version(txn, s, seq, seq, e->commitment);
    case CC_EV_CONTRIBUTION_EDITED:
        return add_version(txn, s, e->item, seq, e->commitment);
    case CC_EV_ARGUMENT_POSTED:
    case CC_EV_SOURCE_POSTED:
    case CC_EV_COMMENT_POSTED: {
        if ((rc = cc_state_item(txn, s, e->item, &target))) return rc;
        cc_item_kind kind = e->type == CC_EV_ARGUMENT_POSTED ? CC_ITEM_ARGUMENT
                            : e->type == CC_EV_SOURCE_POSTED ? CC_ITEM_SOURCE
                                                             : CC_ITEM_COMMENT;
        if ((rc = add_item(txn, s, seq, kind, e->item, target.theme, e))) return rc;
        return add_version(txn, s, seq, seq, e->commitment);
    }
    case CC_EV_VOTE_CAST:
    case CC_EV_VOTE_CHANGED: {
        uint8_t key[8 + CC_PSEUDONYM_LEN];
        pair_key(key, e->item, &e->by);
        MDB_val k = {sizeof key, key}, v = {1, (void *)&e->value};
        return cc_from_mdb(mdb_put(txn, s->votes, &k, &v, 0));
    }
    case CC_EV_VOTE_WITHDRAWN: {
        uint8_t key[8 + CC_PSEUDONYM_LEN];
        pair_key(key, e->item, &e->by);
        MDB_val k = {sizeof key, key};
        return cc_from_mdb(mdb_del(txn, s->votes, &k, NULL));
    }
    case CC_EV_FLAG_RAISED: {
        uint8_t key[8 + CC_PSEUDONYM_LEN], id[8];
        pair_key(key, e->item, &e->by);
        cc_put_be64(id, seq);
        MDB_val k = {sizeof key, key}, v = {8, id};
        return cc_from_mdb(mdb_put(txn, s->flags, &k, &v, 0));
    }
    case CC_EV_FLAG_DISMISSED:
        return close_flags(txn, s, e->item);
    case CC_EV_ITEM_TRASHED:
        if ((rc = set_item_state(txn, s, e->item, CC_TRASHED))) return rc;
        return close_flags(txn, s, e->item);
    case CC_EV_ITEM_REMOVED:
        if ((rc = set_item_state(txn, s, e->item, CC_REMOVED))) return rc;
        return close_flags(txn, s, e->item);
    case CC_EV_ITEM_RESTORED:
        return set_item_state(txn, s, e->item, CC_LIVE);
    case CC_EV_DOCUMENT_PUBLISHED:
        return add_item(txn, s, seq, CC_ITEM_DOCUMENT, 0,
                        cc_event_is_set(e, CC_F_THEME) ? e->theme : 0, e);
    case CC_EV_MEETING_SCHEDULED:
        return add_item(txn, s, seq, CC_ITEM_MEETING, 0,
                        cc_event_is_set(e, CC_F_THEME) ? e->theme : 0, e);
    case CC_EV_CONSULTATION_CONFIGURED:
    case CC_EV_THEME_UPDATED:
    case CC_EV_MEETING_REPORTED:
    case CC_EV_SYNTHESIS_PUBLISHED:
    case CC_EV_RECOMMENDATIONS_PUBLISHED:
    case CC_EV_REPORT_PUBLISHED:
        return 0; /* nothing the decider needs */
    case CC_EV_NONE:
    case CC_EV_COUNT_:
        break;
    }
    return CC_EUNKNOWNTYPE;
}
