//! A provider-independent view of a credential: [`CredentialSummary`].
//!
//! Every provider's `types::Credential` converts into it
//! (`CredentialSummary::from(&credential)` or [`summarize`]), behind the
//! provider's cargo feature. The summary never holds secret values: it says
//! *which* fields carried secret material ([`CredentialSummary::secret_fields`],
//! as JSON paths of the wire names, e.g. `credentialDetails.privateKey`).
//! Enum values the client does not know (yet) pass through as their wire
//! text.
//!
//! ```
//! # #[cfg(feature = "tines")] {
//! use credential_clients::{summary::CredentialSummary, tines};
//!
//! let credential: tines::types::Credential = serde_json::from_value(serde_json::json!({
//!     "id": 7, "name": "Slack bot", "mode": "TEXT", "slug": "slack_bot", "team_id": 1,
//!     "folder_id": null, "description": "", "read_access": "TEAM",
//!     "restriction_type": "UNRESTRICTED", "shared_team_slugs": [], "allowed_hosts": [],
//!     "metadata": {}, "aws_assumed_role_external_id": null,
//!     "test_credential_enabled": false,
//!     "created_at": "2025-04-09T10:00:00Z", "updated_at": "2025-04-09T10:00:00Z"
//! }))
//! .unwrap();
//! let summary = CredentialSummary::from(&credential);
//! assert_eq!((summary.id.as_str(), summary.kind.as_deref()), ("7", Some("TEXT")));
//! assert!(!summary.has_secret_material);
//! # }
//! ```

/// What every provider's credential has in common, as text.
///
/// Timestamps are RFC 3339 in UTC (`2024-06-30T23:59:59.5Z`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CredentialSummary {
    /// The provider's spec stem: `ankra`, `awx`, `netapp-astra`, `oci-aidp`, `tines`.
    pub provider: String,
    /// The credential's identifier (UUID, number or key, as the API uses it).
    pub id: String,
    /// The display name.
    pub name: String,
    /// What kind of credential it is, in the provider's own terms (Ankra
    /// `provider`, AWX `kind`, Tines `mode`, Astra `keyType`, OCI `type`).
    /// Values newer than the client pass through as sent.
    pub kind: Option<String>,
    /// When it was created.
    pub created: Option<String>,
    /// When it was last changed.
    pub updated: Option<String>,
    /// When it stops being valid, where the vendor has such a field (Astra
    /// `validUntilTimestamp`, Tines `expires_at`).
    pub expires: Option<String>,
    /// Whether the vendor considers it usable, where it says so (Astra
    /// `valid`, Ankra `available`).
    pub valid: Option<bool>,
    /// Its lifecycle state in the vendor's terms, where it has one (OCI
    /// `lifecycleState`, Ankra `state`); values pass through as sent.
    pub state: Option<String>,
    /// Who owns it, as the vendor identifies the owner (AWX organization or
    /// owner name, Tines team, Astra creator, OCI creator, Ankra
    /// organisation).
    pub owner: Option<String>,
    /// JSON paths (wire names) of the fields of this response that carried
    /// secret material, e.g. `secret_access_key` or
    /// `credentialDetails.secretTokenPair[1].secretValue`. Never the values.
    pub secret_fields: Vec<String>,
    /// Whether the response carried any secret material (`!secret_fields.is_empty()`).
    pub has_secret_material: bool,
}

#[allow(dead_code)] // each helper is unused with some provider features off
impl CredentialSummary {
    fn new(provider: &str, id: impl ToString, name: impl Into<String>) -> Self {
        Self {
            provider: provider.to_string(),
            id: id.to_string(),
            name: name.into(),
            ..Self::default()
        }
    }

    fn with_secrets(mut self, secret_fields: Vec<String>) -> Self {
        self.has_secret_material = !secret_fields.is_empty();
        self.secret_fields = secret_fields;
        self
    }
}

/// `CredentialSummary::from(credential)`, for use in generic code.
pub fn summarize<'a, T>(credential: &'a T) -> CredentialSummary
where
    CredentialSummary: From<&'a T>,
{
    CredentialSummary::from(credential)
}

