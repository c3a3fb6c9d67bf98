/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * oci-security.c — see oci-security.h.
 */
#include <dirent.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>

#include "shared/bus-errors.h"
#include "shared/capabilities.h"
#include "shared/json-util.h"
#include "shared/oci-config.h"
#include "shared/oci-security.h"
#include "shared/seccomp.h"
#include "shared/util.h"

/* podman 4.3's lists */
static const char *const masked_paths[] = {
        "/proc/acpi",       "/proc/kcore",       "/proc/keys",        "/proc/latency_stats",
        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
        "/sys/firmware",    "/sys/fs/selinux",   "/sys/dev/block",
};

static const char *const readonly_paths[] = {
        "/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

/* docker's default device cgroup rules after deny-all: mknod of anything (CAP_MKNOD decides), and the
 * nodes every container has. */
static const struct {
        char type;
        int major, minor; /* -1: any */
        const char *access;
} default_device_rules[] = {
        { 'c', -1, -1, "m" },    { 'b', -1, -1, "m" }, { 'c', 1, 3, "rwm" }, /* null */
        { 'c', 1, 8, "rwm" },                                                /* random */
        { 'c', 1, 7, "rwm" },                                                /* full */
        { 'c', 5, 0, "rwm" },                                                /* tty */
        { 'c', 1, 5, "rwm" },                                                /* zero */
        { 'c', 1, 9, "rwm" },                                                /* urandom */
        { 'c', 136, -1, "rwm" },                                             /* pts/N */
        { 'c', 5, 2, "rwm" },                                                /* ptmx */
        { 'c', 10, 200, "rwm" },                                             /* net/tun */
};

void oci_host_detect(OciHost *ret) {
        static struct utsname u;
        struct statfs sfs;

        if (uname(&u) < 0)
                strcpy(u.machine, "unknown");
        *ret = (OciHost){
                .machine = u.machine,
                .cap_all = capability_available(),
                .cgroup2 = statfs("/sys/fs/cgroup", &sfs) >= 0 && sfs.f_type == CGROUP2_SUPER_MAGIC,
                .dev_dir = "/dev",
        };
}

uint64_t oci_security_capabilities(const ContainerSpec *s, uint64_t cap_all) {
        return capability_set_compute(s->security.privileged, s->security.cap_add, s->security.cap_drop,
                                      cap_all);
}

static struct json_object *string_array(const char *const *l, size_t n) {
        struct json_object *a = json_object_new_array();
        for (size_t i = 0; i < n; i++)
                json_object_array_add(a, json_object_new_string(l[i]));
        return a;
}

static struct json_object *device_rule(bool allow, char type, int major, int minor, const char *access) {
        struct json_object *r = json_object_new_object();
        char t[2] = { type, 0 };

        json_object_object_add(r, "allow", json_object_new_boolean(allow));
        if (type != 'a')
                json_object_object_add(r, "type", json_object_new_string(t));
        if (major >= 0)
                json_object_object_add(r, "major", json_object_new_int64(major));
        if (minor >= 0)
                json_object_object_add(r, "minor", json_object_new_int64(minor));
        json_object_object_add(r, "access", json_object_new_string(access));
        return r;
}

static struct json_object *device_node(const char *path, const struct stat *st) {
        struct json_object *d = json_object_new_object();

        json_object_object_add(d, "path", json_object_new_string(path));
        json_object_object_add(d, "type", json_object_new_string(S_ISBLK(st->st_mode) ? "b" : "c"));
        json_object_object_add(d, "major", json_object_new_int64(major(st->st_rdev)));
        json_object_object_add(d, "minor", json_object_new_int64(minor(st->st_rdev)));
        json_object_object_add(d, "fileMode", json_object_new_int64(st->st_mode & 07777));
        json_object_object_add(d, "uid", json_object_new_int64(st->st_uid));
        json_object_object_add(d, "gid", json_object_new_int64(st->st_gid));
        return d;
}

/* --privileged: every device node directly in the host's /dev, except those the runtime makes itself. */
static void add_host_devices(const char *dev_dir, struct json_object *nodes) {
        static const char *const own[] = { "null",    "zero", "full", "random",
                                           "urandom", "tty",  "ptmx", "console" };
        _cleanup_closedir_ DIR *d = opendir(dev_dir);
        struct dirent *de;
        size_t n = 0;

        while (d && (de = readdir(d)) && n < 1024) {
                _cleanup_free_ char *path = NULL;
                struct stat st;
                bool skip = false;

                for (size_t i = 0; i < ELEMENTSOF(own); i++)
                        skip = skip || streq(de->d_name, own[i]);
                if (skip || asprintf(&path, "%s/%s", dev_dir, de->d_name) < 0)
                        continue;
                if (lstat(path, &st) < 0 || (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)))
                        continue;
                free(path);
                path = NULL;
                if (asprintf(&path, "/dev/%s", de->d_name) < 0)
                        continue;
                json_object_array_add(nodes, device_node(path, &st));
                n++;
        }
}

