/* live.c - placeholder until the projection lands: applies nothing. */
#include "live.h"

#include "error.h"

static int live_open(MDB_txn *txn, void *state)
{
    (void)txn;
    (void)state;
    return 0;
}

static int live_apply(void *state, const cc_apply *a)
{
    (void)state;
    (void)a;
    return 0;
}

const cc_projection cc_projection_live = {
    .name = "live",
    .version = 0,
    .state_size = sizeof(cc_live),
    .open = live_open,
    .apply = live_apply,
};
