/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * run-options.c — see run-options.h.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <unistd.h>

#include "shared/container-spec.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/network-options.h"
#include "shared/network-spec.h"
#include "shared/platform.h"
#include "shared/util.h"
#include "ctl.h"
#include "run-env.h"
#include "run-mounts.h"
#include "run-options.h"

static const char create_usage[] =
        "Usage: conmanctl %s [OPTIONS] IMAGE [COMMAND [ARG...]]\n"
        "       conmanctl %s [OPTIONS] --rootfs DIR COMMAND [ARG...]\n\n"
        "%s\n\n"
        "Options:\n"
        "%s"
        "      --name NAME            Name the container (default: generated)\n"
        "      --rootfs DIR           Root filesystem directory instead of an image\n"
        "      --pull POLICY          missing (default): pull IMAGE if absent; always; never\n"
        "      --tls-verify=false     Pull from a registry without TLS verification\n"
        "      --platform OS/ARCH[/VARIANT]  Pull IMAGE for that platform (linux/arm64); an image of\n"
        "                             another platform in the store is pulled again for it\n"
        "  -e, --env KEY[=VALUE]      Set an environment variable; KEY alone: its value here (repeatable)\n"
        "      --env-file FILE        Read KEY=VALUE (or KEY) lines from FILE\n"
        "      --env-host             Pass conmanctl's whole environment (below -e and --env-file)\n"
        "      --entrypoint CMD       Replace the image's entrypoint (and its command); '' clears it\n"
        "      --init                 Run an init (catatonit) as PID 1 that forwards signals and reaps\n"
        "      --cidfile FILE         Write the container id to FILE (which must not exist)\n"
        "  -w, --workdir DIR          Working directory inside the container\n"
        "  -u, --user USER[:GROUP]    User to run as (name or uid[:gid])\n"
        "  -v, --volume SRC:DST[:OPT]  Mount a host path or a named volume (made if missing), or an\n"
        "                             anonymous volume with DST alone (repeatable); OPT: ro|rw and/or\n"
        "                             a propagation (rprivate, rslave, rshared, ...), joined by ','\n"
        "      --mount type=TYPE,...  bind (source=PATH), volume (source=NAME) or tmpfs (tmpfs-size=,\n"
        "                             tmpfs-mode=), target=DST[,readonly] (repeatable)\n"
        "      --tmpfs DST[:OPT]      Mount a tmpfs (rw,noexec,nosuid,nodev unless OPT say otherwise)\n"
        "      --read-only            Mount the root filesystem read-only\n"
        "  -h, --hostname NAME        Container host name\n"
        "  -l, --label KEY=VALUE      Set a label (repeatable)\n"
        "      --label-file FILE      Read KEY=VALUE label lines from FILE\n"
        "      --annotation KEY=VALUE  Add an OCI annotation to config.json (repeatable)\n"
        "      --network NET          bridge (default: network conman0), none, host, or a network's name\n"
        "      --pod POD              Join a pod (conmanctl pod create): its network, IPC and UTS\n"
        "                             namespaces, its slice; not with -p, --hostname or --network\n"
        "  -p, --publish [[IP:][HOSTPORT]:]PORT[/tcp|udp]  Publish a container port on the host; without\n"
        "                             HOSTPORT a free one; ranges such as 8000-8002:80-82 (repeatable)\n"
        "  -P, --publish-all          Publish every exposed port (--expose, the image's) on a free host port\n"
        "      --expose PORT[/tcp|udp]  Expose a port or a range of ports for -P (repeatable)\n"
        "      --add-host NAME:IP     Add a line to /etc/hosts; IP host-gateway: the bridge's gateway\n"
        "                             (repeatable)\n"
        "      --dns IP               A nameserver of /etc/resolv.conf instead of the host's (repeatable)\n"
        "      --dns-search DOMAIN    A search domain of /etc/resolv.conf (repeatable)\n"
        "      --dns-option OPTION    An options word of /etc/resolv.conf, e.g. ndots:2 (repeatable)\n"
        "      --ip ADDRESS           A fixed IPv4 address on the (bridge) network\n"
        "      --mac-address MAC      The MAC address of eth0, e.g. 02:42:ac:11:00:02\n"
        "  -m, --memory SIZE          Memory limit (MemoryMax=), e.g. 64m, 1g\n"
        "      --cpus N               CPU limit (CPUQuota=), e.g. 1.5\n"
        "  -c, --cpu-shares N         Relative CPU shares, docker scale (CPUWeight=)\n"
        "      --cpu-weight N         CPU weight 1-10000 (CPUWeight=)\n"
        "      --pids-limit N         Maximum number of tasks (TasksMax=; default 2048, -1: no limit)\n"
        "      --memory-swap SIZE     Memory plus swap (MemorySwapMax= is the difference); -1: unlimited\n"
        "      --memory-reservation SIZE  Memory protected from reclaim (MemoryLow=)\n"
        "      --cpu-period USEC      CPU quota period, 1000-1000000 (CPUQuotaPeriodSec=)\n"
        "      --cpu-quota USEC       CPU time per period (CPUQuota=; not with --cpus)\n"
        "      --cpuset-cpus LIST     CPUs to run on, e.g. 0-2,4 (AllowedCPUs=)\n"
        "      --cpuset-mems LIST     Memory nodes (AllowedMemoryNodes=)\n"
        "      --blkio-weight N       I/O weight 10-1000 (IOWeight=)\n"
        "      --device-read-bps DEV:RATE    Read rate limit, e.g. /dev/sda:1mb (IOReadBandwidthMax=)\n"
        "      --device-write-bps DEV:RATE   Write rate limit (IOWriteBandwidthMax=)\n"
        "      --device-read-iops DEV:RATE   Read operations per second (IOReadIOPSMax=)\n"
        "      --device-write-iops DEV:RATE  Write operations per second (IOWriteIOPSMax=)\n"
        "      --blkio-weight-device DEV:WEIGHT  I/O weight 10-1000 of one device (IODeviceWeight=)\n"
        "      --ulimit NAME=SOFT[:HARD]     A resource limit, e.g. nofile=1024:2048 (LimitNOFILE=)\n"
        "      --oom-score-adj N      OOM score adjustment, -1000-1000 (OOMScoreAdjust=)\n"
        "      --shm-size SIZE        Size of /dev/shm (default 64m)\n"
        "      --stop-signal SIG      Signal that stops the container (KillSignal=, default TERM)\n"
        "      --stop-timeout SEC     Seconds before SIGKILL on stop (TimeoutStopSec=, default 10)\n"
        "      --restart POLICY       no, on-failure[:N], always, unless-stopped (Restart=)\n"
        "      --runtime NAME         OCI runtime: runc or crun\n"
        "      --userns MODE          auto: own range of subordinate IDs, root inside is not root outside;\n"
        "                             host (default): no user namespace\n"
        "      --cap-add CAP          Add a capability, e.g. NET_RAW, or ALL (repeatable)\n"
        "      --cap-drop CAP         Drop a capability, or ALL (repeatable)\n"
        "      --device HOST[:CONTAINER[:PERMS]]  Give the container a host device node (PERMS of rwm)\n"
        "      --privileged           All capabilities and devices, no seccomp, no masked paths\n"
        "      --security-opt OPT     seccomp=unconfined, seccomp=PROFILE.json, no-new-privileges,\n"
        "                             apparmor=PROFILE (repeatable)\n"
        "      --sysctl KEY=VALUE     A namespaced sysctl: kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*,\n"
        "                             net.* (not with --network host) (repeatable)\n"
        "      --group-add GROUP      A supplementary group of the container's process (repeatable)\n"
        "  -t, --tty                  Give the container a terminal (its output and input go through it)\n"
        "  -i, --interactive          Keep the container's stdin open; run forwards ours to it\n"
        "%s"
        "%s"
        "      --help                 Show this help\n";

