/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * registry.h — a client of the OCI distribution API / Docker Registry HTTP API v2,
 * built on libcurl: manifests and blobs of one repository.
 *
 * Authentication: requests go out anonymously; a 401 with
 * "WWW-Authenticate: Bearer realm=...,service=...,scope=..." makes the client fetch
 * a token from the realm (sending Basic credentials from auth.json when there are
 * any) and retry; "WWW-Authenticate: Basic" is answered with the credentials.
 * Transport: HTTPS with certificate verification (system CAs, or CAs from a
 * directory); with tls_verify=false the certificate is not checked and plain HTTP
 * is tried when the registry does not speak TLS at all.
 * Every blob is checked against its digest and size while it streams.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "shared/macro.h"
#include "image/auth.h"
#include "image/digest.h"
#include "image/reference.h"
#include "image/registries.h"

typedef struct RegistryOptions {
        bool tls_verify;       /* for the registry itself; a mirror endpoint carries its own */
        const char *cert_dir;  /* CAs (hashed directory, like /etc/ssl/certs), NULL for the system's */
        const char *auth_file; /* auth.json; NULL for auth_default_path() */
        atomic_bool *cancel;   /* set to abort transfers (-ECANCELED) */
        /* Credentials given with the pull (CRI's AuthConfig), used instead of auth.json for the endpoint
         * credentials_server names (auth_server_matches()), or for the registry itself when it is NULL;
         * never sent to another host. */
        const Credentials *credentials;
        const char *credentials_server;
} RegistryOptions;

typedef struct RegistryClient RegistryClient;

/* Called as a blob downloads; a non-zero return aborts. */
typedef void (*RegistryProgressFunc)(uint64_t done, void *userdata);

/* Call once per process before any thread uses the client. */
int registry_global_init(void);

/* A client of one endpoint (registries.h: a mirror, or with NULL the reference's own registry) for the
 * repository of ref. */
int registry_client_new(const Reference *ref, const RegistryEndpoint *endpoint, const RegistryOptions *opts,
                        RegistryClient **ret);
RegistryClient *registry_client_free(RegistryClient *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(RegistryClient *, registry_client_free);
/* Why the last call failed, for people ("" when unknown). */
const char *registry_client_error(const RegistryClient *c);

/* Fetches a manifest or index by tag or digest; checks it against the digest when one was asked for.
 * -ENOENT when the registry does not know it, -EACCES when authentication failed. */
int registry_get_manifest(RegistryClient *c, const char *tag_or_digest, char **ret_body, size_t *ret_size,
                          char **ret_content_type, char ret_digest[static DIGEST_STRING_MAX]);
/* Streams a blob into out_fd, checking size and digest (-EBADMSG on mismatch). */
int registry_get_blob(RegistryClient *c, const char *digest, uint64_t size, int out_fd,
                      RegistryProgressFunc progress, void *userdata);
/* A small blob (a config) into memory, checked likewise. */
int registry_get_blob_buffer(RegistryClient *c, const char *digest, uint64_t size, char **ret);

/* --- tags (registry-tags.c) --- */
/* Every tag of the client's repository (GET tags/list, page_size tags a page, 0: the registry's choice),
 * following Link rel="next" pages; *ret is NULL-terminated, in the registry's order. -ENOENT unknown
 * repository, -EBADMSG a malformed answer or a next page elsewhere, -E2BIG too many tags or pages. */
int registry_list_tags(RegistryClient *c, unsigned page_size, char ***ret);
/* The path below /v2/<path>/ of the next page a Link header names ("tags/list?n=2&last=b"): 1 and
 * *ret_what, 0 when there is none, -EBADMSG when it leaves the repository's tag list (or the host, for an
 * absolute URL). */
int registry_tags_next_page(const char *link, const char *host, const char *path, char **ret_what);
/* Appends the tags of one tags/list answer to *tags (checked, without duplicates). */
int registry_tags_parse(const char *body, size_t size, char ***tags);

/* --- writing (registry-upload.c) --- */
/* HEAD of a blob in the client's repository: 1 the registry has it, 0 it does not. */
int registry_blob_exists(RegistryClient *c, const char *digest);
/* Asks the registry to mount a blob from another repository of it (from_path: "team/app"): 1 mounted, 0
 * when it opened an upload session instead (*ret_location, to pass to registry_upload_blob()). */
int registry_mount_blob(RegistryClient *c, const char *digest, const char *from_path, char **ret_location);
/* Uploads size bytes of fd (from its start) as the blob digest: POST (unless location names a session
 * already open), then, when chunk_size is 0 or the blob fits in one, a monolithic PUT ?digest=; else PATCH
 * requests of chunk_size bytes (Content-Range) and a closing empty PUT ?digest=. The registry verifies the
 * digest (-EBADMSG when it refuses). */
int registry_upload_blob(RegistryClient *c, const char *digest, int fd, uint64_t size, const char *location,
                         uint64_t chunk_size, RegistryProgressFunc progress, void *userdata);
/* PUT of a manifest under a tag (or digest), with its media type. */
int registry_put_manifest(RegistryClient *c, const char *tag, const char *body, size_t size,
                          const char *media_type);
/* GET /v2/ with the client's credentials: 0 when accepted, -EACCES when refused. */
int registry_check_login(RegistryClient *c);
