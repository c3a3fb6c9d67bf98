/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * image-archive-dbus.c — images as tarballs on the bus: a fourth vtable of io.conman1.Manager on
 * /io/conman1 with SaveImage (images → an fd the client passes) and LoadImage (an fd → images), both jobs
 * in worker threads. The client opens the files; conmand trusts no path. Root only: the bus policy lets
 * only root send them and each handler checks the sender again. Documented in dbus/io.conman1.Manager.xml.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "shared/bus-errors.h"
#include "shared/log.h"
#include "shared/util.h"
#include "image/save.h"
#include "daemon/container-archive.h"
#include "daemon/image-job.h"
#include "daemon/bus/bus-util.h"
#include "daemon/bus/image-dbus.h"

/* A copy of the message's fd, checked: readable (load) or writable (save), and a file, pipe or socket (or,
 * to load an OCI layout, a directory). */
int image_bus_take_fd(int fd, bool write, sd_bus_error *error, int *ret) {
        struct stat st;
        int flags;

        flags = fcntl(fd, F_GETFL);
        if (flags < 0 || fstat(fd, &st) < 0)
                return -errno;
        if (write ? (flags & O_ACCMODE) == O_RDONLY : (flags & O_ACCMODE) == O_WRONLY)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "The file descriptor is not open for %s.",
                                         write ? "writing" : "reading");
        if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode) &&
            (write || !S_ISDIR(st.st_mode)))
                return sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                        "Pass a regular file, a pipe or a socket.");
        *ret = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        return *ret < 0 ? -errno : 0;
}

/* Starts the job when r says the request was good; frees it otherwise. 1: the reply comes later. */
static int job_start_or_free(ImageJob *j, int r) {
        if (r >= 0)
                r = image_job_start(j);
        if (r < 0) {
                Container *c = j->paused_container
                                       ? manager_get_container_by_id(j->manager, j->paused_container)
                                       : NULL;
                if (c) /* a commit that paused its container and did not start */
                        container_thaw_if_paused(c);
                image_job_free(j);
                return r;
        }
        return 1;
}

static void on_save_done(ImageJob *j) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;

        if (j->result < 0) {
                log_warning("Save of %s failed: %s", j->images[0], j->error ?: strerror(-j->result));
                (void) image_bus_error(&error, j->result, "Cannot save", j->error);
                (void) sd_bus_reply_method_error(j->request, &error);
                return;
        }
        log_info("Saved %zu image(s) as %s.", strv_length(j->images),
                 image_archive_format_to_string(j->format));
        (void) sd_bus_reply_method_return(j->request, NULL);
}

static int method_save_image(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_strv_free_ char **images = NULL;
        Manager *m = userdata;
        ImageJob *j = NULL;
        const char *format;
        int r, fd;

        r = sd_bus_message_read(msg, "h", &fd);
        if (r >= 0)
                r = sd_bus_message_read_strv(msg, &images);
        if (r >= 0)
                r = sd_bus_message_read(msg, "s", &format);
        if (r < 0)
                return r;
        r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        if (strv_length(images) == 0)
                return sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                        "Name at least one image to save.");
        if (image_archive_format_from_string(isempty(format) ? "docker-archive" : format) < 0)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Unknown format \"%s\": docker-archive or oci-archive.", format);
        r = image_job_new(m, IMAGE_JOB_SAVE, msg, on_save_done, &j);
        if (r < 0)
                return r;
        j->format = image_archive_format_from_string(isempty(format) ? "docker-archive" : format);
        j->images = TAKE_PTR(images);
        r = image_bus_take_fd(fd, true, error, &j->fd);
        return job_start_or_free(j, r);
}

static void on_load_done(ImageJob *j) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;

        if (j->result < 0) {
                log_warning("Load failed: %s", j->error ?: strerror(-j->result));
                (void) image_bus_error(&error, j->result, "Cannot load", j->error);
                (void) sd_bus_reply_method_error(j->request, &error);
                return;
        }
        log_info("Loaded %zu image(s).", strv_length(j->ids));
        if (sd_bus_message_new_method_return(j->request, &reply) >= 0 &&
            sd_bus_message_append_strv(reply, j->ids) >= 0)
                (void) sd_bus_send(NULL, reply, NULL);
}

