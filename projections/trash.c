/* trash.c - the public bin, folded from the log.
 *
 * The charter promises that moderated content is not censored but moved to
 * a bin anyone may read, and the FAQ that illegal content "ne sera plus
 * visible dans la corbeille". So the bin holds one entry per item currently
 * taken down: a trashed item shows its text (the site fetches the body by
 * the commitment kept here), a removed item only a tombstone (its body and
 * nonce were purged from the ledger; the commitment that remains cannot be
 * turned back into text). A restore takes the entry out again.
 *
 * The projection sees only events, never the write-side state or the
 * bodies, so it keeps its own small record of every item that can be
 * moderated (trash_items): kind, theme, parent, author, posting time and
 * the commitment of the current version, which contribution.edited
 * replaces. Sections are recorded too because contribution.posted names
 * only its section, and the bin is listed per theme.
 *
 * An entry is stored twice, under theme 0 (the whole bin) and under the
 * item's theme, with the decision's sequence number inverted in the key so
 * that a forward cursor walks newest first: a page is one range read, never
 * a sort. trash_by_item finds the entry of an item when a later decision
 * moves it (a removal after a trash becomes the newest decision) or drops
 * it (restore). trash_totals keeps the count per theme so a page can say
 * how many there are without counting.
 *
 * Every decision rewrites the entry from the decision's own event: the
 * moderator, time and note shown are those of the latest decision. A
 * tombstone therefore carries the removal's note, never the note of the
 * earlier trash (which might quote what the law ordered removed).
 *
 * Records carry a version byte and are decoded with exact length checks:
 * a views env is rebuildable, so a bad record is reported (CC_ECORRUPT)
 * rather than guessed at, and `concerto replay` repairs it. */
#include "trash.h"

#include "bytes.h"
#include "error.h"

#include <string.h>

#define RECORD_VERSION 1
#define ENTRY_SIZE 149
#define ITEM_SIZE 74
#define KEY_SIZE 16

static void put_pseudonym(uint8_t *p, const cc_pseudonym *who)
{
    memcpy(p, who->s, CC_PSEUDONYM_LEN);
}

static void get_pseudonym(const uint8_t *p, cc_pseudonym *who)
{
    memcpy(who->s, p, CC_PSEUDONYM_LEN);
    who->s[CC_PSEUDONYM_LEN] = '\0';
}

/* ---- item records -------------------------------------------------------- */

typedef struct item_rec {
    uint8_t kind;
    uint64_t theme, parent;
    cc_pseudonym author;
    uint64_t posted_ms;
    uint8_t commitment[32];
} item_rec;

static int item_get(MDB_txn *txn, const cc_trash *tv, uint64_t id, item_rec *out)
{
    uint8_t key[8];
    cc_put_be64(key, id);
    MDB_val k = {8, key}, v;
    int rc = mdb_get(txn, tv->items, &k, &v);
    if (rc == MDB_NOTFOUND) return CC_ENOTFOUND;
    if (rc) return cc_from_mdb(rc);
    const uint8_t *r = v.mv_data;
    if (v.mv_size != ITEM_SIZE || r[0] != RECORD_VERSION) return CC_ECORRUPT;
    out->kind = r[1];
    out->theme = cc_get_be64(r + 2);
    out->parent = cc_get_be64(r + 10);
    get_pseudonym(r + 18, &out->author);
    out->posted_ms = cc_get_be64(r + 34);
    memcpy(out->commitment, r + 42, 32);
    return 0;
}

static int item_put(MDB_txn *txn, const cc_trash *tv, uint64_t id, const item_rec *in)
{
    uint8_t key[8], r[ITEM_SIZE];
    cc_put_be64(key, id);
    r[0] = RECORD_VERSION;
    r[1] = in->kind;
    cc_put_be64(r + 2, in->theme);
    cc_put_be64(r + 10, in->parent);
    put_pseudonym(r + 18, &in->author);
    cc_put_be64(r + 34, in->posted_ms);
    memcpy(r + 42, in->commitment, 32);
    MDB_val k = {8, key}, v = {sizeof r, r};
    return cc_from_mdb(mdb_put(txn, tv->items, &k, &v, 0));
}

/* The parent of a new item must be known and of the right kind; otherwise
 * the log contradicts itself (or this view is damaged). */
