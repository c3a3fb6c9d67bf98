/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cri-server.h — the conman-cri daemon object: its listening sockets, the HTTP/2 connections
 * (h2-server.c) whose requests grpc.c answers, the worker threads (cri-worker.c), and the little
 * state the methods share: the pod CIDR of UpdateRuntimeConfig and the streaming server.
 *
 * Methods run on worker threads and get the CriServer in CriContext.server: they read stream_addr and
 * stream (set before the first request, never changed) and the pod CIDR through its locked functions.
 */
#pragma once

#include <pthread.h>
#include <systemd/sd-event.h>

#include "cri/cri-worker.h"
#include "cri/cri.h"
#include "cri/h2-server.h"

typedef struct StreamServer StreamServer; /* stream-server.h (the streaming helper's) */

#define CRI_WORKERS_MAX 32

struct CriServer {
        sd_event *event;
        H2Server h2;
        CriWorkerPool *workers;
        sd_event_source **listeners;
        size_t n_listeners;
        /* the method table: cri_method_lookup(); tests put their own */
        const CriMethod *(*lookup)(const char *path);

        const char *stream_addr; /* the streaming server's "http://127.0.0.1:PORT", NULL: none */
        StreamServer *stream;    /* the streaming server (stream-server.h), owned by main() */

        pthread_mutex_t lock; /* guards what follows */
        char *pod_cidr;       /* UpdateRuntimeConfig's, NULL: none given */
};

/* bus_open: how workers reach the system bus, NULL: sd_bus_open_system(). */
int cri_server_new(sd_event *event, CriBusOpen bus_open, CriServer **ret);
CriServer *cri_server_free(CriServer *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(CriServer *, cri_server_free);

/* Accepts connections on a listening socket (taken, also on failure). */
int cri_server_add_listener(CriServer *s, int fd);
/* Creates the socket at path (replacing a stale one), mode 0660, and listens on it. */
int cri_server_listen(CriServer *s, const char *path);
/* Serves a connected socket (taken): for tests. */
int cri_server_add_connection(CriServer *s, int fd);

/* The pod CIDR(s), comma-separated as kubelet gives them; "" clears. -EINVAL unless each is a CIDR. */
int cri_server_set_pod_cidr(CriServer *s, const char *cidr);
/* A copy of the pod CIDR (NULL when none), or -ENOMEM. */
int cri_server_get_pod_cidr(CriServer *s, char **ret);
/* true if s is one IPv4 or IPv6 CIDR ("10.88.0.0/16", "fd00::/64"). */
bool cidr_is_valid(const char *s);
