"""The tamper-evident chain: links over every stored event, checkpoints, proofs."""
