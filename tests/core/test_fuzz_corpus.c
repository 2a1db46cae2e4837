/* Replays every file of the fuzz corpus through the fuzz harness, so that
 * inputs the fuzzer once found interesting stay tested on every build. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef CONCERTO_FUZZ_MIN_FILES
#define CONCERTO_FUZZ_MIN_FILES 20
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void replay_corpus(void **state)
{
    (void)state;
    DIR *d = opendir(CONCERTO_FUZZ_CORPUS);
    assert_non_null(d);
    struct dirent *ent;
    int files = 0;
    while ((ent = readdir(d))) {
        if (ent->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", CONCERTO_FUZZ_CORPUS, ent->d_name);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        uint8_t *buf = malloc(1 << 20);
        size_t n = fread(buf, 1, 1 << 20, f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, n);
        free(buf);
        files++;
    }
    closedir(d);
    /* An empty corpus would make this test pass vacuously. */
    assert_true(files >= CONCERTO_FUZZ_MIN_FILES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(replay_corpus)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
