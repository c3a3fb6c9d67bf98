/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * probe.c — a static program run inside a container by 40-confinement.bats: tries what a confined
 * container must not do and prints one line per probe, "NAME: allowed" or "NAME: blocked (ERROR)".
 * Each probe runs in its own child so one (unshare) cannot change the next.
 *
 *   probe [disk=MAJ:MIN] [NAME...]     no NAME: every probe
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/keyctl.h>
#include <linux/netlink.h>
#include <linux/perf_event.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

static unsigned disk_major = 7, disk_minor = 0; /* loop0 unless told */

/* Each returns 0 when the action worked, an errno when it did not. */
static int probe_disk(void) {
        /* in /dev: /tmp may be nodev (it is on the test machine), /dev never is */
        int fd, err = 0;
        unlink("/dev/probe-disk");
        if (mknod("/dev/probe-disk", S_IFBLK | 0600, makedev(disk_major, disk_minor)) < 0)
                return errno;
        fd = open("/dev/probe-disk", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                err = errno;
        else
                close(fd);
        unlink("/dev/probe-disk");
        return err;
}

static int probe_packet(void) {
        int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
        return fd < 0 ? errno : (close(fd), 0);
}

/* An AUDIT_USER message to the kernel's audit log: needs CAP_AUDIT_WRITE, and the host's network namespace
 * (elsewhere the socket is EAFNOSUPPORT). */
static int probe_audit(void) {
        struct {
                struct nlmsghdr h;
                char text[64];
        } req = { 0 };
        struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
        char buf[512];
        struct nlmsghdr *h = (struct nlmsghdr *) buf;
        int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
        ssize_t n;

        if (fd < 0)
                return errno;
        strcpy(req.text, "conman confinement probe");
        req.h.nlmsg_len = NLMSG_LENGTH(strlen(req.text) + 1);
        req.h.nlmsg_type = AUDIT_USER;
        req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
        req.h.nlmsg_seq = 1;
        if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *) &kernel, sizeof(kernel)) < 0)
                return errno;
        n = recv(fd, buf, sizeof(buf), 0);
        if (n < 0)
                return errno;
        if (h->nlmsg_type == NLMSG_ERROR)
                return -((struct nlmsgerr *) NLMSG_DATA(h))->error;
        return 0;
}

static int probe_io_uring(void) {
        char params[120] = { 0 };
        long fd = syscall(__NR_io_uring_setup, 1, params);
        return fd < 0 ? errno : (close((int) fd), 0);
}

static int probe_add_key(void) {
        long k = syscall(__NR_add_key, "user", "conman-probe", "x", 1, KEY_SPEC_PROCESS_KEYRING);
        return k < 0 ? errno : 0;
}

static int probe_keyctl(void) {
        long k = syscall(__NR_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_PROCESS_KEYRING, 1);
        return k < 0 ? errno : 0;
}

static int probe_userfaultfd(void) {
        long fd = syscall(__NR_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);
        return fd < 0 ? errno : (close((int) fd), 0);
}

static int probe_mount(void) {
        mkdir("/tmp/probe-mnt", 0755);
        return mount("none", "/tmp/probe-mnt", "tmpfs", 0, NULL) < 0 ? errno : 0;
}

/* The usual way out of a missing CAP_SYS_ADMIN: a new user namespace, then mount in it. */
static int probe_unshare(void) {
        if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
                return errno;
        return probe_mount();
}

static int probe_perf(void) {
        struct perf_event_attr a = { .type = PERF_TYPE_SOFTWARE,
                                     .size = sizeof(a),
                                     .config = PERF_COUNT_SW_CPU_CLOCK,
                                     .exclude_kernel = 1,
                                     .exclude_hv = 1 };
        long fd = syscall(__NR_perf_event_open, &a, 0, -1, -1, 0);
        return fd < 0 ? errno : (close((int) fd), 0);
}

/* ping's way without CAP_NET_RAW: an ICMP datagram socket (net.ipv4.ping_group_range), echo to 127.0.0.1. */
static int probe_icmp(void) {
        struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        unsigned char req[16] = { 8, 0 },
                      reply[128]; /* type 8: echo request; the kernel fills id, checksum */
        struct timeval tv = { .tv_sec = 2 };
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP);

        if (fd < 0)
                return errno;
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        if (sendto(fd, req, sizeof(req), 0, (struct sockaddr *) &to, sizeof(to)) < 0)
                return errno;
        if (recv(fd, reply, sizeof(reply), 0) < 0)
                return errno;
        return reply[0] == 0 ? 0 : EPROTO; /* type 0: echo reply */
}

static const struct {
        const char *name;
        int (*run)(void);
} probes[] = {
        { "disk", probe_disk },
        { "packet", probe_packet },
        { "audit", probe_audit },
        { "io_uring", probe_io_uring },
        { "add_key", probe_add_key },
        { "keyctl", probe_keyctl },
        { "userfaultfd", probe_userfaultfd },
        { "unshare", probe_unshare },
        { "mount", probe_mount },
        { "perf_event_open", probe_perf },
        { "icmp", probe_icmp },
};

static void run_probe(size_t i) {
        int status, pipefd[2], err = -1;
        pid_t pid;

        if (pipe(pipefd) < 0 || (pid = fork()) < 0) {
                perror("probe");
                exit(2);
        }
        if (pid == 0) {
                close(pipefd[0]);
                err = probes[i].run();
                (void) !write(pipefd[1], &err, sizeof(err));
                _exit(0);
        }
        close(pipefd[1]);
        if (read(pipefd[0], &err, sizeof(err)) != sizeof(err))
                err = -1;
        close(pipefd[0]);
        waitpid(pid, &status, 0);
        if (err == 0)
                printf("%s: allowed\n", probes[i].name);
        else if (err < 0)
                printf("%s: blocked (killed)\n", probes[i].name);
        else
                printf("%s: blocked (%s)\n", probes[i].name, strerrorname_np(err) ?: strerror(err));
        fflush(stdout);
}

int main(int argc, char *argv[]) {
        int n = 0;

        for (int a = 1; a < argc; a++)
                if (strncmp(argv[a], "disk=", 5) == 0 &&
                    sscanf(argv[a] + 5, "%u:%u", &disk_major, &disk_minor) != 2)
                        return 2;
        for (int a = 1; a < argc; a++)
                for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
                        if (strcmp(argv[a], probes[i].name) == 0) {
                                run_probe(i);
                                n++;
                        }
        for (size_t i = 0; n == 0 && i < sizeof(probes) / sizeof(probes[0]); i++)
                run_probe(i);
        return 0;
}
