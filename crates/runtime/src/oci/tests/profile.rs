//! Config file profiles: inheritance, paths, errors, API-key and
//! session-token profiles.

use std::path::{Path, PathBuf};

use super::vectors::*;
use crate::oci::{ConfigError, OciConfig};

const CONFIG: &str = "\u{feff}# OCI config
[DEFAULT]
user=ocid1.user.oc1..default
fingerprint = 20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34
tenancy=ocid1.tenancy.oc1..default
region=us-phoenix-1
key_file=~/.oci/oci_api_key.pem

[OTHER]
; only overrides the user and the key
user=ocid1.user.oc1..other
key_file=keys/other.pem
pass_phrase=hunter2

[ABSOLUTE]
key_file=/etc/oci/key.pem
Region: eu-frankfurt-1

[NO_FINGERPRINT]
fingerprint=
";

#[test]
fn config_default_profile_and_home_expansion() {
    let config = OciConfig::parse_with_home(
        CONFIG,
        "DEFAULT",
        Path::new("/cfg"),
        Some(Path::new("/home/me")),
    )
    .unwrap();
    assert_eq!(
        config,
        OciConfig {
            profile: "DEFAULT".to_owned(),
            user: "ocid1.user.oc1..default".to_owned(),
            fingerprint: VECTOR_FINGERPRINT.to_owned(),
            tenancy: "ocid1.tenancy.oc1..default".to_owned(),
            region: Some("us-phoenix-1".to_owned()),
            key_file: PathBuf::from("/home/me/.oci/oci_api_key.pem"),
            pass_phrase_set: false,
            security_token_file: None,
        }
    );
}

#[test]
fn config_inherits_default_and_resolves_relative_paths() {
    let home = Some(Path::new("/home/me"));
    let other = OciConfig::parse_with_home(CONFIG, "OTHER", Path::new("/cfg"), home).unwrap();
    assert_eq!(other.user, "ocid1.user.oc1..other");
    assert_eq!(other.tenancy, "ocid1.tenancy.oc1..default");
    assert_eq!(other.fingerprint, VECTOR_FINGERPRINT);
    assert_eq!(other.region.as_deref(), Some("us-phoenix-1"));
    assert_eq!(other.key_file, PathBuf::from("/cfg/keys/other.pem"));
    assert!(other.pass_phrase_set);
    assert!(!format!("{other:?}").contains("hunter2"));

    let absolute = OciConfig::parse_with_home(CONFIG, "ABSOLUTE", Path::new("/cfg"), home).unwrap();
    assert_eq!(absolute.key_file, PathBuf::from("/etc/oci/key.pem"));
    assert_eq!(absolute.region.as_deref(), Some("eu-frankfurt-1"));
}

#[test]
fn config_errors() {
    let base = Path::new("/cfg");
    let error = OciConfig::parse(CONFIG, "MISSING", base).unwrap_err();
    assert!(
        matches!(&error, ConfigError::MissingProfile { path: None, profile } if profile == "MISSING"),
        "{error:?}"
    );
    // Profile names are case-sensitive.
    assert!(matches!(
        OciConfig::parse(CONFIG, "other", base),
        Err(ConfigError::MissingProfile { .. })
    ));

    let error = OciConfig::parse(CONFIG, "NO_FINGERPRINT", base).unwrap_err();
    assert!(
        matches!(&error, ConfigError::MissingKey { profile, key: "fingerprint" } if profile == "NO_FINGERPRINT"),
        "{error:?}"
    );
    let error =
        OciConfig::parse("[P]\nuser=u\nfingerprint=f\nkey_file=k\n", "P", base).unwrap_err();
    assert!(
        matches!(error, ConfigError::MissingKey { key: "tenancy", .. }),
        "{error:?}"
    );

    for (text, line) in [
        ("user=u\n", 1),
        ("[P]\n\nno delimiter secret\n", 3),
        ("[P\n", 1),
        ("[]\n", 1),
    ] {
        let error = OciConfig::parse(text, "P", base).unwrap_err();
        assert!(
            matches!(error, ConfigError::Syntax { path: None, line: l } if l == line),
            "{error:?}"
        );
        assert!(!error.to_string().contains("secret"));
    }
}

#[test]
fn config_from_file_and_signer() {
    let dir = std::env::temp_dir().join(format!("oci-config-test-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("keys")).unwrap();
    std::fs::write(dir.join("keys/key.pem"), TEST_KEY_PKCS8).unwrap();
    let config_path = dir.join("config");
    std::fs::write(
        &config_path,
        format!(
            "[DEFAULT]\nuser={VECTOR_USER}\nfingerprint={VECTOR_FINGERPRINT}\ntenancy={VECTOR_TENANCY}\nkey_file=keys/key.pem\n[BROKEN]\nkey_file=keys/nope.pem\n"
        ),
    )
    .unwrap();

    let config = OciConfig::from_file(&config_path, "DEFAULT").unwrap();
    assert_eq!(config.key_file, dir.join("keys/key.pem"));
    let signer = config.signer().unwrap();
    assert_eq!(
        signer.key_id(),
        format!("{VECTOR_TENANCY}/{VECTOR_USER}/{VECTOR_FINGERPRINT}")
    );
    let mut request = get_request();
    signer.sign_with_date(&mut request, vector_date()).unwrap();
    assert_eq!(
        signature_of(header(&request, "authorization")),
        TEST_KEY_GET_SIGNATURE
    );

    let error = OciConfig::from_file(&config_path, "BROKEN")
        .unwrap()
        .signer()
        .unwrap_err();
    assert!(
        matches!(&error, ConfigError::Io { path, .. } if path.ends_with("keys/nope.pem")),
        "{error:?}"
    );
    let error = OciConfig::from_file(&config_path, "NOPE").unwrap_err();
    assert!(
        matches!(&error, ConfigError::MissingProfile { path: Some(path), .. } if *path == config_path),
        "{error:?}"
    );
    assert!(matches!(
        OciConfig::from_file(dir.join("missing"), "DEFAULT"),
        Err(ConfigError::Io { .. })
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}
