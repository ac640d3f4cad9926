//! `cargo xtask <command>`: see `cargo xtask help`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Code generation allocates and frees millions of small token and syntax
/// nodes; mimalloc does that in about half the time of the system
/// allocator (BENCHMARKS.md, "Codegen at scale"). Built without
/// transparent huge pages (`no_thp` in Cargo.toml): with them, every span
/// it purged and touched again was a fresh 2 MB page for the kernel to zero.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "\
usage: cargo xtask [--root DIR] <command>

commands:
  codegen           regenerate every crate from specs/*.yaml and update the wiring
  codegen --check   write nothing; fail with a diff if anything is stale or missing
  lint              the project's spec rules: descriptions, examples, examples valid
  bench [ARGS]      benchmarks (release build of crates/bench; see BENCHMARKS.md)
  help              this text
";

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // `--root DIR`: operate on another checkout (tests, benchmarks).
    let mut root = workspace_root();
    if let Some(i) = args.iter().position(|a| a == "--root") {
        if i + 1 >= args.len() {
            eprint!("--root needs a directory\n\n{USAGE}");
            return ExitCode::from(2);
        }
        root = PathBuf::from(args.remove(i + 1));
        args.remove(i);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => codegen(&root, false),
        ["codegen", "--check"] => codegen(&root, true),
        ["lint"] => lint(&root),
        ["bench", rest @ ..] => bench(&root, rest),
        ["help" | "--help" | "-h"] | [] => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprint!("unknown arguments: {}\n\n{USAGE}", args.join(" "));
            ExitCode::from(2)
        }
    }
}

/// The checkout the command runs in, found at run time: the nearest
/// directory, from the current one upwards, that holds `specs/` and a
/// `Cargo.toml` with `[workspace]`. Never a path compiled into the binary:
/// with a shared `CARGO_TARGET_DIR`, cargo may run a binary built for
/// another checkout.
fn workspace_root() -> PathBuf {
    let start = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    xtask::find_workspace_root(&start).unwrap_or(start)
}

fn bench(root: &Path, args: &[&str]) -> ExitCode {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let args: Vec<&str> = if args.is_empty() {
        vec!["all"]
    } else {
        args.to_vec()
    };
    let status = std::process::Command::new(cargo)
        .current_dir(root)
        .args([
            "run",
            "--quiet",
            "--release",
            "-p",
            "credential-clients-bench",
            "--",
        ])
        .args(&args)
        .status();
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: cannot run cargo: {e}");
            ExitCode::FAILURE
        }
    }
}

fn lint(root: &Path) -> ExitCode {
    let specs = match xtask::discover_specs(root) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut problems = 0;
    for rel in &specs {
        match xtask::spec::load(&root.join(rel), rel) {
            Ok(spec) => {
                for note in xtask::lint::notes(&spec) {
                    println!("{note}");
                }
                for p in xtask::lint::lint(&spec) {
                    eprintln!("{p}");
                    problems += 1;
                }
            }
            Err(errors) => {
                for e in errors {
                    eprintln!("{e}");
                    problems += 1;
                }
            }
        }
    }
    if problems == 0 {
        println!("lint: {} specs clean", specs.len());
        ExitCode::SUCCESS
    } else {
        eprintln!("error: {problems} lint problem(s)");
        ExitCode::FAILURE
    }
}

fn codegen(root: &Path, check: bool) -> ExitCode {
    let start = Instant::now();
    let outputs = match xtask::generate(root) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if check {
        match xtask::check(root, &outputs) {
            Ok(drifts) if drifts.is_empty() => {
                println!(
                    "codegen --check: {} files up to date ({} ms)",
                    outputs.len(),
                    start.elapsed().as_millis()
                );
                ExitCode::SUCCESS
            }
            Ok(drifts) => {
                for d in &drifts {
                    eprintln!("{}", d.diff);
                }
                eprintln!(
                    "error: {} file(s) are out of date with specs/:\n{}run `{}` to fix",
                    drifts.len(),
                    xtask::drift_summary(&drifts),
                    xtask::FIX_COMMAND
                );
                ExitCode::FAILURE
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        }
    } else {
        match xtask::write(root, &outputs).and_then(|written| {
            xtask::remove_stale(root, &outputs).map(|removed| (written, removed))
        }) {
            Ok((written, removed)) => {
                for w in &written {
                    println!("wrote {w}");
                }
                for r in &removed {
                    println!("removed {r} (no spec produces it any more)");
                }
                println!(
                    "codegen: {} specs, {} files, {} changed ({} ms)",
                    outputs
                        .iter()
                        .filter(|o| o.path.ends_with("meta.rs"))
                        .count(),
                    outputs.len(),
                    written.len(),
                    start.elapsed().as_millis()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        }
    }
}
