//! `cargo run --release -p credential-clients-bench -- <command>`: see
//! `--help` and BENCHMARKS.md.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use credential_clients_bench::client::{self, Bench};
use credential_clients_bench::report::{self, ClientRow};
use credential_clients_bench::{codegen, decode, synth, workspace_root};

const USAGE: &str = "\
usage: credential-clients-bench <command> [--quick] [--strict] [--root DIR]

commands:
  all                 codegen, client overhead, hooks and decode; prints tables and targets
  codegen             codegen timings: real specs and synthetic 5/50/500-operation specs
  client              generated client vs hand-written reqwest over 127.0.0.1 (and hooks)
  decode              types::Credential vs serde_json::Value decode throughput
  codegen-once [OPS]  one in-process `xtask::generate` of the real specs (or of a
                      synthetic spec of OPS operations); prints its ms
  codegen-write ROOT  `cargo xtask codegen` of ROOT in this binary: generate and write
  peers [OPS..]       ours and ploidy side by side on synthetic specs of OPS operations
                      (default 500 1300), alternating, each a process timed by
                      /usr/bin/time (wall, peak RSS); --runs N (default 3),
                      --ploidy PATH (default `ploidy` on PATH)
  synth OPS [FILE]    write a synthetic spec of OPS operations (stdout without FILE)
  profile PROVIDER generated|hand N [IN_FLIGHT]
                      N requests on one side only, sequential or IN_FLIGHT at once
                      (to run under perf or valgrind --tool=callgrind)

options:
  --quick             fewer repetitions (a smoke run, figures are rough)
  --strict            exit 1 when a target is missed
  --root DIR          the workspace root (default: the nearest directory at or above
                      the current one with specs/ and a [workspace] Cargo.toml)
";

struct Opts {
    quick: bool,
    strict: bool,
    root: PathBuf,
}

/// Code generation allocates and frees millions of small token and syntax
/// nodes; mimalloc does that in about half the time of the system
/// allocator (BENCHMARKS.md, "Codegen at scale"). Built without
/// transparent huge pages (`no_thp` in Cargo.toml): with them, every span
/// it purged and touched again was a fresh 2 MB page for the kernel to zero.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut opts = Opts {
        quick: false,
        strict: false,
        root: workspace_root(),
    };
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--quick" => {
                opts.quick = true;
                args.remove(i);
            }
            "--strict" => {
                opts.strict = true;
                args.remove(i);
            }
            "--root" if i + 1 < args.len() => {
                opts.root = PathBuf::from(args.remove(i + 1));
                args.remove(i);
            }
            _ => i += 1,
        }
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["all"] => run(&opts, true, true, true),
        ["codegen"] => run(&opts, true, false, false),
        ["client"] => run(&opts, false, true, false),
        ["decode"] => run(&opts, false, false, true),
        ["codegen-once"] => codegen_once(&opts.root),
        ["codegen-once", ops] => match ops.parse::<usize>() {
            Ok(n) => synth::SynthRoot::create(n)
                .map_err(|e| e.to_string())
                .and_then(|root| codegen_once(&root.root)),
            Err(_) => Err(format!("`{ops}` is not a number of operations")),
        },
        ["codegen-write", root] => codegen_write(std::path::Path::new(root)),
        ["peers", rest @ ..] => peers(rest),
        ["synth", ops] | ["synth", ops, _] => match ops.parse::<usize>() {
            Ok(n) => {
                let text = synth::spec_yaml(n);
                match args.get(2) {
                    Some(file) => std::fs::write(file, text).map_err(|e| e.to_string()),
                    None => {
                        print!("{text}");
                        Ok(())
                    }
                }
                .map(|_| true)
            }
            Err(_) => Err(format!("`{ops}` is not a number of operations")),
        },
        ["profile", provider, side, n] => profile(&opts, provider, side, n, "1"),
        ["profile", provider, side, n, in_flight] => profile(&opts, provider, side, n, in_flight),
        ["help" | "--help" | "-h"] | [] => {
            print!("{USAGE}");
            Ok(true)
        }
        _ => {
            eprint!("unknown arguments: {}\n\n{USAGE}", args.join(" "));
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn codegen_once(root: &std::path::Path) -> Result<bool, String> {
    let start = Instant::now();
    let outputs = xtask::generate(root).map_err(|e| e.to_string())?;
    println!(
        "{:.3} ms for {} files",
        start.elapsed().as_secs_f64() * 1e3,
        outputs.len()
    );
    Ok(true)
}

fn codegen_write(root: &std::path::Path) -> Result<bool, String> {
    let outputs = xtask::generate(root).map_err(|e| e.to_string())?;
    xtask::write(root, &outputs).map_err(|e| e.to_string())?;
    Ok(true)
}

fn peers(args: &[&str]) -> Result<bool, String> {
    let mut runs = 3;
    let mut ploidy = std::path::PathBuf::from("ploidy");
    let mut sizes = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match *a {
            "--runs" => {
                runs = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--runs needs a number")?;
            }
            "--ploidy" => ploidy = it.next().ok_or("--ploidy needs a path")?.into(),
            n => sizes.push(
                n.parse::<usize>()
                    .map_err(|_| format!("`{n}` is not a number of operations"))?,
            ),
        }
    }
    if sizes.is_empty() {
        sizes = vec![500, 1300];
    }
    let load = credential_clients_bench::stats::load_average();
    let rows = credential_clients_bench::peers::run(&sizes, runs, &ploidy)?;
    println!(
        "machine: {} CPUs, load average before: {}\n",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load.map_or("unknown".to_string(), |l| format!("{l:.2}"))
    );
    print!("{}", credential_clients_bench::peers::table(&rows));
    Ok(true)
}

