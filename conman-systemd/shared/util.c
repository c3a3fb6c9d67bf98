/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * util.c — see util.h.
 */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/random.h>
#include <time.h>

#include "shared/util.h"

HexBuf random_hex_stack(size_t n) {
        static const char hex[] = "0123456789abcdef";
        uint8_t bytes[32];
        HexBuf b = {};
        size_t got = 0;

        n = MIN(n, sizeof(bytes));
        while (got < n) {
                ssize_t k = getrandom(bytes + got, n - got, 0);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        abort(); /* the kernel always has getrandom() on supported systems */
                }
                got += (size_t) k;
        }
        for (size_t i = 0; i < n; i++) {
                b.s[2 * i] = hex[bytes[i] >> 4];
                b.s[2 * i + 1] = hex[bytes[i] & 15];
        }
        return b;
}

int random_hex(size_t n, char **ret) {
        char *s = strdup(random_hex_stack(n).s);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

static uint64_t now_usec(clockid_t c) {
        struct timespec ts;
        clock_gettime(c, &ts);
        return (uint64_t) ts.tv_sec * USEC_PER_SEC + (uint64_t) ts.tv_nsec / 1000;
}

uint64_t now_realtime_usec(void) {
        return now_usec(CLOCK_REALTIME);
}

uint64_t now_monotonic_usec(void) {
        return now_usec(CLOCK_MONOTONIC);
}

char *format_timestamp(uint64_t usec, char buf[static 40]) {
        time_t t = (time_t) (usec / USEC_PER_SEC);
        struct tm tm;

        buf[0] = 0;
        if (usec == 0 || !gmtime_r(&t, &tm))
                return buf;
        size_t n = strftime(buf, 40, "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(buf + n, 40 - n, ".%06" PRIu64 "Z", usec % USEC_PER_SEC);
        return buf;
}

char *format_age(uint64_t usec, char buf[static 40]) {
        uint64_t now = now_realtime_usec(), d = now > usec ? (now - usec) / USEC_PER_SEC : 0;

        if (usec == 0)
                snprintf(buf, 40, "never");
        else if (d < 60)
                snprintf(buf, 40, "%" PRIu64 " seconds ago", d);
        else if (d < 3600)
                snprintf(buf, 40, "%" PRIu64 " minutes ago", d / 60);
        else if (d < 86400)
                snprintf(buf, 40, "%" PRIu64 " hours ago", d / 3600);
        else
                snprintf(buf, 40, "%" PRIu64 " days ago", d / 86400);
        return buf;
}

size_t strv_length(char *const *l) {
        size_t n = 0;
        while (l && l[n])
                n++;
        return n;
}

int strv_push_take(char ***l, char *s) {
        size_t n = strv_length(*l);
        char **nl;

        if (!s)
                return -ENOMEM;
        nl = realloc(*l, sizeof(char *) * (n + 2));
        if (!nl) {
                free(s);
                return -ENOMEM;
        }
        nl[n] = s;
        nl[n + 1] = NULL;
        *l = nl;
        return 0;
}

int error_setf(char **ret, int r, const char *fmt, ...) {
        va_list ap;

        if (!ret || *ret)
                return r;
        va_start(ap, fmt);
        if (vasprintf(ret, fmt, ap) < 0)
                *ret = NULL;
        va_end(ap);
        return r;
}

static int compare_strings(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

void strv_sort(char **l) {
        size_t n = strv_length(l);

        if (n > 1)
                qsort(l, n, sizeof(char *), compare_strings);
}

int strv_push(char ***l, const char *s) {
        return strv_push_take(l, strdup(s));
}

char **strv_copy(char *const *l) {
        char **c = calloc(strv_length(l) + 1, sizeof(char *));
        if (!c)
                return NULL;
        for (size_t i = 0; l && l[i]; i++) {
                c[i] = strdup(l[i]);
                if (!c[i]) {
                        strv_freep(&c);
                        return NULL;
                }
        }
        return c;
}

bool strv_contains(char *const *l, const char *s) {
        for (size_t i = 0; l && l[i]; i++)
                if (streq(l[i], s))
                        return true;
        return false;
}

char *strv_join(char *const *l, const char *sep) {
        size_t len = 1, k = strlen(sep);
        char *r, *p;

        for (size_t i = 0; l && l[i]; i++)
                len += strlen(l[i]) + k;
        p = r = malloc(len);
        if (!r)
                return NULL;
        *p = 0;
        for (size_t i = 0; l && l[i]; i++) {
                if (i > 0)
                        p = stpcpy(p, sep);
                p = stpcpy(p, l[i]);
        }
        return r;
}

int free_and_strdup(char **target, const char *v) {
        char *c = strdup(v);

        if (!c)
                return -ENOMEM;
        free(*target);
        *target = c;
        return 0;
}

bool string_has_prefix(const char *s, const char *prefix) {
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool utf8_is_valid(const char *s) {
        const unsigned char *p = (const unsigned char *) s;

        while (*p) {
                int n;
                uint32_t cp;
                if (*p < 0x80) {
                        p++;
                        continue;
                } else if ((*p & 0xE0) == 0xC0) {
                        n = 1;
                        cp = *p & 0x1F;
                } else if ((*p & 0xF0) == 0xE0) {
                        n = 2;
                        cp = *p & 0x0F;
                } else if ((*p & 0xF8) == 0xF0) {
                        n = 3;
                        cp = *p & 0x07;
                } else
                        return false;
                for (int i = 1; i <= n; i++) {
                        if ((p[i] & 0xC0) != 0x80)
                                return false;
                        cp = (cp << 6) | (p[i] & 0x3F);
                }
                if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
                    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                        return false;
                p += n + 1;
        }
        return true;
}

int safe_atou64(const char *s, uint64_t *ret) {
        char *end;
        unsigned long long v;

        if (isempty(s) || !isdigit((unsigned char) s[0]))
                return -EINVAL;
        errno = 0;
        v = strtoull(s, &end, 10);
        if (errno == ERANGE)
                return -ERANGE;
        if (*end)
                return -EINVAL;
        *ret = v;
        return 0;
}

int safe_atoi(const char *s, int *ret) {
        char *end;
        long v;

        if (isempty(s))
                return -EINVAL;
        errno = 0;
        v = strtol(s, &end, 10);
        if (errno == ERANGE || v > INT32_MAX || v < INT32_MIN)
                return -ERANGE;
        if (*end)
                return -EINVAL;
        *ret = (int) v;
        return 0;
}

/* Parses a non-negative decimal with optional fraction; returns the rest in *end. */
static int parse_decimal(const char *s, double *ret, const char **end) {
        char *e;
        double v;

        if (isempty(s) || !(isdigit((unsigned char) s[0]) || s[0] == '.'))
                return -EINVAL;
        errno = 0;
        v = strtod(s, &e);
        if (errno == ERANGE || !isfinite(v) || v < 0)
                return -ERANGE;
        *ret = v;
        *end = e;
        return 0;
}

int parse_size(const char *s, uint64_t *ret) {
        static const struct {
                char c;
                uint64_t factor;
        } units[] = {
                { 'b', 1 },
                { 'k', UINT64_C(1) << 10 },
                { 'm', UINT64_C(1) << 20 },
                { 'g', UINT64_C(1) << 30 },
                { 't', UINT64_C(1) << 40 },
        };
        uint64_t factor = 1;
        const char *e;
        double v;
        int r;

        r = parse_decimal(s, &v, &e);
        if (r < 0)
                return r;
        if (*e) {
                size_t i;
                for (i = 0; i < ELEMENTSOF(units); i++)
                        if (tolower((unsigned char) *e) == units[i].c)
                                break;
                if (i == ELEMENTSOF(units))
                        return -EINVAL;
                factor = units[i].factor;
                e++;
                if (*e == 'i' || *e == 'I')
                        e++;
                if ((*e == 'b' || *e == 'B') && factor > 1)
                        e++;
                if (*e)
                        return -EINVAL;
        }
        v *= (double) factor;
        if (v >= 18446744073709551615.0)
                return -ERANGE;
        *ret = (uint64_t) v;
        return 0;
}

int parse_cpus(const char *s, uint64_t *ret_quota_usec) {
        const char *e;
        double v;
        int r;

        r = parse_decimal(s, &v, &e);
        if (r < 0)
                return r;
        if (*e)
                return -EINVAL;
        if (v <= 0 || v > 4096)
                return -ERANGE;
        *ret_quota_usec = (uint64_t) (v * 1000000.0 + 0.5);
        return 0;
}

int parse_duration(const char *s, uint64_t *ret) {
        static const struct {
                const char *suffix;
                uint64_t usec;
        } units[] = {
                { "", USEC_PER_SEC },
                { "s", USEC_PER_SEC },
                { "sec", USEC_PER_SEC },
                { "ms", USEC_PER_MSEC },
                { "us", 1 },
                { "m", 60 * USEC_PER_SEC },
                { "min", 60 * USEC_PER_SEC },
                { "h", 3600 * USEC_PER_SEC },
        };
        const char *e;
        double v;
        int r;

        r = parse_decimal(s, &v, &e);
        if (r < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(units); i++)
                if (streq(e, units[i].suffix)) {
                        double u = v * (double) units[i].usec;
                        if (u >= 1e18)
                                return -ERANGE;
                        *ret = (uint64_t) u;
                        return 0;
                }
        return -EINVAL;
}

static const char *const signal_names[] = {
        [SIGHUP] = "HUP",   [SIGINT] = "INT",       [SIGQUIT] = "QUIT", [SIGILL] = "ILL",
        [SIGTRAP] = "TRAP", [SIGABRT] = "ABRT",     [SIGBUS] = "BUS",   [SIGFPE] = "FPE",
        [SIGKILL] = "KILL", [SIGUSR1] = "USR1",     [SIGSEGV] = "SEGV", [SIGUSR2] = "USR2",
        [SIGPIPE] = "PIPE", [SIGALRM] = "ALRM",     [SIGTERM] = "TERM", [SIGSTKFLT] = "STKFLT",
        [SIGCHLD] = "CHLD", [SIGCONT] = "CONT",     [SIGSTOP] = "STOP", [SIGTSTP] = "TSTP",
        [SIGTTIN] = "TTIN", [SIGTTOU] = "TTOU",     [SIGURG] = "URG",   [SIGXCPU] = "XCPU",
        [SIGXFSZ] = "XFSZ", [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF", [SIGWINCH] = "WINCH",
        [SIGIO] = "IO",     [SIGPWR] = "PWR",       [SIGSYS] = "SYS",
};

const char *signal_to_string(int sig) {
        if (sig <= 0 || (size_t) sig >= ELEMENTSOF(signal_names))
                return NULL;
        return signal_names[sig];
}

int signal_from_string(const char *s) {
        int n;

        if (isempty(s))
                return -EINVAL;
        if (safe_atoi(s, &n) >= 0)
                return n > 0 && n < _NSIG ? n : -EINVAL;
        if (strncasecmp(s, "SIG", 3) == 0)
                s += 3;
        for (size_t i = 1; i < ELEMENTSOF(signal_names); i++)
                if (signal_names[i] && strcasecmp(s, signal_names[i]) == 0)
                        return (int) i;
        return -EINVAL;
}
