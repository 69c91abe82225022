//! Groth16 proving with precomputed tables for the proving key's bases.
//!
//! The proof is the same as arkworks' `Groth16::prove` makes — for the same circuit, key
//! and random `r`, `s` it is equal point for point (tested) — but the five MSMs over the
//! key's bases use [`FixedBaseTable`]s built once per key:
//!
//! ```text
//!   A = α + Σ_i a_i·A_i + r·δ                      (a = [1, public inputs, witness])
//!   B = β + Σ_i a_i·B_i + s·δ   in G2, and in G1 for C
//!   C = Σ_{i witness} a_i·L_i + Σ_j h_j·H_j + s·A + r·B₁ − r·s·δ
//! ```
//!
//! `h` comes from the key's QAP reduction (arkworks' or snarkjs'), as in `zkvote_prover::vote`,
//! computed by [`crate::qap`] from the constraint matrices, which the tables keep so that
//! synthesis only computes the assignment.
//!
//! ## The tables file
//! `<key>.tables`, next to the proving key: the 8-byte magic `ZKVOTETB`, a format
//! version (u32 LE, [`TABLES_VERSION`] = 3), the SHA-256 (hex, 64 bytes) of the
//! proving-key file the tables were made from, then the five tables (a, b_g1, b_g2, h,
//! l), each as window (u32), number of bases (u64), number of non-zero bases `m` (u64),
//! `m` indices (u32) and `m·windows` points, each coordinate as its raw Montgomery limbs
//! (u64 LE), so that loading is a copy; a byte `1` and the circuit's constraint matrices
//! (see [`QapMatrices::write`]) or a byte `0` without them; and last a 32-byte tag,
//! BLAKE3 keyed by a [`TablesKey`] over everything before it.
//!
//! ## Why a tag, and no fallback
//! The points and matrices are not validated (that would cost what building them
//! costs). A wrong entry makes a proof fail only when the witness uses it, so a file
//! from someone else could tell its supplier a bit of the voter's secret through
//! whether her proof fails (or falls back to another prover, which takes longer). So
//! zkvote only uses tables the voter built herself: the tag's key is derived from her
//! identity's private key ([`TablesKey::from_secret`]), and a file whose tag does not
//! verify is refused before any witness is computed. Version-1 and 2 files (no tag) are
//! refused. A proof made with tables is still checked against the election's
//! verifying key before a ballot is written (`zkvote_prover::vote`), and one that fails is an
//! error, never a retry with another prover. (Zero knowledge does not depend on the
//! tables: `A` and `B` are uniformly random through `r·δ` and `s·δ`, taken from the key,
//! and a valid `C` is determined by them.)

use ark_bn254::{g1, g2, Bn254, Fr, G1Projective};
use ark_ec::CurveGroup;
use ark_ff::{UniformRand, Zero};
use ark_groth16::{
    r1cs_to_qap::{LibsnarkReduction, R1CSToQAP},
    Groth16, PreparedVerifyingKey, Proof, ProvingKey,
};
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystem, OptimizationGoal, SynthesisError, SynthesisMode,
};
use ark_std::rand::Rng;

use std::sync::{Arc, OnceLock};

use crate::keys::QapReduction;

use crate::{
    msm::{FixedBaseTable, RawPoint, SharedBytes},
    qap::QapMatrices,
    reduction::CircomReduction,
    Error,
};

/// Whether matrices have the sizes of `pk`'s QAP: one `A` base per variable, one
/// `L` base per witness variable, and the key's domain.
fn qap_fits(q: &QapMatrices, pk: &ProvingKey<Bn254>) -> bool {
    // `q` may come from a file: checked arithmetic on its sizes.
    let h_len = match crate::keys::reduction_of(pk) {
        QapReduction::Libsnark => q.domain_size().checked_sub(1),
        QapReduction::Circom => Some(q.domain_size()),
    };
    q.num_vars == pk.a_query.len()
        && Some(q.num_vars) == q.num_instance.checked_add(pk.l_query.len())
        && Some(pk.h_query.len()) == h_len
}

// The magic, version and key-derivation context of tables files are defined with every
// other label in `crate::labels`.
pub use crate::labels::{TABLES_KEY_CONTEXT, TABLES_MAGIC, TABLES_VERSION};
/// Length of the tag at the end of a tables file.
pub const TABLES_TAG_LEN: usize = 32;

