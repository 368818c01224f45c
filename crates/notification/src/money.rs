//! Amounts in integer minor units, printed for people.
//!
//! The order service sends every amount as an integer of minor units plus an ISO 4217
//! code; nothing here ever uses floating point. The product service accepts USD, EUR and
//! GBP, all with two decimals; any other well-formed code is printed with two decimals and
//! its code, so a new currency degrades to "CHF 12.50" rather than failing an email.

/// A currency code: three ASCII upper-case letters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Currency(String);

impl Currency {
    pub fn parse(raw: &str) -> Option<Self> {
        (raw.len() == 3 && raw.bytes().all(|b| b.is_ascii_uppercase())).then(|| Self(raw.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn symbol(&self) -> Option<&'static str> {
        match self.0.as_str() {
            "USD" => Some("$"),
            "EUR" => Some("€"),
            "GBP" => Some("£"),
            _ => None,
        }
    }
}

/// `1999` USD → `$19.99`; `-250` EUR → `-€2.50`; `1200` CHF → `CHF 12.00`.
pub fn format(minor: i64, currency: &Currency) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let (units, cents) = (abs / 100, abs % 100);
    let units = group_thousands(units);
    match currency.symbol() {
        Some(symbol) => format!("{sign}{symbol}{units}.{cents:02}"),
        None => format!("{sign}{} {units}.{cents:02}", currency.as_str()),
    }
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    #[test]
    fn known_currencies_print_with_their_symbol_and_two_decimals() {
        assert_eq!(format(1999, &cur("USD")), "$19.99");
        assert_eq!(format(5, &cur("EUR")), "€0.05");
        assert_eq!(format(123_456_789, &cur("GBP")), "£1,234,567.89");
        assert_eq!(format(-250, &cur("USD")), "-$2.50");
    }

    #[test]
    fn other_currencies_print_with_their_code() {
        assert_eq!(format(1200, &cur("CHF")), "CHF 12.00");
    }

    #[test]
    fn only_three_upper_case_letters_are_a_currency() {
        for bad in ["usd", "US", "USDX", "U$D", ""] {
            assert_eq!(Currency::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_smallest_amount_does_not_overflow() {
        assert_eq!(format(i64::MIN, &cur("USD")), "-$92,233,720,368,547,758.08");
    }
}
