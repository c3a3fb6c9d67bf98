/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * image-dbus.c — images on the bus (see image-dbus.h). Handlers parse, validate,
 * authorize, call the store (or start a job) and reply. Documented in
 * dbus/io.conman1.Manager.xml and dbus/io.conman1.Image.xml.
 */
#include "daemon/bus/image-dbus.h"
#include "shared/bus-errors.h"
#include "shared/log.h"
#include "shared/util.h"
#include "image/import.h"
#include "image/registry.h"
#include "image/store.h"
#include "daemon/image-history.h"
#include "daemon/image-job.h"
#include "daemon/bus/bus-util.h"

#define IMAGE_PREFIX "/io/conman1/image"

/* Picks the named error for a failed store/pull/import call; message is for people. */
int image_bus_error(sd_bus_error *error, int r, const char *what, const char *message) {
        static const struct {
                int errnum;
                const char *name;
        } table[] = {
                { EINVAL, CONMAN_ERROR_INVALID_ARGUMENT },
                { ENOENT, CONMAN_ERROR_NO_SUCH_IMAGE },
                { ENOTUNIQ, CONMAN_ERROR_AMBIGUOUS },
                { EACCES, CONMAN_ERROR_AUTHENTICATION_FAILED },
                { EBADMSG, CONMAN_ERROR_IMAGE_VERIFICATION_FAILED },
                { EXDEV, CONMAN_ERROR_IMAGE_VERIFICATION_FAILED },
                { EPROTONOSUPPORT, CONMAN_ERROR_UNSUPPORTED_IMAGE },
                { EMEDIUMTYPE, CONMAN_ERROR_UNSUPPORTED_IMAGE },
                { EHOSTUNREACH, CONMAN_ERROR_REGISTRY_UNAVAILABLE },
                { ECONNREFUSED, CONMAN_ERROR_REGISTRY_UNAVAILABLE },
                { ETIMEDOUT, CONMAN_ERROR_REGISTRY_UNAVAILABLE },
                { EPROTO, CONMAN_ERROR_REGISTRY_UNAVAILABLE },
                { EBUSY, CONMAN_ERROR_BUSY },
                { ENOSPC, CONMAN_ERROR_NO_SPACE },
        };
        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (-r == table[i].errnum)
                        return sd_bus_error_setf(error, table[i].name, "%s: %s", what,
                                                 message ?: strerror(-r));
        return sd_bus_error_set_errnof(error, r, "%s: %s", what, message ?: strerror(-r));
}

static int image_object_path(const char *id, char **ret) {
        return sd_bus_path_encode(IMAGE_PREFIX, id, ret);
}

static void on_pull_done(ImageJob *j) {
        _cleanup_free_ char *path = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r = j->result;

        if (r >= 0)
                r = image_object_path(j->id, &path);
        if (r < 0) {
                log_warning("Pull of %s failed: %s", j->reference, j->error ?: strerror(-r));
                (void) image_bus_error(&error, r, "Cannot pull image", j->error);
                (void) sd_bus_reply_method_error(j->request, &error);
                return;
        }
        log_info("Pulled %s as %.12s.", j->reference, j->id);
        (void) sd_bus_reply_method_return(j->request, "so", j->id, path);
}

static int credential_field(const char *key, ImageJob *j, char ***ret) {
        static const char *const keys[] = { "Username",      "Password",      "Auth",
                                            "IdentityToken", "RegistryToken", "ServerAddress" };
        char **fields[] = { &j->credentials.user,           &j->credentials.password,
                            &j->credentials_auth,           &j->credentials.identity_token,
                            &j->credentials.registry_token, &j->credentials_server };

        for (size_t i = 0; i < ELEMENTSOF(keys); i++)
                if (streq(key, keys[i]))
                        return *ret = fields[i], 0;
        return -ENOENT;
}

/* Auth is base64("user:password"); a user needs a password; an identity token stands alone. */
static int check_pull_credentials(ImageJob *j, sd_bus_error *error) {
        Credentials decoded = {};

        if (j->credentials_auth) {
                if (j->credentials.user || j->credentials.password)
                        return sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                                "Credentials: give Auth or Username and Password, not both.");
                if (auth_decode(j->credentials_auth, &decoded) < 0)
                        return sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                                "Credentials: Auth is not base64 of \"user:password\".");
                j->credentials.user = TAKE_PTR(decoded.user);
                j->credentials.password = TAKE_PTR(decoded.password);
        }
        if (!j->credentials.user != !j->credentials.password)
                return sd_bus_error_set(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                        "Credentials: Username and Password go together.");
        return 0;
}

