//! The R1CS-to-QAP witness map from constraint matrices kept between proofs.
//!
//! arkworks' prover rebuilds the circuit's constraint matrices on every proof
//! (synthesis that records every linear combination, inlining, `to_matrices`): at
//! depth 20 that is ≈ 40 ms of a ≈ 150 ms proof, for matrices that only depend on the
//! key. [`QapMatrices`] keeps `A` and `B` once (`C` is not needed: for a satisfying
//! assignment `C·z = (A·z)∘(B·z)` row by row), so a proof only synthesises the
//! assignment (≈ 2 ms) and runs [`QapMatrices::h`]:
//!
//! - `A·z`, `B·z` over the rows, in parallel. The coefficients are few (≈ 2,300
//!   distinct values at depth 20 among ≈ 190,000 entries), so each row keeps its entries
//!   grouped by coefficient and multiplies once per group.
//! - radix-2 FFTs with twiddles computed once: inverse transforms decimate in
//!   frequency (natural order in, bit-reversed out), forward ones in time (bit-reversed
//!   in, natural out), so no transform reorders its data, and the coset shift and the
//!   `1/n` factor are one table in bit-reversed order.
//!
//! For both QAP reductions zkvote meets ([`QapReduction`]) the result is the same
//! vector as arkworks' `LibsnarkReduction::witness_map` or [`crate::reduction::CircomReduction`]
//! computes for a satisfying assignment (tested). For an assignment that does not
//! satisfy the circuit the result differs, and the proof is invalid either way.

use crate::keys::QapReduction;
use ark_bn254::Fr;
use ark_ff::{FftField, Field, One, PrimeField, Zero};
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError, R1CS_PREDICATE_LABEL};
use rayon::prelude::*;
use std::sync::{Arc, OnceLock};

use crate::tables::Reader;

/// Rows evaluated per parallel task.
const ROWS_PER_TASK: usize = 256;
/// Transforms at most this long run on one thread.
const SERIAL_FFT: usize = 1 << 10;

/// One constraint matrix (`A` or `B`): rows of (coefficient, variable) groups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SparseMatrix {
    /// Distinct coefficients; entries refer to them by position.
    pub coeffs: Vec<Fr>,
    /// Row `i`'s groups are `groups[row_start[i]..row_start[i + 1]]`.
    pub row_start: Vec<u32>,
    /// A group is (coefficient position, end of its variables in `vars`): the group's
    /// variables are `vars[end of the previous group..end]`.
    pub groups: Vec<(u32, u32)>,
    /// Variable indices into the full assignment `[1, inputs, witness]`.
    pub vars: Vec<u32>,
}

impl SparseMatrix {
    fn from_rows(rows: &[Vec<(Fr, usize)>]) -> Option<Self> {
        let mut index = std::collections::HashMap::new();
        let mut coeffs = Vec::new();
        let mut row_start = Vec::with_capacity(rows.len() + 1);
        let (mut groups, mut vars) = (Vec::new(), Vec::new());
        row_start.push(0);
        for row in rows {
            let mut entries: Vec<(u32, u32)> = Vec::with_capacity(row.len());
            for (c, v) in row {
                let next = coeffs.len() as u32;
                let k = *index.entry(*c).or_insert_with(|| {
                    coeffs.push(*c);
                    next
                });
                entries.push((k, u32::try_from(*v).ok()?));
            }
            entries.sort_unstable();
            for (pos, &(k, v)) in entries.iter().enumerate() {
                vars.push(v);
                if entries.get(pos + 1).is_none_or(|&(k2, _)| k2 != k) {
                    groups.push((k, u32::try_from(vars.len()).ok()?));
                }
            }
            row_start.push(u32::try_from(groups.len()).ok()?);
        }
        Some(Self {
            coeffs,
            row_start,
            groups,
            vars,
        })
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.row_start.len().saturating_sub(1)
    }

    /// Whether every index is in range for `num_vars` variables (the structure a file
    /// must have before its rows are evaluated).
    pub fn is_consistent(&self, num_vars: usize) -> bool {
        let monotone = |v: &[u32]| v.windows(2).all(|w| w[0] <= w[1]);
        let groups_end = self.groups.last().map_or(0, |g| g.1 as usize);
        self.row_start.first() == Some(&0)
            && monotone(&self.row_start)
            && self.row_start.last().map(|&e| e as usize) == Some(self.groups.len())
            && self.groups.windows(2).all(|w| w[0].1 <= w[1].1)
            && groups_end == self.vars.len()
            && self
                .groups
                .iter()
                .all(|&(k, _)| (k as usize) < self.coeffs.len())
            && self.vars.iter().all(|&v| (v as usize) < num_vars)
    }

