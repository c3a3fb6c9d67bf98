/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bus-options.c — see bus-options.h.
 */
#include "daemon/bus/bus-options.h"
#include "shared/bus-errors.h"
#include "shared/network-options.h"
#include "shared/network-spec.h"
#include "shared/util.h"
#include "shared/volume-spec.h"

typedef int (*OptionParser)(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error);

static int read_string(sd_bus_message *m, char **target) {
        const char *v;
        int r = sd_bus_message_read(m, "s", &v);
        if (r < 0)
                return r;
        free(*target);
        *target = strdup(v);
        return *target ? 0 : -ENOMEM;
}

static int read_strv(sd_bus_message *m, char ***target) {
        char **l = NULL;
        int r = sd_bus_message_read_strv(m, &l);
        if (r < 0)
                return r;
        strv_freep(target);
        *target = l;
        return 0;
}

#define STRING_OPTION(fn, field)                                                                             \
        static int fn(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {                            \
                return read_string(m, &s->field);                                                            \
        }
#define STRV_OPTION(fn, field)                                                                               \
        static int fn(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {                            \
                return read_strv(m, &s->field);                                                              \
        }
#define BOOL_OPTION(fn, field)                                                                               \
        static int fn(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {                            \
                int b, r = sd_bus_message_read(m, "b", &b);                                                  \
                s->field = b;                                                                                \
                return r;                                                                                    \
        }
#define U64_OPTION(fn, field)                                                                                \
        static int fn(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {                            \
                return sd_bus_message_read(m, "t", &s->field);                                               \
        }

STRING_OPTION(opt_rootfs, rootfs)
STRING_OPTION(opt_image, image)
STRING_OPTION(opt_working_dir, working_dir)
STRING_OPTION(opt_user, user)
STRING_OPTION(opt_hostname, hostname)
STRING_OPTION(opt_runtime, runtime)
STRING_OPTION(opt_log_path, log_path)
STRING_OPTION(opt_pid_mode, pid_mode)
STRING_OPTION(opt_ipc_mode, ipc_mode)
STRING_OPTION(opt_uts_mode, uts_mode)
STRING_OPTION(opt_cgroupns_mode, cgroupns_mode)
STRING_OPTION(opt_cgroup_parent, cgroup_parent)
STRING_OPTION(opt_domainname, domainname)
STRV_OPTION(opt_network_aliases, network_aliases)
STRING_OPTION(opt_cpuset_cpus, cpuset_cpus)
STRING_OPTION(opt_cpuset_mems, cpuset_mems)
STRV_OPTION(opt_env, env)
STRV_OPTION(opt_tmpfs, tmpfs)
BOOL_OPTION(opt_read_only, read_only)
BOOL_OPTION(opt_auto_remove, auto_remove)
BOOL_OPTION(opt_tty, tty)
BOOL_OPTION(opt_interactive, interactive)
U64_OPTION(opt_memory, memory_max)
U64_OPTION(opt_cpu_quota, cpu_quota_usec)
U64_OPTION(opt_cpu_weight, cpu_weight)
U64_OPTION(opt_pids_limit, pids_limit)
U64_OPTION(opt_stop_timeout, stop_timeout_usec)
U64_OPTION(opt_cpu_period, cpu_period_usec)
U64_OPTION(opt_memory_swap, memory_swap)
U64_OPTION(opt_memory_reservation, memory_low)
U64_OPTION(opt_blkio_weight, io_weight)
U64_OPTION(opt_shm_size, shm_size)
BOOL_OPTION(opt_init, init)

/* An empty list is an Entrypoint too: docker's --entrypoint '' clears the image's (and its Cmd). */
static int opt_entrypoint(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        int r = read_strv(m, &s->entrypoint);
        if (r >= 0 && !s->entrypoint && !(s->entrypoint = calloc(1, sizeof(char *))))
                return -ENOMEM;
        return r;
}

/* Ulimits as: "NAME=SOFT[:HARD]" each, stored as "NAME=SOFT:HARD" (run-limits.h). */
static int opt_ulimits(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        _cleanup_strv_free_ char **l = NULL;
        int r = sd_bus_message_read_strv(m, &l);

        strv_freep(&s->ulimits);
        for (char **v = l; r >= 0 && v && *v; v++) {
                char *canonical = NULL;
                Ulimit u;
                if (ulimit_parse(*v, &u) < 0)
                        return sd_bus_error_setf(
                                error, CONMAN_ERROR_INVALID_ARGUMENT,
                                "Invalid ulimit '%.64s': use NAME=SOFT[:HARD] with a name such "
                                "as nofile, nproc or core, numbers or -1, SOFT not above HARD.",
                                *v);
                r = ulimit_format(&u, &canonical);
                if (r >= 0)
                        r = strv_push_take(&s->ulimits, canonical);
        }
        return r;
}

/* DeviceReadBps ... DeviceWriteIOps as: "/dev/DEVICE:RATE" each, stored with the rate as a number. */
static int read_device_rates(sd_bus_message *m, ContainerSpec *s, DeviceRateKind k, sd_bus_error *error) {
        _cleanup_strv_free_ char **l = NULL;
        int r = sd_bus_message_read_strv(m, &l);

        strv_freep(&s->device_rates[k]);
        for (char **v = l; r >= 0 && v && *v; v++) {
                char *canonical = NULL;
                r = device_rate_canonical(k, *v, &canonical);
                if (r == -EINVAL)
                        return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                                 "Invalid --%s '%.64s': use /dev/DEVICE:%s.",
                                                 device_rate_option(k), *v,
                                                 k == DEVICE_WEIGHT ? "WEIGHT (10-1000)" : "RATE");
                if (r >= 0)
                        r = strv_push_take(&s->device_rates[k], canonical);
        }
        return r;
}

static int opt_device_weight(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        return read_device_rates(m, s, DEVICE_WEIGHT, error);
}

static int opt_device_read_bps(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        return read_device_rates(m, s, DEVICE_READ_BPS, error);
}

static int opt_device_write_bps(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        return read_device_rates(m, s, DEVICE_WRITE_BPS, error);
}

static int opt_device_read_iops(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        return read_device_rates(m, s, DEVICE_READ_IOPS, error);
}

static int opt_device_write_iops(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        return read_device_rates(m, s, DEVICE_WRITE_IOPS, error);
}

static int opt_cpu_shares(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        uint64_t shares;
        int r = sd_bus_message_read(m, "t", &shares);
        if (r < 0)
                return r;
        if (shares < 2 || shares > 262144)
                return sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                        "CPU shares must be between 2 and 262144.");
        s->cpu_weight = cpu_shares_to_weight(shares);
        return 0;
}

static int opt_userns(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        const char *v;
        int r = sd_bus_message_read(m, "s", &v);
        if (r < 0)
                return r;
        s->userns = userns_mode_from_string(v);
        if (s->userns < 0)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Unknown user namespace mode '%s': use auto or host.", v);
        return 0;
}

/* An a{ss} into "key=value" strings; what is in a key is checked by the caller's validation. */
static int read_key_values(sd_bus_message *m, const char *what, char ***target, sd_bus_error *error) {
        const char *k, *v;
        int r;

        r = sd_bus_message_enter_container(m, 'a', "{ss}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_read(m, "{ss}", &k, &v)) > 0) {
                _cleanup_free_ char *kv = NULL;
                if (asprintf(&kv, "%s=%s", k, v) < 0)
                        return -ENOMEM;
                if (strchr(k, '='))
                        return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                                 "%s key '%.64s' must not contain '='.", what, k);
                r = strv_push_take(target, TAKE_PTR(kv));
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

static int opt_labels(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        return read_key_values(m, "Label", &s->labels, error);
}

static int opt_annotations(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        return read_key_values(m, "Annotation", &s->annotations, error);
}

static int opt_volumes(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        const char *src, *dst;
        int ro, r;

        r = sd_bus_message_enter_container(m, 'a', "(ssb)");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_read(m, "(ssb)", &src, &dst, &ro)) > 0) {
                VolumeSpec *v;
                if (s->n_volumes >= 256)
                        return sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                                "Too many volumes (at most 256).");
                v = realloc(s->volumes, sizeof(VolumeSpec) * (s->n_volumes + 1));
                if (!v)
                        return -ENOMEM;
                s->volumes = v;
                v = &s->volumes[s->n_volumes];
                /* SRC: a host path, a volume's name, or "" for an anonymous volume (docs/volumes.md) */
                *v = (VolumeSpec){ .destination = strdup(dst), .read_only = ro, .anonymous = isempty(src) };
                s->n_volumes++;
                if (volume_source_is_name(src))
                        v->volume_name = strdup(src);
                else if (!isempty(src))
                        v->source = strdup(src);
                if (!v->destination || (!isempty(src) && !v->source && !v->volume_name))
                        return -ENOMEM;
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

/* VolumePropagation a{ss}: container destination → propagation, applied to Volumes once all are read. */
static int opt_volume_propagation(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        return read_key_values(m, "VolumePropagation", &s->volume_propagation, error);
}

static int apply_volume_propagation(ContainerSpec *s, sd_bus_error *error) {
        for (char **kv = s->volume_propagation; kv && *kv; kv++) {
                const char *eq = strchr(*kv, '='), *value = eq + 1;
                VolumePropagation p = volume_propagation_from_string(value);
                VolumeSpec *v = NULL;

                for (size_t i = 0; i < s->n_volumes && !v; i++)
                        if (strneq(s->volumes[i].destination, *kv, eq - *kv) &&
                            s->volumes[i].destination[eq - *kv] == '\0')
                                v = &s->volumes[i];
                if (!v)
                        return sd_bus_error_setf(
                                error, CONMAN_ERROR_INVALID_ARGUMENT,
                                "VolumePropagation names '%.*s', which is not the destination "
                                "of one of the Volumes.",
                                (int) MIN(eq - *kv, 256), *kv);
                if (p < 0)
                        return sd_bus_error_setf(
                                error, CONMAN_ERROR_INVALID_ARGUMENT,
                                "Unknown propagation '%.32s' of volume '%.*s': use rprivate, "
                                "private, rslave, slave, rshared or shared.",
                                value, (int) MIN(eq - *kv, 256), *kv);
                v->propagation = p;
        }
        strv_freep(&s->volume_propagation);
        return 0;
}

static int opt_stop_signal(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        const char *v;
        int sig, r = sd_bus_message_read(m, "s", &v);
        if (r < 0)
                return r;
        sig = signal_from_string(v);
        if (sig < 0)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Unknown signal '%s': use a name like TERM or SIGINT, or a number.",
                                         v);
        s->stop_signal = sig;
        return 0;
}

static int opt_restart(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        const char *v;
        int r = sd_bus_message_read(m, "s", &v);
        if (r < 0)
                return r;
        if (restart_policy_parse(v, &s->restart, &s->restart_max_retries) < 0)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Unknown restart policy '%s': use no, on-failure[:N], always or "
                                         "unless-stopped.",
                                         v);
        return 0;
}

