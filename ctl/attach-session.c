/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * attach-session.c — see attach-session.h.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>

#include "shared/log.h"
#include "shared/util.h"
#include "attach-session.h"
#include "ctl.h"

typedef struct Session {
        const SessionParams *p;
        sd_bus *bus;
        sd_event *event;
        int in_fd;          /* where our stdin goes: conmand's input pipe or an exec's PTY master */
        int out_fd, err_fd; /* what we copy to our stdout/stderr; -EBADF once at EOF */
        bool tty;           /* the other side is a terminal */
        bool raw;           /* our terminal is in raw mode */
        DetachKeys keys;
        bool waited; /* WaitContainer/WaitExec answered */
        int exit_code;
        unsigned interrupts;
        sd_event_source *stdin_source;
} Session;

static void session_maybe_done(Session *s) {
        if (s->out_fd < 0 && s->err_fd < 0 && s->waited)
                sd_event_exit(s->event, s->exit_code);
}

static void write_all(int fd, const char *buf, size_t n) {
        while (n > 0) {
                ssize_t k = write(fd, buf, n);
                if (k < 0 && (errno == EINTR || errno == EAGAIN))
                        continue;
                if (k <= 0)
                        return; /* our own output is gone; keep draining */
                buf += k;
                n -= (size_t) k;
        }
}

static int on_output(sd_event_source *source, int fd, uint32_t revents, void *userdata) {
        Session *s = userdata;
        char buf[65536];
        ssize_t n = read(fd, buf, sizeof(buf));

        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return 0;
        if (n > 0) {
                write_all(fd == s->err_fd ? STDERR_FILENO : STDOUT_FILENO, buf, (size_t) n);
                return 0;
        }
        /* EOF, or EIO from a PTY master whose process is gone. */
        (void) sd_event_source_set_enabled(source, SD_EVENT_OFF);
        if (fd == s->out_fd)
                s->out_fd = safe_close(s->out_fd);
        else
                s->err_fd = safe_close(s->err_fd);
        session_maybe_done(s);
        return 0;
}

static void session_detach(Session *s) {
        tty_restore();
        if (s->raw)
                fputs("\r\n", stderr);
        fprintf(stderr, "Detached from %s; it keeps running. 'conmanctl attach %s' connects again.\n",
                s->p->id, s->p->id);
        sd_event_exit(s->event, 0);
}

static void session_stdin_eof(Session *s) {
        s->stdin_source = sd_event_source_disable_unref(s->stdin_source);
        if (s->p->kind != SESSION_EXEC || !s->tty)
                s->in_fd = safe_close(s->in_fd); /* conmand passes the EOF on (stdin-once) */
}

static int on_stdin(sd_event_source *source, int fd, uint32_t revents, void *userdata) {
        Session *s = userdata;
        char buf[4096], out[4096 + DETACH_KEYS_MAX];
        size_t n_out;
        ssize_t n = read(fd, buf, sizeof(buf));

        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return 0;
        if (n <= 0) {
                session_stdin_eof(s);
                return 0;
        }
        if (s->tty && s->p->kind != SESSION_EXEC &&
            detach_keys_filter(&s->keys, buf, (size_t) n, out, &n_out)) {
                write_all(s->in_fd, out, n_out);
                session_detach(s);
                return 0;
        }
        if (!s->tty || s->p->kind == SESSION_EXEC)
                memcpy(out, buf, n_out = (size_t) n);
        write_all(s->in_fd, out, n_out);
        return 0;
}

/* A regular file or /dev/null cannot be polled: it is copied chunk by chunk from a defer source. */
static int on_stdin_defer(sd_event_source *source, void *userdata) {
        return on_stdin(source, STDIN_FILENO, EPOLLIN, userdata);
}

static void send_size(Session *s) {
        unsigned rows, cols;

        if (!s->tty || tty_get_size(STDIN_FILENO, &rows, &cols) < 0)
                return;
        if (s->p->kind == SESSION_EXEC) {
                struct winsize ws = { .ws_row = (unsigned short) rows, .ws_col = (unsigned short) cols };
                (void) ioctl(s->in_fd, TIOCSWINSZ, &ws); /* we hold the exec's PTY master ourselves */
                return;
        }
        (void) sd_bus_call_method_async(s->bus, NULL, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                        "ResizeContainerTerminal", NULL, NULL, "suu", s->p->id, rows, cols);
}

