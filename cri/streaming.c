/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * streaming.c — Exec, Attach and PortForward: each checks what it is asked for with conmand (the
 * container exists and runs, or the sandbox's pod exists), registers the request with the streaming
 * server (stream-server.c) and answers the URL the client then upgrades on:
 * http://127.0.0.1:PORT/{exec,attach,portforward}/TOKEN. cri_streaming_start() is main()'s one call.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/log.h"
#include "shared/macro.h"
#include "shared/util.h"
#include "cri/cri-server.h"
#include "cri/cri.h"
#include "cri/stream-server.h"

char *cri_server_stream_url(CriServer *server, const char *kind, const char *token) {
        char *url;

        if (!server->stream_addr || asprintf(&url, "%s/%s/%s", server->stream_addr, kind, token) < 0)
                return NULL;
        return url;
}

/* CRI's stdin_once, from the container's CRI document (the annotation CRI_ANNOTATION_CONTAINER); false for a
 * container conman-cri did not make. */
static bool container_stdin_once(sd_bus *bus, const char *path) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *key, *value;
        bool once = false;

        if (sd_bus_get_property(bus, "io.conman1", path, "io.conman1.Container", "Annotations", NULL, &reply,
                                "a{ss}") < 0 ||
            sd_bus_message_enter_container(reply, 'a', "{ss}") < 0)
                return false;
        while (sd_bus_message_read(reply, "{ss}", &key, &value) > 0)
                if (streq(key, CRI_ANNOTATION_CONTAINER)) {
                        _cleanup_json_ json_object *o = json_tokener_parse(value);
                        json_object *v;

                        once = o && json_object_object_get_ex(o, "stdin_once", &v) &&
                               json_object_get_boolean(v);
                }
        return once;
}

/* Checks the container runs; *ret_stdin_once (if given): its CRI stdin_once. */
static int check_container_running(CriContext *ctx, const char *id, bool *ret_stdin_once, CriStatus *st) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_free_ char *state = NULL;
        const char *path;
        int r;

        if (isempty(id))
                return cri_fail(st, GRPC_INVALID_ARGUMENT, "container_id is required");
        r = sd_bus_call_method(ctx->bus, "io.conman1", "/io/conman1", "io.conman1.Manager", "GetContainer",
                               &error, &reply, "s", id);
        if (r < 0)
                return cri_fail_bus(st, &error, r, "container");
        r = sd_bus_message_read(reply, "o", &path);
        if (r >= 0)
                r = sd_bus_get_property_string(ctx->bus, "io.conman1", path, "io.conman1.Container", "State",
                                               &error, &state);
        if (r < 0)
                return cri_fail_bus(st, &error, r, "container state");
        if (!streq(state, "running"))
                return cri_fail(st, GRPC_FAILED_PRECONDITION, "container %s is not running (%s)", id, state);
        if (ret_stdin_once)
                *ret_stdin_once = container_stdin_once(ctx->bus, path);
        return GRPC_OK;
}

static int check_sandbox(CriContext *ctx, const char *id, CriStatus *st) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        if (isempty(id))
                return cri_fail(st, GRPC_INVALID_ARGUMENT, "pod_sandbox_id is required");
        r = sd_bus_call_method(ctx->bus, "io.conman1", "/io/conman1", "io.conman1.Manager", "GetPod", &error,
                               NULL, "s", id);
        return r < 0 ? cri_fail_bus(st, &error, r, "sandbox") : GRPC_OK;
}

/* Registers req (taken) and sets *ret_url. */
static int register_url(CriContext *ctx, StreamRequest *req, char **ret_url, CriStatus *st) {
        _cleanup_(stream_request_freep) StreamRequest *r = req;
        _cleanup_free_ char *token = NULL;
        StreamKind kind = r->kind;
        int k;

        if (!ctx->server || !ctx->server->stream)
                return cri_fail(st, GRPC_UNAVAILABLE, "the streaming server is not running");
        k = stream_server_register(ctx->server->stream, TAKE_PTR(r), &token);
        if (k < 0)
                return cri_fail(st, k == -EBUSY ? GRPC_RESOURCE_EXHAUSTED : GRPC_INTERNAL,
                                "cannot register: %s", strerror(-k));
        *ret_url = cri_server_stream_url(ctx->server, stream_kind_to_string(kind), token);
        return *ret_url ? GRPC_OK : cri_fail(st, GRPC_INTERNAL, "out of memory");
}

static StreamRequest *request_new(StreamKind kind, const char *id) {
        StreamRequest *r = calloc(1, sizeof(StreamRequest));

        if (!r)
                return NULL;
        r->kind = kind;
        r->id = strdup(id);
        return r->id ? r : stream_request_free(r);
}

