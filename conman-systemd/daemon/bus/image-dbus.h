/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * image-dbus.h — conmand's image face: a second vtable of io.conman1.Manager on
 * /io/conman1 (PullImage, ImportImage, ListImages, InspectImage, RemoveImage,
 * PruneImages, signal PullProgress) and io.conman1.Image objects on
 * /io/conman1/image/<escaped id>. Pulls and imports run in worker threads; the
 * method reply is sent when they finish.
 */
#pragma once

#include "daemon/image-job.h"
#include "daemon/manager.h"

/* Exports the image methods of io.conman1.Manager and the io.conman1.Image objects. */
int image_bus_export(Manager *m);

/* The named error (io.conman1.Error.*) for a failed store, pull, push or import call: "what: message". */
int image_bus_error(sd_bus_error *error, int r, const char *what, const char *message);
/* Reads PullImage's (and PushImage's, LoginRegistry's) options a{sv} into the job. */
int image_bus_read_options(sd_bus_message *msg, ImageJob *j, sd_bus_error *error);

/* Starts a job of a method that takes a reference and the options a{sv} next in msg (PullImage,
 * ListRegistryTags): reads them, checks that the sender is root, starts the worker. 1 when started. */
int image_bus_start_job(Manager *m, sd_bus_message *msg, ImageJobKind kind, ImageJobDone done,
                        const char *reference, sd_bus_error *error);

/* image-push-dbus.c: TagImage, UntagImage, PushImage, LoginRegistry, LogoutRegistry, signal PushProgress. */
int image_push_bus_export(Manager *m);

/* image-archive-dbus.c: SaveImage, LoadImage (and the tarball verbs' methods). */
int image_archive_bus_export(Manager *m);
/* A checked copy of a client's fd: open for writing (or reading), a file, pipe or socket (reading: or a
 * directory). Named errors for people; -errno otherwise. */
int image_bus_take_fd(int fd, bool write, sd_bus_error *error, int *ret);
