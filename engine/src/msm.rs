//! Multi-scalar multiplication over fixed bases with precomputed tables.
//!
//! A Groth16 proof is five MSMs over the proving key's bases, which never change. For
//! bases `P_i` and signed `c`-bit digits `s_i = Σ_j d_ij·2^{cj}`, `d_ij ∈ (−2^{c−1}, 2^{c−1}]`,
//!
//! ```text
//!   Σ_i s_i·P_i = Σ_{k=1}^{2^{c−1}} k·B_k,    B_k = Σ_{(i,j): |d_ij| = k} sign(d_ij)·T_ij,
//!   T_ij = 2^{cj}·P_i   (the table, computed once per key)
//! ```
//!
//! so every window shares one set of `2^{c−1}` buckets: one bucket pass of `n·⌈(b+1)/c⌉`
//! additions and one running-sum reduction, with no doublings, where Pippenger's
//! algorithm does a bucket pass *and a reduction* per window. The buckets are kept in
//! affine coordinates and additions are deferred into batches of up to 2,048 distinct
//! buckets that share one field inversion (Montgomery's trick): an affine addition then
//! costs about 6 multiplications instead of 11 for a mixed addition. On CPUs with
//! AVX-512 IFMA a batch's additions run eight at a time in vector registers
//! ([`crate::ifma`]). The threads split the buckets, not the points, so no bucket is
//! reduced twice.
//!
//! A table either owns its points or reads them from shared bytes (a memory-mapped
//! tables file, see [`crate::tables`]) as raw Montgomery limbs, so loading one is not
//! a copy.
//!
//! Zero bases are dropped when the table is built; zero scalars cost nothing. The
//! result equals [`ark_ec::VariableBaseMSM::msm`] on the same bases and scalars (tested).

use std::sync::Arc;

use ark_bn254::{g1, g2, Fq, Fq2};
use ark_ec::{
    short_weierstrass::{Affine, Projective, SWCurveConfig},
    AffineRepr, CurveGroup, PrimeGroup,
};
use ark_ff::{AdditiveGroup, BigInt, Field, PrimeField, Zero};
use rayon::prelude::*;

/// Whether the vector kernels may run (where the CPU has them); off only to compare
/// both paths (tests, benchmarks).
static VECTOR_KERNELS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// Allows or forbids the AVX-512 IFMA bucket kernels ([`crate::ifma`]); on by default.
/// Results are the same either way.
pub fn set_vector_kernels(enabled: bool) {
    VECTOR_KERNELS.store(enabled, std::sync::atomic::Ordering::Relaxed);
}

#[cfg(target_arch = "x86_64")]
fn vector_kernels() -> bool {
    VECTOR_KERNELS.load(std::sync::atomic::Ordering::Relaxed) && crate::ifma::available()
}

/// Bytes shared between tables (e.g. one memory-mapped file).
pub type SharedBytes = Arc<dyn AsRef<[u8]> + Send + Sync>;

/// Curves whose affine points are stored as raw Montgomery limbs (u64 little-endian,
/// `x` then `y`, each coordinate's components in order).
pub trait RawPoint: SWCurveConfig {
    /// Bytes per point.
    const BYTES: usize;
    /// Appends the point's limbs.
    fn write(p: &Affine<Self>, out: &mut Vec<u8>);
    /// The point whose limbs are `b[..BYTES]` (not checked: see [`crate::tables`]).
    fn read(b: &[u8]) -> Affine<Self>;
    /// Applies `buckets[k] += p` for all `adds` (distinct `k`; bucket and point
    /// non-zero with different `x`) with a vector kernel, when this curve and CPU have
    /// one; `false` (nothing done) otherwise.
    fn add_batch_fast(_buckets: &mut [Affine<Self>], _adds: &[(usize, Affine<Self>)]) -> bool {
        false
    }
}

fn push_fq(f: &Fq, out: &mut Vec<u8>) {
    for limb in f.0 .0 {
        out.extend_from_slice(&limb.to_le_bytes());
    }
}

