/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * unit.c — see unit.h.
 */
#include "shared/unit.h"
#include "conman-config.h"
#include "shared/pod-spec.h"
#include "shared/util.h"

int unit_name_from_container_name(const char *name, char **ret) {
        return asprintf(ret, CONMAN_UNIT_PREFIX "%s.service", name) < 0 ? -ENOMEM : 0;
}

int unit_object_path(const char *unit_name, char **ret) {
        return sd_bus_path_encode("/org/freedesktop/systemd1/unit", unit_name, ret);
}

int slice_cgroup_path(const char *slice, char **ret) {
        size_t n = strlen(slice), stem = n > 6 ? n - 6 : 0, levels = 1; /* stem: without ".slice" */
        char *path, *p;

        for (size_t i = 0; i < stem; i++)
                levels += slice[i] == '-';
        path = p = malloc(levels * (n + 8) + 1); /* each level: '/', a prefix of the stem, ".slice" */
        if (!path)
                return -ENOMEM;
        *p = 0;
        for (size_t i = 0; i <= stem; i++)
                if (i == stem || slice[i] == '-') { /* one level per dash: the prefix up to it */
                        *p++ = '/';
                        memcpy(p, slice, i);
                        p = stpcpy(p + i, ".slice");
                }
        *ret = path;
        return 0;
}

int container_spec_slice(const ContainerSpec *s, char **ret) {
        if (s->pod_slice)
                return (*ret = strdup(s->pod_slice)) ? 0 : -ENOMEM;
        if (s->pod_name)
                return pod_slice_name(s->pod_name, ret);
        return (*ret = strdup(s->cgroup_parent ?: CONMAN_SLICE)) ? 0 : -ENOMEM;
}

int container_cgroup_path(const char *unit_name, const char *slice, char **ret) {
        _cleanup_free_ char *path = NULL;
        int r = slice_cgroup_path(slice ?: CONMAN_SLICE, &path);

        if (r < 0)
                return r;
        return asprintf(ret, "%s/%s/container", path, unit_name) < 0 ? -ENOMEM : 0;
}

int runtime_find_binary(const char *runtime, char **ret) {
        static const char *const dirs[] = { "/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
                                            "/usr/bin",        "/sbin",          "/bin" };

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

/* The property list: one table for StartTransientUnit and for unit files (the generator). */

void unit_property_list_done(UnitPropertyList *l) {
        for (size_t i = 0; i < l->n; i++) {
                UnitProperty *p = &l->items[i];
                free(p->str);
                strv_freep(&p->strv);
                for (size_t k = 0; k < p->n_exec; k++)
                        strv_freep(&p->exec[k].argv);
                free(p->exec);
        }
        free(l->items);
        *l = (UnitPropertyList){};
}

static UnitProperty *property_add(UnitPropertyList *l, const char *name, UnitPropertyType type) {
        UnitProperty *items = realloc(l->items, sizeof(UnitProperty) * (l->n + 1));

        if (!items)
                return NULL;
        l->items = items;
        items[l->n] = (UnitProperty){ .name = name, .type = type, .fd = -EBADF };
        return &items[l->n++];
}

static int add_string(UnitPropertyList *l, const char *name, const char *value) {
        UnitProperty *p = property_add(l, name, UNIT_PROPERTY_STRING);
        if (!p || !(p->str = strdup(value)))
                return -ENOMEM;
        return 0;
}

static int add_number(UnitPropertyList *l, const char *name, UnitPropertyType type, uint64_t value) {
        UnitProperty *p = property_add(l, name, type);
        if (!p)
                return -ENOMEM;
        p->u = value;
        return 0;
}

static int add_cpuset(UnitPropertyList *l, const char *name, const char *value) {
        UnitProperty *p = property_add(l, name, UNIT_PROPERTY_CPUSET);
        if (!p || !(p->str = strdup(value)))
                return -ENOMEM;
        return 0;
}

static int add_rlimit(UnitPropertyList *l, const Ulimit *u) {
        UnitProperty *p = property_add(l, u->property, UNIT_PROPERTY_RLIMIT);
        if (!p)
                return -ENOMEM;
        p->u = u->hard;
        p->soft = u->soft;
        return 0;
}

static int add_device_rate(UnitPropertyList *l, DeviceRateKind k, const char *canonical) {
        UnitProperty *p = property_add(l, device_rate_property(k), UNIT_PROPERTY_DEVICE_RATE);
        if (!p)
                return -ENOMEM;
        return device_rate_parse(k, canonical, &p->str, &p->u);
}

static int add_strv(UnitPropertyList *l, const char *name, char *const *value) {
        UnitProperty *p = property_add(l, name, UNIT_PROPERTY_STRV);
        if (!p || !(p->strv = strv_copy(value)))
                return -ENOMEM;
        return 0;
}

static int add_fd(UnitPropertyList *l, const char *name, int fd) {
        UnitProperty *p = property_add(l, name, UNIT_PROPERTY_FD);
        if (!p)
                return -ENOMEM;
        p->fd = fd;
        return 0;
}

/* One ExecXYZ= property with all its commands (copied); nothing for an empty list. */
static int add_exec_list(UnitPropertyList *l, const char *name, const ExecHook *cmds, size_t n) {
        UnitProperty *p;

        if (n == 0)
                return 0;
        p = property_add(l, name, UNIT_PROPERTY_EXEC);
        if (!p || !(p->exec = calloc(n, sizeof(ExecHook))))
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                p->exec[i] = (ExecHook){ .argv = strv_copy(cmds[i].argv),
                                         .ignore_failure = cmds[i].ignore_failure,
                                         .no_env_expand = cmds[i].no_env_expand };
                if (!p->exec[i].argv)
                        return -ENOMEM;
                p->n_exec++;
        }
        return 0;
}