/// The key of a tables file's tag: whoever holds it made the file (see the module
/// documentation).
#[derive(Clone)]
pub struct TablesKey([u8; 32]);

impl TablesKey {
    /// The key of whoever holds `secret` (for a voter, her identity's private key:
    /// `zkvote_prover::Identity::tables_key`): BLAKE3's key derivation under
    /// [`TABLES_KEY_CONTEXT`] (one-way: the tag and the key reveal nothing of it).
    pub fn from_secret(secret: &[u8]) -> Self {
        TablesKey(blake3::derive_key(TABLES_KEY_CONTEXT, secret))
    }

    /// A key from raw bytes (tests, benchmarks, and callers with their own secret).
    pub fn from_bytes(key: [u8; 32]) -> Self {
        TablesKey(key)
    }

    /// The tag a tables file whose bytes before the tag are `body` ends with.
    pub fn tag_of(&self, body: &[u8]) -> [u8; TABLES_TAG_LEN] {
        *self.tag(body).as_bytes()
    }

    /// The tag of `bytes` (all threads: a 48 MiB file takes a few milliseconds).
    fn tag(&self, bytes: &[u8]) -> blake3::Hash {
        let mut h = blake3::Hasher::new_keyed(&self.0);
        h.update_rayon(bytes);
        h.finalize()
    }
}

impl std::fmt::Debug for TablesKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TablesKey(..)")
    }
}

/// Tables for the five bases of a proving key.
#[derive(Clone, PartialEq, Eq)]
pub struct ProvingTables {
    /// For `pk.a_query`.
    pub a: FixedBaseTable<g1::Config>,
    /// For `pk.b_g1_query`.
    pub b_g1: FixedBaseTable<g1::Config>,
    /// For `pk.b_g2_query`.
    pub b_g2: FixedBaseTable<g2::Config>,
    /// For `pk.h_query`.
    pub h: FixedBaseTable<g1::Config>,
    /// For `pk.l_query`.
    pub l: FixedBaseTable<g1::Config>,
    /// The circuit's constraint matrices, once known: read from the file, or learned
    /// from the first proof (then proofs skip rebuilding them, see [`crate::qap`]).
    pub qap: OnceLock<Arc<QapMatrices>>,
}

/// The QAP reductions the tables' prover computes itself (see [`crate::qap`]).
pub trait KnownReduction: R1CSToQAP {
    /// Which one.
    const KIND: QapReduction;
}

impl KnownReduction for LibsnarkReduction {
    const KIND: QapReduction = QapReduction::Libsnark;
}

impl KnownReduction for CircomReduction {
    const KIND: QapReduction = QapReduction::Circom;
}

impl std::fmt::Debug for ProvingTables {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ProvingTables {{ bases: a {}, b_g1 {}, b_g2 {}, h {}, l {}; window {}; matrices {} }}",
            self.a.len(),
            self.b_g1.len(),
            self.b_g2.len(),
            self.h.len(),
            self.l.len(),
            self.a.window(),
            if self.qap.get().is_some() {
                "known"
            } else {
                "not yet"
            }
        )
    }
}

impl ProvingTables {
    /// Builds the tables for `pk` (all cores; about twice a proof's time).
    pub fn new(pk: &ProvingKey<Bn254>) -> Self {
        fn g1(bases: &[ark_bn254::G1Affine]) -> FixedBaseTable<g1::Config> {
            FixedBaseTable::new(
                bases,
                FixedBaseTable::<g1::Config>::best_window(bases.len()),
            )
        }
        let b_g2 = FixedBaseTable::new(
            &pk.b_g2_query,
            FixedBaseTable::<g2::Config>::best_window(pk.b_g2_query.len()),
        );
        Self {
            a: g1(&pk.a_query),
            b_g1: g1(&pk.b_g1_query),
            b_g2,
            h: g1(&pk.h_query),
            l: g1(&pk.l_query),
            qap: OnceLock::new(),
        }
    }

    /// Learns the constraint matrices from `circuit` (any assignment, e.g. the shape's
    /// setup circuit), as `zkvote tables` does before writing the file. Fails
    /// when the circuit does not fit the key's sizes.
    pub fn learn_matrices<C: ConstraintSynthesizer<Fr>>(
        &self,
        pk: &ProvingKey<Bn254>,
        circuit: C,
    ) -> Result<(), SynthesisError> {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_optimization_goal(OptimizationGoal::Constraints);
        cs.set_mode(SynthesisMode::Setup);
        circuit.generate_constraints(cs.clone())?;
        cs.finalize();
        let qap = QapMatrices::from_cs(&cs).ok_or(SynthesisError::Unsatisfiable)?;
        if !qap_fits(&qap, pk) {
            return Err(SynthesisError::Unsatisfiable);
        }
        let _ = self.qap.set(Arc::new(qap));
        Ok(())
    }

