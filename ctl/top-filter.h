/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * top-filter.h — `conmanctl top` as docker does it: run ps with the user's options (default -ef) over the
 * whole host, then keep the header and the rows whose PID column names a process of the container. Pure.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* From ps's output (header line first), the header and the rows whose PID field (the header's "PID"
 * column, counted in whitespace-separated fields) is one of pids. -ENOENT when the header has no PID
 * column, -ENOMEM. */
int top_filter_ps_output(const char *output, const uint32_t *pids, size_t n_pids, char **ret);
