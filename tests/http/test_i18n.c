/* test_i18n.c - the catalogue is complete and consistent, the language is
 * chosen by query, cookie, then Accept-Language, and the parsers survive
 * hostile bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "i18n.h"

#include <stdlib.h>
#include <string.h>

/* The printf conversions of a format, as a string of conversion letters. */
static void conversions(const char *fmt, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') continue;
        p++;
        if (*p == '%') continue;
        while (*p && strchr("-+ #0123456789.lhz", *p))
            p++;
        if (*p && n + 1 < cap) out[n++] = *p;
        if (!*p) break;
    }
    out[n] = '\0';
}

static void catalogue_is_complete(void **state)
{
    (void)state;
    for (int m = 0; m < CC_MSG_COUNT_; m++) {
        const char *fr = cc_tr(CC_LANG_FR, (cc_msg)m), *en = cc_tr(CC_LANG_EN, (cc_msg)m);
        assert_non_null(fr);
        assert_non_null(en);
        assert_true(strlen(fr) > 0);
        assert_true(strlen(en) > 0);
        char cf[16], ce[16];
        conversions(fr, cf, sizeof cf);
        conversions(en, ce, sizeof ce);
        if (strcmp(cf, ce)) fail_msg("message %d: conversions differ: '%s' vs '%s'", m, fr, en);
        /* strings are text: no markup may hide in the catalogue */
        assert_null(strchr(fr, '<'));
        assert_null(strchr(en, '<'));
    }
    assert_string_equal(cc_tr(CC_LANG_FR, CC_MSG_THEMES_HEADING), "Les thèmes");
    assert_string_equal(cc_tr(CC_LANG_EN, CC_MSG_THEMES_HEADING), "Themes");
    assert_string_equal(cc_tr((cc_lang)42, CC_MSG_THEMES_HEADING), "Les thèmes"); /* default */
    assert_string_equal(cc_tr(CC_LANG_EN, (cc_msg)100000), "");
    assert_string_equal(cc_lang_code(CC_LANG_FR), "fr");
    assert_string_equal(cc_lang_code(CC_LANG_EN), "en");
}

static cc_lang neg(const char *query, const char *cookie, const char *accept, cc_lang_source *src)
{
    return cc_lang_negotiate(query, query ? strlen(query) : 0, cookie, cookie ? strlen(cookie) : 0,
                             accept, accept ? strlen(accept) : 0, src);
}

static void negotiation_precedence(void **state)
{
    (void)state;
    cc_lang_source src;
    assert_int_equal(neg(NULL, NULL, NULL, &src), CC_LANG_FR);
    assert_int_equal(src, CC_LANG_FROM_DEFAULT);
    assert_int_equal(neg("lang=en", NULL, NULL, &src), CC_LANG_EN);
    assert_int_equal(src, CC_LANG_FROM_QUERY);
    assert_int_equal(neg("a=1&lang=EN&b=2", "lang=fr", "fr", &src), CC_LANG_EN);
    assert_int_equal(src, CC_LANG_FROM_QUERY);
    assert_int_equal(neg("lang=de", "theme=dark; lang=en", "fr", &src), CC_LANG_EN);
    assert_int_equal(src, CC_LANG_FROM_COOKIE);
    assert_int_equal(neg("xlang=en", "xlang=en", "en-GB,en;q=0.9,fr;q=0.8", &src), CC_LANG_EN);
    assert_int_equal(src, CC_LANG_FROM_HEADER);
    assert_int_equal(neg(NULL, NULL, "de-DE, de;q=0.9", &src), CC_LANG_FR);
    assert_int_equal(src, CC_LANG_FROM_DEFAULT);
}

