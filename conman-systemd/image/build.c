/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * build.c — one new layer on a base image (or on nothing) → a new image in the store (see build.h).
 */
#include <fcntl.h>
#include <json-c/json.h>
#include <time.h>
#include <unistd.h>

#include "shared/json-util.h"
#include "shared/util.h"
#include "image/build.h"
#include "image/change.h"
#include "image/layer.h"
#include "image/manifest.h"
#include "image/reference.h"

#define build_fail(x, r, ...) error_setf((x), (r), __VA_ARGS__)

static struct json_object *child(struct json_object *o, const char *key, json_type type) {
        struct json_object *v;

        if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, type))
                return v;
        v = type == json_type_array ? json_object_new_array() : json_object_new_object();
        json_object_object_add(o, key, v);
        return v;
}

static void format_time(uint64_t usec, char buf[static 32]) {
        time_t t = (time_t) (usec / USEC_PER_SEC);
        struct tm tm;

        gmtime_r(&t, &tm);
        strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The base's config object, or an empty one; a base that does not parse is refused. */
static int start_config(const char *base, size_t size, struct json_object **ret) {
        const char *os, *arch, *variant;

        if (base) {
                *ret = json_parse_buffer(base, size);
                return *ret && json_object_is_type(*ret, json_type_object) ? 0 : -EBADMSG;
        }
        *ret = json_object_new_object();
        if (!*ret)
                return -ENOMEM;
        platform_host(&os, &arch, &variant);
        json_object_object_add(*ret, "architecture", json_object_new_string(arch));
        if (variant)
                json_object_object_add(*ret, "variant", json_object_new_string(variant));
        json_object_object_add(*ret, "os", json_object_new_string(os));
        return 0;
}

static void add_history(struct json_object *c, const ImageBuild *b, const char *created) {
        struct json_object *h = json_object_new_object();

        json_object_object_add(h, "created", json_object_new_string(created));
        if (b->created_by)
                json_object_object_add(h, "created_by", json_object_new_string(b->created_by));
        if (b->author)
                json_object_object_add(h, "author", json_object_new_string(b->author));
        if (b->comment)
                json_object_object_add(h, "comment", json_object_new_string(b->comment));
        json_object_array_add(child(c, "history", json_type_array), h);
}

void image_build_run_done(ImageBuildRun *run) {
        strv_freep(&run->command);
        strv_freep(&run->env);
        free(run->working_dir);
        free(run->user);
        strv_freep(&run->labels);
        *run = (ImageBuildRun){};
}

static bool strv_json_has_prefix(char **l, struct json_object *prefix) {
        size_t n = json_object_is_type(prefix, json_type_array) ? json_object_array_length(prefix) : 0;

        for (size_t i = 0; i < n; i++)
                if (!l || !l[i] ||
                    !streq(l[i], strempty(json_object_get_string(json_object_array_get_idx(prefix, i)))))
                        return false;
        return n > 0;
}

static void set_strv(struct json_object *config, const char *key, char **l) {
        if (l && *l)
                json_object_object_add(config, key, json_strv_new(l));
        else
                json_object_object_del(config, key);
}

/* Entrypoint and Cmd back out of the argv the container ran: the image's Entrypoint when the argv starts
 * with it, else (--entrypoint replaced it) the argv's first word, as docker records --entrypoint. */
static void apply_command(struct json_object *config, char **command) {
        struct json_object *entry = NULL;
        size_t skip = 0;

        if (!command || !command[0])
                return;
        if (json_object_object_get_ex(config, "Entrypoint", &entry) &&
            json_object_is_type(entry, json_type_array) && json_object_array_length(entry) > 0) {
                if (strv_json_has_prefix(command, entry))
                        skip = json_object_array_length(entry);
                else {
                        json_object_object_add(config, "Entrypoint",
                                               json_strv_new((char *[]){ command[0], NULL }));
                        skip = 1;
                }
        }
        set_strv(config, "Cmd", command + skip);
}

static void apply_run(struct json_object *config, const ImageBuildRun *run) {
        struct json_object *labels;

        apply_command(config, run->command);
        if (run->env)
                set_strv(config, "Env", run->env);
        if (run->working_dir)
                json_object_object_add(config, "WorkingDir", json_object_new_string(run->working_dir));
        if (run->user)
                json_object_object_add(config, "User", json_object_new_string(run->user));
        if (!run->labels || !run->labels[0])
                return;
        labels = child(config, "Labels", json_type_object);
        for (char **l = run->labels; *l; l++) {
                const char *eq = strchr(*l, '=');
                _cleanup_free_ char *key = eq ? strndup(*l, (size_t) (eq - *l)) : strdup(*l);
                if (key)
                        json_object_object_add(labels, key, json_object_new_string(eq ? eq + 1 : ""));
        }
}

int image_build_config(const ImageBuild *b, const char *base_config, size_t base_size, const char *diff_id,
                       uint64_t created_usec, char **ret, char **ret_error) {
        _cleanup_json_ struct json_object *c = NULL;
        struct json_object *rootfs, *config;
        char created[32];
        int r;

        r = start_config(base_config, base_size, &c);
        if (r < 0)
                return build_fail(ret_error, r, "the base image's config does not parse");
        config = child(c, "config", json_type_object);
        if (b->run)
                apply_run(config, b->run);
        r = image_changes_apply(config, b->changes, ret_error);
        if (r < 0)
                return r;
        format_time(created_usec, created);
        json_object_object_add(c, "created", json_object_new_string(created));
        if (b->author)
                json_object_object_add(c, "author", json_object_new_string(b->author));
        json_object_object_del(c, "container"); /* docker's: the container an old image came from */
        rootfs = child(c, "rootfs", json_type_object);
        json_object_object_add(rootfs, "type", json_object_new_string("layers"));
        json_object_array_add(child(rootfs, "diff_ids", json_type_array), json_object_new_string(diff_id));
        add_history(c, b, created);
        *ret = strdup(
                json_object_to_json_string_ext(c, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        return *ret ? 0 : -ENOMEM;
}

/* Stores the tarball as a layer: decompressed into an unnamed scratch file (to learn its diff_id), then
 * unpacked from there by the store. */
static int store_layer(ImageStore *s, int layer_fd, char diff_id[static DIGEST_STRING_MAX],
                       char **ret_error) {
        _cleanup_close_ int fd = -EBADF;
        char error[512] = "";
        uint64_t size;
        int r;

        fd = openat(image_store_tmp_fd(s), ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
        if (fd < 0)
                return build_fail(ret_error, negative_errno(), "cannot create a scratch file: %m");
        r = layer_decompress(layer_fd, fd, image_store_layer_limits(s), diff_id, &size);
        if (r == -EFBIG)
                return build_fail(ret_error, r, "the tarball is larger than the layer limit (%s)",
                                  LAYER_MAX_BYTES_ENV);
        if (r < 0)
                return build_fail(ret_error, r, "cannot read the tarball: %s", strerror(-r));
        if (image_store_has_layer(s, diff_id))
                return 0;
        if (lseek(fd, 0, SEEK_SET) < 0)
                return negative_errno();
        r = image_store_add_layer(s, fd, LAYER_COMPRESSION_NONE, diff_id, diff_id, error, sizeof(error));
        if (r < 0)
                return build_fail(ret_error, r, "the tarball was refused: %s",
                                  error[0] ? error : strerror(-r));
        return 0;
}

static int normalize_tag(const char *tag, char **ret, char **ret_error) {
        _cleanup_reference_ Reference *ref = NULL;

        *ret = NULL;
        if (!tag)
                return 0;
        if (reference_parse(tag, &ref) < 0 || ref->digest)
                return build_fail(ret_error, -EINVAL, "\"%s\" is not a valid image name (NAME[:TAG])", tag);
        return reference_to_string(ref, ret);
}

int image_build(ImageStore *s, int layer_fd, const ImageBuild *b, const char *tag,
                char ret_id[static IMAGE_ID_LENGTH + 1], char **ret_error) {
        _cleanup_free_ char *base = NULL, *config = NULL, *name = NULL;
        char diff_id[DIGEST_STRING_MAX], config_digest[DIGEST_STRING_MAX];
        struct timespec now;
        size_t base_size = 0;
        int r;

        if (ret_error)
                *ret_error = NULL;
        r = normalize_tag(tag, &name, ret_error);
        if (r < 0)
                return r;
        if (b->base_id && (r = image_store_read_config(s, b->base_id, &base, &base_size)) < 0)
                return build_fail(ret_error, r, "cannot read the config of image %s: %s", b->base_id,
                                  strerror(-r));
        clock_gettime(CLOCK_REALTIME, &now);
        /* the changes are checked before the tarball is read */
        r = image_build_config(b, base, base_size, DIGEST_PREFIX "0", 0, &config, ret_error);
        if (r < 0)
                return r;
        free(config);
        config = NULL;
        image_store_writer_begin(s);
        r = store_layer(s, layer_fd, diff_id, ret_error);
        if (r >= 0)
                r = image_build_config(b, base, base_size, diff_id,
                                       (uint64_t) now.tv_sec * USEC_PER_SEC + (uint64_t) now.tv_nsec / 1000,
                                       &config, ret_error);
        if (r >= 0)
                r = digest_buffer(config, strlen(config), config_digest);
        if (r >= 0)
                r = image_store_put_blob(s, config_digest, config, strlen(config));
        if (r >= 0)
                r = image_store_commit(s, config_digest, NULL, name, ret_id);
        image_store_writer_end(s);
        if (r < 0)
                return build_fail(ret_error, r, "cannot record the image: %s", strerror(-r));
        return 0;
}
