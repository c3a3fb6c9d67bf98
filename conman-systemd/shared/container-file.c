/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-file.c — see container-file.h. The [Container] key table and its value parsers; the
 * INI reader is shared/ini-file.c.
 */
#include <arpa/inet.h>
#include <signal.h>

#include "conman-config.h"
#include "shared/container-file.h"
#include "shared/ini-file.h"
#include "shared/log.h"
#include "shared/names.h"
#include "shared/util.h"
#include "shared/volume-spec.h"
#include "shared/volume-store.h"

static const char *const pull_policy_table[_PULL_POLICY_MAX] = {
        [PULL_MISSING] = "missing",
        [PULL_NEVER] = "never",
        [PULL_ALWAYS] = "always",
};

DEFINE_STRING_TABLE_LOOKUP(pull_policy, PullPolicy);

static int parse_image(ContainerFile *f, const char *k, const char *v, char **m) {
        if (isempty(v) || strlen(v) > 4096 || !utf8_is_valid(v) || strpbrk(v, " \t"))
                return ini_message(m, "'%s' is not an image reference", v);
        return free_and_strdup(&f->spec.image, v);
}

static int parse_rootfs(ContainerFile *f, const char *k, const char *v, char **m) {
        if (v[0] != '/')
                return ini_message(m, "'%s' is not an absolute path", v);
        return free_and_strdup(&f->spec.rootfs, v);
}

static int parse_exec(ContainerFile *f, const char *k, const char *v, char **m) {
        strv_freep(&f->spec.command); /* Exec= replaces, like ExecStart= after a reset */
        return ini_append_words(&f->spec.command, v, m);
}

static int parse_entrypoint(ContainerFile *f, const char *k, const char *v, char **m) {
        strv_freep(&f->entrypoint);
        return ini_append_words(&f->entrypoint, v, m);
}

static int parse_name(ContainerFile *f, const char *k, const char *v, char **m) {
        if (!container_name_is_valid(v))
                return ini_message(m, "'%s' is not a container name: use " CONTAINER_NAME_RULE, v);
        return free_and_strdup(&f->name, v);
}

static int parse_environment(ContainerFile *f, const char *k, const char *v, char **m) {
        size_t first = strv_length(f->spec.env);
        int r = ini_append_words(&f->spec.env, v, m);

        for (size_t i = first; r >= 0 && f->spec.env && f->spec.env[i]; i++)
                if (!env_assignment_is_valid(f->spec.env[i]))
                        return ini_message(m, "'%s' is not KEY=VALUE", f->spec.env[i]);
        return r;
}

/* Read now, so that the unit carries what the file said when it was generated. */
static int parse_environment_file(ContainerFile *f, const char *k, const char *v, char **m) {
        _cleanup_(word_list_done) WordList entries = {};
        _cleanup_free_ char *data = NULL;
        bool optional = v[0] == '-';
        const char *path = optional ? v + 1 : v;
        size_t size, n = strv_length(f->spec.env);
        char *save = NULL;
        int r;

        if (path[0] != '/')
                return ini_message(m, "'%s' is not an absolute path", path);
        r = ini_read_file(path, &data, &size);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return optional ? 0
                                : ini_message(m, "cannot read '%s': %s", path, ini_read_error_to_string(r));
        if (strlen(data) != size)
                return ini_message(m, "'%s' contains a NUL byte", path);
        for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                size_t len;

                line += strspn(line, " \t");
                len = strlen(line);
                if (len > 0 && line[len - 1] == '\r') /* a file written on Windows */
                        line[--len] = '\0';
                if (!*line || *line == '#' || *line == ';')
                        continue;
                if (!env_assignment_is_valid(line))
                        return ini_message(m, "'%s' in the environment file is not KEY=VALUE", line);
                if (n + entries.n >= INI_LIST_MAX)
                        return ini_too_many(m, "environment variables");
                if (word_list_add(&entries, line, len) < 0)
                        return -ENOMEM;
        }
        return word_list_move_to(&entries, &f->spec.env);
}

static void volumes_clear(ContainerSpec *s) {
        for (size_t i = 0; i < s->n_volumes; i++)
                volume_spec_done(&s->volumes[i]);
        free(s->volumes);
        s->volumes = NULL;
        s->n_volumes = 0;
}

static int add_volume(ContainerFile *f, const char *src, const char *dst, bool ro,
                      VolumePropagation propagation);