static int add_devices(const ContainerSpec *s, const OciHost *h, struct json_object *linux_,
                       sd_bus_error *error) {
        struct json_object *rules = json_object_new_array(), *nodes = json_object_new_array(), *res;

        if (!json_object_object_get_ex(linux_, "resources", &res)) {
                res = json_object_new_object();
                json_object_object_add(linux_, "resources", res);
        }
        json_object_object_add(res, "devices", rules);
        json_object_object_add(linux_, "devices", nodes);
        if (s->security.privileged) {
                json_object_array_add(rules, device_rule(true, 'a', -1, -1, "rwm"));
                add_host_devices(h->dev_dir, nodes);
        } else {
                json_object_array_add(rules, device_rule(false, 'a', -1, -1, "rwm"));
                for (size_t i = 0; i < ELEMENTSOF(default_device_rules); i++)
                        json_object_array_add(rules, device_rule(true, default_device_rules[i].type,
                                                                 default_device_rules[i].major,
                                                                 default_device_rules[i].minor,
                                                                 default_device_rules[i].access));
        }
        for (char **dv = s->security.devices; dv && *dv; dv++) {
                _cleanup_(device_spec_done) DeviceSpec d = {};
                struct stat st;

                if (device_spec_parse(*dv, &d) < 0 || stat(d.host, &st) < 0 ||
                    (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)))
                        return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                                 "Device %s is no longer a device node on the host.", *dv);
                json_object_array_add(nodes, device_node(d.container, &st));
                json_object_array_add(rules, device_rule(true, S_ISBLK(st.st_mode) ? 'b' : 'c',
                                                         (int) major(st.st_rdev), (int) minor(st.st_rdev),
                                                         d.permissions));
        }
        return 0;
}

static int add_seccomp(const ContainerSpec *s, const OciHost *h, uint64_t caps, struct json_object *linux_,
                       sd_bus_error *error) {
        _cleanup_json_ struct json_object *profile = NULL;
        struct json_object *out;
        const char *p = s->security.seccomp_profile;
        int r;

        if (s->security.privileged || (p && streq(p, "unconfined")))
                return 0;
        if (p)
                r = seccomp_profile_load(p, &profile, error);
        else
                r = seccomp_default_profile(h->machine, &profile);
        if (r == -EOPNOTSUPP)
                return 0; /* no default profile for this architecture: docs/security.md */
        if (r < 0)
                return r;
        r = seccomp_compose(profile, h->machine, caps, NULL, &out);
        if (r < 0)
                return r;
        json_object_object_add(linux_, "seccomp", out);
        return 0;
}

/* The sysctls a container gets: ICMP echo without CAP_NET_RAW (ping uses datagram sockets) for every
 * group, as docker does, then the user's. A container in a user namespace can set it only in a network
 * namespace its user namespace owns (--network none), and name only its mapped groups there; the
 * bridge's namespace (made by conman-netns) belongs to the host's. */
