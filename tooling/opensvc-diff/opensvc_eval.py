"""OpenSVC side of the differential: writes one service file per driver with
every keyword OpenSVC's own tables define for it, then evaluates each keyword
with OpenSVC's own conf_get, offline (no daemon, no node.conf other than the
cluster section run.mjs writes).

Usage: python3 opensvc_eval.py OSVC_TREE OUT_DIR NODENAME
  OSVC_TREE  a work tree of OpenSVC's Python agent (b2.1), writable (its etc/)
  OUT_DIR    where the .conf files and opensvc.json are written
Prints nothing on success; opensvc.json holds, per file and keyword, the
value OpenSVC evaluates (or its error), the text after references, and the
converter OpenSVC applies.
"""
import json
import os
import sys

OSVC, OUT, NODENAME = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, os.path.join(OSVC, "opensvc"))

from env import Env  # noqa: E402

# OpenSVC reads the hostname once at import: the differential pins it so
# that capsule (CAPSULE_NODENAME) evaluates as the same node.
Env.nodename = NODENAME

import core.exceptions as ex  # noqa: E402
from core.node import Node  # noqa: E402
from core.objects.svc import Svc  # noqa: E402
from core.objects.svcdict import KEYS, SECTIONS  # noqa: E402
from utilities.drivers import load_drivers  # noqa: E402

load_drivers(SECTIONS)

# What is measured: capsule's container drivers, its resources, [DEFAULT].
FILES = [("container", t) for t in (
    "esx", "hpvm", "jail", "kvm", "ldom", "lxc", "openstack", "ovm", "srp",
    "vbox", "vcloud", "vz", "xen", "zone")]
FILES += [("app", "forking"), ("app", "simple"), ("fs", "ext4"), ("fs", "zfs"),
          ("fs", "tmpfs"), ("ip", "host")]
FILES += [("disk", t) for t in ("loop", "raw", "disk", "vg", "lv", "md", "drbd", "zpool")]
FILES += [("sync", "rsync"), ("DEFAULT", None)]

NODES = "%s n2" % NODENAME

# Values where OpenSVC's example or candidates would not make a service that
# reads as one (a node set naming no node, an id that is no uuid...).
OVERRIDES = {
    "nodes": NODES,
    "drpnodes": "n3",
    "drpnode": "n3",
    "encapnodes": "vm1",
    "flex_primary": NODENAME,
    "drp_flex_primary": "n3",
    "id": "6f3c1a52-7e0b-4a8e-9a51-2b7d3c4e5f60",
    "comment": "{name} on {nodename}",
    "always_on": "nodes",
    "subset": "s1",
    "tags": "t1 t2",
    "parents": "svc1",
    "children": "svc2",
    "hard_affinity": "svc3",
    "hard_anti_affinity": "svc4",
    "soft_affinity": "svc5",
    "soft_anti_affinity": "svc6",
    "start_requires": "fs#9(up)",
    "stop_requires": "fs#9(down)",
    "ipname": "192.0.2.10",
    "netmask": "24",
    "gateway": "192.0.2.1",
    "network": "192.0.2.0",
    "ipdev": "eth0",
    "mnt": "/srv/{name}",
    "dev": "/dev/sdb1",
    "flex_min": "1",
    "flex_max": "2",
    "flex_target": "2",
    "priority": "50",
    "restart": "2",
    "environment": "FOO=bar baz=qux",
    "retcodes": "0:up 1:down",
    "user": "root",
    "group": "root",
    "prkey": "0x90520a45138e85",
}

# A [DEFAULT] keyword that only resources read is accepted by capsule where a
# resource takes it: the [DEFAULT] file has one of the usual resources.
DEFAULT_TAKERS = ["", "[fs#1]", "type = ext4", "dev = /dev/sdb1", "mnt = /srv/{name}", "",
                  "[app#1]", "start = /bin/true", "", "[disk#1]", "type = vg", "name = vg1"]

