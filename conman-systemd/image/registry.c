/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * registry.c — the distribution API client (see registry.h).
 */
#include <curl/curl.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdarg.h>

#include "conman-config.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/util.h"
#include "image/auth.h"
#include "image/manifest.h"
#include "image/registry-internal.h"

#define TOKEN_MAX_SIZE (1024U * 1024U)
#define ERROR_BODY_MAX 4096U
#define USER_AGENT     "conman-systemd/" CONMAN_VERSION

_printf_(3, 4) int client_fail(RegistryClient *c, int r, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(c->error, sizeof(c->error), fmt, ap);
        va_end(ap);
        return r;
}

int registry_global_init(void) {
        return curl_global_init(CURL_GLOBAL_ALL) == CURLE_OK ? 0 : -EIO;
}

static int credentials_copy(const Credentials *from, Credentials *to) {
        if ((from->user && !(to->user = strdup(from->user))) ||
            (from->password && !(to->password = strdup(from->password))) ||
            (from->identity_token && !(to->identity_token = strdup(from->identity_token))) ||
            (from->registry_token && !(to->registry_token = strdup(from->registry_token))))
                return credentials_done(to), -ENOMEM;
        return 0;
}

/* Inline credentials when they are for this endpoint, else auth.json's entry for it. */
static int client_credentials(RegistryClient *c, const Reference *ref, const RegistryEndpoint *endpoint,
                              const RegistryOptions *opts) {
        const char *who = endpoint && endpoint->host ? endpoint->host : ref->domain;
        const char *auth_file = opts->auth_file ?: auth_default_path();
        int r;

        if (opts->credentials &&
            (opts->credentials_server ? auth_server_matches(opts->credentials_server, who)
                                      : !endpoint || !endpoint->host))
                return credentials_copy(opts->credentials, &c->creds);
        if (!auth_file)
                return 0;
        r = auth_lookup(auth_file, who, &c->creds);
        return r == -ENOENT ? 0 : r;
}

int registry_client_new(const Reference *ref, const RegistryEndpoint *endpoint, const RegistryOptions *opts,
                        RegistryClient **ret) {
        _cleanup_(registry_client_freep) RegistryClient *c = calloc(1, sizeof(*c));
        bool mirror = endpoint && endpoint->host;
        int r;

        if (!c)
                return -ENOMEM;
        c->host = strdup(mirror ? endpoint->host : reference_registry_host(ref));
        if (mirror && endpoint->prefix)
                r = asprintf(&c->path, "%s/%s", endpoint->prefix, ref->path) < 0 ? -ENOMEM : 0;
        else
                r = (c->path = strdup(ref->path)) ? 0 : -ENOMEM;
        c->cert_dir = opts->cert_dir ? strdup(opts->cert_dir) : NULL;
        if (r < 0 || !c->host || (opts->cert_dir && !c->cert_dir))
                return -ENOMEM;
        c->tls_verify = endpoint ? endpoint->tls_verify : opts->tls_verify;
        c->plain_http = endpoint && endpoint->plain_http;
        c->cancel = opts->cancel;
        r = client_credentials(c, ref, endpoint, opts);
        if (r < 0)
                return r;
        if (c->creds.registry_token &&
            asprintf(&c->authorization, "Authorization: Bearer %s", c->creds.registry_token) < 0)
                return c->authorization = NULL, -ENOMEM;
        *ret = TAKE_PTR(c);
        return 0;
}

RegistryClient *registry_client_free(RegistryClient *c) {
        if (!c)
                return NULL;
        credentials_done(&c->creds);
        free(c->host);
        free(c->path);
        free(c->cert_dir);
        if (c->authorization)
                explicit_bzero(c->authorization, strlen(c->authorization));
        free(c->authorization);
        free(c);
        return NULL;
}

const char *registry_client_error(const RegistryClient *c) {
        return c->error;
}