static int parent_get(MDB_txn *txn, const cc_trash *tv, uint64_t id, unsigned kinds, item_rec *out)
{
    int rc = item_get(txn, tv, id, out);
    if (rc == CC_ENOTFOUND) return CC_ECORRUPT;
    if (rc) return rc;
    return out->kind < 32 && (kinds >> out->kind) & 1 ? 0 : CC_ECORRUPT;
}

/* ---- entries ------------------------------------------------------------- */

static void entry_key(uint8_t key[KEY_SIZE], uint64_t theme, uint64_t seq)
{
    cc_put_be64(key, theme);
    cc_put_be64(key + 8, ~seq);
}

static void entry_encode(const cc_trash_entry *e, uint8_t r[ENTRY_SIZE])
{
    r[0] = RECORD_VERSION;
    cc_put_be64(r + 1, e->item);
    r[9] = e->kind;
    r[10] = e->removed;
    r[11] = e->reason;
    cc_put_be64(r + 12, e->decision_seq);
    cc_put_be64(r + 20, e->decision_ms);
    put_pseudonym(r + 28, &e->moderator);
    put_pseudonym(r + 44, &e->author);
    cc_put_be64(r + 60, e->theme);
    cc_put_be64(r + 68, e->parent);
    memcpy(r + 76, e->commitment, 32);
    r[108] = e->has_note;
    memcpy(r + 109, e->note, 32);
    cc_put_be64(r + 141, e->posted_ms);
}

static int entry_decode(const MDB_val *v, cc_trash_entry *e)
{
    const uint8_t *r = v->mv_data;
    if (v->mv_size != ENTRY_SIZE || r[0] != RECORD_VERSION || r[10] > 1 || r[108] > 1)
        return CC_ECORRUPT;
    memset(e, 0, sizeof *e);
    e->item = cc_get_be64(r + 1);
    e->kind = r[9];
    e->removed = r[10];
    e->reason = r[11];
    e->decision_seq = cc_get_be64(r + 12);
    e->decision_ms = cc_get_be64(r + 20);
    get_pseudonym(r + 28, &e->moderator);
    get_pseudonym(r + 44, &e->author);
    e->theme = cc_get_be64(r + 60);
    e->parent = cc_get_be64(r + 68);
    memcpy(e->commitment, r + 76, 32);
    e->has_note = r[108];
    memcpy(e->note, r + 109, 32);
    e->posted_ms = cc_get_be64(r + 141);
    return 0;
}

static int total_get(MDB_txn *txn, const cc_trash *tv, uint64_t theme, uint64_t *out)
{
    uint8_t key[8];
    cc_put_be64(key, theme);
    MDB_val k = {8, key}, v;
    int rc = mdb_get(txn, tv->totals, &k, &v);
    if (rc == MDB_NOTFOUND) {
        *out = 0;
        return 0;
    }
    if (rc) return cc_from_mdb(rc);
    if (v.mv_size != 8) return CC_ECORRUPT;
    *out = cc_get_be64(v.mv_data);
    return 0;
}

static int total_add(MDB_txn *txn, const cc_trash *tv, uint64_t theme, int delta)
{
    uint64_t n;
    int rc = total_get(txn, tv, theme, &n);
    if (rc) return rc;
    if (delta < 0 && n == 0) return CC_ECORRUPT; /* dropping an entry never counted */
    n += (uint64_t)(int64_t)delta;
    uint8_t key[8], val[8];
    cc_put_be64(key, theme);
    MDB_val k = {8, key};
    if (n == 0) {
        /* Absent means zero: an emptied theme leaves no trace, so a bin that
         * went through trash and restore equals one that never did. */
        return cc_from_mdb(mdb_del(txn, tv->totals, &k, NULL));
    }
    cc_put_be64(val, n);
    MDB_val v = {8, val};
    return cc_from_mdb(mdb_put(txn, tv->totals, &k, &v, 0));
}

/* Drop item's entry if it has one (both copies, the index, the totals). */
static int entry_drop(MDB_txn *txn, const cc_trash *tv, uint64_t item)
{
    uint8_t ikey[8], key[KEY_SIZE];
    cc_put_be64(ikey, item);
    MDB_val k = {8, ikey}, v;
    int rc = mdb_get(txn, tv->by_item, &k, &v);
    if (rc == MDB_NOTFOUND) return 0;
    if (rc) return cc_from_mdb(rc);
    if (v.mv_size != 16) return CC_ECORRUPT;
    uint64_t seq = cc_get_be64(v.mv_data), theme = cc_get_be64((const uint8_t *)v.mv_data + 8);
    if ((rc = cc_from_mdb(mdb_del(txn, tv->by_item, &k, NULL)))) return rc;
    uint64_t themes[2] = {0, theme};
    for (int i = 0; i < (theme ? 2 : 1); i++) {
        entry_key(key, themes[i], seq);
        MDB_val ek = {KEY_SIZE, key};
        rc = mdb_del(txn, tv->entries, &ek, NULL);
        if (rc == MDB_NOTFOUND) return CC_ECORRUPT; /* index and entries disagree */
        if (rc) return cc_from_mdb(rc);
        if ((rc = total_add(txn, tv, themes[i], -1))) return rc;
    }
    return 0;
}

