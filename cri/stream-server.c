/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stream-server.c — the streaming server's listener, its tokens, and each client connection: the HTTP/1.1
 * request and upgrade (101 Switching Protocols to SPDY/3.1 with a negotiated X-Stream-Protocol-Version),
 * then SPDY frames both ways; the session on top (stream-remote.c, stream-portforward.c) gets the
 * streams the client opens and their data. Everything runs in the event loop and never blocks: reads
 * and writes are non-blocking, output waits in a buffer, and a session that has too much queued stops
 * reading (STREAM_OUTPUT_HIGH, STREAM_INPUT_HIGH).
 *
 * Closing: when the session is done it has sent all its FINs; the client (spdystream) drops frames
 * still queued in it when it sees the connection end, so we wait for the client to close (or for
 * STREAM_CLOSE_GRACE) rather than close first.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "shared/log.h"
#include "shared/macro.h"
#include "shared/util.h"
#include "cri/stream-internal.h"

#define STREAM_TOKEN_USEC       (60ULL * 1000000) /* a token's life */
#define STREAM_TOKENS_MAX       1024              /* outstanding tokens */
#define STREAM_HTTP_HEADER_MAX  (16u * 1024)      /* the request before the upgrade */
#define STREAM_IDLE_USEC        (30ULL * 1000000) /* to send the request */
#define STREAM_CLOSE_GRACE_USEC (60ULL * 1000000) /* after finishing, for the client to close */
#define STREAM_INPUT_MAX        (SPDY_MAX_FRAME_LENGTH + 64u * 1024)
#define STREAM_CONNS_MAX        256 /* connections at once */
#define STREAM_CHANNELS_MAX     512 /* SPDY streams of one connection (a port forward: 2 a connection) */

typedef struct StreamToken {
        char *token;
        uint64_t expires; /* CLOCK_MONOTONIC usec */
        StreamRequest *req;
} StreamToken;

struct StreamServer {
        sd_event *event;
        sd_bus *bus;
        const StreamBackend *backend;
        int listen_fd;
        sd_event_source *listener;
        char *address;
        StreamConn *conns;
        unsigned n_conns;
        pthread_mutex_t lock; /* guards the tokens */
        StreamToken *tokens;
        size_t n_tokens;
};

static const char *const stream_kind_table[_STREAM_KIND_MAX] = {
        [STREAM_EXEC] = "exec",
        [STREAM_ATTACH] = "attach",
        [STREAM_PORTFORWARD] = "portforward",
};
DEFINE_STRING_TABLE_LOOKUP(stream_kind, StreamKind);

StreamRequest *stream_request_free(StreamRequest *r) {
        if (!r)
                return NULL;
        free(r->id);
        strv_freep(&r->cmd);
        free(r->ports);
        free(r);
        return NULL;
}

void stream_request_freep(StreamRequest **r) {
        *r = stream_request_free(*r);
}

/* Tokens */

static void token_drop(StreamServer *s, size_t i) {
        free(s->tokens[i].token);
        stream_request_free(s->tokens[i].req);
        s->tokens[i] = s->tokens[--s->n_tokens];
}

static void tokens_expire(StreamServer *s, uint64_t now) {
        for (size_t i = 0; i < s->n_tokens;)
                if (s->tokens[i].expires <= now)
                        token_drop(s, i);
                else
                        i++;
}

int stream_server_register(StreamServer *s, StreamRequest *req, char **ret_token) {
        _cleanup_(stream_request_freep) StreamRequest *r = req;
        _cleanup_free_ char *token = NULL;
        StreamToken *t;
        int k = random_hex(16, &token);

        if (k < 0)
                return k;
        pthread_mutex_lock(&s->lock);
        tokens_expire(s, now_monotonic_usec());
        if (s->n_tokens >= STREAM_TOKENS_MAX) {
                pthread_mutex_unlock(&s->lock);
                return -EBUSY;
        }
        t = realloc(s->tokens, (s->n_tokens + 1) * sizeof(StreamToken));
        if (!t) {
                pthread_mutex_unlock(&s->lock);
                return -ENOMEM;
        }
        s->tokens = t;
        t[s->n_tokens].token = strdup(token);
        if (!t[s->n_tokens].token) {
                pthread_mutex_unlock(&s->lock);
                return -ENOMEM;
        }
        t[s->n_tokens].expires = now_monotonic_usec() + STREAM_TOKEN_USEC;
        t[s->n_tokens++].req = TAKE_PTR(r);
        pthread_mutex_unlock(&s->lock);
        *ret_token = TAKE_PTR(token);
        return 0;
}

