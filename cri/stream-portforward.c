/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stream-portforward.c — the port-forward session (portforward.k8s.io): for each connection the client
 * forwards it opens two SPDY streams with the same `requestID` and `port` headers, streamType `error`
 * and `data`. Once the data stream is there we connect to the port inside the sandbox (the backend's
 * connect()) and copy bytes both ways; the client's FIN on data half-closes the socket, the socket's EOF
 * ends the data stream and then the error stream (the client waits for both). A failure to connect is
 * written as text on the error stream, as kubelet does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "shared/log.h"
#include "shared/macro.h"
#include "shared/util.h"
#include "cri/stream-internal.h"

#define PORTFORWARD_REQUESTS_MAX 256

typedef struct PortRequest {
        char *id; /* requestID */
        uint16_t port;
        StreamChannel *error, *data;
        int fd;
        sd_event_source *source;
        SpdyBuffer to_target;
        bool connected, client_eof, target_eof, done;
        struct PortForward *pf;
        struct PortRequest *next;
} PortRequest;

typedef struct PortForward {
        StreamConn *conn;
        PortRequest *requests;
        size_t n_requests;
} PortForward;

static void request_end(PortRequest *p, const char *error) {
        StreamConn *c = p->pf->conn;

        if (p->done)
                return;
        p->done = true;
        p->source = sd_event_source_disable_unref(p->source);
        p->fd = safe_close(p->fd);
        spdy_buffer_done(&p->to_target);
        if (p->data)
                (void) stream_conn_send_fin(c, p->data);
        if (p->error)
                (void) stream_conn_send_data(c, p->error, error, error ? strlen(error) : 0, true);
}

static void request_fail(PortRequest *p, int r) {
        char msg[256];

        snprintf(msg, sizeof(msg), "error forwarding port %u to pod %s: %s", p->port, p->pf->conn->req->id,
                 strerror(-r));
        request_end(p, msg);
}

static void request_update(PortRequest *p) {
        uint32_t events = 0;

        if (p->done || !p->source)
                return;
        if (!p->connected || p->to_target.size > 0)
                events |= EPOLLOUT;
        if (p->connected && !p->target_eof && !stream_conn_output_full(p->pf->conn))
                events |= EPOLLIN;
        (void) sd_event_source_set_io_events(p->source, events);
}

static void request_write(PortRequest *p) {
        ssize_t n = send(p->fd, p->to_target.data, p->to_target.size, MSG_NOSIGNAL | MSG_DONTWAIT);

        if (n < 0 && errno != EAGAIN && errno != EINTR)
                return request_fail(p, -errno);
        if (n > 0)
                spdy_buffer_consume(&p->to_target, n);
        if (p->to_target.size == 0 && p->client_eof)
                (void) shutdown(p->fd, SHUT_WR);
}

static void request_read(PortRequest *p) {
        uint8_t buf[STREAM_CHUNK];
        ssize_t n = recv(p->fd, buf, sizeof(buf), MSG_DONTWAIT);

        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return;
        if (n < 0)
                return request_fail(p, -errno);
        if (n == 0) { /* the target is done: so is the forward (as kubelet's) */
                p->target_eof = true;
                return request_end(p, NULL);
        }
        (void) stream_conn_send_data(p->pf->conn, p->data, buf, n, false);
}

