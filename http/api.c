/* api.c - the read-only JSON API under /api/v1/ (docs/API.md).
 *
 * Every public view of the site has an endpoint here, answering JSON built
 * with jansson (which checks UTF-8 and escapes everything), so no byte of a
 * user's text reaches the output unescaped. Lists are paginated with
 * ?offset=&limit= and answer {"items","offset","limit","total","next"};
 * every answer carries "log_size", the number of log entries the views had
 * applied when they were read.
 *
 * A request runs in three steps, as home.c does: (1) a read transaction of
 * the views env builds the JSON tree from ids, counters and commitments,
 * and records which objects still need a text (a commitment to look up) or
 * a username (a pseudonym to look up in the vault); (2) a read transaction
 * of the ledger fills those in; (3) the tree is serialised. The two
 * transactions are never open at once (see home.c for the lock-order
 * reason). A body missing in step 2 was removed: the object then says
 * {"removed":true} and keeps its commitment, nothing else about the text.
 *
 * Parameters are strict: an unknown, repeated or malformed parameter, or a
 * malformed id, is a 400 with a JSON error naming it; an id no view knows
 * is a 404. The parser never trusts the query: percent-escapes are checked,
 * numbers are parsed by hand with overflow checks. */
#include "body.h"
#include "error.h"
#include "live.h"
#include "response.h"
#include "site.h"
#include "stats.h"
#include "text.h"
#include "trash.h"
#include "vault.h"

#include <jansson.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define API_PREFIX "/api/v1/"
#define API_DEFAULT_LIMIT 20
#define API_MAX_PARAMS 16
#define API_MAX_SEGMENTS 4

typedef struct api_param {
    h2o_iovec_t key, raw, value; /* key and value decoded; raw as received */
} api_param;

/* A text still to read from the bodies: fills the fields of obj. */
typedef struct api_text {
    struct api_text *next;
    json_t *obj;
    uint8_t c[32];
    cc_event_type type;
    const char *text_key; /* key for the body's "text" field ("text" when NULL) */
    int optional;         /* a missing body sets text_key to null, not "removed" */
} api_text;

typedef struct api_user {
    struct api_user *next;
    json_t *obj;
    cc_pseudonym p;
} api_user;

typedef struct api_ctx {
    cc_request *r;
    h2o_mem_pool_t *pool;
    api_param params[API_MAX_PARAMS];
    size_t nparams;
    h2o_iovec_t seg[API_MAX_SEGMENTS];
    size_t nseg;
    MDB_txn *txn; /* views */
    const cc_live *lv;
    const cc_trash *tv;
    const cc_stats *sv;
    uint64_t log_size;
    json_t *root;
    api_text *texts;
    api_user *users;
    /* an error decided while in the views transaction */
    int err_status;
    const char *err_code;
    char err_msg[256];
} api_ctx;

/* ---- small helpers ------------------------------------------------------ */

static void hex32(const uint8_t c[32], char out[65])
{
    static const char d[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = d[c[i] >> 4];
        out[2 * i + 1] = d[c[i] & 15];
    }
    out[64] = '\0';
}

static json_t *jhex(const uint8_t c[32])
{
    char h[65];
    hex32(c, h);
    return json_string(h);
}

/* A datetime as the open data writes it (YYYY-MM-DDTHH:MM:SS.mmmZ), or
 * null for 0 (never happened). */
static json_t *jtime(uint64_t ms)
{
    if (!ms) return json_null();
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (!gmtime_r(&t, &tm)) return json_null();
    char buf[96];
    snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)(ms % 1000));
    return json_string(buf);
}

static json_t *jday(uint32_t day)
{
    time_t t = (time_t)day * 86400;
    struct tm tm;
    if (!gmtime_r(&t, &tm)) return json_null();
    char buf[64];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    return json_string(buf);
}

static json_t *jint(uint64_t v)
{
    return json_integer((json_int_t)v);
}

/* A string from the outside world; null when it is not valid UTF-8 (bodies
 * are validated when written, so this does not happen with a sound
 * ledger). */
static json_t *jstrn(const void *p, size_t n)
{
    json_t *s = json_stringn((const char *)p, n);
    return s ? s : json_null();
}

static json_t *jenum(cc_field f, unsigned v)
{
    const char *s = cc_field_enum_name(f, v);
    return s ? json_string(s) : json_null();
}

static void set(json_t *o, const char *k, json_t *v)
{
    json_object_set_new(o, k, v ? v : json_null());
}

static const char *item_state_name(uint8_t s)
{
    return s == CC_TRASHED ? "trashed" : s == CC_REMOVED ? "removed" : "published";
}

static const char *theme_state_name(uint8_t s)
{
    return s == CC_THEME_OPEN ? "open" : s == CC_THEME_CLOSED ? "closed" : "draft";
}

static const char *kind_name(uint8_t k)
{
    static const char *const names[] = {NULL,     "theme",   "section",  "contribution", "argument",
                                        "source", "comment", "document", "meeting"};
    return k < sizeof names / sizeof names[0] ? names[k] : NULL;
}

static json_t *jkind(uint8_t k)
{
    const char *s = kind_name(k);
    return s ? json_string(s) : json_null();
}

static void want_text(api_ctx *a, json_t *obj, const uint8_t c[32], cc_event_type type,
                      const char *text_key, int optional)
{
    api_text *t = h2o_mem_alloc_pool(a->pool, sizeof *t);
    t->obj = obj;
    memcpy(t->c, c, 32);
    t->type = type;
    t->text_key = text_key;
    t->optional = optional;
    t->next = a->texts;
    a->texts = t;
}

/* The texts of an item: its body fields, or {"removed":true} for a removed
 * item (the commitment is already in obj). */
static void item_texts(api_ctx *a, json_t *obj, const cc_live_item *it)
{
    if (it->state == CC_REMOVED && it->kind != CC_ITEM_THEME && it->kind != CC_ITEM_SECTION) {
        set(obj, "removed", json_true());
        return;
    }
    want_text(a, obj, it->commitment, cc_item_body_type(it->kind), NULL, 0);
}

static void fail(api_ctx *a, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void fail(api_ctx *a, int status, const char *code, const char *fmt, ...)
{
    if (a->err_status) return;
    a->err_status = status;
    a->err_code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->err_msg, sizeof a->err_msg, fmt, ap);
    va_end(ap);
}

/* ---- responses ---------------------------------------------------------- */

