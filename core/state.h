/* state.h - the write-side state: what the decider needs to judge a command.
 *
 * A derived view of the log, kept in DBIs of the ledger env and updated by
 * cc_state_apply() in the same transaction as the events, so it is always
 * exactly the fold of the log. `concerto replay` rebuilds it with the same
 * function and must obtain the same bytes; nothing here depends on anything
 * but the events (no clock, no randomness, no vault).
 *
 * All integers in keys are big-endian so cursor order is numeric order. */
#ifndef CONCERTO_STATE_H
#define CONCERTO_STATE_H

#include "event.h"

#include <lmdb.h>

typedef struct cc_state {
    MDB_dbi participants; /* pseudonym -> participant record */
    MDB_dbi items;        /* id (u64 BE) -> item record */
    MDB_dbi votes;        /* target (u64 BE) || pseudonym -> value (u8) */
    MDB_dbi flags;        /* target (u64 BE) || pseudonym -> flag id (u64 BE): open flags */
    MDB_dbi versions;     /* item (u64 BE) || seq (u64 BE) -> commitment: every body of an item */
    MDB_dbi counters;     /* name -> u64 BE (e.g. number of admins) */
} cc_state;

typedef enum cc_item_kind {
    CC_ITEM_THEME = 1,
    CC_ITEM_SECTION,
    CC_ITEM_CONTRIBUTION,
    CC_ITEM_ARGUMENT,
    CC_ITEM_SOURCE,
    CC_ITEM_COMMENT,
    CC_ITEM_DOCUMENT,
    CC_ITEM_MEETING,
} cc_item_kind;

/* The event type whose body schema an item kind's texts follow (the event
 * that created the item); CC_EV_NONE for an unknown kind. */
cc_event_type cc_item_body_type(uint8_t kind);

typedef enum cc_item_state {
    CC_LIVE = 0,
    CC_TRASHED = 1,
    CC_REMOVED = 2,
} cc_item_state;

typedef enum cc_theme_state {
    CC_THEME_DRAFT = 0, /* created, not yet opened */
    CC_THEME_OPEN = 1,
    CC_THEME_CLOSED = 2,
} cc_theme_state;

typedef struct cc_participant {
    uint8_t status;
    uint8_t roles; /* CC_ROLE_* bits */
    uint8_t erased;
    uint64_t registered; /* seq of participant.registered */
} cc_participant;

typedef struct cc_item {
    uint8_t kind;    /* cc_item_kind */
    uint8_t state;   /* cc_item_state, or cc_theme_state for themes */
    uint8_t side;    /* arguments */
    uint8_t posting; /* sections: participants may post */
    uint64_t parent; /* section of a contribution, contribution of an argument... */
    uint64_t theme;  /* theme the item belongs to (0 when none) */
    cc_pseudonym author;
} cc_item;

int cc_state_dbi_open(MDB_txn *txn, cc_state *s);

/* Lookups: 0, CC_ENOTFOUND, CC_ECORRUPT. */
int cc_state_participant(MDB_txn *txn, const cc_state *s, const cc_pseudonym *p,
                         cc_participant *out);
int cc_state_item(MDB_txn *txn, const cc_state *s, uint64_t id, cc_item *out);
/* The participant's vote on target: value, or 0 when none. */
int cc_state_vote(MDB_txn *txn, const cc_state *s, uint64_t target, const cc_pseudonym *p,
                  uint8_t *value);
/* 1 if p has an open flag on target, else 0; <0 on error. */
int cc_state_has_flag(MDB_txn *txn, const cc_state *s, uint64_t target, const cc_pseudonym *p);
/* Number of open flags on target (or <0). */
int cc_state_open_flags(MDB_txn *txn, const cc_state *s, uint64_t target);
int cc_state_counter(MDB_txn *txn, const cc_state *s, const char *name, uint64_t *value);

/* Fold event seq into the state. The event must have been accepted by the
 * decider (or be read back from a verified log): apply trusts it. */
int cc_state_apply(MDB_txn *txn, const cc_state *s, uint64_t seq, const cc_event *e);

/* Call fn for every commitment recorded for item (its versions); used to
 * purge the bodies of a removed item. */
int cc_state_versions(MDB_txn *txn, const cc_state *s, uint64_t item,
                      int (*fn)(const uint8_t c[32], void *arg), void *arg);

/* The item an event's body belongs to, for removal and verification: the
 * created item for posting events, the target for edits; 0 when the body is
 * not item content (moderation notes, flag details, admin texts). */
uint64_t cc_state_body_owner(uint64_t seq, const cc_event *e);

#endif