static int on_winch(sd_event_source *source, const struct signalfd_siginfo *si, void *userdata) {
        send_size(userdata);
        return 0;
}

/* run without a terminal: the first Ctrl-C stops the container, the third kills it. attach: we leave. */
static int on_interrupt(sd_event_source *source, const struct signalfd_siginfo *si, void *userdata) {
        Session *s = userdata;

        if (s->p->kind == SESSION_ATTACH || s->p->no_sig_proxy) {
                session_detach(s);
                return 0;
        }
        s->interrupts++;
        if (s->p->kind == SESSION_EXEC)
                return 0; /* the exec's own process gets the terminal's Ctrl-C */
        if (s->interrupts == 1)
                (void) sd_bus_call_method_async(s->bus, NULL, "io.conman1", "/io/conman1",
                                                "io.conman1.Manager", "StopContainer", NULL, NULL, "st",
                                                s->p->id, UINT64_MAX);
        else if (s->interrupts >= 3)
                (void) sd_bus_call_method_async(s->bus, NULL, "io.conman1", "/io/conman1",
                                                "io.conman1.Manager", "KillContainer", NULL, NULL, "ss",
                                                s->p->id, "KILL");
        return 0;
}

static int on_wait_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Session *s = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        int32_t code = EXIT_DAEMON_ERROR;

        tty_restore();
        if (e)
                log_error("conmanctl: waiting for %s failed: %s",
                          s->p->exec_id ? "the exec" : "the container", e->message);
        else if (sd_bus_message_read(reply, "i", &code) < 0 || code < 0)
                code = EXIT_DAEMON_ERROR;
        s->exit_code = code;
        s->waited = true;
        session_maybe_done(s);
        return 0;
}

static int attach_container(Session *s) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int in, out, err, tty, r;

        r = sd_bus_message_new_method_call(s->bus, &m, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                           "AttachContainerStdio");
        if (r >= 0)
                r = sd_bus_message_append(m, "sa{sv}", s->p->id, 2, "Stdin", "b", (int) s->p->stdin,
                                          "CloseStdinOnEOF", "b", (int) s->p->close_stdin_on_eof);
        if (r >= 0)
                r = sd_bus_call(s->bus, m, UINT64_MAX, &error, &reply);
        if (r < 0)
                return ctl_log_bus_error("cannot attach", &error, r);
        r = sd_bus_message_read(reply, "hhhb", &in, &out, &err, &tty);
        if (r < 0)
                return r;
        s->in_fd = fcntl(in, F_DUPFD_CLOEXEC, 3);
        s->out_fd = fcntl(out, F_DUPFD_CLOEXEC, 3);
        s->err_fd = fcntl(err, F_DUPFD_CLOEXEC, 3);
        s->tty = tty;
        return s->in_fd < 0 || s->out_fd < 0 || s->err_fd < 0 ? negative_errno() : 0;
}

static int setup_stdin(Session *s) {
        int r;

        if (!s->p->stdin) {
                if (s->p->kind != SESSION_EXEC)
                        s->in_fd = safe_close(s->in_fd);
                return 0;
        }
        if (s->tty && isatty(STDIN_FILENO)) {
                r = tty_make_raw(STDIN_FILENO);
                if (r < 0)
                        return log_error_errno(r, "conmanctl: cannot put the terminal into raw mode: %m");
                s->raw = true;
        }
        r = sd_event_add_io(s->event, &s->stdin_source, STDIN_FILENO, EPOLLIN, on_stdin, s);
        if (r == -EPERM)
                r = sd_event_add_defer(s->event, &s->stdin_source, on_stdin_defer, s);
        return r;
}

