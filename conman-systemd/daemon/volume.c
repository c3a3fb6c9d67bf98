/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * volume.c — see volume.h.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/fileio.h"
#include "shared/json-util.h"
#include "shared/log.h"
#include "shared/util.h"
#include "shared/volume-spec.h"
#include "shared/volume-store.h"
#include "daemon/container.h"
#include "daemon/volume.h"

void volume_info_done(VolumeInfo *v) {
        free(v->name);
        free(v->mountpoint);
        strv_freep(&v->labels);
        *v = (VolumeInfo){};
}

int volume_create(Manager *m, const char *name, char *const *labels, bool anonymous) {
        return volume_dir_create(m->state_dir_fd, name, labels, anonymous);
}

/* <state>/volumes, or -ENOENT before the first volume. */
static int open_volumes_dir(Manager *m) {
        int fd = openat(m->state_dir_fd, VOLUMES_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return fd < 0 ? negative_errno() : fd;
}

int volume_load(Manager *m, const char *name, VolumeInfo *ret) {
        _cleanup_close_ int dir_fd = -EBADF, fd = -EBADF;
        _cleanup_json_ struct json_object *j = NULL;
        _cleanup_(volume_info_done) VolumeInfo v = {};
        struct json_object *o;
        int r;

        if (!volume_name_is_valid(name))
                return -ENOENT;
        dir_fd = open_volumes_dir(m);
        if (dir_fd < 0)
                return dir_fd == -ENOENT ? -ENOENT : dir_fd;
        fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return negative_errno();
        r = json_read_file_at(fd, "volume.json", &j);
        if (r < 0 && r != -ENOENT)
                return r;
        if (j && json_object_object_get_ex(j, "createdAt", &o))
                v.created_at = json_object_get_uint64(o);
        v.anonymous = j && json_get_bool(j, "anonymous");
        if (j)
                r = json_strv_get(json_object_object_get(j, "labels"), &v.labels);
        if (r < 0 && r != -ENOENT)
                return r;
        v.name = strdup(name);
        if (!v.name || volume_data_path(m->state_dir, name, &v.mountpoint) < 0)
                return -ENOMEM;
        *ret = v;
        v = (VolumeInfo){};
        return 0;
}

static int cmp_names(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

int volume_list(Manager *m, char ***ret) {
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        _cleanup_close_ int dir_fd = open_volumes_dir(m);
        struct dirent *de;
        int r;

        if (dir_fd == -ENOENT) {
                *ret = NULL;
                return 0;
        }
        if (dir_fd < 0)
                return dir_fd;
        r = opendir_at(dir_fd, ".", &d);
        if (r < 0)
                return r;
        while ((de = readdir(d)))
                if (volume_name_is_valid(de->d_name) && strv_push(&names, de->d_name) < 0)
                        return -ENOMEM;
        if (names)
                qsort(names, strv_length(names), sizeof(char *), cmp_names);
        *ret = TAKE_PTR(names);
        return 0;
}

int volume_remove(Manager *m, const char *name) {
        _cleanup_close_ int dir_fd = -EBADF;
        char tmp[80];

        if (!volume_name_is_valid(name))
                return -ENOENT;
        dir_fd = open_volumes_dir(m);
        if (dir_fd < 0)
                return dir_fd;
        /* renamed away first: a crash half way leaves a ".#" directory, not half a volume */
        snprintf(tmp, sizeof(tmp), ".#old-%s", random_hex_stack(8).s);
        if (renameat(dir_fd, name, dir_fd, tmp) < 0)
                return negative_errno();
        (void) fsync(dir_fd);
        return rm_rf_at(dir_fd, tmp);
}

unsigned volume_users(Manager *m, const char *name) {
        unsigned n = 0;

        for (Container *c = m->containers; c; c = c->next)
                for (size_t i = 0; i < c->spec.n_volumes; i++)
                        if (c->spec.volumes[i].volume_name && streq(c->spec.volumes[i].volume_name, name)) {
                                n++;
                                break;
                        }
        return n;
}

struct json_object *volume_info_to_json(const VolumeInfo *v, unsigned users) {
        struct json_object *j = json_object_new_object(), *labels = json_object_new_object();
        char buf[40];

        for (char **l = v->labels; l && *l; l++) {
                const char *eq = strchr(*l, '=');
                _cleanup_free_ char *key = eq ? strndup(*l, eq - *l) : strdup(*l);
                if (key)
                        json_object_object_add(labels, key, json_object_new_string(eq ? eq + 1 : ""));
        }
        json_object_object_add(j, "CreatedAt", json_object_new_string(format_timestamp(v->created_at, buf)));
        json_object_object_add(j, "Driver", json_object_new_string("local"));
        json_object_object_add(j, "Labels", labels);
        json_object_object_add(j, "Mountpoint", json_object_new_string(v->mountpoint));
        json_object_object_add(j, "Name", json_object_new_string(v->name));
        json_object_object_add(j, "Options", json_object_new_object());
        json_object_object_add(j, "Scope", json_object_new_string("local"));
        json_object_object_add(j, "UsageData", NULL);
        json_object_object_add(j, "RefCount", json_object_new_int64(users));
        json_object_object_add(j, "Anonymous", json_object_new_boolean(v->anonymous));
        return j;
}

int container_volumes_resolve(Manager *m, ContainerSpec *spec) {
        for (size_t i = 0; i < spec->n_volumes; i++) {
                VolumeSpec *v = &spec->volumes[i];
                int r;

                if (v->anonymous && !v->volume_name) {
                        r = random_hex(32, &v->volume_name);
                        if (r < 0)
                                return r;
                }
                if (!v->volume_name || v->source || !volume_name_is_valid(v->volume_name))
                        continue; /* a host path, or a bad name container_spec_validate() refuses */
                r = volume_data_path(m->state_dir, v->volume_name, &v->source);
                if (r < 0)
                        return r;
        }
        return 0;
}

void container_volumes_remove_anonymous(Container *c) {
        for (size_t i = 0; i < c->spec.n_volumes; i++) {
                const char *name = c->spec.volumes[i].volume_name;
                int r;

                if (!c->spec.volumes[i].anonymous || !name || volume_users(c->manager, name) > 1)
                        continue; /* the container itself is one user until it is freed */
                r = volume_remove(c->manager, name);
                if (r < 0 && r != -ENOENT)
                        log_warning_errno(r, "Failed to remove volume %s of container %s: %m", name, c->name);
                else if (r >= 0)
                        log_info("Removed volume %s of container %s.", name, c->name);
        }
}

int container_volumes_create(Manager *m, const ContainerSpec *spec) {
        for (size_t i = 0; i < spec->n_volumes; i++) {
                const char *name = spec->volumes[i].volume_name;
                int r;

                if (!name)
                        continue;
                r = volume_create(m, name, NULL, spec->volumes[i].anonymous);
                if (r < 0 && r != -EEXIST)
                        return log_error_errno(r, "Failed to create volume %s: %m", name);
                if (r >= 0)
                        log_info("Created volume %s.", name);
        }
        return 0;
}
