/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stream-conmand.c — the streaming server's backend on conmand (stream_backend_conmand), with
 * asynchronous D-Bus calls on the server's bus so the event loop never waits:
 *   exec    ExecContainer with pipes as the process's stdio (or a terminal: its PTY master comes back),
 *           then WaitExec for the exit code; a resize is TIOCSWINSZ on the PTY master;
 *   attach  AttachContainerStdio (its fds and whether the container has a terminal), a resize is
 *           ResizeContainerTerminal;
 *   port forward  a TCP connection to 127.0.0.1:PORT (then [::1]) made from a short-lived thread that
 *           entered the pod's network namespace (/run/netns/conman-<first 12 hex of the pod id>,
 *           docs/pods.md); a pod without one (host network) is reached in ours.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "shared/log.h"
#include "shared/macro.h"
#include "shared/util.h"
#include "cri/stream-server.h"

#define CONMAND_CALL_USEC (60ULL * 1000000)

typedef struct ConmandExec {
        sd_bus_slot *slot;
        StreamSession *session;
        sd_bus *bus;
        char *exec_id; /* until WaitExec answered */
        int ours[3];   /* our ends of the stdio pipes until ExecContainer answered */
        int terminal_fd;
        bool tty;
} ConmandExec;

static int on_abandoned_wait(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        return 0;
}

static void conmand_exec_free(void *p) {
        ConmandExec *x = p;

        if (!x)
                return;
        sd_bus_slot_unref(x->slot);
        /* the client went away first: collect the exit code anyway, or conmand keeps it for ever */
        if (x->exec_id && x->bus)
                (void) sd_bus_call_method_async(x->bus, NULL, "io.conman1", "/io/conman1",
                                                "io.conman1.Manager", "WaitExec", on_abandoned_wait, NULL,
                                                "s", x->exec_id);
        free(x->exec_id);
        sd_bus_unref(x->bus);
        for (unsigned i = 0; i < 3; i++)
                safe_close(x->ours[i]);
        safe_close(x->terminal_fd);
        free(x);
}

static const char *bus_message(const sd_bus_error *e, const char *fallback) {
        return e && e->message ? e->message : fallback;
}

static int on_wait_reply(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        ConmandExec *x = userdata;
        int32_t code;

        x->slot = sd_bus_slot_unref(x->slot);
        if (sd_bus_message_is_method_error(m, NULL))
                return stream_session_failed(x->session,
                                             bus_message(sd_bus_message_get_error(m), "WaitExec failed")),
                       0;
        if (sd_bus_message_read(m, "i", &code) < 0)
                return stream_session_failed(x->session, "bad WaitExec reply"), 0;
        stream_session_exited(x->session, code);
        return 0;
}

static int exec_wait(ConmandExec *x, const char *exec_id) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        x->exec_id = strdup(exec_id);
        if (!x->exec_id)
                return -ENOMEM;
        /* no timeout: the process may run as long as it likes */
        r = sd_bus_message_new_method_call(x->bus, &m, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                           "WaitExec");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", exec_id);
        return r < 0 ? r : sd_bus_call_async(x->bus, &x->slot, m, on_wait_reply, x, UINT64_MAX);
}

static int dup_cloexec(int fd) {
        int r = fcntl(fd, F_DUPFD_CLOEXEC, 3);

        return r < 0 ? negative_errno() : r;
}

static int on_exec_reply(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        ConmandExec *x = userdata;
        const char *exec_id;
        int terminal, in = -EBADF, out = -EBADF, r;

        x->slot = sd_bus_slot_unref(x->slot);
        if (sd_bus_message_is_method_error(m, NULL))
                return stream_session_failed(x->session,
                                             bus_message(sd_bus_message_get_error(m), "exec failed")),
                       0;
        r = sd_bus_message_read(m, "sh", &exec_id, &terminal);
        if (r >= 0)
                r = exec_wait(x, exec_id);
        if (r >= 0 && x->tty) {
                x->terminal_fd = r = dup_cloexec(terminal);
                if (r >= 0)
                        out = r = dup_cloexec(terminal);
                if (r >= 0 && x->ours[0] >= 0) /* stdin asked for: it goes to the terminal */
                        in = r = dup_cloexec(terminal);
                x->ours[0] = safe_close(x->ours[0]);
        }
        if (r < 0) {
                safe_close(out);
                return stream_session_failed(x->session, "bad ExecContainer reply"), 0;
        }
        if (!x->tty) {
                in = TAKE_FD(x->ours[0]);
                out = TAKE_FD(x->ours[1]);
        }
        stream_session_started(x->session, in, out, TAKE_FD(x->ours[2]), x->tty);
        return 0;
}

