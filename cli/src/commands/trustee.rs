//! `zkvote trustee …`: the trustees' key ceremony and the threshold decryption, one
//! file per message, each step run alone by one trustee (or by anyone for the public
//! steps). The cryptography is `zkvote_trustees`; this file reads, calls and writes.
//!
//! Files: `trustee-I.secret.json` (owner-only), `trustee-I.public.json` (a
//! [`TrusteePublicKey`]: index, key, proof of possession), dealings, complaint lists,
//! the DKG transcript and result, ciphertexts (provisional, [`CiphertextsFile`]),
//! partial decryptions, the decryption transcript.

use std::path::{Path, PathBuf};

use rand::rngs::OsRng;
use serde::{Deserialize, Serialize};
use zkvote_trustees::decrypt::{combine, partial_decrypt, DecryptionTranscript, PartialDecryption};
use zkvote_trustees::dkg::{
    Complaint, ComplaintOutcome, Dealing, DkgParams, DkgResult, DkgTranscript, Trustee,
};
use zkvote_trustees::dlog::DlogTable;
use zkvote_trustees::elgamal::Ciphertext;
use zkvote_trustees::format::{from_json, to_json, Document};
use zkvote_trustees::group::Scalar;
use zkvote_trustees::keys::{TrusteeKeyPair, TrusteePublicKey, TrusteeSecretKeyFile};

use super::{
    input_error, read_json, read_text, refuse_existing, write_file, write_json, write_json_as,
    Access, CliError, CmdResult, IfExists, EXIT_REJECTED,
};
use crate::args::{
    CeremonyArgs, TrusteeCheckArgs, TrusteeCmd, TrusteeCombineArgs, TrusteeDealArgs,
    TrusteeDecryptArgs, TrusteeEncryptArgs, TrusteeFinalizeArgs, TrusteeKeygenArgs,
    TrusteeVerifyDkgArgs,
};

/// The ciphertexts to decrypt (provisional, until the tally writes encrypted totals):
/// the election id every decryption proof is bound to, and one ElGamal ciphertext per
/// total, in the trustees crate's encoding.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CiphertextsFile {
    /// Format version (1).
    pub version: u32,
    /// The election id.
    pub election: String,
    /// The ciphertexts, one per total.
    pub ciphertexts: Vec<Ciphertext>,
}

/// Runs one `trustee` subcommand.
pub fn run(cmd: TrusteeCmd) -> CmdResult {
    match cmd {
        TrusteeCmd::Keygen(a) => keygen(a),
        TrusteeCmd::Deal(a) => deal(a),
        TrusteeCmd::Check(a) => check(a),
        TrusteeCmd::Finalize(a) => finalize(a),
        TrusteeCmd::VerifyDkg(a) => verify_dkg(a),
        TrusteeCmd::Encrypt(a) => encrypt(a),
        TrusteeCmd::Decrypt(a) => decrypt(a),
        TrusteeCmd::Combine(a) => combine_cmd(a),
    }
}

/// Loads a document of the trustees crate; errors name the file.
fn load<T: Document>(path: &Path) -> Result<T, CliError> {
    let text = read_text(path)?;
    from_json(&text).map_err(|e| input_error(format!("{}: {e}", path.display())))
}

/// Writes a document of the trustees crate (atomically).
fn save<T: Document>(path: &Path, doc: &T, access: Access) -> Result<(), CliError> {
    let mut text = to_json(doc);
    text.push('\n');
    write_file(path, text.as_bytes(), IfExists::Replace, access)
}

/// The files named: each file itself, each directory's `*.json` files in name order.
fn expand(paths: &[PathBuf], suffix: &str) -> Result<Vec<PathBuf>, CliError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let entries = std::fs::read_dir(p)
                .map_err(|e| input_error(format!("{}: cannot read: {e}", p.display())))?;
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file() && f.to_string_lossy().ends_with(suffix))
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// The secret key file's key pair.
fn load_key(path: &Path) -> Result<TrusteeKeyPair, CliError> {
    load::<TrusteeSecretKeyFile>(path)?
        .key_pair()
        .map_err(|e| input_error(format!("{}: {e}", path.display())))
}

/// The ceremony's parameters from the public key files (each proof of possession checked).
fn params(c: &CeremonyArgs) -> Result<DkgParams, CliError> {
    let mut keys = Vec::new();
    for f in expand(&c.trustees, ".public.json")? {
        let k: TrusteePublicKey = read_json(&f, "trustee public key")?;
        k.verify(&c.session).map_err(|e| {
            input_error(format!(
                "{}: trustee {}: proof of possession for session {:?}: {e}",
                f.display(),
                k.index,
                c.session
            ))
        })?;
        keys.push(k);
    }
    keys.sort_by_key(|k| k.index);
    DkgParams::new(&c.session, c.threshold, keys)
        .map_err(|e| input_error(format!("--trustees/--threshold: {e}")))
}

