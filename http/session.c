/* session.c - viewers, cookies and CSRF tokens (see session.h).
 *
 * The viewer is read from the vault and the write-side state (both in the
 * ledger env, one read transaction) rather than from the live view: the
 * write side is what the writer judges commands by, and it is current the
 * moment a write is acknowledged, so a page shown right after a login or a
 * role change never lags behind it. */
#include "session.h"

#include "error.h"
#include "site.h"

#include <sodium.h>
#include <uv.h>

#include <stdio.h>
#include <string.h>

static unsigned char secret[crypto_auth_hmacsha256_KEYBYTES];
static uv_once_t secret_once = UV_ONCE_INIT;

static void secret_init(void)
{
    if (sodium_init() < 0) abort();
    randombytes_buf(secret, sizeof secret);
}

static int is_b64url(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

static int token_shape(h2o_iovec_t v)
{
    return v.base && v.len == CC_TOKEN_TEXT_LEN && is_b64url(v.base, v.len);
}

h2o_iovec_t cc_cookie_get(h2o_req_t *req, const char *name)
{
    size_t nl = strlen(name);
    ssize_t at = -1;
    while ((at = h2o_find_header(&req->headers, H2O_TOKEN_COOKIE, at)) != -1) {
        const h2o_iovec_t *v = &req->headers.entries[at].value;
        size_t i = 0;
        while (i < v->len) {
            while (i < v->len && (v->base[i] == ' ' || v->base[i] == ';'))
                i++;
            size_t start = i;
            while (i < v->len && v->base[i] != ';')
                i++;
            const char *pair = v->base + start;
            size_t pl = i - start;
            if (pl > nl && pair[nl] == '=' && !memcmp(pair, name, nl)) {
                size_t vl = pl - nl - 1;
                while (vl && pair[nl + vl] == ' ')
                    vl--;
                return h2o_iovec_init(pair + nl + 1, vl);
            }
        }
    }
    return h2o_iovec_init(NULL, 0);
}

int cc_request_secure(cc_request *r)
{
    if (r->site->secure_cookies) return 1;
    if (!r->site->trust_proxy) return 0;
    ssize_t at = h2o_find_header_by_str(&r->req->headers, H2O_STRLIT("x-forwarded-proto"), -1);
    return at != -1 && h2o_lcstris(r->req->headers.entries[at].value.base,
                                   r->req->headers.entries[at].value.len, H2O_STRLIT("https"));
}

int cc_viewer_load(cc_request *r, cc_viewer *v)
{
    memset(v, 0, sizeof *v);
    h2o_iovec_t anon = cc_cookie_get(r->req, CC_CSRF_COOKIE);
    if (token_shape(anon)) memcpy(v->anon, anon.base, CC_TOKEN_TEXT_LEN);
    h2o_iovec_t c = cc_cookie_get(r->req, CC_SESSION_COOKIE);
    if (!c.base) return 0;
    if (!token_shape(c)) return CC_ENOSESSION;
    cc_ledger *l = r->site->ledger;
    MDB_txn *txn;
    int rc = cc_ledger_read_begin(l, &txn);
    if (rc) return rc;
    cc_participant part;
    if (!(rc = cc_vault_session_get(txn, &l->vault, c.base, c.len, cc_now_ms(), &v->pseudonym)) &&
        !(rc = cc_vault_account_get(txn, &l->vault, &v->pseudonym, &v->account))) {
        v->signed_in = 1;
        memcpy(v->session, c.base, CC_TOKEN_TEXT_LEN);
        if (cc_state_participant(txn, &l->state, &v->pseudonym, &part) == 0) {
            v->registered = 1;
            v->roles = part.roles;
            v->erased = part.erased;
        }
    }
    cc_ledger_read_end(l, txn);
    if (rc) {
        /* unknown or expired session: anonymous, keeping the CSRF cookie */
        char keep[sizeof v->anon];
        memcpy(keep, v->anon, sizeof keep);
        memset(v, 0, sizeof *v);
        memcpy(v->anon, keep, sizeof keep);
    }
    return rc;
}

static void add_cookie(cc_request *r, const char *fmt, const char *value, const char *extra)
{
    h2o_req_t *req = r->req;
    char *buf = h2o_mem_alloc_pool(&req->pool, 256);
    int n = snprintf(buf, 256, fmt, value, extra, cc_request_secure(r) ? "; Secure" : "");
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_SET_COOKIE, NULL, buf, (size_t)n);
}

void cc_session_cookie_set(cc_request *r, const char *token)
{
    char age[32];
    snprintf(age, sizeof age, "%llu", (unsigned long long)(CC_SESSION_TTL_MS / 1000));
    add_cookie(r, CC_SESSION_COOKIE "=%s; Path=/; Max-Age=%s; HttpOnly; SameSite=Lax%s", token,
               age);
}

void cc_session_cookie_clear(cc_request *r)
{
    add_cookie(r, CC_SESSION_COOKIE "=%s; Path=/; Max-Age=%s; HttpOnly; SameSite=Lax%s", "", "0");
}

static void hmac(const char *tag, const char *token, char *out)
{
    uv_once(&secret_once, secret_init);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, secret, sizeof secret);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)tag, 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)token, CC_TOKEN_TEXT_LEN);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2base64(out, CC_CSRF_LEN + 1, mac, sizeof mac,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void cc_csrf_token(cc_request *r, cc_viewer *v, char *out)
{
    (void)r;
    if (v->signed_in) {
        hmac("s", v->session, out);
        return;
    }
    if (!v->anon[0]) {
        unsigned char raw[32];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2base64(v->anon, sizeof v->anon, raw, sizeof raw,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        v->anon_set = 1;
    }
    hmac("a", v->anon, out);
}

void cc_csrf_field(cc_html *h, cc_request *r, cc_viewer *v)
{
    char tok[CC_CSRF_LEN + 1];
    int had = v->anon_set;
    cc_csrf_token(r, v, tok);
    if (v->anon_set && !had)
        add_cookie(r, CC_CSRF_COOKIE "=%s; Path=/; HttpOnly; SameSite=Lax%s%s", v->anon, "");
    cc_html_lit(h, "<input type=\"hidden\" name=\"" CC_CSRF_FIELD "\"");
    cc_html_attrz(h, "value", tok);
    cc_html_lit(h, ">\n");
}

int cc_csrf_check(cc_request *r, const cc_viewer *v, const cc_form *form)
{
    (void)r;
    const h2o_iovec_t *got = cc_form_get(form, CC_CSRF_FIELD);
    if (!got || got->len != CC_CSRF_LEN) return CC_EFORBIDDEN;
    char want[CC_CSRF_LEN + 1];
    if (v->signed_in)
        hmac("s", v->session, want);
    else if (v->anon[0] && !v->anon_set)
        hmac("a", v->anon, want);
    else
        return CC_EFORBIDDEN;
    return sodium_memcmp(want, got->base, CC_CSRF_LEN) == 0 ? 0 : CC_EFORBIDDEN;
}