static void help(const char *verb, bool is_run) {
        printf(create_usage, verb, verb,
               is_run ? "Create a container and start it as conman-<name>.service. Without -d, stream its output\n"
                        "and exit with its exit code; Ctrl-C stops it."
                      : "Create a container without starting it.",
               is_run ? "  -d, --detach               Run in the background and print the container id\n"
                        "      --rm                   Remove the container when it exits\n"
                        "      --detach-keys KEYS     Keys that leave an -it container running (default ctrl-p,ctrl-q)\n"
                      : "      --rm                   Remove the container when it exits\n",
               run_host_help, run_health_help);
}

void run_options_done(RunOptions *o) {
        run_host_done(&o->host);
        strv_freep(&o->env);
        strv_freep(&o->annotations);
        strv_freep(&o->ulimits);
        for (size_t k = 0; k < _DEVICE_RATE_KIND_MAX; k++)
                strv_freep(&o->device_rates[k]);
        strv_freep(&o->labels);
        strv_freep(&o->publish);
        strv_freep(&o->expose);
        strv_freep(&o->add_hosts);
        strv_freep(&o->dns);
        strv_freep(&o->dns_search);
        strv_freep(&o->dns_option);
        strv_freep(&o->volumes);
        strv_freep(&o->mounts);
        strv_freep(&o->tmpfs);
        strv_freep(&o->cap_add);
        strv_freep(&o->cap_drop);
        strv_freep(&o->devices);
        strv_freep(&o->security_opts);
        strv_freep(&o->sysctls);
        strv_freep(&o->group_add);
        free(o->rootfs_abs);
}

static int read_env_file(const char *path, char ***env) {
        _cleanup_free_ char *buf = NULL;
        unsigned bad = 0;
        int r;

        r = read_file(path, 4 * 1024 * 1024, &buf, NULL);
        if (r < 0)
                return log_error_errno(r, "conmanctl: cannot read env file %s: %m", path);
        r = run_env_add_file_text(env, buf, getenv, &bad);
        if (r == -EINVAL)
                return log_error_errno(r, "conmanctl: --env-file %s, line %u: not KEY=VALUE or KEY.", path,
                                       bad);
        return r < 0 ? log_oom() : 0;
}

/* --label-file: KEY=VALUE lines, '#' comments and blank lines skipped (docker's). */
static int read_label_file(const char *path, char ***labels) {
        _cleanup_free_ char *buf = NULL;
        char *line, *save = NULL;
        int r;

        r = read_file(path, 4 * 1024 * 1024, &buf, NULL);
        if (r < 0)
                return log_error_errno(r, "conmanctl: cannot read label file %s: %m", path);
        for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                line += strspn(line, " \t");
                if (line[0] == '#' || line[0] == 0)
                        continue;
                if (strv_push(labels, line) < 0)
                        return log_oom();
        }
        return 0;
}

static int add_env(RunOptions *o, const char *entry) {
        int r = run_env_add(&o->env, entry, getenv);
        if (r == -EINVAL)
                return log_error_errno(r, "conmanctl: invalid value '%s' for --env: use KEY=VALUE or KEY.",
                                       entry);
        return r < 0 ? log_oom() : 0;
}

static int parse_u64_option(const char *name, const char *value, int (*parser)(const char *, uint64_t *),
                            uint64_t *target, bool *have) {
        if (parser(value, target) < 0)
                return log_error_errno(-EINVAL, "conmanctl: invalid value '%s' for --%s.", value, name);
        *have = true;
        return 0;
}

/* -1 (podman's spelling): no limit */
static int parse_pids_limit(const char *s, uint64_t *ret) {
        if (streq(s, "-1")) {
                *ret = UINT64_MAX;
                return 0;
        }
        return safe_atou64(s, ret);
}

static int parse_stop_timeout(const char *s, uint64_t *ret) {
        return parse_duration(s, ret);
}

enum {
        ARG_NAME = 0x100,
        ARG_ROOTFS,
        ARG_ENV_FILE,
        ARG_READ_ONLY,
        ARG_NETWORK,
        ARG_CPUS,
        ARG_CPU_WEIGHT,
        ARG_PIDS_LIMIT,
        ARG_STOP_SIGNAL,
        ARG_STOP_TIMEOUT,
        ARG_RESTART,
        ARG_RUNTIME,
        ARG_RM,
        ARG_HELP,
        ARG_PULL,
        ARG_PLATFORM,
        ARG_TLS_VERIFY,
        ARG_DETACH_KEYS,
        ARG_USERNS,
        ARG_CAP_ADD,
        ARG_CAP_DROP,
        ARG_DEVICE,
        ARG_PRIVILEGED,
        ARG_SECURITY_OPT,
        ARG_SYSCTL,
        ARG_GROUP_ADD,
        ARG_POD,
        ARG_ENV_HOST,
        ARG_ENTRYPOINT,
        ARG_INIT,
        ARG_CIDFILE,
        ARG_LABEL_FILE,
        ARG_ANNOTATION,
        ARG_MEMORY_SWAP,
        ARG_MEMORY_RESERVATION,
        ARG_CPU_PERIOD,
        ARG_CPU_QUOTA,
        ARG_CPUSET_CPUS,
        ARG_CPUSET_MEMS,
        ARG_BLKIO_WEIGHT,
        ARG_DEVICE_READ_BPS, /* in DeviceRateKind order */
        ARG_DEVICE_WRITE_BPS,
        ARG_DEVICE_READ_IOPS,
        ARG_DEVICE_WRITE_IOPS,
        ARG_BLKIO_WEIGHT_DEVICE, /* DEVICE_WEIGHT */
        ARG_ULIMIT,
        ARG_OOM_SCORE_ADJ,
        ARG_SHM_SIZE,
        ARG_HEALTH_FIRST, /* the health check flags, in RunHealthFlag order (run-health.h) */
        ARG_HEALTH_LAST = ARG_HEALTH_FIRST + _RUN_HEALTH_FLAG_MAX - 1,
        ARG_EXPOSE,
        ARG_ADD_HOST,
        ARG_DNS,
        ARG_DNS_SEARCH,
        ARG_DNS_OPTION,
        ARG_IP,
        ARG_MAC_ADDRESS,
        ARG_MOUNT,
        ARG_TMPFS,
        ARG_HOST_FIRST, /* run-host.h's flags, in RunHostFlag order */
        ARG_HOST_LAST = ARG_HOST_FIRST + _RUN_HOST_FLAG_MAX - 1,
};

