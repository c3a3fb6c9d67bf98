/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * registry-internal.h — the client object and one HTTP exchange, shared by registry.c (reads: manifests,
 * blobs, authentication) and registry-upload.c (writes: blob uploads, mounts, manifests, the /v2/ check of
 * login). Not for other modules.
 */
#pragma once

#include <curl/curl.h>

#include "image/registry.h"

struct RegistryClient {
        char *host; /* "localhost:5050" */
        char *path; /* "test/busybox" */
        bool tls_verify, plain_http;
        char *cert_dir;
        Credentials creds;
        char *authorization; /* "Authorization: Bearer ..." once known */
        atomic_bool *cancel;
        char error[CURL_ERROR_SIZE + 256];
};

/* One HTTP exchange: what goes out, where the body goes and what came back. */
typedef struct Exchange {
        RegistryClient *client;
        CURL *curl;
        long status;
        char *content_type, *www_authenticate, *docker_digest, *location, *link;
        /* body sink: memory (max_size) or fd, with optional digest and size check */
        char *buf;
        size_t buf_size, max_size;
        int fd;
        Digester *digester;
        uint64_t expected_size, received;
        RegistryProgressFunc progress;
        void *userdata;
        bool too_big;
        /* the request: NULL method is GET; PUT and PATCH send upload_size bytes of upload_buf, or of
         * upload_fd from upload_offset when upload_file */
        const char *method;
        const char *upload_content_type;
        const char *upload_buf;
        int upload_fd;
        bool upload_file;
        uint64_t upload_offset, upload_size, uploaded;
        const char *content_range; /* "Content-Range: START-END" of a PATCH */
} Exchange;

_printf_(3, 4) int client_fail(RegistryClient *c, int r, const char *fmt, ...);
bool curl_code_is_tls(CURLcode rc);
int exchange_rewind(Exchange *x, const char *expected_digest);
void exchange_done(Exchange *x);
/* Performs the request at url; *ret_rc is curl's code. Fails only on transport errors. */
int exchange_perform(Exchange *x, const char *url, const char *accept, bool with_auth, CURLcode *ret_rc);
/* GET /v2/<path>/<what>, with authentication and the plain-HTTP fallback; non-200 answers become errors. */
int registry_request(RegistryClient *c, const char *what, const char *accept, const char *expected_digest,
                     Exchange *x);
/* Sets the client's Authorization from a 401's WWW-Authenticate (a Bearer token, or Basic). */
int answer_challenge(RegistryClient *c, const char *challenge);