/* ExecStart= creates the container and stops at its init (`runtime create`); systemd reads the PID file,
 * so the init is the unit's MainPID before it runs anything. ExecStartPost= then lets it run (`runtime
 * start`). With `run --detach` a container that exits at once would be gone before systemd reads the PID
 * file (result "protocol", exit status lost). */
static int add_exec_start(UnitPropertyList *l, const UnitParams *p) {
        char *argv[] = { (char *) p->runtime_path,
                         "--root",
                         (char *) p->runtime_root,
                         "create",
                         "--pid-file",
                         (char *) p->pid_file,
                         "--bundle",
                         (char *) p->bundle,
                         (char *) p->container_id,
                         NULL,
                         NULL,
                         NULL };
        char *start[] = { (char *) p->runtime_path, "--root", (char *) p->runtime_root, "start",
                          (char *) p->container_id, NULL };
        int r;

        if (p->console_socket) { /* TTY: the runtime sends the PTY master there (console-socket.h) */
                memmove(argv + 6, argv + 4, sizeof(char *) * 5);
                argv[4] = "--console-socket";
                argv[5] = (char *) p->console_socket;
        }
        r = add_exec_list(l, "ExecStart", &(ExecHook){ .argv = argv }, 1);
        if (r < 0)
                return r;
        return add_exec_list(l, "ExecStartPost", &(ExecHook){ .argv = start }, 1);
}

/* `runtime delete` is cleanup whose failure is ignored, and runc warns there about cgroups systemd already
 * removed. The unit's stdout and stderr are the container's (its logs, its attached clients): the runtime's
 * own words go to the journal instead, under the unit, through systemd-cat. */
#define RUNTIME_TO_JOURNAL "/usr/bin/systemd-cat", "--identifier=conman-runtime", "--priority=notice", "--"

/* ExecStartPre=: the subsystems' hooks (rootfs mount, network), then — under a restart policy — removal
 * of stale runtime state of the last run. */
static int add_start_pre(UnitPropertyList *l, const UnitParams *p) {
        char *del[] = {
                RUNTIME_TO_JOURNAL, (char *) p->runtime_path, "--root", (char *) p->runtime_root, "delete",
                "--force",          (char *) p->container_id, NULL
        };
        size_t n = p->hooks ? p->hooks->n_start_pre : 0;
        _cleanup_free_ ExecHook *cmds = calloc(n + 1, sizeof(ExecHook));

        if (!cmds)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                cmds[i] = p->hooks->start_pre[i];
        if (p->spec->restart != RESTART_NO)
                cmds[n++] = (ExecHook){ .argv = del, .ignore_failure = true };
        return add_exec_list(l, "ExecStartPre", cmds, n);
}

/* ExecStopPost=: the exit record first (so it exists even when conmand is down), `runtime delete`, then
 * the subsystems' teardown hooks. */
