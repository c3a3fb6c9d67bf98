/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * exit-record.h — how a container ended, as systemd told ExecStopPost= ($EXIT_CODE,
 * $EXIT_STATUS, $SERVICE_RESULT). Written to containers/<id>/exit.json by
 * conman-exit-record (run by systemd, so it works while conmand is down) and read by
 * conmand.
 */
#pragma once

#include <stdint.h>

#include "shared/macro.h"

typedef struct ExitRecord {
        int exit_code; /* the status, or 128+signal when killed; -1 if unknown */
        bool oom_killed;
        char *result; /* systemd's service result: success, exit-code, signal, oom-kill, timeout, ... */
        uint64_t finished_at; /* CLOCK_REALTIME usec */
} ExitRecord;

void exit_record_done(ExitRecord *e);

/* Fills a record from the ExecStopPost= environment strings. */
int exit_record_from_env(const char *exit_code, const char *exit_status, const char *service_result,
                         uint64_t finished_at, ExitRecord *ret);

int exit_record_write(int container_dir_fd, const ExitRecord *e);
/* -ENOENT when the container never stopped since its last start. */
int exit_record_read(int container_dir_fd, ExitRecord *ret);
int exit_record_remove(int container_dir_fd);
