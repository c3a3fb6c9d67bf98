/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ipam.c — see ipam.h.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "shared/fileio.h"
#include "shared/util.h"
#include "network/ipam.h"
#include "network/network-store.h"

#define LAST_RESERVED "last_reserved_ip.0"
#define LEASE_MAX     256

static uint32_t mask_of(unsigned prefix) {
        return prefix == 0 ? 0 : UINT32_MAX << (32 - prefix);
}

int ipam_next(uint32_t net, unsigned prefix, uint32_t gateway, uint32_t last, IpamTakenFn taken,
              void *userdata, uint32_t *ret) {
        uint32_t first = net + 1, end = (net | ~mask_of(prefix)) - 1; /* [first, end] */
        uint32_t a = last >= first && last <= end ? last : end;

        if (prefix > 30 || end < first)
                return -EINVAL;
        for (uint64_t i = 0; i <= (uint64_t) (end - first); i++) {
                a = a >= end ? first : a + 1;
                if (a != gateway && !(taken && taken(a, userdata))) {
                        *ret = a;
                        return 0;
                }
        }
        return -ENOSPC;
}

static int format_ipv4(uint32_t a, char buf[static INET_ADDRSTRLEN]) {
        struct in_addr in = { .s_addr = htonl(a) };
        return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN) ? 0 : -EINVAL;
}

static int parse_ipv4(const char *s, uint32_t *ret) {
        struct in_addr in;

        if (!s || inet_pton(AF_INET, s, &in) != 1)
                return -EINVAL;
        *ret = ntohl(in.s_addr);
        return 0;
}

static bool is_lease_name(const char *n) {
        struct in_addr in;
        return inet_pton(AF_INET, n, &in) == 1;
}

/* The container id in a lease file: its first line. */
static int lease_owner(int dfd, const char *name, char **ret) {
        _cleanup_free_ char *buf = NULL;
        int r;

        r = read_file_at(dfd, name, LEASE_MAX, &buf, NULL);
        if (r < 0)
                return r;
        buf[strcspn(buf, "\r\n")] = 0;
        *ret = TAKE_PTR(buf);
        return 0;
}

static bool lease_exists(uint32_t a, void *userdata) {
        char name[INET_ADDRSTRLEN];
        return format_ipv4(a, name) < 0 || faccessat(*(int *) userdata, name, F_OK, AT_SYMLINK_NOFOLLOW) >= 0;
}

/* The address container_id already holds in the directory, if any. */
static int find_lease(int dfd, const char *container_id, char **ret) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int r = opendir_at(dfd, ".", &d);

        if (r < 0)
                return r;
        while ((de = readdir(d))) {
                _cleanup_free_ char *owner = NULL;
                if (!is_lease_name(de->d_name) || lease_owner(dfd, de->d_name, &owner) < 0 ||
                    !streq(owner, container_id))
                        continue;
                *ret = strdup(de->d_name);
                return *ret ? 1 : -ENOMEM;
        }
        return 0;
}

static int open_network_dir(const char *ipam_dir, const char *network, bool create) {
        _cleanup_free_ char *path = NULL;
        int r;

        if (asprintf(&path, "%s/%s", ipam_dir, network) < 0)
                return -ENOMEM;
        if (create && (r = mkdir_p(path, 0700)) < 0)
                return r;
        r = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return r < 0 ? negative_errno() : r;
}

