{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "secret-rotation-90-day",
        "runbook_sha256": "39f7b64d9dfff58b8e2370640412988017badc2b2c082c8debcbe8198180b278",
        "approved_at": "2026-12-01T22:02:06.385Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "VnjTLIqTGj3ZZVY3Njk6ZyrOe3E973VF3PPps1TAYF2w_mMcxFQ5Pp0kjO4pOacLasdQrFmyuI-KY6ghQcZlAA"
    }
  ]
}
