//! The ballot circuit in the circom/snarkjs file formats, so that a snarkjs setup
//! ceremony (powers of tau, phase 2, beacon) can make its keys:
//!
//! - [`r1cs_bytes`]: the iden3 `.r1cs` binary (header, constraints, wire-to-label map);
//! - [`wtns_bytes`]: the iden3 `.wtns` binary (a full assignment of the wires);
//! - [`import_zkey`]: a snarkjs Groth16 `.zkey` as an arkworks proving key, after
//!   checking that its A and B matrices are this circuit's; [`import_ballot_zkey`] also
//!   refuses keys that let anyone forge and proves and verifies a sample ballot with
//!   the key, which checks what the zkey does not store (matrix C, through the `L`
//!   and `H` bases);
//! - the R1CS-to-QAP reduction snarkjs' keys are made for is
//!   [`zkvote_engine::reduction::CircomReduction`].
//!
//! Wires are arkworks' variables in arkworks' order: wire 0 is the constant 1, wires
//! `1..=n` are the public inputs in [`BallotInstance`] order (circom public inputs; no
//! public outputs), then the private wires. The formats are those of iden3's `r1csfile`
//! and snarkjs (all integers little-endian; a binary file is a 4-byte magic, a `u32`
//! version, a `u32` section count, then sections `u32 id, u64 length, body`).
//! Field elements are 32-byte little-endian integers in `.r1cs` and `.wtns`; in a
//! `.zkey`, base-field coordinates are in Montgomery form and the matrix coefficients
//! are `c·R² mod r` (`R = 2²⁵⁶`), as ffjavascript writes them.

use ark_bn254::{Bn254, Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, BigInteger256, Field, PrimeField, Zero};
use ark_groth16::{
    r1cs_to_qap::{evaluate_constraint, R1CSToQAP},
    ProvingKey, VerifyingKey,
};
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystem, ConstraintSystemRef, Matrix, OptimizationGoal,
    SynthesisError, SynthesisMode, R1CS_PREDICATE_LABEL,
};
use zkvote_circuits::ballot::{circuit::BallotCircuit, public_inputs::BallotInstance, BallotShape};

use zkvote_engine::reduction::CircomReduction;

use crate::{
    vote::{build_circuit, VoteRequest},
    Error,
};

/// The R1CS of a circuit in wire order (see the module documentation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct R1cs {
    /// Number of public inputs (without the constant 1).
    pub num_public: usize,
    /// Number of wires: 1 + public inputs + private wires.
    pub num_wires: usize,
    /// The constraints `⟨A_i, w⟩·⟨B_i, w⟩ = ⟨C_i, w⟩`, each row sorted by wire, without
    /// repeated wires or zero coefficients.
    pub a: Matrix<Fr>,
    /// See [`R1cs::a`].
    pub b: Matrix<Fr>,
    /// See [`R1cs::a`].
    pub c: Matrix<Fr>,
}

impl R1cs {
    /// Number of constraints.
    pub fn num_constraints(&self) -> usize {
        self.a.len()
    }

    /// The Groth16 FFT domain size, for arkworks and snarkjs alike: the next power of
    /// two at or above constraints + public inputs + 1.
    pub fn domain_size(&self) -> usize {
        (self.num_constraints() + self.num_public + 1).next_power_of_two()
    }

    /// Whether a full assignment (wire 0 = 1) satisfies every constraint.
    pub fn is_satisfied(&self, w: &[Fr]) -> bool {
        w.len() == self.num_wires
            && w[0] == Fr::from(1u64)
            && (0..self.num_constraints()).all(|i| {
                evaluate_constraint(&self.a[i], w) * evaluate_constraint(&self.b[i], w)
                    == evaluate_constraint(&self.c[i], w)
            })
    }
}

/// Sorts a row by wire, adds up repeated wires and drops zero coefficients (snarkjs
/// keeps only the last coefficient of a repeated wire).
fn normalize(row: &[(Fr, usize)]) -> Vec<(Fr, usize)> {
    let mut row = row.to_vec();
    row.sort_by_key(|&(_, i)| i);
    let mut out: Vec<(Fr, usize)> = Vec::with_capacity(row.len());
    for (c, i) in row {
        match out.last_mut() {
            Some((acc, j)) if *j == i => *acc += c,
            _ => out.push((c, i)),
        }
    }
    out.retain(|(c, _)| !c.is_zero());
    out
}

