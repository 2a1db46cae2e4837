/* Event codec: round trips for every type, and the strict decoder's
 * rejections, each with hand-built msgpack so the bytes are exactly the
 * hostile ones we mean. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "body.h"
#include "error.h"
#include "event.h"

#include <msgpack.h>
#include <stdlib.h>
#include <string.h>

static const cc_pseudonym alice = {"abcdefghijklmnop"};
static const cc_pseudonym bob = {"qrstuvwxyz234567"};

/* Fill every field the type has with a valid value. */
static void fill(cc_event *e, cc_event_type t, int with_optional)
{
    cc_event_init(e, t);
    e->ts = 1764770000123ull;
    e->by = alice;
    for (int f = CC_F_P; f < CC_F_COUNT_; f++) {
        int has = cc_event_has_field(t, (cc_field)f);
        if (!has || (has == 2 && !with_optional)) continue;
        cc_event_set(e, (cc_field)f);
        switch (f) {
        case CC_F_P:
            e->p = bob;
            break;
        case CC_F_THEME:
            e->theme = 7;
            break;
        case CC_F_SECTION:
            e->section = 300;
            break;
        case CC_F_ITEM:
            e->item = 70000;
            break;
        case CC_F_STATUS:
            e->status = with_optional ? CC_STATUS_ASSOCIATION : CC_STATUS_CITIZEN;
            break;
        case CC_F_ORG:
            strcpy(e->org, "F\xc3\xa9"
                           "d\xc3\xa9ration des parents");
            e->org_len = (uint16_t)strlen(e->org);
            break;
        case CC_F_ROLE:
            e->role = CC_ROLE_MODERATOR;
            break;
        case CC_F_KIND:
            e->kind = CC_KIND_PROPOSALS;
            break;
        case CC_F_POSTING:
            e->posting = true;
            break;
        case CC_F_SIDE:
            e->side = CC_SIDE_AGAINST;
            break;
        case CC_F_VALUE:
            e->value = CC_VOTE_MITIGATED;
            break;
        case CC_F_FLAG_REASON:
        case CC_F_TRASH_REASON:
            e->reason = 3;
            break;
        case CC_F_GROUND:
            e->ground = CC_GROUND_HUMAN_DIGNITY;
            break;
        case CC_F_MIME:
            e->mime = CC_MIME_PDF;
            break;
        case CC_F_FILE_HASH:
            memset(e->file_hash, 0xab, 32);
            break;
        case CC_F_COMMITMENT:
            memset(e->commitment, 0x5a, 32);
            break;
        case CC_F_FILE_SIZE:
            e->file_size = 123456;
            break;
        default:
            *(&e->order) = 0;
            break;
        }
    }
    e->order = cc_event_is_set(e, CC_F_ORDER) ? 3 : 0;
    e->opens = cc_event_is_set(e, CC_F_OPENS) ? 1764770000000ull : 0;
    e->closes = cc_event_is_set(e, CC_F_CLOSES) ? 1768658000000ull : 0;
    e->at = cc_event_is_set(e, CC_F_AT) ? 1766000000000ull : 0;
    e->log_size = cc_event_is_set(e, CC_F_LOG_SIZE) ? 99999 : 0;
}

static void round_trip_every_type(void **state)
{
    (void)state;
    for (int t = 1; t < CC_EV_COUNT_; t++) {
        for (int opt = 0; opt < 2; opt++) {
            cc_event e, d;
            fill(&e, (cc_event_type)t, opt);
            uint8_t buf[CC_EVENT_MAX];
            size_t len;
            int rc = cc_event_encode(&e, buf, sizeof buf, &len);
            if (rc) fail_msg("%s: encode: %s", cc_event_type_name(t), cc_strerror(rc));
            assert_true(len < 400); /* events are small */
            rc = cc_event_decode(buf, len, &d);
            if (rc) fail_msg("%s: decode: %s", cc_event_type_name(t), cc_strerror(rc));
            assert_int_equal(d.type, t);
            assert_int_equal(d.present, e.present);
            assert_int_equal(d.ts, e.ts);
            assert_string_equal(d.by.s, alice.s);
            assert_memory_equal(d.commitment, e.commitment, 32);
            assert_int_equal(d.item, e.item);
            assert_int_equal(d.reason, e.reason);
            assert_int_equal(d.org_len, e.org_len);
            assert_memory_equal(d.org, e.org, e.org_len);
            /* Canonical: re-encoding gives the same bytes. */
            uint8_t again[CC_EVENT_MAX];
            size_t again_len;
            assert_int_equal(cc_event_encode(&d, again, sizeof again, &again_len), 0);
            assert_int_equal(again_len, len);
            assert_memory_equal(again, buf, len);
        }
    }
}

