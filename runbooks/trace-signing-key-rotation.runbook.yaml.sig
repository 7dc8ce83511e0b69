{
  "runsafe_approval": 1,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "file": "trace-signing-key-rotation.runbook.yaml",
        "runbook_sha256": "da95d7eb76825d231c60f65819a94d69a740fb325b049e42ededfafbe8f8f660",
        "approved_at": "2026-11-21T23:57:46.963Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "WwOiNQE3SNY2FLI9zBO09SAjGO7_YA328NQqhyI5dgyTTjb2xEDyxX4LJKB7kOsQQHT9J2muMEvcKHYvNoFpAQ"
    }
  ]
}
