/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-lifecycle.c — `start`, `stop`, `restart`, `kill`, `rm` and `wait`: each takes
 * one or more containers (name, id or unique id prefix) and calls the matching
 * io.conman1.Manager method for each, printing the name as docker does.
 */
#include <getopt.h>

#include "shared/log.h"
#include "shared/util.h"
#include "ctl.h"

typedef struct LifecycleArgs {
        uint64_t timeout_usec; /* UINT64_MAX: the container's own */
        const char *signal;
        bool force;
        bool all;     /* rm -a, stop -a */
        bool volumes; /* rm -v: the container's anonymous volumes too */
} LifecycleArgs;

typedef int (*ContainerAction)(sd_bus *bus, const char *ref, const LifecycleArgs *a, sd_bus_error *error);

static int do_start(sd_bus *bus, const char *ref, const LifecycleArgs *a, sd_bus_error *error) {
        return ctl_call(bus, "StartContainer", error, NULL, "s", ref);
}

/* WaitContainer, bounded: -ETIMEDOUT when the container still runs after timeout usec. */
static int wait_exit(sd_bus *bus, const char *ref, uint64_t timeout) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                           "WaitContainer");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", ref);
        if (r >= 0)
                r = sd_bus_call(bus, m, MAX(timeout, UINT64_C(1)), NULL, NULL);
        return r;
}

/* stop -s SIG (docker's): SIG to the container's init, then SIGKILL when it has not exited after the timeout
 * (-t, default 10 s); WaitContainer with that timeout does the waiting. */
static int stop_with_signal(sd_bus *bus, const char *ref, const LifecycleArgs *a, sd_bus_error *error) {
        uint64_t timeout = a->timeout_usec != UINT64_MAX ? a->timeout_usec : 10 * UINT64_C(1000000);
        int r;

        r = ctl_call(bus, "KillContainer", error, NULL, "ss", ref, a->signal);
        if (r < 0 && sd_bus_error_has_name(error, "io.conman1.Error.NotRunning")) {
                sd_bus_error_free(error);
                return 0; /* like docker: stopping a stopped container succeeds */
        }
        if (r < 0)
                return r;
        if (wait_exit(bus, ref, timeout) != -ETIMEDOUT)
                return 0;
        return ctl_call(bus, "StopContainer", error, NULL, "st", ref, UINT64_C(1));
}

static int do_stop(sd_bus *bus, const char *ref, const LifecycleArgs *a, sd_bus_error *error) {
        if (a->signal)
                return stop_with_signal(bus, ref, a, error);
        return ctl_call(bus, "StopContainer", error, NULL, "st", ref, a->timeout_usec);
}

static int do_restart(sd_bus *bus, const char *ref, const LifecycleArgs *a, sd_bus_error *error) {
        return ctl_call(bus, "RestartContainer", error, NULL, "st", ref, a->timeout_usec);
}

/* Like docker's, a kill with SIGKILL returns once the container has exited (bounded: 5 s), so that `kill`
 * then `rm` works; other signals return at once. */
static int do_kill(sd_bus *bus, const char *ref, const LifecycleArgs *a, sd_bus_error *error) {
        const char *sig = a->signal ?: "KILL";
        int r = ctl_call(bus, "KillContainer", error, NULL, "ss", ref, sig);

        if (r >= 0 && signal_from_string(sig) == SIGKILL)
                (void) wait_exit(bus, ref, 5 * UINT64_C(1000000));
        return r;
}

static int do_rm(sd_bus *bus, const char *ref, const LifecycleArgs *a, sd_bus_error *error) {
        _cleanup_strv_free_ char **volumes = NULL;
        int r;

        if (a->volumes)
                (void) ctl_container_anonymous_volumes(bus, ref, &volumes); /* RemoveContainer says why not */
        r = ctl_call(bus, "RemoveContainer", error, NULL, "sb", ref, a->force);
        if (r >= 0)
                (void) ctl_remove_volumes(bus, volumes);
        return r;
}

static int do_wait(sd_bus *bus, const char *ref, const LifecycleArgs *a, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int32_t code;
        int r;

        r = ctl_call(bus, "WaitContainer", error, &reply, "s", ref);
        if (r < 0)
                return r;
        r = sd_bus_message_read(reply, "i", &code);
        if (r < 0)
                return r;
        printf("%i\n", code);
        return 1; /* printed already */
}

