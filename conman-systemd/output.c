/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * output.c — see output.h.
 */
#include <fcntl.h>
#include <sys/uio.h>
#include <syslog.h>
#include <systemd/sd-journal.h>

#include "fdstore.h"
#include "log.h"
#include "output.h"
#include "util.h"

#define ATTACHMENT_PENDING_MAX (8U * 1024 * 1024)

static int fd_store_name(const Container *c, const char *kind, char buf[static 128]) {
        return snprintf(buf, 128, "%s-%s", kind, c->id) >= 128 ? -ENAMETOOLONG : 0;
}

static void forward_line(OutputStream *s, const char *line, size_t len) {
        Container *c = s->container;
        char prio[32], name[96], id[64], full[96], unit[320], pid[48], ident[96], stream[48];
        struct iovec iov[10];
        size_t n = 0;
        _cleanup_free_ char *msg = malloc(len + 9);

        if (!msg)
                return;
        memcpy(msg, "MESSAGE=", 8);
        memcpy(msg + 8, line, len);
        iov[n++] = (struct iovec){ msg, len + 8 };
#define FIELD(buf, ...) (snprintf(buf, sizeof(buf), __VA_ARGS__), iov[n++] = (struct iovec){ buf, strlen(buf) })
        FIELD(prio, "PRIORITY=%i", s->priority);
        FIELD(name, "CONTAINER_NAME=%s", c->name);
        FIELD(id, "CONTAINER_ID=%.12s", c->id);
        FIELD(full, "CONTAINER_ID_FULL=%s", c->id);
        FIELD(unit, "OBJECT_SYSTEMD_UNIT=%s", c->unit); /* what `journalctl -u` matches for root senders */
        FIELD(ident, "SYSLOG_IDENTIFIER=%s", c->name);
        FIELD(stream, "CONTAINER_STREAM=%s", s->kind);
        if (c->main_pid > 0)
                FIELD(pid, "OBJECT_PID=%u", c->main_pid);
#undef FIELD
        (void) sd_journal_sendv(iov, (int) n);
}

static void forward_bytes(OutputStream *s, const char *data, size_t n) {
        for (size_t i = 0; i < n; i++) {
                if (data[i] == '\n') {
                        forward_line(s, s->line, s->len);
                        s->len = 0;
                        continue;
                }
                if (s->len == sizeof(s->line)) {
                        forward_line(s, s->line, s->len);
                        s->len = 0;
                }
                s->line[s->len++] = data[i];
        }
}

static int attachment_flush(Attachment *a, int idx);

static void attachment_write(Attachment *a, int idx, const char *data, size_t n) {
        int fd = idx == 0 ? a->stdout_fd : a->stderr_fd;
        char *p;

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
        if (a->n_pending[idx] + n > ATTACHMENT_PENDING_MAX) {
                log_warning("Client attached to %s does not read its output; detaching it.", a->container->name);
                attachment_free(a);
                return;
        }
        p = realloc(a->pending[idx], a->n_pending[idx] + n);
        if (!p)
                return;
        memcpy(p + a->n_pending[idx], data, n);
        a->pending[idx] = p;
        a->n_pending[idx] += n;
        (void) sd_event_source_set_enabled(idx == 0 ? a->stdout_source : a->stderr_source, SD_EVENT_ON);
}

static void copy_to_attachments(OutputStream *s, const char *data, size_t n) {
        int idx = streq(s->kind, "stdout") ? 0 : 1;
        Attachment *a = s->container->attachments, *next;

        for (; a; a = next) {
                next = a->next;
                attachment_write(a, idx, data, n);
        }
}

static void stream_free(OutputStream **sp) {
        OutputStream *s = *sp;
        char name[128];

        if (!s)
                return;
        if (s->len > 0)
                forward_line(s, s->line, s->len);
        sd_event_source_disable_unref(s->source);
        if (fd_store_name(s->container, s->kind, name) >= 0)
                (void) fdstore_remove(name);
        safe_close(s->fd);
        free(s);
        *sp = NULL;
}

/* Reads until the pipe is empty. Returns 0 at EOF, 1 when more may come. */
static int stream_drain(OutputStream *s) {
        char buf[65536];

        for (;;) {
                ssize_t n = read(s->fd, buf, sizeof(buf));
                if (n < 0)
                        return errno == EAGAIN || errno == EINTR ? 1 : 0;
                if (n == 0)
                        return 0;
                forward_bytes(s, buf, (size_t) n);
                copy_to_attachments(s, buf, (size_t) n);
        }
}

static void attachments_close(Container *c) {
        Attachment *a, *next;

        for (a = c->attachments; a; a = next) {
                next = a->next;
                a->closing = true;
                if (a->n_pending[0] == 0 && a->n_pending[1] == 0)
                        attachment_free(a);
        }
}