static const struct option run_long_options[] = {
        { "detach", no_argument, NULL, 'd' },
        { "rm", no_argument, NULL, ARG_RM },
        { "name", required_argument, NULL, ARG_NAME },
        { "rootfs", required_argument, NULL, ARG_ROOTFS },
        { "env", required_argument, NULL, 'e' },
        { "env-file", required_argument, NULL, ARG_ENV_FILE },
        { "workdir", required_argument, NULL, 'w' },
        { "user", required_argument, NULL, 'u' },
        { "volume", required_argument, NULL, 'v' },
        { "read-only", no_argument, NULL, ARG_READ_ONLY },
        { "hostname", required_argument, NULL, 'h' },
        { "label", required_argument, NULL, 'l' },
        { "network", required_argument, NULL, ARG_NETWORK },
        { "net", required_argument, NULL, ARG_NETWORK },
        { "pod", required_argument, NULL, ARG_POD },
        { "publish", required_argument, NULL, 'p' },
        { "memory", required_argument, NULL, 'm' },
        { "cpus", required_argument, NULL, ARG_CPUS },
        { "cpu-shares", required_argument, NULL, 'c' },
        { "cpu-weight", required_argument, NULL, ARG_CPU_WEIGHT },
        { "pids-limit", required_argument, NULL, ARG_PIDS_LIMIT },
        { "stop-signal", required_argument, NULL, ARG_STOP_SIGNAL },
        { "stop-timeout", required_argument, NULL, ARG_STOP_TIMEOUT },
        { "restart", required_argument, NULL, ARG_RESTART },
        { "runtime", required_argument, NULL, ARG_RUNTIME },
        { "pull", required_argument, NULL, ARG_PULL },
        { "platform", required_argument, NULL, ARG_PLATFORM },
        { "tls-verify", required_argument, NULL, ARG_TLS_VERIFY },
        { "tty", no_argument, NULL, 't' },
        { "interactive", no_argument, NULL, 'i' },
        { "detach-keys", required_argument, NULL, ARG_DETACH_KEYS },
        { "userns", required_argument, NULL, ARG_USERNS },
        { "cap-add", required_argument, NULL, ARG_CAP_ADD },
        { "cap-drop", required_argument, NULL, ARG_CAP_DROP },
        { "device", required_argument, NULL, ARG_DEVICE },
        { "privileged", no_argument, NULL, ARG_PRIVILEGED },
        { "security-opt", required_argument, NULL, ARG_SECURITY_OPT },
        { "sysctl", required_argument, NULL, ARG_SYSCTL },
        { "group-add", required_argument, NULL, ARG_GROUP_ADD },
        { "env-host", no_argument, NULL, ARG_ENV_HOST },
        { "entrypoint", required_argument, NULL, ARG_ENTRYPOINT },
        { "init", no_argument, NULL, ARG_INIT },
        { "cidfile", required_argument, NULL, ARG_CIDFILE },
        { "label-file", required_argument, NULL, ARG_LABEL_FILE },
        { "annotation", required_argument, NULL, ARG_ANNOTATION },
        { "memory-swap", required_argument, NULL, ARG_MEMORY_SWAP },
        { "memory-reservation", required_argument, NULL, ARG_MEMORY_RESERVATION },
        { "cpu-period", required_argument, NULL, ARG_CPU_PERIOD },
        { "cpu-quota", required_argument, NULL, ARG_CPU_QUOTA },
        { "cpuset-cpus", required_argument, NULL, ARG_CPUSET_CPUS },
        { "cpuset-mems", required_argument, NULL, ARG_CPUSET_MEMS },
        { "blkio-weight", required_argument, NULL, ARG_BLKIO_WEIGHT },
        { "device-read-bps", required_argument, NULL, ARG_DEVICE_READ_BPS },
        { "device-write-bps", required_argument, NULL, ARG_DEVICE_WRITE_BPS },
        { "device-read-iops", required_argument, NULL, ARG_DEVICE_READ_IOPS },
        { "device-write-iops", required_argument, NULL, ARG_DEVICE_WRITE_IOPS },
        { "blkio-weight-device", required_argument, NULL, ARG_BLKIO_WEIGHT_DEVICE },
        { "pid", required_argument, NULL, ARG_HOST_FIRST + RUN_HOST_PID },
        { "ipc", required_argument, NULL, ARG_HOST_FIRST + RUN_HOST_IPC },
        { "uts", required_argument, NULL, ARG_HOST_FIRST + RUN_HOST_UTS },
        { "cgroupns", required_argument, NULL, ARG_HOST_FIRST + RUN_HOST_CGROUPNS },
        { "cgroup-parent", required_argument, NULL, ARG_HOST_FIRST + RUN_HOST_CGROUP_PARENT },
        { "domainname", required_argument, NULL, ARG_HOST_FIRST + RUN_HOST_DOMAINNAME },
        { "network-alias", required_argument, NULL, ARG_HOST_FIRST + RUN_HOST_NETWORK_ALIAS },
        { "quiet", no_argument, NULL, 'q' },
        { "sig-proxy", required_argument, NULL, ARG_HOST_FIRST + RUN_HOST_SIG_PROXY },
        { "ulimit", required_argument, NULL, ARG_ULIMIT },
        { "oom-score-adj", required_argument, NULL, ARG_OOM_SCORE_ADJ },
        { "shm-size", required_argument, NULL, ARG_SHM_SIZE },
        { "health-cmd", required_argument, NULL, ARG_HEALTH_FIRST + RUN_HEALTH_CMD },
        { "health-interval", required_argument, NULL, ARG_HEALTH_FIRST + RUN_HEALTH_INTERVAL },
        { "health-timeout", required_argument, NULL, ARG_HEALTH_FIRST + RUN_HEALTH_TIMEOUT },
        { "health-retries", required_argument, NULL, ARG_HEALTH_FIRST + RUN_HEALTH_RETRIES },
        { "health-start-period", required_argument, NULL, ARG_HEALTH_FIRST + RUN_HEALTH_START_PERIOD },
        { "health-start-interval", required_argument, NULL, ARG_HEALTH_FIRST + RUN_HEALTH_START_INTERVAL },
        { "health-on-failure", required_argument, NULL, ARG_HEALTH_FIRST + RUN_HEALTH_ON_FAILURE },
        { "no-healthcheck", no_argument, NULL, ARG_HEALTH_FIRST + RUN_NO_HEALTHCHECK },
        { "publish-all", no_argument, NULL, 'P' },
        { "expose", required_argument, NULL, ARG_EXPOSE },
        { "add-host", required_argument, NULL, ARG_ADD_HOST },
        { "dns", required_argument, NULL, ARG_DNS },
        { "dns-search", required_argument, NULL, ARG_DNS_SEARCH },
        { "dns-option", required_argument, NULL, ARG_DNS_OPTION },
        { "ip", required_argument, NULL, ARG_IP },
        { "mac-address", required_argument, NULL, ARG_MAC_ADDRESS },
        { "mount", required_argument, NULL, ARG_MOUNT },
        { "tmpfs", required_argument, NULL, ARG_TMPFS },
        { "help", no_argument, NULL, ARG_HELP },
        {},
};

