/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * layer.c — safe unpacking of layer tarballs (see layer.h).
 *
 * Two libarchive readers are chained: "inner" reads the raw blob from the fd
 * (hashing it) and undoes any compression; "outer" parses the tar from inner's
 * output (hashing that, which gives the diff_id). Entries are applied with
 * *at() calls relative to fds opened below the layer root, never by path.
 */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/util.h"
#include "image/layer.h"

#define WHITEOUT_PREFIX  ".wh."
#define WHITEOUT_OPAQUE  ".wh..wh..opq"
#define READ_BUFFER_SIZE (128 * 1024)

typedef struct Extract {
        int input_fd;
        int root_fd;
        struct archive *inner, *outer;
        Digester *raw, *diff;
        char buf[READ_BUFFER_SIZE];     /* raw input */
        char tar_buf[READ_BUFFER_SIZE]; /* uncompressed tar */
        LayerResult *result;
        LayerCompression compression;
        LayerLimits limits;
        uint64_t n_entries;
        bool over_size; /* the uncompressed tar passed limits.max_bytes */
        bool privileged;
        bool ended_early; /* the tar stopped right after an entry's data (see write_data()) */
} Extract;

static _printf_(3, 4) int refuse(Extract *x, int r, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(x->result->error, sizeof(x->result->error), fmt, ap);
        va_end(ap);
        return r;
}

int layer_path_normalize(const char *raw, char **ret) {
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

static int refuse_over_size(Extract *x) {
        return refuse(x, -EFBIG,
                      "the layer unpacks to more than %" PRIu64 " bytes (raise the limit with %s= in "
                      "conmand's environment)",
                      x->limits.max_bytes, LAYER_MAX_BYTES_ENV);
}

bool layer_xattr_allowed(const char *name) {
        if (string_has_prefix(name, "user."))
                return !string_has_prefix(name, "user.overlay.");
        return streq(name, "system.posix_acl_access") || streq(name, "system.posix_acl_default");
}

int layer_limits_from_environment(LayerLimits *ret) {
        LayerLimits l = LAYER_LIMITS_DEFAULT;
        const char *v;
        int r;

        v = getenv(LAYER_MAX_BYTES_ENV);
        if (v && *v) {
                r = parse_size(v, &l.max_bytes);
                if (r < 0 || l.max_bytes == 0)
                        return -EINVAL;
        }
        v = getenv(LAYER_MAX_ENTRIES_ENV);
        if (v && *v) {
                r = safe_atou64(v, &l.max_entries);
                if (r < 0 || l.max_entries == 0)
                        return -EINVAL;
        }
        *ret = l;
        return 0;
}

static int apply_xattrs(Extract *x, struct archive_entry *e, int fd) {
        const char *name;
        const void *value;
        size_t size;

        archive_entry_xattr_reset(e);
        while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
                if (!layer_xattr_allowed(name)) {
                        log_debug("Dropping xattr %s of %s from an image layer", name,
                                  archive_entry_pathname(e));
                        continue;
                }
                if (fsetxattr(fd, name, value, size, 0) < 0) {
                        if (errno == EOPNOTSUPP || errno == EPERM || errno == ENOTSUP)
                                log_debug("Dropping xattr %s of %s: %m", name, archive_entry_pathname(e));
                        else
                                return negative_errno();
                }
        }
        return 0;
}

static int apply_owner(Extract *x, int dir_fd, const char *name, struct archive_entry *e) {
        if (fchownat(dir_fd, name, (uid_t) archive_entry_uid(e), (gid_t) archive_entry_gid(e),
                     AT_SYMLINK_NOFOLLOW | (name[0] ? 0 : AT_EMPTY_PATH)) < 0 &&
            (x->privileged || errno != EPERM))
                return negative_errno();
        return 0;
}