    /// Whether the tables have the sizes of `pk`'s bases (a cheap guard; a file's
    /// tables are bound to their key by digest).
    pub fn fits(&self, pk: &ProvingKey<Bn254>) -> bool {
        self.a.len() == pk.a_query.len()
            && self.b_g1.len() == pk.b_g1_query.len()
            && self.b_g2.len() == pk.b_g2_query.len()
            && self.h.len() == pk.h_query.len()
            && self.l.len() == pk.l_query.len()
    }

    /// Like [`Self::prove`], then verifies the proof against `pvk`, the prepared
    /// verifying key of `pk` (about 2 ms; prepare it once for many proofs): `Ok(None)`
    /// when it does not verify, which only tables that do not belong to `pk` cause. The
    /// caller must not then retry with another prover: whether a proof fails can depend
    /// on the witness (see the module documentation).
    /// Matrices learned from this proof's circuit are kept only when the proof verifies.
    pub fn prove_checked<Q: KnownReduction, C: ConstraintSynthesizer<Fr>, R: Rng>(
        &self,
        pk: &ProvingKey<Bn254>,
        pvk: &PreparedVerifyingKey<Bn254>,
        circuit: C,
        rng: &mut R,
    ) -> Result<Option<Proof<Bn254>>, SynthesisError> {
        let r = Fr::rand(rng);
        let s = Fr::rand(rng);
        let (proof, inputs, learned) = match self.prove_with(pk, circuit, r, s, Q::KIND) {
            Ok(done) => done,
            // Matrices that do not fit this circuit: the caller proves without tables.
            Err(SynthesisError::Unsatisfiable) if self.qap.get().is_some() => return Ok(None),
            Err(e) => return Err(e),
        };
        let valid = Groth16::<Bn254>::verify_proof(pvk, &proof, &inputs).unwrap_or(false);
        if valid {
            if let Some(qap) = learned {
                let _ = self.qap.set(Arc::new(qap));
            }
        }
        Ok(valid.then_some(proof))
    }

    /// A proof for `circuit` under `pk` with the QAP reduction `Q`; draws `r` then `s`
    /// from `rng`, as arkworks' `Groth16::prove` does.
    pub fn prove<Q: KnownReduction, C: ConstraintSynthesizer<Fr>, R: Rng>(
        &self,
        pk: &ProvingKey<Bn254>,
        circuit: C,
        rng: &mut R,
    ) -> Result<Proof<Bn254>, SynthesisError> {
        let r = Fr::rand(rng);
        let s = Fr::rand(rng);
        let (proof, _, learned) = self.prove_with(pk, circuit, r, s, Q::KIND)?;
        if let Some(qap) = learned {
            let _ = self.qap.set(Arc::new(qap));
        }
        Ok(proof)
    }

