/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-file.c — see container-file.h. The INI reader is at the bottom; the
 * [Container] key table and its value parsers at the top.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "shared/container-file.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/names.h"
#include "shared/refused-keys.h"
#include "shared/util.h"

#define CONTAINER_FILE_MAX (1024 * 1024)

/* Reads a .container file, drop-in or environment file: a regular file of at most CONTAINER_FILE_MAX
 * bytes (-EFBIG), or /dev/null, which masks a file as in systemd. Anything else (a FIFO, a device, a
 * directory) is -EBADFD: the generator runs at boot, and a blocking read must not hang it. The stat()
 * spares devices an open(); the non-blocking open() and fstat() make a file swapped in meanwhile harmless. */
static int read_config_file(const char *path, char **ret, size_t *ret_size) {
        _cleanup_close_ int fd = -EBADF;
        struct stat st;

        for (int i = 0; i < 2; i++) {
                if ((i == 0 ? stat(path, &st) : fstat(fd, &st)) < 0)
                        return negative_errno();
                if (!S_ISREG(st.st_mode) && !(S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3)))
                        return -EBADFD;
                if (i == 0 && (fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)) < 0)
                        return negative_errno();
        }
        return read_full_fd(fd, CONTAINER_FILE_MAX, ret, ret_size);
}

/* read_config_file()'s errors for a message: its own say more than %m. */
static const char *read_error_to_string(int r) {
        return r == -EFBIG ? "larger than 1 MiB" : r == -EBADFD ? "not a regular file" : strerror(-r);
}

static const char *const pull_policy_table[_PULL_POLICY_MAX] = {
        [PULL_MISSING] = "missing",
        [PULL_NEVER] = "never",
        [PULL_ALWAYS] = "always",
};

DEFINE_STRING_TABLE_LOOKUP(pull_policy, PullPolicy);

/* A list being built, grown by doubling: strv_push() walks the whole list for every entry. */
typedef struct WordList {
        char **words; /* NULL-terminated */
        size_t n, alloc;
} WordList;

static void word_list_done(WordList *w) {
        strv_freep(&w->words);
        *w = (WordList){};
}

static int word_list_add(WordList *w, const char *s, size_t len) {
        if (w->n + 2 > w->alloc) {
                size_t alloc = MAX(w->alloc * 2, 8);
                char **grown = realloc(w->words, sizeof(char *) * alloc);
                if (!grown)
                        return -ENOMEM;
                w->words = grown;
                w->alloc = alloc;
        }
        w->words[w->n] = strndup(s, len);
        if (!w->words[w->n])
                return -ENOMEM;
        w->words[++w->n] = NULL;
        return 0;
}

/* Moves the words to the end of *target, in one step. */
static int word_list_move_to(WordList *w, char ***target) {
        size_t n = strv_length(*target);
        char **l;

        if (w->n == 0)
                return 0;
        l = realloc(*target, sizeof(char *) * (n + w->n + 1));
        if (!l)
                return -ENOMEM;
        memcpy(l + n, w->words, sizeof(char *) * (w->n + 1)); /* with the closing NULL */
        free(w->words);
        *w = (WordList){};
        *target = l;
        return 0;
}

/* Splits on whitespace; "double" (with \\ escapes) and 'single' quotes group words. More than max words
 * is -E2BIG, found while splitting: a long line of words costs no more than its first max words. */
