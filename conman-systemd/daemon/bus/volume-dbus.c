/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * volume-dbus.c — volumes on the bus (see volume-dbus.h). Handlers parse, validate, authorize, call
 * the volume model (volume.c) and reply.
 */
#include "daemon/bus/volume-dbus.h"
#include "shared/bus-errors.h"
#include "shared/log.h"
#include "shared/util.h"
#include "shared/volume-spec.h"
#include "daemon/volume.h"
#include "daemon/bus/bus-util.h"

static int invalid_name(sd_bus_error *error, const char *name) {
        return sd_bus_error_setf(
                error, CONMAN_ERROR_INVALID_ARGUMENT,
                "Invalid volume name '%s': names match " VOLUME_NAME_RULE " (at most 128 characters).", name);
}

static int no_such_volume(sd_bus_error *error, const char *name) {
        return sd_bus_error_setf(error, CONMAN_ERROR_NO_SUCH_VOLUME,
                                 "No such volume: '%s'. 'conmanctl volume ls' lists them.", name);
}

static int read_labels(sd_bus_message *msg, char ***labels, sd_bus_error *error) {
        char **l = NULL;
        int r = sd_bus_message_read_strv(msg, &l);

        if (r < 0)
                return sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                        "Option 'Labels' must be a list of KEY=VALUE strings.");
        *labels = l;
        for (char **p = l; p && *p; p++)
                if (**p == '=' || !strchr(*p, '=') || !utf8_is_valid(*p) || strlen(*p) > 4096)
                        return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                                 "Invalid volume label '%.64s': use KEY=VALUE.", *p);
        return 0;
}

/* Options of CreateVolume: Labels as ("key=value"). */
static int read_create_options(sd_bus_message *msg, char ***labels, sd_bus_error *error) {
        int r;

        r = sd_bus_message_enter_container(msg, 'a', "{sv}");
        while (r >= 0 && (r = sd_bus_message_enter_container(msg, 'e', "sv")) > 0) {
                const char *key;
                r = sd_bus_message_read(msg, "s", &key);
                if (r < 0)
                        return r;
                if (!streq(key, "Labels") || *labels)
                        return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                                 "Unknown or repeated option '%s': volumes take Labels.",
                                                 key);
                r = sd_bus_message_enter_container(msg, 'v', "as");
                if (r < 0)
                        return sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                                "Option 'Labels' must be a list of KEY=VALUE strings.");
                r = read_labels(msg, labels, error);
                if (r >= 0)
                        r = sd_bus_message_exit_container(msg);
                if (r >= 0)
                        r = sd_bus_message_exit_container(msg);
        }
        return r < 0 ? r : sd_bus_message_exit_container(msg);
}

static int method_create_volume(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_strv_free_ char **labels = NULL;
        _cleanup_free_ char *generated = NULL;
        const char *name;
        Manager *m = userdata;
        int r;

        r = sd_bus_message_read(msg, "s", &name);
        if (r >= 0)
                r = read_create_options(msg, &labels, error);
        if (r < 0)
                return r;
        if (isempty(name)) { /* docker: a random 64-hex name */
                r = random_hex(32, &generated);
                if (r < 0)
                        return r;
                name = generated;
        }
        if (!volume_name_is_valid(name))
                return invalid_name(error, name);
        r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        r = volume_create(m, name, labels, false);
        if (r == -EEXIST) /* docker: creating an existing volume gives its name back */
                return sd_bus_reply_method_return(msg, "s", name);
        if (r == -ENOSPC || r == -EDQUOT)
                return sd_bus_error_setf(error, CONMAN_ERROR_NO_SPACE,
                                         "No space left in the state directory %s; free some and retry.",
                                         m->state_dir);
        if (r < 0)
                return r;
        log_info("Created volume %s.", name);
        return sd_bus_reply_method_return(msg, "s", name);
}

static int append_volume(sd_bus_message *reply, Manager *m, const char *name) {
        _cleanup_(volume_info_done) VolumeInfo v = {};
        int r = volume_load(m, name, &v);

        if (r == -ENOENT)
                return 0; /* removed meanwhile */
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'r', "sstasbu");
        if (r >= 0)
                r = sd_bus_message_append(reply, "sst", v.name, v.mountpoint, v.created_at);
        if (r >= 0)
                r = sd_bus_message_append_strv(reply, v.labels);
        if (r >= 0)
                r = sd_bus_message_append(reply, "bu", v.anonymous, volume_users(m, name));
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

