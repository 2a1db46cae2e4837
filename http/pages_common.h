/* pages_common.h - what the public pages (pages_*.c) share: parsing ids and
 * query parameters, reading texts and usernames from the ledger, error
 * pages in the request's language, dates, pagination, the pages' nav.
 *
 * The rule of home.c holds for every page: the views are read in one read
 * transaction (ids, counters, commitments, copied out), which is ended
 * before the ledger's bodies and vault are read in another. Never both at
 * once. */
#ifndef CONCERTO_HTTP_PAGES_COMMON_H
#define CONCERTO_HTTP_PAGES_COMMON_H

#include "body.h"
#include "layout.h"
#include "live.h"
#include "site.h"

#include <stdint.h>

/* A text read from a body, copied into the request's pool. */
typedef struct pg_text {
    h2o_iovec_t f[CC_B_COUNT_]; /* base NULL when absent */
    int missing;                /* no body: removed content (or no commitment) */
} pg_text;

/* A participant as a page shows them. */
typedef struct pg_person {
    cc_pseudonym p;
    int known;  /* found in the live view */
    int erased; /* erased, or no vault row: "anonyme" */
    uint8_t status;
    char org[CC_ORG_MAX + 1];
    char username[CC_USERNAME_MAX * 4 + 1];
} pg_person;

/* "/prefix/<id>[/rest]": parse a decimal id (1..2^63, no sign, no leading
 * zero). Returns 0 and sets *id and *rest (the part after the id, maybe
 * empty), -1 when malformed. */
int pg_path_id(cc_request *r, size_t prefix_len, uint64_t *id, h2o_iovec_t *rest);
/* A decimal value of at most 18 digits. 0 or -1. */
int pg_parse_u64(const char *s, size_t n, uint64_t *out);
/* The value of query parameter name, percent-decoded into the pool ('+' is
 * a space). 1 when present, 0 when absent, -1 when malformed (bad escape,
 * NUL byte). */
int pg_query(cc_request *r, const char *name, h2o_iovec_t *out);
/* ?page=N (1-based; absent: 1). -1 when malformed or out of range. */
int pg_query_page(cc_request *r, uint64_t *page);

/* Error page: status (400, 404, 503) with a title and a message key. */
void pg_error(cc_request *r, int status, cc_msg text);
/* Views read transaction and the live view; on failure an error page (503)
 * is sent and -1 returned. */
int pg_views_begin(cc_request *r, MDB_txn **txn);
const cc_live *pg_live(cc_request *r);

/* Read the body under c (a body of event type t) into out. */
void pg_read_body(MDB_txn *ltxn, cc_site *s, h2o_mem_pool_t *pool, const uint8_t c[32],
                  cc_event_type t, pg_text *out);
/* Fill the username part of a person (ledger txn). */
void pg_read_person(MDB_txn *ltxn, cc_site *s, pg_person *p);
/* Fill the live part of a person (views txn). */
void pg_live_person(MDB_txn *vtxn, const cc_live *lv, const cc_pseudonym *ps, pg_person *p);

/* Output helpers. */
void pg_begin(cc_html *h, cc_request *r, const char *title);
void pg_time(cc_html *h, cc_lang lang, uint64_t ms);
void pg_person_html(cc_html *h, cc_lang lang, const pg_person *p);
void pg_status_text(cc_html *h, cc_lang lang, uint8_t status);
void pg_h1(cc_html *h, const char *s, size_t n);
void pg_p_msg(cc_html *h, cc_lang lang, cc_msg m);
/* Pagination nav: links to base + "page=N" (base ends with '?' or '&'),
 * rel=prev/next. pages >= 1. */
void pg_pagination(cc_html *h, cc_lang lang, const char *base, uint64_t page, uint64_t pages);
/* Markdown (markdown.h) or, for missing text, "[content removed]". */
void pg_markdown(cc_html *h, cc_lang lang, h2o_iovec_t text, int heading_base);
/* The charter's name of a trash reason, or the LCEN ground of a removal. */
void pg_reason_text(cc_html *h, cc_lang lang, int removed, uint8_t reason);
void pg_kind_text(cc_html *h, cc_lang lang, uint8_t kind);

#define PG_PAGE_SIZE 20

#endif
