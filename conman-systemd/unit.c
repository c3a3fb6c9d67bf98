/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * unit.c — see unit.h.
 */
#include "conman-config.h"
#include "unit.h"
#include "util.h"

int unit_name_from_container_name(const char *name, char **ret) {
        return asprintf(ret, CONMAN_UNIT_PREFIX "%s.service", name) < 0 ? -ENOMEM : 0;
}

int unit_object_path(const char *unit_name, char **ret) {
        return sd_bus_path_encode("/org/freedesktop/systemd1/unit", unit_name, ret);
}

int container_cgroup_path(const char *unit_name, char **ret) {
        return asprintf(ret, "/" CONMAN_SLICE "/%s/container", unit_name) < 0 ? -ENOMEM : 0;
}

int runtime_find_binary(const char *runtime, char **ret) {
        static const char *const dirs[] = { "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin",
                                            "/sbin", "/bin" };

        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                _cleanup_free_ char *p = NULL;
                if (asprintf(&p, "%s/%s", dirs[i], runtime) < 0)
                        return -ENOMEM;
                if (access(p, X_OK) == 0) {
                        *ret = TAKE_PTR(p);
                        return 0;
                }
        }
        return -ENOENT;
}

/* Appends one ExecXYZ= entry: (path, argv, ignore_failure) inside a(sasb). */
static int append_exec(sd_bus_message *m, const char *property, bool ignore_failure, char **argv) {
        int r;

        r = sd_bus_message_open_container(m, 'r', "sv");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", property);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', "a(sasb)");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(sasb)");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'r', "sasb");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", argv[0]);
        if (r >= 0)
                r = sd_bus_message_append_strv(m, argv);
        if (r >= 0)
                r = sd_bus_message_append(m, "b", ignore_failure);
        for (int i = 0; r >= 0 && i < 4; i++)
                r = sd_bus_message_close_container(m);
        return r;
}

static int append_exec_start(sd_bus_message *m, const UnitParams *p) {
        char *argv[] = { (char *) p->runtime_path, "--root", (char *) p->runtime_root, "run", "--detach",
                         "--pid-file", (char *) p->pid_file, "--bundle", (char *) p->bundle,
                         (char *) p->container_id, NULL };
        return append_exec(m, "ExecStart", false, argv);
}

static int append_runtime_delete(sd_bus_message *m, const char *property, const UnitParams *p) {
        char *argv[] = { (char *) p->runtime_path, "--root", (char *) p->runtime_root, "delete", "--force",
                         (char *) p->container_id, NULL };
        return append_exec(m, property, true, argv);
}

/* The exit record is written by systemd's ExecStopPost=, so it exists even when conmand is down. */
static int append_exit_record(sd_bus_message *m, const UnitParams *p) {
        char *argv[] = { CONMAN_LIBEXECDIR "/conman-exit-record", "--state-dir", (char *) p->state_dir,
                         (char *) p->container_id, NULL };
        return append_exec(m, "ExecStopPost", true, argv);
}

static int append_description(sd_bus_message *m, const UnitParams *p) {
        const ContainerSpec *s = p->spec;
        _cleanup_free_ char *d = NULL;

        if (asprintf(&d, "conman container %s (%s %s)", p->container_name, s->image ? "image" : "rootfs",
                     s->image ?: s->rootfs) < 0)
                return -ENOMEM;
        return sd_bus_message_append(m, "(sv)", "Description", "s", d);
}

/* Tells ExecStart/ExecStopPost (and `systemctl show -p Environment`) which container this is. */
static int append_environment(sd_bus_message *m, const UnitParams *p) {
        _cleanup_free_ char *id = NULL, *name = NULL;

        if (asprintf(&id, "CONMAN_CONTAINER_ID=%s", p->container_id) < 0 ||
            asprintf(&name, "CONMAN_CONTAINER_NAME=%s", p->container_name) < 0)
                return -ENOMEM;
        return sd_bus_message_append(m, "(sv)", "Environment", "as", 2, id, name);
}

