/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * image-push-dbus.c — images out of the store on the bus: a third vtable of io.conman1.Manager on
 * /io/conman1 with TagImage, UntagImage, PushImage (a job, with PushProgress signals), LoginRegistry (a job:
 * it waits on the registry), LogoutRegistry and ListRegistryTags (a job, for pull --all-tags). All are for
 * root: the bus policy lets only root send them and each handler checks the sender again. Documented in
 * dbus/io.conman1.Manager.xml.
 */
#include "shared/bus-errors.h"
#include "shared/log.h"
#include "shared/names.h"
#include "shared/util.h"
#include "image/login.h"
#include "image/store.h"
#include "daemon/image-job.h"
#include "daemon/bus/bus-util.h"
#include "daemon/bus/image-dbus.h"

static int method_tag_image(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char *tag = NULL;
        Manager *m = userdata;
        const char *source, *target;
        int r;

        r = sd_bus_message_read(msg, "ss", &source, &target);
        if (r < 0)
                return r;
        r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        r = image_store_tag(m->image_store, source, target, &tag);
        if (r == -EINVAL)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "\"%s\" is not a valid tag (NAME[:TAG], no digest).", target);
        if (r < 0)
                return image_bus_error(error, r, source,
                                       r == -ENOENT ? "no such image; see 'conmanctl images'" : NULL);
        log_info("Tagged %s as %s.", source, tag);
        return sd_bus_reply_method_return(msg, "s", tag);
}

static int method_untag_image(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char *tag = NULL;
        Manager *m = userdata;
        const char *name;
        int r;

        r = sd_bus_message_read(msg, "s", &name);
        if (r < 0)
                return r;
        r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        r = image_store_untag(m->image_store, name, &tag);
        if (r == -EINVAL)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "\"%s\" is not a tag (NAME[:TAG]).", name);
        if (r < 0)
                return image_bus_error(error, r, name, r == -ENOENT ? "no image has this tag" : NULL);
        log_info("Untagged %s.", tag);
        return sd_bus_reply_method_return(msg, "s", tag);
}

static void on_push_done(ImageJob *j) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        PushResult *p = &j->pushed;

        if (j->result < 0) {
                log_warning("Push of %s failed: %s", j->reference, j->error ?: strerror(-j->result));
                (void) image_bus_error(&error, j->result, "Cannot push image", j->error);
                (void) sd_bus_reply_method_error(j->request, &error);
                return;
        }
        log_info("Pushed %s to %s (%s): %u blob(s) uploaded, %u mounted, %u already there.", j->reference,
                 p->destination, p->digest, p->uploaded, p->mounted, p->skipped);
        (void) sd_bus_reply_method_return(j->request, "ssuuu", p->digest, p->destination, p->uploaded,
                                          p->mounted, p->skipped);
}

static int method_push_image(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        ImageJob *j = NULL;
        const char *image, *destination;
        int r;

        r = sd_bus_message_read(msg, "ss", &image, &destination);
        if (r < 0)
                return r;
        r = image_job_new(m, IMAGE_JOB_PUSH, msg, on_push_done, &j);
        if (r < 0)
                return r;
        if (!(j->reference = strdup(image)) ||
            (!isempty(destination) && !(j->destination = strdup(destination))))
                r = -ENOMEM;
        if (r >= 0)
                r = image_bus_read_options(msg, j, error);
        if (r >= 0 && j->has_credentials)
                r = sd_bus_error_set(
                        error, CONMAN_ERROR_INVALID_ARGUMENT,
                        "PushImage takes no inline Credentials; log in (LoginRegistry) instead.");
        if (r >= 0)
                r = bus_verify_root(msg, error);
        if (r >= 0)
                r = image_job_start(j);
        if (r < 0) {
                image_job_free(j);
                return r;
        }
        log_info("Pushing %s%s%s.", image, j->destination ? " to " : "", strempty(j->destination));
        return 1;
}

static void on_login_done(ImageJob *j) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;

        if (j->result < 0) {
                log_warning("Login to %s failed: %s", j->reference, j->error ?: strerror(-j->result));
                (void) image_bus_error(&error, j->result, "Cannot log in", j->error);
                (void) sd_bus_reply_method_error(j->request, &error);
                return;
        }
        log_info("Logged in to %s as %s; credentials in %s.", j->reference, j->credentials.user, j->path);
        (void) sd_bus_reply_method_return(j->request, "s", j->path);
}

