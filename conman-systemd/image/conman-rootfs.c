/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conman-rootfs — mounts and unmounts a container's root filesystem, for
 * ExecStartPre=/ExecStopPost= of its unit, so the mount lives exactly as long as the
 * unit and does not depend on conmand running:
 *
 *   conman-rootfs mount [--idmap U:G:N] TARGET UPPER WORK LOWER...
 *                                    the image's overlay (lower dirs bottom layer first,
 *                                    from image_store_resolve()); with --idmap its layers
 *                                    are idmapped to the container's user namespace (idmap.h)
 *   conman-rootfs bind --idmap U:G:N TARGET SOURCE
 *                                    an idmapped bind of a --rootfs directory
 *   conman-rootfs umount TARGET
 *
 * It never opens the image store (conmand owns it); it only mounts what it is given.
 */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "idmap.h"
#include "log.h"
#include "macro.h"
#include "overlay.h"
#include "util.h"

static int help(void) {
        printf("Usage: conman-rootfs mount [--idmap UID:GID:SIZE] TARGET UPPER WORK LOWER...\n"
               "       conman-rootfs bind --idmap UID:GID:SIZE TARGET SOURCE\n"
               "       conman-rootfs umount TARGET\n\n"
               "Mount (or unmount) a container's root filesystem: the image layers LOWER...\n"
               "(bottom first) read-only below a writable UPPER dir, or a directory SOURCE.\n"
               "--idmap shows files owned by IDs 0..SIZE-1 as UID.. and GID.. (idmapped mounts).\n");
        return 0;
}

static int explain_idmap_error(int r, const char *what) {
        if (r == -EINVAL || r == -EPERM || r == -ENOSYS || r == -EOPNOTSUPP)
                return log_error_errno(r, "Failed to make an idmapped mount of %s: %m. --userns=auto needs "
                                          "idmapped mounts (Linux 5.12+, overlay layers 5.19+) on a file system "
                                          "that supports them (ext4, xfs, btrfs, tmpfs 6.3+).", what);
        return log_error_errno(r, "Failed to make an idmapped mount of %s: %m", what);
}

static void detach_all(char **dirs) {
        for (char **d = dirs; d && *d; d++) {
                (void) umount2(*d, MNT_DETACH | UMOUNT_NOFOLLOW);
                (void) rmdir(*d);
        }
}

/* Each lower layer idmapped at TARGET.idmap/<i>; the overlay keeps its own clones of them, so they are
 * detached again right after the overlay is mounted. */
static int mount_idmapped_overlay(const UsernsRange *range, const char *target, const char *upper,
                                  const char *work, char **lowers) {
        _cleanup_strv_free_ char **idmapped = NULL;
        _cleanup_free_ char *scratch = NULL;
        _cleanup_close_ int userns_fd = -EBADF;
        int r;

        userns_fd = idmap_userns_fd(range);
        if (userns_fd < 0)
                return log_error_errno(userns_fd, "Failed to make a user namespace for the ID mapping: %m");
        if (asprintf(&scratch, "%s.idmap", target) < 0)
                return log_oom();
        (void) mkdir(scratch, 0700);
        for (size_t i = 0; lowers[i]; i++) {
                char *d;
                if (asprintf(&d, "%s/%zu", scratch, i) < 0 || strv_push_take(&idmapped, d) < 0)
                        return log_oom();
                if (mkdir(d, 0700) < 0 && errno != EEXIST)
                        return log_error_errno(negative_errno(), "Failed to create %s: %m", d);
                r = idmap_mount(userns_fd, lowers[i], d);
                if (r < 0) {
                        detach_all(idmapped);
                        return explain_idmap_error(r, lowers[i]);
                }
        }
        r = mkdir_p(upper, 0755);
        /* the overlay's root directory is the upper dir's: root inside must own it */
        if (r >= 0 && chown(upper, range->uid, range->gid) < 0)
                r = negative_errno();
        if (r >= 0)
                r = overlay_mount((const char *const *) idmapped, upper, work, target);
        detach_all(idmapped);
        (void) rmdir(scratch);
        if (r < 0)
                return log_error_errno(r, "Failed to mount the root filesystem at %s: %m", target);
        return 0;
}

static int bind_idmapped(const UsernsRange *range, const char *target, const char *source) {
        _cleanup_close_ int userns_fd = -EBADF;
        int r;

        r = mkdir_p(target, 0755);
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", target);
        if (rootfs_is_mounted(target))
                return log_error_errno(-EBUSY, "Something is mounted at %s already.", target);
        userns_fd = idmap_userns_fd(range);
        if (userns_fd < 0)
                return log_error_errno(userns_fd, "Failed to make a user namespace for the ID mapping: %m");
        r = idmap_mount(userns_fd, source, target);
        return r < 0 ? explain_idmap_error(r, source) : 0;
}

static int parse_idmap(int *argc, char ***argv, UsernsRange *range, bool *have) {
        if (*argc >= 2 && streq((*argv)[0], "--idmap")) {
                if (idmap_range_parse((*argv)[1], range) < 0)
                        return log_error_errno(-EINVAL, "Invalid --idmap '%s': use UID:GID:SIZE.", (*argv)[1]);
                *have = true;
                *argc -= 2;
                *argv += 2;
        }
        return 0;
}

int main(int argc, char *argv[]) {
        UsernsRange range = {};
        bool idmap = false;
        const char *verb;
        int r;

        log_setup("conman-rootfs", LOG_TARGET_AUTO);
        if (argc >= 2 && (streq(argv[1], "--help") || streq(argv[1], "-h")))
                return help();
        if (argc < 2)
                goto usage;
        verb = argv[1];
        argc -= 2;
        argv += 2;
        r = parse_idmap(&argc, &argv, &range, &idmap);
        if (r < 0)
                return EXIT_FAILURE;
        if (streq(verb, "mount") && argc >= 3) {
                if (idmap)
                        r = mount_idmapped_overlay(&range, argv[0], argv[1], argv[2], argv + 3);
                else {
                        r = overlay_mount((const char *const *) argv + 3, argv[1], argv[2], argv[0]);
                        if (r < 0)
                                log_error_errno(r, "Failed to mount the root filesystem at %s: %m", argv[0]);
                }
        } else if (streq(verb, "bind") && idmap && argc == 2)
                r = bind_idmapped(&range, argv[0], argv[1]);
        else if (streq(verb, "umount") && !idmap && argc == 1) {
                r = rootfs_umount(argv[0]);
                if (r < 0)
                        log_error_errno(r, "Failed to unmount %s: %m", argv[0]);
        } else
                goto usage;
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
usage:
        log_error("conman-rootfs: wrong arguments; see 'conman-rootfs --help'.");
        return EXIT_FAILURE;
}