static int entry_put(MDB_txn *txn, const cc_trash *tv, const cc_trash_entry *e)
{
    uint8_t rec[ENTRY_SIZE], key[KEY_SIZE], ikey[8], ival[16];
    entry_encode(e, rec);
    uint64_t themes[2] = {0, e->theme};
    int rc;
    for (int i = 0; i < (e->theme ? 2 : 1); i++) {
        entry_key(key, themes[i], e->decision_seq);
        MDB_val k = {KEY_SIZE, key}, v = {ENTRY_SIZE, rec};
        if ((rc = cc_from_mdb(mdb_put(txn, tv->entries, &k, &v, 0)))) return rc;
        if ((rc = total_add(txn, tv, themes[i], 1))) return rc;
    }
    cc_put_be64(ikey, e->item);
    cc_put_be64(ival, e->decision_seq);
    cc_put_be64(ival + 8, e->theme);
    MDB_val k = {8, ikey}, v = {16, ival};
    return cc_from_mdb(mdb_put(txn, tv->by_item, &k, &v, 0));
}

/* item.trashed or item.removed: the item's entry now shows this decision. */
static int decide(MDB_txn *txn, const cc_trash *tv, const cc_apply *a, int removed)
{
    const cc_event *ev = a->event;
    item_rec it;
    int rc = item_get(txn, tv, ev->item, &it);
    if (rc == CC_ENOTFOUND) return CC_ECORRUPT; /* moderating an item never posted */
    if (rc) return rc;
    if (it.kind == CC_ITEM_SECTION) return CC_ECORRUPT;
    if ((rc = entry_drop(txn, tv, ev->item))) return rc;
    cc_trash_entry e = {
        .item = ev->item,
        .kind = it.kind,
        .removed = (uint8_t)removed,
        .reason = removed ? ev->ground : ev->reason,
        .decision_seq = a->seq,
        .decision_ms = ev->ts,
        .moderator = ev->by,
        .author = it.author,
        .theme = it.theme,
        .parent = it.parent,
        .posted_ms = it.posted_ms,
    };
    memcpy(e.commitment, it.commitment, 32);
    if (cc_event_is_set(ev, CC_F_COMMITMENT)) {
        e.has_note = 1;
        memcpy(e.note, ev->commitment, 32);
    }
    return entry_put(txn, tv, &e);
}

/* ---- the projection ------------------------------------------------------ */

static int trash_open(MDB_txn *txn, void *state)
{
    cc_trash *tv = state;
    int rc;
    if ((rc = mdb_dbi_open(txn, "trash_entries", MDB_CREATE, &tv->entries)) ||
        (rc = mdb_dbi_open(txn, "trash_by_item", MDB_CREATE, &tv->by_item)) ||
        (rc = mdb_dbi_open(txn, "trash_items", MDB_CREATE, &tv->items)) ||
        (rc = mdb_dbi_open(txn, "trash_totals", MDB_CREATE, &tv->totals)))
        return cc_from_mdb(rc);
    return 0;
}

#define KIND_BIT(k) (1u << (k))

