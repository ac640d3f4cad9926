//! OCI AI Data Platform fixtures: real wire shapes through the real client.

use super::*;

#[tokio::test]
pub(super) async fn oci_unknown_credential_type_is_an_open_union_member() {
    let client_secret = "oci-oauth-client-secret-31d7";
    let details = json!({
        "credentialType": "OAUTH_CLIENT_CREDENTIALS",
        "clientId": "crm-sync",
        "clientSecret": client_secret,
        "scopes": ["read", "write"]
    });
    let body = json!({
        "key": OCI_KEY,
        "displayName": "crm_oauth",
        "type": "OAUTH_CLIENT_CREDENTIALS",
        "credentialDetails": details,
        "lifecycleState": "NEEDS_ATTENTION",
        "timeCreated": "2026-06-10T13:30:00Z",
        "compartmentId": "ocid1.compartment.oc1..x"
    });
    let reply = Reply::json(200, &body)
        .with_header("etag", "\"e1\"")
        .with_header("opc-request-id", "SRV-1");
    let cred = serve(reply, oci_call, check_oci_request).await.unwrap();
    assert_eq!(cred.headers()["etag"], "\"e1\"");
    assert_eq!(cred.headers()["opc-request-id"], "SRV-1");
    let Some(OpenUnion::Unknown(obj)) = &cred.credential_details else {
        panic!("{cred:?}")
    };
    assert_eq!(
        obj.str_field("credentialType"),
        Some("OAUTH_CLIENT_CREDENTIALS")
    );
    assert_eq!(
        cred.type_,
        Some(OpenEnum::Unknown("OAUTH_CLIENT_CREDENTIALS".into()))
    );
    assert_eq!(
        cred.lifecycle_state,
        Some(OpenEnum::Unknown("NEEDS_ATTENTION".into()))
    );
    // The unknown variant's values never print; it re-serializes verbatim.
    assert!(!format!("{cred:?}").contains(client_secret));
    let out = reserialized(&*cred);
    assert_eq!(out["credentialDetails"], details);
    assert_eq!(out["lifecycleState"], "NEEDS_ATTENTION");
}

#[tokio::test]
pub(super) async fn oci_known_variants_keep_secrets_redacted() {
    let token = "oci-secret-token-value-88a1";
    let cred = parse_ok(
        json!({
            "key": OCI_KEY,
            "displayName": "warehouse",
            "type": "SECRET_TOKEN",
            "credentialDetails": {
                "credentialType": "SECRET_TOKEN",
                "secretTokenPair": [{"secretKey": "api_token", "secretValue": token, "hint": "x"}]
            }
        }),
        oci_call,
        check_oci_request,
    )
    .await;
    let Some(OpenUnion::Known(d)) = &cred.credential_details else {
        panic!("{cred:?}")
    };
    // The secret round-trips (Secret serializes its value) but never prints.
    assert_eq!(reserialized(d)["secretTokenPair"][0]["secretValue"], token);
    assert!(!format!("{cred:?}").contains(token));

    let pem = "-----BEGIN PRIVATE KEY-----\nMIIcontract\n-----END PRIVATE KEY-----\n";
    let cred = parse_ok(
        json!({
            "key": OCI_KEY,
            "displayName": "run_as",
            "credentialDetails": {
                "credentialType": "SERVICE_ACCOUNT",
                "userId": "ocid1.user.oc1..u",
                "fingerprint": "4e:91",
                "tenancy": "ocid1.tenancy.oc1..t",
                "region": "us-ashburn-1",
                "isReadOnly": false,
                "privateKey": pem
            }
        }),
        oci_call,
        check_oci_request,
    )
    .await;
    let Some(OpenUnion::Known(d)) = &cred.credential_details else {
        panic!("{cred:?}")
    };
    assert_eq!(reserialized(d)["privateKey"], pem);
    assert_eq!(reserialized(d)["isReadOnly"], false);
    assert!(!format!("{cred:?}").contains("MIIcontract"));
}

#[tokio::test]
pub(super) async fn oci_nulls_omissions_and_incomplete_variants() {
    // Only the two always-present fields.
    let cred = parse_ok(
        json!({"key": OCI_KEY, "displayName": "bare"}),
        oci_call,
        check_oci_request,
    )
    .await;
    assert_eq!(cred.credential_details, None);
    assert_eq!(cred.lifecycle_state, None);

    // Nulls in every nullable and optional field; a display name outside the
    // documented pattern (response constraints are not enforced).
    let cred = parse_ok(
        json!({
            "key": OCI_KEY,
            "displayName": "9 starts with a digit",
            "type": null,
            "credentialDetails": null,
            "credentialDescription": null,
            "lifecycleState": null,
            "lifecycleStateDetails": null,
            "timeCreated": null,
            "timeUpdated": null,
            "createdBy": null,
            "updatedBy": null
        }),
        oci_call,
        check_oci_request,
    )
    .await;
    assert_eq!(cred.display_name, "9 starts with a digit");
    assert_eq!(cred.time_updated, None);

    // A known discriminator with a member missing is kept, not refused.
    let cred = parse_ok(
        json!({
            "key": OCI_KEY,
            "displayName": "vault_ref",
            "credentialDetails": {"credentialType": "VAULT_REFERENCE"}
        }),
        oci_call,
        check_oci_request,
    )
    .await;
    let Some(OpenUnion::Unknown(obj)) = &cred.credential_details else {
        panic!("{cred:?}")
    };
    assert_eq!(obj.str_field("credentialType"), Some("VAULT_REFERENCE"));
}
