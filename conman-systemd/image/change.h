/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * change.h — docker's `--change` for import and commit: Dockerfile instructions applied to the "config"
 * object of an image config. Supported: CMD, ENTRYPOINT (JSON array or shell form → /bin/sh -c), ENV
 * (KEY=VALUE..., or KEY VALUE), WORKDIR, USER, EXPOSE (PORT[/PROTO]...), LABEL (KEY=VALUE...). The
 * instruction and its argument are separated by '=' or blanks ("CMD=/bin/sh", "CMD [\"sh\"]"). Pure: no
 * I/O, so it is unit-tested.
 */
#pragma once

struct json_object;

/* Applies one change to config (the image config's "config" object, created by the caller). -EINVAL
 * with *ret_error (a message for people) for an unknown instruction or a malformed argument. */
int image_change_apply(struct json_object *config, const char *change, char **ret_error);

/* Applies every change in order; stops at the first error. */
int image_changes_apply(struct json_object *config, char *const *changes, char **ret_error);
