/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * image.c — the ImageService: ListImages, ImageStatus, PullImage, RemoveImage, ImageFsInfo over conmand's
 * image store, through its D-Bus API (ListImages, InspectImage, PullImage, RemoveImage on
 * io.conman1.Manager) from the worker's own bus connection.
 *
 * Pulls go through conmand, so through the mirrors of /etc/conman/registries.d (conman-registries.d(5)):
 * an image pulled from a mirror keeps its original name. CRI's AuthConfig becomes PullImage's Credentials
 * option (never logged). An image id is "sha256:<hex>" towards CRI; conmand takes that form too.
 */
#include <errno.h>
#include <ftw.h>
#include <json-c/json.h>
#include <limits.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "conman-config.h"
#include "shared/json-util.h"
#include "shared/util.h"
#include "image/reference.h"
#include "cri/cri.h"
#include "cri/image.h"

#define CONMAN_BUS_NAME      "io.conman1"
#define CONMAN_BUS_PATH      "/io/conman1"
#define CONMAN_MANAGER_IFACE "io.conman1.Manager"
#define PULL_TIMEOUT_USEC    (30ULL * 60 * USEC_PER_SEC) /* without a grpc-timeout */
#define IMAGE_STORE_DIR      CONMAN_STATE_DIR "/images"
#define ID_PREFIX_MIN        4

/* --- the pure parts (image.h) --- */

int cri_image_user(const char *user, bool *ret_has_uid, int64_t *ret_uid, char **ret_username) {
        _cleanup_free_ char *name = NULL;
        uint64_t uid;

        *ret_has_uid = false;
        *ret_uid = 0;
        *ret_username = NULL;
        if (isempty(user))
                return 0;
        name = strndup(user, strcspn(user, ":"));
        if (!name)
                return -ENOMEM;
        if (name[0] && strspn(name, "0123456789") == strlen(name) && safe_atou64(name, &uid) >= 0 &&
            uid <= INT64_MAX) {
                *ret_has_uid = true;
                *ret_uid = (int64_t) uid;
                return 0;
        }
        if (name[0])
                *ret_username = TAKE_PTR(name);
        return 0;
}

/* A JSON array of strings as a malloc()ed repeated field. */
static int strv_from_json(struct json_object *j, const char *key, char ***ret, size_t *ret_n) {
        struct json_object *a;
        size_t n;

        *ret = NULL;
        *ret_n = 0;
        if (!json_object_object_get_ex(j, key, &a) || !json_object_is_type(a, json_type_array))
                return 0;
        n = json_object_array_length(a);
        if (n == 0)
                return 0;
        *ret = calloc(n, sizeof(char *));
        if (!*ret)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                struct json_object *e = json_object_array_get_idx(a, i);
                if (!json_object_is_type(e, json_type_string))
                        continue;
                if (!((*ret)[*ret_n] = strdup(json_object_get_string(e))))
                        return -ENOMEM;
                (*ret_n)++;
        }
        return 0;
}

/* The image config's "config" object (User, Env, ...), or NULL. */
static struct json_object *image_runtime_config(struct json_object *doc) {
        struct json_object *config, *inner;

        if (json_object_object_get_ex(doc, "config", &config) &&
            json_object_is_type(config, json_type_object) &&
            json_object_object_get_ex(config, "config", &inner) &&
            json_object_is_type(inner, json_type_object))
                return inner;
        return NULL;
}

static int image_set_user(Runtime__V1__Image *img, struct json_object *doc) {
        struct json_object *rc = image_runtime_config(doc), *u;
        _cleanup_free_ char *username = NULL;
        bool has_uid;
        int64_t uid;
        int r;

        if (!rc || !json_object_object_get_ex(rc, "User", &u) || !json_object_is_type(u, json_type_string))
                return 0;
        r = cri_image_user(json_object_get_string(u), &has_uid, &uid, &username);
        if (r < 0)
                return r;
        if (has_uid) {
                img->uid = malloc(sizeof(*img->uid));
                if (!img->uid)
                        return -ENOMEM;
                runtime__v1__int64_value__init(img->uid);
                img->uid->value = uid;
        }
        if (username)
                img->username = TAKE_PTR(username);
        return 0;
}

