/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * help.c — finding a request for help among a verb's arguments, and the usage hint after a bad flag
 * (help.h). The verbs print their own help text; this module only decides when.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "shared/macro.h"
#include "help.h"

const char *ctl_verb_path = "";
static bool usage_failed = false;

bool ctl_help_requested(int argc, char *argv[], HelpScan scan, bool h_is_hostname) {
        if (h_is_hostname && argc == 2 && streq(argv[1], "-h"))
                return true;
        for (int i = 1; i < argc; i++) {
                const char *a = argv[i];

                if (streq(a, "--"))
                        return false;
                if (streq(a, "--help") || (!h_is_hostname && streq(a, "-h")))
                        return true;
                if (scan == HELP_SCAN_TO_OPERAND && a[0] != '-')
                        return false;
        }
        return false;
}

int ctl_usage_error(void) {
        usage_failed = true;
        return -EINVAL;
}

bool ctl_usage_failed(void) {
        return usage_failed;
}

void ctl_print_usage_hint(const char *help_text, const char *verb_path) {
        const char *usage = help_text ? strstr(help_text, "Usage:") : NULL;

        if (usage)
                fprintf(stderr, "%.*s\n", (int) strcspn(usage, "\n"), usage);
        fprintf(stderr, "See 'conmanctl %s --help'.\n", verb_path);
}
