//! circomlib's Poseidon constants, regenerated with the Poseidon reference script's
//! Grain LFSR.
//!
//! circomlib's round constants and MDS matrices (`poseidon_constants.json` in
//! circomlibjs) were made by `generate_parameters_grain.sage` of the Poseidon authors
//! (`hadeshash`; the generation is described in the Poseidon paper, eprint 2019/458),
//! run as
//! `sage generate_parameters_grain.sage 1 0 254 t 8 R_P(t) 0x30644e…f0000001`
//! for `t = 2..=17`. This module does the same computation:
//!
//! 1. **Seed**: an 80-bit register `b` holds, most significant bit first, the field
//!    type (2 bits, `1` = prime field), the S-box (4 bits, `0` = `x^α`), the field
//!    size `n = 254` (12 bits), `t` (12), `R_F` (10), `R_P` (10), then 30 ones.
//! 2. **Clock**: the new bit is `b₆₂ ⊕ b₅₁ ⊕ b₃₈ ⊕ b₂₃ ⊕ b₁₃ ⊕ b₀`; `b₀` is shifted
//!    out and the new bit appended. The first 160 bits are discarded.
//! 3. **Self-shrinking**: bits are taken in pairs; a pair `(1, x)` outputs `x`, a
//!    pair `(0, x)` outputs nothing.
//! 4. **Round constants**: `(R_F + R_P)·t` field elements, each read from 254 output
//!    bits, most significant first, and drawn again while it is `≥ r`.
//! 5. **MDS**: `2t` values of 254 bits, each reduced mod `r` (no redraw), split into
//!    `xs` (the first `t`) and `ys`; `M[i][j] = 1/(xs[i] + ys[j])` (a Cauchy matrix).
//!    All `2t` are drawn again if two are equal or some `xs[i] + ys[j]` is zero.
//!
//! The script then runs its security checks on `M` (algorithms 1–3 of the paper:
//! no invariant subspace trails) and draws a new matrix if one fails. That never
//! happened for circomlib's widths: the first matrix drawn is circomlib's for every
//! `t = 2..=17` (every constant and matrix entry was compared with circomlibjs'
//! `poseidon_constants.json` when this module was written; the tests below pin all
//! of them against light-poseidon for `t ≤ 13` and four values per width, copied from
//! circomlibjs, for `t = 14..=17`), so the checks are not repeated here. `M` is used as `state ← M·state`, i.e. `M[i][j]` multiplies `state[j]` into
//! `state[i]`, exactly as circomlibjs' `poseidon_reference.js` uses its `M`.

use ark_bn254::Fr;
use ark_ff::{BigInt, BigInteger, Field, PrimeField};

/// Bits of a field element drawn from the generator: `n` in the seed.
const FIELD_BITS: usize = 254;

/// The Grain LFSR in self-shrinking mode, as seeded by the reference script.
struct Grain {
    /// `b₀ … b₇₉` in bits `0 … 79`: `b₀` is the oldest bit, the next one shifted out.
    state: u128,
}

impl Grain {
    fn new(width: usize, full_rounds: usize, partial_rounds: usize) -> Self {
        // (value, bit length), written most significant bit first.
        let fields: [(u64, u32); 7] = [
            (1, 2),                      // field: GF(p)
            (0, 4),                      // S-box: x^alpha
            (FIELD_BITS as u64, 12),     // n
            (width as u64, 12),          // t
            (full_rounds as u64, 10),    // R_F
            (partial_rounds as u64, 10), // R_P
            ((1 << 30) - 1, 30),         // padding
        ];
        let mut state = 0u128;
        let mut pos = 0;
        for (value, len) in fields {
            assert!(value < 1 << len, "seed field does not fit");
            for k in (0..len).rev() {
                state |= u128::from((value >> k) & 1) << pos;
                pos += 1;
            }
        }
        assert_eq!(pos, 80);
        let mut g = Grain { state };
        for _ in 0..160 {
            g.clock();
        }
        g
    }

    /// One LFSR step: returns the new bit `b₆₂ ⊕ b₅₁ ⊕ b₃₈ ⊕ b₂₃ ⊕ b₁₃ ⊕ b₀`.
    fn clock(&mut self) -> bool {
        let s = self.state;
        let new = (s >> 62 ^ s >> 51 ^ s >> 38 ^ s >> 23 ^ s >> 13 ^ s) & 1;
        self.state = s >> 1 | new << 79;
        new == 1
    }

    /// The next self-shrunk output bit.
    fn bit(&mut self) -> bool {
        loop {
            let keep = self.clock();
            let bit = self.clock();
            if keep {
                return bit;
            }
        }
    }

    /// The next 254 output bits as an integer, first bit most significant.
    fn bigint(&mut self) -> BigInt<4> {
        let mut limbs = [0u64; 4];
        for pos in (0..FIELD_BITS).rev() {
            limbs[pos / 64] |= u64::from(self.bit()) << (pos % 64);
        }
        BigInt::new(limbs)
    }

    /// A round constant: 254 bits, drawn again while not below `r`.
    fn field_element_rejecting(&mut self) -> Fr {
        loop {
            if let Some(x) = Fr::from_bigint(self.bigint()) {
                return x;
            }
        }
    }

    /// An MDS seed value: 254 bits reduced mod `r` (`2²⁵⁴ < 2r`, so one subtraction).
    fn field_element_reduced(&mut self) -> Fr {
        let mut b = self.bigint();
        if b >= Fr::MODULUS {
            b.sub_with_borrow(&Fr::MODULUS);
        }
        Fr::from_bigint(b).expect("reduced below the modulus")
    }
}

