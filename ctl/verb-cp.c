/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-cp.c — `conmanctl cp [-a] [-L] CONTAINER:SRC DEST` and `conmanctl cp [-a] [-L] SRC CONTAINER:DEST`,
 * docker's rules: a directory goes below an existing destination directory under its own name (SRC/. copies
 * its contents), a file into an existing directory or onto a file path. The container's side is its root as
 * InspectContainer's GraphDriver names it: the live root of a running container (or a --rootfs directory);
 * for a stopped image container an overlay of its directories mounted in a mount namespace of conmanctl's own
 * (read-only to copy out; writable to copy in, so that the next start sees the files). Paths in the container
 * resolve with RESOLVE_IN_ROOT (open_in_root()): its symlinks, absolute or "..", stay inside its root, and
 * the copy itself never follows one (copy-tree.h). Root only, as conmand's directories are.
 *
 * With "-" as DEST the container's SRC goes to stdout as a tar stream whose names start with SRC's basename
 * (tree-tar.h); with "-" as SRC a tar stream from stdin (plain, gzip or zstd; untrusted) is unpacked into
 * the existing directory DEST (tar-extract.h: nothing lands outside DEST; devices are not made).
 */
#include <getopt.h>
#include <json-c/json.h>
#include <libgen.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "shared/copy-tree.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/tar-extract.h"
#include "shared/tree-tar.h"
#include "shared/util.h"
#include "ctl.h"
#include "help.h"

#define OVERLAYFS_MAGIC 0x794c7630

typedef struct CpRoot {
        char *merged, *upper, *work, *lower; /* GraphDriver.Data; lower "top:...:bottom" */
        bool running;
        char *scratch; /* our own overlay's mount point, removed at the end */
} CpRoot;

static void cp_root_done(CpRoot *r) {
        if (r->scratch) {
                (void) umount2(r->scratch, MNT_DETACH);
                (void) rmdir(r->scratch);
        }
        free(r->merged), free(r->upper), free(r->work), free(r->lower), free(r->scratch);
}

static char *json_str(struct json_object *o, const char *key) {
        struct json_object *v;
        return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
                       ? strdup(json_object_get_string(v))
                       : NULL;
}

static int inspect_root(sd_bus *bus, const char *ref, CpRoot *ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_json_ struct json_object *doc = NULL;
        struct json_object *g, *data, *state, *running;
        const char *json;
        int r;

        r = ctl_call(bus, "InspectContainer", &error, &reply, "s", ref);
        if (r >= 0)
                r = sd_bus_message_read(reply, "s", &json);
        if (r < 0)
                return ctl_log_bus_error("cannot inspect the container", &error, r);
        doc = json_tokener_parse(json);
        if (!doc || !json_object_object_get_ex(doc, "GraphDriver", &g) ||
            !json_object_object_get_ex(g, "Data", &data))
                return log_error_errno(-EBADMSG,
                                       "conmanctl cp: conmand did not say where the container's root is.");
        ret->merged = json_str(data, "MergedDir");
        ret->upper = json_str(data, "UpperDir");
        ret->work = json_str(data, "WorkDir");
        ret->lower = json_str(data, "LowerDir");
        ret->running = json_object_object_get_ex(doc, "State", &state) &&
                       json_object_object_get_ex(state, "Running", &running) &&
                       json_object_get_boolean(running);
        if (!ret->merged)
                return log_error_errno(-EBADMSG,
                                       "conmanctl cp: conmand did not say where the container's root is.");
        return 0;
}

static bool is_overlay_mount(const char *path) {
        struct statfs sf;
        return statfs(path, &sf) >= 0 && (unsigned long) sf.f_type == OVERLAYFS_MAGIC;
}

/* The directory to copy from or into: the live root, or an overlay of our own in a private mount namespace.
 */
