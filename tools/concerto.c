/* concerto.c - the command-line tool: init, log, checkpoint, verify, replay,
 * export.
 *
 * Each subcommand parses its own options (getopt_long), prints errors as
 * "concerto <cmd>: <message>" on stderr and exits 0 on success, 1 on failure,
 * 2 on a usage error. */
#include "demo.h"
#include "error.h"
#include "ledger.h"
#include "serve.h"
#include "snapshot.h"
#include "text.h"
#include "views.h"
#include "writer.h"

#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXIT_USAGE 2

/* A subcommand's name (for messages) and its two texts. */
typedef struct command_doc {
    const char *name;
    const char *usage;
    const char *help;
} command_doc;

static int usage_error(const command_doc *cmd)
{
    fprintf(stderr, "usage: %s\nTry 'concerto %s --help'.\n", cmd->usage, cmd->name);
    return EXIT_USAGE;
}

/* The end of every subcommand's option switch: --help prints the help and
 * succeeds, any option getopt did not recognise is a usage error. Returns
 * the exit status. */
static int help_or_usage_error(const command_doc *cmd, int c)
{
    if (c != 'h') return usage_error(cmd);
    printf("usage: %s\n\n%s", cmd->usage, cmd->help);
    return 0;
}

static int fail(const char *cmd, const char *what, int rc)
{
    fprintf(stderr, "concerto %s: %s%s%s\n", cmd, what ? what : "", what ? ": " : "",
            cc_strerror(rc));
    return 1;
}

/* Open the ledger in dir for reading only; on failure the error names dir
 * and the exit status is returned. */
static int open_read_only(const command_doc *cmd, const char *dir, cc_ledger *l)
{
    cc_ledger_options opt = {.read_only = 1};
    int rc = cc_ledger_open(l, dir, &opt);
    return rc ? fail(cmd->name, dir, rc) : 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-') return -1;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end) return -1;
    *out = v;
    return 0;
}

/* ---- init --------------------------------------------------------------- */

static const char init_usage[] =
    "concerto init --data DIR [--demo] [--origin NAME] [--admin-username NAME]\n"
    "                    [--admin-email EMAIL]";

static const char init_help[] =
    "Create a new ledger in DIR: the LMDB env DIR/ledger, the log's signing key\n"
    "DIR/keys/log.key (mode 0600) and its verifier key DIR/keys/log.pub, and the\n"
    "first administrator account.\n"
    "\n"
    "  --data DIR             data directory (created if missing; must not hold a ledger)\n"
    "  --demo                 load the demonstration consultation (five themes...)\n"
    "  --origin NAME          log origin and key name (default " CC_DEFAULT_ORIGIN ")\n"
    "  --admin-username NAME  first administrator's username (default admin)\n"
    "  --admin-email EMAIL    first administrator's e-mail (default admin@localhost.localdomain)\n"
    "\n"
    "The administrator's password is taken from $CONCERTO_ADMIN_PASSWORD, or\n"
    "generated and printed once. The verifier key is printed: publish it.\n";
static const command_doc init_cmd = {"init", init_usage, init_help};