/* Reads "hs" (a tarball's fd and a tag), checks the sender and makes the job, which owns a copy of the fd. */
static int fd_job_new(Manager *m, sd_bus_message *msg, ImageJobKind kind, ImageJobDone done, ImageJob **ret,
                      sd_bus_error *error) {
        ImageJob *j = NULL;
        const char *tag;
        int r, fd;

        r = sd_bus_message_read(msg, "hs", &fd, &tag);
        if (r < 0)
                return r;
        r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        r = image_job_new(m, kind, msg, done, &j);
        if (r < 0)
                return r;
        if (!isempty(tag) && !(j->reference = strdup(tag)))
                r = -ENOMEM;
        if (r >= 0)
                r = image_bus_take_fd(fd, false, error, &j->fd);
        if (r < 0) {
                image_job_free(j);
                return r;
        }
        *ret = j;
        return 0;
}

static int method_load_image(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        ImageJob *j = NULL;
        int r;

        r = fd_job_new(userdata, msg, IMAGE_JOB_LOAD, on_load_done, &j, error);
        return r < 0 ? r : job_start_or_free(j, 0);
}

static void on_build_done(ImageJob *j) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;

        if (j->result < 0) {
                log_warning("Image from a tarball failed: %s", j->error ?: strerror(-j->result));
                (void) image_bus_error(&error, j->result, "Cannot make the image", j->error);
                (void) sd_bus_reply_method_error(j->request, &error);
                return;
        }
        log_info("Made image %s%s%s.", j->id, j->reference ? " as " : "", strempty(j->reference));
        (void) sd_bus_reply_method_return(j->request, "s", j->id);
}

/* A commit's end: the container it paused (--pause, as docker's default) runs on. */
static void on_commit_done(ImageJob *j) {
        Container *c =
                j->paused_container ? manager_get_container_by_id(j->manager, j->paused_container) : NULL;

        if (c)
                container_thaw_if_paused(c);
        on_build_done(j);
}

/* Pauses a running container for its commit, so that the layer is one moment of its files. */
static int pause_for_commit(Manager *m, const char *ref, ImageJob *j, sd_bus_error *error) {
        Container *c;
        int r = container_find(m, ref, &c, error);

        if (r < 0 || c->state != CONTAINER_RUNNING || c->paused)
                return r < 0 ? r : 0;
        r = container_pause(c, error);
        if (r < 0)
                return r;
        j->paused_container = strdup(c->id);
        if (!j->paused_container) {
                container_thaw_if_paused(c);
                return -ENOMEM;
        }
        return 0;
}

/* Reads a build's changes (as) and message (s) into the job. */
static int read_build(sd_bus_message *msg, ImageJob *j) {
        const char *message;
        int r;

        r = sd_bus_message_read_strv(msg, &j->changes);
        if (r >= 0)
                r = sd_bus_message_read(msg, "s", &message);
        if (r >= 0 && !isempty(message) && !(j->comment = strdup(message)))
                r = -ENOMEM;
        j->build.changes = j->changes;
        j->build.comment = j->comment;
        return r;
}

static int method_import_rootfs(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        ImageJob *j = NULL;
        int r;

        r = fd_job_new(userdata, msg, IMAGE_JOB_BUILD, on_build_done, &j, error);
        if (r < 0)
                return r;
        j->build.created_by = "conmanctl import";
        return job_start_or_free(j, read_build(msg, j));
}

static void on_export_done(ImageJob *j) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;

        if (j->result < 0) {
                log_warning("Export of %s failed: %s", j->reference, j->error ?: strerror(-j->result));
                (void) image_bus_error(&error, j->result, "Cannot export", j->error);
                (void) sd_bus_reply_method_error(j->request, &error);
                return;
        }
        log_info("Exported the root of container %s.", j->reference);
        (void) sd_bus_reply_method_return(j->request, NULL);
}

