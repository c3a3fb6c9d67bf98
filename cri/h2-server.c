/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * h2-server.c — HTTP/2 server connections with nghttp2 on sd-event (see h2-server.h).
 */
#include <nghttp2/nghttp2.h>
#include <sys/socket.h>

#include "shared/log.h"
#include "cri/h2-server.h"

#define H2_MAX_STREAMS        256
#define H2_WINDOW             (1U << 20) /* per stream: a 1 MiB request takes one round trip */
#define H2_CONN_WINDOW        (16U << 20)
#define H2_MAX_HEADERS        64
#define H2_MAX_HEADER_BYTES   (64U << 10)
#define H2_READS_PER_DISPATCH 16

struct H2Stream {
        H2Conn *conn;
        int32_t id;
        H2Stream *prev, *next;
        char *header_names[H2_MAX_HEADERS];
        char *header_values[H2_MAX_HEADERS];
        size_t n_headers, header_bytes;
        uint8_t *body;
        size_t body_size, body_allocated;
        bool overflowed, dispatched;
        uint8_t *out; /* the response body, sent by the data provider */
        size_t out_size, out_offset;
        nghttp2_nv *trailers; /* copied, submitted when the body is out */
        size_t n_trailers;
};

struct H2Conn {
        unsigned n_ref;
        H2Server *server; /* NULL once closed */
        H2Conn *prev, *next;
        int fd;
        sd_event_source *io;
        nghttp2_session *session;
        bool in_recv; /* inside nghttp2_session_mem_recv(): nghttp2 may not be re-entered */
        H2Stream *streams;
        uint8_t *out; /* what the socket did not take yet */
        size_t out_size, out_offset;
};

static void *mfree(void *p) {
        free(p);
        return NULL;
}

static void nv_free(nghttp2_nv *nv, size_t n) {
        for (size_t i = 0; nv && i < n; i++) {
                free(nv[i].name);
                free(nv[i].value);
        }
        free(nv);
}

static void stream_free(H2Stream *s) {
        for (size_t i = 0; i < s->n_headers; i++) {
                free(s->header_names[i]);
                free(s->header_values[i]);
        }
        free(s->body);
        free(s->out);
        nv_free(s->trailers, s->n_trailers);
        free(s);
}

static void stream_unlink_free(H2Stream *s) {
        H2Conn *c = s->conn;

        if (s->prev)
                s->prev->next = s->next;
        else
                c->streams = s->next;
        if (s->next)
                s->next->prev = s->prev;
        stream_free(s);
}

int32_t h2_stream_id(const H2Stream *s) {
        return s->id;
}

const char *h2_stream_header(const H2Stream *s, const char *name) {
        for (size_t i = s->n_headers; i > 0; i--)
                if (streq(s->header_names[i - 1], name))
                        return s->header_values[i - 1];
        return NULL;
}

const uint8_t *h2_stream_body(const H2Stream *s, size_t *ret_size) {
        *ret_size = s->body_size;
        return s->body;
}

bool h2_stream_overflowed(const H2Stream *s) {
        return s->overflowed;
}

H2Stream *h2_conn_get_stream(H2Conn *c, int32_t stream_id) {
        if (!c->session)
                return NULL;
        return nghttp2_session_get_stream_user_data(c->session, stream_id);
}

bool h2_conn_is_open(const H2Conn *c) {
        return c->session != NULL;
}

static int on_begin_headers(nghttp2_session *session, const nghttp2_frame *frame, void *userdata) {
        H2Conn *c = userdata;
        H2Stream *s;

        if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST)
                return 0;
        s = calloc(1, sizeof(*s));
        if (!s)
                return NGHTTP2_ERR_CALLBACK_FAILURE;
        s->conn = c;
        s->id = frame->hd.stream_id;
        s->next = c->streams;
        if (c->streams)
                c->streams->prev = s;
        c->streams = s;
        (void) nghttp2_session_set_stream_user_data(session, s->id, s);
        return 0;
}

