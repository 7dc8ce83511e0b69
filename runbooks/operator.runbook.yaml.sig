{
  "runsafe_approval": 1,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "file": "operator.runbook.yaml",
        "runbook_sha256": "4cd9394a90f0f4233e33e2d5bbde1715eb1a63673e4a8f8eb13e0cb75bdc9a38",
        "approved_at": "2026-11-21T23:35:52.869Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "NbhzHKprwM6r1MnXZj_W1TV8Tp4CYDX-2dRVNFb0OzoSFDkJu4zwvKbpzLQDLO-5Y3kS671mUEDPH70FOY72CQ"
    }
  ]
}