/* Credentials a{sv}: inline registry credentials (CRI's AuthConfig). Never logged, never echoed. */
static int read_pull_credentials(sd_bus_message *msg, ImageJob *j, sd_bus_error *error) {
        int r;

        r = sd_bus_message_enter_container(msg, 'v', "a{sv}");
        if (r >= 0)
                r = sd_bus_message_enter_container(msg, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(msg, 'e', "sv")) > 0) {
                const char *key, *s;
                char **field;

                r = sd_bus_message_read(msg, "s", &key);
                if (r < 0)
                        return r;
                if (credential_field(key, j, &field) < 0)
                        return sd_bus_error_setf(
                                error, CONMAN_ERROR_INVALID_ARGUMENT,
                                "Unknown credential \"%s\" (known: Username, Password, Auth, "
                                "IdentityToken, RegistryToken, ServerAddress).",
                                key);
                r = sd_bus_message_read(msg, "v", "s", &s);
                if (r < 0)
                        return r;
                if (strlen(s) > 64 * 1024)
                        return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT, "%s is too long.",
                                                 key);
                if (!isempty(s) && free_and_strdup(field, s) < 0)
                        return -ENOMEM;
                r = sd_bus_message_exit_container(msg);
                if (r < 0)
                        return r;
        }
        if (r >= 0)
                r = sd_bus_message_exit_container(msg);
        if (r >= 0)
                r = sd_bus_message_exit_container(msg);
        return r < 0 ? r : check_pull_credentials(j, error);
}

/* Platform s: "OS/ARCH[/VARIANT]" as docker's --platform, pulls only. */
static int read_pull_platform(sd_bus_message *msg, ImageJob *j, sd_bus_error *error) {
        const char *s;
        int r;

        r = sd_bus_message_read(msg, "v", "s", &s);
        if (r < 0)
                return r;
        if (isempty(s))
                return 0;
        if (platform_parse(s, &j->platform) < 0)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Platform \"%.100s\" is not OS/ARCH[/VARIANT] (e.g. linux/arm64, "
                                         "linux/arm/v7).",
                                         s);
        j->has_platform = true;
        return 0;
}

/* PushImage's CompressionFormat: "gzip" or "zstd". */
static int read_compression(sd_bus_message *msg, ImageJob *j, sd_bus_error *error) {
        const char *s;
        int r;

        r = sd_bus_message_read(msg, "v", "s", &s);
        if (r < 0)
                return r;
        j->compression = layer_compression_from_string(s);
        if (j->compression != LAYER_COMPRESSION_GZIP && j->compression != LAYER_COMPRESSION_ZSTD)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Unknown CompressionFormat \"%s\" (known: gzip, zstd).", s);
        return 0;
}

int image_bus_read_options(sd_bus_message *msg, ImageJob *j, sd_bus_error *error) {
        int r;

        r = sd_bus_message_enter_container(msg, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(msg, 'e', "sv")) > 0) {
                const char *key, *s;
                int b;

                r = sd_bus_message_read(msg, "s", &key);
                if (r < 0)
                        return r;
                if (streq(key, "TlsVerify")) {
                        r = sd_bus_message_read(msg, "v", "b", &b);
                        j->tls_verify = b;
                } else if (streq(key, "AuthFile") || streq(key, "CertDir")) {
                        r = sd_bus_message_read(msg, "v", "s", &s);
                        if (r >= 0 && !isempty(s) && s[0] != '/')
                                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                                         "%s must be an absolute path, got \"%s\".", key, s);
                        if (r >= 0 && !isempty(s) &&
                            !(*(streq(key, "AuthFile") ? &j->auth_file : &j->cert_dir) = strdup(s)))
                                return -ENOMEM;
                } else if (streq(key, "Platform") && j->kind == IMAGE_JOB_PULL) {
                        r = read_pull_platform(msg, j, error);
                        if (r < 0)
                                return r;
                } else if (streq(key, "CompressionFormat") && j->kind == IMAGE_JOB_PUSH) {
                        r = read_compression(msg, j, error);
                        if (r < 0)
                                return r;
                } else if (streq(key, "Credentials")) {
                        r = read_pull_credentials(msg, j, error);
                        if (r < 0)
                                return r;
                        j->has_credentials = j->credentials.user || j->credentials.identity_token ||
                                             j->credentials.registry_token;
                } else
                        return sd_bus_error_setf(
                                error, CONMAN_ERROR_INVALID_ARGUMENT,
                                "Unknown pull option \"%s\" (known: TlsVerify, AuthFile, CertDir, "
                                "Credentials; PullImage also Platform, PushImage also CompressionFormat).",
                                key);
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(msg);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(msg);
}

