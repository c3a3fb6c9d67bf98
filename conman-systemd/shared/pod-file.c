/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pod-file.c — see pod-file.h. The [Pod] key table and its value parsers, the loader, then the writer.
 */
#include <inttypes.h>
#include <stdarg.h>

#include "shared/bus-errors.h"
#include "shared/container-file-format.h"
#include "shared/ini-file.h"
#include "shared/log.h"
#include "shared/names.h"
#include "shared/network-spec.h"
#include "shared/pod-file.h"
#include "shared/util.h"

static int parse_pod_name(PodFile *f, const char *v, char **m) {
        if (!container_name_is_valid(v))
                return ini_message(m, "'%s' is not a pod name: use " CONTAINER_NAME_RULE, v);
        return free_and_strdup(&f->spec.name, v);
}

/* As a .container's Network=, but a pod's default is a bridge (conman0), as podman's. */
static int parse_network(PodFile *f, const char *v, char **m) {
        NetworkMode mode = network_mode_from_string(v);
        char *name = NULL;

        if (mode < 0) {
                if (!network_name_is_valid(v))
                        return ini_message(
                                m, "unknown network '%s': use bridge, none, host or a network's name", v);
                mode = NETWORK_BRIDGE;
                if (!streq(v, NETWORK_DEFAULT_NAME) && !(name = strdup(v)))
                        return -ENOMEM;
        }
        f->spec.network = mode;
        free(f->spec.network_name);
        f->spec.network_name = name;
        return 0;
}

/* A list: an empty value resets it. Kept in the canonical spelling conmand shows. */
static int parse_publish_port(PodFile *f, const char *v, char **m) {
        PortMapping pm;
        char *canonical;

        if (isempty(v)) {
                strv_freep(&f->spec.ports);
                return 0;
        }
        if (strv_length(f->spec.ports) >= NETWORK_PORTS_MAX)
                return ini_message(m, "more than %d published ports", NETWORK_PORTS_MAX);
        if (port_mapping_parse(v, &pm) < 0 || pm.host_port == 0)
                return ini_message(m, "'%s' is not [HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|udp]", v);
        if (port_mapping_format(&pm, &canonical) < 0)
                return -ENOMEM;
        return strv_push_take(&f->spec.ports, canonical);
}

