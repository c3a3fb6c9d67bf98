/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * oci-config.c — see oci-config.h. The mounts follow podman's; confinement (capabilities,
 * devices, seccomp, masked paths ...) is added by oci-security.c.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "shared/bus-errors.h"
#include "shared/fileio.h"
#include "shared/oci-config.h"
#include "shared/oci-security.h"
#include "shared/util.h"
#include "shared/volume-spec.h"

static struct json_object *string_array(const char *const *l, size_t n) {
        struct json_object *a = json_object_new_array();
        for (size_t i = 0; i < n; i++)
                json_object_array_add(a, json_object_new_string(l[i]));
        return a;
}

typedef enum {
        ENTRY_ABSENT,
        ENTRY_WHITEOUT,
        ENTRY_PRESENT
} LayerEntry;

static bool is_whiteout(int fd) {
        struct stat st;
        return fstat(fd, &st) >= 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0);
}

/* What a layer has at etc/<file>, looked at without following anything: nothing (the lower layers
 * decide), a whiteout of etc or of the file or an opaque etc (hidden: no such file), or an entry of its
 * own (a file, a symlink, a FIFO...), which hides the lower layers' even when it leads nowhere. */
static LayerEntry layer_entry(int root_fd, const char *file) {
        _cleanup_close_ int etc_fd = -EBADF, fd = -EBADF;
        struct stat st;
        char v[2] = {};

        etc_fd = openat(root_fd, "etc", O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (etc_fd < 0 || fstat(etc_fd, &st) < 0)
                return ENTRY_ABSENT;
        if (is_whiteout(etc_fd))
                return ENTRY_WHITEOUT;
        if (!S_ISDIR(st.st_mode))
                return ENTRY_PRESENT;
        fd = openat(etc_fd, file, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0)
                return is_whiteout(fd) ? ENTRY_WHITEOUT : ENTRY_PRESENT;
        etc_fd = safe_close(etc_fd);
        etc_fd = openat(root_fd, "etc", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (etc_fd >= 0 && fgetxattr(etc_fd, "trusted.overlay.opaque", v, sizeof(v)) == 1 && v[0] == 'y')
                return ENTRY_WHITEOUT;
        return ENTRY_ABSENT;
}

/* Reads /etc/<file> (passwd, group) of the first root that has it. The roots are untrusted: each file is
 * read with read_file_in_root(), so symlinks and ".." stay inside that root and a FIFO or device is
 * refused. A symlink is followed inside its own layer only (not through the merged view of all layers).
 * -ENOENT when no root has it (or a whiteout hides it), another -errno (and *ret_bad set) when a file
 * cannot be read. */
static int read_db(char *const *roots, const char *file, char **ret, const char **ret_bad) {
        _cleanup_free_ char *path = NULL;
        LayerEntry e;
        int r;

        if (asprintf(&path, "/etc/%s", file) < 0)
                return -ENOMEM;
        for (char *const *root = roots; root && *root; root++) {
                _cleanup_close_ int root_fd = open(*root, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (root_fd < 0)
                        continue;
                r = read_file_in_root(root_fd, path, ROOT_FILE_MAX, ret);
                if (r >= 0)
                        return 0;
                e = layer_entry(root_fd, file);
                if (e == ENTRY_WHITEOUT)
                        return -ENOENT;
                if (r != -ENOENT && r != -ENOTDIR) {
                        if (ret_bad)
                                *ret_bad = file;
                        return r;
                }
                if (e == ENTRY_PRESENT)
                        return -ENOENT;
        }
        return -ENOENT;
}

/* Splits a passwd/group line into its first four fields (NULL where a line has fewer). */
static void db_fields(char *line, char *f[static 4]) {
        for (int i = 0; i < 4; i++)
                f[i] = line ? strsep(&line, ":") : NULL;
}

/* Finds "name" in a passwd/group style file — or, for a numeric name, the entry with that id (as docker and
 * runc's libcontainer/user do) — and returns field 2 (uid/gid), for passwd field 3 (primary gid), and the
 * entry's name. -ENOENT when there is none. */
static int lookup_db(char *const *roots, const char *file, const char *name, unsigned *ret_id,
                     unsigned *ret_gid, char **ret_name, const char **ret_bad) {
        _cleanup_free_ char *buf = NULL;
        char *line, *save = NULL;
        int r;

        r = read_db(roots, file, &buf, ret_bad);
        if (r < 0)
                return r;
        for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *f[4];
                db_fields(line, f);
                if (!f[0] || !f[2] || (!streq(f[0], name) && !streq(f[2], name)))
                        continue;
                *ret_id = (unsigned) strtoul(f[2], NULL, 10);
                if (ret_gid)
                        *ret_gid = f[3] ? (unsigned) strtoul(f[3], NULL, 10) : 0;
                if (ret_name && !(*ret_name = strdup(f[0])))
                        return -ENOMEM;
                return 0;
        }
        return -ENOENT;
}

/* The groups of /etc/group that list user as a member, besides its primary gid: the supplementary groups a
 * user of the image has (docker adds them when no group is given). A file that cannot be read gives none. */
static void add_member_groups(char *const *roots, const char *user, OciUser *u) {
        _cleanup_free_ char *buf = NULL;
        char *line, *save = NULL;

        if (read_db(roots, "group", &buf, NULL) < 0)
                return;
        for (line = strtok_r(buf, "\n", &save); line && u->n_extra_gids < ELEMENTSOF(u->extra_gids);
             line = strtok_r(NULL, "\n", &save)) {
                char *f[4], *member, *members_save = NULL;
                db_fields(line, f);
                if (!f[2] || !f[3])
                        continue;
                for (member = strtok_r(f[3], ",", &members_save); member;
                     member = strtok_r(NULL, ",", &members_save)) {
                        unsigned gid = (unsigned) strtoul(f[2], NULL, 10);
                        if (streq(member, user) && gid != u->gid) {
                                u->extra_gids[u->n_extra_gids++] = gid;
                                break;
                        }
                }
        }
}

static int parse_id(const char *s, unsigned *ret) {
        uint64_t v;
        if (safe_atou64(s, &v) < 0 || v > 0xFFFFFFFEu)
                return -EINVAL;
        *ret = (unsigned) v;
        return 0;
}

static int user_resolve(char *const *rootfs, const char *user, OciUser *ret, const char **ret_bad) {
        _cleanup_free_ char *u = strdup(user ?: "0"), *name = NULL;
        char *group;
        unsigned uid = 0, gid = 0, pgid = 0;
        int r;

        if (!u)
                return -ENOMEM;
        *ret = (OciUser){};
        group = strchr(u, ':');
        if (group)
                *group++ = 0;

        if (parse_id(u, &uid) < 0) {
                r = lookup_db(rootfs, "passwd", u, &uid, &pgid, &name, ret_bad);
                if (r < 0)
                        return r == -ENOENT ? -ESRCH : r;
                gid = pgid;
        } else if (lookup_db(rootfs, "passwd", u, &uid, &pgid, &name, NULL) >= 0)
                gid = pgid; /* a numeric uid needs no file: one that cannot be read is as good as none */
        if (group && parse_id(group, &gid) < 0) {
                r = lookup_db(rootfs, "group", group, &gid, NULL, NULL, ret_bad);
                if (r < 0)
                        return r == -ENOENT ? -ESRCH : r;
        }
        ret->uid = uid;
        ret->gid = gid;
        if (!group && name)
                add_member_groups(rootfs, name, ret);
        return 0;
}

int oci_user_resolve(char *const *rootfs, const char *user, OciUser *ret) {
        return user_resolve(rootfs, user, ret, NULL);
}

int oci_user_resolve_bus(char *const *roots, const char *user, const char *what, OciUser *ret,
                         sd_bus_error *error) {
        const char *bad = "passwd";
        int r;

        r = user_resolve(roots, user, ret, &bad);
        if (r == -ESRCH)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "User '%s' is neither numeric nor listed in the /etc/passwd of %s "
                                         "(or its group in /etc/group).",
                                         strempty(user), what);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Cannot look up user '%s': /etc/%s of %s is not usable: %s.",
                                         strempty(user), bad, what, read_file_in_root_strerror(r));
        return 0;
}

