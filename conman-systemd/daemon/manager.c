/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * manager.c — conmand's manager object: creating it, connecting it to the bus,
 * owning the bus name, and tearing it down.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>

#include "conman-config.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/util.h"
#include "image/store.h"
#include "daemon/container-image.h"
#include "daemon/container-network.h"
#include "daemon/container.h"
#include "daemon/exec.h"
#include "daemon/image-job.h"
#include "daemon/manager.h"
#include "daemon/pod.h"
#include "daemon/systemd-client.h"

int manager_new(const ManagerConfig *config, Manager **ret) {
        _cleanup_(manager_freep) Manager *m = NULL;

        m = calloc(1, sizeof(*m));
        if (!m)
                return -ENOMEM;
        m->state_dir_fd = -EBADF;
        m->version = CONMAN_VERSION;

        m->state_dir = strdup(config->state_dir ?: CONMAN_STATE_DIR);
        m->run_dir = strdup(config->run_dir ?: CONMAN_RUN_DIR);
        m->default_runtime = strdup(config->default_runtime ?: CONMAN_DEFAULT_RUNTIME);
        if (!m->state_dir || !m->run_dir || !m->default_runtime)
                return -ENOMEM;

        *ret = TAKE_PTR(m);
        return 0;
}

Manager *manager_free(Manager *m) {
        if (!m)
                return NULL;
        manager_drain_queues(m);
        exec_free_all(m);
        while (m->containers)
                container_free(m->containers);
        manager_free_pods(m);
        userns_pool_done(&m->userns_pool);
        m->systemd = systemd_client_free(m->systemd); /* pending job watches are dropped unanswered */
        image_manager_free(m);
        m->bus = sd_bus_flush_close_unref(m->bus);
        m->event = sd_event_unref(m->event);
        safe_close(m->state_dir_fd);
        free(m->state_dir);
        free(m->run_dir);
        free(m->default_runtime);
        free(m->systemd_version);
        free(m);
        return NULL;
}

static int manager_open_state_dir(Manager *m) {
        int r;

        r = mkdir_p(m->state_dir, 0700);
        if (r < 0)
                return log_error_errno(r, "Failed to create state directory %s: %m", m->state_dir);
        r = mkdir_p(m->run_dir, 0700);
        if (r < 0)
                return log_error_errno(r, "Failed to create runtime directory %s: %m", m->run_dir);

        m->state_dir_fd = open(m->state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (m->state_dir_fd < 0)
                return log_error_errno(errno, "Failed to open state directory %s: %m", m->state_dir);
        if (mkdirat(m->state_dir_fd, "containers", 0700) < 0 && errno != EEXIST)
                return log_error_errno(errno, "Failed to create %s/containers: %m", m->state_dir);
        if (mkdirat(m->state_dir_fd, "pods", 0700) < 0 && errno != EEXIST)
                return log_error_errno(errno, "Failed to create %s/pods: %m", m->state_dir);
        return 0;
}

static int on_name_acquired(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Manager *m = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);

        if (e) {
                log_error("Failed to acquire bus name io.conman1: %s", e->message);
                return sd_event_exit(m->event, EXIT_FAILURE);
        }

        m->ready = true;
        (void) sd_notify(false, "READY=1\nSTATUS=Managing containers.");
        log_info("conmand %s ready, state in %s.", CONMAN_VERSION, m->state_dir);
        return 0;
}

static int manager_connect_bus(Manager *m) {
        const char *address = getenv("CONMAN_BUS_ADDRESS");
        int r;

        if (address) {
                r = sd_bus_new(&m->bus);
                if (r >= 0)
                        r = sd_bus_set_address(m->bus, address);
                if (r >= 0)
                        r = sd_bus_set_bus_client(m->bus, true);
                if (r >= 0)
                        r = sd_bus_start(m->bus);
        } else
                r = sd_bus_open_system(&m->bus);
        if (r < 0)
                return log_error_errno(r, "Failed to connect to the system bus: %m");

        return 0;
}

int manager_start_on_bus(Manager *m, sd_bus *bus) {
        int r;

        r = manager_open_state_dir(m);
        if (r < 0)
                return r;
        if (!m->event) {
                r = sd_event_default(&m->event);
                if (r < 0)
                        return log_error_errno(r, "Failed to allocate event loop: %m");
        }
        if (m->bus != bus) {
                sd_bus_flush_close_unref(m->bus);
                m->bus = sd_bus_ref(bus);
        }
        r = sd_bus_attach_event(m->bus, m->event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                return log_error_errno(r, "Failed to attach bus to event loop: %m");

        SystemdUnitHandlers handlers = container_unit_handlers;
        handlers.userdata = m;
        r = systemd_client_new(m->bus, &handlers, &m->systemd);
        if (r < 0)
                return log_oom();
        r = systemd_client_subscribe(m->systemd);
        if (r < 0)
                return r;
        (void) systemd_get_version(m->systemd, &m->systemd_version);

        r = image_manager_start(m);
        if (r < 0)
                return r;
        image_store_set_in_use_func(m->image_store, container_image_in_use, m);
        return 0;
}

int manager_start(Manager *m) {
        int r;

        r = sd_event_default(&m->event);
        if (r < 0)
                return log_error_errno(r, "Failed to allocate event loop: %m");
        (void) sd_event_set_watchdog(m->event, true);

        sigset_t mask;
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        r = sd_event_add_signal(m->event, NULL, SIGTERM, NULL, NULL);
        if (r >= 0)
                r = sd_event_add_signal(m->event, NULL, SIGINT, NULL, NULL);
        if (r < 0)
                return log_error_errno(r, "Failed to install signal handlers: %m");

        r = manager_connect_bus(m);
        if (r >= 0)
                r = manager_start_on_bus(m, m->bus);
        if (r < 0)
                return r;
        r = manager_load_containers(m);
        if (r < 0)
                return r;
        container_network_cleanup_orphans(m);

        r = manager_bus_export(m);
        if (r < 0)
                return r;

        r = sd_bus_request_name_async(m->bus, NULL, "io.conman1", 0, on_name_acquired, m);
        if (r < 0)
                return log_error_errno(r, "Failed to request bus name io.conman1: %m");
        return 0;
}

int manager_run(Manager *m) {
        int r;

        r = sd_event_loop(m->event);
        (void) sd_notify(false, "STOPPING=1\nSTATUS=Shutting down.");
        if (r < 0)
                return log_error_errno(r, "Event loop failed: %m");
        log_info("conmand stopped; containers keep running under systemd.");
        return r;
}
