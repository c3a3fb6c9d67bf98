/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-stdio.c — see container-stdio.h. Owns a container's streams, console and clients
 * (ContainerStdio, c->stdio) and their life cycle; the leaves only call back into here. It knows the
 * container only by the StdioOwner it was made with: no include of daemon/container.h.
 */
#include <fcntl.h>
#include <sys/uio.h>
#include <syslog.h>
#include <systemd/sd-journal.h>

#include "shared/log.h"
#include "shared/util.h"
#include "daemon/fdstore.h"
#include "daemon/stdio/attachment.h"
#include "daemon/stdio/console-socket.h"
#include "daemon/stdio/console.h"
#include "daemon/stdio/container-stdio.h"
#include "daemon/stdio/cri-log.h"
#include "daemon/stdio/output-stream.h"

typedef enum StdioKind {
        STDIO_STDOUT,
        STDIO_STDERR,
        STDIO_CONSOLE, /* a TTY's master: stdout and stderr in one */
        _STDIO_KIND_MAX,
        _STDIO_KIND_INVALID = -EINVAL,
} StdioKind;

/* Also the names in the fd store (fdstore_name()). */
static const char *const stdio_kind_table[_STDIO_KIND_MAX] = {
        [STDIO_STDOUT] = "stdout",
        [STDIO_STDERR] = "stderr",
        [STDIO_CONSOLE] = "console",
};

typedef struct StdioClient StdioClient;

struct StdioClient {
        ContainerStdio *stdio;
        Attachment *attachment;
        bool close_stdin_on_eof; /* the client's EOF closes the container's stdin (run -i) */
        StdioClient *prev, *next;
};

struct ContainerStdio {
        StdioOwner owner;
        OutputStream *stream[_STDIO_KIND_MAX];
        Console *console;      /* PTY master or stdin pipe; NULL without -t/-i */
        ConsoleSocket *socket; /* waiting for the runtime's PTY master */
        unsigned rows, cols;   /* the size clients asked for; applied when the master arrives */
        StdioClient *clients;
        CriLog *log; /* kubelet's log file, while a stream runs (owner.log_path) */
};

ContainerStdio *container_stdio_new(const StdioOwner *owner) {
        ContainerStdio *st = calloc(1, sizeof(ContainerStdio));

        if (st)
                st->owner = *owner;
        return st;
}

static void fdstore_forget(ContainerStdio *st, const char *kind) {
        char name[FDSTORE_NAME_MAX];

        if (fdstore_name(kind, st->owner.id, name) >= 0)
                (void) fdstore_remove(name);
}

static void fdstore_keep(ContainerStdio *st, const char *kind, int fd, const char *what) {
        char name[FDSTORE_NAME_MAX];
        int r;

        r = fdstore_name(kind, st->owner.id, name);
        if (r >= 0)
                r = fdstore_push(fd, name);
        if (r < 0)
                log_warning_errno(r, "Failed to keep %s of %s in the fd store, %s: %m", kind, st->owner.name,
                                  what);
}

/* ---- clients ---- */

static void client_free(StdioClient *cl) {
        if (cl->prev)
                cl->prev->next = cl->next;
        else
                cl->stdio->clients = cl->next;
        if (cl->next)
                cl->next->prev = cl->prev;
        attachment_free(cl->attachment);
        free(cl);
}

static void clients_input_ready(ContainerStdio *st, bool ready) {
        for (StdioClient *cl = st->clients; cl; cl = cl->next)
                attachment_set_input_enabled(cl->attachment, ready);
}

/* Every client ends once it took the output it has pending. */
static void clients_close(ContainerStdio *st) {
        StdioClient *cl, *next;

        for (cl = st->clients; cl; cl = next) {
                next = cl->next;
                if (attachment_close(cl->attachment))
                        client_free(cl);
        }
}

