/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-hooks.c — what runs around a container's init, collected from each
 * subsystem when the container starts: ExecStartPre=/ExecStopPost= commands and
 * ordering. Add a subsystem by adding its function to the table.
 */
#include "shared/unit.h"
#include "daemon/container-image.h"
#include "daemon/container-network.h"
#include "daemon/container-userns.h"
#include "daemon/container.h"

/* A pod's member: `conman-podns join` names it in the pod's /etc/hosts. */
static int container_pod_hooks(Container *c, UnitHooks *hooks, sd_bus_error *error) {
        return unit_add_pod_member_hooks(c->manager->state_dir, c->manager->run_dir, &c->spec, c->name,
                                         hooks);
}

typedef int (*HookProvider)(Container *c, UnitHooks *hooks, sd_bus_error *error);

static const HookProvider hook_providers[] = {
        container_image_hooks,   /* overlay root filesystem from the image's layers */
        container_network_hooks, /* network namespace on a CNI network (conman-netns) */
        container_userns_hooks,  /* idmapped bind of a --rootfs directory (--userns=auto) */
        container_pod_hooks,     /* a pod's member joins the pod (conman-podns join) */
};

int container_collect_hooks(Container *c, UnitHooks *hooks, sd_bus_error *error) {
        for (size_t i = 0; i < ELEMENTSOF(hook_providers); i++) {
                int r = hook_providers[i](c, hooks, error);
                if (r < 0)
                        return r;
        }
        return 0;
}
