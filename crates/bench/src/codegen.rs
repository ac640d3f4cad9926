//! Codegen timings: the full in-process `xtask::generate` on the real specs,
//! generate + check, each spec's `spec::load` + `render::render`, and the
//! same on synthetic specs of growing size.

use std::path::Path;
use std::time::Instant;

use crate::stats::{Summary, summarize, thread_cpu_secs};
use crate::synth::SynthRoot;

/// Wall and thread-CPU timings of one figure (seconds).
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// Wall clock.
    pub wall: Summary,
    /// Mean CPU time of the thread per run (codegen is single-threaded),
    /// when the kernel reports it. The mean, not the median: the counter
    /// may advance in scheduler ticks, which averages out over the runs.
    pub cpu: Option<f64>,
}

/// One timed codegen figure.
#[derive(Debug, Clone)]
pub struct Row {
    /// What was timed.
    pub name: String,
    /// The timings.
    pub timing: Timing,
}

/// Time `f` `reps` times after `warmup` untimed runs.
fn time<T>(warmup: usize, reps: usize, mut f: impl FnMut() -> T) -> Timing {
    for _ in 0..warmup {
        std::hint::black_box(f());
    }
    let mut wall = Vec::with_capacity(reps);
    let mut cpu: Vec<f64> = Vec::with_capacity(reps);
    for _ in 0..reps {
        let cpu0 = thread_cpu_secs();
        let start = Instant::now();
        std::hint::black_box(f());
        wall.push(start.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (cpu0, thread_cpu_secs()) {
            cpu.push(b - a);
        }
    }
    Timing {
        wall: summarize(&mut wall),
        cpu: (cpu.len() == reps && reps > 0).then(|| cpu.iter().sum::<f64>() / reps as f64),
    }
}

/// The real specs: generate, generate + check, and per spec load + render.
pub fn real_specs(root: &Path, reps: usize) -> Result<Vec<Row>, String> {
    // Fail early, with the xtask's message, if the specs do not generate.
    let outputs = xtask::generate(root).map_err(|e| e.to_string())?;
    let mut rows = vec![Row {
        name: format!("generate (all specs, {} files)", outputs.len()),
        timing: time(2, reps, || xtask::generate(root).map(|o| o.len())),
    }];
    rows.push(Row {
        name: "generate + check".into(),
        timing: time(2, reps, || {
            let outputs = xtask::generate(root).expect("generate");
            xtask::check(root, &outputs).map(|d| d.len())
        }),
    });
    for rel in xtask::discover_specs(root).map_err(|e| e.to_string())? {
        let full = root.join(&rel);
        let load = time(1, reps, || {
            xtask::spec::load(&full, &rel).map(|s| s.stem.len())
        });
        let spec = xtask::spec::load(&full, &rel).map_err(|e| format!("{e:?}"))?;
        let render = time(1, reps, || {
            xtask::render::render(&spec).map(|o| o.client.len())
        });
        let both = time(1, reps, || {
            let spec = xtask::spec::load(&full, &rel).expect("load");
            xtask::render::render(&spec).map(|o| o.client.len())
        });
        let name = rel.display().to_string();
        rows.push(Row {
            name: format!("{name}: load + render"),
            timing: both,
        });
        rows.push(Row {
            name: format!("{name}: load (parse, validate)"),
            timing: load,
        });
        rows.push(Row {
            name: format!("{name}: render (progenitor, format)"),
            timing: render,
        });
    }
    Ok(rows)
}

/// One synthetic size.
#[derive(Debug, Clone)]
pub struct ScaleRow {
    /// Operations in the spec.
    pub ops: usize,
    /// Spec size in bytes.
    pub spec_bytes: usize,
    /// Lines of the generated client.rs.
    pub client_lines: usize,
    /// `xtask::generate` on a root holding only this spec.
    pub generate: Timing,
    /// `spec::load` alone.
    pub load: Timing,
    /// `render::render` alone.
    pub render: Timing,
}

/// Synthetic specs of each size in `sizes`, `reps(size)` runs each.
pub fn scaling(sizes: &[usize], reps: impl Fn(usize) -> usize) -> Result<Vec<ScaleRow>, String> {
    let mut rows = Vec::new();
    for &ops in sizes {
        let root = SynthRoot::create(ops).map_err(|e| e.to_string())?;
        let spec_bytes = std::fs::metadata(root.spec())
            .map_err(|e| e.to_string())?
            .len() as usize;
        let outputs = xtask::generate(&root.root).map_err(|e| e.to_string())?;
        let client_lines = outputs
            .iter()
            .find(|o| o.path.ends_with("generated/client.rs"))
            .map_or(0, |o| o.contents.lines().count());
        let n = reps(ops);
        let generate = time(0, n, || xtask::generate(&root.root).map(|o| o.len()));
        let rel = SynthRoot::spec_rel();
        let load = time(0, n, || {
            xtask::spec::load(&root.spec(), rel).map(|s| s.stem.len())
        });
        let spec = xtask::spec::load(&root.spec(), rel).map_err(|e| format!("{e:?}"))?;
        let render = time(0, n, || {
            xtask::render::render(&spec).map(|o| o.client.len())
        });
        rows.push(ScaleRow {
            ops,
            spec_bytes,
            client_lines,
            generate,
            load,
            render,
        });
    }
    Ok(rows)
}
