/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-exec.c — the CRI methods that act on a running container without changing what it is:
 * ExecSync (a command run to its end, its output captured; conmand's ExecContainer + WaitExec, KillExec on
 * timeout), UpdateContainerResources (conmand's UpdateContainer: the unit's limits, live) and
 * ReopenContainerLog (conmand's ReopenContainerLog, after kubelet rotated the log).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/bus-errors.h"
#include "shared/util.h"
#include "cri/cri-conman.h"
#include "cri/cri.h"
#include "cri/resources.h"

#define EXEC_OUTPUT_MAX      (16U << 20)         /* per stream; the rest is read and dropped */
#define EXEC_KILL_WAIT_USEC  (10 * USEC_PER_SEC) /* after KillExec, how long the exit may take to be seen */
#define EXEC_ENDED_WAIT_USEC USEC_PER_SEC        /* the same when KillExec found no process */
#define EXEC_KILL_RETRY_USEC (USEC_PER_SEC / 10) /* KillExec was Busy: try again after this */
#define EXEC_KILL_TRIES      20

/* One captured stream: the read end of the pipe the exec'd process writes into, and what came so far. */
typedef struct ExecOutput {
        int fd; /* -1 at EOF */
        char *data;
        size_t size;
} ExecOutput;

/* The pending WaitExec call: done once conmand replied. */
typedef struct ExecWait {
        bool done;
        int exit_code;
        int error;
        sd_bus_error bus_error;
} ExecWait;

static void exec_output_done(ExecOutput *o) {
        if (o->fd >= 0)
                close(o->fd);
        o->fd = -1;
        free(o->data);
        o->data = NULL;
}

/* Reads what is there; returns 0 at EOF or when nothing more is ready, 1 when it read something. */
static int exec_output_read(ExecOutput *o) {
        char buf[65536];
        ssize_t n;

        if (o->fd < 0)
                return 0;
        n = read(o->fd, buf, sizeof(buf));
        if (n < 0)
                return errno == EAGAIN || errno == EINTR ? 0 : -errno;
        if (n == 0) {
                close(o->fd);
                o->fd = -1;
                return 0;
        }
        size_t keep = MIN((size_t) n, EXEC_OUTPUT_MAX - o->size);
        if (keep > 0) {
                char *p = realloc(o->data, o->size + keep);
                if (!p)
                        return -ENOMEM;
                memcpy(p + o->size, buf, keep);
                o->data = p;
                o->size += keep;
        }
        return 1;
}

/* After the process ended: what it wrote is in the pipes; take it without waiting for an EOF that a
 * process it left behind could hold off. */
static int exec_output_drain(ExecOutput *o) {
        int r;

        while ((r = exec_output_read(o)) > 0)
                ;
        return r;
}

static int on_wait_exec_reply(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        ExecWait *w = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(m);

        w->done = true;
        if (e) {
                sd_bus_error_copy(&w->bus_error, e);
                w->error = -EIO;
                return 0;
        }
        w->error = sd_bus_message_read(m, "i", &w->exit_code);
        return 0;
}

/* Polls the two pipes and the bus until the WaitExec reply came (then drains the pipes) or deadline
 * (CLOCK_MONOTONIC usec, 0: none) passed: -ETIME. */
static int exec_pump(sd_bus *bus, ExecOutput out[2], ExecWait *w, uint64_t deadline) {
        for (;;) {
                struct pollfd p[3];
                uint64_t now = now_monotonic_usec(), bus_timeout;
                int r, timeout_ms = -1;

                while ((r = sd_bus_process(bus, NULL)) > 0)
                        ;
                if (r < 0)
                        return r;
                if (w->done) {
                        r = exec_output_drain(&out[0]);
                        return r < 0 ? r : exec_output_drain(&out[1]);
                }
                if (deadline > 0 && now >= deadline)
                        return -ETIME;
                if (deadline > 0)
                        timeout_ms = (int) MIN((deadline - now + 999) / 1000, (uint64_t) INT32_MAX);
                if (sd_bus_get_timeout(bus, &bus_timeout) >= 0 && bus_timeout != UINT64_MAX) {
                        int t = bus_timeout <= now ? 0
                                                   : (int) MIN((bus_timeout - now + 999) / 1000, INT32_MAX);
                        timeout_ms = timeout_ms < 0 ? t : MIN(timeout_ms, t);
                }
                p[0] = (struct pollfd){ .fd = out[0].fd, .events = POLLIN };
                p[1] = (struct pollfd){ .fd = out[1].fd, .events = POLLIN };
                p[2] = (struct pollfd){ .fd = sd_bus_get_fd(bus), .events = (short) sd_bus_get_events(bus) };
                if (poll(p, 3, timeout_ms) < 0 && errno != EINTR)
                        return -errno;
                for (size_t i = 0; i < 2; i++)
                        if (p[i].fd >= 0 && p[i].revents && (r = exec_output_read(&out[i])) < 0)
                                return r;
        }
}

static int pipe_for_output(ExecOutput *o, int *ret_write_fd) {
        int fds[2];

        if (pipe2(fds, O_CLOEXEC) < 0)
                return -errno;
        /* Only our end is non-blocking: the other one is the process's stdout or stderr. */
        if (fcntl(fds[0], F_SETFL, O_NONBLOCK) < 0) {
                int r = -errno;
                close(fds[0]);
                close(fds[1]);
                return r;
        }
        o->fd = fds[0];
        *ret_write_fd = fds[1];
        return 0;
}

/* conmand's ExecContainer with /dev/null as stdin and the write ends of the two pipes. */
static int exec_start(sd_bus *bus, const char *container, char **cmd, int out_fd, int err_fd,
                      sd_bus_error *error, char **ret_exec_id) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_close_ int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        const char *id;
        int r, terminal_fd;

        if (null_fd < 0)
                return -errno;
        r = cri_call_new(bus, "ExecContainer", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "s", container);
        if (r >= 0)
                r = sd_bus_message_append_strv(m, cmd);
        if (r >= 0)
                r = sd_bus_message_append(m, "a{sv}hhh", 0, null_fd, out_fd, err_fd);
        if (r >= 0)
                r = cri_call(bus, m, error, &reply);
        if (r >= 0)
                r = sd_bus_message_read(reply, "sh", &id, &terminal_fd);
        if (r < 0)
                return r;
        *ret_exec_id = strdup(id);
        return *ret_exec_id ? 0 : -ENOMEM;
}

