/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * output.h — a container's output and its attached clients. systemd hands the write
 * ends of two pipes to the unit (StandardOutputFileDescriptor=); conmand keeps the
 * read ends (also in its fd store), forwards every line to the journal with the
 * fields that make `journalctl -u conman-<name>.service` and `conmanctl logs` find
 * it, and copies the raw bytes to attached clients (Attachment). A TTY container's
 * PTY master (console.h) is read by the same machinery.
 *
 * An Attachment is one client: conmand writes output into pipes the client reads,
 * and (when the client asked for it) reads the client's input from a pipe and hands
 * it to the container's console or stdin (console_write()).
 *
 * While conmand is down the pipe buffers (64 KiB each); a container that writes
 * more than that blocks until conmand is back. See docs/interactive.md.
 */
#pragma once

#include "daemon/container.h"

#define OUTPUT_LINE_MAX 8192U /* longer lines go to the journal in pieces */

struct OutputStream {
        Container *container;
        OutputStream **slot;      /* where the owner keeps this stream; cleared when it ends */
        int fd;                   /* read end / PTY master, owned; a copy lives in the fd store as <kind>-<id> */
        int priority;             /* LOG_INFO for stdout and console, LOG_ERR for stderr */
        const char *kind;         /* "stdout", "stderr" or "console" */
        bool is_console;          /* a PTY: EIO is the end, "\r\n" ends lines */
        sd_event_source *source;
        char *line;               /* partial line not yet sent (OUTPUT_LINE_MAX), only while there is one */
        size_t len;
};

struct Attachment {
        Container *container;
        int stdout_fd, stderr_fd; /* write ends to the client, owned */
        sd_event_source *stdout_source, *stderr_source;
        char *pending[2];         /* bytes the client has not taken yet */
        size_t n_pending[2];
        int input_fd;             /* read end of the client's input, owned; -EBADF without input */
        sd_event_source *input_source;
        bool close_stdin_on_eof;  /* the client's EOF closes the container's stdin (run -i) */
        bool closing;             /* container output ended: close once flushed */
        Attachment *prev, *next;
};

/* Creates the pipes for a start; returns the write ends for the unit. */
int output_open(Container *c, int *ret_stdout_w, int *ret_stderr_w);
/* Re-adopts a read end from the fd store after a restart of conmand. */
int output_adopt(Container *c, const char *kind, int fd);
/* Reads what is left, sends the last partial lines, closes and drops the fds from the fd store (the
 * container ended); also closes the console and ends attachments. */
void output_close(Container *c);
/* conmand exits: closes our copies only; the fd store keeps its own for the next conmand. */
void output_release(Container *c);

/* A stream reading fd (owned) into the journal and the attachments; stored in *slot. Used for the pipes
 * and for a TTY's master (kind "console"). */
int output_stream_new(Container *c, const char *kind, int fd, OutputStream **slot);
/* Ends a stream: the last partial line goes out; forget drops its fd from the fd store too. */
void output_stream_free(OutputStream **slot, bool forget);
/* Reads until nothing is left. Returns 0 at the end, 1 when more may come. */
int output_stream_drain(OutputStream *s);

/* A new client: returns the read ends it gets the container's output on, and with want_input the write
 * end it sends input through (else -EBADF). */
int attachment_new(Container *c, bool want_input, bool close_stdin_on_eof, int *ret_input_w, int *ret_stdout_r,
                   int *ret_stderr_r);
void attachment_free(Attachment *a);
/* The console or stdin accepts input again: the attachments read their clients' input. */
void attachments_input_ready(Container *c, bool ready);

/* Between output.c and attachment.c: copies output to one client (idx 0 stdout, 1 stderr), and ends
 * every client once the container's output ended (after their pending output was taken). */
void attachment_write(Attachment *a, int idx, const char *data, size_t n);
void attachments_close(Container *c);
