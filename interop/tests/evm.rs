//! The exported contracts on a real EVM: zkvote's Solidity verifier and ballot box,
//! compiled by the pinned solc-js (`interop/package.json`), deployed in revm, and fed
//! ballots made by zkvote's prover. The call data is the snarkjs text of
//! [`solidity_calldata`], so this also checks that that text drives the contracts.
//!
//! Uses the pinned solc-js of `interop/package-lock.json` (installed on first use).
//!
//! Gas per ballot (printed; `cargo test --release -p zkvote-interop -- --nocapture`).

use std::{collections::HashMap, path::PathBuf, process::Command};

use ark_bn254::{Bn254, Fr};
use ark_groth16::VerifyingKey;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use revm::{
    context::{Context, TxEnv},
    context_interface::result::{ExecutionResult, Output},
    database::{CacheDB, EmptyDB},
    handler::{MainBuilder, MainContext, MainnetContext, MainnetEvm},
    primitives::{keccak256, Address, Bytes, TxKind, U256},
    state::AccountInfo,
    ExecuteCommitEvm,
};
use zkvote_circuits::{
    ballot::{BallotRules, CensusKind},
    election::{CensusRef, Election},
};
use zkvote_interop::{
    snarkjs::solidity_calldata,
    solidity::{ballot_box_contract, verifier_contract, BALLOT_BOX_NAME, VERIFIER_NAME},
};
use zkvote_prover::{keys::proving_key_bytes, vote::prove_ballot};
use zkvote_test_support::World;
use zkvote_verifier::{
    ballot::{prepare_ballot, Ballot},
    keys::{digest_hex, verifying_key_bytes},
};

// ---------------------------------------------------------------- node tools

use zkvote_interop::repo;

fn require_node_modules() {
    zkvote_interop::node_modules("interop", "solc/package.json");
}

/// Compiles Solidity files with solc-js: contract name -> creation bytecode.
fn compile(files: &[PathBuf]) -> HashMap<String, Vec<u8>> {
    require_node_modules();
    let out = Command::new("node")
        .arg(repo().join("interop/solc.js"))
        .args(files)
        .output()
        .expect("node runs (install Node.js 18 or later)");
    assert!(
        out.status.success(),
        "solc failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let warnings = String::from_utf8_lossy(&out.stderr);
    assert!(
        warnings.trim().is_empty(),
        "solc warns about the generated code: {warnings}"
    );
    let map: HashMap<String, String> = serde_json::from_slice(&out.stdout).unwrap();
    map.into_iter()
        .map(|(k, v)| (k, hex::decode(v).unwrap()))
        .collect()
}

// ---------------------------------------------------------------- the EVM

const GAS_LIMIT: u64 = 10_000_000; // under the Osaka per-transaction cap of 2^24

struct Chain {
    evm: MainnetEvm<MainnetContext<CacheDB<EmptyDB>>>,
    caller: Address,
    nonce: u64,
}

/// How a transaction ended.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Ok(Vec<u8>),
    Revert(Vec<u8>),
    Halt,
}

impl Chain {
    fn new() -> Self {
        let caller = Address::repeat_byte(0xaa);
        let mut db = CacheDB::<EmptyDB>::default();
        db.insert_account_info(
            caller,
            AccountInfo {
                balance: U256::from(10u64).pow(U256::from(24u64)),
                ..Default::default()
            },
        );
        let evm = Context::mainnet().with_db(db).build_mainnet();
        Chain {
            evm,
            caller,
            nonce: 0,
        }
    }

    fn send(&mut self, kind: TxKind, data: Vec<u8>) -> (Outcome, u64, Option<Address>) {
        let tx = TxEnv::builder()
            .caller(self.caller)
            .kind(kind)
            .data(Bytes::from(data))
            .gas_limit(GAS_LIMIT)
            .nonce(self.nonce)
            .build_fill();
        let r = self
            .evm
            .transact_commit(tx)
            .expect("the transaction is valid");
        self.nonce += 1;
        let gas = r.tx_gas_used();
        match r {
            ExecutionResult::Success { output, .. } => match output {
                Output::Create(_, addr) => (Outcome::Ok(Vec::new()), gas, addr),
                Output::Call(b) => (Outcome::Ok(b.to_vec()), gas, None),
            },
            ExecutionResult::Revert { output, .. } => (Outcome::Revert(output.to_vec()), gas, None),
            ExecutionResult::Halt { .. } => (Outcome::Halt, gas, None),
        }
    }