static char *image_info_json(struct json_object *doc) {
        _cleanup_json_ struct json_object *info = json_object_new_object();
        static const char *const keys[] = { "id",     "manifestDigest", "repoTags", "repoDigests",
                                            "layers", "size",           "createdAt" };
        struct json_object *v;

        if (!info)
                return NULL;
        for (size_t i = 0; i < ELEMENTSOF(keys); i++)
                if (json_object_object_get_ex(doc, keys[i], &v))
                        json_object_object_add(info, keys[i], json_object_get(v));
        if (json_object_object_get_ex(doc, "config", &v))
                json_object_object_add(info, "imageSpec", json_object_get(v));
        return strdup(json_object_to_json_string_ext(info, JSON_C_TO_STRING_PLAIN |
                                                                   JSON_C_TO_STRING_NOSLASHESCAPE));
}

static int image_build(struct json_object *doc, Runtime__V1__Image *img) {
        _cleanup_free_ char *id = NULL;
        int r;

        r = json_get_string(doc, "id", &id);
        if (r < 0 || !id || strlen(id) != 64)
                return r == -ENOMEM ? r : -EBADMSG;
        if (asprintf(&img->id, CRI_IMAGE_ID_PREFIX "%s", id) < 0)
                return img->id = NULL, -ENOMEM;
        r = strv_from_json(doc, "repoTags", &img->repo_tags, &img->n_repo_tags);
        if (r >= 0)
                r = strv_from_json(doc, "repoDigests", &img->repo_digests, &img->n_repo_digests);
        if (r < 0)
                return r;
        img->size = json_get_u64(doc, "size", 0);
        return image_set_user(img, doc);
}

int cri_image_from_inspect(const char *json, Runtime__V1__Image **ret, char **ret_info) {
        _cleanup_json_ struct json_object *doc = json_tokener_parse(json);
        Runtime__V1__Image *img;
        int r;

        if (!doc || !json_object_is_type(doc, json_type_object))
                return -EBADMSG;
        img = malloc(sizeof(*img));
        if (!img)
                return -ENOMEM;
        runtime__v1__image__init(img);
        r = image_build(doc, img);
        if (r >= 0 && ret_info && !(*ret_info = image_info_json(doc)))
                r = -ENOMEM;
        if (r < 0) {
                protobuf_c_message_free_unpacked(&img->base, NULL);
                return r;
        }
        *ret = img;
        return 0;
}

static bool is_hex(const char *s) {
        return s[0] && strspn(s, "0123456789abcdef") == strlen(s);
}

/* "sha256:<hex>" or "<hex>" (at least ID_PREFIX_MIN digits) naming this image's id. */
static bool image_id_matches(const Runtime__V1__Image *image, const char *filter) {
        const char *id = string_has_prefix(image->id, CRI_IMAGE_ID_PREFIX)
                                 ? image->id + strlen(CRI_IMAGE_ID_PREFIX)
                                 : image->id;
        const char *f = string_has_prefix(filter, CRI_IMAGE_ID_PREFIX) ? filter + strlen(CRI_IMAGE_ID_PREFIX)
                                                                       : filter;

        return is_hex(f) && strlen(f) >= ID_PREFIX_MIN && string_has_prefix(id, f);
}

/* "domain/path" of a normalized "domain/path:tag" */
static bool tag_in_repository(const char *tag, const char *repository) {
        size_t n = strlen(repository);
        return strneq(tag, repository, n) && tag[n] == ':';
}

