#!/usr/bin/env python3
"""Writes the hand-made edge cases of the fuzz corpora (corpus/<target>/edge-*):
numbers at the moduli, lengths of 2^64 - 1, empty objects, truncated headers.
Run from fuzz/: python3 seeds/edge-cases.py"""
import json
import os
import struct

R = "21888242871839275222246405745257275088548364400416034343698204186575808495617"
Q = "21888242871839275222246405745257275088696311157297823662689037894645226208583"
U64_MAX = 2**64 - 1


def put(target, name, data):
    os.makedirs(f"corpus/{target}", exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(f"corpus/{target}/edge-{name}", "wb") as f:
        f.write(data)


def key_header(magic, version, extra=b""):
    # magic, version u32, depth 1, fields u16 = 1, plain census, compressed
    return magic + struct.pack("<I", version) + bytes([1]) + struct.pack("<H", 1) + b"\x00\x00" + extra


put("ballot_json", "empty-object", "{}")
put("ballot_json", "bad-proof", json.dumps({"version": 1, "election_id": "0", "nullifier": R,
    "votes": [4294967295] * 40, "weight": U64_MAX, "proof": "zz"}))
put("election_json", "huge-shape", json.dumps({"version": 1, "id": "0", "title": "", "options": [],
    "mode": "custom", "rules": {"num_fields": 255}, "census": {"root": "0", "size": 0},
    "shape": {"max_depth": U64_MAX, "fields": 0, "census": "plain"},
    "verifying_key_digest": "00" * 32, "proving_key_digest": "zz"}))
put("census_json", "no-members", json.dumps({"version": 1, "kind": "weighted", "root": "0", "members": []}))
put("census_json", "modulus", json.dumps({"version": 1, "kind": "plain", "root": R,
    "members": [{"commitment": R, "weight": 0}]}))
put("census_members", "edges", f"  \n# comment\n0,{U64_MAX}\n{R}\n-1\n0x10,1\n1,,2\n")
put("identity_json", "short-key", json.dumps({"version": 1, "private_key": "AAAA", "commitment": "0",
    "public_key": ["0", "0"]}))
put("snarkjs_public", "edges", json.dumps(["0", R, "-1", "00001", "", "1" * 101]))
put("snarkjs_proof", "infinity", json.dumps({"pi_a": ["0", "0", "0"], "pi_b": [["0", "0"], ["0", "0"], ["1", "0"]],
    "pi_c": [Q, "1", "1"], "protocol": "groth16", "curve": "bn128"}))
put("snarkjs_vk", "empty-ic", json.dumps({"protocol": "groth16", "curve": "bn128", "nPublic": U64_MAX,
    "vk_alpha_1": [], "vk_beta_2": [], "vk_gamma_2": [], "vk_delta_2": [], "vk_alphabeta_12": [], "IC": []}))
put("proof_bytes", "zeros-256", bytes(256))
put("proof_bytes", "ff-128", b"\xff" * 128)
put("verifying_key", "header-only", key_header(b"ZKVOTEVK", 1))
put("verifying_key", "huge-vec", key_header(b"ZKVOTEVK", 1) + bytes(32 + 64 * 3) + b"\xff" * 8)
put("proving_key", "v2-bad-reduction", key_header(b"ZKVOTEPK", 2, b"\x07"))
put("proving_key_trusted", "huge-vec",
    key_header(b"ZKVOTEPK", 1)[:-1] + b"\x01" + bytes(64 + 64 + 128 * 3 + 64) + b"\xff" * 8)
put("tables", "magic-only", b"ZKVOTETB" + struct.pack("<I", 2))
put("tables", "huge-table", b"ZKVOTETB" + struct.pack("<I", 2) + b"0" * 64
    + struct.pack("<IQQ", 13, 2**32 - 1, 2**32 - 1))
put("zkey", "no-sections", b"zkey" + struct.pack("<II", 1, 0))
put("zkey", "huge-section", b"zkey" + struct.pack("<II", 1, 1) + struct.pack("<IQ", 2, 2**63))
