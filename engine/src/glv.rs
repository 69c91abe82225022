//! `r·P` and `Σ r_i·P_i` in G1 for the batch challenges `r = lo + λ·hi` (see
//! [`Challenge`]), with the GLV endomorphism of BN254's G1.
//!
//! `φ(x, y) = (β·x, y)`, with `β` a primitive cube root of unity in `Fq`, is the
//! multiplication by `λ` (a cube root of unity mod `n`) on G1 (ark-bn254's `GLVConfig`
//! constants, checked in the tests). So `r·P = lo·P + hi·φ(P)`: two 64-bit scalars
//! evaluated together need 64 doublings, where a 128-bit scalar needs 128.
//!
//! [`mul_challenges`] computes `r_i·A_i` for a whole batch: a table `P, 3P, 5P, 7P` per
//! point, then width-4 NAF digits of `lo` and `hi` (on average one non-zero digit in
//! five), so about 64 doublings and 26 additions per point, against 128 doublings and 64
//! additions for the plain double-and-add of a 128-bit scalar. The points of a chunk
//! (one per thread) are computed together in affine coordinates, each doubling or
//! addition step of all of them sharing one inversion: a doubling then costs about 7
//! `Fq` multiplications (as in Jacobian coordinates), an addition about 6 instead of 11,
//! and the results need no normalisation (about 25 % less time than Jacobian
//! coordinates; a chunk that meets a zero denominator is redone in Jacobian ones). [`msm_challenges`] computes `Σ r_i·C_i` as
//! `Σ lo_i·C_i + φ(Σ hi_i·C_i)`: two 64-bit multi-scalar multiplications, no doublings.

