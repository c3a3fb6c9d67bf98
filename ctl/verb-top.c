/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-top.c — `conmanctl top CONTAINER [ps OPTIONS]`: the processes of the container's unit, as docker's
 * top shows them. The PIDs come from systemd (GetUnitProcesses: every process in the unit's cgroup
 * subtree, the same cgroup.procs files on cgroup v1 and v2); ps runs with the options given (default -ef,
 * docker's UID PID PPID C STIME TTY TIME CMD) and its rows are kept for those PIDs (top-filter.h).
 */
#include <fcntl.h>
#include <getopt.h>
#include <sys/wait.h>

#include "shared/log.h"
#include "shared/util.h"
#include "ctl.h"
#include "top-filter.h"

static void help(void) {
        printf("Usage: conmanctl top CONTAINER [ps OPTIONS]\n\n"
               "List the processes of a running container (every process in its unit's cgroup) with\n"
               "ps; the ps options default to -ef (UID PID PPID C STIME TTY TIME CMD).\n");
}

/* The unit of a running (or paused) container. */
static int running_unit(sd_bus *bus, const char *ref, char **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *state = NULL;
        const char *path;
        int r;

        r = ctl_call(bus, "GetContainer", &error, &reply, "s", ref);
        if (r >= 0)
                r = sd_bus_message_read(reply, "o", &path);
        if (r >= 0)
                r = sd_bus_get_property_string(bus, "io.conman1", path, "io.conman1.Container", "State",
                                               &error, &state);
        if (r >= 0)
                r = sd_bus_get_property_string(bus, "io.conman1", path, "io.conman1.Container", "Unit",
                                               &error, ret);
        if (r < 0) {
                _cleanup_free_ char *what = NULL;
                if (asprintf(&what, "cannot find container %s", ref) < 0)
                        return log_oom();
                return ctl_log_bus_error(what, &error, r);
        }
        if (!streq(state, "running") && !streq(state, "paused"))
                return log_error_errno(-ESRCH, "conmanctl top: container %s is not running (%s).", ref,
                                       state);
        return 0;
}

static int unit_pids(sd_bus *bus, const char *unit, uint32_t **ret, size_t *ret_n) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ uint32_t *pids = NULL;
        size_t n = 0;
        uint32_t pid;
        int r;

        r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                               "org.freedesktop.systemd1.Manager", "GetUnitProcesses", &error, &reply, "s",
                               unit);
        if (r < 0)
                return ctl_log_bus_error("cannot list the container's processes", &error, r);
        r = sd_bus_message_enter_container(reply, 'a', "(sus)");
        while (r >= 0 && (r = sd_bus_message_read(reply, "(sus)", NULL, &pid, NULL)) > 0) {
                uint32_t *p = reallocarray(pids, n + 1, sizeof(uint32_t));
                if (!p)
                        return log_oom();
                pids = p;
                pids[n++] = pid;
        }
        if (r < 0)
                return log_error_errno(r, "conmanctl top: malformed reply from systemd: %m");
        *ret = TAKE_PTR(pids);
        *ret_n = n;
        return 0;
}

/* Runs ps with the options and returns what it wrote to stdout (its stderr is ours). */
static int run_ps(char **options, char **ret) {
        _cleanup_strv_free_ char **argv = NULL;
        _cleanup_free_ char *out = NULL;
        size_t size = 0, len = 0;
        int fds[2], status;
        pid_t pid;

        if (strv_push(&argv, "ps") < 0)
                return log_oom();
        for (char **o = options; o && *o; o++)
                if (strv_push(&argv, *o) < 0)
                        return log_oom();
        if (!options || !*options)
                if (strv_push(&argv, "-ef") < 0)
                        return log_oom();
        if (pipe2(fds, O_CLOEXEC) < 0)
                return log_error_errno(-errno, "conmanctl top: pipe: %m");
        fflush(stdout);
        pid = fork();
        if (pid < 0)
                return log_error_errno(-errno, "conmanctl top: fork: %m");
        if (pid == 0) {
                if (dup2(fds[1], STDOUT_FILENO) < 0)
                        _exit(127);
                execvp("ps", argv);
                fprintf(stderr, "conmanctl top: cannot run ps: %m\n");
                _exit(127);
        }
        close(fds[1]);
        for (;;) {
                if (len + 4096 + 1 > size) {
                        char *p = realloc(out, size = len + 65536);
                        if (!p) {
                                close(fds[0]);
                                return log_oom();
                        }
                        out = p;
                }
                ssize_t k = read(fds[0], out + len, size - len - 1);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0)
                        break;
                len += k;
        }
        close(fds[0]);
        out[len] = 0;
        if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return log_error_errno(-EINVAL, "conmanctl top: ps failed (options: %s).",
                                       options && *options ? "as given" : "-ef");
        *ret = TAKE_PTR(out);
        return 0;
}

int verb_top(int argc, char *argv[]) {
        static const struct option options[] = { CTL_HELP_OPTION, {} };
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL, *systemd = NULL;
        _cleanup_free_ char *unit = NULL, *out = NULL, *rows = NULL;
        _cleanup_free_ uint32_t *pids = NULL;
        size_t n = 0;
        int c, r;

        optind = 0; /* "+": ps options after the container are ps's */
        while ((c = getopt_long(argc, argv, "+h", options, NULL)) >= 0) {
                if (c != 'h')
                        return ctl_usage_error();
                help();
                return 0;
        }
        if (optind >= argc)
                return log_error_errno(-EINVAL, "conmanctl top: name a container.");
        r = ctl_bus_open(&bus);
        if (r >= 0)
                r = running_unit(bus, argv[optind], &unit);
        if (r >= 0)
                r = ctl_systemd_bus(bus, &systemd);
        if (r >= 0)
                r = unit_pids(systemd, unit, &pids, &n);
        if (r >= 0)
                r = run_ps(argv + optind + 1, &out);
        if (r < 0)
                return r;
        r = top_filter_ps_output(out, pids, n, &rows);
        if (r == -ENOENT)
                return log_error_errno(r, "conmanctl top: ps printed no PID column; give options that "
                                          "include it (e.g. -ef, aux, -o pid,cmd).");
        if (r < 0)
                return log_oom();
        fputs(rows, stdout);
        return 0;
}
