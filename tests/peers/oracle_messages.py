"""Reference messages built with libtaxii's own classes, for `libtaxii_oracle.py emit`.

One message of each of the 10 TAXII 1.0 and 11 TAXII 1.1 message types, each carrying the
fields a binding most easily gets wrong: extended headers (string and XML values), content
blocks with XML and with non-XML content, timestamp labels with fractional seconds and a
non-UTC offset, subscription and delivery parameters, a nested Default Query, status
details, record counts and multi-part fields. All values are invented for the tests.

Each message's dict.json equals what libtaxii reads back from its XML. That rules out one
field: libtaxii's 1.0 ServiceInstance drops available="false" when encoding, so the 1.0
messages use only available=True or no availability at all.
"""

import datetime
import json
import os

from lxml import etree
from libtaxii import messages_10 as tm10
from libtaxii import messages_11 as tm11
from libtaxii import taxii_default_query as tdq
from libtaxii.constants import (
    ACT_SUBSCRIBE, ACT_UNSUBSCRIBE, CB_STIX_XML_11, CB_STIX_XML_111, CM_CORE, CM_REGEX,
    CM_TIMESTAMP, CT_DATA_SET, OP_AND, OP_OR, RT_COUNT_ONLY, RT_FULL, SD_ESTIMATED_WAIT,
    SD_RESULT_ID, SD_WILL_PUSH, SS_ACTIVE, SS_PAUSED, ST_PENDING, ST_RETRY, SVC_DISCOVERY,
    SVC_FEED_MANAGEMENT, SVC_INBOX, SVC_POLL, SVC_COLLECTION_MANAGEMENT, VID_TAXII_HTTP_10,
    VID_TAXII_HTTPS_10, VID_TAXII_SERVICES_10, VID_TAXII_SERVICES_11, VID_TAXII_XML_10,
    VID_TAXII_XML_11,
)

from oracle_json import json_safe

