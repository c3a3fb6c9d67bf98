/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-container-json.c — container_spec_from_json() on arbitrary JSON (a container.json
 * read back from disk may be damaged or hand-edited), then validation and the round trip:
 * what conmand writes back parses to the same document.
 */
#include <json-c/json.h>
#include <stdint.h>

#include "shared/container-spec.h"
#include "shared/macro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(container_spec_done) ContainerSpec spec = {}, again = {};
        _cleanup_json_ struct json_object *j = NULL, *out = NULL, *out2 = NULL;
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
        j = json_tokener_parse_ex(tok, s, (int) strlen(s));
        json_tokener_free(tok);
        if (!j)
                return 0;
        if (container_spec_from_json(j, &spec) < 0)
                return 0;
        (void) container_spec_validate(&spec, &error);
        out = container_spec_to_json(&spec);
        if (!out || container_spec_from_json(out, &again) < 0)
                abort();
        out2 = container_spec_to_json(&again);
        if (!out2 || !streq(json_object_to_json_string(out), json_object_to_json_string(out2)))
                abort();
        return 0;
}
