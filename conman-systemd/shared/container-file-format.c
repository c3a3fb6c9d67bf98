/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-file-format.c — see container-file-format.h. One function per kind of value (a raw value,
 * a list of words, a size, a duration), then one per section.
 */
#include <inttypes.h>

#include "shared/bus-errors.h"
#include "shared/container-file-format.h"
#include "shared/network-spec.h"
#include "shared/util.h"

static int invalid(sd_bus_error *error, const char *message) {
        (void) sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT, message);
        return -EINVAL;
}

static int refuse(sd_bus_error *error, const char *key, const char *why) {
        (void) sd_bus_error_setf(
                error, CONMAN_ERROR_INVALID_ARGUMENT,
                "%s= cannot be written to a .container file: %s. Recreate the container without "
                "that value, or write the file by hand.",
                key, why);
        return -EINVAL;
}

/* What keeps a single value (Rootfs=, WorkingDir=, ...) from reading back as written, or NULL. The
 * parser strips blanks at both ends of a line and joins a line that ends in a backslash with the next. */
const char *container_file_value_problem(const char *v) {
        size_t n = strlen(v);

        if (!utf8_is_valid(v))
                return "the value is not valid UTF-8";
        if (strchr(v, '\n'))
                return "the value contains a line break";
        if (n > 0 && (v[0] == ' ' || v[0] == '\t' || strchr(" \t\r", v[n - 1])))
                return "the value starts or ends with a blank";
        if (n > 0 && v[n - 1] == '\\')
                return "the value ends with a backslash, which would continue the line";
        return NULL;
}

static int write_raw(FILE *out, const char *key, const char *value, sd_bus_error *error) {
        const char *why = container_file_value_problem(value);

        if (why)
                return refuse(error, key, why);
        fprintf(out, "%s=%s\n", key, value);
        return 0;
}

/* The parser splits words on blanks; "..." groups them, with \ escaping the next character. A bare word
 * must not hold a quote or a backslash, nor a CR, which the parser strips at the end of a line. */
void container_file_write_word(FILE *out, const char *w) {
        if (!isempty(w) && !strpbrk(w, " \t\r\"'\\")) {
                fputs(w, out);
                return;
        }
        fputc('"', out);
        for (const char *p = w; *p; p++) {
                if (*p == '"' || *p == '\\')
                        fputc('\\', out);
                fputc(*p, out);
        }
        fputc('"', out);
}

static int write_words(FILE *out, const char *key, char *const *words, sd_bus_error *error) {
        for (char *const *w = words; w && *w; w++) {
                if (!utf8_is_valid(*w))
                        return refuse(error, key, "a word is not valid UTF-8");
                if (strchr(*w, '\n'))
                        return refuse(error, key, "a word contains a line break");
        }
        fprintf(out, "%s=", key);
        for (char *const *w = words; w && *w; w++) {
                if (w != words)
                        fputc(' ', out);
                container_file_write_word(out, *w);
        }
        fputc('\n', out);
        return 0;
}

