/* form.h - strict parsing of application/x-www-form-urlencoded bodies and
 * query strings.
 *
 * Every byte comes from outside, so parsing is strict and says why it
 * failed: a malformed percent escape, a name or value over the limit, too
 * many fields, a name given twice, invalid UTF-8 (overlong forms, surrogates,
 * beyond U+10FFFF, truncated sequences) or a control character all make
 * cc_form_parse fail with a project error code and the name of the field at
 * fault, so a page can show the form again with a message next to it.
 *
 * Decoding: '+' is a space, %XX a byte (hex digits of either case); names
 * and values are decoded the same way. Line ends: CR LF and lone CR become
 * LF in every value; tab and LF are the only control characters let
 * through, and only multi-line fields should take them: read single-line
 * fields with cc_form_line, which refuses both.
 *
 * Memory: every string lives in the pool given to cc_form_parse (the
 * request's), NUL-terminated, valid until the pool is cleared. */
#ifndef CONCERTO_HTTP_FORM_H
#define CONCERTO_HTTP_FORM_H

#include <h2o.h>

#include <stddef.h>

/* Default limits (cc_form_limits with zeros takes these). */
#define CC_FORM_MAX_FIELDS 64
#define CC_FORM_MAX_NAME 64
#define CC_FORM_MAX_VALUE 65536

typedef struct cc_form_limits {
    size_t max_fields; /* fields in all */
    size_t max_name;   /* bytes of a decoded name */
    size_t max_value;  /* bytes of a decoded value */
} cc_form_limits;

typedef struct cc_form_field {
    h2o_iovec_t name;  /* decoded, NUL-terminated (not counted) */
    h2o_iovec_t value; /* decoded, LF line ends, NUL-terminated (not counted) */
} cc_form_field;

typedef struct cc_form {
    cc_form_field *fields;
    size_t count;
    /* After a failed parse: the (decoded, possibly truncated) name of the
     * field at fault, "" when the fault is not in one field. */
    const char *error_field;
} cc_form;

/* Parse s[0..len) (a body, or a query string without its '?'). Empty
 * segments ("a=1&&b=2") are skipped; a segment without '=' is a field
 * with an empty value. limits may be NULL for the defaults.
 *
 * Returns 0, or: CC_EMALFORMED (bad percent escape), CC_ETOOLONG (name or
 * value over its limit), CC_ETOOBIG (too many fields), CC_EEXTRA (a name
 * given twice), CC_EUTF8, CC_ECONTROL (a control character other than tab
 * and LF, in a value; any control character in a name), CC_EEMPTY (empty
 * name). out->error_field says which field. */
int cc_form_parse(h2o_mem_pool_t *pool, const char *s, size_t len, const cc_form_limits *limits,
                  cc_form *out);

/* The value of field name, or NULL when absent. */
const h2o_iovec_t *cc_form_get(const cc_form *f, const char *name);

/* A single-line field: *out receives its value (NUL-terminated) or "" when
 * absent, with surrounding spaces trimmed when trim is set. Returns 0,
 * CC_EEMPTY when required and empty (or absent), CC_ETOOLONG when longer
 * than max bytes, CC_ECONTROL when it holds a tab or a line break. */
int cc_form_line(const cc_form *f, const char *name, int required, size_t max, int trim,
                 h2o_iovec_t *out);

/* A multi-line field: like cc_form_line, but tab and LF are allowed. */
int cc_form_text(const cc_form *f, const char *name, int required, size_t max, h2o_iovec_t *out);

/* The request body as a form when its Content-Type is
 * application/x-www-form-urlencoded (parameters allowed); CC_ETYPE for any
 * other type. Same codes as cc_form_parse otherwise. */
int cc_form_parse_body(h2o_req_t *req, const cc_form_limits *limits, cc_form *out);

/* Check s[0..n) is valid UTF-8 without control characters other than tab
 * and LF (when allow_lf is set): 0, CC_EUTF8 or CC_ECONTROL. Also what the
 * parser uses. */
int cc_form_check_text(const char *s, size_t n, int allow_lf);

#endif