static void exchange_reset_headers(Exchange *x) {
        free(x->content_type);
        free(x->www_authenticate);
        free(x->docker_digest);
        free(x->location);
        free(x->link);
        x->content_type = x->www_authenticate = x->docker_digest = x->location = x->link = NULL;
}

static char *header_value(const char *line, size_t n, const char *name) {
        size_t k = strlen(name);
        const char *v;

        if (n <= k + 1 || strncasecmp(line, name, k) != 0 || line[k] != ':')
                return NULL;
        v = line + k + 1;
        while (v < line + n && (*v == ' ' || *v == '\t'))
                v++;
        n -= (size_t) (v - line);
        while (n > 0 && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
                n--;
        return strndup(v, n);
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *userdata) {
        Exchange *x = userdata;
        size_t n = size * nmemb;
        char *v;

        if (n >= 5 && strneq(line, "HTTP/", 5)) /* a new response (after a redirect or 100) */
                exchange_reset_headers(x);
        else if ((v = header_value(line, n, "Content-Type"))) {
                free(x->content_type);
                x->content_type = v;
        } else if ((v = header_value(line, n, "WWW-Authenticate"))) {
                free(x->www_authenticate);
                x->www_authenticate = v;
        } else if ((v = header_value(line, n, "Location"))) {
                free(x->location);
                x->location = v;
        } else if ((v = header_value(line, n, "Link"))) {
                free(x->link);
                x->link = v;
        } else if ((v = header_value(line, n, "Docker-Content-Digest"))) {
                free(x->docker_digest);
                x->docker_digest = v;
        }
        return n;
}

static int sink_memory(Exchange *x, const char *data, size_t n, size_t max) {
        char *b;

        if (x->buf_size + n > max) {
                x->too_big = true;
                return -EFBIG;
        }
        b = realloc(x->buf, x->buf_size + n + 1);
        if (!b)
                return -ENOMEM;
        memcpy(b + x->buf_size, data, n);
        x->buf = b;
        x->buf_size += n;
        x->buf[x->buf_size] = 0;
        return 0;
}

static int sink_fd(Exchange *x, const char *data, size_t n) {
        return write_all(x->fd, data, n);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata) {
        Exchange *x = userdata;
        size_t n = size * nmemb;
        long status = 0;

        (void) curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &status);
        if (status != 200) /* keep the start of an error body for the message */
                return sink_memory(x, data, MIN(n, ERROR_BODY_MAX - MIN(x->buf_size, ERROR_BODY_MAX)),
                                   ERROR_BODY_MAX) < 0
                               ? 0
                               : n;
        x->received += n;
        if (x->expected_size != UINT64_MAX && x->received > x->expected_size) {
                x->too_big = true;
                return 0;
        }
        if (x->digester && digester_update(x->digester, data, n) < 0)
                return 0;
        if (x->fd >= 0 ? sink_fd(x, data, n) < 0 : sink_memory(x, data, n, x->max_size) < 0)
                return 0;
        if (x->progress)
                x->progress(x->received, x->userdata);
        return n;
}

static size_t on_upload(char *buf, size_t size, size_t nmemb, void *userdata) {
        Exchange *x = userdata;
        size_t n = MIN(size * nmemb, (size_t) (x->upload_size - x->uploaded));
        ssize_t k;

        if (n == 0)
                return 0;
        if (x->upload_buf) {
                memcpy(buf, x->upload_buf + x->uploaded, n);
                k = (ssize_t) n;
        } else {
                k = read(x->upload_fd, buf, n);
                if (k <= 0) /* the file shrank under us */
                        return CURL_READFUNC_ABORT;
        }
        x->uploaded += (uint64_t) k;
        if (x->progress)
                x->progress(x->upload_offset + x->uploaded, x->userdata);
        return (size_t) k;
}

