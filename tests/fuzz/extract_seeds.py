#!/usr/bin/env python3
"""Regenerates tests/fuzz/corpus/<target>/ from the request bodies, query strings and values that
the project's tests use (tests/integration, tests/net, tests/engine/attr_value_test.cc).

Usage: tests/fuzz/extract_seeds.py [BUILD_DIR]
  Rewrites the four corpus directories. With BUILD_DIR (a CONTACTD_FUZZ build), each set is then
  minimized with its fuzz target (libFuzzer -merge=1): only seeds that add coverage are kept.

It reads C++ string literals: raw literals R"(...)" holding JSON (bodies), "?..." literals (query
strings of GET /contacts), RawValue::String/Int/Double/Bool(...) arguments (attribute values) and
ISO dates. Bodies become HTTP requests for fuzz_http_request with placeholder keys (see
tests/fuzz/fuzz_world.h), plus hand-written requests for the HTTP layer's edge cases. File names
are content hashes, as libFuzzer names its own corpus files.
"""
import hashlib
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "fuzz" / "corpus"
BODY_SOURCES = sorted((ROOT / "tests" / "integration").glob("*.cc")) + sorted(
    (ROOT / "tests" / "net").glob("*.cc"))
ATTR_SOURCE = ROOT / "tests" / "engine" / "attr_value_test.cc"

RAW = re.compile(r'R"([^(\s]{0,16})\((.*?)\)\1"', re.S)
PLAIN = re.compile(r'(?<![A-Za-z0-9_R])"((?:[^"\\\n]|\\.)*)"')
RAW_VALUE = re.compile(r'RawValue::(String|Int|Double|Bool)\(\s*(?:std::string\()?'
                       r'("(?:[^"\\]|\\.)*"|[-+0-9.eE]+|true|false)')
DATE = re.compile(r'\d{4}-\d{2}-\d{2}(?:[Tt][0-9:.,]+(?:[Zz]|[+-][0-9:]+)?)?')
SEARCH_KEYS = ("query", "sort", "operator", "per_page", "cursor", '"q"', '"page"')
API = "/api/v1/chatbots"


def unescape_c(s):
    """The bytes of a C++ string literal's contents."""
    out = bytearray()
    i = 0
    simple = {"n": 10, "t": 9, "r": 13, "a": 7, "b": 8, "f": 12, "v": 11, "\\": 92, '"': 34,
              "'": 39, "?": 63}
    while i < len(s):
        c = s[i]
        if c != "\\":
            out += c.encode()
            i += 1
            continue
        nxt = s[i + 1]
        if nxt in simple:
            out.append(simple[nxt])
            i += 2
        elif nxt == "x":
            m = re.match(r"[0-9a-fA-F]{1,2}", s[i + 2:])
            out.append(int(m.group(0), 16))
            i += 2 + len(m.group(0))
        elif nxt.isdigit():
            m = re.match(r"[0-7]{1,3}", s[i + 1:])
            out.append(int(m.group(0), 8))
            i += 1 + len(m.group(0))
        else:
            out += nxt.encode()
            i += 2
    return bytes(out)


def http(method, target, token=None, body=b"", extra=""):
    head = f"{method} {target} HTTP/1.1\r\nHost: fuzz\r\n"
    if token:
        head += f"Authorization: Bearer {token}\r\n"
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    head += extra + "\r\n"
    return head.encode() + body


def is_json(b):
    try:
        json.loads(b)
        return True
    except ValueError:
        return False


def collect_bodies():
    upsert, search, control = set(), set(), set()
    queries = set()
    for path in BODY_SOURCES:
        text = path.read_text()
        for _, lit in RAW.findall(text):
            body = lit.encode()
            if not lit.lstrip().startswith("{"):
                continue
            if any(k in lit for k in SEARCH_KEYS):
                search.add(body)
                continue
            upsert.add(body)
            if is_json(body) and not re.search(r'"(users|contacts)"\s*:', lit):
                upsert.add(b'{"users":[' + body + b"]}")  # as the Upsert() test helper sends it
            if path.name in ("api_control_test.cc", "api_attributes_test.cc"):
                control.add(body)
        for lit in PLAIN.findall(text):
            if lit.startswith("?") and len(lit) > 1:
                queries.add(unescape_c(lit[1:]))
            elif path.name == "url_test.cc" and ("=" in lit or "%" in lit or "&" in lit):
                queries.add(unescape_c(lit))
    return upsert, search, queries, control


