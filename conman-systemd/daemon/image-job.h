/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * image-job.h — pulls and imports run in worker threads so conmand's event loop
 * keeps serving while megabytes stream in. A job owns its D-Bus request; the
 * worker touches only the store (thread-safe) and the job's own fields, then
 * signals an eventfd; the main thread joins it and replies. Progress of pulls is
 * read under a mutex by a timer on the main thread and sent as PullProgress (PushProgress for
 * pushes). Logins run here too: they wait on the registry.
 */
#pragma once

#include <pthread.h>
#include <stdatomic.h>

#include "image/build.h"
#include "image/pull.h"
#include "image/push.h"
#include "image/rootfs-archive.h"
#include "image/save.h"
#include "image/tags.h"
#include "daemon/manager.h"

typedef enum ImageJobKind {
        IMAGE_JOB_PULL,
        IMAGE_JOB_IMPORT,
        IMAGE_JOB_PUSH,   /* reference: the image; destination */
        IMAGE_JOB_LOGIN,  /* reference: the registry; credentials; auth_file */
        IMAGE_JOB_SAVE,   /* images, format → fd */
        IMAGE_JOB_LOAD,   /* fd → ids; reference: the tag, or NULL */
        IMAGE_JOB_BUILD,  /* fd (a tarball) + build → id; reference: the tag, or NULL */
        IMAGE_JOB_EXPORT, /* rootfs → fd */
        IMAGE_JOB_COMMIT, /* rootfs.upper + build → id; reference: the tag, or NULL */
        IMAGE_JOB_TAGS,   /* reference: a repository → ids: its tags in the registry */
} ImageJobKind;

typedef struct ImageJob ImageJob;
typedef void (*ImageJobDone)(ImageJob *j);

struct ImageJob {
        Manager *manager;
        ImageJobKind kind;
        sd_bus_message *request; /* replied to by done() */
        ImageJobDone done;

        /* inputs */
        char *reference;   /* pull: what to pull; import: the tag, or NULL */
        char *path;        /* import; login: the auth.json written */
        char *destination; /* push, or NULL for the image's own name */
        char *auth_file, *cert_dir;
        bool tls_verify;
        LayerCompression compression; /* push: CompressionFormat, or DETECT: as stored */
        bool has_credentials;         /* inline credentials (PullImage's Credentials option) */
        Credentials credentials;      /* secret: never logged */
        char *credentials_auth;       /* base64 "user:password" as given, decoded into credentials */
        char *credentials_server;     /* the host they are for, NULL: the image's registry */
        bool has_platform;            /* pull: PullImage's Platform option, else the host's */
        Platform platform;
        char **images; /* save */
        ImageArchiveFormat format;
        int fd;           /* save, load, build: the client's file or pipe (owned, closed with the job) */
        ImageBuild build; /* its strings are the ones below */
        char **changes;
        char *comment, *author, *base_id;
        ImageBuildRun run;      /* commit: the container's run-time config */
        char *paused_container; /* commit --pause: the container it paused, unpaused when done */
        RootfsPaths rootfs;     /* export, commit */

        /* shared with the worker */
        atomic_bool cancel;
        PullProgress progress;
        unsigned sent_generation;

        /* results, valid in done() */
        int result;
        char *error;
        char id[65];
        char **ids;
        PushResult pushed;

        pthread_t thread;
        bool thread_started;
        int event_fd;
        sd_event_source *event_source;
        ImageJob *next, *prev;
};

typedef struct ImageManager {
        ImageJob *jobs;
        sd_event_source *progress_timer;
} ImageManager;

int image_job_new(Manager *m, ImageJobKind kind, sd_bus_message *request, ImageJobDone done, ImageJob **ret);
/* Starts the worker; on success the job belongs to the manager until done() returns. */
int image_job_start(ImageJob *j);
ImageJob *image_job_free(ImageJob *j);
/* Cancels and joins every job (at shutdown); their requests get no reply. */
void image_jobs_abort_all(Manager *m);

/* Opens the image store (m->image_store) with the layer limits of the environment. */
int image_manager_start(Manager *m);
/* Cancels pulls in flight, waits for the workers, closes the store. */
void image_manager_free(Manager *m);
/* Sends PullProgress for every pull whose state changed. */
int image_jobs_send_progress(Manager *m);
