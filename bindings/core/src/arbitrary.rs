//! proptest strategies for random valid messages of either version (feature `proptest`).
//!
//! "Valid" means what the version's XML schema and the Services spec allow: 1.0 ids are
//! digits, 1.0 messages have no 1.1-only fields, a 1.1 Poll Request has exactly one of a
//! subscription id and poll parameters, and so on. Text fields that bindings trim carry no
//! surrounding white space; no text holds a carriage return (XML normalises line ends).

use crate::*;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

/// A random valid message of `version`.
pub fn message(version: Version) -> impl Strategy<Value = Message> {
    (header(version), body(version)).prop_map(move |(mut header, body)| {
        if body.message_type().is_request() {
            header.in_response_to = None;
        }
        Message {
            version,
            header,
            body,
        }
    })
}

fn id(version: Version) -> BoxedStrategy<String> {
    match version {
        Version::V10 => "[1-9][0-9]{0,9}".boxed(),
        Version::V11 => prop_oneof![
            "[1-9][0-9]{0,9}",
            "urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}",
            "[A-Za-z][A-Za-z0-9_.-]{0,12}"
        ]
        .boxed(),
    }
}

/// An identifier that is also a valid `xs:anyURI` (names, subscription and result ids).
fn token() -> impl Strategy<Value = String> {
    "[A-Za-z][A-Za-z0-9.-]{0,12}(:[A-Za-z0-9_.-]{1,8}){0,2}(/[A-Za-z0-9_.-]{1,8})?"
}

fn uri() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(ids::content::STIX_XML_111.to_owned()),
        Just(ids::content::STIX_XML_12.to_owned()),
        "urn:example:[a-z]{1,8}:[0-9]\\.[0-9]",
        "http://example\\.com/[a-z]{1,10}",
    ]
}

/// Free text: any printable characters including markup, quotes and newlines.
fn text() -> impl Strategy<Value = String> {
    "[ -~\n\t\u{e9}\u{4e2d}]{0,40}"
}

fn header(version: Version) -> impl Strategy<Value = Header> {
    (
        id(version),
        id(version),
        vec(extended_header(), 0..3),
        option::weighted(0.2, signature()),
    )
        .prop_map(|(message_id, irt, extended_headers, signature)| Header {
            message_id,
            in_response_to: Some(irt),
            extended_headers,
            signature,
        })
}

fn extended_header() -> impl Strategy<Value = ExtendedHeader> {
    (uri(), payload()).prop_map(|(name, value)| ExtendedHeader { name, value })
}

fn signature() -> impl Strategy<Value = Signature> {
    "([A-Za-z0-9+/]{4}){1,10}".prop_map(|digest| {
        Signature(bytes::Bytes::from(format!(
            "<ds:Signature xmlns:ds=\"{}\"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/><ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/><ds:Reference URI=\"\"><ds:Transforms><ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/></ds:Transforms><ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue>ZGlnZXN0</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>{digest}</ds:SignatureValue></ds:Signature>",
            ids::ns::XMLDSIG
        )))
    })
}

/// An XML fragment (elements with their own namespace declarations) or text.
pub fn payload() -> impl Strategy<Value = Payload> {
    prop_oneof![
        text().prop_map(Payload::text),
        ("[a-z]{1,8}", "[a-z]{1,8}", "[a-z0-9 ]{0,20}", 0usize..3).prop_map(|(prefix, local, inner, extra)| {
            let mut xml = format!("<{prefix}:{local} xmlns:{prefix}=\"urn:example:{prefix}\" id=\"{prefix}-1\">{inner}");
            for i in 0..extra {
                xml.push_str(&format!("<{prefix}:child n=\"{i}\">{inner}</{prefix}:child>"));
            }
            xml.push_str(&format!("</{prefix}:{local}>"));
            Payload::xml(xml)
        }),
    ]
}