static int opt_network(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        const char *v;
        int r = sd_bus_message_read(m, "s", &v);
        if (r >= 0)
                r = container_spec_set_network(s, v);
        if (r == -EINVAL)
                return sd_bus_error_setf(
                        error, CONMAN_ERROR_INVALID_ARGUMENT,
                        "Unknown network '%s': use bridge, none, host or the name of a network "
                        "('conmanctl network ls').",
                        v);
        return r;
}

/* Published ports, stored in their canonical spelling (a range is one entry per port). */
static int opt_publish(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        _cleanup_strv_free_ char **l = NULL;
        int r = sd_bus_message_read_strv(m, &l);
        if (r < 0)
                return r;
        strv_freep(&s->ports);
        for (char **p = l; p && *p; p++) {
                r = container_spec_add_port(s, *p);
                if (r == -ERANGE)
                        return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                                 "Invalid -p '%s': the host and container port ranges must "
                                                 "be of the same length.",
                                                 *p);
                if (r == -EINVAL || r == -E2BIG)
                        return sd_bus_error_setf(
                                error, CONMAN_ERROR_INVALID_ARGUMENT,
                                "Invalid -p '%s': use [[HOSTIP:][HOSTPORT]:]CONTAINERPORT[/tcp|udp], ports "
                                "1-65535 or ranges such as 8000-8002:80-82 (at most 256).",
                                *p);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* --expose, stored as canonical "PORT/PROTO" (a range is one entry per port). */
static int opt_expose(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        _cleanup_strv_free_ char **l = NULL;
        int r = sd_bus_message_read_strv(m, &l);
        if (r < 0)
                return r;
        strv_freep(&s->net.expose);
        for (char **p = l; p && *p; p++) {
                r = expose_parse(*p, &s->net.expose);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                                 "Invalid --expose '%s': use PORT[-HIGH][/tcp|udp].", *p);
        }
        return 0;
}

