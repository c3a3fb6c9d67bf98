/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stream-internal.h — what the parts of the streaming server share: a client connection (StreamConn,
 * stream-server.c: the socket, HTTP upgrade, SPDY frames in and out, its SPDY streams) and the two kinds
 * of session on top of it (stream-remote.c for exec/attach, stream-portforward.c), which get the
 * connection's events through StreamSessionOps.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "cri/spdy.h"
#include "cri/stream-server.h"

/* Output queued on the socket above this: sessions stop reading their fds until it drains. */
#define STREAM_OUTPUT_HIGH (1024u * 1024)
/* Input queued for a local fd above this: the socket is not read until it drains. */
#define STREAM_INPUT_HIGH (1024u * 1024)
/* How much a session reads from a local fd at once (one DATA frame). */
#define STREAM_CHUNK (32u * 1024)

typedef struct StreamConn StreamConn;

typedef struct StreamChannel {
        uint32_t id;
        char *type; /* streamType */
        char *port, *request_id;
        bool remote_fin; /* the client sent FIN or RST */
        bool local_fin;  /* we sent FIN */
        struct StreamChannel *next;
} StreamChannel;

typedef struct StreamSessionOps {
        /* A new SPDY stream, already replied to. < 0: reset it. */
        int (*channel_new)(StreamConn *c, StreamChannel *ch);
        int (*channel_data)(StreamConn *c, StreamChannel *ch, const uint8_t *data, size_t len);
        /* FIN (reset false) or RST_STREAM (reset true) from the client */
        void (*channel_end)(StreamConn *c, StreamChannel *ch, bool reset);
        /* the socket's output queue went below STREAM_OUTPUT_HIGH */
        void (*output_ready)(StreamConn *c);
        /* true while the session cannot take more input */
        bool (*input_full)(StreamConn *c);
        void (*free)(StreamConn *c);
} StreamSessionOps;

struct StreamConn {
        StreamServer *server;
        int fd;
        sd_event_source *io, *timer, *defer, *resume;
        StreamConn *prev, *next; /* the server's connections */
        SpdyBuffer in, out;
        SpdyCodec *codec;
        StreamRequest *req;
        char *protocol; /* negotiated X-Stream-Protocol-Version */
        StreamChannel *channels;
        unsigned n_channels;
        uint32_t last_stream_id;
        bool upgraded, close_after_write, finished, dead;
        bool parse_blocked; /* frames wait in `in` until the session takes input again */
        const StreamSessionOps *ops;
        void *session;
};

const StreamBackend *stream_server_backend(StreamServer *s);

/* Queue frames. A failure marks the connection dead (it is dropped from the event loop later). */
int stream_conn_send_data(StreamConn *c, StreamChannel *ch, const void *data, size_t len, bool fin);
int stream_conn_send_fin(StreamConn *c, StreamChannel *ch);
int stream_conn_send_reset(StreamConn *c, uint32_t stream_id, uint32_t status);
bool stream_conn_output_full(StreamConn *c);
/* The session is done: the connection is closed when the client closes it (or after a grace time). */
void stream_conn_finish(StreamConn *c);
/* Re-evaluates what the connection waits for (after a session's buffers changed). */
void stream_conn_update(StreamConn *c);
/* Drops the connection now (from the loop, later). */
void stream_conn_abort(StreamConn *c, const char *why);

/* Sessions: set c->ops and c->session for c->req. */
int stream_remote_attach(StreamConn *c);
int stream_portforward_attach(StreamConn *c);
