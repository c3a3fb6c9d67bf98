/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * archive-dl.h — libarchive for the tar code of this floor (tar-extract.c, tree-tar.c), loaded with dlopen()
 * on first use, as systemd loads its optional libraries. conmanctl needs it only for `cp` with a tar stream,
 * and linking it would load libarchive and what it links (libxml2, libicu...) at every start of every verb:
 * ~3 ms of a 2 ms start. The image library, which needs it anyway, links it; dlopen() then finds it loaded.
 * Call dlopen_libarchive() (thread-safe, once) before any sym_archive_*().
 */
#pragma once

#include <archive.h>
#include <archive_entry.h>

/* 0, or -EOPNOTSUPP when libarchive cannot be loaded (the reason is logged). */
int dlopen_libarchive(void);

#define ARCHIVE_DL_FUNCS(X)                                                                                  \
        X(archive_entry_copy_stat)                                                                           \
        X(archive_entry_filetype)                                                                            \
        X(archive_entry_free)                                                                                \
        X(archive_entry_gid)                                                                                 \
        X(archive_entry_hardlink)                                                                            \
        X(archive_entry_mtime)                                                                               \
        X(archive_entry_mtime_nsec)                                                                          \
        X(archive_entry_new)                                                                                 \
        X(archive_entry_pathname)                                                                            \
        X(archive_entry_perm)                                                                                \
        X(archive_entry_rdevmajor)                                                                           \
        X(archive_entry_rdevminor)                                                                           \
        X(archive_entry_set_filetype)                                                                        \
        X(archive_entry_set_gname)                                                                           \
        X(archive_entry_set_hardlink)                                                                        \
        X(archive_entry_set_pathname)                                                                        \
        X(archive_entry_set_perm)                                                                            \
        X(archive_entry_set_size)                                                                            \
        X(archive_entry_set_symlink)                                                                         \
        X(archive_entry_set_uname)                                                                           \
        X(archive_entry_size)                                                                                \
        X(archive_entry_symlink)                                                                             \
        X(archive_entry_uid)                                                                                 \
        X(archive_entry_xattr_next)                                                                          \
        X(archive_entry_xattr_reset)                                                                         \
        X(archive_errno)                                                                                     \
        X(archive_error_string)                                                                              \
        X(archive_read_data_block)                                                                           \
        X(archive_read_free)                                                                                 \
        X(archive_read_new)                                                                                  \
        X(archive_read_next_header)                                                                          \
        X(archive_read_open_fd)                                                                              \
        X(archive_read_support_filter_gzip)                                                                  \
        X(archive_read_support_filter_none)                                                                  \
        X(archive_read_support_filter_zstd)                                                                  \
        X(archive_read_support_format_tar)                                                                   \
        X(archive_write_close)                                                                               \
        X(archive_write_data)                                                                                \
        X(archive_write_free)                                                                                \
        X(archive_write_header)                                                                              \
        X(archive_write_new)                                                                                 \
        X(archive_write_open_fd)                                                                             \
        X(archive_write_set_bytes_in_last_block)                                                             \
        X(archive_write_set_format_pax_restricted)

#define ARCHIVE_DL_DECLARE(f) extern typeof(f) *sym_##f;
ARCHIVE_DL_FUNCS(ARCHIVE_DL_DECLARE)
#undef ARCHIVE_DL_DECLARE