    /// The proof, its public inputs (without the leading 1) and the matrices, when
    /// this proof had to learn them.
    #[allow(clippy::type_complexity)]
    fn prove_with<C: ConstraintSynthesizer<Fr>>(
        &self,
        pk: &ProvingKey<Bn254>,
        circuit: C,
        r: Fr,
        s: Fr,
        reduction: QapReduction,
    ) -> Result<(Proof<Bn254>, Vec<Fr>, Option<QapMatrices>), SynthesisError> {
        if !self.fits(pk) {
            return Err(SynthesisError::Unsatisfiable);
        }
        let known = self.qap.get().filter(|q| qap_fits(q, pk));
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_optimization_goal(OptimizationGoal::Constraints);
        // With the matrices known, synthesis only computes the assignment.
        cs.set_mode(SynthesisMode::Prove {
            construct_matrices: known.is_none(),
            generate_lc_assignments: false,
        });
        circuit.generate_constraints(cs.clone())?;
        let learned = match known {
            Some(_) => None,
            None => {
                cs.finalize();
                Some(QapMatrices::from_cs(&cs).ok_or(SynthesisError::Unsatisfiable)?)
            }
        };
        let qap: &QapMatrices = match (&learned, known) {
            (Some(q), _) => q,
            (None, Some(q)) => q,
            (None, None) => return Err(SynthesisError::Unsatisfiable),
        };
        // (Without matrices, arkworks does not count the constraints; the variables
        // are checked in `QapMatrices::h`.)
        if cs.num_instance_variables() != qap.num_instance {
            return Err(SynthesisError::Unsatisfiable);
        }
        let (full, num_inputs) = {
            let b = cs.borrow().ok_or(SynthesisError::MissingCS)?;
            let instance = b.instance_assignment()?;
            let witness = b.witness_assignment()?;
            ([instance, witness].concat(), instance.len())
        };
        let h = qap.h(&full, reduction)?;
        let aux = &full[num_inputs..];

        let ((g_a, g1_b), ((g2_b, h_acc), l_acc)) = rayon::join(
            || {
                let a = pk.vk.alpha_g1 + self.a.msm(&full) + pk.delta_g1 * r;
                let b = if r.is_zero() {
                    G1Projective::zero()
                } else {
                    pk.beta_g1 + self.b_g1.msm(&full) + pk.delta_g1 * s
                };
                (a, b)
            },
            || {
                rayon::join(
                    || {
                        rayon::join(
                            || pk.vk.beta_g2 + self.b_g2.msm(&full) + pk.vk.delta_g2 * s,
                            || self.h.msm(&h),
                        )
                    },
                    || self.l.msm(aux),
                )
            },
        );
        let g_c = g_a * s + g1_b * r - pk.delta_g1 * (r * s) + l_acc + h_acc;
        let proof = Proof {
            a: g_a.into_affine(),
            b: g2_b.into_affine(),
            c: g_c.into_affine(),
        };
        Ok((proof, full[1..num_inputs].to_vec(), learned))
    }
}