static int add_stop_post(UnitPropertyList *l, const UnitParams *p) {
        char *record[] = { CONMAN_LIBEXECDIR "/conman-exit-record",
                           "--state-dir",
                           (char *) p->state_dir,
                           "--unit",
                           (char *) p->unit_name,
                           (char *) p->container_id,
                           NULL,
                           NULL,
                           NULL };
        char *del[] = {
                RUNTIME_TO_JOURNAL, (char *) p->runtime_path, "--root", (char *) p->runtime_root, "delete",
                "--force",          (char *) p->container_id, NULL
        };
        size_t n = p->hooks ? p->hooks->n_stop_post : 0;
        _cleanup_free_ ExecHook *cmds = calloc(n + 2, sizeof(ExecHook));

        if (!cmds)
                return -ENOMEM;
        if (p->spec->pod_slice) { /* the cgroup is below the slice the pod was given */
                record[5] = "--slice";
                record[6] = p->spec->pod_slice;
                record[7] = (char *) p->container_id;
        } else if (p->spec->pod_name) { /* the cgroup is below the pod's slice */
                record[5] = "--pod";
                record[6] = p->spec->pod_name;
                record[7] = (char *) p->container_id;
        }
        cmds[0] = (ExecHook){ .argv = record, .ignore_failure = true };
        cmds[1] = (ExecHook){ .argv = del, .ignore_failure = true };
        for (size_t i = 0; i < n; i++)
                cmds[2 + i] = p->hooks->stop_post[i];
        return add_exec_list(l, "ExecStopPost", cmds, n + 2);
}

/* After=+Wants= for what the hooks need first (e.g. network-online.target). */
static int add_ordering(UnitPropertyList *l, const UnitParams *p) {
        int r;

        if (!p->hooks || strv_length(p->hooks->after) == 0)
                return 0;
        r = add_strv(l, "After", p->hooks->after);
        return r < 0 ? r : add_strv(l, "Wants", p->hooks->after);
}

/* conman.slice (or --cgroup-parent's); a pod's member: the pod's slice, bound to the unit that pins the
 * pod's namespaces. */
static int add_slice(UnitPropertyList *l, const ContainerSpec *s) {
        _cleanup_free_ char *slice = NULL, *pin = NULL;
        int r;

        if (!s->pod_name)
                return add_string(l, "Slice", s->cgroup_parent ?: CONMAN_SLICE);
        r = container_spec_slice(s, &slice);
        if (r >= 0)
                r = pod_pin_unit_name(s->pod_name, &pin);
        if (r >= 0)
                r = add_string(l, "Slice", slice);
        if (r >= 0)
                r = add_strv(l, "BindsTo", (char *[]){ pin, NULL });
        return r < 0 ? r : add_strv(l, "After", (char *[]){ pin, NULL });
}

static int add_description(UnitPropertyList *l, const UnitParams *p) {
        const ContainerSpec *s = p->spec;
        _cleanup_free_ char *d = NULL;

        if (asprintf(&d, "conman container %s (%s %s)", p->container_name, s->image ? "image" : "rootfs",
                     s->image ?: s->rootfs) < 0)
                return -ENOMEM;
        return add_string(l, "Description", d);
}

/* Tells ExecStart/ExecStopPost (and `systemctl show -p Environment`) which container this is. */
static int add_environment(UnitPropertyList *l, const UnitParams *p) {
        _cleanup_free_ char *id = NULL, *name = NULL;

        if (asprintf(&id, "CONMAN_CONTAINER_ID=%s", p->container_id) < 0 ||
            asprintf(&name, "CONMAN_CONTAINER_NAME=%s", p->container_name) < 0)
                return -ENOMEM;
        return add_strv(l, "Environment", (char *[]){ id, name, NULL });
}

/* A transient unit gets conmand's pipes; a unit file (no fds) leaves stdout/stderr to systemd. */
static int add_stdio(UnitPropertyList *l, const UnitParams *p) {
        int r = 0;

        if (p->stdin_fd >= 0)
                r = add_fd(l, "StandardInputFileDescriptor", p->stdin_fd);
        else
                r = add_string(l, "StandardInput", "null");
        if (r >= 0 && p->stdout_fd >= 0)
                r = add_fd(l, "StandardOutputFileDescriptor", p->stdout_fd);
        if (r >= 0 && p->stderr_fd >= 0)
                r = add_fd(l, "StandardErrorFileDescriptor", p->stderr_fd);
        return r;
}

