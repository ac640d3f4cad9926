//! What the demo serves and asks for, per provider: the generated client's
//! examples (`selftest::EXAMPLE_BODY`, `EXAMPLE_PARAMETERS`,
//! `LIST_EXAMPLE_BODY`, `LIST_EXAMPLE_PARAMETERS`), which the code generator
//! reads from the spec's examples or makes from its schemas. credctl does
//! not parse specs.

use anyhow::Context as _;
use serde_json::Value;

use crate::provider::Provider;

/// One demo request: the body the mock serves and the `get` arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoCall {
    /// The credential operation's example body.
    pub body: Value,
    /// The credential's id (the last path parameter of the route).
    pub id: String,
    /// The other required parameters: (name as in the spec, value).
    pub params: Vec<(String, String)>,
}

/// The demo listing: one page of the list operation and its arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoList {
    /// The list operation's example page.
    pub body: Value,
    /// Required parameters: (name as in the spec, value).
    pub params: Vec<(String, String)>,
}

/// A body as JSON, or the text of a body that is not JSON.
fn body(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

fn owned(parameters: &[(&str, &str)]) -> Vec<(String, String)> {
    parameters
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect()
}

/// The demo request of the credential operation at `route` (the API
/// description's path template), from its example body and parameters.
pub fn demo_call(
    route: &str,
    body_text: &str,
    parameters: &[(&str, &str)],
) -> anyhow::Result<DemoCall> {
    let id_name = route
        .rsplit('/')
        .find_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .with_context(|| format!("the credential route `{route}` has no path parameter"))?;
    let mut params = owned(parameters);
    let at = params
        .iter()
        .position(|(name, _)| name == id_name)
        .with_context(|| format!("no example value for the path parameter `{id_name}`"))?;
    let (_, id) = params.remove(at);
    Ok(DemoCall {
        body: body(body_text),
        id,
        params,
    })
}

/// The demo request of a provider's credential operation.
pub fn credential(provider: &Provider) -> anyhow::Result<DemoCall> {
    let route = provider
        .credential()
        .context("no credential operation")?
        .path;
    demo_call(route, provider.example_body, provider.example_parameters)
}

/// The demo listing of a provider, if it has a list operation.
pub fn list(provider: &Provider) -> Option<DemoList> {
    Some(DemoList {
        body: body(provider.list_example_body?),
        params: owned(provider.list_example_parameters),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_provider_has_a_demo_call() {
        for provider in crate::providers::PROVIDERS {
            let call = credential(provider).unwrap();
            assert!(!call.id.is_empty(), "{}", provider.stem);
            assert!(
                call.params.iter().all(|(name, _)| name != &call.id),
                "{}",
                provider.stem
            );
            if provider.api.list_operation.is_some() {
                assert!(list(provider).is_some(), "{}", provider.stem);
            }
        }
        let astra = crate::providers::find("netapp-astra").unwrap();
        let astra = credential(astra).unwrap();
        assert_eq!(
            astra.id, "9a41e0d7-2c5b-4f3e-8d16-b7c2a90e4f58",
            "the spec's example"
        );
        assert_eq!(
            astra.params,
            [(
                "account_id".to_string(),
                "3f1c9a52-7d4e-4b8a-9e21-6c0d5b7a2f14".to_string()
            )]
        );
    }

    #[test]
    fn the_id_is_the_last_path_parameter() {
        let call = demo_call(
            "/orgs/{org}/secrets/{id}",
            r#"{"id":"s1"}"#,
            &[("org", "42"), ("id", "ab12"), ("x-tenant", "acme")],
        )
        .unwrap();
        assert_eq!(call.id, "ab12");
        assert_eq!(call.body, serde_json::json!({"id": "s1"}));
        assert_eq!(
            call.params,
            [
                ("org".to_string(), "42".to_string()),
                ("x-tenant".to_string(), "acme".to_string())
            ]
        );
        let text = demo_call("/secrets/{id}", "example-secret-value", &[("id", "x")]).unwrap();
        assert_eq!(
            text.body,
            Value::String("example-secret-value".into()),
            "not JSON"
        );
        assert!(
            demo_call("/secrets", "{}", &[]).is_err(),
            "no path parameter"
        );
        assert!(demo_call("/secrets/{id}", "{}", &[]).is_err(), "no value");
    }
}
