#!/usr/bin/env python3
"""libtaxii (MITRE, 1.1.119) as the conformance oracle for taxii-gateway's tests.

Run with the peer venv's python (taxii_testkit::run_peer_script("libtaxii_oracle.py", ...)).
Every subcommand prints exactly one JSON document on stdout and exits 0 when the oracle
ran, even if its verdict is negative; it exits 2, with a message on stderr, when it could
not run (bad usage, unreadable file, libtaxii missing). FILE may be "-" for stdin; with no
FILE at all, validate and reparse read one document from stdin.

  validate FILE...
      Schema-validates each file against libtaxii's bundled XSD, chosen by the root
      namespace (http://taxii.mitre.org/messages/taxii_xml_binding-1 -> 1.0, ...-1.1 -> 1.1).
      In 1.1, every tdq:Default_Query and tdq:Default_Query_Info (which the message schema
      skips as "any" content) is also validated against the Default Query schema.
      Prints a list, one object per file:
        {"file": str, "version": "1.0"|"1.1"|null, "valid": bool, "errors": [str]}
      Not well-formed XML or a foreign root namespace: valid=false, version=null.

  reparse FILE...
      Validates as above, then parses with libtaxii (messages_10/messages_11
      get_message_from_xml). Prints a list, one object per file:
        {"file", "version", "valid", "errors",
         "dict": message.to_dict() made JSON-safe, "xml": message.to_xml() as str}
      or, instead of "dict" and "xml", "parse_error": str if libtaxii rejected the message.
      JSON-safe: bytes -> UTF-8 str, lxml elements -> serialized str, datetimes ->
      isoformat(), tuples/sets -> lists.

  same FILE_A FILE_B
      Parses both with libtaxii and compares their JSON-safe to_dict(): semantic equality
      as libtaxii sees it. XML content (content blocks, extended headers) is compared in
      exclusive C14N form, so namespace declarations merely inherited from the envelope
      and attribute order do not count as differences. Prints
        {"equal": bool, "diff": str}   (diff is empty when equal; a unified diff otherwise)
      A file libtaxii cannot parse makes equal=false with the error in diff.

  emit DIR
      Builds with libtaxii's Python classes (not from files) one message of every TAXII
      1.0 type (10) and 1.1 type (11), loaded with the awkward fields, and writes each as
      DIR/<version>-<Type>.xml (to_xml()) and DIR/<version>-<Type>.dict.json (JSON-safe
      to_dict()). <Type> is the root element's local name, e.g. 1.1-Poll_Fulfillment.xml.
      Prints a list of {"version", "type", "xml": path, "dict": path}.
"""

import difflib
import json
import os
import sys
import traceback

try:
    from lxml import etree
    from libtaxii import messages_10, messages_11
    from libtaxii import taxii_default_query  # noqa: F401 (registers the Default Query parser)
    from libtaxii.common import parse_xml_string
    from libtaxii import validation
    from libtaxii.validation import SchemaValidator
except ImportError as error:  # pragma: no cover - depends on the venv
    sys.stderr.write(
        "libtaxii_oracle: cannot import libtaxii/lxml (%s); run it with the peer venv's "
        "python (target/peers-venv/bin/python, built by taxii-testkit)\n" % error)
    sys.exit(2)

from oracle_json import json_safe, canonical_dict

NAMESPACES = {
    "http://taxii.mitre.org/messages/taxii_xml_binding-1": "1.0",
    "http://taxii.mitre.org/messages/taxii_xml_binding-1.1": "1.1",
}
LIBRARIES = {"1.0": messages_10, "1.1": messages_11}
TDQ_NAMESPACE = "http://taxii.mitre.org/query/taxii_default_query-1"
DEFAULT_QUERY_SCHEMA = os.path.join(os.path.dirname(validation.__file__), "xsd",
                                    "TAXII_DefaultQuery_Schema.xsd")
_validators = {}


class CannotRun(Exception):
    """The oracle could not do its job (as opposed to a negative verdict)."""