/* One line per entry (Environment=, Label=), which reads better in a diff than one long line. */
static int write_word_lines(FILE *out, const char *key, char *const *words, sd_bus_error *error) {
        for (char *const *w = words; w && *w; w++) {
                char *one[] = { *w, NULL };
                int r = write_words(out, key, one, error);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The largest binary unit that divides the size exactly, so that parse_size() gives the same bytes. */
void container_file_write_size(FILE *out, const char *key, uint64_t bytes) {
        static const struct {
                char unit;
                unsigned shift;
        } units[] = { { 't', 40 }, { 'g', 30 }, { 'm', 20 }, { 'k', 10 } };

        for (size_t i = 0; i < ELEMENTSOF(units); i++)
                if (bytes % (UINT64_C(1) << units[i].shift) == 0) {
                        fprintf(out, "%s=%" PRIu64 "%c\n", key, bytes >> units[i].shift, units[i].unit);
                        return;
                }
        fprintf(out, "%s=%" PRIu64 "\n", key, bytes);
}

/* CPU quota in usec per second as a decimal number of CPUs, without trailing zeros: 1500000 → 1.5. */
void container_file_write_cpus(FILE *out, uint64_t quota_usec) {
        char buf[64];
        size_t n;

        n = (size_t) snprintf(buf, sizeof(buf), "%" PRIu64 ".%06" PRIu64, quota_usec / USEC_PER_SEC,
                              quota_usec % USEC_PER_SEC);
        while (buf[n - 1] == '0')
                buf[--n] = '\0';
        if (buf[n - 1] == '.')
                buf[--n] = '\0';
        fprintf(out, "CPUs=%s\n", buf);
}

/* sec_unit: "" for systemd's seconds (StopTimeout=10), "s" where a unit is needed (HealthInterval=30s). */
static void write_duration_unit(FILE *out, const char *key, uint64_t usec, const char *sec_unit) {
        if (usec % USEC_PER_SEC == 0)
                fprintf(out, "%s=%" PRIu64 "%s\n", key, usec / USEC_PER_SEC, sec_unit);
        else if (usec % USEC_PER_MSEC == 0)
                fprintf(out, "%s=%" PRIu64 "ms\n", key, usec / USEC_PER_MSEC);
        else
                fprintf(out, "%s=%" PRIu64 "us\n", key, usec);
}

static void write_duration(FILE *out, const char *key, uint64_t usec) {
        write_duration_unit(out, key, usec, "");
}

static void write_header(FILE *out, const char *name) {
        fprintf(out,
                "# Container %1$s as a conman.container(5) file, written by 'conmanctl generate unit %1$s'.\n"
                "# Save it as /etc/conman/containers/%1$s.container and run 'systemctl daemon-reload';\n"
                "# conman-%1$s.service then runs it, also at boot. Remove the container first\n"
                "# ('conmanctl rm %1$s') or change ContainerName=, so that the two do not clash.\n",
                name);
}

/* systemd's start limit is what makes on-failure:N stop after N restarts (as unit.c sets it). */
static void write_unit_section(FILE *out, const ContainerSpec *s) {
        if (s->restart != RESTART_ON_FAILURE || s->restart_max_retries == 0)
                return;
        fprintf(out, "\n[Unit]\nStartLimitIntervalSec=infinity\nStartLimitBurst=%u\n",
                s->restart_max_retries + 1);
}

/* Image= or Rootfs=, Entrypoint= and Exec=. */
static int write_what_runs(FILE *out, const ContainerSpec *s, sd_bus_error *error) {
        char *first[] = { s->command ? s->command[0] : NULL, NULL };
        int r;

        if (s->rootfs) {
                r = write_raw(out, "Rootfs", s->rootfs, error);
                if (r >= 0 && s->command)
                        r = write_words(out, "Exec", s->command, error);
                return r;
        }
        if (!s->image)
                return invalid(error, "The container has neither an image nor a root filesystem.");
        r = write_raw(out, "Image", s->image, error);
        if (r < 0 || !first[0])
                return r;
        r = write_words(out, "Entrypoint", first, error);
        if (r >= 0 && s->command[1])
                r = write_words(out, "Exec", s->command + 1, error);
        return r;
}

/* Mount=type=volume,destination=DEST,readonly: a read-only anonymous volume, which Volume= cannot say. */
static int write_mount_volume(FILE *out, const char *destination, sd_bus_error *error) {
        _cleanup_free_ char *value = NULL;

        if (strchr(destination, ','))
                return refuse(error, "Mount", "a path contains ',', which separates its options");
        if (asprintf(&value, "type=volume,destination=%s,readonly", destination) < 0)
                return -ENOMEM;
        return write_raw(out, "Mount", value, error);
}

static int write_volumes(FILE *out, const ContainerSpec *s, sd_bus_error *error) {
        for (size_t i = 0; i < s->n_volumes; i++) {
                const VolumeSpec *v = &s->volumes[i];
                const char *p = v->propagation != PROPAGATION_RPRIVATE
                                        ? volume_propagation_to_string(v->propagation)
                                        : NULL;
                _cleanup_free_ char *value = NULL;
                int r;

                /* a named volume by its name (an anonymous one too: the file keeps using its data) */
                const char *source = v->volume_name ?: v->source;

                if (strchr(strempty(source), ':') || strchr(strempty(v->destination), ':'))
                        return refuse(error, "Volume", "a path contains ':', which separates SOURCE:DEST");
                if (!source) { /* an anonymous volume the file made: Volume=DEST, or Mount= for read-only */
                        if (p)
                                return refuse(error, "Volume", "an anonymous volume has no propagation");
                        r = v->read_only ? write_mount_volume(out, v->destination, error)
                                         : write_raw(out, "Volume", v->destination, error);
                        if (r < 0)
                                return r;
                        continue;
                }
                /* SOURCE:DEST[:OPTIONS], docker's and podman quadlet's: ro and the propagation (but the
                 * default rprivate), joined by ',' */
                if (asprintf(&value, "%s:%s%s%s%s", source, strempty(v->destination),
                             v->read_only ? ":ro" : "", p ? (v->read_only ? "," : ":") : "", strempty(p)) < 0)
                        return -ENOMEM;
                r = write_raw(out, "Volume", value, error);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int write_strings(FILE *out, const ContainerSpec *s, sd_bus_error *error) {
        int r = write_word_lines(out, "Environment", s->env, error);

        if (r >= 0)
                r = write_volumes(out, s, error);
        for (char **t = s->tmpfs; r >= 0 && t && *t; t++)
                r = write_raw(out, "Tmpfs", *t, error);
        if (r >= 0 && s->working_dir)
                r = write_raw(out, "WorkingDir", s->working_dir, error);
        if (r >= 0 && s->user)
                r = write_raw(out, "User", s->user, error);
        if (r >= 0 && s->hostname)
                r = write_raw(out, "HostName", s->hostname, error);
        if (r >= 0)
                r = write_word_lines(out, "Label", s->labels, error);
        return r;
}

static void write_limits(FILE *out, const ContainerSpec *s) {
        const char *sig = signal_to_string(s->stop_signal);

        if (s->read_only)
                fputs("ReadOnly=yes\n", out);
        if (s->memory_max > 0)
                container_file_write_size(out, "Memory", s->memory_max);
        if (s->cpu_quota_usec > 0)
                container_file_write_cpus(out, s->cpu_quota_usec);
        if (s->pids_limit == UINT64_MAX)
                fprintf(out, "PidsLimit=-1\n");
        else if (s->pids_limit > 0)
                fprintf(out, "PidsLimit=%" PRIu64 "\n", s->pids_limit);
        if (sig)
                fprintf(out, "StopSignal=SIG%s\n", sig);
        else
                fprintf(out, "StopSignal=%d\n", s->stop_signal);
        write_duration(out, "StopTimeout", s->stop_timeout_usec);
}

/* ExposeHostPort=, AddHost=, DNS=, DNSSearch=, DNSOption=, IP=, MAC=: Quadlet's names. */
static int write_network_options(FILE *out, const NetworkOptions *o, sd_bus_error *error) {
        const struct {
                const char *key;
                char **l;
        } lists[] = {
                { "ExposeHostPort", o->expose },  { "AddHost", o->add_hosts },     { "DNS", o->dns_servers },
                { "DNSSearch", o->dns_searches }, { "DNSOption", o->dns_options },
        };
        int r = 0;

        for (size_t i = 0; i < ELEMENTSOF(lists); i++)
                for (char **v = lists[i].l; r >= 0 && v && *v; v++)
                        r = write_raw(out, lists[i].key, *v, error);
        if (r >= 0 && o->ip)
                r = write_raw(out, "IP", o->ip, error);
        if (r >= 0 && o->mac_address)
                r = write_raw(out, "MAC", o->mac_address, error);
        return r;
}

/* Network= always: a file's default (none) is not conmanctl run's (bridge). A bridge network other than
 * conman0 is named by its name. A pod's member has the pod's network: Pod= names the pod's file, which
 * `conmanctl generate unit POD` writes as POD.pod (pod_file_format()). */
static int write_network(FILE *out, const ContainerSpec *s, sd_bus_error *error) {
        const char *network = s->network == NETWORK_BRIDGE && s->network_name
                                      ? s->network_name
                                      : network_mode_to_string(s->network);
        int r;

        if (s->pod_name) {
                _cleanup_free_ char *pod = NULL;
                if (asprintf(&pod, "%s.pod", s->pod_name) < 0)
                        return -ENOMEM;
                return write_raw(out, "Pod", pod, error);
        }
        if (!network)
                return invalid(error, "The container's network mode is unknown.");
        r = write_raw(out, "Network", network, error);
        for (char **p = s->ports; r >= 0 && p && *p; p++) {
                PortMapping pm;
                if (port_mapping_parse(*p, &pm) >= 0 && pm.host_port == 0)
                        return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                                 "Port '%s' has no host port, which a .container file needs "
                                                 "(conmand chooses free ports only for its own containers).",
                                                 *p);
                r = write_raw(out, "PublishPort", *p, error);
        }
        if (r >= 0 && s->net.publish_all)
                return invalid(error, "-P (publish all) has no key in a .container file.");
        return r < 0 ? r : write_network_options(out, &s->net, error);
}

/* The confinement keys (docs/security.md), Quadlet's names. */
static int write_security(FILE *out, const SecuritySpec *sec, sd_bus_error *error) {
        int r = write_word_lines(out, "AddCapability", sec->cap_add, error);

        if (r >= 0)
                r = write_word_lines(out, "DropCapability", sec->cap_drop, error);
        if (r >= 0)
                r = write_word_lines(out, "AddDevice", sec->devices, error);
        if (r >= 0 && sec->seccomp_profile)
                r = write_raw(out, "SeccompProfile", sec->seccomp_profile, error);
        if (r >= 0 && sec->apparmor_profile)
                r = write_raw(out, "AppArmor", sec->apparmor_profile, error);
        if (r >= 0)
                r = write_word_lines(out, "Sysctl", sec->sysctls, error);
        if (r >= 0)
                r = write_word_lines(out, "GroupAdd", sec->group_add, error);
        if (r >= 0 && sec->no_new_privileges)
                fputs("NoNewPrivileges=yes\n", out);
        if (r >= 0 && sec->privileged)
                fputs("Privileged=yes\n", out);
        return r;
}

/* Quadlet's Annotation=, Ulimit=, ShmSize= and RunInit=. */
static int write_quadlet_extras(FILE *out, const ContainerSpec *s, sd_bus_error *error) {
        int r = write_word_lines(out, "Annotation", s->annotations, error);

        if (r >= 0)
                r = write_word_lines(out, "Ulimit", s->ulimits, error);
        if (r >= 0 && s->shm_size > 0)
                container_file_write_size(out, "ShmSize", s->shm_size);
        if (r >= 0 && s->init)
                fputs("RunInit=yes\n", out);
        return r;
}

/* Quadlet's Health*= keys (parse_health_cmd() & co. in container-file.c): a shell command only. */
static int write_health(FILE *out, const HealthSpec *h, sd_bus_error *error) {
        bool shell = h->test && h->test[0] && streq(h->test[0], "CMD-SHELL") && h->test[1];

        if (health_spec_enabled(h) && (!shell || strchr(h->test[1], '\n')))
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "A .container file carries a health check as one line of shell "
                                         "(HealthCmd=); this one is not.");
        if (h->disabled)
                fputs("HealthCmd=none\n", out);
        else if (shell)
                fprintf(out, "HealthCmd=%s\n", h->test[1]);
        if (h->interval_usec > 0)
                write_duration_unit(out, "HealthInterval", h->interval_usec, "s");
        if (h->timeout_usec > 0)
                write_duration_unit(out, "HealthTimeout", h->timeout_usec, "s");
        if (h->start_period_usec > 0)
                write_duration_unit(out, "HealthStartPeriod", h->start_period_usec, "s");
        if (h->start_interval_usec > 0)
                write_duration_unit(out, "HealthStartInterval", h->start_interval_usec, "s");
        if (h->retries > 0)
                fprintf(out, "HealthRetries=%u\n", h->retries);
        if (h->on_failure != HEALTH_ON_FAILURE_NONE)
                fprintf(out, "HealthOnFailure=%s\n", health_on_failure_to_string(h->on_failure));
        return 0;
}

static int write_container_section(FILE *out, const char *name, const ContainerSpec *s, sd_bus_error *error) {
        int r;

        fprintf(out, "\n[Container]\nContainerName=%s\n", name);
        r = write_what_runs(out, s, error);
        if (r >= 0)
                r = write_strings(out, s, error);
        if (r < 0)
                return r;
        write_limits(out, s);
        if (s->runtime)
                fprintf(out, "Runtime=%s\n", s->runtime);
        if (s->userns == USERNS_AUTO) /* the file's container gets its own range when it first starts */
                fputs("UserNS=auto\n", out);
        r = write_network(out, s, error);
        if (r >= 0)
                r = write_security(out, &s->security, error);
        if (r >= 0 && s->tty)
                fputs("Tty=yes\n", out); /* conmand holds the terminal (PrepareContainerConsole) */
        if (r >= 0)
                r = write_quadlet_extras(out, s, error);
        if (r >= 0)
                r = write_health(out, &s->health, error);
        return r;
}

/* Restart= as unit.c sets it for the policy (unless-stopped = always: systemd never restarts a unit
 * that was stopped), and CPUWeight=, which has no [Container] key. */
static bool has_service_settings(const ContainerSpec *s) {
        bool rates = false;

        for (size_t k = 0; k < _DEVICE_RATE_KIND_MAX; k++)
                rates = rates || s->device_rates[k];
        return s->restart != RESTART_NO || s->cpu_weight > 0 || s->memory_swap > 0 || s->memory_low > 0 ||
               s->io_weight > 0 || s->cpu_period_usec > 0 || s->cpuset_cpus || s->cpuset_mems || rates ||
               s->security.has_oom_score_adj;
}

/* The resource flags with no [Container] key (run-limits.h), as the unit settings unit.c makes of them. */
static void write_service_limits(FILE *out, const ContainerSpec *s) {
        uint64_t swap;

        if (s->memory_swap > 0 && memory_swap_max(s->memory_swap, s->memory_max, &swap) >= 0) {
                if (swap == UINT64_MAX)
                        fputs("MemorySwapMax=infinity\n", out);
                else
                        fprintf(out, "MemorySwapMax=%" PRIu64 "\n", swap);
        }
        if (s->memory_low > 0)
                fprintf(out, "MemoryLow=%" PRIu64 "\n", s->memory_low);
        if (s->io_weight > 0)
                fprintf(out, "IOWeight=%" PRIu64 "\n", s->io_weight);
        if (s->cpu_period_usec > 0)
                fprintf(out, "CPUQuotaPeriodSec=%" PRIu64 "us\n", s->cpu_period_usec);
        if (s->cpuset_cpus)
                fprintf(out, "AllowedCPUs=%s\n", s->cpuset_cpus);
        if (s->cpuset_mems)
                fprintf(out, "AllowedMemoryNodes=%s\n", s->cpuset_mems);
        for (DeviceRateKind k = 0; k < _DEVICE_RATE_KIND_MAX; k++)
                for (char **d = s->device_rates[k]; d && *d; d++) {
                        _cleanup_free_ char *path = NULL;
                        uint64_t rate;
                        if (device_rate_parse(k, *d, &path, &rate) >= 0)
                                fprintf(out, "%s=%s %" PRIu64 "\n", device_rate_property(k), path, rate);
                }
        if (s->security.has_oom_score_adj)
                fprintf(out, "OOMScoreAdjust=%d\n", s->security.oom_score_adj);
}

static void write_service_section(FILE *out, const ContainerSpec *s) {
        if (!has_service_settings(s))
                return;
        fputs("\n[Service]\n", out);
        if (s->restart != RESTART_NO)
                fprintf(out, "Restart=%s\n", s->restart == RESTART_ON_FAILURE ? "on-failure" : "always");
        if (s->cpu_weight > 0)
                fprintf(out, "CPUWeight=%" PRIu64 "\n", s->cpu_weight);
        write_service_limits(out, s);
}

/* The settings of the CRI server's options (CreateContainer's Annotations, LogPath ...) and run's host flags
 * (--ipc, --uts, --cgroupns, --cgroup-parent, --domainname, --network-alias) have no key in a .container
 * file: the first one the container has, or NULL. */
static const char *cri_only_setting(const ContainerSpec *s) {
        const SecuritySpec *sec = &s->security;

        return s->log_path               ? "LogPath"
               : s->pid_mode             ? "PidMode"
               : s->ipc_mode             ? "IpcMode"
               : s->uts_mode             ? "UTSMode"
               : s->cgroupns_mode        ? "CgroupnsMode"
               : s->cgroup_parent        ? "CgroupParent"
               : s->domainname           ? "Domainname"
               : s->network_aliases      ? "NetworkAliases"
               : sec->has_masked_paths   ? "MaskedPaths"
               : sec->has_readonly_paths ? "ReadonlyPaths"
                                         : NULL;
}

int container_file_format(const char *name, const ContainerSpec *spec, char **ret, sd_bus_error *error) {
        _cleanup_free_ char *text = NULL;
        const char *cri = cri_only_setting(spec);
        size_t size = 0;
        FILE *out;
        int r;

        if (cri)
                return refuse(error, cri, "a .container file has no such key");

        out = open_memstream(&text, &size);
        if (!out)
                return -ENOMEM;
        write_header(out, name);
        if (spec->auto_remove || spec->interactive)
                fputs("# Not carried over: --rm and -i (a boot-time container stays, and has no stdin).\n",
                      out);
        write_unit_section(out, spec);
        r = write_container_section(out, name, spec, error);
        if (r >= 0) {
                write_service_section(out, spec);
                fputs("\n[Install]\nWantedBy=multi-user.target\n", out);
        }
        if (fclose(out) != 0 && r >= 0)
                r = -ENOMEM;
        if (r < 0)
                return r;
        *ret = TAKE_PTR(text);
        return 0;
}
