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

static int append_line(char **buf, const char *word, char *const *values, const char *sep) {
        _cleanup_free_ char *joined = strv_join(values, sep), *line = NULL;
        char *n;

        if (!joined || asprintf(&line, "%s %s\n", word, joined) < 0)
                return -ENOMEM;
        n = realloc(*buf, strlen(*buf) + strlen(line) + 1);
        if (!n)
                return -ENOMEM;
        strcat(n, line);
        *buf = n;
        return 0;
}

/* The lines of old starting with word (and a blank), for what the pod does not set itself. */
static int keep_lines(char **buf, const char *old, const char *word) {
        size_t w = strlen(word);

        for (const char *p = old; p && *p;) {
                size_t len = strcspn(p, "\n");
                if (len > w && strneq(p, word, w) && (p[w] == ' ' || p[w] == '\t')) {
                        char *n = realloc(*buf, strlen(*buf) + len + 2);
                        if (!n)
                                return -ENOMEM;
                        strncat(n, p, len);
                        strcat(n, "\n");
                        *buf = n;
                }
                p += len + (p[len] == '\n');
        }
        return 0;
}

int pod_resolv_conf_build(const PodSpec *s, const char *old, char **ret) {
        _cleanup_free_ char *buf = strdup("# Generated by conman for this pod (its DNS settings).\n");
        int r;

        if (!buf)
                return -ENOMEM;
        r = s->dns_searches ? append_line(&buf, "search", s->dns_searches, " ")
                            : keep_lines(&buf, old, "search");
        if (r >= 0)
                r = s->dns_servers ? append_line(&buf, "nameserver", s->dns_servers, "\nnameserver ")
                                   : keep_lines(&buf, old, "nameserver");
        if (r >= 0)
                r = s->dns_options ? append_line(&buf, "options", s->dns_options, " ")
                                   : keep_lines(&buf, old, "options");
        if (r < 0)
                return r;
        *ret = TAKE_PTR(buf);
        return 0;
}

int pod_hosts_write_resolv(const char *etc_dir, const PodSpec *s) {
        _cleanup_free_ char *path = NULL, *old = NULL, *new = NULL;
        int r;

        if (!etc_dir || (!s->dns_servers && !s->dns_searches && !s->dns_options))
                return 0;
        if (asprintf(&path, "%s/resolv.conf", etc_dir) < 0)
                return -ENOMEM;
        r = read_file(path, HOSTS_MAX, &old, NULL);
        if (r < 0 && r != -ENOENT)
                return r;
        r = pod_resolv_conf_build(s, old, &new);
        if (r < 0)
                return r;
        if (old)
                return rewrite_in_place(path, new);
        return write_file_atomic(path, new, strlen(new), 0644);
}
