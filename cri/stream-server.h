/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stream-server.h — conman-cri's streaming server: kubelet's exec, attach and port-forward protocol
 * (an HTTP/1.1 upgrade to SPDY/3.1, then the v4/v3/v2.channel.k8s.io remote-command or the
 * portforward.k8s.io sub-protocol) on 127.0.0.1 at a random port, in conman-cri's sd-event loop.
 *
 * The Exec, Attach and PortForward RPCs (streaming.c, on worker threads) register a StreamRequest and
 * get a token: single-use, random, valid for a minute. The URL `http://127.0.0.1:PORT/<kind>/<token>`
 * goes back to the client, which connects and upgrades; the session then reaches the container
 * through a StreamBackend (stream-conmand.c: conmand's ExecContainer/WaitExec, AttachContainerStdio,
 * ResizeContainerTerminal, and a connect inside the pod's network namespace).
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

typedef struct StreamServer StreamServer;
typedef struct StreamSession StreamSession;
typedef struct CriServer CriServer;

typedef enum StreamKind {
        STREAM_EXEC,
        STREAM_ATTACH,
        STREAM_PORTFORWARD,
        _STREAM_KIND_MAX,
        _STREAM_KIND_INVALID = -EINVAL,
} StreamKind;

const char *stream_kind_to_string(StreamKind k); /* "exec", "attach", "portforward" */
StreamKind stream_kind_from_string(const char *s);

typedef struct StreamRequest {
        StreamKind kind;
        char *id;   /* the container's id (exec, attach) or the sandbox's (port forward) */
        char **cmd; /* exec */
        bool tty, in, out, err;
        bool stdin_once; /* attach: the client's EOF on stdin closes the container's (CRI stdin_once) */
        int32_t *ports;  /* port forward: the ports asked for (none: any) */
        size_t n_ports;
} StreamRequest;

StreamRequest *stream_request_free(StreamRequest *r);
void stream_request_freep(StreamRequest **r);

/* How a session reaches the container. Each call either fails at once (< 0) or later calls back
 * stream_session_started()/stream_session_exited()/stream_session_failed() from the event loop. */
typedef struct StreamBackend {
        /* exec or attach: starts; then stream_session_started() with the fds, and for exec
         * stream_session_exited() with the exit code (attach ends when its output does) */
        int (*start)(StreamSession *s, const StreamRequest *req);
        /* a terminal's new size (only after started) */
        int (*resize)(StreamSession *s, const StreamRequest *req, unsigned width, unsigned height);
        /* port forward: a socket connected (or connecting) to the port inside the sandbox */
        int (*connect)(StreamServer *server, const StreamRequest *req, uint16_t port, int *ret_fd);
} StreamBackend;

/* The conmand backend (stream-conmand.c) */
extern const StreamBackend stream_backend_conmand;

/* bus: attached to event, for the backend's calls (NULL: none); backend NULL: conmand's. */
int stream_server_new(sd_event *event, sd_bus *bus, const StreamBackend *backend, StreamServer **ret);
StreamServer *stream_server_free(StreamServer *s);
void stream_server_freep(StreamServer **s);
sd_bus *stream_server_bus(StreamServer *s);
sd_event *stream_server_event(StreamServer *s);

/* Listens on 127.0.0.1 at a kernel-chosen port. */
int stream_server_listen(StreamServer *s);
/* Serves a connected socket (taken, non-blocking): for tests and fuzzing. */
int stream_server_add_connection(StreamServer *s, int fd);
/* "http://127.0.0.1:PORT" once listening, else NULL. */
const char *stream_server_address(StreamServer *s);
/* Thread-safe: keeps req (taken, also on failure) under a new token (*ret_token, malloc()ed). */
int stream_server_register(StreamServer *s, StreamRequest *req, char **ret_token);
/* Loop thread: takes the request of token if it exists, is unexpired and of kind; else NULL. */
StreamRequest *stream_server_take(StreamServer *s, const char *token, StreamKind kind);

/* main()'s call (streaming.c): a server on server->event with its own system bus connection, listening;
 * sets server->stream and server->stream_addr. *ret is the caller's to free after the event loop. */
int cri_streaming_start(CriServer *server, StreamServer **ret);
/* The URL for a token (malloc()ed) or NULL: "<stream_addr>/<kind>/<token>". Defined in streaming.c. */
char *cri_server_stream_url(CriServer *server, const char *kind, const char *token);

/* Backend callbacks (event loop). stdin_fd is written to, stdout_fd/stderr_fd read (each taken; -EBADF:
 * none); with tty the terminal's output comes on stdout_fd. */
void stream_session_started(StreamSession *s, int stdin_fd, int stdout_fd, int stderr_fd, bool tty);
void stream_session_exited(StreamSession *s, int exit_code);
void stream_session_failed(StreamSession *s, const char *message);
/* Backend state hung on the session, freed with it through free_fn. */
void stream_session_set_backend_data(StreamSession *s, void *data, void (*free_fn)(void *));
void *stream_session_get_backend_data(StreamSession *s);
StreamServer *stream_session_server(StreamSession *s);
