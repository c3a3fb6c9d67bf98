/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pod-namespaces.c — see pod-namespaces.h. The namespaces are made in forked children (unshare()
 * and setns() change the calling process; the caller keeps its own), which leave them on nsfs bind
 * mounts and exit. /etc files and joining are in pod-hosts.c.
 */
#include <fcntl.h>
#include <linux/magic.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>

#include "shared/fileio.h"
#include "shared/names.h"
#include "shared/util.h"
#include "network/netns.h"
#include "network/network-attach.h"
#include "network/pod-hosts.h"
#include "network/pod-namespaces.h"

static void set_message(char **ret_message, char *msg) {
        if (ret_message && !*ret_message)
                *ret_message = msg;
        else
                free(msg);
}

static void set_messagef(char **ret_message, int error, const char *what) {
        char *m = NULL;

        if (asprintf(&m, "%s: %s%s", what, strerror(-error),
                     error == -EPERM ? " (conman-podns needs CAP_SYS_ADMIN)" : "") >= 0)
                set_message(ret_message, m);
}

/* Runs f(userdata) in a forked child and returns what it returned there (0 or -errno). */
static int run_in_child(int (*f)(void *userdata), void *userdata) {
        _cleanup_close_pair_ int p[2] = { -EBADF, -EBADF };
        int status, r = -EIO;
        ssize_t n;
        pid_t pid;

        if (pipe2(p, O_CLOEXEC) < 0)
                return negative_errno();
        pid = fork();
        if (pid < 0)
                return negative_errno();
        if (pid == 0) {
                r = f(userdata);
                (void) !write(p[1], &r, sizeof(r));
                _exit(r < 0 ? EXIT_FAILURE : EXIT_SUCCESS);
        }
        p[1] = safe_close(p[1]);
        n = read_all(p[0], &r, sizeof(r));
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return negative_errno();
        if (n != (ssize_t) sizeof(r))
                return -EIO; /* the child died before it could say */
        return r;
}

static bool is_nsfs(const char *path) {
        struct statfs sfs;
        return statfs(path, &sfs) >= 0 && sfs.f_type == NSFS_MAGIC;
}

/* iproute2's trick (as netns.c does for /run/netns): dir is a shared bind mount of itself, so a mount
 * below it made or removed here propagates to every mount namespace that has a copy of it. */
static int make_shared_mount(const char *dir) {
        if (mount("", dir, "none", MS_SHARED | MS_REC, NULL) >= 0)
                return 0;
        if (errno != EINVAL)
                return negative_errno();
        if (mount(dir, dir, "none", MS_BIND | MS_REC, NULL) < 0)
                return negative_errno();
        return mount("", dir, "none", MS_SHARED | MS_REC, NULL) < 0 ? negative_errno() : 0;
}

/* A new empty file to bind a namespace onto. */
static int touch(const char *path) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0444);
        return fd < 0 ? negative_errno() : 0;
}

typedef struct IpcUtsPin {
        int flags; /* CLONE_NEWIPC and/or CLONE_NEWUTS: the ones to make */
        const char *hostname;
        const char *ipc_path, *uts_path;
} IpcUtsPin;

static int pin_ipc_uts_child(void *userdata) {
        const IpcUtsPin *p = userdata;

        if (unshare(p->flags) < 0)
                return negative_errno();
        if ((p->flags & CLONE_NEWUTS) && sethostname(p->hostname, strlen(p->hostname)) < 0)
                return negative_errno();
        if ((p->flags & CLONE_NEWIPC) && mount("/proc/self/ns/ipc", p->ipc_path, "none", MS_BIND, NULL) < 0)
                return negative_errno();
        if ((p->flags & CLONE_NEWUTS) && mount("/proc/self/ns/uts", p->uts_path, "none", MS_BIND, NULL) < 0)
                return negative_errno();
        return 0;
}

