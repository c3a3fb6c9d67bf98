/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-events.c — what systemd's news means for a container, decided in one place.
 *
 * The systemd client (systemd-client.h) calls back when a job is gone or a unit changed or was
 * collected. Those callbacks only find the container and queue the news on it (container_enqueue());
 * the manager's run queue, a deferred event source of higher priority than the bus, then calls
 * container_dispatch() once per container: bring the state up to date, answer the jobs' requests, and
 * take the decisions that follow (start again after a restart's stop, remove after rm -f's stop, reap a
 * --rm container that exited). A container removed meanwhile is unlinked from the manager at once and
 * freed by the GC queue once every callback returned (container_enqueue_gc()), so no caller ever holds
 * a freed container. This is systemd's own manager_enqueue_gc() → manager_gc() pattern.
 */
#include "shared/bus-errors.h"
#include "shared/log.h"
#include "shared/unit.h"
#include "shared/util.h"
#include "daemon/container.h"
#include "daemon/pod.h"
#include "daemon/systemd-client.h"

struct ContainerJob {
        Manager *manager;
        JobKind kind;
        char *container_id;
        sd_bus_message *request; /* answered when the job is gone; may be NULL */
        char *result;            /* systemd's, once the job is gone */
        bool queued;             /* on the container's news: the watch no longer owns it */
        ContainerJob *next;
};

static ContainerJob *container_job_free(ContainerJob *j) {
        free(j->container_id);
        free(j->result);
        sd_bus_message_unref(j->request);
        free(j);
        return NULL;
}

void container_jobs_free(ContainerJob *j) {
        while (j) {
                ContainerJob *next = j->next;
                container_job_free(j);
                j = next;
        }
}

static void container_job_release(void *userdata) {
        ContainerJob *j = userdata;

        if (!j->queued)
                container_job_free(j);
}

static void reply_job(ContainerJob *j, Container *c) {
        const char *name = c ? c->name : j->container_id;

        if (!j->request)
                return;
        if (streq(j->result, "done") || streq(j->result, "skipped"))
                (void) sd_bus_reply_method_return(j->request, NULL);
        else if (j->kind == JOB_START)
                (void) sd_bus_reply_method_errorf(
                        j->request, CONMAN_ERROR_RUNTIME_FAILED,
                        "Container %s failed to start (job %s, exit code %i). See 'journalctl -u %s'.", name,
                        j->result, c ? c->exit_code : -1, c ? c->unit : CONMAN_UNIT_PREFIX "*");
        else
                (void) sd_bus_reply_method_errorf(j->request, CONMAN_ERROR_RUNTIME_FAILED,
                                                  "systemd could not stop container %s (job %s).", name,
                                                  j->result);
}

/* What follows a finished job; c is NULL or gone when the container was removed meanwhile. */
static void job_decide(ContainerJob *j, Container *c) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        bool gone = !c || c->gone;
        int r;

        switch (j->kind) {
        case JOB_RESTART_STOP:
                if (!gone)
                        c->restarting = false;
                r = gone ? -ENOENT : container_start(c, j->request, &error);
                break;
        case JOB_REMOVE_STOP:
                r = gone ? 0 : container_remove(c, true, j->request, &error); /* gone already is fine */
                break;
        default: reply_job(j, c); return;
        }
        if (!j->request || r > 0)
                return; /* answered later */
        if (r >= 0)
                (void) sd_bus_reply_method_return(j->request, NULL);
        else if (sd_bus_error_is_set(&error))
                (void) sd_bus_reply_method_error(j->request, &error);
        else
                (void) sd_bus_reply_method_errorf(j->request, CONMAN_ERROR_NO_SUCH_CONTAINER,
                                                  "Container %s is gone.", j->container_id);
}

static void on_job_removed(const char *job, const char *result, void *userdata) {
        ContainerJob *j = userdata, **tail;
        Container *c = container_by_id(j->manager, j->container_id);

        j->result = strdup(result);
        if (!j->result) {
                log_oom();
                return;
        }
        if (!c) {
                job_decide(j, NULL);
                return;
        }
        j->queued = true;
        for (tail = &c->news_jobs; *tail; tail = &(*tail)->next)
                ;
        *tail = j;
        c->news_refresh = true;
        container_enqueue(c);
}

