//! `tines::types::Credential` and `tines::GetCredentialError` from arbitrary
//! bytes, directly and through the runtime decoder (see `src/lib.rs`).

#![no_main]

use credential_clients::tines;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    credential_clients_fuzz::check::<tines::types::Credential, tines::GetCredentialError>(data);
});