/// A constraint system set up as arkworks' Groth16 sets up its own (so that the
/// variables, and so the wires, are the same as in its setup and proofs).
fn groth16_cs(mode: SynthesisMode) -> ConstraintSystemRef<Fr> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(mode);
    cs
}

fn synthesis(e: SynthesisError) -> Error {
    Error::Synthesis(e.to_string())
}

/// The R1CS of a shape's ballot circuit.
pub fn ballot_r1cs(shape: BallotShape) -> Result<R1cs, Error> {
    let cs = groth16_cs(SynthesisMode::Setup);
    BallotCircuit::for_setup(shape)
        .generate_constraints(cs.clone())
        .map_err(synthesis)?;
    cs.finalize();
    let matrices = cs.to_matrices().map_err(synthesis)?;
    let m = matrices
        .get(R1CS_PREDICATE_LABEL)
        .filter(|m| m.len() == 3)
        .ok_or_else(|| Error::Synthesis("the ballot circuit has no R1CS matrices".into()))?;
    let rows = |k: usize| m[k].iter().map(|r| normalize(r)).collect::<Vec<_>>();
    let num_public = cs.num_instance_variables() - 1;
    debug_assert_eq!(num_public, BallotInstance::num_inputs(&shape));
    Ok(R1cs {
        num_public,
        num_wires: cs.num_instance_variables() + cs.num_witness_variables(),
        a: rows(0),
        b: rows(1),
        c: rows(2),
    })
}

/// The full wire assignment of a ballot (wire 0 = 1, the public inputs, the private
/// wires), checked natively first and then against the circuit.
pub fn ballot_witness(req: &VoteRequest<'_>) -> Result<Vec<Fr>, Error> {
    let (circuit, _) = build_circuit(req)?;
    let cs = groth16_cs(SynthesisMode::Prove {
        construct_matrices: false,
        generate_lc_assignments: false,
    });
    circuit
        .generate_constraints(cs.clone())
        .map_err(synthesis)?;
    cs.finalize();
    if !cs.is_satisfied().map_err(synthesis)? {
        return Err(Error::Synthesis(format!(
            "the ballot does not satisfy the circuit ({})",
            cs.which_is_unsatisfied()
                .ok()
                .flatten()
                .unwrap_or_else(|| "unknown constraint".into())
        )));
    }
    let mut w = cs.instance_assignment().map_err(synthesis)?;
    w.extend(cs.witness_assignment().map_err(synthesis)?);
    Ok(w)
}

// ---------------------------------------------------------------------------------
// Binary files.

fn put_u32(out: &mut Vec<u8>, x: usize) {
    out.extend_from_slice(&(x as u32).to_le_bytes());
}

fn put_fr(out: &mut Vec<u8>, x: &Fr) {
    out.extend_from_slice(&x.into_bigint().to_bytes_le());
}

fn put_modulus<F: PrimeField>(out: &mut Vec<u8>) {
    put_u32(out, 32);
    out.extend_from_slice(&F::MODULUS.to_bytes_le());
}

/// A binary file: magic, version, then the sections in order (ids from 1).
fn binfile(magic: &[u8; 4], version: u32, sections: &[Vec<u8>]) -> Vec<u8> {
    let mut out = magic.to_vec();
    out.extend_from_slice(&version.to_le_bytes());
    put_u32(&mut out, sections.len());
    for (k, s) in sections.iter().enumerate() {
        put_u32(&mut out, k + 1);
        out.extend_from_slice(&(s.len() as u64).to_le_bytes());
        out.extend_from_slice(s);
    }
    out
}

