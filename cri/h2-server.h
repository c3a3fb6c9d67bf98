/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * h2-server.h — HTTP/2 server connections (nghttp2) driven from sd-event: a leaf that knows no gRPC.
 *
 * Each accepted connection is one nghttp2 server session fed with nghttp2_session_mem_recv() and
 * drained with nghttp2_session_mem_send() into a non-blocking socket (what the socket does not take
 * waits in an output buffer until EPOLLOUT). A request is collected whole (headers and body, the body
 * capped at H2Server.max_body) and handed to H2Server.on_request when the peer ends its stream; the
 * handler answers then or later with h2_stream_respond(), from the event loop only.
 *
 * nghttp2's HTTP messaging checks are off (grpc-go sends a socket path as :authority, which they
 * reject): the handler checks :method, :path and content-type itself.
 *
 * Lifetimes: the server owns its open connections; a connection is reference-counted so that work
 * in flight may hold it past its close (h2_conn_is_open() says false then). A stream is owned by its
 * connection and freed when nghttp2 closes it: keep its id, and find it again with h2_conn_get_stream().
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "shared/macro.h"

typedef struct H2Conn H2Conn;
typedef struct H2Stream H2Stream;
typedef struct H2Server H2Server;

/* Called from the event loop when a request's stream ended (or its body overflowed max_body). */
typedef void (*H2RequestHandler)(H2Conn *conn, H2Stream *stream, void *userdata);

typedef struct H2Header {
        const char *name;
        const char *value;
} H2Header;

struct H2Server {
        sd_event *event;
        size_t max_body; /* bytes of request body kept; beyond, h2_stream_overflowed() */
        H2RequestHandler on_request;
        void *userdata;
        H2Conn *conns; /* the open connections */
        unsigned n_conns;
};

/* Serves the connected socket fd (taken, also on failure). */
int h2_server_add_conn(H2Server *s, int fd);
/* Closes every open connection (at exit). */
void h2_server_close_all(H2Server *s);

H2Conn *h2_conn_ref(H2Conn *c);
H2Conn *h2_conn_unref(H2Conn *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(H2Conn *, h2_conn_unref);
bool h2_conn_is_open(const H2Conn *c);
/* The open stream with this id, or NULL (closed, reset, or the connection is closed). */
H2Stream *h2_conn_get_stream(H2Conn *c, int32_t stream_id);

int32_t h2_stream_id(const H2Stream *s);
/* A request header's value (the last one of that name), or NULL. Pseudo-headers too (":path"). */
const char *h2_stream_header(const H2Stream *s, const char *name);
const uint8_t *h2_stream_body(const H2Stream *s, size_t *ret_size);
bool h2_stream_overflowed(const H2Stream *s);

/* Answers a request: headers, then the body (taken, malloc()ed; may be NULL), then trailers (if
 * n_trailers > 0). Without body and trailers the headers end the stream (gRPC's trailers-only).
 * Header values are copied. Flushes the connection. */
int h2_stream_respond(H2Conn *c, H2Stream *s, const H2Header *headers, size_t n_headers, uint8_t *body,
                      size_t body_size, const H2Header *trailers, size_t n_trailers);