def collect_attr_values():
    seeds = set()
    text = ATTR_SOURCE.read_text()
    for kind, arg in RAW_VALUE.findall(text):
        if kind == "String":
            seeds.add(b"s" + unescape_c(arg[1:-1]))
        elif kind == "Int":
            seeds.add(b"i" + arg.encode())
        elif kind == "Double":
            seeds.add(b"d" + arg.encode())
        else:
            seeds.add(b"b" + arg.encode())
    for path in BODY_SOURCES + [ATTR_SOURCE]:
        for date in DATE.findall(path.read_text()):
            seeds.add(b"s" + date.encode())
    for kind in b"noar":
        seeds.add(bytes([kind]))
    return seeds


def http_seeds(upsert, search, queries, control):
    seeds = set()
    contacts = f"{API}/bot/contacts"
    for body in upsert:
        seeds.add(http("POST", contacts, "member", body))
        if not body.startswith(b'{"users"'):
            seeds.add(http("PATCH", f"{contacts}/u1", "member", body))
    for body in search:
        seeds.add(http("POST", f"{contacts}/search", "member", body))
    for q in queries:
        # Raw bytes in a request target are not valid HTTP; keep those the parser can take.
        if all(0x21 <= c < 0x7f for c in q):
            seeds.add(http("GET", f"{contacts}?" + q.decode(), "member"))
    for body in control:
        seeds.add(http("POST", f"{API}/bot/custom-attributes", "member", body))
        seeds.add(http("PUT", f"{API}/bot/custom-attributes/plan", "member", body))
        seeds.add(http("POST", API, "admin", body))
        seeds.add(http("POST", "/api/v1/apikeys", "admin", body))
        seeds.add(http("POST", "/api/v1/workspaces", "op", body))
    # Every route with each kind of key, and the HTTP layer's edge cases.
    for token in ("op", "admin", "member", "scoped", "revoked", "other", None):
        for method, target in (("GET", contacts), ("GET", f"{contacts}/u1"),
                               ("DELETE", f"{contacts}/u1"), ("GET", f"{API}/bot2/contacts"),
                               ("GET", f"{API}/bot/custom-attributes"), ("GET", API),
                               ("GET", f"{API}/bot"), ("DELETE", f"{API}/bot2"),
                               ("GET", "/api/v1/apikeys"), ("DELETE", "/api/v1/apikeys/key_2"),
                               ("GET", "/api/v1/workspaces"), ("DELETE", "/api/v1/workspaces/other"),
                               ("GET", "/healthz")):
            seeds.add(http(method, target, token))
    upsert_one = b'{"users":[{"external_id":"n1","email":"n1@acme.com","name":"New"}]}'
    seeds.add(http("POST", contacts, "member", upsert_one) + http("GET", f"{contacts}?q=new", "member")
              + http("DELETE", f"{contacts}/n1", "member") + http("GET", f"{contacts}/n1", "member"))
    seeds.add(http("POST", contacts, "scoped", upsert_one) + http("GET", f"{API}/bot2/contacts", "scoped"))
    seeds.add(b"POST " + contacts.encode() + b" HTTP/1.1\r\nHost: f\r\nAuthorization: Bearer member\r\n"
              b"Transfer-Encoding: chunked\r\n\r\n" + hex(len(upsert_one))[2:].encode() + b"\r\n" +
              upsert_one + b"\r\n0\r\n\r\n")
    seeds.add(http("POST", contacts, "member", upsert_one, "Transfer-Encoding: chunked\r\n"))
    seeds.add(http("GET", "/healthz", None, b"", "Expect: 100-continue\r\nConnection: close\r\n"))
    seeds.add(b"GET /healthz HTTP/1.0\r\n\r\n")
    seeds.add(b"HEAD /api/v1/chatbots HTTP/1.1\r\nAuthorization: Bearer op\r\n\r\n")
    seeds.add(http("GET", f"{contacts}/bad%zz", "member"))
    return seeds


def write(target, seeds, build):
    out = CORPUS / target
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        raw = pathlib.Path(tmp) if build else out
        for seed in seeds:
            (raw / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
        if build:
            fuzzer = pathlib.Path(build) / "tests" / "fuzz" / target
            subprocess.run([str(fuzzer), "-merge=1", str(out), str(raw)], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"{target}: {len(seeds)} seeds, {len(list(out.iterdir()))} kept")


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else None
    upsert, search, queries, control = collect_bodies()
    write("fuzz_upsert_body", upsert, build)
    write("fuzz_search_request", search | queries, build)
    write("fuzz_attr_value", collect_attr_values(), build)
    write("fuzz_http_request", http_seeds(upsert, search, queries, control), build)


if __name__ == "__main__":
    main()