static int cmd_init(int argc, char **argv)
{
    static const struct option opts[] = {{"data", required_argument, 0, 'd'},
                                         {"demo", no_argument, 0, 'D'},
                                         {"origin", required_argument, 0, 'o'},
                                         {"admin-username", required_argument, 0, 'u'},
                                         {"admin-email", required_argument, 0, 'e'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *dir = NULL, *origin = CC_DEFAULT_ORIGIN, *username = "admin";
    const char *email = "admin@localhost.localdomain";
    int demo = 0, c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            dir = optarg;
            break;
        case 'D':
            demo = 1;
            break;
        case 'o':
            origin = optarg;
            break;
        case 'u':
            username = optarg;
            break;
        case 'e':
            email = optarg;
            break;
        default:
            return help_or_usage_error(&init_cmd, c);
        }
    }
    if (!dir || optind != argc) return usage_error(&init_cmd);

    char password[64];
    const char *env_pw = getenv("CONCERTO_ADMIN_PASSWORD");
    int generated = !env_pw || !*env_pw;
    if (generated) {
        uint8_t raw[18];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2base64(password, sizeof password, raw, sizeof raw,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    } else {
        snprintf(password, sizeof password, "%s", env_pw);
    }

    char verifier[512];
    int rc = cc_ledger_create(dir, origin, verifier, sizeof verifier);
    if (rc == CC_EEXISTS) {
        fprintf(stderr, "concerto init: %s already holds a ledger\n", dir);
        return 1;
    }
    if (rc) return fail("init", dir, rc);

    cc_ledger l;
    cc_writer *w = NULL;
    if ((rc = cc_ledger_open(&l, dir, NULL))) return fail("init", "open", rc);
    if ((rc = cc_writer_start(&l, NULL, &w))) {
        cc_ledger_close(&l);
        return fail("init", "writer", rc);
    }
    cc_pseudonym admin;
    rc = cc_tool_register(w, username, email, password, CC_STATUS_PUBLIC_BODY,
                          "Ministère de l'Éducation nationale", &admin);
    if (!rc) {
        cc_command cmd;
        cc_command_event(&cmd, CC_EV_ROLE_GRANTED, &admin);
        cmd.event.p = admin;
        cmd.event.role = CC_ROLE_ADMIN;
        cc_event_set(&cmd.event, CC_F_P);
        cc_event_set(&cmd.event, CC_F_ROLE);
        rc = cc_writer_exec(w, &cmd);
    }
    if (!rc && demo) rc = cc_demo_load(w, &admin, 1);
    cc_writer_stop(w);
    cc_ledger_close(&l);
    if (rc) return fail("init", "first administrator", rc);

    printf("ledger created in %s\n", dir);
    printf("administrator: %s (%s)%s%s\n", username, email, generated ? ", password: " : "",
           generated ? password : "");
    printf("verifier key: %s\n", verifier);
    sodium_memzero(password, sizeof password);
    return 0;
}

/* ---- log ---------------------------------------------------------------- */

static const char log_usage[] = "concerto log --data DIR [--from N] [--limit N] [--json]";
static const char log_help[] =
    "Print the events of the log in order, from sequence number N (default 0).\n"
    "\n"
    "  --data DIR   data directory\n"
    "  --from N     first sequence number\n"
    "  --limit N    print at most N events\n"
    "  --json       one JSON object per line: {\"seq\":N, ...the event's fields}\n"
    "\n"
    "The human form shows each event's title or text when its body is still\n"
    "stored, and [removed] when it was purged as illegal content.\n";
static const command_doc log_cmd = {"log", log_usage, log_help};

static void iso_time(uint64_t ms, char *buf, size_t cap)
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    size_t n = strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, cap - n, ".%03uZ", (unsigned)(ms % 1000));
}

/* One line of preview text from a body, with control characters flattened. */
static void body_preview(cc_ledger *l, MDB_txn *txn, const cc_event *e, char *out, size_t cap)
{
    out[0] = '\0';
    if (!cc_event_is_set(e, CC_F_COMMITMENT)) return;
    const uint8_t *nonce;
    cc_slice raw;
    cc_body body;
    if (cc_bodies_get(txn, l->bodies, e->commitment, &nonce, &raw) != 0) {
        snprintf(out, cap, "  [removed]");
        return;
    }
    if (cc_body_decode(e->type, raw.ptr, raw.len, &body) != 0) {
        snprintf(out, cap, "  [unreadable body]");
        return;
    }
    const cc_slice *s = body.f[CC_B_TITLE].ptr ? &body.f[CC_B_TITLE] : &body.f[CC_B_TEXT];
    if (!s->ptr) return;
    size_t n = s->len < 72 ? s->len : 72;
    while (n > 0 && n < s->len && (s->ptr[n] & 0xC0) == 0x80)
        n--; /* whole characters */
    size_t o = snprintf(out, cap, "  \"");
    for (size_t i = 0; i < n && o + 8 < cap; i++)
        out[o++] = s->ptr[i] < 0x20 ? ' ' : (char)s->ptr[i];
    snprintf(out + o, cap - o, "%s\"", n < s->len ? "..." : "");
}

