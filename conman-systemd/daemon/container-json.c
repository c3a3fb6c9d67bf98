/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-json.c — the `inspect` document of a container, shaped like docker's
 * (Id, Name, State{...}, Config{...}, HostConfig{...}, Mounts) plus what is ours
 * (Unit, BundlePath). Redacted (for a caller who is not root): the values of Config.Env, the
 * command's arguments (Args, Config.Cmd after the program) and the Mounts' Source.
 */
#include "shared/json-util.h"
#include "shared/oci-security.h"
#include "shared/util.h"
#include "daemon/container-archive.h"
#include "daemon/container-health.h"
#include "daemon/container-network.h"
#include "daemon/container-ports.h"
#include "daemon/container.h"

static struct json_object *json_timestamp(uint64_t usec) {
        char buf[40];
        return json_object_new_string(usec ? format_timestamp(usec, buf) : "0001-01-01T00:00:00Z");
}

/* "NAME=<redacted>" for each "NAME=value": the names stay, the values (passwords, tokens) go. */
static struct json_object *env_json(char **env, bool redact) {
        struct json_object *a = json_object_new_array();
        for (size_t i = 0; env && env[i]; i++) {
                _cleanup_free_ char *v = NULL;
                if (redact && asprintf(&v, "%.*s=" BUS_REDACTED, (int) strcspn(env[i], "="), env[i]) < 0)
                        continue;
                json_object_array_add(a, json_object_new_string(v ?: env[i]));
        }
        return a;
}

/* A command's arguments, each one "<redacted>" for a caller that may not see them. */
static struct json_object *args_json(char **l, bool redact) {
        struct json_object *a = json_object_new_array();
        for (size_t i = 0; l && l[i]; i++)
                json_object_array_add(a, json_object_new_string(redact ? BUS_REDACTED : l[i]));
        return a;
}

static struct json_object *labels_json(char **labels) {
        struct json_object *o = json_object_new_object();
        for (size_t i = 0; labels && labels[i]; i++) {
                const char *eq = strchr(labels[i], '=');
                _cleanup_free_ char *k =
                        strndup(labels[i], eq ? (size_t) (eq - labels[i]) : strlen(labels[i]));
                if (k)
                        json_object_object_add(o, k, json_object_new_string(eq ? eq + 1 : ""));
        }
        return o;
}

static struct json_object *state_json(Container *c, bool redact) {
        struct json_object *s = json_object_new_object();

        json_object_object_add(s, "Status", json_object_new_string(container_status_string(c)));
        json_object_object_add(s, "Running", json_object_new_boolean(c->state == CONTAINER_RUNNING));
        json_object_object_add(s, "Paused",
                               json_object_new_boolean(c->paused && c->state == CONTAINER_RUNNING));
        json_object_object_add(s, "Restarting", json_object_new_boolean(c->state == CONTAINER_RESTARTING));
        json_object_object_add(s, "OOMKilled", json_object_new_boolean(c->oom_killed));
        json_object_object_add(s, "Pid", json_object_new_int64(c->main_pid));
        json_object_object_add(s, "ExitCode", json_object_new_int(c->exit_code < 0 ? 0 : c->exit_code));
        json_object_object_add(s, "Result", json_object_new_string(c->exit_result ?: ""));
        json_object_object_add(s, "StartedAt", json_timestamp(c->started_at));
        json_object_object_add(s, "FinishedAt", json_timestamp(c->finished_at));
        struct json_object *health = container_health_to_json(c, redact);
        if (health)
                json_object_object_add(s, "Health", health);
        return s;
}

