{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "secret-rotation-90-day",
        "runbook_sha256": "e49aa7cc40c72bf721f3e9642da366c32565423e2fd065ca387b8c1b47408fd5",
        "approved_at": "2026-12-03T08:13:29.239Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "E9bpTUpb_WdDMwzoMWDSfXEof0Mg2B5GS8z4MQTZYgxuJ6N-0Ewqy-hw3ZQ_7qp2YLfo3mPmvmo2unTdOgRDAA"
    }
  ]
}