static int add_resources(UnitPropertyList *l, const ContainerSpec *s) {
        static const char *const accounting[] = { "Delegate", "MemoryAccounting", "TasksAccounting",
                                                  "CPUAccounting" };
        int r = 0;

        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(accounting); i++)
                r = add_number(l, accounting[i], UNIT_PROPERTY_BOOL, true);
        if (r >= 0 && s->memory_max > 0)
                r = add_number(l, "MemoryMax", UNIT_PROPERTY_U64, s->memory_max);
        if (r >= 0 && s->cpu_quota_usec > 0)
                r = add_number(l, "CPUQuotaPerSecUSec", UNIT_PROPERTY_CPU_QUOTA, s->cpu_quota_usec);
        if (r >= 0 && s->cpu_weight > 0)
                r = add_number(l, "CPUWeight", UNIT_PROPERTY_U64, s->cpu_weight);
        /* podman's default of 2048 tasks unless the user chose (UINT64_MAX: no limit, TasksMax=infinity) */
        if (r >= 0)
                r = add_number(l, "TasksMax", UNIT_PROPERTY_U64,
                               s->pids_limit > 0 ? s->pids_limit : CONTAINER_PIDS_LIMIT_DEFAULT);
        if (r >= 0 && !isempty(s->cpuset_cpus))
                r = add_cpuset(l, "AllowedCPUs", s->cpuset_cpus);
        if (r >= 0 && !isempty(s->cpuset_mems))
                r = add_cpuset(l, "AllowedMemoryNodes", s->cpuset_mems);
        return r;
}

/* docker's further resource flags (run-limits.h): swap, reservation, I/O, the quota's period, ulimits and
 * a raised OOM score (a lowered one needs CAP_SYS_RESOURCE, which a host may lack: config.json's
 * oomScoreAdj handles that gracefully, oci-security.c). */
static int add_run_limits(UnitPropertyList *l, const ContainerSpec *s) {
        uint64_t swap;
        int r = 0;

        if (s->memory_swap != 0 && memory_swap_max(s->memory_swap, s->memory_max, &swap) >= 0)
                r = add_number(l, "MemorySwapMax", UNIT_PROPERTY_U64, swap);
        if (r >= 0 && s->memory_low > 0)
                r = add_number(l, "MemoryLow", UNIT_PROPERTY_U64, s->memory_low);
        if (r >= 0 && s->io_weight > 0)
                r = add_number(l, "IOWeight", UNIT_PROPERTY_U64, s->io_weight);
        if (r >= 0 && s->cpu_period_usec > 0)
                r = add_number(l, "CPUQuotaPeriodUSec", UNIT_PROPERTY_USEC, s->cpu_period_usec);
        for (DeviceRateKind k = 0; k < _DEVICE_RATE_KIND_MAX; k++)
                for (char **d = s->device_rates[k]; r >= 0 && d && *d; d++)
                        r = add_device_rate(l, k, *d);
        for (char **u = s->ulimits; r >= 0 && u && *u; u++) {
                Ulimit ul;
                r = ulimit_parse(*u, &ul);
                if (r >= 0)
                        r = add_rlimit(l, &ul);
        }
        if (r >= 0 && s->security.has_oom_score_adj && s->security.oom_score_adj >= 0)
                r = add_number(l, "OOMScoreAdjust", UNIT_PROPERTY_I32, (uint64_t) s->security.oom_score_adj);
        return r;
}

static int add_stop_and_restart(UnitPropertyList *l, const ContainerSpec *s) {
        int r;

        /* SIGTERM (or --stop-signal) to the container's init, SIGKILL to all after TimeoutStopSec=. */
        r = add_string(l, "KillMode", "mixed");
        if (r >= 0)
                r = add_number(l, "KillSignal", UNIT_PROPERTY_SIGNAL, (uint64_t) s->stop_signal);
        if (r >= 0)
                r = add_number(l, "TimeoutStopUSec", UNIT_PROPERTY_USEC, s->stop_timeout_usec);
        if (r >= 0)
                r = add_number(l, "SendSIGKILL", UNIT_PROPERTY_BOOL, true);
        if (r < 0 || s->restart == RESTART_NO)
                return r;

        r = add_string(l, "Restart", s->restart == RESTART_ON_FAILURE ? "on-failure" : "always");
        if (r >= 0)
                r = add_number(l, "RestartUSec", UNIT_PROPERTY_USEC, 100 * USEC_PER_MSEC);
        if (r < 0 || s->restart_max_retries == 0)
                return r;
        /* on-failure:N = N restarts after the first start: N+1 starts in all, ever. */
        r = add_number(l, "StartLimitIntervalUSec", UNIT_PROPERTY_USEC, USEC_INFINITY);
        return r < 0 ? r : add_number(l, "StartLimitBurst", UNIT_PROPERTY_U32, s->restart_max_retries + 1);
}

