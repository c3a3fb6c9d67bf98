/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * grpc.c — gRPC's unary calls over h2-server.c (see grpc.h): framing, header encodings, and the
 * request → worker → response path.
 */
#include <stdio.h>

#include "shared/log.h"
#include "shared/util.h"
#include "cri/cri-server.h"
#include "cri/cri-worker.h"
#include "cri/grpc.h"

static const char *const grpc_code_table[] = {
        [GRPC_OK] = "OK",
        [GRPC_CANCELLED] = "CANCELLED",
        [GRPC_UNKNOWN] = "UNKNOWN",
        [GRPC_INVALID_ARGUMENT] = "INVALID_ARGUMENT",
        [GRPC_DEADLINE_EXCEEDED] = "DEADLINE_EXCEEDED",
        [GRPC_NOT_FOUND] = "NOT_FOUND",
        [GRPC_ALREADY_EXISTS] = "ALREADY_EXISTS",
        [GRPC_PERMISSION_DENIED] = "PERMISSION_DENIED",
        [GRPC_RESOURCE_EXHAUSTED] = "RESOURCE_EXHAUSTED",
        [GRPC_FAILED_PRECONDITION] = "FAILED_PRECONDITION",
        [GRPC_ABORTED] = "ABORTED",
        [GRPC_OUT_OF_RANGE] = "OUT_OF_RANGE",
        [GRPC_UNIMPLEMENTED] = "UNIMPLEMENTED",
        [GRPC_INTERNAL] = "INTERNAL",
        [GRPC_UNAVAILABLE] = "UNAVAILABLE",
};

const char *grpc_code_to_string(GrpcCode code) {
        if ((int) code < 0 || (size_t) code >= ELEMENTSOF(grpc_code_table))
                return NULL;
        return grpc_code_table[code];
}

GrpcCode grpc_frame_decode(const uint8_t *body, size_t size, size_t max_size, const uint8_t **ret_message,
                           size_t *ret_size, const char **ret_error) {
        uint32_t len;

        if (size < GRPC_FRAME_HEADER_SIZE) {
                *ret_error = "the request has no message";
                return GRPC_INTERNAL;
        }
        len = (uint32_t) body[1] << 24 | (uint32_t) body[2] << 16 | (uint32_t) body[3] << 8 | body[4];
        if (body[0] == 1) {
                *ret_error = "compressed messages are not supported";
                return GRPC_UNIMPLEMENTED;
        }
        if (body[0] != 0) {
                *ret_error = "bad message flags";
                return GRPC_INTERNAL;
        }
        if (len > max_size) {
                *ret_error = "the message is larger than the limit";
                return GRPC_RESOURCE_EXHAUSTED;
        }
        if (size - GRPC_FRAME_HEADER_SIZE != len) {
                *ret_error = size - GRPC_FRAME_HEADER_SIZE < len ? "the message is truncated"
                                                                 : "a unary call takes one message";
                return GRPC_INTERNAL;
        }
        *ret_message = body + GRPC_FRAME_HEADER_SIZE;
        *ret_size = len;
        return GRPC_OK;
}

void grpc_frame_header(uint8_t header[static GRPC_FRAME_HEADER_SIZE], uint32_t size) {
        header[0] = 0;
        header[1] = size >> 24;
        header[2] = size >> 16;
        header[3] = size >> 8;
        header[4] = size;
}

int grpc_frame_encode(const ProtobufCMessage *message, size_t max_size, uint8_t **ret, size_t *ret_size) {
        size_t size = protobuf_c_message_get_packed_size(message);
        uint8_t *buf;

        if (size > max_size || size > UINT32_MAX)
                return -E2BIG;
        buf = malloc(GRPC_FRAME_HEADER_SIZE + size);
        if (!buf)
                return -ENOMEM;
        grpc_frame_header(buf, size);
        (void) protobuf_c_message_pack(message, buf + GRPC_FRAME_HEADER_SIZE);
        *ret = buf;
        *ret_size = GRPC_FRAME_HEADER_SIZE + size;
        return 0;
}

