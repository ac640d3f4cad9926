//! Run a typed mock of the tines API and read a credential from it:
//! `cargo run -p tines-client --example tines_mock --features mock`.

#[cfg(feature = "mock")]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    use tines_client::mock::MockServerExt as _;

    let server = httpmock::MockServer::start_async().await;
    let credential: tines_client::types::Credential = serde_json::from_value(
        serde_json::json!({"id": 7, "name": "github_token", "mode": "TEXT", "team_id": 2, "folder_id": null, "read_access": "TEAM", "shared_team_slugs": [], "slug": "github_token", "created_at": "2024-05-01T10:00:00Z", "updated_at": "2024-05-01T10:00:00Z", "description": "", "aws_assumed_role_external_id": null, "aws_authentication_type": null, "allowed_hosts": [], "metadata": {}, "restriction_type": "UNRESTRICTED", "test_credential_enabled": false}),
    )?;
    let mock = server.get_credential(|when, then| {
        when.credential_id(7);
        then.ok(&credential);
    });

    let client = tines_client::Client::builder()
        .base_url(server.base_url())
        .bearer_token("demo-key")
        .build()?;
    let response = client.get_credential().credential_id(7).send().await?;
    mock.assert_async().await;
    println!("{:#?}", response.into_inner());
    Ok(())
}

#[cfg(not(feature = "mock"))]
fn main() {
    eprintln!("this example needs the mock feature: add --features mock");
}
