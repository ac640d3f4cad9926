//! Generated client against a hand-written minimal reqwest + serde_json call
//! of the same request, over HTTP on 127.0.0.1.
//!
//! Both sides use a `reqwest::Client` built with the same settings (the
//! runtime's default connect timeout and per-attempt timeout), send the same
//! method, URL and headers (`accept`, `user-agent`, auth, and for OCI
//! `opc-request-id`, `date`, `host` and the signature made by the same
//! [`Signer`]), and decode the body into the same `types::Credential`.
//! [`parity`] checks that before anything is timed.

use std::hint::black_box;
use std::num::NonZeroU64;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use credential_clients::runtime::config::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};
use credential_clients::runtime::oci::Signer;
use credential_clients::runtime::transport::default_user_agent;
use credential_clients::runtime::{Auth as RtAuth, ClientConfig, RetryPolicy};
use credential_clients::{ankra, awx, netapp_astra, oci_aidp, tines};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderName, HeaderValue, USER_AGENT};

use crate::Provider;
use crate::server::{Server, http_response};
use crate::stats::{Summary, alternate, summarize};

/// The bearer token / password both sides send.
pub const TOKEN: &str = "tok-3f1d0c5e-bench-not-secret";
const ANKRA_ID: uuid::Uuid = uuid::Uuid::from_u128(0x3c90c3cc_0d44_4b50_8888_8dd25736052a);
const AWX_ID: u64 = 42;
const TINES_ID: i64 = 7;
const ASTRA_ACCOUNT: &str = "6b9c2a5e-5a3c-4b0e-9d5e-2f1d8c7b6a54";
const ASTRA_CREDENTIAL: &str = "58e26f6a-a631-4122-8e0e-7afe306675c0";
const OCI_PLATFORM: &str = "ocid1.datalake.oc1.iad.aaaabench";
const OCI_KEY: &str = "db_password";
const AWX_USER: &str = "admin";

/// How a case authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    /// No auth header.
    None,
    /// `Authorization: Bearer`.
    Bearer,
    /// HTTP Basic.
    Basic,
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
            AuthMode::Oci => "OCI signature",
        }
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

/// The cases of the main table: each provider with its usual auth and the
/// default client configuration.
pub fn main_cases() -> Vec<Case> {
    [
        (Provider::Ankra, AuthMode::Bearer),
        (Provider::Awx, AuthMode::Basic),
        (Provider::Tines, AuthMode::Bearer),
        (Provider::NetappAstra, AuthMode::Bearer),
        (Provider::OciAidp, AuthMode::Oci),
    ]
    .into_iter()
    .map(|(provider, auth)| Case {
        provider,
        auth,
        retries: true,
    })
    .collect()
}

/// The extra cases of the hooks table (the main cases cover bearer, basic
/// and OCI with retries on).
pub fn hook_cases() -> Vec<Case> {
    vec![
        Case {
            provider: Provider::Ankra,
            auth: AuthMode::None,
            retries: true,
        },
        Case {
            provider: Provider::Ankra,
            auth: AuthMode::Bearer,
            retries: false,
        },
        Case {
            provider: Provider::OciAidp,
            auth: AuthMode::Oci,
            retries: false,
        },
    ]
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

/// A decoded credential of any provider (both sides return it).
// Unboxed on purpose: both sides return it, and a box would add an
// allocation per request to both.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Cred {
    /// Ankra.
    Ankra(ankra::types::Credential),
    /// AWX.
    Awx(awx::types::Credential),
    /// Tines.
    Tines(tines::types::Credential),
    /// NetApp Astra.
    NetappAstra(netapp_astra::types::Credential),
    /// OCI AI Data Platform.
    OciAidp(oci_aidp::types::Credential),
}

/// The generated client of a case.
pub enum Generated {
    /// Ankra.
    Ankra(ankra::Client),
    /// AWX.
    Awx(awx::Client),
    /// Tines.
    Tines(tines::Client),
    /// NetApp Astra.
    NetappAstra(netapp_astra::Client),
    /// OCI AI Data Platform.
    OciAidp(oci_aidp::Client),
}

