/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tty.c — see tty.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "shared/macro.h"
#include "tty.h"

static struct termios saved_termios;
static int saved_fd = -EBADF;

static int parse_key(const char *k, size_t len, unsigned char *ret) {
        if (len == 1) {
                *ret = (unsigned char) k[0];
                return 0;
        }
        if (len == 6 && strncmp(k, "ctrl-", 5) == 0) {
                char c = k[5];
                if (c >= 'a' && c <= 'z')
                        *ret = (unsigned char) (c - 'a' + 1);
                else if (c == '@')
                        *ret = 0;
                else if (c == '[' || c == '\\' || c == ']' || c == '^' || c == '_')
                        *ret = (unsigned char) (c - '@');
                else
                        return -EINVAL;
                return 0;
        }
        return -EINVAL;
}

int detach_keys_parse(const char *spec, DetachKeys *ret) {
        DetachKeys k = {};

        for (const char *p = spec; *p;) {
                size_t len = strcspn(p, ",");
                if (k.len == DETACH_KEYS_MAX || parse_key(p, len, &k.seq[k.len]) < 0)
                        return -EINVAL;
                k.len++;
                p += len;
                if (*p == ',' && *++p == 0)
                        return -EINVAL; /* a trailing comma */
        }
        *ret = k;
        return 0;
}

bool detach_keys_filter(DetachKeys *k, const char *in, size_t n, char *out, size_t *ret_n) {
        size_t o = 0;

        for (size_t i = 0; i < n; i++) {
                unsigned char b = (unsigned char) in[i];

                if (k->len == 0) {
                        out[o++] = (char) b;
                        continue;
                }
                if (b == k->seq[k->matched]) {
                        if (++k->matched == k->len) {
                                k->matched = 0;
                                *ret_n = o;
                                return true;
                        }
                        continue;
                }
                /* Not the sequence after all: what was held back goes out, and b may start a new one. */
                memcpy(out + o, k->seq, k->matched);
                o += k->matched;
                k->matched = 0;
                if (b == k->seq[0])
                        k->matched = 1;
                else
                        out[o++] = (char) b;
        }
        *ret_n = o;
        return false;
}

void tty_restore(void) {
        if (saved_fd < 0)
                return;
        (void) tcsetattr(saved_fd, TCSADRAIN, &saved_termios);
        saved_fd = -EBADF;
}

int tty_make_raw(int fd) {
        struct termios t;

        if (tcgetattr(fd, &t) < 0)
                return negative_errno();
        saved_termios = t;
        saved_fd = fd;
        atexit(tty_restore);
        cfmakeraw(&t);
        if (tcsetattr(fd, TCSADRAIN, &t) < 0)
                return negative_errno();
        return 0;
}

int tty_get_size(int fd, unsigned *ret_rows, unsigned *ret_cols) {
        struct winsize ws;

        if (ioctl(fd, TIOCGWINSZ, &ws) < 0)
                return negative_errno();
        if (ws.ws_row == 0 || ws.ws_col == 0)
                return -ENODATA;
        *ret_rows = ws.ws_row;
        *ret_cols = ws.ws_col;
        return 0;
}
