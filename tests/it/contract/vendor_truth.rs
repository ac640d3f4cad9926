//! Vendor truth (issue 13): bodies shaped as `shared/vendor-audit.md`
//! describes the vendors' real behaviour (written here, not copied from
//! vendor samples), served over HTTP: they must parse into the typed fields
//! with the right values.

use super::*;
use credential_clients::summary::CredentialSummary;

#[tokio::test]
async fn ankra_new_provider_and_cluster_kind_values_are_known() {
    use ankra::types::{
        CredentialClusterInfoKind, CredentialOperationInfoClusterKind, CredentialProvider,
    };
    for (wire, known) in [
        ("upcloud", CredentialProvider::Upcloud),
        ("ssh-key", CredentialProvider::SshKey),
        ("github", CredentialProvider::Github),
        ("gitlab", CredentialProvider::Gitlab),
    ] {
        let cred = parse_ok(
            json!({
                "id": ANKRA_ID,
                "name": format!("{wire}-credential"),
                "provider": wire,
                "clusters": [
                    {"id": "1e8b4f27-6c3a-4d90-a5b2-9f0e7d1c3a64", "name": "a", "kind": "upcloud"},
                    {"id": "5d0a2c93-8e71-4b46-9f3d-c6e1b7a4f208", "name": "b", "kind": "hetzner"}
                ],
                "operations": [{
                    "id": "9f4e1b62-3d7c-4a05-b8e9-2c6a0d5f7e31",
                    "name": "scale",
                    "cluster_kind": "proxmox"
                }]
            }),
            ankra_call,
            check_ankra_request,
        )
        .await;
        assert_eq!(cred.provider, Some(OpenEnum::Known(known)), "{wire}");
        let kinds: Vec<_> = cred
            .clusters
            .as_ref()
            .unwrap()
            .iter()
            .map(|c| c.kind.clone())
            .collect();
        assert_eq!(
            kinds,
            [
                Some(OpenEnum::Known(CredentialClusterInfoKind::Upcloud)),
                Some(OpenEnum::Known(CredentialClusterInfoKind::Hetzner))
            ]
        );
        assert_eq!(
            cred.operations.as_ref().unwrap()[0].cluster_kind,
            Some(OpenEnum::Known(CredentialOperationInfoClusterKind::Proxmox))
        );
        assert_eq!(reserialized(&*cred)["provider"], wire);
        assert_eq!(CredentialSummary::from(&*cred).kind.as_deref(), Some(wire));
    }
}

#[tokio::test]
async fn ankra_secrets_beyond_the_reference_page_stay_redacted() {
    let api_token = "upcloud-api-token-7c1e";
    let private_key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE\n";
    let cred = parse_ok(
        json!({
            "id": ANKRA_ID,
            "name": "upcloud-fi-hel",
            "provider": "upcloud",
            "api_token": api_token,
            "private_key": private_key,
            "token_secret": null,
            "application_secret": "",
            "created_at": "2025-04-01T09:00:00Z"
        }),
        ankra_call,
        check_ankra_request,
    )
    .await;
    assert_eq!(cred.api_token.as_ref().unwrap().expose_secret(), api_token);
    assert_eq!(
        cred.private_key.as_ref().unwrap().expose_secret(),
        private_key
    );
    assert_eq!(cred.token_secret, None);
    let debug = format!("{cred:?}");
    assert!(!debug.contains(api_token) && !debug.contains("b3BlbnNzaC1rZXktdjE"));
    // The summary names the secrets that carried a value, never the values.
    let s = CredentialSummary::from(&*cred);
    assert_eq!(s.secret_fields, ["api_token", "private_key"]);
    assert!(s.has_secret_material);
}

#[tokio::test]
async fn ankra_not_authenticated_and_rbac_scope_type() {
    let rv = parse_error(
        401,
        json!({"detail": "Not authenticated"}),
        ankra_call,
        check_ankra_request,
    )
    .await;
    assert_eq!(
        rv.detail,
        ankra::types::ErrorDetailDetail::String("Not authenticated".into())
    );
    assert_eq!(rv.permission, None);

    let rv = parse_error(
        403,
        json!({"detail": "permission_denied", "permission": "clusters.write", "scope_type": "organisation"}),
        ankra_call,
        check_ankra_request,
    )
    .await;
    assert_eq!(rv.permission.as_deref(), Some("clusters.write"));
    assert_eq!(rv.scope_type.as_deref(), Some("organisation"));

    // FastAPI lets `detail` be any object; it stays typed.
    let rv = parse_error(
        403,
        json!({"detail": {"reason": "organisation_suspended", "until": null}}),
        ankra_call,
        check_ankra_request,
    )
    .await;
    let ankra::types::ErrorDetailDetail::Object(detail) = &rv.detail else {
        panic!("{rv:?}")
    };
    assert_eq!(detail["reason"], "organisation_suspended");
}

