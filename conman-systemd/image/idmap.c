/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * idmap.c — idmapped mounts (see idmap.h).
 */
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shared/fileio.h"
#include "shared/util.h"
#include "image/idmap.h"
#include "image/overlay.h"

static int write_map(pid_t pid, const char *file, uint32_t host, uint32_t size) {
        char path[64], map[64];
        _cleanup_close_ int fd = -EBADF;
        int n;

        snprintf(path, sizeof(path), "/proc/%d/%s", (int) pid, file);
        n = snprintf(map, sizeof(map), "0 %u %u\n", host, size);
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        if (write(fd, map, (size_t) n) != n)
                return negative_errno();
        return 0;
}

int idmap_userns_fd(const UsernsRange *r) {
        _cleanup_close_pair_ int ready[2] = { -EBADF, -EBADF }, release[2] = { -EBADF, -EBADF };
        char path[64], c;
        int fd, ret;
        pid_t pid;

        if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(release, O_CLOEXEC) < 0)
                return negative_errno();
        pid = fork();
        if (pid < 0)
                return negative_errno();
        if (pid == 0) {
                /* the child only holds the namespace until the parent has opened it */
                if (unshare(CLONE_NEWUSER) < 0 || write(ready[1], "u", 1) != 1)
                        _exit(EXIT_FAILURE);
                release[1] = safe_close(release[1]);
                _exit(read(release[0], &c, 1) < 0 ? EXIT_FAILURE : EXIT_SUCCESS);
        }
        ready[1] = safe_close(ready[1]);
        if (read(ready[0], &c, 1) != 1)
                ret = -EPERM; /* the child could not unshare */
        else {
                ret = write_map(pid, "uid_map", r->uid, r->size);
                if (ret >= 0)
                        ret = write_map(pid, "gid_map", r->gid, r->size);
                snprintf(path, sizeof(path), "/proc/%d/ns/user", (int) pid);
                if (ret >= 0) {
                        fd = open(path, O_RDONLY | O_CLOEXEC);
                        ret = fd < 0 ? negative_errno() : fd;
                }
        }
        release[1] = safe_close(release[1]); /* the child's read returns 0: it exits */
        (void) waitpid(pid, NULL, 0);
        return ret;
}

int idmap_mount(int userns_fd, const char *source, const char *target) {
        struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t) userns_fd };
        _cleanup_close_ int tree = -EBADF;

        tree = (int) syscall(SYS_open_tree, AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (tree < 0)
                return negative_errno();
        if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
                return negative_errno();
        if (syscall(SYS_move_mount, tree, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
                return negative_errno();
        return 0;
}

int idmap_range_parse(const char *s, UsernsRange *ret) {
        unsigned long long u, g, n;
        char extra;

        if (sscanf(s, "%llu:%llu:%llu%c", &u, &g, &n, &extra) != 3 || n == 0 || u + n > UINT32_MAX ||
            g + n > UINT32_MAX)
                return -EINVAL;
        *ret = (UsernsRange){ .uid = (uint32_t) u, .gid = (uint32_t) g, .size = (uint32_t) n };
        return 0;
}

static void detach_all(char **dirs) {
        for (char **d = dirs; d && *d; d++) {
                (void) umount2(*d, MNT_DETACH | UMOUNT_NOFOLLOW);
                (void) rmdir(*d);
        }
}

/* Each lower layer idmapped at TARGET.idmap/<i>; the overlay keeps its own clones of them, so they are
 * detached again right after the overlay is mounted. */
int idmap_overlay_mount(const UsernsRange *range, const char *const *lowers, const char *upper,
                        const char *work, const char *target) {
        _cleanup_strv_free_ char **idmapped = NULL;
        _cleanup_free_ char *scratch = NULL;
        _cleanup_close_ int userns_fd = -EBADF;
        int r = 0;

        if (overlay_is_mounted(target))
                return -EBUSY;
        userns_fd = idmap_userns_fd(range);
        if (userns_fd < 0)
                return userns_fd;
        if (asprintf(&scratch, "%s.idmap", target) < 0)
                return -ENOMEM;
        if (mkdir(scratch, 0700) < 0 && errno != EEXIST)
                return negative_errno();
        for (size_t i = 0; lowers[i] && r >= 0; i++) {
                char *d;
                if (asprintf(&d, "%s/%zu", scratch, i) < 0 || strv_push_take(&idmapped, d) < 0)
                        r = -ENOMEM;
                else if (mkdir(d, 0700) < 0 && errno != EEXIST)
                        r = negative_errno();
                else
                        r = idmap_mount(userns_fd, lowers[i], d);
        }
        if (r >= 0)
                r = mkdir_p(upper, 0755);
        /* the overlay's root directory is the upper dir's: root inside must own it */
        if (r >= 0 && chown(upper, range->uid, range->gid) < 0)
                r = negative_errno();
        if (r >= 0)
                r = overlay_mount((const char *const *) idmapped, upper, work, target);
        detach_all(idmapped);
        (void) rmdir(scratch);
        return r;
}

int idmap_bind(const UsernsRange *range, const char *source, const char *target) {
        _cleanup_close_ int userns_fd = -EBADF;
        int r;

        r = mkdir_p(target, 0755);
        if (r < 0)
                return r;
        if (rootfs_is_mounted(target))
                return -EBUSY;
        userns_fd = idmap_userns_fd(range);
        if (userns_fd < 0)
                return userns_fd;
        return idmap_mount(userns_fd, source, target);
}
