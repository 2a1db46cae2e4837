/* fuzz_log.c - libFuzzer harness for the parsers of the public log formats:
 * signed notes and checkpoints (as an auditor reads them), verifier and
 * signer keys, tile paths and entry bundles.
 *
 * Properties: nothing crashes; a tile path that parses formats back to
 * exactly the input; a bundle's entries lie inside the input. */
#include "checkpoint.h"
#include "error.h"
#include "tiles.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int inside(const uint8_t *entry, size_t len, void *arg)
{
    const cc_slice *all = arg;
    if (entry < all->ptr || entry + len > all->ptr + all->len) abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    /* A fixed verifier: random notes must not verify, but must parse safely. */
    static const char vkey[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    cc_verifier v;
    if (cc_verifier_parse(vkey, sizeof vkey - 1, &v) != 0) abort();
    size_t body_len;
    (void)cc_note_verify(&v, text, size, &body_len);
    char origin[CC_NOTE_NAME_MAX + 1];
    uint64_t cp_size;
    cc_hash root;
    (void)cc_checkpoint_open(&v, text, size, origin, &cp_size, &root);
    cc_verifier parsed;
    (void)cc_verifier_parse(text, size, &parsed);
    cc_signer s;
    (void)cc_signer_parse(text, size, &s);

    cc_tile_ref t;
    if (cc_tile_path_parse(text, size, &t) == 0) {
        char back[CC_TILE_PATH_MAX + 1];
        if (cc_tile_path_format(&t, back, sizeof back) != 0) abort();
        if (strlen(back) != size || memcmp(back, text, size) != 0) abort();
    }
    cc_slice all = {data, size};
    (void)cc_bundle_parse(data, size, inside, &all);
    return 0;
}