StreamRequest *stream_server_take(StreamServer *s, const char *token, StreamKind kind) {
        StreamRequest *r = NULL;

        pthread_mutex_lock(&s->lock);
        tokens_expire(s, now_monotonic_usec());
        for (size_t i = 0; i < s->n_tokens; i++)
                if (streq(s->tokens[i].token, token)) {
                        if (s->tokens[i].req->kind == kind) /* single use: gone once taken */
                                r = TAKE_PTR(s->tokens[i].req);
                        token_drop(s, i);
                        break;
                }
        pthread_mutex_unlock(&s->lock);
        return r;
}

/* Connections: output */

static int conn_queue(StreamConn *c, int r) {
        if (r < 0 && !c->dead) {
                log_debug_errno(r, "streaming: cannot queue a frame: %m");
                stream_conn_abort(c, "out of memory");
        }
        return r;
}

int stream_conn_send_data(StreamConn *c, StreamChannel *ch, const void *data, size_t len, bool fin) {
        int r = 0;

        if (ch->local_fin || c->dead)
                return 0;
        while (r >= 0 && (len > 0 || fin)) {
                size_t n = MIN(len, (size_t) STREAM_CHUNK);
                bool last = fin && n == len;

                r = spdy_build_data(&c->out, ch->id, last ? SPDY_FLAG_FIN : 0, data, n);
                if (n > 0)
                        data = (const uint8_t *) data + n;
                len -= n;
                if (last) {
                        ch->local_fin = true;
                        break;
                }
        }
        stream_conn_update(c);
        return conn_queue(c, r);
}

int stream_conn_send_fin(StreamConn *c, StreamChannel *ch) {
        return stream_conn_send_data(c, ch, NULL, 0, true);
}

int stream_conn_send_reset(StreamConn *c, uint32_t stream_id, uint32_t status) {
        int r = spdy_build_rst_stream(&c->out, stream_id, status);

        stream_conn_update(c);
        return conn_queue(c, r);
}

bool stream_conn_output_full(StreamConn *c) {
        return c->out.size >= STREAM_OUTPUT_HIGH;
}

static void conn_free(StreamConn *c) {
        c->server->n_conns--;
        if (c->prev)
                c->prev->next = c->next;
        else
                c->server->conns = c->next;
        if (c->next)
                c->next->prev = c->prev;
        if (c->ops && c->ops->free)
                c->ops->free(c);
        while (c->channels) {
                StreamChannel *ch = c->channels;

                c->channels = ch->next;
                free(ch->type);
                free(ch->port);
                free(ch->request_id);
                free(ch);
        }
        sd_event_source_disable_unref(c->io);
        sd_event_source_disable_unref(c->timer);
        sd_event_source_disable_unref(c->defer);
        sd_event_source_disable_unref(c->resume);
        safe_close(c->fd);
        spdy_buffer_done(&c->in);
        spdy_buffer_done(&c->out);
        spdy_codec_free(c->codec);
        stream_request_free(c->req);
        free(c->protocol);
        free(c);
}

static int on_conn_free(sd_event_source *es, void *userdata) {
        conn_free(userdata); /* and es, its c->defer */
        return 0;
}

void stream_conn_abort(StreamConn *c, const char *why) {
        if (c->dead)
                return;
        log_debug("streaming: connection closed: %s", why);
        c->dead = true;
        (void) sd_event_source_set_enabled(c->io, SD_EVENT_OFF);
        /* freed from the loop, never under a caller that still holds c */
        if (sd_event_add_defer(c->server->event, &c->defer, on_conn_free, c) < 0)
                log_oom(); /* leaks c rather than freeing it under a caller */
}

static void conn_timer(StreamConn *c, uint64_t usec) {
        if (c->timer) {
                (void) sd_event_source_set_time_relative(c->timer, usec);
                (void) sd_event_source_set_enabled(c->timer, SD_EVENT_ONESHOT);
        }
}

void stream_conn_finish(StreamConn *c) {
        if (c->finished)
                return;
        c->finished = true;
        for (StreamChannel *ch = c->channels; ch; ch = ch->next)
                (void) stream_conn_send_fin(c, ch);
        conn_timer(c, STREAM_CLOSE_GRACE_USEC);
        stream_conn_update(c);
}

static void conn_parse_frames(StreamConn *c);

static int on_conn_resume(sd_event_source *es, void *userdata) {
        StreamConn *c = userdata;

        conn_parse_frames(c);
        stream_conn_update(c);
        return 0;
}

