/* live.h - the live view: everything the site shows, ready to page through.
 *
 * Built only from the log (views.h): it stores ids, pseudonyms, counters,
 * commitments and orderings, never text (the site reads text from the
 * ledger's bodies by commitment, and usernames from the vault, at render
 * time) — so the view is a pure function of the log.
 *
 * All read functions take a read transaction of the views env; returned
 * structs are copies. Lists are paginated by (offset, limit) and also return
 * the total count. Errors: CC_ENOTFOUND for unknown ids, CC_ECORRUPT. */
#ifndef CONCERTO_LIVE_H
#define CONCERTO_LIVE_H

#include "state.h"
#include "views.h"

typedef struct cc_live {
    MDB_dbi items;        /* id -> item record (cc_live_item, versioned encoding) */
    MDB_dbi children;     /* parent ‖ kind ‖ id -> (nothing): creation order */
    MDB_dbi rank;         /* parent ‖ sort ‖ score (inverted BE) ‖ id: orderings */
    MDB_dbi versions;     /* contribution ‖ seq -> ts ‖ commitment */
    MDB_dbi votes;        /* target ‖ pseudonym -> value */
    MDB_dbi participants; /* pseudonym -> cc_live_participant */
    MDB_dbi history;      /* pseudonym ‖ seq -> item id (what they posted / voted / flagged) */
    MDB_dbi singletons;   /* "consultation", "report" -> seq ‖ ts ‖ commitment ‖ log size */
    MDB_dbi publications; /* theme ‖ kind ‖ seq -> ts ‖ commitment ‖ log size */
    MDB_dbi flags;        /* item ‖ flag seq -> flagger ‖ reason ‖ ts ‖ has details ‖ commitment ‖ open */
    MDB_dbi queue;        /* first open flag seq ‖ item: the moderation queue */
    MDB_dbi decisions;    /* item ‖ seq -> moderation decision (public history) */
} cc_live;

/* Everything the site shows about one item without its text. Fields not
 * relevant to a kind are zero. */
typedef struct cc_live_item {
    uint64_t id;
    uint8_t kind;  /* cc_item_kind */
    uint8_t state; /* cc_item_state, or cc_theme_state for themes */
    uint64_t parent, theme, section;
    cc_pseudonym author;
    uint64_t created_ms, updated_ms;
    uint8_t commitment[32]; /* current version's body */
    uint32_t versions;      /* contributions: number of versions (1 + edits) */
    uint32_t agree, mitigated, disagree, up;
    uint32_t arguments_for, arguments_against, sources, comments;
    uint32_t flags_open, flags_total;
    /* themes and sections */
    uint64_t order, opens_ms, closes_ms;
    uint64_t opened_ms, closed_ms, closed_at_size; /* actual open/close times; log size at close */
    uint8_t section_kind, posting;
    uint32_t contributions; /* sections and themes: live contributions */
    uint8_t side;           /* arguments */
    /* documents and meetings */
    uint8_t mime;
    uint8_t file_hash[32];
    uint64_t file_size, at_ms;
    uint8_t has_report;
    uint8_t report_commitment[32];
    uint64_t moderated_ms; /* time of the last trash/remove/restore */
} cc_live_item;

typedef struct cc_live_participant {
    cc_pseudonym pseudonym;
    uint8_t status, roles, erased;
    char org[CC_ORG_MAX + 1];
    uint64_t registered_ms;
    uint32_t contributions, arguments, sources, comments, votes;
} cc_live_participant;

typedef enum cc_sort {
    CC_SORT_RECENT = 1,    /* newest first */
    CC_SORT_OLDEST,        /* oldest first */
    CC_SORT_VOTES,         /* most votes (agree+mitigated+disagree, or up-votes) first */
    CC_SORT_CONTROVERSIAL, /* most balanced agree/disagree first, see live.c */
    CC_SORT_RANDOM,        /* a permutation fixed by the seed */
} cc_sort;

typedef struct cc_page {
    uint64_t offset;
    uint32_t limit; /* at most CC_PAGE_MAX */
} cc_page;
#define CC_PAGE_MAX 200

