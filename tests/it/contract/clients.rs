//! One configured client per provider for the fixture tests, and the
//! helpers that serve a body and parse it through the real client.

use super::*;

pub(super) fn disabled() -> RetryPolicy {
    RetryPolicy::disabled()
}

pub(super) fn ankra_client(url: String) -> ankra::Client {
    ankra::Client::builder()
        .base_url(url)
        .bearer_token(TOKEN)
        .retry(disabled())
        .build()
        .unwrap()
}

pub(super) async fn ankra_send(
    client: ankra::Client,
) -> ApiResult<ankra::types::Credential, ankra::GetCredentialError> {
    client
        .get_credential()
        .credential_id(uuid::Uuid::parse_str(ANKRA_ID).unwrap())
        .send()
        .await
}

pub(super) async fn ankra_call(
    url: String,
) -> ApiResult<ankra::types::Credential, ankra::GetCredentialError> {
    ankra_send(ankra_client(url)).await
}

pub(super) fn awx_client(url: String) -> awx::Client {
    awx::Client::builder()
        .base_url(format!("{url}/api/v2"))
        .bearer_token(TOKEN)
        .retry(disabled())
        .build()
        .unwrap()
}

pub(super) async fn awx_send(
    client: awx::Client,
) -> ApiResult<awx::types::Credential, awx::GetCredentialError> {
    client
        .get_credential()
        .id(NonZeroU64::new(42).unwrap())
        .send()
        .await
}

pub(super) async fn awx_call(
    url: String,
) -> ApiResult<awx::types::Credential, awx::GetCredentialError> {
    awx_send(awx_client(url)).await
}

pub(super) fn tines_client(url: String) -> tines::Client {
    tines::Client::builder()
        .base_url(url)
        .bearer_token(TOKEN)
        .retry(disabled())
        .build()
        .unwrap()
}

pub(super) async fn tines_send(
    client: tines::Client,
) -> ApiResult<tines::types::Credential, tines::GetCredentialError> {
    client
        .get_credential()
        .credential_id(4821)
        .include_references(true)
        .send()
        .await
}

pub(super) async fn tines_call(
    url: String,
) -> ApiResult<tines::types::Credential, tines::GetCredentialError> {
    tines_send(tines_client(url)).await
}

pub(super) fn astra_client(url: String) -> netapp_astra::Client {
    netapp_astra::Client::builder()
        .base_url(url)
        .bearer_token(TOKEN)
        .retry(disabled())
        .build()
        .unwrap()
}

pub(super) async fn astra_send(
    client: netapp_astra::Client,
) -> ApiResult<netapp_astra::types::Credential, netapp_astra::GetCredentialError> {
    client
        .get_credential()
        .account_id(ASTRA_ACCOUNT)
        .credential_id(ASTRA_CREDENTIAL)
        .send()
        .await
}

pub(super) async fn astra_call(
    url: String,
) -> ApiResult<netapp_astra::types::Credential, netapp_astra::GetCredentialError> {
    astra_send(astra_client(url)).await
}

pub(super) fn oci_signer() -> credential_clients::runtime::oci::Signer {
    credential_clients::runtime::oci::Signer::from_key_file(
        "ocid1.tenancy.oc1..aaaatest",
        "ocid1.user.oc1..aaaatest",
        "20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/oci-test-key.pem"
        ),
    )
    .unwrap()
}

pub(super) fn oci_client(url: String) -> oci_aidp::Client {
    oci_aidp::Client::builder()
        .base_url(url)
        .oci_signer(oci_signer())
        .retry(disabled())
        .build()
        .unwrap()
}

pub(super) async fn oci_send(
    client: oci_aidp::Client,
) -> ApiResult<oci_aidp::types::Credential, oci_aidp::GetCredentialError> {
    client
        .get_credential()
        .ai_data_platform_id(OCI_PLATFORM)
        .credential_key(OCI_KEY)
        .should_update_recent(true)
        .send()
        .await
}

pub(super) async fn oci_call(
    url: String,
) -> ApiResult<oci_aidp::types::Credential, oci_aidp::GetCredentialError> {
    oci_send(oci_client(url)).await
}

/// Serve one reply, call the client once, check the request; the result.
pub(super) async fn serve<T, E, Fut>(
    reply: Reply,
    call: impl FnOnce(String) -> Fut,
    check_request: impl Fn(&Recorded),
) -> ApiResult<T, E>
where
    Fut: Future<Output = ApiResult<T, E>>,
{
    let server = Server::always(in_one_write(reply)).await;
    let result = call(server.url()).await;
    assert_eq!(server.count(), 1);
    check_request(&server.last());
    result
}

/// A 200 with `body` that must parse; the parsed credential.
pub(super) async fn parse_ok<T: Debug, E: Debug, Fut>(
    body: Value,
    call: impl FnOnce(String) -> Fut,
    check_request: impl Fn(&Recorded),
) -> ResponseValue<T>
where
    Fut: Future<Output = ApiResult<T, E>>,
{
    match serve(Reply::json(200, &body), call, check_request).await {
        Ok(rv) => {
            assert_eq!(rv.status(), 200);
            rv
        }
        Err(e) => panic!("{body:#}\ndid not parse: {e:?}"),
    }
}

/// An error status with a JSON `body` that must give the typed error body.
pub(super) async fn parse_error<T: Debug, E: Debug, Fut>(
    status: u16,
    body: Value,
    call: impl FnOnce(String) -> Fut,
    check_request: impl Fn(&Recorded),
) -> ResponseValue<E>
where
    Fut: Future<Output = ApiResult<T, E>>,
{
    match serve(Reply::json(status, &body), call, check_request).await {
        Err(Error::ErrorResponse(rv)) => {
            assert_eq!(rv.status().as_u16(), status);
            rv
        }
        other => panic!("{status} {body:#}: expected ErrorResponse, got {other:?}"),
    }
}

pub(super) fn reserialized<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap()
}
