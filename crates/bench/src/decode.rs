//! Decode throughput: each provider's `types::Credential` from its spec
//! example (compact JSON bytes) against decoding the same bytes into
//! `serde_json::Value`.

use std::hint::black_box;
use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::Provider;
use crate::stats::alternate;

/// Decode figures of one provider.
#[derive(Debug, Clone)]
pub struct Row {
    /// The provider.
    pub provider: Provider,
    /// Body size in bytes.
    pub bytes: usize,
    /// Median ns per decode into `types::Credential`.
    pub typed_ns: f64,
    /// Median ns per decode into `serde_json::Value`.
    pub value_ns: f64,
}

impl Row {
    /// Decodes per second into `types::Credential`.
    pub fn typed_ops(&self) -> f64 {
        1e9 / self.typed_ns
    }
    /// Decodes per second into `Value`.
    pub fn value_ops(&self) -> f64 {
        1e9 / self.value_ns
    }
    /// MB/s (10^6 bytes) into `types::Credential`.
    pub fn typed_mbs(&self) -> f64 {
        self.bytes as f64 * self.typed_ops() / 1e6
    }
    /// MB/s into `Value`.
    pub fn value_mbs(&self) -> f64 {
        self.bytes as f64 * self.value_ops() / 1e6
    }
}

pub(crate) fn row<T: DeserializeOwned>(
    provider: Provider,
    body: &[u8],
    batches: usize,
    batch_time: Duration,
) -> Result<Row, String> {
    // The example must decode, or the figure is meaningless.
    serde_json::from_slice::<T>(body).map_err(|e| format!("{provider}: {e}"))?;
    let (typed_ns, value_ns) = alternate(
        batches,
        batch_time,
        || {
            let v: T = serde_json::from_slice(black_box(body)).expect("decode");
            black_box(v);
        },
        || {
            let v: serde_json::Value = serde_json::from_slice(black_box(body)).expect("decode");
            black_box(v);
        },
    );
    Ok(Row {
        provider,
        bytes: body.len(),
        typed_ns,
        value_ns,
    })
}

/// Decode every provider's example (`examples` gives each one's body).
pub fn run(
    examples: &[(Provider, Vec<u8>)],
    batches: usize,
    batch_time: Duration,
) -> Result<Vec<Row>, String> {
    examples
        .iter()
        .map(|(p, body)| (p.entry().decode_row)(*p, body, batches, batch_time))
        .collect()
}
