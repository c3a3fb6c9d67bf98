/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * image-job.c — worker threads for pulls and imports (see image-job.h).
 */
#include <signal.h>
#include <sys/eventfd.h>

#include "shared/log.h"
#include "image/import.h"
#include "image/layer.h"
#include "image/login.h"
#include "image/registry.h"
#include "image/store.h"
#include "daemon/image-job.h"

#define PROGRESS_INTERVAL_USEC (250 * USEC_PER_MSEC)

#include "shared/util.h"

int image_job_new(Manager *m, ImageJobKind kind, sd_bus_message *request, ImageJobDone done, ImageJob **ret) {
        ImageJob *j = calloc(1, sizeof(*j));

        if (!j)
                return -ENOMEM;
        j->manager = m;
        j->kind = kind;
        j->request = sd_bus_message_ref(request);
        j->done = done;
        j->tls_verify = true;
        j->compression = LAYER_COMPRESSION_DETECT;
        j->event_fd = -EBADF;
        j->fd = -EBADF;
        atomic_init(&j->cancel, false);
        pull_progress_init(&j->progress);
        *ret = j;
        return 0;
}

static void image_job_unlink(ImageJob *j) {
        ImageManager *im = j->manager->images;

        if (j->prev)
                j->prev->next = j->next;
        else if (im->jobs == j)
                im->jobs = j->next;
        if (j->next)
                j->next->prev = j->prev;
        j->next = j->prev = NULL;
}

ImageJob *image_job_free(ImageJob *j) {
        if (!j)
                return NULL;
        if (j->thread_started) {
                atomic_store(&j->cancel, true);
                pthread_join(j->thread, NULL);
        }
        image_job_unlink(j);
        sd_event_source_disable_unref(j->event_source);
        safe_close(j->event_fd);
        sd_bus_message_unref(j->request);
        pull_progress_done(&j->progress);
        free(j->reference);
        free(j->path);
        free(j->destination);
        push_result_done(&j->pushed);
        free(j->auth_file);
        free(j->cert_dir);
        credentials_done(&j->credentials);
        if (j->credentials_auth)
                explicit_bzero(j->credentials_auth, strlen(j->credentials_auth));
        free(j->credentials_auth);
        free(j->credentials_server);
        strv_freep(&j->images);
        strv_freep(&j->changes);
        free(j->comment);
        free(j->author);
        free(j->paused_container);
        free(j->base_id);
        image_build_run_done(&j->run);
        rootfs_paths_done(&j->rootfs);
        safe_close(j->fd);
        free(j->error);
        strv_freep(&j->ids);
        free(j);
        return NULL;
}

/* The worker: only the store and this job's fields. */
static void *image_job_thread(void *userdata) {
        ImageJob *j = userdata;
        ImageStore *s = j->manager->image_store;
        RegistryOptions opts = {
                .tls_verify = j->tls_verify,
                .cert_dir = j->cert_dir,
                .auth_file = j->auth_file,
                .cancel = &j->cancel,
                .credentials = j->has_credentials ? &j->credentials : NULL,
                .credentials_server = j->credentials_server,
        };

        switch (j->kind) {
        case IMAGE_JOB_PULL:
                j->result = image_pull(s, j->reference, &opts, j->has_platform ? &j->platform : NULL,
                                       &j->progress, j->id, &j->error);
                break;
        case IMAGE_JOB_IMPORT: j->result = image_import(s, j->path, j->reference, &j->ids, &j->error); break;
        case IMAGE_JOB_PUSH:
                j->result = image_push(s, j->reference, j->destination, &opts, j->compression, &j->progress,
                                       &j->pushed, &j->error);
                break;
        case IMAGE_JOB_LOGIN:
                opts.credentials = NULL;
                j->result = registry_login(j->reference, j->credentials.user, j->credentials.password, &opts,
                                           j->auth_file, &j->path, &j->error);
                break;
        case IMAGE_JOB_SAVE: j->result = image_save(s, j->images, j->format, j->fd, &j->error); break;
        case IMAGE_JOB_LOAD: j->result = image_import_fd(s, j->fd, j->reference, &j->ids, &j->error); break;
        case IMAGE_JOB_BUILD:
                j->result = image_build(s, j->fd, &j->build, j->reference, j->id, &j->error);
                break;
        case IMAGE_JOB_EXPORT: j->result = rootfs_export(&j->rootfs, j->fd, &j->error); break;
        case IMAGE_JOB_TAGS: j->result = image_list_tags(j->reference, &opts, &j->ids, &j->error); break;
        case IMAGE_JOB_COMMIT:
                j->result = rootfs_commit(s, &j->rootfs, &j->build, j->reference, j->id, &j->error);
                break;
        }
        j->fd = safe_close(j->fd); /* the client sees the end of its pipe now */
        (void) eventfd_write(j->event_fd, 1);
        return NULL;
}

