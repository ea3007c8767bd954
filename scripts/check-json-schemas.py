#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Validate vmainspect --json documents against Documentation/json/.

Usage: scripts/check-json-schemas.py [--all] [--schemas DIR] [--as SCHEMA] PATH...
       scripts/check-json-schemas.py --self-test [PATH...]

PATH is a document file or a directory of them.  A document is named as
in-vm.sh's jdoc names it (maps, find, layout-full, err-nopid, ... ; a
".pretty" suffix: the same document indented); its name selects its
schema (DOCS below).  A name DOCS does not know is a FAIL: a new document
form cannot skip its schema.  Every schema file must itself be a valid
draft 2020-12 schema and be used by DOCS.

  --all        every name of DOCS (but the host-only err-hex) must be
               among the documents (a missing one is a FAIL), and every
               schema used by one of them
  --as SCHEMA  check every document against SCHEMA (maps, kernel-addr,
               error, ...: a file name of Documentation/json/ without
               .schema.json), whatever its name
  --self-test  the validator bites: the examples of
               Documentation/json/examples/ pass, and each of a set of
               mutations of them (an address as an integer, an extra key,
               a missing key, a wrong type, ...) fails

Output: "PASS NAME" or "FAIL NAME: PATH-IN-DOCUMENT: MESSAGE" lines, then
"N passed, N failed"; exit status 1 on any failure, 2 on a usage error.

Needs Debian's python3-jsonschema (4.10: RefResolver for the local $refs;
nothing is fetched from the network).
"""
import copy
import json
import os
import sys
import warnings

# RefResolver is what Debian 12's 4.10 has; newer versions (Debian 13:
# 4.19) deprecate it for the referencing module but still have it
warnings.filterwarnings("ignore", category=DeprecationWarning)
try:
    import jsonschema
    from jsonschema import Draft202012Validator, RefResolver
    from jsonschema.exceptions import best_match
except ImportError as e:
    print("FAIL schema: cannot import jsonschema (%s): install python3-jsonschema "
          "(scripts/deps.sh)" % e)
    print("0 passed, 1 failed")
    sys.exit(1)

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMAS = os.path.join(TOP, "Documentation", "json")

# document name (userspace/tests/in-vm.sh, "jdoc NAME ...") -> schema file
DOCS = {
    "version": "version",
    "maps": "maps",
    "find": "find",
    "pt": "pt",
    "kernel": "kernel",
    "layout": "layout",
    "layout-full": "layout-full",
    "pages": "pages",
    "pages-all": "pages",
    "pages-tables": "pages",
    "page": "page",
    "page-file": "page",
    "rmap": "rmap",
    "rmap-file": "rmap",
    "rmap-all": "rmap-all",
    "kernel-text": "kernel-addr",
    "kernel-user": "kernel-addr",
    "debugfs-kernel": "debugfs",
    "debugfs-pid": "debugfs",
    "debugfs-page": "debugfs",
    "err-nopid": "error",
    "err-usage": "error",
    "err-addr": "error",
    "err-option": "error",
    "err-pfn": "error",
    # several processes: an array of the documents and {pid, error, errno}
    "maps-multi": "maps-multi",
    "layout-multi": "layout-multi",
    "layout-full-multi": "layout-full-multi",
    "pages-multi": "pages-multi",
    "rmap-all-multi": "rmap-all-multi",
    "debugfs-multi": "debugfs-multi",
    # made on the host by scripts/vm-tests.sh (no module needed), not by
    # in-vm.sh: --all does not ask for it
    "err-hex": "error",
}
HOST_ONLY = {"err-hex"}

passes = 0
fails = 0


def ok(name):
    global passes
    passes += 1
    print("PASS %s" % name)


def ko(name, why):
    global fails
    fails += 1
    print("FAIL %s: %s" % (name, why))


def json_path(path):
    s = "$"
    for p in path:
        s += "[%d]" % p if isinstance(p, int) else "." + str(p)
    return s


def no_fetch(uri):
    raise jsonschema.RefResolutionError("%s: not a local schema (no fetching)" % uri)


class Schemas:
    """The schema files of a directory, each checked, with one resolver."""

    def __init__(self, sdir):
        self.dir = sdir
        self.by_name = {}
        self.store = {}
        self.bad = {}
        for f in sorted(os.listdir(sdir)):
            if not f.endswith(".schema.json"):
                continue
            name = f[:-len(".schema.json")]
            try:
                with open(os.path.join(sdir, f), encoding="utf-8") as fh:
                    s = json.load(fh)
                Draft202012Validator.check_schema(s)
                if s.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
                    raise ValueError("$schema is not draft 2020-12")
                if not s.get("$id", "").endswith("/" + f):
                    raise ValueError("$id %r does not end with /%s" % (s.get("$id"), f))
            except (OSError, ValueError, jsonschema.SchemaError) as e:
                self.bad[name] = str(e).splitlines()[0]
                continue
            self.by_name[name] = s
            self.store[s["$id"]] = s

    def validator(self, name):
        s = self.by_name[name]
        resolver = RefResolver(s["$id"], s, store=self.store,
                               handlers={"http": no_fetch, "https": no_fetch})
        return Draft202012Validator(s, resolver=resolver)

    def check_files(self, used):
        """Each schema file valid, and used by DOCS (and by a document of
        `used`, when given)."""
        for name, why in sorted(self.bad.items()):
            ko("schema file %s.schema.json" % name, why)
        for name in sorted(self.by_name):
            if name == "common":
                ok("schema file common.schema.json (shared $defs)")
            elif name not in DOCS.values():
                ko("schema file %s.schema.json" % name,
                   "no document name of scripts/check-json-schemas.py's DOCS uses it")
            elif used is not None and name not in used:
                ko("schema file %s.schema.json" % name, "no document checked against it")
            else:
                ok("schema file %s.schema.json" % name)
        for name in sorted(set(DOCS.values()) - set(self.by_name) - set(self.bad)):
            ko("schema file %s.schema.json" % name, "missing from %s" % self.dir)


def errors_of(validator, doc):
    """The errors of doc, each as "PATH: MESSAGE", the most specific one of
    a oneOf/anyOf."""
    out = []
    for e in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
        # in a oneOf/anyOf, the error of the branch that was meant: not
        # "is not of type 'null'" of a value that may also be null
        while e.context:
            cands = [c for c in e.context
                     if not (c.validator == "type" and c.validator_value == "null")]
            if not cands:
                break
            e = best_match(cands)
        msg = e.message
        if len(msg) > 300:
            msg = msg[:300] + "..."
        out.append("%s: %s (schema %s)" % (json_path(e.absolute_path), msg,
                                          "/".join(map(str, e.absolute_schema_path))))
    return out


FORCED = None


def schema_of(name):
    if FORCED:
        return FORCED
    base = name[:-len(".pretty")] if name.endswith(".pretty") else name
    return DOCS.get(base)


def check_doc(schemas, name, text):
    """One document: PASS or FAIL line; the schema name used, or None."""
    sname = schema_of(name)
    if sname is None:
        ko(name, "no schema for this document name: add it to DOCS in "
           "scripts/check-json-schemas.py (and a schema to Documentation/json/)")
        return None
    if sname not in schemas.by_name:
        ko(name, "its schema %s.schema.json is missing or invalid" % sname)
        return None
    try:
        doc = json.loads(text.decode("utf-8", "strict"))
    except (UnicodeDecodeError, ValueError) as e:
        ko(name, "not a JSON document: %s: %r" % (e, text[:200]))
        return sname
    errs = errors_of(schemas.validator(sname), doc)
    if errs:
        more = " (and %d more)" % (len(errs) - 3) if len(errs) > 3 else ""
        ko(name, "; ".join(errs[:3]) + more)
    else:
        ok(name)
    return sname


def doc_name(f):
    """A file's document name: without a ".json" suffix (the examples)."""
    return f[:-len(".json")] if f.endswith(".json") else f


