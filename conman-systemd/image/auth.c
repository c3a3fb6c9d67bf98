/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * auth.c — auth.json parsing (see auth.h).
 */
#include <openssl/evp.h>

#include "shared/fileio.h"
#include "shared/macro.h"
#include "shared/util.h"
#include "image/auth.h"
#include "image/manifest.h"

#define AUTH_FILE_MAX_SIZE (1024U * 1024U)

void credentials_done(Credentials *c) {
        if (c->password)
                explicit_bzero(c->password, strlen(c->password));
        if (c->identity_token)
                explicit_bzero(c->identity_token, strlen(c->identity_token));
        free(c->user);
        free(c->password);
        if (c->registry_token)
                explicit_bzero(c->registry_token, strlen(c->registry_token));
        free(c->identity_token);
        free(c->registry_token);
        c->user = c->password = c->identity_token = c->registry_token = NULL;
}

/* "https://host/v1/" → "host" */
bool auth_server_matches(const char *key, const char *domain) {
        static const char *const docker_names[] = { "docker.io", "index.docker.io", "registry-1.docker.io" };
        size_t n;

        if (string_has_prefix(key, "https://"))
                key += strlen("https://");
        else if (string_has_prefix(key, "http://"))
                key += strlen("http://");
        n = strcspn(key, "/");
        if (strlen(domain) == n && strneq(key, domain, n))
                return true;
        if (!streq(domain, "docker.io"))
                return false;
        for (size_t i = 0; i < ELEMENTSOF(docker_names); i++)
                if (strlen(docker_names[i]) == n && strneq(key, docker_names[i], n))
                        return true;
        return false;
}

int auth_decode(const char *b64, Credentials *ret) {
        _cleanup_free_ unsigned char *buf = NULL;
        size_t len = strlen(b64);
        char *colon;
        int n, pad;

        if (len == 0 || len > 64 * 1024 || len % 4 != 0)
                return -EBADMSG;
        buf = malloc(len / 4 * 3 + 1);
        if (!buf)
                return -ENOMEM;
        n = EVP_DecodeBlock(buf, (const unsigned char *) b64, (int) len);
        if (n < 0)
                return -EBADMSG;
        /* EVP_DecodeBlock counts padding as zero bytes; base64 has at most two of them. */
        pad = b64[len - 1] == '=' ? (b64[len - 2] == '=' ? 2 : 1) : 0;
        if (len > 2 && b64[len - 3] == '=')
                return -EBADMSG;
        n -= pad;
        if (n < 0)
                return -EBADMSG;
        buf[n] = 0;
        if (memchr(buf, 0, (size_t) n))
                return -EBADMSG;
        colon = strchr((char *) buf, ':');
        if (!colon || colon == (char *) buf)
                return -EBADMSG;
        ret->user = strndup((char *) buf, (size_t) (colon - (char *) buf));
        ret->password = strdup(colon + 1);
        explicit_bzero(buf, (size_t) n);
        if (!ret->user || !ret->password)
                return credentials_done(ret), -ENOMEM;
        return 0;
}

static int entry_to_credentials(struct json_object *e, Credentials *ret) {
        struct json_object *a, *u, *p;

        if (!json_object_is_type(e, json_type_object))
                return -EBADMSG;
        if (json_object_object_get_ex(e, "auth", &a) && json_object_is_type(a, json_type_string))
                return auth_decode(json_object_get_string(a), ret);
        if (json_object_object_get_ex(e, "username", &u) && json_object_is_type(u, json_type_string) &&
            json_object_object_get_ex(e, "password", &p) && json_object_is_type(p, json_type_string)) {
                ret->user = strdup(json_object_get_string(u));
                ret->password = strdup(json_object_get_string(p));
                if (!ret->user || !ret->password)
                        return credentials_done(ret), -ENOMEM;
                return 0;
        }
        return -EBADMSG;
}

int auth_parse(const char *json, size_t size, const char *domain, Credentials *ret) {
        _cleanup_json_ struct json_object *j = NULL;
        struct json_object *auths;

        if (size > AUTH_FILE_MAX_SIZE)
                return -EFBIG;
        j = json_parse_buffer(json, size);
        if (!j || !json_object_is_type(j, json_type_object))
                return -EBADMSG;
        if (!json_object_object_get_ex(j, "auths", &auths))
                return -ENOENT;
        if (!json_object_is_type(auths, json_type_object))
                return -EBADMSG;
        json_object_object_foreach(
                auths, key, entry) if (auth_server_matches(key, domain)) return entry_to_credentials(entry,
                                                                                                     ret);
        return -ENOENT;
}

int auth_lookup(const char *path, const char *domain, Credentials *ret) {
        _cleanup_free_ char *buf = NULL;
        size_t size;
        int r;

        r = read_file(path, AUTH_FILE_MAX_SIZE, &buf, &size);
        if (r < 0)
                return r;
        r = auth_parse(buf, size, domain, ret);
        explicit_bzero(buf, size);
        return r;
}

const char *auth_default_path(void) {
        const char *e = getenv("REGISTRY_AUTH_FILE");

        if (e && access(e, F_OK) == 0)
                return e;
        if (access("/run/containers/0/auth.json", F_OK) == 0)
                return "/run/containers/0/auth.json";
        if (access("/etc/conman/auth.json", F_OK) == 0)
                return "/etc/conman/auth.json";
        return NULL;
}
