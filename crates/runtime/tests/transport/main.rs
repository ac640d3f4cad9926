//! The runtime over real HTTP and TLS on 127.0.0.1, driven the way the
//! generated hooks drive it (`prepare`, then `execute`), with a synthetic
//! API description that declares every quirk the runtime applies as data.
//! Servers are hand-written tokio listeners or httpmock, bound to port 0.

mod auth;
mod bodies;
mod http_client;
mod proxy;
mod quirks;
mod redirects;
mod retries;
mod support;
mod tls;
