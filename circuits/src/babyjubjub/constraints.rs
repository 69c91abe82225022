//! Baby Jubjub gadgets: points, complete addition, and the key derivation
//! `(Ax, Ay) = secret · Base8` with `secret < l`.
//!
//! # Statement of [`derive_public_key_var`]
//! ```text
//! ∃ b_0 … b_250 ∈ {0, 1}:  secret = Σ b_i·2^i,   Σ b_i·2^i ≤ l − 1,   (Ax, Ay) = secret · Base8
//! ```
//! Because `2^251 < r`, the 251-bit decomposition of a field element is unique when it
//! exists, so `secret` is exactly the integer the bits spell and no alias `secret + r`
//! slips through. The same bits feed the range check and the multiplication.
//!
//! # Cost (pinned in [`DERIVE_PUBLIC_KEY_CONSTRAINTS`])
//! | part | constraints |
//! |---|---|
//! | 251 booleans + packing | 251 + 1 = 252 ([`BITS_CONSTRAINTS`]) |
//! | `bits ≤ l − 1` | one per run of zeros in `l − 1` = 60 ([`RANGE_CHECK_CONSTRAINTS`]) |
//! | fixed-base multiplication | 504 ([`FIXED_BASE_MUL_CONSTRAINTS`]) |
//! | total | 816 |
//!
//! Yardstick, Semaphore v4's own circuit for the same statement (`BabyPbk()(secret)` and
//! `LessThan(251)([secret, l]) === 1`), compiled with `circom2` 0.2.23 and `circomlib`
//! 2.0.5 (`circom --r1cs`): 4,191 non-linear + 185 linear constraints at the default
//! `--O1`, 1,027 at `--O2` (776 of them for `BabyPbk` alone). 816 here counts every
//! constraint, the one linear packing constraint included.
//!
//! ## Range check: one constraint per run of zeros
//! Let `c = l − 1` with bits `c_i`. Scan from the top. For a maximal run `R` of zero bits
//! of `c`, let `N_R` be the number of one bits of `c` above `R` and `S_R` the sum of the
//! secret's bits at those positions (`0 ≤ S_R ≤ N_R`, no wrap-around: the sums are tiny).
//! The gadget enforces, with a free witness `w_R`,
//! ```text
//! (N_R − S_R) · w_R = Σ_{i ∈ R} b_i
//! ```
//! If `S_R = N_R` this forces every `b_i` of `R` to 0; otherwise `w_R` can absorb anything.
//! *Sound*: if `b > c`, take the highest position `i` where they differ; then `b_i = 1`,
//! `c_i = 0`, and `b` agrees with `c` above `i`, so all one-positions above `i`'s run are
//! set: `S_R = N_R` and the run's sum is `≥ 1`, violating the constraint.
//! *Complete*: if `b ≤ c` and `S_R = N_R`, then `b` has no 1 at a zero position of `c`
//! above `R` (the highest one would make `b > c`), so `b` agrees with `c` above `R` and
//! `b ≤ c` forces `R` to be zero. `l − 1` has 60 runs of zeros (137 zero bits), hence 60
//! constraints; arkworks' `Boolean::enforce_smaller_or_equal_than_le` costs more (measured
//! in the tests).
//!
//! ## Fixed-base multiplication: 3-bit windows in Montgomery form
//! Write the low 249 bits as 83 windows `d_i = b_{3i} + 2·b_{3i+1} + 4·b_{3i+2} ∈ [0, 7]`
//! and the top two bits as `d_top = b_249 + 2·b_250 ∈ [0, 3]`. Window `i` looks up the
//! constant Montgomery point `T_i[d] = (d + 2)·8^i·Base8` (3 constraints: `b_0·b_1`,
//! then one product with `b_2` per coordinate) and adds it to the accumulator with the
//! incomplete Montgomery addition (3 constraints: `λ`, `λ²`, `λ·(x_1 − x_3)`); window 0
//! only looks up. After window 82 the accumulator is `(s_low + K)·Base8` with
//! `K = Σ_{i<83} 2·8^i`; it is mapped to Edwards form (2 constraints), and the top window
//! adds the constant Edwards point `E[d_top] = (d_top·2^249 − K)·Base8` (a 2-bit lookup,
//! 1 constraint) with the *complete* Edwards addition (6 constraints). Total
//! `3 + 82·6 + 2 + 1 + 6 = 504`. The complete last step is what makes `secret = 0` work:
//! the result is then the identity `(0, 1)`, which has no affine Montgomery form.
//!
//! **No exceptional case, for any bits.** The Montgomery addition of `P = k·Base8` and
//! `Q = t·Base8` is only wrong (or unsatisfiable, or under-constrained through a free `λ`)
//! when `P = ±Q` or one of them is the identity, i.e. `k ≡ ±t` or `k ≡ 0` or `t ≡ 0`
//! (mod `l`). Before window `j + 1` (`0 ≤ j ≤ 81`) the accumulator is `k = Σ_{i≤j}
//! (d_i + 2)·8^i`, so `2·(8^{j+1} − 1)/7 ≤ k ≤ 9·(8^{j+1} − 1)/7 < 2·8^{j+1}`, and the
//! looked-up point has `t = (d + 2)·8^{j+1} ∈ [2·8^{j+1}, 9·8^{j+1}]`. Hence
//! `0 < k < t`, `0 < t − k < t ≤ 9·8^82 < l` and `0 < t + k < 11·8^82 = 11·2^246 < l`
//! (`l ≈ 3.02·2^249`): none of `k, t, t − k, t + k` is a multiple of `l`. Every
//! intermediate point is thus a non-identity point of the prime-order subgroup (so its
//! Montgomery form exists and has `v ≠ 0`, `u ≠ −1`, which the conversion needs), and
//! `x_1 ≠ x_2` in every addition, so `λ` is determined. The bound on `t + k` is why the
//! top window, where `t` would exceed `l`, uses Edwards addition instead.