#[tokio::test]
async fn awx_401_fixed_challenge_timing_headers_and_drf_315_404() {
    let challenge = "Bearer realm=api authorization_url=/api/o/authorize/";
    let reply = Reply::json(
        401,
        &json!({"detail": "Authentication credentials were not provided. To establish a login session, visit /api/login/."}),
    )
    .with_header("WWW-Authenticate", challenge)
    .with_header("X-API-Product-Name", "AWX")
    .with_header("X-API-Node", "awx-web-0")
    .with_header("X-API-Time", "0.004s")
    .with_header("X-API-Total-Time", "0.011s");
    let rv = match serve(reply, awx_call, check_awx_request).await {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("{other:?}"),
    };
    assert_eq!(rv.headers()["www-authenticate"], challenge);
    assert_eq!(rv.headers()["x-api-total-time"], "0.011s");
    assert_eq!(rv.headers()["x-api-product-name"], "AWX");

    let rv = parse_error(
        404,
        json!({"detail": "No Credential matches the given query."}),
        awx_call,
        check_awx_request,
    )
    .await;
    assert_eq!(rv.detail, "No Credential matches the given query.");
}

#[tokio::test]
async fn awx_summary_fields_resource_is_typed() {
    let mut body = awx_body();
    body["summary_fields"]["resource"] = json!({
        "ansible_id": "0c4f7e2a-91d3-4b58-a6e0-5d2b8f3c7a19",
        "resource_type": "shared.credential"
    });
    let reply = Reply::json(200, &body).with_header("X-API-Total-Time", "0.104s");
    let cred = serve(reply, awx_call, check_awx_request).await.unwrap();
    let resource = cred.summary_fields.resource.as_ref().unwrap();
    assert_eq!(
        resource.ansible_id.as_deref(),
        Some("0c4f7e2a-91d3-4b58-a6e0-5d2b8f3c7a19")
    );
    assert_eq!(resource.resource_type.as_deref(), Some("shared.credential"));
    assert_eq!(cred.headers()["x-api-total-time"], "0.104s");
}

#[tokio::test]
async fn tines_expiry_fields_are_typed() {
    let mut body = tines_real_get();
    body["expires_at"] = json!("2025-11-30T00:00:00Z");
    body["expiry_notifications_enabled"] = json!(true);
    body["credential_notification_recipient_user_ids"] = json!([58, 214]);
    let cred = parse_ok(body, tines_call, check_tines_request).await;
    assert_eq!(
        cred.expires_at
            .as_ref()
            .and_then(|t| t.utc())
            .map(|t| t.to_rfc3339()),
        Some("2025-11-30T00:00:00+00:00".to_string())
    );
    assert_eq!(cred.expiry_notifications_enabled, Some(true));
    assert_eq!(
        cred.credential_notification_recipient_user_ids.as_deref(),
        Some(&[58, 214][..])
    );
    let out = reserialized(&*cred);
    assert_eq!(
        out["credential_notification_recipient_user_ids"],
        json!([58, 214])
    );
    assert_eq!(
        CredentialSummary::from(&*cred).expires.as_deref(),
        Some("2025-11-30T00:00:00Z")
    );

    // No expiry set: nulls.
    let mut body = tines_real_get();
    body["expires_at"] = Value::Null;
    body["expiry_notifications_enabled"] = Value::Null;
    body["credential_notification_recipient_user_ids"] = Value::Null;
    let cred = parse_ok(body, tines_call, check_tines_request).await;
    assert_eq!(cred.expires_at, None);
    assert_eq!(cred.expiry_notifications_enabled, None);
    assert_eq!(cred.credential_notification_recipient_user_ids, None);
    assert_eq!(CredentialSummary::from(&*cred).expires, None);
}

#[tokio::test]
async fn tines_older_server_without_restriction_type_or_test_credential_enabled() {
    let mut body = tines_real_get();
    let obj = body.as_object_mut().unwrap();
    obj.remove("restriction_type");
    obj.remove("test_credential_enabled");
    let cred = parse_ok(body, tines_call, check_tines_request).await;
    assert_eq!(cred.restriction_type, None);
    assert_eq!(cred.test_credential_enabled, None);
    assert_eq!(cred.slug, "outbound_webhook");
    let out = reserialized(&*cred);
    assert!(out.get("restriction_type").is_none());

    // Current servers still give the typed values.
    let cred = parse_ok(tines_real_get(), tines_call, check_tines_request).await;
    assert_eq!(
        cred.restriction_type,
        Some(OpenEnum::Known(tines::types::RestrictionType::Restricted))
    );
    assert_eq!(cred.test_credential_enabled, Some(false));
}

#[tokio::test]
async fn tines_error_details_of_any_json_type_stay_typed() {
    let rv = parse_error(
        404,
        json!({"errors": [{"message": "Not found", "details": {"id": ["is unknown"]}}]}),
        tines_call,
        check_tines_request,
    )
    .await;
    assert_eq!(
        reserialized(&*rv),
        json!({"errors": [{"message": "Not found", "details": {"id": ["is unknown"]}}]})
    );
}

