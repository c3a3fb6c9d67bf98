/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cri-methods.c — every CRI method conman-cri serves, found by its gRPC path, and the two ways a method
 * reports a failure (cri_fail(), cri_fail_bus()).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/bus-errors.h"
#include "shared/util.h"
#include "cri/cri.h"

static const CriMethod *const tables[] = {
        cri_runtime_info_methods, cri_sandbox_methods,   cri_container_methods,      cri_image_methods,
        cri_stats_methods,        cri_streaming_methods, cri_container_exec_methods,
};

const CriMethod *cri_method_lookup(const char *path) {
        for (size_t i = 0; i < ELEMENTSOF(tables); i++)
                for (const CriMethod *m = tables[i]; m->path; m++)
                        if (streq(m->path, path))
                                return m;
        return NULL;
}

int cri_fail(CriStatus *status, GrpcCode code, const char *format, ...) {
        va_list ap;

        free(status->message);
        status->message = NULL;
        va_start(ap, format);
        if (vasprintf(&status->message, format, ap) < 0)
                status->message = NULL;
        va_end(ap);
        return code;
}

static GrpcCode code_of_bus_error(const sd_bus_error *error, int r) {
        static const struct {
                const char *name;
                GrpcCode code;
        } map[] = {
                { CONMAN_ERROR_NO_SUCH_CONTAINER, GRPC_NOT_FOUND },
                { CONMAN_ERROR_NO_SUCH_POD, GRPC_NOT_FOUND },
                { CONMAN_ERROR_NO_SUCH_IMAGE, GRPC_NOT_FOUND },
                { CONMAN_ERROR_INVALID_ARGUMENT, GRPC_INVALID_ARGUMENT },
                { CONMAN_ERROR_NAME_IN_USE, GRPC_ALREADY_EXISTS },
                { CONMAN_ERROR_ACCESS_DENIED, GRPC_PERMISSION_DENIED },
                { CONMAN_ERROR_BUSY, GRPC_FAILED_PRECONDITION },
                { CONMAN_ERROR_NOT_RUNNING, GRPC_FAILED_PRECONDITION },
                { SD_BUS_ERROR_SERVICE_UNKNOWN, GRPC_UNAVAILABLE },
                { SD_BUS_ERROR_NO_REPLY, GRPC_UNAVAILABLE },
                { SD_BUS_ERROR_DISCONNECTED, GRPC_UNAVAILABLE },
        };

        if (error && error->name)
                for (size_t i = 0; i < ELEMENTSOF(map); i++)
                        if (streq(error->name, map[i].name))
                                return map[i].code;
        if (r == -ECONNREFUSED || r == -ENOTCONN || r == -ENOENT)
                return GRPC_UNAVAILABLE;
        return GRPC_UNKNOWN;
}

int cri_fail_bus(CriStatus *status, const sd_bus_error *error, int r, const char *what) {
        const char *message = error && error->message ? error->message : strerror(r < 0 ? -r : EIO);

        return cri_fail(status, code_of_bus_error(error, r), "%s: %s", what, message);
}
