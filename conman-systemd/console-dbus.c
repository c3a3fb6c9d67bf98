/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * console-dbus.c — see console-dbus.h. Handlers parse, validate, authorize, call
 * console.c/output.c and reply; fds travel as type h, so clients need no socket path.
 */
#include <fcntl.h>

#include "bus-errors.h"
#include "bus-util.h"
#include "console-dbus.h"
#include "console.h"
#include "container.h"
#include "output.h"
#include "util.h"

#define TERMINAL_SIZE_MAX 65535U

typedef struct AttachOptions {
        int stdin;                /* forward the client's input */
        int close_stdin_on_eof;   /* the client's EOF closes the container's stdin (run -i) */
} AttachOptions;

static int read_bool_option(sd_bus_message *msg, const char *key, int *ret, sd_bus_error *error) {
        const char *contents;
        int r;

        r = sd_bus_message_peek_type(msg, NULL, &contents);
        if (r < 0)
                return r;
        if (!streq(contents, "b"))
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT, "Option %s must be a boolean (b).",
                                         key);
        return sd_bus_message_read(msg, "v", "b", ret);
}

static int read_attach_options(sd_bus_message *msg, AttachOptions *o, sd_bus_error *error) {
        const char *key;
        int r;

        r = sd_bus_message_enter_container(msg, 'a', "{sv}");
        while (r >= 0 && (r = sd_bus_message_enter_container(msg, 'e', "sv")) > 0) {
                r = sd_bus_message_read(msg, "s", &key);
                if (r < 0)
                        return r;
                if (streq(key, "Stdin"))
                        r = read_bool_option(msg, key, &o->stdin, error);
                else if (streq(key, "CloseStdinOnEOF"))
                        r = read_bool_option(msg, key, &o->close_stdin_on_eof, error);
                else
                        return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                                 "Unknown attach option '%s': use Stdin or CloseStdinOnEOF.", key);
                if (r >= 0)
                        r = sd_bus_message_exit_container(msg);
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(msg);
}

static int read_container_ref(sd_bus_message *msg, Manager *m, Container **ret, sd_bus_error *error) {
        const char *ref;
        int r = sd_bus_message_read(msg, "s", &ref);
        if (r < 0)
                return r;
        return container_find(m, ref, ret, error);
}

int method_attach_container_stdio(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_close_ int in = -EBADF, out = -EBADF, err = -EBADF;
        AttachOptions o = {};
        Container *c;
        int r;

        r = read_container_ref(msg, userdata, &c, error);
        if (r >= 0)
                r = read_attach_options(msg, &o, error);
        if (r >= 0)
                r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        if (c->state == CONTAINER_EXITED && !c->stdout_stream)
                return sd_bus_error_setf(error, CONMAN_ERROR_NOT_RUNNING,
                                         "Container %s has exited; 'conmanctl logs %s' shows its output.", c->name,
                                         c->name);
        r = attachment_new(c, o.stdin, o.close_stdin_on_eof, &in, &out, &err);
        if (r < 0)
                return r;
        if (in < 0) {
                in = open("/dev/null", O_WRONLY | O_CLOEXEC); /* the client's input goes nowhere */
                if (in < 0)
                        return negative_errno();
        }
        return sd_bus_reply_method_return(msg, "hhhb", in, out, err, (int) c->spec.tty);
}

int method_resize_container_terminal(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        uint32_t rows, cols;
        Container *c;
        int r;

        r = read_container_ref(msg, userdata, &c, error);
        if (r >= 0)
                r = sd_bus_message_read(msg, "uu", &rows, &cols);
        if (r >= 0)
                r = bus_verify_root(msg, error);
        if (r < 0)
                return r;
        if (rows == 0 || cols == 0 || rows > TERMINAL_SIZE_MAX || cols > TERMINAL_SIZE_MAX)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Terminal size %ux%u is out of range: rows and columns are 1..%u.", rows,
                                         cols, TERMINAL_SIZE_MAX);
        r = console_resize(c, rows, cols);
        if (r == -ENOTTY)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Container %s has no terminal; create it with -t to resize one.", c->name);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(msg, NULL);
}
