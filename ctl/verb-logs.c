/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-logs.c — `conmanctl logs`: the container's output, read straight from the
 * journal (conmand writes each line with CONTAINER_ID_FULL=, see
 * conman-systemd/daemon/stdio/container-stdio.c), so logs work while conmand is down.
 * -f follows until the container exits.
 */
#include <getopt.h>
#include <systemd/sd-journal.h>

#include "shared/log.h"
#include "shared/util.h"
#include "ctl.h"

typedef struct LogsArgs {
        bool follow, timestamps;
        uint64_t tail;       /* UINT64_MAX: all */
        uint64_t since_usec; /* 0: from the start */
} LogsArgs;

/* "2026-11-22T07:00:00Z", "10m" (ago), or seconds since the epoch. */
static int parse_since(const char *s, uint64_t *ret) {
        struct tm tm = {};
        uint64_t d;
        const char *e;

        if ((e = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) && (*e == 0 || *e == 'Z')) {
                *ret = (uint64_t) timegm(&tm) * USEC_PER_SEC;
                return 0;
        }
        if (safe_atou64(s, &d) >= 0 && d > 1000000000) {
                *ret = d * USEC_PER_SEC;
                return 0;
        }
        if (parse_duration(s, &d) >= 0) {
                uint64_t now = now_realtime_usec();
                *ret = d < now ? now - d : 0;
                return 0;
        }
        return -EINVAL;
}

static int print_entry(sd_journal *j, const LogsArgs *a) {
        const void *data;
        size_t len;
        FILE *out = stdout;
        int r;

        r = sd_journal_get_data(j, "MESSAGE", &data, &len);
        if (r < 0)
                return 0;
        if (sd_journal_get_data(j, "CONTAINER_STREAM", &data, &len) >= 0 && len == 23 &&
            memcmp(data, "CONTAINER_STREAM=stderr", 23) == 0)
                out = stderr;
        r = sd_journal_get_data(j, "MESSAGE", &data, &len);
        if (r < 0)
                return 0;
        if (a->timestamps) {
                uint64_t usec;
                char ts[40];
                if (sd_journal_get_realtime_usec(j, &usec) >= 0)
                        fprintf(out, "%s ", format_timestamp(usec, ts));
        }
        fwrite((const char *) data + 8, 1, len - 8, out);
        fputc('\n', out);
        return 0;
}

static int position_journal(sd_journal *j, const LogsArgs *a) {
        if (a->tail != UINT64_MAX) {
                int r = sd_journal_seek_tail(j);
                if (r < 0)
                        return r;
                r = sd_journal_previous_skip(j, a->tail + 1);
                if (r < 0)
                        return r;
                /* When fewer than tail+1 entries exist we are at the first one: print from there. */
                if ((uint64_t) r <= a->tail)
                        return sd_journal_seek_head(j);
                return 0;
        }
        if (a->since_usec > 0)
                return sd_journal_seek_realtime_usec(j, a->since_usec);
        return sd_journal_seek_head(j);
}

static int print_available(sd_journal *j, const LogsArgs *a) {
        int r;

        while ((r = sd_journal_next(j)) > 0) {
                uint64_t usec;
                if (a->since_usec > 0 && sd_journal_get_realtime_usec(j, &usec) >= 0 && usec < a->since_usec)
                        continue;
                print_entry(j, a);
        }
        fflush(stdout);
        fflush(stderr);
        return r;
}

static int container_state(sd_bus *bus, const char *path, char **ret) {
        return sd_bus_get_property_string(bus, "io.conman1", path, "io.conman1.Container", "State", NULL,
                                          ret);
}

typedef struct Follow {
        sd_journal *journal;
        const LogsArgs *args;
} Follow;

static int on_journal(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Follow *f = userdata;

        if (sd_journal_process(f->journal) < 0)
                return sd_event_exit(sd_event_source_get_event(s), -EIO);
        (void) print_available(f->journal, f->args);
        return 0;
}

/* conmand's PropertiesChanged carries State: the container left "running", so no more output comes. */
static int on_container_changed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Follow *f = userdata;
        const char *iface, *key, *state = NULL;
        int r;

        if (sd_bus_message_read(m, "s", &iface) < 0 || sd_bus_message_enter_container(m, 'a', "{sv}") < 0)
                return 0;
        while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                if (sd_bus_message_read(m, "s", &key) < 0)
                        return 0;
                if (streq(key, "State"))
                        r = sd_bus_message_read(m, "v", "s", &state);
                else
                        r = sd_bus_message_skip(m, "v");
                if (r < 0 || sd_bus_message_exit_container(m) < 0)
                        return 0;
        }
        if (state && (streq(state, "exited") || streq(state, "created"))) {
                /* conmand forwards the last lines before it reports the exit */
                (void) sd_journal_process(f->journal);
                (void) print_available(f->journal, f->args);
                return sd_event_exit(sd_bus_get_event(sd_bus_message_get_bus(m)), 0);
        }
        return 0;
}

