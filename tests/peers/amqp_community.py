"""A foreign AMQP community member (pika + libtaxii): answers TAXII in CERT-EU JSON.

Usage: amqp_community.py QUEUE[,QUEUE...] VERSION COUNT [IDLE_SECONDS]
VERSION is "1.1" or "1.0": the TAXII version this member speaks (libtaxii messages_11 or
messages_10, `to_json()` / `get_message_from_json()`).

Declares each QUEUE (durable), prints "ready", then handles COUNT messages (or stops after
IDLE_SECONDS, default 30, without one):
* Poll_Request: a Poll_Response for the requested collection/feed with two content
  blocks, `<poll-block collection="NAME" n="1|2">pika-poll-content</poll-block>` (XML),
  content binding urn:stix.mitre.org:xml:1.1.1;
* Inbox_Message: a SUCCESS Status_Message; its content blocks are recorded;
* anything else: a FAILURE Status_Message.
Replies go to reply_to with the request's correlation_id and the binding's headers; every
request is acked after its reply was published on a confirmed channel. Then prints one
JSON line: [{"queue", "headers", "content_type", "correlation_id", "user_id",
"message_type", "body", "content_blocks": [{"content_binding", "content"}]}].
"""
import json
import sys

import pika
import libtaxii.messages_10 as m10
import libtaxii.messages_11 as m11

JSON_BINDING = "urn:cert.europa.eu:message:json:1.0"
SERVICES = {"1.1": "urn:taxii.mitre.org:services:1.1", "1.0": "urn:taxii.mitre.org:services:1.0"}
PROTOCOL = "urn:taxii-gateway.dev:protocol:amqp:0.9.1:1.0"
STIX = "urn:stix.mitre.org:xml:1.1.1"
STAMP = "2024-01-02T03:04:05+00:00"


def text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def blocks_of(version, message):
    out = []
    for block in getattr(message, "content_blocks", None) or []:
        binding = block.content_binding
        if version == "1.1":
            binding = binding.binding_id
        content = block.content
        if isinstance(content, bytes):
            content = content.decode("utf-8", "replace")
        out.append({"content_binding": binding, "content": content})
    return out


def answer(version, message, counter):
    mid = "%d" % (900000 + counter)
    if version == "1.1":
        m = m11
        if isinstance(message, m11.PollRequest):
            blocks = [
                m11.ContentBlock(
                    m11.ContentBinding(STIX),
                    '<poll-block collection="%s" n="%d">pika-poll-content</poll-block>'
                    % (message.collection_name, n),
                    timestamp_label=STAMP,
                )
                for n in (1, 2)
            ]
            return m11.PollResponse(
                mid, message.message_id, collection_name=message.collection_name,
                inclusive_end_timestamp_label=STAMP, content_blocks=blocks, more=False,
                record_count=m11.RecordCount(2, False),
            )
    else:
        m = m10
        if isinstance(message, m10.PollRequest):
            blocks = [
                m10.ContentBlock(
                    STIX,
                    '<poll-block collection="%s" n="%d">pika-poll-content</poll-block>'
                    % (message.feed_name, n),
                    timestamp_label=STAMP,
                )
                for n in (1, 2)
            ]
            return m10.PollResponse(
                mid, message.message_id, feed_name=message.feed_name,
                inclusive_end_timestamp_label=STAMP, content_blocks=blocks,
            )
    if isinstance(message, (m11.InboxMessage, m10.InboxMessage)):
        return m.StatusMessage(mid, message.message_id, status_type="SUCCESS",
                               message="pika stored %d blocks" % len(message.content_blocks))
    in_response_to = getattr(message, "message_id", "0") or "0"
    return m.StatusMessage(mid, in_response_to, status_type="FAILURE",
                           message="pika member does not handle %s" % type(message).__name__)


def main():
    queues = sys.argv[1].split(",")
    version, count = sys.argv[2], int(sys.argv[3])
    idle = float(sys.argv[4]) if len(sys.argv) > 4 else 30.0
    parse = m11.get_message_from_json if version == "1.1" else m10.get_message_from_json
    connection = pika.BlockingConnection(
        pika.ConnectionParameters("127.0.0.1", 5672, "/", pika.PlainCredentials("guest", "guest"))
    )
    channel = connection.channel()
    channel.confirm_delivery()
    for queue in queues:
        channel.queue_declare(queue, durable=True)
    channel.basic_qos(prefetch_count=10)
    received = []

    def on_message(ch, method, props, body):
        entry = {
            "queue": method.routing_key,
            "headers": {k: text(v) for k, v in (props.headers or {}).items()},
            "content_type": props.content_type,
            "correlation_id": props.correlation_id,
            "user_id": props.user_id,
            "reply_to": props.reply_to,
            "body": body.decode("utf-8", "replace"),
            "message_type": None,
            "content_blocks": [],
        }
        try:
            message = parse(body)
            entry["message_type"] = type(message).__name__
            entry["content_blocks"] = blocks_of(version, message)
            reply = answer(version, message, len(received))
        except Exception as error:  # a body libtaxii cannot read: say so
            entry["error"] = repr(error)
            m = m11 if version == "1.1" else m10
            reply = m.StatusMessage("%d" % (990000 + len(received)), "0",
                                    status_type="BAD_MESSAGE", message=repr(error))
        received.append(entry)
        if props.reply_to:
            ch.basic_publish(
                "", props.reply_to, reply.to_json().encode("utf-8"),
                pika.BasicProperties(
                    content_type="application/json",
                    correlation_id=props.correlation_id,
                    headers={"x-taxii-content-type": JSON_BINDING,
                             "x-taxii-services": SERVICES[version],
                             "x-taxii-protocol": PROTOCOL},
                ),
            )
        ch.basic_ack(method.delivery_tag)
        if len(received) >= count:
            ch.stop_consuming()

    for queue in queues:
        channel.basic_consume(queue, on_message)
    print("ready", flush=True)
    # Stop after IDLE seconds without a message.
    state = {"seen": 0}

    def check_idle():
        if len(received) == state["seen"]:
            channel.stop_consuming()
        else:
            state["seen"] = len(received)
            connection.call_later(idle, check_idle)

    connection.call_later(idle, check_idle)
    if count > 0:
        channel.start_consuming()
    connection.close()
    print(json.dumps(received), flush=True)


if __name__ == "__main__":
    main()
