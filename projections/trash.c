/* trash.c - placeholder until the projection lands: applies nothing. */
#include "trash.h"

#include "error.h"

static int trash_open(MDB_txn *txn, void *state)
{
    (void)txn;
    (void)state;
    return 0;
}

static int trash_apply(void *state, const cc_apply *a)
{
    (void)state;
    (void)a;
    return 0;
}

const cc_projection cc_projection_trash = {
    .name = "trash",
    .version = 0,
    .state_size = sizeof(cc_trash),
    .open = trash_open,
    .apply = trash_apply,
};
