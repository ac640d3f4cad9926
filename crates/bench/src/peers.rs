//! Codegen at scale, side by side with ploidy (`credential-clients-bench
//! peers`): both generators run on the same synthetic specs in one run,
//! alternating, each as its own process that reads the spec and writes its
//! files, timed with `/usr/bin/time` (wall clock and peak resident memory).
//!
//! Ours is `credential-clients-bench codegen-write ROOT`: what `cargo xtask
//! codegen` does (discover, load, validate, generate every file, write
//! them) in this release binary. ploidy is `ploidy generate rust -o DIR
//! SPEC` (install it with `cargo install ploidy --version 0.15.0`).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::stats::median;
use crate::synth::SynthRoot;

/// One spec, both generators.
pub struct PeerRow {
    pub ops: usize,
    pub spec_bytes: u64,
    pub ours_wall: f64,
    pub ours_rss_kib: f64,
    pub peer_wall: f64,
    pub peer_rss_kib: f64,
    pub runs: usize,
}

/// Wall seconds and peak RSS (KiB) of one command, from GNU time.
fn timed(cmd: &mut Command) -> Result<(f64, f64), String> {
    let report = std::env::temp_dir().join(format!("cc-bench-time-{}", std::process::id()));
    let mut time = Command::new("/usr/bin/time");
    time.arg("-f")
        .arg("%e %M")
        .arg("-o")
        .arg(&report)
        .arg(cmd.get_program())
        .args(cmd.get_args());
    let out = time
        .output()
        .map_err(|e| format!("/usr/bin/time (Debian package `time`): {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{:?} failed: {}{}",
            cmd.get_program(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let text = std::fs::read_to_string(&report).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_file(&report);
    let last = text.lines().last().unwrap_or_default();
    let mut fields = last.split_whitespace();
    let wall = fields.next().and_then(|f| f.parse().ok());
    let rss = fields.next().and_then(|f| f.parse().ok());
    match (wall, rss) {
        (Some(w), Some(r)) => Ok((w, r)),
        _ => Err(format!("unexpected /usr/bin/time output: {text}")),
    }
}

/// Run both generators `runs` times on a synthetic spec of each size.
pub fn run(sizes: &[usize], runs: usize, ploidy: &Path) -> Result<Vec<PeerRow>, String> {
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut rows = Vec::new();
    for &ops in sizes {
        let root = SynthRoot::create(ops).map_err(|e| e.to_string())?;
        let spec_bytes = std::fs::metadata(root.spec())
            .map_err(|e| e.to_string())?
            .len();
        let out_dir: PathBuf = root.root.join("ploidy-out");
        let (mut ours_wall, mut ours_rss, mut peer_wall, mut peer_rss) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for _ in 0..runs {
            let (w, r) = timed(Command::new(&me).arg("codegen-write").arg(&root.root))?;
            ours_wall.push(w);
            ours_rss.push(r);
            let _ = std::fs::remove_dir_all(&out_dir);
            let (w, r) = timed(
                Command::new(ploidy)
                    .args(["generate", "rust", "-o"])
                    .arg(&out_dir)
                    .arg(root.spec()),
            )?;
            peer_wall.push(w);
            peer_rss.push(r);
        }
        rows.push(PeerRow {
            ops,
            spec_bytes,
            ours_wall: median(&mut ours_wall),
            ours_rss_kib: median(&mut ours_rss),
            peer_wall: median(&mut peer_wall),
            peer_rss_kib: median(&mut peer_rss),
            runs,
        });
    }
    Ok(rows)
}

/// The rows as a Markdown table, with the growth exponents between
/// consecutive sizes (`log(t2/t1) / log(n2/n1)`; 1 is linear).
pub fn table(rows: &[PeerRow]) -> String {
    let mut out = String::from(
        "| spec | size | runs | ours: wall | ours: peak RSS | ploidy: wall | ploidy: peak RSS | time ours/ploidy | memory ours/ploidy |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for r in rows {
        out.push_str(&format!(
            "| {} operations | {:.1} MB | {} | {:.2} s | {:.0} MB | {:.2} s | {:.0} MB | {:.2} | {:.2} |\n",
            r.ops,
            r.spec_bytes as f64 / 1e6,
            r.runs,
            r.ours_wall,
            r.ours_rss_kib / 1024.0,
            r.peer_wall,
            r.peer_rss_kib / 1024.0,
            r.ours_wall / r.peer_wall,
            r.ours_rss_kib / r.peer_rss_kib,
        ));
    }
    for pair in rows.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let n = (b.ops as f64 / a.ops as f64).ln();
        let exp = |x: f64, y: f64| (y / x).ln() / n;
        out.push_str(&format!(
            "\nGrowth from {} to {} operations (exponent; 1 is linear): ours time {:.2}, memory {:.2}; ploidy time {:.2}, memory {:.2}.\n",
            a.ops,
            b.ops,
            exp(a.ours_wall, b.ours_wall),
            exp(a.ours_rss_kib, b.ours_rss_kib),
            exp(a.peer_wall, b.peer_wall),
            exp(a.peer_rss_kib, b.peer_rss_kib),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_the_ratios_and_the_growth() {
        let rows = [
            PeerRow {
                ops: 500,
                spec_bytes: 1_800_000,
                ours_wall: 1.0,
                ours_rss_kib: 102_400.0,
                peer_wall: 2.0,
                peer_rss_kib: 51_200.0,
                runs: 3,
            },
            PeerRow {
                ops: 1000,
                spec_bytes: 3_600_000,
                ours_wall: 2.0,
                ours_rss_kib: 204_800.0,
                peer_wall: 8.0,
                peer_rss_kib: 102_400.0,
                runs: 3,
            },
        ];
        let t = table(&rows);
        assert!(
            t.contains(
                "| 500 operations | 1.8 MB | 3 | 1.00 s | 100 MB | 2.00 s | 50 MB | 0.50 | 2.00 |"
            ),
            "{t}"
        );
        assert!(
            t.contains("ours time 1.00, memory 1.00; ploidy time 2.00, memory 1.00"),
            "{t}"
        );
    }
}