/* <run>/pods/<id>/{ipc,uts} as s->share says; a file that is already a namespace is kept. */
static int pin_ipc_uts(const char *run_dir, const PodSpec *s, char **ret_message) {
        _cleanup_free_ char *ipc = NULL, *uts = NULL;
        IpcUtsPin p = { .hostname = s->hostname ?: s->name };
        int r;

        if (pod_ns_path(run_dir, s->id, "ipc", &ipc) < 0 || pod_ns_path(run_dir, s->id, "uts", &uts) < 0)
                return -ENOMEM;
        p.ipc_path = ipc;
        p.uts_path = uts;
        if ((s->share & POD_SHARE_IPC) && !is_nsfs(ipc))
                p.flags |= CLONE_NEWIPC;
        if ((s->share & POD_SHARE_UTS) && !is_nsfs(uts))
                p.flags |= CLONE_NEWUTS;
        if (p.flags == 0)
                return 0;
        r = (p.flags & CLONE_NEWIPC) ? touch(ipc) : 0;
        if (r >= 0 && (p.flags & CLONE_NEWUTS))
                r = touch(uts);
        if (r >= 0)
                r = run_in_child(pin_ipc_uts_child, &p);
        if (r < 0)
                set_messagef(ret_message, r, "Cannot pin the pod's IPC/UTS namespaces");
        return r;
}

static int lo_up_child(void *userdata) {
        _cleanup_close_ int fd = open(userdata, O_RDONLY | O_CLOEXEC), sock = -EBADF;
        struct ifreq ifr = { .ifr_name = "lo" };

        if (fd < 0)
                return negative_errno();
        if (setns(fd, CLONE_NEWNET) < 0)
                return negative_errno();
        sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sock < 0 || ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
                return negative_errno();
        ifr.ifr_flags |= IFF_UP;
        return ioctl(sock, SIOCSIFFLAGS, &ifr) < 0 ? negative_errno() : 0;
}

/* A namespace "conman-<id12>" that belongs to a container or pod with another id but the same prefix. */
static bool netns_name_taken(const NetworkContext *ctx, const char *id) {
        _cleanup_strv_free_ char **ids = NULL;

        if (network_attached_ids(ctx, &ids) < 0)
                return false;
        for (char **o = ids; *o; o++)
                if (!streq(*o, id) && strneq(*o, id, 12))
                        return true;
        return false;
}

/* Network none: a namespace with only lo, up. */
static int pin_net_none(const NetworkContext *ctx, const char *run_dir, const PodSpec *s,
                        char **ret_message) {
        _cleanup_free_ char *name = NULL, *path = NULL;
        int r;

        r = network_netns_name(s->id, &name);
        if (r >= 0)
                r = netns_path(name, &path);
        if (r < 0)
                return r;
        if (netns_name_taken(ctx, s->id)) {
                set_message(ret_message, strdup("A container's id starts with the same 12 characters as the "
                                                "pod's; remove one of them."));
                return -EEXIST;
        }
        r = netns_create(name);
        if (r < 0 && r != -EEXIST) {
                set_messagef(ret_message, r, "Cannot create the pod's network namespace");
                return r;
        }
        r = run_in_child(lo_up_child, path);
        if (r < 0) {
                set_messagef(ret_message, r, "Cannot bring up lo in the pod's network namespace");
                return r;
        }
        r = pod_hosts_write_etc(run_dir, s);
        if (r < 0)
                set_messagef(ret_message, r, "Cannot write the pod's /etc files");
        return r;
}

/* A bridge (or named) network: the pod is attached like a container, with the pod's id. */
static int pin_net_bridge(const NetworkContext *ctx, const PodSpec *s, char **ret_message) {
        _cleanup_free_ char *name = NULL, *hosts = NULL;
        NetworkAttachRequest req = { .container_id = s->id,
                                     .network = s->network_name,
                                     .name = s->name,
                                     .hostname = s->hostname ?: s->name,
                                     .ports = s->ports };
        int r;

        r = network_netns_name(s->id, &name);
        if (r >= 0)
                r = network_attachment_file(ctx, s->id, "hosts", &hosts);
        if (r < 0)
                return r;
        if (netns_exists(name) && access(hosts, F_OK) >= 0)
                return 0; /* attached already */
        return network_attach(ctx, &req, ret_message);
}

