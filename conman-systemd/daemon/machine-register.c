/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * machine-register.c — see machine-register.h.
 */
#include "daemon/machine-register.h"
#include "shared/log.h"
#include "daemon/container-image.h"

int machine_name_from_container_name(const char *name, char **ret) {
        char *n = strdup(name);

        if (!n)
                return -ENOMEM;
        for (char *p = n; *p; p++)
                if (*p == '_')
                        *p = '-';
        *ret = n;
        return 0;
}

static int on_registered(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        const sd_bus_error *e = sd_bus_message_get_error(reply);

        if (e)
                log_debug("Not registered with systemd-machined: %s", e->message);
        return 0;
}

/* The first 16 bytes of the container id, as machined's 128-bit machine id. */
static void machine_id_bytes(const char *id, uint8_t out[16]) {
        for (int i = 0; i < 16; i++) {
                unsigned v = 0;
                sscanf(id + 2 * i, "%2x", &v);
                out[i] = (uint8_t) v;
        }
}

int container_register_machine(Container *c) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        _cleanup_free_ char *name = NULL, *root = NULL;
        uint8_t id[16];
        int r;

        if (c->main_pid == 0)
                return 0;
        r = machine_name_from_container_name(c->name, &name);
        if (r >= 0)
                r = container_image_rootfs_path(c, &root);
        if (r < 0)
                return r;
        machine_id_bytes(c->id, id);

        r = sd_bus_message_new_method_call(c->manager->bus, &m, "org.freedesktop.machine1",
                                           "/org/freedesktop/machine1", "org.freedesktop.machine1.Manager",
                                           "RegisterMachine");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", name);
        if (r >= 0)
                r = sd_bus_message_append_array(m, 'y', id, sizeof(id));
        if (r >= 0)
                r = sd_bus_message_append(m, "ssus", "conman", "container", c->main_pid, root);
        if (r >= 0)
                r = sd_bus_call_async(c->manager->bus, NULL, m, on_registered, NULL, 0);
        return r;
}
