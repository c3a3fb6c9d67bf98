/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * console.c — see console.h. Queued, non-blocking writes into a PTY master or a stdin pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "shared/log.h"
#include "shared/macro.h"
#include "daemon/stdio/console.h"

struct Console {
        sd_event *event;
        char *name;   /* for log messages */
        int input_fd; /* the PTY master or the stdin pipe's write end; owned */
        bool is_tty;
        sd_event_source *input_source; /* EPOLLOUT while input is queued */
        char *pending;                 /* input not yet written */
        size_t n_pending;
        bool close_when_flushed; /* the client's EOF: close stdin once the queue is written */
        ConsoleHandlers handlers;
        void *userdata;
};

int console_new(sd_event *event, const char *name, const ConsoleHandlers *handlers, void *userdata,
                Console **ret) {
        Console *con = calloc(1, sizeof(Console));

        if (!con)
                return -ENOMEM;
        *con = (Console){ .event = sd_event_ref(event),
                          .name = strdup(name),
                          .input_fd = -EBADF,
                          .handlers = *handlers,
                          .userdata = userdata };
        if (!con->name) {
                console_free(con);
                return -ENOMEM;
        }
        *ret = con;
        return 0;
}

static void console_drop_input(Console *con) {
        con->input_source = sd_event_source_disable_unref(con->input_source);
        con->input_fd = safe_close(con->input_fd);
        con->n_pending = 0;
        con->close_when_flushed = false;
}

Console *console_free(Console *con) {
        if (!con)
                return NULL;
        console_drop_input(con);
        sd_event_unref(con->event);
        free(con->pending);
        free(con->name);
        free(con);
        return NULL;
}

/* Drops the fd on the console's own account, and tells the owner. */
static void console_lose_input(Console *con) {
        console_drop_input(con);
        if (con->handlers.input_ready)
                con->handlers.input_ready(con, false, con->userdata);
        if (con->handlers.input_closed)
                con->handlers.input_closed(con, con->userdata);
}

static int console_flush(Console *con) {
        ssize_t k;

        if (con->n_pending == 0)
                return 0;
        k = write(con->input_fd, con->pending, con->n_pending);
        if (k < 0)
                return errno == EAGAIN || errno == EINTR ? 0 : negative_errno();
        memmove(con->pending, con->pending + k, con->n_pending - (size_t) k);
        con->n_pending -= (size_t) k;
        return 0;
}

static int on_console_writable(sd_event_source *source, int fd, uint32_t revents, void *userdata) {
        Console *con = userdata;
        bool was_full = con->n_pending >= CONSOLE_INPUT_MAX;

        if (console_flush(con) < 0 || (revents & EPOLLERR)) {
                log_debug("The %s of container %s does not take input any more.",
                          con->is_tty ? "console" : "stdin", con->name);
                console_lose_input(con);
                return 0;
        }
        if (con->n_pending == 0) {
                (void) sd_event_source_set_enabled(source, SD_EVENT_OFF);
                if (con->close_when_flushed) {
                        console_lose_input(con);
                        return 0;
                }
        }
        if (was_full && con->n_pending < CONSOLE_INPUT_MAX && con->handlers.input_ready)
                con->handlers.input_ready(con, true, con->userdata);
        return 0;
}

static int console_set_input(Console *con, int fd, bool is_tty) {
        int r;

        if (con->input_fd >= 0) {
                safe_close(fd);
                return -EEXIST;
        }
        (void) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        r = sd_event_add_io(con->event, &con->input_source, fd, EPOLLOUT, on_console_writable, con);
        if (r < 0) {
                safe_close(fd);
                return r;
        }
        (void) sd_event_source_set_enabled(con->input_source, SD_EVENT_OFF);
        con->input_fd = fd;
        con->is_tty = is_tty;
        if (con->handlers.input_ready)
                con->handlers.input_ready(con, true, con->userdata);
        return 0;
}

int console_set_master(Console *con, int fd) {
        return console_set_input(con, fd, true);
}

int console_set_stdin(Console *con, int fd) {
        return console_set_input(con, fd, false);
}

bool console_is_tty(const Console *con) {
        return con->is_tty;
}

bool console_accepts_input(const Console *con) {
        return con->input_fd >= 0 && con->n_pending < CONSOLE_INPUT_MAX;
}

int console_write(Console *con, const void *data, size_t n) {
        char *p;

        if (con->input_fd < 0)
                return -ENOTCONN;
        if (con->n_pending + n > CONSOLE_INPUT_MAX + 4096)
                return -ENOBUFS;
        p = realloc(con->pending, con->n_pending + n);
        if (!p)
                return -ENOMEM;
        memcpy(p + con->n_pending, data, n);
        con->pending = p;
        con->n_pending += n;
        if (console_flush(con) < 0) {
                console_lose_input(con);
                return -EPIPE;
        }
        if (con->n_pending > 0)
                (void) sd_event_source_set_enabled(con->input_source, SD_EVENT_ON);
        if (con->n_pending >= CONSOLE_INPUT_MAX && con->handlers.input_ready)
                con->handlers.input_ready(con, false, con->userdata);
        return 0;
}

void console_close_stdin(Console *con) {
        if (con->is_tty || con->input_fd < 0)
                return;
        log_debug("Closing the stdin of %s: the client's input ended.", con->name);
        if (console_flush(con) < 0 || con->n_pending == 0)
                console_lose_input(con);
        else
                con->close_when_flushed = true; /* what the client sent before its EOF still arrives */
}

int console_set_size(Console *con, unsigned rows, unsigned cols) {
        struct winsize ws = { .ws_row = (unsigned short) rows, .ws_col = (unsigned short) cols };

        if (!con->is_tty || con->input_fd < 0)
                return -ENOTTY;
        if (ioctl(con->input_fd, TIOCSWINSZ, &ws) < 0)
                return negative_errno();
        return 0;
}