static void clients_write(ContainerStdio *st, StdioKind kind, const char *data, size_t n) {
        AttachmentStream idx = kind == STDIO_STDERR ? ATTACHMENT_STDERR : ATTACHMENT_STDOUT;
        StdioClient *cl, *next;

        for (cl = st->clients; cl; cl = next) {
                int r;

                next = cl->next;
                r = attachment_write(cl->attachment, idx, data, n);
                if (r == -ENOBUFS)
                        log_warning("Client attached to %s does not read its output; detaching it.",
                                    st->owner.name);
                if (r < 0)
                        client_free(cl);
        }
}

static void on_client_input(Attachment *a, const void *data, size_t n, void *userdata) {
        StdioClient *cl = userdata;
        ContainerStdio *st = cl->stdio;

        if (!st->console || console_write(st->console, data, n) < 0)
                log_debug("Input for %s dropped: its console is gone.", st->owner.name);
}

static void on_client_input_end(Attachment *a, void *userdata) {
        StdioClient *cl = userdata;

        if (cl->close_stdin_on_eof && cl->stdio->console)
                console_close_stdin(cl->stdio->console);
}

static void on_client_done(Attachment *a, void *userdata) {
        client_free(userdata);
}

static const AttachmentHandlers client_handlers = {
        .input = on_client_input,
        .input_end = on_client_input_end,
        .done = on_client_done,
};

int output_attach(ContainerStdio *st, bool want_input, bool close_stdin_on_eof, int *ret_input_w,
                  int *ret_stdout_r, int *ret_stderr_r) {
        StdioClient *cl;
        int r;

        if (!st || !(cl = calloc(1, sizeof(StdioClient))))
                return -ENOMEM;
        *cl = (StdioClient){ .stdio = st, .close_stdin_on_eof = close_stdin_on_eof };
        r = attachment_new(st->owner.event, want_input, &client_handlers, cl, ret_input_w, ret_stdout_r,
                           ret_stderr_r, &cl->attachment);
        if (r < 0) {
                free(cl);
                return r;
        }
        cl->next = st->clients;
        if (cl->next)
                cl->next->prev = cl;
        st->clients = cl;
        attachment_set_input_enabled(cl->attachment, st->console && console_accepts_input(st->console));
        return 0;
}

/* ---- output streams ---- */

static StdioKind stdio_kind_of(ContainerStdio *st, OutputStream *s) {
        for (StdioKind k = 0; k < _STDIO_KIND_MAX; k++)
                if (st->stream[k] == s)
                        return k;
        return _STDIO_KIND_INVALID;
}

static void journal_send_line(ContainerStdio *st, StdioKind kind, const char *line, size_t len) {
        const StdioOwner *c = &st->owner;
        char prio[32], name[96], id[64], full[96], unit[320], pid[48], ident[96], stream[48];
        struct iovec iov[10];
        size_t n = 0;
        _cleanup_free_ char *msg = NULL;

        msg = malloc(len + 9);
        if (!msg)
                return;
        memcpy(msg, "MESSAGE=", 8);
        memcpy(msg + 8, line, len);
        iov[n++] = (struct iovec){ msg, len + 8 };
#define FIELD(buf, ...)                                                                                      \
        (snprintf(buf, sizeof(buf), __VA_ARGS__), iov[n++] = (struct iovec){ buf, strlen(buf) })
        FIELD(prio, "PRIORITY=%i", kind == STDIO_STDERR ? LOG_ERR : LOG_INFO);
        FIELD(name, "CONTAINER_NAME=%s", c->name);
        FIELD(id, "CONTAINER_ID=%.12s", c->id);
        FIELD(full, "CONTAINER_ID_FULL=%s", c->id);
        FIELD(unit, "OBJECT_SYSTEMD_UNIT=%s", c->unit); /* what `journalctl -u` matches for root senders */
        FIELD(ident, "SYSLOG_IDENTIFIER=%s", c->name);
        /* A terminal merges stdout and stderr; like docker, its output is stdout. */
        FIELD(stream, "CONTAINER_STREAM=%s", stdio_kind_table[kind == STDIO_CONSOLE ? STDIO_STDOUT : kind]);
        if (*c->main_pid > 0)
                FIELD(pid, "OBJECT_PID=%u", *c->main_pid);
#undef FIELD
        (void) sd_journal_sendv(iov, (int) n);
}

