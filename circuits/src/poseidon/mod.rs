//! Poseidon over the BN254 scalar field, exactly as circomlib's `Poseidon(n)`.
//!
//! # The hash
//! For `n` inputs the width is `t = n + 1`, the state starts as `[0, in_1, …, in_n]`,
//! and the permutation runs `R_F = 8` full rounds (4 before, 4 after) around `R_P(t)`
//! partial rounds. A round adds the round constants, applies the S-box `x ↦ x⁵` (to
//! every element in a full round, to `state[0]` only in a partial round) and multiplies
//! by the MDS matrix `M`. The output is `state[0]` after the last round. (arkworks'
//! Poseidon sponge reads the rate part instead, so it is *not* this hash.)
//!
//! # Constants and their provenance
//! Round constants and MDS matrices are circomlib's, for every width circomlib has
//! (`t = 2..=17`, 1 to 16 inputs). circomlib took them from the Poseidon reference
//! script (`generate_parameters_grain.sage`, Grain LFSR); `grain.rs` runs the same
//! generation at first use of each width (about 1 ms for `t = 3`, 5–10 ms for
//! `t = 17`, less than the optimised form below costs to derive).
//! The tests check them against light-poseidon's copy of circomlib's constants
//! (`t ≤ 13`), against values from circomlibjs (`t = 14..=17`), and the hashes against
//! circomlib-compatible JS (`vectors/semaphore-v4.json`, up to 16 inputs).
//!
//! # The fast form
//! Hashing a census needs about one Poseidon(2) per member, so the native permutation
//! uses the equivalent "optimised" form of the Poseidon paper (appendix B):
//! - *constants*: in a partial round only `state[0]` sees the S-box, so the constants
//!   of the other elements are pushed through `M` into the next round; each partial
//!   round then adds a single scalar, and the accumulated vector is added once after
//!   the partial rounds;
//! - *sparse matrices*: with `M = [[m₀₀, wᵀ], [v, M̂]]` and a deferred block-diagonal
//!   factor `P = diag(1, Q)` (which commutes with the partial S-box), each round's
//!   `M·P` is written `diag(1, M̂Q) · N` with `N = [[m₀₀, wᵀQ], [(M̂Q)⁻¹v, I]]`, so a
//!   partial round costs `2t − 1` multiplications instead of `t²`; the last `Q` is
//!   applied once at the end.
//!
//! Both forms are computed from the same constants at first use and the optimised one
//! is tested against the textbook one on random inputs.

// Index loops mirror the round and MDS-matrix formulas of the Poseidon paper.
#![allow(clippy::needless_range_loop)]

#[cfg(feature = "r1cs")]
pub mod constraints;
mod grain;
#[cfg(target_arch = "x86_64")]
mod ifma;

use std::sync::OnceLock;

use ark_bn254::Fr;
use ark_ff::{Field, Zero};

use crate::Error;

/// Largest number of inputs circomlib's `Poseidon(n)` takes (width `t = 17`).
pub const MAX_INPUTS: usize = 16;

/// Number of full rounds, for every width.
pub const FULL_ROUNDS: usize = 8;

/// Number of partial rounds `R_P(t)`, indexed by `t − 2`: circomlib's `N_ROUNDS_P`
/// (the paper's round numbers for 128-bit security, rounded up).
pub const PARTIAL_ROUNDS: [usize; MAX_INPUTS] = [
    56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68,
];

/// circomlib's parameters for one width, in textbook and in optimised form.
#[derive(Debug, Clone)]
pub struct PoseidonParams {
    /// State width `t` (number of inputs + 1).
    pub width: usize,
    /// Number of partial rounds `R_P(t)`.
    pub partial_rounds: usize,
    /// Round constants, `(R_F + R_P)` rows of `t`.
    pub ark: Vec<Vec<Fr>>,
    /// The MDS matrix, `mds[i][j]` multiplies `state[j]` into `state[i]`.
    pub mds: Vec<Vec<Fr>>,
    /// Optimised form: the constants added to `state[0]` in each partial round.
    pub partial_c0: Vec<Fr>,
    /// Optimised form: first row of each partial round's sparse matrix.
    pub sparse_row: Vec<Vec<Fr>>,
    /// Optimised form: first column (below the diagonal) of each sparse matrix, index 0 unused.
    pub sparse_col: Vec<Vec<Fr>>,
    /// Optimised form: the deferred `Q` applied to `state[1..]` after the partial rounds.
    pub final_q: Vec<Vec<Fr>>,
    /// Optimised form: round constants of the second half of full rounds, the first of
    /// them carrying the constants pushed out of the partial rounds.
    pub ark_tail: Vec<Vec<Fr>>,
}

