//! Generated client against a hand-written minimal reqwest + serde_json call
//! of the same request, over HTTP on 127.0.0.1, for every provider of the
//! facade's table ([`crate::providers`]).
//!
//! Both sides use a `reqwest::Client` built with the same settings (the
//! runtime's default connect timeout and per-attempt timeout, redirect
//! policy, no Referer), send the same method, URL and headers (`accept`,
//! `user-agent`, auth, and where the API generates one the request-id
//! header; for OCI `date`, `host` and the signature made by the same
//! [`Signer`]), and decode the body into the same `types::Credential`.
//! [`parity`] checks that before anything is timed.
//!
//! The hand-written side is derived from the generated metadata only
//! (method, route, `Accept`, auth scheme, request-id header, server path)
//! and the spec's example parameter values: what an expert writes by hand
//! for that one call.

use std::fmt::Write as _;
use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use credential_clients::runtime::config::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};
pub use credential_clients::runtime::oci::Signer;
use credential_clients::runtime::transport::default_user_agent;
use credential_clients::runtime::{ApiDescription, Auth as RtAuth, AuthScheme, ClientConfig};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderName, HeaderValue, USER_AGENT};

use crate::providers::{Cred, Generated, Provider};
use crate::server::{Server, http_response};
use crate::stats::{Summary, alternate, summarize};

/// The bearer token / password / API key both sides send.
pub const TOKEN: &str = "tok-3f1d0c5e-bench-not-secret";
const BASIC_USER: &str = "admin";

/// How a case authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    /// No auth header.
    None,
    /// `Authorization: Bearer`.
    Bearer,
    /// HTTP Basic.
    Basic,
    /// A key in a header, after a prefix.
    ApiKey {
        /// The header name.
        header: &'static str,
        /// Text before the key.
        prefix: &'static str,
    },
    /// OCI request signing (RSA-2048, rsa-sha256).
    Oci,
}

impl AuthMode {
    /// Short name for tables.
    pub fn label(self) -> &'static str {
        match self {
            AuthMode::None => "no auth",
            AuthMode::Bearer => "bearer",
            AuthMode::Basic => "basic",
            AuthMode::ApiKey { .. } => "API key",
            AuthMode::Oci => "OCI signature",
        }
    }

    /// The API's first auth scheme (OAuth2 sends its token as a bearer
    /// token).
    pub fn first_of(api: &ApiDescription) -> AuthMode {
        match api.auth.first() {
            None => AuthMode::None,
            Some(AuthScheme::Bearer | AuthScheme::OAuth2 { .. }) => AuthMode::Bearer,
            Some(AuthScheme::Basic) => AuthMode::Basic,
            Some(AuthScheme::ApiKeyHeader { name, prefix }) => AuthMode::ApiKey {
                header: name,
                prefix,
            },
            Some(AuthScheme::OciSignature) => AuthMode::Oci,
        }
    }

    /// The runtime's `Auth` of this mode (the generated side).
    pub fn runtime_auth(self, signer: &Signer) -> Option<RtAuth> {
        Some(match self {
            AuthMode::None => return None,
            AuthMode::Bearer => RtAuth::Bearer(TOKEN.into()),
            AuthMode::Basic => RtAuth::Basic {
                username: BASIC_USER.into(),
                password: TOKEN.into(),
            },
            AuthMode::ApiKey { header, .. } => RtAuth::ApiKeyHeader {
                header,
                value: TOKEN.into(),
            },
            AuthMode::Oci => RtAuth::Oci(Arc::new(signer.clone())),
        })
    }
}

/// One benchmarked configuration.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    /// The provider.
    pub provider: Provider,
    /// The auth both sides use.
    pub auth: AuthMode,
    /// Whether the generated client keeps its default retry policy (the
    /// hand-written call never retries).
    pub retries: bool,
}

impl Case {
    /// `ankra (bearer)`.
    pub fn label(&self) -> String {
        let retries = if self.retries { "" } else { ", retries off" };
        format!("{} ({}{retries})", self.provider, self.auth.label())
    }
}

/// The cases of the main table: every provider with its first auth scheme
/// and the default client configuration.
pub fn main_cases() -> Vec<Case> {
    Provider::all()
        .map(|provider| Case {
            provider,
            auth: AuthMode::first_of(provider.api()),
            retries: true,
        })
        .collect()
}

