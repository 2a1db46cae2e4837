/* write.c - commands from loop threads, completions back on the loop, and
 * read-your-writes (see write.h).
 *
 * Each write owns a small heap block with a uv_async_t (the writer thread's
 * way back to the loop) and a uv_timer_t (the poll on the views' position).
 * The handles are created on the loop when the write is submitted and
 * closed there after the continuation ran; the block is freed when both
 * close callbacks have run, as libuv requires. The block is malloc'd rather
 * than pool-allocated because its handles outlive, by one loop iteration,
 * the response that may clear the pool.
 *
 * The views have no per-loop notification, so the wait is a poll: 1 ms at
 * first, doubling to 16 ms. A write normally finds the views there at the
 * first or second look (the writer wakes the views worker before it
 * completes commands). */
#include "write.h"

#include "error.h"
#include "response.h"
#include "site.h"

#include <stdlib.h>
#include <string.h>

typedef struct write_op {
    uv_async_t async;
    uv_timer_t timer;
    int closing;
    cc_request *r;
    cc_command *cmd;
    cc_write_done done;
    void *arg;
    uint64_t until;   /* views position to wait for (0: none) */
    uint64_t started; /* uv_now when the wait started */
    uint64_t delay;
} write_op;

cc_request *cc_request_keep(const cc_request *r)
{
    cc_request *k = h2o_mem_alloc_pool(&r->req->pool, sizeof *k);
    *k = *r;
    return k;
}

cc_command *cc_write_command(cc_request *r, cc_command_kind kind)
{
    cc_command *cmd = h2o_mem_alloc_pool(&r->req->pool, sizeof *cmd);
    cc_command_init(cmd, kind);
    return cmd;
}

static void on_closed(uv_handle_t *h)
{
    write_op *op = h->data;
    if (++op->closing == 3) free(op);
}

static void finish(write_op *op)
{
    uv_timer_stop(&op->timer);
    op->closing = 1;
    uv_close((uv_handle_t *)&op->async, on_closed);
    uv_close((uv_handle_t *)&op->timer, on_closed);
    /* The continuation responds; nothing of the request is touched after. */
    op->done(op->r, op->cmd, op->arg);
}

static int views_ready(write_op *op)
{
    cc_views *v = op->r->site->views;
    return !v || !op->until || cc_views_position(v) >= op->until;
}

static void on_timer(uv_timer_t *t)
{
    write_op *op = t->data;
    uv_loop_t *loop = t->loop;
    if (views_ready(op) || uv_now(loop) - op->started >= CC_WRITE_VIEWS_TIMEOUT_MS) {
        finish(op);
        return;
    }
    if (op->delay < 16) op->delay *= 2;
    uv_timer_start(&op->timer, on_timer, op->delay, 0);
}

static void on_async(uv_async_t *a)
{
    write_op *op = a->data;
    const cc_result *res = &op->cmd->result;
    if (res->rc == 0 && res->count) op->until = res->seq + res->count;
    if (views_ready(op)) {
        finish(op);
        return;
    }
    op->started = uv_now(a->loop);
    op->delay = 1;
    uv_timer_start(&op->timer, on_timer, op->delay, 0);
}

/* Writer thread: only wake the loop (uv_async_send is thread-safe). */
static void on_done(cc_command *cmd, void *arg)
{
    (void)cmd;
    write_op *op = arg;
    uv_async_send(&op->async);
}

int cc_write_submit(cc_request *r, cc_command *cmd, cc_write_done done, void *arg)
{
    if (!r->site->writer) return CC_EINVAL;
    write_op *op = calloc(1, sizeof *op);
    if (!op) return CC_ENOMEM;
    uv_loop_t *loop = r->req->conn->ctx->loop;
    op->r = r;
    op->cmd = cmd;
    op->done = done;
    op->arg = arg;
    int rc = uv_async_init(loop, &op->async, on_async);
    if (rc) {
        free(op);
        return rc;
    }
    uv_timer_init(loop, &op->timer);
    op->async.data = op;
    op->timer.data = op;
    if ((rc = cc_writer_submit(r->site->writer, cmd, on_done, op))) {
        op->closing = 1;
        uv_close((uv_handle_t *)&op->async, on_closed);
        uv_close((uv_handle_t *)&op->timer, on_closed);
        return rc;
    }
    return 0;
}

typedef struct work_op {
    uv_work_t work;
    cc_request *r;
    cc_work_fn fn;
    cc_work_done done;
    void *arg;
} work_op;

static void work_run(uv_work_t *w)
{
    work_op *op = w->data;
    op->fn(op->arg);
}

static void work_after(uv_work_t *w, int status)
{
    (void)status; /* never cancelled */
    work_op *op = w->data;
    op->done(op->r, op->arg);
}

int cc_work_submit(cc_request *r, cc_work_fn work, cc_work_done done, void *arg)
{
    work_op *op = h2o_mem_alloc_pool(&r->req->pool, sizeof *op);
    op->r = r;
    op->fn = work;
    op->done = done;
    op->arg = arg;
    op->work.data = op;
    return uv_queue_work(r->req->conn->ctx->loop, &op->work, work_run, work_after);
}

void cc_redirect(cc_request *r, const char *location)
{
    h2o_req_t *req = r->req;
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_LOCATION, NULL,
                   h2o_strdup(&req->pool, location, SIZE_MAX).base, strlen(location));
    cc_response how = {303, "text/plain; charset=utf-8", CC_CACHE_NO_STORE, 0};
    cc_http_respond(r, &how, NULL);
}