static int append_stdio(sd_bus_message *m, const UnitParams *p) {
        int r = 0;

        if (p->stdin_fd >= 0)
                r = sd_bus_message_append(m, "(sv)", "StandardInputFileDescriptor", "h", p->stdin_fd);
        else
                r = sd_bus_message_append(m, "(sv)", "StandardInput", "s", "null");
        if (r >= 0 && p->stdout_fd >= 0)
                r = sd_bus_message_append(m, "(sv)", "StandardOutputFileDescriptor", "h", p->stdout_fd);
        if (r >= 0 && p->stderr_fd >= 0)
                r = sd_bus_message_append(m, "(sv)", "StandardErrorFileDescriptor", "h", p->stderr_fd);
        return r;
}

static int append_resources(sd_bus_message *m, const ContainerSpec *s) {
        int r;

        r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)", "Delegate", "b", true, "MemoryAccounting", "b", true,
                                  "TasksAccounting", "b", true, "CPUAccounting", "b", true);
        if (r >= 0 && s->memory_max > 0)
                r = sd_bus_message_append(m, "(sv)", "MemoryMax", "t", s->memory_max);
        if (r >= 0 && s->cpu_quota_usec > 0)
                r = sd_bus_message_append(m, "(sv)", "CPUQuotaPerSecUSec", "t", s->cpu_quota_usec);
        if (r >= 0 && s->cpu_weight > 0)
                r = sd_bus_message_append(m, "(sv)", "CPUWeight", "t", s->cpu_weight);
        if (r >= 0 && s->pids_limit > 0)
                r = sd_bus_message_append(m, "(sv)", "TasksMax", "t", s->pids_limit);
        return r;
}

static int append_stop_and_restart(sd_bus_message *m, const ContainerSpec *s) {
        int r;

        /* SIGTERM (or --stop-signal) to the container's init, SIGKILL to all after TimeoutStopSec=. */
        r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)", "KillMode", "s", "mixed", "KillSignal", "i",
                                  (int32_t) s->stop_signal, "TimeoutStopUSec", "t", s->stop_timeout_usec,
                                  "SendSIGKILL", "b", true);
        if (r < 0)
                return r;
        if (s->restart == RESTART_NO)
                return 0;

        r = sd_bus_message_append(m, "(sv)(sv)", "Restart", "s",
                                  s->restart == RESTART_ON_FAILURE ? "on-failure" : "always", "RestartUSec", "t",
                                  (uint64_t) 100 * 1000);
        if (r < 0 || s->restart_max_retries == 0)
                return r;
        /* on-failure:N = N restarts after the first start: N+1 starts in all, ever. */
        return sd_bus_message_append(m, "(sv)(sv)", "StartLimitIntervalUSec", "t", UINT64_MAX, "StartLimitBurst",
                                     "u", (uint32_t) s->restart_max_retries + 1);
}

int unit_append_properties(sd_bus_message *m, const UnitParams *p) {
        int r;

        r = sd_bus_message_open_container(m, 'a', "(sv)");
        if (r < 0)
                return r;
        r = append_description(m, p);
        if (r >= 0)
                r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)", "Slice", "s", CONMAN_SLICE, "Type", "s", "forking",
                                          "PIDFile", "s", p->pid_file, "CollectMode", "s", "inactive-or-failed");
        if (r >= 0)
                r = append_environment(m, p);
        if (r >= 0)
                r = append_stdio(m, p);
        if (r >= 0)
                r = append_resources(m, p->spec);
        if (r >= 0)
                r = append_stop_and_restart(m, p->spec);
        if (r >= 0 && p->spec->restart != RESTART_NO)
                r = append_runtime_delete(m, "ExecStartPre", p); /* stale runtime state from the last run */
        if (r >= 0)
                r = append_exec_start(m, p);
        if (r >= 0)
                r = append_exit_record(m, p);
        if (r >= 0)
                r = append_runtime_delete(m, "ExecStopPost", p);
        if (r < 0)
                return r;
        return sd_bus_message_close_container(m);
}
