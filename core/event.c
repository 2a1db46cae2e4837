/* event.c - the event catalogue and the canonical msgpack codec.
 *
 * The catalogue (`types` below) is the single source of truth for which
 * fields each event type carries, in which order, and which are optional.
 * Encoding walks it; decoding checks against it; docs/EVENTS.md describes it.
 *
 * Canonical form: the map's keys appear in catalogue order; msgpack-c's
 * packer already writes integers and string headers in their shortest form.
 * Rather than re-implementing those rules in the decoder, the decoder parses
 * into a cc_event, re-encodes it and compares bytes: any other encoding of the
 * same event (a uint in 8 bytes, keys reordered, a str16 for a short string)
 * is rejected as CC_ENONCANONICAL. Two encoders that follow docs/FORMAT.md
 * therefore always produce identical entries. */
#include "event.h"

#include "error.h"
#include "msgpack_guard.h"
#include "text.h"

#include <msgpack.h>
#include <stdio.h>
#include <string.h>

/* ---- catalogue ---------------------------------------------------------- */

typedef struct field_spec {
    uint8_t field;
    uint8_t optional;
} field_spec;

typedef struct type_spec {
    const char *name;
    uint8_t count;
    field_spec fields[10];
} type_spec;

#define R(f)                                                                                       \
    {                                                                                              \
        CC_F_##f, 0                                                                                \
    }
#define O(f)                                                                                       \
    {                                                                                              \
        CC_F_##f, 1                                                                                \
    }
#define SPEC(...)                                                                                  \
    .count = sizeof((field_spec[]){__VA_ARGS__}) / sizeof(field_spec), .fields = {__VA_ARGS__}