static void names(void **state)
{
    (void)state;
    assert_string_equal(cc_event_type_name(CC_EV_VOTE_CAST), "vote.cast");
    assert_int_equal(cc_event_type_from_name("item.removed", 12), CC_EV_ITEM_REMOVED);
    assert_int_equal(cc_event_type_from_name("item.remove", 11), CC_EV_NONE);
    assert_null(cc_event_type_name(CC_EV_COUNT_));
    assert_string_equal(cc_field_enum_name(CC_F_GROUND, CC_GROUND_RACIAL_HATRED), "racial_hatred");
    assert_int_equal(cc_field_enum_value(CC_F_STATUS, "public_body", 11), CC_STATUS_PUBLIC_BODY);
    assert_int_equal(cc_field_enum_value(CC_F_STATUS, "king", 4), 0);
}

static void encode_validates(void **state)
{
    (void)state;
    cc_event e;
    uint8_t buf[CC_EVENT_MAX];
    size_t len;
    fill(&e, CC_EV_VOTE_CAST, 0);
    e.present &= ~((uint64_t)1 << CC_F_ITEM);
    assert_int_equal(cc_event_encode(&e, buf, sizeof buf, &len), CC_EMISSING);
    assert_int_equal(cc_event_decode_error_field(), CC_F_ITEM);
    fill(&e, CC_EV_VOTE_CAST, 0);
    cc_event_set(&e, CC_F_SIDE);
    assert_int_equal(cc_event_encode(&e, buf, sizeof buf, &len), CC_EEXTRA);
    fill(&e, CC_EV_VOTE_CAST, 0);
    e.value = 9;
    assert_int_equal(cc_event_encode(&e, buf, sizeof buf, &len), CC_EENUM);
    fill(&e, CC_EV_VOTE_CAST, 0);
    memcpy(e.by.s, "ABCDEFGHIJKLMNOP", 16);
    assert_int_equal(cc_event_encode(&e, buf, sizeof buf, &len), CC_EENUM);
    /* Organisations name themselves; citizens do not. */
    fill(&e, CC_EV_PARTICIPANT_REGISTERED, 0);
    e.status = CC_STATUS_COMPANY;
    assert_int_equal(cc_event_encode(&e, buf, sizeof buf, &len), CC_EMISSING);
    fill(&e, CC_EV_PARTICIPANT_REGISTERED, 1);
    e.status = CC_STATUS_CITIZEN;
    assert_int_equal(cc_event_encode(&e, buf, sizeof buf, &len), CC_EEXTRA);
    fill(&e, CC_EV_PARTICIPANT_REGISTERED, 1);
    memcpy(e.org, "bad\xff", 5);
    e.org_len = 4;
    assert_int_equal(cc_event_encode(&e, buf, sizeof buf, &len), CC_EUTF8);
    fill(&e, CC_EV_VOTE_CAST, 0);
    assert_int_equal(cc_event_encode(&e, buf, 10, &len), CC_ETOOBIG);
}

/* ---- hand-built hostile inputs ------------------------------------------ */

typedef struct built {
    msgpack_sbuffer sb;
    msgpack_packer pk;
} built;

static void b_init(built *b, unsigned entries)
{
    msgpack_sbuffer_init(&b->sb);
    msgpack_packer_init(&b->pk, &b->sb, msgpack_sbuffer_write);
    msgpack_pack_map(&b->pk, entries);
}

static void b_str(built *b, const char *s)
{
    msgpack_pack_str(&b->pk, strlen(s));
    msgpack_pack_str_body(&b->pk, s, strlen(s));
}