BASE = "https://taxii.example.test/services/"
BEGIN = datetime.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.timezone.utc)
END = datetime.datetime(2026, 2, 3, 4, 5, 6, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
SUBTYPE = "urn:taxii-testkit:subtype:indicators"


def stix_content(title):
    return etree.fromstring(
        '<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" '
        'xmlns:oracle="urn:taxii-testkit:oracle" id="oracle:package-%s" version="1.1.1">'
        '<stix:STIX_Header><stix:Title>%s &amp; friends</stix:Title></stix:STIX_Header>'
        '</stix:STIX_Package>' % (title, title))


def extended_headers():
    xml_value = etree.fromstring('<oracle:Route xmlns:oracle="urn:taxii-testkit:oracle" hops="2">'
                                 'community-a</oracle:Route>')
    return {"urn:taxii-testkit:header:plain": "plain <value> & more",
            "urn:taxii-testkit:header:xml": xml_value}


def plain_headers():
    # TAXII 1.0 extended headers hold text only.
    return {"urn:taxii-testkit:header:plain": "plain <value> & more"}


def blocks_10():
    return [
        tm10.ContentBlock(CB_STIX_XML_11, stix_content("ten-xml"), timestamp_label=BEGIN,
                          padding="pad10"),
        tm10.ContentBlock("urn:taxii-testkit:text", "not xml: 1 < 2 & 3 > 2", timestamp_label=END),
    ]


def blocks_11():
    return [
        tm11.ContentBlock(tm11.ContentBinding(CB_STIX_XML_111, subtype_ids=[SUBTYPE]),
                          stix_content("eleven-xml"), timestamp_label=BEGIN,
                          message="an XML block", padding="pad11"),
        tm11.ContentBlock(tm11.ContentBinding("urn:taxii-testkit:text"),
                          "not xml: 1 < 2 & 3 > 2", timestamp_label=END),
    ]


def default_query():
    exact = tdq.Test(capability_id=CM_CORE, relationship="equals",
                     parameters={"value": "evil.example.test", "match_type": "case_insensitive_string"})
    regex = tdq.Test(capability_id=CM_REGEX, relationship="matches",
                     parameters={"value": "^10\\.0\\.[0-9]+$", "case_sensitive": False})
    later = tdq.Test(capability_id=CM_TIMESTAMP, relationship="greater_than",
                     parameters={"value": BEGIN})
    inner = tdq.Criteria(OP_OR, criterion=[
        tdq.Criterion("**/Value", exact),
        tdq.Criterion("STIX_Package/Observables/**/@id", regex, negate=True)])
    outer = tdq.Criteria(OP_AND, criterion=[tdq.Criterion("**/Timestamp", later)], criteria=[inner])
    return tdq.DefaultQuery(CB_STIX_XML_111, outer)


def query_info():
    scope = tdq.DefaultQueryInfo.TargetingExpressionInfo(
        CB_STIX_XML_111, preferred_scope=["STIX_Package/Indicators/**"], allowed_scope=["**"])
    return tdq.DefaultQueryInfo([scope], [CM_CORE, CM_REGEX, CM_TIMESTAMP])


def messages_10():
    delivery = tm10.DeliveryParameters(VID_TAXII_HTTPS_10, BASE + "partner-inbox", VID_TAXII_XML_10,
                                       [CB_STIX_XML_11])
    poll_instance = tm10.PollInstance(VID_TAXII_HTTP_10, BASE + "poll", [VID_TAXII_XML_10])
    services = [
        tm10.ServiceInstance(SVC_DISCOVERY, VID_TAXII_SERVICES_10, VID_TAXII_HTTP_10,
                             BASE + "discovery", [VID_TAXII_XML_10], available=True),
        tm10.ServiceInstance(SVC_INBOX, VID_TAXII_SERVICES_10, VID_TAXII_HTTPS_10, BASE + "inbox",
                             [VID_TAXII_XML_10], inbox_service_accepted_content=[CB_STIX_XML_11],
                             message="inbox accepts STIX 1.1"),
        tm10.ServiceInstance(SVC_FEED_MANAGEMENT, VID_TAXII_SERVICES_10, VID_TAXII_HTTP_10,
                             BASE + "feeds", [VID_TAXII_XML_10]),
    ]
    feed = tm10.FeedInformation(
        "feed-one", "Feed one: <escaped> & described", [CB_STIX_XML_11, "urn:taxii-testkit:text"],
        available=True,
        push_methods=[tm10.PushMethod(VID_TAXII_HTTP_10, [VID_TAXII_XML_10])],
        polling_service_instances=[tm10.PollingServiceInstance(VID_TAXII_HTTP_10, BASE + "poll",
                                                               [VID_TAXII_XML_10])],
        subscription_methods=[tm10.SubscriptionMethod(VID_TAXII_HTTP_10, BASE + "feeds",
                                                      [VID_TAXII_XML_10])])
    return [
        tm10.DiscoveryRequest("1001", extended_headers=plain_headers()),
        tm10.DiscoveryResponse("1002", "1001", extended_headers=plain_headers(),
                               service_instances=services),
        tm10.FeedInformationRequest("1003"),
        tm10.FeedInformationResponse("1004", "1003", feed_informations=[feed]),
        tm10.ManageFeedSubscriptionRequest("1005", feed_name="feed-one", action=ACT_SUBSCRIBE,
                                           delivery_parameters=delivery),
        tm10.ManageFeedSubscriptionResponse(
            "1006", "1005", feed_name="feed-one", message="subscribed",
            subscription_instances=[tm10.SubscriptionInstance("sub-10", delivery, [poll_instance])]),
        tm10.PollRequest("1007", extended_headers=plain_headers(), feed_name="feed-one",
                         exclusive_begin_timestamp_label=BEGIN, inclusive_end_timestamp_label=END,
                         subscription_id="sub-10", content_bindings=[CB_STIX_XML_11]),
        tm10.PollResponse("1008", "1007", feed_name="feed-one", inclusive_begin_timestamp_label=BEGIN,
                          inclusive_end_timestamp_label=END, subscription_id="sub-10",
                          message="two blocks", content_blocks=blocks_10()),
        tm10.InboxMessage("1009", message="pushed on a subscription",
                          subscription_information=tm10.SubscriptionInformation(
                              "feed-one", "sub-10", BEGIN, END),
                          content_blocks=blocks_10()),
        tm10.StatusMessage("1010", "1009", status_type=ST_RETRY, status_detail="retry in 30 s",
                           message="busy"),
    ]


def messages_11():
    push = tm11.PushParameters(VID_TAXII_HTTPS_10, BASE + "partner-inbox", VID_TAXII_XML_11)
    subscription_parameters = tm11.SubscriptionParameters(
        response_type=RT_COUNT_ONLY,
        content_bindings=[tm11.ContentBinding(CB_STIX_XML_111, subtype_ids=[SUBTYPE])],
        query=default_query())
    services = [
        tm11.ServiceInstance(SVC_DISCOVERY, VID_TAXII_SERVICES_11, VID_TAXII_HTTP_10,
                             BASE + "discovery", [VID_TAXII_XML_11, VID_TAXII_XML_10], available=True),
        tm11.ServiceInstance(SVC_POLL, VID_TAXII_SERVICES_11, VID_TAXII_HTTPS_10, BASE + "poll",
                             [VID_TAXII_XML_11], available=True, message="queryable",
                             supported_query=[query_info()]),
        tm11.ServiceInstance(SVC_INBOX, VID_TAXII_SERVICES_11, VID_TAXII_HTTP_10, BASE + "inbox",
                             [VID_TAXII_XML_11], inbox_service_accepted_content=[
                                 tm11.ContentBinding(CB_STIX_XML_111, subtype_ids=[SUBTYPE])]),
        tm11.ServiceInstance(SVC_COLLECTION_MANAGEMENT, VID_TAXII_SERVICES_11, VID_TAXII_HTTP_10,
                             BASE + "collections", [VID_TAXII_XML_11], available=False),
    ]
    collection = tm11.CollectionInformation(
        "collection-one", "Collection one: <escaped> & described",
        supported_contents=[tm11.ContentBinding(CB_STIX_XML_111, subtype_ids=[SUBTYPE])],
        available=True,
        push_methods=[tm11.PushMethod(VID_TAXII_HTTP_10, [VID_TAXII_XML_11])],
        polling_service_instances=[tm11.PollingServiceInstance(VID_TAXII_HTTP_10, BASE + "poll",
                                                               [VID_TAXII_XML_11])],
        subscription_methods=[tm11.SubscriptionMethod(VID_TAXII_HTTP_10, BASE + "collections",
                                                      [VID_TAXII_XML_11])],
        collection_volume=42, collection_type=CT_DATA_SET,
        receiving_inbox_services=[tm11.ReceivingInboxService(
            VID_TAXII_HTTP_10, BASE + "inbox", [VID_TAXII_XML_11],
            supported_contents=[tm11.ContentBinding(CB_STIX_XML_111)])])
    poll_parameters = tm11.PollParameters(
        response_type=RT_FULL, content_bindings=[tm11.ContentBinding(CB_STIX_XML_111)],
        query=default_query(), allow_asynch=True,
        delivery_parameters=tm11.DeliveryParameters(VID_TAXII_HTTPS_10, BASE + "partner-inbox",
                                                    VID_TAXII_XML_11))
    return [
        tm11.DiscoveryRequest("11-1", extended_headers=extended_headers()),
        tm11.DiscoveryResponse("11-2", "11-1", extended_headers=extended_headers(),
                               service_instances=services),
        tm11.CollectionInformationRequest("11-3"),
        tm11.CollectionInformationResponse("11-4", "11-3", collection_informations=[collection]),
        tm11.ManageCollectionSubscriptionRequest(
            "11-5", collection_name="collection-one", action=ACT_SUBSCRIBE,
            subscription_parameters=subscription_parameters, push_parameters=push),
        tm11.ManageCollectionSubscriptionResponse(
            "11-6", "11-5", collection_name="collection-one", message="two subscriptions",
            subscription_instances=[
                tm11.SubscriptionInstance("sub-11-a", SS_ACTIVE, subscription_parameters, push,
                                          [tm11.PollInstance(VID_TAXII_HTTP_10, BASE + "poll",
                                                             [VID_TAXII_XML_11])]),
                tm11.SubscriptionInstance("sub-11-b", SS_PAUSED)]),
        tm11.PollRequest("11-7", extended_headers=extended_headers(), collection_name="collection-one",
                         exclusive_begin_timestamp_label=BEGIN, inclusive_end_timestamp_label=END,
                         poll_parameters=poll_parameters),
        tm11.PollResponse("11-8", "11-7", extended_headers=extended_headers(),
                          collection_name="collection-one", exclusive_begin_timestamp_label=BEGIN,
                          inclusive_end_timestamp_label=END, subscription_id="sub-11-a",
                          message="part 2 of several", content_blocks=blocks_11(), more=True,
                          result_id="result-11", result_part_number=2,
                          record_count=tm11.RecordCount(17, partial_count=True)),
        tm11.PollFulfillmentRequest("11-9", collection_name="collection-one", result_id="result-11",
                                    result_part_number=3),
        tm11.InboxMessage("11-10", message="pushed on a subscription", result_id="result-11",
                          destination_collection_names=["collection-one", "collection-two"],
                          subscription_information=tm11.SubscriptionInformation(
                              "collection-one", "sub-11-a", BEGIN, END),
                          record_count=tm11.RecordCount(2), content_blocks=blocks_11()),
        tm11.StatusMessage("11-11", "11-7", extended_headers=extended_headers(),
                           status_type=ST_PENDING,
                           status_detail={SD_ESTIMATED_WAIT: 900, SD_RESULT_ID: "result-11",
                                          SD_WILL_PUSH: False},
                           message="come back later"),
    ]


def write_all(directory):
    os.makedirs(directory, exist_ok=True)
    written = []
    for version, messages in (("1.0", messages_10()), ("1.1", messages_11())):
        for message in messages:
            base = os.path.join(directory, "%s-%s" % (version, message.message_type))
            with open(base + ".xml", "wb") as handle:
                handle.write(message.to_xml())
            with open(base + ".dict.json", "w") as handle:
                json.dump(json_safe(message.to_dict()), handle, indent=1, sort_keys=True)
            written.append({"version": version, "type": message.message_type,
                            "xml": base + ".xml", "dict": base + ".dict.json"})
    return written
