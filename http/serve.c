/* serve.c - the process around the server: options, start-up and shut-down
 * order, signals.
 *
 * Start-up, each step needing the previous one:
 *   ledger open -> writer start -> metrics -> views open -> snapshots dir ->
 *   writer listeners (views wake-up, batch-size metrics, snapshot exporter
 *   wake-up) -> views worker start -> snapshot exporter start -> HTTP.
 * Shut-down runs backwards with one deliberate swap: the writer stops before
 * the views worker and the exporter. The writer calls their listeners after
 * each commit, so they must outlive it; and since the HTTP loops are gone by
 * then, nothing new can be queued while the writer finishes what was. The
 * exporter stops before the views close (it reads them); an export in
 * progress is killed and its partial files removed.
 *
 * Signals: SIGINT and SIGTERM are blocked before any thread exists, so every
 * thread (writer, views worker, loops) inherits the mask and the main thread
 * alone receives them, synchronously, with sigwait. No handler runs in an
 * arbitrary thread and no async-signal-safety puzzle arises. SIGPIPE is
 * ignored: a client that goes away is an ordinary write error. */
#include "serve.h"

#include "error.h"
#include "log.h"
#include "mail.h"
#include "metrics.h"
#include "ratelimit.h"
#include "server.h"
#include "snapshots.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXIT_USAGE 2

static const char usage[] =
    "concerto serve --data DIR [--listen ADDR:PORT] [--threads N]\n"
    "                      [--access-log FILE | --no-access-log] [--smtp-url URL]\n"
    "                      [--mail-from ADDR] [--contact-to ADDR] [--public-url URL]\n"
    "                      [--secure-cookies]\n"
    "                      [--trust-proxy] [--rate-limit KIND=N/SECONDS]...\n"
    "                      [--snapshot-interval SECONDS]";

static const char help[] =
    "Serve the public web site, its JSON API and the log endpoints of DIR.\n"
    "\n"
    "  --data DIR          data directory created by 'concerto init'\n"
    "  --listen ADDR:PORT  address to listen on (default " CC_SERVER_DEFAULT_LISTEN
    "; [::1]:PORT for IPv6;\n"
    "                      port 0 picks a free port, printed at start-up)\n"
    "  --threads N         event loops (default: one per CPU)\n"
    "  --access-log FILE   append the access log to FILE (default: standard error)\n"
    "  --no-access-log     do not write an access log\n"
    "  --smtp-url URL      SMTP server for e-mail (smtp:// or smtps://); without it,\n"
    "                      messages are written as .eml files under DIR/mail\n"
    "  --mail-from ADDR    sender of e-mail (default noreply@localhost.localdomain)\n"
    "  --contact-to ADDR   where contact-form messages go (default: the sender)\n"
    "  --public-url URL    base of links in e-mail (default http://LISTEN)\n"
    "  --secure-cookies    mark cookies Secure (the site is served over TLS)\n"
    "  --trust-proxy       believe X-Forwarded-Proto and X-Forwarded-For (a reverse\n"
    "                      proxy in front sets them)\n"
    "  --rate-limit KIND=N/SECONDS  allow N requests per SECONDS for KIND (login,\n"
    "                      login_name, register, reset, post, flag, contact); 0 disables\n"
    "  --snapshot-interval SECONDS  refresh the open-data snapshot DIR/snapshots/latest\n"
    "                      at most every SECONDS after writes (default 300; 0: never).\n"
    "                      A snapshot is also made at each theme close, whatever this\n"
    "                      says, and kept (DIR/snapshots/theme-<id>-<size>)\n"
    "\n"
    "Stops gracefully on SIGINT or SIGTERM: requests in flight are answered and\n"
    "queued writes committed before the process exits with status 0.\n";

static int usage_error(void)
{
    fprintf(stderr, "usage: %s\nTry 'concerto serve --help'.\n", usage);
    return EXIT_USAGE;
}

