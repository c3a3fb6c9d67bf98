/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * log.c — where log messages go: journal, stderr or /dev/kmsg.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>

#include "shared/log.h"

static const char *log_ident = "conman";
static LogTarget log_target = LOG_TARGET_STDERR;
static int log_max_level = LOG_INFO;

/* True when stderr is the stream systemd connected to journald for us. */
static bool stderr_is_journal(void) {
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
                return false;
        if (fstat(STDERR_FILENO, &st) < 0)
                return false;
        return (unsigned long long) st.st_dev == dev && (unsigned long long) st.st_ino == ino;
}

void log_setup(const char *ident, LogTarget target) {
        const char *e;

        log_ident = ident;
        if (target == LOG_TARGET_AUTO)
                target = stderr_is_journal() ? LOG_TARGET_JOURNAL : LOG_TARGET_STDERR;
        log_target = target;

        e = getenv("CONMAN_LOG_LEVEL");
        if (e && streq(e, "debug"))
                log_max_level = LOG_DEBUG;
}

void log_set_max_level(int level) {
        log_max_level = level;
}

int log_get_max_level(void) {
        return log_max_level;
}

static void log_to_kmsg(int level, const char *msg) {
        _cleanup_close_ int fd = open("/dev/kmsg", O_WRONLY | O_NOCTTY | O_CLOEXEC);

        if (fd < 0) {
                fprintf(stderr, "%s: %s\n", log_ident, msg);
                return;
        }
        dprintf(fd, "<%i>%s[%i]: %s\n", level, log_ident, (int) getpid(), msg);
}

int log_internal(int level, int error, const char *file, int line, const char *func, const char *format,
                 ...) {
        char buf[2048];
        va_list ap;
        int saved = errno;

        if (error < 0)
                error = -error;
        if (level > log_max_level)
                return -error;

        errno = error;
        va_start(ap, format);
        (void) vsnprintf(buf, sizeof(buf), format, ap);
        va_end(ap);

        switch (log_target) {
        case LOG_TARGET_JOURNAL:
                (void) sd_journal_send("MESSAGE=%s", buf, "PRIORITY=%i", level, "SYSLOG_IDENTIFIER=%s",
                                       log_ident, "CODE_FILE=%s", file, "CODE_LINE=%i", line, "CODE_FUNC=%s",
                                       func, error > 0 ? "ERRNO=%i" : NULL, error, NULL);
                break;
        case LOG_TARGET_KMSG: log_to_kmsg(level, buf); break;
        default: fprintf(stderr, "%s\n", buf);
        }

        errno = saved;
        return -error;
}
