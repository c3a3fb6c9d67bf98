/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-oci-config.c — the config.json a ContainerSpec becomes; users resolved from the rootfs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <cmocka.h>

#include "shared/fileio.h"
#include "shared/oci-config.h"
#include "shared/oci-process.h"
#include "shared/oci-security.h"
#include "shared/util.h"

static char root[] = "/tmp/test-oci-config.XXXXXX";

static int setup(void **state) {
        _cleanup_free_ char *etc = NULL, *passwd = NULL, *group = NULL;
        const char *p = "root:x:0:0:root:/root:/bin/sh\nwww:x:33:44:www:/var/www:/bin/false\n";
        const char *g = "root:x:0:\nstaff:x:50:\nwheel:x:10:root,www\nweb:x:44:www\nadm:x:4:wwwx\n";

        assert_non_null(mkdtemp(root));
        assert_true(asprintf(&etc, "%s/etc", root) > 0);
        assert_int_equal(mkdir(etc, 0755), 0);
        assert_true(asprintf(&passwd, "%s/passwd", etc) > 0);
        assert_true(asprintf(&group, "%s/group", etc) > 0);
        assert_int_equal(write_file_atomic(passwd, p, strlen(p), 0644), 0);
        assert_int_equal(write_file_atomic(group, g, strlen(g), 0644), 0);
        return 0;
}

static int teardown(void **state) {
        return rm_rf(root);
}

static void test_user_resolve(void **state) {
        char *roots[] = { root, NULL };
        OciUser u;
        assert_int_equal(oci_user_resolve(roots, "www", &u), 0);
        assert_int_equal(u.uid, 33);
        assert_int_equal(u.gid, 44);
        assert_int_equal(oci_user_resolve(roots, "www:staff", &u), 0);
        assert_int_equal(u.gid, 50);
        assert_int_equal(oci_user_resolve(roots, "1000:1000", &u), 0);
        assert_int_equal(u.uid, 1000);
        assert_int_equal(u.gid, 1000);
        assert_int_equal(oci_user_resolve(roots, "nobody", &u), -ESRCH);
        assert_int_equal(oci_user_resolve(roots, "www:nogroup", &u), -ESRCH);
}

/* docker's rules: a numeric uid finds its entry (primary gid, name), and without a group the user gets the
 * groups that list it (not its primary group twice, not a group listing a longer name). */
static void test_user_groups(void **state) {
        char *roots[] = { root, NULL };
        OciUser u;

        assert_int_equal(oci_user_resolve(roots, "33", &u), 0);
        assert_int_equal(u.uid, 33);
        assert_int_equal(u.gid, 44);
        assert_int_equal(u.n_extra_gids, 1);
        assert_int_equal(u.extra_gids[0], 10);
        assert_int_equal(oci_user_resolve(roots, "www", &u), 0);
        assert_int_equal(u.n_extra_gids, 1);
        assert_int_equal(oci_user_resolve(roots, "www:staff", &u), 0);
        assert_int_equal(u.gid, 50);
        assert_int_equal(u.n_extra_gids, 0);
        assert_int_equal(oci_user_resolve(roots, "4242", &u), 0);
        assert_int_equal(u.gid, 0);
        assert_int_equal(u.n_extra_gids, 0);
}

/* Layers top-down: an empty upper layer falls through to the lower one, a FIFO in the upper one is an
 * error (never a blocked daemon, never the lower file), a whiteout hides the lower file. */