static int fail(const char *what, int rc)
{
    fprintf(stderr, "concerto serve: %s: %s\n", what, cc_strerror(rc));
    return 1;
}

typedef struct serve_options {
    const char *dir;
    const char *listen;
    const char *access_log;
    const char *smtp_url;
    const char *mail_from;
    const char *contact_to;
    const char *public_url;
    unsigned threads;
    int no_access_log;
    int secure_cookies, trust_proxy;
    unsigned snapshot_interval;
    cc_rate_rule rules[CC_RATE_COUNT_];
} serve_options;

static int parse(int argc, char **argv, serve_options *o, int *exit_code)
{
    static const struct option longopts[] = {{"data", required_argument, 0, 'd'},
                                             {"listen", required_argument, 0, 'l'},
                                             {"threads", required_argument, 0, 't'},
                                             {"access-log", required_argument, 0, 'a'},
                                             {"no-access-log", no_argument, 0, 'n'},
                                             {"smtp-url", required_argument, 0, 's'},
                                             {"help", no_argument, 0, 'h'},
                                             {"mail-from", required_argument, 0, 'f'},
                                             {"contact-to", required_argument, 0, 'C'},
                                             {"public-url", required_argument, 0, 'u'},
                                             {"secure-cookies", no_argument, 0, 'S'},
                                             {"trust-proxy", no_argument, 0, 'P'},
                                             {"rate-limit", required_argument, 0, 'r'},
                                             {"snapshot-interval", required_argument, 0, 'i'},
                                             {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    o->listen = CC_SERVER_DEFAULT_LISTEN;
    o->mail_from = "noreply@localhost.localdomain";
    cc_ratelimit_defaults(o->rules);
    o->snapshot_interval = CC_SNAPSHOTS_DEFAULT_INTERVAL;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            o->dir = optarg;
            break;
        case 'l':
            o->listen = optarg;
            break;
        case 't': {
            char *end;
            errno = 0;
            unsigned long v = strtoul(optarg, &end, 10);
            if (errno || *end || optarg[0] == '-' || v < 1 || v > CC_SERVER_MAX_THREADS) {
                fprintf(stderr, "concerto serve: --threads wants a number from 1 to %d\n",
                        CC_SERVER_MAX_THREADS);
                *exit_code = EXIT_USAGE;
                return -1;
            }
            o->threads = (unsigned)v;
            break;
        }
        case 'a':
            o->access_log = optarg;
            break;
        case 'n':
            o->no_access_log = 1;
            break;
        case 's':
            o->smtp_url = optarg;
            break;
        case 'f':
            o->mail_from = optarg;
            break;
        case 'C':
            o->contact_to = optarg;
            break;
        case 'u':
            o->public_url = optarg;
            break;
        case 'S':
            o->secure_cookies = 1;
            break;
        case 'P':
            o->trust_proxy = 1;
            break;
        case 'r':
            if (cc_ratelimit_parse_rule(optarg, o->rules)) {
                fprintf(stderr, "concerto serve: --rate-limit wants KIND=N/SECONDS, not '%s'\n",
                        optarg);
                *exit_code = EXIT_USAGE;
                return -1;
            }
            break;
        case 'i': {
            char *end;
            errno = 0;
            unsigned long v = strtoul(optarg, &end, 10);
            if (errno || *end || !optarg[0] || optarg[0] == '-' || v > 31536000) {
                fprintf(stderr,
                        "concerto serve: --snapshot-interval wants seconds from 0 to 31536000\n");
                *exit_code = EXIT_USAGE;
                return -1;
            }
            o->snapshot_interval = (unsigned)v;
            break;
        }
        case 'h':
            printf("usage: %s\n\n%s", usage, help);
            *exit_code = 0;
            return -1;
        default:
            *exit_code = usage_error();
            return -1;
        }
    }
    if (!o->dir || optind != argc || (o->access_log && o->no_access_log)) {
        *exit_code = usage_error();
        return -1;
    }
    char host[256];
    uint16_t port;
    if (cc_server_parse_listen(o->listen, host, sizeof host, &port)) {
        fprintf(stderr, "concerto serve: --listen wants ADDR:PORT (or [IPv6]:PORT), not '%s'\n",
                o->listen);
        *exit_code = EXIT_USAGE;
        return -1;
    }
    if (o->smtp_url && strncmp(o->smtp_url, "smtp://", 7) && strncmp(o->smtp_url, "smtps://", 8)) {
        fprintf(stderr, "concerto serve: --smtp-url wants an smtp:// or smtps:// URL\n");
        *exit_code = EXIT_USAGE;
        return -1;
    }
    return 0;
}

