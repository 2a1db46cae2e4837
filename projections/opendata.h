/* opendata.h - the open-data tables: one row per published fact, ready to be
 * written as CSV and JSON Lines by snapshot.c. Pure function of the log.
 *
 * A table is a list of columns (name, type, descriptions in French and
 * English). The projection stores every row of the "stored" tables in one
 * DBI of the views env, already formatted: each cell is the text that goes
 * into the CSV file (ids and counters in decimal, times in ISO 8601 UTC,
 * vocabulary strings, commitments in lowercase hex). Texts are never in the
 * views: a "body" column names the commitment column it is read from and the
 * body field it shows, and snapshot.c fills it from the ledger's bodies at
 * export time (empty when the body was removed). The other tables (the bin,
 * the statistics) are read at export time from the trash and stats
 * projections, so the open data says exactly what the site says.
 *
 * Stored layouts (integers big-endian so cursor order is numeric order):
 *   opendata_rows   table id (1) ‖ natural key -> row: version (1), number
 *                   of cells (1), then per cell its length (1) and bytes;
 *                   keys: pseudonym (16) for participants, target (8) ‖
 *                   pseudonym (16) for votes, contribution (8) ‖ seq (8) for
 *                   versions, the id (8) otherwise
 *   opendata_items  item id (8) -> version ‖ table ‖ state ‖ kind ‖ side ‖
 *                   parent (8) ‖ theme (8) (21 bytes): what later events
 *                   need to find and update an item's rows
 *   opendata_flags  item (8) ‖ flag seq (8) -> (empty): the open flags
 *
 * Row order in every file is the key order, i.e. by id (sequence number),
 * participants by pseudonym, votes by target then pseudonym, versions by
 * contribution then sequence number. */
#ifndef CONCERTO_OPENDATA_H
#define CONCERTO_OPENDATA_H

#include "body.h"
#include "views.h"

typedef struct cc_opendata {
    MDB_dbi rows;  /* table ‖ row key -> row */
    MDB_dbi items; /* item -> table, state, kind, side, parent, theme */
    MDB_dbi flags; /* item ‖ flag seq: open flags */
} cc_opendata;

/* Column types, as Frictionless Table Schema names them. */
typedef enum cc_od_type {
    CC_OD_STRING = 0,
    CC_OD_INTEGER,  /* decimal, no sign, no leading zeros */
    CC_OD_BOOLEAN,  /* "true" or "false" */
    CC_OD_DATETIME, /* 2024-05-01T12:34:56.789Z (UTC, milliseconds) */
    CC_OD_DATE,     /* 2024-05-01 (UTC) */
} cc_od_type;

/* Frictionless type name ("string", "integer", ...). */
const char *cc_od_type_name(cc_od_type t);

typedef struct cc_od_column {
    const char *name;
    cc_od_type type;
    /* Body columns: the cc_body_field shown (>= 0) and the column holding
     * the commitment; -1 for a stored column. */
    int body;
    int commitment;
    /* The event type whose body schema decodes that commitment; CC_EV_NONE
     * when it depends on the row (the table's body_type decides). */
    cc_event_type body_type;
    const char *fr, *en; /* one-sentence descriptions */
} cc_od_column;

#define CC_OD_MAX_COLUMNS 32
#define CC_OD_CELL_MAX 255

/* A row as stored: one cell per column; body cells are empty. */
typedef struct cc_od_row {
    unsigned n;
    uint8_t len[CC_OD_MAX_COLUMNS];
    char cell[CC_OD_MAX_COLUMNS][CC_OD_CELL_MAX + 1]; /* NUL-terminated too */
} cc_od_row;

typedef enum cc_od_source {
    CC_OD_STORED = 0,   /* rows in opendata_rows */
    CC_OD_TRASH,        /* the public bin, from the trash projection */
    CC_OD_STATS,        /* counters per scope, from the stats projection */
    CC_OD_STATS_DAYS,   /* counters per scope and day */
    CC_OD_STATS_FROZEN, /* counters frozen when a theme closed */
} cc_od_source;

typedef struct cc_od_table {
    uint8_t id; /* key prefix of stored rows */
    cc_od_source source;
    const char *name;                /* file stem: data/<name>.csv, data/<name>.jsonl */
    const char *fr, *en;             /* titles */
    const char *order_fr, *order_en; /* row order */
    unsigned ncolumns;
    const cc_od_column *columns;
    unsigned nkey; /* the first nkey columns are the primary key */
    /* Event type of the body committed to in column `commitment` of row,
     * for the columns whose body_type is CC_EV_NONE. */
    cc_event_type (*body_type)(const cc_od_row *row, unsigned commitment);
} cc_od_table;

/* Every table, in the order of the snapshot's files. Static storage. */
const cc_od_table *cc_opendata_tables(size_t *count);
/* The table named name, or NULL. */
const cc_od_table *cc_opendata_table(const char *name);

/* Decode a stored row of table t (CC_ECORRUPT for a bad record). */
int cc_opendata_row_decode(const cc_od_table *t, const void *val, size_t len, cc_od_row *out);

/* Call fn for every stored row of t in key order (a read transaction of the
 * views env); a non-zero return from fn stops the walk and is returned. */
int cc_opendata_rows(MDB_txn *txn, const cc_opendata *od, const cc_od_table *t,
                     int (*fn)(const cc_od_row *row, void *arg), void *arg);

/* The moderation state (cc_item_state) of item id as folded so far;
 * CC_ENOTFOUND when id is not an item. */
int cc_opendata_item_state(MDB_txn *txn, const cc_opendata *od, uint64_t id, uint8_t *state);

/* Helpers shared with snapshot.c. */
void cc_od_row_init(cc_od_row *row, const cc_od_table *t);
void cc_od_cell_set(cc_od_row *row, unsigned col, const char *s, size_t len);
void cc_od_cell_u64(cc_od_row *row, unsigned col, uint64_t v);
void cc_od_cell_time(cc_od_row *row, unsigned col, uint64_t ms);
void cc_od_cell_date(cc_od_row *row, unsigned col, uint64_t ms);
void cc_od_cell_hex(cc_od_row *row, unsigned col, const uint8_t *b, size_t n);
/* ISO 8601 UTC of a time in ms ("2024-05-01T12:34:56.789Z"), into buf (40). */
void cc_od_format_time(uint64_t ms, char *buf, size_t cap);
void cc_od_format_date(uint64_t ms, char *buf, size_t cap);

#endif