static void test_user_resolve_layers(void **state) {
        char upper[] = "/tmp/test-oci-config-upper.XXXXXX";
        _cleanup_free_ char *etc = NULL, *passwd = NULL;
        char *roots[] = { upper, root, NULL };
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        OciUser u;

        assert_non_null(mkdtemp(upper));
        assert_int_equal(oci_user_resolve(roots, "www", &u), 0);
        assert_int_equal(u.uid, 33);
        assert_true(asprintf(&etc, "%s/etc", upper) > 0);
        assert_true(asprintf(&passwd, "%s/etc/passwd", upper) > 0);
        assert_int_equal(mkdir(etc, 0755), 0);
        assert_int_equal(mkfifo(passwd, 0644), 0);
        alarm(5);
        assert_int_equal(oci_user_resolve(roots, "www", &u), -EBADFD);
        assert_true(oci_user_resolve_bus(roots, "www", "container web", &u, &error) < 0);
        alarm(0);
        assert_non_null(strstr(error.message, "/etc/passwd of container web"));
        assert_non_null(strstr(error.message, "not a regular file"));
        assert_int_equal(unlink(passwd), 0);
        if (geteuid() == 0) { /* a whiteout is a character device 0:0 */
                assert_int_equal(mknod(passwd, S_IFCHR | 0000, makedev(0, 0)), 0);
                assert_int_equal(oci_user_resolve(roots, "www", &u), -ESRCH);
                assert_int_equal(unlink(passwd), 0);
        }
        /* an absolute symlink resolves inside its layer, never on the host; leading nowhere there, it still
         * hides the lower layer's file, as in the mounted overlay */
        assert_int_equal(symlink("/etc/hostname", passwd), 0);
        assert_int_equal(oci_user_resolve(roots, "root", &u), -ESRCH);
        assert_int_equal(unlink(passwd), 0);
        assert_int_equal(symlink("/etc/passwd.real", passwd), 0);
        {
                _cleanup_free_ char *real = NULL;
                assert_true(asprintf(&real, "%s/etc/passwd.real", upper) > 0);
                assert_int_equal(write_file_atomic(real, "inimage:x:777:778::/:/bin/sh\n", 29, 0644), 0);
        }
        assert_int_equal(oci_user_resolve(roots, "inimage", &u), 0);
        assert_int_equal(u.uid, 777);
        assert_int_equal(u.gid, 778);
        assert_int_equal(rm_rf(upper), 0);
}

static struct json_object *get(struct json_object *o, const char *path) {
        _cleanup_free_ char *p = strdup(path);
        char *save = NULL;
        for (char *t = strtok_r(p, ".", &save); t && o; t = strtok_r(NULL, ".", &save))
                if (!json_object_object_get_ex(o, t, &o))
                        return NULL;
        return o;
}

static void test_build(void **state) {
        char *roots[] = { root, NULL };
        struct json_object *c = NULL, *ns, *mounts;
        sd_bus_error e = SD_BUS_ERROR_NULL;
        ContainerSpec s;
        bool have_net = false, have_volume = false;

        container_spec_init(&s);
        s.rootfs = strdup(root);
        s.user = strdup("www");
        s.read_only = true;
        assert_int_equal(strv_push(&s.command, "/bin/sh"), 0);
        assert_int_equal(strv_push(&s.env, "A=b"), 0);
        s.volumes = calloc(1, sizeof(VolumeSpec));
        s.n_volumes = 1;
        s.volumes[0] = (VolumeSpec){ strdup("/tmp"), strdup("/data"), true };
        OciPaths paths = { .root = root,
                           .user_roots = roots,
                           .cgroups_path = "/conman.slice/x/container",
                           .netns_path = "/run/netns/conman-1" };
        assert_int_equal(oci_config_build(&s, "0123456789abcdef", &paths, &c, &e), 0);
        assert_string_equal(json_object_get_string(get(c, "root.path")), root);
        assert_true(json_object_get_boolean(get(c, "root.readonly")));
        assert_int_equal(json_object_get_int(get(c, "process.user.uid")), 33);
        assert_string_equal(json_object_get_string(get(c, "hostname")), "0123456789ab");
        assert_string_equal(json_object_get_string(get(c, "linux.cgroupsPath")), "/conman.slice/x/container");
        /* limits are systemd's: resources only holds the device cgroup rules */
        assert_int_equal(json_object_object_length(get(c, "linux.resources")), 1);
        assert_non_null(get(c, "linux.resources.devices"));
        assert_null(get(c, "process.rlimits")); /* inherited from the unit */
        ns = get(c, "linux.namespaces");
        for (size_t i = 0; i < json_object_array_length(ns); i++) {
                struct json_object *n = json_object_array_get_idx(ns, i);
                if (streq(json_object_get_string(get(n, "type")), "network")) {
                        have_net = true;
                        assert_string_equal(json_object_get_string(get(n, "path")), "/run/netns/conman-1");
                }
        }
        assert_true(have_net);
        mounts = get(c, "mounts");
        for (size_t i = 0; i < json_object_array_length(mounts); i++) {
                struct json_object *m = json_object_array_get_idx(mounts, i);
                if (streq(json_object_get_string(get(m, "destination")), "/data")) {
                        have_volume = true;
                        assert_string_equal(json_object_get_string(get(m, "source")), "/tmp");
                        assert_string_equal(json_object_to_json_string(get(m, "options")),
                                            "[ \"rbind\", \"ro\", \"rprivate\" ]");
                }
        }
        assert_true(have_volume);
        json_object_put(c);

        free(s.user);
        s.user = strdup("ghost");
        assert_true(oci_config_build(&s, "0123456789abcdef", &paths, &c, &e) < 0);
        assert_string_equal(e.name, "io.conman1.Error.InvalidArgument");
        sd_bus_error_free(&e);
        container_spec_done(&s);
}

