//! Listing across pages over real HTTP on 127.0.0.1: each provider's
//! generated `list_credentials().stream()` against a server that speaks the
//! vendor's pagination protocol (as its spec's
//! `x-credential-clients-pagination` declares it), and against servers that
//! misbehave: loops, floods, links to other origins or other paths, bodies
//! that do not decode, errors in the middle of a listing.
//!
//! Items are built from each spec's own list example, renumbered per page,
//! so the test follows the specs rather than a fixture of its own.

use std::time::Duration;

use crate::support::{Recorded, Reply, Server};
use credential_clients::runtime::paginate::PageError;
use credential_clients::{RetryPolicy, ankra, awx, netapp_astra, oci_aidp, tines};
use serde_json::{Value, json};

const TOKEN: &str = "listing-token-7f31c2";
const ASTRA_ACCOUNT: &str = "6b9c2a5e-5a3c-4b0e-9d5e-2f1d8c7b6a54";
const OCI_PLATFORM: &str = "ocid1.datalake.oc1.iad.listing";

/// The list operation's 200 example and its pagination extension.
fn list_example(stem: &str) -> (Value, Value) {
    let doc = crate::providers::spec(stem);
    for item in doc["paths"].as_object().unwrap().values() {
        let op = &item["get"];
        if op["operationId"] == "list_credentials" {
            let example = xtask::examples::response_example(&doc, op, None)
                .unwrap_or_else(|| panic!("{stem}: the list operation has no example"));
            return (example, op["x-credential-clients-pagination"].clone());
        }
    }
    panic!("{stem} has no list_credentials");
}

/// `n` items shaped like the example's first, with ids `base+0..`.
fn items(stem: &str, id_key: &str, ids: impl IntoIterator<Item = Value>) -> Vec<Value> {
    let (example, ext) = list_example(stem);
    let ptr = ext["items"].as_str().unwrap();
    let first = example.pointer(ptr).unwrap()[0].clone();
    ids.into_iter()
        .map(|id| {
            let mut item = first.clone();
            item[id_key] = id;
            item
        })
        .collect()
}

/// A page: the example envelope with its items replaced and its next
/// link set (or cleared).
fn page(stem: &str, page_items: Vec<Value>, next: Option<Value>) -> Value {
    let (mut example, ext) = list_example(stem);
    let items_ptr = ext["items"].as_str().unwrap();
    if items_ptr.is_empty() {
        return Value::Array(page_items);
    }
    *example.pointer_mut(items_ptr).unwrap() = Value::Array(page_items);
    for key in ["next-url", "next-token"] {
        if let Some(ptr) = ext[key].as_str() {
            *example.pointer_mut(ptr).unwrap() = next.clone().unwrap_or(Value::Null);
        }
    }
    example
}

fn query_of(r: &Recorded, name: &str) -> Option<String> {
    r.query().and_then(|q| {
        q.split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    })
}

fn no_retries() -> RetryPolicy {
    RetryPolicy::disabled()
}

fn awx_client(url: &str) -> awx::Client {
    awx::Client::builder()
        .base_url(format!("{url}/api/v2"))
        .bearer_token(TOKEN)
        .retry(no_retries())
        .build()
        .unwrap()
}

/// AWX answers page 1 (`page` absent), 2 and 3 of `per` items each, with
/// Django REST framework's relative `next` links that keep the query.
fn awx_pages(total: u64, per: u64) -> impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static {
    move |r, _| {
        let n: u64 = query_of(r, "page").map_or(1, |p| p.parse().unwrap());
        let start = (n - 1) * per + 1;
        let end = (start + per - 1).min(total);
        let ids = (start..=end).map(|i| json!(i));
        let next = (end < total).then(|| {
            json!(format!(
                "/api/v2/credentials/?page={}&page_size={per}&name__icontains=prod",
                n + 1
            ))
        });
        Reply::json(200, &page("awx", items("awx", "id", ids), next))
    }
}

#[tokio::test]
async fn awx_follows_relative_next_links_with_auth_on_every_page() {
    let server = Server::start(awx_pages(7, 3)).await;
    let client = awx_client(&server.url());
    let all = client
        .list_credentials()
        .name_icontains("prod")
        .stream()
        .page_size(3)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|c| c.id).collect::<Vec<_>>(),
        (1..=7).collect::<Vec<_>>()
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].path(), "/api/v2/credentials/");
    assert_eq!(query_of(&requests[0], "page_size").as_deref(), Some("3"));
    assert_eq!(
        query_of(&requests[0], "name__icontains").as_deref(),
        Some("prod")
    );
    assert_eq!(query_of(&requests[1], "page").as_deref(), Some("2"));
    assert_eq!(query_of(&requests[2], "page").as_deref(), Some("3"));
    for r in &requests {
        assert_eq!(r.header("authorization"), Some(&*format!("Bearer {TOKEN}")));
        assert_eq!(r.header("accept"), Some("application/json"));
    }
}

