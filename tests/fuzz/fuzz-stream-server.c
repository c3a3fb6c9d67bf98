/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-stream-server.c — what a client sends the streaming server, whole: the HTTP request and upgrade,
 * then SPDY frames, through a socketpair into a StreamServer on its own event loop (cri/stream-server.c,
 * stream-remote.c, stream-portforward.c). The first byte chooses the request registered (exec, attach
 * or port forward; tty, stdin, stdout, stderr); "@TOKEN@" in the input becomes its token. The backend is
 * a fake whose process has no output and exits at once, and whose ports refuse connections.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "shared/macro.h"
#include "cri/stream-server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fake_start(StreamSession *s, const StreamRequest *req) {
        int p[2];

        if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
                return -errno;
        close(p[1]);
        stream_session_started(s, -EBADF, p[0], -EBADF, req->tty);
        if (req->kind == STREAM_EXEC)
                stream_session_exited(s, req->cmd ? 3 : 0);
        return 0;
}

static int fake_resize(StreamSession *s, const StreamRequest *req, unsigned w, unsigned h) {
        return 0;
}

static int fake_connect(StreamServer *server, const StreamRequest *req, uint16_t port, int *ret_fd) {
        return port % 2 ? -ECONNREFUSED : -EHOSTUNREACH;
}

static const StreamBackend fake_backend = { fake_start, fake_resize, fake_connect };

static StreamRequest *request_of(uint8_t b) {
        StreamRequest *r = calloc(1, sizeof(StreamRequest));

        if (!r)
                return NULL;
        r->kind = b % 3;
        r->id = strdup("0123456789abcdef");
        r->tty = b & 4, r->in = b & 8, r->out = b & 16, r->err = b & 32;
        if (b & 64) {
                r->cmd = calloc(2, sizeof(char *));
                if (r->cmd)
                        r->cmd[0] = strdup("/bin/true");
        }
        return r;
}

/* The input with "@TOKEN@" replaced by token. */
static char *substitute(const uint8_t *data, size_t size, const char *token, size_t *ret_size) {
        char *out = malloc(size * 5 + 1), *p = out;

        if (!out)
                return NULL;
        for (size_t i = 0; i < size;)
                if (size - i >= 7 && memcmp(data + i, "@TOKEN@", 7) == 0) {
                        p = stpcpy(p, token);
                        i += 7;
                } else
                        *p++ = data[i++];
        *ret_size = p - out;
        return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        _cleanup_(stream_server_freep) StreamServer *s = NULL;
        _cleanup_free_ char *token = NULL, *input = NULL;
        _cleanup_close_pair_ int fds[2] = { -EBADF, -EBADF };
        size_t len, off = 0;
        char sink[65536];

        if (size < 1 || size > 65536)
                return 0;
        signal(SIGPIPE, SIG_IGN);
        if (sd_event_new(&e) < 0 || stream_server_new(e, NULL, &fake_backend, &s) < 0)
                abort();
        if (stream_server_register(s, request_of(data[0]), &token) < 0)
                abort();
        input = substitute(data + 1, size - 1, token, &len);
        if (!input || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) < 0)
                abort();
        if (stream_server_add_connection(s, TAKE_FD(fds[0])) < 0)
                abort();
        /* feed it all, run the loop until it is idle, read what the server answered */
        for (unsigned round = 0; round < 1000; round++) {
                ssize_t n = off < len ? write(fds[1], input + off, len - off) : 0;
                int r;

                if (n > 0)
                        off += n;
                if (off == len)
                        (void) shutdown(fds[1], SHUT_WR);
                while (read(fds[1], sink, sizeof(sink)) > 0)
                        ;
                r = sd_event_run(e, 0);
                if (r < 0)
                        abort();
                if (r == 0 && off == len)
                        break;
        }
        return 0;
}
