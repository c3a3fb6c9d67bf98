/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cri-server.c — the conman-cri daemon object: listening sockets, connections, workers, shared state
 * (see cri-server.h).
 */
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/util.h"
#include "cri/cri-server.h"
#include "cri/grpc.h"

int cri_server_new(sd_event *event, CriBusOpen bus_open, CriServer **ret) {
        _cleanup_(cri_server_freep) CriServer *s = NULL;
        int r;

        s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        pthread_mutex_init(&s->lock, NULL);
        s->event = sd_event_ref(event);
        s->lookup = cri_method_lookup;
        s->h2 = (H2Server){
                .event = event,
                /* a request body is one frame: its prefix and a message of up to the limit, plus one
                 * byte so that a longer one shows as such (RESOURCE_EXHAUSTED, not a truncation) */
                .max_body = GRPC_FRAME_HEADER_SIZE + GRPC_MAX_MESSAGE_SIZE + 1,
                .on_request = grpc_on_request,
                .userdata = s,
        };
        r = cri_worker_pool_new(event, s, CRI_WORKERS_MAX, bus_open, &s->workers);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(s);
        return 0;
}

CriServer *cri_server_free(CriServer *s) {
        if (!s)
                return NULL;
        for (size_t i = 0; i < s->n_listeners; i++)
                sd_event_source_disable_unref(s->listeners[i]);
        free(s->listeners);
        h2_server_close_all(&s->h2);
        /* after the connections: a job that completes now finds its connection closed */
        cri_worker_pool_free(s->workers);
        sd_event_unref(s->event);
        free(s->pod_cidr);
        pthread_mutex_destroy(&s->lock);
        free(s);
        return NULL;
}

static int on_accept(sd_event_source *source, int fd, uint32_t revents, void *userdata) {
        CriServer *s = userdata;
        int cfd, r;

        cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (cfd < 0) {
                if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
                        log_warning_errno(-errno, "Failed to accept a connection: %m");
                return 0;
        }
        r = h2_server_add_conn(&s->h2, cfd);
        if (r < 0)
                log_warning_errno(r, "Failed to set up a connection: %m");
        return 0;
}

int cri_server_add_listener(CriServer *s, int fd) {
        _cleanup_close_ int fd_close = fd;
        sd_event_source **l;
        int r;

        l = realloc(s->listeners, (s->n_listeners + 1) * sizeof(*l));
        if (!l)
                return -ENOMEM;
        s->listeners = l;
        r = sd_event_add_io(s->event, &l[s->n_listeners], fd, EPOLLIN, on_accept, s);
        if (r < 0)
                return r;
        (void) sd_event_source_set_io_fd_own(l[s->n_listeners], true);
        TAKE_FD(fd_close);
        s->n_listeners++;
        return 0;
}

int cri_server_listen(CriServer *s, const char *path) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        _cleanup_free_ char *dir = NULL;
        _cleanup_close_ int fd = -EBADF;
        char *slash;
        int r;

        if (strlen(path) >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        strcpy(sa.sun_path, path);
        dir = strdup(path);
        if (!dir)
                return -ENOMEM;
        slash = strrchr(dir, '/');
        if (slash && slash != dir) {
                *slash = '\0';
                r = mkdir_p(dir, 0755);
                if (r < 0)
                        return r;
        }
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        (void) unlink(path); /* a socket left by a killed conman-cri */
        if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0)
                return -errno;
        if (chmod(path, 0660) < 0 || listen(fd, SOMAXCONN) < 0)
                return -errno;
        return cri_server_add_listener(s, TAKE_FD(fd));
}

int cri_server_add_connection(CriServer *s, int fd) {
        return h2_server_add_conn(&s->h2, fd);
}

bool cidr_is_valid(const char *s) {
        unsigned char addr[sizeof(struct in6_addr)];
        _cleanup_free_ char *a = strdup(s);
        char *slash;
        int prefix, family;

        if (!a)
                return false;
        slash = strchr(a, '/');
        if (!slash)
                return false;
        *slash = '\0';
        family = strchr(a, ':') ? AF_INET6 : AF_INET;
        if (inet_pton(family, a, addr) != 1)
                return false;
        if (slash[1] < '0' || slash[1] > '9' || safe_atoi(slash + 1, &prefix) < 0)
                return false;
        return prefix >= 0 && prefix <= (family == AF_INET6 ? 128 : 32);
}

int cri_server_set_pod_cidr(CriServer *s, const char *cidr) {
        _cleanup_free_ char *copy = strdup(cidr), *value = NULL;

        if (!copy)
                return -ENOMEM;
        for (char *p = copy, *tok; (tok = strsep(&p, ","));)
                if (!cidr_is_valid(tok) && !isempty(cidr))
                        return -EINVAL;
        if (!isempty(cidr)) {
                value = strdup(cidr);
                if (!value)
                        return -ENOMEM;
        }
        pthread_mutex_lock(&s->lock);
        free(s->pod_cidr);
        s->pod_cidr = TAKE_PTR(value);
        pthread_mutex_unlock(&s->lock);
        return 0;
}

int cri_server_get_pod_cidr(CriServer *s, char **ret) {
        int r = 0;

        pthread_mutex_lock(&s->lock);
        *ret = NULL;
        if (s->pod_cidr) {
                *ret = strdup(s->pod_cidr);
                if (!*ret)
                        r = -ENOMEM;
        }
        pthread_mutex_unlock(&s->lock);
        return r;
}
