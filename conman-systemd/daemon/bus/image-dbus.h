/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * image-dbus.h — conmand's image face: a second vtable of io.conman1.Manager on
 * /io/conman1 (PullImage, ImportImage, ListImages, InspectImage, RemoveImage,
 * PruneImages, signal PullProgress) and io.conman1.Image objects on
 * /io/conman1/image/<escaped id>. Pulls and imports run in worker threads; the
 * method reply is sent when they finish.
 */
#pragma once

#include "daemon/manager.h"

/* Exports the image methods of io.conman1.Manager and the io.conman1.Image objects. */
int image_bus_export(Manager *m);