/// The iden3 `.r1cs` file (version 1) of an R1CS: section 1 the header (field size
/// and prime, wires, 0 public outputs, `num_public` public inputs, 0 private inputs,
/// labels, constraints), section 2 the constraints (each of `A`, `B`, `C` as a count
/// and `(wire, coefficient)` pairs), section 3 the wire-to-label map (the identity).
pub fn r1cs_bytes(r: &R1cs) -> Vec<u8> {
    let mut header = Vec::new();
    put_modulus::<Fr>(&mut header);
    put_u32(&mut header, r.num_wires);
    put_u32(&mut header, 0); // public outputs
    put_u32(&mut header, r.num_public); // public inputs
    put_u32(&mut header, 0); // private inputs: none named as such
    header.extend_from_slice(&(r.num_wires as u64).to_le_bytes()); // labels
    put_u32(&mut header, r.num_constraints());
    let mut constraints = Vec::new();
    for i in 0..r.num_constraints() {
        for row in [&r.a[i], &r.b[i], &r.c[i]] {
            put_u32(&mut constraints, row.len());
            for (c, w) in row {
                put_u32(&mut constraints, *w);
                put_fr(&mut constraints, c);
            }
        }
    }
    let mut map = Vec::with_capacity(8 * r.num_wires);
    for w in 0..r.num_wires as u64 {
        map.extend_from_slice(&w.to_le_bytes());
    }
    binfile(b"r1cs", 1, &[header, constraints, map])
}

/// The iden3 `.wtns` file (version 2) of a full assignment: section 1 the field size,
/// prime and number of values, section 2 the values.
pub fn wtns_bytes(w: &[Fr]) -> Vec<u8> {
    let mut header = Vec::new();
    put_modulus::<Fr>(&mut header);
    put_u32(&mut header, w.len());
    let mut values = Vec::with_capacity(32 * w.len());
    for x in w {
        put_fr(&mut values, x);
    }
    binfile(b"wtns", 2, &[header, values])
}

// ---------------------------------------------------------------------------------
// Reading a .zkey (untrusted input: every length is checked, nothing panics).

/// A reader over untrusted bytes.
struct Cursor<'a> {
    bytes: &'a [u8],
    what: &'static str,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.bytes.len() < n {
            return Err(format!("{} is truncated", self.what));
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self) -> Result<u64, String> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    fn bigint(&mut self) -> Result<BigInteger256, String> {
        let b = self.take(32)?;
        let mut limbs = [0u64; 4];
        for (k, l) in limbs.iter_mut().enumerate() {
            let mut a = [0u8; 8];
            a.copy_from_slice(&b[8 * k..8 * k + 8]);
            *l = u64::from_le_bytes(a);
        }
        Ok(BigInteger256::new(limbs))
    }

    /// A base-field element in Montgomery form.
    fn fq(&mut self) -> Result<Fq, String> {
        let n = self.bigint()?;
        if n >= Fq::MODULUS {
            return Err(format!(
                "{}: coordinate not below the field modulus",
                self.what
            ));
        }
        Ok(Fq::new_unchecked(n))
    }

    fn g1(&mut self) -> Result<G1Affine, String> {
        let (x, y) = (self.fq()?, self.fq()?);
        if x.is_zero() && y.is_zero() {
            return Ok(G1Affine::zero());
        }
        let p = G1Affine::new_unchecked(x, y);
        // BN254 G1 has cofactor 1: on the curve means in the group.
        if !p.is_on_curve() {
            return Err(format!(
                "{}: a point is not on the BN254 G1 curve",
                self.what
            ));
        }
        Ok(p)
    }

    fn g2(&mut self) -> Result<G2Affine, String> {
        let x = Fq2::new(self.fq()?, self.fq()?);
        let y = Fq2::new(self.fq()?, self.fq()?);
        if x.is_zero() && y.is_zero() {
            return Ok(G2Affine::zero());
        }
        let p = G2Affine::new_unchecked(x, y);
        if !p.is_on_curve() || !p.is_in_correct_subgroup_assuming_on_curve() {
            return Err(format!(
                "{}: a point is not in the BN254 G2 group",
                self.what
            ));
        }
        Ok(p)
    }

    fn done(&self) -> Result<(), String> {
        if self.bytes.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{} has {} trailing bytes",
                self.what,
                self.bytes.len()
            ))
        }
    }
}

