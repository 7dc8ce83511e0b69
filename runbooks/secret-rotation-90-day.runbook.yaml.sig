{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "secret-rotation-90-day",
        "runbook_sha256": "b13353d58e0ad8630cfad143563e61d60532d71b7b9f9c7d01959cd4cd7e5d8b",
        "approved_at": "2026-12-01T23:58:15.514Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "sowsLIaQ4W7EusB5olQEZlR8Jf8EZdghj5FVa9oumkig0CLF5HlVW4nt3chJhN32aIhEfIRb-iPJNaCdBysxAw"
    }
  ]
}