/* PUT/POST/HEAD and the request body, from the exchange's method fields. */
static void exchange_setup_method(Exchange *x) {
        CURL *e = x->curl;

        if (!x->method)
                return;
        if (streq(x->method, "HEAD"))
                curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
        else if (streq(x->method, "POST")) {
                curl_easy_setopt(e, CURLOPT_POST, 1L);
                curl_easy_setopt(e, CURLOPT_POSTFIELDS, "");
                curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, 0L);
                curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
        } else if (streq(x->method, "PUT") || streq(x->method, "PATCH")) {
                if (streq(x->method, "PATCH"))
                        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "PATCH");
                curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
                curl_easy_setopt(e, CURLOPT_READFUNCTION, on_upload);
                curl_easy_setopt(e, CURLOPT_READDATA, x);
                curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t) x->upload_size);
                curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
        } else
                curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, x->method);
}

static int on_xferinfo(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow) {
        Exchange *x = userdata;
        return x->client->cancel && atomic_load(x->client->cancel) ? 1 : 0;
}

bool curl_code_is_tls(CURLcode rc) {
        return rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_PEER_FAILED_VERIFICATION ||
               rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_SSL_CIPHER || rc == CURLE_SSL_CACERT_BADFILE ||
               rc == CURLE_USE_SSL_FAILED;
}

static int curl_code_to_errno(Exchange *x, CURLcode rc) {
        switch (rc) {
        case CURLE_OK: return 0;
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY: return -EHOSTUNREACH;
        case CURLE_COULDNT_CONNECT: return -ECONNREFUSED;
        case CURLE_OPERATION_TIMEDOUT: return -ETIMEDOUT;
        case CURLE_ABORTED_BY_CALLBACK: return -ECANCELED;
        case CURLE_WRITE_ERROR: return x->too_big ? -EBADMSG : -EIO;
        case CURLE_OUT_OF_MEMORY: return -ENOMEM;
        default: return curl_code_is_tls(rc) ? -EPROTO : -EIO;
        }
}

static struct curl_slist *exchange_headers(Exchange *x, const char *accept, bool with_auth) {
        RegistryClient *c = x->client;
        struct curl_slist *h = NULL, *t;
        _cleanup_free_ char *a = NULL, *ct = NULL;

        if (accept && asprintf(&a, "Accept: %s", accept) < 0)
                return NULL;
        if (x->upload_content_type && asprintf(&ct, "Content-Type: %s", x->upload_content_type) < 0)
                return NULL;
        h = curl_slist_append(NULL, a ?: "Accept: */*");
        for (size_t i = 0; i < 2; i++) {
                const char *extra = i == 0 ? ct : x->content_range;

                if (!h || !extra)
                        continue;
                t = curl_slist_append(h, extra);
                if (!t)
                        return curl_slist_free_all(h), NULL;
                h = t;
        }
        if (h && with_auth && c->authorization) {
                t = curl_slist_append(h, c->authorization);
                if (!t)
                        return curl_slist_free_all(h), NULL;
                h = t;
        }
        return h;
}

static void exchange_setup(Exchange *x, const char *url, struct curl_slist *headers, char *errbuf) {
        RegistryClient *c = x->client;
        CURL *e = x->curl;

        curl_easy_setopt(e, CURLOPT_URL, url);
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(e, CURLOPT_USERAGENT, USER_AGENT);
        curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(e, CURLOPT_MAXREDIRS, 10L);
        curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
        curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_xferinfo);
        curl_easy_setopt(e, CURLOPT_XFERINFODATA, x);
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 30L);
        curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, 60L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, c->tls_verify ? 1L : 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, c->tls_verify ? 2L : 0L);
        if (c->cert_dir)
                curl_easy_setopt(e, CURLOPT_CAPATH, c->cert_dir);
        exchange_setup_method(x);
}

/* Empties what a previous attempt received. */
int exchange_rewind(Exchange *x, const char *expected_digest) {
        exchange_reset_headers(x);
        free(x->buf);
        x->buf = NULL;
        x->buf_size = x->received = 0;
        x->too_big = false;
        x->status = 0;
        x->uploaded = 0;
        if (x->upload_file && lseek(x->upload_fd, (off_t) x->upload_offset, SEEK_SET) < 0)
                return negative_errno();
        if (x->fd >= 0 && (ftruncate(x->fd, 0) < 0 || lseek(x->fd, 0, SEEK_SET) < 0))
                return negative_errno();
        x->digester = digester_free(x->digester);
        return expected_digest ? digester_new(&x->digester) : 0;
}