static int method_exec(CriContext *ctx, const ProtobufCMessage *request, ProtobufCMessage **ret,
                       CriStatus *st) {
        const Runtime__V1__ExecRequest *q = (const Runtime__V1__ExecRequest *) request;
        _cleanup_(stream_request_freep) StreamRequest *r = NULL;
        Runtime__V1__ExecResponse *resp;
        int code;

        if (q->n_cmd == 0 || isempty(q->cmd[0]))
                return cri_fail(st, GRPC_INVALID_ARGUMENT, "cmd is required");
        if (!q->stdin && !q->stdout && !q->stderr)
                return cri_fail(st, GRPC_INVALID_ARGUMENT, "one of stdin, stdout and stderr must be true");
        code = check_container_running(ctx, q->container_id, NULL, st);
        if (code != GRPC_OK)
                return code;
        r = request_new(STREAM_EXEC, q->container_id);
        if (!r)
                return cri_fail(st, GRPC_INTERNAL, "out of memory");
        r->cmd = calloc(q->n_cmd + 1, sizeof(char *));
        for (size_t i = 0; r->cmd && i < q->n_cmd; i++)
                if (!(r->cmd[i] = strdup(q->cmd[i])))
                        return cri_fail(st, GRPC_INTERNAL, "out of memory");
        if (!r->cmd)
                return cri_fail(st, GRPC_INTERNAL, "out of memory");
        r->tty = q->tty;
        r->in = q->stdin;
        r->out = q->stdout;
        r->err = q->stderr && !q->tty; /* a terminal has one output */
        resp = malloc(sizeof(*resp));
        if (!resp)
                return cri_fail(st, GRPC_INTERNAL, "out of memory");
        runtime__v1__exec_response__init(resp);
        code = register_url(ctx, TAKE_PTR(r), &resp->url, st);
        if (code != GRPC_OK)
                return free(resp), code;
        *ret = &resp->base;
        return GRPC_OK;
}

static int method_attach(CriContext *ctx, const ProtobufCMessage *request, ProtobufCMessage **ret,
                         CriStatus *st) {
        const Runtime__V1__AttachRequest *q = (const Runtime__V1__AttachRequest *) request;
        StreamRequest *r;
        Runtime__V1__AttachResponse *resp;
        bool stdin_once = false;
        int code;

        if (!q->stdin && !q->stdout && !q->stderr)
                return cri_fail(st, GRPC_INVALID_ARGUMENT, "one of stdin, stdout and stderr must be true");
        code = check_container_running(ctx, q->container_id, &stdin_once, st);
        if (code != GRPC_OK)
                return code;
        r = request_new(STREAM_ATTACH, q->container_id);
        resp = malloc(sizeof(*resp));
        if (!r || !resp) {
                stream_request_free(r), free(resp);
                return cri_fail(st, GRPC_INTERNAL, "out of memory");
        }
        r->tty = q->tty;
        r->in = q->stdin;
        r->out = q->stdout;
        r->err = q->stderr && !q->tty;
        r->stdin_once = stdin_once;
        runtime__v1__attach_response__init(resp);
        code = register_url(ctx, r, &resp->url, st);
        if (code != GRPC_OK)
                return free(resp), code;
        *ret = &resp->base;
        return GRPC_OK;
}

static int method_port_forward(CriContext *ctx, const ProtobufCMessage *request, ProtobufCMessage **ret,
                               CriStatus *st) {
        const Runtime__V1__PortForwardRequest *q = (const Runtime__V1__PortForwardRequest *) request;
        StreamRequest *r;
        Runtime__V1__PortForwardResponse *resp;
        int code;

        for (size_t i = 0; i < q->n_port; i++)
                if (q->port[i] <= 0 || q->port[i] > 65535)
                        return cri_fail(st, GRPC_INVALID_ARGUMENT, "port %d out of range", q->port[i]);
        code = check_sandbox(ctx, q->pod_sandbox_id, st);
        if (code != GRPC_OK)
                return code;
        r = request_new(STREAM_PORTFORWARD, q->pod_sandbox_id);
        resp = malloc(sizeof(*resp));
        if (r && q->n_port > 0 && (r->ports = calloc(q->n_port, sizeof(int32_t))))
                memcpy(r->ports, q->port, q->n_port * sizeof(int32_t)), r->n_ports = q->n_port;
        if (!r || !resp || r->n_ports != q->n_port) {
                stream_request_free(r), free(resp);
                return cri_fail(st, GRPC_INTERNAL, "out of memory");
        }
        runtime__v1__port_forward_response__init(resp);
        code = register_url(ctx, r, &resp->url, st);
        if (code != GRPC_OK)
                return free(resp), code;
        *ret = &resp->base;
        return GRPC_OK;
}

const CriMethod cri_streaming_methods[] = {
        { "/runtime.v1.RuntimeService/Exec", &runtime__v1__exec_request__descriptor, method_exec },
        { "/runtime.v1.RuntimeService/Attach", &runtime__v1__attach_request__descriptor, method_attach },
        { "/runtime.v1.RuntimeService/PortForward", &runtime__v1__port_forward_request__descriptor,
          method_port_forward },
        {},
};

int cri_streaming_start(CriServer *server, StreamServer **ret) {
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_(stream_server_freep) StreamServer *s = NULL;
        int r;

        r = sd_bus_open_system(&bus);
        if (r >= 0)
                r = sd_bus_attach_event(bus, server->event, SD_EVENT_PRIORITY_NORMAL);
        if (r >= 0)
                r = stream_server_new(server->event, bus, NULL, &s);
        if (r >= 0)
                r = stream_server_listen(s);
        if (r < 0)
                return r;
        server->stream = s;
        server->stream_addr = stream_server_address(s);
        *ret = TAKE_PTR(s);
        return 0;
}
