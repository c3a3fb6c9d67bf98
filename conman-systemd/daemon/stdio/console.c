/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * console.c — see console.h.
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "daemon/stdio/console.h"
#include "daemon/fdstore.h"
#include "shared/log.h"
#include "daemon/stdio/output.h"
#include "shared/util.h"

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
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
                             .msg_controllen = sizeof(control) };
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
        r = sd_event_add_io(sd_event_source_get_event(source), &s->conn_source, conn, EPOLLIN, on_console_conn, s);
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

static int console_flush(Console *con) {
        ssize_t k;

        if (con->n_pending == 0)
                return 0;
        k = write(con->input_fd, con->pending, con->n_pending);
        if (k < 0)
                return errno == EAGAIN || errno == EINTR ? 0 : negative_errno();
        memmove(con->pending, con->pending + k, con->n_pending - (size_t) k);
        con->n_pending -= (size_t) k;
        return 0;
}

static void console_drop_input(Console *con, bool forget) {
        char name[FDSTORE_NAME_MAX];

        con->input_source = sd_event_source_disable_unref(con->input_source);
        con->input_fd = safe_close(con->input_fd);
        con->n_pending = 0;
        con->close_when_flushed = false;
        /* A TTY's stored fd is the master, forgotten with its output stream. */
        if (forget && streq(con->input_kind, "stdin") && fdstore_name("stdin", con->container->id, name) >= 0)
                (void) fdstore_remove(name);
}

static int on_console_writable(sd_event_source *source, int fd, uint32_t revents, void *userdata) {
        Console *con = userdata;
        Container *c = con->container;
        bool was_full = con->n_pending >= CONSOLE_INPUT_MAX;

        if (console_flush(con) < 0 || (revents & EPOLLERR)) {
                log_debug("The %s of container %s does not take input any more.", con->input_kind, c->name);
                console_drop_input(con, true);
                return 0;
        }
        if (con->n_pending == 0) {
                (void) sd_event_source_set_enabled(source, SD_EVENT_OFF);
                if (con->close_when_flushed) {
                        console_drop_input(con, true);
                        return 0;
                }
        }
        if (was_full && con->n_pending < CONSOLE_INPUT_MAX)
                attachments_input_ready(c, true);
        return 0;
}

static int console_set_input(Console *con, const char *kind, int fd) {
        int r;

        (void) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        r = sd_event_add_io(con->container->manager->event, &con->input_source, fd, EPOLLOUT, on_console_writable,
                            con);
        if (r < 0) {
                safe_close(fd);
                return r;
        }
        (void) sd_event_source_set_enabled(con->input_source, SD_EVENT_OFF);
        con->input_fd = fd;
        con->input_kind = kind;
        attachments_input_ready(con->container, true);
        return 0;
}

static Console *console_get(Container *c) {
        if (!c->console) {
                c->console = calloc(1, sizeof(Console));
                if (!c->console)
                        return NULL;
                *c->console = (Console){ .container = c, .input_fd = -EBADF, .input_kind = "stdin" };
        }
        return c->console;
}

/* A new run gets a new console; the size clients asked for before the start stays. */
static Console *console_renew(Container *c) {
        unsigned rows = c->console ? c->console->rows : 0, cols = c->console ? c->console->cols : 0;
        Console *con;

        console_free(c, true);
        con = console_get(c);
        if (con) {
                con->rows = rows;
                con->cols = cols;
        }
        return con;
}

static void console_apply_size(Console *con) {
        struct winsize ws = { .ws_row = (unsigned short) con->rows, .ws_col = (unsigned short) con->cols };

        if (con->output && con->rows > 0 && con->cols > 0 && ioctl(con->output->fd, TIOCSWINSZ, &ws) < 0)
                log_debug_errno(errno, "Failed to resize the terminal of %s: %m", con->container->name);
}

/* Takes master: reads it into the journal and attachments, writes input into a dup of it. */
static int console_take_master(Container *c, int master, bool store) {
        _cleanup_close_ int fd = master;
        Console *con = console_get(c);
        char name[FDSTORE_NAME_MAX];
        int dup_fd, r;

        if (!con)
                return -ENOMEM;
        if (store) {
                r = fdstore_name("console", c->id, name);
                if (r >= 0)
                        r = fdstore_push(fd, name);
                if (r < 0)
                        log_warning_errno(r, "Failed to keep the terminal of %s in the fd store, attach will not "
                                             "survive a restart of conmand: %m", c->name);
        }
        dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (dup_fd < 0)
                return negative_errno();
        r = output_stream_new(c, "console", TAKE_FD(fd), &con->output);
        if (r < 0) {
                safe_close(dup_fd);
                return r;
        }
        console_apply_size(con);
        return console_set_input(con, "console", dup_fd);
}

