/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bus-options.h — the options dictionary (a{sv}) of CreateContainer: every key, its
 * type and where it lands in ContainerSpec. Unknown keys and wrong types are refused
 * with InvalidArgument. The table is documented in dbus/io.conman1.Manager.xml.
 */
#pragma once

#include <systemd/sd-bus.h>

#include "shared/container-spec.h"
#include "shared/pod-spec.h"

/* Reads a{sv} from m into spec. */
int bus_read_container_options(sd_bus_message *m, ContainerSpec *spec, sd_bus_error *error);

/* What CreateContainer's options say besides the spec. */
typedef struct BusContainerExtras {
        char *pod; /* Pod: the pod's name, id or unique id prefix; NULL without */
        const char
                *pod_setting; /* the first of Network, Publish, Hostname given (a pod's, refused with Pod) */
} BusContainerExtras;
void bus_container_extras_done(BusContainerExtras *e);
int bus_read_container_options_full(sd_bus_message *m, ContainerSpec *spec, BusContainerExtras *extras,
                                    sd_bus_error *error);

/* The options of UpdateContainer (Memory, CPUQuota, CPUWeight, PidsLimit, CpusetCpus, CpusetMems) into
 * spec, which holds the container's current values; the others are InvalidArgument. */
int bus_read_update_options(sd_bus_message *m, ContainerSpec *spec, sd_bus_error *error);

/* The options of CreatePod (Hostname, Labels, Network, Publish, Memory, CPUQuota, PidsLimit, Share) into
 * spec. */
int bus_read_pod_options(sd_bus_message *m, PodSpec *spec, sd_bus_error *error);
