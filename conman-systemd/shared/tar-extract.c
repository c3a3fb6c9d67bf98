/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tar-extract.c — untrusted tar entries applied below a directory (see tar-extract.h). Entries are applied
 * with *at() calls relative to fds opened below the root, never by path.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "shared/archive-dl.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/tar-extract.h"
#include "shared/util.h"

#define WHITEOUT_PREFIX ".wh."
#define WHITEOUT_OPAQUE ".wh..wh..opq"

static _printf_(3, 4) int refuse(TarExtract *x, int r, const char *fmt, ...) {
        va_list ap;

        if (x->error && x->error_size > 0) {
                va_start(ap, fmt);
                vsnprintf(x->error, x->error_size, fmt, ap);
                va_end(ap);
        }
        return r;
}

int tar_path_normalize(const char *raw, char **ret) {
        _cleanup_free_ char *out = NULL;
        size_t n = 0;

        if (!raw || strlen(raw) >= PATH_MAX)
                return -EINVAL;
        out = malloc(strlen(raw) + 1);
        if (!out)
                return -ENOMEM;
        for (const char *p = raw; *p;) {
                size_t len = strcspn(p, "/");
                if (len == 2 && strneq(p, "..", 2))
                        return -EXDEV;
                if (len > 0 && !(len == 1 && p[0] == '.')) {
                        if (n > 0)
                                out[n++] = '/';
                        memcpy(out + n, p, len);
                        n += len;
                }
                p += len;
                p += strspn(p, "/");
        }
        out[n] = 0;
        *ret = TAKE_PTR(out);
        return 0;
}

/* Opens the directory that holds path's last component, creating missing parents when asked.
 * A component that is a symlink or not a directory makes this fail with -EXDEV/-ENOTDIR. */
static int open_parent(int root_fd, const char *path, bool create, int *ret_fd, const char **ret_name) {
        _cleanup_close_ int fd = -EBADF;
        const char *p = path;

        fd = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
                return negative_errno();
        for (;;) {
                size_t len = strcspn(p, "/");
                char comp[NAME_MAX + 1];
                int next;

                if (p[len] == 0)
                        break;
                if (len > NAME_MAX)
                        return -ENAMETOOLONG;
                memcpy(comp, p, len);
                comp[len] = 0;
                next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (next < 0 && errno == ENOENT && create) {
                        if (mkdirat(fd, comp, 0755) < 0 && errno != EEXIST)
                                return negative_errno();
                        next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                }
                if (next < 0)
                        return errno == ELOOP ? -EXDEV : negative_errno();
                safe_close(fd);
                fd = next;
                p += len + 1;
        }
        if (strlen(p) > NAME_MAX)
                return -ENAMETOOLONG;
        *ret_fd = TAKE_FD(fd);
        *ret_name = p;
        return 0;
}

/* Removes whatever sits at dir_fd/name (file, symlink, device or directory tree). */
static int remove_existing(int dir_fd, const char *name, bool keep_dir) {
        struct stat st;

        if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : negative_errno();
        if (S_ISDIR(st.st_mode))
                return keep_dir ? 1 : rm_rf_at(dir_fd, name);
        return unlinkat(dir_fd, name, 0) < 0 ? negative_errno() : 0;
}

bool tar_xattr_allowed(const char *name) {
        if (string_has_prefix(name, "user."))
                return !string_has_prefix(name, "user.overlay.");
        return streq(name, "system.posix_acl_access") || streq(name, "system.posix_acl_default");
}

static int apply_xattrs(TarExtract *x, struct archive_entry *e, int fd) {
        const char *name;
        const void *value;
        size_t size;

        sym_archive_entry_xattr_reset(e);
        while (sym_archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
                if (!tar_xattr_allowed(name)) {
                        log_debug("Dropping xattr %s of %s from an archive", name,
                                  sym_archive_entry_pathname(e));
                        continue;
                }
                if (fsetxattr(fd, name, value, size, 0) < 0) {
                        if (errno == EOPNOTSUPP || errno == EPERM || errno == ENOTSUP)
                                log_debug("Dropping xattr %s of %s: %m", name, sym_archive_entry_pathname(e));
                        else
                                return negative_errno();
                }
        }
        return 0;
}