static void send_json(cc_request *r, int status, json_t *root, int cache)
{
    char *s = json_dumps(root, JSON_COMPACT);
    cc_out o;
    cc_out_init(&o, &r->req->pool);
    if (s) {
        cc_out_append(&o, s, strlen(s));
        cc_out_append(&o, "\n", 1);
        free(s);
    } else {
        status = 500;
        cc_out_puts(&o, "{\"error\":{\"code\":\"internal\",\"message\":\"could not encode\"}}\n");
        cache = 0;
    }
    cc_response how = {status, "application/json; charset=utf-8",
                       cache ? CC_CACHE_REVALIDATE : CC_CACHE_NO_STORE, cache ? CC_RESP_ETAG : 0};
    cc_http_respond(r, &how, &o);
}

static void send_error(cc_request *r, int status, const char *code, const char *msg)
{
    json_t *root = json_object();
    json_t *e = json_object();
    set(e, "code", json_string(code));
    set(e, "message", jstrn(msg, strlen(msg)));
    set(root, "error", e);
    send_json(r, status, root, 0);
    json_decref(root);
}

/* ---- the query string --------------------------------------------------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decode (and '+' as space) into the pool; -1 on a bad escape. */
static int decode(h2o_mem_pool_t *pool, const char *s, size_t n, h2o_iovec_t *out)
{
    char *d = h2o_mem_alloc_pool(pool, n + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            if (i + 2 >= n) return -1;
            int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
            if (hi < 0 || lo < 0) return -1;
            d[j++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (s[i] == '+') {
            d[j++] = ' ';
        } else {
            d[j++] = s[i];
        }
    }
    d[j] = '\0';
    *out = h2o_iovec_init(d, j);
    return 0;
}

static int parse_query(api_ctx *a)
{
    const char *q = a->r->query.base;
    size_t n = a->r->query.len, i = 0;
    while (q && i < n) {
        size_t end = i;
        while (end < n && q[end] != '&')
            end++;
        if (end > i) {
            if (a->nparams == API_MAX_PARAMS) {
                fail(a, 400, "too_many_parameters", "at most %d query parameters", API_MAX_PARAMS);
                return -1;
            }
            const char *eq = memchr(q + i, '=', end - i);
            size_t klen = eq ? (size_t)(eq - (q + i)) : end - i;
            api_param *p = &a->params[a->nparams++];
            p->raw = h2o_iovec_init(q + i, end - i);
            if (decode(a->pool, q + i, klen, &p->key) ||
                decode(a->pool, eq ? eq + 1 : q + end, eq ? (size_t)(q + end - eq - 1) : 0,
                       &p->value)) {
                fail(a, 400, "malformed_query", "the query string has a malformed %%-escape");
                return -1;
            }
        }
        i = end + 1;
    }
    return 0;
}

/* Check every parameter is one of allowed (a NULL-terminated list) and
 * appears once. */
static int check_params(api_ctx *a, const char *const *allowed)
{
    for (size_t i = 0; i < a->nparams; i++) {
        const api_param *p = &a->params[i];
        int ok = 0;
        for (const char *const *k = allowed; *k && !ok; k++)
            ok = strlen(*k) == p->key.len && !memcmp(*k, p->key.base, p->key.len);
        if (!ok) {
            char name[48];
            size_t l = p->key.len < 40 ? p->key.len : 40;
            memcpy(name, p->key.base, l);
            name[l] = '\0';
            json_t *probe = json_stringn(name, l);
            if (!probe) strcpy(name, "?");
            json_decref(probe);
            fail(a, 400, "unknown_parameter", "unknown parameter \"%s\" for this endpoint", name);
            return -1;
        }
        for (size_t j = 0; j < i; j++)
            if (a->params[j].key.len == p->key.len &&
                !memcmp(a->params[j].key.base, p->key.base, p->key.len)) {
                fail(a, 400, "duplicate_parameter", "parameter \"%s\" is given more than once",
                     p->key.base);
                return -1;
            }
    }
    return 0;
}

static const api_param *param(const api_ctx *a, const char *key)
{
    for (size_t i = 0; i < a->nparams; i++)
        if (strlen(key) == a->params[i].key.len &&
            !memcmp(key, a->params[i].key.base, a->params[i].key.len))
            return &a->params[i];
    return NULL;
}

static int param_u64(api_ctx *a, const char *key, uint64_t *out, int *given)
{
    const api_param *p = param(a, key);
    if (given) *given = p != NULL;
    if (!p) return 0;
    if (cc_dec_parse(p->value.base, p->value.len, out)) {
        fail(a, 400, "bad_parameter", "parameter \"%s\" must be a non-negative decimal integer",
             key);
        return -1;
    }
    return 0;
}

typedef struct api_paging {
    uint64_t offset;
    uint32_t limit;
} api_paging;

static int paging(api_ctx *a, api_paging *pg)
{
    uint64_t limit = API_DEFAULT_LIMIT;
    pg->offset = 0;
    if (param_u64(a, "offset", &pg->offset, NULL) || param_u64(a, "limit", &limit, NULL)) return -1;
    if (limit < 1 || limit > CC_PAGE_MAX) {
        fail(a, 400, "bad_parameter", "parameter \"limit\" must be between 1 and %d", CC_PAGE_MAX);
        return -1;
    }
    pg->limit = (uint32_t)limit;
    return 0;
}

/* A choice among names; *out = index, or def when the parameter is absent. */
static int param_choice(api_ctx *a, const char *key, const char *const *names, int def, int *out)
{
    const api_param *p = param(a, key);
    *out = def;
    if (!p) return 0;
    for (int i = 0; names[i]; i++)
        if (strlen(names[i]) == p->value.len && !memcmp(names[i], p->value.base, p->value.len)) {
            *out = i;
            return 0;
        }
    char list[160] = "";
    for (int i = 0; names[i]; i++) {
        if (i) strncat(list, ", ", sizeof list - strlen(list) - 1);
        strncat(list, names[i], sizeof list - strlen(list) - 1);
    }
    fail(a, 400, "bad_parameter", "parameter \"%s\" must be one of: %s", key, list);
    return -1;
}

/* The envelope of a list: items, offset, limit, total and the next page's
 * URL (the same parameters with the next offset), or null. */
static void envelope(api_ctx *a, json_t *obj, json_t *items, const api_paging *pg, uint64_t total)
{
    size_t count = json_array_size(items);
    set(obj, "items", items);
    set(obj, "offset", jint(pg->offset));
    set(obj, "limit", jint(pg->limit));
    set(obj, "total", jint(total));
    if (pg->offset + count >= total || count == 0) {
        set(obj, "next", json_null());
        return;
    }
    cc_out o;
    cc_out_init(&o, a->pool);
    cc_out_append(&o, a->r->path.base, a->r->path.len);
    cc_out_puts(&o, "?");
    for (size_t i = 0; i < a->nparams; i++) {
        const api_param *p = &a->params[i];
        if ((p->key.len == 6 && !memcmp(p->key.base, "offset", 6)) ||
            (p->key.len == 5 && !memcmp(p->key.base, "limit", 5)))
            continue;
        cc_out_append(&o, p->raw.base, p->raw.len);
        cc_out_puts(&o, "&");
    }
    cc_out_printf(&o, "offset=%llu&limit=%u", (unsigned long long)(pg->offset + count),
                  (unsigned)pg->limit);
    h2o_iovec_t url = cc_out_flatten(&o);
    set(obj, "next", jstrn(url.base, url.len));
}

/* ---- ids ---------------------------------------------------------------- */

static int seg_id(api_ctx *a, size_t i, uint64_t *id)
{
    if (cc_dec_parse(a->seg[i].base, a->seg[i].len, id)) {
        fail(a, 400, "bad_id", "an id is a decimal integer without sign or leading zero");
        return -1;
    }
    return 0;
}

/* The item id of kind, or a 404 (unknown, or another kind). */
static int get_item(api_ctx *a, uint64_t id, uint8_t kind, cc_live_item *it)
{
    int rc = cc_live_item_get(a->txn, a->lv, id, it);
    if (rc == CC_ENOTFOUND || (!rc && it->kind != kind)) {
        fail(a, 404, "not_found", "no %s %llu", kind_name(kind), (unsigned long long)id);
        return -1;
    }
    if (rc) {
        fail(a, 500, "internal", "the live view could not be read: %s", cc_strerror(rc));
        return -1;
    }
    return 0;
}

/* ---- objects ------------------------------------------------------------ */

/* A participant as an author: {pseudonym, username, status, organisation,
 * erased}; the username comes from the vault in the second step (null when
 * erased). */
static json_t *person_into(api_ctx *a, json_t *o, const cc_pseudonym *p)
{
    set(o, "pseudonym", json_string(p->s));
    cc_live_participant lp;
    if (p->s[0] == '\0' || cc_live_participant_get(a->txn, a->lv, p, &lp)) {
        set(o, "username", json_null());
        set(o, "status", json_null());
        set(o, "organisation", json_null());
        set(o, "erased", json_false());
        return o;
    }
    set(o, "username", json_null());
    if (!lp.erased) {
        api_user *u = h2o_mem_alloc_pool(a->pool, sizeof *u);
        u->obj = o;
        u->p = *p;
        u->next = a->users;
        a->users = u;
    }
    set(o, "status", jenum(CC_F_STATUS, lp.status));
    set(o, "organisation", lp.org[0] ? jstrn(lp.org, strlen(lp.org)) : json_null());
    set(o, "erased", json_boolean(lp.erased));
    return o;
}

static json_t *person(api_ctx *a, const cc_pseudonym *p)
{
    return person_into(a, json_object(), p);
}

static json_t *theme_into(api_ctx *a, json_t *o, const cc_live_item *it)
{
    set(o, "id", jint(it->id));
    set(o, "state", json_string(theme_state_name(it->state)));
    set(o, "order", jint(it->order));
    set(o, "opens_at", jtime(it->opens_ms));
    set(o, "closes_at", jtime(it->closes_ms));
    set(o, "opened_at", jtime(it->opened_ms));
    set(o, "closed_at", it->state == CC_THEME_CLOSED ? jtime(it->closed_ms) : json_null());
    set(o, "closed_log_size",
        it->state == CC_THEME_CLOSED ? jint(it->closed_at_size) : json_null());
    set(o, "created_at", jtime(it->created_ms));
    set(o, "updated_at", it->updated_ms != it->created_ms ? jtime(it->updated_ms) : json_null());
    set(o, "contributions", jint(it->contributions));
    set(o, "commitment", jhex(it->commitment));
    want_text(a, o, it->commitment, CC_EV_THEME_CREATED, NULL, 0);
    return o;
}

static json_t *section_into(api_ctx *a, json_t *o, const cc_live_item *it)
{
    set(o, "id", jint(it->id));
    set(o, "theme", jint(it->theme ? it->theme : it->parent));
    set(o, "kind", jenum(CC_F_KIND, it->section_kind));
    set(o, "posting", json_boolean(it->posting));
    set(o, "order", jint(it->order));
    set(o, "created_at", jtime(it->created_ms));
    set(o, "updated_at", it->updated_ms != it->created_ms ? jtime(it->updated_ms) : json_null());
    set(o, "contributions", jint(it->contributions));
    set(o, "commitment", jhex(it->commitment));
    want_text(a, o, it->commitment, CC_EV_SECTION_CREATED, NULL, 0);
    return o;
}

/* Contributions, arguments, sources and comments. */
static json_t *post_into(api_ctx *a, json_t *o, const cc_live_item *it)
{
    set(o, "id", jint(it->id));
    set(o, "kind", jkind(it->kind));
    switch (it->kind) {
    case CC_ITEM_CONTRIBUTION:
        set(o, "theme", jint(it->theme));
        set(o, "section", jint(it->parent));
        break;
    case CC_ITEM_ARGUMENT:
        set(o, "contribution", jint(it->parent));
        set(o, "theme", jint(it->theme));
        set(o, "side", jenum(CC_F_SIDE, it->side));
        break;
    case CC_ITEM_SOURCE:
        set(o, "contribution", jint(it->parent));
        set(o, "theme", jint(it->theme));
        break;
    default: {
        cc_live_item parent;
        set(o, "parent", jint(it->parent));
        set(o, "parent_kind",
            cc_live_item_get(a->txn, a->lv, it->parent, &parent) ? json_null()
                                                                 : jkind(parent.kind));
        set(o, "theme", jint(it->theme));
    }
    }
    set(o, "author", person(a, &it->author));
    set(o, "posted_at", jtime(it->created_ms));
    if (it->kind == CC_ITEM_CONTRIBUTION) {
        set(o, "edited_at", it->versions > 1 ? jtime(it->updated_ms) : json_null());
        set(o, "versions", jint(it->versions));
    }
    set(o, "state", json_string(item_state_name(it->state)));
    if (it->kind == CC_ITEM_CONTRIBUTION) {
        set(o, "votes_agree", jint(it->agree));
        set(o, "votes_mitigated", jint(it->mitigated));
        set(o, "votes_disagree", jint(it->disagree));
        set(o, "arguments_for", jint(it->arguments_for));
        set(o, "arguments_against", jint(it->arguments_against));
        set(o, "sources", jint(it->sources));
        set(o, "comments", jint(it->comments));
    } else if (it->kind == CC_ITEM_ARGUMENT) {
        set(o, "votes_up", jint(it->up));
    } else if (it->kind == CC_ITEM_SOURCE) {
        set(o, "comments", jint(it->comments));
    }
    set(o, "flags", jint(it->flags_total));
    set(o, "decisions", jint(it->decisions));
    set(o, "commitment", jhex(it->commitment));
    item_texts(a, o, it);
    return o;
}

static json_t *theme_json(api_ctx *a, const cc_live_item *it)
{
    return theme_into(a, json_object(), it);
}

static json_t *section_json(api_ctx *a, const cc_live_item *it)
{
    return section_into(a, json_object(), it);
}

static json_t *post_json(api_ctx *a, const cc_live_item *it)
{
    return post_into(a, json_object(), it);
}

static json_t *document_json(api_ctx *a, const cc_live_item *it)
{
    static const char *const mimes[] = {
        NULL,
        "application/pdf",
        "text/plain",
        "text/markdown",
        "application/vnd.oasis.opendocument.text",
        "application/"
        "vnd.openxmlformats-officedocument.wordprocessingml.document"};
    json_t *o = json_object();
    set(o, "id", jint(it->id));
    set(o, "theme", it->theme ? jint(it->theme) : json_null());
    set(o, "published_at", jtime(it->created_ms));
    set(o, "sha256", jhex(it->file_hash));
    set(o, "size", jint(it->file_size));
    set(o, "media_type",
        it->mime >= 1 && it->mime <= 5 ? json_string(mimes[it->mime]) : json_null());
    set(o, "commitment", jhex(it->commitment));
    want_text(a, o, it->commitment, CC_EV_DOCUMENT_PUBLISHED, NULL, 0);
    return o;
}

static json_t *meeting_json(api_ctx *a, const cc_live_item *it)
{
    json_t *o = json_object();
    set(o, "id", jint(it->id));
    set(o, "theme", it->theme ? jint(it->theme) : json_null());
    set(o, "scheduled_at", jtime(it->created_ms));
    set(o, "at", jtime(it->at_ms));
    set(o, "commitment", jhex(it->commitment));
    set(o, "report_commitment", it->has_report ? jhex(it->report_commitment) : json_null());
    set(o, "report", json_null());
    want_text(a, o, it->commitment, CC_EV_MEETING_SCHEDULED, NULL, 0);
    if (it->has_report) want_text(a, o, it->report_commitment, CC_EV_MEETING_REPORTED, "report", 1);
    return o;
}

static json_t *item_json(api_ctx *a, const cc_live_item *it)
{
    switch (it->kind) {
    case CC_ITEM_THEME:
        return theme_json(a, it);
    case CC_ITEM_SECTION:
        return section_json(a, it);
    case CC_ITEM_DOCUMENT:
        return document_json(a, it);
    case CC_ITEM_MEETING:
        return meeting_json(a, it);
    default:
        return post_json(a, it);
    }
}

/* A page of children as item objects. */
static int list_items(api_ctx *a, uint64_t parent, uint8_t kind, uint8_t side, cc_sort sort,
                      uint64_t seed, const api_paging *pg, json_t *out)
{
    uint64_t ids[CC_PAGE_MAX], total = 0;
    uint32_t count = 0;
    cc_page page = {pg->offset, pg->limit};
    int rc =
        cc_live_list(a->txn, a->lv, parent, kind, side, sort, seed, 0, page, ids, &count, &total);
    if (rc) {
        fail(a, 500, "internal", "the live view could not be read: %s", cc_strerror(rc));
        return -1;
    }
    json_t *items = json_array();
    for (uint32_t i = 0; i < count; i++) {
        cc_live_item it;
        if (cc_live_item_get(a->txn, a->lv, ids[i], &it) == 0)
            json_array_append_new(items, item_json(a, &it));
    }
    envelope(a, out, items, pg, total);
    return 0;
}

static json_t *counters_json(const cc_stats_counts *c)
{
    json_t *o = json_object();
    set(o, "contributions", jint(c->contributions));
    set(o, "edits", jint(c->edits));
    set(o, "arguments_for", jint(c->arguments_for));
    set(o, "arguments_against", jint(c->arguments_against));
    set(o, "sources", jint(c->sources));
    set(o, "comments", jint(c->comments));
    set(o, "votes_agree", jint(c->votes_agree));
    set(o, "votes_mitigated", jint(c->votes_mitigated));
    set(o, "votes_disagree", jint(c->votes_disagree));
    set(o, "votes_up", jint(c->votes_up));
    set(o, "participants", jint(c->participants));
    for (unsigned s = 1; s < CC_STATUS_COUNT_; s++) {
        char key[64];
        snprintf(key, sizeof key, "participants_%s", cc_field_enum_name(CC_F_STATUS, s));
        set(o, key, jint(c->participants_by_status[s]));
    }
    set(o, "flags", jint(c->flags));
    set(o, "trashed", jint(c->trashed));
    set(o, "removed", jint(c->removed));
    set(o, "restored", jint(c->restored));
    return o;
}

/* ---- endpoints (run inside the views transaction) ----------------------- */

static const char *const P_PAGE[] = {"offset", "limit", NULL};
static const char *const P_NONE[] = {NULL};

static void ep_consultation(api_ctx *a)
{
    if (check_params(a, P_NONE)) return;
    json_t *o = a->root;
    cc_live_text t;
    int rc = cc_live_consultation(a->txn, a->lv, &t);
    if (rc == CC_ENOTFOUND) {
        fail(a, 404, "not_found", "the consultation is not configured yet");
        return;
    }
    if (rc) {
        fail(a, 500, "internal", "the live view could not be read: %s", cc_strerror(rc));
        return;
    }
    set(o, "id", jint(t.seq));
    set(o, "updated_at", jtime(t.ts));
    set(o, "commitment", jhex(t.commitment));
    want_text(a, o, t.commitment, CC_EV_CONSULTATION_CONFIGURED, NULL, 0);
    api_paging pg = {0, CC_PAGE_MAX};
    json_t *themes = json_object();
    if (list_items(a, 0, CC_ITEM_THEME, 0, CC_SORT_ORDER, 0, &pg, themes)) {
        json_decref(themes);
        return;
    }
    set(o, "themes", json_incref(json_object_get(themes, "items")));
    json_decref(themes);
}

static void ep_themes(api_ctx *a)
{
    api_paging pg;
    if (check_params(a, P_PAGE) || paging(a, &pg)) return;
    list_items(a, 0, CC_ITEM_THEME, 0, CC_SORT_ORDER, 0, &pg, a->root);
}

static void stats_scope(api_ctx *a, uint64_t scope, const char *scope_kind, int frozen)
{
    api_paging pg;
    if (check_params(a, P_PAGE) || paging(a, &pg)) return;
    cc_stats_counts c;
    int rc = cc_stats_get(a->txn, a->sv, scope, &c);
    if (rc) {
        fail(a, 500, "internal", "the statistics could not be read: %s", cc_strerror(rc));
        return;
    }
    json_t *o = a->root;
    set(o, "scope", jint(scope));
    set(o, "scope_kind", json_string(scope_kind));
    set(o, "counters", counters_json(&c));
    if (frozen) {
        uint64_t size = 0;
        rc = cc_stats_frozen(a->txn, a->sv, scope, &c, &size);
        if (rc == 0) {
            json_t *f = json_object();
            set(f, "log_size", jint(size));
            set(f, "counters", counters_json(&c));
            set(o, "at_close", f);
        } else if (rc == CC_ENOTFOUND) {
            set(o, "at_close", json_null());
        } else {
            fail(a, 500, "internal", "the statistics could not be read: %s", cc_strerror(rc));
            return;
        }
    }
    cc_stats_day days[CC_PAGE_MAX];
    uint32_t count = 0;
    uint64_t total = 0;
    rc = cc_stats_days(a->txn, a->sv, scope, pg.offset, pg.limit, days, &count, &total);
    if (rc) {
        fail(a, 500, "internal", "the statistics could not be read: %s", cc_strerror(rc));
        return;
    }
    json_t *items = json_array();
    for (uint32_t i = 0; i < count; i++) {
        json_t *d = json_object();
        set(d, "day", jday(days[i].day));
        set(d, "contributions", jint(days[i].contributions));
        set(d, "arguments", jint(days[i].arguments));
        set(d, "sources", jint(days[i].sources));
        set(d, "comments", jint(days[i].comments));
        set(d, "votes", jint(days[i].votes));
        set(d, "new_participants", jint(days[i].participants_new));
        json_array_append_new(items, d);
    }
    json_t *per_day = json_object();
    envelope(a, per_day, items, &pg, total);
    set(o, "days", per_day);
}

static void ep_stats(api_ctx *a)
{
    stats_scope(a, 0, "consultation", 0);
}

/* /themes/<id>[/stats] */
static void ep_theme(api_ctx *a)
{
    uint64_t id;
    cc_live_item it;
    if (a->nseg > 3 ||
        (a->nseg == 3 && !h2o_memis(a->seg[2].base, a->seg[2].len, H2O_STRLIT("stats")))) {
        fail(a, 404, "not_found", "no such endpoint");
        return;
    }
    if (seg_id(a, 1, &id) || get_item(a, id, CC_ITEM_THEME, &it)) return;
    if (a->nseg == 3) {
        stats_scope(a, id, "theme", 1);
        return;
    }
    if (check_params(a, P_NONE)) return;
    theme_into(a, a->root, &it);
    api_paging pg = {0, CC_PAGE_MAX};
    json_t *sections = json_object();
    if (list_items(a, id, CC_ITEM_SECTION, 0, CC_SORT_ORDER, 0, &pg, sections) == 0)
        set(a->root, "sections", json_incref(json_object_get(sections, "items")));
    json_decref(sections);
}

static const char *const SORTS[] = {"recent", "oldest", "votes", "controversial", "random", NULL};
static const cc_sort SORT_VALUES[] = {CC_SORT_RECENT, CC_SORT_OLDEST, CC_SORT_VOTES,
                                      CC_SORT_CONTROVERSIAL, CC_SORT_RANDOM};

/* sort and seed for a list whose kind takes the sorts up to `last` (plus
 * random); *sort and *seed receive them. */
static int sort_params(api_ctx *a, int allow_votes, int allow_controversial, cc_sort *sort,
                       uint64_t *seed)
{
    int s;
    int seeded;
    if (param_choice(a, "sort", SORTS, 0, &s)) return -1;
    if ((s == 2 && !allow_votes) || (s == 3 && !allow_controversial)) {
        fail(a, 400, "bad_parameter", "sort \"%s\" is not available for this list", SORTS[s]);
        return -1;
    }
    *seed = 0;
    if (param_u64(a, "seed", seed, &seeded)) return -1;
    if (seeded && s != 4) {
        fail(a, 400, "bad_parameter", "parameter \"seed\" only goes with sort=random");
        return -1;
    }
    *sort = SORT_VALUES[s];
    return 0;
}

/* /sections/<id>[/contributions|/stats] */
static void ep_section(api_ctx *a)
{
    static const char *const allowed[] = {"offset", "limit", "sort", "seed", NULL};
    uint64_t id;
    cc_live_item it;
    int contributions =
        a->nseg == 3 && h2o_memis(a->seg[2].base, a->seg[2].len, H2O_STRLIT("contributions"));
    int stats = a->nseg == 3 && h2o_memis(a->seg[2].base, a->seg[2].len, H2O_STRLIT("stats"));
    if (a->nseg > 3 || (a->nseg == 3 && !contributions && !stats)) {
        fail(a, 404, "not_found", "no such endpoint");
        return;
    }
    if (seg_id(a, 1, &id) || get_item(a, id, CC_ITEM_SECTION, &it)) return;
    if (stats) {
        stats_scope(a, id, "section", 0);
        return;
    }
    if (!contributions) {
        if (check_params(a, P_NONE)) return;
        section_into(a, a->root, &it);
        return;
    }
    api_paging pg;
    cc_sort sort;
    uint64_t seed;
    if (check_params(a, allowed) || paging(a, &pg) || sort_params(a, 1, 1, &sort, &seed)) return;
    list_items(a, id, CC_ITEM_CONTRIBUTION, 0, sort, seed, &pg, a->root);
}

static const char *decision_name(uint8_t type)
{
    switch (type) {
    case CC_EV_FLAG_DISMISSED:
        return "dismissed";
    case CC_EV_ITEM_TRASHED:
        return "trashed";
    case CC_EV_ITEM_REMOVED:
        return "removed";
    case CC_EV_ITEM_RESTORED:
        return "restored";
    default:
        return "unknown";
    }
}

static json_t *reason_json(uint8_t type, uint8_t reason)
{
    if (type == CC_EV_ITEM_TRASHED) return jenum(CC_F_TRASH_REASON, reason);
    if (type == CC_EV_ITEM_REMOVED) return jenum(CC_F_GROUND, reason);
    return json_null();
}

static void list_versions(api_ctx *a, uint64_t id, const cc_live_item *it)
{
    api_paging pg;
    if (check_params(a, P_PAGE) || paging(a, &pg)) return;
    cc_live_version v[CC_PAGE_MAX];
    uint32_t count = 0;
    uint64_t total = 0;
    int rc = cc_live_versions(a->txn, a->lv, id, (cc_page){pg.offset, pg.limit}, v, &count, &total);
    if (rc) {
        fail(a, 500, "internal", "the live view could not be read: %s", cc_strerror(rc));
        return;
    }
    json_t *items = json_array();
    for (uint32_t i = 0; i < count; i++) {
        json_t *o = json_object();
        set(o, "contribution", jint(id));
        set(o, "version", jint(pg.offset + i + 1));
        set(o, "id", jint(v[i].seq));
        set(o, "at", jtime(v[i].ts));
        set(o, "commitment", jhex(v[i].commitment));
        if (it->state == CC_REMOVED)
            set(o, "removed", json_true());
        else
            want_text(a, o, v[i].commitment, CC_EV_CONTRIBUTION_POSTED, NULL, 0);
        json_array_append_new(items, o);
    }
    envelope(a, a->root, items, &pg, total);
}

static void list_decisions(api_ctx *a, uint64_t id)
{
    api_paging pg;
    if (check_params(a, P_PAGE) || paging(a, &pg)) return;
    cc_live_decision d[CC_PAGE_MAX];
    uint32_t count = 0;
    uint64_t total = 0;
    int rc =
        cc_live_decisions(a->txn, a->lv, id, (cc_page){pg.offset, pg.limit}, d, &count, &total);
    if (rc) {
        fail(a, 500, "internal", "the live view could not be read: %s", cc_strerror(rc));
        return;
    }
    json_t *items = json_array();
    for (uint32_t i = 0; i < count; i++) {
        json_t *o = json_object();
        set(o, "id", jint(d[i].seq));
        set(o, "item", jint(id));
        set(o, "decision", json_string(decision_name(d[i].type)));
        set(o, "reason", reason_json(d[i].type, d[i].reason));
        set(o, "moderator", json_string(d[i].by.s));
        set(o, "decided_at", jtime(d[i].ts));
        set(o, "note_commitment", d[i].has_note ? jhex(d[i].note) : json_null());
        set(o, "note", json_null());
        if (d[i].has_note) want_text(a, o, d[i].note, (cc_event_type)d[i].type, "note", 1);
        json_array_append_new(items, o);
    }
    envelope(a, a->root, items, &pg, total);
}

/* /contributions/<id>[/versions|/arguments|/sources|/comments|/decisions] */
static void ep_contribution(api_ctx *a)
{
    uint64_t id;
    cc_live_item it;
    if (a->nseg > 3) {
        fail(a, 404, "not_found", "no such endpoint");
        return;
    }
    h2o_iovec_t sub = a->nseg == 3 ? a->seg[2] : h2o_iovec_init("", 0);
    int known = a->nseg == 2 || h2o_memis(sub.base, sub.len, H2O_STRLIT("versions")) ||
                h2o_memis(sub.base, sub.len, H2O_STRLIT("arguments")) ||
                h2o_memis(sub.base, sub.len, H2O_STRLIT("sources")) ||
                h2o_memis(sub.base, sub.len, H2O_STRLIT("comments")) ||
                h2o_memis(sub.base, sub.len, H2O_STRLIT("decisions"));
    if (!known) {
        fail(a, 404, "not_found", "no such endpoint");
        return;
    }
    if (seg_id(a, 1, &id) || get_item(a, id, CC_ITEM_CONTRIBUTION, &it)) return;
    if (a->nseg == 2) {
        if (check_params(a, P_NONE)) return;
        post_into(a, a->root, &it);
        return;
    }
    if (h2o_memis(sub.base, sub.len, H2O_STRLIT("versions"))) {
        list_versions(a, id, &it);
        return;
    }
    if (h2o_memis(sub.base, sub.len, H2O_STRLIT("decisions"))) {
        list_decisions(a, id);
        return;
    }
    static const char *const allowed_args[] = {"offset", "limit", "sort", "seed", "side", NULL};
    static const char *const allowed[] = {"offset", "limit", "sort", "seed", NULL};
    int arguments = h2o_memis(sub.base, sub.len, H2O_STRLIT("arguments"));
    api_paging pg;
    cc_sort sort;
    uint64_t seed;
    if (check_params(a, arguments ? allowed_args : allowed) || paging(a, &pg) ||
        sort_params(a, arguments, 0, &sort, &seed))
        return;
    uint8_t side = 0;
    if (arguments) {
        static const char *const sides[] = {"all", "for", "against", NULL};
        int s;
        if (param_choice(a, "side", sides, 0, &s)) return;
        side = (uint8_t)s;
    }
    uint8_t kind = arguments                                             ? CC_ITEM_ARGUMENT
                   : h2o_memis(sub.base, sub.len, H2O_STRLIT("sources")) ? CC_ITEM_SOURCE
                                                                         : CC_ITEM_COMMENT;
    list_items(a, id, kind, side, sort, seed, &pg, a->root);
}

static void ep_trash(api_ctx *a)
{
    static const char *const allowed[] = {"offset", "limit", "theme", NULL};
    api_paging pg;
    uint64_t theme = 0;
    int given;
    if (check_params(a, allowed) || paging(a, &pg) || param_u64(a, "theme", &theme, &given)) return;
    cc_live_item th;
    if (given && get_item(a, theme, CC_ITEM_THEME, &th)) return;
    cc_trash_entry *e = h2o_mem_alloc_pool(a->pool, sizeof *e * CC_PAGE_MAX);
    uint32_t count = 0;
    uint64_t total = 0;
    int rc = cc_trash_list(a->txn, a->tv, theme, pg.offset, pg.limit, e, &count, &total);
    if (rc) {
        fail(a, 500, "internal", "the bin could not be read: %s", cc_strerror(rc));
        return;
    }
    json_t *items = json_array();
    for (uint32_t i = 0; i < count; i++) {
        cc_trash_entry *x = &e[i];
        uint8_t dtype = x->removed ? CC_EV_ITEM_REMOVED : CC_EV_ITEM_TRASHED;
        json_t *o = json_object();
        set(o, "item", jint(x->item));
        set(o, "item_kind", jkind(x->kind));
        set(o, "theme", jint(x->theme));
        set(o, "parent", jint(x->parent));
        set(o, "author", person(a, &x->author));
        set(o, "posted_at", jtime(x->posted_ms));
        set(o, "state", json_string(x->removed ? "removed" : "trashed"));
        set(o, "reason", reason_json(dtype, x->reason));
        set(o, "decision", jint(x->decision_seq));
        set(o, "moderator", json_string(x->moderator.s));
        set(o, "decided_at", jtime(x->decision_ms));
        set(o, "commitment", jhex(x->commitment));
        set(o, "note_commitment", x->has_note ? jhex(x->note) : json_null());
        if (x->removed)
            set(o, "removed", json_true());
        else
            want_text(a, o, x->commitment, cc_item_body_type(x->kind), NULL, 0);
        set(o, "note", json_null());
        if (x->has_note) want_text(a, o, x->note, (cc_event_type)dtype, "note", 1);
        json_array_append_new(items, o);
    }
    envelope(a, a->root, items, &pg, total);
}

/* /documents and /meetings */
static void ep_files(api_ctx *a, uint8_t kind)
{
    static const char *const allowed[] = {"offset", "limit", "theme", "sort", NULL};
    static const char *const doc_sorts[] = {"recent", "oldest", NULL};
    static const char *const meeting_sorts[] = {"date", "recent", "oldest", NULL};
    api_paging pg;
    uint64_t theme = 0;
    int given, s;
    if (check_params(a, allowed) || paging(a, &pg) || param_u64(a, "theme", &theme, &given)) return;
    cc_live_item th;
    if (given && get_item(a, theme, CC_ITEM_THEME, &th)) return;
    cc_sort sort;
    if (kind == CC_ITEM_MEETING) {
        if (param_choice(a, "sort", meeting_sorts, 0, &s)) return;
        sort = s == 0 ? CC_SORT_ORDER : s == 1 ? CC_SORT_RECENT : CC_SORT_OLDEST;
    } else {
        if (param_choice(a, "sort", doc_sorts, 0, &s)) return;
        sort = s == 0 ? CC_SORT_RECENT : CC_SORT_OLDEST;
    }
    list_items(a, theme, kind, 0, sort, 0, &pg, a->root);
}

typedef struct pub_row {
    cc_live_text t;
    uint64_t theme;
    cc_event_type type;
} pub_row;

static int pub_cmp(const void *x, const void *y)
{
    const pub_row *a = x, *b = y;
    return a->t.seq < b->t.seq ? -1 : a->t.seq > b->t.seq;
}

/* Append to a growing array of rows (doubling; *cap > 0). */
static void pub_push(pub_row **rows, size_t *n, size_t *cap, pub_row row)
{
    if (*n == *cap) {
        *cap *= 2;
        *rows = realloc(*rows, *cap * sizeof **rows);
        if (!*rows) abort();
    }
    (*rows)[(*n)++] = row;
}

static void ep_publications(api_ctx *a)
{
    static const char *const allowed[] = {"offset", "limit", "theme", "type", NULL};
    static const char *const types[] = {"all", "synthesis", "recommendations", "report", NULL};
    api_paging pg;
    uint64_t theme = 0;
    int given, type;
    if (check_params(a, allowed) || paging(a, &pg) || param_u64(a, "theme", &theme, &given) ||
        param_choice(a, "type", types, 0, &type))
        return;
    cc_live_item th;
    if (given && get_item(a, theme, CC_ITEM_THEME, &th)) return;
    /* Gather every publication (a few per theme), then page. */
    uint64_t themes[CC_PAGE_MAX], ntotal = 0;
    uint32_t nthemes = 0;
    if (given) {
        themes[0] = theme;
        nthemes = 1;
    } else if (cc_live_list(a->txn, a->lv, 0, CC_ITEM_THEME, 0, CC_SORT_ORDER, 0, 0,
                            (cc_page){0, CC_PAGE_MAX}, themes, &nthemes, &ntotal)) {
        fail(a, 500, "internal", "the live view could not be read");
        return;
    }
    size_t cap = 64, n = 0;
    pub_row *rows = malloc(cap * sizeof *rows);
    cc_live_text *buf = malloc(CC_PAGE_MAX * sizeof *buf);
    if (!rows || !buf) abort();
    for (uint32_t i = 0; i < nthemes; i++)
        for (int k = 1; k <= 2; k++) {
            if (type != 0 && type != k) continue;
            cc_event_type et = k == 1 ? CC_EV_SYNTHESIS_PUBLISHED : CC_EV_RECOMMENDATIONS_PUBLISHED;
            uint32_t count = 0;
            uint64_t total = 0;
            if (cc_live_publications(a->txn, a->lv, themes[i], et, (cc_page){0, CC_PAGE_MAX}, buf,
                                     &count, &total))
                continue;
            for (uint32_t j = 0; j < count; j++)
                pub_push(&rows, &n, &cap, (pub_row){buf[j], themes[i], et});
        }
    cc_live_text rep;
    if ((type == 0 || type == 3) && !given && cc_live_report(a->txn, a->lv, &rep) == 0)
        pub_push(&rows, &n, &cap, (pub_row){rep, 0, CC_EV_REPORT_PUBLISHED});
    qsort(rows, n, sizeof *rows, pub_cmp);
    json_t *items = json_array();
    for (uint64_t i = pg.offset; i < n && i < pg.offset + pg.limit; i++) {
        json_t *o = json_object();
        const pub_row *p = &rows[i];
        set(o, "id", jint(p->t.seq));
        set(o, "type",
            json_string(p->type == CC_EV_SYNTHESIS_PUBLISHED         ? "synthesis"
                        : p->type == CC_EV_RECOMMENDATIONS_PUBLISHED ? "recommendations"
                                                                     : "report"));
        set(o, "theme", p->theme ? jint(p->theme) : json_null());
        set(o, "log_size", jint(p->t.log_size));
        set(o, "published_at", jtime(p->t.ts));
        set(o, "commitment", jhex(p->t.commitment));
        set(o, "title", json_null());
        want_text(a, o, p->t.commitment, p->type, NULL, 0);
        json_array_append_new(items, o);
    }
    envelope(a, a->root, items, &pg, n);
    free(rows);
    free(buf);
}

/* /participants/<pseudonym>[/history] */
static void ep_participant(api_ctx *a)
{
    int history = a->nseg == 3 && h2o_memis(a->seg[2].base, a->seg[2].len, H2O_STRLIT("history"));
    if (a->nseg > 3 || (a->nseg == 3 && !history)) {
        fail(a, 404, "not_found", "no such endpoint");
        return;
    }
    if (!cc_pseudonym_valid(a->seg[1].base, a->seg[1].len)) {
        fail(a, 400, "bad_id", "a pseudonym is 16 characters of a-z and 2-7");
        return;
    }
    cc_pseudonym p;
    memcpy(p.s, a->seg[1].base, CC_PSEUDONYM_LEN);
    p.s[CC_PSEUDONYM_LEN] = '\0';
    cc_live_participant lp;
    int rc = cc_live_participant_get(a->txn, a->lv, &p, &lp);
    if (rc == CC_ENOTFOUND) {
        fail(a, 404, "not_found", "no participant %s", p.s);
        return;
    }
    if (rc) {
        fail(a, 500, "internal", "the live view could not be read: %s", cc_strerror(rc));
        return;
    }
    if (!history) {
        if (check_params(a, P_NONE)) return;
        person_into(a, a->root, &p);
        set(a->root, "registered_at", jtime(lp.registered_ms));
        set(a->root, "contributions", jint(lp.contributions));
        set(a->root, "arguments", jint(lp.arguments));
        set(a->root, "sources", jint(lp.sources));
        set(a->root, "comments", jint(lp.comments));
        set(a->root, "votes", jint(lp.votes));
        set(a->root, "history", jint(lp.history));
        return;
    }
    api_paging pg;
    if (check_params(a, P_PAGE) || paging(a, &pg)) return;
    cc_live_activity act[CC_PAGE_MAX];
    uint32_t count = 0;
    uint64_t total = 0;
    rc = cc_live_history_entries(a->txn, a->lv, &p, (cc_page){pg.offset, pg.limit}, act, &count,
                                 &total);
    if (rc) {
        fail(a, 500, "internal", "the live view could not be read: %s", cc_strerror(rc));
        return;
    }
    json_t *items = json_array();
    for (uint32_t i = 0; i < count; i++) {
        json_t *o = json_object();
        cc_live_item it;
        set(o, "id", jint(act[i].seq));
        const char *tn = cc_event_type_name((cc_event_type)act[i].type);
        set(o, "type", tn ? json_string(tn) : json_null());
        set(o, "item", jint(act[i].item));
        set(o, "item_kind",
            cc_live_item_get(a->txn, a->lv, act[i].item, &it) ? json_null() : jkind(it.kind));
        json_array_append_new(items, o);
    }
    envelope(a, a->root, items, &pg, total);
}

/* ---- the two transactions ----------------------------------------------- */

static int eq_seg(h2o_iovec_t s, const char *lit)
{
    return strlen(lit) == s.len && !memcmp(lit, s.base, s.len);
}

static void route(api_ctx *a)
{
    if (a->nseg == 1 && eq_seg(a->seg[0], "consultation")) return ep_consultation(a);
    if (a->nseg == 1 && eq_seg(a->seg[0], "themes")) return ep_themes(a);
    if (a->nseg >= 2 && eq_seg(a->seg[0], "themes")) return ep_theme(a);
    if (a->nseg >= 2 && eq_seg(a->seg[0], "sections")) return ep_section(a);
    if (a->nseg >= 2 && eq_seg(a->seg[0], "contributions")) return ep_contribution(a);
    if (a->nseg == 1 && eq_seg(a->seg[0], "trash")) return ep_trash(a);
    if (a->nseg == 1 && eq_seg(a->seg[0], "stats")) return ep_stats(a);
    if (a->nseg == 1 && eq_seg(a->seg[0], "documents")) return ep_files(a, CC_ITEM_DOCUMENT);
    if (a->nseg == 1 && eq_seg(a->seg[0], "meetings")) return ep_files(a, CC_ITEM_MEETING);
    if (a->nseg == 1 && eq_seg(a->seg[0], "publications")) return ep_publications(a);
    if (a->nseg >= 2 && eq_seg(a->seg[0], "participants")) return ep_participant(a);
    fail(a, 404, "not_found", "no such endpoint (see docs/API.md)");
}

/* Split the path after /api/v1/ into segments; empty segments (a trailing
 * or doubled slash) make the path unknown. */
static int split(api_ctx *a)
{
    const char *p = a->r->path.base;
    size_t n = a->r->path.len, pre = sizeof API_PREFIX - 1;
    if (n <= pre || memcmp(p, API_PREFIX, pre)) return -1;
    size_t i = pre;
    while (i <= n) {
        size_t end = i;
        while (end < n && p[end] != '/')
            end++;
        if (end == i || a->nseg == API_MAX_SEGMENTS) return -1;
        a->seg[a->nseg++] = h2o_iovec_init(p + i, end - i);
        if (end == n) break;
        i = end + 1;
    }
    return 0;
}

static void read_views(api_ctx *a)
{
    cc_site *s = a->r->site;
    MDB_txn *txn = NULL;
    uint64_t before = 0, after = 1;
    for (int tries = 0; tries < 4 && before != after; tries++) {
        if (txn) cc_views_read_end(s->views, txn);
        txn = NULL;
        before = cc_views_position(s->views);
        if (cc_views_read_begin(s->views, &txn)) {
            fail(a, 503, "unavailable", "the views cannot be read right now");
            return;
        }
        after = cc_views_position(s->views);
    }
    a->txn = txn;
    a->log_size = after;
    set(a->root, "log_size", jint(a->log_size));
    route(a);
    cc_views_read_end(s->views, txn);
    a->txn = NULL;
}

static void fill_texts(api_ctx *a, MDB_txn *txn)
{
    cc_ledger *l = a->r->site->ledger;
    for (api_text *t = a->texts; t; t = t->next) {
        const uint8_t *nonce;
        cc_slice raw;
        cc_body b;
        const char *tk = t->text_key ? t->text_key : "text";
        if (cc_bodies_get(txn, l->bodies, t->c, &nonce, &raw) ||
            cc_body_decode(t->type, raw.ptr, raw.len, &b)) {
            if (t->optional)
                set(t->obj, tk, json_null());
            else
                set(t->obj, "removed", json_true());
            continue;
        }
        for (int f = 0; f < CC_B_COUNT_; f++) {
            if (!b.f[f].ptr) continue;
            const char *key = f == CC_B_TEXT ? tk : cc_body_field_key((cc_body_field)f);
            /* the note or report of an object keeps its own title, if any */
            if (t->text_key && f != CC_B_TEXT) continue;
            set(t->obj, key, jstrn(b.f[f].ptr, b.f[f].len));
        }
    }
    for (api_user *u = a->users; u; u = u->next) {
        cc_account acc;
        if (cc_vault_account_get(txn, &l->vault, &u->p, &acc) == 0)
            set(u->obj, "username", jstrn(acc.username, strlen(acc.username)));
    }
}

void cc_api_get(cc_request *r)
{
    api_ctx *a = h2o_mem_alloc_pool(&r->req->pool, sizeof *a);
    memset(a, 0, sizeof *a);
    a->r = r;
    a->pool = &r->req->pool;
    cc_site *s = r->site;
    if (split(a)) {
        send_error(r, 404, "not_found", "no such endpoint (see docs/API.md)");
        return;
    }
    if (!s->views || !(a->lv = cc_views_state(s->views, &cc_projection_live)) ||
        !(a->tv = cc_views_state(s->views, &cc_projection_trash)) ||
        !(a->sv = cc_views_state(s->views, &cc_projection_stats))) {
        send_error(r, 503, "unavailable", "the views are not available");
        return;
    }
    a->root = json_object();
    if (parse_query(a) == 0) read_views(a);
    if (!a->err_status && (a->texts || a->users)) {
        MDB_txn *txn;
        if (cc_ledger_read_begin(s->ledger, &txn)) {
            fail(a, 503, "unavailable", "the ledger cannot be read right now");
        } else {
            fill_texts(a, txn);
            cc_ledger_read_end(s->ledger, txn);
        }
    }
    if (a->err_status)
        send_error(r, a->err_status, a->err_code, a->err_msg);
    else
        send_json(r, 200, a->root, 1);
    json_decref(a->root);
}
