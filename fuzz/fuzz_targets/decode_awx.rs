//! `awx::types::Credential` and `awx::GetCredentialError` from arbitrary
//! bytes, directly and through the runtime decoder (see `src/lib.rs`).

#![no_main]

use credential_clients::awx;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    credential_clients_fuzz::check::<awx::types::Credential, awx::GetCredentialError>(data);
});
