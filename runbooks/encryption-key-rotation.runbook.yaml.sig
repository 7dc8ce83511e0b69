{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "encryption-key-rotation",
        "runbook_sha256": "a64ef9981df08bd522e36155d00496d0232c2a42710afa4e46b57764c4fc8878",
        "approved_at": "2026-12-02T18:03:38.190Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "MmMBk7dXO-uOGBJFTCIcxAQLhEOGoVxHDFaNmUJk4UkuX8T25GkuE8Z_btddWDwWyxwF9ivql7ydK8dP6EoKAQ"
    }
  ]
}
