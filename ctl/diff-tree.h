/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * diff-tree.h — `conmanctl diff`: what a container changed in its root, read from its overlay upper
 * directory against its image's layers, as docker's "A /path" (added), "C /path" (changed: also every
 * directory on the way), "D /path" (deleted: an overlayfs whiteout, or what an opaque directory hides).
 */
#pragma once

/* Lines "K /path", sorted by path, into *ret (a NULL-terminated list). lower_dirs: the image's layers, top
 * first. hidden: paths ("/etc/hosts") left out, as docker's bind-mounted ones are, with a "C" of their
 * directory that nothing else explains. Symlinks are not followed; the walk stays on the upper directory's
 * file system. */
int diff_tree(const char *upper, char *const *lower_dirs, char *const *hidden, char ***ret);