/// Sequential requests on one side, for a profiler.
fn profile(
    opts: &Opts,
    provider: &str,
    side: &str,
    n: &str,
    in_flight: &str,
) -> Result<bool, String> {
    let case = client::main_cases()
        .into_iter()
        .find(|c| c.provider.stem() == provider)
        .ok_or_else(|| format!("unknown provider `{provider}`"))?;
    let side = match side {
        "generated" => client::Side::Generated,
        "hand" => client::Side::HandWritten,
        other => return Err(format!("side must be `generated` or `hand`, not `{other}`")),
    };
    let n: usize = n.parse().map_err(|_| format!("`{n}` is not a number"))?;
    let in_flight: usize = in_flight
        .parse()
        .map_err(|_| format!("`{in_flight}` is not a number"))?;
    let signer = client::test_signer(&opts.root)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        let bench = Bench::start(&opts.root, case, &signer)?;
        let start = Instant::now();
        if in_flight <= 1 {
            for _ in 0..n {
                bench.call(side).await?;
            }
        } else {
            client::burst(&bench, side, n, in_flight).await?;
        }
        let per = start.elapsed().as_secs_f64() / n as f64;
        println!(
            "{}: {n} requests ({in_flight} in flight), {:.1} µs each",
            case.label(),
            per * 1e6
        );
        Ok::<_, String>(())
    })?;
    Ok(true)
}

/// Run the selected parts; `Ok(false)` when `--strict` and a target is missed.
fn run(opts: &Opts, do_codegen: bool, do_client: bool, do_decode: bool) -> Result<bool, String> {
    let started = Instant::now();
    let q = opts.quick;
    print!("{}", report::machine());
    println!("root: {}\n", opts.root.display());

    let mut codegen_rows = None;
    if do_codegen {
        let reps = if q { 5 } else { 30 };
        eprintln!("codegen: real specs, {reps} runs each ...");
        let rows = codegen::real_specs(&opts.root, reps)?;
        println!("## Codegen\n\n{}", report::codegen(&rows));
        let sizes: &[usize] = if q { &[5, 50] } else { &[5, 50, 500] };
        eprintln!("codegen: synthetic specs {sizes:?} ...");
        let scale = codegen::scaling(sizes, |ops| match ops {
            0..=10 => {
                if q {
                    3
                } else {
                    20
                }
            }
            11..=100 => {
                if q {
                    2
                } else {
                    10
                }
            }
            _ => 3,
        })?;
        println!("### Scaling\n\n{}", report::scaling(&scale));
        codegen_rows = Some(rows);
    }

    let mut client_rows: Option<Vec<ClientRow>> = None;
    if do_client {
        let (warmup, requests, chunk) = if q { (50, 300, 10) } else { (200, 2000, 10) };
        let (rounds, round_time, in_flight) = if q {
            (2, Duration::from_millis(100), 64)
        } else {
            (7, Duration::from_millis(400), 64)
        };
        let signer = client::test_signer(&opts.root)?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        let rows = rt.block_on(async {
            let mut rows = Vec::new();
            for case in client::main_cases().into_iter().chain(client::hook_cases()) {
                eprintln!("client: {} ...", case.label());
                let bench = Bench::start(&opts.root, case, &signer)?;
                client::parity(&bench).await?;
                let latency = client::latency(&bench, warmup, requests, chunk).await?;
                let throughput = client::throughput(&bench, rounds, round_time, in_flight).await?;
                rows.push(ClientRow {
                    case,
                    latency,
                    throughput,
                });
            }
            Ok::<_, String>(rows)
        })?;
        println!(
            "## Client overhead (127.0.0.1, keep-alive; client: 1-thread tokio runtime, server: its own thread)\n\n\
             Parity checked before timing: both sides sent the same request line and headers \
             (date, opc-request-id and the signature bytes excepted) and decoded equal credentials.\n\n{}",
            report::client(&rows, requests, in_flight)
        );
        eprintln!("hooks: Transport::prepare + authenticate per auth mode ...");
        let (batches, batch_time) = if q {
            (3, Duration::from_millis(20))
        } else {
            (11, Duration::from_millis(100))
        };
        let costs = client::hook_costs(&signer, batches, batch_time)?;
        let (check_ns, proto_ns) = client::path_check_costs(&signer, batches, batch_time)?;
        println!(
            "### Runtime hooks (pre hook alone, no I/O)\n\n{}{}",
            report::hooks(&costs),
            report::path_check(check_ns, proto_ns)
        );
        client_rows = Some(rows);
    }

    if do_decode {
        eprintln!("decode ...");
        let (batches, batch_time) = if q {
            (3, Duration::from_millis(20))
        } else {
            (11, Duration::from_millis(100))
        };
        let rows = decode::run(
            &credential_clients_bench::examples(&opts.root)?,
            batches,
            batch_time,
        )?;
        println!(
            "## Decode (spec example, compact JSON)\n\n{}",
            report::decode(&rows)
        );
    }

    let targets = report::targets(codegen_rows.as_deref(), client_rows.as_deref());
    let missed = targets.iter().filter(|t| !t.met).count();
    if !targets.is_empty() {
        println!(
            "## Targets: {} met, {missed} missed\n\n{}",
            targets.len() - missed,
            report::targets_table(&targets)
        );
    }
    println!(
        "total bench time: {:.1} s; load average at the end: {}",
        started.elapsed().as_secs_f64(),
        credential_clients_bench::stats::load_average().map_or("n/a".into(), |l| format!("{l:.2}"))
    );
    Ok(!(opts.strict && missed > 0))
}
