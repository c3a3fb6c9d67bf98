/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * list-format.h — the --format option of the listing verbs (volume ls, network ls, stats, info):
 * "json" (a JSON array or document), "table" alone (the verb's own listing) or a Go template
 * (template.h) run over each item, with a header row of column titles for "table ...".
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <systemd/sd-bus.h>

#include "list-filter.h"
#include "template.h"

struct json_object;

typedef struct ListFormat {
        bool json;        /* --format json */
        const char *text; /* a template's text as given; NULL: the verb's own listing */
        Template *tmpl;   /* text parsed by list_format_prepare(); NULL for a bare "table" */
} ListFormat;

/* Takes a --format value (the last one given wins). */
void list_format_set(ListFormat *f, const char *value);
/* Parses the template before conmand is asked anything, so that a bad one fails alone. Logs with prefix. */
int list_format_prepare(ListFormat *f, const char *prefix);
/* Whether the items are printed as JSON or through a template, not by the verb's own listing. */
bool list_format_custom(const ListFormat *f);
void list_format_done(ListFormat *f);

/* A header row for "table ...": an object mapping each field (titles[0], [2], ...) to its column title
 * (titles[1], [3], ...); n counts the strings. */
struct json_object *list_format_header(const char *const *titles, size_t n);

/* Prints items (a JSON array) as a pretty JSON array, or each through the template (for a table with the
 * header made of titles). Logs with prefix. */
int list_format_print(const ListFormat *f, const char *prefix, struct json_object *items,
                      const char *const *titles, size_t n);

/* Prints one JSON document, pretty (info --format json). */
void list_format_print_json(struct json_object *o);

/* The options of `volume ls` and `network ls`: -q, --format, --filter. */
typedef struct ListArgs {
        bool quiet;
        ListFormat format;
        ListFilters filters;
} ListArgs;
void list_args_done(ListArgs *a);
/* Parses the template, calls method (no arguments) on conmand, hands the reply to print. Logs: "cannot
 * WHAT" when the call fails. */
typedef int (*ListPrint)(sd_bus_message *reply, const ListArgs *a);
int list_args_run(ListArgs *a, const char *prefix, const char *method, const char *what, ListPrint print);