int image_bus_start_job(Manager *m, sd_bus_message *msg, ImageJobKind kind, ImageJobDone done,
                        const char *reference, sd_bus_error *error) {
        ImageJob *j = NULL;
        int r;

        r = image_job_new(m, kind, msg, done, &j);
        if (r < 0)
                return r;
        if (!(j->reference = strdup(reference)))
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

static int method_pull_image(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *ref;
        int r;

        r = sd_bus_message_read(msg, "s", &ref);
        if (r < 0)
                return r;
        r = image_bus_start_job(m, msg, IMAGE_JOB_PULL, on_pull_done, ref, error);
        if (r > 0)
                log_info("Pulling %s.", ref);
        return r;
}

static void on_import_done(ImageJob *j) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;

        if (j->result < 0) {
                log_warning("Import of %s failed: %s", j->path, j->error ?: strerror(-j->result));
                (void) image_bus_error(&error, j->result, "Cannot import image", j->error);
                (void) sd_bus_reply_method_error(j->request, &error);
                return;
        }
        log_info("Imported %zu image(s) from %s.", strv_length(j->ids), j->path);
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        if (sd_bus_message_new_method_return(j->request, &reply) >= 0 &&
            sd_bus_message_append_strv(reply, j->ids) >= 0)
                (void) sd_bus_send(NULL, reply, NULL);
}

static int method_import_image(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        ImageJob *j = NULL;
        const char *path, *tag;
        int r;

        r = sd_bus_message_read(msg, "ss", &path, &tag);
        if (r < 0)
                return r;
        if (isempty(path) || path[0] != '/')
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Give the archive or OCI layout as an absolute path, got \"%s\".",
                                         path);
        r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        r = image_job_new(m, IMAGE_JOB_IMPORT, msg, on_import_done, &j);
        if (r < 0)
                return r;
        j->path = strdup(path);
        j->reference = isempty(tag) ? NULL : strdup(tag);
        r = !j->path || (!isempty(tag) && !j->reference) ? -ENOMEM : image_job_start(j);
        if (r < 0) {
                image_job_free(j);
                return r;
        }
        return 1;
}

static int append_image(sd_bus_message *reply, const ImageRecord *r) {
        _cleanup_free_ char *path = NULL;
        int k;

        k = image_object_path(r->id, &path);
        if (k >= 0)
                k = sd_bus_message_open_container(reply, 'r', "sasstto");
        if (k >= 0)
                k = sd_bus_message_append(reply, "s", r->id);
        if (k >= 0)
                k = sd_bus_message_append_strv(reply, r->repo_tags);
        if (k >= 0)
                k = sd_bus_message_append(reply, "stto", strempty(r->manifest_digest), r->size,
                                          r->created_usec, path);
        if (k >= 0)
                k = sd_bus_message_close_container(reply);
        return k;
}