static struct json_object *config_json(Container *c, bool redact) {
        const ContainerSpec *s = &c->spec;
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "Hostname", json_object_new_string(s->hostname ?: ""));
        json_object_object_add(o, "Domainname", json_object_new_string(strempty(s->domainname)));
        json_object_object_add(o, "User", json_object_new_string(s->user ?: ""));
        if (!redact)
                json_object_object_add(o, "Cmd", json_strv_new(s->command));
        else {
                struct json_object *cmd = json_object_new_array();
                if (s->command && s->command[0])
                        json_object_array_add(cmd, json_object_new_string(s->command[0]));
                for (size_t i = 1; s->command && s->command[0] && s->command[i]; i++)
                        json_object_array_add(cmd, json_object_new_string(BUS_REDACTED));
                json_object_object_add(o, "Cmd", cmd);
        }
        json_object_object_add(o, "Env", env_json(s->env, redact));
        json_object_object_add(o, "WorkingDir", json_object_new_string(s->working_dir ?: "/"));
        json_object_object_add(o, "Labels", labels_json(s->labels));
        json_object_object_add(o, "Annotations", labels_json(s->annotations));
        json_object_object_add(o, "Tty", json_object_new_boolean(s->tty));
        json_object_object_add(o, "OpenStdin", json_object_new_boolean(s->interactive));
        json_object_object_add(o, "StopSignal",
                               json_object_new_string(signal_to_string(s->stop_signal) ?: ""));
        json_object_object_add(o, "StopTimeout",
                               json_object_new_int64((int64_t) (s->stop_timeout_usec / USEC_PER_SEC)));
        json_object_object_add(o, "Image", json_object_new_string(s->image ?: ""));
        struct json_object *health = redact ? NULL : health_spec_to_docker_json(&s->health);
        if (health) /* a command, like Cmd: root's to see */
                json_object_object_add(o, "Healthcheck", health);
        container_ports_add_config_json(c, o);
        return o;
}

/* The effective confinement: Privileged, CapAdd, CapDrop, Capabilities, Seccomp, Devices ... */
static void add_security_json(struct json_object *o, const ContainerSpec *s) {
        _cleanup_json_ struct json_object *sec = oci_security_describe(s);

        json_object_object_foreach(sec, k, v) json_object_object_add(o, k, json_object_get(v));
}

/* docker's -1 for an unlimited value. */
static struct json_object *limit_json(uint64_t v) {
        return v == UINT64_MAX ? json_object_new_int64(-1) : json_object_new_uint64(v);
}

/* [{"Name": "nofile", "Soft": 1024, "Hard": 2048}] */
static struct json_object *ulimits_json(char **ulimits) {
        struct json_object *a = json_object_new_array();

        for (char **u = ulimits; u && *u; u++) {
                struct json_object *o = json_object_new_object();
                Ulimit ul;
                if (ulimit_parse(*u, &ul) < 0)
                        continue;
                json_object_object_add(o, "Name", json_object_new_string(ul.name));
                json_object_object_add(o, "Soft", limit_json(ul.soft));
                json_object_object_add(o, "Hard", limit_json(ul.hard));
                json_object_array_add(a, o);
        }
        return a;
}

/* [{"Path": "/dev/sda", "Rate": 1048576}] */
static struct json_object *device_rates_json(DeviceRateKind k, char **rates) {
        struct json_object *a = json_object_new_array();

        for (char **d = rates; d && *d; d++) {
                struct json_object *o = json_object_new_object();
                _cleanup_free_ char *path = NULL;
                uint64_t rate;
                if (device_rate_parse(k, *d, &path, &rate) < 0)
                        continue;
                json_object_object_add(o, "Path", json_object_new_string(path));
                json_object_object_add(o, k == DEVICE_WEIGHT ? "Weight" : "Rate",
                                       json_object_new_uint64(rate));
                json_object_array_add(a, o);
        }
        return a;
}

/* docker's names of the flags of run-limits.h. */
static void add_run_limits_json(struct json_object *o, const ContainerSpec *s) {
        static const char *const rate_keys[_DEVICE_RATE_KIND_MAX] = {
                [DEVICE_READ_BPS] = "BlkioDeviceReadBps",   [DEVICE_WRITE_BPS] = "BlkioDeviceWriteBps",
                [DEVICE_READ_IOPS] = "BlkioDeviceReadIOps", [DEVICE_WRITE_IOPS] = "BlkioDeviceWriteIOps",
                [DEVICE_WEIGHT] = "BlkioWeightDevice",
        };
        uint64_t period = s->cpu_period_usec ?: 100000;

        json_object_object_add(o, "MemorySwap", limit_json(s->memory_swap));
        json_object_object_add(o, "MemoryReservation", json_object_new_uint64(s->memory_low));
        json_object_object_add(o, "BlkioWeight", json_object_new_uint64(s->io_weight));
        for (DeviceRateKind k = 0; k < _DEVICE_RATE_KIND_MAX; k++)
                json_object_object_add(o, rate_keys[k], device_rates_json(k, s->device_rates[k]));
        json_object_object_add(o, "CpuPeriod", json_object_new_uint64(s->cpu_period_usec));
        json_object_object_add(o, "CpuQuota",
                               json_object_new_uint64(s->cpu_quota_usec * period / USEC_PER_SEC));
        json_object_object_add(o, "ShmSize", json_object_new_uint64(s->shm_size ?: 64 * 1024 * 1024));
        json_object_object_add(o, "Ulimits", ulimits_json(s->ulimits));
        json_object_object_add(o, "Init", json_object_new_boolean(s->init));
}