BOOL_OPTION(opt_publish_all, net.publish_all)
STRV_OPTION(opt_add_host, net.add_hosts)
STRV_OPTION(opt_dns, net.dns_servers)
STRV_OPTION(opt_dns_search, net.dns_searches)
STRV_OPTION(opt_dns_option, net.dns_options)
STRING_OPTION(opt_ip, net.ip)
STRING_OPTION(opt_mac_address, net.mac_address)

BOOL_OPTION(opt_privileged, security.privileged)

typedef int (*SecurityAdder)(SecuritySpec *s, const char *v);

/* A list of strings, each added with add; a bad one is named in the error with what is accepted. */
static int read_security_list(sd_bus_message *m, ContainerSpec *s, SecurityAdder add, const char *accepted,
                              sd_bus_error *error) {
        _cleanup_strv_free_ char **l = NULL;
        int r = sd_bus_message_read_strv(m, &l);
        if (r < 0)
                return r;
        for (char **v = l; v && *v; v++) {
                r = add(&s->security, *v);
                if (r == -EINVAL || r == -E2BIG)
                        return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                                 "Invalid value '%.128s': %s.", *v, accepted);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int add_cap(SecuritySpec *s, const char *v) {
        return security_spec_add_capability(&s->cap_add, v);
}

static int drop_cap(SecuritySpec *s, const char *v) {
        return security_spec_add_capability(&s->cap_drop, v);
}

#define CAPABILITY_RULE "use ALL or a capability name such as NET_RAW or CAP_NET_RAW"

static int opt_cap_add(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        return read_security_list(m, s, add_cap, CAPABILITY_RULE, error);
}

static int opt_cap_drop(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        return read_security_list(m, s, drop_cap, CAPABILITY_RULE, error);
}

static int opt_devices(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        return read_security_list(m, s, security_spec_add_device,
                                  "use HOST[:CONTAINER[:PERMS]] with absolute paths and PERMS of r, w, m",
                                  error);
}

static int opt_security_opt(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        return read_security_list(
                m, s, security_spec_add_security_opt,
                "use seccomp=unconfined, seccomp=/ABSOLUTE/PROFILE.json, no-new-privileges or "
                "apparmor=PROFILE",
                error);
}

static int opt_sysctls(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        return read_security_list(m, s, security_spec_add_sysctl, "use key=value", error);
}

static int opt_masked_paths(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        s->security.has_masked_paths = true;
        return read_strv(m, &s->security.masked_paths);
}

static int opt_readonly_paths(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        s->security.has_readonly_paths = true;
        return read_strv(m, &s->security.readonly_paths);
}

static int opt_oom_score_adj(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        int32_t v;
        int r = sd_bus_message_read(m, "i", &v);
        if (r < 0)
                return r;
        s->security.has_oom_score_adj = true;
        s->security.oom_score_adj = v;
        return 0;
}

static int opt_group_add(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        return read_security_list(m, s, security_spec_add_group, "use a group name or number", error);
}

/* Health checks (shared/health.h): HealthCmd is docker's --health-cmd (CMD-SHELL), HealthTest docker's
 * Healthcheck.Test as a list; durations in microseconds. */
static int opt_health_cmd(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        const char *v;
        int r = sd_bus_message_read(m, "s", &v);
        if (r < 0)
                return r;
        strv_freep(&s->health.test);
        if (strv_push(&s->health.test, "CMD-SHELL") < 0 || strv_push(&s->health.test, v) < 0)
                return -ENOMEM;
        return 0;
}

static int opt_health_test(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        strv_freep(&s->health.test);
        return read_strv(m, &s->health.test);
}

static int opt_health_duration(sd_bus_message *m, uint64_t *target) {
        return sd_bus_message_read(m, "t", target);
}

static int opt_health_interval(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        return opt_health_duration(m, &s->health.interval_usec);
}

static int opt_health_timeout(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        return opt_health_duration(m, &s->health.timeout_usec);
}

static int opt_health_start_period(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        return opt_health_duration(m, &s->health.start_period_usec);
}

static int opt_health_start_interval(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        return opt_health_duration(m, &s->health.start_interval_usec);
}

static int opt_health_retries(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        uint32_t v;
        int r = sd_bus_message_read(m, "u", &v);
        if (r >= 0)
                s->health.retries = v;
        return r;
}

static int opt_no_healthcheck(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        int v, r = sd_bus_message_read(m, "b", &v);
        if (r >= 0)
                s->health.disabled = v;
        return r;
}

static int opt_health_on_failure(sd_bus_message *m, ContainerSpec *s, sd_bus_error *error) {
        const char *v;
        int r = sd_bus_message_read(m, "s", &v);
        if (r < 0)
                return r;
        s->health.on_failure = health_on_failure_from_string(v);
        if (s->health.on_failure < 0)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Unknown HealthOnFailure '%.32s': use none, kill, restart or stop.",
                                         v);
        return 0;
}

