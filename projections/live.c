/* live.c - the live view: what the public site shows, as a fold of the log.
 *
 * Every event that changes something visible is folded here into small
 * fixed-layout records (a version byte, big-endian integers, an exact length
 * per kind, read back length-checked) and into index DBIs whose keys are
 * ordered the way the site pages through them. Nothing reads the clock, the
 * vault or the bodies: apply depends on (seq, event) and on what earlier
 * events stored, so the same log prefix gives the same bytes, which
 * test_live and test_views check by comparing a rebuild with an incremental
 * build.
 *
 * Lists. An item belongs to one or two lists, each named by parent ‖ kind ‖
 * side ‖ vis (see live.h). `vis` splits a list into what the public sees
 * (0: live) and what moderators took down (1: trashed or removed), so the
 * default page is one contiguous range of keys and never skips over the
 * bin. Two DBIs hold the entries of every list: live_children in creation
 * order (id), walked forwards for "oldest" and backwards for "recent", and
 * live_rank for the scored orders, the score stored inverted when the order
 * is descending. A request that spans several ranges (both sides of the
 * arguments, or include_moderated) merges them like a merge sort: the key
 * suffixes (score ‖ id) are comparable bytes, so the merged order is the
 * same as if the items had been one range. List sizes are kept in
 * live_counts so a page knows its total without counting.
 *
 * Keeping the indexes right. Every change to an item goes through
 * item_store(before, after): it computes the index keys of both versions of
 * the record, deletes the keys that went away, inserts the new ones and moves
 * the list counts. A vote therefore replaces exactly the rank keys whose
 * score changed; a trash moves every key of the item from vis 0 to vis 1. A
 * key that should exist but does not (or the reverse) is CC_ECORRUPT: the
 * view and the log disagree, and a rebuild is the answer, not a guess.
 *
 * Orders.
 *   votes          agree + mitigated + disagree (+ up for arguments), most
 *                  first.
 *   controversial  how balanced the agree/disagree split is, weighted by how
 *                  many took a side, in integers only so every machine
 *                  computes the same order:
 *                      lo = min(agree, disagree), hi = max(agree, disagree)
 *                      balance = lo * 65536 / hi            (0 when hi == 0)
 *                      score   = (agree + disagree) * balance
 *                  2 agree / 2 disagree scores 4 * 65536 = 262144; 1/1
 *                  131072; 3/1 4 * 21845 = 87380; 3/0 and no votes 0.
 *                  Mitigated votes take no side, so they do not count. The
 *                  score fits in 50 bits.
 *   random         a permutation computed at read time: the items sorted by
 *                  XXH3_64bits_withSeed(id as 8 big-endian bytes, seed),
 *                  then id. The same seed gives the same order (a visitor
 *                  keeps their seed while paging); xxHash carries no
 *                  security weight here, it only shuffles.
 *   order          themes and sections by their "or" field, meetings by
 *                  their date.
 * Ties always go to the smaller id (the older item).
 *
 * Semantics (mirroring core/state.c and core/decide.c).
 *   - Counters count live items: a trash or removal of a live item takes it
 *     out of its parents' counters (section and theme for a contribution,
 *     the contribution for an argument or a source, the contribution or the
 *     source for a comment) and of its author's; a restore puts it back. The item keeps its own
 * counters (votes, arguments) while in the bin.
 *   - A flag opens; a dismissal, trash or removal closes every open flag on
 *     the item at once (as the write side does). The queue holds an item
 *     from its first open flag until they are closed.
 *   - An erased participant keeps their items and their votes; the view
 *     marks them erased and drops roles and organisation name, so the site
 *     shows "anonyme" and nothing that names them.
 *   - theme.opened sets opened_ms and clears the last closure; theme.closed
 *     sets closed_ms and closed_at_size, the log size right after the close
 *     event (seq + 1): the prefix the theme's final numbers are based on. */
#include "live.h"

#include "bytes.h"
#include "error.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define REC_VERSION 1

/* Item record: common part, then a tail that depends on the kind. */
#define ITEM_COMMON 156
#define ITEM_TAIL_THEME 48
#define ITEM_TAIL_FILE 40
#define ITEM_MAX (ITEM_COMMON + ITEM_TAIL_THEME)
#define PARTICIPANT_FIXED 37
#define VERSION_RECORD 41
#define HISTORY_RECORD 10
#define SINGLETON_RECORD 57
#define PUBLICATION_RECORD 49
#define FLAG_RECORD 60
#define DECISION_RECORD 60

#define LIST_PREFIX 11 /* parent ‖ kind ‖ side ‖ vis */
#define CHILD_KEY (LIST_PREFIX + 8)
#define RANK_PREFIX (LIST_PREFIX + 1)
#define RANK_KEY (RANK_PREFIX + 16)
#define PAIR_KEY (8 + CC_PSEUDONYM_LEN)

static const char QUEUE_COUNT[] = "queue";

/* ---- bytes -------------------------------------------------------------- */

/* Sequential writers and readers: each returns the position after what it
 * wrote or read, so an encoder reads like the layout it produces. */
static uint8_t *w8(uint8_t *p, uint8_t v)
{
    *p = v;
    return p + 1;
}

static uint8_t *w32(uint8_t *p, uint32_t v)
{
    cc_put_be32(p, v);
    return p + 4;
}

static uint8_t *w64(uint8_t *p, uint64_t v)
{
    cc_put_be64(p, v);
    return p + 8;
}

static uint8_t *wmem(uint8_t *p, const void *src, size_t n)
{
    memcpy(p, src, n);
    return p + n;
}

static const uint8_t *r8(const uint8_t *p, uint8_t *v)
{
    *v = *p;
    return p + 1;
}

static const uint8_t *r32(const uint8_t *p, uint32_t *v)
{
    *v = cc_get_be32(p);
    return p + 4;
}

static const uint8_t *r64(const uint8_t *p, uint64_t *v)
{
    *v = cc_get_be64(p);
    return p + 8;
}

static const uint8_t *rmem(const uint8_t *p, void *dst, size_t n)
{
    memcpy(dst, p, n);
    return p + n;
}

/* A pseudonym read back from a record must still be one. */
static const uint8_t *rpseudo(const uint8_t *p, cc_pseudonym *out, int *ok)
{
    memcpy(out->s, p, CC_PSEUDONYM_LEN);
    out->s[CC_PSEUDONYM_LEN] = '\0';
    if (!cc_pseudonym_valid(out->s, CC_PSEUDONYM_LEN)) *ok = 0;
    return p + CC_PSEUDONYM_LEN;
}

static void pair_key(uint8_t key[PAIR_KEY], uint64_t target, const cc_pseudonym *p)
{
    cc_put_be64(key, target);
    memcpy(key + 8, p->s, CC_PSEUDONYM_LEN);
}

/* ---- items -------------------------------------------------------------- */

static int is_moderatable(uint8_t kind)
{
    return kind == CC_ITEM_CONTRIBUTION || kind == CC_ITEM_ARGUMENT || kind == CC_ITEM_SOURCE ||
           kind == CC_ITEM_COMMENT;
}

/* Bytes after the common part for a kind; -1 for a kind that does not
 * exist. */
static int item_tail(uint8_t kind)
{
    switch (kind) {
    case CC_ITEM_THEME:
    case CC_ITEM_SECTION:
        return ITEM_TAIL_THEME;
    case CC_ITEM_DOCUMENT:
    case CC_ITEM_MEETING:
        return ITEM_TAIL_FILE;
    case CC_ITEM_CONTRIBUTION:
    case CC_ITEM_ARGUMENT:
    case CC_ITEM_SOURCE:
    case CC_ITEM_COMMENT:
        return 0;
    default:
        return -1;
    }
}

static size_t item_encode(const cc_live_item *it, uint8_t out[ITEM_MAX])
{
    uint8_t *p = out;
    p = w8(p, REC_VERSION);
    p = w8(p, it->kind);
    p = w8(p, it->state);
    p = w8(p, it->side);
    p = w8(p, it->section_kind);
    p = w8(p, it->posting);
    p = w8(p, it->mime);
    p = w8(p, it->has_report);
    p = w64(p, it->parent);
    p = w64(p, it->theme);
    p = w64(p, it->section);
    p = wmem(p, it->author.s, CC_PSEUDONYM_LEN);
    p = w64(p, it->created_ms);
    p = w64(p, it->updated_ms);
    p = w64(p, it->moderated_ms);
    p = wmem(p, it->commitment, 32);
    p = w32(p, it->versions);
    p = w32(p, it->agree);
    p = w32(p, it->mitigated);
    p = w32(p, it->disagree);
    p = w32(p, it->up);
    p = w32(p, it->arguments_for);
    p = w32(p, it->arguments_against);
    p = w32(p, it->sources);
    p = w32(p, it->comments);
    p = w32(p, it->flags_open);
    p = w32(p, it->flags_total);
    p = w32(p, it->contributions);
    p = w32(p, it->decisions);
    switch (item_tail(it->kind)) {
    case ITEM_TAIL_THEME:
        p = w64(p, it->order);
        p = w64(p, it->opens_ms);
        p = w64(p, it->closes_ms);
        p = w64(p, it->opened_ms);
        p = w64(p, it->closed_ms);
        p = w64(p, it->closed_at_size);
        break;
    case ITEM_TAIL_FILE:
        if (it->kind == CC_ITEM_DOCUMENT) {
            p = w64(p, it->file_size);
            p = wmem(p, it->file_hash, 32);
        } else {
            p = w64(p, it->at_ms);
            p = wmem(p, it->report_commitment, 32);
        }
        break;
    default:
        break;
    }
    return (size_t)(p - out);
}