/* A job for the container ref with its root's paths; the container's name in j->destination. */
static int container_job_new(Manager *m, sd_bus_message *msg, const char *ref, ImageJobKind kind,
                             ImageJobDone done, ImageJob **ret, sd_bus_error *error) {
        Container *c;
        ImageJob *j;
        int r;

        r = container_find(m, ref, &c, error);
        if (r < 0)
                return r;
        r = image_job_new(m, kind, msg, done, &j);
        if (r < 0)
                return r;
        r = container_rootfs_paths(c, &j->rootfs, error);
        if (r >= 0 && !(j->destination = strdup(c->name)))
                r = -ENOMEM;
        if (r >= 0 && c->spec.image_id && !(j->base_id = strdup(c->spec.image_id)))
                r = -ENOMEM;
        if (r >= 0 && kind == IMAGE_JOB_COMMIT)
                r = container_build_run(c, &j->run);
        if (r < 0) {
                image_job_free(j);
                return r;
        }
        j->build.base_id = j->base_id;
        *ret = j;
        return 0;
}

static int method_export_container(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        ImageJob *j = NULL;
        const char *ref;
        int r, fd;

        r = sd_bus_message_read(msg, "sh", &ref, &fd);
        if (r < 0)
                return r;
        r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        r = container_job_new(m, msg, ref, IMAGE_JOB_EXPORT, on_export_done, &j, error);
        if (r < 0)
                return r;
        j->reference = strdup(j->destination);
        r = j->reference ? image_bus_take_fd(fd, true, error, &j->fd) : -ENOMEM;
        return job_start_or_free(j, r);
}

static int method_commit_container(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        ImageJob *j = NULL;
        const char *ref, *tag, *author;
        int r, pause;

        r = sd_bus_message_read(msg, "ss", &ref, &tag);
        if (r < 0)
                return r;
        r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        r = container_job_new(m, msg, ref, IMAGE_JOB_COMMIT, on_commit_done, &j, error);
        if (r < 0)
                return r;
        if (!j->base_id)
                r = sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                      "Container %s runs from a --rootfs directory, not an image: nothing to "
                                      "commit on; use 'conmanctl export' and 'conmanctl import'.",
                                      j->destination);
        if (r >= 0)
                r = read_build(msg, j);
        if (r >= 0)
                r = sd_bus_message_read(msg, "sb", &author, &pause);
        if (r >= 0 && !isempty(author) && !(j->author = strdup(author)))
                r = -ENOMEM;
        if (r >= 0 && !isempty(tag) && !(j->reference = strdup(tag)))
                r = -ENOMEM;
        j->build.author = j->author;
        j->build.created_by = "conmanctl commit";
        j->build.run = &j->run;
        if (r >= 0 && pause)
                r = pause_for_commit(m, ref, j, error);
        return job_start_or_free(j, r);
}

static const sd_bus_vtable image_archive_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("SaveImage", SD_BUS_ARGS("h", fd, "as", images, "s", format),
                                SD_BUS_NO_RESULT, method_save_image, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("LoadImage", SD_BUS_ARGS("h", fd, "s", reference), SD_BUS_RESULT("as", ids),
                                method_load_image, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ImportRootfs",
                                SD_BUS_ARGS("h", fd, "s", reference, "as", changes, "s", message),
                                SD_BUS_RESULT("s", id), method_import_rootfs, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ExportContainer", SD_BUS_ARGS("s", container, "h", fd), SD_BUS_NO_RESULT,
                                method_export_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("CommitContainer",
                                SD_BUS_ARGS("s", container, "s", reference, "as", changes, "s", message, "s",
                                            author, "b", pause),
                                SD_BUS_RESULT("s", id), method_commit_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

int image_archive_bus_export(Manager *m) {
        return sd_bus_add_object_vtable(m->bus, NULL, "/io/conman1", "io.conman1.Manager",
                                        image_archive_vtable, m);
}
