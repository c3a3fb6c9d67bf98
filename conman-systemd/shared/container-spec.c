/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-spec.c — validation and (de)serialization of ContainerSpec.
 */
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>

#include "shared/bus-errors.h"
#include "shared/container-spec.h"
#include "shared/json-util.h"
#include "shared/names.h"
#include "shared/network-spec.h"
#include "shared/util.h"
#include "shared/volume-spec.h"

static const char *const restart_policy_table[_RESTART_POLICY_MAX] = {
        [RESTART_NO] = "no",
        [RESTART_ON_FAILURE] = "on-failure",
        [RESTART_ALWAYS] = "always",
        [RESTART_UNLESS_STOPPED] = "unless-stopped",
};

static const char *const network_mode_table[_NETWORK_MODE_MAX] = {
        [NETWORK_NONE] = "none",
        [NETWORK_HOST] = "host",
        [NETWORK_BRIDGE] = "bridge",
};

DEFINE_STRING_TABLE_LOOKUP(restart_policy, RestartPolicy);
static const char *const volume_propagation_table[_PROPAGATION_MAX] = {
        [PROPAGATION_RPRIVATE] = "rprivate", [PROPAGATION_PRIVATE] = "private",
        [PROPAGATION_RSLAVE] = "rslave",     [PROPAGATION_SLAVE] = "slave",
        [PROPAGATION_RSHARED] = "rshared",   [PROPAGATION_SHARED] = "shared",
};

DEFINE_STRING_TABLE_LOOKUP(network_mode, NetworkMode);
DEFINE_STRING_TABLE_LOOKUP(volume_propagation, VolumePropagation);

int volume_options_parse(const char *options, bool *ret_read_only, VolumePropagation *ret_propagation) {
        _cleanup_free_ char *copy = strdup(strempty(options));
        char *save = NULL;
        bool ro = false, seen_mode = false, seen_propagation = false;
        VolumePropagation p = PROPAGATION_RPRIVATE;

        if (!copy)
                return -ENOMEM;
        for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
                if ((streq(o, "ro") || streq(o, "rw")) && !seen_mode) {
                        ro = streq(o, "ro");
                        seen_mode = true;
                } else if (volume_propagation_from_string(o) >= 0 && !seen_propagation) {
                        p = volume_propagation_from_string(o);
                        seen_propagation = true;
                } else
                        return -EINVAL;
        }
        *ret_read_only = ro;
        *ret_propagation = p;
        return 0;
}

void volume_spec_done(VolumeSpec *v) {
        free(v->source);
        free(v->destination);
        free(v->volume_name);
        *v = (VolumeSpec){};
}

int container_spec_set_network(ContainerSpec *s, const char *v) {
        NetworkMode mode = network_mode_from_string(v);
        char *name = NULL;

        /* anything else names a network: a bridge container on it (conman0 is the default bridge) */
        if (mode < 0) {
                if (!network_name_is_valid(v))
                        return -EINVAL;
                mode = NETWORK_BRIDGE;
                if (!streq(v, NETWORK_DEFAULT_NAME) && !(name = strdup(v)))
                        return -ENOMEM;
        }
        s->network = mode;
        free(s->network_name);
        s->network_name = name;
        return 0;
}

