/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ini-file.c — see ini-file.h. File reading and the value helpers first, the line reader below.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "shared/fileio.h"
#include "shared/ini-file.h"
#include "shared/log.h"
#include "shared/refused-keys.h"
#include "shared/util.h"

/* The stat() spares devices an open(); the non-blocking open() and fstat() make a file swapped in meanwhile
 * harmless. */
int ini_read_file(const char *path, char **ret, size_t *ret_size) {
        _cleanup_close_ int fd = -EBADF;
        struct stat st;

        for (int i = 0; i < 2; i++) {
                if ((i == 0 ? stat(path, &st) : fstat(fd, &st)) < 0)
                        return negative_errno();
                if (!S_ISREG(st.st_mode) && !(S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3)))
                        return -EBADFD;
                if (i == 0 && (fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)) < 0)
                        return negative_errno();
        }
        return read_full_fd(fd, INI_FILE_MAX, ret, ret_size);
}

const char *ini_read_error_to_string(int r) {
        return r == -EFBIG ? "larger than 1 MiB" : r == -EBADFD ? "not a regular file" : strerror(-r);
}

void word_list_done(WordList *w) {
        strv_freep(&w->words);
        *w = (WordList){};
}

int word_list_add(WordList *w, const char *s, size_t len) {
        if (w->n + 2 > w->alloc) {
                size_t alloc = MAX(w->alloc * 2, 8);
                char **grown = realloc(w->words, sizeof(char *) * alloc);
                if (!grown)
                        return -ENOMEM;
                w->words = grown;
                w->alloc = alloc;
        }
        w->words[w->n] = strndup(s, len);
        if (!w->words[w->n])
                return -ENOMEM;
        w->words[++w->n] = NULL;
        return 0;
}

int word_list_move_to(WordList *w, char ***target) {
        size_t n = strv_length(*target);
        char **l;

        if (w->n == 0)
                return 0;
        l = realloc(*target, sizeof(char *) * (n + w->n + 1));
        if (!l)
                return -ENOMEM;
        memcpy(l + n, w->words, sizeof(char *) * (w->n + 1)); /* with the closing NULL */
        free(w->words);
        *w = (WordList){};
        *target = l;
        return 0;
}

/* Splits on whitespace; "double" (with \\ escapes) and 'single' quotes group words. More than max words
 * is -E2BIG, found while splitting: a long line of words costs no more than its first max words. */
