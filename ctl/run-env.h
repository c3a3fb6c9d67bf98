/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * run-env.h — the environment `run`/`create` give a container, with docker's rules: `-e KEY=VALUE` as
 * given, `-e KEY` takes KEY's value from conmanctl's environment (unset: dropped), `--env-file` lines
 * likewise, and `--env-host` (podman's) the whole client environment below what was given explicitly.
 * A later entry for the same key replaces the earlier one.
 */
#pragma once

/* Adds one -e entry; getenv_fn looks up a bare KEY (getenv in conmanctl, a fake in tests). -EINVAL for an
 * empty key or one with whitespace. */
int run_env_add(char ***env, const char *entry, char *(*getenv_fn)(const char *) );
/* Adds the KEY=VALUE and KEY lines of an env file's text (comments '#' and blank lines skipped). -EINVAL,
 * with *ret_bad_line set (1-based), for a bad line. */
int run_env_add_file_text(char ***env, const char *text, char *(*getenv_fn)(const char *),
                          unsigned *ret_bad_line);
/* --env-host: each "KEY=VALUE" of host_env whose key env does not set yet, in front of env's own. */
int run_env_add_host(char ***env, char *const *host_env);
