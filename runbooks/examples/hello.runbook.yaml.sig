{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "hello",
        "runbook_sha256": "4f91e2f4cd6d9039332b1ba23a129ddd28ff535d5ef4e778a7db2fc864c8cf08",
        "approved_at": "2026-12-01T22:02:03.006Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "4DfnEZzrDxNRecmRE4uexaoGJmFPZaq64ylz7fCtPpUW9HvLNg3_2sq1tb86KnXOQnazyH1MyDQMy02i0krqBg"
    }
  ]
}
