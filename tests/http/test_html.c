/* test_html.c - the HTML writer escapes every dynamic string, validates
 * UTF-8, and the output rope (out.c) keeps bytes and ETag hashes exact. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "html.h"
#include "out.h"
#include "response.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

static h2o_mem_pool_t pool;

static int setup(void **state)
{
    (void)state;
    h2o_mem_init_pool(&pool);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    h2o_mem_clear_pool(&pool);
    return 0;
}

/* Escape s and return the result as a NUL-terminated string in the pool. */
static const char *esc(const char *s, size_t n)
{
    cc_out o;
    cc_out_init(&o, &pool);
    cc_html_escape(&o, s, n);
    return cc_out_flatten(&o).base;
}
#define ESC(lit) esc(lit, sizeof(lit) - 1)

static void escapes_markup_characters(void **state)
{
    (void)state;
    assert_string_equal(ESC("plain"), "plain");
    assert_string_equal(ESC("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
    assert_string_equal(ESC("a & b"), "a &amp; b");
    assert_string_equal(ESC("\" onmouseover=\"x"), "&quot; onmouseover=&quot;x");
    assert_string_equal(ESC("l'école"), "l&#39;école");
    assert_string_equal(ESC("&amp;"), "&amp;amp;"); /* no double-decoding shortcut */
    assert_string_equal(ESC(""), "");
}

static void replaces_bad_utf8_and_controls(void **state)
{
    (void)state;
    const char *fffd = "\xEF\xBF\xBD";
    char want[64];
    assert_string_equal(ESC("\xc3\xa9l\xc3\xa8ve \xf0\x9f\x98\x80"),
                        "\xc3\xa9l\xc3\xa8ve \xf0\x9f\x98\x80");
    snprintf(want, sizeof want, "a%sb", fffd);
    assert_string_equal(ESC("a\xc0\xafz"),
                        "a\xEF\xBF\xBD\xEF\xBF\xBDz"); /* overlong: 2 bad bytes */
    assert_string_equal(ESC("a\xff"
                            "b"),
                        want);
    assert_string_equal(ESC("a\x01"
                            "b"),
                        want); /* C0 control */
    assert_string_equal(ESC("a\x7f"
                            "b"),
                        want); /* DEL */
    assert_string_equal(ESC("a\xc2\x85"
                            "b"),
                        want); /* C1 control (NEL) */
    assert_string_equal(ESC("a\xed\xa0\x80"
                            "b"), /* surrogate: one per byte */
                        "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
                        "b");
    assert_string_equal(ESC("a\xe2\x82"), "a\xEF\xBF\xBD"); /* truncated at the end */
    assert_string_equal(ESC("tab\there\nnew\r\nline"), "tab\there\nnew\nline");
    /* an escaping bypass through a lead byte swallowing '<' */
    assert_string_equal(ESC("\xe2<b>"), "\xEF\xBF\xBD&lt;b&gt;");
    /* NUL in the middle is a control character, and lengths are respected */
    assert_string_equal(esc("a\0b", 3), want);
}

static void literal_and_attributes(void **state)
{
    (void)state;
    cc_html h;
    cc_html_init(&h, &pool);
    cc_html_lit(&h, "<a");
    cc_html_attrz(&h, "title", "x\" onclick=\"evil()");
    cc_html_href(&h, "/themes/1?lang=en", 17);
    cc_html_lit(&h, ">");
    cc_html_textz(&h, "<b>");
    cc_html_lit(&h, "</a> ");
    cc_html_u64(&h, 18446744073709551615ull);
    cc_html_textf(&h, " %s=%d", "<i>", 7);
    assert_string_equal(cc_out_flatten(&h.out).base,
                        "<a title=\"x&quot; onclick=&quot;evil()\" href=\"/themes/1?lang=en\">"
                        "&lt;b&gt;</a> 18446744073709551615 &lt;i&gt;=7");
}

static const char *href(const char *url)
{
    cc_html h;
    cc_html_init(&h, &pool);
    cc_html_href(&h, url, strlen(url));
    return cc_out_flatten(&h.out).base;
}

static void href_refuses_dangerous_schemes(void **state)
{
    (void)state;
    assert_string_equal(href("/x"), " href=\"/x\"");
    assert_string_equal(href("?lang=en"), " href=\"?lang=en\"");
    assert_string_equal(href("#main"), " href=\"#main\"");
    assert_string_equal(href("https://example.org/a?b=1&c=2"),
                        " href=\"https://example.org/a?b=1&amp;c=2\"");
    assert_string_equal(href("javascript:alert(1)"), " href=\"#\"");
    assert_string_equal(href("JavaScript:alert(1)"), " href=\"#\"");
    assert_string_equal(href("java\tscript:alert(1)"), " href=\"#\"");
    assert_string_equal(href(" javascript:alert(1)"), " href=\"#\"");
    assert_string_equal(href("data:text/html,x"), " href=\"#\"");
    assert_string_equal(href("//evil.example/"), " href=\"#\"");
    assert_string_equal(href("https://x/\n"), " href=\"#\"");
    assert_string_equal(href(""), " href=\"#\"");
}

static void paragraphs(void **state)
{
    (void)state;
    cc_html h;
    cc_html_init(&h, &pool);
    const char text[] = "First <one>\nsame paragraph\n\n\nSecond & last\r\n\r\nThird\n";
    cc_html_paragraphs(&h, text, sizeof text - 1);
    assert_string_equal(cc_out_flatten(&h.out).base, "<p>First &lt;one&gt;<br>same paragraph</p>\n"
                                                     "<p>Second &amp; last</p>\n"
                                                     "<p>Third</p>\n");
    cc_html_init(&h, &pool);
    cc_html_paragraphs(&h, "\n\n", 2);
    assert_int_equal(cc_out_len(&h.out), 0);
}

static void rope_keeps_bytes_and_hash(void **state)
{
    (void)state;
    /* Many appends of odd sizes across chunk boundaries, a borrowed slice,
     * a large append and printf: the flattened bytes and the streaming
     * hash must equal a plain buffer's. */
    size_t cap = 200000, n = 0;
    char *expect = malloc(cap);
    assert_non_null(expect);
    cc_out o;
    cc_out_init(&o, &pool);
    static const char big[9000] = {1};
    for (int i = 0; i < 3000; i++) {
        char piece[40];
        int len = snprintf(piece, sizeof piece, "piece %d;", i * 7919 % 1013);
        cc_out_append(&o, piece, (size_t)len);
        memcpy(expect + n, piece, (size_t)len);
        n += (size_t)len;
        if (i == 1000) {
            cc_out_ref(&o, big, sizeof big);
            memcpy(expect + n, big, sizeof big);
            n += sizeof big;
        }
        if (i == 2000) {
            cc_out_append(&o, big, sizeof big);
            memcpy(expect + n, big, sizeof big);
            n += sizeof big;
        }
    }
    cc_out_printf(&o, "%s-%05d", "end", 42);
    memcpy(expect + n, "end-00042", 9);
    n += 9;
    assert_int_equal(cc_out_len(&o), n);
    h2o_iovec_t flat = cc_out_flatten(&o);
    assert_int_equal(flat.len, n);
    assert_memory_equal(flat.base, expect, n);
    assert_true(cc_out_hash(&o) == XXH3_64bits(expect, n));
    size_t count;
    h2o_iovec_t *v = cc_out_iovecs(&o, &count);
    size_t total = 0;
    for (size_t i = 0; i < count; i++)
        total += v[i].len;
    assert_int_equal(total, n);
    assert_true(count > 10); /* really a rope */
    free(expect);
}

static void etag_matching(void **state)
{
    (void)state;
    const char *tag = "\"00112233aabbccdd\"";
    size_t tl = strlen(tag);
#define M(v) cc_http_etag_match(v, strlen(v), tag, tl)
    assert_true(M("\"00112233aabbccdd\""));
    assert_true(M("W/\"00112233aabbccdd\""));
    assert_true(M("\"other\", \"00112233aabbccdd\""));
    assert_true(M("*"));
    assert_false(M("\"00112233aabbccde\""));
    assert_false(M("00112233aabbccdd"));
    assert_false(M("\"00112233aabbccdd"));
    assert_false(M(""));
    assert_false(M(",,, ,"));
    assert_false(M("W/"));
#undef M
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(escapes_markup_characters, setup, teardown),
        cmocka_unit_test_setup_teardown(replaces_bad_utf8_and_controls, setup, teardown),
        cmocka_unit_test_setup_teardown(literal_and_attributes, setup, teardown),
        cmocka_unit_test_setup_teardown(href_refuses_dangerous_schemes, setup, teardown),
        cmocka_unit_test_setup_teardown(paragraphs, setup, teardown),
        cmocka_unit_test_setup_teardown(rope_keeps_bytes_and_hash, setup, teardown),
        cmocka_unit_test_setup_teardown(etag_matching, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
