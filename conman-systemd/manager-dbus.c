/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * manager-dbus.c — io.conman1.Manager on /io/conman1: the manager's bus face.
 * Handlers parse arguments, validate, authorize, call the model and reply.
 * The interface is documented in dbus/io.conman1.Manager.xml; a test checks the
 * two agree.
 */
#include "bus-errors.h"
#include "conman-config.h"
#include "log.h"
#include "manager.h"

static int property_get_systemd_version(sd_bus *bus, const char *path, const char *interface,
                                        const char *property, sd_bus_message *reply, void *userdata,
                                        sd_bus_error *error) {
        Manager *m = userdata;
        return sd_bus_message_append(reply, "s", strempty(m->systemd_version));
}

const sd_bus_vtable manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Version", "s", NULL, offsetof(Manager, version), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("StateDirectory", "s", NULL, offsetof(Manager, state_dir), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("DefaultRuntime", "s", NULL, offsetof(Manager, default_runtime),
                        SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("SystemdVersion", "s", property_get_systemd_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_VTABLE_END,
};

int manager_bus_export(Manager *m) {
        int r;

        r = sd_bus_add_object_vtable(m->bus, NULL, "/io/conman1", "io.conman1.Manager", manager_vtable, m);
        if (r < 0)
                return log_error_errno(r, "Failed to export /io/conman1: %m");
        return 0;
}