typedef struct Option {
        const char *name;
        const char *signature;
        OptionParser parse;
} Option;

static const Option options[] = {
        { "Rootfs", "s", opt_rootfs },
        { "Image", "s", opt_image },
        { "Env", "as", opt_env },
        { "Entrypoint", "as", opt_entrypoint },
        { "WorkingDir", "s", opt_working_dir },
        { "User", "s", opt_user },
        { "Hostname", "s", opt_hostname },
        { "Labels", "a{ss}", opt_labels },
        { "Annotations", "a{ss}", opt_annotations },
        { "Volumes", "a(ssb)", opt_volumes },
        { "VolumePropagation", "a{ss}", opt_volume_propagation },
        { "Tmpfs", "as", opt_tmpfs },
        { "ReadOnly", "b", opt_read_only },
        { "AutoRemove", "b", opt_auto_remove },
        { "Tty", "b", opt_tty },
        { "Interactive", "b", opt_interactive },
        { "Network", "s", opt_network },
        { "Memory", "t", opt_memory },
        { "CPUQuota", "t", opt_cpu_quota },
        { "CPUWeight", "t", opt_cpu_weight },
        { "CPUShares", "t", opt_cpu_shares },
        { "PidsLimit", "t", opt_pids_limit },
        { "CpusetCpus", "s", opt_cpuset_cpus },
        { "CpusetMems", "s", opt_cpuset_mems },
        { "StopSignal", "s", opt_stop_signal },
        { "StopTimeout", "t", opt_stop_timeout },
        { "Restart", "s", opt_restart },
        { "Runtime", "s", opt_runtime },
        { "LogPath", "s", opt_log_path },
        { "PidMode", "s", opt_pid_mode },
        { "IpcMode", "s", opt_ipc_mode },
        { "UTSMode", "s", opt_uts_mode },
        { "CgroupnsMode", "s", opt_cgroupns_mode },
        { "CgroupParent", "s", opt_cgroup_parent },
        { "Domainname", "s", opt_domainname },
        { "NetworkAliases", "as", opt_network_aliases },
        { "Publish", "as", opt_publish },
        { "Expose", "as", opt_expose },
        { "PublishAll", "b", opt_publish_all },
        { "AddHost", "as", opt_add_host },
        { "Dns", "as", opt_dns },
        { "DnsSearch", "as", opt_dns_search },
        { "DnsOption", "as", opt_dns_option },
        { "IP", "s", opt_ip },
        { "MacAddress", "s", opt_mac_address },
        { "UserNS", "s", opt_userns },
        { "Privileged", "b", opt_privileged },
        { "CapAdd", "as", opt_cap_add },
        { "CapDrop", "as", opt_cap_drop },
        { "Devices", "as", opt_devices },
        { "SecurityOpt", "as", opt_security_opt },
        { "Sysctls", "as", opt_sysctls },
        { "GroupAdd", "as", opt_group_add },
        { "MaskedPaths", "as", opt_masked_paths },
        { "ReadonlyPaths", "as", opt_readonly_paths },
        { "OomScoreAdj", "i", opt_oom_score_adj },
        { "CPUPeriod", "t", opt_cpu_period },
        { "MemorySwap", "t", opt_memory_swap },
        { "MemoryReservation", "t", opt_memory_reservation },
        { "BlkioWeight", "t", opt_blkio_weight },
        { "DeviceReadBps", "as", opt_device_read_bps },
        { "BlkioWeightDevice", "as", opt_device_weight },
        { "DeviceWriteBps", "as", opt_device_write_bps },
        { "DeviceReadIOps", "as", opt_device_read_iops },
        { "DeviceWriteIOps", "as", opt_device_write_iops },
        { "Ulimits", "as", opt_ulimits },
        { "ShmSize", "t", opt_shm_size },
        { "Init", "b", opt_init },
        { "HealthCmd", "s", opt_health_cmd },
        { "HealthTest", "as", opt_health_test },
        { "HealthInterval", "t", opt_health_interval },
        { "HealthTimeout", "t", opt_health_timeout },
        { "HealthStartPeriod", "t", opt_health_start_period },
        { "HealthStartInterval", "t", opt_health_start_interval },
        { "HealthRetries", "u", opt_health_retries },
        { "NoHealthcheck", "b", opt_no_healthcheck },
        { "HealthOnFailure", "s", opt_health_on_failure },
};

