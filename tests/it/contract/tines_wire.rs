//! Tines fixtures: real wire shapes through the real client.

use super::*;

pub(super) fn tines_real_get() -> Value {
    // What real servers send on GET: no owner, test_credential or
    // use_static_external_id; nulls for folder_id and the AWS fields.
    json!({
        "id": 4821,
        "name": "Outbound webhook",
        "team_id": 2,
        "folder_id": null,
        "mode": "TEXT",
        "read_access": "TEAM",
        "shared_team_slugs": [],
        "slug": "outbound_webhook",
        "created_at": "2025-04-09T12:00:00Z",
        "updated_at": "2025-04-09T12:30:00.5Z",
        "description": "",
        "aws_assumed_role_external_id": null,
        "aws_authentication_type": null,
        "allowed_hosts": [],
        "metadata": {},
        "restriction_type": "RESTRICTED",
        "test_credential_enabled": false
    })
}

#[tokio::test]
pub(super) async fn tines_real_get_shape_with_omitted_and_null_fields() {
    let cred = parse_ok(tines_real_get(), tines_call, check_tines_request).await;
    assert_eq!(cred.owner, None);
    assert_eq!(cred.test_credential, None);
    assert_eq!(cred.use_static_external_id, None);
    assert_eq!(cred.folder_id, None);
    assert_eq!(cred.aws_authentication_type, None);
    assert!(cred.mode.known().is_some());
    assert_eq!(cred.mode.as_wire(), "TEXT");

    let mut body = tines_real_get();
    body["test_credential"] = Value::Null;
    body["owner"] = json!({"user_id": 58});
    body["metadata"] = json!({"region": "eu-west-1", "ttl": 3600, "flags": [true, null]});
    let cred = parse_ok(body, tines_call, check_tines_request).await;
    assert_eq!(cred.test_credential, None);
    assert_eq!(cred.owner.as_ref().unwrap().user_id, Some(58));
    assert_eq!(cred.owner.as_ref().unwrap().email, None);
    assert_eq!(cred.metadata["ttl"], 3600);
}

#[tokio::test]
pub(super) async fn tines_new_enum_values_and_reference_fields() {
    let mut body = tines_real_get();
    body["mode"] = json!("DYNAMIC_SECRET");
    body["read_access"] = json!("ORGANIZATION");
    body["restriction_type"] = json!("RESTRICTED_TO_ACTIONS");
    body["aws_authentication_type"] = json!("WEB_IDENTITY");
    // include_references=true adds fields the vendor does not document.
    body["stories"] = json!([{"id": 11, "name": "Alerts"}]);
    body["actions"] = json!([101, 102]);
    let cred = parse_ok(body, tines_call, check_tines_request).await;
    assert_eq!(cred.mode, OpenEnum::Unknown("DYNAMIC_SECRET".into()));
    assert_eq!(cred.read_access, OpenEnum::Unknown("ORGANIZATION".into()));
    assert_eq!(
        cred.restriction_type,
        Some(OpenEnum::Unknown("RESTRICTED_TO_ACTIONS".into()))
    );
    assert_eq!(
        cred.aws_authentication_type,
        Some(OpenEnum::Unknown("WEB_IDENTITY".into()))
    );
    let out = reserialized(&*cred);
    for (k, v) in [
        ("mode", "DYNAMIC_SECRET"),
        ("read_access", "ORGANIZATION"),
        ("restriction_type", "RESTRICTED_TO_ACTIONS"),
        ("aws_authentication_type", "WEB_IDENTITY"),
    ] {
        assert_eq!(out[k], v, "{k}");
    }
}

#[tokio::test]
pub(super) async fn tines_error_body_shapes() {
    let rv = parse_error(
        404,
        json!({"errors": [{"message": "Not found"}], "request_id": "x"}),
        tines_call,
        check_tines_request,
    )
    .await;
    // Unknown members (`request_id`) are kept: no data lost.
    assert_eq!(
        reserialized(&*rv),
        json!({"errors": [{"message": "Not found"}], "request_id": "x"})
    );

    let rv = parse_error(
        429,
        json!(["Too many requests", {"message": "slow down", "details": "5000/min"}]),
        tines_call,
        check_tines_request,
    )
    .await;
    assert_eq!(
        reserialized(&*rv),
        json!(["Too many requests", {"message": "slow down", "details": "5000/min"}])
    );

    // A plain-text error is not typed; status and body reach the caller.
    let result = serve(
        Reply::bytes(401, "text/plain; charset=utf-8", b"Unauthorized".to_vec()),
        tines_call,
        check_tines_request,
    )
    .await;
    let Err(err) = result else {
        panic!("{result:?}")
    };
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    match err {
        Error::UnexpectedResponse(r) => {
            assert_eq!(r.bytes().await.unwrap().as_ref(), b"Unauthorized")
        }
        other => panic!("{other:?}"),
    }
}
