//! `ankra::types::Credential` and `ankra::GetCredentialError` from arbitrary
//! bytes, directly and through the runtime decoder (see `src/lib.rs`).

#![no_main]

use credential_clients::ankra;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    credential_clients_fuzz::check::<ankra::types::Credential, ankra::GetCredentialError>(data);
});
