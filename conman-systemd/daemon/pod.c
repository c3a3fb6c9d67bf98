/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pod.c — the pod model: identity, pod.json on disk, lookups, the state computed from the pin unit and the
 * members, and the pod's queue of news. What a pod does on systemd (create, start, stop, remove ...) is in
 * pod-ops.c; loading at start in pod-load.c; its bus face in bus/pod-dbus.c.
 *
 * Pods are few: the manager keeps them in a list, and lookups walk it.
 */
#include <fcntl.h>

#include "shared/bus-errors.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/names.h"
#include "shared/unit.h"
#include "shared/util.h"
#include "daemon/container.h"
#include "daemon/pod.h"

static const char *const pod_state_table[_POD_STATE_MAX] = {
        [POD_STOPPED] = "stopped",   [POD_CREATED] = "created", [POD_RUNNING] = "running",
        [POD_DEGRADED] = "degraded", [POD_EXITED] = "exited",
};

DEFINE_STRING_TABLE_LOOKUP(pod_state, PodState);

Pod *pod_alloc(Manager *m, PodSpec *spec) {
        Pod *p = calloc(1, sizeof(Pod));

        if (!p)
                return NULL;
        p->manager = m;
        p->dir_fd = -EBADF;
        p->spec = *spec;
        *spec = (PodSpec){};
        pod_spec_init(spec);
        p->state = POD_STOPPED;
        if (pod_spec_slice(&p->spec, &p->slice) < 0 || pod_pin_unit_name(p->spec.name, &p->pin_unit) < 0 ||
            unit_object_path(p->pin_unit, &p->pin_unit_path) < 0 ||
            sd_bus_path_encode("/io/conman1/pod", p->spec.id, &p->object_path) < 0 ||
            !(p->pin_active = strdup("inactive")))
                return pod_free(p);
        return p;
}

void pod_link(Pod *p) {
        Manager *m = p->manager;
        Pod *last = m->pods;

        while (last && last->next) /* the order of creation: pod ps lists the oldest first */
                last = last->next;
        p->prev = last;
        if (last)
                last->next = p;
        else
                m->pods = p;
        m->n_pods++;
}

void pod_unlink(Pod *p) {
        Manager *m = p->manager;

        if (!(p->prev || p->next || m->pods == p))
                return;
        if (p->prev)
                p->prev->next = p->next;
        else
                m->pods = p->next;
        if (p->next)
                p->next->prev = p->prev;
        p->prev = p->next = NULL;
        m->n_pods--;
}

Pod *pod_free(Pod *p) {
        if (!p)
                return NULL;
        pod_unlink(p);
        pod_ops_free(p);
        safe_close(p->dir_fd);
        pod_spec_done(&p->spec);
        free(p->slice);
        free(p->pin_unit);
        free(p->pin_unit_path);
        free(p->object_path);
        free(p->pin_active);
        free(p);
        return NULL;
}

int pod_save(Pod *p) {
        return pod_spec_save(p->dir_fd, &p->spec);
}

Pod *manager_get_pod_by_id(Manager *m, const char *id) {
        for (Pod *p = m->pods; id && p; p = p->next)
                if (streq(p->spec.id, id))
                        return p;
        return NULL;
}

Pod *manager_get_pod_by_name(Manager *m, const char *name) {
        for (Pod *p = m->pods; name && p; p = p->next)
                if (streq(p->spec.name, name))
                        return p;
        return NULL;
}

Pod *manager_get_pod_by_unit_path(Manager *m, const char *unit_path) {
        for (Pod *p = m->pods; unit_path && p; p = p->next)
                if (streq(p->pin_unit_path, unit_path))
                        return p;
        return NULL;
}

int pod_find(Manager *m, const char *ref, Pod **ret, sd_bus_error *error) {
        Pod *found;
        size_t n;

        if (isempty(ref) || strlen(ref) > 256 || !utf8_is_valid(ref))
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "A pod is named by its name, its id or a unique id prefix.");
        found = manager_get_pod_by_name(m, ref) ?: manager_get_pod_by_id(m, ref);
        n = strlen(ref);
        for (Pod *p = m->pods; !found && container_id_prefix_is_valid(ref) && p; p = p->next)
                if (strneq(p->spec.id, ref, n)) {
                        for (Pod *q = p->next; q; q = q->next)
                                if (strneq(q->spec.id, ref, n))
                                        return sd_bus_error_setf(error, CONMAN_ERROR_AMBIGUOUS,
                                                                 "The id prefix '%s' matches several pods; "
                                                                 "give more characters.",
                                                                 ref);
                        found = p;
                }
        if (!found)
                return sd_bus_error_setf(error, CONMAN_ERROR_NO_SUCH_POD,
                                         "No such pod '%s'. 'conmanctl pod ps' lists them.", ref);
        *ret = found;
        return 0;
}

