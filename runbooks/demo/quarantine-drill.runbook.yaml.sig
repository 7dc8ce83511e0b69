{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "quarantine-drill",
        "runbook_sha256": "caed31e806f1504d19c1f09ea110195bd089c473ae013dbe23b0de0898208ad4",
        "approved_at": "2026-12-01T22:43:42.050Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "pwzbfS1X52OiuOcMR6aDQuvk8q4tJPO26BxVw_zDoEdk1N9bkEfVD_Abp3tJxiliRaF484vmZ-ryxo5XBcwwCg"
    }
  ]
}