    fn deploy(&mut self, code: &[u8], args: &[u8]) -> (Address, u64) {
        let mut data = code.to_vec();
        data.extend_from_slice(args);
        let (outcome, gas, addr) = self.send(TxKind::Create, data);
        assert_eq!(outcome, Outcome::Ok(Vec::new()), "deployment failed");
        (addr.expect("a created address"), gas)
    }

    fn call(&mut self, to: Address, data: Vec<u8>) -> (Outcome, u64) {
        let (o, g, _) = self.send(TxKind::Call(to), data);
        (o, g)
    }
}

fn selector(signature: &str) -> [u8; 4] {
    keccak256(signature.as_bytes())[..4].try_into().unwrap()
}

fn word(x: U256) -> [u8; 32] {
    x.to_be_bytes()
}

/// The 32-byte words of snarkjs call data text: `[a],[[b]],[c],[inputs]`.
fn calldata_words(text: &str) -> Vec<U256> {
    text.split(['[', ']', ',', ' ', '"'])
        .filter(|s| !s.is_empty())
        .map(|s| U256::from_str_radix(s.strip_prefix("0x").unwrap(), 16).unwrap())
        .collect()
}

fn encode_call(signature: &str, words: &[U256]) -> Vec<u8> {
    let mut out = selector(signature).to_vec();
    for w in words {
        out.extend_from_slice(&word(*w));
    }
    out
}

fn sig(name: &str, n: usize) -> String {
    format!("{name}(uint256[2],uint256[2][2],uint256[2],uint256[{n}])")
}

/// The deployed contracts of one election.
struct Deployed {
    verifier: Address,
    ballot_box: Address,
    n: usize,
    deploy_gas: (u64, u64),
}

fn deploy_election(chain: &mut Chain, vk: &VerifyingKey<Bn254>, e: &Election) -> Deployed {
    let dir = tempfile_dir();
    let v = dir.join(format!("{VERIFIER_NAME}.sol"));
    let b = dir.join(format!("{BALLOT_BOX_NAME}.sol"));
    std::fs::write(&v, verifier_contract(vk, &e.shape.to_string()).unwrap()).unwrap();
    std::fs::write(&b, ballot_box_contract(e).unwrap()).unwrap();
    let code = compile(&[v, b]);
    let (verifier, g1) = chain.deploy(&code[VERIFIER_NAME], &[]);
    let mut arg = [0u8; 32];
    arg[12..].copy_from_slice(verifier.as_slice());
    let (ballot_box, g2) = chain.deploy(&code[BALLOT_BOX_NAME], &arg);
    std::fs::remove_dir_all(&dir).ok();
    Deployed {
        verifier,
        ballot_box,
        n: vk.gamma_abc_g1.len() - 1,
        deploy_gas: (g1, g2),
    }
}

