#!/usr/bin/env python3
"""Polls a collection in CERT-EU JSON (TAXII 1.0) with libtaxii's own client.

    libtaxii_json_poll.py URL COLLECTION

Builds a libtaxii `messages_10.PollRequest`, sends its `to_json()` with
`HttpClient.call_taxii_service2` and `X-TAXII-Content-Type: urn:cert.europa.eu:message:json:1.0`,
reads the answer with `messages_10.get_message_from_json`, and prints one JSON document:
{"message_type": ..., "status_type": ... (Status Messages), "content": [block content, ...]}.
Exit 0 when libtaxii ran, 2 (message on stderr) when it could not.
"""

import json
import sys
from urllib.parse import urlparse

try:
    import libtaxii.clients as clients
    import libtaxii.messages_10 as tm10
    from libtaxii.constants import VID_CERT_EU_JSON_10
except ImportError as error:  # pragma: no cover - depends on the venv
    sys.stderr.write("libtaxii_json_poll: cannot import libtaxii (%s)\n" % error)
    sys.exit(2)


def main(url, collection):
    parsed = urlparse(url)
    request = tm10.PollRequest(message_id=tm10.generate_message_id(), feed_name=collection)
    client = clients.HttpClient()
    client.set_use_https(parsed.scheme == "https")
    answer = client.call_taxii_service2(parsed.hostname, parsed.path, VID_CERT_EU_JSON_10,
                                        request.to_json().encode("utf-8"), port=parsed.port)
    # libtaxii.get_message_from_urllib_addinfourl hands JSON answers to
    # get_message_from_json as str, which then fails on Python 3 ('str' has no decode):
    # check the headers and call get_message_from_json with the bytes, as it expects.
    content_type = answer.info().get("X-TAXII-Content-Type")
    if content_type != VID_CERT_EU_JSON_10:
        raise ValueError("answer is not CERT-EU JSON: X-TAXII-Content-Type %r" % content_type)
    message = tm10.get_message_from_json(answer.read())
    out = {"message_type": message.message_type}
    if message.message_type == "Status_Message":
        out["status_type"] = message.status_type
        out["message"] = message.message
    blocks = getattr(message, "content_blocks", []) or []
    out["content"] = [b.content.decode("utf-8") if isinstance(b.content, bytes) else str(b.content) for b in blocks]
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        sys.exit(2)
    try:
        sys.exit(main(sys.argv[1], sys.argv[2]))
    except Exception as error:  # the verdict is the caller's; say what broke
        sys.stderr.write("libtaxii_json_poll: %s: %s\n" % (type(error).__name__, error))
        sys.exit(2)
