/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-volume.c — `conmanctl volume create|ls|inspect|rm|prune`: named volumes containers mount with
 * -v NAME:/path or --mount type=volume (docs/volumes.md). A thin client of CreateVolume, ListVolumes,
 * InspectVolume, RemoveVolume and PruneVolumes.
 */
#include <getopt.h>

#include "shared/log.h"
#include "shared/util.h"
#include "shared/volume-spec.h"
#include "ctl.h"
#include "help.h"
#include "list-format.h"

static int volume_create(sd_bus *bus, const char *name, char **labels) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *created;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                           "CreateVolume");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", strempty(name));
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "{sv}");
        if (r >= 0 && labels) {
                r = sd_bus_message_open_container(m, 'e', "sv");
                if (r >= 0)
                        r = sd_bus_message_append(m, "s", "Labels");
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'v', "as");
                if (r >= 0)
                        r = sd_bus_message_append_strv(m, labels);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
        }
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r < 0)
                return log_error_errno(r, "conmanctl: cannot build the request: %m");
        r = sd_bus_call(bus, m, 0, &error, &reply);
        if (r < 0)
                return ctl_log_bus_error("cannot create volume", &error, r);
        r = sd_bus_message_read(reply, "s", &created);
        if (r < 0)
                return log_error_errno(r, "conmanctl: unexpected reply: %m");
        printf("%s\n", created);
        return 0;
}

static int verb_volume_create(int argc, char *argv[]) {
        static const struct option options[] = {
                { "label", required_argument, NULL, 'l' },
                { "driver", required_argument, NULL, 'd' },
                CTL_HELP_OPTION,
                {},
        };
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_strv_free_ char **labels = NULL;
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "l:d:h", options, NULL)) >= 0)
                switch (c) {
                case 'l':
                        if (!strchr(optarg, '=') || optarg[0] == '=')
                                return log_error_errno(-EINVAL,
                                                       "conmanctl volume create: label '%s' must be "
                                                       "KEY=VALUE.",
                                                       optarg);
                        if (strv_push(&labels, optarg) < 0)
                                return log_oom();
                        break;
                case 'd':
                        if (!streq(optarg, "local"))
                                return log_error_errno(-EINVAL, "conmanctl volume create: only the 'local' "
                                                                "driver exists.");
                        break;
                case 'h':
                        printf("Usage: conmanctl volume create [--label KEY=VALUE]... [NAME]\n\n"
                               "Create a volume: a directory conmand keeps (docs/volumes.md). Without NAME a\n"
                               "random 64-hex name is chosen; NAME matches " VOLUME_NAME_RULE ".\n\n"
                               "  -l, --label KEY=VALUE  Set a label (repeatable)\n"
                               "  -d, --driver local     The only driver\n");
                        return 0;
                default: return ctl_usage_error();
                }
        if (argc - optind > 1)
                return log_error_errno(-EINVAL, "conmanctl volume create: at most one NAME.");
        if (optind < argc && !volume_name_is_valid(argv[optind]))
                return log_error_errno(
                        -EINVAL,
                        "conmanctl volume create: invalid volume name '%s': names match " VOLUME_NAME_RULE
                        ".",
                        argv[optind]);
        r = ctl_bus_open(&bus);
        return r < 0 ? r : volume_create(bus, optind < argc ? argv[optind] : NULL, labels);
}

typedef struct VolumeEntry {
        const char *name, *mountpoint;
        uint64_t created;
        char **labels;
        int anonymous;
        uint32_t users;
} VolumeEntry;

static int read_volume_entry(sd_bus_message *reply, VolumeEntry *e) {
        int r = sd_bus_message_enter_container(reply, 'r', "sstasbu");

        if (r <= 0)
                return r;
        r = sd_bus_message_read(reply, "sst", &e->name, &e->mountpoint, &e->created);
        if (r >= 0)
                r = sd_bus_message_read_strv(reply, &e->labels);
        if (r >= 0)
                r = sd_bus_message_read(reply, "bu", &e->anonymous, &e->users);
        if (r >= 0)
                r = sd_bus_message_exit_container(reply);
        return r < 0 ? r : 1;
}