static int on_header(nghttp2_session *session, const nghttp2_frame *frame, const uint8_t *name,
                     size_t namelen, const uint8_t *value, size_t valuelen, uint8_t flags, void *userdata) {
        H2Stream *s = nghttp2_session_get_stream_user_data(session, frame->hd.stream_id);

        if (!s || s->dispatched)
                return 0; /* trailers of a request: ignored */
        if (s->n_headers >= H2_MAX_HEADERS || s->header_bytes + namelen + valuelen > H2_MAX_HEADER_BYTES)
                return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE; /* resets this stream only */
        s->header_names[s->n_headers] = strndup((const char *) name, namelen);
        s->header_values[s->n_headers] = strndup((const char *) value, valuelen);
        if (!s->header_names[s->n_headers] || !s->header_values[s->n_headers]) {
                free(s->header_names[s->n_headers]);
                free(s->header_values[s->n_headers]);
                return NGHTTP2_ERR_CALLBACK_FAILURE;
        }
        s->n_headers++;
        s->header_bytes += namelen + valuelen;
        return 0;
}

static int body_append(H2Stream *s, const uint8_t *data, size_t len) {
        size_t max = s->conn->server ? s->conn->server->max_body : 0;

        if (s->overflowed)
                return 0;
        if (len > max || s->body_size > max - len) {
                s->overflowed = true; /* keep reading (flow control goes on), keep nothing */
                s->body = mfree(s->body);
                s->body_size = s->body_allocated = 0;
                return 0;
        }
        if (s->body_size + len > s->body_allocated) {
                size_t n = MAX(s->body_allocated * 2, s->body_size + len);
                uint8_t *b = realloc(s->body, MIN(n, max));

                if (!b)
                        return -ENOMEM;
                s->body = b;
                s->body_allocated = MIN(n, max);
        }
        memcpy(s->body + s->body_size, data, len);
        s->body_size += len;
        return 0;
}

static int on_data_chunk(nghttp2_session *session, uint8_t flags, int32_t stream_id, const uint8_t *data,
                         size_t len, void *userdata) {
        H2Stream *s = nghttp2_session_get_stream_user_data(session, stream_id);

        if (!s || s->dispatched)
                return 0;
        return body_append(s, data, len) < 0 ? NGHTTP2_ERR_CALLBACK_FAILURE : 0;
}

static int on_frame_recv(nghttp2_session *session, const nghttp2_frame *frame, void *userdata) {
        H2Conn *c = userdata;
        H2Stream *s;

        if ((frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) ||
            !(frame->hd.flags & NGHTTP2_FLAG_END_STREAM))
                return 0;
        s = nghttp2_session_get_stream_user_data(session, frame->hd.stream_id);
        if (!s || s->dispatched || !c->server)
                return 0;
        s->dispatched = true;
        c->server->on_request(c, s, c->server->userdata);
        return 0;
}

static int on_stream_close(nghttp2_session *session, int32_t stream_id, uint32_t error_code, void *userdata) {
        H2Stream *s = nghttp2_session_get_stream_user_data(session, stream_id);

        if (!s)
                return 0;
        (void) nghttp2_session_set_stream_user_data(session, stream_id, NULL);
        stream_unlink_free(s);
        return 0;
}

static int session_new(H2Conn *c) {
        nghttp2_session_callbacks *cb;
        nghttp2_option *opt;
        int r;

        if (nghttp2_session_callbacks_new(&cb) != 0)
                return -ENOMEM;
        nghttp2_session_callbacks_set_on_begin_headers_callback(cb, on_begin_headers);
        nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, on_data_chunk);
        nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_frame_recv);
        nghttp2_session_callbacks_set_on_stream_close_callback(cb, on_stream_close);
        if (nghttp2_option_new(&opt) != 0) {
                nghttp2_session_callbacks_del(cb);
                return -ENOMEM;
        }
        nghttp2_option_set_no_http_messaging(opt, 1);
        r = nghttp2_session_server_new2(&c->session, cb, c, opt);
        nghttp2_option_del(opt);
        nghttp2_session_callbacks_del(cb);
        if (r != 0)
                return -ENOMEM;

        nghttp2_settings_entry settings[] = {
                { NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, H2_MAX_STREAMS },
                { NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, H2_WINDOW },
                { NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, H2_MAX_HEADER_BYTES },
        };
        if (nghttp2_submit_settings(c->session, NGHTTP2_FLAG_NONE, settings, ELEMENTSOF(settings)) != 0 ||
            nghttp2_session_set_local_window_size(c->session, NGHTTP2_FLAG_NONE, 0, H2_CONN_WINDOW) != 0)
                return -ENOMEM;
        return 0;
}