/* seccomp=PROFILE relative to our directory: conmand reads it, so make it absolute. */
static int push_security_opt(RunOptions *o, const char *v) {
        _cleanup_free_ char *abs = NULL, *opt = NULL;

        if (string_has_prefix(v, "seccomp=") && v[8] && v[8] != '/' && !streq(v + 8, "unconfined")) {
                abs = realpath(v + 8, NULL);
                if (!abs)
                        return log_error_errno(errno, "conmanctl: seccomp profile %s: %m", v + 8);
                if (asprintf(&opt, "seccomp=%s", abs) < 0)
                        return log_oom();
                v = opt;
        }
        return strv_push(&o->security_opts, v) < 0 ? log_oom() : 0;
}

static int parse_security_option(int c, RunOptions *o) {
        char ***l;

        switch (c) {
        case ARG_PRIVILEGED: o->privileged = true; return 0;
        case ARG_SECURITY_OPT: return push_security_opt(o, optarg);
        case ARG_CAP_ADD: l = &o->cap_add; break;
        case ARG_CAP_DROP: l = &o->cap_drop; break;
        case ARG_DEVICE: l = &o->devices; break;
        case ARG_SYSCTL: l = &o->sysctls; break;
        case ARG_GROUP_ADD: l = &o->group_add; break;
        default: return ctl_usage_error();
        }
        return strv_push(l, optarg) < 0 ? log_oom() : 0;
}

static int invalid_value(const char *option, const char *value, const char *rule) {
        return log_error_errno(-EINVAL, "conmanctl: invalid value '%s' for --%s: %s.", value, option, rule);
}

static int parse_ulimit(RunOptions *o, const char *v) {
        Ulimit u;

        if (ulimit_parse(v, &u) < 0)
                return invalid_value("ulimit", v,
                                     "use NAME=SOFT[:HARD] with a name such as nofile, nproc or core, "
                                     "numbers or -1, SOFT not above HARD");
        return strv_push(&o->ulimits, v) < 0 ? log_oom() : 0;
}

static int parse_device_rate(RunOptions *o, DeviceRateKind k, const char *v) {
        _cleanup_free_ char *path = NULL;
        uint64_t rate;

        if (device_rate_parse(k, v, &path, &rate) < 0)
                return invalid_value(device_rate_option(k), v,
                                     k <= DEVICE_WRITE_BPS ? "use /dev/DEVICE:RATE, RATE a size such as 1mb"
                                     : k == DEVICE_WEIGHT  ? "use /dev/DEVICE:WEIGHT, WEIGHT 10-1000"
                                                           : "use /dev/DEVICE:RATE, RATE a number above 0");
        return strv_push(&o->device_rates[k], v) < 0 ? log_oom() : 0;
}

static int parse_in_range(const char *option, const char *v, uint64_t min, uint64_t max, uint64_t *target,
                          bool *have) {
        if (safe_atou64(v, target) < 0 || *target < min || *target > max) {
                _cleanup_free_ char *rule = NULL;
                if (asprintf(&rule, "use a number from %" PRIu64 " to %" PRIu64, min, max) < 0)
                        return log_oom();
                return invalid_value(option, v, rule);
        }
        *have = true;
        return 0;
}

static int parse_oom_score_adj(RunOptions *o, const char *v) {
        if (safe_atoi(v, &o->oom_score_adj) < 0 || o->oom_score_adj < -1000 || o->oom_score_adj > 1000)
                return invalid_value("oom-score-adj", v, "use a number from -1000 to 1000");
        o->have_oom_score_adj = true;
        return 0;
}

static int parse_cpuset(const char *option, const char *v, const char **target) {
        _cleanup_free_ uint8_t *mask = NULL;
        size_t n;

        if (cpuset_parse(v, &mask, &n) < 0)
                return invalid_value(option, v, "use a list such as 0-3,5");
        *target = v;
        return 0;
}