/// A valid Timestamp Label.
pub fn timestamp() -> impl Strategy<Value = Timestamp> {
    (
        2000u32..2030,
        1u32..13,
        1u32..29,
        0u32..24,
        0u32..60,
        0u32..60,
        option::of((1usize..7, 0u32..1_000_000)),
        prop_oneof![
            Just(None),
            (-12i32..14, prop_oneof![Just(0u32), Just(30)]).prop_map(Some)
        ],
    )
        .prop_map(|(y, mo, d, h, mi, s, frac, zone)| {
            let frac = frac
                .map(|(digits, v)| {
                    format!(".{:0width$}", v % 10u32.pow(digits as u32), width = digits)
                })
                .unwrap_or_default();
            let zone = match zone {
                None => "Z".to_owned(),
                Some((oh, om)) => format!(
                    "{}{:02}:{:02}",
                    if oh < 0 { '-' } else { '+' },
                    oh.abs(),
                    om
                ),
            };
            Timestamp::parse(&format!(
                "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}{zone}"
            ))
            .expect("generated label is valid")
        })
}

fn content_binding(version: Version, max_subtypes: usize) -> impl Strategy<Value = ContentBinding> {
    let subtypes = if version == Version::V11 {
        max_subtypes
    } else {
        0
    };
    (uri(), vec(uri(), 0..=subtypes)).prop_map(|(binding_id, subtypes)| ContentBinding {
        binding_id,
        subtypes,
    })
}

fn content_block(version: Version) -> impl Strategy<Value = ContentBlock> {
    let v11 = version == Version::V11;
    (
        content_binding(version, 1),
        payload(),
        option::of(timestamp()),
        option::of(text()),
        option::of(text()),
        option::weighted(0.2, signature()),
    )
        .prop_map(
            move |(content_binding, content, timestamp_label, message, padding, signature)| {
                ContentBlock {
                    content_binding,
                    content,
                    timestamp_label,
                    message: message.filter(|_| v11),
                    padding,
                    signature,
                }
            },
        )
}

fn endpoint() -> impl Strategy<Value = ServiceEndpoint> {
    (uri(), uri(), vec(uri(), 1..3)).prop_map(|(protocol_binding, address, message_bindings)| {
        ServiceEndpoint {
            protocol_binding,
            address,
            message_bindings,
        }
    })
}

fn status_type(version: Version) -> impl Strategy<Value = StatusType> {
    let types: Vec<StatusType> = StatusType::CANONICAL
        .iter()
        .filter(|t| version == Version::V11 || t.exists_in_10())
        .cloned()
        .collect();
    prop_oneof![9 => proptest::sample::select(types), 1 => "urn:example:status:[a-z]{1,8}".prop_map(StatusType::Other)]
}

fn status(version: Version) -> impl Strategy<Value = StatusMessage> {
    let details = match version {
        Version::V10 => prop_oneof![
            Just(StatusDetails::None),
            "[A-Za-z0-9:. -]{1,30}".prop_map(StatusDetails::Text)
        ]
        .boxed(),
        Version::V11 => prop_oneof![
            Just(StatusDetails::None),
            vec(
                (token(), text()).prop_map(|(name, value)| StatusDetail { name, value }),
                1..4
            )
            .prop_map(StatusDetails::Pairs)
        ]
        .boxed(),
    };
    (status_type(version), details, option::of(text())).prop_map(
        |(status_type, details, message)| StatusMessage {
            status_type,
            details,
            message,
        },
    )
}

fn query() -> impl Strategy<Value = Query> {
    let test = (uri(), token(), vec((token(), text()), 0..3)).prop_map(
        |(capability_id, relationship, parameters)| Test {
            capability_id,
            relationship,
            parameters,
        },
    );
    let criterion = (any::<bool>(), token(), test).prop_map(|(negate, target, test)| {
        CriteriaItem::Criterion(Criterion {
            negate,
            target,
            test,
        })
    });
    let operator = prop_oneof![Just(Operator::And), Just(Operator::Or)];
    let leaf = (operator.clone(), vec(criterion, 1..3))
        .prop_map(|(operator, items)| Criteria { operator, items });
    let criteria = leaf.prop_recursive(2, 8, 3, move |inner| {
        (
            operator.clone(),
            vec(inner.prop_map(CriteriaItem::Criteria), 1..3),
        )
            .prop_map(|(operator, items)| Criteria { operator, items })
    });
    prop_oneof![
        (uri(), criteria).prop_map(|(targeting_expression_id, criteria)| Query::Default(
            DefaultQuery {
                targeting_expression_id,
                criteria
            }
        )),
        ("urn:example:query:[a-z]{1,6}", payload())
            .prop_map(|(format_id, body)| Query::Other { format_id, body }),
    ]
}

