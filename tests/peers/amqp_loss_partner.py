"""An AMQP partner that must get every Inbox message through, whatever happens to the
broker or the gateway (pika, guest@127.0.0.1:5672).

Usage: amqp_loss_partner.py QUEUE MODE FIRST COUNT COLLECTION [DEADLINE_SECONDS]
MODE: "oneway"  publish without reply_to, persistent, mandatory, one confirm per message:
                a message is delivered once the broker confirmed it;
      "request" publish with reply_to = amq.rabbitmq.reply-to and a correlation_id, up to
                WINDOW in flight: a message is delivered once a SUCCESS Status_Message
                answers it.
Message n (FIRST <= n < FIRST+COUNT) is a TAXII 1.1 XML Inbox_Message to COLLECTION whose
one content block is <loss-item id="loss-N"/>. Anything else (a non-SUCCESS status, no
reply within REPLY_TIMEOUT, a nack, a returned message, a lost connection) is counted by
kind and the message is sent again, until DEADLINE_SECONDS (default 600) pass.
Prints "progress N" (messages delivered so far) every 250 deliveries, then one JSON object: {"mode", "delivered": n, "attempts": n, "observed": {kind: n},
"undelivered": [ids], "seconds": s}.
"""
import json
import sys
import time
import uuid

import pika

XML11 = "urn:taxii.mitre.org:message:xml:1.1"
SERVICES11 = "urn:taxii.mitre.org:services:1.1"
PROTOCOL = "urn:taxii-gateway.dev:protocol:amqp:0.9.1:1.0"
NS = 'xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1"'
STIX = "urn:stix.mitre.org:xml:1.1.1"
WINDOW = 64
REPLY_TIMEOUT = 15.0
HEADERS = {"x-taxii-content-type": XML11, "x-taxii-services": SERVICES11,
           "x-taxii-accept": XML11, "x-taxii-protocol": PROTOCOL}


def body(n, collection, attempt):
    return (
        '<taxii_11:Inbox_Message %s message_id="%d%04d">'
        "<taxii_11:Destination_Collection_Name>%s</taxii_11:Destination_Collection_Name>"
        '<taxii_11:Content_Block><taxii_11:Content_Binding binding_id="%s"/>'
        '<taxii_11:Content><loss-item id="loss-%d"/></taxii_11:Content></taxii_11:Content_Block>'
        "</taxii_11:Inbox_Message>" % (NS, n, attempt % 10000, collection, STIX, n)
    ).encode()


def status_of(reply_body):
    text = reply_body.decode("utf-8", "replace")
    marker = 'status_type="'
    at = text.find(marker)
    if at < 0:
        return "UNREADABLE"
    return text[at + len(marker):text.index('"', at + len(marker))]


def connect():
    return pika.BlockingConnection(pika.ConnectionParameters(
        "127.0.0.1", 5672, "/", pika.PlainCredentials("guest", "guest"),
        heartbeat=10, blocked_connection_timeout=10, socket_timeout=5,
        connection_attempts=1))


def main():
    queue, mode = sys.argv[1], sys.argv[2]
    first, count, collection = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    deadline = time.monotonic() + (float(sys.argv[6]) if len(sys.argv) > 6 else 600.0)
    started = time.monotonic()
    pending = list(range(first, first + count))  # not delivered yet, in order
    pending.reverse()
    delivered = set()
    attempts = 0
    observed = {}

    def see(kind):
        observed[kind] = observed.get(kind, 0) + 1

    while pending and time.monotonic() < deadline:
        try:
            connection = connect()
        except Exception:  # broker down: try again
            see("connect_failed")
            time.sleep(0.5)
            continue
        try:
            channel = connection.channel()
            channel.confirm_delivery()
            if mode == "oneway":
                while pending and time.monotonic() < deadline:
                    n = pending[-1]
                    attempts += 1
                    props = pika.BasicProperties(content_type="application/xml",
                                                 headers=HEADERS, delivery_mode=2)
                    try:
                        channel.basic_publish("", queue, body(n, collection, attempts), props,
                                              mandatory=True)
                    except pika.exceptions.UnroutableError:
                        see("returned")
                        time.sleep(0.2)
                        continue
                    except pika.exceptions.NackError:
                        see("nacked")
                        continue
                    pending.pop()
                    delivered.add(n)
                    if len(delivered) % 250 == 0:
                        print("progress %d" % len(delivered), flush=True)
            else:
                in_flight = {}  # correlation_id -> (n, sent_at)

                def on_reply(_ch, _method, props, reply_body):
                    entry = in_flight.pop(props.correlation_id, None)
                    if entry is None:
                        see("late_reply")
                        return
                    status = status_of(reply_body)
                    if status == "SUCCESS":
                        delivered.add(entry[0])
                        if len(delivered) % 250 == 0:
                            print("progress %d" % len(delivered), flush=True)
                    else:
                        see("status_" + status)
                        pending.append(entry[0])

                channel.basic_consume("amq.rabbitmq.reply-to", on_reply, auto_ack=True)
                while (pending or in_flight) and time.monotonic() < deadline:
                    while pending and len(in_flight) < WINDOW:
                        n = pending.pop()
                        if n in delivered:
                            continue
                        attempts += 1
                        cid = uuid.uuid4().hex
                        props = pika.BasicProperties(
                            content_type="application/xml", headers=HEADERS, delivery_mode=2,
                            reply_to="amq.rabbitmq.reply-to", correlation_id=cid)
                        in_flight[cid] = (n, time.monotonic())
                        try:
                            channel.basic_publish("", queue, body(n, collection, attempts),
                                                  props, mandatory=True)
                        except (pika.exceptions.UnroutableError, pika.exceptions.NackError):
                            see("returned_or_nacked")
                            in_flight.pop(cid, None)
                            pending.append(n)
                            time.sleep(0.2)
                    connection.process_data_events(time_limit=0.05)
                    now = time.monotonic()
                    for cid, (n, sent) in list(in_flight.items()):
                        if now - sent > REPLY_TIMEOUT:
                            see("reply_timeout")
                            del in_flight[cid]
                            pending.append(n)
                # Messages in flight when the connection drops are retried (below).
            connection.close()
        except Exception as error:
            see("connection_lost")
            if mode != "oneway":
                for cid, (n, _) in list(locals().get("in_flight", {}).items()):
                    pending.append(n)
            try:
                connection.close()
            except Exception:
                pass
            time.sleep(0.3)
    undelivered = sorted(set(range(first, first + count)) - delivered)
    print(json.dumps({"mode": mode, "delivered": len(delivered), "attempts": attempts,
                      "observed": observed, "undelivered": undelivered[:50],
                      "undelivered_count": len(undelivered),
                      "seconds": round(time.monotonic() - started, 2)}))


if __name__ == "__main__":
    main()
