/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-seccomp-profile.c — a docker-format seccomp profile (--security-opt seccomp=PATH) on arbitrary
 * JSON: the check, then, for what passes it, the composition for both architectures and a few
 * capability sets; the result must be an object with a "syscalls" array.
 */
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>

#include "shared/capabilities.h"
#include "shared/macro.h"
#include "shared/seccomp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static const char *const machines[] = { "x86_64", "aarch64", "s390x" };
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_json_ struct json_object *p = NULL;
        _cleanup_free_ char *s = NULL;
        json_tokener *tok;

        if (size > 1024 * 1024)
                return 0;
        s = strndup((const char *) data, size);
        if (!s)
                return 0;
        tok = json_tokener_new_ex(64);
        if (!tok)
                return 0;
        p = json_tokener_parse_ex(tok, s, (int) strlen(s));
        json_tokener_free(tok);
        if (!p || seccomp_profile_check(p, "fuzz", &error) < 0)
                return 0;
        for (size_t m = 0; m < ELEMENTSOF(machines); m++) {
                const uint64_t sets[] = { 0, capability_default_set(), UINT64_MAX };
                for (size_t i = 0; i < ELEMENTSOF(sets); i++) {
                        _cleanup_json_ struct json_object *o = NULL;
                        if (seccomp_compose(p, machines[m], sets[i], "6.1", &o) < 0)
                                abort();
                        if (!json_object_is_type(json_object_object_get(o, "syscalls"), json_type_array))
                                abort();
                }
        }
        return 0;
}
