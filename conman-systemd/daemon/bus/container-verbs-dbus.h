/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-verbs-dbus.h — the Manager methods of docker's everyday verbs that change a container in place
 * (entries in manager_vtable, documented in dbus/io.conman1.Manager.xml): PauseContainer,
 * UnpauseContainer, RenameContainer.
 */
#pragma once

#include <systemd/sd-bus.h>

int method_pause_container(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int method_unpause_container(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int method_rename_container(sd_bus_message *msg, void *userdata, sd_bus_error *error);