static int trash_apply(void *state, const cc_apply *a)
{
    const cc_trash *tv = state;
    const cc_event *e = a->event;
    MDB_txn *txn = a->txn;
    item_rec parent, it = {0};
    int rc;
    switch (e->type) {
    case CC_EV_SECTION_CREATED:
        it.kind = CC_ITEM_SECTION;
        it.theme = it.parent = e->theme;
        return item_put(txn, tv, a->seq, &it);
    case CC_EV_CONTRIBUTION_POSTED:
        if ((rc = parent_get(txn, tv, e->section, KIND_BIT(CC_ITEM_SECTION), &parent))) return rc;
        it.kind = CC_ITEM_CONTRIBUTION;
        it.parent = e->section;
        break;
    case CC_EV_ARGUMENT_POSTED:
    case CC_EV_SOURCE_POSTED:
    case CC_EV_COMMENT_POSTED: {
        /* Comments also go under sources; the decider checked the rest. */
        unsigned kinds = KIND_BIT(CC_ITEM_CONTRIBUTION);
        if (e->type == CC_EV_COMMENT_POSTED) kinds |= KIND_BIT(CC_ITEM_SOURCE);
        if ((rc = parent_get(txn, tv, e->item, kinds, &parent))) return rc;
        it.kind = e->type == CC_EV_ARGUMENT_POSTED ? CC_ITEM_ARGUMENT
                  : e->type == CC_EV_SOURCE_POSTED ? CC_ITEM_SOURCE
                                                   : CC_ITEM_COMMENT;
        it.parent = e->item;
        break;
    }
    case CC_EV_CONTRIBUTION_EDITED:
        if ((rc = parent_get(txn, tv, e->item, KIND_BIT(CC_ITEM_CONTRIBUTION), &it))) return rc;
        memcpy(it.commitment, e->commitment, 32);
        return item_put(txn, tv, e->item, &it);
    case CC_EV_ITEM_TRASHED:
        return decide(txn, tv, a, 0);
    case CC_EV_ITEM_REMOVED:
        return decide(txn, tv, a, 1);
    case CC_EV_ITEM_RESTORED:
        return entry_drop(txn, tv, e->item);
    default:
        return 0; /* nothing the bin shows */
    }
    /* A new item: remember what its entry would need. */
    it.theme = parent.theme;
    it.author = e->by;
    it.posted_ms = e->ts;
    memcpy(it.commitment, e->commitment, 32);
    return item_put(txn, tv, a->seq, &it);
}

const cc_projection cc_projection_trash = {
    .name = "trash",
    .version = 1,
    .state_size = sizeof(cc_trash),
    .open = trash_open,
    .apply = trash_apply,
};

/* ---- reads --------------------------------------------------------------- */

int cc_trash_list(MDB_txn *txn, const cc_trash *tv, uint64_t theme, uint64_t offset, uint32_t limit,
                  cc_trash_entry *out, uint32_t *count, uint64_t *total)
{
    uint64_t n;
    int rc = total_get(txn, tv, theme, &n);
    if (rc) return rc;
    *count = 0;
    if (total) *total = n;
    if (limit == 0 || offset >= n) return 0;
    uint8_t start[KEY_SIZE];
    cc_put_be64(start, theme);
    memset(start + 8, 0, 8);
    MDB_cursor *c;
    if ((rc = cc_from_mdb(mdb_cursor_open(txn, tv->entries, &c)))) return rc;
    MDB_val k = {KEY_SIZE, start}, v;
    /* LMDB has no positional seek: skipping is a walk, O(offset). The site
     * pages from the newest end, where offsets are small. */
    uint64_t skipped = 0;
    rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    while (rc == 0 && *count < limit) {
        if (k.mv_size != KEY_SIZE) {
            rc = CC_ECORRUPT;
            break;
        }
        if (memcmp(k.mv_data, start, 8) != 0) break; /* next theme */
        if (skipped < offset) {
            skipped++;
        } else {
            if ((rc = entry_decode(&v, &out[*count]))) break;
            (*count)++;
        }
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
    }
    mdb_cursor_close(c);
    if (rc == MDB_NOTFOUND) rc = 0;
    return cc_from_mdb(rc);
}

int cc_trash_get(MDB_txn *txn, const cc_trash *tv, uint64_t item, cc_trash_entry *out)
{
    uint8_t ikey[8], key[KEY_SIZE];
    cc_put_be64(ikey, item);
    MDB_val k = {8, ikey}, v;
    int rc = mdb_get(txn, tv->by_item, &k, &v);
    if (rc == MDB_NOTFOUND) return CC_ENOTFOUND;
    if (rc) return cc_from_mdb(rc);
    if (v.mv_size != 16) return CC_ECORRUPT;
    entry_key(key, 0, cc_get_be64(v.mv_data));
    MDB_val ek = {KEY_SIZE, key};
    rc = mdb_get(txn, tv->entries, &ek, &v);
    if (rc == MDB_NOTFOUND) return CC_ECORRUPT; /* indexed but missing */
    if (rc) return cc_from_mdb(rc);
    if ((rc = entry_decode(&v, out))) return rc;
    return out->item == item ? 0 : CC_ECORRUPT;
}
