/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-pod-namespaces.c — pinning a pod's namespaces in a temporary run directory (root only: skipped
 * otherwise): nsfs files, the host name and SysV IPC inside them, /etc/hosts joins in place, and unpin
 * leaving nothing mounted. A pod with network none uses /run/netns like conman-podns does. */
#include <fcntl.h>
#include <linux/magic.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "shared/fileio.h"
#include "shared/util.h"
#include "network/netns.h"
#include "network/pod-hosts.h"
#include "network/pod-namespaces.h"

typedef struct Fixture {
        char dir[64]; /* state in <dir>/state, run in <dir>/run */
        char *state, *run;
        PodSpec spec;
} Fixture;

/* Root, and allowed to make namespaces and mounts (not so in every build sandbox). */
static bool can_pin(void) {
        pid_t pid;
        int status;

        if (geteuid() != 0)
                return false;
        pid = fork();
        if (pid == 0)
                _exit(unshare(CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWNS) < 0 ? 1 : 0);
        return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int setup(void **state) {
        Fixture *f = calloc(1, sizeof(Fixture));

        assert_non_null(f);
        strcpy(f->dir, "/tmp/test-pod-namespaces-XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        assert_true(asprintf(&f->state, "%s/state", f->dir) > 0);
        assert_true(asprintf(&f->run, "%s/run", f->dir) > 0);
        pod_spec_init(&f->spec);
        assert_int_equal(random_hex(64, &f->spec.id), 0);
        f->spec.name = strdup("web");
        f->spec.hostname = strdup("webhost");
        *state = f;
        return 0;
}

static int teardown(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *pods = NULL;

        (void) pod_namespaces_unpin(f->state, f->run, f->spec.id, NULL);
        assert_true(asprintf(&pods, "%s/pods", f->run) > 0);
        (void) umount2(pods, MNT_DETACH); /* the shared bind mount of itself */
        (void) rm_rf(f->dir);
        pod_spec_done(&f->spec);
        free(f->state);
        free(f->run);
        free(f);
        return 0;
}

static bool is_nsfs(const char *path) {
        struct statfs sfs;
        return statfs(path, &sfs) >= 0 && sfs.f_type == NSFS_MAGIC;
}

static char *ns_file(const Fixture *f, const char *ns) {
        char *p = NULL;
        assert_int_equal(pod_ns_path(f->run, f->spec.id, ns, &p), 0);
        return p;
}

/* Runs in a child that joined the namespace at path: 0 when check() said yes. */
static int in_namespace(const char *path, int nstype, bool (*check)(const void *), const void *arg) {
        pid_t pid = fork();
        int status;

        assert_true(pid >= 0);
        if (pid == 0) {
                int fd = open(path, O_RDONLY | O_CLOEXEC);
                if (fd < 0 || setns(fd, nstype) < 0)
                        _exit(2);
                _exit(check(arg) ? 0 : 1);
        }
        assert_int_equal(waitpid(pid, &status, 0), pid);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 3;
}

static bool hostname_is(const void *want) {
        char buf[256] = "";
        return gethostname(buf, sizeof(buf) - 1) >= 0 && streq(buf, want);
}

static bool lo_is_up(const void *unused) {
        struct ifreq ifr = { .ifr_name = "lo" };
        int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        return sock >= 0 && ioctl(sock, SIOCGIFFLAGS, &ifr) >= 0 && (ifr.ifr_flags & IFF_UP);
}

static bool msg_queue_create(const void *key) {
        return msgget(*(const key_t *) key, IPC_CREAT | IPC_EXCL | 0600) >= 0;
}

static bool msg_queue_exists(const void *key) {
        return msgget(*(const key_t *) key, 0) >= 0;
}

/* Nothing of the pod in this mount namespace's table. */
static bool nothing_mounted(const Fixture *f) {
        _cleanup_free_ char *info = NULL, *dir = NULL;

        assert_int_equal(read_file("/proc/self/mountinfo", 4 * 1024 * 1024, &info, NULL), 0);
        assert_int_equal(pod_run_dir(f->run, f->spec.id, &dir), 0);
        return !strstr(info, dir) && !strstr(info, f->spec.id);
}

static ino_t inode_of(const char *path) {
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        return st.st_ino;
}

static void assert_ipc_uts_pinned(Fixture *f) {
        _cleanup_free_ char *ipc = ns_file(f, "ipc"), *uts = ns_file(f, "uts");
        key_t key = (key_t) (0x5000000 + (getpid() & 0xffff));

        assert_true(is_nsfs(ipc));
        assert_true(is_nsfs(uts));
        assert_int_equal(in_namespace(uts, CLONE_NEWUTS, hostname_is, "webhost"), 0);
        assert_int_equal(in_namespace(ipc, CLONE_NEWIPC, msg_queue_create, &key), 0);
        assert_int_equal(in_namespace(ipc, CLONE_NEWIPC, msg_queue_exists, &key), 0); /* kept by the pin */
        assert_false(msg_queue_exists(&key));                                         /* not the host's */
}

static void test_pin_none(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *hosts = NULL, *netns = NULL, *netns_file = NULL, *contents = NULL, *msg = NULL,
                            *hostname = NULL, *resolv = NULL;
        ino_t ino;

        if (!can_pin())
                skip();
        f->spec.network = NETWORK_NONE;
        assert_int_equal(pod_namespaces_pin(f->state, f->run, &f->spec, &msg), 0);
        assert_null(msg);
        assert_true(pod_namespaces_pinned(f->run, f->spec.id));
        assert_ipc_uts_pinned(f);
        assert_true(asprintf(&netns, "conman-%.12s", f->spec.id) > 0);
        assert_true(netns_exists(netns));
        assert_int_equal(netns_path(netns, &netns_file), 0);
        assert_int_equal(in_namespace(netns_file, CLONE_NEWNET, lo_is_up, NULL), 0);
        assert_true(asprintf(&hosts, "%s/pods/%s/etc/hosts", f->run, f->spec.id) > 0);
        assert_true(asprintf(&resolv, "%s/pods/%s/etc/resolv.conf", f->run, f->spec.id) > 0);
        assert_int_equal(access(resolv, F_OK), 0);
        assert_true(asprintf(&hostname, "%s/pods/%s/etc/hostname", f->run, f->spec.id) > 0);
        assert_int_equal(read_file(hostname, 4096, &contents, NULL), 0);
        assert_string_equal(contents, "webhost\n");
        free(TAKE_PTR(contents));
        ino = inode_of(hosts);

        assert_int_equal(pod_namespaces_pin(f->state, f->run, &f->spec, NULL), 0); /* twice is fine */
        assert_int_equal(pod_namespaces_join(f->state, f->run, &f->spec, "db"), 0);
        assert_int_equal(pod_namespaces_join(f->state, f->run, &f->spec, "db"), 0);
        assert_int_equal(pod_namespaces_join(f->state, f->run, &f->spec, "cache"), 0);
        assert_int_equal(inode_of(hosts), ino);
        assert_int_equal(read_file(hosts, 65536, &contents, NULL), 0);
        assert_non_null(strstr(contents, "127.0.0.1\twebhost web\n"));
        assert_non_null(strstr(contents, "127.0.0.1\tdb\t" POD_MEMBER_MARK "\n"));
        assert_null(strstr(strstr(contents, "\tdb\t") + 1, "\tdb\t")); /* once */
        assert_non_null(strstr(contents, "127.0.0.1\tcache\t"));
        assert_int_equal(pod_namespaces_join(f->state, f->run, &f->spec, "bad/name"), -EINVAL);

        assert_int_equal(pod_namespaces_unpin(f->state, f->run, f->spec.id, NULL), 0);
        assert_false(pod_namespaces_pinned(f->run, f->spec.id));
        assert_false(netns_exists(netns));
        assert_true(nothing_mounted(f));
        assert_int_equal(pod_namespaces_unpin(f->state, f->run, f->spec.id, NULL), 0); /* twice is fine */
        assert_int_equal(pod_namespaces_join(f->state, f->run, &f->spec, "db"), -ENOENT);
}

/* A pod that shares ipc and uts only: no network namespace, no /etc files, join has nothing to do. */
static void test_pin_ipc_uts(void **state) {
        Fixture *f = *state;
        _cleanup_strv_free_ char **ids = NULL;
        _cleanup_free_ char *netns = NULL, *etc = NULL;

        if (!can_pin())
                skip();
        f->spec.share = POD_SHARE_IPC | POD_SHARE_UTS;
        assert_int_equal(pod_namespaces_pin(f->state, f->run, &f->spec, NULL), 0);
        assert_ipc_uts_pinned(f);
        assert_true(asprintf(&netns, "conman-%.12s", f->spec.id) > 0);
        assert_false(netns_exists(netns));
        assert_true(asprintf(&etc, "%s/pods/%s/etc", f->run, f->spec.id) > 0);
        assert_int_equal(access(etc, F_OK), -1);
        assert_int_equal(pod_namespaces_join(f->state, f->run, &f->spec, "db"), 0);
        assert_int_equal(pod_namespaces_pinned_ids(f->run, &ids), 0);
        assert_int_equal(strv_length(ids), 1);
        assert_string_equal(ids[0], f->spec.id);
        assert_int_equal(pod_namespaces_pin(f->state, f->run, &f->spec, NULL), 0);

        assert_int_equal(pod_namespaces_unpin(f->state, f->run, f->spec.id, NULL), 0);
        assert_true(nothing_mounted(f));
        assert_int_equal(pod_namespaces_unpin(f->state, f->run, f->spec.id, NULL), 0);
        strv_freep(&ids);
        assert_int_equal(pod_namespaces_pinned_ids(f->run, &ids), 0);
        assert_int_equal(strv_length(ids), 0);
}

/* A half-made pin (only ipc) is finished by the next pin, and unpin takes either state. */
static void test_pin_resumes(void **state) {
        Fixture *f = *state;

        if (!can_pin())
                skip();
        f->spec.share = POD_SHARE_IPC;
        assert_int_equal(pod_namespaces_pin(f->state, f->run, &f->spec, NULL), 0);
        f->spec.share = POD_SHARE_IPC | POD_SHARE_UTS;
        assert_int_equal(pod_namespaces_pin(f->state, f->run, &f->spec, NULL), 0);
        assert_ipc_uts_pinned(f);
        assert_int_equal(pod_namespaces_unpin(f->state, f->run, f->spec.id, NULL), 0);
        assert_true(nothing_mounted(f));
}

/* No root needed from here on. */
static void test_bad_ids(void **state) {
        Fixture *f = *state;
        char **ids = NULL;

        assert_int_equal(pod_namespaces_unpin(f->state, f->run, "../etc", NULL), -EINVAL);
        assert_false(pod_namespaces_pinned(f->run, f->spec.id));
        assert_int_equal(pod_namespaces_pinned_ids(f->run, &ids), 0); /* no <run>/pods at all */
        assert_int_equal(strv_length(ids), 0);
        strv_freep(&ids);
        free(f->spec.id);
        f->spec.id = strdup("abc");
        assert_int_equal(pod_namespaces_pin(f->state, f->run, &f->spec, NULL), -EINVAL);
}

static void test_hosts_has(void **state) {
        const char *h = "127.0.0.1\tlocalhost\n10.88.0.5\twebhost web\n10.88.0.5\tdb\t# conman-pod-member\n"
                        "10.88.0.9\tother\t# conman:0123456789ab\n# 10.88.0.5 commented\n10.88.0.5";

        assert_true(pod_hosts_has(h, "10.88.0.5", "web"));
        assert_true(pod_hosts_has(h, "10.88.0.5", "webhost"));
        assert_true(pod_hosts_has(h, "10.88.0.5", "db"));
        assert_false(pod_hosts_has(h, "10.88.0.5", "other")); /* another address */
        assert_false(pod_hosts_has(h, "10.88.0.5", "commented"));
        assert_false(pod_hosts_has(h, "10.88.0.5", "conman-pod-member"));
        assert_false(pod_hosts_has(h, "10.88.0.5", "10.88.0.5"));
        assert_false(pod_hosts_has("", "10.88.0.5", "web"));
}

/* Joining appends in place, also to a file without a final newline. */
static void test_add_member(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *path = NULL, *lock = NULL, *c = NULL;
        ino_t ino;

        assert_true(asprintf(&path, "%s/hosts", f->dir) > 0);
        assert_true(asprintf(&lock, "%s/.lock", f->dir) > 0);
        assert_int_equal(pod_hosts_add_member(path, lock, "10.1.0.2", "db"), -ENOENT);
        assert_int_equal(write_file_atomic(path, "10.1.0.2\tweb", 12, 0644), 0);
        ino = inode_of(path);
        assert_int_equal(pod_hosts_add_member(path, lock, "10.1.0.2", "db"), 0);
        assert_int_equal(pod_hosts_add_member(path, lock, "10.1.0.2", "web"), 0);
        assert_int_equal(inode_of(path), ino);
        assert_int_equal(read_file(path, 4096, &c, NULL), 0);
        assert_string_equal(c, "10.1.0.2\tweb\n10.1.0.2\tdb\t" POD_MEMBER_MARK "\n");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_pin_none, setup, teardown),
                cmocka_unit_test_setup_teardown(test_pin_ipc_uts, setup, teardown),
                cmocka_unit_test_setup_teardown(test_pin_resumes, setup, teardown),
                cmocka_unit_test_setup_teardown(test_bad_ids, setup, teardown),
                cmocka_unit_test(test_hosts_has),
                cmocka_unit_test_setup_teardown(test_add_member, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
