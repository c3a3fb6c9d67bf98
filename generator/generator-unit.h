/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * generator-unit.h — what conman-generator writes for one parsed .container file:
 * the text of conman-<name>.service (built from unit.c's property list, so it has
 * the shape of a transient container unit) and the JSON spec conman-prepare
 * reads at start (<output dir>/conman/<name>.json).
 */
#pragma once

#include <stdio.h>

#include "shared/container-file.h"
#include "shared/unit.h"

#define GENERATOR_SPEC_SUBDIR "conman"

typedef struct GeneratedUnit {
        char *unit_name; /* conman-<name>.service */
        char *unit_text;
        char *spec_name; /* <name>.json, below GENERATOR_SPEC_SUBDIR */
        char *spec_text;
} GeneratedUnit;

void generated_unit_done(GeneratedUnit *g);

/* The container's id: derived from its name, so it stays the same across reloads and boots
 * (sha256 hex of "conman-generator:<name>"). */
int generated_container_id(const char *name, char **ret);
/* A pod's id, likewise: sha256 hex of "conman-generator-pod:<name>". */
int generated_pod_id(const char *name, char **ret);

/* Sorts a unit's properties into [Unit] lines and the others (the unit type's own section). */
int generated_property_lines(const UnitPropertyList *l, char ***unit_lines, char ***other_lines);
/* "[name]" then the generated lines then the user's (which win); nothing when both are empty. */
void generated_write_section(FILE *out, const char *name, char **generated, char **user);

/* Validates f->spec as conmand would and builds both texts. output_dir is where the generator
 * writes (the spec's path in the unit depends on it). Errors are logged naming the file. */
int generated_unit_build(const ContainerFile *f, const char *output_dir, GeneratedUnit *ret);
