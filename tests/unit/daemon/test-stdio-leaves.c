/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-stdio-leaves.c — the console (daemon/stdio/console.h) and the attachment
 * (daemon/stdio/attachment.h) leaves over real pipes, driven by an sd_event loop: queued input
 * and its throttling, stdin closed after the client's EOF, a client's output queued while it does
 * not read, its input handed on only while enabled, and its end.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h> /* after setjmp.h, stdarg.h and stddef.h */

#include "shared/util.h"
#include "daemon/stdio/attachment.h"
#include "daemon/stdio/console.h"

typedef struct Events {
        unsigned n_ready, n_not_ready, n_closed, n_input_end, n_done;
        char input[64];
        size_t n_input;
} Events;

static void run_idle(sd_event *e) {
        while (sd_event_run(e, 0) > 0)
                ;
}

/* Reads what is in the pipe now (fd non-blocking). */
static size_t read_now(int fd, char *buf, size_t size) {
        size_t n = 0;
        ssize_t k;

        while (n < size && (k = read(fd, buf + n, size - n)) > 0)
                n += (size_t) k;
        return n;
}

static void on_input_ready(Console *con, bool ready, void *userdata) {
        Events *ev = userdata;

        if (ready)
                ev->n_ready++;
        else
                ev->n_not_ready++;
}

static void on_input_closed(Console *con, void *userdata) {
        ((Events *) userdata)->n_closed++;
}

static const ConsoleHandlers console_handlers = { .input_ready = on_input_ready,
                                                  .input_closed = on_input_closed };

static void test_console_stdin(void **state) {
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        _cleanup_close_pair_ int p[2] = { -EBADF, -EBADF };
        Events ev = {};
        Console *con;
        char buf[4096];

        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
        assert_int_equal(console_new(e, "test", &console_handlers, &ev, &con), 0);
        assert_false(console_accepts_input(con));
        assert_int_equal(console_write(con, "x", 1), -ENOTCONN);
        assert_int_equal(console_set_stdin(con, TAKE_FD(p[1])), 0);
        assert_int_equal(ev.n_ready, 1);
        assert_false(console_is_tty(con));
        assert_int_equal(console_set_size(con, 24, 80), -ENOTTY);

        assert_int_equal(console_write(con, "hello", 5), 0);
        assert_int_equal(read_now(p[0], buf, sizeof(buf)), 5);
        assert_true(strneq(buf, "hello", 5));

        /* The client's EOF: what it sent before still arrives, then the pipe ends. */
        assert_int_equal(console_write(con, "tail", 4), 0);
        console_close_stdin(con);
        assert_int_equal(ev.n_closed, 1);
        assert_int_equal(ev.n_not_ready, 1);
        assert_false(console_accepts_input(con));
        assert_int_equal(read_now(p[0], buf, sizeof(buf)), 4);
        assert_int_equal(read(p[0], buf, 1), 0); /* EOF: the console closed its end */
        console_free(con);
}

/* The queue fills while the reader sleeps: input is refused past the limit, and accepted again once
 * the reader took some. */
static void test_console_throttle(void **state) {
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        _cleanup_close_pair_ int p[2] = { -EBADF, -EBADF };
        static char chunk[4096], buf[65536];
        Events ev = {};
        Console *con;
        size_t written = 0, got = 0;

        memset(chunk, 'i', sizeof(chunk));
        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
        assert_int_equal(console_new(e, "test", &console_handlers, &ev, &con), 0);
        assert_int_equal(console_set_stdin(con, TAKE_FD(p[1])), 0);
        while (console_accepts_input(con)) {
                assert_int_equal(console_write(con, chunk, sizeof(chunk)), 0);
                written += sizeof(chunk);
        }
        assert_int_equal(ev.n_not_ready, 1);
        assert_true(written >= CONSOLE_INPUT_MAX);
        /* One more read of a client (4 KiB) still fits: it was read before the client was throttled. */
        assert_int_equal(console_write(con, chunk, sizeof(chunk)), 0);
        written += sizeof(chunk);
        assert_int_equal(console_write(con, "x", 1), -ENOBUFS);

        while (got < written) {
                got += read_now(p[0], buf, sizeof(buf));
                run_idle(e);
        }
        assert_int_equal(got, written);
        assert_int_equal(ev.n_ready, 2); /* at the start, and once the queue went under the limit */
        assert_true(console_accepts_input(con));
        console_free(con);
}

