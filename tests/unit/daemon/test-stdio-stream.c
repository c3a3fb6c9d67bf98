/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-stdio-stream.c — the output stream leaf (daemon/stdio/output-stream.h) over a real pipe
 * and a real PTY, driven by an sd_event loop: lines split across reads, lines longer than
 * OUTPUT_LINE_MAX handed in pieces, a console's "\r\n", the raw bytes, and the end at EOF/EIO.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h> /* after setjmp.h, stdarg.h and stddef.h */

#include "shared/util.h"
#include "daemon/stdio/output-stream.h"

typedef struct Seen {
        OutputStream *stream;
        char *lines[16];
        bool partial[16]; /* handed as a piece or as the last bytes without "\n" */
        size_t n_lines;
        char *data;
        size_t n_data;
        unsigned n_end;
        bool free_on_end;
} Seen;

static void on_line(OutputStream *s, const char *line, size_t len, bool partial, void *userdata) {
        Seen *seen = userdata;

        assert_true(seen->n_lines < ELEMENTSOF(seen->lines));
        seen->lines[seen->n_lines] = strndup(line, len);
        assert_non_null(seen->lines[seen->n_lines]);
        assert_int_equal(strlen(seen->lines[seen->n_lines]), len); /* no NUL in the test data */
        seen->partial[seen->n_lines] = partial;
        seen->n_lines++;
}

static void on_data(OutputStream *s, const char *data, size_t n, void *userdata) {
        Seen *seen = userdata;

        seen->data = realloc(seen->data, seen->n_data + n + 1);
        assert_non_null(seen->data);
        memcpy(seen->data + seen->n_data, data, n);
        seen->n_data += n;
        seen->data[seen->n_data] = '\0';
}

static void on_end(OutputStream *s, void *userdata) {
        Seen *seen = userdata;

        assert_ptr_equal(s, seen->stream);
        seen->n_end++;
        if (seen->free_on_end) /* what the hub does: the stream is freed inside its own callback */
                seen->stream = output_stream_free(s);
}

static const OutputStreamHandlers handlers = { .line = on_line, .data = on_data, .end = on_end };

typedef struct Fixture {
        sd_event *event;
        int write_fd;
        Seen seen;
} Fixture;

static int setup_pipe(void **state) {
        Fixture *f = calloc(1, sizeof(Fixture));
        int p[2];

        assert_non_null(f);
        assert_int_equal(sd_event_new(&f->event), 0);
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        f->write_fd = p[1];
        assert_int_equal(output_stream_new(f->event, p[0], false, &handlers, &f->seen, &f->seen.stream), 0);
        *state = f;
        return 0;
}

static void fixture_done(Fixture *f) {
        output_stream_free(f->seen.stream);
        safe_close(f->write_fd);
        for (size_t i = 0; i < f->seen.n_lines; i++)
                free(f->seen.lines[i]);
        free(f->seen.data);
        sd_event_unref(f->event);
}

static int teardown(void **state) {
        fixture_done(*state);
        free(*state);
        return 0;
}

/* Runs the loop until nothing is ready any more. */
static void run_idle(Fixture *f) {
        while (sd_event_run(f->event, 0) > 0)
                ;
}

static void send_str(Fixture *f, const char *s) {
        assert_int_equal(write(f->write_fd, s, strlen(s)), (ssize_t) strlen(s));
        run_idle(f);
}

static void test_partial_lines(void **state) {
        Fixture *f = *state;

        send_str(f, "hel");
        assert_int_equal(f->seen.n_lines, 0); /* no line before its "\n" */
        assert_int_equal(f->seen.n_data, 3);  /* but clients get the bytes at once */
        send_str(f, "lo\nwor");
        assert_int_equal(f->seen.n_lines, 1);
        assert_string_equal(f->seen.lines[0], "hello");
        send_str(f, "ld\n\nlast\n");
        assert_int_equal(f->seen.n_lines, 4);
        assert_string_equal(f->seen.lines[1], "world");
        assert_string_equal(f->seen.lines[2], "");
        assert_string_equal(f->seen.lines[3], "last");
        assert_string_equal(f->seen.data, "hello\nworld\n\nlast\n");
        assert_int_equal(f->seen.n_end, 0);
}

static char *repeat(char c, size_t n) {
        char *s = malloc(n + 1);

        assert_non_null(s);
        memset(s, c, n);
        s[n] = '\0';
        return s;
}

