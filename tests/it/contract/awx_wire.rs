//! AWX fixtures: real wire shapes through the real client.

use super::*;

pub(super) fn awx_body() -> Value {
    json!({
        "id": 42,
        "type": "credential",
        "url": "/api/v2/credentials/42/",
        "related": {
            "named_url": "/api/v2/credentials/deploy++Machine+ssh++Ops/",
            "organization": "/api/v2/organizations/3/",
            "credential_type": "/api/v2/credential_types/1/",
            "test": "/api/v2/credentials/42/test/",
            "webhook_receiver": "/api/v2/credentials/42/webhook/"
        },
        "summary_fields": {
            "organization": {"id": 3, "name": "Ops", "description": ""},
            "credential_type": {"id": 1, "name": "Machine", "description": ""},
            "user_capabilities": {"edit": true, "delete": false, "copy": true, "use": true},
            "owners": [{"id": 3, "type": "organization", "name": "Ops", "description": "", "url": "/api/v2/organizations/3/"}],
            "resource": {"ansible_id": "0b6f", "resource_type": "shared.credential"}
        },
        "created": "2025-03-01T08:00:00.123456Z",
        "modified": "2025-03-02T08:00:00.654321Z",
        "name": "deploy",
        "description": "",
        "organization": 3,
        "credential_type": 1,
        "managed": true,
        "inputs": {
            "username": "deploy",
            "password": "$encrypted$",
            "ssh_key_data": "$encrypted$",
            "become_method": "sudo",
            "verify_ssl": false,
            "port": 2222,
            "extra": {"nested": ["a", 1, null]}
        },
        "kind": "ssh",
        "cloud": false,
        "kubernetes": false,
        "last_used": "2025-03-05T10:00:00Z"
    })
}

#[tokio::test]
pub(super) async fn awx_current_server_managed_and_unknown_keys() {
    let cred = parse_ok(awx_body(), awx_call, check_awx_request).await;
    assert_eq!(cred.managed, Some(true));
    assert_eq!(cred.managed_by_tower, None);
    assert_eq!(cred.organization, Some(3));
    assert_eq!(cred.inputs["verify_ssl"], json!(false));
    assert_eq!(cred.inputs["port"], json!(2222));
    assert_eq!(cred.inputs["password"], "$encrypted$");
    // Unknown `related` keys are kept (the map is open).
    assert_eq!(
        cred.related.extra.get("test").map(String::as_str),
        Some("/api/v2/credentials/42/test/")
    );
    assert_eq!(
        reserialized(&*cred)["related"]["webhook_receiver"],
        "/api/v2/credentials/42/webhook/"
    );
}

#[tokio::test]
pub(super) async fn awx_legacy_server_managed_by_tower_and_personal_credential() {
    let mut body = awx_body();
    let obj = body.as_object_mut().unwrap();
    obj.remove("managed");
    obj.insert("managed_by_tower".into(), json!(false));
    obj.insert("organization".into(), Value::Null);
    obj.insert("kind".into(), json!("tower"));
    obj["related"]
        .as_object_mut()
        .unwrap()
        .remove("organization");
    obj["related"]["user"] = json!("/api/v2/users/7/");
    let sf = obj["summary_fields"].as_object_mut().unwrap();
    sf.remove("organization");
    sf.insert(
        "owners".into(),
        json!([{"id": 7, "type": "user", "name": "ops", "description": " ", "url": "/api/v2/users/7/"}]),
    );
    let cred = parse_ok(body, awx_call, check_awx_request).await;
    assert_eq!(cred.managed, None);
    assert_eq!(cred.managed_by_tower, Some(false));
    assert_eq!(cred.organization, None);
    assert!(cred.summary_fields.organization.is_none());
    assert_eq!(cred.related.organization, None);
    assert_eq!(cred.related.user.as_deref(), Some("/api/v2/users/7/"));
    let out = reserialized(&*cred);
    assert_eq!(out["managed_by_tower"], false);
    assert!(out.get("managed").is_none());
    assert_eq!(out["organization"], Value::Null);
}

#[tokio::test]
pub(super) async fn awx_custom_type_null_kind_and_new_owner_type() {
    let mut body = awx_body();
    body["kind"] = Value::Null;
    body["type"] = json!("credential_v3");
    body["summary_fields"]["owners"] =
        json!([{"id": 77, "type": "service_account", "name": "vault-sync"}]);
    body["inputs"] = json!({});
    let cred = parse_ok(body, awx_call, check_awx_request).await;
    assert_eq!(cred.kind, None);
    assert!(cred.inputs.is_empty());
    assert_eq!(cred.type_, OpenEnum::Unknown("credential_v3".into()));
    assert_eq!(
        cred.summary_fields.owners[0].type_,
        Some(OpenEnum::Unknown("service_account".into()))
    );
    let out = reserialized(&*cred);
    assert_eq!(out["type"], "credential_v3");
    assert_eq!(
        out["summary_fields"]["owners"][0]["type"],
        "service_account"
    );
    assert_eq!(out["kind"], Value::Null, "kind stays present as null");
}
