/* error.h - the project's error codes.
 *
 * Every fallible function returns an int: 0 on success, a negative code on
 * failure. Codes come from three disjoint ranges so they never collide:
 *   - concerto's own codes, CC_ERROR_BASE (-20000) and below, listed here once
 *     (X-macro) so the name and message functions are generated from one table;
 *   - LMDB's codes (-30800 .. -30780), passed through unchanged;
 *   - negated errno values (-1 .. -4095), as libuv does.
 * Messages are lowercase without a final full stop (git's convention); the web
 * site maps codes to its own translated catalogue. */
#ifndef CONCERTO_ERROR_H
#define CONCERTO_ERROR_H

#define CC_ERROR_BASE (-20000)

#define CC_ERRORS(X)                                                                               \
    X(EINVAL, "invalid argument")                                                                  \
    X(ENOMEM, "out of memory")                                                                     \
    X(EIO, "input/output error")                                                                   \
    X(ECORRUPT, "stored data is corrupted")                                                        \
    X(ECHECKSUM, "record checksum mismatch")                                                       \
    X(EFORMAT, "unsupported record format version")                                                \
    X(ENOTFOUND, "not found")                                                                      \
    X(EMALFORMED, "malformed msgpack")                                                             \
    X(EUNKNOWNTYPE, "unknown event type")                                                          \
    X(EMISSING, "missing field")                                                                   \
    X(EEXTRA, "unexpected field")                                                                  \
    X(ETYPE, "field has the wrong type")                                                           \
    X(ETOOLONG, "field is too long")                                                               \
    X(EEMPTY, "field is empty")                                                                    \
    X(EUTF8, "invalid utf-8")                                                                      \
    X(ECONTROL, "control characters are not allowed")                                              \
    X(EENUM, "unknown value")                                                                      \
    X(ENONCANONICAL, "non-canonical encoding")                                                     \
    X(ETOOBIG, "event is too big")                                                                 \
    X(EURL, "invalid url")                                                                         \
    X(EEMAIL, "invalid e-mail address")                                                            \
    X(EUSERNAME, "invalid username")                                                               \
    X(EPASSWORD, "password too short or too long")                                                 \
    X(EFORBIDDEN, "not allowed for this role")                                                     \
    X(ENOTREGISTERED, "participant is not registered")                                             \
    X(EERASED, "participant account was deleted")                                                  \
    X(ENOITEM, "no such item")                                                                     \
    X(EKIND, "item is not of the expected kind")                                                   \
    X(ECLOSED, "theme is not open")                                                                \
    X(ENOPOSTING, "this section does not accept contributions")                                    \
    X(EMODERATED, "item is trashed or removed")                                                    \
    X(ENOTMODERATED, "item is not in the trash")                                                   \
    X(EREMOVED, "item was removed")                                                                \
    X(EALREADY, "already done")                                                                    \
    X(ENOVOTE, "no vote to change or withdraw")                                                    \
    X(ENOFLAG, "no open flag on this item")                                                        \
    X(ENOTAUTHOR, "only the author may do this")                                                   \
    X(EEXISTS, "already taken")                                                                    \
    X(ETOKEN, "invalid or expired token")                                                          \
    X(ENOSESSION, "invalid or expired session")                                                    \
    X(EUNCONFIRMED, "account is not confirmed")                                                    \
    X(ECREDENTIALS, "wrong username or password")                                                  \
    X(ESIGNATURE, "signature verification failed")                                                 \
    X(EKEY, "invalid key")                                                                         \
    X(EPROOF, "proof verification failed")                                                         \
    X(EROOT, "merkle root mismatch")                                                               \
    X(ECHECKPOINT, "malformed checkpoint")                                                         \
    X(EBODY, "body does not match its commitment")                                                 \
    X(ENOBODY, "body missing for an item that was not removed")                                    \
    X(ESHUTDOWN, "writer is shutting down")                                                        \
    X(ESTATE, "write-side state does not match the log")

/* Position of each code in the table, then the code itself: CC_EINVAL is
 * -20001, CC_ENOMEM -20002, and so on. */
enum cc_error_index_ {
#define CC_ERROR_INDEX_(name, msg) CC_ERROR_INDEX_##name,
    CC_ERRORS(CC_ERROR_INDEX_) CC_ERROR_COUNT_
#undef CC_ERROR_INDEX_
};

enum cc_error {
#define CC_ERROR_CODE_(name, msg) CC_##name = CC_ERROR_BASE - 1 - CC_ERROR_INDEX_##name,
    CC_ERRORS(CC_ERROR_CODE_)
#undef CC_ERROR_CODE_
};

/* The symbolic name ("CC_EINVAL", "MDB_MAP_FULL", "ENOENT") of any code.
 * Returns a static string. */
const char *cc_err_name(int code);

/* A human-readable message for any code (ours, LMDB's or a negated errno).
 * Returns a static string. */
const char *cc_strerror(int code);

/* Map an LMDB or errno-style result (positive errno) to our convention. */
static inline int cc_from_mdb(int rc)
{
    return rc > 0 ? -rc : rc;
}

#endif