static void test_long_line_in_pieces(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *longline = repeat('a', OUTPUT_LINE_MAX + 100),
                            *exact = repeat('b', OUTPUT_LINE_MAX + 1),
                            *rest = repeat('c', OUTPUT_LINE_MAX - 2);

        send_str(f, longline);
        send_str(f, "\n");
        assert_int_equal(f->seen.n_lines, 2);
        assert_int_equal(strlen(f->seen.lines[0]), OUTPUT_LINE_MAX);
        assert_int_equal(strlen(f->seen.lines[1]), 100);
        assert_int_equal(f->seen.lines[1][0], 'a');
        assert_true(f->seen.partial[0]); /* kubelet's P */
        assert_false(f->seen.partial[1]);

        exact[OUTPUT_LINE_MAX] =
                '\n'; /* a line of exactly OUTPUT_LINE_MAX with its "\n" in one read: one line */
        send_str(f, exact);
        exact[OUTPUT_LINE_MAX] = '\0';
        assert_int_equal(f->seen.n_lines, 3);
        assert_string_equal(f->seen.lines[2], exact);
        assert_false(f->seen.partial[2]);

        send_str(f, "0123456789"); /* buffered, then completed past the limit */
        send_str(f, rest);
        send_str(f, "\n");
        assert_int_equal(f->seen.n_lines, 5);
        assert_int_equal(strlen(f->seen.lines[3]), OUTPUT_LINE_MAX);
        assert_true(strneq(f->seen.lines[3], "0123456789cc", 12));
        assert_string_equal(f->seen.lines[4], "cccccccc");
        assert_int_equal(f->seen.n_data,
                         (OUTPUT_LINE_MAX + 101) + (OUTPUT_LINE_MAX + 1) + (OUTPUT_LINE_MAX + 9));
}

/* EOF: end is called once, the handler frees the stream and the partial line goes out. */
static void test_eof_end(void **state) {
        Fixture *f = *state;

        f->seen.free_on_end = true;
        send_str(f, "one\ntail");
        assert_int_equal(f->seen.n_lines, 1);
        assert_int_equal(output_stream_drain(f->seen.stream), 1); /* more may come */
        f->write_fd = safe_close(f->write_fd);
        run_idle(f);
        assert_int_equal(f->seen.n_end, 1);
        assert_null(f->seen.stream);
        assert_int_equal(f->seen.n_lines, 2);
        assert_string_equal(f->seen.lines[1], "tail");
        assert_false(f->seen.partial[0]);
        assert_true(f->seen.partial[1]); /* the end without "\n" */
}

/* Draining after EOF hands what is left and reports the end without calling end. */
static void test_drain_at_eof(void **state) {
        Fixture *f = *state;

        assert_int_equal(write(f->write_fd, "x\ny", 3), 3);
        f->write_fd = safe_close(f->write_fd);
        assert_int_equal(output_stream_drain(f->seen.stream), 0);
        assert_int_equal(f->seen.n_lines, 1);
        assert_string_equal(f->seen.data, "x\ny");
        assert_int_equal(f->seen.n_end, 0);
        f->seen.stream = output_stream_free(f->seen.stream);
        assert_int_equal(f->seen.n_lines, 2);
        assert_string_equal(f->seen.lines[1], "y");
}

/* A pipe keeps a "\r"; only a console drops it. */
static void test_pipe_keeps_cr(void **state) {
        Fixture *f = *state;

        send_str(f, "a\r\n");
        assert_int_equal(f->seen.n_lines, 1);
        assert_string_equal(f->seen.lines[0], "a\r");
}

/* A real terminal: the line discipline turns "\n" into "\r\n" and the end is EIO once the slave closes. */
static void test_console(void **state) {
        _cleanup_close_ int master = -EBADF, slave = -EBADF;
        Fixture f = {};

        master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
                skip();
        slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (slave < 0)
                skip();
        assert_int_equal(sd_event_new(&f.event), 0);
        f.write_fd = -EBADF;
        f.seen.free_on_end = true;
        assert_int_equal(
                output_stream_new(f.event, TAKE_FD(master), true, &handlers, &f.seen, &f.seen.stream), 0);
        assert_int_equal(write(slave, "hi\nthere\n", 9), 9);
        for (int i = 0; i < 100 && f.seen.n_lines < 2; i++)
                assert_true(sd_event_run(f.event, 100 * 1000) >= 0);
        assert_int_equal(f.seen.n_lines, 2);
        assert_string_equal(f.seen.lines[0], "hi");
        assert_string_equal(f.seen.lines[1], "there");
        assert_string_equal(f.seen.data, "hi\r\nthere\r\n");
        assert_int_equal(f.seen.n_end, 0);

        slave = safe_close(slave); /* every process let go of the terminal: EIO is the end */
        for (int i = 0; i < 100 && f.seen.n_end == 0; i++)
                assert_true(sd_event_run(f.event, 100 * 1000) >= 0);
        assert_int_equal(f.seen.n_end, 1);
        assert_null(f.seen.stream);
        fixture_done(&f);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_partial_lines, setup_pipe, teardown),
                cmocka_unit_test_setup_teardown(test_long_line_in_pieces, setup_pipe, teardown),
                cmocka_unit_test_setup_teardown(test_eof_end, setup_pipe, teardown),
                cmocka_unit_test_setup_teardown(test_drain_at_eof, setup_pipe, teardown),
                cmocka_unit_test_setup_teardown(test_pipe_keeps_cr, setup_pipe, teardown),
                cmocka_unit_test(test_console),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