fn unsupported(case: &Case) -> String {
    format!("{}: auth {:?} is not benchmarked", case.provider, case.auth)
}

macro_rules! builder {
    ($module:ident, $case:expr, $base:expr, $signer:expr) => {{
        let mut b = $module::Client::builder().base_url($base);
        if !$case.retries {
            b = b.retry(RetryPolicy::disabled());
        }
        b = match $case.auth {
            AuthMode::None => b,
            AuthMode::Bearer => builder!(@bearer $module, b, $case),
            AuthMode::Basic => builder!(@basic $module, b, $case),
            AuthMode::Oci => builder!(@oci $module, b, $case, $signer),
        };
        b.build().map_err(|e| e.to_string())?
    }};
    (@bearer oci_aidp, $b:expr, $case:expr) => { return Err(unsupported(&$case)) };
    (@bearer $m:ident, $b:expr, $case:expr) => { $b.bearer_token(TOKEN) };
    (@basic awx, $b:expr, $case:expr) => { $b.basic_auth(AWX_USER, TOKEN) };
    (@basic $m:ident, $b:expr, $case:expr) => { return Err(unsupported(&$case)) };
    (@oci oci_aidp, $b:expr, $case:expr, $signer:expr) => { $b.oci_signer($signer.clone()) };
    (@oci $m:ident, $b:expr, $case:expr, $signer:expr) => { return Err(unsupported(&$case)) };
}

impl Generated {
    /// Build the generated client of `case` against `base`.
    pub fn build(case: &Case, base: &str, signer: &Signer) -> Result<Generated, String> {
        Ok(match case.provider {
            Provider::Ankra => Generated::Ankra(builder!(ankra, case, base, signer)),
            Provider::Awx => Generated::Awx(builder!(awx, case, format!("{base}/api/v2"), signer)),
            Provider::Tines => Generated::Tines(builder!(tines, case, base, signer)),
            Provider::NetappAstra => {
                Generated::NetappAstra(builder!(netapp_astra, case, base, signer))
            }
            Provider::OciAidp => Generated::OciAidp(builder!(oci_aidp, case, base, signer)),
        })
    }

    /// `get_credential()...send()`.
    pub async fn get(&self) -> Result<Cred, String> {
        match self {
            Generated::Ankra(c) => c
                .get_credential()
                .credential_id(ANKRA_ID)
                .send()
                .await
                .map(|r| Cred::Ankra(r.into_inner()))
                .map_err(|e| e.to_string()),
            Generated::Awx(c) => c
                .get_credential()
                .id(NonZeroU64::new(AWX_ID).expect("non-zero"))
                .send()
                .await
                .map(|r| Cred::Awx(r.into_inner()))
                .map_err(|e| e.to_string()),
            Generated::Tines(c) => c
                .get_credential()
                .credential_id(TINES_ID)
                .send()
                .await
                .map(|r| Cred::Tines(r.into_inner()))
                .map_err(|e| e.to_string()),
            Generated::NetappAstra(c) => c
                .get_credential()
                .account_id(ASTRA_ACCOUNT)
                .credential_id(ASTRA_CREDENTIAL)
                .send()
                .await
                .map(|r| Cred::NetappAstra(r.into_inner()))
                .map_err(|e| e.to_string()),
            Generated::OciAidp(c) => c
                .get_credential()
                .ai_data_platform_id(OCI_PLATFORM)
                .credential_key(OCI_KEY)
                .send()
                .await
                .map(|r| Cred::OciAidp(r.into_inner()))
                .map_err(|e| e.to_string()),
        }
    }
}

/// How the hand-written call authenticates.
enum HandAuth {
    None,
    Header(HeaderValue),
    Oci(Signer),
}

