/* live.h - the live view: everything the site shows, ready to page through.
 *
 * Built only from the log (views.h): it stores ids, pseudonyms, counters,
 * commitments and orderings, never text (the site reads text from the
 * ledger's bodies by commitment, and usernames from the vault, at render
 * time) — so the view is a pure function of the log.
 *
 * All read functions take a read transaction of the views env; returned
 * structs are copies, nothing returned points into the map. Lists are
 * paginated by (offset, limit) and also return the total count. Errors:
 * CC_ENOTFOUND for unknown ids, CC_EINVAL for a request that makes no sense
 * (a sort a kind does not have), CC_ECORRUPT for a stored record or key of
 * the wrong size or version.
 *
 * Stored layouts (integers big-endian so cursor order is numeric order;
 * record values start with a version byte and are read length-checked):
 *   live_items         id -> item record: 156 bytes common to every kind,
 *                      + 48 (themes, sections: order, dates, close size)
 *                      or + 40 (documents: size, file hash; meetings: date,
 *                      report commitment)
 *   live_children      parent ‖ kind ‖ side ‖ vis ‖ id -> (empty)
 *                      creation order of every list; vis is 0 for live
 *                      items, 1 for trashed or removed ones
 *   live_rank          parent ‖ kind ‖ side ‖ vis ‖ sort ‖ score ‖ id ->
 *                      (empty) for the scored orders (votes, controversial,
 *                      order); descending scores are stored inverted
 *   live_counts        parent ‖ kind ‖ side ‖ vis -> u64: list sizes;
 *                      "queue" -> u64: items in the moderation queue
 *   live_versions      contribution ‖ seq -> ts ‖ commitment (41 bytes)
 *   live_votes         target ‖ pseudonym -> value (1 byte, no version)
 *   live_participants  pseudonym -> participant record (37 bytes + org)
 *   live_history       pseudonym ‖ seq -> type ‖ item (10 bytes)
 *   live_singletons    "consultation", "report" -> seq ‖ ts ‖ log size ‖
 *                      commitment (57 bytes)
 *   live_publications  theme ‖ event type ‖ seq -> ts ‖ log size ‖
 *                      commitment (49 bytes)
 *   live_flags         item ‖ flag seq -> flagger ‖ reason ‖ ts ‖ has
 *                      details ‖ commitment ‖ open (60 bytes)
 *   live_queue         first open flag seq ‖ item -> (empty)
 *   live_decisions     item ‖ seq -> type ‖ moderator ‖ reason ‖ ts ‖ has
 *                      note ‖ note commitment (60 bytes)
 * Documents and meetings are listed under parent 0 and, when they belong to
 * a theme, under that theme as well. Arguments are listed under their
 * contribution with their side; the other kinds with side 0.
 *
 * Caveats: a page at offset n costs n cursor steps (LMDB has no positional
 * access); CC_SORT_RANDOM reads and sorts the whole list on every call. */
#ifndef CONCERTO_LIVE_H
#define CONCERTO_LIVE_H

#include "state.h"
#include "views.h"

typedef struct cc_live {
    MDB_dbi items;    /* id -> item record (cc_live_item, versioned encoding) */
    MDB_dbi children; /* parent ‖ kind ‖ side ‖ vis ‖ id -> (nothing): creation order */
    MDB_dbi rank;   /* parent ‖ kind ‖ side ‖ vis ‖ sort ‖ score ‖ id: scored orders */
    MDB_dbi counts; /* parent ‖ kind ‖ side ‖ vis -> list size; "queue" -> queue size */
    MDB_dbi versions;     /* contribution ‖ seq -> ts ‖ commitment */
    MDB_dbi votes;        /* target ‖ pseudonym -> value */
    MDB_dbi participants; /* pseudonym -> cc_live_participant */
    MDB_dbi history; /* pseudonym ‖ seq -> type ‖ item id (posted / edited / voted / flagged) */
    MDB_dbi singletons;   /* "consultation", "report" -> seq ‖ ts ‖ log size ‖ commitment */
    MDB_dbi publications; /* theme ‖ kind ‖ seq -> ts ‖ log size ‖ commitment */
    MDB_dbi flags; /* item ‖ flag seq -> flagger ‖ reason ‖ ts ‖ has details ‖ commitment ‖ open */
    MDB_dbi queue;     /* first open flag seq ‖ item: the moderation queue */
    MDB_dbi decisions; /* item ‖ seq -> moderation decision (public history) */
} cc_live;

/* Everything the site shows about one item without its text. Fields not
 * relevant to a kind are zero. Counters count live items only: a trashed
 * argument leaves its contribution's arguments_for, a trashed contribution
 * its section's and theme's contributions; a restore brings them back. */
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
    uint32_t decisions; /* moderation decisions taken on it (cc_live_decisions) */
    /* themes and sections */
    uint64_t order, opens_ms, closes_ms;
    uint64_t opened_ms, closed_ms,
        closed_at_size; /* last opening; current closure (0 while open) */
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

