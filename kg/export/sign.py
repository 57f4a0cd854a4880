"""RSA signatures of nanopublications, as nanopub tools make and check them.

The signature is RSA PKCS#1 v1.5 over SHA-256 of the nanopublication's normal form (see :mod:`kg.export.trusty`)
without its ``npx:hasSignature`` statement, written in standard Base64; the public key is the Base64 of its DER
``SubjectPublicKeyInfo`` (the body of a ``BEGIN PUBLIC KEY`` PEM block). PKCS#1 v1.5 signatures are deterministic:
the same key and nanopublication always give the same signature, so a signed export stays byte for byte the same.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

__all__ = ["SigningKey", "load_key"]


@dataclass(frozen=True)
class SigningKey:
    """An RSA private key read from a PEM file, loaded once (loading checks the key, which takes a while).

    Attributes:
        path: the file it was read from.
        public_key: the public key as nanopublications hold it: Base64 of its DER ``SubjectPublicKeyInfo``.
    """

    path: Path
    public_key: str
    _private: RSAPrivateKey = field(repr=False, compare=False)

    def sign(self, text: str) -> str:
        """Return the Base64 RSA PKCS#1 v1.5 SHA-256 signature of *text* (UTF-8)."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        signature = self._private.sign(text.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(signature).decode("ascii")


def load_key(path: Path, passphrase: bytes | None = None, *, how: str = "give its passphrase") -> SigningKey:
    """Read an RSA private key from a PEM file (PKCS#8 or PKCS#1), decrypting it with *passphrase* if it is encrypted.

    Args:
        path: the PEM file.
        passphrase: the passphrase of an encrypted key.
        how: how the caller gives a passphrase, for the message when an encrypted key has none.

    Raises:
        UsageError: the file is missing or unreadable, is not a PEM private key, is encrypted and no passphrase
            (or a wrong one) was given, or holds a key that is not RSA.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"signing key {path} does not exist: give the path of an RSA private key in PEM "
                         "(e.g. made with: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key.pem)"
                         ) from None
    except OSError as err:
        raise UsageError(f"signing key {path} cannot be read ({err.strerror or err}): give a readable PEM file"
                         ) from None
    try:
        key = serialization.load_pem_private_key(data, password=passphrase)
    except TypeError:
        if passphrase is None:
            raise UsageError(f"signing key {path} is encrypted and no passphrase was given: {how}, or decrypt it "
                             "(openssl pkey -in KEY -out PLAIN)") from None
        raise UsageError(f"signing key {path} is not encrypted, but a passphrase was given: give none") from None
    except ValueError as err:
        if passphrase is not None and "password" in str(err).lower():
            raise UsageError(f"signing key {path} could not be decrypted with the passphrase given: check it"
                             ) from None
        raise UsageError(f"signing key {path} is not a PEM private key ({_first_line(err)}): give an RSA private "
                         "key in PEM ('-----BEGIN PRIVATE KEY-----')") from None
    except Exception as err:  # cryptography raises its own errors for unsupported key types
        raise UsageError(f"signing key {path} cannot be read as a private key ({_first_line(err)}): give an RSA "
                         "private key in PEM") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise UsageError(f"signing key {path} is not an RSA key (it is {_kind(key)}): nanopublications "
                         "are signed with RSA; give an RSA private key")
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return SigningKey(path=path, public_key=base64.b64encode(der).decode("ascii"), _private=key)


def _kind(key: object) -> str:
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519

    kinds = ((ec.EllipticCurvePrivateKey, "an EC key"), (ed25519.Ed25519PrivateKey, "an Ed25519 key"),
             (ed448.Ed448PrivateKey, "an Ed448 key"), (dsa.DSAPrivateKey, "a DSA key"))
    return next((name for cls, name in kinds if isinstance(key, cls)), "another kind of key")


def _first_line(err: Exception) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0]