void exchange_done(Exchange *x) {
        exchange_reset_headers(x);
        free(x->buf);
        x->buf = NULL;
        x->digester = digester_free(x->digester);
        if (x->curl)
                curl_easy_cleanup(x->curl);
        x->curl = NULL;
}

int exchange_perform(Exchange *x, const char *url, const char *accept, bool with_auth, CURLcode *ret_rc) {
        struct curl_slist *headers;
        char errbuf[CURL_ERROR_SIZE] = "";
        CURLcode rc;

        headers = exchange_headers(x, accept, with_auth);
        if (!headers)
                return -ENOMEM;
        if (x->curl)
                curl_easy_reset(x->curl);
        else if (!(x->curl = curl_easy_init()))
                return curl_slist_free_all(headers), -ENOMEM;
        exchange_setup(x, url, headers, errbuf);
        rc = curl_easy_perform(x->curl);
        curl_slist_free_all(headers);
        (void) curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &x->status);
        *ret_rc = rc;
        if (rc != CURLE_OK)
                return client_fail(x->client, curl_code_to_errno(x, rc), "%s: %s", url,
                                   errbuf[0] ? errbuf : curl_easy_strerror(rc));
        return 0;
}

/* Reads one auth-param (key=value or key="quoted value") of a challenge; advances *p. */
static int challenge_param(const char **p, char *key, size_t key_size, char *value, size_t value_size) {
        const char *s = *p + strspn(*p, " ,\t");
        size_t n = strcspn(s, "= ,"), k = 0;

        if (*s == 0)
                return 0;
        if (s[n] != '=' || n == 0 || n >= key_size)
                return -EBADMSG;
        memcpy(key, s, n);
        key[n] = 0;
        s += n + 1;
        if (*s == '"') {
                for (s++; *s && *s != '"'; s++) {
                        if (*s == '\\' && s[1])
                                s++;
                        if (k + 1 >= value_size)
                                return -EBADMSG;
                        value[k++] = *s;
                }
                if (*s != '"')
                        return -EBADMSG;
                s++;
        } else
                for (; *s && *s != ',' && *s != ' '; s++) {
                        if (k + 1 >= value_size)
                                return -EBADMSG;
                        value[k++] = *s;
                }
        value[k] = 0;
        *p = s;
        return 1;
}

/* The realm of a Bearer challenge and the form "service=...&scope=..." to ask it. */
static int token_request(RegistryClient *c, const char *params, char **ret_realm, char **ret_form) {
        char key[64], value[2048], realm[2048] = "", service[2048] = "", scope[2048] = "";
        _cleanup_free_ char *default_scope = NULL;
        char *es, *esc;
        int r, k;

        while ((r = challenge_param(&params, key, sizeof(key), value, sizeof(value))) > 0) {
                if (strcasecmp(key, "realm") == 0)
                        snprintf(realm, sizeof(realm), "%s", value);
                else if (strcasecmp(key, "service") == 0)
                        snprintf(service, sizeof(service), "%s", value);
                else if (strcasecmp(key, "scope") == 0)
                        snprintf(scope, sizeof(scope), "%s", value);
        }
        if (r < 0 || !(string_has_prefix(realm, "https://") || string_has_prefix(realm, "http://")))
                return client_fail(c, -EPROTO, "registry %s sent an unusable Bearer challenge", c->host);
        if (!scope[0]) {
                if (asprintf(&default_scope, "repository:%s:pull", c->path) < 0)
                        return -ENOMEM;
                snprintf(scope, sizeof(scope), "%s", default_scope);
        }
        es = curl_easy_escape(NULL, service, 0);
        esc = curl_easy_escape(NULL, scope, 0);
        if (!es || !esc)
                k = -1;
        else
                k = asprintf(ret_form, "service=%s&scope=%s", es, esc);
        curl_free(es);
        curl_free(esc);
        if (k < 0 || !(*ret_realm = strdup(realm)))
                return -ENOMEM;
        return 0;
}

