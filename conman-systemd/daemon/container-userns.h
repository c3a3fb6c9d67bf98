/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-userns.h — the daemon's side of `--userns=auto`: gives a new container its range from
 * the manager's pool (userns.h), keeps the pool's in-use set equal to the containers it knows
 * (reserved when a container is linked — created or loaded from disk —, released when it is freed),
 * and the ExecStartPre= hook that idmaps a --rootfs directory (image overlays: container-image.c).
 */
#pragma once

#include <systemd/sd-bus.h>

#include "daemon/container.h"

#define USERNS_SUBUID_PATH "/etc/subuid"
#define USERNS_SUBGID_PATH "/etc/subgid"

/* Sets spec->userns_range for USERNS_AUTO (no-op otherwise). Named errors when no range is configured
 * or all are in use. The range counts as in use once the container is linked; until its container.json
 * is written the caller keeps *ret_lock (USERNS_LOCK_FILE, shared with conman-prepare) open. */
int container_userns_assign(Manager *m, ContainerSpec *spec, int *ret_lock, sd_bus_error *error);
void container_userns_hold(Container *c);
void container_userns_drop(Container *c);

/* Where the runtime finds the root filesystem: a --rootfs container with a user namespace gets an
 * idmapped bind of it at containers/<id>/rootfs. */
bool container_userns_binds_rootfs(const Container *c);
/* "--idmap" "UID:GID:SIZE" for conman-rootfs, appended to argv; nothing without a user namespace. */
int container_userns_idmap_args(const Container *c, char ***argv);
int container_userns_hooks(Container *c, struct UnitHooks *hooks, sd_bus_error *error);
