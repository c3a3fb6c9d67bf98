/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-stream-server.c — the streaming server (cri/stream-server.c and its sessions) in one process: the
 * server runs in an sd-event loop on the main thread with a fake backend (exec runs the command here
 * with pipes, port forward connects to a local port), and a SPDY client built on cri/spdy.c talks to it
 * from a second thread as client-go would: the HTTP upgrade, one stream per channel, data, FIN.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "shared/macro.h"
#include "cri/spdy.h"
#include "cri/stream-server.h"

/* The fake backend */

typedef struct FakeExec {
        sd_event_source *child;
} FakeExec;

static unsigned last_width, last_height;

static void fake_free(void *p) {
        FakeExec *f = p;

        sd_event_source_disable_unref(f->child);
        free(f);
}

static int on_child(sd_event_source *es, const siginfo_t *si, void *userdata) {
        stream_session_exited(userdata, si->si_code == CLD_EXITED ? si->si_status : 128 + si->si_status);
        return 0;
}

static int fake_start(StreamSession *s, const StreamRequest *req) {
        int in[2], out[2], err[2];
        FakeExec *f = calloc(1, sizeof(FakeExec));
        pid_t pid;

        if (!f || pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
                return -errno;
        stream_session_set_backend_data(s, f, fake_free);
        pid = fork();
        if (pid == 0) {
                dup2(in[0], 0), dup2(out[1], 1), dup2(err[1], 2);
                execv(req->cmd[0], req->cmd);
                _exit(127);
        }
        close(in[0]), close(out[1]), close(err[1]);
        if (sd_event_add_child(stream_server_event(stream_session_server(s)), &f->child, pid, WEXITED,
                               on_child, s) < 0)
                return -EIO;
        stream_session_started(s, in[1], out[0], err[0], false);
        return 0;
}

static int fake_resize(StreamSession *s, const StreamRequest *req, unsigned w, unsigned h) {
        last_width = w, last_height = h;
        return 0;
}

static int fake_connect(StreamServer *server, const StreamRequest *req, uint16_t port, int *ret_fd) {
        struct sockaddr_in sa = { .sin_family = AF_INET,
                                  .sin_port = htons(port),
                                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

        if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
                int r = -errno;
                close(fd);
                return r;
        }
        fcntl(fd, F_SETFL, O_NONBLOCK);
        *ret_fd = fd;
        return 0;
}

static const StreamBackend fake_backend = { fake_start, fake_resize, fake_connect };

/* The client (its own thread) */

typedef struct Client {
        int fd;
        SpdyCodec *codec;
        SpdyBuffer in;
        int status;         /* HTTP status */
        char protocol[64];  /* the X-Stream-Protocol-Version answered */
        SpdyBuffer data[8]; /* per stream id (odd ids 1..15 → index id/2) */
        bool fin[8], replied[8];
} Client;

static uint16_t server_port(StreamServer *s) {
        unsigned port = 0;

        assert_int_equal(sscanf(stream_server_address(s), "http://127.0.0.1:%u", &port), 1);
        return port;
}

static bool client_fill(Client *c) {
        struct pollfd p = { .fd = c->fd, .events = POLLIN };
        uint8_t buf[4096];
        ssize_t n;

        if (poll(&p, 1, 10000) <= 0)
                return false;
        n = read(c->fd, buf, sizeof(buf));
        if (n <= 0)
                return false;
        assert_int_equal(spdy_buffer_append(&c->in, buf, n), 0);
        return true;
}

static void client_open(Client *c, StreamServer *s, const char *path, const char *extra) {
        struct sockaddr_in sa = { .sin_family = AF_INET,
                                  .sin_port = htons(server_port(s)),
                                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        char req[1024];
        const uint8_t *end;
        const char *proto;
        int n;

        *c = (Client){ .fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0) };
        assert_int_equal(connect(c->fd, (struct sockaddr *) &sa, sizeof(sa)), 0);
        assert_int_equal(spdy_codec_new(&c->codec), 0);
        n = snprintf(req, sizeof(req), "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\n", path, extra);
        assert_int_equal(write(c->fd, req, n), n);
        while (c->in.size == 0 || !(end = memmem(c->in.data, c->in.size, "\r\n\r\n", 4)))
                assert_true(client_fill(c));
        assert_int_equal(spdy_buffer_append(&c->in, "", 1), 0); /* for sscanf(), dropped below */
        c->in.size--;
        end = memmem(c->in.data, c->in.size, "\r\n\r\n", 4);
        assert_int_equal(sscanf((const char *) c->in.data, "HTTP/1.1 %d", &c->status), 1);
        proto = memmem(c->in.data, end - c->in.data, "X-Stream-Protocol-Version: ", 27);
        if (proto)
                sscanf(proto + 27, "%63[^\r]", c->protocol);
        spdy_buffer_consume(&c->in, end - c->in.data + 4);
}

static void client_close(Client *c) {
        close(c->fd);
        spdy_codec_free(c->codec);
        spdy_buffer_done(&c->in);
        for (unsigned i = 0; i < ELEMENTSOF(c->data); i++)
                spdy_buffer_done(&c->data[i]);
}

static void client_syn(Client *c, uint32_t id, const char *type, const char *port, const char *request_id) {
        _cleanup_(spdy_buffer_done) SpdyBuffer b = {};
        SpdyHeaders h = {};

        assert_int_equal(spdy_headers_add(&h, "streamType", type), 0);
        if (port)
                assert_int_equal(spdy_headers_add(&h, "port", port), 0);
        if (request_id)
                assert_int_equal(spdy_headers_add(&h, "requestID", request_id), 0);
        assert_int_equal(spdy_build_syn_stream(c->codec, &b, id, 0, 0, 0, &h), 0);
        assert_int_equal(write(c->fd, b.data, b.size), (ssize_t) b.size);
        spdy_headers_done(&h);
}

static void client_data(Client *c, uint32_t id, const char *data, bool fin) {
        _cleanup_(spdy_buffer_done) SpdyBuffer b = {};

        assert_int_equal(spdy_build_data(&b, id, fin ? SPDY_FLAG_FIN : 0, data, strlen(data)), 0);
        assert_int_equal(write(c->fd, b.data, b.size), (ssize_t) b.size);
}

/* Reads frames until stream id has ended (FIN). */
static void client_wait_fin(Client *c, uint32_t id) {
        while (!c->fin[id / 2]) {
                SpdyFrame f = {};
                ssize_t n = spdy_parse_frame(c->codec, c->in.data, c->in.size, &f, NULL);

                assert_true(n >= 0);
                if (n == 0) {
                        assert_true(client_fill(c));
                        continue;
                }
                if (f.type == SPDY_SYN_REPLY)
                        c->replied[f.stream_id / 2] = true;
                if (f.type == SPDY_DATA) {
                        assert_true(c->replied[f.stream_id / 2]); /* no data before the reply */
                        spdy_buffer_append(&c->data[f.stream_id / 2], f.data, f.data_len);
                        c->fin[f.stream_id / 2] |= f.flags & SPDY_FLAG_FIN;
                }
                spdy_frame_done(&f);
                spdy_buffer_consume(&c->in, n);
        }
}

static const char *client_text(Client *c, uint32_t id) {
        spdy_buffer_append(&c->data[id / 2], "", 1);
        c->data[id / 2].size--;
        return (const char *) c->data[id / 2].data;
}

/* Running a client function on a thread while the loop turns */

typedef struct Run {
        StreamServer *server;
        void (*fn)(struct Run *r);
        char token[64];
        uint16_t port;
        volatile bool done;
} Run;

static void *run_thread(void *p) {
        Run *r = p;

        r->fn(r);
        r->done = true;
        return NULL;
}

static void run_client(sd_event *e, Run *r) {
        pthread_t t;

        assert_int_equal(pthread_create(&t, NULL, run_thread, r), 0);
        while (!r->done)
                assert_true(sd_event_run(e, 50000) >= 0);
        pthread_join(t, NULL);
}

static StreamRequest *request(StreamKind kind, const char *id) {
        StreamRequest *q = calloc(1, sizeof(StreamRequest));

        q->kind = kind;
        q->id = strdup(id);
        return q;
}

static void register_token(StreamServer *s, StreamRequest *q, char token[static 64]) {
        _cleanup_free_ char *t = NULL;

        assert_int_equal(stream_server_register(s, q, &t), 0);
        snprintf(token, 64, "%s", t);
}

/* exec */

static void exec_client(Run *r) {
        char path[128];
        Client c;

        snprintf(path, sizeof(path), "/exec/%s", r->token);
        client_open(
                &c, r->server, path,
                "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v5.channel.k8s.io\r\n"
                "X-Stream-Protocol-Version: v4.channel.k8s.io, v3.channel.k8s.io\r\n");
        assert_int_equal(c.status, 101);
        assert_string_equal(c.protocol, "v4.channel.k8s.io");
        client_syn(&c, 1, "error", NULL, NULL);
        client_syn(&c, 3, "stdin", NULL, NULL);
        client_syn(&c, 5, "stdout", NULL, NULL);
        client_syn(&c, 7, "stderr", NULL, NULL);
        client_data(&c, 3, "hello\n", true);
        client_wait_fin(&c, 5);
        client_wait_fin(&c, 7);
        client_wait_fin(&c, 1);
        assert_string_equal(client_text(&c, 5), "out\ngot:hello\n");
        assert_string_equal(client_text(&c, 7), "err\n");
        assert_non_null(strstr(client_text(&c, 1), "\"status\":\"Failure\""));
        assert_non_null(strstr(client_text(&c, 1), "\"reason\":\"NonZeroExitCode\""));
        assert_non_null(strstr(client_text(&c, 1), "{\"reason\":\"ExitCode\",\"message\":\"3\"}"));
        client_close(&c);

        /* the token was used */
        client_open(
                &c, r->server, path,
                "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n");
        assert_int_equal(c.status, 404);
        client_close(&c);
}

static void test_exec(void **state) {
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        _cleanup_(stream_server_freep) StreamServer *s = NULL;
        StreamRequest *q = request(STREAM_EXEC, "c1");
        char *cmd[] = { "/bin/sh", "-c", "echo out; echo err >&2; read x; echo got:$x; exit 3", NULL };
        Run r = { .fn = exec_client };

        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(stream_server_new(e, NULL, &fake_backend, &s), 0);
        assert_int_equal(stream_server_listen(s), 0);
        q->cmd = calloc(4, sizeof(char *));
        for (unsigned i = 0; i < 3; i++)
                q->cmd[i] = strdup(cmd[i]);
        q->in = q->out = q->err = true;
        register_token(s, q, r.token);
        r.server = s;
        run_client(e, &r);
}

/* backpressure: 4 MiB of stdin to a process that starts reading a while later (the server stops reading
 * the socket and resumes, frames waiting in its buffer are not forgotten) */

static void bulk_client(Run *r) {
        _cleanup_free_ char *chunk = malloc(32769);
        char path[128];
        Client c;

        snprintf(path, sizeof(path), "/exec/%s", r->token);
        client_open(
                &c, r->server, path,
                "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n");
        assert_int_equal(c.status, 101);
        client_syn(&c, 1, "error", NULL, NULL);
        client_syn(&c, 3, "stdin", NULL, NULL);
        client_syn(&c, 5, "stdout", NULL, NULL);
        memset(chunk, 'x', 32768);
        chunk[32768] = 0;
        for (unsigned i = 0; i < 128; i++)
                client_data(&c, 3, chunk, i == 127);
        client_wait_fin(&c, 5);
        client_wait_fin(&c, 1);
        assert_string_equal(client_text(&c, 5), "4194304\n");
        assert_non_null(strstr(client_text(&c, 1), "\"status\":\"Success\""));
        client_close(&c);
}

static void test_exec_backpressure(void **state) {
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        _cleanup_(stream_server_freep) StreamServer *s = NULL;
        StreamRequest *q = request(STREAM_EXEC, "c1");
        char *cmd[] = { "/bin/sh", "-c", "sleep 1; wc -c", NULL };
        Run r = { .fn = bulk_client };

        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(stream_server_new(e, NULL, &fake_backend, &s), 0);
        assert_int_equal(stream_server_listen(s), 0);
        q->cmd = calloc(4, sizeof(char *));
        for (unsigned i = 0; i < 3; i++)
                q->cmd[i] = strdup(cmd[i]);
        q->in = q->out = true;
        register_token(s, q, r.token);
        r.server = s;
        run_client(e, &r);
}

/* exec with a terminal and v3: resize messages, an empty error stream on success */

static void tty_client(Run *r) {
        char path[128];
        Client c;

        snprintf(path, sizeof(path), "/exec/%s", r->token);
        client_open(
                &c, r->server, path,
                "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v3.channel.k8s.io\r\n");
        assert_int_equal(c.status, 101);
        assert_string_equal(c.protocol, "v3.channel.k8s.io");
        client_syn(&c, 1, "error", NULL, NULL);
        client_syn(&c, 3, "stdout", NULL, NULL);
        client_syn(&c, 5, "resize", NULL, NULL);
        client_data(&c, 5, "{\"Width\":120,\"Height\":40}\n{\"Width\":", false);
        client_data(&c, 5, "100,\"Height\":30}\n", false);
        client_wait_fin(&c, 3);
        client_wait_fin(&c, 1);
        assert_string_equal(client_text(&c, 3), "ok\n");
        assert_string_equal(client_text(&c, 1), "");
        client_close(&c);
}

static void test_exec_tty_resize(void **state) {
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        _cleanup_(stream_server_freep) StreamServer *s = NULL;
        StreamRequest *q = request(STREAM_EXEC, "c1");
        char *cmd[] = { "/bin/sh", "-c", "sleep 0.5; echo ok", NULL };
        Run r = { .fn = tty_client };

        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(stream_server_new(e, NULL, &fake_backend, &s), 0);
        assert_int_equal(stream_server_listen(s), 0);
        q->cmd = calloc(4, sizeof(char *));
        for (unsigned i = 0; i < 3; i++)
                q->cmd[i] = strdup(cmd[i]);
        q->out = q->tty = true;
        register_token(s, q, r.token);
        r.server = s;
        run_client(e, &r);
        assert_int_equal(last_width, 100);
        assert_int_equal(last_height, 30);
}

/* port forward */

static void *echo_once(void *p) {
        int lfd = (int) (intptr_t) p, fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        char buf[256] = "pong:";
        ssize_t n, got = 5;

        while ((n = read(fd, buf + got, sizeof(buf) - got - 1)) > 0)
                got += n;
        assert_int_equal(write(fd, buf, got), got);
        close(fd);
        return NULL;
}

static void portforward_client(Run *r) {
        char path[128], port[16], closed[16];
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t len = sizeof(sa);
        int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        pthread_t t;
        Client c;

        assert_int_equal(bind(lfd, (struct sockaddr *) &sa, sizeof(sa)), 0);
        assert_int_equal(listen(lfd, 1), 0);
        assert_int_equal(getsockname(lfd, (struct sockaddr *) &sa, &len), 0);
        snprintf(port, sizeof(port), "%u", ntohs(sa.sin_port));
        snprintf(closed, sizeof(closed), "%u", r->port);
        assert_int_equal(pthread_create(&t, NULL, echo_once, (void *) (intptr_t) lfd), 0);

        snprintf(path, sizeof(path), "/portforward/%s", r->token);
        client_open(
                &c, r->server, path,
                "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n");
        assert_int_equal(c.status, 101);
        client_syn(&c, 1, "error", port, "0");
        client_data(&c, 1, "", true); /* client-go closes its side of the error stream at once */
        client_syn(&c, 3, "data", port, "0");
        client_data(&c, 3, "ping", true);
        client_wait_fin(&c, 3);
        client_wait_fin(&c, 1);
        assert_string_equal(client_text(&c, 3), "pong:ping");
        assert_string_equal(client_text(&c, 1), "");

        /* a port nobody listens on: the error stream says so */
        client_syn(&c, 5, "error", closed, "1");
        client_syn(&c, 7, "data", closed, "1");
        client_wait_fin(&c, 7);
        client_wait_fin(&c, 5);
        assert_non_null(strstr(client_text(&c, 5), "error forwarding port"));
        client_close(&c);
        pthread_join(t, NULL);
        close(lfd);
}

static void test_portforward(void **state) {
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        _cleanup_(stream_server_freep) StreamServer *s = NULL;
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t len = sizeof(sa);
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        Run r = { .fn = portforward_client };

        /* a port that was free a moment ago */
        assert_int_equal(bind(fd, (struct sockaddr *) &sa, sizeof(sa)), 0);
        assert_int_equal(getsockname(fd, (struct sockaddr *) &sa, &len), 0);
        r.port = ntohs(sa.sin_port);
        close(fd);
        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(stream_server_new(e, NULL, &fake_backend, &s), 0);
        assert_int_equal(stream_server_listen(s), 0);
        register_token(s, request(STREAM_PORTFORWARD, "p1"), r.token);
        r.server = s;
        run_client(e, &r);
}

/* refused requests and tokens */

static void refusals_client(Run *r) {
        static const struct {
                const char *path, *headers;
                int status;
        } cases[] = {
                { "exec", "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v9\r\n",
                  403 },
                { "exec", "Connection: keep-alive\r\n", 400 },
                { "shell", "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\n", 400 },
                { "attach",
                  "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n",
                  404 }, /* an exec token */
                { "exec",
                  "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n",
                  404 }, /* the token was spent by the wrong kind */
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char path[128];
                Client c;

                snprintf(path, sizeof(path), "/%s/%s", cases[i].path, r->token);
                client_open(&c, r->server, path, cases[i].headers);
                assert_int_equal(c.status, cases[i].status);
                client_close(&c);
        }
}

static void test_refusals(void **state) {
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        _cleanup_(stream_server_freep) StreamServer *s = NULL;
        Run r = { .fn = refusals_client };

        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(stream_server_new(e, NULL, &fake_backend, &s), 0);
        assert_int_equal(stream_server_listen(s), 0);
        register_token(s, request(STREAM_EXEC, "c1"), r.token);
        r.server = s;
        run_client(e, &r);
        assert_null(stream_server_take(s, r.token, STREAM_EXEC));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_exec),
                cmocka_unit_test(test_exec_backpressure),
                cmocka_unit_test(test_exec_tty_resize),
                cmocka_unit_test(test_portforward),
                cmocka_unit_test(test_refusals),
        };
        sigset_t mask;

        /* sd_event_add_child() wants SIGCHLD blocked in every thread */
        sigemptyset(&mask);
        sigaddset(&mask, SIGCHLD);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        signal(SIGPIPE, SIG_IGN);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