char *grpc_percent_encode(const char *s) {
        char *out = malloc(strlen(s) * 3 + 1), *p = out;

        if (!out)
                return NULL;
        for (const unsigned char *c = (const unsigned char *) s; *c; c++)
                if (*c < 0x20 || *c > 0x7e || *c == '%')
                        p += sprintf(p, "%%%02X", *c);
                else
                        *p++ = *c;
        *p = '\0';
        return out;
}

static int unhex(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -EINVAL;
}

char *grpc_percent_decode(const char *s) {
        char *out = malloc(strlen(s) + 1), *p = out;

        if (!out)
                return NULL;
        for (const char *c = s; *c; c++) {
                int hi = c[0] == '%' ? unhex(c[1]) : -EINVAL, lo = hi >= 0 ? unhex(c[2]) : -EINVAL;

                if (lo >= 0) {
                        *p++ = (char) (hi << 4 | lo);
                        c += 2;
                } else
                        *p++ = *c;
        }
        *p = '\0';
        return out;
}

int grpc_timeout_parse(const char *s, uint64_t *ret_usec) {
        static const struct {
                char unit;
                uint64_t mul, div; /* usec = value * mul / div, rounded up */
        } units[] = {
                { 'H', 3600ULL * 1000000ULL, 1 },
                { 'M', 60ULL * 1000000ULL, 1 },
                { 'S', 1000000ULL, 1 },
                { 'm', 1000ULL, 1 },
                { 'u', 1, 1 },
                { 'n', 1, 1000 },
        };
        size_t n = s ? strlen(s) : 0;
        uint64_t v = 0;

        if (n < 2 || n > 9)
                return -EINVAL;
        for (size_t i = 0; i < n - 1; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -EINVAL;
                v = v * 10 + (uint64_t) (s[i] - '0');
        }
        for (size_t i = 0; i < ELEMENTSOF(units); i++)
                if (units[i].unit == s[n - 1]) {
                        /* at most 99999999 H: 3.6e17 µs, below UINT64_MAX */
                        *ret_usec = (v * units[i].mul + units[i].div - 1) / units[i].div;
                        return 0;
                }
        return -EINVAL;
}

/* The response's first headers; :status and content-type, then the status when trailers-only. */
static int respond_status(H2Conn *c, H2Stream *s, const char *http_status, GrpcCode code,
                          const char *message) {
        _cleanup_free_ char *encoded = message ? grpc_percent_encode(message) : NULL;
        char code_str[16];
        H2Header h[] = {
                { ":status", http_status },
                { "content-type", "application/grpc" },
                { "grpc-status", code_str },
                { "grpc-message", encoded },
        };

        snprintf(code_str, sizeof(code_str), "%d", (int) code);
        return h2_stream_respond(c, s, h, encoded ? 4 : 3, NULL, 0, NULL, 0);
}

static int respond_message(H2Conn *c, H2Stream *s, uint8_t *frame, size_t frame_size) {
        H2Header h[] = {
                { ":status", "200" },
                { "content-type", "application/grpc" },
        };
        H2Header t[] = {
                { "grpc-status", "0" },
        };

        return h2_stream_respond(c, s, h, ELEMENTSOF(h), frame, frame_size, t, ELEMENTSOF(t));
}

static void respond_error(H2Conn *c, H2Stream *s, GrpcCode code, const char *message) {
        int r = respond_status(c, s, "200", code, message);

        if (r < 0)
                log_debug_errno(r, "Failed to answer stream %d: %m", h2_stream_id(s));
}