/// Whether a field name looks like it holds secret material (`password`,
/// `clientSecret`, `access_token`, `privateKey`, `api_key`...): the one rule
/// the code generator, [`crate::redact`] and [`crate::runtime::Extra`] use
/// ([`crate::runtime::names::is_secret_name`]).
pub fn looks_like_secret_name(name: &str) -> bool {
    crate::runtime::names::is_secret_name(name)
}

/// RFC 3339 in UTC with only the fractional digits the value has, from the
/// generated types' `Timestamp`; a timestamp that did not parse is shown as
/// the server sent it.
#[allow(unused_macros)] // unused only when every provider feature is off
macro_rules! fmt_time {
    ($t:expr) => {
        crate::summary::format_timestamp(&$t)
    };
}

/// See [`fmt_time!`].
pub fn format_timestamp(t: &crate::runtime::Timestamp) -> String {
    match t.utc() {
        Some(d) => d.format("%Y-%m-%dT%H:%M:%S%.fZ").to_string(),
        None => t.as_str().to_string(),
    }
}

#[cfg(feature = "ankra")]
impl From<&crate::ankra::types::Credential> for CredentialSummary {
    fn from(c: &crate::ankra::types::Credential) -> Self {
        let mut s = Self::new("ankra", c.id, c.name.clone());
        s.kind = c.provider.as_ref().map(ToString::to_string);
        s.created = c.created_at.as_ref().map(|t| fmt_time!(t));
        s.updated = c.updated_at.as_ref().map(|t| fmt_time!(t));
        s.valid = c.available;
        s.owner = c
            .owner
            .clone()
            .or_else(|| c.organisation_id.map(|o| o.to_string()));
        s.with_secrets(crate::redact::secret_fields(c))
    }
}

/// An item of Ankra's `list_credentials` (a summary without secrets; a
/// failing health check counts as not valid).
#[cfg(feature = "ankra")]
impl From<&crate::ankra::types::CredentialListItem> for CredentialSummary {
    fn from(c: &crate::ankra::types::CredentialListItem) -> Self {
        let mut s = Self::new("ankra", c.id, c.name.clone());
        s.kind = c.provider.clone();
        s.created = c.created_at.as_ref().map(|t| fmt_time!(t));
        s.updated = c.updated_at.as_ref().map(|t| fmt_time!(t));
        let healthy = c
            .health
            .as_ref()
            .and_then(|h| h.state.as_deref())
            .map(|state| state.eq_ignore_ascii_case("healthy"));
        s.valid = match (c.available, healthy) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), _) => Some(true),
            (None, h) => h,
        };
        s.state = c.state.clone();
        s.owner = c.organisation_id.map(|o| o.to_string());
        s.with_secrets(crate::redact::secret_fields(c))
    }
}

#[cfg(feature = "awx")]
impl From<&crate::awx::types::Credential> for CredentialSummary {
    /// AWX never returns secret inputs (they come back as `$encrypted$`),
    /// so an AWX summary has no secret fields.
    fn from(c: &crate::awx::types::Credential) -> Self {
        let mut s = Self::new("awx", c.id, c.name.clone());
        s.kind = c
            .kind
            .clone()
            .or_else(|| {
                c.summary_fields
                    .credential_type
                    .as_ref()
                    .and_then(|t| t.name.clone())
            })
            .or_else(|| Some(format!("credential_type {}", c.credential_type)));
        s.created = Some(fmt_time!(c.created));
        s.updated = Some(fmt_time!(c.modified));
        s.owner = c
            .summary_fields
            .owners
            .iter()
            .find_map(|o| o.name.clone())
            .or_else(|| c.organization.map(|o| format!("organization {o}")));
        s.with_secrets(crate::redact::secret_fields(c))
    }
}

