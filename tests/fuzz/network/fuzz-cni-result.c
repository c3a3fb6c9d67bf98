/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-cni-result.c — CNI plugin output (untrusted) through cni_result_parse() and cni_result_primary(). */
#include <stdint.h>

#include "network/cni.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(cni_result_freep) CniResult *r = NULL;
        const CniInterface *iface;
        const CniIp *ip;

        if (cni_result_parse((const char *) data, size, &r) < 0)
                return 0;
        if (cni_result_primary(r, "eth0", &ip, &iface) >= 0 && !ip->address)
                __builtin_trap();
        return 0;
}
