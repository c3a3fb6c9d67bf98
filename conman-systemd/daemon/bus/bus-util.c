/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bus-util.c — see bus-util.h.
 */
#include <errno.h>

#include "shared/bus-errors.h"
#include "shared/macro.h"
#include "shared/util.h"
#include "daemon/bus/bus-util.h"

int bus_verify_root(sd_bus_message *m, sd_bus_error *error) {
        _cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
        uid_t euid;
        int r;

        r = sd_bus_query_sender_creds(m, SD_BUS_CREDS_EUID, &creds);
        if (r >= 0)
                r = sd_bus_creds_get_euid(creds, &euid);
        if (r < 0)
                return sd_bus_error_set(error, CONMAN_ERROR_ACCESS_DENIED,
                                        "Cannot tell who is calling; only root may change containers, images "
                                        "and networks.");
        if (euid != 0)
                return sd_bus_error_set(
                        error, CONMAN_ERROR_ACCESS_DENIED,
                        "Only root may change containers, images and networks; run this as root "
                        "(e.g. with sudo).");
        return 0;
}

bool bus_caller_is_root(sd_bus_message *m) {
        _cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
        uid_t euid;

        if (!m)
                return false;
        if (sd_bus_query_sender_creds(m, SD_BUS_CREDS_EUID | SD_BUS_CREDS_AUGMENT, &creds) < 0 ||
            sd_bus_creds_get_euid(creds, &euid) < 0)
                return false;
        return euid == 0;
}

int bus_reply_when_done(sd_bus_message *m, int r) {
        if (r < 0)
                return r;
        if (r > 0)
                return 1;
        return sd_bus_reply_method_return(m, NULL);
}

int bus_read_stop_timeout(sd_bus_message *m, uint64_t *ret, sd_bus_error *error) {
        int r = sd_bus_message_read(m, "t", ret);
        if (r < 0)
                return r;
        r = bus_verify_root(m, error);
        if (r < 0)
                return r;
        if (*ret != UINT64_MAX && *ret > 24 * 3600 * USEC_PER_SEC)
                return sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                        "Stop timeout must be at most 24 hours.");
        return 0;
}

int bus_read_kill_signal(sd_bus_message *m, int *ret, sd_bus_error *error) {
        const char *signame;
        int r;

        r = sd_bus_message_read(m, "s", &signame);
        if (r < 0)
                return r;
        r = bus_verify_root(m, error);
        if (r < 0)
                return r;
        *ret = isempty(signame) ? SIGKILL : signal_from_string(signame);
        if (*ret < 0)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Unknown signal '%s': use a name like TERM or SIGKILL, or a number.",
                                         signame);
        return 0;
}

int bus_append_labels(sd_bus_message *reply, char *const *labels) {
        int r = sd_bus_message_open_container(reply, 'a', "{ss}");

        for (char *const *l = labels; r >= 0 && l && *l; l++) {
                _cleanup_free_ char *k = strndup(*l, strcspn(*l, "="));
                const char *eq = strchr(*l, '=');
                if (!k)
                        return -ENOMEM;
                r = sd_bus_message_append(reply, "{ss}", k, eq ? eq + 1 : "");
        }
        return r < 0 ? r : sd_bus_message_close_container(reply);
}