static void b_kv(built *b, const char *k, const char *v)
{
    b_str(b, k);
    b_str(b, v);
}

static void b_ku(built *b, const char *k, uint64_t v)
{
    b_str(b, k);
    msgpack_pack_uint64(&b->pk, v);
}

static int b_decode(built *b)
{
    cc_event e;
    int rc = cc_event_decode((const uint8_t *)b->sb.data, b->sb.size, &e);
    msgpack_sbuffer_destroy(&b->sb);
    return rc;
}

/* A valid vote.cast, then the same with one thing wrong at a time. */
static void vote_prefix(built *b, unsigned entries)
{
    b_init(b, entries);
    b_kv(b, "ty", "vote.cast");
    b_ku(b, "ts", 1000);
    b_kv(b, "by", alice.s);
}

static void decoder_rejects(void **state)
{
    (void)state;
    built b;

    vote_prefix(&b, 5);
    b_ku(&b, "it", 42);
    b_kv(&b, "v", "agree");
    assert_int_equal(b_decode(&b), 0);

    vote_prefix(&b, 4); /* missing v */
    b_ku(&b, "it", 42);
    assert_int_equal(b_decode(&b), CC_EMISSING);

    vote_prefix(&b, 6); /* extra field */
    b_ku(&b, "it", 42);
    b_kv(&b, "v", "agree");
    b_ku(&b, "zz", 1);
    assert_int_equal(b_decode(&b), CC_EEXTRA);

    vote_prefix(&b, 6); /* duplicate field */
    b_ku(&b, "it", 42);
    b_ku(&b, "it", 43);
    b_kv(&b, "v", "agree");
    assert_int_equal(b_decode(&b), CC_EEXTRA);

    vote_prefix(&b, 5); /* wrong type */
    b_kv(&b, "it", "42");
    b_kv(&b, "v", "agree");
    assert_int_equal(b_decode(&b), CC_ETYPE);
    assert_int_equal(cc_event_decode_error_field(), CC_F_ITEM);

    vote_prefix(&b, 5); /* unknown vocabulary */
    b_ku(&b, "it", 42);
    b_kv(&b, "v", "maybe");
    assert_int_equal(b_decode(&b), CC_EENUM);

    b_init(&b, 3); /* unknown type */
    b_kv(&b, "ty", "vote.rigged");
    b_ku(&b, "ts", 1);
    b_kv(&b, "by", alice.s);
    assert_int_equal(b_decode(&b), CC_EUNKNOWNTYPE);

    b_init(&b, 2); /* no type */
    b_ku(&b, "ts", 1);
    b_kv(&b, "by", alice.s);
    assert_int_equal(b_decode(&b), CC_EMISSING);

    /* Keys out of catalogue order: non-canonical. */
    b_init(&b, 5);
    b_kv(&b, "ty", "vote.cast");
    b_kv(&b, "by", alice.s);
    b_ku(&b, "ts", 1000);
    b_ku(&b, "it", 42);
    b_kv(&b, "v", "agree");
    assert_int_equal(b_decode(&b), CC_ENONCANONICAL);

    /* Oversized commitment. */
    b_init(&b, 5);
    b_kv(&b, "ty", "comment.posted");
    b_ku(&b, "ts", 1);
    b_kv(&b, "by", alice.s);
    b_ku(&b, "it", 1);
    b_str(&b, "c");
    uint8_t big[33] = {0};
    msgpack_pack_bin(&b.pk, 33);
    msgpack_pack_bin_body(&b.pk, big, 33);
    assert_int_equal(b_decode(&b), CC_ETOOLONG);

    /* Invalid UTF-8 and control characters in the organisation name. */
    const char *bad_orgs[] = {"Asso\xc0\xaf", "Asso\nciation", ""};
    const int expected[] = {CC_EUTF8, CC_ECONTROL, CC_EEMPTY};
    for (int i = 0; i < 3; i++) {
        b_init(&b, 5);
        b_kv(&b, "ty", "participant.registered");
        b_ku(&b, "ts", 1);
        b_kv(&b, "by", alice.s);
        b_kv(&b, "st", "association");
        b_kv(&b, "org", bad_orgs[i]);
        assert_int_equal(b_decode(&b), expected[i]);
    }
    /* An organisation name over the limit. */
    char long_org[CC_ORG_MAX + 2];
    memset(long_org, 'a', sizeof long_org - 1);
    long_org[sizeof long_org - 1] = '\0';
    b_init(&b, 5);
    b_kv(&b, "ty", "participant.registered");
    b_ku(&b, "ts", 1);
    b_kv(&b, "by", alice.s);
    b_kv(&b, "st", "association");
    b_kv(&b, "org", long_org);
    assert_int_equal(b_decode(&b), CC_ETOOLONG);
}

