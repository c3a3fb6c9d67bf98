/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-pause.c — pause and unpause (docker's words) as systemd's FreezeUnit and ThawUnit of the
 * container's unit: the cgroup freezer stops every process of the container; systemd answers once the
 * cgroup is frozen (or thawed). Whether a container is paused is systemd's FreezerState of the unit, asked
 * again whenever the unit starts running (also after a conmand restart), so nothing is stored.
 *
 * systemd 252 freezes only on the unified hierarchy (pure cgroup v2). On a hybrid host it answers
 * NotSupported, and the container's own cgroup in the v1 freezer hierarchy is frozen instead
 * (cgroup-freezer.h), as runc pause does; its freezer.state is then what says "paused".
 */
#include "shared/bus-errors.h"
#include "shared/log.h"
#include "shared/unit.h"
#include "daemon/cgroup-freezer.h"
#include "daemon/container.h"
#include "daemon/systemd-client.h"

const char *container_status_string(const Container *c) {
        if (c->paused && c->state == CONTAINER_RUNNING)
                return "paused";
        return container_state_to_string(c->state);
}

/* The container's cgroup (below its unit's), as config.json gave it to the runtime. */
static int container_cgroup(Container *c, char **ret) {
        _cleanup_free_ char *slice = NULL;
        int r = container_spec_slice(&c->spec, &slice);

        return r < 0 ? r : container_cgroup_path(c->unit, slice, ret);
}

/* FreezeUnit/ThawUnit, or the v1 freezer where systemd cannot freeze. */
static int freeze_unit_or_cgroup(Container *c, bool freeze, sd_bus_error *error) {
        _cleanup_free_ char *cgroup = NULL;
        int r;

        r = systemd_freeze_unit(c->manager->systemd, c->unit, freeze, error);
        if (r >= 0 || !sd_bus_error_has_name(error, SD_BUS_ERROR_NOT_SUPPORTED))
                return r;
        sd_bus_error_free(error);
        r = container_cgroup(c, &cgroup);
        if (r >= 0)
                r = cgroup_v1_freezer_set(CGROUP_V1_ROOT, cgroup, freeze);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return sd_bus_error_set_errnof(error, r,
                                               "Cannot %s container %s: systemd cannot freeze its unit here "
                                               "(it needs cgroup v2) and the cgroup v1 freezer failed: %m",
                                               freeze ? "pause" : "unpause", c->name);
        return 0;
}

static int set_frozen(Container *c, bool freeze, sd_bus_error *error) {
        int r = freeze_unit_or_cgroup(c, freeze, error);

        if (r < 0)
                return r;
        c->paused = freeze;
        container_send_changed(c);
        log_info("Container %s %s.", c->name, freeze ? "paused" : "unpaused");
        return 0;
}

int container_pause(Container *c, sd_bus_error *error) {
        if (c->state != CONTAINER_RUNNING)
                return sd_bus_error_setf(error, CONMAN_ERROR_NOT_RUNNING, "Container %s is not running (%s).",
                                         c->name, container_status_string(c));
        if (c->paused)
                return sd_bus_error_setf(error, CONMAN_ERROR_BUSY, "Container %s is already paused.",
                                         c->name);
        return set_frozen(c, true, error);
}

int container_unpause(Container *c, sd_bus_error *error) {
        if (c->state != CONTAINER_RUNNING || !c->paused)
                return sd_bus_error_setf(error, CONMAN_ERROR_NOT_RUNNING, "Container %s is not paused (%s).",
                                         c->name, container_status_string(c));
        return set_frozen(c, false, error);
}

void container_thaw_if_paused(Container *c) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        if (!c->paused)
                return;
        r = set_frozen(c, false, &error);
        if (r < 0)
                log_warning_errno(r, "Failed to unpause container %s: %s", c->name,
                                  error.message ?: strerror(-r));
}

void container_refresh_paused(Container *c) {
        _cleanup_free_ char *state = NULL, *cgroup = NULL;

        if (systemd_get_freezer_state(c->manager->systemd, c->unit_path, &state) < 0)
                return;
        c->paused = streq(state, "frozen") || streq(state, "freezing");
        if (!c->paused && container_cgroup(c, &cgroup) >= 0) /* paused through the v1 freezer */
                c->paused = cgroup_v1_freezer_is_frozen(CGROUP_V1_ROOT, cgroup);
}
