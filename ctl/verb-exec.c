/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-exec.c — `conmanctl exec`: runs a command in a running container as its own
 * systemd unit (ExecContainer). Without -t our stdio fds become the process's own
 * (as `systemd-run --pipe`); with -t we get its terminal and copy to and from it.
 * Exits with the process's exit code (WaitExec).
 */
#include <fcntl.h>
#include <getopt.h>

#include "shared/log.h"
#include "shared/util.h"
#include "attach-session.h"
#include "ctl.h"

typedef struct ExecArgs {
        bool tty, interactive, detach;
        char **env;
        const char *working_dir, *user;
        char **command;
} ExecArgs;

static void help(void) {
        printf("Usage: conmanctl exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\n"
               "Run a command in a running container (a unit conman-<name>-exec-<id>.service) and exit with its\n"
               "exit code.\n\n"
               "  -d, --detach             Start the command and return at once (its output is discarded)\n"
               "  -t, --tty                Give the command a terminal\n"
               "  -i, --interactive        Connect our stdin to it\n"
               "  -e, --env KEY=VALUE      Set an environment variable (repeatable)\n"
               "  -w, --workdir DIR        Working directory inside the container\n"
               "  -u, --user USER[:GROUP]  User to run as (name or uid[:gid])\n"
               "      --help               Show this help\n");
}

static int parse_args(int argc, char *argv[], ExecArgs *a, const char **ret_ref) {
        enum {
                ARG_HELP = 0x100
        };
        static const struct option options[] = {
                { "detach", no_argument, NULL, 'd' },        { "tty", no_argument, NULL, 't' },
                { "interactive", no_argument, NULL, 'i' },   { "env", required_argument, NULL, 'e' },
                { "workdir", required_argument, NULL, 'w' }, { "user", required_argument, NULL, 'u' },
                { "help", no_argument, NULL, ARG_HELP },     {},
        };
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "+dtie:w:u:", options, NULL)) >= 0)
                switch (c) {
                case 'd': a->detach = true; break;
                case 't': a->tty = true; break;
                case 'i': a->interactive = true; break;
                case 'e':
                        if (strv_push(&a->env, optarg) < 0)
                                return log_oom();
                        break;
                case 'w': a->working_dir = optarg; break;
                case 'u': a->user = optarg; break;
                case ARG_HELP: help(); return 0;
                default: return ctl_usage_error();
                }
        if (argc - optind < 2)
                return log_error_errno(-EINVAL, "conmanctl exec: name a container and a command. "
                                                "See 'conmanctl exec --help'.");
        if (a->detach && a->tty)
                return log_error_errno(-EINVAL, "conmanctl exec: -d cannot be combined with -t (the terminal "
                                                "would close with conmanctl).");
        *ret_ref = argv[optind];
        a->command = argv + optind + 1;
        return 1;
}

static int append_options(sd_bus_message *m, const ExecArgs *a) {
        int r = sd_bus_message_open_container(m, 'a', "{sv}");

        if (r >= 0 && a->tty)
                r = sd_bus_message_append(m, "{sv}", "Tty", "b", 1);
        if (r >= 0 && a->working_dir)
                r = sd_bus_message_append(m, "{sv}", "WorkingDir", "s", a->working_dir);
        if (r >= 0 && a->user)
                r = sd_bus_message_append(m, "{sv}", "User", "s", a->user);
        if (r >= 0 && a->env) {
                r = sd_bus_message_open_container(m, 'e', "sv");
                if (r >= 0)
                        r = sd_bus_message_append(m, "s", "Env");
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'v', "as");
                if (r >= 0)
                        r = sd_bus_message_append_strv(m, a->env);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
        }
        return r >= 0 ? sd_bus_message_close_container(m) : r;
}

/* Starts the exec; returns its id and, with -t, its terminal. */
static int exec_call(sd_bus *bus, const char *ref, const ExecArgs *a, char **ret_id, int *ret_terminal) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_close_ int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        const char *id;
        int terminal, r;

        r = sd_bus_message_new_method_call(bus, &m, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                           "ExecContainer");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", ref);
        if (r >= 0)
                r = sd_bus_message_append_strv(m, a->command);
        if (r >= 0)
                r = append_options(m, a);
        if (r >= 0)
                r = sd_bus_message_append(
                        m, "hhh", a->interactive && !a->tty && !a->detach ? STDIN_FILENO : null_fd,
                        a->detach ? null_fd : STDOUT_FILENO, a->detach ? null_fd : STDERR_FILENO);
        if (r >= 0)
                r = sd_bus_call(bus, m, UINT64_MAX, &error, &reply);
        if (r < 0)
                return ctl_log_bus_error("cannot exec", &error, r);
        r = sd_bus_message_read(reply, "sh", &id, &terminal);
        if (r < 0)
                return r;
        *ret_id = strdup(id);
        *ret_terminal = a->tty ? fcntl(terminal, F_DUPFD_CLOEXEC, 3) : -EBADF;
        return *ret_id ? 0 : log_oom();
}

int verb_exec(int argc, char *argv[]) {
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_strv_free_ char **env = NULL;
        _cleanup_free_ char *exec_id = NULL;
        _cleanup_close_ int terminal = -EBADF;
        ExecArgs a = {};
        const char *ref = NULL;
        int r;

        r = parse_args(argc, argv, &a, &ref);
        env = a.env;
        if (r <= 0)
                return r < 0 ? EXIT_DAEMON_ERROR : 0;
        if (ctl_bus_open(&bus) < 0 || exec_call(bus, ref, &a, &exec_id, &terminal) < 0)
                return EXIT_DAEMON_ERROR;
        if (a.detach) /* docker's exec -d: the exec unit runs on; WaitExec could collect its exit code */
                return 0;
        SessionParams p = {
                .kind = SESSION_EXEC, .id = ref, .exec_id = exec_id, .stdin = a.tty && a.interactive
        };
        return ctl_session_exec(bus, &p, terminal);
}
