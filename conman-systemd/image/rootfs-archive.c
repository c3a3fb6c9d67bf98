/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rootfs-archive.c — export and commit of a container's root (see rootfs-archive.h).
 */
#include <fcntl.h>
#include <stdarg.h>
#include <sys/mount.h>
#include <unistd.h>

#include "shared/fileio.h"
#include "shared/tree-tar.h"
#include "shared/util.h"
#include "image/overlay.h"
#include "image/rootfs-archive.h"

void rootfs_paths_done(RootfsPaths *p) {
        free(p->rootfs);
        free(p->upper);
        strv_freep(&p->layer_dirs);
        free(p->scratch);
        *p = (RootfsPaths){};
}

static int tar_dir(const char *dir, TreeTarMode mode, int out_fd, char **ret_error) {
        _cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0) {
                int r = negative_errno();
                if (ret_error && asprintf(ret_error, "cannot open %s: %s", dir, strerror(-r)) < 0)
                        *ret_error = NULL;
                return r;
        }
        return tree_tar_write(fd, mode, out_fd, ret_error);
}

static int export_stopped(const RootfsPaths *p, int out_fd, char **ret_error) {
        _cleanup_strv_free_ char **lower = strv_copy(p->layer_dirs);
        int r;

        if (!lower || strv_push(&lower, p->upper) < 0)
                return -ENOMEM;
        r = mkdir_p(p->upper, 0755); /* a container never started has none yet; its start would make it */
        if (r >= 0)
                r = overlay_mount_readonly((const char *const *) lower, p->scratch);
        if (r < 0) {
                if (ret_error &&
                    asprintf(ret_error, "cannot mount the container's root: %s", strerror(-r)) < 0)
                        *ret_error = NULL;
                return r;
        }
        r = tar_dir(p->scratch, TREE_TAR_PLAIN, out_fd, ret_error);
        (void) umount2(p->scratch, UMOUNT_NOFOLLOW | MNT_DETACH);
        (void) rmdir(p->scratch);
        return r;
}

int rootfs_export(const RootfsPaths *p, int out_fd, char **ret_error) {
        if (ret_error)
                *ret_error = NULL;
        if (!p->upper || overlay_is_mounted(p->rootfs)) /* a --rootfs directory, or the live merged root */
                return tar_dir(p->rootfs, TREE_TAR_PLAIN, out_fd, ret_error);
        return export_stopped(p, out_fd, ret_error);
}

int rootfs_commit(ImageStore *s, const RootfsPaths *p, const ImageBuild *b, const char *tag,
                  char ret_id[static IMAGE_ID_LENGTH + 1], char **ret_error) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (ret_error)
                *ret_error = NULL;
        if (!p->upper || !b->base_id)
                return -EMEDIUMTYPE;
        fd = openat(image_store_tmp_fd(s), ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
        if (fd < 0)
                return negative_errno();
        r = mkdir_p(p->upper, 0755); /* never started: no changes */
        if (r >= 0)
                r = tar_dir(p->upper, TREE_TAR_OVERLAY_UPPER, fd, ret_error);
        if (r < 0)
                return r;
        if (lseek(fd, 0, SEEK_SET) < 0)
                return negative_errno();
        return image_build(s, fd, b, tag, ret_id, ret_error);
}
