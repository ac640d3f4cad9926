//! `netapp_astra::types::Credential` and `netapp_astra::GetCredentialError` from arbitrary
//! bytes, directly and through the runtime decoder (see `src/lib.rs`).

#![no_main]

use credential_clients::netapp_astra;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    credential_clients_fuzz::check::<
        netapp_astra::types::Credential,
        netapp_astra::GetCredentialError,
    >(data);
});
