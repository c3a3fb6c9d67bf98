/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-ops.c — what a container does on systemd: start (StartTransientUnit),
 * stop (StopUnit), kill (KillUnit), restart, remove, wait; and how the unit's state
 * becomes the container's state.
 *
 * Operations that take time return 1 and answer their D-Bus request later (when
 * the systemd job finishes, or when the container exits); 0 means done now.
 */
#include <fcntl.h>

#include "shared/bus-errors.h"
#include "shared/exit-record.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/unit.h"
#include "shared/util.h"
#include "daemon/container-command.h"
#include "daemon/container-health.h"
#include "daemon/container-network.h"
#include "daemon/container.h"
#include "daemon/machine-register.h"
#include "daemon/pipe-keeper.h"
#include "daemon/pod.h"
#include "daemon/systemd-client.h"
#include "daemon/volume.h"
#include "daemon/stdio/container-stdio.h"

static int container_pid_file(Container *c, char **ret) {
        return asprintf(ret, "%s/%s.pid", c->manager->run_dir, c->id) < 0 ? -ENOMEM : 0;
}

static int container_bundle_dir(Container *c, char **ret) {
        return asprintf(ret, "%s/containers/%s", c->manager->state_dir, c->id) < 0 ? -ENOMEM : 0;
}

static const char *container_runtime(Container *c) {
        return c->spec.runtime ?: c->manager->default_runtime;
}

/* What the unit gets for its stdio: pipe ends, and for a TTY the console socket (console.h). */
typedef struct StartIO {
        int stdin_r, stdout_w, stderr_w;
        char *console_socket;
} StartIO;

static void start_io_done(StartIO *io) {
        io->stdin_r = safe_close(io->stdin_r);
        io->stdout_w = safe_close(io->stdout_w);
        io->stderr_w = safe_close(io->stderr_w);
        free(io->console_socket);
        io->console_socket = NULL;
}

static int build_start_message(Container *c, const StartIO *io, const UnitHooks *hooks,
                               sd_bus_message **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *msg = NULL;
        _cleanup_free_ char *runtime_path = NULL, *runtime_root = NULL, *bundle = NULL, *pid_file = NULL;
        int r;

        r = runtime_find_binary(container_runtime(c), &runtime_path);
        if (r < 0)
                return r;
        if (asprintf(&runtime_root, "%s/%s", c->manager->run_dir, container_runtime(c)) < 0 ||
            container_bundle_dir(c, &bundle) < 0 || container_pid_file(c, &pid_file) < 0)
                return -ENOMEM;

        UnitParams p = {
                .unit_name = c->unit,
                .container_id = c->id,
                .container_name = c->name,
                .runtime_path = runtime_path,
                .runtime_root = runtime_root,
                .bundle = bundle,
                .pid_file = pid_file,
                .state_dir = c->manager->state_dir,
                .console_socket = io->console_socket,
                .stdin_fd = io->stdin_r,
                .stdout_fd = io->stdout_w,
                .stderr_fd = io->stderr_w,
                .spec = &c->spec,
                .hooks = hooks,
        };
        r = systemd_new_start_transient_unit(c->manager->systemd, c->unit, &msg);
        if (r >= 0)
                r = unit_append_properties(msg, &p);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(msg);
        return 0;
}

/* One StartTransientUnit call; a leftover unit of an earlier run is reset and the call retried once. */
static int start_unit(Container *c, const StartIO *io, char **ret_job, sd_bus_error *error) {
        _cleanup_(unit_hooks_done) UnitHooks hooks = {};
        int r;

        r = container_collect_hooks(c, &hooks, error);
        if (r < 0)
                return r;
        for (int attempt = 0;; attempt++) {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *msg = NULL;

                r = build_start_message(c, io, &hooks, &msg);
                if (r == -ENOENT)
                        return sd_bus_error_setf(
                                error, CONMAN_ERROR_RUNTIME_FAILED,
                                "The OCI runtime '%s' is not installed; install it or choose "
                                "another with --runtime.",
                                container_runtime(c));
                if (r < 0)
                        return r;
                r = systemd_start_transient_unit(c->manager->systemd, msg, ret_job, error);
                if (r >= 0 || !sd_bus_error_has_name(error, "org.freedesktop.systemd1.UnitExists"))
                        return r;
                sd_bus_error_free(error);
                if (attempt > 0)
                        return -EAGAIN; /* the last run's unit is not collected yet: wait for UnitRemoved */
                (void) systemd_reset_failed_unit(c->manager->systemd, c->unit);
        }
}