/* docker's OAuth2 refresh-token grant (POST to the realm), for an identity token. */
static int token_refresh_form(RegistryClient *c, const char *form, char **ret) {
        char *et = curl_easy_escape(NULL, c->creds.identity_token, 0);
        int k;

        if (!et)
                return -ENOMEM;
        k = asprintf(ret, "%s&grant_type=refresh_token&client_id=conman-systemd&refresh_token=%s", form, et);
        explicit_bzero(et, strlen(et));
        curl_free(et);
        return k < 0 ? -ENOMEM : 0;
}

static int token_from_response(RegistryClient *c, const char *body, size_t size) {
        _cleanup_json_ struct json_object *j = NULL;
        struct json_object *t;

        j = json_tokener_parse(body);
        if (!j ||
            (!json_object_object_get_ex(j, "token", &t) &&
             !json_object_object_get_ex(j, "access_token", &t)) ||
            !json_object_is_type(t, json_type_string) || isempty(json_object_get_string(t)))
                return client_fail(c, -EPROTO, "token service of %s answered without a token", c->host);
        free(c->authorization);
        if (asprintf(&c->authorization, "Authorization: Bearer %s", json_object_get_string(t)) < 0)
                return c->authorization = NULL, -ENOMEM;
        return 0;
}

static int fetch_bearer_token(RegistryClient *c, const char *params) {
        _cleanup_free_ char *realm = NULL, *form = NULL, *url = NULL, *post = NULL;
        Exchange x = { .client = c, .fd = -EBADF, .max_size = TOKEN_MAX_SIZE, .expected_size = UINT64_MAX };
        char errbuf[CURL_ERROR_SIZE] = "";
        struct curl_slist *h = NULL;
        CURLcode rc;
        int r;

        r = token_request(c, params, &realm, &form);
        if (r >= 0 && c->creds.identity_token)
                r = token_refresh_form(c, form, &post);
        if (r < 0)
                return r;
        if (!post && asprintf(&url, "%s%s%s", realm, strchr(realm, '?') ? "&" : "?", form) < 0)
                return -ENOMEM;
        if (!(x.curl = curl_easy_init()) || !(h = curl_slist_append(NULL, "Accept: application/json")))
                return exchange_done(&x), -ENOMEM;
        exchange_setup(&x, post ? realm : url, h, errbuf);
        if (post)
                curl_easy_setopt(x.curl, CURLOPT_COPYPOSTFIELDS, post);
        else if (c->creds.user) {
                curl_easy_setopt(x.curl, CURLOPT_USERNAME, c->creds.user);
                curl_easy_setopt(x.curl, CURLOPT_PASSWORD, c->creds.password);
        }
        rc = curl_easy_perform(x.curl);
        curl_slist_free_all(h);
        if (post)
                explicit_bzero(post, strlen(post));
        (void) curl_easy_getinfo(x.curl, CURLINFO_RESPONSE_CODE, &x.status);
        if (rc != CURLE_OK)
                r = client_fail(c, curl_code_to_errno(&x, rc), "token service %s: %s", realm, errbuf);
        else if (x.status == 401 || x.status == 403 || (post && x.status == 400))
                r = client_fail(c, -EACCES, "token service of %s refused the credentials%s", c->host,
                                c->creds.user || post ? "" : " (none were given; log in or pass --authfile)");
        else if (x.status != 200)
                r = client_fail(c, -EPROTO, "token service of %s answered HTTP %ld", c->host, x.status);
        else
                r = token_from_response(c, strempty(x.buf), x.buf_size);
        exchange_done(&x);
        return r;
}

