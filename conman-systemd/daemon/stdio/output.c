/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * output.c — see output.h. The streams: pipes and PTY masters read into the journal
 * and copied to attachments (attachment.c).
 */
#include <fcntl.h>
#include <sys/uio.h>
#include <syslog.h>
#include <systemd/sd-journal.h>

#include "daemon/stdio/console.h"
#include "daemon/fdstore.h"
#include "shared/log.h"
#include "daemon/stdio/output.h"
#include "shared/util.h"

static void forward_line(OutputStream *s, const char *line, size_t len) {
        Container *c = s->container;
        char prio[32], name[96], id[64], full[96], unit[320], pid[48], ident[96], stream[48];
        struct iovec iov[10];
        size_t n = 0;
        _cleanup_free_ char *msg = NULL;

        if (s->is_console && len > 0 && line[len - 1] == '\r')
                len--; /* a terminal ends lines with "\r\n" */
        msg = malloc(len + 9);
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
        /* A terminal merges stdout and stderr; like docker, its output is stdout. */
        FIELD(stream, "CONTAINER_STREAM=%s", s->is_console ? "stdout" : s->kind);
        if (c->main_pid > 0)
                FIELD(pid, "OBJECT_PID=%u", c->main_pid);
#undef FIELD
        (void) sd_journal_sendv(iov, (int) n);
}

/* Complete lines go to the journal straight from data; only a partial line at the end is kept, in a buffer
 * that exists while there is one (an idle container costs no line buffer: 1,000 containers, 16 MiB less). */
static void forward_bytes(OutputStream *s, const char *data, size_t n) {
        while (n > 0) {
                const char *nl = memchr(data, '\n', n);
                size_t k = nl ? (size_t) (nl - data) : n;

                if (s->len == 0 && nl && k <= OUTPUT_LINE_MAX) {
                        forward_line(s, data, k); /* the common case: no copy */
                } else {
                        size_t room;
                        if (!s->line && !(s->line = malloc(OUTPUT_LINE_MAX)))
                                return; /* out of memory: drop the output rather than conmand */
                        room = MIN(k, OUTPUT_LINE_MAX - s->len);
                        memcpy(s->line + s->len, data, room);
                        s->len += room;
                        if (s->len == OUTPUT_LINE_MAX || (nl && room == k)) {
                                forward_line(s, s->line, s->len);
                                s->len = 0;
                                free(s->line);
                                s->line = NULL;
                        }
                        if (room < k) { /* the rest of a long line: again, from the same place */
                                data += room;
                                n -= room;
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

static void copy_to_attachments(OutputStream *s, const char *data, size_t n) {
        int idx = streq(s->kind, "stderr") ? 1 : 0;
        Attachment *a = s->container->attachments, *next;

        for (; a; a = next) {
                next = a->next;
                attachment_write(a, idx, data, n);
        }
}

void output_stream_free(OutputStream **slot, bool forget) {
        OutputStream *s = *slot;
        char name[FDSTORE_NAME_MAX];

        if (!s)
                return;
        if (s->len > 0)
                forward_line(s, s->line, s->len);
        free(s->line);
        sd_event_source_disable_unref(s->source);
        if (forget && fdstore_name(s->kind, s->container->id, name) >= 0)
                (void) fdstore_remove(name);
        safe_close(s->fd);
        free(s);
        *slot = NULL;
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
                forward_bytes(s, buf, (size_t) n);
                copy_to_attachments(s, buf, (size_t) n);
        }
}

/* Attached clients see the end once every stream of the container ended. */
static void output_check_end(Container *c) {
        if (!c->stdout_stream && !c->stderr_stream && !(c->console && c->console->output))
                attachments_close(c);
}

static int on_stream_io(sd_event_source *source, int fd, uint32_t revents, void *userdata) {
        OutputStream *s = userdata;
        Container *c = s->container;

        if (output_stream_drain(s) > 0)
                return 0;
        /* EOF: the unit and every process of the container let go of the pipe or terminal. */
        output_stream_free(s->slot, true);
        output_check_end(c);
        return 0;
}

int output_stream_new(Container *c, const char *kind, int fd, OutputStream **slot) {
        OutputStream *s = calloc(1, sizeof(OutputStream));
        int r;

        if (!s) {
                safe_close(fd);
                return -ENOMEM;
        }
        s->container = c;
        s->slot = slot;
        s->fd = fd;
        s->kind = streq(kind, "stdout") ? "stdout" : streq(kind, "stderr") ? "stderr" : "console";
        s->is_console = streq(s->kind, "console");
        s->priority = streq(kind, "stderr") ? LOG_ERR : LOG_INFO;
        (void) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        r = sd_event_add_io(c->manager->event, &s->source, fd, EPOLLIN, on_stream_io, s);
        if (r < 0) {
                safe_close(fd);
                free(s);
                return r;
        }
        *slot = s;
        return 0;
}

static int open_one(Container *c, const char *kind, OutputStream **slot, int *ret_write) {
        _cleanup_close_pair_ int p[2] = { -EBADF, -EBADF };
        char name[FDSTORE_NAME_MAX];
        int r;

        if (pipe2(p, O_CLOEXEC) < 0)
                return negative_errno();
        r = fdstore_name(kind, c->id, name);
        if (r >= 0)
                r = fdstore_push(p[0], name);
        if (r < 0)
                log_warning_errno(r, "Failed to keep %s of %s in the fd store, it will not survive a restart: %m",
                                  kind, c->name);
        r = output_stream_new(c, kind, TAKE_FD(p[0]), slot);
        if (r < 0)
                return r;
        *ret_write = TAKE_FD(p[1]);
        return 0;
}

static void close_streams(Container *c, bool forget) {
        if (c->stdout_stream)
                (void) output_stream_drain(c->stdout_stream);
        if (c->stderr_stream)
                (void) output_stream_drain(c->stderr_stream);
        output_stream_free(&c->stdout_stream, forget);
        output_stream_free(&c->stderr_stream, forget);
}

int output_open(Container *c, int *ret_stdout_w, int *ret_stderr_w) {
        int r;

        /* Leftovers of the last run go to the journal; attached clients stay for the new run. */
        close_streams(c, true);
        r = open_one(c, "stdout", &c->stdout_stream, ret_stdout_w);
        if (r < 0)
                return r;
        r = open_one(c, "stderr", &c->stderr_stream, ret_stderr_w);
        if (r < 0) {
                *ret_stdout_w = safe_close(*ret_stdout_w);
                output_stream_free(&c->stdout_stream, true);
        }
        return r;
}

int output_adopt(Container *c, const char *kind, int fd) {
        OutputStream **slot = streq(kind, "stdout") ? &c->stdout_stream : &c->stderr_stream;

        output_stream_free(slot, false);
        return output_stream_new(c, kind, fd, slot);
}

void output_close(Container *c) {
        close_streams(c, true);
        console_free(c, true);
        attachments_close(c);
}

void output_release(Container *c) {
        close_streams(c, false);
        console_free(c, false);
        while (c->attachments)
                attachment_free(c->attachments);
}
