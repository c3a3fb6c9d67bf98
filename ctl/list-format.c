/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * list-format.c — the --format option the listing verbs share: json, the verb's own table, or a Go
 * template over each item (list-format.h).
 */
#include <json-c/json.h>

#include "shared/util.h"
#include "ctl.h"
#include "list-format.h"

void list_format_set(ListFormat *f, const char *value) {
        f->json = streq(value, "json");
        f->text = f->json || streq(value, "table") ? NULL : value;
}

int list_format_prepare(ListFormat *f, const char *prefix) {
        int r;

        if (!f->text)
                return 0;
        r = template_parse_or_log(prefix, f->text, &f->tmpl);
        if (r < 0)
                return r;
        if (template_is_empty(f->tmpl)) {
                f->tmpl = template_free(f->tmpl);
                f->text = NULL;
        }
        return 0;
}

bool list_format_custom(const ListFormat *f) {
        return f->json || f->tmpl;
}

void list_format_done(ListFormat *f) {
        f->tmpl = template_free(f->tmpl);
}

struct json_object *list_format_header(const char *const *titles, size_t n) {
        struct json_object *o = json_object_new_object();

        for (size_t i = 0; o && i + 1 < n; i += 2)
                json_object_object_add(o, titles[i], json_object_new_string(titles[i + 1]));
        return o;
}

void list_format_print_json(struct json_object *o) {
        printf("%s\n",
               json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
}

int list_format_print(const ListFormat *f, const char *prefix, struct json_object *items,
                      const char *const *titles, size_t n) {
        _cleanup_json_ struct json_object *header = NULL;

        if (f->json) {
                list_format_print_json(items);
                return 0;
        }
        if (!f->tmpl)
                return 0;
        header = list_format_header(titles, n);
        return template_print_items(prefix, f->tmpl, items, header, stdout);
}

void list_args_done(ListArgs *a) {
        list_format_done(&a->format);
        list_filters_done(&a->filters);
}

int list_args_run(ListArgs *a, const char *prefix, const char *method, const char *what, ListPrint print) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        int r;

        r = list_format_prepare(&a->format, prefix);
        if (r < 0)
                return r;
        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        r = ctl_call(bus, method, &error, &reply, NULL);
        if (r < 0)
                return ctl_log_bus_error(what, &error, r);
        return print(reply, a);
}
