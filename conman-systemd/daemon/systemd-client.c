/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * systemd-client.c — see systemd-client.h.
 */
#include "daemon/container.h"
#include "shared/log.h"
#include "daemon/systemd-client.h"
#include "shared/util.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"

static void job_free(Job *j) {
        free(j->path);
        free(j->container_id);
        sd_bus_message_unref(j->request);
        free(j);
}

void manager_free_jobs(Manager *m) {
        while (m->jobs) {
                Job *j = m->jobs;
                m->jobs = j->next;
                job_free(j);
        }
}

int manager_watch_job(Manager *m, const char *path, JobKind kind, const char *container_id, sd_bus_message *request) {
        Job *j = calloc(1, sizeof(Job));

        if (!j)
                return -ENOMEM;
        j->path = strdup(path);
        j->container_id = strdup(container_id);
        if (!j->path || !j->container_id) {
                job_free(j);
                return -ENOMEM;
        }
        j->kind = kind;
        j->request = sd_bus_message_ref(request);
        j->next = m->jobs;
        m->jobs = j;
        return 0;
}

static Job *take_job(Manager *m, const char *path) {
        for (Job **j = &m->jobs; *j; j = &(*j)->next)
                if (streq((*j)->path, path)) {
                        Job *found = *j;
                        *j = found->next;
                        return found;
                }
        return NULL;
}

static Container *container_by_id(Manager *m, const char *id) {
        for (Container *c = m->containers; c; c = c->next)
                if (streq(c->id, id))
                        return c;
        return NULL;
}

/* Brings the container's state up to date with a direct question to systemd. */
static void container_refresh(Container *c) {
        _cleanup_free_ char *active = NULL, *sub = NULL;

        if (systemd_get_unit_state(c->manager, c->unit_path, &active, &sub) >= 0)
                container_apply_unit_state(c, active, sub);
}

static void reply_job(Job *j, Container *c, const char *result, bool ran) {
        if (!j->request)
                return;
        /* A container that exits at once fails the start job (its main process died during
         * ExecStartPost=), yet it ran: like docker, start succeeds and wait reports the exit. */
        if (streq(result, "done") || streq(result, "skipped") || (j->kind == JOB_START && ran))
                (void) sd_bus_reply_method_return(j->request, NULL);
        else if (j->kind == JOB_START)
                (void) sd_bus_reply_method_errorf(
                        j->request, "io.conman1.Error.RuntimeFailed",
                        "Container %s failed to start (job %s, exit code %i). See 'journalctl -u %s'.",
                        c ? c->name : j->container_id, result, c ? c->exit_code : -1, c ? c->unit : "conman-*");
        else
                (void) sd_bus_reply_method_errorf(j->request, "io.conman1.Error.RuntimeFailed",
                                                  "systemd could not stop container %s (job %s).",
                                                  c ? c->name : j->container_id, result);
}

static void job_finished(Manager *m, Job *j, const char *result) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        Container *c = container_by_id(m, j->container_id);
        bool ran = false;
        int r;

        if (c && j->kind == JOB_START && !streq(result, "done") && j->request && !c->start_request) {
                /* A container that exits at once fails the start job, yet it ran: the exit record will say
                 * (an exit code means the init ran). The answer waits for it (container_apply_unit_state()). */
                c->start_request = sd_bus_message_ref(j->request);
                c->start_pending = false;
                container_refresh(c);
                return;
        }
        if (c) {
                if (j->kind == JOB_START)
                        c->start_pending = false;
                container_refresh(c);
                c = container_by_id(m, j->container_id); /* an exit may have removed it (--rm) */
        }

        switch (j->kind) {
        case JOB_RESTART_STOP:
                r = c ? container_start(c, j->request, &error) : -ENOENT;
                break;
        case JOB_REMOVE_STOP:
                r = c ? container_remove(c, true, j->request, &error) : 0; /* gone already is fine */
                break;
        default:
                reply_job(j, c, result, ran);
                return;
        }
        if (!j->request || r > 0)
                return; /* answered later */
        if (r >= 0)
                (void) sd_bus_reply_method_return(j->request, NULL);
        else if (sd_bus_error_is_set(&error))
                (void) sd_bus_reply_method_error(j->request, &error);
        else
                (void) sd_bus_reply_method_errnof(j->request, r, "Container %s is gone.", j->container_id);
}

