/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-run.c — `conmanctl create` and `conmanctl run`. A foreground run attaches
 * to the container's output (and with -i its input, with -t its terminal) before
 * starting it, waits for its exit through WaitContainer (no polling) and exits with
 * its exit code (attach-session.c).
 */
#include "shared/log.h"
#include "shared/util.h"
#include "attach-session.h"
#include "ctl.h"
#include "run-options.h"

static int create_container_call(sd_bus *bus, const RunOptions *o, char **ret_id) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *id;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                           "CreateContainer");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", strempty(o->name));
        if (r >= 0)
                r = sd_bus_message_append_strv(m, o->command);
        if (r >= 0)
                r = run_options_append(m, o);
        if (r < 0)
                return r == -ENOMEM ? log_oom() : r;
        r = sd_bus_call(bus, m, UINT64_MAX, &error, &reply);
        if (r < 0)
                return ctl_log_bus_error("cannot create container", &error, r);
        r = sd_bus_message_read(reply, "so", &id, NULL);
        if (r < 0)
                return r;
        *ret_id = strdup(id);
        return *ret_id ? 0 : log_oom();
}

/* --cidfile is made before the container and removed again if creating it fails. */
static int create_container(sd_bus *bus, const RunOptions *o, char **ret_id) {
        int r, cidfile = run_options_cidfile_open(o);

        if (cidfile < 0 && cidfile != -EBADF)
                return cidfile;
        r = run_options_pull(bus, o);
        if (r >= 0)
                r = create_container_call(bus, o, ret_id);
        if (r < 0) {
                (void) run_options_cidfile_finish(o, cidfile, NULL);
                return r;
        }
        return run_options_cidfile_finish(o, cidfile, *ret_id);
}

/* Starts a detached container; returns 0 or the exit code (125, 126, 127). */
static int start_detached(sd_bus *bus, const char *id) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r = ctl_call(bus, "StartContainer", &error, NULL, "s", id);

        if (r >= 0)
                return 0;
        (void) ctl_log_bus_error("cannot start container", &error, r);
        return ctl_exit_code_from_error(&error);
}

int verb_create(int argc, char *argv[]) {
        _cleanup_(run_options_done) RunOptions o = {};
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *id = NULL;
        int r;

        r = run_options_parse(argc, argv, false, &o);
        if (r <= 0)
                return r;
        r = ctl_bus_open(&bus);
        if (r >= 0)
                r = create_container(bus, &o, &id);
        if (r < 0)
                return r;
        printf("%s\n", id);
        return 0;
}

int ctl_run_attached(sd_bus *bus, const char *id) {
        SessionParams p = { .kind = SESSION_RUN, .id = id };
        return ctl_session_run(bus, &p);
}

int verb_run(int argc, char *argv[]) {
        _cleanup_(run_options_done) RunOptions o = {};
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *id = NULL;
        int r;

        r = run_options_parse(argc, argv, true, &o);
        if (r <= 0)
                return r < 0 ? EXIT_DAEMON_ERROR : 0;
        r = ctl_bus_open(&bus);
        if (r >= 0)
                r = create_container(bus, &o, &id);
        if (r < 0)
                return EXIT_DAEMON_ERROR;

        if (!o.detach) {
                SessionParams p = { .kind = SESSION_RUN,
                                    .id = id,
                                    .stdin = o.interactive,
                                    .close_stdin_on_eof = o.interactive && !o.tty,
                                    .detach_keys = o.detach_keys,
                                    .no_sig_proxy = o.host.no_sig_proxy };
                return ctl_session_run(bus, &p);
        }

        r = start_detached(bus, id);
        if (r > 0) {
                if (o.auto_remove)
                        (void) ctl_call(bus, "RemoveContainer", NULL, NULL, "sb", id, 1);
                return r;
        }
        printf("%s\n", id);
        return 0;
}
