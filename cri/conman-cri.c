/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conman-cri.c — main() of conman-cri, the CRI v1 server (docs/cri.md): options, the listening socket
 * (passed by conman-cri.socket, or made here), the event loop until SIGTERM/SIGINT.
 */
#include <getopt.h>
#include <signal.h>
#include <systemd/sd-daemon.h>

#include "conman-config.h"
#include "shared/log.h"
#include "cri/cri-server.h"
#include "cri/node-network.h"
#include "cri/stream-server.h"

#define CRI_SOCKET_PATH "/run/conman/cri.sock"

static const char *arg_listen = NULL;

static void help(void) {
        printf("Usage: conman-cri [OPTIONS]\n\n"
               "The CRI v1 server of conman-systemd (kubelet's container runtime): serves the\n"
               "RuntimeService and ImageService over gRPC on a unix socket, over conmand's pods\n"
               "and containers.\n\n"
               "Options:\n"
               "  -h --help               Show this help\n"
               "     --version            Show the version\n"
               "     --listen=PATH        Listen on PATH (default %s) when no socket is passed\n"
               "     --cni-conf-dir=DIR   Put pods on the node's CNI network: the first *.conflist,\n"
               "                          *.conf or *.json in DIR (kubelet's /etc/cni/net.d); also\n"
               "                          $CONMAN_CRI_CNI_CONF_DIR. Without it pods join conman0\n"
               "\nSee conman-cri(8).\n",
               CRI_SOCKET_PATH);
}

static int parse_argv(int argc, char *argv[]) {
        enum {
                ARG_VERSION = 0x100,
                ARG_LISTEN,
                ARG_CNI_CONF_DIR,
        };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "listen", required_argument, NULL, ARG_LISTEN },
                { "cni-conf-dir", required_argument, NULL, ARG_CNI_CONF_DIR },
                {},
        };
        const char *env = getenv("CONMAN_CRI_CNI_CONF_DIR");
        int c;

        if (!isempty(env) && env[0] == '/')
                cri_cni_conf_dir = env;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h': help(); return 0;
                case ARG_VERSION: printf("conman-cri %s\n", CONMAN_VERSION); return 0;
                case ARG_LISTEN:
                        if (optarg[0] != '/')
                                return log_error_errno(-EINVAL, "--listen needs an absolute path.");
                        arg_listen = optarg;
                        break;
                case ARG_CNI_CONF_DIR:
                        if (optarg[0] != '/')
                                return log_error_errno(-EINVAL, "--cni-conf-dir needs an absolute path.");
                        cri_cni_conf_dir = optarg;
                        break;
                default: return -EINVAL;
                }
        if (optind < argc)
                return log_error_errno(-EINVAL, "conman-cri takes no positional arguments.");
        return 1;
}

/* The sockets systemd passed (conman-cri.socket), else the one of --listen or the default. */
static int setup_listeners(CriServer *s) {
        int n, r;

        n = arg_listen ? 0 : sd_listen_fds(true);
        if (n < 0)
                return log_error_errno(n, "Failed to get the passed sockets: %m");
        for (int i = 0; i < n; i++) {
                r = sd_is_socket(SD_LISTEN_FDS_START + i, AF_UNSPEC, SOCK_STREAM, 1);
                if (r <= 0)
                        return log_error_errno(r < 0 ? r : -EINVAL, "Passed fd %d is not a listening socket.",
                                               SD_LISTEN_FDS_START + i);
                r = cri_server_add_listener(s, SD_LISTEN_FDS_START + i);
                if (r < 0)
                        return log_error_errno(r, "Failed to watch the passed socket: %m");
        }
        if (n > 0)
                return 0;
        r = cri_server_listen(s, arg_listen ?: CRI_SOCKET_PATH);
        if (r < 0)
                return log_error_errno(r, "Failed to listen on %s: %m", arg_listen ?: CRI_SOCKET_PATH);
        return 0;
}

static int run(void) {
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        _cleanup_(cri_server_freep) CriServer *s = NULL;
        sigset_t mask;
        int r;

        /* before any thread starts: the workers inherit the mask, and only the event loop sees these */
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return log_error_errno(-errno, "Failed to block signals: %m");
        (void) signal(SIGPIPE, SIG_IGN);

        r = sd_event_default(&e);
        if (r < 0)
                return log_error_errno(r, "Failed to get an event loop: %m");
        if ((r = sd_event_add_signal(e, NULL, SIGTERM, NULL, NULL)) < 0 ||
            (r = sd_event_add_signal(e, NULL, SIGINT, NULL, NULL)) < 0)
                return log_error_errno(r, "Failed to watch signals: %m");
        r = cri_server_new(e, NULL, &s);
        if (r < 0)
                return log_error_errno(r, "Failed to set up the server: %m");
        /* The streaming server (stream-server.h) starts here: it sets s->stream and s->stream_addr
         * before the first request. */
        r = setup_listeners(s);
        if (r < 0)
                return r;
        _cleanup_(stream_server_freep) StreamServer *stream = NULL; /* freed before s */
        r = cri_streaming_start(s, &stream);
        if (r < 0)
                log_warning_errno(r, "Streaming (exec, attach, port-forward) is unavailable: %m");

        (void) sd_notify(false, "READY=1\nSTATUS=Serving CRI.");
        r = sd_event_loop(e);
        (void) sd_notify(false, "STOPPING=1");
        if (r < 0)
                return log_error_errno(r, "Event loop failed: %m");
        return 0;
}

int main(int argc, char *argv[]) {
        int r;

        log_setup("conman-cri", LOG_TARGET_AUTO);
        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
        return run() < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