static int split_words(const char *s, size_t max, WordList *ret) {
        _cleanup_free_ char *w = malloc(strlen(s) + 1);

        if (!w)
                return -ENOMEM;
        for (const char *p = s;;) {
                size_t n = 0;
                p += strspn(p, " \t");
                if (!*p)
                        break;
                while (*p && !strchr(" \t", *p)) {
                        char q = *p;
                        if (q != '"' && q != '\'') {
                                w[n++] = *p++;
                                continue;
                        }
                        for (p++; *p && *p != q; p++) {
                                if (q == '"' && *p == '\\' && p[1])
                                        p++;
                                w[n++] = *p;
                        }
                        if (*p != q)
                                return -EINVAL; /* unbalanced quote */
                        p++;
                }
                if (ret->n >= max)
                        return -E2BIG;
                if (word_list_add(ret, w, n) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int ini_parse_bool(const char *v, bool *ret) {
        static const char *const yes[] = { "1", "yes", "true", "on" }, *const no[] = { "0", "no", "false",
                                                                                       "off" };

        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                if (strcasecmp(v, yes[i]) == 0)
                        return *ret = true, 0;
                if (strcasecmp(v, no[i]) == 0)
                        return *ret = false, 0;
        }
        return -EINVAL;
}

int ini_message(char **ret_message, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(ret_message, fmt, ap);
        va_end(ap);
        return r < 0 ? -ENOMEM : -EINVAL;
}

int ini_too_many(char **ret_message, const char *what) {
        int r = ini_message(ret_message, "more than %d %s; the rest of the file is not read", INI_LIST_MAX,
                            what);
        return r == -ENOMEM ? r : -E2BIG;
}

int ini_append_words(char ***target, const char *v, char **ret_message) {
        _cleanup_(word_list_done) WordList words = {};
        size_t n = strv_length(*target);
        int r;

        if (isempty(v)) {
                strv_freep(target);
                return 0;
        }
        r = split_words(v, INI_LIST_MAX - MIN(n, INI_LIST_MAX), &words);
        if (r == -E2BIG)
                return ini_too_many(ret_message, "values");
        if (r == -EINVAL)
                return ini_message(ret_message, "unbalanced quotes in '%s'", v);
        if (r < 0)
                return r;
        return word_list_move_to(&words, target);
}

/* ---- the line reader ---- */

typedef enum Section {
        SECTION_NONE,
        SECTION_UNKNOWN,
        SECTION_OWN, /* IniReader.section */
        SECTION_UNIT,
        SECTION_SERVICE,
        SECTION_INSTALL,
} Section;

void ini_reader_error(const IniReader *r, const char *file, unsigned line, const char *key, const char *msg) {
        (*r->n_errors)++;
        if (key)
                log_error("%s:%u: %s=: %s.", file, line, key, msg);
        else
                log_error("%s:%u: %s.", file, line, msg);
}

/* A value's error is logged with file and line, and reading goes on, so that every error of the file is
 * reported; only a list that grew too long (-E2BIG) ends it, and only -ENOMEM ends the generator. */
static int value_error(const IniReader *ir, const char *file, unsigned line, const char *key, int r,
                       const char *msg) {
        if (r >= 0 || r == -ENOMEM)
                return r;
        ini_reader_error(ir, file, line, key, msg ?: "invalid value");
        return r == -E2BIG ? r : 0;
}

static int set_own_key(const IniReader *ir, const char *file, unsigned line, const char *key, const char *v) {
        _cleanup_free_ char *msg = NULL;
        int r;

        r = ir->set_key(ir->userdata, key, v, &msg);
        if (r == -ENOENT) {
                if (asprintf(&msg, "unknown key in [%s] (see %s)", ir->section, ir->man_page) < 0)
                        return -ENOMEM;
                ini_reader_error(ir, file, line, key, msg);
                return 0;
        }
        return value_error(ir, file, line, key, r, msg);
}

static bool key_is_valid(const char *k) {
        return !isempty(k) &&
               strspn(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") == strlen(k);
}

/* [Unit]/[Service] keys that would break the unit are refused (refused-keys.h); [Install] WantedBy=/
 * RequiredBy= become links; the rest is kept for reference. */
static int pass_through(const IniReader *ir, const char *file, unsigned n, Section s, const char *key,
                        const char *v) {
        _cleanup_free_ char *line = NULL;
        char ***target = s == SECTION_UNIT      ? ir->unit_lines
                         : s == SECTION_SERVICE ? ir->service_lines
                                                : ir->install_lines;
        const RefusedKey *refused;
        int r;

        refused = s == SECTION_INSTALL ? NULL
                                       : refused_key_find(s == SECTION_UNIT ? "Unit" : "Service", key, v);
        if (refused) {
                _cleanup_free_ char *msg = NULL;
                if (asprintf(&msg, "not supported in [%s]: %s", refused->section, refused->why) < 0)
                        return -ENOMEM;
                ini_reader_error(ir, file, n, key, msg);
                return 0;
        }
        if (s == SECTION_INSTALL && (streq(key, "WantedBy") || streq(key, "RequiredBy"))) {
                char ***list = streq(key, "WantedBy") ? ir->wanted_by : ir->required_by;
                _cleanup_free_ char *msg = NULL;

                r = ini_append_words(list, v, &msg);
                r = value_error(ir, file, n, key, r, msg);
                if (r < 0)
                        return r;
        }
        if (strv_length(*target) >= INI_LIST_MAX) {
                _cleanup_free_ char *msg = NULL;
                r = ini_too_many(&msg, "lines in this section");
                return value_error(ir, file, n, key, r, msg);
        }
        if (asprintf(&line, "%s=%s", key, v) < 0)
                return -ENOMEM;
        return strv_push(target, line);
}

static Section section_from_name(const IniReader *ir, const char *name) {
        if (streq(name, ir->section))
                return SECTION_OWN;
        if (streq(name, "Unit"))
                return SECTION_UNIT;
        if (streq(name, "Service") && ir->with_service)
                return SECTION_SERVICE;
        if (streq(name, "Install"))
                return SECTION_INSTALL;
        return SECTION_UNKNOWN;
}

static char *strip(char *s) {
        char *e;
        s += strspn(s, " \t");
        e = s + strlen(s);
        while (e > s && strchr(" \t\r", e[-1]))
                *--e = '\0';
        return s;
}

static int parse_section_header(const IniReader *ir, const char *file, unsigned n, char *l,
                                Section *section) {
        _cleanup_free_ char *msg = NULL;
        char *end = strchr(l, ']');

        if (!end || end[1]) {
                ini_reader_error(ir, file, n, NULL, "malformed section header");
                return 0;
        }
        *end = '\0';
        *section = section_from_name(ir, l + 1);
        if (*section != SECTION_UNKNOWN)
                return 0;
        if (asprintf(&msg, "unknown section: use [%s], [Unit], %s[Install]", ir->section,
                     ir->with_service ? "[Service], " : "") < 0)
                return -ENOMEM;
        ini_reader_error(ir, file, n, NULL, msg);
        return 0;
}

static int parse_line(const IniReader *ir, const char *file, unsigned n, char *l, Section *section) {
        char *eq, *key, *value;

        if (*l == '[')
                return parse_section_header(ir, file, n, l, section);
        eq = strchr(l, '=');
        if (!eq) {
                ini_reader_error(ir, file, n, NULL, "expected Key=Value");
                return 0;
        }
        *eq = '\0';
        key = strip(l);
        value = strip(eq + 1);
        if (!key_is_valid(key)) {
                ini_reader_error(ir, file, n, NULL, "invalid key name");
                return 0;
        }
        if (!utf8_is_valid(value)) {
                ini_reader_error(ir, file, n, key, "value is not valid UTF-8");
                return 0;
        }
        switch (*section) {
        case SECTION_OWN: return set_own_key(ir, file, n, key, value);
        case SECTION_NONE: ini_reader_error(ir, file, n, key, "assignment outside of a section"); return 0;
        case SECTION_UNKNOWN: return 0; /* reported at the header */
        default: return pass_through(ir, file, n, *section, key, value);
        }
}

/* Whether a line ends in an odd number of backslashes: an even number are escaped backslashes. */
static bool ends_in_continuation(const char *s, size_t n) {
        size_t k = 0;

        while (k < n && s[n - 1 - k] == '\\')
                k++;
        return k % 2 == 1;
}

/* Lines as in systemd.syntax(7): a line that ends in a backslash continues on the next, the backslash
 * becoming a blank; '#' and ';' start comment lines, which are skipped also between continued lines.
 * Continued lines are joined in place (a joined line is never longer than the text it came from), so
 * that reading stays linear in the size of the file. */
int ini_reader_parse_data(const IniReader *ir, const char *file, char *data) {
        Section section = SECTION_NONE;
        char *line = NULL; /* the line being joined, at its start in data */
        size_t len = 0;
        unsigned n = 0, start = 0;

        for (char *p = data, *nl; p; p = nl ? nl + 1 : NULL) {
                size_t before = len, seg;
                char *l;
                int r;

                nl = strchr(p, '\n');
                if (nl)
                        *nl = '\0';
                else if (!*p && !line)
                        break;
                n++;
                l = p + strspn(p, " \t");
                if (*l == '#' || *l == ';') {
                        if (nl)
                                continue;
                        *p = '\0'; /* the file ends in a comment: still end a continued line */
                }
                if (!line) {
                        line = p;
                        start = n;
                }
                seg = strlen(p);
                memmove(line + len, p, seg + 1);
                len += seg;
                while (len > 0 && strchr(" \t\r", line[len - 1]))
                        line[--len] = '\0';
                if (len > before && ends_in_continuation(line + before, len - before)) {
                        line[len - 1] = ' ';
                        if (nl)
                                continue;
                }
                l = line + strspn(line, " \t");
                line = NULL;
                len = 0;
                if (!*l)
                        continue;
                r = parse_line(ir, file, start, l, &section);
                if (r == -E2BIG)
                        return 0; /* reported; the file is refused */
                if (r < 0)
                        return r;
        }
        return 0;
}

int ini_reader_parse_file(const IniReader *ir, const char *file) {
        _cleanup_free_ char *data = NULL;
        size_t size;
        int r;

        r = ini_read_file(file, &data, &size);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                (*ir->n_errors)++;
                log_error("%s: cannot read: %s.", file, ini_read_error_to_string(r));
                return 0;
        }
        if (strlen(data) != size) {
                ini_reader_error(ir, file, 1, NULL, "the file contains a NUL byte");
                return 0;
        }
        return ini_reader_parse_data(ir, file, data);
}
