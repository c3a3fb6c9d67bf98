/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * console.h — the interactive side of a container, without a shim:
 *
 *  - TTY containers (-t): before the start conmand listens on a console socket
 *    (<run dir>/<id>.console) and gives its path to the runtime (`--console-socket`).
 *    The runtime sends the PTY master over it (SCM_RIGHTS) and exits; conmand keeps
 *    the master, pushes it into its own fd store (fdstore.h), drains it always
 *    (lines go to the journal like any output, bytes to attached clients), writes the
 *    clients' input into it and resizes it (TIOCSWINSZ).
 *  - -i containers without a TTY: the unit gets the read end of a stdin pipe
 *    (StandardInputFileDescriptor=); conmand keeps the write end, in the fd store
 *    (fdstore.h), and writes the clients' input into it.
 *
 * After a restart of conmand both come back from the fd store (console_adopt()).
 * Exec processes with a TTY use the same socket handshake (exec.c).
 */
#pragma once

#include "daemon/container.h"

#define CONSOLE_INPUT_MAX (256U * 1024) /* queued input before clients are throttled */

typedef struct ConsoleSocket ConsoleSocket;

/* Called once with the PTY master (owned by the callee) or a negative errno. */
typedef void (*ConsoleReceived)(int master_fd, int error, void *userdata);

/* Listens on path for a runtime's --console-socket connection. */
int console_socket_new(sd_event *event, const char *path, ConsoleReceived cb, void *userdata,
                       ConsoleSocket **ret);
ConsoleSocket *console_socket_free(ConsoleSocket *s);

struct Console {
        Container *container;
        OutputStream *output;   /* reads the PTY master (TTY only) */
        int input_fd;           /* a dup of the PTY master, or the stdin pipe's write end; owned */
        const char *input_kind; /* "console" or "stdin": its fd store name is <kind>-<id> */
        sd_event_source *input_source; /* EPOLLOUT while input is queued */
        char *pending;          /* input not yet written */
        size_t n_pending;
        bool close_when_flushed; /* the client's EOF: close stdin once the queue is written */
        ConsoleSocket *socket;  /* waiting for the runtime's PTY master */
        unsigned rows, cols;    /* the size clients asked for; applied when the master arrives */
};

/* Before a start of a TTY container: listens for the master; returns the socket path for the unit. */
int console_prepare_tty(Container *c, char **ret_socket_path);
/* Before a start of a -i container: returns the read end of the stdin pipe for the unit. */
int console_prepare_stdin(Container *c, int *ret_stdin_r);
/* A fd from the fd store: kind is "console" or "stdin". Takes fd. */
int console_adopt(Container *c, const char *kind, int fd);

/* Queues client input. -ENOBUFS when CONSOLE_INPUT_MAX is queued, -ENOTCONN without a console. */
int console_write(Container *c, const void *data, size_t n);
bool console_accepts_input(Container *c);
/* The client's EOF on a -i container: closes the container's stdin. No-op for a TTY. */
void console_close_stdin(Container *c);
/* Sets the terminal size (now, or when the master arrives). -ENOTTY for containers without a TTY. */
int console_resize(Container *c, unsigned rows, unsigned cols);

/* The container ended: drains, closes and forgets (forget: drops the fds from the fd store). */
void console_free(Container *c, bool forget);