static int write_data(Extract *x, int fd, struct archive_entry *e) {
        const void *block;
        size_t size;
        la_int64_t offset;
        int r;

        la_int64_t end = 0;

        while ((r = archive_read_data_block(x->outer, &block, &size, &offset)) == ARCHIVE_OK) {
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
        if (r == ARCHIVE_FATAL && end >= archive_entry_size(e) && archive_entry_size(e) > 0)
                x->ended_early = true;
        else if (r != ARCHIVE_EOF)
                return -EBADMSG;
        /* sparse files: the holes at the end */
        if (ftruncate(fd, (off_t) archive_entry_size(e)) < 0)
                return negative_errno();
        return 0;
}

static int finish_fd(Extract *x, int fd, struct archive_entry *e, bool set_time) {
        int r;

        r = apply_owner(x, fd, "", e);
        if (r < 0)
                return r;
        r = apply_xattrs(x, e, fd);
        if (r < 0)
                return r;
        /* after chown, which clears setuid bits */
        if (fchmod(fd, archive_entry_perm(e) & 07777) < 0)
                return negative_errno();
        if (set_time) {
                struct timespec ts[2] = {
                        { .tv_sec = archive_entry_mtime(e), .tv_nsec = archive_entry_mtime_nsec(e) },
                        { .tv_sec = archive_entry_mtime(e), .tv_nsec = archive_entry_mtime_nsec(e) },
                };
                if (futimens(fd, ts) < 0)
                        return negative_errno();
        }
        return 0;
}

static int extract_regular(Extract *x, int dir_fd, const char *name, struct archive_entry *e) {
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

static int extract_directory(Extract *x, int dir_fd, const char *name, struct archive_entry *e) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (name[0] == 0) /* the layer root itself */
                return finish_fd(x, dir_fd, e, false);
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

static int extract_symlink(Extract *x, int dir_fd, const char *name, struct archive_entry *e) {
        const char *target = archive_entry_symlink(e);
        struct timespec ts[2];
        int r;

        if (isempty(target) || strlen(target) >= PATH_MAX)
                return refuse(x, -EBADMSG, "symlink %s has an invalid target", archive_entry_pathname(e));
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
        ts[0] = ts[1] =
                (struct timespec){ .tv_sec = archive_entry_mtime(e), .tv_nsec = archive_entry_mtime_nsec(e) };
        (void) utimensat(dir_fd, name, ts, AT_SYMLINK_NOFOLLOW);
        return 0;
}

static int extract_hardlink(Extract *x, const char *path, int dir_fd, const char *name,
                            struct archive_entry *e) {
        _cleanup_free_ char *target = NULL;
        _cleanup_close_ int target_dir_fd = -EBADF;
        const char *target_name;
        struct stat st;
        int r;

        r = layer_path_normalize(archive_entry_hardlink(e), &target);
        if (r < 0 || isempty(target))
                return refuse(x, -EXDEV, "hardlink %s points outside the layer (%s)",
                              archive_entry_pathname(e), archive_entry_hardlink(e));
        r = open_parent(x->root_fd, target, false, &target_dir_fd, &target_name);
        if (r == -EXDEV || r == -ENOENT || r == -ENOTDIR)
                return refuse(x, -EXDEV, "hardlink %s has target %s that is not inside the layer",
                              archive_entry_pathname(e), archive_entry_hardlink(e));
        if (r < 0)
                return r;
        if (fstatat(target_dir_fd, target_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISDIR(st.st_mode))
                return refuse(x, -EXDEV, "hardlink %s has a missing or directory target %s",
                              archive_entry_pathname(e), archive_entry_hardlink(e));
        if (streq(target, path)) /* a link to itself: nothing to do */
                return 0;
        r = remove_existing(dir_fd, name, false);
        if (r < 0)
                return r;
        if (linkat(target_dir_fd, target_name, dir_fd, name, 0) < 0)
                return negative_errno();
        return 0;
}

static int extract_node(Extract *x, int dir_fd, const char *name, struct archive_entry *e) {
        mode_t type = archive_entry_filetype(e);
        dev_t dev = type == AE_IFIFO ? 0 : makedev(archive_entry_rdevmajor(e), archive_entry_rdevminor(e));
        int r;

        r = remove_existing(dir_fd, name, false);
        if (r < 0)
                return r;
        if (mknodat(dir_fd, name, type | (archive_entry_perm(e) & 07777), dev) < 0) {
                if (errno == EPERM && !x->privileged) {
                        log_debug("Skipping device node %s: not permitted.", archive_entry_pathname(e));
                        return 0;
                }
                return negative_errno();
        }
        r = apply_owner(x, dir_fd, name, e);
        if (r < 0)
                return r;
        if (fchmodat(dir_fd, name, archive_entry_perm(e) & 07777, 0) < 0)
                return negative_errno();
        return 0;
}

static int extract_whiteout(Extract *x, int dir_fd, const char *name, struct archive_entry *e) {
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
                return refuse(x, -EXDEV, "invalid whiteout %s", archive_entry_pathname(e));
        r = remove_existing(dir_fd, victim, false);
        if (r < 0)
                return r;
        if (mknodat(dir_fd, victim, S_IFCHR | 0000, makedev(0, 0)) < 0)
                return negative_errno();
        return 0;
}

static int extract_entry(Extract *x, struct archive_entry *e) {
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int dir_fd = -EBADF;
        const char *name, *raw = archive_entry_pathname(e);
        mode_t type = archive_entry_filetype(e);
        int r;

        r = layer_path_normalize(raw, &path);
        if (r == -EXDEV)
                return refuse(x, r, "entry %s leaves the layer directory (\"..\")", raw);
        if (r < 0)
                return refuse(x, -EBADMSG, "entry with an invalid path");
        if (path[0] == 0)
                return type == AE_IFDIR ? extract_directory(x, x->root_fd, "", e) : 0;
        r = open_parent(x->root_fd, path, true, &dir_fd, &name);
        if (r == -EXDEV || r == -ENOTDIR)
                return refuse(x, -EXDEV, "entry %s would be written through a symlink or non-directory", raw);
        if (r < 0)
                return r;

        if (string_has_prefix(name, WHITEOUT_PREFIX))
                return extract_whiteout(x, dir_fd, name, e);
        if (archive_entry_hardlink(e))
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

static la_ssize_t inner_read(struct archive *a, void *userdata, const void **ret) {
        Extract *x = userdata;
        ssize_t n;

        n = read_all(x->input_fd, x->buf, sizeof(x->buf));
        if (n < 0) {
                archive_set_error(a, (int) -n, "read failed");
                return -1;
        }
        if (digester_update(x->raw, x->buf, (size_t) n) < 0)
                return -1;
        *ret = x->buf;
        return n;
}

static la_ssize_t outer_read(struct archive *a, void *userdata, const void **ret) {
        Extract *x = userdata;
        la_ssize_t n;

        n = archive_read_data(x->inner, x->tar_buf, sizeof(x->tar_buf));
        if (n < 0) {
                archive_set_error(a, EIO, "%s", archive_error_string(x->inner) ?: "decompression failed");
                return -1;
        }
        if (digester_size(x->diff) + (uint64_t) n > x->limits.max_bytes) {
                x->over_size = true;
                archive_set_error(a, EFBIG, "the layer unpacks to more than the limit");
                return -1;
        }
        if (digester_update(x->diff, x->tar_buf, (size_t) n) < 0)
                return -1;
        *ret = x->tar_buf;
        return n;
}

/* Enables only the decompressor the media type names. ARCHIVE_WARN from a support call means libarchive
 * would run an external program for it: refused. */
static int support_compression(struct archive *a, LayerCompression c) {
        bool gzip = c == LAYER_COMPRESSION_GZIP || c == LAYER_COMPRESSION_DETECT,
             zstd = c == LAYER_COMPRESSION_ZSTD || c == LAYER_COMPRESSION_DETECT;

        if (c < 0 || c >= _LAYER_COMPRESSION_MAX)
                return -EPROTONOSUPPORT;
        if (archive_read_support_filter_none(a) != ARCHIVE_OK)
                return -EIO;
        if (gzip && archive_read_support_filter_gzip(a) != ARCHIVE_OK)
                return -EPROTONOSUPPORT;
        if (zstd && archive_read_support_filter_zstd(a) != ARCHIVE_OK)
                return -EPROTONOSUPPORT;
        return 0;
}

static int extract_open(Extract *x) {
        struct archive_entry *e;
        int r;

        x->inner = archive_read_new();
        x->outer = archive_read_new();
        if (!x->inner || !x->outer)
                return -ENOMEM;
        r = support_compression(x->inner, x->compression);
        if (r < 0)
                return refuse(
                        x, r,
                        "this build cannot decompress the layer's compression without external programs");
        if (archive_read_support_format_raw(x->inner) != ARCHIVE_OK ||
            archive_read_support_format_tar(x->outer) != ARCHIVE_OK)
                return -EIO;
        if (archive_read_open(x->inner, x, NULL, inner_read, NULL) != ARCHIVE_OK)
                return refuse(x, -EBADMSG, "cannot read layer: %s", archive_error_string(x->inner));
        r = archive_read_next_header(x->inner, &e);
        if (r != ARCHIVE_OK)
                return refuse(x, -EBADMSG, "cannot read layer: %s", strna(archive_error_string(x->inner)));
        if (archive_read_open(x->outer, x, NULL, outer_read, NULL) != ARCHIVE_OK)
                return x->over_size ? refuse_over_size(x)
                                    : refuse(x, -EBADMSG, "layer is not a tar archive: %s",
                                             archive_error_string(x->outer));
        return 0;
}

/* Reads what the readers left: tar padding after the end marker, trailing bytes of the blob. */
static int extract_drain(Extract *x) {
        char buf[16 * 1024];
        la_ssize_t n;
        ssize_t k;

        while ((n = archive_read_data(x->inner, buf, sizeof(buf))) > 0) {
                if (digester_size(x->diff) + (uint64_t) n > x->limits.max_bytes)
                        return refuse_over_size(x);
                if (digester_update(x->diff, buf, (size_t) n) < 0)
                        return -ENOMEM;
        }
        if (n < 0)
                return refuse(x, -EBADMSG, "decompression failed: %s", strna(archive_error_string(x->inner)));
        do {
                k = read_all(x->input_fd, buf, sizeof(buf));
                if (k < 0)
                        return (int) k;
                if (digester_update(x->raw, buf, (size_t) k) < 0)
                        return -ENOMEM;
        } while ((size_t) k == sizeof(buf));
        return 0;
}

static int extract_all(Extract *x) {
        struct archive_entry *e;
        int r;

        r = extract_open(x);
        if (r < 0)
                return r;
        for (;;) {
                r = archive_read_next_header(x->outer, &e);
                if (r == ARCHIVE_EOF)
                        break;
                if (x->over_size)
                        return refuse_over_size(x);
                if (r < ARCHIVE_WARN)
                        return refuse(x, -EBADMSG, "broken tar archive: %s",
                                      strna(archive_error_string(x->outer)));
                if (++x->n_entries > x->limits.max_entries)
                        return refuse(x, -EFBIG,
                                      "the layer has more than %" PRIu64 " entries (raise the limit with %s= "
                                      "in conmand's environment)",
                                      x->limits.max_entries, LAYER_MAX_ENTRIES_ENV);
                r = extract_entry(x, e);
                if (x->over_size)
                        return refuse_over_size(x);
                if (r < 0) {
                        if (!x->result->error[0])
                                refuse(x, r, "cannot create %s: %s", archive_entry_pathname(e), strerror(-r));
                        return r;
                }
                if (x->ended_early)
                        break;
        }
        return extract_drain(x);
}

static void extract_free(Extract *x) {
        if (!x)
                return;
        if (x->outer)
                archive_read_free(x->outer);
        if (x->inner)
                archive_read_free(x->inner);
        digester_free(x->raw);
        digester_free(x->diff);
        free(x);
}

int layer_extract(int input_fd, int dir_fd, LayerCompression compression, const LayerLimits *limits,
                  LayerResult *ret) {
        Extract *x; /* on the heap: its buffers are too big for a worker thread's stack */
        int r;

        *ret = (LayerResult){};
        x = calloc(1, sizeof(*x));
        if (!x)
                return -ENOMEM;
        x->input_fd = input_fd;
        x->root_fd = dir_fd;
        x->result = ret;
        x->compression = compression;
        x->limits = limits ? *limits : LAYER_LIMITS_DEFAULT;
        x->privileged = geteuid() == 0;
        r = digester_new(&x->raw);
        if (r >= 0)
                r = digester_new(&x->diff);
        if (r >= 0)
                r = extract_all(x);
        if (r >= 0) {
                ret->blob_size = digester_size(x->raw);
                ret->diff_size = digester_size(x->diff);
                r = digester_final(x->raw, ret->blob_digest);
        }
        if (r >= 0)
                r = digester_final(x->diff, ret->diff_id);
        extract_free(x);
        return r;
}
