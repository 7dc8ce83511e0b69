{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "strict-signature-quarantine-drill",
        "runbook_sha256": "688ca6fd5d1807d71188cac5e3fa1251b33d456612b118e93cb529eecab5250c",
        "approved_at": "2026-12-01T22:02:08.201Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "_NnIefz5PIiRR0-lc-9vJCXO4vY69gOE2dsFtLZX3SdgX1T92exKgFi4ZzrJbuB1Wocj02OqES_UT9IskhVwCQ"
    }
  ]
}
