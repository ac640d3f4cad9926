//! Small statistics helpers: medians and percentiles of samples, and an
//! A/B timer that alternates two closures.

use std::time::{Duration, Instant};

/// Summary of a set of samples (any unit).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Number of samples.
    pub n: usize,
    /// The smallest sample.
    pub min: f64,
    /// The median.
    pub median: f64,
    /// The 90th percentile.
    pub p90: f64,
    /// The 99th percentile.
    pub p99: f64,
}

/// Summarize `samples` (they are sorted in place). Panics on no samples.
pub fn summarize(samples: &mut [f64]) -> Summary {
    assert!(!samples.is_empty(), "no samples");
    samples.sort_by(f64::total_cmp);
    Summary {
        n: samples.len(),
        min: samples[0],
        median: percentile_sorted(samples, 50.0),
        p90: percentile_sorted(samples, 90.0),
        p99: percentile_sorted(samples, 99.0),
    }
}

/// The median of `samples` (sorted in place).
pub fn median(samples: &mut [f64]) -> f64 {
    summarize(samples).median
}

/// Linear-interpolated percentile of sorted samples.
pub fn percentile_sorted(sorted: &[f64], p: f64) -> f64 {
    if sorted.len() == 1 {
        return sorted[0];
    }
    let rank = p / 100.0 * (sorted.len() - 1) as f64;
    let lo = rank.floor() as usize;
    let hi = rank.ceil() as usize;
    let frac = rank - lo as f64;
    sorted[lo] + (sorted[hi] - sorted[lo]) * frac
}

/// Format a duration given in seconds with a fitting unit.
pub fn fmt_secs(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.2} ms", s * 1e3)
    } else if s >= 1e-6 {
        format!("{:.1} µs", s * 1e6)
    } else {
        format!("{:.0} ns", s * 1e9)
    }
}

/// ns per call of `f`, median of `batches` batches of about `batch_time`
/// each; `g` is timed in alternating batches and returned second.
pub fn alternate(
    batches: usize,
    batch_time: Duration,
    mut f: impl FnMut(),
    mut g: impl FnMut(),
) -> (f64, f64) {
    let calibrate = |h: &mut dyn FnMut()| {
        let mut iters = 1usize;
        loop {
            let start = Instant::now();
            for _ in 0..iters {
                h();
            }
            if start.elapsed() >= batch_time / 4 || iters >= 1 << 30 {
                let per = start.elapsed().as_secs_f64() / iters as f64;
                return ((batch_time.as_secs_f64() / per) as usize).max(1);
            }
            iters *= 2;
        }
    };
    let fi = calibrate(&mut f);
    let gi = calibrate(&mut g);
    let mut fs = Vec::with_capacity(batches);
    let mut gs = Vec::with_capacity(batches);
    for b in 0..batches {
        let run = |h: &mut dyn FnMut(), iters: usize, out: &mut Vec<f64>| {
            let start = Instant::now();
            for _ in 0..iters {
                h();
            }
            out.push(start.elapsed().as_secs_f64() * 1e9 / iters as f64);
        };
        if b % 2 == 0 {
            run(&mut f, fi, &mut fs);
            run(&mut g, gi, &mut gs);
        } else {
            run(&mut g, gi, &mut gs);
            run(&mut f, fi, &mut fs);
        }
    }
    (median(&mut fs), median(&mut gs))
}

/// CPU time of the calling thread in seconds (Linux:
/// `/proc/thread-self/schedstat`), if the kernel reports it. Less sensitive
/// than wall time to other processes competing for the cores.
pub fn thread_cpu_secs() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    (ns > 0).then_some(ns as f64 / 1e9)
}

/// The 1-minute load average (`/proc/loadavg`).
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_percentiles() {
        let mut v = vec![5.0, 1.0, 3.0, 2.0, 4.0];
        let s = summarize(&mut v);
        assert_eq!(s.median, 3.0);
        assert_eq!(s.min, 1.0);
        assert_eq!(percentile_sorted(&[1.0, 2.0], 50.0), 1.5);
        assert_eq!(fmt_secs(0.0015), "1.50 ms");
    }
}