/* Pod s: the pod to join (its name, id or a unique id prefix), resolved by the caller. */
static int read_pod_option(sd_bus_message *m, BusContainerExtras *extras, sd_bus_error *error) {
        int r = sd_bus_message_enter_container(m, 'v', "s");
        if (r < 0)
                return sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                        "Option 'Pod' must be of type 's'.");
        r = read_string(m, &extras->pod);
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

/* The options a pod sets for its members (they are the pod's): refused together with Pod. */
static bool is_pod_setting(const char *key) {
        return streq(key, "Network") || streq(key, "Publish") || streq(key, "Hostname");
}

/* The variant of one option of the table, parsed into spec: the same words for CreateContainer and
 * CreatePod. */
static int read_table_option(sd_bus_message *m, const Option *o, ContainerSpec *spec, sd_bus_error *error) {
        int r = sd_bus_message_enter_container(m, 'v', o->signature);
        if (r < 0)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Option '%s' must be of type '%s'.", o->name, o->signature);
        r = o->parse(m, spec, error);
        if (r < 0) {
                if (!sd_bus_error_is_set(error))
                        sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                          "Option '%s' has a malformed value.", o->name);
                return r;
        }
        return sd_bus_message_exit_container(m);
}

/* Walks an a{sv} options dictionary (at most 64 entries), calling one() inside each entry. */
static int read_options_dict(sd_bus_message *m,
                             int (*one)(sd_bus_message *m, void *userdata, sd_bus_error *error),
                             void *userdata, sd_bus_error *error) {
        unsigned n = 0;
        int r;

        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                if (++n > 64)
                        return sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT, "Too many options.");
                r = one(m, userdata, error);
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
        }
        return r < 0 ? r : sd_bus_message_exit_container(m);
}