/// The field element whose raw Montgomery limbs are the 32 bytes at `b[8i..]`.
fn read_fq(b: &[u8], i: usize) -> Fq {
    let limb = |j: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[8 * (i + j)..8 * (i + j + 1)]);
        u64::from_le_bytes(w)
    };
    Fq::new_unchecked(BigInt([limb(0), limb(1), limb(2), limb(3)]))
}

impl RawPoint for g1::Config {
    const BYTES: usize = 64;
    #[cfg(target_arch = "x86_64")]
    fn add_batch_fast(buckets: &mut [Affine<Self>], adds: &[(usize, Affine<Self>)]) -> bool {
        if !vector_kernels() {
            return false;
        }
        // SAFETY: the CPU has AVX-512 F and IFMA (checked above).
        unsafe { crate::ifma::add_batch(buckets, adds, &mut Vec::new()) };
        true
    }
    fn write(p: &Affine<Self>, out: &mut Vec<u8>) {
        push_fq(&p.x, out);
        push_fq(&p.y, out);
    }
    fn read(b: &[u8]) -> Affine<Self> {
        Affine::new_unchecked(read_fq(b, 0), read_fq(b, 4))
    }
}

impl RawPoint for g2::Config {
    const BYTES: usize = 128;
    #[cfg(target_arch = "x86_64")]
    fn add_batch_fast(buckets: &mut [Affine<Self>], adds: &[(usize, Affine<Self>)]) -> bool {
        if !vector_kernels() {
            return false;
        }
        // SAFETY: the CPU has AVX-512 F and IFMA (checked above).
        unsafe { crate::ifma::add_batch_g2(buckets, adds, &mut Vec::new()) };
        true
    }
    fn write(p: &Affine<Self>, out: &mut Vec<u8>) {
        for f in [&p.x.c0, &p.x.c1, &p.y.c0, &p.y.c1] {
            push_fq(f, out);
        }
    }
    fn read(b: &[u8]) -> Affine<Self> {
        Affine::new_unchecked(
            Fq2::new(read_fq(b, 0), read_fq(b, 4)),
            Fq2::new(read_fq(b, 8), read_fq(b, 12)),
        )
    }
}

/// Where a table's points are.
#[derive(Clone)]
enum Points<P: SWCurveConfig> {
    Owned(Vec<Affine<P>>),
    /// `count` points of `P::BYTES` bytes from `start` in `bytes`.
    Raw {
        bytes: SharedBytes,
        start: usize,
        count: usize,
    },
}

/// Precomputed multiples `2^{cj}·P_i` of a fixed list of bases.
#[derive(Clone)]
pub struct FixedBaseTable<P: RawPoint> {
    /// Digit width `c` in bits.
    window: u32,
    /// Digits per scalar, `⌈(bits + 1)/c⌉` (signed digits can carry one bit further).
    windows: usize,
    /// Number of bases the table was built for (zero bases included).
    len: usize,
    /// Position of each non-zero base in the original list.
    indices: Vec<u32>,
    /// `point(t·windows + j) = 2^{cj}·P_{indices[t]}`.
    points: Points<P>,
}

impl<P: RawPoint> PartialEq for FixedBaseTable<P> {
    fn eq(&self, other: &Self) -> bool {
        self.window == other.window
            && self.len == other.len
            && self.indices == other.indices
            && self.num_points() == other.num_points()
            && (0..self.num_points()).all(|i| self.point(i) == other.point(i))
    }
}

impl<P: RawPoint> Eq for FixedBaseTable<P> {}

impl<P: RawPoint> FixedBaseTable<P> {
    /// The digit width that minimises the estimated cost for `n` bases: `n·⌈(b+1)/c⌉`
    /// affine additions (≈ 6 multiplications each) plus `2^{c−1}` buckets to reduce
    /// (≈ 27 multiplications each).
    pub fn best_window(n: usize) -> u32 {
        let bits = P::ScalarField::MODULUS_BIT_SIZE as usize + 1;
        (4u32..=16)
            .min_by_key(|&c| {
                let windows = bits.div_ceil(c as usize);
                6 * n.max(1) * windows + 27 * (1usize << (c - 1))
            })
            .unwrap_or(12)
    }