static void print_human(cc_ledger *l, MDB_txn *txn, uint64_t seq, const cc_event *e)
{
    char when[40], line[1200], preview[300];
    iso_time(e->ts, when, sizeof when);
    int o = snprintf(line, sizeof line, "%6llu  %s  %-26s by %s", (unsigned long long)seq, when,
                     cc_event_type_name(e->type), e->by.s);
    for (int f = CC_F_P; f < CC_F_COUNT_ && o < (int)sizeof line - 100; f++) {
        if (!cc_event_is_set(e, (cc_field)f) || f == CC_F_COMMITMENT) continue;
        const char *key = cc_field_key((cc_field)f);
        switch (f) {
        case CC_F_P:
            o += snprintf(line + o, sizeof line - o, " %s=%s", key, e->p.s);
            break;
        case CC_F_ORG:
            o += snprintf(line + o, sizeof line - o, " %s=\"%s\"", key, e->org);
            break;
        case CC_F_POSTING:
            o += snprintf(line + o, sizeof line - o, " %s=%s", key, e->posting ? "yes" : "no");
            break;
        case CC_F_FILE_HASH: {
            char hex[65];
            cc_hex(e->file_hash, 32, hex);
            o += snprintf(line + o, sizeof line - o, " %s=%.16s...", key, hex);
            break;
        }
        case CC_F_OPENS:
        case CC_F_CLOSES:
        case CC_F_AT: {
            char t[40];
            iso_time(f == CC_F_OPENS    ? e->opens
                     : f == CC_F_CLOSES ? e->closes
                                        : e->at,
                     t, sizeof t);
            o += snprintf(line + o, sizeof line - o, " %s=%s", key, t);
            break;
        }
        default: {
            uint8_t v = f == CC_F_STATUS   ? e->status
                        : f == CC_F_ROLE   ? e->role
                        : f == CC_F_KIND   ? e->kind
                        : f == CC_F_SIDE   ? e->side
                        : f == CC_F_VALUE  ? e->value
                        : f == CC_F_GROUND ? e->ground
                        : f == CC_F_MIME   ? e->mime
                                           : e->reason;
            const char *name = cc_field_enum_name((cc_field)f, v);
            if (name) {
                o += snprintf(line + o, sizeof line - o, " %s=%s", key, name);
            } else {
                uint64_t n = f == CC_F_THEME       ? e->theme
                             : f == CC_F_SECTION   ? e->section
                             : f == CC_F_ITEM      ? e->item
                             : f == CC_F_ORDER     ? e->order
                             : f == CC_F_FILE_SIZE ? e->file_size
                                                   : e->log_size;
                o += snprintf(line + o, sizeof line - o, " %s=%llu", key, (unsigned long long)n);
            }
        }
        }
    }
    body_preview(l, txn, e, preview, sizeof preview);
    printf("%s%s\n", line, preview);
}

static int cmd_log(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'},  {"from", required_argument, 0, 'f'},
        {"limit", required_argument, 0, 'n'}, {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
    const char *dir = NULL;
    uint64_t from = 0, limit = UINT64_MAX;
    int json = 0, c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            dir = optarg;
            break;
        case 'f':
            if (parse_u64(optarg, &from)) return usage_error(&log_cmd);
            break;
        case 'n':
            if (parse_u64(optarg, &limit)) return usage_error(&log_cmd);
            break;
        case 'j':
            json = 1;
            break;
        default:
            return help_or_usage_error(&log_cmd, c);
        }
    }
    if (!dir || optind != argc) return usage_error(&log_cmd);
    cc_ledger l;
    if (open_read_only(&log_cmd, dir, &l)) return 1;
    MDB_txn *txn;
    int rc = cc_ledger_read_begin(&l, &txn);
    if (rc) {
        cc_ledger_close(&l);
        return fail("log", "read", rc);
    }
    cc_log_iter it;
    uint64_t seq, printed = 0;
    cc_slice entry;
    rc = cc_log_iter_open(txn, l.log, from, &it);
    while (!rc && printed < limit && (rc = cc_log_iter_next(&it, &seq, &entry)) == 0) {
        cc_event e;
        if ((rc = cc_event_decode(entry.ptr, entry.len, &e))) break;
        if (json) {
            char buf[2048];
            size_t n = cc_event_to_json(&e, buf, sizeof buf);
            printf("{\"seq\":%llu,%.*s\n", (unsigned long long)seq, (int)(n - 1), buf + 1);
        } else {
            print_human(&l, txn, seq, &e);
        }
        printed++;
    }
    cc_log_iter_close(&it);
    cc_ledger_read_end(&l, txn);
    cc_ledger_close(&l);
    if (rc && rc != CC_ENOTFOUND) {
        char what[64];
        snprintf(what, sizeof what, "entry %llu", (unsigned long long)it.next);
        return fail("log", what, rc);
    }
    return 0;
}