/* The pod's own DNS settings (CreatePod's Dns*) over the resolv.conf its network wrote. */
static int write_pod_resolv(const char *run_dir, const PodSpec *s, char **ret_message) {
        _cleanup_(pod_member_paths_done) PodMemberPaths paths = {};
        int r;

        r = pod_member_paths(s, run_dir, &paths);
        if (r >= 0)
                r = pod_hosts_write_resolv(paths.etc_dir, s);
        if (r < 0)
                set_messagef(ret_message, r, "Cannot write the pod's resolv.conf");
        return r;
}

static int pin_net(const char *state_dir, const char *run_dir, const PodSpec *s, char **ret_message) {
        _cleanup_(network_context_done) NetworkContext ctx = {};
        int r;

        if (!(s->share & POD_SHARE_NET) || s->network == NETWORK_HOST)
                return 0;
        r = network_context_init(&ctx, state_dir, run_dir);
        if (r < 0)
                return r;
        r = s->network == NETWORK_BRIDGE ? pin_net_bridge(&ctx, s, ret_message)
                                         : pin_net_none(&ctx, run_dir, s, ret_message);
        return r < 0 ? r : write_pod_resolv(run_dir, s, ret_message);
}

/* <run>/pods, shared, and <run>/pods/<id>. */
static int make_run_dir(const char *run_dir, const char *id, char **ret_message) {
        _cleanup_free_ char *pods = NULL, *dir = NULL;
        int r;

        if (asprintf(&pods, "%s/pods", run_dir) < 0 || pod_run_dir(run_dir, id, &dir) < 0)
                return -ENOMEM;
        r = mkdir_p(pods, 0755);
        if (r >= 0)
                r = make_shared_mount(pods);
        if (r >= 0)
                r = mkdir_p(dir, 0755);
        if (r < 0)
                set_messagef(ret_message, r, "Cannot prepare the pod's runtime directory");
        return r;
}

static int unpin_file(const char *path);

int pod_pause_pid_file(const char *run_dir, const char *pod_id, char **ret) {
        return asprintf(ret, "%s/pods/%s/pause.pid", run_dir, pod_id) < 0 ? -ENOMEM : 0;
}

static void on_pause_signal(int sig) {
}

/* PID 1 of the pod's PID namespace: reaps what the members leave to it, ends on SIGTERM or SIGINT (from the
 * parent namespace a PID 1 only gets the signals it handles or blocks: both here). */
_noreturn_ static void pause_main(void) {
        struct sigaction sa = { .sa_handler = on_pause_signal };
        sigset_t set;
        int sig;

        (void) prctl(PR_SET_NAME, "conman-pause");
        (void) chdir("/");
        (void) close_range(3, ~0U, 0);
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGCHLD);
        (void) sigaction(SIGTERM, &sa, NULL);
        (void) sigaction(SIGINT, &sa, NULL);
        (void) sigaction(SIGCHLD, &sa, NULL);
        (void) sigprocmask(SIG_SETMASK, &set, NULL);
        for (;;) {
                if (sigwait(&set, &sig) != 0)
                        continue;
                if (sig != SIGCHLD)
                        _exit(EXIT_SUCCESS);
                while (waitpid(-1, NULL, WNOHANG) > 0)
                        ;
        }
}

/* Pid pod: a new PID namespace with the pause process as its PID 1, pinned on <run>/pods/<id>/pid, and the
 * pause's PID in pause.pid for systemd (this process exits after, as Type=forking wants). */