/* docker's resource flags (run-limits.h); -EOPNOTSUPP for another option. */
static int parse_resource_option(int c, RunOptions *o) {
        switch (c) {
        case ARG_MEMORY_SWAP:
                if (memory_swap_parse(optarg, &o->memory_swap) < 0)
                        return invalid_value("memory-swap", optarg,
                                             "use a size such as 1g, or -1 (unlimited)");
                o->have_memory_swap = true;
                return 0;
        case ARG_MEMORY_RESERVATION:
                if (parse_size(optarg, &o->memory_reservation) < 0)
                        return invalid_value("memory-reservation", optarg, "use a size such as 512m");
                o->have_memory_reservation = true;
                return 0;
        case ARG_CPU_PERIOD:
                return parse_in_range("cpu-period", optarg, 1000, 1000000, &o->cpu_period,
                                      &o->have_cpu_period);
        case ARG_CPU_QUOTA:
                return parse_in_range("cpu-quota", optarg, 1000, UINT64_C(1) << 40, &o->cpu_quota_docker,
                                      &o->have_cpu_quota_docker);
        case ARG_CPUSET_CPUS: return parse_cpuset("cpuset-cpus", optarg, &o->cpuset_cpus);
        case ARG_CPUSET_MEMS: return parse_cpuset("cpuset-mems", optarg, &o->cpuset_mems);
        case ARG_BLKIO_WEIGHT:
                return parse_in_range("blkio-weight", optarg, 10, 1000, &o->blkio_weight,
                                      &o->have_blkio_weight);
        case ARG_DEVICE_READ_BPS ... ARG_BLKIO_WEIGHT_DEVICE:
                return parse_device_rate(o, (DeviceRateKind) (c - ARG_DEVICE_READ_BPS), optarg);
        case ARG_ULIMIT: return parse_ulimit(o, optarg);
        case ARG_OOM_SCORE_ADJ: return parse_oom_score_adj(o, optarg);
        case ARG_SHM_SIZE:
                if (parse_size(optarg, &o->shm_size) < 0 || o->shm_size == 0)
                        return invalid_value("shm-size", optarg, "use a size such as 64m");
                o->have_shm_size = true;
                return 0;
        default: return -EOPNOTSUPP;
        }
}

static int parse_publish(RunOptions *o, const char *v) {
        _cleanup_free_ PortMapping *l = NULL;
        size_t n;
        int r = port_mappings_parse(v, &l, &n);

        if (r == -ERANGE)
                return invalid_value("publish", v,
                                     "the host and container port ranges must be of the same length");
        if (r < 0)
                return invalid_value(
                        "publish", v,
                        "use [[HOSTIP:][HOSTPORT]:]CONTAINERPORT[/tcp|udp], ports 1-65535 or ranges "
                        "such as 8000-8002:80-82 (at most 256 ports)");
        return strv_push(&o->publish, v) < 0 ? log_oom() : 0;
}

static int parse_expose(RunOptions *o, const char *v) {
        _cleanup_strv_free_ char **l = NULL;
        int r = expose_parse(v, &l);

        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return invalid_value("expose", v, "use PORT[-HIGH][/tcp|udp]");
        return strv_push(&o->expose, v) < 0 ? log_oom() : 0;
}

static int parse_dns(RunOptions *o, const char *v) {
        unsigned char buf[sizeof(struct in6_addr)];

        if (inet_pton(AF_INET, v, buf) != 1 && inet_pton(AF_INET6, v, buf) != 1)
                return invalid_value("dns", v, "use an IPv4 or IPv6 address");
        return strv_push(&o->dns, v) < 0 ? log_oom() : 0;
}

/* -P, --expose, --add-host, --dns*, --ip, --mac-address: checked here, so a typo creates nothing. */
static int parse_network_option(int c, RunOptions *o) {
        struct in_addr a;
        uint8_t mac[6];

        switch (c) {
        case 'p': return parse_publish(o, optarg);
        case 'P': o->publish_all = true; return 0;
        case ARG_EXPOSE: return parse_expose(o, optarg);
        case ARG_ADD_HOST:
                if (add_host_parse(optarg, NULL, NULL) < 0)
                        return invalid_value(
                                "add-host", optarg,
                                "use NAME:IP with an IPv4 or IPv6 address, or NAME:host-gateway");
                return strv_push(&o->add_hosts, optarg) < 0 ? log_oom() : 0;
        case ARG_DNS: return parse_dns(o, optarg);
        case ARG_DNS_SEARCH:
                if (!dns_word_is_valid(optarg, 253))
                        return invalid_value("dns-search", optarg, "use a domain such as example.com");
                return strv_push(&o->dns_search, optarg) < 0 ? log_oom() : 0;
        case ARG_DNS_OPTION:
                if (!dns_word_is_valid(optarg, 128))
                        return invalid_value("dns-option", optarg,
                                             "use a resolv.conf option such as ndots:2");
                return strv_push(&o->dns_option, optarg) < 0 ? log_oom() : 0;
        case ARG_IP:
                if (inet_pton(AF_INET, optarg, &a) != 1 || a.s_addr == INADDR_ANY)
                        return invalid_value("ip", optarg, "use an IPv4 address such as 10.77.0.50");
                o->ip = optarg;
                return 0;
        case ARG_MAC_ADDRESS:
                if (mac_address_parse(optarg, mac) < 0)
                        return invalid_value(
                                "mac-address", optarg,
                                "use six hex octets such as 02:42:ac:11:00:02, the first one even");
                o->mac_address = optarg;
                return 0;
        default: return parse_resource_option(c, o);
        }
}

/* The options of this task that are no resource: environment, entrypoint, init, files. */
static int parse_more_option(int c, RunOptions *o) {
        switch (c) {
        case ARG_ENV_HOST: o->env_host = true; return 0;
        case ARG_ENTRYPOINT: o->entrypoint = optarg; return 0;
        case ARG_INIT: o->init = true; return 0;
        case ARG_HEALTH_FIRST ... ARG_HEALTH_LAST:
                return run_health_parse((RunHealthFlag) (c - ARG_HEALTH_FIRST), optarg, &o->health);
        case ARG_CIDFILE: o->cidfile = optarg; return 0;
        case 'q': return run_host_parse(&o->host, RUN_HOST_QUIET, NULL);
        case ARG_HOST_FIRST ... ARG_HOST_LAST: return run_host_parse(&o->host, c - ARG_HOST_FIRST, optarg);
        case ARG_LABEL_FILE: return read_label_file(optarg, &o->labels);
        case ARG_ANNOTATION:
                if (!strchr(optarg, '=') || optarg[0] == '=')
                        return invalid_value("annotation", optarg, "use KEY=VALUE");
                return strv_push(&o->annotations, optarg) < 0 ? log_oom() : 0;
        default: return parse_network_option(c, o);
        }
}

/* --platform: checked here, kept normalized for the pull. */
static int parse_platform_option(const char *s, RunOptions *o) {
        Platform p;

        if (platform_parse(s, &p) < 0)
                return log_error_errno(
                        -EINVAL,
                        "conmanctl: --platform \"%s\" is not a platform: give OS/ARCH[/VARIANT], "
                        "e.g. linux/arm64 or linux/arm/v7.",
                        s);
        platform_to_string(&p, o->platform);
        return 0;
}

