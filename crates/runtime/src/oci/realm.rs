//! Regions and realms: the second-level domain of a region's endpoints
//! (`oraclecloud.com` in realm `oc1`, `oraclegovcloud.com` in `oc2`/`oc3`,
//! `oraclegovcloud.uk` in `oc4`, ...), as Oracle's SDKs find it.
//!
//! [`second_level_domain`] knows Oracle's built-in table (`table.rs`, from
//! oci-python-sdk `oci/regions_definitions.py`, equal to oci-go-sdk
//! `common/regions.go`); region keys (`phx`, `IAD`) work too. [`Regions`]
//! adds the regions Oracle's SDKs read from outside that table, for regions
//! the table does not know, in their order: the file
//! `~/.oci/regions-config.json` (a JSON array of region metadata), then
//! the environment variable `OCI_REGION_METADATA` (one JSON object), each
//! `{"realmKey": "oc1", "realmDomainComponent": "oraclecloud.com",
//! "regionKey": "SYD", "regionIdentifier": "ap-sydney-1"}`. For a region
//! still unknown they fall back to `OCI_DEFAULT_REALM` (a domain), then to
//! `oraclecloud.com` ([`Regions::second_level_domain_or_default`]).
//! Oracle's SDKs can also ask the instance metadata service
//! (`/opc/v2/instance/regionInfo`), off by default; that is not done here.

use std::path::Path;

use serde::Deserialize;

mod table;

/// The second-level domain used when nothing else is known (realm `oc1`).
pub const DEFAULT_SECOND_LEVEL_DOMAIN: &str = "oraclecloud.com";

/// The environment variable holding one region's metadata (JSON).
pub const REGION_METADATA_ENV: &str = "OCI_REGION_METADATA";

/// The environment variable naming the second-level domain for regions no
/// table knows.
pub const DEFAULT_REALM_ENV: &str = "OCI_DEFAULT_REALM";

/// The second-level domain of `region` (an identifier such as
/// `us-phoenix-1` or a key such as `phx`, any case) from Oracle's built-in
/// table: `Some("oraclecloud.com")` for `us-ashburn-1`,
/// `Some("oraclegovcloud.com")` for `us-langley-1`, `None` for a region the
/// table does not know.
pub fn second_level_domain(region: &str) -> Option<&'static str> {
    let realm = realm(region)?;
    table::REALMS
        .iter()
        .find(|(key, _)| *key == realm)
        .map(|(_, domain)| *domain)
}

/// The realm key (`oc1`, `oc2`, ...) of `region` (identifier or key) from
/// Oracle's built-in table.
pub fn realm(region: &str) -> Option<&'static str> {
    builtin(region).map(|(_, _, realm)| *realm)
}

/// The region identifier for a region identifier or key (`phx` ->
/// `us-phoenix-1`) from Oracle's built-in table.
pub fn region_identifier(region: &str) -> Option<&'static str> {
    builtin(region).map(|(identifier, _, _)| *identifier)
}

fn builtin(region: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    let region = region.trim().to_ascii_lowercase();
    table::REGIONS
        .iter()
        .find(|(identifier, key, _)| *identifier == region || *key == region)
}

/// One region's metadata, as `~/.oci/regions-config.json` and
/// `OCI_REGION_METADATA` hold it (values are compared lower-case).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegionMetadata {
    /// `realmKey`, e.g. `oc1`.
    pub realm_key: String,
    /// `realmDomainComponent`, e.g. `oraclecloud.com`.
    pub realm_domain_component: String,
    /// `regionKey`, e.g. `SYD`.
    pub region_key: String,
    /// `regionIdentifier`, e.g. `ap-sydney-1`.
    pub region_identifier: String,
}

impl RegionMetadata {
    fn normalized(self) -> Option<RegionMetadata> {
        let fields = [
            &self.realm_key,
            &self.realm_domain_component,
            &self.region_key,
            &self.region_identifier,
        ];
        // Oracle's SDKs skip entries with an empty field.
        if fields.iter().any(|field| field.trim().is_empty()) {
            return None;
        }
        Some(RegionMetadata {
            realm_key: self.realm_key.trim().to_ascii_lowercase(),
            realm_domain_component: self.realm_domain_component.trim().to_ascii_lowercase(),
            region_key: self.region_key.trim().to_ascii_lowercase(),
            region_identifier: self.region_identifier.trim().to_ascii_lowercase(),
        })
    }

