/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cri-worker.h — the threads that run CRI methods, so that a method may block on conmand.
 *
 * The event loop queues a job; a worker thread runs the job's method with its own system bus
 * connection (opened when the thread first needs it, and again after it broke), then hands the job
 * back through an eventfd: the job's done() runs in the event loop, which alone touches HTTP/2.
 * Threads start on demand, up to max_threads, and stay.
 */
#pragma once

#include <protobuf-c/protobuf-c.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "cri/cri.h"

typedef struct CriWorkerPool CriWorkerPool;
typedef struct CriJob CriJob;

struct CriJob {
        /* in */
        const CriMethod *method;
        ProtobufCMessage *request; /* the job's; freed with cri_job_free() */
        uint64_t deadline_usec;    /* CLOCK_MONOTONIC; 0: none */
        void (*done)(CriJob *job); /* in the event loop; frees the job */
        void *userdata;            /* the caller's, */
        int32_t stream_id;         /* likewise */
        /* out */
        GrpcCode code;
        ProtobufCMessage *response; /* on GRPC_OK */
        CriStatus status;
        CriJob *next;
};

/* How a worker connects to the bus (tests give their own); the default is sd_bus_open_system(). */
typedef int (*CriBusOpen)(sd_bus **ret);

int cri_worker_pool_new(sd_event *event, CriServer *server, unsigned max_threads, CriBusOpen bus_open,
                        CriWorkerPool **ret);
/* Stops the threads, waiting a few seconds for the running methods, then hands back (done()) the jobs
 * that finished and, as CANCELLED, those that never started. If a method still runs, the pool is left
 * to its thread (the process is about to exit). */
CriWorkerPool *cri_worker_pool_free(CriWorkerPool *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(CriWorkerPool *, cri_worker_pool_free);

/* Queues the job (owned by the pool until done() gets it). */
int cri_worker_submit(CriWorkerPool *p, CriJob *job);
/* Frees the request, the response, the status message and the job. */
void cri_job_free(CriJob *job);