static int parse_one(int c, RunOptions *o, bool is_run) {
        switch (c) {
        case 'd':
                if (!is_run)
                        return log_error_errno(-EINVAL,
                                               "conmanctl: create always leaves the container stopped; "
                                               "-d is for run.");
                o->detach = true;
                return 0;
        case ARG_RM: o->auto_remove = true; return 0;
        case 't': o->tty = true; return 0;
        case 'i': o->interactive = true; return 0;
        case ARG_DETACH_KEYS: o->detach_keys = optarg; return 0;
        case ARG_NAME: o->name = optarg; return 0;
        case ARG_ROOTFS: o->rootfs = optarg; return 0;
        case 'e': return add_env(o, optarg);
        case ARG_ENV_FILE: return read_env_file(optarg, &o->env);
        case 'w': o->working_dir = optarg; return 0;
        case 'u': o->user = optarg; return 0;
        case 'v': return strv_push(&o->volumes, optarg) < 0 ? log_oom() : 0;
        case ARG_MOUNT: return strv_push(&o->mounts, optarg) < 0 ? log_oom() : 0;
        case ARG_TMPFS: return strv_push(&o->tmpfs, optarg) < 0 ? log_oom() : 0;
        case ARG_READ_ONLY: o->read_only = true; return 0;
        case 'h': o->hostname = optarg; return 0;
        case 'l': return strv_push(&o->labels, optarg) < 0 ? log_oom() : 0;
        case ARG_NETWORK: o->network = optarg; return 0;
        case ARG_POD: o->pod = optarg; return 0;
        case 'm': return parse_u64_option("memory", optarg, parse_size, &o->memory, &o->have_memory);
        case ARG_CPUS: return parse_u64_option("cpus", optarg, parse_cpus, &o->cpu_quota, &o->have_cpu_quota);
        case 'c':
                return parse_u64_option("cpu-shares", optarg, safe_atou64, &o->cpu_shares,
                                        &o->have_cpu_shares);
        case ARG_CPU_WEIGHT:
                return parse_u64_option("cpu-weight", optarg, safe_atou64, &o->cpu_weight,
                                        &o->have_cpu_weight);
        case ARG_PIDS_LIMIT:
                return parse_u64_option("pids-limit", optarg, parse_pids_limit, &o->pids_limit,
                                        &o->have_pids_limit);
        case ARG_STOP_SIGNAL: o->stop_signal = optarg; return 0;
        case ARG_STOP_TIMEOUT:
                return parse_u64_option("stop-timeout", optarg, parse_stop_timeout, &o->stop_timeout,
                                        &o->have_stop_timeout);
        case ARG_RESTART: o->restart = optarg; return 0;
        case ARG_RUNTIME: o->runtime = optarg; return 0;
        case ARG_USERNS: o->userns = optarg; return 0;
        case ARG_PULL:
                if (!streq(optarg, "always") && !streq(optarg, "missing") && !streq(optarg, "never"))
                        return log_error_errno(-EINVAL, "conmanctl: --pull takes always, missing or never.");
                o->pull = optarg;
                return 0;
        case ARG_PLATFORM: return parse_platform_option(optarg, o);
        case ARG_TLS_VERIFY:
                o->tls_verify = !streq(optarg, "false") && !streq(optarg, "0") && !streq(optarg, "no");
                return 0;
        case ARG_CAP_ADD ... ARG_GROUP_ADD: return parse_security_option(c, o);
        default: return parse_more_option(c, o);
        }
}

/* What only all options together can tell. */
static int check_options(RunOptions *o) {
        _cleanup_(run_mounts_done) RunMounts rm = {};
        int r = run_mounts_parse(o->volumes, o->mounts, o->tmpfs, &rm); /* refused before anything is made */

        if (r < 0)
                return r;
        if (run_health_check(&o->health) < 0)
                return -EINVAL;
        if (o->have_cpu_quota && (o->have_cpu_quota_docker || o->have_cpu_period))
                return log_error_errno(-EINVAL, "conmanctl: --cpus cannot be combined with --cpu-quota or "
                                                "--cpu-period (use one way to say it).");
        if (o->have_memory_swap && !o->have_memory)
                return log_error_errno(-EINVAL,
                                       "conmanctl: --memory-swap needs --memory (the total of memory "
                                       "and swap is at least the memory limit).");
        if (o->have_memory_swap && o->memory_swap != UINT64_MAX && o->memory_swap < o->memory)
                return log_error_errno(-EINVAL, "conmanctl: --memory-swap must not be below --memory (it is "
                                                "memory and swap together).");
        if (o->have_memory_reservation && o->have_memory && o->memory_reservation > o->memory)
                return log_error_errno(-EINVAL,
                                       "conmanctl: --memory-reservation must not be above --memory.");
        if (o->env_host && run_env_add_host(&o->env, environ) < 0)
                return log_oom();
        return 0;
}

int run_options_parse(int argc, char *argv[], bool is_run, RunOptions *o) {
        int c, r;

        o->tls_verify = true;
        optind = 0;
        while ((c = getopt_long(argc, argv, "+dtie:w:u:v:h:l:m:c:p:Pq", run_long_options, NULL)) >= 0) {
                if (c == ARG_HELP) {
                        help(argv[0], is_run);
                        return 0;
                }
                if (c == '?')
                        return ctl_usage_error();
                r = parse_one(c, o, is_run);
                if (r < 0)
                        return r;
        }
        if (!o->rootfs) {
                if (optind >= argc)
                        return log_error_errno(-EINVAL,
                                               "conmanctl %s: give --rootfs DIR (or an image) and a command. "
                                               "See 'conmanctl %s --help'.",
                                               argv[0], argv[0]);
                o->image = argv[optind++];
        }
        if (optind >= argc && !o->image)
                return log_error_errno(-EINVAL, "conmanctl %s: no command given. See 'conmanctl %s --help'.",
                                       argv[0], argv[0]);
        o->command = optind < argc ? argv + optind : NULL; /* none: the image's Cmd */
        r = check_options(o);
        if (r < 0)
                return r;
        if (o->rootfs && o->rootfs[0] != '/') {
                o->rootfs_abs = realpath(o->rootfs, NULL);
                if (!o->rootfs_abs)
                        return log_error_errno(errno, "conmanctl: root filesystem %s: %m", o->rootfs);
                o->rootfs = o->rootfs_abs;
        }
        return 1;
}

int ctl_append_labels(sd_bus_message *m, char **labels) {
        int r = sd_bus_message_open_container(m, 'a', "{ss}");
        for (char **l = labels; r >= 0 && l && *l; l++) {
                _cleanup_free_ char *k = strndup(*l, strcspn(*l, "="));
                const char *eq = strchr(*l, '=');
                if (!k)
                        return log_oom();
                r = sd_bus_message_append(m, "{ss}", k, eq ? eq + 1 : "");
        }
        if (r < 0)
                return r;
        return sd_bus_message_close_container(m);
}