bool pod_is_pinned(const Pod *p) {
        return streq(p->pin_active, "active") || streq(p->pin_active, "reloading");
}

bool pod_has_member(const Pod *p, const Container *c) {
        return c->spec.pod_id && streq(c->spec.pod_id, p->spec.id);
}

unsigned pod_n_members(Pod *p) {
        unsigned n = 0;

        for (Container *c = p->manager->containers; c; c = c->next)
                n += pod_has_member(p, c);
        return n;
}

int pod_member_ids(Pod *p, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;

        for (Container *c = p->manager->containers; c; c = c->next)
                if (pod_has_member(p, c) && strv_push(&l, c->id) < 0)
                        return -ENOMEM;
        *ret = TAKE_PTR(l);
        return 0;
}

/* stopped / created / running / degraded / exited, as the contract (docs/pods.md) defines them. */
static PodState pod_compute_state(Pod *p) {
        unsigned n = 0, active = 0, exited = 0;

        if (!pod_is_pinned(p))
                return POD_STOPPED;
        for (Container *c = p->manager->containers; c; c = c->next) {
                if (!pod_has_member(p, c))
                        continue;
                n++;
                active += container_state_is_active(c->state);
                exited += c->state == CONTAINER_EXITED;
        }
        if (n > 0 && active == n)
                return POD_RUNNING;
        if (active > 0)
                return POD_DEGRADED;
        return exited > 0 ? POD_EXITED : POD_CREATED;
}

static void pod_dispatch(Pod *p) {
        PodState new = pod_compute_state(p);
        unsigned n = pod_n_members(p);
        bool members = n != p->n_members_seen;

        p->n_members_seen = n;
        if (new != p->state)
                log_debug("Pod %s goes %s → %s.", p->spec.name, pod_state_to_string(p->state),
                          pod_state_to_string(new));
        if (new != p->state || members) {
                p->state = new;
                pod_send_changed(p, members);
        }
        pod_ops_progress(p);
}

static int on_pod_queue(sd_event_source *s, void *userdata) {
        Manager *m = userdata;

        while (m->pod_queue) {
                Pod *p = m->pod_queue;

                m->pod_queue = p->queue_next;
                p->queue_next = NULL;
                p->in_queue = false;
                if (!p->gone)
                        pod_dispatch(p);
        }
        while (m->pod_gc) {
                Pod *p = m->pod_gc;

                m->pod_gc = p->queue_next;
                pod_free(p);
        }
        return 0;
}

static void schedule_pod_queue(Manager *m) {
        int r = 0;

        if (!m->pod_queue_source) {
                r = sd_event_add_defer(m->event, &m->pod_queue_source, on_pod_queue, m);
                /* after the containers' run queue (their states first), before the bus's next message */
                if (r >= 0)
                        r = sd_event_source_set_priority(m->pod_queue_source,
                                                         SD_EVENT_PRIORITY_IMPORTANT + 1);
        }
        if (r >= 0)
                r = sd_event_source_set_enabled(m->pod_queue_source, SD_EVENT_ONESHOT);
        if (r < 0)
                log_warning_errno(r, "Failed to schedule the pod queue: %m");
}

void pod_enqueue(Pod *p) {
        if (p->gone || p->in_queue)
                return;
        p->in_queue = true;
        p->queue_next = p->manager->pod_queue;
        p->manager->pod_queue = p;
        schedule_pod_queue(p->manager);
}

void pod_enqueue_gc(Pod *p) {
        Manager *m = p->manager;

        if (p->gone)
                return;
        pod_unlink(p);
        p->gone = true;
        if (p->in_queue) { /* take it off the news queue: the GC list reuses the link */
                for (Pod **q = &m->pod_queue; *q; q = &(*q)->queue_next)
                        if (*q == p) {
                                *q = p->queue_next;
                                break;
                        }
                p->in_queue = false;
        }
        p->queue_next = m->pod_gc;
        m->pod_gc = p;
        schedule_pod_queue(m);
}

void manager_free_pods(Manager *m) {
        for (Pod *p = m->pod_queue; p; p = p->queue_next)
                p->in_queue = false;
        m->pod_queue = NULL;
        while (m->pod_gc) {
                Pod *p = m->pod_gc;
                m->pod_gc = p->queue_next;
                pod_free(p);
        }
        while (m->pods)
                pod_free(m->pods);
        m->pod_queue_source = sd_event_source_disable_unref(m->pod_queue_source);
}

void pod_member_changed(Manager *m, const char *pod_id) {
        Pod *p = pod_id ? manager_get_pod_by_id(m, pod_id) : NULL;

        if (p)
                pod_enqueue(p);
}

void pod_pin_changed(Pod *p, const char *active) {
        if (free_and_strdup(&p->pin_active, active ?: "inactive") < 0)
                return;
        pod_enqueue(p);
}
