/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cri-worker.c — the worker threads that run CRI methods (see cri-worker.h).
 */
#include <pthread.h>
#include <stdarg.h>
#include <sys/eventfd.h>
#include <time.h>

#include "shared/log.h"
#include "shared/util.h"
#include "cri/cri-worker.h"

#define POOL_STOP_WAIT_SEC 5

struct CriWorkerPool {
        CriServer *server;
        CriBusOpen bus_open;
        unsigned max_threads;
        pthread_mutex_t lock;
        pthread_cond_t wake; /* a job was queued, or the pool stops */
        pthread_cond_t gone; /* a thread exited */
        CriJob *queue, *queue_tail;
        CriJob *done, *done_tail;
        unsigned n_queued, n_threads, n_idle;
        bool stopping;
        int event_fd;
        sd_event_source *event_source;
};

void cri_job_free(CriJob *job) {
        if (!job)
                return;
        if (job->request)
                protobuf_c_message_free_unpacked(job->request, NULL);
        if (job->response)
                protobuf_c_message_free_unpacked(job->response, NULL);
        free(job->status.message);
        free(job);
}

static void job_append(CriJob **head, CriJob **tail, CriJob *job) {
        job->next = NULL;
        if (*tail)
                (*tail)->next = job;
        else
                *head = job;
        *tail = job;
}

static int bus_open_system(sd_bus **ret) {
        return sd_bus_open_system(ret);
}

/* Runs one job's method on this thread's bus connection (opened here if there is none). */
static void job_run(CriWorkerPool *p, sd_bus **bus, CriJob *job) {
        int r;

        if (job->deadline_usec > 0 && now_monotonic_usec() >= job->deadline_usec) {
                job->code =
                        cri_fail(&job->status, GRPC_DEADLINE_EXCEEDED, "deadline exceeded before the call");
                return;
        }
        if (!*bus) {
                r = p->bus_open(bus);
                if (r < 0) {
                        job->code = cri_fail(&job->status, GRPC_UNAVAILABLE,
                                             "cannot connect to the system bus: %s", strerror(-r));
                        return;
                }
        }
        CriContext ctx = { .bus = *bus, .server = p->server, .deadline_usec = job->deadline_usec };
        job->code = job->method->fn(&ctx, job->request, &job->response, &job->status);
        if (job->code == GRPC_OK && !job->response)
                job->code =
                        cri_fail(&job->status, GRPC_INTERNAL, "%s returned no response", job->method->path);
        if (job->code != GRPC_OK && job->response) {
                protobuf_c_message_free_unpacked(job->response, NULL);
                job->response = NULL;
        }
        if (*bus && sd_bus_is_open(*bus) <= 0) /* the bus went away: the next job reconnects */
                *bus = sd_bus_flush_close_unref(*bus);
}

static void job_finish(CriWorkerPool *p, CriJob *job) {
        static const uint64_t one = 1;

        pthread_mutex_lock(&p->lock);
        job_append(&p->done, &p->done_tail, job);
        pthread_mutex_unlock(&p->lock);
        (void) write(p->event_fd, &one, sizeof(one));
}

static void *worker_main(void *arg) {
        CriWorkerPool *p = arg;
        sd_bus *bus = NULL;

        pthread_mutex_lock(&p->lock);
        for (;;) {
                CriJob *job;

                while (!p->queue && !p->stopping) {
                        p->n_idle++;
                        pthread_cond_wait(&p->wake, &p->lock);
                        p->n_idle--;
                }
                if (p->stopping)
                        break;
                job = p->queue;
                p->queue = job->next;
                if (!p->queue)
                        p->queue_tail = NULL;
                p->n_queued--;
                pthread_mutex_unlock(&p->lock);

                job_run(p, &bus, job);
                job_finish(p, job);
                pthread_mutex_lock(&p->lock);
        }
        pthread_mutex_unlock(&p->lock);

        sd_bus_flush_close_unref(bus);
        pthread_mutex_lock(&p->lock);
        p->n_threads--;
        pthread_cond_signal(&p->gone);
        pthread_mutex_unlock(&p->lock);
        return NULL;
}