/// This key's index among the ceremony's trustees.
fn my_index(params: &DkgParams, kp: &TrusteeKeyPair, key: &Path) -> Result<u32, CliError> {
    let pk = kp.public_key();
    params
        .trustees
        .iter()
        .find(|t| t.key == pk)
        .map(|t| t.index)
        .ok_or_else(|| {
            input_error(format!(
                "{}: this key is not one of the ceremony's trustees",
                key.display()
            ))
        })
}

fn lib_err(e: zkvote_trustees::Error) -> CliError {
    input_error(e.to_string())
}

fn keygen(a: TrusteeKeygenArgs) -> CmdResult {
    if a.index == 0 {
        return Err(input_error("--index: trustees are numbered from 1"));
    }
    std::fs::create_dir_all(&a.out)
        .map_err(|e| input_error(format!("{}: cannot create: {e}", a.out.display())))?;
    let secret = a.out.join(format!("trustee-{}.secret.json", a.index));
    let public = a.out.join(format!("trustee-{}.public.json", a.index));
    refuse_existing(&secret, "a trustee's secret key")?;
    refuse_existing(&public, "a trustee's public key")?;
    let kp = TrusteeKeyPair::generate(&mut OsRng);
    let reg = kp.register(&a.session, a.index, &mut OsRng);
    let mut text = to_json(&kp.to_file());
    text.push('\n');
    write_file(
        &secret,
        text.as_bytes(),
        IfExists::Refuse,
        Access::OwnerOnly,
    )?;
    write_json_as(&public, &reg, IfExists::Refuse, Access::Public)?;
    println!("secret key: {} (keep it; owner-only)", secret.display());
    println!("public key: {} (publish it)", public.display());
    Ok(0)
}

fn deal(a: TrusteeDealArgs) -> CmdResult {
    let kp = load_key(&a.key)?;
    let params = params(&a.ceremony)?;
    let index = my_index(&params, &kp, &a.key)?;
    let me = Trustee::new(&params, index, &kp).map_err(lib_err)?;
    let dealing = me.deal(&mut OsRng);
    save(&a.out, &dealing, Access::Public)?;
    println!(
        "trustee {index}: dealing for {} trustees, threshold {}: {}",
        params.n(),
        params.threshold,
        a.out.display()
    );
    Ok(0)
}

/// Loads the dealings, each checked against the parameters; the invalid ones are
/// reported (dealer and file named) but kept: the DKG disqualifies them publicly.
fn load_dealings(paths: &[PathBuf], params: &DkgParams) -> Result<(Vec<Dealing>, u32), CliError> {
    let mut dealings = Vec::new();
    let mut bad = 0;
    for f in expand(paths, ".json")? {
        let d: Dealing = load(&f)?;
        if let Err(e) = d.check(params) {
            eprintln!("dealer {}: {}: invalid dealing: {e}", d.dealer, f.display());
            bad += 1;
        }
        dealings.push(d);
    }
    dealings.sort_by_key(|d| d.dealer);
    Ok((dealings, bad))
}

fn check(a: TrusteeCheckArgs) -> CmdResult {
    let kp = load_key(&a.key)?;
    let params = params(&a.ceremony)?;
    let index = my_index(&params, &kp, &a.key)?;
    let (dealings, bad) = load_dealings(&a.dealings, &params)?;
    let me = Trustee::new(&params, index, &kp).map_err(lib_err)?;
    let complaints = me.complaints(&dealings, &mut OsRng);
    for c in &complaints {
        eprintln!("trustee {index}: complaint against dealer {}", c.accused);
    }
    let list: Vec<serde_json::Value> = complaints
        .iter()
        .map(|c| serde_json::from_str(&to_json(c)).expect("a complaint is JSON"))
        .collect();
    write_json(&a.out, &list)?;
    println!(
        "trustee {index}: {} dealings read, {} invalid, {} complaints: {}",
        dealings.len(),
        bad,
        complaints.len(),
        a.out.display()
    );
    Ok(if bad > 0 || !complaints.is_empty() {
        EXIT_REJECTED
    } else {
        0
    })
}

fn finalize(a: TrusteeFinalizeArgs) -> CmdResult {
    let params = params(&a.ceremony)?;
    let (dealings, _) = load_dealings(&a.dealings, &params)?;
    let mut complaints = Vec::new();
    for f in expand(&a.complaints, ".json")? {
        let list: Vec<serde_json::Value> = read_json(&f, "complaints")?;
        for (i, v) in list.iter().enumerate() {
            let c: Complaint = from_json(&v.to_string())
                .map_err(|e| input_error(format!("{}: complaint {i}: {e}", f.display())))?;
            complaints.push(c);
        }
    }
    let transcript = DkgTranscript::new(params, dealings, complaints)
        .map_err(|e| input_error(format!("the transcript: {e}")))?;
    let result = transcript.evaluate().map_err(|e| CliError {
        code: EXIT_REJECTED,
        message: e.to_string(),
    })?;
    save(&a.transcript, &transcript, Access::Public)?;
    save(&a.out, &result, Access::Public)?;
    report_dkg(&result);
    println!("transcript: {}", a.transcript.display());
    println!("result: {}", a.out.display());
    Ok(if result.disqualified.is_empty() {
        0
    } else {
        EXIT_REJECTED
    })
}

