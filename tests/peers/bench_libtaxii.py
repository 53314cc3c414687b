#!/usr/bin/env python3
"""Throughput of libtaxii's XML binding, the yardstick for our own codec's benchmarks.

  bench_libtaxii.py FILE... [--seconds N]

For each TAXII 1.0/1.1 XML file, repeats libtaxii's get_message_from_xml (decode) and
message.to_xml() (encode) for at least N seconds each (default 3) and prints one JSON
document: a list with, per file,
  {"file": str, "bytes": int, "decode_mb_s": float, "encode_mb_s": float,
   "decode_iterations": int, "encode_iterations": int}
Both rates count the input file's size per iteration (MB = 10^6 bytes), so they compare
directly with a codec handling the same message. Exit 2 if a file cannot be read or parsed.
"""

import argparse
import json
import sys
import time

from lxml import etree
from libtaxii import messages_10, messages_11
from libtaxii import taxii_default_query  # noqa: F401 (registers the Default Query parser)

LIBRARIES = {
    "http://taxii.mitre.org/messages/taxii_xml_binding-1": messages_10,
    "http://taxii.mitre.org/messages/taxii_xml_binding-1.1": messages_11,
}


def repeat_for(seconds, action):
    """(iterations, elapsed seconds) of running action until at least `seconds` passed."""
    iterations, start = 0, time.perf_counter()
    while True:
        action()
        iterations += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return iterations, elapsed


def bench(path, seconds):
    with open(path, "rb") as handle:
        data = handle.read()
    library = LIBRARIES.get(etree.QName(etree.fromstring(data)).namespace)
    if library is None:
        raise ValueError("%s is not a TAXII 1.0/1.1 message" % path)
    message = library.get_message_from_xml(data)
    decode_runs, decode_time = repeat_for(seconds, lambda: library.get_message_from_xml(data))
    encode_runs, encode_time = repeat_for(seconds, message.to_xml)
    megabytes = len(data) / 1e6
    return {"file": path, "bytes": len(data),
            "decode_mb_s": round(megabytes * decode_runs / decode_time, 3),
            "encode_mb_s": round(megabytes * encode_runs / encode_time, 3),
            "decode_iterations": decode_runs, "encode_iterations": encode_runs}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    try:
        results = [bench(path, args.seconds) for path in args.files]
    except Exception as error:  # unreadable or unparseable input: no measurement
        sys.stderr.write("bench_libtaxii: %s: %s\n" % (type(error).__name__, error))
        return 2
    json.dump(results, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
