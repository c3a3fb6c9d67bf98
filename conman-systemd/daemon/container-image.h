/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-image.h — containers made from images: resolving the image when the
 * container is created (its config fills in command, environment, working directory
 * and user the way docker does), and the overlay root filesystem that systemd mounts
 * with ExecStartPre=conman-rootfs and unmounts with ExecStopPost=.
 */
#pragma once

#include "shared/unit.h"
#include "daemon/container.h"

/* Resolves spec->image in the store and merges the image's config into spec. NoSuchImage if absent. */
int container_image_apply(Manager *m, ContainerSpec *spec, sd_bus_error *error);

/* Where the overlay is mounted: containers/<id>/rootfs; NULL-safe for rootfs containers. */
int container_image_rootfs_path(Container *c, char **ret);

/* The mount/umount hooks of an image container (none for --rootfs containers). */
int container_image_hooks(Container *c, UnitHooks *hooks, sd_bus_error *error);

/* For image_store_set_in_use_func(): true while a container uses the image. */
bool container_image_in_use(const char *image_id, void *userdata);