static void conn_close(H2Conn *c) {
        H2Server *s = c->server;

        if (!s)
                return;
        c->io = sd_event_source_disable_unref(c->io);
        c->fd = safe_close(c->fd);
        if (c->session) {
                nghttp2_session_del(c->session); /* calls no callback: our streams go below */
                c->session = NULL;
        }
        while (c->streams)
                stream_unlink_free(c->streams);
        c->out = mfree(c->out);
        c->out_size = c->out_offset = 0;
        if (c->prev)
                c->prev->next = c->next;
        else
                s->conns = c->next;
        if (c->next)
                c->next->prev = c->prev;
        c->prev = c->next = NULL;
        c->server = NULL;
        s->n_conns--;
        h2_conn_unref(c); /* the server's reference */
}

H2Conn *h2_conn_ref(H2Conn *c) {
        c->n_ref++;
        return c;
}

H2Conn *h2_conn_unref(H2Conn *c) {
        if (!c || --c->n_ref > 0)
                return NULL;
        free(c);
        return NULL;
}

/* Sends what is buffered; returns 1 when all of it went, 0 when the socket is full. */
static int conn_send_buffered(H2Conn *c) {
        while (c->out_offset < c->out_size) {
                ssize_t n = send(c->fd, c->out + c->out_offset, c->out_size - c->out_offset,
                                 MSG_NOSIGNAL | MSG_DONTWAIT);
                if (n < 0) {
                        if (errno == EAGAIN || errno == EINTR)
                                return errno == EAGAIN ? 0 : 1;
                        return -errno;
                }
                c->out_offset += n;
        }
        c->out = mfree(c->out);
        c->out_size = c->out_offset = 0;
        return 1;
}

static int conn_buffer(H2Conn *c, const uint8_t *data, size_t size) {
        c->out = malloc(size);
        if (!c->out)
                return -ENOMEM;
        memcpy(c->out, data, size);
        c->out_size = size;
        c->out_offset = 0;
        return 0;
}

/* Moves nghttp2's output into the socket until either is empty. */
static int conn_pump(H2Conn *c) {
        for (;;) {
                const uint8_t *data;
                ssize_t n, k;
                int r = conn_send_buffered(c);

                if (r <= 0)
                        return r;
                n = nghttp2_session_mem_send(c->session, &data);
                if (n < 0)
                        return -EPROTO;
                if (n == 0)
                        return 1;
                k = send(c->fd, data, n, MSG_NOSIGNAL | MSG_DONTWAIT);
                if (k < 0 && errno != EAGAIN && errno != EINTR)
                        return -errno;
                if (k < n) {
                        r = conn_buffer(c, data + MAX(k, 0), n - MAX(k, 0));
                        if (r < 0)
                                return r;
                }
        }
}

/* Writes what can be written; closes the connection when it is done or broken. */
static void conn_flush(H2Conn *c) {
        int r;

        if (!c->session || c->in_recv)
                return;
        r = conn_pump(c);
        if (r < 0) {
                log_debug_errno(r, "HTTP/2 connection: write failed: %m");
                conn_close(c);
                return;
        }
        if (r > 0 && !nghttp2_session_want_read(c->session) && !nghttp2_session_want_write(c->session)) {
                conn_close(c);
                return;
        }
        (void) sd_event_source_set_io_events(c->io, EPOLLIN | (r == 0 ? EPOLLOUT : 0));
}

/* Reads what there is; returns 0, or <0 when the connection must close (EOF: -ECONNRESET). */
static int conn_read(H2Conn *c) {
        uint8_t buf[16384];

        for (unsigned i = 0; i < H2_READS_PER_DISPATCH && c->session; i++) {
                ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);

                if (n < 0)
                        return errno == EAGAIN || errno == EINTR ? 0 : -errno;
                if (n == 0)
                        return -ECONNRESET;
                c->in_recv = true;
                n = nghttp2_session_mem_recv(c->session, buf, n);
                c->in_recv = false;
                if (n < 0)
                        return -EPROTO;
        }
        return 0;
}