/// The extra cases of the hooks table: the first provider without auth and
/// with retries off, and every provider that signs requests with retries
/// off (the main cases have retries on).
pub fn hook_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    if let Some(first) = main_cases().into_iter().next() {
        cases.push(Case {
            auth: AuthMode::None,
            ..first
        });
        cases.push(Case {
            retries: false,
            ..first
        });
    }
    cases.extend(
        main_cases()
            .into_iter()
            .skip(1)
            .filter(|c| c.auth == AuthMode::Oci)
            .map(|c| Case {
                retries: false,
                ..c
            }),
    );
    cases
}

/// The OCI test signer (`tests/fixtures/oci-test-key.pem`, RSA-2048).
pub fn test_signer(root: &std::path::Path) -> Result<Signer, String> {
    Signer::from_key_file(
        "ocid1.tenancy.oc1..aaaatest",
        "ocid1.user.oc1..aaaatest",
        "20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34",
        root.join("tests/fixtures/oci-test-key.pem"),
    )
    .map_err(|e| e.to_string())
}

/// The path of the API's server URL with its variables at their defaults
/// (AWX: `https://{host}{basePath}` -> `/api/v2`; empty for most).
pub fn server_path(api: &ApiDescription) -> String {
    let mut url = api.server.url.to_string();
    for v in api.server.variables {
        url = url.replace(&format!("{{{}}}", v.name), v.default);
    }
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(i) => url[after_scheme + i..].trim_end_matches('/').to_string(),
        None => String::new(),
    }
}

impl Generated {
    /// Build the generated client of `case` against the local server
    /// `server` (plus the API's server path).
    pub fn build(case: &Case, server: &str, signer: &Signer) -> Result<Generated, String> {
        let base = format!("{server}{}", server_path(case.provider.api()));
        (case.provider.entry().generated)(&base, case.retries, case.auth.runtime_auth(signer))
    }
}

/// How the hand-written call authenticates.
enum HandAuth {
    None,
    Header(HeaderName, HeaderValue),
    Oci(Signer),
}

/// One piece of the route: fixed text, or a parameter's value.
enum Piece {
    Text(&'static str),
    Param(&'static str),
}

/// What an expert writes by hand: one `reqwest::Client` with the same
/// settings, the URL formatted per call (path parameters
/// percent-encoded), prebuilt header values, `execute`, status check,
/// `bytes()` and `serde_json::from_slice` into the generated type.
pub struct HandWritten {
    http: reqwest::Client,
    base: String,
    route: Vec<Piece>,
    method: reqwest::Method,
    accept: HeaderValue,
    user_agent: HeaderValue,
    auth: HandAuth,
    request_id: Option<HeaderName>,
    decode: fn(&[u8]) -> Result<Cred, serde_json::Error>,
}

/// The path-segment escape set of progenitor's `encode_path` (the URL
/// standard's path-segment set plus `/` and `%`), so both sides write the
/// same request line.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%');

fn seg(s: &str) -> percent_encoding::PercentEncode<'_> {
    percent_encoding::utf8_percent_encode(s, SEGMENT)
}

/// A 32-character upper-case hex request id, like the runtime's (and
/// Oracle's SDKs'), from a fast counter-seeded mix instead of a CSPRNG.
fn request_id() -> HeaderValue {
    static STATE: AtomicU64 = AtomicU64::new(0x9E37_79B9_7F4A_7C15);
    let mix = |mut z: u64| {
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let s = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
    let id = format!("{:016X}{:016X}", mix(s), mix(s ^ 0xD1B5_4A32_D192_ED03));
    HeaderValue::from_str(&id).expect("hex")
}

/// The route template split into fixed text and the example values of its
/// parameters.
fn route_pieces(provider: Provider, route: &'static str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut rest = route;
    while let Some(open) = rest.find('{') {
        let close = rest[open..]
            .find('}')
            .map(|i| open + i)
            .ok_or_else(|| format!("{provider}: unclosed `{{` in {route}"))?;
        if open > 0 {
            pieces.push(Piece::Text(&rest[..open]));
        }
        let name = &rest[open + 1..close];
        let value = provider
            .entry()
            .path_parameters
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
            .ok_or_else(|| format!("{provider}: no example value of `{name}`"))?;
        pieces.push(Piece::Param(value));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest));
    }
    Ok(pieces)
}