    /// `out[i] = (M·z)_i` for the rows `out` covers, starting at `first`.
    fn eval_rows(&self, z: &[Fr], first: usize, out: &mut [Fr]) {
        for (i, out) in out.iter_mut().enumerate() {
            let row = first + i;
            let (lo, hi) = (
                self.row_start[row] as usize,
                self.row_start[row + 1] as usize,
            );
            let mut start = if lo == 0 {
                0
            } else {
                self.groups[lo - 1].1 as usize
            };
            let mut acc = Fr::zero();
            for &(k, end) in &self.groups[lo..hi] {
                let mut sum = Fr::zero();
                for &v in &self.vars[start..end as usize] {
                    sum += z[v as usize];
                }
                start = end as usize;
                let c = &self.coeffs[k as usize];
                if c.is_one() {
                    acc += sum;
                } else if (-*c).is_one() {
                    acc -= sum;
                } else {
                    acc += sum * c;
                }
            }
            *out = acc;
        }
    }
}

/// A circuit's `A` and `B` matrices and the sizes of its QAP.
#[derive(Clone, Debug)]
pub struct QapMatrices {
    /// Instance variables, the leading `1` included.
    pub num_instance: usize,
    /// Variables in the full assignment.
    pub num_vars: usize,
    /// `A`, one row per constraint.
    pub a: SparseMatrix,
    /// `B`, one row per constraint.
    pub b: SparseMatrix,
    /// Twiddles and coset tables per reduction (arkworks', snarkjs'), made on first use.
    ffts: [OnceLock<Arc<CosetFfts>>; 2],
}

impl PartialEq for QapMatrices {
    /// The matrices and sizes (not the cached tables, which they determine).
    fn eq(&self, other: &Self) -> bool {
        (self.num_instance, self.num_vars, &self.a, &self.b)
            == (other.num_instance, other.num_vars, &other.a, &other.b)
    }
}

impl Eq for QapMatrices {}

/// What the transforms of one reduction need: the domain, the coset `offset` and the
/// shift tables to and from it.
#[derive(Debug)]
struct CosetFfts {
    domain: Domain,
    offset: Fr,
    shift: Vec<Fr>,
    unshift: Vec<Fr>,
}

impl CosetFfts {
    fn new(n: usize, reduction: QapReduction) -> Option<Self> {
        let domain = Domain::new(n)?;
        let offset = match reduction {
            QapReduction::Libsnark => Fr::GENERATOR,
            // snarkjs evaluates on the odd powers of the 2n-th root of unity.
            QapReduction::Circom => Fr::get_root_of_unity(2 * n as u64)?,
        };
        Some(Self {
            shift: domain.shift_table(offset),
            unshift: domain.shift_table(offset.inverse()?),
            domain,
            offset,
        })
    }
}

impl QapMatrices {
    /// The matrices of a constraint system synthesised with matrices and finalized;
    /// `None` when it has none or they do not fit the format (over 2^32 entries).
    pub fn from_cs(cs: &ConstraintSystemRef<Fr>) -> Option<Self> {
        let matrices = cs.to_matrices().ok()?;
        let m = matrices.get(R1CS_PREDICATE_LABEL)?;
        let (a, b) = match m.as_slice() {
            [a, b, ..] => (SparseMatrix::from_rows(a)?, SparseMatrix::from_rows(b)?),
            _ => return None,
        };
        let qap = Self {
            num_instance: cs.num_instance_variables(),
            num_vars: cs.num_instance_variables() + cs.num_witness_variables(),
            a,
            b,
            ffts: Default::default(),
        };
        qap.is_consistent().then_some(qap)
    }

    /// Number of constraints.
    pub fn num_constraints(&self) -> usize {
        self.a.rows()
    }