static uint64_t log_size(cc_ledger *l)
{
    MDB_txn *txn;
    uint64_t size = 0;
    if (cc_ledger_read_begin(l, &txn) == 0) {
        if (cc_log_size(txn, l->log, &size)) size = 0;
        cc_ledger_read_end(l, txn);
    }
    return size;
}

int cc_serve_main(int argc, char **argv)
{
    serve_options o;
    int code = 0;
    if (parse(argc, argv, &o, &code)) return code;
    if (sodium_init() < 0) {
        fprintf(stderr, "concerto serve: libsodium failed to initialise\n");
        return 1;
    }

    /* Before any thread exists: see the essay above. */
    sigset_t stop_signals, old_mask;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, &old_mask);
    struct sigaction ignore, old_pipe;
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, &old_pipe);

    int rc, status = 1, log_fd = STDERR_FILENO;
    cc_ledger ledger;
    cc_writer *writer = NULL;
    cc_views *views = NULL;
    cc_metrics *metrics = NULL;
    cc_server *server = NULL;
    cc_mailer *mailer = NULL;
    cc_mail_queue *mailq = NULL;
    cc_ratelimit *ratelimit = NULL;
    cc_snapshots *snapshots = NULL;
    int ledger_open = 0;
    char *views_dir = NULL;
    char public_url[512];

    if (o.no_access_log) {
        log_fd = -1;
    } else if (o.access_log && strcmp(o.access_log, "-")) {
        log_fd = open(o.access_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
        if (log_fd < 0) {
            fprintf(stderr, "concerto serve: %s: %s\n", o.access_log, strerror(errno));
            goto out;
        }
    }
    if ((rc = cc_ledger_open(&ledger, o.dir, NULL))) {
        fprintf(stderr, "concerto serve: cannot open the ledger in %s: %s\n", o.dir,
                cc_strerror(rc));
        goto out;
    }
    ledger_open = 1;
    if ((rc = cc_writer_start(&ledger, NULL, &writer))) {
        fail("writer", rc);
        goto out;
    }
    unsigned threads = o.threads ? o.threads : cc_server_default_threads();
    if ((rc = cc_metrics_create(threads, &metrics))) {
        fail("metrics", rc);
        goto out;
    }
    size_t n = strlen(o.dir) + sizeof "/views";
    if (!(views_dir = malloc(n))) {
        fail("views", CC_ENOMEM);
        goto out;
    }
    snprintf(views_dir, n, "%s/views", o.dir);
    if ((rc = cc_views_open(&views, views_dir, &ledger, NULL))) {
        fprintf(stderr, "concerto serve: cannot open the views in %s: %s\n", views_dir,
                cc_strerror(rc));
        goto out;
    }
    /* Bring the views up to date before the first request, so the site
     * never shows a log prefix it has already acknowledged beyond (views
     * persist, so this replays only what the last run had not applied). */
    uint64_t caught_up = 0;
    if ((rc = cc_views_catch_up(views, UINT64_MAX, &caught_up))) {
        fail("views catch-up", rc);
        goto out;
    }
    if (caught_up)
        fprintf(stderr, "concerto serve: views caught up with %llu events\n",
                (unsigned long long)caught_up);
    cc_metrics_set_log_size(metrics, log_size(&ledger));
    if ((rc = cc_snapshots_open(&ledger, views, o.snapshot_interval, &snapshots))) {
        fail("snapshots", rc);
        goto out;
    }
    if ((rc = cc_writer_listen(writer, cc_views_notify, views)) ||
        (rc = cc_writer_listen(writer, cc_metrics_on_commit, metrics)) ||
        (rc = cc_writer_listen(writer, cc_snapshots_notify, snapshots))) {
        fail("writer listeners", rc);
        goto out;
    }
    if ((rc = cc_views_start(views))) {
        fail("views worker", rc);
        goto out;
    }
    if ((rc = cc_snapshots_start(snapshots))) {
        fail("snapshot exporter", rc);
        goto out;
    }

    cc_mail_config mc = {o.smtp_url,  NULL, NULL, 0, o.smtp_url ? NULL : o.dir,
                         o.mail_from, NULL, 0};
    if ((rc = cc_mail_open(&mc, &mailer)) || (rc = cc_mail_queue_start(mailer, 1024, &mailq))) {
        fail("mail", rc);
        goto out;
    }
    if ((rc = cc_ratelimit_create(o.rules, &ratelimit))) {
        fail("rate limits", rc);
        goto out;
    }

    /* Links in mails: --public-url, else the address we listen on. */
    snprintf(public_url, sizeof public_url, "%s%s", o.public_url ? "" : "http://",
             o.public_url ? o.public_url : o.listen);
    for (size_t pl = strlen(public_url); pl && public_url[pl - 1] == '/';)
        public_url[--pl] = '\0';

    cc_site site = {.ledger = &ledger,
                    .views = views,
                    .writer = writer,
                    .metrics = metrics,
                    .mail = mailq,
                    .ratelimit = ratelimit,
                    .public_url = public_url,
                    .secure_cookies = o.secure_cookies,
                    .trust_proxy = o.trust_proxy};
    cc_server_options so = {o.listen, threads, log_fd, 0, 0, 0};
    site.snapshots = snapshots;
    site.contact_to = o.contact_to ? o.contact_to : o.mail_from;
    if ((rc = cc_server_start(&site, &so, &server))) {
        fprintf(stderr, "concerto serve: cannot listen on %s: %s\n", o.listen, cc_strerror(rc));
        goto out;
    }
    /* Port 0 asked: the links need the real one. No request can arrive
     * before the address is printed below, so nobody reads this yet. */
    char lhost[256];
    uint16_t lport = 1;
    cc_server_parse_listen(o.listen, lhost, sizeof lhost, &lport);
    if (!o.public_url && lport == 0)
        snprintf(public_url, sizeof public_url, "http://%s", cc_server_address(server));
    printf("concerto serve: listening on http://%s (%u thread%s, data %s)\n",
           cc_server_address(server), threads, threads > 1 ? "s" : "", o.dir);
    fflush(stdout);

    int sig = 0;
    while (sigwait(&stop_signals, &sig) != 0) {
    }
    fprintf(stderr, "concerto serve: %s received, finishing requests in flight\n",
            sig == SIGINT ? "SIGINT" : "SIGTERM");
    cc_server_stop(server);
    server = NULL;
    status = 0;

out:
    if (server) cc_server_stop(server);
    if (mailq) cc_mail_queue_free(mailq);
    cc_mail_free(mailer);
    cc_ratelimit_free(ratelimit);
    if (writer) cc_writer_stop(writer);
    cc_snapshots_free(snapshots);
    if (views) {
        cc_views_stop(views);
        cc_views_close(views);
    }
    if (ledger_open) cc_ledger_close(&ledger);
    cc_metrics_free(metrics);
    free(views_dir);
    if (log_fd >= 0 && log_fd != STDERR_FILENO) close(log_fd);
    if (status == 0) fprintf(stderr, "concerto serve: stopped\n");
    sigaction(SIGPIPE, &old_pipe, NULL);
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    return status;
}