/// Splits a binary file into its sections (id → body); every id at most once.
fn sections<'a>(
    bytes: &'a [u8],
    magic: &[u8; 4],
    what: &'static str,
) -> Result<Vec<Option<&'a [u8]>>, String> {
    let mut c = Cursor { bytes, what };
    if c.take(4)? != magic {
        return Err(format!(
            "not a {what} (the file does not start with {:?})",
            String::from_utf8_lossy(magic)
        ));
    }
    let version = c.u32()?;
    if version != 1 {
        return Err(format!("{what} version {version}; zkvote reads version 1"));
    }
    let n = c.u32()? as usize;
    let mut out: Vec<Option<&[u8]>> = vec![None; 16];
    for _ in 0..n {
        let id = c.u32()? as usize;
        let len = usize::try_from(c.u64()?).map_err(|_| format!("{what}: section too long"))?;
        let body = c.take(len)?;
        match out.get_mut(id) {
            Some(slot @ None) if id > 0 => *slot = Some(body),
            Some(Some(_)) => return Err(format!("{what}: section {id} appears twice")),
            _ => {} // sections zkvote does not read (e.g. other protocols')
        }
    }
    c.done()?;
    Ok(out)
}

/// Reads a snarkjs Groth16 `.zkey` made for `r1cs` (the ballot circuit of the shape
/// the caller expects) as an arkworks proving key, for [`CircomReduction`].
///
/// Refused, with a message that says what differs: another protocol or curve; another
/// number of public inputs, wires or constraints, or another domain size; any matrix
/// coefficient that differs from the circuit's (so a zkey of another circuit with the
/// same sizes is refused too); points that are not on the curve or in the group.
pub fn import_zkey(file: &str, bytes: &[u8], r1cs: &R1cs) -> Result<ProvingKey<Bn254>, Error> {
    let bad = |what: String| Error::KeyFile {
        file: file.to_string(),
        what,
    };
    let s = sections(bytes, b"zkey", "zkey").map_err(bad)?;
    let section = |id: usize, what: &'static str| -> Result<Cursor<'_>, Error> {
        s[id]
            .map(|bytes| Cursor { bytes, what })
            .ok_or_else(|| bad(format!("the zkey has no {what} (section {id})")))
    };
    let mut c = section(1, "protocol section")?;
    let protocol = c.u32().map_err(bad)?;
    if protocol != 1 {
        return Err(bad(format!(
            "protocol {protocol} is not Groth16 (1); zkvote imports Groth16 zkeys"
        )));
    }

    let mut c = section(2, "Groth16 header")?;
    for (modulus, name) in [
        (Fq::MODULUS, "base field"),
        (<Fr as PrimeField>::MODULUS, "scalar field"),
    ] {
        let n8 = c.u32().map_err(bad)?;
        if n8 != 32 || c.bigint().map_err(bad)? != modulus {
            return Err(bad(format!("the {name} is not BN254's (bn128)")));
        }
    }
    let n_vars = c.u32().map_err(bad)? as usize;
    let n_public = c.u32().map_err(bad)? as usize;
    let domain_size = c.u32().map_err(bad)? as usize;
    let alpha_g1 = c.g1().map_err(bad)?;
    let beta_g1 = c.g1().map_err(bad)?;
    let beta_g2 = c.g2().map_err(bad)?;
    let gamma_g2 = c.g2().map_err(bad)?;
    let delta_g1 = c.g1().map_err(bad)?;
    let delta_g2 = c.g2().map_err(bad)?;
    c.done().map_err(bad)?;
    if alpha_g1.is_zero()
        || beta_g1.is_zero()
        || beta_g2.is_zero()
        || gamma_g2.is_zero()
        || delta_g1.is_zero()
        || delta_g2.is_zero()
    {
        return Err(bad(
            "a key element (α, β, γ or δ) is the point at infinity".into()
        ));
    }

    let expect = |name: &str, got: usize, want: usize| -> Result<(), Error> {
        if got == want {
            Ok(())
        } else {
            Err(bad(format!(
                "the zkey is for another circuit: {name} {got}, this circuit has {want}"
            )))
        }
    };
    expect("public inputs", n_public, r1cs.num_public)?;
    expect("wires", n_vars, r1cs.num_wires)?;
    expect("domain size", domain_size, r1cs.domain_size())?;

    // Section 4: the A and B coefficients, with the rows snarkjs adds for the public
    // inputs (A[m + s] = wire s, s = 0..=n_public). Coefficients are stored as c·R² in
    // normal form.
    let mut c = section(4, "coefficients section")?;
    let n_coefs = c.u32().map_err(bad)? as usize;
    // Checked: 44 · n_coefs must not wrap (32-bit targets) before it bounds the allocation.
    if Some(c.bytes.len()) != n_coefs.checked_mul(44) {
        return Err(bad(format!(
            "the coefficients section has {} bytes for {n_coefs} coefficients",
            c.bytes.len()
        )));
    }
    let r2_inv = Fr::from(2u64).pow([512u64]).inverse().unwrap_or_default();
    let mut coefs = Vec::with_capacity(n_coefs);
    for _ in 0..n_coefs {
        let matrix = c.u32().map_err(bad)? as usize;
        let row = c.u32().map_err(bad)? as usize;
        let wire = c.u32().map_err(bad)? as usize;
        let v = Fr::from_bigint(c.bigint().map_err(bad)?)
            .ok_or_else(|| bad("a coefficient is not below the field modulus".into()))?;
        if matrix > 1 || wire >= n_vars {
            return Err(bad(format!(
                "corrupt coefficient (matrix {matrix}, wire {wire})"
            )));
        }
        coefs.push((matrix, row, wire, v * r2_inv));
    }
    let rows_with_inputs = coefs
        .iter()
        .map(|&(_, r, _, _)| r.saturating_add(1))
        .max()
        .unwrap_or(0);
    let m = r1cs.num_constraints();
    expect(
        "constraints",
        rows_with_inputs.saturating_sub(n_public.saturating_add(1)),
        m,
    )?;
    let mut rows: [Vec<Vec<(Fr, usize)>>; 2] = [vec![Vec::new(); m], vec![Vec::new(); m]];
    let mut input_rows = 0;
    for (matrix, row, wire, v) in coefs {
        if row < m {
            rows[matrix][row].push((v, wire));
        } else if matrix == 0 && row - m == wire && v == Fr::from(1u64) {
            input_rows += 1;
        } else {
            return Err(bad(format!(
                "corrupt zkey: unexpected coefficient in the public-input row {row}"
            )));
        }
    }
    // n_public equals the circuit's (checked above), so these sizes are the circuit's.
    let n_inputs = n_public
        .checked_add(1)
        .filter(|&n| n <= n_vars)
        .ok_or_else(|| bad(format!("{n_public} public inputs for {n_vars} wires")))?;
    expect("public-input rows", input_rows, n_inputs)?;
    let [za, zb] = rows;
    for (name, theirs, ours) in [("A", za, &r1cs.a), ("B", zb, &r1cs.b)] {
        if let Some(i) = (0..m).find(|&i| normalize(&theirs[i]) != ours[i]) {
            return Err(bad(format!(
                "the zkey is for another circuit: its matrix {name} differs at constraint {i}"
            )));
        }
    }

    let g1s = |id: usize, what: &'static str, n: usize| -> Result<Vec<G1Affine>, Error> {
        let mut c = section(id, what)?;
        let v = (0..n).map(|_| c.g1()).collect::<Result<Vec<_>, _>>();
        c.done().and(v).map_err(bad)
    };
    let gamma_abc_g1 = g1s(3, "IC section", n_inputs)?;
    let a_query = g1s(5, "A section", n_vars)?;
    let b_g1_query = g1s(6, "B1 section", n_vars)?;
    let mut c = section(7, "B2 section")?;
    let b_g2_query = (0..n_vars)
        .map(|_| c.g2())
        .collect::<Result<Vec<_>, _>>()
        .and_then(|v| c.done().map(|_| v))
        .map_err(bad)?;
    let l_query = g1s(8, "C section", n_vars - n_inputs)?;
    let h_query = g1s(9, "H section", domain_size)?;
    Ok(ProvingKey {
        vk: VerifyingKey {
            alpha_g1,
            beta_g2,
            gamma_g2,
            delta_g2,
            gamma_abc_g1,
        },
        beta_g1,
        delta_g1,
        a_query,
        b_g1_query,
        b_g2_query,
        h_query,
        l_query,
    })
}

