#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"

#include <errno.h>
#include <lmdb.h>
#include <stdlib.h>
#include <string.h>

static void codes_are_distinct_and_named(void **state)
{
    (void)state;
    assert_int_equal(CC_EINVAL, CC_ERROR_BASE - 1);
    assert_true(CC_ESTATE < CC_EINVAL);
    assert_string_equal(cc_err_name(CC_EINVAL), "CC_EINVAL");
    assert_string_equal(cc_err_name(CC_ECHECKSUM), "CC_ECHECKSUM");
    assert_string_equal(cc_strerror(CC_ECLOSED), "theme is not open");
    /* Our range never meets LMDB's nor errno's. */
    assert_true(CC_EINVAL < -4096);
    assert_true(CC_ESTATE > MDB_LAST_ERRCODE);
}

static void foreign_codes_have_messages(void **state)
{
    (void)state;
    assert_string_equal(cc_err_name(MDB_MAP_FULL), "MDB_MAP_FULL");
    assert_non_null(strstr(cc_strerror(MDB_MAP_FULL), "mapsize"));
    assert_string_equal(cc_strerror(-ENOENT), strerror(ENOENT));
    assert_int_equal(cc_from_mdb(EIO), -EIO);
    assert_int_equal(cc_from_mdb(MDB_NOTFOUND), MDB_NOTFOUND);
    assert_string_equal(cc_strerror(0), "success");
}

static void messages_are_lowercase_without_full_stop(void **state)
{
    (void)state;
    for (int code = CC_EINVAL; code >= CC_ESTATE; code--) {
        const char *m = cc_strerror(code);
        assert_true(m[0] >= 'a' && m[0] <= 'z');
        assert_true(m[strlen(m) - 1] != '.');
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(codes_are_distinct_and_named),
        cmocka_unit_test(foreign_codes_have_messages),
        cmocka_unit_test(messages_are_lowercase_without_full_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