static int on_start_wait_timeout(sd_event_source *s, uint64_t usec, void *userdata) {
        Container *c = userdata;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *request = TAKE_PTR(c->start_after_gc);

        c->start_wait_timer = sd_event_source_disable_unref(c->start_wait_timer);
        c->start_deferred = false;
        pod_member_changed(c->manager, c->spec.pod_id); /* a pod's start waits for it */
        if (request)
                (void) sd_bus_reply_method_errorf(request, CONMAN_ERROR_BUSY,
                                                  "systemd still holds the last run's unit %s; try again.",
                                                  c->unit);
        return 0;
}

/* StartTransientUnit needs the name free: a stopped transient unit is collected by systemd shortly after,
 * announced by UnitRemoved (container_unit_removed()). Until then the start waits (bounded). */
static int defer_start(Container *c, sd_bus_message *request) {
        if (c->start_deferred)
                return -EBUSY;
        c->start_deferred = true;
        c->start_after_gc = sd_bus_message_ref(request);
        return sd_event_add_time_relative(c->manager->event, &c->start_wait_timer, CLOCK_MONOTONIC,
                                          10 * USEC_PER_SEC, 0, on_start_wait_timeout, c);
}

void container_unit_removed(Container *c) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *request = TAKE_PTR(c->start_after_gc);
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        c->start_wait_timer = sd_event_source_disable_unref(c->start_wait_timer);
        if (!c->start_deferred)
                return;
        c->start_deferred = false;
        r = container_start(c, request, &error);
        if (!request) { /* a pod's start: the pod follows the member's state */
                if (r < 0)
                        log_warning("Container %s did not start: %s", c->name, error.message ?: strerror(-r));
                pod_member_changed(c->manager, c->spec.pod_id);
                return;
        }
        if (r == 0)
                (void) sd_bus_reply_method_return(request, NULL);
        else if (r < 0 && sd_bus_error_is_set(&error))
                (void) sd_bus_reply_method_error(request, &error);
        else if (r < 0)
                (void) sd_bus_reply_method_errnof(request, r, "Failed to start %s: %m", c->name);
}

/* systemd accepted the start: the container is starting, and the request is answered when the job ends. */
static int start_job_queued(Container *c, const char *job, sd_bus_message *request) {
        int r;

        c->state = CONTAINER_STARTING;
        c->start_pending = true;
        c->finished_at = 0;
        c->exit_code = -1;
        c->oom_killed = false;
        container_send_changed(c);
        r = container_watch_job(c, job, JOB_START, request);
        return r < 0 ? r : 1;
}

/* A container from a .container file: systemd has its unit file, conman-prepare (ExecStartPre=) refreshes its
 * state directory, and its output goes to the journal directly (docs/generator.md). */
static int container_start_generated(Container *c, sd_bus_message *request, sd_bus_error *error) {
        _cleanup_free_ char *job = NULL;
        int r;

        (void) systemd_reset_failed_unit(c->manager->systemd, c->unit);
        r = systemd_start_unit(c->manager->systemd, c->unit, &job, error);
        if (r < 0)
                return r;
        c->started_at = now_realtime_usec();
        return start_job_queued(c, job, request);
}

/* A member's pod first: its slice (a transient slice systemd made implicitly would have no limits) and
 * its pin unit (the member's unit is BindsTo= and After= it). */
static int container_pod_ensure_started(Container *c, sd_bus_error *error) {
        Pod *p;

        if (!c->spec.pod_id)
                return 0;
        p = manager_get_pod_by_id(c->manager, c->spec.pod_id);
        if (!p)
                return sd_bus_error_setf(error, CONMAN_ERROR_NO_SUCH_POD,
                                         "The pod '%s' of container %s does not exist any more; remove the "
                                         "container.",
                                         strna(c->spec.pod_name), c->name);
        return pod_ensure_started(p, error);
}

