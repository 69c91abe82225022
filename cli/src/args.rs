//! The command line, in one place: clap derive types whose doc comments are the help.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// zkvote: private, publicly verifiable voting for groups (Groth16 on BN254,
/// Semaphore v4 identities and groups).
///
/// Exit codes: 0 done, everything checked was accepted; 1 done and everything reported,
/// but something was rejected (a ballot, a proof, a check); 2 usage or input error
/// (nothing written).
#[derive(Debug, Parser)]
#[command(name = "zkvote", version, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create, import or show a Semaphore v4 identity.
    #[command(subcommand)]
    Identity(IdentityCmd),
    /// Build and query a census (a LeanIMT of identity commitments).
    #[command(subcommand)]
    Census(CensusCmd),
    /// Define elections.
    #[command(subcommand)]
    Election(ElectionCmd),
    /// Generate the proving and verifying keys of a circuit shape (single-party setup).
    ///
    /// Example: zkvote setup --depth 20 --fields 8 --out keys
    Setup(SetupArgs),
    /// The circuit in circom/snarkjs formats, for a multi-party setup ceremony with
    /// snarkjs (see README, "Running a setup ceremony").
    #[command(subcommand)]
    Circuit(CircuitCmd),
    /// Precompute proving tables for an election's proving key, for one voter: `vote`
    /// then proves about twice as fast, holding the file (about 50 MB at depth 20) in
    /// memory. Only the voter's own tables are used (see README, "Proving tables").
    ///
    /// Example: zkvote tables --identity alice.json --election election.json --keys keys
    Tables(TablesArgs),
    /// Prove a ballot.
    ///
    /// Example: zkvote vote --identity alice.json --census census.json --election election.json --choice 1 --out ballot.json
    Vote(VoteArgs),
    /// Verify ballots one by one; every file is reported (valid, REJECTED or UNREADABLE,
    /// with the reason), then the exit code is the worst: 2 if a file could not be read
    /// as a ballot, else 1 if a ballot was rejected, else 0.
    ///
    /// Example: zkvote verify --election election.json ballot1.json ballot2.json
    Verify(VerifyArgs),
    /// Verify a ballot box and count it: every ballot counted or rejected with its reason.
    /// The result is written in every case; exit 1 if any ballot was rejected
    /// (duplicates and conflicts included), 0 if all counted.
    ///
    /// Example: zkvote tally --election election.json --box ballots/ --json --out tally.json
    Tally(TallyArgs),
    /// Run a whole election on this machine: identities, census, setup, parallel
    /// proving, batch verification and the tally.
    ///
    /// Example: zkvote demo --members 100 --voters 12
    Demo(DemoArgs),
    /// Print the headline figures: constraints, proving, verification, batch
    /// verification and census build (timings are the best of three runs).
    ///
    /// Example: zkvote bench --depth 10 --depth 20
    Bench(BenchArgs),
    /// Export a ballot or an election for other tools: snarkjs JSON files, Solidity
    /// contracts, Ethereum call data.
    #[command(subcommand)]
    Export(ExportCmd),
    /// Import and verify files made by other tools (snarkjs).
    #[command(subcommand)]
    Import(ImportCmd),
    /// Run a ballot box: an HTTP service that verifies ballots on arrival, logs them in
    /// an append-only log with signed checkpoints, and answers with receipts.
    ///
    /// Example: zkvote serve --data box --listen 127.0.0.1:8080
    Serve(ServeArgs),
    /// Manage the elections of a ballot box.
    #[command(subcommand, name = "box")]
    Box(BoxCmd),
    /// Download what a voter needs from a ballot box (election, census, keys), checked
    /// against each other.
    ///
    /// Example: zkvote fetch http://127.0.0.1:8080 --election 1234… --out proposal7
    Fetch(FetchArgs),
    /// Check receipts from a ballot box.
    #[command(subcommand)]
    Receipt(ReceiptCmd),
    /// Secret ballots (in progress): the trustees' key ceremony (a dealer-free DKG over
    /// files) and the threshold decryption of encrypted totals.
    #[command(subcommand)]
    Trustee(TrusteeCmd),
}

