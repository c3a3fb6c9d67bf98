/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * idmap.h — idmapped mounts (mount_setattr(MOUNT_ATTR_IDMAP), Linux 5.12+) for containers with a
 * user namespace (`--userns=auto`): the image's files, owned by 0..65535 on disk, appear owned by
 * the container's host range, so root inside owns them and nothing is copied or chowned.
 *
 * Overlayfs itself cannot be idmapped, but its layers can (Linux 5.19+): conman-rootfs idmaps each
 * lower layer, mounts the overlay on them (overlayfs keeps private clones of its layers) and detaches
 * the idmapped mounts again. The upper dir stays plain: what the container writes is stored with its
 * host IDs, as on any host path it writes to.
 */
#pragma once

#include "shared/userns.h"

/* A user namespace fd (O_CLOEXEC) with r's uid and gid mappings, made by a short-lived child. */
int idmap_userns_fd(const UsernsRange *r);
/* Clones the mount tree at `source` (not recursively), idmaps it with userns_fd, attaches it at
 * `target` (which must exist). -EINVAL/-EPERM/-ENOSYS from the kernel mean "not supported here". */
int idmap_mount(int userns_fd, const char *source, const char *target);
#define IDMAP_REQUIREMENTS                                                                                   \
        "--userns=auto needs idmapped mounts (Linux 5.12+; of overlay layers 5.19+) on a file system that "  \
        "supports them (ext4, xfs, btrfs; tmpfs 6.3+)."

/* The image's overlay with each lower layer idmapped (bottom layer first, as overlay_mount()); the upper
 * dir's top is chowned to the range's root. -EBUSY if something is mounted at target already. */
int idmap_overlay_mount(const UsernsRange *range, const char *const *lowers, const char *upper,
                        const char *work, const char *target);
/* An idmapped bind of the directory `source` at `target` (created if missing). */
int idmap_bind(const UsernsRange *range, const char *source, const char *target);

/* "UID:GID:SIZE" as conman-rootfs takes it (container-userns.c writes it). */
int idmap_range_parse(const char *s, UsernsRange *ret);