static int split_words(const char *s, size_t max, WordList *ret) {
        _cleanup_free_ char *w = malloc(strlen(s) + 1);

        if (!w)
                return -ENOMEM;
        for (const char *p = s;;) {
                size_t n = 0;
                p += strspn(p, " \t");
                if (!*p)
                        break;
                while (*p && !strchr(" \t", *p)) {
                        char q = *p;
                        if (q != '"' && q != '\'') {
                                w[n++] = *p++;
                                continue;
                        }
                        for (p++; *p && *p != q; p++) {
                                if (q == '"' && *p == '\\' && p[1])
                                        p++;
                                w[n++] = *p;
                        }
                        if (*p != q)
                                return -EINVAL; /* unbalanced quote */
                        p++;
                }
                if (ret->n >= max)
                        return -E2BIG;
                if (word_list_add(ret, w, n) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int parse_bool(const char *v, bool *ret) {
        static const char *const yes[] = { "1", "yes", "true", "on" }, *const no[] = { "0", "no", "false",
                                                                                       "off" };

        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                if (strcasecmp(v, yes[i]) == 0)
                        return *ret = true, 0;
                if (strcasecmp(v, no[i]) == 0)
                        return *ret = false, 0;
        }
        return -EINVAL;
}

_printf_(2, 3) static int set_message(char **ret_message, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(ret_message, fmt, ap);
        va_end(ap);
        return r < 0 ? -ENOMEM : -EINVAL;
}

/* A list longer than this ends the reading of its file (which is refused anyway): this bounds the work
 * a file makes, as CONTAINER_ARGS_MAX bounds what a container may have. */
#define LIST_MAX CONTAINER_ARGS_MAX

static int too_many(char **ret_message, const char *what) {
        int r = set_message(ret_message, "more than %d %s; the rest of the file is not read", LIST_MAX, what);
        return r == -ENOMEM ? r : -E2BIG;
}

/* A list setting: words are appended; an empty value resets the list (as in systemd). */
static int append_words(char ***target, const char *v, char **ret_message) {
        _cleanup_(word_list_done) WordList words = {};
        size_t n = strv_length(*target);
        int r;

        if (isempty(v)) {
                strv_freep(target);
                return 0;
        }
        r = split_words(v, LIST_MAX - MIN(n, LIST_MAX), &words);
        if (r == -E2BIG)
                return too_many(ret_message, "values");
        if (r == -EINVAL)
                return set_message(ret_message, "unbalanced quotes in '%s'", v);
        if (r < 0)
                return r;
        return word_list_move_to(&words, target);
}

static int parse_image(ContainerFile *f, const char *k, const char *v, char **m) {
        if (isempty(v) || strlen(v) > 4096 || !utf8_is_valid(v) || strpbrk(v, " \t"))
                return set_message(m, "'%s' is not an image reference", v);
        return free_and_strdup(&f->spec.image, v);
}

static int parse_rootfs(ContainerFile *f, const char *k, const char *v, char **m) {
        if (v[0] != '/')
                return set_message(m, "'%s' is not an absolute path", v);
        return free_and_strdup(&f->spec.rootfs, v);
}

static int parse_exec(ContainerFile *f, const char *k, const char *v, char **m) {
        strv_freep(&f->spec.command); /* Exec= replaces, like ExecStart= after a reset */
        return append_words(&f->spec.command, v, m);
}

static int parse_entrypoint(ContainerFile *f, const char *k, const char *v, char **m) {
        strv_freep(&f->entrypoint);
        return append_words(&f->entrypoint, v, m);
}

static int parse_name(ContainerFile *f, const char *k, const char *v, char **m) {
        if (!container_name_is_valid(v))
                return set_message(m, "'%s' is not a container name: use " CONTAINER_NAME_RULE, v);
        return free_and_strdup(&f->name, v);
}

static int parse_environment(ContainerFile *f, const char *k, const char *v, char **m) {
        size_t first = strv_length(f->spec.env);
        int r = append_words(&f->spec.env, v, m);

        for (size_t i = first; r >= 0 && f->spec.env && f->spec.env[i]; i++)
                if (!env_assignment_is_valid(f->spec.env[i]))
                        return set_message(m, "'%s' is not KEY=VALUE", f->spec.env[i]);
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
                return set_message(m, "'%s' is not an absolute path", path);
        r = read_config_file(path, &data, &size);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return optional ? 0 : set_message(m, "cannot read '%s': %s", path, read_error_to_string(r));
        if (strlen(data) != size)
                return set_message(m, "'%s' contains a NUL byte", path);
        for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                size_t len;

                line += strspn(line, " \t");
                len = strlen(line);
                if (len > 0 && line[len - 1] == '\r') /* a file written on Windows */
                        line[--len] = '\0';
                if (!*line || *line == '#' || *line == ';')
                        continue;
                if (!env_assignment_is_valid(line))
                        return set_message(m, "'%s' in the environment file is not KEY=VALUE", line);
                if (n + entries.n >= LIST_MAX)
                        return too_many(m, "environment variables");
                if (word_list_add(&entries, line, len) < 0)
                        return -ENOMEM;
        }
        return word_list_move_to(&entries, &f->spec.env);
}

static void volumes_clear(ContainerSpec *s) {
        for (size_t i = 0; i < s->n_volumes; i++) {
                free(s->volumes[i].source);
                free(s->volumes[i].destination);
        }
        free(s->volumes);
        s->volumes = NULL;
        s->n_volumes = 0;
}

/* A list: an empty value resets it. */
static int parse_volume(ContainerFile *f, const char *k, const char *v, char **m) {
        _cleanup_free_ char *copy = NULL;
        char *src, *dst, *opt;
        VolumeSpec *vs;

        if (isempty(v)) {
                volumes_clear(&f->spec);
                return 0;
        }
        if (f->spec.n_volumes >= LIST_MAX)
                return too_many(m, "volumes");
        copy = strdup(v);
        if (!copy)
                return -ENOMEM;
        src = copy;
        dst = strchr(src, ':');
        if (!dst)
                return set_message(m, "'%s' is not SOURCE:DEST[:ro|rw]", v);
        *dst++ = '\0';
        opt = strchr(dst, ':');
        if (opt)
                *opt++ = '\0';
        if (opt && !streq(opt, "ro") && !streq(opt, "rw"))
                return set_message(m, "unknown volume option '%s': use ro or rw", opt);
        vs = realloc(f->spec.volumes, sizeof(VolumeSpec) * (f->spec.n_volumes + 1));
        if (!vs)
                return -ENOMEM;
        f->spec.volumes = vs;
        vs[f->spec.n_volumes] = (VolumeSpec){ .source = strdup(src),
                                              .destination = strdup(dst),
                                              .read_only = opt && streq(opt, "ro") };
        f->spec.n_volumes++;
        return vs[f->spec.n_volumes - 1].source && vs[f->spec.n_volumes - 1].destination ? 0 : -ENOMEM;
}

static int parse_read_only(ContainerFile *f, const char *k, const char *v, char **m) {
        return parse_bool(v, &f->spec.read_only) < 0 ? set_message(m, "'%s' is not a boolean", v) : 0;
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
        return append_words(&f->spec.labels, v, m);
}

static int parse_memory(ContainerFile *f, const char *k, const char *v, char **m) {
        return parse_size(v, &f->spec.memory_max) < 0 ? set_message(m, "'%s' is not a size like 64m or 1g", v)
                                                      : 0;
}

static int parse_cpus_key(ContainerFile *f, const char *k, const char *v, char **m) {
        return parse_cpus(v, &f->spec.cpu_quota_usec) < 0 ? set_message(m, "'%s' is not a number of CPUs", v)
                                                          : 0;
}

static int parse_pids_limit(ContainerFile *f, const char *k, const char *v, char **m) {
        if (streq(v, "-1")) { /* no limit */
                f->spec.pids_limit = UINT64_MAX;
                return 0;
        }
        return safe_atou64(v, &f->spec.pids_limit) < 0 ? set_message(m, "'%s' is not a number", v) : 0;
}

static int parse_stop_signal(ContainerFile *f, const char *k, const char *v, char **m) {
        int sig = signal_from_string(v);
        if (sig <= 0)
                return set_message(m, "'%s' is not a signal", v);
        f->spec.stop_signal = sig;
        return 0;
}

static int parse_stop_timeout(ContainerFile *f, const char *k, const char *v, char **m) {
        return parse_duration(v, &f->spec.stop_timeout_usec) < 0 ? set_message(m, "'%s' is not a duration", v)
                                                                 : 0;
}

static int parse_runtime(ContainerFile *f, const char *k, const char *v, char **m) {
        if (!streq(v, "runc") && !streq(v, "crun"))
                return set_message(m, "unknown runtime '%s': use runc or crun", v);
        return free_and_strdup(&f->spec.runtime, v);
}

static int parse_network(ContainerFile *f, const char *k, const char *v, char **m) {
        int r = container_spec_set_network(&f->spec, v);
        return r == -EINVAL
                       ? set_message(m, "unknown network '%s': use none, host, bridge or a network's name", v)
                       : r;
}

/* A list: an empty value resets it. */
static int parse_publish_port(ContainerFile *f, const char *k, const char *v, char **m) {
        int r;

        if (isempty(v)) {
                strv_freep(&f->spec.ports);
                return 0;
        }
        if (strv_length(f->spec.ports) >= LIST_MAX)
                return too_many(m, "published ports");
        r = container_spec_add_port(&f->spec, v);
        return r == -EINVAL ? set_message(m, "'%s' is not [HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|udp]", v) : r;
}

/* Tty=yes: the unit asks conmand for a console socket in ExecStartPre= (conman-prepare) and conmand holds
 * the terminal, as for `conmanctl run -t`. */
static int parse_tty(ContainerFile *f, const char *k, const char *v, char **m) {
        if (parse_bool(v, &f->spec.tty) < 0)
                return set_message(m, "'%s' is not a boolean", v);
        return 0;
}

static int parse_userns(ContainerFile *f, const char *k, const char *v, char **m) {
        UsernsMode mode = userns_mode_from_string(v);
        if (mode < 0)
                return set_message(m, "unknown user namespace mode '%s': use auto or host", v);
        f->spec.userns = mode;
        return 0;
}

static int parse_pull(ContainerFile *f, const char *k, const char *v, char **m) {
        PullPolicy p = pull_policy_from_string(v);
        if (p < 0)
                return set_message(m, "unknown pull policy '%s': use missing, never or always", v);
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
        r = append_words(&words, v, m);
        for (char **w = words; r >= 0 && w && *w; w++) {
                r = add(&f->spec.security, *w);
                if (r == -EINVAL || r == -E2BIG)
                        return set_message(m, "'%s' is not valid: %s", *w, rule);
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
        return r == -EINVAL ? set_message(m, "'%s' is not valid: %s", v, rule) : r;
}

static int parse_seccomp_profile(ContainerFile *f, const char *k, const char *v, char **m) {
        return security_opt(f, "seccomp=", v, "use unconfined or an absolute path of a profile", m);
}

static int parse_apparmor(ContainerFile *f, const char *k, const char *v, char **m) {
        return security_opt(f, "apparmor=", v, "use a profile name or unconfined", m);
}

static int parse_no_new_privileges(ContainerFile *f, const char *k, const char *v, char **m) {
        return parse_bool(v, &f->spec.security.no_new_privileges) < 0
                       ? set_message(m, "'%s' is not a boolean", v)
                       : 0;
}

static int parse_privileged(ContainerFile *f, const char *k, const char *v, char **m) {
        return parse_bool(v, &f->spec.security.privileged) < 0 ? set_message(m, "'%s' is not a boolean", v)
                                                               : 0;
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
        { "Volume", parse_volume, "SOURCE:DEST[:ro|rw] (repeatable)" },
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
        container_spec_done(&f->spec);
        strv_freep(&f->entrypoint);
        strv_freep(&f->unit_lines);
        strv_freep(&f->service_lines);
        strv_freep(&f->install_lines);
        strv_freep(&f->wanted_by);
        strv_freep(&f->required_by);
        *f = (ContainerFile){};
}

/* ---- the INI reader ---- */

typedef enum Section {
        SECTION_NONE,
        SECTION_UNKNOWN,
        SECTION_CONTAINER,
        SECTION_UNIT,
        SECTION_SERVICE,
        SECTION_INSTALL,
        _SECTION_MAX,
        _SECTION_INVALID = -EINVAL,
} Section;

static void file_error(ContainerFile *f, const char *file, unsigned line, const char *key, const char *msg) {
        f->n_errors++;
        if (key)
                log_error("%s:%u: %s=: %s.", file, line, key, msg);
        else
                log_error("%s:%u: %s.", file, line, msg);
}

/* A value's error is logged with file and line, and reading goes on, so that every error of the file is
 * reported; only a list that grew too long (-E2BIG) ends it, and only -ENOMEM ends the generator. */
static int value_error(ContainerFile *f, const char *file, unsigned line, const char *key, int r,
                       const char *msg) {
        if (r >= 0 || r == -ENOMEM)
                return r;
        file_error(f, file, line, key, msg ?: "invalid value");
        return r == -E2BIG ? r : 0;
}

static int set_container_key(ContainerFile *f, const char *file, unsigned line, const char *key,
                             const char *v) {
        for (size_t i = 0; i < container_file_n_keys; i++) {
                _cleanup_free_ char *msg = NULL;
                int r;

                if (!streq(container_file_keys[i].key, key))
                        continue;
                r = container_file_keys[i].parse(f, key, v, &msg);
                return value_error(f, file, line, key, r, msg);
        }
        file_error(f, file, line, key, "unknown key in [Container] (see conman.container(5))");
        return 0;
}

static bool key_is_valid(const char *k) {
        return !isempty(k) &&
               strspn(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") == strlen(k);
}

/* [Unit]/[Service] keys that would break the container are refused (refused-keys.h); [Install] WantedBy=/
 * RequiredBy= become links; the rest is kept for reference. */
static int pass_through(ContainerFile *f, const char *file, unsigned n, Section s, const char *key,
                        const char *v) {
        _cleanup_free_ char *line = NULL;
        char ***target = s == SECTION_UNIT      ? &f->unit_lines
                         : s == SECTION_SERVICE ? &f->service_lines
                                                : &f->install_lines;
        const RefusedKey *refused;
        int r;

        refused = s == SECTION_INSTALL ? NULL
                                       : refused_key_find(s == SECTION_UNIT ? "Unit" : "Service", key, v);
        if (refused) {
                _cleanup_free_ char *msg = NULL;
                if (asprintf(&msg, "not supported in [%s]: %s", refused->section, refused->why) < 0)
                        return -ENOMEM;
                file_error(f, file, n, key, msg);
                return 0;
        }
        if (s == SECTION_INSTALL && (streq(key, "WantedBy") || streq(key, "RequiredBy"))) {
                char ***list = streq(key, "WantedBy") ? &f->wanted_by : &f->required_by;
                _cleanup_free_ char *msg = NULL;

                r = append_words(list, v, &msg);
                r = value_error(f, file, n, key, r, msg);
                if (r < 0)
                        return r;
        }
        if (strv_length(*target) >= LIST_MAX) {
                _cleanup_free_ char *msg = NULL;
                r = too_many(&msg, "lines in this section");
                return value_error(f, file, n, key, r, msg);
        }
        if (asprintf(&line, "%s=%s", key, v) < 0)
                return -ENOMEM;
        return strv_push(target, line);
}

static const char *const section_table[_SECTION_MAX] = {
        [SECTION_CONTAINER] = "Container",
        [SECTION_UNIT] = "Unit",
        [SECTION_SERVICE] = "Service",
        [SECTION_INSTALL] = "Install",
};

static DEFINE_STRING_TABLE_LOOKUP_FROM_STRING(section, Section);

static char *strip(char *s) {
        char *e;
        s += strspn(s, " \t");
        e = s + strlen(s);
        while (e > s && strchr(" \t\r", e[-1]))
                *--e = '\0';
        return s;
}

static int parse_line(ContainerFile *f, const char *file, unsigned n, char *l, Section *section) {
        char *eq, *key, *value;

        if (*l == '[') {
                char *end = strchr(l, ']');
                if (!end || end[1]) {
                        file_error(f, file, n, NULL, "malformed section header");
                        return 0;
                }
                *end = '\0';
                *section = section_from_string(l + 1);
                if (*section < 0) {
                        *section = SECTION_UNKNOWN;
                        file_error(f, file, n, NULL,
                                   "unknown section: use [Container], [Unit], [Service], [Install]");
                }
                return 0;
        }
        eq = strchr(l, '=');
        if (!eq) {
                file_error(f, file, n, NULL, "expected Key=Value");
                return 0;
        }
        *eq = '\0';
        key = strip(l);
        value = strip(eq + 1);
        if (!key_is_valid(key)) {
                file_error(f, file, n, NULL, "invalid key name");
                return 0;
        }
        if (!utf8_is_valid(value)) {
                file_error(f, file, n, key, "value is not valid UTF-8");
                return 0;
        }
        switch (*section) {
        case SECTION_CONTAINER: return set_container_key(f, file, n, key, value);
        case SECTION_NONE: file_error(f, file, n, key, "assignment outside of a section"); return 0;
        case SECTION_UNKNOWN: return 0; /* reported at the header */
        default: return pass_through(f, file, n, *section, key, value);
        }
}

/* Whether a line ends in an odd number of backslashes: an even number are escaped backslashes. */
static bool ends_in_continuation(const char *s, size_t n) {
        size_t k = 0;

        while (k < n && s[n - 1 - k] == '\\')
                k++;
        return k % 2 == 1;
}

/* Lines as in systemd.syntax(7): a line that ends in a backslash continues on the next, the backslash
 * becoming a blank; '#' and ';' start comment lines, which are skipped also between continued lines.
 * Continued lines are joined in place (a joined line is never longer than the text it came from), so
 * that reading stays linear in the size of the file. */
static int parse_data(ContainerFile *f, const char *file, char *data) {
        Section section = SECTION_NONE;
        char *line = NULL; /* the line being joined, at its start in data */
        size_t len = 0;
        unsigned n = 0, start = 0;

        for (char *p = data, *nl; p; p = nl ? nl + 1 : NULL) {
                size_t before = len, seg;
                char *l;
                int r;

                nl = strchr(p, '\n');
                if (nl)
                        *nl = '\0';
                else if (!*p && !line)
                        break;
                n++;
                l = p + strspn(p, " \t");
                if (*l == '#' || *l == ';') {
                        if (nl)
                                continue;
                        *p = '\0'; /* the file ends in a comment: still end a continued line */
                }
                if (!line) {
                        line = p;
                        start = n;
                }
                seg = strlen(p);
                memmove(line + len, p, seg + 1);
                len += seg;
                while (len > 0 && strchr(" \t\r", line[len - 1]))
                        line[--len] = '\0';
                if (len > before && ends_in_continuation(line + before, len - before)) {
                        line[len - 1] = ' ';
                        if (nl)
                                continue;
                }
                l = line + strspn(line, " \t");
                line = NULL;
                len = 0;
                if (!*l)
                        continue;
                r = parse_line(f, file, start, l, &section);
                if (r == -E2BIG)
                        return 0; /* reported; the file is refused */
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_file(ContainerFile *f, const char *file) {
        _cleanup_free_ char *data = NULL;
        size_t size;
        int r;

        r = read_config_file(file, &data, &size);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                f->n_errors++;
                log_error("%s: cannot read: %s.", file, read_error_to_string(r));
                return 0;
        }
        if (strlen(data) != size) {
                file_error(f, file, 1, NULL, "the file contains a NUL byte");
                return 0;
        }
        return parse_data(f, file, data);
}

static int set_default_name(ContainerFile *f, const char *path) {
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        size_t n = strlen(base);

        if (n > 10 && streq(base + n - 10, ".container"))
                n -= 10;
        f->name = strndup(base, n);
        if (!f->name)
                return -ENOMEM;
        if (!container_name_is_valid(f->name))
                file_error(f, path, 1, "ContainerName",
                           "the file name is not a valid container name; set ContainerName=");
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
        return f->n_errors > 0 ? -EINVAL : 0;
}
