/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * util.h — small helpers: random ids, time, string lists, and parsers for the
 * values users type (sizes, signals, CPU counts, durations).
 */
#pragma once

#include <stdint.h>

#include "shared/macro.h"

#define USEC_PER_SEC  UINT64_C(1000000)
#define USEC_PER_MSEC UINT64_C(1000)
#define USEC_INFINITY UINT64_MAX

typedef struct {
        char s[65];
} HexBuf;

/* n random bytes as 2n lowercase hex chars (n <= 32), from getrandom(). */
HexBuf random_hex_stack(size_t n);
int random_hex(size_t n, char **ret);

uint64_t now_realtime_usec(void);
uint64_t now_monotonic_usec(void);

/* RFC 3339 in UTC with microseconds ("2026-11-22T07:46:42.123456Z"); "" for 0. */
char *format_timestamp(uint64_t usec, char buf[static 40]);
/* "3 seconds ago"-style age for ps. */
char *format_age(uint64_t usec, char buf[static 40]);

size_t strv_length(char *const *l);
/* Sets *ret (when asked for and not set yet: the first failure says what went wrong) to the formatted
 * message, for people; returns r. */
_printf_(3, 4) int error_setf(char **ret, int r, const char *fmt, ...);

int strv_push(char ***l, const char *s); /* appends a copy */
void strv_sort(char **l);                /* in strcmp order; NULL is fine */
int strv_push_take(char ***l, char *s);  /* appends s, taking ownership even on failure */
char **strv_copy(char *const *l);
bool strv_contains(char *const *l, const char *s);
char *strv_join(char *const *l, const char *sep);

bool string_has_prefix(const char *s, const char *prefix);
/* Replaces *target with a copy of v (freeing the old string); -ENOMEM leaves *target as it was. */
int free_and_strdup(char **target, const char *v);
bool utf8_is_valid(const char *s);

/* "64m", "1g", "1024", "512k", "1.5G" → bytes (binary units, like docker). */
int parse_size(const char *s, uint64_t *ret);
/* "1.5" CPUs → CPUQuota per second in usec (1.5 → 1500000). */
int parse_cpus(const char *s, uint64_t *ret_quota_usec);
/* "10", "1.5s", "500ms", "2min" → usec. */
int parse_duration(const char *s, uint64_t *ret);
/* "KILL", "SIGTERM", "9" → signal number. */
int signal_from_string(const char *s);
const char *signal_to_string(int sig);
int safe_atou64(const char *s, uint64_t *ret);
int safe_atoi(const char *s, int *ret);