use std::sync::OnceLock;

use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, Field, One, Zero};
use ark_r1cs_std::{
    alloc::AllocVar,
    boolean::Boolean,
    eq::EqGadget,
    fields::{fp::FpVar, FieldVar},
    GR1CSVar,
};
use ark_relations::gr1cs::SynthesisError;
use num_bigint::BigUint;

use super::{
    derive_public_key, le_bits, subgroup_order, Point, COEFF_A, COEFF_D, MONT_A,
    SUBGROUP_ORDER_BITS,
};

/// Number of 3-bit windows added in Montgomery form (bits 0..249).
pub const MONT_WINDOWS: usize = 83;

/// Constraints of the bit decomposition: 251 booleanity constraints and one packing.
pub const BITS_CONSTRAINTS: usize = SUBGROUP_ORDER_BITS + 1;
/// Constraints of the range check `bits ≤ l − 1`: one per run of zeros of `l − 1`.
pub const RANGE_CHECK_CONSTRAINTS: usize = 60;
/// Constraints of the fixed-base multiplication by `Base8` from 251 bits.
pub const FIXED_BASE_MUL_CONSTRAINTS: usize = 3 + (MONT_WINDOWS - 1) * 6 + 2 + 1 + 6;
/// Constraints of one [`derive_public_key_var`]: 252 + 60 + 504.
pub const DERIVE_PUBLIC_KEY_CONSTRAINTS: usize = 816;
/// Constraints of one complete Edwards addition of two variable points ([`PointVar::add`]).
pub const ADD_CONSTRAINTS: usize = 6;

/// A Baby Jubjub point in the circuit, affine Edwards coordinates (circom form).
#[derive(Clone, Debug)]
pub struct PointVar {
    /// x coordinate.
    pub x: FpVar<Fr>,
    /// y coordinate.
    pub y: FpVar<Fr>,
}

impl PointVar {
    /// A constant point (no constraints).
    pub fn constant(p: &Point) -> PointVar {
        PointVar {
            x: FpVar::constant(p.x),
            y: FpVar::constant(p.y),
        }
    }

