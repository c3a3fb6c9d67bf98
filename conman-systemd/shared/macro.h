/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * macro.h — the one place that defines cleanup helpers and small macros.
 *
 * _cleanup_free_, _cleanup_close_, _cleanup_fclose_, _cleanup_closedir_,
 * _cleanup_json_ and TAKE_PTR()/TAKE_FD() to hand ownership on. Nothing else in
 * the tree may redefine these. DEFINE_TRIVIAL_CLEANUP_FUNC() makes the _cleanup_()
 * helper of a type with a free function, DEFINE_STRING_TABLE_LOOKUP() an enum's
 * _to_string()/_from_string() pair.
 */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define _cleanup_(f)   __attribute__((cleanup(f)))
#define _unused_       __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _noreturn_     __attribute__((noreturn))

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

#define streq(a, b)     (strcmp((a), (b)) == 0)
#define strneq(a, b, n) (strncmp((a), (b), (n)) == 0)
#define isempty(s)      (!(s) || !(s)[0])
#define strempty(s)     ((s) ? (s) : "")
#define strna(s)        ((s) ? (s) : "n/a")

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Takes the pointer out of a variable, leaving NULL behind: ownership moves to the caller. */
#define TAKE_PTR(p)                                                                                          \
        ({                                                                                                   \
                __typeof__(p) _p_ = (p);                                                                     \
                (p) = NULL;                                                                                  \
                _p_;                                                                                         \
        })

/* Takes the fd out of a variable, leaving -EBADF behind: ownership moves to the caller. */
#define TAKE_FD(fd)                                                                                          \
        ({                                                                                                   \
                int _fd_ = (fd);                                                                             \
                (fd) = -EBADF;                                                                               \
                _fd_;                                                                                        \
        })

static inline void freep(void *p) {
        free(*(void **) p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline int safe_close(int fd) {
        if (fd >= 0) {
                int saved = errno;
                (void) close(fd);
                errno = saved;
        }
        return -EBADF;
}

static inline void closep(int *fd) {
        *fd = safe_close(*fd);
}
#define _cleanup_close_ _cleanup_(closep)

static inline void close_pairp(int (*p)[2]) {
        (*p)[0] = safe_close((*p)[0]);
        (*p)[1] = safe_close((*p)[1]);
}
#define _cleanup_close_pair_ _cleanup_(close_pairp)

static inline void fclosep(FILE **f) {
        if (*f)
                fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

static inline void closedirp(DIR **d) {
        if (*d)
                closedir(*d);
}
#define _cleanup_closedir_ _cleanup_(closedirp)

static inline void json_object_putp(struct json_object **j) {
        if (*j)
                json_object_put(*j);
}
#define _cleanup_json_ _cleanup_(json_object_putp)

/* A NULL-terminated array of strings, freed as a whole. */
static inline void strv_freep(char ***l) {
        if (!*l)
                return;
        for (char **i = *l; *i; i++)
                free(*i);
        free(*l);
        *l = NULL; /* also usable as "free and forget" outside cleanup */
}
#define _cleanup_strv_free_ _cleanup_(strv_freep)

/* Defines static inline void funcp(type *p), the _cleanup_() helper that calls func(*p) unless *p is
 * NULL: DEFINE_TRIVIAL_CLEANUP_FUNC(Manager *, manager_free) gives manager_freep(). */
#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func)                                                              \
        static inline void func##p(type *p) {                                                                \
                if (*p)                                                                                      \
                        func(*p);                                                                            \
        }

/* The index of s in a table of strings (NULL entries are skipped), or -EINVAL. */
static inline int string_table_lookup(const char *const *table, size_t n, const char *s) {
        for (size_t i = 0; s && i < n; i++)
                if (table[i] && streq(table[i], s))
                        return (int) i;
        return -EINVAL;
}

/* An enum's names, kept in one table indexed by the enum:
 *
 *     static const char *const restart_policy_table[_RESTART_POLICY_MAX] = { [RESTART_NO] = "no", ... };
 *     DEFINE_STRING_TABLE_LOOKUP(restart_policy, RestartPolicy);
 *
 * defines const char *restart_policy_to_string(RestartPolicy) (NULL when out of range) and
 * RestartPolicy restart_policy_from_string(const char *) (-EINVAL, i.e. _X_INVALID, when unknown or
 * NULL). The _TO_STRING and _FROM_STRING halves are there for enums that need only one direction;
 * put "static" before either to keep the function in its file. */
#define DEFINE_STRING_TABLE_LOOKUP_TO_STRING(name, type)                                                     \
        const char *name##_to_string(type i) {                                                               \
                if ((int) i < 0 || (size_t) (int) i >= ELEMENTSOF(name##_table))                             \
                        return NULL;                                                                         \
                return name##_table[i];                                                                      \
        }
#define DEFINE_STRING_TABLE_LOOKUP_FROM_STRING(name, type)                                                   \
        type name##_from_string(const char *s) {                                                             \
                return (type) string_table_lookup(name##_table, ELEMENTSOF(name##_table), s);                \
        }
#define DEFINE_STRING_TABLE_LOOKUP(name, type)                                                               \
        DEFINE_STRING_TABLE_LOOKUP_TO_STRING(name, type)                                                     \
        DEFINE_STRING_TABLE_LOOKUP_FROM_STRING(name, type)

static inline int negative_errno(void) {
        return errno > 0 ? -errno : -EIO;
}
