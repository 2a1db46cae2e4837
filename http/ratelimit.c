/* ratelimit.c - token buckets in a fixed, sharded, set-associative table.
 *
 * Why fixed-size: an attacker controls how many keys we see (every address
 * of an IPv6 /64), so the table must not grow with them. Each key hashes to
 * a set of WAYS buckets in one shard; a new key takes an empty bucket or
 * evicts the set's fullest one (after refilling it), which is the one
 * closest to the state a fresh bucket would have anyway: eviction can only
 * ever forgive a client who was nearly forgiven already.
 *
 * Tokens are kept in thousandths so slow refill rates do not round to
 * zero. */
#include "ratelimit.h"

#include "error.h"
#include "layout.h"
#include "response.h"
#include "site.h"

#include <sodium.h>
#include <uv.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHARDS 16
#define SETS 256 /* per shard */
#define WAYS 8
#define MILLI 1000ull

typedef struct bucket {
    uint64_t key; /* SipHash of kind ‖ key; 0 = empty */
    uint64_t tokens_milli;
    uint64_t at_ms;
} bucket;

typedef struct shard {
    uv_mutex_t lock;
    bucket b[SETS][WAYS];
} shard;

struct cc_ratelimit {
    cc_rate_rule rules[CC_RATE_COUNT_];
    unsigned char hash_key[crypto_shorthash_KEYBYTES];
    shard shards[SHARDS];
};

static const char *const kind_names[CC_RATE_COUNT_] = {
#define CC_RATE_NAME_(id, name, burst, seconds) name,
    CC_RATE_KINDS(CC_RATE_NAME_)
#undef CC_RATE_NAME_
};

void cc_ratelimit_defaults(cc_rate_rule *rules)
{
    static const cc_rate_rule d[CC_RATE_COUNT_] = {
#define CC_RATE_RULE_(id, name, burst, seconds) {burst, (uint64_t)(seconds)*1000},
        CC_RATE_KINDS(CC_RATE_RULE_)
#undef CC_RATE_RULE_
    };
    memcpy(rules, d, sizeof d);
}

int cc_ratelimit_parse_rule(const char *s, cc_rate_rule *rules)
{
    const char *eq = strchr(s, '=');
    if (!eq) return CC_EINVAL;
    for (int k = 0; k < CC_RATE_COUNT_; k++) {
        size_t n = strlen(kind_names[k]);
        if ((size_t)(eq - s) != n || memcmp(s, kind_names[k], n)) continue;
        unsigned long burst, secs;
        char tail;
        if (sscanf(eq + 1, "%lu/%lu%c", &burst, &secs, &tail) != 2 || burst > 1000000 || secs < 1 ||
            secs > 86400 * 30)
            return CC_EINVAL;
        rules[k].burst = (uint32_t)burst;
        rules[k].period_ms = (uint64_t)secs * 1000;
        return 0;
    }
    return CC_EINVAL;
}

int cc_ratelimit_create(const cc_rate_rule *rules, cc_ratelimit **out)
{
    cc_ratelimit *rl = calloc(1, sizeof *rl);
    if (!rl) return CC_ENOMEM;
    if (rules)
        memcpy(rl->rules, rules, sizeof rl->rules);
    else
        cc_ratelimit_defaults(rl->rules);
    randombytes_buf(rl->hash_key, sizeof rl->hash_key);
    for (int i = 0; i < SHARDS; i++)
        uv_mutex_init(&rl->shards[i].lock);
    *out = rl;
    return 0;
}

void cc_ratelimit_free(cc_ratelimit *rl)
{
    if (!rl) return;
    for (int i = 0; i < SHARDS; i++)
        uv_mutex_destroy(&rl->shards[i].lock);
    free(rl);
}

static void refill(bucket *b, const cc_rate_rule *rule, uint64_t now_ms)
{
    uint64_t full = (uint64_t)rule->burst * MILLI;
    if (now_ms > b->at_ms) {
        uint64_t add = (now_ms - b->at_ms) * full / rule->period_ms;
        b->tokens_milli = b->tokens_milli + add > full ? full : b->tokens_milli + add;
        b->at_ms = now_ms;
    }
}

