use super::*;
use crate::event::{Decoded, Event, OrderKind, decode};
use crate::fixtures::{EVENT, bytes, order_event, reset_event};

fn links() -> Links {
    Links::new("https://shop.example/")
}

fn order_of(kind: OrderKind) -> crate::event::OrderData {
    match decode(&bytes(&order_event(kind.as_type(), EVENT))) {
        Decoded::Event {
            event: Event::Order { order, .. },
            ..
        } => *order,
        other => panic!("{other:?}"),
    }
}

#[test]
fn each_order_event_has_its_own_subject_addressed_to_the_customer() {
    let subjects: Vec<String> = OrderKind::ALL
        .into_iter()
        .map(|kind| {
            let mail = order_email(kind, &order_of(kind), &links());
            assert_eq!(mail.to, "ada@example.com");
            mail.subject
        })
        .collect();
    assert_eq!(
        subjects,
        [
            "We have your order RS-22222222",
            "Payment received for order RS-22222222",
            "Order RS-22222222 is on its way",
            "Order RS-22222222 was delivered",
            "Order RS-22222222 was cancelled",
        ]
    );
}

#[test]
fn the_text_body_lists_every_line_and_the_totals() {
    let mail = order_email(OrderKind::Created, &order_of(OrderKind::Created), &links());
    for needle in [
        "Hello Ada Lovelace,",
        "Order RS-22222222",
        "  2 x Moon Lamp (ML-1) at $19.99 = $39.98\n",
        "  1 x <script>alert('x')</script> & Co (XS-9) at $5.00 = $5.00\n",
        "  Subtotal: $44.98\n",
        "  Tax: $3.60\n",
        "  Shipping: $4.99\n",
        "  Total: $53.57\n",
        "Shipping to:\n  Ada Lovelace\n  12 St James's Square\n  London\n  SW1Y 4JH\n  GB\n",
        "See your order: https://shop.example/orders/22222222-2222-4222-8222-222222222222\n",
    ] {
        assert!(
            mail.text.contains(needle),
            "{needle:?} missing from:\n{}",
            mail.text
        );
    }
}

#[test]
fn html_in_a_product_name_arrives_escaped() {
    let mail = order_email(OrderKind::Created, &order_of(OrderKind::Created), &links());
    assert!(
        mail.html
            .contains("<td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co</td>"),
        "{}",
        mail.html
    );
    assert!(!mail.html.contains("<script>"));
    assert!(mail.html.contains("12 St James&#39;s Square"));
    assert!(
        mail.html
            .contains("<td align=\"right\" style=\"font-weight:bold\">$53.57</td>")
    );
    assert!(
        mail.html.contains(
            "<a href=\"https://shop.example/orders/22222222-2222-4222-8222-222222222222\">"
        )
    );
}

#[test]
fn a_cancellation_says_why_and_other_events_do_not() {
    let cancelled = order_email(
        OrderKind::Cancelled,
        &order_of(OrderKind::Cancelled),
        &links(),
    );
    assert!(cancelled.text.contains("Reason: customer asked\n"));
    assert!(cancelled.html.contains("<p>Reason: customer asked</p>"));
    let shipped = order_email(OrderKind::Shipped, &order_of(OrderKind::Shipped), &links());
    assert!(!shipped.text.contains("Reason:"));
}

#[test]
fn the_reset_email_carries_the_token_in_its_link_only() {
    let Decoded::Event {
        event: Event::PasswordResetRequested(reset),
        ..
    } = decode(&bytes(&reset_event(EVENT)))
    else {
        panic!("reset did not decode");
    };
    let mail = password_reset(&reset, &links());
    assert_eq!(mail.to, "ada@example.com");
    assert_eq!(mail.subject, "Reset your Red Shopping password");
    let url = "https://shop.example/reset-password?token=tok_en-123";
    assert!(mail.text.contains(&format!("  {url}\n")), "{}", mail.text);
    assert!(mail.text.contains("until 2025-12-02 10:00 UTC"));
    assert!(mail.html.contains(&format!("<a href=\"{url}\">")));
    assert_eq!(mail.text.matches("tok_en-123").count(), 1);
}

#[test]
fn a_token_with_url_characters_is_encoded_then_escaped() {
    let reset = crate::event::PasswordReset {
        email: "ada@example.com".into(),
        name: "<b>Ada</b>".into(),
        token: "a&b\"c".into(),
        expires_ms: 1,
    };
    let mail = password_reset(&reset, &links());
    assert!(mail.html.contains("?token=a%26b%22c\""));
    assert!(mail.html.contains("Hello &lt;b&gt;Ada&lt;/b&gt;,"));
}

#[test]
fn links_drop_a_trailing_slash() {
    assert_eq!(
        Links::new("http://x:3000/").absolute("/a"),
        "http://x:3000/a"
    );
}
