/* snapshots.h - the open-data snapshots the server publishes: a background
 * exporter and the read-only download routes.
 *
 * Layout under DIR/snapshots (DIR the data directory):
 *     at-<size>/               a snapshot of the log at <size> (latest)
 *     latest -> at-<size>      symlink, swapped atomically (rename(2))
 *     theme-<id>-<size>/       the log at the close of theme <id> (size =
 *                              its closed_at_size); kept forever
 *     <name>.partial-XXXXXX/   an export in progress (cc_snapshot_export)
 *     .work/                   the exporter's temporary views ($TMPDIR)
 *
 * The exporter runs cc_snapshot_export in a child process (fork, no exec)
 * driven by its own thread. cc_snapshot_export opens the ledger itself, and
 * LMDB forbids opening one environment twice in one process: the second
 * open would take the process's own shared lock for an exclusive one and
 * reinitialise the reader table under the live server. A child is another
 * process, which LMDB supports; it also keeps the replay's memory and CPU
 * out of the server. The thread only waits for the child and swaps the
 * pointer, so neither the event loops nor the writer ever wait for it.
 *
 * "latest" is a symlink swapped with rename(2) rather than a pointer file:
 * one atomic step, and a request opening latest/<file> resolves the link in
 * the same open(2), so it reads one complete snapshot or the next, never a
 * mix nor a half-written one (exports are renamed into place complete). The
 * superseded snapshot is kept until the next swap (a grace period of at
 * least the refresh interval for requests that resolved it), then deleted. */
#ifndef CONCERTO_HTTP_SNAPSHOTS_H
#define CONCERTO_HTTP_SNAPSHOTS_H

#include "ledger.h"
#include "router.h"
#include "views.h"

#include <stddef.h>
#include <stdint.h>

#define CC_SNAPSHOTS_DEFAULT_INTERVAL 300

typedef struct cc_snapshots cc_snapshots;

/* Prepare DIR/snapshots (created if missing; leftovers of an interrupted
 * export removed). interval_s: minimum seconds between two refreshes of
 * latest (0: latest is not kept; theme snapshots still are). views may be
 * NULL (no theme snapshots). */
int cc_snapshots_open(cc_ledger *l, cc_views *v, unsigned interval_s, cc_snapshots **out);
/* Start the exporter thread (after the views worker). */
int cc_snapshots_start(cc_snapshots *s);
/* Commit listener (cc_writer_listen): wakes the exporter. */
void cc_snapshots_notify(uint64_t log_size, void *snapshots);
/* Stop the thread (an export in progress is killed and its files removed)
 * and free. Call after the writer stopped (the listener must not run). */
void cc_snapshots_free(cc_snapshots *s);
/* DIR/snapshots. */
const char *cc_snapshots_dir(const cc_snapshots *s);

/* ---- reading what is published (any thread) ---- */

typedef struct cc_snapshot_ref {
    int latest;     /* the latest snapshot (theme is 0) */
    uint64_t theme; /* theme id of a theme snapshot */
    uint64_t size;  /* log size */
} cc_snapshot_ref;

/* The latest snapshot's size: 0, or CC_ENOTFOUND when there is none. */
int cc_snapshots_latest(const char *dir, uint64_t *size);
/* Theme snapshots, ordered by theme then size; *n how many (at most cap;
 * *total counts all). */
int cc_snapshots_themes(const char *dir, cc_snapshot_ref *out, size_t cap, size_t *n);

/* Parse the part of a download path after "/donnees-ouvertes/":
 * "derniere/<file>" or "theme-<id>-<size>/<file>". Returns 0 with *ref and
 * the file (*file, *file_len pointing into p) set; 400 when the path is
 * malformed (empty or "." or ".." segment, '%', '\\', a character outside
 * [A-Za-z0-9._-/], a leading '/'); 404 when it is well formed but names no
 * snapshot file (unknown snapshot name or a file name no snapshot has). */
int cc_snapshots_parse_path(const char *p, size_t n, cc_snapshot_ref *ref, const char **file,
                            size_t *file_len);
/* Content-Type of a snapshot file (a name accepted by parse_path). */
const char *cc_snapshots_content_type(const char *file, size_t len);

#endif