#[tokio::test]
async fn a_limit_stops_requesting_pages() {
    let server = Server::start(awx_pages(100, 3)).await;
    let client = awx_client(&server.url());
    let mut listing = client.list_credentials().stream().page_size(3).limit(4);
    let mut ids = Vec::new();
    while let Some(c) = listing.try_next().await.unwrap() {
        ids.push(c.id);
    }
    assert_eq!(ids, [1, 2, 3, 4]);
    assert_eq!(listing.pages(), 2);
    assert_eq!(
        server.count(),
        2,
        "no page beyond the one with the 4th item"
    );
}

#[tokio::test]
async fn the_listing_is_a_stream() {
    use futures_core::Stream;
    let server = Server::start(awx_pages(5, 2)).await;
    let client = awx_client(&server.url());
    let mut listing = client.list_credentials().stream();
    let mut ids = Vec::new();
    while let Some(item) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut listing).poll_next(cx)).await
    {
        ids.push(item.unwrap().id);
    }
    assert_eq!(ids, [1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn tines_follows_absolute_next_page_urls() {
    let server = Server::start(|r, _| {
        let host = r.header("host").unwrap().to_string();
        let n: i64 = query_of(r, "page").map_or(1, |p| p.parse().unwrap());
        let next = (n < 3).then(|| {
            json!(format!(
                "http://{host}/api/v1/user_credentials?page={}&per_page=2",
                n + 1
            ))
        });
        Reply::json(
            200,
            &page(
                "tines",
                items("tines", "id", [json!(n * 10), json!(n * 10 + 1)]),
                next,
            ),
        )
    })
    .await;
    let client = tines::Client::builder()
        .base_url(server.url())
        .bearer_token(TOKEN)
        .retry(no_retries())
        .build()
        .unwrap();
    let all = client
        .list_credentials()
        .stream()
        .page_size(2)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|c| c.id).collect::<Vec<_>>(),
        [10, 11, 20, 21, 30, 31]
    );
    let requests = server.requests();
    assert_eq!(query_of(&requests[0], "per_page").as_deref(), Some("2"));
    assert_eq!(requests.len(), 3);
}

#[tokio::test]
async fn astra_sends_the_continue_token_back() {
    let server = Server::start(|r, _| {
        let (ids, next) = match query_of(r, "continue").as_deref() {
            None => (["a1", "a2"], Some(json!("tok-2"))),
            Some("tok-2") => (["b1", "b2"], Some(json!("tok-3"))),
            Some("tok-3") => (["c1", "c2"], None),
            Some(other) => panic!("unexpected token {other}"),
        };
        Reply::json(
            200,
            &page(
                "netapp-astra",
                items("netapp-astra", "id", ids.map(|i| json!(i))),
                next,
            ),
        )
    })
    .await;
    let client = netapp_astra::Client::builder()
        .base_url(server.url())
        .bearer_token(TOKEN)
        .retry(no_retries())
        .build()
        .unwrap();
    let all = client
        .list_credentials()
        .account_id(ASTRA_ACCOUNT)
        .stream()
        .page_size(2)
        .collect_all()
        .await
        .unwrap();
    let ids: Vec<String> = all.iter().map(|c| c.id.to_string()).collect();
    assert_eq!(ids, ["a1", "a2", "b1", "b2", "c1", "c2"]);
    let requests = server.requests();
    for r in &requests {
        assert_eq!(
            r.path(),
            format!("/accounts/{ASTRA_ACCOUNT}/core/v1/credentials")
        );
        assert_eq!(query_of(r, "limit").as_deref(), Some("2"));
    }
    assert_eq!(query_of(&requests[2], "continue").as_deref(), Some("tok-3"));
}

fn oci_signer() -> credential_clients::runtime::oci::Signer {
    credential_clients::runtime::oci::Signer::from_key_file(
        "ocid1.tenancy.oc1..aaaatest",
        "ocid1.user.oc1..aaaatest",
        "20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/oci-test-key.pem"
        ),
    )
    .unwrap()
}