static struct json_object *mount_entry(const char *dest, const char *type, const char *source,
                                       const char *const *options, size_t n_options) {
        struct json_object *m = json_object_new_object();
        json_object_object_add(m, "destination", json_object_new_string(dest));
        json_object_object_add(m, "type", json_object_new_string(type));
        json_object_object_add(m, "source", json_object_new_string(source));
        if (n_options > 0)
                json_object_object_add(m, "options", string_array(options, n_options));
        return m;
}

/* --tmpfs DEST[:OPTIONS]: validated by container_spec_validate(); one that cannot be read is skipped. */
static void add_tmpfs_mounts(struct json_object *a, const ContainerSpec *s) {
        for (char **t = s->tmpfs; t && *t; t++) {
                _cleanup_free_ char *dest = NULL, *options = NULL;
                _cleanup_strv_free_ char **opts = NULL;

                if (tmpfs_spec_parse(*t, &dest, &options) < 0 || tmpfs_mount_options(options, &opts) < 0)
                        continue;
                json_object_array_add(a, mount_entry(dest, "tmpfs", "tmpfs", (const char *const *) opts,
                                                     strv_length(opts)));
        }
}

/* /etc/hosts, /etc/hostname, /etc/resolv.conf of a networked container (conman-netns writes them). */
static void add_network_mounts(struct json_object *a, const char *dir) {
        static const char *const files[] = { "hosts", "hostname", "resolv.conf" };
        static const char *const opts[] = { "bind", "rprivate" };

        for (size_t i = 0; dir && i < ELEMENTSOF(files); i++) {
                _cleanup_free_ char *src = NULL, *dst = NULL;
                if (asprintf(&src, "%s/%s", dir, files[i]) < 0 || asprintf(&dst, "/etc/%s", files[i]) < 0)
                        continue;
                json_object_array_add(a, mount_entry(dst, "bind", src, opts, ELEMENTSOF(opts)));
        }
}

