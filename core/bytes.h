/* bytes.h - fixed-width integers in byte strings.
 *
 * LMDB compares keys with memcmp, so every integer in a key is big-endian:
 * byte order then matches numeric order and a cursor walks ids, sequence
 * numbers and days in sequence. Records use the same order so that one set of
 * helpers reads both. The log record's checksum is stored little-endian and
 * existing ledgers depend on it, so it has its own pair.
 *
 * The helpers work byte by byte, so p needs no alignment and the result does
 * not depend on the host's byte order. The caller guarantees that p holds at
 * least as many bytes as the width. */
#ifndef CONCERTO_BYTES_H
#define CONCERTO_BYTES_H

#include <stdint.h>

static inline void cc_put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline uint16_t cc_get_be16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static inline void cc_put_be32(uint8_t *p, uint32_t v)
{
    for (int i = 3; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static inline uint32_t cc_get_be32(const uint8_t *p)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v = (v << 8) | p[i];
    return v;
}

static inline void cc_put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static inline uint64_t cc_get_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

static inline void cc_put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t cc_get_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

#endif