static int open_root(CpRoot *c, bool writable, int *ret_fd) {
        _cleanup_free_ char *options = NULL;
        char scratch[] = "/run/conman-cp-XXXXXX";

        if (!c->upper || (c->running && is_overlay_mount(c->merged))) {
                *ret_fd = open(c->merged, O_PATH | O_DIRECTORY | O_CLOEXEC);
                return *ret_fd < 0 ? log_error_errno(-errno, "conmanctl cp: cannot open %s: %m", c->merged)
                                   : 0;
        }
        if (c->running && writable)
                return log_error_errno(-EOPNOTSUPP,
                                       "conmanctl cp: the running container's root is not visible "
                                       "here; copy into it while it is stopped.");
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                return log_error_errno(-errno,
                                       "conmanctl cp: cannot make a mount namespace: %m (cp needs root)");
        /* a container that never started has no upper directory yet: made as its first start makes it */
        if ((mkdir(c->upper, 0755) < 0 && errno != EEXIST) || (mkdir(c->work, 0755) < 0 && errno != EEXIST))
                return log_error_errno(-errno, "conmanctl cp: cannot make %s: %m", c->upper);
        if (!mkdtemp(scratch))
                return log_error_errno(-errno, "conmanctl cp: cannot make a directory under /run: %m");
        c->scratch = strdup(scratch);
        if (!c->scratch)
                return log_oom();
        if (writable ? asprintf(&options, "lowerdir=%s,upperdir=%s,workdir=%s", c->lower, c->upper, c->work) <
                               0
                     : asprintf(&options, "lowerdir=%s:%s", c->upper, c->lower) < 0)
                return log_oom();
        if (mount("overlay", c->scratch, "overlay", writable ? 0 : MS_RDONLY, options) < 0)
                return log_error_errno(-errno, "conmanctl cp: cannot mount the container's root: %m");
        *ret_fd = open(c->scratch, O_PATH | O_DIRECTORY | O_CLOEXEC);
        return *ret_fd < 0 ? log_error_errno(-errno, "conmanctl cp: cannot open %s: %m", c->scratch) : 0;
}

static bool ends_with_dot(const char *path) {
        size_t n = strlen(path);
        return streq(path, ".") || (n >= 2 && streq(path + n - 2, "/."));
}

static bool ends_with_slash(const char *path) {
        size_t n = strlen(path);
        return n > 0 && path[n - 1] == '/';
}

/* A container path made absolute and plain: "." dropped, ".." taken back (never above "/"), as the
 * container itself would see it; a trailing "/." (docker's "the contents of") is kept as a last ".". */
static char *container_path_normalize(const char *path) {
        _cleanup_free_ char *copy = strdup(path);
        char *out = malloc(strlen(path) + 3), *save = NULL;
        size_t n = 0;

        if (!copy || !out) {
                free(out);
                return NULL;
        }
        out[0] = 0;
        for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                if (streq(c, "."))
                        continue;
                if (streq(c, "..")) {
                        char *slash = strrchr(out, '/');
                        n = slash ? (size_t) (slash - out) : 0;
                        out[n] = 0;
                        continue;
                }
                n += (size_t) sprintf(out + n, "/%s", c);
        }
        if (ends_with_dot(path))
                strcpy(out + n, "/.");
        else if (n == 0)
                strcpy(out, "/.");
        return out;
}

/* "dir/name" → the directory part and the last component (trailing slashes dropped; "/" alone is "/."). A
 * last component of ".." is refused: a name must be one entry of its directory. */
static int split_path(const char *path, char **ret_dir, char **ret_base) {
        _cleanup_free_ char *a = strdup(path), *b = strdup(path);
        size_t n;

        if (!a || !b)
                return log_oom();
        n = strlen(a);
        while (n > 1 && a[n - 1] == '/') {
                n--;
                a[n] = b[n] = 0;
        }
        if (streq(a, "/"))
                return split_path("/.", ret_dir, ret_base);
        *ret_dir = strdup(dirname(a));
        *ret_base = strdup(basename(b));
        if (!*ret_dir || !*ret_base)
                return log_oom();
        if (streq(*ret_base, ".."))
                return log_error_errno(-EINVAL,
                                       "conmanctl cp: name the directory %s itself, not with \"..\".", path);
        return 0;
}

/* Opens the directory of a source path and names its entry; with follow (-L) a last-component symlink is
 * resolved first (inside root_fd when given: its target is a container path). */
static int open_source(int root_fd, const char *path, bool follow, int *ret_dir, char **ret_name) {
        _cleanup_free_ char *p = strdup(path);
        int fd = -EBADF;

        if (!p)
                return log_oom();
        for (unsigned hops = 0;; hops++) {
                _cleanup_free_ char *dir = NULL, *base = NULL, *next = NULL;
                char target[4096];
                ssize_t n;
                int r = split_path(p, &dir, &base);

                if (r < 0)
                        return r;
                fd = root_fd >= 0 ? open_in_root(root_fd, dir, O_PATH | O_DIRECTORY | O_CLOEXEC)
                                  : open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (fd < 0)
                        return root_fd >= 0 ? fd : -errno;
                n = follow && hops < 40 ? readlinkat(fd, base, target, sizeof(target) - 1) : -1;
                if (n < 0) {
                        *ret_dir = fd;
                        *ret_name = TAKE_PTR(base);
                        return 0;
                }
                target[n] = 0;
                close(fd);
                if (asprintf(&next, "%s%s%s", target[0] == '/' ? "" : dir, target[0] == '/' ? "" : "/",
                             target) < 0)
                        return log_oom();
                free(p);
                p = root_fd >= 0 ? container_path_normalize(next) : TAKE_PTR(next);
                if (!p)
                        return log_oom();
        }
}