/* Every type starts with ty, ts, by. */
static const type_spec types[CC_EV_COUNT_] = {
    [CC_EV_CONSULTATION_CONFIGURED] = {SPEC(R(TYPE), R(TS), R(BY), R(COMMITMENT))},
    [CC_EV_THEME_CREATED] = {SPEC(R(TYPE), R(TS), R(BY), R(ORDER), R(OPENS), R(CLOSES),
                                  R(COMMITMENT))},
    [CC_EV_THEME_UPDATED] = {SPEC(R(TYPE), R(TS), R(BY), R(THEME), R(ORDER), R(OPENS), R(CLOSES),
                                  R(COMMITMENT))},
    [CC_EV_THEME_OPENED] = {SPEC(R(TYPE), R(TS), R(BY), R(THEME))},
    [CC_EV_THEME_CLOSED] = {SPEC(R(TYPE), R(TS), R(BY), R(THEME))},
    [CC_EV_SECTION_CREATED] = {SPEC(R(TYPE), R(TS), R(BY), R(THEME), R(KIND), R(POSTING), R(ORDER),
                                    R(COMMITMENT))},
    [CC_EV_SECTION_UPDATED] = {SPEC(R(TYPE), R(TS), R(BY), R(SECTION), R(KIND), R(POSTING),
                                    R(ORDER), R(COMMITMENT))},
    [CC_EV_PARTICIPANT_REGISTERED] = {SPEC(R(TYPE), R(TS), R(BY), R(STATUS), O(ORG))},
    [CC_EV_PARTICIPANT_STATUS_CHANGED] = {SPEC(R(TYPE), R(TS), R(BY), R(STATUS), O(ORG))},
    [CC_EV_PARTICIPANT_ERASED] = {SPEC(R(TYPE), R(TS), R(BY), R(P))},
    [CC_EV_ROLE_GRANTED] = {SPEC(R(TYPE), R(TS), R(BY), R(P), R(ROLE))},
    [CC_EV_ROLE_REVOKED] = {SPEC(R(TYPE), R(TS), R(BY), R(P), R(ROLE))},
    [CC_EV_CONTRIBUTION_POSTED] = {SPEC(R(TYPE), R(TS), R(BY), R(SECTION), R(COMMITMENT))},
    [CC_EV_CONTRIBUTION_EDITED] = {SPEC(R(TYPE), R(TS), R(BY), R(ITEM), R(COMMITMENT))},
    [CC_EV_ARGUMENT_POSTED] = {SPEC(R(TYPE), R(TS), R(BY), R(ITEM), R(SIDE), R(COMMITMENT))},
    [CC_EV_SOURCE_POSTED] = {SPEC(R(TYPE), R(TS), R(BY), R(ITEM), R(COMMITMENT))},
    [CC_EV_COMMENT_POSTED] = {SPEC(R(TYPE), R(TS), R(BY), R(ITEM), R(COMMITMENT))},
    [CC_EV_VOTE_CAST] = {SPEC(R(TYPE), R(TS), R(BY), R(ITEM), R(VALUE))},
    [CC_EV_VOTE_CHANGED] = {SPEC(R(TYPE), R(TS), R(BY), R(ITEM), R(VALUE))},
    [CC_EV_VOTE_WITHDRAWN] = {SPEC(R(TYPE), R(TS), R(BY), R(ITEM))},
    [CC_EV_FLAG_RAISED] = {SPEC(R(TYPE), R(TS), R(BY), R(ITEM), R(FLAG_REASON), O(COMMITMENT))},
    [CC_EV_FLAG_DISMISSED] = {SPEC(R(TYPE), R(TS), R(BY), R(ITEM), O(COMMITMENT))},
    [CC_EV_ITEM_TRASHED] = {SPEC(R(TYPE), R(TS), R(BY), R(ITEM), R(TRASH_REASON), O(COMMITMENT))},
    [CC_EV_ITEM_REMOVED] = {SPEC(R(TYPE), R(TS), R(BY), R(ITEM), R(GROUND), O(COMMITMENT))},
    [CC_EV_ITEM_RESTORED] = {SPEC(R(TYPE), R(TS), R(BY), R(ITEM), O(COMMITMENT))},
    [CC_EV_DOCUMENT_PUBLISHED] = {SPEC(R(TYPE), R(TS), R(BY), O(THEME), R(FILE_HASH), R(FILE_SIZE),
                                       R(MIME), R(COMMITMENT))},
    [CC_EV_MEETING_SCHEDULED] = {SPEC(R(TYPE), R(TS), R(BY), O(THEME), R(AT), R(COMMITMENT))},
    [CC_EV_MEETING_REPORTED] = {SPEC(R(TYPE), R(TS), R(BY), R(ITEM), R(COMMITMENT))},
    [CC_EV_SYNTHESIS_PUBLISHED] = {SPEC(R(TYPE), R(TS), R(BY), R(THEME), R(LOG_SIZE),
                                        R(COMMITMENT))},
    [CC_EV_RECOMMENDATIONS_PUBLISHED] = {SPEC(R(TYPE), R(TS), R(BY), R(THEME), R(LOG_SIZE),
                                              R(COMMITMENT))},
    [CC_EV_REPORT_PUBLISHED] = {SPEC(R(TYPE), R(TS), R(BY), R(LOG_SIZE), R(COMMITMENT))},
};

static const char *const type_names[CC_EV_COUNT_] = {
#define CC_EV_NAME_(name, str) [CC_EV_##name] = str,
    CC_EVENT_TYPES(CC_EV_NAME_)
#undef CC_EV_NAME_
};

static const char *const field_keys[CC_F_COUNT_] = {
#define CC_FIELD_KEY_(name, key) [CC_F_##name] = key,
    CC_FIELDS(CC_FIELD_KEY_)
#undef CC_FIELD_KEY_
};

/* Vocabularies, index 0 unused. */
static const char *const status_names[] = {NULL,      "citizen",     "association",
                                           "company", "public_body", "representative"};
static const char *const role_names[] = {NULL, "moderator", "admin"};
static const char *const kind_names[] = {NULL, "presentation", "diagnostic", "proposals", "other"};
static const char *const side_names[] = {NULL, "for", "against"};
static const char *const value_names[] = {NULL, "agree", "mitigated", "disagree", "up"};
static const char *const flag_reason_names[] = {NULL,   "insulting", "false", "off_topic",
                                                "spam", "illegal",   "other"};
static const char *const trash_reason_names[] = {NULL,        "insulting", "false",
                                                 "off_topic", "spam",      "duplicate"};