bool cri_image_matches(const Runtime__V1__Image *image, const char *filter) {
        _cleanup_reference_ Reference *ref = NULL;
        _cleanup_free_ char *name = NULL, *repository = NULL;
        const char *last = filter ? strrchr(filter, '/') : NULL;
        bool bare;

        if (isempty(filter))
                return true;
        if (image_id_matches(image, filter))
                return true;
        if (reference_parse(filter, &ref) < 0 || reference_to_string(ref, &name) < 0 ||
            reference_repository(ref, &repository) < 0)
                return false;
        for (size_t i = 0; i < image->n_repo_tags; i++)
                if (streq(image->repo_tags[i], name))
                        return true;
        for (size_t i = 0; i < image->n_repo_digests; i++)
                if (streq(image->repo_digests[i], name))
                        return true;
        /* "busybox" or "gcr.io/x/y": no tag was written (a port is not a tag), so any tag of the repository
         */
        bare = !strchr(filter, '@') && !strchr(last ? last : filter, ':');
        for (size_t i = 0; bare && i < image->n_repo_tags; i++)
                if (tag_in_repository(image->repo_tags[i], repository))
                        return true;
        return false;
}

/* --- conmand --- */

static int conmand_inspect(sd_bus *bus, const char *ref, sd_bus_error *error, char **ret_json) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *json;
        int r;

        r = sd_bus_call_method(bus, CONMAN_BUS_NAME, CONMAN_BUS_PATH, CONMAN_MANAGER_IFACE, "InspectImage",
                               error, &reply, "s", ref);
        if (r >= 0)
                r = sd_bus_message_read(reply, "s", &json);
        if (r < 0)
                return r;
        *ret_json = strdup(json);
        return *ret_json ? 0 : -ENOMEM;
}

static bool is_no_such_image(const sd_bus_error *error) {
        return sd_bus_error_has_name(error, "io.conman1.Error.NoSuchImage");
}

/* The image ref names, or NULL (not an error) when conmand has none. */
static int image_lookup(CriContext *ctx, const char *ref, Runtime__V1__Image **ret, char **ret_info,
                        CriStatus *status) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *json = NULL;
        int r;

        *ret = NULL;
        r = conmand_inspect(ctx->bus, ref, &error, &json);
        if (r < 0 &&
            (is_no_such_image(&error) || sd_bus_error_has_name(&error, "io.conman1.Error.InvalidArgument")))
                return GRPC_OK;
        if (r < 0)
                return cri_fail_bus(status, &error, r, "Cannot inspect image");
        r = cri_image_from_inspect(json, ret, ret_info);
        if (r < 0)
                return cri_fail(status, GRPC_INTERNAL, "conmand's description of image %s: %s", ref,
                                strerror(-r));
        return GRPC_OK;
}

/* The ids of every image of the store. */
static int conmand_list_ids(sd_bus *bus, sd_bus_error *error, char ***ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_strv_free_ char **ids = NULL;
        int r;

        r = sd_bus_call_method(bus, CONMAN_BUS_NAME, CONMAN_BUS_PATH, CONMAN_MANAGER_IFACE, "ListImages",
                               error, &reply, NULL);
        if (r >= 0)
                r = sd_bus_message_enter_container(reply, 'a', "(sasstto)");
        while (r >= 0 && (r = sd_bus_message_enter_container(reply, 'r', "sasstto")) > 0) {
                const char *id;

                r = sd_bus_message_read(reply, "s", &id);
                if (r >= 0 && strv_push(&ids, id) < 0)
                        r = -ENOMEM;
                if (r >= 0)
                        r = sd_bus_message_skip(reply, "asstto");
                if (r >= 0)
                        r = sd_bus_message_exit_container(reply);
        }
        if (r < 0)
                return r;
        *ret = ids ? TAKE_PTR(ids) : calloc(1, sizeof(char *));
        return *ret ? 0 : -ENOMEM;
}

/* --- the methods --- */

static int out_of_memory(CriStatus *status) {
        return cri_fail(status, GRPC_RESOURCE_EXHAUSTED, "out of memory");
}

