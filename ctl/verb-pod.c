/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-pod.c — `conmanctl pod create|start|stop|restart|kill|rm` with podman's spelling: a thin client
 * of CreatePod, StartPod, StopPod, RestartPod, KillPod and RemovePod (docs/pods.md). The listing verbs
 * (ps, inspect, top) are in verb-pod-list.c.
 */
#include <getopt.h>

#include "shared/log.h"
#include "shared/util.h"
#include "ctl.h"
#include "run-options.h"

typedef struct PodCreateArgs {
        const char *name, *network, *hostname, *share;
        char **publish, **labels;
        uint64_t memory, cpu_quota, pids_limit;
        bool have_memory, have_cpu_quota, have_pids_limit;
} PodCreateArgs;

static void pod_create_args_done(PodCreateArgs *a) {
        strv_freep(&a->publish);
        strv_freep(&a->labels);
}

static const char pod_create_usage[] =
        "Usage: conmanctl pod create [OPTIONS] [NAME]\n\n"
        "Create a pod and print its id: the slice conman-pod-NAME.slice holds its containers and its\n"
        "limits, the unit conman-pod@NAME.service keeps its shared namespaces. Containers join it\n"
        "with 'conmanctl run --pod NAME'.\n\n"
        "Options:\n"
        "      --name NAME            Name the pod (or give NAME as the argument; default: pod-XXXX)\n"
        "  -p, --publish [IP:]HOSTPORT:PORT[/tcp|udp]  Publish a port of the pod (repeatable)\n"
        "      --network NET          bridge (default: network conman0), none, host, or a network's name\n"
        "      --hostname NAME        The pod's host name (default: its name)\n"
        "  -l, --label KEY=VALUE      Set a label (repeatable)\n"
        "  -m, --memory SIZE          Memory limit of the whole pod (the slice's MemoryMax=)\n"
        "      --cpus N               CPU limit of the whole pod (the slice's CPUQuota=), e.g. 1.5\n"
        "      --pids-limit N         Maximum number of tasks in the pod (the slice's TasksMax=)\n"
        "      --share NS[,NS...]     Namespaces the containers share: net, ipc, uts (default all three)\n"
        "  -h, --help                 Show this help\n";

/* -1 (podman's spelling): no limit */
static int parse_pids_limit(const char *s, uint64_t *ret) {
        if (streq(s, "-1")) {
                *ret = UINT64_MAX;
                return 0;
        }
        return safe_atou64(s, ret);
}

static int parse_number(const char *option, const char *value, int (*parser)(const char *, uint64_t *),
                        uint64_t *target, bool *have) {
        if (parser(value, target) < 0)
                return log_error_errno(-EINVAL, "conmanctl pod create: invalid value '%s' for --%s.", value,
                                       option);
        *have = true;
        return 0;
}

enum {
        ARG_NAME = 0x100,
        ARG_NETWORK,
        ARG_HOSTNAME,
        ARG_CPUS,
        ARG_PIDS_LIMIT,
        ARG_SHARE,
};

static int parse_create_option(int c, PodCreateArgs *a) {
        switch (c) {
        case ARG_NAME: a->name = optarg; return 0;
        case ARG_NETWORK: a->network = optarg; return 0;
        case ARG_HOSTNAME: a->hostname = optarg; return 0;
        case ARG_SHARE: a->share = optarg; return 0;
        case 'p': return strv_push(&a->publish, optarg) < 0 ? log_oom() : 0;
        case 'l': return strv_push(&a->labels, optarg) < 0 ? log_oom() : 0;
        case 'm': return parse_number("memory", optarg, parse_size, &a->memory, &a->have_memory);
        case ARG_CPUS: return parse_number("cpus", optarg, parse_cpus, &a->cpu_quota, &a->have_cpu_quota);
        case ARG_PIDS_LIMIT:
                return parse_number("pids-limit", optarg, parse_pids_limit, &a->pids_limit,
                                    &a->have_pids_limit);
        default: return ctl_usage_error();
        }
}

