/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pod-hosts.c — see pod-hosts.h.
 */
#include <fcntl.h>
#include <sys/file.h>

#include "shared/fileio.h"
#include "shared/util.h"
#include "network/etc-files.h"
#include "network/pod-hosts.h"

#define HOSTS_MAX (1024 * 1024)

/* The host's resolv.conf; behind systemd-resolved's stub, the file with its upstream servers. */
static void read_host_resolv(char **ret) {
        _cleanup_free_ char *etc = NULL;

        if (read_file("/etc/resolv.conf", HOSTS_MAX, &etc, NULL) >= 0 &&
            !strstr(etc, "nameserver 127.0.0.53")) {
                *ret = TAKE_PTR(etc);
                return;
        }
        if (read_file("/run/systemd/resolve/resolv.conf", HOSTS_MAX, ret, NULL) >= 0)
                return;
        *ret = TAKE_PTR(etc);
}

static int write_if_missing(const char *dir, const char *name, const char *data) {
        _cleanup_free_ char *path = NULL;

        if (asprintf(&path, "%s/%s", dir, name) < 0)
                return -ENOMEM;
        if (access(path, F_OK) >= 0)
                return 0;
        return write_file_atomic(path, data, strlen(data), 0644);
}

int pod_hosts_write_etc(const char *run_dir, const PodSpec *s) {
        _cleanup_free_ char *dir = NULL, *hosts = NULL, *hostname = NULL, *host_resolv = NULL, *resolv = NULL;
        HostsEntry self = {
                .ip = "127.0.0.1", .name = s->name, .hostname = s->hostname ?: s->name, .id = s->id
        };
        int r;

        if (asprintf(&dir, "%s/pods/%s/etc", run_dir, s->id) < 0 ||
            asprintf(&hostname, "%s\n", s->hostname ?: s->name) < 0)
                return -ENOMEM;
        read_host_resolv(&host_resolv);
        r = mkdir_p(dir, 0755);
        if (r >= 0)
                r = hosts_file_build(&self, NULL, 0, &hosts);
        if (r >= 0)
                r = resolv_conf_build(host_resolv, NULL, NULL, &resolv);
        if (r >= 0)
                r = write_if_missing(dir, "hosts", hosts);
        if (r >= 0)
                r = write_if_missing(dir, "hostname", hostname);
        if (r >= 0)
                r = write_if_missing(dir, "resolv.conf", resolv);
        return r;
}

/* One line without its comment: does its first field equal ip and another one name? */
static bool line_has(char *line, const char *ip, const char *name) {
        char *save = NULL, *field;
        bool first = true;

        line[strcspn(line, "#")] = 0;
        for (field = strtok_r(line, " \t", &save); field; field = strtok_r(NULL, " \t", &save), first = false)
                if (first ? !streq(field, ip) : streq(field, name))
                        return !first;
        return false;
}

bool pod_hosts_has(const char *contents, const char *ip, const char *name) {
        for (const char *p = contents; p && *p;) {
                size_t len = strcspn(p, "\n");
                _cleanup_free_ char *line = strndup(p, len);
                if (line && line_has(line, ip, name))
                        return true;
                p += len + (p[len] == '\n');
        }
        return false;
}

static int lock_file(const char *path) {
        _cleanup_close_ int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

        if (fd < 0)
                return negative_errno();
        if (flock(fd, LOCK_EX) < 0)
                return negative_errno();
        return TAKE_FD(fd);
}

/* The same inode with new contents: containers have it bind-mounted. Written first, then cut, so a
 * reader never sees an empty file. */
static int rewrite_in_place(const char *path, const char *data) {
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        size_t n = strlen(data);
        int r;

        if (fd < 0)
                return negative_errno();
        r = write_all(fd, data, n);
        if (r >= 0 && ftruncate(fd, (off_t) n) < 0)
                r = negative_errno();
        return r;
}

int pod_hosts_add_member(const char *path, const char *lock_path, const char *ip, const char *name) {
        _cleanup_free_ char *old = NULL, *new = NULL;
        _cleanup_close_ int lock = -EBADF;
        size_t n;
        int r;

        lock = lock_file(lock_path);
        if (lock < 0)
                return lock;
        r = read_file(path, HOSTS_MAX, &old, &n);
        if (r < 0)
                return r;
        if (pod_hosts_has(old, ip, name))
                return 0;
        if (asprintf(&new, "%s%s%s\t%s\t" POD_MEMBER_MARK "\n", old, n > 0 && old[n - 1] != '\n' ? "\n" : "",
                     ip, name) < 0)
                return -ENOMEM;
        return rewrite_in_place(path, new);
}
