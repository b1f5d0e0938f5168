//! The rustls client configuration: ring provider, platform verifier plus extra CA files
//! (or a verifier that accepts anything for `--insecure`), ALPN h2 + http/1.1, and the
//! ClientHello timing hook.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::Resumption;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, SignatureScheme};

use super::error::{HttpError, TlsFailure};
use super::timing::HelloHookStore;

pub(crate) fn client_config(
    insecure: bool,
    ca_certs: &[PathBuf],
) -> Result<ClientConfig, HttpError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut extra_roots = Vec::new();
    for path in ca_certs {
        extra_roots.extend(read_ca_file(path)?);
    }
    let verifier: Arc<dyn ServerCertVerifier> = if insecure {
        Arc::new(AcceptAnyCert {
            provider: Arc::clone(&provider),
        })
    } else {
        Arc::new(LazyPlatformVerifier {
            extra_roots,
            provider: Arc::clone(&provider),
            inner: std::sync::OnceLock::new(),
        })
    };
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| HttpError::TlsSetup {
            reason: e.to_string(),
        })?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    config.resumption = Resumption::store(Arc::new(HelloHookStore::new()));
    Ok(config)
}

fn read_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, HttpError> {
    let ca_error = |reason: String| HttpError::CaFile {
        path: path.to_path_buf(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|e| ca_error(super::error::io_reason(&e)))?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ca_error(format!("not a valid PEM file ({e})")))?;
    if certs.is_empty() {
        return Err(ca_error("no PEM certificate found".to_owned()));
    }
    Ok(certs)
}

/// Maps a rustls error to a failure class and a readable reason.
pub(crate) fn describe(err: &rustls::Error) -> (TlsFailure, String) {
    use rustls::Error as E;
    let plain = |s: &str| (TlsFailure::Other, s.to_owned());
    match err {
        E::InvalidCertificate(cert) => match cert {
            CertificateError::UnknownIssuer => (
                TlsFailure::UnknownIssuer,
                "certificate is not trusted (unknown issuer)".to_owned(),
            ),
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                (
                    TlsFailure::NameMismatch,
                    "certificate is for another host (name mismatch)".to_owned(),
                )
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                (TlsFailure::Expired, "certificate expired".to_owned())
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => (
                TlsFailure::Expired,
                "certificate is not valid yet".to_owned(),
            ),
            CertificateError::Revoked => plain("certificate was revoked"),
            CertificateError::BadSignature => plain("certificate has a bad signature"),
            CertificateError::BadEncoding => plain("certificate is malformed"),
            other => (TlsFailure::Other, format!("invalid certificate: {other}")),
        },
        E::InvalidMessage(_) | E::InappropriateMessage { .. } => (
            TlsFailure::NotTls,
            "the server did not answer with TLS".to_owned(),
        ),
        E::NoApplicationProtocol => plain("no common application protocol (ALPN)"),
        E::AlertReceived(alert) => (
            TlsFailure::Other,
            format!(
                "the server refused the handshake (alert `{}`)",
                alert.as_str().unwrap_or("unknown")
            ),
        ),
        other => (TlsFailure::Other, other.to_string()),
    }
}

/// `--insecure`: accepts any certificate and any name, but still checks handshake signatures
/// (so the handshake itself is real and timed).
#[derive(Debug)]
struct AcceptAnyCert {
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for AcceptAnyCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// The platform verifier, built on the first certificate to check: loading the system's roots
/// costs a few milliseconds (every file of `/etc/ssl/certs` on Debian), which a plain-HTTP run
/// should not pay.
#[derive(Debug)]
struct LazyPlatformVerifier {
    extra_roots: Vec<CertificateDer<'static>>,
    provider: Arc<CryptoProvider>,
    inner: std::sync::OnceLock<Result<Arc<rustls_platform_verifier::Verifier>, String>>,
}

impl LazyPlatformVerifier {
    fn get(&self) -> Result<&Arc<rustls_platform_verifier::Verifier>, rustls::Error> {
        self.inner
            .get_or_init(|| {
                rustls_platform_verifier::Verifier::new_with_extra_roots(
                    self.extra_roots.clone(),
                    Arc::clone(&self.provider),
                )
                .map(Arc::new)
                .map_err(|e| format!("could not load the system's CA certificates: {e}"))
            })
            .as_ref()
            .map_err(|reason| rustls::Error::General(reason.clone()))
    }
}

impl ServerCertVerifier for LazyPlatformVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.get()?
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.get()?.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.get()?.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        // Asked while building the ClientHello: answer from the provider, without loading roots
        // (the platform verifier answers the same from the same provider).
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_reasons_for_common_certificate_errors() {
        let cases = [
            (
                CertificateError::UnknownIssuer,
                TlsFailure::UnknownIssuer,
                "certificate is not trusted (unknown issuer)",
            ),
            (
                CertificateError::NotValidForName,
                TlsFailure::NameMismatch,
                "certificate is for another host (name mismatch)",
            ),
            (
                CertificateError::Expired,
                TlsFailure::Expired,
                "certificate expired",
            ),
        ];
        for (cert, failure, reason) in cases {
            let got = describe(&rustls::Error::InvalidCertificate(cert));
            assert_eq!(got, (failure, reason.to_owned()));
        }
    }

    #[test]
    fn missing_ca_file_names_the_path() {
        let err = read_ca_file(Path::new("/nonexistent/ca.pem")).err();
        assert_eq!(
            err.map(|e| e.to_string()),
            Some("could not read CA file `/nonexistent/ca.pem`: file not found".to_owned())
        );
    }

    #[test]
    fn ca_file_without_certificates_is_rejected() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("empty.pem");
        std::fs::write(&path, "not a certificate\n")?;
        let err = read_ca_file(&path).err().map(|e| e.to_string());
        assert_eq!(
            err,
            Some(format!(
                "could not read CA file `{}`: no PEM certificate found",
                path.display()
            ))
        );
        Ok(())
    }
}