/* The CRI's pieces: annotations, the lists of masked and read-only paths given whole, OomScoreAdj (0 for a
 * negative value on a host without CAP_SYS_RESOURCE), a pod's PID namespace by path, the host's IPC. */
static void test_cri_options(void **state) {
        char *roots[] = { root, NULL };
        struct json_object *c = NULL, *ns;
        sd_bus_error e = SD_BUS_ERROR_NULL;
        OciHost host = { .machine = "x86_64", .cap_all = UINT64_C(1) << 21, .dev_dir = "/dev" };
        bool have_pid = false, have_ipc = false;
        ContainerSpec s;

        container_spec_init(&s);
        s.rootfs = strdup(root);
        assert_int_equal(strv_push(&s.command, "/bin/sh"), 0);
        assert_int_equal(strv_push(&s.annotations, "sandbox-id=a=b"), 0);
        s.security.has_masked_paths = true; /* given empty: nothing masked */
        s.security.has_readonly_paths = true;
        assert_int_equal(strv_push(&s.security.readonly_paths, "/proc/sys"), 0);
        s.security.has_oom_score_adj = true;
        s.security.oom_score_adj = -998;
        OciPaths paths = { .root = root,
                           .user_roots = roots,
                           .host = &host,
                           .pid_ns_path = "/run/conman/pods/x/pid",
                           .ipc_host = true };
        assert_int_equal(oci_config_build(&s, "0123456789abcdef", &paths, &c, &e), 0);
        assert_string_equal(json_object_get_string(get(c, "annotations.sandbox-id")), "a=b");
        assert_int_equal(json_object_array_length(get(c, "linux.maskedPaths")), 0);
        assert_string_equal(json_object_to_json_string(get(c, "linux.readonlyPaths")),
                            "[ \"\\/proc\\/sys\" ]");
        assert_int_equal(json_object_get_int(get(c, "process.oomScoreAdj")),
                         0); /* no CAP_SYS_RESOURCE (24) */
        ns = get(c, "linux.namespaces");
        for (size_t i = 0; i < json_object_array_length(ns); i++) {
                struct json_object *n = json_object_array_get_idx(ns, i);
                const char *t = json_object_get_string(get(n, "type"));
                if (streq(t, "pid")) {
                        have_pid = true;
                        assert_string_equal(json_object_get_string(get(n, "path")), "/run/conman/pods/x/pid");
                }
                have_ipc = have_ipc || streq(t, "ipc");
        }
        assert_true(have_pid);
        assert_false(have_ipc);
        json_object_put(c);
        host.cap_all |= UINT64_C(1) << 24;
        assert_int_equal(oci_config_build(&s, "0123456789abcdef", &paths, &c, &e), 0);
        assert_int_equal(json_object_get_int(get(c, "process.oomScoreAdj")), -998);
        json_object_put(c);
        container_spec_done(&s);
}

/* The mount of dest in config.json, or NULL. */
static struct json_object *mount_of(struct json_object *c, const char *dest) {
        struct json_object *a = get(c, "mounts");

        for (size_t i = 0; i < json_object_array_length(a); i++)
                if (streq(json_object_get_string(get(json_object_array_get_idx(a, i), "destination")), dest))
                        return json_object_array_get_idx(a, i);
        return NULL;
}

/* --shm-size sizes /dev/shm; --ulimit is in process.rlimits; --init binds the host's init read-only to
 * /dev/init in front of the command. */
