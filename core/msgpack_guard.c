/* msgpack_guard.c - see msgpack_guard.h for why this exists.
 *
 * The walk keeps one number: how many objects are still expected. Each
 * object is at least one byte, so "expected > bytes left" is already
 * malformed; that bound keeps every count small and the loop linear. */
#include "msgpack_guard.h"

#include "error.h"

static uint64_t be(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

int cc_msgpack_guard(const uint8_t *buf, size_t len)
{
    size_t pos = 0;
    uint64_t expected = 1;
    while (expected > 0) {
        if (pos >= len || expected > len - pos) return CC_EMALFORMED;
        uint8_t t = buf[pos++];
        expected--;
        uint64_t skip = 0, items = 0;
        unsigned width = 0;
        if (t <= 0x7f || t >= 0xe0 || t == 0xc0 || t == 0xc2 || t == 0xc3) {
            /* fixint, nil, bool: done */
        } else if (t >= 0x80 && t <= 0x8f) {
            items = 2u * (t & 0x0f);
        } else if (t >= 0x90 && t <= 0x9f) {
            items = t & 0x0f;
        } else if (t >= 0xa0 && t <= 0xbf) {
            skip = t & 0x1f;
        } else {
            switch (t) {
            case 0xc4:
            case 0xd9:
                width = 1;
                break; /* bin8, str8 */
            case 0xc5:
            case 0xda:
                width = 2;
                break; /* bin16, str16 */
            case 0xc6:
            case 0xdb:
                width = 4;
                break; /* bin32, str32 */
            case 0xcc:
            case 0xd0:
                skip = 1;
                break;
            case 0xcd:
            case 0xd1:
                skip = 2;
                break;
            case 0xce:
            case 0xd2:
            case 0xca:
                skip = 4;
                break;
            case 0xcf:
            case 0xd3:
            case 0xcb:
                skip = 8;
                break;
            case 0xdc:
            case 0xdd:
            case 0xde:
            case 0xdf: {
                unsigned w = (t == 0xdc || t == 0xde) ? 2 : 4;
                if (len - pos < w) return CC_EMALFORMED;
                items = be(buf + pos, w) * (t >= 0xde ? 2 : 1);
                pos += w;
                break;
            }
            default:
                return CC_EMALFORMED; /* ext types and the reserved 0xc1 */
            }
            if (width) {
                if (len - pos < width) return CC_EMALFORMED;
                skip = be(buf + pos, width);
                pos += width;
            }
        }
        if (skip > len - pos) return CC_EMALFORMED;
        pos += (size_t)skip;
        if (items > len - pos) return CC_EMALFORMED;
        expected += items;
    }
    return pos == len ? 0 : CC_EMALFORMED;
}
