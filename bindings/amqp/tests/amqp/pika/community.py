"""A foreign AMQP community member (pika): consumes a queue and answers in JSON.

Usage: community.py QUEUE COUNT
Declares QUEUE (durable), prints "ready", then handles COUNT messages: a message with
reply_to gets a CERT-EU JSON Status_Message reply (same correlation_id, TAXII headers);
every message is acked after its reply was confirmed. Then prints one JSON line with what
it received: [{"headers", "content_type", "correlation_id", "message_id", "user_id",
"delivery_mode", "reply_to", "body"}].
"""
import json
import sys

import pika

JSON_BINDING = "urn:cert.europa.eu:message:json:1.0"
SERVICES_10 = "urn:taxii.mitre.org:services:1.0"
PROTOCOL = "urn:taxii-gateway.dev:protocol:amqp:0.9.1:1.0"


def text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def main():
    queue, count = sys.argv[1], int(sys.argv[2])
    connection = pika.BlockingConnection(
        pika.ConnectionParameters("127.0.0.1", 5672, "/", pika.PlainCredentials("guest", "guest"))
    )
    channel = connection.channel()
    channel.confirm_delivery()
    channel.queue_declare(queue, durable=True)
    channel.basic_qos(prefetch_count=10)
    print("ready", flush=True)
    received = []
    for method, props, body in channel.consume(queue, inactivity_timeout=30):
        if method is None:
            break
        received.append({
            "headers": {k: text(v) for k, v in (props.headers or {}).items()},
            "content_type": props.content_type,
            "correlation_id": props.correlation_id,
            "message_id": props.message_id,
            "user_id": props.user_id,
            "delivery_mode": props.delivery_mode,
            "reply_to": props.reply_to,
            "body": body.decode("utf-8", "replace"),
        })
        if props.reply_to:
            answer = {
                "message_type": "Status_Message", "message_id": "pika-%d" % len(received),
                "in_response_to": "1", "extended_headers": {}, "status_type": "SUCCESS",
                "status_detail": None, "message": "received %d bytes" % len(body),
            }
            reply = pika.BasicProperties(
                content_type="application/json",
                correlation_id=props.correlation_id,
                headers={"x-taxii-content-type": JSON_BINDING,
                         "x-taxii-services": SERVICES_10,
                         "x-taxii-protocol": PROTOCOL},
            )
            channel.basic_publish("", props.reply_to, json.dumps(answer).encode(), reply)
        channel.basic_ack(method.delivery_tag)
        if len(received) >= count:
            break
    channel.cancel()
    connection.close()
    print(json.dumps(received), flush=True)


if __name__ == "__main__":
    main()