def read_input(name):
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        with open(name, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise CannotRun("cannot read %s: %s" % (name, error))


def validator(version):
    if version not in _validators:
        schema = SchemaValidator.TAXII_10_SCHEMA if version == "1.0" else SchemaValidator.TAXII_11_SCHEMA
        _validators[version] = SchemaValidator(schema)
    return _validators[version]


def validate_bytes(name, data):
    """The validate verdict for one document, plus the parsed root (or None)."""
    verdict = {"file": name, "version": None, "valid": False, "errors": []}
    try:
        root = parse_xml_string(data)
    except (etree.XMLSyntaxError, ValueError) as error:
        verdict["errors"].append("not well-formed XML: %s" % error)
        return verdict, None
    namespace = etree.QName(root).namespace
    version = NAMESPACES.get(namespace)
    if version is None:
        verdict["errors"].append(
            "root element {%s}%s is not in a TAXII 1.0 or 1.1 message namespace"
            % (namespace, etree.QName(root).localname))
        return verdict, root
    verdict["version"] = version
    result = validator(version).validate_etree(root)
    errors = ["line %d: %s" % (e.line, e.message) for e in result.error_log]
    if version == "1.1":
        errors.extend(default_query_errors(root))
    verdict["valid"] = bool(result.valid) and not errors
    verdict["errors"] = errors
    return verdict, root


def default_query_errors(root):
    """The 1.1 schema skips the insides of Query and Status_Detail ("any" content): check
    each Default_Query / Default_Query_Info against libtaxii's Default Query schema too."""
    if "default_query" not in _validators:
        _validators["default_query"] = SchemaValidator(DEFAULT_QUERY_SCHEMA)
    errors = []
    for name in ("Default_Query", "Default_Query_Info"):
        for element in root.iter("{%s}%s" % (TDQ_NAMESPACE, name)):
            standalone = etree.fromstring(etree.tostring(element))
            result = _validators["default_query"].validate_etree(standalone)
            errors.extend("%s at line %s: %s" % (name, element.sourceline, e.message)
                          for e in result.error_log)
    return errors


def parse_message(version, data):
    return LIBRARIES[version].get_message_from_xml(data)


def cmd_validate(files):
    return [validate_bytes(name, read_input(name))[0] for name in files or ["-"]]


def cmd_reparse(files):
    results = []
    for name in files or ["-"]:
        data = read_input(name)
        verdict, _ = validate_bytes(name, data)
        if verdict["version"] is None:
            verdict["parse_error"] = "; ".join(verdict["errors"])
        else:
            try:
                message = parse_message(verdict["version"], data)
                verdict["dict"] = json_safe(message.to_dict())
                verdict["xml"] = json_safe(message.to_xml())
            except Exception as error:  # libtaxii raises many types on bad input
                verdict["parse_error"] = "%s: %s" % (type(error).__name__, error)
        results.append(verdict)
    return results


def semantic_form(name):
    """(JSON text of the canonical to_dict(), None) or (None, error)."""
    data = read_input(name)
    verdict, _ = validate_bytes(name, data)
    if verdict["version"] is None:
        return None, "%s: %s" % (name, "; ".join(verdict["errors"]))
    try:
        message = parse_message(verdict["version"], data)
    except Exception as error:
        return None, "%s: libtaxii cannot parse it: %s: %s" % (name, type(error).__name__, error)
    form = {"version": verdict["version"], "message": canonical_dict(message.to_dict())}
    return json.dumps(form, indent=1, sort_keys=True), None


def cmd_same(files):
    if len(files) != 2:
        raise CannotRun("same takes exactly two files, got %d" % len(files))
    (a, error_a), (b, error_b) = semantic_form(files[0]), semantic_form(files[1])
    if error_a or error_b:
        return {"equal": False, "diff": "\n".join(e for e in (error_a, error_b) if e)}
    if a == b:
        return {"equal": True, "diff": ""}
    diff = difflib.unified_diff(a.splitlines(), b.splitlines(), files[0], files[1], lineterm="")
    return {"equal": False, "diff": "\n".join(diff)}


def cmd_emit(args):
    if len(args) != 1:
        raise CannotRun("emit takes exactly one directory")
    from oracle_messages import write_all
    return write_all(args[0])


COMMANDS = {"validate": cmd_validate, "reparse": cmd_reparse, "same": cmd_same, "emit": cmd_emit}


def main(argv):
    if len(argv) < 1 or argv[0] not in COMMANDS:
        sys.stderr.write("usage: libtaxii_oracle.py {%s} ARGS...\n\n%s" % ("|".join(COMMANDS), __doc__))
        return 2
    try:
        result = COMMANDS[argv[0]](argv[1:])
    except CannotRun as error:
        sys.stderr.write("libtaxii_oracle: %s\n" % error)
        return 2
    except Exception:  # a bug or a libtaxii surprise: the oracle did not run
        sys.stderr.write("libtaxii_oracle: %s failed:\n%s" % (argv[0], traceback.format_exc()))
        return 2
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