static void decoder_rejects_raw_bytes(void **state)
{
    (void)state;
    cc_event e, ok;
    uint8_t buf[CC_EVENT_MAX + 10];
    size_t len;
    /* Start from a valid encoding. */
    cc_event_init(&ok, CC_EV_VOTE_WITHDRAWN);
    ok.ts = 5;
    ok.by = alice;
    ok.item = 3;
    cc_event_set(&ok, CC_F_ITEM);
    assert_int_equal(cc_event_encode(&ok, buf, sizeof buf, &len), 0);
    assert_int_equal(cc_event_decode(buf, len, &e), 0);
    /* Trailing garbage. */
    buf[len] = 0xc0;
    assert_int_equal(cc_event_decode(buf, len + 1, &e), CC_EMALFORMED);
    /* Truncated. */
    assert_int_equal(cc_event_decode(buf, len - 1, &e), CC_EMALFORMED);
    assert_int_equal(cc_event_decode(buf, 0, &e), CC_EMALFORMED);
    /* Not a map. */
    uint8_t nil = 0xc0;
    assert_int_equal(cc_event_decode(&nil, 1, &e), CC_EMALFORMED);
    /* Containers that declare more elements than there are bytes: msgpack-c
     * would try to allocate them up front. */
    const uint8_t huge_map[] = {0xdf, 0xdd, 0xdd, 0xdd, 0xdd, 0xa2, 't', 'y'};
    assert_int_equal(cc_event_decode(huge_map, sizeof huge_map, &e), CC_EMALFORMED);
    const uint8_t huge_array[] = {0xdd, 0xff, 0xff, 0xff, 0xff, 0x01};
    assert_int_equal(cc_event_decode(huge_array, sizeof huge_array, &e), CC_EMALFORMED);
    const uint8_t long_str[] = {0x81, 0xdb, 0x7f, 0xff, 0xff, 0xff, 'x'};
    assert_int_equal(cc_event_decode(long_str, sizeof long_str, &e), CC_EMALFORMED);
    const uint8_t ext[] = {0x81, 0xa2, 't', 'y', 0xd4, 0x01, 0x00};
    assert_int_equal(cc_event_decode(ext, sizeof ext, &e), CC_EMALFORMED);
    cc_body body;
    assert_int_equal(cc_body_decode(CC_EV_COMMENT_POSTED, huge_map, sizeof huge_map, &body),
                     CC_EMALFORMED);
    /* Too big to be an event. */
    memset(buf, 0, sizeof buf);
    assert_int_equal(cc_event_decode(buf, CC_EVENT_MAX + 1, &e), CC_ETOOBIG);
    /* ts as uint64 (0xcf) where a positive fixint fits: non-canonical. */
    uint8_t manual[64];
    size_t o = 0;
    manual[o++] = 0x84;
    memcpy(manual + o, "\xa2ty\xaevote.withdrawn", 18);
    o += 18;
    memcpy(manual + o, "\xa2ts\xcf\0\0\0\0\0\0\0\x05", 12);
    o += 12;
    manual[o++] = 0xa2;
    manual[o++] = 'b';
    manual[o++] = 'y';
    manual[o++] = 0xb0;
    memcpy(manual + o, alice.s, 16);
    o += 16;
    memcpy(manual + o, "\xa2it\x03", 4);
    o += 4;
    assert_int_equal(cc_event_decode(manual, o, &e), CC_ENONCANONICAL);
    manual[22] = 0x05; /* fixint 5, drop the 8 zero bytes */
    memmove(manual + 23, manual + 31, o - 31);
    assert_int_equal(cc_event_decode(manual, o - 8, &e), 0);
    assert_int_equal(e.ts, 5);
}

