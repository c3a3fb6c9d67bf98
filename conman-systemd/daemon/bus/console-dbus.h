/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * console-dbus.h — the Manager methods for interactive use (entries in manager_vtable,
 * documented in dbus/io.conman1.Manager.xml): AttachContainerStdio,
 * ResizeContainerTerminal, PrepareContainerConsole, ExecContainer, WaitExec, KillExec, ReopenContainerLog,
 * UpdateContainer.
 */
#pragma once

#include <systemd/sd-bus.h>

int method_attach_container_stdio(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int method_resize_container_terminal(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int method_prepare_container_console(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int method_exec_container(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int method_wait_exec(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int method_reopen_container_log(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int method_kill_exec(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int method_update_container(sd_bus_message *msg, void *userdata, sd_bus_error *error);