impl HandWritten {
    /// Build the hand-written client of `case` against the local server
    /// `server`.
    pub fn build(case: &Case, server: &str, signer: &Signer) -> Result<HandWritten, String> {
        let provider = case.provider;
        let api = provider.api();
        let op = provider.credential_operation()?;
        // The same client settings as the runtime's (`ClientConfig::build`):
        // timeouts, redirect policy, no Referer.
        let http = reqwest::Client::builder()
            .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
            .timeout(DEFAULT_TIMEOUT)
            .redirect(credential_clients::runtime::redirect::policy(
                credential_clients::runtime::redirect::DEFAULT_MAX_REDIRECTS,
            ))
            .referer(false)
            .build()
            .map_err(|e| e.to_string())?;
        let auth = match case.auth {
            AuthMode::None => HandAuth::None,
            AuthMode::Bearer => {
                HandAuth::Header(AUTHORIZATION, sensitive(&format!("Bearer {TOKEN}")))
            }
            AuthMode::Basic => {
                use base64::Engine as _;
                let encoded = base64::engine::general_purpose::STANDARD
                    .encode(format!("{BASIC_USER}:{TOKEN}"));
                HandAuth::Header(AUTHORIZATION, sensitive(&format!("Basic {encoded}")))
            }
            AuthMode::ApiKey { header, prefix } => HandAuth::Header(
                HeaderName::from_bytes(header.as_bytes()).map_err(|e| e.to_string())?,
                sensitive(&format!("{prefix}{TOKEN}")),
            ),
            AuthMode::Oci => HandAuth::Oci(signer.clone()),
        };
        let request_id = match api.request_id.filter(|r| r.generate) {
            Some(r) => Some(HeaderName::from_bytes(r.name.as_bytes()).map_err(|e| e.to_string())?),
            None => None,
        };
        Ok(HandWritten {
            http,
            base: format!("{server}{}", server_path(api)),
            route: route_pieces(provider, op.path)?,
            method: reqwest::Method::from_bytes(op.method.as_bytes()).map_err(|e| e.to_string())?,
            accept: HeaderValue::from_static(op.accept),
            user_agent: HeaderValue::from_str(&default_user_agent(provider.stem()))
                .map_err(|e| e.to_string())?,
            auth,
            request_id,
            decode: provider.entry().decode,
        })
    }

    /// The URL of the call: what `format!("{base}/items/{}", seg(id))`
    /// writes, for any route.
    fn url(&self) -> String {
        let mut url = String::with_capacity(128);
        url.push_str(&self.base);
        for piece in &self.route {
            match piece {
                Piece::Text(text) => url.push_str(text),
                Piece::Param(value) => {
                    let _ = write!(url, "{}", seg(value));
                }
            }
        }
        url
    }

    /// The same request and decode, by hand.
    pub async fn get(&self) -> Result<Cred, String> {
        let body = self.fetch(self.url()).await?;
        (self.decode)(&body).map_err(|e| e.to_string())
    }

    /// The request of `url` with the prebuilt headers (and the OCI
    /// signature).
    fn request(&self, url: String) -> Result<reqwest::Request, String> {
        let request = self
            .http
            .request(self.method.clone(), url)
            .build()
            .map_err(|e| e.to_string())?;
        self.add_headers(request)
    }

    /// `Accept`, `User-Agent`, the request id and the credentials.
    fn add_headers(&self, mut request: reqwest::Request) -> Result<reqwest::Request, String> {
        let headers = request.headers_mut();
        headers.insert(ACCEPT, self.accept.clone());
        headers.insert(USER_AGENT, self.user_agent.clone());
        if let Some(name) = &self.request_id {
            headers.insert(name.clone(), request_id());
        }
        match &self.auth {
            HandAuth::None => {}
            HandAuth::Header(name, value) => {
                headers.insert(name.clone(), value.clone());
            }
            HandAuth::Oci(signer) => {
                signer
                    .sign(&mut request, SystemTime::now())
                    .map_err(|e| e.to_string())?;
            }
        }
        Ok(request)
    }

