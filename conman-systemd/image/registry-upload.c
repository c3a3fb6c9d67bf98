/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * registry-upload.c — the writing half of the distribution API client (see registry.h): HEAD of a blob,
 * cross-repository mounts, monolithic blob uploads (POST, then PUT ?digest=, which the registry checks),
 * manifests, and the authenticated GET /v2/ that login uses to check credentials.
 */
#include <inttypes.h>

#include "shared/log.h"
#include "shared/util.h"
#include "image/registry-internal.h"

#define AUTH_ATTEMPTS_MAX 2 /* a Bearer token for pull may be traded for one with push */

static int client_url(RegistryClient *c, const char *what, char **ret) {
        if (!what)
                return asprintf(ret, "%s://%s/v2/", c->plain_http ? "http" : "https", c->host) < 0 ? -ENOMEM
                                                                                                   : 0;
        return asprintf(ret, "%s://%s/v2/%s/%s", c->plain_http ? "http" : "https", c->host, c->path, what) < 0
                       ? -ENOMEM
                       : 0;
}

/* An upload session's Location, relative or absolute, with the digest query added when given. */
static int location_url(RegistryClient *c, const char *location, const char *digest, char **ret) {
        bool absolute = string_has_prefix(location, "http://") || string_has_prefix(location, "https://");
        const char *sep = strchr(location, '?') ? "&" : "?";
        int k;

        if (!absolute && location[0] != '/')
                return client_fail(c, -EPROTO, "registry %s sent an unusable upload location", c->host);
        k = asprintf(ret, "%s%s%s%s%s%s",
                     absolute        ? ""
                     : c->plain_http ? "http://"
                                     : "https://",
                     absolute ? "" : c->host, location, digest ? sep : "", digest ? "digest=" : "",
                     strempty(digest));
        return k < 0 ? -ENOMEM : 0;
}

/* Whether an absolute URL (an upload Location) points at the registry itself: credentials never go to
 * another host (a storage backend the registry hands uploads to). */
static bool url_is_registry(RegistryClient *c, const char *url) {
        const char *h = strstr(url, "://");
        size_t n;

        if (!h)
                return false;
        h += 3;
        n = strcspn(h, "/?#");
        return strlen(c->host) == n && strncasecmp(h, c->host, n) == 0;
}

/* One request with authentication (a 401 is answered, twice at most) and the plain-HTTP fallback. what is
 * a path below /v2/<repository>/ (NULL: /v2/ itself) or, with absolute, a whole URL. */
static int upload_request(RegistryClient *c, Exchange *x, const char *what, bool absolute) {
        unsigned challenges = 0;
        int r;

        for (unsigned attempt = 0; attempt < 4; attempt++) {
                _cleanup_free_ char *url = NULL;
                CURLcode rc;

                r = exchange_rewind(x, NULL);
                if (r < 0)
                        return r;
                r = absolute ? ((url = strdup(what)) ? 0 : -ENOMEM) : client_url(c, what, &url);
                if (r < 0)
                        return r;
                r = exchange_perform(x, url, NULL, !absolute || url_is_registry(c, url), &rc);
                if (r < 0 && curl_code_is_tls(rc) && !c->tls_verify && !c->plain_http && !absolute) {
                        log_debug("%s does not speak TLS, trying plain HTTP: %s", c->host, c->error);
                        c->plain_http = true;
                        continue;
                }
                if (r < 0 || x->status != 401 || challenges >= AUTH_ATTEMPTS_MAX)
                        return r;
                r = answer_challenge(c, x->www_authenticate);
                if (r < 0)
                        return r;
                challenges++;
        }
        return client_fail(c, -EPROTO, "registry %s: too many attempts", c->host);
}

static int upload_status_fail(RegistryClient *c, Exchange *x, const char *what) {
        if (x->status == 401 || x->status == 403)
                return client_fail(
                        c, -EACCES, "registry %s denied %s to %s/%s%s", c->host, what, c->host, c->path,
                        c->creds.user ? " with the given credentials" : " (no credentials; log in)");
        if (x->status == 404)
                return client_fail(c, -ENOENT, "registry %s: %s: repository %s not found", c->host, what,
                                   c->path);
        return client_fail(c, -EPROTO, "registry %s answered HTTP %ld to %s: %.200s", c->host, x->status,
                           what, x->buf ? x->buf : "");
}

int registry_blob_exists(RegistryClient *c, const char *digest) {
        _cleanup_free_ char *what = NULL;
        Exchange x = {
                .client = c, .fd = -EBADF, .max_size = 4096, .expected_size = UINT64_MAX, .method = "HEAD"
        };
        int r;

        if (!digest_is_valid(digest))
                return -EINVAL;
        if (asprintf(&what, "blobs/%s", digest) < 0)
                return -ENOMEM;
        r = upload_request(c, &x, what, false);
        if (r >= 0)
                r = x.status == 200 ? 1 : x.status == 404 ? 0 : upload_status_fail(c, &x, "a blob check");
        exchange_done(&x);
        return r;
}

/* POST to the uploads endpoint (query may ask for a mount): 1 when the blob was mounted (201), 0 with
 * *ret_location when an upload session was opened instead (202). */
static int upload_start(RegistryClient *c, const char *query, char **ret_location) {
        _cleanup_free_ char *what = NULL;
        Exchange x = {
                .client = c, .fd = -EBADF, .max_size = 4096, .expected_size = UINT64_MAX, .method = "POST"
        };
        int r;

        if (asprintf(&what, "blobs/uploads/%s", strempty(query)) < 0)
                return -ENOMEM;
        r = upload_request(c, &x, what, false);
        if (r >= 0 && x.status == 201)
                r = 1;
        else if (r >= 0 && x.status == 202 && !isempty(x.location))
                r = (*ret_location = TAKE_PTR(x.location)) ? 0 : -ENOMEM;
        else if (r >= 0)
                r = upload_status_fail(c, &x, "a blob upload");
        exchange_done(&x);
        return r;
}

