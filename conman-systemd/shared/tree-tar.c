/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tree-tar.c — a directory tree → tar stream, with overlayfs whiteouts as OCI whiteouts (see tree-tar.h).
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "shared/archive-dl.h"
#include "shared/fileio.h"
#include "shared/tree-tar.h"
#include "shared/util.h"

#define TREE_MAX_DEPTH 512

typedef struct HardLink {
        dev_t dev;
        ino_t ino;
        char *path;
} HardLink;

typedef struct TreeTar {
        struct archive *archive;
        TreeTarMode mode;
        HardLink *links;
        size_t n_links;
        char **error;
} TreeTar;

int oci_whiteout_path(const char *path, char **ret) {
        const char *slash = strrchr(path, '/');
        int dir_len = slash ? (int) (slash - path + 1) : 0;

        if (isempty(slash ? slash + 1 : path))
                return -EINVAL;
        return asprintf(ret, "%.*s" OCI_WHITEOUT_PREFIX "%s", dir_len, path, slash ? slash + 1 : path) < 0
                       ? -ENOMEM
                       : 0;
}

#define tree_fail(x, r, ...) error_setf((x)->error, (r), __VA_ARGS__)

static int archive_fail(TreeTar *t, const char *path) {
        int e = sym_archive_errno(t->archive);

        return tree_fail(t, e > 0 ? -e : -EIO, "cannot write %s: %s", path,
                         strna(sym_archive_error_string(t->archive)));
}

/* The first path of an inode with several links seen before, or NULL (and remembers this one). */
static const char *hardlink_of(TreeTar *t, const struct stat *st, const char *path) {
        HardLink *l;

        for (size_t i = 0; i < t->n_links; i++)
                if (t->links[i].dev == st->st_dev && t->links[i].ino == st->st_ino)
                        return t->links[i].path;
        l = reallocarray(t->links, t->n_links + 1, sizeof(HardLink));
        if (!l)
                return NULL;
        t->links = l;
        l[t->n_links] = (HardLink){ st->st_dev, st->st_ino, strdup(path) };
        if (l[t->n_links].path)
                t->n_links++;
        return NULL;
}

static int write_header(TreeTar *t, struct archive_entry *e, const char *path) {
        return sym_archive_write_header(t->archive, e) == ARCHIVE_OK ? 0 : archive_fail(t, path);
}

static int write_empty(TreeTar *t, const char *path) {
        struct archive_entry *e = sym_archive_entry_new();
        int r;

        if (!e)
                return -ENOMEM;
        sym_archive_entry_set_pathname(e, path);
        sym_archive_entry_set_filetype(e, AE_IFREG);
        sym_archive_entry_set_perm(e, 0644);
        sym_archive_entry_set_size(e, 0);
        r = write_header(t, e, path);
        sym_archive_entry_free(e);
        return r;
}

/* The contents of a regular file: at most the size the header said (a file that grows is cut, one that
 * shrinks is padded by libarchive). */
static int write_contents(TreeTar *t, int dir_fd, const char *name, const struct stat *st, const char *path) {
        _cleanup_close_ int fd =
                openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        struct stat now;
        char buf[64 * 1024];
        uint64_t left = (uint64_t) st->st_size;

        if (fd < 0)
                return tree_fail(t, negative_errno(), "cannot open %s: %m", path);
        if (fstat(fd, &now) < 0 || now.st_ino != st->st_ino || !S_ISREG(now.st_mode))
                return tree_fail(t, -ESTALE, "%s changed while it was read", path);
        while (left > 0) {
                ssize_t n = read_all(fd, buf, MIN(sizeof(buf), left));
                if (n < 0)
                        return tree_fail(t, (int) n, "cannot read %s: %s", path, strerror((int) -n));
                if (n == 0)
                        break;
                if (sym_archive_write_data(t->archive, buf, (size_t) n) != n)
                        return archive_fail(t, path);
                left -= (uint64_t) n;
        }
        return 0;
}

static bool is_opaque(int fd) {
        char v[2];

        return (fgetxattr(fd, "trusted.overlay.opaque", v, sizeof(v)) == 1 && v[0] == 'y') ||
               (fgetxattr(fd, "user.overlay.opaque", v, sizeof(v)) == 1 && v[0] == 'y');
}

static int walk(TreeTar *t, int dir_fd, const char *prefix, unsigned depth);