void stream_conn_update(StreamConn *c) {
        bool input_full = c->ops && c->ops->input_full && c->ops->input_full(c);
        uint32_t events = 0;

        if (c->dead)
                return;
        if (c->out.size > 0)
                events |= EPOLLOUT;
        if (!c->close_after_write && !input_full)
                events |= EPOLLIN;
        (void) sd_event_source_set_io_events(c->io, events);
        /* frames left unparsed while the session was full: parse them from the loop, not under our caller */
        if (c->parse_blocked && !c->close_after_write && !input_full) {
                if (!c->resume && sd_event_add_defer(c->server->event, &c->resume, on_conn_resume, c) < 0)
                        return stream_conn_abort(c, "out of memory");
                (void) sd_event_source_set_enabled(c->resume, SD_EVENT_ONESHOT);
        }
}

/* Connections: SPDY input */

static StreamChannel *channel_find(StreamConn *c, uint32_t id) {
        for (StreamChannel *ch = c->channels; ch; ch = ch->next)
                if (ch->id == id)
                        return ch;
        return NULL;
}

static int channel_add(StreamConn *c, const SpdyFrame *f, StreamChannel **ret) {
        _cleanup_free_ StreamChannel *ch = calloc(1, sizeof(StreamChannel));
        const char *type = spdy_headers_get(&f->headers, "streamtype");
        const char *port = spdy_headers_get(&f->headers, "port");
        const char *rid = spdy_headers_get(&f->headers, "requestid");

        if (!ch)
                return -ENOMEM;
        ch->id = f->stream_id;
        ch->remote_fin = f->flags & SPDY_FLAG_FIN;
        ch->type = strdup(strempty(type));
        ch->port = port ? strdup(port) : NULL;
        ch->request_id = rid ? strdup(rid) : NULL;
        if (!ch->type || (port && !ch->port) || (rid && !ch->request_id)) {
                free(ch->type), free(ch->port), free(ch->request_id);
                return -ENOMEM;
        }
        ch->next = c->channels;
        c->channels = ch;
        *ret = TAKE_PTR(ch);
        return 0;
}

static int on_syn_stream(StreamConn *c, const SpdyFrame *f) {
        StreamChannel *ch;
        int r;

        /* client streams are odd and increasing (spec 2.3.2) */
        if (f->stream_id % 2 == 0 || f->stream_id <= c->last_stream_id)
                return stream_conn_send_reset(c, f->stream_id, SPDY_RST_PROTOCOL_ERROR);
        c->last_stream_id = f->stream_id;
        if (c->finished || c->n_channels >= STREAM_CHANNELS_MAX)
                return stream_conn_send_reset(c, f->stream_id, SPDY_RST_REFUSED_STREAM);
        r = channel_add(c, f, &ch);
        if (r < 0)
                return r;
        c->n_channels++;
        r = spdy_build_syn_reply(c->codec, &c->out, ch->id, 0, NULL);
        if (r < 0)
                return r;
        r = c->ops->channel_new(c, ch);
        if (r < 0) {
                ch->local_fin = ch->remote_fin = true;
                return stream_conn_send_reset(c, ch->id, SPDY_RST_REFUSED_STREAM);
        }
        if (ch->remote_fin)
                c->ops->channel_end(c, ch, false);
        return 0;
}

static int on_data(StreamConn *c, const SpdyFrame *f) {
        StreamChannel *ch = channel_find(c, f->stream_id);
        int r = 0;

        if (!ch)
                return stream_conn_send_reset(c, f->stream_id, SPDY_RST_INVALID_STREAM);
        if (ch->remote_fin)
                return 0; /* data after FIN or a reset: dropped */
        if (f->data_len > 0)
                r = c->ops->channel_data(c, ch, f->data, f->data_len);
        if (r >= 0 && (f->flags & SPDY_FLAG_FIN)) {
                ch->remote_fin = true;
                c->ops->channel_end(c, ch, false);
        }
        return r;
}

static int on_rst_stream(StreamConn *c, const SpdyFrame *f) {
        StreamChannel *ch = channel_find(c, f->stream_id);

        if (ch && !ch->remote_fin) {
                ch->remote_fin = ch->local_fin = true;
                c->ops->channel_end(c, ch, true);
        } else if (ch)
                ch->local_fin = true;
        return 0;
}