int answer_challenge(RegistryClient *c, const char *challenge) {
        _cleanup_free_ char *basic = NULL, *userpass = NULL;

        if (challenge && strncasecmp(challenge, "Bearer ", 7) == 0)
                return fetch_bearer_token(c, challenge + 7);
        if (!challenge || strncasecmp(challenge, "Basic", 5) != 0)
                return client_fail(c, -EACCES, "registry %s wants authentication of an unknown kind",
                                   c->host);
        if (!c->creds.user || !c->creds.password)
                return client_fail(c, -EACCES,
                                   "registry %s requires credentials (a user name and password); none found "
                                   "(pass --authfile)",
                                   c->host);
        if (asprintf(&userpass, "%s:%s", c->creds.user, c->creds.password) < 0)
                return -ENOMEM;
        {
                unsigned char *out = malloc(4 * ((strlen(userpass) + 2) / 3) + 1);
                if (!out)
                        return -ENOMEM;
                EVP_EncodeBlock(out, (unsigned char *) userpass, (int) strlen(userpass));
                basic = (char *) out;
        }
        free(c->authorization);
        if (asprintf(&c->authorization, "Authorization: Basic %s", basic) < 0)
                return c->authorization = NULL, -ENOMEM;
        explicit_bzero(userpass, strlen(userpass));
        return 0;
}

static int status_to_errno(RegistryClient *c, Exchange *x, const char *path) {
        /* "manifests/1" → "manifest 1", "blobs/sha256:..." → "blob sha256:..." */
        const char *slash = strchr(path, '/');
        char what[256];

        snprintf(what, sizeof(what), "%.*s %s", slash ? (int) (slash - path - 1) : 0, path,
                 slash ? slash + 1 : path);
        switch (x->status) {
        case 200: return 0;
        case 404: return client_fail(c, -ENOENT, "%s not found in %s/%s", what, c->host, c->path);
        case 401:
        case 403:
                return client_fail(c, -EACCES, "registry %s denied access to %s/%s%s", c->host, c->host,
                                   c->path,
                                   c->creds.user ? " with the given credentials" : " (no credentials given)");
        default:
                return client_fail(c, -EPROTO, "registry %s answered HTTP %ld for %s: %.200s", c->host,
                                   x->status, what, x->buf ? x->buf : "");
        }
}

int registry_request(RegistryClient *c, const char *what, const char *accept, const char *expected_digest,
                     Exchange *x) {
        bool authed = false;
        int r;

        for (unsigned attempt = 0; attempt < 4; attempt++) {
                _cleanup_free_ char *url = NULL;
                CURLcode rc;

                r = exchange_rewind(x, expected_digest);
                if (r < 0)
                        return r;
                if (asprintf(&url, "%s://%s/v2/%s/%s", c->plain_http ? "http" : "https", c->host, c->path,
                             what) < 0)
                        return -ENOMEM;
                r = exchange_perform(x, url, accept, true, &rc);
                if (r < 0 && curl_code_is_tls(rc) && !c->tls_verify && !c->plain_http) {
                        log_debug("%s does not speak TLS, trying plain HTTP: %s", c->host, c->error);
                        c->plain_http = true;
                        continue;
                }
                if (r < 0)
                        return r;
                if (x->status != 401 || authed)
                        return status_to_errno(c, x, what);
                r = answer_challenge(c, x->www_authenticate);
                if (r < 0)
                        return r;
                authed = true;
        }
        return client_fail(c, -EPROTO, "registry %s: too many attempts", c->host);
}

static int check_digest(RegistryClient *c, Exchange *x, const char *what, const char *expected) {
        char actual[DIGEST_STRING_MAX];
        int r;

        r = digester_final(x->digester, actual);
        if (r < 0)
                return r;
        if (!streq(actual, expected))
                return client_fail(c, -EBADMSG, "%s from %s has digest %s, expected %s: refusing it", what,
                                   c->host, actual, expected);
        return 0;
}