    /// Whether the two matrices agree with each other and the sizes.
    pub fn is_consistent(&self) -> bool {
        self.a.rows() == self.b.rows()
            && self.num_instance >= 1
            && self.num_instance <= self.num_vars
            && self.a.is_consistent(self.num_vars)
            && self.b.is_consistent(self.num_vars)
            // Sizes come from a file: checked, never wrapping (`num_instance` may be
            // 2^64 − 1 in a hostile tables file).
            && self
                .a
                .rows()
                .checked_add(self.num_instance)
                .and_then(usize::checked_next_power_of_two)
                .is_some()
    }

    /// Size of the QAP's evaluation domain.
    /// (0 for sizes that overflow, which [`Self::is_consistent`] refuses.)
    pub fn domain_size(&self) -> usize {
        self.num_constraints()
            .checked_add(self.num_instance)
            .and_then(usize::checked_next_power_of_two)
            .unwrap_or(0)
    }

    /// The coefficients of `h` that the proof's H-query MSM takes, for the full
    /// assignment `z` (`[1, inputs, witness]`) and the key's QAP reduction.
    pub fn h(&self, z: &[Fr], reduction: QapReduction) -> Result<Vec<Fr>, SynthesisError> {
        if z.len() != self.num_vars || !self.is_consistent() {
            return Err(SynthesisError::Unsatisfiable);
        }
        let n = self.domain_size();
        let ffts = self.ffts(n, reduction)?;
        let (domain, offset) = (&ffts.domain, ffts.offset);
        let rows = self.num_constraints();
        let mut a = vec![Fr::zero(); n];
        let mut b = vec![Fr::zero(); n];
        rayon::join(
            || {
                a[..rows]
                    .par_chunks_mut(ROWS_PER_TASK)
                    .enumerate()
                    .for_each(|(t, out)| self.a.eval_rows(z, t * ROWS_PER_TASK, out))
            },
            || {
                b[..rows]
                    .par_chunks_mut(ROWS_PER_TASK)
                    .enumerate()
                    .for_each(|(t, out)| self.b.eval_rows(z, t * ROWS_PER_TASK, out))
            },
        );
        // The instance rows `a_{m+i} = z_i` that make the inputs' polynomials independent.
        a[rows..rows + self.num_instance].copy_from_slice(&z[..self.num_instance]);
        let mut c: Vec<Fr> = a.par_iter().zip(&b).map(|(x, y)| *x * y).collect();

        let shift = &ffts.shift;
        // Evaluations on H → evaluations on offset·H, for a, b and c.
        let to_coset = |v: &mut Vec<Fr>| {
            domain.inverse_dif(v);
            v.par_iter_mut().zip(shift).for_each(|(x, s)| *x *= s);
            domain.forward_dit(v);
        };
        rayon::join(
            || to_coset(&mut a),
            || rayon::join(|| to_coset(&mut b), || to_coset(&mut c)),
        );
        match reduction {
            QapReduction::Circom => {
                a.par_iter_mut()
                    .zip(&b)
                    .zip(&c)
                    .for_each(|((x, y), w)| *x = *x * y - w);
                Ok(a)
            }
            QapReduction::Libsnark => {
                // h = (a·b − c)/Z on the coset, Z(offset·ω^i) = offset^n − 1, then back
                // to coefficients.
                let z_inv = (offset.pow([n as u64]) - Fr::one())
                    .inverse()
                    .ok_or(SynthesisError::DivisionByZero)?;
                a.par_iter_mut()
                    .zip(&b)
                    .zip(&c)
                    .for_each(|((x, y), w)| *x = (*x * y - w) * z_inv);
                domain.inverse_dif(&mut a);
                a.par_iter_mut()
                    .zip(&ffts.unshift)
                    .for_each(|(x, s)| *x *= s);
                bit_reverse(&mut a);
                Ok(a)
            }
        }
    }
}

impl QapMatrices {
    /// The transforms for domain size `n` and `reduction`, made once.
    fn ffts(&self, n: usize, reduction: QapReduction) -> Result<Arc<CosetFfts>, SynthesisError> {
        let cell = &self.ffts[matches!(reduction, QapReduction::Circom) as usize];
        if let Some(f) = cell.get().filter(|f| f.domain.n == n) {
            return Ok(f.clone());
        }
        let f =
            Arc::new(CosetFfts::new(n, reduction).ok_or(SynthesisError::PolynomialDegreeTooLarge)?);
        // Cached unless another size was cached first (the fields are public).
        let _ = cell.set(f.clone());
        Ok(f)
    }