int container_start(Container *c, sd_bus_message *request, sd_bus_error *error) {
        _cleanup_free_ char *job = NULL;
        _cleanup_(start_io_done) StartIO io = { -EBADF, -EBADF, -EBADF, NULL };
        uint64_t previous_start = c->started_at;
        int r;

        if (container_state_is_active(c->state))
                return sd_bus_error_setf(error, CONMAN_ERROR_ALREADY_RUNNING, "Container %s is already %s.",
                                         c->name, container_state_to_string(c->state));
        if (c->removing)
                return sd_bus_error_setf(error, CONMAN_ERROR_BUSY, "Container %s is being removed.", c->name);
        r = container_pod_ensure_started(c, error);
        if (r < 0)
                return r;
        if (container_is_generated(c))
                return container_start_generated(c, request, error);

        (void) systemd_reset_failed_unit(c->manager->systemd, c->unit);
        (void) exit_record_remove(c->dir_fd);
        r = output_open(container_stdio(c), &io.stdout_w, &io.stderr_w);
        if (r >= 0 && c->spec.tty)
                r = console_prepare_tty(container_stdio(c), &io.console_socket);
        else if (r >= 0 && c->spec.interactive)
                r = console_prepare_stdin(container_stdio(c), &io.stdin_r);
        if (r < 0) {
                output_close(c->stdio);
                return r;
        }

        c->started_at = now_realtime_usec();
        r = container_save(c); /* before the unit exists: a crash after this finds the unit */
        if (r >= 0)
                r = start_unit(c, &io, &job, error);
        if (r < 0) {
                c->started_at = previous_start;
                (void) container_save(c);
                output_close(c->stdio);
                if (r == -EAGAIN && (request || c->spec.pod_id)) { /* without a request: a pod's start */
                        r = defer_start(c, request);
                        return r < 0 ? r : 1;
                }
                return r;
        }

        return start_job_queued(c, job, request);
}

static int on_kill_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Container *c = userdata;

        c->kill_timer = sd_event_source_disable_unref(c->kill_timer);
        if (container_state_is_active(c->state)) {
                log_info("Container %s did not stop in time; sending SIGKILL.", c->name);
                /* "main", not "all": the init is PID 1 of the container's PID namespace, so this ends every
                 * container process, but not the unit's ExecStopPost= helpers (network teardown, umount) */
                (void) systemd_kill_unit(c->manager->systemd, c->unit, "main", SIGKILL, NULL);
        }
        return 0;
}

/* systemd cannot change TimeoutStopSec= of a running transient unit, so a per-call timeout is ours:
 * 0 kills at once, N arms a timer that sends SIGKILL to the whole unit. */
static int arm_stop_timeout(Container *c, uint64_t timeout_usec) {
        if (timeout_usec == UINT64_MAX)
                return 0;
        if (timeout_usec == 0)
                return systemd_kill_unit(c->manager->systemd, c->unit, "all", SIGKILL, NULL);
        c->kill_timer = sd_event_source_disable_unref(c->kill_timer);
        return sd_event_add_time_relative(c->manager->event, &c->kill_timer, CLOCK_MONOTONIC, timeout_usec, 0,
                                          on_kill_timer, c);
}

/* StopUnit of a unit systemd already unloaded (it exited and was collected before its news reached us):
 * settle the container as exited now, as the news would, and report the stop as done (0). */
static int stop_unit_gone(Container *c, int r, sd_bus_error *error) {
        if (!sd_bus_error_has_name(error, "org.freedesktop.systemd1.NoSuchUnit"))
                return r;
        sd_bus_error_free(error);
        c->start_pending = false;
        container_apply_unit_state(c, "inactive", "dead");
        return 0;
}

static int stop_unit_job(Container *c, uint64_t timeout_usec, JobKind kind, sd_bus_message *request,
                         sd_bus_error *error) {
        _cleanup_free_ char *job = NULL;
        int r;

        r = systemd_stop_unit(c->manager->systemd, c->unit, &job, error);
        if (r < 0)
                return stop_unit_gone(c, r, error);
        (void) arm_stop_timeout(c, timeout_usec);
        r = container_watch_job(c, job, kind, request);
        return r < 0 ? r : 1;
}

int container_stop(Container *c, uint64_t timeout_usec, sd_bus_message *request, sd_bus_error *error) {
        if (!container_state_is_active(c->state))
                return 0;            /* like docker: stopping a stopped container succeeds */
        container_thaw_if_paused(c); /* a frozen init would not see the stop signal */
        return stop_unit_job(c, timeout_usec, JOB_STOP, request, error);
}

