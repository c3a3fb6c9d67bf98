/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container.c — CRI containers: create, start, stop, remove, list, status, resources, logs, ExecSync, each a
 * conman container in its sandbox's pod.
 */
#include "cri/cri.h"

const CriMethod cri_container_methods[] = {
        {},
};
