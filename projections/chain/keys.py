"""Ed25519 keys and checkpoint signatures (the `cryptography` package)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from projections.chain.store import Checkpoint


def public_path(private_path: Path) -> Path:
    """Where keygen puts the public half: beside the private key, `.pub` added."""
    return private_path.with_name(private_path.name + ".pub")


def generate_key(path: Path) -> tuple[Path, Path]:
    """Write a new private key (mode 0600) and its public key; refuse to overwrite."""
    if path.exists():
        raise FileExistsError(f"{path} exists; a new key would orphan its checkpoints")
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    pub = public_path(path)
    pub.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return path, pub


def load_private(path: Path) -> Ed25519PrivateKey:
    """The signing key from a PEM file."""
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def load_public(path: Path) -> Ed25519PublicKey:
    """A public key from a PEM file (or the public half of a private key file)."""
    data = path.read_bytes()
    if b"PRIVATE KEY" in data:
        return load_private(path).public_key()
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path} is not an Ed25519 public key")
    return key


def key_id(public: Ed25519PublicKey) -> str:
    """SHA-256 of the raw 32-byte public key, hex."""
    raw = public.public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return hashlib.sha256(raw).hexdigest()


def checkpoint_message(cp: Checkpoint) -> bytes:
    """The exact bytes signed (docs/tamper-evidence.md, "Checkpoints")."""
    return (
        "giftledger-checkpoint-v1\n"
        f"position={cp.position}\nlink={cp.link}\ntree_size={cp.tree_size}\n"
        f"root={cp.root}\nsigned_at={cp.signed_at}\nkey_id={cp.key_id}\n"
    ).encode("ascii")


def sign(
    key: Ed25519PrivateKey,
    position: int,
    link: str,
    tree_size: int,
    root: str,
    signed_at: str,
) -> Checkpoint:
    """A checkpoint of the chain head, signed."""
    unsigned = Checkpoint(
        position, link, tree_size, root, signed_at, key_id(key.public_key()), ""
    )
    signature = key.sign(checkpoint_message(unsigned)).hex()
    return Checkpoint(**{**unsigned.__dict__, "signature": signature})


def signature_ok(public: Ed25519PublicKey, cp: Checkpoint) -> bool:
    """True when the checkpoint was signed by this key and not changed since."""
    try:
        public.verify(bytes.fromhex(cp.signature), checkpoint_message(cp))
    except (InvalidSignature, ValueError):
        return False
    return True