/// Imports the zkey of a ballot circuit's ceremony: [`import_zkey`] against the
/// shape's circuit, then [`crate::keys::check_proving_key`] (no key that lets anyone
/// forge, e.g. an un-contributed `*_0000.zkey`), then a sample ballot proved with the
/// key (snarkjs' QAP reduction) must verify under the key's own verifying key. The zkey
/// stores only the A and B matrices; a key made for a circuit whose C differs has wrong
/// `L`/`H` bases, and the sample proof fails (unless the difference only touches wires
/// that are 0 in the sample: the sample spreads values over every vote field and a
/// census path of two levels).
pub fn import_ballot_zkey<R: rand::RngCore + rand::CryptoRng>(
    file: &str,
    bytes: &[u8],
    shape: BallotShape,
    rng: &mut R,
) -> Result<ProvingKey<Bn254>, Error> {
    let r1cs = ballot_r1cs(shape)?;
    let pk = import_zkey(file, bytes, &r1cs)?;
    crate::keys::check_proving_key(file, &pk)?;
    check_key_proves_sample::<CircomReduction, _>(file, &pk, shape, rng)?;
    Ok(pk)
}

/// Proves a sample ballot of `shape` ([`sample_ballot_circuit`]) with `pk` under the QAP
/// reduction `Q` and verifies it under `pk`'s own verifying key: an error naming
/// `file` when it does not verify, i.e. when the key was made for another circuit.
pub fn check_key_proves_sample<Q: R1CSToQAP, R: rand::RngCore + rand::CryptoRng>(
    file: &str,
    pk: &ProvingKey<Bn254>,
    shape: BallotShape,
    rng: &mut R,
) -> Result<(), Error> {
    let (circuit, inputs) = sample_ballot_circuit(shape, rng)?;
    let proof = <ark_groth16::Groth16<Bn254, Q> as ark_snark::SNARK<Fr>>::prove(pk, circuit, rng)
        .map_err(synthesis)?;
    let pvk = ark_groth16::prepare_verifying_key(&pk.vk);
    match ark_groth16::Groth16::<Bn254>::verify_proof(&pvk, &proof, &inputs) {
        Ok(true) => Ok(()),
        _ => Err(Error::KeyFile {
            file: file.to_string(),
            what: format!(
                "the key is not for this circuit ({shape}): a sample ballot proved with it does \
                 not verify (if its A and B matrices match, its matrix C, or its L or H bases, differ)"
            ),
        }),
    }
}

