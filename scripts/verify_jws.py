#!/usr/bin/env python3
"""Verifies a license package with an independent JOSE implementation (joserfc).

    verify_jws.py PACKAGE.license OWNER.pub.jwk

Checks the compact JWS (alg EdDSA, RFC 8037) against the owner's public JWK and prints the payload's
owner, companyName and serialNumber as one JSON line. Exits 1 if the signature or the form is wrong,
2 on a usage error.
"""

import json
import sys
import warnings

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

# joserfc warns that the `EdDSA` algorithm name is deprecated by RFC 9864 in favour of `Ed25519`;
# packages use `EdDSA` on purpose (RFC 8037), which every JOSE library still accepts.
warnings.filterwarnings("ignore", message=".*EdDSA.*")


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: verify_jws.py PACKAGE.license OWNER.pub.jwk", file=sys.stderr)
        return 2
    package_path, key_path = argv[1], argv[2]
    try:
        with open(key_path, encoding="utf-8") as f:
            key = OKPKey.import_key(json.load(f))
        with open(package_path, encoding="utf-8") as f:
            token = f.read().strip()
        verified = jws.deserialize_compact(token, key, algorithms=["EdDSA"])
        payload = json.loads(verified.payload)
    except (JoseError, ValueError, OSError) as error:
        print(f"verification failed: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    header = verified.headers()
    if header.get("alg") != "EdDSA":
        print(f"verification failed: unexpected alg {header.get('alg')!r}", file=sys.stderr)
        return 1
    summary = {key: payload.get(key) for key in ("owner", "companyName", "serialNumber")}
    print(json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