static int read_one_option(sd_bus_message *m, ContainerSpec *spec, BusContainerExtras *extras,
                           sd_bus_error *error) {
        const char *key;
        size_t i;
        int r;

        r = sd_bus_message_read(m, "s", &key);
        if (r < 0)
                return r;
        if (streq(key, "Pod"))
                return read_pod_option(m, extras, error);
        for (i = 0; i < ELEMENTSOF(options); i++)
                if (streq(options[i].name, key))
                        break;
        if (i == ELEMENTSOF(options))
                return sd_bus_error_setf(
                        error, CONMAN_ERROR_INVALID_ARGUMENT,
                        "Unknown option '%s'. See io.conman1.Manager.xml for the known ones.", key);
        if (is_pod_setting(key) && !extras->pod_setting)
                extras->pod_setting = options[i].name;
        return read_table_option(m, &options[i], spec, error);
}

void bus_container_extras_done(BusContainerExtras *e) {
        free(e->pod);
        *e = (BusContainerExtras){};
}

int bus_read_container_options(sd_bus_message *m, ContainerSpec *spec, sd_bus_error *error) {
        _cleanup_(bus_container_extras_done) BusContainerExtras extras = {};

        return bus_read_container_options_full(m, spec, &extras, error);
}

typedef struct ContainerOptions {
        ContainerSpec *spec;
        BusContainerExtras *extras;
} ContainerOptions;

