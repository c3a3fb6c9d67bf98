/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-grpc-server.c — conman-cri's transport end to end in one process: the server (h2-server, grpc,
 * workers) on one end of a socketpair, a real HTTP/2 client (an nghttp2 client session) on the other.
 * The methods are a test table (CriServer.lookup) plus the real UpdateRuntimeConfig, which needs no bus;
 * the workers get no bus connection.
 */
#include <nghttp2/nghttp2.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/socket.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "shared/util.h"
#include "cri/cri-server.h"
#include "cri/grpc.h"

#define MAX_CALLS 128

typedef struct Call {
        int32_t id;
        bool closed;
        uint32_t rst_error;
        char http_status[8];
        int grpc_status; /* -1: none */
        char *grpc_message;
        unsigned n_header_blocks;
        uint8_t *body;
        size_t body_size;
} Call;

typedef struct Client {
        sd_event *event;
        CriServer *server;
        int fd;
        nghttp2_session *session;
        uint8_t *pending; /* what the socket did not take */
        size_t pending_size;
        Call calls[MAX_CALLS];
        unsigned n_calls;
} Client;

/* The test methods. */
static int method_echo(CriContext *ctx, const ProtobufCMessage *request, ProtobufCMessage **ret_response,
                       CriStatus *status) {
        const Runtime__V1__VersionRequest *req = (const Runtime__V1__VersionRequest *) request;
        Runtime__V1__VersionResponse *resp;

        if (streq(req->version, "fail"))
                return cri_fail(status, GRPC_NOT_FOUND, "no such thing: 100%% gone");
        resp = malloc(sizeof(*resp));
        runtime__v1__version_response__init(resp);
        resp->version = strdup(req->version);
        /* what the method saw: the bus (none here) and the deadline */
        if (asprintf(&resp->runtime_name, "bus=%s deadline=%s", ctx->bus ? "yes" : "no",
                     ctx->deadline_usec ? "yes" : "no") < 0)
                abort();
        if (ctx->deadline_usec) {
                uint64_t now = now_monotonic_usec();
                if (asprintf(&resp->runtime_version, "%" PRIu64,
                             ctx->deadline_usec > now ? ctx->deadline_usec - now : 0) < 0)
                        abort();
        }
        *ret_response = &resp->base;
        return GRPC_OK;
}

static int method_slow(CriContext *ctx, const ProtobufCMessage *request, ProtobufCMessage **ret_response,
                       CriStatus *status) {
        usleep(200 * 1000);
        return method_echo(ctx, request, ret_response, status);
}

static int method_no_response(CriContext *ctx, const ProtobufCMessage *request,
                              ProtobufCMessage **ret_response, CriStatus *status) {
        return GRPC_OK;
}

static const CriMethod test_methods[] = {
        { "/test.Test/Echo", &runtime__v1__version_request__descriptor, method_echo },
        { "/test.Test/Slow", &runtime__v1__version_request__descriptor, method_slow },
        { "/test.Test/NoResponse", &runtime__v1__version_request__descriptor, method_no_response },
        {},
};

static const CriMethod *test_lookup(const char *path) {
        for (const CriMethod *m = test_methods; m->path; m++)
                if (streq(m->path, path))
                        return m;
        return cri_method_lookup(path);
}

static int no_bus(sd_bus **ret) {
        *ret = NULL;
        return 0;
}

/* The client side. */
static Call *call_of(Client *c, int32_t id) {
        for (unsigned i = 0; i < c->n_calls; i++)
                if (c->calls[i].id == id)
                        return &c->calls[i];
        return NULL;
}

static int on_header(nghttp2_session *session, const nghttp2_frame *frame, const uint8_t *name,
                     size_t namelen, const uint8_t *value, size_t valuelen, uint8_t flags, void *userdata) {
        Call *call = call_of(userdata, frame->hd.stream_id);
        _cleanup_free_ char *v = strndup((const char *) value, valuelen);

        if (!call)
                return 0;
        if (namelen == 7 && memcmp(name, ":status", 7) == 0)
                snprintf(call->http_status, sizeof(call->http_status), "%s", v);
        else if (namelen == 11 && memcmp(name, "grpc-status", 11) == 0)
                call->grpc_status = atoi(v);
        else if (namelen == 12 && memcmp(name, "grpc-message", 12) == 0)
                call->grpc_message = grpc_percent_decode(v);
        return 0;
}

static int on_frame_recv(nghttp2_session *session, const nghttp2_frame *frame, void *userdata) {
        Call *call = call_of(userdata, frame->hd.stream_id);

        if (call && frame->hd.type == NGHTTP2_HEADERS)
                call->n_header_blocks++;
        return 0;
}