static int list_add(Runtime__V1__ListImagesResponse *resp, Runtime__V1__Image *img, size_t max) {
        if (!resp->images && !(resp->images = calloc(MAX(max, 1U), sizeof(*resp->images))))
                return -ENOMEM;
        resp->images[resp->n_images++] = img;
        return 0;
}

static int method_list_images(CriContext *ctx, const ProtobufCMessage *request,
                              ProtobufCMessage **ret_response, CriStatus *status) {
        const Runtime__V1__ListImagesRequest *req = (const Runtime__V1__ListImagesRequest *) request;
        const char *filter = req->filter && req->filter->image ? req->filter->image->image : NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_strv_free_ char **ids = NULL;
        Runtime__V1__ListImagesResponse *resp;
        size_t n;
        int r;

        r = conmand_list_ids(ctx->bus, &error, &ids);
        if (r < 0)
                return cri_fail_bus(status, &error, r, "Cannot list images");
        resp = malloc(sizeof(*resp));
        if (!resp)
                return out_of_memory(status);
        runtime__v1__list_images_response__init(resp);
        *ret_response = &resp->base;
        n = strv_length(ids);
        for (size_t i = 0; i < n; i++) {
                Runtime__V1__Image *img = NULL;

                r = image_lookup(ctx, ids[i], &img, NULL, status);
                if (r != GRPC_OK)
                        break;
                if (!img) /* removed meanwhile */
                        continue;
                if (!cri_image_matches(img, filter)) {
                        protobuf_c_message_free_unpacked(&img->base, NULL);
                        continue;
                }
                if (list_add(resp, img, n) < 0) {
                        protobuf_c_message_free_unpacked(&img->base, NULL);
                        r = out_of_memory(status);
                        break;
                }
        }
        if (r != GRPC_OK)
                protobuf_c_message_free_unpacked(TAKE_PTR(*ret_response), NULL);
        return r;
}

static int status_add_info(Runtime__V1__ImageStatusResponse *resp, char *info) {
        Runtime__V1__ImageStatusResponse__InfoEntry *e;

        resp->info = calloc(1, sizeof(*resp->info));
        e = malloc(sizeof(*e));
        if (!resp->info || !e)
                return free(e), free(info), -ENOMEM;
        runtime__v1__image_status_response__info_entry__init(e);
        resp->info[resp->n_info++] = e;
        e->value = info;
        e->key = strdup("info");
        return e->key ? 0 : -ENOMEM;
}

static const char *spec_image(const Runtime__V1__ImageSpec *spec) {
        return spec && !isempty(spec->image) ? spec->image : NULL;
}

static int method_image_status(CriContext *ctx, const ProtobufCMessage *request,
                               ProtobufCMessage **ret_response, CriStatus *status) {
        const Runtime__V1__ImageStatusRequest *req = (const Runtime__V1__ImageStatusRequest *) request;
        const char *ref = spec_image(req->image);
        Runtime__V1__ImageStatusResponse *resp;
        Runtime__V1__Image *img = NULL;
        char *info = NULL;
        int r;

        if (!ref)
                return cri_fail(status, GRPC_INVALID_ARGUMENT, "ImageStatus needs an image");
        r = image_lookup(ctx, ref, &img, req->verbose ? &info : NULL, status);
        if (r != GRPC_OK)
                return r;
        resp = malloc(sizeof(*resp));
        if (!resp) {
                if (img)
                        protobuf_c_message_free_unpacked(&img->base, NULL);
                free(info);
                return out_of_memory(status);
        }
        runtime__v1__image_status_response__init(resp);
        *ret_response = &resp->base;
        resp->image = img; /* NULL: not there, which is no error */
        if (img && info && status_add_info(resp, info) < 0) {
                protobuf_c_message_free_unpacked(TAKE_PTR(*ret_response), NULL);
                return out_of_memory(status);
        }
        return GRPC_OK;
}

static int append_credential(sd_bus_message *m, const char *key, const char *value) {
        if (isempty(value))
                return 0;
        return sd_bus_message_append(m, "{sv}", key, "s", value);
}