    fn names(&self, region: &str) -> bool {
        self.region_identifier == region || self.region_key == region
    }
}

/// Oracle's region table plus regions from outside it.
#[derive(Debug, Clone, Default)]
pub struct Regions {
    extra: Vec<RegionMetadata>,
    default_domain: Option<String>,
}

impl Regions {
    /// Only Oracle's built-in table.
    pub fn builtin() -> Regions {
        Regions::default()
    }

    /// The built-in table, `~/.oci/regions-config.json`,
    /// `OCI_REGION_METADATA` and `OCI_DEFAULT_REALM`, as Oracle's SDKs read
    /// them. A file or variable that does not parse is ignored, as Oracle's
    /// SDKs ignore it.
    pub fn from_env() -> Regions {
        let home = std::env::var_os("HOME")
            .filter(|home| !home.is_empty())
            .map(std::path::PathBuf::from);
        let file = home.map(|home| home.join(".oci").join("regions-config.json"));
        Regions::from_sources(
            file.as_deref(),
            std::env::var(REGION_METADATA_ENV).ok().as_deref(),
            std::env::var(DEFAULT_REALM_ENV).ok().as_deref(),
        )
    }

    /// [`Regions::from_env`] from explicit sources: a regions config file
    /// (a JSON array), an `OCI_REGION_METADATA` value (a JSON object) and an
    /// `OCI_DEFAULT_REALM` value.
    pub fn from_sources(
        config_file: Option<&Path>,
        region_metadata: Option<&str>,
        default_realm: Option<&str>,
    ) -> Regions {
        let mut regions = Regions::builtin();
        if let Some(text) = config_file.and_then(|path| std::fs::read_to_string(path).ok())
            && let Ok(entries) = serde_json::from_str::<Vec<RegionMetadata>>(&text)
        {
            entries
                .into_iter()
                .for_each(|entry| regions.add_metadata(entry));
        }
        if let Some(entry) =
            region_metadata.and_then(|text| serde_json::from_str::<RegionMetadata>(text).ok())
        {
            regions.add_metadata(entry);
        }
        regions.default_domain = default_realm
            .map(str::trim)
            .filter(|domain| !domain.is_empty())
            .map(str::to_owned);
        regions
    }

    /// Adds one region (ignored if a field is empty).
    pub fn add_metadata(&mut self, metadata: RegionMetadata) {
        if let Some(metadata) = metadata.normalized() {
            self.extra.push(metadata);
        }
    }

    /// The region identifier for a region identifier or key.
    pub fn region_identifier(&self, region: &str) -> Option<String> {
        if let Some(identifier) = region_identifier(region) {
            return Some(identifier.to_owned());
        }
        let region = region.trim().to_ascii_lowercase();
        self.extra
            .iter()
            .find(|entry| entry.names(&region))
            .map(|entry| entry.region_identifier.clone())
    }

    /// The second-level domain of `region`: the built-in table, then the
    /// extra regions; `None` if neither knows it.
    pub fn second_level_domain(&self, region: &str) -> Option<String> {
        if let Some(domain) = second_level_domain(region) {
            return Some(domain.to_owned());
        }
        let region = region.trim().to_ascii_lowercase();
        self.extra
            .iter()
            .find(|entry| entry.names(&region))
            .map(|entry| entry.realm_domain_component.clone())
    }

    /// [`Regions::second_level_domain`], else `OCI_DEFAULT_REALM`, else
    /// `oraclecloud.com`, as Oracle's SDKs fall back.
    pub fn second_level_domain_or_default(&self, region: &str) -> String {
        self.second_level_domain(region)
            .or_else(|| self.default_domain.clone())
            .unwrap_or_else(|| DEFAULT_SECOND_LEVEL_DOMAIN.to_owned())
    }