/* docker's `volume ls --format json` fields (Labels as "k=v,k2=v2"), and CreatedAt. */
static struct json_object *volume_entry_json(const VolumeEntry *e) {
        struct json_object *o = json_object_new_object();
        _cleanup_free_ char *labels = strv_join(e->labels, ",");
        char ts[40];

        json_object_object_add(o, "Name", json_object_new_string(e->name));
        json_object_object_add(o, "Driver", json_object_new_string("local"));
        json_object_object_add(o, "Scope", json_object_new_string("local"));
        json_object_object_add(o, "Mountpoint", json_object_new_string(e->mountpoint));
        json_object_object_add(o, "Labels", json_object_new_string(strempty(labels)));
        json_object_object_add(o, "CreatedAt", json_object_new_string(format_timestamp(e->created, ts)));
        json_object_object_add(o, "Anonymous", json_object_new_boolean(e->anonymous));
        json_object_object_add(o, "Links", json_object_new_int64(e->users));
        return o;
}

static const char *const volume_ls_titles[] = {
        "Name",       "VOLUME NAME", "Driver", "DRIVER", "Scope",     "SCOPE",
        "Mountpoint", "MOUNTPOINT",  "Labels", "LABELS", "CreatedAt", "CREATED AT",
        "Anonymous",  "ANONYMOUS",   "Links",  "LINKS",
};

static bool volume_entry_wanted(const VolumeEntry *e, const ListArgs *a) {
        VolumeFilterItem item = {
                .name = e->name, .driver = "local", .labels = e->labels, .users = e->users
        };

        return volume_filters_match(&a->filters, &item);
}

static int print_volumes(sd_bus_message *reply, const ListArgs *a) {
        _cleanup_json_ struct json_object *array = json_object_new_array();
        VolumeEntry e = {};
        int r;

        if (!list_format_custom(&a->format) && !a->quiet)
                printf("%-10s %s\n", "DRIVER", "VOLUME NAME");
        r = sd_bus_message_enter_container(reply, 'a', "(sstasbu)");
        while (r >= 0 && (r = read_volume_entry(reply, &e)) > 0) {
                if (!volume_entry_wanted(&e, a))
                        ;
                else if (list_format_custom(&a->format))
                        json_object_array_add(array, volume_entry_json(&e));
                else if (a->quiet)
                        printf("%s\n", e.name);
                else
                        printf("%-10s %s\n", "local", e.name);
                strv_freep(&e.labels);
        }
        if (r < 0)
                return log_error_errno(r, "conmanctl volume ls: malformed reply: %m");
        return list_format_print(&a->format, "conmanctl volume ls", array, volume_ls_titles,
                                 ELEMENTSOF(volume_ls_titles));
}

static int parse_volume_ls_args(int argc, char *argv[], ListArgs *a) {
        static const struct option options[] = {
                { "quiet", no_argument, NULL, 'q' },
                { "format", required_argument, NULL, 'F' },
                { "filter", required_argument, NULL, 'f' },
                CTL_HELP_OPTION,
                {},
        };
        const char *message;
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "qf:h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        printf("Usage: conmanctl volume ls [-q] [-f KEY=VALUE]... [--format json|TEMPLATE]\n\n"
                               "List volumes.\n\n"
                               "  -q, --quiet            Print only the names\n"
                               "  -f, --filter KEY=VALUE Only volumes that match (repeatable; values of one key\n"
                               "                         are alternatives): dangling=true|false (no container\n"
                               "                         uses it), driver=local, label=KEY[=VALUE], name=REGEXP\n"
                               "      --format json      Print a JSON array\n"
                               "      --format TEMPLATE  Print each volume through a Go template, e.g.\n"
                               "                         '{{.Name}} {{.Mountpoint}}' (fields: .Name .Driver\n"
                               "                         .Scope .Mountpoint .Labels .CreatedAt .Anonymous\n"
                               "                         .Links, the number of containers using it)\n");
                        return 0;
                case 'q': a->quiet = true; break;
                case 'F': list_format_set(&a->format, optarg); break;
                case 'f':
                        if (list_filters_add(&a->filters, optarg, &message) < 0)
                                return log_error_errno(ctl_usage_error(),
                                                       "conmanctl volume ls: --filter '%s': %s (dangling, "
                                                       "driver, label, name).",
                                                       optarg, message);
                        break;
                default: return ctl_usage_error();
                }
        if (optind < argc)
                return log_error_errno(-EINVAL, "conmanctl volume ls: takes no arguments.");
        if (a->quiet)
                a->format = (ListFormat){};
        return 1;
}