int cc_live_item_get(MDB_txn *txn, const cc_live *lv, uint64_t id, cc_live_item *out);

/* Children of parent of the given kind: themes of the consultation (parent
 * 0, kind CC_ITEM_THEME, sorted by their order), sections of a theme (by
 * order), contributions of a section, arguments of a contribution (of one
 * side when side != 0; CC_SORT_VOTES sorts by up-votes), sources and
 * comments of a contribution, documents and meetings (parent 0). Trashed and
 * removed items are included only when include_moderated is set (the bin
 * has its own view). ids receives up to page.limit ids. */
int cc_live_list(MDB_txn *txn, const cc_live *lv, uint64_t parent, uint8_t kind, uint8_t side,
                 cc_sort sort, uint64_t seed, int include_moderated, cc_page page, uint64_t *ids,
                 uint32_t *count, uint64_t *total);

typedef struct cc_live_version {
    uint64_t seq, ts;
    uint8_t commitment[32];
} cc_live_version;

/* Versions of a contribution, oldest first. */
int cc_live_versions(MDB_txn *txn, const cc_live *lv, uint64_t contribution, cc_page page,
                     cc_live_version *out, uint32_t *count, uint64_t *total);

/* A participant's current vote on target: its value, 0 when none. */
int cc_live_vote_of(MDB_txn *txn, const cc_live *lv, uint64_t target, const cc_pseudonym *p,
                    uint8_t *value);

int cc_live_participant_get(MDB_txn *txn, const cc_live *lv, const cc_pseudonym *p,
                            cc_live_participant *out);

/* What a participant did, newest first: seqs of their events (posts, edits,
 * votes, flags). */
int cc_live_history(MDB_txn *txn, const cc_live *lv, const cc_pseudonym *p, cc_page page,
                    uint64_t *seqs, uint32_t *count, uint64_t *total);

typedef struct cc_live_text {
    uint64_t seq, ts, log_size;
    uint8_t commitment[32];
} cc_live_text;

/* The consultation's current texts. CC_ENOTFOUND before it is configured. */
int cc_live_consultation(MDB_txn *txn, const cc_live *lv, cc_live_text *out);
/* Published texts of a theme: kind CC_EV_SYNTHESIS_PUBLISHED or
 * CC_EV_RECOMMENDATIONS_PUBLISHED; the latest one. */
int cc_live_publication(MDB_txn *txn, const cc_live *lv, uint64_t theme, cc_event_type kind,
                        cc_live_text *out);
/* The final report (latest). */
int cc_live_report(MDB_txn *txn, const cc_live *lv, cc_live_text *out);

typedef struct cc_live_flag {
    uint64_t seq, ts;
    cc_pseudonym by;
    uint8_t reason, open, has_details;
    uint8_t commitment[32];
} cc_live_flag;

/* Flags raised on an item, oldest first (open and closed). */
int cc_live_flags(MDB_txn *txn, const cc_live *lv, uint64_t item, cc_page page, cc_live_flag *out,
                  uint32_t *count, uint64_t *total);
/* Items with open flags (the moderation queue), oldest first. */
int cc_live_flag_queue(MDB_txn *txn, const cc_live *lv, cc_page page, uint64_t *items,
                       uint32_t *count, uint64_t *total);

typedef struct cc_live_decision {
    uint64_t seq, ts;
    uint8_t type; /* CC_EV_FLAG_DISMISSED, _ITEM_TRASHED, _ITEM_REMOVED, _ITEM_RESTORED */
    cc_pseudonym by;
    uint8_t reason; /* trash reason or removal ground, 0 otherwise */
    uint8_t has_note;
    uint8_t note[32]; /* commitment of the public note */
} cc_live_decision;

/* Moderation decisions on an item, oldest first: its public history. */
int cc_live_decisions(MDB_txn *txn, const cc_live *lv, uint64_t item, cc_page page,
                      cc_live_decision *out, uint32_t *count, uint64_t *total);

#endif
