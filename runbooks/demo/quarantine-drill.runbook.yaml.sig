{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "quarantine-drill",
        "runbook_sha256": "2e9813fadf5382ffe10a6192bbba91302b1cb94e7f1490bce287d798abda7737",
        "approved_at": "2026-12-01T23:35:10.911Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "H4nRywiyONNVxEjGmC9CnXmd8FGPCRZ4xweAPMNjKyGIwiDSUd8N15HGZp34WpvYuLKxSfyGHm91B2a0A1BLCA"
    }
  ]
}
