/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-image-layer.c — layer extraction of tarballs crafted here with libarchive:
 * every entry type, gzip/zstd/none, OCI whiteouts, and the ways a layer could try
 * to write outside its directory (.., absolute paths, symlinks and hardlinks that
 * point out, writing through a symlink); the same checks as `conmanctl cp -` applies
 * them (shared/tar-extract.c: tar_extract_stream()).
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
#include <sys/xattr.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "shared/fileio.h"
#include "shared/macro.h"
#include "shared/tar-extract.h"
#include "image/digest.h"
#include "image/layer.h"
#include "image/manifest.h"

typedef struct Entry {
        mode_t type; /* AE_IFREG, AE_IFDIR, AE_IFLNK, AE_IFIFO, AE_IFCHR; 0 = hardlink */
        const char *path;
        const char *data; /* content, symlink target or hardlink target */
        mode_t mode;
        const char *xattr; /* "name=value" */
} Entry;

typedef struct Fixture {
        char top[64]; /* mkdtemp: contains "layer/" and "outside/" */
        int layer_fd;
} Fixture;

static int setup(void **state) {
        Fixture *f = calloc(1, sizeof(*f));
        char p[128];

        strcpy(f->top, "/tmp/test-layer-XXXXXX");
        assert_non_null(mkdtemp(f->top));
        snprintf(p, sizeof(p), "%s/layer", f->top);
        assert_int_equal(mkdir(p, 0755), 0);
        snprintf(p, sizeof(p), "%s/outside", f->top);
        assert_int_equal(mkdir(p, 0755), 0);
        snprintf(p, sizeof(p), "%s/layer", f->top);
        f->layer_fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(f->layer_fd >= 0);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        Fixture *f = *state;
        safe_close(f->layer_fd);
        assert_int_equal(rm_rf(f->top), 0);
        free(f);
        return 0;
}

static void add_entry(struct archive *a, const Entry *e) {
        struct archive_entry *ae = archive_entry_new();
        size_t n = e->data && e->type == AE_IFREG ? strlen(e->data) : 0;

        archive_entry_set_pathname(ae, e->path);
        archive_entry_set_mtime(ae, 1700000000, 0);
        if (e->type == 0) {
                archive_entry_set_filetype(ae, AE_IFREG);
                archive_entry_set_hardlink(ae, e->data);
        } else
                archive_entry_set_filetype(ae, e->type);
        archive_entry_set_perm(ae, e->mode ?: 0644);
        archive_entry_set_uid(ae, getuid());
        archive_entry_set_gid(ae, getgid());
        if (e->type == AE_IFLNK)
                archive_entry_set_symlink(ae, e->data);
        if (e->type == AE_IFREG)
                archive_entry_set_size(ae, (la_int64_t) n);
        if (e->xattr) {
                const char *eq = strchr(e->xattr, '=');
                char name[128];
                snprintf(name, sizeof(name), "%.*s", (int) (eq - e->xattr), e->xattr);
                archive_entry_xattr_add_entry(ae, name, eq + 1, strlen(eq + 1));
        }
        assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
        if (n > 0)
                assert_int_equal(archive_write_data(a, e->data, n), (la_ssize_t) n);
        archive_entry_free(ae);
}

/* Writes a pax tar of entries, compressed with filter ("none", "gzip", "zstd"), into a memfd.
 * Returns the fd (at offset 0) and the digests of the uncompressed and the compressed bytes. */