static const char *const ground_names[] = {
    NULL,          "crimes_against_humanity", "racial_hatred",          "discriminatory_hatred",
    "child_abuse", "incitement_to_violence",  "violence_against_women", "human_dignity",
    "terrorism"};
static const char *const mime_names[] = {
    NULL,
    "application/pdf",
    "text/plain",
    "text/markdown",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"};

typedef enum kind {
    K_TYPE,
    K_U64,
    K_PSEUDONYM,
    K_ENUM,
    K_BOOL,
    K_BIN32,
    K_ORG,
} kind;

typedef struct vocabulary {
    const char *const *names;
    unsigned count; /* including the unused 0 */
} vocabulary;

#define VOCAB(a)                                                                                   \
    {                                                                                              \
        a, sizeof(a) / sizeof(a[0])                                                                \
    }

static kind field_kind(cc_field f)
{
    switch (f) {
    case CC_F_TYPE:
        return K_TYPE;
    case CC_F_BY:
    case CC_F_P:
        return K_PSEUDONYM;
    case CC_F_STATUS:
    case CC_F_ROLE:
    case CC_F_KIND:
    case CC_F_SIDE:
    case CC_F_VALUE:
    case CC_F_FLAG_REASON:
    case CC_F_TRASH_REASON:
    case CC_F_GROUND:
    case CC_F_MIME:
        return K_ENUM;
    case CC_F_POSTING:
        return K_BOOL;
    case CC_F_FILE_HASH:
    case CC_F_COMMITMENT:
        return K_BIN32;
    case CC_F_ORG:
        return K_ORG;
    default:
        return K_U64;
    }
}

static vocabulary field_vocabulary(cc_field f)
{
    switch (f) {
    case CC_F_STATUS:
        return (vocabulary)VOCAB(status_names);
    case CC_F_ROLE:
        return (vocabulary)VOCAB(role_names);
    case CC_F_KIND:
        return (vocabulary)VOCAB(kind_names);
    case CC_F_SIDE:
        return (vocabulary)VOCAB(side_names);
    case CC_F_VALUE:
        return (vocabulary)VOCAB(value_names);
    case CC_F_FLAG_REASON:
        return (vocabulary)VOCAB(flag_reason_names);
    case CC_F_TRASH_REASON:
        return (vocabulary)VOCAB(trash_reason_names);
    case CC_F_GROUND:
        return (vocabulary)VOCAB(ground_names);
    case CC_F_MIME:
        return (vocabulary)VOCAB(mime_names);
    default:
        return (vocabulary){NULL, 0};
    }
}

/* Storage of each field in cc_event. */
static uint64_t *u64_member(cc_event *e, cc_field f)
{
    switch (f) {
    case CC_F_TS:
        return &e->ts;
    case CC_F_THEME:
        return &e->theme;
    case CC_F_SECTION:
        return &e->section;
    case CC_F_ITEM:
        return &e->item;
    case CC_F_ORDER:
        return &e->order;
    case CC_F_OPENS:
        return &e->opens;
    case CC_F_CLOSES:
        return &e->closes;
    case CC_F_AT:
        return &e->at;
    case CC_F_FILE_SIZE:
        return &e->file_size;
    case CC_F_LOG_SIZE:
        return &e->log_size;
    default:
        return NULL;
    }
}

static uint8_t *enum_member(cc_event *e, cc_field f)
{
    switch (f) {
    case CC_F_STATUS:
        return &e->status;
    case CC_F_ROLE:
        return &e->role;
    case CC_F_KIND:
        return &e->kind;
    case CC_F_SIDE:
        return &e->side;
    case CC_F_VALUE:
        return &e->value;
    case CC_F_FLAG_REASON:
    case CC_F_TRASH_REASON:
        return &e->reason;
    case CC_F_GROUND:
        return &e->ground;
    case CC_F_MIME:
        return &e->mime;
    default:
        return NULL;
    }
}

static cc_pseudonym *pseudonym_member(cc_event *e, cc_field f)
{
    return f == CC_F_BY ? &e->by : f == CC_F_P ? &e->p : NULL;
}

static uint8_t *bin32_member(cc_event *e, cc_field f)
{
    return f == CC_F_FILE_HASH ? e->file_hash : f == CC_F_COMMITMENT ? e->commitment : NULL;
}

/* ---- public lookups ----------------------------------------------------- */

const char *cc_event_type_name(cc_event_type t)
{
    if (t <= CC_EV_NONE || t >= CC_EV_COUNT_) return NULL;
    return type_names[t];
}

cc_event_type cc_event_type_from_name(const char *s, size_t len)
{
    for (int t = 1; t < CC_EV_COUNT_; t++) {
        if (strlen(type_names[t]) == len && memcmp(type_names[t], s, len) == 0)
            return (cc_event_type)t;
    }
    return CC_EV_NONE;
}

const char *cc_field_key(cc_field f)
{
    return f < CC_F_COUNT_ ? field_keys[f] : NULL;
}

const char *cc_field_enum_name(cc_field f, unsigned value)
{
    vocabulary v = field_vocabulary(f);
    if (value == 0 || value >= v.count) return NULL;
    return v.names[value];
}

unsigned cc_field_enum_value(cc_field f, const char *s, size_t len)
{
    vocabulary v = field_vocabulary(f);
    for (unsigned i = 1; i < v.count; i++) {
        if (strlen(v.names[i]) == len && memcmp(v.names[i], s, len) == 0) return i;
    }
    return 0;
}

int cc_event_has_field(cc_event_type t, cc_field f)
{
    if (t <= CC_EV_NONE || t >= CC_EV_COUNT_) return 0;
    for (unsigned i = 0; i < types[t].count; i++) {
        if (types[t].fields[i].field == f) return types[t].fields[i].optional ? 2 : 1;
    }
    return 0;
}

void cc_event_init(cc_event *e, cc_event_type type)
{
    memset(e, 0, sizeof *e);
    e->type = type;
    cc_event_set(e, CC_F_TYPE);
    cc_event_set(e, CC_F_TS);
    cc_event_set(e, CC_F_BY);
}

/* ---- validation --------------------------------------------------------- */

static _Thread_local cc_field last_error_field = CC_F_COUNT_;

cc_field cc_event_decode_error_field(void)
{
    return last_error_field;
}

static int fail(cc_field f, int rc)
{
    last_error_field = f;
    return rc;
}

int cc_event_validate(const cc_event *e)
{
    last_error_field = CC_F_COUNT_;
    if (e->type <= CC_EV_NONE || e->type >= CC_EV_COUNT_) return fail(CC_F_TYPE, CC_EUNKNOWNTYPE);
    const type_spec *spec = &types[e->type];
    uint64_t allowed = 0;
    for (unsigned i = 0; i < spec->count; i++) {
        cc_field f = (cc_field)spec->fields[i].field;
        allowed |= (uint64_t)1 << f;
        if (!cc_event_is_set(e, f)) {
            if (spec->fields[i].optional) continue;
            return fail(f, CC_EMISSING);
        }
        cc_event *m = (cc_event *)e; /* member accessors are shared with decode */
        switch (field_kind(f)) {
        case K_PSEUDONYM: {
            const cc_pseudonym *p = pseudonym_member(m, f);
            if (!cc_pseudonym_valid(p->s, strnlen(p->s, sizeof p->s))) return fail(f, CC_EENUM);
            break;
        }
        case K_ENUM: {
            unsigned v = *enum_member(m, f);
            if (!cc_field_enum_name(f, v)) return fail(f, CC_EENUM);
            break;
        }
        case K_ORG: {
            if (e->org_len > CC_ORG_MAX) return fail(f, CC_ETOOLONG);
            int rc = cc_text_check(e->org, e->org_len, 1, CC_ORG_MAX, CC_TEXT_SINGLE_LINE);
            if (rc) return fail(f, rc);
            break;
        }
        default:
            break;
        }
    }
    /* Both reason fields share the "rs" key and the reason member: a type
     * has one of them, never both, so the presence bit of the other one is
     * the same bit pattern only if set by mistake. */
    if (e->present & ~allowed) {
        for (int f = 0; f < CC_F_COUNT_; f++) {
            if ((e->present >> f) & 1 && !((allowed >> f) & 1)) return fail((cc_field)f, CC_EEXTRA);
        }
    }
    /* Only organisations name themselves (DESIGN: public declaration). */
    if (e->type == CC_EV_PARTICIPANT_REGISTERED || e->type == CC_EV_PARTICIPANT_STATUS_CHANGED) {
        bool has_org = cc_event_is_set(e, CC_F_ORG);
        if (e->status == CC_STATUS_CITIZEN && has_org) return fail(CC_F_ORG, CC_EEXTRA);
        if (e->status != CC_STATUS_CITIZEN && !has_org) return fail(CC_F_ORG, CC_EMISSING);
    }
    /* Only arguments take the "up" vote, and they take nothing else; the
     * decider knows the target's kind, the codec only the vocabulary. */
    return 0;
}

/* ---- encoding ----------------------------------------------------------- */

typedef struct fixed_buffer {
    uint8_t *buf;
    size_t cap, len;
    int overflow;
} fixed_buffer;

static int fixed_write(void *data, const char *buf, size_t len)
{
    fixed_buffer *fb = data;
    if (fb->cap - fb->len < len) {
        fb->overflow = 1;
        return -1;
    }
    memcpy(fb->buf + fb->len, buf, len);
    fb->len += len;
    return 0;
}

static void pack_string(msgpack_packer *pk, const char *s, size_t len)
{
    msgpack_pack_str(pk, len);
    msgpack_pack_str_body(pk, s, len);
}

int cc_event_encode(const cc_event *e, uint8_t *buf, size_t cap, size_t *len)
{
    int rc = cc_event_validate(e);
    if (rc) return rc;
    const type_spec *spec = &types[e->type];
    uint8_t tmp[CC_EVENT_MAX];
    fixed_buffer fb = {tmp, sizeof tmp, 0, 0};
    msgpack_packer pk;
    msgpack_packer_init(&pk, &fb, fixed_write);

    unsigned n = 0;
    for (unsigned i = 0; i < spec->count; i++)
        n += cc_event_is_set(e, spec->fields[i].field);
    msgpack_pack_map(&pk, n);
    cc_event *m = (cc_event *)e;
    for (unsigned i = 0; i < spec->count; i++) {
        cc_field f = (cc_field)spec->fields[i].field;
        if (!cc_event_is_set(e, f)) continue;
        pack_string(&pk, field_keys[f], strlen(field_keys[f]));
        switch (field_kind(f)) {
        case K_TYPE:
            pack_string(&pk, type_names[e->type], strlen(type_names[e->type]));
            break;
        case K_U64:
            msgpack_pack_uint64(&pk, *u64_member(m, f));
            break;
        case K_PSEUDONYM:
            pack_string(&pk, pseudonym_member(m, f)->s, CC_PSEUDONYM_LEN);
            break;
        case K_ENUM: {
            const char *name = cc_field_enum_name(f, *enum_member(m, f));
            pack_string(&pk, name, strlen(name));
            break;
        }
        case K_BOOL:
            if (e->posting)
                msgpack_pack_true(&pk);
            else
                msgpack_pack_false(&pk);
            break;
        case K_BIN32:
            msgpack_pack_bin(&pk, 32);
            msgpack_pack_bin_body(&pk, bin32_member(m, f), 32);
            break;
        case K_ORG:
            pack_string(&pk, e->org, e->org_len);
            break;
        }
    }
    if (fb.overflow) return CC_ETOOBIG;
    if (fb.len > cap) return CC_ETOOBIG;
    memcpy(buf, tmp, fb.len);
    *len = fb.len;
    return 0;
}

/* ---- decoding ----------------------------------------------------------- */

static bool key_is(const msgpack_object *o, const char *key)
{
    size_t n = strlen(key);
    return o->type == MSGPACK_OBJECT_STR && o->via.str.size == n &&
           memcmp(o->via.str.ptr, key, n) == 0;
}

static int decode_value(cc_event *e, cc_field f, const msgpack_object *v)
{
    switch (field_kind(f)) {
    case K_TYPE:
        return 0; /* already read */
    case K_U64:
        if (v->type != MSGPACK_OBJECT_POSITIVE_INTEGER) return fail(f, CC_ETYPE);
        *u64_member(e, f) = v->via.u64;
        return 0;
    case K_PSEUDONYM:
        if (v->type != MSGPACK_OBJECT_STR) return fail(f, CC_ETYPE);
        if (!cc_pseudonym_valid(v->via.str.ptr, v->via.str.size)) return fail(f, CC_EENUM);
        memcpy(pseudonym_member(e, f)->s, v->via.str.ptr, CC_PSEUDONYM_LEN);
        pseudonym_member(e, f)->s[CC_PSEUDONYM_LEN] = '\0';
        return 0;
    case K_ENUM: {
        if (v->type != MSGPACK_OBJECT_STR) return fail(f, CC_ETYPE);
        unsigned value = cc_field_enum_value(f, v->via.str.ptr, v->via.str.size);
        if (!value) return fail(f, CC_EENUM);
        *enum_member(e, f) = (uint8_t)value;
        return 0;
    }
    case K_BOOL:
        if (v->type != MSGPACK_OBJECT_BOOLEAN) return fail(f, CC_ETYPE);
        e->posting = v->via.boolean;
        return 0;
    case K_BIN32:
        if (v->type != MSGPACK_OBJECT_BIN) return fail(f, CC_ETYPE);
        if (v->via.bin.size != 32) return fail(f, v->via.bin.size > 32 ? CC_ETOOLONG : CC_ETYPE);
        memcpy(bin32_member(e, f), v->via.bin.ptr, 32);
        return 0;
    case K_ORG: {
        if (v->type != MSGPACK_OBJECT_STR) return fail(f, CC_ETYPE);
        if (v->via.str.size > CC_ORG_MAX) return fail(f, CC_ETOOLONG);
        int rc = cc_text_check(v->via.str.ptr, v->via.str.size, 1, CC_ORG_MAX, CC_TEXT_SINGLE_LINE);
        if (rc) return fail(f, rc);
        memcpy(e->org, v->via.str.ptr, v->via.str.size);
        e->org[v->via.str.size] = '\0';
        e->org_len = (uint16_t)v->via.str.size;
        return 0;
    }
    }
    return fail(f, CC_ETYPE);
}

static int decode_map(const msgpack_object *root, cc_event *out)
{
    if (root->type != MSGPACK_OBJECT_MAP) return fail(CC_F_COUNT_, CC_EMALFORMED);
    const msgpack_object_map *map = &root->via.map;

    /* The type decides the schema, so find it first. */
    const msgpack_object *type_value = NULL;
    for (uint32_t i = 0; i < map->size; i++) {
        if (key_is(&map->ptr[i].key, field_keys[CC_F_TYPE])) {
            if (type_value) return fail(CC_F_TYPE, CC_EEXTRA);
            type_value = &map->ptr[i].val;
        }
    }
    if (!type_value) return fail(CC_F_TYPE, CC_EMISSING);
    if (type_value->type != MSGPACK_OBJECT_STR) return fail(CC_F_TYPE, CC_ETYPE);
    cc_event_type t = cc_event_type_from_name(type_value->via.str.ptr, type_value->via.str.size);
    if (t == CC_EV_NONE) return fail(CC_F_TYPE, CC_EUNKNOWNTYPE);

    memset(out, 0, sizeof *out);
    out->type = t;
    const type_spec *spec = &types[t];
    for (uint32_t i = 0; i < map->size; i++) {
        const msgpack_object *k = &map->ptr[i].key;
        if (k->type != MSGPACK_OBJECT_STR) return fail(CC_F_COUNT_, CC_EEXTRA);
        int found = -1;
        for (unsigned j = 0; j < spec->count; j++) {
            if (key_is(k, field_keys[spec->fields[j].field])) {
                found = spec->fields[j].field;
                break;
            }
        }
        if (found < 0) return fail(CC_F_COUNT_, CC_EEXTRA);
        cc_field f = (cc_field)found;
        if (cc_event_is_set(out, f)) return fail(f, CC_EEXTRA);
        int rc = decode_value(out, f, &map->ptr[i].val);
        if (rc) return rc;
        cc_event_set(out, f);
    }
    return cc_event_validate(out);
}

int cc_event_decode(const uint8_t *buf, size_t len, cc_event *out)
{
    last_error_field = CC_F_COUNT_;
    if (len > CC_EVENT_MAX) return CC_ETOOBIG;
    if (cc_msgpack_guard(buf, len)) return fail(CC_F_COUNT_, CC_EMALFORMED);
    msgpack_zone zone;
    if (!msgpack_zone_init(&zone, 2048)) return CC_ENOMEM;
    msgpack_object root;
    size_t off = 0;
    msgpack_unpack_return ur = msgpack_unpack((const char *)buf, len, &off, &zone, &root);
    int rc;
    if (ur == MSGPACK_UNPACK_NOMEM_ERROR)
        rc = CC_ENOMEM;
    else if (ur != MSGPACK_UNPACK_SUCCESS || off != len)
        rc = fail(CC_F_COUNT_, CC_EMALFORMED);
    else
        rc = decode_map(&root, out);
    msgpack_zone_destroy(&zone);
    if (rc) return rc;

    uint8_t again[CC_EVENT_MAX];
    size_t again_len;
    rc = cc_event_encode(out, again, sizeof again, &again_len);
    if (rc) return rc;
    if (again_len != len || memcmp(again, buf, len) != 0)
        return fail(CC_F_COUNT_, CC_ENONCANONICAL);
    return 0;
}

/* ---- JSON --------------------------------------------------------------- */

typedef struct json_out {
    char *buf;
    size_t cap, len;
} json_out;

static void jputs(json_out *o, const char *s, size_t n)
{
    if (o->len < o->cap) {
        size_t room = o->cap - o->len;
        memcpy(o->buf + o->len, s, n < room ? n : room);
    }
    o->len += n;
}

static void jstring(json_out *o, const char *s, size_t n)
{
    jputs(o, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            jputs(o, esc, 2);
        } else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            jputs(o, esc, 6);
        } else {
            jputs(o, (const char *)&s[i], 1);
        }
    }
    jputs(o, "\"", 1);
}

