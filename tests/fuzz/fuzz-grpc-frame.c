/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-grpc-frame.c — what conman-cri does with a request body and headers a client controls: the gRPC
 * frame, the protobuf message of every CRI method (the first byte picks the method), grpc-timeout and
 * percent-decoding.
 */
#include <stdint.h>
#include <stdlib.h>

#include "cri/grpc.h"

static const ProtobufCMessageDescriptor *descriptor_pick(uint8_t n) {
        const CriMethod *const tables[] = {
                cri_runtime_info_methods, cri_sandbox_methods, cri_container_methods,
                cri_image_methods,        cri_stats_methods,   cri_streaming_methods,
        };
        const CriMethod *all[256];
        size_t k = 0;

        for (size_t i = 0; i < ELEMENTSOF(tables); i++)
                for (const CriMethod *m = tables[i]; m->path && k < ELEMENTSOF(all); m++)
                        all[k++] = m;
        /* tables still empty: the requests with the most nesting */
        if (k == 0)
                return n % 2 ? &runtime__v1__create_container_request__descriptor
                             : &runtime__v1__run_pod_sandbox_request__descriptor;
        return all[n % k]->request;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const ProtobufCMessageDescriptor *d;
        const uint8_t *msg;
        const char *error;
        size_t msg_size;
        uint64_t usec;
        char *s, *t;

        if (size < 1)
                return 0;
        d = descriptor_pick(data[0]);
        if (grpc_frame_decode(data + 1, size - 1, GRPC_MAX_MESSAGE_SIZE, &msg, &msg_size, &error) ==
            GRPC_OK) {
                ProtobufCMessage *m = protobuf_c_message_unpack(d, NULL, msg_size, msg);
                if (m) {
                        uint8_t *frame;
                        size_t frame_size;
                        if (grpc_frame_encode(m, GRPC_MAX_MESSAGE_SIZE, &frame, &frame_size) == 0)
                                free(frame);
                        protobuf_c_message_free_unpacked(m, NULL);
                }
        }
        s = strndup((const char *) data + 1, size - 1);
        if (!s)
                return 0;
        (void) grpc_timeout_parse(s, &usec);
        t = grpc_percent_decode(s);
        free(t);
        t = grpc_percent_encode(s);
        free(t);
        free(s);
        return 0;
}
