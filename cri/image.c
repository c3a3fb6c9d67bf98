/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * image.c — the ImageService: ListImages, ImageStatus, PullImage, RemoveImage, ImageFsInfo over conmand's
 * image store.
 */
#include "cri/cri.h"

const CriMethod cri_image_methods[] = {
        {},
};
