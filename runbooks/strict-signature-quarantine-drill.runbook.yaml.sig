{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "strict-signature-quarantine-drill",
        "runbook_sha256": "a4cd5e402ccd40cb4e59e37c0a6808b54aa2c953ddb451bc8d50f44fce578dc2",
        "approved_at": "2026-12-01T23:58:16.995Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "a9Ml7zXZEREQWNOW4EXelKzNl6-Xu5sd3eH_jePXq01iWYSz2s8kAlO9PDYFJjlKUx3grtBt8smU_r1LGq4vCQ"
    }
  ]
}
