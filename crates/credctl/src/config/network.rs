//! TLS and proxy settings onto the client config: the CA bundle and the
//! client identity are read from their files here (a missing or unreadable
//! file is a usage error naming the file and where its name came from);
//! `--insecure` warns on stderr every time.

use credential_clients::runtime as rt;

use super::connection::expand_home;
use super::globals::Network;
use super::resolve::Resolved;
use crate::exit::Failure;

/// The warning `--insecure` prints.
pub const INSECURE_WARNING: &str = "credctl: warning: TLS certificates are not verified \
     (--insecure / CREDCTL_INSECURE / `insecure` in the config file): anyone on the network \
     path can read and change this traffic, credentials included";

/// Apply `network` to `config`.
pub fn apply(mut config: rt::ClientConfig, network: &Network) -> Result<rt::ClientConfig, Failure> {
    if let Some(ca) = &network.ca_cert {
        config = config.root_certificate_pem(read(ca, "CA certificate")?);
    }
    match (&network.client_cert, &network.client_key) {
        (Some(cert), Some(key)) => {
            let chain = read(cert, "client certificate")?;
            let key_pem = String::from_utf8(read(key, "client key")?).map_err(|_| {
                Failure::usage(format!(
                    "the client key {} (from {}) is not PEM text",
                    key.value, key.source
                ))
            })?;
            config = config.client_identity_pem(chain, key_pem);
        }
        (Some(one), None) | (None, Some(one)) => {
            return Err(Failure::usage(format!(
                "{} sets only half of the client identity: --client-cert and --client-key \
                 (or CREDCTL_CLIENT_CERT and CREDCTL_CLIENT_KEY) go together",
                one.source
            )));
        }
        (None, None) => {}
    }
    if let Some(proxy) = &network.proxy {
        config = config.proxy(proxy.value.as_str());
    }
    if network.insecure.is_some() {
        eprintln!("{INSECURE_WARNING}");
        config = config.danger_accept_invalid_certs(true);
    }
    Ok(config)
}

fn read(file: &Resolved, what: &str) -> Result<Vec<u8>, Failure> {
    std::fs::read(expand_home(&file.value)).map_err(|e| {
        Failure::usage(format!(
            "cannot read the {what} {} (from {}): {e}",
            file.value, file.source
        ))
    })
}
