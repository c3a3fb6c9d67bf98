/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * console-socket.h — a leaf: the socket a runtime hands a PTY master over. Before a start of a
 * TTY container (or a TTY exec) conmand listens on <run dir>/<id>.console and gives its path to
 * the runtime (`--console-socket`); the runtime connects, sends the master (SCM_RIGHTS) and
 * exits. One connection, one master, one callback. Used by the hub (container-stdio.h) and by
 * exec.c.
 */
#pragma once

#include <systemd/sd-event.h>

typedef struct ConsoleSocket ConsoleSocket;

/* Called once with the PTY master (owned by the callee) or a negative errno. The callback may free
 * the socket. */
typedef void (*ConsoleReceived)(int master_fd, int error, void *userdata);

/* Listens on path for a runtime's --console-socket connection. */
int console_socket_new(sd_event *event, const char *path, ConsoleReceived cb, void *userdata,
                       ConsoleSocket **ret);
/* Stops listening and unlinks the path. Returns NULL. */
ConsoleSocket *console_socket_free(ConsoleSocket *s);