static int item_decode(uint64_t id, const MDB_val *v, cc_live_item *out)
{
    const uint8_t *p = v->mv_data;
    if (v->mv_size < ITEM_COMMON || p[0] != REC_VERSION) return CC_ECORRUPT;
    int tail = item_tail(p[1]);
    if (tail < 0 || v->mv_size != (size_t)ITEM_COMMON + (size_t)tail) return CC_ECORRUPT;
    memset(out, 0, sizeof *out);
    out->id = id;
    int ok = 1;
    uint8_t version;
    p = r8(p, &version);
    p = r8(p, &out->kind);
    p = r8(p, &out->state);
    p = r8(p, &out->side);
    p = r8(p, &out->section_kind);
    p = r8(p, &out->posting);
    p = r8(p, &out->mime);
    p = r8(p, &out->has_report);
    p = r64(p, &out->parent);
    p = r64(p, &out->theme);
    p = r64(p, &out->section);
    p = rpseudo(p, &out->author, &ok);
    p = r64(p, &out->created_ms);
    p = r64(p, &out->updated_ms);
    p = r64(p, &out->moderated_ms);
    p = rmem(p, out->commitment, 32);
    p = r32(p, &out->versions);
    p = r32(p, &out->agree);
    p = r32(p, &out->mitigated);
    p = r32(p, &out->disagree);
    p = r32(p, &out->up);
    p = r32(p, &out->arguments_for);
    p = r32(p, &out->arguments_against);
    p = r32(p, &out->sources);
    p = r32(p, &out->comments);
    p = r32(p, &out->flags_open);
    p = r32(p, &out->flags_total);
    p = r32(p, &out->contributions);
    p = r32(p, &out->decisions);
    if (tail == ITEM_TAIL_THEME) {
        p = r64(p, &out->order);
        p = r64(p, &out->opens_ms);
        p = r64(p, &out->closes_ms);
        p = r64(p, &out->opened_ms);
        p = r64(p, &out->closed_ms);
        p = r64(p, &out->closed_at_size);
    } else if (out->kind == CC_ITEM_DOCUMENT) {
        p = r64(p, &out->file_size);
        p = rmem(p, out->file_hash, 32);
    } else if (out->kind == CC_ITEM_MEETING) {
        p = r64(p, &out->at_ms);
        p = rmem(p, out->report_commitment, 32);
    }
    /* States: themes have three, moderatable items three, the rest one. */
    if (!ok || out->state > 2 || (out->side && out->kind != CC_ITEM_ARGUMENT) || out->side > 2)
        return CC_ECORRUPT;
    return 0;
}

int cc_live_item_get(MDB_txn *txn, const cc_live *lv, uint64_t id, cc_live_item *out)
{
    uint8_t key[8];
    cc_put_be64(key, id);
    MDB_val k = {8, key}, v;
    int rc = mdb_get(txn, lv->items, &k, &v);
    if (rc == MDB_NOTFOUND) return CC_ENOTFOUND;
    if (rc) return cc_from_mdb(rc);
    return item_decode(id, &v, out);
}

static int item_put(MDB_txn *txn, const cc_live *lv, const cc_live_item *it)
{
    uint8_t key[8], rec[ITEM_MAX];
    cc_put_be64(key, it->id);
    MDB_val k = {8, key}, v = {item_encode(it, rec), rec};
    return cc_from_mdb(mdb_put(txn, lv->items, &k, &v, 0));
}

/* ---- index keys --------------------------------------------------------- */

/* Controversy score, see the essay at the top. */
static uint64_t controversy(uint32_t agree, uint32_t disagree)
{
    uint32_t lo = agree < disagree ? agree : disagree;
    uint32_t hi = agree < disagree ? disagree : agree;
    if (hi == 0) return 0;
    uint64_t balance = ((uint64_t)lo << 16) / hi;
    return ((uint64_t)agree + disagree) * balance;
}

static uint8_t item_vis(const cc_live_item *it)
{
    return is_moderatable(it->kind) && it->state != CC_LIVE;
}

static void list_prefix(uint8_t out[LIST_PREFIX], uint64_t parent, uint8_t kind, uint8_t side,
                        uint8_t vis)
{
    cc_put_be64(out, parent);
    out[8] = kind;
    out[9] = side;
    out[10] = vis;
}

/* Every key an item has in live_children and live_rank, and the lists it
 * counts in. At most two lists, each with one child key and two rank keys. */
typedef struct index_keys {
    int nkeys, nlists;
    struct {
        uint8_t rank; /* 0: live_children, 1: live_rank */
        uint8_t len;
        uint8_t k[RANK_KEY];
    } keys[6];
    uint8_t lists[2][LIST_PREFIX];
} index_keys;

static void index_keys_of(const cc_live_item *it, index_keys *out)
{
    out->nkeys = out->nlists = 0;
    if (!it) return;
    uint64_t parents[2];
    int nparents = 0;
    if (it->kind == CC_ITEM_DOCUMENT || it->kind == CC_ITEM_MEETING) {
        parents[nparents++] = 0;
        if (it->theme) parents[nparents++] = it->theme;
    } else if (it->kind == CC_ITEM_THEME) {
        parents[nparents++] = 0;
    } else {
        parents[nparents++] = it->parent;
    }
    uint8_t sorts[2];
    uint64_t scores[2];
    int nsorts = 0;
    switch (it->kind) {
    case CC_ITEM_THEME:
    case CC_ITEM_SECTION:
        sorts[nsorts] = CC_SORT_ORDER;
        scores[nsorts++] = it->order;
        break;
    case CC_ITEM_MEETING:
        sorts[nsorts] = CC_SORT_ORDER;
        scores[nsorts++] = it->at_ms;
        break;
    case CC_ITEM_CONTRIBUTION:
        sorts[nsorts] = CC_SORT_VOTES;
        scores[nsorts++] = ~((uint64_t)it->agree + it->mitigated + it->disagree);
        sorts[nsorts] = CC_SORT_CONTROVERSIAL;
        scores[nsorts++] = ~controversy(it->agree, it->disagree);
        break;
    case CC_ITEM_ARGUMENT:
        sorts[nsorts] = CC_SORT_VOTES;
        scores[nsorts++] = ~(uint64_t)it->up;
        break;
    default:
        break;
    }
    uint8_t vis = item_vis(it);
    for (int i = 0; i < nparents; i++) {
        uint8_t *list = out->lists[out->nlists++];
        list_prefix(list, parents[i], it->kind, it->side, vis);
        uint8_t *k = out->keys[out->nkeys].k;
        memcpy(k, list, LIST_PREFIX);
        cc_put_be64(k + LIST_PREFIX, it->id);
        out->keys[out->nkeys].rank = 0;
        out->keys[out->nkeys++].len = CHILD_KEY;
        for (int s = 0; s < nsorts; s++) {
            k = out->keys[out->nkeys].k;
            memcpy(k, list, LIST_PREFIX);
            k[LIST_PREFIX] = sorts[s];
            cc_put_be64(k + RANK_PREFIX, scores[s]);
            cc_put_be64(k + RANK_PREFIX + 8, it->id);
            out->keys[out->nkeys].rank = 1;
            out->keys[out->nkeys++].len = RANK_KEY;
        }
    }
}

static int has_key(const index_keys *set, int i, const index_keys *other)
{
    for (int j = 0; j < other->nkeys; j++)
        if (other->keys[j].rank == set->keys[i].rank && other->keys[j].len == set->keys[i].len &&
            memcmp(other->keys[j].k, set->keys[i].k, set->keys[i].len) == 0)
            return 1;
    return 0;
}

static int has_list(const uint8_t list[LIST_PREFIX], const index_keys *other)
{
    for (int j = 0; j < other->nlists; j++)
        if (memcmp(other->lists[j], list, LIST_PREFIX) == 0) return 1;
    return 0;
}

