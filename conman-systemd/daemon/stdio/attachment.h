/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * attachment.h — a leaf: one attached client. conmand writes output into two pipes the client
 * reads (stdout, stderr) without ever blocking: what the client does not take yet is kept, up
 * to ATTACHMENT_PENDING_MAX. When the client asked for it, conmand also reads the client's
 * input from a third pipe and hands it to a handler. It knows nothing of containers or
 * consoles; the hub (container-stdio.h) keeps the list of a container's clients and wires
 * their input to the console.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-event.h>

#define ATTACHMENT_PENDING_MAX (8U * 1024 * 1024)

typedef struct Attachment Attachment;

typedef enum AttachmentStream {
        ATTACHMENT_STDOUT,
        ATTACHMENT_STDERR,
        _ATTACHMENT_STREAM_MAX,
} AttachmentStream;

typedef struct AttachmentHandlers {
        /* Bytes the client sent. */
        void (*input)(Attachment *a, const void *data, size_t n, void *userdata);
        /* The client's input ended (EOF or error); the input pipe is closed. */
        void (*input_end)(Attachment *a, void *userdata);
        /* The client went away, or took the last of its output after attachment_close(): free it. */
        void (*done)(Attachment *a, void *userdata);
} AttachmentHandlers;

/* A new client: returns the read ends it gets output on, and with want_input the write end it sends
 * input through (else -EBADF). Input is read only while enabled (attachment_set_input_enabled()). */
int attachment_new(sd_event *event, bool want_input, const AttachmentHandlers *handlers, void *userdata,
                   int *ret_input_w, int *ret_stdout_r, int *ret_stderr_r, Attachment **ret);
Attachment *attachment_free(Attachment *a);

/* Copies output to the client. -EPIPE when it went away, -ENOBUFS when it does not read (free it then). */
int attachment_write(Attachment *a, AttachmentStream idx, const char *data, size_t n);
/* No more output comes: returns true when everything was taken (free it now); else done is called
 * once it was. */
bool attachment_close(Attachment *a);
void attachment_set_input_enabled(Attachment *a, bool enabled);
