/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * inspect.c — what `inspect` and `pod inspect` share: one JSON document per reference from a Manager
 * method, printed as a JSON array or each through a template (-f).
 */
#include "shared/log.h"
#include "shared/util.h"
#include "ctl.h"
#include "template.h"

/* Appends the document of ref; a failed call is logged and returned, a malformed reply is -EBADMSG. */
static int inspect_one(sd_bus *bus, const CtlInspect *what, const char *ref, struct json_object *array) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *failed = NULL;
        struct json_object *doc;
        const char *s;
        int r;

        r = ctl_call(bus, what->method, &error, &reply, "s", ref);
        if (r < 0) {
                if (asprintf(&failed, "cannot inspect%s%s", what->noun ? " " : "",
                             what->noun ? what->noun : "") < 0)
                        return log_oom();
                return ctl_log_bus_error(failed, &error, r);
        }
        if (sd_bus_message_read(reply, "s", &s) < 0 || !(doc = json_tokener_parse(s)))
                return log_error_errno(-EBADMSG, "%s: malformed reply.", what->verb);
        json_object_array_add(array, doc);
        return 0;
}

int ctl_inspect_print(const CtlInspect *what, char **refs, const char *format) {
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_json_ struct json_object *array = json_object_new_array();
        _cleanup_(template_freep) Template *tmpl = NULL;
        int r, ret = 0;

        if (format && template_parse_or_log(what->verb, format, &tmpl) < 0)
                return -EINVAL;
        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        for (char **ref = refs; *ref; ref++) {
                r = inspect_one(bus, what, *ref, array);
                if (r == -EBADMSG || r == -ENOMEM)
                        return r;
                if (r < 0)
                        ret = r;
        }
        if (tmpl) {
                r = template_print_items(what->verb, tmpl, array, NULL, stdout);
                return r < 0 ? r : ret;
        }
        printf("%s\n", json_object_to_json_string_ext(array, JSON_C_TO_STRING_PRETTY |
                                                                     JSON_C_TO_STRING_NOSLASHESCAPE));
        return ret;
}
