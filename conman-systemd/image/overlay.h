/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * overlay.h — a container's root filesystem as an overlay mount: the image's
 * unpacked layers (from the store, shared by every container of the image, never
 * written) as lower dirs, and a per-container upper and work dir that receive the
 * container's writes.
 *
 * API FOR CONTAINERS:
 *
 *   r = overlay_mount((const char *const *) img->layer_dirs,   // bottom first, from image_store_resolve()
 *                     "/var/lib/conman/containers/<id>/upper",  // created if missing
 *                     "/var/lib/conman/containers/<id>/work",   // same file system as upper
 *                     "/var/lib/conman/containers/<id>/rootfs");// created if missing
 *   ...
 *   r = overlay_umount(".../rootfs");   // 0 also when nothing was mounted
 *
 * Both need CAP_SYS_ADMIN in the mount namespace that should see the mount. To tie
 * the mount to the unit's life (and make it independent of conmand), use the helper
 * CONMAN_LIBEXECDIR/conman-rootfs in the unit:
 *
 *   ExecStartPre=/usr/libexec/conman/conman-rootfs mount ROOTFS UPPER WORK LOWER...
 *   ExecStopPost=/usr/libexec/conman/conman-rootfs umount ROOTFS
 *
 * The mount is nodev (as containers/storage does): device nodes from layers cannot be
 * opened through it; the runtime provides /dev. An image without layers gets an empty
 * read-only lower dir.
 */
#pragma once

#include <stdbool.h>

/* Builds the mount option string ("lowerdir=top:...:bottom,upperdir=...,workdir=..."). -E2BIG when it
 * does not fit the kernel's page-sized limit; -EINVAL for paths containing ',' or ':'. */
int overlay_options(const char *const *lower_dirs, const char *upper, const char *work, char **ret);

int overlay_mount(const char *const *lower_dirs, const char *upper, const char *work, const char *target);
int overlay_umount(const char *target);
/* A read-only overlay of lower_dirs (bottom first, at least two; the last is the top) at target, for reading
 * a stopped container's merged tree (its upper dir on top of its image's layers). */
int overlay_mount_readonly(const char *const *lower_dirs, const char *target);
/* Whether target is an overlay mount point right now. */
bool overlay_is_mounted(const char *target);

/* Whether `target` is the root of a mount (an overlay or an idmapped bind of conman-rootfs). */
bool rootfs_is_mounted(const char *target);
/* Unmounts what conman-rootfs mounted at `target` (overlay or bind); 0 if nothing is mounted there. */
int rootfs_umount(const char *target);