int unit_properties_build(const UnitParams *p, UnitPropertyList *ret) {
        _cleanup_(unit_property_list_done) UnitPropertyList l = {};
        int r;

        r = add_description(&l, p);
        if (r >= 0)
                r = add_slice(&l, p->spec);
        if (r >= 0)
                r = add_string(&l, "Type", "forking");
        if (r >= 0)
                r = add_string(&l, "PIDFile", p->pid_file);
        if (r >= 0)
                r = add_string(&l, "CollectMode", "inactive-or-failed");
        if (r >= 0)
                r = add_environment(&l, p);
        /* conmand keeps copies of the output pipes in the unit while it is stopped (pipe-keeper.h) */
        if (r >= 0)
                r = add_string(&l, "NotifyAccess", "all");
        if (r >= 0)
                r = add_number(&l, "FileDescriptorStoreMax", UNIT_PROPERTY_U32, 4);
        /* NotifyAccess= makes systemd set $NOTIFY_SOCKET, and a runtime that sees it waits for the container
         * to send READY=1 (sd_notify passthrough): keep it from the runtime. */
        if (r >= 0) {
                char *unset[] = { "NOTIFY_SOCKET", NULL };
                r = add_strv(&l, "UnsetEnvironment", unset);
        }
        if (r >= 0)
                r = add_stdio(&l, p);
        if (r >= 0)
                r = add_resources(&l, p->spec);
        if (r >= 0)
                r = add_run_limits(&l, p->spec);
        if (r >= 0)
                r = add_stop_and_restart(&l, p->spec);
        if (r >= 0)
                r = add_ordering(&l, p);
        if (r >= 0)
                r = add_start_pre(&l, p);
        if (r >= 0)
                r = add_exec_start(&l, p);
        if (r >= 0)
                r = add_stop_post(&l, p);
        if (r < 0)
                return r;
        *ret = l;
        l = (UnitPropertyList){};
        return 0;
}

/* a(sasb) of (path, argv, ignore_failure). */
/* ExecXYZEx=: a(sasas), the flags as words ("ignore-failure", "no-env-expand"). */
static int append_exec_ex_flags(sd_bus_message *m, const ExecHook *h) {
        char *flags[3] = {}, **f = flags;

        if (h->ignore_failure)
                *f++ = "ignore-failure";
        if (h->no_env_expand)
                *f++ = "no-env-expand";
        return sd_bus_message_append_strv(m, flags);
}

/* ExecXYZ= as a(sasb), or ExecXYZEx= (a property name ending in "Ex") as a(sasas). */
static int append_exec_value(sd_bus_message *m, const UnitProperty *p) {
        size_t n = strlen(p->name);
        bool ex = n > 2 && streq(p->name + n - 2, "Ex");
        int r;

        r = sd_bus_message_open_container(m, 'v', ex ? "a(sasas)" : "a(sasb)");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', ex ? "(sasas)" : "(sasb)");
        for (size_t i = 0; r >= 0 && i < p->n_exec; i++) {
                r = sd_bus_message_open_container(m, 'r', ex ? "sasas" : "sasb");
                if (r >= 0)
                        r = sd_bus_message_append(m, "s", p->exec[i].argv[0]);
                if (r >= 0)
                        r = sd_bus_message_append_strv(m, p->exec[i].argv);
                if (r >= 0)
                        r = ex ? append_exec_ex_flags(m, &p->exec[i])
                               : sd_bus_message_append(m, "b", p->exec[i].ignore_failure);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
        }
        for (int i = 0; r >= 0 && i < 2; i++)
                r = sd_bus_message_close_container(m);
        return r;
}

