/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * archive-dl.c — see archive-dl.h.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>

#include "shared/archive-dl.h"
#include "shared/log.h"

#define ARCHIVE_DL_DEFINE(f) typeof(f) *sym_##f;
ARCHIVE_DL_FUNCS(ARCHIVE_DL_DEFINE)
#undef ARCHIVE_DL_DEFINE

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded = -EOPNOTSUPP;

static void load(void) {
        void *dl = dlopen("libarchive.so.13", RTLD_NOW | RTLD_NODELETE);

        if (!dl) {
                log_error("Cannot load libarchive: %s", dlerror());
                return;
        }
#define ARCHIVE_DL_LOAD(f)                                                                                   \
        if (!(sym_##f = (typeof(f) *) dlsym(dl, #f))) {                                                      \
                log_error("libarchive.so.13 lacks %s: %s", #f, dlerror());                                   \
                return;                                                                                      \
        }
        ARCHIVE_DL_FUNCS(ARCHIVE_DL_LOAD)
#undef ARCHIVE_DL_LOAD
        loaded = 0;
}

int dlopen_libarchive(void) {
        (void) pthread_once(&once, load);
        return loaded;
}
