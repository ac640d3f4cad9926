//! Run a typed mock of the awx API and read a credential from it:
//! `cargo run -p awx-client --example awx_mock --features mock`.

#[cfg(feature = "mock")]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    use awx_client::mock::MockServerExt as _;

    let server = httpmock::MockServer::start_async().await;
    let credential: awx_client::types::Credential = serde_json::from_value(
        serde_json::json!({"id": 42, "type": "credential", "url": "/api/v2/credentials/42/", "name": "deploy key", "description": "", "organization": null, "credential_type": 1, "inputs": {"username": "deploy", "ssh_key_data": "$encrypted$"}, "kind": "ssh", "cloud": false, "kubernetes": false, "created": "2024-05-01T10:00:00Z", "modified": "2024-05-01T10:00:00Z", "related": {}, "summary_fields": {}}),
    )?;
    let mock = server.get_credential(|when, then| {
        when.id(::std::num::NonZeroU64::new(42).unwrap());
        then.ok(&credential);
    });

    let client = awx_client::Client::builder()
        .base_url(server.base_url())
        .basic_auth("admin", "demo-password")
        .build()?;
    let response = client
        .get_credential()
        .id(::std::num::NonZeroU64::new(42).unwrap())
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
