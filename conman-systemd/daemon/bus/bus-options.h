/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bus-options.h — the options dictionary (a{sv}) of CreateContainer: every key, its
 * type and where it lands in ContainerSpec. Unknown keys and wrong types are refused
 * with InvalidArgument. The table is documented in dbus/io.conman1.Manager.xml.
 */
#pragma once

#include <systemd/sd-bus.h>

#include "shared/container-spec.h"

/* Reads a{sv} from m into spec. */
int bus_read_container_options(sd_bus_message *m, ContainerSpec *spec, sd_bus_error *error);