/* A list: an empty value resets it. */
static int parse_volume(ContainerFile *f, const char *k, const char *v, char **m) {
        _cleanup_free_ char *copy = NULL;
        char *src, *dst, *opt;
        VolumePropagation propagation;
        bool ro;
        int r;

        if (isempty(v)) {
                volumes_clear(&f->spec);
                return 0;
        }
        if (f->spec.n_volumes >= INI_LIST_MAX)
                return ini_too_many(m, "volumes");
        if (v[0] == '/' && !strchr(v, ':')) /* Volume=/path: an anonymous volume, as quadlet's */
                return add_volume(f, NULL, v, false, PROPAGATION_RPRIVATE);
        copy = strdup(v);
        if (!copy)
                return -ENOMEM;
        src = copy;
        dst = strchr(src, ':');
        if (!dst)
                return ini_message(m, "'%s' is not SOURCE:DEST[:ro|rw] or /DEST", v);
        *dst++ = '\0';
        opt = strchr(dst, ':');
        if (opt)
                *opt++ = '\0';
        r = volume_options_parse(opt, &ro, &propagation);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return ini_message(m,
                                   "unknown volume option in '%s': use ro or rw and a propagation "
                                   "(rprivate, private, rslave, slave, rshared, shared), joined by ','",
                                   v);
        if (!strchr(src, '/') && !volume_name_is_valid(src))
                return ini_message(
                        m, "'%s' is neither an absolute host path nor a volume name (" VOLUME_NAME_RULE ")",
                        src);
        return add_volume(f, src, dst, ro, propagation);
}

/* A host path, or a named volume's name (conman-prepare makes the volume at start when missing), or with
 * src NULL an anonymous volume (conman-prepare names it after the container and dst). */
static int add_volume(ContainerFile *f, const char *src, const char *dst, bool ro,
                      VolumePropagation propagation) {
        VolumeSpec *vs = realloc(f->spec.volumes, sizeof(VolumeSpec) * (f->spec.n_volumes + 1));
        int r = 0;

        if (!vs)
                return -ENOMEM;
        f->spec.volumes = vs;
        vs = &vs[f->spec.n_volumes++];
        *vs = (VolumeSpec){ .destination = strdup(dst), .read_only = ro, .propagation = propagation };
        if (!src)
                vs->anonymous = true;
        else if (volume_source_is_name(src)) {
                vs->volume_name = strdup(src);
                r = vs->volume_name ? volume_data_path(CONMAN_STATE_DIR, src, &vs->source) : -ENOMEM;
        } else
                vs->source = strdup(src);
        return r >= 0 && (vs->source || !src) && vs->destination ? 0 : -ENOMEM;
}

/* Mount=type=bind|volume|tmpfs,... as docker's --mount; type=volume without source is an anonymous volume. */
static int parse_mount(ContainerFile *f, const char *k, const char *v, char **m) {
        _cleanup_(mount_spec_done) MountSpec ms = {};
        VolumePropagation p = PROPAGATION_RPRIVATE;
        _cleanup_free_ char *t = NULL;
        int r;

        if (f->spec.n_volumes >= INI_LIST_MAX || strv_length(f->spec.tmpfs) >= INI_LIST_MAX)
                return ini_too_many(m, "mounts");
        r = mount_spec_parse(v, &ms);
        if (r == -ENOMEM)
                return r;
        if (r >= 0 && ms.propagation && (p = volume_propagation_from_string(ms.propagation)) < 0)
                r = -EINVAL;
        if (r < 0)
                return ini_message(m,
                                   "'%s' is not type=bind,source=PATH,target=DEST[,readonly], "
                                   "type=volume[,source=NAME],target=DEST[,readonly] or "
                                   "type=tmpfs,target=DEST[,tmpfs-size=SIZE,tmpfs-mode=MODE]",
                                   v);
        if (ms.type != MOUNT_TYPE_TMPFS)
                return add_volume(f, ms.source, ms.target, ms.read_only, p);
        if (asprintf(&t, "%s%s%s", ms.target, ms.tmpfs_options ? ":" : "", strempty(ms.tmpfs_options)) < 0)
                return -ENOMEM;
        return strv_push(&f->spec.tmpfs, t);
}