static void test_shm_size_and_init(void **state) {
        char *roots[] = { root, NULL };
        struct json_object *c = NULL, *m;
        sd_bus_error e = SD_BUS_ERROR_NULL;
        ContainerSpec s;

        container_spec_init(&s);
        s.rootfs = strdup(root);
        assert_int_equal(strv_push(&s.command, "sh"), 0);
        assert_int_equal(strv_push(&s.command, "-c"), 0);
        assert_int_equal(strv_push(&s.command, "sleep 100"), 0);
        s.shm_size = 128 * 1024 * 1024;
        s.init = true;
        assert_int_equal(strv_push(&s.ulimits, "nofile=1024:2048"), 0);
        OciPaths paths = { .root = root, .user_roots = roots, .init_path = "/usr/bin/catatonit" };
        assert_int_equal(oci_config_build(&s, "0123456789abcdef", &paths, &c, &e), 0);
        m = mount_of(c, "/dev/shm");
        assert_non_null(m);
        assert_string_equal(json_object_to_json_string(get(m, "options")),
                            "[ \"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=134217728\" ]");
        m = mount_of(c, "/dev/init");
        assert_non_null(m);
        assert_string_equal(json_object_get_string(get(m, "source")), "/usr/bin/catatonit");
        assert_string_equal(json_object_to_json_string(get(m, "options")),
                            "[ \"bind\", \"ro\", \"nosuid\", \"nodev\" ]");
        assert_string_equal(json_object_to_json_string(get(c, "process.args")),
                            "[ \"\\/dev\\/init\", \"--\", \"sh\", \"-c\", \"sleep 100\" ]");
        assert_string_equal(json_object_to_json_string(get(c, "process.rlimits")),
                            "[ { \"type\": \"RLIMIT_NOFILE\", \"hard\": 2048, \"soft\": 1024 } ]");
        json_object_put(c);

        s.init = false; /* no init: the command alone, no mount */
        assert_int_equal(oci_config_build(&s, "0123456789abcdef", &paths, &c, &e), 0);
        assert_null(mount_of(c, "/dev/init"));
        assert_string_equal(json_object_to_json_string(get(c, "process.args")),
                            "[ \"sh\", \"-c\", \"sleep 100\" ]");
        json_object_put(c);
        container_spec_done(&s);
}

/* --tmpfs: a tmpfs mount with docker's defaults (rw,noexec,nosuid,nodev) unless the options override them;
 * a named volume's source is its _data directory, mounted as any bind. */
static void test_tmpfs_and_named_volume(void **state) {
        char *roots[] = { root, NULL };
        struct json_object *c = NULL, *m;
        sd_bus_error e = SD_BUS_ERROR_NULL;
        ContainerSpec s;

        container_spec_init(&s);
        s.rootfs = strdup(root);
        assert_int_equal(strv_push(&s.command, "true"), 0);
        assert_int_equal(strv_push(&s.tmpfs, "/scratch"), 0);
        assert_int_equal(strv_push(&s.tmpfs, "/big:size=1m,exec,mode=1777"), 0);
        s.volumes = calloc(1, sizeof(VolumeSpec));
        s.volumes[0] = (VolumeSpec){ .source = strdup("/var/lib/conman/volumes/data/_data"),
                                     .destination = strdup("/data"),
                                     .volume_name = strdup("data") };
        s.n_volumes = 1;
        OciPaths paths = { .root = root, .user_roots = roots };
        assert_int_equal(oci_config_build(&s, "0123456789abcdef", &paths, &c, &e), 0);
        m = mount_of(c, "/scratch");
        assert_non_null(m);
        assert_string_equal(json_object_get_string(get(m, "type")), "tmpfs");
        assert_string_equal(json_object_to_json_string(get(m, "options")),
                            "[ \"rw\", \"noexec\", \"nosuid\", \"nodev\" ]");
        m = mount_of(c, "/big");
        assert_non_null(m);
        assert_string_equal(json_object_to_json_string(get(m, "options")),
                            "[ \"rw\", \"nosuid\", \"nodev\", \"size=1m\", \"exec\", \"mode=1777\" ]");
        m = mount_of(c, "/data");
        assert_non_null(m);
        assert_string_equal(json_object_get_string(get(m, "source")), "/var/lib/conman/volumes/data/_data");
        json_object_put(c);

        /* kept in container.json and read back */
        c = container_spec_to_json(&s);
        container_spec_done(&s);
        assert_int_equal(container_spec_from_json(c, &s), 0);
        assert_string_equal(s.volumes[0].volume_name, "data");
        assert_false(s.volumes[0].anonymous);
        assert_string_equal(s.tmpfs[1], "/big:size=1m,exec,mode=1777");
        json_object_put(c);
        container_spec_done(&s);
}

/* An exec's process: the container's (capabilities, noNewPrivileges, rlimits stay), with the exec's args,
 * env over the container's, cwd, user with its groups, and terminal. */
