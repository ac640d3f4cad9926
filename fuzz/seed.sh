#!/usr/bin/env bash
# Seed corpora and dictionaries for the fuzz targets, generated from the
# examples in ../specs/*.yaml (nothing is committed: corpus/ and dict/ are
# ignored). Needs python3 with PyYAML (`python3 -m pip install pyyaml`).
#
#   corpus/decode/   every JSON example of every spec (200 and error bodies),
#                    compact and pretty, plus a few structural edge cases,
#                    each after its provider's selector byte (the spec's
#                    index in sorted order, as in `with_providers!`)
#   dict/decode.dict every property name and enum value of the specs, and
#                    JSON tokens (libFuzzer -dict=)
set -euo pipefail
cd "$(dirname "$0")"
python3 - <<'PY'
import hashlib, json, os, sys
try:
    import yaml
except ImportError:
    sys.exit("seed.sh needs PyYAML: python3 -m pip install pyyaml")

# YAML 1.1 would turn unquoted timestamps into datetime objects; keep strings.
class Loader(yaml.SafeLoader):
    pass
Loader.yaml_implicit_resolvers = {
    k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

import glob
STEMS = sorted(os.path.basename(p)[:-5] for p in glob.glob("../specs/*.yaml"))

def resolve(doc, node):
    while isinstance(node, dict) and "$ref" in node:
        ptr = node["$ref"].lstrip("#/").split("/")
        node = doc
        for p in ptr:
            node = node[p.replace("~1", "/").replace("~0", "~")]
    return node

def examples(doc):
    for item in doc["paths"].values():
        for op in item.values():
            if not isinstance(op, dict):
                continue
            for status, resp in op.get("responses", {}).items():
                resp = resolve(doc, resp)
                for mt, media in resp.get("content", {}).items():
                    if "json" not in mt:
                        continue
                    if "example" in media:
                        yield f"{status}-example", media["example"]
                    for name, ex in media.get("examples", {}).items():
                        yield f"{status}-{name}", resolve(doc, ex)["value"]

def words(node, out):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "properties" and isinstance(v, dict):
                out.update(v.keys())
            if k == "enum" and isinstance(v, list):
                out.update(str(x) for x in v)
            if k == "propertyName":
                out.add(str(v))
            words(v, out)
    elif isinstance(node, list):
        for v in node:
            words(v, out)

EDGES = [b"{}", b"[]", b"null", b"\"\"", b"{\"\":null}", b"[{}]", b"{\"a\":[[[[[[[[]]]]]]]]}"]
JSON_TOKENS = ["{", "}", "[", "]", ":", ",", "\"", "null", "true", "false", "-0", "1e999",
               "\\u0000", "\\ud800", "\"\\\"", "9223372036854775808", "0.1e-400"]

os.makedirs("dict", exist_ok=True)
out = "corpus/decode"
os.makedirs(out, exist_ok=True)
vocab = set()
for selector, stem in enumerate(STEMS):
    with open(f"../specs/{stem}.yaml") as f:
        doc = yaml.load(f, Loader=Loader)
    n = 0
    for name, value in examples(doc):
        for text in (json.dumps(value, separators=(",", ":"), ensure_ascii=False),
                     json.dumps(value, indent=2, ensure_ascii=False)):
            data = bytes([selector]) + text.encode()
            digest = hashlib.sha1(data).hexdigest()[:12]
            with open(f"{out}/{stem}-{name}-{digest}.json", "wb") as f:
                f.write(data)
            n += 1
    for i, data in enumerate(EDGES):
        with open(f"{out}/{stem}-edge-{i}.json", "wb") as f:
            f.write(bytes([selector]) + data)
    words(doc.get("components", {}).get("schemas", {}), vocab)
    print(f"{stem} (selector {selector}): {n} example seeds + {len(EDGES)} edge cases")
with open("dict/decode.dict", "w") as f:
    for w in sorted(vocab) + JSON_TOKENS:
        f.write(json.dumps(json.dumps(w) if w not in JSON_TOKENS else w) + "\n")
print(f"decode: {len(vocab)} dictionary words")
PY
