/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-size.h — what a container takes on disk, as `ps -s` and `system df` show it: the bytes of the
 * regular files in its writable layer (the overlay upper dir under conmand's state directory), read by
 * conmanctl itself (root) so that walking a large tree never stalls conmand's event loop; and the image
 * sizes ListImages reports, by image id.
 */
#pragma once

#include <stdint.h>
#include <systemd/sd-bus.h>

/* conmand's StateDirectory property. Logs on failure. */
int ctl_state_directory(sd_bus *bus, char **ret);

/* The bytes of the regular files under <state_dir>/containers/<id>/upper (docker's SizeRw); 0 when there is
 * none (a --rootfs container). -EACCES and other errors opening it are returned. */
int ctl_container_rw_bytes(const char *state_dir, const char *id, uint64_t *ret);

/* A JSON object mapping each image id to its size (ListImages). Logs on failure. */
struct json_object;
int ctl_image_sizes(sd_bus *bus, struct json_object **ret);

/* docker's SIZE column: "12.3kB (virtual 5.63MB)", virtual = what it wrote + its image. */
void ctl_format_container_size(uint64_t rw, uint64_t image, char buf[static 48]);