static int pin_pid(const char *run_dir, const PodSpec *s, char **ret_message) {
        _cleanup_free_ char *path = NULL, *pid_file = NULL, *ns = NULL, *text = NULL;
        pid_t pid;
        int r;

        if (s->pid != POD_PID_POD)
                return 0;
        if (pod_ns_path(run_dir, s->id, "pid", &path) < 0 ||
            pod_pause_pid_file(run_dir, s->id, &pid_file) < 0)
                return -ENOMEM;
        (void) unpin_file(path); /* a namespace pinned before died with its pause */
        r = touch(path);
        if (r >= 0 && unshare(CLONE_NEWPID) < 0)
                r = negative_errno();
        if (r < 0) {
                set_messagef(ret_message, r, "Cannot make the pod's PID namespace");
                return r;
        }
        pid = fork();
        if (pid < 0)
                return negative_errno();
        if (pid == 0)
                pause_main();
        if (asprintf(&ns, "/proc/%i/ns/pid", (int) pid) < 0 || asprintf(&text, "%i\n", (int) pid) < 0)
                r = -ENOMEM;
        if (r >= 0 && mount(ns, path, "none", MS_BIND, NULL) < 0)
                r = negative_errno();
        if (r >= 0)
                r = write_file_atomic(pid_file, text, strlen(text), 0644);
        if (r < 0) {
                (void) kill(pid, SIGKILL);
                set_messagef(ret_message, r, "Cannot pin the pod's PID namespace");
        }
        return r;
}

int pod_namespaces_pin(const char *state_dir, const char *run_dir, const PodSpec *s, char **ret_message) {
        int r;

        if (!s->id || !container_id_is_valid(s->id) || !s->name)
                return -EINVAL;
        r = make_run_dir(run_dir, s->id, ret_message);
        if (r >= 0)
                r = pin_ipc_uts(run_dir, s, ret_message);
        if (r >= 0)
                r = pin_net(state_dir, run_dir, s, ret_message);
        if (r >= 0)
                r = pin_pid(run_dir, s, ret_message);
        if (r < 0)
                (void) pod_namespaces_unpin(state_dir, run_dir, s->id, NULL);
        return r;
}

/* Unmounts (every mount stacked on it) and removes a pinned namespace file. */
static int unpin_file(const char *path) {
        while (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) >= 0)
                ;
        if (errno != EINVAL && errno != ENOENT)
                return negative_errno();
        return unlink(path) < 0 && errno != ENOENT ? negative_errno() : 0;
}

static int unpin_net(const char *state_dir, const char *run_dir, const char *id, char **ret_message) {
        _cleanup_(network_context_done) NetworkContext ctx = {};
        _cleanup_free_ char *dir = NULL, *name = NULL;
        int r;

        r = network_context_init(&ctx, state_dir, run_dir);
        if (r >= 0)
                r = network_attachment_file(&ctx, id, NULL, &dir);
        if (r >= 0)
                r = network_netns_name(id, &name);
        if (r < 0)
                return r;
        if (access(dir, F_OK) >= 0)
                return network_detach(&ctx, id, ret_message); /* removes the namespace too */
        return netns_name_taken(&ctx, id) ? 0 : netns_remove(name);
}

static void keep_first(int *ret, int r) {
        if (r < 0 && *ret >= 0)
                *ret = r;
}

