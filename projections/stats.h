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
 *   - votes: current votes by value (a change moves one vote, a withdrawal
 *     removes it);
 *   - participants: distinct participants who posted, argued, commented,
 *     added a source or voted in the scope, by the status they had declared
 *     at their first action there;
 *   - trashed / removed / restored: moderation decisions in the scope;
 *   - per day (UTC): the same activity counters, by day of the event. */
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
    MDB_dbi owners;  /* item -> theme ‖ section ‖ kind ‖ side ‖ state (to attribute later events) */
} cc_stats;

typedef struct cc_stats_counts {
    uint64_t contributions, edits, arguments_for, arguments_against, sources, comments;
    uint64_t votes_agree, votes_mitigated, votes_disagree, votes_up;
    uint64_t participants; /* distinct, all statuses */
    uint64_t participants_by_status[CC_STATUS_COUNT_]; /* index cc_status */
    uint64_t flags, trashed, removed, restored;
} cc_stats_counts;

typedef struct cc_stats_day {
    uint32_t day; /* days since 1970-01-01 UTC */
    uint64_t contributions, arguments, sources, comments, votes, participants_new;
} cc_stats_day;

int cc_stats_get(MDB_txn *txn, const cc_stats *sv, uint64_t scope, cc_stats_counts *out);
/* Counters frozen when theme closed; CC_ENOTFOUND if it never closed. */
int cc_stats_frozen(MDB_txn *txn, const cc_stats *sv, uint64_t theme, cc_stats_counts *out,
                    uint64_t *log_size);
/* Days of a scope, oldest first. */
int cc_stats_days(MDB_txn *txn, const cc_stats *sv, uint64_t scope, uint64_t offset,
                  uint32_t limit, cc_stats_day *out, uint32_t *count, uint64_t *total);

#endif