static int verb_volume_ls(int argc, char *argv[]) {
        ListArgs a = { .filters.keys = volume_filter_keys };
        int r;

        r = parse_volume_ls_args(argc, argv, &a);
        if (r > 0)
                r = list_args_run(&a, "conmanctl volume ls", "ListVolumes", "cannot list volumes",
                                  print_volumes);
        list_args_done(&a);
        return r;
}

static int verb_volume_inspect(int argc, char *argv[]) {
        static const struct option options[] = {
                { "format", required_argument, NULL, 'f' },
                CTL_HELP_OPTION,
                {},
        };
        static const CtlInspect what = { "conmanctl volume inspect", "InspectVolume", "volume" };
        const char *format = NULL;
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "f:h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        printf("Usage: conmanctl volume inspect [-f TEMPLATE] NAME...\n\n"
                               "Print volumes' details as a JSON array (docker's fields: Name, Driver,\n"
                               "Mountpoint, Labels, CreatedAt, Scope, Options), or each through a template.\n\n"
                               "  -f, --format TEMPLATE  e.g. '{{.Mountpoint}}' ('json' prints the array)\n");
                        return 0;
                case 'f': format = streq(optarg, "json") ? NULL : optarg; break;
                default: return ctl_usage_error();
                }
        if (optind >= argc)
                return log_error_errno(-EINVAL, "conmanctl volume inspect: name at least one volume.");
        return ctl_inspect_print(&what, argv + optind, format);
}

static int verb_volume_rm(int argc, char *argv[]) {
        static const struct option options[] = {
                { "force", no_argument, NULL, 'f' },
                CTL_HELP_OPTION,
                {},
        };
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        bool force = false;
        int c, r, ret = 0;

        optind = 0;
        while ((c = getopt_long(argc, argv, "fh", options, NULL)) >= 0)
                switch (c) {
                case 'f': force = true; break;
                case 'h':
                        printf("Usage: conmanctl volume rm [-f] NAME...\n\n"
                               "Remove volumes and their data. A volume a container uses (running or not)\n"
                               "is refused: remove the container first.\n\n"
                               "  -f, --force  Do not fail on volumes that do not exist\n");
                        return 0;
                default: return ctl_usage_error();
                }
        if (optind >= argc)
                return log_error_errno(-EINVAL, "conmanctl volume rm: name at least one volume.");
        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        for (int i = optind; i < argc; i++) {
                _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;

                r = ctl_call(bus, "RemoveVolume", &error, NULL, "sb", argv[i], force);
                if (r < 0)
                        ret = ctl_log_bus_error("cannot remove volume", &error, r);
                else
                        printf("%s\n", argv[i]);
        }
        return ret;
}

int ctl_prune_volumes(sd_bus *bus, bool all, sd_bus_error *error, size_t *ret_n) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_strv_free_ char **removed = NULL;
        int r;

        r = ctl_call(bus, "PruneVolumes", error, &reply, "b", all);
        if (r < 0)
                return sd_bus_error_has_name(error, SD_BUS_ERROR_UNKNOWN_METHOD)
                               ? r
                               : ctl_log_bus_error("cannot prune volumes", error, r);
        r = sd_bus_message_read_strv(reply, &removed);
        if (r < 0)
                return log_error_errno(r, "conmanctl: unexpected reply: %m");
        if (removed) {
                printf("Deleted Volumes:\n");
                for (char **n = removed; *n; n++)
                        printf("%s\n", *n);
                printf("\n");
        }
        if (ret_n)
                *ret_n = strv_length(removed);
        return 0;
}