/* Tmpfs=DEST[:OPTIONS] as docker's --tmpfs; an empty value resets the list. */
static int parse_tmpfs(ContainerFile *f, const char *k, const char *v, char **m) {
        _cleanup_free_ char *dest = NULL;

        if (isempty(v)) {
                strv_freep(&f->spec.tmpfs);
                return 0;
        }
        if (strv_length(f->spec.tmpfs) >= INI_LIST_MAX)
                return ini_too_many(m, "tmpfs mounts");
        if (tmpfs_spec_parse(v, &dest, NULL) < 0)
                return ini_message(
                        m,
                        "'%s' is not DEST[:OPTIONS] with an absolute DEST and OPTIONS of size=, "
                        "mode=, uid=, gid=, nr_inodes=, ro, rw, exec, noexec, suid, nosuid, dev, nodev",
                        v);
        return strv_push(&f->spec.tmpfs, v);
}

static int parse_read_only(ContainerFile *f, const char *k, const char *v, char **m) {
        return ini_parse_bool(v, &f->spec.read_only) < 0 ? ini_message(m, "'%s' is not a boolean", v) : 0;
}

static int parse_working_dir(ContainerFile *f, const char *k, const char *v, char **m) {
        return free_and_strdup(&f->spec.working_dir, v);
}

static int parse_user(ContainerFile *f, const char *k, const char *v, char **m) {
        return free_and_strdup(&f->spec.user, v);
}

static int parse_hostname(ContainerFile *f, const char *k, const char *v, char **m) {
        return free_and_strdup(&f->spec.hostname, v);
}

static int parse_label(ContainerFile *f, const char *k, const char *v, char **m) {
        return ini_append_words(&f->spec.labels, v, m);
}

static int parse_memory(ContainerFile *f, const char *k, const char *v, char **m) {
        return parse_size(v, &f->spec.memory_max) < 0 ? ini_message(m, "'%s' is not a size like 64m or 1g", v)
                                                      : 0;
}

static int parse_cpus_key(ContainerFile *f, const char *k, const char *v, char **m) {
        return parse_cpus(v, &f->spec.cpu_quota_usec) < 0 ? ini_message(m, "'%s' is not a number of CPUs", v)
                                                          : 0;
}

static int parse_pids_limit(ContainerFile *f, const char *k, const char *v, char **m) {
        if (streq(v, "-1")) { /* no limit */
                f->spec.pids_limit = UINT64_MAX;
                return 0;
        }
        return safe_atou64(v, &f->spec.pids_limit) < 0 ? ini_message(m, "'%s' is not a number", v) : 0;
}

static int parse_stop_signal(ContainerFile *f, const char *k, const char *v, char **m) {
        int sig = signal_from_string(v);
        if (sig <= 0)
                return ini_message(m, "'%s' is not a signal", v);
        f->spec.stop_signal = sig;
        return 0;
}

static int parse_stop_timeout(ContainerFile *f, const char *k, const char *v, char **m) {
        return parse_duration(v, &f->spec.stop_timeout_usec) < 0 ? ini_message(m, "'%s' is not a duration", v)
                                                                 : 0;
}

static int parse_runtime(ContainerFile *f, const char *k, const char *v, char **m) {
        if (!streq(v, "runc") && !streq(v, "crun"))
                return ini_message(m, "unknown runtime '%s': use runc or crun", v);
        return free_and_strdup(&f->spec.runtime, v);
}

static int parse_network(ContainerFile *f, const char *k, const char *v, char **m) {
        int r = container_spec_set_network(&f->spec, v);

        f->network_set = r >= 0;
        return r == -EINVAL
                       ? ini_message(m, "unknown network '%s': use none, host, bridge or a network's name", v)
                       : r;
}

/* A list: an empty value resets it. */
static int parse_publish_port(ContainerFile *f, const char *k, const char *v, char **m) {
        int r;

        if (isempty(v)) {
                strv_freep(&f->spec.ports);
                return 0;
        }
        if (strv_length(f->spec.ports) >= INI_LIST_MAX)
                return ini_too_many(m, "published ports");
        if (!strchr(v, ':')) /* a free host port is chosen by conmand, which boot-time units do without */
                return ini_message(m, "'%s' has no host port: use [HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|udp]",
                                   v);
        r = container_spec_add_port(&f->spec, v);
        if (r >= 0 && strv_length(f->spec.ports) > 0 &&
            strstr(f->spec.ports[strv_length(f->spec.ports) - 1], "::"))
                return ini_message(m, "'%s' has no host port: use [HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|udp]",
                                   v);
        return r == -EINVAL || r == -ERANGE || r == -E2BIG
                       ? ini_message(m, "'%s' is not [HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|udp]", v)
                       : r;
}