/* Where a copy of an entry named name goes, by docker's rules: into DEST when it is a directory (under name),
 * else onto DEST. */
static int open_destination(int root_fd, const char *dest, const char *name, int *ret_dir, char **ret_name) {
        _cleanup_free_ char *dir = NULL, *base = NULL;
        int fd;

        fd = root_fd >= 0 ? open_in_root(root_fd, dest, O_PATH | O_DIRECTORY | O_CLOEXEC)
                          : open(dest, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
                *ret_dir = fd;
                *ret_name = strdup(name);
                return *ret_name ? 0 : log_oom();
        }
        if (ends_with_slash(dest))
                return log_error_errno(-ENOENT, "conmanctl cp: the destination directory %s does not exist.",
                                       dest);
        if (split_path(dest, &dir, &base) < 0)
                return -ENOMEM;
        fd = root_fd >= 0 ? open_in_root(root_fd, dir, O_PATH | O_DIRECTORY | O_CLOEXEC)
                          : open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(fd == -1 ? -errno : fd,
                                       "conmanctl cp: the destination's directory %s: %m", dir);
        *ret_dir = fd;
        *ret_name = TAKE_PTR(base);
        return 0;
}

/* Copies src_dir/src_name to dst_dir/dst_name, or with contents_only the directory's entries into the
 * destination directory (SRC/.). */