fn query_info() -> impl Strategy<Value = QueryInfo> {
    let tei = (option::of(uri()), vec(token(), 0..3), vec(token(), 0..3)).prop_map(
        |(targeting_expression_id, preferred_scope, allowed_scope)| TargetingExpressionInfo {
            targeting_expression_id,
            preferred_scope,
            allowed_scope,
        },
    );
    prop_oneof![
        // The XSD allows one Targeting_Expression_Info (libtaxii writes a list).
        (vec(tei, 1..2), vec(uri(), 1..3)).prop_map(
            |(targeting_expression_infos, capability_modules)| QueryInfo::Default(
                DefaultQueryInfo {
                    targeting_expression_infos,
                    capability_modules
                }
            )
        ),
        ("urn:example:query:[a-z]{1,6}", payload())
            .prop_map(|(format_id, body)| QueryInfo::Other { format_id, body }),
    ]
}

fn service_instance(version: Version) -> impl Strategy<Value = ServiceInstance> {
    let v11 = version == Version::V11;
    (
        proptest::sample::select(ServiceType::ALL.to_vec()),
        prop_oneof![
            Just(ids::SERVICES_10.to_owned()),
            Just(ids::SERVICES_11.to_owned())
        ],
        endpoint(),
        vec(query_info(), 0..if v11 { 2 } else { 1 }),
        vec(content_binding(version, 2), 0..3),
        option::of(any::<bool>()),
        option::of(text()),
    )
        .prop_map(
            |(
                service_type,
                services_version,
                e,
                supported_queries,
                inbox_accepted_content,
                available,
                message,
            )| ServiceInstance {
                service_type,
                services_version,
                protocol_binding: e.protocol_binding,
                address: e.address,
                message_bindings: e.message_bindings,
                supported_queries,
                inbox_accepted_content,
                available,
                message,
            },
        )
}

fn collection(version: Version) -> impl Strategy<Value = CollectionInformation> {
    let v11 = version == Version::V11;
    let push =
        (uri(), vec(uri(), 1..3)).prop_map(|(protocol_binding, message_bindings)| PushMethod {
            protocol_binding,
            message_bindings,
        });
    let inbox = (endpoint(), vec(content_binding(version, 2), 0..2)).prop_map(
        |(endpoint, supported_contents)| ReceivingInboxService {
            endpoint,
            supported_contents,
        },
    );
    (
        (
            token(),
            option::of(prop_oneof![
                Just(CollectionType::DataFeed),
                Just(CollectionType::DataSet)
            ]),
            option::of(any::<bool>()),
            text(),
            option::of(0u64..100_000),
        ),
        (
            vec(content_binding(version, 2), if v11 { 0..3 } else { 1..3 }),
            vec(push, 0..2),
            vec(endpoint(), if v11 { 0..2 } else { 1..2 }),
            vec(endpoint(), 0..2),
            vec(inbox, 0..2),
        ),
    )
        .prop_map(
            move |(
                (collection_name, collection_type, available, description, volume),
                (
                    supported_contents,
                    push_methods,
                    polling_services,
                    subscription_services,
                    inboxes,
                ),
            )| {
                CollectionInformation {
                    collection_name,
                    collection_type: collection_type.filter(|_| v11),
                    available,
                    description,
                    collection_volume: volume.filter(|_| v11),
                    supported_contents,
                    push_methods,
                    polling_services,
                    subscription_services,
                    receiving_inbox_services: if v11 { inboxes } else { Vec::new() },
                }
            },
        )
}

