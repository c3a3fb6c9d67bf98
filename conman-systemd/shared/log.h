/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * log.h — logging for conmand, conmanctl and the generator.
 *
 * Messages go to the journal (sd_journal_send, with priority and code location)
 * when stderr is connected to it, and to stderr otherwise. The *_errno() variants
 * return the negative errno they were given, so `return log_error_errno(r, ...)`
 * both logs and propagates; "%m" prints that error.
 */
#pragma once

#include <syslog.h>

#include "shared/macro.h"

typedef enum LogTarget {
        LOG_TARGET_AUTO, /* journal if stderr is the journal stream, else stderr */
        LOG_TARGET_STDERR,
        LOG_TARGET_JOURNAL,
        LOG_TARGET_KMSG, /* for the generator, which runs before journald */
} LogTarget;

void log_setup(const char *ident, LogTarget target);
void log_set_max_level(int level);
int log_get_max_level(void);

int log_internal(int level, int error, const char *file, int line, const char *func, const char *format, ...)
        _printf_(6, 7);

#define log_full_errno(level, error, ...)                                                                    \
        log_internal((level), (error), __FILE__, __LINE__, __func__, __VA_ARGS__)

#define log_debug(...)   log_full_errno(LOG_DEBUG, 0, __VA_ARGS__)
#define log_info(...)    log_full_errno(LOG_INFO, 0, __VA_ARGS__)
#define log_notice(...)  log_full_errno(LOG_NOTICE, 0, __VA_ARGS__)
#define log_warning(...) log_full_errno(LOG_WARNING, 0, __VA_ARGS__)
#define log_error(...)   log_full_errno(LOG_ERR, 0, __VA_ARGS__)

#define log_debug_errno(error, ...)   log_full_errno(LOG_DEBUG, error, __VA_ARGS__)
#define log_info_errno(error, ...)    log_full_errno(LOG_INFO, error, __VA_ARGS__)
#define log_warning_errno(error, ...) log_full_errno(LOG_WARNING, error, __VA_ARGS__)
#define log_error_errno(error, ...)   log_full_errno(LOG_ERR, error, __VA_ARGS__)

#define log_oom() log_error_errno(-ENOMEM, "Out of memory.")