static int write_node(TreeTar *t, int dir_fd, const char *name, const char *path, unsigned depth) {
        struct archive_entry *e;
        const char *link;
        char target[PATH_MAX];
        struct stat st;
        ssize_t n;
        int r = 0;

        if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : tree_fail(t, negative_errno(), "cannot stat %s: %m", path);
        if (S_ISSOCK(st.st_mode))
                return 0;
        if (t->mode == TREE_TAR_OVERLAY_UPPER && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
                _cleanup_free_ char *wh = NULL;
                r = oci_whiteout_path(path, &wh);
                return r < 0 ? r : write_empty(t, wh);
        }
        e = sym_archive_entry_new();
        if (!e)
                return -ENOMEM;
        sym_archive_entry_copy_stat(e, &st);
        sym_archive_entry_set_pathname(e, path);
        sym_archive_entry_set_uname(e, NULL);
        sym_archive_entry_set_gname(e, NULL);
        if (!S_ISREG(st.st_mode))
                sym_archive_entry_set_size(e, 0);
        if (S_ISLNK(st.st_mode)) {
                n = readlinkat(dir_fd, name, target, sizeof(target) - 1);
                if (n < 0)
                        r = tree_fail(t, negative_errno(), "cannot read link %s: %m", path);
                else {
                        target[n] = 0;
                        sym_archive_entry_set_symlink(e, target);
                }
        } else if (!S_ISDIR(st.st_mode) && st.st_nlink > 1 && (link = hardlink_of(t, &st, path))) {
                sym_archive_entry_set_hardlink(e, link);
                sym_archive_entry_set_size(e, 0);
        }
        if (S_ISDIR(st.st_mode)) {
                _cleanup_free_ char *dir_path = NULL;
                if (asprintf(&dir_path, "%s/", path) < 0)
                        r = -ENOMEM;
                else
                        sym_archive_entry_set_pathname(e, dir_path);
        }
        if (r >= 0)
                r = write_header(t, e, path);
        if (r >= 0 && S_ISREG(st.st_mode) && sym_archive_entry_size(e) > 0)
                r = write_contents(t, dir_fd, name, &st, path);
        sym_archive_entry_free(e);
        if (r >= 0 && S_ISDIR(st.st_mode)) {
                _cleanup_close_ int fd =
                        openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0)
                        return tree_fail(t, negative_errno(), "cannot open %s: %m", path);
                if (t->mode == TREE_TAR_OVERLAY_UPPER && is_opaque(fd)) {
                        _cleanup_free_ char *opq = NULL;
                        if (asprintf(&opq, "%s/" OCI_WHITEOUT_OPAQUE, path) < 0)
                                return -ENOMEM;
                        r = write_empty(t, opq);
                }
                if (r >= 0)
                        r = walk(t, fd, path, depth + 1);
        }
        return r;
}

static int walk(TreeTar *t, int dir_fd, const char *prefix, unsigned depth) {
        _cleanup_close_ int fd = fcntl(dir_fd, F_DUPFD_CLOEXEC, 3);
        DIR *d;
        struct dirent *de;
        int r = 0;

        if (depth > TREE_MAX_DEPTH)
                return tree_fail(t, -ELOOP, "%s nests more than %d directories", prefix, TREE_MAX_DEPTH);
        if (fd < 0 || !(d = fdopendir(fd)))
                return negative_errno();
        TAKE_FD(fd);
        while (r >= 0 && (errno = 0, de = readdir(d))) {
                _cleanup_free_ char *path = NULL;
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if ((prefix ? asprintf(&path, "%s/%s", prefix, de->d_name)
                            : asprintf(&path, "%s", de->d_name)) < 0)
                        r = -ENOMEM;
                else
                        r = write_node(t, dirfd(d), de->d_name, path, depth);
        }
        if (r >= 0 && errno > 0)
                r = negative_errno();
        closedir(d);
        return r;
}

/* Opens the archive on out_fd, writes what write() adds (the whole tree, or one entry) and closes it. */
static int tree_tar_run(TreeTar *t, int out_fd, int dir_fd, const char *name, const char *as) {
        int r = 0;

        if (t->error)
                *t->error = NULL;
        if (dlopen_libarchive() < 0)
                return -EOPNOTSUPP;
        t->archive = sym_archive_write_new();
        if (!t->archive)
                return -ENOMEM;
        if (sym_archive_write_set_format_pax_restricted(t->archive) != ARCHIVE_OK ||
            sym_archive_write_set_bytes_in_last_block(t->archive, 1) != ARCHIVE_OK ||
            sym_archive_write_open_fd(t->archive, out_fd) != ARCHIVE_OK)
                r = archive_fail(t, "the archive");
        if (r >= 0)
                r = name ? write_node(t, dir_fd, name, as, 0) : walk(t, dir_fd, NULL, 0);
        if (r >= 0 && sym_archive_write_close(t->archive) != ARCHIVE_OK)
                r = archive_fail(t, "the archive");
        sym_archive_write_free(t->archive);
        for (size_t i = 0; i < t->n_links; i++)
                free(t->links[i].path);
        free(t->links);
        return r;
}

int tree_tar_write(int dir_fd, TreeTarMode mode, int out_fd, char **ret_error) {
        TreeTar t = { .mode = mode, .error = ret_error };
        return tree_tar_run(&t, out_fd, dir_fd, NULL, NULL);
}

int tree_tar_write_entry(int dir_fd, const char *name, const char *as, int out_fd, char **ret_error) {
        TreeTar t = { .mode = TREE_TAR_PLAIN, .error = ret_error };
        return tree_tar_run(&t, out_fd, dir_fd, name, as);
}