static struct json_object *build_mounts(const ContainerSpec *s, const OciPaths *paths) {
        static const char *const proc_opts[] = { "nosuid", "noexec", "nodev" };
        static const char *const dev_opts[] = { "nosuid", "noexec", "strictatime", "mode=755",
                                                "size=65536k" };
        static const char *const pts_opts[] = { "nosuid",        "noexec",    "newinstance",
                                                "ptmxmode=0666", "mode=0620", "gid=5" };
        _cleanup_free_ char *shm_size = NULL;
        const char *shm_opts[] = { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" };
        static const char *const mq_opts[] = { "nosuid", "noexec", "nodev" };
        static const char *const sys_opts[] = { "nosuid", "noexec", "nodev", "ro" };
        size_t n_sys =
                ELEMENTSOF(sys_opts) - (s->security.privileged ? 1 : 0); /* privileged: rw, as docker */
        struct json_object *a = json_object_new_array();

        if (s->shm_size > 0 && asprintf(&shm_size, "size=%" PRIu64, s->shm_size) >= 0)
                shm_opts[ELEMENTSOF(shm_opts) - 1] = shm_size; /* --shm-size */
        json_object_array_add(a, mount_entry("/proc", "proc", "proc", proc_opts, ELEMENTSOF(proc_opts)));
        json_object_array_add(a, mount_entry("/dev", "tmpfs", "tmpfs", dev_opts, ELEMENTSOF(dev_opts)));
        json_object_array_add(a, mount_entry("/dev/pts", "devpts", "devpts", pts_opts, ELEMENTSOF(pts_opts)));
        json_object_array_add(a, mount_entry("/dev/shm", "tmpfs", "shm", shm_opts, ELEMENTSOF(shm_opts)));
        json_object_array_add(a,
                              mount_entry("/dev/mqueue", "mqueue", "mqueue", mq_opts, ELEMENTSOF(mq_opts)));
        if (s->userns == USERNS_AUTO && (s->network == NETWORK_HOST || paths->netns_path)) {
                /* sysfs can only be mounted by a user namespace that owns the network namespace; the host's
                 * and a prepared one (conman-netns) belong to the host's */
                static const char *const sys_bind_opts[] = { "rbind", "nosuid", "noexec", "nodev", "ro" };
                json_object_array_add(
                        a, mount_entry("/sys", "bind", "/sys", sys_bind_opts, ELEMENTSOF(sys_bind_opts)));
        } else
                json_object_array_add(a, mount_entry("/sys", "sysfs", "sysfs", sys_opts, n_sys));
        add_network_mounts(a, paths->network_etc_dir);
        if (s->init) { /* on /dev, a tmpfs: no mount point is made in the root filesystem */
                static const char *const init_opts[] = { "bind", "ro", "nosuid", "nodev" };
                json_object_array_add(a, mount_entry(OCI_INIT_PATH, "bind", paths->init_path, init_opts,
                                                     ELEMENTSOF(init_opts)));
        }
        for (size_t i = 0; i < s->n_volumes; i++) {
                const char *opts[] = { "rbind", s->volumes[i].read_only ? "ro" : "rw",
                                       volume_propagation_to_string(s->volumes[i].propagation)
                                               ?: "rprivate" };
                json_object_array_add(a, mount_entry(s->volumes[i].destination, "bind", s->volumes[i].source,
                                                     opts, ELEMENTSOF(opts)));
        }
        add_tmpfs_mounts(a, s);
        return a;
}

static struct json_object *build_env(const ContainerSpec *s, const char *hostname) {
        struct json_object *a = json_object_new_array();
        _cleanup_free_ char *h = NULL;
        bool have_path = false;