static int append_strv_value(sd_bus_message *m, char **strv) {
        int r = sd_bus_message_open_container(m, 'v', "as");
        if (r >= 0)
                r = sd_bus_message_append_strv(m, strv);
        return r < 0 ? r : sd_bus_message_close_container(m);
}

/* "" is every CPU (an empty mask). */
static int append_cpuset_value(sd_bus_message *m, const char *list) {
        _cleanup_free_ uint8_t *mask = NULL;
        size_t n = 0;
        int r;

        if (!isempty(list)) {
                r = cpuset_parse(list, &mask, &n);
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_open_container(m, 'v', "ay");
        if (r >= 0)
                r = sd_bus_message_append_array(m, 'y', mask, n);
        return r < 0 ? r : sd_bus_message_close_container(m);
}

static int append_property(sd_bus_message *m, const UnitProperty *p) {
        int r = sd_bus_message_open_container(m, 'r', "sv");

        if (r >= 0)
                r = sd_bus_message_append(m, "s", p->name);
        if (r < 0)
                return r;
        switch (p->type) {
        case UNIT_PROPERTY_STRING: r = sd_bus_message_append(m, "v", "s", p->str); break;
        case UNIT_PROPERTY_BOOL: r = sd_bus_message_append(m, "v", "b", (int) !!p->u); break;
        case UNIT_PROPERTY_U64:
        case UNIT_PROPERTY_USEC:
        case UNIT_PROPERTY_CPU_QUOTA: r = sd_bus_message_append(m, "v", "t", p->u); break;
        case UNIT_PROPERTY_U32: r = sd_bus_message_append(m, "v", "u", (uint32_t) p->u); break;
        case UNIT_PROPERTY_SIGNAL: r = sd_bus_message_append(m, "v", "i", (int32_t) p->u); break;
        case UNIT_PROPERTY_STRV: r = append_strv_value(m, p->strv); break;
        case UNIT_PROPERTY_EXEC: r = append_exec_value(m, p); break;
        case UNIT_PROPERTY_FD: r = sd_bus_message_append(m, "v", "h", p->fd); break;
        case UNIT_PROPERTY_CPUSET: r = append_cpuset_value(m, p->str); break;
        case UNIT_PROPERTY_I32: r = sd_bus_message_append(m, "v", "i", (int32_t) p->u); break;
        case UNIT_PROPERTY_RLIMIT: r = sd_bus_message_append(m, "v", "t", p->u); break;
        case UNIT_PROPERTY_DEVICE_RATE: r = sd_bus_message_append(m, "v", "a(st)", 1, p->str, p->u); break;
        default: return -EINVAL;
        }
        return r < 0 ? r : sd_bus_message_close_container(m);
}

/* LimitNOFILE= on the bus is two properties: LimitNOFILE (hard) and LimitNOFILESoft. */
static int append_rlimit_soft(sd_bus_message *m, const UnitProperty *p) {
        _cleanup_free_ char *name = NULL;

        if (asprintf(&name, "%sSoft", p->name) < 0)
                return -ENOMEM;
        return sd_bus_message_append(m, "(sv)", name, "t", p->soft);
}

static int append_property_list(sd_bus_message *m, const UnitPropertyList *l) {
        int r = sd_bus_message_open_container(m, 'a', "(sv)");

        for (size_t i = 0; r >= 0 && i < l->n; i++) {
                r = append_property(m, &l->items[i]);
                if (r >= 0 && l->items[i].type == UNIT_PROPERTY_RLIMIT)
                        r = append_rlimit_soft(m, &l->items[i]);
        }
        return r < 0 ? r : sd_bus_message_close_container(m);
}

int unit_append_properties(sd_bus_message *m, const UnitParams *p) {
        _cleanup_(unit_property_list_done) UnitPropertyList l = {};
        int r = unit_properties_build(p, &l);

        return r < 0 ? r : append_property_list(m, &l);
}

/* An exec's unit: Type=exec runs the runtime in the foreground (its exit code is the command's), or with a
 * TTY conman-exec-wait, which reaps the detached runtime's process and exits with its code. AddRef=yes keeps
 * the unit until conmand read its exit status. The command line is ExecStartEx= with "no-env-expand"
 * (systemd >= 243): the exec's own words are in its process file anyway, this keeps systemd from ever
 * expanding a `$` in it. */
int unit_exec_properties_build(const ExecUnitParams *p, UnitPropertyList *l) {
        int r;

        r = add_string(l, "Description", p->description);
        if (r >= 0)
                r = add_string(l, "Slice", CONMAN_SLICE);
        if (r >= 0)
                r = add_string(l, "CollectMode", "inactive-or-failed");
        if (r >= 0)
                r = add_number(l, "AddRef", UNIT_PROPERTY_BOOL, true);
        if (r >= 0)
                r = add_string(l, "Type", "exec");
        if (r >= 0)
                r = add_fd(l, "StandardInputFileDescriptor", p->stdin_fd);
        if (r >= 0)
                r = add_fd(l, "StandardOutputFileDescriptor", p->stdout_fd);
        if (r >= 0)
                r = add_fd(l, "StandardErrorFileDescriptor", p->stderr_fd);
        if (r >= 0)
                r = add_exec_list(l, "ExecStartEx", &(ExecHook){ .argv = p->argv, .no_env_expand = true }, 1);
        return r;
}

int unit_append_exec_unit_properties(sd_bus_message *m, const ExecUnitParams *p) {
        _cleanup_(unit_property_list_done) UnitPropertyList l = {};
        int r;

        r = unit_exec_properties_build(p, &l);
        return r < 0 ? r : append_property_list(m, &l);
}

int unit_add_pod_member_hooks(const char *state_dir, const char *run_dir, const ContainerSpec *s,
                              const char *container_name, UnitHooks *hooks) {
        char *const join[] = { CONMAN_LIBEXECDIR "/conman-podns",
                               "--state-dir",
                               (char *) state_dir,
                               "--run-dir",
                               (char *) run_dir,
                               "join",
                               "--name",
                               (char *) container_name,
                               s->pod_id,
                               NULL };

        return s->pod_id ? unit_hooks_add(hooks, false, false, join) : 0;
}

/* The pod's slice: the pod-level limits, over all its members together. */
int unit_pod_slice_properties_build(const PodSpec *s, UnitPropertyList *ret) {
        _cleanup_(unit_property_list_done) UnitPropertyList l = {};
        _cleanup_free_ char *d = NULL;
        int r;

        if (asprintf(&d, "conman pod %s", s->name) < 0)
                return -ENOMEM;
        r = add_string(&l, "Description", d);
        if (r >= 0)
                r = add_number(&l, "MemoryAccounting", UNIT_PROPERTY_BOOL, true);
        if (r >= 0)
                r = add_number(&l, "TasksAccounting", UNIT_PROPERTY_BOOL, true);
        if (r >= 0 && s->memory_max > 0)
                r = add_number(&l, "MemoryMax", UNIT_PROPERTY_U64, s->memory_max);
        if (r >= 0 && s->cpu_quota_usec > 0)
                r = add_number(&l, "CPUQuotaPerSecUSec", UNIT_PROPERTY_CPU_QUOTA, s->cpu_quota_usec);
        if (r >= 0 && s->pids_limit > 0)
                r = add_number(&l, "TasksMax", UNIT_PROPERTY_U64, s->pids_limit);
        if (r < 0)
                return r;
        *ret = l;
        l = (UnitPropertyList){};
        return 0;
}

static int add_podns_command(UnitPropertyList *l, const char *property, const PodUnitParams *p,
                             const char *verb) {
        char *argv[] = { CONMAN_LIBEXECDIR "/conman-podns",
                         "--state-dir",
                         (char *) p->state_dir,
                         "--run-dir",
                         (char *) p->run_dir,
                         (char *) verb,
                         p->spec->id,
                         NULL,
                         NULL,
                         NULL };

        if (streq(verb, "pin") && p->spec_file) { /* pin --spec FILE ID */
                argv[6] = "--spec";
                argv[7] = (char *) p->spec_file;
                argv[8] = p->spec->id;
        }
        return add_exec_list(l, property, &(ExecHook){ .argv = argv }, 1);
}

/* A oneshot that stays active with no process; for Pid pod the pause process is the main process: forking,
 * with the PIDFile= conman-podns writes (network/pod-namespaces.h). */
static int add_pin_type(UnitPropertyList *l, const PodUnitParams *p) {
        _cleanup_free_ char *pid_file = NULL;
        int r;

        if (p->spec->pid != POD_PID_POD) {
                r = add_string(l, "Type", "oneshot");
                return r < 0 ? r : add_number(l, "RemainAfterExit", UNIT_PROPERTY_BOOL, true);
        }
        if (asprintf(&pid_file, "%s/pods/%s/pause.pid", p->run_dir, p->spec->id) < 0)
                return -ENOMEM;
        r = add_string(l, "Type", "forking");
        return r < 0 ? r : add_string(l, "PIDFile", pid_file);
}

/* The pod's namespaces, pinned by a oneshot that leaves no process: ExecStart= pins, ExecStop= unpins. */
int unit_pod_pin_properties_build(const PodUnitParams *p, UnitPropertyList *ret) {
        _cleanup_(unit_property_list_done) UnitPropertyList l = {};
        _cleanup_free_ char *d = NULL;
        int r;

        if (asprintf(&d, "conman pod %s (pinned namespaces)", p->spec->name) < 0)
                return -ENOMEM;
        r = add_string(&l, "Description", d);
        if (r >= 0)
                r = add_string(&l, "Slice", CONMAN_SLICE);
        if (r >= 0)
                r = add_pin_type(&l, p);
        if (r >= 0)
                r = add_string(&l, "CollectMode", "inactive-or-failed");
        if (r >= 0 && strv_length(p->member_units) > 0)
                r = add_strv(&l, "Wants", p->member_units);
        if (r >= 0)
                r = add_podns_command(&l, "ExecStart", p, "pin");
        if (r >= 0)
                r = add_podns_command(&l, "ExecStop", p, "unpin");
        if (r < 0)
                return r;
        *ret = l;
        l = (UnitPropertyList){};
        return 0;
}

int unit_append_pod_slice_properties(sd_bus_message *m, const PodSpec *s) {
        _cleanup_(unit_property_list_done) UnitPropertyList l = {};
        int r = unit_pod_slice_properties_build(s, &l);

        return r < 0 ? r : append_property_list(m, &l);
}

int unit_append_pod_pin_properties(sd_bus_message *m, const PodUnitParams *p) {
        _cleanup_(unit_property_list_done) UnitPropertyList l = {};
        int r = unit_pod_pin_properties_build(p, &l);

        return r < 0 ? r : append_property_list(m, &l);
}

/* docker update's further limits; the defaults (no swap limit, no reservation, systemd's I/O weight) for
 * those not set, so that an update also lifts them. */
static int add_update_limits(UnitPropertyList *l, const ContainerSpec *s) {
        uint64_t swap = UINT64_MAX;
        int r;

        if (s->memory_swap != 0 && memory_swap_max(s->memory_swap, s->memory_max, &swap) < 0)
                swap = UINT64_MAX;
        r = add_number(l, "MemorySwapMax", UNIT_PROPERTY_U64, swap);
        if (r >= 0)
                r = add_number(l, "MemoryLow", UNIT_PROPERTY_U64, s->memory_low);
        if (r >= 0) /* UINT64_MAX: systemd's default weight */
                r = add_number(l, "IOWeight", UNIT_PROPERTY_U64, s->io_weight ?: UINT64_MAX);
        return r;
}

int unit_append_resource_properties(sd_bus_message *m, const ContainerSpec *s) {
        _cleanup_(unit_property_list_done) UnitPropertyList l = {};
        int r;

        r = add_number(&l, "MemoryMax", UNIT_PROPERTY_U64, s->memory_max ?: UINT64_MAX);
        if (r >= 0)
                r = add_number(&l, "CPUQuotaPerSecUSec", UNIT_PROPERTY_CPU_QUOTA,
                               s->cpu_quota_usec ?: UINT64_MAX);
        if (r >= 0) /* UINT64_MAX: systemd's default weight */
                r = add_number(&l, "CPUWeight", UNIT_PROPERTY_U64, s->cpu_weight ?: UINT64_MAX);
        if (r >= 0)
                r = add_number(&l, "TasksMax", UNIT_PROPERTY_U64,
                               s->pids_limit > 0 ? s->pids_limit : CONTAINER_PIDS_LIMIT_DEFAULT);
        if (r >= 0)
                r = add_cpuset(&l, "AllowedCPUs", strempty(s->cpuset_cpus));
        if (r >= 0)
                r = add_cpuset(&l, "AllowedMemoryNodes", strempty(s->cpuset_mems));
        if (r >= 0)
                r = add_update_limits(&l, s);
        return r < 0 ? r : append_property_list(m, &l);
}