    /// Send `url`, check the status, read the body.
    async fn fetch(&self, url: String) -> Result<bytes::Bytes, String> {
        let request = self.request(url)?;
        let response = self
            .http
            .execute(request)
            .await
            .map_err(|e| e.to_string())?;
        if response.status() != reqwest::StatusCode::OK {
            return Err(format!("unexpected status {}", response.status()));
        }
        response.bytes().await.map_err(|e| e.to_string())
    }
}

fn sensitive(value: &str) -> HeaderValue {
    let mut v = HeaderValue::from_str(value).expect("header value");
    v.set_sensitive(true);
    v
}

/// A running case: the server with the provider's example, and both sides.
pub struct Bench {
    /// The case.
    pub case: Case,
    /// The local server.
    pub server: Server,
    generated: Arc<Generated>,
    hand: Arc<HandWritten>,
}

/// Which side to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The generated client.
    Generated,
    /// The hand-written call.
    HandWritten,
}

impl Bench {
    /// Start the server (answering with the provider's spec example) and
    /// build both sides.
    pub fn start(root: &std::path::Path, case: Case, signer: &Signer) -> Result<Bench, String> {
        let (example, media_type) = crate::spec_example(root, case.provider)?;
        let body = serde_json::to_vec(&example).map_err(|e| e.to_string())?;
        let server = Server::start(http_response(200, &media_type, &body));
        let generated = Arc::new(Generated::build(&case, &server.url(), signer)?);
        let hand = Arc::new(HandWritten::build(&case, &server.url(), signer)?);
        Ok(Bench {
            case,
            server,
            generated,
            hand,
        })
    }

    /// One request on `side`.
    pub async fn call(&self, side: Side) -> Result<(), String> {
        call(&self.generated, &self.hand, side).await
    }
}

async fn call(generated: &Generated, hand: &HandWritten, side: Side) -> Result<(), String> {
    let cred = match side {
        Side::Generated => generated.get().await?,
        Side::HandWritten => hand.get().await?,
    };
    black_box(cred);
    Ok(())
}

/// The request head normalized for comparison: request line, then headers
/// sorted by name, with per-request values (`date`, `opc-request-id`, the
/// OCI signature bytes) masked.
fn normalize_head(head: &str) -> Vec<String> {
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_string();
    let mut headers: Vec<String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| {
            let k = k.trim().to_ascii_lowercase();
            let v = v.trim();
            let v = match k.as_str() {
                "date" | "opc-request-id" => "<varies>".to_string(),
                "authorization" if v.starts_with("Signature ") => v
                    .split_once("signature=\"")
                    .map_or(v.to_string(), |(pre, _)| {
                        format!("{pre}signature=\"<varies>\"")
                    }),
                _ => v.to_string(),
            };
            format!("{k}: {v}")
        })
        .collect();
    headers.sort();
    std::iter::once(request_line).chain(headers).collect()
}

/// Check that both sides send the same request (modulo per-request values)
/// and decode the same value. Returns the normalized head on success.
pub async fn parity(bench: &Bench) -> Result<Vec<String>, String> {
    bench.server.set_recording(true);
    let generated = bench.generated.get().await?;
    let g_head = bench.server.take_last_head().ok_or("no request recorded")?;
    let hand = bench.hand.get().await?;
    let h_head = bench.server.take_last_head().ok_or("no request recorded")?;
    bench.server.set_recording(false);
    let (g, h) = (normalize_head(&g_head), normalize_head(&h_head));
    if g != h {
        return Err(format!(
            "{}: the requests differ\n  generated:    {g:?}\n  hand-written: {h:?}",
            bench.case.label()
        ));
    }
    if generated != hand {
        return Err(format!(
            "{}: the decoded credentials differ",
            bench.case.label()
        ));
    }
    Ok(g)
}

/// Sequential latency figures of one case.
#[derive(Debug, Clone)]
pub struct Latency {
    /// Per-request seconds, generated client.
    pub generated: Summary,
    /// Per-request seconds, hand-written.
    pub hand: Summary,
}

