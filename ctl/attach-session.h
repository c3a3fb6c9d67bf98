/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * attach-session.h — one interactive client session, shared by run, start -a, attach
 * and exec: copies conmand's output fds to our stdout/stderr, our stdin to the input
 * fd (through the detach-key matcher when the container has a terminal), keeps the
 * window size in sync (SIGWINCH) and ends with an exit code.
 */
#pragma once

#include <systemd/sd-bus.h>

#include "tty.h"

typedef enum SessionKind {
        SESSION_RUN,    /* run/start -a: started by us; Ctrl-C (without a terminal) stops the container */
        SESSION_ATTACH, /* attach: SIGINT/SIGTERM leave the container running */
        SESSION_EXEC,   /* exec: the exit code comes from WaitExec */
} SessionKind;

typedef struct SessionParams {
        SessionKind kind;
        const char *id;      /* container id (or name) */
        const char *exec_id; /* SESSION_EXEC */
        bool stdin;          /* forward our stdin */
        bool close_stdin_on_eof;
        const char *detach_keys; /* NULL: the default */
        bool no_sig_proxy;       /* run --sig-proxy=false: SIGINT/SIGTERM leave the container running */
} SessionParams;

/* Runs a session; for SESSION_RUN it calls StartContainer once attached. Returns the exit code to exit
 * with (125 when conmand failed, 0 after a detach). */
int ctl_session_run(sd_bus *bus, const SessionParams *p);

/* An exec's session: with a TTY, terminal_fd is its PTY master (borrowed), else -EBADF and the process
 * has our own stdio. Returns the exec's exit code. */
int ctl_session_exec(sd_bus *bus, const SessionParams *p, int terminal_fd);

/* Exit code when the container never ran or conmand failed, as docker's. */
#define EXIT_DAEMON_ERROR 125
/* The container's command could not be executed (a directory, no execute bit), or was not found. */
#define EXIT_COMMAND_NOT_EXECUTABLE 126
#define EXIT_COMMAND_NOT_FOUND      127
