/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * network-dbus.h — conmand's network face: a further vtable of io.conman1.Manager on
 * /io/conman1 (CreateNetwork, ListNetworks, InspectNetwork, RemoveNetwork), documented
 * in dbus/io.conman1.Manager.xml and docs/networking.md.
 */
#pragma once

#include "daemon/manager.h"

/* Exports the methods and cleans up the networks of containers that are no longer
 * running (orphans of a crash); call after the containers are loaded. */
int network_manager_start(Manager *m);
