//! Run a typed mock of the netapp-astra API and read a credential from it:
//! `cargo run -p netapp-astra-client --example netapp_astra_mock --features mock`.

#[cfg(feature = "mock")]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    use netapp_astra_client::mock::MockServerExt as _;

    let server = httpmock::MockServer::start_async().await;
    let credential: netapp_astra_client::types::Credential = serde_json::from_value(
        serde_json::json!({"type": "application/astra-credential", "version": "1.1", "id": "58e26f6a-a631-4122-8e0e-7afe306675c0", "name": "myCert", "keyType": "certificate", "metadata": {"labels": [], "creationTimestamp": "2024-05-01T10:00:00Z", "modificationTimestamp": "2024-05-01T10:00:00Z", "createdBy": "8f84cf09-8036-41e4-b579-bd30cb07b269"}}),
    )?;
    let mock = server.get_credential(|when, then| {
        when.credential_id(&"58e26f6a-a631-4122-8e0e-7afe306675c0".parse().unwrap());
        then.ok(&credential);
    });

    let client = netapp_astra_client::Client::builder()
        .base_url(server.base_url())
        .bearer_token("demo-token")
        .build()?;
    let response = client
        .get_credential()
        .account_id("6b9c2a5e-5a3c-4b0e-9d5e-2f1d8c7b6a54")
        .credential_id("58e26f6a-a631-4122-8e0e-7afe306675c0")
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