/* Returns 0 after --help, 1 to go on, <0 on error (printed). */
static int parse_create_args(int argc, char *argv[], PodCreateArgs *a) {
        static const struct option options[] = {
                { "name", required_argument, NULL, ARG_NAME },
                { "publish", required_argument, NULL, 'p' },
                { "network", required_argument, NULL, ARG_NETWORK },
                { "net", required_argument, NULL, ARG_NETWORK },
                { "hostname", required_argument, NULL, ARG_HOSTNAME },
                { "label", required_argument, NULL, 'l' },
                { "memory", required_argument, NULL, 'm' },
                { "cpus", required_argument, NULL, ARG_CPUS },
                { "pids-limit", required_argument, NULL, ARG_PIDS_LIMIT },
                { "share", required_argument, NULL, ARG_SHARE },
                CTL_HELP_OPTION,
                {},
        };
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "p:l:m:h", options, NULL)) >= 0) {
                if (c == 'h') {
                        fputs(pod_create_usage, stdout);
                        return 0;
                }
                r = parse_create_option(c, a);
                if (r < 0)
                        return r;
        }
        if (argc - optind > 1)
                return log_error_errno(-EINVAL, "conmanctl pod create: expected at most one NAME.");
        if (optind < argc) {
                if (a->name && !streq(a->name, argv[optind]))
                        return log_error_errno(-EINVAL, "conmanctl pod create: give the name once, "
                                                        "either as --name or as the argument.");
                a->name = argv[optind];
        }
        return 1;
}

static int append_strv_entry(sd_bus_message *m, const char *key, char **l) {
        int r = sd_bus_message_open_container(m, 'e', "sv");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", key);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', "as");
        if (r >= 0)
                r = sd_bus_message_append_strv(m, l);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r < 0 ? r : sd_bus_message_close_container(m);
}

static int append_labels_entry(sd_bus_message *m, char **labels) {
        int r = sd_bus_message_open_container(m, 'e', "sv");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", "Labels");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', "a{ss}");
        if (r >= 0)
                r = ctl_append_labels(m, labels);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r < 0 ? r : sd_bus_message_close_container(m);
}

/* CreatePod's a{sv}: only what the user gave, so that conmand's defaults apply to the rest. */
static int append_create_options(sd_bus_message *m, const PodCreateArgs *a) {
        int r = sd_bus_message_open_container(m, 'a', "{sv}");

        if (r >= 0 && a->hostname)
                r = sd_bus_message_append(m, "{sv}", "Hostname", "s", a->hostname);
        if (r >= 0 && a->network)
                r = sd_bus_message_append(m, "{sv}", "Network", "s", a->network);
        if (r >= 0 && a->share)
                r = sd_bus_message_append(m, "{sv}", "Share", "s", a->share);
        if (r >= 0 && a->have_memory)
                r = sd_bus_message_append(m, "{sv}", "Memory", "t", a->memory);
        if (r >= 0 && a->have_cpu_quota)
                r = sd_bus_message_append(m, "{sv}", "CPUQuota", "t", a->cpu_quota);
        if (r >= 0 && a->have_pids_limit)
                r = sd_bus_message_append(m, "{sv}", "PidsLimit", "t", a->pids_limit);
        if (r >= 0 && a->publish)
                r = append_strv_entry(m, "Publish", a->publish);
        if (r >= 0 && a->labels)
                r = append_labels_entry(m, a->labels);
        return r < 0 ? r : sd_bus_message_close_container(m);
}

static int pod_create(sd_bus *bus, const PodCreateArgs *a) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *generated = NULL;
        const char *id;
        int r;

        /* conmand wants a name (it names the slice and the pin unit); podman makes one up, so do we */
        if (!a->name && asprintf(&generated, "pod-%s", random_hex_stack(4).s) < 0)
                return log_oom();

        r = sd_bus_message_new_method_call(bus, &m, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                           "CreatePod");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", a->name ?: generated);
        if (r >= 0)
                r = append_create_options(m, a);
        if (r < 0)
                return log_error_errno(r, "conmanctl pod create: cannot build the request: %m");
        r = sd_bus_call(bus, m, UINT64_MAX, &error, &reply);
        if (r < 0)
                return ctl_log_bus_error("cannot create pod", &error, r);
        r = sd_bus_message_read(reply, "so", &id, NULL);
        if (r < 0)
                return log_error_errno(r, "conmanctl pod create: malformed reply: %m");
        printf("%s\n", id);
        return 0;
}