/// A satisfied ballot circuit of `shape` with random values, and its public inputs:
/// a census of random members (the voter's path has up to two levels), a score ballot
/// with a random value in every field, and in a weighted census a random weight.
pub fn sample_ballot_circuit<R: rand::RngCore + rand::CryptoRng>(
    shape: BallotShape,
    rng: &mut R,
) -> Result<(BallotCircuit, Vec<Fr>), Error> {
    use ark_ff::UniformRand;
    use zkvote_circuits::{
        ballot::{circuit::BallotWitness, BallotRules, CensusKind},
        census::{weighted_leaf, LeanImt},
        nullifier::nullifier,
    };
    let members = if shape.max_depth >= 2 { 3 } else { 2 };
    let ids: Vec<crate::Identity> = (0..members).map(|_| crate::Identity::random(rng)).collect();
    let weights: Vec<u64> = (0..members).map(|_| 1 + (rng.next_u32() as u64)).collect();
    let leaf = |i: usize| match shape.census {
        CensusKind::Plain => ids[i].commitment(),
        CensusKind::Weighted => weighted_leaf(ids[i].commitment(), Fr::from(weights[i])),
    };
    let tree = LeanImt::new((0..members).map(leaf).collect())?;
    let me = members - 1;
    let path = tree.proof(me)?;
    let (census_weight, weight) = match shape.census {
        CensusKind::Plain => (1, 1),
        CensusKind::Weighted => (weights[me], 1 + rng.next_u64() % weights[me]),
    };
    let rules = BallotRules::score(shape.fields as u8, 1000);
    let votes: Vec<u32> = (0..shape.fields).map(|_| rng.next_u32() % 1001).collect();
    let election_id = Fr::rand(rng);
    let secret = ids[me].secret_scalar();
    let instance = BallotInstance {
        election_id,
        census_root: tree.root()?,
        nullifier: nullifier(election_id, secret),
        rules,
        weight,
        votes,
    };
    let inputs = instance
        .to_field_elements(&shape)
        .map_err(|e| Error::Synthesis(e.to_string()))?;
    let witness = BallotWitness {
        secret,
        path,
        census_weight,
    };
    Ok((BallotCircuit::new(shape, instance, witness), inputs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_groth16::Groth16;
    use ark_r1cs_std::{alloc::AllocVar, eq::EqGadget, fields::fp::FpVar, fields::FieldVar};
    use ark_snark::SNARK;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    /// x³ + x + 5 = y, y public (the circom tutorial's circuit), plus a second input.
    #[derive(Clone)]
    struct Cubic {
        x: Option<Fr>,
        y: Option<Fr>,
        z: Option<Fr>,
    }

    impl ConstraintSynthesizer<Fr> for Cubic {
        fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
            let y = FpVar::new_input(cs.clone(), || {
                self.y.ok_or(SynthesisError::AssignmentMissing)
            })?;
            let z = FpVar::new_input(cs.clone(), || {
                self.z.ok_or(SynthesisError::AssignmentMissing)
            })?;
            let x = FpVar::new_witness(cs.clone(), || {
                self.x.ok_or(SynthesisError::AssignmentMissing)
            })?;
            (&x * &x * &x + &x + FpVar::constant(Fr::from(5u64))).enforce_equal(&y)?;
            (&x * &y).enforce_equal(&z)
        }
    }

    #[test]
    fn circom_reduction_proves_with_its_own_setup_and_the_other_reduction_fails() {
        let mut rng = ChaCha20Rng::seed_from_u64(6);
        let x = Fr::from(3u64);
        let y = x * x * x + x + Fr::from(5u64);
        let z = x * y;
        let setup = Cubic {
            x: None,
            y: None,
            z: None,
        };
        let full = Cubic {
            x: Some(x),
            y: Some(y),
            z: Some(z),
        };
        let (pk, vk) =
            Groth16::<Bn254, CircomReduction>::circuit_specific_setup(setup, &mut rng).unwrap();
        assert!(pk.h_query.len().is_power_of_two());
        let proof = Groth16::<Bn254, CircomReduction>::prove(&pk, full.clone(), &mut rng).unwrap();
        assert!(Groth16::<Bn254>::verify(&vk, &[y, z], &proof).unwrap());
        assert!(!Groth16::<Bn254>::verify(&vk, &[y, z + Fr::from(1u64)], &proof).unwrap());
        // The same key with arkworks' reduction gives a proof that does not verify.
        let wrong = Groth16::<Bn254>::prove(&pk, full, &mut rng).unwrap();
        assert!(!Groth16::<Bn254>::verify(&vk, &[y, z], &wrong).unwrap());
    }

    #[test]
    fn r1cs_and_wtns_files_have_the_iden3_layout() {
        let shape = BallotShape::new(2, 1, zkvote_circuits::ballot::CensusKind::Plain).unwrap();
        let r = ballot_r1cs(shape).unwrap();
        assert_eq!(r.num_public, BallotInstance::num_inputs(&shape));
        assert_eq!(
            r.num_constraints(),
            crate::keys::constraint_count(shape).unwrap()
        );
        let bytes = r1cs_bytes(&r);
        assert_eq!(&bytes[..12], b"r1cs\x01\x00\x00\x00\x03\x00\x00\x00");
        // Section 1 starts right after the file header: id 1, length 64 + 24.
        assert_eq!(&bytes[12..16], &1u32.to_le_bytes());
        assert_eq!(&bytes[16..24], &(4 + 32 + 16 + 8 + 4u64).to_le_bytes());
        let wires = u32::from_le_bytes(bytes[60..64].try_into().unwrap()) as usize;
        assert_eq!(wires, r.num_wires);
        let w = wtns_bytes(&[Fr::from(1u64), Fr::from(258u64)]);
        assert_eq!(&w[..12], b"wtns\x02\x00\x00\x00\x02\x00\x00\x00");
        assert_eq!(w.len(), 12 + 12 + 40 + 12 + 64);
        assert_eq!(&w[w.len() - 32..w.len() - 30], &[2, 1]);
    }

    /// Replays an R1CS's matrices as a circuit (no values: for setups only).
    struct Replay(R1cs);

    impl ConstraintSynthesizer<Fr> for Replay {
        fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
            use ark_relations::gr1cs::{LinearCombination, Variable};
            let r = self.0;
            let mut wires = vec![Variable::One];
            for _ in 0..r.num_public {
                wires.push(cs.new_input_variable(|| Ok(Fr::zero()))?);
            }
            while wires.len() < r.num_wires {
                wires.push(cs.new_witness_variable(|| Ok(Fr::zero()))?);
            }
            let lc = |row: &[(Fr, usize)]| {
                let mut lc = LinearCombination::zero();
                for &(c, w) in row {
                    lc += (c, wires[w]);
                }
                lc
            };
            for i in 0..r.a.len() {
                let (a, b, c) = (lc(&r.a[i]), lc(&r.b[i]), lc(&r.c[i]));
                cs.enforce_r1cs_constraint(|| a, || b, || c)?;
            }
            Ok(())
        }
    }

    /// A key made for a circuit that differs from the ballot circuit only in matrix C
    /// (which a zkey does not store) proves no sample ballot, so the import refuses it;
    /// the same key for the unchanged matrices passes, so the refusal is C's.
    #[test]
    fn a_key_for_another_matrix_c_is_refused_by_the_sample_proof() {
        use ark_snark::SNARK;
        use rand::SeedableRng;
        let shape = BallotShape::new(2, 1, zkvote_circuits::ballot::CensusKind::Plain).unwrap();
        let r1cs = ballot_r1cs(shape).unwrap();
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(31);
        let (same, _) = ark_groth16::Groth16::<Bn254, CircomReduction>::circuit_specific_setup(
            Replay(r1cs.clone()),
            &mut rng,
        )
        .unwrap();
        check_key_proves_sample::<CircomReduction, _>("same.zkey", &same, shape, &mut rng).unwrap();
        // One coefficient of C changed in one constraint, A and B untouched: the
        // constant wire's, which is 1 in every witness.
        let mut other = r1cs.clone();
        match other.c[0].first_mut() {
            Some((c, 0)) => *c += Fr::from(1u64),
            _ => other.c[0].insert(0, (Fr::from(1u64), 0)),
        }
        assert_eq!((&other.a, &other.b), (&r1cs.a, &r1cs.b));
        let (changed, _) = ark_groth16::Groth16::<Bn254, CircomReduction>::circuit_specific_setup(
            Replay(other),
            &mut rng,
        )
        .unwrap();
        let err =
            check_key_proves_sample::<CircomReduction, _>("c.zkey", &changed, shape, &mut rng)
                .unwrap_err()
                .to_string();
        assert!(
            err.starts_with("c.zkey: ") && err.contains("matrix C"),
            "{err}"
        );
    }

    #[test]
    fn zkey_garbage_is_refused_without_panicking() {
        let shape = BallotShape::new(2, 1, zkvote_circuits::ballot::CensusKind::Plain).unwrap();
        let r = ballot_r1cs(shape).unwrap();
        for bytes in [
            &b""[..],
            b"zkey",
            b"zkey\x01\x00\x00\x00\xff\xff\xff\xff",
            b"zkey\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff",
            b"r1cs\x01\x00\x00\x00\x00\x00\x00\x00",
            b"zkey\x01\x00\x00\x00\x00\x00\x00\x00",
        ] {
            assert!(import_zkey("z", bytes, &r).is_err());
        }
    }
}