/* Add delta to a counter of live_counts; a counter at zero is deleted, so
 * the DBI holds the same keys whatever path led to a state. */
static int count_add(MDB_txn *txn, const cc_live *lv, const void *key, size_t len, int delta)
{
    MDB_val k = {len, (void *)key}, v;
    uint64_t value = 0;
    int rc = mdb_get(txn, lv->counts, &k, &v);
    if (rc == 0) {
        if (v.mv_size != 8) return CC_ECORRUPT;
        value = cc_get_be64(v.mv_data);
    } else if (rc != MDB_NOTFOUND) {
        return cc_from_mdb(rc);
    }
    if (delta < 0 && value < (uint64_t)-delta) return CC_ECORRUPT;
    value += (uint64_t)(int64_t)delta;
    if (value == 0) return rc == 0 ? cc_from_mdb(mdb_del(txn, lv->counts, &k, NULL)) : 0;
    uint8_t buf[8];
    cc_put_be64(buf, value);
    v = (MDB_val){8, buf};
    return cc_from_mdb(mdb_put(txn, lv->counts, &k, &v, 0));
}

static int count_get(MDB_txn *txn, const cc_live *lv, const void *key, size_t len, uint64_t *out)
{
    MDB_val k = {len, (void *)key}, v;
    int rc = mdb_get(txn, lv->counts, &k, &v);
    if (rc == MDB_NOTFOUND) {
        *out = 0;
        return 0;
    }
    if (rc) return cc_from_mdb(rc);
    if (v.mv_size != 8) return CC_ECORRUPT;
    *out = cc_get_be64(v.mv_data);
    return 0;
}

/* Move the index entries of an item from what `before` implies to what
 * `after` implies (either may be NULL): only the keys that differ are
 * touched. */
static int reindex(MDB_txn *txn, const cc_live *lv, const cc_live_item *before,
                   const cc_live_item *after)
{
    index_keys old, now;
    index_keys_of(before, &old);
    index_keys_of(after, &now);
    int rc;
    for (int i = 0; i < old.nkeys; i++) {
        if (has_key(&old, i, &now)) continue;
        MDB_val k = {old.keys[i].len, old.keys[i].k};
        rc = mdb_del(txn, old.keys[i].rank ? lv->rank : lv->children, &k, NULL);
        if (rc == MDB_NOTFOUND) return CC_ECORRUPT;
        if (rc) return cc_from_mdb(rc);
    }
    for (int i = 0; i < now.nkeys; i++) {
        if (has_key(&now, i, &old)) continue;
        MDB_val k = {now.keys[i].len, now.keys[i].k}, v = {0, NULL};
        rc = mdb_put(txn, now.keys[i].rank ? lv->rank : lv->children, &k, &v, MDB_NOOVERWRITE);
        if (rc == MDB_KEYEXIST) return CC_ECORRUPT;
        if (rc) return cc_from_mdb(rc);
    }
    for (int i = 0; i < old.nlists; i++)
        if (!has_list(old.lists[i], &now) &&
            (rc = count_add(txn, lv, old.lists[i], LIST_PREFIX, -1)))
            return rc;
    for (int i = 0; i < now.nlists; i++)
        if (!has_list(now.lists[i], &old) &&
            (rc = count_add(txn, lv, now.lists[i], LIST_PREFIX, 1)))
            return rc;
    return 0;
}

/* The one way an item changes: store the record, move its index entries. */
static int item_store(MDB_txn *txn, const cc_live *lv, const cc_live_item *before,
                      const cc_live_item *after)
{
    int rc = item_put(txn, lv, after);
    return rc ? rc : reindex(txn, lv, before, after);
}

/* ---- participants ------------------------------------------------------- */

static int participant_decode(const cc_pseudonym *p, const MDB_val *v, cc_live_participant *out)
{
    const uint8_t *r = v->mv_data;
    if (v->mv_size < PARTICIPANT_FIXED || r[0] != REC_VERSION) return CC_ECORRUPT;
    size_t org_len = r[4];
    if (org_len > CC_ORG_MAX || v->mv_size != PARTICIPANT_FIXED + org_len) return CC_ECORRUPT;
    memset(out, 0, sizeof *out);
    out->pseudonym = *p;
    uint8_t skip;
    r = r8(r, &skip);
    r = r8(r, &out->status);
    r = r8(r, &out->roles);
    r = r8(r, &out->erased);
    r = r8(r, &skip);
    r = r64(r, &out->registered_ms);
    r = r32(r, &out->contributions);
    r = r32(r, &out->arguments);
    r = r32(r, &out->sources);
    r = r32(r, &out->comments);
    r = r32(r, &out->votes);
    r = r32(r, &out->history);
    memcpy(out->org, r, org_len);
    out->org[org_len] = '\0';
    if (out->status >= CC_STATUS_COUNT_ || out->erased > 1 || memchr(out->org, 0, org_len))
        return CC_ECORRUPT;
    return 0;
}

int cc_live_participant_get(MDB_txn *txn, const cc_live *lv, const cc_pseudonym *p,
                            cc_live_participant *out)
{
    MDB_val k = {CC_PSEUDONYM_LEN, (void *)p->s}, v;
    int rc = mdb_get(txn, lv->participants, &k, &v);
    if (rc == MDB_NOTFOUND) return CC_ENOTFOUND;
    if (rc) return cc_from_mdb(rc);
    return participant_decode(p, &v, out);
}

static int participant_put(MDB_txn *txn, const cc_live *lv, const cc_live_participant *in)
{
    size_t org_len = strnlen(in->org, CC_ORG_MAX + 1);
    if (org_len > CC_ORG_MAX) return CC_EINVAL;
    uint8_t rec[PARTICIPANT_FIXED + CC_ORG_MAX], *p = rec;
    p = w8(p, REC_VERSION);
    p = w8(p, in->status);
    p = w8(p, in->roles);
    p = w8(p, in->erased);
    p = w8(p, (uint8_t)org_len);
    p = w64(p, in->registered_ms);
    p = w32(p, in->contributions);
    p = w32(p, in->arguments);
    p = w32(p, in->sources);
    p = w32(p, in->comments);
    p = w32(p, in->votes);
    p = w32(p, in->history);
    p = wmem(p, in->org, org_len);
    MDB_val k = {CC_PSEUDONYM_LEN, (void *)in->pseudonym.s}, v = {(size_t)(p - rec), rec};
    return cc_from_mdb(mdb_put(txn, lv->participants, &k, &v, 0));
}

/* ---- apply: helpers ----------------------------------------------------- */

typedef struct fold {
    MDB_txn *txn;
    const cc_live *lv;
    uint64_t seq;
    const cc_event *e;
} fold;

/* Add delta to a counter that must stay within 0..UINT32_MAX. */
static int bump(uint32_t *counter, int delta)
{
    if (delta < 0 && *counter < (uint32_t)-delta) return CC_ECORRUPT;
    if (delta > 0 && *counter > UINT32_MAX - (uint32_t)delta) return CC_ECORRUPT;
    *counter = (uint32_t)((int64_t)*counter + delta);
    return 0;
}

/* Count an item in (delta 1) or out of (-1) its parents' counters and its
 * author's, as it becomes live or leaves the public view. */
static int count_live(const fold *f, const cc_live_item *it, int delta)
{
    cc_live_item parent, before;
    int rc;
    if (it->kind == CC_ITEM_CONTRIBUTION) {
        uint64_t ids[2] = {it->section, it->theme};
        for (int i = 0; i < 2; i++) {
            if ((rc = cc_live_item_get(f->txn, f->lv, ids[i], &parent))) return rc;
            before = parent;
            if ((rc = bump(&parent.contributions, delta)) ||
                (rc = item_store(f->txn, f->lv, &before, &parent)))
                return rc;
        }
    } else if (is_moderatable(it->kind)) {
        if ((rc = cc_live_item_get(f->txn, f->lv, it->parent, &parent))) return rc;
        before = parent;
        uint32_t *counter = it->kind == CC_ITEM_SOURCE    ? &parent.sources
                            : it->kind == CC_ITEM_COMMENT ? &parent.comments
                            : it->side == CC_SIDE_FOR     ? &parent.arguments_for
                                                          : &parent.arguments_against;
        if ((rc = bump(counter, delta)) || (rc = item_store(f->txn, f->lv, &before, &parent)))
            return rc;
    } else {
        return 0;
    }
    cc_live_participant author;
    if ((rc = cc_live_participant_get(f->txn, f->lv, &it->author, &author))) return rc;
    uint32_t *counter = it->kind == CC_ITEM_CONTRIBUTION ? &author.contributions
                        : it->kind == CC_ITEM_ARGUMENT   ? &author.arguments
                        : it->kind == CC_ITEM_SOURCE     ? &author.sources
                                                         : &author.comments;
    if ((rc = bump(counter, delta))) return rc;
    return participant_put(f->txn, f->lv, &author);
}

