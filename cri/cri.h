/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cri.h — what every CRI method of conman-cri is: a function that gets the decoded request and a bus
 * connection to conmand, and returns a gRPC status with the response it built.
 *
 * The transport (grpc.c over h2-server.c) decodes the request with the method's descriptor and runs the
 * function on a worker thread of its own (cri-worker.c), so a method may block on conmand (a pull, a
 * stop with a timeout, an ExecSync) without stalling the others. Each worker has its own system bus
 * connection (sd-bus connections are not shared between threads), given in CriContext.
 *
 * A method builds its response wholly from malloc()ed memory (strings, repeated fields, sub-messages):
 * the transport packs it and frees it with protobuf_c_message_free_unpacked(resp, NULL). On failure it
 * returns the gRPC code and may leave a message in status (cri_fail()).
 *
 * Methods live in one file per area, each exporting a table ending in an entry with path NULL:
 * cri_runtime_info_methods (runtime-info.c), cri_sandbox_methods (sandbox.c), cri_container_methods
 * (container.c), cri_image_methods (image.c), cri_stats_methods (stats.c), cri_streaming_methods
 * (streaming.c). cri-methods.c joins them; a path in no table answers UNIMPLEMENTED.
 */
#pragma once

#include <protobuf-c/protobuf-c.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#include "shared/macro.h"
#include "api.pb-c.h"

/* gRPC status codes (grpc/doc/statuscodes.md) */
typedef enum GrpcCode {
        GRPC_OK = 0,
        GRPC_CANCELLED = 1,
        GRPC_UNKNOWN = 2,
        GRPC_INVALID_ARGUMENT = 3,
        GRPC_DEADLINE_EXCEEDED = 4,
        GRPC_NOT_FOUND = 5,
        GRPC_ALREADY_EXISTS = 6,
        GRPC_PERMISSION_DENIED = 7,
        GRPC_RESOURCE_EXHAUSTED = 8,
        GRPC_FAILED_PRECONDITION = 9,
        GRPC_ABORTED = 10,
        GRPC_OUT_OF_RANGE = 11,
        GRPC_UNIMPLEMENTED = 12,
        GRPC_INTERNAL = 13,
        GRPC_UNAVAILABLE = 14,
} GrpcCode;

typedef struct CriServer CriServer; /* the daemon: its configuration, the streaming server */

typedef struct CriContext {
        sd_bus *bus;            /* this worker's own connection to the system bus (conmand) */
        CriServer *server;      /* shared: read-only except through its own locked functions */
        uint64_t deadline_usec; /* CLOCK_MONOTONIC from the grpc-timeout header, 0: none */
} CriContext;

typedef struct CriStatus {
        char *message; /* malloc()ed, for grpc-message; NULL: none */
} CriStatus;

/* Returns a GrpcCode; on GRPC_OK *ret_response is set. */
typedef int (*CriMethodFn)(CriContext *ctx, const ProtobufCMessage *request, ProtobufCMessage **ret_response,
                           CriStatus *status);

typedef struct CriMethod {
        const char *path; /* "/runtime.v1.RuntimeService/Version"; NULL ends a table */
        const ProtobufCMessageDescriptor *request;
        CriMethodFn fn;
} CriMethod;

/* Sets status->message from the format and returns code. */
int cri_fail(CriStatus *status, GrpcCode code, const char *format, ...) _printf_(3, 4);
/* A failed D-Bus call to conmand as a gRPC status: io.conman1.Error.NoSuchContainer/NoSuchPod/NoSuchImage →
 * NOT_FOUND, InvalidArgument → INVALID_ARGUMENT, NameInUse → ALREADY_EXISTS, AccessDenied →
 * PERMISSION_DENIED, Busy/NotRunning → FAILED_PRECONDITION, a bus that is not there → UNAVAILABLE,
 * else UNKNOWN; the message is error->message (or strerror(-r)) after the prefix "what: ". */
int cri_fail_bus(CriStatus *status, const sd_bus_error *error, int r, const char *what);

/* The tables (cri-methods.c) and the lookup the transport uses: NULL when no table has the path. */
extern const CriMethod cri_runtime_info_methods[];
extern const CriMethod cri_sandbox_methods[];
extern const CriMethod cri_container_methods[];
extern const CriMethod cri_container_exec_methods[];
extern const CriMethod cri_image_methods[];
extern const CriMethod cri_stats_methods[];
extern const CriMethod cri_streaming_methods[];
const CriMethod *cri_method_lookup(const char *path);

/* The reserved annotation keys under which conman-cri keeps CRI's own data in conmand (Annotations of
 * pods and containers, see dbus/io.conman1.Manager.xml). The values are JSON documents. */
#define CRI_ANNOTATION_SANDBOX   "io.conman.cri.sandbox"   /* PodSandboxConfig's metadata and more */
#define CRI_ANNOTATION_CONTAINER "io.conman.cri.container" /* ContainerConfig's metadata and more */