static int on_job_done(sd_event_source *source, int fd, uint32_t revents, void *userdata) {
        ImageJob *j = userdata;

        pthread_join(j->thread, NULL);
        j->thread_started = false;
        (void) image_jobs_send_progress(j->manager);
        j->done(j);
        image_job_free(j);
        return 0;
}

static int on_progress_timer(sd_event_source *source, uint64_t usec, void *userdata) {
        Manager *m = userdata;

        (void) image_jobs_send_progress(m);
        if (!m->images->jobs)
                return sd_event_source_set_enabled(source, SD_EVENT_OFF);
        return sd_event_source_set_time(source, usec + PROGRESS_INTERVAL_USEC);
}

static int progress_timer_arm(Manager *m) {
        ImageManager *im = m->images;
        uint64_t now;
        int r;

        r = sd_event_now(m->event, CLOCK_MONOTONIC, &now);
        if (r < 0)
                return r;
        if (!im->progress_timer)
                return sd_event_add_time(m->event, &im->progress_timer, CLOCK_MONOTONIC,
                                         now + PROGRESS_INTERVAL_USEC, 0, on_progress_timer, m);
        r = sd_event_source_set_time(im->progress_timer, now + PROGRESS_INTERVAL_USEC);
        if (r >= 0)
                r = sd_event_source_set_enabled(im->progress_timer, SD_EVENT_ON);
        return r;
}

int image_job_start(ImageJob *j) {
        ImageManager *im = j->manager->images;
        sigset_t all, old;
        int r;

        j->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (j->event_fd < 0)
                return negative_errno();
        r = sd_event_add_io(j->manager->event, &j->event_source, j->event_fd, EPOLLIN, on_job_done, j);
        if (r < 0)
                return r;
        /* the worker must never take SIGTERM and friends: the event loop handles them */
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, &old);
        r = -pthread_create(&j->thread, NULL, image_job_thread, j);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (r < 0)
                return r;
        j->thread_started = true;
        j->next = im->jobs;
        if (im->jobs)
                im->jobs->prev = j;
        im->jobs = j;
        if (j->kind == IMAGE_JOB_PULL || j->kind == IMAGE_JOB_PUSH)
                (void) progress_timer_arm(j->manager);
        return 0;
}

static int send_progress(Manager *m, ImageJob *j) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *s = NULL;
        _cleanup_free_ PullLayerProgress *layers = NULL;
        unsigned generation;
        size_t n;
        int r;

        r = pull_progress_snapshot(&j->progress, &layers, &n, &generation);
        if (r < 0 || generation == j->sent_generation)
                return r;
        j->sent_generation = generation;
        r = sd_bus_message_new_signal(m->bus, &s, "/io/conman1", "io.conman1.Manager",
                                      j->kind == IMAGE_JOB_PUSH ? "PushProgress" : "PullProgress");
        if (r >= 0) /* a push is named by where it goes, as the caller wrote it */
                r = sd_bus_message_append(
                        s, "s", j->kind == IMAGE_JOB_PUSH ? j->destination ?: j->reference : j->reference);
        if (r >= 0)
                r = sd_bus_message_open_container(s, 'a', "(stt)");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = sd_bus_message_append(s, "(stt)", layers[i].digest, layers[i].done, layers[i].total);
        if (r >= 0)
                r = sd_bus_message_close_container(s);
        if (r >= 0)
                r = sd_bus_send(m->bus, s, NULL);
        return r;
}

int image_jobs_send_progress(Manager *m) {
        for (ImageJob *j = m->images->jobs; j; j = j->next)
                if (j->kind == IMAGE_JOB_PULL || j->kind == IMAGE_JOB_PUSH)
                        (void) send_progress(m, j);
        return 0;
}

void image_jobs_abort_all(Manager *m) {
        while (m->images && m->images->jobs)
                image_job_free(m->images->jobs);
}

int image_manager_start(Manager *m) {
        LayerLimits limits;
        int r;

        r = registry_global_init();
        if (r < 0)
                return log_error_errno(r, "Failed to initialize libcurl: %m");
        m->images = calloc(1, sizeof(ImageManager));
        if (!m->images)
                return log_oom();
        r = image_store_open(m->state_dir, &m->image_store);
        if (r < 0)
                return log_error_errno(r, "Failed to open the image store in %s/images: %m", m->state_dir);
        r = layer_limits_from_environment(&limits);
        if (r < 0)
                return log_error_errno(r, "$%s or $%s is not a positive number", LAYER_MAX_BYTES_ENV,
                                       LAYER_MAX_ENTRIES_ENV);
        image_store_set_layer_limits(m->image_store, &limits);
        return 0;
}

void image_manager_free(Manager *m) {
        if (!m->images)
                return;
        image_jobs_abort_all(m);
        sd_event_source_disable_unref(m->images->progress_timer);
        free(m->images);
        m->images = NULL;
        m->image_store = image_store_free(m->image_store);
}
