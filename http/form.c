/* form.c - application/x-www-form-urlencoded, strictly.
 *
 * A form is parsed once, whole, into decoded fields in the request's pool,
 * and every check that does not depend on what the field means (escapes,
 * UTF-8, control characters, sizes, duplicates) is done here, so a handler
 * only has to judge meaning. Duplicates are refused rather than resolved
 * ("first wins" or "last wins" would let a proxy and the server read the
 * same body differently); the site's forms never repeat a name.
 *
 * Line ends are normalised to LF while decoding (CR LF and a lone CR each
 * become LF), as browsers send CR LF for textarea content and the site
 * stores text with LF. */
#include "form.h"

#include "error.h"

#include <string.h>
#include <strings.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int cc_form_check_text(const char *s, size_t n, int allow_lf)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        if (c < 0x80) {
            if ((c < 0x20 && !(allow_lf && (c == '\n' || c == '\t'))) || c == 0x7F)
                return CC_ECONTROL;
            i++;
            continue;
        }
        unsigned need, cp;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            cp = c & 0x07;
        } else {
            return CC_EUTF8;
        }
        if (n - i <= need) return CC_EUTF8;
        for (unsigned k = 1; k <= need; k++) {
            if ((p[i + k] & 0xC0) != 0x80) return CC_EUTF8;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return CC_EUTF8;
        if (cp >= 0x80 && cp <= 0x9F) return CC_ECONTROL; /* C1 controls */
        i += need + 1;
    }
    return 0;
}

/* Decode s[0..n) into a new pool string; CR LF and CR become LF. */
static int decode(h2o_mem_pool_t *pool, const char *s, size_t n, size_t max, h2o_iovec_t *out)
{
    char *d = h2o_mem_alloc_pool(pool, n + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int hi, lo;
            if (n - i < 3 || (hi = hexval(s[i + 1])) < 0 || (lo = hexval(s[i + 2])) < 0)
                return CC_EMALFORMED;
            c = (char)(hi << 4 | lo);
            i += 2;
        }
        if (c == '\n' && j && d[j - 1] == '\r') {
            d[j - 1] = '\n';
            continue;
        }
        if (j && d[j - 1] == '\r') d[j - 1] = '\n';
        d[j++] = c;
    }
    if (j && d[j - 1] == '\r') d[j - 1] = '\n';
    d[j] = '\0';
    if (j > max) return CC_ETOOLONG;
    *out = h2o_iovec_init(d, j);
    return 0;
}

int cc_form_parse(h2o_mem_pool_t *pool, const char *s, size_t len, const cc_form_limits *limits,
                  cc_form *out)
{
    size_t max_fields = limits && limits->max_fields ? limits->max_fields : CC_FORM_MAX_FIELDS;
    size_t max_name = limits && limits->max_name ? limits->max_name : CC_FORM_MAX_NAME;
    size_t max_value = limits && limits->max_value ? limits->max_value : CC_FORM_MAX_VALUE;
    memset(out, 0, sizeof *out);
    out->error_field = "";
    if (!s) len = 0;
    size_t segments = 1;
    for (size_t i = 0; i < len; i++)
        segments += s[i] == '&';
    if (segments > max_fields * 4 + 16) return CC_ETOOBIG; /* before any allocation */
    out->fields = h2o_mem_alloc_pool(pool, sizeof *out->fields * (max_fields ? max_fields : 1));
    size_t i = 0;
    while (i < len) {
        const char *seg = s + i;
        const char *amp = memchr(seg, '&', len - i);
        size_t sl = amp ? (size_t)(amp - seg) : len - i;
        i += sl + 1;
        if (!sl) continue;
        const char *eq = memchr(seg, '=', sl);
        size_t nl = eq ? (size_t)(eq - seg) : sl;
        cc_form_field f;
        int rc = decode(pool, seg, nl, max_name, &f.name);
        if (rc) {
            out->error_field = "";
            return rc;
        }
        if (!f.name.len) return CC_EEMPTY;
        if ((rc = cc_form_check_text(f.name.base, f.name.len, 0))) return rc;
        out->error_field = f.name.base;
        if ((rc = decode(pool, eq ? eq + 1 : seg + sl, eq ? sl - nl - 1 : 0, max_value, &f.value)))
            return rc;
        if ((rc = cc_form_check_text(f.value.base, f.value.len, 1))) return rc;
        if (cc_form_get(out, f.name.base)) return CC_EEXTRA;
        if (out->count == max_fields) return CC_ETOOBIG;
        out->fields[out->count++] = f;
    }
    out->error_field = "";
    return 0;
}

const h2o_iovec_t *cc_form_get(const cc_form *f, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < f->count; i++)
        if (f->fields[i].name.len == n && !memcmp(f->fields[i].name.base, name, n))
            return &f->fields[i].value;
    return NULL;
}

static int field(const cc_form *f, const char *name, int required, size_t max, int trim,
                 int multiline, h2o_iovec_t *out)
{
    const h2o_iovec_t *v = cc_form_get(f, name);
    *out = h2o_iovec_init("", 0);
    if (!v) return required ? CC_EEMPTY : 0;
    const char *b = v->base;
    size_t n = v->len;
    if (trim) {
        while (n && (b[0] == ' ')) {
            b++;
            n--;
        }
        while (n && b[n - 1] == ' ')
            n--;
    }
    if (!multiline && (memchr(b, '\n', n) || memchr(b, '\t', n))) return CC_ECONTROL;
    if (n > max) return CC_ETOOLONG;
    if (!n && required) return CC_EEMPTY;
    /* The value is NUL-terminated after its full length; a trimmed one is
     * terminated by overwriting the first trailing space (the pool copy is
     * ours). */
    ((char *)b)[n] = '\0';
    *out = h2o_iovec_init(b, n);
    return 0;
}

int cc_form_line(const cc_form *f, const char *name, int required, size_t max, int trim,
                 h2o_iovec_t *out)
{
    return field(f, name, required, max, trim, 0, out);
}

int cc_form_text(const cc_form *f, const char *name, int required, size_t max, h2o_iovec_t *out)
{
    return field(f, name, required, max, 0, 1, out);
}

int cc_form_parse_body(h2o_req_t *req, const cc_form_limits *limits, cc_form *out)
{
    static const char want[] = "application/x-www-form-urlencoded";
    memset(out, 0, sizeof *out);
    out->error_field = "";
    ssize_t at = h2o_find_header(&req->headers, H2O_TOKEN_CONTENT_TYPE, -1);
    if (at == -1) return CC_ETYPE;
    const h2o_iovec_t *ct = &req->headers.entries[at].value;
    size_t n = sizeof want - 1;
    if (ct->len < n || strncasecmp(ct->base, want, n) ||
        (ct->len > n && ct->base[n] != ';' && ct->base[n] != ' '))
        return CC_ETYPE;
    return cc_form_parse(&req->pool, req->entity.base, req->entity.len, limits, out);
}
