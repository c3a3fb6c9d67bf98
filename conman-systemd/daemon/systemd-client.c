/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * systemd-client.c — see systemd-client.h.
 */
#include "daemon/systemd-client.h"
#include "shared/log.h"
#include "shared/util.h"

#define SD_DEST        "org.freedesktop.systemd1"
#define SD_PATH        "/org/freedesktop/systemd1"
#define SD_MANAGER     "org.freedesktop.systemd1.Manager"
#define SD_UNIT_PREFIX "/org/freedesktop/systemd1/unit"

typedef struct JobWatch {
        char *path;
        SystemdJobHandler handler;
        void *userdata;
        SystemdFreeFunc free_userdata;
        struct JobWatch *next;
} JobWatch;

struct SystemdClient {
        sd_bus *bus;
        SystemdUnitHandlers handlers;
        JobWatch *jobs;
};

static void job_watch_free(JobWatch *w) {
        if (w->free_userdata)
                w->free_userdata(w->userdata);
        free(w->path);
        free(w);
}

int systemd_client_new(sd_bus *bus, const SystemdUnitHandlers *handlers, SystemdClient **ret) {
        SystemdClient *s = calloc(1, sizeof(SystemdClient));

        if (!s)
                return -ENOMEM;
        s->bus = sd_bus_ref(bus);
        s->handlers = *handlers;
        *ret = s;
        return 0;
}

SystemdClient *systemd_client_free(SystemdClient *s) {
        if (!s)
                return NULL;
        while (s->jobs) {
                JobWatch *w = s->jobs;
                s->jobs = w->next;
                job_watch_free(w);
        }
        sd_bus_unref(s->bus);
        free(s);
        return NULL;
}

int systemd_watch_job(SystemdClient *s, const char *job_path, SystemdJobHandler handler, void *userdata,
                      SystemdFreeFunc free_userdata) {
        JobWatch *w = calloc(1, sizeof(JobWatch)), **tail;

        if (!w || !(w->path = strdup(job_path))) {
                free(w);
                return -ENOMEM;
        }
        w->handler = handler;
        w->userdata = userdata;
        w->free_userdata = free_userdata;
        for (tail = &s->jobs; *tail; tail = &(*tail)->next) /* in order: the first caller is answered first */
                ;
        *tail = w;
        return 0;
}

static JobWatch *take_job_watch(SystemdClient *s, const char *path) {
        for (JobWatch **w = &s->jobs; *w; w = &(*w)->next)
                if (streq((*w)->path, path)) {
                        JobWatch *found = *w;
                        *w = found->next;
                        return found;
                }
        return NULL;
}

static int on_job_removed(sd_bus_message *message, void *userdata, sd_bus_error *ret_error) {
        SystemdClient *s = userdata;
        const char *path, *unit, *result;
        uint32_t id;
        JobWatch *w;

        if (sd_bus_message_read(message, "uoss", &id, &path, &unit, &result) < 0)
                return 0;
        /* unlinked before the call: a handler may add watches (a restart's start) */
        while ((w = take_job_watch(s, path))) {
                w->handler(path, result, w->userdata);
                job_watch_free(w);
        }
        return 0;
}

/* Reads ActiveState/SubState out of a PropertiesChanged body, if present. */
static int read_unit_changes(sd_bus_message *message, char **active, char **sub) {
        const char *iface;
        int r;

        r = sd_bus_message_read(message, "s", &iface);
        if (r < 0 || !streq(iface, "org.freedesktop.systemd1.Unit"))
                return 0;
        r = sd_bus_message_enter_container(message, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(message, 'e', "sv")) > 0) {
                const char *name, *value;
                r = sd_bus_message_read(message, "s", &name);
                if (r < 0)
                        return r;
                if (streq(name, "ActiveState") || streq(name, "SubState")) {
                        r = sd_bus_message_read(message, "v", "s", &value);
                        if (r < 0)
                                return r;
                        char **target = streq(name, "ActiveState") ? active : sub;
                        free(*target);
                        *target = strdup(value);
                        if (!*target)
                                return -ENOMEM;
                } else {
                        r = sd_bus_message_skip(message, "v");
                        if (r < 0)
                                return r;
                }
                r = sd_bus_message_exit_container(message);
                if (r < 0)
                        return r;
        }
        return r < 0 ? r : 1;
}