/* ---- checkpoint --------------------------------------------------------- */

static const char checkpoint_usage[] = "concerto checkpoint --data DIR";
static const char checkpoint_help[] =
    "Print the current signed checkpoint (C2SP tlog-checkpoint, signed-note\n"
    "Ed25519 signature), as stored with the last commit.\n";
static const command_doc checkpoint_cmd = {"checkpoint", checkpoint_usage, checkpoint_help};

static int cmd_checkpoint(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *dir = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            dir = optarg;
            break;
        default:
            return help_or_usage_error(&checkpoint_cmd, c);
        }
    }
    if (!dir || optind != argc) return usage_error(&checkpoint_cmd);
    cc_ledger l;
    if (open_read_only(&checkpoint_cmd, dir, &l)) return 1;
    MDB_txn *txn;
    cc_slice note;
    int rc = cc_ledger_read_begin(&l, &txn);
    if (!rc) {
        if (!(rc = cc_ledger_checkpoint(&l, txn, &note))) fwrite(note.ptr, 1, note.len, stdout);
        cc_ledger_read_end(&l, txn);
    }
    cc_ledger_close(&l);
    return rc ? fail("checkpoint", NULL, rc) : 0;
}

/* ---- verify ------------------------------------------------------------- */

static const char verify_usage[] = "concerto verify --data DIR [--key VERIFIER_KEY]\n"
                                   "       concerto verify --snapshot SNAPDIR --key VERIFIER_KEY";
static const char verify_help[] =
    "Check the whole ledger: every record's checksum and strict decoding, the\n"
    "stored Merkle hashes against the entries, the checkpoint's signature and\n"
    "root, every body against its commitment, and that only removed items lack\n"
    "a body. Exit 0 when everything holds; otherwise the first failure is named\n"
    "and the exit status is 1.\n"
    "\n"
    "With --snapshot, check an open-data snapshot (`concerto export`) as an\n"
    "auditor does, trusting nothing but the verifier key: the checkpoint's\n"
    "signature, the Merkle tree rebuilt from the entry bundles, every hash tile,\n"
    "every body against its commitment (and the proofs of later removals), then\n"
    "every table and statistic recomputed by replaying the entries, the\n"
    "metadata files and the MANIFEST. The first difference is named: file, row,\n"
    "column, expected and found values.\n"
    "\n"
    "  --data DIR            data directory\n"
    "  --snapshot SNAPDIR    a snapshot directory instead of a data directory\n"
    "  --key VERIFIER_KEY    the published verifier key (name+id+key), or a file\n"
    "                        holding it; default DIR/keys/log.pub (required with\n"
    "                        --snapshot: never take the key from the snapshot)\n";
static const command_doc verify_cmd = {"verify", verify_usage, verify_help};

/* The verifier key given on the command line, or read from the file it
 * names. */
static int load_verifier(const char *key, cc_verifier *v)
{
    char text[600];
    size_t len = 0;
    FILE *f = strchr(key, '+') ? NULL : fopen(key, "r");
    if (f) {
        len = fread(text, 1, sizeof text - 1, f);
        fclose(f);
    } else {
        len = strlen(key) < sizeof text - 1 ? strlen(key) : sizeof text - 1;
        memcpy(text, key, len);
    }
    text[len] = '\0';
    while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        text[--len] = '\0';
    return cc_verifier_parse(text, len, v);
}