/* Record that the event's author did something to item. */
static int history_add(const fold *f, uint64_t item)
{
    cc_live_participant p;
    int rc = cc_live_participant_get(f->txn, f->lv, &f->e->by, &p);
    if (rc) return rc;
    if ((rc = bump(&p.history, 1)) || (rc = participant_put(f->txn, f->lv, &p))) return rc;
    uint8_t key[CC_PSEUDONYM_LEN + 8], rec[HISTORY_RECORD];
    memcpy(key, f->e->by.s, CC_PSEUDONYM_LEN);
    cc_put_be64(key + CC_PSEUDONYM_LEN, f->seq);
    rec[0] = REC_VERSION;
    rec[1] = (uint8_t)f->e->type;
    cc_put_be64(rec + 2, item);
    MDB_val k = {sizeof key, key}, v = {sizeof rec, rec};
    return cc_from_mdb(mdb_put(f->txn, f->lv->history, &k, &v, 0));
}

static int version_add(const fold *f, uint64_t contribution)
{
    uint8_t key[16], rec[VERSION_RECORD], *p = rec;
    cc_put_be64(key, contribution);
    cc_put_be64(key + 8, f->seq);
    p = w8(p, REC_VERSION);
    p = w64(p, f->e->ts);
    wmem(p, f->e->commitment, 32);
    MDB_val k = {16, key}, v = {sizeof rec, rec};
    return cc_from_mdb(mdb_put(f->txn, f->lv->versions, &k, &v, 0));
}

/* A new item from a creating event: id = seq, author and times from it. */
static void item_new(const fold *f, cc_live_item *it, uint8_t kind)
{
    memset(it, 0, sizeof *it);
    it->id = f->seq;
    it->kind = kind;
    it->author = f->e->by;
    it->created_ms = it->updated_ms = f->e->ts;
    if (cc_event_is_set(f->e, CC_F_COMMITMENT)) memcpy(it->commitment, f->e->commitment, 32);
}

/* ---- apply: by event ---------------------------------------------------- */

static int apply_participant(const fold *f)
{
    const cc_event *e = f->e;
    cc_live_participant p;
    int rc;
    switch (e->type) {
    case CC_EV_PARTICIPANT_REGISTERED:
        memset(&p, 0, sizeof p);
        p.pseudonym = e->by;
        p.status = e->status;
        p.registered_ms = e->ts;
        if (cc_event_is_set(e, CC_F_ORG)) memcpy(p.org, e->org, e->org_len);
        return participant_put(f->txn, f->lv, &p);
    case CC_EV_PARTICIPANT_STATUS_CHANGED:
        if ((rc = cc_live_participant_get(f->txn, f->lv, &e->by, &p))) return rc;
        p.status = e->status;
        memset(p.org, 0, sizeof p.org);
        if (cc_event_is_set(e, CC_F_ORG)) memcpy(p.org, e->org, e->org_len);
        return participant_put(f->txn, f->lv, &p);
    case CC_EV_PARTICIPANT_ERASED:
        if ((rc = cc_live_participant_get(f->txn, f->lv, &e->p, &p))) return rc;
        p.erased = 1;
        p.roles = 0;
        memset(p.org, 0, sizeof p.org);
        return participant_put(f->txn, f->lv, &p);
    default: { /* role granted or revoked; the same mapping as core/state.c */
        if ((rc = cc_live_participant_get(f->txn, f->lv, &e->p, &p))) return rc;
        uint8_t bit = e->role == 1 ? CC_ROLE_MODERATOR : CC_ROLE_ADMIN;
        p.roles =
            e->type == CC_EV_ROLE_GRANTED ? (uint8_t)(p.roles | bit) : (uint8_t)(p.roles & ~bit);
        return participant_put(f->txn, f->lv, &p);
    }
    }
}

static int apply_setup(const fold *f)
{
    const cc_event *e = f->e;
    cc_live_item it, before;
    int rc;
    switch (e->type) {
    case CC_EV_THEME_CREATED:
        item_new(f, &it, CC_ITEM_THEME);
        it.theme = f->seq;
        it.state = CC_THEME_DRAFT;
        it.order = e->order;
        it.opens_ms = e->opens;
        it.closes_ms = e->closes;
        return item_store(f->txn, f->lv, NULL, &it);
    case CC_EV_SECTION_CREATED:
        if ((rc = cc_live_item_get(f->txn, f->lv, e->theme, &before))) return rc;
        if (before.kind != CC_ITEM_THEME) return CC_ECORRUPT;
        item_new(f, &it, CC_ITEM_SECTION);
        it.parent = it.theme = e->theme;
        it.section_kind = e->kind;
        it.posting = e->posting;
        it.order = e->order;
        return item_store(f->txn, f->lv, NULL, &it);
    case CC_EV_THEME_UPDATED:
    case CC_EV_THEME_OPENED:
    case CC_EV_THEME_CLOSED:
        if ((rc = cc_live_item_get(f->txn, f->lv, e->theme, &before))) return rc;
        if (before.kind != CC_ITEM_THEME) return CC_ECORRUPT;
        it = before;
        if (e->type == CC_EV_THEME_UPDATED) {
            it.order = e->order;
            it.opens_ms = e->opens;
            it.closes_ms = e->closes;
            memcpy(it.commitment, e->commitment, 32);
            it.updated_ms = e->ts;
        } else if (e->type == CC_EV_THEME_OPENED) {
            it.state = CC_THEME_OPEN;
            it.opened_ms = e->ts;
            it.closed_ms = it.closed_at_size = 0;
        } else {
            it.state = CC_THEME_CLOSED;
            it.closed_ms = e->ts;
            it.closed_at_size = f->seq + 1;
        }
        return item_store(f->txn, f->lv, &before, &it);
    default: /* section updated */
        if ((rc = cc_live_item_get(f->txn, f->lv, e->section, &before))) return rc;
        if (before.kind != CC_ITEM_SECTION) return CC_ECORRUPT;
        it = before;
        it.section_kind = e->kind;
        it.posting = e->posting;
        it.order = e->order;
        memcpy(it.commitment, e->commitment, 32);
        it.updated_ms = e->ts;
        return item_store(f->txn, f->lv, &before, &it);
    }
}

static int apply_post(const fold *f)
{
    const cc_event *e = f->e;
    cc_live_item it, parent;
    int rc;
    if (e->type == CC_EV_CONTRIBUTION_POSTED) {
        if ((rc = cc_live_item_get(f->txn, f->lv, e->section, &parent))) return rc;
        if (parent.kind != CC_ITEM_SECTION) return CC_ECORRUPT;
        item_new(f, &it, CC_ITEM_CONTRIBUTION);
        it.parent = it.section = e->section;
        it.theme = parent.theme;
        it.versions = 1;
        if ((rc = version_add(f, f->seq))) return rc;
    } else {
        if ((rc = cc_live_item_get(f->txn, f->lv, e->item, &parent))) return rc;
        if (parent.kind != CC_ITEM_CONTRIBUTION && parent.kind != CC_ITEM_SOURCE)
            return CC_ECORRUPT;
        uint8_t kind = e->type == CC_EV_ARGUMENT_POSTED ? CC_ITEM_ARGUMENT
                       : e->type == CC_EV_SOURCE_POSTED ? CC_ITEM_SOURCE
                                                        : CC_ITEM_COMMENT;
        item_new(f, &it, kind);
        it.parent = e->item;
        it.theme = parent.theme;
        it.section = parent.section;
        if (kind == CC_ITEM_ARGUMENT) {
            if (e->side != CC_SIDE_FOR && e->side != CC_SIDE_AGAINST) return CC_ECORRUPT;
            it.side = e->side;
        }
    }
    if ((rc = item_store(f->txn, f->lv, NULL, &it)) || (rc = count_live(f, &it, 1))) return rc;
    return history_add(f, f->seq);
}

static int apply_edit(const fold *f)
{
    cc_live_item it, before;
    int rc = cc_live_item_get(f->txn, f->lv, f->e->item, &before);
    if (rc) return rc;
    if (before.kind != CC_ITEM_CONTRIBUTION) return CC_ECORRUPT;
    it = before;
    if ((rc = bump(&it.versions, 1))) return rc;
    memcpy(it.commitment, f->e->commitment, 32);
    it.updated_ms = f->e->ts;
    if ((rc = version_add(f, it.id)) || (rc = item_store(f->txn, f->lv, &before, &it))) return rc;
    return history_add(f, it.id);
}

