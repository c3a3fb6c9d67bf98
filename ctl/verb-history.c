/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-history.c — `conmanctl history IMAGE` (= `image history`): the layers an image was made of, newest
 * first, as docker prints them: IMAGE CREATED CREATED BY SIZE COMMENT, from conmand's ImageHistory (the
 * config's history and the unpacked layer sizes). Rows go through the template module, also the default
 * table.
 */
#include <getopt.h>
#include <json-c/json.h>
#include <time.h>

#include "shared/ini-file.h"
#include "shared/log.h"
#include "shared/util.h"
#include "ctl.h"
#include "template.h"

#define HISTORY_TABLE    "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"
#define CREATED_BY_WIDTH 45

static bool arg_human = true, arg_no_trunc = false, arg_quiet = false;
static const char *arg_format = NULL;

static void help(void) {
        printf("Usage: conmanctl history [-H=false] [--no-trunc] [-q] [--format json|TEMPLATE] IMAGE\n\n"
               "Show the history of an image, newest first: the step that made each layer, when, and the\n"
               "layer's unpacked size (0B for steps that made no layer).\n\n"
               "  -H, --human=BOOL       Sizes and dates for people (default true); false: bytes and\n"
               "                         RFC 3339 times\n"
               "      --no-trunc         Do not shorten ids and commands\n"
               "  -q, --quiet            Print only the ids (<missing> for steps of pulled images)\n"
               "      --format json      Print one JSON object a row\n"
               "      --format TEMPLATE  Print each row through a Go template (fields: .ID .CreatedSince\n"
               "                         .CreatedAt .CreatedBy .Size .Comment)\n"
               "  -h, --help             Show this help\n");
}

/* docker's formatter.Ellipsis: at most width characters (UTF-8 aware), the last one "…" when cut. */
static char *ellipsis(const char *s, size_t width) {
        size_t chars = 0, i = 0, cut = 0;

        for (; s[i]; i++)
                if (((unsigned char) s[i] & 0xC0) != 0x80 && ++chars == width)
                        cut = i;
        if (chars <= width)
                return strdup(s);
        char *out = malloc(cut + sizeof("…"));
        if (out)
                sprintf(out, "%.*s…", (int) cut, s);
        return out;
}

static struct json_object *string_take(char *s) {
        struct json_object *o = s ? json_object_new_string(s) : NULL;

        free(s);
        return o;
}

static const char *member(struct json_object *o, const char *key) {
        struct json_object *v;

        return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
                       ? json_object_get_string(v)
                       : "";
}

static char *row_id(const char *id) {
        if (arg_no_trunc || streq(id, "<missing>"))
                return strdup(id);
        if (string_has_prefix(id, "sha256:"))
                id += strlen("sha256:");
        return strndup(id, 12);
}

static char *row_created_by(const char *s) {
        _cleanup_free_ char *flat = strdup(s);

        if (!flat)
                return NULL;
        for (char *p = flat; *p; p++)
                if (*p == '\t' || *p == '\n')
                        *p = ' ';
        return arg_no_trunc ? TAKE_PTR(flat) : ellipsis(flat, CREATED_BY_WIDTH);
}

/* One row as docker's history formatter sees it: .ID .CreatedSince .CreatedAt .CreatedBy .Size .Comment. */
static struct json_object *history_row(struct json_object *r) {
        struct json_object *v, *o = json_object_new_object();
        int64_t created = json_object_object_get_ex(r, "Created", &v) ? json_object_get_int64(v) : 0;
        uint64_t size = json_object_object_get_ex(r, "Size", &v) ? (uint64_t) json_object_get_int64(v) : 0;
        char at[32], age[40], bytes[24];
        time_t t = (time_t) created;
        struct tm tm;