    /// The assigned coordinates. No curve or subgroup check: a point computed by the
    /// gadgets of this module is on the curve whenever the constraints hold.
    pub fn value(&self) -> Result<Point, SynthesisError> {
        Ok(Point {
            x: self.x.value()?,
            y: self.y.value()?,
        })
    }

    /// Enforces `self = other`, coordinate by coordinate.
    pub fn enforce_equal(&self, other: &PointVar) -> Result<(), SynthesisError> {
        self.x.enforce_equal(&other.x)?;
        self.y.enforce_equal(&other.y)
    }

    /// `self + other` with the complete twisted Edwards addition law
    /// ```text
    /// x3 = (x1·y2 + y1·x2) / (1 + d·x1·x2·y1·y2),  y3 = (y1·y2 − a·x1·x2) / (1 − d·x1·x2·y1·y2)
    /// ```
    /// in [`ADD_CONSTRAINTS`] = 6 constraints (`x1·x2`, `y1·y2`, `(x1 + y1)(x2 + y2)`, their
    /// product, two divisions). Both inputs must be on the curve (for the points built by
    /// this module they are); then the denominators never vanish.
    pub fn add(&self, other: &PointVar) -> Result<PointVar, SynthesisError> {
        let xx = &self.x * &other.x;
        let yy = &self.y * &other.y;
        let cross = (&self.x + &self.y) * (&other.x + &other.y);
        let dt = (&xx * &yy) * COEFF_D;
        let x = div(&(cross - &xx - &yy), &(&dt + Fr::one()))?;
        let y = div(&(&yy - &xx * COEFF_A), &(FpVar::one() - &dt))?;
        Ok(PointVar { x, y })
    }
}

/// The public key `secret · Base8` of a secret scalar, enforcing `secret < l`.
///
/// Statement and cost: see the [module documentation](self) ([`DERIVE_PUBLIC_KEY_CONSTRAINTS`]
/// = 816 constraints). `secret = 0` gives the identity `(0, 1)`, like
/// [`derive_public_key`]. A constant `secret` gives a constant point (no constraints), or
/// [`SynthesisError::Unsatisfiable`] if it is not below `l`.
pub fn derive_public_key_var(secret: &FpVar<Fr>) -> Result<PointVar, SynthesisError> {
    if let FpVar::Constant(s) = secret {
        let p = derive_public_key(s).map_err(|_| SynthesisError::Unsatisfiable)?;
        return Ok(PointVar::constant(&p));
    }
    let bits = secret
        .value()
        .ok()
        .map(|s| le_bits(&s, SUBGROUP_ORDER_BITS));
    derive_public_key_with_bits(secret, bits)
}

/// [`derive_public_key_var`] with the bit witnesses given explicitly (`None` in setup
/// mode). Split out so that tests can feed a dishonest decomposition.
fn derive_public_key_with_bits(
    secret: &FpVar<Fr>,
    bit_values: Option<Vec<bool>>,
) -> Result<PointVar, SynthesisError> {
    let bits = alloc_bits(secret, bit_values)?;
    enforce_below_order(&bits)?;
    fixed_base_mul(&bits)
}

