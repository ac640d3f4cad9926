//! NetApp Astra fixtures: real wire shapes through the real client.

use super::*;

pub(super) fn astra_body() -> Value {
    json!({
        "type": "application/astra-credential",
        "version": "1.1",
        "id": ASTRA_CREDENTIAL,
        "name": "ocp-staging",
        "keyType": "kubeconfig",
        "metadata": {
            "labels": [
                {"name": "astra.netapp.io/labels/read-only/credType", "value": "kubeconfig"}
            ],
            "creationTimestamp": "2022-08-17T17:09:47Z",
            "modificationTimestamp": "2022-08-17T17:09:47Z",
            "createdBy": "79b66aad-aba6-4673-9cef-994fa91c8de6"
        }
    })
}

#[tokio::test]
pub(super) async fn astra_valid_missing_as_real_servers_send_it() {
    let body = serde_json::to_vec(&astra_body()).unwrap();
    let result = serve(
        Reply::bytes(200, "application/astra-credential+json", body),
        astra_call,
        check_astra_request,
    )
    .await;
    let cred = result.unwrap();
    assert_eq!(cred.valid, None);
    assert_eq!(cred.metadata.modified_by, None);
    let key_type = cred.key_type.as_ref().unwrap();
    assert!(key_type.known().is_some(), "{key_type:?}");
    assert_eq!(key_type.as_wire(), "kubeconfig");
    assert!(reserialized(&*cred).get("valid").is_none());
}

#[tokio::test]
pub(super) async fn astra_unknown_values_extra_fields_and_relaxed_limits() {
    let mut body = astra_body();
    body["keyType"] = json!("sshKeyPair");
    body["version"] = json!("1.2");
    body["valid"] = json!("false");
    body["validUntilTimestamp"] = json!("2024-06-30T23:59:59Z");
    // Longer than the documented 127 characters: responses are not limited.
    body["name"] = json!("n".repeat(300));
    body["keyStoreDigest"] = json!("sha256:4be1");
    body["metadata"]["modifiedBy"] = json!("8c2a7e4d-1b6f-5a93-9e0c-4d7b2f8a1c36");
    body["metadata"]["tags"] = json!(["x"]);
    body["metadata"]["labels"][0]["origin"] = json!("system");
    let cred = parse_ok(body, astra_call, check_astra_request).await;
    assert_eq!(cred.key_type, Some(OpenEnum::Unknown("sshKeyPair".into())));
    assert_eq!(cred.version, OpenEnum::Unknown("1.2".into()));
    let valid = cred.valid.as_ref().unwrap();
    assert!(valid.known().is_some(), "{valid:?}");
    assert_eq!(valid.as_wire(), "false");
    assert_eq!(cred.name.len(), 300);
    let out = reserialized(&*cred);
    assert_eq!(out["keyType"], "sshKeyPair");
    assert_eq!(out["version"], "1.2");
    assert_eq!(out["valid"], "false", "valid stays a string");
}

#[tokio::test]
pub(super) async fn astra_problem_details() {
    let body = json!({
        "type": "https://astra.netapp.io/problems/5",
        "title": "Invalid query parameters",
        "detail": "The supplied query parameters are invalid.",
        "status": "400",
        "invalidParams": [{"name": "include", "reason": "unknown field"}],
        "instance": "/accounts/x"
    });
    let result = serve(
        Reply::bytes(
            400,
            "application/problem+json",
            serde_json::to_vec(&body).unwrap(),
        ),
        astra_call,
        check_astra_request,
    )
    .await;
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("{other:?}"),
    };
    assert_eq!(rv.status(), 400);
    assert_eq!(rv.status, "400");
    assert_eq!(rv.correlation_id, None);
    assert_eq!(rv.invalid_params[0].name, "include");
}