static int on_jobs_done(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        CriWorkerPool *p = userdata;
        uint64_t n;
        CriJob *jobs;

        (void) read(fd, &n, sizeof(n));
        pthread_mutex_lock(&p->lock);
        jobs = TAKE_PTR(p->done);
        p->done_tail = NULL;
        pthread_mutex_unlock(&p->lock);

        while (jobs) {
                CriJob *job = jobs;

                jobs = job->next;
                job->done(job);
        }
        return 0;
}

int cri_worker_pool_new(sd_event *event, CriServer *server, unsigned max_threads, CriBusOpen bus_open,
                        CriWorkerPool **ret) {
        CriWorkerPool *p;
        int r;

        p = calloc(1, sizeof(*p));
        if (!p)
                return -ENOMEM;
        p->server = server;
        p->bus_open = bus_open ?: bus_open_system;
        p->max_threads = MAX(max_threads, 1U);
        pthread_mutex_init(&p->lock, NULL);
        pthread_cond_init(&p->wake, NULL);
        pthread_cond_init(&p->gone, NULL);
        p->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (p->event_fd < 0) {
                r = -errno;
                free(p);
                return r;
        }
        r = sd_event_add_io(event, &p->event_source, p->event_fd, EPOLLIN, on_jobs_done, p);
        if (r < 0) {
                safe_close(p->event_fd);
                free(p);
                return r;
        }
        *ret = p;
        return 0;
}

/* At the end: hands the jobs back (done() frees each and what its userdata holds), the ones that never
 * ran as CANCELLED. */
static void job_list_return(CriJob *jobs, bool ran) {
        while (jobs) {
                CriJob *next = jobs->next;

                if (!ran)
                        jobs->code = cri_fail(&jobs->status, GRPC_CANCELLED, "conman-cri is stopping");
                jobs->done(jobs);
                jobs = next;
        }
}

CriWorkerPool *cri_worker_pool_free(CriWorkerPool *p) {
        struct timespec until;
        bool all_gone;

        if (!p)
                return NULL;
        p->event_source = sd_event_source_disable_unref(p->event_source);
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += POOL_STOP_WAIT_SEC;

        pthread_mutex_lock(&p->lock);
        p->stopping = true;
        pthread_cond_broadcast(&p->wake);
        while (p->n_threads > 0)
                if (pthread_cond_timedwait(&p->gone, &p->lock, &until) == ETIMEDOUT)
                        break;
        all_gone = p->n_threads == 0;
        pthread_mutex_unlock(&p->lock);
        if (!all_gone) {
                /* A method still blocks (a pull, a long stop): its thread still needs the pool. */
                log_debug("%u CRI worker(s) still busy at exit.", p->n_threads);
                return NULL;
        }
        job_list_return(p->done, true);
        job_list_return(p->queue, false);
        safe_close(p->event_fd);
        pthread_cond_destroy(&p->gone);
        pthread_cond_destroy(&p->wake);
        pthread_mutex_destroy(&p->lock);
        free(p);
        return NULL;
}

/* With the lock held: one more thread if the queued jobs outnumber the idle threads. */
static int pool_grow(CriWorkerPool *p) {
        pthread_attr_t attr;
        pthread_t t;
        int r;

        if (p->n_queued <= p->n_idle || p->n_threads >= p->max_threads)
                return 0;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        r = -pthread_create(&t, &attr, worker_main, p);
        pthread_attr_destroy(&attr);
        if (r < 0)
                return p->n_threads > 0 ? 0 : r; /* the running threads will get to the job */
        p->n_threads++;
        return 0;
}

int cri_worker_submit(CriWorkerPool *p, CriJob *job) {
        int r;

        pthread_mutex_lock(&p->lock);
        job_append(&p->queue, &p->queue_tail, job);
        p->n_queued++;
        r = pool_grow(p);
        if (r < 0) {
                /* no thread at all: take the job back (it is the queue's only one) */
                p->queue = p->queue_tail = NULL;
                p->n_queued = 0;
        } else
                pthread_cond_signal(&p->wake);
        pthread_mutex_unlock(&p->lock);
        return r;
}
