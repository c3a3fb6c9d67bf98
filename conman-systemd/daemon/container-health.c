/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-health.c — see container-health.h.
 */
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>

#include "conman-config.h"
#include "shared/bus-errors.h"
#include "shared/fileio.h"
#include "shared/health.h"
#include "shared/json-util.h"
#include "shared/log.h"
#include "shared/unit-health.h"
#include "shared/unit.h"
#include "shared/util.h"
#include "daemon/container-health.h"
#include "daemon/exec.h"
#include "daemon/systemd-client.h"

#define HEALTH_FILE "health.json"

struct ContainerHealth {
        HealthState state;
        uint64_t run_started_at; /* the container's started_at the state belongs to */
        char *exec_id;           /* the check that runs now, or NULL */
        uint64_t check_start;
        bool timed_out;
        int output_fd;
        sd_event_source *timeout;
        sd_bus_message **waiters; /* HealthcheckRun calls answered when the check ends */
        size_t n_waiters;
};

/* What the exec's end handler holds: the container may be gone by then. */
typedef struct HealthRef {
        Manager *manager;
        char *container_id;
} HealthRef;

static void health_ref_free(void *userdata) {
        HealthRef *ref = userdata;

        if (!ref)
                return;
        free(ref->container_id);
        free(ref);
}

static void answer_waiters(ContainerHealth *h, const char *error_message, int exit_code) {
        for (size_t i = 0; i < h->n_waiters; i++) {
                if (error_message)
                        (void) sd_bus_reply_method_errorf(h->waiters[i], CONMAN_ERROR_RUNTIME_FAILED, "%s",
                                                          error_message);
                else
                        (void) sd_bus_reply_method_return(h->waiters[i], "si",
                                                          health_status_to_string(h->state.status),
                                                          (int32_t) exit_code);
                sd_bus_message_unref(h->waiters[i]);
        }
        free(h->waiters);
        h->waiters = NULL;
        h->n_waiters = 0;
}

static void check_done(ContainerHealth *h) {
        free(h->exec_id);
        h->exec_id = NULL;
        h->timeout = sd_event_source_disable_unref(h->timeout);
        h->output_fd = safe_close(h->output_fd);
        h->timed_out = false;
}

void container_health_free(Container *c) {
        ContainerHealth *h = c->health;

        if (!h)
                return;
        answer_waiters(h, "The container was removed while its health check ran.", -1);
        check_done(h);
        health_state_done(&h->state);
        free(h);
        c->health = NULL;
}

static ContainerHealth *health_get(Container *c) {
        if (!c->health) {
                c->health = calloc(1, sizeof(ContainerHealth));
                if (!c->health)
                        return NULL;
                c->health->output_fd = -EBADF;
                health_state_init(&c->health->state, &c->spec.health);
        }
        return c->health;
}

static int health_save(Container *c) {
        _cleanup_json_ struct json_object *j = health_state_to_json(&c->health->state);

        json_object_object_add(j, "RunStartedAtUSec", json_object_new_uint64(c->health->run_started_at));
        return json_write_file_atomic_at(c->dir_fd, HEALTH_FILE, j);
}

int container_health_load(Container *c) {
        _cleanup_json_ struct json_object *j = NULL;
        ContainerHealth *h;
        int r;

        if (!health_spec_enabled(&c->spec.health))
                return 0;
        h = health_get(c);
        if (!h)
                return -ENOMEM;
        r = json_read_file_at(c->dir_fd, HEALTH_FILE, &j);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        health_state_done(&h->state);
        r = health_state_from_json(j, &h->state);
        if (r < 0) {
                health_state_init(&h->state, &c->spec.health);
                return r;
        }
        h->run_started_at = json_get_u64(j, "RunStartedAtUSec", 0);
        return 0;
}

const char *container_health_status(Container *c) {
        if (!health_spec_enabled(&c->spec.health) || !health_get(c))
                return NULL;
        return health_status_to_string(c->health->state.status);
}

struct json_object *container_health_to_json(Container *c, bool redact) {
        struct json_object *j, *log;

        if (!health_spec_enabled(&c->spec.health) || !health_get(c))
                return NULL;
        j = health_state_to_json(&c->health->state);
        log = json_object_object_get(j, "Log");
        for (size_t i = 0; redact && i < json_object_array_length(log); i++)
                json_object_object_add(json_object_array_get_idx(log, i), "Output",
                                       json_object_new_string(BUS_REDACTED));
        return j;
}

int container_health_timer_unit(Container *c, char **ret) {
        return asprintf(ret, CONMAN_UNIT_PREFIX "%s-health.timer", c->name) < 0 ? -ENOMEM : 0;
}

/* As docker, the start interval applies while the container is starting: once a check passed (or it turned
 * unhealthy) the start timer goes, and checks follow the interval. Gone already (elapsed): nothing to do. */