/// Allocates 251 boolean witnesses and enforces `Σ b_i·2^i = secret` ([`BITS_CONSTRAINTS`]).
fn alloc_bits(
    secret: &FpVar<Fr>,
    bit_values: Option<Vec<bool>>,
) -> Result<Vec<Boolean<Fr>>, SynthesisError> {
    let cs = secret.cs();
    let bits = (0..SUBGROUP_ORDER_BITS)
        .map(|i| {
            Boolean::new_witness(cs.clone(), || {
                bit_values
                    .as_ref()
                    .and_then(|b| b.get(i).copied())
                    .ok_or(SynthesisError::AssignmentMissing)
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut packed = FpVar::zero();
    let mut power = Fr::one();
    for b in &bits {
        packed += FpVar::from(b.clone()) * power;
        power.double_in_place();
    }
    packed.enforce_equal(secret)?;
    Ok(bits)
}

/// Enforces `Σ b_i·2^i ≤ l − 1` for 251 little-endian booleans, one constraint per run
/// of zeros of `l − 1` (see the module documentation for the argument).
fn enforce_below_order(bits: &[Boolean<Fr>]) -> Result<(), SynthesisError> {
    let c = le_bits(&Fr::from(subgroup_order() - 1u8), SUBGROUP_ORDER_BITS);
    let cs = bits
        .iter()
        .fold(ark_relations::gr1cs::ConstraintSystemRef::None, |cs, b| {
            cs.or(b.cs())
        });
    let mut ones_sum = FpVar::<Fr>::zero();
    let mut ones_count = 0u64;
    let mut run_sum: Option<FpVar<Fr>> = None;
    for i in (0..SUBGROUP_ORDER_BITS).rev() {
        let b = FpVar::from(bits[i].clone());
        if c[i] {
            if let Some(run) = run_sum.take() {
                close_zero_run(&cs, ones_count, &ones_sum, &run)?;
            }
            ones_sum += b;
            ones_count += 1;
        } else {
            run_sum = Some(match run_sum.take() {
                Some(run) => run + b,
                None => b,
            });
        }
    }
    if let Some(run) = run_sum {
        close_zero_run(&cs, ones_count, &ones_sum, &run)?;
    }
    Ok(())
}

/// `(N − S) · w = run` with a free witness `w`.
fn close_zero_run(
    cs: &ark_relations::gr1cs::ConstraintSystemRef<Fr>,
    ones_count: u64,
    ones_sum: &FpVar<Fr>,
    run: &FpVar<Fr>,
) -> Result<(), SynthesisError> {
    let slack = FpVar::constant(Fr::from(ones_count)) - ones_sum;
    let w = FpVar::new_witness(cs.clone(), || {
        let s = slack.value()?;
        Ok(s.inverse()
            .map_or(Fr::zero(), |inv| run.value().unwrap_or_default() * inv))
    })?;
    slack.mul_equals(&w, run)
}

/// `num / den` as a new witness `q` with the one constraint `q · den = num`. If `den`'s
/// value is 0 the witness is 0 and the constraint fails unless `num = 0`.
fn div(num: &FpVar<Fr>, den: &FpVar<Fr>) -> Result<FpVar<Fr>, SynthesisError> {
    if let (FpVar::Constant(n), FpVar::Constant(d)) = (num, den) {
        return Ok(FpVar::constant(
            d.inverse().map_or(Fr::zero(), |inv| *n * inv),
        ));
    }
    let cs = num.cs().or(den.cs());
    let q = FpVar::new_witness(cs, || {
        Ok(den
            .value()?
            .inverse()
            .map_or(Fr::zero(), |inv| num.value().unwrap_or_default() * inv))
    })?;
    q.mul_equals(den, num)?;
    Ok(q)
}

/// A point in Montgomery coordinates `(u, v)`, internal to the multiplication.
#[derive(Clone)]
struct MontVar {
    u: FpVar<Fr>,
    v: FpVar<Fr>,
}

/// Incomplete Montgomery addition (`B = 1`), 3 constraints. Only for `P ≠ ±Q`, both
/// non-identity: the module documentation proves this for every use here.
fn mont_add(p: &MontVar, q: &MontVar) -> Result<MontVar, SynthesisError> {
    let lambda = div(&(&q.v - &p.v), &(&q.u - &p.u))?;
    let u = lambda.square()? - MONT_A - &p.u - &q.u;
    let v = &lambda * &(&p.u - &u) - &p.v;
    Ok(MontVar { u, v })
}

/// Montgomery to Edwards, `x = u/v`, `y = (u − 1)/(u + 1)`: 2 constraints.
fn mont_to_edwards(p: &MontVar) -> Result<PointVar, SynthesisError> {
    let x = div(&p.u, &p.v)?;
    let y = div(&(&p.u - Fr::one()), &(&p.u + Fr::one()))?;
    Ok(PointVar { x, y })
}

/// One coordinate of an 8-entry constant table at index `b0 + 2·b1 + 4·b2`, given
/// `b01 = b0·b1`: the multilinear interpolation, 1 constraint (the product with `b2`).
fn select8(
    c: [Fr; 8],
    b0: &FpVar<Fr>,
    b1: &FpVar<Fr>,
    b01: &FpVar<Fr>,
    b2: &FpVar<Fr>,
) -> FpVar<Fr> {
    let lo = b0 * (c[1] - c[0]) + b1 * (c[2] - c[0]) + b01 * (c[3] - c[2] - c[1] + c[0]) + c[0];
    let hi = b0 * (c[5] - c[4] - c[1] + c[0])
        + b1 * (c[6] - c[4] - c[2] + c[0])
        + b01 * (c[7] - c[6] - c[5] + c[4] - c[3] + c[2] + c[1] - c[0])
        + (c[4] - c[0]);
    lo + b2 * hi
}

/// One coordinate of a 4-entry constant table at index `b0 + 2·b1`: linear in
/// `b0, b1, b01`, no constraint.
fn select4(c: [Fr; 4], b0: &FpVar<Fr>, b1: &FpVar<Fr>, b01: &FpVar<Fr>) -> FpVar<Fr> {
    b0 * (c[1] - c[0]) + b1 * (c[2] - c[0]) + b01 * (c[3] - c[2] - c[1] + c[0]) + c[0]
}

/// The constant tables of the multiplication, computed once.
struct Tables {
    /// `mont[i][d]` = Montgomery coordinates of `(d + 2)·8^i·Base8`.
    mont: Vec<[(Fr, Fr); 8]>,
    /// `top[d]` = `(d·2^249 − K)·Base8`, `K = Σ_{i<83} 2·8^i`, Edwards coordinates.
    top: [Point; 4],
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut base = Point::base8(); // 8^i · Base8
        let mut k = BigUint::zero();
        let mut mont = Vec::with_capacity(MONT_WINDOWS);
        for i in 0..MONT_WINDOWS {
            let entries = std::array::from_fn(|d| {
                base.mul_bigint(&BigUint::from(d as u64 + 2))
                    .to_montgomery()
                    // (d + 2)·8^i is not a multiple of the prime l > 9·8^82.
                    .expect("no table point is the identity")
            });
            mont.push(entries);
            k += BigUint::from(2u8) << (3 * i);
            base = base.double().double().double();
        }
        let neg_k = Point::base8().mul_bigint(&k).neg();
        let top = std::array::from_fn(|d| base.mul_bigint(&BigUint::from(d as u64)).add(&neg_k));
        Tables { mont, top }
    })
}

/// `Σ b_i·2^i · Base8` for 251 little-endian booleans ([`FIXED_BASE_MUL_CONSTRAINTS`]).
fn fixed_base_mul(bits: &[Boolean<Fr>]) -> Result<PointVar, SynthesisError> {
    let t = tables();
    let b: Vec<FpVar<Fr>> = bits.iter().cloned().map(FpVar::from).collect();
    let mut acc: Option<MontVar> = None;
    for (i, table) in t.mont.iter().enumerate() {
        let (b0, b1, b2) = (&b[3 * i], &b[3 * i + 1], &b[3 * i + 2]);
        let b01 = b0 * b1;
        let q = MontVar {
            u: select8(table.map(|e| e.0), b0, b1, &b01, b2),
            v: select8(table.map(|e| e.1), b0, b1, &b01, b2),
        };
        acc = Some(match acc {
            None => q,
            Some(acc) => mont_add(&acc, &q)?,
        });
    }
    let acc = acc.ok_or(SynthesisError::Unsatisfiable)?;
    let low = mont_to_edwards(&acc)?;
    let (b0, b1) = (&b[3 * MONT_WINDOWS], &b[3 * MONT_WINDOWS + 1]);
    let b01 = b0 * b1;
    let top = PointVar {
        x: select4(t.top.map(|p| p.x), b0, b1, &b01),
        y: select4(t.top.map(|p| p.y), b0, b1, &b01),
    };
    low.add(&top)
}

#[cfg(test)]
mod tests;