static int read_container_entry(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        ContainerOptions *o = userdata;
        return read_one_option(m, o->spec, o->extras, error);
}

int bus_read_container_options_full(sd_bus_message *m, ContainerSpec *spec, BusContainerExtras *extras,
                                    sd_bus_error *error) {
        int r = read_options_dict(m, read_container_entry, &(ContainerOptions){ spec, extras }, error);
        return r < 0 ? r : apply_volume_propagation(spec, error);
}

static int read_update_entry(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        static const char *const keys[] = { "Memory",      "CPUQuota",   "CPUWeight",  "PidsLimit",
                                            "CpusetCpus",  "CpusetMems", "MemorySwap", "MemoryReservation",
                                            "BlkioWeight", "Restart" };
        const char *key;
        int r;

        r = sd_bus_message_read(m, "s", &key);
        if (r < 0)
                return r;
        for (size_t k = 0; k < ELEMENTSOF(keys); k++)
                if (streq(keys[k], key))
                        for (size_t i = 0; i < ELEMENTSOF(options); i++)
                                if (streq(options[i].name, key))
                                        return read_table_option(m, &options[i], userdata, error);
        return sd_bus_error_setf(
                error, CONMAN_ERROR_INVALID_ARGUMENT,
                "Unknown option '%s': UpdateContainer takes Memory, CPUQuota, CPUWeight, PidsLimit, "
                "CpusetCpus, CpusetMems, MemorySwap, MemoryReservation, BlkioWeight and Restart.",
                key);
}

int bus_read_update_options(sd_bus_message *m, ContainerSpec *spec, sd_bus_error *error) {
        return read_options_dict(m, read_update_entry, spec, error);
}

/* Share s of CreatePod: "net,ipc,uts" or a part of it. */
static int read_pod_share(sd_bus_message *m, PodSpec *spec, sd_bus_error *error) {
        const char *v;
        int r = sd_bus_message_enter_container(m, 'v', "s");
        if (r < 0)
                return sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                        "Option 'Share' must be of type 's'.");
        r = sd_bus_message_read(m, "s", &v);
        if (r < 0)
                return r;
        if (strstr(v, "pid"))
                return sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                        "A shared PID namespace needs a holder process, and a conman pod has "
                                        "none: share net, ipc and uts (see docs/pods.md).");
        if (pod_share_parse(v, &spec->share) < 0)
                return sd_bus_error_setf(
                        error, CONMAN_ERROR_INVALID_ARGUMENT,
                        "Invalid Share '%s': use a comma-separated list of net, ipc and uts.", v);
        return sd_bus_message_exit_container(m);
}

/* CgroupParent s of CreatePod: a slice name, or its cgroup path (kubelet's systemd driver). */
static int read_pod_cgroup_parent(sd_bus_message *m, PodSpec *spec, sd_bus_error *error) {
        const char *v;
        int r = sd_bus_message_enter_container(m, 'v', "s");
        if (r < 0)
                return sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                        "Option 'CgroupParent' must be of type 's'.");
        r = sd_bus_message_read(m, "s", &v);
        if (r < 0)
                return r;
        free(spec->cgroup_parent);
        spec->cgroup_parent = NULL;
        r = pod_cgroup_parent_parse(v, &spec->cgroup_parent);
        if (r == -EINVAL)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Invalid CgroupParent '%.256s': give a slice such as "
                                         "kubepods-besteffort-pod1.slice (or its cgroup path).",
                                         v);
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

