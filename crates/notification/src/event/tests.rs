use serde_json::{Value, json};

use super::*;
use crate::fixtures::{EVENT, ORDER, USER, bytes, deleted_event, order_event, reset_event};

fn decode_value(v: &Value) -> Decoded {
    decode(&bytes(v))
}

fn reason_of(d: &Decoded) -> &str {
    match d {
        Decoded::Reject { reason, .. } | Decoded::Skip { reason, .. } => reason,
        Decoded::Event { .. } => panic!("expected a skip or reject, got {d:?}"),
    }
}

#[test]
fn every_order_event_type_decodes_with_its_lines_and_totals() {
    for kind in OrderKind::ALL {
        let decoded = decode_value(&order_event(kind.as_type(), EVENT));
        let Decoded::Event { envelope, event } = decoded else {
            panic!("{kind:?}: {decoded:?}");
        };
        assert_eq!(envelope.id.to_string(), EVENT);
        assert_eq!(envelope.kind, kind.as_type());
        assert_eq!(envelope.user_id.to_string(), USER);
        assert_eq!(
            envelope.order_id.map(|o| o.to_string()).as_deref(),
            Some(ORDER)
        );
        let Event::Order { kind: got, order } = event else {
            panic!("not an order event");
        };
        assert_eq!(got, kind);
        assert_eq!(order.lines.len(), 2);
        assert_eq!(order.item_count(), 3);
        assert_eq!(order.total_minor, 5357);
        assert_eq!(order.customer_email, "ada@example.com");
        assert_eq!(
            order.shipping_address.0,
            [
                "Ada Lovelace",
                "12 St James's Square",
                "London",
                "SW1Y 4JH",
                "GB"
            ]
        );
        assert_eq!(
            order.reason.as_deref(),
            (kind == OrderKind::Cancelled).then_some("customer asked")
        );
    }
}

#[test]
fn account_events_decode() {
    let Decoded::Event { event, envelope } = decode_value(&reset_event(EVENT)) else {
        panic!("reset did not decode");
    };
    assert_eq!(envelope.order_id, None);
    let Event::PasswordResetRequested(reset) = event else {
        panic!("wrong event");
    };
    assert_eq!(reset.token, "tok_en-123");
    assert_eq!(reset.email, "ada@example.com");
    assert!(matches!(
        decode_value(&deleted_event(EVENT)),
        Decoded::Event {
            event: Event::UserDeleted,
            ..
        }
    ));
}

#[test]
fn unknown_types_and_versions_are_skipped_whatever_else_they_hold() {
    let other = json!({"id": EVENT, "type": "order.refunded", "version": 1, "data": 7});
    let d = decode_value(&other);
    assert!(matches!(d, Decoded::Skip { version: 1, .. }), "{d:?}");
    assert_eq!(reason_of(&d), "unknown event type `order.refunded`");
    let mut newer = order_event("order.created", EVENT);
    newer["version"] = json!(2);
    newer["data"] = json!("a shape from the future");
    let d = decode_value(&newer);
    assert_eq!(reason_of(&d), "unknown version 2 of `order.created`");
    assert_eq!(d.id().map(|i| i.to_string()).as_deref(), Some(EVENT));
}