static int on_unit_properties_changed(sd_bus_message *message, void *userdata, sd_bus_error *ret_error) {
        _cleanup_free_ char *active = NULL, *sub = NULL;
        SystemdClient *s = userdata;

        if (!s->handlers.unit_changed || read_unit_changes(message, &active, &sub) <= 0)
                return 0;
        s->handlers.unit_changed(sd_bus_message_get_path(message), active, sub, s->handlers.userdata);
        return 0;
}

static int on_unit_removed(sd_bus_message *message, void *userdata, sd_bus_error *ret_error) {
        SystemdClient *s = userdata;
        const char *unit, *path;

        if (s->handlers.unit_removed && sd_bus_message_read(message, "so", &unit, &path) >= 0)
                s->handlers.unit_removed(path, s->handlers.userdata);
        return 0;
}

static int subscribe(SystemdClient *s) {
        int r = sd_bus_call_method_async(s->bus, NULL, SD_DEST, SD_PATH, SD_MANAGER, "Subscribe", NULL, NULL,
                                         NULL);
        if (r < 0)
                return log_error_errno(r, "Failed to subscribe to systemd: %m");
        return 0;
}

/* Reloading(false): a daemon-reload is over. */
static int on_reloading(sd_bus_message *message, void *userdata, sd_bus_error *ret_error) {
        SystemdClient *s = userdata;
        int active;

        if (sd_bus_message_read(message, "b", &active) < 0 || active)
                return 0;
        log_debug("systemd reloaded: asking every unit's state again.");
        if (s->handlers.manager_reloaded)
                s->handlers.manager_reloaded(s->handlers.userdata);
        return 0;
}

/* systemd's name has a new owner: a daemon-reexec is over (signals sent meanwhile may be lost). */
static int on_systemd_owner_changed(sd_bus_message *message, void *userdata, sd_bus_error *ret_error) {
        SystemdClient *s = userdata;
        const char *name, *old_owner, *new_owner;

        if (sd_bus_message_read(message, "sss", &name, &old_owner, &new_owner) < 0 || isempty(new_owner))
                return 0;
        log_debug("systemd is back on the bus: subscribing again, asking every unit's state again.");
        (void) subscribe(s);
        if (s->handlers.manager_reloaded)
                s->handlers.manager_reloaded(s->handlers.userdata);
        return 0;
}

int systemd_client_subscribe(SystemdClient *s) {
        int r;

        r = sd_bus_match_signal_async(s->bus, NULL, SD_DEST, SD_PATH, SD_MANAGER, "JobRemoved",
                                      on_job_removed, NULL, s);
        if (r >= 0)
                r = sd_bus_match_signal_async(s->bus, NULL, SD_DEST, SD_PATH, SD_MANAGER, "UnitRemoved",
                                              on_unit_removed, NULL, s);
        if (r >= 0)
                r = sd_bus_add_match_async(
                        s->bus, NULL,
                        "type='signal',sender='" SD_DEST "',"
                        "interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',"
                        "path_namespace='" SD_UNIT_PREFIX "'",
                        on_unit_properties_changed, NULL, s);
        if (r >= 0)
                r = sd_bus_match_signal_async(s->bus, NULL, SD_DEST, SD_PATH, SD_MANAGER, "Reloading",
                                              on_reloading, NULL, s);
        if (r >= 0)
                r = sd_bus_add_match_async(s->bus, NULL,
                                           "type='signal',sender='org.freedesktop.DBus',"
                                           "path='/org/freedesktop/DBus',interface='org.freedesktop.DBus',"
                                           "member='NameOwnerChanged',arg0='" SD_DEST "'",
                                           on_systemd_owner_changed, NULL, s);
        if (r < 0)
                return log_error_errno(r, "Failed to watch systemd's signals: %m");
        return subscribe(s);
}