static int on_data(nghttp2_session *session, uint8_t flags, int32_t id, const uint8_t *data, size_t len,
                   void *userdata) {
        Call *call = call_of(userdata, id);

        if (!call)
                return 0;
        call->body = realloc(call->body, call->body_size + len);
        memcpy(call->body + call->body_size, data, len);
        call->body_size += len;
        return 0;
}

static int on_close(nghttp2_session *session, int32_t id, uint32_t error_code, void *userdata) {
        Call *call = call_of(userdata, id);

        if (call) {
                call->closed = true;
                call->rst_error = error_code;
        }
        return 0;
}

static void client_open(Client *c) {
        nghttp2_session_callbacks *cb;
        int fds[2];

        memset(c, 0, sizeof(*c));
        assert_int_equal(sd_event_new(&c->event), 0);
        assert_int_equal(cri_server_new(c->event, no_bus, &c->server), 0);
        c->server->lookup = test_lookup;
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
        assert_int_equal(cri_server_add_connection(c->server, fds[0]), 0);
        c->fd = fds[1];

        assert_int_equal(nghttp2_session_callbacks_new(&cb), 0);
        nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
        nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_frame_recv);
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, on_data);
        nghttp2_session_callbacks_set_on_stream_close_callback(cb, on_close);
        assert_int_equal(nghttp2_session_client_new(&c->session, cb, c), 0);
        nghttp2_session_callbacks_del(cb);
        assert_int_equal(nghttp2_submit_settings(c->session, NGHTTP2_FLAG_NONE, NULL, 0), 0);
}

static void client_close(Client *c) {
        for (unsigned i = 0; i < c->n_calls; i++) {
                free(c->calls[i].body);
                free(c->calls[i].grpc_message);
        }
        if (c->session)
                nghttp2_session_del(c->session);
        safe_close(c->fd);
        free(c->pending);
        cri_server_free(c->server);
        sd_event_unref(c->event);
}

static void client_send(Client *c) {
        for (;;) {
                const uint8_t *data;
                ssize_t n, k;

                if (c->pending_size > 0) {
                        k = send(c->fd, c->pending, c->pending_size, MSG_NOSIGNAL);
                        if (k < 0) {
                                assert_int_equal(errno, EAGAIN);
                                return;
                        }
                        memmove(c->pending, c->pending + k, c->pending_size - k);
                        c->pending_size -= k;
                        continue;
                }
                n = nghttp2_session_mem_send(c->session, &data);
                assert_true(n >= 0);
                if (n == 0)
                        return;
                c->pending = realloc(c->pending, n);
                memcpy(c->pending, data, n);
                c->pending_size = n;
        }
}

static void client_recv(Client *c) {
        uint8_t buf[65536];

        for (;;) {
                ssize_t n = recv(c->fd, buf, sizeof(buf), 0);

                if (n < 0) {
                        assert_int_equal(errno, EAGAIN);
                        return;
                }
                if (n == 0)
                        return;
                assert_int_equal(nghttp2_session_mem_recv(c->session, buf, n), n);
        }
}

static bool all_closed(Client *c) {
        for (unsigned i = 0; i < c->n_calls; i++)
                if (!c->calls[i].closed)
                        return false;
        return true;
}

/* Runs client and server until every call is answered (or 10 s pass). */
static void client_run(Client *c) {
        uint64_t end = now_monotonic_usec() + 10 * 1000000ULL;

        while (!all_closed(c) && now_monotonic_usec() < end) {
                client_send(c);
                assert_true(sd_event_run(c->event, 2000) >= 0);
                client_recv(c);
        }
        assert_true(all_closed(c));
}

static ssize_t read_body(nghttp2_session *session, int32_t id, uint8_t *buf, size_t length, uint32_t *flags,
                         nghttp2_data_source *source, void *userdata) {
        struct {
                const uint8_t *data;
                size_t size, offset;
        } *b = source->ptr;
        size_t n = MIN(length, b->size - b->offset);

        memcpy(buf, b->data + b->offset, n);
        b->offset += n;
        if (b->offset == b->size) {
                *flags |= NGHTTP2_DATA_FLAG_EOF;
                free(b);
        }
        return n;
}

#define NV(n, v)                                                                                             \
        { (uint8_t *) (n), (uint8_t *) (v), strlen(n), strlen(v), NGHTTP2_NV_FLAG_NONE }