/* Pod=NAME.pod: the generator finds that file among its inputs and fills spec.pod_id/pod_name from it. */
static int parse_pod(ContainerFile *f, const char *k, const char *v, char **m) {
        size_t n = strlen(v);

        if (isempty(v)) {
                free(f->pod);
                f->pod = NULL;
                return 0;
        }
        if (n <= 4 || !streq(v + n - 4, ".pod") || strchr(v, '/') || v[0] == '.')
                return ini_message(m, "'%s' is not the name of a .pod file: use NAME.pod", v);
        return free_and_strdup(&f->pod, v);
}

/* Tty=yes: the unit asks conmand for a console socket in ExecStartPre= (conman-prepare) and conmand holds
 * the terminal, as for `conmanctl run -t`. */
static int parse_tty(ContainerFile *f, const char *k, const char *v, char **m) {
        if (ini_parse_bool(v, &f->spec.tty) < 0)
                return ini_message(m, "'%s' is not a boolean", v);
        return 0;
}

static int parse_userns(ContainerFile *f, const char *k, const char *v, char **m) {
        UsernsMode mode = userns_mode_from_string(v);
        if (mode < 0)
                return ini_message(m, "unknown user namespace mode '%s': use auto or host", v);
        f->spec.userns = mode;
        return 0;
}

static int parse_pull(ContainerFile *f, const char *k, const char *v, char **m) {
        PullPolicy p = pull_policy_from_string(v);
        if (p < 0)
                return ini_message(m, "unknown pull policy '%s': use missing, never or always", v);
        f->pull = p;
        return 0;
}

/* ---- confinement (docs/security.md); Quadlet's key names ---- */

typedef int (*SecurityAdder)(SecuritySpec *s, const char *v);

/* Words, each added with add; an empty value resets list (as in systemd). */
static int add_security_words(ContainerFile *f, const char *v, char ***list, SecurityAdder add,
                              const char *rule, char **m) {
        _cleanup_strv_free_ char **words = NULL;
        int r;

        if (isempty(v)) {
                strv_freep(list);
                return 0;
        }
        r = ini_append_words(&words, v, m);
        for (char **w = words; r >= 0 && w && *w; w++) {
                r = add(&f->spec.security, *w);
                if (r == -EINVAL || r == -E2BIG)
                        return ini_message(m, "'%s' is not valid: %s", *w, rule);
        }
        return r;
}

static int add_cap(SecuritySpec *s, const char *v) {
        return security_spec_add_capability(&s->cap_add, v);
}

static int drop_cap(SecuritySpec *s, const char *v) {
        return security_spec_add_capability(&s->cap_drop, v);
}

static int parse_add_capability(ContainerFile *f, const char *k, const char *v, char **m) {
        return add_security_words(f, v, &f->spec.security.cap_add, add_cap, "use ALL or a name like NET_RAW",
                                  m);
}

static int parse_drop_capability(ContainerFile *f, const char *k, const char *v, char **m) {
        return add_security_words(f, v, &f->spec.security.cap_drop, drop_cap,
                                  "use ALL or a name like NET_RAW", m);
}

/* Quadlet's "-/dev/foo": only when the node exists. */
static int add_device_optional(SecuritySpec *s, const char *v) {
        if (v[0] == '-') {
                _cleanup_free_ char *host = strndup(v + 1, strcspn(v + 1, ":"));
                if (!host)
                        return -ENOMEM;
                if (access(host, F_OK) < 0)
                        return 0;
                v++;
        }
        return security_spec_add_device(s, v);
}

static int parse_add_device(ContainerFile *f, const char *k, const char *v, char **m) {
        return add_security_words(f, v, &f->spec.security.devices, add_device_optional,
                                  "use [-]HOST[:CONTAINER[:PERMS]] with absolute paths and PERMS of r, w, m",
                                  m);
}

static int parse_sysctl(ContainerFile *f, const char *k, const char *v, char **m) {
        return add_security_words(f, v, &f->spec.security.sysctls, security_spec_add_sysctl, "use key=value",
                                  m);
}

static int parse_group_add(ContainerFile *f, const char *k, const char *v, char **m) {
        return add_security_words(f, v, &f->spec.security.group_add, security_spec_add_group,
                                  "use a group name or number", m);
}

