/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * streaming.c — Exec, Attach and PortForward: URLs of conman-cri's streaming server.
 */
#include "cri/cri.h"

const CriMethod cri_streaming_methods[] = {
        {},
};