fn report_dkg(r: &DkgResult) {
    println!("qualified: {:?}", r.qualified);
    for d in &r.disqualified {
        println!("disqualified: dealer {}: {:?}", d.trustee, d.reason);
    }
    for c in &r.complaints {
        let outcome = match &c.outcome {
            ComplaintOutcome::Justified { .. } => "justified",
            _ => "not justified",
        };
        println!(
            "complaint: trustee {} against dealer {}: {outcome}",
            c.complainer, c.accused
        );
    }
    println!(
        "threshold {} of {}",
        r.key.threshold,
        r.key.verification_keys.len()
    );
}

fn verify_dkg(a: TrusteeVerifyDkgArgs) -> CmdResult {
    let transcript: DkgTranscript = load(&a.transcript)?;
    let result: DkgResult = load(&a.dkg)?;
    match result.verify(&transcript) {
        Ok(()) => {
            report_dkg(&result);
            println!("ok: {} matches {}", a.dkg.display(), a.transcript.display());
            Ok(0)
        }
        Err(e) => Err(CliError {
            code: EXIT_REJECTED,
            message: format!("{}: {e}", a.dkg.display()),
        }),
    }
}

fn load_cts(path: &Path) -> Result<CiphertextsFile, CliError> {
    let f: CiphertextsFile = read_json(path, "ciphertexts")?;
    if f.version != 1 {
        return Err(input_error(format!(
            "{}: unsupported ciphertexts version {}",
            path.display(),
            f.version
        )));
    }
    Ok(f)
}

fn encrypt(a: TrusteeEncryptArgs) -> CmdResult {
    let result: DkgResult = load(&a.dkg)?;
    let pk = result
        .key
        .elgamal()
        .map_err(|e| input_error(format!("{}: {e}", a.dkg.display())))?;
    let ciphertexts = a
        .values
        .iter()
        .map(|v| pk.encrypt(&Scalar::from(*v), &mut OsRng))
        .collect();
    let file = CiphertextsFile {
        version: 1,
        election: a.election,
        ciphertexts,
    };
    write_json(&a.out, &file)?;
    println!("{} ciphertexts: {}", a.values.len(), a.out.display());
    Ok(0)
}

fn decrypt(a: TrusteeDecryptArgs) -> CmdResult {
    let kp = load_key(&a.key)?;
    let transcript: DkgTranscript = load(&a.transcript)?;
    let cts = load_cts(&a.ciphertexts)?;
    let index = my_index(&transcript.params, &kp, &a.key)?;
    let me = Trustee::new(&transcript.params, index, &kp).map_err(lib_err)?;
    let (result, share) = me
        .finalize(&transcript, None)
        .map_err(|e| input_error(format!("{}: {e}", a.transcript.display())))?;
    let partial = partial_decrypt(
        &cts.election,
        &result.key,
        &share,
        &cts.ciphertexts,
        &mut OsRng,
    )
    .map_err(lib_err)?;
    save(&a.out, &partial, Access::Public)?;
    println!(
        "trustee {index}: partial decryption of {} ciphertexts: {}",
        cts.ciphertexts.len(),
        a.out.display()
    );
    Ok(0)
}

fn combine_cmd(a: TrusteeCombineArgs) -> CmdResult {
    let result: DkgResult = load(&a.dkg)?;
    let cts = load_cts(&a.ciphertexts)?;
    let files = expand(&a.partials, ".json")?;
    let mut partials = Vec::new();
    for f in &files {
        let p: PartialDecryption = load(f)?;
        partials.push(p);
    }
    let table =
        DlogTable::new(a.bound_bits).map_err(|e| input_error(format!("--bound-bits: {e}")))?;
    let d: DecryptionTranscript = combine(
        &cts.election,
        &result.key,
        &cts.ciphertexts,
        &partials,
        &table,
    )
    .map_err(|e| CliError {
        code: EXIT_REJECTED,
        message: e.to_string(),
    })?;
    for x in &d.excluded {
        eprintln!(
            "excluded: trustee {} ({}): {}",
            x.trustee,
            files[x.position].display(),
            x.reason
        );
    }
    save(&a.out, &d, Access::Public)?;
    println!("used trustees: {:?}", d.used);
    println!("totals: {:?}", d.totals);
    println!("transcript: {}", a.out.display());
    Ok(if d.excluded.is_empty() {
        0
    } else {
        EXIT_REJECTED
    })
}