#[tokio::test]
async fn oci_reads_the_next_page_token_from_the_header_and_signs_every_page() {
    let server = Server::start(|r, _| {
        let (keys, next) = match query_of(r, "page").as_deref() {
            None => (["k1", "k2"], Some("AAAA-2")),
            Some("AAAA-2") => (["k3", "k4"], Some("AAAA-3")),
            Some("AAAA-3") => (["k5", "k6"], None),
            Some(other) => panic!("unexpected page {other}"),
        };
        let reply = Reply::json(
            200,
            &page(
                "oci-aidp",
                items("oci-aidp", "key", keys.map(|k| json!(k))),
                None,
            ),
        );
        match next {
            Some(token) => reply.with_header("opc-next-page", token),
            None => reply,
        }
    })
    .await;
    let client = oci_aidp::Client::builder()
        .base_url(server.url())
        .oci_signer(oci_signer())
        .retry(no_retries())
        .build()
        .unwrap();
    let all = client
        .list_credentials()
        .ai_data_platform_id(OCI_PLATFORM)
        .stream()
        .page_size(2)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|c| c.key.clone()).collect::<Vec<_>>(),
        ["k1", "k2", "k3", "k4", "k5", "k6"]
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for r in &requests {
        let auth = r.header("authorization").expect("every page is signed");
        assert!(auth.starts_with("Signature version=\"1\""), "{auth}");
        assert!(
            auth.contains("keyId=\"ocid1.tenancy.oc1..aaaatest/"),
            "{auth}"
        );
        assert_eq!(query_of(r, "limit").as_deref(), Some("2"));
    }
    assert_eq!(query_of(&requests[1], "page").as_deref(), Some("AAAA-2"));
}

#[tokio::test]
async fn ankra_returns_the_whole_collection_in_one_response() {
    let server = Server::always(Reply::json(
        200,
        &page(
            "ankra",
            items("ankra", "name", ["one", "two", "three"].map(|n| json!(n))),
            None,
        ),
    ))
    .await;
    let client = ankra::Client::builder()
        .base_url(server.url())
        .bearer_token(TOKEN)
        .retry(no_retries())
        .build()
        .unwrap();
    let all = client
        .list_credentials()
        .provider("aws")
        .stream()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|c| c.name.clone()).collect::<Vec<_>>(),
        ["one", "two", "three"]
    );
    assert_eq!(server.count(), 1);
    assert_eq!(query_of(&server.last(), "provider").as_deref(), Some("aws"));
}

// ------------------------------------------------------------ hostile servers

fn astra_client(url: &str) -> netapp_astra::Client {
    netapp_astra::Client::builder()
        .base_url(url)
        .bearer_token(TOKEN)
        .retry(no_retries())
        .build()
        .unwrap()
}

async fn astra_listing_error(
    server: &Server,
    max_pages: u32,
) -> PageError<netapp_astra::types::ProblemDetails> {
    astra_client(&server.url())
        .list_credentials()
        .account_id(ASTRA_ACCOUNT)
        .stream()
        .max_pages(max_pages)
        .collect_all()
        .await
        .expect_err("the listing must stop with an error")
}

#[tokio::test]
async fn a_repeated_token_ends_the_listing() {
    // Page 1 links to "t2", page 2 to "t3", page 3 back to "t2".
    let server = Server::start(|r, _| {
        let next = match query_of(r, "continue").as_deref() {
            None => "t2",
            Some("t2") => "t3",
            _ => "t2",
        };
        Reply::json(
            200,
            &page(
                "netapp-astra",
                items("netapp-astra", "id", [json!("x")]),
                Some(json!(next)),
            ),
        )
    })
    .await;
    let err = astra_listing_error(&server, 1000).await;
    assert!(matches!(err, PageError::Repeated { page: 3 }), "{err:?}");
    assert_eq!(server.count(), 3);
    assert!(err.to_string().contains("loops"), "{err}");
}

#[tokio::test]
async fn a_token_that_never_ends_stops_at_max_pages() {
    let server = Server::start(|_, i| {
        Reply::json(
            200,
            &page("netapp-astra", Vec::new(), Some(json!(format!("tok-{i}")))),
        )
    })
    .await;
    let err = astra_listing_error(&server, 5).await;
    assert!(matches!(err, PageError::TooManyPages { max: 5 }), "{err:?}");
    assert_eq!(server.count(), 5);
    assert!(err.to_string().contains("max_pages"), "{err}");
}

#[tokio::test]
async fn a_next_link_to_another_origin_is_never_followed() {
    let elsewhere = Server::always(Reply::json(200, &page("awx", Vec::new(), None))).await;
    let target = format!("{}/api/v2/credentials/?page=2", elsewhere.url());
    let server = Server::always(Reply::json(
        200,
        &page("awx", items("awx", "id", [json!(1)]), Some(json!(target))),
    ))
    .await;
    let client = awx_client(&server.url());
    let mut listing = client.list_credentials().stream();
    assert_eq!(listing.try_next().await.unwrap().unwrap().id, 1);
    let err = listing.try_next().await.unwrap_err();
    match &err {
        PageError::CrossOrigin { page: 1, origin } => assert_eq!(*origin, elsewhere.url()),
        other => panic!("{other:?}"),
    }
    assert_eq!(elsewhere.count(), 0, "nothing is sent to the other origin");
    assert_eq!(server.count(), 1);
    assert!(
        listing.try_next().await.unwrap().is_none(),
        "the listing ends after an error"
    );
}