int systemd_watch_unit(SystemdClient *s, const char *unit_path, sd_bus_message_handler_t handler,
                       void *userdata, sd_bus_slot **ret_slot) {
        return sd_bus_match_signal_async(s->bus, ret_slot, SD_DEST, unit_path,
                                         "org.freedesktop.DBus.Properties", "PropertiesChanged", handler,
                                         NULL, userdata);
}

int systemd_new_start_transient_unit(SystemdClient *s, const char *unit, sd_bus_message **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *msg = NULL;
        int r;

        r = sd_bus_message_new_method_call(s->bus, &msg, SD_DEST, SD_PATH, SD_MANAGER, "StartTransientUnit");
        if (r >= 0)
                r = sd_bus_message_append(msg, "ss", unit, "fail");
        if (r < 0)
                return r;
        *ret = TAKE_PTR(msg);
        return 0;
}

int systemd_new_set_unit_properties(SystemdClient *s, const char *unit, sd_bus_message **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *msg = NULL;
        int r;

        r = sd_bus_message_new_method_call(s->bus, &msg, SD_DEST, SD_PATH, SD_MANAGER, "SetUnitProperties");
        if (r >= 0)
                r = sd_bus_message_append(msg, "sb", unit, 1);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(msg);
        return 0;
}

int systemd_set_unit_properties(SystemdClient *s, sd_bus_message *msg, sd_bus_error *error) {
        return sd_bus_call(s->bus, msg, 0, error, NULL);
}

static int read_job_reply(sd_bus_message *reply, char **ret_job) {
        const char *job;
        int r = sd_bus_message_read(reply, "o", &job);
        if (r < 0)
                return r;
        *ret_job = strdup(job);
        return *ret_job ? 0 : -ENOMEM;
}

int systemd_start_transient_unit(SystemdClient *s, sd_bus_message *msg, char **ret_job, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = sd_bus_message_append(msg, "a(sa(sv))", 0);
        if (r < 0)
                return r;
        r = sd_bus_call(s->bus, msg, 0, error, &reply);
        if (r < 0)
                return r;
        return read_job_reply(reply, ret_job);
}

int systemd_start_transient_unit_with_aux(SystemdClient *s, sd_bus_message *msg, char **ret_job,
                                          sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = sd_bus_call(s->bus, msg, 0, error, &reply);
        if (r < 0)
                return r;
        return read_job_reply(reply, ret_job);
}

static int unit_job_call(SystemdClient *s, const char *method, const char *unit, char **ret_job,
                         sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = sd_bus_call_method(s->bus, SD_DEST, SD_PATH, SD_MANAGER, method, error, &reply, "ss", unit,
                               "replace");
        if (r < 0)
                return r;
        return read_job_reply(reply, ret_job);
}

int systemd_start_unit(SystemdClient *s, const char *unit, char **ret_job, sd_bus_error *error) {
        return unit_job_call(s, "StartUnit", unit, ret_job, error);
}

int systemd_stop_unit(SystemdClient *s, const char *unit, char **ret_job, sd_bus_error *error) {
        return unit_job_call(s, "StopUnit", unit, ret_job, error);
}

int systemd_kill_unit(SystemdClient *s, const char *unit, const char *whom, int sig, sd_bus_error *error) {
        return sd_bus_call_method(s->bus, SD_DEST, SD_PATH, SD_MANAGER, "KillUnit", error, NULL, "ssi", unit,
                                  whom, (int32_t) sig);
}

int systemd_reset_failed_unit(SystemdClient *s, const char *unit) {
        return sd_bus_call_method(s->bus, SD_DEST, SD_PATH, SD_MANAGER, "ResetFailedUnit", NULL, NULL, "s",
                                  unit);
}

int systemd_unref_unit(SystemdClient *s, const char *unit_path) {
        return sd_bus_call_method(s->bus, SD_DEST, unit_path, "org.freedesktop.systemd1.Unit", "Unref", NULL,
                                  NULL, NULL);
}

