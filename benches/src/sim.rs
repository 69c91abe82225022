//! **Benchmark-only ballot simulator.** Makes thousands of distinct, valid ballots per
//! second for load and fault tests of the ballot box, from a setup whose trapdoor the
//! benchmark itself chose. Never part of a real command: with the trapdoor anyone can
//! forge a proof for any statement, which is exactly why a real election's keys come
//! from a setup nobody knows the trapdoor of.
//!
//! # How
//! The verifying key is made from chosen `α, β, γ, δ` and random `ICᵢ`:
//! `α₁ = α·G₁, β₂ = β·G₂, γ₂ = γ·G₂, δ₂ = δ·G₂`. For public inputs `x`, with
//! `acc = IC₀ + Σ xᵢ·ICᵢ₊₁` and random `b, c`, the proof
//! `A = b⁻¹·(αβ·G₁ + γ·acc + cδ·G₁)`, `B = b·G₂`, `C = c·G₁` satisfies Groth16's check
//! `e(A, B) = e(α₁, β₂)·e(acc, γ₂)·e(C, δ₂)`: both sides are
//! `e(G₁, G₂)^{αβ + cδ}·e(acc, G₂)^{γ}`.
//!
//! There is no proving key: the election names the digest of a file that says so
//! ([`SIMULATED_PROVING_KEY`]), so no one can prove with it, and a box or a voter that
//! fetches it sees what it is.

use ark_bn254::{Bn254, Fr, G1Projective, G2Projective};
use ark_ec::{CurveGroup, PrimeGroup};
use ark_ff::{Field, UniformRand};
use ark_groth16::{Proof, VerifyingKey};
use rand::{CryptoRng, RngCore};
use zkvote_circuits::ballot::public_inputs::BallotInstance;
use zkvote_circuits::ballot::{BallotRules, BallotShape, CensusKind};
use zkvote_circuits::election::{CensusRef, Election, Revote, VotingWindow};
use zkvote_prover::census::{Census, Member};
use zkvote_prover::identity::Identity;
use zkvote_verifier::ballot::Ballot;
use zkvote_verifier::keys::{digest_hex, verifying_key_bytes};

/// The bytes the simulated election names as its proving key.
pub const SIMULATED_PROVING_KEY: &[u8] =
    b"zkvote benchmark-only simulated setup: there is no proving key\n";

/// A setup with a known trapdoor, and an election on it.
pub struct SimulatedElection {
    /// The shape.
    pub shape: BallotShape,
    /// The verifying key (made from the trapdoor).
    pub vk: VerifyingKey<Bn254>,
    /// A real census of a few members (the box serves it; the simulator's ballots do not
    /// come from them).
    pub census: Census,
    /// The election: single choice over the shape's fields, with a window.
    pub election: Election,
    alpha_beta: Fr,
    gamma: Fr,
    delta: Fr,
}

impl SimulatedElection {
    /// A simulated election of `shape` (plain census) open over `window`, policy `revote`.
    pub fn new<R: RngCore + CryptoRng>(
        shape: BallotShape,
        window: VotingWindow,
        revote: Revote,
        rng: &mut R,
    ) -> Self {
        assert_eq!(
            shape.census,
            CensusKind::Plain,
            "the simulator makes plain ballots"
        );
        let (alpha, beta, gamma, delta) =
            (Fr::rand(rng), Fr::rand(rng), Fr::rand(rng), Fr::rand(rng));
        let g1 = G1Projective::generator();
        let g2 = G2Projective::generator();
        let n = BallotInstance::num_inputs(&shape);
        let vk = VerifyingKey::<Bn254> {
            alpha_g1: (g1 * alpha).into_affine(),
            beta_g2: (g2 * beta).into_affine(),
            gamma_g2: (g2 * gamma).into_affine(),
            delta_g2: (g2 * delta).into_affine(),
            gamma_abc_g1: (0..=n)
                .map(|_| (g1 * Fr::rand(rng)).into_affine())
                .collect(),
        };
        let ids: Vec<Identity> = (0..3).map(|_| Identity::random(rng)).collect();
        let census = Census::build(
            CensusKind::Plain,
            ids.iter()
                .map(|i| Member {
                    commitment: i.commitment(),
                    weight: 1,
                })
                .collect(),
        )
        .expect("a census of three fresh members");
        let k = shape.fields as u8;
        let election = Election::new(
            "Simulated load (benchmark only)".into(),
            (0..k).map(|i| format!("option {i}")).collect(),
            "single".into(),
            BallotRules::single(k),
            CensusRef {
                root: census.root(),
                size: 3,
            },
            shape,
            digest_hex(&verifying_key_bytes(&shape, &vk)),
            digest_hex(SIMULATED_PROVING_KEY),
        )
        .and_then(|e| e.with_schedule(Some(window), revote))
        .expect("a valid election");
        SimulatedElection {
            shape,
            vk,
            census,
            election,
            alpha_beta: alpha * beta,
            gamma,
            delta,
        }
    }

