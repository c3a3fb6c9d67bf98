/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * login.c — check credentials at a registry, then save or forget them (see login.h).
 */
#include <stdarg.h>

#include "shared/util.h"
#include "image/auth.h"
#include "image/login.h"
#include "image/reference.h"
#include "image/registries.h"

/* The registry's domain as references name it ("127.0.0.1:5051", "docker.io"). */
static int registry_reference(const char *registry, Reference **ret) {
        _cleanup_free_ char *s = NULL;

        if (isempty(registry) || strpbrk(registry, "/@ "))
                return -EINVAL;
        if (asprintf(&s, "%s/conman-login-check", registry) < 0)
                return -ENOMEM;
        return reference_parse(s, ret);
}

static bool registry_is_insecure(const char *domain) {
        _cleanup_(registries_config_freep) RegistriesConfig *config = NULL;

        if (registries_load_dir(registries_dir(), &config) < 0)
                return false;
        for (size_t i = 0; i < config->n_entries; i++)
                if (streq(config->entries[i].domain, domain) && config->entries[i].insecure)
                        return true;
        return false;
}

static _printf_(2, 3) void set_error(char **ret_error, const char *fmt, ...) {
        va_list ap;

        if (!ret_error)
                return;
        va_start(ap, fmt);
        if (vasprintf(ret_error, fmt, ap) < 0)
                *ret_error = NULL;
        va_end(ap);
}

int registry_login(const char *registry, const char *user, const char *password, const RegistryOptions *opts,
                   const char *auth_file, char **ret_path, char **ret_error) {
        _cleanup_(registry_client_freep) RegistryClient *client = NULL;
        _cleanup_reference_ Reference *ref = NULL;
        Credentials creds = { .user = (char *) user, .password = (char *) password };
        RegistryOptions o = *opts;
        const char *path = auth_file ?: auth_write_path();
        int r;

        if (ret_error)
                *ret_error = NULL;
        r = registry_reference(registry, &ref);
        if (r < 0)
                return set_error(ret_error, "\"%s\" is not a registry (host[:port])", registry), r;
        if (isempty(user) || strchr(user, ':') || !password)
                return set_error(ret_error, "a user name (without ':') and a password are needed"), -EINVAL;
        o.credentials = &creds;
        o.credentials_server = NULL;
        o.auth_file = NULL;
        if (registry_is_insecure(ref->domain))
                o.tls_verify = false;
        r = registry_client_new(ref, NULL, &o, &client);
        if (r < 0)
                return r;
        r = registry_check_login(client);
        if (r < 0)
                return set_error(ret_error, "%s", registry_client_error(client)), r;
        r = auth_file_update(path, ref->domain, user, password);
        if (r < 0)
                return set_error(ret_error, "cannot write %s: %s", path, strerror(-r)), r;
        if (ret_path && !(*ret_path = strdup(path)))
                return -ENOMEM;
        return 0;
}

int registry_logout(const char *registry, const char *auth_file, char **ret_path) {
        _cleanup_reference_ Reference *ref = NULL;
        const char *path = auth_file ?: auth_write_path();
        int r;

        r = registry_reference(registry, &ref);
        if (r < 0)
                return r;
        r = auth_file_update(path, ref->domain, NULL, NULL);
        if (r < 0)
                return r;
        if (ret_path && !(*ret_path = strdup(path)))
                return -ENOMEM;
        return 0;
}
