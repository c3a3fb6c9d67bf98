/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * attachment.c — clients attached to a container (output.h): output copied into their
 * pipes without ever blocking conmand, input read from theirs into the console.
 */
#include <fcntl.h>

#include "daemon/stdio/console.h"
#include "shared/log.h"
#include "daemon/stdio/output.h"
#include "shared/util.h"

#define ATTACHMENT_PENDING_MAX (8U * 1024 * 1024)

static bool attachment_flushed(const Attachment *a) {
        return a->n_pending[0] == 0 && a->n_pending[1] == 0;
}

static int attachment_queue(Attachment *a, int idx, const char *data, size_t n) {
        char *p;

        if (a->n_pending[idx] + n > ATTACHMENT_PENDING_MAX) {
                log_warning("Client attached to %s does not read its output; detaching it.", a->container->name);
                return -ENOBUFS;
        }
        p = realloc(a->pending[idx], a->n_pending[idx] + n);
        if (!p)
                return -ENOMEM;
        memcpy(p + a->n_pending[idx], data, n);
        a->pending[idx] = p;
        a->n_pending[idx] += n;
        (void) sd_event_source_set_enabled(idx == 0 ? a->stdout_source : a->stderr_source, SD_EVENT_ON);
        return 0;
}

void attachment_write(Attachment *a, int idx, const char *data, size_t n) {
        int fd = idx == 0 ? a->stdout_fd : a->stderr_fd;

        if (fd < 0 || n == 0)
                return;
        if (a->n_pending[idx] == 0) {
                ssize_t k = write(fd, data, n);
                if (k < 0 && errno != EAGAIN && errno != EINTR) {
                        attachment_free(a); /* the client went away */
                        return;
                }
                if (k > 0) {
                        data += k;
                        n -= (size_t) k;
                }
                if (n == 0)
                        return;
        }
        if (attachment_queue(a, idx, data, n) < 0)
                attachment_free(a);
}

void attachments_close(Container *c) {
        Attachment *a, *next;

        for (a = c->attachments; a; a = next) {
                next = a->next;
                a->closing = true;
                if (attachment_flushed(a))
                        attachment_free(a);
        }
}

static int attachment_flush(Attachment *a, int idx) {
        int fd = idx == 0 ? a->stdout_fd : a->stderr_fd;
        ssize_t k;

        if (a->n_pending[idx] == 0)
                return 0;
        k = write(fd, a->pending[idx], a->n_pending[idx]);
        if (k < 0)
                return errno == EAGAIN || errno == EINTR ? 0 : negative_errno();
        memmove(a->pending[idx], a->pending[idx] + k, a->n_pending[idx] - (size_t) k);
        a->n_pending[idx] -= (size_t) k;
        return 0;
}

static int on_attachment_writable(sd_event_source *source, int fd, uint32_t revents, void *userdata) {
        Attachment *a = userdata;
        int idx = fd == a->stdout_fd ? 0 : 1;

        if (attachment_flush(a, idx) < 0 || (revents & (EPOLLERR | EPOLLHUP))) {
                attachment_free(a);
                return 0;
        }
        if (a->n_pending[idx] == 0)
                (void) sd_event_source_set_enabled(source, SD_EVENT_OFF);
        if (a->closing && attachment_flushed(a))
                attachment_free(a);
        return 0;
}

static void attachment_end_input(Attachment *a) {
        a->input_source = sd_event_source_disable_unref(a->input_source);
        a->input_fd = safe_close(a->input_fd);
        if (a->close_stdin_on_eof)
                console_close_stdin(a->container);
}

/* Client input → the container's console or stdin. Reads only while the console takes more. */
static int on_attachment_input(sd_event_source *source, int fd, uint32_t revents, void *userdata) {
        Attachment *a = userdata;
        char buf[4096];
        ssize_t n;

        if (!console_accepts_input(a->container)) {
                (void) sd_event_source_set_enabled(source, SD_EVENT_OFF); /* attachments_input_ready() resumes */
                return 0;
        }
        n = read(fd, buf, sizeof(buf));
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return 0;
        if (n <= 0) {
                attachment_end_input(a);
                return 0;
        }
        if (console_write(a->container, buf, (size_t) n) < 0)
                log_debug("Input for %s dropped: its console is gone.", a->container->name);
        return 0;
}