static int security_opt(ContainerFile *f, const char *prefix, const char *v, const char *rule, char **m) {
        _cleanup_free_ char *opt = NULL;
        int r;

        if (asprintf(&opt, "%s%s", prefix, v) < 0)
                return -ENOMEM;
        r = security_spec_add_security_opt(&f->spec.security, opt);
        return r == -EINVAL ? ini_message(m, "'%s' is not valid: %s", v, rule) : r;
}

static int parse_seccomp_profile(ContainerFile *f, const char *k, const char *v, char **m) {
        return security_opt(f, "seccomp=", v, "use unconfined or an absolute path of a profile", m);
}

static int parse_apparmor(ContainerFile *f, const char *k, const char *v, char **m) {
        return security_opt(f, "apparmor=", v, "use a profile name or unconfined", m);
}

static int parse_no_new_privileges(ContainerFile *f, const char *k, const char *v, char **m) {
        return ini_parse_bool(v, &f->spec.security.no_new_privileges) < 0
                       ? ini_message(m, "'%s' is not a boolean", v)
                       : 0;
}

static int parse_privileged(ContainerFile *f, const char *k, const char *v, char **m) {
        return ini_parse_bool(v, &f->spec.security.privileged) < 0
                       ? ini_message(m, "'%s' is not a boolean", v)
                       : 0;
}

/* ---- Quadlet's Annotation=, Ulimit=, ShmSize=, RunInit= ---- */

/* key=value words (repeatable); an empty value resets the list. */
static int parse_annotation(ContainerFile *f, const char *k, const char *v, char **m) {
        size_t first = strv_length(f->spec.annotations);
        int r;

        if (isempty(v)) {
                strv_freep(&f->spec.annotations);
                return 0;
        }
        r = ini_append_words(&f->spec.annotations, v, m);
        for (size_t i = first; r >= 0 && f->spec.annotations && f->spec.annotations[i]; i++)
                if (!strchr(f->spec.annotations[i], '=') || f->spec.annotations[i][0] == '=')
                        return ini_message(m, "'%s' is not key=value", f->spec.annotations[i]);
        return r;
}

/* NAME=SOFT[:HARD] words (repeatable), stored in their canonical spelling; an empty value resets. */
static int parse_ulimit(ContainerFile *f, const char *k, const char *v, char **m) {
        _cleanup_strv_free_ char **words = NULL;
        int r;

        if (isempty(v)) {
                strv_freep(&f->spec.ulimits);
                return 0;
        }
        r = ini_append_words(&words, v, m);
        for (char **w = words; r >= 0 && w && *w; w++) {
                char *canonical = NULL;
                Ulimit u;
                if (ulimit_parse(*w, &u) < 0)
                        return ini_message(m,
                                           "'%s' is not NAME=SOFT[:HARD] (nofile, nproc, core, ...; -1: "
                                           "unlimited)",
                                           *w);
                r = ulimit_format(&u, &canonical);
                if (r >= 0)
                        r = strv_push_take(&f->spec.ulimits, canonical);
        }
        return r;
}

static int parse_shm_size(ContainerFile *f, const char *k, const char *v, char **m) {
        if (parse_size(v, &f->spec.shm_size) < 0 || f->spec.shm_size == 0)
                return ini_message(m, "'%s' is not a size like 64m or 1g", v);
        return 0;
}

static int parse_run_init(ContainerFile *f, const char *k, const char *v, char **m) {
        return ini_parse_bool(v, &f->spec.init) < 0 ? ini_message(m, "'%s' is not a boolean", v) : 0;
}

/* ---- Quadlet's HealthCmd=, HealthInterval= ... (shared/health.h, docs/health.md) ---- */

/* A shell command (docker's CMD-SHELL); "none" turns any check off, the image's too, as Quadlet's. */
static int parse_health_cmd(ContainerFile *f, const char *k, const char *v, char **m) {
        HealthSpec *h = &f->spec.health;

        strv_freep(&h->test);
        h->disabled = streq(v, "none");
        if (h->disabled || isempty(v))
                return 0;
        if (strv_push(&h->test, "CMD-SHELL") < 0 || strv_push(&h->test, v) < 0)
                return -ENOMEM;
        return 0;
}

static int parse_health_duration(const char *v, uint64_t *ret, char **m) {
        if (health_parse_duration(v, ret) < 0)
                return ini_message(m, "'%s' is not a duration like 30s, 1m30s or 500ms", v);
        return 0;
}

static int parse_health_interval(ContainerFile *f, const char *k, const char *v, char **m) {
        return parse_health_duration(v, &f->spec.health.interval_usec, m);
}

