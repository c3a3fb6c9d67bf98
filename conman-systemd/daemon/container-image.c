/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-image.c — see container-image.h.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "conman-config.h"
#include "shared/bus-errors.h"
#include "shared/names.h"
#include "shared/util.h"
#include "shared/volume-spec.h"
#include "image/store.h"
#include "daemon/container-image.h"
#include "daemon/container-userns.h"

/* docker's rule: an image's Entrypoint always runs; the user's command replaces Cmd. An Entrypoint given
 * (CRI's command, docker's --entrypoint) replaces the image's, and the image's Cmd with it: only the user's
 * command follows it (kubelet's and docker's rule). cfg is NULL for a container without an image. */
static int merge_command(ContainerSpec *spec, const ImageConfig *cfg) {
        _cleanup_strv_free_ char **cmd = NULL;
        char **entrypoint = spec->entrypoint ?: cfg ? cfg->entrypoint : NULL;
        char **args = spec->command ?: spec->entrypoint || !cfg ? NULL : cfg->cmd;

        for (char **e = entrypoint; e && *e; e++)
                if (strv_push(&cmd, *e) < 0)
                        return -ENOMEM;
        for (char **a = args; a && *a; a++)
                if (strv_push(&cmd, *a) < 0)
                        return -ENOMEM;
        strv_freep(&spec->command);
        strv_freep(&spec->entrypoint);
        spec->command = TAKE_PTR(cmd);
        return 0;
}

/* Image environment first, the user's after it (so the user's wins for the same key). */
static int merge_env(ContainerSpec *spec, const ImageConfig *cfg) {
        _cleanup_strv_free_ char **env = NULL;

        for (char **e = cfg->env; e && *e; e++)
                if (strv_push(&env, *e) < 0)
                        return -ENOMEM;
        for (char **e = spec->env; e && *e; e++)
                if (strv_push(&env, *e) < 0)
                        return -ENOMEM;
        strv_freep(&spec->env);
        spec->env = TAKE_PTR(env);
        return 0;
}

static int merge_string(char **target, const char *image_value) {
        if (*target || isempty(image_value))
                return 0;
        *target = strdup(image_value);
        return *target ? 0 : -ENOMEM;
}

int container_image_apply(Manager *m, ContainerSpec *spec, sd_bus_error *error) {
        _cleanup_(resolved_image_freep) ResolvedImage *img = NULL;
        int r;

        if (!spec->image || spec->rootfs)
                return spec->entrypoint ? merge_command(spec, NULL) : 0;
        if (!m->image_store)
                return sd_bus_error_set(error, CONMAN_ERROR_NO_SUCH_IMAGE,
                                        "The image store is not available.");
        r = image_store_resolve(m->image_store, spec->image, &img);
        if (r == -ENOENT)
                return sd_bus_error_setf(
                        error, CONMAN_ERROR_NO_SUCH_IMAGE,
                        "Image '%s' is not in the store; pull it first ('conmanctl pull %s').", spec->image,
                        spec->image);
        if (r == -ENOTUNIQ)
                return sd_bus_error_setf(error, CONMAN_ERROR_AMBIGUOUS,
                                         "Image id prefix '%s' matches several images; give more characters.",
                                         spec->image);
        if (r == -EINVAL)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Invalid image reference '%s'.", spec->image);
        if (r < 0)
                return r;

        spec->image_id = strdup(img->id);
        if (!spec->image_id)
                return -ENOMEM;
        if (!img->config)
                return spec->entrypoint ? merge_command(spec, NULL) : 0;
        r = merge_command(spec, img->config);
        if (r >= 0)
                r = merge_env(spec, img->config);
        if (r >= 0)
                r = merge_string(&spec->working_dir, img->config->working_dir);
        if (r >= 0)
                r = merge_string(&spec->user, img->config->user);
        if (r >= 0)
                r = container_spec_add_image_volumes(spec, img->config->volumes);
        if (r >= 0 && !spec->health.disabled) /* the image's Healthcheck, unless --no-healthcheck */
                r = health_spec_merge_image(&spec->health, &img->config->health);
        for (char **e = img->config->exposed_ports; r >= 0 && e && *e; e++)
                if (expose_parse(*e, &spec->net.expose) == -ENOMEM) /* the image's EXPOSE, for -P */
                        r = -ENOMEM;
        return r;
}