/// Where a box keeps its data: a directory (SQLite) or a database URL.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("storage").required(true).args(["data", "database"]))]
pub struct StorageArgs {
    /// A directory for the box's SQLite database and signing key (created if missing).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// A database URL (`postgres://…` or `sqlite:PATH`), for several box processes on one
    /// PostgreSQL server; the signing key is then --key.
    #[arg(long)]
    pub database: Option<String>,
    /// The box's signing key file (Ed25519 seed, created if missing, mode 0600); default
    /// DATA/box.key. Every process of one box must use the same key.
    #[arg(long)]
    pub key: Option<PathBuf>,
    /// The box's name, the origin of its checkpoints (a host name or schema-less URL).
    #[arg(long, default_value = "zkvote-box")]
    pub name: String,
}

/// `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Storage.
    #[command(flatten)]
    pub storage: StorageArgs,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// The most ballots verified together.
    #[arg(long, default_value_t = 64)]
    pub batch: usize,
    /// Print the address actually bound (with --listen 127.0.0.1:0) to this file when ready.
    #[arg(long)]
    pub ready_file: Option<PathBuf>,
}

/// `box` commands.
#[derive(Debug, Subcommand)]
pub enum BoxCmd {
    /// Host an election in the box: its file, census and keys are checked against each
    /// other and stored; voters then fetch them from the box.
    ///
    /// Example: zkvote box add --data box --election election.json --census census.json --keys keys
    Add {
        /// Storage.
        #[command(flatten)]
        storage: StorageArgs,
        /// The election file (it must have a voting window).
        #[arg(long)]
        election: PathBuf,
        /// The census file.
        #[arg(long)]
        census: PathBuf,
        /// Directory with the keys.
        #[arg(long, default_value = "keys")]
        keys: PathBuf,
    },
}

/// `fetch`.
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// The box's base URL.
    pub url: String,
    /// The election id (default: the box's only election).
    #[arg(long)]
    pub election: Option<String>,
    /// The directory to write into: election.json, census.json, box.json and keys/.
    #[arg(long)]
    pub out: PathBuf,
    /// Do not download the proving key (an auditor does not need it).
    #[arg(long)]
    pub no_proving_key: bool,
}

/// `receipt` commands.
#[derive(Debug, Subcommand)]
pub enum ReceiptCmd {
    /// Check that a ballot is in the box: the receipt's signature and inclusion proof,
    /// then that the box's latest checkpoint still contains it (a consistency proof).
    /// Exit 1 if the check fails.
    ///
    /// Example: zkvote receipt check ballot.receipt.json --box http://127.0.0.1:8080
    Check {
        /// The receipt file.
        receipt: PathBuf,
        /// The box's base URL.
        #[arg(long = "box")]
        box_url: String,
        /// The box key to trust (a verifier-key string); default: the key the box
        /// publishes with the election, which must be the receipt's.
        #[arg(long)]
        box_key: Option<String>,
    },
}