static int parse_health_timeout(ContainerFile *f, const char *k, const char *v, char **m) {
        return parse_health_duration(v, &f->spec.health.timeout_usec, m);
}

static int parse_health_start_period(ContainerFile *f, const char *k, const char *v, char **m) {
        return parse_health_duration(v, &f->spec.health.start_period_usec, m);
}

static int parse_health_start_interval(ContainerFile *f, const char *k, const char *v, char **m) {
        return parse_health_duration(v, &f->spec.health.start_interval_usec, m);
}

static int parse_health_retries(ContainerFile *f, const char *k, const char *v, char **m) {
        uint64_t n;

        if (safe_atou64(v, &n) < 0 || n < 1 || n > 1000000)
                return ini_message(m, "'%s' is not a number from 1 to 1000000", v);
        f->spec.health.retries = (unsigned) n;
        return 0;
}

static int parse_health_on_failure(ContainerFile *f, const char *k, const char *v, char **m) {
        f->spec.health.on_failure = health_on_failure_from_string(v);
        if (f->spec.health.on_failure < 0)
                return ini_message(m, "'%s' is not none, kill, restart or stop", v);
        return 0;
}

/* AddHost=, DNS=, DNSSearch=, DNSOption=: one value a line (repeatable); an empty value resets the list. */
static int add_net_value(const char *v, char ***l, bool ok, const char *rule, char **m) {
        if (isempty(v)) {
                strv_freep(l);
                return 0;
        }
        if (!ok)
                return ini_message(m, "'%s' is not valid: %s", v, rule);
        if (strv_length(*l) >= INI_LIST_MAX)
                return ini_too_many(m, "values");
        return strv_push(l, v);
}

static bool dns_server_ok(const char *v) {
        unsigned char buf[16];
        return inet_pton(AF_INET, v, buf) == 1 || inet_pton(AF_INET6, v, buf) == 1;
}

static int parse_add_host(ContainerFile *f, const char *k, const char *v, char **m) {
        return add_net_value(v, &f->spec.net.add_hosts, add_host_parse(v, NULL, NULL) >= 0,
                             "use NAME:IP (or NAME:host-gateway)", m);
}

static int parse_dns(ContainerFile *f, const char *k, const char *v, char **m) {
        return add_net_value(v, &f->spec.net.dns_servers, dns_server_ok(v), "use an IPv4 or IPv6 address", m);
}

static int parse_dns_search(ContainerFile *f, const char *k, const char *v, char **m) {
        return add_net_value(v, &f->spec.net.dns_searches, dns_word_is_valid(v, 253), "use a domain", m);
}

static int parse_dns_option(ContainerFile *f, const char *k, const char *v, char **m) {
        return add_net_value(v, &f->spec.net.dns_options, dns_word_is_valid(v, 128),
                             "use a word such as ndots:2", m);
}

static int parse_expose_host_port(ContainerFile *f, const char *k, const char *v, char **m) {
        int r;

        if (isempty(v)) {
                strv_freep(&f->spec.net.expose);
                return 0;
        }
        r = expose_parse(v, &f->spec.net.expose);
        return r == -ENOMEM ? r : r < 0 ? ini_message(m, "'%s' is not PORT[-HIGH][/tcp|udp]", v) : 0;
}

static int parse_ip(ContainerFile *f, const char *k, const char *v, char **m) {
        struct in_addr a;

        if (inet_pton(AF_INET, v, &a) != 1)
                return ini_message(m, "'%s' is not an IPv4 address", v);
        return free_and_strdup(&f->spec.net.ip, v);
}

static int parse_mac(ContainerFile *f, const char *k, const char *v, char **m) {
        uint8_t mac[6];

        if (mac_address_parse(v, mac) < 0)
                return ini_message(m, "'%s' is not a unicast MAC address such as 02:42:ac:11:00:02", v);
        return free_and_strdup(&f->spec.net.mac_address, v);
}

