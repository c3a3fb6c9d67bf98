/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * attachment.c — see attachment.h. Output copied into a client's pipes without ever blocking
 * conmand, input read from its pipe into a handler.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/macro.h"
#include "daemon/stdio/attachment.h"

struct Attachment {
        int fd[_ATTACHMENT_STREAM_MAX]; /* write ends to the client, owned */
        sd_event_source *source[_ATTACHMENT_STREAM_MAX];
        char *pending[_ATTACHMENT_STREAM_MAX]; /* bytes the client has not taken yet */
        size_t n_pending[_ATTACHMENT_STREAM_MAX];
        int input_fd; /* read end of the client's input, owned; -EBADF without input */
        sd_event_source *input_source;
        bool closing; /* no more output: done once flushed */
        AttachmentHandlers handlers;
        void *userdata;
};

static bool attachment_flushed(const Attachment *a) {
        return a->n_pending[ATTACHMENT_STDOUT] == 0 && a->n_pending[ATTACHMENT_STDERR] == 0;
}

static int attachment_queue(Attachment *a, AttachmentStream idx, const char *data, size_t n) {
        char *p;

        if (a->n_pending[idx] + n > ATTACHMENT_PENDING_MAX)
                return -ENOBUFS;
        p = realloc(a->pending[idx], a->n_pending[idx] + n);
        if (!p)
                return -ENOMEM;
        memcpy(p + a->n_pending[idx], data, n);
        a->pending[idx] = p;
        a->n_pending[idx] += n;
        (void) sd_event_source_set_enabled(a->source[idx], SD_EVENT_ON);
        return 0;
}

int attachment_write(Attachment *a, AttachmentStream idx, const char *data, size_t n) {
        if (a->fd[idx] < 0 || n == 0)
                return 0;
        if (a->n_pending[idx] == 0) {
                ssize_t k = write(a->fd[idx], data, n);
                if (k < 0 && errno != EAGAIN && errno != EINTR)
                        return -EPIPE; /* the client went away */
                if (k > 0) {
                        data += k;
                        n -= (size_t) k;
                }
                if (n == 0)
                        return 0;
        }
        return attachment_queue(a, idx, data, n);
}

bool attachment_close(Attachment *a) {
        a->closing = true;
        return attachment_flushed(a);
}

static int attachment_flush(Attachment *a, AttachmentStream idx) {
        ssize_t k;

        if (a->n_pending[idx] == 0)
                return 0;
        k = write(a->fd[idx], a->pending[idx], a->n_pending[idx]);
        if (k < 0)
                return errno == EAGAIN || errno == EINTR ? 0 : negative_errno();
        memmove(a->pending[idx], a->pending[idx] + k, a->n_pending[idx] - (size_t) k);
        a->n_pending[idx] -= (size_t) k;
        return 0;
}

static int on_attachment_writable(sd_event_source *source, int fd, uint32_t revents, void *userdata) {
        Attachment *a = userdata;
        AttachmentStream idx = fd == a->fd[ATTACHMENT_STDOUT] ? ATTACHMENT_STDOUT : ATTACHMENT_STDERR;

        if (attachment_flush(a, idx) < 0 || (revents & (EPOLLERR | EPOLLHUP))) {
                a->handlers.done(a, a->userdata); /* frees a */
                return 0;
        }
        if (a->n_pending[idx] == 0)
                (void) sd_event_source_set_enabled(source, SD_EVENT_OFF);
        if (a->closing && attachment_flushed(a))
                a->handlers.done(a, a->userdata);
        return 0;
}

/* Client input → the handler. Read only while enabled: the owner turns it off while its console is full. */
static int on_attachment_input(sd_event_source *source, int fd, uint32_t revents, void *userdata) {
        Attachment *a = userdata;
        char buf[4096];
        ssize_t n;

        n = read(fd, buf, sizeof(buf));
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return 0;
        if (n <= 0) {
                a->input_source = sd_event_source_disable_unref(a->input_source);
                a->input_fd = safe_close(a->input_fd);
                if (a->handlers.input_end)
                        a->handlers.input_end(a, a->userdata);
                return 0;
        }
        if (a->handlers.input)
                a->handlers.input(a, buf, (size_t) n, a->userdata);
        return 0;
}

void attachment_set_input_enabled(Attachment *a, bool enabled) {
        if (a->input_source)
                (void) sd_event_source_set_enabled(a->input_source, enabled ? SD_EVENT_ON : SD_EVENT_OFF);
}

static int attachment_setup_input(Attachment *a, sd_event *event, int *ret_input_w) {
        _cleanup_close_pair_ int in[2] = { -EBADF, -EBADF };
        int r;

        if (pipe2(in, O_CLOEXEC | O_NONBLOCK) < 0)
                return negative_errno();
        r = sd_event_add_io(event, &a->input_source, in[0], EPOLLIN, on_attachment_input, a);
        if (r < 0)
                return r;
        a->input_fd = TAKE_FD(in[0]);
        (void) fcntl(in[1], F_SETFL, 0); /* the client's end blocks as a pipe normally does */
        (void) sd_event_source_set_enabled(a->input_source, SD_EVENT_OFF);
        *ret_input_w = TAKE_FD(in[1]);
        return 0;
}

static int attachment_setup_output(Attachment *a, sd_event *event, int ret_r[static _ATTACHMENT_STREAM_MAX]) {
        for (AttachmentStream i = 0; i < _ATTACHMENT_STREAM_MAX; i++) {
                int p[2], r;

                if (pipe2(p, O_CLOEXEC) < 0)
                        return negative_errno();
                ret_r[i] = p[0];
                a->fd[i] = p[1];
                (void) fcntl(a->fd[i], F_SETFL, O_NONBLOCK);
                r = sd_event_add_io(event, &a->source[i], a->fd[i], EPOLLOUT, on_attachment_writable, a);
                if (r < 0)
                        return r;
                (void) sd_event_source_set_enabled(a->source[i], SD_EVENT_OFF);
        }
        return 0;
}

int attachment_new(sd_event *event, bool want_input, const AttachmentHandlers *handlers, void *userdata,
                   int *ret_input_w, int *ret_stdout_r, int *ret_stderr_r, Attachment **ret) {
        _cleanup_close_ int in = -EBADF, out = -EBADF, err = -EBADF;
        int rd[_ATTACHMENT_STREAM_MAX] = { -EBADF, -EBADF };
        Attachment *a;
        int r;

        a = calloc(1, sizeof(Attachment));
        if (!a)
                return -ENOMEM;
        *a = (Attachment){
                .fd = { -EBADF, -EBADF }, .input_fd = -EBADF, .handlers = *handlers, .userdata = userdata
        };
        r = attachment_setup_output(a, event, rd);
        out = rd[ATTACHMENT_STDOUT];
        err = rd[ATTACHMENT_STDERR];
        if (r >= 0 && want_input)
                r = attachment_setup_input(a, event, &in);
        if (r < 0) {
                attachment_free(a);
                return r;
        }
        *ret_input_w = TAKE_FD(in);
        *ret_stdout_r = TAKE_FD(out);
        *ret_stderr_r = TAKE_FD(err);
        *ret = a;
        return 0;
}

Attachment *attachment_free(Attachment *a) {
        if (!a)
                return NULL;
        for (AttachmentStream i = 0; i < _ATTACHMENT_STREAM_MAX; i++) {
                sd_event_source_disable_unref(a->source[i]);
                safe_close(a->fd[i]);
                free(a->pending[i]);
        }
        sd_event_source_disable_unref(a->input_source);
        safe_close(a->input_fd);
        free(a);
        return NULL;
}
