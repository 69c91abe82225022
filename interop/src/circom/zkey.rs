//! Reading a snarkjs Groth16 `.zkey` (untrusted input: every length is checked, nothing
//! panics) as an arkworks proving key ([`import_zkey`]), and the checks a ceremony's key
//! of the ballot circuit must pass before zkvote uses it ([`import_ballot_zkey`]).

use ark_bn254::{Bn254, Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger256, Field, PrimeField, Zero};
use ark_groth16::{r1cs_to_qap::R1CSToQAP, ProvingKey, VerifyingKey};
use zkvote_circuits::ballot::BallotShape;
use zkvote_engine::reduction::CircomReduction;

use super::{ballot_r1cs, r1cs::normalize, sample_ballot_circuit, synthesis, R1cs};
use crate::Error;

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
/// shape's circuit, then [`zkvote_engine::keys::check_proving_key`] (no key that lets
/// anyone forge, e.g. an un-contributed `*_0000.zkey`), then a sample ballot proved with the
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
    zkvote_engine::keys::check_proving_key(&pk).map_err(|e| Error::KeyFile {
        file: file.to_string(),
        what: format!("refused proving key: {e}"),
    })?;
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
