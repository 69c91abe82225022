//! Bounded discrete log: the total `m` from `M = m·G`, for `0 ≤ m < B`, by baby-step
//! giant-step.
//!
//! # The bound
//! [`DlogTable::new`]`(bits)` finds every `m < B = 2^bits`; the default,
//! [`DEFAULT_BOUND_BITS`] = 36, covers totals below 2³⁶ ≈ 6.9·10¹⁰ (a million voters
//! with weights up to 68,000 each, or any plain-census election). A total at or above
//! the bound is an error ([`Error::DlogOutOfBound`]), never a wrong number: a larger
//! bound needs a larger table (memory grows as `√B`, a solve as `√B` too).
//!
//! # The algorithm
//! With `m_t` baby steps the table holds `j·G` for `0 ≤ j ≤ m_t`, indexed by the low 64
//! bits of the `y` coordinate. On Baby Jubjub `−P = (−x, y)`, so one entry answers for
//! `±j·G`, and a giant step can be `s = 2·m_t + 1`:
//! ```text
//! m = i·s + c  with  −m_t ≤ c ≤ m_t:     M − i·(s·G) = c·G = ±j·G
//! ```
//! Giant steps `i = 0, 1, …` are computed in batches that share one field inversion;
//! each match of the 64-bit key is confirmed by a full comparison, `m·G = M` for the
//! candidate `m = i·s ± j`, so a key collision can never give a wrong total. The table is
//! built once and reused for every total of a tally. Default sizes: `m_t = 2^18`
//! (3 MiB), at most `2^17` giant steps; times in the README.

use ark_ec::AffineRepr;
use ark_ff::{PrimeField, Zero};

use crate::error::{Error, Result};
use crate::group::{generator, mul_u64, normalize, Point, PointProj};

/// The default bound: totals below `2^36`.
pub const DEFAULT_BOUND_BITS: u32 = 36;
/// The largest supported bound, `2^48`.
pub const MAX_BOUND_BITS: u32 = 48;
/// The largest supported table, `2^26` baby steps (768 MiB).
pub const MAX_TABLE_BITS: u32 = 26;
/// Giant steps normalised together (one inversion each batch).
const BATCH: usize = 256;

/// The baby-step table for totals below a bound, built once.
#[derive(Clone, Debug)]
pub struct DlogTable {
    /// `m_t`: the table holds `j·G` for `0 ≤ j ≤ m_t`.
    baby_steps: u64,
    /// `B`.
    bound: u64,
    /// Sorted 64-bit keys (low limb of `y`) …
    keys: Vec<u64>,
    /// … and the `j` of each.
    steps: Vec<u32>,
    /// `−s·G` with `s = 2·m_t + 1`.
    minus_stride: PointProj,
}

fn key(p: &Point) -> u64 {
    p.y.into_bigint().0[0]
}

impl DlogTable {
    /// The table for totals below `2^bound_bits`, with `2^⌈bound_bits/2⌉` baby steps.
    pub fn new(bound_bits: u32) -> Result<DlogTable> {
        Self::with_table_bits(bound_bits, bound_bits.div_ceil(2))
    }

    /// The table for totals below `2^bound_bits` with `2^table_bits` baby steps: a larger
    /// table makes each solve faster (about `2^(bound_bits − table_bits − 1)` giant steps).
    pub fn with_table_bits(bound_bits: u32, table_bits: u32) -> Result<DlogTable> {
        if !(1..=MAX_BOUND_BITS).contains(&bound_bits) {
            return Err(Error::DlogParameters(format!(
                "the bound must be 2^1 to 2^{MAX_BOUND_BITS}, not 2^{bound_bits}"
            )));
        }
        if !(1..=MAX_TABLE_BITS.min(bound_bits)).contains(&table_bits) {
            return Err(Error::DlogParameters(format!(
                "a table of 2^{table_bits} steps for a bound of 2^{bound_bits} (1 to 2^{} steps)",
                MAX_TABLE_BITS.min(bound_bits)
            )));
        }
        let baby_steps = 1u64 << table_bits;
        let g = generator().into_group();
        let mut points = Vec::with_capacity(baby_steps as usize + 1);
        let mut acc = PointProj::zero();
        for _ in 0..=baby_steps {
            points.push(acc);
            acc += g;
        }
        let affine = normalize(&points);
        drop(points);
        let mut entries: Vec<(u64, u32)> = affine
            .iter()
            .enumerate()
            // j ≤ 2^26 < 2^32.
            .map(|(j, p)| (key(p), j as u32))
            .collect();
        entries.sort_unstable();
        let (keys, steps) = entries.into_iter().unzip();
        let stride = 2 * baby_steps + 1;
        Ok(DlogTable {
            baby_steps,
            bound: 1u64 << bound_bits,
            keys,
            steps,
            minus_stride: -mul_u64(&g, stride),
        })
    }