static struct json_object *sysctls_json(const ContainerSpec *s) {
        struct json_object *o = json_object_new_object();
        char range[32];

        if (s->userns == USERNS_AUTO) {
                if (s->network == NETWORK_NONE && s->userns_range.size > 0) {
                        snprintf(range, sizeof(range), "0 %" PRIu32, s->userns_range.size - 1);
                        json_object_object_add(o, "net.ipv4.ping_group_range", json_object_new_string(range));
                }
        } else if (s->network != NETWORK_HOST)
                json_object_object_add(o, "net.ipv4.ping_group_range",
                                       json_object_new_string("0 2147483647"));
        for (char **l = s->security.sysctls; l && *l; l++) {
                _cleanup_free_ char *k = strndup(*l, strcspn(*l, "="));
                if (k && strchr(*l, '='))
                        json_object_object_add(o, k, json_object_new_string(strchr(*l, '=') + 1));
        }
        return o;
}

static void add_sysctls(const ContainerSpec *s, struct json_object *linux_) {
        struct json_object *o = sysctls_json(s);

        if (json_object_object_length(o) > 0)
                json_object_object_add(linux_, "sysctl", o);
        else
                json_object_put(o);
}

static int add_process(const ContainerSpec *s, uint64_t caps, char *const *roots, struct json_object *process,
                       sd_bus_error *error) {
        struct json_object *c = json_object_new_object(), *user, *gids;
        const char *const sets[] = { "bounding", "effective", "permitted" };

        for (size_t i = 0; i < ELEMENTSOF(sets); i++)
                json_object_object_add(c, sets[i], capability_set_to_json(caps));
        json_object_object_add(process, "capabilities", c);
        json_object_object_add(process, "noNewPrivileges",
                               json_object_new_boolean(s->security.no_new_privileges));
        if (s->security.apparmor_profile && !streq(s->security.apparmor_profile, "unconfined") &&
            !s->security.privileged)
                json_object_object_add(process, "apparmorProfile",
                                       json_object_new_string(s->security.apparmor_profile));
        if (!s->security.group_add || !json_object_object_get_ex(process, "user", &user))
                return 0;
        if (!json_object_object_get_ex(user, "additionalGids", &gids)) { /* the image's own groups go first */
                gids = json_object_new_array();
                json_object_object_add(user, "additionalGids", gids);
        }
        for (char **g = s->security.group_add; *g; g++) {
                _cleanup_free_ char *spec = NULL;
                OciUser u;
                if (asprintf(&spec, "0:%s", *g) < 0)
                        return -ENOMEM;
                if (oci_user_resolve(roots, spec, &u) < 0)
                        return sd_bus_error_setf(
                                error, CONMAN_ERROR_INVALID_ARGUMENT,
                                "Group '%s' is neither numeric nor listed in the root filesystem's "
                                "/etc/group.",
                                *g);
                json_object_array_add(gids, json_object_new_int64(u.gid));
        }
        return 0;
}

/* The defaults (podman's), or the lists given (CRI gives them whole); none for a privileged container. */
static void add_masked_paths(const SecuritySpec *sec, struct json_object *linux_) {
        if (sec->privileged)
                return;
        json_object_object_add(linux_, "maskedPaths",
                               sec->has_masked_paths ? json_strv_new(sec->masked_paths)
                                                     : string_array(masked_paths, ELEMENTSOF(masked_paths)));
        json_object_object_add(linux_, "readonlyPaths",
                               sec->has_readonly_paths
                                       ? json_strv_new(sec->readonly_paths)
                                       : string_array(readonly_paths, ELEMENTSOF(readonly_paths)));
}

/* A negative value needs CAP_SYS_RESOURCE, which a host (this VM) may lack: then 0, or the runtime would
 * fail to start the container (issue 16: "treat a refused negative oom_score_adj gracefully"). */