size_t cc_event_to_json(const cc_event *e, char *buf, size_t cap)
{
    json_out o = {buf, cap, 0};
    cc_event *m = (cc_event *)e;
    jputs(&o, "{", 1);
    const type_spec *spec =
        (e->type > CC_EV_NONE && e->type < CC_EV_COUNT_) ? &types[e->type] : NULL;
    int first = 1;
    for (unsigned i = 0; spec && i < spec->count; i++) {
        cc_field f = (cc_field)spec->fields[i].field;
        if (!cc_event_is_set(e, f)) continue;
        if (!first) jputs(&o, ",", 1);
        first = 0;
        jstring(&o, field_keys[f], strlen(field_keys[f]));
        jputs(&o, ":", 1);
        char num[72];
        switch (field_kind(f)) {
        case K_TYPE:
            jstring(&o, type_names[e->type], strlen(type_names[e->type]));
            break;
        case K_U64: {
            int n = snprintf(num, sizeof num, "%llu", (unsigned long long)*u64_member(m, f));
            jputs(&o, num, (size_t)n);
            break;
        }
        case K_PSEUDONYM:
            jstring(&o, pseudonym_member(m, f)->s, CC_PSEUDONYM_LEN);
            break;
        case K_ENUM: {
            const char *name = cc_field_enum_name(f, *enum_member(m, f));
            if (!name) name = "";
            jstring(&o, name, strlen(name));
            break;
        }
        case K_BOOL:
            jputs(&o, e->posting ? "true" : "false", e->posting ? 4 : 5);
            break;
        case K_BIN32:
            cc_hex(bin32_member(m, f), 32, num);
            jstring(&o, num, 64);
            break;
        case K_ORG:
            jstring(&o, e->org, e->org_len);
            break;
        }
    }
    jputs(&o, "}", 1);
    if (o.cap > 0) o.buf[o.len < o.cap ? o.len : o.cap - 1] = '\0';
    return o.len;
}