int container_restart(Container *c, uint64_t timeout_usec, sd_bus_message *request, sd_bus_error *error) {
        int r;

        if (!container_state_is_active(c->state))
                return container_start(c, request, error);
        container_thaw_if_paused(c);
        r = stop_unit_job(c, timeout_usec, JOB_RESTART_STOP, request, error);
        if (r > 0)
                c->restarting = true;
        if (r == 0 && c->gone) /* a --rm container that exited meanwhile is removed, as docker does */
                return sd_bus_error_setf(error, CONMAN_ERROR_NO_SUCH_CONTAINER,
                                         "Container %s exited and was removed (--rm).", c->name);
        if (r == 0)
                return container_start(c, request, error);
        return r;
}

int container_kill(Container *c, int sig, sd_bus_error *error) {
        int r;

        if (c->state != CONTAINER_RUNNING && c->state != CONTAINER_STARTING)
                return sd_bus_error_setf(error, CONMAN_ERROR_NOT_RUNNING, "Container %s is not running (%s).",
                                         c->name, container_state_to_string(c->state));
        r = systemd_kill_unit(c->manager->systemd, c->unit, "main", sig, error);
        /* as docker: a paused container is thawed for SIGKILL so that it dies; other signals wait */
        if (r >= 0 && sig == SIGKILL)
                container_thaw_if_paused(c);
        return r;
}

static void answer_waiters(Container *c, bool removed) {
        for (size_t i = 0; i < c->n_waiters; i++) {
                if (removed)
                        (void) sd_bus_reply_method_errorf(c->waiters[i], CONMAN_ERROR_NO_SUCH_CONTAINER,
                                                          "Container %s was removed before it exited.",
                                                          c->name);
                else
                        (void) sd_bus_reply_method_return(c->waiters[i], "i", (int32_t) c->exit_code);
                sd_bus_message_unref(c->waiters[i]);
        }
        free(c->waiters);
        c->waiters = NULL;
        c->n_waiters = 0;
}

int container_wait(Container *c, sd_bus_message *request) {
        sd_bus_message **w;

        if (c->state == CONTAINER_EXITED)
                return 0;
        w = realloc(c->waiters, sizeof(sd_bus_message *) * (c->n_waiters + 1));
        if (!w)
                return -ENOMEM;
        c->waiters = w;
        c->waiters[c->n_waiters++] = sd_bus_message_ref(request);
        return 1;
}

