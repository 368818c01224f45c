//! The Redis trigger's side: one message through the domain's consumer.

use redshop_notification::consume::consume;
use redshop_notification::mail::Mailbox;
use redshop_notification::render::Links;

use crate::config::{DEFAULT_SHOP_URL, SHOP_URL_VARIABLE};
use crate::db::Db;

/// Handles one message and logs what became of it (one line, without personal data: ids,
/// types and reasons only). A storage failure is returned, and the host retries the
/// message; the inbox makes the retry safe.
pub fn handle(payload: &[u8]) -> Result<(), String> {
    let db = Db::open().map_err(|e| format!("notification: {e}"))?;
    let links = Links::new(&shop_url());
    match consume(&db, &Mailbox::new(&db), &links, payload) {
        Ok(outcome) => {
            println!("notification: {outcome}");
            Ok(())
        }
        Err(e) => Err(format!("notification: not recorded, to be retried: {e}")),
    }
}

fn shop_url() -> String {
    spin_sdk::variables::get(SHOP_URL_VARIABLE).unwrap_or_else(|_| DEFAULT_SHOP_URL.to_owned())
}
