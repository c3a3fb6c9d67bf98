/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * output-stream.h — a leaf: reads one fd (a pipe's read end or a PTY master) and hands what
 * it reads to its owner's handlers, as complete lines (for the journal) and as the raw bytes
 * (for attached clients). It knows nothing of containers, the journal or clients; the hub
 * (container-stdio.h) wires it.
 *
 * Lines longer than OUTPUT_LINE_MAX are handed in pieces. A console stream (a PTY) ends lines
 * with "\r\n": the "\r" is not part of the line, and EIO (every process let go of the
 * terminal) is its end like EOF is for a pipe.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-event.h>

#define OUTPUT_LINE_MAX 16384U /* longer lines are handed in pieces (kubelet's and containerd's bound) */

typedef struct OutputStream OutputStream;

typedef struct OutputStreamHandlers {
        /* A complete line without its "\n" (nor a console's "\r"), or with partial a piece of OUTPUT_LINE_MAX
         * of a longer line or the last bytes without a "\n" at the end (kubelet's log marks them "P"). */
        void (*line)(OutputStream *s, const char *line, size_t len, bool partial, void *userdata);
        /* The raw bytes, after their complete lines were handed to line. */
        void (*data)(OutputStream *s, const char *data, size_t n, void *userdata);
        /* EOF (a console's EIO): nothing more comes. The handler may free the stream. */
        void (*end)(OutputStream *s, void *userdata);
} OutputStreamHandlers;

/* Reads fd (owned; made non-blocking) whenever it is readable. On failure fd is closed. */
int output_stream_new(sd_event *event, int fd, bool is_console, const OutputStreamHandlers *handlers,
                      void *userdata, OutputStream **ret);
/* The last partial line goes to the line handler, then the fd is closed. Returns NULL. */
OutputStream *output_stream_free(OutputStream *s);
/* Reads until nothing is left, without calling end. Returns 0 at the end, 1 when more may come. */
int output_stream_drain(OutputStream *s);
/* The fd read (owned by the stream). */
int output_stream_get_fd(const OutputStream *s);