static void log_write_line(ContainerStdio *st, StdioKind kind, const char *line, size_t len, bool partial) {
        struct timespec ts;
        int r;

        if (!st->log)
                return;
        (void) clock_gettime(CLOCK_REALTIME, &ts);
        r = cri_log_write(st->log, stdio_kind_table[kind == STDIO_CONSOLE ? STDIO_STDOUT : kind], partial,
                          line, len, (uint64_t) ts.tv_sec * 1000000000 + (uint64_t) ts.tv_nsec);
        if (r < 0 && r != -EBADF)
                log_debug_errno(r, "Failed to write to the log file of %s: %m", st->owner.name);
}

static void on_stream_line(OutputStream *s, const char *line, size_t len, bool partial, void *userdata) {
        ContainerStdio *st = userdata;
        StdioKind kind = stdio_kind_of(st, s);

        if (kind < 0)
                return;
        journal_send_line(st, kind, line, len);
        log_write_line(st, kind, line, len, partial);
}

/* The log file is opened with the first stream of a run (a start, or the streams a restarted conmand takes
 * back from the fd store); a failure is a warning: the output still reaches the journal. */
static void log_ensure(ContainerStdio *st) {
        const char *path = st->owner.log_path ? *st->owner.log_path : NULL;
        int r;

        if (st->log || !path)
                return;
        r = cri_log_open(path, &st->log);
        if (r < 0)
                log_warning_errno(r, "Failed to open the log file %s of %s: %m", path, st->owner.name);
}

int output_reopen_log(ContainerStdio *st) {
        const char *path = st && st->owner.log_path ? *st->owner.log_path : NULL;

        if (!path)
                return -ENOENT;
        if (!st->log)
                return cri_log_open(path, &st->log);
        return cri_log_reopen(st->log);
}

static void on_stream_data(OutputStream *s, const char *data, size_t n, void *userdata) {
        ContainerStdio *st = userdata;
        StdioKind kind = stdio_kind_of(st, s);

        if (kind >= 0)
                clients_write(st, kind, data, n);
}

/* The last partial line goes out; forget drops its fd from the fd store too. */
static void stream_free(ContainerStdio *st, StdioKind kind, bool forget) {
        if (!st->stream[kind])
                return;
        output_stream_free(st->stream[kind]); /* its last line still finds its kind */
        st->stream[kind] = NULL;
        if (forget)
                fdstore_forget(st, stdio_kind_table[kind]);
}

static void stream_close(ContainerStdio *st, StdioKind kind, bool forget) {
        if (st->stream[kind])
                (void) output_stream_drain(st->stream[kind]);
        stream_free(st, kind, forget);
}

static void on_stream_end(OutputStream *s, void *userdata) {
        ContainerStdio *st = userdata;
        StdioKind kind = stdio_kind_of(st, s);

        if (kind < 0)
                return;
        /* EOF: the unit and every process of the container let go of the pipe or terminal. */
        stream_free(st, kind, true);
        /* Attached clients see the end once every stream of the container ended. */
        if (!st->stream[STDIO_STDOUT] && !st->stream[STDIO_STDERR] && !st->stream[STDIO_CONSOLE])
                clients_close(st);
}

static const OutputStreamHandlers stream_handlers = {
        .line = on_stream_line,
        .data = on_stream_data,
        .end = on_stream_end,
};