def collect(paths):
    docs = []
    for p in paths:
        if os.path.isdir(p):
            for f in sorted(os.listdir(p)):
                if os.path.isfile(os.path.join(p, f)):
                    docs.append((doc_name(f), os.path.join(p, f)))
        else:
            docs.append((doc_name(os.path.basename(p)), p))
    return docs


# --- the self-test: mutations each schema must refuse -------------------

def m_set(path, val):
    def f(d):
        o = d
        for k in path[:-1]:
            o = o[k]
        o[path[-1]] = val(o[path[-1]]) if callable(val) else val
    return f


def m_del(path):
    def f(d):
        o = d
        for k in path[:-1]:
            o = o[k]
        del o[path[-1]]
    return f


# (example document, what, mutation): every one must FAIL
MUTATIONS = [
    ("find", "address as an integer (the old output)", m_set(["addr"], lambda v: int(v, 16))),
    ("find", "VMA start as an integer", m_set(["vma", "start"], lambda v: int(v, 16))),
    ("maps", "VMA end as an integer", m_set(["vmas", 0, "end"], lambda v: int(v, 16))),
    ("find", "an extra key at the top", m_set(["extra"], 1)),
    ("find", "an extra key in the VMA", m_set(["vma", "pfn"], 1)),
    ("find", "a missing key (in_vma)", m_del(["in_vma"])),
    ("find", "a missing VMA key (has_anon_vma)", m_del(["vma", "has_anon_vma"])),
    ("find", "the old key anon_vma in a VMA", m_set(["vma", "anon_vma"], True)),
    ("find", "a wrong type: in_vma as a string", m_set(["in_vma"], "true")),
    ("find", "upper-case hex", m_set(["addr"], lambda v: v.upper().replace("0X", "0x"))),
    ("find", "hex with a leading zero", m_set(["addr"], lambda v: "0x0" + v[2:])),
    ("find", "a name_hex of odd length", m_set(["vma", "name_hex"], "abc")),
    ("maps", "generation null", m_set(["generation"], None)),
    ("maps", "an unknown VMA kind", m_set(["vmas", 0, "kind"], "bogus")),
    ("maps", "perms not as maps writes them", m_set(["vmas", 0, "perms"], "rwxq")),
    ("pt", "pgtable_levels as a string", m_set(["pgtable_levels"], "4")),
    ("pt", "an upper-case level name (the old vocabulary)", m_set(["levels", 0, "level"], "PGD")),
    ("pt", "raw as an integer", m_set(["levels", 0, "raw"], lambda v: int(v, 16))),
    ("pt", "a negative count", m_set(["levels", 0, "index"], -1)),
    ("pt", "an unknown PTE flag", m_set(["levels", 0, "flags"], ["present", "bogus"])),
    ("pt", "an integer past 2^53 - 1", m_set(["pfn"], 2 ** 53)),
    ("pt", "a level entry without folio_size", m_del(["levels", 0, "folio_size"])),
    ("page", "kpageflags as an integer", m_set(["kpageflags"], lambda v: int(v, 16))),
    ("page", "an unknown mapping_kind", m_set(["mapping_kind"], "bogus")),
    ("rmap", "an owner's addr as an integer", m_set(["owners", 0, "addr"], lambda v: int(v, 16))),
    ("rmap", "an owner with an extra key", m_set(["owners", 0, "vma_flags"], "0x73")),
    ("kernel-text", "region_start as an integer", m_set(["region_start"], lambda v: int(v, 16))),
    ("kernel-text", "page_size as a string", m_set(["page_size"], "2M")),
    ("kernel", "a region without its name", m_del(["regions", 0, "name"])),
    ("kernel", "ptrs_per with an upper-case key", m_set(["ptrs_per", "PGD"], 512)),
    ("layout-full", "layout --full without kernel", m_del(["kernel"])),
    ("layout", "layout with a kernel member", m_set(["kernel"], {})),
    ("err-nopid", "errno as a string", m_set(["errno"], "ESRCH")),
    ("err-nopid", "an error object with an extra key", m_set(["code"], 1)),
    ("err-nopid", "an error object without errno", m_del(["errno"])),
    ("version", "abi_version as a string", m_set(["abi_version"], "1")),
    ("debugfs-kernel", "debugfs kernel without file", m_del(["file"])),
]


