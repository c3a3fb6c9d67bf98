/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conman-generator.c — turns *.container files into conman-<name>.service units
 * at boot and on daemon-reload. The file format and the unit it produces are the
 * subject of a later change (docs/generator.md); until then it generates nothing
 * and exits successfully, as systemd requires of a generator with no input.
 */
#include "log.h"

int main(int argc, char *argv[]) {
        log_setup("conman-generator", LOG_TARGET_KMSG);
        if (argc > 1 && streq(argv[1], "--help")) {
                printf("Usage: conman-generator NORMAL_DIR [EARLY_DIR LATE_DIR]\n");
                return 0;
        }
        if (argc != 2 && argc != 4) {
                log_error("This program takes one or three arguments.");
                return EXIT_FAILURE;
        }
        return EXIT_SUCCESS;
}