static bool auth_given(const Runtime__V1__AuthConfig *a) {
        return a && (!isempty(a->username) || !isempty(a->password) || !isempty(a->auth) ||
                     !isempty(a->identity_token) || !isempty(a->registry_token));
}

/* PullImage's options: Credentials from AuthConfig, when there are any. */
static int append_pull_options(sd_bus_message *m, const Runtime__V1__AuthConfig *a) {
        int r;

        r = sd_bus_message_open_container(m, 'a', "{sv}");
        if (r < 0 || !auth_given(a))
                return r < 0 ? r : sd_bus_message_close_container(m);
        r = sd_bus_message_open_container(m, 'e', "sv");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", "Credentials");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', "a{sv}");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "{sv}");
        if (r >= 0)
                r = append_credential(m, "Username", a->username);
        if (r >= 0)
                r = append_credential(m, "Password", a->password);
        if (r >= 0)
                r = append_credential(m, "Auth", a->auth);
        if (r >= 0)
                r = append_credential(m, "IdentityToken", a->identity_token);
        if (r >= 0)
                r = append_credential(m, "RegistryToken", a->registry_token);
        if (r >= 0)
                r = append_credential(m, "ServerAddress", a->server_address);
        for (int i = 0; r >= 0 && i < 4; i++)
                r = sd_bus_message_close_container(m);
        return r;
}

static uint64_t call_timeout(const CriContext *ctx) {
        uint64_t now = now_monotonic_usec();

        if (ctx->deadline_usec == 0)
                return PULL_TIMEOUT_USEC;
        return ctx->deadline_usec > now ? ctx->deadline_usec - now : 1;
}

static int conmand_pull(CriContext *ctx, const char *ref, const Runtime__V1__AuthConfig *auth,
                        sd_bus_error *error, char **ret_id) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        const char *id, *path;
        int r;

        r = sd_bus_message_new_method_call(ctx->bus, &m, CONMAN_BUS_NAME, CONMAN_BUS_PATH,
                                           CONMAN_MANAGER_IFACE, "PullImage");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", ref);
        if (r >= 0)
                r = append_pull_options(m, auth);
        if (r >= 0)
                r = sd_bus_call(ctx->bus, m, call_timeout(ctx), error, &reply);
        if (r >= 0)
                r = sd_bus_message_read(reply, "so", &id, &path);
        if (r < 0)
                return r;
        return asprintf(ret_id, CRI_IMAGE_ID_PREFIX "%s", id) < 0 ? -ENOMEM : 0;
}

static int method_pull_image(CriContext *ctx, const ProtobufCMessage *request,
                             ProtobufCMessage **ret_response, CriStatus *status) {
        const Runtime__V1__PullImageRequest *req = (const Runtime__V1__PullImageRequest *) request;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *ref = spec_image(req->image);
        Runtime__V1__PullImageResponse *resp;
        _cleanup_free_ char *id = NULL;
        int r;

        if (!ref)
                return cri_fail(status, GRPC_INVALID_ARGUMENT, "PullImage needs an image");
        r = conmand_pull(ctx, ref, req->auth, &error, &id);
        if (r == -ETIMEDOUT)
                return cri_fail(status, GRPC_DEADLINE_EXCEEDED, "pulling %s: timed out", ref);
        if (r < 0)
                return cri_fail_bus(status, &error, r, "Cannot pull image");
        resp = malloc(sizeof(*resp));
        if (!resp)
                return out_of_memory(status);
        runtime__v1__pull_image_response__init(resp);
        resp->image_ref = TAKE_PTR(id);
        *ret_response = &resp->base;
        return GRPC_OK;
}

static int conmand_remove(sd_bus *bus, const char *id, bool force, sd_bus_error *error) {
        return sd_bus_call_method(bus, CONMAN_BUS_NAME, CONMAN_BUS_PATH, CONMAN_MANAGER_IFACE, "RemoveImage",
                                  error, NULL, "sb", id, force);
}

