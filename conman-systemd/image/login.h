/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * login.h — login and logout: credentials are checked against the registry's /v2/ (Basic, or the Bearer
 * token flow) before they are saved into auth.json (auth-file.c), the file pull and push read. Nothing is
 * saved when the registry refuses them.
 */
#pragma once

#include "image/registry.h"

/* Checks user/password at registry ("host:port", "docker.io"), then saves them into auth_file (NULL:
 * auth_write_path()). *ret_path gets the file written; *ret_error (may be NULL) a message for people.
 * -EINVAL bad registry or user, -EACCES refused, transport errors as image_pull(). */
int registry_login(const char *registry, const char *user, const char *password, const RegistryOptions *opts,
                   const char *auth_file, char **ret_path, char **ret_error);
/* Removes registry's entry from auth_file (NULL: auth_write_path()); -ENOENT when there was none. */
int registry_logout(const char *registry, const char *auth_file, char **ret_path);
