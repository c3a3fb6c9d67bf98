/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * diff-tree.c — see diff-tree.h.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "shared/util.h"
#include "diff-tree.h"

/* Whether rel (relative, "" for the root) exists in any lower layer, where no upper layer whited it out
 * first (a layer's own whiteouts are OCI ".wh." files, turned into overlayfs ones when unpacked: both
 * hide the name). */
static bool in_lower(char *const *lower, const char *rel) {
        for (char *const *l = lower; l && *l; l++) {
                _cleanup_free_ char *path = NULL;
                struct stat st;

                if (asprintf(&path, "%s/%s", *l, rel) < 0)
                        return false;
                if (lstat(path, &st) < 0)
                        continue;
                return !(S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0));
        }
        return false;
}

static bool is_opaque(int fd) {
        char v[2] = "";

        return (fgetxattr(fd, "trusted.overlay.opaque", v, sizeof(v)) == 1 ||
                fgetxattr(fd, "user.overlay.opaque", v, sizeof(v)) == 1) &&
               v[0] == 'y';
}

static int add(char ***lines, char kind, const char *rel) {
        char *line;

        if (asprintf(&line, "%c /%s", kind, rel) < 0)
                return -ENOMEM;
        return strv_push_take(lines, line);
}

/* The names of the lower layers' directory rel that the upper directory dir_fd does not have: what an
 * opaque upper directory deletes. */
static int add_hidden(char ***lines, char *const *lower, const char *rel, int dir_fd) {
        for (char *const *l = lower; l && *l; l++) {
                _cleanup_free_ char *path = NULL;
                DIR *d;
                struct dirent *de;

                if (asprintf(&path, "%s/%s", *l, rel) < 0)
                        return -ENOMEM;
                d = opendir(path);
                if (!d)
                        continue;
                while ((de = readdir(d))) {
                        _cleanup_free_ char *line = NULL;
                        struct stat st;

                        if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                                continue;
                        if (fstatat(dir_fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) >= 0)
                                continue; /* the upper has it: added or changed, said there */
                        if (asprintf(&line, "D /%s%s%s", rel, *rel ? "/" : "", de->d_name) < 0 ||
                            (!strv_contains(*lines, line) && strv_push(lines, line) < 0)) {
                                closedir(d);
                                return -ENOMEM;
                        }
                }
                closedir(d);
        }
        return 0;
}

static int walk(int dir_fd, const char *rel, dev_t dev, char *const *lower, char ***lines) {
        DIR *d = fdopendir(dir_fd);
        struct dirent *de;
        int r = 0;

        if (!d) {
                close(dir_fd);
                return -errno;
        }
        if (is_opaque(dirfd(d)))
                r = add_hidden(lines, lower, rel, dirfd(d));
        while (r >= 0 && (de = readdir(d))) {
                _cleanup_free_ char *child = NULL;
                struct stat st;

                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (asprintf(&child, "%s%s%s", rel, *rel ? "/" : "", de->d_name) < 0) {
                        r = -ENOMEM;
                        break;
                }
                if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        continue;
                if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
                        r = add(lines, 'D', child);
                        continue;
                }
                r = add(lines, in_lower(lower, child) ? 'C' : 'A', child);
                if (r >= 0 && S_ISDIR(st.st_mode) && st.st_dev == dev) {
                        int fd =
                                openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (fd >= 0)
                                r = walk(fd, child, dev, lower, lines);
                }
        }
        closedir(d);
        return r;
}

static int compare_paths(const void *a, const void *b) {
        return strcmp(*(char *const *) a + 2, *(char *const *) b + 2);
}

/* Drops the hidden paths, then a "C /dir" of a hidden path's directory when no other line is below it. */
static void drop_hidden(char **lines, char *const *hidden) {
        size_t w = 0, n = strv_length(lines);

        for (size_t i = 0; i < n; i++) {
                bool drop = strv_contains(hidden, lines[i] + 2);

                for (char *const *h = hidden; !drop && h && *h; h++) {
                        const char *slash = strrchr(*h, '/');
                        size_t len = slash ? (size_t) (slash - *h) : 0;
                        bool other = false;

                        if (lines[i][0] != 'C' || len == 0 || strlen(lines[i] + 2) != len ||
                            !strneq(lines[i] + 2, *h, len))
                                continue;
                        for (size_t j = 0; j < n && !other; j++)
                                other = j != i && strneq(lines[j] + 2, *h, len) && lines[j][2 + len] == '/' &&
                                        !strv_contains(hidden, lines[j] + 2);
                        drop = !other;
                }
                if (drop)
                        free(lines[i]);
                else
                        lines[w++] = lines[i];
        }
        if (lines)
                lines[w] = NULL;
}

int diff_tree(const char *upper, char *const *lower_dirs, char *const *hidden, char ***ret) {
        _cleanup_strv_free_ char **lines = NULL;
        struct stat st;
        int fd, r;

        fd = open(upper, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0) {
                close(fd);
                return -errno;
        }
        r = walk(fd, "", st.st_dev, lower_dirs, &lines);
        if (r < 0)
                return r;
        drop_hidden(lines, hidden);
        if (lines)
                qsort(lines, strv_length(lines), sizeof(char *), compare_paths);
        *ret = TAKE_PTR(lines);
        return 0;
}
