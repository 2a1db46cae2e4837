/* site.h - what every handler of the site shares: the ledger, the views,
 * the writer and the metrics. Set up by serve.c (or a test), read-only once
 * the server runs; each member is thread-safe on its own terms (see
 * ledger.h, views.h, writer.h, metrics.h). */
#ifndef CONCERTO_HTTP_SITE_H
#define CONCERTO_HTTP_SITE_H

#include "ledger.h"
#include "router.h"
#include "views.h"
#include "writer.h"

typedef struct cc_metrics cc_metrics;
typedef struct cc_mail_queue cc_mail_queue;
typedef struct cc_ratelimit cc_ratelimit;
typedef struct cc_snapshots cc_snapshots;

struct cc_site {
    cc_ledger *ledger;
    cc_views *views;     /* NULL: pages fall back to "not available yet" */
    cc_writer *writer;   /* NULL: a read-only site (no write routes yet anyway) */
    cc_metrics *metrics; /* NULL: /metrics answers 404 */
    /* Accounts and writes (accounts.c, session.h, ratelimit.h): */
    cc_mail_queue *mail;     /* NULL: no mail is sent (the pages still answer) */
    cc_ratelimit *ratelimit; /* NULL: no rate limits */
    const char *public_url;  /* base of links in mails, no trailing '/' ("http://host:port") */
    const char *contact_to;  /* team address for contact-form messages (NULL: the default) */
    int secure_cookies;      /* cookies get Secure (the site is behind TLS) */
    int trust_proxy;         /* believe X-Forwarded-Proto/-For (a reverse proxy in front) */
    cc_snapshots *snapshots; /* open-data snapshots (snapshots.h); NULL: none served */
};

/* Route handlers, one file per feature. */
void cc_page_home(cc_request *r);      /* home.c */
void cc_page_static(cc_request *r);    /* static.c */
void cc_ops_healthz(cc_request *r);    /* metrics.c */
void cc_ops_metrics(cc_request *r);    /* metrics.c */
void cc_log_checkpoint(cc_request *r); /* log_endpoints.c */
void cc_log_tile(cc_request *r);       /* log_endpoints.c */

/* The stylesheet's URL, with a version query so it can be cached forever
 * ("/static/concerto.css?v=<hash>"); static.c. */
const char *cc_static_css_url(void);

#endif