static int method_login_registry(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        ImageJob *j = NULL;
        const char *registry, *user, *password;
        int r;

        r = sd_bus_message_read(msg, "sss", &registry, &user, &password);
        if (r < 0)
                return r;
        if (isempty(user) || strchr(user, ':') || isempty(password) || strlen(password) > 64 * 1024)
                return sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                        "Give a user name (without ':') and a password.");
        r = image_job_new(m, IMAGE_JOB_LOGIN, msg, on_login_done, &j);
        if (r < 0)
                return r;
        if (!(j->reference = strdup(registry)) || !(j->credentials.user = strdup(user)) ||
            !(j->credentials.password = strdup(password)))
                r = -ENOMEM;
        if (r >= 0)
                r = image_bus_read_options(msg, j, error);
        if (r >= 0)
                r = bus_verify_root(msg, error);
        if (r >= 0)
                r = image_job_start(j);
        if (r < 0) {
                image_job_free(j);
                return r;
        }
        return 1;
}

static int method_logout_registry(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char *path = NULL;
        const char *registry, *auth_file;
        int r;

        r = sd_bus_message_read(msg, "ss", &registry, &auth_file);
        if (r < 0)
                return r;
        if (!isempty(auth_file) && auth_file[0] != '/')
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "AuthFile must be an absolute path, got \"%s\".", auth_file);
        r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        r = registry_logout(registry, isempty(auth_file) ? NULL : auth_file, &path);
        if (r == -ENOENT)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT, "Not logged in to %s.",
                                         registry);
        if (r < 0)
                return image_bus_error(error, r, registry, NULL);
        log_info("Logged out of %s.", registry);
        return sd_bus_reply_method_return(msg, "s", path);
}

static void on_tags_done(ImageJob *j) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;

        if (j->result < 0) {
                log_warning("Listing the tags of %s failed: %s", j->reference,
                            j->error ?: strerror(-j->result));
                (void) image_bus_error(&error, j->result, "Cannot list tags", j->error);
                (void) sd_bus_reply_method_error(j->request, &error);
                return;
        }
        if (sd_bus_message_new_method_return(j->request, &reply) >= 0 &&
            sd_bus_message_append_strv(reply, j->ids) >= 0)
                (void) sd_bus_send(NULL, reply, NULL);
}

/* The tags of a repository in its registry (pull --all-tags): root only, as it uses root's credentials. */
static int method_list_registry_tags(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        const char *repository;
        int r;

        r = sd_bus_message_read(msg, "s", &repository);
        if (r < 0)
                return r;
        if (image_name_has_tag_or_digest(repository))
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "\"%.200s\": give a repository without tag or digest.", repository);
        return image_bus_start_job(userdata, msg, IMAGE_JOB_TAGS, on_tags_done, repository, error);
}

static const sd_bus_vtable image_push_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("TagImage", SD_BUS_ARGS("s", image, "s", tag), SD_BUS_RESULT("s", tag),
                                method_tag_image, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("UntagImage", SD_BUS_ARGS("s", tag), SD_BUS_RESULT("s", tag),
                                method_untag_image, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "PushImage", SD_BUS_ARGS("s", image, "s", destination, "a{sv}", options),
                SD_BUS_RESULT("s", digest, "s", destination, "u", uploaded, "u", mounted, "u", skipped),
                method_push_image, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "LoginRegistry", SD_BUS_ARGS("s", registry, "s", username, "s", password, "a{sv}", options),
                SD_BUS_RESULT("s", auth_file), method_login_registry, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("LogoutRegistry", SD_BUS_ARGS("s", registry, "s", auth_file),
                                SD_BUS_RESULT("s", auth_file), method_logout_registry,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ListRegistryTags", SD_BUS_ARGS("s", repository, "a{sv}", options),
                                SD_BUS_RESULT("as", tags), method_list_registry_tags,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_ARGS("PushProgress", SD_BUS_ARGS("s", destination, "a(stt)", blobs), 0),
        SD_BUS_VTABLE_END,
};

int image_push_bus_export(Manager *m) {
        return sd_bus_add_object_vtable(m->bus, NULL, "/io/conman1", "io.conman1.Manager", image_push_vtable,
                                        m);
}
