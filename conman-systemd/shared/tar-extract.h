/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tar-extract.h — applies the entries of an untrusted tar stream (libarchive) below a directory, never
 * writing outside it: every path is resolved one component at a time with openat(O_NOFOLLOW) from the
 * root fd, ".." components are refused, a leading "/" is stripped, a path that would pass through a symlink
 * or a non-directory is refused, and hardlink targets must lie inside the root. Regular files (with the
 * size the stream gives), directories, symlinks (stored, never followed), hardlinks, FIFOs and, when
 * allowed, device nodes get the entry's mode and mtime, its owner when kept, and only user.* and POSIX ACL
 * xattrs (tar_xattr_allowed()). Used for image layers (image/layer.c, with OCI whiteouts) and for
 * `conmanctl cp - CONTAINER:DEST` (ctl/verb-cp.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct archive;
struct archive_entry;

typedef struct TarExtractOptions {
        bool whiteouts;     /* ".wh.NAME" → an overlay whiteout, ".wh..wh..opq" → an opaque directory */
        bool keep_owner;    /* the entry's uid/gid; else the caller's */
        bool devices;       /* character and block nodes are made; else skipped with a warning */
        bool root_metadata; /* an entry for the root itself ("./") sets the root's mode and owner */
} TarExtractOptions;

typedef struct TarExtract {
        struct archive *reader; /* the entry's data is read from here */
        int root_fd;            /* a directory opened for reading (not O_PATH) */
        TarExtractOptions options;
        bool privileged;  /* root: a failing chown or mknod is an error, not skipped */
        bool ended_early; /* the tar stopped right after an entry's data (see write_data()) */
        char *error;      /* the caller's buffer: why an entry was refused, for people */
        size_t error_size;
} TarExtract;

/* Validates and normalizes a tar entry path: strips "./" and leading "/", drops empty and "." components,
 * refuses ".." (-EXDEV). Returns "" for the root itself. */
int tar_path_normalize(const char *raw, char **ret);

/* Whether an xattr from an archive is applied: user.* (but not user.overlay.*) and POSIX ACLs only.
 * security.* (SELinux labels, capabilities...) and trusted.* never come from an archive. */
bool tar_xattr_allowed(const char *name);

/* Applies one entry (its data read from x->reader). 0, -EXDEV for an entry that tries to leave the root,
 * -EBADMSG for a malformed one, or another -errno; x->error says why when it can. */
int tar_extract_entry(TarExtract *x, struct archive_entry *e);

/* Reads a tar stream (plain, gzip or zstd) from in_fd to its end and applies it below dir_fd. *ret_error
 * (may be NULL) gets a message for people on failure. */
int tar_extract_stream(int in_fd, int dir_fd, const TarExtractOptions *o, char **ret_error);
