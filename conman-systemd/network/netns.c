/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * netns.c — see netns.h.
 */
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>

#include "shared/fileio.h"
#include "network/netns.h"

int netns_path(const char *name, char **ret) {
        return asprintf(ret, NETNS_RUN_DIR "/%s", name) < 0 ? -ENOMEM : 0;
}

/* iproute2's trick: /run/netns is a shared bind mount of itself. */
static int prepare_run_dir(void) {
        int r = mkdir_p(NETNS_RUN_DIR, 0755);

        if (r < 0)
                return r;
        if (mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL) >= 0)
                return 0;
        if (errno != EINVAL)
                return negative_errno();
        if (mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none", MS_BIND | MS_REC, NULL) < 0)
                return negative_errno();
        return mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL) < 0 ? negative_errno() : 0;
}

bool netns_exists(const char *name) {
        _cleanup_free_ char *path = NULL;
        struct statfs sfs;

        return netns_path(name, &path) >= 0 && statfs(path, &sfs) >= 0 && sfs.f_type == NSFS_MAGIC;
}

/* In a child: a new network namespace, bound onto path. */
static int bind_new_netns(const char *path) {
        pid_t pid = fork();
        int status;

        if (pid < 0)
                return negative_errno();
        if (pid == 0) {
                if (unshare(CLONE_NEWNET) < 0)
                        _exit(1);
                if (mount("/proc/self/ns/net", path, "none", MS_BIND, NULL) < 0)
                        _exit(2);
                _exit(0);
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return negative_errno();
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return WIFEXITED(status) && WEXITSTATUS(status) == 1 ? -EPERM : -EIO;
        return 0;
}

int netns_create(const char *name) {
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        r = netns_path(name, &path);
        if (r < 0)
                return r;
        if (netns_exists(name))
                return -EEXIST;
        r = prepare_run_dir();
        if (r < 0)
                return r;
        fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0444);
        if (fd < 0)
                return negative_errno();
        fd = safe_close(fd);
        r = bind_new_netns(path);
        if (r < 0)
                (void) unlink(path);
        return r;
}

int netns_remove(const char *name) {
        _cleanup_free_ char *path = NULL;
        int r;

        r = netns_path(name, &path);
        if (r < 0)
                return r;
        while (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) >= 0)
                ; /* a namespace mounted twice (a racing create) is unmounted twice */
        if (errno != EINVAL && errno != ENOENT)
                return negative_errno();
        if (unlink(path) < 0 && errno != ENOENT)
                return negative_errno();
        return 0;
}
