/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cri-log.h — a leaf: a container's output in kubelet's CRI log format, at the LogPath CreateContainer got
 * (docs/cri.md). One entry per line:
 *
 *   2016-10-06T00:17:09.669794202Z stdout F text
 *
 * the time (RFC 3339, UTC, nine fraction digits, as containerd writes it), the stream (a terminal's output is
 * stdout), F for a full line or P for a partial one (a piece of a line longer than OUTPUT_LINE_MAX, or the
 * last bytes without a newline), then the text and "\n". kubelet joins P entries with the F that follows.
 *
 * The file is opened O_APPEND|O_CREAT|O_NOFOLLOW (never through a symlink in the last component), created
 * 0640; cri_log_reopen() closes and opens the path again after kubelet renamed it (log rotation). It
 * knows nothing of containers; the hub (container-stdio.h) writes its lines into it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct CriLog CriLog;

/* The longest entry prefix: the time (30), the stream, the tag and the spaces. */
#define CRI_LOG_PREFIX_MAX 64

int cri_log_open(const char *path, CriLog **ret);
/* Closes the file and opens the path again (kubelet rotated it); on failure nothing is written until the
 * next successful reopen. */
int cri_log_reopen(CriLog *l);
/* Appends one entry; realtime_nsec is its time in nanoseconds since the epoch. */
int cri_log_write(CriLog *l, const char *stream, bool partial, const char *line, size_t len,
                  uint64_t realtime_nsec);
CriLog *cri_log_free(CriLog *l);
const char *cri_log_path(const CriLog *l);

/* "<time> <stream> <F|P> " into buf (CRI_LOG_PREFIX_MAX); returns its length. */
size_t cri_log_format_prefix(char buf[static CRI_LOG_PREFIX_MAX], const char *stream, bool partial,
                             uint64_t realtime_nsec);