static int on_stream_io(sd_event_source *source, int fd, uint32_t revents, void *userdata) {
        OutputStream *s = userdata;
        Container *c = s->container;

        if (stream_drain(s) > 0)
                return 0;
        /* EOF: the unit and every process of the container let go of the pipe. */
        stream_free(s == c->stdout_stream ? &c->stdout_stream : &c->stderr_stream);
        if (!c->stdout_stream && !c->stderr_stream)
                attachments_close(c);
        return 0;
}

static int stream_new(Container *c, const char *kind, int fd, OutputStream **ret) {
        OutputStream *s = calloc(1, sizeof(OutputStream));
        int r;

        if (!s) {
                safe_close(fd);
                return -ENOMEM;
        }
        s->container = c;
        s->fd = fd;
        s->kind = streq(kind, "stdout") ? "stdout" : "stderr";
        s->priority = streq(kind, "stdout") ? LOG_INFO : LOG_ERR;
        (void) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        r = sd_event_add_io(c->manager->event, &s->source, fd, EPOLLIN, on_stream_io, s);
        if (r < 0) {
                safe_close(fd);
                free(s);
                return r;
        }
        *ret = s;
        return 0;
}

static int open_one(Container *c, const char *kind, OutputStream **slot, int *ret_write) {
        _cleanup_close_pair_ int p[2] = { -EBADF, -EBADF };
        char name[128];
        int r;

        if (pipe2(p, O_CLOEXEC) < 0)
                return negative_errno();
        r = fd_store_name(c, kind, name);
        if (r >= 0)
                r = fdstore_push(p[0], name);
        if (r < 0)
                log_warning_errno(r, "Failed to keep %s of %s in the fd store, it will not survive a restart: %m",
                                  kind, c->name);
        r = stream_new(c, kind, TAKE_FD(p[0]), slot);
        if (r < 0)
                return r;
        *ret_write = TAKE_FD(p[1]);
        return 0;
}

int output_open(Container *c, int *ret_stdout_w, int *ret_stderr_w) {
        int r;

        /* Leftovers of the last run go to the journal; attached clients stay for the new run. */
        if (c->stdout_stream)
                (void) stream_drain(c->stdout_stream);
        if (c->stderr_stream)
                (void) stream_drain(c->stderr_stream);
        stream_free(&c->stdout_stream);
        stream_free(&c->stderr_stream);
        r = open_one(c, "stdout", &c->stdout_stream, ret_stdout_w);
        if (r < 0)
                return r;
        r = open_one(c, "stderr", &c->stderr_stream, ret_stderr_w);
        if (r < 0) {
                *ret_stdout_w = safe_close(*ret_stdout_w);
                stream_free(&c->stdout_stream);
        }
        return r;
}

int output_adopt(Container *c, const char *kind, int fd) {
        OutputStream **slot = streq(kind, "stdout") ? &c->stdout_stream : &c->stderr_stream;

        stream_free(slot);
        return stream_new(c, kind, fd, slot);
}

void output_close(Container *c) {
        if (c->stdout_stream)
                (void) stream_drain(c->stdout_stream);
        if (c->stderr_stream)
                (void) stream_drain(c->stderr_stream);
        stream_free(&c->stdout_stream);
        stream_free(&c->stderr_stream);
        attachments_close(c);
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
        if (a->closing && a->n_pending[0] == 0 && a->n_pending[1] == 0)
                attachment_free(a);
        return 0;
}

int attachment_new(Container *c, int *ret_stdout_r, int *ret_stderr_r) {
        _cleanup_close_pair_ int o[2] = { -EBADF, -EBADF }, e[2] = { -EBADF, -EBADF };
        Attachment *a;
        int r;

        if (pipe2(o, O_CLOEXEC) < 0 || pipe2(e, O_CLOEXEC) < 0)
                return negative_errno();
        a = calloc(1, sizeof(Attachment));
        if (!a)
                return -ENOMEM;
        a->container = c;
        a->stdout_fd = TAKE_FD(o[1]);
        a->stderr_fd = TAKE_FD(e[1]);
        (void) fcntl(a->stdout_fd, F_SETFL, O_NONBLOCK);
        (void) fcntl(a->stderr_fd, F_SETFL, O_NONBLOCK);
        a->next = c->attachments;
        if (a->next)
                a->next->prev = a;
        c->attachments = a;

        r = sd_event_add_io(c->manager->event, &a->stdout_source, a->stdout_fd, EPOLLOUT, on_attachment_writable, a);
        if (r >= 0)
                r = sd_event_add_io(c->manager->event, &a->stderr_source, a->stderr_fd, EPOLLOUT,
                                    on_attachment_writable, a);
        if (r < 0) {
                attachment_free(a);
                return r;
        }
        (void) sd_event_source_set_enabled(a->stdout_source, SD_EVENT_OFF);
        (void) sd_event_source_set_enabled(a->stderr_source, SD_EVENT_OFF);
        *ret_stdout_r = TAKE_FD(o[0]);
        *ret_stderr_r = TAKE_FD(e[0]);
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
        safe_close(a->stdout_fd);
        safe_close(a->stderr_fd);
        free(a->pending[0]);
        free(a->pending[1]);
        free(a);
}
