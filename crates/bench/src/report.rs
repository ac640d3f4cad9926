//! Markdown tables of the results, and the targets.

use std::fmt::Write as _;

use crate::client::{AuthMode, Case, HookCost, Latency, Throughput};
use crate::codegen::{Row as CodegenRow, ScaleRow, Timing};
use crate::decode::Row as DecodeRow;
use crate::stats::fmt_secs;

/// Codegen of all five specs must take under this (seconds, median).
pub const CODEGEN_TARGET_S: f64 = 0.100;
/// Generated / hand-written median latency must be at most this.
pub const LATENCY_RATIO_MAX: f64 = 1.03;
/// Generated / hand-written throughput must be at least this.
pub const THROUGHPUT_RATIO_MIN: f64 = 0.97;

/// A target and whether it was met.
#[derive(Debug, Clone)]
pub struct Target {
    /// What is measured.
    pub what: String,
    /// The target.
    pub target: String,
    /// The measured value.
    pub measured: String,
    /// Met?
    pub met: bool,
}

/// Machine and toolchain facts.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or_else(
            || "unknown".into(),
            |kb| format!("{:.1} GiB", kb / 1048576.0),
        );
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let rustc = std::process::Command::new("rustc")
        .arg("-V")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    let load =
        crate::stats::load_average().map_or(String::new(), |l| format!("; load average {l:.2}"));
    format!("machine: {cpus} CPUs ({cpu}), {mem} RAM; {rustc}; release build{load}\n")
}

fn cpu(t: &Timing) -> String {
    t.cpu.map_or_else(|| "n/a".to_string(), fmt_secs)
}

/// The real-spec codegen table.
pub fn codegen(rows: &[CodegenRow]) -> String {
    let mut s = String::from(
        "| codegen (in-process) | runs | median wall | min wall | p90 wall | mean CPU |\n\
         |---|---:|---:|---:|---:|---:|\n",
    );
    for r in rows {
        let w = r.timing.wall;
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            r.name,
            w.n,
            fmt_secs(w.median),
            fmt_secs(w.min),
            fmt_secs(w.p90),
            cpu(&r.timing)
        );
    }
    s
}

/// The synthetic scaling table.
pub fn scaling(rows: &[ScaleRow]) -> String {
    let mut s = String::from(
        "| synthetic spec | spec size | client.rs lines | runs | generate (median wall) | CPU | per op | load | render | growth vs previous |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n",
    );
    let mut prev: Option<&ScaleRow> = None;
    for r in rows {
        let growth = prev.map_or_else(
            || "-".to_string(),
            |p| {
                let n = r.ops as f64 / p.ops as f64;
                let t = r.generate.wall.median / p.generate.wall.median;
                let mut g = format!("wall ×{t:.1}");
                if let (Some(a), Some(b)) = (p.generate.cpu, r.generate.cpu) {
                    let c = b / a;
                    let _ = write!(g, ", CPU ×{c:.1} (exponent {:.2})", c.ln() / n.ln());
                }
                format!("{g} for ×{n:.0} ops")
            },
        );
        let _ = writeln!(
            s,
            "| {} ops | {} KiB | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.ops,
            r.spec_bytes / 1024,
            r.client_lines,
            r.generate.wall.n,
            fmt_secs(r.generate.wall.median),
            cpu(&r.generate),
            fmt_secs(r.generate.wall.median / r.ops as f64),
            fmt_secs(r.load.wall.median),
            fmt_secs(r.render.wall.median),
            growth
        );
        prev = Some(r);
    }
    s
}

/// One client row: latency and throughput of both sides.
#[derive(Debug, Clone)]
pub struct ClientRow {
    /// The case.
    pub case: Case,
    /// Sequential latency.
    pub latency: Latency,
    /// Concurrent throughput.
    pub throughput: Throughput,
}

impl ClientRow {
    /// Generated / hand-written median latency.
    pub fn latency_ratio(&self) -> f64 {
        self.latency.generated.median / self.latency.hand.median
    }
    /// Generated / hand-written median throughput.
    pub fn throughput_ratio(&self) -> f64 {
        self.throughput.generated.median / self.throughput.hand.median
    }
}