static void on_master_received(int master, int error, void *userdata) {
        Container *c = userdata;
        int r;

        c->console->socket = console_socket_free(c->console->socket);
        if (error < 0) {
                log_warning_errno(error, "The runtime did not hand over the terminal of %s: %m", c->name);
                return;
        }
        r = console_take_master(c, master, true);
        if (r < 0)
                log_warning_errno(r, "Failed to take the terminal of %s: %m", c->name);
        else
                log_debug("Got the terminal of %s from the runtime.", c->name);
}

int console_prepare_tty(Container *c, char **ret_socket_path) {
        _cleanup_free_ char *path = NULL;
        Console *con;
        int r;

        con = console_renew(c);
        if (!con || asprintf(&path, "%s/%s.console", c->manager->run_dir, c->id) < 0)
                return -ENOMEM;
        r = console_socket_new(c->manager->event, path, on_master_received, c, &con->socket);
        if (r < 0)
                return log_error_errno(r, "Failed to listen on the console socket %s: %m", path);
        *ret_socket_path = TAKE_PTR(path);
        return 0;
}

int console_prepare_stdin(Container *c, int *ret_stdin_r) {
        _cleanup_close_pair_ int p[2] = { -EBADF, -EBADF };
        char name[FDSTORE_NAME_MAX];
        Console *con;
        int r;

        con = console_renew(c);
        if (!con)
                return -ENOMEM;
        if (pipe2(p, O_CLOEXEC) < 0)
                return negative_errno();
        r = fdstore_name("stdin", c->id, name);
        if (r >= 0)
                r = fdstore_push(p[1], name);
        if (r < 0)
                log_warning_errno(r, "Failed to keep the stdin of %s in the fd store: %m", c->name);
        r = console_set_input(con, "stdin", TAKE_FD(p[1]));
        if (r < 0)
                return r;
        *ret_stdin_r = TAKE_FD(p[0]);
        return 0;
}

int console_adopt(Container *c, const char *kind, int fd) {
        Console *con;

        if (streq(kind, "console"))
                return console_take_master(c, fd, false);
        con = console_get(c);
        if (!con || con->input_fd >= 0) {
                safe_close(fd);
                return con ? -EEXIST : -ENOMEM;
        }
        return console_set_input(con, "stdin", fd);
}

bool console_accepts_input(Container *c) {
        return c->console && c->console->input_fd >= 0 && c->console->n_pending < CONSOLE_INPUT_MAX;
}

int console_write(Container *c, const void *data, size_t n) {
        Console *con = c->console;
        char *p;

        if (!con || con->input_fd < 0)
                return -ENOTCONN;
        if (con->n_pending + n > CONSOLE_INPUT_MAX + 4096)
                return -ENOBUFS;
        p = realloc(con->pending, con->n_pending + n);
        if (!p)
                return -ENOMEM;
        memcpy(p + con->n_pending, data, n);
        con->pending = p;
        con->n_pending += n;
        if (console_flush(con) < 0) {
                console_drop_input(con, true);
                return -EPIPE;
        }
        if (con->n_pending > 0)
                (void) sd_event_source_set_enabled(con->input_source, SD_EVENT_ON);
        if (con->n_pending >= CONSOLE_INPUT_MAX)
                attachments_input_ready(c, false);
        return 0;
}

void console_close_stdin(Container *c) {
        Console *con = c->console;

        if (!con || !streq(con->input_kind, "stdin") || con->input_fd < 0)
                return;
        log_debug("Closing the stdin of %s: the client's input ended.", c->name);
        if (console_flush(con) < 0 || con->n_pending == 0)
                console_drop_input(con, true);
        else
                con->close_when_flushed = true; /* what the client sent before its EOF still arrives */
}

int console_resize(Container *c, unsigned rows, unsigned cols) {
        Console *con;

        if (!c->spec.tty)
                return -ENOTTY;
        con = console_get(c);
        if (!con)
                return -ENOMEM;
        con->rows = rows;
        con->cols = cols;
        console_apply_size(con);
        return 0;
}

void console_free(Container *c, bool forget) {
        Console *con = c->console;

        if (!con)
                return;
        console_socket_free(con->socket);
        if (con->output)
                (void) output_stream_drain(con->output);
        output_stream_free(&con->output, forget);
        console_drop_input(con, forget);
        free(con->pending);
        free(con);
        c->console = NULL;
}
