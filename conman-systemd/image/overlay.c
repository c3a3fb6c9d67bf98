/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * overlay.c — overlay root filesystems for containers (see overlay.h).
 */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "shared/fileio.h"
#include "shared/macro.h"
#include "shared/util.h"
#include "image/overlay.h"

#ifndef OVERLAYFS_SUPER_MAGIC
#define OVERLAYFS_SUPER_MAGIC 0x794c7630
#endif
#define OVERLAY_OPTIONS_MAX 4095
#define EMPTY_LOWER_SUFFIX  ".empty-lower"

static bool path_is_usable(const char *p) {
        return p && p[0] == '/' && !strpbrk(p, ",:\\\n");
}

int overlay_options(const char *const *lower_dirs, const char *upper, const char *work, char **ret) {
        _cleanup_free_ char *lower = NULL, *opts = NULL;
        size_t n = strv_length((char *const *) lower_dirs), len = 0;

        if (n == 0 || !path_is_usable(upper) || !path_is_usable(work))
                return -EINVAL;
        for (size_t i = 0; i < n; i++) {
                if (!path_is_usable(lower_dirs[i]))
                        return -EINVAL;
                len += strlen(lower_dirs[i]) + 1;
        }
        lower = malloc(len + 1);
        if (!lower)
                return -ENOMEM;
        lower[0] = 0;
        for (size_t i = n; i > 0; i--) { /* overlayfs wants the top layer first */
                strcat(lower, lower_dirs[i - 1]);
                if (i > 1)
                        strcat(lower, ":");
        }
        if (asprintf(&opts, "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work) < 0)
                return -ENOMEM;
        if (strlen(opts) > OVERLAY_OPTIONS_MAX)
                return -E2BIG;
        *ret = TAKE_PTR(opts);
        return 0;
}

/* For images without layers: an empty directory next to the upper dir. */
static int empty_lower(const char *upper, char **ret) {
        _cleanup_free_ char *p = NULL;
        int r;

        if (asprintf(&p, "%s" EMPTY_LOWER_SUFFIX, upper) < 0)
                return -ENOMEM;
        r = mkdir_p(p, 0555);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(p);
        return 0;
}

int overlay_mount(const char *const *lower_dirs, const char *upper, const char *work, const char *target) {
        _cleanup_free_ char *opts = NULL, *empty = NULL;
        const char *only[2] = {};
        int r;

        if (strv_length((char *const *) lower_dirs) == 0) {
                r = empty_lower(upper, &empty);
                if (r < 0)
                        return r;
                only[0] = empty;
                lower_dirs = only;
        }
        r = overlay_options(lower_dirs, upper, work, &opts);
        if (r < 0)
                return r;
        r = mkdir_p(upper, 0755);
        if (r >= 0)
                r = mkdir_p(work, 0700);
        if (r >= 0)
                r = mkdir_p(target, 0755);
        if (r < 0)
                return r;
        if (overlay_is_mounted(target))
                return -EBUSY;
        /* nodev like containers/storage: device nodes a layer carries stay inert; runc mounts /dev */
        if (mount("overlay", target, "overlay", MS_NODEV, opts) < 0)
                return negative_errno();
        return 0;
}

int overlay_mount_readonly(const char *const *lower_dirs, const char *target) {
        _cleanup_free_ char *opts = NULL;
        const char *upper;
        char *comma;
        size_t n = strv_length((char *const *) lower_dirs);
        int r;

        if (n < 2)
                return -EINVAL;
        /* the same options with the top dir as a lower one: "lowerdir=top:...:bottom" */
        upper = lower_dirs[n - 1];
        ((const char **) lower_dirs)[n - 1] = NULL;
        r = overlay_options(lower_dirs, upper, upper, &opts);
        ((const char **) lower_dirs)[n - 1] = upper;
        if (r < 0)
                return r;
        comma = strchr(opts, ',');
        *comma = 0;
        if (asprintf(&comma, "lowerdir=%s:%s", upper, opts + strlen("lowerdir=")) < 0)
                return -ENOMEM;
        free(opts);
        opts = comma;
        r = mkdir_p(target, 0700);
        if (r < 0)
                return r;
        if (mount("overlay", target, "overlay", MS_NODEV | MS_RDONLY | MS_NOSUID, opts) < 0)
                return negative_errno();
        return 0;
}

bool overlay_is_mounted(const char *target) {
        struct statfs sfs;
        struct stat st, parent;
        _cleanup_free_ char *up = NULL;

        if (statfs(target, &sfs) < 0 || (unsigned long) sfs.f_type != OVERLAYFS_SUPER_MAGIC)
                return false;
        if (asprintf(&up, "%s/..", target) < 0 || stat(target, &st) < 0 || stat(up, &parent) < 0)
                return false;
        return st.st_dev != parent.st_dev;
}

/* Unmounts target; lazily when it is busy. */
static int umount_or_detach(const char *target) {
        if (umount2(target, UMOUNT_NOFOLLOW) < 0) {
                if (errno != EBUSY)
                        return negative_errno();
                if (umount2(target, UMOUNT_NOFOLLOW | MNT_DETACH) < 0)
                        return negative_errno();
        }
        return 0;
}

int overlay_umount(const char *target) {
        return overlay_is_mounted(target) ? umount_or_detach(target) : 0;
}

bool rootfs_is_mounted(const char *target) {
        struct statx sx;

        if (statx(AT_FDCWD, target, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) < 0)
                return false;
        return (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
               (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

int rootfs_umount(const char *target) {
        if (overlay_is_mounted(target))
                return overlay_umount(target);
        return rootfs_is_mounted(target) ? umount_or_detach(target) : 0;
}
