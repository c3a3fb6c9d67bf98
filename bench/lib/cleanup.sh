#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# cleanup.sh floor|conman|podman — removes every container a benchmark started with that system.
case $1 in
floor) systemctl stop 'bench-fd-*.service' 'bench-fs-*.service' >/dev/null 2>&1 ;;
conman) conmanctl ps -aq | xargs -r -n 200 conmanctl rm -f >/dev/null 2>&1 ;;
podman) podman rm -af -t 0 >/dev/null 2>&1 ;;
esac
exit 0
