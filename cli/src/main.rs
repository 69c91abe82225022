//! The `zkvote` binary: a thin layer over the zkvote libraries. Every command reads
//! its inputs, calls the library, and prints; errors name the file and the problem.
//!
//! Exit codes (the rule is in `commands/mod.rs`): 0 done and everything checked was
//! accepted, 1 done and reported but something was rejected (an invalid ballot, a failed
//! check), 2 usage or input error (nothing written).
//!
//! | file | what |
//! |---|---|
//! | `args.rs` | the command line: clap derive types, doc comments as help |
//! | `commands/mod.rs` | dispatch, exit codes, the helpers for reading and writing files |
//! | `commands/{identity,census,election,keys,vote,tally,export,circuit,demo,bench,trustee}.rs` | one file per command group; `keys.rs` is `setup` and `tables`, `tally.rs` is `verify` and `tally`, `export.rs` is `export` and `import`; `trustee.rs` is `trustee …` (secret ballots, in progress) |

mod args;
mod commands;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Behave like other command-line tools when the reader goes away (`zkvote … | head`):
    // end quietly instead of panicking on a broken pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    if let Some(missing) = missing_cpu_features() {
        eprintln!(
            "error: this zkvote build uses {missing} instructions (fast field arithmetic), \
             which this CPU lacks; rebuild with RUSTFLAGS=\"\" cargo build --release"
        );
        return ExitCode::from(2);
    }
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match commands::run(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {}", e.message);
            ExitCode::from(e.code)
        }
    }
}

/// The CPU features this binary was compiled to assume (see `.cargo/config.toml`)
/// that the running CPU does not have, so that an old CPU gets a message rather
/// than an illegal-instruction crash in the middle of a proof.
fn missing_cpu_features() -> Option<&'static str> {
    #[cfg(all(
        target_arch = "x86_64",
        target_feature = "adx",
        target_feature = "bmi2"
    ))]
    if !(std::arch::is_x86_feature_detected!("adx") && std::arch::is_x86_feature_detected!("bmi2"))
    {
        return Some("ADX/BMI2");
    }
    None
}
