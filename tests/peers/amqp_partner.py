"""A foreign AMQP partner (pika): publishes TAXII requests to a queue, collects the replies.

Usage: amqp_partner.py QUEUE [WAIT_SECONDS] < requests.json
requests.json: [{"body": str, "content_type": str|null, "headers": {..}|null,
                 "reply": bool, "correlation_id": str|null, "user_id": str|null}]
Bodies are sent as given (UTF-8); "body_repeat": n repeats the body n times (large bodies).
Each request with "reply" gets reply_to = amq.rabbitmq.reply-to (direct reply-to) and is
published persistent, mandatory, on a confirmed channel. Waits up to WAIT_SECONDS (default
20) for every reply. Prints one JSON object:
{"published": n, "returned": n, "replies": [{"correlation_id", "content_type", "headers",
"body"}]}. "returned" counts publishes the broker could not route (an error for the test).
"""
import json
import sys
import time

import pika


def text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def main():
    queue = sys.argv[1]
    wait_seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 20.0
    requests = json.load(sys.stdin)
    connection = pika.BlockingConnection(
        pika.ConnectionParameters("127.0.0.1", 5672, "/", pika.PlainCredentials("guest", "guest"))
    )
    channel = connection.channel()
    channel.confirm_delivery()
    replies = []

    def on_reply(_channel, _method, props, body):
        replies.append({
            "correlation_id": props.correlation_id,
            "content_type": props.content_type,
            "headers": {k: text(v) for k, v in (props.headers or {}).items()},
            "body": body.decode("utf-8", "replace"),
        })

    channel.basic_consume("amq.rabbitmq.reply-to", on_reply, auto_ack=True)
    expected = 0
    returned = 0
    for request in requests:
        props = pika.BasicProperties(
            content_type=request.get("content_type"),
            headers=request.get("headers"),
            correlation_id=request.get("correlation_id"),
            user_id=request.get("user_id"),
            reply_to="amq.rabbitmq.reply-to" if request.get("reply") else None,
            delivery_mode=2,
        )
        body = request["body"].encode("utf-8") * int(request.get("body_repeat", 1))
        try:
            channel.basic_publish("", queue, body, props, mandatory=True)
        except pika.exceptions.UnroutableError:
            returned += 1
            continue
        expected += 1 if request.get("reply") else 0
    deadline = time.monotonic() + wait_seconds
    while len(replies) < expected and time.monotonic() < deadline:
        connection.process_data_events(time_limit=0.2)
    connection.close()
    print(json.dumps({"published": len(requests), "returned": returned, "replies": replies}))


if __name__ == "__main__":
    main()
