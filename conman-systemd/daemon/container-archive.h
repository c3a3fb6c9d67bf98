/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-archive.h — a container's root for export and commit (image/rootfs-archive.h does the work in
 * a worker thread; this gathers the paths on the main thread).
 */
#pragma once

#include "image/build.h"
#include "image/rootfs-archive.h"
#include "daemon/container.h"

/* The container's root, upper dir and image layers (no upper dir and layers for a --rootfs container).
 * NoSuchImage when its image is gone. */
int container_rootfs_paths(Container *c, RootfsPaths *ret, sd_bus_error *error);
/* What commit keeps of the container's run-time config (its command, environment, working directory, user,
 * labels), copied for the worker. */
int container_build_run(Container *c, ImageBuildRun *ret);
