//! The five order emails.

use super::{Email, Links, SHOP_NAME, greeting, html_page};
use crate::event::{OrderData, OrderKind};
use crate::money::format;
use crate::text::escape_html;

/// Subject and opening sentence per event type.
fn wording(kind: OrderKind, reference: &str) -> (String, &'static str) {
    match kind {
        OrderKind::Created => (
            format!("We have your order {reference}"),
            "Thank you for your order. Here is what you ordered; we will write again when \
             the payment is confirmed.",
        ),
        OrderKind::Paid => (
            format!("Payment received for order {reference}"),
            "Your payment went through, and your order is being prepared.",
        ),
        OrderKind::Shipped => (
            format!("Order {reference} is on its way"),
            "Your order has left our warehouse.",
        ),
        OrderKind::Delivered => (
            format!("Order {reference} was delivered"),
            "Your order was delivered. We hope you enjoy it.",
        ),
        OrderKind::Cancelled => (
            format!("Order {reference} was cancelled"),
            "Your order was cancelled. If you paid, the amount is refunded in full.",
        ),
    }
}

/// The order reference people see: `RS-` and the first eight hex digits of the id.
pub fn reference(order: &OrderData) -> String {
    format!("RS-{}", order.order_id.short())
}

/// The email for an order event, addressed to the order's customer.
pub fn order_email(kind: OrderKind, order: &OrderData, links: &Links) -> Email {
    let reference = reference(order);
    let (subject, intro) = wording(kind, &reference);
    let url = links.absolute(&Links::order_path(&order.order_id));
    let money = |minor| format(minor, &order.currency);
    let totals = [
        ("Subtotal", money(order.subtotal_minor)),
        ("Tax", money(order.tax_minor)),
        ("Shipping", money(order.shipping_minor)),
        ("Total", money(order.total_minor)),
    ];

    let mut text = format!("{}\n\n{intro}\n", greeting(&order.customer_name));
    if let Some(reason) = &order.reason {
        text.push_str(&format!("Reason: {reason}\n"));
    }
    text.push_str(&format!("\nOrder {reference}\n\n"));
    for line in &order.lines {
        text.push_str(&format!(
            "  {} x {}{} at {} = {}\n",
            line.quantity,
            line.name,
            sku_suffix(&line.sku),
            money(line.unit_price_minor),
            money(line.line_total_minor),
        ));
    }
    text.push('\n');
    for (label, amount) in &totals {
        text.push_str(&format!("  {label}: {amount}\n"));
    }
    if !order.shipping_address.0.is_empty() {
        text.push_str("\nShipping to:\n");
        for line in &order.shipping_address.0 {
            text.push_str(&format!("  {line}\n"));
        }
    }
    text.push_str(&format!("\nSee your order: {url}\n\n{SHOP_NAME}\n"));

    let mut inner = format!(
        "<p>{}</p>\n<p>{}</p>\n",
        escape_html(&greeting(&order.customer_name)),
        escape_html(intro)
    );
    if let Some(reason) = &order.reason {
        inner.push_str(&format!("<p>Reason: {}</p>\n", escape_html(reason)));
    }
    inner.push_str(&format!(
        "<h2 style=\"font-size:16px\">Order {}</h2>\n\
         <table style=\"border-collapse:collapse\" cellpadding=\"4\">\n\
         <tr><th align=\"left\">Item</th><th align=\"left\">SKU</th><th align=\"right\">Qty</th>\
         <th align=\"right\">Price</th><th align=\"right\">Total</th></tr>\n",
        escape_html(&reference)
    ));
    for line in &order.lines {
        inner.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td align=\"right\">{}</td><td align=\"right\">{}</td>\
             <td align=\"right\">{}</td></tr>\n",
            escape_html(&line.name),
            escape_html(&line.sku),
            line.quantity,
            escape_html(&money(line.unit_price_minor)),
            escape_html(&money(line.line_total_minor)),
        ));
    }
    for (label, amount) in &totals {
        let weight = if *label == "Total" { "bold" } else { "normal" };
        inner.push_str(&format!(
            "<tr><td colspan=\"4\" align=\"right\" style=\"font-weight:{weight}\">{label}</td>\
             <td align=\"right\" style=\"font-weight:{weight}\">{}</td></tr>\n",
            escape_html(amount)
        ));
    }
    inner.push_str("</table>\n");
    if !order.shipping_address.0.is_empty() {
        let lines: Vec<String> = order
            .shipping_address
            .0
            .iter()
            .map(|l| escape_html(l))
            .collect();
        inner.push_str(&format!("<p>Shipping to:<br>{}</p>\n", lines.join("<br>")));
    }
    inner.push_str(&format!(
        "<p><a href=\"{}\">See your order</a></p>\n",
        escape_html(&url)
    ));

    Email {
        to: order.customer_email.clone(),
        html: html_page(&subject, &inner),
        subject,
        text,
    }
}

fn sku_suffix(sku: &str) -> String {
    if sku.is_empty() {
        String::new()
    } else {
        format!(" ({sku})")
    }
}