static int make_layer(const Entry *entries, size_t n, const char *filter,
                      char diff_id[static DIGEST_STRING_MAX], char blob[static DIGEST_STRING_MAX]) {
        static char tar[1 << 20], out[1 << 20];
        size_t tar_size = 0, out_size = 0;
        struct archive *a;
        int fd;

        a = archive_write_new();
        assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
        assert_int_equal(archive_write_open_memory(a, tar, sizeof(tar), &tar_size), ARCHIVE_OK);
        for (size_t i = 0; i < n; i++)
                add_entry(a, &entries[i]);
        assert_int_equal(archive_write_close(a), ARCHIVE_OK);
        archive_write_free(a);
        assert_int_equal(digest_buffer(tar, tar_size, diff_id), 0);

        if (streq(filter, "none")) {
                memcpy(out, tar, tar_size);
                out_size = tar_size;
        } else {
                a = archive_write_new();
                assert_int_equal(archive_write_set_format_raw(a), ARCHIVE_OK);
                assert_int_equal(archive_write_add_filter_by_name(a, filter), ARCHIVE_OK);
                assert_int_equal(archive_write_open_memory(a, out, sizeof(out), &out_size), ARCHIVE_OK);
                struct archive_entry *ae = archive_entry_new();
                archive_entry_set_filetype(ae, AE_IFREG);
                archive_entry_set_pathname(ae, "data");
                assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
                assert_int_equal(archive_write_data(a, tar, tar_size), (la_ssize_t) tar_size);
                archive_entry_free(ae);
                assert_int_equal(archive_write_close(a), ARCHIVE_OK);
                archive_write_free(a);
        }
        assert_int_equal(digest_buffer(out, out_size, blob), 0);
        fd = memfd_create("layer", MFD_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, out, out_size), (ssize_t) out_size);
        assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
        return fd;
}

static int extract(Fixture *f, const Entry *entries, size_t n, const char *filter, LayerResult *res) {
        char diff_id[DIGEST_STRING_MAX], blob[DIGEST_STRING_MAX];
        _cleanup_close_ int fd = make_layer(entries, n, filter, diff_id, blob);
        LayerCompression c = streq(filter, "gzip")   ? LAYER_COMPRESSION_GZIP
                             : streq(filter, "zstd") ? LAYER_COMPRESSION_ZSTD
                                                     : LAYER_COMPRESSION_NONE;
        int r = layer_extract(fd, f->layer_fd, c, NULL, res);

        if (r >= 0) {
                assert_string_equal(res->diff_id, diff_id);
                assert_string_equal(res->blob_digest, blob);
        }
        return r;
}

static void assert_file(int dir_fd, const char *path, const char *content, mode_t mode) {
        _cleanup_free_ char *buf = NULL;
        struct stat st;

        assert_int_equal(fstatat(dir_fd, path, &st, AT_SYMLINK_NOFOLLOW), 0);
        assert_true(S_ISREG(st.st_mode));
        assert_int_equal(st.st_mode & 07777, mode);
        assert_int_equal(read_file_at(dir_fd, path, 4096, &buf, NULL), 0);
        assert_string_equal(buf, content);
}

static const Entry basic[] = {
        { AE_IFDIR, "./etc/", NULL, 0755, NULL },
        { AE_IFREG, "./etc/hello", "hello world\n", 0640, NULL },
        { 0, "./etc/hello-link", "./etc/hello", 0640, NULL },
        { AE_IFLNK, "bin/sh", "/bin/busybox", 0777, NULL },
        { AE_IFREG, "bin/busybox", "#!", 04755, NULL },
        { AE_IFIFO, "run/fifo", NULL, 0600, NULL },
        { AE_IFREG, "/abs/file", "contained", 0600, NULL },
        { AE_IFREG, "x//./y", "dots", 0644, NULL },
};

static void check_basic(Fixture *f, const char *filter) {
        LayerResult res;
        struct stat a, b;
        char target[64] = "";

        assert_int_equal(extract(f, basic, ELEMENTSOF(basic), filter, &res), 0);
        assert_file(f->layer_fd, "etc/hello", "hello world\n", 0640);
        assert_file(f->layer_fd, "bin/busybox", "#!", 04755);
        assert_int_equal(fstatat(f->layer_fd, "etc/hello", &a, 0), 0);
        assert_int_equal(fstatat(f->layer_fd, "etc/hello-link", &b, 0), 0);
        assert_int_equal(a.st_ino, b.st_ino);
        assert_int_equal(a.st_mtime, 1700000000);
        assert_true(readlinkat(f->layer_fd, "bin/sh", target, sizeof(target)) > 0);
        assert_string_equal(target, "/bin/busybox");
        assert_int_equal(fstatat(f->layer_fd, "run/fifo", &a, AT_SYMLINK_NOFOLLOW), 0);
        assert_true(S_ISFIFO(a.st_mode));
        assert_file(f->layer_fd, "abs/file", "contained", 0600);
        assert_file(f->layer_fd, "x/y", "dots", 0644);
}