int container_watch_job(Container *c, const char *job, JobKind kind, sd_bus_message *request) {
        ContainerJob *j = calloc(1, sizeof(ContainerJob));
        int r;

        if (!j)
                return -ENOMEM;
        *j = (ContainerJob){ .manager = c->manager, .kind = kind, .request = sd_bus_message_ref(request) };
        j->container_id = strdup(c->id);
        if (!j->container_id) {
                container_job_free(j);
                return -ENOMEM;
        }
        r = systemd_watch_job(c->manager->systemd, job, on_job_removed, j, container_job_release);
        if (r < 0)
                container_job_free(j);
        return r;
}

static bool is_container_unit_path(const char *unit_path) {
        _cleanup_free_ char *unit = NULL;

        size_t n;

        if (!unit_path || sd_bus_path_decode(unit_path, "/org/freedesktop/systemd1/unit", &unit) <= 0)
                return false;
        n = strlen(unit); /* a service (a container's, a pod's pin), not a pod's slice */
        return string_has_prefix(unit, CONMAN_UNIT_PREFIX) && n > 8 && streq(unit + n - 8, ".service");
}

static int schedule(Manager *m, sd_event_source **source, sd_event_handler_t handler, int64_t priority) {
        int r;

        if (!*source) {
                r = sd_event_add_defer(m->event, source, handler, m);
                if (r < 0)
                        return r;
                r = sd_event_source_set_priority(*source, priority);
                if (r < 0)
                        return r;
        }
        return sd_event_source_set_enabled(*source, SD_EVENT_ONESHOT);
}

static int on_run_queue(sd_event_source *s, void *userdata);

static void manager_schedule_run_queue(Manager *m) {
        /* before the bus's next message: every state a signal brought is applied in order */
        int r = schedule(m, &m->run_queue_source, on_run_queue, SD_EVENT_PRIORITY_IMPORTANT);
        if (r < 0)
                log_warning_errno(r, "Failed to schedule the container run queue: %m");
}

void container_enqueue(Container *c) {
        if (c->gone || c->in_run_queue)
                return;
        c->in_run_queue = true;
        c->run_queue_next = c->manager->run_queue;
        c->manager->run_queue = c;
        manager_schedule_run_queue(c->manager);
}

static void on_unit_changed(const char *unit_path, const char *active, const char *sub, void *userdata) {
        Manager *m = userdata;
        Container *c = container_by_unit_path(m, unit_path);
        Pod *p = c ? NULL : manager_get_pod_by_unit_path(m, unit_path);

        if (p) {
                if (active)
                        pod_pin_changed(p, active);
                return;
        }
        if (!c) {
                if (is_container_unit_path(unit_path)) { /* conman-generator's unit, started without us */
                        m->scan_new_units = true;
                        manager_schedule_run_queue(m);
                }
                return;
        }
        if (!active || !sub || free_and_strdup(&c->news_active, active) < 0 ||
            free_and_strdup(&c->news_sub, sub) < 0)
                return;
        container_enqueue(c);
}

static void on_unit_removed(const char *unit_path, void *userdata) {
        Container *c = container_by_unit_path(userdata, unit_path);
        Pod *p = c ? NULL : manager_get_pod_by_unit_path(userdata, unit_path);

        if (p)
                pod_pin_changed(p, NULL);
        if (!c)
                return;
        if (container_state_is_active(c->state))
                c->news_refresh = true;
        c->news_unit_removed = true;
        container_enqueue(c);
}

/* A signal may have been lost while systemd reloaded or re-executed itself (the crash-injection test does
 * both under load): every container and pod asks its unit again. */
static void on_manager_reloaded(void *userdata) {
        Manager *m = userdata;

        for (Container *c = m->containers; c; c = c->next) {
                c->news_refresh = true;
                container_enqueue(c);
        }
        for (Pod *p = m->pods; p; p = p->next) {
                pod_refresh_pin(p);
                pod_enqueue(p);
        }
        m->scan_new_units = true; /* a generated unit may have appeared */
        manager_schedule_run_queue(m);
}

const SystemdUnitHandlers container_unit_handlers = {
        .unit_changed = on_unit_changed,
        .unit_removed = on_unit_removed,
        .manager_reloaded = on_manager_reloaded,
};