/* DnsServers, DnsSearches, DnsOptions (as) of CreatePod: checked by pod_spec_validate(). */
static int read_pod_strv(sd_bus_message *m, const char *key, char ***target, sd_bus_error *error) {
        int r = sd_bus_message_enter_container(m, 'v', "as");
        if (r < 0)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Option '%s' must be of type 'as'.", key);
        r = read_strv(m, target);
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

/* Pid (private, pod, host) and Ipc (pod, host) of CreatePod. */
static int read_pod_namespace_mode(sd_bus_message *m, const char *key, PodSpec *spec, sd_bus_error *error) {
        const char *v;
        int r = sd_bus_message_enter_container(m, 'v', "s");
        if (r < 0)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Option '%s' must be of type 's'.", key);
        r = sd_bus_message_read(m, "s", &v);
        if (r < 0)
                return r;
        if (streq(key, "Pid")) {
                spec->pid = pod_pid_mode_from_string(v);
                if (spec->pid < 0)
                        return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                                 "Unknown Pid '%.32s': use private, pod or host.", v);
        } else if (streq(v, "host") || streq(v, "pod"))
                spec->ipc_host = streq(v, "host");
        else
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Unknown Ipc '%.32s': use pod or host.", v);
        return sd_bus_message_exit_container(m);
}

/* The keys CreatePod shares with CreateContainer: read by the same parsers with the same words. */
static bool is_pod_option(const char *key) {
        static const char *const keys[] = { "Hostname", "Labels", "Annotations", "Network",
                                            "Publish",  "Memory", "CPUQuota",    "PidsLimit" };

        for (size_t i = 0; i < ELEMENTSOF(keys); i++)
                if (streq(keys[i], key))
                        return true;
        return false;
}

static void pod_spec_take(PodSpec *spec, ContainerSpec *v) {
        free(spec->hostname);
        spec->hostname = TAKE_PTR(v->hostname);
        strv_freep(&spec->labels);
        spec->labels = TAKE_PTR(v->labels);
        strv_freep(&spec->annotations);
        spec->annotations = TAKE_PTR(v->annotations);
        spec->network = v->network;
        free(spec->network_name);
        spec->network_name = TAKE_PTR(v->network_name);
        strv_freep(&spec->ports);
        spec->ports = TAKE_PTR(v->ports);
        spec->memory_max = v->memory_max;
        spec->cpu_quota_usec = v->cpu_quota_usec;
        spec->pids_limit = v->pids_limit;
}

static int read_one_pod_option(sd_bus_message *m, PodSpec *spec, ContainerSpec *v, sd_bus_error *error) {
        const char *key;
        int r;

        r = sd_bus_message_read(m, "s", &key);
        if (r < 0)
                return r;
        if (streq(key, "Share"))
                return read_pod_share(m, spec, error);
        if (streq(key, "CgroupParent"))
                return read_pod_cgroup_parent(m, spec, error);
        if (streq(key, "DnsServers"))
                return read_pod_strv(m, key, &spec->dns_servers, error);
        if (streq(key, "DnsSearches"))
                return read_pod_strv(m, key, &spec->dns_searches, error);
        if (streq(key, "DnsOptions"))
                return read_pod_strv(m, key, &spec->dns_options, error);
        if (streq(key, "Pid") || streq(key, "Ipc"))
                return read_pod_namespace_mode(m, key, spec, error);
        if (!is_pod_option(key))
                return sd_bus_error_setf(
                        error, CONMAN_ERROR_INVALID_ARGUMENT,
                        "Unknown pod option '%s'. See CreatePod in io.conman1.Manager.xml for the known ones.",
                        key);
        for (size_t i = 0; i < ELEMENTSOF(options); i++)
                if (streq(options[i].name, key))
                        return read_table_option(m, &options[i], v, error);
        return -EINVAL;
}

typedef struct PodOptions {
        PodSpec *spec;
        ContainerSpec *shared; /* what CreatePod shares with CreateContainer, read by the same parsers */
} PodOptions;

static int read_pod_entry(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        PodOptions *o = userdata;
        return read_one_pod_option(m, o->spec, o->shared, error);
}

int bus_read_pod_options(sd_bus_message *m, PodSpec *spec, sd_bus_error *error) {
        _cleanup_(container_spec_done) ContainerSpec v;
        int r;

        container_spec_init(&v);
        v.network = spec->network;
        v.pids_limit = 0; /* a pod has no default pids limit */
        r = read_options_dict(m, read_pod_entry, &(PodOptions){ spec, &v }, error);
        if (r < 0)
                return r;
        pod_spec_take(spec, &v);
        if (spec->ipc_host)
                spec->share &= ~(unsigned) POD_SHARE_IPC; /* the host's, not a pinned one */
        return 0;
}