        for (char **e = s->env; e && *e; e++)
                if (string_has_prefix(*e, "PATH="))
                        have_path = true;
        if (!have_path)
                json_object_array_add(
                        a, json_object_new_string(
                                   "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
        if (asprintf(&h, "HOSTNAME=%s", hostname) >= 0)
                json_object_array_add(a, json_object_new_string(h));
        if (s->tty)
                json_object_array_add(a, json_object_new_string("TERM=xterm"));
        for (char **e = s->env; e && *e; e++)
                json_object_array_add(a, json_object_new_string(*e));
        return a;
}

/* The command, behind the init and "--" with --init. */
static struct json_object *build_args(const ContainerSpec *s) {
        size_t n = strv_length(s->command), k = s->init ? 2 : 0;
        _cleanup_free_ const char **argv = calloc(n + k + 1, sizeof(char *));

        if (!argv)
                return json_object_new_array();
        argv[0] = OCI_INIT_PATH;
        argv[1] = "--";
        for (size_t i = 0; i < n; i++)
                argv[k + i] = s->command[i];
        return string_array(argv, n + k);
}

/* [{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 2048}] from "nofile=1024:2048" (run-limits.h). */
static struct json_object *build_rlimits(char **ulimits) {
        struct json_object *a = json_object_new_array();

        for (char **u = ulimits; u && *u; u++) {
                _cleanup_free_ char *type = NULL;
                struct json_object *o;
                Ulimit ul;

                if (ulimit_parse(*u, &ul) < 0 || asprintf(&type, "RLIMIT_%s", ul.property + 5) < 0)
                        continue; /* "LimitNOFILE" → RLIMIT_NOFILE */
                o = json_object_new_object();
                json_object_object_add(o, "type", json_object_new_string(type));
                json_object_object_add(o, "hard", json_object_new_uint64(ul.hard));
                json_object_object_add(o, "soft", json_object_new_uint64(ul.soft));
                json_object_array_add(a, o);
        }
        return a;
}

const char *oci_init_find(void) {
        static const char *const candidates[] = { "/usr/bin/catatonit", "/usr/libexec/podman/catatonit",
                                                  "/usr/bin/tini-static", "/usr/sbin/tini-static" };

        for (size_t i = 0; i < ELEMENTSOF(candidates); i++)
                if (access(candidates[i], X_OK) >= 0)
                        return candidates[i];
        return NULL;
}

static struct json_object *build_process(const ContainerSpec *s, const OciUser *user, const char *hostname) {
        struct json_object *p = json_object_new_object(), *u = json_object_new_object();

        json_object_object_add(p, "terminal", json_object_new_boolean(s->tty));
        json_object_object_add(u, "uid", json_object_new_int64(user->uid));
        json_object_object_add(u, "gid", json_object_new_int64(user->gid));
        if (user->n_extra_gids > 0) {
                struct json_object *gids = json_object_new_array();
                for (size_t i = 0; i < user->n_extra_gids; i++)
                        json_object_array_add(gids, json_object_new_int64(user->extra_gids[i]));
                json_object_object_add(u, "additionalGids", gids);
        }
        json_object_object_add(p, "user", u);
        json_object_object_add(p, "args", build_args(s));
        json_object_object_add(p, "env", build_env(s, hostname));
        json_object_object_add(p, "cwd", json_object_new_string(s->working_dir ?: "/"));
        /* The container inherits the unit's limits (LimitNOFILE= etc., which systemd owns), but a runtime
         * written in Go raises its own soft RLIMIT_NOFILE to the hard one: --ulimit is set here too. */
        if (s->ulimits)
                json_object_object_add(p, "rlimits", build_rlimits(s->ulimits));
        return p;
}

/* A shared volume needs the container's root shared with the host (its mounts reach the source's peers), a
 * slave one at least a slave root (runc's default, made explicit); NULL: the runtime's default. As
 * containerd. */
static const char *rootfs_propagation(const ContainerSpec *s) {
        bool slave = false;

        for (size_t i = 0; i < s->n_volumes; i++) {
                if (volume_propagation_is_shared(s->volumes[i].propagation))
                        return "rshared";
                slave = slave || volume_propagation_is_slave(s->volumes[i].propagation);
        }
        return slave ? "rslave" : NULL;
}

static bool mode_is_host(const char *mode) {
        return mode && streq(mode, "host");
}

static struct json_object *build_linux(const ContainerSpec *s, const OciPaths *paths) {
        static const char *const ns_private[] = { "pid", "ipc", "uts", "mount" };
        struct json_object *l = json_object_new_object(), *ns = json_object_new_array();
        const char *propagation = rootfs_propagation(s);

        for (size_t i = 0; i < ELEMENTSOF(ns_private); i++) {
                struct json_object *n;
                const char *path = streq(ns_private[i], "ipc")   ? paths->ipc_ns_path
                                   : streq(ns_private[i], "uts") ? paths->uts_ns_path
                                   : streq(ns_private[i], "pid") ? paths->pid_ns_path
                                                                 : NULL;

                if ((paths->pid_host && streq(ns_private[i], "pid")) ||
                    (paths->ipc_host && streq(ns_private[i], "ipc")) ||
                    (mode_is_host(s->uts_mode) && streq(ns_private[i], "uts")))
                        continue; /* the host's */
                n = json_object_new_object();
                json_object_object_add(n, "type", json_object_new_string(ns_private[i]));
                if (path) /* a pod's pinned namespace (pod-spec.h) */
                        json_object_object_add(n, "path", json_object_new_string(path));
                json_object_array_add(ns, n);
        }
        if (s->network != NETWORK_HOST) {
                struct json_object *n = json_object_new_object();
                json_object_object_add(n, "type", json_object_new_string("network"));
                if (paths->netns_path)
                        json_object_object_add(n, "path", json_object_new_string(paths->netns_path));
                json_object_array_add(ns, n);
        }
        if (s->cgroupns_mode && streq(s->cgroupns_mode, "private")) {
                struct json_object *n = json_object_new_object();
                json_object_object_add(n, "type", json_object_new_string("cgroup"));
                json_object_array_add(ns, n);
        }
        if (s->userns == USERNS_AUTO)
                userns_oci_add(l, ns, &s->userns_range);
        json_object_object_add(l, "namespaces", ns);
        if (propagation)
                json_object_object_add(l, "rootfsPropagation", json_object_new_string(propagation));
        if (paths->cgroups_path)
                json_object_object_add(l, "cgroupsPath", json_object_new_string(paths->cgroups_path));
        return l;
}

/* The container's annotations ("key=value"), as the OCI runtime spec's string map. */
static void add_annotations(struct json_object *c, char *const *annotations) {
        struct json_object *o;

        if (!annotations)
                return;
        o = json_object_new_object();
        for (char *const *a = annotations; *a; a++) {
                _cleanup_free_ char *k = strndup(*a, strcspn(*a, "="));
                if (k && (*a)[strlen(k)] == '=')
                        json_object_object_add(o, k, json_object_new_string(*a + strlen(k) + 1));
        }
        json_object_object_add(c, "annotations", o);
}

int oci_config_build(const ContainerSpec *s, const char *id, const OciPaths *paths, struct json_object **ret,
                     sd_bus_error *error) {
        _cleanup_json_ struct json_object *c = NULL;
        struct json_object *root;
        const char *hostname;
        char short_id[13];
        OciPaths with_init;
        OciUser user;
        OciHost host;
        int r;

        r = oci_user_resolve_bus(paths->user_roots, s->user, "the root filesystem", &user, error);
        if (r < 0)
                return r;
        if (s->init && !paths->init_path) {
                with_init = *paths;
                with_init.init_path = oci_init_find();
                if (!with_init.init_path)
                        return sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                                "--init needs a static init on the host: install catatonit "
                                                "(or tini, for /usr/bin/tini-static).");
                paths = &with_init;
        }

        snprintf(short_id, sizeof(short_id), "%.12s", id);
        c = json_object_new_object();
        json_object_object_add(c, "ociVersion", json_object_new_string("1.0.2"));
        hostname = paths->uts_ns_path && paths->pod_hostname ? paths->pod_hostname : s->hostname ?: short_id;
        json_object_object_add(c, "process", build_process(s, &user, hostname));
        root = json_object_new_object();
        json_object_object_add(root, "path", json_object_new_string(paths->root));
        json_object_object_add(root, "readonly", json_object_new_boolean(s->read_only));
        json_object_object_add(c, "root", root);
        /* in a pod's UTS namespace (or the host's) the runtime must not set a host name: it would be the
         * whole pod's (the host's) */
        if (!paths->uts_ns_path && !mode_is_host(s->uts_mode))
                json_object_object_add(c, "hostname", json_object_new_string(hostname));
        if (!paths->uts_ns_path && !mode_is_host(s->uts_mode) && s->domainname)
                json_object_object_add(c, "domainname", json_object_new_string(s->domainname));
        json_object_object_add(c, "mounts", build_mounts(s, paths));
        json_object_object_add(c, "linux", build_linux(s, paths));
        add_annotations(c, s->annotations);
        if (!paths->host)
                oci_host_detect(&host);
        r = oci_security_apply(s, paths->host ?: &host, paths->user_roots, c, error);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(c);
        return 0;
}

/* Undoes mountinfo's octal escapes (\040 for a space, ...) in place. */
static void mountinfo_unescape(char *p) {
        char *w = p;

        for (; *p; p++, w++) {
                if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' &&
                    p[3] <= '7') {
                        *w = (char) ((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
                        p += 3;
                } else
                        *w = *p;
        }
        *w = '\0';
}

static bool path_is_under(const char *path, const char *mount_point) {
        size_t n = strlen(mount_point);

        if (streq(mount_point, "/"))
                return true;
        return strneq(path, mount_point, n) && (path[n] == '\0' || path[n] == '/');
}

int oci_mount_propagation_of(const char *mountinfo, const char *path, uint64_t mount_id,
                             char **ret_mount_point, bool *ret_shared, bool *ret_slave) {
        _cleanup_fclose_ FILE *f = fopen(mountinfo, "re");
        _cleanup_free_ char *line = NULL, *best = NULL;
        bool shared = false, slave = false;
        size_t size = 0;

        if (!f)
                return negative_errno();
        while (getline(&line, &size, f) > 0) {
                char *save = NULL, *field, *mount_point = NULL;
                bool sh = false, sl = false;

                /* ID PARENT MAJ:MIN ROOT MOUNT-POINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER-OPTIONS */
                field = strtok_r(line, " \n", &save);
                if (!field || (mount_id > 0 && strtoull(field, NULL, 10) != mount_id))
                        continue;
                for (int i = 1; field && !streq(field, "-"); i++, field = strtok_r(NULL, " \n", &save)) {
                        if (i == 5)
                                mount_point = field;
                        else if (i > 6) {
                                sh = sh || string_has_prefix(field, "shared:");
                                sl = sl || string_has_prefix(field, "master:");
                        }
                }
                if (!mount_point)
                        continue;
                mountinfo_unescape(mount_point);
                /* by id; without one the longest mount point above path (of equal ones the last, usually the
                 * one on top) */
                if (mount_id == 0 &&
                    (!path_is_under(path, mount_point) || (best && strlen(mount_point) < strlen(best))))
                        continue;
                if (free_and_strdup(&best, mount_point) < 0)
                        return -ENOMEM;
                shared = sh;
                slave = sl;
        }
        if (!best)
                return -ENOENT;
        if (ret_mount_point)
                *ret_mount_point = TAKE_PTR(best);
        *ret_shared = shared;
        *ret_slave = slave;
        return 0;
}

int oci_check_volume_propagation(const ContainerSpec *s, const char *mountinfo, sd_bus_error *error) {
        bool mountinfo_is_ours = streq(mountinfo, "/proc/self/mountinfo");

        for (size_t i = 0; i < s->n_volumes; i++) {
                const VolumeSpec *v = &s->volumes[i];
                bool want_shared = volume_propagation_is_shared(v->propagation), shared, slave;
                struct statx stx;
                uint64_t mount_id = 0;
                _cleanup_free_ char *real = NULL, *mount_point = NULL;
                int r;

                if (!want_shared && !volume_propagation_is_slave(v->propagation))
                        continue;
                real = realpath(v->source, NULL);
                /* the mount path is on, by its id: a path can be under several mounts, the others hidden */
                if (mountinfo_is_ours && statx(AT_FDCWD, real ?: v->source, 0, STATX_MNT_ID, &stx) >= 0 &&
                    (stx.stx_mask & STATX_MNT_ID))
                        mount_id = stx.stx_mnt_id;
                r = oci_mount_propagation_of(mountinfo, real ?: v->source, mount_id, &mount_point, &shared,
                                             &slave);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                                 "Cannot find the mount of volume source '%s' in %s: %s.",
                                                 v->source, mountinfo, strerror(-r));
                if (!shared && (want_shared || !slave))
                        return sd_bus_error_setf(
                                error, CONMAN_ERROR_INVALID_ARGUMENT,
                                "Volume source '%s' is on mount '%s', which is not a shared%s mount, so '%s' "
                                "propagation cannot work: make it one (mount --make-%s %s).",
                                v->source, mount_point, want_shared ? "" : " or slave",
                                volume_propagation_to_string(v->propagation),
                                want_shared ? "rshared" : "rslave", mount_point);
        }
        return 0;
}