static void test_exec_process(void **state) {
        _cleanup_(json_object_putp) struct json_object *config = NULL, *p = NULL, *q = NULL;
        OciUser nobody = { .uid = 65534, .gid = 65534, .extra_gids = { 10, 20 }, .n_extra_gids = 2 };

        config = json_tokener_parse(
                "{\"process\": {\"terminal\": true, \"consoleSize\": {\"height\": 1, \"width\": 2},"
                " \"user\": {\"uid\": 5, \"gid\": 6}, \"args\": [\"/bin/sleep\", \"1000\"],"
                " \"env\": [\"PATH=/usr/bin:/bin\", \"HOME=/root\", \"TERM=xterm\"], \"cwd\": \"/\","
                " \"capabilities\": {\"bounding\": [\"CAP_CHOWN\"]}, \"noNewPrivileges\": true,"
                " \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 9, \"soft\": 9}]}}");
        assert_non_null(config);
        char *args[] = { "echo", "$$", "${HOME}", NULL }, *env[] = { "HOME=/x", "SECRET=a=b", NULL };
        assert_int_equal(
                oci_exec_process_build(
                        config,
                        &(ExecProcessParams){ .args = args, .env = env, .cwd = "/tmp", .user = &nobody }, &p),
                0);
        assert_string_equal(
                json_object_to_json_string_ext(p, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
                "{\"terminal\":false,\"user\":{\"uid\":65534,\"gid\":65534,\"additionalGids\":[10,20]},"
                "\"args\":[\"echo\",\"$$\",\"${HOME}\"],"
                "\"env\":[\"PATH=/usr/bin:/bin\",\"TERM=xterm\",\"HOME=/x\",\"SECRET=a=b\"],"
                "\"cwd\":\"/tmp\",\"capabilities\":{\"bounding\":[\"CAP_CHOWN\"]},"
                "\"noNewPrivileges\":true,"
                "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":9,\"soft\":9}]}");
        /* Without user, cwd, env: the container's; a TTY. The config itself is untouched. */
        assert_int_equal(
                oci_exec_process_build(config, &(ExecProcessParams){ .args = args, .tty = true }, &q), 0);
        assert_int_equal(
                json_object_get_int(json_object_object_get(json_object_object_get(q, "user"), "uid")), 5);
        assert_string_equal(json_object_get_string(json_object_object_get(q, "cwd")), "/");
        assert_int_equal(json_object_array_length(json_object_object_get(q, "env")), 3);
        assert_true(json_object_get_boolean(json_object_object_get(q, "terminal")));
        assert_int_equal(json_object_array_length(
                                 json_object_object_get(json_object_object_get(config, "process"), "args")),
                         2);
        assert_int_equal(
                oci_exec_process_build(config, &(ExecProcessParams){ .args = (char *[]){ NULL } }, &q),
                -EINVAL);
        json_object_put(q);
        q = json_object_new_object();
        assert_int_equal(oci_exec_process_build(q, &(ExecProcessParams){ .args = args }, &p), -EBADMSG);
}

/* A volume's propagation in its options; the root's follows the strongest (shared > slave > none). */
static void test_volume_propagation(void **state) {
        static const struct {
                VolumePropagation a, b;
                const char *opt_a, *rootfs;
        } cases[] = {
                { PROPAGATION_RPRIVATE, PROPAGATION_PRIVATE, "rprivate", NULL },
                { PROPAGATION_RSLAVE, PROPAGATION_RPRIVATE, "rslave", "rslave" },
                { PROPAGATION_SLAVE, PROPAGATION_RSHARED, "slave", "rshared" },
                { PROPAGATION_SHARED, PROPAGATION_RSLAVE, "shared", "rshared" },
        };
        char *roots[] = { root, NULL };
        OciPaths paths = { .root = root, .user_roots = roots };

        for (size_t k = 0; k < ELEMENTSOF(cases); k++) {
                struct json_object *c = NULL, *mounts, *rp;
                sd_bus_error e = SD_BUS_ERROR_NULL;
                _cleanup_free_ char *want = NULL;
                ContainerSpec s;
                size_t seen = 0;

                container_spec_init(&s);
                s.rootfs = strdup(root);
                assert_int_equal(strv_push(&s.command, "/bin/sh"), 0);
                s.volumes = calloc(2, sizeof(VolumeSpec));
                s.n_volumes = 2;
                s.volumes[0] = (VolumeSpec){ strdup("/tmp"), strdup("/a"), false, cases[k].a };
                s.volumes[1] = (VolumeSpec){ strdup("/tmp"), strdup("/b"), true, cases[k].b };
                assert_int_equal(oci_config_build(&s, "0123456789abcdef", &paths, &c, &e), 0);
                assert_true(asprintf(&want, "[ \"rbind\", \"rw\", \"%s\" ]", cases[k].opt_a) > 0);
                mounts = get(c, "mounts");
                for (size_t i = 0; i < json_object_array_length(mounts); i++) {
                        struct json_object *m = json_object_array_get_idx(mounts, i);
                        if (streq(json_object_get_string(get(m, "destination")), "/a")) {
                                assert_string_equal(json_object_to_json_string(get(m, "options")), want);
                                seen++;
                        }
                }
                assert_int_equal(seen, 1);
                rp = get(c, "linux.rootfsPropagation");
                if (cases[k].rootfs)
                        assert_string_equal(json_object_get_string(rp), cases[k].rootfs);
                else
                        assert_null(rp);
                json_object_put(c);
                container_spec_done(&s);
        }
}

/* The host side: the mount holding a volume's source must be shared (for shared), or shared or a slave. */
static void test_check_propagation(void **state) {
        static const char mountinfo[] = "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
                                        "30 22 0:5 / /srv rw master:7 - tmpfs tmpfs rw\n"
                                        "31 22 0:6 / /mnt\\040x rw - tmpfs tmpfs rw\n"
                                        "32 31 0:6 / /mnt\\040x/in rw shared:9 - tmpfs tmpfs rw\n";
        _cleanup_free_ char *path = NULL, *mp = NULL;
        sd_bus_error e = SD_BUS_ERROR_NULL;
        bool shared, slave;
        ContainerSpec s;

        assert_true(asprintf(&path, "%s/mountinfo", root) > 0);
        assert_int_equal(write_file_atomic(path, mountinfo, strlen(mountinfo), 0644), 0);
        assert_int_equal(oci_mount_propagation_of(path, "/mnt x/in/deep", 0, &mp, &shared, &slave), 0);
        assert_string_equal(mp, "/mnt x/in");
        assert_true(shared);
        assert_false(slave);
        free(mp);
        assert_int_equal(oci_mount_propagation_of(path, "/mnt xy", 0, &mp, &shared, &slave), 0);
        assert_string_equal(mp, "/");
        free(mp);
        assert_int_equal(oci_mount_propagation_of(path, "/srv/a", 0, &mp, &shared, &slave), 0);
        assert_true(!shared && slave);
        free(mp);
        /* by id, whatever the path */
        assert_int_equal(oci_mount_propagation_of(path, "/srv/a", 32, &mp, &shared, &slave), 0);
        assert_string_equal(mp, "/mnt x/in");
        assert_true(shared && !slave);
        free(mp);
        mp = NULL;
        assert_int_equal(oci_mount_propagation_of(path, "/", 99, NULL, &shared, &slave), -ENOENT);

        container_spec_init(&s);
        s.volumes = calloc(1, sizeof(VolumeSpec));
        s.n_volumes = 1;
        s.volumes[0] = (VolumeSpec){ strdup("/srv/nonexistent"), strdup("/a"), false, PROPAGATION_RSLAVE };
        assert_int_equal(oci_check_volume_propagation(&s, path, &e), 0); /* a slave mount: fine for rslave */
        s.volumes[0].propagation = PROPAGATION_RSHARED;
        assert_true(oci_check_volume_propagation(&s, path, &e) < 0);
        assert_non_null(strstr(e.message, "'/srv'"));
        assert_non_null(strstr(e.message, "not a shared mount"));
        sd_bus_error_free(&e);
        free(s.volumes[0].source);
        s.volumes[0].source = strdup("/mnt x/file");
        s.volumes[0].propagation = PROPAGATION_SLAVE;
        assert_true(oci_check_volume_propagation(&s, path, &e) < 0);
        assert_non_null(strstr(e.message, "not a shared or slave mount"));
        sd_bus_error_free(&e);
        s.volumes[0].propagation = PROPAGATION_PRIVATE; /* private: never checked */
        assert_int_equal(oci_check_volume_propagation(&s, path, &e), 0);
        container_spec_done(&s);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_user_resolve),        cmocka_unit_test(test_user_groups),
                cmocka_unit_test(test_user_resolve_layers), cmocka_unit_test(test_build),
                cmocka_unit_test(test_cri_options),         cmocka_unit_test(test_exec_process),
                cmocka_unit_test(test_shm_size_and_init),   cmocka_unit_test(test_tmpfs_and_named_volume),
                cmocka_unit_test(test_volume_propagation),  cmocka_unit_test(test_check_propagation),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