        if (!o)
                return NULL;
        strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
        json_object_object_add(o, "ID", string_take(row_id(member(r, "Id"))));
        json_object_object_add(
                o, "CreatedSince",
                json_object_new_string(arg_human ? format_age((uint64_t) created * 1000000, age) : at));
        json_object_object_add(o, "CreatedAt", json_object_new_string(at));
        json_object_object_add(o, "CreatedBy", string_take(row_created_by(member(r, "CreatedBy"))));
        if (arg_human)
                ctl_format_bytes(size, bytes);
        else
                snprintf(bytes, sizeof(bytes), "%" PRIu64, size);
        json_object_object_add(o, "Size", json_object_new_string(bytes));
        json_object_object_add(o, "Comment", json_object_new_string(member(r, "Comment")));
        return o;
}

static struct json_object *history_header(void) {
        static const char *const titles[] = { "ID",        "IMAGE",      "CreatedSince", "CREATED",
                                              "CreatedAt", "CREATED AT", "CreatedBy",    "CREATED BY",
                                              "Size",      "SIZE",       "Comment",      "COMMENT" };
        struct json_object *o = json_object_new_object();

        for (size_t i = 0; o && i < ELEMENTSOF(titles); i += 2)
                json_object_object_add(o, titles[i], json_object_new_string(titles[i + 1]));
        return o;
}

static int print_history(struct json_object *rows) {
        _cleanup_json_ struct json_object *items = json_object_new_array(), *header = history_header();
        _cleanup_(template_freep) Template *tmpl = NULL;
        const char *text = arg_quiet                   ? "{{.ID}}"
                           : !arg_format               ? HISTORY_TABLE
                           : streq(arg_format, "json") ? "{{json .}}"
                                                       : arg_format;
        int r;

        if (!items || !header)
                return log_oom();
        for (size_t i = 0; i < json_object_array_length(rows); i++)
                if (json_object_array_add(items, history_row(json_object_array_get_idx(rows, i))) < 0)
                        return log_oom();
        r = template_parse_or_log("conmanctl history", text, &tmpl);
        if (r < 0)
                return r;
        if (template_is_empty(tmpl)) { /* "--format table": the default table */
                tmpl = template_free(tmpl);
                r = template_parse_or_log("conmanctl history", HISTORY_TABLE, &tmpl);
                if (r < 0)
                        return r;
        }
        return template_print_items("conmanctl history", tmpl, items, header, stdout);
}

static int parse_args(int argc, char *argv[]) {
        static const struct option options[] = {
                CTL_HELP_OPTION,
                { "human", optional_argument, NULL, 'H' },
                { "no-trunc", no_argument, NULL, 1 },
                { "quiet", no_argument, NULL, 'q' },
                { "format", required_argument, NULL, 2 },
                {},
        };
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "hH::q", options, NULL)) >= 0)
                switch (c) {
                case 'h': help(); return 0;
                case 'H':
                        if (optarg && ini_parse_bool(optarg[0] == '=' ? optarg + 1 : optarg, &arg_human) < 0)
                                return log_error_errno(-EINVAL, "conmanctl history: invalid -H value '%s'.",
                                                       optarg);
                        if (!optarg)
                                arg_human = true;
                        break;
                case 1: arg_no_trunc = true; break;
                case 'q': arg_quiet = true; break;
                case 2: arg_format = optarg; break;
                default: return ctl_usage_error();
                }
        if (argc - optind != 1)
                return log_error_errno(-EINVAL, "conmanctl history: name one image.");
        return 1;
}

int verb_history(int argc, char *argv[]) {
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_json_ struct json_object *rows = NULL;
        const char *json;
        int r;

        r = parse_args(argc, argv);
        if (r <= 0)
                return r;
        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        r = ctl_call(bus, "ImageHistory", &error, &reply, "s", argv[optind]);
        if (r >= 0)
                r = sd_bus_message_read(reply, "s", &json);
        if (r < 0)
                return ctl_log_bus_error(argv[optind], &error, r);
        rows = json_tokener_parse(json);
        if (!rows || !json_object_is_type(rows, json_type_array))
                return log_error_errno(-EBADMSG, "conmanctl history: malformed reply from conmand.");
        return print_history(rows);
}
