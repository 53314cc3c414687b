#!/usr/bin/env python3
"""A TAXII 1.1/1.0 client for seeding and reading a server in tests (cabby's Python API).

cabby's CLI cannot push over TAXII 1.0 (`taxii-push -t 1.0` passes collection names that
1.0 does not have) and exits 0 on failure; this script does both versions and says plainly
what happened. Common options: --host H --port P --path PATH [--version 1.1|1.0]
[--username U --password W]. Each subcommand prints one JSON document; exit 0 when the
request was attempted (whatever the answer), 2 on bad usage or unreadable input.

  push [--dest COLLECTION]... [--binding URN] FILE|-
      One content block (binding default urn:stix.mitre.org:xml:1.1.1) to the inbox at
      PATH. --dest is TAXII 1.1 only. Prints {"pushed": true} or
      {"pushed": false, "status": "<Status_Type>" or null, "error": str}.

  poll --collection NAME
      Polls the poll service at PATH, following multi-part results. Prints
      {"ok": true, "blocks": [{"content": str, "binding": str, "timestamp": str|null}]}
      or {"ok": false, "status": ..., "error": str}.
"""

import argparse
import json
import sys

from cabby import create_client
from cabby.exceptions import UnsuccessfulStatusError

STIX_111 = "urn:stix.mitre.org:xml:1.1.1"


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["push", "poll"])
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--version", choices=["1.0", "1.1"], default="1.1")
    parser.add_argument("--username")
    parser.add_argument("--password")
    parser.add_argument("--dest", action="append", default=[], help="push, 1.1 only")
    parser.add_argument("--binding", default=STIX_111, help="push")
    parser.add_argument("--collection", help="poll")
    parser.add_argument("file", nargs="?", help="push: content file, or - for stdin")
    return parser.parse_intermixed_args()


def read_content(name):
    if name == "-":
        return sys.stdin.read()
    with open(name) as handle:
        return handle.read()


def text(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def push(client, args):
    content = read_content(args.file)
    if args.version == "1.1":
        client.push(content, args.binding, collection_names=args.dest or None, uri=args.path)
    else:
        client.push(content, args.binding, uri=args.path)
    return {"pushed": True}


def poll(client, args):
    blocks = [{"content": text(block.content),
               "binding": str(getattr(block.binding, "id", block.binding)),
               "timestamp": block.timestamp.isoformat() if block.timestamp else None}
              for block in client.poll(args.collection, uri=args.path)]
    return {"ok": True, "blocks": blocks}


def main():
    args = arguments()
    if args.command == "push" and (args.file is None or (args.version == "1.0" and args.dest)):
        sys.stderr.write("taxii_client: push needs FILE, and --dest only with --version 1.1\n")
        return 2
    if args.command == "poll" and not args.collection:
        sys.stderr.write("taxii_client: poll needs --collection\n")
        return 2
    client = create_client(args.host, port=args.port, version=args.version)
    if args.username:
        client.set_auth(username=args.username, password=args.password)
    failed = "pushed" if args.command == "push" else "ok"
    try:
        result = push(client, args) if args.command == "push" else poll(client, args)
    except OSError as error:
        if args.command == "push" and getattr(error, "filename", None) == args.file:
            sys.stderr.write("taxii_client: cannot read %s: %s\n" % (args.file, error))
            return 2
        result = {failed: False, "status": None, "error": "%s: %s" % (type(error).__name__, error)}
    except UnsuccessfulStatusError as error:
        result = {failed: False, "status": error.status, "error": str(error)}
    except Exception as error:  # transport errors, unparseable answers: a failed request
        result = {failed: False, "status": None, "error": "%s: %s" % (type(error).__name__, error)}
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