static int lock_dir(int dfd) {
        _cleanup_close_ int fd = openat(dfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

        if (fd < 0)
                return negative_errno();
        if (flock(fd, LOCK_EX) < 0)
                return negative_errno();
        return TAKE_FD(fd);
}

int ipam_network_lock(const char *ipam_dir, const char *network, bool create, int *ret_dfd) {
        _cleanup_close_ int dfd = open_network_dir(ipam_dir, network, create);
        int lock;

        if (dfd < 0)
                return dfd;
        lock = lock_dir(dfd);
        if (lock < 0)
                return lock;
        *ret_dfd = TAKE_FD(dfd);
        return lock;
}

static int write_lease(int dfd, uint32_t a, const char *container_id, char **ret) {
        _cleanup_free_ char *data = NULL;
        _cleanup_close_ int fd = -EBADF;
        char name[INET_ADDRSTRLEN];
        int r;

        r = format_ipv4(a, name);
        if (r < 0)
                return r;
        if (asprintf(&data, "%s\r\neth0", container_id) < 0)
                return -ENOMEM;
        fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return negative_errno();
        r = write_all(fd, data, strlen(data));
        if (r >= 0)
                r = write_file_atomic_at(dfd, LAST_RESERVED, name, strlen(name), 0600);
        if (r < 0) {
                (void) unlinkat(dfd, name, 0);
                return r;
        }
        *ret = strdup(name);
        return *ret ? 0 : -ENOMEM;
}

int ipam_address_check(uint32_t net, unsigned prefix, uint32_t gateway, uint32_t a) {
        uint32_t broadcast = net | ~mask_of(prefix);

        if (prefix > 30 || (a & mask_of(prefix)) != net || a == net || a == broadcast)
                return -EDOM;
        return a == gateway ? -EADDRINUSE : 0;
}

/* The lease of wanted (an address of the subnet nobody holds), for --ip. */
static int reserve_wanted(int dfd, uint32_t net, unsigned prefix, uint32_t gw, const char *wanted,
                          const char *container_id, char **ret) {
        uint32_t a;
        int r;

        if (parse_ipv4(wanted, &a) < 0)
                return -EINVAL;
        r = ipam_address_check(net, prefix, gw, a);
        if (r < 0)
                return r;
        if (lease_exists(a, &dfd))
                return -EADDRINUSE;
        return write_lease(dfd, a, container_id, ret);
}

int ipam_reserve_address(const char *ipam_dir, const char *network, const char *subnet, const char *gateway,
                         const char *container_id, const char *wanted, char **ret) {
        _cleanup_close_ int dfd = -EBADF, lock = -EBADF;
        _cleanup_free_ char *last_s = NULL;
        uint32_t net, gw = 0, last = 0, a;
        unsigned prefix;
        int r;

        r = subnet_parse(subnet, &net, &prefix);
        if (r < 0 || (gateway && parse_ipv4(gateway, &gw) < 0))
                return -EINVAL;
        dfd = open_network_dir(ipam_dir, network, true);
        if (dfd < 0)
                return dfd;
        lock = lock_dir(dfd);
        if (lock < 0)
                return lock;
        r = find_lease(dfd, container_id, ret);
        if (r != 0)
                return r < 0 ? r : 0;
        if (wanted)
                return reserve_wanted(dfd, net, prefix, gw, wanted, container_id, ret);
        if (read_file_at(dfd, LAST_RESERVED, INET_ADDRSTRLEN, &last_s, NULL) >= 0) {
                last_s[strcspn(last_s, "\r\n ")] = 0;
                (void) parse_ipv4(last_s, &last);
        }
        r = ipam_next(net, prefix, gw, last, lease_exists, &dfd, &a);
        return r < 0 ? r : write_lease(dfd, a, container_id, ret);
}

int ipam_reserve(const char *ipam_dir, const char *network, const char *subnet, const char *gateway,
                 const char *container_id, char **ret) {
        return ipam_reserve_address(ipam_dir, network, subnet, gateway, container_id, NULL, ret);
}

static int release_in(int dfd, const char *container_id) {
        _cleanup_closedir_ DIR *d = NULL;
        _cleanup_close_ int lock = lock_dir(dfd);
        struct dirent *de;
        int r;

        if (lock < 0)
                return lock;
        r = opendir_at(dfd, ".", &d);
        while (r >= 0 && (de = readdir(d))) {
                _cleanup_free_ char *owner = NULL;
                if (is_lease_name(de->d_name) && lease_owner(dfd, de->d_name, &owner) >= 0 &&
                    streq(owner, container_id) && unlinkat(dfd, de->d_name, 0) < 0 && errno != ENOENT)
                        r = negative_errno();
        }
        return r;
}

/* Calls fn for the directory of every network under ipam_dir (or only the one named). */
static int foreach_network(const char *ipam_dir, const char *network, int (*fn)(int, void *),
                           void *userdata) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int ret = 0;

        if (network) {
                _cleanup_close_ int dfd = open_network_dir(ipam_dir, network, false);
                return dfd == -ENOENT ? 0 : dfd < 0 ? dfd : fn(dfd, userdata);
        }
        d = opendir(ipam_dir);
        if (!d)
                return errno == ENOENT ? 0 : negative_errno();
        while ((de = readdir(d))) {
                _cleanup_close_ int dfd = -EBADF;
                int r;
                if (de->d_name[0] == '.')
                        continue;
                dfd = open_network_dir(ipam_dir, de->d_name, false);
                r = dfd < 0 ? (dfd == -ENOTDIR ? 0 : dfd) : fn(dfd, userdata);
                if (r < 0 && ret == 0)
                        ret = r;
        }
        return ret;
}

static int release_cb(int dfd, void *userdata) {
        return release_in(dfd, userdata);
}

int ipam_release(const char *ipam_dir, const char *network, const char *container_id) {
        return foreach_network(ipam_dir, network, release_cb, (void *) container_id);
}

static int owners_cb(int dfd, void *userdata) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int r = opendir_at(dfd, ".", &d);

        while (r >= 0 && (de = readdir(d))) {
                _cleanup_free_ char *owner = NULL;
                if (is_lease_name(de->d_name) && lease_owner(dfd, de->d_name, &owner) >= 0 &&
                    !strv_contains(*(char ***) userdata, owner))
                        r = strv_push((char ***) userdata, owner);
        }
        return r;
}

int ipam_lease_owners(const char *ipam_dir, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        int r;

        r = foreach_network(ipam_dir, NULL, owners_cb, &l);
        if (r < 0)
                return r;
        if (!l && !(l = calloc(1, sizeof(char *))))
                return -ENOMEM;
        *ret = TAKE_PTR(l);
        return 0;
}