static int on_target(sd_event_source *es, int fd, uint32_t revents, void *userdata) {
        PortRequest *p = userdata;
        int error = 0;
        socklen_t len = sizeof(error);

        if (!p->connected && (revents & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
                if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0 || error != 0)
                        request_fail(p, error ? -error : -errno);
                else {
                        p->connected = true;
                        if (p->to_target.size == 0 && p->client_eof)
                                (void) shutdown(p->fd, SHUT_WR);
                }
        } else {
                if (!p->done && (revents & EPOLLOUT))
                        request_write(p);
                if (!p->done && (revents & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                        request_read(p);
        }
        request_update(p);
        stream_conn_update(p->pf->conn);
        return 0;
}

static bool port_allowed(const StreamRequest *req, uint16_t port) {
        if (req->n_ports == 0)
                return true;
        for (size_t i = 0; i < req->n_ports; i++)
                if (req->ports[i] == port)
                        return true;
        return false;
}

static void request_connect(PortRequest *p) {
        StreamConn *c = p->pf->conn;
        const StreamBackend *b = stream_server_backend(c->server);
        int r;

        if (!port_allowed(c->req, p->port))
                return request_fail(p, -EPERM);
        r = b->connect(c->server, c->req, p->port, &p->fd);
        if (r >= 0)
                r = sd_event_add_io(stream_server_event(c->server), &p->source, p->fd, EPOLLOUT, on_target,
                                    p);
        if (r < 0)
                return request_fail(p, r);
        request_update(p);
}

static PortRequest *request_get(PortForward *pf, const char *id, uint16_t port) {
        PortRequest *p;

        for (p = pf->requests; p; p = p->next)
                if (streq(p->id, id))
                        return p->port == port ? p : NULL;
        if (pf->n_requests >= PORTFORWARD_REQUESTS_MAX)
                return NULL;
        p = calloc(1, sizeof(PortRequest));
        if (!p || !(p->id = strdup(id))) {
                free(p);
                return NULL;
        }
        p->port = port;
        p->fd = -EBADF;
        p->pf = pf;
        p->next = pf->requests;
        pf->requests = p;
        pf->n_requests++;
        return p;
}

static PortRequest *request_of(PortForward *pf, StreamChannel *ch) {
        for (PortRequest *p = pf->requests; p; p = p->next)
                if (p->data == ch || p->error == ch)
                        return p;
        return NULL;
}

static int on_channel_new(StreamConn *c, StreamChannel *ch) {
        PortForward *pf = c->session;
        uint64_t port;
        PortRequest *p;

        if (!ch->port || safe_atou64(ch->port, &port) < 0 || port == 0 || port > 65535)
                return -EINVAL;
        /* clients before requestID used one pair per port: the port stands in for it */
        p = request_get(pf, ch->request_id ?: ch->port, port);
        if (!p)
                return -EINVAL;
        if (streq(ch->type, "error") && !p->error) {
                p->error = ch;
                if (p->done) /* the forward ended before the client opened its error stream */
                        (void) stream_conn_send_fin(c, ch);
        } else if (streq(ch->type, "data") && !p->data) {
                p->data = ch;
                request_connect(p);
        } else
                return -EINVAL;
        return 0;
}

static int on_channel_data(StreamConn *c, StreamChannel *ch, const uint8_t *data, size_t len) {
        PortRequest *p = request_of(c->session, ch);
        int r;

        if (!p || p->done || ch != p->data)
                return 0; /* the client writes nothing on error streams */
        r = spdy_buffer_append(&p->to_target, data, len);
        if (r < 0)
                return r;
        if (p->connected)
                request_write(p);
        request_update(p);
        return 0;
}

static void on_channel_end(StreamConn *c, StreamChannel *ch, bool reset) {
        PortRequest *p = request_of(c->session, ch);

        if (!p || p->done || ch != p->data)
                return;
        if (reset)
                return request_end(p, NULL);
        p->client_eof = true;
        if (p->connected && p->to_target.size == 0)
                (void) shutdown(p->fd, SHUT_WR);
}

static void on_output_ready(StreamConn *c) {
        PortForward *pf = c->session;

        for (PortRequest *p = pf->requests; p; p = p->next)
                request_update(p);
}

static bool on_input_full(StreamConn *c) {
        PortForward *pf = c->session;

        for (PortRequest *p = pf->requests; p; p = p->next)
                if (p->to_target.size >= STREAM_INPUT_HIGH)
                        return true;
        return false;
}

static void on_free(StreamConn *c) {
        PortForward *pf = c->session;

        if (!pf)
                return;
        while (pf->requests) {
                PortRequest *p = pf->requests;

                pf->requests = p->next;
                sd_event_source_disable_unref(p->source);
                safe_close(p->fd);
                spdy_buffer_done(&p->to_target);
                free(p->id);
                free(p);
        }
        free(pf);
        c->session = NULL;
}

static const StreamSessionOps portforward_ops = {
        .channel_new = on_channel_new,
        .channel_data = on_channel_data,
        .channel_end = on_channel_end,
        .output_ready = on_output_ready,
        .input_full = on_input_full,
        .free = on_free,
};

int stream_portforward_attach(StreamConn *c) {
        PortForward *pf = calloc(1, sizeof(PortForward));

        if (!pf)
                return -ENOMEM;
        pf->conn = c;
        c->session = pf;
        c->ops = &portforward_ops;
        return 0;
}