/// The parameters for `n_inputs` inputs, computed once.
pub fn params(n_inputs: usize) -> Result<&'static PoseidonParams, Error> {
    static CACHE: [OnceLock<PoseidonParams>; MAX_INPUTS] = [const { OnceLock::new() }; MAX_INPUTS];
    if n_inputs == 0 || n_inputs > MAX_INPUTS {
        return Err(Error::PoseidonArity {
            got: n_inputs,
            max: MAX_INPUTS,
        });
    }
    Ok(CACHE[n_inputs - 1].get_or_init(|| PoseidonParams::circom(n_inputs + 1)))
}

impl PoseidonParams {
    fn circom(width: usize) -> Self {
        let partial_rounds = PARTIAL_ROUNDS[width - 2];
        let (flat_ark, mds) = grain::circom_constants(width, FULL_ROUNDS, partial_rounds);
        let ark: Vec<Vec<Fr>> = flat_ark.chunks(width).map(|c| c.to_vec()).collect();
        assert_eq!(ark.len(), FULL_ROUNDS + partial_rounds);
        let half = FULL_ROUNDS / 2;
        let t = width;

        // Constants: push every partial round's non-first constants into the next round.
        let mut carry = vec![Fr::zero(); t];
        let mut partial_c0 = Vec::with_capacity(partial_rounds);
        for r in half..half + partial_rounds {
            let c: Vec<Fr> = (0..t).map(|i| ark[r][i] + carry[i]).collect();
            partial_c0.push(c[0]);
            carry = (0..t)
                .map(|i| (1..t).map(|j| mds[i][j] * c[j]).sum())
                .collect();
        }
        let mut ark_tail: Vec<Vec<Fr>> = ark[half + partial_rounds..].to_vec();
        for i in 0..t {
            ark_tail[0][i] += carry[i];
        }

        // Sparse factorisation of M · diag(1, Q), round by round.
        let m_hat: Vec<Vec<Fr>> = (1..t).map(|i| mds[i][1..].to_vec()).collect();
        let v: Vec<Fr> = (1..t).map(|i| mds[i][0]).collect();
        let mut q = identity(t - 1);
        let mut sparse_row = Vec::with_capacity(partial_rounds);
        let mut sparse_col = Vec::with_capacity(partial_rounds);
        for _ in 0..partial_rounds {
            let mut row = vec![mds[0][0]];
            row.extend((0..t - 1).map(|j| (0..t - 1).map(|k| mds[0][k + 1] * q[k][j]).sum::<Fr>()));
            let b = mat_mul(&m_hat, &q);
            let b_inv = invert(&b);
            let mut col = vec![Fr::zero()];
            col.extend((0..t - 1).map(|i| (0..t - 1).map(|k| b_inv[i][k] * v[k]).sum::<Fr>()));
            sparse_row.push(row);
            sparse_col.push(col);
            q = b;
        }
        PoseidonParams {
            width,
            partial_rounds,
            ark,
            mds,
            partial_c0,
            sparse_row,
            sparse_col,
            final_q: q,
            ark_tail,
        }
    }
}

fn identity(n: usize) -> Vec<Vec<Fr>> {
    (0..n)
        .map(|i| {
            (0..n)
                .map(|j| if i == j { Fr::ONE } else { Fr::zero() })
                .collect()
        })
        .collect()
}

fn mat_mul(a: &[Vec<Fr>], b: &[Vec<Fr>]) -> Vec<Vec<Fr>> {
    let n = a.len();
    (0..n)
        .map(|i| {
            (0..n)
                .map(|j| (0..n).map(|k| a[i][k] * b[k][j]).sum())
                .collect()
        })
        .collect()
}

/// Gauss–Jordan inverse. The matrices inverted here are products of square blocks of
/// a Cauchy MDS matrix, which are invertible.
fn invert(a: &[Vec<Fr>]) -> Vec<Vec<Fr>> {
    let n = a.len();
    let mut m: Vec<Vec<Fr>> = a.to_vec();
    let mut inv = identity(n);
    for col in 0..n {
        let pivot = (col..n)
            .find(|&r| !m[r][col].is_zero())
            .expect("MDS sub-blocks are invertible");
        m.swap(col, pivot);
        inv.swap(col, pivot);
        let p_inv = m[col][col].inverse().expect("pivot is non-zero");
        for j in 0..n {
            m[col][j] *= p_inv;
            inv[col][j] *= p_inv;
        }
        for r in 0..n {
            if r != col && !m[r][col].is_zero() {
                let f = m[r][col];
                for j in 0..n {
                    let (mc, ic) = (m[col][j], inv[col][j]);
                    m[r][j] -= f * mc;
                    inv[r][j] -= f * ic;
                }
            }
        }
    }
    inv
}

