/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * grpc.h — gRPC over HTTP/2 for unary calls: the 5-byte message framing, the grpc-timeout and
 * grpc-message encodings, and the request handler that turns a finished HTTP/2 request into a CRI
 * method call on a worker (cri-worker.c) and its result into headers, one message and trailers.
 *
 * The framing and encodings are pure functions (unit-tested and fuzzed); grpc_on_request() is the
 * H2Server's handler, with the CriServer as its userdata.
 */
#pragma once

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>
#include <stdint.h>

#include "cri/cri.h"
#include "cri/h2-server.h"

#define GRPC_FRAME_HEADER_SIZE 5
#define GRPC_MAX_MESSAGE_SIZE                                                                                \
        (16U << 20) /* both ways, as grpc-go's default for a server's receive is 4 MiB */

/* Finds the one message of a unary request's body. On GRPC_OK, *ret_message (pointing into body) and
 * *ret_size are set; else *ret_error says why: a body that is not exactly one frame is INTERNAL, a
 * compressed frame UNIMPLEMENTED, a message longer than max_size RESOURCE_EXHAUSTED. */
GrpcCode grpc_frame_decode(const uint8_t *body, size_t size, size_t max_size, const uint8_t **ret_message,
                           size_t *ret_size, const char **ret_error);
/* The prefix of an uncompressed message of size bytes. */
void grpc_frame_header(uint8_t header[static GRPC_FRAME_HEADER_SIZE], uint32_t size);
/* Packs a message into a frame (prefix + message), malloc()ed. -E2BIG beyond max_size. */
int grpc_frame_encode(const ProtobufCMessage *message, size_t max_size, uint8_t **ret, size_t *ret_size);

/* grpc-message's percent-encoding: bytes outside 0x20..0x7e and '%' become %XX. */
char *grpc_percent_encode(const char *s);
/* The reverse, for clients and tests; a malformed escape stays as it is (as the spec asks). */
char *grpc_percent_decode(const char *s);
/* grpc-timeout ("1*8DIGIT" and one of H M S m u n) in microseconds, rounded up. -EINVAL if malformed. */
int grpc_timeout_parse(const char *s, uint64_t *ret_usec);

const char *grpc_code_to_string(GrpcCode code);

/* The H2Server's request handler; userdata is the CriServer. */
void grpc_on_request(H2Conn *conn, H2Stream *stream, void *userdata);