static int parse_hostname(PodFile *f, const char *v, char **m) {
        if (isempty(v) || strlen(v) > 63 ||
            strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") != strlen(v))
                return ini_message(m, "'%s' is not a host name: use 1-63 letters, digits, '-' or '.'", v);
        return free_and_strdup(&f->spec.hostname, v);
}

/* Words of key=value, as a .container's Label=; an empty value resets the list. */
static int parse_label(PodFile *f, const char *v, char **m) {
        size_t first = strv_length(f->spec.labels);
        int r = ini_append_words(&f->spec.labels, v, m);

        for (size_t i = first; r >= 0 && f->spec.labels && f->spec.labels[i]; i++) {
                const char *l = f->spec.labels[i], *eq = strchr(l, '=');
                _cleanup_free_ char *key = eq ? strndup(l, (size_t) (eq - l)) : NULL;

                if (eq && !key)
                        return -ENOMEM;
                if (!key || !label_key_is_valid(key))
                        return ini_message(m, "'%s' is not key=value", l);
        }
        return r;
}

static int parse_memory(PodFile *f, const char *v, char **m) {
        if (parse_size(v, &f->spec.memory_max) < 0 || f->spec.memory_max == 0)
                return ini_message(m, "'%s' is not a size like 64m or 1g", v);
        return 0;
}

static int parse_cpus_key(PodFile *f, const char *v, char **m) {
        if (parse_cpus(v, &f->spec.cpu_quota_usec) < 0 || f->spec.cpu_quota_usec == 0)
                return ini_message(m, "'%s' is not a number of CPUs like 0.5 or 2", v);
        return 0;
}

/* The pod's slice has no limit unless one is given: -1 (a .container's "no limit") has nothing to lift. */
static int parse_pids_limit(PodFile *f, const char *v, char **m) {
        if (safe_atou64(v, &f->spec.pids_limit) < 0 || f->spec.pids_limit == 0 ||
            f->spec.pids_limit == UINT64_MAX)
                return ini_message(m, "'%s' is not a positive number (leave PidsLimit= out for no limit)", v);
        return 0;
}

static int parse_share(PodFile *f, const char *v, char **m) {
        if (pod_share_parse(v, &f->spec.share) >= 0)
                return 0;
        if (strstr(v, "pid"))
                return ini_message(m,
                                   "a shared PID namespace needs a holder process, which a conman pod does "
                                   "not have (see docs/pods.md): use net, ipc and uts");
        return ini_message(m, "'%s' is not a list of net, ipc and uts separated by ','", v);
}

const PodFileKey pod_file_keys[] = {
        { "PodName", parse_pod_name, "pod name; default: the file name without .pod" },
        { "Network", parse_network, "bridge (default: conman0), none, host or a network's name" },
        { "PublishPort", parse_publish_port,
          "[HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|udp] (repeatable; bridge networks)" },
        { "HostName", parse_hostname, "the pod's host name, seen by every member; default: the pod's name" },
        { "Label", parse_label, "key=value ... (repeatable)" },
        { "Memory", parse_memory, "memory limit of all members together (64m, 1g) → the slice's MemoryMax=" },
        { "CPUs", parse_cpus_key, "CPU limit of all members together (1.5) → the slice's CPUQuota=" },
        { "PidsLimit", parse_pids_limit, "task limit of all members together → the slice's TasksMax=" },
        { "Share", parse_share, "namespaces the members share: net,ipc,uts (default) or a part of it" },
};
const size_t pod_file_n_keys = ELEMENTSOF(pod_file_keys);

void pod_file_init(PodFile *f) {
        *f = (PodFile){};
        pod_spec_init(&f->spec);
}

void pod_file_done(PodFile *f) {
        free(f->path);
        free(f->file_name);
        pod_spec_done(&f->spec);
        strv_freep(&f->unit_lines);
        strv_freep(&f->install_lines);
        strv_freep(&f->wanted_by);
        strv_freep(&f->required_by);
        *f = (PodFile){};
}

static int set_key(void *userdata, const char *key, const char *value, char **ret_message) {
        PodFile *f = userdata;

        for (size_t i = 0; i < pod_file_n_keys; i++)
                if (streq(pod_file_keys[i].key, key))
                        return pod_file_keys[i].parse(f, value, ret_message);
        return -ENOENT;
}

static int parse_file(PodFile *f, const char *path) {
        IniReader r = {
                .section = "Pod",
                .man_page = "conman.pod(5)",
                .set_key = set_key,
                .userdata = f,
                .unit_lines = &f->unit_lines,
                .install_lines = &f->install_lines,
                .wanted_by = &f->wanted_by,
                .required_by = &f->required_by,
                .n_errors = &f->n_errors,
        };
        return ini_reader_parse_file(&r, path);
}

static int set_file_name(PodFile *f, const char *path) {
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        size_t n = strlen(base), sl = strlen(POD_FILE_SUFFIX);

        f->file_name = strdup(base);
        if (!f->file_name)
                return -ENOMEM;
        if (f->spec.name)
                return 0;
        if (n > sl && streq(base + n - sl, POD_FILE_SUFFIX))
                n -= sl;
        f->spec.name = strndup(base, n);
        if (!f->spec.name)
                return -ENOMEM;
        if (!container_name_is_valid(f->spec.name)) {
                f->n_errors++;
                log_error("%s:1: PodName=: the file name is not a valid pod name; set PodName=.", path);
        }
        return 0;
}

int pod_file_load(PodFile *f, const char *path, char *const *dropins) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        f->path = strdup(path);
        if (!f->path)
                return -ENOMEM;
        r = parse_file(f, path);
        for (size_t i = 0; r >= 0 && dropins && dropins[i]; i++)
                r = parse_file(f, dropins[i]);
        if (r >= 0)
                r = set_file_name(f, path);
        if (r < 0)
                return r;
        if (f->n_errors == 0 && pod_spec_validate(&f->spec, &error) < 0) {
                f->n_errors++;
                log_error("%s: %s", path, error.message ?: "invalid pod");
        }
        return f->n_errors > 0 ? -EINVAL : 0;
}