static int verb_volume_prune(int argc, char *argv[]) {
        static const struct option options[] = {
                { "force", no_argument, NULL, 'f' },
                { "all", no_argument, NULL, 'a' },
                CTL_HELP_OPTION,
                {},
        };
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        bool all = false;
        size_t n;
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "fah", options, NULL)) >= 0)
                switch (c) {
                case 'f': break; /* nothing is asked: conmanctl never prompts */
                case 'a': all = true; break;
                case 'h':
                        printf("Usage: conmanctl volume prune [-f] [-a]\n\n"
                               "Remove the anonymous volumes no container uses (docker 23+'s default).\n\n"
                               "  -a, --all    Remove every volume no container uses, named ones too\n"
                               "  -f, --force  Accepted for docker's sake (nothing is asked)\n");
                        return 0;
                default: return ctl_usage_error();
                }
        if (optind < argc)
                return log_error_errno(-EINVAL, "conmanctl volume prune: takes no arguments.");
        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        r = ctl_prune_volumes(bus, all, &error, &n);
        if (r < 0 && sd_bus_error_has_name(&error, SD_BUS_ERROR_UNKNOWN_METHOD))
                return ctl_log_bus_error("cannot prune volumes", &error, r);
        if (r < 0)
                return r;
        printf("Total reclaimed space: %zu volume(s)\n", n);
        return 0;
}

int verb_volume(int argc, char *argv[]) {
        static const Verb sub[] = {
                { "create", NULL, verb_volume_create }, { "ls", NULL, verb_volume_ls },
                { "list", NULL, verb_volume_ls },       { "inspect", NULL, verb_volume_inspect },
                { "rm", NULL, verb_volume_rm },         { "remove", NULL, verb_volume_rm },
                { "prune", NULL, verb_volume_prune },
        };

        if (argc < 2 || streq(argv[1], "--help") || streq(argv[1], "-h")) {
                printf("Usage: conmanctl volume VERB [ARGS...]\n\n"
                       "  create [--label KEY=VALUE] [NAME]  Create a volume\n"
                       "  ls [-q] [-f KEY=VALUE] [--format F]  List volumes\n"
                       "  inspect NAME...     Show volumes as JSON\n"
                       "  rm [-f] NAME...     Remove volumes no container uses\n"
                       "  prune [-a] [-f]     Remove unused anonymous volumes (-a: all unused)\n");
                return argc < 2 ? -EINVAL : 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(sub); i++)
                if (streq(sub[i].name, argv[1]))
                        return sub[i].run(argc - 1, argv + 1);
        return log_error_errno(-EINVAL, "conmanctl volume: unknown verb '%s'. See 'conmanctl volume --help'.",
                               argv[1]);
}

int ctl_container_anonymous_volumes(sd_bus *bus, const char *ref, char ***ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_json_ struct json_object *doc = NULL;
        _cleanup_strv_free_ char **names = NULL;
        struct json_object *mounts;
        const char *s;
        int r;

        r = ctl_call(bus, "InspectContainer", NULL, &reply, "s", ref);
        if (r < 0)
                return r;
        if (sd_bus_message_read(reply, "s", &s) < 0 || !(doc = json_tokener_parse(s)))
                return -EBADMSG;
        if (!json_object_object_get_ex(doc, "Mounts", &mounts) ||
            !json_object_is_type(mounts, json_type_array))
                mounts = NULL;
        for (size_t i = 0; mounts && i < json_object_array_length(mounts); i++) {
                struct json_object *m = json_object_array_get_idx(mounts, i), *v;
                if (json_object_object_get_ex(m, "Anonymous", &v) && json_object_get_boolean(v) &&
                    json_object_object_get_ex(m, "Name", &v) &&
                    strv_push(&names, json_object_get_string(v)) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(names);
        return 0;
}

int ctl_remove_volumes(sd_bus *bus, char **names) {
        int ret = 0;

        for (char **n = names; n && *n; n++) {
                _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
                int r = ctl_call(bus, "RemoveVolume", &error, NULL, "sb", *n, true);
                if (r < 0)
                        ret = ctl_log_bus_error("cannot remove volume", &error, r);
        }
        return ret;
}