def self_test(schemas):
    edir = os.path.join(schemas.dir, "examples")
    examples = {}
    for name, path in collect([edir]):
        with open(path, "rb") as fh:
            text = fh.read()
        sname = check_doc(schemas, name, text)
        if sname:
            examples[name] = json.loads(text)
    for ex, what, mutate in MUTATIONS:
        label = "self-test: %s: %s" % (ex, what)
        if ex not in examples:
            ko(label, "no example %s in %s" % (ex, edir))
            continue
        doc = copy.deepcopy(examples[ex])
        try:
            mutate(doc)
        except (KeyError, IndexError, TypeError) as e:
            ko(label, "the mutation does not apply to the example: %r" % e)
            continue
        errs = errors_of(schemas.validator(DOCS[ex]), doc)
        if errs:
            ok("%s: refused (%s)" % (label, errs[0]))
        else:
            ko(label, "the schema accepts it")


def main(argv):
    global FORCED
    sdir = SCHEMAS
    require_all = False
    selftest = False
    paths = []
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--all":
            require_all = True
        elif a == "--self-test":
            selftest = True
        elif a == "--schemas" and args:
            sdir = args.pop(0)
        elif a == "--as" and args:
            FORCED = args.pop(0)
        elif a in ("-h", "--help"):
            print(__doc__.strip())
            return 0
        elif a.startswith("-"):
            print("check-json-schemas.py: unknown option %s (try --help)" % a, file=sys.stderr)
            return 2
        else:
            paths.append(a)
    if not paths and not selftest:
        print("check-json-schemas.py: no documents (try --help)", file=sys.stderr)
        return 2
    schemas = Schemas(sdir)
    if selftest:
        schemas.check_files(None)
        self_test(schemas)
    if paths:
        docs = collect(paths)
        used = set()
        for name, path in docs:
            with open(path, "rb") as fh:
                s = check_doc(schemas, name, fh.read())
            if s:
                used.add(s)
        if require_all:
            have = {n for n, _ in docs}
            for name in sorted(set(DOCS) - HOST_ONLY - have):
                ko(name, "document missing (in-vm.sh did not write it)")
            schemas.check_files(used)
    print("%d passed, %d failed" % (passes, fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
