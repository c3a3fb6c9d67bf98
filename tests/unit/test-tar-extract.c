/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-tar-extract.c — the entry checks shared by image layers and `conmanctl cp -` (shared/tar-extract.c):
 * path normalization, the xattr filter, and untrusted tar streams written here with libarchive and applied
 * as cp applies them (no whiteouts, owners and devices not taken, the root's metadata left alone): "..",
 * absolute names, a symlink followed by a file through it, a hardlink out; nothing lands outside.
 */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "shared/copy-tree.h"
#include "shared/fileio.h"
#include "shared/macro.h"
#include "shared/tar-extract.h"
#include "shared/util.h"

typedef struct Entry {
        mode_t type; /* AE_IFREG, AE_IFDIR, AE_IFLNK, AE_IFCHR; 0 = hardlink */
        const char *path;
        const char *data; /* content, symlink or hardlink target */
} Entry;

typedef struct Fixture {
        char top[64]; /* mkdtemp: holds "dest/" and "outside/" */
        int dest_fd;
} Fixture;

static const TarExtractOptions CP_OPTIONS = {};

static int setup(void **state) {
        Fixture *f = calloc(1, sizeof(*f));
        char p[128];

        strcpy(f->top, "/tmp/test-tar-extract-XXXXXX");
        assert_non_null(mkdtemp(f->top));
        snprintf(p, sizeof(p), "%s/outside", f->top);
        assert_int_equal(mkdir(p, 0755), 0);
        snprintf(p, sizeof(p), "%s/dest", f->top);
        assert_int_equal(mkdir(p, 0700), 0);
        f->dest_fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(f->dest_fd >= 0);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        Fixture *f = *state;
        safe_close(f->dest_fd);
        assert_int_equal(rm_rf(f->top), 0);
        free(f);
        return 0;
}

static void add_entry(struct archive *a, const Entry *e) {
        struct archive_entry *ae = archive_entry_new();
        size_t n = e->data && e->type == AE_IFREG ? strlen(e->data) : 0;

        archive_entry_set_pathname(ae, e->path);
        archive_entry_set_filetype(ae, e->type ?: AE_IFREG);
        if (e->type == 0)
                archive_entry_set_hardlink(ae, e->data);
        if (e->type == AE_IFLNK)
                archive_entry_set_symlink(ae, e->data);
        if (e->type == AE_IFCHR)
                archive_entry_set_rdev(ae, makedev(1, 3));
        archive_entry_set_perm(ae, e->type == AE_IFDIR ? 0777 : 0644);
        archive_entry_set_uid(ae, 4242);
        archive_entry_set_size(ae, (la_int64_t) n);
        assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
        if (n > 0)
                assert_int_equal(archive_write_data(a, e->data, n), (la_ssize_t) n);
        archive_entry_free(ae);
}

/* A pax tar of the entries in a memfd, at offset 0. */
static int make_tar(const Entry *entries, size_t n) {
        static char tar[1 << 16];
        size_t size = 0;
        struct archive *a = archive_write_new();
        int fd;

        assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
        assert_int_equal(archive_write_open_memory(a, tar, sizeof(tar), &size), ARCHIVE_OK);
        for (size_t i = 0; i < n; i++)
                add_entry(a, &entries[i]);
        assert_int_equal(archive_write_close(a), ARCHIVE_OK);
        archive_write_free(a);
        fd = memfd_create("tar", MFD_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(write_all(fd, tar, size), 0);
        assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
        return fd;
}

static int extract(Fixture *f, const Entry *entries, size_t n, char **error) {
        _cleanup_close_ int fd = make_tar(entries, n);
        return tar_extract_stream(fd, f->dest_fd, &CP_OPTIONS, error);
}

static bool exists(Fixture *f, const char *rel) {
        char p[256];
        struct stat st;
        snprintf(p, sizeof(p), "%s/%s", f->top, rel);
        return lstat(p, &st) == 0;
}

static bool outside_empty(Fixture *f) {
        char p[128];
        _cleanup_close_ int fd = -EBADF;
        snprintf(p, sizeof(p), "%s/outside", f->top);
        fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return fd >= 0 && dir_is_empty_at(fd) == 1;
}

static void test_plain(void **state) {
        Fixture *f = *state;
        static const Entry e[] = {
                { AE_IFDIR, "./", NULL },         { AE_IFDIR, "etc/", NULL },
                { AE_IFREG, "etc/hosts", "h\n" }, { AE_IFLNK, "etc/link", "/etc/hosts" },
                { 0, "etc/hard", "etc/hosts" },   { AE_IFREG, ".wh.gone", "" },
                { AE_IFCHR, "etc/null", NULL },
        };
        _cleanup_free_ char *error = NULL, *data = NULL;
        struct stat st;

        assert_int_equal(extract(f, e, ELEMENTSOF(e), &error), 0);
        assert_int_equal(read_file_at(f->dest_fd, "etc/hosts", 4096, &data, NULL), 0);
        assert_string_equal(data, "h\n");
        assert_int_equal(fstatat(f->dest_fd, "etc/link", &st, AT_SYMLINK_NOFOLLOW), 0);
        assert_true(S_ISLNK(st.st_mode));
        assert_int_equal(fstatat(f->dest_fd, "etc/hard", &st, AT_SYMLINK_NOFOLLOW), 0);
        assert_int_equal(st.st_nlink, 2);
        assert_int_equal(st.st_uid, getuid());    /* owners not kept without -a */
        assert_true(exists(f, "dest/.wh.gone"));  /* a plain name here, not a whiteout */
        assert_false(exists(f, "dest/etc/null")); /* devices are not taken */
        assert_int_equal(fstat(f->dest_fd, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0700); /* "./" leaves DEST's mode alone */
}

static void test_dotdot(void **state) {
        Fixture *f = *state;
        static const Entry e[] = { { AE_IFREG, "../outside/x", "evil" } };
        _cleanup_free_ char *error = NULL;

        assert_int_equal(extract(f, e, ELEMENTSOF(e), &error), -EXDEV);
        assert_non_null(strstr(error, "../outside/x"));
        assert_true(outside_empty(f));
}

static void test_absolute(void **state) {
        Fixture *f = *state;
        char abs[160];
        snprintf(abs, sizeof(abs), "%s/outside/abs", f->top);
        const Entry e[] = { { AE_IFREG, abs, "evil" } };

        assert_int_equal(extract(f, e, ELEMENTSOF(e), NULL), 0);
        assert_true(outside_empty(f)); /* stripped of its "/": below DEST */
        assert_true(fstatat(f->dest_fd, abs + 1, &(struct stat){}, 0) == 0);
}

static void test_symlink_then_file(void **state) {
        Fixture *f = *state;
        char target[128];
        snprintf(target, sizeof(target), "%s/outside", f->top);
        const Entry e[] = { { AE_IFLNK, "out", target }, { AE_IFREG, "out/x", "evil" } };
        _cleanup_free_ char *error = NULL;

        assert_int_equal(extract(f, e, ELEMENTSOF(e), &error), -EXDEV);
        assert_non_null(strstr(error, "symlink"));
        assert_true(outside_empty(f));
}

static void test_hardlink_out(void **state) {
        Fixture *f = *state;
        static const Entry e[] = { { 0, "h", "../outside/secret" } };
        _cleanup_free_ char *error = NULL;

        assert_int_equal(extract(f, e, ELEMENTSOF(e), &error), -EXDEV);
        assert_false(exists(f, "dest/h"));
}

static void test_garbage(void **state) {
        Fixture *f = *state;
        _cleanup_close_ int fd = memfd_create("junk", MFD_CLOEXEC);
        _cleanup_free_ char *error = NULL;
        char junk[2048];

        memset(junk, 'x', sizeof(junk));
        assert_int_equal(write_all(fd, junk, sizeof(junk)), 0);
        assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
        assert_true(tar_extract_stream(fd, f->dest_fd, &CP_OPTIONS, &error) < 0);
        assert_non_null(error);
}

static void test_xattr_filter(void **state) {
        assert_true(tar_xattr_allowed("user.mime_type"));
        assert_true(tar_xattr_allowed("system.posix_acl_access"));
        assert_false(tar_xattr_allowed("user.overlay.opaque"));
        assert_false(tar_xattr_allowed("security.selinux"));
        assert_false(tar_xattr_allowed("security.capability"));
        assert_false(tar_xattr_allowed("security.ima"));
        assert_false(tar_xattr_allowed("trusted.overlay.opaque"));
        assert_false(tar_xattr_allowed("trusted.anything"));
}

static void test_normalize(void **state) {
        static const char *const ok[][2] = {
                { "./a/b", "a/b" }, { "/a//b/", "a/b" },    { "a/./b", "a/b" }, { ".", "" },
                { "./", "" },       { "a..b/c", "a..b/c" }, { "...", "..." },
        };
        for (size_t i = 0; i < ELEMENTSOF(ok); i++) {
                _cleanup_free_ char *p = NULL;
                assert_int_equal(tar_path_normalize(ok[i][0], &p), 0);
                assert_string_equal(p, ok[i][1]);
        }
        char *p = NULL;
        assert_int_equal(tar_path_normalize("a/../b", &p), -EXDEV);
        assert_int_equal(tar_path_normalize("..", &p), -EXDEV);
        assert_int_equal(tar_path_normalize("/../etc", &p), -EXDEV);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_plain, setup, teardown),
                cmocka_unit_test_setup_teardown(test_dotdot, setup, teardown),
                cmocka_unit_test_setup_teardown(test_absolute, setup, teardown),
                cmocka_unit_test_setup_teardown(test_symlink_then_file, setup, teardown),
                cmocka_unit_test_setup_teardown(test_hardlink_out, setup, teardown),
                cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
                cmocka_unit_test(test_xattr_filter),
                cmocka_unit_test(test_normalize),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
