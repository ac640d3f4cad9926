//! `oci_aidp::types::Credential` and `oci_aidp::GetCredentialError` from arbitrary
//! bytes, directly and through the runtime decoder (see `src/lib.rs`).

#![no_main]

use credential_clients::oci_aidp;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    credential_clients_fuzz::check::<oci_aidp::types::Credential, oci_aidp::GetCredentialError>(
        data,
    );
});