int cc_ratelimit_take(cc_ratelimit *rl, cc_rate_kind kind, const char *key, size_t len,
                      uint64_t now_ms, uint32_t *retry_after_s)
{
    if (!rl || (unsigned)kind >= CC_RATE_COUNT_) return 1;
    const cc_rate_rule *rule = &rl->rules[kind];
    if (!rule->burst) return 1;
    unsigned char in[256 + 1], h[crypto_shorthash_BYTES];
    if (len > 256) len = 256;
    in[0] = (unsigned char)kind;
    memcpy(in + 1, key, len);
    crypto_shorthash(h, in, len + 1, rl->hash_key);
    uint64_t hv;
    memcpy(&hv, h, sizeof hv);
    if (!hv) hv = 1;
    shard *sh = &rl->shards[hv % SHARDS];
    bucket *set = sh->b[(hv / SHARDS) % SETS];
    uint64_t full = (uint64_t)rule->burst * MILLI;
    int allowed;
    uv_mutex_lock(&sh->lock);
    bucket *b = NULL, *victim = &set[0];
    for (int w = 0; w < WAYS && !b; w++) {
        if (set[w].key == hv) b = &set[w];
    }
    if (!b) {
        for (int w = 0; w < WAYS; w++) {
            if (!set[w].key) {
                victim = &set[w];
                break;
            }
            /* rules differ per kind; compare by fullness after refill of
             * the kind at hand: a fair enough approximation */
            refill(&set[w], rule, now_ms);
            if (set[w].tokens_milli > victim->tokens_milli) victim = &set[w];
        }
        b = victim;
        b->key = hv;
        b->tokens_milli = full;
        b->at_ms = now_ms;
    }
    refill(b, rule, now_ms);
    if (b->tokens_milli >= MILLI) {
        b->tokens_milli -= MILLI;
        allowed = 1;
    } else {
        allowed = 0;
        if (retry_after_s) {
            uint64_t missing = MILLI - b->tokens_milli;
            uint64_t ms = (missing * rule->period_ms + full - 1) / full;
            uint64_t s = (ms + 999) / 1000;
            *retry_after_s = s ? (uint32_t)s : 1;
        }
    }
    uv_mutex_unlock(&sh->lock);
    return allowed;
}

void cc_client_ip(cc_request *r, char *buf, size_t cap)
{
    h2o_req_t *req = r->req;
    buf[0] = '\0';
    if (r->site->trust_proxy) {
        ssize_t at = h2o_find_header_by_str(&req->headers, H2O_STRLIT("x-forwarded-for"), -1);
        if (at != -1) {
            /* The last hop is the one our proxy appended; earlier ones are
             * whatever the client claimed. */
            const h2o_iovec_t *v = &req->headers.entries[at].value;
            size_t e = v->len;
            while (e && v->base[e - 1] == ' ')
                e--;
            size_t b = e;
            while (b && v->base[b - 1] != ',' && v->base[b - 1] != ' ')
                b--;
            size_t n = e - b;
            if (n && n < 64 && n < cap) {
                memcpy(buf, v->base + b, n);
                buf[n] = '\0';
                return;
            }
        }
    }
    struct sockaddr_storage ss;
    socklen_t sl = req->conn->callbacks->get_peername(req->conn, (struct sockaddr *)&ss);
    if (sl) {
        char host[NI_MAXHOST];
        size_t hl = h2o_socket_getnumerichost((struct sockaddr *)&ss, sl, host);
        if (hl != SIZE_MAX && hl < cap) {
            memcpy(buf, host, hl);
            buf[hl] = '\0';
        }
    }
}

int cc_rate_check(cc_request *r, cc_rate_kind kind, const char *key, size_t len)
{
    char ip[NI_MAXHOST];
    if (!key) {
        cc_client_ip(r, ip, sizeof ip);
        key = ip;
        len = strlen(ip);
    }
    uint32_t retry = 0;
    if (cc_ratelimit_take(r->site->ratelimit, kind, key, len, cc_now_ms(), &retry)) return 1;
    h2o_req_t *req = r->req;
    char *v = h2o_mem_alloc_pool(&req->pool, 16);
    int n = snprintf(v, 16, "%u", (unsigned)retry);
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_RETRY_AFTER, NULL, v, (size_t)n);
    cc_html h;
    cc_html_init(&h, &req->pool);
    const char *title = cc_tr(r->lang, CC_MSG_ACC_RATE_TITLE);
    cc_layout_begin(&h, r, title);
    cc_html_lit(&h, "<h1>");
    cc_html_textz(&h, title);
    cc_html_lit(&h, "</h1>\n<p role=\"alert\">");
    cc_html_textf(&h, cc_tr(r->lang, CC_MSG_ACC_RATE_TEXT), (unsigned)retry);
    cc_html_lit(&h, "</p>\n<p><a href=\"/\">");
    cc_html_textz(&h, cc_tr(r->lang, CC_MSG_ERROR_BACK_HOME));
    cc_html_lit(&h, "</a></p>\n");
    cc_layout_end(&h, r);
    cc_response how = {429, "text/html; charset=utf-8", CC_CACHE_NO_STORE, CC_RESP_VARY_LANG};
    cc_http_respond(r, &how, &h.out);
    return 0;
}