fn push_parameters(version: Version) -> impl Strategy<Value = PushParameters> {
    let n = if version == Version::V10 { 3 } else { 0 };
    (
        uri(),
        uri(),
        uri(),
        vec(content_binding(version, 0), 0..n.max(1)),
    )
        .prop_map(
            move |(protocol_binding, address, message_binding, cbs)| PushParameters {
                protocol_binding,
                address,
                message_binding,
                content_bindings: if n == 0 { Vec::new() } else { cbs },
            },
        )
}

fn subscription_parameters() -> impl Strategy<Value = SubscriptionParameters> {
    (
        prop_oneof![Just(ResponseType::Full), Just(ResponseType::CountOnly)],
        vec(content_binding(Version::V11, 2), 0..3),
        option::of(query()),
    )
        .prop_map(
            |(response_type, content_bindings, query)| SubscriptionParameters {
                response_type,
                content_bindings,
                query,
            },
        )
}

fn record_count() -> impl Strategy<Value = RecordCount> {
    (0u64..1_000_000, any::<bool>()).prop_map(|(count, partial)| RecordCount { count, partial })
}

fn body(version: Version) -> BoxedStrategy<Body> {
    let v11 = version == Version::V11;
    let subscription_request = (
        token(),
        proptest::sample::select(SubscriptionAction::ALL.to_vec()),
        option::of(token()),
        subscription_parameters(),
        option::of(push_parameters(version)),
    )
        .prop_map(
            move |(collection_name, action, subscription_id, params, push_parameters)| {
                let action = if !v11
                    && matches!(
                        action,
                        SubscriptionAction::Pause | SubscriptionAction::Resume
                    ) {
                    SubscriptionAction::Status
                } else {
                    action
                };
                let subscription_parameters =
                    (v11 && action == SubscriptionAction::Subscribe).then_some(params);
                Body::SubscriptionManagementRequest(SubscriptionManagementRequest {
                    collection_name,
                    action,
                    subscription_id,
                    subscription_parameters,
                    push_parameters,
                })
            },
        );
    let subscription_instance = (
        token(),
        proptest::sample::select(vec![
            SubscriptionStatus::Active,
            SubscriptionStatus::Paused,
            SubscriptionStatus::Unsubscribed,
        ]),
        option::of(subscription_parameters()),
        option::of(push_parameters(version)),
        vec(endpoint(), 0..2),
    )
        .prop_map(
            move |(subscription_id, status, params, push_parameters, poll_instances)| {
                SubscriptionInstance {
                    subscription_id,
                    status: if v11 {
                        status
                    } else {
                        SubscriptionStatus::Active
                    },
                    subscription_parameters: params.filter(|_| v11),
                    push_parameters,
                    poll_instances,
                }
            },
        );
    let subscription_response = (
        token(),
        option::of(text()),
        vec(subscription_instance, 0..3),
    )
        .prop_map(|(collection_name, message, subscriptions)| {
            Body::SubscriptionManagementResponse(SubscriptionManagementResponse {
                collection_name,
                message,
                subscriptions,
            })
        });
    let poll_parameters = (
        any::<bool>(),
        prop_oneof![Just(ResponseType::Full), Just(ResponseType::CountOnly)],
        vec(content_binding(version, 2), if v11 { 0..3 } else { 1..3 }),
        option::of(query()),
        option::of(push_parameters(Version::V11)),
    )
        .prop_map(
            move |(allow_asynch, response_type, content_bindings, query, delivery)| {
                if v11 {
                    PollParameters {
                        allow_asynch,
                        response_type,
                        content_bindings,
                        query,
                        delivery_parameters: delivery,
                    }
                } else {
                    PollParameters {
                        content_bindings,
                        ..Default::default()
                    }
                }
            },
        );
    let poll_request = (
        token(),
        option::of(timestamp()),
        option::of(timestamp()),
        option::of(token()),
        option::of(poll_parameters),
        any::<bool>(),
    )
        .prop_map(
            move |(
                collection_name,
                exclusive_begin,
                inclusive_end,
                sid,
                params,
                by_subscription,
            )| {
                let (subscription_id, poll_parameters) = if v11 {
                    if by_subscription {
                        (Some(sid.unwrap_or_else(|| "sub-1".into())), None)
                    } else {
                        (None, Some(params.unwrap_or_default()))
                    }
                } else {
                    (sid, params)
                };
                Body::PollRequest(PollRequest {
                    collection_name,
                    exclusive_begin,
                    inclusive_end,
                    subscription_id,
                    poll_parameters,
                })
            },
        );
    let poll_response = (
        (
            token(),
            option::of(token()),
            option::of(timestamp()),
            option::of(timestamp()),
            any::<bool>(),
            option::of(token()),
            option::of(1u64..50),
        ),
        (
            option::of(record_count()),
            option::of(text()),
            vec(content_block(version), 0..4),
            timestamp(),
        ),
    )
        .prop_map(
            move |(
                (collection_name, subscription_id, begin, end, more, result_id, part),
                (record_count, message, content_blocks, fallback_end),
            )| {
                Body::PollResponse(if v11 {
                    let result_id = if more {
                        Some(result_id.unwrap_or_else(|| "result-1".into()))
                    } else {
                        result_id
                    };
                    PollResponse {
                        collection_name,
                        subscription_id,
                        exclusive_begin: begin,
                        inclusive_begin: None,
                        inclusive_end: end,
                        more,
                        result_id,
                        result_part_number: part,
                        record_count,
                        message,
                        content_blocks,
                    }
                } else {
                    PollResponse {
                        collection_name,
                        subscription_id,
                        exclusive_begin: None,
                        inclusive_begin: begin,
                        inclusive_end: Some(end.unwrap_or(fallback_end)),
                        more: false,
                        result_id: None,
                        result_part_number: None,
                        record_count: None,
                        message,
                        content_blocks,
                    }
                })
            },
        );
    let subscription_information = (
        token(),
        token(),
        option::of(timestamp()),
        timestamp(),
        any::<bool>(),
    )
        .prop_map(
            move |(collection_name, subscription_id, begin, end, has_end)| {
                SubscriptionInformation {
                    collection_name,
                    subscription_id,
                    exclusive_begin: begin.clone().filter(|_| v11),
                    inclusive_begin: begin.filter(|_| !v11),
                    inclusive_end: (has_end || !v11).then_some(end),
                }
            },
        );
    let inbox = (
        option::of(text()),
        vec(token(), 0..3),
        option::of(token()),
        option::of(subscription_information),
        option::of(record_count()),
        vec(content_block(version), 0..4),
    )
        .prop_map(
            move |(
                message,
                destinations,
                result_id,
                subscription_information,
                record_count,
                content_blocks,
            )| {
                Body::InboxMessage(InboxMessage {
                    message,
                    destination_collection_names: if v11 { destinations } else { Vec::new() },
                    result_id: result_id.filter(|_| v11),
                    subscription_information,
                    record_count: record_count.filter(|_| v11),
                    content_blocks,
                })
            },
        );
    let fulfillment = (token(), token(), 1u64..100).prop_map(
        |(collection_name, result_id, result_part_number)| {
            Body::PollFulfillmentRequest(PollFulfillmentRequest {
                collection_name,
                result_id,
                result_part_number,
            })
        },
    );
    let mut variants: Vec<BoxedStrategy<Body>> = vec![
        status(version).prop_map(Body::StatusMessage).boxed(),
        Just(Body::DiscoveryRequest).boxed(),
        vec(service_instance(version), 0..3)
            .prop_map(|service_instances| {
                Body::DiscoveryResponse(DiscoveryResponse { service_instances })
            })
            .boxed(),
        Just(Body::CollectionInformationRequest).boxed(),
        vec(collection(version), 0..3)
            .prop_map(|collections| {
                Body::CollectionInformationResponse(CollectionInformationResponse { collections })
            })
            .boxed(),
        subscription_request.boxed(),
        subscription_response.boxed(),
        poll_request.boxed(),
        poll_response.boxed(),
        inbox.boxed(),
    ];
    if v11 {
        variants.push(fulfillment.boxed());
    }
    proptest::strategy::Union::new(variants).boxed()
}