const ContainerFileKey container_file_keys[] = {
        { "Image", parse_image, "image reference (pulled at start unless Pull=never)" },
        { "Rootfs", parse_rootfs, "absolute path of a root filesystem directory" },
        { "Exec", parse_exec, "command and arguments (replace the image's Cmd)" },
        { "Entrypoint", parse_entrypoint, "replaces the image's Entrypoint" },
        { "ContainerName", parse_name, "container name; default: the file name without .container" },
        { "Environment", parse_environment, "KEY=VALUE ... (repeatable)" },
        { "EnvironmentFile", parse_environment_file,
          "file of KEY=VALUE lines, read at generation; -PATH: optional" },
        { "Volume", parse_volume,
          "SOURCE:DEST[:OPTIONS]: a host path or a volume's name (repeatable; OPTIONS: ro|rw,rslave|...)" },
        { "Mount", parse_mount,
          "type=bind|volume|tmpfs,source=...,target=...[,readonly] as docker's --mount (repeatable)" },
        { "Tmpfs", parse_tmpfs, "DEST[:OPTIONS] a tmpfs (rw,noexec,nosuid,nodev by default; repeatable)" },
        { "ReadOnly", parse_read_only, "read-only root filesystem (boolean)" },
        { "WorkingDir", parse_working_dir, "working directory in the container" },
        { "User", parse_user, "uid[:gid] or name[:group]" },
        { "HostName", parse_hostname, "the container's host name" },
        { "Label", parse_label, "key=value ... (repeatable)" },
        { "Memory", parse_memory, "memory limit (64m, 1g) → MemoryMax=" },
        { "CPUs", parse_cpus_key, "CPU limit (1.5) → CPUQuota=" },
        { "PidsLimit", parse_pids_limit, "task limit → TasksMax= (default 2048; -1: no limit)" },
        { "StopSignal", parse_stop_signal, "signal that stops the container → KillSignal=" },
        { "StopTimeout", parse_stop_timeout, "time before SIGKILL (10, 1min) → TimeoutStopSec=" },
        { "Runtime", parse_runtime, "runc or crun" },
        { "Network", parse_network, "none (default), host, bridge (conman0) or a network's name" },
        { "PublishPort", parse_publish_port,
          "[HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|udp] (repeatable; bridge networks)" },
        { "ExposeHostPort", parse_expose_host_port, "PORT[-HIGH][/tcp|udp]: exposed ports (repeatable)" },
        { "AddHost", parse_add_host, "NAME:IP: a line of /etc/hosts; IP host-gateway (repeatable)" },
        { "DNS", parse_dns, "a nameserver of /etc/resolv.conf (repeatable; bridge networks)" },
        { "DNSSearch", parse_dns_search, "a search domain of /etc/resolv.conf (repeatable)" },
        { "DNSOption", parse_dns_option, "an options word of /etc/resolv.conf (repeatable)" },
        { "IP", parse_ip, "a fixed IPv4 address on the (native bridge) network" },
        { "MAC", parse_mac, "the MAC address of eth0" },
        { "Pod", parse_pod, "NAME.pod: the container joins that pod (conman.pod(5))" },
        { "Tty", parse_tty,
          "a terminal, held by conmand (attach, logs); the unit then wants conmand.service" },
        { "Pull", parse_pull, "missing (default), never or always" },
        { "UserNS", parse_userns, "auto: own range of the conman subordinate IDs; host (default)" },
        { "AddCapability", parse_add_capability, "capabilities to add: NET_RAW CAP_SYS_TIME ... or ALL" },
        { "DropCapability", parse_drop_capability, "capabilities to drop, or ALL" },
        { "AddDevice", parse_add_device, "[-]HOST[:CONTAINER[:PERMS]] device nodes (-: only if present)" },
        { "SeccompProfile", parse_seccomp_profile,
          "unconfined or the absolute path of a docker-format profile" },
        { "NoNewPrivileges", parse_no_new_privileges, "no-new-privileges (boolean)" },
        { "Sysctl", parse_sysctl, "namespaced sysctls, key=value ..." },
        { "GroupAdd", parse_group_add, "supplementary groups, names or numbers" },
        { "AppArmor", parse_apparmor, "AppArmor profile (only where AppArmor is enabled)" },
        { "Privileged", parse_privileged,
          "all capabilities and devices, no seccomp, no masked paths (boolean)" },
        { "Annotation", parse_annotation, "OCI annotations, key=value ... (repeatable)" },
        { "Ulimit", parse_ulimit,
          "resource limits, NAME=SOFT[:HARD] ... (nofile=1024:2048) → LimitNOFILE= ..." },
        { "ShmSize", parse_shm_size, "size of /dev/shm (default 64m)" },
        { "RunInit", parse_run_init, "an init (catatonit) as PID 1 in front of the command (boolean)" },
        { "HealthCmd", parse_health_cmd,
          "health check, run as /bin/sh -c CMD in the container; none: no check" },
        { "HealthInterval", parse_health_interval, "time between health checks (default 30s)" },
        { "HealthTimeout", parse_health_timeout, "time a health check may take (default 30s)" },
        { "HealthRetries", parse_health_retries,
          "failed checks in a row that make it unhealthy (default 3)" },
        { "HealthStartPeriod", parse_health_start_period, "failed checks before then do not count (0s)" },
        { "HealthStartInterval", parse_health_start_interval,
          "time between checks during the start period (the interval)" },
        { "HealthOnFailure", parse_health_on_failure, "none, kill, restart or stop when it turns unhealthy" },
};
const size_t container_file_n_keys = ELEMENTSOF(container_file_keys);

