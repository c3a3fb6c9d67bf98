#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Compares the interface a running conmand exports with dbus/*.xml.

Usage: check-introspection.py XML OBJECT_PATH
Prints each difference and exits non-zero when there is one."""
import subprocess
import sys
import xml.etree.ElementTree as ET


def members(root, iface_name):
    out = set()
    for iface in root.iter("interface"):
        if iface.get("name") != iface_name:
            continue
        for el in iface:
            kind = el.tag
            if kind == "annotation":
                continue
            if kind == "property":
                out.add(("property", el.get("name"), el.get("type"), el.get("access")))
                continue
            args = tuple((a.get("direction", "out" if kind == "signal" else "in"), a.get("type"))
                         for a in el.iter("arg"))
            out.add((kind, el.get("name"), args))
    return out


def main():
    xml_path, obj = sys.argv[1], sys.argv[2]
    spec = ET.parse(xml_path).getroot()
    names = [i.get("name") for i in spec.iter("interface")]
    live_xml = subprocess.run(["busctl", "--system", "--xml-interface", "introspect", "io.conman1", obj],
                              check=True, capture_output=True, text=True).stdout
    live = ET.fromstring(live_xml)
    bad = 0
    for name in names:
        want, have = members(spec, name), members(live, name)
        for m in sorted(want - have, key=str):
            print(f"{name}: in XML but not exported: {m}")
            bad += 1
        for m in sorted(have - want, key=str):
            print(f"{name}: exported but not in XML: {m}")
            bad += 1
    sys.exit(1 if bad else 0)


main()
