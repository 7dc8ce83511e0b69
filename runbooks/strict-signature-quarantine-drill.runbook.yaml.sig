{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "strict-signature-quarantine-drill",
        "runbook_sha256": "103c38bbb65820444fab2ae4048133944b4fea86f5973d54bbb71e65eaa84ab2",
        "approved_at": "2026-12-03T01:34:14.936Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "eaIAKJt3RTkU6V1iIdwj7S6e_GRF6IBPTmhI1JuEFZBpfBM8uSZk2tUZNeiRrg2h-paaodTruWWFdhxDHKcjBw"
    }
  ]
}
