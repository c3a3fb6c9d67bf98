/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * help.h — help the same way on every verb: -h/--help among a verb's options, `conmanctl help VERB`,
 * and a bad flag answered with the verb's usage line, a hint and exit code 125 (as docker's).
 */
#pragma once

#include <stdbool.h>

/* How far a verb's arguments are options: to the end, or to the first operand (run, create, exec: the rest
 * is the container's command, whose own -h is not ours). */
typedef enum HelpScan {
        HELP_SCAN_ALL,
        HELP_SCAN_TO_OPERAND,
} HelpScan;

/* The verb being run, as typed after "conmanctl " ("run", "network create"); set by main(). */
extern const char *ctl_verb_path;

/* True when argv[1..] (argv[0] is the verb) ask for help: --help, or -h. For run and create -h is
 * --hostname as in docker, so there only a lone -h asks for help. */
bool ctl_help_requested(int argc, char *argv[], HelpScan scan, bool h_is_hostname);

/* For a verb's option parser on getopt's '?': remembers that the flags were bad, so that main() prints the
 * verb's usage line and a hint. Returns -EINVAL. */
int ctl_usage_error(void);

/* Whether ctl_usage_error() was called. */
bool ctl_usage_failed(void);

/* Writes the first "Usage:" line of text and "See 'conmanctl PATH --help'." to stderr. */
void ctl_print_usage_hint(const char *help_text, const char *verb_path);