    /// The verifying key file.
    pub fn verifying_key_file(&self) -> Vec<u8> {
        verifying_key_bytes(&self.shape, &self.vk)
    }

    /// A forged proof of these public inputs (see the module documentation).
    pub fn forge<R: RngCore + CryptoRng>(&self, inputs: &[Fr], rng: &mut R) -> Proof<Bn254> {
        let ic = &self.vk.gamma_abc_g1;
        assert_eq!(
            inputs.len() + 1,
            ic.len(),
            "one input per IC point after IC₀"
        );
        // Sequential on purpose: arkworks' MSM is parallel, and nesting it inside the
        // callers' parallel loops makes rayon's stacks grow without bound.
        let acc = ic[1..]
            .iter()
            .zip(inputs)
            .fold(G1Projective::from(ic[0]), |acc, (p, x)| acc + *p * x);
        let (b, c) = (Fr::rand(rng), Fr::rand(rng));
        let g1 = G1Projective::generator();
        let a = (g1 * (self.alpha_beta + c * self.delta) + acc * self.gamma)
            * b.inverse().expect("b is not zero");
        Proof {
            a: a.into_affine(),
            b: (G2Projective::generator() * b).into_affine(),
            c: (g1 * c).into_affine(),
        }
    }

    /// A valid ballot of a random (simulated) member for `choice`.
    pub fn ballot<R: RngCore + CryptoRng>(&self, choice: usize, rng: &mut R) -> Ballot {
        let n = self.election.options.len();
        let mut votes = vec![0u32; n];
        votes[choice % n] = 1;
        let padded = self
            .election
            .padded_votes(&votes)
            .expect("one value per option");
        let nullifier = Fr::rand(rng);
        let instance = BallotInstance {
            election_id: self.election.id,
            census_root: self.election.census.root,
            nullifier,
            rules: self.election.rules.clone(),
            weight: 1,
            votes: padded,
        };
        let inputs = instance
            .to_field_elements(&self.shape)
            .expect("a ballot of the shape");
        let proof = self.forge(&inputs, rng);
        Ballot::new(self.election.id, nullifier, votes, 1, &proof)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;
    use zkvote_verifier::ballot::verify_ballot;

    #[test]
    fn simulated_ballots_verify_and_tampered_ones_do_not() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let shape = BallotShape::new(20, 8, CensusKind::Plain).unwrap();
        let sim = SimulatedElection::new(
            shape,
            VotingWindow::new(0, 10).unwrap(),
            Revote::First,
            &mut rng,
        );
        let pvk = ark_groth16::prepare_verifying_key(&sim.vk);
        zkvote_engine::keys::check_verifying_key(&sim.vk).unwrap();
        for choice in 0..8 {
            let b = sim.ballot(choice, &mut rng);
            verify_ballot(&sim.election, &pvk, &b).unwrap();
            let mut t = b.clone();
            t.votes = vec![0; 8];
            t.votes[(choice + 1) % 8] = 1;
            assert!(verify_ballot(&sim.election, &pvk, &t).is_err());
        }
    }
}