#[tokio::test]
async fn a_next_link_to_another_path_is_refused_before_sending() {
    let server = Server::start(|r, _| {
        if r.path() == "/api/v2/credentials/" {
            Reply::json(
                200,
                &page(
                    "awx",
                    items("awx", "id", [json!(1)]),
                    Some(json!("/api/v2/users/?page=2")),
                ),
            )
        } else {
            Reply::json(200, &page("awx", items("awx", "id", [json!(99)]), None))
        }
    })
    .await;
    let err = awx_client(&server.url())
        .list_credentials()
        .stream()
        .collect_all()
        .await
        .unwrap_err();
    match &err {
        PageError::Request {
            page: 2,
            source: awx::Error::InvalidRequest(message),
        } => {
            assert!(message.contains("fixed path segment changed"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.count(), 1, "the other path is never requested");
}

#[tokio::test]
async fn an_error_in_the_middle_is_the_typed_error_of_that_page() {
    let server = Server::start(|r, _| match query_of(r, "page").as_deref() {
        None => Reply::json(
            200,
            &page(
                "awx",
                items("awx", "id", [json!(1)]),
                Some(json!("/api/v2/credentials/?page=2")),
            ),
        ),
        _ => Reply::json(
            401,
            &json!({"detail": "Authentication credentials were not provided."}),
        ),
    })
    .await;
    let err = awx_client(&server.url())
        .list_credentials()
        .stream()
        .collect_all()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    match err {
        PageError::Request {
            page: 2,
            source: awx::Error::ErrorResponse(body),
        } => {
            assert_eq!(
                body.into_inner().detail,
                "Authentication credentials were not provided."
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn retries_apply_to_each_page() {
    let server = Server::start(|r, i| match (query_of(r, "page").as_deref(), i) {
        (None, _) => Reply::json(
            200,
            &page(
                "awx",
                items("awx", "id", [json!(1)]),
                Some(json!("/api/v2/credentials/?page=2")),
            ),
        ),
        (Some("2"), 1) => Reply::status(503),
        (Some("2"), _) => Reply::json(200, &page("awx", items("awx", "id", [json!(2)]), None)),
        other => panic!("{other:?}"),
    })
    .await;
    let client = awx::Client::builder()
        .base_url(format!("{}/api/v2", server.url()))
        .bearer_token(TOKEN)
        .retry(
            RetryPolicy::for_api(&awx::API)
                .with_backoff(Duration::from_millis(1), Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    let all = client
        .list_credentials()
        .stream()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.iter().map(|c| c.id).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(server.count(), 3, "page 2 was retried once");
}

#[tokio::test]
async fn an_item_that_does_not_decode_names_the_item_but_not_its_values() {
    let mut bad = items("tines", "id", [json!(1)]).remove(0);
    bad["id"] = json!("sk-live-should-not-leak");
    let server = Server::always(Reply::json(200, &page("tines", vec![bad], None))).await;
    let client = tines::Client::builder()
        .base_url(server.url())
        .bearer_token(TOKEN)
        .retry(no_retries())
        .build()
        .unwrap();
    let err = client
        .list_credentials()
        .stream()
        .collect_all()
        .await
        .unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, PageError::BadPage { page: 1, .. }), "{err:?}");
    assert!(
        message.contains("item 0 does not match the item type"),
        "{message}"
    );
    assert!(!message.contains("sk-live"), "{message}");
    assert!(!format!("{err:?}").contains("sk-live"));
}

#[tokio::test]
async fn a_page_without_an_item_array_is_a_typed_error() {
    let server = Server::always(Reply::json(
        200,
        &json!({"results": {"not": "an array"}, "next": null}),
    ))
    .await;
    let err = awx_client(&server.url())
        .list_credentials()
        .stream()
        .collect_all()
        .await
        .unwrap_err();
    match err {
        PageError::BadPage { page: 1, reason } => {
            assert!(reason.contains("`/results` is not an array"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_bad_argument_is_refused_before_anything_is_sent() {
    let server = Server::always(Reply::status(500)).await;
    let err = astra_client(&server.url())
        .list_credentials()
        .account_id("..")
        .stream()
        .collect_all()
        .await
        .unwrap_err();
    match err {
        PageError::Request {
            page: 1,
            source: netapp_astra::Error::InvalidRequest(m),
        } => {
            assert!(m.contains("account_id"), "{m}");
        }
        other => panic!("{other:?}"),
    }
    let err = astra_client(&server.url())
        .list_credentials()
        .stream()
        .collect_all()
        .await
        .unwrap_err();
    match err {
        PageError::Request {
            page: 1,
            source: netapp_astra::Error::InvalidRequest(m),
        } => {
            assert!(m.contains("account_id"), "{m}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.count(), 0);
}