#[inline(always)]
fn pow5(x: Fr) -> Fr {
    let x2 = x.square();
    x2.square() * x
}

/// The permutation in optimised form on a fixed-size state.
#[inline]
fn permute<const T: usize>(p: &PoseidonParams, state: &mut [Fr; T]) {
    debug_assert_eq!(p.width, T);
    let half = FULL_ROUNDS / 2;
    let full_round = |state: &mut [Fr; T], ark: &[Fr]| {
        for i in 0..T {
            state[i] = pow5(state[i] + ark[i]);
        }
        let old = *state;
        for i in 0..T {
            let row = &p.mds[i];
            let mut acc = old[0] * row[0];
            for j in 1..T {
                acc += old[j] * row[j];
            }
            state[i] = acc;
        }
    };
    for r in 0..half {
        full_round(state, &p.ark[r]);
    }
    for r in 0..p.partial_rounds {
        let s = pow5(state[0] + p.partial_c0[r]);
        let row = &p.sparse_row[r];
        let col = &p.sparse_col[r];
        let mut acc = s * row[0];
        for j in 1..T {
            acc += state[j] * row[j];
        }
        for i in 1..T {
            state[i] += col[i] * s;
        }
        state[0] = acc;
    }
    let old = *state;
    for i in 1..T {
        let mut acc = Fr::zero();
        for k in 1..T {
            acc += p.final_q[i - 1][k - 1] * old[k];
        }
        state[i] = acc;
    }
    for ark in &p.ark_tail {
        full_round(state, ark);
    }
}

fn hash_fixed<const T: usize>(inputs: &[Fr]) -> Fr {
    let p = params(T - 1).expect("width checked by caller");
    let mut state = [Fr::zero(); T];
    state[1..].copy_from_slice(inputs);
    permute::<T>(p, &mut state);
    state[0]
}

/// circomlib `Poseidon(n)` of `inputs`, for `n` in `1..=MAX_INPUTS`.
pub fn hash(inputs: &[Fr]) -> Result<Fr, Error> {
    Ok(match inputs.len() {
        1 => hash_fixed::<2>(inputs),
        2 => hash_fixed::<3>(inputs),
        3 => hash_fixed::<4>(inputs),
        4 => hash_fixed::<5>(inputs),
        5 => hash_fixed::<6>(inputs),
        6 => hash_fixed::<7>(inputs),
        7 => hash_fixed::<8>(inputs),
        8 => hash_fixed::<9>(inputs),
        9 => hash_fixed::<10>(inputs),
        10 => hash_fixed::<11>(inputs),
        11 => hash_fixed::<12>(inputs),
        12 => hash_fixed::<13>(inputs),
        13 => hash_fixed::<14>(inputs),
        14 => hash_fixed::<15>(inputs),
        15 => hash_fixed::<16>(inputs),
        16 => hash_fixed::<17>(inputs),
        n => {
            return Err(Error::PoseidonArity {
                got: n,
                max: MAX_INPUTS,
            })
        }
    })
}

/// circomlib `Poseidon(1)`.
pub fn hash1(a: Fr) -> Fr {
    hash_fixed::<2>(&[a])
}

/// circomlib `Poseidon(2)`: census nodes, identity commitments, weighted leaves, nullifiers.
///
/// Runs the width-3 permutation of [`Width3`], the hot path of building a census.
pub fn hash2(a: Fr, b: Fr) -> Fr {
    let [out] = hash2_lanes([a], [b]);
    out
}

/// `K` independent circomlib `Poseidon(2)` hashes, `out[k] = Poseidon(left[k], right[k])`,
/// computed in lockstep.
///
/// Same result as `K` calls of [`hash2`], but faster per hash for `K = 4`: a Poseidon
/// permutation is one long chain of dependent field multiplications (each partial
/// round's S-box needs the previous round's `state[0]`), so a single hash leaves most of
/// the CPU's multipliers idle; interleaving the multiplications of independent hashes,
/// step by step, lets the out-of-order core overlap them. Used by the census build.
pub fn hash2_lanes<const K: usize>(left: [Fr; K], right: [Fr; K]) -> [Fr; K] {
    let mut state: [[Fr; 3]; K] = std::array::from_fn(|k| [Fr::zero(), left[k], right[k]]);
    Width3::get().permute_lanes(&mut state);
    std::array::from_fn(|k| state[k][0])
}