    /// Builds the table for `bases` with digit width `window` (4..=20 bits).
    pub fn new(bases: &[Affine<P>], window: u32) -> Self {
        let window = window.clamp(4, 20);
        let bits = P::ScalarField::MODULUS_BIT_SIZE as usize + 1;
        let windows = bits.div_ceil(window as usize);
        let indices: Vec<u32> = bases
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.is_zero())
            .map(|(i, _)| i as u32)
            .collect();
        let points = indices
            .par_chunks(128)
            .map(|chunk| {
                let mut proj = Vec::with_capacity(chunk.len() * windows);
                for &i in chunk {
                    let mut p: Projective<P> = bases[i as usize].into();
                    for _ in 0..windows {
                        proj.push(p);
                        for _ in 0..window {
                            p.double_in_place();
                        }
                    }
                }
                Projective::normalize_batch(&proj)
            })
            .collect::<Vec<_>>()
            .concat();
        Self {
            window,
            windows,
            len: bases.len(),
            indices,
            points: Points::Owned(points),
        }
    }

    /// Rebuilds a table from its parts; `None` when they are inconsistent.
    pub fn from_parts(
        window: u32,
        len: usize,
        indices: Vec<u32>,
        points: Vec<Affine<P>>,
    ) -> Option<Self> {
        Self::checked(window, len, indices, Points::Owned(points))
    }

    /// A table whose `count` points are read from `bytes` at `start` (as written by
    /// [`Self::write_points`]); `None` when the parts are inconsistent or the bytes too
    /// short.
    pub fn from_raw(
        window: u32,
        len: usize,
        indices: Vec<u32>,
        bytes: SharedBytes,
        start: usize,
        count: usize,
    ) -> Option<Self> {
        let end = count.checked_mul(P::BYTES)?.checked_add(start)?;
        if end > (*bytes).as_ref().len() {
            return None;
        }
        Self::checked(
            window,
            len,
            indices,
            Points::Raw {
                bytes,
                start,
                count,
            },
        )
    }

    fn checked(window: u32, len: usize, indices: Vec<u32>, points: Points<P>) -> Option<Self> {
        if !(4..=20).contains(&window) {
            return None;
        }
        let windows = Self::windows_for(window);
        let increasing = indices.windows(2).all(|w| w[0] < w[1]);
        let in_range = indices.last().is_none_or(|&i| (i as usize) < len);
        let table = Self {
            window,
            windows,
            len,
            indices,
            points,
        };
        (increasing
            && in_range
            && Some(table.num_points()) == table.indices.len().checked_mul(windows))
        .then_some(table)
    }

    /// Digits per scalar for digit width `window`.
    pub fn windows_for(window: u32) -> usize {
        (P::ScalarField::MODULUS_BIT_SIZE as usize + 1).div_ceil(window as usize)
    }

    /// Number of precomputed points.
    pub fn num_points(&self) -> usize {
        match &self.points {
            Points::Owned(v) => v.len(),
            Points::Raw { count, .. } => *count,
        }
    }

    /// The precomputed point at `pos` (`t·windows + j`).
    #[inline]
    pub fn point(&self, pos: usize) -> Affine<P> {
        match &self.points {
            Points::Owned(v) => v[pos],
            Points::Raw { bytes, start, .. } => {
                let at = start + pos * P::BYTES;
                P::read(&(**bytes).as_ref()[at..at + P::BYTES])
            }
        }
    }

    /// Appends the precomputed points as raw limbs.
    pub fn write_points(&self, out: &mut Vec<u8>) {
        out.reserve(self.num_points() * P::BYTES);
        for i in 0..self.num_points() {
            P::write(&self.point(i), out);
        }
    }

    /// Digit width in bits.
    pub fn window(&self) -> u32 {
        self.window
    }

    /// Number of bases (zero bases included).
    pub fn len(&self) -> usize {
        self.len
    }

    /// True for a table of no bases.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Positions of the non-zero bases.
    pub fn indices(&self) -> &[u32] {
        &self.indices
    }

    /// `Σ scalars[i]·bases[i]`; scalars beyond the bases are ignored and missing ones
    /// count as zero (as [`ark_ec::VariableBaseMSM::msm_bigint`] truncates).
    pub fn msm(&self, scalars: &[P::ScalarField]) -> Projective<P> {
        let c = self.window as usize;
        let w = self.windows;
        // Signed digits of every (non-zero base, window), as entries
        // (table position << 1 | negative) grouped by bucket |d| − 1.
        let mut digits = vec![0i32; self.indices.len() * w];
        digits
            .par_chunks_mut(w)
            .zip(&self.indices)
            .for_each(|(out, &i)| {
                if let Some(s) = scalars.get(i as usize) {
                    signed_digits(s.into_bigint().as_ref(), c, out);
                }
            });
        let buckets = 1usize << (c - 1);
        let chunks = rayon::current_num_threads().clamp(1, buckets);
        let per = buckets.div_ceil(chunks);
        (0..chunks)
            .into_par_iter()
            .map(|chunk| {
                let lo = chunk * per;
                let hi = ((chunk + 1) * per).min(buckets);
                if lo >= hi {
                    return Projective::zero();
                }
                self.bucket_range(&digits, lo, hi)
            })
            .sum()
    }

    /// `Σ_{k ∈ [lo, hi)} (k + 1)·B_k` for the buckets of one range.
    fn bucket_range(&self, digits: &[i32], lo: usize, hi: usize) -> Projective<P> {
        let mut buckets = Buckets::new(hi - lo);
        for (pos, &d) in digits.iter().enumerate() {
            let k = d.unsigned_abs() as usize;
            if k > lo && k <= hi {
                let p = self.point(pos);
                buckets.add(k - lo - 1, if d < 0 { -p } else { p });
            }
        }
        buckets.flush();

        // Running sum: acc = Σ (k − lo + 1)·B_k, then add lo·Σ B_k.
        let mut running = Projective::<P>::zero();
        let mut acc = Projective::<P>::zero();
        for k in (0..hi - lo).rev() {
            running += buckets.affine[k];
            if !buckets.overflow[k].is_zero() {
                running += buckets.overflow[k];
            }
            acc += running;
        }
        if lo > 0 {
            acc += running.mul_bigint([lo as u64]);
        }
        acc
    }
}

