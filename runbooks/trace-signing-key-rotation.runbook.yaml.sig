{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "trace-signing-key-rotation",
        "runbook_sha256": "da95d7eb76825d231c60f65819a94d69a740fb325b049e42ededfafbe8f8f660",
        "approved_at": "2026-12-01T22:02:09.764Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "bnKO2wEBH1qmAODS5npfrU2xeCohn5AbclqyG13QjrvhpiQd2jPHBGPPtEpFkznArEOVbCw3pE36Goq6HGzWBQ"
    }
  ]
}