static int on_job_removed(sd_bus_message *message, void *userdata, sd_bus_error *ret_error) {
        Manager *m = userdata;
        const char *path, *unit, *result;
        uint32_t id;
        Job *j;
        int r;

        r = sd_bus_message_read(message, "uoss", &id, &path, &unit, &result);
        if (r < 0)
                return 0;
        /* concurrent calls on one unit share systemd's job (StopUnit returns the job already queued):
         * every caller waiting on it gets its answer */
        while ((j = take_job(m, path))) {
                job_finished(m, j, result);
                job_free(j);
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
                } else {
                        r = sd_bus_message_skip(message, "v");
                        if (r < 0)
                                return r;
                }
                r = sd_bus_message_exit_container(message);
                if (r < 0)
                        return r;
        }
        return 1;
}

/* A conman-*.service we do not know: a unit of conman-generator that systemd started without us. */
static void load_generated(Manager *m, const char *path) {
        _cleanup_free_ char *unit = NULL;
        Container *c;

        if (!path || sd_bus_path_decode(path, "/org/freedesktop/systemd1/unit", &unit) <= 0 ||
            !string_has_prefix(unit, "conman-"))
                return;
        (void) manager_load_new_containers(m);
        c = container_by_unit_path(m, path);
        if (c)
                container_refresh(c);
}

static int on_unit_properties_changed(sd_bus_message *message, void *userdata, sd_bus_error *ret_error) {
        _cleanup_free_ char *active = NULL, *sub = NULL;
        Manager *m = userdata;
        Container *c = container_by_unit_path(m, sd_bus_message_get_path(message));

        if (!c) {
                load_generated(m, sd_bus_message_get_path(message));
                return 0;
        }
        if (read_unit_changes(message, &active, &sub) <= 0 || !active || !sub)
                return 0;
        container_apply_unit_state(c, active, sub);
        return 0;
}

static int on_unit_removed(sd_bus_message *message, void *userdata, sd_bus_error *ret_error) {
        Manager *m = userdata;
        const char *unit, *path;
        Container *c;

        if (sd_bus_message_read(message, "so", &unit, &path) < 0)
                return 0;
        c = container_by_unit_path(m, path);
        if (c && container_state_is_active(c->state))
                container_refresh(c);
        c = container_by_unit_path(m, path); /* the refresh may have removed it (--rm) */
        if (c)
                container_unit_removed(c);
        return 0;
}

int systemd_client_setup(Manager *m) {
        int r;

        r = sd_bus_match_signal_async(m->bus, NULL, SD_DEST, SD_PATH, SD_MANAGER, "JobRemoved", on_job_removed, NULL,
                                      m);
        if (r >= 0)
                r = sd_bus_match_signal_async(m->bus, NULL, SD_DEST, SD_PATH, SD_MANAGER, "UnitRemoved",
                                              on_unit_removed, NULL, m);
        if (r >= 0)
                r = sd_bus_add_match_async(m->bus, NULL,
                                           "type='signal',sender='" SD_DEST "',"
                                           "interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',"
                                           "path_namespace='/org/freedesktop/systemd1/unit'",
                                           on_unit_properties_changed, NULL, m);
        if (r < 0)
                return log_error_errno(r, "Failed to watch systemd's signals: %m");

        r = sd_bus_call_method_async(m->bus, NULL, SD_DEST, SD_PATH, SD_MANAGER, "Subscribe", NULL, NULL, NULL);
        if (r < 0)
                return log_error_errno(r, "Failed to subscribe to systemd: %m");
        return 0;
}