static void test_basic_none(void **state) {
        check_basic(*state, "none");
}

static void test_basic_gzip(void **state) {
        check_basic(*state, "gzip");
}

static void test_basic_zstd(void **state) {
        check_basic(*state, "zstd");
}

static void test_whiteouts(void **state) {
        static const Entry e[] = {
                { AE_IFDIR, "dir/", NULL, 0755, NULL },
                { AE_IFREG, "dir/.wh..wh..opq", "", 0644, NULL },
                { AE_IFREG, "dir/new", "n", 0644, NULL },
                { AE_IFREG, ".wh.gone", "", 0644, NULL },
                { AE_IFREG, ".wh..wh.plnk", "", 0644, NULL },
        };
        Fixture *f = *state;
        LayerResult res;
        struct stat st;
        char v[8] = "";

        if (geteuid() != 0)
                skip(); /* whiteouts are 0/0 character devices and trusted.* xattrs */
        assert_int_equal(extract(f, e, ELEMENTSOF(e), "gzip", &res), 0);
        assert_int_equal(fstatat(f->layer_fd, "gone", &st, AT_SYMLINK_NOFOLLOW), 0);
        assert_true(S_ISCHR(st.st_mode));
        assert_int_equal(st.st_rdev, makedev(0, 0));
        assert_int_equal(faccessat(f->layer_fd, ".wh.gone", F_OK, AT_SYMLINK_NOFOLLOW), -1);
        assert_int_equal(faccessat(f->layer_fd, ".wh..wh.plnk", F_OK, AT_SYMLINK_NOFOLLOW), -1);
        assert_int_equal(faccessat(f->layer_fd, "dir/.wh..wh..opq", F_OK, AT_SYMLINK_NOFOLLOW), -1);
        _cleanup_close_ int dir = openat(f->layer_fd, "dir", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_int_equal(fgetxattr(dir, "trusted.overlay.opaque", v, sizeof(v)), 1);
        assert_int_equal(v[0], 'y');
        assert_file(f->layer_fd, "dir/new", "n", 0644);
}

/* Nothing may appear in outside/ or next to the layer directory. */
static void assert_nothing_outside(Fixture *f) {
        _cleanup_closedir_ DIR *d = NULL;
        char p[128];
        struct dirent *de;
        int n = 0;

        snprintf(p, sizeof(p), "%s/outside", f->top);
        d = opendir(p);
        assert_non_null(d);
        while ((de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
                        n++;
        assert_int_equal(n, 0);
        snprintf(p, sizeof(p), "%s/escape", f->top);
        assert_int_equal(access(p, F_OK), -1);
        assert_int_equal(access("/tmp/escape-from-layer", F_OK), -1);
}

static void test_dotdot(void **state) {
        static const Entry e[] = { { AE_IFREG, "a/../../escape", "x", 0644, NULL } };
        static const Entry e2[] = { { AE_IFREG, "../escape", "x", 0644, NULL } };
        Fixture *f = *state;
        LayerResult res;

        assert_int_equal(extract(f, e, 1, "none", &res), -EXDEV);
        assert_non_null(strstr(res.error, "leaves the directory"));
        assert_int_equal(extract(f, e2, 1, "gzip", &res), -EXDEV);
        assert_nothing_outside(f);
}

static void test_symlink_escape(void **state) {
        Fixture *f = *state;
        char target[128];
        LayerResult res;

        /* a symlink pointing at outside/ (relative and absolute), then a write through it */
        snprintf(target, sizeof(target), "%s/outside", f->top);
        Entry abs[] = { { AE_IFLNK, "evil", target, 0777, NULL },
                        { AE_IFREG, "evil/pwned", "x", 0644, NULL } };
        Entry rel[] = { { AE_IFLNK, "d/evil2", "../../outside", 0777, NULL },
                        { AE_IFREG, "d/evil2/pwned", "x", 0644, NULL } };
        Entry deep[] = { { AE_IFLNK, "evil3", "/tmp", 0777, NULL },
                         { AE_IFREG, "evil3/escape-from-layer", "x", 0644, NULL } };

        assert_int_equal(extract(f, abs, 2, "none", &res), -EXDEV);
        assert_non_null(strstr(res.error, "symlink"));
        assert_int_equal(extract(f, rel, 2, "zstd", &res), -EXDEV);
        assert_int_equal(extract(f, deep, 2, "gzip", &res), -EXDEV);
        assert_nothing_outside(f);
}

static void test_hardlink_escape(void **state) {
        static const Entry up[] = { { 0, "h", "../outside/secret", 0644, NULL } };
        static const Entry absolute[] = { { 0, "h", "/etc/passwd", 0644, NULL } };
        static const Entry via_symlink[] = { { AE_IFLNK, "s", "/etc", 0777, NULL },
                                             { 0, "h", "s/passwd", 0644, NULL } };
        static const Entry to_dir[] = { { AE_IFDIR, "d", NULL, 0755, NULL }, { 0, "h", "d", 0644, NULL } };
        Fixture *f = *state;
        LayerResult res;
        char p[128];

        snprintf(p, sizeof(p), "%s/outside/secret", f->top);
        assert_int_equal(write_file_atomic(p, "s", 1, 0600), 0);
        assert_int_equal(extract(f, up, 1, "none", &res), -EXDEV);
        assert_int_equal(extract(f, absolute, 1, "none", &res), -EXDEV);
        assert_int_equal(extract(f, via_symlink, 2, "none", &res), -EXDEV);
        assert_int_equal(extract(f, to_dir, 2, "none", &res), -EXDEV);
        assert_int_equal(faccessat(f->layer_fd, "h", F_OK, AT_SYMLINK_NOFOLLOW), -1);
        assert_int_equal(unlink(p), 0);
        assert_nothing_outside(f);
}

static void test_replace_symlink_with_file(void **state) {
        /* a later entry replaces a symlink with a file: the file lands in the layer, not at the target */
        Fixture *f = *state;
        char target[128];
        LayerResult res;

        snprintf(target, sizeof(target), "%s/outside/victim", f->top);
        Entry e[] = { { AE_IFLNK, "f", target, 0777, NULL }, { AE_IFREG, "f", "mine", 0644, NULL } };
        assert_int_equal(extract(f, e, 2, "none", &res), 0);
        assert_file(f->layer_fd, "f", "mine", 0644);
        assert_nothing_outside(f);
}

static void test_xattrs(void **state) {
        static const Entry e[] = {
                { AE_IFREG, "a", "1", 0644, "user.keep=yes" },
                { AE_IFREG, "b", "2", 0644, "trusted.overlay.redirect=/etc" },
                { AE_IFREG, "c", "3", 0644, "user.overlay.origin=x" },
        };
        Fixture *f = *state;
        LayerResult res;
        char v[16] = "";
        _cleanup_close_ int a = -EBADF, b = -EBADF, c = -EBADF;

        assert_int_equal(extract(f, e, ELEMENTSOF(e), "none", &res), 0);
        a = openat(f->layer_fd, "a", O_RDONLY | O_CLOEXEC);
        b = openat(f->layer_fd, "b", O_RDONLY | O_CLOEXEC);
        c = openat(f->layer_fd, "c", O_RDONLY | O_CLOEXEC);
        if (fgetxattr(a, "user.keep", v, sizeof(v)) < 0 && errno == EOPNOTSUPP)
                skip();
        assert_string_equal(v, "yes");
        assert_int_equal(fgetxattr(b, "trusted.overlay.redirect", v, sizeof(v)), -1);
        assert_int_equal(fgetxattr(c, "user.overlay.origin", v, sizeof(v)), -1);
}

static void test_garbage(void **state) {
        Fixture *f = *state;
        LayerResult res;
        _cleanup_close_ int fd = memfd_create("junk", MFD_CLOEXEC);

        assert_int_equal(write(fd, "\x1f\x8b\x08\x00garbage-not-gzip", 21), 21);
        assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
        assert_true(layer_extract(fd, f->layer_fd, LAYER_COMPRESSION_GZIP, NULL, &res) < 0);
        assert_true(res.error[0] != 0);
}

/* A tar that stops right after its last file's data (no padding, no end blocks), as umoci 0.4's insert writes
 * them: accepted as docker and containerd do. A tar that stops inside a file's data is refused. */
static int ustar_cut(const char *path, const char *data, size_t cut_from_end_of_data) {
        static char tar[16384];
        size_t tar_size = 0, n = strlen(data);
        struct archive *a = archive_write_new();
        struct archive_entry *ae = archive_entry_new();
        int fd;

        assert_int_equal(archive_write_set_format_ustar(a), ARCHIVE_OK);
        assert_int_equal(archive_write_open_memory(a, tar, sizeof(tar), &tar_size), ARCHIVE_OK);
        archive_entry_set_pathname(ae, path);
        archive_entry_set_filetype(ae, AE_IFREG);
        archive_entry_set_perm(ae, 0644);
        archive_entry_set_size(ae, (la_int64_t) n);
        archive_entry_set_uid(ae, getuid());
        archive_entry_set_gid(ae, getgid());
        assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
        assert_int_equal(archive_write_data(a, data, n), (la_ssize_t) n);
        assert_int_equal(archive_write_close(a), ARCHIVE_OK);
        archive_write_free(a);
        archive_entry_free(ae);
        fd = memfd_create("cut", MFD_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, tar, 512 + n - cut_from_end_of_data),
                         (ssize_t) (512 + n - cut_from_end_of_data));
        assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
        return fd;
}

static void test_tar_without_end(void **state) {
        Fixture *f = *state;
        LayerResult res;
        _cleanup_close_ int whole = ustar_cut("test-image-1", "test-image-1\n", 0);
        _cleanup_close_ int cut = ustar_cut("g", "cut inside the data\n", 5);

        assert_int_equal(layer_extract(whole, f->layer_fd, LAYER_COMPRESSION_NONE, NULL, &res), 0);
        assert_file(f->layer_fd, "test-image-1", "test-image-1\n", 0644);
        assert_true(layer_extract(cut, f->layer_fd, LAYER_COMPRESSION_NONE, NULL, &res) < 0);
        assert_true(res.error[0] != 0);
}

/* Only the media type's decompressor runs: a bzip2 layer (libarchive knows it) is not a tar to us,
 * and a zstd layer declared as gzip is refused too. */
static void test_compression_from_media_type(void **state) {
        Fixture *f = *state;
        static const Entry one[] = { { .path = "f", .type = AE_IFREG, .mode = 0644, .data = "x" } };
        char diff_id[DIGEST_STRING_MAX], blob[DIGEST_STRING_MAX];
        LayerResult res;

        _cleanup_close_ int bz = make_layer(one, 1, "bzip2", diff_id, blob);
        assert_true(layer_extract(bz, f->layer_fd, LAYER_COMPRESSION_DETECT, NULL, &res) < 0);
        assert_true(res.error[0] != 0);
        _cleanup_close_ int zs = make_layer(one, 1, "zstd", diff_id, blob);
        assert_true(layer_extract(zs, f->layer_fd, LAYER_COMPRESSION_GZIP, NULL, &res) < 0);
        _cleanup_close_ int zs2 = make_layer(one, 1, "zstd", diff_id, blob);
        assert_int_equal(layer_extract(zs2, f->layer_fd, LAYER_COMPRESSION_DETECT, NULL, &res), 0);
        assert_int_equal(layer_compression_from_media_type("application/vnd.oci.image.layer.v1.tar+bzip2"),
                         _LAYER_COMPRESSION_INVALID);
        assert_int_equal(layer_compression_from_media_type("application/vnd.oci.image.layer.v1.tar+zstd"),
                         LAYER_COMPRESSION_ZSTD);
        assert_int_equal(
                layer_compression_from_media_type("application/vnd.docker.image.rootfs.diff.tar.gzip"),
                LAYER_COMPRESSION_GZIP);
}

static void test_limits(void **state) {
        Fixture *f = *state;
        static const Entry three[] = {
                { .path = "a", .type = AE_IFREG, .mode = 0644, .data = "aaaa" },
                { .path = "b", .type = AE_IFREG, .mode = 0644, .data = "bbbb" },
                { .path = "c", .type = AE_IFREG, .mode = 0644, .data = "cccc" },
        };
        char diff_id[DIGEST_STRING_MAX], blob[DIGEST_STRING_MAX];
        LayerResult res;

        _cleanup_close_ int a = make_layer(three, 3, "gzip", diff_id, blob);
        assert_int_equal(
                layer_extract(a, f->layer_fd, LAYER_COMPRESSION_GZIP, &(LayerLimits){ 4096, 2 }, &res),
                -EFBIG);
        assert_non_null(strstr(res.error, "more than 2 entries"));
        assert_non_null(strstr(res.error, LAYER_MAX_ENTRIES_ENV));
        _cleanup_close_ int b = make_layer(three, 3, "gzip", diff_id, blob);
        assert_int_equal(
                layer_extract(b, f->layer_fd, LAYER_COMPRESSION_GZIP, &(LayerLimits){ 1024, 100 }, &res),
                -EFBIG);
        assert_non_null(strstr(res.error, "more than 1024 bytes"));
        _cleanup_close_ int c = make_layer(three, 3, "gzip", diff_id, blob);
        assert_int_equal(
                layer_extract(c, f->layer_fd, LAYER_COMPRESSION_GZIP, &(LayerLimits){ 1 << 20, 3 }, &res), 0);

        setenv(LAYER_MAX_BYTES_ENV, "2m", 1);
        setenv(LAYER_MAX_ENTRIES_ENV, "10", 1);
        LayerLimits l;
        assert_int_equal(layer_limits_from_environment(&l), 0);
        assert_int_equal(l.max_bytes, 2 << 20);
        assert_int_equal(l.max_entries, 10);
        setenv(LAYER_MAX_ENTRIES_ENV, "0", 1);
        assert_int_equal(layer_limits_from_environment(&l), -EINVAL);
        unsetenv(LAYER_MAX_BYTES_ENV);
        unsetenv(LAYER_MAX_ENTRIES_ENV);
        assert_int_equal(layer_limits_from_environment(&l), 0);
        assert_int_equal(l.max_bytes, LAYER_MAX_BYTES_DEFAULT);
}

/* The same entry checks as `conmanctl cp - CONTAINER:DEST` applies them (shared/tar-extract.c): no
 * whiteouts, no device nodes, DEST's own mode left alone; "..", a symlink then a file through it and a
 * hardlink out are refused, an absolute name lands below DEST. */
static int extract_as_cp(Fixture *f, const Entry *entries, size_t n, char **error) {
        char diff_id[DIGEST_STRING_MAX], blob[DIGEST_STRING_MAX];
        _cleanup_close_ int fd = make_layer(entries, n, "none", diff_id, blob);
        return tar_extract_stream(fd, f->layer_fd, &(TarExtractOptions){}, error);
}

static void test_cp_plain(void **state) {
        static const Entry e[] = {
                { AE_IFDIR, "./", NULL, 0644, NULL },      { AE_IFDIR, "etc/", NULL, 0755, NULL },
                { AE_IFREG, "etc/hosts", "h\n", 0, NULL }, { 0, "etc/hard", "etc/hosts", 0, NULL },
                { AE_IFREG, ".wh.gone", "", 0, NULL },     { AE_IFCHR, "etc/null", NULL, 0666, NULL },
        };
        Fixture *f = *state;
        _cleanup_free_ char *error = NULL;
        struct stat st;

        assert_int_equal(extract_as_cp(f, e, ELEMENTSOF(e), &error), 0);
        assert_file(f->layer_fd, "etc/hosts", "h\n", 0644);
        assert_int_equal(fstatat(f->layer_fd, "etc/hard", &st, AT_SYMLINK_NOFOLLOW), 0);
        assert_int_equal(st.st_nlink, 2);
        assert_file(f->layer_fd, ".wh.gone", "", 0644); /* a plain name here, not a whiteout */
        assert_int_equal(faccessat(f->layer_fd, "etc/null", F_OK, AT_SYMLINK_NOFOLLOW), -1);
        assert_int_equal(fstat(f->layer_fd, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0755); /* "./" leaves DEST's mode alone */
}

static void test_cp_escapes(void **state) {
        Fixture *f = *state;
        char target[128], abs[160];
        snprintf(target, sizeof(target), "%s/outside", f->top);
        snprintf(abs, sizeof(abs), "%s/outside/abs", f->top);
        const Entry dotdot[] = { { AE_IFREG, "../outside/x", "evil", 0, NULL } };
        const Entry through[] = { { AE_IFLNK, "out", target, 0777, NULL },
                                  { AE_IFREG, "out/x", "evil", 0, NULL } };
        const Entry hard[] = { { 0, "h", "../outside/secret", 0, NULL } };
        const Entry absolute[] = { { AE_IFREG, abs, "evil", 0, NULL } };
        char *error = NULL;

        assert_int_equal(extract_as_cp(f, dotdot, 1, &error), -EXDEV);
        assert_non_null(strstr(error, "../outside/x"));
        free(error);
        assert_int_equal(extract_as_cp(f, through, 2, &error), -EXDEV);
        assert_non_null(strstr(error, "symlink"));
        free(error);
        assert_int_equal(extract_as_cp(f, hard, 1, &error), -EXDEV);
        free(error);
        assert_int_equal(extract_as_cp(f, absolute, 1, NULL), 0);
        assert_nothing_outside(f);
        assert_file(f->layer_fd, abs + 1, "evil", 0644); /* stripped of its "/": below DEST */
}

static void test_cp_garbage(void **state) {
        Fixture *f = *state;
        _cleanup_close_ int fd = memfd_create("junk", MFD_CLOEXEC);
        _cleanup_free_ char *error = NULL;
        char junk[2048];

        memset(junk, 'x', sizeof(junk));
        assert_int_equal(write_all(fd, junk, sizeof(junk)), 0);
        assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
        assert_true(tar_extract_stream(fd, f->layer_fd, &(TarExtractOptions){}, &error) < 0);
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
                cmocka_unit_test_setup_teardown(test_basic_none, setup, teardown),
                cmocka_unit_test_setup_teardown(test_basic_gzip, setup, teardown),
                cmocka_unit_test_setup_teardown(test_basic_zstd, setup, teardown),
                cmocka_unit_test_setup_teardown(test_whiteouts, setup, teardown),
                cmocka_unit_test_setup_teardown(test_dotdot, setup, teardown),
                cmocka_unit_test_setup_teardown(test_symlink_escape, setup, teardown),
                cmocka_unit_test_setup_teardown(test_hardlink_escape, setup, teardown),
                cmocka_unit_test_setup_teardown(test_replace_symlink_with_file, setup, teardown),
                cmocka_unit_test_setup_teardown(test_xattrs, setup, teardown),
                cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
                cmocka_unit_test_setup_teardown(test_tar_without_end, setup, teardown),
                cmocka_unit_test_setup_teardown(test_compression_from_media_type, setup, teardown),
                cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
                cmocka_unit_test_setup_teardown(test_cp_plain, setup, teardown),
                cmocka_unit_test_setup_teardown(test_cp_escapes, setup, teardown),
                cmocka_unit_test_setup_teardown(test_cp_garbage, setup, teardown),
                cmocka_unit_test(test_xattr_filter),
                cmocka_unit_test(test_normalize),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
