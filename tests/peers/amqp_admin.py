"""Broker housekeeping for the gateway's AMQP tests (pika, guest@127.0.0.1:5672).

Usage:
  amqp_admin.py delete NAME...   deletes queues NAME, NAME.dead and exchange NAME.dlx
                                 (whichever exist); prints {"deleted": [...]}
  amqp_admin.py drain QUEUE MAX  takes (and acks) up to MAX messages from QUEUE; prints
                                 [{"headers", "content_type", "correlation_id", "body"}];
                                 "x-death" reasons are flattened to
                                 headers["x-death-reason"]
  amqp_admin.py count QUEUE      prints {"messages": n, "consumers": n} (-1 if no queue)
"""
import json
import sys

import pika


def connect():
    return pika.BlockingConnection(
        pika.ConnectionParameters("127.0.0.1", 5672, "/", pika.PlainCredentials("guest", "guest"))
    )


def text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, (list, dict)):
        return json.loads(json.dumps(value, default=str))
    return value


def delete(names):
    connection = connect()
    deleted = []
    for name in names:
        for queue in (name, name + ".dead"):
            channel = connection.channel()
            try:
                channel.queue_delete(queue)
                deleted.append(queue)
            except pika.exceptions.ChannelClosedByBroker:
                pass
            if channel.is_open:
                channel.close()
        channel = connection.channel()
        try:
            channel.exchange_delete(name + ".dlx")
            deleted.append(name + ".dlx")
        except pika.exceptions.ChannelClosedByBroker:
            pass
        if channel.is_open:
            channel.close()
    connection.close()
    print(json.dumps({"deleted": deleted}))


def drain(queue, limit):
    connection = connect()
    channel = connection.channel()
    out = []
    while len(out) < limit:
        method, props, body = channel.basic_get(queue, auto_ack=True)
        if method is None:
            break
        headers = {k: text(v) for k, v in (props.headers or {}).items()}
        deaths = (props.headers or {}).get("x-death") or []
        if deaths:
            headers["x-death-reason"] = text(deaths[0].get("reason"))
        out.append({
            "headers": headers,
            "content_type": props.content_type,
            "correlation_id": props.correlation_id,
            "body": body.decode("utf-8", "replace"),
        })
    connection.close()
    print(json.dumps(out, default=str))


def count(queue):
    connection = connect()
    channel = connection.channel()
    try:
        ok = channel.queue_declare(queue, passive=True)
        print(json.dumps({"messages": ok.method.message_count,
                          "consumers": ok.method.consumer_count}))
    except pika.exceptions.ChannelClosedByBroker:
        print(json.dumps({"messages": -1, "consumers": -1}))
    if connection.is_open:
        connection.close()


def main():
    command = sys.argv[1]
    if command == "delete":
        delete(sys.argv[2:])
    elif command == "drain":
        drain(sys.argv[2], int(sys.argv[3]))
    elif command == "count":
        count(sys.argv[2])
    else:
        sys.exit(2)


if __name__ == "__main__":
    main()