/* Brings the container's state up to date with a direct question to systemd; < 0 when systemd did not
 * answer (it may be re-executing itself). */
static int container_refresh(Container *c) {
        _cleanup_free_ char *active = NULL, *sub = NULL;
        int r = systemd_get_unit_state(c->manager->systemd, c->unit_path, &active, &sub);

        if (r < 0)
                return log_debug_errno(r, "Cannot ask systemd for the state of %s: %m", c->unit);
        container_apply_unit_state(c, active, sub);
        return 0;
}

/* Start jobs end the "inactive is stale" window. A failed start with a request waits for the exit record:
 * a container that exits at once fails its start job (its init died during ExecStartPost=), yet it ran,
 * and like docker's, the start succeeds (answer_start_request() in container-ops.c). */
static void take_start_jobs(Container *c, ContainerJob **jobs) {
        for (ContainerJob **j = jobs; *j;) {
                ContainerJob *job = *j;

                if (job->kind == JOB_START)
                        c->start_pending = false;
                if (job->kind != JOB_START || streq(job->result, "done") || !job->request ||
                    c->start_request) {
                        j = &job->next;
                        continue;
                }
                c->start_request = TAKE_PTR(job->request);
                *j = job->next;
                container_job_free(job);
        }
}

static void container_dispatch(Container *c) {
        _cleanup_free_ char *active = TAKE_PTR(c->news_active), *sub = TAKE_PTR(c->news_sub);
        ContainerJob *jobs = TAKE_PTR(c->news_jobs);
        bool refresh = c->news_refresh, unit_removed = c->news_unit_removed;

        c->news_refresh = c->news_unit_removed = false;
        if (!c->gone) {
                take_start_jobs(c, &jobs);
                /* a job ended or the unit went away: systemd's answer now beats a signal's; without an
                 * answer the signal's news stand, and a unit systemd forgot runs nothing */
                bool answered = refresh && container_refresh(c) >= 0;

                if (!answered && active && sub)
                        container_apply_unit_state(c, active, sub);
                else if (refresh && !answered && unit_removed)
                        container_apply_unit_state(c, "inactive", "dead");
                if (unit_removed && !c->gone)
                        container_unit_removed(c);
        }
        for (ContainerJob *j = jobs; j; j = j->next)
                job_decide(j, c);
        container_jobs_free(jobs);
        pod_member_changed(c->manager, c->spec.pod_id); /* its pod's state and operations, after this */
}

static int on_run_queue(sd_event_source *s, void *userdata) {
        Manager *m = userdata;

        if (m->scan_new_units) {
                m->scan_new_units = false;
                (void) manager_load_new_containers(m); /* queues what it found for a refresh */
        }
        while (m->run_queue) {
                Container *c = m->run_queue;

                m->run_queue = c->run_queue_next;
                c->run_queue_next = NULL;
                c->in_run_queue = false;
                container_dispatch(c);
        }
        return 0;
}

static int on_gc_queue(sd_event_source *s, void *userdata) {
        Manager *m = userdata;

        while (m->gc_queue) {
                Container *c = m->gc_queue;
                m->gc_queue = c->gc_next;
                container_free(c);
        }
        return 0;
}

void container_enqueue_gc(Container *c) {
        Manager *m = c->manager;
        int r;

        if (c->gone)
                return;
        container_unlink(c);
        c->gone = true;
        c->kill_timer = sd_event_source_disable_unref(c->kill_timer);
        c->start_wait_timer = sd_event_source_disable_unref(c->start_wait_timer);
        c->gc_next = m->gc_queue;
        m->gc_queue = c;
        r = schedule(m, &m->gc_source, on_gc_queue, SD_EVENT_PRIORITY_IDLE);
        if (r < 0)
                log_warning_errno(r, "Failed to schedule freeing removed containers: %m");
}

void manager_drain_queues(Manager *m) {
        /* containers on the run queue are in m->containers (or on the GC queue): freed with those */
        for (Container *c = m->run_queue; c; c = c->run_queue_next)
                c->in_run_queue = false;
        m->run_queue = NULL;
        (void) on_gc_queue(NULL, m);
        m->run_queue_source = sd_event_source_disable_unref(m->run_queue_source);
        m->gc_source = sd_event_source_disable_unref(m->gc_source);
}
