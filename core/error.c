/* error.c - names and messages generated from the table in error.h. */
#include "error.h"

#include <lmdb.h>
#include <string.h>

const char *cc_err_name(int code)
{
    switch (code) {
    case 0:
        return "OK";
#define CC_ERROR_NAME_(name, msg)                                                                  \
    case CC_##name:                                                                                \
        return "CC_" #name;
        CC_ERRORS(CC_ERROR_NAME_)
#undef CC_ERROR_NAME_
    case MDB_MAP_FULL:
        return "MDB_MAP_FULL";
    case MDB_NOTFOUND:
        return "MDB_NOTFOUND";
    case MDB_KEYEXIST:
        return "MDB_KEYEXIST";
    case MDB_CORRUPTED:
        return "MDB_CORRUPTED";
    case MDB_MAP_RESIZED:
        return "MDB_MAP_RESIZED";
    case MDB_READERS_FULL:
        return "MDB_READERS_FULL";
    case MDB_BAD_TXN:
        return "MDB_BAD_TXN";
    default:
        if (code >= MDB_KEYEXIST && code <= MDB_LAST_ERRCODE) return "MDB_ERROR";
        if (code < 0 && code > -4096) return "ERRNO";
        return "UNKNOWN";
    }
}

const char *cc_strerror(int code)
{
    switch (code) {
    case 0:
        return "success";
#define CC_ERROR_MSG_(name, msg)                                                                   \
    case CC_##name:                                                                                \
        return msg;
        CC_ERRORS(CC_ERROR_MSG_)
#undef CC_ERROR_MSG_
    default:
        break;
    }
    if (code >= MDB_KEYEXIST && code <= MDB_LAST_ERRCODE) return mdb_strerror(code);
    if (code < 0 && code > -4096) return strerror(-code);
    return "unknown error";
}