static uint32_t *vote_counter(cc_live_item *it, uint8_t value)
{
    switch (value) {
    case CC_VOTE_AGREE:
        return &it->agree;
    case CC_VOTE_MITIGATED:
        return &it->mitigated;
    case CC_VOTE_DISAGREE:
        return &it->disagree;
    case CC_VOTE_UP:
        return &it->up;
    default:
        return NULL;
    }
}

/* Cast, changed and withdrawn are all "the vote goes from old to new" (0:
 * none): the counters and the voter's count follow from the two values. */
static int apply_vote(const fold *f)
{
    const cc_event *e = f->e;
    cc_live_item it, before;
    int rc = cc_live_item_get(f->txn, f->lv, e->item, &before);
    if (rc) return rc;
    uint8_t old, now = e->type == CC_EV_VOTE_WITHDRAWN ? 0 : e->value;
    if ((rc = cc_live_vote_of(f->txn, f->lv, e->item, &e->by, &old))) return rc;
    it = before;
    uint32_t *counter;
    if (old && (!(counter = vote_counter(&it, old)) || (rc = bump(counter, -1))))
        return CC_ECORRUPT;
    if (now && (!(counter = vote_counter(&it, now)) || (rc = bump(counter, 1)))) return CC_ECORRUPT;
    uint8_t key[PAIR_KEY];
    pair_key(key, e->item, &e->by);
    MDB_val k = {sizeof key, key}, v = {1, &now};
    rc = now ? mdb_put(f->txn, f->lv->votes, &k, &v, 0) : mdb_del(f->txn, f->lv->votes, &k, NULL);
    if (rc == MDB_NOTFOUND) return CC_ECORRUPT;
    if (rc) return cc_from_mdb(rc);
    if (!old != !now) {
        cc_live_participant p;
        if ((rc = cc_live_participant_get(f->txn, f->lv, &e->by, &p)) ||
            (rc = bump(&p.votes, now ? 1 : -1)) || (rc = participant_put(f->txn, f->lv, &p)))
            return rc;
    }
    if ((rc = item_store(f->txn, f->lv, &before, &it))) return rc;
    return history_add(f, e->item);
}

static int apply_flag(const fold *f)
{
    const cc_event *e = f->e;
    cc_live_item it, before;
    int rc = cc_live_item_get(f->txn, f->lv, e->item, &before);
    if (rc) return rc;
    it = before;
    uint8_t key[16], rec[FLAG_RECORD], *p = rec;
    cc_put_be64(key, e->item);
    cc_put_be64(key + 8, f->seq);
    int details = cc_event_is_set(e, CC_F_COMMITMENT);
    p = w8(p, REC_VERSION);
    p = wmem(p, e->by.s, CC_PSEUDONYM_LEN);
    p = w8(p, e->reason);
    p = w64(p, e->ts);
    p = w8(p, (uint8_t)details);
    if (details)
        memcpy(p, e->commitment, 32);
    else
        memset(p, 0, 32);
    w8(p + 32, 1); /* open */
    MDB_val k = {16, key}, v = {sizeof rec, rec};
    if ((rc = cc_from_mdb(mdb_put(f->txn, f->lv->flags, &k, &v, MDB_NOOVERWRITE)))) return rc;
    if (it.flags_open == 0) {
        /* The item enters the queue at its first open flag. */
        MDB_val q = {16, key}, empty = {0, NULL};
        cc_put_be64(key, f->seq);
        cc_put_be64(key + 8, e->item);
        if ((rc = cc_from_mdb(mdb_put(f->txn, f->lv->queue, &q, &empty, 0))) ||
            (rc = count_add(f->txn, f->lv, QUEUE_COUNT, sizeof QUEUE_COUNT - 1, 1)))
            return rc;
    }
    if ((rc = bump(&it.flags_open, 1)) || (rc = bump(&it.flags_total, 1)) ||
        (rc = item_store(f->txn, f->lv, &before, &it)))
        return rc;
    return history_add(f, e->item);
}

/* Close every open flag on it and take it out of the queue. */
static int close_flags(const fold *f, cc_live_item *it)
{
    if (it->flags_open == 0) return 0;
    uint8_t prefix[8];
    cc_put_be64(prefix, it->id);
    MDB_cursor *c;
    int rc = cc_from_mdb(mdb_cursor_open(f->txn, f->lv->flags, &c));
    if (rc) return rc;
    MDB_val k = {8, prefix}, v;
    uint64_t first = 0;
    uint32_t closed = 0;
    int mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    while (mrc == 0 && k.mv_size == 16 && memcmp(k.mv_data, prefix, 8) == 0) {
        if (v.mv_size != FLAG_RECORD || ((const uint8_t *)v.mv_data)[0] != REC_VERSION) {
            rc = CC_ECORRUPT;
            break;
        }
        if (((const uint8_t *)v.mv_data)[FLAG_RECORD - 1]) {
            if (!closed++) first = cc_get_be64((const uint8_t *)k.mv_data + 8);
            uint8_t rec[FLAG_RECORD];
            memcpy(rec, v.mv_data, FLAG_RECORD);
            rec[FLAG_RECORD - 1] = 0;
            MDB_val nv = {FLAG_RECORD, rec};
            if ((rc = cc_from_mdb(mdb_cursor_put(c, &k, &nv, MDB_CURRENT)))) break;
        }
        mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
    }
    mdb_cursor_close(c);
    if (rc) return rc;
    if (mrc && mrc != MDB_NOTFOUND) return cc_from_mdb(mrc);
    if (closed != it->flags_open) return CC_ECORRUPT;
    uint8_t key[16];
    cc_put_be64(key, first);
    cc_put_be64(key + 8, it->id);
    MDB_val q = {16, key};
    rc = mdb_del(f->txn, f->lv->queue, &q, NULL);
    if (rc == MDB_NOTFOUND) return CC_ECORRUPT;
    if (rc) return cc_from_mdb(rc);
    it->flags_open = 0;
    return count_add(f->txn, f->lv, QUEUE_COUNT, sizeof QUEUE_COUNT - 1, -1);
}

static int apply_moderation(const fold *f)
{
    const cc_event *e = f->e;
    cc_live_item it, before;
    int rc = cc_live_item_get(f->txn, f->lv, e->item, &before);
    if (rc) return rc;
    if (!is_moderatable(before.kind)) return CC_ECORRUPT;
    it = before;
    uint8_t reason = 0;
    switch (e->type) {
    case CC_EV_FLAG_DISMISSED:
        rc = close_flags(f, &it);
        break;
    case CC_EV_ITEM_TRASHED:
    case CC_EV_ITEM_REMOVED:
        reason = e->type == CC_EV_ITEM_TRASHED ? e->reason : e->ground;
        if (before.state == CC_LIVE) rc = count_live(f, &before, -1);
        it.state = e->type == CC_EV_ITEM_TRASHED ? CC_TRASHED : CC_REMOVED;
        it.moderated_ms = e->ts;
        if (!rc) rc = close_flags(f, &it);
        break;
    default: /* restored */
        if (before.state == CC_TRASHED) rc = count_live(f, &before, 1);
        it.state = CC_LIVE;
        it.moderated_ms = e->ts;
        break;
    }
    if (rc || (rc = bump(&it.decisions, 1)) || (rc = item_store(f->txn, f->lv, &before, &it)))
        return rc;
    uint8_t key[16], rec[DECISION_RECORD], *p = rec;
    cc_put_be64(key, e->item);
    cc_put_be64(key + 8, f->seq);
    int note = cc_event_is_set(e, CC_F_COMMITMENT);
    p = w8(p, REC_VERSION);
    p = w8(p, (uint8_t)e->type);
    p = wmem(p, e->by.s, CC_PSEUDONYM_LEN);
    p = w8(p, reason);
    p = w64(p, e->ts);
    p = w8(p, (uint8_t)note);
    if (note)
        memcpy(p, e->commitment, 32);
    else
        memset(p, 0, 32);
    MDB_val k = {16, key}, v = {sizeof rec, rec};
    return cc_from_mdb(mdb_put(f->txn, f->lv->decisions, &k, &v, 0));
}

static int apply_document(const fold *f)
{
    const cc_event *e = f->e;
    cc_live_item it, before;
    int rc;
    if (e->type == CC_EV_MEETING_REPORTED) {
        if ((rc = cc_live_item_get(f->txn, f->lv, e->item, &before))) return rc;
        if (before.kind != CC_ITEM_MEETING) return CC_ECORRUPT;
        it = before;
        it.has_report = 1;
        memcpy(it.report_commitment, e->commitment, 32);
        it.updated_ms = e->ts;
        return item_store(f->txn, f->lv, &before, &it);
    }
    int doc = e->type == CC_EV_DOCUMENT_PUBLISHED;
    item_new(f, &it, doc ? CC_ITEM_DOCUMENT : CC_ITEM_MEETING);
    if (cc_event_is_set(e, CC_F_THEME)) it.theme = e->theme;
    if (doc) {
        it.mime = e->mime;
        it.file_size = e->file_size;
        memcpy(it.file_hash, e->file_hash, 32);
    } else {
        it.at_ms = e->at;
    }
    return item_store(f->txn, f->lv, NULL, &it);
}

