//! Tests of the Baby Jubjub gadget against its native twin: equal points, accepting
//! exactly what the native side accepts, unsatisfiable secrets not below `l`, dishonest bits
//! and wrong public keys, complete addition, and the pinned constraint counts.

use super::*;
use ark_ff::{PrimeField, UniformRand};
use ark_relations::gr1cs::{ConstraintSystem, ConstraintSystemRef};
use proptest::prelude::*;
use rand::SeedableRng;

fn l() -> Fr {
    Fr::from(subgroup_order())
}

/// Runs the gadget on a witness secret; returns the output and the system.
fn run(secret: Fr) -> (Point, ConstraintSystemRef<Fr>) {
    let cs = ConstraintSystem::<Fr>::new_ref();
    let s = FpVar::new_witness(cs.clone(), || Ok(secret)).unwrap();
    let pk = derive_public_key_var(&s).unwrap();
    (pk.value().unwrap(), cs)
}

fn assert_matches_native(secret: Fr) {
    let (pk, cs) = run(secret);
    assert_eq!(Ok(pk), derive_public_key(&secret), "secret {secret}");
    assert!(cs.is_satisfied().unwrap(), "secret {secret}");
    assert_eq!(cs.num_constraints(), DERIVE_PUBLIC_KEY_CONSTRAINTS);
}

#[test]
fn gadget_equals_native_on_extremes() {
    let two = Fr::from(2u64);
    let mut cases = vec![Fr::zero(), Fr::one(), two, l() - Fr::one(), l() - two];
    // Every window at its extremes: all ones below 2^249, 2^249, 2^250, 2^250 + 2^249 − 1.
    let p249 = two.pow([249u64]);
    cases.extend([
        p249 - Fr::one(),
        p249,
        p249.double(),
        p249.double() + p249 - Fr::one(),
    ]);
    for s in cases {
        assert_matches_native(s);
    }
    assert_eq!(run(Fr::zero()).0, Point::identity());
}