/// Many circomlib `Poseidon(2)` hashes: `out[k] = Poseidon(pairs[2k], pairs[2k + 1])`.
///
/// The census build's kernel. On CPUs with AVX-512 IFMA (checked at run time) it hashes
/// eight pairs at once in vector registers (`ifma.rs`); elsewhere, and for the last
/// `< 8` pairs, it runs [`hash2_lanes`] four at a time and [`hash2`] for the rest.
///
/// # Panics
/// If `pairs.len() != 2 * out.len()`.
pub fn hash2_pairs(pairs: &[Fr], out: &mut [Fr]) {
    #[cfg(target_arch = "x86_64")]
    let vector = ifma::available();
    #[cfg(not(target_arch = "x86_64"))]
    let vector = false;
    hash2_pairs_with(pairs, out, vector);
}

/// [`hash2_pairs`], with the IFMA kernel only if `vector` (and the CPU has it), so that
/// the tests run the scalar path on every CPU too.
fn hash2_pairs_with(pairs: &[Fr], out: &mut [Fr], vector: bool) {
    assert_eq!(pairs.len(), 2 * out.len(), "two inputs per output");
    let mut done = 0;
    #[cfg(target_arch = "x86_64")]
    if vector && ifma::available() {
        const L: usize = ifma::LANES;
        for (o, p) in out.chunks_exact_mut(L).zip(pairs.chunks_exact(2 * L)) {
            let left: [Fr; L] = std::array::from_fn(|k| p[2 * k]);
            let right: [Fr; L] = std::array::from_fn(|k| p[2 * k + 1]);
            // SAFETY: `ifma::available()` checked that the CPU has AVX-512 F and IFMA.
            o.copy_from_slice(&unsafe { ifma::hash2_x8(&left, &right) });
        }
        done = out.len() / L * L;
    }
    let (out, pairs) = (&mut out[done..], &pairs[2 * done..]);
    for (o, p) in out.chunks_exact_mut(4).zip(pairs.chunks_exact(8)) {
        let left = [p[0], p[2], p[4], p[6]];
        let right = [p[1], p[3], p[5], p[7]];
        o.copy_from_slice(&hash2_lanes(left, right));
    }
    let done = out.len() / 4 * 4;
    for (o, p) in out[done..]
        .iter_mut()
        .zip(pairs[2 * done..].chunks_exact(2))
    {
        *o = hash2(p[0], p[1]);
    }
}

/// The optimised parameters of width 3 (`Poseidon(2)`) in fixed-size arrays, so that
/// [`hash2`] runs without bounds checks or pointer chasing, and every dot product
/// `Σ aᵢ·bᵢ` of three terms is one [`Field::sum_of_products`] (one Montgomery
/// reduction instead of three). Same constants and schedule as [`PoseidonParams`].
struct Width3 {
    ark_head: [[Fr; 3]; FULL_ROUNDS / 2],
    mds: [[Fr; 3]; 3],
    partial_c0: Vec<Fr>,
    sparse_row: Vec<[Fr; 3]>,
    sparse_col: Vec<[Fr; 2]>,
    final_q: [[Fr; 2]; 2],
    ark_tail: [[Fr; 3]; FULL_ROUNDS / 2],
    /// `(0 + ark[0][0])⁵`: the first S-box output of `state[0]`, which starts at 0.
    first_sbox0: Fr,
}

