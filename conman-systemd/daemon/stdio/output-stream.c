/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * output-stream.c — see output-stream.h. Splits what one fd gives into lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/macro.h"
#include "daemon/stdio/output-stream.h"

struct OutputStream {
        int fd;          /* read end / PTY master, owned */
        bool is_console; /* a PTY: EIO is the end, "\r\n" ends lines */
        sd_event_source *source;
        char *line; /* partial line not yet handed (OUTPUT_LINE_MAX), only while there is one */
        size_t len;
        OutputStreamHandlers handlers;
        void *userdata;
};

static void emit_line(OutputStream *s, const char *line, size_t len, bool partial) {
        if (s->is_console && len > 0 && line[len - 1] == '\r')
                len--; /* a terminal ends lines with "\r\n" */
        if (s->handlers.line)
                s->handlers.line(s, line, len, partial, s->userdata);
}

/* Appends up to the end of a line (or OUTPUT_LINE_MAX) to the partial line; hands it once complete.
 * Returns how many bytes were taken, or -ENOMEM. */
static ssize_t buffer_line(OutputStream *s, const char *data, size_t k, bool complete) {
        size_t room;

        if (!s->line && !(s->line = malloc(OUTPUT_LINE_MAX)))
                return -ENOMEM;
        room = MIN(k, OUTPUT_LINE_MAX - s->len);
        memcpy(s->line + s->len, data, room);
        s->len += room;
        if (s->len == OUTPUT_LINE_MAX || (complete && room == k)) {
                emit_line(s, s->line, s->len, !(complete && room == k));
                s->len = 0;
                free(s->line);
                s->line = NULL;
        }
        return (ssize_t) room;
}

/* Complete lines are handed straight from data; only a partial line at the end is kept, in a buffer
 * that exists while there is one (an idle container costs no line buffer: 1,000 containers, 16 MiB less). */
static void split_lines(OutputStream *s, const char *data, size_t n) {
        while (n > 0) {
                const char *nl = memchr(data, '\n', n);
                size_t k = nl ? (size_t) (nl - data) : n;

                if (s->len == 0 && nl && k <= OUTPUT_LINE_MAX)
                        emit_line(s, data, k, false); /* the common case: no copy */
                else {
                        ssize_t room = buffer_line(s, data, k, nl);
                        if (room < 0)
                                return;          /* out of memory: drop the output rather than conmand */
                        if ((size_t) room < k) { /* the rest of a long line: again, from the same place */
                                data += room;
                                n -= (size_t) room;
                                continue;
                        }
                }
                data += k;
                n -= k;
                if (nl) {
                        data++;
                        n--;
                }
        }
}

int output_stream_drain(OutputStream *s) {
        char buf[65536];

        for (;;) {
                ssize_t n = read(s->fd, buf, sizeof(buf));
                if (n < 0)
                        /* EIO: every process let go of the terminal. */
                        return errno == EAGAIN || errno == EINTR ? 1 : 0;
                if (n == 0)
                        return 0;
                split_lines(s, buf, (size_t) n);
                if (s->handlers.data)
                        s->handlers.data(s, buf, (size_t) n, s->userdata);
        }
}

static int on_stream_io(sd_event_source *source, int fd, uint32_t revents, void *userdata) {
        OutputStream *s = userdata;

        if (output_stream_drain(s) > 0)
                return 0;
        /* EOF: every writer let go of the pipe or terminal. The handler may free s. */
        (void) sd_event_source_set_enabled(s->source, SD_EVENT_OFF);
        if (s->handlers.end)
                s->handlers.end(s, s->userdata);
        return 0;
}

int output_stream_new(sd_event *event, int fd, bool is_console, const OutputStreamHandlers *handlers,
                      void *userdata, OutputStream **ret) {
        OutputStream *s = calloc(1, sizeof(OutputStream));
        int r;

        if (!s) {
                safe_close(fd);
                return -ENOMEM;
        }
        *s = (OutputStream){
                .fd = fd, .is_console = is_console, .handlers = *handlers, .userdata = userdata
        };
        (void) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        r = sd_event_add_io(event, &s->source, fd, EPOLLIN, on_stream_io, s);
        if (r < 0) {
                safe_close(fd);
                free(s);
                return r;
        }
        *ret = s;
        return 0;
}

OutputStream *output_stream_free(OutputStream *s) {
        if (!s)
                return NULL;
        if (s->len > 0)
                emit_line(s, s->line, s->len, true);
        free(s->line);
        sd_event_source_disable_unref(s->source);
        safe_close(s->fd);
        free(s);
        return NULL;
}

int output_stream_get_fd(const OutputStream *s) {
        return s->fd;
}