#[test]
fn gadget_equals_native_on_random_secrets_and_vectors() {
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(11);
    let l_big = subgroup_order();
    for _ in 0..8 {
        let s = Fr::from(BigUint::from(Fr::rand(&mut rng).into_bigint()) % &l_big);
        assert_matches_native(s);
    }
    for case in crate::test_vectors::vectors().identities {
        let (pk, cs) = run(case.secret_scalar);
        assert_eq!(vec![pk.x, pk.y], case.public_key);
        assert!(cs.is_satisfied().unwrap());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// The circuit accepts exactly the secrets the native rule accepts, with the
    /// native output.
    #[test]
    fn accepts_exactly_what_native_accepts(limbs in any::<[u64; 4]>(), shift in 0u32..8) {
        let bytes: Vec<u8> = limbs.iter().flat_map(|l| l.to_le_bytes()).collect();
        // 248 + shift bits, so that about half the cases straddle l ≈ 2^250.6.
        let s = Fr::from(BigUint::from_bytes_le(&bytes) >> (8 - shift));
        let native = derive_public_key(&s);
        let (pk, cs) = run(s);
        match native {
            Ok(p) => {
                prop_assert_eq!(pk, p);
                prop_assert!(cs.is_satisfied().unwrap());
            }
            Err(_) => prop_assert!(!cs.is_satisfied().unwrap()),
        }
    }
}

#[test]
fn secrets_not_below_l_are_unsatisfiable() {
    let two = Fr::from(2u64);
    for s in [
        l(),
        l() + Fr::from(5u64),
        l() + l() - Fr::one(),
        two.pow([251u64]) - Fr::one(),
        two.pow([251u64]),
        two.pow([251u64]) + Fr::from(3u64),
        -Fr::one(),
    ] {
        let (_, cs) = run(s);
        assert!(!cs.is_satisfied().unwrap(), "secret {s}");
    }
}

#[test]
fn dishonest_bits_are_unsatisfiable() {
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(12);
    let s = Fr::from(BigUint::from(Fr::rand(&mut rng).into_bigint()) % subgroup_order());
    let honest = le_bits(&s, SUBGROUP_ORDER_BITS);
    // The honest bits are accepted through the same entry point.
    let cs = ConstraintSystem::<Fr>::new_ref();
    let sv = FpVar::new_witness(cs.clone(), || Ok(s)).unwrap();
    derive_public_key_with_bits(&sv, Some(honest.clone())).unwrap();
    assert!(cs.is_satisfied().unwrap());
    // One flipped bit: the packing fails.
    for i in [0, 125, 250] {
        let mut bits = honest.clone();
        bits[i] = !bits[i];
        let cs = ConstraintSystem::<Fr>::new_ref();
        let sv = FpVar::new_witness(cs.clone(), || Ok(s)).unwrap();
        derive_public_key_with_bits(&sv, Some(bits)).unwrap();
        assert!(!cs.is_satisfied().unwrap(), "bit {i}");
    }
    // The bits of l, claimed for the field element l: packing holds, range check fails.
    let cs = ConstraintSystem::<Fr>::new_ref();
    let sv = FpVar::new_witness(cs.clone(), || Ok(l())).unwrap();
    derive_public_key_with_bits(&sv, Some(le_bits(&l(), SUBGROUP_ORDER_BITS))).unwrap();
    assert!(!cs.is_satisfied().unwrap());
}

#[test]
fn wrong_public_key_is_unsatisfied() {
    let s = Fr::from(123456789u64);
    let cs = ConstraintSystem::<Fr>::new_ref();
    let sv = FpVar::new_witness(cs.clone(), || Ok(s)).unwrap();
    let pk = derive_public_key_var(&sv).unwrap();
    let good = derive_public_key(&s).unwrap();
    let claimed = PointVar {
        x: FpVar::new_input(cs.clone(), || Ok(good.x)).unwrap(),
        y: FpVar::new_input(cs.clone(), || Ok(good.y)).unwrap(),
    };
    pk.enforce_equal(&claimed).unwrap();
    assert!(cs.is_satisfied().unwrap());
    for wrong in [good.neg(), good.add(&Point::base8()), Point::identity()] {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let sv = FpVar::new_witness(cs.clone(), || Ok(s)).unwrap();
        let pk = derive_public_key_var(&sv).unwrap();
        let claimed = PointVar {
            x: FpVar::new_input(cs.clone(), || Ok(wrong.x)).unwrap(),
            y: FpVar::new_input(cs.clone(), || Ok(wrong.y)).unwrap(),
        };
        pk.enforce_equal(&claimed).unwrap();
        assert!(!cs.is_satisfied().unwrap());
    }
}

#[test]
fn constraint_breakdown_is_pinned() {
    let s = Fr::from(987654321u64);
    let cs = ConstraintSystem::<Fr>::new_ref();
    let sv = FpVar::new_witness(cs.clone(), || Ok(s)).unwrap();
    let bits = alloc_bits(&sv, Some(le_bits(&s, SUBGROUP_ORDER_BITS))).unwrap();
    assert_eq!(cs.num_constraints(), BITS_CONSTRAINTS);
    enforce_below_order(&bits).unwrap();
    assert_eq!(
        cs.num_constraints(),
        BITS_CONSTRAINTS + RANGE_CHECK_CONSTRAINTS
    );
    fixed_base_mul(&bits).unwrap();
    assert_eq!(cs.num_constraints(), DERIVE_PUBLIC_KEY_CONSTRAINTS);
    assert_eq!(
        BITS_CONSTRAINTS + RANGE_CHECK_CONSTRAINTS + FIXED_BASE_MUL_CONSTRAINTS,
        DERIVE_PUBLIC_KEY_CONSTRAINTS
    );
    assert!(cs.is_satisfied().unwrap());

    // One constraint per run of zeros of l − 1.
    let c = le_bits(&(l() - Fr::one()), SUBGROUP_ORDER_BITS);
    let runs = (0..SUBGROUP_ORDER_BITS)
        .filter(|&i| !c[i] && (i + 1 == SUBGROUP_ORDER_BITS || c[i + 1]))
        .count();
    assert_eq!(runs, RANGE_CHECK_CONSTRAINTS);

    // The yardstick inside arkworks: its generic comparison on the same bits.
    let cs2 = ConstraintSystem::<Fr>::new_ref();
    let sv = FpVar::new_witness(cs2.clone(), || Ok(s)).unwrap();
    let bits = alloc_bits(&sv, Some(le_bits(&s, SUBGROUP_ORDER_BITS))).unwrap();
    let before = cs2.num_constraints();
    let l_minus_1 = (l() - Fr::one()).into_bigint();
    Boolean::enforce_smaller_or_equal_than_le(&bits, l_minus_1).unwrap();
    let arkworks = cs2.num_constraints() - before;
    assert!(cs2.is_satisfied().unwrap());
    assert!(arkworks > RANGE_CHECK_CONSTRAINTS, "arkworks: {arkworks}");
    println!("arkworks enforce_smaller_or_equal_than_le: {arkworks} constraints");
}

/// The integer bounds of the no-exceptional-case argument in the module docs.
#[test]
fn montgomery_additions_are_never_exceptional() {
    let l = subgroup_order();
    let eight = BigUint::from(8u8);
    for j in 0..MONT_WINDOWS - 1 {
        let w = eight.pow(j as u32 + 1); // 8^{j+1}
        let k_min = (&w - 1u8) * 2u8 / 7u8;
        let k_max = (&w - 1u8) * 9u8 / 7u8;
        let (t_min, t_max) = (&w * 2u8, &w * 9u8);
        assert!(k_min > BigUint::zero() && k_max < t_min, "window {j}");
        assert!(&t_max + &k_max < l, "window {j}");
    }
    // The same, replayed on the table points: no x-coordinate collision between
    // the accumulator extremes and the table of the next window.
    let t = tables();
    let all_same = |d: usize| {
        (0..MONT_WINDOWS)
            .scan(None::<Point>, |acc, i| {
                let (u, v) = t.mont[i][d];
                let q = Point {
                    x: u * v.inverse().unwrap(),
                    y: (u - Fr::one()) * (u + Fr::one()).inverse().unwrap(),
                };
                if let Some(a) = acc {
                    let (au, _) = a.to_montgomery().unwrap();
                    assert_ne!(au, u, "window {i}, digit {d}");
                }
                *acc = Some(acc.map_or(q, |a| a.add(&q)));
                *acc
            })
            .last()
    };
    for d in [0, 7] {
        assert!(all_same(d).is_some());
    }
}

#[test]
fn point_add_is_complete_and_matches_native() {
    let g = Point::base8();
    let p = g.mul(&Fr::from(77u64));
    let pairs = [
        (p, p),
        (p, p.neg()),
        (p, Point::identity()),
        (Point::identity(), Point::identity()),
        (g, p),
    ];
    for (a, b) in pairs {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let alloc = |q: Point| PointVar {
            x: FpVar::new_witness(cs.clone(), || Ok(q.x)).unwrap(),
            y: FpVar::new_witness(cs.clone(), || Ok(q.y)).unwrap(),
        };
        let sum = alloc(a).add(&alloc(b)).unwrap();
        assert_eq!(sum.value().unwrap(), a.add(&b));
        assert!(cs.is_satisfied().unwrap());
        assert_eq!(cs.num_constraints(), ADD_CONSTRAINTS);
    }
}

#[test]
fn constant_secret_gives_constant_point() {
    let s = FpVar::constant(Fr::from(42u64));
    let pk = derive_public_key_var(&s).unwrap();
    assert_eq!(
        pk.value().unwrap(),
        derive_public_key(&Fr::from(42u64)).unwrap()
    );
    assert!(derive_public_key_var(&FpVar::constant(l())).is_err());
}

#[test]
fn setup_mode_has_the_same_shape() {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_mode(ark_relations::gr1cs::SynthesisMode::Setup);
    let s = FpVar::new_witness(cs.clone(), || Ok(Fr::one())).unwrap();
    derive_public_key_var(&s).unwrap();
    assert_eq!(cs.num_constraints(), DERIVE_PUBLIC_KEY_CONSTRAINTS);
}