static void stop_start_timer(Container *c) {
        _cleanup_free_ char *timer = NULL, *job = NULL;

        if (c->spec.health.start_interval_usec == 0 ||
            asprintf(&timer, CONMAN_UNIT_PREFIX "%s-health-start.timer", c->name) < 0)
                return;
        (void) systemd_stop_unit(c->manager->systemd, timer, &job, NULL);
}

/* --health-on-failure: what docker leaves to the user, podman does when the container turns unhealthy. */
static void act_on_failure(Container *c) {
        HealthOnFailure f = c->spec.health.on_failure;
        int r = 0;

        if (f == HEALTH_ON_FAILURE_NONE)
                return;
        log_info("Container %s is unhealthy: health-on-failure=%s.", c->name, health_on_failure_to_string(f));
        if (f == HEALTH_ON_FAILURE_KILL)
                r = container_kill(c, SIGKILL, NULL);
        else if (f == HEALTH_ON_FAILURE_STOP)
                r = container_stop(c, c->spec.stop_timeout_usec, NULL, NULL);
        else if (f == HEALTH_ON_FAILURE_RESTART)
                r = container_restart(c, c->spec.stop_timeout_usec, NULL, NULL);
        if (r < 0)
                log_warning_errno(r, "Cannot %s unhealthy container %s: %m", health_on_failure_to_string(f),
                                  c->name);
}

static char *read_output(int fd) {
        char buf[HEALTH_OUTPUT_MAX + 1];
        ssize_t n = fd >= 0 ? pread(fd, buf, HEALTH_OUTPUT_MAX, 0) : -1;

        buf[n > 0 ? n : 0] = 0;
        if (!utf8_is_valid(buf))
                return strdup("");
        return strdup(buf);
}

static void on_check_done(int exit_code, void *userdata) {
        HealthRef *ref = userdata;
        Container *c = manager_get_container_by_id(ref->manager, ref->container_id);
        ContainerHealth *h = c ? c->health : NULL;
        HealthLogEntry entry;
        HealthStatus old;
        bool turned_unhealthy;

        if (!h || !h->exec_id)
                return;
        entry = (HealthLogEntry){ .start = h->check_start,
                                  .end = now_realtime_usec(),
                                  .exit_code = exit_code };
        if (h->timed_out) {
                entry.exit_code = -1;
                (void) asprintf(&entry.output, "Health check exceeded timeout (%" PRIu64 "ms)",
                                health_spec_timeout(&c->spec.health) / 1000);
        } else
                entry.output = read_output(h->output_fd);
        check_done(h);
        old = h->state.status;
        turned_unhealthy = health_state_record(&h->state, &c->spec.health, c->started_at, &entry);
        free(entry.output);
        if (health_save(c) < 0)
                log_warning("Cannot save the health of container %s.", c->name);
        log_debug("Health check of %s: exit %i, %s.", c->name, exit_code,
                  health_status_to_string(h->state.status));
        answer_waiters(h, NULL, entry.exit_code);
        if (h->state.status != old)
                container_send_health_changed(c);
        if (old == HEALTH_STARTING && h->state.status != HEALTH_STARTING)
                stop_start_timer(c);
        if (turned_unhealthy)
                act_on_failure(c);
}

static int on_check_timeout(sd_event_source *s, uint64_t usec, void *userdata) {
        Container *c = userdata;
        ContainerHealth *h = c->health;
        _cleanup_free_ char *unit = NULL;

        h->timeout = sd_event_source_disable_unref(h->timeout);
        h->timed_out = true;
        log_info("Health check of %s timed out.", c->name);
        /* the process in the container, then its runtime (it may not have started the process yet) */
        (void) exec_kill(c->manager, h->exec_id, SIGKILL, NULL);
        if (asprintf(&unit, CONMAN_UNIT_PREFIX "%s-exec-%.12s.service", c->name, h->exec_id) >= 0)
                (void) systemd_kill_unit(c->manager->systemd, unit, "all", SIGKILL, NULL);
        return 0;
}

static int open_output(Container *c) {
        _cleanup_free_ char *path = NULL;
        int fd;

        if (asprintf(&path, "%s/health-%s.out", c->manager->run_dir, c->id) < 0)
                return -ENOMEM;
        fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return negative_errno();
        (void) unlink(path); /* the fd is all we need */
        return fd;
}

