{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "encryption-key-rotation",
        "runbook_sha256": "29599afc204651106ef4441a400b90481ef438edbcda9f3a5ecb31de17a326b6",
        "approved_at": "2026-12-01T22:02:01.532Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "WP3L0_OfRfvRuXYcd0W39Wn3VWWsJt2SPPHH-0wXRqPIG-RaOMRJy1D8_etbD-j7ALSBID6QzqQuOovXxuasAA"
    }
  ]
}