/* ---- the writer ---- */

_printf_(2, 3) static int invalid(sd_bus_error *error, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        (void) sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT, msg);
        return -EINVAL;
}

static int write_raw(FILE *out, const char *key, const char *value, sd_bus_error *error) {
        const char *why = container_file_value_problem(value);

        if (why)
                return invalid(error, "%s= cannot be written to a .pod file: %s.", key, why);
        fprintf(out, "%s=%s\n", key, value);
        return 0;
}

/* One line per label, which reads better in a diff than one long line. */
static int write_labels(FILE *out, char *const *labels, sd_bus_error *error) {
        for (char *const *l = labels; l && *l; l++) {
                if (!utf8_is_valid(*l) || strchr(*l, '\n'))
                        return invalid(error,
                                       "Label= cannot be written to a .pod file: the label '%s' is not one "
                                       "line of UTF-8.",
                                       *l);
                fputs("Label=", out);
                container_file_write_word(out, *l);
                fputc('\n', out);
        }
        return 0;
}

static void write_header(FILE *out, const char *name) {
        fprintf(out,
                "# Pod %1$s as a conman.pod(5) file, written by 'conmanctl generate unit %1$s'.\n"
                "# Save it as /etc/conman/containers/%1$s.pod with the .container files of its members\n"
                "# and run 'systemctl daemon-reload'; conman-pod@%1$s.service then makes the pod, also at\n"
                "# boot. Remove the pod first ('conmanctl pod rm -f %1$s'), so that the two do not clash.\n",
                name);
}

/* Network= always: it says which network the members are on. */
static int write_network(FILE *out, const PodSpec *s, sd_bus_error *error) {
        const char *network = s->network == NETWORK_BRIDGE && s->network_name
                                      ? s->network_name
                                      : network_mode_to_string(s->network);
        int r;

        if (!network)
                return invalid(error, "The pod's network mode is unknown.");
        r = write_raw(out, "Network", network, error);
        for (char **p = s->ports; r >= 0 && p && *p; p++)
                r = write_raw(out, "PublishPort", *p, error);
        return r;
}

static int write_limits(FILE *out, const PodSpec *s) {
        _cleanup_free_ char *share = NULL;

        if (s->memory_max > 0)
                container_file_write_size(out, "Memory", s->memory_max);
        if (s->cpu_quota_usec > 0)
                container_file_write_cpus(out, s->cpu_quota_usec);
        if (s->pids_limit > 0 && s->pids_limit != UINT64_MAX)
                fprintf(out, "PidsLimit=%" PRIu64 "\n", s->pids_limit);
        if (s->share == POD_SHARE_DEFAULT)
                return 0;
        if (pod_share_format(s->share, &share) < 0)
                return -ENOMEM;
        fprintf(out, "Share=%s\n", share);
        return 0;
}

static int write_pod_section(FILE *out, const PodSpec *s, sd_bus_error *error) {
        int r;

        if (!s->name || !container_name_is_valid(s->name))
                return invalid(error, "The pod has no valid name.");
        fprintf(out, "\n[Pod]\nPodName=%s\n", s->name);
        r = write_network(out, s, error);
        if (r >= 0 && s->hostname)
                r = write_raw(out, "HostName", s->hostname, error);
        if (r >= 0)
                r = write_labels(out, s->labels, error);
        if (r >= 0)
                r = write_limits(out, s);
        return r;
}

int pod_file_format(const PodSpec *s, char **ret, sd_bus_error *error) {
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        FILE *out;
        int r;

        out = open_memstream(&text, &size);
        if (!out)
                return -ENOMEM;
        write_header(out, strempty(s->name));
        r = write_pod_section(out, s, error);
        if (r >= 0)
                fputs("\n[Install]\nWantedBy=multi-user.target\n", out);
        if (fclose(out) != 0 && r >= 0)
                r = -ENOMEM;
        if (r < 0)
                return r;
        *ret = TAKE_PTR(text);
        return 0;
}