/* A pipe whose other end goes to the process: *ret_child gets that end, x->ours[i] ours. */
static int exec_pipe(ConmandExec *x, unsigned i, bool want, int null_fd, int *ret_child) {
        int p[2];

        if (!want) {
                *ret_child = dup_cloexec(null_fd);
                return *ret_child;
        }
        if (pipe2(p, O_CLOEXEC) < 0)
                return negative_errno();
        x->ours[i] = i == 0 ? p[1] : p[0];
        *ret_child = i == 0 ? p[0] : p[1];
        return 0;
}

static int exec_start(StreamSession *s, const StreamRequest *req, sd_bus *bus) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        _cleanup_close_ int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        int child[3] = { -EBADF, -EBADF, -EBADF }, r = 0;
        ConmandExec *x = calloc(1, sizeof(ConmandExec));

        if (!x)
                return -ENOMEM;
        x->session = s;
        x->bus = sd_bus_ref(bus);
        x->tty = req->tty;
        x->terminal_fd = x->ours[0] = x->ours[1] = x->ours[2] = -EBADF;
        stream_session_set_backend_data(s, x, conmand_exec_free);
        if (null_fd < 0)
                return negative_errno();
        /* with a terminal the process's stdio is the terminal; stdin is remembered as ours[0] */
        if (req->tty && req->in)
                x->ours[0] = dup_cloexec(null_fd);
        for (unsigned i = 0; i < 3 && r >= 0; i++)
                r = exec_pipe(x, i,
                              !req->tty && (i == 0   ? req->in
                                            : i == 1 ? req->out
                                                     : req->err),
                              null_fd, &child[i]);
        if (r >= 0)
                r = sd_bus_message_new_method_call(bus, &m, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                                   "ExecContainer");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", req->id);
        if (r >= 0)
                r = sd_bus_message_append_strv(m, req->cmd);
        if (r >= 0)
                r = sd_bus_message_append(m, "a{sv}", 1, "Tty", "b", req->tty);
        if (r >= 0)
                r = sd_bus_message_append(m, "hhh", child[0], child[1], child[2]); /* sd-bus dups them */
        if (r >= 0)
                r = sd_bus_call_async(bus, &x->slot, m, on_exec_reply, x, CONMAND_CALL_USEC);
        for (unsigned i = 0; i < 3; i++)
                safe_close(child[i]);
        return r;
}

/* Attach */

static int on_attach_reply(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        ConmandExec *x = userdata;
        int fds[3], tty, r = 0;

        x->slot = sd_bus_slot_unref(x->slot);
        if (sd_bus_message_is_method_error(m, NULL))
                return stream_session_failed(x->session,
                                             bus_message(sd_bus_message_get_error(m), "attach failed")),
                       0;
        if (sd_bus_message_read(m, "hhhb", &fds[0], &fds[1], &fds[2], &tty) < 0)
                return stream_session_failed(x->session, "bad AttachContainerStdio reply"), 0;
        for (unsigned i = 0; i < 3 && r >= 0; i++)
                x->ours[i] = r = dup_cloexec(fds[i]);
        if (r < 0)
                return stream_session_failed(x->session, "cannot take the container's stdio"), 0;
        x->tty = tty;
        stream_session_started(x->session, TAKE_FD(x->ours[0]), TAKE_FD(x->ours[1]), TAKE_FD(x->ours[2]),
                               tty);
        return 0;
}