/// circomlib's round constants (flat, `(R_F + R_P)·t` elements, round by round) and
/// MDS matrix (`mds[i][j]` multiplies `state[j]` into `state[i]`) for width `t`.
pub(crate) fn circom_constants(
    width: usize,
    full_rounds: usize,
    partial_rounds: usize,
) -> (Vec<Fr>, Vec<Vec<Fr>>) {
    let mut g = Grain::new(width, full_rounds, partial_rounds);
    let ark = (0..(full_rounds + partial_rounds) * width)
        .map(|_| g.field_element_rejecting())
        .collect();
    let mds = loop {
        let seeds: Vec<Fr> = (0..2 * width).map(|_| g.field_element_reduced()).collect();
        let distinct = (0..seeds.len()).all(|i| !seeds[..i].contains(&seeds[i]));
        if !distinct {
            continue;
        }
        let (xs, ys) = seeds.split_at(width);
        let m: Option<Vec<Vec<Fr>>> = xs
            .iter()
            .map(|x| ys.iter().map(|y| (*x + y).inverse()).collect())
            .collect();
        if let Some(m) = m {
            break m;
        }
    };
    (ark, mds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poseidon::{FULL_ROUNDS, PARTIAL_ROUNDS};

    fn constants(width: usize) -> (Vec<Fr>, Vec<Vec<Fr>>) {
        circom_constants(width, FULL_ROUNDS, PARTIAL_ROUNDS[width - 2])
    }

    /// light-poseidon ships circomlib's constants for `t = 2..=13`: ours must be
    /// exactly those, element by element and in the same orientation.
    #[test]
    fn grain_equals_light_poseidon_up_to_width_13() {
        for width in 2..=13 {
            let lp =
                light_poseidon::parameters::bn254_x5::get_poseidon_parameters::<Fr>(width as u8)
                    .unwrap();
            assert_eq!(lp.full_rounds, FULL_ROUNDS);
            assert_eq!(lp.partial_rounds, PARTIAL_ROUNDS[width - 2], "t = {width}");
            let (ark, mds) = constants(width);
            assert_eq!(ark, lp.ark, "round constants, t = {width}");
            assert_eq!(mds, lp.mds, "MDS, t = {width}");
        }
    }

    fn hex(s: &str) -> Fr {
        Fr::from_be_bytes_mod_order(&hex::decode(s).unwrap())
    }

    /// Widths light-poseidon does not have, against values copied from circomlibjs'
    /// `src/poseidon_constants.json` (`C[t-2][0]`, `C[t-2][last]`, `M[t-2][0][1]`,
    /// `M[t-2][1][0]`); the two off-diagonal entries pin the orientation of `M`.
    #[test]
    fn grain_equals_circomlibjs_for_widths_14_to_17() {
        let want: [(usize, [&str; 4]); 4] = [
            (
                14,
                [
                    "304c29aeb6f1873847879576d30f1f6e8a3ce41082c15c7632df920d6db5164d",
                    "0802cf3684ec2646c535c018305bc1377b437590aad654951519c539c30d54de",
                    "12186bb22000ad84b6bf29179ade2d4e7e94ff07e51627e09580571061fa8ce8",
                    "12826e5b9be1c9b85f7c98aaca9ce28a870687d3628d60def0ab3072b57b09b8",
                ],
            ),
            (
                15,
                [
                    "148d9e4542066b125da6d69ff3fb676ebd27e6a38a1ff4281bd639c97af6ffd5",
                    "1c135b8055f27736b4c89ca09ccb72a37294e06194bacc54deaea9449ac17c58",
                    "19a92ac6087ab89982fe5650e5e799f91003fd8b45400748d2c25e40f04c578d",
                    "113ad8b46c3eec20c9965b5a7b2e8a51529871d0401b4de6f63de9e5211623e2",
                ],
            ),
            (
                16,
                [
                    "11e27da7b7ef964948a332974d07cceea778bc33aedbcd09de222fa22ad0b101",
                    "2f8a8ee41d90aac2a91c1cc70772ed6f98340052516b3a54bd8df388870c5b24",
                    "069b1779dec3eaded3f07d0c3e6cecd6cffe78d747faedad9c90665aa2d92cb3",
                    "111d04c083f51a6fdf87412a537f6601076d61f435094ea16946efbfa4893e97",
                ],
            ),
            (
                17,
                [
                    "2fb583762b37592c6c5a95eb1d06694b6c6f9dc4f1ad4862dd8f5e67cb7a3f5c",
                    "2a437b970ff32645bd5303f9474b5743427333c6663d17f44d918e9f2ca005d4",
                    "1440dc2578f44694d18c25f892d98c23cfdb87a772200020e897823d4bc84d3b",
                    "130fc54477fd953377fc23abbd7a41be6764892a8787c759c1440fe0133c852d",
                ],
            ),
        ];
        for (width, [c_first, c_last, m01, m10]) in want {
            let (ark, mds) = constants(width);
            assert_eq!(ark.len(), (FULL_ROUNDS + PARTIAL_ROUNDS[width - 2]) * width);
            assert_eq!(ark[0], hex(c_first), "C[0], t = {width}");
            assert_eq!(*ark.last().unwrap(), hex(c_last), "C[last], t = {width}");
            assert_eq!(mds[0][1], hex(m01), "M[0][1], t = {width}");
            assert_eq!(mds[1][0], hex(m10), "M[1][0], t = {width}");
        }
    }
}
