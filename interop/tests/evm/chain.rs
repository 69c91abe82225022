//! The EVM test harness: solc-js through node, a revm chain with one funded caller, the
//! deployed contracts of an election and the encoding of their calls.

use std::{collections::HashMap, path::PathBuf, process::Command};

use ark_bn254::{Bn254, Fr};
use ark_groth16::VerifyingKey;
use revm::{
    context::{Context, TxEnv},
    context_interface::result::{ExecutionResult, Output},
    database::{CacheDB, EmptyDB},
    handler::{MainBuilder, MainContext, MainnetContext, MainnetEvm},
    primitives::{keccak256, Address, Bytes, TxKind, U256},
    state::AccountInfo,
    ExecuteCommitEvm,
};
use zkvote_circuits::election::Election;
use zkvote_interop::{
    repo,
    solidity::{ballot_box_contract, verifier_contract, BALLOT_BOX_NAME, VERIFIER_NAME},
};

// ---------------------------------------------------------------- node tools

pub fn require_node_modules() {
    zkvote_interop::node_modules("interop", "solc/package.json");
}

/// Compiles Solidity files with solc-js: contract name -> creation bytecode.
pub fn compile(files: &[PathBuf]) -> HashMap<String, Vec<u8>> {
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

pub const GAS_LIMIT: u64 = 10_000_000; // under the Osaka per-transaction cap of 2^24

pub struct Chain {
    evm: MainnetEvm<MainnetContext<CacheDB<EmptyDB>>>,
    caller: Address,
    nonce: u64,
}

/// How a transaction ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok(Vec<u8>),
    Revert(Vec<u8>),
    Halt,
}

impl Chain {
    pub fn new() -> Self {
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

    pub fn send(&mut self, kind: TxKind, data: Vec<u8>) -> (Outcome, u64, Option<Address>) {
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

    pub fn deploy(&mut self, code: &[u8], args: &[u8]) -> (Address, u64) {
        let mut data = code.to_vec();
        data.extend_from_slice(args);
        let (outcome, gas, addr) = self.send(TxKind::Create, data);
        assert_eq!(outcome, Outcome::Ok(Vec::new()), "deployment failed");
        (addr.expect("a created address"), gas)
    }

    pub fn call(&mut self, to: Address, data: Vec<u8>) -> (Outcome, u64) {
        let (o, g, _) = self.send(TxKind::Call(to), data);
        (o, g)
    }
}

pub fn selector(signature: &str) -> [u8; 4] {
    keccak256(signature.as_bytes())[..4].try_into().unwrap()
}

pub fn word(x: U256) -> [u8; 32] {
    x.to_be_bytes()
}

/// The 32-byte words of snarkjs call data text: `[a],[[b]],[c],[inputs]`.
pub fn calldata_words(text: &str) -> Vec<U256> {
    text.split(['[', ']', ',', ' ', '"'])
        .filter(|s| !s.is_empty())
        .map(|s| U256::from_str_radix(s.strip_prefix("0x").unwrap(), 16).unwrap())
        .collect()
}

pub fn encode_call(signature: &str, words: &[U256]) -> Vec<u8> {
    let mut out = selector(signature).to_vec();
    for w in words {
        out.extend_from_slice(&word(*w));
    }
    out
}

pub fn sig(name: &str, n: usize) -> String {
    format!("{name}(uint256[2],uint256[2][2],uint256[2],uint256[{n}])")
}

/// The deployed contracts of one election.
pub struct Deployed {
    /// The verifier contract.
    pub verifier: Address,
    /// The ballot box contract.
    pub ballot_box: Address,
    /// Number of public inputs.
    pub n: usize,
    /// Gas of the two deployments.
    pub deploy_gas: (u64, u64),
}

pub fn deploy_election(chain: &mut Chain, vk: &VerifyingKey<Bn254>, e: &Election) -> Deployed {
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

pub fn tempfile_dir() -> PathBuf {
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
    pub fn verify(&self, chain: &mut Chain, words: &[U256]) -> (bool, u64) {
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

    pub fn cast(&self, chain: &mut Chain, words: &[U256]) -> (Outcome, u64) {
        chain.call(self.ballot_box, encode_call(&sig("cast", self.n), words))
    }

    pub fn totals(&self, chain: &mut Chain, options: usize) -> Vec<u64> {
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
pub fn custom_error(name: &str, arg: U256) -> Vec<u8> {
    let mut out = selector(&format!("{name}(uint256)")).to_vec();
    out.extend_from_slice(&word(arg));
    out
}

pub fn fr_word(x: &Fr) -> U256 {
    U256::from_str_radix(&zkvote_circuits::field::fr_to_decimal(x), 10).unwrap()
}