static int method_list_volumes(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_strv_free_ char **names = NULL;
        Manager *m = userdata;
        int r;

        r = volume_list(m, &names);
        if (r >= 0)
                r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(sstasbu)");
        for (char **n = names; r >= 0 && n && *n; n++)
                r = append_volume(reply, m, *n);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        return r < 0 ? r : sd_bus_send(NULL, reply, NULL);
}

static int method_inspect_volume(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(volume_info_done) VolumeInfo v = {};
        _cleanup_json_ struct json_object *j = NULL;
        Manager *m = userdata;
        const char *name;
        int r;

        r = sd_bus_message_read(msg, "s", &name);
        if (r < 0)
                return r;
        if (!volume_name_is_valid(name))
                return invalid_name(error, name);
        r = volume_load(m, name, &v);
        if (r == -ENOENT)
                return no_such_volume(error, name);
        if (r < 0)
                return r;
        j = volume_info_to_json(&v, volume_users(m, name));
        return sd_bus_reply_method_return(
                msg, "s",
                json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                          JSON_C_TO_STRING_NOSLASHESCAPE));
}

static int method_remove_volume(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *name;
        unsigned users;
        int force, r;

        r = sd_bus_message_read(msg, "sb", &name, &force);
        if (r < 0)
                return r;
        if (!volume_name_is_valid(name))
                return invalid_name(error, name);
        r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        users = volume_users(m, name);
        if (users > 0)
                return sd_bus_error_setf(error, CONMAN_ERROR_BUSY,
                                         "Volume '%s' is in use by %u container(s); remove them first "
                                         "('conmanctl inspect' shows a container's Mounts).",
                                         name, users);
        r = volume_remove(m, name);
        if (r == -ENOENT && force)
                return sd_bus_reply_method_return(msg, NULL);
        if (r == -ENOENT)
                return no_such_volume(error, name);
        if (r < 0)
                return r;
        log_info("Removed volume %s.", name);
        return sd_bus_reply_method_return(msg, NULL);
}

/* Removes the unused volumes: the anonymous ones, or all with all (docker 23+'s volume prune [-a]). */
static int prune_volumes(Manager *m, bool all, char ***ret_removed) {
        _cleanup_strv_free_ char **names = NULL, **removed = NULL;
        int r = volume_list(m, &names);

        for (char **n = names; r >= 0 && n && *n; n++) {
                _cleanup_(volume_info_done) VolumeInfo v = {};
                if (volume_users(m, *n) > 0 || volume_load(m, *n, &v) < 0 || !(all || v.anonymous))
                        continue;
                r = volume_remove(m, *n);
                if (r == -ENOENT) {
                        r = 0;
                        continue;
                }
                if (r >= 0) {
                        log_info("Pruned volume %s.", *n);
                        r = strv_push(&removed, *n);
                }
        }
        if (r < 0)
                return r;
        *ret_removed = TAKE_PTR(removed);
        return 0;
}

static int method_prune_volumes(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_strv_free_ char **removed = NULL;
        Manager *m = userdata;
        int all, r;

        r = sd_bus_message_read(msg, "b", &all);
        if (r < 0)
                return r;
        r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        r = prune_volumes(m, all, &removed);
        if (r >= 0)
                r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_append_strv(reply, removed);
        return r < 0 ? r : sd_bus_send(NULL, reply, NULL);
}

static const sd_bus_vtable volume_manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("CreateVolume", SD_BUS_ARGS("s", name, "a{sv}", options),
                                SD_BUS_RESULT("s", name), method_create_volume, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ListVolumes", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(sstasbu)", volumes),
                                method_list_volumes, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("InspectVolume", SD_BUS_ARGS("s", name), SD_BUS_RESULT("s", json),
                                method_inspect_volume, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("RemoveVolume", SD_BUS_ARGS("s", name, "b", force), SD_BUS_NO_RESULT,
                                method_remove_volume, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("PruneVolumes", SD_BUS_ARGS("b", all), SD_BUS_RESULT("as", removed),
                                method_prune_volumes, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

int volume_bus_export(Manager *m) {
        int r = sd_bus_add_object_vtable(m->bus, NULL, "/io/conman1", "io.conman1.Manager",
                                         volume_manager_vtable, m);
        if (r < 0)
                return log_error_errno(r, "Failed to export the volume methods: %m");
        return 0;
}