static int verb_pod_create(int argc, char *argv[]) {
        _cleanup_(pod_create_args_done) PodCreateArgs a = {};
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        int r;

        r = parse_create_args(argc, argv, &a);
        if (r <= 0)
                return r;
        r = ctl_bus_open(&bus);
        return r < 0 ? r : pod_create(bus, &a);
}

typedef struct PodActionArgs {
        uint64_t timeout_usec; /* UINT64_MAX: each container's own */
        const char *signal;
        bool force;
} PodActionArgs;

typedef int (*PodAction)(sd_bus *bus, const char *ref, const PodActionArgs *a, sd_bus_error *error);

static int do_start(sd_bus *bus, const char *ref, const PodActionArgs *a, sd_bus_error *error) {
        return ctl_call(bus, "StartPod", error, NULL, "s", ref);
}

static int do_stop(sd_bus *bus, const char *ref, const PodActionArgs *a, sd_bus_error *error) {
        return ctl_call(bus, "StopPod", error, NULL, "st", ref, a->timeout_usec);
}

static int do_restart(sd_bus *bus, const char *ref, const PodActionArgs *a, sd_bus_error *error) {
        return ctl_call(bus, "RestartPod", error, NULL, "st", ref, a->timeout_usec);
}

static int do_kill(sd_bus *bus, const char *ref, const PodActionArgs *a, sd_bus_error *error) {
        return ctl_call(bus, "KillPod", error, NULL, "ss", ref, a->signal ?: "KILL");
}

static int do_rm(sd_bus *bus, const char *ref, const PodActionArgs *a, sd_bus_error *error) {
        return ctl_call(bus, "RemovePod", error, NULL, "sb", ref, a->force);
}

typedef struct PodActionVerb {
        const char *verb;
        PodAction action;
        const char *failure;
        const char *options; /* the short options it takes, besides -h */
        const char *usage;
} PodActionVerb;

static const PodActionVerb pod_action_verbs[] = {
        { "start", do_start, "cannot start pod", "",
          "Usage: conmanctl pod start POD...\n\n"
          "Pin the pod's namespaces (conman-pod@NAME.service) and start every container of it that\n"
          "is not running.\n" },
        { "stop", do_stop, "cannot stop pod", "t",
          "Usage: conmanctl pod stop [-t SECONDS] POD...\n\n"
          "Stop every running container of the pod; the namespaces stay (pod start starts them again).\n\n"
          "  -t, --time SEC    Seconds to wait before SIGKILL (default: each container's --stop-timeout)\n" },
        { "restart", do_restart, "cannot restart pod", "t",
          "Usage: conmanctl pod restart [-t SECONDS] POD...\n\nStop and start the pod's containers again.\n\n"
          "  -t, --time SEC    Seconds to wait before SIGKILL\n" },
        { "kill", do_kill, "cannot kill pod", "s",
          "Usage: conmanctl pod kill [-s SIGNAL] POD...\n\n"
          "Send a signal (default KILL) to the init of every running container of the pod.\n\n"
          "  -s, --signal SIG  Signal name or number\n" },
        { "rm", do_rm, "cannot remove pod", "f",
          "Usage: conmanctl pod rm [-f] POD...\n\n"
          "Remove pods: their containers, namespaces, slice and state. A pod with running containers\n"
          "is refused unless -f is given.\n\n"
          "  -f, --force       Remove the containers even when they run (they are killed)\n" },
};

static int parse_action_option(int c, const PodActionVerb *v, PodActionArgs *a) {
        if (c == '?')
                return ctl_usage_error();
        if (!strchr(v->options, c))
                return log_error_errno(-EINVAL, "conmanctl pod %s: unknown option -%c.", v->verb, c);
        switch (c) {
        case 't':
                if (parse_duration(optarg, &a->timeout_usec) < 0)
                        return log_error_errno(-EINVAL, "conmanctl pod %s: invalid time '%s'.", v->verb,
                                               optarg);
                return 0;
        case 's':
                if (signal_from_string(optarg) < 0)
                        return log_error_errno(-EINVAL, "conmanctl pod kill: invalid signal '%s'.", optarg);
                a->signal = optarg;
                return 0;
        case 'f': a->force = true; return 0;
        default: return ctl_usage_error();
        }
}

