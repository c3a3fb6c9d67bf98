/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-command.c — looking a container's command up the way the runtime would, to tell "not found"
 * from "not executable" after a failed start (container-command.h). The root is a list of directories (a
 * --rootfs, or an image's layers from the top): each path component is taken from the topmost layer that
 * has it, an overlay whiteout (a 0/0 character device) hides it, and symbolic links are resolved inside the
 * root, never on the host.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/util.h"
#include "image/store.h"
#include "daemon/container-command.h"
#include "daemon/manager.h"

#define DEFAULT_PATH     "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define SYMLINK_MAX_HOPS 32

/* One component in the layers, top first: 0 and its lstat, or -ENOENT (absent or whited out). */
static int layers_lstat(char *const *roots, const char *path, struct stat *ret) {
        for (char *const *root = roots; *root; root++) {
                _cleanup_free_ char *p = NULL;

                if (asprintf(&p, "%s%s", *root, path) < 0)
                        return -ENOMEM;
                if (lstat(p, ret) < 0) {
                        if (errno == ENOENT || errno == ENOTDIR)
                                continue;
                        return -errno;
                }
                if (S_ISCHR(ret->st_mode) && ret->st_rdev == makedev(0, 0))
                        return -ENOENT;
                return 0;
        }
        return -ENOENT;
}

/* The target of the symbolic link at path, from the topmost layer that has it. */
static int layers_readlink(char *const *roots, const char *path, char **ret) {
        char buf[PATH_MAX];

        for (char *const *root = roots; *root; root++) {
                _cleanup_free_ char *p = NULL;
                ssize_t n;

                if (asprintf(&p, "%s%s", *root, path) < 0)
                        return -ENOMEM;
                n = readlink(p, buf, sizeof(buf) - 1);
                if (n < 0 && (errno == ENOENT || errno == ENOTDIR))
                        continue;
                if (n < 0)
                        return -errno;
                buf[n] = 0;
                *ret = strdup(buf);
                return *ret ? 0 : -ENOMEM;
        }
        return -ENOENT;
}

/* Resolves the absolute path inside the layers and stats what it names. */
static int root_stat(char *const *roots, const char *path, struct stat *ret, unsigned *hops) {
        _cleanup_free_ char *done = strdup(""), *todo = strdup(path);
        char *rest, *component;
        int r;

        if (!done || !todo)
                return -ENOMEM;
        for (rest = todo; (component = strsep(&rest, "/"));) {
                _cleanup_free_ char *next = NULL, *target = NULL, *again = NULL;

                if (isempty(component) || streq(component, "."))
                        continue;
                if (streq(component, "..")) {
                        char *slash = strrchr(done, '/');
                        if (slash)
                                *slash = 0;
                        continue;
                }
                if (asprintf(&next, "%s/%s", done, component) < 0)
                        return -ENOMEM;
                r = layers_lstat(roots, next, ret);
                if (r < 0)
                        return r;
                if (!S_ISLNK(ret->st_mode)) {
                        free(done);
                        done = TAKE_PTR(next);
                        continue;
                }
                if (++*hops > SYMLINK_MAX_HOPS)
                        return -ELOOP;
                r = layers_readlink(roots, next, &target);
                if (r < 0)
                        return r;
                if (asprintf(&again, "%s/%s/%s", target[0] == '/' ? "" : done, target, strempty(rest)) < 0)
                        return -ENOMEM;
                return root_stat(roots, again, ret, hops);
        }
        return isempty(done) ? layers_lstat(roots, "/", ret) : 0;
}

/* A path the runtime would execute: a regular file with an execute bit (the container's root has them all
 * but this one). */
static int path_problem(char *const *roots, const char *path) {
        struct stat st;
        unsigned hops = 0;
        int r = root_stat(roots, path, &st, &hops);

        if (r == -ENOENT || r == -ENOTDIR)
                return COMMAND_NOT_FOUND;
        if (r < 0)
                return r;
        if (!S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0)
                return COMMAND_NOT_EXECUTABLE;
        return COMMAND_RUNNABLE;
}

int command_lookup(char *const *roots, const char *command, const char *path_env, const char *cwd) {
        _cleanup_free_ char *dirs = NULL;
        char *rest, *dir;

        if (isempty(command))
                return COMMAND_NOT_FOUND;
        if (strchr(command, '/')) {
                _cleanup_free_ char *abs = NULL;
                if (command[0] == '/')
                        return path_problem(roots, command);
                if (asprintf(&abs, "%s/%s", isempty(cwd) ? "" : cwd, command) < 0)
                        return -ENOMEM;
                return path_problem(roots, abs);
        }
        /* as Go's exec.LookPath in runc: the first executable file in $PATH; others are "not found" */
        dirs = strdup(path_env ?: DEFAULT_PATH);
        if (!dirs)
                return -ENOMEM;
        for (rest = dirs; (dir = strsep(&rest, ":"));) {
                _cleanup_free_ char *p = NULL;
                int r;

                if (asprintf(&p, "%s/%s", isempty(dir) ? strempty(cwd) : dir, command) < 0)
                        return -ENOMEM;
                r = path_problem(roots, p);
                if (r != COMMAND_NOT_FOUND && r != COMMAND_NOT_EXECUTABLE)
                        return r;
        }
        return COMMAND_NOT_FOUND;
}

/* What the container's root is made of, the top first: its --rootfs, or its image's layers. */
static int container_roots(Container *c, char ***ret) {
        _cleanup_(resolved_image_freep) ResolvedImage *img = NULL;
        _cleanup_strv_free_ char **roots = NULL;
        int r;

        if (!c->spec.image_id)
                return strv_push(ret, c->spec.rootfs);
        r = image_store_resolve(c->manager->image_store, c->spec.image_id, &img);
        if (r < 0)
                return r;
        for (size_t i = img->n_layers; i > 0; i--)
                if (strv_push(&roots, img->layer_dirs[i - 1]) < 0)
                        return -ENOMEM;
        *ret = TAKE_PTR(roots);
        return 0;
}

/* $PATH from the process's environment in config.json, or NULL. */
static const char *process_path(struct json_object *process) {
        struct json_object *env;

        if (!json_object_object_get_ex(process, "env", &env))
                return NULL;
        for (size_t i = 0; i < json_object_array_length(env); i++) {
                const char *e = json_object_get_string(json_object_array_get_idx(env, i));
                if (e && string_has_prefix(e, "PATH="))
                        return e + strlen("PATH=");
        }
        return NULL;
}

int container_command_problem(Container *c, const char *command, const char *path_env, const char *cwd) {
        _cleanup_strv_free_ char **roots = NULL;
        int r;

        r = container_roots(c, &roots);
        if (r < 0 || !roots)
                return r < 0 ? r : -ENOENT;
        return command_lookup(roots, command, path_env, cwd);
}

int container_command_check(Container *c) {
        _cleanup_json_ struct json_object *config = NULL;
        struct json_object *process, *args, *cwd;
        int r;

        r = json_read_file_at(c->dir_fd, "config.json", &config);
        if (r < 0)
                return r;
        if (!json_object_object_get_ex(config, "process", &process) ||
            !json_object_object_get_ex(process, "args", &args) || json_object_array_length(args) == 0)
                return -EINVAL;
        if (!json_object_object_get_ex(process, "cwd", &cwd))
                cwd = NULL;
        return container_command_problem(c, json_object_get_string(json_object_array_get_idx(args, 0)),
                                         process_path(process), cwd ? json_object_get_string(cwd) : "/");
}