static int setup_events(Session *s) {
        sigset_t mask;
        int r;

        sigemptyset(&mask);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGWINCH);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        signal(SIGPIPE, SIG_IGN);
        r = sd_event_add_signal(s->event, NULL, SIGINT, on_interrupt, s);
        if (r >= 0)
                r = sd_event_add_signal(s->event, NULL, SIGTERM, on_interrupt, s);
        if (r >= 0)
                r = sd_event_add_signal(s->event, NULL, SIGWINCH, on_winch, s);
        if (r >= 0 && s->out_fd >= 0)
                r = sd_event_add_io(s->event, NULL, s->out_fd, EPOLLIN, on_output, s);
        if (r >= 0 && s->err_fd >= 0)
                r = sd_event_add_io(s->event, NULL, s->err_fd, EPOLLIN, on_output, s);
        if (r >= 0)
                r = setup_stdin(s);
        if (r >= 0)
                r = sd_bus_call_method_async(s->bus, NULL, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                             s->p->exec_id ? "WaitExec" : "WaitContainer", on_wait_reply, s,
                                             "s", s->p->exec_id ?: s->p->id);
        return r;
}

/* Returns 0, or the exit code when the container did not start (126, 127 or 125). */
static int start_container(sd_bus *bus, const char *id) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r = ctl_call(bus, "StartContainer", &error, NULL, "s", id);

        if (r >= 0)
                return 0;
        (void) ctl_log_bus_error("cannot start container", &error, r);
        return ctl_exit_code_from_error(&error);
}

static int session_loop(Session *s) {
        int r;

        r = sd_event_default(&s->event);
        if (r >= 0)
                r = sd_bus_attach_event(s->bus, s->event, 0);
        if (r >= 0)
                r = setup_events(s);
        if (r < 0) {
                log_error_errno(r, "conmanctl: cannot set up the session: %m");
                return EXIT_DAEMON_ERROR;
        }
        send_size(s);
        if (s->p->kind == SESSION_RUN) {
                r = start_container(s->bus, s->p->id);
                if (r > 0)
                        return r;
        }
        r = sd_event_loop(s->event);
        tty_restore();
        sd_bus_detach_event(s->bus);
        return r < 0 ? EXIT_DAEMON_ERROR : r;
}

static void session_done(Session *s) {
        safe_close(s->in_fd);
        safe_close(s->out_fd);
        safe_close(s->err_fd);
        sd_event_source_disable_unref(s->stdin_source);
        sd_event_unref(s->event);
}

int ctl_session_exec(sd_bus *bus, const SessionParams *p, int terminal_fd) {
        Session s = { .p = p,
                      .bus = bus,
                      .in_fd = -EBADF,
                      .out_fd = -EBADF,
                      .err_fd = -EBADF,
                      .exit_code = EXIT_DAEMON_ERROR,
                      .tty = terminal_fd >= 0 };
        int r;

        if (terminal_fd >= 0) {
                /* Two fds for one terminal: epoll watches each on its own. */
                s.in_fd = fcntl(terminal_fd, F_DUPFD_CLOEXEC, 3);
                s.out_fd = fcntl(terminal_fd, F_DUPFD_CLOEXEC, 3);
                if (s.in_fd < 0 || s.out_fd < 0) {
                        session_done(&s);
                        return EXIT_DAEMON_ERROR;
                }
        }
        r = session_loop(&s);
        session_done(&s);
        return r;
}

int ctl_session_run(sd_bus *bus, const SessionParams *p) {
        Session s = { .p = p,
                      .bus = bus,
                      .in_fd = -EBADF,
                      .out_fd = -EBADF,
                      .err_fd = -EBADF,
                      .exit_code = EXIT_DAEMON_ERROR };
        int r;

        if (detach_keys_parse(p->detach_keys ?: DETACH_KEYS_DEFAULT, &s.keys) < 0) {
                log_error("conmanctl: invalid --detach-keys '%s': use e.g. ctrl-p,ctrl-q or ctrl-a,d.",
                          p->detach_keys);
                return EXIT_DAEMON_ERROR;
        }
        r = attach_container(&s);
        if (r < 0)
                return EXIT_DAEMON_ERROR;
        r = session_loop(&s);
        session_done(&s);
        return r;
}