int registry_mount_blob(RegistryClient *c, const char *digest, const char *from_path, char **ret_location) {
        _cleanup_free_ char *query = NULL;
        char *ef;
        int k;

        if (!digest_is_valid(digest))
                return -EINVAL;
        ef = curl_easy_escape(NULL, from_path, 0);
        if (!ef)
                return -ENOMEM;
        k = asprintf(&query, "?mount=%s&from=%s", digest, ef);
        curl_free(ef);
        if (k < 0)
                return -ENOMEM;
        return upload_start(c, query, ret_location);
}

/* One PATCH of bytes [offset, offset + size) to the session at *location, which moves to the Location the
 * registry answers with. */
static int upload_chunk(RegistryClient *c, char **location, int fd, uint64_t offset, uint64_t size,
                        RegistryProgressFunc progress, void *userdata) {
        _cleanup_free_ char *url = NULL, *range = NULL;
        Exchange x = { .client = c,
                       .fd = -EBADF,
                       .max_size = 4096,
                       .expected_size = UINT64_MAX,
                       .method = "PATCH",
                       .upload_content_type = "application/octet-stream",
                       .upload_fd = fd,
                       .upload_file = true,
                       .upload_offset = offset,
                       .upload_size = size,
                       .progress = progress,
                       .userdata = userdata };
        int r;

        if (asprintf(&range, "Content-Range: %" PRIu64 "-%" PRIu64, offset, offset + size - 1) < 0)
                return -ENOMEM;
        x.content_range = range;
        r = location_url(c, *location, NULL, &url);
        if (r >= 0)
                r = upload_request(c, &x, url, true);
        if (r >= 0 && (x.status != 202 || isempty(x.location)))
                r = upload_status_fail(c, &x, "a blob chunk");
        if (r >= 0) {
                free(*location);
                *location = TAKE_PTR(x.location);
        }
        exchange_done(&x);
        return r;
}

/* The closing PUT ?digest=: the whole blob (monolithic) or, after chunks, nothing. */
static int upload_finish(RegistryClient *c, const char *location, const char *digest, int fd, uint64_t size,
                         RegistryProgressFunc progress, void *userdata) {
        _cleanup_free_ char *url = NULL;
        Exchange x = { .client = c,
                       .fd = -EBADF,
                       .max_size = 4096,
                       .expected_size = UINT64_MAX,
                       .method = "PUT",
                       .upload_content_type = "application/octet-stream",
                       .upload_fd = fd,
                       .upload_file = fd >= 0,
                       .upload_buf = fd >= 0 ? NULL : "",
                       .upload_size = size,
                       .progress = progress,
                       .userdata = userdata };
        int r;

        r = location_url(c, location, digest, &url);
        if (r >= 0)
                r = upload_request(c, &x, url, true);
        if (r >= 0 && x.status != 201)
                r = x.status == 400 ? client_fail(c, -EBADMSG, "registry %s refused blob %s: %.200s", c->host,
                                                  digest, x.buf ? x.buf : "")
                                    : upload_status_fail(c, &x, "a blob upload");
        exchange_done(&x);
        return r;
}

int registry_upload_blob(RegistryClient *c, const char *digest, int fd, uint64_t size, const char *location,
                         uint64_t chunk_size, RegistryProgressFunc progress, void *userdata) {
        _cleanup_free_ char *session = NULL;
        int r;

        if (!digest_is_valid(digest))
                return -EINVAL;
        if (location)
                session = strdup(location);
        else {
                r = upload_start(c, NULL, &session);
                if (r != 0) /* r > 0: a registry that finished the upload at POST */
                        return MIN(r, 0);
        }
        if (!session)
                return -ENOMEM;
        if (chunk_size == 0 || size <= chunk_size)
                return upload_finish(c, session, digest, fd, size, progress, userdata);
        for (uint64_t offset = 0; offset < size; offset += chunk_size) {
                r = upload_chunk(c, &session, fd, offset, MIN(chunk_size, size - offset), progress, userdata);
                if (r < 0)
                        return r;
        }
        return upload_finish(c, session, digest, -EBADF, 0, NULL, NULL);
}

int registry_put_manifest(RegistryClient *c, const char *tag, const char *body, size_t size,
                          const char *media_type) {
        _cleanup_free_ char *what = NULL;
        Exchange x = { .client = c,
                       .fd = -EBADF,
                       .max_size = 4096,
                       .expected_size = UINT64_MAX,
                       .method = "PUT",
                       .upload_content_type = media_type,
                       .upload_buf = body,
                       .upload_size = size };
        int r;

        if (asprintf(&what, "manifests/%s", tag) < 0)
                return -ENOMEM;
        r = upload_request(c, &x, what, false);
        if (r >= 0 && x.status != 201)
                r = upload_status_fail(c, &x, "the manifest");
        exchange_done(&x);
        return r;
}

int registry_check_login(RegistryClient *c) {
        Exchange x = { .client = c, .fd = -EBADF, .max_size = 4096, .expected_size = UINT64_MAX };
        int r;

        r = upload_request(c, &x, NULL, false);
        if (r >= 0 && x.status == 401)
                r = client_fail(c, -EACCES, "registry %s refused the credentials", c->host);
        else if (r >= 0 && x.status != 200)
                r = client_fail(c, -EPROTO, "registry %s answered HTTP %ld to GET /v2/", c->host, x.status);
        exchange_done(&x);
        return r;
}
