/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * image-list.c — see image-list.h.
 */
#include "image-list.h"
#include "shared/log.h"
#include "ctl.h"

int ctl_image_list_open(sd_bus *bus, sd_bus_message **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r = ctl_call(bus, "ListImages", &error, &reply, NULL);

        if (r < 0)
                return ctl_log_bus_error("cannot list images", &error, r);
        r = sd_bus_message_enter_container(reply, 'a', "(sasstto)");
        if (r < 0)
                return log_error_errno(r, "conmanctl: malformed image list: %m");
        *ret = TAKE_PTR(reply);
        return 0;
}
#include "shared/macro.h"

int ctl_image_list_next(sd_bus_message *m, bool want_tags, CtlImageEntry *ret) {
        CtlImageEntry e = {};
        int r = sd_bus_message_enter_container(m, 'r', "sasstto");

        if (r <= 0)
                return r;
        r = sd_bus_message_read(m, "s", &e.id);
        if (r >= 0)
                r = want_tags ? sd_bus_message_read_strv(m, &e.tags) : sd_bus_message_skip(m, "as");
        if (r >= 0)
                r = sd_bus_message_read(m, "stto", &e.digest, &e.size, &e.created, &e.path);
        if (r >= 0)
                r = sd_bus_message_exit_container(m);
        if (r < 0) {
                strv_freep(&e.tags);
                return r;
        }
        *ret = e;
        return 1;
}
