"""An independent verifier of Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite, written from the W3C
specifications (Data Integrity EdDSA Cryptosuites v1.0, section 3.3) with Debian's python3-pyld and python3-nacl:
it shares no code with the Digital Bazaar libraries Packway signs with.

Reads one JSON object on standard input: {"documents": [<signed credentials>], "publicKeyMultibase": "z6Mk…",
"contexts": {"<url>": "<file path>"}}. Writes [{"verified": bool, "reason": str}, …] on standard output, one per
document, in order.
The document loader answers only the given contexts: any other URL is refused, so nothing is fetched.
"""
import copy
import hashlib
import json
import sys

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey
from pyld import jsonld

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58btc_decode(text):
    number = 0
    for char in text:
        number = number * 58 + ALPHABET.index(char)
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    leading = len(text) - len(text.lstrip("1"))
    return b"\x00" * leading + raw


def public_key(multibase):
    if not multibase.startswith("z"):
        raise ValueError("the key is not multibase base58btc")
    raw = base58btc_decode(multibase[1:])
    if raw[:2] != b"\xed\x01" or len(raw) != 34:
        raise ValueError("the key is not an Ed25519 public key multikey")
    return raw[2:]


def loader_for(contexts):
    documents = {}
    for url, path in contexts.items():
        with open(path, encoding="utf-8") as file:
            documents[url] = json.load(file)

    def load(url, options=None):
        if url not in documents:
            raise jsonld.JsonLdError("refused: " + url, "jsonld.LoadDocumentError", code="loading document failed")
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": documents[url]}

    return load


def canonical(document, loader):
    return jsonld.normalize(
        document, {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader}
    )


def verify(request, original):
    document = copy.deepcopy(original)
    proofs = document.pop("proof", None)
    if isinstance(proofs, list):
        if len(proofs) != 1:
            return False, "expected exactly one proof"
        proof = proofs[0]
    else:
        proof = proofs
    if not isinstance(proof, dict):
        return False, "no proof"
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != "eddsa-rdfc-2022":
        return False, "not an eddsa-rdfc-2022 Data Integrity proof"
    config = dict(proof)
    proof_value = config.pop("proofValue", None)
    if not isinstance(proof_value, str) or not proof_value.startswith("z"):
        return False, "the proof value is not multibase base58btc"
    config["@context"] = document["@context"]
    loader = loader_for(request["contexts"])
    proof_hash = hashlib.sha256(canonical(config, loader).encode("utf-8")).digest()
    document_hash = hashlib.sha256(canonical(document, loader).encode("utf-8")).digest()
    try:
        VerifyKey(public_key(request["publicKeyMultibase"])).verify(
            proof_hash + document_hash, base58btc_decode(proof_value[1:])
        )
    except (BadSignatureError, ValueError) as error:
        return False, "signature: " + str(error)
    return True, "ok"


def verify_one(request, document):
    try:
        verified, reason = verify(request, document)
    except Exception as error:  # a document the processor refuses is a failed verification, said why
        verified, reason = False, type(error).__name__ + ": " + str(error)
    return {"verified": verified, "reason": reason}


def main():
    request = json.load(sys.stdin)
    json.dump([verify_one(request, document) for document in request["documents"]], sys.stdout)


if __name__ == "__main__":
    main()