/* A stream reading fd (owned) into the journal and the clients. */
static int stream_new(ContainerStdio *st, StdioKind kind, int fd) {
        log_ensure(st);
        return output_stream_new(st->owner.event, fd, kind == STDIO_CONSOLE, &stream_handlers, st,
                                 &st->stream[kind]);
}

static int open_one(ContainerStdio *st, StdioKind kind, int *ret_write) {
        _cleanup_close_pair_ int p[2] = { -EBADF, -EBADF };
        int r;

        if (pipe2(p, O_CLOEXEC) < 0)
                return negative_errno();
        fdstore_keep(st, stdio_kind_table[kind], p[0], "it will not survive a restart");
        r = stream_new(st, kind, TAKE_FD(p[0]));
        if (r < 0)
                return r;
        *ret_write = TAKE_FD(p[1]);
        return 0;
}

int output_open(ContainerStdio *st, int *ret_stdout_w, int *ret_stderr_w) {
        int r;

        if (!st)
                return -ENOMEM;
        /* Leftovers of the last run go to the journal; attached clients stay for the new run. */
        stream_close(st, STDIO_STDOUT, true);
        stream_close(st, STDIO_STDERR, true);
        r = open_one(st, STDIO_STDOUT, ret_stdout_w);
        if (r < 0)
                return r;
        r = open_one(st, STDIO_STDERR, ret_stderr_w);
        if (r < 0) {
                *ret_stdout_w = safe_close(*ret_stdout_w);
                stream_free(st, STDIO_STDOUT, true);
        }
        return r;
}

int output_adopt(ContainerStdio *st, const char *kind, int fd) {
        StdioKind k = streq(kind, "stdout") ? STDIO_STDOUT : STDIO_STDERR;

        if (!st) {
                safe_close(fd);
                return -ENOMEM;
        }
        stream_free(st, k, false);
        return stream_new(st, k, fd);
}

int output_fd(ContainerStdio *st, const char *kind) {
        StdioKind k = streq(kind, "stdout") ? STDIO_STDOUT : STDIO_STDERR;

        if (!st || !st->stream[k])
                return -EBADF;
        return output_stream_get_fd(st->stream[k]);
}

/* ---- the console ---- */

static void on_console_input_ready(Console *con, bool ready, void *userdata) {
        clients_input_ready(userdata, ready);
}

/* A TTY's stored fd is the master, forgotten with its output stream. */
static void on_console_input_closed(Console *con, void *userdata) {
        if (!console_is_tty(con))
                fdstore_forget(userdata, "stdin");
}

static const ConsoleHandlers console_handlers = {
        .input_ready = on_console_input_ready,
        .input_closed = on_console_input_closed,
};

static Console *console_get(ContainerStdio *st) {
        if (!st->console &&
            console_new(st->owner.event, st->owner.name, &console_handlers, st, &st->console) < 0)
                return NULL;
        return st->console;
}

/* The run ended: drains the terminal, closes and forgets (forget: drops the fds from the fd store). */
static void console_close(ContainerStdio *st, bool forget) {
        st->socket = console_socket_free(st->socket);
        stream_close(st, STDIO_CONSOLE, forget);
        if (st->console && forget && !console_is_tty(st->console))
                fdstore_forget(st, "stdin");
        st->console = console_free(st->console);
        st->rows = st->cols = 0;
        clients_input_ready(st, false); /* their input waits for the next run's console */
}

/* A new run gets a new console; the size clients asked for before the start stays. */
static Console *console_renew(ContainerStdio *st) {
        unsigned rows = st->rows, cols = st->cols;

        console_close(st, true);
        st->rows = rows;
        st->cols = cols;
        return console_get(st);
}

static void console_apply_size(ContainerStdio *st) {
        int r;

        if (!st->console || !console_is_tty(st->console) || st->rows == 0 || st->cols == 0)
                return;
        r = console_set_size(st->console, st->rows, st->cols);
        if (r < 0)
                log_debug_errno(r, "Failed to resize the terminal of %s: %m", st->owner.name);
}