/* Starts a call with a raw body; extra headers may replace the defaults (method, content type, timeout). */
static Call *call_raw(Client *c, const char *method, const char *path, const char *content_type,
                      const char *timeout, const uint8_t *body, size_t size) {
        nghttp2_nv nv[] = {
                NV(":method", method),
                NV(":scheme", "http"),
                NV(":authority", "/run/conman/cri.sock"),
                NV(":path", path),
                NV("content-type", content_type),
                NV("te", "trailers"),
                NV("grpc-timeout", timeout ?: ""),
        };
        struct {
                const uint8_t *data;
                size_t size, offset;
        } *b = calloc(1, sizeof(*b));
        nghttp2_data_provider provider = { .source.ptr = b, .read_callback = read_body };
        Call *call;

        assert_true(c->n_calls < MAX_CALLS);
        b->data = body;
        b->size = size;
        call = &c->calls[c->n_calls++];
        *call = (Call){ .grpc_status = -1 };
        call->id = nghttp2_submit_request(c->session, NULL, nv, timeout ? ELEMENTSOF(nv) : ELEMENTSOF(nv) - 1,
                                          &provider, NULL);
        assert_true(call->id > 0);
        return call;
}

/* Starts a call of a test method with a VersionRequest{version}. The frame lives in frames[]. */
static uint8_t *frames[MAX_CALLS];
static unsigned n_frames;

static Call *call_version(Client *c, const char *path, const char *version, const char *timeout) {
        Runtime__V1__VersionRequest req = RUNTIME__V1__VERSION_REQUEST__INIT;
        size_t size;

        req.version = (char *) version;
        assert_int_equal(grpc_frame_encode(&req.base, GRPC_MAX_MESSAGE_SIZE, &frames[n_frames], &size), 0);
        return call_raw(c, "POST", path, "application/grpc", timeout, frames[n_frames++], size);
}

static void frames_free(void) {
        while (n_frames > 0)
                free(frames[--n_frames]);
}

static Runtime__V1__VersionResponse *call_response(Call *call) {
        const uint8_t *msg;
        const char *error;
        size_t size;

        assert_int_equal(
                grpc_frame_decode(call->body, call->body_size, GRPC_MAX_MESSAGE_SIZE, &msg, &size, &error),
                GRPC_OK);
        return runtime__v1__version_response__unpack(NULL, size, msg);
}

static void test_echo(void **state) {
        Client c;
        Call *call;
        Runtime__V1__VersionResponse *resp;

        client_open(&c);
        call = call_version(&c, "/test.Test/Echo", "hello", NULL);
        client_run(&c);
        assert_string_equal(call->http_status, "200");
        assert_int_equal(call->grpc_status, 0);
        assert_int_equal(call->n_header_blocks, 2); /* headers, then trailers */
        resp = call_response(call);
        assert_non_null(resp);
        assert_string_equal(resp->version, "hello");
        assert_string_equal(resp->runtime_name, "bus=no deadline=no");
        runtime__v1__version_response__free_unpacked(resp, NULL);
        client_close(&c);
        frames_free();
}

static void test_method_error(void **state) {
        Client c;
        Call *call, *none;

        client_open(&c);
        call = call_version(&c, "/test.Test/Echo", "fail", NULL);
        none = call_version(&c, "/test.Test/NoResponse", "x", NULL);
        client_run(&c);
        assert_string_equal(call->http_status, "200");
        assert_int_equal(call->grpc_status, GRPC_NOT_FOUND);
        assert_string_equal(call->grpc_message, "no such thing: 100% gone");
        assert_int_equal(call->n_header_blocks, 1); /* trailers-only */
        assert_int_equal(call->body_size, 0);
        assert_int_equal(none->grpc_status, GRPC_INTERNAL);
        client_close(&c);
        frames_free();
}

static void test_timeout(void **state) {
        Client c;
        Call *call;
        Runtime__V1__VersionResponse *resp;
        uint64_t left;

        client_open(&c);
        call = call_version(&c, "/test.Test/Echo", "t", "5S");
        client_run(&c);
        assert_int_equal(call->grpc_status, 0);
        resp = call_response(call);
        assert_string_equal(resp->runtime_name, "bus=no deadline=yes");
        assert_int_equal(safe_atou64(resp->runtime_version, &left), 0);
        assert_true(left > 0 && left <= 5000000);
        runtime__v1__version_response__free_unpacked(resp, NULL);
        client_close(&c);
        frames_free();
}