static int apply_owner(TarExtract *x, int dir_fd, const char *name, struct archive_entry *e) {
        if (!x->options.keep_owner)
                return 0;
        if (fchownat(dir_fd, name, (uid_t) sym_archive_entry_uid(e), (gid_t) sym_archive_entry_gid(e),
                     AT_SYMLINK_NOFOLLOW | (name[0] ? 0 : AT_EMPTY_PATH)) < 0 &&
            (x->privileged || errno != EPERM))
                return negative_errno();
        return 0;
}

static int write_data(TarExtract *x, int fd, struct archive_entry *e) {
        const void *block;
        size_t size;
        la_int64_t offset;
        int r;

        la_int64_t end = 0;

        while ((r = sym_archive_read_data_block(x->reader, &block, &size, &offset)) == ARCHIVE_OK) {
                /* a block may start past the end of the last one: a hole of a sparse file */
                if (lseek(fd, (off_t) offset, SEEK_SET) < 0)
                        return negative_errno();
                int k = write_all(fd, block, size);
                if (k < 0)
                        return k;
                end = MAX(end, offset + (la_int64_t) size);
        }
        /* Some tools (umoci 0.4's insert) end a layer right after the last file's data, without the padding
         * to a 512-byte block and the two zero blocks that end a tar. Go's archive/tar, hence docker and
         * containerd, accept that; so do we, when the entry's data is complete, and read no further. */
        if (r == ARCHIVE_FATAL && end >= sym_archive_entry_size(e) && sym_archive_entry_size(e) > 0)
                x->ended_early = true;
        else if (r != ARCHIVE_EOF)
                return -EBADMSG;
        /* sparse files: the holes at the end */
        if (ftruncate(fd, (off_t) sym_archive_entry_size(e)) < 0)
                return negative_errno();
        return 0;
}

static int finish_fd(TarExtract *x, int fd, struct archive_entry *e, bool set_time) {
        int r;

        r = apply_owner(x, fd, "", e);
        if (r < 0)
                return r;
        r = apply_xattrs(x, e, fd);
        if (r < 0)
                return r;
        /* after chown, which clears setuid bits */
        if (fchmod(fd, sym_archive_entry_perm(e) & 07777) < 0)
                return negative_errno();
        if (set_time) {
                struct timespec ts[2] = {
                        { .tv_sec = sym_archive_entry_mtime(e), .tv_nsec = sym_archive_entry_mtime_nsec(e) },
                        { .tv_sec = sym_archive_entry_mtime(e), .tv_nsec = sym_archive_entry_mtime_nsec(e) },
                };
                if (futimens(fd, ts) < 0)
                        return negative_errno();
        }
        return 0;
}

static int extract_regular(TarExtract *x, int dir_fd, const char *name, struct archive_entry *e) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        r = remove_existing(dir_fd, name, false);
        if (r < 0)
                return r;
        fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
        if (fd < 0)
                return negative_errno();
        r = write_data(x, fd, e);
        if (r < 0)
                return r;
        return finish_fd(x, fd, e, true);
}

static int extract_directory(TarExtract *x, int dir_fd, const char *name, struct archive_entry *e) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (name[0] == 0) /* the root itself */
                return x->options.root_metadata ? finish_fd(x, dir_fd, e, false) : 0;
        r = remove_existing(dir_fd, name, true);
        if (r < 0)
                return r;
        if (r == 0 && mkdirat(dir_fd, name, 0700) < 0)
                return negative_errno();
        fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        return finish_fd(x, fd, e, false);
}