static int do_copy(int src_dir, const char *src_name, int dst_dir, const char *dst_name, bool contents_only,
                   const CopyOptions *o, const char *shown) {
        _cleanup_free_ char *failed = NULL;
        int r;

        if (contents_only) {
                _cleanup_close_ int in =
                        openat(src_dir, src_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                _cleanup_close_ int out = -EBADF;
                DIR *d;
                struct dirent *de;

                if (in < 0)
                        return log_error_errno(-errno, "conmanctl cp: %s is not a directory: %m", shown);
                if (mkdirat(dst_dir, dst_name, 0755) < 0 && errno != EEXIST)
                        return log_error_errno(-errno, "conmanctl cp: cannot make %s: %m", dst_name);
                out = openat(dst_dir, dst_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                d = out >= 0 ? fdopendir(dup(in)) : NULL;
                if (!d)
                        return log_error_errno(-errno, "conmanctl cp: cannot open the destination: %m");
                r = 0;
                while (r >= 0 && (de = readdir(d)))
                        if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
                                r = copy_entry(in, de->d_name, out, de->d_name, o, &failed);
                closedir(d);
        } else
                r = copy_entry(src_dir, src_name, dst_dir, dst_name, o, &failed);
        if (r < 0)
                return log_error_errno(r, "conmanctl cp: cannot copy %s%s%s: %m", shown, failed ? " at " : "",
                                       strempty(failed));
        return 0;
}

/* `cp CONTAINER:SRC -`: SRC (or with SRC/. what it holds) as a tar stream on stdout. */
static int cp_to_stdout(int src_dir, const char *src_name, bool contents_only, const char *shown) {
        _cleanup_free_ char *error = NULL;
        int r;

        if (isatty(STDOUT_FILENO))
                return log_error_errno(-EINVAL, "conmanctl cp: refusing to write a tar stream to a terminal; "
                                                "redirect stdout or pipe it into tar.");
        if (contents_only) {
                _cleanup_close_ int fd =
                        openat(src_dir, src_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0)
                        return log_error_errno(-errno, "conmanctl cp: %s is not a directory: %m", shown);
                r = tree_tar_write(fd, TREE_TAR_PLAIN, STDOUT_FILENO, &error);
        } else
                r = tree_tar_write_entry(src_dir, src_name, src_name, STDOUT_FILENO, &error);
        if (r < 0)
                return log_error_errno(r, "conmanctl cp: cannot write %s as a tar stream: %s", shown,
                                       error ?: strerror(-r));
        return 0;
}

/* `cp - CONTAINER:DEST`: the tar stream on stdin unpacked into the directory DEST, which must exist. */
static int cp_from_stdin(int root_fd, const char *dest, bool keep_owner) {
        _cleanup_free_ char *error = NULL;
        _cleanup_close_ int fd = open_in_root(root_fd, dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        TarExtractOptions o = { .keep_owner = keep_owner };
        int r;

        if (fd < 0)
                return log_error_errno(
                        fd, "conmanctl cp: the destination %s must be an existing directory: %m", dest);
        r = tar_extract_stream(STDIN_FILENO, fd, &o, &error);
        if (r < 0)
                return log_error_errno(r, "conmanctl cp: cannot unpack the tar stream into %s: %s", dest,
                                       error ?: strerror(-r));
        return 0;
}

int verb_cp(int argc, char *argv[]) {
        static const struct option options[] = {
                CTL_HELP_OPTION,
                { "archive", no_argument, NULL, 'a' },
                { "follow-link", no_argument, NULL, 'L' },
                {},
        };
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_(cp_root_done) CpRoot root = {};
        _cleanup_close_ int root_fd = -EBADF, src_dir = -EBADF, dst_dir = -EBADF;
        _cleanup_free_ char *ref = NULL, *src_name = NULL, *dst_name = NULL, *cpath = NULL;
        CopyOptions o = {};
        bool follow = false, into;
        const char *src, *dest, *colon;
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "haL", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        printf("Usage: conmanctl cp [-a] [-L] CONTAINER:SRC DEST|-\n"
                               "       conmanctl cp [-a] [-L] SRC|- CONTAINER:DEST\n\n"
                               "Copy files and directories between a container and the host, running or\n"
                               "not. A directory goes below an existing destination directory under its\n"
                               "own name (SRC/. copies what it holds); symlinks are copied as symlinks.\n"
                               "DEST - writes SRC to stdout as a tar stream; SRC - unpacks a tar stream\n"
                               "(plain, gzip or zstd) from stdin into the existing directory DEST.\n\n"
                               "  -a, --archive      Keep the owners (uid/gid); else files are root's\n"
                               "  -L, --follow-link  Copy what SRC points to when it is a symlink\n");
                        return 0;
                case 'a': o.keep_owner = true; break;
                case 'L': follow = true; break;
                default: return ctl_usage_error();
                }
        if (argc - optind != 2)
                return log_error_errno(ctl_usage_error(), "conmanctl cp: name a source and a destination.");
        src = argv[optind], dest = argv[optind + 1];
        /* CONTAINER:PATH, where the part before ':' has no '/' (a host path may hold a ':') */
#define CONTAINER_SIDE(s) ((colon = strchr(s, ':')) && colon > (s) && !memchr(s, '/', colon - (s)))
        into = CONTAINER_SIDE(dest);
        if (into == (bool) CONTAINER_SIDE(src))
                return log_error_errno(ctl_usage_error(), "conmanctl cp: exactly one of SRC and DEST must be "
                                                          "CONTAINER:PATH.");
        colon = strchr(into ? dest : src, ':');
        ref = strndup(into ? dest : src, colon - (into ? dest : src));
        cpath = container_path_normalize(colon + 1);
        if (!ref || !cpath)
                return log_oom();
        if (geteuid() != 0)
                return log_error_errno(-EPERM,
                                       "conmanctl cp: copying into and out of containers needs root.");
        r = ctl_bus_open(&bus);
        if (r >= 0)
                r = inspect_root(bus, ref, &root);
        if (r >= 0)
                r = open_root(&root, into, &root_fd);
        if (r < 0)
                return r;
        if (into && streq(src, "-"))
                return cp_from_stdin(root_fd, cpath, o.keep_owner);
        if (into) {
                r = open_source(-EBADF, src, follow, &src_dir, &src_name);
                if (r < 0)
                        return log_error_errno(r, "conmanctl cp: %s: %m", src);
                r = open_destination(root_fd, cpath, src_name, &dst_dir, &dst_name);
        } else {
                r = open_source(root_fd, cpath, follow, &src_dir, &src_name);
                if (r < 0)
                        return log_error_errno(r, "conmanctl cp: %s in %s: %m", cpath, ref);
                if (streq(dest, "-"))
                        return cp_to_stdout(src_dir, src_name, ends_with_dot(cpath), cpath);
                r = open_destination(-EBADF, dest, src_name, &dst_dir, &dst_name);
        }
        if (r < 0)
                return r;
        return do_copy(src_dir, src_name, dst_dir, dst_name, ends_with_dot(into ? src : cpath), &o,
                       into ? src : cpath);
}