/* Follows the journal (its fd in an event loop, no polling) until the container stops running. */
static int follow(sd_journal *j, sd_bus *bus, const char *path, const LogsArgs *a) {
        _cleanup_(sd_event_unrefp) sd_event *event = NULL;
        _cleanup_free_ char *state = NULL, *match = NULL;
        Follow f = { j, a };
        int r;

        r = sd_event_default(&event);
        if (r >= 0)
                r = sd_bus_attach_event(bus, event, 0);
        if (r >= 0 && asprintf(&match,
                               "type='signal',sender='io.conman1',path='%s',"
                               "interface='org.freedesktop.DBus.Properties',member='PropertiesChanged'",
                               path) < 0)
                r = -ENOMEM;
        if (r >= 0)
                r = sd_bus_add_match(bus, NULL, match, on_container_changed, &f);
        if (r >= 0)
                r = sd_event_add_io(event, NULL, sd_journal_get_fd(j), (uint32_t) sd_journal_get_events(j),
                                    on_journal, &f);
        if (r < 0)
                return r;
        r = print_available(j, a);
        if (r < 0)
                return r;
        /* asked after the match is in place, so an exit in between is not missed */
        if (container_state(bus, path, &state) < 0 || streq(state, "exited") || streq(state, "created"))
                return print_available(j, a);
        return sd_event_loop(event);
}

static int resolve(sd_bus *bus, const char *ref, char **ret_id, char **ret_path) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *path;
        int r;

        r = ctl_call(bus, "GetContainer", &error, &reply, "s", ref);
        if (r < 0)
                return ctl_log_bus_error("cannot find container", &error, r);
        r = sd_bus_message_read(reply, "o", &path);
        if (r < 0)
                return r;
        *ret_path = strdup(path);
        if (!*ret_path)
                return log_oom();
        return sd_bus_get_property_string(bus, "io.conman1", path, "io.conman1.Container", "Id", NULL,
                                          ret_id);
}

int verb_logs(int argc, char *argv[]) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'H' },       { "follow", no_argument, NULL, 'f' },
                { "tail", required_argument, NULL, 'n' }, { "since", required_argument, NULL, 's' },
                { "timestamps", no_argument, NULL, 't' }, {},
        };
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *id = NULL, *path = NULL, *match = NULL;
        sd_journal *j = NULL;
        LogsArgs a = { .tail = UINT64_MAX };
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "fn:t", options, NULL)) >= 0)
                switch (c) {
                case 'H':
                        printf("Usage: conmanctl logs [-f] [--tail N] [--since TIME] [-t] CONTAINER\n\n"
                               "Print a container's output from the journal (also: journalctl -u conman-NAME).\n\n"
                               "  -f, --follow       Keep printing new output until the container stops\n"
                               "  -n, --tail N       Only the last N lines ('all' for everything)\n"
                               "      --since TIME   From TIME on: 2026-11-22T07:00:00Z, 10m (ago), or epoch seconds\n"
                               "  -t, --timestamps   Prefix each line with its time\n");
                        return 0;
                case 'f': a.follow = true; break;
                case 't': a.timestamps = true; break;
                case 'n':
                        if (!streq(optarg, "all") && safe_atou64(optarg, &a.tail) < 0)
                                return log_error_errno(-EINVAL,
                                                       "conmanctl logs: --tail takes a number or 'all'.");
                        break;
                case 's':
                        if (parse_since(optarg, &a.since_usec) < 0)
                                return log_error_errno(-EINVAL, "conmanctl logs: cannot read time '%s'.",
                                                       optarg);
                        break;
                default: return ctl_usage_error();
                }
        if (argc - optind != 1)
                return log_error_errno(-EINVAL, "conmanctl logs: name one container.");

        r = ctl_bus_open(&bus);
        if (r >= 0)
                r = resolve(bus, argv[optind], &id, &path);
        if (r < 0)
                return r;
        r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
        if (r < 0)
                return log_error_errno(r, "conmanctl logs: cannot open the journal: %m");
        if (asprintf(&match, "CONTAINER_ID_FULL=%s", id) < 0)
                r = -ENOMEM;
        if (r >= 0)
                r = sd_journal_add_match(j, match, 0);
        if (r >= 0)
                r = position_journal(j, &a);
        if (r >= 0)
                r = a.follow ? follow(j, bus, path, &a) : print_available(j, &a);
        sd_journal_close(j);
        if (r < 0)
                return log_error_errno(r, "conmanctl logs: reading the journal failed: %m");
        return 0;
}
