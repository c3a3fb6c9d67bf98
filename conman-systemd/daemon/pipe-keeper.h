/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pipe-keeper.h — keeping a container's output pipes alive while conmand is stopped.
 *
 * conmand's fd store survives a crash (Restart=) but systemd 252 empties it when conmand is
 * stopped (`systemctl stop/restart conmand`). With no reader left, a container writing to its
 * stdout would get EPIPE. So, once the container runs, conmand also stores copies of the read
 * ends in the *container unit's* fd store (NotifyAccess=all, FileDescriptorStoreMax= on that unit;
 * sent on behalf of its main PID). Those copies are never read: they only keep the pipes open, so
 * the container blocks once 64 KiB are buffered instead of dying. When conmand comes back without
 * its fds, it reopens the pipes through /proc/<MainPID>/fd/1 and /fd/2.
 */
#pragma once

#include "daemon/container.h"

int container_keep_pipes(Container *c);
int container_reopen_pipes(Container *c);
