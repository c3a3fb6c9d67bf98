/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conman-exec-wait.c — the main process of a TTY exec's unit (daemon/exec.c):
 *     conman-exec-wait --pid-file FILE -- RUNTIME ... exec --detach --pid-file FILE ...
 * A terminal needs the runtime to detach, and a detached exec's process outlives the runtime. Under
 * Type=forking systemd learns that process from the pid file, and one that ends at once (`echo hello`) can
 * end before systemd reads it: its exit code is lost and the start looks failed. Here the process cannot
 * get away: this program is a child subreaper, so the runtime's orphaned process becomes our child (when
 * runc exits; with crun as soon as its intermediate process does), and we exit with its code (128 + N for
 * signal N). A runtime that fails exits with the runtime's
 * code and leaves no pid file; the caller tells the two apart by that file. Lives only as long as the
 * exec'd process; never a shim of the container.
 */
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/util.h"

static int status_to_code(int status) {
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return EXIT_FAILURE;
}

/* The PID the runtime wrote; 0 when there is none. */
static pid_t read_pid_file(const char *path) {
        _cleanup_free_ char *text = NULL;
        char *end;
        long v;

        if (read_file(path, 64, &text, NULL) < 0)
                return 0;
        errno = 0;
        v = strtol(text, &end, 10);
        if (errno != 0 || end == text || v <= 0 || v > INT32_MAX)
                return 0;
        return (pid_t) v;
}

static pid_t spawn(char **argv) {
        pid_t pid = fork();

        if (pid == 0) {
                (void) signal(SIGTERM, SIG_DFL);
                (void) signal(SIGINT, SIG_DFL);
                (void) signal(SIGHUP, SIG_DFL);
                execv(argv[0], argv);
                log_error_errno(errno, "Cannot run %s: %m", argv[0]);
                _exit(127);
        }
        return pid;
}

/* Waits for any child; returns its PID and status, or -1 when no child is left. */
static pid_t reap(int *ret_status) {
        for (;;) {
                pid_t pid = waitpid(-1, ret_status, 0);
                if (pid >= 0 || errno != EINTR)
                        return pid;
        }
}

/* Children reaped before the runtime said which one is the process: with crun the process is handed to us
 * while the runtime still runs, and it may end (and be reaped here) before the pid file is read. */
#define EARLY_MAX 64
typedef struct Reaped {
        pid_t pid;
        int status;
} Reaped;

static bool early_find(const Reaped *early, size_t n, pid_t pid, int *ret_status) {
        for (size_t i = 0; i < n; i++)
                if (early[i].pid == pid) {
                        *ret_status = early[i].status;
                        return true;
                }
        return false;
}

int main(int argc, char *argv[]) {
        const char *pid_file;
        pid_t runtime, process = 0, pid;
        int status, runtime_code = -1;
        Reaped early[EARLY_MAX];
        size_t n_early = 0;

        log_setup("conman-exec-wait", LOG_TARGET_AUTO);
        if (argc < 5 || !streq(argv[1], "--pid-file") || !streq(argv[3], "--") || argv[4][0] != '/') {
                log_error("Usage: conman-exec-wait --pid-file FILE -- /PATH/TO/RUNTIME ARG...");
                return EXIT_FAILURE;
        }
        pid_file = argv[2];
        /* systemd stops the unit with SIGTERM to us alone when the exec is killed another way; the process
         * gets its own signal from KillExec (its pid file), so we only wait for it. */
        (void) signal(SIGTERM, SIG_IGN);
        (void) signal(SIGINT, SIG_IGN);
        (void) signal(SIGHUP, SIG_IGN);
        if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
                log_error_errno(errno, "Cannot become a child subreaper: %m");
                return EXIT_FAILURE;
        }
        runtime = spawn(argv + 4);
        if (runtime < 0) {
                log_error_errno(errno, "Cannot fork: %m");
                return EXIT_FAILURE;
        }
        while ((pid = reap(&status)) > 0) {
                if (pid == runtime) {
                        runtime_code = status_to_code(status);
                        if (runtime_code != 0)
                                return runtime_code; /* it could not start the process */
                        process = read_pid_file(pid_file);
                        if (process == 0) {
                                log_error("%s wrote no PID to %s.", argv[4], pid_file);
                                return EXIT_FAILURE;
                        }
                        if (early_find(early, n_early, process, &status))
                                return status_to_code(status);
                } else if (pid == process)
                        return status_to_code(status);
                else if (process == 0 && n_early < EARLY_MAX)
                        early[n_early++] = (Reaped){ pid, status };
        }
        /* No child is left, yet we never saw the process end: it was not reparented to us. */
        log_error("The exec'd process %i ended out of sight.", (int) process);
        return EXIT_FAILURE;
}
