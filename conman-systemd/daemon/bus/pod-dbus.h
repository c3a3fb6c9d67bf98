/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pod-dbus.h — the method handlers of io.conman1.Pod (userdata: the Pod). The Manager's StartPod, StopPod,
 * ... read the pod reference and call these with the rest of the message, as for containers.
 */
#pragma once

#include <systemd/sd-bus.h>

int bus_pod_method_start(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_pod_method_stop(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_pod_method_restart(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_pod_method_kill(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_pod_method_remove(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_pod_method_inspect(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_pod_method_generate_pod_file(sd_bus_message *m, void *userdata, sd_bus_error *error);

/* Manager methods (manager-dbus.c's vtable). */
int bus_manager_method_create_pod(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_manager_method_list_pods(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_manager_method_get_pod(sd_bus_message *m, void *userdata, sd_bus_error *error);
/* Reads the pod reference, finds the pod and calls method(m, pod, error). */
int bus_forward_to_pod(sd_bus_message *m, void *userdata, sd_bus_message_handler_t method,
                       sd_bus_error *error);