/// `requests` sequential requests per side after `warmup` each, in
/// alternating chunks of `chunk` (the side that starts alternates too).
pub async fn latency(
    bench: &Bench,
    warmup: usize,
    requests: usize,
    chunk: usize,
) -> Result<Latency, String> {
    for _ in 0..warmup {
        bench.call(Side::Generated).await?;
        bench.call(Side::HandWritten).await?;
    }
    let mut g = Vec::with_capacity(requests);
    let mut h = Vec::with_capacity(requests);
    let mut round = 0;
    while g.len() < requests {
        let order = if round % 2 == 0 {
            [Side::Generated, Side::HandWritten]
        } else {
            [Side::HandWritten, Side::Generated]
        };
        for side in order {
            let out = if side == Side::Generated {
                &mut g
            } else {
                &mut h
            };
            for _ in 0..chunk.min(requests - out.len()) {
                let start = Instant::now();
                bench.call(side).await?;
                out.push(start.elapsed().as_secs_f64());
            }
        }
        round += 1;
    }
    Ok(Latency {
        generated: summarize(&mut g),
        hand: summarize(&mut h),
    })
}

/// Throughput figures of one case (requests per second).
#[derive(Debug, Clone)]
pub struct Throughput {
    /// Rounds of the generated client (req/s).
    pub generated: Summary,
    /// Rounds of the hand-written call (req/s).
    pub hand: Summary,
    /// Requests per round.
    pub per_round: usize,
    /// Connections the server accepted in all.
    pub connections: u64,
}

/// `total` requests on `side` with `in_flight` at once; returns req/s.
pub async fn burst(
    bench: &Bench,
    side: Side,
    total: usize,
    in_flight: usize,
) -> Result<f64, String> {
    let counter = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..in_flight {
        let counter = counter.clone();
        let generated = bench.generated.clone();
        let hand = bench.hand.clone();
        tasks.spawn(async move {
            while counter.fetch_add(1, Ordering::Relaxed) < total {
                call(&generated, &hand, side).await?;
            }
            Ok::<(), String>(())
        });
    }
    while let Some(r) = tasks.join_next().await {
        r.map_err(|e| e.to_string())??;
    }
    Ok(total as f64 / start.elapsed().as_secs_f64())
}

/// `rounds` rounds per side with `in_flight` requests at once, alternating
/// sides, after one warm-up round each (which also opens the connections).
/// A round is as many requests as the hand-written side does in about
/// `round_time` (measured in the warm-up), the same count for both sides.
pub async fn throughput(
    bench: &Bench,
    rounds: usize,
    round_time: Duration,
    in_flight: usize,
) -> Result<Throughput, String> {
    let warm = in_flight * 8;
    burst(bench, Side::Generated, warm, in_flight).await?;
    let rps = burst(bench, Side::HandWritten, warm, in_flight).await?;
    let total = ((rps * round_time.as_secs_f64()) as usize).max(in_flight * 4);
    let mut g = Vec::with_capacity(rounds);
    let mut h = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let order = if round % 2 == 0 {
            [Side::Generated, Side::HandWritten]
        } else {
            [Side::HandWritten, Side::Generated]
        };
        for side in order {
            let rps = burst(bench, side, total, in_flight).await?;
            if side == Side::Generated {
                g.push(rps);
            } else {
                h.push(rps);
            }
        }
    }
    Ok(Throughput {
        generated: summarize(&mut g),
        hand: summarize(&mut h),
        per_round: total,
        connections: bench.server.connections(),
    })
}

/// The cost of the runtime's per-request preparation (`Transport::prepare`:
/// path check, `Accept`/`User-Agent`, request id; plus
/// `Transport::authenticate`, which `execute` runs before each attempt), against the hand-written
/// header inserts (and signature) it replaces. Nanoseconds, the cost of
/// building the request itself subtracted.
#[derive(Debug, Clone)]
pub struct HookCost {
    /// The auth mode.
    pub auth: AuthMode,
    /// `Transport::prepare` + `Transport::authenticate` (ns).
    pub prepare_ns: f64,
    /// The hand-written equivalent (ns).
    pub hand_ns: f64,
}

