//! Ankra fixtures: real wire shapes through the real client.

use super::*;

#[tokio::test]
pub(super) async fn ankra_cli_shape_with_omitted_fields_and_string_installation_id() {
    let cred = parse_ok(
        json!({
            "id": ANKRA_ID,
            "name": "github-app-platform",
            "provider": "git",
            "description": "GitHub App for the platform org",
            "created_at": "2025-02-01T10:00:00Z",
            "organisation_id": "0e9a7c31-4d2b-4f6e-8a15-93c2b7d1f048",
            "installation_id": "61234567",
            "repository": "platform-gitops",
            "owner": "example-org",
            "webhook_secret_set": true,
            "scopes": ["contents:read", {"nested": [1, 2.5, null]}]
        }),
        ankra_call,
        check_ankra_request,
    )
    .await;
    // A string installation id stays a string.
    assert_eq!(reserialized(&cred.installation_id), json!("61234567"));
    assert_eq!(cred.system, None);
    assert_eq!(cred.available, None);
    assert!(cred.clusters.is_none() && cred.operations.is_none());
    assert_eq!(cred.updated_at, None);
    assert_eq!(cred.owner.as_deref(), Some("example-org"));

    let cred = parse_ok(
        json!({"id": ANKRA_ID, "name": "n", "installation_id": 51234567}),
        ankra_call,
        check_ankra_request,
    )
    .await;
    // An integer installation id (the list shape) stays an integer.
    assert_eq!(reserialized(&cred.installation_id), json!(51234567));
}

#[tokio::test]
pub(super) async fn ankra_nulls_unknown_enums_and_secrets() {
    let secret = "ankra-hetzner-token-9f8e7d";
    let body = json!({
        "id": ANKRA_ID,
        "name": "edge-hetzner",
        "provider": "scaleway",
        "organisation_id": null,
        "system": null,
        "available": true,
        "clusters": [{
            "id": "8d3e6f10-2a9b-4c57-b1e4-7f0a3c9d2e68",
            "name": "edge-1",
            "kind": "provisioned",
            "created_at": null,
            "node_count": 3
        }],
        "operations": [{
            "id": "c41a9e27-6b3d-4f08-9d52-1e7b8a0f3c96",
            "name": "upgrade",
            "status": "queued",
            "cluster_kind": "managed",
            "cluster_id": null
        }],
        "created_at": "2025-01-01T00:00:00Z",
        "updated_at": null,
        "description": null,
        "installation_id": null,
        "token": secret,
        "username": null,
        "access_key_id": null,
        "secret_access_key": null,
        "role_arn": null,
        "gitlab_url": null,
        "access_token": null,
        "usage_count": 12
    });
    let cred = parse_ok(body, ankra_call, check_ankra_request).await;
    assert_eq!(cred.provider, Some(OpenEnum::Unknown("scaleway".into())));
    assert_eq!(
        cred.clusters.as_ref().unwrap()[0].kind,
        Some(OpenEnum::Unknown("provisioned".into()))
    );
    assert_eq!(
        cred.operations.as_ref().unwrap()[0].cluster_kind,
        Some(OpenEnum::Unknown("managed".into()))
    );
    assert_eq!(cred.organisation_id, None);
    assert_eq!(cred.updated_at, None);
    assert_eq!(cred.token.as_ref().unwrap().expose_secret(), secret);
    assert!(!format!("{cred:?}").contains(secret));
    // Unknown values re-serialize verbatim; secrets round-trip.
    let out = reserialized(&*cred);
    assert_eq!(out["provider"], "scaleway");
    assert_eq!(out["clusters"][0]["kind"], "provisioned");
    assert_eq!(out["operations"][0]["cluster_kind"], "managed");
    assert_eq!(out["token"], secret);
}

#[tokio::test]
pub(super) async fn ankra_error_bodies() {
    let rv = parse_error(
        403,
        json!({"detail": "permission_denied", "permission": "credentials.read", "request_id": "r-1"}),
        ankra_call,
        check_ankra_request,
    )
    .await;
    assert_eq!(reserialized(&rv.detail), json!("permission_denied"));
    assert_eq!(rv.permission.as_deref(), Some("credentials.read"));

    // pydantic v2 validation error with ctx, url and a numeric loc item.
    let rv = parse_error(
        422,
        json!({"detail": [{
            "type": "uuid_parsing",
            "loc": ["path", "credential_id", 0],
            "msg": "Input should be a valid UUID",
            "input": {"raw": 7},
            "ctx": {"error": "invalid length"},
            "url": "https://errors.pydantic.dev/2.9/v/uuid_parsing"
        }]}),
        ankra_call,
        check_ankra_request,
    )
    .await;
    let detail = reserialized(&rv.detail);
    assert_eq!(detail[0]["type"], "uuid_parsing");
    assert_eq!(detail[0]["loc"], json!(["path", "credential_id", 0]));
    assert_eq!(detail[0]["input"], json!({"raw": 7}));
    assert_eq!(detail[0]["ctx"]["error"], "invalid length");
}
