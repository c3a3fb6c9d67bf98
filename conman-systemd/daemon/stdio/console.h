/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * console.h — a leaf: the input side of a container's terminal or stdin. It holds one fd that
 * input is written into, without ever blocking conmand:
 *
 *  - TTY containers (-t): a PTY master (console_set_master()); the terminal size is set
 *    on it (TIOCSWINSZ). Its output is read by an output stream (output-stream.h).
 *  - -i containers without a TTY: the write end of the stdin pipe the unit reads
 *    (StandardInputFileDescriptor=, console_set_stdin()).
 *
 * Input is queued up to CONSOLE_INPUT_MAX; the owner hears when the console takes input again
 * (input_ready) so it can throttle the clients feeding it. It knows nothing of containers,
 * clients or the fd store; the hub (container-stdio.h) wires it. See docs/interactive.md.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-event.h>

#define CONSOLE_INPUT_MAX (256U * 1024) /* queued input before clients are throttled */

typedef struct Console Console;

typedef struct ConsoleHandlers {
        /* The console accepts input again (ready), or not any more (its queue is full, or its fd is gone). */
        void (*input_ready)(Console *con, bool ready, void *userdata);
        /* The console closed its fd itself: a write failed, or stdin closed once its queue was written. */
        void (*input_closed)(Console *con, void *userdata);
} ConsoleHandlers;

/* A console without an fd yet. name is for log messages only. */
int console_new(sd_event *event, const char *name, const ConsoleHandlers *handlers, void *userdata,
                Console **ret);
/* Closes the fd; queued input is dropped. Returns NULL. */
Console *console_free(Console *con);

/* Takes a PTY master (owned) to write input into. */
int console_set_master(Console *con, int fd);
/* Takes the write end of a stdin pipe (owned). */
int console_set_stdin(Console *con, int fd);
bool console_is_tty(const Console *con);

/* Queues input. -ENOBUFS when CONSOLE_INPUT_MAX is queued, -ENOTCONN without an fd, -EPIPE when the
 * write failed (the fd is closed then). */
int console_write(Console *con, const void *data, size_t n);
bool console_accepts_input(const Console *con);
/* The client's EOF on stdin: closes it once the queue is written. No-op for a TTY. */
void console_close_stdin(Console *con);
/* Sets the terminal size. -ENOTTY without a PTY master. */
int console_set_size(Console *con, unsigned rows, unsigned cols);