int container_image_rootfs_path(Container *c, char **ret) {
        if (!c->spec.image_id && !container_userns_binds_rootfs(c)) {
                *ret = strdup(c->spec.rootfs);
                return *ret ? 0 : -ENOMEM;
        }
        return asprintf(ret, "%s/containers/%s/rootfs", c->manager->state_dir, c->id) < 0 ? -ENOMEM : 0;
}

static int make_overlay_dirs(Container *c) {
        static const char *const dirs[] = { "rootfs", "upper", "work" };

        for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
                if (mkdirat(c->dir_fd, dirs[i], 0755) < 0 && errno != EEXIST)
                        return negative_errno();
        return 0;
}

/* After the root is mounted: each named volume that is still empty gets the image's content at its path
 * (docker's copy on first use; conman-rootfs copy-up decides at every start whether it is empty). */
static int copy_up_hooks(Container *c, const char *root, UnitHooks *hooks) {
        for (size_t i = 0; i < c->spec.n_volumes; i++) {
                const VolumeSpec *v = &c->spec.volumes[i];
                char *argv[] = { CONMAN_LIBEXECDIR "/conman-rootfs",
                                 "copy-up",
                                 (char *) root,
                                 v->destination,
                                 v->source,
                                 NULL };
                int r;

                if (!v->volume_name)
                        continue;
                r = unit_hooks_add(hooks, false, false, argv);
                if (r < 0)
                        return r;
        }
        return 0;
}

int container_image_hooks(Container *c, UnitHooks *hooks, sd_bus_error *error) {
        _cleanup_(resolved_image_freep) ResolvedImage *img = NULL;
        _cleanup_strv_free_ char **mount = NULL;
        _cleanup_free_ char *dir = NULL, *target = NULL, *upper = NULL, *work = NULL;
        char *umount[] = { CONMAN_LIBEXECDIR "/conman-rootfs", "umount", NULL, NULL };
        int r;

        if (!c->spec.image_id)
                return 0;
        r = image_store_resolve(c->manager->image_store, c->spec.image_id, &img);
        if (r < 0)
                return sd_bus_error_setf(error, CONMAN_ERROR_NO_SUCH_IMAGE,
                                         "The image of container %s (%s) is no longer in the store.", c->name,
                                         strna(c->spec.image));
        r = make_overlay_dirs(c);
        if (r < 0)
                return r;
        if (asprintf(&dir, "%s/containers/%s", c->manager->state_dir, c->id) < 0 ||
            asprintf(&target, "%s/rootfs", dir) < 0 || asprintf(&upper, "%s/upper", dir) < 0 ||
            asprintf(&work, "%s/work", dir) < 0)
                return -ENOMEM;

        if (strv_push(&mount, CONMAN_LIBEXECDIR "/conman-rootfs") < 0 || strv_push(&mount, "mount") < 0)
                return -ENOMEM;
        r = container_userns_idmap_args(c, &mount);
        if (r < 0)
                return r;
        if (strv_push(&mount, target) < 0 || strv_push(&mount, upper) < 0 || strv_push(&mount, work) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < img->n_layers; i++)
                if (strv_push(&mount, img->layer_dirs[i]) < 0)
                        return -ENOMEM;
        r = unit_hooks_add(hooks, false, false, mount);
        if (r >= 0)
                r = copy_up_hooks(c, target, hooks);
        if (r < 0)
                return r;
        umount[2] = target;
        return unit_hooks_add(hooks, true, true, umount);
}

bool container_image_in_use(const char *image_id, void *userdata) {
        Manager *m = userdata;

        for (Container *c = m->containers; c; c = c->next)
                if (c->spec.image_id && streq(c->spec.image_id, image_id))
                        return true;
        return false;
}