void attachments_input_ready(Container *c, bool ready) {
        for (Attachment *a = c->attachments; a; a = a->next)
                if (a->input_source)
                        (void) sd_event_source_set_enabled(a->input_source, ready ? SD_EVENT_ON : SD_EVENT_OFF);
}

static int attachment_setup_input(Attachment *a, int *ret_input_w) {
        _cleanup_close_pair_ int in[2] = { -EBADF, -EBADF };
        int r;

        if (pipe2(in, O_CLOEXEC | O_NONBLOCK) < 0)
                return negative_errno();
        r = sd_event_add_io(a->container->manager->event, &a->input_source, in[0], EPOLLIN, on_attachment_input, a);
        if (r < 0)
                return r;
        a->input_fd = TAKE_FD(in[0]);
        (void) fcntl(in[1], F_SETFL, 0); /* the client's end blocks as a pipe normally does */
        if (!console_accepts_input(a->container))
                (void) sd_event_source_set_enabled(a->input_source, SD_EVENT_OFF);
        *ret_input_w = TAKE_FD(in[1]);
        return 0;
}

static int attachment_setup_output(Attachment *a, int *ret_stdout_r, int *ret_stderr_r) {
        _cleanup_close_pair_ int o[2] = { -EBADF, -EBADF }, e[2] = { -EBADF, -EBADF };
        sd_event *event = a->container->manager->event;
        int r;

        if (pipe2(o, O_CLOEXEC) < 0 || pipe2(e, O_CLOEXEC) < 0)
                return negative_errno();
        a->stdout_fd = TAKE_FD(o[1]);
        a->stderr_fd = TAKE_FD(e[1]);
        (void) fcntl(a->stdout_fd, F_SETFL, O_NONBLOCK);
        (void) fcntl(a->stderr_fd, F_SETFL, O_NONBLOCK);
        r = sd_event_add_io(event, &a->stdout_source, a->stdout_fd, EPOLLOUT, on_attachment_writable, a);
        if (r >= 0)
                r = sd_event_add_io(event, &a->stderr_source, a->stderr_fd, EPOLLOUT, on_attachment_writable, a);
        if (r < 0)
                return r;
        (void) sd_event_source_set_enabled(a->stdout_source, SD_EVENT_OFF);
        (void) sd_event_source_set_enabled(a->stderr_source, SD_EVENT_OFF);
        *ret_stdout_r = TAKE_FD(o[0]);
        *ret_stderr_r = TAKE_FD(e[0]);
        return 0;
}

int attachment_new(Container *c, bool want_input, bool close_stdin_on_eof, int *ret_input_w, int *ret_stdout_r,
                   int *ret_stderr_r) {
        _cleanup_close_ int in = -EBADF, out = -EBADF, err = -EBADF;
        Attachment *a;
        int r;

        a = calloc(1, sizeof(Attachment));
        if (!a)
                return -ENOMEM;
        *a = (Attachment){ .container = c, .stdout_fd = -EBADF, .stderr_fd = -EBADF, .input_fd = -EBADF,
                           .close_stdin_on_eof = close_stdin_on_eof };
        a->next = c->attachments;
        if (a->next)
                a->next->prev = a;
        c->attachments = a;

        r = attachment_setup_output(a, &out, &err);
        if (r >= 0 && want_input)
                r = attachment_setup_input(a, &in);
        if (r < 0) {
                attachment_free(a);
                return r;
        }
        *ret_input_w = TAKE_FD(in);
        *ret_stdout_r = TAKE_FD(out);
        *ret_stderr_r = TAKE_FD(err);
        return 0;
}

void attachment_free(Attachment *a) {
        if (!a)
                return;
        if (a->prev)
                a->prev->next = a->next;
        else
                a->container->attachments = a->next;
        if (a->next)
                a->next->prev = a->prev;
        sd_event_source_disable_unref(a->stdout_source);
        sd_event_source_disable_unref(a->stderr_source);
        sd_event_source_disable_unref(a->input_source);
        safe_close(a->stdout_fd);
        safe_close(a->stderr_fd);
        safe_close(a->input_fd);
        free(a->pending[0]);
        free(a->pending[1]);
        free(a);
}