static struct json_object *host_config_json(Container *c) {
        const ContainerSpec *s = &c->spec;
        struct json_object *o = json_object_new_object(), *rp = json_object_new_object();

        json_object_object_add(o, "Memory", json_object_new_uint64(s->memory_max));
        json_object_object_add(o, "NanoCpus", json_object_new_uint64(s->cpu_quota_usec * 1000));
        json_object_object_add(o, "CpuWeight", json_object_new_uint64(s->cpu_weight));
        json_object_object_add(o, "PidsLimit", json_object_new_uint64(s->pids_limit));
        json_object_object_add(o, "CpuQuotaUSec", json_object_new_uint64(s->cpu_quota_usec));
        json_object_object_add(o, "CpusetCpus", json_object_new_string(strempty(s->cpuset_cpus)));
        json_object_object_add(o, "CpusetMems", json_object_new_string(strempty(s->cpuset_mems)));
        json_object_object_add(o, "PidMode", json_object_new_string(strempty(s->pid_mode)));
        json_object_object_add(o, "IpcMode", json_object_new_string(s->ipc_mode ?: "private"));
        json_object_object_add(o, "UTSMode", json_object_new_string(strempty(s->uts_mode)));
        json_object_object_add(o, "CgroupnsMode", json_object_new_string(s->cgroupns_mode ?: "host"));
        json_object_object_add(o, "CgroupParent", json_object_new_string(strempty(s->cgroup_parent)));
        if (s->security.has_oom_score_adj)
                json_object_object_add(o, "OomScoreAdj", json_object_new_int(s->security.oom_score_adj));
        json_object_object_add(rp, "Name", json_object_new_string(restart_policy_to_string(s->restart)));
        json_object_object_add(rp, "MaximumRetryCount", json_object_new_int((int) s->restart_max_retries));
        json_object_object_add(o, "RestartPolicy", rp);
        json_object_object_add(o, "AutoRemove", json_object_new_boolean(s->auto_remove));
        json_object_object_add(o, "ReadonlyRootfs", json_object_new_boolean(s->read_only));
        json_object_object_add(o, "Runtime",
                               json_object_new_string(s->runtime ?: c->manager->default_runtime));
        json_object_object_add(o, "NetworkMode", json_object_new_string(network_mode_to_string(s->network)));
        json_object_object_add(o, "UsernsMode",
                               json_object_new_string(s->userns == USERNS_AUTO ? "auto" : ""));
        if (s->userns == USERNS_AUTO)
                json_object_object_add(o, "IDMappings", userns_inspect_json(&s->userns_range));
        add_run_limits_json(o, s);
        add_security_json(o, s);
        container_ports_add_host_config_json(c, o);
        return o;
}

static struct json_object *mounts_json(Container *c, bool redact) {
        struct json_object *a = json_object_new_array();

        for (size_t i = 0; i < c->spec.n_volumes; i++) {
                struct json_object *m = json_object_new_object();
                const VolumeSpec *v = &c->spec.volumes[i];
                json_object_object_add(m, "Type", json_object_new_string(v->volume_name ? "volume" : "bind"));
                if (v->volume_name) { /* docker's Name and Driver; Anonymous is ours (rm -v removes those) */
                        json_object_object_add(m, "Name", json_object_new_string(v->volume_name));
                        json_object_object_add(m, "Driver", json_object_new_string("local"));
                        json_object_object_add(m, "Anonymous", json_object_new_boolean(v->anonymous));
                }
                json_object_object_add(
                        m, "Source",
                        json_object_new_string(redact ? BUS_REDACTED : c->spec.volumes[i].source));
                json_object_object_add(m, "Destination",
                                       json_object_new_string(c->spec.volumes[i].destination));
                json_object_object_add(m, "RW", json_object_new_boolean(!c->spec.volumes[i].read_only));
                json_object_object_add(
                        m, "Propagation",
                        json_object_new_string(volume_propagation_to_string(c->spec.volumes[i].propagation)));
                json_object_array_add(a, m);
        }
        for (char **t = c->spec.tmpfs; t && *t; t++) {
                struct json_object *m = json_object_new_object();
                size_t n = strcspn(*t, ":");
                json_object_object_add(m, "Type", json_object_new_string("tmpfs"));
                json_object_object_add(m, "Source", json_object_new_string(""));
                json_object_object_add(m, "Destination", json_object_new_string_len(*t, (int) n));
                json_object_object_add(m, "Options", json_object_new_string((*t)[n] ? *t + n + 1 : ""));
                json_object_array_add(a, m);
        }
        return a;
}
/* docker's GraphDriver: the overlay's directories (LowerDir top first, as overlayfs lists them), which
 * `conmanctl diff` reads; a --rootfs container has only its root ("MergedDir"). */