#[cfg(feature = "netapp-astra")]
impl From<&crate::netapp_astra::types::Credential> for CredentialSummary {
    /// Astra's `keyStore` is write-only, so an Astra summary has no secret
    /// fields; `expires` is `validUntilTimestamp`.
    fn from(c: &crate::netapp_astra::types::Credential) -> Self {
        let mut s = Self::new("netapp-astra", &c.id, c.name.clone());
        s.kind = c.key_type.as_ref().map(ToString::to_string);
        s.created = c.metadata.creation_timestamp.as_ref().map(|t| fmt_time!(t));
        s.updated = c
            .metadata
            .modification_timestamp
            .as_ref()
            .map(|t| fmt_time!(t));
        s.expires = c.valid_until_timestamp.as_ref().map(|t| fmt_time!(t));
        s.valid = c.valid.as_ref().and_then(|v| match v.to_string().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        });
        s.owner = c.metadata.created_by.clone();
        s.with_secrets(crate::redact::secret_fields(c))
    }
}

#[cfg(feature = "oci-aidp")]
impl From<&crate::oci_aidp::types::Credential> for CredentialSummary {
    fn from(c: &crate::oci_aidp::types::Credential) -> Self {
        use crate::OpenUnion;
        use crate::oci_aidp::types::CredentialDetails;

        let mut s = Self::new("oci-aidp", &c.key, c.display_name.clone());
        s.created = c.time_created.as_ref().map(|t| fmt_time!(t));
        s.updated = c.time_updated.as_ref().map(|t| fmt_time!(t));
        let mut details_kind = None;
        match &c.credential_details {
            Some(OpenUnion::Known(CredentialDetails::SecretTokenCredentialDetails(d))) => {
                details_kind = Some(d.credential_type.to_string());
            }
            Some(OpenUnion::Known(CredentialDetails::ServiceAccountCredentialDetails(d))) => {
                details_kind = Some(d.credential_type.to_string());
            }
            Some(OpenUnion::Known(CredentialDetails::VaultReferenceCredentialDetails(d))) => {
                details_kind = Some(d.credential_type.to_string());
            }
            Some(OpenUnion::Unknown(object)) => {
                // A variant newer than this client: go by the field names.
                details_kind = object.str_field("credentialType").map(str::to_string);
            }
            None => {}
        }
        s.kind = c.type_.as_ref().map(ToString::to_string).or(details_kind);
        s.state = c.lifecycle_state.as_ref().map(ToString::to_string);
        s.owner = c.created_by.clone();
        s.with_secrets(crate::redact::secret_fields(c))
    }
}

/// An item of OCI's `list_credentials` (`CredentialSummary`: no details,
/// `lifeCycleState`, `credentialType`).
#[cfg(feature = "oci-aidp")]
impl From<&crate::oci_aidp::types::CredentialSummary> for CredentialSummary {
    fn from(c: &crate::oci_aidp::types::CredentialSummary) -> Self {
        let mut s = Self::new("oci-aidp", &c.key, c.display_name.clone());
        s.kind = c.credential_type.as_ref().map(ToString::to_string);
        s.created = c.time_created.as_ref().map(|t| fmt_time!(t));
        s.updated = c.time_updated.as_ref().map(|t| fmt_time!(t));
        s.state = c.life_cycle_state.as_ref().map(ToString::to_string);
        s.owner = c.created_by.clone();
        s.with_secrets(crate::redact::secret_fields(c))
    }
}