int systemd_freeze_unit(SystemdClient *s, const char *unit, bool freeze, sd_bus_error *error) {
        return sd_bus_call_method(s->bus, SD_DEST, SD_PATH, SD_MANAGER, freeze ? "FreezeUnit" : "ThawUnit",
                                  error, NULL, "s", unit);
}

int systemd_get_freezer_state(SystemdClient *s, const char *unit_path, char **ret) {
        if (sd_bus_get_property_string(s->bus, SD_DEST, unit_path, "org.freedesktop.systemd1.Unit",
                                       "FreezerState", NULL, ret) >= 0)
                return 0;
        *ret = strdup("running");
        return *ret ? 0 : -ENOMEM;
}

int systemd_get_unit_state(SystemdClient *s, const char *unit_path, char **ret_active, char **ret_sub) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *active = NULL, *sub = NULL;
        int r;

        r = sd_bus_get_property_string(s->bus, SD_DEST, unit_path, "org.freedesktop.systemd1.Unit",
                                       "ActiveState", &error, &active);
        if (r >= 0)
                r = sd_bus_get_property_string(s->bus, SD_DEST, unit_path, "org.freedesktop.systemd1.Unit",
                                               "SubState", &error, &sub);
        if (r < 0) {
                if (!sd_bus_error_has_names(&error, SD_BUS_ERROR_UNKNOWN_OBJECT,
                                            SD_BUS_ERROR_UNKNOWN_INTERFACE, SD_BUS_ERROR_UNKNOWN_PROPERTY,
                                            "org.freedesktop.systemd1.NoSuchUnit"))
                        return r;
                free(active);
                active = strdup("inactive");
                sub = strdup("dead");
                if (!active || !sub)
                        return -ENOMEM;
        }
        *ret_active = TAKE_PTR(active);
        *ret_sub = TAKE_PTR(sub);
        return 0;
}

static int get_service_trivial(SystemdClient *s, const char *unit_path, const char *property, char type,
                               void *ret) {
        return sd_bus_get_property_trivial(s->bus, SD_DEST, unit_path, "org.freedesktop.systemd1.Service",
                                           property, NULL, type, ret) < 0
                       ? 0
                       : 1;
}

int systemd_get_service_u32(SystemdClient *s, const char *unit_path, const char *property, uint32_t *ret) {
        *ret = 0;
        return get_service_trivial(s, unit_path, property, 'u', ret);
}

int systemd_get_service_i32(SystemdClient *s, const char *unit_path, const char *property, int32_t *ret) {
        *ret = 0;
        return get_service_trivial(s, unit_path, property, 'i', ret);
}

int systemd_list_units(SystemdClient *s, char **patterns, SystemdUnitEach each, void *userdata) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL, *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        SystemdUnitInfo u;
        int r;

        r = sd_bus_message_new_method_call(s->bus, &call, SD_DEST, SD_PATH, SD_MANAGER,
                                           "ListUnitsByPatterns");
        if (r >= 0)
                r = sd_bus_message_append(call, "as", 0);
        if (r >= 0)
                r = sd_bus_message_append_strv(call, patterns);
        if (r >= 0)
                r = sd_bus_call(s->bus, call, 0, &error, &reply);
        if (r < 0)
                return log_error_errno(r, "Failed to list units: %s", error.message ?: strerror(-r));
        r = sd_bus_message_enter_container(reply, 'a', "(ssssssouso)");
        while (r >= 0 &&
               (r = sd_bus_message_read(reply, "(ssssssouso)", &u.unit, NULL, NULL, &u.active, &u.sub, NULL,
                                        &u.unit_path, NULL, &u.job_type, &u.job_path)) > 0)
                each(&u, userdata);
        return r < 0 ? log_error_errno(r, "Failed to parse the unit list: %m") : 0;
}

int systemd_get_version(SystemdClient *s, char **ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = sd_bus_get_property_string(s->bus, SD_DEST, SD_PATH, SD_MANAGER, "Version", &error, ret);
        if (r < 0)
                log_warning("Failed to read systemd's version: %s", error.message ?: strerror(-r));
        return r;
}
