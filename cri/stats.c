/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stats.c — ContainerStats, ListContainerStats, PodSandboxStats, ListPodSandboxStats from the units' cgroups.
 */
#include "cri/cri.h"

const CriMethod cri_stats_methods[] = {
        {},
};