static void accept_language_q_values(void **state)
{
    (void)state;
    assert_int_equal(neg(NULL, NULL, "fr;q=0.5, en;q=0.8", NULL), CC_LANG_EN);
    assert_int_equal(neg(NULL, NULL, "en;q=0.5, fr;q=0.8", NULL), CC_LANG_FR);
    assert_int_equal(neg(NULL, NULL, "en;q=0, fr;q=0.1", NULL), CC_LANG_FR);
    assert_int_equal(neg(NULL, NULL, "en;q=0", NULL), CC_LANG_FR); /* not acceptable */
    assert_int_equal(neg(NULL, NULL, "en-US", NULL), CC_LANG_EN);
    assert_int_equal(neg(NULL, NULL, "EN", NULL), CC_LANG_EN);
    assert_int_equal(neg(NULL, NULL, "en, fr", NULL), CC_LANG_EN); /* tie: first wins */
    assert_int_equal(neg(NULL, NULL, "*, en;q=0.9", NULL), CC_LANG_FR);
    assert_int_equal(neg(NULL, NULL, "en ; q=0.7 , fr ; q=0.6", NULL), CC_LANG_EN);
    assert_int_equal(neg(NULL, NULL, "en;q=1.5, fr;q=0.2", NULL), CC_LANG_FR); /* bad q ignored */
    assert_int_equal(neg(NULL, NULL, "en;q=0.12345", NULL), CC_LANG_FR);
    assert_int_equal(neg(NULL, NULL, "en;q=", NULL), CC_LANG_FR);
    assert_int_equal(neg(NULL, NULL, "english", NULL), CC_LANG_FR);
    assert_int_equal(neg(NULL, NULL, ",,,;;;==", NULL), CC_LANG_FR);
}

static void hostile_bytes(void **state)
{
    (void)state;
    /* Random bytes through all three parsers, each in its own exactly-sized
     * heap block so that ASan catches any read past the given length. */
    srand(12345);
    static const char alphabet[] = "enfrENFR-;,=q.01 *\t&\"x\xff\x00";
    for (int round = 0; round < 20000; round++) {
        size_t n = (size_t)(rand() % 40);
        char *a = malloc(n ? n : 1), *b = malloc(n ? n : 1), *c = malloc(n ? n : 1);
        assert_non_null(a);
        assert_non_null(b);
        assert_non_null(c);
        for (size_t i = 0; i < n; i++) {
            a[i] = alphabet[rand() % (sizeof alphabet - 1)];
            b[i] = alphabet[rand() % (sizeof alphabet - 1)];
            c[i] = (char)(rand() & 0xff);
        }
        cc_lang_source src;
        cc_lang l = cc_lang_negotiate(a, n, b, n, c, n, &src);
        assert_true(l == CC_LANG_FR || l == CC_LANG_EN);
        l = cc_lang_negotiate(c, n, a, n, b, n, &src);
        assert_true(l == CC_LANG_FR || l == CC_LANG_EN);
        free(a);
        free(b);
        free(c);
    }
}

static void dates(void **state)
{
    (void)state;
    char buf[64];
    uint64_t mar1 = 1740787200000ull; /* 2025-03-01T00:00:00Z */
    cc_i18n_date(CC_LANG_FR, mar1, buf, sizeof buf);
    assert_string_equal(buf, "1er mars 2025");
    cc_i18n_date(CC_LANG_EN, mar1, buf, sizeof buf);
    assert_string_equal(buf, "March 1, 2025");
    cc_i18n_date(CC_LANG_FR, mar1 + 14 * 86400000ull + 3600000, buf, sizeof buf);
    assert_string_equal(buf, "15 mars 2025");
    cc_i18n_date(CC_LANG_FR, 1755000000000ull, buf, sizeof buf); /* 2025-08-12 */
    assert_string_equal(buf, "12 août 2025");
    cc_i18n_date_iso(mar1, buf, sizeof buf);
    assert_string_equal(buf, "2025-03-01");
    /* truncation is safe */
    size_t n = cc_i18n_date(CC_LANG_EN, mar1, buf, 6);
    assert_int_equal(n, 5);
    assert_string_equal(buf, "March");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(catalogue_is_complete),
        cmocka_unit_test(negotiation_precedence),
        cmocka_unit_test(accept_language_q_values),
        cmocka_unit_test(hostile_bytes),
        cmocka_unit_test(dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
