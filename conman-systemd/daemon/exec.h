/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * exec.h — processes run in a running container (`conmanctl exec`), supervised by systemd like the
 * container itself: one transient unit per exec, conman-<name>-exec-<id>.service, whose
 * ExecStart=<runtime> exec [--detach] --pid-file ... --process <run>/exec-<id>.json <container id> holds no
 * word of the exec's: the command, its environment and user are in that root-only file
 * (shared/oci-process.h), so systemd expands no `$` in them and `ps` shows no secret. Without a TTY the
 * runtime stays in the foreground (Type=exec) and its exit code is the command's; with one it detaches
 * (Type=forking) and the exec'd process becomes the unit's MainPID. systemd records the exit status
 * (ExecMainCode/ExecMainStatus).
 *
 * Without a TTY the client's own fds are the process's stdio (passed to the unit as
 * StandardInput/Output/ErrorFileDescriptor=, as `systemd-run --pipe` does): no copy
 * through conmand. With a TTY the runtime sends the PTY master to a console socket
 * (stdio/console-socket.h) and conmand hands it to the client in the reply: the client owns it.
 * The unit carries AddRef=yes so its exit status can be read before it is collected.
 *
 * The runtime always writes the exec'd process's PID (a host PID) to <run>/exec-<id>.pid: without a TTY the
 * unit's main process is the runtime, and the process it started lives in the container's cgroup, not the
 * unit's, so stopping the unit leaves it running. exec_kill() signals that process itself (KillExec: the
 * CRI's ExecSync timeout).
 */
#pragma once

#include "daemon/container.h"

/* WaitExec's answer for a command the runtime could not start (not found, not executable): docker's. */
#define EXEC_EXIT_CANNOT_START 126

typedef struct ExecParams {
        char **command;
        char **env; /* KEY=VALUE added to the container's */
        const char *working_dir;
        const char *user; /* "uid[:gid]" or a name in the container's /etc/passwd */
        bool tty;
        int stdin_fd, stdout_fd, stderr_fd; /* the client's, borrowed */
} ExecParams;

/* Starts an exec; answers request with (s exec_id, h terminal) once the process runs. Returns 1. */
int exec_start(Container *c, const ExecParams *p, sd_bus_message *request, sd_bus_error *error);
/* An exec of conmand's own, without a client (a health check, daemon/container-health.h): done(exit code,
 * userdata) once it ended (126: could not start), then the exec is gone; free_userdata frees userdata then,
 * or at once on failure. *ret_id names it for exec_kill(). */
typedef void (*ExecDoneHandler)(int exit_code, void *userdata);
int exec_run_internal(Container *c, const ExecParams *p, ExecDoneHandler done, void *userdata,
                      void (*free_userdata)(void *userdata), char **ret_id, sd_bus_error *error);
/* Answers request with the exit code of the exec once it ended. Returns 1, or -ENOENT when unknown. */
int exec_wait(Manager *m, const char *exec_id, sd_bus_message *request);
/* Sends sig to the exec'd process inside the container. InvalidArgument for an unknown or finished exec,
 * Busy when the runtime has not written its PID yet. */
int exec_kill(Manager *m, const char *exec_id, int sig, sd_bus_error *error);
/* Frees every exec of the manager (manager_free()); their units go on under systemd. */
void exec_free_all(Manager *m);
