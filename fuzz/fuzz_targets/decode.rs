//! Every provider's `CredentialBody` and `CredentialError` from
//! arbitrary bytes, directly and through the runtime decoder: the first
//! input byte picks the provider (`credential_clients_fuzz::PROVIDERS`, made
//! by the facade's `with_providers!`, so a new spec is fuzzed with no edit),
//! the rest is the body (see `src/lib.rs`).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    credential_clients_fuzz::check_any(data);
});
