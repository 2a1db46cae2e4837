/* demo.h - the demonstration consultation loaded by `concerto init --demo`. */
#ifndef CONCERTO_TOOLS_DEMO_H
#define CONCERTO_TOOLS_DEMO_H

#include "writer.h"

/* The password of every demo participant account (demo data only). */
#define CC_DEMO_PASSWORD "concerto-demo"

/* Create an account and confirm it, as the site does on e-mail confirmation.
 * status/org as declared. On success *out is the new pseudonym. */
int cc_tool_register(cc_writer *w, const char *username, const char *email, const char *password,
                     cc_status status, const char *org, cc_pseudonym *out);

/* Load the consultation of the seed FAQ on behalf of admin: its five
 * themes, each with presentation, diagnostic and proposals sections, a few
 * participants, contributions, arguments, sources, comments, votes, a flag
 * and a moderation decision. Prints what it does to stdout when verbose. */
int cc_demo_load(cc_writer *w, const cc_pseudonym *admin, int verbose);

#endif