static void add_oom_score_adj(const SecuritySpec *sec, const OciHost *h, struct json_object *process) {
        int v = sec->oom_score_adj;

        if (!sec->has_oom_score_adj)
                return;
        if (v < 0 && !(h->cap_all & (UINT64_C(1) << CAP_SYS_RESOURCE)))
                v = 0;
        json_object_object_add(process, "oomScoreAdj", json_object_new_int(v));
}

int oci_security_apply(const ContainerSpec *s, const OciHost *h, char *const *roots,
                       struct json_object *config, sd_bus_error *error) {
        struct json_object *process = json_object_object_get(config, "process"),
                           *linux_ = json_object_object_get(config, "linux"), *ns;
        uint64_t caps = oci_security_capabilities(s, h->cap_all);
        int r;

        r = add_process(s, caps, roots, process, error);
        if (r >= 0)
                r = add_devices(s, h, linux_, error);
        if (r >= 0)
                r = add_seccomp(s, h, caps, linux_, error);
        if (r < 0)
                return r;
        add_sysctls(s, linux_);
        add_masked_paths(&s->security, linux_);
        add_oom_score_adj(&s->security, h, process);
        if (h->cgroup2 && json_object_object_get_ex(linux_, "namespaces", &ns)) {
                struct json_object *n = json_object_new_object();
                json_object_object_add(n, "type", json_object_new_string("cgroup"));
                json_object_array_add(ns, n);
        }
        return 0;
}

struct json_object *oci_security_describe(const ContainerSpec *s) {
        struct json_object *o = json_object_new_object(), *opts = json_object_new_array();
        const SecuritySpec *sec = &s->security;

        json_object_object_add(o, "Privileged", json_object_new_boolean(sec->privileged));
        json_object_object_add(o, "CapAdd", capability_set_to_json(0));
        for (char **c = sec->cap_add; c && *c; c++)
                json_object_array_add(json_object_object_get(o, "CapAdd"), json_object_new_string(*c));
        json_object_object_add(o, "CapDrop", json_object_new_array());
        for (char **c = sec->cap_drop; c && *c; c++)
                json_object_array_add(json_object_object_get(o, "CapDrop"), json_object_new_string(*c));
        json_object_object_add(o, "Capabilities",
                               capability_set_to_json(oci_security_capabilities(s, capability_available())));
        json_object_object_add(o, "Seccomp",
                               json_object_new_string(sec->privileged ? "unconfined" : sec->seccomp_profile ?: "default"));
        json_object_object_add(o, "NoNewPrivileges", json_object_new_boolean(sec->no_new_privileges));
        json_object_object_add(o, "AppArmorProfile", json_object_new_string(sec->apparmor_profile ?: ""));
        json_object_object_add(o, "Devices", json_object_new_array());
        for (char **d = sec->devices; d && *d; d++)
                json_object_array_add(json_object_object_get(o, "Devices"), json_object_new_string(*d));
        json_object_object_add(
                o, "DeviceCgroup",
                json_object_new_string(sec->privileged ? "allow all" : "deny all but the defaults"));
        json_object_object_add(o, "Sysctls", sysctls_json(s));
        json_object_object_add(o, "GroupAdd", json_object_new_array());
        for (char **g = sec->group_add; g && *g; g++)
                json_object_array_add(json_object_object_get(o, "GroupAdd"), json_object_new_string(*g));
        if (sec->no_new_privileges)
                json_object_array_add(opts, json_object_new_string("no-new-privileges"));
        if (sec->seccomp_profile) {
                _cleanup_free_ char *x = NULL;
                if (asprintf(&x, "seccomp=%s", sec->seccomp_profile) >= 0)
                        json_object_array_add(opts, json_object_new_string(x));
        }
        json_object_object_add(o, "SecurityOpt", opts);
        return o;
}