static void text_record(const fold *f, uint8_t *p, int with_seq)
{
    p = w8(p, REC_VERSION);
    if (with_seq) p = w64(p, f->seq);
    p = w64(p, f->e->ts);
    p = w64(p, cc_event_is_set(f->e, CC_F_LOG_SIZE) ? f->e->log_size : 0);
    wmem(p, f->e->commitment, 32);
}

static int apply_text(const fold *f)
{
    const cc_event *e = f->e;
    if (e->type == CC_EV_SYNTHESIS_PUBLISHED || e->type == CC_EV_RECOMMENDATIONS_PUBLISHED) {
        uint8_t key[17], rec[PUBLICATION_RECORD];
        cc_put_be64(key, e->theme);
        key[8] = (uint8_t)e->type;
        cc_put_be64(key + 9, f->seq);
        text_record(f, rec, 0);
        MDB_val k = {sizeof key, key}, v = {sizeof rec, rec};
        return cc_from_mdb(mdb_put(f->txn, f->lv->publications, &k, &v, 0));
    }
    const char *name = e->type == CC_EV_REPORT_PUBLISHED ? "report" : "consultation";
    uint8_t rec[SINGLETON_RECORD];
    text_record(f, rec, 1);
    MDB_val k = {strlen(name), (void *)name}, v = {sizeof rec, rec};
    return cc_from_mdb(mdb_put(f->txn, f->lv->singletons, &k, &v, 0));
}

static int apply_event(const fold *f)
{
    switch (f->e->type) {
    case CC_EV_PARTICIPANT_REGISTERED:
    case CC_EV_PARTICIPANT_STATUS_CHANGED:
    case CC_EV_PARTICIPANT_ERASED:
    case CC_EV_ROLE_GRANTED:
    case CC_EV_ROLE_REVOKED:
        return apply_participant(f);
    case CC_EV_THEME_CREATED:
    case CC_EV_THEME_UPDATED:
    case CC_EV_THEME_OPENED:
    case CC_EV_THEME_CLOSED:
    case CC_EV_SECTION_CREATED:
    case CC_EV_SECTION_UPDATED:
        return apply_setup(f);
    case CC_EV_CONTRIBUTION_POSTED:
    case CC_EV_ARGUMENT_POSTED:
    case CC_EV_SOURCE_POSTED:
    case CC_EV_COMMENT_POSTED:
        return apply_post(f);
    case CC_EV_CONTRIBUTION_EDITED:
        return apply_edit(f);
    case CC_EV_VOTE_CAST:
    case CC_EV_VOTE_CHANGED:
    case CC_EV_VOTE_WITHDRAWN:
        return apply_vote(f);
    case CC_EV_FLAG_RAISED:
        return apply_flag(f);
    case CC_EV_FLAG_DISMISSED:
    case CC_EV_ITEM_TRASHED:
    case CC_EV_ITEM_REMOVED:
    case CC_EV_ITEM_RESTORED:
        return apply_moderation(f);
    case CC_EV_DOCUMENT_PUBLISHED:
    case CC_EV_MEETING_SCHEDULED:
    case CC_EV_MEETING_REPORTED:
        return apply_document(f);
    case CC_EV_CONSULTATION_CONFIGURED:
    case CC_EV_SYNTHESIS_PUBLISHED:
    case CC_EV_RECOMMENDATIONS_PUBLISHED:
    case CC_EV_REPORT_PUBLISHED:
        return apply_text(f);
    case CC_EV_NONE:
    case CC_EV_COUNT_:
        break;
    }
    return CC_EUNKNOWNTYPE;
}

static int live_apply(void *state, const cc_apply *a)
{
    fold f = {a->txn, state, a->seq, a->event};
    int rc = apply_event(&f);
    /* The log names an item or participant the view does not have: the view
     * is not the fold of this log. */
    return rc == CC_ENOTFOUND ? CC_ECORRUPT : rc;
}

static int live_open(MDB_txn *txn, void *state)
{
    cc_live *lv = state;
    static const struct {
        const char *name;
        size_t offset;
    } dbis[] = {
        {"live_items", offsetof(cc_live, items)},
        {"live_children", offsetof(cc_live, children)},
        {"live_rank", offsetof(cc_live, rank)},
        {"live_counts", offsetof(cc_live, counts)},
        {"live_versions", offsetof(cc_live, versions)},
        {"live_votes", offsetof(cc_live, votes)},
        {"live_participants", offsetof(cc_live, participants)},
        {"live_history", offsetof(cc_live, history)},
        {"live_singletons", offsetof(cc_live, singletons)},
        {"live_publications", offsetof(cc_live, publications)},
        {"live_flags", offsetof(cc_live, flags)},
        {"live_queue", offsetof(cc_live, queue)},
        {"live_decisions", offsetof(cc_live, decisions)},
    };
    for (size_t i = 0; i < sizeof dbis / sizeof dbis[0]; i++) {
        MDB_dbi *dbi = (MDB_dbi *)((char *)lv + dbis[i].offset);
        int rc = mdb_dbi_open(txn, dbis[i].name, MDB_CREATE, dbi);
        if (rc) return cc_from_mdb(rc);
    }
    return 0;
}

const cc_projection cc_projection_live = {
    .name = "live",
    .version = 1,
    .state_size = sizeof(cc_live),
    .open = live_open,
    .apply = live_apply,
};

/* ---- reading: ranges of keys -------------------------------------------- */

/* A cursor walking the keys that start with a prefix, forwards or
 * backwards. Every key of a range has the same length (klen); a key of
 * another length is CC_ECORRUPT. */
typedef struct range {
    MDB_cursor *c;
    uint8_t prefix[RANK_KEY];
    size_t plen, klen;
    int reverse, live;
    MDB_val k, v;
} range;

static int range_check(range *r, int rc)
{
    r->live = 0;
    if (rc == MDB_NOTFOUND) return 0;
    if (rc) return cc_from_mdb(rc);
    if (r->k.mv_size < r->plen || memcmp(r->k.mv_data, r->prefix, r->plen) != 0) return 0;
    if (r->k.mv_size != r->klen) return CC_ECORRUPT;
    r->live = 1;
    return 0;
}

static int range_open(range *r, MDB_txn *txn, MDB_dbi dbi, const uint8_t *prefix, size_t plen,
                      size_t klen, int reverse)
{
    memset(r, 0, sizeof *r);
    if (plen) memcpy(r->prefix, prefix, plen);
    r->plen = plen;
    r->klen = klen;
    r->reverse = reverse;
    int rc = mdb_cursor_open(txn, dbi, &r->c);
    if (rc) {
        r->c = NULL;
        return cc_from_mdb(rc);
    }
    if (!reverse) {
        /* LMDB refuses an empty key: a range without prefix starts first. */
        r->k = (MDB_val){plen, r->prefix};
        return range_check(r, mdb_cursor_get(r->c, &r->k, &r->v, plen ? MDB_SET_RANGE : MDB_FIRST));
    }
    /* Backwards: every key of the range is <= prefix ‖ FF...FF. */
    uint8_t hi[RANK_KEY];
    memcpy(hi, r->prefix, plen);
    memset(hi + plen, 0xFF, klen - plen);
    r->k = (MDB_val){klen, hi};
    rc = mdb_cursor_get(r->c, &r->k, &r->v, MDB_SET_RANGE);
    if (rc == MDB_NOTFOUND)
        rc = mdb_cursor_get(r->c, &r->k, &r->v, MDB_LAST);
    else if (rc == 0 && (r->k.mv_size != klen || memcmp(r->k.mv_data, hi, klen) != 0))
        rc = mdb_cursor_get(r->c, &r->k, &r->v, MDB_PREV);
    return range_check(r, rc);
}

static int range_next(range *r)
{
    return range_check(r, mdb_cursor_get(r->c, &r->k, &r->v, r->reverse ? MDB_PREV : MDB_NEXT));
}

static void range_close(range *r)
{
    if (r->c) mdb_cursor_close(r->c);
    r->c = NULL;
}

typedef int (*visit_fn)(const MDB_val *k, const MDB_val *v, uint32_t i, void *arg);

