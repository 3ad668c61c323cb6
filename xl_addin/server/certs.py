"""``zhenggai serve --https``: a local certificate authority and a localhost certificate.

Office.js add-ins are loaded over HTTPS only, also from this PC. As
office-addin-dev-certs and mkcert do, a small certificate authority of this
PC (``zhenggai-ca.pem``, the one file to trust) signs the server's certificate
for ``localhost``, ``127.0.0.1`` and ``::1``, valid for 825 days (the most
macOS accepts for a server certificate). Both are made once into the
configuration folder, keys readable by the owner only, and the server's
certificate is made again when it is about to expire. The README shows how to
trust the authority on Windows and macOS.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = ["CA_FILE", "CERT_FILE", "KEY_FILE", "ensure_certificate"]

CA_FILE = "zhenggai-ca.pem"
CA_KEY_FILE = "zhenggai-ca-key.pem"
CERT_FILE = "localhost-cert.pem"
KEY_FILE = "localhost-key.pem"
_DAYS = 825
_CA_DAYS = 3650
_RENEW_DAYS = 30


def ensure_certificate(folder: Path, *, now: dt.datetime | None = None) -> tuple[Path, Path]:
    """(server certificate, its key) in *folder*, made now unless a valid one is there."""
    now = now or dt.datetime.now(dt.UTC)
    cert_path, key_path = folder / CERT_FILE, folder / KEY_FILE
    if cert_path.is_file() and key_path.is_file() and (folder / CA_FILE).is_file():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        if cert.not_valid_after_utc - now > dt.timedelta(days=_RENEW_DAYS):
            return cert_path, key_path
    folder.mkdir(parents=True, exist_ok=True)
    ca_cert, ca_key = _authority(folder, now)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    names = [x509.DNSName("localhost")] + [
        x509.IPAddress(ipaddress.ip_address(a)) for a in ("127.0.0.1", "::1")
    ]
    cert = (
        _builder(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]), ca_cert.subject)
        .public_key(key.public_key())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=_DAYS))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write_key(key_path, key)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


def _authority(folder: Path, now: dt.datetime) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    ca_path, ca_key_path = folder / CA_FILE, folder / CA_KEY_FILE
    if ca_path.is_file() and ca_key_path.is_file():
        cert = x509.load_pem_x509_certificate(ca_path.read_bytes())
        key = serialization.load_pem_private_key(ca_key_path.read_bytes(), password=None)
        if isinstance(key, rsa.RSAPrivateKey) and cert.not_valid_after_utc - now > dt.timedelta(
            days=_DAYS
        ):
            return cert, key
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "zhenggai 本机证书颁发机构")])
    cert = (
        _builder(name, name)
        .public_key(key.public_key())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=_CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    _write_key(ca_key_path, key)
    ca_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def _builder(subject: x509.Name, issuer: x509.Name) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .serial_number(x509.random_serial_number())
    )


def _write_key(path: Path, key: rsa.RSAPrivateKey) -> None:
    data = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
