/* types.c - pseudonyms and the clock. */
#include "types.h"

#include <sodium.h>
#include <time.h>

static const char base32_alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

void cc_pseudonym_random(cc_pseudonym *out)
{
    /* 10 bytes = 80 bits = exactly 16 base32 digits of 5 bits. */
    uint8_t raw[10];
    randombytes_buf(raw, sizeof raw);
    unsigned acc = 0, bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < sizeof raw; i++) {
        acc = (acc << 8) | raw[i];
        bits += 8;
        while (bits >= 5) {
            out->s[o++] = base32_alphabet[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    out->s[o] = '\0';
}

int cc_pseudonym_valid(const char *s, size_t len)
{
    if (len != CC_PSEUDONYM_LEN) return 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) return 0;
    }
    return 1;
}

uint64_t cc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}