impl ProvingTables {
    /// The tables file's bytes, bound to the proving-key file with digest `pk_digest`
    /// and tagged with `key`.
    pub fn to_bytes(&self, pk_digest: &str, key: &TablesKey) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(TABLES_MAGIC);
        out.extend_from_slice(&TABLES_VERSION.to_le_bytes());
        let mut d = [b'0'; 64];
        let n = pk_digest.len().min(64);
        d[..n].copy_from_slice(&pk_digest.as_bytes()[..n]);
        out.extend_from_slice(&d);
        write_table(&mut out, &self.a);
        write_table(&mut out, &self.b_g1);
        write_table(&mut out, &self.b_g2);
        write_table(&mut out, &self.h);
        write_table(&mut out, &self.l);
        match self.qap.get() {
            Some(qap) => {
                out.push(1);
                qap.write(&mut out);
            }
            None => out.push(0),
        }
        let tag = key.tag(&out);
        out.extend_from_slice(tag.as_bytes());
        out
    }

    /// Parses a tables file: the proving-key digest it was made for, and the tables.
    /// Checks the tag under `key` first (a file not made with `key` is refused before
    /// anything else is read), then the structure (sizes, indices), not the points
    /// (see the module docs).
    pub fn parse(file: &str, bytes: &[u8], key: &TablesKey) -> Result<(String, Self), Error> {
        Self::parse_shared(file, Arc::new(bytes.to_vec()), key)
    }

    /// Opens a tables file by mapping it into memory (no copy; the pages are read
    /// ahead), then as [`Self::parse`].
    pub fn open(path: &std::path::Path, key: &TablesKey) -> Result<(String, Self), Error> {
        let file = path.display().to_string();
        let io = |e: std::io::Error| Error::File {
            file: file.clone(),
            what: e.to_string(),
        };
        let f = std::fs::File::open(path).map_err(io)?;
        // SAFETY: the map is read-only, and zkvote never rewrites a tables file in
        // place: `zkvote tables` writes a new file and renames it over the old
        // name (`zkvote_verifier::fs::write_file`), so this map keeps the old inode's
        // bytes, which neither shrink (no SIGBUS) nor change under us. Only a foreign
        // program writing into the file could change the values read, and that can
        // only make the proof fail its check in `prove_checked`.
        let map = unsafe { memmap2::MmapOptions::new().populate().map(&f) }.map_err(io)?;
        Self::parse_shared(&file, Arc::new(map), key)
    }

    /// [`Self::parse`] over shared bytes, which the tables keep referring to.
    pub fn parse_shared(
        file: &str,
        shared: SharedBytes,
        key: &TablesKey,
    ) -> Result<(String, Self), Error> {
        let all: &[u8] = (*shared).as_ref();
        let bad = |what: String| Error::File {
            file: file.to_string(),
            what,
        };
        let mut r = Reader { bytes: all, pos: 0 };
        if r.take(8) != Some(TABLES_MAGIC.as_slice()) {
            return Err(bad("not a zkvote tables file (bad magic)".into()));
        }
        let version = r.u32().ok_or_else(|| bad("truncated header".into()))?;
        match version {
            TABLES_VERSION => {}
            1 | 2 => {
                return Err(bad(format!(
                    "tables of format version {version} carry no tag, so nothing shows who made \
                     them; delete the file and build your own with `zkvote tables`"
                )))
            }
            _ => {
                return Err(bad(format!(
                    "tables format version {version}, this zkvote reads version {TABLES_VERSION}"
                )))
            }
        }
        let body_len = all
            .len()
            .checked_sub(TABLES_TAG_LEN)
            .filter(|&n| n >= r.pos)
            .ok_or_else(|| bad("truncated: no tag".into()))?;
        let tag = blake3::Hash::from_bytes(
            all[body_len..]
                .try_into()
                .map_err(|_| bad("truncated: no tag".into()))?,
        );
        // `blake3::Hash` compares in constant time.
        if key.tag(&all[..body_len]) != tag {
            return Err(bad(
                "not made with this identity (or damaged): zkvote uses only proving tables the \
                 voter built herself; delete the file and build them with `zkvote tables`"
                    .into(),
            ));
        }
        let bytes = &all[..body_len];
        let mut r = Reader { bytes, pos: r.pos };
        let digest = r
            .take(64)
            .and_then(|d| std::str::from_utf8(d).ok())
            .ok_or_else(|| bad("truncated or invalid key digest".into()))?
            .to_string();
        let a = read_table(&mut r, &shared).ok_or_else(|| bad("malformed a table".into()))?;
        let b_g1 = read_table(&mut r, &shared).ok_or_else(|| bad("malformed b_g1 table".into()))?;
        let b_g2 = read_table(&mut r, &shared).ok_or_else(|| bad("malformed b_g2 table".into()))?;
        let h = read_table(&mut r, &shared).ok_or_else(|| bad("malformed h table".into()))?;
        let l = read_table(&mut r, &shared).ok_or_else(|| bad("malformed l table".into()))?;
        let qap = OnceLock::new();
        match r.take(1) {
            Some([0]) => {}
            Some([1]) => {
                let m = QapMatrices::read(&mut r)
                    .ok_or_else(|| bad("malformed constraint matrices".into()))?;
                let _ = qap.set(Arc::new(m));
            }
            _ => return Err(bad("truncated or invalid matrices flag".into())),
        }
        if r.pos != bytes.len() {
            return Err(bad(format!("{} trailing bytes", bytes.len() - r.pos)));
        }
        Ok((
            digest,
            Self {
                a,
                b_g1,
                b_g2,
                h,
                l,
                qap,
            },
        ))
    }
}

fn write_table<P: RawPoint>(out: &mut Vec<u8>, t: &FixedBaseTable<P>) {
    out.extend_from_slice(&t.window().to_le_bytes());
    out.extend_from_slice(&(t.len() as u64).to_le_bytes());
    out.extend_from_slice(&(t.indices().len() as u64).to_le_bytes());
    for i in t.indices() {
        out.extend_from_slice(&i.to_le_bytes());
    }
    t.write_points(out);
}

fn read_table<P: RawPoint>(r: &mut Reader<'_>, shared: &SharedBytes) -> Option<FixedBaseTable<P>> {
    let window = r.u32()?;
    let len = usize::try_from(r.u64()?).ok()?;
    let m = usize::try_from(r.u64()?).ok()?;
    if !(4..=20).contains(&window) || m > len || len > u32::MAX as usize {
        return None;
    }
    let windows = FixedBaseTable::<P>::windows_for(window);
    let indices = r
        .take(m.checked_mul(4)?)?
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let count = m.checked_mul(windows)?;
    let start = r.pos;
    r.take(count.checked_mul(P::BYTES)?)?;
    FixedBaseTable::from_raw(window, len, indices, shared.clone(), start, count)
}

/// A cursor over a file's bytes.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.bytes.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }
    pub(crate) fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    pub(crate) fn u64(&mut self) -> Option<u64> {
        self.take(8)
            .map(|b| u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
    }
}

#[cfg(test)]
mod tests;
