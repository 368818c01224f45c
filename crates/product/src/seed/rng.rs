//! A tiny deterministic PRNG (xorshift64*, seeded through splitmix64).
//!
//! Statistical quality is irrelevant for demo data; what matters is that the same seed gives
//! the same catalog on every platform (including wasm32) and that product `i` can be generated
//! without generating products `0..i` — each product gets its own stream from `(seed, i)`.

#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// The stream for item `index` of the catalog seeded with `seed`.
    pub(crate) fn for_item(seed: u64, index: u64) -> Self {
        let s = splitmix64(seed ^ splitmix64(index));
        Self(if s == 0 { 0x2545_F491_4F6C_DD1D } else { s })
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform-ish integer in `lo..=hi` (modulo bias is irrelevant here).
    pub(crate) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = u64::try_from(hi - lo).unwrap_or(0) + 1;
        lo + i64::try_from(self.next_u64() % span).unwrap_or(0)
    }

    /// True with probability `percent`/100.
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let len = u64::try_from(items.len()).unwrap_or(1).max(1);
        let i = usize::try_from(self.next_u64() % len).unwrap_or(0);
        &items[i]
    }

    pub(crate) fn bytes16(&mut self) -> [u8; 16] {
        let mut out = [0u8; 16];
        out[..8].copy_from_slice(&self.next_u64().to_le_bytes());
        out[8..].copy_from_slice(&self.next_u64().to_le_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_and_index_give_the_same_stream() {
        let a: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::for_item(7, 3);
                move |_| r.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::for_item(7, 3);
                move |_| r.next_u64()
            })
            .collect();
        assert_eq!(a, b);
        assert_ne!(
            Rng::for_item(7, 3).next_u64(),
            Rng::for_item(7, 4).next_u64()
        );
    }

    #[test]
    fn range_stays_within_bounds() {
        let mut r = Rng::for_item(1, 1);
        for _ in 0..1000 {
            assert!((5..=9).contains(&r.range(5, 9)));
        }
    }
}
