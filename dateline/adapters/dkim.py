"""dkimpy, with its RSA step done by OpenSSL.

dkimpy canonicalises the message, hashes it and writes the DKIM-Signature
header; its RSA signature is computed in pure Python, about 7 ms per message
with a 2048-bit key, which would cap newsletter delivery near 140 messages a
second. RSASSA-PKCS1-v1_5 is deterministic, so OpenSSL (the `cryptography`
package) makes byte for byte the signature dkimpy would (adapters/tests).

Internals used, from dkim/__init__.py (dkimpy 1.1):
- `dkim.RSASSA_PKCS1_v1_5_sign(hash, private_key)`: the module global that
  `DKIM.gen_header` calls; `hash` has `.name` and `.digest()`, `private_key`
  is dkimpy's dict of the key's numbers.
- `dkim.parse_pem_private_key(pem)`: called on every signature; we remember
  the parsed key, since the same key signs every message.
"""

import functools

import dkim
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils

_pure_python_sign = dkim.RSASSA_PKCS1_v1_5_sign
_parse_pem = dkim.parse_pem_private_key
HASHES = {"sha256": hashes.SHA256, "sha1": hashes.SHA1}


class _Key(dict):
    """dkimpy's key dict, carrying the OpenSSL key made from the same numbers."""

    @functools.cached_property
    def openssl(self):
        public = rsa.RSAPublicNumbers(self["publicExponent"], self["modulus"])
        return rsa.RSAPrivateNumbers(
            p=self["prime1"],
            q=self["prime2"],
            d=self["privateExponent"],
            dmp1=self["exponent1"],
            dmq1=self["exponent2"],
            iqmp=self["coefficient"],
            public_numbers=public,
        ).private_key()


@functools.lru_cache(maxsize=8)
def _remembered_key(pem):
    return _Key(_parse_pem(pem))


def _openssl_sign(hash, private_key):  # noqa: A002 - dkimpy's own argument name
    algorithm = HASHES.get(hash.name.lower())
    if not isinstance(private_key, _Key) or algorithm is None:
        return _pure_python_sign(hash, private_key)
    return private_key.openssl.sign(hash.digest(), padding.PKCS1v15(), utils.Prehashed(algorithm()))


def use_openssl():
    dkim.RSASSA_PKCS1_v1_5_sign = _openssl_sign
    dkim.parse_pem_private_key = _remembered_key


use_openssl()


def sign(message, *, selector, domain, private_key_pem, headers):
    """The DKIM-Signature header line(s) for `message` (bytes, CRLF), relaxed/simple."""
    return dkim.sign(
        message,
        selector.encode(),
        domain.encode(),
        private_key_pem,
        canonicalize=(b"relaxed", b"simple"),
        include_headers=[h.encode() for h in headers],
        linesep=b"\r\n",
    )