/// What an expert writes by hand: one `reqwest::Client` with the same
/// timeouts, the URL formatted per call (string path parameters
/// percent-encoded), prebuilt header values, `execute`, status check,
/// `bytes()` and `serde_json::from_slice` into the generated type.
pub struct HandWritten {
    http: reqwest::Client,
    provider: Provider,
    base: String,
    accept: HeaderValue,
    user_agent: HeaderValue,
    auth: HandAuth,
}

/// The path-segment escape set (as `encode_path` does: everything but
/// unreserved characters).
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

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

impl HandWritten {
    /// Build the hand-written client of `case` against `base`.
    pub fn build(case: &Case, base: &str, signer: &Signer) -> Result<HandWritten, String> {
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
        let accept = match case.provider {
            Provider::Tines => "application/json, text/plain",
            Provider::NetappAstra => "application/astra-credential+json, application/problem+json",
            _ => "application/json",
        };
        let auth = match case.auth {
            AuthMode::None => HandAuth::None,
            AuthMode::Bearer => HandAuth::Header(sensitive(&format!("Bearer {TOKEN}"))),
            AuthMode::Basic => {
                use base64::Engine as _;
                let encoded =
                    base64::engine::general_purpose::STANDARD.encode(format!("{AWX_USER}:{TOKEN}"));
                HandAuth::Header(sensitive(&format!("Basic {encoded}")))
            }
            AuthMode::Oci => HandAuth::Oci(signer.clone()),
        };
        let base = match case.provider {
            Provider::Awx => format!("{base}/api/v2"),
            _ => base.to_string(),
        };
        Ok(HandWritten {
            http,
            provider: case.provider,
            base,
            accept: HeaderValue::from_static(accept),
            user_agent: HeaderValue::from_str(&default_user_agent(case.provider.stem()))
                .map_err(|e| e.to_string())?,
            auth,
        })
    }

    /// The same request and decode, by hand.
    pub async fn get(&self) -> Result<Cred, String> {
        let base = &self.base;
        let decode_err = |e: serde_json::Error| e.to_string();
        Ok(match self.provider {
            Provider::Ankra => {
                let url = format!("{base}/api/v1/org/credentials/{ANKRA_ID}");
                Cred::Ankra(serde_json::from_slice(&self.fetch(url).await?).map_err(decode_err)?)
            }
            Provider::Awx => {
                let url = format!("{base}/credentials/{AWX_ID}/");
                Cred::Awx(serde_json::from_slice(&self.fetch(url).await?).map_err(decode_err)?)
            }
            Provider::Tines => {
                let url = format!("{base}/api/v1/user_credentials/{TINES_ID}");
                Cred::Tines(serde_json::from_slice(&self.fetch(url).await?).map_err(decode_err)?)
            }
            Provider::NetappAstra => {
                let url = format!(
                    "{base}/accounts/{}/core/v1/credentials/{}",
                    seg(ASTRA_ACCOUNT),
                    seg(ASTRA_CREDENTIAL)
                );
                Cred::NetappAstra(
                    serde_json::from_slice(&self.fetch(url).await?).map_err(decode_err)?,
                )
            }
            Provider::OciAidp => {
                let url = format!(
                    "{base}/20260430/aiDataPlatforms/{}/credentials/{}",
                    seg(OCI_PLATFORM),
                    seg(OCI_KEY)
                );
                Cred::OciAidp(serde_json::from_slice(&self.fetch(url).await?).map_err(decode_err)?)
            }
        })
    }