static int method_list_images(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = userdata;
        ImageRecord **l = NULL;
        size_t n = 0;
        int r;

        r = image_store_list(m->image_store, &l, &n);
        if (r < 0)
                return r;
        r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(sasstto)");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = append_image(reply, l[i]);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        image_record_list_free(l, n);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

/* The image a method's first argument names, and its config (NULL when unreadable). Sets error for an
 * unknown image. */
static int read_image_arg(sd_bus_message *msg, Manager *m, ImageRecord **ret, char **ret_config,
                          size_t *ret_size, sd_bus_error *error) {
        const char *ref;
        int r;

        r = sd_bus_message_read(msg, "s", &ref);
        if (r < 0)
                return r;
        r = image_store_find(m->image_store, ref, ret);
        if (r < 0)
                return image_bus_error(error, r, ref,
                                       r == -ENOENT ? "no such image; see 'conmanctl images'" : NULL);
        (void) image_store_read_config(m->image_store, (*ret)->id, ret_config, ret_size);
        return 0;
}

static int method_inspect_image(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(image_record_freep) ImageRecord *rec = NULL;
        _cleanup_json_ struct json_object *j = NULL;
        _cleanup_free_ char *config = NULL;
        size_t size = 0;
        int r;

        r = read_image_arg(msg, userdata, &rec, &config, &size, error);
        if (r >= 0)
                r = image_record_to_json(rec, config, size, &j);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(
                msg, "s",
                json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* docker's GET /images/NAME/history: rows newest first, sizes from the unpacked layers. */
static int method_image_history(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(image_record_freep) ImageRecord *rec = NULL;
        _cleanup_json_ struct json_object *rows = NULL;
        _cleanup_free_ uint64_t *sizes = NULL;
        _cleanup_free_ char *config = NULL;
        Manager *m = userdata;
        size_t size = 0, n;
        int r;

        r = read_image_arg(msg, m, &rec, &config, &size, error);
        if (r < 0)
                return r;
        n = strv_length(rec->diff_ids);
        sizes = calloc(n + 1, sizeof(uint64_t));
        if (!sizes)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                (void) image_store_layer_size(m->image_store, rec->diff_ids[i], &sizes[i]);
        r = image_history_build(config, rec->id, rec->repo_tags, sizes, n, &rows);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(msg, "s",
                                          json_object_to_json_string_ext(rows, JSON_C_TO_STRING_PLAIN));
}

static int method_remove_image(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_strv_free_ char **untagged = NULL, **deleted = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = userdata;
        const char *ref;
        int force, r;

        r = sd_bus_message_read(msg, "sb", &ref, &force);
        if (r < 0)
                return r;
        r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        r = image_store_remove(m->image_store, ref, force, &untagged, &deleted);
        if (r == -EBUSY)
                return sd_bus_error_setf(error, CONMAN_ERROR_BUSY,
                                         "Image %s is used by a container; remove the container first, or "
                                         "force (-f) to only untag it.",
                                         ref);
        if (r < 0)
                return image_bus_error(error, r, ref,
                                       r == -ENOENT ? "no such image; see 'conmanctl images'" : NULL);
        log_info("Removed image %s.", ref);
        r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_append_strv(reply, untagged);
        if (r >= 0)
                r = sd_bus_message_append_strv(reply, deleted);
        return r < 0 ? r : sd_bus_send(NULL, reply, NULL);
}

static int method_prune_images(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_strv_free_ char **deleted = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = userdata;
        uint64_t reclaimed = 0;
        int r;

        r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        r = image_store_prune(m->image_store, &deleted, &reclaimed);
        if (r == -EBUSY)
                return sd_bus_error_set(error, CONMAN_ERROR_BUSY,
                                        "A pull or import is running; prune when it is done.");
        if (r < 0)
                return r;
        r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_append_strv(reply, deleted);
        if (r >= 0)
                r = sd_bus_message_append(reply, "t", reclaimed);
        return r < 0 ? r : sd_bus_send(NULL, reply, NULL);
}

static const sd_bus_vtable image_manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("PullImage", SD_BUS_ARGS("s", reference, "a{sv}", options),
                                SD_BUS_RESULT("s", id, "o", path), method_pull_image,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ImportImage", SD_BUS_ARGS("s", path, "s", reference),
                                SD_BUS_RESULT("as", ids), method_import_image, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ListImages", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(sasstto)", images),
                                method_list_images, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("InspectImage", SD_BUS_ARGS("s", image), SD_BUS_RESULT("s", json),
                                method_inspect_image, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ImageHistory", SD_BUS_ARGS("s", image), SD_BUS_RESULT("s", json),
                                method_image_history, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("RemoveImage", SD_BUS_ARGS("s", image, "b", force),
                                SD_BUS_RESULT("as", untagged, "as", deleted), method_remove_image,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("PruneImages", SD_BUS_NO_ARGS,
                                SD_BUS_RESULT("as", deleted, "t", reclaimed_bytes), method_prune_images,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_ARGS("PullProgress", SD_BUS_ARGS("s", reference, "a(stt)", layers), 0),
        SD_BUS_VTABLE_END,
};

/* io.conman1.Image objects: userdata is the Manager; the id comes from the path. */
static int image_object_find(sd_bus *bus, const char *path, const char *interface, void *userdata,
                             void **found, sd_bus_error *error) {
        _cleanup_free_ char *id = NULL;
        _cleanup_(image_record_freep) ImageRecord *r = NULL;
        Manager *m = userdata;

        if (sd_bus_path_decode(path, IMAGE_PREFIX, &id) <= 0 || !digest_hex_is_valid(id))
                return 0;
        if (image_store_find(m->image_store, id, &r) < 0)
                return 0;
        *found = m;
        return 1;
}

static int image_node_enumerator(sd_bus *bus, const char *path, void *userdata, char ***nodes,
                                 sd_bus_error *error) {
        _cleanup_strv_free_ char **l = calloc(1, sizeof(char *));
        Manager *m = userdata;
        ImageRecord **images = NULL;
        size_t n = 0;
        int r;

        if (!l)
                return -ENOMEM;
        r = image_store_list(m->image_store, &images, &n);
        for (size_t i = 0; r >= 0 && i < n; i++) {
                char *p;
                r = image_object_path(images[i]->id, &p);
                if (r >= 0)
                        r = strv_push_take(&l, p);
        }
        image_record_list_free(images, n);
        if (r < 0)
                return r;
        *nodes = TAKE_PTR(l);
        return 1;
}

static int image_record_for_path(Manager *m, const char *path, ImageRecord **ret, sd_bus_error *error) {
        _cleanup_free_ char *id = NULL;
        int r;

        r = sd_bus_path_decode(path, IMAGE_PREFIX, &id);
        if (r <= 0)
                return -ENOENT;
        r = image_store_find(m->image_store, id, ret);
        if (r < 0)
                return sd_bus_error_setf(error, CONMAN_ERROR_NO_SUCH_IMAGE, "Image %s is gone.", id);
        return 0;
}

static int property_get_image(sd_bus *bus, const char *path, const char *interface, const char *property,
                              sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        _cleanup_(image_record_freep) ImageRecord *r = NULL;
        int k;

        k = image_record_for_path(userdata, path, &r, error);
        if (k < 0)
                return k;
        if (streq(property, "Id"))
                return sd_bus_message_append(reply, "s", r->id);
        if (streq(property, "Digest"))
                return sd_bus_message_append(reply, "s", strempty(r->manifest_digest));
        if (streq(property, "Size"))
                return sd_bus_message_append(reply, "t", r->size);
        if (streq(property, "Created"))
                return sd_bus_message_append(reply, "t", r->created_usec);
        if (streq(property, "RepoTags"))
                return sd_bus_message_append_strv(reply, r->repo_tags);
        if (streq(property, "RepoDigests"))
                return sd_bus_message_append_strv(reply, r->repo_digests);
        if (streq(property, "Layers"))
                return sd_bus_message_append_strv(reply, r->diff_ids);
        if (streq(property, "Platform")) {
                char buf[PLATFORM_STRING_MAX];
                return sd_bus_message_append(reply, "s",
                                             r->platform.os[0] ? platform_to_string(&r->platform, buf) : "");
        }
        return -EINVAL;
}

static const sd_bus_vtable image_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Id", "s", property_get_image, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("RepoTags", "as", property_get_image, 0, 0),
        SD_BUS_PROPERTY("RepoDigests", "as", property_get_image, 0, 0),
        SD_BUS_PROPERTY("Digest", "s", property_get_image, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Size", "t", property_get_image, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Created", "t", property_get_image, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Layers", "as", property_get_image, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Platform", "s", property_get_image, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_VTABLE_END,
};

int image_bus_export(Manager *m) {
        int r;

        r = sd_bus_add_object_vtable(m->bus, NULL, "/io/conman1", "io.conman1.Manager", image_manager_vtable,
                                     m);
        if (r >= 0)
                r = image_push_bus_export(m);
        if (r >= 0)
                r = image_archive_bus_export(m);
        if (r >= 0)
                r = sd_bus_add_fallback_vtable(m->bus, NULL, IMAGE_PREFIX, "io.conman1.Image", image_vtable,
                                               image_object_find, m);
        if (r >= 0)
                r = sd_bus_add_node_enumerator(m->bus, NULL, IMAGE_PREFIX, image_node_enumerator, m);
        return r;
}