#[tokio::test]
async fn astra_sparse_and_empty_metadata_parse() {
    let mut body = astra_body();
    body["metadata"] = json!({"creationTimestamp": "2024-02-19T07:45:11.2Z"});
    let cred = parse_ok(body, astra_call, check_astra_request).await;
    assert!(cred.metadata.labels.is_empty());
    assert_eq!(cred.metadata.created_by, None);
    assert_eq!(cred.metadata.modification_timestamp, None);
    let s = CredentialSummary::from(&*cred);
    assert_eq!(s.created.as_deref(), Some("2024-02-19T07:45:11.200Z"));
    assert_eq!(s.updated, None);

    let mut body = astra_body();
    body["metadata"] = json!({});
    let cred = parse_ok(body, astra_call, check_astra_request).await;
    assert_eq!(
        cred.metadata,
        serde_json::from_value::<netapp_astra::types::TypeAstraMetadata>(json!({})).unwrap()
    );
    let s = CredentialSummary::from(&*cred);
    assert_eq!((s.created, s.updated), (None, None));

    // The full metadata still reads as before.
    let cred = parse_ok(astra_body(), astra_call, check_astra_request).await;
    assert_eq!(
        cred.metadata.created_by.as_deref(),
        Some("79b66aad-aba6-4673-9cef-994fa91c8de6")
    );
    assert_eq!(cred.metadata.labels.len(), 1);
}

#[tokio::test]
async fn oci_masked_or_absent_secrets_keep_the_known_variant() {
    use oci_aidp::types::CredentialDetails;

    let cred = parse_ok(
        json!({
            "key": OCI_KEY,
            "displayName": "crm_export_token",
            "type": "SECRET_TOKEN",
            "credentialDetails": {
                "credentialType": "SECRET_TOKEN",
                "secretTokenPair": [
                    {"secretKey": "client_id"},
                    {"secretKey": "client_secret", "secretValue": "********"}
                ]
            }
        }),
        oci_call,
        check_oci_request,
    )
    .await;
    let Some(OpenUnion::Known(CredentialDetails::SecretTokenCredentialDetails(d))) =
        &cred.credential_details
    else {
        panic!("{cred:?}")
    };
    assert_eq!(d.secret_token_pair.len(), 2);
    assert_eq!(d.secret_token_pair[0].secret_key, "client_id");
    assert_eq!(d.secret_token_pair[0].secret_value, None);
    assert_eq!(
        d.secret_token_pair[1]
            .secret_value
            .as_ref()
            .map(|v| v.expose_secret()),
        Some("********")
    );
    // An absent value is not "secret material"; a masked one is reported
    // as present (the client cannot tell a mask from a value).
    assert_eq!(
        CredentialSummary::from(&*cred).secret_fields,
        ["credentialDetails.secretTokenPair[1].secretValue"]
    );
    let out = reserialized(&*cred);
    assert!(
        out["credentialDetails"]["secretTokenPair"][0]
            .get("secretValue")
            .is_none()
    );

    let cred = parse_ok(
        json!({
            "key": OCI_KEY,
            "displayName": "nightly_reader",
            "credentialDetails": {
                "credentialType": "SERVICE_ACCOUNT",
                "userId": "ocid1.user.oc1..u",
                "fingerprint": "7a:02:c9:5e",
                "tenancy": "ocid1.tenancy.oc1..t",
                "region": "eu-frankfurt-1",
                "isReadOnly": true
            }
        }),
        oci_call,
        check_oci_request,
    )
    .await;
    let Some(OpenUnion::Known(CredentialDetails::ServiceAccountCredentialDetails(d))) =
        &cred.credential_details
    else {
        panic!("{cred:?}")
    };
    assert_eq!(d.private_key, None);
    assert_eq!(d.region, "eu-frankfurt-1");
    let s = CredentialSummary::from(&*cred);
    assert_eq!(s.kind.as_deref(), Some("SERVICE_ACCOUNT"));
    assert!(!s.has_secret_material);
}

#[tokio::test]
async fn oci_200_without_etag_or_opc_request_id_parses() {
    let body = json!({"key": OCI_KEY, "displayName": "no_headers"});
    let reply = Reply::json(200, &body);
    let cred = serve(reply, oci_call, check_oci_request).await.unwrap();
    assert_eq!(cred.display_name, "no_headers");
    assert!(cred.headers().get("etag").is_none());
    assert!(cred.headers().get("opc-request-id").is_none());
}

#[test]
fn oci_realm_second_level_domain_is_a_server_variable() {
    let client = oci_aidp::Client::builder()
        .oci_signer(oci_signer())
        .build()
        .unwrap();
    assert_eq!(
        client.base_url(),
        "https://aidp.us-ashburn-1.oci.oraclecloud.com"
    );
    let client = oci_aidp::Client::builder()
        .oci_signer(oci_signer())
        .region("uk-gov-london-1")
        .second_level_domain("oraclegovcloud.uk")
        .build()
        .unwrap();
    assert_eq!(
        client.base_url(),
        "https://aidp.uk-gov-london-1.oci.oraclegovcloud.uk"
    );
}