static void on_client_input(Attachment *a, const void *data, size_t n, void *userdata) {
        Events *ev = userdata;

        assert_true(ev->n_input + n <= sizeof(ev->input));
        memcpy(ev->input + ev->n_input, data, n);
        ev->n_input += n;
}

static void on_client_input_end(Attachment *a, void *userdata) {
        ((Events *) userdata)->n_input_end++;
}

static void on_client_done(Attachment *a, void *userdata) {
        ((Events *) userdata)->n_done++;
}

static const AttachmentHandlers client_handlers = {
        .input = on_client_input,
        .input_end = on_client_input_end,
        .done = on_client_done,
};

static void test_attachment_input(void **state) {
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        _cleanup_close_ int in = -EBADF, out = -EBADF, err = -EBADF;
        Events ev = {};
        Attachment *a;
        char buf[16];

        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(attachment_new(e, true, &client_handlers, &ev, &in, &out, &err, &a), 0);
        assert_true(in >= 0 && out >= 0 && err >= 0);
        assert_int_equal(write(in, "ls\n", 3), 3);
        run_idle(e);
        assert_int_equal(ev.n_input, 0); /* not before the owner enables it */
        attachment_set_input_enabled(a, true);
        run_idle(e);
        assert_int_equal(ev.n_input, 3);
        assert_true(strneq(ev.input, "ls\n", 3));
        in = safe_close(in);
        run_idle(e);
        assert_int_equal(ev.n_input_end, 1);

        assert_int_equal(attachment_write(a, ATTACHMENT_STDERR, "oops", 4), 0);
        assert_int_equal(read(err, buf, sizeof(buf)), 4);
        assert_true(strneq(buf, "oops", 4));
        assert_true(attachment_close(a)); /* nothing pending: free it now */
        assert_int_equal(ev.n_done, 0);
        attachment_free(a);
        assert_int_equal(read(out, buf, sizeof(buf)), 0); /* the client sees the end */
}

/* A client that does not read: its output is queued, and it ends only once it took all of it. */
static void test_attachment_slow_client(void **state) {
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        _cleanup_close_ int in = -EBADF, out = -EBADF, err = -EBADF;
        static char big[256 * 1024], buf[65536];
        Events ev = {};
        Attachment *a;
        size_t got = 0;

        memset(big, 'o', sizeof(big));
        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(attachment_new(e, false, &client_handlers, &ev, &in, &out, &err, &a), 0);
        assert_true(in < 0);
        assert_int_equal(attachment_write(a, ATTACHMENT_STDOUT, big, sizeof(big)), 0);
        assert_false(attachment_close(a)); /* more than a pipe holds is still pending */
        (void) fcntl(out, F_SETFL, O_NONBLOCK);
        for (int i = 0; i < 1000 && ev.n_done == 0; i++) {
                got += read_now(out, buf, sizeof(buf));
                run_idle(e);
        }
        assert_int_equal(ev.n_done, 1);
        got += read_now(out, buf, sizeof(buf));
        assert_int_equal(got, sizeof(big));
        attachment_free(a);

        /* A client that went away: the write fails and the owner frees it. */
        assert_int_equal(attachment_new(e, false, &client_handlers, &ev, &in, &out, &err, &a), 0);
        out = safe_close(out);
        assert_int_equal(attachment_write(a, ATTACHMENT_STDOUT, "x", 1), -EPIPE);
        attachment_free(a);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_console_stdin),
                cmocka_unit_test(test_console_throttle),
                cmocka_unit_test(test_attachment_input),
                cmocka_unit_test(test_attachment_slow_client),
        };

        (void) signal(SIGPIPE, SIG_IGN); /* as conmand: a client that went away is EPIPE */
        return cmocka_run_group_tests(tests, NULL, NULL);
}