static int on_frame(StreamConn *c, const SpdyFrame *f) {
        switch (f->type) {
        case SPDY_SYN_STREAM: return on_syn_stream(c, f);
        case SPDY_DATA: return on_data(c, f);
        case SPDY_RST_STREAM: return on_rst_stream(c, f);
        case SPDY_PING: return conn_queue(c, spdy_build_ping(&c->out, f->value));
        default:
                /* SETTINGS, WINDOW_UPDATE (spdystream does no flow control either), HEADERS, GOAWAY */
                log_debug("streaming: %s frame ignored", spdy_frame_type_to_string(f->type));
                return 0;
        }
}

static void conn_parse_frames(StreamConn *c) {
        size_t off = 0;

        c->parse_blocked = false;
        while (!c->dead && off < c->in.size) {
                const char *error = NULL;
                SpdyFrame f = {};
                ssize_t n;
                int r;

                if (c->ops->input_full && c->ops->input_full(c)) {
                        c->parse_blocked = true;
                        break;
                }
                n = spdy_parse_frame(c->codec, c->in.data + off, c->in.size - off, &f, &error);
                if (n == 0)
                        break;
                if (n < 0) {
                        log_debug_errno((int) n, "streaming: bad SPDY frame: %s", strna(error));
                        (void) spdy_build_goaway(&c->out, c->last_stream_id, 1 /* PROTOCOL_ERROR */);
                        c->close_after_write = true;
                        break;
                }
                r = on_frame(c, &f);
                spdy_frame_done(&f);
                off += n;
                if (r < 0)
                        stream_conn_abort(c, "cannot handle a frame");
        }
        spdy_buffer_consume(&c->in, off);
}

/* Connections: the HTTP request */

static void http_reply(StreamConn *c, const char *status, const char *extra, const char *body) {
        char *s = NULL;
        int n = asprintf(&s,
                         "HTTP/1.1 %s\r\n%sContent-Type: text/plain; charset=utf-8\r\nContent-Length: %zu\r\n"
                         "Connection: close\r\n\r\n%s",
                         status, strempty(extra), strlen(body), body);

        if (n < 0 || spdy_buffer_append(&c->out, s, n) < 0)
                stream_conn_abort(c, "out of memory");
        free(s);
        c->close_after_write = true;
}

/* The value of header name (case-insensitive), or NULL; with several, the first after *state. */
static const char *http_header(char *const *lines, const char *name, size_t *state) {
        size_t n = strlen(name);

        for (size_t i = state ? *state : 0; lines[i]; i++)
                if (strncasecmp(lines[i], name, n) == 0 && lines[i][n] == ':') {
                        const char *v = lines[i] + n + 1;

                        if (state)
                                *state = i + 1;
                        return v + strspn(v, " \t");
                }
        return NULL;
}

static bool header_has_token(const char *v, const char *token) {
        size_t n = strlen(token);

        for (const char *p = v; p && *p;) {
                p += strspn(p, " \t,");
                if (strncasecmp(p, token, n) == 0 && strchr(" \t,", p[n]))
                        return true;
                p = strchr(p, ',');
        }
        return false;
}

/* The first protocol the client offers that the kind supports (the client's order, as kubelet). */
static const char *negotiate(char *const *lines, StreamKind kind) {
        static const char *const remote[] = { "v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io",
                                              NULL };
        static const char *const portforward[] = { "portforward.k8s.io", NULL };
        const char *const *ours = kind == STREAM_PORTFORWARD ? portforward : remote;
        const char *v;
        size_t state = 0;

        while ((v = http_header(lines, "X-Stream-Protocol-Version", &state)))
                for (const char *p = v; *p;) {
                        size_t len;

                        p += strspn(p, " \t,");
                        len = strcspn(p, " \t,");
                        for (size_t i = 0; len > 0 && ours[i]; i++)
                                if (strlen(ours[i]) == len && strneq(p, ours[i], len))
                                        return ours[i];
                        p += len;
                }
        return NULL;
}