fn tempfile_dir() -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let d = std::env::temp_dir().join(format!(
        "zkvote-evm-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

impl Deployed {
    fn verify(&self, chain: &mut Chain, words: &[U256]) -> (bool, u64) {
        let (o, gas) = chain.call(
            self.verifier,
            encode_call(&sig("verifyProof", self.n), words),
        );
        match o {
            Outcome::Ok(out) => {
                assert_eq!(out.len(), 32);
                (out[31] == 1 && out[..31].iter().all(|&b| b == 0), gas)
            }
            other => panic!("verifyProof must return, not {other:?}"),
        }
    }

    fn cast(&self, chain: &mut Chain, words: &[U256]) -> (Outcome, u64) {
        chain.call(self.ballot_box, encode_call(&sig("cast", self.n), words))
    }

    fn totals(&self, chain: &mut Chain, options: usize) -> Vec<u64> {
        (0..options)
            .map(|i| {
                let data = encode_call("totals(uint256)", &[U256::from(i)]);
                match chain.call(self.ballot_box, data).0 {
                    Outcome::Ok(out) => U256::from_be_slice(&out).to::<u64>(),
                    other => panic!("totals({i}): {other:?}"),
                }
            })
            .collect()
    }
}

/// The revert data of a custom error with one `uint256` argument.
fn custom_error(name: &str, arg: U256) -> Vec<u8> {
    let mut out = selector(&format!("{name}(uint256)")).to_vec();
    out.extend_from_slice(&word(arg));
    out
}

fn fr_word(x: &Fr) -> U256 {
    U256::from_str_radix(&zkvote_circuits::field::fr_to_decimal(x), 10).unwrap()
}

// ---------------------------------------------------------------- ballots

/// A ballot of member `who`, as call data words.
fn ballot(
    w: &World,
    e: &Election,
    who: usize,
    votes: Vec<u32>,
    weight: u64,
    seed: u64,
) -> Vec<U256> {
    let req = w.request(e, who, votes, weight);
    let b: Ballot =
        prove_ballot(&w.pk, &w.pvk, &req, &mut ChaCha20Rng::seed_from_u64(seed)).unwrap();
    let p = prepare_ballot(e, &b).unwrap();
    calldata_words(&solidity_calldata(&p.proof, &p.inputs))
}

/// Offsets of the public inputs in the call data words (after a, b, c).
const INPUT: usize = 8;

// ---------------------------------------------------------------- tests

#[test]
fn the_ballot_box_counts_valid_ballots_and_refuses_everything_else() {
    let w = World::new(CensusKind::Plain, 4, 3, 1);
    let e = w.election("X", 3, BallotRules::single(3));
    let other = w.election("Y", 3, BallotRules::single(3));
    let mut chain = Chain::new();
    let d = deploy_election(&mut chain, &w.vk, &e);
    assert_eq!(d.n, 6);

    let b0 = ballot(&w, &e, 0, vec![0, 1, 0], 1, 10);
    let b1 = ballot(&w, &e, 1, vec![0, 1, 0], 1, 11);
    let b2 = ballot(&w, &e, 2, vec![0, 0, 1], 1, 12);
    let y3 = ballot(&w, &other, 3, vec![1, 0, 0], 1, 13);

    // The verifier alone: valid, and every single-word change of the inputs or of A is refused.
    assert!(d.verify(&mut chain, &b0).0);
    assert!(
        d.verify(&mut chain, &y3).0,
        "the key serves every election of the shape"
    );
    for i in [
        0,
        1,
        INPUT,
        INPUT + 1,
        INPUT + 2,
        INPUT + 3,
        INPUT + 4,
        INPUT + 5,
    ] {
        let mut t = b0.clone();
        t[i] += U256::from(1u64);
        assert!(
            !d.verify(&mut chain, &t).0,
            "word {i} changed and still accepted"
        );
    }
    // Non-canonical encodings of the same proof: y + q, an input + r.
    let q = U256::from_str_radix(
        &<ark_bn254::Fq as ark_ff::PrimeField>::MODULUS.to_string(),
        10,
    )
    .unwrap();
    let r = U256::from_str_radix(
        &<ark_bn254::Fr as ark_ff::PrimeField>::MODULUS.to_string(),
        10,
    )
    .unwrap();
    let mut t = b0.clone();
    t[1] += q;
    assert!(!d.verify(&mut chain, &t).0);
    let mut t = b0.clone();
    t[INPUT + 2] += r;
    assert!(!d.verify(&mut chain, &t).0);
    // B with its coordinates in arkworks' order (x.c0 first) is refused.
    let mut t = b0.clone();
    t.swap(2, 3);
    t.swap(4, 5);
    assert!(!d.verify(&mut chain, &t).0);

    // The ballot box.
    assert_eq!(d.cast(&mut chain, &b0).0, Outcome::Ok(Vec::new()));
    assert_eq!(
        d.cast(&mut chain, &b0).0,
        Outcome::Revert(custom_error("NullifierUsed", b0[INPUT + 2])),
        "a second ballot with the same nullifier"
    );
    assert_eq!(
        d.cast(&mut chain, &y3).0,
        Outcome::Revert(custom_error("WrongElection", fr_word(&other.id))),
    );
    // Y's proof relabelled as X's: the election id is right, the proof is not.
    let mut relabelled = y3.clone();
    relabelled[INPUT] = fr_word(&e.id);
    let invalid = selector("InvalidProof()").to_vec();
    assert_eq!(
        d.cast(&mut chain, &relabelled).0,
        Outcome::Revert(invalid.clone())
    );
    let mut t = b1.clone();
    t[INPUT + 1] += U256::from(1u64);
    assert_eq!(
        d.cast(&mut chain, &t).0,
        Outcome::Revert(custom_error("WrongCensusRoot", t[INPUT + 1]))
    );
    let mut t = b1.clone();
    t[INPUT + 3] += U256::from(1u64);
    assert_eq!(
        d.cast(&mut chain, &t).0,
        Outcome::Revert(custom_error("WrongRules", t[INPUT + 3]))
    );
    // A changed vote: option 1 moved to option 0.
    let mut t = b1.clone();
    t[INPUT + 5] = U256::from(1u64);
    assert_eq!(d.cast(&mut chain, &t).0, Outcome::Revert(invalid.clone()));
    // A changed proof.
    let mut t = b1.clone();
    t[6] = b0[6];
    t[7] = b0[7];
    assert_eq!(d.cast(&mut chain, &t).0, Outcome::Revert(invalid));
    // None of the refused ballots used up b1's nullifier.
    assert_eq!(d.cast(&mut chain, &b1).0, Outcome::Ok(Vec::new()));
    assert_eq!(d.cast(&mut chain, &b2).0, Outcome::Ok(Vec::new()));
    assert_eq!(d.totals(&mut chain, 3), vec![0, 2, 1]);
}

#[test]
fn weights_multiply_unless_the_rules_spend_them() {
    let w = World::new(CensusKind::Weighted, 4, 3, 2);
    // Score 0..3 per option, weight multiplies: totals are Σ vᵢ·w.
    let score = w.election("score", 3, BallotRules::score(3, 3));
    // Quadratic with the weight as budget: Σ vᵢ² ≤ w, totals are Σ vᵢ.
    let quad = w.election("quadratic", 3, BallotRules::quadratic_weighted(3));
    let mut chain = Chain::new();
    let ds = deploy_election(&mut chain, &w.vk, &score);
    let dq = deploy_election(&mut chain, &w.vk, &quad);

    // Members 0 and 3 have census weights 10 and 13; member 3 spends 7 of them.
    for (who, votes, weight, seed) in [(0, vec![3, 0, 1], 10, 20), (3, vec![1, 2, 0], 7, 21)] {
        let b = ballot(&w, &score, who, votes, weight, seed);
        assert_eq!(ds.cast(&mut chain, &b).0, Outcome::Ok(Vec::new()));
    }
    assert_eq!(ds.totals(&mut chain, 3), vec![3 * 10 + 7, 2 * 7, 10]);

    for (who, votes, weight, seed) in [(0, vec![3, 0, 1], 10, 22), (3, vec![1, 2, 2], 13, 23)] {
        let b = ballot(&w, &quad, who, votes, weight, seed);
        assert_eq!(dq.cast(&mut chain, &b).0, Outcome::Ok(Vec::new()));
    }
    assert_eq!(dq.totals(&mut chain, 3), vec![4, 2, 3]);
}

/// Defence in depth on chain: a weight of 2⁶⁴ or more (such as `r − 1`, which circuit
/// version 1 let a weighted ballot claim) and packed votes with bits past their
/// slices are refused by the ballot box itself, before the proof is even verified, so a
/// contract never multiplies an unbounded weight into a total. (That the circuit
/// refuses `w = r − 1` is tested in `circuits/src/ballot/constraints.rs` and, on the
/// whole circuit, in `circuits/src/ballot/raw.rs`; with a real proof below.)
#[test]
fn the_ballot_box_refuses_out_of_range_weights_and_votes() {
    let w = World::new(CensusKind::Weighted, 4, 3, 4);
    let e = w.election("range", 3, BallotRules::score(3, 3));
    let mut chain = Chain::new();
    let d = deploy_election(&mut chain, &w.vk, &e);
    let good = ballot(&w, &e, 1, vec![1, 0, 3], 11, 40);
    let r = U256::from_str_radix(
        &<ark_bn254::Fr as ark_ff::PrimeField>::MODULUS.to_string(),
        10,
    )
    .unwrap();
    let weight = INPUT + 4;
    for bad in [
        r - U256::from(1u64),
        r - U256::from(5u64),
        U256::from(1u64) << 64,
        U256::MAX >> 4,
    ] {
        let mut t = good.clone();
        t[weight] = bad;
        assert_eq!(
            d.cast(&mut chain, &t).0,
            Outcome::Revert(custom_error("WeightOutOfRange", bad)),
            "weight {bad} not refused as out of range"
        );
    }
    // 3 fields: one packed input of 3 slices of 32 bits; a bit above them is refused.
    let votes = INPUT + 5;
    for bit in [96u32, 100, 200, 253] {
        let mut t = good.clone();
        t[votes] |= U256::from(1u64) << bit;
        assert_eq!(
            d.cast(&mut chain, &t).0,
            Outcome::Revert(custom_error("VotesOutOfRange", t[votes])),
            "vote bit {bit} not refused"
        );
    }
    // The honest ballot still counts: 11 × (1, 0, 3).
    assert_eq!(d.cast(&mut chain, &good).0, Outcome::Ok(Vec::new()));
    assert_eq!(d.totals(&mut chain, 3), vec![11, 0, 33]);
}

/// The review's exploit, end to end, with a real proof: under circuit version 1 a member
/// of census weight 11 could prove a ballot with `w = r − 1` (the raw test circuit builds
/// version 1's statement and a key is made for it). That proof verifies under its key on
/// chain (`verifyProof` is true), and the ballot box refuses it anyway
/// (`WeightOutOfRange`) instead of adding `vᵢ·(r − 1)` to a total. With today's statement
/// the same assignment is unsatisfiable, and a proof forced out of it does not verify.
#[test]
fn a_real_version_1_proof_of_weight_r_minus_1_is_refused_on_chain() {
    use ark_groth16::Groth16;
    use ark_snark::SNARK;
    use zkvote_circuits::ballot::{
        public_inputs::pack_votes,
        raw::{RawBallotCircuit, RawWitness, Statement},
    };
    let w = World::new(CensusKind::Weighted, 4, 3, 5);
    let mut rng = ChaCha20Rng::seed_from_u64(50);
    let (pk1, vk1) = Groth16::<Bn254>::circuit_specific_setup(
        RawBallotCircuit::for_setup(w.shape, Statement::Version1),
        &mut rng,
    )
    .unwrap();
    let rules = BallotRules::single(3);
    let e = Election::new(
        "v1".into(),
        (0..3).map(|i| format!("o{i}")).collect(),
        "custom".into(),
        rules.clone(),
        CensusRef {
            root: w.census.root(),
            size: w.census.members().len() as u64,
        },
        w.shape,
        digest_hex(&verifying_key_bytes(&w.shape, &vk1)),
        digest_hex(&proving_key_bytes(&w.shape, &pk1)),
    )
    .unwrap();
    let who = 1;
    let (path, census_weight) = w.census.proof_for(&w.ids[who].commitment()).unwrap();
    assert_eq!(census_weight, 11);
    let secret = w.ids[who].secret_scalar();
    let votes = [0u32, 1, 0];
    let r_minus_1 = -Fr::from(1u64);
    let mut public = vec![
        e.id,
        w.census.root(),
        zkvote_circuits::nullifier::nullifier(e.id, secret),
        rules.pack().unwrap(),
        r_minus_1,
    ];
    public.extend(pack_votes(&votes));
    let circuit = |statement| RawBallotCircuit {
        shape: w.shape,
        statement,
        public: Some(public.clone()),
        witness: Some(RawWitness {
            secret,
            path: path.clone(),
            census_weight: Fr::from(census_weight),
        }),
    };
    let proof = Groth16::<Bn254>::prove(&pk1, circuit(Statement::Version1), &mut rng).unwrap();
    assert!(
        Groth16::<Bn254>::verify(&vk1, &public, &proof).unwrap(),
        "the version-1 proof is a real proof of its statement"
    );

    let mut chain = Chain::new();
    let d = deploy_election(&mut chain, &vk1, &e);
    let words = calldata_words(&solidity_calldata(&proof, &public));
    assert!(d.verify(&mut chain, &words).0, "verifyProof accepts it");
    assert_eq!(
        d.cast(&mut chain, &words).0,
        Outcome::Revert(custom_error("WeightOutOfRange", fr_word(&r_minus_1))),
        "the ballot box must refuse a weight of r - 1"
    );
    assert_eq!(d.totals(&mut chain, 3), vec![0, 0, 0]);

    // Today's statement: the same values do not satisfy it, and the proof the prover
    // computes anyway does not verify under today's key, off chain or on chain.
    {
        use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
        let cs = ConstraintSystem::<Fr>::new_ref();
        circuit(Statement::Current)
            .generate_constraints(cs.clone())
            .unwrap();
        assert!(!cs.is_satisfied().unwrap());
    }
    let forced = Groth16::<Bn254>::prove(&w.pk, circuit(Statement::Current), &mut rng).unwrap();
    assert!(!Groth16::<Bn254>::verify(&w.vk, &public, &forced).unwrap());
    let d2 = deploy_election(&mut chain, &w.vk, &w.election("v2", 3, rules));
    let words = calldata_words(&solidity_calldata(&forced, &public));
    assert!(!d2.verify(&mut chain, &words).0);
}

/// Gas of one ballot: `verifyProof` alone and `BallotBox.cast`, both whole transactions
/// (21,000 base and call data included). Semaphore v4's `validateProof` is ~289k.
#[test]
fn gas_per_ballot() {
    let mut report = Vec::new();
    for (depth, fields) in [(4, 3), (20, 8)] {
        let w = World::new(CensusKind::Plain, depth, fields, 3);
        let e = w.election("gas", 3, BallotRules::single(3));
        let mut chain = Chain::new();
        let d = deploy_election(&mut chain, &w.vk, &e);
        let b = ballot(&w, &e, 4, vec![1, 0, 0], 1, 30);
        let (ok, verify_gas) = d.verify(&mut chain, &b);
        assert!(ok);
        let (outcome, cast_gas) = d.cast(&mut chain, &b);
        assert_eq!(outcome, Outcome::Ok(Vec::new()));
        let b2 = ballot(&w, &e, 2, vec![0, 0, 1], 1, 31);
        let (outcome, cast_gas_2) = d.cast(&mut chain, &b2);
        assert_eq!(outcome, Outcome::Ok(Vec::new()));
        report.push(format!(
            "depth {depth}, {fields} fields ({} public inputs): verifyProof {verify_gas} gas, \
             cast {cast_gas} gas (first ballot), {cast_gas_2} gas (next ballot); \
             deployment {} + {} gas",
            d.n, d.deploy_gas.0, d.deploy_gas.1
        ));
        // A verifier that cost more than Semaphore's would be a regression to look at.
        assert!(verify_gas < 289_000, "verifyProof costs {verify_gas} gas");
        assert!(cast_gas < 400_000, "cast costs {cast_gas} gas");
    }
    for line in report {
        println!("gas: {line}");
    }
}