    /// Appends the matrices' bytes: `num_instance`, `num_vars` (u64), then for `A` and
    /// `B` the number of coefficients (u64) and each as 32 bytes little-endian
    /// (canonical, below r), then `row_start`, `groups` (two u32 each) and `vars`, each
    /// as its length (u64) and u32 values (all LE).
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&(self.num_instance as u64).to_le_bytes());
        out.extend_from_slice(&(self.num_vars as u64).to_le_bytes());
        for m in [&self.a, &self.b] {
            out.extend_from_slice(&(m.coeffs.len() as u64).to_le_bytes());
            for c in &m.coeffs {
                for limb in c.into_bigint().0 {
                    out.extend_from_slice(&limb.to_le_bytes());
                }
            }
            let words = |out: &mut Vec<u8>, v: &mut dyn Iterator<Item = u32>, len: usize| {
                out.extend_from_slice(&(len as u64).to_le_bytes());
                v.for_each(|w| out.extend_from_slice(&w.to_le_bytes()));
            };
            words(out, &mut m.row_start.iter().copied(), m.row_start.len());
            words(
                out,
                &mut m.groups.iter().flat_map(|&(k, e)| [k, e]),
                m.groups.len(),
            );
            words(out, &mut m.vars.iter().copied(), m.vars.len());
        }
    }

    /// Reads what [`Self::write`] wrote; `None` when the bytes are truncated, a
    /// coefficient is not below r, or the structure is inconsistent.
    pub(crate) fn read(r: &mut Reader<'_>) -> Option<Self> {
        let num_instance = usize::try_from(r.u64()?).ok()?;
        let num_vars = usize::try_from(r.u64()?).ok()?;
        let a = read_matrix(r)?;
        let b = read_matrix(r)?;
        let qap = Self {
            num_instance,
            num_vars,
            a,
            b,
            ffts: Default::default(),
        };
        qap.is_consistent().then_some(qap)
    }
}

fn read_matrix(r: &mut Reader<'_>) -> Option<SparseMatrix> {
    let n = usize::try_from(r.u64()?).ok()?;
    let coeffs = r
        .take(n.checked_mul(32)?)?
        .chunks_exact(32)
        .map(|c| {
            let mut limbs = [0u64; 4];
            for (l, w) in limbs.iter_mut().zip(c.chunks_exact(8)) {
                *l = u64::from_le_bytes(w.try_into().ok()?);
            }
            Fr::from_bigint(ark_ff::BigInt(limbs))
        })
        .collect::<Option<Vec<Fr>>>()?;
    let mut words = |per: usize| -> Option<Vec<u32>> {
        let len = usize::try_from(r.u64()?).ok()?;
        Some(
            r.take(len.checked_mul(4 * per)?)?
                .chunks_exact(4)
                .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
                .collect(),
        )
    };
    let row_start = words(1)?;
    let groups = words(2)?.chunks_exact(2).map(|g| (g[0], g[1])).collect();
    let vars = words(1)?;
    Some(SparseMatrix {
        coeffs,
        row_start,
        groups,
        vars,
    })
}

/// A radix-2 domain of size `n` with its twiddles `ω^k` and `ω^{−k}`, `k < n/2`.
#[derive(Debug)]
struct Domain {
    n: usize,
    forward: Vec<Fr>,
    inverse: Vec<Fr>,
}

impl Domain {
    fn new(n: usize) -> Option<Self> {
        if !n.is_power_of_two() || n < 2 {
            return None;
        }
        let omega = Fr::get_root_of_unity(n as u64)?;
        let powers = |w: Fr| {
            let mut out = Vec::with_capacity(n / 2);
            let mut x = Fr::one();
            for _ in 0..n / 2 {
                out.push(x);
                x *= w;
            }
            out
        };
        Some(Self {
            n,
            forward: powers(omega),
            inverse: powers(omega.inverse()?),
        })
    }

    /// `offset^{rev(i)}/n` at position `i`: turns the bit-reversed output of
    /// [`Self::inverse_dif`] into the coefficients of the polynomial at `offset·X`.
    fn shift_table(&self, offset: Fr) -> Vec<Fr> {
        let n_inv = Fr::from(self.n as u64).inverse().unwrap_or_default();
        let mut natural = Vec::with_capacity(self.n);
        let mut x = n_inv;
        for _ in 0..self.n {
            natural.push(x);
            x *= offset;
        }
        bit_reverse(&mut natural);
        natural
    }