#[cfg(feature = "tines")]
impl From<&crate::tines::types::Credential> for CredentialSummary {
    /// Tines never returns a credential's secret value, so a Tines summary
    /// has no secret fields; `expires` is `expires_at`.
    fn from(c: &crate::tines::types::Credential) -> Self {
        let mut s = Self::new("tines", c.id, c.name.clone());
        s.kind = Some(c.mode.to_string());
        s.created = Some(fmt_time!(c.created_at));
        s.updated = Some(fmt_time!(c.updated_at));
        s.expires = c.expires_at.as_ref().map(|t| fmt_time!(t));
        s.owner = c
            .owner
            .as_ref()
            .and_then(|o| o.email.clone())
            .or_else(|| Some(format!("team {}", c.team_id)));
        s.with_secrets(crate::redact::secret_fields(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for name in [
            "password",
            "clientSecret",
            "client_secret",
            "access_token",
            "privateKey",
            "private_key",
            "api_key",
            "apiKey",
            "secret_access_key",
            "ssh_key_data",
            "become_password",
            "PASSPHRASE",
        ] {
            assert!(looks_like_secret_name(name), "{name}");
        }
        for name in [
            "secretId",
            "tokenUrl",
            "token_url",
            "access_key_id",
            "username",
            "clientId",
            "key",
            "kmsKeyId",
            "password_type",
            "name",
            "",
        ] {
            assert!(!looks_like_secret_name(name), "{name}");
        }
    }

    #[cfg(feature = "ankra")]
    #[test]
    fn ankra_aws_credential_lists_the_secret_it_carried() {
        let c: crate::ankra::types::Credential = serde_json::from_value(serde_json::json!({
            "id": "5b1f0d2e-7c4a-4e8b-9a31-2f6d8c0e4a17",
            "name": "prod-aws-eu-west",
            "provider": "aws",
            "organisation_id": "0e9a7c31-4d2b-4f6e-8a15-93c2b7d1f048",
            "created_at": "2024-03-11T14:05:02Z",
            "updated_at": "2024-06-02T08:47:19.250Z",
            "token": null,
            "access_key_id": "AKIAEXAMPLEKEY000001",
            "secret_access_key": "example-secret-access-key-not-real",
            "access_token": ""
        }))
        .unwrap();
        assert_eq!(
            summarize(&c),
            CredentialSummary {
                provider: "ankra".into(),
                id: "5b1f0d2e-7c4a-4e8b-9a31-2f6d8c0e4a17".into(),
                name: "prod-aws-eu-west".into(),
                kind: Some("aws".into()),
                created: Some("2024-03-11T14:05:02Z".into()),
                updated: Some("2024-06-02T08:47:19.250Z".into()),
                expires: None,
                valid: None,
                state: None,
                owner: Some("0e9a7c31-4d2b-4f6e-8a15-93c2b7d1f048".into()),
                secret_fields: vec!["secret_access_key".into()],
                has_secret_material: true,
            }
        );
    }

    #[cfg(feature = "ankra")]
    #[test]
    fn ankra_unknown_provider_and_missing_fields() {
        let c: crate::ankra::types::Credential = serde_json::from_value(serde_json::json!({
            "id": "2f7c9a41-0b6e-4d38-a5c2-e19d7b4f6a03",
            "name": "scaleway-dev",
            "provider": "scaleway",
            "updated_at": null
        }))
        .unwrap();
        let s = CredentialSummary::from(&c);
        assert_eq!(s.kind.as_deref(), Some("scaleway"));
        assert_eq!((s.created, s.updated), (None, None));
        assert!(!s.has_secret_material && s.secret_fields.is_empty());
    }

    #[cfg(feature = "awx")]
    fn awx(kind: serde_json::Value) -> crate::awx::types::Credential {
        serde_json::from_value(serde_json::json!({
            "id": 42,
            "type": "credential",
            "url": "/api/v2/credentials/42/",
            "related": {},
            "summary_fields": {
                "credential_type": {"id": 1, "name": "Machine", "description": ""},
                "owners": []
            },
            "created": "2023-02-14T10:21:33.482913Z",
            "modified": "2024-01-05T08:00:00Z",
            "name": "prod-ssh",
            "description": "",
            "organization": null,
            "credential_type": 1,
            "inputs": {"username": "deploy", "password": "$encrypted$", "ssh_key_data": "$encrypted$"},
            "kind": kind,
            "cloud": false,
            "kubernetes": false,
            "managed": false
        }))
        .unwrap()
    }

    #[cfg(feature = "awx")]
    #[test]
    fn awx_machine_credential_never_carries_secrets() {
        let s = CredentialSummary::from(&awx(serde_json::json!("ssh")));
        assert_eq!(s.provider, "awx");
        assert_eq!(s.id, "42");
        assert_eq!(s.name, "prod-ssh");
        assert_eq!(s.kind.as_deref(), Some("ssh"));
        assert_eq!(s.created.as_deref(), Some("2023-02-14T10:21:33.482913Z"));
        assert_eq!(s.updated.as_deref(), Some("2024-01-05T08:00:00Z"));
        assert_eq!(s.expires, None);
        assert!(!s.has_secret_material, "$encrypted$ is not secret material");
    }

    #[cfg(feature = "awx")]
    #[test]
    fn awx_custom_type_falls_back_to_the_type_name() {
        let s = CredentialSummary::from(&awx(serde_json::Value::Null));
        assert_eq!(s.kind.as_deref(), Some("Machine"));
    }

    #[cfg(feature = "netapp-astra")]
    #[test]
    fn astra_valid_until_is_the_expiry() {
        let c: crate::netapp_astra::types::Credential = serde_json::from_value(serde_json::json!({
            "type": "application/astra-credential",
            "version": "1.1",
            "id": "61f0c3b8-a9d2-4e57-8b14-d3e6f2a0c9b5",
            "name": "ldap-bind-svc",
            "keyType": "vaultAppRole",
            "valid": "false",
            "validFromTimestamp": "2024-01-01T00:00:00Z",
            "validUntilTimestamp": "2024-06-30T23:59:59.5Z",
            "metadata": {
                "labels": [],
                "creationTimestamp": "2024-01-01T00:00:00.125Z",
                "modificationTimestamp": "2024-07-01T08:15:42.0417Z",
                "createdBy": "5e8d2b71-0c4f-4a96-b3e8-1f7a6d9c0b23"
            }
        }))
        .unwrap();
        let s = CredentialSummary::from(&c);
        assert_eq!(s.id, "61f0c3b8-a9d2-4e57-8b14-d3e6f2a0c9b5");
        assert_eq!(
            s.kind.as_deref(),
            Some("vaultAppRole"),
            "unknown keyType as sent"
        );
        assert_eq!(s.created.as_deref(), Some("2024-01-01T00:00:00.125Z"));
        assert_eq!(s.updated.as_deref(), Some("2024-07-01T08:15:42.041700Z"));
        assert_eq!(s.expires.as_deref(), Some("2024-06-30T23:59:59.500Z"));
        assert!(!s.has_secret_material);
    }

    #[cfg(feature = "oci-aidp")]
    #[test]
    fn oci_secret_token_pairs_and_private_keys() {
        let c: crate::oci_aidp::types::Credential = serde_json::from_value(serde_json::json!({
            "key": "3d8f6a12-94be-4c07-b5e1-6fa2c90d7b48",
            "displayName": "partner_warehouse_api",
            "type": "SECRET_TOKEN",
            "credentialDetails": {
                "credentialType": "SECRET_TOKEN",
                "secretTokenPair": [
                    {"secretKey": "api_user", "secretValue": "etl_reader_svc"},
                    {"secretKey": "api_token", "secretValue": "pwk-EXAMPLE-71c4d09a5be3f2"}
                ]
            },
            "lifecycleState": "ACTIVE",
            "timeCreated": "2026-05-14T09:21:37.402Z",
            "timeUpdated": "2026-06-03T16:05:12.881Z"
        }))
        .unwrap();
        let s = CredentialSummary::from(&c);
        assert_eq!(s.name, "partner_warehouse_api");
        assert_eq!(s.kind.as_deref(), Some("SECRET_TOKEN"));
        assert_eq!(s.created.as_deref(), Some("2026-05-14T09:21:37.402Z"));
        assert_eq!(
            s.secret_fields,
            [
                "credentialDetails.secretTokenPair[0].secretValue",
                "credentialDetails.secretTokenPair[1].secretValue"
            ]
        );
        assert!(s.has_secret_material);

        let c: crate::oci_aidp::types::Credential = serde_json::from_value(serde_json::json!({
            "key": "6e2b9d40-7a1f-4c35-9b8e-0d4f2a6c8e13",
            "displayName": "scheduler_run_as",
            "credentialDetails": {
                "credentialType": "SERVICE_ACCOUNT",
                "userId": "ocid1.user.oc1..example",
                "fingerprint": "4e:91:0c:7b:a2:5d:e8:13:6f:b4:29:d0:87:3a:c5:1e",
                "tenancy": "ocid1.tenancy.oc1..example",
                "region": "us-ashburn-1",
                "isReadOnly": true,
                "privateKey": "-----BEGIN PRIVATE KEY-----\nEXAMPLE\n-----END PRIVATE KEY-----\n"
            },
            "lifecycleState": "UPDATING",
            "timeUpdated": null
        }))
        .unwrap();
        let s = CredentialSummary::from(&c);
        assert_eq!(
            s.kind.as_deref(),
            Some("SERVICE_ACCOUNT"),
            "from the details"
        );
        assert_eq!(s.secret_fields, ["credentialDetails.privateKey"]);
        assert_eq!(s.updated, None);
    }

    #[cfg(feature = "oci-aidp")]
    #[test]
    fn oci_vault_reference_and_unknown_variants() {
        let c: crate::oci_aidp::types::Credential = serde_json::from_value(serde_json::json!({
            "key": "a41c07e5-2d6b-4f98-8e3a-b5c1d9f06a27",
            "displayName": "orders_db_password",
            "type": "VAULT_REFERENCE",
            "credentialDetails": {
                "credentialType": "VAULT_REFERENCE",
                "secretId": "ocid1.vaultsecret.oc1.iad.example"
            }
        }))
        .unwrap();
        let s = CredentialSummary::from(&c);
        assert!(!s.has_secret_material, "a vault OCID is not the secret");

        let c: crate::oci_aidp::types::Credential = serde_json::from_value(serde_json::json!({
            "key": "c07d5e31-8f2a-4b6c-a9d4-1e3f5b7c9d20",
            "displayName": "crm_oauth_client",
            "type": "OAUTH_CLIENT_CREDENTIALS",
            "credentialDetails": {
                "credentialType": "OAUTH_CLIENT_CREDENTIALS",
                "clientId": "crm-sync-example",
                "clientSecret": "example-not-real",
                "tokenUrl": "https://login.example.com/oauth2/token"
            },
            "lifecycleState": "FAILED"
        }))
        .unwrap();
        let s = CredentialSummary::from(&c);
        assert_eq!(s.kind.as_deref(), Some("OAUTH_CLIENT_CREDENTIALS"));
        assert_eq!(s.secret_fields, ["credentialDetails.clientSecret"]);
        assert!(s.has_secret_material);
    }

    #[cfg(feature = "tines")]
    #[test]
    fn tines_mode_is_the_kind() {
        let c: crate::tines::types::Credential = serde_json::from_value(serde_json::json!({
            "id": 1,
            "name": "AWS prod",
            "mode": "AWS",
            "slug": "aws_prod",
            "team_id": 3,
            "folder_id": null,
            "description": "",
            "read_access": "TEAM",
            "restriction_type": "UNRESTRICTED",
            "shared_team_slugs": [],
            "allowed_hosts": ["sts.amazonaws.com"],
            "metadata": {"region": "eu-west-1"},
            "aws_assumed_role_external_id": null,
            "aws_authentication_type": null,
            "test_credential_enabled": false,
            "created_at": "2025-04-09T10:00:00.000Z",
            "updated_at": "2025-04-10T11:30:00Z"
        }))
        .unwrap();
        let s = CredentialSummary::from(&c);
        assert_eq!(s.provider, "tines");
        assert_eq!(s.id, "1");
        assert_eq!(s.kind.as_deref(), Some("AWS"));
        assert_eq!(s.created.as_deref(), Some("2025-04-09T10:00:00Z"));
        assert_eq!(s.updated.as_deref(), Some("2025-04-10T11:30:00Z"));
        assert!(!s.has_secret_material);

        let mut unknown = c.clone();
        unknown.mode = "WEBHOOK_SIGNING".parse().unwrap();
        assert_eq!(
            CredentialSummary::from(&unknown).kind.as_deref(),
            Some("WEBHOOK_SIGNING")
        );
    }

    #[cfg(feature = "ankra")]
    #[test]
    fn ankra_list_items_carry_validity_state_and_owner() {
        let item: crate::ankra::types::CredentialListItem =
            serde_json::from_value(serde_json::json!({
                "id": "9e4c2a71-5f3d-4b8e-a0c6-1d7f3b9e5a24",
                "name": "acme-platform-github",
                "provider": "github",
                "organisation_id": "0e9a7c31-4d2b-4f6e-8a15-93c2b7d1f048",
                "available": true,
                "state": "suspended",
                "health": {"state": "failing", "consecutive_failures": 6},
                "updated_at": "2026-11-27T03:15:09Z"
            }))
            .unwrap();
        let s = CredentialSummary::from(&item);
        assert_eq!(s.valid, Some(false), "a failing health check is not valid");
        assert_eq!(s.state.as_deref(), Some("suspended"));
        assert_eq!(
            s.owner.as_deref(),
            Some("0e9a7c31-4d2b-4f6e-8a15-93c2b7d1f048")
        );
        assert_eq!(s.kind.as_deref(), Some("github"));
        assert_eq!(s.updated.as_deref(), Some("2026-11-27T03:15:09Z"));

        let mut healthy = item.clone();
        healthy.health = None;
        assert_eq!(CredentialSummary::from(&healthy).valid, Some(true));
        healthy.available = None;
        assert_eq!(CredentialSummary::from(&healthy).valid, None);
    }

    #[cfg(feature = "oci-aidp")]
    #[test]
    fn oci_list_items_carry_the_lifecycle_state() {
        let item: crate::oci_aidp::types::CredentialSummary =
            serde_json::from_value(serde_json::json!({
                "key": "6e2b9d40-7a1f-4c35-9b8e-0d4f2a6c8e13",
                "displayName": "scheduler_run_as",
                "credentialType": "SERVICE_ACCOUNT",
                "lifeCycleState": "UPDATING",
                "createdBy": "ocid1.user.oc1..aaaa",
                "timeUpdated": "2026-11-29T22:10:51.540Z"
            }))
            .unwrap();
        let s = CredentialSummary::from(&item);
        assert_eq!(
            (s.id.as_str(), s.name.as_str()),
            ("6e2b9d40-7a1f-4c35-9b8e-0d4f2a6c8e13", "scheduler_run_as")
        );
        assert_eq!(s.kind.as_deref(), Some("SERVICE_ACCOUNT"));
        assert_eq!(s.state.as_deref(), Some("UPDATING"));
        assert_eq!(s.owner.as_deref(), Some("ocid1.user.oc1..aaaa"));
        let unknown: crate::oci_aidp::types::CredentialSummary =
            serde_json::from_value(serde_json::json!({
                "key": "k", "displayName": "d", "lifeCycleState": "HIBERNATING"
            }))
            .unwrap();
        assert_eq!(
            CredentialSummary::from(&unknown).state.as_deref(),
            Some("HIBERNATING")
        );
    }

    #[cfg(feature = "netapp-astra")]
    #[test]
    fn astra_validity_is_read_from_its_string() {
        let mut c: serde_json::Value = serde_json::json!({
            "type": "application/astra-credential", "version": "1.1",
            "id": "i", "name": "n", "valid": "false",
            "metadata": {"labels": [], "createdBy": "5e8d2b71"}
        });
        let parse = |v: &serde_json::Value| {
            CredentialSummary::from(
                &serde_json::from_value::<crate::netapp_astra::types::Credential>(v.clone())
                    .unwrap(),
            )
        };
        assert_eq!(parse(&c).valid, Some(false));
        assert_eq!(parse(&c).owner.as_deref(), Some("5e8d2b71"));
        c["valid"] = "true".into();
        assert_eq!(parse(&c).valid, Some(true));
        c.as_object_mut().unwrap().remove("valid");
        assert_eq!(parse(&c).valid, None);
    }
}
