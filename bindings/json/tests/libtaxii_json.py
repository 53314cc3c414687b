#!/usr/bin/env python3
"""libtaxii as the reference for the CERT-EU JSON binding, driven by tests/libtaxii_interop.rs.

Reads one JSON request on stdin, writes one JSON answer on stdout:

  {"command": "parse", "items": [{"version": "10"|"11", "json": str, "xml": str}, ...]}
      For each item: libtaxii's get_message_from_xml(xml bytes), then
      get_message_from_json(json bytes); answers {"equal": bool, "json_dict", "xml_dict"} or
      {"error": "<Exception>: <text>", "stage": "xml"|"json"} for the first that fails.
  {"command": "export", "items": [{"version", "xml"}, ...]}
      For each item: libtaxii parses the XML and calls to_json(); answers {"json": str} or,
      when to_json() raises, {"to_json_error": "...", "json": <the documented form:
      json.dumps of to_dict() with bytes decoded and lxml elements serialised>}; plus
      "json_module" (libtaxii's JSON module) and "stdlib_to_json_error" (what to_json()
      raises when libtaxii uses Python's json module instead of simplejson, or null).
  {"command": "same", "items": [{"version", "a": json str, "b": json str}, ...]}
      Whether libtaxii reads the two JSON documents as the same message.

Dicts are compared in a canonical form: lxml elements and XML strings by exclusive C14N
(libtaxii serialises content with every namespace declaration in scope), content binding
objects by their to_dict(), a missing 1.1 result_part_number as 1 (libtaxii's default),
an empty string as None (libtaxii's XML reader gives None for an empty element), and the
string "None" as None in extended headers and status details (its XML reader makes an empty
header or detail str(None)).
"""

import datetime
import json
import json as stdlib_json
import sys
import traceback

from lxml import etree
from libtaxii import common as libtaxii_common
from libtaxii import messages_10, messages_11
from libtaxii import taxii_default_query  # noqa: F401 (registers the Default Query format)

LIBRARIES = {"10": messages_10, "11": messages_11}


def _c14n(text):
    stripped = text.lstrip()
    if not stripped.startswith("<"):
        return text
    try:
        root = etree.fromstring(stripped.encode("utf-8"))
    except (etree.XMLSyntaxError, ValueError):
        return text
    return etree.tostring(root, method="c14n", exclusive=True).decode("utf-8")


def json_safe(value):
    """to_dict() output as plain JSON values (what to_json() should have written)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, (etree._Element, etree._ElementTree)):
        return etree.tostring(value, encoding="unicode")
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if hasattr(value, "to_dict"):
        return json_safe(value.to_dict())
    return str(value)


def _none_text(value):
    if isinstance(value, list):
        return [_none_text(v) for v in value]
    return None if value == "None" else value


def canonical(value, key=None):
    value = json_safe(value)
    if value == "":
        return None  # libtaxii's XML reader reads an empty element's text as None
    if isinstance(value, str):
        return _c14n(value)
    if isinstance(value, dict):
        out = {k: canonical(v, k) for k, v in value.items()}
        if key in ("extended_headers", "status_detail"):
            # libtaxii's XML reader turns an empty header or detail into str(None).
            out = {k: _none_text(v) for k, v in out.items()}
        if out.get("message_type") == "Poll_Response" and "more" in out:
            if out.get("result_part_number") is None:
                out["result_part_number"] = 1
        return out
    if isinstance(value, list):
        items = [canonical(v) for v in value]
        # libtaxii's own __eq__ compares lists of strings as sets; keep order otherwise.
        return items
    return value


def describe(error):
    return "%s: %s" % (type(error).__name__, error)


def parse(item):
    lib = LIBRARIES[item["version"]]
    # The XML first: if libtaxii cannot read even that, the JSON says nothing.
    try:
        from_xml = lib.get_message_from_xml(item["xml"].encode("utf-8"))
    except Exception as error:  # libtaxii raises anything from KeyError to TypeError
        return {"error": describe(error), "stage": "xml", "trace": traceback.format_exc()}
    try:
        from_json = lib.get_message_from_json(item["json"].encode("utf-8"))
    except Exception as error:
        return {"error": describe(error), "stage": "json", "trace": traceback.format_exc()}
    a, b = canonical(from_json.to_dict()), canonical(from_xml.to_dict())
    return {"equal": a == b, "json_dict": a, "xml_dict": b}


def stdlib_to_json(message):
    """to_json() as it behaves without simplejson (libtaxii prefers simplejson, which
    serialises bytes; Python's json raises TypeError on them)."""
    saved = libtaxii_common.json
    libtaxii_common.json = stdlib_json
    try:
        message.to_json()
        return None
    except Exception as error:
        return describe(error)
    finally:
        libtaxii_common.json = saved


def export(item):
    lib = LIBRARIES[item["version"]]
    try:
        message = lib.get_message_from_xml(item["xml"].encode("utf-8"))
    except Exception as error:
        return {"error": describe(error), "stage": "xml"}
    answer = {"json_module": libtaxii_common.json.__name__,
              "stdlib_to_json_error": stdlib_to_json(message)}
    try:
        answer["json"] = message.to_json()
    except Exception as error:
        answer["to_json_error"] = describe(error)
        answer["json"] = json.dumps(json_safe(message.to_dict()))
    return answer


def same(item):
    lib = LIBRARIES[item["version"]]
    try:
        a = canonical(lib.get_message_from_json(item["a"].encode("utf-8")).to_dict())
        b = canonical(lib.get_message_from_json(item["b"].encode("utf-8")).to_dict())
    except Exception as error:
        return {"error": describe(error), "trace": traceback.format_exc()}
    return {"equal": a == b, "a": a, "b": b}


def main():
    request = json.load(sys.stdin)
    handler = {"parse": parse, "export": export, "same": same}[request["command"]]
    json.dump([handler(item) for item in request["items"]], sys.stdout)


if __name__ == "__main__":
    main()