#define APPEND(key, sig, ...) sd_bus_message_append(m, "{sv}", key, sig, __VA_ARGS__)

static int append_strings(sd_bus_message *m, const RunOptions *o) {
        const struct {
                const char *key, *value;
        } s[] = {
                { "Rootfs", o->rootfs },
                { "Image", o->image },
                { "WorkingDir", o->working_dir },
                { "User", o->user },
                { "Hostname", o->hostname },
                { "Network", o->network },
                { "Runtime", o->runtime },
                { "Restart", o->restart },
                { "StopSignal", o->stop_signal },
                { "UserNS", o->userns },
                { "Pod", o->pod },
                { "CpusetCpus", o->cpuset_cpus },
                { "CpusetMems", o->cpuset_mems },
                { "IP", o->ip },
                { "MacAddress", o->mac_address },
        };
        int r = 0;

        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(s); i++)
                if (s[i].value)
                        r = APPEND(s[i].key, "s", s[i].value);
        return r;
}

static int append_numbers(sd_bus_message *m, const RunOptions *o) {
        const struct {
                const char *key;
                bool have;
                uint64_t v;
        } n[] = {
                { "Memory", o->have_memory, o->memory },
                { "CPUQuota", o->have_cpu_quota, o->cpu_quota },
                { "CPUWeight", o->have_cpu_weight, o->cpu_weight },
                { "CPUShares", o->have_cpu_shares, o->cpu_shares },
                { "PidsLimit", o->have_pids_limit, o->pids_limit },
                { "StopTimeout", o->have_stop_timeout, o->stop_timeout },
                { "MemorySwap", o->have_memory_swap, o->memory_swap },
                { "MemoryReservation", o->have_memory_reservation, o->memory_reservation },
                { "BlkioWeight", o->have_blkio_weight, o->blkio_weight },
                { "CPUPeriod", o->have_cpu_period, o->cpu_period },
                /* docker's quota per period as systemd's per second */
                { "CPUQuota", o->have_cpu_quota_docker,
                  o->cpu_quota_docker * 1000000 / (o->have_cpu_period ? o->cpu_period : 100000) },
                { "ShmSize", o->have_shm_size, o->shm_size },
        };
        int r = 0;

        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(n); i++)
                if (n[i].have)
                        r = APPEND(n[i].key, "t", n[i].v);
        return r;
}

/* Opens "{sv}" with key and a variant of the given signature; close with close_entry(). */
static int open_entry(sd_bus_message *m, const char *key, const char *sig) {
        int r = sd_bus_message_open_container(m, 'e', "sv");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", key);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', sig);
        return r;
}

static int close_entry(sd_bus_message *m) {
        int r = sd_bus_message_close_container(m);
        return r < 0 ? r : sd_bus_message_close_container(m);
}

static int append_strv_entry(sd_bus_message *m, const char *key, char **l) {
        int r = open_entry(m, key, "as");
        if (r >= 0)
                r = sd_bus_message_append_strv(m, l);
        return r < 0 ? r : close_entry(m);
}

static bool any_propagation(const RunMounts *rm) {
        for (size_t i = 0; i < rm->n_mounts; i++)
                if (rm->mounts[i].propagation != PROPAGATION_RPRIVATE)
                        return true;
        return false;
}

/* -v, --mount and --tmpfs (run-mounts.h): Volumes, VolumePropagation for those not rprivate, Tmpfs. */
static int append_mounts(sd_bus_message *m, const RunOptions *o) {
        _cleanup_(run_mounts_done) RunMounts rm = {};
        int r = run_mounts_parse(o->volumes, o->mounts, o->tmpfs, &rm);

        if (r >= 0 && rm.n_mounts > 0) {
                r = open_entry(m, "Volumes", "a(ssb)");
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'a', "(ssb)");
                for (size_t i = 0; r >= 0 && i < rm.n_mounts; i++)
                        r = sd_bus_message_append(m, "(ssb)", rm.mounts[i].source, rm.mounts[i].destination,
                                                  rm.mounts[i].read_only);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                if (r >= 0)
                        r = close_entry(m);
        }
        if (r >= 0 && any_propagation(&rm)) {
                r = open_entry(m, "VolumePropagation", "a{ss}");
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'a', "{ss}");
                for (size_t i = 0; r >= 0 && i < rm.n_mounts; i++)
                        if (rm.mounts[i].propagation != PROPAGATION_RPRIVATE)
                                r = sd_bus_message_append(
                                        m, "{ss}", rm.mounts[i].destination,
                                        volume_propagation_to_string(rm.mounts[i].propagation));
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                if (r >= 0)
                        r = close_entry(m);
        }
        if (r >= 0 && rm.tmpfs)
                r = append_strv_entry(m, "Tmpfs", rm.tmpfs);
        return r;
}

/* --expose, --add-host, --dns, --dns-search, --dns-option (conmand canonicalises) and -P. */
static int append_network_lists(sd_bus_message *m, const RunOptions *o) {
        const struct {
                const char *key;
                char **l;
        } lists[] = {
                { "Expose", o->expose },        { "AddHost", o->add_hosts },    { "Dns", o->dns },
                { "DnsSearch", o->dns_search }, { "DnsOption", o->dns_option },
        };
        int r = 0;

        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(lists); i++)
                if (lists[i].l)
                        r = append_strv_entry(m, lists[i].key, lists[i].l);
        if (r >= 0 && o->publish_all)
                r = APPEND("PublishAll", "b", 1);
        return r;
}

/* --entrypoint (one word, as docker; '' an empty list), --annotation, --ulimit and the device rates. */
static int append_more_lists(sd_bus_message *m, const RunOptions *o) {
        static const char *const rate_keys[_DEVICE_RATE_KIND_MAX] = {
                [DEVICE_READ_BPS] = "DeviceReadBps",   [DEVICE_WRITE_BPS] = "DeviceWriteBps",
                [DEVICE_READ_IOPS] = "DeviceReadIOps", [DEVICE_WRITE_IOPS] = "DeviceWriteIOps",
                [DEVICE_WEIGHT] = "BlkioWeightDevice",
        };
        char *entrypoint[] = { (char *) o->entrypoint, NULL };
        int r = 0;

        if (o->entrypoint)
                r = append_strv_entry(m, "Entrypoint", isempty(o->entrypoint) ? entrypoint + 1 : entrypoint);
        if (r >= 0 && o->annotations) {
                r = open_entry(m, "Annotations", "a{ss}");
                if (r >= 0)
                        r = ctl_append_labels(m, o->annotations);
                if (r >= 0)
                        r = close_entry(m);
        }
        if (r >= 0 && o->ulimits)
                r = append_strv_entry(m, "Ulimits", o->ulimits);
        if (r >= 0)
                r = append_network_lists(m, o);
        for (size_t k = 0; r >= 0 && k < _DEVICE_RATE_KIND_MAX; k++)
                if (o->device_rates[k])
                        r = append_strv_entry(m, rate_keys[k], o->device_rates[k]);
        return r;
}

