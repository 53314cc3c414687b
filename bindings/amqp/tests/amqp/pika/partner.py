"""A foreign AMQP partner (pika): publishes requests to a queue, collects the replies.

Usage: partner.py QUEUE < requests.json
requests.json: [{"body": str, "content_type": str|null, "headers": {..}|null,
                 "reply": bool, "correlation_id": str|null, "user_id": str|null}]
Replies come over RabbitMQ direct reply-to. Prints one JSON object:
{"published": n, "replies": [{"correlation_id", "content_type", "headers", "body"}]}.
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
    for request in requests:
        props = pika.BasicProperties(
            content_type=request.get("content_type"),
            headers=request.get("headers"),
            correlation_id=request.get("correlation_id"),
            user_id=request.get("user_id"),
            reply_to="amq.rabbitmq.reply-to" if request.get("reply") else None,
            delivery_mode=2,
        )
        channel.basic_publish("", queue, request["body"].encode("utf-8"), props, mandatory=True)
        expected += 1 if request.get("reply") else 0
    deadline = time.monotonic() + wait_seconds
    while len(replies) < expected and time.monotonic() < deadline:
        connection.process_data_events(time_limit=0.2)
    connection.close()
    print(json.dumps({"published": len(requests), "replies": replies}))


if __name__ == "__main__":
    main()