static void json(void **state)
{
    (void)state;
    cc_event e;
    fill(&e, CC_EV_PARTICIPANT_REGISTERED, 1);
    strcpy(e.org, "Quote \" and \\ back");
    e.org_len = (uint16_t)strlen(e.org);
    char buf[512];
    size_t n = cc_event_to_json(&e, buf, sizeof buf);
    assert_int_equal(n, strlen(buf));
    assert_string_equal(buf, "{\"ty\":\"participant.registered\",\"ts\":1764770000123,"
                             "\"by\":\"abcdefghijklmnop\",\"st\":\"association\","
                             "\"org\":\"Quote \\\" and \\\\ back\"}");
    /* Truncation reports the full length like snprintf. */
    char small[8];
    assert_int_equal(cc_event_to_json(&e, small, sizeof small), n);
    assert_int_equal(strlen(small), 7);
}

/* ---- bodies -------------------------------------------------------------- */

static void bodies(void **state)
{
    (void)state;
    cc_body b = {0}, d;
    const char *title = "Former au code", *text = "Une heure\npar semaine.";
    b.f[CC_B_TITLE] = (cc_slice){(const uint8_t *)title, strlen(title)};
    b.f[CC_B_TEXT] = (cc_slice){(const uint8_t *)text, strlen(text)};
    uint8_t *enc;
    size_t len;
    assert_int_equal(cc_body_encode(CC_EV_CONTRIBUTION_POSTED, &b, &enc, &len), 0);
    assert_int_equal(cc_body_decode(CC_EV_CONTRIBUTION_POSTED, enc, len, &d), 0);
    assert_int_equal(d.f[CC_B_TEXT].len, strlen(text));
    assert_memory_equal(d.f[CC_B_TEXT].ptr, text, strlen(text));
    /* The same body under another type's schema: extra or missing fields. */
    assert_int_equal(cc_body_decode(CC_EV_ARGUMENT_POSTED, enc, len, &d), CC_EEXTRA);
    /* Commitments depend on the nonce. */
    uint8_t n1[16] = {1}, n2[16] = {2}, c1[32], c2[32];
    cc_body_commit(n1, enc, len, c1);
    cc_body_commit(n2, enc, len, c2);
    assert_memory_not_equal(c1, c2, 32);
    free(enc);

    cc_body_field f;
    b.f[CC_B_TITLE] = (cc_slice){(const uint8_t *)"a\nb", 3};
    assert_int_equal(cc_body_validate(CC_EV_CONTRIBUTION_POSTED, &b, &f), CC_ECONTROL);
    assert_int_equal(f, CC_B_TITLE);
    b.f[CC_B_TITLE] = (cc_slice){NULL, 0};
    assert_int_equal(cc_body_validate(CC_EV_CONTRIBUTION_POSTED, &b, &f), CC_EMISSING);
    assert_int_equal(f, CC_B_TITLE);
    cc_body src = {0};
    src.f[CC_B_TITLE] = (cc_slice){(const uint8_t *)"Insee", 5};
    src.f[CC_B_URL] = (cc_slice){(const uint8_t *)"javascript:alert(1)", 19};
    assert_int_equal(cc_body_validate(CC_EV_SOURCE_POSTED, &src, &f), CC_EURL);
    static char huge[20001];
    memset(huge, 'x', sizeof huge);
    b.f[CC_B_TITLE] = (cc_slice){(const uint8_t *)title, strlen(title)};
    b.f[CC_B_TEXT] = (cc_slice){(const uint8_t *)huge, sizeof huge};
    assert_int_equal(cc_body_validate(CC_EV_CONTRIBUTION_POSTED, &b, &f), CC_ETOOLONG);
    assert_int_equal(f, CC_B_TEXT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip_every_type),
        cmocka_unit_test(names),
        cmocka_unit_test(encode_validates),
        cmocka_unit_test(decoder_rejects),
        cmocka_unit_test(decoder_rejects_raw_bytes),
        cmocka_unit_test(json),
        cmocka_unit_test(bodies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