static void container_finalize_removal(Container *c) {
        _cleanup_free_ char *pid_file = NULL;
        _cleanup_close_ int containers_fd = -EBADF;

        answer_waiters(c, true);
        (void) systemd_reset_failed_unit(c->manager->systemd, c->unit);
        container_network_release(c);
        output_close(c->stdio);
        (void) container_send_removed_signal(c);

        containers_fd = openat(c->manager->state_dir_fd, "containers", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (containers_fd >= 0) {
                int r = rm_rf_at(containers_fd, c->id);
                if (r < 0)
                        log_warning_errno(r, "Failed to remove the state of container %s: %m", c->name);
        }
        if (container_pid_file(c, &pid_file) >= 0)
                (void) unlink(pid_file);
        if (c->spec.auto_remove)
                container_volumes_remove_anonymous(c);
        log_info("Removed container %s (%.12s).", c->name, c->id);
        container_enqueue_gc(c);
}

/* Whether a process has ended and is a zombie nobody reaped yet (systemd has not seen its SIGCHLD). Once
 * systemd reaped it, the unit's state says so (a PID that does not exist proves nothing: it may be reused).
 */
static bool pid_is_zombie(pid_t pid) {
        _cleanup_free_ char *stat = NULL;
        char path[64];
        const char *p;

        if (pid <= 0)
                return false;
        snprintf(path, sizeof(path), "/proc/%i/stat", (int) pid);
        if (read_file(path, 4096, &stat, NULL) < 0)
                return false;
        p = strrchr(stat, ')');
        return p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

/* A container whose init has exited while its unit still runs (systemd has not reaped it yet, or runs the
 * unit's ExecStopPost=: network teardown, unmounts) is, to docker's `rm`, an exited one: its removal waits
 * for the unit instead of being refused. */
static bool container_init_ended(Container *c) {
        _cleanup_free_ char *active = NULL, *sub = NULL;

        if (c->state == CONTAINER_RUNNING && pid_is_zombie((pid_t) c->main_pid))
                return true;
        /* running or stopping here, but systemd may have moved on already (its signal is on its way) */
        if ((c->state != CONTAINER_RUNNING && c->state != CONTAINER_STOPPING) ||
            systemd_get_unit_state(c->manager->systemd, c->unit_path, &active, &sub) < 0)
                return false;
        return streq(active, "inactive") || streq(active, "failed") ||
               (streq(active, "deactivating") &&
                (streq(sub, "stop-post") || streq(sub, "final-sigterm") || streq(sub, "final-sigkill") ||
                 streq(sub, "final-watchdog")));
}

int container_remove(Container *c, bool force, sd_bus_message *request, sd_bus_error *error) {
        _cleanup_free_ char *job = NULL;
        int r;

        if (container_is_generated(c) && access(c->source_path, F_OK) >= 0)
                return sd_bus_error_setf(error, CONMAN_ERROR_OWNED_BY_FILE,
                                         "Container %s is defined by %s: remove or edit that file and run "
                                         "'systemctl daemon-reload'; stop it with 'conmanctl stop %s'.",
                                         c->name, c->source_path, c->name);

        if (!container_state_is_active(c->state)) {
                container_finalize_removal(c);
                return 0;
        }
        if (!force && !container_init_ended(c))
                return sd_bus_error_setf(error, CONMAN_ERROR_BUSY,
                                         "Container %s is %s: stop it first, or remove it with -f/--force.",
                                         c->name, container_state_to_string(c->state));
        c->removing = true;
        if (force)
                (void) systemd_kill_unit(c->manager->systemd, c->unit, "main", SIGKILL,
                                         NULL); /* see on_kill_timer() */
        container_thaw_if_paused(c);
        r = systemd_stop_unit(c->manager->systemd, c->unit, &job, error);
        if (r < 0) {
                r = stop_unit_gone(c, r, error);
                if (r == 0 && !c->gone)
                        container_finalize_removal(c);
                return r;
        }
        r = container_watch_job(c, job, JOB_REMOVE_STOP, request);
        return r < 0 ? r : 1;
}

static ContainerState state_from_unit(Container *c, const char *active, const char *sub) {
        if (c->start_pending && (streq(active, "inactive") || streq(active, "failed")))
                return CONTAINER_STARTING; /* the new unit before its start job ran */
        if (streq(active, "active") || streq(active, "reloading"))
                return CONTAINER_RUNNING;
        if (streq(active, "activating"))
                return streq(sub, "auto-restart") ? CONTAINER_RESTARTING : CONTAINER_STARTING;
        if (streq(active, "deactivating"))
                return CONTAINER_STOPPING;
        return c->started_at > 0 ? CONTAINER_EXITED : CONTAINER_CREATED;
}

static void read_exit_record(Container *c) {
        _cleanup_(exit_record_done) ExitRecord e = { .exit_code = -1 };

        if (exit_record_read(c->dir_fd, &e) < 0) {
                if (c->finished_at == 0)
                        c->finished_at = now_realtime_usec();
                return;
        }
        c->exit_code = e.exit_code;
        c->oom_killed = e.oom_killed;
        c->finished_at = e.finished_at;
        free(c->exit_result);
        c->exit_result = TAKE_PTR(e.result);
}

static void on_running(Container *c, ContainerState old) {
        uint32_t pid = 0, restarts = 0;

        (void) systemd_get_service_u32(c->manager->systemd, c->unit_path, "MainPID", &pid);
        (void) systemd_get_service_u32(c->manager->systemd, c->unit_path, "NRestarts", &restarts);
        c->main_pid = pid;
        c->restart_count = restarts;
        container_refresh_paused(c); /* a frozen unit stays frozen across a conmand restart */
        if (old == CONTAINER_STARTING)
                (void) container_keep_pipes(c);
        if (old == CONTAINER_STARTING || old == CONTAINER_RESTARTING)
                (void) container_register_machine(c);
        if (old == CONTAINER_RESTARTING) {
                c->started_at = now_realtime_usec();
                (void) container_save(c);
        }
        container_health_on_running(c);
}

/* The start job failed: the init ran if systemd recorded its exit (EXIT_CODE= exited/killed). */
static void answer_start_request(Container *c) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *request = TAKE_PTR(c->start_request);

        if (!request)
                return;
        if (c->exit_code >= 0) {
                (void) sd_bus_reply_method_return(request, NULL);
                return;
        }
        switch (container_command_check(c)) {
        case COMMAND_NOT_FOUND:
                (void) sd_bus_reply_method_errorf(request, CONMAN_ERROR_COMMAND_NOT_FOUND,
                                                  "Container %s failed to start: its command was not found "
                                                  "(in its $PATH).",
                                                  c->name);
                break;
        case COMMAND_NOT_EXECUTABLE:
                (void) sd_bus_reply_method_errorf(
                        request, CONMAN_ERROR_COMMAND_NOT_EXECUTABLE,
                        "Container %s failed to start: its command is not executable.", c->name);
                break;
        default:
                (void) sd_bus_reply_method_errorf(
                        request, CONMAN_ERROR_RUNTIME_FAILED,
                        "Container %s failed to start (%s). See 'journalctl -u %s'.", c->name,
                        strna(c->exit_result), c->unit);
        }
}

static void on_exited(Container *c) {
        c->kill_timer = sd_event_source_disable_unref(c->kill_timer);
        c->main_pid = 0;
        c->paused = false;
        read_exit_record(c);
        /* Under a restart policy systemd may report the unit failed for a moment before it schedules the
         * restart, and the next run writes into the same pipes: keep reading them (EOF ends them when the
         * unit is gone for good; the next start replaces them). */
        if (c->spec.restart == RESTART_NO)
                output_close(c->stdio);
        log_info("Container %s exited with code %i (%s).", c->name, c->exit_code, strna(c->exit_result));
}

void container_apply_unit_state(Container *c, const char *active, const char *sub) {
        ContainerState old = c->state, new = state_from_unit(c, active, sub);

        if (new == old)
                return;
        log_debug("Unit %s is %s/%s: container %s goes %s → %s.", c->unit, active, sub, c->name,
                  container_state_to_string(old), container_state_to_string(new));
        c->state = new;
        pod_member_changed(c->manager, c->spec.pod_id);
        if (new == CONTAINER_RUNNING && old != CONTAINER_RUNNING)
                (void) container_reload_generated(c);
        if (new == CONTAINER_RUNNING)
                on_running(c, old);
        else if (new == CONTAINER_RESTARTING) {
                read_exit_record(c);
                c->main_pid = 0;
                (void) systemd_get_service_u32(c->manager->systemd, c->unit_path, "NRestarts",
                                               &c->restart_count);
        } else if (new == CONTAINER_EXITED)
                on_exited(c);
        container_send_changed(c);

        if (new != CONTAINER_EXITED)
                return;
        answer_start_request(c);
        answer_waiters(c, false);
        if (c->spec.auto_remove && !c->removing && !c->restarting) /* like docker's restart of a --rm one */
                container_finalize_removal(c); /* c is gone, freed later from the GC queue */
}

int container_update_resources(Container *c, ContainerSpec *limits, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *msg = NULL;
        ContainerSpec *s = &c->spec;
        int r;

        r = container_spec_validate_resources(limits, error);
        if (r < 0)
                return r;
        if (container_is_generated(c))
                return sd_bus_error_setf(error, CONMAN_ERROR_OWNED_BY_FILE,
                                         "Container %s comes from %s: change its limits there.", c->name,
                                         c->source_path);
        if (container_state_is_active(c->state)) {
                r = systemd_new_set_unit_properties(c->manager->systemd, c->unit, &msg);
                if (r >= 0)
                        r = unit_append_resource_properties(msg, limits);
                if (r >= 0)
                        r = systemd_set_unit_properties(c->manager->systemd, msg, error);
                if (r < 0)
                        return r;
        }
        s->memory_max = limits->memory_max;
        s->cpu_quota_usec = limits->cpu_quota_usec;
        s->cpu_weight = limits->cpu_weight;
        s->pids_limit = limits->pids_limit;
        s->memory_swap = limits->memory_swap;
        s->memory_low = limits->memory_low;
        s->io_weight = limits->io_weight;
        s->restart = limits->restart; /* stored only: the next start's unit gets it */
        s->restart_max_retries = limits->restart_max_retries;
        free(s->cpuset_cpus); /* "" is every CPU: no setting */
        s->cpuset_cpus = isempty(limits->cpuset_cpus) ? NULL : TAKE_PTR(limits->cpuset_cpus);
        free(s->cpuset_mems);
        s->cpuset_mems = isempty(limits->cpuset_mems) ? NULL : TAKE_PTR(limits->cpuset_mems);
        r = container_save(c);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Cannot save the limits of %s: %m", c->name);
        log_info("Updated the limits of container %s.", c->name);
        return 0;
}
