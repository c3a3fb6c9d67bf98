/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ini-file.h — the reader of conman's unit-like files (conman.container(5), conman.pod(5)) and the
 * value helpers their key tables share.
 *
 * Syntax as in systemd.syntax(7): [Section] headers, Key=Value lines, '#'/';' comments, a trailing
 * backslash continues a line. One section is the file's own ([Container], [Pod]): its keys go to a
 * callback that knows the key table. [Unit], [Install] (and [Service] where the file has one) pass
 * through to the unit, except the keys refused-keys.h refuses. Every error is logged as
 * "FILE:LINE: Key=: message" and counted; reading goes on so that all of a file's errors are reported.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "shared/container-spec.h"
#include "shared/macro.h"

#define INI_FILE_MAX (1024 * 1024)
/* A list longer than this ends the reading of its file (which is refused anyway): this bounds the work
 * a file makes, as CONTAINER_ARGS_MAX bounds what a container may have. */
#define INI_LIST_MAX CONTAINER_ARGS_MAX

/* A regular file of at most INI_FILE_MAX bytes (-EFBIG), or /dev/null (masks a file, as in systemd).
 * Anything else is -EBADFD: the generator runs at boot, and a blocking read must not hang it. */
int ini_read_file(const char *path, char **ret, size_t *ret_size);
/* ini_read_file()'s errors for a message: its own say more than %m. */
const char *ini_read_error_to_string(int r);

/* A list being built, grown by doubling: strv_push() walks the whole list for every entry. */
typedef struct WordList {
        char **words; /* NULL-terminated */
        size_t n, alloc;
} WordList;

void word_list_done(WordList *w);
int word_list_add(WordList *w, const char *s, size_t len);
/* Moves the words to the end of *target, in one step. */
int word_list_move_to(WordList *w, char ***target);

/* The value helpers of the key tables. A parser returns 0, -ENOMEM, or -EINVAL with *ret_message
 * saying what is wrong (-E2BIG: a list grew past INI_LIST_MAX; the rest of the file is not read). */
_printf_(2, 3) int ini_message(char **ret_message, const char *fmt, ...);
int ini_too_many(char **ret_message, const char *what);
int ini_parse_bool(const char *v, bool *ret);
/* A list setting: words (blanks separate, "..." and '...' group, \ escapes in "...") are appended; an
 * empty value resets the list (as in systemd). */
int ini_append_words(char ***target, const char *v, char **ret_message);

/* How one kind of file is read; the lists are the caller's and grow as lines are read. */
typedef struct IniReader {
        const char *section;  /* the file's own section: "Container", "Pod" */
        const char *man_page; /* for "unknown key": "conman.container(5)" */
        bool with_service;    /* [Service] passes through too */
        /* One key of the own section: 0, -ENOMEM, -ENOENT for an unknown key, or as the value helpers. */
        int (*set_key)(void *userdata, const char *key, const char *value, char **ret_message);
        void *userdata;
        char ***unit_lines; /* "Key=value" of [Unit], in order */
        char ***service_lines;
        char ***install_lines;
        char ***wanted_by; /* from [Install]: become .wants/ links */
        char ***required_by;
        unsigned *n_errors;
} IniReader;

/* Reads and parses one file (the main file or a drop-in). Errors are logged and counted in *n_errors;
 * returns -ENOMEM, else 0. */
int ini_reader_parse_file(const IniReader *r, const char *path);
/* data is changed in place (continued lines are joined). */
int ini_reader_parse_data(const IniReader *r, const char *file, char *data);
/* Logs "FILE:LINE: Key=: message." and counts it. */
void ini_reader_error(const IniReader *r, const char *file, unsigned line, const char *key, const char *msg);