static void test_unknown_method(void **state) {
        Client c;
        Call *call;

        client_open(&c);
        call = call_version(&c, "/runtime.v1.RuntimeService/NoSuchThing", "x", NULL);
        client_run(&c);
        assert_string_equal(call->http_status, "200");
        assert_int_equal(call->grpc_status, GRPC_UNIMPLEMENTED);
        assert_string_equal(call->grpc_message, "unknown method /runtime.v1.RuntimeService/NoSuchThing");
        assert_int_equal(call->n_header_blocks, 1);
        client_close(&c);
        frames_free();
}

static void test_bad_requests(void **state) {
        static const uint8_t garbage[] = { 0, 0, 0, 0, 3, 0xff, 0xff, 0xff };
        static const uint8_t compressed[] = { 1, 0, 0, 0, 1, 0 };
        static const uint8_t huge[] = { 0, 0x7f, 0, 0, 0 };
        static const uint8_t two[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
        Client c;
        Call *bad, *comp, *big, *twice, *empty, *get, *type;

        client_open(&c);
        bad = call_raw(&c, "POST", "/test.Test/Echo", "application/grpc", NULL, garbage, sizeof(garbage));
        comp = call_raw(&c, "POST", "/test.Test/Echo", "application/grpc", NULL, compressed,
                        sizeof(compressed));
        big = call_raw(&c, "POST", "/test.Test/Echo", "application/grpc+proto", NULL, huge, sizeof(huge));
        twice = call_raw(&c, "POST", "/test.Test/Echo", "application/grpc", NULL, two, sizeof(two));
        empty = call_raw(&c, "POST", "/test.Test/Echo", "application/grpc", NULL, two, 0);
        get = call_raw(&c, "GET", "/test.Test/Echo", "application/grpc", NULL, two, 5);
        type = call_raw(&c, "POST", "/test.Test/Echo", "application/grpcx", NULL, two, 5);
        client_run(&c);
        assert_int_equal(bad->grpc_status, GRPC_INVALID_ARGUMENT);
        assert_int_equal(comp->grpc_status, GRPC_UNIMPLEMENTED);
        assert_int_equal(big->grpc_status, GRPC_RESOURCE_EXHAUSTED);
        assert_int_equal(twice->grpc_status, GRPC_INTERNAL);
        assert_int_equal(empty->grpc_status, GRPC_INTERNAL);
        assert_string_equal(get->http_status, "405");
        assert_string_equal(type->http_status, "415");
        client_close(&c);
}

static void test_body_over_limit(void **state) {
        size_t size = GRPC_FRAME_HEADER_SIZE + GRPC_MAX_MESSAGE_SIZE + 1;
        _cleanup_free_ uint8_t *body = calloc(1, size);
        Client c;
        Call *call, *after;

        grpc_frame_header(body, GRPC_MAX_MESSAGE_SIZE + 1);
        client_open(&c);
        call = call_raw(&c, "POST", "/test.Test/Echo", "application/grpc", NULL, body, size);
        after = call_version(&c, "/test.Test/Echo", "still here", NULL);
        client_run(&c);
        assert_int_equal(call->grpc_status, GRPC_RESOURCE_EXHAUSTED);
        assert_int_equal(after->grpc_status, 0);
        client_close(&c);
        frames_free();
}

/* 4 MiB each way: flow control in both directions, and a socket that takes the answer in many writes. */
static void test_large_message(void **state) {
        size_t size = 4U << 20;
        _cleanup_free_ char *big = malloc(size + 1);
        Runtime__V1__VersionResponse *resp;
        Client c;
        Call *call, *small;

        memset(big, 'x', size);
        big[size] = '\0';
        client_open(&c);
        call = call_version(&c, "/test.Test/Echo", big, NULL);
        small = call_version(&c, "/test.Test/Echo", "small", NULL);
        client_run(&c);
        assert_int_equal(call->grpc_status, 0);
        assert_int_equal(small->grpc_status, 0);
        resp = call_response(call);
        assert_non_null(resp);
        assert_int_equal(strlen(resp->version), size);
        assert_string_equal(resp->version, big);
        runtime__v1__version_response__free_unpacked(resp, NULL);
        client_close(&c);
        frames_free();
}

static void test_update_runtime_config(void **state) {
        Runtime__V1__NetworkConfig net = RUNTIME__V1__NETWORK_CONFIG__INIT;
        Runtime__V1__RuntimeConfig config = RUNTIME__V1__RUNTIME_CONFIG__INIT;
        Runtime__V1__UpdateRuntimeConfigRequest req = RUNTIME__V1__UPDATE_RUNTIME_CONFIG_REQUEST__INIT;
        _cleanup_free_ uint8_t *good = NULL, *bad = NULL;
        _cleanup_free_ char *cidr = NULL;
        size_t good_size, bad_size;
        Client c;
        Call *ok, *invalid;

        config.network_config = &net;
        req.runtime_config = &config;
        net.pod_cidr = (char *) "10.244.1.0/24,fd00:10:244:1::/64";
        assert_int_equal(grpc_frame_encode(&req.base, GRPC_MAX_MESSAGE_SIZE, &good, &good_size), 0);
        net.pod_cidr = (char *) "10.244.1.0";
        assert_int_equal(grpc_frame_encode(&req.base, GRPC_MAX_MESSAGE_SIZE, &bad, &bad_size), 0);

        client_open(&c);
        ok = call_raw(&c, "POST", "/runtime.v1.RuntimeService/UpdateRuntimeConfig", "application/grpc", NULL,
                      good, good_size);
        client_run(&c);
        invalid = call_raw(&c, "POST", "/runtime.v1.RuntimeService/UpdateRuntimeConfig", "application/grpc",
                           NULL, bad, bad_size);
        client_run(&c);
        assert_int_equal(ok->grpc_status, 0);
        assert_int_equal(invalid->grpc_status, GRPC_INVALID_ARGUMENT);
        assert_int_equal(cri_server_get_pod_cidr(c.server, &cidr), 0);
        assert_string_equal(cidr, "10.244.1.0/24,fd00:10:244:1::/64");
        client_close(&c);
}

static void test_many_streams(void **state) {
        Client c;
        Call *calls[100];
        char name[16];

        client_open(&c);
        for (unsigned i = 0; i < ELEMENTSOF(calls); i++) {
                snprintf(name, sizeof(name), "call-%u", i);
                calls[i] = call_version(&c, i % 10 == 0 ? "/test.Test/Slow" : "/test.Test/Echo", name, NULL);
        }
        client_run(&c);
        for (unsigned i = 0; i < ELEMENTSOF(calls); i++) {
                Runtime__V1__VersionResponse *resp;

                snprintf(name, sizeof(name), "call-%u", i);
                assert_int_equal(calls[i]->grpc_status, 0);
                resp = call_response(calls[i]);
                assert_string_equal(resp->version, name);
                runtime__v1__version_response__free_unpacked(resp, NULL);
        }
        client_close(&c);
        frames_free();
}

/* The client goes away while its call runs: the job comes back to a closed connection. */
static void test_close_during_call(void **state) {
        Client c;
        uint64_t end;

        client_open(&c);
        (void) call_version(&c, "/test.Test/Slow", "gone", NULL);
        (void) call_version(&c, "/test.Test/Slow", "gone too", NULL);
        for (unsigned i = 0; i < 20; i++) { /* the requests reach the server and the workers */
                client_send(&c);
                assert_true(sd_event_run(c.event, 1000) >= 0);
        }
        c.fd = safe_close(c.fd);
        end = now_monotonic_usec() + 2 * 1000000ULL;
        while (now_monotonic_usec() < end && c.server->h2.n_conns > 0)
                assert_true(sd_event_run(c.event, 10000) >= 0);
        assert_int_equal(c.server->h2.n_conns, 0);
        /* the slow calls finish after the close: their answers find no connection */
        end = now_monotonic_usec() + 500000;
        while (now_monotonic_usec() < end)
                assert_true(sd_event_run(c.event, 10000) >= 0);
        client_close(&c);
        frames_free();
}

/* A peer that speaks no HTTP/2: the connection closes, the server goes on. */
static void test_garbage_connection(void **state) {
        Client c;
        uint64_t end;

        client_open(&c);
        assert_int_equal(send(c.fd, "GET / HTTP/1.1\r\n\r\n", 18, MSG_NOSIGNAL), 18);
        end = now_monotonic_usec() + 2 * 1000000ULL;
        while (now_monotonic_usec() < end && c.server->h2.n_conns > 0) {
                assert_true(sd_event_run(c.event, 10000) >= 0);
                client_recv(&c);
        }
        assert_int_equal(c.server->h2.n_conns, 0);
        client_close(&c);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_echo),
                cmocka_unit_test(test_method_error),
                cmocka_unit_test(test_timeout),
                cmocka_unit_test(test_unknown_method),
                cmocka_unit_test(test_bad_requests),
                cmocka_unit_test(test_body_over_limit),
                cmocka_unit_test(test_large_message),
                cmocka_unit_test(test_update_runtime_config),
                cmocka_unit_test(test_many_streams),
                cmocka_unit_test(test_close_during_call),
                cmocka_unit_test(test_garbage_connection),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
