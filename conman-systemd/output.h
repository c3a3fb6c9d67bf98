/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * output.h — a container's stdout/stderr. systemd hands the write ends of two pipes
 * to the unit (StandardOutputFileDescriptor=); conmand keeps the read ends (also in
 * its fd store), forwards every line to the journal with the fields that make
 * `journalctl -u conman-<name>.service` and `conmanctl logs` find it, and copies the
 * raw bytes to attached clients (Attachment).
 *
 * While conmand is down the pipe buffers (64 KiB each); a container that writes
 * more than that blocks until conmand is back. See docs/logging.md.
 */
#pragma once

#include "container.h"

struct OutputStream {
        Container *container;
        int fd;                   /* read end, owned; a copy lives in the fd store as <kind>-<id> */
        int priority;             /* LOG_INFO for stdout, LOG_ERR for stderr */
        const char *kind;         /* "stdout" or "stderr" */
        sd_event_source *source;
        char line[8192];          /* partial line not yet sent */
        size_t len;
};

struct Attachment {
        Container *container;
        int stdout_fd, stderr_fd; /* write ends to the client, owned */
        sd_event_source *stdout_source, *stderr_source;
        char *pending[2];         /* bytes the client has not taken yet */
        size_t n_pending[2];
        bool closing;             /* container output ended: close once flushed */
        Attachment *prev, *next;
};

/* Creates the pipes for a start; returns the write ends for the unit. */
int output_open(Container *c, int *ret_stdout_w, int *ret_stderr_w);
/* Re-adopts a read end from the fd store after a restart of conmand. */
int output_adopt(Container *c, const char *kind, int fd);
/* Reads what is left, sends the last partial lines, closes; also ends attachments. */
void output_close(Container *c);

/* A new client: returns the read ends it will get the container's output on. */
int attachment_new(Container *c, int *ret_stdout_r, int *ret_stderr_r);
void attachment_free(Attachment *a);
