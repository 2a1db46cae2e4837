/* actions_forms.h - the participation forms the public pages embed
 * (actions.c). Each shows the forms to a signed-in, confirmed participant
 * and a "log in to take part" link to anyone else. They read the viewer,
 * the views and the write-side state themselves, in their own short read
 * transactions: call them after the page has ended its own. */
#ifndef CONCERTO_HTTP_ACTIONS_FORMS_H
#define CONCERTO_HTTP_ACTIONS_FORMS_H

#include "html.h"
#include "router.h"

#include <stdint.h>

/* The "post a contribution" form of section id. */
void cc_actions_section_forms(cc_html *h, cc_request *r, uint64_t section);

/* An argument as the contribution page shows it (for its up-vote form). */
typedef struct cc_actions_arg {
    uint64_t id;
    h2o_iovec_t text; /* base NULL when removed */
} cc_actions_arg;

/* The forms of contribution id: vote (current vote shown, change,
 * withdraw), edit link (author only), argument, source, comment, up-votes
 * of the n arguments args, and flag. */
void cc_actions_contribution_forms(cc_html *h, cc_request *r, uint64_t id,
                                   const cc_actions_arg *args, uint32_t n);

#endif
