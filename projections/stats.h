/* stats.h - the quantitative synthesis.
 *
 * Counters per scope: the whole consultation (scope 0), each theme and each
 * section (scope = its id). Frozen copies are kept when a theme closes,
 * together with the log size at the close, so the published synthesis can
 * say exactly which prefix of the log its numbers come from; `concerto
 * export --at SIZE` recomputes them at any size. Pure function of the log.
 *
 * Definitions (also in docs/FORMAT.md):
 *   - contributions, arguments, sources, comments: posted and not removed
 *     (trashed ones still count: trashing is not censorship, the text is in
 *     the public bin; removal is, by law, and removed items are subtracted);
 *     only the removed item itself is subtracted, not what was posted under it;
 *   - edits: contribution.edited events;
 *   - votes: current votes by value (a change moves one vote, a withdrawal
 *     removes it); a removal does not touch the votes the item received;
 *   - participants: distinct participants who posted, argued, commented,
 *     added a source or voted in the scope, by the status they had declared
 *     at their first action there;
 *   - flags: flags raised (a dismissal does not unraise one);
 *   - trashed / removed / restored: moderation decisions in the scope;
 *   - per day (UTC, day = ts / 86,400,000): the same activity counters, by
 *     day of the event: contributions, arguments, sources and comments by the
 *     day they were posted (a removal is subtracted from that day), votes by
 *     the day they were cast (a withdrawal is subtracted from that day, a
 *     change keeps it), participants_new by the day of their first action in
 *     the scope. Summed over the days they give the scope's counters.
 * A theme closed twice (closed, reopened, closed) keeps the copy of its last
 * close.
 *
 * Stored layouts (integers big-endian; records start with a version byte and
 * are read length-checked, CC_ECORRUPT otherwise):
 *   stats_counts   scope (8) -> v ‖ 21 × u64 (169 bytes), in the order of
 *                  cc_stats_counts' fields, by_status for every cc_status
 *   stats_frozen   theme (8) -> v ‖ log size ‖ 21 × u64 (177 bytes)
 *   stats_days     scope (8) ‖ day (u32) -> v ‖ 6 × u64 (49 bytes), in the
 *                  order of cc_stats_day's counters; absent when all zero
 *   stats_members  scope (8) ‖ pseudonym (16) -> status (1 byte)
 *   stats_status   pseudonym (16) -> status (1 byte)
 *   stats_owners   item (8) -> v ‖ theme ‖ section ‖ kind ‖ side ‖ state ‖
 *                  day posted (u32) (24 bytes): sections and every item
 *                  that counts
 *   stats_votes    target (8) ‖ pseudonym (16) -> v ‖ value ‖ day cast (6)
 *
 * Read functions take a read transaction of the views env and copy into
 * caller-owned structs. */
#ifndef CONCERTO_STATS_H
#define CONCERTO_STATS_H

#include "state.h"
#include "views.h"

typedef struct cc_stats {
    MDB_dbi counts;  /* scope -> cc_stats_counts (fixed layout) */
    MDB_dbi frozen;  /* theme -> log size at close ‖ cc_stats_counts */
    MDB_dbi days;    /* scope ‖ day (u32 BE, days since 1970-01-01 UTC) -> cc_stats_day */
    MDB_dbi members; /* scope ‖ pseudonym -> status at first action */
    MDB_dbi status;  /* pseudonym -> current declared status (from registration events) */
    MDB_dbi owners; /* item -> theme ‖ section ‖ kind ‖ side ‖ state (to attribute later events) */
    MDB_dbi votes; /* target ‖ pseudonym -> current value ‖ day cast */
} cc_stats;

typedef struct cc_stats_counts {
    uint64_t contributions, edits, arguments_for, arguments_against, sources, comments;
    uint64_t votes_agree, votes_mitigated, votes_disagree, votes_up;
    uint64_t participants;                             /* distinct, all statuses */
    uint64_t participants_by_status[CC_STATUS_COUNT_]; /* index cc_status */
    uint64_t flags, trashed, removed, restored;
} cc_stats_counts;

typedef struct cc_stats_day {
    uint32_t day; /* days since 1970-01-01 UTC */
    uint64_t contributions, arguments, sources, comments, votes, participants_new;
} cc_stats_day;

/* Counters of a scope; all zero (and 0 returned) for a scope where nothing
 * was counted yet. */
int cc_stats_get(MDB_txn *txn, const cc_stats *sv, uint64_t scope, cc_stats_counts *out);
/* Counters frozen when theme closed; CC_ENOTFOUND if it never closed.
 * *log_size (may be NULL) receives the log size right after the close. */
int cc_stats_frozen(MDB_txn *txn, const cc_stats *sv, uint64_t theme, cc_stats_counts *out,
                    uint64_t *log_size);
/* Days of a scope, oldest first: at most limit after skipping offset into
 * out[0..*count); *total (may be NULL) receives the number of days. */
int cc_stats_days(MDB_txn *txn, const cc_stats *sv, uint64_t scope, uint64_t offset, uint32_t limit,
                  cc_stats_day *out, uint32_t *count, uint64_t *total);

#endif
