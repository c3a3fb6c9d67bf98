/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * machine-register.h — registers a running container with systemd-machined
 * (RegisterMachine: class container, leader = the container's init, its own unit — no new
 * scope), so `machinectl list` shows it. machined drops it when the unit stops.
 */
#pragma once

#include "daemon/container.h"

/* Fire and forget: failures (no machined) are logged at debug level only. */
int container_register_machine(Container *c);

/* "web_1" → "web-1": machine names are host names. */
int machine_name_from_container_name(const char *name, char **ret);
