/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-verbs-dbus.c — see container-verbs-dbus.h. Each handler: read the container reference,
 * authorize (root only), call the model (container-pause.c, container-rename.c), reply.
 */
#include "daemon/bus/container-verbs-dbus.h"
#include "daemon/container.h"
#include "daemon/bus/bus-util.h"

static int read_ref(sd_bus_message *msg, Manager *m, Container **ret, sd_bus_error *error) {
        const char *ref;
        int r = sd_bus_message_read(msg, "s", &ref);

        if (r < 0)
                return r;
        return container_find(m, ref, ret, error);
}

static int pause_or_unpause(sd_bus_message *msg, Manager *m, bool pause, sd_bus_error *error) {
        Container *c;
        int r;

        r = read_ref(msg, m, &c, error);
        if (r >= 0)
                r = bus_verify_root(msg, error);
        if (r >= 0)
                r = pause ? container_pause(c, error) : container_unpause(c, error);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(msg, NULL);
}

int method_pause_container(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        return pause_or_unpause(msg, userdata, true, error);
}

int method_unpause_container(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        return pause_or_unpause(msg, userdata, false, error);
}

int method_rename_container(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        const char *new_name;
        Container *c;
        int r;

        r = read_ref(msg, userdata, &c, error);
        if (r >= 0)
                r = sd_bus_message_read(msg, "s", &new_name);
        if (r >= 0)
                r = bus_verify_root(msg, error);
        if (r >= 0)
                r = container_rename(c, new_name, error);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(msg, NULL);
}
