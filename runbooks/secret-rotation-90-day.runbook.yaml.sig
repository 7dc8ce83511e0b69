{
  "runsafe_approval": 1,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "file": "secret-rotation-90-day.runbook.yaml",
        "runbook_sha256": "2a934245796a526c3192a6efb276cb8345e080c0271c9da4069ba0c00a0dbf45",
        "approved_at": "2026-11-21T23:47:39.205Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "Bx6IAUnOchLLmq9zwqG_QKEvGJ_geK_GQLjSsGY7Lh5A3yvwWmQWrR-MBGHtmK9cJgUbMqZX7jZ3CKx-hjwiDg"
    }
  ]
}
