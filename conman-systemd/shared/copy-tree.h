/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * copy-tree.h — copies a directory tree between two open directories without ever following a symlink
 * (a symlink is copied as a symlink), keeping modes, owners and times: docker's copy of an image's
 * content into an empty volume on its first use (docs/volumes.md).
 */
#pragma once

/* Copies the entries of src_fd into dst_fd (both directories; neither fd is closed), then gives dst_fd
 * src_fd's mode and owner. Regular files, directories and symlinks are copied; device nodes, fifos and
 * sockets are skipped. */
int copy_tree_at(int src_fd, int dst_fd);
/* Whether the directory has no entries (0/1, or a negative errno). */
int dir_is_empty_at(int dir_fd);