/* The whole image goes, whichever of its names is given (as containerd does). An image a container still
 * uses loses its names; conmand keeps its layers until the container goes. Unknown: done already. */
static int method_remove_image(CriContext *ctx, const ProtobufCMessage *request,
                               ProtobufCMessage **ret_response, CriStatus *status) {
        const Runtime__V1__RemoveImageRequest *req = (const Runtime__V1__RemoveImageRequest *) request;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *ref = spec_image(req->image);
        Runtime__V1__RemoveImageResponse *resp;
        Runtime__V1__Image *img = NULL;
        int r;

        if (!ref)
                return cri_fail(status, GRPC_INVALID_ARGUMENT, "RemoveImage needs an image");
        r = image_lookup(ctx, ref, &img, NULL, status);
        if (r != GRPC_OK)
                return r;
        if (img) {
                r = conmand_remove(ctx->bus, img->id, false, &error);
                if (r < 0 && sd_bus_error_has_name(&error, "io.conman1.Error.Busy")) {
                        sd_bus_error_free(&error);
                        r = conmand_remove(ctx->bus, img->id, true, &error);
                }
                protobuf_c_message_free_unpacked(&img->base, NULL);
                if (r < 0 && !is_no_such_image(&error))
                        return cri_fail_bus(status, &error, r, "Cannot remove image");
        }
        resp = malloc(sizeof(*resp));
        if (!resp)
                return out_of_memory(status);
        runtime__v1__remove_image_response__init(resp);
        *ret_response = &resp->base;
        return GRPC_OK;
}

/* --- ImageFsInfo: what the store takes on its filesystem --- */

typedef struct FsUsage {
        uint64_t bytes, inodes;
        void *seen; /* tsearch() tree of the (dev, ino) of files with several links */
} FsUsage;

static _Thread_local FsUsage *walk_usage;

typedef struct FileId {
        dev_t dev;
        ino_t ino;
} FileId;

static int file_id_compare(const void *a, const void *b) {
        const FileId *x = a, *y = b;

        if (x->dev != y->dev)
                return x->dev < y->dev ? -1 : 1;
        return x->ino < y->ino ? -1 : x->ino > y->ino;
}

static int walk_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        FsUsage *u = walk_usage;
        FileId *id, **found;

        if (flag == FTW_NS)
                return 0;
        if (!S_ISDIR(st->st_mode) && st->st_nlink > 1) {
                id = malloc(sizeof(*id));
                if (!id)
                        return -1;
                *id = (FileId){ .dev = st->st_dev, .ino = st->st_ino };
                found = tsearch(id, &u->seen, file_id_compare);
                if (!found)
                        return free(id), -1;
                if (*found != id) /* a link of a file already counted */
                        return free(id), 0;
        }
        u->bytes += (uint64_t) st->st_blocks * 512;
        u->inodes++;
        return 0;
}

static int fs_usage(const char *dir, uint64_t *ret_bytes, uint64_t *ret_inodes) {
        FsUsage u = {};
        int r;

        walk_usage = &u;
        r = nftw(dir, walk_one, 64, FTW_PHYS | FTW_MOUNT);
        walk_usage = NULL;
        tdestroy(u.seen, free);
        if (r < 0)
                return errno > 0 ? -errno : -ENOMEM;
        *ret_bytes = u.bytes;
        *ret_inodes = u.inodes;
        return 0;
}

/* The mount point of the filesystem holding path: its highest ancestor on the same device. */
static int mountpoint_of(const char *path, char **ret) {
        _cleanup_free_ char *p = realpath(path, NULL);
        struct stat st, parent;

        if (!p)
                return -errno;
        if (stat(p, &st) < 0)
                return -errno;
        for (;;) {
                char *slash = strrchr(p, '/');

                if (!slash || slash == p) {
                        if (stat("/", &parent) >= 0 && parent.st_dev == st.st_dev)
                                p[1] = 0;
                        break;
                }
                *slash = 0;
                if (stat(p, &parent) < 0 || parent.st_dev != st.st_dev) {
                        *slash = '/';
                        break;
                }
        }
        *ret = TAKE_PTR(p);
        return 0;
}