static int attach_start(StreamSession *s, const StreamRequest *req, sd_bus *bus) {
        ConmandExec *x = calloc(1, sizeof(ConmandExec));

        if (!x)
                return -ENOMEM;
        x->session = s;
        x->bus = sd_bus_ref(bus);
        x->terminal_fd = x->ours[0] = x->ours[1] = x->ours[2] = -EBADF;
        stream_session_set_backend_data(s, x, conmand_exec_free);
        return sd_bus_call_method_async(bus, &x->slot, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                        "AttachContainerStdio", on_attach_reply, x, "sa{sv}", req->id, 2,
                                        "Stdin", "b", req->in, "CloseStdinOnEOF", "b", req->stdin_once);
}

static int conmand_start(StreamSession *s, const StreamRequest *req) {
        sd_bus *bus = stream_server_bus(stream_session_server(s));

        if (!bus)
                return -ENOTCONN;
        return req->kind == STREAM_EXEC ? exec_start(s, req, bus) : attach_start(s, req, bus);
}

static int conmand_resize(StreamSession *s, const StreamRequest *req, unsigned width, unsigned height) {
        ConmandExec *x = stream_session_get_backend_data(s);
        struct winsize ws = { .ws_row = height, .ws_col = width };
        sd_bus *bus = stream_server_bus(stream_session_server(s));

        if (req->kind == STREAM_EXEC)
                return x && x->terminal_fd >= 0 && ioctl(x->terminal_fd, TIOCSWINSZ, &ws) < 0
                               ? negative_errno()
                               : 0;
        if (!x || !x->tty || !bus)
                return 0;
        return sd_bus_call_method_async(bus, NULL, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                        "ResizeContainerTerminal", NULL, NULL, "suu", req->id, height, width);
}

/* Port forward */

typedef struct ConnectJob {
        int netns_fd;
        uint16_t port;
        int fd, error;
} ConnectJob;

static int connect_loopback(uint16_t port, int family) {
        struct sockaddr_in in4 = { .sin_family = AF_INET,
                                   .sin_port = htons(port),
                                   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        struct sockaddr_in6 in6 = { .sin6_family = AF_INET6,
                                    .sin6_port = htons(port),
                                    .sin6_addr = IN6ADDR_LOOPBACK_INIT };
        struct timeval tv = { .tv_sec = 2 };
        _cleanup_close_ int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int r;

        if (fd < 0)
                return negative_errno();
        (void) setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)); /* bounds connect() */
        r = family == AF_INET ? connect(fd, (struct sockaddr *) &in4, sizeof(in4))
                              : connect(fd, (struct sockaddr *) &in6, sizeof(in6));
        if (r < 0)
                return negative_errno();
        if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
                return negative_errno();
        return TAKE_FD(fd);
}

/* On its own thread: setns() changes only the calling thread's network namespace, and the thread ends. */
static void *connect_thread(void *p) {
        ConnectJob *j = p;
        int fd;

        if (j->netns_fd >= 0 && setns(j->netns_fd, CLONE_NEWNET) < 0) {
                j->error = negative_errno();
                return NULL;
        }
        fd = connect_loopback(j->port, AF_INET);
        if (fd == -ECONNREFUSED) { /* a server on [::1] only */
                int fd6 = connect_loopback(j->port, AF_INET6);

                fd = fd6 >= 0 ? fd6 : fd;
        }
        if (fd < 0)
                j->error = fd;
        else
                j->fd = fd;
        return NULL;
}

static int conmand_connect(StreamServer *server, const StreamRequest *req, uint16_t port, int *ret_fd) {
        char path[64];
        ConnectJob j = { .port = port, .fd = -EBADF };
        pthread_t t;
        int r;

        snprintf(path, sizeof(path), "/run/netns/conman-%.12s", req->id);
        j.netns_fd = open(path, O_RDONLY | O_CLOEXEC);
        if (j.netns_fd < 0 && errno != ENOENT)
                return negative_errno();
        /* a connect to a loopback port is answered at once, so waiting for the thread does not stall us */
        r = -pthread_create(&t, NULL, connect_thread, &j);
        if (r == 0)
                r = -pthread_join(t, NULL);
        safe_close(j.netns_fd);
        if (r < 0)
                return r;
        if (j.error < 0)
                return j.error;
        *ret_fd = j.fd;
        return 0;
}

const StreamBackend stream_backend_conmand = {
        .start = conmand_start,
        .resize = conmand_resize,
        .connect = conmand_connect,
};
