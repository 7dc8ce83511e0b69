{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "operator",
        "runbook_sha256": "8a0c4fb3eb9a05283b90dd612a6fee273bf7a97f3832a1f2a2c0923e37b1dd76",
        "approved_at": "2026-12-01T22:02:04.325Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "kWLbBcUbPh0wxsvEEwo--kUt0m_Pp7Pg7YGVXgSm0Byw6BUYkWAFcsmzmzeuFPq2dUKnvwPwAikAU71qBAadAA"
    }
  ]
}