static int verify_snapshot(const char *dir, const cc_verifier *v)
{
    char msg[CC_SNAPSHOT_MSG_MAX];
    cc_snapshot_info info;
    int rc = cc_snapshot_verify(dir, v, &info, msg, sizeof msg);
    if (rc) {
        fprintf(stderr, "concerto verify: FAILED: %s\n", msg[0] ? msg : cc_strerror(rc));
        return 1;
    }
    printf("ok: snapshot of %llu entries; checkpoint signature, Merkle tree, tiles, %llu bodies"
           "%s, %llu rows recomputed by replay, and MANIFEST (%llu files) verified\n",
           (unsigned long long)info.size, (unsigned long long)info.bodies,
           info.withheld ? " (and proofs for the ones removed later)" : "",
           (unsigned long long)info.rows, (unsigned long long)info.files);
    return 0;
}

static int cmd_verify(int argc, char **argv)
{
    static const struct option opts[] = {{"data", required_argument, 0, 'd'},
                                         {"snapshot", required_argument, 0, 's'},
                                         {"key", required_argument, 0, 'k'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *dir = NULL, *key = NULL, *snapshot = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            dir = optarg;
            break;
        case 's':
            snapshot = optarg;
            break;
        case 'k':
            key = optarg;
            break;
        default:
            return help_or_usage_error(&verify_cmd, c);
        }
    }
    if (optind != argc || !dir == !snapshot || (snapshot && !key)) return usage_error(&verify_cmd);
    cc_verifier v, *vp = NULL;
    if (key) {
        int rc = load_verifier(key, &v);
        if (rc) return fail("verify", "--key", rc);
        vp = &v;
    }
    if (snapshot) return verify_snapshot(snapshot, vp);
    cc_ledger l;
    if (open_read_only(&verify_cmd, dir, &l)) return 1;
    char msg[256];
    int rc = cc_ledger_verify(&l, vp, msg, sizeof msg);
    uint64_t size = 0;
    MDB_txn *txn;
    if (!rc && !cc_ledger_read_begin(&l, &txn)) {
        cc_log_size(txn, l.log, &size);
        cc_ledger_read_end(&l, txn);
    }
    cc_ledger_close(&l);
    if (rc) {
        fprintf(stderr, "concerto verify: FAILED: %s\n", msg[0] ? msg : cc_strerror(rc));
        return 1;
    }
    printf("ok: %llu entries; checksums, tree, checkpoint signature and bodies verified\n",
           (unsigned long long)size);
    return 0;
}

/* ---- export ------------------------------------------------------------- */

static const char export_usage[] = "concerto export --data DIR --out SNAPDIR [--at SIZE]";
static const char export_help[] =
    "Write an open-data snapshot of the log at size SIZE (default: the current\n"
    "size) into SNAPDIR, which must not exist: every table as CSV (RFC 4180) and\n"
    "JSON Lines, datapackage.json (Frictionless), README.md (French and\n"
    "English), LICENSE (Licence Ouverte 2.0), the texts with their nonces, the\n"
    "documents, the checkpoint signed at SIZE, the log as C2SP tlog-tiles entry\n"
    "bundles and hash tiles, and a MANIFEST of SHA-256 and row counts. No\n"
    "username, e-mail or other vault data is ever exported. Two exports at the\n"
    "same size are byte-identical. `concerto verify --snapshot` checks one.\n"
    "\n"
    "  --data DIR      data directory (its signing key signs the checkpoint)\n"
    "  --out SNAPDIR   directory to create\n"
    "  --at SIZE       log size to export (0 .. current size)\n";
static const command_doc export_cmd = {"export", export_usage, export_help};

