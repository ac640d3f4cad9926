//! `-v`: the client's tracing spans (target `credential_clients`: call and
//! attempt spans with provider, operation, route template, status,
//! attempts, backoff and request id, never a secret) printed to stderr.
//! Without `-v` no subscriber is installed and the spans cost nothing.

use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::SubscriberExt as _;

/// Install the stderr subscriber when `verbose > 0` (`-vv` adds the
/// per-attempt spans' open events).
pub fn init(verbose: u8) {
    if verbose == 0 {
        return;
    }
    let level = if verbose > 1 {
        tracing::Level::TRACE
    } else {
        tracing::Level::DEBUG
    };
    let events = if verbose > 1 {
        FmtSpan::NEW | FmtSpan::CLOSE
    } else {
        FmtSpan::CLOSE
    };
    let subscriber = tracing_subscriber::registry()
        .with(tracing_subscriber::filter::Targets::new().with_target("credential_clients", level))
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(false)
                .with_span_events(events),
        );
    // A second call (the demo runs several) keeps the first subscriber.
    let _ = tracing::subscriber::set_global_default(subscriber);
}