static const struct {
        const char *verb;
        ContainerAction action;
        const char *failure;
        const char *usage;
} lifecycle_verbs[] = {
        { "start", do_start, "cannot start",
          "Usage: conmanctl start [-a] CONTAINER...\n\nStart created or exited containers.\n\n"
          "  -a, --attach      Stream the container's output and exit with its exit code\n" },
        { "stop", do_stop, "cannot stop",
          "Usage: conmanctl stop [-t SECONDS] [-s SIGNAL] [-a | CONTAINER...]\n\nStop containers: the stop signal (KillSignal=) to the "
          "container's init,\nthen SIGKILL to all its processes after the timeout.\n\n"
          "  -t, --time SEC    Seconds to wait before SIGKILL (default: the container's --stop-timeout)\n"
          "  -s, --signal SIG  Send SIG instead of the stop signal (then SIGKILL after -t, default 10 s)\n"
          "  -a, --all         Stop all running containers\n" },
        { "restart", do_restart, "cannot restart",
          "Usage: conmanctl restart [-t SECONDS] CONTAINER...\n\nStop and start containers again.\n\n"
          "  -t, --time SEC    Seconds to wait before SIGKILL\n" },
        { "kill", do_kill, "cannot kill",
          "Usage: conmanctl kill [-s SIGNAL] CONTAINER...\n\nSend a signal to the container's init (default KILL).\n\n"
          "  -s, --signal SIG  Signal name or number\n" },
        { "rm", do_rm, "cannot remove",
          "Usage: conmanctl rm [-f] [-a | CONTAINER...]\n\nRemove containers: their unit, bundle and state.\n\n"
          "  -f, --force       Kill and remove running containers\n"
          "  -a, --all         Remove all containers (running ones only with -f)\n"
          "  -v, --volumes     Remove the containers' anonymous volumes too\n" },
        { "wait", do_wait, "cannot wait for",
          "Usage: conmanctl wait CONTAINER...\n\nBlock until containers exit, then print their exit codes.\n" },
};

static int parse_lifecycle_args(int argc, char *argv[], const char *usage, LifecycleArgs *a, bool *attach) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'H' },         { "time", required_argument, NULL, 't' },
                { "signal", required_argument, NULL, 's' }, { "force", no_argument, NULL, 'f' },
                { "attach", no_argument, NULL, 'a' },       { "all", no_argument, NULL, 'A' },
                { "volumes", no_argument, NULL, 'v' },      {},
        };
        const char *verb = argv[0];
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "t:s:fav", options, NULL)) >= 0)
                switch (c) {
                case 'H': fputs(usage, stdout); return 0;
                case 't':
                        if (!streq(verb, "stop") && !streq(verb, "restart"))
                                return log_error_errno(-EINVAL, "conmanctl %s: unknown option -t.", verb);
                        if (parse_duration(optarg, &a->timeout_usec) < 0)
                                return log_error_errno(-EINVAL, "conmanctl %s: invalid time '%s'.", verb,
                                                       optarg);
                        break;
                case 's':
                        if ((!streq(verb, "kill") && !streq(verb, "stop")) || signal_from_string(optarg) < 0)
                                return log_error_errno(-EINVAL, "conmanctl %s: invalid signal '%s'.", verb,
                                                       optarg);
                        a->signal = optarg;
                        break;
                case 'f':
                        if (!streq(verb, "rm"))
                                return log_error_errno(-EINVAL, "conmanctl %s: unknown option -f.", verb);
                        a->force = true;
                        break;
                case 'v':
                        if (!streq(verb, "rm"))
                                return log_error_errno(-EINVAL, "conmanctl %s: unknown option -v.", verb);
                        a->volumes = true;
                        break;
                case 'a':
                case 'A':
                        if (streq(verb, "rm") || streq(verb, "stop"))
                                a->all = true; /* docker's rm $(ps -aq), stop $(ps -q) */
                        else if (streq(verb, "start") && c == 'a')
                                *attach = true;
                        else
                                return log_error_errno(-EINVAL, "conmanctl %s: unknown option -a.", verb);
                        break;
                default: return ctl_usage_error();
                }
        if (a->all && optind < argc)
                return log_error_errno(-EINVAL, "conmanctl %s: -a takes no container names.", verb);
        if (optind >= argc && !a->all)
                return log_error_errno(-EINVAL, "conmanctl %s: name at least one container.", verb);
        return 1;
}

int verb_lifecycle(int argc, char *argv[]) {
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        LifecycleArgs a = { .timeout_usec = UINT64_MAX };
        _cleanup_strv_free_ char **all = NULL;
        bool attach = false;
        size_t v;
        int r, ret = 0;

        for (v = 0; v < ELEMENTSOF(lifecycle_verbs); v++)
                if (streq(lifecycle_verbs[v].verb, argv[0]))
                        break;
        if (v == ELEMENTSOF(lifecycle_verbs))
                return -EINVAL;
        r = parse_lifecycle_args(argc, argv, lifecycle_verbs[v].usage, &a, &attach);
        if (r <= 0)
                return r;
        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        if (attach) {
                if (argc - optind != 1)
                        return log_error_errno(-EINVAL, "conmanctl start -a: name exactly one container.");
                return ctl_run_attached(bus, argv[optind]);
        }

        if (a.all) {
                r = ctl_list_container_ids(bus, streq(argv[0], "rm"), NULL, &all);
                if (r < 0)
                        return r;
        }
        for (char **ref = a.all ? all : argv + optind; ref && *ref; ref++) {
                _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
                r = lifecycle_verbs[v].action(bus, *ref, &a, &error);
                if (r < 0) {
                        _cleanup_free_ char *what = NULL;
                        if (asprintf(&what, "%s %s", lifecycle_verbs[v].failure, *ref) < 0)
                                return log_oom();
                        ret = ctl_log_bus_error(what, &error, r);
                } else if (r == 0)
                        printf("%s\n", *ref);
        }
        return ret;
}
