/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * network-dbus.h — conmand's network face: a further vtable of io.conman1.Manager on
 * /io/conman1 (CreateNetwork, ListNetworks, InspectNetwork, RemoveNetwork), documented
 * in dbus/io.conman1.Manager.xml and docs/networking.md.
 */
#pragma once

#include "daemon/manager.h"

/* Exports the network methods of io.conman1.Manager. */
int network_bus_export(Manager *m);