static struct json_object *graph_driver_json(Container *c) {
        _cleanup_(rootfs_paths_done) RootfsPaths p = {};
        struct json_object *g = json_object_new_object(), *data = json_object_new_object();
        _cleanup_free_ char *lower = NULL, *work = NULL;
        size_t n;

        if (!g || !data || container_rootfs_paths(c, &p, NULL) < 0) {
                json_object_put(data);
                return g;
        }
        json_object_object_add(g, "Name", json_object_new_string(p.upper ? "overlay" : "rootfs"));
        json_object_object_add(data, "MergedDir", json_object_new_string(strempty(p.rootfs)));
        n = strv_length(p.layer_dirs);
        for (size_t i = n; p.upper && i > 0; i--) {
                char *next = NULL;
                if (asprintf(&next, "%s%s%s", strempty(lower), lower ? ":" : "", p.layer_dirs[i - 1]) < 0)
                        break;
                free(lower);
                lower = next;
        }
        if (p.upper) {
                json_object_object_add(data, "UpperDir", json_object_new_string(p.upper));
                if (asprintf(&work, "%s/containers/%s/work", c->manager->state_dir, c->id) >= 0)
                        json_object_object_add(data, "WorkDir", json_object_new_string(work));
                json_object_object_add(data, "LowerDir", json_object_new_string(strempty(lower)));
        }
        json_object_object_add(g, "Data", data);
        return g;
}

struct json_object *container_to_json(Container *c, bool redact) {
        struct json_object *o = json_object_new_object();
        _cleanup_free_ char *bundle = NULL;

        json_object_object_add(o, "Id", json_object_new_string(c->id));
        json_object_object_add(o, "Name", json_object_new_string(c->name));
        if (container_is_generated(c)) /* from a .container file (conman-generator) */
                json_object_object_add(o, "SourcePath", json_object_new_string(c->source_path));
        json_object_object_add(o, "Created", json_timestamp(c->created_at));
        json_object_object_add(o, "Path", json_object_new_string(c->spec.command ? c->spec.command[0] : ""));
        json_object_object_add(o, "LogPath", json_object_new_string(c->spec.log_path ?: ""));
        json_object_object_add(o, "Args", args_json(c->spec.command ? c->spec.command + 1 : NULL, redact));
        json_object_object_add(o, "State", state_json(c, redact));
        json_object_object_add(o, "Image", json_object_new_string(c->spec.image ?: ""));
        json_object_object_add(o, "Rootfs", json_object_new_string(c->spec.rootfs ?: ""));
        json_object_object_add(o, "RestartCount", json_object_new_int64(c->restart_count));
        json_object_object_add(o, "Unit", json_object_new_string(c->unit));
        json_object_object_add(o, "Pod", json_object_new_string(strempty(c->spec.pod_id)));
        json_object_object_add(o, "PodName", json_object_new_string(strempty(c->spec.pod_name)));
        if (asprintf(&bundle, "%s/containers/%s", c->manager->state_dir, c->id) >= 0)
                json_object_object_add(o, "BundlePath", json_object_new_string(bundle));
        json_object_object_add(o, "LogDriver", json_object_new_string("journald"));
        /* also in Config (as Labels are): the CRI server reads its record here (io.conman.cri.container) */
        json_object_object_add(o, "Annotations", labels_json(c->spec.annotations));
        json_object_object_add(o, "Config", config_json(c, redact));
        json_object_object_add(o, "HostConfig", host_config_json(c));
        json_object_object_add(o, "Mounts", mounts_json(c, redact));
        json_object_object_add(o, "NetworkSettings", container_network_settings_json(c));
        json_object_object_add(o, "GraphDriver", graph_driver_json(c));
        return o;
}