    /// The bound `B`: [`Self::solve`] finds every `m < B`.
    pub fn bound(&self) -> u64 {
        self.bound
    }

    /// The number of baby steps `m_t`.
    pub fn baby_steps(&self) -> u64 {
        self.baby_steps
    }

    /// `m` with `m·G = target` and `0 ≤ m < B`, or [`Error::DlogOutOfBound`].
    pub fn solve(&self, target: &Point) -> Result<u64> {
        let g = generator().into_group();
        let stride = 2 * self.baby_steps + 1;
        // Giant steps i = 0..=i_max cover m ≤ i_max·s + m_t.
        let i_max = self.bound / stride + 1;
        let mut current = target.into_group();
        let mut batch = Vec::with_capacity(BATCH);
        let mut i0 = 0u64;
        // Small totals are the common case: the first batches are short.
        let mut size = 8usize;
        while i0 <= i_max {
            batch.clear();
            let n = size.min((i_max - i0 + 1) as usize);
            size = (size * 2).min(BATCH);
            for _ in 0..n {
                batch.push(current);
                current += self.minus_stride;
            }
            for (k, q) in normalize(&batch).iter().enumerate() {
                let i = i0 + k as u64;
                let key = key(q);
                let start = self.keys.partition_point(|&x| x < key);
                for idx in start..self.keys.len() {
                    if self.keys[idx] != key {
                        break;
                    }
                    let j = u64::from(self.steps[idx]);
                    let base = i * stride;
                    let mut candidates = [Some(base + j), base.checked_sub(j)];
                    if j == 0 {
                        candidates[1] = None;
                    }
                    for m in candidates.into_iter().flatten() {
                        if m < self.bound && mul_u64(&g, m) == *target {
                            return Ok(m);
                        }
                    }
                }
            }
            i0 += n as u64;
        }
        Err(Error::DlogOutOfBound { bound: self.bound })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::mul_g;
    use crate::group::Scalar;
    use ark_ec::CurveGroup;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn table() -> &'static DlogTable {
        static T: OnceLock<DlogTable> = OnceLock::new();
        T.get_or_init(|| DlogTable::with_table_bits(24, 10).unwrap())
    }

    fn m_g(m: u64) -> Point {
        mul_g(&Scalar::from(m)).into_affine()
    }

    #[test]
    fn edges_of_the_bound() {
        let t = table();
        assert_eq!(t.bound(), 1 << 24);
        let s = 2 * t.baby_steps() + 1;
        for m in [
            0,
            1,
            2,
            t.baby_steps(),
            t.baby_steps() + 1,
            s - 1,
            s,
            s + 1,
            (1 << 24) - 1,
        ] {
            assert_eq!(t.solve(&m_g(m)), Ok(m), "m = {m}");
        }
        for m in [1 << 24, (1 << 24) + 1, 1 << 30] {
            assert_eq!(
                t.solve(&m_g(m)),
                Err(Error::DlogOutOfBound { bound: 1 << 24 })
            );
        }
        // −1 (= l − 1) and a random point are out of bound, not a wrong small number.
        assert!(t.solve(&(-m_g(1).into_group()).into_affine()).is_err());
        assert!(t
            .solve(&mul_g(&Scalar::from(u64::MAX)).into_affine())
            .is_err());
    }

    #[test]
    fn odd_bounds_and_small_tables() {
        let t = DlogTable::new(7).unwrap();
        assert_eq!(t.baby_steps(), 16);
        for m in 0..128 {
            assert_eq!(t.solve(&m_g(m)), Ok(m));
        }
        assert!(t.solve(&m_g(128)).is_err());
        let t = DlogTable::with_table_bits(5, 1).unwrap();
        for m in 0..32 {
            assert_eq!(t.solve(&m_g(m)), Ok(m));
        }
    }

    #[test]
    fn refuses_unsupported_sizes() {
        for (b, t) in [(0, 0), (49, 20), (20, 0), (20, 21), (48, 27)] {
            assert!(matches!(
                DlogTable::with_table_bits(b, t),
                Err(Error::DlogParameters(_))
            ));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn round_trip(m in 0u64..1 << 24) {
            prop_assert_eq!(table().solve(&m_g(m)), Ok(m));
        }
    }
}