/// The cases of the hooks table: the first provider without auth, then
/// the first provider of each auth mode of the main cases.
pub fn hook_cost_cases() -> Vec<Case> {
    let main = main_cases();
    let mut cases: Vec<Case> = main
        .first()
        .map(|c| Case {
            auth: AuthMode::None,
            ..*c
        })
        .into_iter()
        .collect();
    for case in main {
        if !cases.iter().any(|c| c.auth.label() == case.auth.label()) {
            cases.push(case);
        }
    }
    cases
}

/// Measure [`HookCost`] for each of [`hook_cost_cases`].
pub fn hook_costs(
    signer: &Signer,
    batches: usize,
    batch_time: Duration,
) -> Result<Vec<HookCost>, String> {
    let server = "http://127.0.0.1:8080";
    let mut out = Vec::new();
    for case in hook_cost_cases() {
        let api = case.provider.api();
        let hand = HandWritten::build(&case, server, signer)?;
        let base = hand.base.clone();
        let url = hand.url();
        let mut config = ClientConfig::new(api)
            .base_url(base.clone())
            .user_agent(default_user_agent(case.provider.stem()));
        if let Some(a) = case.auth.runtime_auth(signer) {
            config = config.auth(a);
        }
        let parts = config.build().map_err(|e| e.to_string())?;
        let (http, runtime) = (parts.http, parts.runtime);
        let build = || {
            hand.http
                .request(hand.method.clone(), url.as_str())
                .build()
                .expect("request")
        };
        let prepare = || {
            let mut r = build();
            runtime
                .prepare(api, &base, &mut r, api.credential_operation)
                .expect("prepare");
            now(runtime.authenticate(&http, &mut r)).expect("authenticate");
            black_box(r);
        };
        let by_hand = || {
            black_box(hand.add_headers(build()).expect("headers"));
        };
        // Each against building the request alone, in alternating batches.
        let only_build = || {
            black_box(build());
        };
        let (prepare_ns, build_a) = alternate(batches, batch_time, prepare, only_build);
        let (hand_ns, build_b) = alternate(batches, batch_time, by_hand, only_build);
        out.push(HookCost {
            auth: case.auth,
            prepare_ns: prepare_ns - build_a,
            hand_ns: hand_ns - build_b,
        });
    }
    Ok(out)
}

/// Run a future that is ready at its first poll (static headers and OCI
/// signing never wait).
fn now<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match future.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(output) => output,
        std::task::Poll::Pending => panic!("authentication was expected to be immediate"),
    }
}

/// The path check alone: the runtime's `check_path` against the
/// [`crate::proto::PathCheck`] prototype (base path parsed once, no
/// allocation). Nanoseconds per call: (runtime, prototype).
pub fn path_check_costs(
    signer: &Signer,
    batches: usize,
    batch_time: Duration,
) -> Result<(f64, f64), String> {
    let case = main_cases().into_iter().next().ok_or("no provider")?;
    let op = case.provider.credential_operation()?;
    let hand = HandWritten::build(&case, "http://127.0.0.1:8080", signer)?;
    let base = hand.base.as_str();
    let url = reqwest::Url::parse(&hand.url()).map_err(|e| e.to_string())?;
    let fast = crate::proto::PathCheck::new(base);
    Ok(alternate(
        batches,
        batch_time,
        || {
            black_box(credential_clients::runtime::path::check_path(
                black_box(base),
                op,
                black_box(&url),
            ))
            .expect("path");
        },
        || {
            assert!(black_box(fast.check(op, black_box(&url))));
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Not a timing test: both sides must send the same request and decode
    /// the same credential, for every case the benchmark runs.
    #[test]
    fn generated_and_hand_written_send_the_same_request() {
        let root = crate::workspace_root();
        let signer = test_signer(&root).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            for case in main_cases().into_iter().chain(hook_cases()) {
                let bench = Bench::start(&root, case, &signer).unwrap();
                let head = parity(&bench).await.unwrap_or_else(|e| panic!("{e}"));
                assert!(head[0].starts_with("GET /"), "{head:?}");
                if case.auth != AuthMode::None {
                    assert!(
                        head.iter().any(|h| h.starts_with("authorization: ")),
                        "{head:?}"
                    );
                }
            }
        });
    }
}
