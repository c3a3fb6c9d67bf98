/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pod-ops.c — what a pod does on systemd: create (slice + pin unit), start (slice, pin, then every member),
 * stop (every active member; the pin stays), restart, kill, remove (members, pin, slice, state), and the
 * start of a member, which brings the slice and the pin up first.
 *
 * An operation that takes time is a PodOp on the pod: it records what it waits for (the pin's or the
 * slice's job, the members it started or stopped) and moves on in pod_ops_progress(), which the pod's
 * queue calls after every piece of news (a member's state, a job of the pod's units, the pin's state). It
 * never waits on a callback of its own making, so the order of systemd's signals does not matter.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "shared/bus-errors.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/unit.h"
#include "shared/util.h"
#include "network/pod-namespaces.h"
#include "daemon/container-network.h"
#include "daemon/container.h"
#include "daemon/pod.h"
#include "daemon/systemd-client.h"

typedef enum PodOpKind {
        POD_OP_CREATE,  /* waits for the pin's start job; answers (id, path) */
        POD_OP_START,   /* the pin's job, then the members it started */
        POD_OP_STOP,    /* the members it stopped */
        POD_OP_RESTART, /* phase 0 as STOP, phase 1 as START */
        POD_OP_REMOVE,  /* phase 0 members gone, 1 the pin stopped, 2 the slice stopped */
} PodOpKind;

struct PodOp {
        Pod *pod;
        uint64_t id;
        PodOpKind kind;
        int phase;
        uint64_t timeout_usec;
        sd_bus_message *request; /* may be NULL */
        char **waiting;          /* ids of the members this phase waits for */
        char **failed;           /* names of members that failed */
        unsigned jobs;           /* jobs of the pod's own units not finished yet */
        char *job_failed;        /* "<unit>: <result>" of the first such job that was not done */
        PodOp *next;
};

/* A watch on a job of the pod's units: finds the pod and its operation again by id (either may be gone). */
typedef struct PodJobRef {
        Manager *manager;
        char *pod_id;
        char *unit;
        uint64_t op_id;
} PodJobRef;

static PodOp *pod_op_free(PodOp *op) {
        if (!op)
                return NULL;
        if (op->request)
                (void) sd_bus_reply_method_errorf(op->request, CONMAN_ERROR_NO_SUCH_POD,
                                                  "Pod %s was removed meanwhile.", op->pod->spec.name);
        sd_bus_message_unref(op->request);
        strv_freep(&op->waiting);
        strv_freep(&op->failed);
        free(op->job_failed);
        free(op);
        return NULL;
}

void pod_ops_free(Pod *p) {
        while (p->ops) {
                PodOp *op = p->ops;
                p->ops = op->next;
                pod_op_free(op);
        }
}

static PodOp *pod_op_new(Pod *p, PodOpKind kind, sd_bus_message *request) {
        PodOp *op = calloc(1, sizeof(PodOp)), **tail;

        if (!op)
                return NULL;
        *op = (PodOp){
                .pod = p, .id = ++p->next_op_id, .kind = kind, .request = sd_bus_message_ref(request)
        };
        for (tail = &p->ops; *tail; tail = &(*tail)->next)
                ;
        *tail = op;
        return op;
}

static void pod_op_drop(PodOp *op) {
        for (PodOp **o = &op->pod->ops; *o; o = &(*o)->next)
                if (*o == op) {
                        *o = op->next;
                        break;
                }
        op->request = sd_bus_message_unref(op->request);
        pod_op_free(op);
}

static PodJobRef *pod_job_ref_free(PodJobRef *j) {
        free(j->pod_id);
        free(j->unit);
        free(j);
        return NULL;
}

static void pod_job_ref_release(void *userdata) {
        pod_job_ref_free(userdata);
}

static void on_pod_job_removed(const char *job, const char *result, void *userdata) {
        PodJobRef *j = userdata;
        Pod *p = manager_get_pod_by_id(j->manager, j->pod_id);
        PodOp *op = NULL;

        for (PodOp *o = p ? p->ops : NULL; o; o = o->next)
                if (o->id == j->op_id)
                        op = o;
        if (!op)
                return;
        op->jobs--;
        if (!streq(result, "done") && !streq(result, "skipped") && !op->job_failed &&
            asprintf(&op->job_failed, "%s: %s", j->unit, result) < 0)
                op->job_failed = NULL;
        pod_enqueue(p);
}

/* Counts job on op (NULL: nobody waits for it) until systemd removed it. */
static int watch_pod_job(Pod *p, PodOp *op, const char *unit, const char *job) {
        PodJobRef *j;
        int r;

        if (!op || !job)
                return 0;
        j = calloc(1, sizeof(PodJobRef));
        if (!j)
                return -ENOMEM;
        *j = (PodJobRef){ .manager = p->manager, .op_id = op->id };
        j->pod_id = strdup(p->spec.id);
        j->unit = strdup(unit);
        if (!j->pod_id || !j->unit) {
                pod_job_ref_free(j);
                return -ENOMEM;
        }
        r = systemd_watch_job(p->manager->systemd, job, on_pod_job_removed, j, pod_job_ref_release);
        if (r < 0)
                return r;
        op->jobs++;
        return 0;
}

static bool pod_is_generated(const Pod *p) {
        return p->spec.source_path != NULL;
}

static bool is_unit_exists(const sd_bus_error *e) {
        return sd_bus_error_has_name(e, "org.freedesktop.systemd1.UnitExists");
}

/* A slice the pod was given (CgroupParent) that conmand did not make: someone else's (kubelet's), never
 * stopped here. */
static bool pod_slice_is_foreign(const Pod *p) {
        return p->spec.cgroup_parent && !p->spec.slice_made;
}

/* A CgroupParent slice conmand did not make that is active already: systemd would take a StartTransientUnit
 * for it (a slice loaded only as a parent is "pristine") and conmand would then stop it with the pod. */
static bool pod_slice_in_use(Pod *p) {
        _cleanup_free_ char *path = NULL, *active = NULL, *sub = NULL;

        if (!pod_slice_is_foreign(p) || unit_object_path(p->slice, &path) < 0 ||
            systemd_get_unit_state(p->manager->systemd, path, &active, &sub) < 0)
                return false;
        return streq(active, "active");
}

/* conmand made the CgroupParent slice: recorded, so RemovePod stops it (and only then). */
static void pod_mark_slice_made(Pod *p) {
        int r;

        if (!p->spec.cgroup_parent || p->spec.slice_made)
                return;
        p->spec.slice_made = true;
        r = pod_save(p);
        if (r < 0)
                log_warning_errno(r, "Failed to record that conmand made %s: %m", p->slice);
}

/* The slice with the pod's limits: a transient unit (a unit file for a pod of conman-generator). A slice
 * systemd still has is fine as it is: its properties are the pod's (or, for a CgroupParent slice systemd
 * has, its owner's). */
static int start_slice(Pod *p, PodOp *op, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *msg = NULL;
        _cleanup_free_ char *job = NULL;
        int r;

        if (pod_slice_in_use(p))
                return 0; /* somebody else's (kubelet's): used as it is, never stopped here */
        if (pod_is_generated(p))
                r = systemd_start_unit(p->manager->systemd, p->slice, &job, error);
        else {
                r = systemd_new_start_transient_unit(p->manager->systemd, p->slice, &msg);
                if (r >= 0)
                        r = unit_append_pod_slice_properties(msg, &p->spec);
                if (r >= 0)
                        r = systemd_start_transient_unit(p->manager->systemd, msg, &job, error);
                if (r < 0 && is_unit_exists(error)) {
                        sd_bus_error_free(error);
                        return 0;
                }
                if (r >= 0)
                        pod_mark_slice_made(p);
        }
        if (r < 0)
                return r;
        return watch_pod_job(p, op, p->slice, job);
}

static int start_pin(Pod *p, PodOp *op, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *msg = NULL;
        _cleanup_free_ char *job = NULL;
        int r;

        (void) systemd_reset_failed_unit(p->manager->systemd, p->pin_unit);
        if (pod_is_generated(p))
                r = systemd_start_unit(p->manager->systemd, p->pin_unit, &job, error);
        else {
                r = systemd_new_start_transient_unit(p->manager->systemd, p->pin_unit, &msg);
                if (r >= 0)
                        r = unit_append_pod_pin_properties(msg, &(PodUnitParams){
                                                                        .spec = &p->spec,
                                                                        .state_dir = p->manager->state_dir,
                                                                        .run_dir = p->manager->run_dir,
                                                                });
                if (r >= 0)
                        r = systemd_start_transient_unit(p->manager->systemd, msg, &job, error);
                if (r < 0 && is_unit_exists(error)) { /* still loaded from its last run: start it again */
                        sd_bus_error_free(error);
                        r = systemd_start_unit(p->manager->systemd, p->pin_unit, &job, error);
                }
        }
        if (r < 0)
                return r;
        if (!pod_is_pinned(p))
                (void) free_and_strdup(&p->pin_active, "activating");
        return watch_pod_job(p, op, p->pin_unit, job);
}

int pod_ensure_started(Pod *p, sd_bus_error *error) {
        int r;

        if (p->spec.removing)
                return sd_bus_error_setf(error, CONMAN_ERROR_BUSY, "Pod %s is being removed.", p->spec.name);
        r = start_slice(p, NULL, error);
        if (r < 0 || pod_is_pinned(p) || streq(p->pin_active, "activating"))
                return r;
        return start_pin(p, NULL, error);
}

static bool pod_name_taken(Manager *m, const char *name) {
        return manager_get_pod_by_name(m, name) != NULL;
}

/* pods/.new-<id>/pod.json, renamed to pods/<id>: a pod exists whole or not at all. */
static int pod_write_new_dir(Pod *p) {
        _cleanup_free_ char *tmp = NULL;
        _cleanup_close_ int pods_fd = -EBADF;
        int r = 0;

        if (mkdirat(p->manager->state_dir_fd, "pods", 0700) < 0 && errno != EEXIST)
                return negative_errno();
        pods_fd = openat(p->manager->state_dir_fd, "pods", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (pods_fd < 0)
                return negative_errno();
        if (asprintf(&tmp, ".new-%s", p->spec.id) < 0)
                return -ENOMEM;
        if (mkdirat(pods_fd, tmp, 0700) < 0)
                return negative_errno();
        p->dir_fd = openat(pods_fd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (p->dir_fd < 0)
                r = negative_errno();
        if (r >= 0)
                r = pod_save(p);
        if (r >= 0 && renameat(pods_fd, tmp, pods_fd, p->spec.id) < 0)
                r = negative_errno();
        if (r >= 0 && fsync(pods_fd) < 0)
                r = negative_errno();
        if (r < 0)
                (void) rm_rf_at(pods_fd, tmp);
        return r;
}

static int pod_check_network(Manager *m, const PodSpec *s, sd_bus_error *error) {
        ContainerSpec v; /* shallow: never freed */

        container_spec_init(&v);
        v.network = s->network;
        v.network_name = s->network_name;
        return container_network_check(m, &v, error);
}

static int pod_new(Manager *m, PodSpec *spec, Pod **ret, sd_bus_error *error) {
        Pod *p;
        int r;

        r = pod_spec_validate(spec, error);
        if (r < 0)
                return r;
        if (pod_name_taken(m, spec->name))
                return sd_bus_error_setf(error, CONMAN_ERROR_NAME_IN_USE,
                                         "A pod named '%s' already exists: choose another name or remove it "
                                         "with 'conmanctl pod rm %s'.",
                                         spec->name, spec->name);
        r = pod_check_network(m, spec, error);
        if (r < 0)
                return r;
        free(spec->id);
        r = random_hex(32, &spec->id);
        if (r < 0)
                return r;
        spec->created_at = now_realtime_usec();
        p = pod_alloc(m, spec);
        if (!p)
                return -ENOMEM;
        r = pod_write_new_dir(p);
        if (r < 0) {
                pod_free(p);
                return log_error_errno(r, "Failed to write the state of a new pod: %m");
        }
        pod_link(p);
        *ret = p;
        return 0;
}

int pod_create(Manager *m, PodSpec *spec, sd_bus_message *request, Pod **ret, sd_bus_error *error) {
        PodOp *op;
        Pod *p = NULL;
        int r;

        r = pod_new(m, spec, &p, error);
        if (r < 0)
                return r;
        log_info("Created pod %s (%.12s).", p->spec.name, p->spec.id);
        (void) pod_send_new_signal(p);
        op = pod_op_new(p, POD_OP_CREATE, request);
        r = op ? start_slice(p, NULL, error) : -ENOMEM;
        if (r >= 0)
                r = start_pin(p, op, error);
        if (r < 0) {
                if (op)
                        pod_op_drop(op);
                pod_finalize_removal(p);
                return r;
        }
        if (ret)
                *ret = p;
        return 1;
}

/* Starts every member that is not active, the slice and the pin first. */
static int start_members(Pod *p, PodOp *op, sd_bus_error *error) {
        int r;

        r = start_slice(p, NULL, error);
        if (r >= 0 && !pod_is_pinned(p))
                r = start_pin(p, op, error);
        if (r < 0)
                return r;
        for (Container *c = p->manager->containers; c; c = c->next) {
                _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;

                if (!pod_has_member(p, c) || container_state_is_active(c->state))
                        continue;
                r = container_start(c, NULL, &e);
                if (r < 0) {
                        log_warning("Pod %s: container %s did not start: %s", p->spec.name, c->name,
                                    e.message ?: strerror(-r));
                        r = strv_push(&op->failed, c->name);
                } else
                        r = strv_push(&op->waiting, c->id);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int stop_members(Pod *p, PodOp *op) {
        int r;

        for (Container *c = p->manager->containers; c; c = c->next) {
                _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;

                if (!pod_has_member(p, c) || !container_state_is_active(c->state))
                        continue;
                r = container_stop(c, op->timeout_usec, NULL, &e);
                r = r < 0 ? strv_push(&op->failed, c->name) : strv_push(&op->waiting, c->id);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int pod_begin(Pod *p, PodOpKind kind, uint64_t timeout_usec, sd_bus_message *request,
                     sd_bus_error *error) {
        PodOp *op;
        int r;

        if (p->spec.removing)
                return sd_bus_error_setf(error, CONMAN_ERROR_BUSY, "Pod %s is being removed.", p->spec.name);
        op = pod_op_new(p, kind, request);
        if (!op)
                return -ENOMEM;
        op->timeout_usec = timeout_usec;
        r = kind == POD_OP_START ? start_members(p, op, error) : stop_members(p, op);
        if (r < 0) {
                pod_op_drop(op);
                return r;
        }
        pod_enqueue(p);
        return 1;
}

int pod_start(Pod *p, sd_bus_message *request, sd_bus_error *error) {
        return pod_begin(p, POD_OP_START, 0, request, error);
}

int pod_stop(Pod *p, uint64_t timeout_usec, sd_bus_message *request, sd_bus_error *error) {
        return pod_begin(p, POD_OP_STOP, timeout_usec, request, error);
}

int pod_restart(Pod *p, uint64_t timeout_usec, sd_bus_message *request, sd_bus_error *error) {
        return pod_begin(p, POD_OP_RESTART, timeout_usec, request, error);
}

int pod_kill(Pod *p, int sig, sd_bus_error *error) {
        unsigned n = 0;
        int r;

        for (Container *c = p->manager->containers; c; c = c->next) {
                if (!pod_has_member(p, c) ||
                    (c->state != CONTAINER_RUNNING && c->state != CONTAINER_STARTING))
                        continue;
                r = container_kill(c, sig, error);
                if (r < 0)
                        return r;
                n++;
        }
        if (n == 0)
                return sd_bus_error_setf(error, CONMAN_ERROR_NOT_RUNNING, "Pod %s has no running container.",
                                         p->spec.name);
        return 0;
}

static bool pod_has_active_member(Pod *p) {
        for (Container *c = p->manager->containers; c; c = c->next)
                if (pod_has_member(p, c) && container_state_is_active(c->state))
                        return true;
        return false;
}

/* rm -f of every member; a member that cannot go (its .container file exists) fails the removal. */
static int remove_members(Pod *p, sd_bus_error *error) {
        Container *c, *next;
        int r;

        for (c = p->manager->containers; c; c = next) {
                next = c->next; /* an inactive member is unlinked at once */
                if (!pod_has_member(p, c) || c->removing)
                        continue;
                r = container_remove(c, true, NULL, error);
                if (r < 0)
                        return r;
        }
        return 0;
}

int pod_remove(Pod *p, bool force, sd_bus_message *request, sd_bus_error *error) {
        PodOp *op;
        int r;

        if (pod_is_generated(p) && access(p->spec.source_path, F_OK) >= 0)
                return sd_bus_error_setf(error, CONMAN_ERROR_OWNED_BY_FILE,
                                         "Pod %s is defined by %s: remove or edit that file and run "
                                         "'systemctl daemon-reload'.",
                                         p->spec.name, p->spec.source_path);
        if (!force && pod_has_active_member(p))
                return sd_bus_error_setf(error, CONMAN_ERROR_BUSY,
                                         "Pod %s has running containers: stop it first or use rm -f.",
                                         p->spec.name);
        if (!p->spec.removing) {
                p->spec.removing = true;
                r = pod_save(p); /* before anything goes: a conmand killed from here on finishes it */
                if (r < 0) {
                        p->spec.removing = false;
                        return log_error_errno(r, "Failed to save the state of pod %s: %m", p->spec.name);
                }
        }
        op = pod_op_new(p, POD_OP_REMOVE, request);
        if (!op)
                return -ENOMEM;
        r = remove_members(p, error);
        if (r < 0) {
                pod_op_drop(op);
                p->spec.removing = false;
                (void) pod_save(p);
                return r;
        }
        pod_enqueue(p);
        return 1;
}

void pod_finalize_removal(Pod *p) {
        _cleanup_free_ char *message = NULL;
        _cleanup_close_ int pods_fd = -EBADF;
        int r;

        (void) systemd_reset_failed_unit(p->manager->systemd, p->pin_unit);
        if (pod_namespaces_pinned(p->manager->run_dir, p->spec.id)) { /* the pin's ExecStop= did not run */
                r = pod_namespaces_unpin(p->manager->state_dir, p->manager->run_dir, p->spec.id, &message);
                if (r < 0)
                        log_warning_errno(r, "Failed to unpin the namespaces of pod %s: %s", p->spec.name,
                                          message ?: strerror(-r));
        }
        pods_fd = openat(p->manager->state_dir_fd, "pods", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (pods_fd >= 0) {
                r = rm_rf_at(pods_fd, p->spec.id);
                if (r < 0)
                        log_warning_errno(r, "Failed to remove the state of pod %s: %m", p->spec.name);
        }
        (void) pod_send_removed_signal(p);
        log_info("Removed pod %s (%.12s).", p->spec.name, p->spec.id);
        pod_enqueue_gc(p);
}

static void stop_own_unit(Pod *p, PodOp *op, const char *unit) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *job = NULL;

        /* a unit systemd no longer has (collected) is stopped already */
        if (systemd_stop_unit(p->manager->systemd, unit, &job, &e) >= 0)
                (void) watch_pod_job(p, op, unit, job);
}

/* Has every member this phase waits for settled (done starting, or stopped)? */
static bool members_settled(Pod *p, PodOp *op) {
        for (char **id = op->waiting; id && *id; id++) {
                Container *c = manager_get_container_by_id(p->manager, *id);

                if (!c)
                        continue;
                if (op->kind == POD_OP_START || (op->kind == POD_OP_RESTART && op->phase == 1)) {
                        if (c->state == CONTAINER_STARTING || c->start_pending || c->start_deferred)
                                return false;
                } else if (container_state_is_active(c->state))
                        return false;
        }
        return true;
}

static void collect_start_failures(Pod *p, PodOp *op) {
        for (char **id = op->waiting; id && *id; id++) {
                Container *c = manager_get_container_by_id(p->manager, *id);

                if (c && !container_state_is_active(c->state) && c->exit_code < 0)
                        (void) strv_push(&op->failed, c->name);
        }
}

static void op_reply(Pod *p, PodOp *op) {
        _cleanup_free_ char *names = NULL;

        if (!op->request)
                return;
        if (op->kind == POD_OP_CREATE && !op->job_failed)
                (void) sd_bus_reply_method_return(op->request, "so", p->spec.id, p->object_path);
        else if (op->job_failed)
                (void) sd_bus_reply_method_errorf(
                        op->request, CONMAN_ERROR_RUNTIME_FAILED,
                        "Pod %s: systemd's job failed (%s). See 'journalctl -u %s'.", p->spec.name,
                        op->job_failed, p->pin_unit);
        else if (op->failed && (names = strv_join(op->failed, ", ")))
                (void) sd_bus_reply_method_errorf(
                        op->request, CONMAN_ERROR_RUNTIME_FAILED,
                        "Pod %s: %s %s failed. See 'journalctl -u " CONMAN_UNIT_PREFIX "NAME' of each.",
                        p->spec.name, op->kind == POD_OP_STOP ? "stopping" : "starting", names);
        else
                (void) sd_bus_reply_method_return(op->request, NULL);
        op->request = sd_bus_message_unref(op->request);
}

/* Moves a removal on; true when the pod is gone. */
static bool remove_progress(Pod *p, PodOp *op) {
        if (op->phase == 0 && pod_n_members(p) > 0)
                return false;
        if (op->phase == 0) {
                op->phase = 1;
                stop_own_unit(p, op, p->pin_unit);
        }
        if (op->jobs > 0)
                return false;
        if (op->phase == 1) {
                op->phase = 2;
                if (!pod_slice_is_foreign(p))
                        stop_own_unit(p, op, p->slice);
                if (op->jobs > 0)
                        return false;
        }
        free(op->job_failed); /* a unit that stops with a failure is stopped all the same */
        op->job_failed = NULL;
        op_reply(p, op);
        pod_finalize_removal(p);
        return true;
}

/* true when op is finished (answered and dropped), or the pod is gone. */
static bool op_progress(Pod *p, PodOp *op) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;

        if (op->kind == POD_OP_REMOVE)
                return remove_progress(p, op);
        if (op->jobs > 0 || !members_settled(p, op))
                return false;
        if (op->kind == POD_OP_CREATE && op->job_failed) {
                op_reply(p, op);
                if (!pod_slice_is_foreign(p))
                        stop_own_unit(p, NULL, p->slice);
                pod_finalize_removal(p);
                return true;
        }
        if (op->kind == POD_OP_RESTART && op->phase == 0) {
                op->phase = 1;
                strv_freep(&op->waiting);
                if (start_members(p, op, &e) < 0 && !op->failed)
                        (void) strv_push(&op->failed, p->pin_unit);
                return members_settled(p, op) && op->jobs == 0 ? op_progress(p, op) : false;
        }
        if (op->kind == POD_OP_START || op->kind == POD_OP_RESTART)
                collect_start_failures(p, op);
        op_reply(p, op);
        pod_op_drop(op);
        return true;
}

void pod_ops_progress(Pod *p) {
        PodOp *op, *next;

        for (op = p->ops; op; op = next) {
                next = op->next;
                if (op_progress(p, op) && p->gone)
                        return;
        }
}
