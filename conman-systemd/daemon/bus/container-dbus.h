/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-dbus.h — the method handlers of io.conman1.Container (userdata: the Container). The
 * Manager's StartContainer, StopContainer, ... read the container reference and call these with the
 * rest of the message, so both interfaces behave the same by construction.
 */
#pragma once

#include <systemd/sd-bus.h>

int bus_container_method_start(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_container_method_stop(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_container_method_restart(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_container_method_kill(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_container_method_remove(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_container_method_wait(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_container_method_inspect(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_container_method_generate_container_file(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_container_method_attach(sd_bus_message *m, void *userdata, sd_bus_error *error);
