/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * runtime-info.c — the RuntimeService's Version, Status and UpdateRuntimeConfig.
 */
#include "cri/cri.h"

const CriMethod cri_runtime_info_methods[] = {
        {},
};
