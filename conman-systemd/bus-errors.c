/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bus-errors.c — errno mapping for the named errors (see bus-errors.h).
 */
#include <errno.h>

#include "bus-errors.h"

static const sd_bus_error_map conman_error_map[] = {
        SD_BUS_ERROR_MAP(CONMAN_ERROR_NO_SUCH_CONTAINER, ENOENT),
        SD_BUS_ERROR_MAP(CONMAN_ERROR_NAME_IN_USE, EEXIST),
        SD_BUS_ERROR_MAP(CONMAN_ERROR_INVALID_ARGUMENT, EINVAL),
        SD_BUS_ERROR_MAP(CONMAN_ERROR_ACCESS_DENIED, EACCES),
        SD_BUS_ERROR_MAP(CONMAN_ERROR_NOT_RUNNING, ESRCH),
        SD_BUS_ERROR_MAP(CONMAN_ERROR_ALREADY_RUNNING, EALREADY),
        SD_BUS_ERROR_MAP(CONMAN_ERROR_AMBIGUOUS, ENOTUNIQ),
        SD_BUS_ERROR_MAP(CONMAN_ERROR_RUNTIME_FAILED, EIO),
        SD_BUS_ERROR_MAP(CONMAN_ERROR_NO_SUCH_IMAGE, ENOENT),
        SD_BUS_ERROR_MAP(CONMAN_ERROR_BUSY, EBUSY),
        SD_BUS_ERROR_MAP(CONMAN_ERROR_OWNED_BY_FILE, EPERM),
        SD_BUS_ERROR_MAP(CONMAN_ERROR_NO_SPACE, ENOSPC),
        SD_BUS_ERROR_MAP(CONMAN_ERROR_AUTHENTICATION_FAILED, EKEYREJECTED),
        SD_BUS_ERROR_MAP(CONMAN_ERROR_IMAGE_VERIFICATION_FAILED, EBADMSG),
        SD_BUS_ERROR_MAP(CONMAN_ERROR_UNSUPPORTED_IMAGE, EPROTONOSUPPORT),
        SD_BUS_ERROR_MAP(CONMAN_ERROR_REGISTRY_UNAVAILABLE, EHOSTUNREACH),
        SD_BUS_ERROR_MAP_END,
};

void conman_bus_errors_register(void) {
        static int done = 0;

        if (done)
                return;
        (void) sd_bus_error_add_map(conman_error_map);
        done = 1;
}
