/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bus-errors.h — the named D-Bus errors of io.conman1. Each one is documented in
 * dbus/io.conman1.Manager.xml and maps to an errno so that internal functions can
 * return -errno and handlers can still pick the right name (bus-errors.c).
 */
#pragma once

#include <systemd/sd-bus.h>

#define CONMAN_ERROR_NO_SUCH_CONTAINER         "io.conman1.Error.NoSuchContainer"
#define CONMAN_ERROR_NAME_IN_USE               "io.conman1.Error.NameInUse"
#define CONMAN_ERROR_INVALID_ARGUMENT          "io.conman1.Error.InvalidArgument"
#define CONMAN_ERROR_ACCESS_DENIED             "io.conman1.Error.AccessDenied"
#define CONMAN_ERROR_NOT_RUNNING               "io.conman1.Error.NotRunning"
#define CONMAN_ERROR_ALREADY_RUNNING           "io.conman1.Error.AlreadyRunning"
#define CONMAN_ERROR_AMBIGUOUS                 "io.conman1.Error.AmbiguousReference"
#define CONMAN_ERROR_RUNTIME_FAILED            "io.conman1.Error.RuntimeFailed"
#define CONMAN_ERROR_NO_SUCH_IMAGE             "io.conman1.Error.NoSuchImage"
#define CONMAN_ERROR_BUSY                      "io.conman1.Error.Busy"
#define CONMAN_ERROR_OWNED_BY_FILE             "io.conman1.Error.OwnedByFile"
#define CONMAN_ERROR_NO_SPACE                  "io.conman1.Error.NoSpace"
#define CONMAN_ERROR_AUTHENTICATION_FAILED     "io.conman1.Error.AuthenticationFailed"
#define CONMAN_ERROR_IMAGE_VERIFICATION_FAILED "io.conman1.Error.ImageVerificationFailed"
#define CONMAN_ERROR_UNSUPPORTED_IMAGE         "io.conman1.Error.UnsupportedImage"
#define CONMAN_ERROR_REGISTRY_UNAVAILABLE      "io.conman1.Error.RegistryUnavailable"
#define CONMAN_ERROR_NO_SUCH_NETWORK           "io.conman1.Error.NoSuchNetwork"
#define CONMAN_ERROR_NETWORK_EXISTS            "io.conman1.Error.NetworkExists"
#define CONMAN_ERROR_NO_SUCH_VOLUME            "io.conman1.Error.NoSuchVolume"
#define CONMAN_ERROR_NO_SUCH_POD               "io.conman1.Error.NoSuchPod"
#define CONMAN_ERROR_COMMAND_NOT_FOUND         "io.conman1.Error.CommandNotFound"
#define CONMAN_ERROR_COMMAND_NOT_EXECUTABLE    "io.conman1.Error.CommandNotExecutable"

/* Registers the name ↔ errno mapping with sd-bus, once per process. */
void conman_bus_errors_register(void);