use ark_bn254::{g1, Fq, Fr, G1Affine, G1Projective};
use ark_ec::scalar_mul::glv::GLVConfig;
use ark_ec::{AdditiveGroup, AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::{Field, Zero};
use rayon::prelude::*;

use crate::pairing::batch_invert;
use crate::tower::{add_fq, sub_fq};
use crate::transcript::Challenge;

/// `λ`: `φ(P) = λ·P` on G1.
pub const LAMBDA: Fr = <g1::Config as GLVConfig>::LAMBDA;

/// `φ(P) = (β·x, y)`.
#[inline]
fn endo(p: &G1Affine) -> G1Affine {
    <g1::Config as GLVConfig>::endomorphism_affine(p)
}

/// Width-4 NAF of `k`: digits in `{0, ±1, ±3, ±5, ±7}`, least significant first, at most
/// one non-zero digit in any 4 consecutive ones; `Σ d_j·2^j = k`.
fn wnaf4(k: u64) -> ([i8; 66], usize) {
    let mut digits = [0i8; 66];
    let mut k = k as u128;
    let mut len = 0;
    while k != 0 {
        if k & 1 == 1 {
            let mut z = (k & 15) as i8;
            if z > 8 {
                z -= 16;
            }
            if z > 0 {
                k -= z as u128;
            } else {
                k += (-z) as u128;
            }
            digits[len] = z;
        }
        k >>= 1;
        len += 1;
    }
    (digits, len)
}

/// `P, 3P, 5P, 7P` (projective).
fn odd_multiples(p: &G1Affine) -> [G1Projective; 4] {
    let p1 = G1Projective::from(*p);
    let p2 = p1.double();
    let p3 = p2 + p;
    let p5 = p3 + p2;
    let p7 = p5 + p2;
    [p1, p3, p5, p7]
}

/// `lo·T + hi·φ(T)` from the table `T = [P, 3P, 5P, 7P]` (affine).
fn mul_with_table(table: &[G1Affine], lo: u64, hi: u64) -> G1Projective {
    let endo_table: [G1Affine; 4] = [
        endo(&table[0]),
        endo(&table[1]),
        endo(&table[2]),
        endo(&table[3]),
    ];
    let (d_lo, len_lo) = wnaf4(lo);
    let (d_hi, len_hi) = wnaf4(hi);
    let mut acc = G1Projective::zero();
    for j in (0..len_lo.max(len_hi)).rev() {
        acc.double_in_place();
        for (d, t) in [(d_lo[j], table), (d_hi[j], &endo_table[..])] {
            if d > 0 {
                acc += &t[(d / 2) as usize];
            } else if d < 0 {
                acc -= &t[(-d / 2) as usize];
            }
        }
    }
    acc
}

/// `r_i·P_i` for every point, in affine form: see the [module documentation](self).
/// Runs on the current rayon pool. Points and challenges are paired in order; extra
/// ones are ignored.
pub fn mul_challenges(points: &[G1Affine], challenges: &[Challenge]) -> Vec<G1Affine> {
    let n = points.len().min(challenges.len());
    let workers = rayon::current_num_threads().max(1);
    let chunk = n.div_ceil(workers).max(MIN_CHUNK);
    points[..n]
        .par_chunks(chunk)
        .zip(challenges[..n].par_chunks(chunk))
        .flat_map_iter(|(p, c)| {
            if p.len() >= AFFINE_MIN_LANES {
                mul_challenges_affine(p, c)
            } else {
                mul_challenges_projective(p, c)
            }
        })
        .collect()
}

/// Smallest chunk worth affine steps. An affine step costs one field inversion for
/// the whole chunk (≈ 6 µs with `ark_ff`'s binary GCD, ≈ 270 multiplications) and saves
/// about 4 multiplications per point against projective formulas: below ≈ 64 points the
/// inversion costs more than it saves (the batches of a ballot box under a few dozen
/// clients are of this size).
const AFFINE_MIN_LANES: usize = 64;

/// Smallest number of points worth a chunk (and a shared inversion per step) of its own.
const MIN_CHUNK: usize = 16;

/// [`mul_challenges`] with projective coordinates, one point at a time: a table
/// `P, 3P, 5P, 7P` per point, normalised with one batch inversion, then
/// [`mul_with_table`]. The fallback of [`mul_challenges_affine`].
fn mul_challenges_projective(points: &[G1Affine], challenges: &[Challenge]) -> Vec<G1Affine> {
    let tables: Vec<G1Projective> = points.iter().flat_map(odd_multiples).collect();
    let tables = G1Projective::normalize_batch(&tables);
    let out: Vec<G1Projective> = tables
        .chunks(4)
        .zip(challenges)
        .map(|(t, c)| mul_with_table(t, c.lo, c.hi))
        .collect();
    G1Projective::normalize_batch(&out)
}

/// An affine point `(x, y)`, never the identity.
#[derive(Clone, Copy)]
struct Affine {
    x: Fq,
    y: Fq,
}

impl Affine {
    fn new(p: &G1Affine) -> Option<Self> {
        p.xy().map(|(x, y)| Affine { x, y })
    }

    fn neg(&self) -> Self {
        Affine {
            x: self.x,
            y: -self.y,
        }
    }
}

/// The per-point state of [`mul_challenges_affine`].
struct Lane {
    /// `P, 3P, 5P, 7P`, then `φ` of them.
    table: [Affine; 8],
    lo: ([i8; 66], usize),
    hi: ([i8; 66], usize),
    /// The running sum, `None` for the identity.
    acc: Option<Affine>,
}

/// `acc_i ← acc_i + s_i` (affine) for every lane `i` of `ops`, `s_i = None` meaning
/// `s_i = acc_i` (a doubling), with one inversion for all. `false` if some denominator
/// is zero (`s_i = ±acc_i`, or `y = 0`), leaving the lanes unchanged.
fn affine_step(
    lanes: &mut [Lane],
    ops: &[(usize, Option<Affine>)],
    den: &mut Vec<Fq>,
    prefix: &mut Vec<Fq>,
) -> bool {
    if ops.is_empty() {
        return true;
    }
    den.clear();
    for &(i, s) in ops {
        let Some(a) = lanes[i].acc else {
            return false;
        };
        den.push(match s {
            None => a.y.double(),
            Some(s) => sub_fq(&s.x, &a.x),
        });
    }
    if !batch_invert(den, prefix) {
        return false;
    }
    for (&(i, s), d) in ops.iter().zip(den.iter()) {
        let Some(a) = lanes[i].acc else {
            return false;
        };
        let (num, sx) = match s {
            None => {
                let x2 = a.x.square();
                (add_fq(&x2.double(), &x2), a.x)
            }
            Some(s) => (sub_fq(&s.y, &a.y), s.x),
        };
        let lambda = num * d;
        let x3 = sub_fq(&sub_fq(&lambda.square(), &a.x), &sx);
        let y3 = sub_fq(&(lambda * sub_fq(&a.x, &x3)), &a.y);
        lanes[i].acc = Some(Affine { x: x3, y: y3 });
    }
    true
}

/// `r_i·P_i` for a chunk, all points together in affine coordinates: the same `wNAF`
/// digits as [`mul_with_table`], but every doubling and addition step of all points
/// shares one inversion (Montgomery's trick), so that a doubling costs about 7 `Fq`
/// multiplications (as in Jacobian coordinates) and an addition about 6 (11 for a mixed
/// Jacobian addition), and the results need no normalisation. A step with a zero
/// denominator (a point at infinity, or a sum `Q ± Q`, which the digits of a random
/// challenge make negligibly rare) sends the whole chunk to
/// [`mul_challenges_projective`], so the result is always exact.
fn mul_challenges_affine(points: &[G1Affine], challenges: &[Challenge]) -> Vec<G1Affine> {
    affine_chunk(points, challenges)
        .unwrap_or_else(|| mul_challenges_projective(points, challenges))
}

fn affine_chunk(points: &[G1Affine], challenges: &[Challenge]) -> Option<Vec<G1Affine>> {
    let mut lanes: Vec<Lane> = Vec::with_capacity(points.len());
    for (p, c) in points.iter().zip(challenges) {
        let a = Affine::new(p)?;
        lanes.push(Lane {
            table: [a; 8],
            lo: wnaf4(c.lo),
            hi: wnaf4(c.hi),
            acc: Some(a),
        });
    }
    let (mut den, mut prefix) = (
        Vec::with_capacity(lanes.len()),
        Vec::with_capacity(lanes.len()),
    );
    let all: Vec<usize> = (0..lanes.len()).collect();
    // The table: `acc = 2P`, then `3P = 2P + P`, `5P = 3P + 2P`, `7P = 5P + 2P`.
    let doubles: Vec<(usize, Option<Affine>)> = all.iter().map(|&i| (i, None)).collect();
    if !affine_step(&mut lanes, &doubles, &mut den, &mut prefix) {
        return None;
    }
    let two: Vec<Affine> = lanes.iter().filter_map(|l| l.acc).collect();
    for k in 1..4 {
        let ops: Vec<(usize, Option<Affine>)> = all
            .iter()
            .map(|&i| (i, Some(if k == 1 { lanes[i].table[0] } else { two[i] })))
            .collect();
        if k > 1 {
            for &i in &all {
                lanes[i].acc = Some(lanes[i].table[k - 1]);
            }
        }
        if !affine_step(&mut lanes, &ops, &mut den, &mut prefix) {
            return None;
        }
        for l in lanes.iter_mut() {
            l.table[k] = l.acc?;
        }
    }
    for l in lanes.iter_mut() {
        for k in 0..4 {
            l.table[4 + k] = Affine {
                x: l.table[k].x * <g1::Config as GLVConfig>::ENDO_COEFFS[0],
                y: l.table[k].y,
            };
        }
        l.acc = None;
    }
    let len = lanes.iter().map(|l| l.lo.1.max(l.hi.1)).max().unwrap_or(0);
    let mut ops = Vec::with_capacity(lanes.len());
    for j in (0..len).rev() {
        ops.clear();
        ops.extend(
            (0..lanes.len())
                .filter(|&i| lanes[i].acc.is_some())
                .map(|i| (i, None)),
        );
        if !affine_step(&mut lanes, &ops, &mut den, &mut prefix) {
            return None;
        }
        for half in 0..2 {
            ops.clear();
            for (i, l) in lanes.iter_mut().enumerate() {
                let d = if half == 0 { l.lo.0[j] } else { l.hi.0[j] };
                if d == 0 {
                    continue;
                }
                let t = l.table[4 * half + (d.unsigned_abs() / 2) as usize];
                let s = if d > 0 { t } else { t.neg() };
                match l.acc {
                    None => l.acc = Some(s),
                    Some(_) => ops.push((i, Some(s))),
                }
            }
            if !affine_step(&mut lanes, &ops, &mut den, &mut prefix) {
                return None;
            }
        }
    }
    Some(
        lanes
            .iter()
            .map(|l| match l.acc {
                Some(a) => G1Affine::new_unchecked(a.x, a.y),
                None => G1Affine::zero(),
            })
            .collect(),
    )
}

/// `Σ r_i·P_i = Σ lo_i·P_i + φ(Σ hi_i·P_i)`. Points and challenges are paired in order;
/// extra ones are ignored.
pub fn msm_challenges(bases: &[G1Affine], challenges: &[Challenge]) -> G1Projective {
    let (lo, hi): (Vec<u64>, Vec<u64>) = challenges.iter().map(|c| (c.lo, c.hi)).unzip();
    let n = bases.len().min(lo.len());
    let (lo, hi) = rayon::join(
        || G1Projective::msm_u64(&bases[..n], &lo[..n]),
        || G1Projective::msm_u64(&bases[..n], &hi[..n]),
    );
    lo + <g1::Config as GLVConfig>::endomorphism(&hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ec::AffineRepr;
    use ark_ff::{BigInteger, PrimeField, UniformRand};
    use num_bigint::{BigInt, BigUint};
    use rand::{Rng, SeedableRng};

    #[test]
    fn endomorphism_is_multiplication_by_lambda() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        for _ in 0..5 {
            let p = (G1Affine::generator() * Fr::rand(&mut rng)).into_affine();
            assert_eq!(endo(&p), (p * LAMBDA).into_affine());
        }
    }

    #[test]
    fn wnaf_digits_sum_to_the_scalar() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(2);
        let mut ks: Vec<u64> = (0..1000).map(|_| rng.gen()).collect();
        ks.extend([0, 1, 7, 8, 9, 15, 16, u64::MAX, u64::MAX - 7, 1 << 63]);
        for k in ks {
            let (d, len) = wnaf4(k);
            let sum: i128 = d[..len]
                .iter()
                .enumerate()
                .map(|(j, &z)| (z as i128) << j)
                .sum();
            assert_eq!(sum, k as i128, "{k}");
            assert!(d.iter().all(|z| z % 2 != 0 || *z == 0) && d.iter().all(|z| z.abs() < 8));
            for w in d[..len].windows(4) {
                assert!(w.iter().filter(|z| **z != 0).count() <= 1, "{k}");
            }
        }
    }

    /// Both functions agree with plain scalar multiplication by `lo + λ·hi`, including
    /// the edge scalars.
    #[test]
    fn match_plain_scalar_multiplication() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let mut cs: Vec<Challenge> = (0..40)
            .map(|_| Challenge {
                lo: rng.gen(),
                hi: rng.gen(),
            })
            .collect();
        for (lo, hi) in [(0, 0), (1, 0), (0, 1), (u64::MAX, u64::MAX), (7, 9)] {
            cs.push(Challenge { lo, hi });
        }
        let ps: Vec<G1Affine> = cs
            .iter()
            .map(|_| (G1Affine::generator() * Fr::rand(&mut rng)).into_affine())
            .collect();
        let got = mul_challenges(&ps, &cs);
        let mut sum = G1Projective::zero();
        for ((p, c), g) in ps.iter().zip(&cs).zip(&got) {
            let want = *p * c.scalar();
            assert_eq!(*g, want.into_affine());
            sum += want;
        }
        assert_eq!(msm_challenges(&ps, &cs), sum);
        // Any thread count (chunks of every size), and both paths of a chunk.
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            assert_eq!(pool.install(|| mul_challenges(&ps, &cs)), got);
        }
        assert_eq!(mul_challenges_projective(&ps, &cs), got);
        assert_eq!(affine_chunk(&ps, &cs), Some(got));
    }

    /// A chunk with a point at infinity (which the batch never passes) takes the
    /// projective path and stays exact.
    #[test]
    fn point_at_infinity_falls_back() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(4);
        let mut ps: Vec<G1Affine> = (0..20)
            .map(|_| (G1Affine::generator() * Fr::rand(&mut rng)).into_affine())
            .collect();
        ps[7] = G1Affine::zero();
        let cs: Vec<Challenge> = (0..20)
            .map(|_| Challenge {
                lo: rng.gen(),
                hi: rng.gen(),
            })
            .collect();
        assert!(affine_chunk(&ps, &cs).is_none());
        let got = mul_challenges(&ps, &cs);
        for ((p, c), g) in ps.iter().zip(&cs).zip(&got) {
            assert_eq!(*g, (*p * c.scalar()).into_affine());
        }
    }

    /// `(lo, hi) ↦ lo + λ·hi mod n` is injective on 64-bit pairs, so a challenge takes
    /// `2^128` distinct values (the soundness bound of [`Challenge`]).
    ///
    /// Two pairs with the same image differ by `(a, b) ≠ 0`, `|a|, |b| < 2^64`, with
    /// `a + λ·b ≡ 0 (mod n)`: a vector of the lattice `L = {(a, b) : a + λb ≡ 0}` of norm
    /// below `2^64.5`. `u`, `v` below lie in `L`, have determinant `n` (so they are a
    /// basis: `L` has index `n` in `Z²`) and are Lagrange–Gauss reduced, so `u` is a
    /// shortest non-zero vector of `L`; its norm is about `2^127`.
    #[test]
    fn challenges_are_injective() {
        let n = BigInt::from(BigUint::from_bytes_le(&Fr::MODULUS.to_bytes_le()));
        let lambda = BigInt::from(BigUint::from_bytes_le(&LAMBDA.into_bigint().to_bytes_le()));
        let int = |s: &str| s.parse::<BigInt>().unwrap();
        let u = (
            int("147946756881789319000765030803803410728"),
            int("-9931322734385697763"),
        );
        let v = (
            int("9931322734385697763"),
            int("147946756881789319010696353538189108491"),
        );
        let zero = BigInt::from(0);
        for w in [&u, &v] {
            assert_eq!((&w.0 + &lambda * &w.1) % &n, zero);
        }
        assert_eq!(&u.0 * &v.1 - &u.1 * &v.0, n);
        let dot = |x: &(BigInt, BigInt), y: &(BigInt, BigInt)| &x.0 * &y.0 + &x.1 * &y.1;
        assert!(dot(&u, &u) <= dot(&v, &v));
        let uv = dot(&u, &v);
        assert!(BigInt::from(2) * (if uv < zero { -uv } else { uv }) <= dot(&u, &u));
        assert!(dot(&u, &u) > BigInt::from(2) * (BigInt::from(1) << 128));
    }
}