/* WaitExec, its reply to come into w (on_wait_exec_reply) while exec_pump() reads the output. */
static int exec_wait_async(sd_bus *bus, const char *exec_id, ExecWait *w, sd_bus_slot **ret_slot) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = cri_call_new(bus, "WaitExec", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "s", exec_id);
        return r < 0 ? r : sd_bus_call_async(bus, ret_slot, m, on_wait_exec_reply, w, UINT64_MAX);
}

/* The earlier of the exec's own timeout and the call's gRPC deadline; 0: none. */
static uint64_t exec_deadline(const CriContext *ctx, int64_t timeout_sec) {
        uint64_t d = 0;

        if (timeout_sec > 0)
                d = now_monotonic_usec() +
                    (uint64_t) MIN(timeout_sec, (int64_t) (UINT64_MAX / 4 / USEC_PER_SEC)) * USEC_PER_SEC;
        if (ctx->deadline_usec > 0 && (d == 0 || ctx->deadline_usec < d))
                d = ctx->deadline_usec;
        return d;
}

/* The command ran over its time: kill it inside the container and collect its exit (so conmand forgets
 * the exec), reading and dropping what it still writes. KillExec is Busy in the moment before the runtime
 * wrote the exec's PID (then again, a little later), and fails for an exec that ended meanwhile (then its
 * exit is on the way, and a short wait takes it). */