/* Returns 0 after --help, 1 to go on, <0 on error (printed). */
static int parse_action_args(int argc, char *argv[], const PodActionVerb *v, PodActionArgs *a) {
        static const struct option options[] = {
                { "time", required_argument, NULL, 't' },
                { "timeout", required_argument, NULL, 't' },
                { "signal", required_argument, NULL, 's' },
                { "force", no_argument, NULL, 'f' },
                CTL_HELP_OPTION,
                {},
        };
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "t:s:fh", options, NULL)) >= 0) {
                if (c == 'h') {
                        fputs(v->usage, stdout);
                        return 0;
                }
                r = parse_action_option(c, v, a);
                if (r < 0)
                        return r;
        }
        if (optind >= argc)
                return log_error_errno(-EINVAL, "conmanctl pod %s: name at least one pod.", v->verb);
        return 1;
}

static int verb_pod_action(int argc, char *argv[]) {
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        PodActionArgs a = { .timeout_usec = UINT64_MAX };
        const PodActionVerb *v = NULL;
        int r, ret = 0;

        for (size_t i = 0; i < ELEMENTSOF(pod_action_verbs); i++)
                if (streq(pod_action_verbs[i].verb, argv[0]))
                        v = &pod_action_verbs[i];
        if (!v)
                return -EINVAL;
        r = parse_action_args(argc, argv, v, &a);
        if (r <= 0)
                return r;
        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;

        for (int i = optind; i < argc; i++) {
                _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
                _cleanup_free_ char *what = NULL;

                r = v->action(bus, argv[i], &a, &error);
                if (r >= 0) {
                        printf("%s\n", argv[i]);
                        continue;
                }
                if (asprintf(&what, "%s %s", v->failure, argv[i]) < 0)
                        return log_oom();
                ret = ctl_log_bus_error(what, &error, r);
        }
        return ret;
}

static void pod_help(void) {
        printf("Usage: conmanctl pod VERB [ARGS...]\n\n"
               "Pods: containers that share network, IPC and UTS namespaces and a slice with limits.\n\n"
               "  create [OPTIONS] [NAME]      Create a pod and print its id\n"
               "  start POD...                 Start the pods' containers\n"
               "  stop [-t SEC] POD...         Stop the pods' containers\n"
               "  restart [-t SEC] POD...      Restart the pods' containers\n"
               "  kill [-s SIG] POD...         Send a signal to the pods' containers\n"
               "  rm [-f] POD...               Remove pods and their containers\n"
               "  ps [-q] [--no-trunc] [--format json|TEMPLATE]  List pods\n"
               "  inspect [-f TEMPLATE] POD...  Show pods' details as JSON\n"
               "  top POD                      List the processes of a pod's containers\n\n"
               "`conmanctl pod VERB --help` describes a verb. See conmanctl(1).\n");
}

int verb_pod(int argc, char *argv[]) {
        static const Verb sub[] = {
                { "create", NULL, verb_pod_create },   { "start", NULL, verb_pod_action },
                { "stop", NULL, verb_pod_action },     { "restart", NULL, verb_pod_action },
                { "kill", NULL, verb_pod_action },     { "rm", NULL, verb_pod_action },
                { "remove", NULL, verb_pod_action },   { "ps", NULL, verb_pod_ps },
                { "ls", NULL, verb_pod_ps },           { "list", NULL, verb_pod_ps },
                { "inspect", NULL, verb_pod_inspect }, { "top", NULL, verb_pod_top },
        };

        if (argc < 2 || streq(argv[1], "--help") || streq(argv[1], "-h") || streq(argv[1], "help")) {
                pod_help();
                return argc < 2 ? -EINVAL : 0;
        }
        if (streq(argv[1], "remove"))
                argv[1] = (char *) "rm";
        for (size_t i = 0; i < ELEMENTSOF(sub); i++)
                if (streq(sub[i].name, argv[1]))
                        return sub[i].run(argc - 1, argv + 1);
        return log_error_errno(-EINVAL, "conmanctl pod: unknown verb '%s'. See 'conmanctl pod --help'.",
                               argv[1]);
}
