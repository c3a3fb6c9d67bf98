/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * auth-file.c — writing auth.json for login and logout (see auth.h): the entry of one registry is set
 * or removed, every other entry and key of the document is kept, and the file is replaced atomically
 * with mode 0600.
 */
#include <openssl/evp.h>
#include <sys/stat.h>

#include "shared/fileio.h"
#include "shared/macro.h"
#include "shared/util.h"
#include "image/auth.h"
#include "image/manifest.h"

#define AUTH_FILE_MAX_SIZE (1024U * 1024U)
#define AUTH_FILE_FALLBACK "/etc/conman/auth.json"

const char *auth_write_path(void) {
        const char *e = getenv("REGISTRY_AUTH_FILE");

        if (!isempty(e))
                return e;
        return auth_default_path() ?: AUTH_FILE_FALLBACK;
}

/* The document (an empty one when json is NULL) and its "auths" object. */
static int auth_document(const char *json, size_t size, struct json_object **ret,
                         struct json_object **ret_auths) {
        _cleanup_json_ struct json_object *j = NULL;
        struct json_object *auths;

        if (size > AUTH_FILE_MAX_SIZE)
                return -EFBIG;
        j = json && size > 0 ? json_parse_buffer(json, size) : json_object_new_object();
        if (!j || !json_object_is_type(j, json_type_object))
                return -EBADMSG;
        if (!json_object_object_get_ex(j, "auths", &auths)) {
                auths = json_object_new_object();
                if (!auths || json_object_object_add(j, "auths", auths) < 0)
                        return -ENOMEM;
        }
        if (!json_object_is_type(auths, json_type_object))
                return -EBADMSG;
        *ret_auths = auths;
        *ret = TAKE_PTR(j);
        return 0;
}

static int auth_document_string(struct json_object *j, char **ret) {
        const char *s =
                json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);

        if (!s || !(*ret = strdup(s)))
                return -ENOMEM;
        return 0;
}

/* Removes every key that names registry; the number removed. */
static int auths_remove(struct json_object *auths, const char *registry) {
        int n = 0;

        for (bool again = true; again;) {
                again = false;
                json_object_object_foreach(auths, key, v) {
                        (void) v;
                        if (auth_server_matches(key, registry)) {
                                json_object_object_del(auths, key);
                                n++;
                                again = true;
                                break;
                        }
                }
        }
        return n;
}

static int auth_encode(const char *user, const char *password, char **ret) {
        _cleanup_free_ char *userpass = NULL;
        unsigned char *out;
        size_t n;

        if (asprintf(&userpass, "%s:%s", user, password) < 0)
                return -ENOMEM;
        n = strlen(userpass);
        out = malloc(4 * ((n + 2) / 3) + 1);
        if (out)
                EVP_EncodeBlock(out, (unsigned char *) userpass, (int) n);
        explicit_bzero(userpass, n);
        *ret = (char *) out;
        return out ? 0 : -ENOMEM;
}

int auth_json_set(const char *json, size_t size, const char *registry, const char *user, const char *password,
                  char **ret) {
        _cleanup_json_ struct json_object *j = NULL, *entry = NULL;
        _cleanup_free_ char *b64 = NULL;
        struct json_object *auths;
        int r;

        if (isempty(registry) || isempty(user) || !password || strchr(user, ':'))
                return -EINVAL;
        r = auth_document(json, size, &j, &auths);
        if (r < 0)
                return r;
        r = auth_encode(user, password, &b64);
        if (r < 0)
                return r;
        (void) auths_remove(auths, registry);
        entry = json_object_new_object();
        if (!entry || json_object_object_add(entry, "auth", json_object_new_string(b64)) < 0 ||
            json_object_object_add(auths, registry, TAKE_PTR(entry)) < 0)
                r = -ENOMEM;
        explicit_bzero(b64, strlen(b64));
        return r < 0 ? r : auth_document_string(j, ret);
}

int auth_json_remove(const char *json, size_t size, const char *registry, char **ret) {
        _cleanup_json_ struct json_object *j = NULL;
        struct json_object *auths;
        int r;

        r = auth_document(json, size, &j, &auths);
        if (r < 0)
                return r;
        if (auths_remove(auths, registry) == 0)
                return -ENOENT;
        return auth_document_string(j, ret);
}

static int parent_dir_make(const char *path) {
        _cleanup_free_ char *dir = strdup(path);
        char *slash;

        if (!dir)
                return -ENOMEM;
        slash = strrchr(dir, '/');
        if (!slash || slash == dir)
                return 0;
        *slash = 0;
        return mkdir_p(dir, 0700);
}

int auth_file_update(const char *path, const char *registry, const char *user, const char *password) {
        _cleanup_free_ char *old = NULL, *new = NULL;
        size_t size = 0;
        int r;

        r = read_file(path, AUTH_FILE_MAX_SIZE, &old, &size);
        if (r < 0 && r != -ENOENT)
                return r;
        r = user ? auth_json_set(old, size, registry, user, password, &new)
                 : auth_json_remove(old, size, registry, &new);
        if (old)
                explicit_bzero(old, size);
        if (r < 0)
                return r;
        r = parent_dir_make(path);
        if (r >= 0)
                r = write_file_atomic(path, new, strlen(new), 0600);
        explicit_bzero(new, strlen(new));
        return r;
}