static int http_upgrade(StreamConn *c, char *const *lines, StreamKind kind, const char *token) {
        const char *conn = http_header(lines, "Connection", NULL), *up = http_header(lines, "Upgrade", NULL);
        const char *proto;
        char *resp = NULL;
        int r, n;

        if (!conn || !up || !header_has_token(conn, "upgrade") || !strcasestr(up, "spdy/3.1"))
                return http_reply(c, "400 Bad Request", NULL, "unable to upgrade: missing upgrade headers\n"),
                       0;
        proto = negotiate(lines, kind);
        if (!proto)
                return http_reply(
                               c, "403 Forbidden", NULL,
                               "unable to upgrade: unable to negotiate protocol (X-Stream-Protocol-Version)\n"),
                       0;
        c->req = stream_server_take(c->server, token, kind);
        if (!c->req)
                return http_reply(c, "404 Not Found", NULL, "unknown or expired token\n"), 0;
        c->protocol = strdup(proto);
        r = spdy_codec_new(&c->codec);
        if (r < 0 || !c->protocol)
                return -ENOMEM;
        r = kind == STREAM_PORTFORWARD ? stream_portforward_attach(c) : stream_remote_attach(c);
        if (r < 0)
                return r;
        n = asprintf(&resp,
                     "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
                     "X-Stream-Protocol-Version: %s\r\n\r\n",
                     proto);
        if (n < 0)
                return -ENOMEM;
        r = spdy_buffer_append(&c->out, resp, n);
        free(resp);
        c->upgraded = true;
        (void) sd_event_source_set_enabled(c->timer, SD_EVENT_OFF);
        return r;
}

/* "POST /exec/TOKEN HTTP/1.1": the kind and token, or -EINVAL */
static int http_parse_target(char *line, StreamKind *ret_kind, const char **ret_token) {
        char *method = line, *path, *version, *kind, *token;

        path = strchr(method, ' ');
        if (!path)
                return -EINVAL;
        *path++ = 0;
        version = strchr(path, ' ');
        if (!version || (!streq(method, "GET") && !streq(method, "POST")))
                return -EINVAL;
        *version++ = 0;
        if (!string_has_prefix(version, "HTTP/1."))
                return -EINVAL;
        path[strcspn(path, "?#")] = 0;
        if (path[0] != '/')
                return -EINVAL;
        kind = path + 1;
        token = strchr(kind, '/');
        if (!token)
                return -EINVAL;
        *token++ = 0;
        *ret_kind = stream_kind_from_string(kind);
        *ret_token = token;
        return *ret_kind < 0 || isempty(token) || strchr(token, '/') ? -EINVAL : 0;
}

static int conn_handle_request(StreamConn *c, size_t header_len) {
        _cleanup_free_ char *text = strndup((const char *) c->in.data, header_len);
        _cleanup_free_ char **lines = NULL;
        const char *token;
        StreamKind kind;
        size_t n = 0;
        char *p;

        if (!text)
                return -ENOMEM;
        lines = calloc(header_len / 2 + 2, sizeof(char *));
        if (!lines)
                return -ENOMEM;
        for (p = text; p && *p; n++) {
                char *end = strstr(p, "\r\n");

                if (end)
                        *end = 0;
                lines[n] = p;
                p = end ? end + 2 : NULL;
        }
        spdy_buffer_consume(&c->in, header_len + 4);
        if (n == 0 || http_parse_target(lines[0], &kind, &token) < 0)
                return http_reply(c, "400 Bad Request", NULL,
                                  "expected POST or GET /exec|attach|portforward/TOKEN\n"),
                       0;
        return http_upgrade(c, lines + 1, kind, token);
}

static void conn_handle_input(StreamConn *c) {
        if (!c->upgraded) {
                const uint8_t *end = memmem(c->in.data, c->in.size, "\r\n\r\n", 4);

                if (!end) {
                        if (c->in.size > STREAM_HTTP_HEADER_MAX)
                                http_reply(c, "431 Request Header Fields Too Large", NULL,
                                           "request too large\n");
                        return;
                }
                if (conn_handle_request(c, end - c->in.data) < 0)
                        return stream_conn_abort(c, "cannot set up the session");
        }
        if (c->upgraded && !c->close_after_write)
                conn_parse_frames(c);
}

/* Connections: the socket */

static void conn_read(StreamConn *c) {
        uint8_t buf[64 * 1024];
        ssize_t n;

        n = read(c->fd, buf, sizeof(buf));
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return;
        if (n <= 0)
                return stream_conn_abort(c, n == 0 ? "closed by the client" : "read error");
        if (c->close_after_write)
                return; /* discarded: only the reply is left to send */
        if (spdy_buffer_append(&c->in, buf, n) < 0)
                return stream_conn_abort(c, "out of memory");
        if (c->in.size > STREAM_INPUT_MAX)
                return stream_conn_abort(c, "too much input");
        conn_handle_input(c);
}