/// Identity commands.
#[derive(Debug, Subcommand)]
pub enum IdentityCmd {
    /// Create a new random identity.
    ///
    /// Example: zkvote identity new --out alice.json
    New {
        /// Write the identity here, readable only by you (mode 0600); an existing file is
        /// never overwritten (default: print it).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Import a Semaphore identity from its exported private key (base64).
    ///
    /// Example: zkvote identity import --private-key WFKssSwQErLem/uSuKHC7SWsR7EljxtugtE6fIzlqqo= --out alice.json
    Import {
        /// The private key as exported by @semaphore-protocol/identity (`identity.export()`).
        #[arg(long)]
        private_key: String,
        /// Write the identity here, readable only by you (mode 0600); an existing file is
        /// never overwritten (default: print it).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Show an identity's commitment and public key.
    ///
    /// Example: zkvote identity show alice.json
    Show {
        /// The identity file.
        file: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Census commands.
#[derive(Debug, Subcommand)]
pub enum CensusCmd {
    /// Build a census from a members file (one commitment per line, or `commitment,weight`).
    ///
    /// Example: zkvote census build --members members.txt --out census.json
    Build {
        /// The members file.
        #[arg(long)]
        members: PathBuf,
        /// Where to write the census.
        #[arg(long)]
        out: PathBuf,
        /// A weighted census (every line `commitment,weight`).
        #[arg(long)]
        weighted: bool,
    },
    /// Add a member to a census file (in place).
    ///
    /// Example: zkvote census add census.json 1234…
    Add {
        /// The census file.
        census: PathBuf,
        /// The member's identity commitment (decimal).
        commitment: String,
        /// The member's weight (weighted census).
        #[arg(long)]
        weight: Option<u64>,
    },
    /// Print the census root (decimal).
    ///
    /// Example: zkvote census root census.json
    Root {
        /// The census file.
        census: PathBuf,
    },
    /// Print a member's Merkle proof (JSON).
    ///
    /// Example: zkvote census proof census.json 1234…
    Proof {
        /// The census file.
        census: PathBuf,
        /// The member's identity commitment (decimal).
        commitment: String,
    },
}

/// Election commands.
#[derive(Debug, Subcommand)]
pub enum ElectionCmd {
    /// Define an election on a census.
    ///
    /// Example: zkvote election new --census census.json --options Yes,No,Abstain --mode single --title "Proposal 7" --out election.json
    New(ElectionNewArgs),
}

/// `election new`.
#[derive(Debug, Args)]
pub struct ElectionNewArgs {
    /// The census file.
    #[arg(long)]
    pub census: PathBuf,
    /// The options, comma-separated.
    #[arg(long, value_delimiter = ',', required = true)]
    pub options: Vec<String>,
    /// The ballot mode: single, approval, ranked, score or quadratic.
    #[arg(long, default_value = "single")]
    pub mode: String,
    /// A title.
    #[arg(long, default_value = "")]
    pub title: String,
    /// Approval: how many options a voter may approve at most.
    #[arg(long)]
    pub max_choices: Option<u64>,
    /// Score: the highest score per option.
    #[arg(long)]
    pub max_score: Option<u64>,
    /// Quadratic: the voice credits (Σ v² ≤ credits); omit in a weighted census to spend the weight.
    #[arg(long)]
    pub credits: Option<u64>,
    /// Override: smallest value of an option.
    #[arg(long)]
    pub min_value: Option<u32>,
    /// Override: largest value of an option.
    #[arg(long)]
    pub max_value: Option<u32>,
    /// Override: values must be pairwise distinct.
    #[arg(long)]
    pub unique: Option<bool>,
    /// Override: cost exponent (1 or 2).
    #[arg(long)]
    pub cost_exponent: Option<u8>,
    /// Override: smallest total cost.
    #[arg(long)]
    pub min_total_cost: Option<u64>,
    /// Override: largest total cost.
    #[arg(long)]
    pub max_total_cost: Option<u64>,
    /// Override: the budget is the weight spent.
    #[arg(long)]
    pub cost_from_weight: Option<bool>,
    /// Circuit shape: maximum census depth.
    #[arg(long, default_value_t = 20)]
    pub depth: usize,
    /// Circuit shape: number of vote fields.
    #[arg(long, default_value_t = 8)]
    pub fields: usize,
    /// Directory with the keys (from `zkvote setup`).
    #[arg(long, default_value = "keys")]
    pub keys: PathBuf,
    /// When voting opens: Unix seconds, RFC 3339 (`2027-03-01T09:00:00Z`), `now`, or
    /// `+DURATION` from now (`+10m`, `+2h`, `+7days`). Needed to host the election in a
    /// ballot box (`zkvote serve`); the id commits to it.
    #[arg(long, requires = "closes_at")]
    pub opens_at: Option<String>,
    /// When voting closes (exclusive), in the same forms as --opens-at.
    #[arg(long, requires = "opens_at")]
    pub closes_at: Option<String>,
    /// Which ballot of a member counts: `first` (later ones are refused) or `last` (she
    /// may change her vote until the close).
    #[arg(long, default_value = "first")]
    pub revote: String,
    /// Where to write the election.
    #[arg(long)]
    pub out: PathBuf,
}

/// `setup`.
#[derive(Debug, Args)]
pub struct SetupArgs {
    /// Maximum census depth (1..=32).
    #[arg(long, default_value_t = 20)]
    pub depth: usize,
    /// Number of vote fields.
    #[arg(long, default_value_t = 8)]
    pub fields: usize,
    /// For a weighted census.
    #[arg(long)]
    pub weighted: bool,
    /// Output directory.
    #[arg(long, default_value = "keys")]
    pub out: PathBuf,
    /// Import the final `.zkey` of a snarkjs ceremony for this shape instead of
    /// generating keys (refused if it was made for another circuit).
    ///
    /// Example: zkvote setup --from-zkey ballot_final.zkey --depth 20 --fields 8 --out keys
    #[arg(long, value_name = "FILE.zkey")]
    pub from_zkey: Option<PathBuf>,
}

/// `tables`.
#[derive(Debug, Args)]
pub struct TablesArgs {
    /// The voter's identity file: the tables are tagged with a key derived from it, and
    /// `vote` uses only tables tagged for the voting identity.
    #[arg(long)]
    pub identity: PathBuf,
    /// The election file (its proving key is the one the tables are made for).
    #[arg(long)]
    pub election: PathBuf,
    /// Directory with the keys; the tables are written there, next to the proving key.
    #[arg(long, default_value = "keys")]
    pub keys: PathBuf,
}

/// Circuit commands.
#[derive(Debug, Subcommand)]
pub enum CircuitCmd {
    /// Write the ballot circuit of a shape as an iden3 `.r1cs` file
    /// (`DIR/ballot-d{D}-f{F}-{plain|weighted}.r1cs`).
    ///
    /// Example: zkvote circuit export --depth 20 --fields 8 --out ceremony
    Export(CircuitExportArgs),
    /// Write the witness of a ballot as an iden3 `.wtns` file (same inputs as `vote`),
    /// e.g. for `snarkjs wtns check`.
    ///
    /// Example: zkvote circuit witness --identity alice.json --census census.json --election election.json --choice 1 --out ballot.wtns
    Witness(CircuitWitnessArgs),
}

/// `circuit export`.
#[derive(Debug, Args)]
pub struct CircuitExportArgs {
    /// Maximum census depth (1..=32).
    #[arg(long, default_value_t = 20)]
    pub depth: usize,
    /// Number of vote fields.
    #[arg(long, default_value_t = 8)]
    pub fields: usize,
    /// For a weighted census.
    #[arg(long)]
    pub weighted: bool,
    /// Output directory.
    #[arg(long)]
    pub out: PathBuf,
}

/// `circuit witness`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("choice_or_values").required(true).args(["choice", "values"]))]
pub struct CircuitWitnessArgs {
    /// The voter's identity file.
    #[arg(long)]
    pub identity: PathBuf,
    /// The census file.
    #[arg(long)]
    pub census: PathBuf,
    /// The election file.
    #[arg(long)]
    pub election: PathBuf,
    /// The option to vote for (0-based), for `single` elections.
    #[arg(long)]
    pub choice: Option<usize>,
    /// One value per option, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub values: Option<Vec<u32>>,
    /// Weight to spend (weighted census; default: the member's whole weight).
    #[arg(long)]
    pub weight: Option<u64>,
    /// Where to write the `.wtns` file (mode 0600: it contains the voter's secret).
    #[arg(long)]
    pub out: PathBuf,
}

/// `vote`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("choice_or_values").required(true).args(["choice", "values"]))]
pub struct VoteArgs {
    /// The voter's identity file.
    #[arg(long)]
    pub identity: PathBuf,
    /// The census file.
    #[arg(long)]
    pub census: PathBuf,
    /// The election file.
    #[arg(long)]
    pub election: PathBuf,
    /// The option to vote for (0-based), for `single` elections.
    #[arg(long)]
    pub choice: Option<usize>,
    /// One value per option, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub values: Option<Vec<u32>>,
    /// Weight to spend (weighted census; default: the member's whole weight).
    #[arg(long)]
    pub weight: Option<u64>,
    /// Directory with the keys.
    #[arg(long, default_value = "keys")]
    pub keys: PathBuf,
    /// Where to write the ballot; must not exist (an existing file is never overwritten).
    #[arg(long)]
    pub out: PathBuf,
    /// Do not use the voter's precomputed tables (`zkvote tables`) even when they are
    /// there (less memory, slower proof).
    #[arg(long)]
    pub no_tables: bool,
    /// Cast the ballot in this ballot box (its base URL, e.g. http://127.0.0.1:8080)
    /// and keep the receipt.
    #[arg(long)]
    pub submit: Option<String>,
    /// Where to write the receipt (default: the ballot file's name with
    /// `.receipt.json`); an existing file is never overwritten.
    #[arg(long, requires = "submit")]
    pub receipt: Option<PathBuf>,
}

/// `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The election file.
    #[arg(long)]
    pub election: PathBuf,
    /// Directory with the keys.
    #[arg(long, default_value = "keys")]
    pub keys: PathBuf,
    /// The ballot files.
    #[arg(required = true)]
    pub ballots: Vec<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `tally`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("input").required(true).args(["ballots", "ballot_box", "jsonl", "from"]))]
pub struct TallyArgs {
    /// The election file (with --from: optional, and then the box's election must be
    /// this one).
    #[arg(long, required_unless_present = "from")]
    pub election: Option<PathBuf>,
    /// Directory with the keys.
    #[arg(long, default_value = "keys")]
    pub keys: PathBuf,
    /// Ballot files (an unordered set, like --box).
    pub ballots: Vec<PathBuf>,
    /// A directory of ballots, an unordered set: every entry is an input (counted, or
    /// rejected with the reason), whatever its name. A nullifier with identical valid
    /// ballots counts once; with ballots of different votes, none counts (a conflict).
    #[arg(long = "box")]
    pub ballot_box: Option<PathBuf>,
    /// A JSON-lines file, one ballot per line: a log, whose order decides which ballot
    /// of a nullifier counts (the election's revote policy).
    #[arg(long)]
    pub jsonl: Option<PathBuf>,
    /// A ballot box's base URL: download its whole log, check it against the box's
    /// signed checkpoint, verify every ballot and count; the box's own count is compared
    /// and a difference is an error.
    #[arg(long)]
    pub from: Option<String>,
    /// With --from: the election id (default: the box's only election).
    #[arg(long, requires = "from")]
    pub id: Option<String>,
    /// With --from: the box key to trust (default: the one the box publishes).
    #[arg(long, requires = "from")]
    pub box_key: Option<String>,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also write the JSON result here.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Census size.
    #[arg(long, default_value_t = 1000)]
    pub members: usize,
    /// How many members vote.
    #[arg(long, default_value_t = 12)]
    pub voters: usize,
    /// Circuit depth.
    #[arg(long, default_value_t = 20)]
    pub depth: usize,
}

/// `bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Circuit depths to measure (repeat the flag).
    #[arg(long = "depth", default_values_t = [20])]
    pub depths: Vec<usize>,
    /// Vote fields.
    #[arg(long, default_value_t = 8)]
    pub fields: usize,
    /// Ballots in the batch verification.
    #[arg(long, default_value_t = 1000)]
    pub batch: usize,
    /// Members in the census build.
    #[arg(long, default_value_t = 1 << 16)]
    pub census: usize,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Export commands.
#[derive(Debug, Subcommand)]
pub enum ExportCmd {
    /// Write a ballot as snarkjs Groth16 files: verification_key.json, proof.json and
    /// public.json (check them with `snarkjs groth16 verify`).
    ///
    /// Example: zkvote export snarkjs --election election.json --ballot ballot.json --out snarkjs/
    Snarkjs(ExportBallotArgs),
    /// Write the election's Solidity contracts: ZkvoteVerifier.sol (Groth16 verifier of
    /// its key) and ZkvoteBallotBox.sol (accepts its ballots, keeps the totals).
    ///
    /// Example: zkvote export solidity --election election.json --out contracts/
    Solidity(ExportSolidityArgs),
    /// Print a ballot as Ethereum call data for `verifyProof` or `cast`, the text
    /// `snarkjs zkey export soliditycalldata` prints.
    ///
    /// Example: zkvote export calldata --election election.json --ballot ballot.json
    Calldata(ExportCalldataArgs),
}

/// `export snarkjs`.
#[derive(Debug, Args)]
pub struct ExportBallotArgs {
    /// The election file.
    #[arg(long)]
    pub election: PathBuf,
    /// The ballot file.
    #[arg(long)]
    pub ballot: PathBuf,
    /// Directory with the keys.
    #[arg(long, default_value = "keys")]
    pub keys: PathBuf,
    /// Output directory.
    #[arg(long)]
    pub out: PathBuf,
}

/// `export solidity`.
#[derive(Debug, Args)]
pub struct ExportSolidityArgs {
    /// The election file.
    #[arg(long)]
    pub election: PathBuf,
    /// Directory with the keys.
    #[arg(long, default_value = "keys")]
    pub keys: PathBuf,
    /// Output directory.
    #[arg(long)]
    pub out: PathBuf,
}

/// `export calldata`.
#[derive(Debug, Args)]
pub struct ExportCalldataArgs {
    /// The election file.
    #[arg(long)]
    pub election: PathBuf,
    /// The ballot file.
    #[arg(long)]
    pub ballot: PathBuf,
    /// Directory with the keys.
    #[arg(long, default_value = "keys")]
    pub keys: PathBuf,
}

/// Import commands.
#[derive(Debug, Subcommand)]
pub enum ImportCmd {
    /// Read snarkjs Groth16 files (with curve and subgroup checks) and verify the proof:
    /// exit 0 when valid, 1 when the proof is rejected, 2 when a file is unusable.
    ///
    /// Example: zkvote import snarkjs --vk verification_key.json --proof proof.json --public public.json
    Snarkjs {
        /// verification_key.json.
        #[arg(long)]
        vk: PathBuf,
        /// proof.json.
        #[arg(long)]
        proof: PathBuf,
        /// public.json.
        #[arg(long)]
        public: PathBuf,
    },
}

/// `zkvote trustee …`: a file-based ceremony that each trustee runs alone on her machine.
///
/// Order: every trustee `keygen`s and publishes her public key; every trustee `deal`s
/// and publishes her dealing; every trustee `check`s the dealings and publishes her
/// complaints (usually none); anyone `finalize`s (election key, QUAL) and anyone
/// `verify-dkg`s. After the vote: t trustees `decrypt`, anyone `combine`s.
#[derive(Debug, Subcommand)]
pub enum TrusteeCmd {
    /// Make a trustee key pair: a secret key file (owner-only) and a public key file
    /// with a proof of possession bound to the session.
    ///
    /// Example: zkvote trustee keygen --index 1 --session dao/prop-9 --out alice
    Keygen(TrusteeKeygenArgs),
    /// Round 1: this trustee's dealing (commitments to a random polynomial, a share
    /// encrypted to each trustee, signed).
    ///
    /// Example: zkvote trustee deal --key alice/trustee-1.secret.json --trustees pubkeys/ --threshold 2 --session dao/prop-9 --out dealings/1.json
    Deal(TrusteeDealArgs),
    /// Round 2: check the shares addressed to this trustee and write her complaints (a
    /// JSON list, usually empty). Exit 1 if a dealing is invalid (its dealer is named)
    /// or she complains about anyone.
    Check(TrusteeCheckArgs),
    /// The public result of the DKG (election key, threshold, verification keys, QUAL)
    /// from the dealings and complaints; anyone can run it. Also writes the transcript.
    Finalize(TrusteeFinalizeArgs),
    /// Re-check a DKG result against its transcript; exit 1 if it does not match.
    VerifyDkg(TrusteeVerifyDkgArgs),
    /// Encrypt plain totals under the election key (provisional: for trying the
    /// decryption until the tally writes encrypted totals).
    Encrypt(TrusteeEncryptArgs),
    /// A partial decryption of the ciphertexts by this trustee, with Chaum–Pedersen proofs.
    Decrypt(TrusteeDecryptArgs),
    /// Combine any t valid partial decryptions into the totals; wrong partials are named
    /// and excluded; writes the decryption transcript. Exit 1 if a partial was excluded.
    Combine(TrusteeCombineArgs),
}

/// The public facts of a ceremony, the same for every trustee.
#[derive(Debug, Args)]
pub struct CeremonyArgs {
    /// The trustees' public key files, or directories of `*.public.json` files.
    #[arg(long, num_args = 1.., required = true)]
    pub trustees: Vec<PathBuf>,
    /// How many trustees are needed to decrypt (1..=n).
    #[arg(long)]
    pub threshold: u32,
    /// The session (context) label every proof is bound to, e.g. `dao.example/proposal-9`.
    #[arg(long, alias = "context")]
    pub session: String,
}

/// `zkvote trustee keygen`.
#[derive(Debug, Args)]
pub struct TrusteeKeygenArgs {
    /// This trustee's index in the ceremony (1..=n, agreed beforehand).
    #[arg(long)]
    pub index: u32,
    /// The session (context) label the proof of possession is bound to.
    #[arg(long, alias = "context")]
    pub session: String,
    /// Directory for `trustee-I.secret.json` and `trustee-I.public.json`.
    #[arg(long)]
    pub out: PathBuf,
}

/// `zkvote trustee deal`.
#[derive(Debug, Args)]
pub struct TrusteeDealArgs {
    /// This trustee's secret key file.
    #[arg(long)]
    pub key: PathBuf,
    #[command(flatten)]
    pub ceremony: CeremonyArgs,
    /// The dealing file to write.
    #[arg(long)]
    pub out: PathBuf,
}

/// `zkvote trustee check`.
#[derive(Debug, Args)]
pub struct TrusteeCheckArgs {
    /// This trustee's secret key file.
    #[arg(long)]
    pub key: PathBuf,
    #[command(flatten)]
    pub ceremony: CeremonyArgs,
    /// Dealing files, or directories of `*.json` dealings.
    #[arg(long, num_args = 1.., required = true)]
    pub dealings: Vec<PathBuf>,
    /// The complaints file to write (a JSON list).
    #[arg(long)]
    pub out: PathBuf,
}

/// `zkvote trustee finalize`.
#[derive(Debug, Args)]
pub struct TrusteeFinalizeArgs {
    #[command(flatten)]
    pub ceremony: CeremonyArgs,
    /// Dealing files, or directories of `*.json` dealings.
    #[arg(long, num_args = 1.., required = true)]
    pub dealings: Vec<PathBuf>,
    /// Complaint files (JSON lists), or directories of them.
    #[arg(long, num_args = 0..)]
    pub complaints: Vec<PathBuf>,
    /// The transcript file to write (parameters, dealings, complaints).
    #[arg(long)]
    pub transcript: PathBuf,
    /// The DKG result file to write.
    #[arg(long)]
    pub out: PathBuf,
}

/// `zkvote trustee verify-dkg`.
#[derive(Debug, Args)]
pub struct TrusteeVerifyDkgArgs {
    /// The transcript written by `finalize`.
    #[arg(long)]
    pub transcript: PathBuf,
    /// The DKG result to check.
    #[arg(long)]
    pub dkg: PathBuf,
}

/// `zkvote trustee encrypt`.
#[derive(Debug, Args)]
pub struct TrusteeEncryptArgs {
    /// The DKG result (its election key).
    #[arg(long)]
    pub dkg: PathBuf,
    /// The values to encrypt, comma-separated.
    #[arg(long, value_delimiter = ',', required = true)]
    pub values: Vec<u64>,
    /// The election id the ciphertexts belong to.
    #[arg(long)]
    pub election: String,
    /// The ciphertexts file to write.
    #[arg(long)]
    pub out: PathBuf,
}

/// `zkvote trustee decrypt`.
#[derive(Debug, Args)]
pub struct TrusteeDecryptArgs {
    /// This trustee's secret key file.
    #[arg(long)]
    pub key: PathBuf,
    /// The DKG transcript (this trustee's share is recomputed from it).
    #[arg(long)]
    pub transcript: PathBuf,
    /// The ciphertexts file (provisional format: see README).
    #[arg(long)]
    pub ciphertexts: PathBuf,
    /// The partial decryption file to write.
    #[arg(long)]
    pub out: PathBuf,
}

/// `zkvote trustee combine`.
#[derive(Debug, Args)]
pub struct TrusteeCombineArgs {
    /// The DKG result (election key and verification keys); check it first with
    /// `zkvote trustee verify-dkg`.
    #[arg(long)]
    pub dkg: PathBuf,
    /// The ciphertexts file.
    #[arg(long)]
    pub ciphertexts: PathBuf,
    /// Partial decryption files, or directories of them.
    #[arg(long, num_args = 1.., required = true)]
    pub partials: Vec<PathBuf>,
    /// Totals are searched in [0, 2^bits) (36: a 3 MiB table, built in about 0.15 s).
    #[arg(long, default_value_t = 36)]
    pub bound_bits: u32,
    /// The decryption transcript file to write.
    #[arg(long)]
    pub out: PathBuf,
}
