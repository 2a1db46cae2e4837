/* stats.c - placeholder until the projection lands: applies nothing. */
#include "stats.h"

#include "error.h"

static int stats_open(MDB_txn *txn, void *state)
{
    (void)txn;
    (void)state;
    return 0;
}

static int stats_apply(void *state, const cc_apply *a)
{
    (void)state;
    (void)a;
    return 0;
}

const cc_projection cc_projection_stats = {
    .name = "stats",
    .version = 0,
    .state_size = sizeof(cc_stats),
    .open = stats_open,
    .apply = stats_apply,
};