static int extract_symlink(TarExtract *x, int dir_fd, const char *name, struct archive_entry *e) {
        const char *target = sym_archive_entry_symlink(e);
        struct timespec ts[2];
        int r;

        if (isempty(target) || strlen(target) >= PATH_MAX)
                return refuse(x, -EBADMSG, "symlink %s has an invalid target", sym_archive_entry_pathname(e));
        r = remove_existing(dir_fd, name, false);
        if (r < 0)
                return r;
        /* The target is stored as it is and never followed here; inside the container it
         * resolves against the container's root. */
        if (symlinkat(target, dir_fd, name) < 0)
                return negative_errno();
        r = apply_owner(x, dir_fd, name, e);
        if (r < 0)
                return r;
        ts[0] = ts[1] = (struct timespec){ .tv_sec = sym_archive_entry_mtime(e),
                                           .tv_nsec = sym_archive_entry_mtime_nsec(e) };
        (void) utimensat(dir_fd, name, ts, AT_SYMLINK_NOFOLLOW);
        return 0;
}

static int extract_hardlink(TarExtract *x, const char *path, int dir_fd, const char *name,
                            struct archive_entry *e) {
        _cleanup_free_ char *target = NULL;
        _cleanup_close_ int target_dir_fd = -EBADF;
        const char *target_name;
        struct stat st;
        int r;

        r = tar_path_normalize(sym_archive_entry_hardlink(e), &target);
        if (r < 0 || isempty(target))
                return refuse(x, -EXDEV, "hardlink %s points outside the directory (%s)",
                              sym_archive_entry_pathname(e), sym_archive_entry_hardlink(e));
        r = open_parent(x->root_fd, target, false, &target_dir_fd, &target_name);
        if (r == -EXDEV || r == -ENOENT || r == -ENOTDIR)
                return refuse(x, -EXDEV, "hardlink %s has target %s that is not inside the directory",
                              sym_archive_entry_pathname(e), sym_archive_entry_hardlink(e));
        if (r < 0)
                return r;
        if (fstatat(target_dir_fd, target_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISDIR(st.st_mode))
                return refuse(x, -EXDEV, "hardlink %s has a missing or directory target %s",
                              sym_archive_entry_pathname(e), sym_archive_entry_hardlink(e));
        if (streq(target, path)) /* a link to itself: nothing to do */
                return 0;
        r = remove_existing(dir_fd, name, false);
        if (r < 0)
                return r;
        if (linkat(target_dir_fd, target_name, dir_fd, name, 0) < 0)
                return negative_errno();
        return 0;
}

static int extract_node(TarExtract *x, int dir_fd, const char *name, struct archive_entry *e) {
        mode_t type = sym_archive_entry_filetype(e);
        dev_t dev = type == AE_IFIFO
                            ? 0
                            : makedev(sym_archive_entry_rdevmajor(e), sym_archive_entry_rdevminor(e));
        int r;

        if (type != AE_IFIFO && !x->options.devices) {
                log_warning("Skipping device node %s: not copied from an archive.",
                            sym_archive_entry_pathname(e));
                return 0;
        }
        r = remove_existing(dir_fd, name, false);
        if (r < 0)
                return r;
        if (mknodat(dir_fd, name, type | (sym_archive_entry_perm(e) & 07777), dev) < 0) {
                if (errno == EPERM && !x->privileged) {
                        log_debug("Skipping device node %s: not permitted.", sym_archive_entry_pathname(e));
                        return 0;
                }
                return negative_errno();
        }
        r = apply_owner(x, dir_fd, name, e);
        if (r < 0)
                return r;
        if (fchmodat(dir_fd, name, sym_archive_entry_perm(e) & 07777, 0) < 0)
                return negative_errno();
        return 0;
}

static int extract_whiteout(TarExtract *x, int dir_fd, const char *name, struct archive_entry *e) {
        const char *victim = name + strlen(WHITEOUT_PREFIX);
        int r;

        if (streq(name, WHITEOUT_OPAQUE)) {
                if (fsetxattr(dir_fd, "trusted.overlay.opaque", "y", 1, 0) < 0)
                        return negative_errno();
                return 0;
        }
        if (string_has_prefix(victim, WHITEOUT_PREFIX)) /* .wh..wh.plnk and friends: aufs metadata */
                return 0;
        if (isempty(victim) || streq(victim, ".") || streq(victim, ".."))
                return refuse(x, -EXDEV, "invalid whiteout %s", sym_archive_entry_pathname(e));
        r = remove_existing(dir_fd, victim, false);
        if (r < 0)
                return r;
        if (mknodat(dir_fd, victim, S_IFCHR | 0000, makedev(0, 0)) < 0)
                return negative_errno();
        return 0;
}

int tar_extract_entry(TarExtract *x, struct archive_entry *e) {
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int dir_fd = -EBADF;
        const char *name, *raw;
        mode_t type;
        int r;

        if (dlopen_libarchive() < 0)
                return -EOPNOTSUPP;
        raw = sym_archive_entry_pathname(e);
        type = sym_archive_entry_filetype(e);
        r = tar_path_normalize(raw, &path);
        if (r == -EXDEV)
                return refuse(x, r, "entry %s leaves the directory (\"..\")", raw);
        if (r < 0)
                return refuse(x, -EBADMSG, "entry with an invalid path");
        if (path[0] == 0)
                return type == AE_IFDIR ? extract_directory(x, x->root_fd, "", e) : 0;
        r = open_parent(x->root_fd, path, true, &dir_fd, &name);
        if (r == -EXDEV || r == -ENOTDIR)
                return refuse(x, -EXDEV, "entry %s would be written through a symlink or non-directory", raw);
        if (r < 0)
                return r;

        if (x->options.whiteouts && string_has_prefix(name, WHITEOUT_PREFIX))
                return extract_whiteout(x, dir_fd, name, e);
        if (sym_archive_entry_hardlink(e))
                return extract_hardlink(x, path, dir_fd, name, e);
        switch (type) {
        case AE_IFREG: return extract_regular(x, dir_fd, name, e);
        case AE_IFDIR: return extract_directory(x, dir_fd, name, e);
        case AE_IFLNK: return extract_symlink(x, dir_fd, name, e);
        case AE_IFCHR:
        case AE_IFBLK:
        case AE_IFIFO: return extract_node(x, dir_fd, name, e);
        default: log_debug("Skipping %s of unsupported type %o.", raw, (unsigned) type); return 0;
        }
}

/* Only decompressors that need no external program: ARCHIVE_WARN from a support call means one would run. */
static int stream_open(struct archive *a, int fd) {
        if (sym_archive_read_support_filter_none(a) != ARCHIVE_OK ||
            sym_archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
            sym_archive_read_support_filter_zstd(a) != ARCHIVE_OK ||
            sym_archive_read_support_format_tar(a) != ARCHIVE_OK)
                return -EPROTONOSUPPORT;
        return sym_archive_read_open_fd(a, fd, 64 * 1024) == ARCHIVE_OK ? 0 : -EBADMSG;
}

static int stream_extract(TarExtract *x) {
        struct archive_entry *e;
        int r;

        for (;;) {
                r = sym_archive_read_next_header(x->reader, &e);
                if (r == ARCHIVE_EOF)
                        return 0;
                if (r < ARCHIVE_WARN)
                        return refuse(x, -EBADMSG, "broken tar archive: %s",
                                      strna(sym_archive_error_string(x->reader)));
                r = tar_extract_entry(x, e);
                if (r < 0) {
                        if (!x->error[0])
                                refuse(x, r, "cannot create %s: %s", sym_archive_entry_pathname(e),
                                       strerror(-r));
                        return r;
                }
                if (x->ended_early)
                        return 0;
        }
}

int tar_extract_stream(int in_fd, int dir_fd, const TarExtractOptions *o, char **ret_error) {
        char error[512] = "";
        TarExtract x = {
                .root_fd = dir_fd,
                .options = *o,
                .privileged = geteuid() == 0,
                .error = error,
                .error_size = sizeof(error),
        };
        int r;

        if (dlopen_libarchive() < 0)
                return -EOPNOTSUPP;
        x.reader = sym_archive_read_new();
        if (!x.reader)
                return -ENOMEM;
        r = stream_open(x.reader, in_fd);
        if (r < 0)
                refuse(&x, r, "cannot read the archive: %s", strna(sym_archive_error_string(x.reader)));
        else
                r = stream_extract(&x);
        sym_archive_read_free(x.reader);
        if (r < 0 && ret_error)
                *ret_error = strdup(error[0] ? error : strerror(-r));
        return r;
}
