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

void unit_hooks_done(UnitHooks *h) {
        for (size_t i = 0; i < h->n_start_pre; i++)
                strv_freep(&h->start_pre[i].argv);
        for (size_t i = 0; i < h->n_stop_post; i++)
                strv_freep(&h->stop_post[i].argv);
        free(h->start_pre);
        free(h->stop_post);
        strv_freep(&h->after);
        *h = (UnitHooks){};
}

int unit_hooks_add(UnitHooks *h, bool stop_post, bool ignore_failure, char *const *argv) {
        ExecHook **list = stop_post ? &h->stop_post : &h->start_pre;
        size_t *n = stop_post ? &h->n_stop_post : &h->n_start_pre;
        ExecHook *nl;

        if (!argv || !argv[0] || argv[0][0] != '/')
                return -EINVAL;
        nl = realloc(*list, sizeof(ExecHook) * (*n + 1));
        if (!nl)
                return -ENOMEM;
        *list = nl;
        nl[*n] = (ExecHook){ .argv = strv_copy(argv), .ignore_failure = ignore_failure };
        if (!nl[*n].argv)
                return -ENOMEM;
        (*n)++;
        return 0;
}

/* Appends one ExecXYZ= property with all its commands: a(sasb) of (path, argv, ignore_failure). */
static int append_exec_list(sd_bus_message *m, const char *property, const ExecHook *cmds, size_t n) {
        int r;

        if (n == 0)
                return 0;
        r = sd_bus_message_open_container(m, 'r', "sv");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", property);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', "a(sasb)");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(sasb)");
        for (size_t i = 0; r >= 0 && i < n; i++) {
                r = sd_bus_message_open_container(m, 'r', "sasb");
                if (r >= 0)
                        r = sd_bus_message_append(m, "s", cmds[i].argv[0]);
                if (r >= 0)
                        r = sd_bus_message_append_strv(m, cmds[i].argv);
                if (r >= 0)
                        r = sd_bus_message_append(m, "b", cmds[i].ignore_failure);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
        }
        for (int i = 0; r >= 0 && i < 3; i++)
                r = sd_bus_message_close_container(m);
        return r;
}

static int append_exec(sd_bus_message *m, const char *property, bool ignore_failure, char **argv) {
        ExecHook h = { .argv = argv, .ignore_failure = ignore_failure };
        return append_exec_list(m, property, &h, 1);
}

static int append_exec_start(sd_bus_message *m, const UnitParams *p) {
        char *argv[] = { (char *) p->runtime_path, "--root", (char *) p->runtime_root, "run", "--detach",
                         "--pid-file", (char *) p->pid_file, "--bundle", (char *) p->bundle,
                         (char *) p->container_id, NULL };
        return append_exec(m, "ExecStart", false, argv);
}

/* ExecStartPre=: the subsystems' hooks (rootfs mount, network), then — under a restart policy — removal
 * of stale runtime state of the last run. */
static int append_start_pre(sd_bus_message *m, const UnitParams *p) {
        char *del[] = { (char *) p->runtime_path, "--root", (char *) p->runtime_root, "delete", "--force",
                        (char *) p->container_id, NULL };
        size_t n = p->hooks ? p->hooks->n_start_pre : 0;
        _cleanup_free_ ExecHook *cmds = calloc(n + 1, sizeof(ExecHook));

        if (!cmds)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                cmds[i] = p->hooks->start_pre[i];
        if (p->spec->restart != RESTART_NO)
                cmds[n++] = (ExecHook){ .argv = del, .ignore_failure = true };
        return append_exec_list(m, "ExecStartPre", cmds, n);
}

/* ExecStopPost=: the exit record first (so it exists even when conmand is down), `runtime delete`, then
 * the subsystems' teardown hooks. */
static int append_stop_post(sd_bus_message *m, const UnitParams *p) {
        char *record[] = { CONMAN_LIBEXECDIR "/conman-exit-record", "--state-dir", (char *) p->state_dir,
                           (char *) p->container_id, NULL };
        char *del[] = { (char *) p->runtime_path, "--root", (char *) p->runtime_root, "delete", "--force",
                        (char *) p->container_id, NULL };
        size_t n = p->hooks ? p->hooks->n_stop_post : 0;
        _cleanup_free_ ExecHook *cmds = calloc(n + 2, sizeof(ExecHook));

        if (!cmds)
                return -ENOMEM;
        cmds[0] = (ExecHook){ .argv = record, .ignore_failure = true };
        cmds[1] = (ExecHook){ .argv = del, .ignore_failure = true };
        for (size_t i = 0; i < n; i++)
                cmds[2 + i] = p->hooks->stop_post[i];
        return append_exec_list(m, "ExecStopPost", cmds, n + 2);
}

/* After=+Wants= for what the hooks need first (e.g. network-online.target). */
static int append_ordering(sd_bus_message *m, const UnitParams *p) {
        static const char *const props[] = { "After", "Wants" };
        int r = 0;

        if (!p->hooks || strv_length(p->hooks->after) == 0)
                return 0;
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(props); i++) {
                r = sd_bus_message_open_container(m, 'r', "sv");
                if (r >= 0)
                        r = sd_bus_message_append(m, "s", props[i]);
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'v', "as");
                if (r >= 0)
                        r = sd_bus_message_append_strv(m, p->hooks->after);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
        }
        return r;
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
        if (r >= 0)
                r = append_ordering(m, p);
        if (r >= 0)
                r = append_start_pre(m, p);
        if (r >= 0)
                r = append_exec_start(m, p);
        if (r >= 0)
                r = append_stop_post(m, p);
        if (r < 0)
                return r;
        return sd_bus_message_close_container(m);
}