static int cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {{"data", required_argument, 0, 'd'},
                                         {"out", required_argument, 0, 'o'},
                                         {"at", required_argument, 0, 'a'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *dir = NULL, *out = NULL;
    uint64_t at = UINT64_MAX;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            dir = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 'a':
            if (parse_u64(optarg, &at) || at == UINT64_MAX) return usage_error(&export_cmd);
            break;
        default:
            return help_or_usage_error(&export_cmd, c);
        }
    }
    if (!dir || !out || optind != argc) return usage_error(&export_cmd);
    char msg[CC_SNAPSHOT_MSG_MAX];
    cc_snapshot_info info;
    int rc = cc_snapshot_export(dir, out, at, &info, msg, sizeof msg);
    if (rc) {
        fprintf(stderr, "concerto export: %s\n", msg[0] ? msg : cc_strerror(rc));
        return 1;
    }
    printf("snapshot of %llu entries written to %s: %llu files, %llu rows, %llu bodies%s\n",
           (unsigned long long)info.size, out, (unsigned long long)info.files,
           (unsigned long long)info.rows, (unsigned long long)info.bodies,
           info.withheld ? " (and proofs for the ones removed later)" : "");
    return 0;
}

/* ---- replay ------------------------------------------------------------- */

static const char replay_usage[] = "concerto replay --data DIR";
static const char replay_help[] =
    "Rebuild, from the log alone, the write-side state (in the ledger) and every\n"
    "view (DIR/views: live site, trash bin, statistics), and report the speed.\n"
    "Run it with the server stopped. The rebuilt views are byte-identical to the\n"
    "ones built incrementally.\n";
static const command_doc replay_cmd = {"replay", replay_usage, replay_help};

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static int cmd_replay(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *dir = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            dir = optarg;
            break;
        default:
            return help_or_usage_error(&replay_cmd, c);
        }
    }
    if (!dir || optind != argc) return usage_error(&replay_cmd);
    cc_ledger l;
    int rc = cc_ledger_open(&l, dir, NULL);
    if (rc) return fail("replay", dir, rc);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    uint64_t events = 0;
    if ((rc = cc_ledger_rebuild_state(&l, &events))) {
        cc_ledger_close(&l);
        return fail("replay", "write-side state", rc);
    }
    double state_s = seconds_since(&t0);
    printf("write-side state: %llu events in %.3f s (%.0f events/s)\n", (unsigned long long)events,
           state_s, state_s > 0 ? (double)events / state_s : 0.0);
    char views_dir[4096];
    snprintf(views_dir, sizeof views_dir, "%s/views", dir);
    cc_views *v;
    if ((rc = cc_views_open(&v, views_dir, &l, NULL))) {
        cc_ledger_close(&l);
        return fail("replay", "views", rc);
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (!(rc = cc_views_clear(v))) rc = cc_views_catch_up(v, UINT64_MAX, &events);
    double views_s = seconds_since(&t0);
    if (!rc)
        printf("views: %llu events in %.3f s (%.0f events/s)\n", (unsigned long long)events,
               views_s, views_s > 0 ? (double)events / views_s : 0.0);
    cc_views_close(v);
    cc_ledger_close(&l);
    return rc ? fail("replay", "views", rc) : 0;
}

/* ---- main --------------------------------------------------------------- */

static const char main_help[] =
    "usage: concerto <command> [options]\n"
    "\n"
    "commands:\n"
    "  init        create a ledger (optionally with the demo consultation)\n"
    "  log         print the events of the log\n"
    "  checkpoint  print the current signed checkpoint\n"
    "  verify      check checksums, Merkle tree, checkpoint and bodies, or a snapshot\n"
    "  replay      rebuild the write-side state and every view from the log\n"
    "  serve       run the public site and API (default http://127.0.0.1:8080)\n"
    "  export      write an open-data snapshot (CSV, JSON Lines, tiles, checkpoint)\n"
    "\n"
    "'concerto <command> --help' describes each command.\n";

int main(int argc, char **argv)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "concerto: libsodium failed to initialise\n");
        return 1;
    }
    if (argc < 2) {
        fputs(main_help, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(main_help, stdout);
        return 0;
    }
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } commands[] = {{"init", cmd_init},     {"log", cmd_log},       {"checkpoint", cmd_checkpoint},
                    {"verify", cmd_verify}, {"replay", cmd_replay}, {"serve", cc_serve_main},
                    {"export", cmd_export}};
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (!strcmp(cmd, commands[i].name)) return commands[i].fn(argc - 1, argv + 1);
    }
    fprintf(stderr, "concerto: unknown command '%s'\n\n%s", cmd, main_help);
    return EXIT_USAGE;
}
