/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * volume-dbus.h — named volumes on the bus: the volume methods of io.conman1.Manager on
 * /io/conman1 (CreateVolume, ListVolumes, InspectVolume, RemoveVolume, PruneVolumes), documented
 * in dbus/io.conman1.Manager.xml and docs/volumes.md.
 */
#pragma once

#include "daemon/manager.h"

/* Exports the volume methods of io.conman1.Manager. */
int volume_bus_export(Manager *m);