/* A participant as the site shows them. After erasure `erased` is set, the
 * roles and the organisation name are cleared (the site shows "anonyme"),
 * the declared status stays; their items and votes stay counted. Counters
 * count their live items, their current votes, and their history entries. */
typedef struct cc_live_participant {
    cc_pseudonym pseudonym;
    uint8_t status, roles, erased;
    char org[CC_ORG_MAX + 1];
    uint64_t registered_ms;
    uint32_t contributions, arguments, sources, comments, votes;
    uint32_t history; /* entries in cc_live_history */
} cc_live_participant;

typedef enum cc_sort {
    CC_SORT_RECENT = 1,    /* newest first */
    CC_SORT_OLDEST,        /* oldest first */
    CC_SORT_VOTES,         /* most votes (agree+mitigated+disagree, or up-votes) first */
    CC_SORT_CONTROVERSIAL, /* most balanced agree/disagree first, see live.c */
    CC_SORT_RANDOM,        /* a permutation fixed by the seed */
    CC_SORT_ORDER,         /* by the order field (themes, sections) or the date (meetings) */
} cc_sort;

typedef struct cc_page {
    uint64_t offset;
    uint32_t limit; /* at most CC_PAGE_MAX (larger limits are clamped) */
} cc_page;
#define CC_PAGE_MAX 200

int cc_live_item_get(MDB_txn *txn, const cc_live *lv, uint64_t id, cc_live_item *out);

/* Children of parent of the given kind: themes of the consultation (parent
 * 0, kind CC_ITEM_THEME), sections of a theme, contributions of a section,
 * arguments of a contribution (of one side when side != 0), sources and
 * comments of a contribution, comments of a source, documents and meetings
 * (parent 0 for all of them, or a theme for that theme's). Trashed and
 * removed items are included only when include_moderated is set (the bin
 * has its own view).
 *
 * Sorts: themes and sections are always listed by their order field, then
 * id, whatever sort is asked. Every other kind takes RECENT, OLDEST and
 * RANDOM (seed picks the permutation: the same seed gives the same order);
 * contributions and arguments take VOTES (arguments: up-votes);
 * contributions take CONTROVERSIAL; meetings take ORDER (by date). Ties go
 * to the oldest item. Another combination is CC_EINVAL, as is a side on a
 * kind other than arguments.
 *
 * ids receives up to min(page.limit, CC_PAGE_MAX) ids, *count how many,
 * *total the size of the whole list. */
int cc_live_list(MDB_txn *txn, const cc_live *lv, uint64_t parent, uint8_t kind, uint8_t side,
                 cc_sort sort, uint64_t seed, int include_moderated, cc_page page, uint64_t *ids,
                 uint32_t *count, uint64_t *total);

typedef struct cc_live_version {
    uint64_t seq, ts;
    uint8_t commitment[32];
} cc_live_version;

/* Versions of a contribution, oldest first (the first is the post itself). */
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

typedef struct cc_live_activity {
    uint64_t seq;  /* the event */
    uint64_t item; /* the item it concerns (the created one for posts) */
    uint8_t type;  /* cc_event_type */
} cc_live_activity;

/* The same history with what each event was and which item it concerns,
 * so a page can be rendered without reading the log. */
int cc_live_history_entries(MDB_txn *txn, const cc_live *lv, const cc_pseudonym *p, cc_page page,
                            cc_live_activity *out, uint32_t *count, uint64_t *total);

typedef struct cc_live_text {
    uint64_t seq, ts, log_size; /* log_size: the prefix a publication is based on (0 for the
                                   consultation) */
    uint8_t commitment[32];
} cc_live_text;

/* The consultation's current texts. CC_ENOTFOUND before it is configured. */
int cc_live_consultation(MDB_txn *txn, const cc_live *lv, cc_live_text *out);
/* Published texts of a theme: kind CC_EV_SYNTHESIS_PUBLISHED or
 * CC_EV_RECOMMENDATIONS_PUBLISHED; the latest one. CC_ENOTFOUND when none. */
int cc_live_publication(MDB_txn *txn, const cc_live *lv, uint64_t theme, cc_event_type kind,
                        cc_live_text *out);
/* Every published text of that kind for the theme, oldest first. */
int cc_live_publications(MDB_txn *txn, const cc_live *lv, uint64_t theme, cc_event_type kind,
                         cc_page page, cc_live_text *out, uint32_t *count, uint64_t *total);
/* The final report (latest). CC_ENOTFOUND when none. */
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
/* Items with open flags (the moderation queue), oldest first by their
 * first open flag. A dismissal, trash or removal takes the item out. */
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
