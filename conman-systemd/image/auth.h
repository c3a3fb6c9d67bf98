/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * auth.h — registry credentials from an auth.json file, the format shared by
 * podman, skopeo and docker: {"auths": {"HOST": {"auth": base64("user:password")}}}.
 * Keys may carry a scheme and a path ("https://index.docker.io/v1/"); docker.io
 * also matches its historical names.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef struct Credentials {
        char *user;
        char *password;
        char *identity_token; /* an OAuth2 refresh token for the Bearer token service (docker's) */
        char *registry_token; /* a Bearer token sent as it is */
} Credentials;

void credentials_done(Credentials *c);

/* Finds the entry for domain in an auth.json document. -ENOENT when there is none. */
int auth_parse(const char *json, size_t size, const char *domain, Credentials *ret);
/* base64("user:password"), the "auth" of auth.json and of CRI's AuthConfig. -EBADMSG when malformed. */
int auth_decode(const char *b64, Credentials *ret);
/* Whether an auth.json key or a CRI server_address ("https://index.docker.io/v1/", "host:port") names
 * the registry domain (or host). */
bool auth_server_matches(const char *key, const char *domain);
/* Same, reading the file. -ENOENT when the file or the entry is missing. */
int auth_lookup(const char *path, const char *domain, Credentials *ret);

/* The file used when none is given: $REGISTRY_AUTH_FILE, /run/containers/0/auth.json,
 * /etc/conman/auth.json — the first that exists, or NULL. */
const char *auth_default_path(void);

/* --- writing (login, logout: auth-file.c) --- */
/* Where login writes: $REGISTRY_AUTH_FILE when set, else auth_default_path() when a file exists, else
 * /etc/conman/auth.json — so pull reads what login wrote. */
const char *auth_write_path(void);
/* The document json (NULL: none yet) with registry's entry set to base64(user:password), replacing every
 * key that names registry; other entries and keys are kept. -EINVAL bad arguments (a ':' in user),
 * -EBADMSG json is no auth.json. */
int auth_json_set(const char *json, size_t size, const char *registry, const char *user, const char *password,
                  char **ret);
/* The document without registry's entries; -ENOENT when it had none. */
int auth_json_remove(const char *json, size_t size, const char *registry, char **ret);
/* Sets (user != NULL) or removes registry's entry in the file at path, written atomically, mode 0600. */
int auth_file_update(const char *path, const char *registry, const char *user, const char *password);
