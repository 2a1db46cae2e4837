/* trash.h - the public bin ("corbeille"): what moderators took down, why
 * and when, consultable by all.
 *
 * Trashed items keep their full text (the site reads it from the bodies by
 * commitment); removed items (illegal content, LCEN art. 6) appear only as
 * tombstones: reason code, time and commitment, their text being purged from
 * the ledger. Restored items leave the bin. Pure function of the log.
 *
 * Stored layouts (integers big-endian; records start with a version byte and
 * are read length-checked, CC_ECORRUPT otherwise):
 *   trash_entries  theme ‖ ~decision seq -> entry record (149 bytes)
 *                  every entry is stored under theme 0 and under its theme;
 *                  the inverted seq makes a forward cursor newest first
 *   trash_by_item  item -> decision seq ‖ theme (16 bytes)
 *   trash_items    item -> kind ‖ theme ‖ parent ‖ author ‖ posted ms ‖
 *                  current commitment (74-byte record); sections too (to
 *                  find the theme of a contribution)
 *   trash_totals   theme -> number of entries (8 bytes; absent when 0)
 *
 * Read functions take a read transaction of the views env; they copy into
 * caller-owned structs, nothing returned points into the map. */
#ifndef CONCERTO_TRASH_H
#define CONCERTO_TRASH_H

#include "state.h"
#include "views.h"

typedef struct cc_trash {
    MDB_dbi entries; /* theme ‖ ~decision seq -> entry; theme 0 holds every entry too */
    MDB_dbi by_item; /* item -> decision seq ‖ theme (to move or drop an entry) */
    MDB_dbi items;   /* item -> what an entry needs to know about it */
    MDB_dbi totals;  /* theme -> number of entries */
} cc_trash;

typedef struct cc_trash_entry {
    uint64_t item;
    uint8_t kind;    /* cc_item_kind of the item */
    uint8_t removed; /* 0: trashed (text public), 1: removed (tombstone) */
    uint8_t reason;  /* cc_trash_reason when trashed, cc_ground when removed */
    uint64_t decision_seq, decision_ms;
    cc_pseudonym moderator;
    cc_pseudonym author;
    uint64_t theme, parent;
    uint8_t commitment[32]; /* the item's current body: text for trashed, tombstone for removed */
    uint8_t has_note;
    uint8_t note[32]; /* the moderator's public note (of the decision shown) */
    uint64_t posted_ms;
} cc_trash_entry;

/* Newest decision first; theme 0 lists the whole bin. Fills out[0..*count)
 * with at most limit entries after skipping offset; *total (may be NULL)
 * receives the number of entries of the theme. An unknown theme is an empty
 * list, not an error. 0, CC_ECORRUPT or an LMDB error. */
int cc_trash_list(MDB_txn *txn, const cc_trash *tv, uint64_t theme, uint64_t offset, uint32_t limit,
                  cc_trash_entry *out, uint32_t *count, uint64_t *total);
/* CC_ENOTFOUND when the item is not in the bin. */
int cc_trash_get(MDB_txn *txn, const cc_trash *tv, uint64_t item, cc_trash_entry *out);

#endif
