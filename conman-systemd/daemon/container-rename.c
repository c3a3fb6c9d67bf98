/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-rename.c — docker's rename for a container that does not run. The unit is named after the
 * container (conman-NAME.service) and systemd cannot rename a loaded unit, so a running container keeps
 * its name: renaming it would leave the running unit under the old name (systemctl, journalctl -u and
 * the cgroup all say the old one) while conmand says the new one.
 *
 * What changes: the name, the unit's name and object path, the cgroup path in config.json (the runtime
 * places the container below the unit's cgroup), container.json and the name index. config.json is
 * written first under a temporary name and renamed over the old one right after container.json took the
 * new name; on a failure before that both stay as they were.
 */
#include <fcntl.h>
#include <stdio.h>

#include "shared/bus-errors.h"
#include "shared/fileio.h"
#include "shared/json-util.h"
#include "shared/log.h"
#include "shared/names.h"
#include "shared/unit.h"
#include "shared/util.h"
#include "daemon/container-index.h"
#include "daemon/container.h"
#include "daemon/systemd-client.h"
#include "daemon/stdio/container-stdio.h"

#define CONFIG_RENAME_TMP "config.json.rename"

typedef struct Identity {
        char *name, *unit, *unit_path;
} Identity;

static void identity_done(Identity *i) {
        free(i->name);
        free(i->unit);
        free(i->unit_path);
        *i = (Identity){};
}

static void swap_strings(char **a, char **b) {
        char *t = *a;

        *a = *b;
        *b = t;
}

static void identity_swap(Container *c, Identity *i) {
        swap_strings(&c->name, &i->name);
        swap_strings(&c->unit, &i->unit);
        swap_strings(&c->unit_path, &i->unit_path);
}

static int check_rename(Container *c, const char *new_name, sd_bus_error *error) {
        if (!container_name_is_valid(new_name))
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Invalid container name '%s': names must match %s.", new_name,
                                         CONTAINER_NAME_RULE);
        if (streq(new_name, c->name))
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Container %s already has the name '%s'.", c->id, new_name);
        if (manager_get_container_by_name(c->manager, new_name))
                return sd_bus_error_setf(error, CONMAN_ERROR_NAME_IN_USE,
                                         "The name '%s' is already in use by another container; remove it or "
                                         "choose another name.",
                                         new_name);
        if (container_is_generated(c))
                return sd_bus_error_setf(error, CONMAN_ERROR_OWNED_BY_FILE,
                                         "Container %s comes from %s: its name is the file's name.", c->name,
                                         c->source_path);
        if (container_state_is_active(c->state) || c->removing)
                return sd_bus_error_setf(error, CONMAN_ERROR_BUSY,
                                         "Container %s is %s: stop it first. A running container keeps its "
                                         "name, because its unit (%s) is named after it and systemd cannot "
                                         "rename a unit.",
                                         c->name, container_status_string(c), c->unit);
        return 0;
}

/* config.json for the identity c has now, under the temporary name. */
static int write_config(Container *c, sd_bus_error *error) {
        _cleanup_json_ struct json_object *config = NULL;
        int r;

        r = container_build_oci_config(c, &config, error);
        if (r >= 0)
                r = json_write_file_atomic_at(c->dir_fd, CONFIG_RENAME_TMP, config);
        return r;
}

/* Writes the state of the new identity (c has it): config.json aside, container.json, then config.json. */
static int save_renamed(Container *c, sd_bus_error *error) {
        int r;

        r = write_config(c, error);
        if (r >= 0)
                r = container_save(c);
        if (r < 0) {
                (void) unlinkat(c->dir_fd, CONFIG_RENAME_TMP, 0);
                return r;
        }
        if (renameat(c->dir_fd, CONFIG_RENAME_TMP, c->dir_fd, "config.json") < 0 || fsync(c->dir_fd) < 0)
                log_warning_errno(errno, "Container %s: cannot put config.json of the new name in place: %m",
                                  c->name);
        return 0;
}

int container_rename(Container *c, const char *new_name, sd_bus_error *error) {
        Identity id = {};
        int r;

        r = check_rename(c, new_name, error);
        if (r < 0)
                return r;
        id.name = strdup(new_name);
        if (!id.name || unit_name_from_container_name(new_name, &id.unit) < 0 ||
            unit_object_path(id.unit, &id.unit_path) < 0) {
                identity_done(&id);
                return -ENOMEM;
        }
        /* the stdio hub points at the old name: the next start makes a new one */
        c->stdio = output_release(c->stdio);
        container_index_remove(c->manager, c);
        identity_swap(c, &id); /* id now holds the old identity */
        r = save_renamed(c, error);
        if (r >= 0)
                r = container_index_add(c->manager, c);
        if (r < 0) {
                identity_swap(c, &id);
                (void) container_save(c);
                if (container_index_add(c->manager, c) < 0)
                        log_error("Container %s: cannot index it again after a failed rename.", c->name);
                identity_done(&id);
                return r == -ENOMEM || sd_bus_error_is_set(error)
                               ? r
                               : sd_bus_error_set_errnof(error, r, "Cannot rename container %s: %m", c->name);
        }
        (void) systemd_reset_failed_unit(c->manager->systemd, id.unit); /* the old run's failed unit */
        log_info("Container %s renamed to %s (unit %s).", id.name, c->name, c->unit);
        identity_done(&id);
        container_send_changed(c);
        return 0;
}
