/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * console-socket.c — see console-socket.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "shared/macro.h"
#include "daemon/stdio/console-socket.h"

struct ConsoleSocket {
        char *path;
        int listen_fd, conn_fd;
        sd_event_source *listen_source, *conn_source;
        ConsoleReceived cb;
        void *userdata;
};

ConsoleSocket *console_socket_free(ConsoleSocket *s) {
        if (!s)
                return NULL;
        sd_event_source_disable_unref(s->listen_source);
        sd_event_source_disable_unref(s->conn_source);
        safe_close(s->listen_fd);
        safe_close(s->conn_fd);
        if (s->path)
                (void) unlink(s->path);
        free(s->path);
        free(s);
        return NULL;
}

/* One message from the runtime: the terminal's name as data, the master as SCM_RIGHTS. */
static int receive_master(int conn_fd) {
        char data[4096], control[CMSG_SPACE(sizeof(int) * 4)];
        struct iovec iov = { data, sizeof(data) };
        struct msghdr mh = {
                .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control)
        };
        int master = -EBADF;
        ssize_t n;

        n = recvmsg(conn_fd, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
        if (n < 0)
                return errno == EAGAIN || errno == EINTR ? -EAGAIN : negative_errno();
        for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
                if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
                        continue;
                size_t nfds = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (size_t i = 0; i < nfds; i++) {
                        int fd;
                        memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
                        if (master < 0)
                                master = fd;
                        else
                                safe_close(fd); /* one is all we take */
                }
        }
        if (master < 0)
                return n == 0 ? -EPIPE : -EBADMSG;
        if (!isatty(master)) {
                safe_close(master);
                return -ENOTTY;
        }
        return master;
}

static int on_console_conn(sd_event_source *source, int fd, uint32_t revents, void *userdata) {
        ConsoleSocket *s = userdata;
        int master = receive_master(fd);

        if (master == -EAGAIN)
                return 0;
        s->conn_source = sd_event_source_disable_unref(s->conn_source);
        s->conn_fd = safe_close(s->conn_fd);
        /* The callback may free s. */
        s->cb(master >= 0 ? master : -EBADF, master >= 0 ? 0 : master, s->userdata);
        return 0;
}

static int on_console_listen(sd_event_source *source, int fd, uint32_t revents, void *userdata) {
        ConsoleSocket *s = userdata;
        int conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        int r;

        if (conn < 0)
                return 0;
        if (s->conn_fd >= 0) {
                safe_close(conn); /* one runtime per socket */
                return 0;
        }
        r = sd_event_add_io(sd_event_source_get_event(source), &s->conn_source, conn, EPOLLIN,
                            on_console_conn, s);
        if (r < 0) {
                safe_close(conn);
                return 0;
        }
        s->conn_fd = conn;
        return 0;
}

int console_socket_new(sd_event *event, const char *path, ConsoleReceived cb, void *userdata,
                       ConsoleSocket **ret) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        ConsoleSocket *s;
        int r;

        if (strlen(path) >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        memcpy(sa.sun_path, path, strlen(path));
        s = calloc(1, sizeof(ConsoleSocket));
        if (!s)
                return -ENOMEM;
        *s = (ConsoleSocket){ .listen_fd = -EBADF, .conn_fd = -EBADF, .cb = cb, .userdata = userdata };
        s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (s->listen_fd < 0) {
                r = negative_errno();
                goto fail;
        }
        (void) unlink(path);
        if (bind(s->listen_fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 || chmod(path, 0600) < 0 ||
            listen(s->listen_fd, 1) < 0) {
                r = negative_errno();
                goto fail;
        }
        s->path = strdup(path);
        if (!s->path) {
                r = -ENOMEM;
                goto fail;
        }
        r = sd_event_add_io(event, &s->listen_source, s->listen_fd, EPOLLIN, on_console_listen, s);
        if (r < 0)
                goto fail;
        *ret = s;
        return 0;
fail:
        if (!s->path)
                (void) unlink(path);
        console_socket_free(s);
        return r;
}