# Values a driver reads in its own way: zfs's dev is pool/dataset, a tmpfs's is tmpfs...
TYPE_OVERRIDES = {
    ("fs", "zfs"): {"dev": "tank/{name}", "quota": "10g", "refquota": "10g", "reservation": "5g", "refreservation": "5g"},
    ("fs", "tmpfs"): {"dev": "tmpfs"},
    ("disk", "zpool"): {"name": "tank"},
    ("disk", "vg"): {"name": "vg{name}"},
    ("disk", "lv"): {"name": "lv{name}", "vg": "vg{name}"},
    ("disk", "loop"): {"file": "/var/lib/{name}/disk.img"},
    ("disk", "md"): {"uuid": "4f2a9c1e:7b3d5e60:a1b2c3d4:e5f60718"},
}


def text(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple, set)):
        return " ".join(text(x) for x in v)
    return str(v)


def value_for(group, rtype, kw):
    name = kw.keyword
    if name in TYPE_OVERRIDES.get((group, rtype), {}):
        return TYPE_OVERRIDES[(group, rtype)][name]
    if name == "type":
        return rtype
    if name in OVERRIDES:
        return OVERRIDES[name]
    if name.startswith(("pre_", "post_", "blocking_pre_", "blocking_post_")):
        return "/bin/true"
    cands = kw.candidates if isinstance(kw.candidates, (list, tuple)) else None
    if cands and kw.strict_candidates:
        # A value that is not the default: a default evaluates alike whether read or not.
        others = [c for c in cands if c != kw.default and c not in (None, "")]
        return text((others or list(cands))[0])
    if kw.convert in ("boolean", "tristate"):
        return "false" if kw.default is True else "true"
    ex_ = getattr(kw, "example", None)
    if ex_ is not None and ex_ != "foo":
        return text(ex_)
    return {
        "integer": "3", "duration": "90s", "duration_minute": "90", "size": "100m",
        "list": "a b", "set": "a b", "list_lower": "a b", "shlex": "/bin/true --opt",
        "expanded_shlex": "/bin/true --opt", "speed_kps": "10m",
    }.get(kw.convert, "foo")


def keywords(group, rtype):
    sec = KEYS.sections[group]
    kws = {k.keyword: k for k in sec.getallkeys(None)}
    if rtype is not None:
        kws.update({k.keyword: k for k in sec.getallkeys(rtype)})
    return [kws[n] for n in sorted(kws)]


def write_file(group, rtype):
    name = "d%s%s" % (group.lower(), rtype or "")
    lines = []
    if group == "DEFAULT":
        rid, kws = "DEFAULT", keywords("DEFAULT", None)
    else:
        rid, kws = "%s#1" % group, keywords(group, rtype)
        lines += ["[DEFAULT]", "nodes = %s" % NODES, "id = %s" % OVERRIDES["id"], ""]
    lines.append("[%s]" % rid)
    cases = []
    for kw in kws:
        val = value_for(group, rtype, kw)
        lines.append("%s = %s" % (kw.keyword, val))
        cases.append((kw, val))
    if group == "DEFAULT":
        lines += DEFAULT_TAKERS
    path = os.path.join(OUT, name + ".conf")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return name, path, rid, cases


def jsonable(v):
    if isinstance(v, set):
        return sorted(jsonable(x) for x in v)
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    return str(v)


def evaluate(name, path, rid, cases):
    svc = Svc(name, node=Node(), cf=path, volatile=True)
    out = []
    for kw, written in cases:
        r = {"section": rid, "keyword": kw.keyword, "written": written, "convert": kw.convert}
        try:
            r["value"] = jsonable(svc.conf_get(rid, kw.keyword))
            # The text after references, before conversion: what a driver that converts later would read.
            r["text"] = svc.conf_get(rid, kw.keyword, t="string")
        except (ex.OptNotFound, ex.RequiredOptNotFound):
            r["unset"] = True
        except Exception as exc:  # an evaluation error is a result
            r["error"] = "%s: %s" % (type(exc).__name__, exc)
        out.append(r)
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    results = {}
    for group, rtype in FILES:
        name, path, rid, cases = write_file(group, rtype)
        results[name] = {"file": path, "group": group, "type": rtype, "keywords": evaluate(name, path, rid, cases)}
    with open(os.path.join(OUT, "opensvc.json"), "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)


main()
