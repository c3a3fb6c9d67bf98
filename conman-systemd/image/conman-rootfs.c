/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conman-rootfs — mounts and unmounts a container's overlay root filesystem, for
 * ExecStartPre=/ExecStopPost= of its unit, so the mount lives exactly as long as the
 * unit and does not depend on conmand running:
 *
 *   conman-rootfs mount TARGET UPPER WORK LOWER...   (lower dirs bottom layer first,
 *                                                    from image_store_resolve())
 *   conman-rootfs umount TARGET
 *
 * It never opens the image store (conmand owns it); it only mounts what it is given.
 */
#include "log.h"
#include "macro.h"
#include "overlay.h"

static int help(void) {
        printf("Usage: conman-rootfs mount TARGET UPPER WORK LOWER...\n"
               "       conman-rootfs umount TARGET\n\n"
               "Mount (or unmount) a container's overlay root filesystem: the image layers\n"
               "LOWER... (bottom first) read-only below a writable UPPER dir.\n");
        return 0;
}

int main(int argc, char *argv[]) {
        int r;

        log_setup("conman-rootfs", LOG_TARGET_AUTO);
        if (argc >= 2 && (streq(argv[1], "--help") || streq(argv[1], "-h")))
                return help();
        if (argc >= 5 && streq(argv[1], "mount")) {
                r = overlay_mount((const char *const *) argv + 5, argv[3], argv[4], argv[2]);
                if (r < 0)
                        log_error_errno(r, "Failed to mount the root filesystem at %s: %m", argv[2]);
        } else if (argc == 3 && streq(argv[1], "umount")) {
                r = overlay_umount(argv[2]);
                if (r < 0)
                        log_error_errno(r, "Failed to unmount %s: %m", argv[2]);
        } else {
                log_error("conman-rootfs: wrong arguments; see 'conman-rootfs --help'.");
                r = -EINVAL;
        }
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
