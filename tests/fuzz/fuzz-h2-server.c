/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-h2-server.c — conman-cri's transport fed whatever a client may send on its socket: the bytes go
 * into a fresh server's connection (h2-server.c, grpc.c, a worker), then EOF; the server must answer or
 * close, and free everything. Only the test method /test.Test/Echo exists (no bus is opened).
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "cri/cri-server.h"

static int method_echo(CriContext *ctx, const ProtobufCMessage *request, ProtobufCMessage **ret_response,
                       CriStatus *status) {
        const Runtime__V1__VersionRequest *req = (const Runtime__V1__VersionRequest *) request;
        Runtime__V1__VersionResponse *resp = malloc(sizeof(*resp));

        if (!resp)
                return GRPC_RESOURCE_EXHAUSTED;
        runtime__v1__version_response__init(resp);
        resp->version = strdup(req->version);
        if (!resp->version) {
                free(resp);
                return GRPC_RESOURCE_EXHAUSTED;
        }
        *ret_response = &resp->base;
        return GRPC_OK;
}

static const CriMethod echo = { "/test.Test/Echo", &runtime__v1__version_request__descriptor, method_echo };

static const CriMethod *lookup(const char *path) {
        return streq(path, echo.path) ? &echo : NULL;
}

static int no_bus(sd_bus **ret) {
        *ret = NULL;
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        _cleanup_(cri_server_freep) CriServer *s = NULL;
        _cleanup_close_pair_ int fds[2] = { -EBADF, -EBADF };
        char sink[65536];

        if (size > 65536 || sd_event_new(&e) < 0 || cri_server_new(e, no_bus, &s) < 0)
                return 0;
        s->lookup = lookup;
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) < 0)
                return 0;
        if (cri_server_add_connection(s, TAKE_FD(fds[0])) < 0)
                return 0;
        (void) send(fds[1], data, size, MSG_NOSIGNAL);
        (void) shutdown(fds[1], SHUT_WR);
        for (unsigned i = 0; i < 200 && s->h2.n_conns > 0; i++) {
                (void) sd_event_run(e, 1000);
                while (recv(fds[1], sink, sizeof(sink), 0) > 0)
                        ;
        }
        return 0;
}
