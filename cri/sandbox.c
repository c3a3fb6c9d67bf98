/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sandbox.c — pod sandboxes: RunPodSandbox, StopPodSandbox, RemovePodSandbox, PodSandboxStatus,
 * ListPodSandbox, each a conman pod.
 */
#include "cri/cri.h"

const CriMethod cri_sandbox_methods[] = {
        {},
};