    /// GET `url` with the prebuilt headers (and the OCI signature), check the
    /// status, read the body.
    async fn fetch(&self, url: String) -> Result<bytes::Bytes, String> {
        let mut request = self.http.get(url).build().map_err(|e| e.to_string())?;
        let headers = request.headers_mut();
        headers.insert(ACCEPT, self.accept.clone());
        headers.insert(USER_AGENT, self.user_agent.clone());
        match &self.auth {
            HandAuth::None => {}
            HandAuth::Header(value) => {
                headers.insert(AUTHORIZATION, value.clone());
            }
            HandAuth::Oci(signer) => {
                headers.insert(HeaderName::from_static("opc-request-id"), request_id());
                signer
                    .sign(&mut request, SystemTime::now())
                    .map_err(|e| e.to_string())?;
            }
        }
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

/// Measure [`HookCost`] for no auth, bearer, basic and OCI.
pub fn hook_costs(signer: &Signer, batches: usize, batch_time: Duration) -> Vec<HookCost> {
    let http = reqwest::Client::new();
    let modes: [(
        AuthMode,
        &'static credential_clients::runtime::ApiDescription,
        &str,
    ); 4] = [
        (
            AuthMode::None,
            &ankra::API,
            "/api/v1/org/credentials/3c90c3cc-0d44-4b50-8888-8dd25736052a",
        ),
        (
            AuthMode::Bearer,
            &ankra::API,
            "/api/v1/org/credentials/3c90c3cc-0d44-4b50-8888-8dd25736052a",
        ),
        (AuthMode::Basic, &awx::API, "/credentials/42/"),
        (
            AuthMode::Oci,
            &oci_aidp::API,
            "/20260430/aiDataPlatforms/ocid1.datalake.oc1.iad.aaaabench/credentials/db_password",
        ),
    ];
    let base = "http://127.0.0.1:8080";
    let ua = HeaderValue::from_static("credential-clients/0.1.0 (bench)");
    let mut out = Vec::new();
    for (auth, api, path) in modes {
        let url = format!("{base}{path}");
        let rt_auth = match auth {
            AuthMode::None => None,
            AuthMode::Bearer => Some(RtAuth::Bearer(TOKEN.into())),
            AuthMode::Basic => Some(RtAuth::Basic {
                username: AWX_USER.into(),
                password: TOKEN.into(),
            }),
            AuthMode::Oci => Some(RtAuth::Oci(Arc::new(signer.clone()))),
        };
        let mut config = ClientConfig::new(api).user_agent("credential-clients/0.1.0 (bench)");
        if let Some(a) = rt_auth {
            config = config.auth(a);
        }
        let runtime = config.build().expect("runtime").runtime;
        let header = sensitive(&format!("Bearer {TOKEN}"));
        let build = || http.get(url.as_str()).build().expect("request");
        let prepare = || {
            let mut r = build();
            runtime
                .prepare(api, base, &mut r, "get_credential")
                .expect("prepare");
            now(runtime.authenticate(&http, &mut r)).expect("authenticate");
            black_box(r);
        };
        let hand = || {
            let mut r = build();
            let h = r.headers_mut();
            h.insert(ACCEPT, HeaderValue::from_static("application/json"));
            h.insert(USER_AGENT, ua.clone());
            match auth {
                AuthMode::None => {}
                AuthMode::Bearer | AuthMode::Basic => {
                    h.insert(AUTHORIZATION, header.clone());
                }
                AuthMode::Oci => {
                    h.insert(HeaderName::from_static("opc-request-id"), request_id());
                    signer.sign(&mut r, SystemTime::now()).expect("sign");
                }
            }
            black_box(r);
        };
        // Each against building the request alone, in alternating batches.
        let only_build = || {
            black_box(build());
        };
        let (prepare_ns, build_a) = alternate(batches, batch_time, prepare, only_build);
        let (hand_ns, build_b) = alternate(batches, batch_time, hand, only_build);
        out.push(HookCost {
            auth,
            prepare_ns: prepare_ns - build_a,
            hand_ns: hand_ns - build_b,
        });
    }
    out
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
pub fn path_check_costs(batches: usize, batch_time: Duration) -> (f64, f64) {
    let base = "http://127.0.0.1:8080";
    let op = &ankra::API.operations[0];
    let url = reqwest::Url::parse(&format!(
        "{base}/api/v1/org/credentials/3c90c3cc-0d44-4b50-8888-8dd25736052a"
    ))
    .expect("url");
    let fast = crate::proto::PathCheck::new(base);
    alternate(
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
    )
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
