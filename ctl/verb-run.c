/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-run.c — `conmanctl create` and `conmanctl run`. A foreground run attaches
 * to the container's output before starting it, waits for its exit through
 * WaitContainer (no polling) and exits with its exit code.
 */
#include <fcntl.h>
#include <signal.h>

#include "ctl.h"
#include "log.h"
#include "run-options.h"
#include "util.h"

#define EXIT_DAEMON_ERROR 125 /* like docker: the container never ran */

static int create_container(sd_bus *bus, const RunOptions *o, char **ret_id) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *id;
        int r;

        r = run_options_pull(bus, o);
        if (r < 0)
                return r;
        r = sd_bus_message_new_method_call(bus, &m, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                           "CreateContainer");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", strempty(o->name));
        if (r >= 0)
                r = sd_bus_message_append_strv(m, o->command);
        if (r >= 0)
                r = run_options_append(m, o);
        if (r < 0)
                return r == -ENOMEM ? log_oom() : r;
        r = sd_bus_call(bus, m, UINT64_MAX, &error, &reply);
        if (r < 0)
                return ctl_log_bus_error("cannot create container", &error, r);
        r = sd_bus_message_read(reply, "so", &id, NULL);
        if (r < 0)
                return r;
        *ret_id = strdup(id);
        return *ret_id ? 0 : log_oom();
}

static int call_simple(sd_bus *bus, const char *method, const char *what, const char *id) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r = ctl_call(bus, method, &error, NULL, "s", id);
        if (r < 0)
                return ctl_log_bus_error(what, &error, r);
        return 0;
}

int verb_create(int argc, char *argv[]) {
        _cleanup_(run_options_done) RunOptions o = {};
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *id = NULL;
        int r;

        r = run_options_parse(argc, argv, false, &o);
        if (r <= 0)
                return r;
        r = ctl_bus_open(&bus);
        if (r >= 0)
                r = create_container(bus, &o, &id);
        if (r < 0)
                return r;
        printf("%s\n", id);
        return 0;
}

/* State of a foreground run: two output pipes to copy, one pending WaitContainer. */
typedef struct Foreground {
        sd_bus *bus;
        const char *id;
        int out_fd, err_fd;
        bool waited;
        int exit_code;
        unsigned interrupts;
} Foreground;

static int on_output(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Foreground *f = userdata;
        char buf[65536];
        ssize_t n = read(fd, buf, sizeof(buf));
        int target = fd == f->out_fd ? STDOUT_FILENO : STDERR_FILENO;

        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return 0;
        if (n <= 0) {
                sd_event_source_set_enabled(s, SD_EVENT_OFF);
                if (fd == f->out_fd)
                        f->out_fd = -EBADF;
                else
                        f->err_fd = -EBADF;
        } else {
                for (ssize_t done = 0; done < n;) {
                        ssize_t k = write(target, buf + done, (size_t) (n - done));
                        if (k < 0) {
                                if (errno == EINTR || errno == EAGAIN)
                                        continue;
                                break; /* our own stdout is gone; keep draining */
                        }
                        done += k;
                }
        }
        if (f->out_fd < 0 && f->err_fd < 0 && f->waited)
                sd_event_exit(sd_event_source_get_event(s), 0);
        return 0;
}

static int on_wait_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Foreground *f = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        int32_t code = EXIT_DAEMON_ERROR;

        if (e)
                log_error("conmanctl: waiting for the container failed: %s", e->message);
        else if (sd_bus_message_read(reply, "i", &code) < 0 || code < 0)
                code = EXIT_DAEMON_ERROR;
        f->exit_code = code;
        f->waited = true;
        if (f->out_fd < 0 && f->err_fd < 0)
                sd_event_exit(sd_bus_get_event(sd_bus_message_get_bus(reply)), 0);
        return 0;
}

/* Ctrl-C: the first stops the container (SIGTERM, then SIGKILL after its timeout), the third kills it. */
static int on_interrupt(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Foreground *f = userdata;

        f->interrupts++;
        if (f->interrupts == 1)
                (void) sd_bus_call_method_async(f->bus, NULL, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                                "StopContainer", NULL, NULL, "st", f->id, UINT64_MAX);
        else if (f->interrupts >= 3)
                (void) sd_bus_call_method_async(f->bus, NULL, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                                "KillContainer", NULL, NULL, "ss", f->id, "KILL");
        return 0;
}

static int attach(sd_bus *bus, const char *id, int *ret_out, int *ret_err) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int out, err, r;

        r = ctl_call(bus, "AttachContainer", &error, &reply, "s", id);
        if (r < 0)
                return ctl_log_bus_error("cannot attach", &error, r);
        r = sd_bus_message_read(reply, "hh", &out, &err);
        if (r < 0)
                return r;
        *ret_out = fcntl(out, F_DUPFD_CLOEXEC, 3);
        *ret_err = fcntl(err, F_DUPFD_CLOEXEC, 3);
        return *ret_out < 0 || *ret_err < 0 ? negative_errno() : 0;
}

int ctl_run_attached(sd_bus *bus, const char *id) {
        _cleanup_(sd_event_unrefp) sd_event *event = NULL;
        _cleanup_close_ int out = -EBADF, err = -EBADF;
        Foreground f = { .bus = bus, .id = id, .exit_code = EXIT_DAEMON_ERROR };
        sigset_t mask;
        int r;

        r = attach(bus, id, &out, &err);
        if (r < 0)
                return EXIT_DAEMON_ERROR;
        f.out_fd = out;
        f.err_fd = err;

        r = sd_event_default(&event);
        if (r >= 0)
                r = sd_bus_attach_event(bus, event, 0);
        sigemptyset(&mask);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGTERM);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        if (r >= 0)
                r = sd_event_add_signal(event, NULL, SIGINT, on_interrupt, &f);
        if (r >= 0)
                r = sd_event_add_signal(event, NULL, SIGTERM, on_interrupt, &f);
        if (r >= 0)
                r = sd_event_add_io(event, NULL, out, EPOLLIN, on_output, &f);
        if (r >= 0)
                r = sd_event_add_io(event, NULL, err, EPOLLIN, on_output, &f);
        if (r >= 0)
                r = sd_bus_call_method_async(bus, NULL, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                             "WaitContainer", on_wait_reply, &f, "s", id);
        if (r < 0) {
                log_error_errno(r, "conmanctl: cannot set up the foreground run: %m");
                return EXIT_DAEMON_ERROR;
        }
        if (call_simple(bus, "StartContainer", "cannot start container", id) < 0)
                return EXIT_DAEMON_ERROR;
        r = sd_event_loop(event);
        sd_bus_detach_event(bus);
        return r < 0 ? EXIT_DAEMON_ERROR : f.exit_code;
}

int verb_run(int argc, char *argv[]) {
        _cleanup_(run_options_done) RunOptions o = {};
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *id = NULL;
        int r;

        r = run_options_parse(argc, argv, true, &o);
        if (r <= 0)
                return r < 0 ? EXIT_DAEMON_ERROR : 0;
        r = ctl_bus_open(&bus);
        if (r >= 0)
                r = create_container(bus, &o, &id);
        if (r < 0)
                return EXIT_DAEMON_ERROR;

        if (!o.detach)
                return ctl_run_attached(bus, id);

        r = call_simple(bus, "StartContainer", "cannot start container", id);
        if (r < 0) {
                if (o.auto_remove)
                        (void) ctl_call(bus, "RemoveContainer", NULL, NULL, "sb", id, 1);
                return EXIT_DAEMON_ERROR;
        }
        printf("%s\n", id);
        return 0;
}
