//! Run a typed mock of the oci-aidp API and read a credential from it:
//! `cargo run -p oci-aidp-client --example oci_aidp_mock --features mock`.

#[cfg(feature = "mock")]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    use oci_aidp_client::mock::MockServerExt as _;

    let server = httpmock::MockServer::start_async().await;
    let credential: oci_aidp_client::types::Credential = serde_json::from_value(
        serde_json::json!({"key": "db_password", "displayName": "db_password", "type": "SECRET_TOKEN", "lifecycleState": "ACTIVE", "credentialDetails": {"credentialType": "SECRET_TOKEN", "secretTokenPair": [{"secretKey": "password", "secretValue": "s3cr3t"}]}}),
    )?;
    let mock = server.get_credential(|when, then| {
        when.credential_key(&"db_password".parse().unwrap());
        then.ok(&credential);
    });

    let client = oci_aidp_client::Client::builder()
        .base_url(server.base_url())
        .build()?;
    let response = client
        .get_credential()
        .ai_data_platform_id("ocid1.datalake.oc1.iad.example")
        .credential_key("db_password")
        .send()
        .await?;
    mock.assert_async().await;
    println!("{:#?}", response.into_inner());
    Ok(())
}

#[cfg(not(feature = "mock"))]
fn main() {
    eprintln!("this example needs the mock feature: add --features mock");
}