void container_file_init(ContainerFile *f) {
        *f = (ContainerFile){};
        container_spec_init(&f->spec);
        f->spec.network = NETWORK_NONE; /* Network= documents this default, whatever conmanctl's is */
}

void container_file_done(ContainerFile *f) {
        free(f->path);
        free(f->name);
        free(f->pod);
        container_spec_done(&f->spec);
        strv_freep(&f->entrypoint);
        strv_freep(&f->unit_lines);
        strv_freep(&f->service_lines);
        strv_freep(&f->install_lines);
        strv_freep(&f->wanted_by);
        strv_freep(&f->required_by);
        *f = (ContainerFile){};
}

static int set_key(void *userdata, const char *key, const char *value, char **ret_message) {
        ContainerFile *f = userdata;

        for (size_t i = 0; i < container_file_n_keys; i++)
                if (streq(container_file_keys[i].key, key))
                        return container_file_keys[i].parse(f, key, value, ret_message);
        return -ENOENT;
}

static int parse_file(ContainerFile *f, const char *path) {
        IniReader r = {
                .section = "Container",
                .man_page = "conman.container(5)",
                .with_service = true,
                .set_key = set_key,
                .userdata = f,
                .unit_lines = &f->unit_lines,
                .service_lines = &f->service_lines,
                .install_lines = &f->install_lines,
                .wanted_by = &f->wanted_by,
                .required_by = &f->required_by,
                .n_errors = &f->n_errors,
        };
        return ini_reader_parse_file(&r, path);
}

static int set_default_name(ContainerFile *f, const char *path) {
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        size_t n = strlen(base);

        if (n > 10 && streq(base + n - 10, ".container"))
                n -= 10;
        f->name = strndup(base, n);
        if (!f->name)
                return -ENOMEM;
        if (!container_name_is_valid(f->name)) {
                f->n_errors++;
                log_error("%s:1: ContainerName=: the file name is not a valid container name; set "
                          "ContainerName=.",
                          path);
        }
        return 0;
}

/* [Service] Restart= restarts the unit; conmand shows it as the container's restart policy, and a
 * policy makes the unit clear stale runtime state before each start (unit.c). The user's line stays
 * in the unit and wins; systemd's restart-on-some-failures kinds show as on-failure. */
static void restart_from_service(ContainerFile *f) {
        const char *v = NULL;

        for (char **l = f->service_lines; l && *l; l++)
                if (string_has_prefix(*l, "Restart="))
                        v = *l + strlen("Restart=");
        if (!v)
                return;
        f->spec.restart = streq(v, "") || streq(v, "no") ? RESTART_NO
                          : streq(v, "always")           ? RESTART_ALWAYS
                                                         : RESTART_ON_FAILURE;
        f->spec.restart_max_retries = 0;
}

int container_file_load(ContainerFile *f, const char *path, char *const *dropins) {
        int r;

        f->path = strdup(path);
        if (!f->path)
                return -ENOMEM;
        r = parse_file(f, path);
        for (size_t i = 0; r >= 0 && dropins && dropins[i]; i++)
                r = parse_file(f, dropins[i]);
        if (r < 0)
                return r;
        if (!f->name) {
                r = set_default_name(f, path);
                if (r < 0)
                        return r;
        }
        restart_from_service(f);
        if (!f->spec.image == !f->spec.rootfs) {
                f->n_errors++;
                log_error("%s: [Container] needs exactly one of Image= and Rootfs=.", path);
        }
        if (f->pod && (f->network_set || f->spec.ports || f->spec.hostname)) {
                f->n_errors++;
                log_error(
                        "%s: [Container] Network=, PublishPort= and HostName= belong to the pod: set them in "
                        "%s, not with Pod=.",
                        path, f->pod);
        }
        return f->n_errors > 0 ? -EINVAL : 0;
}