static void exec_kill(sd_bus *bus, const char *exec_id, ExecOutput out[2], ExecWait *w) {
        int r = 0;

        for (unsigned attempt = 0; !w->done; attempt++) {
                _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;

                r = cri_call_new(bus, "KillExec", &m);
                if (r >= 0)
                        r = sd_bus_message_append(m, "si", exec_id, SIGKILL);
                if (r >= 0)
                        r = cri_call(bus, m, &error, NULL);
                if (r >= 0 || !sd_bus_error_has_name(&error, CONMAN_ERROR_BUSY) || attempt >= EXEC_KILL_TRIES)
                        break;
                (void) exec_pump(bus, out, w, now_monotonic_usec() + EXEC_KILL_RETRY_USEC);
        }
        (void) exec_pump(bus, out, w,
                         now_monotonic_usec() + (r < 0 ? EXEC_ENDED_WAIT_USEC : EXEC_KILL_WAIT_USEC));
}

static ProtobufCBinaryData output_take(ExecOutput *o) {
        ProtobufCBinaryData b = { .len = o->size, .data = (uint8_t *) o->data };

        o->data = NULL;
        o->size = 0;
        return b;
}

static int exec_sync_reply(ExecOutput out[2], int exit_code, ProtobufCMessage **ret_response, CriStatus *st) {
        Runtime__V1__ExecSyncResponse *resp = malloc(sizeof(*resp));

        if (!resp)
                return cri_fail(st, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        runtime__v1__exec_sync_response__init(resp);
        resp->stdout = output_take(&out[0]);
        resp->stderr = output_take(&out[1]);
        resp->exit_code = exit_code;
        *ret_response = &resp->base;
        return GRPC_OK;
}

static int exec_sync(CriContext *ctx, const ProtobufCMessage *request, ProtobufCMessage **ret_response,
                     CriStatus *st) {
        const Runtime__V1__ExecSyncRequest *req = (const Runtime__V1__ExecSyncRequest *) request;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
        _cleanup_strv_free_ char **cmd = NULL;
        _cleanup_free_ char *exec_id = NULL, *line = NULL;
        ExecOutput out[2] = { { .fd = -1 }, { .fd = -1 } };
        ExecWait w = { .bus_error = SD_BUS_ERROR_NULL };
        int r, wfd[2] = { -1, -1 }, code = GRPC_OK;

        if (isempty(req->container_id) || req->n_cmd == 0)
                return cri_fail(st, GRPC_INVALID_ARGUMENT, "container id and command are required");
        for (size_t i = 0; i < req->n_cmd; i++)
                if (strv_push(&cmd, req->cmd[i]) < 0)
                        return cri_fail(st, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        line = strv_join(cmd, " ");

        r = pipe_for_output(&out[0], &wfd[0]);
        if (r >= 0)
                r = pipe_for_output(&out[1], &wfd[1]);
        if (r >= 0) {
                r = exec_start(ctx->bus, req->container_id, cmd, wfd[0], wfd[1], &error, &exec_id);
                if (r < 0)
                        code = cri_fail_bus(st, &error, r, "failed to exec in container");
        } else
                code = cri_fail(st, GRPC_INTERNAL, "pipes for the output: %s", strerror(-r));
        for (size_t i = 0; i < 2; i++)
                if (wfd[i] >= 0)
                        close(wfd[i]);
        if (r < 0)
                goto finish;

        r = exec_wait_async(ctx->bus, exec_id, &w, &slot);
        if (r >= 0)
                r = exec_pump(ctx->bus, out, &w, exec_deadline(ctx, req->timeout));
        if (r == -ETIME) {
                exec_kill(ctx->bus, exec_id, out, &w);
                code = cri_fail(st, GRPC_DEADLINE_EXCEEDED, "command '%s' timed out after %llds", strna(line),
                                (long long) req->timeout);
        } else if (r < 0)
                code = cri_fail(st, GRPC_INTERNAL, "exec %s: %s", exec_id, strerror(-r));
        else if (w.error < 0)
                code = cri_fail_bus(st, &w.bus_error, w.error, "failed to wait for the exec");
        else
                code = exec_sync_reply(out, w.exit_code, ret_response, st);
finish:
        sd_bus_error_free(&w.bus_error);
        exec_output_done(&out[0]);
        exec_output_done(&out[1]);
        return code;
}

/* The options of conmand's UpdateContainer (a{sv}) for what the request changes. */
static int append_resources(sd_bus_message *m, const CriResources *res) {
        const struct {
                const char *key;
                uint64_t value;
        } numbers[] = {
                { "Memory", res->memory },
                { "CPUQuota", res->cpu_quota_usec },
                { "CPUWeight", res->cpu_weight },
                { "PidsLimit", res->pids_limit },
        };
        int r = sd_bus_message_open_container(m, 'a', "{sv}");

        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(numbers); i++)
                if (numbers[i].value > 0)
                        r = sd_bus_message_append(m, "{sv}", numbers[i].key, "t", numbers[i].value);
        if (r >= 0 && res->cpuset_cpus)
                r = sd_bus_message_append(m, "{sv}", "CpusetCpus", "s", res->cpuset_cpus);
        if (r >= 0 && res->cpuset_mems)
                r = sd_bus_message_append(m, "{sv}", "CpusetMems", "s", res->cpuset_mems);
        return r < 0 ? r : sd_bus_message_close_container(m);
}

static int update_container_resources(CriContext *ctx, const ProtobufCMessage *request,
                                      ProtobufCMessage **ret_response, CriStatus *st) {
        const Runtime__V1__UpdateContainerResourcesRequest *req =
                (const Runtime__V1__UpdateContainerResourcesRequest *) request;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        Runtime__V1__UpdateContainerResourcesResponse *resp;
        CriResources res = {};
        int r;

        if (isempty(req->container_id))
                return cri_fail(st, GRPC_INVALID_ARGUMENT, "container id is required");
        if (req->linux && cri_resources_from_linux(req->linux, &res) < 0)
                return cri_fail(st, GRPC_INVALID_ARGUMENT, "invalid memory limit or pids.max");

        r = cri_call_new(ctx->bus, "UpdateContainer", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "s", req->container_id);
        if (r >= 0)
                r = append_resources(m, &res);
        if (r >= 0)
                r = cri_call(ctx->bus, m, &error, NULL);
        if (r < 0)
                return cri_fail_bus(st, &error, r, "failed to update container resources");

        resp = malloc(sizeof(*resp));
        if (!resp)
                return cri_fail(st, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        runtime__v1__update_container_resources_response__init(resp);
        *ret_response = &resp->base;
        return GRPC_OK;
}

/* conmand answers NotRunning for a container that does not run: FAILED_PRECONDITION, which kubelet's log
 * rotation takes for "nothing to reopen". */
static int reopen_container_log(CriContext *ctx, const ProtobufCMessage *request,
                                ProtobufCMessage **ret_response, CriStatus *st) {
        const Runtime__V1__ReopenContainerLogRequest *req =
                (const Runtime__V1__ReopenContainerLogRequest *) request;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        Runtime__V1__ReopenContainerLogResponse *resp;
        int r;

        if (isempty(req->container_id))
                return cri_fail(st, GRPC_INVALID_ARGUMENT, "container id is required");
        r = cri_call_new(ctx->bus, "ReopenContainerLog", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "s", req->container_id);
        if (r >= 0)
                r = cri_call(ctx->bus, m, &error, NULL);
        if (r < 0)
                return cri_fail_bus(st, &error, r, "failed to reopen the container log");

        resp = malloc(sizeof(*resp));
        if (!resp)
                return cri_fail(st, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        runtime__v1__reopen_container_log_response__init(resp);
        *ret_response = &resp->base;
        return GRPC_OK;
}

const CriMethod cri_container_exec_methods[] = {
        { "/runtime.v1.RuntimeService/ExecSync", &runtime__v1__exec_sync_request__descriptor, exec_sync },
        { "/runtime.v1.RuntimeService/UpdateContainerResources",
          &runtime__v1__update_container_resources_request__descriptor, update_container_resources },
        { "/runtime.v1.RuntimeService/ReopenContainerLog",
          &runtime__v1__reopen_container_log_request__descriptor, reopen_container_log },
        {},
};