int pod_namespaces_unpin(const char *state_dir, const char *run_dir, const char *pod_id, char **ret_message) {
        _cleanup_free_ char *dir = NULL, *ipc = NULL, *uts = NULL, *pid = NULL;
        int ret = 0, r;

        if (!container_id_is_valid(pod_id))
                return -EINVAL;
        if (pod_run_dir(run_dir, pod_id, &dir) < 0 || pod_ns_path(run_dir, pod_id, "ipc", &ipc) < 0 ||
            pod_ns_path(run_dir, pod_id, "uts", &uts) < 0 || pod_ns_path(run_dir, pod_id, "pid", &pid) < 0)
                return -ENOMEM;
        r = unpin_net(state_dir, run_dir, pod_id, ret_message);
        if (r < 0)
                set_messagef(ret_message, r, "Cannot remove the pod's network namespace");
        keep_first(&ret, r);
        keep_first(&ret, unpin_file(ipc));
        keep_first(&ret, unpin_file(uts));
        keep_first(&ret, unpin_file(pid)); /* the pause itself ends with the pin unit (SIGTERM) */
        r = rm_rf(dir);
        keep_first(&ret, r == -ENOENT ? 0 : r);
        if (ret < 0)
                set_messagef(ret_message, ret, "Cannot unpin the pod's namespaces");
        return ret;
}

/* The pod's address in its attachment (a bridge), as inspect shows it. */
static int attachment_ip(const NetworkContext *ctx, const char *id, char **ret) {
        _cleanup_json_ struct json_object *j = NULL;
        struct json_object *ip;
        int r;

        r = network_attachment_json(ctx, id, &j);
        if (r < 0)
                return r;
        if (!json_object_object_get_ex(j, "IPAddress", &ip) || !json_object_is_type(ip, json_type_string))
                return -ENOENT;
        *ret = strdup(json_object_get_string(ip));
        return *ret ? 0 : -ENOMEM;
}

int pod_namespaces_join(const char *state_dir, const char *run_dir, const PodSpec *s, const char *name) {
        _cleanup_(network_context_done) NetworkContext ctx = {};
        _cleanup_free_ char *hosts = NULL, *lock = NULL, *ip = NULL;
        int r;

        if (!s->id || !container_id_is_valid(s->id) || !container_name_is_valid(name))
                return -EINVAL;
        if (!(s->share & POD_SHARE_NET) || s->network == NETWORK_HOST)
                return 0; /* the members see the host's /etc/hosts */
        if (s->network == NETWORK_NONE) {
                if (asprintf(&hosts, "%s/pods/%s/etc/hosts", run_dir, s->id) < 0 ||
                    asprintf(&lock, "%s/pods/%s/.lock", run_dir, s->id) < 0)
                        return -ENOMEM;
                return pod_hosts_add_member(hosts, lock, "127.0.0.1", name);
        }
        r = network_context_init(&ctx, state_dir, run_dir);
        if (r >= 0)
                r = network_attachment_file(&ctx, s->id, "hosts", &hosts);
        if (r >= 0 && asprintf(&lock, "%s/.lock", ctx.runtime_dir) < 0) /* as network-attach.c locks */
                r = -ENOMEM;
        if (r >= 0)
                r = attachment_ip(&ctx, s->id, &ip);
        return r < 0 ? r : pod_hosts_add_member(hosts, lock, ip, name);
}

bool pod_namespaces_pinned(const char *run_dir, const char *pod_id) {
        _cleanup_free_ char *dir = NULL;
        struct stat st;

        return pod_run_dir(run_dir, pod_id, &dir) >= 0 && stat(dir, &st) >= 0 && S_ISDIR(st.st_mode);
}

int pod_namespaces_pinned_ids(const char *run_dir, char ***ret) {
        _cleanup_strv_free_ char **ids = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        _cleanup_free_ char *pods = NULL;
        struct dirent *de;
        int r;

        if (asprintf(&pods, "%s/pods", run_dir) < 0)
                return -ENOMEM;
        r = opendir_at(AT_FDCWD, pods, &d);
        if (r < 0 && r != -ENOENT)
                return r;
        while (d && (de = readdir(d)))
                if (container_id_is_valid(de->d_name) && pod_namespaces_pinned(run_dir, de->d_name) &&
                    strv_push(&ids, de->d_name) < 0)
                        return -ENOMEM;
        if (!ids && !(ids = calloc(1, sizeof(char *))))
                return -ENOMEM;
        *ret = TAKE_PTR(ids);
        return 0;
}
