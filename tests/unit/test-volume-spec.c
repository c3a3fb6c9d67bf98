/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-volume-spec.c — volume names, -v, --mount and --tmpfs specs (shared/volume-spec.c) and how
 * conmanctl turns them into CreateContainer's Volumes and Tmpfs (ctl/run-mounts.c). */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "shared/copy-tree.h"
#include "shared/fileio.h"
#include "shared/util.h"
#include "shared/volume-spec.h"
#include "run-mounts.h"

static void test_volume_name(void **state) {
        assert_true(volume_name_is_valid("data"));
        assert_true(volume_name_is_valid("a1"));
        assert_true(volume_name_is_valid("My_vol.2-x"));
        assert_true(volume_name_is_valid("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
        assert_false(volume_name_is_valid("a")); /* docker: two characters at least */
        assert_false(volume_name_is_valid(""));
        assert_false(volume_name_is_valid(NULL));
        assert_false(volume_name_is_valid("-data"));
        assert_false(volume_name_is_valid(".data"));
        assert_false(volume_name_is_valid("_data"));
        assert_false(volume_name_is_valid("da ta"));
        assert_false(volume_name_is_valid("da/ta"));
        assert_false(volume_name_is_valid("dätä"));
        char long_name[VOLUME_NAME_MAX + 2];
        memset(long_name, 'x', sizeof(long_name) - 1);
        long_name[VOLUME_NAME_MAX + 1] = '\0';
        assert_false(volume_name_is_valid(long_name));
        long_name[VOLUME_NAME_MAX] = '\0';
        assert_true(volume_name_is_valid(long_name));

        assert_true(volume_source_is_name("data"));
        assert_false(volume_source_is_name("/data"));
        assert_false(volume_source_is_name("./data"));
        assert_false(volume_source_is_name(""));
        assert_false(volume_source_is_name(NULL));
        assert_false(volume_source_is_name("."));
}

static void check_bind(const char *spec, const char *src, const char *dst, bool ro, VolumePropagation p) {
        _cleanup_free_ char *s = NULL, *d = NULL;
        VolumePropagation got_p;
        bool got_ro;

        assert_int_equal(volume_bind_parse(spec, &s, &d, &got_ro, &got_p), 0);
        if (src)
                assert_string_equal(s, src);
        else
                assert_null(s);
        assert_string_equal(d, dst);
        assert_int_equal(got_ro, ro);
        assert_int_equal(got_p, p);
}

static void test_volume_bind(void **state) {
        char *s = NULL, *d = NULL;
        VolumePropagation p;
        bool ro;

        check_bind("/src:/dst", "/src", "/dst", false, PROPAGATION_RPRIVATE);
        check_bind("/src:/dst:ro", "/src", "/dst", true, PROPAGATION_RPRIVATE);
        check_bind("data:/dst:rw,rshared", "data", "/dst", false, PROPAGATION_RSHARED);
        check_bind("./rel:/dst", "./rel", "/dst", false, PROPAGATION_RPRIVATE);
        check_bind("/anon", NULL, "/anon", false, PROPAGATION_RPRIVATE);
        /* DST is conmand's to judge (it says "Volume destination ...") */
        check_bind("/src:relative", "/src", "relative", false, PROPAGATION_RPRIVATE);

        assert_int_equal(volume_bind_parse("relative", &s, &d, &ro, &p), -EINVAL);
        assert_int_equal(volume_bind_parse("b@d:/dst", &s, &d, &ro, &p), -EINVAL);
        assert_int_equal(volume_bind_parse("a:/dst", &s, &d, &ro, &p), -EINVAL);
        assert_int_equal(volume_bind_parse(":/dst", &s, &d, &ro, &p), -EINVAL);
        assert_int_equal(volume_bind_parse("/src:", &s, &d, &ro, &p), -EINVAL);
        assert_int_equal(volume_bind_parse("/src:/dst:bogus", &s, &d, &ro, &p), -EINVAL);
        assert_int_equal(volume_bind_parse("/src:/dst:ro,rw", &s, &d, &ro, &p), -EINVAL);
        assert_int_equal(volume_bind_parse("", &s, &d, &ro, &p), -EINVAL);
        assert_null(s);
        assert_null(d);
}

static void test_mount_spec(void **state) {
        MountSpec m = {};

        assert_int_equal(mount_spec_parse("type=bind,source=/a,target=/b,readonly", &m), 0);
        assert_int_equal(m.type, MOUNT_TYPE_BIND);
        assert_string_equal(m.source, "/a");
        assert_string_equal(m.target, "/b");
        assert_true(m.read_only);
        mount_spec_done(&m);

        assert_int_equal(mount_spec_parse("type=bind,src=/a,dst=/b,ro=false,bind-propagation=rslave", &m), 0);
        assert_false(m.read_only);
        assert_string_equal(m.propagation, "rslave");
        mount_spec_done(&m);

        /* docker's default type is volume; no source: anonymous */
        assert_int_equal(mount_spec_parse("target=/data", &m), 0);
        assert_int_equal(m.type, MOUNT_TYPE_VOLUME);
        assert_null(m.source);
        mount_spec_done(&m);
        assert_int_equal(mount_spec_parse("type=volume,source=data,destination=/d,readonly=true", &m), 0);
        assert_string_equal(m.source, "data");
        assert_true(m.read_only);
        mount_spec_done(&m);

        assert_int_equal(mount_spec_parse("type=tmpfs,target=/t,tmpfs-size=64m,tmpfs-mode=1770", &m), 0);
        assert_int_equal(m.type, MOUNT_TYPE_TMPFS);
        assert_string_equal(m.tmpfs_options, "size=64m,mode=1770");
        mount_spec_done(&m);

        static const char *const bad[] = {
                "type=bind,target=/b",                           /* bind needs a source */
                "type=bind,source=rel,target=/b",                /* ... an absolute one */
                "type=bogus,target=/b",                          /* unknown type */
                "type=volume,source=v1",                         /* no target */
                "type=volume,source=v1,target=rel",              /* relative target */
                "type=volume,source=v1,target=/",                /* the root */
                "type=volume,source=v1,target=/a/../b",          /* .. */
                "type=volume,source=b@d,target=/b",              /* bad name */
                "type=volume,source=v1,target=/b,tmpfs-size=1m", /* another type's key */
                "type=tmpfs,source=x,target=/t",                 /* tmpfs has no source */
                "type=tmpfs,target=/t,tmpfs-size=lots",          /* bad size */
                "type=tmpfs,target=/t,tmpfs-mode=999",           /* not octal */
                "type=bind,source=/a,target=/b,readonly=maybe",
                "type=bind,source=/a,source=/c,target=/b",   /* twice */
                "type=bind,type=volume,source=/a,target=/b", /* twice */
                "type=bind,source=/a,target=/b,bogus=1",     /* unknown key */
                "",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                assert_int_equal(mount_spec_parse(bad[i], &m), -EINVAL);
                assert_null(m.target);
        }
}

static void test_tmpfs_spec(void **state) {
        _cleanup_free_ char *dest = NULL, *opts = NULL;
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *joined = NULL;

        assert_int_equal(tmpfs_spec_parse("/run", &dest, &opts), 0);
        assert_string_equal(dest, "/run");
        assert_null(opts);
        free(dest);
        assert_int_equal(tmpfs_spec_parse("/run:size=64m,mode=1777,uid=1000,exec", &dest, &opts), 0);
        assert_string_equal(dest, "/run");
        assert_string_equal(opts, "size=64m,mode=1777,uid=1000,exec");

        static const char *const bad[] = { "run",
                                           "/",
                                           "/run:",
                                           "/run:bogus",
                                           "/run:size=",
                                           "/run:size=0",
                                           "/run:mode=8",
                                           "/run:uid=x",
                                           "/run:ro,,rw",
                                           "/a/../b",
                                           "" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                char *d = NULL, *o = NULL;
                assert_int_equal(tmpfs_spec_parse(bad[i], &d, &o), -EINVAL);
                assert_null(d);
                assert_null(o);
        }

        /* docker's defaults, and what overrides them */
        assert_int_equal(tmpfs_mount_options(NULL, &l), 0);
        joined = strv_join(l, ",");
        assert_string_equal(joined, "rw,noexec,nosuid,nodev");
        strv_freep(&l);
        free(joined);
        assert_int_equal(tmpfs_mount_options("exec,ro,size=1m,mode=1777", &l), 0);
        joined = strv_join(l, ",");
        assert_string_equal(joined, "nosuid,nodev,exec,ro,size=1m,mode=1777");
}

/* conmanctl: -v, --mount and --tmpfs into one list of Volumes (absolute paths, names, "" anonymous) and
 * one of Tmpfs. */
static void test_run_mounts(void **state) {
        char *volumes[] = { "/src:/a:ro", "data:/b", "/anon", "./rel:/c:rslave", NULL };
        char *mounts[] = { "type=bind,source=/s,target=/d,readonly", "type=volume,target=/e",
                           "type=tmpfs,target=/t,tmpfs-size=1m", NULL };
        char *tmpfs[] = { "/run:exec", NULL };
        char dir[] = "/tmp/test-volume-spec.XXXXXX";
        _cleanup_free_ char *cwd = NULL, *rel = NULL;
        RunMounts rm = {};

        /* a relative host path must exist: realpath() makes it absolute */
        assert_non_null(mkdtemp(dir));
        assert_int_equal(chdir(dir), 0);
        assert_int_equal(mkdir("rel", 0755), 0);
        cwd = getcwd(NULL, 0);

        assert_int_equal(run_mounts_parse(volumes, mounts, tmpfs, &rm), 0);
        assert_int_equal(rm.n_mounts, 6);
        assert_string_equal(rm.mounts[0].source, "/src");
        assert_true(rm.mounts[0].read_only);
        assert_string_equal(rm.mounts[1].source, "data");
        assert_string_equal(rm.mounts[2].source, "");
        assert_string_equal(rm.mounts[2].destination, "/anon");
        assert_true(asprintf(&rel, "%s/rel", cwd) > 0);
        assert_string_equal(rm.mounts[3].source, rel);
        assert_int_equal(rm.mounts[3].propagation, PROPAGATION_RSLAVE);
        assert_string_equal(rm.mounts[4].source, "/s");
        assert_true(rm.mounts[4].read_only);
        assert_string_equal(rm.mounts[5].source, "");
        assert_string_equal(rm.mounts[5].destination, "/e");
        assert_int_equal(strv_length(rm.tmpfs), 2);
        assert_string_equal(rm.tmpfs[0], "/t:size=1m");
        assert_string_equal(rm.tmpfs[1], "/run:exec");
        run_mounts_done(&rm);

        char *bad_volume[] = { "b@d:/x", NULL };
        char *bad_mount[] = { "type=bind,source=/a,target=/b,bind-propagation=sideways", NULL };
        char *bad_tmpfs[] = { "/t:size=lots", NULL };
        assert_int_equal(run_mounts_parse(bad_volume, NULL, NULL, &rm), -EINVAL);
        assert_int_equal(run_mounts_parse(NULL, bad_mount, NULL, &rm), -EINVAL);
        assert_int_equal(run_mounts_parse(NULL, NULL, bad_tmpfs, &rm), -EINVAL);
        assert_int_equal(rm.n_mounts, 0);
        assert_int_equal(rmdir("rel"), 0);
        assert_int_equal(rmdir(dir), 0);
}

/* copy-up (shared/copy-tree.c): files, directories and symlinks as they are, modes kept, no symlink
 * followed; the destination takes the source directory's mode. */
static void test_copy_tree(void **state) {
        char dir[] = "/tmp/test-copy-tree.XXXXXX";
        _cleanup_free_ char *src = NULL, *dst = NULL, *content = NULL;
        _cleanup_close_ int sfd = -EBADF, dfd = -EBADF;
        char link[64] = {};
        struct stat st;

        assert_non_null(mkdtemp(dir));
        assert_true(asprintf(&src, "%s/src", dir) > 0 && asprintf(&dst, "%s/dst", dir) > 0);
        assert_int_equal(mkdir(src, 01750), 0);
        assert_int_equal(chmod(src, 01750), 0);
        assert_int_equal(mkdir(dst, 0755), 0);
        sfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        dfd = open(dst, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_int_equal(dir_is_empty_at(dfd), 1);
        assert_int_equal(mkdirat(sfd, "sub", 0700), 0);
        {
                _cleanup_close_ int sub = openat(sfd, "sub", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                assert_int_equal(write_file_atomic_at(sub, "f", "hello", 5, 0640), 0);
        }
        assert_int_equal(symlinkat("/etc", sfd, "evil"), 0);
        assert_int_equal(copy_tree_at(sfd, dfd), 0);

        assert_int_equal(dir_is_empty_at(dfd), 0);
        assert_int_equal(read_file_at(dfd, "sub/f", 100, &content, NULL), 0);
        assert_string_equal(content, "hello");
        assert_int_equal(fstatat(dfd, "sub/f", &st, 0), 0);
        assert_int_equal(st.st_mode & 07777, 0640);
        assert_int_equal(fstatat(dfd, "sub", &st, 0), 0);
        assert_int_equal(st.st_mode & 07777, 0700);
        assert_int_equal(fstatat(dfd, "evil", &st, AT_SYMLINK_NOFOLLOW), 0);
        assert_true(S_ISLNK(st.st_mode));
        assert_int_equal(readlinkat(dfd, "evil", link, sizeof(link) - 1), 4);
        assert_string_equal(link, "/etc");
        assert_int_equal(fstat(dfd, &st), 0);
        assert_int_equal(st.st_mode & 07777, 01750);
        assert_int_equal(rm_rf(dir), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_volume_name), cmocka_unit_test(test_volume_bind),
                cmocka_unit_test(test_mount_spec),  cmocka_unit_test(test_tmpfs_spec),
                cmocka_unit_test(test_run_mounts),  cmocka_unit_test(test_copy_tree),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
