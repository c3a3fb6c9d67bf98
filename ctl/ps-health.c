/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ps-health.c — see ps-health.h.
 */
#include <stdio.h>
#include <string.h>

#include "shared/log.h"
#include "shared/util.h"
#include "ctl.h"
#include "ps-health.h"

int ps_health_read(sd_bus *bus, bool all, char ***ret_pairs) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_strv_free_ char **pairs = NULL;
        const char *id, *status;
        int r;

        *ret_pairs = NULL;
        r = ctl_call(bus, "ListContainerHealth", &error, &reply, "b", all);
        if (r < 0 && sd_bus_error_has_names(&error, SD_BUS_ERROR_UNKNOWN_METHOD, SD_BUS_ERROR_ACCESS_DENIED))
                return 0; /* an older conmand or bus policy: no health to show */
        if (r < 0)
                return ctl_log_bus_error("cannot list the containers' health", &error, r);
        r = sd_bus_message_enter_container(reply, 'a', "(ss)");
        while (r >= 0 && (r = sd_bus_message_read(reply, "(ss)", &id, &status)) > 0)
                if (strv_push(&pairs, id) < 0 || strv_push(&pairs, status) < 0)
                        return log_oom();
        if (r < 0)
                return log_error_errno(r, "conmanctl ps: malformed reply: %m");
        *ret_pairs = TAKE_PTR(pairs);
        return 0;
}

const char *ps_health_find(char *const *pairs, const char *id) {
        for (char *const *p = pairs; p && p[0] && p[1]; p += 2)
                if (streq(p[0], id))
                        return p[1];
        return NULL;
}

void ps_health_append_status(const char *status, char *buf, size_t size) {
        size_t n = strlen(buf);

        if (!status || n >= size)
                return;
        snprintf(buf + n, size - n, streq(status, "starting") ? " (health: %s)" : " (%s)", status);
}
