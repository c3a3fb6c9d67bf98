/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-archive.c — what export and commit need to know of a container, gathered on the main thread
 * (the workers never touch a Container): its root, its overlay upper dir, its image's layers.
 */
#include "daemon/container-archive.h"
#include "shared/bus-errors.h"
#include "shared/util.h"
#include "image/store.h"
#include "daemon/container-image.h"

int container_rootfs_paths(Container *c, RootfsPaths *ret, sd_bus_error *error) {
        _cleanup_(resolved_image_freep) ResolvedImage *img = NULL;
        RootfsPaths p = {};
        int r;

        r = container_image_rootfs_path(c, &p.rootfs);
        if (r >= 0 && c->spec.image_id) {
                r = image_store_resolve(c->manager->image_store, c->spec.image_id, &img);
                if (r == -ENOENT)
                        r = sd_bus_error_setf(error, CONMAN_ERROR_NO_SUCH_IMAGE,
                                              "The image of container %s is no longer in the store.",
                                              c->name);
                if (r >= 0 &&
                    (asprintf(&p.upper, "%s/containers/%s/upper", c->manager->state_dir, c->id) < 0 ||
                     asprintf(&p.scratch, "%s/export-%s", c->manager->run_dir, c->id) < 0 ||
                     !(p.layer_dirs = strv_copy(img->layer_dirs))))
                        r = -ENOMEM;
        }
        if (r < 0) {
                rootfs_paths_done(&p);
                return r;
        }
        *ret = p;
        return 0;
}

int container_build_run(Container *c, ImageBuildRun *ret) {
        const ContainerSpec *s = &c->spec;
        ImageBuildRun run = {};

        if ((s->command && !(run.command = strv_copy(s->command))) ||
            (s->env && !(run.env = strv_copy(s->env))) ||
            (s->working_dir && !(run.working_dir = strdup(s->working_dir))) ||
            (s->user && !(run.user = strdup(s->user))) ||
            (s->labels && !(run.labels = strv_copy(s->labels)))) {
                image_build_run_done(&run);
                return -ENOMEM;
        }
        *ret = run;
        return 0;
}
