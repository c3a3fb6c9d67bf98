/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-exec.c — `conmanctl exec`.
 */
#include "attach-session.h"
#include "ctl.h"
#include "log.h"

int verb_exec(int argc, char *argv[]) {
        log_error("conmanctl exec: not yet.");
        return EXIT_DAEMON_ERROR;
}
