/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stream-remote.c — the remote-command session of exec and attach (v4/v3/v2.channel.k8s.io, as
 * k8s.io/apimachinery's remotecommand server speaks it): the client opens one SPDY stream per channel,
 * named by its streamType header (error, stdin, stdout, stderr, and resize with a TTY from v3 on);
 * once every channel the request asked for is there, the backend starts the process (exec) or connects
 * to the container (attach). Output goes to stdout/stderr as DATA, stdin comes back the other way,
 * resize carries JSON {"Width":W,"Height":H} objects one a line. At the end the error stream gets the
 * result and FIN: in v4 a metav1.Status (Success, or Failure with reason NonZeroExitCode and the exit
 * code as the cause ExitCode), in v2/v3 the error text, empty on success.
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/log.h"
#include "shared/macro.h"
#include "shared/util.h"
#include "cri/stream-internal.h"

#define STREAM_CREATION_USEC (30ULL * 1000000) /* for the client to open its streams (kubelet's) */
#define STREAM_DRAIN_USEC    (5ULL * 1000000)  /* output still open after the process exited */
#define STREAM_RESIZE_MAX    4096

typedef enum RemoteChannel {
        REMOTE_ERROR,
        REMOTE_STDIN,
        REMOTE_STDOUT,
        REMOTE_STDERR,
        REMOTE_RESIZE,
        _REMOTE_CHANNEL_MAX,
} RemoteChannel;

static const char *const remote_channel_table[_REMOTE_CHANNEL_MAX] = {
        [REMOTE_ERROR] = "error",   [REMOTE_STDIN] = "stdin",   [REMOTE_STDOUT] = "stdout",
        [REMOTE_STDERR] = "stderr", [REMOTE_RESIZE] = "resize",
};
static DEFINE_STRING_TABLE_LOOKUP_FROM_STRING(remote_channel, RemoteChannel);

typedef struct RemoteOutput {
        int fd;
        sd_event_source *source;
        bool eof;
} RemoteOutput;

struct StreamSession {
        StreamConn *conn;
        int version; /* 2, 3, 4 */
        StreamChannel *channels[_REMOTE_CHANNEL_MAX];
        bool expected[_REMOTE_CHANNEL_MAX];
        bool backend_started, started, exited, finished;
        int exit_code;
        char *failure;
        int in_fd;
        sd_event_source *in_source;
        SpdyBuffer in_buf;
        bool in_eof;
        RemoteOutput out[2]; /* stdout, stderr */
        SpdyBuffer resize_buf;
        unsigned width, height; /* the last size asked for, 0: none */
        sd_event_source *timer;
        void *backend_data;
        void (*backend_free)(void *);
};

static void session_check_done(StreamSession *s);

/* Status */

static char *status_v4(StreamSession *s) {
        _cleanup_json_ json_object *o = json_object_new_object(), *meta = json_object_new_object();
        char code[16], *message = NULL;
        const char *text;

        if (!o || !meta)
                return NULL;
        json_object_object_add(o, "metadata", TAKE_PTR(meta));
        if (!s->failure && s->exit_code == 0) {
                json_object_object_add(o, "status", json_object_new_string("Success"));
                return strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
        }
        json_object_object_add(o, "status", json_object_new_string("Failure"));
        if (s->failure) {
                json_object_object_add(o, "message", json_object_new_string(s->failure));
                json_object_object_add(o, "reason", json_object_new_string("InternalError"));
                json_object_object_add(o, "code", json_object_new_int(500));
        } else {
                json_object *details = json_object_new_object(), *causes = json_object_new_array(),
                            *cause = json_object_new_object();

                if (!details || !causes || !cause ||
                    asprintf(&message,
                             "command terminated with non-zero exit code: "
                             "exit code %d",
                             s->exit_code) < 0) {
                        json_object_put(details), json_object_put(causes), json_object_put(cause);
                        return NULL;
                }
                snprintf(code, sizeof(code), "%d", s->exit_code);
                json_object_object_add(cause, "reason", json_object_new_string("ExitCode"));
                json_object_object_add(cause, "message", json_object_new_string(code));
                json_object_array_add(causes, cause);
                json_object_object_add(details, "causes", causes);
                json_object_object_add(o, "message", json_object_new_string(message));
                json_object_object_add(o, "reason", json_object_new_string("NonZeroExitCode"));
                json_object_object_add(o, "details", details);
                free(message);
        }
        text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
        return text ? strdup(text) : NULL;
}

static char *status_text(StreamSession *s) {
        char *t = NULL;

        if (s->version >= 4)
                return status_v4(s);
        if (s->failure)
                return strdup(s->failure);
        if (s->exit_code != 0 &&
            asprintf(&t, "command terminated with non-zero exit code: exit code %d", s->exit_code) < 0)
                return NULL;
        return t ?: strdup("");
}

static void session_finish(StreamSession *s) {
        _cleanup_free_ char *status = NULL;
        StreamChannel *error = s->channels[REMOTE_ERROR];

        if (s->finished)
                return;
        s->finished = true;
        (void) sd_event_source_set_enabled(s->timer, SD_EVENT_OFF);
        status = status_text(s);
        if (!status)
                return stream_conn_abort(s->conn, "out of memory");
        if (error)
                (void) stream_conn_send_data(s->conn, error, status, strlen(status), true);
        else if (s->failure)
                log_debug("streaming: %s", s->failure);
        stream_conn_finish(s->conn);
}

void stream_session_failed(StreamSession *s, const char *message) {
        if (s->finished)
                return;
        free(s->failure);
        s->failure = strdup(message ?: "failed");
        if (!s->failure)
                return stream_conn_abort(s->conn, "out of memory");
        session_finish(s);
}

void stream_session_exited(StreamSession *s, int exit_code) {
        s->exited = true;
        s->exit_code = exit_code;
        /* output still open after the process ended (a child holds it): give it a moment, then finish */
        (void) sd_event_source_set_time_relative(s->timer, STREAM_DRAIN_USEC);
        (void) sd_event_source_set_enabled(s->timer, SD_EVENT_ONESHOT);
        session_check_done(s);
}

static void session_check_done(StreamSession *s) {
        if (s->finished || !s->started || !s->out[0].eof || !s->out[1].eof)
                return;
        if (s->exited || s->conn->req->kind == STREAM_ATTACH)
                session_finish(s);
}

/* Output: the process's stdout/stderr to the client */

static void output_close(StreamSession *s, unsigned i) {
        StreamChannel *ch = s->channels[i == 0 ? REMOTE_STDOUT : REMOTE_STDERR];

        s->out[i].eof = true;
        s->out[i].source = sd_event_source_disable_unref(s->out[i].source);
        s->out[i].fd = safe_close(s->out[i].fd);
        if (ch)
                (void) stream_conn_send_fin(s->conn, ch);
}

static int on_output(sd_event_source *es, int fd, uint32_t revents, void *userdata) {
        StreamSession *s = userdata;
        unsigned i = es == s->out[0].source ? 0 : 1;
        StreamChannel *ch = s->channels[i == 0 ? REMOTE_STDOUT : REMOTE_STDERR];
        uint8_t buf[STREAM_CHUNK];
        ssize_t n;

        if (stream_conn_output_full(s->conn))
                return sd_event_source_set_enabled(es, SD_EVENT_OFF), 0;
        n = read(fd, buf, sizeof(buf));
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return 0;
        if (n <= 0) /* EOF, or EIO from a terminal whose process ended */
                output_close(s, i);
        else if (ch)
                (void) stream_conn_send_data(s->conn, ch, buf, n, false);
        session_check_done(s);
        stream_conn_update(s->conn);
        return 0;
}

static void on_output_ready(StreamConn *c) {
        StreamSession *s = c->session;

        for (unsigned i = 0; i < 2; i++)
                if (s->out[i].source)
                        (void) sd_event_source_set_enabled(s->out[i].source, SD_EVENT_ON);
}

/* Input: the client's stdin to the process */

static void input_flush(StreamSession *s) {
        ssize_t n;

        if (s->in_fd < 0)
                return;
        if (s->in_buf.size > 0) {
                n = write(s->in_fd, s->in_buf.data, s->in_buf.size);
                if (n < 0 && errno != EAGAIN && errno != EINTR) {
                        s->in_buf.size = 0; /* the process closed its stdin: drop what it will not read */
                        s->in_eof = true;
                } else if (n > 0)
                        spdy_buffer_consume(&s->in_buf, n);
        }
        if (s->in_buf.size == 0 && s->in_eof) {
                s->in_source = sd_event_source_disable_unref(s->in_source);
                s->in_fd = safe_close(s->in_fd);
                return;
        }
        (void) sd_event_source_set_enabled(s->in_source, s->in_buf.size > 0 ? SD_EVENT_ON : SD_EVENT_OFF);
}

static int on_input(sd_event_source *es, int fd, uint32_t revents, void *userdata) {
        StreamSession *s = userdata;

        input_flush(s);
        stream_conn_update(s->conn); /* the socket may be read again */
        return 0;
}

static bool on_input_full(StreamConn *c) {
        StreamSession *s = c->session;

        return s->in_buf.size >= STREAM_INPUT_HIGH;
}

/* Resize: {"Width":80,"Height":24} a line */

static void resize_apply(StreamSession *s) {
        const StreamBackend *b = stream_server_backend(s->conn->server);
        int r;

        if (!s->started || s->width == 0 || s->height == 0 || !b->resize)
                return;
        r = b->resize(s, s->conn->req, s->width, s->height);
        if (r < 0)
                log_debug_errno(r, "streaming: resize to %ux%u failed: %m", s->width, s->height);
}

static void resize_parse_line(StreamSession *s, const char *line) {
        _cleanup_json_ json_object *o = json_tokener_parse(line);
        json_object *w, *h;

        if (!o || !json_object_object_get_ex(o, "Width", &w) || !json_object_object_get_ex(o, "Height", &h)) {
                log_debug("streaming: bad resize message ignored");
                return;
        }
        if (json_object_get_int(w) <= 0 || json_object_get_int(h) <= 0 || json_object_get_int(w) > 65535 ||
            json_object_get_int(h) > 65535)
                return;
        s->width = json_object_get_int(w);
        s->height = json_object_get_int(h);
        resize_apply(s);
}

static int resize_data(StreamSession *s, const uint8_t *data, size_t len) {
        uint8_t *nl;
        int r;

        r = spdy_buffer_append(&s->resize_buf, data, len);
        if (r < 0)
                return r;
        while ((nl = memchr(s->resize_buf.data, '\n', s->resize_buf.size))) {
                *nl = 0;
                resize_parse_line(s, (const char *) s->resize_buf.data);
                spdy_buffer_consume(&s->resize_buf, nl - s->resize_buf.data + 1);
        }
        if (s->resize_buf.size > STREAM_RESIZE_MAX)
                s->resize_buf.size = 0; /* no newline in sight: not a resize message */
        return 0;
}

/* Channels */

static void session_start(StreamSession *s) {
        const StreamBackend *b = stream_server_backend(s->conn->server);
        char msg[256];
        int r;

        for (unsigned i = 0; i < _REMOTE_CHANNEL_MAX; i++)
                if (s->expected[i] && !s->channels[i])
                        return;
        s->backend_started = true;
        (void) sd_event_source_set_enabled(s->timer, SD_EVENT_OFF);
        r = b->start(s, s->conn->req);
        if (r < 0) {
                snprintf(msg, sizeof(msg), "cannot start: %s", strerror(-r));
                stream_session_failed(s, msg);
        }
}

static int on_channel_new(StreamConn *c, StreamChannel *ch) {
        StreamSession *s = c->session;
        RemoteChannel t = remote_channel_from_string(ch->type);

        if ((int) t < 0 || s->channels[t] || (t == REMOTE_RESIZE && s->version < 3))
                return -EINVAL;
        s->channels[t] = ch;
        if (!s->backend_started)
                session_start(s);
        return 0;
}

static int on_channel_data(StreamConn *c, StreamChannel *ch, const uint8_t *data, size_t len) {
        StreamSession *s = c->session;
        int r;

        if (ch == s->channels[REMOTE_RESIZE])
                return resize_data(s, data, len);
        if (ch != s->channels[REMOTE_STDIN] || s->in_eof)
                return 0;
        r = spdy_buffer_append(&s->in_buf, data, len);
        if (r < 0)
                return r;
        input_flush(s);
        return 0;
}

static void on_channel_end(StreamConn *c, StreamChannel *ch, bool reset) {
        StreamSession *s = c->session;

        if (ch != s->channels[REMOTE_STDIN])
                return;
        s->in_eof = true;
        if (reset)
                s->in_buf.size = 0;
        input_flush(s);
}

/* The backend's side */

void stream_session_started(StreamSession *s, int stdin_fd, int stdout_fd, int stderr_fd, bool tty) {
        sd_event *e = stream_server_event(s->conn->server);
        int fds[2] = { stdout_fd, stderr_fd }, r = 0;

        s->started = true;
        s->in_fd = stdin_fd;
        if (stdin_fd >= 0) {
                (void) fcntl(stdin_fd, F_SETFL, fcntl(stdin_fd, F_GETFL) | O_NONBLOCK);
                r = sd_event_add_io(e, &s->in_source, stdin_fd, EPOLLOUT, on_input, s);
                if (r == -EPERM) /* /dev/null (no stdin): nothing to poll, nothing to send */
                        s->in_fd = safe_close(s->in_fd), s->in_eof = true, r = 0;
        }
        for (unsigned i = 0; i < 2; i++) {
                s->out[i].fd = fds[i];
                s->out[i].eof = fds[i] < 0;
                if (fds[i] < 0 || r < 0)
                        continue;
                (void) fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
                r = sd_event_add_io(e, &s->out[i].source, fds[i], EPOLLIN, on_output, s);
                if (r == -EPERM) /* /dev/null: no output at all */
                        s->out[i].fd = safe_close(s->out[i].fd), s->out[i].eof = true, r = 0;
        }
        if (r < 0)
                return stream_session_failed(s, "cannot watch the process's stdio");
        if (!s->channels[REMOTE_STDIN] && s->in_fd >= 0)
                s->in_eof = true;
        input_flush(s);
        resize_apply(s);
        session_check_done(s);
        stream_conn_update(s->conn);
}

void stream_session_set_backend_data(StreamSession *s, void *data, void (*free_fn)(void *)) {
        s->backend_data = data;
        s->backend_free = free_fn;
}

void *stream_session_get_backend_data(StreamSession *s) {
        return s->backend_data;
}

StreamServer *stream_session_server(StreamSession *s) {
        return s->conn->server;
}

/* The session */

static int on_timer(sd_event_source *es, uint64_t usec, void *userdata) {
        StreamSession *s = userdata;

        if (!s->backend_started)
                stream_session_failed(s, "timed out waiting for the client's streams");
        else if (s->exited) /* output never ended: finish with what we have */
                session_finish(s);
        stream_conn_update(s->conn);
        return 0;
}

static void on_free(StreamConn *c) {
        StreamSession *s = c->session;

        if (!s)
                return;
        if (s->backend_free)
                s->backend_free(s->backend_data);
        for (unsigned i = 0; i < 2; i++) {
                sd_event_source_disable_unref(s->out[i].source);
                safe_close(s->out[i].fd);
        }
        sd_event_source_disable_unref(s->in_source);
        safe_close(s->in_fd);
        sd_event_source_disable_unref(s->timer);
        spdy_buffer_done(&s->in_buf);
        spdy_buffer_done(&s->resize_buf);
        free(s->failure);
        free(s);
        c->session = NULL;
}

static const StreamSessionOps remote_ops = {
        .channel_new = on_channel_new,
        .channel_data = on_channel_data,
        .channel_end = on_channel_end,
        .output_ready = on_output_ready,
        .input_full = on_input_full,
        .free = on_free,
};

int stream_remote_attach(StreamConn *c) {
        StreamSession *s = calloc(1, sizeof(StreamSession));
        const StreamRequest *req = c->req;
        int r;

        if (!s)
                return -ENOMEM;
        s->conn = c;
        s->in_fd = s->out[0].fd = s->out[1].fd = -EBADF;
        s->version = c->protocol[1] - '0';
        s->expected[REMOTE_ERROR] = true;
        s->expected[REMOTE_STDIN] = req->in;
        s->expected[REMOTE_STDOUT] = req->out;
        s->expected[REMOTE_STDERR] = req->err && !req->tty;
        s->expected[REMOTE_RESIZE] = req->tty && s->version >= 3;
        c->session = s;
        c->ops = &remote_ops;
        r = sd_event_add_time_relative(stream_server_event(c->server), &s->timer, CLOCK_MONOTONIC,
                                       STREAM_CREATION_USEC, 0, on_timer, s);
        return r < 0 ? r : 0;
}