int container_spec_add_port(ContainerSpec *s, const char *v) {
        _cleanup_free_ PortMapping *l = NULL;
        size_t n;
        int r;

        r = port_mappings_parse(v, &l, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                char *canonical;
                if (port_mapping_format(&l[i], &canonical) < 0 || strv_push_take(&s->ports, canonical) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int restart_policy_parse(const char *s, RestartPolicy *ret_policy, unsigned *ret_max_retries) {
        _cleanup_free_ char *name = NULL;
        const char *colon = strchr(s, ':');
        RestartPolicy p;
        uint64_t n = 0;

        name = colon ? strndup(s, (size_t) (colon - s)) : strdup(s);
        if (!name)
                return -ENOMEM;
        p = restart_policy_from_string(name);
        if (p < 0)
                return -EINVAL;
        if (colon) {
                if (p != RESTART_ON_FAILURE || safe_atou64(colon + 1, &n) < 0 || n > 10000)
                        return -EINVAL;
        }
        *ret_policy = p;
        *ret_max_retries = (unsigned) n;
        return 0;
}

int cpuset_parse(const char *s, uint8_t **ret_mask, size_t *ret_size) {
        _cleanup_free_ uint8_t *mask = calloc(CPUSET_MAX / 8, 1);
        size_t size = 0;

        if (!mask)
                return -ENOMEM;
        if (isempty(s))
                return -EINVAL;
        for (const char *p = s; *p;) {
                size_t n = strcspn(p, ",");
                _cleanup_free_ char *item = strndup(p, n);
                uint64_t a, b;
                char *dash;

                if (!item)
                        return -ENOMEM;
                dash = strchr(item, '-');
                if (dash)
                        *dash = 0;
                if (safe_atou64(item, &a) < 0 || (dash ? safe_atou64(dash + 1, &b) < 0 : (b = a, false)) ||
                    a > b || b >= CPUSET_MAX)
                        return -EINVAL;
                for (uint64_t i = a; i <= b; i++)
                        mask[i / 8] |= (uint8_t) (1u << (i % 8));
                size = MAX(size, (size_t) (b / 8 + 1));
                p += n;
                if (*p == ',' && !*++p)
                        return -EINVAL; /* a trailing comma */
        }
        *ret_mask = TAKE_PTR(mask);
        *ret_size = size;
        return 0;
}

uint64_t cpu_shares_to_weight(uint64_t shares) {
        uint64_t w = shares * 100 / 1024;
        return MAX(UINT64_C(1), MIN(w, UINT64_C(10000)));
}

void container_spec_init(ContainerSpec *s) {
        *s = (ContainerSpec){
                .stop_signal = SIGTERM,
                .stop_timeout_usec = CONTAINER_STOP_TIMEOUT_DEFAULT_USEC,
                .restart = RESTART_NO,
                .network = NETWORK_BRIDGE,
        };
}

void container_spec_done(ContainerSpec *s) {
        free(s->rootfs);
        free(s->image);
        free(s->image_id);
        strv_freep(&s->command);
        strv_freep(&s->entrypoint);
        strv_freep(&s->volume_propagation);
        strv_freep(&s->env);
        free(s->working_dir);
        free(s->user);
        free(s->hostname);
        strv_freep(&s->labels);
        strv_freep(&s->annotations);
        strv_freep(&s->ulimits);
        for (size_t k = 0; k < _DEVICE_RATE_KIND_MAX; k++)
                strv_freep(&s->device_rates[k]);
        for (size_t i = 0; i < s->n_volumes; i++)
                volume_spec_done(&s->volumes[i]);
        free(s->volumes);
        strv_freep(&s->tmpfs);
        free(s->runtime);
        free(s->log_path);
        free(s->network_name);
        strv_freep(&s->ports);
        network_options_done(&s->net);
        free(s->pod_id);
        free(s->pod_name);
        free(s->pod_slice);
        free(s->pid_mode);
        free(s->ipc_mode);
        free(s->uts_mode);
        free(s->cgroupns_mode);
        free(s->cgroup_parent);
        free(s->domainname);
        strv_freep(&s->network_aliases);
        free(s->cpuset_cpus);
        free(s->cpuset_mems);
        security_spec_done(&s->security);
        health_spec_done(&s->health);
        container_spec_init(s);
}

#define invalid(error, fmt, arg) sd_bus_error_setf((error), CONMAN_ERROR_INVALID_ARGUMENT, fmt, (arg))

static bool string_ok(const char *s) {
        return s && strlen(s) <= CONTAINER_STRING_MAX && utf8_is_valid(s);
}

static int validate_rootfs(const ContainerSpec *s, sd_bus_error *error) {
        struct stat st;

        if (!s->rootfs && s->image_id)
                return 0; /* an overlay of the image's layers, mounted by ExecStartPre= */
        if (!s->rootfs)
                return invalid(error, "%sNo root filesystem given: use --rootfs DIR or an image.", "");
        if (s->rootfs[0] != '/' || !string_ok(s->rootfs) || strstr(s->rootfs, "/../") ||
            string_has_prefix(s->rootfs, "../"))
                return invalid(error, "Root filesystem '%s' must be an absolute path without '..'.",
                               s->rootfs);
        if (stat(s->rootfs, &st) < 0 || !S_ISDIR(st.st_mode))
                return invalid(error, "Root filesystem '%s' is not a directory.", s->rootfs);
        if (streq(s->rootfs, "/"))
                return invalid(error, "Root filesystem '%s' is the host's root; refusing.", s->rootfs);
        return 0;
}

static int validate_command(const ContainerSpec *s, sd_bus_error *error) {
        size_t n = strv_length(s->command);

        if (n == 0)
                return invalid(error, "%sNo command given: say what the container runs.", "");
        if (n > CONTAINER_ARGS_MAX)
                return invalid(error, "%sToo many command arguments.", "");
        for (size_t i = 0; i < n; i++)
                if (!string_ok(s->command[i]))
                        return invalid(error, "%sCommand arguments must be valid UTF-8 of at most 64 KiB.",
                                       "");
        if (isempty(s->command[0]))
                return invalid(error, "%sThe command must not be empty.", "");
        return 0;
}

/* An absolute path of a file: no line break, not a directory's spelling. */
static bool log_path_ok(const char *p) {
        size_t n = strlen(p);
        return p[0] == '/' && n < PATH_MAX && utf8_is_valid(p) && !strchr(p, '\n') && p[n - 1] != '/' &&
               !strstr(p, "/../") && !strstr(p, "/./");
}

static int validate_strings(const ContainerSpec *s, sd_bus_error *error) {
        if (strv_length(s->env) > CONTAINER_ARGS_MAX || strv_length(s->labels) > CONTAINER_ARGS_MAX)
                return invalid(error, "%sToo many environment variables or labels.", "");
        for (char **e = s->env; e && *e; e++)
                if (!env_assignment_is_valid(*e))
                        return invalid(error,
                                       "Environment entry '%.64s' is not KEY=VALUE with a printable key "
                                       "(at most 64 KiB).",
                                       *e);
        for (char **l = s->labels; l && *l; l++) {
                _cleanup_free_ char *k = strndup(*l, strcspn(*l, "="));
                if (!k || !strchr(*l, '=') || !label_key_is_valid(k) || !string_ok(*l))
                        return invalid(
                                error,
                                "Label '%.64s' is not key=value with a printable key (at most 64 KiB).", *l);
        }
        if (s->working_dir && !container_path_is_valid(s->working_dir))
                return invalid(error, "Working directory '%s' must be an absolute path without '.' or '..'.",
                               s->working_dir);
        if (s->user &&
            (isempty(s->user) || strlen(s->user) > 256 || !string_ok(s->user) || strchr(s->user, '/')))
                return invalid(error, "User '%s' must be a name or uid[:gid].", s->user);
        if (s->hostname &&
            (isempty(s->hostname) || strlen(s->hostname) > 63 ||
             strspn(s->hostname, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") !=
                     strlen(s->hostname)))
                return invalid(error, "Hostname '%s' must be 1-63 letters, digits, '-' or '.'.", s->hostname);
        if (s->image && !string_ok(s->image))
                return invalid(error, "%sImage reference is not valid UTF-8.", "");
        if (s->log_path && !log_path_ok(s->log_path))
                return invalid(error, "Log path '%.256s' must be an absolute path of a file.", s->log_path);
        return 0;
}

static bool annotation_key_ok(const char *k, size_t n) {
        if (n == 0 || n > ANNOTATION_KEY_MAX)
                return false;
        for (size_t i = 0; i < n; i++)
                if ((unsigned char) k[i] <= ' ' || (unsigned char) k[i] >= 0x7f)
                        return false;
        return true;
}

int annotations_validate(char *const *annotations, sd_bus_error *error) {
        if (strv_length(annotations) > ANNOTATIONS_MAX)
                return invalid(error, "%sToo many annotations (at most 256).", "");
        for (char *const *a = annotations; a && *a; a++) {
                size_t n = strcspn(*a, "=");
                if (!(*a)[n] || !annotation_key_ok(*a, n))
                        return invalid(error,
                                       "Annotation key '%.64s' must be 1-253 printable characters without "
                                       "spaces or '='.",
                                       *a);
                if (strlen(*a + n + 1) > ANNOTATION_VALUE_MAX || !utf8_is_valid(*a + n + 1))
                        return invalid(error,
                                       "The value of annotation '%.64s' is not UTF-8 of at most 64 KiB.", *a);
                for (char *const *b = annotations; b != a; b++)
                        if (strneq(*a, *b, n + 1))
                                return invalid(error, "Annotation '%.64s' is given twice.", *a);
        }
        return 0;
}

static int validate_tmpfs(const ContainerSpec *s, sd_bus_error *error) {
        if (strv_length(s->tmpfs) > 256)
                return invalid(error, "%sToo many tmpfs mounts (at most 256).", "");
        for (char **t = s->tmpfs; t && *t; t++) {
                _cleanup_free_ char *dest = NULL;
                int r = tmpfs_spec_parse(*t, &dest, NULL);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        return invalid(
                                error,
                                "Invalid tmpfs '%.256s': DEST[:OPTIONS] with an absolute DEST other than "
                                "'/' and OPTIONS of size=, mode=, uid=, gid=, nr_inodes=, ro, rw, exec, "
                                "noexec, suid, nosuid, dev, nodev.",
                                *t);
        }
        return 0;
}

static int validate_volumes(const ContainerSpec *s, sd_bus_error *error) {
        if (s->n_volumes > 256)
                return invalid(error, "%sToo many volumes (at most 256).", "");
        for (size_t i = 0; i < s->n_volumes; i++) {
                const VolumeSpec *v = &s->volumes[i];
                struct stat st;

                if (v->volume_name && !volume_name_is_valid(v->volume_name))
                        return invalid(error, "Invalid volume name '%s': names match " VOLUME_NAME_RULE ".",
                                       v->volume_name);
                if (!v->source || v->source[0] != '/' || !string_ok(v->source) || strstr(v->source, "/.."))
                        return invalid(error,
                                       "Volume source '%s' must be an absolute host path without '..'.",
                                       strempty(v->source));
                if (!v->volume_name && stat(v->source, &st) < 0)
                        return invalid(error, "Volume source '%s' does not exist; create it first.",
                                       v->source);
                if (!container_path_is_valid(v->destination) || streq(v->destination, "/"))
                        return invalid(
                                error,
                                "Volume destination '%s' must be an absolute container path other than '/', "
                                "without '.' or '..'.",
                                strempty(v->destination));
                if (!volume_propagation_to_string(v->propagation))
                        return invalid(error, "Volume '%s' has an unknown propagation.", v->destination);
        }
        return validate_tmpfs(s, error);
}

static bool cpuset_ok(const char *s) {
        _cleanup_free_ uint8_t *mask = NULL;
        size_t n;

        return isempty(s) || cpuset_parse(s, &mask, &n) >= 0; /* "": every CPU / node */
}

static int validate_limits(const ContainerSpec *s, sd_bus_error *error) {
        if (s->memory_max != 0 &&
            (s->memory_max < CONTAINER_MEMORY_MIN || s->memory_max > CONTAINER_LIMIT_MAX))
                return invalid(error, "%sMemory limit must be between 6 MiB and 1 PiB.", "");
        if (s->cpu_quota_usec != 0 &&
            (s->cpu_quota_usec < 1000 || s->cpu_quota_usec > 4096 * UINT64_C(1000000)))
                return invalid(error, "%sCPU limit must be between 0.001 and 4096 CPUs.", "");
        if (s->cpu_weight != 0 && s->cpu_weight > 10000)
                return invalid(error, "%sCPU weight must be between 1 and 10000.", "");
        if (s->pids_limit > 4194304 && s->pids_limit != CONTAINER_PIDS_LIMIT_UNLIMITED)
                return invalid(error, "%sPids limit must be at most 4194304.", "");
        if (!cpuset_ok(s->cpuset_cpus) || !cpuset_ok(s->cpuset_mems))
                return invalid(error, "%sA cpuset is a list such as 0-3,5 (numbers below 1024).", "");
        if (s->stop_signal <= 0 || s->stop_signal >= _NSIG || !signal_to_string(s->stop_signal))
                return invalid(error, "%sUnknown stop signal.", "");
        if (s->stop_timeout_usec > CONTAINER_STOP_TIMEOUT_MAX_USEC)
                return invalid(error, "%sStop timeout must be at most 24 hours.", "");
        if (s->restart < 0 || s->restart >= _RESTART_POLICY_MAX)
                return invalid(error,
                               "%sUnknown restart policy: use no, on-failure[:N], always or unless-stopped.",
                               "");
        if (s->restart_max_retries > 0 && s->restart != RESTART_ON_FAILURE)
                return invalid(error, "%sA retry count only goes with on-failure.", "");
        if (s->auto_remove && s->restart != RESTART_NO)
                return invalid(error, "%s--rm cannot be combined with a restart policy.", "");
        if (s->runtime && !streq(s->runtime, "runc") && !streq(s->runtime, "crun"))
                return invalid(error, "Unknown runtime '%s': use runc or crun.", s->runtime);
        if (s->network < 0 || s->network >= _NETWORK_MODE_MAX)
                return invalid(error, "%sUnknown network mode: use bridge, none, host or a network's name.",
                               "");
        if (s->userns < 0 || s->userns >= _USERNS_MODE_MAX)
                return invalid(error, "%sUnknown user namespace mode: use auto or host.", "");
        return 0;
}

/* docker's resource flags beyond the basic limits (run-limits.h): each message names the flag. */
static int validate_run_limits(const ContainerSpec *s, sd_bus_error *error) {
        uint64_t swap;

        if (s->memory_swap != 0 && memory_swap_max(s->memory_swap, s->memory_max, &swap) < 0)
                return invalid(error,
                               "%s--memory-swap (memory and swap together) needs --memory, and may not "
                               "be below it; -1 is unlimited swap.",
                               "");
        if (s->memory_low > CONTAINER_LIMIT_MAX || (s->memory_max != 0 && s->memory_low > s->memory_max))
                return invalid(error, "%s--memory-reservation must not be above --memory.", "");
        if (s->io_weight != 0 && (s->io_weight < 10 || s->io_weight > 1000))
                return invalid(error, "%s--blkio-weight must be between 10 and 1000.", "");
        if (s->cpu_period_usec != 0 && (s->cpu_period_usec < 1000 || s->cpu_period_usec > 1000000))
                return invalid(error, "%s--cpu-period must be between 1000 and 1000000 microseconds.", "");
        if (s->shm_size > CONTAINER_LIMIT_MAX)
                return invalid(error, "%s--shm-size is too large.", "");
        if (strv_length(s->ulimits) > 64)
                return invalid(error, "%sToo many ulimits.", "");
        for (char **u = s->ulimits; u && *u; u++) {
                Ulimit ul;
                if (ulimit_parse(*u, &ul) < 0)
                        return invalid(error,
                                       "Invalid --ulimit '%.64s': use NAME=SOFT[:HARD] with a name such as "
                                       "nofile, nproc or core, numbers or -1, SOFT not above HARD.",
                                       *u);
        }
        for (DeviceRateKind k = 0; k < _DEVICE_RATE_KIND_MAX; k++) {
                if (strv_length(s->device_rates[k]) > 64)
                        return invalid(error, "Too many --%s.", device_rate_option(k));
                for (char **d = s->device_rates[k]; d && *d; d++) {
                        _cleanup_free_ char *path = NULL;
                        uint64_t rate;
                        if (device_rate_parse(k, *d, &path, &rate) < 0)
                                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                                         "Invalid --%s '%.64s': use /dev/DEVICE:%s.",
                                                         device_rate_option(k), *d,
                                                         k == DEVICE_WEIGHT ? "WEIGHT (10-1000)" : "RATE");
                }
        }
        return 0;
}

static int validate_network(const ContainerSpec *s, sd_bus_error *error) {
        size_t n = strv_length(s->ports);
        _cleanup_free_ PortMapping *ports = NULL;

        if (s->network_name && (s->network != NETWORK_BRIDGE || !network_name_is_valid(s->network_name)))
                return invalid(error, "Invalid network name '%s': names match " NETWORK_NAME_RULE ".",
                               s->network_name);
        if (n > 0 && s->network != NETWORK_BRIDGE)
                return invalid(error,
                               "Ports can only be published on a bridge network, not with --network %s.",
                               network_mode_to_string(s->network));
        if (network_options_is_set(&s->net) && s->network != NETWORK_BRIDGE)
                return invalid(error,
                               "-P, --add-host, --dns*, --ip and --mac-address need a bridge network, "
                               "not --network %s.",
                               network_mode_to_string(s->network));
        if (n > NETWORK_PORTS_MAX)
                return invalid(error, "%sToo many published ports (at most 256).", "");
        ports = calloc(n ?: 1, sizeof(PortMapping));
        if (!ports)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                if (port_mapping_parse(s->ports[i], &ports[i]) < 0)
                        return invalid(error,
                                       "Invalid port '%s': use [HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|udp].",
                                       s->ports[i]);
                for (size_t j = 0; j < i; j++)
                        if (port_mapping_conflicts(&ports[i], &ports[j]))
                                return invalid(error, "Port '%s' is published twice.", s->ports[i]);
        }
        return network_options_validate(&s->net, error);
}

int container_spec_validate_resources(const ContainerSpec *s, sd_bus_error *error) {
        int r = validate_limits(s, error);
        return r < 0 ? r : validate_run_limits(s, error);
}

int container_spec_validate_common(const ContainerSpec *s, sd_bus_error *error) {
        int r;

        r = validate_strings(s, error);
        if (r >= 0)
                r = validate_limits(s, error);
        if (r >= 0)
                r = validate_network(s, error);
        return r;
}

/* --ipc, --uts, --cgroupns (host or private), --cgroup-parent, --domainname and --network-alias. */
static int validate_host_modes(const ContainerSpec *s, sd_bus_error *error) {
        const struct {
                const char *option, *value;
        } modes[] = { { "IpcMode", s->ipc_mode },
                      { "UTSMode", s->uts_mode },
                      { "CgroupnsMode", s->cgroupns_mode } };

        for (size_t i = 0; i < ELEMENTSOF(modes); i++)
                if (modes[i].value && !streq(modes[i].value, "host") && !streq(modes[i].value, "private"))
                        return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                                 "Unknown %s '%.32s': use host or private.", modes[i].option,
                                                 modes[i].value);
        if (s->cgroup_parent && !slice_name_is_valid(s->cgroup_parent))
                return invalid(error,
                               "Invalid CgroupParent '%.64s': give a slice unit name such as web.slice.",
                               s->cgroup_parent);
        if (s->domainname && !dns_name_is_valid(s->domainname))
                return invalid(error, "Invalid Domainname '%.64s': use letters, digits, '-' and '.'.",
                               s->domainname);
        if (strv_length(s->network_aliases) > 64)
                return invalid(error, "%sToo many NetworkAliases (at most 64).", "");
        for (char **a = s->network_aliases; a && *a; a++)
                if (!dns_name_is_valid(*a))
                        return invalid(error, "Invalid network alias '%.64s': use a host name.", *a);
        if (s->uts_mode && streq(s->uts_mode, "host") && (s->hostname || s->domainname))
                return invalid(error,
                               "%s--uts host shares the host's name: --hostname and --domainname cannot "
                               "be set with it.",
                               "");
        if (s->network_aliases && s->network != NETWORK_BRIDGE)
                return invalid(error, "%s--network-alias needs a bridge network (its peers' /etc/hosts).",
                               "");
        return 0;
}

/* A pod's member takes network, ports and host name from the pod (pod-spec.h). */
static int validate_pod(const ContainerSpec *s, sd_bus_error *error) {
        if (!s->pod_id && s->pid_mode && !streq(s->pid_mode, "host") && !streq(s->pid_mode, "private"))
                return invalid(error, "%sPidMode pod needs a pod (Pod).", "");
        if (!s->pod_id)
                return 0;
        if (!container_id_is_valid(s->pod_id) || !s->pod_name || !container_name_is_valid(s->pod_name) ||
            (s->pod_slice && !slice_name_is_valid(s->pod_slice)))
                return invalid(error, "%sInvalid pod reference.", "");
        if (s->pid_mode && !streq(s->pid_mode, "pod") && !streq(s->pid_mode, "private") &&
            !streq(s->pid_mode, "host"))
                return invalid(error, "Unknown PidMode '%.32s': use pod, private or host.", s->pid_mode);
        if (s->ports || s->hostname || s->network_name || s->network == NETWORK_BRIDGE)
                return invalid(error,
                               "The network, published ports and host name belong to the pod '%s': set them "
                               "with 'conmanctl pod create', not on the container.",
                               s->pod_name);
        return 0;
}

int container_spec_validate(const ContainerSpec *s, sd_bus_error *error) {
        int r;

        r = validate_rootfs(s, error);
        if (r >= 0)
                r = validate_command(s, error);
        if (r >= 0)
                r = validate_strings(s, error);
        if (r >= 0)
                r = annotations_validate(s->annotations, error);
        if (r >= 0)
                r = validate_volumes(s, error);
        if (r >= 0)
                r = validate_limits(s, error);
        if (r >= 0)
                r = validate_run_limits(s, error);
        if (r >= 0)
                r = validate_network(s, error);
        if (r >= 0)
                r = validate_pod(s, error);
        if (r >= 0)
                r = validate_host_modes(s, error);
        if (r >= 0)
                r = security_spec_validate(&s->security, s->network == NETWORK_HOST, error);
        if (r >= 0)
                r = health_spec_validate(&s->health, error);
        return r;
}

static void add_string(struct json_object *o, const char *key, const char *v) {
        if (v)
                json_object_object_add(o, key, json_object_new_string(v));
}

static void add_u64(struct json_object *o, const char *key, uint64_t v) {
        json_object_object_add(o, key, json_object_new_uint64(v));
}

static const char *const device_rate_json_keys[_DEVICE_RATE_KIND_MAX] = {
        [DEVICE_READ_BPS] = "deviceReadBps",   [DEVICE_WRITE_BPS] = "deviceWriteBps",
        [DEVICE_READ_IOPS] = "deviceReadIOps", [DEVICE_WRITE_IOPS] = "deviceWriteIOps",
        [DEVICE_WEIGHT] = "deviceWeight",
};

/* Written only when set, so the container.json of a container without them stays as it was. */
static void run_limits_to_json(struct json_object *o, const ContainerSpec *s) {
        const struct {
                const char *key;
                uint64_t v;
        } n[] = {
                { "cpuPeriodUSec", s->cpu_period_usec },
                { "memorySwap", s->memory_swap },
                { "memoryLow", s->memory_low },
                { "ioWeight", s->io_weight },
                { "shmSize", s->shm_size },
        };

        for (size_t i = 0; i < ELEMENTSOF(n); i++)
                if (n[i].v != 0)
                        add_u64(o, n[i].key, n[i].v);
        if (s->ulimits)
                json_object_object_add(o, "ulimits", json_strv_new(s->ulimits));
        for (size_t k = 0; k < _DEVICE_RATE_KIND_MAX; k++)
                if (s->device_rates[k])
                        json_object_object_add(o, device_rate_json_keys[k],
                                               json_strv_new(s->device_rates[k]));
        if (s->init)
                json_object_object_add(o, "init", json_object_new_boolean(true));
}

static int run_limits_from_json(struct json_object *o, ContainerSpec *s) {
        int r = json_strv_get(json_object_object_get(o, "ulimits"), &s->ulimits);

        for (size_t k = 0; r >= 0 && k < _DEVICE_RATE_KIND_MAX; k++)
                r = json_strv_get(json_object_object_get(o, device_rate_json_keys[k]), &s->device_rates[k]);
        if (r < 0)
                return r;
        s->cpu_period_usec = json_get_u64(o, "cpuPeriodUSec", 0);
        s->memory_swap = json_get_u64(o, "memorySwap", 0);
        s->memory_low = json_get_u64(o, "memoryLow", 0);
        s->io_weight = json_get_u64(o, "ioWeight", 0);
        s->shm_size = json_get_u64(o, "shmSize", 0);
        s->init = json_get_bool(o, "init");
        return 0;
}

struct json_object *container_spec_to_json(const ContainerSpec *s) {
        struct json_object *o = json_object_new_object(), *vols = json_object_new_array();

        add_string(o, "rootfs", s->rootfs);
        add_string(o, "image", s->image);
        add_string(o, "imageId", s->image_id);
        json_object_object_add(o, "command", json_strv_new(s->command));
        json_object_object_add(o, "env", json_strv_new(s->env));
        add_string(o, "workingDir", s->working_dir);
        add_string(o, "user", s->user);
        add_string(o, "hostname", s->hostname);
        json_object_object_add(o, "labels", json_strv_new(s->labels));
        if (s->annotations)
                json_object_object_add(o, "annotations", json_strv_new(s->annotations));
        for (size_t i = 0; i < s->n_volumes; i++) {
                struct json_object *v = json_object_new_object();
                add_string(v, "source", s->volumes[i].source);
                add_string(v, "destination", s->volumes[i].destination);
                json_object_object_add(v, "readOnly", json_object_new_boolean(s->volumes[i].read_only));
                if (s->volumes[i].propagation != PROPAGATION_RPRIVATE)
                        add_string(v, "propagation", volume_propagation_to_string(s->volumes[i].propagation));
                add_string(v, "volumeName", s->volumes[i].volume_name);
                if (s->volumes[i].anonymous)
                        json_object_object_add(v, "anonymous", json_object_new_boolean(true));
                json_object_array_add(vols, v);
        }
        json_object_object_add(o, "volumes", vols);
        if (s->tmpfs)
                json_object_object_add(o, "tmpfs", json_strv_new(s->tmpfs));
        json_object_object_add(o, "readOnly", json_object_new_boolean(s->read_only));
        json_object_object_add(o, "autoRemove", json_object_new_boolean(s->auto_remove));
        json_object_object_add(o, "tty", json_object_new_boolean(s->tty));
        json_object_object_add(o, "interactive", json_object_new_boolean(s->interactive));
        add_string(o, "network", network_mode_to_string(s->network));
        add_string(o, "networkName", s->network_name);
        json_object_object_add(o, "ports", json_strv_new(s->ports));
        network_options_to_json(&s->net, o);
        add_string(o, "podId", s->pod_id);
        add_string(o, "podName", s->pod_name);
        add_string(o, "podSlice", s->pod_slice);
        add_string(o, "pidMode", s->pid_mode);
        add_string(o, "ipcMode", s->ipc_mode);
        add_string(o, "utsMode", s->uts_mode);
        add_string(o, "cgroupnsMode", s->cgroupns_mode);
        add_string(o, "cgroupParent", s->cgroup_parent);
        add_string(o, "domainname", s->domainname);
        if (s->network_aliases)
                json_object_object_add(o, "networkAliases", json_strv_new(s->network_aliases));
        add_u64(o, "memoryMax", s->memory_max);
        add_u64(o, "cpuQuotaUSec", s->cpu_quota_usec);
        add_u64(o, "cpuWeight", s->cpu_weight);
        add_u64(o, "pidsLimit", s->pids_limit);
        add_string(o, "cpusetCpus", s->cpuset_cpus);
        add_string(o, "cpusetMems", s->cpuset_mems);
        run_limits_to_json(o, s);
        add_string(o, "stopSignal", signal_to_string(s->stop_signal));
        add_u64(o, "stopTimeoutUSec", s->stop_timeout_usec);
        add_string(o, "restartPolicy", restart_policy_to_string(s->restart));
        add_u64(o, "restartMaxRetries", s->restart_max_retries);
        add_string(o, "runtime", s->runtime);
        add_string(o, "logPath", s->log_path);
        if (s->userns != USERNS_HOST)
                json_object_object_add(o, "userns", userns_to_json(s->userns, &s->userns_range));
        json_object_object_add(o, "security", security_spec_to_json(&s->security));
        struct json_object *health = health_spec_to_json(&s->health);
        if (health)
                json_object_object_add(o, "health", health);
        return o;
}

static int volumes_from_json(struct json_object *a, ContainerSpec *s) {
        size_t n;

        if (!a || !json_object_is_type(a, json_type_array))
                return 0;
        n = json_object_array_length(a);
        s->volumes = calloc(n ?: 1, sizeof(VolumeSpec));
        if (!s->volumes)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                struct json_object *v = json_object_array_get_idx(a, i);
                VolumeSpec *vs = &s->volumes[s->n_volumes++];
                _cleanup_free_ char *propagation = NULL;
                int r = json_get_string(v, "source", &vs->source);
                if (r >= 0)
                        r = json_get_string(v, "destination", &vs->destination);
                if (r < 0)
                        return r;
                vs->read_only = json_get_bool(v, "readOnly");
                vs->anonymous = json_get_bool(v, "anonymous");
                r = json_get_string(v, "volumeName", &vs->volume_name);
                if (r < 0)
                        return r;
                r = json_get_string(v, "propagation", &propagation);
                if (r < 0)
                        return r;
                vs->propagation =
                        propagation ? volume_propagation_from_string(propagation) : PROPAGATION_RPRIVATE;
                if (vs->propagation < 0)
                        return -EINVAL;
        }
        return 0;
}

