/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-stdio.h — the hub of a container's stdio: the one place that knows the container
 * and wires the leaves (output-stream.h, console.h, console-socket.h, attachment.h):
 *
 *   output streams ── lines ──▶ the journal (the fields `journalctl -u conman-<name>.service`
 *                  │                          and `conmanctl logs` find it by)
 *                  ├─ lines ──▶ kubelet's log file at LogPath, when the container has one (cri-log.h)
 *                  ├─ bytes ──▶ every attached client
 *                  └─ end ────▶ the clients close once every stream ended
 *   a client's input ─────────▶ the console (PTY master) or the stdin pipe
 *   the console full / free ──▶ the clients' input is paused / resumed
 *
 * systemd hands the write ends of two pipes to the unit (StandardOutputFileDescriptor=);
 * conmand keeps the read ends, also in its fd store (fdstore.h), under the names
 * stdout/stderr. A TTY container's PTY master comes over a console socket (--console-socket),
 * is stored as console and read like the pipes; a -i container's stdin pipe write end is
 * stored as stdin. After a restart of conmand all of them come back (output_adopt(),
 * console_adopt()).
 *
 * While conmand is down the pipe buffers (64 KiB each); a container that writes more than
 * that blocks until conmand is back. See docs/interactive.md.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

typedef struct ContainerStdio ContainerStdio;

/* What the hub knows of its container; the pointers are borrowed and outlive the ContainerStdio (the
 * container owns both: container_stdio() in daemon/container.c). */
typedef struct StdioOwner {
        sd_event *event;
        const char *run_dir; /* the console socket is <run_dir>/<id>.console */
        const char *id, *name, *unit;
        const uint32_t *main_pid; /* OBJECT_PID of each journal line, read when it is sent */
        const bool *tty;          /* the container has a terminal (resize) */
        char *const *log_path;    /* kubelet's log file (cri-log.h), or NULL: read when the log is opened */
} StdioOwner;

ContainerStdio *container_stdio_new(const StdioOwner *owner);

/* The functions below take NULL (a container without stdio yet): output_fd() says -EBADF, output_close()
 * and output_release() do nothing, the others fail with -ENOMEM. */

/* Creates the pipes for a start; returns the write ends for the unit. */
int output_open(ContainerStdio *st, int *ret_stdout_w, int *ret_stderr_w);
/* Re-adopts a read end ("stdout" or "stderr") from the fd store after a restart of conmand. Takes fd. */
int output_adopt(ContainerStdio *st, const char *kind, int fd);
/* The read end of "stdout" or "stderr" (owned by the stream), -EBADF without one. */
int output_fd(ContainerStdio *st, const char *kind);
/* Reads what is left, sends the last partial lines, closes and drops the fds from the fd store (the
 * container ended); also closes the console and ends attachments once they took their output. */
void output_close(ContainerStdio *st);
/* conmand exits or forgets the container: closes our copies only and frees everything; the fd store
 * keeps its own for the next conmand. */
ContainerStdio *output_release(ContainerStdio *st);

/* Closes and opens the container's LogPath again (kubelet renamed it). -ENOENT for a container without one;
 * the error of open() otherwise (nothing is written until a reopen succeeds). */
int output_reopen_log(ContainerStdio *st);

/* Before a start of a TTY container: listens for the master; returns the socket path for the unit. */
int console_prepare_tty(ContainerStdio *st, char **ret_socket_path);
/* Before a start of a -i container: returns the read end of the stdin pipe for the unit. */
int console_prepare_stdin(ContainerStdio *st, int *ret_stdin_r);
/* A fd from the fd store: kind is "console" or "stdin". Takes fd. */
int console_adopt(ContainerStdio *st, const char *kind, int fd);
/* Sets the terminal size (now, or when the master arrives). -ENOTTY for containers without a TTY. */
int console_resize(ContainerStdio *st, unsigned rows, unsigned cols);

/* A new client: returns the read ends it gets the container's output on, and with want_input the write
 * end it sends input through (else -EBADF). close_stdin_on_eof: the client's EOF closes the container's
 * stdin (run -i). */
int output_attach(ContainerStdio *st, bool want_input, bool close_stdin_on_eof, int *ret_input_w,
                  int *ret_stdout_r, int *ret_stderr_r);
