//! TLS over 127.0.0.1 with a throwaway CA made at test time: a server
//! certificate from an unknown CA is refused unless its CA is added (or the
//! loudly named opt-out is used); an mTLS server refuses a client without
//! the identity and accepts it with one; a minimum TLS version is enforced.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, SanType,
};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{self, RootCertStore, ServerConfig};

use crate::support::{Reply, Server, Stream, Wrap, chain, config, get};

/// A CA and a certificate it signed.
struct Pki {
    ca_pem: String,
    cert_der: CertificateDer<'static>,
    cert_pem: String,
    key: KeyPair,
}

fn ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
}

fn issue(ca: &CertifiedIssuer<'static, KeyPair>, usage: ExtendedKeyUsagePurpose) -> Pki {
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params
        .subject_alt_names
        .push(SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)));
    params.extended_key_usages = vec![usage];
    params.distinguished_name.push(DnType::CommonName, "test");
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, ca).unwrap();
    Pki {
        ca_pem: ca.pem(),
        cert_der: cert.der().clone(),
        cert_pem: cert.pem(),
        key,
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// A TLS server with `server`'s certificate; with `client_ca`, clients
/// must present a certificate that CA signed.
async fn tls_server(
    server: &Pki,
    client_ca: Option<&CertifiedIssuer<'static, KeyPair>>,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> Server {
    let builder = ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(versions)
        .unwrap();
    let builder = match client_ca {
        None => builder.with_no_client_auth(),
        Some(ca) => {
            let mut roots = RootCertStore::empty();
            roots.add(ca.der().clone()).unwrap();
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider(),
            )
            .build()
            .unwrap();
            builder.with_client_cert_verifier(verifier)
        }
    };
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server.key.serialize_der()));
    let config = builder
        .with_single_cert(vec![server.cert_der.clone()], key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let wrap: Wrap = Arc::new(move |tcp| {
        let acceptor = acceptor.clone();
        Box::pin(async move {
            let stream = acceptor.accept(tcp).await.ok()?;
            Some(Box::new(stream) as Box<dyn Stream>)
        })
    });
    Server::start_with(wrap, |_, _| Reply::json(200, "{}")).await
}

fn https(server: &Server) -> String {
    format!("https://{}", server.addr)
}

const ALL_VERSIONS: &[&rustls::SupportedProtocolVersion] = rustls::ALL_VERSIONS;

#[tokio::test]
async fn an_unknown_ca_is_refused_and_an_added_one_is_trusted() {
    let pki = issue(&ca("Throwaway CA"), ExtendedKeyUsagePurpose::ServerAuth);
    let server = tls_server(&pki, None, ALL_VERSIONS).await;

    let plain = config(&https(&server)).build().unwrap();
    let err = get(&plain, "a").await.unwrap_err();
    assert!(err.is_connect(), "{}", chain(&err));
    assert_eq!(server.count(), 0);

    let trusting = config(&https(&server))
        .root_certificate_pem(pki.ca_pem.clone())
        .build()
        .unwrap();
    assert_eq!(get(&trusting, "a").await.unwrap().status(), 200);

    let only = config(&https(&server))
        .root_certificate_pem(pki.ca_pem.clone())
        .only_given_root_certificates(true)
        .build()
        .unwrap();
    assert_eq!(get(&only, "a").await.unwrap().status(), 200);
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn accepting_invalid_certificates_is_an_explicit_opt_out() {
    let pki = issue(&ca("Throwaway CA"), ExtendedKeyUsagePurpose::ServerAuth);
    let server = tls_server(&pki, None, ALL_VERSIONS).await;
    let parts = config(&https(&server))
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    assert_eq!(get(&parts, "a").await.unwrap().status(), 200);
}

#[tokio::test]
async fn mutual_tls_needs_the_client_identity() {
    let server_pki = issue(&ca("Server CA"), ExtendedKeyUsagePurpose::ServerAuth);
    let client_ca = ca("Client CA");
    let client = issue(&client_ca, ExtendedKeyUsagePurpose::ClientAuth);
    let server = tls_server(&server_pki, Some(&client_ca), ALL_VERSIONS).await;

    let anonymous = config(&https(&server))
        .root_certificate_pem(server_pki.ca_pem.clone())
        .build()
        .unwrap();
    // The server refuses the handshake without a client certificate.
    let err = get(&anonymous, "a").await.unwrap_err();
    let text = chain(&err);
    assert!(text.contains("CertificateRequired"), "{text}");
    assert_eq!(server.count(), 0);

    let identified = config(&https(&server))
        .root_certificate_pem(server_pki.ca_pem.clone())
        .client_identity_pem(client.cert_pem.clone(), client.key.serialize_pem())
        .build()
        .unwrap();
    assert!(!format!("{identified:?}").contains("PRIVATE KEY"));
    assert_eq!(get(&identified, "a").await.unwrap().status(), 200);
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_minimum_tls_version_is_enforced() {
    let pki = issue(&ca("Throwaway CA"), ExtendedKeyUsagePurpose::ServerAuth);
    let server = tls_server(&pki, None, &[&rustls::version::TLS12]).await;
    let tls12_ok = config(&https(&server))
        .root_certificate_pem(pki.ca_pem.clone())
        .build()
        .unwrap();
    assert_eq!(get(&tls12_ok, "a").await.unwrap().status(), 200);
    let tls13_only = config(&https(&server))
        .root_certificate_pem(pki.ca_pem.clone())
        .min_tls_version(reqwest::tls::Version::TLS_1_3)
        .build()
        .unwrap();
    // The handshake fails: the server offers only TLS 1.2.
    let err = get(&tls13_only, "a").await.unwrap_err();
    let text = chain(&err);
    assert!(err.is_connect(), "{text}");
    assert!(text.contains("ProtocolVersion"), "{text}");
    assert_eq!(server.count(), 1);
}

#[test]
fn bad_pem_is_a_typed_build_error() {
    let err = config("https://x")
        .root_certificate_pem("not a certificate")
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            credential_clients_runtime::BuildError::Tls(
                credential_clients_runtime::TlsError::RootCertificate { index: 0, .. }
            )
        ),
        "{err}"
    );
    let err = config("https://x")
        .client_identity_pem("junk", "-----BEGIN PRIVATE KEY-----\nsecretsecret\n")
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            credential_clients_runtime::BuildError::Tls(
                credential_clients_runtime::TlsError::Identity(_)
            )
        ),
        "{err}"
    );
    assert!(!err.to_string().contains("secretsecret"), "{err}");
}