/// Points added to at most this many distinct buckets share one inversion (and to at
/// most half the buckets: a point whose bucket is taken waits for the next batch).
const BATCH: usize = 2048;

/// Buckets summed in affine coordinates, additions deferred into batches that share
/// one field inversion. A point for a bucket that already waits in the current batch
/// waits for the next batch; when too many wait (many points in few buckets, e.g. the
/// scalars 0/1 of bit variables), it goes to that bucket's projective overflow sum
/// instead, which costs what Pippenger's mixed addition does.
struct Buckets<P: RawPoint> {
    affine: Vec<Affine<P>>,
    overflow: Vec<Projective<P>>,
    busy: Vec<bool>,
    batch: usize,
    /// Additions with different `x`.
    pending: Vec<(usize, Affine<P>)>,
    /// Additions with equal `x` (a doubling or a sum to zero).
    special: Vec<(usize, Affine<P>)>,
    later: Vec<(usize, Affine<P>)>,
    dens: Vec<P::BaseField>,
}

impl<P: RawPoint> Buckets<P> {
    fn new(n: usize) -> Self {
        let batch = BATCH.min(n / 2).max(1);
        Self {
            affine: vec![Affine::identity(); n],
            overflow: vec![Projective::zero(); n],
            busy: vec![false; n],
            batch,
            pending: Vec::with_capacity(batch),
            special: Vec::new(),
            later: Vec::with_capacity(batch),
            dens: Vec::with_capacity(batch),
        }
    }