static Runtime__V1__UInt64Value *uint64_value_new(uint64_t v) {
        Runtime__V1__UInt64Value *u = malloc(sizeof(*u));

        if (u) {
                runtime__v1__uint64_value__init(u);
                u->value = v;
        }
        return u;
}

static int filesystem_usage_new(const char *dir, Runtime__V1__FilesystemUsage **ret) {
        Runtime__V1__FilesystemUsage *f;
        uint64_t bytes, inodes;
        struct timespec ts;
        char *mp = NULL;
        int r;

        r = fs_usage(dir, &bytes, &inodes);
        if (r >= 0)
                r = mountpoint_of(dir, &mp);
        if (r < 0)
                return r;
        f = malloc(sizeof(*f));
        if (!f)
                return free(mp), -ENOMEM;
        runtime__v1__filesystem_usage__init(f);
        clock_gettime(CLOCK_REALTIME, &ts);
        f->timestamp = (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
        f->fs_id = malloc(sizeof(*f->fs_id));
        if (f->fs_id) {
                runtime__v1__filesystem_identifier__init(f->fs_id);
                f->fs_id->mountpoint = mp;
        } else
                free(mp);
        f->used_bytes = uint64_value_new(bytes);
        f->inodes_used = uint64_value_new(inodes);
        if (!f->fs_id || !f->used_bytes || !f->inodes_used) {
                protobuf_c_message_free_unpacked(&f->base, NULL);
                return -ENOMEM;
        }
        *ret = f;
        return 0;
}

static int method_image_fs_info(CriContext *ctx, const ProtobufCMessage *request,
                                ProtobufCMessage **ret_response, CriStatus *status) {
        Runtime__V1__ImageFsInfoResponse *resp;
        Runtime__V1__FilesystemUsage *f = NULL;
        const char *dir = getenv("CONMAN_CRI_IMAGE_STORE") ?: IMAGE_STORE_DIR;
        int r;

        r = filesystem_usage_new(dir, &f);
        if (r == -ENOMEM)
                return out_of_memory(status);
        if (r < 0)
                return cri_fail(status, GRPC_UNAVAILABLE, "Cannot measure the image store %s: %s", dir,
                                strerror(-r));
        resp = malloc(sizeof(*resp));
        if (!resp) {
                protobuf_c_message_free_unpacked(&f->base, NULL);
                return out_of_memory(status);
        }
        runtime__v1__image_fs_info_response__init(resp);
        *ret_response = &resp->base;
        resp->image_filesystems = malloc(sizeof(*resp->image_filesystems));
        if (!resp->image_filesystems) {
                protobuf_c_message_free_unpacked(&f->base, NULL);
                protobuf_c_message_free_unpacked(TAKE_PTR(*ret_response), NULL);
                return out_of_memory(status);
        }
        resp->image_filesystems[resp->n_image_filesystems++] = f;
        return GRPC_OK;
}

const CriMethod cri_image_methods[] = {
        { "/runtime.v1.ImageService/ListImages", &runtime__v1__list_images_request__descriptor,
          method_list_images },
        { "/runtime.v1.ImageService/ImageStatus", &runtime__v1__image_status_request__descriptor,
          method_image_status },
        { "/runtime.v1.ImageService/PullImage", &runtime__v1__pull_image_request__descriptor,
          method_pull_image },
        { "/runtime.v1.ImageService/RemoveImage", &runtime__v1__remove_image_request__descriptor,
          method_remove_image },
        { "/runtime.v1.ImageService/ImageFsInfo", &runtime__v1__image_fs_info_request__descriptor,
          method_image_fs_info },
        {},
};