static int check_start(Container *c, sd_bus_error *error) {
        ContainerHealth *h = c->health;
        _cleanup_strv_free_ char **argv = NULL;
        _cleanup_close_ int null_fd = -EBADF;
        HealthRef *ref;
        int r;

        r = health_spec_argv(&c->spec.health, &argv);
        if (r < 0)
                return r;
        h->output_fd = open_output(c);
        null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (h->output_fd < 0 || null_fd < 0)
                return h->output_fd < 0 ? h->output_fd : negative_errno();
        ref = calloc(1, sizeof(HealthRef));
        if (!ref || !(ref->container_id = strdup(c->id))) {
                free(ref);
                return -ENOMEM;
        }
        ref->manager = c->manager;
        h->check_start = now_realtime_usec();
        r = exec_run_internal(c,
                              &(ExecParams){ .command = argv,
                                             .stdin_fd = null_fd,
                                             .stdout_fd = h->output_fd,
                                             .stderr_fd = h->output_fd },
                              on_check_done, ref, health_ref_free, &h->exec_id, error);
        if (r < 0)
                return r;
        r = sd_event_add_time_relative(c->manager->event, &h->timeout, CLOCK_MONOTONIC,
                                       health_spec_timeout(&c->spec.health), 0, on_check_timeout, c);
        if (r < 0)
                log_warning_errno(r, "Cannot bound the health check of %s: %m", c->name);
        return 0;
}

static void state_reset_if_new_run(Container *c) {
        ContainerHealth *h = c->health;

        if (h->run_started_at == c->started_at)
                return;
        health_state_init(&h->state, &c->spec.health);
        h->run_started_at = c->started_at;
        if (health_save(c) < 0)
                log_warning("Cannot save the health of container %s.", c->name);
}

int container_health_run(Container *c, sd_bus_message *request, sd_bus_error *error) {
        ContainerHealth *h;
        sd_bus_message **w;
        int r;

        if (!health_spec_enabled(&c->spec.health))
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Container %s has no health check.", c->name);
        if (c->state != CONTAINER_RUNNING)
                return sd_bus_error_setf(error, CONMAN_ERROR_NOT_RUNNING, "Container %s is not running (%s).",
                                         c->name, container_state_to_string(c->state));
        if (c->paused) /* as docker: no checks while frozen (the exec would hang there) */
                return sd_bus_error_setf(error, CONMAN_ERROR_NOT_RUNNING,
                                         "Container %s is paused; its health check runs again after unpause.",
                                         c->name);
        h = health_get(c);
        if (!h)
                return -ENOMEM;
        state_reset_if_new_run(c);
        w = realloc(h->waiters, sizeof(sd_bus_message *) * (h->n_waiters + 1));
        if (!w)
                return -ENOMEM;
        h->waiters = w;
        if (!h->exec_id) { /* else the call waits for the check that runs */
                r = check_start(c, error);
                if (r < 0) {
                        check_done(h);
                        return r;
                }
        }
        h->waiters[h->n_waiters++] = sd_bus_message_ref(request);
        return 1;
}

/* Starts conman-NAME-health<suffix>.timer with its service, which runs `conmanctl healthcheck run ID`: the
 * schedule (suffix "") or, with a start interval, the start period's checks (suffix "-start"). */
static int start_health_timer(Container *c, const char *suffix, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *msg = NULL;
        _cleanup_free_ char *timer = NULL, *service = NULL, *desc = NULL, *job = NULL;
        const char *ctl = CONMAN_BINDIR "/conmanctl";
        uint64_t triggers[HEALTH_START_TRIGGERS_MAX];
        size_t n = *suffix ? health_spec_start_triggers(&c->spec.health, triggers) : 0;
        int r;

        if (*suffix && n == 0)
                return 0;
        if (asprintf(&timer, CONMAN_UNIT_PREFIX "%s-health%s.timer", c->name, suffix) < 0 ||
            asprintf(&service, CONMAN_UNIT_PREFIX "%s-health%s.service", c->name, suffix) < 0 ||
            asprintf(&desc, "conman health check%s of %s", *suffix ? "s in the start period" : "", c->name) <
                    0)
                return -ENOMEM;
        r = systemd_new_start_transient_unit(c->manager->systemd, timer, &msg);
        if (r >= 0)
                r = *suffix ? unit_append_health_start_timer_properties(msg, desc, c->unit, triggers, n)
                            : unit_append_health_timer_properties(msg, desc, c->unit,
                                                                  health_spec_interval(&c->spec.health));
        if (r >= 0)
                r = unit_append_health_service(
                        msg, service, desc,
                        (char *[]){ (char *) ctl, (char *) "healthcheck", (char *) "run", c->id, NULL });
        if (r >= 0)
                r = systemd_start_transient_unit_with_aux(c->manager->systemd, msg, &job, error);
        return r;
}

void container_health_on_running(Container *c) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        if (!health_spec_enabled(&c->spec.health) || !health_get(c))
                return;
        state_reset_if_new_run(c);
        r = start_health_timer(c, "", &error);
        if (r < 0 && !sd_bus_error_has_name(&error, "org.freedesktop.systemd1.UnitExists"))
                log_warning("Cannot start the health check timer of %s: %s", c->name,
                            error.message ?: strerror(-r));
        if (r < 0 || c->health->state.status != HEALTH_STARTING)
                return; /* a timer already there: conmand restarted, the start timer (if any) runs on */
        r = start_health_timer(c, "-start", &error);
        if (r < 0)
                log_warning("Cannot start the start period's health check timer of %s: %s", c->name,
                            error.message ?: strerror(-r));
}
