"""Certificates as Open Badges 3.0 credentials: signed as VC-JWTs (RS256) with rotating keys,
their revocations published in a Bitstring Status List."""