/* Page through one range: skip page.offset entries, visit up to limit. */
static int range_page(MDB_txn *txn, MDB_dbi dbi, const uint8_t *prefix, size_t plen, size_t klen,
                      int reverse, cc_page page, visit_fn fn, void *arg, uint32_t *count)
{
    uint32_t limit = page.limit < CC_PAGE_MAX ? page.limit : CC_PAGE_MAX;
    *count = 0;
    range r;
    int rc = range_open(&r, txn, dbi, prefix, plen, klen, reverse);
    for (uint64_t skipped = 0; !rc && r.live && skipped < page.offset; skipped++)
        rc = range_next(&r);
    while (!rc && r.live && *count < limit) {
        if ((rc = fn(&r.k, &r.v, *count, arg))) break;
        (*count)++;
        rc = range_next(&r);
    }
    range_close(&r);
    return rc;
}

/* ---- reading: lists ----------------------------------------------------- */

typedef struct shuffled {
    uint64_t hash, id;
} shuffled;

static int shuffled_cmp(const void *a, const void *b)
{
    const shuffled *x = a, *y = b;
    if (x->hash != y->hash) return x->hash < y->hash ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int list_random(MDB_txn *txn, const cc_live *lv, uint8_t lists[][LIST_PREFIX], int nlists,
                       uint64_t total, uint64_t seed, cc_page page, uint32_t limit, uint64_t *ids,
                       uint32_t *count)
{
    if (total == 0 || page.offset >= total || limit == 0) return 0;
    if (total > SIZE_MAX / sizeof(shuffled)) return CC_ENOMEM;
    shuffled *all = malloc((size_t)total * sizeof *all);
    if (!all) return CC_ENOMEM;
    uint64_t n = 0;
    int rc = 0;
    for (int i = 0; i < nlists && !rc; i++) {
        range r;
        rc = range_open(&r, txn, lv->children, lists[i], LIST_PREFIX, CHILD_KEY, 0);
        while (!rc && r.live) {
            if (n == total) {
                rc = CC_ECORRUPT; /* more entries than the list's count */
                break;
            }
            /* Hash the id as stored (big-endian) so the order does not
             * depend on the machine's byte order. */
            const uint8_t *id = (const uint8_t *)r.k.mv_data + LIST_PREFIX;
            all[n].id = cc_get_be64(id);
            all[n++].hash = XXH3_64bits_withSeed(id, 8, seed);
            rc = range_next(&r);
        }
        range_close(&r);
    }
    if (!rc && n != total) rc = CC_ECORRUPT;
    if (!rc) {
        qsort(all, (size_t)n, sizeof *all, shuffled_cmp);
        for (uint64_t i = page.offset; i < n && *count < limit; i++)
            ids[(*count)++] = all[i].id;
    }
    free(all);
    return rc;
}

int cc_live_list(MDB_txn *txn, const cc_live *lv, uint64_t parent, uint8_t kind, uint8_t side,
                 cc_sort sort, uint64_t seed, int include_moderated, cc_page page, uint64_t *ids,
                 uint32_t *count, uint64_t *total)
{
    *count = 0;
    *total = 0;
    if (item_tail(kind) < 0 || side > CC_SIDE_AGAINST || (side && kind != CC_ITEM_ARGUMENT) ||
        sort < CC_SORT_RECENT || sort > CC_SORT_ORDER)
        return CC_EINVAL;
    uint32_t limit = page.limit < CC_PAGE_MAX ? page.limit : CC_PAGE_MAX;

    /* Which index answers, and in which direction. */
    int use_rank = 1, reverse = 0;
    uint8_t rank_sort = (uint8_t)sort;
    if (kind == CC_ITEM_THEME || kind == CC_ITEM_SECTION) {
        rank_sort = CC_SORT_ORDER;
    } else {
        switch (sort) {
        case CC_SORT_RECENT:
        case CC_SORT_OLDEST:
        case CC_SORT_RANDOM:
            use_rank = 0;
            reverse = sort == CC_SORT_RECENT;
            break;
        case CC_SORT_VOTES:
            if (kind != CC_ITEM_CONTRIBUTION && kind != CC_ITEM_ARGUMENT) return CC_EINVAL;
            break;
        case CC_SORT_CONTROVERSIAL:
            if (kind != CC_ITEM_CONTRIBUTION) return CC_EINVAL;
            break;
        case CC_SORT_ORDER:
            if (kind != CC_ITEM_MEETING) return CC_EINVAL;
            break;
        default:
            return CC_EINVAL;
        }
    }

    /* The ranges to merge: the sides asked for, live and maybe moderated. */
    uint8_t lists[4][LIST_PREFIX];
    int nlists = 0;
    uint8_t sides[2] = {side, 0};
    int nsides = 1;
    if (kind == CC_ITEM_ARGUMENT && side == 0) {
        sides[0] = CC_SIDE_FOR;
        sides[1] = CC_SIDE_AGAINST;
        nsides = 2;
    }
    int rc;
    for (int s = 0; s < nsides; s++) {
        for (uint8_t vis = 0; vis <= (include_moderated ? 1 : 0); vis++) {
            list_prefix(lists[nlists], parent, kind, sides[s], vis);
            uint64_t n;
            if ((rc = count_get(txn, lv, lists[nlists], LIST_PREFIX, &n))) return rc;
            *total += n;
            nlists++;
        }
    }
    if (sort == CC_SORT_RANDOM && !use_rank)
        return list_random(txn, lv, lists, nlists, *total, seed, page, limit, ids, count);

    range r[4];
    int opened = 0;
    rc = 0;
    for (int i = 0; i < nlists && !rc; i++, opened++) {
        uint8_t prefix[RANK_PREFIX];
        memcpy(prefix, lists[i], LIST_PREFIX);
        prefix[LIST_PREFIX] = rank_sort;
        rc = use_rank
                 ? range_open(&r[i], txn, lv->rank, prefix, RANK_PREFIX, RANK_KEY, 0)
                 : range_open(&r[i], txn, lv->children, prefix, LIST_PREFIX, CHILD_KEY, reverse);
    }
    /* Merge: the suffixes (score ‖ id, or id) of all ranges compare as
     * bytes, smallest first (largest when walking backwards). */
    size_t plen = use_rank ? RANK_PREFIX : LIST_PREFIX, slen = use_rank ? 16 : 8;
    uint64_t skipped = 0;
    while (!rc && *count < limit) {
        int best = -1;
        for (int i = 0; i < nlists; i++) {
            if (!r[i].live) continue;
            if (best < 0) {
                best = i;
                continue;
            }
            int cmp = memcmp((const uint8_t *)r[i].k.mv_data + plen,
                             (const uint8_t *)r[best].k.mv_data + plen, slen);
            if (reverse ? cmp > 0 : cmp < 0) best = i;
        }
        if (best < 0) break;
        if (skipped < page.offset)
            skipped++;
        else
            ids[(*count)++] = cc_get_be64((const uint8_t *)r[best].k.mv_data + plen + slen - 8);
        rc = range_next(&r[best]);
    }
    for (int i = 0; i < opened; i++)
        range_close(&r[i]);
    return rc;
}

/* ---- reading: records of an item or a participant ----------------------- */

static int visit_version(const MDB_val *k, const MDB_val *v, uint32_t i, void *arg)
{
    cc_live_version *out = (cc_live_version *)arg + i;
    const uint8_t *p = v->mv_data;
    if (v->mv_size != VERSION_RECORD || p[0] != REC_VERSION) return CC_ECORRUPT;
    out->seq = cc_get_be64((const uint8_t *)k->mv_data + 8);
    p = r64(p + 1, &out->ts);
    rmem(p, out->commitment, 32);
    return 0;
}

int cc_live_versions(MDB_txn *txn, const cc_live *lv, uint64_t contribution, cc_page page,
                     cc_live_version *out, uint32_t *count, uint64_t *total)
{
    *count = 0;
    *total = 0;
    cc_live_item it;
    int rc = cc_live_item_get(txn, lv, contribution, &it);
    if (rc) return rc;
    *total = it.versions;
    uint8_t prefix[8];
    cc_put_be64(prefix, contribution);
    return range_page(txn, lv->versions, prefix, 8, 16, 0, page, visit_version, out, count);
}

int cc_live_vote_of(MDB_txn *txn, const cc_live *lv, uint64_t target, const cc_pseudonym *p,
                    uint8_t *value)
{
    uint8_t key[PAIR_KEY];
    pair_key(key, target, p);
    MDB_val k = {sizeof key, key}, v;
    *value = 0;
    int rc = mdb_get(txn, lv->votes, &k, &v);
    if (rc == MDB_NOTFOUND) return 0;
    if (rc) return cc_from_mdb(rc);
    uint8_t value_read = v.mv_size == 1 ? *(const uint8_t *)v.mv_data : 0;
    if (value_read < CC_VOTE_AGREE || value_read > CC_VOTE_UP) return CC_ECORRUPT;
    *value = value_read;
    return 0;
}

static int visit_activity(const MDB_val *k, const MDB_val *v, uint32_t i, void *arg)
{
    cc_live_activity *out = (cc_live_activity *)arg + i;
    const uint8_t *p = v->mv_data;
    if (v->mv_size != HISTORY_RECORD || p[0] != REC_VERSION) return CC_ECORRUPT;
    out->seq = cc_get_be64((const uint8_t *)k->mv_data + CC_PSEUDONYM_LEN);
    out->type = p[1];
    out->item = cc_get_be64(p + 2);
    return 0;
}

int cc_live_history_entries(MDB_txn *txn, const cc_live *lv, const cc_pseudonym *p, cc_page page,
                            cc_live_activity *out, uint32_t *count, uint64_t *total)
{
    *count = 0;
    *total = 0;
    cc_live_participant who;
    int rc = cc_live_participant_get(txn, lv, p, &who);
    if (rc) return rc;
    *total = who.history;
    return range_page(txn, lv->history, (const uint8_t *)p->s, CC_PSEUDONYM_LEN,
                      CC_PSEUDONYM_LEN + 8, 1, page, visit_activity, out, count);
}

int cc_live_history(MDB_txn *txn, const cc_live *lv, const cc_pseudonym *p, cc_page page,
                    uint64_t *seqs, uint32_t *count, uint64_t *total)
{
    cc_live_activity buf[CC_PAGE_MAX];
    int rc = cc_live_history_entries(txn, lv, p, page, buf, count, total);
    for (uint32_t i = 0; !rc && i < *count; i++)
        seqs[i] = buf[i].seq;
    return rc;
}

/* ---- reading: texts ----------------------------------------------------- */

static int decode_text(const MDB_val *v, int with_seq, cc_live_text *out)
{
    const uint8_t *p = v->mv_data;
    size_t size = with_seq ? SINGLETON_RECORD : PUBLICATION_RECORD;
    if (v->mv_size != size || p[0] != REC_VERSION) return CC_ECORRUPT;
    p++;
    if (with_seq) p = r64(p, &out->seq);
    p = r64(p, &out->ts);
    p = r64(p, &out->log_size);
    rmem(p, out->commitment, 32);
    return 0;
}

static int singleton(MDB_txn *txn, const cc_live *lv, const char *name, cc_live_text *out)
{
    MDB_val k = {strlen(name), (void *)name}, v;
    int rc = mdb_get(txn, lv->singletons, &k, &v);
    if (rc == MDB_NOTFOUND) return CC_ENOTFOUND;
    if (rc) return cc_from_mdb(rc);
    memset(out, 0, sizeof *out);
    return decode_text(&v, 1, out);
}

int cc_live_consultation(MDB_txn *txn, const cc_live *lv, cc_live_text *out)
{
    return singleton(txn, lv, "consultation", out);
}

int cc_live_report(MDB_txn *txn, const cc_live *lv, cc_live_text *out)
{
    return singleton(txn, lv, "report", out);
}

static int visit_publication(const MDB_val *k, const MDB_val *v, uint32_t i, void *arg)
{
    cc_live_text *out = (cc_live_text *)arg + i;
    out->seq = cc_get_be64((const uint8_t *)k->mv_data + 9);
    return decode_text(v, 0, out);
}

static int publication_prefix(uint8_t prefix[9], uint64_t theme, cc_event_type kind)
{
    if (kind != CC_EV_SYNTHESIS_PUBLISHED && kind != CC_EV_RECOMMENDATIONS_PUBLISHED)
        return CC_EINVAL;
    cc_put_be64(prefix, theme);
    prefix[8] = (uint8_t)kind;
    return 0;
}

int cc_live_publication(MDB_txn *txn, const cc_live *lv, uint64_t theme, cc_event_type kind,
                        cc_live_text *out)
{
    uint8_t prefix[9];
    int rc = publication_prefix(prefix, theme, kind);
    if (rc) return rc;
    uint32_t count;
    cc_page latest = {0, 1};
    rc =
        range_page(txn, lv->publications, prefix, 9, 17, 1, latest, visit_publication, out, &count);
    if (rc) return rc;
    return count ? 0 : CC_ENOTFOUND;
}

int cc_live_publications(MDB_txn *txn, const cc_live *lv, uint64_t theme, cc_event_type kind,
                         cc_page page, cc_live_text *out, uint32_t *count, uint64_t *total)
{
    *count = 0;
    *total = 0;
    uint8_t prefix[9];
    int rc = publication_prefix(prefix, theme, kind);
    if (rc) return rc;
    /* A theme publishes a handful of texts: counting them is cheap. */
    range r;
    rc = range_open(&r, txn, lv->publications, prefix, 9, 17, 0);
    while (!rc && r.live) {
        (*total)++;
        rc = range_next(&r);
    }
    range_close(&r);
    if (rc) return rc;
    return range_page(txn, lv->publications, prefix, 9, 17, 0, page, visit_publication, out, count);
}

/* ---- reading: moderation ------------------------------------------------ */

static int visit_flag(const MDB_val *k, const MDB_val *v, uint32_t i, void *arg)
{
    cc_live_flag *out = (cc_live_flag *)arg + i;
    const uint8_t *p = v->mv_data;
    if (v->mv_size != FLAG_RECORD || p[0] != REC_VERSION) return CC_ECORRUPT;
    int ok = 1;
    out->seq = cc_get_be64((const uint8_t *)k->mv_data + 8);
    p = rpseudo(p + 1, &out->by, &ok);
    p = r8(p, &out->reason);
    p = r64(p, &out->ts);
    p = r8(p, &out->has_details);
    p = rmem(p, out->commitment, 32);
    r8(p, &out->open);
    return ok && out->open <= 1 && out->has_details <= 1 ? 0 : CC_ECORRUPT;
}

int cc_live_flags(MDB_txn *txn, const cc_live *lv, uint64_t item, cc_page page, cc_live_flag *out,
                  uint32_t *count, uint64_t *total)
{
    *count = 0;
    *total = 0;
    cc_live_item it;
    int rc = cc_live_item_get(txn, lv, item, &it);
    if (rc) return rc;
    *total = it.flags_total;
    uint8_t prefix[8];
    cc_put_be64(prefix, item);
    return range_page(txn, lv->flags, prefix, 8, 16, 0, page, visit_flag, out, count);
}

static int visit_queue(const MDB_val *k, const MDB_val *v, uint32_t i, void *arg)
{
    if (v->mv_size != 0) return CC_ECORRUPT;
    ((uint64_t *)arg)[i] = cc_get_be64((const uint8_t *)k->mv_data + 8);
    return 0;
}

int cc_live_flag_queue(MDB_txn *txn, const cc_live *lv, cc_page page, uint64_t *items,
                       uint32_t *count, uint64_t *total)
{
    *count = 0;
    int rc = count_get(txn, lv, QUEUE_COUNT, sizeof QUEUE_COUNT - 1, total);
    if (rc) return rc;
    return range_page(txn, lv->queue, NULL, 0, 16, 0, page, visit_queue, items, count);
}

static int visit_decision(const MDB_val *k, const MDB_val *v, uint32_t i, void *arg)
{
    cc_live_decision *out = (cc_live_decision *)arg + i;
    const uint8_t *p = v->mv_data;
    if (v->mv_size != DECISION_RECORD || p[0] != REC_VERSION) return CC_ECORRUPT;
    int ok = 1;
    out->seq = cc_get_be64((const uint8_t *)k->mv_data + 8);
    p = r8(p + 1, &out->type);
    p = rpseudo(p, &out->by, &ok);
    p = r8(p, &out->reason);
    p = r64(p, &out->ts);
    p = r8(p, &out->has_note);
    rmem(p, out->note, 32);
    int known = out->type == CC_EV_FLAG_DISMISSED || out->type == CC_EV_ITEM_TRASHED ||
                out->type == CC_EV_ITEM_REMOVED || out->type == CC_EV_ITEM_RESTORED;
    return ok && known && out->has_note <= 1 ? 0 : CC_ECORRUPT;
}

int cc_live_decisions(MDB_txn *txn, const cc_live *lv, uint64_t item, cc_page page,
                      cc_live_decision *out, uint32_t *count, uint64_t *total)
{
    *count = 0;
    *total = 0;
    cc_live_item it;
    int rc = cc_live_item_get(txn, lv, item, &it);
    if (rc) return rc;
    *total = it.decisions;
    uint8_t prefix[8];
    cc_put_be64(prefix, item);
    return range_page(txn, lv->decisions, prefix, 8, 16, 0, page, visit_decision, out, count);
}