impl Width3 {
    fn get() -> &'static Width3 {
        static CELL: OnceLock<Width3> = OnceLock::new();
        CELL.get_or_init(|| {
            let p = params(2).expect("circom parameters for 2 inputs");
            let row3 = |r: &[Fr]| [r[0], r[1], r[2]];
            Width3 {
                ark_head: std::array::from_fn(|r| row3(&p.ark[r])),
                mds: std::array::from_fn(|i| row3(&p.mds[i])),
                partial_c0: p.partial_c0.clone(),
                sparse_row: p.sparse_row.iter().map(|r| row3(r)).collect(),
                sparse_col: p.sparse_col.iter().map(|c| [c[1], c[2]]).collect(),
                final_q: std::array::from_fn(|i| [p.final_q[i][0], p.final_q[i][1]]),
                ark_tail: std::array::from_fn(|r| row3(&p.ark_tail[r])),
                first_sbox0: pow5(p.ark[0][0]),
            }
        })
    }

    /// `x⁵` for every lane, the three multiplications of each step interleaved.
    #[inline(always)]
    fn pow5_lanes<const K: usize>(x: [Fr; K]) -> [Fr; K] {
        let x2: [Fr; K] = std::array::from_fn(|k| x[k].square());
        let x4: [Fr; K] = std::array::from_fn(|k| x2[k].square());
        std::array::from_fn(|k| x4[k] * x[k])
    }

    /// One full round on every lane; `skip_first_sbox` when every `state[k][0]` already
    /// holds its S-box output (the first round, see [`Width3::permute_lanes`]);
    /// `only_first` in the last round, whose `state[k][1..]` are never read.
    #[inline(always)]
    fn full_round_lanes<const K: usize>(
        &self,
        state: &mut [[Fr; 3]; K],
        ark: &[Fr; 3],
        skip_first_sbox: bool,
        only_first: bool,
    ) {
        let s0: [Fr; K] = if skip_first_sbox {
            std::array::from_fn(|k| state[k][0])
        } else {
            Self::pow5_lanes(std::array::from_fn(|k| state[k][0] + ark[0]))
        };
        let s1: [Fr; K] = Self::pow5_lanes(std::array::from_fn(|k| state[k][1] + ark[1]));
        let s2: [Fr; K] = Self::pow5_lanes(std::array::from_fn(|k| state[k][2] + ark[2]));
        let rows = if only_first { 1 } else { 3 };
        for i in 0..rows {
            for k in 0..K {
                state[k][i] = Fr::sum_of_products(&self.mds[i], &[s0[k], s1[k], s2[k]]);
            }
        }
    }

    /// The permutation of `K` independent states (a state starting `[0, a, b]`, as
    /// every circomlib `Poseidon(2)` state does), step by step in lockstep.
    #[inline]
    fn permute_lanes<const K: usize>(&self, state: &mut [[Fr; 3]; K]) {
        // The first S-box input of `state[0]` is the constant `0 + ark[0][0]`: use its
        // precomputed fifth power.
        for s in state.iter_mut() {
            debug_assert!(s[0].is_zero());
            s[0] = self.first_sbox0;
        }
        self.full_round_lanes(state, &self.ark_head[0], true, false);
        for ark in &self.ark_head[1..] {
            self.full_round_lanes(state, ark, false, false);
        }
        for ((c0, row), col) in self
            .partial_c0
            .iter()
            .zip(&self.sparse_row)
            .zip(&self.sparse_col)
        {
            let s: [Fr; K] = Self::pow5_lanes(std::array::from_fn(|k| state[k][0] + c0));
            for k in 0..K {
                state[k][0] = Fr::sum_of_products(row, &[s[k], state[k][1], state[k][2]]);
            }
            for k in 0..K {
                state[k][1] += col[0] * s[k];
            }
            for k in 0..K {
                state[k][2] += col[1] * s[k];
            }
        }
        for s in state.iter_mut() {
            let [_, x, y] = *s;
            s[1] = Fr::sum_of_products(&self.final_q[0], &[x, y]);
            s[2] = Fr::sum_of_products(&self.final_q[1], &[x, y]);
        }
        let last = self.ark_tail.len() - 1;
        for (r, ark) in self.ark_tail.iter().enumerate() {
            self.full_round_lanes(state, ark, false, r == last);
        }
    }
}

/// The textbook permutation, round by round as in the Poseidon paper; the reference
/// that the optimised form and the gadget are tested against.
pub fn hash_reference(inputs: &[Fr]) -> Result<Fr, Error> {
    let p = params(inputs.len())?;
    let t = p.width;
    let mut state = vec![Fr::zero(); t];
    state[1..].copy_from_slice(inputs);
    let half = FULL_ROUNDS / 2;
    for (r, ark) in p.ark.iter().enumerate() {
        for i in 0..t {
            state[i] += ark[i];
        }
        let full = r < half || r >= half + p.partial_rounds;
        for (i, s) in state.iter_mut().enumerate() {
            if full || i == 0 {
                *s = pow5(*s);
            }
        }
        state = (0..t)
            .map(|i| (0..t).map(|j| p.mds[i][j] * state[j]).sum())
            .collect();
    }
    Ok(state[0])
}

#[cfg(test)]
mod tests;
