//! Run a typed mock of the ankra API and read a credential from it:
//! `cargo run -p ankra-client --example ankra_mock --features mock`.

#[cfg(feature = "mock")]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    use ankra_client::mock::MockServerExt as _;

    let server = httpmock::MockServer::start_async().await;
    let credential: ankra_client::types::Credential = serde_json::from_value(
        serde_json::json!({"id": "3c90c3cc-0d44-4b50-8888-8dd25736052a", "name": "aws-prod", "provider": "aws", "token": "s3cr3t"}),
    )?;
    let mock = server.get_credential(|when, then| {
        when.credential_id(&"3c90c3cc-0d44-4b50-8888-8dd25736052a".parse().unwrap());
        then.ok(&credential);
    });

    let client = ankra_client::Client::builder()
        .base_url(server.base_url())
        .bearer_token("demo-token")
        .build()?;
    let response = client
        .get_credential()
        .credential_id("3c90c3cc-0d44-4b50-8888-8dd25736052a")
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