#[test]
fn messages_without_a_readable_head_are_rejected_without_an_id() {
    let cases: [(&[u8], &str); 6] = [
        (b"not json", "message is not JSON"),
        (b"[1,2]", "message is not a JSON object"),
        (
            br#"{"type":"order.created","version":1}"#,
            "`id` is missing",
        ),
        (
            br#"{"id":"x","type":"order.created","version":1}"#,
            "`id` is not a UUID: x",
        ),
        (br#"{"id":7}"#, "`id` is not a string"),
        (&[0xff, 0xfe, b'{'], "message is not JSON"),
    ];
    for (payload, reason) in cases {
        let d = decode(payload);
        assert!(matches!(d, Decoded::Reject { id: None, .. }), "{d:?}");
        assert!(reason_of(&d).starts_with(reason), "{reason}: {d:?}");
    }
}

#[test]
fn a_bad_type_or_version_is_rejected_with_the_id_kept() {
    for (field, value, reason) in [
        (
            "type",
            json!("Order Created!"),
            "`type` is not an event type",
        ),
        ("type", json!(null), "`type` is missing or not a string"),
        (
            "version",
            json!(0),
            "`version` is missing or not a positive integer",
        ),
        (
            "version",
            json!("1"),
            "`version` is missing or not a positive integer",
        ),
    ] {
        let mut event = order_event("order.created", EVENT);
        event[field] = value;
        let d = decode_value(&event);
        assert_eq!(d.id().map(|i| i.to_string()).as_deref(), Some(EVENT));
        assert!(reason_of(&d).starts_with(reason), "{field}: {d:?}");
    }
}

#[test]
fn bad_envelope_fields_and_data_are_rejected_naming_the_field() {
    let cases: Vec<(&str, Value, &str)> = vec![
        ("occurred_at", json!("yesterday"), "`occurred_at`"),
        ("user_id", json!(7), "`user_id` is missing"),
        ("user_id", json!("nope"), "`user_id` is not a UUID"),
        ("order_id", json!(USER), "envelope `order_id` differs"),
        ("order_id", json!(null), "envelope `order_id` differs"),
        ("data", json!(null), "`data`: invalid type: null"),
    ];
    for (field, value, reason) in cases {
        let mut event = order_event("order.paid", EVENT);
        event[field] = value;
        let d = decode_value(&event);
        assert!(matches!(d, Decoded::Reject { id: Some(_), .. }), "{d:?}");
        assert!(
            reason_of(&d).starts_with(reason),
            "{field}: {}",
            reason_of(&d)
        );
    }
    let mut user_event = reset_event(EVENT);
    user_event["order_id"] = json!(ORDER);
    assert!(reason_of(&decode_value(&user_event)).starts_with("`order_id` must be set"));
}

#[test]
fn bad_order_data_is_rejected_naming_the_field() {
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "/customer/email",
            json!("ada@example.com\r\nBcc: x@y.z"),
            "`data.customer.email`",
        ),
        ("/lines", json!([]), "`data.lines` is empty"),
        ("/lines/0/quantity", json!(0), "`data.lines[0].quantity`"),
        (
            "/lines/1/name",
            json!(" \n "),
            "`data.lines[1].name` is empty",
        ),
        (
            "/lines/0/unit_price_minor",
            json!(-1),
            "`data.lines[0]` has a negative",
        ),
        ("/currency", json!("dollars"), "`data.currency`"),
        ("/total_minor", json!(-5), "`data.total_minor` is negative"),
        (
            "/total_minor",
            json!(1.5),
            "`data`: invalid type: floating point",
        ),
        (
            "/lines/0/quantity",
            json!("2"),
            "`data`: invalid type: string",
        ),
    ];
    for (pointer, value, reason) in cases {
        let mut event = order_event("order.created", EVENT);
        *event["data"].pointer_mut(pointer).expect(pointer) = value;
        let d = decode_value(&event);
        assert!(
            reason_of(&d).starts_with(reason),
            "{pointer}: {}",
            reason_of(&d)
        );
    }
    let mut many = order_event("order.created", EVENT);
    let line = many["data"]["lines"][0].clone();
    many["data"]["lines"] = Value::Array(vec![line; MAX_LINES + 1]);
    assert_eq!(
        reason_of(&decode_value(&many)),
        "`data.lines` has 201 lines, over 200"
    );
}

#[test]
fn bad_reset_data_is_rejected() {
    for (field, value, reason) in [
        ("email", json!("nobody"), "`data.email`"),
        ("token", json!(""), "`data.token`"),
        ("token", json!("a b"), "`data.token`"),
        ("expires_ms", json!(-1), "`data.expires_ms`"),
    ] {
        let mut event = reset_event(EVENT);
        event["data"][field] = value;
        assert!(
            reason_of(&decode_value(&event)).starts_with(reason),
            "{field}"
        );
    }
}

#[test]
fn an_event_without_a_user_is_skipped() {
    let mut event = order_event("order.cancelled", EVENT);
    event["user_id"] = json!(null);
    let d = decode_value(&event);
    assert!(matches!(d, Decoded::Skip { .. }), "{d:?}");
    assert_eq!(reason_of(&d), NO_USER_REASON);
}

#[test]
fn publishers_may_add_fields() {
    let mut event = order_event("order.shipped", EVENT);
    event["trace"] = json!({"span": 1});
    event["data"]["carrier"] = json!("Royal Mail");
    event["data"]["lines"][0]["weight_g"] = json!(300);
    assert!(matches!(decode_value(&event), Decoded::Event { .. }));
}

#[test]
fn text_from_events_loses_control_characters_and_nuls() {
    let mut event = order_event("order.created", EVENT);
    event["data"]["lines"][0]["name"] = json!("Moon\u{0}\r\nLamp");
    event["data"]["customer"]["name"] = json!("Ada\u{7}");
    let Decoded::Event {
        event: Event::Order { order, .. },
        ..
    } = decode_value(&event)
    else {
        panic!("did not decode");
    };
    assert_eq!(order.lines[0].name, "Moon Lamp");
    assert_eq!(order.customer_name, "Ada");
}

#[test]
fn an_oversized_message_is_rejected_unread_with_a_short_excerpt() {
    let payload = vec![b'x'; MAX_PAYLOAD_BYTES + 1];
    let Decoded::Reject {
        reason, excerpt, ..
    } = decode(&payload)
    else {
        panic!("not rejected");
    };
    assert_eq!(
        reason,
        format!("message is 262145 bytes, over {MAX_PAYLOAD_BYTES}")
    );
    assert_eq!(excerpt.chars().count(), EXCERPT_CHARS);
}

#[test]
fn a_rejected_excerpt_never_holds_a_nul() {
    let Decoded::Reject { excerpt, .. } = decode(b"\0bad\0") else {
        panic!("not rejected");
    };
    assert_eq!(excerpt, "bad");
}
