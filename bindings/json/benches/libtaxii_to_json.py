#!/usr/bin/env python3
"""libtaxii's XML -> JSON translation, the yardstick of benches/translate.rs.

  libtaxii_to_json.py FILE [--seconds N]

Repeats libtaxii's get_message_from_xml(x).to_json() on the TAXII XML in FILE for at least
N seconds (default 3, at least 2 iterations) and prints one JSON object:
  {"bytes": int, "iterations": int, "seconds_per_iteration": float, "mb_s": float,
   "method": "to_json()" | "json.dumps(to_dict()) (to_json raised ...)"}
MB/s counts the XML input (10^6 bytes) per second. If to_json() raises (its Python 3 bugs),
the documented form is timed instead: json.dumps(to_dict()) with bytes decoded.
"""

import argparse
import json
import sys
import time

from libtaxii import messages_10, messages_11
from libtaxii import taxii_default_query  # noqa: F401

NAMESPACES = {
    "http://taxii.mitre.org/messages/taxii_xml_binding-1": messages_10,
    "http://taxii.mitre.org/messages/taxii_xml_binding-1.1": messages_11,
}


def decoded(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, dict):
        return {k: decoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decoded(v) for v in value]
    if hasattr(value, "to_dict"):
        return decoded(value.to_dict())
    return value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    with open(args.file, "rb") as f:
        xml = f.read()
    library = next((lib for ns, lib in NAMESPACES.items() if ('"%s"' % ns).encode() in xml[:4096]), None)
    if library is None:
        sys.exit("not a TAXII 1.0/1.1 XML message: %s" % args.file)

    def translate():
        return library.get_message_from_xml(xml).to_json()

    method = "to_json()"
    try:
        translate()
    except TypeError as error:
        method = "json.dumps(to_dict()) (to_json raised %s: %s)" % (type(error).__name__, error)

        def translate():
            return json.dumps(decoded(library.get_message_from_xml(xml).to_dict()))

    iterations, start = 0, time.perf_counter()
    while iterations < 2 or time.perf_counter() - start < args.seconds:
        translate()
        iterations += 1
    elapsed = time.perf_counter() - start
    json.dump({"bytes": len(xml), "iterations": iterations,
               "seconds_per_iteration": elapsed / iterations,
               "mb_s": len(xml) * iterations / elapsed / 1e6, "method": method}, sys.stdout)


if __name__ == "__main__":
    main()
