#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

#define CHECK(s) cc_utf8_check(s, sizeof(s) - 1)

static void utf8_accepts_well_formed(void **state)
{
    (void)state;
    assert_int_equal(CHECK(""), 0);
    assert_int_equal(CHECK("plain ascii"), 0);
    assert_int_equal(CHECK("\xc3\xa9l\xc3\xa8ve"), 0); /* élève */
    assert_int_equal(CHECK("\xe2\x80\x94"), 0);        /* em dash */
    assert_int_equal(CHECK("\xf0\x9f\x98\x80"), 0);    /* emoji */
    assert_int_equal(CHECK("\xf4\x8f\xbf\xbf"), 0);    /* U+10FFFF */
    assert_int_equal(CHECK("\xed\x9f\xbf"), 0);        /* U+D7FF */
}

static void utf8_rejects_malformed(void **state)
{
    (void)state;
    assert_int_equal(CHECK("\xc0\xaf"), CC_EUTF8);         /* overlong '/' */
    assert_int_equal(CHECK("\xe0\x80\xaf"), CC_EUTF8);     /* overlong */
    assert_int_equal(CHECK("\xf0\x80\x80\xaf"), CC_EUTF8); /* overlong */
    assert_int_equal(CHECK("\xed\xa0\x80"), CC_EUTF8);     /* surrogate */
    assert_int_equal(CHECK("\xf4\x90\x80\x80"), CC_EUTF8); /* > U+10FFFF */
    assert_int_equal(CHECK("\xf5\x80\x80\x80"), CC_EUTF8);
    assert_int_equal(CHECK("\xff"), CC_EUTF8);
    assert_int_equal(CHECK("\x80"), CC_EUTF8);       /* lone continuation */
    assert_int_equal(CHECK("\xc3"), CC_EUTF8);       /* truncated */
    assert_int_equal(CHECK("ab\xe2\x80"), CC_EUTF8); /* truncated at the end */
    assert_int_equal(CHECK("\xc3\x28"), CC_EUTF8);   /* bad continuation */
}

static void text_rules(void **state)
{
    (void)state;
    assert_int_equal(cc_text_check("", 0, 1, 10, CC_TEXT_SINGLE_LINE), CC_EEMPTY);
    assert_int_equal(cc_text_check("   ", 3, 1, 10, CC_TEXT_SINGLE_LINE), CC_EEMPTY);
    assert_int_equal(cc_text_check("abc", 3, 1, 2, CC_TEXT_SINGLE_LINE), CC_ETOOLONG);
    assert_int_equal(cc_text_check("a\nb", 3, 1, 10, CC_TEXT_SINGLE_LINE), CC_ECONTROL);
    assert_int_equal(cc_text_check("a\nb\tc", 5, 1, 10, CC_TEXT_MULTILINE), 0);
    assert_int_equal(cc_text_check("a\rb", 3, 1, 10, CC_TEXT_MULTILINE), CC_ECONTROL);
    assert_int_equal(cc_text_check("a\x7f", 2, 1, 10, CC_TEXT_MULTILINE), CC_ECONTROL);
    assert_int_equal(cc_text_check("a\xc2\x85", 3, 1, 10, CC_TEXT_MULTILINE), CC_ECONTROL); /* C1 */
    assert_int_equal(cc_text_check("a\0b", 3, 1, 10, CC_TEXT_MULTILINE), CC_ECONTROL);
    assert_int_equal(cc_text_check("\xc3\xa9", 2, 1, 10, CC_TEXT_SINGLE_LINE), 0);
    assert_int_equal(cc_text_check("\xc3", 1, 1, 10, CC_TEXT_SINGLE_LINE), CC_EUTF8);
}

static void urls(void **state)
{
    (void)state;
    const char *good[] = {"https://www.insee.fr/fr/statistiques", "http://example.org",
                          "https://example.org/a?b=c#d", "https://[::1]:8080/x"};
    const char *bad[] = {"ftp://example.org",
                         "https://",
                         "https:///path",
                         "javascript:alert(1)",
                         "https://exa mple.org",
                         "https://user:pw@example.org/",
                         "https://example.org/\xc3\xa9",
                         "example.org",
                         "https://ex<ample.org"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        assert_int_equal(cc_url_check(good[i], strlen(good[i]), 2048), 0);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(cc_url_check(bad[i], strlen(bad[i]), 2048), CC_EURL);
    assert_int_equal(cc_url_check("https://example.org", 19, 10), CC_EURL);
}

static void decimals(void **state)
{
    (void)state;
    uint64_t v = 7;
    assert_int_equal(cc_dec_parse("0", 1, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(cc_dec_parse("42", 2, &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(cc_dec_parse("18446744073709551615", 20, &v), 0);
    assert_true(v == UINT64_MAX);
    /* Canonical only: no sign, no leading zero, no blank, no overflow. */
    const char *bad[] = {
        "", "-1", "+1", "01", " 1", "1 ", "1a", "18446744073709551616", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        v = 7;
        assert_int_equal(cc_dec_parse(bad[i], strlen(bad[i]), &v), CC_EINVAL);
        assert_int_equal(v, 7);
    }
    /* Length is respected: "12" read as one digit. */
    assert_int_equal(cc_dec_parse("12", 1, &v), 0);
    assert_int_equal(v, 1);
}

static void hex(void **state)
{
    (void)state;
    uint8_t in[3] = {0x00, 0xab, 0xff};
    char out[7];
    cc_hex(in, 3, out);
    assert_string_equal(out, "00abff");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_accepts_well_formed),
        cmocka_unit_test(utf8_rejects_malformed),
        cmocka_unit_test(text_rules),
        cmocka_unit_test(urls),
        cmocka_unit_test(decimals),
        cmocka_unit_test(hex),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
