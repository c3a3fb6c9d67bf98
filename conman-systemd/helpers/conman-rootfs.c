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
 *   conman-rootfs copy-up ROOT PATH DATA
 *                                    an empty volume's first use (docs/volumes.md): what the
 *                                    mounted root ROOT has at PATH (resolved inside ROOT, never
 *                                    through a symlink out of it) is copied into DATA
 *
 * It never opens the image store (conmand owns it); it only mounts what it is given.
 */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/copy-tree.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/util.h"
#include "image/idmap.h"
#include "image/overlay.h"

static int help(void) {
        printf("Usage: conman-rootfs mount [--idmap UID:GID:SIZE] TARGET UPPER WORK LOWER...\n"
               "       conman-rootfs bind --idmap UID:GID:SIZE TARGET SOURCE\n"
               "       conman-rootfs umount TARGET\n"
               "       conman-rootfs copy-up ROOT PATH DATA\n\n"
               "Mount (or unmount) a container's root filesystem: the image layers LOWER...\n"
               "(bottom first) read-only below a writable UPPER dir, or a directory SOURCE.\n"
               "--idmap shows files owned by IDs 0..SIZE-1 as UID.. and GID.. (idmapped mounts).\n"
               "copy-up copies ROOT's PATH into the empty volume directory DATA (nothing when DATA is\n"
               "not empty or PATH is not a directory).\n");
        return 0;
}

/* docker's copy of the image's content into an empty volume. PATH is resolved inside ROOT (openat2's
 * RESOLVE_IN_ROOT), so a symlink the image planted (/data -> /etc) stays in the image. */
static int copy_up(const char *root, const char *path, const char *data) {
        _cleanup_close_ int root_fd = -EBADF, data_fd = -EBADF;
        int r;

        data_fd = open(data, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (data_fd < 0)
                return log_error_errno(negative_errno(), "Failed to open volume %s: %m", data);
        root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (root_fd < 0)
                return log_error_errno(negative_errno(), "Failed to open %s: %m", root);
        r = copy_up_at(root_fd, path, data_fd);
        if (r < 0)
                return log_error_errno(r, "Failed to copy %s of %s into volume %s: %m", path, root, data);
        return 0;
}

static int explain_idmap_error(int r, const char *target) {
        if (r == -EINVAL || r == -EPERM || r == -ENOSYS || r == -EOPNOTSUPP)
                return log_error_errno(r,
                                       "Failed to mount the root filesystem at %s with an ID mapping: "
                                       "%m. " IDMAP_REQUIREMENTS,
                                       target);
        return log_error_errno(r, "Failed to mount the root filesystem at %s: %m", target);
}

static int parse_idmap(int *argc, char ***argv, UsernsRange *range, bool *have) {
        if (*argc >= 2 && streq((*argv)[0], "--idmap")) {
                if (idmap_range_parse((*argv)[1], range) < 0)
                        return log_error_errno(-EINVAL, "Invalid --idmap '%s': use UID:GID:SIZE.",
                                               (*argv)[1]);
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
                if (idmap) {
                        r = idmap_overlay_mount(&range, (const char *const *) argv + 3, argv[1], argv[2],
                                                argv[0]);
                        if (r < 0)
                                explain_idmap_error(r, argv[0]);
                } else {
                        r = overlay_mount((const char *const *) argv + 3, argv[1], argv[2], argv[0]);
                        if (r < 0)
                                log_error_errno(r, "Failed to mount the root filesystem at %s: %m", argv[0]);
                }
        } else if (streq(verb, "bind") && idmap && argc == 2) {
                r = idmap_bind(&range, argv[1], argv[0]);
                if (r < 0)
                        explain_idmap_error(r, argv[0]);
        } else if (streq(verb, "copy-up") && !idmap && argc == 3) {
                r = copy_up(argv[0], argv[1], argv[2]);
        } else if (streq(verb, "umount") && !idmap && argc == 1) {
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
