/* fuzz_event.c - libFuzzer harness for the event and body decoders.
 *
 * Property checked on every input: the decoder either rejects it or returns
 * an event whose canonical encoding is exactly the input (the decoder accepts
 * only canonical bytes). The same input is also tried as the body of every
 * event type that has one. Built as a fuzzer with -DCONCERTO_FUZZ=ON (clang);
 * the corpus in fuzz/corpus/event is replayed by ctest (test_fuzz_corpus). */
#include "body.h"
#include "event.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cc_event e;
    if (cc_event_decode(data, size, &e) == 0) {
        uint8_t again[CC_EVENT_MAX];
        size_t len;
        if (cc_event_encode(&e, again, sizeof again, &len) != 0) abort();
        if (len != size || memcmp(again, data, size) != 0) abort();
        char json[2048];
        if (cc_event_to_json(&e, json, sizeof json) >= sizeof json) abort();
    }
    for (int t = 1; t < CC_EV_COUNT_; t++) {
        if (!cc_body_expected((cc_event_type)t)) continue;
        cc_body b;
        if (cc_body_decode((cc_event_type)t, data, size, &b) == 0) {
            for (int f = 0; f < CC_B_COUNT_; f++) {
                const cc_slice *s = &b.f[f];
                /* Slices must lie inside the input. */
                if (s->ptr && (s->ptr < data || s->ptr + s->len > data + size)) abort();
            }
        }
    }
    return 0;
}