static int append_security(sd_bus_message *m, const RunOptions *o) {
        const struct {
                const char *key;
                char **l;
        } lists[] = {
                { "CapAdd", o->cap_add },  { "CapDrop", o->cap_drop },
                { "Devices", o->devices }, { "SecurityOpt", o->security_opts },
                { "Sysctls", o->sysctls }, { "GroupAdd", o->group_add },
        };
        int r = 0;

        if (o->privileged)
                r = APPEND("Privileged", "b", 1);
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(lists); i++) {
                if (!lists[i].l)
                        continue;
                r = open_entry(m, lists[i].key, "as");
                if (r >= 0)
                        r = sd_bus_message_append_strv(m, lists[i].l);
                if (r >= 0)
                        r = close_entry(m);
        }
        return r;
}

static int append_lists(sd_bus_message *m, const RunOptions *o) {
        int r = 0;

        if (o->env) {
                r = open_entry(m, "Env", "as");
                if (r >= 0)
                        r = sd_bus_message_append_strv(m, o->env);
                if (r >= 0)
                        r = close_entry(m);
        }
        if (r >= 0 && o->publish) {
                r = open_entry(m, "Publish", "as");
                if (r >= 0)
                        r = sd_bus_message_append_strv(m, o->publish);
                if (r >= 0)
                        r = close_entry(m);
        }
        if (r >= 0 && o->labels) {
                r = open_entry(m, "Labels", "a{ss}");
                if (r >= 0)
                        r = ctl_append_labels(m, o->labels);
                if (r >= 0)
                        r = close_entry(m);
        }
        if (r >= 0)
                r = append_mounts(m, o);
        return r;
}

static int append_flags(sd_bus_message *m, const RunOptions *o) {
        int r = 0;

        if (o->read_only)
                r = APPEND("ReadOnly", "b", 1);
        if (r >= 0 && o->auto_remove)
                r = APPEND("AutoRemove", "b", 1);
        if (r >= 0 && o->tty)
                r = APPEND("Tty", "b", 1);
        if (r >= 0 && o->interactive)
                r = APPEND("Interactive", "b", 1);
        if (r >= 0 && o->init)
                r = APPEND("Init", "b", 1);
        if (r >= 0 && o->have_oom_score_adj)
                r = APPEND("OomScoreAdj", "i", (int32_t) o->oom_score_adj);
        return r;
}

int run_options_append(sd_bus_message *m, const RunOptions *o) {
        int r;

        r = sd_bus_message_open_container(m, 'a', "{sv}");
        if (r >= 0)
                r = append_strings(m, o);
        if (r >= 0)
                r = append_numbers(m, o);
        if (r >= 0)
                r = append_flags(m, o);
        if (r >= 0)
                r = append_lists(m, o);
        if (r >= 0)
                r = append_security(m, o);
        if (r >= 0)
                r = append_more_lists(m, o);
        if (r >= 0)
                r = run_health_append(m, &o->health);
        if (r >= 0)
                r = run_host_append(m, &o->host);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r;
}

int run_options_cidfile_open(const RunOptions *o) {
        int fd;

        if (!o->cidfile)
                return -EBADF;
        fd = open(o->cidfile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 && errno == EEXIST)
                return log_error_errno(-EEXIST,
                                       "conmanctl: container ID file %s found: make sure the other container "
                                       "is not running, or delete the file.",
                                       o->cidfile);
        if (fd < 0)
                return log_error_errno(errno, "conmanctl: cannot create container ID file %s: %m",
                                       o->cidfile);
        return fd;
}

int run_options_cidfile_finish(const RunOptions *o, int fd, const char *id) {
        _cleanup_close_ int f = fd;
        int r;

        if (f < 0)
                return 0;
        if (!id) {
                (void) unlink(o->cidfile);
                return 0;
        }
        r = write_all(f, id, strlen(id));
        if (r < 0)
                return log_error_errno(r, "conmanctl: cannot write container ID file %s: %m", o->cidfile);
        return 0;
}

/* The platform an InspectImage document names (docker's Os, Architecture, Variant); -ENOENT without. */
static int image_platform(const char *json, Platform *ret) {
        _cleanup_json_ struct json_object *j = json_tokener_parse(json);
        struct json_object *os, *arch, *variant = NULL;

        if (!j || !json_object_object_get_ex(j, "Os", &os) ||
            !json_object_object_get_ex(j, "Architecture", &arch))
                return -ENOENT;
        (void) json_object_object_get_ex(j, "Variant", &variant);
        return platform_from_fields(json_object_get_string(os), json_object_get_string(arch),
                                    variant ? json_object_get_string(variant) : NULL, ret);
}

/* Whether the image is in the store (with --platform: for that platform). Without --platform, docker's
 * warning for an image of another platform than the host's: it is run as it is (no emulation). */
static bool image_present(sd_bus *bus, const RunOptions *o) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        char a[PLATFORM_STRING_MAX], b[PLATFORM_STRING_MAX];
        Platform want, image;
        const char *json;

        if (ctl_call(bus, "InspectImage", &error, &reply, "s", o->image) < 0)
                return false;
        if (sd_bus_message_read(reply, "s", &json) < 0 || image_platform(json, &image) < 0)
                return true;
        if (o->platform[0])
                return platform_parse(o->platform, &want) >= 0 && platform_match_score(&want, &image) > 0;
        platform_get_host(&want);
        if (platform_match_score(&want, &image) == 0)
                fprintf(stderr,
                        "WARNING: The requested image's platform (%s) does not match the detected host platform "
                        "(%s) and no specific platform was requested\n",
                        platform_to_string(&image, a), platform_to_string(&want, b));
        return true;
}

int run_options_pull(sd_bus *bus, const RunOptions *o) {
        const char *policy = o->pull ?: "missing";
        int r;

        if (!o->image || o->rootfs)
                return 0;
        if (!streq(policy, "always") && image_present(bus, o))
                return 0;
        if (streq(policy, "never"))
                return 0; /* create says it is missing (or runs what there is) */
        r = ctl_pull_image(bus, o->image, o->tls_verify, o->platform[0] ? o->platform : NULL, o->host.quiet);
        if (r >= 0)
                (void) image_present(bus, o);
        return r;
}
