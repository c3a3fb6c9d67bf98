/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * registries.h — registry mirrors and insecure registries, conman-registries.d(5): every pull
 * (conmand's PullImage, conman-prepare, through them conmanctl pull and conman-cri) resolves the
 * registry of its reference through /etc/conman/registries.d/\*.conf ($CONMAN_REGISTRIES_DIR for tests):
 *
 *   # /etc/conman/registries.d/50-mirror.conf
 *   [registry "gcr.io"]
 *   mirror = http://127.0.0.1:5000        # tried first (plain HTTP: http://)
 *   mirror = https://mirror.example/gcr   # then this one (/v2/gcr/PATH/...)
 *   insecure = true                        # no TLS checks, plain-HTTP fallback, for all of them
 *   mirror-only = false                    # true: never the registry itself
 *
 * A file is read whole or not at all: one bad line makes it reported (with FILE:LINE) and skipped,
 * and the others still apply. Sections for the same registry in several files add up, in the
 * files' (lexical) order. The image keeps its original name whatever endpoint served it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "shared/macro.h"

#define REGISTRIES_DIR_DEFAULT "/etc/conman/registries.d"
#define REGISTRIES_FILE_MAX    (64U * 1024U)
#define REGISTRIES_MAX         256U
#define REGISTRY_MIRRORS_MAX   16U

typedef struct RegistryMirror {
        char *url;    /* as written, normalized: "http://127.0.0.1:5000/prefix" */
        char *host;   /* "127.0.0.1:5000" */
        char *prefix; /* "prefix" (no slash at either end), or NULL */
        bool plain_http;
} RegistryMirror;

typedef struct RegistryEntry {
        char *domain; /* as in a normalized reference: "docker.io", "gcr.io", "localhost:5000" */
        RegistryMirror *mirrors;
        size_t n_mirrors;
        bool insecure, mirror_only;
} RegistryEntry;

typedef struct RegistriesConfig {
        RegistryEntry *entries;
        size_t n_entries;
} RegistriesConfig;

/* One place a pull may fetch from, in the order to try. */
typedef struct RegistryEndpoint {
        const char *host;   /* NULL: the reference's own registry */
        const char *prefix; /* prepended to the repository path, or NULL */
        const char *url;    /* for messages: the mirror's URL, or NULL for the registry */
        bool plain_http;    /* start with http:// */
        bool tls_verify;
} RegistryEndpoint;

RegistriesConfig *registries_config_free(RegistriesConfig *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(RegistriesConfig *, registries_config_free);

/* $CONMAN_REGISTRIES_DIR when set and absolute, else REGISTRIES_DIR_DEFAULT. */
const char *registries_dir(void);

/* Adds one file's sections to c, all or nothing. -EINVAL with *ret_error ("LINE: what is wrong") for a
 * bad file, -ENOMEM. */
int registries_parse(RegistriesConfig *c, const char *data, size_t size, char **ret_error);
/* Reads every *.conf of dir (lexical order). Bad or unreadable files are logged as warnings and
 * skipped; a missing directory is an empty configuration. Only -ENOMEM fails. */
int registries_load_dir(const char *dir, RegistriesConfig **ret);

/* The endpoints for a registry domain: its mirrors, then the registry unless mirror-only. tls_verify is
 * the pull's own setting; "insecure" turns it off. The endpoints point into c. */
int registries_endpoints(const RegistriesConfig *c, const char *domain, bool tls_verify,
                         RegistryEndpoint **ret, size_t *ret_n);