/* The job is back from the worker: answer, if the connection and the stream are still there. */
static void on_job_done(CriJob *job) {
        _cleanup_(h2_conn_unrefp) H2Conn *c = job->userdata;
        H2Stream *s = h2_conn_get_stream(c, job->stream_id);
        _cleanup_free_ uint8_t *frame = NULL;
        size_t frame_size;
        int r;

        if (s && job->code == GRPC_OK) {
                r = grpc_frame_encode(job->response, GRPC_MAX_MESSAGE_SIZE, &frame, &frame_size);
                if (r < 0)
                        respond_error(c, s, r == -E2BIG ? GRPC_RESOURCE_EXHAUSTED : GRPC_INTERNAL,
                                      r == -E2BIG ? "the response is larger than the limit"
                                                  : "out of memory");
                else if ((r = respond_message(c, s, TAKE_PTR(frame), frame_size)) < 0)
                        log_debug_errno(r, "Failed to answer %s: %m", job->method->path);
        } else if (s)
                respond_error(c, s, job->code, job->status.message);
        cri_job_free(job);
}

/* Checks what HTTP says about a gRPC request; answers and returns false if it is not one. */
static bool request_is_grpc(H2Conn *c, H2Stream *s) {
        const char *method = h2_stream_header(s, ":method"), *type = h2_stream_header(s, "content-type");

        if (!method || !streq(method, "POST")) {
                (void) respond_status(c, s, "405", GRPC_UNIMPLEMENTED, "gRPC calls are POST requests");
                return false;
        }
        if (!type || !string_has_prefix(type, "application/grpc") ||
            !strchr("+;", type[strlen("application/grpc")])) { /* strchr() finds the '\0' too */
                (void) respond_status(c, s, "415", GRPC_INTERNAL, "content-type must be application/grpc");
                return false;
        }
        return true;
}

/* Decodes the request message; answers and returns NULL on failure. */
static ProtobufCMessage *request_decode(H2Conn *c, H2Stream *s, const CriMethod *m) {
        const uint8_t *body, *msg;
        const char *error;
        size_t size, msg_size;
        GrpcCode code;
        ProtobufCMessage *req;

        if (h2_stream_overflowed(s)) {
                respond_error(c, s, GRPC_RESOURCE_EXHAUSTED, "the message is larger than the limit");
                return NULL;
        }
        body = h2_stream_body(s, &size);
        code = grpc_frame_decode(body, size, GRPC_MAX_MESSAGE_SIZE, &msg, &msg_size, &error);
        if (code != GRPC_OK) {
                respond_error(c, s, code, error);
                return NULL;
        }
        req = protobuf_c_message_unpack(m->request, NULL, msg_size, msg);
        if (!req)
                respond_error(c, s, GRPC_INVALID_ARGUMENT, "cannot decode the request message");
        return req;
}

void grpc_on_request(H2Conn *c, H2Stream *s, void *userdata) {
        CriServer *server = userdata;
        const char *path = h2_stream_header(s, ":path"), *timeout = h2_stream_header(s, "grpc-timeout");
        const CriMethod *m;
        uint64_t usec;
        CriJob *job;
        int r;

        if (!request_is_grpc(c, s))
                return;
        m = path ? server->lookup(path) : NULL;
        if (!m) {
                _cleanup_free_ char *message = NULL;

                log_debug("Unimplemented: %s", strna(path));
                if (asprintf(&message, "unknown method %s", strna(path)) < 0)
                        message = NULL;
                respond_error(c, s, GRPC_UNIMPLEMENTED, message ?: "unknown method");
                return;
        }
        job = calloc(1, sizeof(*job));
        if (!job) {
                respond_error(c, s, GRPC_RESOURCE_EXHAUSTED, "out of memory");
                return;
        }
        job->request = request_decode(c, s, m);
        if (!job->request) {
                free(job);
                return;
        }
        job->method = m;
        if (timeout && grpc_timeout_parse(timeout, &usec) >= 0)
                job->deadline_usec = now_monotonic_usec() + MAX(usec, 1U);
        job->done = on_job_done;
        job->userdata = h2_conn_ref(c);
        job->stream_id = h2_stream_id(s);
        r = cri_worker_submit(server->workers, job);
        if (r < 0) {
                h2_conn_unref(c);
                cri_job_free(job);
                respond_error(c, s, GRPC_RESOURCE_EXHAUSTED, "no worker thread");
        }
}
