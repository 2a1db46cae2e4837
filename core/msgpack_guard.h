/* msgpack_guard.h - a structural pre-check run before msgpack-c sees input.
 *
 * msgpack-c's unpacker allocates arrays and maps of the size their header
 * declares before it has read any element, so eight hostile bytes
 * (0xdf ff ff ff ff) make it ask for gigabytes. Our decoders therefore walk
 * the bytes first, without allocating, and reject any container that declares
 * more elements than bytes remain, any string or binary longer than the
 * input, extension types (never used by concerto), and trailing bytes. */
#ifndef CONCERTO_MSGPACK_GUARD_H
#define CONCERTO_MSGPACK_GUARD_H

#include <stddef.h>
#include <stdint.h>

/* 0 when buf holds exactly one well-framed msgpack object, CC_EMALFORMED
 * otherwise. */
int cc_msgpack_guard(const uint8_t *buf, size_t len);

#endif