    /// `https://<service>.<region>.<second-level domain>`, or
    /// `https://<service>.<region>` when `region` contains a `.` (Oracle's
    /// SDKs then take it as the domain). Region keys become identifiers.
    pub fn endpoint(&self, service: &str, region: &str) -> String {
        let region = region.trim();
        if region.contains('.') {
            return format!("https://{service}.{region}");
        }
        let identifier = self
            .region_identifier(region)
            .unwrap_or_else(|| region.to_ascii_lowercase());
        format!(
            "https://{service}.{identifier}.{}",
            self.second_level_domain_or_default(&identifier)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oracle_realms() {
        for (region, domain) in [
            ("us-ashburn-1", "oraclecloud.com"),
            ("US-PHOENIX-1", "oraclecloud.com"),
            ("phx", "oraclecloud.com"),
            ("us-langley-1", "oraclegovcloud.com"),
            ("us-gov-ashburn-1", "oraclegovcloud.com"),
            ("uk-gov-london-1", "oraclegovcloud.uk"),
            ("ap-chiyoda-1", "oraclecloud8.com"),
            ("eu-frankfurt-2", "oraclecloud.eu"),
        ] {
            assert_eq!(second_level_domain(region), Some(domain), "{region}");
        }
        assert_eq!(realm("us-langley-1"), Some("oc2"));
        assert_eq!(realm("us-gov-ashburn-1"), Some("oc3"));
        assert_eq!(realm("uk-gov-london-1"), Some("oc4"));
        assert_eq!(realm("ap-chiyoda-1"), Some("oc8"));
        assert_eq!(region_identifier("IAD"), Some("us-ashburn-1"));
        assert_eq!(second_level_domain("xx-nowhere-1"), None);
        assert_eq!(second_level_domain(""), None);
        // Every region's realm has a domain.
        for (region, _, _) in table::REGIONS {
            assert!(second_level_domain(region).is_some(), "{region}");
        }
    }

    #[test]
    fn regions_from_outside_the_table_and_fallbacks() {
        let dir = std::env::temp_dir().join(format!("oci-regions-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("regions-config.json");
        std::fs::write(
            &file,
            r#"[{"realmKey":"OC99","realmDomainComponent":"Example.Cloud","regionKey":"XYZ","regionIdentifier":"xx-new-1"},
                {"realmKey":"oc98","realmDomainComponent":"","regionKey":"ABC","regionIdentifier":"xx-empty-1"}]"#,
        )
        .unwrap();
        let env = r#"{"realmKey":"oc97","realmDomainComponent":"env.example","regionKey":"ENV","regionIdentifier":"xx-env-1"}"#;

        let regions = Regions::from_sources(Some(&file), Some(env), Some("fallback.example"));
        assert_eq!(
            regions.second_level_domain("xx-new-1").as_deref(),
            Some("example.cloud")
        );
        assert_eq!(
            regions.region_identifier("xyz").as_deref(),
            Some("xx-new-1")
        );
        assert_eq!(
            regions.second_level_domain("xx-env-1").as_deref(),
            Some("env.example")
        );
        assert_eq!(regions.second_level_domain("xx-empty-1"), None);
        assert_eq!(
            regions.second_level_domain_or_default("xx-unknown-1"),
            "fallback.example"
        );
        assert_eq!(
            regions.endpoint("auth", "XYZ"),
            "https://auth.xx-new-1.example.cloud"
        );
        // The built-in table wins; dotted regions are domains.
        assert_eq!(
            regions.endpoint("auth", "phx"),
            "https://auth.us-phoenix-1.oraclecloud.com"
        );
        assert_eq!(
            regions.endpoint("auth", "us-langley-1"),
            "https://auth.us-langley-1.oraclegovcloud.com"
        );
        assert_eq!(
            regions.endpoint("auth", "r1.oracleiaas.com"),
            "https://auth.r1.oracleiaas.com"
        );

        // Unparsable sources are ignored; nothing known falls back to oc1.
        std::fs::write(&file, "not json").unwrap();
        let regions = Regions::from_sources(Some(&file), Some("{"), None);
        assert_eq!(
            regions.second_level_domain_or_default("xx-new-1"),
            DEFAULT_SECOND_LEVEL_DOMAIN
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