    fn add(&mut self, k: usize, p: Affine<P>) {
        self.place(k, p);
        if self.pending.len() + self.special.len() >= self.batch {
            self.apply();
        }
    }

    fn place(&mut self, k: usize, p: Affine<P>) {
        if self.busy[k] {
            if self.later.len() < self.batch {
                self.later.push((k, p));
            } else {
                self.overflow[k] += p;
            }
        } else if self.affine[k].is_zero() {
            self.affine[k] = p;
        } else {
            self.busy[k] = true;
            if self.affine[k].x == p.x {
                self.special.push((k, p));
            } else {
                self.pending.push((k, p));
            }
        }
    }

    /// Applies the pending batch, then places the points that waited.
    fn apply(&mut self) {
        self.apply_pending();
        let mut waiting = std::mem::take(&mut self.later);
        for (k, p) in waiting.drain(..) {
            self.place(k, p);
        }
        // `place` refilled `self.later` only with points for buckets pending again.
        if self.later.is_empty() {
            self.later = waiting;
        }
    }

    /// Applies everything still pending or waiting. Points still waiting after a batch
    /// are few per bucket or many in few buckets (each batch retires one per bucket), so
    /// they go to the projective sums rather than one batch (and inversion) each.
    fn flush(&mut self) {
        self.apply();
        self.apply();
        for (k, p) in self.later.drain(..) {
            self.overflow[k] += p;
        }
        while !self.pending.is_empty() || !self.special.is_empty() {
            self.apply_pending();
        }
    }

    /// Applies the pending additions `affine[k] += p` with one shared inversion.
    fn apply_pending(&mut self) {
        // The common case (different x) in vector registers where there is a kernel;
        // the rest, and doublings and opposite points (`special`), below.
        if !self.pending.is_empty() && P::add_batch_fast(&mut self.affine, &self.pending) {
            for (k, _) in &self.pending {
                self.busy[*k] = false;
            }
            self.pending.clear();
        }
        self.pending.append(&mut self.special);
        if self.pending.is_empty() {
            return;
        }
        self.dens.clear();
        for &(k, p) in &self.pending {
            let b = self.affine[k];
            self.dens.push(if b.x != p.x {
                p.x - b.x
            } else if b.y == p.y && !p.y.is_zero() {
                p.y.double()
            } else {
                P::BaseField::ONE // b = −p: the sum is the identity, no inversion used
            });
        }
        ark_ff::batch_inversion(&mut self.dens);
        for (&(k, p), d) in self.pending.iter().zip(&self.dens) {
            let b = self.affine[k];
            self.busy[k] = false;
            let lambda = if b.x != p.x {
                (p.y - b.y) * d
            } else if b.y == p.y && !p.y.is_zero() {
                let x2 = p.x.square();
                (x2.double() + x2 + P::COEFF_A) * d
            } else {
                self.affine[k] = Affine::identity();
                continue;
            };
            let x3 = lambda.square() - b.x - p.x;
            let y3 = lambda * (b.x - x3) - b.y;
            self.affine[k] = Affine::new_unchecked(x3, y3);
        }
        self.pending.clear();
    }
}

/// Signed `c`-bit digits of a little-endian scalar, one per element of `out`.
fn signed_digits(limbs: &[u64], c: usize, out: &mut [i32]) {
    let half = 1i64 << (c - 1);
    let mut carry = 0i64;
    for (j, out) in out.iter_mut().enumerate() {
        let bit = j * c;
        let limb = bit / 64;
        let off = bit % 64;
        let mut v = limbs.get(limb).map_or(0, |l| l >> off);
        if off + c > 64 {
            v |= limbs.get(limb + 1).map_or(0, |l| l << (64 - off));
        }
        let mut d = (v & ((1u64 << c) - 1)) as i64 + carry;
        if d > half {
            d -= 1 << c;
            carry = 1;
        } else {
            carry = 0;
        }
        *out = d as i32;
    }
}

#[cfg(test)]
mod tests;
