/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-userns.c — see container-userns.h.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "conman-config.h"
#include "shared/bus-errors.h"
#include "shared/log.h"
#include "shared/unit.h"
#include "shared/util.h"
#include "daemon/container-userns.h"

/* The pool is read from /etc/subuid and /etc/subgid the first time a range is needed (so adding the
 * entry needs no restart), then seeded with the ranges of all known containers. */
static int pool_open(Manager *m, sd_bus_error *error) {
        int r;

        if (m->userns_pool.n_slots > 0)
                return 0;
        r = userns_pool_load(&m->userns_pool, USERNS_SUBUID_PATH, USERNS_SUBGID_PATH, USERNS_SUBID_USER,
                             USERNS_SIZE_DEFAULT);
        if (r == -ENOENT || r == -ERANGE || r == -EBADMSG)
                return sd_bus_error_setf(
                        error, CONMAN_ERROR_INVALID_ARGUMENT,
                        "--userns=auto needs subordinate IDs for the user '" USERNS_SUBID_USER
                        "': add a line like '" USERNS_SUBID_USER
                        ":2147483648:2147483648' to " USERNS_SUBUID_PATH " and " USERNS_SUBGID_PATH
                        " (at least %u IDs each).",
                        USERNS_SIZE_DEFAULT);
        if (r < 0)
                return r;
        for (Container *c = m->containers; c; c = c->next)
                container_userns_hold(c);
        return 0;
}

/* The runtime mounts the root filesystem as the container's root, a uid without rights on host-owned
 * directories: the state directory and containers/ need search permission for others (0711, never
 * read permission; containers/<id>/ is made 0711 too, its files stay 0600). */
static int make_state_dir_searchable(Manager *m) {
        struct stat st;

        if (fstat(m->state_dir_fd, &st) < 0)
                return negative_errno();
        if ((st.st_mode & 0001) == 0 && fchmod(m->state_dir_fd, (st.st_mode & 07777) | 0011) < 0)
                return negative_errno();
        if (fstatat(m->state_dir_fd, "containers", &st, AT_SYMLINK_NOFOLLOW) < 0)
                return negative_errno();
        if ((st.st_mode & 0001) == 0 &&
            fchmodat(m->state_dir_fd, "containers", (st.st_mode & 07777) | 0011, 0) < 0)
                return negative_errno();
        return 0;
}

int container_userns_assign(Manager *m, ContainerSpec *spec, int *ret_lock, sd_bus_error *error) {
        UsernsRange range;
        int r;

        if (spec->userns != USERNS_AUTO || spec->userns_range.size > 0)
                return 0;
        *ret_lock = userns_lock(m->state_dir_fd);
        if (*ret_lock < 0)
                return *ret_lock;
        /* conman-prepare may have given a generated container a range we have not seen yet */
        (void) manager_load_new_containers(m);
        r = pool_open(m, error);
        if (r >= 0)
                r = make_state_dir_searchable(m);
        if (r < 0)
                return r;
        r = userns_pool_allocate(&m->userns_pool, &range);
        if (r == -ENOSPC)
                return sd_bus_error_setf(
                        error, CONMAN_ERROR_NO_SPACE,
                        "All %u user namespace ranges of %u IDs are in use by containers; remove "
                        "some, or give the user '" USERNS_SUBID_USER "' more IDs in " USERNS_SUBUID_PATH
                        " and " USERNS_SUBGID_PATH ".",
                        m->userns_pool.n_slots, m->userns_pool.size);
        if (r < 0)
                return r;
        /* held again when the container is linked; until then a failed create leaves nothing behind */
        userns_pool_release(&m->userns_pool, &range);
        spec->userns_range = range;
        return 0;
}

void container_userns_hold(Container *c) {
        if (c->spec.userns != USERNS_AUTO || c->spec.userns_range.size == 0 ||
            c->manager->userns_pool.n_slots == 0)
                return;
        if (userns_pool_reserve(&c->manager->userns_pool, &c->spec.userns_range) == -EBUSY)
                log_warning(
                        "Container %s shares host IDs %u.. with another container (recorded ranges overlap).",
                        c->name, c->spec.userns_range.uid);
}

void container_userns_drop(Container *c) {
        if (c->spec.userns != USERNS_AUTO || c->spec.userns_range.size == 0 ||
            c->manager->userns_pool.n_slots == 0)
                return;
        userns_pool_release(&c->manager->userns_pool, &c->spec.userns_range);
}

bool container_userns_binds_rootfs(const Container *c) {
        return c->spec.userns == USERNS_AUTO && !c->spec.image_id;
}

int container_userns_idmap_args(const Container *c, char ***argv) {
        _cleanup_free_ char *arg = NULL;

        if (c->spec.userns != USERNS_AUTO)
                return 0;
        if (c->spec.userns_range.size == 0)
                return -EINVAL;
        if (asprintf(&arg, "%u:%u:%u", c->spec.userns_range.uid, c->spec.userns_range.gid,
                     c->spec.userns_range.size) < 0)
                return -ENOMEM;
        if (strv_push(argv, "--idmap") < 0 || strv_push_take(argv, TAKE_PTR(arg)) < 0)
                return -ENOMEM;
        return 0;
}

int container_userns_hooks(Container *c, UnitHooks *hooks, sd_bus_error *error) {
        _cleanup_strv_free_ char **bind = NULL;
        _cleanup_free_ char *target = NULL;
        char *umount[] = { CONMAN_LIBEXECDIR "/conman-rootfs", "umount", NULL, NULL };
        int r;

        if (!container_userns_binds_rootfs(c))
                return 0;
        if (asprintf(&target, "%s/containers/%s/rootfs", c->manager->state_dir, c->id) < 0)
                return -ENOMEM;
        if (strv_push(&bind, CONMAN_LIBEXECDIR "/conman-rootfs") < 0 || strv_push(&bind, "bind") < 0)
                return -ENOMEM;
        r = container_userns_idmap_args(c, &bind);
        if (r < 0)
                return r;
        if (strv_push(&bind, target) < 0 || strv_push(&bind, c->spec.rootfs) < 0)
                return -ENOMEM;
        r = unit_hooks_add(hooks, false, false, bind);
        if (r < 0)
                return r;
        umount[2] = target;
        return unit_hooks_add(hooks, true, true, umount);
}
