/* fuzz_web.c - libFuzzer harness for what the site parses from requests:
 * form bodies and query strings, and the language negotiation over query,
 * cookie and Accept-Language headers.
 *
 * Properties: nothing crashes or reads outside the input; a parsed form's
 * values are valid UTF-8 without control characters other than LF and tab. */
#include "error.h"
#include "form.h"
#include "i18n.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    h2o_mem_pool_t pool;
    h2o_mem_init_pool(&pool);
    cc_form form;
    if (cc_form_parse(&pool, s, size, NULL, &form) == 0) {
        for (size_t i = 0; i < form.count; i++) {
            if (cc_utf8_check(form.fields[i].value.base, form.fields[i].value.len) != 0) abort();
        }
    }
    h2o_mem_clear_pool(&pool);
    /* Split the input in three for the three headers. */
    size_t a = size / 3, b = 2 * size / 3;
    cc_lang_source src;
    cc_lang lang = cc_lang_negotiate(s, a, s + a, b - a, s + b, size - b, &src);
    if (lang >= CC_LANG_COUNT_) abort();
    return 0;
}