/// The client table.
pub fn client(rows: &[ClientRow], requests: usize, in_flight: usize) -> String {
    let rounds = rows.first().map_or(0, |r| r.throughput.generated.n);
    let mut s = format!(
        "| case | latency generated | latency hand-written | ratio | Δ | p99 gen / hand | \
         throughput generated ({in_flight} in flight) | hand-written | ratio |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    );
    for r in rows {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {:.3} | {:+.1} µs | {} / {} | {:.0} req/s | {:.0} req/s | {:.3} |",
            r.case.label(),
            fmt_secs(r.latency.generated.median),
            fmt_secs(r.latency.hand.median),
            r.latency_ratio(),
            (r.latency.generated.median - r.latency.hand.median) * 1e6,
            fmt_secs(r.latency.generated.p99),
            fmt_secs(r.latency.hand.p99),
            r.throughput.generated.median,
            r.throughput.hand.median,
            r.throughput_ratio(),
        );
    }
    let _ = writeln!(
        s,
        "\nlatency: median of {requests} sequential requests per side, in alternating chunks of 10; \
         throughput: median req/s of {rounds} alternating rounds per side, each about 0.4 s of requests."
    );
    s
}

/// The hook microbenchmark table.
pub fn hooks(costs: &[HookCost]) -> String {
    let mut s = String::from(
        "| auth | Transport::prepare + authenticate | hand-written headers/signing | overhead |\n|---|---:|---:|---:|\n",
    );
    for c in costs {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {:+.0} ns |",
            c.auth.label(),
            fmt_secs(c.prepare_ns / 1e9),
            fmt_secs(c.hand_ns / 1e9),
            c.prepare_ns - c.hand_ns
        );
    }
    s
}

/// The path-check row under the hooks table.
pub fn path_check(runtime_ns: f64, proto_ns: f64) -> String {
    format!(
        "\nOf which the path check (`path::check_path`): {}; the earlier prototype with the \
         base path parsed once (`crates/bench/src/proto.rs`): {}.\n",
        fmt_secs(runtime_ns / 1e9),
        fmt_secs(proto_ns / 1e9)
    )
}

/// The decode table.
pub fn decode(rows: &[DecodeRow]) -> String {
    let mut s = String::from(
        "| provider | body | types::Credential | MB/s | serde_json::Value | MB/s | typed / Value |\n\
         |---|---:|---:|---:|---:|---:|---:|\n",
    );
    for r in rows {
        let _ = writeln!(
            s,
            "| {} | {} B | {:.0} ops/s ({}) | {:.0} | {:.0} ops/s ({}) | {:.0} | {:.2}× |",
            r.provider,
            r.bytes,
            r.typed_ops(),
            fmt_secs(r.typed_ns / 1e9),
            r.typed_mbs(),
            r.value_ops(),
            fmt_secs(r.value_ns / 1e9),
            r.value_mbs(),
            r.typed_ops() / r.value_ops()
        );
    }
    s
}

/// Targets met or missed.
pub fn targets(codegen: Option<&[CodegenRow]>, clients: Option<&[ClientRow]>) -> Vec<Target> {
    let mut out = Vec::new();
    if let Some(first) = codegen.and_then(|rows| rows.first()) {
        let wall = first.timing.wall.median;
        let cpu = first
            .timing
            .cpu
            .map_or(String::new(), |c| format!(" (CPU {})", fmt_secs(c)));
        out.push(Target {
            what: "codegen, all five specs (generate, median wall)".into(),
            target: format!("< {}", fmt_secs(CODEGEN_TARGET_S)),
            measured: format!("{}{cpu}", fmt_secs(wall)),
            met: wall < CODEGEN_TARGET_S,
        });
    }
    for r in clients.unwrap_or_default() {
        if r.case.auth == AuthMode::None || !r.case.retries {
            continue;
        }
        out.push(Target {
            what: format!("{}: latency generated / hand-written", r.case.label()),
            target: format!("<= {LATENCY_RATIO_MAX}"),
            measured: format!("{:.3}", r.latency_ratio()),
            met: r.latency_ratio() <= LATENCY_RATIO_MAX,
        });
        out.push(Target {
            what: format!("{}: throughput generated / hand-written", r.case.label()),
            target: format!(">= {THROUGHPUT_RATIO_MIN}"),
            measured: format!("{:.3}", r.throughput_ratio()),
            met: r.throughput_ratio() >= THROUGHPUT_RATIO_MIN,
        });
    }
    out
}

/// The targets table.
pub fn targets_table(targets: &[Target]) -> String {
    let mut s = String::from("| target | wanted | measured | |\n|---|---:|---:|---|\n");
    for t in targets {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            t.what,
            t.target,
            t.measured,
            if t.met { "met" } else { "MISSED" }
        );
    }
    s
}