int container_spec_from_json(struct json_object *o, ContainerSpec *s) {
        _cleanup_free_ char *sig = NULL, *restart = NULL, *network = NULL;
        int r;

        container_spec_init(s);
        if (!json_object_is_type(o, json_type_object))
                return -EBADMSG;

        r = json_get_string(o, "rootfs", &s->rootfs);
        if (r >= 0)
                r = json_get_string(o, "image", &s->image);
        if (r >= 0)
                r = json_get_string(o, "imageId", &s->image_id);
        if (r >= 0)
                r = json_strv_get(json_object_object_get(o, "command"), &s->command);
        if (r >= 0)
                r = json_strv_get(json_object_object_get(o, "env"), &s->env);
        if (r >= 0)
                r = json_get_string(o, "workingDir", &s->working_dir);
        if (r >= 0)
                r = json_get_string(o, "user", &s->user);
        if (r >= 0)
                r = json_get_string(o, "hostname", &s->hostname);
        if (r >= 0)
                r = json_strv_get(json_object_object_get(o, "labels"), &s->labels);
        if (r >= 0)
                r = json_strv_get(json_object_object_get(o, "annotations"), &s->annotations);
        if (r >= 0)
                r = volumes_from_json(json_object_object_get(o, "volumes"), s);
        if (r >= 0)
                r = json_strv_get(json_object_object_get(o, "tmpfs"), &s->tmpfs);
        if (r >= 0)
                r = json_get_string(o, "stopSignal", &sig);
        if (r >= 0)
                r = json_get_string(o, "restartPolicy", &restart);
        if (r >= 0)
                r = json_get_string(o, "network", &network);
        if (r >= 0)
                r = json_get_string(o, "runtime", &s->runtime);
        if (r >= 0)
                r = json_get_string(o, "logPath", &s->log_path);
        if (r >= 0)
                r = json_get_string(o, "networkName", &s->network_name);
        if (r >= 0)
                r = json_strv_get(json_object_object_get(o, "ports"), &s->ports);
        if (r >= 0)
                r = network_options_from_json(o, &s->net);
        if (r >= 0)
                r = json_get_string(o, "podId", &s->pod_id);
        if (r >= 0)
                r = json_get_string(o, "podName", &s->pod_name);
        if (r >= 0)
                r = json_get_string(o, "podSlice", &s->pod_slice);
        if (r >= 0)
                r = json_get_string(o, "pidMode", &s->pid_mode);
        if (r >= 0) /* the keys below are missing in the container.json of older containers: defaults */
                r = json_get_string(o, "ipcMode", &s->ipc_mode);
        if (r >= 0)
                r = json_get_string(o, "utsMode", &s->uts_mode);
        if (r >= 0)
                r = json_get_string(o, "cgroupnsMode", &s->cgroupns_mode);
        if (r >= 0)
                r = json_get_string(o, "cgroupParent", &s->cgroup_parent);
        if (r >= 0)
                r = json_get_string(o, "domainname", &s->domainname);
        if (r >= 0)
                r = json_strv_get(json_object_object_get(o, "networkAliases"), &s->network_aliases);
        if (r >= 0)
                r = json_get_string(o, "cpusetCpus", &s->cpuset_cpus);
        if (r >= 0)
                r = json_get_string(o, "cpusetMems", &s->cpuset_mems);
        if (r >= 0)
                r = run_limits_from_json(o, s);
        if (r >= 0)
                r = userns_from_json(json_object_object_get(o, "userns"), &s->userns, &s->userns_range);
        if (r >= 0)
                r = security_spec_from_json(json_object_object_get(o, "security"), &s->security);
        if (r >= 0)
                r = health_spec_from_json(json_object_object_get(o, "health"), &s->health);
        if (r < 0)
                return r;

        s->read_only = json_get_bool(o, "readOnly");
        s->auto_remove = json_get_bool(o, "autoRemove");
        s->tty = json_get_bool(o, "tty");
        s->interactive = json_get_bool(o, "interactive");
        s->memory_max = json_get_u64(o, "memoryMax", 0);
        s->cpu_quota_usec = json_get_u64(o, "cpuQuotaUSec", 0);
        s->cpu_weight = json_get_u64(o, "cpuWeight", 0);
        s->pids_limit = json_get_u64(o, "pidsLimit", 0);
        s->stop_timeout_usec = json_get_u64(o, "stopTimeoutUSec", CONTAINER_STOP_TIMEOUT_DEFAULT_USEC);
        s->restart_max_retries = (unsigned) json_get_u64(o, "restartMaxRetries", 0);
        s->stop_signal = sig ? signal_from_string(sig) : SIGTERM;
        s->restart = restart ? restart_policy_from_string(restart) : RESTART_NO;
        s->network = network ? network_mode_from_string(network) : NETWORK_NONE;
        /* a number without a name ("62") would not be written back: the spec's signals have names */
        if (s->stop_signal < 0 || !signal_to_string(s->stop_signal) || s->restart < 0 || s->network < 0)
                return -EBADMSG;
        return 0;
}