    /// `n` times the inverse transform: natural order in, bit-reversed out.
    fn inverse_dif(&self, v: &mut [Fr]) {
        dif(v, &self.inverse, 1);
    }

    /// The forward transform: bit-reversed order in, natural out.
    fn forward_dit(&self, v: &mut [Fr]) {
        dit(v, &self.forward, 1);
    }
}

/// Decimation in frequency over `v`, with root `tw[stride]` of order `v.len()`.
fn dif(v: &mut [Fr], tw: &[Fr], stride: usize) {
    let n = v.len();
    if n <= SERIAL_FFT {
        return dif_serial(v, tw, stride);
    }
    let half = n / 2;
    let (lo, hi) = v.split_at_mut(half);
    lo.par_chunks_mut(SERIAL_FFT / 2)
        .zip(hi.par_chunks_mut(SERIAL_FFT / 2))
        .enumerate()
        .for_each(|(t, (lo, hi))| {
            let j0 = t * (SERIAL_FFT / 2);
            for (j, (x, y)) in lo.iter_mut().zip(hi.iter_mut()).enumerate() {
                let u = *x;
                *x += *y;
                *y = (u - *y) * tw[(j0 + j) * stride];
            }
        });
    rayon::join(|| dif(lo, tw, 2 * stride), || dif(hi, tw, 2 * stride));
}

fn dif_serial(v: &mut [Fr], tw: &[Fr], stride: usize) {
    let n = v.len();
    let mut len = n;
    while len >= 2 {
        let half = len / 2;
        let step = stride * (n / len);
        for block in v.chunks_exact_mut(len) {
            let (lo, hi) = block.split_at_mut(half);
            let (x, y) = (&mut lo[0], &mut hi[0]);
            let u = *x;
            *x += *y;
            *y = u - *y;
            for j in 1..half {
                let (x, y) = (&mut lo[j], &mut hi[j]);
                let u = *x;
                *x += *y;
                *y = (u - *y) * tw[j * step];
            }
        }
        len = half;
    }
}

/// Decimation in time over `v` (bit-reversed in), with root `tw[stride]`.
fn dit(v: &mut [Fr], tw: &[Fr], stride: usize) {
    let n = v.len();
    if n <= SERIAL_FFT {
        return dit_serial(v, tw, stride);
    }
    let half = n / 2;
    let (lo, hi) = v.split_at_mut(half);
    rayon::join(|| dit(lo, tw, 2 * stride), || dit(hi, tw, 2 * stride));
    lo.par_chunks_mut(SERIAL_FFT / 2)
        .zip(hi.par_chunks_mut(SERIAL_FFT / 2))
        .enumerate()
        .for_each(|(t, (lo, hi))| {
            let j0 = t * (SERIAL_FFT / 2);
            for (j, (x, y)) in lo.iter_mut().zip(hi.iter_mut()).enumerate() {
                let t = *y * tw[(j0 + j) * stride];
                *y = *x - t;
                *x += t;
            }
        });
}

fn dit_serial(v: &mut [Fr], tw: &[Fr], stride: usize) {
    let n = v.len();
    let mut len = 2;
    while len <= n {
        let half = len / 2;
        let step = stride * (n / len);
        for block in v.chunks_exact_mut(len) {
            let (lo, hi) = block.split_at_mut(half);
            let (x, y) = (&mut lo[0], &mut hi[0]);
            let t = *y;
            *y = *x - t;
            *x += t;
            for j in 1..half {
                let (x, y) = (&mut lo[j], &mut hi[j]);
                let t = *y * tw[j * step];
                *y = *x - t;
                *x += t;
            }
        }
        len *= 2;
    }
}

/// Reorders `v` (length a power of two) by bit-reversed index.
fn bit_reverse(v: &mut [Fr]) {
    let n = v.len();
    if n < 2 {
        return;
    }
    let bits = n.trailing_zeros();
    for i in 0..n {
        let j = i.reverse_bits() >> (usize::BITS - bits);
        if i < j {
            v.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests;