int registry_get_manifest(RegistryClient *c, const char *tag_or_digest, char **ret_body, size_t *ret_size,
                          char **ret_content_type, char ret_digest[static DIGEST_STRING_MAX]) {
        static const char accept[] = MEDIA_TYPE_OCI_INDEX
                ", " MEDIA_TYPE_OCI_MANIFEST ", " MEDIA_TYPE_DOCKER_LIST ", " MEDIA_TYPE_DOCKER_MANIFEST;
        Exchange x = {
                .client = c, .fd = -EBADF, .max_size = MANIFEST_MAX_SIZE, .expected_size = UINT64_MAX
        };
        bool by_digest = digest_is_valid(tag_or_digest);
        _cleanup_free_ char *what = NULL;
        int r;

        if (asprintf(&what, "manifests/%s", tag_or_digest) < 0)
                return -ENOMEM;
        /* a digester is wanted whatever the reference: DIGEST_PREFIX just asks for one */
        r = registry_request(c, what, accept, DIGEST_PREFIX, &x);
        if (r >= 0)
                r = digester_final(x.digester, ret_digest);
        if (r >= 0 && by_digest && !streq(ret_digest, tag_or_digest))
                r = client_fail(c, -EBADMSG, "manifest %s from %s has digest %s: refusing it", tag_or_digest,
                                c->host, ret_digest);
        if (r >= 0 && !by_digest && x.docker_digest && digest_is_valid(x.docker_digest) &&
            !streq(x.docker_digest, ret_digest))
                r = client_fail(c, -EBADMSG, "manifest %s from %s has digest %s, the registry said %s",
                                tag_or_digest, c->host, ret_digest, x.docker_digest);
        if (r >= 0) {
                *ret_body = x.buf ?: strdup("");
                *ret_size = x.buf_size;
                *ret_content_type = x.content_type;
                x.buf = x.content_type = NULL;
        }
        exchange_done(&x);
        return r;
}

static int blob_path(const char *digest, char **ret) {
        return asprintf(ret, "blobs/%s", digest) < 0 ? -ENOMEM : 0;
}

static int registry_get_blob_into(RegistryClient *c, const char *digest, uint64_t size, Exchange *x) {
        _cleanup_free_ char *what = NULL;
        int r;

        if (!digest_is_valid(digest))
                return client_fail(c, -EINVAL, "invalid digest %s", digest);
        r = blob_path(digest, &what);
        if (r < 0)
                return r;
        x->expected_size = size;
        r = registry_request(c, what, NULL, digest, x);
        if (r == -EBADMSG && x->too_big)
                return client_fail(c, r,
                                   "blob %s from %s is larger than the %" PRIu64 " bytes the manifest says",
                                   digest, c->host, size);
        if (r < 0)
                return r;
        if (x->received != size)
                return client_fail(c, -EBADMSG,
                                   "blob %s from %s has %" PRIu64 " bytes, the manifest says %" PRIu64,
                                   digest, c->host, x->received, size);
        return check_digest(c, x, "blob", digest);
}

int registry_get_blob(RegistryClient *c, const char *digest, uint64_t size, int out_fd,
                      RegistryProgressFunc progress, void *userdata) {
        Exchange x = { .client = c, .fd = out_fd, .progress = progress, .userdata = userdata };
        int r;

        r = registry_get_blob_into(c, digest, size, &x);
        exchange_done(&x);
        return r;
}

int registry_get_blob_buffer(RegistryClient *c, const char *digest, uint64_t size, char **ret) {
        Exchange x = { .client = c, .fd = -EBADF, .max_size = CONFIG_MAX_SIZE };
        int r;

        if (size > CONFIG_MAX_SIZE)
                return client_fail(c, -EFBIG, "blob %s is too large (%" PRIu64 " bytes)", digest, size);
        r = registry_get_blob_into(c, digest, size, &x);
        if (r >= 0) {
                *ret = x.buf ?: strdup("");
                x.buf = NULL;
        }
        exchange_done(&x);
        return r;
}