static void conn_write(StreamConn *c) {
        bool was_full = stream_conn_output_full(c);
        ssize_t n;

        n = send(c->fd, c->out.data, c->out.size, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return;
        if (n < 0)
                return stream_conn_abort(c, "write error");
        spdy_buffer_consume(&c->out, n);
        if (c->out.size == 0 && c->close_after_write)
                return stream_conn_abort(c, "reply sent");
        if (was_full && !stream_conn_output_full(c) && c->ops && c->ops->output_ready)
                c->ops->output_ready(c);
}

static int on_conn_io(sd_event_source *es, int fd, uint32_t revents, void *userdata) {
        StreamConn *c = userdata;

        if (revents & EPOLLOUT)
                conn_write(c);
        if (!c->dead && (revents & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                conn_read(c);
        stream_conn_update(c);
        return 0;
}

static int on_conn_timer(sd_event_source *es, uint64_t usec, void *userdata) {
        StreamConn *c = userdata;

        stream_conn_abort(c, c->finished ? "the client did not close" : "no request in time");
        return 0;
}

static int conn_new(StreamServer *s, int fd) {
        StreamConn *c = calloc(1, sizeof(StreamConn));
        int r;

        if (!c) {
                safe_close(fd);
                return -ENOMEM;
        }
        c->server = s;
        c->fd = fd;
        c->next = s->conns;
        if (s->conns)
                s->conns->prev = c;
        s->conns = c;
        s->n_conns++;
        r = sd_event_add_io(s->event, &c->io, fd, EPOLLIN, on_conn_io, c);
        if (r >= 0)
                r = sd_event_add_time_relative(s->event, &c->timer, CLOCK_MONOTONIC, STREAM_IDLE_USEC, 0,
                                               on_conn_timer, c);
        if (r < 0) {
                conn_free(c);
                return r;
        }
        return 0;
}

int stream_server_add_connection(StreamServer *s, int fd) {
        return conn_new(s, fd);
}

static int on_accept(sd_event_source *es, int fd, uint32_t revents, void *userdata) {
        StreamServer *s = userdata;
        int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

        if (cfd < 0)
                return 0; /* EAGAIN, or the client gave up */
        if (s->n_conns >= STREAM_CONNS_MAX) {
                log_warning("streaming: %u connections open, refusing another", s->n_conns);
                safe_close(cfd);
                return 0;
        }
        if (conn_new(s, cfd) < 0)
                log_oom();
        return 0;
}

/* The server */

int stream_server_new(sd_event *event, sd_bus *bus, const StreamBackend *backend, StreamServer **ret) {
        StreamServer *s = calloc(1, sizeof(StreamServer));

        if (!s)
                return -ENOMEM;
        s->event = sd_event_ref(event);
        s->bus = bus ? sd_bus_ref(bus) : NULL;
        s->backend = backend ?: &stream_backend_conmand;
        s->listen_fd = -EBADF;
        pthread_mutex_init(&s->lock, NULL);
        *ret = s;
        return 0;
}

StreamServer *stream_server_free(StreamServer *s) {
        if (!s)
                return NULL;
        while (s->conns)
                conn_free(s->conns);
        sd_event_source_disable_unref(s->listener);
        safe_close(s->listen_fd);
        while (s->n_tokens > 0)
                token_drop(s, 0);
        free(s->tokens);
        free(s->address);
        pthread_mutex_destroy(&s->lock);
        sd_bus_unref(s->bus);
        sd_event_unref(s->event);
        free(s);
        return NULL;
}

void stream_server_freep(StreamServer **s) {
        *s = stream_server_free(*s);
}

int stream_server_listen(StreamServer *s) {
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t len = sizeof(sa);
        _cleanup_close_ int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        int r;

        if (fd < 0)
                return negative_errno();
        if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 || listen(fd, 64) < 0 ||
            getsockname(fd, (struct sockaddr *) &sa, &len) < 0)
                return negative_errno();
        free(s->address);
        if (asprintf(&s->address, "http://127.0.0.1:%u", ntohs(sa.sin_port)) < 0) {
                s->address = NULL;
                return -ENOMEM;
        }
        r = sd_event_add_io(s->event, &s->listener, fd, EPOLLIN, on_accept, s);
        if (r < 0)
                return r;
        s->listen_fd = TAKE_FD(fd);
        return 0;
}

const char *stream_server_address(StreamServer *s) {
        return s ? s->address : NULL;
}

sd_bus *stream_server_bus(StreamServer *s) {
        return s->bus;
}

sd_event *stream_server_event(StreamServer *s) {
        return s->event;
}

const StreamBackend *stream_server_backend(StreamServer *s) {
        return s->backend;
}