static int on_conn_io(sd_event_source *source, int fd, uint32_t revents, void *userdata) {
        _cleanup_(h2_conn_unrefp) H2Conn *c = h2_conn_ref(userdata); /* a handler may close it */
        int r = 0;

        if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR))
                r = conn_read(c);
        if (r < 0) {
                if (r != -ECONNRESET)
                        log_debug_errno(r, "HTTP/2 connection: read failed: %m");
                conn_close(c);
                return 0;
        }
        conn_flush(c);
        return 0;
}

int h2_server_add_conn(H2Server *s, int fd) {
        _cleanup_close_ int fd_close = fd;
        H2Conn *c;
        int r;

        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        c->n_ref = 1;
        c->fd = -EBADF;
        r = session_new(c);
        if (r >= 0)
                r = sd_event_add_io(s->event, &c->io, fd, EPOLLIN, on_conn_io, c);
        if (r < 0) {
                if (c->session)
                        nghttp2_session_del(c->session);
                free(c);
                return r;
        }
        c->fd = TAKE_FD(fd_close);
        c->server = s;
        c->next = s->conns;
        if (s->conns)
                s->conns->prev = c;
        s->conns = c;
        s->n_conns++;
        conn_flush(c); /* our SETTINGS */
        return 0;
}

void h2_server_close_all(H2Server *s) {
        while (s->conns) {
                H2Conn *c = s->conns;

                /* a GOAWAY, if the socket takes it at once: the client sees a clean end and reconnects */
                if (!c->in_recv && nghttp2_session_terminate_session(c->session, NGHTTP2_NO_ERROR) == 0)
                        (void) conn_pump(c);
                conn_close(c);
        }
}

static ssize_t read_body(nghttp2_session *session, int32_t stream_id, uint8_t *buf, size_t length,
                         uint32_t *data_flags, nghttp2_data_source *source, void *userdata) {
        H2Stream *s = source->ptr;
        size_t n = MIN(length, s->out_size - s->out_offset);

        if (n > 0)
                memcpy(buf, s->out + s->out_offset, n);
        s->out_offset += n;
        if (s->out_offset < s->out_size)
                return n;
        *data_flags |= NGHTTP2_DATA_FLAG_EOF;
        if (s->n_trailers > 0) {
                *data_flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
                if (nghttp2_submit_trailer(session, stream_id, s->trailers, s->n_trailers) != 0)
                        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
        }
        return n;
}

static int nv_copy(const H2Header *h, size_t n, nghttp2_nv **ret) {
        nghttp2_nv *nv = calloc(n, sizeof(*nv));

        if (!nv)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                nv[i].name = (uint8_t *) strdup(h[i].name);
                nv[i].value = (uint8_t *) strdup(h[i].value);
                if (!nv[i].name || !nv[i].value) {
                        nv_free(nv, i + 1);
                        return -ENOMEM;
                }
                nv[i].namelen = strlen(h[i].name);
                nv[i].valuelen = strlen(h[i].value);
        }
        *ret = nv;
        return 0;
}

int h2_stream_respond(H2Conn *c, H2Stream *s, const H2Header *headers, size_t n_headers, uint8_t *body,
                      size_t body_size, const H2Header *trailers, size_t n_trailers) {
        _cleanup_free_ uint8_t *body_owned = body;
        nghttp2_nv *nv = NULL;
        nghttp2_data_provider provider = { .source.ptr = s, .read_callback = read_body };
        int r;

        if (!c->session || s->out || s->trailers)
                return -ESTALE;
        r = nv_copy(headers, n_headers, &nv);
        if (r < 0)
                return r;
        if (n_trailers > 0) {
                r = nv_copy(trailers, n_trailers, &s->trailers);
                if (r < 0) {
                        nv_free(nv, n_headers);
                        return r;
                }
                s->n_trailers = n_trailers;
        }
        s->out = TAKE_PTR(body_owned);
        s->out_size = s->out ? body_size : 0;
        r = nghttp2_submit_response(c->session, s->id, nv, n_headers,
                                    s->out || s->n_trailers > 0 ? &provider : NULL);
        nv_free(nv, n_headers);
        if (r != 0)
                return -EPROTO;
        conn_flush(c);
        return 0;
}
