/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tty.h — the client's own terminal for interactive verbs (run -it, attach, exec -it):
 * raw mode with a guaranteed restore, the window size, and the detach-key sequence
 * (docker's --detach-keys syntax, default "ctrl-p,ctrl-q").
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define DETACH_KEYS_DEFAULT "ctrl-p,ctrl-q"
#define DETACH_KEYS_MAX     16

typedef struct DetachKeys {
        unsigned char seq[DETACH_KEYS_MAX];
        size_t len;     /* 0: detaching is off */
        size_t matched; /* how much of seq the input ended with so far */
} DetachKeys;

/* "ctrl-p,ctrl-q", "ctrl-a,d", "" (off). -EINVAL for anything else. */
int detach_keys_parse(const char *spec, DetachKeys *ret);

/* Feeds input through the matcher: writes what is to be forwarded into out (room for n + len bytes) and
 * returns its length in *ret_n. Returns true when the sequence completed (the rest is dropped). */
bool detach_keys_filter(DetachKeys *k, const char *in, size_t n, char *out, size_t *ret_n);

/* Puts fd's terminal into raw mode; tty_restore() (also run at exit) puts it back. */
int tty_make_raw(int fd);
void tty_restore(void);

/* Rows and columns of the terminal on fd. -ENOTTY when it is none. */
int tty_get_size(int fd, unsigned *ret_rows, unsigned *ret_cols);