/* Takes master: reads it into the journal and the clients, writes input into a dup of it. */
static int console_take_master(ContainerStdio *st, int master, bool store) {
        _cleanup_close_ int fd = master;
        Console *con = console_get(st);
        int dup_fd, r;

        if (!con)
                return -ENOMEM;
        if (store)
                fdstore_keep(st, "console", fd, "attach will not survive a restart of conmand");
        dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (dup_fd < 0)
                return negative_errno();
        stream_free(st, STDIO_CONSOLE, false);
        r = stream_new(st, STDIO_CONSOLE, TAKE_FD(fd));
        if (r < 0) {
                safe_close(dup_fd);
                return r;
        }
        r = console_set_master(con, dup_fd);
        if (r < 0)
                return r;
        console_apply_size(st);
        return 0;
}

static void on_master_received(int master, int error, void *userdata) {
        ContainerStdio *st = userdata;
        const char *name = st->owner.name;
        int r;

        st->socket = console_socket_free(st->socket);
        if (error < 0) {
                log_warning_errno(error, "The runtime did not hand over the terminal of %s: %m", name);
                return;
        }
        r = console_take_master(st, master, true);
        if (r < 0)
                log_warning_errno(r, "Failed to take the terminal of %s: %m", name);
        else
                log_debug("Got the terminal of %s from the runtime.", name);
}

int console_prepare_tty(ContainerStdio *st, char **ret_socket_path) {
        _cleanup_free_ char *path = NULL;
        int r;

        if (!st || !console_renew(st) ||
            asprintf(&path, "%s/%s.console", st->owner.run_dir, st->owner.id) < 0)
                return -ENOMEM;
        r = console_socket_new(st->owner.event, path, on_master_received, st, &st->socket);
        if (r < 0)
                return log_error_errno(r, "Failed to listen on the console socket %s: %m", path);
        *ret_socket_path = TAKE_PTR(path);
        return 0;
}

int console_prepare_stdin(ContainerStdio *st, int *ret_stdin_r) {
        _cleanup_close_pair_ int p[2] = { -EBADF, -EBADF };
        Console *con;
        int r;

        con = st ? console_renew(st) : NULL;
        if (!con)
                return -ENOMEM;
        if (pipe2(p, O_CLOEXEC) < 0)
                return negative_errno();
        fdstore_keep(st, "stdin", p[1], "it will not survive a restart");
        r = console_set_stdin(con, TAKE_FD(p[1]));
        if (r < 0)
                return r;
        *ret_stdin_r = TAKE_FD(p[0]);
        return 0;
}

int console_adopt(ContainerStdio *st, const char *kind, int fd) {
        Console *con = st ? console_get(st) : NULL;

        if (!con) {
                safe_close(fd);
                return -ENOMEM;
        }
        if (streq(kind, "console"))
                return console_take_master(st, fd, false);
        return console_set_stdin(con, fd);
}

int console_resize(ContainerStdio *st, unsigned rows, unsigned cols) {
        if (!st)
                return -ENOMEM;
        if (!*st->owner.tty)
                return -ENOTTY;
        st->rows = rows;
        st->cols = cols;
        console_apply_size(st);
        return 0;
}

/* ---- the life cycle ---- */

void output_close(ContainerStdio *st) {

        if (!st)
                return;
        stream_close(st, STDIO_STDOUT, true);
        stream_close(st, STDIO_STDERR, true);
        console_close(st, true);
        clients_close(st);
        st->log = cri_log_free(st->log);
}

ContainerStdio *output_release(ContainerStdio *st) {
        if (!st)
                return NULL;
        stream_close(st, STDIO_STDOUT, false);
        stream_close(st, STDIO_STDERR, false);
        console_close(st, false);
        while (st->clients)
                client_free(st->clients);
        cri_log_free(st->log);
        free(st);
        return NULL;
}