int systemd_new_start_transient_unit(Manager *m, const char *unit, sd_bus_message **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *msg = NULL;
        int r;

        r = sd_bus_message_new_method_call(m->bus, &msg, SD_DEST, SD_PATH, SD_MANAGER, "StartTransientUnit");
        if (r >= 0)
                r = sd_bus_message_append(msg, "ss", unit, "fail");
        if (r < 0)
                return r;
        *ret = TAKE_PTR(msg);
        return 0;
}

static int read_job_reply(sd_bus_message *reply, char **ret_job) {
        const char *job;
        int r = sd_bus_message_read(reply, "o", &job);
        if (r < 0)
                return r;
        *ret_job = strdup(job);
        return *ret_job ? 0 : -ENOMEM;
}

int systemd_start_transient_unit(Manager *m, sd_bus_message *msg, char **ret_job, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = sd_bus_message_append(msg, "a(sa(sv))", 0);
        if (r < 0)
                return r;
        r = sd_bus_call(m->bus, msg, 0, error, &reply);
        if (r < 0)
                return r;
        return read_job_reply(reply, ret_job);
}

int systemd_start_unit(Manager *m, const char *unit, char **ret_job, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = sd_bus_call_method(m->bus, SD_DEST, SD_PATH, SD_MANAGER, "StartUnit", error, &reply, "ss", unit,
                               "replace");
        if (r < 0)
                return r;
        return read_job_reply(reply, ret_job);
}

int systemd_stop_unit(Manager *m, const char *unit, char **ret_job, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = sd_bus_call_method(m->bus, SD_DEST, SD_PATH, SD_MANAGER, "StopUnit", error, &reply, "ss", unit, "replace");
        if (r < 0)
                return r;
        return read_job_reply(reply, ret_job);
}

int systemd_kill_unit(Manager *m, const char *unit, const char *whom, int sig, sd_bus_error *error) {
        return sd_bus_call_method(m->bus, SD_DEST, SD_PATH, SD_MANAGER, "KillUnit", error, NULL, "ssi", unit, whom,
                                  (int32_t) sig);
}

int systemd_reset_failed_unit(Manager *m, const char *unit) {
        return sd_bus_call_method(m->bus, SD_DEST, SD_PATH, SD_MANAGER, "ResetFailedUnit", NULL, NULL, "s", unit);
}

int systemd_get_unit_state(Manager *m, const char *unit_path, char **ret_active, char **ret_sub) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *active = NULL, *sub = NULL;
        int r;

        r = sd_bus_get_property_string(m->bus, SD_DEST, unit_path, "org.freedesktop.systemd1.Unit", "ActiveState",
                                       &error, &active);
        if (r >= 0)
                r = sd_bus_get_property_string(m->bus, SD_DEST, unit_path, "org.freedesktop.systemd1.Unit",
                                               "SubState", &error, &sub);
        if (r < 0) {
                if (!sd_bus_error_has_names(&error, SD_BUS_ERROR_UNKNOWN_OBJECT, SD_BUS_ERROR_UNKNOWN_INTERFACE,
                                            SD_BUS_ERROR_UNKNOWN_PROPERTY, "org.freedesktop.systemd1.NoSuchUnit"))
                        return r;
                active = strdup("inactive");
                sub = strdup("dead");
                if (!active || !sub)
                        return -ENOMEM;
        }
        *ret_active = TAKE_PTR(active);
        *ret_sub = TAKE_PTR(sub);
        return 0;
}

int systemd_get_service_u32(Manager *m, const char *unit_path, const char *property, uint32_t *ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        *ret = 0;
        r = sd_bus_get_property_trivial(m->bus, SD_DEST, unit_path, "org.freedesktop.systemd1.Service", property,
                                        &error, 'u', ret);
        return r < 0 ? 0 : 1;
}
