/* write.h - the asynchronous write path of the site's handlers.
 *
 * A handler runs on a loop thread and must never block it: not on the
 * writer's fsync, not on the views catching up, not on argon2id. So a write
 * is a small state machine:
 *
 *   handler (loop)  -- cc_write_submit -->  writer thread: batch, fsync
 *                                            completion: uv_async_send
 *   loop: result in cmd->result; on success, wait (uv timer, no blocking)
 *         until cc_views_position reaches the write's last entry
 *   loop: done(r, cmd, arg): the handler continues and responds (303)
 *
 * so that the page a redirect leads to already shows the write
 * (read-your-writes). Slow CPU work (password hashing and verification)
 * goes through cc_work_submit, which runs it on the libuv threadpool and
 * continues on the loop.
 *
 * Lifetime. h2o 2.2.5 keeps a request (and its pool) alive until its
 * response is sent, so everything a continuation needs lives in the
 * request's pool: copy the handler's cc_request (which the router keeps on
 * its stack) with cc_request_keep, and allocate commands with
 * cc_write_command. A continuation must respond (or start another step);
 * after that, the request and everything in its pool are gone.
 *
 * Conventions (libuv's): when a submit function returns an error its
 * callback is never called, and the handler responds itself. */
#ifndef CONCERTO_HTTP_WRITE_H
#define CONCERTO_HTTP_WRITE_H

#include "command.h"
#include "router.h"

/* How long a write waits for the views before answering anyway (the page
 * may then lag behind the write for a moment). */
#define CC_WRITE_VIEWS_TIMEOUT_MS 10000

/* A copy of r in its request's pool, valid until the response is sent. */
cc_request *cc_request_keep(const cc_request *r);

/* A command of the given kind, initialised, in the request's pool. */
cc_command *cc_write_command(cc_request *r, cc_command_kind kind);

/* Continuation on the request's loop thread. cmd->result holds the outcome
 * (rc 0, or why it was rejected; CC_ESHUTDOWN when the writer stops). */
typedef void (*cc_write_done)(cc_request *r, cc_command *cmd, void *arg);

/* Submit cmd (in r's pool: see cc_write_command) to the site's writer.
 * r must be a kept request (cc_request_keep). done runs on r's loop after
 * the command is durable or rejected and, when it appended events, after
 * the views reached them (or CC_WRITE_VIEWS_TIMEOUT_MS passed). Returns 0,
 * or CC_EINVAL (no writer), CC_ENOMEM, or cc_writer_submit's error: then
 * done is never called. */
int cc_write_submit(cc_request *r, cc_command *cmd, cc_write_done done, void *arg);

/* Run work(arg) on the libuv threadpool, then done(r, arg) on r's loop.
 * 0, or a libuv error (then neither runs). */
typedef void (*cc_work_fn)(void *arg);
typedef void (*cc_work_done)(cc_request *r, void *arg);
int cc_work_submit(cc_request *r, cc_work_fn work, cc_work_done done, void *arg);

/* Answer 303 See Other to location (a local path, NUL-terminated), not
 * cached. */
void cc_redirect(cc_request *r, const char *location);

#endif
